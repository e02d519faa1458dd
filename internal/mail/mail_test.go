package mail_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"ocop/internal/mail"
	"ocop/internal/mail/mailtest"
)

// newSMTP returns a mailer for the fake server, trusting its certificate.
func newSMTP(t *testing.T, srv *mailtest.Server, user, password string, implicit bool) *mail.SMTP {
	t.Helper()
	m, err := mail.NewSMTP(mail.SMTPConfig{Host: srv.Host, Port: srv.Port, Username: user, Password: password,
		From: "OCOP Hà Nội <noreply@ocop.example.vn>", ImplicitTLS: implicit, TLS: &tls.Config{RootCAs: srv.RootCAs},
		Timeout: 5 * time.Second, LocalName: "test.local"})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var notice = mail.Message{
	To:      []string{"Nguyễn Văn An <an@example.vn>"},
	Subject: "Giấy chứng nhận OCOP sắp hết hạn",
	Body:    "Kính gửi Hợp tác xã Ô mai,\nGiấy chứng nhận số 1/GCN-OCOP-01-2026 hết hạn ngày 20/11/2029.\n",
}

// parsed reads a received message back as a mail client would.
func parsed(t *testing.T, data string) (subject, from, to, body string, h netmail.Header) {
	t.Helper()
	m, err := netmail.ReadMessage(strings.NewReader(data))
	if err != nil {
		t.Fatalf("read message: %v\n%s", err, data)
	}
	dec := new(mime.WordDecoder)
	subject, err = dec.DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	if from, err = dec.DecodeHeader(m.Header.Get("From")); err != nil {
		t.Fatal(err)
	}
	if to, err = dec.DecodeHeader(m.Header.Get("To")); err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(quotedprintable.NewReader(m.Body))
	if err != nil {
		t.Fatal(err)
	}
	return subject, from, to, strings.ReplaceAll(string(b), "\r\n", "\n"), m.Header
}

// A message goes out over STARTTLS when the server offers it, with the
// credentials, and arrives with its Vietnamese subject and body intact.
func TestSMTPDelivery(t *testing.T) {
	for _, tt := range []struct {
		name     string
		opt      mailtest.Options
		user     string
		implicit bool
		wantTLS  bool
	}{
		{"starttls and auth", mailtest.Options{StartTLS: true, User: "ocop", Password: "s3cret"}, "ocop", false, true},
		{"starttls without auth", mailtest.Options{StartTLS: true}, "", false, true},
		{"implicit tls and auth", mailtest.Options{ImplicitTLS: true, User: "ocop", Password: "s3cret"}, "ocop", true, true},
		{"plain local relay", mailtest.Options{}, "", false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := mailtest.Start(t, tt.opt)
			m := newSMTP(t, srv, tt.user, tt.opt.Password, tt.implicit)
			if err := m.Send(context.Background(), notice); err != nil {
				t.Fatalf("send: %v", err)
			}
			msgs := srv.Messages()
			if len(msgs) != 1 {
				t.Fatalf("got %d messages, want 1", len(msgs))
			}
			got := msgs[0]
			if got.TLS != tt.wantTLS || got.AuthUser != tt.user {
				t.Errorf("got TLS %v auth %q, want TLS %v auth %q", got.TLS, got.AuthUser, tt.wantTLS, tt.user)
			}
			if got.From != "noreply@ocop.example.vn" || strings.Join(got.To, ",") != "an@example.vn" {
				t.Errorf("envelope: got from %q to %v", got.From, got.To)
			}
			subject, from, to, body, h := parsed(t, got.Data)
			if subject != notice.Subject {
				t.Errorf("subject: got %q, want %q", subject, notice.Subject)
			}
			if from != "OCOP Hà Nội <noreply@ocop.example.vn>" || to != "Nguyễn Văn An <an@example.vn>" {
				t.Errorf("headers: got From %q To %q", from, to)
			}
			if body != notice.Body {
				t.Errorf("body: got %q, want %q", body, notice.Body)
			}
			for k, want := range map[string]string{"Content-Type": "text/plain; charset=UTF-8", "Auto-Submitted": "auto-generated", "MIME-Version": "1.0"} {
				if h.Get(k) != want {
					t.Errorf("header %s: got %q, want %q", k, h.Get(k), want)
				}
			}
			if !strings.HasSuffix(h.Get("Message-Id"), "@ocop.example.vn>") {
				t.Errorf("Message-ID %q: want one in the sender's domain", h.Get("Message-Id"))
			}
		})
	}
}

