package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/registry"
	"ocop/internal/trace"
)

// dairyWorld is a dairy cooperative in Ba Vì (commune 09700) with a
// certified fresh-milk product carrying GTIN 8930000000019.
type dairyWorld struct {
	e        *apptest.Env
	producer registry.Producer
	product  registry.Product
	owner    string // producer account
	officer  string // commune officer of Ba Vì
}

const dairyGTIN = "8930000000019"

func newDairyWorld(t *testing.T, e *apptest.Env) *dairyWorld { return newDairyWorldTB(t, e) }

func newDairyWorldTB(t testing.TB, e *apptest.Env) *dairyWorld {
	t.Helper()
	w := &dairyWorld{e: e}
	w.producer = e.Producer("HTX Bò sữa Ba Vì", "09700")
	w.product = e.Product(w.producer.ID, "Sữa tươi thanh trùng Ba Vì", "I.3.d")
	if _, err := e.App.DB.ExecContext(e.Ctx(), `UPDATE products SET gtin = ? WHERE id = ?`, dairyGTIN, w.product.ID); err != nil {
		t.Fatal(err)
	}
	certify(t, e, w.product, "12/GCN-OCOP-01-2026", 4, mustDate(t, "2026-03-02"))
	w.owner = e.ProducerUser(w.producer.ID)
	w.officer = e.User(account.RoleCommune, "09700")
	return w
}

// postOK posts a form and wants the redirect back to a trace page.
func postOK(t *testing.T, c *apptest.Client, path string, form url.Values) string {
	t.Helper()
	r := c.PostForm(path, form)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/trace/") {
		t.Fatalf("POST %s: status %d, location %q\n%s", path, r.Status, r.Location(), r.Body)
	}
	return r.Location()
}

