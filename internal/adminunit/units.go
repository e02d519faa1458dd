package adminunit

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strings"

	"ocop/internal/textfold"
)

//go:embed data/*.csv
var dataFS embed.FS

// Province is a province-level unit in force since 1 July 2025.
type Province struct {
	Code, Name, FullName, NameEn, FullNameEn, UnitType string
}

// Ward is a commune-level unit (phường, xã, đặc khu) in force since 1 July 2025.
type Ward struct {
	Code, ProvinceCode, Name, FullName, NameEn, FullNameEn, UnitType string
}

// OldDistrict is a district-level unit before 1 July 2025.
type OldDistrict struct {
	Code, ProvinceCode, Name, FullName, NameEn, UnitType string
}

// OldWard is a commune-level unit before 1 July 2025. Status is
// "active_2025_06_30" or "retired_2025_01_01" for Hanoi, "" elsewhere.
type OldWard struct {
	Code, DistrictCode, Name, FullName, NameEn, UnitType, Status, FullName2024 string
}

// Link is one old → new pair of the mapping. Share is "full" when the whole
// old unit went into the new one, "partial" when only part of it did.
type Link struct {
	OldCode, NewCode, Share, Note string
}

// Units is the in-memory index of all administrative units. It is read-only
// after Load and safe for concurrent use.
type Units struct {
	Provinces    []Province
	Wards        []Ward
	OldDistricts []OldDistrict
	OldWards     []OldWard
	Links        []Link
	OldProvinces map[string]string // old province code → new province code
	oldProvName  map[string]string

	ward        map[string]int
	province    map[string]int
	oldDistrict map[string]int
	oldWard     map[string]int
	byOld       map[string][]Link
	byNew       map[string][]Link
	wardsByProv map[string][]int
	oldByDist   map[string][]int
	distByProv  map[string][]int
	sortedWards map[string][]Ward
	// Hash identifies the embedded data; Seed reloads when it changes.
	Hash string
}

func readCSV(name string, h io.Writer) ([]map[string]string, error) {
	b, err := dataFS.ReadFile("data/" + name)
	if err != nil {
		return nil, err
	}
	h.Write(b)
	r := csv.NewReader(bytes.NewReader(b))
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s: empty", name)
	}
	head := recs[0]
	out := make([]map[string]string, 0, len(recs)-1)
	for _, rec := range recs[1:] {
		m := make(map[string]string, len(head))
		for i, k := range head {
			m[k] = rec[i]
		}
		out = append(out, m)
	}
	return out, nil
}

