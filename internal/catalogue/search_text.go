package catalogue

import (
	"context"
	"fmt"
	"math/bits"
	"slices"
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
	key, issued       string
	// cat, com and dist number category, commune and district in the
	// snapshot's names, so that facets are counted in slices.
	cat, com, dist int32
	// points are the operating sale points that stock the product, online
	// whether it has a marketplace storefront (market, issue 7).
	points []int64
	online bool
	// standards are the kinds of certification valid today (market).
	standards []string
}

// ranked is a match with its relevance tier (0: the key starts with the
// query; 1: the words appear together; 2: apart). The hit itself is
// shared with the snapshot and never written.
type ranked struct {
	*hit
	tier int
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
	case "soldat":
		return q.SoldAt == 0 || slices.Contains(h.points, q.SoldAt)
	case "online":
		return !q.Online || h.online
	case "standard":
		return q.Standard == "" || slices.Contains(h.standards, q.Standard)
	}
	return true
}

// facetKeys are the facets counted for text searches; sqlFacetKeys those
// counted by one GROUP BY each (the market's two are many-to-many or
// existence counts, see marketCounts).
var (
	facetKeys    = []string{"group", "stars", "commune", "district", "village", "soldat", "online", "standard"}
	sqlFacetKeys = []string{"group", "stars", "commune", "district", "village"}
)

// searchText answers a query with search text: the snapshot's inverted
// index (in memory, built with the snapshot) gives the matching products
// with their facet values, star and sort key; the total, the five facets'
// counts and the order are computed here, and only the page's products are
// read from the database. Reading the matching ids from FTS5 / GIN instead
// cost 10 ms a search on broad prefixes ("tra" matches a fifth of the
// catalogue) with the pure-Go SQLite driver, for the same answer.
func (s *Service) searchText(ctx context.Context, q Query, t terms, lang, fp string) (Result, error) {
	res := Result{Query: q, Page: max(q.Page, 1), PerPage: PerPage}
	snap, err := s.snapshot(ctx, fp)
	if err != nil {
		return res, err
	}
	ph := t.phrase()
	var hits []ranked
	snap.match(t, func(h *hit) {
		x := ranked{hit: h, tier: 2}
		switch {
		case strings.HasPrefix(h.key, ph):
			x.tier = 0
		case strings.Contains(h.key, " "+ph):
			x.tier = 1
		}
		hits = append(hits, x)
	})
	// Counts: a facet's values are counted over the matches that pass
	// every other filter (typed keys here: no allocation per match).
	var (
		nGroup    = make([]int, len(snap.names))
		nStars    [6][2]int
		nCommune  = make([]int, len(snap.names))
		nDistrict = make([]int, len(snap.names))
		nVillage  = map[int64]int{}
		nSoldAt   = map[int64]int{}
		nOnline   int
		nStandard = map[string]int{}
	)
	var matched []*ranked
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
			nGroup[h.cat]++
		}
		if (all || failed == "stars") && h.star >= 0 && h.star <= 5 {
			p := 0
			if h.p5 {
				p = 1
			}
			nStars[h.star][p]++
		}
		if all || failed == "commune" {
			nCommune[h.com]++
		}
		if all || failed == "district" {
			nDistrict[h.dist]++
		}
		if all || failed == "village" {
			nVillage[h.village]++
		}
		if all || failed == "soldat" {
			for _, p := range h.points {
				nSoldAt[p]++
			}
		}
		if (all || failed == "online") && h.online {
			nOnline++
		}
		if all || failed == "standard" {
			for _, k := range h.standards {
				nStandard[k]++
			}
		}
		if all {
			matched = append(matched, h)
		}
	}
	named := func(ns []int) map[string]int {
		m := map[string]int{}
		for i, n := range ns {
			if n > 0 {
				m[snap.names[i]] = n
			}
		}
		return m
	}
	counts := map[string]map[string]int{"group": named(nGroup), "commune": named(nCommune), "district": named(nDistrict), "stars": {}, "village": {}}
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
	counts["soldat"], counts["online"] = map[string]int{}, map[string]int{}
	for id, n := range nSoldAt {
		counts["soldat"][strconv.FormatInt(id, 10)] = n
	}
	if nOnline > 0 {
		counts["online"]["1"] = nOnline
	}
	counts["standard"] = nStandard
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
func hitLess(a, b *ranked, mode string) bool {
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
func topHits(hs []*ranked, q Query, k int) []*ranked {
	mode := q.Sort
	if mode == "" {
		mode = SortRelevance
	}
	if k <= 0 || k*4 >= len(hs) {
		sort.Slice(hs, func(i, j int) bool { return hitLess(hs[i], hs[j], mode) })
		return hs
	}
	top := make([]*ranked, 0, k+1)
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
	// The inverted index of the search keys: list holds the products in
	// position order, words the distinct folded words (sorted) and
	// post[i] the ascending positions of the products whose key holds
	// words[i].
	list  []*hit
	words []string
	post  [][]int32
	// names are the category, commune and district codes of the
	// products, each once (hit.cat, com, dist index them).
	names []string
}

// match calls fn for every product whose key has, for every term, a word
// starting with one of the term's alternatives (what the FTS5 query
// `"a"* AND ("b"* OR "c"*)` and the tsquery `a:* & (b:* | c:*)` match), in
// position order. A term's matches are collected in a bitmap (one bit a
// product: 12.5 KB for 100,000), the terms' bitmaps intersected.
func (sn *snapshot) match(t terms, fn func(*hit)) {
	n := len(sn.list)
	var acc []uint64
	for _, alts := range t {
		set := make([]uint64, (n+63)/64)
		for _, a := range alts {
			i := sort.SearchStrings(sn.words, a)
			for ; i < len(sn.words) && strings.HasPrefix(sn.words[i], a); i++ {
				for _, p := range sn.post[i] {
					set[p>>6] |= 1 << (p & 63)
				}
			}
		}
		if acc == nil {
			acc = set
			continue
		}
		for i := range acc {
			acc[i] &= set[i]
		}
	}
	for i, w := range acc {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			fn(sn.list[i*64+b])
			w &= w - 1
		}
	}
}

