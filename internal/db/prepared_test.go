package db_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"

	"ocop/internal/db"
	"ocop/internal/dbtest"
)

// TestQueryRowPrepared answers like QueryRowContext, from many goroutines,
// and reports a missing row and a cancelled context the same way.
func TestQueryRowPrepared(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		const q = "SELECT name FROM wards WHERE code = ?"
		var want string
		if err := d.QueryRowContext(ctx, q, "00577").Scan(&want); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for range 50 {
					var got string
					if err := d.QueryRowPrepared(ctx, q, "00577").Scan(&got); err != nil || got != want {
						t.Errorf("prepared: %q, %v; want %q", got, err, want)
						return
					}
				}
			})
		}
		wg.Wait()
		var s string
		if err := d.QueryRowPrepared(ctx, q, "no-such").Scan(&s); !errors.Is(err, sql.ErrNoRows) {
			t.Errorf("missing row: %v", err)
		}
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := d.QueryRowPrepared(cctx, q, "00577").Scan(&s); err == nil {
			t.Error("cancelled context: no error")
		}
		if err := d.QueryRowPrepared(ctx, "SELECT nonsense FROM nowhere WHERE x = ?", 1).Scan(&s); err == nil {
			t.Error("bad query: no error")
		}
	})
}
