package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"ocop/internal/account"
	"ocop/internal/app"
	"ocop/internal/config"
	"ocop/internal/db"
	"ocop/internal/evaluation"
	"ocop/internal/registry"
	"ocop/internal/stamp"
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

// TestCrashSafety streams writes at a server from several clients —
// producers and their products (JSON API), applications (dossiers filed
// through the web form, with a session and its CSRF token), a council
// member's scores (the scoring page's form, one criterion per save), stamp
// batches issued for a certified product (JSON API) and stamp scans (the
// JSON verification API) — kills it with SIGKILL in the middle, restarts it and
// proves that every write it acknowledged is there, with its audit entry,
// that nothing half-written is left, and that the database passes its
// integrity check. On SQLite and PostgreSQL.
//
// A scan is acknowledged when the scan writer has committed it (the
// ocop_stamp_scans_written_total metric), not when the verdict is answered:
// the log is written in batches every 0.5 s away from the request path, so
// a SIGKILL loses the scans of the last flush interval by design (a SIGTERM
// loses none, see TestStampScansSurviveRestart). The test scans distinct
// stamps one after another, so the first W scans are the ones the metric
// counts, and proves that each of them is in the log and in its stamp's
// counter, and that no scan is logged twice or counted without its log row.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	if raceEnabled {
		t.Skip("ten times slower under -race; .ci/run runs it without")
	}
	dbs := map[string]string{"sqlite": filepath.Join(t.TempDir(), "crash.db")}
	if u := os.Getenv("OCOP_TEST_POSTGRES_URL"); u != "" {
		dbs["postgres"] = freshPostgres(t, u)
	}
	for name, dsn := range dbs {
		t.Run(name, func(t *testing.T) {
			env := map[string]string{"OCOP_DATABASE_URL": dsn, "OCOP_DATA_DIR": t.TempDir(), "OCOP_STAMP_QUOTA": "1000000"}
			if _, _, err := runCLI(t, env, "", "migrate"); err != nil {
				t.Fatal(err)
			}
			if _, _, err := runCLI(t, env, "a-long-enough-password\n", "user", "add", "--username", "writer", "--role", "office"); err != nil {
				t.Fatal(err)
			}
			if _, _, err := runCLI(t, env, "a-long-enough-password\n", "user", "add", "--username", "scorer", "--role", "council"); err != nil {
				t.Fatal(err)
			}
			w := crashSetup(t, env)

			srv := startChild(t, env)
			base := srv.base // the server the clients talk to
			type ack struct {
				kind string // producer, product, dossier, batch, score
				id   int64
				name string // the name, the product of a dossier, the batch code, or a score's "dossier/criterion/option"
			}
			var mu sync.Mutex
			var acks []ack
			count := func(kind string) (n int) {
				mu.Lock()
				defer mu.Unlock()
				for _, a := range acks {
					if a.kind == kind {
						n++
					}
				}
				return n
			}
			record := func(a ack) { mu.Lock(); acks = append(acks, a); mu.Unlock() }
			stop := make(chan struct{})
			stopped := func() bool {
				select {
				case <-stop:
					return true
				default:
					return false
				}
			}
			var wg sync.WaitGroup
			client := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			// send makes a request; ok is false when the server did not
			// answer (it was killed), and a 5xx fails the test.
			send := func(method, path, ctype, body string, auth func(*http.Request)) (*http.Response, []byte, bool) {
				req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
				if ctype != "" {
					req.Header.Set("Content-Type", ctype)
				}
				if auth != nil {
					auth(req)
				}
				res, err := client.Do(req)
				if err != nil {
					return nil, nil, false
				}
				defer res.Body.Close()
				b, err := io.ReadAll(res.Body)
				if err != nil {
					return nil, nil, false
				}
				if res.StatusCode >= 500 {
					t.Errorf("%s %s: %d\n%.300s", method, path, res.StatusCode, b)
				}
				return res, b, true
			}
			bearer := func(req *http.Request) { req.Header.Set("Authorization", "Bearer "+w.token) }
			post := func(path string, body any) (int64, bool) {
				b, _ := json.Marshal(body)
				res, out, ok := send(http.MethodPost, path, "application/json", string(b), bearer)
				var v struct {
					ID int64 `json:"id"`
				}
				if !ok || res.StatusCode != http.StatusCreated || json.Unmarshal(out, &v) != nil {
					return 0, false
				}
				return v.ID, true
			}
			for n := range 3 {
				wg.Go(func() {
					// A signed-in office user files applications through the
					// web form, as a browser does.
					session := func(req *http.Request) {
						req.AddCookie(&http.Cookie{Name: "ocop_session", Value: w.session})
					}
					res, page, ok := send(http.MethodGet, "/admin/dossiers/new", "", "", session)
					m := csrfField.FindSubmatch(page)
					if !ok || res.StatusCode != http.StatusOK || m == nil {
						if !stopped() {
							t.Errorf("dossier form: no CSRF token (ok %v)", ok)
						}
						return
					}
					csrf := string(m[1])
					for i := 0; !stopped(); i++ {
						pname := fmt.Sprintf("HTX Crash %d-%d", n, i)
						pid, ok := post("/api/v1/producers", map[string]any{"kind": "cooperative", "name": pname, "commune_code": "00577"})
						if !ok {
							return
						}
						record(ack{"producer", pid, pname})
						gname := fmt.Sprintf("Bình gốm crash %d-%d", n, i)
						gid, ok := post("/api/v1/products", map[string]any{"producer_id": pid, "name": gname, "category_code": "IV.1"})
						if !ok {
							return
						}
						record(ack{"product", gid, gname})
						form := url.Values{"csrf": {csrf}, "product": {strconv.FormatInt(gid, 10)}, "kind": {"first"}}
						res, body, ok := send(http.MethodPost, "/admin/dossiers", "application/x-www-form-urlencoded", form.Encode(), session)
						if !ok {
							return
						}
						m := dossierCreated.FindStringSubmatch(res.Header.Get("Location"))
						if res.StatusCode != http.StatusSeeOther || m == nil {
							t.Errorf("file a dossier: %d %q\n%.300s", res.StatusCode, res.Header.Get("Location"), body)
							return
						}
						did, _ := strconv.ParseInt(m[1], 10, 64)
						record(ack{"dossier", did, strconv.FormatInt(gid, 10)})
					}
				})
			}
			// A council member scores the council's dossiers through the
			// scoring page, one criterion per save, each (dossier,
			// criterion) once.
			wg.Go(func() {
				session := func(req *http.Request) {
					req.AddCookie(&http.Cookie{Name: "ocop_session", Value: w.scorer})
				}
				path := fmt.Sprintf("/admin/councils/%d/dossiers/%d/score", w.council, w.scored[0])
				res, page, ok := send(http.MethodGet, path, "", "", session)
				m := csrfField.FindSubmatch(page)
				if !ok || res.StatusCode != http.StatusOK || m == nil {
					if !stopped() {
						t.Errorf("score page: status %v, no CSRF token (ok %v)", res, ok)
					}
					return
				}
				csrf := string(m[1])
				for _, c := range w.criteria {
					for _, did := range w.scored {
						if stopped() {
							return
						}
						crit := strconv.FormatInt(c[0], 10)
						form := url.Values{"csrf": {csrf}, "only": {crit}, "c" + crit: {strconv.FormatInt(c[1], 10)}, "v" + crit: {"0"}}
						res, body, ok := send(http.MethodPost, fmt.Sprintf("/admin/councils/%d/dossiers/%d/score", w.council, did),
							"application/x-www-form-urlencoded", form.Encode(), session)
						if !ok {
							return
						}
						if res.StatusCode != http.StatusSeeOther {
							t.Errorf("save a score: %d\n%.300s", res.StatusCode, body)
							return
						}
						record(ack{"score", did, fmt.Sprintf("%d/%d/%d", did, c[0], c[1])})
					}
				}
			})
			// Stamp batches for the certified product.
			wg.Go(func() {
				for i := 0; !stopped(); i++ {
					b, _ := json.Marshal(map[string]any{"product_code": w.product, "count": 5, "lot": fmt.Sprintf("L-%d", i)})
					res, out, ok := send(http.MethodPost, "/api/v1/stamp-batches", "application/json", string(b), bearer)
					if !ok {
						return
					}
					var v struct {
						Code string `json:"code"`
					}
					if res.StatusCode != http.StatusCreated || json.Unmarshal(out, &v) != nil || v.Code == "" {
						t.Errorf("issue a batch: %d\n%.300s", res.StatusCode, out)
						return
					}
					record(ack{"batch", 0, v.Code})
				}
			})
			// Scans: each stamp once, in order; the metric says how many of
			// them the scan writer has committed.
			var scanned, committed atomic.Int64
			wg.Go(func() {
				for i, serial := range w.serials {
					if stopped() {
						return
					}
					res, out, ok := send(http.MethodGet, "/api/v1/stamps/"+serial+"/verification", "", "", nil)
					if !ok {
						return
					}
					if res.StatusCode != http.StatusOK || !strings.Contains(string(out), `"genuine"`) {
						t.Errorf("scan %s: %d\n%.300s", serial, res.StatusCode, out)
						return
					}
					scanned.Store(int64(i + 1))
					time.Sleep(3 * time.Millisecond) // keep some stamps for the moment of the kill
					if i%10 == 9 {
						if _, m, ok := send(http.MethodGet, "/metrics", "", "", nil); ok {
							if c := scansWritten.FindSubmatch(m); c != nil {
								n, _ := strconv.ParseInt(string(c[1]), 10, 64)
								committed.Store(max(committed.Load(), n))
							}
						}
					}
				}
			})
			// Kill the server once a good number of writes of every kind is
			// acknowledged (or after a minute: a slow machine, -race).
			streamStart := time.Now()
			for deadline := time.Now().Add(time.Minute); ; {
				if count("dossier") >= 20 && count("batch") >= 15 && count("score") >= 10 && committed.Load() >= 40 || time.Now().After(deadline) {
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
			if t.Failed() {
				t.Fatalf("server log:\n%s", srv.logs.String())
			}
			if count("dossier") < 5 || count("batch") < 5 || count("score") < 5 || committed.Load() < 10 {
				t.Fatalf("only %d dossiers, %d batches, %d scores and %d committed scans acknowledged before the kill:\n%s",
					count("dossier"), count("batch"), count("score"), committed.Load(), srv.logs.String())
			}

			// Restart: every acknowledged write is served.
			srv2 := startChild(t, env)
			base = srv2.base
			session := func(req *http.Request) { req.AddCookie(&http.Cookie{Name: "ocop_session", Value: w.session}) }
			for _, a := range acks {
				switch a.kind {
				case "producer", "product":
					res, out, ok := send(http.MethodGet, "/api/v1/"+a.kind+"s/"+strconv.FormatInt(a.id, 10), "", "", bearer)
					var got struct {
						Name string `json:"name"`
					}
					json.Unmarshal(out, &got)
					if !ok || res.StatusCode != http.StatusOK || got.Name != a.name {
						t.Errorf("acknowledged %s %d %q: ok %v, name %q", a.kind, a.id, a.name, ok, got.Name)
					}
				case "dossier":
					res, _, ok := send(http.MethodGet, "/admin/dossiers/"+strconv.FormatInt(a.id, 10), "", "", session)
					if !ok || res.StatusCode != http.StatusOK {
						t.Errorf("acknowledged dossier %d: ok %v, status %v", a.id, ok, res)
					}
				case "batch":
					res, out, ok := send(http.MethodGet, "/api/v1/stamp-batches/"+a.name, "", "", bearer)
					var got struct {
						Count int `json:"count"`
					}
					json.Unmarshal(out, &got)
					if !ok || res.StatusCode != http.StatusOK || got.Count != 5 {
						t.Errorf("acknowledged batch %s: ok %v, count %d", a.name, ok, got.Count)
					}
				}
			}
			if err := srv2.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			if err := srv2.cmd.Wait(); err != nil {
				t.Errorf("restarted server after SIGTERM: %v\n%s", err, srv2.logs.String())
			}

			// Nothing half-written: every record has its audit entry, every
			// product its producer, every dossier its product, every batch
			// all its stamps; scans are logged at most once and counted
			// exactly as logged; the engine's own checks pass.
			ctx := context.Background()
			d, err := db.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			for _, a := range acks {
				switch a.kind {
				case "dossier":
					var product string
					if err := d.QueryRowContext(ctx, `SELECT CAST(product_id AS TEXT) FROM dossiers WHERE id = ?`, a.id).Scan(&product); err != nil || product != a.name {
						t.Errorf("acknowledged dossier %d: product %q (want %s), %v", a.id, product, a.name, err)
					}
				case "score":
					var did, crit, opt int64
					fmt.Sscanf(a.name, "%d/%d/%d", &did, &crit, &opt)
					var got int64
					if err := d.QueryRowContext(ctx, `SELECT option_id FROM scores WHERE council_id = ? AND dossier_id = ? AND criterion_id = ?`,
						w.council, did, crit).Scan(&got); err != nil || got != opt {
						t.Errorf("acknowledged score %s: option %d, %v", a.name, got, err)
					}
				}
			}
			for _, q := range []string{
				`SELECT COUNT(*) FROM producers p WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.entity = 'producer' AND a.action = 'producer.create' AND a.entity_id = CAST(p.id AS TEXT))`,
				`SELECT COUNT(*) FROM products p WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.entity = 'product' AND a.action = 'product.create' AND a.entity_id = CAST(p.id AS TEXT))`,
				`SELECT COUNT(*) FROM audit_log a WHERE a.action = 'producer.create' AND NOT EXISTS (SELECT 1 FROM producers p WHERE CAST(p.id AS TEXT) = a.entity_id)`,
				`SELECT COUNT(*) FROM products p WHERE NOT EXISTS (SELECT 1 FROM producers r WHERE r.id = p.producer_id)`,
				`SELECT COUNT(*) FROM dossiers x WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.entity = 'dossier' AND a.action = 'dossier.create' AND a.entity_id = CAST(x.id AS TEXT))`,
				`SELECT COUNT(*) FROM audit_log a WHERE a.action = 'dossier.create' AND NOT EXISTS (SELECT 1 FROM dossiers x WHERE CAST(x.id AS TEXT) = a.entity_id)`,
				`SELECT COUNT(*) FROM dossiers x WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.id = x.product_id)`,
				// Each save scored one new criterion and wrote one audit row.
				`SELECT (SELECT COUNT(*) FROM scores) - (SELECT COUNT(*) FROM audit_log WHERE action = 'score.save')`,
				`SELECT COUNT(*) FROM stamp_batches b WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'stamp.issue' AND a.entity_id = b.code)`,
				`SELECT COUNT(*) FROM audit_log a WHERE a.action = 'stamp.issue' AND NOT EXISTS (SELECT 1 FROM stamp_batches b WHERE b.code = a.entity_id)`,
				`SELECT COUNT(*) FROM stamp_batches b WHERE b.count <> (SELECT COUNT(*) FROM stamps s WHERE s.batch_id = b.id)`,
				`SELECT COUNT(*) FROM (SELECT serial FROM stamp_scans GROUP BY serial HAVING COUNT(*) > 1) x`,
				`SELECT COUNT(*) FROM stamps s WHERE s.scan_count <> (SELECT COUNT(*) FROM stamp_scans c WHERE c.serial = s.serial)`,
			} {
				var n int
				if err := d.QueryRowContext(ctx, q).Scan(&n); err != nil || n != 0 {
					t.Errorf("%s: %d, %v", q, n, err)
				}
			}
			// Every committed scan is logged; nothing was logged that was
			// not sent (the last one may have been in flight).
			for _, serial := range w.serials[:committed.Load()] {
				var n int
				if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM stamp_scans WHERE serial = ?`, serial).Scan(&n); err != nil || n != 1 {
					t.Errorf("committed scan of %s: %d log rows, %v", serial, n, err)
				}
			}
			var logged int64
			if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM stamp_scans`).Scan(&logged); err != nil || logged < committed.Load() || logged > scanned.Load()+1 {
				t.Errorf("scan log: %d rows (%v); want from %d committed to %d sent", logged, err, committed.Load(), scanned.Load()+1)
			}
			if d.Dialect() == db.SQLite {
				d.Close()
				if err := db.CheckSQLiteFile(ctx, dsn); err != nil {
					t.Error(err)
				}
			} else {
				checkPostgres(t, d)
			}
			t.Logf("%d writes (%d dossiers, %d scores, %d stamp batches) and %d of %d scans committed in %s before SIGKILL, all present after restart",
				len(acks), count("dossier"), count("score"), count("batch"), committed.Load(), scanned.Load(), time.Since(streamStart).Round(time.Millisecond))
		})
	}
}

var (
	csrfField      = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	dossierCreated = regexp.MustCompile(`^/admin/dossiers/(\d+)/form01$`)
	scansWritten   = regexp.MustCompile(`(?m)^ocop_stamp_scans_written_total (\d+)`)
)

// checkPostgres runs PostgreSQL's own checks: every foreign key and check
// constraint is validated again (ALTER TABLE ... VALIDATE CONSTRAINT works
// only on NOT VALID ones, so each is re-checked by re-adding it as NOT
// VALID inside a rolled-back transaction), and every B-tree index passes
// amcheck's bt_index_check when the extension is available.
func checkPostgres(t *testing.T, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	rows, err := d.QueryContext(ctx, `SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
		FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
		WHERE n.nspname = current_schema() AND c.contype IN ('f', 'c')`)
	if err != nil {
		t.Fatal(err)
	}
	type con struct{ table, name, def string }
	var cons []con
	for rows.Next() {
		var c con
		if err := rows.Scan(&c.table, &c.name, &c.def); err != nil {
			t.Fatal(err)
		}
		cons = append(cons, c)
	}
	rows.Close()
	err = d.InTx(ctx, func(tx *db.Tx) error {
		for _, c := range cons {
			check := c.name + "_recheck"
			if _, err := tx.ExecContext(ctx, `ALTER TABLE `+c.table+` ADD CONSTRAINT `+check+` `+c.def+` NOT VALID`); err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			if _, err := tx.ExecContext(ctx, `ALTER TABLE `+c.table+` VALIDATE CONSTRAINT `+check); err != nil {
				return fmt.Errorf("constraint %s on %s no longer holds: %w", c.name, c.table, err)
			}
		}
		return errRollback
	})
	if err != nil && err != errRollback {
		t.Error(err)
	}
	if len(cons) < 20 {
		t.Errorf("only %d constraints re-checked", len(cons))
	}
	if _, err := d.ExecContext(ctx, `CREATE EXTENSION IF NOT EXISTS amcheck`); err != nil {
		t.Logf("amcheck not available (%v): indexes not checked", err)
		return
	}
	var n int
	if err := d.QueryRowContext(ctx, `SELECT COUNT(bt_index_check(c.oid, true)) FROM pg_index i
		JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam JOIN pg_namespace ns ON ns.oid = c.relnamespace
		WHERE am.amname = 'btree' AND ns.nspname = current_schema() AND c.relpersistence != 't' AND i.indisready AND i.indisvalid`).Scan(&n); err != nil {
		t.Errorf("amcheck: %v", err)
	} else if n == 0 {
		t.Error("amcheck checked no index")
	} else {
		t.Logf("amcheck: %d B-tree indexes intact", n)
	}
}

// errRollback ends a transaction that only checks.
var errRollback = errors.New("rollback")

// crashWorld is what the crash test's clients need: an API token and a
// web session of the office user "writer", a certified product's code and
// the serials of an activated batch to scan; a web session of the council
// member "scorer", who chairs a council with dossiers before it, and the
// criteria of their scorecard (criterion, an option of it).
type crashWorld struct {
	token, session, product string
	serials                 []string
	scorer                  string
	council                 int64
	scored                  []int64
	criteria                [][2]int64
}

func crashSetup(t *testing.T, env map[string]string) crashWorld {
	t.Helper()
	var w crashWorld
	w.product = certifiedProduct(t, env["OCOP_DATABASE_URL"], env["OCOP_DATA_DIR"])
	out, _, err := runCLI(t, env, "", "stamps", "issue", "--product", w.product, "--count", "3000")
	if err != nil {
		t.Fatal(err)
	}
	batch := strings.TrimSpace(out)
	if _, _, err := runCLI(t, env, "", "stamps", "activate", "--batch", batch); err != nil {
		t.Fatal(err)
	}
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
	if w.token, _, err = a.Accounts.CreateToken(ctx, &account.Principal{UserID: u.ID, Username: u.Username, Role: u.Role}, "crash test"); err != nil {
		t.Fatal(err)
	}
	sess, _, err := a.Accounts.Login(ctx, "writer", "a-long-enough-password", "127.0.0.1", "crash test")
	if err != nil {
		t.Fatal(err)
	}
	w.session = sess.Token
	crashCouncil(t, a, &w, u.ID)
	if _, err := a.Stamps.Codes(ctx, &cliPrincipal, batch, func(c stamp.Code) error {
		w.serials = append(w.serials, c.Serial)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return w
}

// crashCouncil forms a council chaired by "scorer" in an open round and
// assigns it twenty accepted dossiers (recorded directly: the state a
// council takes dossiers in), then opens the scorer's session.
func crashCouncil(t *testing.T, a *app.App, w *crashWorld, officeID int64) {
	t.Helper()
	ctx := context.Background()
	office := &account.Principal{UserID: officeID, Username: "writer", Role: account.RoleOffice}
	now := db.Now()
	round, err := db.Insert(ctx, a.DB, `INSERT INTO rounds (level, year, no, title, proposed_before, decided_before, extra, status, created_at, version)
		VALUES ('province', 2026, 1, 'Đợt 1 năm 2026', '2026-10-30', '2026-12-30', FALSE, 'open', ?, 1)`, now)
	if err != nil {
		t.Fatal(err)
	}
	var setID int64
	cat, _ := a.Registry.Categories().Get("I.3.c")
	if err := a.DB.QueryRowContext(ctx, "SELECT id FROM criteria_sets WHERE set_no = ? AND status = 'active'", cat.ScorecardSet).Scan(&setID); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		p, err := a.Registry.CreateProducer(ctx, office, registry.ProducerInput{Kind: registry.KindCooperative, Name: fmt.Sprintf("HTX Chấm điểm %d", i), CommuneCode: "00577"})
		if err != nil {
			t.Fatal(err)
		}
		x, err := a.Registry.CreateProduct(ctx, office, registry.ProductInput{ProducerID: p.ID, Name: fmt.Sprintf("Mứt sấy %d", i), CategoryCode: "I.3.c"})
		if err != nil {
			t.Fatal(err)
		}
		id, err := db.Insert(ctx, a.DB, `INSERT INTO dossiers (reg_no, product_id, producer_id, commune_code, kind, state, criteria_set_id,
			round_id, form01, form02, changes, updates, filed_on, commune_due, return_items, return_due, reject_reason, commune_report,
			samples, proposed_on, complete_on, created_at, updated_at, version)
			VALUES (?, ?, ?, '00577', 'first', 'accepted', ?, NULL, '{}', '{}', '{}', '{}', '2026-09-01', '2026-09-22', '', '', '', '{}', 5, '2026-09-15', '2026-09-20', ?, ?, 1)`,
			fmt.Sprintf("%d/PĐK-01-00577-2026", i+1), x.ID, p.ID, setID, now, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.DB.InTx(ctx, func(tx *db.Tx) error {
			return account.Audit(ctx, tx, office, "dossier.create", "dossier", id, "00577", nil, nil)
		}); err != nil {
			t.Fatal(err)
		}
		w.scored = append(w.scored, id)
	}
	scorer, err := a.Accounts.UserByName(ctx, "scorer")
	if err != nil {
		t.Fatal(err)
	}
	c, err := a.Evaluation.CreateCouncil(ctx, office, evaluation.CouncilInput{RoundID: round, Name: "Hội đồng thử", DecisionNo: "1/QĐ-UBND",
		FormedOn: "2026-11-02", ChairID: scorer.ID, ChairDepartment: "people_committee"})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Evaluation.AssignDossiers(ctx, office, c.ID, w.scored); err != nil {
		t.Fatal(err)
	}
	w.council = c.ID
	set, err := a.Evaluation.Scorecards().GetSet(ctx, &account.Principal{Username: "fixture", Role: account.RoleAdmin}, setID)
	if err != nil {
		t.Fatal(err)
	}
	set.Each(func(_ *evaluation.Part, _ *evaluation.Section, c *evaluation.Criterion) {
		if len(c.Options) > 0 {
			w.criteria = append(w.criteria, [2]int64{c.ID, c.Options[len(c.Options)-1].ID})
		}
	})
	sess, _, err := a.Accounts.Login(ctx, "scorer", "a-long-enough-password", "127.0.0.1", "crash test")
	if err != nil {
		t.Fatal(err)
	}
	w.scorer = sess.Token
}
