package web

import (
	"bytes"
	"net/http"
	"slices"
	"strings"

	"ocop/internal/evaluation"
)

// dossierPDF sends Mẫu 01, 02 or 03 of a dossier as a PDF, to whoever may
// open the print view of the same form. ServeMux cannot match
// "{form}.pdf", so the PDF has its own path: /admin/dossiers/{id}/pdf/{form}.
// The file is built in memory first, so a failure never sends half a file.
func (s *Server) dossierPDF(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, dossierRoles...)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	form := r.PathValue("form")
	if !slices.Contains(evaluation.PrintForms, form) {
		return s.notFound(w, r)
	}
	lang := langOf(r)
	po, err := s.Evaluation.Print(r.Context(), p, id, form, lang)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	t := func(key string, args ...any) string { return s.Catalog.T(lang, key, args...) }
	if err := evaluation.WriteFormPDF(&buf, po, lang, t); err != nil {
		return err
	}
	// A name that every browser keeps: the form and the registration
	// number (or the dossier's id before it has one), ASCII only.
	ref := po.RegNo
	if ref == "" {
		ref = itoa64(id)
	}
	name := "mau-" + form + "-" + strings.Map(func(r rune) rune {
		if r < 128 && (r == '-' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
			return r
		}
		return '_'
	}, ref)
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+name+`.pdf"`)
	// A producer's papers, like the evidence files: never stored by a
	// cache, and a copy changes with the dossier.
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = buf.WriteTo(w)
	return err
}
