package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/registry"
)

// operation describes one endpoint for the OpenAPI document. The table in
// operations is checked against the server's real route table by a test:
// a route missing here, or an operation the server does not serve, fails
// the build.
type operation struct {
	method, path, id, tag, summary, desc string
	params                               []string // names in components/parameters
	body                                 string   // request schema in components/schemas
	form                                 string   // multipart/form-data request schema (an upload), instead of body
	status                               int      // success status
	result                               string   // success schema ("" for any object)
	auth                                 bool     // a token or session is required
	errs                                 []string // names in components/responses
}

func operations() []operation {
	return slices.Concat(coreOperations(), stampOperations(), catalogueOperations(), statsOperations(), traceOperations(), marketOperations(), tradeOperations())
}

// coreOperations are the registry, reference-data and account endpoints.
func coreOperations() []operation {
	list := []string{"page", "per_page"}
	ref := []string{"page", "per_page_ref"}
	write := []string{"Invalid", "Unauthenticated", "Forbidden", "TooLarge"}
	return []operation{
		{method: "GET", path: "/api/v1/admin-units/lookup", id: "lookupAdminUnits", tag: "admin-units",
			summary: "Find current or pre-2025 administrative units by name",
			desc: "Matches current communes/wards and Hanoi's pre-2025 districts and communes by name, typed with or without " +
				"diacritics and with or without the type word (xã, phường, huyện). Each match lists the current unit(s) an address " +
				"there belongs to now; an old commune that was split lists several, each with share \"partial\".",
			params: append([]string{"q_lookup", "province"}, list...), status: 200, result: "UnitMatchPage", errs: []string{"Invalid"}},
		{method: "GET", path: "/api/v1/admin-units/provinces", id: "listProvinces", tag: "admin-units",
			summary: "List the 34 provinces in force since 1 July 2025", params: ref, status: 200, result: "ProvincePage", errs: []string{"Invalid"}},
		{method: "GET", path: "/api/v1/admin-units/wards", id: "listWards", tag: "admin-units",
			summary: "List current communes and wards", desc: "By name within each province; all provinces when province is left out.",
			params: append([]string{"province", "q"}, ref...), status: 200, result: "WardPage", errs: []string{"Invalid"}},
		{method: "GET", path: "/api/v1/categories", id: "listCategories", tag: "categories",
			summary: "List the product classification in force (Decision 26/2026/QĐ-TTg, Appendix I)",
			desc:    "In document order. Products are classified under leaves (leaf=true), each with its official scorecard set.",
			params:  append([]string{"parent", "level", "leaf", "q"}, ref...), status: 200, result: "CategoryPage", errs: []string{"Invalid"}},
		{method: "GET", path: "/api/v1/craft-villages", id: "listCraftVillages", tag: "craft-villages",
			summary: "List craft villages (làng nghề)", params: append([]string{"q", "commune", "legacy_district", "recognised"}, list...),
			status: 200, result: "CraftVillagePage", errs: []string{"Invalid"}},
		{method: "POST", path: "/api/v1/craft-villages", id: "createCraftVillage", tag: "craft-villages",
			summary: "Record a craft village", desc: "Province staff anywhere; commune officers in their communes.",
			params: []string{"csrf"}, body: "CraftVillageInput", status: 201, result: "CraftVillage", auth: true, errs: write},
		{method: "GET", path: "/api/v1/craft-villages/{id}", id: "getCraftVillage", tag: "craft-villages",
			summary: "Get a craft village", params: []string{"id"}, status: 200, result: "CraftVillage", errs: []string{"NotFound"}},
		{method: "PUT", path: "/api/v1/craft-villages/{id}", id: "updateCraftVillage", tag: "craft-villages",
			summary: "Replace a craft village", desc: "The body replaces the record and carries the version it was based on.",
			params: []string{"id", "csrf"}, body: "CraftVillageInput", status: 200, result: "CraftVillage", auth: true,
			errs: slices.Concat(write, []string{"NotFound", "Conflict"})},
		{method: "GET", path: "/api/v1/me", id: "getMe", tag: "account",
			summary: "Get the caller's own account", desc: "Role, communes and producers: the scope every write is checked against.",
			status: 200, result: "Me", auth: true, errs: []string{"Unauthenticated"}},
		{method: "GET", path: "/api/v1/openapi.json", id: "getOpenAPI", tag: "meta", summary: "This document", status: 200},
		{method: "GET", path: "/api/v1/producers", id: "listProducers", tag: "producers",
			summary: "List producers (chủ thể OCOP)",
			desc:    "Active producers for anyone; with scope=managed, the producers the caller manages, drafts included.",
			params:  append([]string{"q", "kind", "commune", "legacy_district", "women_led", "ethnic_minority_led", "scope", "status"}, list...),
			status:  200, result: "ProducerPage", errs: []string{"Invalid", "Unauthenticated"}},
		{method: "POST", path: "/api/v1/producers", id: "createProducer", tag: "producers",
			summary: "Register a producer", desc: "Province staff anywhere; commune officers in their communes.",
			params: []string{"csrf"}, body: "ProducerInput", status: 201, result: "Producer", auth: true, errs: write},
		{method: "GET", path: "/api/v1/producers/{id}", id: "getProducer", tag: "producers",
			summary: "Get a producer", desc: "The record as the caller may see it in the back office (drafts in scope), else the public record, else 404.",
			params: []string{"id"}, status: 200, result: "Producer", errs: []string{"NotFound"}},
		{method: "PUT", path: "/api/v1/producers/{id}", id: "updateProducer", tag: "producers",
			summary: "Replace a producer", desc: "Officers in scope change everything; a producer account its own record but not its status.",
			params: []string{"id", "csrf"}, body: "ProducerInput", status: 200, result: "Producer", auth: true,
			errs: slices.Concat(write, []string{"NotFound", "Conflict"})},
		{method: "GET", path: "/api/v1/products", id: "listProducts", tag: "products",
			summary: "List and search products",
			desc: "Active products of active producers for anyone; q matches every word as a prefix of the name, brand, producer, " +
				"craft village, code or GTIN, ignoring diacritics and đ (q=gom bat trang finds Gốm Bát Tràng). " +
				"With scope=managed, the products the caller manages, drafts included.",
			params: append([]string{"q", "category", "commune", "legacy_district", "producer_id", "craft_village_id", "scope", "status"}, list...),
			status: 200, result: "ProductPage", errs: []string{"Invalid", "Unauthenticated"}},
		{method: "POST", path: "/api/v1/products", id: "createProduct", tag: "products",
			summary: "Register a product", desc: "For a producer the caller manages; a producer account's own entries are drafts until the commune activates them.",
			params: []string{"csrf"}, body: "ProductInput", status: 201, result: "Product", auth: true, errs: write},
		{method: "GET", path: "/api/v1/products/{id}", id: "getProduct", tag: "products",
			summary: "Get a product", desc: "The record as the caller may see it in the back office (drafts in scope), else the public record, else 404.",
			params: []string{"id"}, status: 200, result: "Product", errs: []string{"NotFound"}},
		{method: "PUT", path: "/api/v1/products/{id}", id: "updateProduct", tag: "products",
			summary: "Replace a product", desc: "The body replaces the product and carries the version it was based on; the producer never changes.",
			params: []string{"id", "csrf"}, body: "ProductInput", status: 200, result: "Product", auth: true,
			errs: slices.Concat(write, []string{"NotFound", "Conflict"})},
	}
}

