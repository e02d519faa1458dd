package api

import (
	"math"
	"net/http"
	"strconv"
	"strings"

	"ocop/internal/apperr"
	"ocop/internal/catalogue"
)

// CatalogueSearch answers GET /api/v1/catalogue/products: the public
// catalogue with the same parameters as the /search page (q, group, stars,
// commune, district, village, sort, page), the facet counts and the
// corrections made to mistyped words. Unlike the page, which ignores bad
// filters with a note, the API refuses them (422) so a client learns of its
// mistake.
func (a *API) CatalogueSearch(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	if t := v.Get("q"); len([]rune(t)) > catalogue.MaxQueryRunes {
		return apperr.Fields(apperr.Field("q", "err.too_long", catalogue.MaxQueryRunes))
	}
	q, notes := catalogue.ParseQuery(v, a.Catalogue.Known())
	if len(notes) > 0 {
		return apperr.Fields(apperr.Field("query", notes[0]))
	}
	lang := "vi"
	if v.Get("lang") == "en" {
		lang = "en"
	}
	res, err := a.Catalogue.Search(r.Context(), q, lang)
	if err != nil {
		return err
	}
	if res.Items == nil {
		res.Items = []catalogue.Item{}
	}
	if res.Facets == nil {
		res.Facets = []catalogue.Facet{}
	}
	for i := range res.Facets {
		if res.Facets[i].Values == nil {
			res.Facets[i].Values = []catalogue.FacetValue{}
		}
	}
	return read(w, r, res)
}

// CatalogueNearest answers GET /api/v1/catalogue/nearest-villages?lat=&lon=:
// the craft villages closest to a point (great-circle distance), nearest
// first; n (1–20, default 3) of them.
func (a *API) CatalogueNearest(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	var errs apperr.Errs
	coord := func(name string, lim float64) float64 {
		f, err := strconv.ParseFloat(strings.TrimSpace(v.Get(name)), 64)
		if err != nil || math.IsNaN(f) || math.Abs(f) > lim {
			errs.Add(name, "catalogue.err_point")
			return 0
		}
		return f
	}
	lat, lon := coord("lat", 90), coord("lon", 180)
	n := 3
	if s := strings.TrimSpace(v.Get("n")); s != "" {
		k, err := strconv.Atoi(s)
		if err != nil || k < 1 || k > 20 {
			errs.Add("n", "api.param_range", 1, 20)
		} else {
			n = k
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	near, err := a.Catalogue.NearestVillages(r.Context(), catalogue.Point{Lat: lat, Lng: lon}, n)
	if err != nil {
		return err
	}
	if near == nil {
		near = []catalogue.Nearby{}
	}
	return read(w, r, map[string]any{"items": near})
}
