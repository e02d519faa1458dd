package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"ocop/internal/apperr"
	"ocop/internal/evaluation"
	"ocop/internal/stamp"
)

// stampVerifyPage is what the verification page shows.
type stampVerifyPage struct {
	V      stamp.Verification
	Input  string // what was typed or scanned, for the form
	Asked  bool   // a serial was given (not the bare form)
	Sent   bool   // a report was just sent
	Action string // where the report form posts
}

// Stars is the star sign of a rank.
func (stampVerifyPage) Stars(n int) string { return strings.Repeat("★", max(0, min(n, 5))) }

// Slug is the URL form of a certificate number.
func (stampVerifyPage) Slug(number string) string { return evaluation.CertificateSlug(number) }

// Day formats a civil date "YYYY-MM-DD" as dd/mm/yyyy.
func (stampVerifyPage) Day(iso string) string {
	t, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return iso
	}
	return t.Format("02/01/2006")
}

// When formats an instant in Vietnam time.
func (stampVerifyPage) When(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(vietnam).Format("02/01/2006 15:04")
}

var vietnam = time.FixedZone("ICT", 7*3600)

// stampCSS is the verification page's whole style sheet, inline so that the
// answer arrives in one round trip; the CSP admits it by its hash.
const stampCSS = `body{margin:0;font:16px/1.45 system-ui,sans-serif;color:#111;background:#fff}main{max-width:36rem;margin:0 auto;padding:0 1rem 2rem}` +
	`.v{margin:0 -1rem 1rem;padding:1.1rem 1rem;color:#fff;font-size:1.9rem;font-weight:800;text-align:center;letter-spacing:.02em}` +
	`.v small{display:block;font-size:1rem;font-weight:500}.genuine{background:#0a6b2d}.expired,.not_activated{background:#8a5a00}` +
	`.revoked,.deactivated,.suspected_copy,.recalled{background:#a4161a}.unknown{background:#333}img{max-width:100%;height:auto;border-radius:4px}` +
	`dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem .75rem}dt{color:#555}dd{margin:0;font-weight:600}.st{color:#b4141e;font-size:1.4rem}` +
	`form{margin:1rem 0;padding:.75rem;border:1px solid #ccc;border-radius:6px}input,textarea,button{font:inherit;width:100%;box-sizing:border-box;margin:.2rem 0 .6rem;padding:.5rem}` +
	`button{background:#0b4ea2;color:#fff;border:0;border-radius:4px}.muted{color:#555;font-size:.9rem}.err{color:#a4161a}a{color:#0b4ea2}` +
	`.serial{font-family:ui-monospace,monospace;font-size:1.05rem;letter-spacing:.04em}nav{text-align:right;padding:.4rem 0}`

var stampCSP = func() string {
	sum := sha256.Sum256([]byte(stampCSS))
	return "default-src 'self'; img-src 'self' data:; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; script-src 'none'; " +
		"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
}()

// stampVerify answers /q/{serial} (and /Q/{serial}, as QR readers open the
// upper-case URL as printed).
func (s *Server) stampVerify(w http.ResponseWriter, r *http.Request) error {
	return s.stampAnswer(w, r, r.PathValue("serial"), "")
}

// stampVerifyForm is the typed-serial form: /q, or /q?serial=… from it.
func (s *Server) stampVerifyForm(w http.ResponseWriter, r *http.Request) error {
	raw := r.URL.Query().Get("serial")
	if strings.TrimSpace(raw) == "" {
		return s.stampRender(w, r, http.StatusOK, stampVerifyPage{})
	}
	// One canonical URL per stamp: a well-formed serial redirects to it.
	if sr, ok := stamp.ParseSerial(raw); ok {
		http.Redirect(w, r, "/q/"+sr, http.StatusSeeOther)
		return nil
	}
	return s.stampAnswer(w, r, raw, "")
}

// stampVerifyLink answers a GS1 Digital Link /01/{gtin}/21/{serial}. A
// GTIN with a wrong check digit, or not the product's, is "unknown".
func (s *Server) stampVerifyLink(w http.ResponseWriter, r *http.Request) error {
	gtin, serial, ok := stamp.ParseDigitalLink("/01/" + r.PathValue("gtin") + "/21/" + r.PathValue("serial"))
	if !ok {
		return s.stampAnswer(w, r, "", "")
	}
	return s.stampAnswer(w, r, serial, gtin)
}

