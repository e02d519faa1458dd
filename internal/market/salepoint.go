package market

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"ocop/internal/account"
	"ocop/internal/adminunit"
	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/registry"
	"ocop/internal/textfold"
)

// SalePointKinds are the locations QĐ 950/QĐ-BCT admits for an OCOP sale
// point (điểm giới thiệu và bán sản phẩm OCOP), in the decision's order.
var SalePointKinds = []string{"station", "airport", "bus_terminal", "ferry_terminal", "rest_stop", "mall", "supermarket",
	"market", "tourist_site", "restaurant_hotel", "craft_village", "commercial_centre", "industrial_cluster",
	"fair_centre", "post_office", "other"}

// Stock categories: an OCOP product (valid ≥3★ certificate) or one of the
// other kinds of goods QĐ 950 lets a point sell, which pages flag as such.
const (
	StockOCOP         = "ocop"
	StockKeyProduct   = "key_product"   // sản phẩm chủ lực của tỉnh
	StockRuralTypical = "rural_typical" // sản phẩm công nghiệp nông thôn tiêu biểu
	StockSpecialty    = "specialty"     // đặc sản địa phương
)

// StockCategories lists the stock categories, OCOP first.
var StockCategories = []string{StockOCOP, StockKeyProduct, StockRuralTypical, StockSpecialty}

// Sale point statuses.
const (
	PointActive = "active"
	PointClosed = "closed"
)

