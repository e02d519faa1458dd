package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/market"
)

// officeWriter returns the caller when it is the programme office (the
// service checks again; refusing first spares reading the body).
func officeWriter(r *http.Request) (*account.Principal, int64, error) {
	p, err := requireAuth(r)
	if err != nil {
		return nil, 0, err
	}
	id, err := pathID(r)
	if err != nil {
		return nil, 0, err
	}
	if !market.CanManagePoints(p) {
		return nil, 0, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	return p, id, nil
}

// versionParam reads the required ?version= of a deletion: the version of
// the record the caller read (optimistic lock).
func versionParam(r *http.Request) (int, error) {
	v := strings.TrimSpace(r.URL.Query().Get("version"))
	if v == "" {
		return 0, apperr.Fields(apperr.Field("version", "err.required"))
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0, apperr.Fields(apperr.Field("version", "err.bad_number"))
	}
	return n, nil
}

// deleted answers a successful deletion: 204 without a body.
func deleted(w http.ResponseWriter) error {
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// officeUpdate answers a PUT of the office: the body (as for creation,
// with the version read) replaces record id; 200 with the record.
func officeUpdate[In, Out any](w http.ResponseWriter, r *http.Request, update func(context.Context, *account.Principal, int64, In) (Out, error)) error {
	p, id, err := officeWriter(r)
	if err != nil {
		return err
	}
	var in In
	if err := decode(w, r, &in); err != nil {
		return err
	}
	out, err := update(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	return written(w, http.StatusOK, "", out)
}

// officeDelete answers a DELETE ?version=N of the office: 204.
func officeDelete(w http.ResponseWriter, r *http.Request, del func(context.Context, *account.Principal, int64, int) error) error {
	p, id, err := officeWriter(r)
	if err != nil {
		return err
	}
	v, err := versionParam(r)
	if err != nil {
		return err
	}
	if err := del(r.Context(), p, id, v); err != nil {
		return err
	}
	return deleted(w)
}

// UpdateChain answers PUT /api/v1/retail-chains/{id}: the body replaces
// the chain's name, website and stores (the office).
func (a *API) UpdateChain(w http.ResponseWriter, r *http.Request) error {
	return officeUpdate(w, r, a.Market.UpdateChain)
}

// DeleteChain answers DELETE /api/v1/retail-chains/{id}?version=N: the
// chain goes with its stores and listings (the office).
func (a *API) DeleteChain(w http.ResponseWriter, r *http.Request) error {
	return officeDelete(w, r, a.Market.DeleteChain)
}

// RemoveChainListing answers DELETE /api/v1/retail-chains/{id}/listings/{pid}:
// the office or the product's producer takes the product off the chain
// (every listing, or with store_id only the chain-wide one (0) or one
// store's).
func (a *API) RemoveChainListing(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAuth(r)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	pid, err := strconv.ParseInt(r.PathValue("pid"), 10, 64)
	if err != nil || pid <= 0 {
		return apperr.New(apperr.NotFound, "err.bad_id")
	}
	var store *int64
	if v := strings.TrimSpace(r.URL.Query().Get("store_id")); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return apperr.Fields(apperr.Field("store_id", "err.bad_number"))
		}
		store = &n
	}
	if err := a.Market.RemoveChainListing(r.Context(), p, id, pid, store); err != nil {
		return err
	}
	return deleted(w)
}

// UpdateRoute answers PUT /api/v1/tourism-routes/{id}: the body replaces
// the route's name, description, stops and publication (the office).
func (a *API) UpdateRoute(w http.ResponseWriter, r *http.Request) error {
	return officeUpdate(w, r, a.Market.UpdateRoute)
}

// DeleteRoute answers DELETE /api/v1/tourism-routes/{id}?version=N (the office).
func (a *API) DeleteRoute(w http.ResponseWriter, r *http.Request) error {
	return officeDelete(w, r, a.Market.DeleteRoute)
}

// UpdateDesignCentre answers PUT /api/v1/design-centres/{id}: the body
// replaces the centre's facts and points, scored again (the office).
func (a *API) UpdateDesignCentre(w http.ResponseWriter, r *http.Request) error {
	return officeUpdate(w, r, a.Market.UpdateDesignCentre)
}

// DeleteDesignCentre answers DELETE /api/v1/design-centres/{id}?version=N (the office).
func (a *API) DeleteDesignCentre(w http.ResponseWriter, r *http.Request) error {
	return officeDelete(w, r, a.Market.DeleteDesignCentre)
}

// officeOperations are the endpoints that edit and delete retail chains,
// tourism routes and design centres.
func officeOperations() []operation {
	write := []string{"Invalid", "Unauthenticated", "Forbidden", "TooLarge", "NotFound", "Conflict"}
	del := []string{"Invalid", "Unauthenticated", "Forbidden", "NotFound", "Conflict"}
	return []operation{
		{method: "PUT", path: "/api/v1/design-centres/{id}", id: "updateDesignCentre", tag: "market", summary: "Change a design centre and score it again",
			desc:   "The office. The body replaces the record (as for creation); version must be the one read.",
			params: []string{"id", "csrf"}, body: "DesignCentreInput", status: 200, result: "DesignCentre", auth: true, errs: write},
		{method: "DELETE", path: "/api/v1/design-centres/{id}", id: "deleteDesignCentre", tag: "market", summary: "Delete a design centre",
			desc: "The office; version must be the one read.", params: []string{"id", "version_required", "csrf"}, status: 204, auth: true, errs: del},
		{method: "PUT", path: "/api/v1/retail-chains/{id}", id: "updateRetailChain", tag: "market", summary: "Change a retail chain and its stores",
			desc: "The office. The body replaces the name, website and stores: a store with id is kept (with its listings) and changed, a store without id is added, " +
				"and the chain's stores left out are removed with their listings. Listings are changed through their own endpoints.",
			params: []string{"id", "csrf"}, body: "RetailChainInput", status: 200, result: "RetailChain", auth: true, errs: write},
		{method: "DELETE", path: "/api/v1/retail-chains/{id}", id: "deleteRetailChain", tag: "market", summary: "Delete a retail chain with its stores and listings",
			desc: "The office; version must be the one read.", params: []string{"id", "version_required", "csrf"}, status: 204, auth: true, errs: del},
		{method: "DELETE", path: "/api/v1/retail-chains/{id}/listings/{pid}", id: "removeRetailChainListing", tag: "market", summary: "Take a product off a chain",
			desc:   "The office, or the producer of the product. Without store_id every listing of the product in the chain is removed.",
			params: []string{"id", "pid", "store_id", "csrf"}, status: 204, auth: true, errs: []string{"Invalid", "Unauthenticated", "Forbidden", "NotFound"}},
		{method: "PUT", path: "/api/v1/tourism-routes/{id}", id: "updateTourismRoute", tag: "market", summary: "Change a tourism route",
			desc: "The office. The body replaces the name, description, stops (in order) and publication: publish false takes the route back to draft. " +
				"2 to 30 stops, each an existing craft village or an operating sale point; version must be the one read.",
			params: []string{"id", "csrf"}, body: "TourismRouteInput", status: 200, result: "TourismRoute", auth: true, errs: write},
		{method: "DELETE", path: "/api/v1/tourism-routes/{id}", id: "deleteTourismRoute", tag: "market", summary: "Delete a tourism route",
			desc: "The office; version must be the one read.", params: []string{"id", "version_required", "csrf"}, status: 204, auth: true, errs: del},
	}
}

// officeParameters are the parameters of the office endpoints.
func officeParameters() map[string]any {
	version := queryParam("version", "The version of the record read (optimistic lock); a stale one is answered with 409.", posInt)
	version["required"] = true
	return map[string]any{
		"pid":              map[string]any{"name": "pid", "in": "path", "required": true, "schema": posInt, "description": "Product id."},
		"store_id":         queryParam("store_id", "Only the listing in this store of the chain; 0 for the chain-wide listing.", map[string]any{"type": "integer", "format": "int64", "minimum": 0}),
		"version_required": version,
	}
}

// officeNotes describes the office schemas' fields.
func officeNotes() map[string]note {
	version := note{desc: "On a change: the version read (required); a stale version is answered with 409. Ignored on creation."}
	return map[string]note{
		"RetailChainInput.version":  version,
		"DesignCentreInput.version": version,
		"TourismRouteInput.version": version,
		"TourismRouteInput.publish": {desc: "Published routes are public; false keeps (or takes) the route in draft."},
		"RetailChainStoreInput.id":  {desc: "On a change: an existing store of the chain to keep, with its listings; absent for a new store. Ignored on creation."},
	}
}

// officeSchemas defines the office schemas (the inputs are the creation
// schemas, which carry version and store ids).
func officeSchemas(s *schemaSet) {}
