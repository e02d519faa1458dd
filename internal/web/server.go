// Package web serves the platform over HTTP: the public pages, the back
// office, the JSON API (handlers in package api) and the operational
// endpoints. routes.go lists every route; each handler lives in its own
// file, named noun_verb.go, and returns an error that one adapter turns
// into a page, a redirect or an RFC 9457 problem document.
//
// web imports the domain packages; nothing imports web.
package web

import (
	"context"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"ocop/internal/account"
	"ocop/internal/api"
	"ocop/internal/catalogue"
	"ocop/internal/db"
	"ocop/internal/evaluation"
	"ocop/internal/i18n"
	"ocop/internal/mail"
	"ocop/internal/market"
	"ocop/internal/metrics"
	"ocop/internal/registry"
	"ocop/internal/stamp"
	"ocop/internal/stats"
	"ocop/internal/trace"
	"ocop/internal/trade"
)

// Deps are what the server is built from.
type Deps struct {
	DB       *db.DB
	Accounts *account.Service
	Registry *registry.Service
	// Evaluation runs dossiers, councils, results and certificates.
	Evaluation *evaluation.Service
	// Stamps issues, prints and verifies OCOP stamps.
	Stamps *stamp.Service
	// Catalogue is the public catalogue: search, facets, public pages, map.
	Catalogue *catalogue.Service
	// Stats computes programme statistics, targets and reports.
	Stats *stats.Service
	// Trace records lots, trace events, raw-material areas and recalls.
	Trace *trace.Service
	// Market is market access: sale points, chains, marketplaces, events.
	Market *market.Service
	// Trade is events, the supply–demand board and support programmes.
	Trade   *trade.Service
	Catalog i18n.Catalog
	Log     *slog.Logger
	Metrics *metrics.Registry
	// BaseURL is the public root URL ("" to derive it from requests).
	BaseURL string
	// SecureCookies marks cookies Secure (behind HTTPS).
	SecureCookies bool
	// MaxUpload is the largest accepted upload in bytes.
	MaxUpload int64
	// TileURL is the map tile URL template.
	TileURL string
	// Now is the clock.
	Now func() time.Time
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client (rate limits, logs, audit).
	TrustedProxies []netip.Prefix
	// SearchRate is the searches a client may make per minute (0: no limit).
	SearchRate int
	// Mailer sends password-reset links (nil: none are sent).
	Mailer mail.Mailer
}

// Server is the HTTP handler tree with its dependencies.
type Server struct {
	Deps
	pages   map[string]*template.Template
	static  *staticFiles
	api     *api.API
	limiter *limiters
	// statsRendered keeps the rendered tables and charts of dashboards.
	statsRendered statsRenderCache
	requests      *metrics.CounterVec
	latency       *metrics.HistogramVec
	handler       http.Handler
}

// New builds the server and parses every template (a template that does
// not parse is an error here, never a panic at request time).
func New(d Deps) (*Server, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Metrics == nil {
		d.Metrics = metrics.NewRegistry()
	}
	if d.MaxUpload == 0 {
		d.MaxUpload = 8 << 20
	}
	s := &Server{Deps: d, limiter: newLimiters(d.Now, d.SearchRate)}
	var err error
	if s.static, err = loadStatic(); err != nil {
		return nil, err
	}
	if s.pages, err = s.parseTemplates(); err != nil {
		return nil, err
	}
	s.api = api.New(api.Deps{DB: d.DB, Accounts: d.Accounts, Registry: d.Registry, Evaluation: d.Evaluation, Stamps: d.Stamps,
		Catalogue: d.Catalogue, Stats: d.Stats, Trace: d.Trace, Market: d.Market, Trade: d.Trade, Catalog: d.Catalog, Log: d.Log, BaseURL: d.BaseURL})
	s.requests = d.Metrics.Counter("ocop_http_requests_total", "HTTP requests by route and status code.", "route", "code")
	s.latency = d.Metrics.Histogram("ocop_http_request_duration_seconds", "HTTP request latency by route.", metrics.DefBuckets, "route")
	s.handler = s.routes()
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Ready reports whether the server can take traffic: the database answers
// and its schema is current.
func (s *Server) Ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := s.DB.Ping(ctx); err != nil {
		return err
	}
	v, err := s.DB.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if v != s.DB.LatestVersion() {
		return errSchemaBehind
	}
	return nil
}

type constErr string

func (e constErr) Error() string { return string(e) }

const errSchemaBehind = constErr("database schema is behind: run `ocop migrate`")

// Templates exposes the parsed page names (for tests).
func (s *Server) Templates() []string {
	out := make([]string, 0, len(s.pages))
	for k := range s.pages {
		out = append(out, k)
	}
	return out
}

var _ fs.FS = templateFS
