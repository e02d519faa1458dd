package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"

	"ocop/internal/evaluation"
)

// certDays formats the civil dates of the certificate and decision pages;
// page data embeds it so that templates write {{$.Data.Day .IssuedOn}}.
type certDays struct{}

// Day formats a date as dd/mm/yyyy, and "" for no date.
func (certDays) Day(d evaluation.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format("02/01/2006")
}

// ISO formats a date for a date input (yyyy-mm-dd).
func (certDays) ISO(d evaluation.Date) string { return d.String() }

// Stars is the star sign of a rank: "★★★★".
func (certDays) Stars(s evaluation.Star) string {
	return strings.Repeat("★", max(0, min(int(s), 5)))
}

// Score formats a score with two decimals, truncated (never rounded across
// a band boundary, see evaluation.ScoreHundredths), with the decimal
// separator of the language.
func (certDays) Score(lang string, v float64) string {
	h := evaluation.ScoreHundredths(v)
	sep := ","
	if lang == "en" {
		sep = "."
	}
	sign := ""
	if h < 0 {
		sign, h = "-", -h
	}
	return fmt.Sprintf("%s%d%s%02d", sign, h/100, sep, h%100)
}

// certificatePublicPage is the public certificate page.
type certificatePublicPage struct {
	certDays
	C     evaluation.Certificate
	Today evaluation.Date
}

// certificatePublic shows a certificate to anyone, by number or slug, with
// its live status; /certificates/{slug}.pdf is the printable certificate.
func (s *Server) certificatePublic(w http.ResponseWriter, r *http.Request) error {
	ref := r.PathValue("ref")
	if slug, ok := strings.CutSuffix(ref, ".pdf"); ok {
		return s.certificatePDF(w, r, slug)
	}
	c, err := s.Evaluation.PublicCertificate(r.Context(), ref)
	if err != nil {
		return err
	}
	return s.page(w, r, "certificate_public", "cert.page_public", certificatePublicPage{C: c, Today: s.Evaluation.Today()})
}

// certificatePDF sends the printable certificate. It is built in memory
// first, so a failure never sends half a file.
func (s *Server) certificatePDF(w http.ResponseWriter, r *http.Request, ref string) error {
	cp, err := s.Evaluation.CertificatePrint(r.Context(), ref, certBaseURL(s, r))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := evaluation.WriteCertificatePDF(&buf, cp); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	name := strings.Map(func(r rune) rune {
		if r < 128 && (r == '-' || r == '.' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
			return r
		}
		return '_'
	}, cp.Certificate.Slug())
	w.Header().Set("Content-Disposition", `inline; filename="`+name+`.pdf"`)
	// The status printed across a void copy changes with the date.
	w.Header().Set("Cache-Control", "no-cache")
	_, err = buf.WriteTo(w)
	return err
}

// certBaseURL is the public root of the site: the configured one, or the
// request's own.
func certBaseURL(s *Server, r *http.Request) string {
	if s.BaseURL != "" {
		return strings.TrimSuffix(s.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// Slug is the URL form of a certificate number.
func (certDays) Slug(number string) string { return evaluation.CertificateSlug(number) }

// StatusArg is the detail the sentence explaining a status needs: the
// date of the revocation, the number of the newer certificate, the first
// valid day, or the last valid day.
func (d certDays) StatusArg(c evaluation.Certificate) string {
	switch c.Status {
	case evaluation.CertRevoked:
		return d.Day(c.RevokedOn)
	case evaluation.CertSuperseded:
		return c.SupersededByNumber
	case evaluation.CertNotYetValid:
		return d.Day(c.IssuedOn)
	}
	return d.Day(c.ValidUntil)
}
