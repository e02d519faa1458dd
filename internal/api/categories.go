package api

import (
	"net/http"
	"strings"

	"ocop/internal/registry"
	"ocop/internal/textfold"
)

// ListCategories answers GET /api/v1/categories: the product
// classification in force (Decision 26/2026/QĐ-TTg, Appendix I) in
// document order, with parent, level, leaf (only the sub-groups a product
// can be classified under) and q (name in either language, diacritics
// optional).
func (a *API) ListCategories(w http.ResponseWriter, r *http.Request) error {
	q := newParams(r)
	cats := a.Registry.Categories()
	parent := q.str("parent")
	if _, ok := cats.Get(parent); parent != "" && !ok {
		q.errs.Add("parent", "err.category_unknown", parent)
	}
	level := q.oneOf("level", "kind", "group", "subgroup")
	leaf := q.boolean("leaf")
	text := textfold.Fold(q.str("q"))
	page, per := q.page(defaultRefPerPage)
	if err := q.err(); err != nil {
		return err
	}
	out := []registry.Category{}
	for _, c := range cats.List {
		switch {
		case parent != "" && c.ParentCode != parent,
			level != "" && c.Level != level,
			leaf != nil && c.Leaf() != *leaf,
			text != "" && !strings.Contains(textfold.Fold(c.Name), text) && !strings.Contains(textfold.Fold(c.NameEn), text):
			continue
		}
		out = append(out, c)
	}
	return read(w, r, pageOf(out, page, per))
}
