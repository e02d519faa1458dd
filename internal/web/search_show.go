package web

import (
	"net/http"

	"ocop/internal/catalogue"
)

// searchView is the catalogue page.
type searchView struct {
	catalogue.Result
	Sorts []string
}

// searchShow is the public catalogue (GET /search): search typed with or
// without diacritics ("gom bat trang" finds "Gốm Bát Tràng"), tolerant of
// typos, with facets and shareable URLs. Bad parameters are ignored with a
// note on the page, never an error.
func (s *Server) searchShow(w http.ResponseWriter, r *http.Request) error {
	q, notes := catalogue.ParseQuery(r.URL.Query(), s.Catalogue.Known())
	res, err := s.Catalogue.Search(r.Context(), q, langOf(r))
	if err != nil {
		return err
	}
	res.Notes = append(notes, res.Notes...)
	if q.Page > 1 && len(res.Items) == 0 && res.Total > 0 {
		res.Notes = append(res.Notes, catalogue.NotePage)
	}
	return s.page(w, r, "search", "page.search", searchView{Result: res,
		Sorts: []string{catalogue.SortRelevance, catalogue.SortStars, catalogue.SortName, catalogue.SortNewest}})
}

// Start is the rank of the first result of the page (for <ol start>).
func (v searchView) Start() int { return (v.Page-1)*v.PerPage + 1 }

// SortNow is the order in effect: the chosen one, or relevance when
// searching, stars otherwise.
func (v searchView) SortNow() string {
	switch {
	case v.Query.Sort != "":
		return v.Query.Sort
	case v.Query.Text != "":
		return catalogue.SortRelevance
	}
	return catalogue.SortStars
}
