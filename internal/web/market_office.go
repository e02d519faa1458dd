package web

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"ocop/internal/account"
	"ocop/internal/apperr"
)

// The office's pages for retail chains, tourism routes and design centres
// (market_office_chain.go, market_office_route.go, market_office_centre.go)
// share these helpers: who may use them, the rows of a repeated part of a
// form, and the confirmation step before a deletion.

// maxFormRows bounds the repeated rows (stores, stops) a form may post.
const maxFormRows = 600

// needOffice admits the programme office (admin, office).
func needOffice(r *http.Request) (*account.Principal, error) {
	return need(r, account.RoleAdmin, account.RoleOffice)
}

// parseOfficeForm parses a posted form, refusing a malformed one.
func parseOfficeForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(apperr.Invalid, err, "err.invalid_input")
	}
	return nil
}

// formRows is the number of repeated rows a form says it posts.
func formRows(r *http.Request) int {
	n, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("rows")))
	if err != nil || n < 0 {
		return 0
	}
	return min(n, maxFormRows)
}

// officeVersion reads the hidden version field of an office form.
func officeVersion(errs *apperr.Errs, r *http.Request) int {
	return formInt(errs, "version", r.PostForm.Get("version"))
}

var rowFieldRe = regexp.MustCompile(`^(\w+)\[(\d+)\]\.(\w+)$`)

// rowFields renames a service's field errors on list items
// ("stores[2].name") to the form's row fields ("store_name_5"): rows maps
// an item's index to the row it came from, prefix names the row kind.
// Other errors pass unchanged.
func rowFields(err error, list, prefix string, rows []int) error {
	e := apperr.As(err)
	if e == nil || len(e.Fields) == 0 {
		return err
	}
	out := *e
	out.Fields = make([]apperr.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		if m := rowFieldRe.FindStringSubmatch(f.Field); m != nil && m[1] == list {
			if k, _ := strconv.Atoi(m[2]); k < len(rows) {
				f.Field = prefix + "_" + m[3] + "_" + strconv.Itoa(rows[k])
			}
		}
		out.Fields[i] = f
	}
	return &out
}

// officeDelete is the confirmation page of a deletion: what goes, and a
// button that posts the version read.
type officeDelete struct {
	Kind    string // chain | route | centre
	Name    string
	Note    string // what else goes (translated)
	Action  string
	Back    string
	Version int
}

// confirmDelete renders the confirmation page.
func (s *Server) confirmDelete(w http.ResponseWriter, r *http.Request, d officeDelete) error {
	return s.page(w, r, "market_office_delete", "market.office_delete_"+d.Kind, d)
}

// deleteFailed re-renders the confirmation page with the error when it is
// one the user can act on (a stale version: reload and decide again).
func (s *Server) deleteFailed(w http.ResponseWriter, r *http.Request, d officeDelete, err error) error {
	return s.formError(w, r, "market_office_delete", "market.office_delete_"+d.Kind, d, err)
}

// deleteSubmitted deletes record id after its confirmation page was posted
// (with the version shown) and goes back to the list at to; a refusal
// re-renders the confirmation page d with the message.
func (s *Server) deleteSubmitted(w http.ResponseWriter, r *http.Request, p *account.Principal, id int64, d officeDelete,
	del func(context.Context, *account.Principal, int64, int) error, to string) error {
	if err := parseOfficeForm(r); err != nil {
		return err
	}
	var errs apperr.Errs
	v := officeVersion(&errs, r)
	err := errs.Err()
	if err == nil {
		err = del(r.Context(), p, id, v)
	}
	if err != nil {
		return s.deleteFailed(w, r, d, err)
	}
	return s.redirect(w, r, to, "market.office_flash_deleted")
}
