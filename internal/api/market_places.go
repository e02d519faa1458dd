package api

import (
	"context"
	"net/http"
	"strconv"

	"ocop/internal/account"
	"ocop/internal/market"
)

// chainPage lists retail chains.
type chainPage struct {
	Items []market.Chain `json:"items"`
}

// centrePage lists design centres.
type centrePage struct {
	Items []market.DesignCentre `json:"items"`
}

// routePage lists tourism routes.
type routePage struct {
	Items []market.Route `json:"items"`
}

// ListChains answers GET /api/v1/retail-chains.
func (a *API) ListChains(w http.ResponseWriter, r *http.Request) error {
	items, err := a.Market.Chains(r.Context())
	if err != nil {
		return err
	}
	return read(w, r, chainPage{Items: list(items)})
}

// GetChain answers GET /api/v1/retail-chains/{id}: stores and listings.
func (a *API) GetChain(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := a.Market.Chain(r.Context(), id)
	if err != nil {
		return err
	}
	return read(w, r, c)
}

// CreateChain answers POST /api/v1/retail-chains (the office).
func (a *API) CreateChain(w http.ResponseWriter, r *http.Request) error {
	return created(w, r, a.Market.CreateChain, func(x market.Chain) string { return "/api/v1/retail-chains/" + strconv.FormatInt(x.ID, 10) })
}

// AddChainListing answers POST /api/v1/retail-chains/{id}/listings: the
// office or the product's producer lists a product in the chain or a store.
func (a *API) AddChainListing(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAuth(r)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in market.ListingInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := a.Market.AddListing(r.Context(), p, id, in); err != nil {
		return err
	}
	c, err := a.Market.Chain(r.Context(), id)
	if err != nil {
		return err
	}
	return written(w, http.StatusCreated, "", c)
}

// ListDesignCentres answers GET /api/v1/design-centres.
func (a *API) ListDesignCentres(w http.ResponseWriter, r *http.Request) error {
	items, err := a.Market.DesignCentres(r.Context())
	if err != nil {
		return err
	}
	return read(w, r, centrePage{Items: list(items)})
}

// GetDesignCentre answers GET /api/v1/design-centres/{id}.
func (a *API) GetDesignCentre(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := a.Market.DesignCentre(r.Context(), id)
	if err != nil {
		return err
	}
	return read(w, r, c)
}

// CreateDesignCentre answers POST /api/v1/design-centres (the office).
func (a *API) CreateDesignCentre(w http.ResponseWriter, r *http.Request) error {
	return created(w, r, a.Market.CreateDesignCentre, func(x market.DesignCentre) string { return "/api/v1/design-centres/" + strconv.FormatInt(x.ID, 10) })
}

// ListRoutes answers GET /api/v1/tourism-routes: published routes.
func (a *API) ListRoutes(w http.ResponseWriter, r *http.Request) error {
	items, err := a.Market.Routes(r.Context(), principal(r))
	if err != nil {
		return err
	}
	return read(w, r, routePage{Items: list(items)})
}

