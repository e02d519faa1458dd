package registry

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image"
	_ "image/jpeg" // registers JPEG for DecodeConfig
	_ "image/png"  // registers PNG for DecodeConfig
	"io"
	"net/http"
	"os"
	"path/filepath"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
)

// Image is a product photo, stored once by content hash.
type Image struct {
	Hash        string `json:"hash"`
	ContentType string `json:"content_type"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	Caption     string `json:"caption,omitempty"`
}

// URL is where the image is served.
func (i Image) URL() string { return "/media/" + i.Hash }

// MaxImagePixels bounds decoded image size (a small file can declare a huge
// canvas: an "image bomb").
const MaxImagePixels = 40_000_000

// MaxImagesPerProduct bounds the gallery.
const MaxImagesPerProduct = 12

func (s *Service) images(ctx context.Context, q db.Queryer, productID int64) ([]Image, error) {
	rows, err := q.QueryContext(ctx, `SELECT m.hash, m.content_type, m.width, m.height, i.caption FROM product_images i
		JOIN media m ON m.hash = i.media_hash WHERE i.product_id = ? ORDER BY i.position, m.hash`, productID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Image
	for rows.Next() {
		var im Image
		if err := rows.Scan(&im.Hash, &im.ContentType, &im.Width, &im.Height, &im.Caption); err != nil {
			return nil, err
		}
		out = append(out, im)
	}
	return out, rows.Err()
}

// CheckImage reads an upload and checks it is a JPEG or PNG by content (not
// by name or declared type), within the size and pixel limits.
func CheckImage(r io.Reader, maxBytes int64) ([]byte, Image, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return nil, Image{}, apperr.Wrap(apperr.Invalid, err, "err.upload_read")
	}
	if int64(len(data)) > maxBytes {
		return nil, Image{}, apperr.Fields(apperr.Field("image", "err.upload_too_large", maxBytes>>20))
	}
	ct := http.DetectContentType(data)
	if ct != "image/jpeg" && ct != "image/png" {
		return nil, Image{}, apperr.Fields(apperr.Field("image", "err.upload_not_image"))
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, Image{}, apperr.Fields(apperr.Field("image", "err.upload_not_image"))
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > MaxImagePixels {
		return nil, Image{}, apperr.Fields(apperr.Field("image", "err.upload_too_many_pixels"))
	}
	sum := sha256.Sum256(data)
	return data, Image{Hash: hex.EncodeToString(sum[:]), ContentType: ct, Width: cfg.Width, Height: cfg.Height}, nil
}

// MediaPath returns the file of a stored media hash ("" if the hash is malformed).
func (s *Service) MediaPath(hash string) string {
	if len(hash) != 64 {
		return ""
	}
	if _, err := hex.DecodeString(hash); err != nil {
		return ""
	}
	return filepath.Join(s.mediaDir, hash[:2], hash)
}

// MediaType returns the content type of a stored media hash.
func (s *Service) MediaType(ctx context.Context, hash string) (string, error) {
	var ct string
	err := s.db.QueryRowContext(ctx, "SELECT content_type FROM media WHERE hash = ?", hash).Scan(&ct)
	return ct, db.Scan(err, "err.media_not_found")
}

// MaxUpload is the largest accepted upload in bytes.
func (s *Service) MaxUpload() int64 { return s.maxUpload }

// SaveMedia checks an upload with CheckImage (the configured size limit)
// and writes its file into the media directory, once per content hash,
// through a temporary file. Nothing is written when the check fails. The
// caller records the media row with RecordMedia in the transaction that
// attaches the image (product photos, sale-point photos); size is the
// file's length in bytes.
func (s *Service) SaveMedia(r io.Reader) (im Image, size int, err error) {
	if s.mediaDir == "" {
		return Image{}, 0, apperr.New(apperr.Invalid, "err.uploads_disabled")
	}
	data, im, err := CheckImage(r, s.maxUpload)
	if err != nil {
		return Image{}, 0, err
	}
	path := s.MediaPath(im.Hash)
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return Image{}, 0, err
	}
	if _, err := os.Stat(path); err != nil {
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, data, 0o640); err != nil {
			return Image{}, 0, err
		}
		if err := os.Rename(tmp, path); err != nil {
			return Image{}, 0, err
		}
	}
	return im, len(data), nil
}

// RecordMedia adds the media row of an image saved by SaveMedia (nothing
// when the same content is already recorded).
func (s *Service) RecordMedia(ctx context.Context, tx *db.Tx, im Image, size int) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO media (hash, content_type, size, width, height, created_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (hash) DO NOTHING`, im.Hash, im.ContentType, size, im.Width, im.Height, s.stamp())
	return err
}

// AddImage stores an uploaded image and attaches it to a product.
func (s *Service) AddImage(ctx context.Context, p *account.Principal, productID int64, r io.Reader, caption string) (Image, error) {
	if s.mediaDir == "" {
		return Image{}, apperr.New(apperr.Invalid, "err.uploads_disabled")
	}
	// Check the scope before reading and storing anything, so that a caller
	// outside it cannot fill the media directory with files.
	x, err := s.product(ctx, s.db, productID)
	if err != nil {
		return Image{}, err
	}
	if !canManage(p, x.CommuneCode, x.ProducerID) {
		return Image{}, forbidden()
	}
	var errs apperr.Errs
	checkText(&errs, "caption", &caption, 300, false)
	if err := errs.Err(); err != nil {
		return Image{}, err
	}
	im, size, err := s.SaveMedia(r)
	if err != nil {
		return Image{}, err
	}
	im.Caption = caption
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		x, err := s.product(ctx, tx, productID)
		if err != nil {
			return err
		}
		if !canManage(p, x.CommuneCode, x.ProducerID) {
			return forbidden()
		}
		if len(x.Images) >= MaxImagesPerProduct {
			return apperr.Fields(apperr.Field("image", "err.too_many_images", MaxImagesPerProduct))
		}
		if err := s.RecordMedia(ctx, tx, im, size); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO product_images (product_id, media_hash, position, caption) VALUES (?, ?, ?, ?)",
			productID, im.Hash, len(x.Images), caption); err != nil {
			if _, ok := db.IsUnique(err); ok {
				return apperr.Fields(apperr.Field("image", "err.image_duplicate"))
			}
			return err
		}
		return account.Audit(ctx, tx, p, "product.add_image", "product", productID, x.CommuneCode, nil, im)
	})
	return im, err
}

// RemoveImage detaches an image from a product (the file stays: other
// products may share it).
func (s *Service) RemoveImage(ctx context.Context, p *account.Principal, productID int64, hash string) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		x, err := s.product(ctx, tx, productID)
		if err != nil {
			return err
		}
		if !canManage(p, x.CommuneCode, x.ProducerID) {
			return forbidden()
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM product_images WHERE product_id = ? AND media_hash = ?", productID, hash)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "err.media_not_found")
		}
		return account.Audit(ctx, tx, p, "product.remove_image", "product", productID, x.CommuneCode, map[string]string{"hash": hash}, nil)
	})
}
