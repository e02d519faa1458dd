package web

import (
	"net/http"
	"strings"

	"ocop/internal/apperr"
	"ocop/internal/registry"
)

// villageInput reads the craft village form.
func villageInput(r *http.Request) (registry.CraftVillageInput, apperr.Errs) {
	var errs apperr.Errs
	f := r.PostForm
	in := registry.CraftVillageInput{
		Name: f.Get("name"), NameEn: f.Get("name_en"), CommuneCode: f.Get("commune_code"),
		LegacyDistrictCode: f.Get("legacy_district_code"), LegacyCommuneCode: f.Get("legacy_commune_code"),
		Recognised: f.Get("recognised") == "on", Crafts: f.Get("crafts"), Description: f.Get("description"),
	}
	if strings.TrimSpace(f.Get("recognised_year")) != "" {
		y := formInt(&errs, "recognised_year", f.Get("recognised_year"))
		in.RecognisedYear = &y
	}
	in.Latitude = formFloat(&errs, "latitude", f.Get("latitude"))
	in.Longitude = formFloat(&errs, "longitude", f.Get("longitude"))
	in.Version = formInt(&errs, "version", f.Get("version"))
	return in, errs
}

type villageFormPage struct {
	Village *registry.CraftVillage // nil when creating
}

// villageNew shows the empty craft village form.
func (s *Server) villageNew(w http.ResponseWriter, r *http.Request) error {
	if _, err := need(r, provinceOrCommune...); err != nil {
		return err
	}
	return s.page(w, r, "village_form", "village.page_new", villageFormPage{})
}

// villageCreate records a craft village (province staff anywhere, commune
// officers in their communes: the service checks the commune).
func (s *Server) villageCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, provinceOrCommune...)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(apperr.Invalid, err, "err.invalid_input")
	}
	in, errs := villageInput(r)
	if err := errs.Err(); err != nil {
		return s.formError(w, r, "village_form", "village.page_new", villageFormPage{}, err)
	}
	v, err := s.Registry.CreateCraftVillage(r.Context(), p, in)
	if err != nil {
		return s.formError(w, r, "village_form", "village.page_new", villageFormPage{}, err)
	}
	return s.redirect(w, r, "/admin/villages/"+itoa64(v.ID), "flash.saved")
}

// editableVillage returns the village of the {id} path if p may change it.
func (s *Server) editableVillage(r *http.Request) (registry.CraftVillage, error) {
	p, err := need(r, provinceOrCommune...)
	if err != nil {
		return registry.CraftVillage{}, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return registry.CraftVillage{}, err
	}
	v, err := s.Registry.CraftVillage(r.Context(), id)
	if err != nil {
		return v, err
	}
	if !registry.CanManageVillage(p, v) {
		return v, apperr.New(apperr.Forbidden, "err.out_of_scope")
	}
	return v, nil
}

// villageEdit shows the craft village form filled in.
func (s *Server) villageEdit(w http.ResponseWriter, r *http.Request) error {
	v, err := s.editableVillage(r)
	if err != nil {
		return err
	}
	return s.page(w, r, "village_form", "village.page_edit", villageFormPage{Village: &v})
}

// villageUpdate saves the craft village form (optimistic locking through
// the hidden version).
func (s *Server) villageUpdate(w http.ResponseWriter, r *http.Request) error {
	v, err := s.editableVillage(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(apperr.Invalid, err, "err.invalid_input")
	}
	in, errs := villageInput(r)
	if err := errs.Err(); err != nil {
		return s.formError(w, r, "village_form", "village.page_edit", villageFormPage{Village: &v}, err)
	}
	p, _ := need(r)
	if _, err := s.Registry.UpdateCraftVillage(r.Context(), p, v.ID, in); err != nil {
		return s.formError(w, r, "village_form", "village.page_edit", villageFormPage{Village: &v}, err)
	}
	return s.redirect(w, r, "/admin/villages/"+itoa64(v.ID), "flash.saved")
}
