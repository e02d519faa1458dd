// Package config reads the platform's configuration from flags and the
// environment (flags win) into a typed Config, and validates it with
// messages that say what is wrong and how to fix it.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is the whole configuration of one ocop process.
type Config struct {
	Addr          string        // listen address (OCOP_ADDR, --addr)
	DatabaseURL   string        // file path, sqlite: URL or postgres:// URL (OCOP_DATABASE_URL, --db)
	DataDir       string        // media and other files (OCOP_DATA_DIR, --data-dir)
	BaseURL       string        // public URL, e.g. https://ocop.hanoi.gov.vn (OCOP_BASE_URL, --base-url)
	LogFormat     string        // text | json (OCOP_LOG_FORMAT, --log-format)
	LogLevel      string        // debug | info | warn | error (OCOP_LOG_LEVEL, --log-level)
	SecureCookies bool          // mark cookies Secure (OCOP_SECURE_COOKIES, --secure-cookies); on by default for https base URLs
	SessionTTL    time.Duration // absolute session lifetime (OCOP_SESSION_TTL, --session-ttl)
	SessionIdle   time.Duration // idle session timeout (OCOP_SESSION_IDLE, --session-idle)
	ShutdownGrace time.Duration // graceful shutdown budget (OCOP_SHUTDOWN_GRACE, --shutdown-grace)
	MaxUploadMB   int           // largest upload in MB (OCOP_MAX_UPLOAD_MB, --max-upload-mb)
	TileURL       string        // map tile URL template (OCOP_TILE_URL, --tile-url)
	StampQuota    int           // stamps a producer may issue per product (OCOP_STAMP_QUOTA, --stamp-quota)
	StampMaxScans int           // scans of one stamp before it is suspected of being copied (OCOP_STAMP_MAX_SCANS, --stamp-max-scans)
	// TrustedProxies are the reverse proxies (CIDR prefixes) whose
	// X-Forwarded-For is believed, so that rate limits and logs see the
	// real client (OCOP_TRUSTED_PROXIES, --trusted-proxies; comma-separated).
	TrustedProxies string
	// SearchRate is the searches a client may make per minute (0: no limit)
	// (OCOP_SEARCH_RATE, --search-rate).
	SearchRate int
	// HTTP server timeouts against slow clients: the time allowed to read
	// a request's headers (OCOP_READ_HEADER_TIMEOUT, --read-header-timeout),
	// the whole request (OCOP_READ_TIMEOUT, --read-timeout), to write the
	// response (OCOP_WRITE_TIMEOUT, --write-timeout), and how long an idle
	// keep-alive connection stays open (OCOP_IDLE_TIMEOUT, --idle-timeout).
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	// SMTP server for e-mail notices; no host means e-mail is only logged.
	SMTPHost     string // OCOP_SMTP_HOST, --smtp-host
	SMTPPort     int    // OCOP_SMTP_PORT, --smtp-port (587: STARTTLS when offered; 465: implicit TLS)
	SMTPUser     string // OCOP_SMTP_USER, --smtp-user
	SMTPPassword string // OCOP_SMTP_PASSWORD only: a flag would show it in the process list
	SMTPFrom     string // sender address, e.g. "OCOP Hà Nội <noreply@ocop.example.vn>" (OCOP_SMTP_FROM, --smtp-from)
}

