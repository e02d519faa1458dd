package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"ocop/internal/apptest"
	"ocop/internal/trace"
)

// TestTraceJourneyPublicOnly: the public journey page of a lot answers
// exactly like an unknown lot while its product is a draft or inactive or
// its producer is inactive, and shows again once both are active.
func TestTraceJourneyPublicOnly(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newDairyWorld(t, e)
		c := e.Session(w.owner)
		lotURL := postOK(t, c, "/trace/lots", url.Values{"product_id": {itoa(w.product.ID)}, "code": {"BV2612"}, "produced_on": {"2026-11-20"},
			"quantity": {"100"}, "unit": {"l"}})
		path := "/trace/journey/" + strings.TrimPrefix(lotURL, "/trace/lots/")
		anon := e.Anon()
		if r := anon.Get(path); r.Status != http.StatusOK || !strings.Contains(r.Body, "BV2612") {
			t.Fatalf("active lot: status %d\n%s", r.Status, r.Body)
		}
		unknown := anon.Get("/trace/journey/999999")
		if unknown.Status != http.StatusNotFound {
			t.Fatalf("unknown lot: status %d, want 404", unknown.Status)
		}
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := e.App.DB.ExecContext(e.Ctx(), q, args...); err != nil {
				t.Fatal(err)
			}
		}
		for _, tc := range []struct{ name, hide, show string }{
			{"draft product", "UPDATE products SET status = 'draft' WHERE id = ?", "UPDATE products SET status = 'active' WHERE id = ?"},
			{"inactive product", "UPDATE products SET status = 'inactive' WHERE id = ?", "UPDATE products SET status = 'active' WHERE id = ?"},
			{"inactive producer", "UPDATE producers SET status = 'inactive' WHERE id = (SELECT producer_id FROM products WHERE id = ?)",
				"UPDATE producers SET status = 'active' WHERE id = (SELECT producer_id FROM products WHERE id = ?)"},
		} {
			exec(tc.hide, w.product.ID)
			e.Clock.Advance(11 * time.Second) // past the journey cache
			r := anon.Get(path)
			// The same page as an unknown lot's (whose links name its own path).
			if r.Status != http.StatusNotFound || r.Body != strings.ReplaceAll(unknown.Body, "/trace/journey/999999", path) {
				t.Errorf("%s: status %d, want 404 with the unknown lot's body\n%s", tc.name, r.Status, r.Body)
			}
			if strings.Contains(r.Body, "BV2612") || strings.Contains(r.Body, w.product.Name) {
				t.Errorf("%s: the 404 leaks the lot or product", tc.name)
			}
			exec(tc.show, w.product.ID)
			e.Clock.Advance(11 * time.Second)
			if r := anon.Get(path); r.Status != http.StatusOK {
				t.Errorf("%s restored: status %d, want 200", tc.name, r.Status)
			}
		}
	})
}

// TestTraceBrandOnVerification: the verification page lists the
// product's brand (Circular 02/2024 consumer field), in both languages.
func TestTraceBrandOnVerification(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newDairyWorld(t, e)
		if _, err := e.App.DB.ExecContext(e.Ctx(), `UPDATE products SET brand = ? WHERE id = ?`, "Ba Vì <Milk>", w.product.ID); err != nil {
			t.Fatal(err)
		}
		tok := e.Token(w.owner)
		r := e.API("POST", "/api/v1/stamp-batches", tok, map[string]any{"product_id": w.product.ID, "count": 3})
		if r.Status != http.StatusCreated {
			t.Fatalf("issue: %d %s", r.Status, r.Body)
		}
		var batch struct{ Code string }
		r.JSON(t, &batch)
		if r := e.API("POST", "/api/v1/stamp-batches/"+batch.Code+"/activate", tok, map[string]any{}); r.Status != http.StatusOK {
			t.Fatalf("activate: %d %s", r.Status, r.Body)
		}
		serials := traceSerials(t, e, batch.Code)
		page := e.Anon().Get("/q/" + serials[0])
		if v := verdictOf(t, page); v != "genuine" {
			t.Errorf("verdict %s, want genuine", v)
		}
		if want := `<dt>Nhãn hiệu</dt><dd>Ba Vì &lt;Milk&gt;</dd>`; !strings.Contains(page.Body, want) {
			t.Errorf("verification page: missing %q\n%s", want, page.Body)
		}
		var api struct {
			Product struct{ Brand string }
		}
		if r := e.API("GET", "/api/v1/stamps/"+serials[2]+"/verification", "", nil); r.Status != http.StatusOK {
			t.Errorf("API verification: %d %s", r.Status, r.Body)
		} else if r.JSON(t, &api); api.Product.Brand != "Ba Vì <Milk>" {
			t.Errorf("API verification: brand %q\n%s", api.Product.Brand, r.Body)
		}
		if p := e.Anon().Get("/q/" + serials[1] + "?lang=en"); !strings.Contains(p.Body, `<dt>Brand</dt><dd>Ba Vì &lt;Milk&gt;</dd>`) {
			t.Errorf("English verification page: missing the brand\n%s", p.Body)
		}
	})
}

