package config

import (
	"flag"
	"io"
	"strings"
	"testing"
	"time"
)

func parse(t *testing.T, args []string, env map[string]string) (*Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	getenv := func(k string) string { return env[k] }
	c := Flags(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if err := ApplyEnv(fs, c, getenv); err != nil {
		return c, err
	}
	return c, c.Validate()
}

func TestDefaultsValid(t *testing.T) {
	c, err := parse(t, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DatabaseURL != "./ocop.db" {
		t.Errorf("defaults: %+v", c)
	}
}

func TestFlagsOverrideEnvironment(t *testing.T) {
	c, err := parse(t, []string{"--addr", "127.0.0.1:9000", "--session-idle", "30m"}, map[string]string{
		"OCOP_ADDR": "127.0.0.1:7000", "OCOP_DATABASE_URL": "postgres://u@127.0.0.1:5432/ocop", "OCOP_SESSION_IDLE": "1h",
		"OCOP_BASE_URL": "https://ocop.example.vn/",
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9000" || c.DatabaseURL != "postgres://u@127.0.0.1:5432/ocop" || c.SessionIdle != 30*time.Minute {
		t.Errorf("got %+v", c)
	}
	if !c.SecureCookies || c.BaseURL != "https://ocop.example.vn" {
		t.Errorf("https base URL: secure %v, base %q", c.SecureCookies, c.BaseURL)
	}
}

func TestValidationExplains(t *testing.T) {
	for _, tt := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--addr", "8080"}, nil, "want host:port"},
		{[]string{"--addr", "example.com:80"}, nil, "IP address or localhost"},
		{[]string{"--db", "mysql://x"}, nil, "only SQLite file paths"},
		{[]string{"--db", ""}, nil, "set --db or OCOP_DATABASE_URL"},
		{[]string{"--log-format", "xml"}, nil, "want text or json"},
		{[]string{"--base-url", "ftp://x"}, nil, "site's root URL"},
		{nil, map[string]string{"OCOP_SESSION_TTL": "forever"}, "OCOP_SESSION_TTL: want a duration"},
		{nil, map[string]string{"OCOP_MAX_UPLOAD_MB": "lots"}, "OCOP_MAX_UPLOAD_MB: want a whole number"},
		{[]string{"--session-idle", "48h"}, nil, "at most session-ttl"},
		{[]string{"--tile-url", "https://x/tiles"}, nil, "{z}, {x} and {y}"},
		{[]string{"--trusted-proxies", "10.0.0.0/8, nginx"}, nil, "trusted-proxies \"nginx\""},
		{nil, map[string]string{"OCOP_SEARCH_RATE": "-1"}, "search-rate -1"},
		{nil, map[string]string{"OCOP_READ_TIMEOUT": "soon"}, "OCOP_READ_TIMEOUT: want a duration"},
		{[]string{"--read-header-timeout", "1ms"}, nil, "read-header-timeout 1ms: want between 100ms and 1h"},
		{[]string{"--idle-timeout", "2h"}, nil, "idle-timeout 2h0m0s: want between"},
		{[]string{"--read-header-timeout", "30s", "--read-timeout", "20s"}, nil, "at most read-timeout"},
	} {
		_, err := parse(t, tt.args, tt.env)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v %v: got %v, want error containing %q", tt.args, tt.env, err, tt.want)
		}
	}
}

func TestTrustedProxies(t *testing.T) {
	c, err := parse(t, []string{"--trusted-proxies", "127.0.0.1, 10.0.0.0/8,::1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := c.Proxies()
	if err != nil || len(ps) != 3 || ps[0].String() != "127.0.0.1/32" || ps[1].String() != "10.0.0.0/8" || ps[2].String() != "::1/128" {
		t.Errorf("proxies: %v, %v", ps, err)
	}
}
