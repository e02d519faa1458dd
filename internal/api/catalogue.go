package api

import "ocop/internal/catalogue"

// catalogueOperations lists the catalogue endpoints for the OpenAPI document.
func catalogueOperations() []operation {
	return []operation{
		{method: "GET", path: "/api/v1/catalogue/nearest-villages", id: "nearestCraftVillages", tag: "catalogue",
			summary: "Find the craft villages nearest to a point",
			desc:    "Great-circle (haversine) distance from lat/lon to every craft village with coordinates, nearest first. The map's \"near me\" uses it with the browser's location.",
			params:  []string{"catalogue_lat", "catalogue_lon", "catalogue_n"}, status: 200, result: "CatalogueNearbyPage", errs: []string{"Invalid"}},
		{method: "GET", path: "/api/v1/catalogue/products", id: "searchCatalogue", tag: "catalogue",
			summary: "Search the public catalogue of OCOP products, with facet counts",
			desc: "The same search as the /search page: q is folded (diacritics, đ and case ignored), every word matches as a prefix, a word " +
				"that matches nothing is replaced by the nearest indexed words (one or two typing errors; see corrections); results are " +
				"ranked by relevance then by the current valid star. Facets are counted with the other filters applied. Unknown or malformed " +
				"filters are refused (422); pages beyond the last are empty.",
			params: []string{"catalogue_q", "catalogue_group", "catalogue_stars", "catalogue_commune", "catalogue_district", "catalogue_village",
				"catalogue_soldat", "catalogue_online", "catalogue_standard", "catalogue_sort", "catalogue_page", "catalogue_lang"},
			status: 200, result: "CatalogueResult", errs: []string{"Invalid"}},
	}
}

// catalogueNotes documents the catalogue schemas' fields.
func catalogueNotes() map[string]note {
	return map[string]note{
		"CatalogueResult":             {desc: "One page of the public catalogue."},
		"CatalogueResult.total":       {desc: "Number of matching products."},
		"CatalogueResult.per_page":    {desc: "Products per page (24)."},
		"CatalogueResult.corrections": {desc: "Words of q that matched nothing and the indexed words searched instead."},
		"CatalogueItem":               {desc: "A public product as lists show it."},
		"CatalogueItem.star":          {desc: "Star of the product's current valid certificate (3, 4 or 5); absent when it has none in force."},
		"CatalogueItem.potential5":    {desc: "A 4★ product the province proposed for 5★."},
		"CatalogueItem.image":         {desc: "Media hash of the first photo; resized copies are at /media/{image}/w/{160|320|640|1024}."},
		"CatalogueFacet":              {desc: "A filter with the number of products each value would give."},
		"CatalogueFacet.key":          {enum: []string{"group", "stars", "commune", "district", "village", "soldat", "online", "standard"}, desc: "The query parameter of the filter."},
		"CatalogueFacetValue.value":   {desc: "The parameter's value (a classification code, p5/3/4/5, a commune or district code, a village id)."},
		"CatalogueFacetValue.label":   {desc: "The value's name in the requested language (absent for stars)."},
		"CatalogueCorrection.from":    {desc: "The folded word as typed."},
		"CatalogueCorrection.to":      {desc: "The indexed words searched in its place (one or two edits away)."},
		"CatalogueNearby.distance_km": {desc: "Great-circle distance in kilometres, to 10 m."},
		"CatalogueNearby.url":         {desc: "The village's public page."},
	}
}

// catalogueNearbyPage is the answer of nearest-villages.
type catalogueNearbyPage struct {
	Items []catalogue.Nearby `json:"items"`
}

// catalogueSchemas defines the catalogue schemas.
func catalogueSchemas(s *schemaSet) {
	s.define("CataloguePoint", catalogue.Point{}, false)
	s.define("CatalogueItem", catalogue.Item{}, false)
	s.define("CatalogueFacetValue", catalogue.FacetValue{}, false)
	s.define("CatalogueFacet", catalogue.Facet{}, false)
	s.define("CatalogueCorrection", catalogue.Correction{}, false)
	s.define("CatalogueResult", catalogue.Result{}, false)
	s.define("CatalogueNearby", catalogue.Nearby{}, false)
	s.define("CatalogueNearbyPage", catalogueNearbyPage{}, false)
}

// catalogueParameters defines the catalogue query parameters.
func catalogueParameters() map[string]any {
	return map[string]any{
		"catalogue_q": queryParam("q", "Search text, with or without diacritics (at most 200 characters).",
			map[string]any{"type": "string", "maxLength": catalogue.MaxQueryRunes}),
		"catalogue_group":    queryParam("group", "Classification code at any level (I, I.3, I.3.c).", map[string]any{"type": "string"}),
		"catalogue_stars":    queryParam("stars", "Current valid star: 3, 4 (includes potential 5★), p5 (4★ proposed for 5★) or 5.", enumOf(catalogue.StarFilters...)),
		"catalogue_commune":  queryParam("commune", "Producer's current commune or ward code.", map[string]any{"type": "string"}),
		"catalogue_district": queryParam("district", "Producer's pre-2025 district code.", map[string]any{"type": "string"}),
		"catalogue_village":  queryParam("village", "Craft village id.", posInt),
		"catalogue_sort": queryParam("sort", "Order: relevance (default when searching), stars (default otherwise), name, newest (certified).",
			enumOf(catalogue.SortRelevance, catalogue.SortStars, catalogue.SortName, catalogue.SortNewest)),
		"catalogue_page": queryParam("page", "Page number from 1 (24 products a page).", map[string]any{"type": "integer", "minimum": 1, "maximum": catalogue.MaxPage}),
		"catalogue_lang": queryParam("lang", "Language of facet labels.", enumOf("vi", "en")),
		"catalogue_lat":  queryParam("lat", "Latitude (WGS 84).", map[string]any{"type": "number", "minimum": -90, "maximum": 90}),
		"catalogue_lon":  queryParam("lon", "Longitude (WGS 84).", map[string]any{"type": "number", "minimum": -180, "maximum": 180}),
		"catalogue_n":    queryParam("n", "How many villages (1–20, default 3).", map[string]any{"type": "integer", "minimum": 1, "maximum": 20}),
	}
}
