package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ocop/internal/account"
	"ocop/internal/app"
	"ocop/internal/config"
	"ocop/internal/db"
	"ocop/internal/evaluation"
	"ocop/internal/registry"
	"ocop/internal/stamp"
	"ocop/internal/stamp/stamptest"
)

// stampDBs are the databases a CLI test runs on.
func stampDBs(t *testing.T) map[string]string {
	dbs := map[string]string{"sqlite": filepath.Join(t.TempDir(), "ocop.db")}
	if u := os.Getenv("OCOP_TEST_POSTGRES_URL"); u != "" {
		dbs["postgres"] = freshPostgres(t, u)
	}
	return dbs
}

// certifiedProduct opens the database, records a producer and a product
// with a certificate valid today, and returns the product code.
func certifiedProduct(t *testing.T, dsn, dataDir string) string {
	t.Helper()
	ctx := context.Background()
	cfg := config.Defaults()
	cfg.DatabaseURL, cfg.DataDir = dsn, dataDir
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	admin := &account.Principal{Username: "fixture", Role: account.RoleAdmin}
	p, err := a.Registry.CreateProducer(ctx, admin, registry.ProducerInput{Kind: registry.KindCooperative, Name: "HTX Gốm Bát Tràng", CommuneCode: "00577"})
	if err != nil {
		t.Fatal(err)
	}
	x, err := a.Registry.CreateProduct(ctx, admin, registry.ProductInput{ProducerID: p.ID, Name: "Bình gốm men lam", CategoryCode: "IV.1"})
	if err != nil {
		t.Fatal(err)
	}
	issued := evaluation.VietnamDate(time.Now()).AddDays(-100)
	if _, err := a.DB.ExecContext(ctx, `INSERT INTO certificates (number, product_id, producer_id, star, potential5, issued_on, expires_on,
			rule_set, authority, revoked_on, revoke_ground, revoke_reason, revoke_conclusion, revoke_concluded_on, created_at, version)
		VALUES ('12/GCN-OCOP-01-2026', ?, ?, 4, FALSE, ?, ?, '1489', 'province', '', '', '', '', '', ?, 1)`,
		x.ID, p.ID, issued, evaluation.Expiry(issued), db.Now()); err != nil {
		t.Fatal(err)
	}
	return x.Code
}

// `ocop stamps issue` prints the batch identifier; csv and pdf write the
// codes and the label sheets (which decode with a real decoder); activate
// makes them verify.
func TestStampsCommand(t *testing.T) {
	for name, dsn := range stampDBs(t) {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			code := certifiedProduct(t, dsn, dir)
			env := map[string]string{"OCOP_DATABASE_URL": dsn, "OCOP_DATA_DIR": dir, "OCOP_BASE_URL": "https://ocop.example.vn"}
			out, errOut, err := runCLI(t, env, "", "stamps", "issue", "--product", code, "--count", "45", "--lot", "L-11")
			if err != nil {
				t.Fatalf("issue: %v\n%s", err, errOut)
			}
			batch := strings.TrimSpace(out)
			if len(batch) != 11 || batch[0] != 'B' {
				t.Fatalf("issue printed %q, want a batch identifier", out)
			}
			csvPath := filepath.Join(dir, "codes.csv")
			if _, _, err := runCLI(t, env, "", "stamps", "csv", "--batch", batch, "-o", csvPath); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(csvPath)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(string(b)), "\n")
			if len(lines) != 46 || !strings.HasPrefix(lines[0], "batch,seq,serial") || !strings.HasPrefix(lines[1], batch+",1,") ||
				!strings.Contains(lines[1], "HTTPS://OCOP.EXAMPLE.VN/Q/") || !strings.HasSuffix(lines[1], ","+code+",Bình gốm men lam,4") {
				t.Fatalf("csv: %d lines, first %q %q", len(lines), lines[0], lines[1])
			}
			firstSerial := strings.Split(lines[1], ",")[2]
			pdfPath := filepath.Join(dir, "labels.pdf")
			if out, _, err := runCLI(t, env, "", "stamps", "pdf", "--batch", strings.ToLower(batch), "-o", pdfPath); err != nil || !strings.Contains(out, "45 stamps") {
				t.Fatalf("pdf: %q %v", out, err)
			}
			pdf, err := os.ReadFile(pdfPath)
			if err != nil || !strings.HasPrefix(string(pdf), "%PDF-") {
				t.Fatalf("pdf file: %v", err)
			}
			if haveDecoder(t) {
				got := stamptest.DecodeLabels(t, pdf, stamp.DefaultLayout())
				if got[0] != "HTTPS://OCOP.EXAMPLE.VN/Q/"+firstSerial {
					t.Errorf("first label decodes to %q, want the first serial %s", got[0], firstSerial)
				}
			}
			if out, _, err := runCLI(t, env, "", "stamps", "activate", "--batch", batch); err != nil || !strings.Contains(out, "is active: 45 stamps") {
				t.Fatalf("activate: %q %v", out, err)
			}
			if out, _, err := runCLI(t, env, "", "stamps", "deactivate", "--batch", batch, "--from", "40", "--to", "45", "--reason", "cuộn bị rách"); err != nil || !strings.Contains(out, "6 stamps deactivated") {
				t.Fatalf("deactivate: %q %v", out, err)
			}
			// Refusals explain themselves.
			for _, tt := range []struct {
				args []string
				want string
			}{
				{[]string{"stamps", "issue", "--product", "01-99999-999-2026", "--count", "5"}, "No such product"},
				{[]string{"stamps", "issue", "--product", code, "--count", "0"}, "--count are required"},
				{[]string{"stamps", "issue", "--product", code, "--count", "2000000"}, "1 to 1000000"},
				{[]string{"stamps", "activate", "--batch", "BNOSUCHBATCH"}, "No such stamp batch"},
			} {
				_, _, err := runCLI(t, env, "", tt.args...)
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("%v: %v, want %q", tt.args, err, tt.want)
				}
			}
			delete(env, "OCOP_BASE_URL")
			if _, _, err := runCLI(t, env, "", "stamps", "csv", "--batch", batch, "-o", csvPath); err == nil || !strings.Contains(err.Error(), "OCOP_BASE_URL") {
				t.Errorf("csv without a base URL: %v", err)
			}
		})
	}
}

