package web

import (
	"math"
	"net/http"
	"strings"

	"ocop/internal/account"
	"ocop/internal/apperr"
)

// loginShow shows the sign-in form.
func (s *Server) loginShow(w http.ResponseWriter, r *http.Request) error {
	if account.FromContext(r.Context()) != nil {
		return s.redirect(w, r, safeNext(r.URL.Query().Get("next")), "")
	}
	return s.page(w, r, "login", "page.login", nil)
}

// loginSubmit checks the credentials (rate-limited per address and per
// username) and opens a session.
func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	username := strings.ToLower(strings.TrimSpace(r.PostFormValue("username")))
	for _, l := range []struct {
		lim *limiter
		key string
	}{{s.limiter.loginIP, clientIP(r)}, {s.limiter.loginUser, username}} {
		if ok, wait := l.lim.allow(l.key); !ok {
			secs := int(math.Ceil(wait.Seconds()))
			w.Header().Set("Retry-After", itoa(secs))
			return s.formError(w, r, "login", "page.login", nil, &apperr.Error{Code: apperr.Conflict, Key: "err.too_many_requests", Args: []any{secs}})
		}
	}
	sess, p, err := s.Accounts.Login(r.Context(), username, r.PostFormValue("password"), clientIP(r), r.UserAgent())
	if err != nil {
		code := apperr.CodeOf(err)
		if code == apperr.Unauthenticated || code == apperr.Forbidden {
			e := apperr.As(err)
			return s.formError(w, r, "login", "page.login", nil, &apperr.Error{Code: apperr.Invalid, Key: e.Key, Args: e.Args})
		}
		return err
	}
	// Max-Age, not Expires: it is relative, so the browser's clock (and a
	// test's clock) cannot disagree with the server's about when it ends.
	maxAge := int(sess.ExpiresAt.Sub(s.Now()).Seconds())
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: sess.Token, Path: "/", MaxAge: max(maxAge, 1),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies})
	if p.MustChangePassword {
		return s.redirect(w, r, "/account", "flash.change_password")
	}
	next := safeNext(r.PostFormValue("next"))
	if next == "/" {
		next = "/admin"
	}
	return s.redirect(w, r, next, "")
}

// logoutSubmit ends the session.
func (s *Server) logoutSubmit(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.Accounts.Logout(r.Context(), account.FromContext(r.Context()), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies})
	return s.redirect(w, r, "/", "flash.logged_out")
}

// safeNext keeps redirects on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return "/"
	}
	return next
}
