// Package dbtest gives tests a real, migrated database on every engine:
// SQLite always, PostgreSQL when OCOP_TEST_POSTGRES_URL is set (under CI=true
// a missing PostgreSQL fails the test instead of skipping it).
//
// Each test gets its own database, copied from a template migrated once per
// process (SQLite: a file copy; PostgreSQL: CREATE DATABASE … TEMPLATE), so
// that tests are isolated and fast.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"ocop/internal/bootstrap"
	"ocop/internal/db"
	"ocop/internal/evaluation"
)

var (
	refOnce sync.Once
	ref     *bootstrap.Reference
	refErr  error
)

// Reference returns the parsed reference data (shared by all tests).
func Reference(tb testing.TB) *bootstrap.Reference {
	tb.Helper()
	refOnce.Do(func() { ref, refErr = bootstrap.LoadReference() })
	if refErr != nil {
		tb.Fatal(refErr)
	}
	return ref
}

// Engines lists the engines to test: "sqlite", and "postgres" when configured.
func Engines() []db.Dialect {
	if os.Getenv("OCOP_TEST_POSTGRES_URL") != "" {
		return []db.Dialect{db.SQLite, db.Postgres}
	}
	return []db.Dialect{db.SQLite}
}

// Each runs fn as a subtest on every engine with a fresh database. Without
// PostgreSQL configured, a "postgres" subtest is skipped (failed under CI).
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	for _, e := range []db.Dialect{db.SQLite, db.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			fn(t, New(t, e))
		})
	}
}

// New returns a fresh migrated database of the engine, closed and removed
// when the test ends.
func New(tb testing.TB, e db.Dialect) *db.DB {
	tb.Helper()
	r := Reference(tb)
	ctx := context.Background()
	switch e {
	case db.SQLite:
		path := filepath.Join(tb.TempDir(), "ocop.db")
		if err := copyFile(sqliteTemplate(tb, r), path); err != nil {
			tb.Fatal(err)
		}
		d, err := db.Open(ctx, path)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { d.Close() })
		return d
	case db.Postgres:
		base := os.Getenv("OCOP_TEST_POSTGRES_URL")
		if base == "" {
			if os.Getenv("CI") == "true" {
				tb.Fatal("CI=true but OCOP_TEST_POSTGRES_URL is not set")
			}
			tb.Skip("PostgreSQL tests skipped: set OCOP_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
		}
		return newPostgres(tb, base, r)
	}
	tb.Fatalf("unknown engine %q", e)
	return nil
}

var (
	sqliteOnce sync.Once
	sqlitePath string
	sqliteErr  error
)

func sqliteTemplate(tb testing.TB, r *bootstrap.Reference) string {
	sqliteOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ocop-template-")
		if err != nil {
			sqliteErr = err
			return
		}
		sqlitePath = filepath.Join(dir, "template.db")
		ctx := context.Background()
		d, err := db.Open(ctx, sqlitePath)
		if err != nil {
			sqliteErr = err
			return
		}
		defer d.Close()
		if _, err := bootstrap.Migrate(ctx, d, r); err != nil {
			sqliteErr = err
			return
		}
		// Fold the WAL into the main file so that a plain copy is complete.
		_, sqliteErr = d.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	})
	if sqliteErr != nil {
		tb.Fatalf("sqlite template: %v", sqliteErr)
	}
	return sqlitePath
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

var (
	pgOnce sync.Once
	pgTpl  string
	pgErr  error
)

func withDB(base, name string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

func newPostgres(tb testing.TB, base string, r *bootstrap.Reference) *db.DB {
	ctx := context.Background()
	admin, err := db.Open(ctx, base)
	if err != nil {
		tb.Fatalf("PostgreSQL at OCOP_TEST_POSTGRES_URL: %v", err)
	}
	defer admin.Close()
	pgOnce.Do(func() { pgTpl, pgErr = postgresTemplate(ctx, admin, base, r) })
	if pgErr != nil {
		tb.Fatalf("postgres template: %v", pgErr)
	}
	name := "ocop_t_" + randomHex(6)
	if _, err := admin.ExecContext(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, pgTpl)); err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	dsn, _ := withDB(base, name)
	d, err := db.Open(ctx, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		d.Close()
		a, err := db.Open(context.Background(), base)
		if err == nil {
			_, _ = a.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			a.Close()
		}
	})
	return d
}

// postgresTemplate creates (once per schema version, shared by all test
// processes) a migrated template database.
func postgresTemplate(ctx context.Context, admin *db.DB, base string, r *bootstrap.Reference) (string, error) {
	ms, err := db.Migrations(db.Postgres)
	if err != nil {
		return "", err
	}
	// The template holds reference data too: its name changes with the
	// migrations and with the embedded data sets.
	h := r.Units.Hash + evaluation.EmbeddedHash()
	for _, m := range ms {
		h += m.SQL
	}
	name := "ocop_tpl_" + shortHash(h)
	// Serialise template creation across test processes.
	if _, err := admin.ExecContext(ctx, "SELECT pg_advisory_lock(7243002)"); err != nil {
		return "", err
	}
	defer admin.ExecContext(ctx, "SELECT pg_advisory_unlock(7243002)")
	var n int
	if err := admin.QueryRowContext(ctx, "SELECT COUNT(*) FROM pg_database WHERE datname = ?", name).Scan(&n); err != nil {
		return "", err
	}
	if n > 0 {
		return name, nil
	}
	tmp := name + "_build"
	_, _ = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+tmp+" WITH (FORCE)")
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+tmp); err != nil {
		return "", err
	}
	dsn, _ := withDB(base, tmp)
	d, err := db.Open(ctx, dsn)
	if err != nil {
		return "", err
	}
	_, err = bootstrap.Migrate(ctx, d, r)
	d.Close()
	if err != nil {
		return "", err
	}
	if _, err := admin.ExecContext(ctx, fmt.Sprintf("ALTER DATABASE %s RENAME TO %s", tmp, name)); err != nil {
		return "", err
	}
	return name, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func shortHash(s string) string {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return strings.ToLower(fmt.Sprintf("%016x", h))
}
