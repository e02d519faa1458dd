package api_test

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"ocop/internal/account"
	"ocop/internal/api"
	"ocop/internal/apptest"
)

// fetchDoc gets the served OpenAPI document.
func fetchDoc(t *testing.T, e *apptest.Env) map[string]any {
	t.Helper()
	r := e.API("GET", "/api/v1/openapi.json", "", nil)
	if r.Status != 200 {
		t.Fatalf("GET /api/v1/openapi.json: got status %d", r.Status)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("openapi.json: got Content-Type %q, want application/json", ct)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(r.Body), &doc); err != nil {
		t.Fatalf("openapi.json does not parse: %v", err)
	}
	return doc
}

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// The document and the server's real route table describe the same API:
// every /api/v1 route is documented, and nothing is documented that the
// server does not serve.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := apptest.New(t, "sqlite")
	doc := fetchDoc(t, e)
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi: got %v, want 3.1.0", doc["openapi"])
	}
	served := map[string]bool{}
	for _, p := range api.APIPatterns(e.App.Web.Routes()) {
		method, path, _ := strings.Cut(p, " ")
		if !strings.HasPrefix(path, "/api/v1/") {
			t.Errorf("API route %q is outside /api/v1", p)
			continue
		}
		served[strings.ToLower(method)+" "+strings.TrimSuffix(strings.ReplaceAll(path, "...}", "}"), "{$}")] = true
	}
	if len(served) < 18 {
		t.Errorf("route table: got %d API routes, want at least 18: %v", len(served), served)
	}
	documented := map[string]bool{}
	paths, _ := doc["paths"].(map[string]any)
	for path, item := range paths {
		for method := range item.(map[string]any) {
			if slices.Contains(httpMethods, method) {
				documented[method+" "+path] = true
			}
		}
	}
	for k := range served {
		if !documented[k] {
			t.Errorf("route %q is served but not in the OpenAPI document", k)
		}
	}
	for k := range documented {
		if !served[k] {
			t.Errorf("operation %q is documented but the server has no such route", k)
		}
	}
}

// Every operation is complete: a unique operationId, a success response,
// its path parameters declared, and every $ref resolves.
func TestOpenAPIWellFormed(t *testing.T) {
	e := apptest.New(t, "sqlite")
	doc := fetchDoc(t, e)
	ids := map[string]string{}
	paramRe := regexp.MustCompile(`\{([^}]+)\}`)
	for path, item := range doc["paths"].(map[string]any) {
		for method, o := range item.(map[string]any) {
			op := o.(map[string]any)
			where := method + " " + path
			id, _ := op["operationId"].(string)
			if id == "" {
				t.Errorf("%s: no operationId", where)
			} else if other, dup := ids[id]; dup {
				t.Errorf("%s: operationId %q also used by %s", where, id, other)
			}
			ids[id] = where
			resps, _ := op["responses"].(map[string]any)
			ok := false
			for code := range resps {
				ok = ok || strings.HasPrefix(code, "2")
			}
			if !ok {
				t.Errorf("%s: no success response in %v", where, resps)
			}
			declared := map[string]bool{}
			params, _ := op["parameters"].([]any)
			for _, p := range params {
				pm := resolve(t, doc, p.(map[string]any))
				if pm["in"] == "path" {
					declared[pm["name"].(string)] = true
				}
			}
			for _, m := range paramRe.FindAllStringSubmatch(path, -1) {
				if !declared[m[1]] {
					t.Errorf("%s: path parameter %q is not declared", where, m[1])
				}
			}
			if _, has := op["requestBody"]; has != (method == "post" || method == "put") {
				t.Errorf("%s: got requestBody %v, want one exactly for POST and PUT", where, has)
			}
		}
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				if lookupRef(doc, ref) == nil {
					t.Errorf("%s: $ref %q does not resolve", path, ref)
				}
			}
			for k, vv := range x {
				walk(path+"/"+k, vv)
			}
		case []any:
			for i, vv := range x {
				walk(fmt.Sprintf("%s/%d", path, i), vv)
			}
		}
	}
	walk("#", doc)
	schemes := doc["components"].(map[string]any)["securitySchemes"].(map[string]any)
	if b, _ := schemes["bearerAuth"].(map[string]any); b["scheme"] != "bearer" {
		t.Errorf("bearerAuth: got %v, want an HTTP bearer scheme", b)
	}
}

