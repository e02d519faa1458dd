package catalogue

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"ocop/internal/db"
)

// hit is a product matching the search text, with what filtering, facet
// counting and ordering need: narrow enough that reading every match once
// is cheaper than asking the database again per facet.
type hit struct {
	id                int64
	category          string
	star              int
	p5                bool
	commune, district string
	village           int64
	tier              int
	key, issued       string
}

// pass reports whether h passes the facet filter named (q's value).
func (h *hit) pass(q Query, facet string) bool {
	switch facet {
	case "group":
		return q.Group == "" || h.category == q.Group || strings.HasPrefix(h.category, q.Group+".")
	case "stars":
		switch q.Stars {
		case Star5:
			return h.star == 5
		case StarPotential5:
			return h.star == 4 && h.p5
		case Star4:
			return h.star == 4
		case Star3:
			return h.star == 3
		}
		return true
	case "commune":
		return q.Commune == "" || h.commune == q.Commune
	case "district":
		return q.District == "" || h.district == q.District
	case "village":
		return q.Village == 0 || h.village == q.Village
	}
	return true
}

var facetKeys = []string{"group", "stars", "commune", "district", "village"}

// searchText answers a query with search text: the full-text index gives
// the matching ids (nothing else is read per match), the snapshot their
// facet values, star and sort key; the total, the five facets' counts and
// the order are computed here, and only the page's products are read from
// the database. One narrow indexed query instead of seven joins over every
// match (count, page, a GROUP BY per facet), which matters for short,
// broad prefixes ("tra" matches a fifth of the catalogue).
func (s *Service) searchText(ctx context.Context, q Query, t terms, lang, fp string) (Result, error) {
	res := Result{Query: q, Page: max(q.Page, 1), PerPage: PerPage}
	snap, err := s.snapshot(ctx, fp)
	if err != nil {
		return res, err
	}
	var idq string
	var arg any
	if s.DB.Dialect() == db.Postgres {
		idq, arg = "SELECT id FROM products WHERE search_tsv @@ to_tsquery('simple', ?)", t.tsquery()
	} else {
		idq, arg = "SELECT rowid FROM products_fts WHERE products_fts MATCH ?", t.ftsExpr()
	}
	rows, err := s.DB.QueryContext(ctx, idq, arg)
	if err != nil {
		return res, fmt.Errorf("catalogue search: %w", err)
	}
	ph := t.phrase()
	var hits []hit
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return res, err
		}
		h, ok := snap.byID[id]
		if !ok {
			continue // not public
		}
		x := *h
		switch {
		case strings.HasPrefix(x.key, ph):
			x.tier = 0
		case strings.Contains(x.key, " "+ph):
			x.tier = 1
		default:
			x.tier = 2
		}
		hits = append(hits, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, err
	}
	// Counts: a facet's values are counted over the matches that pass
	// every other filter (typed keys here: no allocation per match).
	var (
		nGroup    = map[string]int{}
		nStars    [6][2]int
		nCommune  = map[string]int{}
		nDistrict = map[string]int{}
		nVillage  = map[int64]int{}
	)
	var matched []*hit
	for i := range hits {
		h := &hits[i]
		fails, failed := 0, ""
		for _, k := range facetKeys {
			if !h.pass(q, k) {
				fails++
				failed = k
			}
		}
		if fails > 1 {
			continue
		}
		all := fails == 0
		if all || failed == "group" {
			nGroup[h.category]++
		}
		if (all || failed == "stars") && h.star >= 0 && h.star <= 5 {
			p := 0
			if h.p5 {
				p = 1
			}
			nStars[h.star][p]++
		}
		if all || failed == "commune" {
			nCommune[h.commune]++
		}
		if all || failed == "district" {
			nDistrict[h.district]++
		}
		if all || failed == "village" {
			nVillage[h.village]++
		}
		if all {
			matched = append(matched, h)
		}
	}
	counts := map[string]map[string]int{"group": nGroup, "commune": nCommune, "district": nDistrict, "stars": {}, "village": {}}
	for star := range nStars {
		for p, n := range nStars[star] {
			if n > 0 {
				counts["stars"][strconv.Itoa(star)+[]string{"", "p"}[p]] = n
			}
		}
	}
	for id, n := range nVillage {
		counts["village"][strconv.FormatInt(id, 10)] = n
	}
	res.Total = len(matched)
	matched = topHits(matched, q, res.Page*res.PerPage)
	if res.Total > 0 && res.Page <= res.Pages() {
		page := matched[(res.Page-1)*res.PerPage : min(res.Page*res.PerPage, len(matched))]
		ids := make([]any, len(page))
		for i, h := range page {
			ids[i] = h.id
		}
		items, err := s.items(ctx, "p.id IN ("+db.Placeholders(len(ids))+")", ids, "")
		if err != nil {
			return res, err
		}
		byID := map[int64]Item{}
		for _, it := range items {
			byID[it.ID] = it
		}
		for _, h := range page {
			if it, ok := byID[h.id]; ok {
				res.Items = append(res.Items, it)
			}
		}
	}
	if len(hits) == 0 {
		return res, nil
	}
	fs, err := s.facetsFrom(ctx, q, lang, counts)
	res.Facets = fs
	return res, err
}