// GetRoute answers GET /api/v1/tourism-routes/{id} with its stops.
func (a *API) GetRoute(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	x, err := a.Market.Route(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	return read(w, r, x)
}

// CreateRoute answers POST /api/v1/tourism-routes (the office).
func (a *API) CreateRoute(w http.ResponseWriter, r *http.Request) error {
	return created(w, r, a.Market.CreateRoute, func(x market.Route) string { return "/api/v1/tourism-routes/" + strconv.FormatInt(x.ID, 10) })
}

// placesOperations lists the chain, design-centre and route endpoints.
func placesOperations() []operation {
	write := []string{"Invalid", "Unauthenticated", "Forbidden", "TooLarge"}
	return []operation{
		{method: "GET", path: "/api/v1/design-centres", id: "listDesignCentres", tag: "market", summary: "List design centres (QĐ 6385)", status: 200, result: "DesignCentrePage"},
		{method: "POST", path: "/api/v1/design-centres", id: "createDesignCentre", tag: "market", summary: "Record a design centre with its 100-point form",
			desc:   "The office. The checklist (≥ 500 m², the four zones, ≥ 60 % OCOP or craft goods) is evaluated and its failures listed; scores are points by criterion, each within its maximum.",
			params: []string{"csrf"}, body: "DesignCentreInput", status: 201, result: "DesignCentre", auth: true, errs: write},
		{method: "GET", path: "/api/v1/design-centres/{id}", id: "getDesignCentre", tag: "market", summary: "Get a design centre", params: []string{"id"}, status: 200, result: "DesignCentre", errs: []string{"NotFound"}},
		{method: "GET", path: "/api/v1/retail-chains", id: "listRetailChains", tag: "market", summary: "List retail chain partners", status: 200, result: "RetailChainPage"},
		{method: "POST", path: "/api/v1/retail-chains", id: "createRetailChain", tag: "market", summary: "Record a retail chain and its stores (the office)",
			params: []string{"csrf"}, body: "RetailChainInput", status: 201, result: "RetailChain", auth: true, errs: write},
		{method: "GET", path: "/api/v1/retail-chains/{id}", id: "getRetailChain", tag: "market", summary: "A chain with its stores and listed products", params: []string{"id"}, status: 200, result: "RetailChain", errs: []string{"NotFound"}},
		{method: "POST", path: "/api/v1/retail-chains/{id}/listings", id: "addRetailChainListing", tag: "market", summary: "List a product in a chain or one of its stores",
			desc: "The office, or the producer of the product.", params: []string{"id", "csrf"}, body: "ChainListingInput", status: 201, result: "RetailChain", auth: true, errs: append(write, "NotFound")},
		{method: "GET", path: "/api/v1/tourism-routes", id: "listTourismRoutes", tag: "market", summary: "List published tourism routes", status: 200, result: "TourismRoutePage"},
		{method: "POST", path: "/api/v1/tourism-routes", id: "createTourismRoute", tag: "market", summary: "Record a tourism route (the office)",
			desc: "2 to 30 ordered stops, each an existing craft village or an operating sale point.", params: []string{"csrf"}, body: "TourismRouteInput", status: 201, result: "TourismRoute", auth: true, errs: write},
		{method: "GET", path: "/api/v1/tourism-routes/{id}", id: "getTourismRoute", tag: "market", summary: "A tourism route with its stops", params: []string{"id"}, status: 200, result: "TourismRoute", errs: []string{"NotFound"}},
	}
}

// placesSchemas defines the chain, design-centre and route schemas.
func placesSchemas(s *schemaSet) {
	s.define("RetailChain", market.Chain{}, false)
	s.define("RetailChainStore", market.ChainStore{}, false)
	s.define("RetailChainListing", market.ChainListing{}, false)
	s.define("RetailChainInput", market.ChainInput{}, true, "name")
	s.define("RetailChainStoreInput", market.ChainStoreInput{}, true, "name", "commune_code", "latitude", "longitude")
	s.define("ChainListingInput", market.ListingInput{}, true, "product_code")
	s.define("RetailChainPage", chainPage{}, false)
	s.define("DesignCentre", market.DesignCentre{}, false)
	s.define("DesignCentreInput", market.DesignCentreInput{}, true, "name", "commune_code", "latitude", "longitude")
	s.define("DesignCentrePage", centrePage{}, false)
	s.define("TourismRoute", market.Route{}, false)
	s.define("TourismRouteStop", market.RouteStop{}, false)
	s.define("TourismRouteInput", market.RouteInput{}, true, "name", "stops")
	s.define("TourismRouteStopInput", market.RouteStopInput{}, true, "kind", "ref_id")
	s.define("TourismRoutePage", routePage{}, false)
}

// created answers a POST that creates a record from the JSON body: 201 with
// the record, at the location at gives it. The service checks who may.
func created[In, Out any](w http.ResponseWriter, r *http.Request, create func(context.Context, *account.Principal, In) (Out, error), at func(Out) string) error {
	p, err := requireAuth(r)
	if err != nil {
		return err
	}
	var in In
	if err := decode(w, r, &in); err != nil {
		return err
	}
	out, err := create(r.Context(), p, in)
	if err != nil {
		return err
	}
	return written(w, http.StatusCreated, at(out), out)
}
