// Package apptest starts the whole platform for tests: the real handler
// tree from package app over a real database (SQLite, and PostgreSQL when
// configured), served by httptest on 127.0.0.1, with helpers to create
// users of every role and to drive the site as a browser would (cookies,
// CSRF tokens, forms) or as an API client (tokens, JSON).
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ocop/internal/account"
	"ocop/internal/app"
	"ocop/internal/config"
	"ocop/internal/db"
	"ocop/internal/dbtest"
	"ocop/internal/registry"
)

// Password is the password of every user made by Env.User.
const Password = "test-password-123"

// FastPasswords keep argon2id cheap in tests.
var FastPasswords = account.PasswordParams{MemoryKiB: 64, Time: 1, Threads: 1}

// Clock is a settable clock.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Set moves the clock.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// Env is a running platform for one test.
type Env struct {
	T      testing.TB
	App    *app.App
	Server *httptest.Server
	Clock  *Clock
	n      atomic.Int64
}

// Each runs fn on every engine (SQLite always; PostgreSQL when
// OCOP_TEST_POSTGRES_URL is set).
func Each(t *testing.T, fn func(t *testing.T, e *Env)) {
	t.Helper()
	for _, eng := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(eng), func(t *testing.T) {
			fn(t, New(t, eng))
		})
	}
}

// EachWith is Each with a configuration changed by configure.
func EachWith(t *testing.T, configure func(*config.Config), fn func(t *testing.T, e *Env)) {
	t.Helper()
	for _, eng := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(eng), func(t *testing.T) {
			fn(t, New(t, eng, configure))
		})
	}
}

// New starts the platform on a fresh database of the engine. Every
// client of a test comes from one address, so the per-client search limit
// is off unless a configure function sets it.
func New(tb testing.TB, eng db.Dialect, configure ...func(*config.Config)) *Env {
	tb.Helper()
	d := dbtest.New(tb, eng)
	cfg := config.Defaults()
	cfg.DataDir = tb.TempDir()
	cfg.DatabaseURL = "test"
	cfg.SearchRate = 0
	for _, c := range configure {
		c(&cfg)
	}
	clock := &Clock{t: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)}
	log := slog.New(slog.DiscardHandler)
	if os.Getenv("OCOP_TEST_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	a, err := app.Build(d, dbtest.Reference(tb), cfg, log, app.Options{Password: FastPasswords, Now: clock.Now})
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(a.Web)
	tb.Cleanup(srv.Close)
	return &Env{T: tb, App: a, Server: srv, Clock: clock}
}

// Ctx is a background context.
func (e *Env) Ctx() context.Context { return context.Background() }

// User creates a user of the role (commune officers get the communes) and
// returns its username. Producers are linked (verified) to producerIDs.
func (e *Env) User(role account.Role, communes ...string) string {
	e.T.Helper()
	name := fmt.Sprintf("%s%d", role, e.n.Add(1))
	nu := account.NewUser{Username: name, DisplayName: "Test " + name, Role: role, Password: Password}
	if role == account.RoleCommune {
		nu.Communes = communes
	}
	if _, err := e.App.Accounts.CreateUser(e.Ctx(), nil, nu); err != nil {
		e.T.Fatalf("create user %s: %v", name, err)
	}
	return name
}

// ProducerUser creates a producer account verified to act for producerID.
func (e *Env) ProducerUser(producerID int64) string {
	e.T.Helper()
	name := e.User(account.RoleProducer)
	u, err := e.App.Accounts.UserByName(e.Ctx(), name)
	if err != nil {
		e.T.Fatal(err)
	}
	if _, err := e.App.DB.ExecContext(e.Ctx(), `INSERT INTO producer_links (user_id, producer_id, status, note, created_at)
		VALUES (?, ?, 'verified', '', ?)`, u.ID, producerID, db.Now()); err != nil {
		e.T.Fatal(err)
	}
	return name
}

// Admin is a system principal for setting up fixtures through the services.
func (e *Env) Admin() *account.Principal {
	return &account.Principal{Username: "fixture", Role: account.RoleAdmin}
}

// Producer creates an active producer in the commune.
func (e *Env) Producer(name, commune string) registry.Producer {
	e.T.Helper()
	x, err := e.App.Registry.CreateProducer(e.Ctx(), e.Admin(), registry.ProducerInput{Kind: registry.KindCooperative, Name: name, CommuneCode: commune})
	if err != nil {
		e.T.Fatalf("create producer %s: %v", name, err)
	}
	return x
}

