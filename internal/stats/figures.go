package stats

import (
	"cmp"
	"slices"

	"ocop/internal/evaluation"
	"ocop/internal/registry"
)

// StarCounts counts products (or certificates) by level.
type StarCounts struct {
	Five       int `json:"five_star"`
	Potential5 int `json:"potential_five_star"`
	Four       int `json:"four_star"`
	Three      int `json:"three_star"`
	Total      int `json:"total"`
}

// Add counts one at a level.
func (s *StarCounts) Add(l Level) {
	switch l {
	case Level5:
		s.Five++
	case LevelP5:
		s.Potential5++
	case Level4:
		s.Four++
	default:
		s.Three++
	}
	s.Total++
}

// Of returns the count of a level.
func (s StarCounts) Of(l Level) int {
	switch l {
	case Level5:
		return s.Five
	case LevelP5:
		return s.Potential5
	case Level4:
		return s.Four
	}
	return s.Three
}

// Measure says which products a figure counts.
type Measure string

// The measures of the figures.
const (
	// Cumulative: products evaluated since 2019 (ever certified), each
	// once, at the level of its latest certificate (a revoked or expired
	// one keeps its star). This is the programme's published figure.
	Cumulative Measure = "cumulative"
	// Valid: products holding a certificate valid on the day (valid,
	// expiring soon, or extended while re-rated), at the level of the
	// newest valid certificate.
	Valid Measure = "valid"
)

// LevelAt returns the level at which a product counts for the measure on
// day, and false when it does not count.
func (f *Fact) LevelAt(m Measure, day evaluation.Date) (Level, bool) {
	var c *Cert
	if m == Valid {
		c = f.Current(day)
	} else {
		c = f.Latest(day)
	}
	if c == nil {
		return "", false
	}
	return LevelOf(c.Star, c.Potential5), true
}

// Count counts the products of fs for a measure on day, keeping those
// keep accepts (nil keeps all).
func (fs *Facts) Count(m Measure, day evaluation.Date, keep func(*Fact) bool) StarCounts {
	var out StarCounts
	for _, f := range fs.Products {
		if keep != nil && !keep(f) {
			continue
		}
		if l, ok := f.LevelAt(m, day); ok {
			out.Add(l)
		}
	}
	return out
}

// Row is one line of a breakdown: a key (commune code, district code,
// group code, year…), its label, and the product counts both ways.
type Row struct {
	Key        string     `json:"key"`
	Label      string     `json:"label"`
	Cumulative StarCounts `json:"cumulative"`
	Valid      StarCounts `json:"valid"`
	// Producers, Villages and Recognised are filled in the commune and
	// district breakdowns.
	Producers  int `json:"producers,omitempty"`
	Villages   int `json:"villages,omitempty"`
	Recognised int `json:"recognised,omitempty"`
}

// YearRow is one year of the programme.
type YearRow struct {
	Year int `json:"year"`
	// New counts the products first certified that year, at the level of
	// that first certificate.
	New StarCounts `json:"new"`
	// NewFive counts the products that first reached 5★ that year.
	NewFive int `json:"new_five_star"`
	// Certificates counts every certificate issued that year (first
	// ratings, upgrades and re-ratings).
	Certificates StarCounts `json:"certificates"`
}

// RoundRow is one evaluation round: the certificates its decisions issued.
type RoundRow struct {
	ID           int64      `json:"id"`
	Year         int        `json:"year"`
	No           int        `json:"no"`
	Level        string     `json:"level"`
	Certificates StarCounts `json:"certificates"`
}

// KindRow counts producers of a kind.
type KindRow struct {
	Kind  string `json:"kind"`
	Count int    `json:"count"`
}

// rowSet collects rows by key in the order they are first added; label
// names a key for people.
type rowSet struct {
	rows  map[string]*Row
	order []string
	label func(code string) (string, bool)
}

