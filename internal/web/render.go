package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/registry"
)

//go:embed templates
var templateFS embed.FS

// parseTemplates parses layout + partials + each page once at start-up.
func (s *Server) parseTemplates() (map[string]*template.Template, error) {
	pages, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, p := range pages {
		name := strings.TrimSuffix(path.Base(p), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.New(name).Funcs(s.funcs()).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html", p)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		out[name] = t
	}
	return out, nil
}

// view is what every page template receives.
type view struct {
	s      *Server
	r      *http.Request
	Lang   string
	P      *account.Principal
	CSRF   string
	Title  string
	Data   any
	Form   url.Values        // submitted values, for re-rendering a form
	Errors map[string]string // field → message in the user's language
	Error  string            // message for the whole form
	Flash  string
}

// T translates a key into the page's language.
func (v *view) T(key string, args ...any) string { return v.s.Catalog.T(v.Lang, key, args...) }

// Err returns the message of a field error, or "".
func (v *view) Err(field string) string { return v.Errors[field] }

// Path is the current request path.
func (v *view) Path() string { return v.r.URL.Path }

// LangURL returns the current URL switched to another language.
func (v *view) LangURL(lang string) string {
	q := v.r.URL.Query()
	q.Set("lang", lang)
	return v.r.URL.Path + "?" + q.Encode()
}

// PageURL returns the current URL with page=n.
func (v *view) PageURL(n int) string {
	q := v.r.URL.Query()
	q.Set("page", strconv.Itoa(n))
	q.Del("lang")
	return v.r.URL.Path + "?" + q.Encode()
}

// Q returns a query parameter of the current request.
func (v *view) Q(name string) string { return v.r.URL.Query().Get(name) }

// F returns a submitted form value (for re-rendered forms).
func (v *view) F(name string) string { return v.Form.Get(name) }

// Can reports whether the principal has one of the roles.
func (v *view) Can(roles ...string) bool {
	for _, r := range roles {
		if v.P.Is(account.Role(r)) {
			return true
		}
	}
	return false
}

func (s *Server) newView(r *http.Request, title string, data any) *view {
	p := account.FromContext(r.Context())
	v := &view{s: s, r: r, Lang: langOf(r), P: p, Title: title, Data: data}
	v.CSRF = csrfToken(r)
	if c, err := r.Cookie("flash"); err == nil {
		if msg, err := url.QueryUnescape(c.Value); err == nil && s.Catalog.Has(msg) {
			v.Flash = msg
		}
	}
	return v
}

func (s *Server) funcs() template.FuncMap {
	return template.FuncMap{
		"asset": func(name string) string { return s.static.url(name) },
		"date": func(t any) string {
			switch x := t.(type) {
			case time.Time:
				return x.Format("02/01/2006")
			case *time.Time:
				if x == nil {
					return ""
				}
				return x.Format("02/01/2006")
			}
			return ""
		},
		"datetime": func(t time.Time) string { return t.Local().Format("02/01/2006 15:04") },
		"ward": func(code string) string {
			if w, ok := s.Registry.Units().Ward(code); ok {
				return w.FullName
			}
			return code
		},
		"oldDistrict": func(code string) string {
			if d, ok := s.Registry.Units().OldDistrict(code); ok {
				return d.FullName
			}
			return code
		},
		"oldWard": func(code string) string {
			if w, ok := s.Registry.Units().OldWard(code); ok {
				return w.FullName
			}
			return code
		},
		"category": func(lang, code string) string {
			c, ok := s.Registry.Categories().Get(code)
			if !ok {
				return code
			}
			if lang == "en" {
				return c.NameEn
			}
			return c.Name
		},
		"add":   func(a, b int) int { return a + b },
		"list":  func(xs ...string) []string { return xs },
		"seq":   seq,
		"join":  strings.Join,
		"deref": func(p *float64) float64 { return *p },
		"derefInt": func(p *int) int {
			if p == nil {
				return 0
			}
			return *p
		},
		"idStr": func(p *int64) string {
			if p == nil {
				return ""
			}
			return strconv.FormatInt(*p, 10)
		},
		"kinds":             func() []string { return registry.ProducerKinds },
		"roles":             func() []account.Role { return account.Roles },
		"buyerKinds":        func() []string { return account.BuyerKinds },
		"leaves":            func() []registry.Category { return s.Registry.Categories().Leaves() },
		"categories":        func() []registry.Category { return s.Registry.Categories().List },
		"hanoiWards":        func() any { return s.Registry.Units().WardsOf("01") },
		"hanoiOldDistricts": func() any { return s.Registry.Units().OldDistrictsOf("01") },
		"contains": func(list []string, x string) bool {
			for _, v := range list {
				if v == x {
					return true
				}
			}
			return false
		},
	}
}

// seq returns the page numbers to show around the current page.
func seq(cur, total int) []int {
	var out []int
	for i := max(1, cur-3); i <= min(total, cur+3); i++ {
		out = append(out, i)
	}
	return out
}

// render writes a page: it executes into a buffer first, so a failing
// template never sends half a page.
func (s *Server) render(w http.ResponseWriter, status int, name string, v *view) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if v.Flash != "" {
		// A flash message is shown once.
		http.SetCookie(w, &http.Cookie{Name: "flash", Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies})
	}
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

// page renders a page with status 200.
func (s *Server) page(w http.ResponseWriter, r *http.Request, name, titleKey string, data any) error {
	v := s.newView(r, titleKey, data)
	return s.render(w, http.StatusOK, name, v)
}

// formError re-renders a form page with the errors of err when err is an
// Invalid or Conflict error; other errors are returned for the adapter.
func (s *Server) formError(w http.ResponseWriter, r *http.Request, name, titleKey string, data any, err error) error {
	e := apperr.As(err)
	if e == nil || (e.Code != apperr.Invalid && e.Code != apperr.Conflict) {
		return err
	}
	v := s.newView(r, titleKey, data)
	v.Form = r.PostForm
	v.Errors = map[string]string{}
	for _, f := range e.Fields {
		if _, dup := v.Errors[f.Field]; !dup {
			v.Errors[f.Field] = s.Catalog.T(v.Lang, f.Key, f.Args...)
		}
	}
	v.Error = s.Catalog.T(v.Lang, e.Key, e.Args...)
	return s.render(w, statusOf(e), name, v)
}

// redirect sends the browser to url after a successful POST, with a flash
// message key shown once on the next page.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to, flashKey string) error {
	if flashKey != "" {
		http.SetCookie(w, &http.Cookie{Name: "flash", Value: url.QueryEscape(flashKey), Path: "/", MaxAge: 30, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies})
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// handlerFunc is a page handler: it writes a response or returns an error.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// h adapts a handlerFunc: errors become error pages (or a redirect to the
// login page), and only internal errors are logged as errors.
func (s *Server) h(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, err error) {
	code := apperr.CodeOf(err)
	if code == apperr.Unauthenticated {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err, code = apperr.New(apperr.Invalid, "err.body_too_large"), apperr.Invalid
	}
	status := apperr.Status(code)
	if e := apperr.As(err); e != nil && code == apperr.Invalid {
		status = statusOf(e)
	}
	key := "err.internal"
	var args []any
	if e := apperr.As(err); e != nil && code != apperr.Internal {
		key, args = e.Key, e.Args
		if len(e.Fields) > 0 && e.Key == "err.invalid_input" {
			key, args = e.Fields[0].Key, e.Fields[0].Args
		}
	}
	if code == apperr.Internal {
		s.Log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if code == apperr.TooMany {
		if e := apperr.As(err); e != nil && len(e.Args) > 0 {
			w.Header().Set("Retry-After", fmt.Sprint(e.Args[0]))
		}
	}
	v := s.newView(r, "page.error", nil)
	v.Error = s.Catalog.T(v.Lang, key, args...)
	v.Data = status
	if rerr := s.render(w, status, "error", v); rerr != nil {
		s.Log.ErrorContext(r.Context(), "render error page", "err", rerr)
		http.Error(w, v.Error, status)
	}
}

// notFound is the handler for unknown paths.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error {
	return apperr.New(apperr.NotFound, "err.not_found")
}

// pathID parses the {id} path value.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.New(apperr.NotFound, "err.not_found")
	}
	return id, nil
}

// need returns Unauthenticated for anonymous visitors and Forbidden for
// principals without one of the roles.
func need(r *http.Request, roles ...account.Role) (*account.Principal, error) {
	p := account.FromContext(r.Context())
	if p == nil {
		return nil, apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	if len(roles) > 0 && !p.Is(roles...) {
		return nil, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	return p, nil
}

// staff are the roles that use the registry back office.
var staff = []account.Role{account.RoleAdmin, account.RoleOffice, account.RoleCommune, account.RoleCouncil, account.RoleProducer}
