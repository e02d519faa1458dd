package catalogue

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"ocop/internal/db"
	"ocop/internal/textfold"
)

// maxVillageValues bounds the craft-village facet to the largest villages
// (plus the selected one); the others are reached by search.
const maxVillageValues = 40

// facets counts every facet with the other filters applied, so a shopper
// sees what each choice would give (one GROUP BY per facet; searches with
// text count in Go instead, see searchText).
func (s *Service) facets(ctx context.Context, q Query, pl plan, lang string) ([]Facet, error) {
	starExpr := "CAST(COALESCE(cs.star, 0) AS TEXT) || CASE WHEN cs.potential5 THEN 'p' ELSE '' END"
	if s.DB.Dialect() == db.Postgres {
		starExpr = "CAST(COALESCE(cs.star, 0) AS text) || CASE WHEN cs.potential5 THEN 'p' ELSE '' END"
	}
	exprs := map[string]string{"group": "p.category_code", "stars": starExpr, "commune": "pr.commune_code",
		"district": "COALESCE(pr.legacy_district_code, '')", "village": "CAST(COALESCE(p.craft_village_id, 0) AS TEXT)"}
	counts := map[string]map[string]int{}
	for _, k := range sqlFacetKeys {
		m, err := s.counts(ctx, pl, k, exprs[k])
		if err != nil {
			return nil, err
		}
		counts[k] = m
	}
	if err := s.marketCounts(ctx, pl, counts); err != nil {
		return nil, err
	}
	return s.facetsFrom(ctx, q, lang, counts)
}

// facetsFrom builds the facets from their counts by value. The "sold at"
// and "available online" facets (market, facets_market.go) are shown
// when some product has such data; otherwise they are left out rather
// than shown empty.
func (s *Service) facetsFrom(ctx context.Context, q Query, lang string, counts map[string]map[string]int) ([]Facet, error) {
	out := []Facet{s.groupFacet(q, lang, counts["group"]), s.starFacet(q, counts["stars"]),
		s.communeFacet(q, lang, counts["commune"]), s.districtFacet(q, lang, counts["district"])}
	v, err := s.villageFacet(ctx, q, lang, counts["village"])
	if err != nil {
		return nil, err
	}
	out = append(out, v)
	sold, err := s.soldAtFacet(ctx, q, counts["soldat"])
	if err != nil {
		return nil, err
	}
	return append(out, sold, s.onlineFacet(q, counts["online"]), s.standardFacet(q, counts["standard"])), nil
}

// counts runs "SELECT expr, COUNT(*) … GROUP BY expr" with every filter
// but the facet's own.
func (s *Service) counts(ctx context.Context, pl plan, facet, expr string) (map[string]int, error) {
	w, args := pl.where(facet)
	rows, err := s.DB.QueryContext(ctx, "SELECT "+expr+", COUNT(*)"+pl.from+w+" GROUP BY "+expr, args...)
	if err != nil {
		return nil, fmt.Errorf("catalogue facet %s: %w", facet, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] += n
	}
	return out, rows.Err()
}

func (s *Service) groupFacet(q Query, lang string, leaf map[string]int) Facet {
	f := Facet{Key: "group", TitleKey: "catalogue.facet_group", ClearURL: q.With("group", "").URL("/search")}
	cats := s.Registry.Categories()
	name := func(code string) string {
		c, ok := cats.Get(code)
		switch {
		case !ok:
			return code
		case lang == "en" && c.NameEn != "":
			return c.NameEn
		}
		return c.Name
	}
	// Count every node: a product counts under its leaf and its ancestors.
	node := map[string]int{}
	for code, n := range leaf {
		for _, c := range cats.Path(code) {
			node[c.Code] += n
		}
	}
	parent := ""
	if q.Group != "" {
		f.Selected = name(q.Group)
		parent = q.Group
		if c, ok := cats.Get(q.Group); ok && c.Leaf() {
			parent = c.ParentCode // a leaf: show it among its siblings
		}
	}
	for _, c := range cats.List {
		if c.ParentCode != parent || (node[c.Code] == 0 && c.Code != q.Group) {
			continue
		}
		f.Values = append(f.Values, FacetValue{Value: c.Code, Label: c.Code + " " + name(c.Code), Count: node[c.Code],
			Selected: c.Code == q.Group, URL: q.With("group", c.Code).URL("/search")})
	}
	return f
}

func (s *Service) starFacet(q Query, m map[string]int) Facet {
	f := Facet{Key: "stars", TitleKey: "catalogue.facet_stars", ClearURL: q.With("stars", "").URL("/search")}
	n := map[string]int{Star5: m["5"], StarPotential5: m["4p"], Star4: m["4"] + m["4p"], Star3: m["3"]}
	for _, v := range StarFilters {
		if n[v] == 0 && v != q.Stars {
			continue
		}
		f.Values = append(f.Values, FacetValue{Value: v, LabelKey: "catalogue.stars_" + v, Count: n[v], Selected: v == q.Stars,
			URL: q.With("stars", v).URL("/search")})
	}
	if q.Stars != "" {
		f.Selected = "catalogue.stars_" + q.Stars
	}
	return f
}