func newRowSet(label func(code string) (string, bool)) *rowSet {
	return &rowSet{rows: map[string]*Row{}, label: label}
}

func (rs *rowSet) add(code string) *Row {
	r := rs.rows[code]
	if r == nil {
		r = &Row{Key: code, Label: code}
		if l, ok := rs.label(code); ok {
			r.Label = l
		}
		rs.rows[code] = r
		rs.order = append(rs.order, code)
	}
	return r
}

// list returns the rows in order, the row with the empty key (records
// whose key cannot be told) last.
func (rs *rowSet) list() []Row {
	out := make([]Row, 0, len(rs.order))
	for _, k := range rs.order {
		if k != "" {
			out = append(out, *rs.rows[k])
		}
	}
	if r := rs.rows[""]; r != nil {
		out = append(out, *r)
	}
	return out
}

// ByCommune breaks the products down by current commune; every commune of
// the scope is listed (the province's, or the officer's), with zeros.
func (fs *Facts) ByCommune(s *Service, province string) []Row {
	rs := newRowSet(func(code string) (string, bool) {
		w, ok := s.Registry.Units().Ward(code)
		return w.FullName, ok
	})
	if fs.Scope.All {
		for _, w := range s.Registry.Units().WardsOf(province) {
			rs.add(w.Code)
		}
	} else {
		for _, c := range fs.Scope.Communes {
			rs.add(c)
		}
	}
	fs.fill(func(f *Fact) string { return f.Commune }, func(p Producer) string { return p.Commune },
		func(v Village) string { return v.Commune }, rs.add)
	return rs.list()
}

// ByDistrict breaks the products down by pre-2025 district (see
// Service.oldDistrict); records whose district cannot be told are in a
// last row with an empty key.
func (fs *Facts) ByDistrict(s *Service, province string) []Row {
	rs := newRowSet(func(code string) (string, bool) {
		d, ok := s.Registry.Units().OldDistrict(code)
		return d.FullName, ok
	})
	if fs.Scope.All {
		for _, d := range s.Registry.Units().OldDistrictsOf(province) {
			rs.add(d.Code)
		}
	}
	fs.fill(func(f *Fact) string { return f.District }, func(p Producer) string { return p.District },
		func(v Village) string { return v.District }, rs.add)
	return rs.list()
}

// fill counts products, active producers and villages into rows by key.
func (fs *Facts) fill(product func(*Fact) string, producer func(Producer) string, village func(Village) string, add func(string) *Row) {
	for _, f := range fs.Products {
		if l, ok := f.LevelAt(Cumulative, fs.Today); ok {
			add(product(f)).Cumulative.Add(l)
		}
		if l, ok := f.LevelAt(Valid, fs.Today); ok {
			add(product(f)).Valid.Add(l)
		}
	}
	for _, p := range fs.Producers {
		if p.Status == registry.StatusActive {
			add(producer(p)).Producers++
		}
	}
	for _, v := range fs.Villages {
		r := add(village(v))
		r.Villages++
		if v.Recognised {
			r.Recognised++
		}
	}
}

// ByGroup breaks the products down by product group (nhóm) of the
// classification, in document order; groups without products are left
// out.
func (fs *Facts) ByGroup(cats *registry.Categories, lang string) []Row {
	rows := map[string]*Row{}
	groups := map[string]string{}
	for _, f := range fs.Products {
		g, ok := groups[f.Category]
		if !ok {
			g = GroupOf(cats, f.Category)
			groups[f.Category] = g
		}
		cl, cok := f.LevelAt(Cumulative, fs.Today)
		vl, vok := f.LevelAt(Valid, fs.Today)
		if !cok && !vok {
			continue
		}
		r := rows[g]
		if r == nil {
			r = &Row{Key: g, Label: g}
			if c, ok := cats.Get(g); ok {
				r.Label = c.Code + " " + c.Name
				if lang == "en" {
					r.Label = c.Code + " " + c.NameEn
				}
			}
			rows[g] = r
		}
		if cok {
			r.Cumulative.Add(cl)
		}
		if vok {
			r.Valid.Add(vl)
		}
	}
	var out []Row
	for _, c := range cats.List {
		if r := rows[c.Code]; r != nil {
			out = append(out, *r)
			delete(rows, c.Code)
		}
	}
	for _, r := range rows {
		out = append(out, *r)
	}
	return out
}