// SalePoint is an OCOP sale point.
type SalePoint struct {
	ID                 int64     `json:"id"`
	Name               string    `json:"name"`
	Kind               string    `json:"kind"`
	Operator           string    `json:"operator"`
	CommuneCode        string    `json:"commune_code"`
	LegacyDistrictCode string    `json:"legacy_district_code,omitempty"`
	LegacyCommuneCode  string    `json:"legacy_commune_code,omitempty"`
	AddressLine        string    `json:"address_line"`
	Latitude           float64   `json:"latitude"`
	Longitude          float64   `json:"longitude"`
	Hours              string    `json:"hours"`
	Phone              string    `json:"phone"`
	Email              string    `json:"email"`
	CraftVillageID     *int64    `json:"craft_village_id,omitempty"`
	Status             string    `json:"status"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
	Version            int       `json:"version"`
	ProductCount       int       `json:"product_count"`
	// Photos are filled by SalePoint (a single point), in their order.
	Photos []registry.Image `json:"photos,omitempty"`
}

// SalePointInput is what the office's form or the API gives.
type SalePointInput struct {
	Name               string   `json:"name"`
	Kind               string   `json:"kind"`
	Operator           string   `json:"operator"`
	CommuneCode        string   `json:"commune_code"`
	LegacyDistrictCode string   `json:"legacy_district_code"`
	LegacyCommuneCode  string   `json:"legacy_commune_code"`
	AddressLine        string   `json:"address_line"`
	Latitude           *float64 `json:"latitude"`
	Longitude          *float64 `json:"longitude"`
	Hours              string   `json:"hours"`
	Phone              string   `json:"phone"`
	Email              string   `json:"email"`
	CraftVillageID     *int64   `json:"craft_village_id"`
	Status             string   `json:"status"`
	Version            int      `json:"version"`
}

// Stocked is one product on a sale point's shelf.
type Stocked struct {
	ProductID    int64     `json:"product_id"`
	ProductCode  string    `json:"product_code"`
	ProductName  string    `json:"product_name"`
	ProducerName string    `json:"producer_name"`
	Category     string    `json:"category"`
	Star         int       `json:"star"` // current star, 0 when no valid certificate today
	AddedAt      time.Time `json:"added_at"`
}

var phoneRe = regexp.MustCompile(`^\+?[0-9 .()-]{8,20}$`)

// checkText normalises and bounds a free-text field.
func checkText(errs *apperr.Errs, field string, v *string, max int, required bool) {
	*v = textfold.NFC(strings.TrimSpace(*v))
	switch {
	case required && *v == "":
		errs.Add(field, "err.required")
	case utf8.RuneCountInString(*v) > max:
		errs.Add(field, "err.too_long", max)
	case strings.ContainsAny(*v, "\x00") || !utf8.ValidString(*v):
		errs.Add(field, "err.control_chars")
	}
}

// InVietnam reports whether a point lies within Vietnam's mainland and
// islands' bounding box (the registry's rule; NaN is outside).
func InVietnam(lat, lng float64) bool {
	return !math.IsNaN(lat) && !math.IsNaN(lng) && lat >= 8 && lat <= 24 && lng >= 102 && lng <= 118
}

// validatePoint normalises the input and checks it, resolving the
// address's old and new administrative units.
func (s *Service) validatePoint(in *SalePointInput) error {
	var errs apperr.Errs
	checkText(&errs, "name", &in.Name, 200, true)
	checkText(&errs, "operator", &in.Operator, 200, true)
	checkText(&errs, "address_line", &in.AddressLine, 300, true)
	checkText(&errs, "hours", &in.Hours, 200, false)
	checkText(&errs, "phone", &in.Phone, 20, false)
	checkText(&errs, "email", &in.Email, 200, false)
	if !slices.Contains(SalePointKinds, in.Kind) {
		errs.Add("kind", "market.err_kind")
	}
	if in.Status == "" {
		in.Status = PointActive
	}
	if in.Status != PointActive && in.Status != PointClosed {
		errs.Add("status", "err.status_unknown")
	}
	if in.Phone != "" && !phoneRe.MatchString(in.Phone) {
		errs.Add("phone", "err.phone_format")
	}
	if in.Email != "" {
		if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
			errs.Add("email", "err.email_format")
		}
	}
	switch {
	case in.Latitude == nil || in.Longitude == nil:
		errs.Add("latitude", "market.err_coords_required")
	case !InVietnam(*in.Latitude, *in.Longitude):
		errs.Add("latitude", "err.coords_outside_vietnam")
	}
	addr, err := s.Registry.Units().Resolve(adminunit.Address{CommuneCode: in.CommuneCode, LegacyDistrictCode: in.LegacyDistrictCode, LegacyCommuneCode: in.LegacyCommuneCode})
	if err != nil {
		if e := apperr.As(err); e != nil {
			errs = append(errs, e.Fields...)
		} else {
			return err
		}
	}
	in.CommuneCode, in.LegacyDistrictCode, in.LegacyCommuneCode = addr.CommuneCode, addr.LegacyDistrictCode, addr.LegacyCommuneCode
	if in.CraftVillageID != nil && *in.CraftVillageID <= 0 {
		in.CraftVillageID = nil
	}
	return errs.Err()
}

// bump records a change of the market tables for the in-memory indexes
// (other instances see the counter move; this one drops its index after
// the transaction).
func (s *Service) bump(ctx context.Context, tx *db.Tx) error {
	_, err := tx.ExecContext(ctx, "UPDATE market_state SET changes = changes + 1 WHERE name = 'market'")
	// A reader racing the commit may rebuild from the old rows; it keeps
	// the old counter, so the next counter read (≤ counterTTL) rebuilds.
	s.invalidate()
	return err
}

func (s *Service) stamp() time.Time { return s.Now().UTC().Truncate(time.Second) }

// CanManagePoints reports whether p registers and edits sale points: the
// programme office (admin, office).
func CanManagePoints(p *account.Principal) bool { return p.Province() }

// CreateSalePoint registers a sale point (the programme office).
func (s *Service) CreateSalePoint(ctx context.Context, p *account.Principal, in SalePointInput) (SalePoint, error) {
	if !CanManagePoints(p) {
		return SalePoint{}, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	if err := s.validatePoint(&in); err != nil {
		return SalePoint{}, err
	}
	var out SalePoint
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := s.checkVillage(ctx, tx, in.CraftVillageID); err != nil {
			return err
		}
		now := s.stamp()
		id, err := db.Insert(ctx, tx, `INSERT INTO sale_points (name, kind, operator, commune_code, legacy_district_code, legacy_commune_code,
			address_line, latitude, longitude, hours, phone, email, craft_village_id, status, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
			in.Name, in.Kind, in.Operator, in.CommuneCode, db.NullString(in.LegacyDistrictCode), db.NullString(in.LegacyCommuneCode),
			in.AddressLine, *in.Latitude, *in.Longitude, in.Hours, in.Phone, in.Email, in.CraftVillageID, in.Status, now, now)
		if err != nil {
			return err
		}
		if out, err = s.point(ctx, tx, id); err != nil {
			return err
		}
		if err := s.bump(ctx, tx); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "sale_point.create", "sale_point", id, out.CommuneCode, nil, out)
	})
	return out, err
}

