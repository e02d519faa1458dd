package web

import (
	"net/http"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/market"
)

// marketChains is the public list of retail chain partners with their
// stores and listed products: GET /retail-chains.
func (s *Server) marketChains(w http.ResponseWriter, r *http.Request) error {
	list, err := s.Market.Chains(r.Context())
	if err != nil {
		return err
	}
	full := make([]market.Chain, 0, len(list))
	for _, c := range list {
		x, err := s.Market.Chain(r.Context(), c.ID)
		if err != nil {
			return err
		}
		full = append(full, x)
	}
	return s.page(w, r, "market_chains", "market.page_chains", full)
}

// marketCentres is the public list of design centres with their
// QĐ 6385 checklist and score: GET /design-centres.
func (s *Server) marketCentres(w http.ResponseWriter, r *http.Request) error {
	list, err := s.Market.DesignCentres(r.Context())
	if err != nil {
		return err
	}
	return s.page(w, r, "market_centres", "market.page_centres", struct {
		Items    []market.DesignCentre
		Criteria []market.CentreCriterion
	}{list, market.CentreCriteria})
}

// marketRoutesList is the public list of tourism routes: GET /routes.
func (s *Server) marketRoutesList(w http.ResponseWriter, r *http.Request) error {
	list, err := s.Market.Routes(r.Context(), account.FromContext(r.Context()))
	if err != nil {
		return err
	}
	return s.page(w, r, "market_routes", "market.page_routes", list)
}

// marketRoute is a tourism route's page with its stops on a map: GET /routes/{id}.
func (s *Server) marketRoute(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	x, err := s.Market.Route(r.Context(), account.FromContext(r.Context()), id)
	if err != nil {
		return err
	}
	type stop struct {
		Name string  `json:"name"`
		URL  string  `json:"url"`
		Lat  float64 `json:"lat"`
		Lng  float64 `json:"lng"`
	}
	var stops []stop
	for _, st := range x.Stops {
		if st.Latitude != nil && st.Longitude != nil {
			stops = append(stops, stop{st.Name, st.URL, *st.Latitude, *st.Longitude})
		}
	}
	js, err := jsonLD(stops)
	if err != nil {
		return err
	}
	return s.page(w, r, "market_route", "market.page_route", struct {
		Route   market.Route
		Stops   any
		TileURL string
	}{x, string(js), s.TileURL})
}

// centreFormPage is the office's design-centre form: the checklist and the
// 100-point form's criteria; ID and Version when changing a recorded
// centre (market_office_centre.go).
type centreFormPage struct {
	Criteria []market.CentreCriterion
	ID       int64
	Version  int
}

// marketCentreNew shows the design-centre form (the office).
func (s *Server) marketCentreNew(w http.ResponseWriter, r *http.Request) error {
	if _, err := need(r, account.RoleAdmin, account.RoleOffice); err != nil {
		return err
	}
	return s.page(w, r, "market_centre_form", "market.page_centre_new", centreFormPage{Criteria: market.CentreCriteria})
}

// marketCentreCreate records a design centre scored on the form.
func (s *Server) marketCentreCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleAdmin, account.RoleOffice)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(apperr.Invalid, err, "err.invalid_input")
	}
	in, errs := centreInput(r)
	pg := centreFormPage{Criteria: market.CentreCriteria}
	if err := errs.Err(); err != nil {
		return s.formError(w, r, "market_centre_form", "market.page_centre_new", pg, err)
	}
	c, err := s.Market.CreateDesignCentre(r.Context(), p, in)
	if err != nil {
		return s.formError(w, r, "market_centre_form", "market.page_centre_new", pg, err)
	}
	return s.redirect(w, r, "/design-centres#dc-"+itoa64(c.ID), "flash.saved")
}

// centreInput reads the design-centre form.
func centreInput(r *http.Request) (market.DesignCentreInput, apperr.Errs) {
	f := r.PostForm
	var errs apperr.Errs
	in := market.DesignCentreInput{Name: f.Get("name"), CommuneCode: f.Get("commune_code"), AddressLine: f.Get("address_line"),
		ZoneDisplay: f.Get("zone_display") == "on", ZoneMeeting: f.Get("zone_meeting") == "on", ZoneExperience: f.Get("zone_experience") == "on",
		ZonePhoto: f.Get("zone_photo") == "on", Scores: map[string]int{}}
	in.Latitude = formFloat(&errs, "latitude", f.Get("latitude"))
	in.Longitude = formFloat(&errs, "longitude", f.Get("longitude"))
	in.AreaM2 = formInt(&errs, "area_m2", f.Get("area_m2"))
	in.OCOPSharePct = formInt(&errs, "ocop_share_pct", f.Get("ocop_share_pct"))
	for _, c := range market.CentreCriteria {
		in.Scores[c.Key] = formInt(&errs, "scores."+c.Key, f.Get("score_"+c.Key))
	}
	return in, errs
}
