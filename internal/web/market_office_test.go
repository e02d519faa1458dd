package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/market"
	"ocop/internal/registry"
)

var officeVersionRe = regexp.MustCompile(`name="version" value="(\d+)"`)

// officeVersion is the version a form page carries.
func officeVersion(t testing.TB, r *apptest.Response) string {
	t.Helper()
	m := officeVersionRe.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no version field on the page (%d)\n%s", r.Status, r.Body)
	}
	return m[1]
}

// officeID is the id at the end of a redirect to a record's page.
func officeID(t testing.TB, r *apptest.Response, prefix string) int64 {
	t.Helper()
	var id int64
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), prefix) {
		t.Fatalf("want a redirect to %s…, got %d %q\n%s", prefix, r.Status, r.Location(), r.Body)
	}
	if _, err := fmt.Sscanf(strings.TrimPrefix(r.Location(), prefix), "%d", &id); err != nil {
		t.Fatalf("redirect %q: %v", r.Location(), err)
	}
	return id
}

// chainFormValues is a chain form with two stores and a blank row.
func chainFormValues() url.Values {
	return url.Values{"name": {"AEON"}, "website": {"https://aeon.com.vn"}, "rows": {"3"},
		"store_name_0": {"AEON Mall Long Biên"}, "store_commune_code_0": {"00008"}, "store_address_line_0": {"27 Cổ Linh"},
		"store_latitude_0": {"21.027"}, "store_longitude_0": {"105.899"},
		"store_name_1": {"AEON Mall Hà Đông"}, "store_commune_code_1": {"00008"}, "store_address_line_1": {"Dương Nội"},
		"store_latitude_1": {"20.989"}, "store_longitude_1": {"105.751"},
		"store_name_2": {""}, "store_commune_code_2": {""}, "store_latitude_2": {""}, "store_longitude_2": {""}}
}

