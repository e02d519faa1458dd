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

// Item is a product as lists show it: with its current valid star (0 when
// it has no valid certificate) and its first photo.
type Item struct {
	ID           int64  `json:"id"`
	Code         string `json:"code"`
	Name         string `json:"name"`
	NameEn       string `json:"name_en,omitempty"`
	CategoryCode string `json:"category_code"`
	ProducerID   int64  `json:"producer_id"`
	ProducerName string `json:"producer_name"`
	CommuneCode  string `json:"commune_code"`
	VillageID    int64  `json:"craft_village_id,omitempty"`
	Village      string `json:"craft_village,omitempty"`
	VillageEn    string `json:"-"`
	Star         int    `json:"star,omitempty"`
	Potential5   bool   `json:"potential5,omitempty"`
	Image        string `json:"image,omitempty"` // media hash of the first photo
}

// URL is the public page of the product.
func (i Item) URL() string { return ProductURL(i.ID) }

// DisplayName is the name in lang, falling back to Vietnamese.
func (i Item) DisplayName(lang string) string {
	if lang == "en" && i.NameEn != "" {
		return i.NameEn
	}
	return i.Name
}

// ProductURL, ProducerURL and VillageURL are the stable public addresses
// of records: by id, which never changes (a product code may be corrected).
func ProductURL(id int64) string { return "/products/" + strconv.FormatInt(id, 10) }

// ProducerURL is the public page of a producer.
func ProducerURL(id int64) string { return "/producers/" + strconv.FormatInt(id, 10) }

// VillageURL is the public page of a craft village.
func VillageURL(id int64) string { return "/villages/" + strconv.FormatInt(id, 10) }

// FacetValue is one choice of a facet with the number of products it would
// give (the other filters applied).
type FacetValue struct {
	Value    string `json:"value"`
	Label    string `json:"label,omitempty"`
	LabelKey string `json:"-"` // translation key when Label is empty
	Count    int    `json:"count"`
	Selected bool   `json:"selected,omitempty"`
	URL      string `json:"-"`
}

// Facet is one filter dimension of the catalogue.
type Facet struct {
	Key      string       `json:"key"` // the query parameter
	TitleKey string       `json:"-"`
	Values   []FacetValue `json:"values"`
	// Selected is the chosen value's label when the facet is set.
	Selected string `json:"-"`
	ClearURL string `json:"-"`
}

// Correction records a mistyped word and the indexed words searched in its
// place.
type Correction struct {
	From string   `json:"from"`
	To   []string `json:"to"`
}

// Result is a page of the catalogue.
type Result struct {
	Query       Query        `json:"-"`
	Items       []Item       `json:"items"`
	Total       int          `json:"total"`
	Page        int          `json:"page"`
	PerPage     int          `json:"per_page"`
	Facets      []Facet      `json:"facets"`
	Corrections []Correction `json:"corrections,omitempty"`
	Notes       []string     `json:"-"`
}

// Pages is the number of pages.
func (r Result) Pages() int { return (r.Total + r.PerPage - 1) / max(r.PerPage, 1) }

// PageURL is the URL of page n of the same search.
func (r Result) PageURL(n int) string {
	q := r.Query
	q.Page = n
	return q.URL("/search")
}

// maxTokens bounds the words of a query that are searched.
const maxTokens = 8

// terms are the searched words: each a set of alternatives (the word as
// typed, or its corrections), all matched as prefixes.
type terms [][]string

// resolve folds the query into terms, replacing a word that no indexed
// word starts with by its nearest indexed words (typo tolerance).
func (s *Service) resolve(ctx context.Context, text, registryFP string) (terms, []Correction, error) {
	toks := textfold.Tokens(text)
	if len(toks) > maxTokens {
		toks = toks[:maxTokens]
	}
	for i, t := range toks {
		if len(t) > 40 {
			toks[i] = t[:40]
		}
	}
	if len(toks) == 0 {
		return nil, nil, nil
	}
	s.mu.Lock()
	v := s.voc
	s.mu.Unlock()
	missing := func(v *vocabulary, t string) bool { return !isDigits(t) && (v == nil || !v.hasPrefix(t)) }
	need := false
	for _, t := range toks {
		if missing(v, t) {
			need = true
		}
	}
	if need {
		var err error
		if v, err = s.vocab(ctx, registryFP); err != nil {
			return nil, nil, err
		}
	}
	var out terms
	var fixes []Correction
	for _, t := range toks {
		if !missing(v, t) {
			out = append(out, []string{t})
			continue
		}
		alts := v.nearest(t, 4)
		if len(alts) == 0 {
			out = append(out, []string{t})
			continue
		}
		fixes = append(fixes, Correction{From: t, To: alts})
		out = append(out, alts)
	}
	return out, fixes, nil
}

// ftsExpr is the FTS5 MATCH expression of the terms.
func (t terms) ftsExpr() string {
	parts := make([]string, len(t))
	for i, alts := range t {
		q := make([]string, len(alts))
		for j, a := range alts {
			q[j] = `"` + strings.ReplaceAll(a, `"`, `""`) + `"*`
		}
		parts[i] = strings.Join(q, " OR ")
		if len(q) > 1 {
			parts[i] = "(" + parts[i] + ")"
		}
	}
	return strings.Join(parts, " AND ")
}

