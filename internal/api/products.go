package api

import (
	"net/http"
	"strconv"

	"ocop/internal/apperr"
	"ocop/internal/registry"
)

// ListProducts answers GET /api/v1/products: active products of active
// producers for anyone, with q (search ignoring diacritics and đ),
// category (any level), commune, legacy_district, producer_id,
// craft_village_id, page and per_page; with scope=managed, the products the
// caller manages, drafts included (status filters them).
func (a *API) ListProducts(w http.ResponseWriter, r *http.Request) error {
	q := newParams(r)
	f := registry.ProductFilter{
		Query: q.str("q"), CommuneCode: a.commune(q, "commune"), LegacyDistrict: a.oldDistrict(q, "legacy_district"),
		ProducerID: q.id("producer_id"), CraftVillageID: q.id("craft_village_id"),
	}
	if f.Category = q.str("category"); f.Category != "" {
		if _, ok := a.Registry.Categories().Get(f.Category); !ok {
			q.errs.Add("category", "err.category_unknown", f.Category)
		}
	}
	managed, status := q.scope(r)
	f.Page, f.PerPage = q.page(defaultPerPage)
	if err := q.err(); err != nil {
		return err
	}
	p, err := managedCaller(r, managed)
	if err != nil {
		return err
	}
	f.Public, f.Status = !managed, status
	res, err := a.Registry.ListProducts(r.Context(), p, f)
	if err != nil {
		return err
	}
	return read(w, r, nonNil(res))
}

// GetProduct answers GET /api/v1/products/{id}: the product as the caller
// may see it in the back office (drafts of their own scope), else the
// public record, else 404 — never 403, so that drafts do not reveal that
// they exist.
func (a *API) GetProduct(w http.ResponseWriter, r *http.Request) error {
	return getScoped(w, r, a.Registry.Product, a.Registry.PublicProduct)
}

// CreateProduct answers POST /api/v1/products. The registry decides who
// may: province staff anywhere, commune officers in their communes,
// producer accounts for their own producer (as a draft).
func (a *API) CreateProduct(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAuth(r)
	if err != nil {
		return err
	}
	var in registry.ProductInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	x, err := a.Registry.CreateProduct(r.Context(), p, in)
	if err != nil {
		return err
	}
	return written(w, http.StatusCreated, "/api/v1/products/"+strconv.FormatInt(x.ID, 10), x)
}

// UpdateProduct answers PUT /api/v1/products/{id}: the body replaces the
// product and carries the version it was based on (409 when stale). A
// product never changes producer.
func (a *API) UpdateProduct(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAuth(r)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in registry.ProductInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Version <= 0 {
		return apperr.Fields(apperr.Field("version", "api.version_required"))
	}
	if in.ProducerID != 0 {
		before, err := a.Registry.Product(r.Context(), p, id)
		if err != nil {
			return err
		}
		if before.ProducerID != in.ProducerID {
			return apperr.Fields(apperr.Field("producer_id", "api.producer_immutable"))
		}
	}
	x, err := a.Registry.UpdateProduct(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	return written(w, http.StatusOK, "", x)
}
