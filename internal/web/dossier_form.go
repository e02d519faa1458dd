package web

import (
	"net/http"
	"strconv"
	"strings"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/evaluation"
)

// dossierFormPage is the Mẫu 01 or Mẫu 02 form of a dossier.
type dossierFormPage struct {
	civil
	D       evaluation.Dossier
	CanEdit bool
	Checks  []string
}

// editableDossier loads the dossier of the {id} path for its forms.
func (s *Server) editableDossier(r *http.Request) (*account.Principal, *dossierFormPage, error) {
	p, err := need(r, dossierRoles...)
	if err != nil {
		return nil, nil, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, nil, err
	}
	d, err := s.Evaluation.Dossier(r.Context(), p, id)
	if err != nil {
		return nil, nil, err
	}
	return p, &dossierFormPage{D: d, CanEdit: evaluation.CanEdit(p, &d), Checks: evaluation.Form02Checks}, nil
}

// dossierForm01 shows the registration form (Mẫu 01).
func (s *Server) dossierForm01(w http.ResponseWriter, r *http.Request) error {
	_, pg, err := s.editableDossier(r)
	if err != nil {
		return err
	}
	return s.page(w, r, "dossier_form01", "dossier.page_form01", pg)
}

// dossierForm01Save saves the registration form.
func (s *Server) dossierForm01Save(w http.ResponseWriter, r *http.Request) error {
	p, pg, err := s.editableDossier(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	samples, err := strconv.Atoi(strings.TrimSpace(f.Get("samples")))
	if err != nil && strings.TrimSpace(f.Get("samples")) != "" {
		samples = -1 // reported by the service as out of range
	}
	in := evaluation.Form01{Representative: f.Get("representative"), Position: f.Get("position"), Address: f.Get("address"),
		Phone: f.Get("phone"), Email: f.Get("email"), Samples: samples}
	if _, err := s.Evaluation.SaveForm01(r.Context(), p, pg.D.ID, formVersion(r), in); err != nil {
		return s.formError(w, r, "dossier_form01", "dossier.page_form01", pg, err)
	}
	return s.redirect(w, r, "/admin/dossiers/"+itoa64(pg.D.ID), "flash.saved")
}

// dossierForm02 shows the self-assessment report's parts I, II and IV
// (Mẫu 02), with what changed (upgrades) or the updates (re-ratings).
func (s *Server) dossierForm02(w http.ResponseWriter, r *http.Request) error {
	_, pg, err := s.editableDossier(r)
	if err != nil {
		return err
	}
	return s.page(w, r, "dossier_form02", "dossier.page_form02", pg)
}

// dossierForm02Save saves Mẫu 02 parts I, II and IV.
func (s *Server) dossierForm02Save(w http.ResponseWriter, r *http.Request) error {
	p, pg, err := s.editableDossier(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	in := evaluation.Form02{
		RepresentativeName: f.Get("representative_name"), RepresentativeGender: f.Get("representative_gender"),
		RepresentativeEthnicity: f.Get("representative_ethnicity"), RepresentativeResidence: f.Get("representative_residence"),
		RegistrationNo: f.Get("registration_no"), ProductSpec: f.Get("product_spec"), Checks: f["check"], IPOther: f.Get("ip_other"),
		History: f.Get("history"), Organisation: f.Get("organisation"), Production: f.Get("production"),
		QualityChanges: f.Get("quality_changes"), Market: f.Get("market"), Revenue: f.Get("revenue"), Plans: f.Get("plans"),
	}
	if v := strings.TrimSpace(f.Get("founded_on")); v != "" {
		d, err := evaluation.ParseDate(v)
		// Only those who may change the form hear about its fields; the
		// service tells anyone else why they may not.
		if err != nil && pg.CanEdit {
			return s.formError(w, r, "dossier_form02", "dossier.page_form02", pg, apperr.Fields(apperr.Field("founded_on", "dossier.err_date")))
		}
		in.FoundedOn = d
	}
	ch := evaluation.Changes{Product: f.Get("changes_product"), Packaging: f.Get("changes_packaging"),
		Production: f.Get("changes_production"), Market: f.Get("changes_market"), Other: f.Get("changes_other")}
	up := evaluation.Updates{Materials: f.Get("updates_materials"), Technology: f.Get("updates_technology"),
		Packaging: f.Get("updates_packaging"), Labels: f.Get("updates_labels"), QualityDeclaration: f.Get("updates_quality_declaration"),
		PeriodicTests: f.Get("updates_periodic_tests"), Markets: f.Get("updates_markets"), Output: f.Get("updates_output"),
		Revenue: f.Get("updates_revenue"), LegalPapers: f.Get("updates_legal_papers")}
	if _, err := s.Evaluation.SaveForm02(r.Context(), p, pg.D.ID, formVersion(r), in, ch, up); err != nil {
		return s.formError(w, r, "dossier_form02", "dossier.page_form02", pg, err)
	}
	return s.redirect(w, r, "/admin/dossiers/"+itoa64(pg.D.ID), "flash.saved")
}