// tsquery is the PostgreSQL to_tsquery('simple', …) text of the terms
// (tokens are folded letters and digits only, so nothing needs quoting).
func (t terms) tsquery() string {
	parts := make([]string, len(t))
	for i, alts := range t {
		q := make([]string, len(alts))
		for j, a := range alts {
			q[j] = a + ":*"
		}
		parts[i] = strings.Join(q, " | ")
		if len(q) > 1 {
			parts[i] = "(" + parts[i] + ")"
		}
	}
	return strings.Join(parts, " & ")
}

// phrase is the query as a prefix of a search key (first alternatives),
// for ranking names that start with it first.
func (t terms) phrase() string {
	w := make([]string, len(t))
	for i, alts := range t {
		w[i] = alts[0]
	}
	return strings.Join(w, " ")
}

// sqlPart is a condition with its arguments.
type sqlPart struct {
	cond string
	args []any
}

// plan is the SQL of a catalogue query: the FROM clause (with the text
// match), the conditions by facet, and the relevance ordering.
type plan struct {
	from     string
	fromArgs []any
	base     []sqlPart
	facet    map[string]sqlPart
	rank     string // ORDER BY terms for relevance ("" when not searching)
	rankArgs []any
}

const catalogueFrom = ` FROM products p JOIN producers pr ON pr.id = p.producer_id LEFT JOIN catalogue_stars cs ON cs.product_id = p.id`

func (s *Service) plan(q Query, t terms) plan {
	pl := plan{from: catalogueFrom, facet: map[string]sqlPart{}}
	pl.base = append(pl.base, sqlPart{cond: "p.status = 'active' AND pr.status = 'active'"})
	if len(t) > 0 {
		if s.DB.Dialect() == db.Postgres {
			pl.base = append(pl.base, sqlPart{"p.search_tsv @@ to_tsquery('simple', ?)", []any{t.tsquery()}})
		} else {
			pl.base = append(pl.base, sqlPart{"p.id IN (SELECT rowid FROM products_fts WHERE products_fts MATCH ?)", []any{t.ftsExpr()}})
		}
		// Relevance in three tiers, the same on both engines and cheap per
		// row (unlike bm25 or ts_rank over every match): the product name
		// starts with the query; the query's words appear together
		// (in the name, the producer or the village); the words are found
		// apart. Stars order each tier.
		ph := t.phrase()
		pl.rank = "CASE WHEN p.search_key LIKE ? THEN 0 WHEN p.search_key LIKE ? THEN 1 ELSE 2 END"
		pl.rankArgs = []any{ph + "%", "% " + ph + "%"}
	}
	if q.Group != "" {
		pl.facet["group"] = sqlPart{"(p.category_code = ? OR p.category_code LIKE ?)", []any{q.Group, q.Group + ".%"}}
	}
	switch q.Stars {
	case Star5:
		pl.facet["stars"] = sqlPart{"cs.star = 5", nil}
	case StarPotential5:
		pl.facet["stars"] = sqlPart{"cs.star = 4 AND cs.potential5 = ?", []any{true}}
	case Star4:
		pl.facet["stars"] = sqlPart{"cs.star = 4", nil}
	case Star3:
		pl.facet["stars"] = sqlPart{"cs.star = 3", nil}
	}
	if q.Commune != "" {
		pl.facet["commune"] = sqlPart{"pr.commune_code = ?", []any{q.Commune}}
	}
	if q.District != "" {
		pl.facet["district"] = sqlPart{"pr.legacy_district_code = ?", []any{q.District}}
	}
	if q.Village != 0 {
		pl.facet["village"] = sqlPart{"p.craft_village_id = ?", []any{q.Village}}
	}
	if q.SoldAt != 0 {
		pl.facet["soldat"] = sqlPart{"p.id IN (SELECT spp.product_id" + stockedFrom + " AND spp.sale_point_id = ?)", []any{q.SoldAt}}
	}
	if q.Online {
		pl.facet["online"] = sqlPart{"p.id IN (SELECT sf.product_id FROM storefronts sf)", nil}
	}
	if q.Standard != "" {
		day := s.today()
		pl.facet["standard"] = sqlPart{"EXISTS (SELECT 1 FROM certifications c WHERE c.kind = ? AND " + certValid +
			" AND (c.product_id = p.id OR (c.product_id IS NULL AND c.producer_id = p.producer_id)))", []any{q.Standard, day, day}}
	}
	return pl
}