// TestOfficeChainPages: the office records a chain with its stores on the
// form, edits it (a store renamed in place keeps its listings, one removed,
// one added), lists and takes off a product by code, and deletes it after
// a confirmation; bad input and a stale version show the form again with
// the message in the user's language and the input kept, and write
// nothing; a form without the CSRF token is refused; the public page
// follows every change; the deletion leaves no store or listing behind.
func TestOfficeChainPages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newMarketWorld(t, e)
		c := e.Session(e.User(account.RoleOffice))
		if r := c.Get("/admin/retail-chains/new"); r.Status != 200 || !strings.Contains(r.Body, `name="store_name_2"`) {
			t.Fatalf("new chain form: %d", r.Status)
		}
		if r := c.Get("/admin"); !strings.Contains(r.Body, `href="/admin/retail-chains"`) {
			t.Errorf("the back-office navigation does not link the office pages")
		}
		// More rows, without JavaScript: the form comes back with the input and three more rows.
		f := chainFormValues()
		f.Set("action", "more")
		if r := c.PostForm("/admin/retail-chains", f); r.Status != 200 || !strings.Contains(r.Body, `name="store_name_5"`) || !strings.Contains(r.Body, "AEON Mall Hà Đông") {
			t.Errorf("more rows: %d", r.Status)
		}
		// Bad input: a store outside Vietnam.
		f = chainFormValues()
		f.Set("store_latitude_1", "48.85")
		r := c.PostForm("/admin/retail-chains?lang=en", f)
		if r.Status != 422 || !strings.Contains(r.Body, "The coordinates are outside Vietnam.") || !strings.Contains(r.Body, `value="48.85"`) || !strings.Contains(r.Body, "AEON Mall Long Biên") {
			t.Errorf("store outside Vietnam: %d\n%s", r.Status, r.Body)
		}
		if n := marketRows(t, e, "retail_chains"); n != 0 {
			t.Fatalf("chains after a refusal: %d", n)
		}
		// Without the CSRF token.
		f = chainFormValues()
		f.Set("csrf", "")
		if r := c.PostForm("/admin/retail-chains", f); r.Status != http.StatusForbidden {
			t.Errorf("without CSRF: %d, want 403", r.Status)
		}
		id := officeID(t, c.PostForm("/admin/retail-chains", chainFormValues()), "/admin/retail-chains/")
		chain, err := e.App.Market.Chain(e.Ctx(), id)
		if err != nil || len(chain.Stores) != 2 {
			t.Fatalf("chain %v: %d stores", err, len(chain.Stores))
		}
		// Listings: by product code, in one store; an unknown code is a message.
		hd := chain.Stores[0] // AEON Mall Hà Đông (stores by name)
		if r := c.PostForm(fmt.Sprintf("/admin/retail-chains/%d/listings?lang=en", id), url.Values{"form": {"listing"}, "product_code": {"NO-SUCH"}}); r.Status != 422 || !strings.Contains(r.Body, `value="NO-SUCH"`) {
			t.Errorf("unknown product code: %d", r.Status)
		}
		if r := c.PostForm(fmt.Sprintf("/admin/retail-chains/%d/listings", id), url.Values{"product_code": {w.product.Code}, "store_id": {itoa(hd.ID)}}); r.Status != http.StatusSeeOther {
			t.Fatalf("listing: %d\n%s", r.Status, r.Body)
		}
		if r := c.PostForm(fmt.Sprintf("/admin/retail-chains/%d/listings", id), url.Values{"product_code": {w.product.Code}}); r.Status != http.StatusSeeOther {
			t.Fatalf("chain-wide listing: %d\n%s", r.Status, r.Body)
		}
		// Edit: rename the chain and the Hà Đông store (kept, with its listing), remove Long Biên, add Tân Phú.
		page := c.Get(fmt.Sprintf("/admin/retail-chains/%d", id))
		if page.Status != 200 || !strings.Contains(page.Body, "Long nhãn sấy khô") {
			t.Fatalf("chain page: %d", page.Status)
		}
		v := officeVersion(t, page)
		edit := url.Values{"version": {v}, "name": {"AEON Việt Nam"}, "website": {"https://aeon.com.vn"}, "rows": {"3"},
			"store_id_0": {itoa(hd.ID)}, "store_name_0": {"AEON Mall Hà Đông mới"}, "store_commune_code_0": {"00008"}, "store_latitude_0": {"20.989"}, "store_longitude_0": {"105.751"},
			"store_id_1": {itoa(chain.Stores[1].ID)}, "store_name_1": {"AEON Mall Long Biên"}, "store_commune_code_1": {"00008"}, "store_latitude_1": {"21.027"}, "store_longitude_1": {"105.899"}, "store_remove_1": {"1"},
			"store_name_2": {"AEON Tân Phú"}, "store_commune_code_2": {"00008"}, "store_latitude_2": {"21.01"}, "store_longitude_2": {"105.80"}}
		if r := c.PostForm(fmt.Sprintf("/admin/retail-chains/%d", id), edit); r.Status != http.StatusSeeOther {
			t.Fatalf("edit: %d\n%s", r.Status, r.Body)
		}
		chain, _ = e.App.Market.Chain(e.Ctx(), id)
		var names []string
		for _, st := range chain.Stores {
			names = append(names, st.Name)
		}
		if chain.Name != "AEON Việt Nam" || strings.Join(names, "|") != "AEON Mall Hà Đông mới|AEON Tân Phú" || chain.Stores[0].ID != hd.ID || len(chain.Listings) != 2 {
			t.Errorf("after edit: %q stores %v (first id %d, want %d), %d listings", chain.Name, names, chain.Stores[0].ID, hd.ID, len(chain.Listings))
		}
		pub := e.Anon().Get("/retail-chains")
		if !strings.Contains(pub.Body, "AEON Việt Nam") || !strings.Contains(pub.Body, "AEON Tân Phú") || strings.Contains(pub.Body, "AEON Mall Long Biên") {
			t.Errorf("public page does not follow the edit")
		}
		// Stale version: the old form again, its input kept, nothing written.
		edit.Set("name", "AEON cũ")
		r = c.PostForm(fmt.Sprintf("/admin/retail-chains/%d?lang=en", id), edit)
		if r.Status != http.StatusConflict || !strings.Contains(r.Body, "Someone else changed this record") || !strings.Contains(r.Body, `value="AEON cũ"`) {
			t.Errorf("stale edit: %d", r.Status)
		}
		if x, _ := e.App.Market.Chain(e.Ctx(), id); x.Name != "AEON Việt Nam" {
			t.Errorf("stale edit wrote %q", x.Name)
		}
		// Take the product off the Hà Đông store only.
		if r := c.PostForm(fmt.Sprintf("/admin/retail-chains/%d/listings/%d/delete", id, w.product.ID), url.Values{"store": {itoa(hd.ID)}}); r.Status != http.StatusSeeOther {
			t.Fatalf("unlist: %d\n%s", r.Status, r.Body)
		}
		if x, _ := e.App.Market.Chain(e.Ctx(), id); len(x.Listings) != 1 || x.Listings[0].StoreID != 0 {
			t.Errorf("after unlisting: %+v", x.Listings)
		}
		// Delete: a confirmation page, a stale version refused, then gone with its stores and listings.
		ask := c.Get(fmt.Sprintf("/admin/retail-chains/%d/delete?lang=en", id))
		if ask.Status != 200 || !strings.Contains(ask.Body, "Delete “AEON Việt Nam”?") || !strings.Contains(ask.Body, "Its 2 stores and 1 listings") {
			t.Fatalf("confirmation: %d\n%s", ask.Status, ask.Body)
		}
		if r := c.PostForm(fmt.Sprintf("/admin/retail-chains/%d/delete?lang=en", id), url.Values{"version": {v}}); r.Status != http.StatusConflict || !strings.Contains(r.Body, "Someone else changed") {
			t.Errorf("stale delete: %d", r.Status)
		}
		if r := c.PostForm(fmt.Sprintf("/admin/retail-chains/%d/delete", id), url.Values{"version": {officeVersion(t, ask)}}); r.Status != http.StatusSeeOther {
			t.Fatalf("delete: %d\n%s", r.Status, r.Body)
		}
		for _, table := range []string{"retail_chains", "chain_stores", "chain_listings"} {
			if n := marketRows(t, e, table); n != 0 {
				t.Errorf("%s after the deletion: %d rows", table, n)
			}
		}
		if p := e.Anon().Get("/retail-chains"); strings.Contains(p.Body, "AEON") {
			t.Errorf("public page still shows the deleted chain")
		}
		if r := c.Get(fmt.Sprintf("/admin/retail-chains/%d", id)); r.Status != 404 {
			t.Errorf("deleted chain page: %d, want 404", r.Status)
		}
		var audits int
		if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT COUNT(*) FROM audit_log WHERE entity = 'retail_chain' AND entity_id = ?", itoa(id)).Scan(&audits); err != nil {
			t.Fatal(err)
		}
		if audits != 6 { // create, 2 listings, update, unlist, delete
			t.Errorf("audit rows: %d, want 6", audits)
		}
	})
}