// Defaults returns the configuration used when nothing is set.
func Defaults() Config {
	return Config{
		Addr:          "127.0.0.1:8080",
		DatabaseURL:   "./ocop.db",
		DataDir:       "./data",
		LogFormat:     "text",
		LogLevel:      "info",
		SessionTTL:    12 * time.Hour,
		SessionIdle:   2 * time.Hour,
		ShutdownGrace: 15 * time.Second,
		MaxUploadMB:   8,
		TileURL:       "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
		SMTPPort:      587,
		StampQuota:    2000,
		StampMaxScans: 20,
		SearchRate:    120,

		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
}

// Flags registers the configuration flags on fs, with defaults taken from
// the environment (getenv) over Defaults. After fs.Parse, call Validate.
func Flags(fs *flag.FlagSet, getenv func(string) string) *Config {
	c := Defaults()
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&c.Addr, "addr", env("OCOP_ADDR", c.Addr), "listen address (OCOP_ADDR)")
	fs.StringVar(&c.DatabaseURL, "db", env("OCOP_DATABASE_URL", c.DatabaseURL), "database: SQLite file path or postgres:// URL (OCOP_DATABASE_URL)")
	fs.StringVar(&c.DataDir, "data-dir", env("OCOP_DATA_DIR", c.DataDir), "directory for uploaded files (OCOP_DATA_DIR)")
	fs.StringVar(&c.BaseURL, "base-url", env("OCOP_BASE_URL", c.BaseURL), "public base URL, e.g. https://ocop.example.vn (OCOP_BASE_URL)")
	fs.StringVar(&c.LogFormat, "log-format", env("OCOP_LOG_FORMAT", c.LogFormat), "log format: text or json (OCOP_LOG_FORMAT)")
	fs.StringVar(&c.LogLevel, "log-level", env("OCOP_LOG_LEVEL", c.LogLevel), "log level: debug, info, warn, error (OCOP_LOG_LEVEL)")
	fs.StringVar(&c.TileURL, "tile-url", env("OCOP_TILE_URL", c.TileURL), "map tile URL template (OCOP_TILE_URL)")
	fs.Var(boolValue{p: &c.SecureCookies}, "secure-cookies", "send cookies only over HTTPS (OCOP_SECURE_COOKIES)")
	fs.Var(durValue{p: &c.SessionTTL}, "session-ttl", "absolute session lifetime, e.g. 12h (OCOP_SESSION_TTL)")
	fs.Var(durValue{p: &c.SessionIdle}, "session-idle", "idle session timeout, e.g. 2h (OCOP_SESSION_IDLE)")
	fs.Var(durValue{p: &c.ShutdownGrace}, "shutdown-grace", "time allowed for graceful shutdown (OCOP_SHUTDOWN_GRACE)")
	fs.Var(intValue{p: &c.MaxUploadMB}, "max-upload-mb", "largest accepted upload in MB (OCOP_MAX_UPLOAD_MB)")
	fs.Var(intValue{p: &c.StampQuota}, "stamp-quota", "stamps a producer may issue per product (OCOP_STAMP_QUOTA)")
	fs.Var(intValue{p: &c.StampMaxScans}, "stamp-max-scans", "scans of one stamp before it is suspected of being copied (OCOP_STAMP_MAX_SCANS)")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", env("OCOP_TRUSTED_PROXIES", c.TrustedProxies), "reverse proxies whose X-Forwarded-For is believed, e.g. 127.0.0.1/32,10.0.0.0/8 (OCOP_TRUSTED_PROXIES)")
	fs.Var(intValue{p: &c.SearchRate}, "search-rate", "searches per minute per client; 0 for no limit (OCOP_SEARCH_RATE)")
	fs.Var(durValue{p: &c.ReadHeaderTimeout}, "read-header-timeout", "time allowed to read a request's headers (OCOP_READ_HEADER_TIMEOUT)")
	fs.Var(durValue{p: &c.ReadTimeout}, "read-timeout", "time allowed to read a whole request, body included (OCOP_READ_TIMEOUT)")
	fs.Var(durValue{p: &c.WriteTimeout}, "write-timeout", "time allowed to write a response (OCOP_WRITE_TIMEOUT)")
	fs.Var(durValue{p: &c.IdleTimeout}, "idle-timeout", "how long an idle keep-alive connection stays open (OCOP_IDLE_TIMEOUT)")
	fs.StringVar(&c.SMTPHost, "smtp-host", env("OCOP_SMTP_HOST", c.SMTPHost), "SMTP server for e-mail notices; unset: e-mail is only logged (OCOP_SMTP_HOST)")
	fs.Var(intValue{p: &c.SMTPPort}, "smtp-port", "SMTP port: 587 (STARTTLS) or 465 (TLS) (OCOP_SMTP_PORT)")
	fs.StringVar(&c.SMTPUser, "smtp-user", env("OCOP_SMTP_USER", c.SMTPUser), "SMTP user name; the password comes from OCOP_SMTP_PASSWORD (OCOP_SMTP_USER)")
	fs.StringVar(&c.SMTPFrom, "smtp-from", env("OCOP_SMTP_FROM", c.SMTPFrom), "sender of e-mail notices, e.g. \"OCOP <noreply@ocop.example.vn>\" (OCOP_SMTP_FROM)")
	c.SMTPPassword = getenv("OCOP_SMTP_PASSWORD")
	return &c
}

type boolValue struct {
	p *bool
}

func (b boolValue) String() string {
	if b.p == nil {
		return "false"
	}
	return strconv.FormatBool(*b.p)
}
func (b boolValue) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("want true or false, got %q", s)
	}
	*b.p = v
	return nil
}
func (b boolValue) IsBoolFlag() bool { return true }

type durValue struct {
	p *time.Duration
}

func (d durValue) String() string {
	if d.p == nil {
		return ""
	}
	return d.p.String()
}
func (d durValue) Set(s string) error {
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("want a duration such as 90s, 15m or 12h, got %q", s)
	}
	*d.p = v
	return nil
}

type intValue struct {
	p *int
}

func (i intValue) String() string {
	if i.p == nil {
		return ""
	}
	return strconv.Itoa(*i.p)
}
func (i intValue) Set(s string) error {
	v, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("want a whole number, got %q", s)
	}
	*i.p = v
	return nil
}

