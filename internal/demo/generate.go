package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"ocop/internal/adminunit"
	"ocop/internal/registry"
	"ocop/internal/textfold"
)

// Hanoi's published figures that the demo data reproduces (ocop-rules.md
// §5.2: products rated since 2019 as reported in 2025, craft villages).
const (
	TargetProducts   = 3317 // products rated 3★ or more since 2019
	TargetFiveStar   = 6    // certified 5★ by the ministry
	TargetPotential5 = 22   // 4★ proposed as potential 5★
	TargetFourStar   = 1571 // 4★ without the potential 5★ mark
	TargetThreeStar  = 1718
	TargetVillages   = 1350 // craft villages (làng nghề)
	TargetRecognised = 321  // of which recognised by the city
)

// yearWeights spread the first ratings over the years so that the running
// totals follow the published ones (1,054 by end 2020, 2,167 early 2024,
// 2,711 in April 2024, 3,317 in mid-2025), with a few products of 2025–26.
var yearWeights = []struct{ year, weight int }{
	{2019, 500}, {2020, 554}, {2021, 595}, {2022, 518}, {2023, 544}, {2024, 450}, {2025, 120}, {2026, 36},
}

// ethnicCommunes are old communes of the Dao and Mường communities (Ba Vì,
// Thạch Thất, Quốc Oai, Mỹ Đức), where ethnic-minority-led producers are
// common.
var ethnicCommunes = map[string]bool{
	"09703": true, "09700": true, "09712": true, "09709": true, "09706": true, "09694": true, "09697": true,
	"04927": true, "04936": true, "04930": true, "04939": true, "09940": true, "10504": true,
}

// place is an old (pre-2025) commune of Hanoi with the current unit(s) it
// became.
type place struct {
	ward     adminunit.OldWard
	district adminunit.OldDistrict
	targets  []adminunit.Target
	lat, lng float64
}

type villageRow struct {
	key                                    string
	Name, NameEn, Crafts, Description      string
	Commune, LegacyDistrict, LegacyCommune string
	Recognised                             bool
	Year                                   int
	Lat, Lng                               float64
	line                                   string
	weight                                 int // how often producers of its line settle there
}

type producerRow struct {
	key                                      string
	Kind, Name, RegNo, Representative, Phone string
	AddressLine, Description                 string
	Commune, LegacyDistrict, LegacyCommune   string
	Lat, Lng                                 float64
	WomenLed, EthnicLed                      bool
	Workers, WorkersWomen, WorkersEthnic     int
	Created                                  time.Time
	products                                 []*productRow
	place                                    *place
}

type productRow struct {
	Code, Name, NameEn, Category, Brand, GTIN        string
	Description, DescriptionEn, Ingredients, RawArea string
	Village                                          int // index into plan.villages, -1 for none
	Star                                             int
	Potential5                                       bool
	Year                                             int
	Seq                                              int // sequence number in Code
	Created                                          time.Time
	named                                            bool
}

// plan is the whole generated data set, before it gets database ids.
type plan struct {
	villages  []villageRow
	producers []*producerRow
}

func (p *plan) products() []*productRow {
	var out []*productRow
	for _, pr := range p.producers {
		out = append(out, pr.products...)
	}
	return out
}

type generator struct {
	r          *rand.Rand
	cat        *catalogue
	units      *adminunit.Units
	now        time.Time
	maxYear    int
	byCode     map[string]*place
	byDistrict map[string][]*place
	plan       *plan
	names      map[string]bool
	regNos     map[string]bool
	lineVill   map[string][]int
	placeVill  map[string]int // old commune code + "|" + line → village
	villageKey map[string]int
	companies  int // GS1 company prefixes handed out
}

// generate builds the demo data set. It is deterministic for a seed, the
// embedded data and the year of now.
func generate(cat *catalogue, u *adminunit.Units, seed int64, now time.Time) (*plan, error) {
	g := &generator{
		r: rand.New(rand.NewPCG(uint64(seed), 0x4f434f50)), cat: cat, units: u, now: now.UTC(),
		maxYear: min(2026, max(2019, now.Year())), byCode: map[string]*place{}, byDistrict: map[string][]*place{},
		plan: &plan{}, names: map[string]bool{}, regNos: map[string]bool{}, lineVill: map[string][]int{},
		placeVill: map[string]int{}, villageKey: map[string]int{},
	}
	if err := g.hanoi(); err != nil {
		return nil, err
	}
	if err := g.villages(); err != nil {
		return nil, err
	}
	if err := g.namedProducers(); err != nil {
		return nil, err
	}
	g.generatedProducers()
	if err := g.yearsAndStars(); err != nil {
		return nil, err
	}
	g.finish()
	return g.plan, nil
}

