package catalogue

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"ocop/internal/db"
	"ocop/internal/evaluation"
)

// counters reads the change counters the triggers of migration 0010
// keep: stars (certificates, re-rating dossiers) and registry (products,
// producers, craft villages, photos). One tiny query per request.
func (s *Service) counters(ctx context.Context) (stars, registry int64, err error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT name, changes FROM catalogue_state WHERE name IN ('stars', 'registry')")
	if err != nil {
		return 0, 0, fmt.Errorf("catalogue state: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			return 0, 0, err
		}
		if name == "stars" {
			stars = n
		} else {
			registry = n
		}
	}
	return stars, registry, rows.Err()
}

// fresh brings catalogue_stars up to date and returns the fingerprints of
// the data the catalogue's answers derive from: stars (the day in Vietnam,
// since validity is by day, and the certificate counter) and registry.
func (s *Service) fresh(ctx context.Context) (starsFP, registryFP string, err error) {
	st, reg, err := s.counters(ctx)
	if err != nil {
		return "", "", err
	}
	starsFP = evaluation.VietnamDate(s.Now()).String() + ":" + strconv.FormatInt(st, 10)
	registryFP = strconv.FormatInt(reg, 10)
	return starsFP, registryFP, s.refreshStars(ctx, starsFP)
}

// RefreshStars brings catalogue_stars up to date (see refreshStars).
func (s *Service) RefreshStars(ctx context.Context) error {
	_, _, err := s.fresh(ctx)
	return err
}

// refreshStars brings catalogue_stars up to date with fingerprint fp: one
// row per product whose newest certificate is valid today, with its star.
// Free when nothing changed; otherwise it rebuilds the table in one
// transaction, serialised across instances by the catalogue_state row.
func (s *Service) refreshStars(ctx context.Context, fp string) error {
	s.mu.Lock()
	same := s.starsFP == fp
	s.mu.Unlock()
	if same {
		return nil
	}
	s.starsBuild.Lock()
	defer s.starsBuild.Unlock()
	s.mu.Lock()
	same = s.starsFP == fp
	s.mu.Unlock()
	if same {
		return nil
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		// Take the row lock first: a concurrent rebuild waits here.
		if _, err := tx.ExecContext(ctx, "UPDATE catalogue_state SET refreshed_at = refreshed_at WHERE name = 'stars'"); err != nil {
			return err
		}
		var stored string
		if err := tx.QueryRowContext(ctx, "SELECT fingerprint FROM catalogue_state WHERE name = 'stars'").Scan(&stored); err != nil {
			return err
		}
		if stored == fp {
			return nil
		}
		var ids []int64
		rows, err := tx.QueryContext(ctx, "SELECT DISTINCT product_id FROM certificates")
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM catalogue_stars"); err != nil {
			return err
		}
		const chunk = 2000
		for len(ids) > 0 {
			part := ids[:min(chunk, len(ids))]
			ids = ids[len(part):]
			certs, err := s.Evaluation.CurrentCertificates(ctx, part)
			if err != nil {
				return err
			}
			var vals []string
			var args []any
			for _, id := range part {
				c, ok := certs[id]
				if !ok || !c.Status.Valid() {
					continue
				}
				vals = append(vals, "(?, ?, ?, ?, ?)")
				args = append(args, id, int(c.Star), c.Potential5, c.ID, c.IssuedOn.String())
				if len(vals) == 400 {
					if err := insertStars(ctx, tx, vals, args); err != nil {
						return err
					}
					vals, args = nil, nil
				}
			}
			if err := insertStars(ctx, tx, vals, args); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, "UPDATE catalogue_state SET fingerprint = ?, refreshed_at = ? WHERE name = 'stars'", fp, s.Now().UTC().Truncate(1e9))
		return err
	})
	if err != nil {
		return fmt.Errorf("refresh catalogue stars: %w", err)
	}
	s.mu.Lock()
	s.starsFP = fp
	s.mu.Unlock()
	return nil
}

func insertStars(ctx context.Context, tx *db.Tx, vals []string, args []any) error {
	if len(vals) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, "INSERT INTO catalogue_stars (product_id, star, potential5, certificate_id, issued_on) VALUES "+strings.Join(vals, ", "), args...)
	return err
}