// What must not happen: a password sent in clear to a remote server, a
// header injected through an address or a subject, a message accepted as
// sent when the server refused it, a stuck server holding the job.
func TestSMTPRefusals(t *testing.T) {
	ctx := context.Background()
	t.Run("no starttls, remote host: password never sent", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.Options{User: "ocop", Password: "s3cret", Listen: "127.0.0.2:0"})
		err := newSMTP(t, srv, "ocop", "s3cret", false).Send(ctx, notice)
		if err == nil || !strings.Contains(err.Error(), "unencrypted") {
			t.Errorf("got %v, want a refusal to authenticate unencrypted", err)
		}
		if n := len(srv.Messages()); n != 0 {
			t.Errorf("got %d messages, want none", n)
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.Options{StartTLS: true, User: "ocop", Password: "s3cret"})
		err := newSMTP(t, srv, "ocop", "wrong", false).Send(ctx, notice)
		if err == nil || !strings.Contains(err.Error(), "AUTH") || srv.AuthFailures() != 1 {
			t.Errorf("got %v with %d auth failures, want an AUTH error and 1 failure", err, srv.AuthFailures())
		}
	})
	t.Run("temporary failure, then success", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.Options{StartTLS: true})
		srv.FailNext(1)
		m := newSMTP(t, srv, "", "", false)
		if err := m.Send(ctx, notice); err == nil || !strings.Contains(err.Error(), "451") {
			t.Errorf("first send: got %v, want the server's 451", err)
		}
		if err := m.Send(ctx, notice); err != nil {
			t.Errorf("second send: %v", err)
		}
		if n := len(srv.Messages()); n != 1 {
			t.Errorf("got %d messages, want 1", n)
		}
	})
	t.Run("header injection", func(t *testing.T) {
		srv := mailtest.Start(t, mailtest.Options{})
		m := newSMTP(t, srv, "", "", false)
		for _, to := range []string{"an@example.vn\r\nBcc: x@evil.example", "not an address", ""} {
			msg := notice
			msg.To = []string{to}
			if err := m.Send(ctx, msg); err == nil {
				t.Errorf("recipient %q: accepted, want an error", to)
			}
		}
		msg := notice
		msg.Subject = "Hello\r\nBcc: x@evil.example"
		if err := m.Send(ctx, msg); err != nil {
			t.Fatal(err)
		}
		msgs := srv.Messages()
		if len(msgs) != 1 {
			t.Fatalf("got %d messages, want 1", len(msgs))
		}
		subject, _, _, _, h := parsed(t, msgs[0].Data)
		if h.Get("Bcc") != "" || subject != "Hello Bcc: x@evil.example" {
			t.Errorf("subject with a line break: got subject %q, Bcc %q", subject, h.Get("Bcc"))
		}
	})
	t.Run("stuck server", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		go func() {
			c, err := ln.Accept()
			if err == nil {
				time.Sleep(3 * time.Second) // never greets
				c.Close()
			}
		}()
		m, err := mail.NewSMTP(mail.SMTPConfig{Host: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port, From: "noreply@ocop.example.vn", Timeout: 200 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if err := m.Send(ctx, notice); err == nil {
			t.Error("a server that never answers: got nil, want an error")
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("send took %s, want it bounded by the 200ms timeout", d)
		}
	})
	t.Run("bad configuration", func(t *testing.T) {
		for _, cfg := range []mail.SMTPConfig{
			{Port: 587, From: "a@b.vn"},
			{Host: "smtp.example.vn", Port: 0, From: "a@b.vn"},
			{Host: "smtp.example.vn", Port: 587, From: "nobody"},
			{Host: "smtp.example.vn", Port: 587, From: "a@b.vn\r\nBcc: x@y.vn"},
		} {
			if _, err := mail.NewSMTP(cfg); err == nil {
				t.Errorf("NewSMTP(%+v): got nil, want an error", cfg)
			}
		}
	})
}

// Without an SMTP server the platform logs what it would have sent and
// never counts it as delivered.
func TestLogMailer(t *testing.T) {
	var buf bytes.Buffer
	m := mail.LogMailer{Log: slog.New(slog.NewTextHandler(&buf, nil))}
	if err := m.Send(context.Background(), notice); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "an@example.vn") || !strings.Contains(buf.String(), "no SMTP server") {
		t.Errorf("log: got %q, want the recipient and the reason", buf.String())
	}
	srv := mailtest.Start(t, mailtest.Options{})
	for _, tt := range []struct {
		m    mail.Mailer
		want bool
	}{{m, false}, {&m, false}, {nil, false}, {newSMTP(t, srv, "", "", false), true}} {
		if got := mail.Delivers(tt.m); got != tt.want {
			t.Errorf("Delivers(%T): got %v, want %v", tt.m, got, tt.want)
		}
	}
}
