package registry

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/adminunit"
	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/textfold"
)

// CraftVillage is a craft village (làng nghề), recognised by the city or
// not, with the crafts it practises.
type CraftVillage struct {
	ID                 int64     `json:"id"`
	Name               string    `json:"name"`
	NameEn             string    `json:"name_en,omitempty"`
	CommuneCode        string    `json:"commune_code"`
	LegacyDistrictCode string    `json:"legacy_district_code,omitempty"`
	LegacyCommuneCode  string    `json:"legacy_commune_code,omitempty"`
	Recognised         bool      `json:"recognised"`
	RecognisedYear     *int      `json:"recognised_year,omitempty"`
	Crafts             string    `json:"crafts"`
	Description        string    `json:"description"`
	Latitude           *float64  `json:"latitude,omitempty"`
	Longitude          *float64  `json:"longitude,omitempty"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
	Version            int       `json:"version"`
	ProductCount       int       `json:"product_count"`
}

// CraftVillageInput is what a form or the API gives.
type CraftVillageInput struct {
	Name               string   `json:"name"`
	NameEn             string   `json:"name_en"`
	CommuneCode        string   `json:"commune_code"`
	LegacyDistrictCode string   `json:"legacy_district_code"`
	LegacyCommuneCode  string   `json:"legacy_commune_code"`
	Recognised         bool     `json:"recognised"`
	RecognisedYear     *int     `json:"recognised_year"`
	Crafts             string   `json:"crafts"`
	Description        string   `json:"description"`
	Latitude           *float64 `json:"latitude"`
	Longitude          *float64 `json:"longitude"`
	Version            int      `json:"version"`
}

func (s *Service) validateVillage(in *CraftVillageInput) error {
	var errs apperr.Errs
	checkText(&errs, "name", &in.Name, 200, true)
	checkText(&errs, "name_en", &in.NameEn, 200, false)
	checkText(&errs, "crafts", &in.Crafts, 500, false)
	checkText(&errs, "description", &in.Description, 10000, false)
	checkCoords(&errs, in.Latitude, in.Longitude)
	if in.RecognisedYear != nil && (*in.RecognisedYear < 1950 || *in.RecognisedYear > s.now().Year()) {
		errs.Add("recognised_year", "err.year_range")
	}
	if !in.Recognised {
		in.RecognisedYear = nil
	}
	addr, err := s.units.Resolve(adminunit.Address{CommuneCode: in.CommuneCode, LegacyDistrictCode: in.LegacyDistrictCode, LegacyCommuneCode: in.LegacyCommuneCode})
	if err != nil {
		errs = append(errs, apperr.As(err).Fields...)
	}
	in.CommuneCode, in.LegacyDistrictCode, in.LegacyCommuneCode = addr.CommuneCode, addr.LegacyDistrictCode, addr.LegacyCommuneCode
	return errs.Err()
}

// CreateCraftVillage records a craft village (province staff anywhere,
// commune officers in their communes).
func (s *Service) CreateCraftVillage(ctx context.Context, p *account.Principal, in CraftVillageInput) (CraftVillage, error) {
	if !p.Province() && !p.Is(account.RoleCommune) {
		return CraftVillage{}, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	if err := s.validateVillage(&in); err != nil {
		return CraftVillage{}, err
	}
	if !canManage(p, in.CommuneCode, 0) {
		return CraftVillage{}, apperr.Fields(apperr.Field("commune_code", "err.commune_out_of_scope"))
	}
	var out CraftVillage
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		now := s.stamp()
		id, err := db.Insert(ctx, tx, `INSERT INTO craft_villages (name, name_en, commune_code, legacy_district_code, legacy_commune_code,
			recognised, recognised_year, crafts, description, latitude, longitude, search_key, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
			in.Name, in.NameEn, in.CommuneCode, db.NullString(in.LegacyDistrictCode), db.NullString(in.LegacyCommuneCode), in.Recognised,
			in.RecognisedYear, in.Crafts, in.Description, in.Latitude, in.Longitude, textfold.Key(in.Name, in.NameEn, in.Crafts), now, now)
		if err != nil {
			return err
		}
		if out, err = s.village(ctx, tx, id); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "craft_village.create", "craft_village", id, out.CommuneCode, nil, out)
	})
	return out, err
}

