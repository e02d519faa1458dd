package market

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/registry"
)

// Marketplaces are the storefronts a product may link to, "own" being the
// producer's own site.
var Marketplaces = []string{"shopee", "lazada", "tiki", "postmart", "voso", "tiktok", "own"}

// marketplaceHosts are the registrable domains of each marketplace: a
// link's host must be one of them or a subdomain of one.
var marketplaceHosts = map[string][]string{
	"shopee":   {"shopee.vn"},
	"lazada":   {"lazada.vn"},
	"tiki":     {"tiki.vn"},
	"postmart": {"postmart.vn"},
	"voso":     {"voso.vn"},
	"tiktok":   {"tiktok.com"},
}

// MarketplaceOf returns the marketplace a host belongs to ("" for none).
func MarketplaceOf(host string) string {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	for m, ds := range marketplaceHosts {
		for _, d := range ds {
			if host == d || strings.HasSuffix(host, "."+d) {
				return m
			}
		}
	}
	return ""
}

// CheckStorefrontURL checks that raw is an https URL whose host belongs to
// the marketplace it claims (for "own": a public host that is none of the
// marketplaces). It returns the normalised URL or a field error.
func CheckStorefrontURL(marketplace, raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if !slices.Contains(Marketplaces, marketplace) {
		return "", apperr.Fields(apperr.Field("marketplace", "market.err_marketplace"))
	}
	if raw == "" {
		return "", apperr.Fields(apperr.Field("url", "err.required"))
	}
	if len(raw) > 2000 {
		return "", apperr.Fields(apperr.Field("url", "err.too_long", 2000))
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return "", apperr.Fields(apperr.Field("url", "err.url_format"))
	}
	if u.Scheme != "https" {
		return "", apperr.Fields(apperr.Field("url", "market.err_url_https"))
	}
	if u.User != nil || u.Port() != "" {
		return "", apperr.Fields(apperr.Field("url", "market.err_url_host_other"))
	}
	host := strings.ToLower(u.Hostname())
	if net.ParseIP(host) != nil || !strings.Contains(host, ".") {
		return "", apperr.Fields(apperr.Field("url", "market.err_url_host_other"))
	}
	got := MarketplaceOf(host)
	switch {
	case marketplace == "own" && got != "":
		return "", apperr.Fields(apperr.Field("url", "market.err_url_own_is_marketplace", got))
	case marketplace != "own" && got != marketplace:
		return "", apperr.Fields(apperr.Field("url", "market.err_url_wrong_host", host, marketplaceHosts[marketplace][0]))
	}
	u.Host = host
	u.Fragment = ""
	return u.String(), nil
}

// Storefront is a product's link to a marketplace storefront.
type Storefront struct {
	ID          int64     `json:"id"`
	ProductID   int64     `json:"product_id"`
	Marketplace string    `json:"marketplace"`
	URL         string    `json:"url"`
	PriceVND    *int64    `json:"price_vnd,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Version     int       `json:"version"`
}

// StorefrontInput is what a form or the API gives.
type StorefrontInput struct {
	Marketplace string `json:"marketplace"`
	URL         string `json:"url"`
	PriceVND    *int64 `json:"price_vnd"`
}

// canEditProduct returns the product when p may manage its market data:
// the office, the commune officer of the producer's commune, the
// producer's verified accounts.
func (s *Service) canEditProduct(ctx context.Context, p *account.Principal, productID int64) (registry.Product, error) {
	if p == nil {
		return registry.Product{}, apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	x, err := s.Registry.Product(ctx, p, productID)
	if err != nil {
		return x, err
	}
	if !registry.CanManageProduct(p, x) {
		return x, apperr.New(apperr.Forbidden, "err.out_of_scope")
	}
	return x, nil
}

// AddStorefront links a product to a storefront after checking the link.
func (s *Service) AddStorefront(ctx context.Context, p *account.Principal, productID int64, in StorefrontInput) (Storefront, error) {
	x, err := s.canEditProduct(ctx, p, productID)
	if err != nil {
		return Storefront{}, err
	}
	u, err := CheckStorefrontURL(in.Marketplace, in.URL)
	if err != nil {
		return Storefront{}, err
	}
	if in.PriceVND != nil && (*in.PriceVND <= 0 || *in.PriceVND > 1_000_000_000) {
		return Storefront{}, apperr.Fields(apperr.Field("price_vnd", "market.err_price"))
	}
	var out Storefront
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		now := s.stamp()
		id, err := db.Insert(ctx, tx, `INSERT INTO storefronts (product_id, marketplace, url, price_vnd, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, 1)`, productID, in.Marketplace, u, in.PriceVND, now, now)
		if err != nil {
			if _, ok := db.IsUnique(err); ok {
				return apperr.Fields(apperr.Field("url", "market.err_url_exists"))
			}
			return err
		}
		out = Storefront{ID: id, ProductID: productID, Marketplace: in.Marketplace, URL: u, PriceVND: in.PriceVND, CreatedAt: now, UpdatedAt: now, Version: 1}
		if err := s.bump(ctx, tx); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "storefront.create", "storefront", id, x.CommuneCode, nil, out)
	})
	return out, err
}

// RemoveStorefront deletes a storefront link.
func (s *Service) RemoveStorefront(ctx context.Context, p *account.Principal, productID, id int64) error {
	x, err := s.canEditProduct(ctx, p, productID)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM storefronts WHERE id = ? AND product_id = ?", id, productID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "err.not_found")
		}
		if err := s.bump(ctx, tx); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "storefront.delete", "storefront", id, x.CommuneCode, map[string]any{"product_id": productID}, nil)
	})
}

// Storefronts lists a product's storefront links, in marketplace order.
func (s *Service) Storefronts(ctx context.Context, productID int64) ([]Storefront, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id, product_id, marketplace, url, price_vnd, created_at, updated_at, version
		FROM storefronts WHERE product_id = ? ORDER BY id`, productID)
	if err != nil {
		return nil, fmt.Errorf("storefronts: %w", err)
	}
	defer rows.Close()
	var out []Storefront
	for rows.Next() {
		var x Storefront
		if err := rows.Scan(&x.ID, &x.ProductID, &x.Marketplace, &x.URL, &x.PriceVND, &x.CreatedAt, &x.UpdatedAt, &x.Version); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	slices.SortStableFunc(out, func(a, b Storefront) int {
		return slices.Index(Marketplaces, a.Marketplace) - slices.Index(Marketplaces, b.Marketplace)
	})
	return out, rows.Err()
}
