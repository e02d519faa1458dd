package evaluation

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
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/registry"
)

// Evidence is a file proving what the self-assessment claims (tài liệu
// minh chứng, Mẫu 02 part III): a PDF, JPEG or PNG, attached to one
// criterion or to the dossier as a whole.
type Evidence struct {
	ID          int64     `json:"id"`
	DossierID   int64     `json:"dossier_id"`
	CriterionID int64     `json:"criterion_id,omitempty"`
	CriterionNo string    `json:"criterion_no,omitempty"`
	Hash        string    `json:"hash"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	Filename    string    `json:"filename"`
	Title       string    `json:"title"`
	CreatedAt   time.Time `json:"created_at"`
}

// MaxEvidence bounds the files of one dossier.
const MaxEvidence = 200

// evidenceTypes are the accepted files, by content.
var evidenceTypes = map[string]bool{"application/pdf": true, "image/jpeg": true, "image/png": true}

// CheckedFile is a checked upload: its bytes, content type, content
// hash and, for a picture, its size in pixels (stored with the media row,
// which product photos share when the content is the same).
type CheckedFile struct {
	Data          []byte
	ContentType   string
	Hash          string
	Width, Height int
}

// CheckEvidence reads an upload and checks it is a PDF, JPEG or PNG by its
// content (not its name or declared type) and at most maxBytes long.
func CheckEvidence(r io.Reader, maxBytes int64) (CheckedFile, error) {
	var f CheckedFile
	data, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return f, apperr.Wrap(apperr.Invalid, err, "err.upload_read")
	}
	if int64(len(data)) > maxBytes {
		return f, apperr.Fields(apperr.Field("file", "err.upload_too_large", maxBytes>>20))
	}
	if len(data) == 0 {
		return f, apperr.Fields(apperr.Field("file", "dossier.err_file_required"))
	}
	ct := http.DetectContentType(data)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	switch {
	case !evidenceTypes[ct]:
		return f, apperr.Fields(apperr.Field("file", "dossier.err_evidence_type"))
	case ct == "application/pdf" && !bytes.HasPrefix(data, []byte("%PDF-")):
		return f, apperr.Fields(apperr.Field("file", "dossier.err_evidence_type"))
	case ct != "application/pdf":
		// A picture must decode, within the pixel limit of product photos
		// (a small file can declare a huge canvas).
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
			return f, apperr.Fields(apperr.Field("file", "dossier.err_evidence_type"))
		}
		if cfg.Width*cfg.Height > registry.MaxImagePixels {
			return f, apperr.Fields(apperr.Field("file", "err.upload_too_many_pixels"))
		}
		f.Width, f.Height = cfg.Width, cfg.Height
	}
	sum := sha256.Sum256(data)
	f.Data, f.ContentType, f.Hash = data, ct, hex.EncodeToString(sum[:])
	return f, nil
}

// EvidencePath is where an evidence file is stored: under its content
// hash in the "evidence" folder of the media directory. Evidence is kept
// apart from product photos because /media/{hash} serves photos to
// anyone, while a dossier's papers are for those who may read the dossier.
func (s *Service) EvidencePath(hash string) string {
	if s.mediaDir == "" || len(hash) != 64 {
		return ""
	}
	if _, err := hex.DecodeString(hash); err != nil {
		return ""
	}
	return filepath.Join(s.mediaDir, "evidence", hash[:2], hash)
}

// MaxUpload is the largest evidence file in bytes.
func (s *Service) MaxUpload() int64 { return s.maxUpload }

const evidenceCols = `e.id, e.dossier_id, COALESCE(e.criterion_id, 0), COALESCE(c.no, ''), e.media_hash, m.content_type, m.size,
	e.filename, e.title, e.created_at`

const evidenceFrom = ` FROM evidence e JOIN media m ON m.hash = e.media_hash LEFT JOIN criteria c ON c.id = e.criterion_id`

func scanEvidence(sc interface{ Scan(...any) error }) (Evidence, error) {
	var e Evidence
	err := sc.Scan(&e.ID, &e.DossierID, &e.CriterionID, &e.CriterionNo, &e.Hash, &e.ContentType, &e.Size, &e.Filename, &e.Title, &e.CreatedAt)
	return e, err
}

func listEvidence(ctx context.Context, q db.Queryer, dossierID int64) ([]Evidence, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+evidenceCols+evidenceFrom+" WHERE e.dossier_id = ? ORDER BY e.id", dossierID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Evidence
	for rows.Next() {
		e, err := scanEvidence(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ListEvidence returns the evidence of a dossier p may open.
func (s *Service) ListEvidence(ctx context.Context, p *account.Principal, dossierID int64) ([]Evidence, error) {
	if _, err := s.Dossier(ctx, p, dossierID); err != nil {
		return nil, err
	}
	return listEvidence(ctx, s.db, dossierID)
}

// EvidenceInput describes an uploaded file.
type EvidenceInput struct {
	// CriterionID links the file to a criterion of the dossier's scorecard
	// (0: the dossier as a whole).
	CriterionID int64
	Filename    string
	Title       string
}

// cleanFilename keeps the base name of an uploaded file, without control
// characters or path separators, within 200 characters.
func cleanFilename(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = filepath.Base("/" + name)
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, name)
	if name == "/" || name == "." {
		name = ""
	}
	if r := []rune(name); len(r) > 200 {
		name = string(r[len(r)-200:])
	}
	return name
}

// AddEvidence stores an uploaded file and attaches it to a dossier that p
// may still change (a draft, or one returned for update).
func (s *Service) AddEvidence(ctx context.Context, p *account.Principal, dossierID int64, in EvidenceInput, r io.Reader) (Evidence, error) {
	if err := needLogin(p); err != nil {
		return Evidence{}, err
	}
	// Check scope and state before reading and storing anything, so that
	// a caller outside the scope cannot fill the disk.
	d, err := loadDossier(ctx, s.db, dossierID)
	if err != nil {
		return Evidence{}, err
	}
	if !mayEdit(p, &d) {
		return Evidence{}, outOfScope()
	}
	if !d.Editable() {
		return Evidence{}, apperr.New(apperr.Conflict, "dossier.err_not_editable")
	}
	if s.mediaDir == "" {
		return Evidence{}, apperr.New(apperr.Invalid, "err.uploads_disabled")
	}
	var errs apperr.Errs
	in.Filename = cleanFilename(in.Filename)
	checkDossierText(&errs, "title", &in.Title, shortText, false)
	if in.CriterionID != 0 {
		var n int
		if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM criteria WHERE id = ? AND set_id = ?", in.CriterionID, d.CriteriaSetID).Scan(&n); err != nil {
			return Evidence{}, err
		}
		if n == 0 {
			errs.Add("criterion", "dossier.err_criterion_not_in_set", in.CriterionID)
		}
	}
	if err := errs.Err(); err != nil {
		return Evidence{}, err
	}
	file, err := CheckEvidence(r, s.maxUpload)
	if err != nil {
		return Evidence{}, err
	}
	hash := file.Hash
	if in.Filename == "" {
		in.Filename = hash[:12]
	}
	if in.Title == "" {
		in.Title = in.Filename
	}
	if err := s.storeEvidence(hash, file.Data); err != nil {
		return Evidence{}, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		d, err := loadDossier(ctx, tx, dossierID)
		if err != nil {
			return err
		}
		if !d.Editable() {
			return apperr.New(apperr.Conflict, "dossier.err_not_editable")
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM evidence WHERE dossier_id = ?", dossierID).Scan(&n); err != nil {
			return err
		}
		if n >= MaxEvidence {
			return apperr.Fields(apperr.Field("file", "dossier.err_too_many_evidence", MaxEvidence))
		}
		now := s.stampNow()
		if _, err := tx.ExecContext(ctx, `INSERT INTO media (hash, content_type, size, width, height, created_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (hash) DO NOTHING`, hash, file.ContentType, len(file.Data), file.Width, file.Height, now); err != nil {
			return err
		}
		var crit any
		if in.CriterionID != 0 {
			crit = in.CriterionID
		}
		id, err = db.Insert(ctx, tx, `INSERT INTO evidence (dossier_id, criterion_id, media_hash, filename, title, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, dossierID, crit, hash, in.Filename, in.Title, now, nullUser(p))
		if err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "dossier.add_evidence", "dossier", dossierID, d.CommuneCode, nil,
			map[string]any{"evidence": id, "hash": hash, "filename": in.Filename, "criterion": in.CriterionID})
	})
	if err != nil {
		return Evidence{}, err
	}
	return scanEvidence(s.db.QueryRowContext(ctx, "SELECT "+evidenceCols+evidenceFrom+" WHERE e.id = ?", id))
}

