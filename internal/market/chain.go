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

// ChainInput creates a chain with its stores, or replaces a chain's name,
// website and stores (Version is the version read; ignored on creation).
type ChainInput struct {
	Name    string            `json:"name"`
	Website string            `json:"website"`
	Stores  []ChainStoreInput `json:"stores"`
	Version int               `json:"version,omitempty"`
}

// ChainStoreInput is a store of a chain. On a change, ID names an existing
// store of the chain to keep (its listings stay); a store without ID is
// new, and the chain's stores not named are removed with their listings.
type ChainStoreInput struct {
	ID          int64    `json:"id,omitempty"`
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

// validateChain normalises and checks a chain and its stores.
func (s *Service) validateChain(in *ChainInput) error {
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
		st.CommuneCode = strings.TrimSpace(st.CommuneCode)
		if _, ok := s.Registry.Units().Ward(st.CommuneCode); !ok {
			errs.Add(f+"commune_code", "err.commune_unknown")
		}
		if st.Latitude == nil || st.Longitude == nil {
			errs.Add(f+"latitude", "market.err_coords_required")
		} else if !InVietnam(*st.Latitude, *st.Longitude) {
			errs.Add(f+"latitude", "err.coords_outside_vietnam")
		}
	}
	return errs.Err()
}

// CreateChain records a retail chain and its stores (the office).
func (s *Service) CreateChain(ctx context.Context, p *account.Principal, in ChainInput) (Chain, error) {
	if !CanManagePoints(p) {
		return Chain{}, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	if err := s.validateChain(&in); err != nil {
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
func (s *Service) Chain(ctx context.Context, id int64) (Chain, error) { return s.chain(ctx, s.DB, id) }

// chain reads a chain with q (a transaction sees its own changes).
func (s *Service) chain(ctx context.Context, q db.Queryer, id int64) (Chain, error) {
	var c Chain
	err := q.QueryRowContext(ctx, "SELECT id, name, website, created_at, version FROM retail_chains WHERE id = ?", id).
		Scan(&c.ID, &c.Name, &c.Website, &c.CreatedAt, &c.Version)
	if err != nil {
		return c, db.Scan(err, "market.err_chain_not_found")
	}
	rows, err := q.QueryContext(ctx, "SELECT id, name, commune_code, address_line, latitude, longitude FROM chain_stores WHERE chain_id = ? ORDER BY name, id", id)
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
	rows, err = q.QueryContext(ctx, `SELECT p.id, p.code, p.name, COALESCE(l.store_id, 0) FROM chain_listings l JOIN products p ON p.id = l.product_id
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

// needVersion refuses a change that does not say which version it was
// based on (the optimistic lock needs one).
func needVersion(version int) error {
	if version <= 0 {
		return apperr.Fields(apperr.Field("version", "err.required"))
	}
	return nil
}

// UpdateChain replaces a chain's name, website and stores (the office;
// optimistic locking on Version). Stores named by ID are changed in place
// and keep their listings; stores without ID are added; the chain's other
// stores are removed with their store listings.
func (s *Service) UpdateChain(ctx context.Context, p *account.Principal, id int64, in ChainInput) (Chain, error) {
	if !CanManagePoints(p) {
		return Chain{}, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	if err := s.validateChain(&in); err != nil {
		return Chain{}, err
	}
	if err := needVersion(in.Version); err != nil {
		return Chain{}, err
	}
	var out Chain
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := s.chain(ctx, tx, id)
		if err != nil {
			return err
		}
		kept := map[int64]bool{}
		for _, st := range before.Stores {
			kept[st.ID] = false
		}
		var errs apperr.Errs
		for i, st := range in.Stores {
			if st.ID == 0 {
				continue
			}
			if used, ok := kept[st.ID]; !ok || used {
				errs.Add(fmt.Sprintf("stores[%d].id", i), "market.err_store_not_in_chain")
				continue
			}
			kept[st.ID] = true
		}
		if err := errs.Err(); err != nil {
			return err
		}
		now := s.stamp()
		res, err := tx.ExecContext(ctx, "UPDATE retail_chains SET name = ?, website = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
			in.Name, in.Website, now, id, in.Version)
		if err != nil {
			if _, ok := db.IsUnique(err); ok {
				return apperr.Fields(apperr.Field("name", "market.err_chain_exists"))
			}
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "err.stale")
		}
		for _, st := range before.Stores {
			if kept[st.ID] {
				continue
			}
			// The foreign keys cascade too; deleting the listings first
			// keeps the rule visible here and independent of the engine.
			if _, err := tx.ExecContext(ctx, "DELETE FROM chain_listings WHERE store_id = ?", st.ID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM chain_stores WHERE id = ?", st.ID); err != nil {
				return err
			}
		}
		for _, st := range in.Stores {
			if st.ID != 0 {
				_, err = tx.ExecContext(ctx, "UPDATE chain_stores SET name = ?, commune_code = ?, address_line = ?, latitude = ?, longitude = ? WHERE id = ? AND chain_id = ?",
					st.Name, st.CommuneCode, st.AddressLine, *st.Latitude, *st.Longitude, st.ID, id)
			} else {
				_, err = tx.ExecContext(ctx, `INSERT INTO chain_stores (chain_id, name, commune_code, address_line, latitude, longitude, created_at)
					VALUES (?, ?, ?, ?, ?, ?, ?)`, id, st.Name, st.CommuneCode, st.AddressLine, *st.Latitude, *st.Longitude, now)
			}
			if err != nil {
				return err
			}
		}
		if out, err = s.chain(ctx, tx, id); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "retail_chain.update", "retail_chain", id, "", before, out)
	})
	return out, err
}

// DeleteChain removes a chain with its stores and listings (the office;
// version is the version read).
func (s *Service) DeleteChain(ctx context.Context, p *account.Principal, id int64, version int) error {
	if !CanManagePoints(p) {
		return apperr.New(apperr.Forbidden, "err.forbidden")
	}
	if err := needVersion(version); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := s.chain(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.Version != version {
			return apperr.New(apperr.Conflict, "err.stale")
		}
		for _, q := range []string{"DELETE FROM chain_listings WHERE chain_id = ?", "DELETE FROM chain_stores WHERE chain_id = ?",
			"DELETE FROM retail_chains WHERE id = ?"} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		return account.Audit(ctx, tx, p, "retail_chain.delete", "retail_chain", id, "", before, nil)
	})
}

// RemoveChainListing takes a product off a chain (the office, or the
// producer of the product, as AddListing). store nil removes every
// listing of the product in the chain; a pointer to 0 the chain-wide
// listing only; a store's id that store's listing only.
func (s *Service) RemoveChainListing(ctx context.Context, p *account.Principal, chainID, productID int64, store *int64) error {
	if p == nil {
		return apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	if !p.Province() && !p.Is(account.RoleProducer) {
		return apperr.New(apperr.Forbidden, "err.forbidden")
	}
	var producerID int64
	err := s.DB.QueryRowContext(ctx, "SELECT producer_id FROM products WHERE id = ?", productID).Scan(&producerID)
	if err != nil {
		return db.Scan(err, "err.product_not_found")
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
		q, args := "DELETE FROM chain_listings WHERE chain_id = ? AND product_id = ?", []any{chainID, productID}
		if store != nil {
			q, args = q+" AND COALESCE(store_id, 0) = ?", append(args, *store)
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "market.err_listing_not_found")
		}
		removed := map[string]any{"product_id": productID}
		if store != nil {
			removed["store_id"] = *store
		}
		return account.Audit(ctx, tx, p, "retail_chain.listing_remove", "retail_chain", chainID, "", removed, nil)
	})
}