// fieldNotes document what the Go types cannot say.
func fieldNotes() map[string]note {
	statuses := []string{registry.StatusDraft, registry.StatusActive, registry.StatusInactive}
	roles := make([]string, len(account.Roles))
	for i, r := range account.Roles {
		roles[i] = string(r)
	}
	commune := note{desc: "Code of the current commune or ward (since 1 July 2025); see /api/v1/admin-units/wards."}
	legacyDistrict := note{desc: "Code of the pre-2025 district, when known."}
	legacyCommune := note{desc: "Code of the pre-2025 commune, when known; it completes or checks the current commune (see /api/v1/admin-units/lookup)."}
	version := note{desc: "Optimistic lock: the version of the record the change was based on. Required on update; a stale version is answered with 409."}
	n := map[string]note{
		"Producer":                               {desc: "An OCOP subject (chủ thể OCOP): the organisation or household that registers products."},
		"Producer.kind":                          {enum: registry.ProducerKinds},
		"Producer.status":                        {enum: statuses},
		"ProducerInput.kind":                     {enum: registry.ProducerKinds, desc: "Associations, federations and tourism centres may only register tourism services (group VI)."},
		"ProducerInput.status":                   {enum: statuses, desc: "Default active. A producer account cannot change it."},
		"ProducerInput.email":                    {format: "email"},
		"ProducerInput.website":                  {format: "uri"},
		"Product":                                {desc: "A product registered by a producer, classified under a leaf of the classification."},
		"Product.code":                           {desc: "Product code (T)-(X)-(STT)-(year): province, commune, sequence, year."},
		"Product.status":                         {enum: statuses},
		"ProductInput.producer_id":               {desc: "Required on creation; on update it may be left out and must not differ from the product's producer."},
		"ProductInput.code":                      {desc: "Optional: allocated as (T)-(X)-(STT)-(year) when empty."},
		"ProductInput.category_code":             {desc: "A leaf of /api/v1/categories (leaf=true)."},
		"ProductInput.gtin":                      {desc: "GTIN-13 with a valid check digit, unique across products."},
		"ProductInput.status":                    {enum: statuses, desc: "Default active. Ignored for producer accounts: their entries are drafts until the commune activates them."},
		"ProductInput.year":                      {desc: "Year of an allocated product code (default: this year)."},
		"CraftVillage":                           {desc: "A craft village (làng nghề), recognised by the city or not."},
		"Category.level":                         {enum: []string{"kind", "group", "subgroup"}},
		"Category.scorecard_set":                 {desc: "Number of the official scorecard (1–26) for products of this leaf; absent on headings."},
		"UnitMatch.kind":                         {enum: []string{"ward", "old_ward", "old_district"}, desc: "ward is a current unit; old_ward and old_district are pre-2025 units."},
		"UnitMatch.exact":                        {desc: "The query matched the name exactly, diacritics included."},
		"UnitTarget.share":                       {enum: []string{"full", "partial"}, desc: "full: the whole old unit went into this one; partial: the old unit was split."},
		"Me.role":                                {enum: roles},
		"Me.producers":                           {desc: "Producer records a producer account is verified to act for."},
		"Me.communes":                            {desc: "Communes a commune officer acts in."},
		"Problem":                                {desc: "An RFC 9457 problem document; detail and field messages are in the caller's language (Accept-Language, Vietnamese by default)."},
		"Problem.code":                           {enum: []string{string(apperr.Invalid), string(apperr.NotFound), string(apperr.Conflict), string(apperr.Forbidden), string(apperr.Unauthenticated), string(apperr.TooMany), string(apperr.Internal), codeMethodNotAllowed}, desc: "Stable machine-readable code."},
		"Problem.errors":                         {desc: "One entry per invalid field."},
		"FieldError.field":                       {desc: "JSON name of the field (or query parameter)."},
		"ProducerInput.commune_code":             commune,
		"ProducerInput.legacy_district_code":     legacyDistrict,
		"ProducerInput.legacy_commune_code":      legacyCommune,
		"ProducerInput.version":                  version,
		"ProductInput.version":                   version,
		"CraftVillageInput.commune_code":         commune,
		"CraftVillageInput.legacy_district_code": legacyDistrict,
		"CraftVillageInput.legacy_commune_code":  legacyCommune,
		"CraftVillageInput.version":              version,
	}
	for _, more := range []map[string]note{stampNotes(), catalogueNotes(), statsNotes(), traceNotes(), marketNotes(), tradeNotes()} {
		for k, v := range more {
			n[k] = v
		}
	}
	return n
}