// TestTraceReceivingAtSalePoint: a receiving event can name an operating
// sale point of the market module; it is stored as
// urn:ocop:salepoint:{id} with the point's name, the lot (recall) page
// links the point's public page, and an unknown point is refused on the
// form.
func TestTraceReceivingAtSalePoint(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newDairyWorld(t, e)
		sp := mustSalePoint(t, e, "Điểm bán OCOP Sơn Tây", "00577", 21.0, 105.93)
		c := e.Session(w.owner)
		lotURL := postOK(t, c, "/trace/lots", url.Values{"product_id": {itoa(w.product.ID)}, "code": {"BV2613"}, "produced_on": {"2026-11-20"},
			"quantity": {"100"}, "unit": {"l"}})
		if page := c.Get(lotURL); !strings.Contains(page.Body, `<option value="`+itoa(sp.ID)+`">Điểm bán OCOP Sơn Tây</option>`) {
			t.Errorf("event form: no sale point option\n%s", page.Body)
		}
		if r := c.PostForm(lotURL+"/events", url.Values{"step": {"receiving"}, "time": {"2026-11-21T08:15"}, "sale_point_id": {"999999"}}); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "Chọn một điểm bán đang hoạt động.") {
			t.Errorf("unknown sale point: status %d, want 422 with the reason\n%s", r.Status, r.Body)
		}
		postOK(t, c, lotURL+"/events", url.Values{"step": {"receiving"}, "time": {"2026-11-21T08:15"}, "sale_point_id": {itoa(sp.ID)}})
		var loc, name string
		if err := e.App.DB.QueryRowContext(e.Ctx(), `SELECT biz_location, location_name FROM trace_events WHERE biz_step = 'receiving'`).Scan(&loc, &name); err != nil {
			t.Fatal(err)
		}
		if loc != trace.SalePointURI(sp.ID) || loc != "urn:ocop:salepoint:"+itoa(sp.ID) || name != "Điểm bán OCOP Sơn Tây" {
			t.Errorf("stored place %q %q, want the sale point's URN and name", loc, name)
		}
		// The commune officer's lot page (where a recall is made) links the point.
		page := e.Session(w.officer).Get(lotURL)
		if want := `<a href="/sale-points/` + itoa(sp.ID) + `">Điểm bán OCOP Sơn Tây</a>`; page.Status != http.StatusOK || !strings.Contains(page.Body, want) {
			t.Errorf("officer's lot page: status %d, missing %q\n%s", page.Status, want, page.Body)
		}
		// A free-text place still works and is not linked.
		postOK(t, c, lotURL+"/events", url.Values{"step": {"receiving"}, "time": {"2026-11-21T09:00"}, "place": {"Chợ Sơn Tây"}})
		if page := e.Session(w.officer).Get(lotURL); !strings.Contains(page.Body, "<li>Chợ Sơn Tây · ") {
			t.Errorf("free-text receiver missing or linked\n%s", page.Body)
		}
	})
}
