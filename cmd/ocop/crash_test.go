package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"ocop/internal/account"
	"ocop/internal/app"
	"ocop/internal/config"
	"ocop/internal/db"
)

// TestMain lets the crash test run the platform as a child process: the
// test binary re-executes itself with OCOP_CRASH_CHILD=1 and becomes
// `ocop serve`, so that it can be killed with SIGKILL like a real server.
func TestMain(m *testing.M) {
	if os.Getenv("OCOP_CRASH_CHILD") == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err := run(ctx, []string{"serve"}, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, "ocop:", err)
			os.Exit(exitCode(err))
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// child is a server process started from the test binary.
type child struct {
	cmd  *exec.Cmd
	base string
	logs *safeBuffer
}

func startChild(t *testing.T, env map[string]string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "OCOP_CRASH_CHILD=1", "OCOP_ADDR=127.0.0.1:0", "OCOP_LOG_LEVEL=warn")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, logs: &safeBuffer{}}
	cmd.Stderr = c.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`running at (http://127\.0\.0\.1:\d+)/`)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		io.Copy(io.Discard, out)
	}()
	select {
	case c.base = <-found:
	case <-time.After(5 * time.Minute): // a hang guard
		t.Fatalf("server did not start:\n%s", c.logs.String())
	}
	return c
}

// TestCrashSafety streams writes (producers and their products, through
// the JSON API, from several clients) at a server, kills it with SIGKILL in
// the middle, restarts it and proves that every write it acknowledged is
// there, with its audit entry, that nothing half-written is left, and that
// the database passes its integrity check. On SQLite and PostgreSQL.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	dbs := map[string]string{"sqlite": filepath.Join(t.TempDir(), "crash.db")}
	if u := os.Getenv("OCOP_TEST_POSTGRES_URL"); u != "" {
		dbs["postgres"] = freshPostgres(t, u)
	}
	for name, dsn := range dbs {
		t.Run(name, func(t *testing.T) {
			env := map[string]string{"OCOP_DATABASE_URL": dsn, "OCOP_DATA_DIR": t.TempDir()}
			if _, _, err := runCLI(t, env, "", "migrate"); err != nil {
				t.Fatal(err)
			}
			if _, _, err := runCLI(t, env, "a-long-enough-password\n", "user", "add", "--username", "writer", "--role", "office"); err != nil {
				t.Fatal(err)
			}
			token := crashToken(t, env)

			srv := startChild(t, env)
			type ack struct {
				kind string
				id   int64
				name string
			}
			var mu sync.Mutex
			var acks []ack
			stop := make(chan struct{})
			var wg sync.WaitGroup
			client := &http.Client{Timeout: 30 * time.Second}
			post := func(path string, body any) (int64, bool) {
				b, _ := json.Marshal(body)
				req, _ := http.NewRequest(http.MethodPost, srv.base+path, bytes.NewReader(b))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				res, err := client.Do(req)
				if err != nil {
					return 0, false
				}
				defer res.Body.Close()
				var out struct {
					ID int64 `json:"id"`
				}
				if res.StatusCode != http.StatusCreated || json.NewDecoder(res.Body).Decode(&out) != nil {
					if res.StatusCode >= 500 {
						t.Errorf("POST %s: %d", path, res.StatusCode)
					}
					return 0, false
				}
				return out.ID, true
			}
			for w := range 4 {
				wg.Go(func() {
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						pname := fmt.Sprintf("HTX Crash %d-%d", w, i)
						pid, ok := post("/api/v1/producers", map[string]any{"kind": "cooperative", "name": pname, "commune_code": "00577"})
						if !ok {
							return
						}
						mu.Lock()
						acks = append(acks, ack{"producer", pid, pname})
						mu.Unlock()
						gname := fmt.Sprintf("Bình gốm crash %d-%d", w, i)
						gid, ok := post("/api/v1/products", map[string]any{"producer_id": pid, "name": gname, "category_code": "IV.1"})
						if !ok {
							return
						}
						mu.Lock()
						acks = append(acks, ack{"product", gid, gname})
						mu.Unlock()
					}
				})
			}
			// Kill the server once a good number of writes is acknowledged.
			for deadline := time.Now().Add(3 * time.Minute); ; {
				mu.Lock()
				n := len(acks)
				mu.Unlock()
				if n >= 120 || time.Now().After(deadline) {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			srv.cmd.Wait()
			close(stop)
			wg.Wait()
			if len(acks) < 10 {
				t.Fatalf("only %d writes acknowledged before the kill:\n%s", len(acks), srv.logs.String())
			}

			// Restart: every acknowledged write is served.
			srv2 := startChild(t, env)
			for _, a := range acks {
				res, err := client.Get(srv2.base + "/api/v1/" + a.kind + "s/" + strconv.FormatInt(a.id, 10))
				if err != nil {
					t.Fatal(err)
				}
				var got struct {
					Name string `json:"name"`
				}
				json.NewDecoder(res.Body).Decode(&got)
				res.Body.Close()
				if res.StatusCode != http.StatusOK || got.Name != a.name {
					t.Errorf("acknowledged %s %d %q: status %d, name %q", a.kind, a.id, a.name, res.StatusCode, got.Name)
				}
			}
			if err := srv2.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			if err := srv2.cmd.Wait(); err != nil {
				t.Errorf("restarted server after SIGTERM: %v\n%s", err, srv2.logs.String())
			}

			// Nothing half-written: every record has its audit entry and every
			// product its producer; the engine's own checks pass.
			ctx := context.Background()
			d, err := db.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			for _, q := range []string{
				`SELECT COUNT(*) FROM producers p WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.entity = 'producer' AND a.action = 'producer.create' AND a.entity_id = CAST(p.id AS TEXT))`,
				`SELECT COUNT(*) FROM products p WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.entity = 'product' AND a.action = 'product.create' AND a.entity_id = CAST(p.id AS TEXT))`,
				`SELECT COUNT(*) FROM audit_log a WHERE a.action = 'producer.create' AND NOT EXISTS (SELECT 1 FROM producers p WHERE CAST(p.id AS TEXT) = a.entity_id)`,
				`SELECT COUNT(*) FROM products p WHERE NOT EXISTS (SELECT 1 FROM producers r WHERE r.id = p.producer_id)`,
			} {
				var n int
				if err := d.QueryRowContext(ctx, q).Scan(&n); err != nil || n != 0 {
					t.Errorf("%s: %d, %v", q, n, err)
				}
			}
			if d.Dialect() == db.SQLite {
				d.Close()
				if err := db.CheckSQLiteFile(ctx, dsn); err != nil {
					t.Error(err)
				}
			}
			t.Logf("%d writes acknowledged before SIGKILL, all present after restart", len(acks))
		})
	}
}

// crashToken creates an API token for the "writer" user.
func crashToken(t *testing.T, env map[string]string) string {
	t.Helper()
	ctx := context.Background()
	cfg := config.Defaults()
	cfg.DatabaseURL, cfg.DataDir = env["OCOP_DATABASE_URL"], env["OCOP_DATA_DIR"]
	a, err := app.Open(ctx, cfg, app.NewLogger(cfg, io.Discard), app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	u, err := a.Accounts.UserByName(ctx, "writer")
	if err != nil {
		t.Fatal(err)
	}
	secret, _, err := a.Accounts.CreateToken(ctx, &account.Principal{UserID: u.ID, Username: u.Username, Role: u.Role}, "crash test")
	if err != nil {
		t.Fatal(err)
	}
	return secret
}