// schemas defines components/schemas from the handlers' own types.
func schemas() map[string]any {
	s := newSchemaSet(fieldNotes())
	s.define("FieldError", apperr.FieldError{}, false)
	s.define("Problem", problem{}, false)
	s.define("Image", registry.Image{}, false)
	s.define("Producer", registry.Producer{}, false)
	s.define("ProducerInput", registry.ProducerInput{}, true, "kind", "name", "commune_code")
	s.define("Product", registry.Product{}, false)
	s.define("ProductInput", registry.ProductInput{}, true, "name", "category_code")
	s.define("CraftVillage", registry.CraftVillage{}, false)
	s.define("CraftVillageInput", registry.CraftVillageInput{}, true, "name", "commune_code")
	s.define("Category", registry.Category{}, false)
	s.define("Province", province{}, false)
	s.define("Ward", ward{}, false)
	s.define("UnitTarget", unitTarget{}, false)
	s.define("UnitMatch", unitMatch{}, false)
	s.define("Me", me{}, false)
	for _, item := range []string{"Producer", "Product", "CraftVillage", "Category", "Province", "Ward", "UnitMatch"} {
		s.defs[item+"Page"] = pageSchema(item)
	}
	stampSchemas(s)
	catalogueSchemas(s)
	statsSchemas(s)
	traceSchemas(s)
	marketSchemas(s)
	tradeSchemas(s)
	return s.defs
}

func queryParam(name, desc string, schema map[string]any) map[string]any {
	return map[string]any{"name": name, "in": "query", "required": false, "description": desc, "schema": schema}
}

var (
	str     = map[string]any{"type": "string", "maxLength": maxQueryLen}
	boolean = map[string]any{"type": "boolean"}
	posInt  = map[string]any{"type": "integer", "format": "int64", "minimum": 1}
)

