// Package app wires the platform together: configuration, logging,
// database, reference data, domain services and the HTTP server. The ocop
// command and the end-to-end tests build the platform through it, so that
// tests run exactly what production runs.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"ocop/internal/account"
	"ocop/internal/bootstrap"
	"ocop/internal/catalogue"
	"ocop/internal/config"
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
	"ocop/internal/web"
)

// App is a running platform's components.
type App struct {
	Config   config.Config
	Log      *slog.Logger
	DB       *db.DB
	Ref      *bootstrap.Reference
	Accounts *account.Service
	Registry *registry.Service
	// Evaluation runs dossiers, councils, results and certificates.
	Evaluation *evaluation.Service
	Catalog    i18n.Catalog
	Metrics    *metrics.Registry
	Web        *web.Server
	// Mailer sends e-mail: SMTP when a server is configured, otherwise a
	// mail.LogMailer that only logs.
	Mailer mail.Mailer
	// Jobs are the background jobs (certificate notices, certification
	// reminders) that Serve runs.
	Jobs *evaluation.Jobs
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
	Trade *trade.Service
}

// Options adjust what Open builds (tests use cheaper password hashing and
// a movable clock).
type Options struct {
	Password account.PasswordParams
	Now      func() time.Time
	// Migrate applies migrations and reference data on open.
	Migrate bool
}

// NewLogger returns the slog logger the configuration asks for.
func NewLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// Open opens the database and builds every service and the HTTP handler.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger, opt Options) (*App, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	ref, err := bootstrap.LoadReference()
	if err != nil {
		return nil, err
	}
	d, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if opt.Migrate {
		if _, err := bootstrap.Migrate(ctx, d, ref); err != nil {
			d.Close()
			return nil, err
		}
	}
	return Build(d, ref, cfg, log, opt)
}

