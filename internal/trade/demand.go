package trade

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/textfold"
)

// Demand is a verified buyer's demand (nhu cầu) on the supply–demand board.
type Demand struct {
	ID             int64     `json:"id"`
	BuyerUserID    int64     `json:"buyer_user_id"`
	BuyerName      string    `json:"buyer_name"`
	Title          string    `json:"title"`
	CategoryCode   string    `json:"category_code"`
	Keywords       string    `json:"keywords"`
	Quantity       float64   `json:"quantity"`
	Unit           string    `json:"unit"`
	Frequency      string    `json:"frequency"`
	MinStar        int       `json:"min_star"`
	Certifications []string  `json:"certifications"`
	TargetMarket   string    `json:"target_market"`
	DeliveryArea   string    `json:"delivery_area"`
	DeliveryLat    *float64  `json:"delivery_lat,omitempty"`
	DeliveryLon    *float64  `json:"delivery_lon,omitempty"`
	Note           string    `json:"note"`
	Status         string    `json:"status"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	Version        int       `json:"version"`
}

// DemandInput is what a buyer fills in. Quantity 0 means missing.
type DemandInput struct {
	Title          string   `json:"title"`
	CategoryCode   string   `json:"category_code"`
	Keywords       string   `json:"keywords"`
	Quantity       float64  `json:"quantity"`
	Unit           string   `json:"unit"`
	Frequency      string   `json:"frequency"`
	MinStar        int      `json:"min_star"`
	Certifications []string `json:"certifications"`
	TargetMarket   string   `json:"target_market"`
	DeliveryArea   string   `json:"delivery_area"`
	DeliveryLat    *float64 `json:"delivery_lat"`
	DeliveryLon    *float64 `json:"delivery_lon"`
	Note           string   `json:"note"`
	Status         string   `json:"status"`
	Version        int      `json:"version"`
}

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Second) }

// checkText trims s and checks its length in characters; NUL bytes and
// bytes that are not UTF-8 are refused (PostgreSQL cannot store them in
// TEXT, and no form sends them).
func checkText(errs *apperr.Errs, field string, s *string, required bool, maxLen int) {
	*s = textfold.NFC(*s)
	switch {
	case !cleanText(*s):
		errs.Add(field, "err.control_chars")
	case required && *s == "":
		errs.Add(field, "err.required")
	case utf8.RuneCountInString(*s) > maxLen:
		errs.Add(field, "err.too_long", maxLen)
	}
}

// cleanText reports whether s is valid UTF-8 without NUL bytes.
func cleanText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// MaxQuantity bounds quantities and capacities (in their unit per
// delivery): far above any real order, low enough that the engine's
// monthly figures stay finite.
const MaxQuantity = 1e12

// validQuantity reports whether q is a positive finite quantity within
// MaxQuantity (NaN and infinities fail: a form may send "inf").
func validQuantity(q float64) bool { return q > 0 && q <= MaxQuantity }

func (s *Service) validateDemand(in *DemandInput) error {
	var errs apperr.Errs
	checkText(&errs, "title", &in.Title, true, 200)
	checkText(&errs, "keywords", &in.Keywords, false, 200)
	checkText(&errs, "delivery_area", &in.DeliveryArea, true, 200)
	checkText(&errs, "note", &in.Note, false, 2000)
	if in.CategoryCode == "" {
		errs.Add("category_code", "err.required")
	} else if _, ok := s.Registry.Categories().Get(in.CategoryCode); !ok {
		errs.Add("category_code", "trade.err_category")
	}
	if !validQuantity(in.Quantity) {
		errs.Add("quantity", "trade.err_quantity")
	}
	if !slices.Contains(Units, in.Unit) {
		errs.Add("unit", "trade.err_unit")
	}
	if !slices.Contains(Frequencies, in.Frequency) {
		errs.Add("frequency", "trade.err_frequency")
	}
	if in.MinStar != 0 && (in.MinStar < 3 || in.MinStar > 5) {
		errs.Add("min_star", "trade.err_min_star")
	}
	in.Certifications = cleanCodes(in.Certifications)
	for _, c := range in.Certifications {
		if !slices.Contains(Certifications, c) {
			errs.Add("certifications", "trade.err_certification", c)
		}
	}
	if !slices.Contains(Markets, in.TargetMarket) {
		errs.Add("target_market", "trade.err_market")
	}
	checkPoint(&errs, "delivery_lat", in.DeliveryLat, in.DeliveryLon)
	if in.Status == "" {
		in.Status = "open"
	}
	if in.Status != "open" && in.Status != "closed" {
		errs.Add("status", "trade.err_status")
	}
	return errs.Err()
}

// checkPoint checks optional coordinates: both or neither, inside Vietnam.
func checkPoint(errs *apperr.Errs, field string, lat, lon *float64) {
	if (lat == nil) != (lon == nil) {
		errs.Add(field, "trade.err_coords_pair")
	} else if lat != nil && !InVietnam(*lat, *lon) {
		errs.Add(field, "trade.err_coords_vietnam")
	}
}

// cleanCodes lower-cases, trims and de-duplicates codes, keeping order.
func cleanCodes(in []string) []string {
	var out []string
	for _, c := range in {
		for _, part := range strings.Split(c, ",") {
			part = strings.ToLower(strings.TrimSpace(part))
			if part != "" && !slices.Contains(out, part) {
				out = append(out, part)
			}
		}
	}
	return out
}

// canPostDemand: only a buyer the programme office has verified may post
// demands or contact producers (the defence against fake orders starts
// with knowing who is asking).
func canPostDemand(p *account.Principal) error {
	if p == nil {
		return apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	if !p.Is(account.RoleBuyer) {
		return apperr.New(apperr.Forbidden, "err.forbidden")
	}
	if !p.Verified {
		return apperr.New(apperr.Forbidden, "trade.err_buyer_unverified")
	}
	return nil
}

// CreateDemand posts a demand for a verified buyer.
func (s *Service) CreateDemand(ctx context.Context, p *account.Principal, in DemandInput) (Demand, error) {
	if err := canPostDemand(p); err != nil {
		return Demand{}, err
	}
	in.Status = "open"
	if err := s.validateDemand(&in); err != nil {
		return Demand{}, err
	}
	var out Demand
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		now := s.now()
		id, err := db.Insert(ctx, tx, `INSERT INTO trade_demands (buyer_user_id, title, category_code, keywords, quantity, unit, frequency,
			min_star, certifications, target_market, delivery_area, delivery_lat, delivery_lon, note, status, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, 1)`,
			p.UserID, in.Title, in.CategoryCode, in.Keywords, in.Quantity, in.Unit, in.Frequency, in.MinStar,
			strings.Join(in.Certifications, ","), in.TargetMarket, in.DeliveryArea, in.DeliveryLat, in.DeliveryLon, in.Note, now, now)
		if err != nil {
			return fmt.Errorf("create demand: %w", err)
		}
		out, err = s.demand(ctx, tx, id)
		if err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "trade.demand.create", "trade_demand", id, "", nil, out)
	})
	return out, err
}

// UpdateDemand changes a demand; only the buyer who posted it may, and only
// while verified.
func (s *Service) UpdateDemand(ctx context.Context, p *account.Principal, id int64, in DemandInput) (Demand, error) {
	if err := canPostDemand(p); err != nil {
		return Demand{}, err
	}
	var out Demand
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := s.demand(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.BuyerUserID != p.UserID {
			return apperr.New(apperr.Forbidden, "err.forbidden")
		}
		if err := s.validateDemand(&in); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE trade_demands SET title = ?, category_code = ?, keywords = ?, quantity = ?, unit = ?,
			frequency = ?, min_star = ?, certifications = ?, target_market = ?, delivery_area = ?, delivery_lat = ?, delivery_lon = ?,
			note = ?, status = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			in.Title, in.CategoryCode, in.Keywords, in.Quantity, in.Unit, in.Frequency, in.MinStar, strings.Join(in.Certifications, ","),
			in.TargetMarket, in.DeliveryArea, in.DeliveryLat, in.DeliveryLon, in.Note, in.Status, s.now(), id, in.Version)
		if err != nil {
			return fmt.Errorf("update demand: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "err.stale")
		}
		if out, err = s.demand(ctx, tx, id); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "trade.demand.update", "trade_demand", id, "", before, out)
	})
	return out, err
}

const demandCols = `d.id, d.buyer_user_id, COALESCE(NULLIF(u.organisation, ''), u.display_name), d.title, d.category_code, d.keywords,
	d.quantity, d.unit, d.frequency, d.min_star, d.certifications, d.target_market, d.delivery_area, d.delivery_lat, d.delivery_lon,
	d.note, d.status, d.created_at, d.updated_at, d.version`

func scanDemand(sc interface{ Scan(...any) error }) (Demand, error) {
	var d Demand
	var certs string
	var lat, lon sql.NullFloat64
	err := sc.Scan(&d.ID, &d.BuyerUserID, &d.BuyerName, &d.Title, &d.CategoryCode, &d.Keywords, &d.Quantity, &d.Unit, &d.Frequency,
		&d.MinStar, &certs, &d.TargetMarket, &d.DeliveryArea, &lat, &lon, &d.Note, &d.Status, &d.CreatedAt, &d.UpdatedAt, &d.Version)
	d.Certifications = cleanCodes([]string{certs})
	if lat.Valid && lon.Valid {
		d.DeliveryLat, d.DeliveryLon = &lat.Float64, &lon.Float64
	}
	return d, err
}

func (s *Service) demand(ctx context.Context, q db.Queryer, id int64) (Demand, error) {
	d, err := scanDemand(q.QueryRowContext(ctx, "SELECT "+demandCols+" FROM trade_demands d JOIN users u ON u.id = d.buyer_user_id WHERE d.id = ?", id))
	if err != nil {
		return Demand{}, db.Scan(err, "trade.err_demand_not_found")
	}
	return d, nil
}

// canReadDemand: the buyer who posted it and the programme office; any
// producer account may read open demands (to post a fitting offer).
func canReadDemand(p *account.Principal, d Demand) error {
	switch {
	case p == nil:
		return apperr.New(apperr.Unauthenticated, "err.login_required")
	case p.Province(), p.Is(account.RoleBuyer) && d.BuyerUserID == p.UserID:
		return nil
	case p.Is(account.RoleProducer) && len(p.Producers) > 0 && d.Status == "open":
		return nil
	}
	return apperr.New(apperr.Forbidden, "err.forbidden")
}

// Demand returns one demand to those who may read it.
func (s *Service) Demand(ctx context.Context, p *account.Principal, id int64) (Demand, error) {
	d, err := s.demand(ctx, s.DB, id)
	if err != nil {
		return Demand{}, err
	}
	return d, canReadDemand(p, d)
}

// Demands lists demands: a buyer its own, the office all, a producer the
// open ones.
func (s *Service) Demands(ctx context.Context, p *account.Principal) ([]Demand, error) {
	where, args := "", []any{}
	switch {
	case p == nil:
		return nil, apperr.New(apperr.Unauthenticated, "err.login_required")
	case p.Province():
	case p.Is(account.RoleBuyer):
		where, args = " WHERE d.buyer_user_id = ?", []any{p.UserID}
	case p.Is(account.RoleProducer) && len(p.Producers) > 0:
		where = " WHERE d.status = 'open'"
	default:
		return nil, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+demandCols+" FROM trade_demands d JOIN users u ON u.id = d.buyer_user_id"+where+
		" ORDER BY d.created_at DESC, d.id DESC LIMIT 500", args...)
	if err != nil {
		return nil, fmt.Errorf("list demands: %w", err)
	}
	defer rows.Close()
	var out []Demand
	for rows.Next() {
		d, err := scanDemand(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