// TestTraceJourney is the "done when", through the pages, the API
// and the resolver: area, lot, harvest → processing → packing → shipping →
// receiving at a sale point, 200 stamps, a scan that shows the journey,
// the EPCIS query, the Digital Link, and a recall that turns every stamp
// to "recalled".
func TestTraceJourney(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newDairyWorld(t, e)
		c := e.Session(w.owner)
		// A raw-material area and a lot made from it.
		areaURL := postOK(t, c, "/trace/areas", url.Values{"name": {"Đồng cỏ Vân Hòa"}, "hectares": {"12,5"}, "materials": {"Cỏ voi, bò sữa HF"},
			"latitude": {"21.07"}, "longitude": {"105.38"}, "cert_name": {"VietGAP"}, "cert_number": {"VG-01-2026"}, "cert_valid_until": {"2027-12-31"}})
		areaID := strings.TrimPrefix(areaURL, "/trace/areas/")
		lotURL := postOK(t, c, "/trace/lots", url.Values{"product_id": {itoa(w.product.ID)}, "code": {"BV2611"}, "produced_on": {"2026-11-20"},
			"expires_on": {"2026-11-30"}, "quantity": {"800"}, "unit": {"l"}, "standards": {"TCVN 7028:2009"}, "area_id": {areaID}})
		lotID := strings.TrimPrefix(lotURL, "/trace/lots/")
		for _, ev := range []url.Values{
			{"step": {"harvest"}, "time": {"2026-11-20T05:30"}, "area_id": {areaID}, "quantity": {"820"}},
			{"step": {"processing"}, "time": {"2026-11-20T09:00"}, "place": {"Xưởng chế biến HTX"}},
			{"step": {"packing"}, "time": {"2026-11-20T11:00"}, "quantity": {"800"}},
			{"step": {"shipping"}, "time": {"2026-11-21T06:00"}, "place": {"Xe lạnh 29C-12345"}},
			{"step": {"receiving"}, "time": {"2026-11-21T08:15"}, "place": {"Điểm bán OCOP Sơn Tây"}},
		} {
			postOK(t, c, lotURL+"/events", ev)
		}
		// An event before the lot was made is refused on the form.
		if r := c.PostForm(lotURL+"/events", url.Values{"step": {"packing"}, "time": {"2026-11-10T08:00"}}); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "trước ngày sản xuất") {
			t.Errorf("event before the lot: status %d, want 422 with the reason\n%s", r.Status, r.Body)
		}
		// 200 stamps, issued and activated through the API, then linked.
		tok := e.Token(w.owner)
		r := e.API("POST", "/api/v1/stamp-batches", tok, map[string]any{"product_id": w.product.ID, "count": 200})
		if r.Status != http.StatusCreated {
			t.Fatalf("issue: %d %s", r.Status, r.Body)
		}
		var batch struct{ Code string }
		r.JSON(t, &batch)
		if r := e.API("POST", "/api/v1/stamp-batches/"+batch.Code+"/activate", tok, map[string]any{}); r.Status != http.StatusOK {
			t.Fatalf("activate: %d %s", r.Status, r.Body)
		}
		postOK(t, c, lotURL+"/stamps", url.Values{"batch": {batch.Code}})
		if page := c.Get(lotURL); !strings.Contains(page.Body, `<dd id="stamp-count">200</dd>`) {
			t.Errorf("lot page: want 200 stamps\n%s", page.Body)
		}
		serials := traceSerials(t, e, batch.Code)
		if len(serials) != 200 {
			t.Fatalf("got %d serials, want 200", len(serials))
		}
		// A scan shows the journey and the consumer fields.
		anon := e.Anon()
		page := anon.Get("/q/" + serials[17])
		if v := verdictOf(t, page); v != "genuine" {
			t.Errorf("scan: verdict %s, want genuine", v)
		}
		for _, want := range []string{`id="journey"`, "BV2611", "Thu hoạch", "Chế biến", "Đóng gói", "Vận chuyển", "Nhận hàng tại điểm bán",
			"Điểm bán OCOP Sơn Tây", `<span id="expiry">30/11/2026</span>`, "TCVN 7028:2009", "VietGAP", "20/11/2026 05:30"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("scan page: missing %q", want)
			}
		}
		if i, j := strings.Index(page.Body, "Thu hoạch"), strings.Index(page.Body, "Nhận hàng tại điểm bán"); i > j {
			t.Errorf("timeline out of order: harvest at %d, receiving at %d", i, j)
		}
		// The GS1 Digital Link of the stamp still shows the verification page.
		if v := verdictOf(t, anon.Get("/01/"+dairyGTIN+"/21/"+serials[3])); v != "genuine" {
			t.Errorf("digital link scan: verdict %s, want genuine", v)
		}
		// EPCIS query: the lot's five events, as an EPCISQueryDocument.
		lotURI := trace.LotURI(dairyGTIN, w.product.Code, "BV2611")
		r = e.API("GET", "/api/v1/epcis/events?MATCH_epcClass="+url.QueryEscape(lotURI), tok, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("query: %d %s", r.Status, r.Body)
		}
		var doc struct {
			Type      string
			EPCISBody struct {
				QueryResults struct {
					ResultsBody struct {
						EventList []map[string]any
					}
				}
			}
		}
		r.JSON(t, &doc)
		events := doc.EPCISBody.QueryResults.ResultsBody.EventList
		if doc.Type != "EPCISQueryDocument" || len(events) != 5 {
			t.Fatalf("query: type %q, %d events, want EPCISQueryDocument with 5\n%s", doc.Type, len(events), r.Body)
		}
		if events[1]["type"] != "TransformationEvent" || events[4]["bizStep"] != "receiving" || events[4]["eventTime"] != "2026-11-21T08:15:00.000+07:00" {
			t.Errorf("query events: got %v", events)
		}
		// The same lot through the resolver: a browser goes to the product
		// page, a machine gets the linkset.
		r = anon.Get("/01/" + dairyGTIN + "/10/BV2611")
		if r.Status != http.StatusTemporaryRedirect || r.Location() != "/products/"+itoa(w.product.ID) {
			t.Errorf("resolver (browser): status %d, location %q; want 307 to the product page", r.Status, r.Location())
		}
		req, _ := http.NewRequest("GET", e.Server.URL+"/01/"+dairyGTIN+"/10/BV2611", nil)
		req.Header.Set("Accept", "application/linkset+json")
		r = anon.Do(req)
		var ls struct {
			Linkset []map[string]json.RawMessage
		}
		r.JSON(t, &ls)
		if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/linkset+json" || len(ls.Linkset) != 1 ||
			ls.Linkset[0]["https://gs1.org/voc/pip"] == nil || !strings.Contains(string(ls.Linkset[0]["https://gs1.org/voc/traceability"]), "/trace/journey/"+lotID) ||
			!strings.Contains(string(ls.Linkset[0]["https://gs1.org/voc/certificationInfo"]), "12-GCN-OCOP-01-2026") {
			t.Errorf("resolver (linkset): status %d, type %q\n%s", r.Status, r.Header.Get("Content-Type"), r.Body)
		}
		// The commune officer recalls the lot and sees where it went.
		oc := e.Session(w.officer)
		lotPage := oc.Get(lotURL)
		if !strings.Contains(lotPage.Body, "Điểm bán OCOP Sơn Tây") {
			t.Errorf("officer's lot page: the sale point that received the lot is missing")
		}
		version := regexpFind(t, lotPage.Body, `action="/trace/lots/`+lotID+`/recall"[\s\S]*?name="version" value="(\d+)"`)
		postOK(t, oc, lotURL+"/recall", url.Values{"reason": {"Nghi nhiễm khuẩn Listeria"}, "version": {version}})
		for i, s := range serials {
			page := anon.Get("/q/" + s)
			if v := verdictOf(t, page); v != "recalled" {
				t.Fatalf("stamp %d after the recall: verdict %s, want recalled", i, v)
			}
			if i == 0 && !strings.Contains(page.Body, "Nghi nhiễm khuẩn Listeria") {
				t.Errorf("recalled stamp page: the reason is missing")
			}
		}
		// A recalled lot takes no more stamps.
		if r := c.PostForm(lotURL+"/stamps", url.Values{"batch": {batch.Code}}); r.Status != http.StatusConflict {
			t.Errorf("stamps for a recalled lot: status %d, want 409", r.Status)
		}
	})
}

