// Package db opens the platform's database (embedded SQLite by default,
// PostgreSQL in production), applies the embedded migrations, and offers one
// code path for both engines: SQL is written once with '?' placeholders and
// rebound for PostgreSQL, transactions wrap every multi-row change, and
// driver errors are mapped to apperr codes.
//
// It imports only apperr and the drivers. Domain packages own their SQL.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"ocop/internal/apperr"
)

// Dialect names the database engine behind a DB.
type Dialect string

// The supported engines.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open database: a writer pool and a reader pool. For SQLite the
// writer has a single connection (SQLite allows one writer at a time; queuing
// in Go is cheaper than spinning on SQLITE_BUSY) and readers run in parallel
// under WAL. For PostgreSQL both are the same pool.
type DB struct {
	dialect Dialect
	w, r    *sql.DB
	// Location is the file path (SQLite) or the URL without password (PostgreSQL).
	Location string
	rebinds  sync.Map
	stmts    sync.Map // query text → *sql.Stmt on the reader pool (QueryRowPrepared)
}

// Queryer is what both *DB and *Tx offer: queries with '?' placeholders.
type Queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	Dialect() Dialect
}

// Open opens the database named by dsn: "postgres://…" or "postgresql://…"
// for PostgreSQL; "sqlite:path", "file:path" or a plain file path for SQLite.
// It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return openPostgres(ctx, dsn)
	case dsn == "":
		return nil, apperr.New(apperr.Invalid, "err.db_empty")
	default:
		path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "file:")
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		return openSQLite(ctx, path)
	}
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if path == "" || path == ":memory:" {
		return nil, fmt.Errorf("sqlite: a file path is required (in-memory databases cannot be shared between the reader and writer pools)")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("sqlite: create directory for %s: %w", path, err)
		}
	}
	q := url.Values{}
	for _, p := range []string{"foreign_keys(1)", "journal_mode(WAL)", "busy_timeout(10000)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_time_format", "datetime")
	q.Set("_timezone", "UTC")
	base := "file:" + path
	wq := cloneValues(q)
	wq.Set("_txlock", "immediate")
	w, err := sql.Open("sqlite", base+"?"+wq.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	rq := cloneValues(q)
	rq.Add("_pragma", "query_only(1)")
	r, err := sql.Open("sqlite", base+"?"+rq.Encode())
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(8)
	d := &DB{dialect: SQLite, w: w, r: r, Location: path}
	// Touch the writer first so that WAL mode is set before readers attach.
	if err := w.PingContext(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return d, nil
}

func cloneValues(v url.Values) url.Values {
	c := url.Values{}
	for k, vs := range v {
		c[k] = append([]string(nil), vs...)
	}
	return c
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: the database URL is not valid: %w", err)
	}
	p, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	p.SetMaxOpenConns(20)
	p.SetMaxIdleConns(10)
	p.SetConnMaxLifetime(30 * time.Minute)
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := p.PingContext(ctx); err != nil {
		p.Close()
		return nil, fmt.Errorf("postgres: cannot reach %s: %w", u.Redacted(), err)
	}
	return &DB{dialect: Postgres, w: p, r: p, Location: u.Redacted()}, nil
}

// Close closes both pools.
func (d *DB) Close() error {
	d.stmts.Range(func(_, v any) bool { v.(*sql.Stmt).Close(); return true })
	err := d.w.Close()
	if d.r != d.w {
		err = errors.Join(err, d.r.Close())
	}
	return err
}

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.w.PingContext(ctx); err != nil {
		return err
	}
	return d.r.PingContext(ctx)
}

// Rebind rewrites '?' placeholders as $1, $2, … for PostgreSQL. Question
// marks inside single-quoted literals are left alone.
func (d *DB) Rebind(q string) string {
	if d.dialect != Postgres {
		return q
	}
	if v, ok := d.rebinds.Load(q); ok {
		return v.(string)
	}
	r := rebind(q)
	d.rebinds.Store(q, r)
	return r
}

func rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	inStr := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inStr = !inStr
		case c == '?' && !inStr:
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// Dialect reports the engine.
func (d *DB) Dialect() Dialect { return d.dialect }

// ExecContext runs a statement on the writer.
func (d *DB) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	res, err := d.w.ExecContext(ctx, d.Rebind(q), args...)
	return res, mapErr(err)
}

// QueryContext runs a query on a reader.
func (d *DB) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	rows, err := d.r.QueryContext(ctx, d.Rebind(q), args...)
	return rows, mapErr(err)
}

// QueryRowContext runs a single-row query on a reader.
func (d *DB) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return d.r.QueryRowContext(ctx, d.Rebind(q), args...)
}

// QueryRowPrepared runs a single-row query on a reader through a statement
// prepared once per query text and kept for the life of the DB. It is for
// hot read paths with a fixed query text (the stamp verification): SQLite
// otherwise parses and plans the statement on every call. Never build q
// from input: every distinct text stays prepared.
func (d *DB) QueryRowPrepared(ctx context.Context, q string, args ...any) *sql.Row {
	if st, ok := d.stmts.Load(q); ok {
		return st.(*sql.Stmt).QueryRowContext(ctx, args...)
	}
	st, err := d.r.PrepareContext(ctx, d.Rebind(q))
	if err != nil {
		// The same error (or a cancelled context) surfaces from Scan.
		return d.r.QueryRowContext(ctx, d.Rebind(q), args...)
	}
	if prev, loaded := d.stmts.LoadOrStore(q, st); loaded {
		st.Close()
		st = prev.(*sql.Stmt)
	}
	return st.QueryRowContext(ctx, args...)
}

// Tx is a transaction on the writer.
type Tx struct {
	tx *sql.Tx
	d  *DB
}

// Dialect reports the engine.
func (t *Tx) Dialect() Dialect { return t.d.dialect }

// ExecContext runs a statement in the transaction.
func (t *Tx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	res, err := t.tx.ExecContext(ctx, t.d.Rebind(q), args...)
	return res, mapErr(err)
}

// QueryContext runs a query in the transaction.
func (t *Tx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	rows, err := t.tx.QueryContext(ctx, t.d.Rebind(q), args...)
	return rows, mapErr(err)
}

// QueryRowContext runs a single-row query in the transaction.
func (t *Tx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, t.d.Rebind(q), args...)
}

// Savepoint runs fn inside a savepoint: if fn fails, only its own changes
// are rolled back and the transaction stays usable (PostgreSQL otherwise
// aborts the whole transaction on the first error).
func (t *Tx) Savepoint(ctx context.Context, name string, fn func() error) error {
	if _, err := t.tx.ExecContext(ctx, "SAVEPOINT "+name); err != nil {
		return mapErr(err)
	}
	if err := fn(); err != nil {
		if _, rerr := t.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+name); rerr != nil {
			return errors.Join(err, rerr)
		}
		_, _ = t.tx.ExecContext(ctx, "RELEASE SAVEPOINT "+name)
		return err
	}
	_, err := t.tx.ExecContext(ctx, "RELEASE SAVEPOINT "+name)
	return mapErr(err)
}

// InTx runs fn in a transaction on the writer, committing when fn returns
// nil and rolling back otherwise (also on panic).
func (d *DB) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	stx, err := d.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", mapErr(err))
	}
	tx := &Tx{tx: stx, d: d}
	defer func() {
		if p := recover(); p != nil {
			_ = stx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = stx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = stx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", mapErr(err))
	}
	return nil
}

// Constraint kinds recognised in driver errors.
const (
	constraintUnique     = "unique"
	constraintForeignKey = "foreign_key"
	constraintCheck      = "check"
	constraintNotNull    = "not_null"
)

// ConstraintError is a driver error classified as a violated constraint.
type ConstraintError struct {
	Kind string // unique, foreign_key, check, not_null
	// Name is the constraint or "table.column" list as the engine reports it.
	Name string
	Err  error
}