// where returns the WHERE clause and all arguments (FROM's first), leaving
// out the facet named except ("" for none).
func (pl plan) where(except string) (string, []any) {
	args := append([]any{}, pl.fromArgs...)
	var conds []string
	for _, p := range pl.base {
		conds = append(conds, p.cond)
		args = append(args, p.args...)
	}
	keys := make([]string, 0, len(pl.facet))
	for k := range pl.facet {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == except {
			continue
		}
		conds = append(conds, pl.facet[k].cond)
		args = append(args, pl.facet[k].args...)
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

const itemCols = `p.id, p.code, p.name, p.name_en, p.category_code, p.producer_id, pr.name, pr.commune_code,
	COALESCE(p.craft_village_id, 0), COALESCE(v.name, ''), COALESCE(v.name_en, ''), COALESCE(cs.star, 0), COALESCE(cs.potential5, ?),
	COALESCE((SELECT i.media_hash FROM product_images i WHERE i.product_id = p.id ORDER BY i.position, i.media_hash LIMIT 1), '')`

func scanItem(sc interface{ Scan(...any) error }) (Item, error) {
	var x Item
	err := sc.Scan(&x.ID, &x.Code, &x.Name, &x.NameEn, &x.CategoryCode, &x.ProducerID, &x.ProducerName, &x.CommuneCode,
		&x.VillageID, &x.Village, &x.VillageEn, &x.Star, &x.Potential5, &x.Image)
	return x, err
}

// Search runs a catalogue query: the page of products, the total, the
// facet counts (each counted with the other filters applied) and the
// corrections made to mistyped words. lang names facet labels. Answers are
// cached until the registry or the certificates change (or the day turns).
func (s *Service) Search(ctx context.Context, q Query, lang string) (Result, error) {
	starsFP, regFP, err := s.fresh(ctx)
	if err != nil {
		return Result{Query: q, Page: max(q.Page, 1), PerPage: PerPage}, err
	}
	mFP, err := s.marketFP(ctx)
	if err != nil {
		return Result{Query: q, Page: max(q.Page, 1), PerPage: PerPage}, err
	}
	key := fmt.Sprintf("%s|%s|%s|%s|%#v", starsFP, regFP, mFP, lang, q)
	if res, ok := s.cache.get(key); ok {
		return res, nil
	}
	res, err := s.search(ctx, q, lang, starsFP, regFP, mFP)
	if err == nil && !s.NoCache {
		s.cache.put(key, res)
	}
	return res, err
}

func (s *Service) search(ctx context.Context, q Query, lang, starsFP, regFP, marketFP string) (Result, error) {
	res := Result{Query: q, Page: max(q.Page, 1), PerPage: PerPage}
	t, fixes, err := s.resolve(ctx, q.Text, regFP)
	if err != nil {
		return res, err
	}
	res.Corrections = fixes
	if q.Text != "" && len(t) == 0 {
		// Only punctuation or symbols: nothing can match.
		return res, nil
	}
	if len(t) > 0 {
		res, err := s.searchText(ctx, q, t, lang, starsFP+"|"+regFP+"|"+marketFP)
		res.Corrections = fixes
		return res, err
	}
	pl := s.plan(q, t)
	w, args := pl.where("")
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*)"+pl.from+w, args...).Scan(&res.Total); err != nil {
		return res, fmt.Errorf("catalogue count: %w", err)
	}
	if res.Total > 0 && res.Page <= res.Pages() {
		order := s.order(q, pl)
		qargs := append([]any{false}, args...)
		qargs = append(qargs, pl.orderArgs(q)...)
		qargs = append(qargs, res.PerPage, (res.Page-1)*res.PerPage)
		rows, err := s.DB.QueryContext(ctx, "SELECT "+itemCols+pl.from+" LEFT JOIN craft_villages v ON v.id = p.craft_village_id"+w+order+" LIMIT ? OFFSET ?", qargs...)
		if err != nil {
			return res, fmt.Errorf("catalogue page: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			x, err := scanItem(rows)
			if err != nil {
				return res, err
			}
			res.Items = append(res.Items, x)
		}
		if err := rows.Err(); err != nil {
			return res, err
		}
	}
	if res.Total == 0 && !q.Filtered() {
		return res, nil // nothing matches the text: no facet has a count
	}
	res.Facets, err = s.facets(ctx, q, pl, lang)
	return res, err
}

// order is the ORDER BY clause for q.
func (s *Service) order(q Query, pl plan) string {
	stars := "COALESCE(cs.star, 0) DESC, COALESCE(cs.potential5, ?) DESC"
	switch sortOf(q, pl) {
	case SortRelevance:
		return " ORDER BY " + pl.rank + ", " + stars + ", p.search_key, p.id"
	case SortName:
		return " ORDER BY p.search_key, p.id"
	case SortNewest:
		return " ORDER BY COALESCE(cs.issued_on, '') DESC, p.created_at DESC, p.id DESC"
	default:
		return " ORDER BY " + stars + ", COALESCE(cs.issued_on, '') DESC, p.search_key, p.id"
	}
}

func (pl plan) orderArgs(q Query) []any {
	switch sortOf(q, pl) {
	case SortRelevance:
		return append(append([]any{}, pl.rankArgs...), false)
	case SortName, SortNewest:
		return nil
	default:
		return []any{false}
	}
}

func sortOf(q Query, pl plan) string {
	switch {
	case q.Sort == SortRelevance && pl.rank != "", q.Sort == "" && pl.rank != "":
		return SortRelevance
	case q.Sort == SortName, q.Sort == SortNewest:
		return q.Sort
	}
	return SortStars
}
