package api

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/registry"
)

// Defaults of the page size: registry lists are long and read page by
// page; reference lists (provinces, one province's wards, categories) are
// read whole to fill a form, so one page holds them.
const (
	defaultPerPage    = 25
	defaultRefPerPage = registry.MaxPerPage
	maxQueryLen       = 200
	maxPage           = 1_000_000
)

// Scopes of a list: what anyone may see, or what the caller manages.
const (
	scopePublic  = "public"
	scopeManaged = "managed"
)

// params reads query parameters strictly, collecting one field error per
// bad parameter so that a client learns about all of them at once. Bad
// numbers are 422 problems, never a silent default and never a 500.
type params struct {
	v    url.Values
	errs apperr.Errs
}

func newParams(r *http.Request) *params { return &params{v: r.URL.Query()} }

// str returns a trimmed text parameter of at most maxQueryLen characters.
func (p *params) str(name string) string {
	s := strings.TrimSpace(p.v.Get(name))
	switch {
	case !utf8.ValidString(s) || strings.ContainsAny(s, "\x00"):
		p.errs.Add(name, "err.control_chars")
		return ""
	case utf8.RuneCountInString(s) > maxQueryLen:
		p.errs.Add(name, "err.too_long", maxQueryLen)
		return ""
	}
	return s
}

// id returns an optional positive integer identifier (0 when absent).
func (p *params) id(name string) int64 {
	s := strings.TrimSpace(p.v.Get(name))
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		p.errs.Add(name, "api.param_id")
		return 0
	}
	return n
}

// intRange returns an optional integer within [lo, hi] (def when absent).
func (p *params) intRange(name string, def, lo, hi int) int {
	s := strings.TrimSpace(p.v.Get(name))
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		p.errs.Add(name, "api.param_range", lo, hi)
		return def
	}
	return n
}

// boolean returns an optional true/false parameter (nil when absent).
func (p *params) boolean(name string) *bool {
	s := strings.TrimSpace(p.v.Get(name))
	if s == "" {
		return nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		p.errs.Add(name, "api.param_bool")
		return nil
	}
	return &b
}

// oneOf returns an optional parameter that must be one of allowed.
func (p *params) oneOf(name string, allowed ...string) string {
	s := strings.TrimSpace(p.v.Get(name))
	if s != "" && !slices.Contains(allowed, s) {
		p.errs.Add(name, "api.param_enum", strings.Join(allowed, ", "))
		return ""
	}
	return s
}

// page returns the page number and size.
func (p *params) page(defPer int) (page, per int) {
	return p.intRange("page", 1, 1, maxPage), p.intRange("per_page", defPer, 1, registry.MaxPerPage)
}

// scope reads scope and status: the public list (active records) by
// default, or with scope=managed the records the caller manages in the back
// office, drafts included, which needs a signed-in caller.
func (p *params) scope(r *http.Request) (managed bool, status string) {
	scope := p.oneOf("scope", scopePublic, scopeManaged)
	status = p.oneOf("status", registry.StatusDraft, registry.StatusActive, registry.StatusInactive)
	managed = scope == scopeManaged
	if !managed && status != "" && status != registry.StatusActive {
		p.errs.Add("status", "api.status_public_only")
	}
	return managed, status
}

// commune checks an optional current commune code.
func (a *API) commune(p *params, name string) string {
	c := p.str(name)
	if c != "" {
		if _, ok := a.Registry.Units().Ward(c); !ok {
			p.errs.Add(name, "err.commune_unknown", c)
		}
	}
	return c
}

// oldDistrict checks an optional pre-2025 district code.
func (a *API) oldDistrict(p *params, name string) string {
	c := p.str(name)
	if c != "" {
		if _, ok := a.Registry.Units().OldDistrict(c); !ok {
			p.errs.Add(name, "err.old_district_unknown", c)
		}
	}
	return c
}

// province checks an optional current province code.
func (a *API) province(p *params, name string) string {
	c := p.str(name)
	if c != "" {
		if _, ok := a.Registry.Units().Province(c); !ok {
			p.errs.Add(name, "api.province_unknown", c)
		}
	}
	return c
}

// err returns the collected problems, or nil.
func (p *params) err() error {
	if len(p.errs) == 0 {
		return nil
	}
	return &apperr.Error{Code: apperr.Invalid, Key: "api.bad_params", Fields: p.errs}
}

// managedCaller returns the caller of a scope=managed list.
func managedCaller(r *http.Request, managed bool) (*account.Principal, error) {
	if !managed {
		return principal(r), nil
	}
	return requireAuth(r)
}

// paged is one page of an in-memory list, shaped like registry.Page.
type paged[T any] struct {
	Items   []T `json:"items"`
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
}

func pageOf[T any](all []T, page, per int) paged[T] {
	out := paged[T]{Items: []T{}, Total: len(all), Page: page, PerPage: per}
	if from := (page - 1) * per; from < len(all) {
		out.Items = all[from:min(from+per, len(all))]
	}
	return out
}

// nonNil makes an empty page encode its items as [] rather than null.
func nonNil[T any](pg registry.Page[T]) registry.Page[T] {
	pg.Items = list(pg.Items)
	return pg
}

// list makes an empty list encode as [] rather than null.
func list[T any](items []T) []T {
	if items == nil {
		return []T{}
	}
	return items
}
