package web

import (
	"net/http"
	"net/url"
	"strconv"

	"ocop/internal/account"
	"ocop/internal/market"
)

// marketOfficeCentreList lists the design centres with their score and
// checklist for the office.
func (s *Server) marketOfficeCentreList(w http.ResponseWriter, r *http.Request) error {
	if _, err := needOffice(r); err != nil {
		return err
	}
	items, err := s.Market.DesignCentres(r.Context())
	if err != nil {
		return err
	}
	return s.page(w, r, "market_office_centres", "market.office_centres", items)
}

// officeCentre loads the {id} design centre for the office.
func (s *Server) officeCentre(r *http.Request) (market.DesignCentre, *account.Principal, error) {
	p, err := needOffice(r)
	if err != nil {
		return market.DesignCentre{}, nil, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return market.DesignCentre{}, nil, err
	}
	c, err := s.Market.DesignCentre(r.Context(), id)
	return c, p, err
}

// centreValues are a recorded centre as the design-centre form posts it,
// so that the form (market_centre_form.html) shows it for editing.
func centreValues(c market.DesignCentre) url.Values {
	v := url.Values{"name": {c.Name}, "commune_code": {c.CommuneCode}, "address_line": {c.AddressLine},
		"latitude": {strconv.FormatFloat(c.Latitude, 'f', -1, 64)}, "longitude": {strconv.FormatFloat(c.Longitude, 'f', -1, 64)},
		"area_m2": {strconv.Itoa(c.AreaM2)}, "ocop_share_pct": {strconv.Itoa(c.OCOPSharePct)}}
	for k, on := range map[string]bool{"zone_display": c.ZoneDisplay, "zone_meeting": c.ZoneMeeting, "zone_experience": c.ZoneExperience, "zone_photo": c.ZonePhoto} {
		if on {
			v.Set(k, "on")
		}
	}
	for _, cr := range market.CentreCriteria {
		v.Set("score_"+cr.Key, strconv.Itoa(c.Scores[cr.Key]))
	}
	return v
}

// marketOfficeCentreShow is the design-centre form filled with the centre.
func (s *Server) marketOfficeCentreShow(w http.ResponseWriter, r *http.Request) error {
	c, _, err := s.officeCentre(r)
	if err != nil {
		return err
	}
	v := s.newView(r, "market.office_centre", centreFormPage{Criteria: market.CentreCriteria, ID: c.ID, Version: c.Version})
	v.Form = centreValues(c)
	return s.render(w, http.StatusOK, "market_centre_form", v)
}

// marketOfficeCentreUpdate saves the design-centre form and scores the
// centre again (optimistic locking).
func (s *Server) marketOfficeCentreUpdate(w http.ResponseWriter, r *http.Request) error {
	c, p, err := s.officeCentre(r)
	if err != nil {
		return err
	}
	if err := parseOfficeForm(r); err != nil {
		return err
	}
	in, errs := centreInput(r)
	in.Version = officeVersion(&errs, r)
	pg := centreFormPage{Criteria: market.CentreCriteria, ID: c.ID, Version: in.Version}
	if err = errs.Err(); err == nil {
		_, err = s.Market.UpdateDesignCentre(r.Context(), p, c.ID, in)
	}
	if err != nil {
		return s.formError(w, r, "market_centre_form", "market.office_centre", pg, err)
	}
	return s.redirect(w, r, "/admin/design-centres", "flash.saved")
}

// centreDelete describes the deletion of a design centre.
func centreDelete(c market.DesignCentre) officeDelete {
	return officeDelete{Kind: "centre", Name: c.Name, Action: "/admin/design-centres/" + itoa64(c.ID) + "/delete",
		Back: "/admin/design-centres/" + itoa64(c.ID), Version: c.Version}
}

// marketOfficeCentreDeleteAsk asks the office to confirm a centre's deletion.
func (s *Server) marketOfficeCentreDeleteAsk(w http.ResponseWriter, r *http.Request) error {
	c, _, err := s.officeCentre(r)
	if err != nil {
		return err
	}
	return s.confirmDelete(w, r, centreDelete(c))
}

// marketOfficeCentreDelete deletes a design centre.
func (s *Server) marketOfficeCentreDelete(w http.ResponseWriter, r *http.Request) error {
	c, p, err := s.officeCentre(r)
	if err != nil {
		return err
	}
	return s.deleteSubmitted(w, r, p, c.ID, centreDelete(c), s.Market.DeleteDesignCentre, "/admin/design-centres")
}
