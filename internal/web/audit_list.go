package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/registry"
)

// auditReaders may browse the audit log: the province everything, commune
// officers the rows of their communes.
var auditReaders = []account.Role{account.RoleAdmin, account.RoleOffice, account.RoleCommune}

// auditExportMax bounds one CSV export; narrower filters give the rest.
const auditExportMax = 50_000

// auditRow is one audit entry with its before/after JSON indented for
// reading.
type auditRow struct {
	account.AuditEntry
	BeforeJSON, AfterJSON string
}

// prettyJSON indents a JSON document for reading. It decodes and encodes
// again rather than indenting in place, because the log stores "<" as
// \u003c (encoding/json's default) and people must read the text itself;
// the template escapes it for HTML. Text that is not JSON is shown as is.
func prettyJSON(s string) string {
	if s == "" {
		return ""
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber() // keep numbers exactly as stored
	var v any
	if err := dec.Decode(&v); err != nil {
		return s
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return s
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// auditFilter reads the filters of the audit page and limits commune
// officers to their communes. Dates that do not parse are reported as
// field errors and ignored.
func auditFilter(r *http.Request, p *account.Principal) (account.AuditFilter, apperr.Errs) {
	q := r.URL.Query()
	var errs apperr.Errs
	f := account.AuditFilter{
		Entity: strings.TrimSpace(q.Get("entity")), EntityID: strings.TrimSpace(q.Get("entity_id")),
		Actor: q.Get("actor"), Action: q.Get("action"),
		Page: max(queryInt(q.Get("page")), 1), PerPage: 50,
	}
	date := func(field string) time.Time {
		v := strings.TrimSpace(q.Get(field))
		if v == "" {
			return time.Time{}
		}
		// Dates are the user's calendar days, in the server's zone like
		// every time the pages show.
		t, err := time.ParseInLocation("2006-01-02", v, time.Local)
		if err != nil {
			errs.Add(field, "audit.err_date")
			return time.Time{}
		}
		return t
	}
	f.From = date("from")
	if to := date("to"); !to.IsZero() {
		f.To = to.AddDate(0, 0, 1) // the whole of the last day
	}
	if !p.Province() {
		f.Communes = append([]string{}, p.Communes...) // never nil: an officer without communes sees nothing
	}
	return f, errs
}

// auditList shows the audit log, newest first, filtered and paged; each
// row opens to show the record before and after the change.
func (s *Server) auditList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auditReaders...)
	if err != nil {
		return err
	}
	f, errs := auditFilter(r, p)
	entries, total, err := s.Accounts.ListAudit(r.Context(), f)
	if err != nil {
		return err
	}
	d := registry.Page[auditRow]{Total: total, Page: f.Page, PerPage: f.PerPage}
	for _, e := range entries {
		d.Items = append(d.Items, auditRow{AuditEntry: e, BeforeJSON: prettyJSON(e.Before), AfterJSON: prettyJSON(e.After)})
	}
	v := s.newView(r, "audit.page", d)
	if len(errs) > 0 {
		v.Errors = map[string]string{}
		for _, fe := range errs {
			v.Errors[fe.Field] = s.Catalog.T(v.Lang, fe.Key, fe.Args...)
		}
	}
	return s.render(w, http.StatusOK, "audit_list", v)
}

// csvCell keeps a spreadsheet from reading a cell as a formula (CSV
// injection): text starting with = + - @ or a control character gets a
// leading apostrophe.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// auditExport writes the filtered audit rows as CSV (UTF-8 with a byte
// order mark, so that spreadsheet programs read Vietnamese correctly).
func (s *Server) auditExport(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auditReaders...)
	if err != nil {
		return err
	}
	f, errs := auditFilter(r, p)
	if err := errs.Err(); err != nil {
		return err
	}
	f.Page, f.PerPage = 1, 200
	ctx := r.Context()
	// The first page is read before anything is written, so that an
	// error still becomes a proper error page.
	entries, _, err := s.Accounts.ListAudit(ctx, f)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="audit-`+s.Now().Format("20060102-1504")+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	if _, err := w.Write([]byte("\uFEFF")); err != nil {
		return nil // the client went away
	}
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"id", "at", "actor", "action", "entity", "entity_id", "commune_code", "ip", "before", "after"})
	n := 0
	for len(entries) > 0 && n < auditExportMax {
		for _, e := range entries {
			_ = cw.Write([]string{strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339), csvCell(e.ActorName), csvCell(e.Action),
				csvCell(e.Entity), csvCell(e.EntityID), csvCell(e.CommuneCode), csvCell(e.IP), csvCell(e.Before), csvCell(e.After)})
			f.BeforeID = e.ID
			n++
		}
		cw.Flush()
		if cw.Error() != nil {
			return nil // the client went away; nothing more to say to it
		}
		if entries, _, err = s.Accounts.ListAudit(ctx, f); err != nil {
			// The status line is gone; log it and end the file short.
			s.Log.ErrorContext(ctx, "audit export", "err", err)
			return nil
		}
	}
	cw.Flush()
	return nil
}