// stampClient identifies the caller for the scan log and the rate limit.
func (s *Server) stampClient(r *http.Request, gtin string) stamp.Client {
	c := stamp.Client{Fingerprint: s.Stamps.Fingerprint(clientIP(r), r.UserAgent()), GTIN: gtin}
	q := r.URL.Query()
	if la, lo := q.Get("lat"), q.Get("lon"); la != "" && lo != "" {
		lat, err1 := strconv.ParseFloat(la, 64)
		lon, err2 := strconv.ParseFloat(lo, 64)
		if err1 == nil && err2 == nil {
			c.Place, _ = stamp.Coarse(lat, lon)
		}
	}
	return c
}

// stampThrottle refuses a client that looked up too many unknown serials.
func (s *Server) stampThrottle(w http.ResponseWriter, c stamp.Client) error {
	if blocked, wait := s.Stamps.Throttled(c.Fingerprint); blocked {
		secs := int(wait.Seconds() + 0.999)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		return apperr.New(apperr.TooMany, "stamp.err_too_many", secs)
	}
	return nil
}

func (s *Server) stampAnswer(w http.ResponseWriter, r *http.Request, raw, gtin string) error {
	c := s.stampClient(r, gtin)
	if err := s.stampThrottle(w, c); err != nil {
		return err
	}
	v, err := s.Stamps.Verify(r.Context(), raw, c)
	if err != nil {
		return err
	}
	if stampWantsJSON(r) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Vary", "Accept, Accept-Language")
		return writeJSON(w, v)
	}
	input := raw
	if v.Formatted != "" {
		input = v.Formatted
	}
	return s.stampRender(w, r, http.StatusOK, stampVerifyPage{V: v, Input: input, Asked: true, Action: reportAction(v, raw)})
}

func reportAction(v stamp.Verification, raw string) string {
	if v.Serial != "" {
		return "/q/" + v.Serial + "/report"
	}
	if sr, ok := stamp.ParseSerial(raw); ok {
		return "/q/" + sr + "/report"
	}
	// Not a serial: the report is kept without one.
	return "/q/-/report"
}

// stampWantsJSON reports whether the client asked for JSON (apps) rather than a
// page.
func stampWantsJSON(r *http.Request) bool {
	a := r.Header.Get("Accept")
	return strings.Contains(a, "application/json") && !strings.Contains(a, "text/html")
}

func writeJSON(w http.ResponseWriter, v any) error {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, err := buf.WriteTo(w)
	return err
}

// stampRender writes the light verification page: one document with
// inline CSS and no script, built in memory first.
func (s *Server) stampRender(w http.ResponseWriter, r *http.Request, status int, d stampVerifyPage) error {
	return s.stampRenderView(w, status, s.newView(r, "stamp.page_verify", d))
}

// stampReport records a consumer's report of a suspected fake.
func (s *Server) stampReport(w http.ResponseWriter, r *http.Request) error {
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	serial := r.PathValue("serial")
	c := s.stampClient(r, "")
	in := stamp.ReportInput{Serial: serial, Place: r.FormValue("place"), Note: r.FormValue("note"), Client: c.Fingerprint}
	if f, hdr, err := r.FormFile("photo"); err == nil {
		defer f.Close()
		if hdr.Size > 0 {
			in.Photo = f
		}
	}
	_, err := s.Stamps.Report(r.Context(), in)
	d := stampVerifyPage{Input: serial, Asked: serial != "", Action: r.URL.Path}
	if err != nil {
		e := apperr.As(err)
		if e == nil || e.Code != apperr.Invalid {
			return err
		}
		v := s.newView(r, "stamp.page_verify", d)
		v.Form = r.PostForm
		v.Errors = map[string]string{}
		for _, f := range e.Fields {
			if _, dup := v.Errors[f.Field]; !dup {
				v.Errors[f.Field] = s.Catalog.T(v.Lang, f.Key, f.Args...)
			}
		}
		d.V.Verdict = ""
		return s.stampRenderView(w, http.StatusUnprocessableEntity, v)
	}
	d.Sent = true
	return s.stampRender(w, r, http.StatusOK, d)
}

func (s *Server) stampRenderView(w http.ResponseWriter, status int, v *view) error {
	d, _ := v.Data.(stampVerifyPage)
	var b strings.Builder
	b.Grow(4096)
	s.writeStampPage(&b, v, d)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", stampCSP)
	h.Set("Content-Language", v.Lang)
	w.WriteHeader(status)
	_, err := io.WriteString(w, b.String())
	return err
}