// Product creates an active product of the producer in the category.
func (e *Env) Product(producerID int64, name, category string) registry.Product {
	e.T.Helper()
	x, err := e.App.Registry.CreateProduct(e.Ctx(), e.Admin(), registry.ProductInput{ProducerID: producerID, Name: name, CategoryCode: category})
	if err != nil {
		e.T.Fatalf("create product %s: %v", name, err)
	}
	return x
}

// Client is a browser-like HTTP client: it keeps cookies and fills in the
// CSRF token of forms.
type Client struct {
	e    *Env
	HTTP *http.Client
	csrf string
}

// Anon returns a client that is not signed in.
func (e *Env) Anon() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{e: e, HTTP: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Login returns a client signed in as username (password Password).
func (e *Env) Login(username string) *Client {
	e.T.Helper()
	c := e.Anon()
	r := c.PostForm("/login", url.Values{"username": {username}, "password": {Password}})
	if r.Status != http.StatusSeeOther {
		e.T.Fatalf("login %s: status %d\n%s", username, r.Status, r.Body)
	}
	c.csrf = ""
	return c
}

// Response is a finished HTTP exchange.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

// Location is the redirect target.
func (r *Response) Location() string { return r.Header.Get("Location") }

// JSON decodes the body into v.
func (r *Response) JSON(tb testing.TB, v any) {
	tb.Helper()
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		tb.Fatalf("decode JSON: %v\n%s", err, r.Body)
	}
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// Do sends a request.
func (c *Client) Do(req *http.Request) *Response {
	c.e.T.Helper()
	res, err := c.HTTP.Do(req)
	if err != nil {
		c.e.T.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.e.T.Fatal(err)
	}
	r := &Response{Status: res.StatusCode, Header: res.Header, Body: string(b)}
	if m := csrfRe.FindStringSubmatch(r.Body); m != nil {
		c.csrf = m[1]
	}
	return r
}

// Get fetches a path.
func (c *Client) Get(path string) *Response {
	c.e.T.Helper()
	req, err := http.NewRequest(http.MethodGet, c.e.Server.URL+path, nil)
	if err != nil {
		c.e.T.Fatal(err)
	}
	return c.Do(req)
}

// CSRF returns the client's current CSRF token, fetching a page if needed.
func (c *Client) CSRF() string {
	if c.csrf == "" {
		c.Get("/login")
		if c.csrf == "" {
			c.Get("/account")
		}
	}
	return c.csrf
}

// PostForm submits a form with the CSRF token filled in (unless the form
// already has a "csrf" value).
func (c *Client) PostForm(path string, form url.Values) *Response {
	c.e.T.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", c.CSRF())
	}
	req, err := http.NewRequest(http.MethodPost, c.e.Server.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.e.T.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.Do(req)
}

// API sends a JSON API request with an optional bearer token and body.
func (e *Env) API(method, path, token string, body any) *Response {
	e.T.Helper()
	var rd io.Reader
	if body != nil {
		switch b := body.(type) {
		case string:
			rd = strings.NewReader(b)
		default:
			buf, err := json.Marshal(b)
			if err != nil {
				e.T.Fatal(err)
			}
			rd = bytes.NewReader(buf)
		}
	}
	req, err := http.NewRequest(method, e.Server.URL+path, rd)
	if err != nil {
		e.T.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return e.Anon().Do(req)
}

// Token creates an API token for username.
func (e *Env) Token(username string) string {
	e.T.Helper()
	u, err := e.App.Accounts.UserByName(e.Ctx(), username)
	if err != nil {
		e.T.Fatal(err)
	}
	p := &account.Principal{UserID: u.ID, Username: u.Username, Role: u.Role}
	secret, _, err := e.App.Accounts.CreateToken(e.Ctx(), p, "test")
	if err != nil {
		e.T.Fatal(err)
	}
	return secret
}

// Session returns a client signed in as username through the account
// service rather than the login form, so that tests that need many
// signed-in clients stay clear of the login rate limit.
func (e *Env) Session(username string) *Client {
	e.T.Helper()
	sess, _, err := e.App.Accounts.Login(e.Ctx(), username, Password, "127.0.0.1", "apptest")
	if err != nil {
		e.T.Fatalf("session for %s: %v", username, err)
	}
	c := e.Anon()
	u, _ := url.Parse(e.Server.URL)
	c.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: "ocop_session", Value: sess.Token, Path: "/"}})
	return c
}