// Build assembles the services over an open, migrated database.
func Build(d *db.DB, ref *bootstrap.Reference, cfg config.Config, log *slog.Logger, opt Options) (*App, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Log: log, DB: d, Ref: ref, Catalog: cat, Metrics: metrics.NewRegistry()}
	a.Accounts = account.NewService(d, ref.Units, account.Options{Password: opt.Password, SessionTTL: cfg.SessionTTL, SessionIdle: cfg.SessionIdle, Now: opt.Now})
	a.Registry = registry.NewService(d, ref.Units, ref.Categories, a.Accounts, registry.Options{
		MediaDir: filepath.Join(cfg.DataDir, "media"), MaxUpload: int64(cfg.MaxUploadMB) << 20, Now: opt.Now,
	})
	a.Evaluation = evaluation.NewService(d, a.Registry, a.Accounts, evaluation.NewScorecards(d, opt.Now), evaluation.Options{
		Now: opt.Now, MediaDir: filepath.Join(cfg.DataDir, "media"), MaxUpload: int64(cfg.MaxUploadMB) << 20,
	})
	a.Mailer = mail.LogMailer{Log: log}
	if cfg.SMTPHost != "" {
		if a.Mailer, err = mail.NewSMTP(mail.SMTPConfig{Host: cfg.SMTPHost, Port: cfg.SMTPPort, Username: cfg.SMTPUser,
			Password: cfg.SMTPPassword, From: cfg.SMTPFrom, ImplicitTLS: cfg.SMTPPort == 465}); err != nil {
			return nil, err
		}
	}
	a.Stamps = stamp.New(stamp.Deps{DB: d, Accounts: a.Accounts, Registry: a.Registry, Evaluation: a.Evaluation, Log: log, Now: opt.Now,
		Options: stamp.Options{Quota: cfg.StampQuota, Rules: stamp.Rules{MaxScans: cfg.StampMaxScans}}})
	a.Metrics.Gauge("ocop_stamp_scans_dropped_total", "Stamp scans dropped because the scan writer's queue was full.", func() float64 { return float64(a.Stamps.Scans().Dropped()) })
	a.Metrics.Gauge("ocop_stamp_scans_written_total", "Stamp scans written to the scan log.", func() float64 { return float64(a.Stamps.Scans().Written()) })
	a.Metrics.Gauge("ocop_stamp_scans_pending", "Stamp scans waiting in the scan writer's queue.", func() float64 { return float64(a.Stamps.Scans().Pending()) })
	a.Catalogue = catalogue.New(catalogue.Deps{DB: d, Accounts: a.Accounts, Registry: a.Registry, Evaluation: a.Evaluation, Log: log, Now: opt.Now})
	a.Trace = trace.New(trace.Deps{DB: d, Accounts: a.Accounts, Registry: a.Registry, Evaluation: a.Evaluation, Stamps: a.Stamps, Log: log, Now: opt.Now})
	a.Market = market.New(market.Deps{DB: d, Accounts: a.Accounts, Registry: a.Registry, Evaluation: a.Evaluation, Stamps: a.Stamps, Log: log, Now: opt.Now})
	a.Trade = trade.New(trade.Deps{DB: d, Accounts: a.Accounts, Registry: a.Registry, Evaluation: a.Evaluation, Stamps: a.Stamps, Log: log, Now: opt.Now,
		Certifications: trade.MarketCertifications(a.Market)})
	a.Stats = stats.New(stats.Deps{DB: d, Accounts: a.Accounts, Registry: a.Registry, Evaluation: a.Evaluation, Stamps: a.Stamps, Log: log, Now: opt.Now,
		Sources: a.statsSources()})
	a.Jobs = evaluation.NewJobs(a.Evaluation, evaluation.JobOptions{Mailer: a.Mailer, Catalog: cat, BaseURL: cfg.BaseURL, Log: log})
	a.Jobs.Add(a.Market.CertificationReminderJob(a.Jobs.DeliverEmails))
	proxies, err := cfg.Proxies()
	if err != nil {
		return nil, err
	}
	a.Web, err = web.New(web.Deps{
		DB: d, Accounts: a.Accounts, Registry: a.Registry, Evaluation: a.Evaluation, Catalog: cat, Log: log, Metrics: a.Metrics,
		Stamps: a.Stamps, Catalogue: a.Catalogue, Stats: a.Stats, Trace: a.Trace, Market: a.Market, Trade: a.Trade, TrustedProxies: proxies, SearchRate: cfg.SearchRate, Mailer: a.Mailer,
		BaseURL: cfg.BaseURL, SecureCookies: cfg.SecureCookies, MaxUpload: int64(cfg.MaxUploadMB) << 20, TileURL: cfg.TileURL, Now: opt.Now,
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// flushScans writes the scans still queued once the server has stopped
// taking requests, so that a clean shutdown loses none.
func (a *App) flushScans() {
	ctx, cancel := context.WithTimeout(context.Background(), a.Config.ShutdownGrace+5*time.Second)
	defer cancel()
	if err := a.Stamps.Scans().Flush(ctx); err != nil {
		a.Log.Error("stamp scans: final flush failed", "err", err, "lost", a.Stamps.Scans().Pending())
	}
}

// Close releases the database.
func (a *App) Close() error { return a.DB.Close() }

// HTTPServer returns an http.Server with timeouts that protect against slow
// clients.
func (a *App) HTTPServer() *http.Server {
	return &http.Server{
		Handler:           a.Web,
		ReadHeaderTimeout: a.Config.ReadHeaderTimeout,
		ReadTimeout:       a.Config.ReadTimeout,
		WriteTimeout:      a.Config.WriteTimeout,
		IdleTimeout:       a.Config.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}
}

// Serve listens on the configured address and serves until ctx ends, then
// shuts down gracefully within the configured grace period. ready, if not
// nil, receives the bound address once listening.
func (a *App) Serve(ctx context.Context, ready func(addr string)) error {
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.Config.Addr, err)
	}
	srv := a.HTTPServer()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	// The background jobs run beside the server and stop with it.
	jobsCtx, stopJobs := context.WithCancel(ctx)
	var jobs sync.WaitGroup
	jobs.Go(func() { a.Jobs.Loop(jobsCtx) })
	jobs.Go(func() { a.Stamps.Scans().Run(jobsCtx) })
	defer func() { stopJobs(); jobs.Wait(); a.flushScans() }()
	a.Log.Info("listening", "addr", ln.Addr().String(), "database", string(a.DB.Dialect()))
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down", "grace", a.Config.ShutdownGrace.String())
	sctx, cancel := context.WithTimeout(context.Background(), a.Config.ShutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
