package trade

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
)

// Offer is a producer's offer (chào bán) with what it can supply.
type Offer struct {
	ID             int64     `json:"id"`
	ProducerID     int64     `json:"producer_id"`
	ProducerName   string    `json:"producer_name"`
	ProductID      *int64    `json:"product_id,omitempty"`
	CategoryCode   string    `json:"category_code"`
	Title          string    `json:"title"`
	Capacity       float64   `json:"capacity"`
	Unit           string    `json:"unit"`
	Frequency      string    `json:"frequency"`
	Certifications []string  `json:"certifications"`
	Markets        []string  `json:"markets"`
	Note           string    `json:"note"`
	Status         string    `json:"status"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	Version        int       `json:"version"`
}

// OfferInput is what a producer fills in. The category comes from the
// product when one is named.
type OfferInput struct {
	ProducerID     int64    `json:"producer_id"`
	ProductID      *int64   `json:"product_id"`
	CategoryCode   string   `json:"category_code"`
	Title          string   `json:"title"`
	Capacity       float64  `json:"capacity"`
	Unit           string   `json:"unit"`
	Frequency      string   `json:"frequency"`
	Certifications []string `json:"certifications"`
	Markets        []string `json:"markets"`
	Note           string   `json:"note"`
	Status         string   `json:"status"`
	Version        int      `json:"version"`
}

// canEditOffer: each producer account edits only the offers of the
// producers it is verified to act for.
func canEditOffer(p *account.Principal, producerID int64) error {
	if p == nil {
		return apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	if !p.ActsFor(producerID) {
		return apperr.New(apperr.Forbidden, "err.forbidden")
	}
	return nil
}

func (s *Service) validateOffer(ctx context.Context, q db.Queryer, in *OfferInput) error {
	var errs apperr.Errs
	checkText(&errs, "title", &in.Title, true, 200)
	checkText(&errs, "note", &in.Note, false, 2000)
	if in.ProductID != nil {
		var producer int64
		var cat string
		err := q.QueryRowContext(ctx, "SELECT producer_id, category_code FROM products WHERE id = ?", *in.ProductID).Scan(&producer, &cat)
		if err != nil || producer != in.ProducerID {
			errs.Add("product_id", "trade.err_product")
		} else {
			in.CategoryCode = cat
		}
	}
	if _, ok := s.Registry.Categories().Get(in.CategoryCode); !ok {
		errs.Add("category_code", "trade.err_category")
	}
	if !validQuantity(in.Capacity) {
		errs.Add("capacity", "trade.err_capacity")
	}
	if !slices.Contains(Units, in.Unit) {
		errs.Add("unit", "trade.err_unit")
	}
	if !slices.Contains(Frequencies, in.Frequency) {
		errs.Add("frequency", "trade.err_frequency")
	}
	in.Certifications = cleanCodes(in.Certifications)
	for _, c := range in.Certifications {
		if !slices.Contains(Certifications, c) {
			errs.Add("certifications", "trade.err_certification", c)
		}
	}
	in.Markets = cleanCodes(in.Markets)
	for _, m := range in.Markets {
		if !slices.Contains(Markets, m) {
			errs.Add("markets", "trade.err_market")
		}
	}
	if in.Status == "" {
		in.Status = "open"
	}
	if in.Status != "open" && in.Status != "closed" {
		errs.Add("status", "trade.err_status")
	}
	return errs.Err()
}

// CreateOffer posts an offer for a producer the account acts for.
func (s *Service) CreateOffer(ctx context.Context, p *account.Principal, in OfferInput) (Offer, error) {
	if err := canEditOffer(p, in.ProducerID); err != nil {
		return Offer{}, err
	}
	if err := s.validateOffer(ctx, s.DB, &in); err != nil {
		return Offer{}, err
	}
	var out Offer
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		now := s.now()
		id, err := db.Insert(ctx, tx, `INSERT INTO trade_offers (producer_id, product_id, category_code, title, capacity, unit, frequency,
			certifications, markets, note, status, created_by, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
			in.ProducerID, in.ProductID, in.CategoryCode, in.Title, in.Capacity, in.Unit, in.Frequency,
			strings.Join(in.Certifications, ","), strings.Join(in.Markets, ","), in.Note, in.Status, userRef(p), now, now)
		if err != nil {
			return fmt.Errorf("create offer: %w", err)
		}
		if out, err = s.offer(ctx, tx, id); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "trade.offer.create", "trade_offer", id, "", nil, out)
	})
	return out, err
}