func enumOf(values ...string) map[string]any { return map[string]any{"type": "string", "enum": values} }

// parameters defines components/parameters.
func parameters() map[string]any {
	p := coreParameters()
	for _, more := range []map[string]any{stampParameters(), catalogueParameters(), statsParameters(), traceParameters(), marketParameters(), photoParameters(), tradeParameters()} {
		for k, v := range more {
			p[k] = v
		}
	}
	return p
}

// coreParameters are the parameters of the core endpoints.
func coreParameters() map[string]any {
	lookup := queryParam("q", "Name of a current or old unit, with or without diacritics or the type word.", str)
	lookup["required"] = true
	return map[string]any{
		"id":           map[string]any{"name": "id", "in": "path", "required": true, "schema": posInt},
		"page":         queryParam("page", "Page number, from 1.", map[string]any{"type": "integer", "minimum": 1, "maximum": maxPage, "default": 1}),
		"per_page":     queryParam("per_page", "Items per page.", map[string]any{"type": "integer", "minimum": 1, "maximum": registry.MaxPerPage, "default": defaultPerPage}),
		"per_page_ref": queryParam("per_page", "Items per page.", map[string]any{"type": "integer", "minimum": 1, "maximum": registry.MaxPerPage, "default": defaultRefPerPage}),
		"q":            queryParam("q", "Search text; diacritics and đ are optional.", str),
		"q_lookup":     lookup,
		"scope": queryParam("scope", "public (default): active records for anyone; managed: the records the caller manages "+
			"in the back office, drafts included (needs a token or session).", enumOf(scopePublic, scopeManaged)),
		"status":              queryParam("status", "Record status; other than active only with scope=managed.", enumOf(registry.StatusDraft, registry.StatusActive, registry.StatusInactive)),
		"commune":             queryParam("commune", "Current commune or ward code.", str),
		"legacy_district":     queryParam("legacy_district", "Pre-2025 district code.", str),
		"province":            queryParam("province", "Current province code, e.g. 01 for Hanoi.", str),
		"producer_id":         queryParam("producer_id", "Only products of this producer.", posInt),
		"craft_village_id":    queryParam("craft_village_id", "Only products of this craft village.", posInt),
		"category":            queryParam("category", "Classification code at any level: I, I.3 or I.3.c.", str),
		"kind":                queryParam("kind", "Kind of producer.", enumOf(registry.ProducerKinds...)),
		"women_led":           queryParam("women_led", "Only producers led by women.", boolean),
		"ethnic_minority_led": queryParam("ethnic_minority_led", "Only producers led by ethnic minority people.", boolean),
		"recognised":          queryParam("recognised", "Only villages recognised (true) or not (false).", boolean),
		"parent":              queryParam("parent", "Only the children of this classification code.", str),
		"level":               queryParam("level", "Only nodes of this level.", enumOf("kind", "group", "subgroup")),
		"leaf":                queryParam("leaf", "Only the nodes products can be classified under (true) or only headings (false).", boolean),
		"csrf": map[string]any{"name": "X-CSRF-Token", "in": "header", "required": false, "schema": map[string]any{"type": "string"},
			"description": "Required with the session cookie (the session's CSRF token); not used with a bearer token."},
	}
}

// responses defines components/responses: one per error status.
func responses() map[string]any {
	prob := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{
			"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}}
	}
	unauth := prob("No valid token or session.")
	unauth["headers"] = map[string]any{"WWW-Authenticate": map[string]any{"schema": map[string]any{"type": "string"}, "description": `Bearer realm="ocop"`}}
	return map[string]any{
		"Invalid":         prob("The input is not valid: malformed JSON, unknown or mistyped fields, bad query parameters or rules of the registry; errors lists the fields."),
		"Unauthenticated": unauth,
		"Forbidden":       prob("The record is outside the caller's scope, or the role may not do this."),
		"NotFound":        prob("No such record, or not visible to the caller."),
		"Conflict":        prob("The version is stale: someone changed the record meanwhile."),
		"TooLarge":        prob("The request body is larger than 1 MB."),
		"Error":           prob("Any other error, e.g. 405 for a method the path does not serve, or 500."),
	}
}

