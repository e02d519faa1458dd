package api_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/registry"
)

// problemDoc is what every error response must be.
type problemDoc struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Code   string `json:"code"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

// mustProblem checks that r is a problem document with the status and
// returns it.
func mustProblem(t *testing.T, what string, r *apptest.Response, status int) problemDoc {
	t.Helper()
	if r.Status != status {
		t.Errorf("%s: got status %d, want %d\n%s", what, r.Status, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("%s: got Content-Type %q, want application/problem+json", what, ct)
	}
	var p problemDoc
	if err := json.Unmarshal([]byte(r.Body), &p); err != nil {
		t.Fatalf("%s: problem does not parse: %v\n%s", what, err, r.Body)
	}
	if p.Status != r.Status || p.Type == "" || p.Title == "" || p.Detail == "" || p.Code == "" {
		t.Errorf("%s: incomplete problem %+v", what, p)
	}
	return p
}

func hasFieldError(p problemDoc, field string) bool {
	for _, e := range p.Errors {
		if e.Field == field && e.Message != "" {
			return true
		}
	}
	return false
}

type page[T any] struct {
	Items   []T `json:"items"`
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// world is the registry every API test starts from: two producers in two
// communes, active and draft records.
type world struct {
	batTrang, vanPhuc           registry.Producer // active, communes 00577 and 00004
	draftProducer               registry.Producer // draft, commune 00577
	vase, silk                  registry.Product  // active
	draftProduct                registry.Product  // draft of batTrang
	officer, otherOfficer, prod string            // tokens: officer of 00577, of 00004, producer account of batTrang
	office                      string            // token of the programme office
}

func newWorld(t *testing.T, e *apptest.Env) world {
	t.Helper()
	var w world
	w.batTrang = e.Producer("HTX Gốm Bát Tràng", "00577")
	w.vanPhuc = e.Producer("HTX Lụa Vạn Phúc", "00004")
	var err error
	w.draftProducer, err = e.App.Registry.CreateProducer(e.Ctx(), e.Admin(), registry.ProducerInput{
		Kind: registry.KindHousehold, Name: "Hộ Nguyễn Văn Nháp", CommuneCode: "00577", Status: registry.StatusDraft})
	if err != nil {
		t.Fatal(err)
	}
	w.vase = e.Product(w.batTrang.ID, "Bình men lam", "IV.1")
	w.silk = e.Product(w.vanPhuc.ID, "Khăn lụa tơ tằm", "IV.2")
	w.draftProduct, err = e.App.Registry.CreateProduct(e.Ctx(), e.Admin(), registry.ProductInput{
		ProducerID: w.batTrang.ID, Name: "Ấm chén gốm nháp", CategoryCode: "IV.1", Status: registry.StatusDraft})
	if err != nil {
		t.Fatal(err)
	}
	w.officer = e.Token(e.User(account.RoleCommune, "00577"))
	w.otherOfficer = e.Token(e.User(account.RoleCommune, "00004"))
	w.prod = e.Token(e.ProducerUser(w.batTrang.ID))
	w.office = e.Token(e.User(account.RoleOffice))
	return w
}

func TestAPIReads(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newWorld(t, e)
		for _, tt := range []struct {
			name, path, token string
			status            int
			want, notWant     []string
		}{
			{"search without diacritics", "/api/v1/products?q=" + url.QueryEscape("gom bat trang"), "", 200,
				[]string{"Bình men lam", `"total":1`}, []string{"Khăn lụa", "Ấm chén gốm nháp"}},
			{"search upper case", "/api/v1/products?q=BINH%20MEN", "", 200, []string{"Bình men lam"}, nil},
			{"public products hide drafts", "/api/v1/products", "", 200, []string{"Bình men lam", "Khăn lụa tơ tằm"}, []string{"Ấm chén gốm nháp"}},
			{"public products hide drafts from staff too", "/api/v1/products", w.officer, 200, []string{"Bình men lam"}, []string{"Ấm chén gốm nháp"}},
			{"filter by category", "/api/v1/products?category=IV.2", "", 200, []string{"Khăn lụa"}, []string{"Bình men lam"}},
			{"filter by producer", "/api/v1/products?producer_id=" + id(w.vanPhuc.ID), "", 200, []string{"Khăn lụa"}, []string{"Bình men lam"}},
			{"active product", "/api/v1/products/" + id(w.vase.ID), "", 200, []string{"Bình men lam", `"version":1`}, nil},
			{"draft product anonymous", "/api/v1/products/" + id(w.draftProduct.ID), "", 404, []string{"not_found"}, []string{"nháp"}},
			{"draft product other commune", "/api/v1/products/" + id(w.draftProduct.ID), w.otherOfficer, 404, nil, []string{"nháp"}},
			{"draft product own producer", "/api/v1/products/" + id(w.draftProduct.ID), w.prod, 200, []string{"Ấm chén gốm nháp", `"status":"draft"`}, nil},
			{"draft product commune officer", "/api/v1/products/" + id(w.draftProduct.ID), w.officer, 200, []string{"Ấm chén gốm nháp"}, nil},
			{"unknown product", "/api/v1/products/999999", "", 404, nil, nil},
			{"product id not a number", "/api/v1/products/abc", "", 404, nil, nil},
			{"managed products need a caller", "/api/v1/products?scope=managed", "", 401, nil, nil},
			{"managed products of a producer", "/api/v1/products?scope=managed", w.prod, 200, []string{"Ấm chén gốm nháp", "Bình men lam"}, []string{"Khăn lụa"}},
			{"managed drafts only", "/api/v1/products?scope=managed&status=draft", w.officer, 200, []string{"Ấm chén gốm nháp"}, []string{"Bình men lam"}},
			{"public producers", "/api/v1/producers", "", 200, []string{"HTX Gốm Bát Tràng", "HTX Lụa Vạn Phúc"}, []string{"Nháp"}},
			{"producer search", "/api/v1/producers?q=lua%20van%20phuc", "", 200, []string{"HTX Lụa Vạn Phúc"}, []string{"Bát Tràng"}},
			{"draft producer anonymous", "/api/v1/producers/" + id(w.draftProducer.ID), "", 404, nil, []string{"Nháp"}},
			{"draft producer officer in scope", "/api/v1/producers/" + id(w.draftProducer.ID), w.officer, 200, []string{"Hộ Nguyễn Văn Nháp"}, nil},
			{"draft producer officer out of scope", "/api/v1/producers/" + id(w.draftProducer.ID), w.otherOfficer, 404, nil, []string{"Nháp"}},
			{"active producer other officer", "/api/v1/producers/" + id(w.batTrang.ID), w.otherOfficer, 200, []string{"HTX Gốm Bát Tràng"}, nil},
			{"managed producers", "/api/v1/producers?scope=managed", w.officer, 200, []string{"Hộ Nguyễn Văn Nháp", "HTX Gốm Bát Tràng"}, []string{"Vạn Phúc"}},
			{"craft villages", "/api/v1/craft-villages", "", 200, []string{`"items":[]`, `"total":0`}, nil},
			{"categories leaves", "/api/v1/categories?leaf=true", "", 200, []string{`"code":"IV.1"`, `"scorecard_set"`}, []string{`"code":"IV",`}},
			{"categories by parent", "/api/v1/categories?parent=I.3", "", 200, []string{`"code":"I.3.a"`}, []string{`"code":"I.4.a"`}},
			{"categories by name without diacritics", "/api/v1/categories?q=thu%20cong", "", 200, []string{`"code":"IV"`}, []string{`"code":"I"`}},
			{"provinces", "/api/v1/admin-units/provinces", "", 200, []string{`"total":34`, "Thành phố Hà Nội"}, nil},
			{"wards of Hanoi", "/api/v1/admin-units/wards?province=01&q=bat%20trang", "", 200, []string{`"code":"00577"`, `"total":1`}, nil},
			{"me needs a caller", "/api/v1/me", "", 401, nil, nil},
			{"me", "/api/v1/me", w.prod, 200, []string{`"role":"producer"`, `"producers":[` + id(w.batTrang.ID) + `]`, `"via_token":true`}, []string{"password_hash", "token_hash"}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				r := e.API("GET", tt.path, tt.token, nil)
				if r.Status != tt.status {
					t.Fatalf("GET %s: got status %d, want %d\n%s", tt.path, r.Status, tt.status, r.Body)
				}
				if tt.status >= 400 {
					mustProblem(t, tt.path, r, tt.status)
				} else if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
					t.Errorf("GET %s: got Content-Type %q, want application/json", tt.path, ct)
				}
				for _, s := range tt.want {
					if !strings.Contains(r.Body, s) {
						t.Errorf("GET %s: body lacks %q\n%s", tt.path, s, r.Body)
					}
				}
				for _, s := range tt.notWant {
					if strings.Contains(r.Body, s) {
						t.Errorf("GET %s: body has %q", tt.path, s)
					}
				}
			})
		}
		// Anonymous answers may be cached; answers to a signed-in caller never.
		if r := e.API("GET", "/api/v1/products", "", nil); !strings.Contains(r.Header.Get("Cache-Control"), "public") {
			t.Errorf("anonymous list: got Cache-Control %q, want public", r.Header.Get("Cache-Control"))
		}
		if r := e.API("GET", "/api/v1/products/"+id(w.draftProduct.ID), w.prod, nil); r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("draft read: got Cache-Control %q, want no-store", r.Header.Get("Cache-Control"))
		}
	})
}

func TestAPIPaging(t *testing.T) {
	e := apptest.New(t, "sqlite")
	var p page[map[string]any]
	r := e.API("GET", "/api/v1/admin-units/wards?province=01&per_page=50&page=2", "", nil)
	r.JSON(t, &p)
	want := len(e.App.Registry.Units().WardsOf("01"))
	if p.Total != want || p.Page != 2 || p.PerPage != 50 || len(p.Items) != min(50, want-50) {
		t.Errorf("wards page 2: got total %d page %d per_page %d items %d, want total %d page 2 per_page 50 items %d",
			p.Total, p.Page, p.PerPage, len(p.Items), want, min(50, want-50))
	}
	r = e.API("GET", "/api/v1/admin-units/wards?province=01&page=1000", "", nil)
	r.JSON(t, &p)
	if r.Status != 200 || len(p.Items) != 0 || p.Items == nil {
		t.Errorf("page past the end: got status %d, items %v, want 200 and []", r.Status, p.Items)
	}
}

func TestAPIQueryErrors(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		for _, tt := range []struct{ path, field string }{
			{"/api/v1/products?page=abc", "page"},
			{"/api/v1/products?page=0", "page"},
			{"/api/v1/products?page=99999999999999999999999", "page"},
			{"/api/v1/products?per_page=500", "per_page"},
			{"/api/v1/products?per_page=-1", "per_page"},
			{"/api/v1/products?producer_id=-3", "producer_id"},
			{"/api/v1/products?producer_id=1e9", "producer_id"},
			{"/api/v1/products?craft_village_id=x", "craft_village_id"},
			{"/api/v1/products?category=XX.9", "category"},
			{"/api/v1/products?commune=99999", "commune"},
			{"/api/v1/products?legacy_district=999", "legacy_district"},
			{"/api/v1/products?scope=everything", "scope"},
			{"/api/v1/products?status=draft", "status"},
			{"/api/v1/products?q=" + strings.Repeat("a", 300), "q"},
			{"/api/v1/producers?women_led=maybe", "women_led"},
			{"/api/v1/producers?kind=bank", "kind"},
			{"/api/v1/craft-villages?recognised=2", "recognised"},
			{"/api/v1/categories?level=leaf", "level"},
			{"/api/v1/categories?parent=Z", "parent"},
			{"/api/v1/admin-units/wards?province=99", "province"},
			{"/api/v1/admin-units/lookup", "q"},
			{"/api/v1/admin-units/lookup?q=%20%20", "q"},
		} {
			p := mustProblem(t, tt.path, e.API("GET", tt.path, "", nil), http.StatusUnprocessableEntity)
			if !hasFieldError(p, tt.field) {
				t.Errorf("GET %s: got errors %+v, want one for %q", tt.path, p.Errors, tt.field)
			}
		}
	})
}

func TestAPIWrites(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newWorld(t, e)
		newProduct := map[string]any{"producer_id": w.batTrang.ID, "name": "Lọ hoa gốm", "category_code": "IV.1", "gtin": "8934567890120"}

		// Without a token: 401 with a challenge, and nothing written.
		r := e.API("POST", "/api/v1/products", "", newProduct)
		mustProblem(t, "write without token", r, http.StatusUnauthorized)
		if r.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("write without token: no WWW-Authenticate header")
		}
		if r := e.API("POST", "/api/v1/products", "ocop_not-a-real-token-at-all", newProduct); r.Status != http.StatusUnauthorized {
			t.Errorf("write with an unknown token: got status %d, want 401", r.Status)
		}

		// With the office's token: created, with a Location to read it back.
		r = e.API("POST", "/api/v1/products", w.office, newProduct)
		if r.Status != http.StatusCreated {
			t.Fatalf("create product: got status %d, want 201\n%s", r.Status, r.Body)
		}
		var created registry.Product
		r.JSON(t, &created)
		if loc := r.Header.Get("Location"); loc != "/api/v1/products/"+id(created.ID) {
			t.Errorf("create product: got Location %q", loc)
		}
		if created.Code == "" || created.Status != registry.StatusActive || created.Version != 1 {
			t.Errorf("create product: got code %q status %q version %d", created.Code, created.Status, created.Version)
		}
		if r := e.API("GET", "/api/v1/products/"+id(created.ID), "", nil); r.Status != 200 || !strings.Contains(r.Body, "Lọ hoa gốm") {
			t.Errorf("read created product: got status %d", r.Status)
		}
		var audits int
		if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT COUNT(*) FROM audit_log WHERE action = 'product.create' AND entity_id = ?", id(created.ID)).Scan(&audits); err != nil || audits != 1 {
			t.Errorf("audit rows for the creation: got %d (err %v), want 1", audits, err)
		}

		// A duplicate GTIN is refused with a field error.
		dup := map[string]any{"producer_id": w.vanPhuc.ID, "name": "Khăn khác", "category_code": "IV.2", "gtin": "8934567890120"}
		p := mustProblem(t, "duplicate GTIN", e.API("POST", "/api/v1/products", w.office, dup), http.StatusUnprocessableEntity)
		if !hasFieldError(p, "gtin") {
			t.Errorf("duplicate GTIN: got errors %+v, want one for gtin", p.Errors)
		}

		// Update with optimistic locking: the first PUT wins, the stale one gets 409.
		upd := map[string]any{"name": "Lọ hoa gốm men rạn", "category_code": "IV.1", "gtin": "8934567890120", "version": created.Version}
		r = e.API("PUT", "/api/v1/products/"+id(created.ID), w.officer, upd)
		if r.Status != http.StatusOK || !strings.Contains(r.Body, `"version":2`) {
			t.Fatalf("update product: got status %d, want 200 with version 2\n%s", r.Status, r.Body)
		}
		mustProblem(t, "stale update", e.API("PUT", "/api/v1/products/"+id(created.ID), w.officer, upd), http.StatusConflict)
		noVersion := map[string]any{"name": "X", "category_code": "IV.1"}
		if p := mustProblem(t, "update without version", e.API("PUT", "/api/v1/products/"+id(created.ID), w.officer, noVersion), 422); !hasFieldError(p, "version") {
			t.Errorf("update without version: got errors %+v, want one for version", p.Errors)
		}
		move := map[string]any{"producer_id": w.vanPhuc.ID, "name": "X", "category_code": "IV.1", "version": 2}
		if p := mustProblem(t, "move product", e.API("PUT", "/api/v1/products/"+id(created.ID), w.office, move), 422); !hasFieldError(p, "producer_id") {
			t.Errorf("move product to another producer: got errors %+v, want one for producer_id", p.Errors)
		}

		// Scope: the server refuses what the caller's role does not cover.
		for _, tt := range []struct {
			name, method, path, token string
			body                      any
			status                    int
		}{
			{"officer updates another commune's producer", "PUT", "/api/v1/producers/" + id(w.vanPhuc.ID), w.officer,
				map[string]any{"kind": "cooperative", "name": "Hijacked", "commune_code": "00004", "version": w.vanPhuc.Version}, 403},
			{"officer creates a producer in another commune", "POST", "/api/v1/producers", w.officer,
				map[string]any{"kind": "farm", "name": "Outside", "commune_code": "00004"}, 422},
			{"producer account updates another producer's product", "PUT", "/api/v1/products/" + id(w.silk.ID), w.prod,
				map[string]any{"name": "Hijacked", "category_code": "IV.2", "version": w.silk.Version}, 403},
			{"producer account creates a product for another producer", "POST", "/api/v1/products", w.prod,
				map[string]any{"producer_id": w.vanPhuc.ID, "name": "Hijacked", "category_code": "IV.2"}, 403},
			{"producer account creates a producer", "POST", "/api/v1/producers", w.prod,
				map[string]any{"kind": "farm", "name": "New", "commune_code": "00577"}, 403},
			{"officer updates another commune's village", "POST", "/api/v1/craft-villages", w.otherOfficer,
				map[string]any{"name": "Làng gốm Bát Tràng", "commune_code": "00577"}, 422},
		} {
			r := e.API(tt.method, tt.path, tt.token, tt.body)
			mustProblem(t, tt.name, r, tt.status)
			if strings.Contains(r.Body, "Hijacked") {
				t.Errorf("%s: the refused value is in the answer", tt.name)
			}
		}
		var n int
		if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT COUNT(*) FROM products WHERE name = 'Hijacked'").Scan(&n); err != nil || n != 0 {
			t.Errorf("refused writes left %d products (err %v)", n, err)
		}

		// In scope, the same callers succeed; a producer's own entry is a draft.
		r = e.API("POST", "/api/v1/products", w.prod, map[string]any{"producer_id": w.batTrang.ID, "name": "Đĩa gốm vẽ tay", "category_code": "IV.1", "status": "active"})
		if r.Status != http.StatusCreated || !strings.Contains(r.Body, `"status":"draft"`) {
			t.Errorf("producer creates own product: got status %d, want 201 draft\n%s", r.Status, r.Body)
		}
		r = e.API("PUT", "/api/v1/producers/"+id(w.batTrang.ID), w.officer,
			map[string]any{"kind": "cooperative", "name": "HTX Gốm sứ Bát Tràng", "commune_code": "00577", "version": w.batTrang.Version})
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "HTX Gốm sứ Bát Tràng") {
			t.Errorf("officer updates own commune's producer: got status %d\n%s", r.Status, r.Body)
		}
		r = e.API("POST", "/api/v1/craft-villages", w.officer, map[string]any{"name": "Làng gốm Bát Tràng", "commune_code": "00577", "crafts": "gốm sứ"})
		if r.Status != http.StatusCreated {
			t.Fatalf("officer creates a village: got status %d\n%s", r.Status, r.Body)
		}
		var v registry.CraftVillage
		r.JSON(t, &v)
		if r := e.API("PUT", "/api/v1/craft-villages/"+id(v.ID), w.otherOfficer, map[string]any{"name": "X", "commune_code": "00577", "version": v.Version}); r.Status != http.StatusForbidden {
			t.Errorf("other officer updates the village: got status %d, want 403", r.Status)
		}
		if r := e.API("GET", "/api/v1/craft-villages?q=lang%20gom", "", nil); !strings.Contains(r.Body, "Làng gốm Bát Tràng") {
			t.Errorf("village search: body lacks the village\n%s", r.Body)
		}

		// A revoked token stops working at once.
		tok := e.Token(e.User(account.RoleOffice))
		if r := e.API("GET", "/api/v1/me", tok, nil); r.Status != 200 {
			t.Fatalf("fresh token: got status %d", r.Status)
		}
		revokeAll(t, e, tok)
		r = e.API("POST", "/api/v1/producers", tok, map[string]any{"kind": "farm", "name": "After revocation", "commune_code": "00577"})
		mustProblem(t, "revoked token", r, http.StatusUnauthorized)
	})
}

// revokeAll revokes every token of the owner of tok, through the service.
func revokeAll(t *testing.T, e *apptest.Env, tok string) {
	t.Helper()
	p, err := e.App.Accounts.AuthenticateToken(e.Ctx(), tok, "127.0.0.1")
	if err != nil || p == nil {
		t.Fatalf("authenticate token: %v", err)
	}
	toks, err := e.App.Accounts.Tokens(e.Ctx(), p)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range toks {
		if err := e.App.Accounts.RevokeToken(e.Ctx(), p, x.ID); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAPIBadBodies(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newWorld(t, e)
		huge := `{"name":"` + strings.Repeat("a", 1<<20) + `"}`
		for _, tt := range []struct {
			name, body string
			status     int
			field      string
		}{
			{"not JSON", `name=x`, 422, ""},
			{"syntax error", `{"name": "x",}`, 422, ""},
			{"truncated", `{"name": "x"`, 422, ""},
			{"empty", ``, 422, ""},
			{"null", `null`, 422, ""},
			{"array", `[{"name":"x"}]`, 422, ""},
			{"trailing data", `{"name":"x","kind":"farm","commune_code":"00577"} {}`, 422, ""},
			{"unknown field", `{"name":"x","kind":"farm","commune_code":"00577","owner":"me"}`, 422, "owner"},
			{"wrong type", `{"name":"x","kind":"farm","commune_code":"00577","workers_total":"many"}`, 422, "workers_total"},
			{"fraction for an integer", `{"name":"x","kind":"farm","commune_code":"00577","workers_total":1.5}`, 422, "workers_total"},
			{"number too large", `{"name":"x","kind":"farm","commune_code":"00577","workers_total":1e40}`, 422, "workers_total"},
			{"string for a number", `{"name":"x","kind":"farm","commune_code":"00577","latitude":"21"}`, 422, "latitude"},
			{"missing required fields", `{}`, 422, "name"},
			{"oversize body", huge, http.StatusRequestEntityTooLarge, ""},
		} {
			r := e.API("POST", "/api/v1/producers", w.office, tt.body)
			p := mustProblem(t, tt.name, r, tt.status)
			if tt.field != "" && !hasFieldError(p, tt.field) {
				t.Errorf("%s: got errors %+v, want one for %q", tt.name, p.Errors, tt.field)
			}
		}
		var n int
		if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT COUNT(*) FROM producers").Scan(&n); err != nil || n != 3 {
			t.Errorf("bad bodies: got %d producers (err %v), want the 3 of the fixture", n, err)
		}
	})
}

func TestAPILanguage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		for _, tt := range []struct {
			accept, wantTitle, wantDetail string
		}{
			{"", "Không tìm thấy", "Không tìm thấy sản phẩm"},
			{"vi-VN,vi;q=0.9", "Không tìm thấy", "Không tìm thấy sản phẩm"},
			{"en-GB,en;q=0.9", "Not found", "Product not found"},
			{"fr-FR", "Không tìm thấy", "Không tìm thấy sản phẩm"},
		} {
			req, err := http.NewRequest("GET", e.Server.URL+"/api/v1/products/424242", nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.accept != "" {
				req.Header.Set("Accept-Language", tt.accept)
			}
			p := mustProblem(t, "Accept-Language "+tt.accept, e.Anon().Do(req), 404)
			if p.Title != tt.wantTitle || !strings.Contains(p.Detail, tt.wantDetail) {
				t.Errorf("Accept-Language %q: got title %q detail %q, want %q and %q", tt.accept, p.Title, p.Detail, tt.wantTitle, tt.wantDetail)
			}
		}
		// Field messages follow the language too.
		req, _ := http.NewRequest("GET", e.Server.URL+"/api/v1/products?page=x", nil)
		req.Header.Set("Accept-Language", "en")
		if p := mustProblem(t, "English field error", e.Anon().Do(req), 422); len(p.Errors) != 1 || !strings.Contains(p.Errors[0].Message, "integer") {
			t.Errorf("English field error: got %+v", p.Errors)
		}
	})
}

func TestAPILookup(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		type target struct{ Code, Share string }
		type match struct {
			Kind, Code, FullName string
			Targets              []target
		}
		lookup := func(q string) []match {
			t.Helper()
			r := e.API("GET", "/api/v1/admin-units/lookup?q="+url.QueryEscape(q), "", nil)
			if r.Status != 200 {
				t.Fatalf("lookup %q: got status %d\n%s", q, r.Status, r.Body)
			}
			var p page[match]
			r.JSON(t, &p)
			return p.Items
		}
		find := func(ms []match, kind, code string) *match {
			for i := range ms {
				if ms[i].Kind == kind && ms[i].Code == code {
					return &ms[i]
				}
			}
			return nil
		}
		// Xã Quang Tiến (Sóc Sơn) was split between Sóc Sơn and Nội Bài.
		for _, q := range []string{"Quang Tiến", "quang tien", "xã quang tien"} {
			m := find(lookup(q), "old_ward", "00409")
			if m == nil {
				t.Fatalf("lookup %q: old commune 00409 not found", q)
			}
			got := map[string]string{}
			for _, tg := range m.Targets {
				got[tg.Code] = tg.Share
			}
			if len(got) < 2 || got["00376"] != "partial" || got["00433"] != "partial" {
				t.Errorf("lookup %q: got targets %v, want 00376 and 00433 partial", q, got)
			}
		}
		// Xã Kim Đức went whole into Xã Bát Tràng.
		if m := find(lookup("kim duc"), "old_ward", "00589"); m == nil || len(m.Targets) != 1 || m.Targets[0] != (target{"00577", "full"}) {
			t.Errorf("lookup kim duc: got %+v, want one full target 00577", m)
		}
		// A current unit is its own target.
		if m := find(lookup("Bát Tràng"), "ward", "00577"); m == nil || len(m.Targets) != 1 || m.Targets[0] != (target{"00577", "full"}) {
			t.Errorf("lookup Bát Tràng: got %+v, want the current commune as its own full target", m)
		}
		if ms := lookup("zzzzqqq"); len(ms) != 0 {
			t.Errorf("lookup of nonsense: got %d matches, want 0", len(ms))
		}
	})
}

func TestAPIUnknownRoutes(t *testing.T) {
	e := apptest.New(t, "sqlite")
	tok := e.Token(e.User(account.RoleOffice))
	mustProblem(t, "unknown path", e.API("GET", "/api/v1/nothing-here", "", nil), 404)
	mustProblem(t, "unknown version", e.API("GET", "/api/v2/products", "", nil), 404)
	r := e.API("DELETE", "/api/v1/products/1", tok, nil)
	p := mustProblem(t, "DELETE product", r, http.StatusMethodNotAllowed)
	if got := r.Header.Get("Allow"); got != "GET, HEAD, PUT" {
		t.Errorf("DELETE product: got Allow %q, want %q", got, "GET, HEAD, PUT")
	}
	if p.Code != "method_not_allowed" {
		t.Errorf("DELETE product: got code %q", p.Code)
	}
	// Pages keep their HTML 404.
	if r := e.Anon().Get("/nothing-here"); r.Status != 404 || !strings.Contains(r.Header.Get("Content-Type"), "text/html") {
		t.Errorf("page 404: got status %d Content-Type %q", r.Status, r.Header.Get("Content-Type"))
	}
}

// A browser session may use the API, but its writes need the CSRF header.
func TestAPISessionCSRF(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		c := e.Login(e.User(account.RoleCommune, "00577"))
		csrf := c.CSRF()
		if csrf == "" {
			t.Fatal("no CSRF token on the account page")
		}
		body := `{"kind":"farm","name":"Trang trại Bát Tràng","commune_code":"00577"}`
		post := func(header string) *apptest.Response {
			req, err := http.NewRequest("POST", e.Server.URL+"/api/v1/producers", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			if header != "" {
				req.Header.Set("X-CSRF-Token", header)
			}
			return c.Do(req)
		}
		mustProblem(t, "session write without CSRF header", post(""), http.StatusForbidden)
		mustProblem(t, "session write with a wrong CSRF header", post("wrong-wrong-wrong-wrong"), http.StatusForbidden)
		if r := post(csrf); r.Status != http.StatusCreated {
			t.Errorf("session write with the CSRF header: got status %d, want 201\n%s", r.Status, r.Body)
		}
		if r := c.Get("/api/v1/me"); r.Status != 200 || !strings.Contains(r.Body, `"via_token":false`) {
			t.Errorf("session /me: got status %d\n%s", r.Status, r.Body)
		}
	})
}
