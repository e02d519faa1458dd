package market

import (
	"context"
	"database/sql"
	"errors"
	"io"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/registry"
)

// MaxPhotosPerPoint bounds a sale point's gallery (as a product's).
const MaxPhotosPerPoint = 12

// Photos lists a sale point's photos in their order. The files are the
// registry's media (stored once by content hash, served by /media/{hash}).
func (s *Service) Photos(ctx context.Context, pointID int64) ([]registry.Image, error) {
	return s.photos(ctx, s.DB, pointID)
}

func (s *Service) photos(ctx context.Context, q db.Queryer, pointID int64) ([]registry.Image, error) {
	rows, err := q.QueryContext(ctx, `SELECT m.hash, m.content_type, m.width, m.height, i.caption FROM sale_point_images i
		JOIN media m ON m.hash = i.media_hash WHERE i.sale_point_id = ? ORDER BY i.position, m.hash`, pointID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []registry.Image
	for rows.Next() {
		var im registry.Image
		if err := rows.Scan(&im.Hash, &im.ContentType, &im.Width, &im.Height, &im.Caption); err != nil {
			return nil, err
		}
		out = append(out, im)
	}
	return out, rows.Err()
}

// CanEditPhotos reports whether p adds and removes a point's photos: the
// office and the point's own operators (the rule of the shelf).
func (s *Service) CanEditPhotos(ctx context.Context, p *account.Principal, pointID int64) (bool, error) {
	return s.CanStock(ctx, p, pointID)
}

// photoScope checks, in q, that the point exists and that p may change
// its photos; it returns the point and its photo count.
func (s *Service) photoScope(ctx context.Context, q db.Queryer, p *account.Principal, pointID int64) (SalePoint, int, error) {
	x, err := s.point(ctx, q, pointID)
	if err != nil {
		return x, 0, err
	}
	ok := p.Province()
	if !ok {
		if ok, err = s.operates(ctx, q, p, pointID); err != nil {
			return x, 0, err
		}
	}
	if !ok {
		return x, 0, apperr.New(apperr.Forbidden, "err.out_of_scope")
	}
	var n int
	err = q.QueryRowContext(ctx, "SELECT COUNT(*) FROM sale_point_images WHERE sale_point_id = ?", pointID).Scan(&n)
	return x, n, err
}

// AddPhoto stores an uploaded photo and attaches it to a sale point (the
// office or the point's operator). The file goes through the registry's
// checks (JPEG or PNG by content, the upload size limit, the pixel limit
// against image bombs); the point, the permission and the gallery's size
// are checked before anything is written, and again in the transaction.
func (s *Service) AddPhoto(ctx context.Context, p *account.Principal, pointID int64, r io.Reader, caption string) (registry.Image, error) {
	var errs apperr.Errs
	checkText(&errs, "caption", &caption, 300, false)
	// Check the point, the scope and the count before reading and storing
	// anything, so that nobody can fill the media directory with files.
	_, n, err := s.photoScope(ctx, s.DB, p, pointID)
	if err != nil {
		return registry.Image{}, err
	}
	if n >= MaxPhotosPerPoint {
		errs.Add("image", "market.photo_err_too_many", MaxPhotosPerPoint)
	}
	if err := errs.Err(); err != nil {
		return registry.Image{}, err
	}
	im, size, err := s.Registry.SaveMedia(r)
	if err != nil {
		return registry.Image{}, err
	}
	im.Caption = caption
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		x, n, err := s.photoScope(ctx, tx, p, pointID)
		if err != nil {
			return err
		}
		if n >= MaxPhotosPerPoint {
			return apperr.Fields(apperr.Field("image", "market.photo_err_too_many", MaxPhotosPerPoint))
		}
		if err := s.Registry.RecordMedia(ctx, tx, im, size); err != nil {
			return err
		}
		var pos int
		if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(position), -1) + 1 FROM sale_point_images WHERE sale_point_id = ?", pointID).Scan(&pos); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO sale_point_images (sale_point_id, media_hash, position, caption, created_at) VALUES (?, ?, ?, ?, ?)",
			pointID, im.Hash, pos, caption, s.stamp()); err != nil {
			if _, ok := db.IsUnique(err); ok {
				return apperr.Fields(apperr.Field("image", "market.photo_err_duplicate"))
			}
			return err
		}
		return account.Audit(ctx, tx, p, "sale_point.photo_add", "sale_point", pointID, x.CommuneCode, nil, im)
	})
	if err != nil {
		return registry.Image{}, err
	}
	return im, nil
}

// RemovePhoto detaches a photo from a sale point (the office or the
// point's operator). The file and its media row stay: other records may
// share the same content.
func (s *Service) RemovePhoto(ctx context.Context, p *account.Principal, pointID int64, hash string) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		x, _, err := s.photoScope(ctx, tx, p, pointID)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM sale_point_images WHERE sale_point_id = ? AND media_hash = ?", pointID, hash)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "err.media_not_found")
		}
		return account.Audit(ctx, tx, p, "sale_point.photo_remove", "sale_point", pointID, x.CommuneCode, map[string]string{"hash": hash}, nil)
	})
}

// PhotoChange edits one photo of a sale point: its caption and, with
// First, its place at the head of the gallery (the cover shown first).
type PhotoChange struct {
	Caption string `json:"caption"`
	First   bool   `json:"first"`
}

// UpdatePhoto changes a photo's caption and, when asked, makes it the
// gallery's first (the office or the point's operator).
func (s *Service) UpdatePhoto(ctx context.Context, p *account.Principal, pointID int64, hash string, c PhotoChange) error {
	var errs apperr.Errs
	checkText(&errs, "caption", &c.Caption, 300, false)
	if err := errs.Err(); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		x, _, err := s.photoScope(ctx, tx, p, pointID)
		if err != nil {
			return err
		}
		var before string
		var pos int
		err = tx.QueryRowContext(ctx, "SELECT caption, position FROM sale_point_images WHERE sale_point_id = ? AND media_hash = ?",
			pointID, hash).Scan(&before, &pos)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.NotFound, "err.media_not_found")
		}
		if err != nil {
			return err
		}
		if c.First {
			if err := tx.QueryRowContext(ctx, "SELECT MIN(position) - 1 FROM sale_point_images WHERE sale_point_id = ?", pointID).Scan(&pos); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE sale_point_images SET caption = ?, position = ? WHERE sale_point_id = ? AND media_hash = ?",
			c.Caption, pos, pointID, hash); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "sale_point.photo_update", "sale_point", pointID, x.CommuneCode,
			map[string]any{"hash": hash, "caption": before}, map[string]any{"hash": hash, "caption": c.Caption, "first": c.First})
	})
}

// PublicPhoto reports whether a media hash is a photo of an operating
// sale point (such photos are served resized on the public pages, like
// those of public products).
func (s *Service) PublicPhoto(ctx context.Context, hash string) (bool, error) {
	var n int
	err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM sale_point_images i JOIN sale_points sp ON sp.id = i.sale_point_id
		WHERE i.media_hash = ? AND sp.status = 'active'`, hash).Scan(&n)
	return n > 0, err
}
