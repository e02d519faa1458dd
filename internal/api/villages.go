package api

import (
	"net/http"
	"strconv"

	"ocop/internal/apperr"
	"ocop/internal/registry"
)

// ListCraftVillages answers GET /api/v1/craft-villages (public records),
// with q, commune, legacy_district, recognised, page and per_page.
func (a *API) ListCraftVillages(w http.ResponseWriter, r *http.Request) error {
	q := newParams(r)
	f := registry.VillageFilter{Query: q.str("q"), CommuneCode: a.commune(q, "commune"),
		LegacyDistrict: a.oldDistrict(q, "legacy_district"), Recognised: q.boolean("recognised")}
	f.Page, f.PerPage = q.page(defaultPerPage)
	if err := q.err(); err != nil {
		return err
	}
	res, err := a.Registry.ListCraftVillages(r.Context(), f)
	if err != nil {
		return err
	}
	return read(w, r, nonNil(res))
}

// GetCraftVillage answers GET /api/v1/craft-villages/{id}.
func (a *API) GetCraftVillage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	x, err := a.Registry.CraftVillage(r.Context(), id)
	if err != nil {
		return err
	}
	return read(w, r, x)
}

// CreateCraftVillage answers POST /api/v1/craft-villages (province staff
// anywhere, commune officers in their communes).
func (a *API) CreateCraftVillage(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAuth(r)
	if err != nil {
		return err
	}
	var in registry.CraftVillageInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	x, err := a.Registry.CreateCraftVillage(r.Context(), p, in)
	if err != nil {
		return err
	}
	return written(w, http.StatusCreated, "/api/v1/craft-villages/"+strconv.FormatInt(x.ID, 10), x)
}

// UpdateCraftVillage answers PUT /api/v1/craft-villages/{id} with
// optimistic locking on version.
func (a *API) UpdateCraftVillage(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAuth(r)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in registry.CraftVillageInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Version <= 0 {
		return apperr.Fields(apperr.Field("version", "api.version_required"))
	}
	x, err := a.Registry.UpdateCraftVillage(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	return written(w, http.StatusOK, "", x)
}
