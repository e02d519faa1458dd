package web

import (
	"net/http"
	"strings"

	"ocop/internal/registry"
)

// searchShow is the public product search: typed with or without
// diacritics ("gom bat trang" finds "Gốm Bát Tràng").
func (s *Server) searchShow(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	query := strings.TrimSpace(q.Get("q"))
	if len(query) > 200 {
		query = query[:200]
	}
	res, err := s.Registry.ListProducts(r.Context(), nil, registry.ProductFilter{
		Query: query, Category: q.Get("category"), Public: true, Page: queryInt(q.Get("page")), PerPage: 24,
	})
	if err != nil {
		return err
	}
	return s.page(w, r, "search", "page.search", res)
}
