package web

import (
	"context"
	"net/http"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/mail"
)

// recoveryRoutes are self-service password recovery: ask for a one-time
// link by e-mail, then set a new password with it.
func (s *Server) recoveryRoutes(mux *routeMux) {
	h := s.h
	// Per client address: links asked for, 5 at once then one a minute;
	// new passwords set, 10 at once then 10 a minute (a token cannot be
	// guessed: this only stops hammering).
	asks, sets := newLimiter(1, 5, s.Now), newLimiter(10, 10, s.Now)
	mux.Handle("GET /password/forgot", h(s.forgotShow))
	mux.Handle("POST /password/forgot", h(s.limited(asks, s.forgotSubmit)))
	mux.Handle("GET /password/reset", h(s.resetShow))
	mux.Handle("POST /password/reset", h(s.limited(sets, s.resetSubmit)))
}

// noReferrer keeps a reset token, which is in the page's URL, out of
// Referer headers and caches.
func noReferrer(w http.ResponseWriter) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Cache-Control", "no-store")
}

// forgotShow asks for a username or e-mail address.
func (s *Server) forgotShow(w http.ResponseWriter, r *http.Request) error {
	return s.page(w, r, "recovery_forgot", "recovery.page_forgot", nil)
}

// forgotSubmit sends a reset link to the matching account(s), if any, and
// answers the same either way.
func (s *Server) forgotSubmit(w http.ResponseWriter, r *http.Request) error {
	mails, err := s.Accounts.RequestReset(r.Context(), r.PostFormValue("who"), clientIP(r))
	if err != nil {
		return s.formError(w, r, "recovery_forgot", "recovery.page_forgot", nil, err)
	}
	for _, m := range mails {
		s.sendResetMail(r.Context(), m)
	}
	return s.page(w, r, "recovery_sent", "recovery.page_sent", nil)
}

// sendResetMail sends one reset link in the background, so that the answer
// takes as long whether or not an account matched. Without a public base
// URL no link is sent: a link built from the request's Host header could
// point a user at an attacker's site with a valid token.
func (s *Server) sendResetMail(ctx context.Context, m account.ResetMail) {
	if s.BaseURL == "" || s.Mailer == nil {
		s.Log.WarnContext(ctx, "password reset requested but no link sent: set --base-url and an SMTP server", "user", m.Username)
		return
	}
	lang := m.Locale
	if lang != "en" {
		lang = "vi"
	}
	link := s.BaseURL + "/password/reset?token=" + m.Token
	name := m.DisplayName
	if name == "" {
		name = m.Username
	}
	msg := mail.Message{
		To:      []string{m.Email},
		Subject: s.Catalog.T(lang, "recovery.mail_subject"),
		Body:    s.Catalog.T(lang, "recovery.mail_body", name, m.Username, link, int(account.ResetTTL/time.Minute)),
	}
	mailer, log := s.Mailer, s.Log
	go func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if err := mailer.Send(sctx, msg); err != nil {
			log.ErrorContext(sctx, "password reset e-mail not sent", "user", m.Username, "err", err)
		}
	}()
}

// resetPage is the new-password form of a reset link.
type resetPage struct {
	Token    string
	Username string
	Bad      bool // the link cannot be used
}

// resetShow shows the new-password form when the link can be used.
func (s *Server) resetShow(w http.ResponseWriter, r *http.Request) error {
	noReferrer(w)
	token := r.URL.Query().Get("token")
	username, err := s.Accounts.CheckResetToken(r.Context(), token)
	if err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		v := s.newView(r, "recovery.page_reset", resetPage{Bad: true})
		v.Error = s.Catalog.T(v.Lang, "recovery.err_link")
		return s.render(w, http.StatusGone, "recovery_reset", v)
	}
	return s.page(w, r, "recovery_reset", "recovery.page_reset", resetPage{Token: token, Username: username})
}

// resetSubmit sets the new password, then sends the user to sign in.
func (s *Server) resetSubmit(w http.ResponseWriter, r *http.Request) error {
	noReferrer(w)
	token := r.PostFormValue("token")
	pw := r.PostFormValue("password")
	var err error
	if pw != r.PostFormValue("confirm") {
		err = apperr.Fields(apperr.Field("confirm", "recovery.err_confirm"))
	} else {
		err = s.Accounts.ResetWithToken(r.Context(), token, pw, clientIP(r))
	}
	if err != nil {
		e := apperr.As(err)
		if e == nil || e.Code != apperr.Invalid {
			return err
		}
		data := resetPage{Token: token}
		if e.Key == "recovery.err_link" {
			data = resetPage{Bad: true}
		} else if data.Username, err = s.Accounts.CheckResetToken(r.Context(), token); err != nil {
			data = resetPage{Bad: true}
		}
		return s.formError(w, r, "recovery_reset", "recovery.page_reset", data, e)
	}
	return s.redirect(w, r, "/login", "recovery.flash_reset")
}