// routeVillage records a craft village for route stops.
func routeVillage(t testing.TB, e *apptest.Env, name string) registry.CraftVillage {
	t.Helper()
	v, err := e.App.Registry.CreateCraftVillage(e.Ctx(), e.Admin(), registry.CraftVillageInput{Name: name, CommuneCode: "00577",
		Latitude: ptr(20.976), Longitude: ptr(105.913)})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestOfficeRoutePages: the office builds a route in the stop editor
// (places chosen with their kind, order by position numbers, more rows
// without JavaScript), edits and reorders it, publishes and unpublishes it
// and deletes it; an unknown place and a stale version are refused with
// the input kept; the public /routes pages follow.
func TestOfficeRoutePages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newMarketWorld(t, e)
		village := routeVillage(t, e, "Làng gốm Bát Tràng")
		point := w.points[3] // Điểm Gia Lâm
		c := e.Session(e.User(account.RoleOffice))
		if r := c.Get("/admin/tourism-routes/new"); r.Status != 200 || !strings.Contains(r.Body, fmt.Sprintf(`value="village:%d"`, village.ID)) ||
			!strings.Contains(r.Body, fmt.Sprintf(`value="salepoint:%d"`, point.ID)) || strings.Contains(r.Body, fmt.Sprintf(`value="salepoint:%d"`, w.points[5].ID)) {
			t.Fatalf("new route form: %d (villages and operating points expected, closed ones not)", r.Status)
		}
		// The sale point is numbered 2, the village 1: the village comes first.
		f := url.Values{"name": {"Một ngày ở Bát Tràng"}, "description": {"Gốm và nông sản"}, "rows": {"2"},
			"stop_position_0": {"2"}, "stop_place_0": {fmt.Sprintf("salepoint:%d", point.ID)}, "stop_note_0": {"Mua quà"},
			"stop_position_1": {"1"}, "stop_place_1": {fmt.Sprintf("village:%d", village.ID)}, "stop_note_1": {"Nặn gốm"}}
		more := url.Values{}
		for k, v := range f {
			more[k] = v
		}
		more.Set("action", "more")
		if r := c.PostForm("/admin/tourism-routes", more); r.Status != 200 || !strings.Contains(r.Body, `name="stop_place_3"`) || !strings.Contains(r.Body, "Mua quà") {
			t.Errorf("more rows: %d", r.Status)
		}
		bad := url.Values{}
		for k, v := range f {
			bad[k] = v
		}
		bad.Set("stop_place_0", "salepoint:999999")
		r := c.PostForm("/admin/tourism-routes?lang=en", bad)
		if r.Status != 422 || !strings.Contains(r.Body, "No such craft village or operating sale point.") || !strings.Contains(r.Body, `value="Một ngày ở Bát Tràng"`) {
			t.Errorf("unknown stop: %d\n%s", r.Status, r.Body)
		}
		if n := marketRows(t, e, "tourism_routes"); n != 0 {
			t.Fatalf("routes after a refusal: %d", n)
		}
		id := officeID(t, c.PostForm("/admin/tourism-routes", f), "/admin/tourism-routes/")
		x, err := e.App.Market.Route(e.Ctx(), e.Admin(), id)
		if err != nil || x.Status != "draft" || len(x.Stops) != 2 || x.Stops[0].Kind != "village" || x.Stops[1].Note != "Mua quà" {
			t.Fatalf("created route: %v %+v", err, x)
		}
		if p := e.Anon().Get(fmt.Sprintf("/routes/%d", id)); p.Status != 404 {
			t.Errorf("a draft is public: %d", p.Status)
		}
		// Publish from the route's page.
		page := c.Get(fmt.Sprintf("/admin/tourism-routes/%d", id))
		if r := c.PostForm(fmt.Sprintf("/admin/tourism-routes/%d/publish", id), url.Values{"version": {officeVersion(t, page)}, "publish": {"1"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("publish: %d\n%s", r.Status, r.Body)
		}
		if p := e.Anon().Get("/routes"); !strings.Contains(p.Body, "Một ngày ở Bát Tràng") {
			t.Errorf("published route not listed")
		}
		// Edit: rename, reorder (the sale point first), add a third stop, keep it published.
		page = c.Get(fmt.Sprintf("/admin/tourism-routes/%d", id))
		v := officeVersion(t, page)
		village2 := routeVillage(t, e, "Làng lụa Vạn Phúc")
		edit := url.Values{"version": {v}, "name": {"Bát Tràng và Vạn Phúc"}, "publish": {"1"}, "rows": {"4"},
			"stop_position_0": {"2"}, "stop_place_0": {fmt.Sprintf("village:%d", village.ID)},
			"stop_position_1": {"1"}, "stop_place_1": {fmt.Sprintf("salepoint:%d", point.ID)},
			"stop_position_2": {"3"}, "stop_place_2": {fmt.Sprintf("village:%d", village2.ID)}, "stop_note_2": {"Dệt lụa"},
			"stop_position_3": {"4"}, "stop_place_3": {""}}
		if r := c.PostForm(fmt.Sprintf("/admin/tourism-routes/%d", id), edit); r.Status != http.StatusSeeOther {
			t.Fatalf("edit: %d\n%s", r.Status, r.Body)
		}
		pub := e.Anon().Get(fmt.Sprintf("/routes/%d", id))
		i, j, k := strings.Index(pub.Body, "Điểm Gia Lâm"), strings.Index(pub.Body, "Làng gốm Bát Tràng"), strings.Index(pub.Body, "Làng lụa Vạn Phúc")
		if pub.Status != 200 || !strings.Contains(pub.Body, "Bát Tràng và Vạn Phúc") || i < 0 || j < i || k < j {
			t.Errorf("public route after the edit: %d, stops at %d %d %d", pub.Status, i, j, k)
		}
		// Stale: the old version again.
		edit.Set("name", "Tên cũ")
		if r := c.PostForm(fmt.Sprintf("/admin/tourism-routes/%d?lang=en", id), edit); r.Status != http.StatusConflict || !strings.Contains(r.Body, `value="Tên cũ"`) {
			t.Errorf("stale edit: %d", r.Status)
		}
		// Unpublish: gone from the public pages.
		page = c.Get(fmt.Sprintf("/admin/tourism-routes/%d", id))
		if r := c.PostForm(fmt.Sprintf("/admin/tourism-routes/%d/publish", id), url.Values{"version": {officeVersion(t, page)}, "publish": {"0"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("unpublish: %d", r.Status)
		}
		if p := e.Anon().Get("/routes"); strings.Contains(p.Body, "Bát Tràng và Vạn Phúc") {
			t.Errorf("unpublished route still listed")
		}
		// Delete after the confirmation.
		ask := c.Get(fmt.Sprintf("/admin/tourism-routes/%d/delete?lang=en", id))
		if ask.Status != 200 || !strings.Contains(ask.Body, "Its 3 stops") {
			t.Fatalf("confirmation: %d", ask.Status)
		}
		if r := c.PostForm(fmt.Sprintf("/admin/tourism-routes/%d/delete", id), url.Values{"version": {officeVersion(t, ask)}}); r.Status != http.StatusSeeOther {
			t.Fatalf("delete: %d\n%s", r.Status, r.Body)
		}
		for _, table := range []string{"tourism_routes", "route_stops"} {
			if n := marketRows(t, e, table); n != 0 {
				t.Errorf("%s after the deletion: %d rows", table, n)
			}
		}
	})
}

// TestOfficeCentrePages: the office edits a design centre on the existing
// 100-point form (filled with the record), which scores it again; a stale
// version and points over a maximum are refused with the input kept;
// deletion asks first; the public page follows.
func TestOfficeCentrePages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		dc, err := e.App.Market.CreateDesignCentre(e.Ctx(), e.Admin(), market.DesignCentreInput{Name: "Trung tâm Vạn Phúc", CommuneCode: "00008",
			Latitude: ptr(20.97), Longitude: ptr(105.77), AreaM2: 450, OCOPSharePct: 65, Scores: map[string]int{"zone_display": 15}})
		if err != nil {
			t.Fatal(err)
		}
		c := e.Session(e.User(account.RoleOffice))
		list := c.Get("/admin/design-centres")
		if list.Status != 200 || !strings.Contains(list.Body, fmt.Sprintf(`href="/admin/design-centres/%d"`, dc.ID)) {
			t.Fatalf("centre list: %d", list.Status)
		}
		page := c.Get(fmt.Sprintf("/admin/design-centres/%d", dc.ID))
		if page.Status != 200 || !strings.Contains(page.Body, `value="Trung tâm Vạn Phúc"`) || !strings.Contains(page.Body, `name="score_zone_display" type="number" min="0" max="20" value="15"`) {
			t.Fatalf("centre form: %d\n%s", page.Status, page.Body)
		}
		v := officeVersion(t, page)
		f := url.Values{"version": {v}, "name": {"Trung tâm lụa Vạn Phúc"}, "commune_code": {"00008"}, "latitude": {"20.97"}, "longitude": {"105.77"},
			"area_m2": {"650"}, "zone_display": {"on"}, "zone_meeting": {"on"}, "zone_experience": {"on"}, "zone_photo": {"on"}, "ocop_share_pct": {"65"},
			"score_zone_display": {"21"}, "score_location_area": {"14"}}
		if r := c.PostForm(fmt.Sprintf("/admin/design-centres/%d?lang=en", dc.ID), f); r.Status != 422 || !strings.Contains(r.Body, "between 0 and 20") || !strings.Contains(r.Body, `value="Trung tâm lụa Vạn Phúc"`) {
			t.Errorf("over the maximum: %d", r.Status)
		}
		f.Set("score_zone_display", "19")
		if r := c.PostForm(fmt.Sprintf("/admin/design-centres/%d", dc.ID), f); r.Status != http.StatusSeeOther {
			t.Fatalf("edit: %d\n%s", r.Status, r.Body)
		}
		if p := e.Anon().Get("/design-centres?lang=en"); !strings.Contains(p.Body, "Trung tâm lụa Vạn Phúc") || !strings.Contains(p.Body, "Score: 33/100") || !strings.Contains(p.Body, "Meets the mandatory conditions") {
			t.Errorf("public page does not follow the edit")
		}
		if r := c.PostForm(fmt.Sprintf("/admin/design-centres/%d?lang=en", dc.ID), f); r.Status != http.StatusConflict || !strings.Contains(r.Body, "Someone else changed") {
			t.Errorf("stale edit: %d", r.Status)
		}
		ask := c.Get(fmt.Sprintf("/admin/design-centres/%d/delete", dc.ID))
		if ask.Status != 200 || !strings.Contains(ask.Body, `class="danger"`) {
			t.Fatalf("confirmation: %d", ask.Status)
		}
		if r := c.PostForm(fmt.Sprintf("/admin/design-centres/%d/delete", dc.ID), url.Values{"version": {v}}); r.Status != http.StatusConflict {
			t.Errorf("stale delete: %d", r.Status)
		}
		if r := c.PostForm(fmt.Sprintf("/admin/design-centres/%d/delete", dc.ID), url.Values{"version": {officeVersion(t, ask)}}); r.Status != http.StatusSeeOther {
			t.Fatalf("delete: %d\n%s", r.Status, r.Body)
		}
		if n := marketRows(t, e, "design_centres"); n != 0 {
			t.Errorf("centres after the deletion: %d", n)
		}
	})
}