// hitLess orders matches like the SQL of order(): by relevance tier,
// then star (potential 5★ first among 4★), then name; or as sort asks.
func hitLess(a, b *hit, mode string) bool {
	byKey := func() bool {
		if a.key != b.key {
			return a.key < b.key
		}
		return a.id < b.id
	}
	byStars := func() (bool, bool) {
		if a.star != b.star {
			return a.star > b.star, true
		}
		if a.p5 != b.p5 {
			return a.p5, true
		}
		return false, false
	}
	switch mode {
	case SortName:
		return byKey()
	case SortNewest:
		if a.issued != b.issued {
			return a.issued > b.issued
		}
		return a.id > b.id
	case SortStars:
		if less, ok := byStars(); ok {
			return less
		}
		if a.issued != b.issued {
			return a.issued > b.issued
		}
		return byKey()
	}
	if a.tier != b.tier {
		return a.tier < b.tier
	}
	if less, ok := byStars(); ok {
		return less
	}
	return byKey()
}

// topHits returns the first k matches in order (all of them, sorted, when
// k is a large part of the list): the first page of a broad search keeps
// 24 of 20,000 matches without sorting them all.
func topHits(hs []*hit, q Query, k int) []*hit {
	mode := q.Sort
	if mode == "" {
		mode = SortRelevance
	}
	if k <= 0 || k*4 >= len(hs) {
		sort.Slice(hs, func(i, j int) bool { return hitLess(hs[i], hs[j], mode) })
		return hs
	}
	top := make([]*hit, 0, k+1)
	for _, h := range hs {
		if len(top) == k && !hitLess(h, top[k-1], mode) {
			continue
		}
		i := sort.Search(len(top), func(i int) bool { return hitLess(h, top[i], mode) })
		top = append(top, nil)
		copy(top[i+1:], top[i:])
		top[i] = h
		if len(top) > k {
			top = top[:k]
		}
	}
	return top
}

// snapshot is, for every public product, what searchText needs besides
// the full-text index: facet values, current star and sort key. It is
// rebuilt (one query over the public products) when the registry or the
// stars changed; about 200 bytes a product.
type snapshot struct {
	fp   string
	byID map[int64]*hit
}

// snapshot returns the snapshot for fingerprint fp, rebuilding it first
// when needed (one request rebuilds, the others wait for it).
func (s *Service) snapshot(ctx context.Context, fp string) (*snapshot, error) {
	s.mu.Lock()
	sn := s.snap
	s.mu.Unlock()
	if sn != nil && sn.fp == fp {
		return sn, nil
	}
	s.snapBuild.Lock()
	defer s.snapBuild.Unlock()
	s.mu.Lock()
	sn = s.snap
	s.mu.Unlock()
	if sn != nil && sn.fp == fp {
		return sn, nil
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT p.id, p.category_code, COALESCE(cs.star, 0), COALESCE(cs.potential5, ?), pr.commune_code,
		COALESCE(pr.legacy_district_code, ''), COALESCE(p.craft_village_id, 0), p.search_key, COALESCE(cs.issued_on, '')`+
		catalogueFrom+` WHERE p.status = 'active' AND pr.status = 'active'`, false)
	if err != nil {
		return nil, fmt.Errorf("catalogue snapshot: %w", err)
	}
	defer rows.Close()
	nsn := &snapshot{fp: fp, byID: map[int64]*hit{}}
	for rows.Next() {
		h := &hit{}
		if err := rows.Scan(&h.id, &h.category, &h.star, &h.p5, &h.commune, &h.district, &h.village, &h.key, &h.issued); err != nil {
			return nil, err
		}
		nsn.byID[h.id] = h
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.snap = nsn
	s.mu.Unlock()
	return nsn, nil
}
