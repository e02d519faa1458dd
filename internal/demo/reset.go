package demo

import (
	"context"
	"fmt"
	"strings"

	"ocop/internal/db"
)

// State is what a database holds, as far as `ocop demo` needs to know
// before replacing it.
type State struct {
	Tables      int // tables in the schema
	Users       int
	Producers   int
	DemoProduct int // rows in demo_plan: products loaded by a previous demo
}

// Empty reports whether there is nothing to lose: no tables, or a schema
// without users and producers.
func (s State) Empty() bool { return s.Tables == 0 || (s.Users == 0 && s.Producers == 0) }

// Demo reports whether the data was loaded by `ocop demo`, so that
// replacing it loses nothing real.
func (s State) Demo() bool { return s.DemoProduct > 0 }

// Inspect reports what the database holds. It works on a database that was
// never migrated (no tables) as on an ocop database of any version.
func Inspect(ctx context.Context, d *db.DB) (State, error) {
	tables, err := tableNames(ctx, d)
	if err != nil {
		return State{}, err
	}
	st := State{Tables: len(tables)}
	have := map[string]bool{}
	for _, t := range tables {
		have[t] = true
	}
	for _, c := range []struct {
		table string
		n     *int
	}{{"users", &st.Users}, {"producers", &st.Producers}, {"demo_plan", &st.DemoProduct}} {
		if !have[c.table] {
			continue
		}
		if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+c.table).Scan(c.n); err != nil {
			return State{}, fmt.Errorf("inspect %s: %w", c.table, err)
		}
	}
	return st, nil
}

func tableNames(ctx context.Context, d *db.DB) ([]string, error) {
	q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
	if d.Dialect() == db.Postgres {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
	}
	rows, err := d.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Wipe drops and recreates the current schema of a PostgreSQL database,
// removing every table, view, sequence and function in it, so that the
// migrations start from nothing. (For SQLite, delete the file instead.)
func Wipe(ctx context.Context, d *db.DB) error {
	if d.Dialect() != db.Postgres {
		return fmt.Errorf("wipe: only for PostgreSQL; delete the SQLite file instead")
	}
	var schema string
	if err := d.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return fmt.Errorf("wipe: %w", err)
	}
	quoted := `"` + strings.ReplaceAll(schema, `"`, `""`) + `"`
	return d.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, "DROP SCHEMA "+quoted+" CASCADE"); err != nil {
			return fmt.Errorf("wipe: drop schema %s (the database user must own it): %w", schema, err)
		}
		if _, err := tx.ExecContext(ctx, "CREATE SCHEMA "+quoted); err != nil {
			return fmt.Errorf("wipe: create schema %s: %w", schema, err)
		}
		return nil
	})
}