// GroupOf returns the code of the group (level "group") a leaf belongs to,
// or the code itself when it has no group above it.
func GroupOf(cats *registry.Categories, code string) string {
	for _, c := range cats.Path(code) {
		if c.Level == "group" {
			return c.Code
		}
	}
	return code
}

// ByYear lists the years from the first certificate to today's year.
func (fs *Facts) ByYear() []YearRow {
	years := map[int]*YearRow{}
	get := func(y int) *YearRow {
		r := years[y]
		if r == nil {
			r = &YearRow{Year: y}
			years[y] = r
		}
		return r
	}
	for _, f := range fs.Products {
		if c := f.First(); c != nil && !c.Issued.After(fs.Today) {
			get(c.Issued.Y).New.Add(LevelOf(c.Star, c.Potential5))
		}
		if c := f.FirstFive(); c != nil && !c.Issued.After(fs.Today) {
			get(c.Issued.Y).NewFive++
		}
		for _, c := range f.Certs {
			if !c.Issued.After(fs.Today) {
				get(c.Issued.Y).Certificates.Add(LevelOf(c.Star, c.Potential5))
			}
		}
	}
	var out []YearRow
	for _, r := range years {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b YearRow) int { return cmp.Compare(a.Year, b.Year) })
	return out
}

// ByRound lists the rounds whose decisions issued certificates, newest
// first.
func (fs *Facts) ByRound() []RoundRow {
	rounds := map[int64]*RoundRow{}
	for _, f := range fs.Products {
		for _, c := range f.Certs {
			if c.RoundID == 0 || c.Issued.After(fs.Today) {
				continue
			}
			r := rounds[c.RoundID]
			if r == nil {
				r = &RoundRow{ID: c.RoundID, Year: c.RoundYear, No: c.RoundNo, Level: c.RoundLevel}
				rounds[c.RoundID] = r
			}
			r.Certificates.Add(LevelOf(c.Star, c.Potential5))
		}
	}
	var out []RoundRow
	for _, r := range rounds {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b RoundRow) int {
		if c := cmp.Compare(b.Year, a.Year); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Level, b.Level); c != 0 {
			return -c
		}
		return cmp.Compare(b.No, a.No)
	})
	return out
}

// ProducersByKind counts the active producers by kind, in the decision's
// order of kinds.
func (fs *Facts) ProducersByKind() ([]KindRow, int) {
	n := map[string]int{}
	total := 0
	for _, p := range fs.Producers {
		if p.Status == registry.StatusActive {
			n[p.Kind]++
			total++
		}
	}
	var out []KindRow
	for _, k := range registry.ProducerKinds {
		out = append(out, KindRow{Kind: k, Count: n[k]})
		delete(n, k)
	}
	for k, c := range n {
		out = append(out, KindRow{Kind: k, Count: c})
	}
	return out, total
}

// Expiring counts the certificates valid today whose last valid day is
// within days, as the certificate list's "expiring within" filter does.
func (fs *Facts) Expiring(days int) int {
	n := 0
	limit := fs.Today.AddDays(days)
	for _, f := range fs.Products {
		for _, c := range f.Certs {
			if c.StatusAt(fs.Today).Valid() && !c.ValidUntil().After(limit) {
				n++
			}
		}
	}
	return n
}

// VillageCounts returns the craft villages and the recognised ones.
func (fs *Facts) VillageCounts() (total, recognised int) {
	for _, v := range fs.Villages {
		total++
		if v.Recognised {
			recognised++
		}
	}
	return total, recognised
}