func (s *Service) checkVillage(ctx context.Context, q db.Queryer, id *int64) error {
	if id == nil {
		return nil
	}
	var n int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM craft_villages WHERE id = ?", *id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.Fields(apperr.Field("craft_village_id", "err.craft_village_not_found"))
	}
	return nil
}

// UpdateSalePoint changes a sale point (the programme office; optimistic
// locking on Version).
func (s *Service) UpdateSalePoint(ctx context.Context, p *account.Principal, id int64, in SalePointInput) (SalePoint, error) {
	if !CanManagePoints(p) {
		return SalePoint{}, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	if err := s.validatePoint(&in); err != nil {
		return SalePoint{}, err
	}
	var out SalePoint
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := s.point(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.checkVillage(ctx, tx, in.CraftVillageID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE sale_points SET name = ?, kind = ?, operator = ?, commune_code = ?, legacy_district_code = ?,
			legacy_commune_code = ?, address_line = ?, latitude = ?, longitude = ?, hours = ?, phone = ?, email = ?, craft_village_id = ?,
			status = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			in.Name, in.Kind, in.Operator, in.CommuneCode, db.NullString(in.LegacyDistrictCode), db.NullString(in.LegacyCommuneCode),
			in.AddressLine, *in.Latitude, *in.Longitude, in.Hours, in.Phone, in.Email, in.CraftVillageID, in.Status, s.stamp(), id, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "err.stale")
		}
		if out, err = s.point(ctx, tx, id); err != nil {
			return err
		}
		if err := s.bump(ctx, tx); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "sale_point.update", "sale_point", id, out.CommuneCode, before, out)
	})
	return out, err
}

const pointCols = `sp.id, sp.name, sp.kind, sp.operator, sp.commune_code, COALESCE(sp.legacy_district_code, ''), COALESCE(sp.legacy_commune_code, ''),
	sp.address_line, sp.latitude, sp.longitude, sp.hours, sp.phone, sp.email, sp.craft_village_id, sp.status, sp.created_at, sp.updated_at, sp.version,
	(SELECT COUNT(*) FROM sale_point_products spp WHERE spp.sale_point_id = sp.id)`

func scanPoint(sc interface{ Scan(...any) error }) (SalePoint, error) {
	var x SalePoint
	var village sql.NullInt64
	err := sc.Scan(&x.ID, &x.Name, &x.Kind, &x.Operator, &x.CommuneCode, &x.LegacyDistrictCode, &x.LegacyCommuneCode, &x.AddressLine,
		&x.Latitude, &x.Longitude, &x.Hours, &x.Phone, &x.Email, &village, &x.Status, &x.CreatedAt, &x.UpdatedAt, &x.Version, &x.ProductCount)
	if village.Valid {
		x.CraftVillageID = &village.Int64
	}
	return x, err
}

func (s *Service) point(ctx context.Context, q db.Queryer, id int64) (SalePoint, error) {
	x, err := scanPoint(q.QueryRowContext(ctx, "SELECT "+pointCols+" FROM sale_points sp WHERE sp.id = ?", id))
	return x, db.Scan(err, "market.err_point_not_found")
}

// SalePoint returns a sale point. Closed points are visible only to the
// office and the point's operators; to others they are not found.
func (s *Service) SalePoint(ctx context.Context, p *account.Principal, id int64) (SalePoint, error) {
	x, err := s.point(ctx, s.DB, id)
	if err != nil {
		return x, err
	}
	if x.Status != PointActive && !p.Province() {
		ok, err := s.operates(ctx, s.DB, p, id)
		if err != nil {
			return x, err
		}
		if !ok {
			return SalePoint{}, apperr.New(apperr.NotFound, "market.err_point_not_found")
		}
	}
	x.Photos, err = s.photos(ctx, s.DB, id)
	return x, err
}

// PointFilter selects sale points.
type PointFilter struct {
	Commune string
	Kind    string
	// All includes closed points (office only).
	All bool
}