// haveDecoder reports whether pdftoppm and zbarimg are installed; under
// CI=true they must be.
func haveDecoder(t *testing.T) bool {
	for _, tool := range []string{"pdftoppm", "zbarimg"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is required under CI=true", tool)
			}
			t.Logf("%s not installed: the PDF is not decoded", tool)
			return false
		}
	}
	return true
}

func TestStampsUsage(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"stamps"}, "ocop stamps issue"},
		{[]string{"stamps", "print"}, "unknown stamps command"},
		{[]string{"stamps", "pdf", "--batch", "B1"}, "-o is required"},
		{[]string{"stamps", "activate"}, "--batch is required"},
		{[]string{"stamps", "deactivate", "--batch", "B1"}, "--reason is required"},
	} {
		_, _, err := runCLI(t, nil, "", tt.args...)
		if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: %v, want usage error with %q", tt.args, err, tt.want)
		}
	}
}

// Scans handed to the batched writer are all in the log after a clean
// shutdown, and again after a restart.
func TestStampScansSurviveRestart(t *testing.T) {
	for name, dsn := range stampDBs(t) {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			code := certifiedProduct(t, dsn, dir)
			env := map[string]string{"OCOP_DATABASE_URL": dsn, "OCOP_DATA_DIR": dir}
			out, _, err := runCLI(t, env, "", "stamps", "issue", "--product", code, "--count", "3")
			if err != nil {
				t.Fatal(err)
			}
			batch := strings.TrimSpace(out)
			if _, _, err := runCLI(t, env, "", "stamps", "activate", "--batch", batch); err != nil {
				t.Fatal(err)
			}
			cfg := config.Defaults()
			cfg.DatabaseURL, cfg.DataDir, cfg.Addr = dsn, dir, "127.0.0.1:0"
			var serial string
			total := 0
			for round, n := range []int{57, 23} {
				a, err := app.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Options{Migrate: true})
				if err != nil {
					t.Fatal(err)
				}
				if serial == "" {
					if _, err := a.Stamps.Codes(context.Background(), &cliPrincipal, batch, func(c stamp.Code) error {
						serial = c.Serial
						return nil
					}); err != nil {
						t.Fatal(err)
					}
				}
				ctx, stop := context.WithCancel(context.Background())
				addr := make(chan string, 1)
				done := make(chan error, 1)
				go func() { done <- a.Serve(ctx, func(s string) { addr <- s }) }()
				base := "http://" + <-addr
				for i := 0; i < n; i++ {
					res, err := http.Get(fmt.Sprintf("%s/q/%s?i=%d", base, serial, i))
					if err != nil {
						t.Fatal(err)
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != 200 {
						t.Fatalf("scan %d: %d", i, res.StatusCode)
					}
				}
				stop()
				if err := <-done; err != nil {
					t.Fatalf("serve: %v", err)
				}
				total += n
				var logged, counted int
				if err := a.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM stamp_scans WHERE serial = ?", serial).Scan(&logged); err != nil {
					t.Fatal(err)
				}
				if err := a.DB.QueryRowContext(context.Background(), "SELECT scan_count FROM stamps WHERE serial = ?", serial).Scan(&counted); err != nil {
					t.Fatal(err)
				}
				if logged != total || counted != total || a.Stamps.Scans().Dropped() != 0 {
					t.Errorf("round %d: %d scans logged, %d counted, %d dropped; want %d", round, logged, counted, a.Stamps.Scans().Dropped(), total)
				}
				a.Close()
			}
		})
	}
}
