package registry

import (
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/adminunit"
	"ocop/internal/db"
	"ocop/internal/textfold"
)

// Service manages the registry over the database.
type Service struct {
	db        *db.DB
	units     *adminunit.Units
	cats      *Categories
	accounts  *account.Service
	now       func() time.Time
	mediaDir  string
	maxUpload int64
}

// Options configure a Service.
type Options struct {
	// MediaDir is where uploaded images are stored (by content hash).
	MediaDir string
	// MaxUpload is the largest accepted image, in bytes.
	MaxUpload int64
	// Now is the clock.
	Now func() time.Time
}

// NewService returns a registry service.
func NewService(d *db.DB, units *adminunit.Units, cats *Categories, accounts *account.Service, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.MaxUpload == 0 {
		opt.MaxUpload = 8 << 20
	}
	return &Service{db: d, units: units, cats: cats, accounts: accounts, now: opt.Now, mediaDir: opt.MediaDir, maxUpload: opt.MaxUpload}
}

// Categories returns the classification in force.
func (s *Service) Categories() *Categories { return s.cats }

// Units returns the administrative units.
func (s *Service) Units() *adminunit.Units { return s.units }

func (s *Service) stamp() time.Time { return s.now().UTC().Truncate(time.Second) }

// Page is one page of a list.
type Page[T any] struct {
	Items   []T `json:"items"`
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
}

// Pages is the number of pages.
func (p Page[T]) Pages() int {
	if p.PerPage == 0 {
		return 0
	}
	return (p.Total + p.PerPage - 1) / p.PerPage
}

// MaxPerPage bounds list pages.
const MaxPerPage = 200

func pageArgs(page, per int) (int, int) {
	if per <= 0 {
		per = 25
	}
	per = min(per, MaxPerPage)
	page = max(page, 1)
	// Cap the offset so that absurd page numbers cost nothing.
	page = min(page, 1_000_000/per+1)
	return page, per
}

// match returns the SQL condition for a full-text search of the folded
// query q in table (which has a search_key column and, on SQLite, a
// <table>_fts index; on PostgreSQL a search_tsv column). Every token must
// match as a prefix. ok is false when q has no searchable token.
func match(d db.Dialect, table, alias, q string) (cond string, arg any, ok bool) {
	toks := textfold.Tokens(q)
	if len(toks) == 0 {
		return "", nil, false
	}
	if len(toks) > 12 {
		toks = toks[:12]
	}
	if d == db.Postgres {
		parts := make([]string, len(toks))
		for i, t := range toks {
			parts[i] = t + ":*"
		}
		return alias + ".search_tsv @@ to_tsquery('simple', ?)", strings.Join(parts, " & "), true
	}
	parts := make([]string, len(toks))
	for i, t := range toks {
		parts[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"*`
	}
	return alias + ".id IN (SELECT rowid FROM " + table + "_fts WHERE " + table + "_fts MATCH ?)", strings.Join(parts, " "), true
}

// where joins conditions with AND.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	if cond == "" {
		return
	}
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}