// storeEvidence writes a file under its hash once (same content, same
// file), through a temporary name so that a reader never sees half a file.
func (s *Service) storeEvidence(hash string, data []byte) error {
	path := s.EvidencePath(hash)
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), hash+".*.tmp")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// RemoveEvidence detaches a file from a dossier p may still change. The
// stored file stays: another dossier may hold the same content.
func (s *Service) RemoveEvidence(ctx context.Context, p *account.Principal, dossierID, evidenceID int64) error {
	if err := needLogin(p); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		d, err := loadDossier(ctx, tx, dossierID)
		if err != nil {
			return err
		}
		if !mayEdit(p, &d) {
			return outOfScope()
		}
		e, err := scanEvidence(tx.QueryRowContext(ctx, "SELECT "+evidenceCols+evidenceFrom+" WHERE e.id = ? AND e.dossier_id = ?", evidenceID, dossierID))
		if err != nil {
			return db.Scan(err, "dossier.err_evidence_not_found")
		}
		if !d.Editable() {
			return apperr.New(apperr.Conflict, "dossier.err_not_editable")
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM evidence WHERE id = ?", evidenceID); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "dossier.remove_evidence", "dossier", dossierID, d.CommuneCode,
			map[string]any{"evidence": e.ID, "hash": e.Hash, "filename": e.Filename, "criterion": e.CriterionID}, nil)
	})
}

// EvidenceFile returns an evidence file of a dossier p may read, with the
// path of its stored content.
func (s *Service) EvidenceFile(ctx context.Context, p *account.Principal, dossierID, evidenceID int64) (Evidence, string, error) {
	if _, err := s.Dossier(ctx, p, dossierID); err != nil {
		return Evidence{}, "", err
	}
	e, err := scanEvidence(s.db.QueryRowContext(ctx, "SELECT "+evidenceCols+evidenceFrom+" WHERE e.id = ? AND e.dossier_id = ?", evidenceID, dossierID))
	if err != nil {
		return Evidence{}, "", db.Scan(err, "dossier.err_evidence_not_found")
	}
	path := s.EvidencePath(e.Hash)
	if path == "" {
		return Evidence{}, "", apperr.New(apperr.NotFound, "dossier.err_evidence_not_found")
	}
	return e, path, nil
}