func (e *ConstraintError) Error() string {
	return e.Kind + " constraint " + e.Name + ": " + e.Err.Error()
}
func (e *ConstraintError) Unwrap() error { return e.Err }

// IsUnique reports whether err is a unique-constraint violation, and if so
// which constraint (PostgreSQL name, or SQLite "table.col, table.col").
func IsUnique(err error) (string, bool) {
	var ce *ConstraintError
	if errors.As(err, &ce) && ce.Kind == constraintUnique {
		return ce.Name, true
	}
	return "", false
}

// IsForeignKey reports whether err is a foreign-key violation.
func IsForeignKey(err error) bool {
	var ce *ConstraintError
	return errors.As(err, &ce) && ce.Kind == constraintForeignKey
}

func mapErr(err error) error {
	if err == nil {
		return nil
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return &ConstraintError{Kind: constraintUnique, Name: pe.ConstraintName, Err: err}
		case "23503":
			return &ConstraintError{Kind: constraintForeignKey, Name: pe.ConstraintName, Err: err}
		case "23514":
			return &ConstraintError{Kind: constraintCheck, Name: pe.ConstraintName, Err: err}
		case "23502":
			return &ConstraintError{Kind: constraintNotNull, Name: pe.ColumnName, Err: err}
		}
		// Class 22, data exception: a number out of the column's range,
		// bytes that are not UTF-8, a NUL, a date out of range. Input that
		// slipped past validation is the user's to fix, never a 500.
		if strings.HasPrefix(pe.Code, "22") {
			return apperr.Wrap(apperr.Invalid, err, "err.bad_value")
		}
		return err
	}
	// pgx refuses to encode a parameter out of its column's range (a
	// version of 3,000,000,000 for an INTEGER) before sending it.
	if msg := err.Error(); strings.Contains(msg, "than maximum value for int") || strings.Contains(msg, "than minimum value for int") {
		return apperr.Wrap(apperr.Invalid, err, "err.bad_value")
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		msg := se.Error()
		name := ""
		if i := strings.Index(msg, "failed: "); i >= 0 {
			name = msg[i+len("failed: "):]
			if j := strings.Index(name, " ("); j >= 0 {
				name = name[:j]
			}
		}
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return &ConstraintError{Kind: constraintUnique, Name: name, Err: err}
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return &ConstraintError{Kind: constraintForeignKey, Name: name, Err: err}
		case sqlite3.SQLITE_CONSTRAINT_CHECK:
			return &ConstraintError{Kind: constraintCheck, Name: name, Err: err}
		case sqlite3.SQLITE_CONSTRAINT_NOTNULL:
			return &ConstraintError{Kind: constraintNotNull, Name: name, Err: err}
		}
	}
	return err
}

// Now is the platform's timestamp for rows: UTC, whole seconds, so that both
// engines store and compare it the same way.
func Now() time.Time { return time.Now().UTC().Truncate(time.Second) }

// Placeholders returns n comma-separated '?' placeholders.
func Placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?,", n-1) + "?"
}

// NullString returns nil for an empty string so that optional text columns
// store NULL (needed for unique indexes on optional values).
func NullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Insert runs an INSERT … RETURNING id and returns the new id.
func Insert(ctx context.Context, q Queryer, query string, args ...any) (int64, error) {
	var id int64
	var row *sql.Row
	if d, ok := q.(*DB); ok {
		// A write outside a transaction must go to the writer pool, not a
		// (read-only) reader.
		row = d.w.QueryRowContext(ctx, d.Rebind(query+" RETURNING id"), args...)
	} else {
		row = q.QueryRowContext(ctx, query+" RETURNING id", args...)
	}
	if err := row.Scan(&id); err != nil {
		return 0, mapErr(err)
	}
	return id, nil
}

// Scan maps a driver error from Row.Scan: sql.ErrNoRows becomes an
// apperr.NotFound with the given message key.
func Scan(err error, notFoundKey string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.New(apperr.NotFound, notFoundKey)
	}
	return mapErr(err)
}