// UpdateCraftVillage changes a craft village.
func (s *Service) UpdateCraftVillage(ctx context.Context, p *account.Principal, id int64, in CraftVillageInput) (CraftVillage, error) {
	var out CraftVillage
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		before, err := s.village(ctx, tx, id)
		if err != nil {
			return err
		}
		if !p.Province() && !p.InCommune(before.CommuneCode) {
			return forbidden()
		}
		if err := s.validateVillage(&in); err != nil {
			return err
		}
		if !canManage(p, in.CommuneCode, 0) {
			return apperr.Fields(apperr.Field("commune_code", "err.commune_out_of_scope"))
		}
		res, err := tx.ExecContext(ctx, `UPDATE craft_villages SET name = ?, name_en = ?, commune_code = ?, legacy_district_code = ?,
			legacy_commune_code = ?, recognised = ?, recognised_year = ?, crafts = ?, description = ?, latitude = ?, longitude = ?,
			search_key = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			in.Name, in.NameEn, in.CommuneCode, db.NullString(in.LegacyDistrictCode), db.NullString(in.LegacyCommuneCode), in.Recognised,
			in.RecognisedYear, in.Crafts, in.Description, in.Latitude, in.Longitude, textfold.Key(in.Name, in.NameEn, in.Crafts), s.stamp(), id, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "err.stale")
		}
		if before.Name != in.Name {
			if err := s.reindexProducts(ctx, tx, "p.craft_village_id = ?", id); err != nil {
				return err
			}
		}
		if out, err = s.village(ctx, tx, id); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "craft_village.update", "craft_village", id, out.CommuneCode, before, out)
	})
	return out, err
}

const villageCols = `v.id, v.name, v.name_en, v.commune_code, COALESCE(v.legacy_district_code, ''), COALESCE(v.legacy_commune_code, ''),
	v.recognised, v.recognised_year, v.crafts, v.description, v.latitude, v.longitude, v.created_at, v.updated_at, v.version`

func scanVillage(sc interface{ Scan(...any) error }, withCount bool) (CraftVillage, error) {
	var x CraftVillage
	var year sql.NullInt64
	var lat, lng sql.NullFloat64
	dest := []any{&x.ID, &x.Name, &x.NameEn, &x.CommuneCode, &x.LegacyDistrictCode, &x.LegacyCommuneCode, &x.Recognised, &year,
		&x.Crafts, &x.Description, &lat, &lng, &x.CreatedAt, &x.UpdatedAt, &x.Version}
	if withCount {
		dest = append(dest, &x.ProductCount)
	}
	if err := sc.Scan(dest...); err != nil {
		return x, err
	}
	if year.Valid {
		y := int(year.Int64)
		x.RecognisedYear = &y
	}
	if lat.Valid && lng.Valid {
		x.Latitude, x.Longitude = &lat.Float64, &lng.Float64
	}
	return x, nil
}

func (s *Service) village(ctx context.Context, q db.Queryer, id int64) (CraftVillage, error) {
	x, err := scanVillage(q.QueryRowContext(ctx, "SELECT "+villageCols+" FROM craft_villages v WHERE v.id = ?", id), false)
	return x, db.Scan(err, "err.craft_village_not_found")
}

// CraftVillage returns a craft village; villages are public records.
func (s *Service) CraftVillage(ctx context.Context, id int64) (CraftVillage, error) {
	return s.village(ctx, s.db, id)
}

// CanManageVillage reports whether p may change the village.
func CanManageVillage(p *account.Principal, v CraftVillage) bool {
	return p.Province() || p.InCommune(v.CommuneCode)
}

// VillageFilter selects craft villages.
type VillageFilter struct {
	Query          string
	CommuneCode    string
	LegacyDistrict string
	Recognised     *bool
	Page           int
	PerPage        int
}

// ListCraftVillages lists craft villages (public records).
func (s *Service) ListCraftVillages(ctx context.Context, f VillageFilter) (Page[CraftVillage], error) {
	var w where
	if cond, arg, ok := match(s.db.Dialect(), "craft_villages", "v", f.Query); ok {
		w.add(cond, arg)
	} else if strings.TrimSpace(f.Query) != "" {
		return Page[CraftVillage]{Page: 1, PerPage: 25}, nil
	}
	if f.CommuneCode != "" {
		w.add("v.commune_code = ?", f.CommuneCode)
	}
	if f.LegacyDistrict != "" {
		w.add("v.legacy_district_code = ?", f.LegacyDistrict)
	}
	if f.Recognised != nil {
		w.add("v.recognised = ?", *f.Recognised)
	}
	page, per := pageArgs(f.Page, f.PerPage)
	out := Page[CraftVillage]{Page: page, PerPage: per}
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM craft_villages v"+w.sql(), w.args...).Scan(&out.Total); err != nil {
		return out, err
	}
	rows, err := s.db.QueryContext(ctx, "SELECT "+villageCols+`, (SELECT COUNT(*) FROM products x WHERE x.craft_village_id = v.id)
		FROM craft_villages v`+w.sql()+" ORDER BY v.search_key, v.id LIMIT ? OFFSET ?", append(w.args, per, (page-1)*per)...)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		x, err := scanVillage(rows, true)
		if err != nil {
			return out, err
		}
		out.Items = append(out.Items, x)
	}
	return out, rows.Err()
}