// hanoi indexes the old communes of Hanoi that have a current unit (those
// merged away before 1 July 2025 are not the legacy address of anything
// registered today).
func (g *generator) hanoi() error {
	for _, d := range g.units.OldDistrictsOf("01") {
		for _, w := range g.units.OldWardsOf(d.Code) {
			ts := g.units.NewFor(w.Code)
			if len(ts) == 0 {
				continue
			}
			for _, t := range ts {
				if t.Ward.ProvinceCode != "01" {
					return fmt.Errorf("demo: old commune %s maps outside Hanoi (%s)", w.Code, t.Ward.Code)
				}
			}
			lat, lng := communePoint(d.Code, w.Code)
			p := &place{ward: w, district: d, targets: ts, lat: lat, lng: lng}
			g.byCode[w.Code] = p
			g.byDistrict[d.Code] = append(g.byDistrict[d.Code], p)
		}
	}
	if len(g.byDistrict) == 0 {
		return fmt.Errorf("demo: no Hanoi communes in the administrative units")
	}
	return nil
}

// pickDistrict draws an old district from codes (all when empty), weighted
// by how much OCOP production it has.
func (g *generator) pickDistrict(codes []string) string {
	if len(codes) == 0 {
		for c := range g.byDistrict {
			codes = append(codes, c)
		}
		sort.Strings(codes)
	}
	total := 0
	for _, c := range codes {
		if len(g.byDistrict[c]) > 0 {
			total += districts[c].Weight
		}
	}
	n := g.r.IntN(max(total, 1))
	for _, c := range codes {
		if len(g.byDistrict[c]) == 0 {
			continue
		}
		if n -= districts[c].Weight; n < 0 {
			return c
		}
	}
	return codes[0]
}

func (g *generator) pickPlace(codes []string) *place {
	return pick(g.r, g.byDistrict[g.pickDistrict(codes)])
}

// newCommune chooses the current commune of a record in an old commune:
// the only one, or for a split commune one of its parts.
func (g *generator) newCommune(p *place) adminunit.Ward {
	return pick(g.r, p.targets).Ward
}

// resolve finds the place and current commune of a named record.
func (g *generator) resolve(what, legacy, commune string) (*place, string, error) {
	p, ok := g.byCode[legacy]
	if !ok {
		return nil, "", fmt.Errorf("demo data: %s: old commune %q is not a Hanoi commune with a current unit", what, legacy)
	}
	if commune == "" {
		if len(p.targets) == 1 {
			return p, p.targets[0].Ward.Code, nil
		}
		for _, t := range p.targets {
			if t.Ward.Name == p.ward.Name {
				return p, t.Ward.Code, nil
			}
		}
		return nil, "", fmt.Errorf("demo data: %s: %s was split; name the current commune", what, p.ward.FullName)
	}
	for _, t := range p.targets {
		if t.Ward.Code == commune {
			return p, commune, nil
		}
	}
	return nil, "", fmt.Errorf("demo data: %s: %s did not become %s", what, p.ward.FullName, commune)
}

// apportion splits total in proportion to weights, exactly (largest
// remainder).
func apportion(weights []int, total int) []int {
	sum := 0
	for _, w := range weights {
		sum += w
	}
	out := make([]int, len(weights))
	if sum == 0 || total <= 0 {
		return out
	}
	type rem struct{ i, r int }
	rems := make([]rem, len(weights))
	given := 0
	for i, w := range weights {
		out[i] = w * total / sum
		given += out[i]
		rems[i] = rem{i, w * total % sum}
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r > rems[b].r })
	for k := 0; given < total; k++ {
		out[rems[k%len(rems)].i]++
		given++
	}
	return out
}

