package web

import (
	"net/http"

	"ocop/internal/registry"
)

// scorecardCategory is one node of the classification with the version in
// force of its scorecard.
type scorecardCategory struct {
	registry.Category
	// SetID is the version in force of the leaf's scorecard (0 when none).
	SetID int64
}

// categoryBrowser shows the product classification of Appendix I: the 6
// kinds, their groups and sub-groups with the lead ministry, and the
// scorecard that rates each leaf.
func (s *Server) categoryBrowser(w http.ResponseWriter, r *http.Request) error {
	if _, err := need(r); err != nil {
		return err
	}
	active, err := s.scorecards().ActiveIDs(r.Context())
	if err != nil {
		return err
	}
	cats := s.Registry.Categories()
	out := make([]scorecardCategory, 0, len(cats.List))
	for _, c := range cats.List {
		out = append(out, scorecardCategory{Category: c, SetID: active[c.ScorecardSet]})
	}
	return s.page(w, r, "scorecard_categories", "scorecard.page_categories", out)
}
