package market

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
)

// Chain is a retail chain partner (Central Retail, AEON, WinMart, Hapro…)
// with its stores and listed products.
type Chain struct {
	ID        int64          `json:"id"`
	Name      string         `json:"name"`
	Website   string         `json:"website,omitempty"`
	Stores    []ChainStore   `json:"stores"`
	Listings  []ChainListing `json:"listings"`
	CreatedAt time.Time      `json:"created_at"`
	Version   int            `json:"version"`
}

// ChainStore is one store of a chain.
type ChainStore struct {
	ID          int64   `json:"id"`
	Name        string  `json:"name"`
	CommuneCode string  `json:"commune_code"`
	AddressLine string  `json:"address_line"`
	Latitude    float64 `json:"latitude"`
	Longitude   float64 `json:"longitude"`
}

// ChainListing is a product listed by a chain: in every store (StoreID 0)
// or in one.
type ChainListing struct {
	ProductID   int64  `json:"product_id"`
	ProductCode string `json:"product_code"`
	ProductName string `json:"product_name"`
	StoreID     int64  `json:"store_id,omitempty"`
}

// ChainInput creates a chain with its stores.
type ChainInput struct {
	Name    string            `json:"name"`
	Website string            `json:"website"`
	Stores  []ChainStoreInput `json:"stores"`
}

// ChainStoreInput is a store of a new chain.
type ChainStoreInput struct {
	Name        string   `json:"name"`
	CommuneCode string   `json:"commune_code"`
	AddressLine string   `json:"address_line"`
	Latitude    *float64 `json:"latitude"`
	Longitude   *float64 `json:"longitude"`
}

// ListingInput lists a product (by code) in a chain, or in one of its
// stores (store_id).
type ListingInput struct {
	ProductCode string `json:"product_code"`
	StoreID     int64  `json:"store_id"`
}