func (g *generator) villages() error {
	used := map[string]bool{}
	add := func(v villageRow, oldCode string) {
		used[textfold.Fold(v.Name)] = true
		i := len(g.plan.villages)
		g.plan.villages = append(g.plan.villages, v)
		if v.line != "" {
			g.lineVill[v.line] = append(g.lineVill[v.line], i)
			if _, ok := g.placeVill[oldCode+"|"+v.line]; !ok {
				g.placeVill[oldCode+"|"+v.line] = i
			}
		}
		if v.key != "" {
			g.villageKey[v.key] = i
		}
	}
	recognised := 0
	for _, nv := range g.cat.villages {
		p, commune, err := g.resolve("village "+nv.Key, nv.LegacyCommune, nv.Commune)
		if err != nil {
			return err
		}
		year := min(nv.Year, g.maxYear)
		if year > 0 {
			recognised++
		}
		add(villageRow{key: nv.Key, Name: nv.Name, NameEn: nv.NameEn, Crafts: nv.Crafts, Description: nv.Description,
			Commune: commune, LegacyDistrict: p.district.Code, LegacyCommune: p.ward.Code, Recognised: year > 0, Year: year,
			Lat: nv.Lat, Lng: nv.Lng, line: nv.Line, weight: 12}, p.ward.Code)
	}
	weights := make([]int, len(g.cat.crafts))
	for i, k := range g.cat.crafts {
		weights[i] = k.Weight
	}
	first := len(g.plan.villages)
	for ci, n := range apportion(weights, TargetVillages-first) {
		k := g.cat.crafts[ci]
		for range n {
			p := g.pickPlace(k.Districts)
			name := "Làng nghề " + k.Name + " " + p.ward.Name
			nameEn := p.ward.NameEn + " " + k.NameEn + " village"
			for _, h := range g.r.Perm(len(hamlets)) {
				if !used[textfold.Fold(name)] {
					break
				}
				name = "Làng nghề " + k.Name + " thôn " + hamlets[h] + ", " + p.ward.Name
				nameEn = p.ward.NameEn + " " + k.NameEn + " village (" + textfold.Fold(hamlets[h]) + " hamlet)"
			}
			for i := 2; used[textfold.Fold(name)]; i++ {
				name = fmt.Sprintf("Làng nghề %s %s %d", k.Name, p.ward.Name, i)
			}
			lat, lng := jitter(g.r, p.lat, p.lng, 0.006)
			add(villageRow{Name: name, NameEn: nameEn, Crafts: k.Name,
				Description: fmt.Sprintf("Làng nghề %s ở %s, %s (trước năm 2025).", k.Name, lowerFirst(p.ward.FullName), lowerFirst(p.district.FullName)),
				Commune:     g.newCommune(p).Code, LegacyDistrict: p.district.Code, LegacyCommune: p.ward.Code,
				Lat: lat, Lng: lng, line: k.Line, weight: 1}, p.ward.Code)
		}
	}
	need := TargetRecognised - recognised
	if need < 0 || need > len(g.plan.villages)-first {
		return fmt.Errorf("demo data: %d named villages are recognised; cannot reach %d", recognised, TargetRecognised)
	}
	// Recognition started in Hà Tây in 2001 and continues every year.
	for _, i := range g.r.Perm(len(g.plan.villages) - first)[:need] {
		v := &g.plan.villages[first+i]
		v.Recognised, v.Year = true, 2001+g.r.IntN(g.maxYear-2001)
	}
	return nil
}

func (g *generator) regNo(kind string) string {
	for {
		var s string
		switch kind {
		case registry.KindSME, registry.KindCooperative:
			// Enterprise and cooperative codes are tax codes: 01 for Hanoi, 10 digits.
			s = fmt.Sprintf("01%08d", 5_000_000+g.r.IntN(4_999_999))
		case registry.KindHousehold, registry.KindFarm:
			// Household business numbers: province, district letter, 8, serial.
			const letters = "ABCDEFGHJKLMNPQRSTUVWXYZ" // no I or O, which read as digits
			s = fmt.Sprintf("01%c8%s", letters[g.r.IntN(len(letters))], digits(g.r, 6))
		default:
			// Cooperative groups, associations and centres register by
			// contract or decision, without a business number.
			return ""
		}
		if !g.regNos[s] {
			g.regNos[s] = true
			return s
		}
	}
}

