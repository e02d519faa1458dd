package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"ocop/internal/account"
	"ocop/internal/bootstrap"
	"ocop/internal/db"
)

// accountLine is a row of the printed account table: username, password, role.
var accountLine = regexp.MustCompile(`(?m)^\s+(\w+)\s+([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})\s+(\w+)`)

// printedPasswords reads the account table that ocop demo prints.
func printedPasswords(t *testing.T, out string) map[string]string {
	t.Helper()
	pw := map[string]string{}
	for _, m := range accountLine.FindAllStringSubmatch(out, -1) {
		pw[m[1]] = m[2]
	}
	if len(pw) != 7 || pw["admin"] == "" {
		t.Fatalf("printed accounts: got %v in\n%s", pw, out)
	}
	return pw
}

// canLogin opens the database as the platform does and signs in.
func canLogin(t *testing.T, dsn, username, password string) {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ref, err := bootstrap.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := account.NewService(d, ref.Units, account.Options{}).Login(ctx, username, password, "127.0.0.1", "test"); err != nil {
		t.Errorf("sign in as %s with the printed password: %v", username, err)
	}
}

// demoDatabases are the databases the CLI tests run on.
func demoDatabases(t *testing.T) map[string]string {
	dbs := map[string]string{"sqlite": filepath.Join(t.TempDir(), "demo.db")}
	if u := os.Getenv("OCOP_TEST_POSTGRES_URL"); u != "" {
		dbs["postgres"] = freshPostgres(t, u)
	}
	return dbs
}

func TestDemoNoServe(t *testing.T) {
	for name, dsn := range demoDatabases(t) {
		t.Run(name, func(t *testing.T) {
			env := map[string]string{"OCOP_DATA_DIR": t.TempDir()}
			var first map[string]string
			for run := 1; run <= 2; run++ {
				out, errOut, err := runCLI(t, env, "", "demo", "--no-serve", "--db", dsn)
				if err != nil {
					t.Fatalf("run %d: %v\n%s", run, err, errOut)
				}
				for _, want := range []string{"villages 1350/1350", "products 3317/3317", "loaded 1350 craft villages"} {
					if !strings.Contains(errOut, want) {
						t.Errorf("run %d: progress lacks %q:\n%s", run, want, errOut)
					}
				}
				if run == 2 && !strings.Contains(errOut, "removed previous database") && !strings.Contains(errOut, "emptied database") {
					t.Errorf("run 2 did not say it replaced the first demo:\n%s", errOut)
				}
				pw := printedPasswords(t, out)
				if run == 1 {
					first = pw
				} else if pw["admin"] == first["admin"] {
					t.Errorf("run 2 printed the same admin password as run 1")
				}
				if !strings.Contains(out, "Demo database:") {
					t.Errorf("run %d: output lacks the database:\n%s", run, out)
				}
				canLogin(t, dsn, "admin", pw["admin"])
				canLogin(t, dsn, "quangvinh", pw["quangvinh"])
			}
		})
	}
}

// TestDemoKeepsRealData: ocop demo must never delete a registry that is not
// a demo unless told to with --reset.
func TestDemoKeepsRealData(t *testing.T) {
	notDB := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(notDB, []byte("not a database"), 0o600); err != nil {
		t.Fatal(err)
	}
	dbs := demoDatabases(t)
	dbs["not a database"] = notDB
	for name, dsn := range dbs {
		t.Run(name, func(t *testing.T) {
			env := map[string]string{"OCOP_DATA_DIR": t.TempDir()}
			if name != "not a database" {
				if _, errOut, err := runCLI(t, env, "a strong password\n", "user", "add", "--db", dsn, "--username", "boss", "--role", "admin"); err != nil {
					t.Fatalf("user add: %v\n%s", err, errOut)
				}
			}
			_, _, err := runCLI(t, env, "", "demo", "--no-serve", "--db", dsn)
			if err == nil || exitCode(err) != 1 || !strings.Contains(err.Error(), "--reset") {
				t.Fatalf("demo on a real database: got %v, want a refusal that mentions --reset", err)
			}
			if name == "not a database" {
				if b, _ := os.ReadFile(notDB); string(b) != "not a database" {
					t.Fatalf("the file was changed: %q", b)
				}
				return // --reset is the same as on a real database
			}
			canLogin(t, dsn, "boss", "a strong password")
			out, errOut, err := runCLI(t, env, "", "demo", "--no-serve", "--reset", "--db", dsn)
			if err != nil {
				t.Fatalf("demo --reset: %v\n%s", err, errOut)
			}
			canLogin(t, dsn, "admin", printedPasswords(t, out)["admin"])
		})
	}
}

// TestDemoServe runs the demo as the README's first command does (no
// --db: the demo goes to ./ocop-demo.db, never to a real installation's
// ./ocop.db) and searches the served site from the printed address.
func TestDemoServe(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut safeBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--addr", "127.0.0.1:0"}, func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
	}()
	addr := regexp.MustCompile(`running at (http://127\.0\.0\.1:\d+/)`)
	var url string
	// A hang guard, not a speed check: loading the demo under -race on a
	// busy 2-core machine takes a while (its speed is BenchmarkDemoLoad).
	for deadline := time.Now().Add(5 * time.Minute); url == "" && time.Now().Before(deadline); {
		select {
		case err := <-done:
			t.Fatalf("demo stopped early: %v\n%s\n%s", err, out.String(), errOut.String())
		case <-time.After(50 * time.Millisecond):
		}
		if m := addr.FindStringSubmatch(out.String()); m != nil {
			url = m[1]
		}
	}
	if url == "" {
		t.Fatalf("no address printed:\n%s\n%s", out.String(), errOut.String())
	}
	printedPasswords(t, out.String())
	res, err := http.Get(url + "search?q=gom+bat+trang")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET %s: status %d, want 200", url, res.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("demo after Ctrl+C: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("demo did not stop")
	}
	if _, err := os.Stat(filepath.Join(dir, "ocop-demo.db")); err != nil {
		t.Errorf("ocop-demo.db: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "ocop.db")); err == nil {
		t.Errorf("ocop demo created ocop.db")
	}
}
