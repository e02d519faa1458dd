package trade

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"ocop/internal/evaluation"
)

// starCache keeps every product's star today (from its newest certificate
// when valid, by evaluation.CurrentCertificates: the definition the
// catalogue and the certificate pages use), so that matching a demand
// costs no certificate query. It is keyed like the catalogue's own
// catalogue_stars: the day in Vietnam (validity is by day) and the
// certificate change counter the triggers of migration 0010 keep; any
// change to certificates or re-rating dossiers is seen on the next match.
type starCache struct {
	mu    sync.Mutex
	fp    string
	stars map[int64]int
}

// currentStars returns product id → star valid today (absent: none).
func (s *Service) currentStars(ctx context.Context) (map[int64]int, error) {
	var changes int64
	if err := s.DB.QueryRowContext(ctx, "SELECT changes FROM catalogue_state WHERE name = 'stars'").Scan(&changes); err != nil {
		return nil, fmt.Errorf("star counter: %w", err)
	}
	fp := evaluation.VietnamDate(s.Now()).String() + ":" + strconv.FormatInt(changes, 10)
	s.stars.mu.Lock()
	defer s.stars.mu.Unlock()
	if s.stars.fp == fp {
		return s.stars.stars, nil
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT DISTINCT product_id FROM certificates")
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make(map[int64]int, len(ids))
	for len(ids) > 0 {
		part := ids[:min(2000, len(ids))]
		ids = ids[len(part):]
		certs, err := s.Evaluation.CurrentCertificates(ctx, part)
		if err != nil {
			return nil, err
		}
		for id, c := range certs {
			if c.Status.Valid() {
				out[id] = int(c.Star)
			}
		}
	}
	// The counter was read before the certificates: a change in between
	// leaves fp behind the data and the next call rebuilds.
	s.stars.fp, s.stars.stars = fp, out
	return out, nil
}