func (s *Service) communeFacet(q Query, lang string, m map[string]int) Facet {
	f := Facet{Key: "commune", TitleKey: "catalogue.facet_commune", ClearURL: q.With("commune", "").URL("/search")}
	units := s.Registry.Units()
	for code, n := range m {
		label := code
		if w, ok := units.Ward(code); ok {
			label = w.FullName
			if lang == "en" && w.FullNameEn != "" {
				label = w.FullNameEn
			}
		}
		f.Values = append(f.Values, FacetValue{Value: code, Label: label, Count: n, Selected: code == q.Commune, URL: q.With("commune", code).URL("/search")})
	}
	if q.Commune != "" && m[q.Commune] == 0 {
		label := q.Commune
		if w, ok := units.Ward(q.Commune); ok {
			label = w.FullName
		}
		f.Values = append(f.Values, FacetValue{Value: q.Commune, Label: label, Selected: true, URL: q.URL("/search")})
	}
	sortByLabel(f.Values)
	for _, v := range f.Values {
		if v.Selected {
			f.Selected = v.Label
		}
	}
	return f
}

func (s *Service) districtFacet(q Query, lang string, m map[string]int) Facet {
	f := Facet{Key: "district", TitleKey: "catalogue.facet_district", ClearURL: q.With("district", "").URL("/search")}
	units := s.Registry.Units()
	label := func(code string) string {
		if d, ok := units.OldDistrict(code); ok {
			if lang == "en" && d.NameEn != "" {
				return d.NameEn
			}
			return d.FullName
		}
		return code
	}
	for code, n := range m {
		if code == "" {
			continue
		}
		f.Values = append(f.Values, FacetValue{Value: code, Label: label(code), Count: n, Selected: code == q.District, URL: q.With("district", code).URL("/search")})
	}
	if q.District != "" && m[q.District] == 0 {
		f.Values = append(f.Values, FacetValue{Value: q.District, Label: label(q.District), Selected: true, URL: q.URL("/search")})
	}
	sortByLabel(f.Values)
	if q.District != "" {
		f.Selected = label(q.District)
	}
	return f
}

func (s *Service) villageFacet(ctx context.Context, q Query, lang string, m map[string]int) (Facet, error) {
	f := Facet{Key: "village", TitleKey: "catalogue.facet_village", ClearURL: q.With("village", "").URL("/search")}
	top := topIDs(m, maxVillageValues, q.Village)
	if len(top) == 0 {
		return f, nil
	}
	ids := make([]any, len(top))
	for i, x := range top {
		ids[i] = x.id
	}
	names := map[int64]string{}
	rows, err := s.DB.QueryContext(ctx, "SELECT id, name, name_en FROM craft_villages WHERE id IN ("+db.Placeholders(len(ids))+")", ids...)
	if err != nil {
		return f, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name, en string
		if err := rows.Scan(&id, &name, &en); err != nil {
			return f, err
		}
		if lang == "en" && en != "" {
			name = en
		}
		names[id] = name
	}
	if err := rows.Err(); err != nil {
		return f, err
	}
	for _, x := range top {
		name, ok := names[x.id]
		if !ok {
			continue // an unknown village id in the URL: the note says so
		}
		v := strconv.FormatInt(x.id, 10)
		f.Values = append(f.Values, FacetValue{Value: v, Label: name, Count: x.n, Selected: x.id == q.Village, URL: q.With("village", v).URL("/search")})
		if x.id == q.Village {
			f.Selected = name
		}
	}
	sortByLabel(f.Values)
	return f, nil
}

// sortByLabel orders values by their folded label (Vietnamese-insensitive),
// folding each label once.
func sortByLabel(vs []FacetValue) {
	keys := make(map[string]string, len(vs))
	for _, v := range vs {
		keys[v.Label] = textfold.Fold(v.Label)
	}
	sort.SliceStable(vs, func(i, j int) bool {
		a, b := keys[vs[i].Label], keys[vs[j].Label]
		if a != b {
			return a < b
		}
		return strings.Compare(vs[i].Value, vs[j].Value) < 0
	})
}

// idCount is a record's id with its count in a facet.
type idCount struct {
	id int64
	n  int
}

// topIDs returns the record ids of a facet's counts (keyed by decimal id),
// the most frequent first (then by id), at most limit of them, and the
// chosen id after them when it is not among them (a filter in force stays
// visible).
func topIDs(m map[string]int, limit int, chosen int64) []idCount {
	var top []idCount
	for k, n := range m {
		if id, _ := strconv.ParseInt(k, 10, 64); id != 0 {
			top = append(top, idCount{id, n})
		}
	}
	sort.Slice(top, func(i, j int) bool {
		if top[i].n != top[j].n {
			return top[i].n > top[j].n
		}
		return top[i].id < top[j].id
	})
	if len(top) > limit {
		top = top[:limit]
	}
	if chosen != 0 {
		found := false
		for _, x := range top {
			found = found || x.id == chosen
		}
		if !found {
			top = append(top, idCount{chosen, m[strconv.FormatInt(chosen, 10)]})
		}
	}
	return top
}
