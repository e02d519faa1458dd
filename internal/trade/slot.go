package trade

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
)

// Slot is a livestream slot: a producer presents some products at a time,
// watched at a link.
type Slot struct {
	ID           int64     `json:"id"`
	EventID      int64     `json:"event_id"`
	ProducerID   int64     `json:"producer_id"`
	ProducerName string    `json:"producer_name"`
	StartsAt     time.Time `json:"starts_at"`
	EndsAt       time.Time `json:"ends_at"`
	Link         string    `json:"link"`
	ProductIDs   []int64   `json:"product_ids"`
	Products     []string  `json:"products"`
}

// SlotInput is what the office fills in for a slot.
type SlotInput struct {
	ProducerID int64
	StartsAt   time.Time
	EndsAt     time.Time
	Link       string
	ProductIDs []int64
}

// AddSlot schedules a livestream slot for a producer whose registration
// was approved; the products shown must be the producer's, the time inside
// the event.
func (s *Service) AddSlot(ctx context.Context, p *account.Principal, eventID int64, in SlotInput) (Slot, error) {
	if err := office(p); err != nil {
		return Slot{}, err
	}
	var out Slot
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		e, err := s.event(ctx, tx, eventID)
		if err != nil {
			return err
		}
		var errs apperr.Errs
		in.Link = strings.TrimSpace(in.Link)
		if in.Link == "" {
			errs.Add("link", "err.required")
		}
		checkURL(&errs, "link", in.Link)
		if in.StartsAt.IsZero() || in.EndsAt.IsZero() || !in.EndsAt.After(in.StartsAt) || in.StartsAt.Before(e.StartsAt) || in.EndsAt.After(e.EndsAt) {
			errs.Add("starts_at", "trade.err_slot_time")
		}
		var status string
		if err := tx.QueryRowContext(ctx, "SELECT status FROM trade_registrations WHERE event_id = ? AND producer_id = ?", eventID, in.ProducerID).Scan(&status); err != nil || status != "approved" {
			errs.Add("producer_id", "trade.err_slot_producer")
		}
		if len(in.ProductIDs) == 0 {
			errs.Add("product_ids", "trade.err_slot_products")
		}
		for _, pid := range in.ProductIDs {
			var owner int64
			if err := tx.QueryRowContext(ctx, "SELECT producer_id FROM products WHERE id = ?", pid).Scan(&owner); err != nil || owner != in.ProducerID {
				errs.Add("product_ids", "trade.err_product")
				break
			}
		}
		if err := errs.Err(); err != nil {
			return err
		}
		ids := make([]string, len(in.ProductIDs))
		for i, id := range in.ProductIDs {
			ids[i] = strconv.FormatInt(id, 10)
		}
		id, err := db.Insert(ctx, tx, "INSERT INTO trade_slots (event_id, producer_id, starts_at, ends_at, link, product_ids, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			eventID, in.ProducerID, in.StartsAt.UTC(), in.EndsAt.UTC(), in.Link, strings.Join(ids, ","), s.now())
		if err != nil {
			return fmt.Errorf("add slot: %w", err)
		}
		out = Slot{ID: id, EventID: eventID, ProducerID: in.ProducerID, StartsAt: in.StartsAt, EndsAt: in.EndsAt, Link: in.Link, ProductIDs: in.ProductIDs}
		return account.Audit(ctx, tx, p, "trade.event.slot", "trade_event", eventID, "", nil, out)
	})
	return out, err
}

// Slots returns the livestream slots of events, with product names.
func (s *Service) Slots(ctx context.Context, eventIDs ...int64) (map[int64][]Slot, error) {
	out := map[int64][]Slot{}
	if len(eventIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(eventIDs))
	for i, id := range eventIDs {
		args[i] = id
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT sl.id, sl.event_id, sl.producer_id, pr.name, sl.starts_at, sl.ends_at, sl.link, sl.product_ids
		FROM trade_slots sl JOIN producers pr ON pr.id = sl.producer_id WHERE sl.event_id IN (`+db.Placeholders(len(args))+`) ORDER BY sl.starts_at, sl.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("slots: %w", err)
	}
	var all []*Slot
	var list []Slot
	for rows.Next() {
		var sl Slot
		var ids string
		if err := rows.Scan(&sl.ID, &sl.EventID, &sl.ProducerID, &sl.ProducerName, &sl.StartsAt, &sl.EndsAt, &sl.Link, &ids); err != nil {
			rows.Close()
			return nil, err
		}
		for _, x := range strings.Split(ids, ",") {
			if n, err := strconv.ParseInt(x, 10, 64); err == nil {
				sl.ProductIDs = append(sl.ProductIDs, n)
			}
		}
		list = append(list, sl)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range list {
		all = append(all, &list[i])
	}
	for _, sl := range all {
		for _, pid := range sl.ProductIDs {
			var name string
			if err := s.DB.QueryRowContext(ctx, "SELECT name FROM products WHERE id = ?", pid).Scan(&name); err == nil {
				sl.Products = append(sl.Products, name)
			}
		}
		out[sl.EventID] = append(out[sl.EventID], *sl)
	}
	return out, nil
}
