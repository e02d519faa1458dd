// Package mailtest runs a fake SMTP server on 127.0.0.1 for tests: it
// speaks enough of RFC 5321 for net/smtp (EHLO, STARTTLS, AUTH PLAIN, MAIL,
// RCPT, DATA, RSET, NOOP, QUIT), records what it receives, and can be told
// to refuse messages so that retries can be tested.
package mailtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Options shape the server.
type Options struct {
	// StartTLS offers STARTTLS with a self-signed certificate for
	// 127.0.0.1 (trust it with Server.RootCAs).
	StartTLS bool
	// ImplicitTLS speaks TLS from the first byte, as on port 465.
	ImplicitTLS bool
	// User and Password, when set, make the server offer AUTH PLAIN and
	// require it before MAIL.
	User, Password string
	// Listen is the address to listen on (default "127.0.0.1:0"); another
	// loopback address such as "127.0.0.2:0" is a host that net/smtp does
	// not treat as local.
	Listen string
}

// Message is what the server received in one transaction.
type Message struct {
	From string
	To   []string
	Data string // as received, dot-unstuffed, CRLF line ends
	// TLS is true when the message came over an encrypted connection;
	// AuthUser names who authenticated ("" for nobody).
	TLS      bool
	AuthUser string
}

// Server is a running fake SMTP server.
type Server struct {
	Host string // e.g. "127.0.0.1"
	Port int
	// RootCAs trusts the server's certificate.
	RootCAs *x509.CertPool

	opt  Options
	ln   net.Listener
	cert tls.Certificate
	wg   sync.WaitGroup

	mu       sync.Mutex
	msgs     []Message
	failNext int
	authFail int
}

// Start starts a server on 127.0.0.1 and stops it when the test ends.
func Start(tb testing.TB, opt Options) *Server {
	tb.Helper()
	s := &Server{opt: opt}
	var err error
	if s.cert, s.RootCAs, err = selfSigned(); err != nil {
		tb.Fatal(err)
	}
	if opt.Listen == "" {
		opt.Listen = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", opt.Listen)
	if err != nil {
		tb.Fatal(err)
	}
	a := ln.Addr().(*net.TCPAddr)
	s.Host, s.Port = a.IP.String(), a.Port
	if opt.ImplicitTLS {
		ln = tls.NewListener(ln, s.tlsConfig())
	}
	s.ln = ln
	s.wg.Add(1)
	go s.accept()
	tb.Cleanup(func() {
		ln.Close()
		s.wg.Wait()
	})
	return s
}

// Messages returns the messages accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// FailNext makes the server answer the next n DATA commands with a
// temporary failure (451), as a full or overloaded server does.
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	s.failNext = n
	s.mu.Unlock()
}

// AuthFailures counts refused AUTH attempts.
func (s *Server) AuthFailures() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authFail
}

func (s *Server) tlsConfig() *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{s.cert}, MinVersion: tls.VersionTLS12}
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.serve(conn)
		}()
	}
}

// serve runs one SMTP session.
func (s *Server) serve(conn net.Conn) {
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	_, secure := conn.(*tls.Conn)
	tp := textproto.NewConn(conn)
	reply := func(code int, lines ...string) {
		for i, l := range lines {
			sep := "-"
			if i == len(lines)-1 {
				sep = " "
			}
			_ = tp.PrintfLine("%d%s%s", code, sep, l)
		}
	}
	reply(220, "mailtest ESMTP")
	var msg Message
	authUser := ""
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			ext := []string{"mailtest"}
			if s.opt.StartTLS && !secure {
				ext = append(ext, "STARTTLS")
			}
			if s.opt.User != "" {
				ext = append(ext, "AUTH PLAIN")
			}
			reply(250, append(ext, "8BITMIME")...)
		case "STARTTLS":
			if !s.opt.StartTLS || secure {
				reply(502, "not offered")
				continue
			}
			reply(220, "go ahead")
			tc := tls.Server(conn, s.tlsConfig())
			if err := tc.Handshake(); err != nil {
				return
			}
			conn, secure = tc, true
			tp = textproto.NewConn(tc)
			msg, authUser = Message{}, ""
		case "AUTH":
			mech, ir, _ := strings.Cut(arg, " ")
			if s.opt.User == "" || !strings.EqualFold(mech, "PLAIN") {
				reply(504, "mechanism not supported")
				continue
			}
			if ir == "" {
				reply(334, "")
				if ir, err = tp.ReadLine(); err != nil {
					return
				}
			}
			b, _ := base64.StdEncoding.DecodeString(ir)
			parts := strings.Split(string(b), "\x00")
			if len(parts) != 3 || parts[1] != s.opt.User || parts[2] != s.opt.Password {
				s.mu.Lock()
				s.authFail++
				s.mu.Unlock()
				reply(535, "authentication failed")
				continue
			}
			authUser = parts[1]
			reply(235, "authenticated")
		case "MAIL":
			if s.opt.User != "" && authUser == "" {
				reply(530, "authentication required")
				continue
			}
			msg = Message{From: address(arg), TLS: secure, AuthUser: authUser}
			reply(250, "ok")
		case "RCPT":
			msg.To = append(msg.To, address(arg))
			reply(250, "ok")
		case "DATA":
			s.mu.Lock()
			fail := s.failNext > 0
			if fail {
				s.failNext--
			}
			s.mu.Unlock()
			if fail {
				reply(451, "try again later")
				continue
			}
			reply(354, "end with <CRLF>.<CRLF>")
			b, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			msg.Data = strings.ReplaceAll(string(b), "\n", "\r\n")
			s.mu.Lock()
			s.msgs = append(s.msgs, msg)
			n := len(s.msgs)
			s.mu.Unlock()
			reply(250, "queued as "+strconv.Itoa(n))
			msg = Message{From: msg.From, TLS: secure, AuthUser: authUser}
		case "RSET":
			msg = Message{}
			reply(250, "ok")
		case "NOOP":
			reply(250, "ok")
		case "QUIT":
			reply(221, "bye")
			return
		default:
			reply(502, "command not implemented")
		}
	}
}

// address takes the mailbox out of "FROM:<a@b>" or "TO:<a@b> SIZE=1".
func address(arg string) string {
	if i := strings.IndexByte(arg, '<'); i >= 0 {
		if j := strings.IndexByte(arg[i:], '>'); j >= 0 {
			return arg[i+1 : i+j]
		}
	}
	_, a, _ := strings.Cut(arg, ":")
	return strings.TrimSpace(a)
}

// selfSigned makes a short-lived certificate for 127.0.0.1 and localhost.
func selfSigned() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "mailtest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool, nil
}