// ListSalePoints lists sale points by name; closed ones only for the
// office when asked.
func (s *Service) ListSalePoints(ctx context.Context, p *account.Principal, f PointFilter) ([]SalePoint, error) {
	var conds []string
	var args []any
	if !(f.All && p.Province()) {
		conds = append(conds, "sp.status = 'active'")
	}
	if f.Commune != "" {
		conds, args = append(conds, "sp.commune_code = ?"), append(args, f.Commune)
	}
	if f.Kind != "" {
		conds, args = append(conds, "sp.kind = ?"), append(args, f.Kind)
	}
	q := "SELECT " + pointCols + " FROM sale_points sp"
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	rows, err := s.DB.QueryContext(ctx, q+" ORDER BY sp.name, sp.id", args...)
	if err != nil {
		return nil, fmt.Errorf("list sale points: %w", err)
	}
	defer rows.Close()
	var out []SalePoint
	for rows.Next() {
		x, err := scanPoint(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// MyPoints lists the ids of the sale points a salepoint account operates.
func (s *Service) MyPoints(ctx context.Context, p *account.Principal) ([]int64, error) {
	if !p.Is(account.RoleSalePoint) {
		return nil, nil
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT sale_point_id FROM sale_point_operators WHERE user_id = ? ORDER BY sale_point_id", p.UserID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// operates reports whether p is a salepoint account linked to the point.
func (s *Service) operates(ctx context.Context, q db.Queryer, p *account.Principal, pointID int64) (bool, error) {
	if !p.Is(account.RoleSalePoint) {
		return false, nil
	}
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM sale_point_operators WHERE sale_point_id = ? AND user_id = ?", pointID, p.UserID).Scan(&n)
	return n > 0, err
}

// CanStock reports whether p may change the point's stocked products:
// the office, and the point's own operators.
func (s *Service) CanStock(ctx context.Context, p *account.Principal, pointID int64) (bool, error) {
	if p.Province() {
		return true, nil
	}
	return s.operates(ctx, s.DB, p, pointID)
}

// LinkOperator lets a salepoint account operate a point (the office).
func (s *Service) LinkOperator(ctx context.Context, p *account.Principal, pointID int64, username string) error {
	if !CanManagePoints(p) {
		return apperr.New(apperr.Forbidden, "err.forbidden")
	}
	u, err := s.Accounts.UserByName(ctx, strings.TrimSpace(username))
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			return apperr.Fields(apperr.Field("username", "err.user_not_found"))
		}
		return err
	}
	if u.Role != account.RoleSalePoint {
		return apperr.Fields(apperr.Field("username", "market.err_not_salepoint_user"))
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		x, err := s.point(ctx, tx, pointID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO sale_point_operators (sale_point_id, user_id, created_at) VALUES (?, ?, ?)", pointID, u.ID, s.stamp()); err != nil {
			if _, ok := db.IsUnique(err); ok {
				return nil
			}
			return err
		}
		return account.Audit(ctx, tx, p, "sale_point.operator_link", "sale_point", pointID, x.CommuneCode, nil, map[string]any{"user": u.Username})
	})
}

// Operators lists the user names operating a point.
func (s *Service) Operators(ctx context.Context, pointID int64) ([]string, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT u.username FROM sale_point_operators o JOIN users u ON u.id = o.user_id
		WHERE o.sale_point_id = ? ORDER BY u.username`, pointID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// StockInput adds a product to a point's shelf, by product code.
type StockInput struct {
	ProductCode string `json:"product_code"`
	Category    string `json:"category"`
}

// AddStock puts a product on a point's shelf: an OCOP product needs a
// certificate valid today (≥3★: the only certified levels); the other
// QĐ 950 categories need an active product and are flagged as such.
func (s *Service) AddStock(ctx context.Context, p *account.Principal, pointID int64, in StockInput) (Stocked, error) {
	ok, err := s.CanStock(ctx, p, pointID)
	if err != nil {
		return Stocked{}, err
	}
	if !ok {
		return Stocked{}, apperr.New(apperr.Forbidden, "err.out_of_scope")
	}
	in.ProductCode = strings.TrimSpace(in.ProductCode)
	if in.Category == "" {
		in.Category = StockOCOP
	}
	var errs apperr.Errs
	if in.ProductCode == "" {
		errs.Add("product_code", "err.required")
	}
	if !slices.Contains(StockCategories, in.Category) {
		errs.Add("category", "market.err_stock_category")
	}
	if err := errs.Err(); err != nil {
		return Stocked{}, err
	}
	var productID int64
	var status string
	err = s.DB.QueryRowContext(ctx, "SELECT id, status FROM products WHERE code = ?", in.ProductCode).Scan(&productID, &status)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && status != "active") {
		return Stocked{}, apperr.Fields(apperr.Field("product_code", "err.product_not_found"))
	}
	if err != nil {
		return Stocked{}, err
	}
	if in.Category == StockOCOP {
		c, err := s.Evaluation.CurrentCertificate(ctx, productID)
		if err != nil && !apperr.Is(err, apperr.NotFound) {
			return Stocked{}, err
		}
		if err != nil || !c.Status.Valid() || c.Star < 3 {
			return Stocked{}, apperr.Fields(apperr.Field("product_code", "market.err_not_certified"))
		}
	}
	var out Stocked
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		x, err := s.point(ctx, tx, pointID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO sale_point_products (sale_point_id, product_id, category, created_at) VALUES (?, ?, ?, ?)",
			pointID, productID, in.Category, s.stamp()); err != nil {
			if _, ok := db.IsUnique(err); ok {
				return apperr.Fields(apperr.Field("product_code", "market.err_already_stocked"))
			}
			return err
		}
		if err := s.bump(ctx, tx); err != nil {
			return err
		}
		out = Stocked{ProductID: productID, ProductCode: in.ProductCode, Category: in.Category}
		return account.Audit(ctx, tx, p, "sale_point.stock_add", "sale_point", pointID, x.CommuneCode, nil, out)
	})
	return out, err
}

// RemoveStock takes a product off a point's shelf.
func (s *Service) RemoveStock(ctx context.Context, p *account.Principal, pointID, productID int64) error {
	ok, err := s.CanStock(ctx, p, pointID)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.New(apperr.Forbidden, "err.out_of_scope")
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		x, err := s.point(ctx, tx, pointID)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM sale_point_products WHERE sale_point_id = ? AND product_id = ?", pointID, productID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "err.product_not_found")
		}
		if err := s.bump(ctx, tx); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "sale_point.stock_remove", "sale_point", pointID, x.CommuneCode, map[string]any{"product_id": productID}, nil)
	})
}

// Stock lists a point's shelf with each product's star as the catalogue
// shows it (catalogue_stars; 0 when no certificate is valid). publicOnly
// keeps what the public sees: active products, OCOP ones only while their
// certificate is valid (the in-memory index's rule).
func (s *Service) Stock(ctx context.Context, pointID int64, publicOnly bool) ([]Stocked, error) {
	q := `SELECT p.id, p.code, p.name, pr.name, spp.category, COALESCE(cs.star, 0), spp.created_at
		FROM sale_point_products spp JOIN products p ON p.id = spp.product_id JOIN producers pr ON pr.id = p.producer_id
		LEFT JOIN catalogue_stars cs ON cs.product_id = p.id WHERE spp.sale_point_id = ?`
	// The public shelf is what the index shows (certificate validity by
	// evaluation's rule, the same as the nearest-points lists).
	var shown func(productID int64) bool
	if publicOnly {
		q += " AND p.status = 'active'"
		ix, err := s.snapshot(ctx)
		if err != nil {
			return nil, err
		}
		pos, ok := ix.byID[pointID]
		shown = func(productID int64) bool { return ok && slices.Contains(ix.stock[productID], int32(pos)) }
	}
	rows, err := s.DB.QueryContext(ctx, q+" ORDER BY p.name, p.id", pointID)
	if err != nil {
		return nil, fmt.Errorf("stock of point %d: %w", pointID, err)
	}
	defer rows.Close()
	var out []Stocked
	for rows.Next() {
		var x Stocked
		if err := rows.Scan(&x.ProductID, &x.ProductCode, &x.ProductName, &x.ProducerName, &x.Category, &x.Star, &x.AddedAt); err != nil {
			return nil, err
		}
		if shown != nil && !shown(x.ProductID) {
			continue
		}
		out = append(out, x)
	}
	return out, rows.Err()
}