var kindLabel = map[string]string{
	registry.KindCooperative: "Hợp tác xã", registry.KindCooperativeGroup: "Tổ hợp tác", registry.KindSME: "Doanh nghiệp",
	registry.KindFarm: "Trang trại", registry.KindHousehold: "Hộ kinh doanh", registry.KindAssociation: "Hội",
	registry.KindFederation: "Hiệp hội", registry.KindTourismCentre: "Trung tâm điều hành du lịch",
}

// workers gives worker numbers typical of the kind.
func (g *generator) workers(kind string) int {
	switch kind {
	case registry.KindHousehold:
		return 2 + g.r.IntN(11)
	case registry.KindCooperativeGroup:
		return 5 + g.r.IntN(21)
	case registry.KindCooperative:
		return 10 + g.r.IntN(111)
	case registry.KindSME:
		return 10 + g.r.IntN(241)
	case registry.KindFarm:
		return 3 + g.r.IntN(23)
	}
	return 10 + g.r.IntN(40)
}

func (g *generator) setWorkers(pr *producerRow, total int, ethnicPlace bool) {
	pr.Workers = total
	share := 0.35 + g.r.Float64()*0.35
	if pr.WomenLed {
		share += 0.1
	}
	pr.WorkersWomen = min(total, int(float64(total)*share+0.5))
	switch {
	case pr.EthnicLed:
		pr.WorkersEthnic = min(total, int(float64(total)*(0.6+g.r.Float64()*0.4)+0.5))
	case ethnicPlace:
		pr.WorkersEthnic = int(float64(total) * g.r.Float64() * 0.3)
	}
}

func (g *generator) address(p *place) string {
	if p.ward.UnitType == "phuong" || p.ward.UnitType == "thi_tran" {
		if g.r.IntN(3) == 0 {
			return fmt.Sprintf("Tổ dân phố %d", 1+g.r.IntN(25))
		}
		return fmt.Sprintf("Số %d, ngõ %d", 1+g.r.IntN(120), 1+g.r.IntN(300))
	}
	if g.r.IntN(2) == 0 {
		return "Thôn " + pick(g.r, hamlets)
	}
	return fmt.Sprintf("Xóm %d", 1+g.r.IntN(12))
}

func (g *generator) namedProducers() error {
	byKey := map[string]*producerRow{}
	for _, np := range g.cat.producers {
		pr := &producerRow{key: np.Key, Kind: np.Kind, Name: np.Name, Representative: np.Representative,
			AddressLine: np.AddressLine, Description: np.Description, WomenLed: np.Female, EthnicLed: np.Ethnic}
		if np.LegacyCommune != "" {
			p, commune, err := g.resolve("producer "+np.Key, np.LegacyCommune, np.Commune)
			if err != nil {
				return err
			}
			pr.place, pr.Commune, pr.LegacyDistrict, pr.LegacyCommune = p, commune, p.district.Code, p.ward.Code
			pr.Lat, pr.Lng = jitter(g.r, p.lat, p.lng, 0.004)
		} else {
			w, ok := g.units.Ward(np.Commune)
			if !ok || w.ProvinceCode != "01" {
				return fmt.Errorf("demo data: producer %s: %q is not a Hanoi commune", np.Key, np.Commune)
			}
			pr.Commune, pr.LegacyDistrict = w.Code, np.District
			d := districts[np.District]
			pr.Lat, pr.Lng = jitter(g.r, d.Lat, d.Lng, d.Radius/2)
		}
		if !slices.Contains(registry.ProducerKinds, pr.Kind) {
			return fmt.Errorf("demo data: producer %s: unknown kind %q", np.Key, pr.Kind)
		}
		pr.RegNo = g.regNo(pr.Kind)
		g.setWorkers(pr, np.Workers, false)
		g.names[textfold.Fold(pr.Name)] = true
		byKey[np.Key] = pr
		g.plan.producers = append(g.plan.producers, pr)
	}
	for _, np := range g.cat.products {
		pr := byKey[np.Producer]
		village := -1
		if np.Village != "" {
			village = g.villageKey[np.Village]
		}
		p := &productRow{Name: np.Name, NameEn: np.NameEn, Category: np.Category, Brand: np.Brand, Ingredients: np.Ingredients,
			Description: np.Description, Village: village, Star: np.Star, Potential5: np.Potential5, Year: min(np.Year, g.maxYear), named: true}
		p.DescriptionEn = np.NameEn + " by " + pr.Name + ", Hanoi."
		if pr.place != nil {
			p.RawArea = lowerFirst(pr.place.ward.FullName) + ", " + lowerFirst(pr.place.district.FullName) + ", Hà Nội"
		}
		pr.products = append(pr.products, p)
	}
	return nil
}