func regexpFind(t *testing.T, s, re string) string {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no match for %s", re)
	}
	return m[1]
}

// The resolver's answers for each link type, bad links and the
// resolver description.
func TestTraceResolver(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newDairyWorld(t, e)
		owner := &account.Principal{Username: "owner", Role: account.RoleProducer, Producers: []int64{w.producer.ID}}
		lot, err := e.App.Trace.CreateLot(e.Ctx(), owner, trace.LotForm{ProductID: w.product.ID, Code: "BV1", ProducedOn: "2026-11-20", Unit: "l"})
		if err != nil {
			t.Fatal(err)
		}
		pid := itoa(w.product.ID)
		anon := e.Anon()
		get := func(path, accept string) *apptest.Response {
			req, _ := http.NewRequest("GET", e.Server.URL+path, nil)
			if accept != "" {
				req.Header.Set("Accept", accept)
			}
			return anon.Do(req)
		}
		for _, tt := range []struct {
			path, accept string
			status       int
			want         string // Location, or a part of the body
		}{
			{"/01/" + dairyGTIN, "", 307, "/products/" + pid},
			{"/01/0" + dairyGTIN, "", 307, "/products/" + pid}, // GTIN-14 form
			{"/01/" + dairyGTIN + "?linkType=gs1:pip", "", 307, "/products/" + pid},
			{"/01/" + dairyGTIN + "?linkType=gs1:certificationInfo", "", 307, "/certificates/12-GCN-OCOP-01-2026"},
			{"/01/" + dairyGTIN + "/10/BV1?linkType=gs1:traceability", "", 307, "/trace/journey/" + itoa(lot.ID)},
			{"/01/" + dairyGTIN + "?linkType=gs1:traceability", "", 404, ""},
			{"/01/" + dairyGTIN + "?linkType=all", "", 200, `"https://gs1.org/voc/defaultLink"`},
			{"/01/" + dairyGTIN + "/21/ABC?linkType=all", "", 200, `"https://gs1.org/voc/verificationService"`},
			{"/01/8930000000018", "", 400, "số kiểm tra"},
			{"/01/8930000000018", "application/json", 400, `"status":400`},
			{"/01/9506000134352", "", 404, "GTIN"},
			{"/01/" + dairyGTIN + "/10/NOPE", "", 404, ""},
			{"/01/8930000000018/21/ABC", "", 200, `class="v unknown"`}, // a stamp scan keeps the verification page
			{"/.well-known/gs1resolver", "", 200, `"supportedPrimaryKeys":["01"]`},
		} {
			r := get(tt.path, tt.accept)
			got := r.Body
			if tt.status == 307 {
				got = r.Location()
			}
			if r.Status != tt.status || !strings.Contains(got, tt.want) {
				t.Errorf("GET %s (Accept %q): status %d, %q; want %d with %q", tt.path, tt.accept, r.Status, got, tt.status, tt.want)
			}
		}
		if r := get("/01/"+dairyGTIN, ""); !strings.Contains(r.Header.Get("Link"), `rel="linkset"`) {
			t.Errorf("no linkset Link header: %q", r.Header.Get("Link"))
		}
		// English speakers get the English product page.
		req, _ := http.NewRequest("GET", e.Server.URL+"/01/"+dairyGTIN, nil)
		req.Header.Set("Accept-Language", "en-GB,en;q=0.9")
		if r := anon.Do(req); r.Location() != "/products/"+pid+"?lang=en" {
			t.Errorf("Accept-Language en: location %q", r.Location())
		}
	})
}

