package catalogue

import (
	"context"
	"slices"

	"ocop/internal/db"
)

// IndexAnswers returns, for a search text, the public products the
// in-memory index matches and those the database's full-text index
// (SQLite FTS5 / PostgreSQL tsvector) matches for the same terms, both
// sorted, so a test can prove they are the same.
func (s *Service) IndexAnswers(ctx context.Context, text string) (mem, dbIDs []int64, err error) {
	starsFP, regFP, err := s.fresh(ctx)
	if err != nil {
		return nil, nil, err
	}
	t, _, err := s.resolve(ctx, text, regFP)
	if err != nil || len(t) == 0 {
		return nil, nil, err
	}
	snap, err := s.snapshot(ctx, starsFP+"|"+regFP)
	if err != nil {
		return nil, nil, err
	}
	snap.match(t, func(h *hit) { mem = append(mem, h.id) })
	q, arg := "SELECT rowid FROM products_fts WHERE products_fts MATCH ?", any(t.ftsExpr())
	if s.DB.Dialect() == db.Postgres {
		q, arg = "SELECT id FROM products WHERE search_tsv @@ to_tsquery('simple', ?)", t.tsquery()
	}
	rows, err := s.DB.QueryContext(ctx, q, arg)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, nil, err
		}
		if _, ok := snap.byID[id]; ok {
			dbIDs = append(dbIDs, id)
		}
	}
	slices.Sort(mem)
	slices.Sort(dbIDs)
	return mem, dbIDs, rows.Err()
}