// ApplyEnv parses the typed environment variables (booleans, durations,
// numbers) that flags did not set; call it after fs.Parse.
func ApplyEnv(fs *flag.FlagSet, c *Config, getenv func(string) string) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var errs []error
	apply := func(flagName, envName string, v flag.Value) {
		if set[flagName] {
			return
		}
		if s := getenv(envName); s != "" {
			if err := v.Set(s); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", envName, err))
			}
		}
	}
	apply("secure-cookies", "OCOP_SECURE_COOKIES", boolValue{p: &c.SecureCookies})
	apply("session-ttl", "OCOP_SESSION_TTL", durValue{p: &c.SessionTTL})
	apply("session-idle", "OCOP_SESSION_IDLE", durValue{p: &c.SessionIdle})
	apply("shutdown-grace", "OCOP_SHUTDOWN_GRACE", durValue{p: &c.ShutdownGrace})
	apply("max-upload-mb", "OCOP_MAX_UPLOAD_MB", intValue{p: &c.MaxUploadMB})
	apply("smtp-port", "OCOP_SMTP_PORT", intValue{p: &c.SMTPPort})
	apply("stamp-quota", "OCOP_STAMP_QUOTA", intValue{p: &c.StampQuota})
	apply("stamp-max-scans", "OCOP_STAMP_MAX_SCANS", intValue{p: &c.StampMaxScans})
	apply("search-rate", "OCOP_SEARCH_RATE", intValue{p: &c.SearchRate})
	apply("read-header-timeout", "OCOP_READ_HEADER_TIMEOUT", durValue{p: &c.ReadHeaderTimeout})
	apply("read-timeout", "OCOP_READ_TIMEOUT", durValue{p: &c.ReadTimeout})
	apply("write-timeout", "OCOP_WRITE_TIMEOUT", durValue{p: &c.WriteTimeout})
	apply("idle-timeout", "OCOP_IDLE_TIMEOUT", durValue{p: &c.IdleTimeout})
	if strings.HasPrefix(c.BaseURL, "https://") && !set["secure-cookies"] && getenv("OCOP_SECURE_COOKIES") == "" {
		c.SecureCookies = true
	}
	return errors.Join(errs...)
}

// Validate checks the configuration and explains every problem.
func (c *Config) Validate() error {
	var errs []error
	if host, port, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("addr %q: want host:port, e.g. 127.0.0.1:8080 or :8080", c.Addr))
	} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		errs = append(errs, fmt.Errorf("addr %q: port must be a number from 0 to 65535", c.Addr))
	} else if host != "" && net.ParseIP(host) == nil && host != "localhost" {
		errs = append(errs, fmt.Errorf("addr %q: the host must be an IP address or localhost", c.Addr))
	}
	switch {
	case c.DatabaseURL == "":
		errs = append(errs, errors.New("database: set --db or OCOP_DATABASE_URL to a SQLite file path or a postgres:// URL"))
	case strings.HasPrefix(c.DatabaseURL, "postgres://"), strings.HasPrefix(c.DatabaseURL, "postgresql://"):
		if u, err := url.Parse(c.DatabaseURL); err != nil || u.Host == "" {
			errs = append(errs, errors.New("database: the postgres:// URL is not valid; e.g. postgres://user@127.0.0.1:5432/ocop?sslmode=disable"))
		}
	case strings.Contains(c.DatabaseURL, "://"):
		errs = append(errs, fmt.Errorf("database %q: only SQLite file paths (or sqlite:path) and postgres:// URLs are supported", c.DatabaseURL))
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			errs = append(errs, fmt.Errorf("base-url %q: want the site's root URL, e.g. https://ocop.example.vn", c.BaseURL))
		}
		c.BaseURL = strings.TrimSuffix(c.BaseURL, "/")
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("log-format %q: want text or json", c.LogFormat))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("log-level %q: want debug, info, warn or error", c.LogLevel))
	}
	if c.SessionTTL < time.Minute || c.SessionTTL > 30*24*time.Hour {
		errs = append(errs, fmt.Errorf("session-ttl %s: want between 1m and 720h", c.SessionTTL))
	}
	if c.SessionIdle < time.Minute || c.SessionIdle > c.SessionTTL {
		errs = append(errs, fmt.Errorf("session-idle %s: want at least 1m and at most session-ttl (%s)", c.SessionIdle, c.SessionTTL))
	}
	if c.ShutdownGrace < 0 || c.ShutdownGrace > 10*time.Minute {
		errs = append(errs, fmt.Errorf("shutdown-grace %s: want between 0s and 10m", c.ShutdownGrace))
	}
	if c.MaxUploadMB < 1 || c.MaxUploadMB > 100 {
		errs = append(errs, fmt.Errorf("max-upload-mb %d: want 1 to 100", c.MaxUploadMB))
	}
	if !strings.Contains(c.TileURL, "{z}") || !strings.Contains(c.TileURL, "{x}") || !strings.Contains(c.TileURL, "{y}") {
		errs = append(errs, fmt.Errorf("tile-url %q: must contain {z}, {x} and {y}", c.TileURL))
	}
	if c.StampQuota < 1 || c.StampQuota > 10_000_000 {
		errs = append(errs, fmt.Errorf("stamp-quota %d: want 1 to 10000000 stamps per product", c.StampQuota))
	}
	if c.StampMaxScans < 1 || c.StampMaxScans > 100_000 {
		errs = append(errs, fmt.Errorf("stamp-max-scans %d: want 1 to 100000", c.StampMaxScans))
	}
	if _, err := c.Proxies(); err != nil {
		errs = append(errs, err)
	}
	if c.SearchRate < 0 || c.SearchRate > 100_000 {
		errs = append(errs, fmt.Errorf("search-rate %d: want 0 (no limit) to 100000 searches per minute", c.SearchRate))
	}
	errs = append(errs, c.validateTimeouts()...)
	errs = append(errs, c.validateSMTP()...)
	return errors.Join(errs...)
}