// productCount draws how many products a generated producer has: most one
// or two, a few firms and cooperatives many more.
func (g *generator) productCount(kind string) int {
	n := g.r.IntN(100)
	c := 1
	switch {
	case n < 50:
		c = 1
	case n < 75:
		c = 2
	case n < 88:
		c = 3
	case n < 95:
		c = 4
	default:
		c = 5 + g.r.IntN(3)
	}
	if kind == registry.KindSME && g.r.IntN(3) == 0 {
		c++
	}
	return c
}

func (g *generator) generatedProducers() {
	weights := make([]int, len(g.cat.lines))
	for i, l := range g.cat.lines {
		weights[i] = l.Weight
	}
	quotas := apportion(weights, TargetProducts-len(g.cat.products))
	var gen []*producerRow
	for li := range g.cat.lines {
		l := &g.cat.lines[li]
		for q := quotas[li]; q > 0; {
			pr := g.newProducer(l, &q)
			gen = append(gen, pr)
		}
	}
	// Mix the lines so that ids and lists do not come grouped by trade.
	g.r.Shuffle(len(gen), func(i, j int) { gen[i], gen[j] = gen[j], gen[i] })
	g.plan.producers = append(g.plan.producers, gen...)
}

func (g *generator) pickWeighted(ws []weighted) string {
	total := 0
	for _, w := range ws {
		total += w.Weight
	}
	n := g.r.IntN(total)
	for _, w := range ws {
		if n -= w.Weight; n < 0 {
			return w.Value
		}
	}
	return ws[0].Value
}

// pickVillage draws a craft village of the line, the named (large) ones
// more often.
func (g *generator) pickVillage(vs []int) int {
	total := 0
	for _, v := range vs {
		total += g.plan.villages[v].weight
	}
	n := g.r.IntN(total)
	for _, v := range vs {
		if n -= g.plan.villages[v].weight; n < 0 {
			return v
		}
	}
	return vs[0]
}

func (g *generator) producerName(kind string, l *line, p *place, rep person) (name, brand string) {
	for try := 0; ; try++ {
		sector := pick(g.r, l.Sectors)
		place := p.ward.Name
		if try >= 3 {
			place = brandName(g.r)
		}
		switch kind {
		case registry.KindCooperative:
			name, brand = "HTX "+sector+" "+place, place
		case registry.KindCooperativeGroup:
			name, brand = "Tổ hợp tác "+lowerFirst(sector)+" "+place, place
		case registry.KindSME:
			b := brandName(g.r)
			form := "Công ty TNHH "
			if g.r.IntN(3) == 0 {
				form = "Công ty cổ phần "
			}
			name, brand = form+sector+" "+b, b
		case registry.KindFarm:
			name, brand = "Trang trại "+lowerFirst(sector)+" "+rep.Given, rep.Given
			if g.r.IntN(2) == 0 {
				name = "Trang trại " + rep.Name
			}
		default:
			name, brand = "Cơ sở "+lowerFirst(sector)+" "+rep.Given, rep.Given
			if g.r.IntN(2) == 0 {
				name = "Hộ kinh doanh " + rep.Name
			}
			if g.r.IntN(4) == 0 {
				brand = p.ward.Name
			}
		}
		if try >= 6 {
			name += " " + pick(g.r, hamlets)
		}
		if k := textfold.Fold(name); !g.names[k] {
			g.names[k] = true
			return name, brand
		}
	}
}