// Load parses the embedded data and builds the indexes.
func Load() (*Units, error) {
	h := sha256.New()
	u := &Units{
		OldProvinces: map[string]string{}, oldProvName: map[string]string{},
		ward: map[string]int{}, province: map[string]int{}, oldDistrict: map[string]int{}, oldWard: map[string]int{},
		byOld: map[string][]Link{}, byNew: map[string][]Link{}, wardsByProv: map[string][]int{},
		oldByDist: map[string][]int{}, distByProv: map[string][]int{},
	}
	provs, err := readCSV("provinces.csv", h)
	if err != nil {
		return nil, err
	}
	for _, r := range provs {
		u.province[r["code"]] = len(u.Provinces)
		u.Provinces = append(u.Provinces, Province{r["code"], r["name"], r["full_name"], r["name_en"], r["full_name_en"], r["unit_type"]})
	}
	wards, err := readCSV("wards.csv", h)
	if err != nil {
		return nil, err
	}
	for _, r := range wards {
		u.ward[r["code"]] = len(u.Wards)
		u.wardsByProv[r["province_code"]] = append(u.wardsByProv[r["province_code"]], len(u.Wards))
		u.Wards = append(u.Wards, Ward{r["code"], r["province_code"], r["name"], r["full_name"], r["name_en"], r["full_name_en"], r["unit_type"]})
	}
	oldProvs, err := readCSV("old_provinces.csv", h)
	if err != nil {
		return nil, err
	}
	for _, r := range oldProvs {
		u.OldProvinces[r["code"]] = r["new_province_code"]
		u.oldProvName[r["code"]] = r["full_name"]
	}
	dists, err := readCSV("hanoi_old_districts.csv", h)
	if err != nil {
		return nil, err
	}
	for _, r := range dists {
		u.addOldDistrict(OldDistrict{r["code"], r["province_code"], r["name"], r["full_name"], r["name_en"], r["unit_type"]})
	}
	oldWards, err := readCSV("hanoi_old_wards.csv", h)
	if err != nil {
		return nil, err
	}
	for _, r := range oldWards {
		u.addOldWard(OldWard{r["code"], r["district_code"], r["name"], r["full_name"], r["name_en"], r["unit_type"], r["status"], r["full_name_2024"]})
	}
	links, err := readCSV("old_to_new_wards.csv", h)
	if err != nil {
		return nil, err
	}
	for _, r := range links {
		if r["old_ward_code"] == "" { // island districts without communes
			continue
		}
		if _, ok := u.oldDistrict[r["old_district_code"]]; !ok {
			full := r["old_district_full_name"]
			typ, short := splitPrefix(full)
			u.addOldDistrict(OldDistrict{r["old_district_code"], r["old_province_code"], short, full, asciiTitle(short), typ})
		}
		if _, ok := u.oldWard[r["old_ward_code"]]; !ok {
			full := r["old_ward_full_name"]
			typ, short := splitPrefix(full)
			u.addOldWard(OldWard{r["old_ward_code"], r["old_district_code"], short, full, asciiTitle(short), typ, "", ""})
		}
		l := Link{r["old_ward_code"], r["new_ward_code"], r["share"], r["note"]}
		u.Links = append(u.Links, l)
		u.byOld[l.OldCode] = append(u.byOld[l.OldCode], l)
		u.byNew[l.NewCode] = append(u.byNew[l.NewCode], l)
	}
	u.Hash = hex.EncodeToString(h.Sum(nil))[:16]
	// Sort each province's communes by folded name once: forms list them on every page.
	u.sortedWards = map[string][]Ward{}
	for prov, idx := range u.wardsByProv {
		ws := make([]Ward, len(idx))
		keys := make([]string, len(idx))
		for i, j := range idx {
			ws[i], keys[i] = u.Wards[j], textfold.Fold(u.Wards[j].Name)
		}
		sort.Sort(byKey{ws, keys})
		u.sortedWards[prov] = ws
	}
	return u, nil
}

func (u *Units) addOldDistrict(d OldDistrict) {
	u.oldDistrict[d.Code] = len(u.OldDistricts)
	u.distByProv[d.ProvinceCode] = append(u.distByProv[d.ProvinceCode], len(u.OldDistricts))
	u.OldDistricts = append(u.OldDistricts, d)
}

func (u *Units) addOldWard(w OldWard) {
	u.oldWard[w.Code] = len(u.OldWards)
	u.oldByDist[w.DistrictCode] = append(u.oldByDist[w.DistrictCode], len(u.OldWards))
	u.OldWards = append(u.OldWards, w)
}

var prefixes = []struct{ prefix, typ string }{
	{"Thành phố ", "thanh_pho"}, {"Thị xã ", "thi_xa"}, {"Thị trấn ", "thi_tran"}, {"Quận ", "quan"},
	{"Huyện ", "huyen"}, {"Phường ", "phuong"}, {"Xã ", "xa"}, {"xã ", "xa"}, {"Đặc khu ", "dac_khu"},
}

func splitPrefix(full string) (typ, short string) {
	for _, p := range prefixes {
		if strings.HasPrefix(full, p.prefix) {
			return p.typ, strings.TrimPrefix(full, p.prefix)
		}
	}
	return "", full
}

func asciiTitle(s string) string {
	words := strings.Fields(textfold.Fold(s))
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}