// validateTimeouts checks the HTTP server timeouts: each between 100ms and
// 1h, and the headers' budget within the whole request's.
func (c *Config) validateTimeouts() []error {
	var errs []error
	for _, t := range []struct {
		name string
		d    time.Duration
	}{{"read-header-timeout", c.ReadHeaderTimeout}, {"read-timeout", c.ReadTimeout}, {"write-timeout", c.WriteTimeout}, {"idle-timeout", c.IdleTimeout}} {
		if t.d < 100*time.Millisecond || t.d > time.Hour {
			errs = append(errs, fmt.Errorf("%s %s: want between 100ms and 1h, e.g. 10s", t.name, t.d))
		}
	}
	if len(errs) == 0 && c.ReadHeaderTimeout > c.ReadTimeout {
		errs = append(errs, fmt.Errorf("read-header-timeout %s: want at most read-timeout (%s)", c.ReadHeaderTimeout, c.ReadTimeout))
	}
	return errs
}

// validateSMTP checks the e-mail settings: all or nothing, so that a typo
// does not silently leave notices unsent.
func (c *Config) validateSMTP() []error {
	var errs []error
	if c.SMTPHost == "" {
		if c.SMTPUser != "" || c.SMTPPassword != "" {
			errs = append(errs, errors.New("smtp: a user or password is set but no server: set --smtp-host (OCOP_SMTP_HOST) or remove them"))
		}
		return errs
	}
	if strings.ContainsAny(c.SMTPHost, "/ ") || strings.Contains(c.SMTPHost, ":") && net.ParseIP(c.SMTPHost) == nil {
		errs = append(errs, fmt.Errorf("smtp-host %q: want a host name or IP address only, e.g. smtp.example.vn (the port goes in --smtp-port)", c.SMTPHost))
	}
	if c.SMTPPort < 1 || c.SMTPPort > 65535 {
		errs = append(errs, fmt.Errorf("smtp-port %d: want 1 to 65535 (usually 587, or 465 for TLS from the start)", c.SMTPPort))
	}
	if (c.SMTPUser == "") != (c.SMTPPassword == "") {
		errs = append(errs, errors.New("smtp: set both --smtp-user (OCOP_SMTP_USER) and OCOP_SMTP_PASSWORD, or neither"))
	}
	if c.SMTPFrom == "" {
		errs = append(errs, errors.New("smtp-from: required with --smtp-host, e.g. \"OCOP Hà Nội <noreply@ocop.example.vn>\" (OCOP_SMTP_FROM)"))
	} else if _, err := mail.ParseAddress(c.SMTPFrom); err != nil || strings.ContainsAny(c.SMTPFrom, "\r\n") {
		errs = append(errs, fmt.Errorf("smtp-from %q: want an e-mail address, e.g. noreply@ocop.example.vn or \"OCOP <noreply@ocop.example.vn>\"", c.SMTPFrom))
	}
	return errs
}

// Usage writes the flags' help to w.
func Usage(fs *flag.FlagSet, w io.Writer) {
	fs.SetOutput(w)
	fs.PrintDefaults()
}

// Proxies parses TrustedProxies: comma-separated CIDR prefixes or single
// addresses.
func (c *Config) Proxies() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for part := range strings.SplitSeq(c.TrustedProxies, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if a, err := netip.ParseAddr(part); err == nil {
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			return nil, fmt.Errorf("trusted-proxies %q: want addresses or CIDR prefixes such as 127.0.0.1/32, 10.0.0.0/8", part)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}