// document builds the OpenAPI 3.1 document.
func (a *API) document() map[string]any {
	server := strings.TrimRight(a.BaseURL, "/")
	if server == "" {
		server = "/"
	}
	optional := []any{map[string]any{}, map[string]any{"bearerAuth": []string{}}, map[string]any{"sessionCookie": []string{}}}
	required := []any{map[string]any{"bearerAuth": []string{}}, map[string]any{"sessionCookie": []string{}}}
	paths := map[string]any{}
	for _, o := range operations() {
		item, _ := paths[o.path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[o.path] = item
		}
		var params []any
		for _, p := range o.params {
			params = append(params, map[string]any{"$ref": "#/components/parameters/" + p})
		}
		result := map[string]any{"type": "object"}
		if o.result != "" {
			result = map[string]any{"$ref": "#/components/schemas/" + o.result}
		}
		ok := map[string]any{"description": "OK", "content": map[string]any{"application/json": map[string]any{"schema": result}}}
		if o.status == http.StatusNoContent {
			ok = map[string]any{"description": "No Content"}
		}
		if o.status == http.StatusCreated {
			ok["description"] = "Created"
			ok["headers"] = map[string]any{"Location": map[string]any{"schema": map[string]any{"type": "string"}, "description": "URL of the new record."}}
		}
		resps := map[string]any{strconv.Itoa(o.status): ok, "default": map[string]any{"$ref": "#/components/responses/Error"}}
		for _, e := range o.errs {
			resps[strconv.Itoa(errStatus[e])] = map[string]any{"$ref": "#/components/responses/" + e}
		}
		op := map[string]any{"operationId": o.id, "tags": []string{o.tag}, "summary": o.summary, "responses": resps}
		if o.desc != "" {
			op["description"] = o.desc
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if o.body != "" {
			op["requestBody"] = map[string]any{"required": true,
				"description": "A JSON object of at most 1 MB; unknown fields are refused.",
				"content":     map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/" + o.body}}}}
		}
		if o.form != "" {
			op["requestBody"] = map[string]any{"required": true, "description": "multipart/form-data, as a browser's file upload sends it.",
				"content": map[string]any{"multipart/form-data": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/" + o.form}}}}
		}
		switch {
		case o.auth:
			op["security"] = required
		case o.id != "getOpenAPI":
			op["security"] = optional
		default:
			op["security"] = []any{map[string]any{}}
		}
		item[strings.ToLower(o.method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "OCOP platform API",
			"version": "1.0.0",
			"description": "JSON API v1 of the open platform of Vietnam's OCOP programme (Mỗi xã một sản phẩm). " +
				"Anyone may read public registry data without authentication. Writes need a personal API token " +
				"(create one on your account page, /account) sent as Authorization: Bearer ocop_…; the registry's scope " +
				"rules apply (commune officers act in their communes, producer accounts on their own records). " +
				"Browser sessions may call the API too, with the X-CSRF-Token header on writes. Errors are RFC 9457 " +
				"problem documents (application/problem+json) in the caller's language: Vietnamese by default, English " +
				"with Accept-Language: en.",
		},
		"servers": []any{map[string]any{"url": server}},
		"tags": []any{
			map[string]any{"name": "products", "description": "Products (sản phẩm OCOP)"},
			map[string]any{"name": "producers", "description": "Producers (chủ thể OCOP)"},
			map[string]any{"name": "craft-villages", "description": "Craft villages (làng nghề)"},
			map[string]any{"name": "categories", "description": "Product classification"},
			map[string]any{"name": "admin-units", "description": "Administrative units, current and pre-2025, and the mapping between them"},
			map[string]any{"name": "account", "description": "The caller's own account"},
			map[string]any{"name": "meta", "description": "This description"},
		},
		"paths": paths,
		"components": map[string]any{
			"schemas":    schemas(),
			"parameters": parameters(),
			"responses":  responses(),
			"securitySchemes": map[string]any{
				"bearerAuth": map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "ocop_…",
					"description": "A personal API token, created on /account. It acts with its owner's role and scope."},
				"sessionCookie": map[string]any{"type": "apiKey", "in": "cookie", "name": "ocop_session",
					"description": "The web session of a signed-in browser; writes must also send X-CSRF-Token."},
			},
		},
	}
}

var errStatus = map[string]int{
	"Invalid": http.StatusUnprocessableEntity, "Unauthenticated": http.StatusUnauthorized, "Forbidden": http.StatusForbidden,
	"NotFound": http.StatusNotFound, "Conflict": http.StatusConflict, "TooLarge": http.StatusRequestEntityTooLarge,
}

// OpenAPI answers GET /api/v1/openapi.json with the OpenAPI 3.1 document,
// built once.
func (a *API) OpenAPI(w http.ResponseWriter, r *http.Request) error {
	a.docOnce.Do(func() { a.doc, a.docErr = json.MarshalIndent(a.document(), "", " ") })
	if a.docErr != nil {
		return a.docErr
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, err := w.Write(a.doc)
	return err
}