func (g *generator) newProducer(l *line, quota *int) *producerRow {
	kind := g.pickWeighted(l.Kinds)
	village := -1
	var p *place
	var commune adminunit.Ward
	share := 0.25 // food crafts: a quarter of producers work in a craft village
	if strings.HasPrefix(l.Category, "IV") {
		share = 0.5 // half the handicraft producers do
	}
	if vs := g.lineVill[l.ID]; len(vs) > 0 && g.r.Float64() < share {
		village = g.pickVillage(vs)
		v := g.plan.villages[village]
		p = g.byCode[v.LegacyCommune]
		commune, _ = g.units.Ward(v.Commune)
	} else {
		if g.r.IntN(4) == 0 {
			p = g.pickPlace(nil)
		} else {
			p = g.pickPlace(l.Districts)
		}
		commune = g.newCommune(p)
		if v, ok := g.placeVill[p.ward.Code+"|"+l.ID]; ok && g.r.IntN(5) > 1 {
			village = v
		}
	}
	ethnicPlace := ethnicCommunes[p.ward.Code]
	ethnic := (ethnicPlace && g.r.IntN(2) == 0) || g.r.IntN(250) == 0
	female := g.r.IntN(100) < 42
	rep := newPerson(g.r, female, ethnic)
	name, brand := g.producerName(kind, l, p, rep)
	pr := &producerRow{Kind: kind, Name: name, RegNo: g.regNo(kind), Representative: rep.Name, Phone: phone(g.r),
		AddressLine: g.address(p), Commune: commune.Code, LegacyDistrict: p.district.Code, LegacyCommune: p.ward.Code,
		WomenLed: female, EthnicLed: ethnic, place: p}
	pr.Lat, pr.Lng = jitter(g.r, p.lat, p.lng, 0.008)
	if village >= 0 {
		v := g.plan.villages[village]
		pr.Lat, pr.Lng = jitter(g.r, v.Lat, v.Lng, 0.003)
	}
	g.setWorkers(pr, g.workers(kind), ethnicPlace)
	where := lowerFirst(p.ward.FullName) + ", " + lowerFirst(p.district.FullName)
	pr.Description = fmt.Sprintf("%s chuyên %s tại %s (nay thuộc %s).",
		kindLabel[kind], lowerFirst(pick(g.r, l.Sectors)), where, commune.FullName)
	var eligible []lineProduct
	for _, lp := range l.Products {
		if len(lp.Districts) == 0 || slices.Contains(lp.Districts, p.district.Code) {
			eligible = append(eligible, lp)
		}
	}
	g.r.Shuffle(len(eligible), func(i, j int) { eligible[i], eligible[j] = eligible[j], eligible[i] })
	n := min(g.productCount(kind), *quota, len(eligible))
	gtinShare := map[string]int{registry.KindSME: 60, registry.KindCooperative: 30}[kind]
	if gtinShare == 0 {
		gtinShare = 5
	}
	made := where
	if village >= 0 {
		made = g.plan.villages[village].Name
	}
	g.companies++
	for i, lp := range eligible[:n] {
		prod := &productRow{Name: lp.Name + " " + brand, NameEn: brand + " " + lowerFirst(lp.NameEn), Category: l.Category,
			Brand: brand, Ingredients: l.Ingredients, RawArea: where + ", Hà Nội", Village: village}
		prod.Description = fmt.Sprintf("%s của %s, %s. Sản xuất tại %s.", prod.Name, name, l.About, made)
		prod.DescriptionEn = fmt.Sprintf("%s by %s, made in %s, %s (before 2025), Hanoi.", prod.NameEn, name, p.ward.NameEn, p.district.NameEn)
		if g.r.IntN(100) < gtinShare {
			prod.GTIN = gtin13(fmt.Sprintf("893%05d%04d", g.companies, i+1))
		}
		pr.products = append(pr.products, prod)
	}
	*quota -= n
	return pr
}

// gtin13 appends the check digit to 12 digits.
func gtin13(s string) string {
	sum := 0
	for i := 0; i < 12; i++ {
		d := int(s[i] - '0')
		if i%2 == 1 {
			d *= 3
		}
		sum += d
	}
	return s + string(rune('0'+(10-sum%10)%10))
}