// CreateChain records a retail chain and its stores (the office).
func (s *Service) CreateChain(ctx context.Context, p *account.Principal, in ChainInput) (Chain, error) {
	if !CanManagePoints(p) {
		return Chain{}, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	var errs apperr.Errs
	checkText(&errs, "name", &in.Name, 200, true)
	checkText(&errs, "website", &in.Website, 300, false)
	if in.Website != "" && !strings.HasPrefix(in.Website, "https://") {
		errs.Add("website", "market.err_url_https")
	}
	if len(in.Stores) > 500 {
		errs.Add("stores", "err.too_long", 500)
	}
	for i := range in.Stores {
		st := &in.Stores[i]
		f := fmt.Sprintf("stores[%d].", i)
		checkText(&errs, f+"name", &st.Name, 200, true)
		checkText(&errs, f+"address_line", &st.AddressLine, 300, false)
		if _, ok := s.Registry.Units().Ward(strings.TrimSpace(st.CommuneCode)); !ok {
			errs.Add(f+"commune_code", "err.commune_unknown")
		}
		if st.Latitude == nil || st.Longitude == nil {
			errs.Add(f+"latitude", "market.err_coords_required")
		} else if !InVietnam(*st.Latitude, *st.Longitude) {
			errs.Add(f+"latitude", "err.coords_outside_vietnam")
		}
	}
	if err := errs.Err(); err != nil {
		return Chain{}, err
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		now := s.stamp()
		var err error
		id, err = db.Insert(ctx, tx, "INSERT INTO retail_chains (name, website, created_at, updated_at, version) VALUES (?, ?, ?, ?, 1)", in.Name, in.Website, now, now)
		if err != nil {
			if _, ok := db.IsUnique(err); ok {
				return apperr.Fields(apperr.Field("name", "market.err_chain_exists"))
			}
			return err
		}
		for _, st := range in.Stores {
			if _, err := tx.ExecContext(ctx, `INSERT INTO chain_stores (chain_id, name, commune_code, address_line, latitude, longitude, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, id, st.Name, strings.TrimSpace(st.CommuneCode), st.AddressLine, *st.Latitude, *st.Longitude, now); err != nil {
				return err
			}
		}
		return account.Audit(ctx, tx, p, "retail_chain.create", "retail_chain", id, "", nil, in)
	})
	if err != nil {
		return Chain{}, err
	}
	return s.Chain(ctx, id)
}

// AddListing lists a product in a chain or one of its stores (the office,
// or the producer of the product). Only active products.
func (s *Service) AddListing(ctx context.Context, p *account.Principal, chainID int64, in ListingInput) error {
	if p == nil {
		return apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	if !p.Province() && !p.Is(account.RoleProducer) {
		return apperr.New(apperr.Forbidden, "err.forbidden")
	}
	var productID, producerID int64
	var status string
	err := s.DB.QueryRowContext(ctx, "SELECT id, producer_id, status FROM products WHERE code = ?", strings.TrimSpace(in.ProductCode)).Scan(&productID, &producerID, &status)
	if err != nil || status != "active" {
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		return apperr.Fields(apperr.Field("product_code", "err.product_not_found"))
	}
	if !p.Province() && !p.ActsFor(producerID) {
		return apperr.New(apperr.Forbidden, "err.out_of_scope")
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM retail_chains WHERE id = ?", chainID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return apperr.New(apperr.NotFound, "market.err_chain_not_found")
		}
		var store any
		if in.StoreID != 0 {
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM chain_stores WHERE id = ? AND chain_id = ?", in.StoreID, chainID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return apperr.Fields(apperr.Field("store_id", "market.err_store_not_in_chain"))
			}
			store = in.StoreID
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO chain_listings (chain_id, store_id, product_id, created_at) VALUES (?, ?, ?, ?)", chainID, store, productID, s.stamp()); err != nil {
			if _, ok := db.IsUnique(err); ok {
				return apperr.Fields(apperr.Field("product_code", "market.err_already_listed"))
			}
			return err
		}
		return account.Audit(ctx, tx, p, "retail_chain.listing_add", "retail_chain", chainID, "", nil, in)
	})
}

// Chain returns a chain with its stores and listings.
func (s *Service) Chain(ctx context.Context, id int64) (Chain, error) {
	var c Chain
	err := s.DB.QueryRowContext(ctx, "SELECT id, name, website, created_at, version FROM retail_chains WHERE id = ?", id).
		Scan(&c.ID, &c.Name, &c.Website, &c.CreatedAt, &c.Version)
	if err != nil {
		return c, db.Scan(err, "market.err_chain_not_found")
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT id, name, commune_code, address_line, latitude, longitude FROM chain_stores WHERE chain_id = ? ORDER BY name, id", id)
	if err != nil {
		return c, err
	}
	for rows.Next() {
		var st ChainStore
		if err := rows.Scan(&st.ID, &st.Name, &st.CommuneCode, &st.AddressLine, &st.Latitude, &st.Longitude); err != nil {
			rows.Close()
			return c, err
		}
		c.Stores = append(c.Stores, st)
	}
	rows.Close()
	rows, err = s.DB.QueryContext(ctx, `SELECT p.id, p.code, p.name, COALESCE(l.store_id, 0) FROM chain_listings l JOIN products p ON p.id = l.product_id
		WHERE l.chain_id = ? AND p.status = 'active' ORDER BY p.name, p.id, COALESCE(l.store_id, 0)`, id)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var l ChainListing
		if err := rows.Scan(&l.ProductID, &l.ProductCode, &l.ProductName, &l.StoreID); err != nil {
			return c, err
		}
		c.Listings = append(c.Listings, l)
	}
	return c, rows.Err()
}

// Chains lists the chains by name (without stores and listings).
func (s *Service) Chains(ctx context.Context) ([]Chain, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT id, name, website, created_at, version FROM retail_chains ORDER BY name")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Chain
	for rows.Next() {
		var c Chain
		if err := rows.Scan(&c.ID, &c.Name, &c.Website, &c.CreatedAt, &c.Version); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
