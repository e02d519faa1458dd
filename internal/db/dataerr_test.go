package db_test

import (
	"context"
	"testing"

	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/dbtest"
)

// TestDataErrorsAreInvalid: a value that slipped past validation and that
// PostgreSQL refuses (a number beyond an INTEGER column, bytes that are not
// UTF-8, a NUL) comes back as an Invalid error (a 422 with a message), not
// as an internal one (a 500). SQLite stores such values; the services'
// own checks refuse them first.
func TestDataErrorsAreInvalid(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.ExecContext(ctx, "CREATE TABLE dataerr_probe (n INTEGER NOT NULL, s TEXT NOT NULL)"); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(ctx, "INSERT INTO dataerr_probe (n, s) VALUES (?, ?)", 1, "ok"); err != nil {
			t.Fatalf("a valid row: %v", err)
		}
		if d.Dialect() != db.Postgres {
			return
		}
		for name, args := range map[string][]any{
			"beyond INTEGER": {int64(3_000_000_000), "x"},
			"below INTEGER":  {int64(-3_000_000_000), "x"},
			"not UTF-8":      {1, "a\xffb"},
			"NUL":            {1, "a\x00b"},
		} {
			_, err := d.ExecContext(ctx, "INSERT INTO dataerr_probe (n, s) VALUES (?, ?)", args...)
			if err == nil || !apperr.Is(err, apperr.Invalid) {
				t.Errorf("%s: %v (code %q), want an Invalid error", name, err, apperr.CodeOf(err))
			}
		}
		err := d.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, "UPDATE dataerr_probe SET n = ? WHERE n = ?", 1, int64(1)<<40)
			return err
		})
		if !apperr.Is(err, apperr.Invalid) {
			t.Errorf("in a transaction: %v, want an Invalid error", err)
		}
	})
}