// yearsAndStars gives every generated product its first rating year and
// planned star so that the totals are exactly the published ones.
func (g *generator) yearsAndStars() error {
	var gen []*productRow
	named := map[int]int{}
	var five, pot5, four, three int
	for _, pr := range g.plan.producers {
		for _, p := range pr.products {
			if !p.named {
				gen = append(gen, p)
				continue
			}
			named[p.Year]++
			switch {
			case p.Star == 5:
				five++
			case p.Star == 4 && p.Potential5:
				pot5++
			case p.Star == 4:
				four++
			case p.Star == 3:
				three++
			default:
				return fmt.Errorf("demo data: %s: star %d is not 3, 4 or 5", p.Name, p.Star)
			}
		}
	}
	if five != TargetFiveStar || pot5 > TargetPotential5 || four > TargetFourStar || three > TargetThreeStar {
		return fmt.Errorf("demo data: named products have %d/%d/%d/%d stars (5★/pot.5★/4★/3★), beyond the targets", five, pot5, four, three)
	}
	if len(gen)+five+pot5+four+three != TargetProducts {
		return fmt.Errorf("demo: generated %d products, want %d", len(gen)+five+pot5+four+three, TargetProducts)
	}
	// Years: the published running totals, minus the named products, with
	// years after the clock folded into the current one.
	var years, weights []int
	for _, yw := range yearWeights {
		y := min(yw.year, g.maxYear)
		if len(years) > 0 && years[len(years)-1] == y {
			weights[len(weights)-1] += yw.weight
			continue
		}
		years, weights = append(years, y), append(weights, yw.weight)
	}
	for i, y := range years {
		weights[i] = max(0, weights[i]-named[y])
	}
	var pool []int
	for i, n := range apportion(weights, len(gen)) {
		for range n {
			pool = append(pool, years[i])
		}
	}
	g.r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	for i, p := range gen {
		p.Year = pool[i]
	}
	// Potential 5★ go to firms and cooperatives rated from 2021 on, the
	// rest of the 4★ and 3★ at random.
	order := g.r.Perm(len(gen))
	owner := map[*productRow]string{}
	for _, pr := range g.plan.producers {
		for _, p := range pr.products {
			owner[p] = pr.Kind
		}
	}
	wantPot5 := TargetPotential5 - pot5
	for _, i := range order {
		p := gen[i]
		if wantPot5 > 0 && p.Year >= 2021 && (owner[p] == registry.KindSME || owner[p] == registry.KindCooperative) {
			p.Star, p.Potential5 = 4, true
			wantPot5--
		}
	}
	if wantPot5 > 0 {
		return fmt.Errorf("demo: too few candidates for potential 5★")
	}
	wantFour := TargetFourStar - four
	for _, i := range g.r.Perm(len(gen)) {
		p := gen[i]
		if p.Star != 0 {
			continue
		}
		if wantFour > 0 {
			p.Star = 4
			wantFour--
		} else {
			p.Star = 3
		}
	}
	return nil
}

// finish dates the records and numbers the product codes.
func (g *generator) finish() {
	seq := map[string]int{}
	for _, pr := range g.plan.producers {
		var first time.Time
		for _, p := range pr.products {
			p.Created = g.dateIn(p.Year)
			if first.IsZero() || p.Created.Before(first) {
				first = p.Created
			}
			scope := fmt.Sprintf("%s:%d", pr.Commune, p.Year)
			seq[scope]++
			p.Seq = seq[scope]
			p.Code = fmt.Sprintf("01-%s-%03d-%d", pr.Commune, p.Seq, p.Year)
		}
		if first.IsZero() {
			first = g.now
		}
		pr.Created = first.AddDate(0, 0, -g.r.IntN(120))
	}
}

// dateIn returns a working-hours moment of the year, not after the clock.
func (g *generator) dateIn(year int) time.Time {
	start := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(1, 0, 0)
	if end.After(g.now) {
		end = g.now
	}
	days := max(1, int(end.Sub(start).Hours()/24))
	t := start.AddDate(0, 0, g.r.IntN(days)).Add(time.Duration(8*3600+g.r.IntN(9*3600)) * time.Second)
	if t.After(g.now) {
		t = g.now.Add(-time.Duration(g.r.IntN(3600)) * time.Second)
	}
	return t.Truncate(time.Second)
}
