package bootstrap_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"ocop/internal/bootstrap"
	"ocop/internal/db"
	"ocop/internal/dbtest"
)

// TestUpgradeFromEverySchema builds the schema of every earlier release
// (migrations 1..k), writes a user into it, then upgrades to the latest
// schema with reference data, as `ocop migrate` does on an upgraded
// binary, and checks the user survived and the schema is current.
func TestUpgradeFromEverySchema(t *testing.T) {
	ms, err := db.Migrations(db.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	ref := dbtest.Reference(t)
	for _, eng := range dbtest.Engines() {
		t.Run(string(eng), func(t *testing.T) {
			for k := 1; k < len(ms); k++ {
				d := emptyDB(t, eng, k)
				ctx := context.Background()
				if _, err := d.MigrateTo(ctx, k); err != nil {
					t.Fatalf("to %d: %v", k, err)
				}
				now := time.Now().UTC().Truncate(time.Second)
				if _, err := d.ExecContext(ctx, `INSERT INTO users (username, display_name, email, phone, password_hash, role, status,
					organisation, buyer_kind, locale, must_change_password, failed_logins, created_at, updated_at, version)
					VALUES ('keeper', 'Keeper', '', '', 'x', 'office', 'active', '', '', 'vi', false, 0, ?, ?, 1)`, now, now); err != nil {
					t.Fatalf("schema %d: %v", k, err)
				}
				if _, err := bootstrap.Migrate(ctx, d, ref); err != nil {
					t.Fatalf("upgrade from %d: %v", k, err)
				}
				v, err := d.SchemaVersion(ctx)
				if err != nil || v != d.LatestVersion() {
					t.Fatalf("upgrade from %d: version %d, %v", k, v, err)
				}
				var n int
				if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE username = 'keeper'").Scan(&n); err != nil || n != 1 {
					t.Fatalf("upgrade from %d: keeper rows %d, %v", k, n, err)
				}
			}
		})
	}
}

// emptyDB returns a database with no schema at all.
func emptyDB(t *testing.T, eng db.Dialect, k int) *db.DB {
	t.Helper()
	ctx := context.Background()
	if eng == db.SQLite {
		d, err := db.Open(ctx, filepath.Join(t.TempDir(), "up"+strconv.Itoa(k)+".db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		return d
	}
	base := os.Getenv("OCOP_TEST_POSTGRES_URL")
	admin, err := db.Open(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := "ocop_t_up_" + strconv.Itoa(k) + "_" + strconv.FormatInt(time.Now().UnixNano()%1e9, 10)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(base)
	u.Path = "/" + name
	d, err := db.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		d.Close()
		if a, err := db.Open(context.Background(), base); err == nil {
			a.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			a.Close()
		}
	})
	return d
}