// Real answers of the server conform to the documented schemas, and use
// no property the document does not describe.
func TestOpenAPIDescribesResponses(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newWorld(t, e)
		doc := fetchDoc(t, e)
		r := e.API("POST", "/api/v1/craft-villages", w.officer, map[string]any{"name": "Làng gốm Bát Tràng", "commune_code": "00577", "recognised": true, "recognised_year": 2005, "latitude": 20.97, "longitude": 105.91})
		if r.Status != 201 {
			t.Fatalf("create village: got status %d\n%s", r.Status, r.Body)
		}
		var v struct{ ID int64 }
		r.JSON(t, &v)
		for _, tt := range []struct {
			method, template, url, token string
			body                         any
			status                       int
		}{
			{"get", "/api/v1/products", "/api/v1/products", "", nil, 200},
			{"get", "/api/v1/products/{id}", "/api/v1/products/" + id(w.vase.ID), "", nil, 200},
			{"get", "/api/v1/products/{id}", "/api/v1/products/0", "", nil, 404},
			{"post", "/api/v1/products", "/api/v1/products", w.office, map[string]any{"producer_id": w.batTrang.ID, "name": "Lọ", "category_code": "IV.1", "craft_village_id": v.ID}, 201},
			{"post", "/api/v1/products", "/api/v1/products", w.office, map[string]any{"producer_id": w.batTrang.ID, "category_code": "I"}, 422},
			{"put", "/api/v1/products/{id}", "/api/v1/products/" + id(w.silk.ID), w.prod, map[string]any{"name": "x", "category_code": "IV.2", "version": 1}, 403},
			{"get", "/api/v1/producers", "/api/v1/producers?scope=managed", w.officer, nil, 200},
			{"get", "/api/v1/producers/{id}", "/api/v1/producers/" + id(w.batTrang.ID), "", nil, 200},
			{"put", "/api/v1/producers/{id}", "/api/v1/producers/" + id(w.batTrang.ID), w.officer, map[string]any{"kind": "cooperative", "name": "HTX", "commune_code": "00577", "version": 9}, 409},
			{"post", "/api/v1/producers", "/api/v1/producers", "", map[string]any{}, 401},
			{"get", "/api/v1/craft-villages", "/api/v1/craft-villages", "", nil, 200},
			{"get", "/api/v1/craft-villages/{id}", "/api/v1/craft-villages/" + id(v.ID), "", nil, 200},
			{"get", "/api/v1/categories", "/api/v1/categories", "", nil, 200},
			{"get", "/api/v1/admin-units/provinces", "/api/v1/admin-units/provinces", "", nil, 200},
			{"get", "/api/v1/admin-units/wards", "/api/v1/admin-units/wards?province=01", "", nil, 200},
			{"get", "/api/v1/admin-units/lookup", "/api/v1/admin-units/lookup?q=quang%20tien", "", nil, 200},
			{"get", "/api/v1/admin-units/lookup", "/api/v1/admin-units/lookup?q=", "", nil, 422},
			{"get", "/api/v1/me", "/api/v1/me", w.prod, nil, 200},
			{"get", "/api/v1/me", "/api/v1/me", e.Token(e.User(account.RoleCommune, "00004")), nil, 200},
		} {
			r := e.API(strings.ToUpper(tt.method), tt.url, tt.token, tt.body)
			where := strings.ToUpper(tt.method) + " " + tt.url
			if r.Status != tt.status {
				t.Errorf("%s: got status %d, want %d\n%s", where, r.Status, tt.status, r.Body)
				continue
			}
			op, _ := doc["paths"].(map[string]any)[tt.template].(map[string]any)[tt.method].(map[string]any)
			if op == nil {
				t.Errorf("%s: no operation %s %s in the document", where, tt.method, tt.template)
				continue
			}
			resp, ok := op["responses"].(map[string]any)[fmt.Sprint(tt.status)].(map[string]any)
			if !ok {
				t.Errorf("%s: status %d is not documented", where, tt.status)
				continue
			}
			resp = resolve(t, doc, resp)
			var schema map[string]any
			for _, media := range resp["content"].(map[string]any) {
				schema = media.(map[string]any)["schema"].(map[string]any)
			}
			var body any
			if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
				t.Errorf("%s: body does not parse: %v", where, err)
				continue
			}
			for _, problem := range conform(doc, "$", schema, body) {
				t.Errorf("%s: %s", where, problem)
			}
		}
	})
}

func lookupRef(doc map[string]any, ref string) map[string]any {
	var cur any = doc
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	m, _ := cur.(map[string]any)
	return m
}

func resolve(t *testing.T, doc, m map[string]any) map[string]any {
	t.Helper()
	for i := 0; i < 10; i++ {
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		if m = lookupRef(doc, ref); m == nil {
			t.Fatalf("$ref %q does not resolve", ref)
		}
	}
	return m
}

// conform checks v against a schema of the subset the document uses:
// $ref, oneOf, type (one or several), enum, properties, required, items.
// Objects must not carry properties the schema does not describe.
func conform(doc map[string]any, at string, s map[string]any, v any) []string {
	for {
		ref, ok := s["$ref"].(string)
		if !ok {
			break
		}
		if s = lookupRef(doc, ref); s == nil {
			return []string{at + ": unresolved " + ref}
		}
	}
	if alts, ok := s["oneOf"].([]any); ok {
		for _, a := range alts {
			if len(conform(doc, at, a.(map[string]any), v)) == 0 {
				return nil
			}
		}
		return []string{fmt.Sprintf("%s: %v matches no alternative", at, v)}
	}
	if t, ok := s["type"]; ok {
		var types []string
		switch x := t.(type) {
		case string:
			types = []string{x}
		case []any:
			for _, y := range x {
				types = append(types, y.(string))
			}
		}
		got := jsonKind(v)
		if !slices.Contains(types, got) && !(got == "integer" && slices.Contains(types, "number")) {
			return []string{fmt.Sprintf("%s: got %s, want %v", at, got, types)}
		}
	}
	if enum, ok := s["enum"].([]any); ok && !slices.Contains(enum, v) {
		return []string{fmt.Sprintf("%s: %v is not one of %v", at, v, enum)}
	}
	var out []string
	switch x := v.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		req, _ := s["required"].([]any)
		for _, r := range req {
			if _, ok := x[r.(string)]; !ok {
				out = append(out, fmt.Sprintf("%s: required property %q missing", at, r))
			}
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			ps, ok := props[k].(map[string]any)
			if !ok {
				out = append(out, fmt.Sprintf("%s: property %q is not documented", at, k))
				continue
			}
			out = append(out, conform(doc, at+"."+k, ps, x[k])...)
		}
	case []any:
		if items, ok := s["items"].(map[string]any); ok {
			for i, it := range x {
				out = append(out, conform(doc, fmt.Sprintf("%s[%d]", at, i), items, it)...)
			}
		}
	}
	return out
}

func jsonKind(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		if x == math.Trunc(x) {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	}
	return "object"
}
