package web

import (
	"net/http"

	"ocop/internal/apperr"
	"ocop/internal/registry"
)

// producerInput reads the producer form. Number fields that do not parse
// are reported with the service's own field errors.
func producerInput(r *http.Request) (registry.ProducerInput, apperr.Errs) {
	var errs apperr.Errs
	f := r.PostForm
	in := registry.ProducerInput{
		Kind: f.Get("kind"), Name: f.Get("name"), RegistrationNo: f.Get("registration_no"),
		Representative: f.Get("representative"), Phone: f.Get("phone"), Email: f.Get("email"), Website: f.Get("website"),
		CommuneCode: f.Get("commune_code"), LegacyDistrictCode: f.Get("legacy_district_code"), LegacyCommuneCode: f.Get("legacy_commune_code"),
		AddressLine: f.Get("address_line"), Description: f.Get("description"), Status: f.Get("status"),
		WomenLed: f.Get("women_led") == "on", EthnicMinorityLed: f.Get("ethnic_minority_led") == "on",
	}
	in.Latitude = formFloat(&errs, "latitude", f.Get("latitude"))
	in.Longitude = formFloat(&errs, "longitude", f.Get("longitude"))
	in.WorkersTotal = formInt(&errs, "workers_total", f.Get("workers_total"))
	in.WorkersWomen = formInt(&errs, "workers_women", f.Get("workers_women"))
	in.WorkersEthnic = formInt(&errs, "workers_ethnic", f.Get("workers_ethnic"))
	in.Version = formInt(&errs, "version", f.Get("version"))
	return in, errs
}

type producerFormPage struct {
	Producer *registry.Producer // nil when creating
}

// producerNew shows the empty producer form.
func (s *Server) producerNew(w http.ResponseWriter, r *http.Request) error {
	if _, err := need(r, provinceOrCommune...); err != nil {
		return err
	}
	return s.page(w, r, "producer_form", "page.producer_new", producerFormPage{})
}

// producerCreate registers a producer.
func (s *Server) producerCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, provinceOrCommune...)
	if err != nil {
		return err
	}
	in, errs := producerInput(r)
	if err := errs.Err(); err != nil {
		return s.formError(w, r, "producer_form", "page.producer_new", producerFormPage{}, err)
	}
	x, err := s.Registry.CreateProducer(r.Context(), p, in)
	if err != nil {
		return s.formError(w, r, "producer_form", "page.producer_new", producerFormPage{}, err)
	}
	return s.redirect(w, r, "/admin/producers/"+itoa64(x.ID), "flash.saved")
}

// producerEdit shows the producer form filled in.
func (s *Server) producerEdit(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, staff...)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	x, err := s.Registry.Producer(r.Context(), p, id)
	if err != nil {
		return err
	}
	if !registry.CanManageProducer(p, x) {
		return apperr.New(apperr.Forbidden, "err.out_of_scope")
	}
	return s.page(w, r, "producer_form", "page.producer_edit", producerFormPage{Producer: &x})
}

// producerUpdate saves the producer form.
func (s *Server) producerUpdate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, staff...)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	x, err := s.Registry.Producer(r.Context(), p, id)
	if err != nil {
		return err
	}
	in, errs := producerInput(r)
	if err := errs.Err(); err != nil {
		return s.formError(w, r, "producer_form", "page.producer_edit", producerFormPage{Producer: &x}, err)
	}
	if _, err := s.Registry.UpdateProducer(r.Context(), p, id, in); err != nil {
		return s.formError(w, r, "producer_form", "page.producer_edit", producerFormPage{Producer: &x}, err)
	}
	return s.redirect(w, r, "/admin/producers/"+itoa64(id), "flash.saved")
}