// UpdateOffer changes an offer of a producer the account acts for.
func (s *Service) UpdateOffer(ctx context.Context, p *account.Principal, id int64, in OfferInput) (Offer, error) {
	if p == nil {
		return Offer{}, apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	var out Offer
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := s.offer(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := canEditOffer(p, before.ProducerID); err != nil {
			return err
		}
		in.ProducerID = before.ProducerID
		if err := s.validateOffer(ctx, tx, &in); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE trade_offers SET product_id = ?, category_code = ?, title = ?, capacity = ?, unit = ?,
			frequency = ?, certifications = ?, markets = ?, note = ?, status = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND version = ?`, in.ProductID, in.CategoryCode, in.Title, in.Capacity, in.Unit, in.Frequency,
			strings.Join(in.Certifications, ","), strings.Join(in.Markets, ","), in.Note, in.Status, s.now(), id, in.Version)
		if err != nil {
			return fmt.Errorf("update offer: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "err.stale")
		}
		if out, err = s.offer(ctx, tx, id); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "trade.offer.update", "trade_offer", id, "", before, out)
	})
	return out, err
}

const offerCols = `o.id, o.producer_id, pr.name, o.product_id, o.category_code, o.title, o.capacity, o.unit, o.frequency,
	o.certifications, o.markets, o.note, o.status, o.created_at, o.updated_at, o.version`

func scanOffer(sc interface{ Scan(...any) error }) (Offer, error) {
	var o Offer
	var product sql.NullInt64
	var certs, markets string
	err := sc.Scan(&o.ID, &o.ProducerID, &o.ProducerName, &product, &o.CategoryCode, &o.Title, &o.Capacity, &o.Unit, &o.Frequency,
		&certs, &markets, &o.Note, &o.Status, &o.CreatedAt, &o.UpdatedAt, &o.Version)
	if product.Valid {
		o.ProductID = &product.Int64
	}
	o.Certifications, o.Markets = cleanCodes([]string{certs}), cleanCodes([]string{markets})
	return o, err
}

func (s *Service) offer(ctx context.Context, q db.Queryer, id int64) (Offer, error) {
	o, err := scanOffer(q.QueryRowContext(ctx, "SELECT "+offerCols+" FROM trade_offers o JOIN producers pr ON pr.id = o.producer_id WHERE o.id = ?", id))
	if err != nil {
		return Offer{}, db.Scan(err, "trade.err_offer_not_found")
	}
	return o, nil
}

// Offer returns one offer to its producer and the programme office.
func (s *Service) Offer(ctx context.Context, p *account.Principal, id int64) (Offer, error) {
	o, err := s.offer(ctx, s.DB, id)
	if err != nil {
		return Offer{}, err
	}
	switch {
	case p == nil:
		return Offer{}, apperr.New(apperr.Unauthenticated, "err.login_required")
	case p.Province(), p.ActsFor(o.ProducerID):
		return o, nil
	}
	return Offer{}, apperr.New(apperr.Forbidden, "err.forbidden")
}

// Offers lists offers: a producer account those of its producers, the
// office all.
func (s *Service) Offers(ctx context.Context, p *account.Principal) ([]Offer, error) {
	where, args := "", []any{}
	switch {
	case p == nil:
		return nil, apperr.New(apperr.Unauthenticated, "err.login_required")
	case p.Province():
	case p.Is(account.RoleProducer):
		if len(p.Producers) == 0 {
			return nil, nil
		}
		where = " WHERE o.producer_id IN (" + db.Placeholders(len(p.Producers)) + ")"
		for _, id := range p.Producers {
			args = append(args, id)
		}
	default:
		return nil, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+offerCols+" FROM trade_offers o JOIN producers pr ON pr.id = o.producer_id"+where+
		" ORDER BY o.updated_at DESC, o.id DESC LIMIT 500", args...)
	if err != nil {
		return nil, fmt.Errorf("list offers: %w", err)
	}
	defer rows.Close()
	var out []Offer
	for rows.Next() {
		o, err := scanOffer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// userRef is the acting user's id for a REFERENCES users column, or NULL
// for system principals (fixtures, the CLI).
func userRef(p *account.Principal) any {
	if p == nil || p.UserID == 0 {
		return nil
	}
	return p.UserID
}