// TestOfficeAPI: PUT and DELETE on chains, routes and centres: problem+json
// on bad input (nothing written), 404 on unknown ids, 409 on a stale
// version, 204 on deletion; a producer takes its own product off a chain
// but not another's.
func TestOfficeAPI(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newMarketWorld(t, e)
		tok := e.Token(e.User(account.RoleOffice))
		admin := e.Admin()
		chain, err := e.App.Market.CreateChain(e.Ctx(), admin, market.ChainInput{Name: "WinMart", Stores: []market.ChainStoreInput{
			{Name: "WinMart Cầu Giấy", CommuneCode: "00008", Latitude: ptr(21.03), Longitude: ptr(105.80)}}})
		if err != nil {
			t.Fatal(err)
		}
		problem := func(r *apptest.Response, status int, field string) {
			t.Helper()
			if r.Status != status || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") || !strings.Contains(r.Body, field) {
				t.Errorf("got %d %s %s, want %d problem naming %q", r.Status, r.Header.Get("Content-Type"), r.Body, status, field)
			}
		}
		path := fmt.Sprintf("/api/v1/retail-chains/%d", chain.ID)
		body := map[string]any{"name": "WinMart+", "version": chain.Version, "stores": []map[string]any{
			{"id": chain.Stores[0].ID, "name": "WinMart Cầu Giấy", "commune_code": "00008", "latitude": 48.85, "longitude": 2.35}}}
		problem(e.API("PUT", path+"?lang=en", tok, body), 422, "stores[0].latitude")
		problem(e.API("PUT", path, tok, `{"name": "x", "colour": "red"}`), 422, "colour")
		problem(e.API("PUT", path, tok, map[string]any{"name": "WinMart+"}), 422, `"version"`)
		body["stores"] = []map[string]any{{"id": 999999, "name": "Lạ", "commune_code": "00008", "latitude": 21.0, "longitude": 105.8}}
		problem(e.API("PUT", path, tok, body), 422, "stores[0].id")
		if x, _ := e.App.Market.Chain(e.Ctx(), chain.ID); x.Name != "WinMart" || x.Version != 1 {
			t.Errorf("refused changes wrote: %+v", x)
		}
		body["stores"] = []map[string]any{{"id": chain.Stores[0].ID, "name": "WinMart Cầu Giấy 2", "commune_code": "00008", "latitude": 21.03, "longitude": 105.80}}
		problem(e.API("PUT", "/api/v1/retail-chains/999999", tok, body), 404, "not_found")
		r := e.API("PUT", path, tok, body)
		var got market.Chain
		if r.Status != 200 {
			t.Fatalf("update: %d %s", r.Status, r.Body)
		}
		r.JSON(t, &got)
		if got.Name != "WinMart+" || got.Version != 2 || got.Stores[0].ID != chain.Stores[0].ID {
			t.Errorf("update: %+v", got)
		}
		problem(e.API("PUT", path, tok, body), 409, "conflict")
		// Listings: the producer of the product may take it off; another producer may not.
		if err := e.App.Market.AddListing(e.Ctx(), admin, chain.ID, market.ListingInput{ProductCode: w.product.Code}); err != nil {
			t.Fatal(err)
		}
		listing := fmt.Sprintf("%s/listings/%d", path, w.product.ID)
		stranger := e.Token(e.ProducerUser(e.Producer("HTX Khác", "00577").ID))
		problem(e.API("DELETE", listing, stranger, nil), 403, "forbidden")
		problem(e.API("DELETE", listing+"?store_id=x", tok, nil), 422, "store_id")
		problem(e.API("DELETE", fmt.Sprintf("%s/listings/999999", path), tok, nil), 404, "not_found")
		problem(e.API("DELETE", listing+"?store_id="+itoa(chain.Stores[0].ID), tok, nil), 404, "not_found")
		owner := e.Token(e.ProducerUser(w.product.ProducerID))
		if r := e.API("DELETE", listing, owner, nil); r.Status != 204 {
			t.Errorf("owner unlists: %d %s", r.Status, r.Body)
		}
		// Delete: version required, stale refused, unknown 404, then 204 and nothing left.
		problem(e.API("DELETE", path, tok, nil), 422, `"version"`)
		problem(e.API("DELETE", path+"?version=1", tok, nil), 409, "conflict")
		problem(e.API("DELETE", "/api/v1/retail-chains/999999?version=1", tok, nil), 404, "not_found")
		if r := e.API("DELETE", path+"?version=2", tok, nil); r.Status != 204 || r.Body != "" {
			t.Errorf("delete: %d %q", r.Status, r.Body)
		}
		if n := marketRows(t, e, "chain_stores"); n != 0 {
			t.Errorf("stores left: %d", n)
		}
		problem(e.API("GET", path, "", nil), 404, "not_found")

		// Routes.
		village := routeVillage(t, e, "Làng gốm Bát Tràng")
		rt, err := e.App.Market.CreateRoute(e.Ctx(), admin, market.RouteInput{Name: "Bát Tràng", Publish: true, Stops: []market.RouteStopInput{
			{Kind: "village", RefID: village.ID}, {Kind: "salepoint", RefID: w.points[3].ID}}})
		if err != nil {
			t.Fatal(err)
		}
		rpath := fmt.Sprintf("/api/v1/tourism-routes/%d", rt.ID)
		rbody := map[string]any{"name": "Bát Tràng (nháp)", "publish": false, "version": 1, "stops": []map[string]any{
			{"kind": "salepoint", "ref_id": w.points[3].ID}, {"kind": "museum", "ref_id": 1}}}
		problem(e.API("PUT", rpath+"?lang=en", tok, rbody), 422, "stops[1].kind")
		problem(e.API("PUT", "/api/v1/tourism-routes/999999", tok, rbody), 404, "not_found")
		rbody["stops"] = []map[string]any{{"kind": "salepoint", "ref_id": w.points[3].ID}, {"kind": "village", "ref_id": village.ID, "note": "Nặn gốm"}}
		if r := e.API("PUT", rpath, tok, rbody); r.Status != 200 || !strings.Contains(r.Body, `"status":"draft"`) {
			t.Fatalf("route update: %d %s", r.Status, r.Body)
		}
		if r := e.API("GET", rpath, "", nil); r.Status != 404 {
			t.Errorf("unpublished route is public: %d", r.Status)
		}
		problem(e.API("PUT", rpath, tok, rbody), 409, "conflict")
		problem(e.API("DELETE", rpath+"?version=abc", tok, nil), 422, `"version"`)
		if r := e.API("DELETE", rpath+"?version=2", tok, nil); r.Status != 204 {
			t.Errorf("route delete: %d %s", r.Status, r.Body)
		}
		problem(e.API("DELETE", rpath+"?version=2", tok, nil), 404, "not_found")

		// Design centres.
		dc, err := e.App.Market.CreateDesignCentre(e.Ctx(), admin, market.DesignCentreInput{Name: "Trung tâm Bát Tràng", CommuneCode: "00577",
			Latitude: ptr(20.98), Longitude: ptr(105.91), AreaM2: 600})
		if err != nil {
			t.Fatal(err)
		}
		cpath := fmt.Sprintf("/api/v1/design-centres/%d", dc.ID)
		cbody := map[string]any{"name": "Trung tâm Bát Tràng", "commune_code": "00577", "latitude": 20.98, "longitude": 105.91, "area_m2": 600,
			"scores": map[string]int{"zone_photo": 11}, "version": 1}
		problem(e.API("PUT", cpath+"?lang=en", tok, cbody), 422, "scores.zone_photo")
		cbody["scores"] = map[string]int{"zone_photo": 10, "location_area": 15}
		problem(e.API("PUT", "/api/v1/design-centres/999999", tok, cbody), 404, "not_found")
		var c2 market.DesignCentre
		r = e.API("PUT", cpath, tok, cbody)
		if r.Status != 200 {
			t.Fatalf("centre update: %d %s", r.Status, r.Body)
		}
		r.JSON(t, &c2)
		if c2.Total != 25 || c2.Version != 2 {
			t.Errorf("centre re-scored: total %d version %d, want 25 and 2", c2.Total, c2.Version)
		}
		problem(e.API("DELETE", cpath+"?version=1", tok, nil), 409, "conflict")
		if r := e.API("DELETE", cpath+"?version=2", tok, nil); r.Status != 204 {
			t.Errorf("centre delete: %d %s", r.Status, r.Body)
		}
		problem(e.API("DELETE", cpath+"?version=2", tok, nil), 404, "not_found")
	})
}
