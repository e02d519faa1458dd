package web

import (
	"net/http"
	"time"

	"ocop/internal/catalogue"
	"ocop/internal/trade"
)

// homeShow is the public front page: the search box first, then the
// programme in numbers by star, the newest certified products and the 5★
// products.
func (s *Server) homeShow(w http.ResponseWriter, r *http.Request) error {
	h, err := s.Catalogue.Home(r.Context())
	if err != nil {
		return err
	}
	// The upcoming trade-promotion events fill the page's events slot; a
	// failure there must not take the front page down.
	events, err := s.Trade.Upcoming(r.Context(), 5)
	if err != nil {
		s.Log.WarnContext(r.Context(), "home: upcoming events", "err", err)
	}
	return s.page(w, r, "home", "page.home", homeWithEvents{homeView: homeView{Home: h, Stars: []string{catalogue.Star5, catalogue.StarPotential5, catalogue.Star4, catalogue.Star3}}, Events: events})
}

// homeWithEvents is the front page with the upcoming events (package trade).
type homeWithEvents struct {
	homeView
	Events []trade.Event
}

// When formats an event time in Vietnam.
func (homeWithEvents) When(t time.Time) string { return t.In(trade.Vietnam).Format("15:04 02/01/2006") }