// Editing a lot or an area with a stale version is refused (409) and
// changes nothing; a fresh one saves, and both are audited.
func TestTraceEditStale(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newDairyWorld(t, e)
		c := e.Session(w.owner)
		areaURL := postOK(t, c, "/trace/areas", url.Values{"name": {"Đồng cỏ"}, "hectares": {"3"}})
		lotURL := postOK(t, c, "/trace/lots", url.Values{"product_id": {itoa(w.product.ID)}, "code": {"L1"}, "produced_on": {"2026-11-20"}, "unit": {"l"}})
		lot := url.Values{"code": {"L1B"}, "produced_on": {"2026-11-20"}, "unit": {"l"}, "quantity": {"10"}, "version": {"1"}}
		postOK(t, c, lotURL, lot)
		if r := c.PostForm(lotURL, lot); r.Status != http.StatusConflict || !strings.Contains(r.Body, "Reload") && !strings.Contains(r.Body, "tải lại") {
			t.Errorf("stale lot form: status %d, want 409 with the reason", r.Status)
		}
		area := url.Values{"name": {"Đồng cỏ mới"}, "hectares": {"4"}, "version": {"1"}}
		postOK(t, c, areaURL, area)
		if r := c.PostForm(areaURL, area); r.Status != http.StatusConflict {
			t.Errorf("stale area form: status %d, want 409", r.Status)
		}
		if r := c.Get(lotURL); !strings.Contains(r.Body, "L1B") {
			t.Errorf("lot page after the edit lacks the new number")
		}
		var n int
		if err := e.App.DB.QueryRowContext(e.Ctx(), `SELECT COUNT(*) FROM audit_log WHERE action IN ('trace.lot_create', 'trace.lot_update', 'trace.area_create', 'trace.area_update')`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 4 {
			t.Errorf("got %d audit rows, want 4", n)
		}
	})
}
