// Package mail sends the platform's e-mail: the notices about certificates
// (re-rating window, expiry) that producers and commune officers also see
// in the app. Mailer is the seam: SMTP delivers through a mail server
// (net/smtp, STARTTLS whenever the server offers it), LogMailer only logs,
// for installations without a mail server and for development.
//
// It imports only the standard library.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"net/smtp"
	"os"
	"strconv"
	"strings"
	"time"
)

// Message is one plain-text e-mail. Every recipient of a notice gets their
// own message, in their own language.
type Message struct {
	To      []string // addresses, e.g. "an@example.vn" or "Nguyễn An <an@example.vn>"
	Subject string
	Body    string // plain text, UTF-8; "\n" line breaks
}

// Mailer sends e-mail. Send returns once the server has accepted the
// message (or failed); callers retry failures later.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// Delivers reports whether m really sends e-mail: false for a LogMailer,
// so that the platform never records as e-mailed what it only logged.
func Delivers(m Mailer) bool {
	switch m.(type) {
	case nil, LogMailer, *LogMailer:
		return false
	}
	return true
}

// LogMailer is the mailer of an installation without an SMTP server: it
// logs who would have received what, and sends nothing.
type LogMailer struct {
	Log *slog.Logger
}

// Send logs the message at info level.
func (m LogMailer) Send(ctx context.Context, msg Message) error {
	if m.Log != nil {
		m.Log.InfoContext(ctx, "e-mail not sent: no SMTP server configured", "to", strings.Join(msg.To, ", "), "subject", msg.Subject)
	}
	return nil
}

// SMTPConfig configures the SMTP mailer.
type SMTPConfig struct {
	Host string
	Port int
	// Username and Password authenticate with AUTH PLAIN, which net/smtp
	// refuses to send unencrypted to any host but localhost: a server that
	// offers no STARTTLS cannot be given the password.
	Username, Password string
	// From is the sender, e.g. "OCOP Hà Nội <noreply@ocop.example.vn>".
	From string
	// ImplicitTLS speaks TLS from the first byte (port 465) instead of
	// upgrading with STARTTLS.
	ImplicitTLS bool
	// TLS, if set, is used for the TLS handshake (tests trust their own
	// certificate with it); by default the system roots verify Host.
	TLS *tls.Config
	// Timeout bounds one delivery, connection to QUIT (default 30s).
	Timeout time.Duration
	// LocalName is the name given in EHLO (default: this machine's host
	// name).
	LocalName string
}

// SMTP delivers e-mail through an SMTP server.
type SMTP struct {
	cfg  SMTPConfig
	from *netmail.Address
}

// NewSMTP returns an SMTP mailer, or an error when the configuration
// cannot work (no host, a bad port or sender address).
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if cfg.Host == "" {
		return nil, errors.New("smtp: no host")
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		return nil, fmt.Errorf("smtp: port %d out of range", cfg.Port)
	}
	from, err := parseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("smtp: sender %q: %w", cfg.From, err)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.LocalName == "" {
		cfg.LocalName = "localhost"
		if h, err := os.Hostname(); err == nil && h != "" && !strings.ContainsAny(h, " \r\n") {
			cfg.LocalName = h
		}
	}
	return &SMTP{cfg: cfg, from: from}, nil
}

// parseAddress reads one address and refuses line breaks, which would let
// a value inject headers.
func parseAddress(s string) (*netmail.Address, error) {
	if strings.ContainsAny(s, "\r\n") {
		return nil, errors.New("line break in address")
	}
	return netmail.ParseAddress(s)
}

// Send delivers m: connect, EHLO, STARTTLS when offered (or implicit TLS),
// AUTH when a user is configured, then MAIL, RCPT, DATA and QUIT. The whole
// exchange is bounded by the configured timeout and by ctx.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if len(m.To) == 0 {
		return errors.New("smtp: no recipient")
	}
	to := make([]*netmail.Address, len(m.To))
	for i, a := range m.To {
		addr, err := parseAddress(a)
		if err != nil {
			return fmt.Errorf("smtp: recipient %q: %w", a, err)
		}
		to[i] = addr
	}
	data, err := s.render(m, to, time.Now())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	addr := net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
	tlsConfig := s.tlsConfig()
	dialer := &net.Dialer{}
	var conn net.Conn
	if s.cfg.ImplicitTLS {
		conn, err = (&tls.Dialer{NetDialer: dialer, Config: tlsConfig}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = dialer.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return fmt.Errorf("smtp: connect to %s: %w", addr, err)
	}
	// net/smtp takes no context: a deadline on the connection ends a stuck
	// exchange, and cancelling ctx ends it at once.
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	c, err := smtp.NewClient(conn, s.cfg.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("smtp: greeting from %s: %w", addr, err)
	}
	defer c.Close()
	step := func(name string, err error) error {
		if err != nil {
			return fmt.Errorf("smtp: %s: %w", name, err)
		}
		return nil
	}
	if err := step("EHLO", c.Hello(s.cfg.LocalName)); err != nil {
		return err
	}
	if !s.cfg.ImplicitTLS {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := step("STARTTLS", c.StartTLS(tlsConfig)); err != nil {
				return err
			}
		}
	}
	if s.cfg.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return errors.New("smtp: a user is configured but the server offers no AUTH")
		}
		if err := step("AUTH", c.Auth(smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.cfg.Host))); err != nil {
			return err
		}
	}
	if err := step("MAIL FROM", c.Mail(s.from.Address)); err != nil {
		return err
	}
	for _, a := range to {
		if err := step("RCPT TO "+a.Address, c.Rcpt(a.Address)); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err := step("DATA", err); err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		return step("DATA", err)
	}
	if err := step("end of DATA", w.Close()); err != nil {
		return err
	}
	// The server has accepted the message; a failed QUIT does not undo it.
	_ = c.Quit()
	return nil
}

func (s *SMTP) tlsConfig() *tls.Config {
	if s.cfg.TLS != nil {
		c := s.cfg.TLS.Clone()
		if c.ServerName == "" {
			c.ServerName = s.cfg.Host
		}
		return c
	}
	return &tls.Config{ServerName: s.cfg.Host, MinVersion: tls.VersionTLS12}
}

// render writes the message in RFC 5322 form: UTF-8 text, quoted-printable,
// with the subject and names encoded as RFC 2047 words. It is marked
// Auto-Submitted (RFC 3834) so that out-of-office robots do not answer.
func (s *SMTP) render(m Message, to []*netmail.Address, now time.Time) ([]byte, error) {
	var b bytes.Buffer
	// Line breaks in a subject would start new headers.
	subject := strings.Join(strings.FieldsFunc(m.Subject, func(r rune) bool { return r == '\r' || r == '\n' }), " ")
	rcpts := make([]string, len(to))
	for i, a := range to {
		rcpts[i] = a.String()
	}
	id := make([]byte, 12)
	_, _ = rand.Read(id)
	domain := s.from.Address[strings.LastIndexByte(s.from.Address, '@')+1:]
	fmt.Fprintf(&b, "From: %s\r\n", s.from.String())
	fmt.Fprintf(&b, "To: %s\r\n", strings.Join(rcpts, ", "))
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", subject))
	fmt.Fprintf(&b, "Date: %s\r\n", now.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s@%s>\r\n", hex.EncodeToString(id), domain)
	b.WriteString("MIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: text/plain; charset=UTF-8\r\n")
	b.WriteString("Content-Transfer-Encoding: quoted-printable\r\n")
	b.WriteString("Auto-Submitted: auto-generated\r\n")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(m.Body)); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