// Province returns the province with the given code.
func (u *Units) Province(code string) (Province, bool) {
	i, ok := u.province[code]
	if !ok {
		return Province{}, false
	}
	return u.Provinces[i], true
}

// Ward returns the current commune-level unit with the given code.
func (u *Units) Ward(code string) (Ward, bool) {
	i, ok := u.ward[code]
	if !ok {
		return Ward{}, false
	}
	return u.Wards[i], true
}

// OldDistrict returns the pre-2025 district with the given code.
func (u *Units) OldDistrict(code string) (OldDistrict, bool) {
	i, ok := u.oldDistrict[code]
	if !ok {
		return OldDistrict{}, false
	}
	return u.OldDistricts[i], true
}

// OldWard returns the pre-2025 commune with the given code.
func (u *Units) OldWard(code string) (OldWard, bool) {
	i, ok := u.oldWard[code]
	if !ok {
		return OldWard{}, false
	}
	return u.OldWards[i], true
}

// WardsOf lists the current communes of a province, by name. The slice is
// shared: callers must not modify it.
func (u *Units) WardsOf(province string) []Ward { return u.sortedWards[province] }

// OldDistrictsOf lists the pre-2025 districts of an old province code.
func (u *Units) OldDistrictsOf(province string) []OldDistrict {
	out := make([]OldDistrict, 0, len(u.distByProv[province]))
	for _, i := range u.distByProv[province] {
		out = append(out, u.OldDistricts[i])
	}
	return out
}

// OldWardsOf lists the pre-2025 communes of an old district.
func (u *Units) OldWardsOf(district string) []OldWard {
	out := make([]OldWard, 0, len(u.oldByDist[district]))
	for _, i := range u.oldByDist[district] {
		out = append(out, u.OldWards[i])
	}
	return out
}

// Target is a new unit that an old one became, with the share of it.
type Target struct {
	Ward  Ward
	Share string // full | partial
}

// NewFor returns the current unit(s) an old commune became. A split old
// commune returns several targets, each "partial".
func (u *Units) NewFor(oldWard string) []Target {
	var out []Target
	for _, l := range u.byOld[oldWard] {
		if w, ok := u.Ward(l.NewCode); ok {
			out = append(out, Target{w, l.Share})
		}
	}
	return out
}

// NewForDistrict returns every current unit that received part of an old
// district, by name, without duplicates.
func (u *Units) NewForDistrict(district string) []Ward {
	seen := map[string]bool{}
	var out []Ward
	for _, ow := range u.OldWardsOf(district) {
		for _, t := range u.NewFor(ow.Code) {
			if !seen[t.Ward.Code] {
				seen[t.Ward.Code] = true
				out = append(out, t.Ward)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return textfold.Fold(out[i].Name) < textfold.Fold(out[j].Name) })
	return out
}

// OldFor returns the old communes that (in whole or in part) make up a current unit.
func (u *Units) OldFor(newWard string) []Link { return u.byNew[newWard] }

// OldDistrictsFor returns the old districts that contributed to a new unit.
func (u *Units) OldDistrictsFor(newWard string) []OldDistrict {
	seen := map[string]bool{}
	var out []OldDistrict
	for _, l := range u.byNew[newWard] {
		if ow, ok := u.OldWard(l.OldCode); ok && !seen[ow.DistrictCode] {
			seen[ow.DistrictCode] = true
			if d, ok := u.OldDistrict(ow.DistrictCode); ok {
				out = append(out, d)
			}
		}
	}
	return out
}

// byKey sorts wards by precomputed keys.
type byKey struct {
	w []Ward
	k []string
}

func (b byKey) Len() int           { return len(b.w) }
func (b byKey) Less(i, j int) bool { return b.k[i] < b.k[j] }
func (b byKey) Swap(i, j int) {
	b.w[i], b.w[j] = b.w[j], b.w[i]
	b.k[i], b.k[j] = b.k[j], b.k[i]
}