// index builds the inverted index of sn's products.
func (sn *snapshot) index() {
	sort.Slice(sn.list, func(i, j int) bool { return sn.list[i].id < sn.list[j].id })
	byWord := map[string][]int32{}
	for pos, h := range sn.list {
		last := ""
		words := strings.Fields(h.key)
		sort.Strings(words)
		for _, w := range words {
			if w == last {
				continue // a word twice in one key: one posting
			}
			last = w
			byWord[w] = append(byWord[w], int32(pos))
		}
	}
	sn.words = make([]string, 0, len(byWord))
	for w := range byWord {
		sn.words = append(sn.words, w)
	}
	sort.Strings(sn.words)
	sn.post = make([][]int32, len(sn.words))
	for i, w := range sn.words {
		sn.post[i] = byWord[w]
	}
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
	nameIdx := map[string]int32{}
	name := func(v string) int32 {
		i, ok := nameIdx[v]
		if !ok {
			i = int32(len(nsn.names))
			nameIdx[v] = i
			nsn.names = append(nsn.names, v)
		}
		return i
	}
	for rows.Next() {
		h := &hit{}
		if err := rows.Scan(&h.id, &h.category, &h.star, &h.p5, &h.commune, &h.district, &h.village, &h.key, &h.issued); err != nil {
			return nil, err
		}
		h.cat, h.com, h.dist = name(h.category), name(h.commune), name(h.district)
		nsn.byID[h.id] = h
		nsn.list = append(nsn.list, h)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := s.snapshotMarket(ctx, nsn); err != nil {
		return nil, err
	}
	nsn.index()
	s.mu.Lock()
	s.snap = nsn
	s.mu.Unlock()
	return nsn, nil
}
