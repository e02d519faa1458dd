package web

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"strconv"

	"ocop/internal/apperr"
	"ocop/internal/evaluation"
)

// evidenceAdd attaches an uploaded file (PDF, JPEG or PNG, checked by
// content and size by the service) to the dossier, linked to a criterion
// or to the dossier as a whole. A refused file re-renders the dossier
// page with the reason next to the upload field.
func (s *Server) evidenceAdd(w http.ResponseWriter, r *http.Request) error {
	if r.MultipartForm != nil {
		// The CSRF check parsed the form on a copy of the request that the
		// server does not clean up: remove the spooled temporary files here.
		defer r.MultipartForm.RemoveAll()
	}
	p, err := need(r, dossierRoles...)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	crit, _ := strconv.ParseInt(r.FormValue("criterion"), 10, 64)
	in := evaluation.EvidenceInput{CriterionID: crit, Title: r.FormValue("title")}
	// Without a readable file the service still decides first whether the
	// user may attach anything here (scope, state); only then is the
	// missing or oversized file the answer.
	var body io.Reader = bytes.NewReader(nil)
	f, hdr, ferr := r.FormFile("file")
	if ferr == nil {
		defer f.Close()
		body, in.Filename = f, hdr.Filename
	}
	if _, err := s.Evaluation.AddEvidence(r.Context(), p, id, in, body); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(ferr, &mbe) && apperr.Is(err, apperr.Invalid) {
			err = apperr.Fields(apperr.Field("file", "err.upload_too_large", s.MaxUpload>>20))
		}
		return s.dossierFail(w, r, p, id, err)
	}
	return s.redirect(w, r, "/admin/dossiers/"+itoa64(id)+"#evidence", "dossier.flash_evidence_added")
}

// evidenceDelete detaches a file from the dossier.
func (s *Server) evidenceDelete(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, dossierRoles...)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	eid, err := pathID(r, "eid")
	if err != nil {
		return err
	}
	if err := s.Evaluation.RemoveEvidence(r.Context(), p, id, eid); err != nil {
		return s.dossierFail(w, r, p, id, err)
	}
	return s.redirect(w, r, "/admin/dossiers/"+itoa64(id)+"#evidence", "dossier.flash_evidence_removed")
}

// evidenceGet serves an evidence file to those who may read the dossier.
// The files are papers of a producer (licences, contracts, test reports):
// never cached by shared caches, and offered under their own name.
// Pictures open in the page; a PDF is downloaded, so that whatever it
// carries runs in the reader's PDF program and not under our origin.
func (s *Server) evidenceGet(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, dossierRoles...)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	eid, err := pathID(r, "eid")
	if err != nil {
		return err
	}
	e, path, err := s.Evaluation.EvidenceFile(r.Context(), p, id, eid)
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return apperr.New(apperr.NotFound, "dossier.err_evidence_not_found")
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", e.ContentType)
	h.Set("Cache-Control", "private, no-store")
	disposition := "inline"
	if e.ContentType == "application/pdf" {
		disposition = "attachment"
	}
	if v := mime.FormatMediaType(disposition, map[string]string{"filename": e.Filename}); v != "" {
		disposition = v
	}
	h.Set("Content-Disposition", disposition)
	http.ServeContent(w, r, "", fileTime(f), f)
	return nil
}
