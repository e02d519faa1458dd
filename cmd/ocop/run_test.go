package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runCLI runs the ocop command in-process.
func runCLI(t *testing.T, env map[string]string, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return env[k] }
	err := run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), err
}

func TestUsageAndBadFlags(t *testing.T) {
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "no command"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"serve", "--addr", "nonsense"}, 2, "want host:port"},
		{[]string{"serve", "--db", "mysql://x"}, 2, "only SQLite file paths"},
		{[]string{"migrate", "--no-such-flag"}, 2, "flag provided but not defined"},
		{[]string{"user", "add", "--role", "admin"}, 2, "--username and --role are required"},
		{[]string{"user"}, 2, "usage: ocop user add"},
	} {
		_, _, err := runCLI(t, nil, "", tt.args...)
		if err == nil || exitCode(err) != tt.code || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ocop %v: got %v (code %d), want code %d with %q", tt.args, err, exitCode(err), tt.code, tt.want)
		}
	}
	out, _, err := runCLI(t, nil, "", "version")
	if err != nil || !strings.HasPrefix(out, "ocop ") {
		t.Errorf("version: %q, %v", out, err)
	}
}

func TestMigrateAndUserAdd(t *testing.T) {
	dbs := map[string]string{"sqlite": filepath.Join(t.TempDir(), "ocop.db")}
	if u := os.Getenv("OCOP_TEST_POSTGRES_URL"); u != "" {
		dbs["postgres"] = freshPostgres(t, u)
	}
	for name, dsn := range dbs {
		t.Run(name, func(t *testing.T) {
			env := map[string]string{"OCOP_DATABASE_URL": dsn, "OCOP_DATA_DIR": t.TempDir()}
			out, _, err := runCLI(t, env, "", "migrate")
			if err != nil || !strings.Contains(out, "applied") {
				t.Fatalf("migrate: %q, %v", out, err)
			}
			// Idempotent.
			out, _, err = runCLI(t, env, "", "migrate")
			if err != nil || !strings.Contains(out, "applied 0 migration") {
				t.Fatalf("second migrate: %q, %v", out, err)
			}
			out, _, err = runCLI(t, env, "a strong password\n", "user", "add", "--username", "officer", "--role", "commune", "--commune", "00004,00008", "--name", "Cán bộ xã")
			if err != nil || !strings.Contains(out, "created user officer") {
				t.Fatalf("user add: %q, %v", out, err)
			}
			_, _, err = runCLI(t, env, "short\n", "user", "add", "--username", "x", "--role", "office")
			if err == nil || !strings.Contains(err.Error(), "at least 10 characters") {
				t.Errorf("short password: %v", err)
			}
			_, _, err = runCLI(t, env, "a strong password\n", "user", "add", "--username", "officer", "--role", "office")
			if err == nil || !strings.Contains(err.Error(), "is taken") {
				t.Errorf("duplicate username: %v", err)
			}
			_, _, err = runCLI(t, env, "", "user", "add", "--username", "y", "--role", "office")
			if err == nil || !strings.Contains(err.Error(), "standard input") {
				t.Errorf("no password: %v", err)
			}
		})
	}
}

// TestServeGracefulShutdown starts `ocop serve`, checks the operational
// endpoints and stops it with the context, as SIGTERM does.
func TestServeGracefulShutdown(t *testing.T) {
	env := map[string]string{"OCOP_DATABASE_URL": filepath.Join(t.TempDir(), "ocop.db"), "OCOP_DATA_DIR": t.TempDir(), "OCOP_ADDR": "127.0.0.1:0", "OCOP_LOG_LEVEL": "warn"}
	ctx, cancel := context.WithCancel(context.Background())
	var out safeBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &out)
	}()
	var base string
	// Start-up migrates a fresh database and loads the reference data:
	// allow for a slow, busy machine (the race detector multiplies it).
	for deadline := time.Now().Add(5 * time.Minute); base == "" && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		if s := out.String(); strings.Contains(s, "running at ") {
			base = strings.Fields(s[strings.Index(s, "http://"):])[0]
		}
	}
	if base == "" {
		cancel()
		t.Fatalf("server did not start: %s", out.String())
	}
	for path, want := range map[string]int{"healthz": 200, "readyz": 200, "metrics": 200, "api/v1/products": 200, "no-such-page": 404} {
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("GET /%s = %d, want %d", path, res.StatusCode, want)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("server did not shut down")
	}
}
