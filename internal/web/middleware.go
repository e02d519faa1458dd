package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/api"
	"ocop/internal/apperr"
	"ocop/internal/i18n"
)

const (
	sessionCookie = "ocop_session"
	csrfCookie    = "ocop_csrf"
	langCookie    = "lang"
)

type ctxKey int

const (
	ctxLang ctxKey = iota
	ctxCSRF
)

func langOf(r *http.Request) string {
	if l, ok := r.Context().Value(ctxLang).(string); ok {
		return l
	}
	return i18n.FromRequest(r)
}

func csrfToken(r *http.Request) string {
	t, _ := r.Context().Value(ctxCSRF).(string)
	return t
}

// statusWriter records the status code for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe logs every request, counts it by route pattern and status, and
// turns a panic into a 500 page instead of a dropped connection.
func (s *Server) observe(mux *http.ServeMux, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		_, pattern := mux.Handler(r)
		if pattern == "" {
			pattern = "unmatched"
		}
		defer func() {
			if rec := recover(); rec != nil {
				s.Log.ErrorContext(r.Context(), "panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(rec))
				if sw.status == 0 {
					s.fail(sw, r, fmt.Errorf("panic: %v", rec))
				}
			}
			d := time.Since(start)
			code := fmt.Sprint(sw.status)
			s.requests.Inc(pattern, code)
			s.latency.Observe(d.Seconds(), pattern)
			level := slog.LevelInfo
			if sw.status >= 500 {
				level = slog.LevelError
			}
			s.Log.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path, "route", pattern,
				"status", sw.status, "bytes", sw.bytes, "duration_ms", float64(d.Microseconds())/1000, "ip", clientIP(r))
		}()
		next.ServeHTTP(sw, r)
	})
}

// secure sets the security headers on every response.
func (s *Server) secure(next http.Handler) http.Handler {
	csp := "default-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; " +
		"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
		if s.SecureCookies {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// session resolves who is asking (session cookie or API token), picks the
// language, and enforces CSRF tokens on state-changing browser requests.
func (s *Server) session(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		ip := clientIP(r)
		var p *account.Principal
		var err error
		viaToken := false
		if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
			viaToken = true
			p, err = s.Accounts.AuthenticateToken(ctx, strings.TrimSpace(strings.TrimPrefix(auth, "Bearer ")), ip)
			if err == nil && p == nil {
				s.unauthenticated(w, r)
				return
			}
		} else if c, cerr := r.Cookie(sessionCookie); cerr == nil {
			p, err = s.Accounts.Authenticate(ctx, c.Value, ip)
			if err == nil && p == nil {
				http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies})
			}
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		lang := i18n.FromRequest(r)
		if q := r.URL.Query().Get("lang"); i18n.Supported(q) {
			http.SetCookie(w, &http.Cookie{Name: langCookie, Value: q, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies})
		} else if p != nil && !hasLangChoice(r) && i18n.Supported(p.Locale) {
			lang = p.Locale
		}
		// The CSRF token: the session's own when signed in, else a
		// double-submit cookie for the login and sign-up forms.
		token := ""
		if p != nil {
			token = p.SessionCSRF
		} else if c, cerr := r.Cookie(csrfCookie); cerr == nil && len(c.Value) >= 20 {
			token = c.Value
		} else if !viaToken && wantsCSRFCookie(r.URL.Path) {
			token = randomString(24)
			http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies})
		}
		if p != nil && p.MustChangePassword && !viaToken && !passwordChangeAllowed(r.URL.Path) {
			// Until the user picks a new password, only the account page works.
			http.Redirect(w, r, "/account", http.StatusSeeOther)
			return
		}
		ctx = account.WithPrincipal(ctx, p)
		ctx = contextWith(ctx, lang, token)
		r = r.WithContext(ctx)
		if unsafe(r.Method) && !viaToken {
			if r.ContentLength > s.MaxUpload+1<<20 {
				s.fail(w, r, apperr.New(apperr.Invalid, "err.body_too_large"))
				return
			}
			if isAPI(r.URL.Path) && p == nil {
				s.fail(w, r, apperr.New(apperr.Unauthenticated, "err.unauthenticated"))
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, s.MaxUpload+1<<20)
			if !s.validCSRF(r, token) {
				if bodyTooLarge(r) {
					// The token was past the limit: the body is at fault.
					s.fail(w, r, apperr.New(apperr.Invalid, "err.body_too_large"))
					return
				}
				s.fail(w, r, apperr.New(apperr.Forbidden, "err.csrf"))
				return
			}
		}
		next.ServeHTTP(w, r)
		// The server only cleans up the multipart files of the request it
		// created; this one is a copy, so remove them here.
		if r.MultipartForm != nil {
			_ = r.MultipartForm.RemoveAll()
		}
	})
}

// wantsCSRFCookie reports whether a path may render a form; API, static
// and operational paths never set the anonymous CSRF cookie.
func wantsCSRFCookie(path string) bool {
	for _, p := range []string{"/api/", "/static/", "/media/", "/healthz", "/readyz", "/metrics"} {
		if strings.HasPrefix(path, p) {
			return false
		}
	}
	return true
}

// passwordChangeAllowed lists what a user who must change their password
// may still reach.
func passwordChangeAllowed(path string) bool {
	switch path {
	case "/account", "/account/password", "/logout", "/login":
		return true
	}
	return !wantsCSRFCookie(path) && !isAPI(path)
}

func hasLangChoice(r *http.Request) bool {
	_, err := r.Cookie(langCookie)
	return err == nil
}

func unsafe(method string) bool {
	return method != http.MethodGet && method != http.MethodHead && method != http.MethodOptions
}

func (s *Server) validCSRF(r *http.Request, token string) bool {
	if token == "" {
		return false
	}
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			if err := r.ParseMultipartForm(1 << 20); err != nil {
				return false
			}
		}
		got = r.PostFormValue("csrf")
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1
}

func isAPI(path string) bool { return strings.HasPrefix(path, "/api/") }

// fail answers with an error: a problem document on the API, a page elsewhere.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		// The client went away: nobody reads an answer, and it is not a
		// server fault. 499 (nginx's "client closed request") in the log.
		w.WriteHeader(api.StatusClientClosed)
		return
	}
	if isAPI(r.URL.Path) {
		s.api.Problem(w, r, err)
		return
	}
	s.errorPage(w, r, err)
}

// unauthenticated answers a request with a bad API token.
func (s *Server) unauthenticated(w http.ResponseWriter, r *http.Request) {
	s.api.Problem(w, r, apperr.New(apperr.Unauthenticated, "err.unauthenticated"))
}
