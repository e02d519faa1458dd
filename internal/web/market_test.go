package web_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/market"
	"ocop/internal/registry"
)

// marketRows counts the rows of a table.
func marketRows(t testing.TB, e *apptest.Env, table string) int {
	t.Helper()
	var n int
	if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// pointForm is a valid sale point form.
func pointForm() url.Values {
	return url.Values{"form": {"point"}, "name": {"Điểm OCOP chợ Đồng Xuân"}, "kind": {"market"}, "operator": {"Ban quản lý chợ Đồng Xuân"},
		"commune_code": {"00008"}, "address_line": {"Phố Đồng Xuân"}, "latitude": {"21.0381"}, "longitude": {"105.8494"},
		"hours": {"7:00–22:00"}, "phone": {"024 3825 0000"}}
}

// TestMarketSalePointRegister: the office registers a sale point through
// the page and the API; coordinates outside Vietnam, an unknown QĐ 950
// location type or a missing commune are refused with clear messages in
// the user's language (problem+json on the API) and nothing is written.
func TestMarketSalePointRegister(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		office := e.User(account.RoleOffice)
		c := e.Session(office)
		for _, tt := range []struct {
			name, field, value, lang, want string
		}{
			{"outside Vietnam (vi)", "latitude", "48.85", "", "ngoài lãnh thổ Việt Nam"},
			{"outside Vietnam (en)", "longitude", "2.35", "en", "outside Vietnam"},
			{"unknown kind", "kind", "casino", "en", "Decision 950"},
			{"no commune", "commune_code", "", "en", "required"},
		} {
			f := pointForm()
			f.Set(tt.field, tt.value)
			path := "/admin/sale-points"
			if tt.lang != "" {
				path += "?lang=" + tt.lang
			}
			r := c.PostForm(path, f)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, tt.want) {
				t.Errorf("%s: status %d, want 422 with %q\n%s", tt.name, r.Status, tt.want, r.Body)
			}
		}
		if n := marketRows(t, e, "sale_points"); n != 0 {
			t.Fatalf("sale points after refused forms: %d, want 0", n)
		}
		r := c.PostForm("/admin/sale-points", pointForm())
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/admin/sale-points/") {
			t.Fatalf("create: status %d location %q\n%s", r.Status, r.Location(), r.Body)
		}
		page := c.Get(r.Location())
		if page.Status != 200 || !strings.Contains(page.Body, "Điểm OCOP chợ Đồng Xuân") {
			t.Fatalf("point page: %d", page.Status)
		}
		// The API: problem+json naming the field, in the asked language.
		tok := e.Token(office)
		bad := map[string]any{"name": "Điểm Paris", "kind": "market", "operator": "X", "commune_code": "00008", "address_line": "Rue",
			"latitude": 48.85, "longitude": 2.35}
		ar := e.API("POST", "/api/v1/sale-points?lang=en", tok, bad)
		var prob struct {
			Status int `json:"status"`
			Errors []struct {
				Field, Message string
			} `json:"errors"`
		}
		if ar.Status != 422 || !strings.HasPrefix(ar.Header.Get("Content-Type"), "application/problem+json") {
			t.Fatalf("API outside Vietnam: %d %s\n%s", ar.Status, ar.Header.Get("Content-Type"), ar.Body)
		}
		ar.JSON(t, &prob)
		if len(prob.Errors) == 0 || prob.Errors[0].Field != "latitude" || !strings.Contains(prob.Errors[0].Message, "outside Vietnam") {
			t.Errorf("API problem: %+v", prob)
		}
		if n := marketRows(t, e, "sale_points"); n != 1 {
			t.Fatalf("sale points: %d, want 1", n)
		}
		bad["latitude"], bad["longitude"], bad["name"] = 21.03, 105.85, "Điểm OCOP Hoàn Kiếm"
		if ar := e.API("POST", "/api/v1/sale-points", tok, bad); ar.Status != 201 {
			t.Fatalf("API create: %d %s", ar.Status, ar.Body)
		}
		// A stale version is a conflict.
		var x market.SalePoint
		e.API("GET", "/api/v1/sale-points/"+strings.TrimPrefix(r.Location(), "/admin/sale-points/"), "", nil).JSON(t, &x)
		upd := map[string]any{"name": x.Name, "kind": x.Kind, "operator": x.Operator, "commune_code": x.CommuneCode, "address_line": x.AddressLine,
			"latitude": x.Latitude, "longitude": x.Longitude, "version": x.Version + 5}
		if ar := e.API("PUT", fmt.Sprintf("/api/v1/sale-points/%d", x.ID), tok, upd); ar.Status != http.StatusConflict {
			t.Errorf("stale update: %d, want 409", ar.Status)
		}
	})
}

// marketWorld is a certified product stocked at several sale points.
type marketWorld struct {
	product, uncertified registry.Product
	points               []market.SalePoint
	operator             string
}

// newMarketWorld: a 4★ product of a Bát Tràng producer, sale points at
// growing distances from Hoàn Kiếm lake (21.0288, 105.8525), a closed one
// nearest of all, and one that does not stock the product.
func newMarketWorld(t *testing.T, e *apptest.Env) *marketWorld {
	t.Helper()
	w := &marketWorld{}
	pr := e.Producer("HTX Nông sản Hưng Yên", "00577")
	w.product = e.Product(pr.ID, "Long nhãn sấy khô", "I.3.c")
	certify(t, e, w.product, "9/GCN-OCOP-01-2026", 4, mustDate(t, "2026-05-12"))
	w.uncertified = e.Product(pr.ID, "Mật ong hoa nhãn", "I.3.c")
	at := []struct {
		name     string
		lat, lng float64
	}{
		{"Điểm Ba Vì", 21.15, 105.38},         // ~50 km
		{"Điểm Long Biên", 21.04, 105.89},     // ~4 km
		{"Điểm Hoàn Kiếm", 21.030, 105.853},   // ~0.15 km
		{"Điểm Gia Lâm", 21.00, 105.94},       // ~9.5 km
		{"Điểm Cầu Giấy", 21.03, 105.80},      // ~5.5 km
		{"Điểm đóng cửa", 21.0289, 105.8526},  // nearest, but closed
		{"Điểm không bán", 21.0290, 105.8527}, // does not stock it
	}
	admin := e.Admin()
	for i, a := range at {
		x := mustSalePoint(t, e, a.name, "00008", a.lat, a.lng)
		if i < 6 {
			if _, err := e.App.Market.AddStock(e.Ctx(), admin, x.ID, market.StockInput{ProductCode: w.product.Code}); err != nil {
				t.Fatal(err)
			}
		}
		if a.name == "Điểm đóng cửa" {
			lat, lng := a.lat, a.lng
			x, _ = e.App.Market.UpdateSalePoint(e.Ctx(), admin, x.ID, market.SalePointInput{Name: x.Name, Kind: x.Kind, Operator: x.Operator,
				CommuneCode: x.CommuneCode, AddressLine: x.AddressLine, Latitude: &lat, Longitude: &lng, Status: market.PointClosed, Version: x.Version})
			if x.Status != market.PointClosed {
				t.Fatal("closing the point failed")
			}
		}
		w.points = append(w.points, x)
	}
	w.operator = e.User(account.RoleSalePoint)
	if err := e.App.Market.LinkOperator(e.Ctx(), admin, w.points[1].ID, w.operator); err != nil {
		t.Fatal(err)
	}
	return w
}

var nearestRe = regexp.MustCompile(`(?s)<ol class="sale-points" id="nearest-points">(.*?)</ol>`)
var linkNameRe = regexp.MustCompile(`<a href="/sale-points/\d+">([^<]+)</a>`)

// TestMarketNearestOnProductPage is the consumer part of "done when": on
// the product page a shopper near Hoàn Kiếm lake finds the three nearest
// operating sale points that stock the product, nearest first, with
// distances; the API answers the same; the stamp verification page lists
// the points; a position outside Vietnam is a clear error.
func TestMarketNearestOnProductPage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newMarketWorld(t, e)
		r := e.Anon().Get(fmt.Sprintf("/products/%d?lat=21.0288&lon=105.8525", w.product.ID))
		if r.Status != 200 {
			t.Fatalf("product page: %d", r.Status)
		}
		m := nearestRe.FindStringSubmatch(r.Body)
		if m == nil {
			t.Fatalf("no nearest list on the product page:\n%s", r.Body)
		}
		var got []string
		for _, x := range linkNameRe.FindAllStringSubmatch(m[1], -1) {
			got = append(got, x[1])
		}
		want := []string{"Điểm Hoàn Kiếm", "Điểm Long Biên", "Điểm Cầu Giấy"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("nearest points: got %v, want %v", got, want)
		}
		if !strings.Contains(m[1], "0.1 km") {
			t.Errorf("no distance shown: %s", m[1])
		}
		// The API.
		var page struct {
			Total int             `json:"total"`
			Items []market.Nearby `json:"items"`
		}
		e.API("GET", fmt.Sprintf("/api/v1/products/%d/sale-points?lat=21.0288&lon=105.8525&n=5", w.product.ID), "", nil).JSON(t, &page)
		if page.Total != 5 || len(page.Items) != 5 || page.Items[0].Name != "Điểm Hoàn Kiếm" || page.Items[4].Name != "Điểm Ba Vì" {
			t.Errorf("API nearest: %+v", page)
		}
		for i := 1; i < len(page.Items); i++ {
			if *page.Items[i].DistanceKM < *page.Items[i-1].DistanceKM {
				t.Errorf("API not ordered by distance: %+v", page.Items)
			}
		}
		if ar := e.API("GET", fmt.Sprintf("/api/v1/products/%d/sale-points?lat=48.85&lon=2.35", w.product.ID), "", nil); ar.Status != 422 ||
			!strings.Contains(ar.Body, "Việt Nam") {
			t.Errorf("API position outside Vietnam: %d %s", ar.Status, ar.Body)
		}
		if r := e.Anon().Get(fmt.Sprintf("/products/%d?lat=48.85&lon=2.35&lang=en", w.product.ID)); !strings.Contains(r.Body, "place in Vietnam") {
			t.Errorf("product page with a position outside Vietnam shows no error")
		}
		// The uncertified product is in no list; its page says so.
		if r := e.Anon().Get(fmt.Sprintf("/products/%d?lang=en", w.uncertified.ID)); r.Status == 200 && !strings.Contains(r.Body, "No sale point stocks") {
			t.Errorf("uncertified product page: no 'no sale point' note")
		}
		// The map layer lists operating points only.
		var fc struct {
			Features []struct {
				Properties struct {
					Name     string `json:"name"`
					Products int    `json:"products"`
				} `json:"properties"`
			} `json:"features"`
		}
		gj := e.Anon().Get("/sale-points.geojson")
		if err := json.Unmarshal([]byte(gj.Body), &fc); err != nil || len(fc.Features) != 6 {
			t.Errorf("geojson: %v, %d features, want 6", err, len(fc.Features))
		}
		// The public sale point page lists the product; a closed point is not found.
		if r := e.Anon().Get(fmt.Sprintf("/sale-points/%d", w.points[2].ID)); r.Status != 200 || !strings.Contains(r.Body, "Long nhãn sấy khô") {
			t.Errorf("sale point page: %d", r.Status)
		}
		if r := e.Anon().Get(fmt.Sprintf("/sale-points/%d", w.points[5].ID)); r.Status != 404 {
			t.Errorf("closed point page: %d, want 404", r.Status)
		}
	})
}

// TestMarketStockRules: the operator keeps its own point's shelf: a
// product without a valid ≥3★ certificate is refused as OCOP (nothing
// written) and accepted under another QĐ 950 category, flagged as such;
// another point's shelf is forbidden; a certificate that is revoked takes
// the product off every public list.
func TestMarketStockRules(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newMarketWorld(t, e)
		c := e.Session(w.operator)
		own := fmt.Sprintf("/admin/sale-points/%d", w.points[1].ID)
		before := marketRows(t, e, "sale_point_products")
		r := c.PostForm(own+"/products?lang=en", url.Values{"form": {"stock"}, "product_code": {w.uncertified.Code}, "category": {"ocop"}})
		if r.Status != 422 || !strings.Contains(r.Body, "no valid OCOP certificate") {
			t.Errorf("uncertified as OCOP: %d\n%s", r.Status, r.Body)
		}
		if n := marketRows(t, e, "sale_point_products"); n != before {
			t.Errorf("rows after a refused stock: %d, want %d", n, before)
		}
		r = c.PostForm(own+"/products", url.Values{"product_code": {w.uncertified.Code}, "category": {"specialty"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("specialty: %d\n%s", r.Status, r.Body)
		}
		if p := c.Get(own + "?lang=en"); !strings.Contains(p.Body, "Local specialty (not OCOP)") {
			t.Errorf("the specialty is not flagged on the point's page")
		}
		other := fmt.Sprintf("/admin/sale-points/%d/products", w.points[2].ID)
		if r := c.PostForm(other, url.Values{"product_code": {w.product.Code}}); r.Status != 403 {
			t.Errorf("operator on another point: %d, want 403", r.Status)
		}
		// The operator's list shows only its point.
		if l := c.Get("/admin/sale-points"); strings.Contains(l.Body, "Điểm Ba Vì") || !strings.Contains(l.Body, "Điểm Long Biên") {
			t.Errorf("operator list shows other points or not its own")
		}
		// Revocation: the product leaves the nearest lists at once.
		if _, err := e.App.DB.ExecContext(e.Ctx(), "UPDATE certificates SET revoked_on = '2026-11-01' WHERE product_id = ?", w.product.ID); err != nil {
			t.Fatal(err)
		}
		e.Clock.Advance(2 * 60e9) // past the index's validity TTL
		near, total, err := e.App.Market.NearestStocking(e.Ctx(), w.product.ID, nil, 3)
		if err != nil || total != 0 || len(near) != 0 {
			t.Errorf("after revocation: %d points (%v), want none", total, err)
		}
		if r := e.Anon().Get(fmt.Sprintf("/sale-points/%d", w.points[2].ID)); r.Status != 200 || strings.Contains(r.Body, "Long nhãn sấy khô") {
			t.Errorf("a revoked product is still on the public shelf (%d)", r.Status)
		}
		if r := e.Anon().Get(fmt.Sprintf("/sale-points/%d", w.points[1].ID)); !strings.Contains(r.Body, "Mật ong hoa nhãn") {
			t.Errorf("the specialty is missing from the public shelf")
		}
	})
}

// TestMarketStorefrontLinks: a storefront link must be https and its host
// must belong to the marketplace it claims; each refusal names the
// problem and writes nothing; the accepted link is on the product page.
func TestMarketStorefrontLinks(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pr := e.Producer("HTX Gốm", "00577")
		x := e.Product(pr.ID, "Bình gốm", "IV.1")
		owner := e.ProducerUser(pr.ID)
		c := e.Session(owner)
		path := fmt.Sprintf("/admin/products/%d/storefronts?lang=en", x.ID)
		for _, tt := range []struct{ mp, url, want string }{
			{"shopee", "https://lazada.vn/products/binh-gom-i123.html", "does not belong to the chosen marketplace"},
			{"shopee", "https://shopee.vn.evil.example/binh-gom", "does not belong"},
			{"shopee", "https://notshopee.vn/binh-gom", "does not belong"},
			{"tiki", "http://tiki.vn/binh-gom-p123.html", "https://"},
			{"own", "https://shop.tiktok.com/view/product/123", "not to an own site"},
			{"lazada", "javascript:alert(1)", "https://"},
			{"voso", "https://voso.vn:8443/x", "public domain name"},
			{"amazon", "https://amazon.com/x", "Unknown marketplace"},
		} {
			r := c.PostForm(path, url.Values{"marketplace": {tt.mp}, "url": {tt.url}})
			if r.Status != 422 || !strings.Contains(r.Body, tt.want) {
				t.Errorf("%s %s: %d, want 422 with %q", tt.mp, tt.url, r.Status, tt.want)
			}
		}
		if n := marketRows(t, e, "storefronts"); n != 0 {
			t.Fatalf("storefronts after refusals: %d", n)
		}
		tok := e.Token(owner)
		ar := e.API("POST", fmt.Sprintf("/api/v1/products/%d/storefronts", x.ID), tok, map[string]any{"marketplace": "tiki", "url": "https://evil.com/tiki.vn"})
		if ar.Status != 422 || !strings.Contains(ar.Header.Get("Content-Type"), "problem+json") || !strings.Contains(ar.Body, `"url"`) {
			t.Errorf("API wrong host: %d %s", ar.Status, ar.Body)
		}
		for _, ok := range []struct{ mp, url string }{
			{"shopee", "https://shopee.vn/Binh-gom-men-ran-i.123.456"},
			{"postmart", "https://postmart.vn/binh-gom"},
			{"tiktok", "https://www.tiktok.com/@gombattrang/product/1"},
			{"own", "https://gombattrang.vn/binh"},
		} {
			if r := c.PostForm(fmt.Sprintf("/admin/products/%d/storefronts", x.ID), url.Values{"marketplace": {ok.mp}, "url": {ok.url}, "price_vnd": {"250.000"}}); r.Status != http.StatusSeeOther {
				t.Errorf("%s: %d\n%s", ok.url, r.Status, r.Body)
			}
		}
		page := e.Anon().Get(fmt.Sprintf("/products/%d", x.ID))
		if !strings.Contains(page.Body, `href="https://shopee.vn/Binh-gom-men-ran-i.123.456"`) || !strings.Contains(page.Body, "TikTok Shop") {
			t.Errorf("product page lacks the storefronts")
		}
		// Another producer's account may not add links to this product.
		stranger := e.ProducerUser(e.Producer("HTX Khác", "00577").ID)
		if r := e.Session(stranger).PostForm(fmt.Sprintf("/admin/products/%d/storefronts", x.ID), url.Values{"marketplace": {"tiki"}, "url": {"https://tiki.vn/x"}}); r.Status != 403 {
			t.Errorf("another producer: %d, want 403", r.Status)
		}
	})
}

// merchantRSS is the Merchant Center RSS feed as parsed back.
type merchantRSS struct {
	XMLName xml.Name `xml:"rss"`
	Version string   `xml:"version,attr"`
	Channel struct {
		Title string `xml:"title"`
		Items []struct {
			ID               string `xml:"http://base.google.com/ns/1.0 id"`
			Title            string `xml:"http://base.google.com/ns/1.0 title"`
			Description      string `xml:"http://base.google.com/ns/1.0 description"`
			Link             string `xml:"http://base.google.com/ns/1.0 link"`
			ImageLink        string `xml:"http://base.google.com/ns/1.0 image_link"`
			Availability     string `xml:"http://base.google.com/ns/1.0 availability"`
			Price            string `xml:"http://base.google.com/ns/1.0 price"`
			Brand            string `xml:"http://base.google.com/ns/1.0 brand"`
			Condition        string `xml:"http://base.google.com/ns/1.0 condition"`
			GTIN             string `xml:"http://base.google.com/ns/1.0 gtin"`
			MPN              string `xml:"http://base.google.com/ns/1.0 mpn"`
			IdentifierExists string `xml:"http://base.google.com/ns/1.0 identifier_exists"`
		} `xml:"item"`
	} `xml:"channel"`
}

// addPhoto gives a product a photo record (the feed needs an image link).
func addPhoto(t testing.TB, e *apptest.Env, productID int64, hash string) {
	t.Helper()
	now := e.Clock.Now().UTC()
	if _, err := e.App.DB.ExecContext(e.Ctx(), "INSERT INTO media (hash, content_type, size, width, height, created_at) VALUES (?, 'image/jpeg', 1, 1, 1, ?)", hash, now); err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.DB.ExecContext(e.Ctx(), "INSERT INTO product_images (product_id, media_hash, position, caption) VALUES (?, ?, 1, '')", productID, hash); err != nil {
		t.Fatal(err)
	}
}

// TestMarketFeeds: the Merchant Center feed parses as RSS 2.0 with the g:
// namespace, every item has the required fields within Google's limits
// (a 200-character name is cut to 150), products without photo or price
// are left out and uncertified ones never appear; the TSV has the same
// items and columns; the bulk-upload and open-data CSVs round-trip
// through encoding/csv; the JSON dump decodes.
func TestMarketFeeds(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newMarketWorld(t, e)
		pr := e.Producer("Công ty Trà Hà Nội", "00008")
		long := e.Product(pr.ID, strings.Repeat("Trà sen Tây Hồ ướp thủ công ", 8), "I.3.c")
		certify(t, e, long, "10/GCN-OCOP-01-2026", 5, mustDate(t, "2026-05-12"))
		nophoto := e.Product(pr.ID, "Trà xanh", "I.3.c")
		certify(t, e, nophoto, "11/GCN-OCOP-01-2026", 3, mustDate(t, "2026-05-12"))
		addPhoto(t, e, w.product.ID, strings.Repeat("a", 64))
		addPhoto(t, e, long.ID, strings.Repeat("b", 64))
		addPhoto(t, e, w.uncertified.ID, strings.Repeat("c", 64))
		admin := e.Admin()
		for _, id := range []int64{w.product.ID, long.ID, nophoto.ID, w.uncertified.ID} {
			p := int64(120000)
			if _, err := e.App.Market.AddStorefront(e.Ctx(), admin, id, market.StorefrontInput{Marketplace: "postmart", URL: fmt.Sprintf("https://postmart.vn/p/%d", id), PriceVND: &p}); err != nil {
				t.Fatal(err)
			}
		}
		r := e.Anon().Get("/feeds/merchant.xml")
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/rss+xml") {
			t.Fatalf("merchant.xml: %d %s", r.Status, r.Header.Get("Content-Type"))
		}
		if !strings.Contains(r.Body, `xmlns:g="http://base.google.com/ns/1.0"`) {
			t.Errorf("no g: namespace declaration")
		}
		var feed merchantRSS
		if err := xml.Unmarshal([]byte(r.Body), &feed); err != nil {
			t.Fatalf("feed does not parse: %v", err)
		}
		if feed.Version != "2.0" || len(feed.Channel.Items) != 2 {
			t.Fatalf("feed: version %q, %d items, want 2.0 and 2 (photo and price and certificate)", feed.Version, len(feed.Channel.Items))
		}
		priceRe := regexp.MustCompile(`^\d+\.\d{2} [A-Z]{3}$`)
		for _, it := range feed.Channel.Items {
			for name, v := range map[string]string{"id": it.ID, "title": it.Title, "description": it.Description, "link": it.Link, "image_link": it.ImageLink,
				"availability": it.Availability, "price": it.Price, "brand": it.Brand, "condition": it.Condition, "identifier_exists": it.IdentifierExists} {
				if strings.TrimSpace(v) == "" {
					t.Errorf("item %s: %s is empty", it.ID, name)
				}
			}
			if utf8.RuneCountInString(it.ID) > market.MerchantIDMax || utf8.RuneCountInString(it.Title) > market.MerchantTitleMax ||
				utf8.RuneCountInString(it.Description) > market.MerchantDescriptionMax {
				t.Errorf("item %s over Google's limits: title %d", it.ID, utf8.RuneCountInString(it.Title))
			}
			if !priceRe.MatchString(it.Price) || !strings.HasPrefix(it.Link, "http") || !strings.HasPrefix(it.ImageLink, "http") {
				t.Errorf("item %s: price %q link %q image %q", it.ID, it.Price, it.Link, it.ImageLink)
			}
			if it.Availability != "in_stock" && it.Availability != "out_of_stock" {
				t.Errorf("availability %q", it.Availability)
			}
			if it.Condition != "new" || (it.GTIN == "" && (it.IdentifierExists != "no" || it.MPN == "")) {
				t.Errorf("identifiers: gtin %q mpn %q exists %q", it.GTIN, it.MPN, it.IdentifierExists)
			}
			if it.ID == w.uncertified.Code || it.ID == nophoto.Code {
				t.Errorf("item %s should not be in the feed", it.ID)
			}
			if it.ID == long.Code && utf8.RuneCountInString(it.Title) != market.MerchantTitleMax && !strings.HasSuffix(it.Title, "…") {
				t.Errorf("long title not cut: %d", utf8.RuneCountInString(it.Title))
			}
		}
		// TSV: header of the required columns, the same items.
		tsv := e.Anon().Get("/feeds/merchant.tsv")
		lines := strings.Split(strings.TrimRight(tsv.Body, "\n"), "\n")
		if len(lines) != 3 || lines[0] != strings.Join(market.MerchantTSVHeader, "\t") {
			t.Fatalf("tsv: %d lines, header %q", len(lines), lines[0])
		}
		for _, l := range lines[1:] {
			if n := len(strings.Split(l, "\t")); n != len(market.MerchantTSVHeader) {
				t.Errorf("tsv row has %d cells: %q", n, l)
			}
		}
		// Bulk CSV and open data: round trip.
		for _, tt := range []struct {
			path   string
			header []string
			rows   int
		}{{"/feeds/marketplace.csv", market.BulkCSVHeader, 3}, {"/open-data/products.csv", market.OpenDataHeader, 3}} {
			b := e.Anon().Get(tt.path)
			recs, err := csv.NewReader(strings.NewReader(b.Body)).ReadAll()
			if err != nil || len(recs) != tt.rows+1 || strings.Join(recs[0], ",") != strings.Join(tt.header, ",") {
				t.Fatalf("%s: %v, %d records", tt.path, err, len(recs))
			}
			var buf bytes.Buffer
			cw := csv.NewWriter(&buf)
			_ = cw.WriteAll(recs)
			if buf.String() != b.Body {
				t.Errorf("%s does not round-trip through encoding/csv", tt.path)
			}
			if !strings.Contains(b.Body, strings.TrimSpace(long.Name)[:20]) {
				t.Errorf("%s lacks the long-named product", tt.path)
			}
		}
		var od market.OpenData
		if err := json.Unmarshal([]byte(e.Anon().Get("/open-data/products.json").Body), &od); err != nil || od.Count != 3 || len(od.Products) != 3 {
			t.Errorf("open data JSON: %v, count %d", err, od.Count)
		}
	})
}

// TestMarketCertifications: a producer records standards for its product
// and for itself; the product page lists them and its JSON-LD carries
// them in hasCertification; bad dates and links are refused; the office's
// expiry list and the Certifications method (for the matching engine)
// see them.
func TestMarketCertifications(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newMarketWorld(t, e)
		owner := e.ProducerUser(w.product.ProducerID)
		c := e.Session(owner)
		path := fmt.Sprintf("/admin/products/%d/certifications", w.product.ID)
		for _, tt := range []struct {
			form url.Values
			want string
		}{
			{url.Values{"kind": {"haccp"}, "number": {"H-1"}, "issuer": {"Quacert"}, "valid_from": {"2026-13-01"}}, "Not a valid date"},
			{url.Values{"kind": {"haccp"}, "number": {"H-1"}, "issuer": {"Quacert"}, "valid_from": {"2026-01-01"}, "valid_until": {"2025-01-01"}}, "after the start"},
			{url.Values{"kind": {"haccp"}, "number": {"H-1"}, "issuer": {"Quacert"}, "valid_from": {"2026-01-01"}, "document_url": {"http://x.vn/a.pdf"}}, "https://"},
		} {
			if r := c.PostForm(path+"?lang=en", tt.form); r.Status != 422 || !strings.Contains(r.Body, tt.want) {
				t.Errorf("%v: %d, want 422 with %q", tt.form, r.Status, tt.want)
			}
		}
		if n := marketRows(t, e, "certifications"); n != 0 {
			t.Fatalf("certifications after refusals: %d", n)
		}
		ok := []url.Values{
			{"kind": {"haccp"}, "number": {"HACCP-2026-0042"}, "issuer": {"Quacert"}, "scope": {"Sấy long nhãn"}, "valid_from": {"2025-12-01"}, "valid_until": {"2026-12-20"}},
			{"kind": {"vietgap"}, "applies": {"producer"}, "number": {"VG-01-123"}, "issuer": {"Sở NN&MT Hà Nội"}, "valid_from": {"2024-01-01"}, "valid_until": {"2025-01-01"}},
			{"kind": {"gi"}, "applies": {"producer"}, "number": {"GI-00123"}, "issuer": {"Cục Sở hữu trí tuệ"}, "valid_from": {"2020-05-05"}},
		}
		for _, f := range ok {
			if r := c.PostForm(path, f); r.Status != http.StatusSeeOther {
				t.Fatalf("%v: %d\n%s", f, r.Status, r.Body)
			}
		}
		page := e.Anon().Get(fmt.Sprintf("/products/%d?lang=en", w.product.ID))
		if !strings.Contains(page.Body, "HACCP-2026-0042") || !strings.Contains(page.Body, "GI-00123") || !strings.Contains(page.Body, "not in force") {
			t.Errorf("product page lacks the certifications")
		}
		ld := regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(page.Body)
		if ld == nil {
			t.Fatal("no JSON-LD")
		}
		var doc struct {
			HasCertification []struct {
				Name string `json:"name"`
				ID   string `json:"certificationIdentification"`
			} `json:"hasCertification"`
		}
		if err := json.Unmarshal([]byte(ld[1]), &doc); err != nil {
			t.Fatalf("JSON-LD: %v\n%s", err, ld[1])
		}
		var names []string
		for _, c := range doc.HasCertification {
			names = append(names, c.Name+"="+c.ID)
		}
		if got := strings.Join(names, ","); got != "OCOP 4★=9/GCN-OCOP-01-2026,HACCP=HACCP-2026-0042,Geographical indication=GI-00123" {
			t.Errorf("hasCertification: %s (the expired VietGAP must not be there)", got)
		}
		// The expiry list: HACCP ends within 90 days of 2026-11-22.
		office := e.Session(e.User(account.RoleOffice))
		if l := office.Get("/admin/certifications"); !strings.Contains(l.Body, "HACCP-2026-0042") || strings.Contains(l.Body, "GI-00123") {
			t.Errorf("expiry list wrong")
		}
		m, err := e.App.Market.Certifications(e.Ctx(), []int64{w.product.ProducerID, 999})
		if err != nil || len(m[w.product.ProducerID]) != 3 || len(m[999]) != 0 {
			t.Errorf("Certifications: %v %v", m, err)
		}
		// Another producer cannot record for this one (API: problem+json 403).
		stranger := e.Token(e.ProducerUser(e.Producer("HTX Khác", "00577").ID))
		ar := e.API("POST", "/api/v1/certifications", stranger, map[string]any{"producer_id": w.product.ProducerID, "kind": "haccp", "number": "X", "issuer": "Y", "valid_from": "2026-01-01"})
		if ar.Status != 403 {
			t.Errorf("stranger's certification: %d, want 403", ar.Status)
		}
	})
}

// TestMarketFigures: the stats hook counts operating points and the
// current communes that have one.
func TestMarketFigures(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		newMarketWorld(t, e)
		mustSalePoint(t, e, "Điểm Bát Tràng", "00577", 20.98, 105.91)
		f, err := e.App.Market.Figures(e.Ctx())
		if err != nil {
			t.Fatal(err)
		}
		if f.Operating != 7 || f.Communes["00008"] != 6 || f.Communes["00577"] != 1 || len(f.Communes) != 2 {
			t.Errorf("figures: %+v, want 7 operating in 00008 (6) and 00577 (1)", f)
		}
	})
}

// TestMarketStampPageWhereToBuy: the verification page of a stamp lists
// the sale points that stock the product and links to the product page's
// nearest-points section; before any point stocks it, it says so.
func TestMarketStampPageWhereToBuy(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newStampWorld(t, e)
		code := w.issue(t, w.office, 3)
		serial := w.serials(t, code)[0]
		if r := e.Anon().Get("/q/" + serial + "?lang=en"); !strings.Contains(r.Body, `id="where-to-buy"`) || strings.Contains(r.Body, "/sale-points/") {
			t.Fatalf("before stocking: %d\n%s", r.Status, r.Body)
		}
		x := mustSalePoint(t, e, "Điểm OCOP Bát Tràng", "00577", 20.98, 105.91)
		if _, err := e.App.Market.AddStock(e.Ctx(), e.Admin(), x.ID, market.StockInput{ProductCode: w.product.Code}); err != nil {
			t.Fatal(err)
		}
		r := e.Anon().Get("/q/" + serial + "?lang=en")
		if !strings.Contains(r.Body, fmt.Sprintf(`<a href="/sale-points/%d">Điểm OCOP Bát Tràng</a>`, x.ID)) ||
			!strings.Contains(r.Body, fmt.Sprintf(`/products/%d#where-to-buy`, w.product.ID)) {
			t.Errorf("verification page lacks the sale point:\n%s", r.Body)
		}
	})
}

// TestMarketCatalogueFacets: the search page offers "sold at" and
// "available online" facets, with and without search text (the GROUP BY
// path and the in-memory snapshot), and each filters the results; a
// change of a shelf shows on the next search (no stale cache).
func TestMarketCatalogueFacets(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newMarketWorld(t, e)
		other := e.Product(w.product.ProducerID, "Long nhãn tươi", "I.3.c")
		certify(t, e, other, "12/GCN-OCOP-01-2026", 3, mustDate(t, "2026-05-12"))
		p := int64(50000)
		if _, err := e.App.Market.AddStorefront(e.Ctx(), e.Admin(), other.ID, market.StorefrontInput{Marketplace: "voso", URL: "https://voso.vn/long-nhan", PriceVND: &p}); err != nil {
			t.Fatal(err)
		}
		hk := w.points[2] // Điểm Hoàn Kiếm: stocks w.product only
		for _, base := range []string{"/search?lang=en", "/search?q=long+nhan&lang=en"} {
			r := e.Anon().Get(base)
			if !strings.Contains(r.Body, `id="facet-soldat"`) || !strings.Contains(r.Body, `id="facet-online"`) {
				t.Fatalf("%s: no market facets\n%s", base, r.Body)
			}
			sold := e.Anon().Get(base + fmt.Sprintf("&soldat=%d", hk.ID))
			if !strings.Contains(sold.Body, "Long nhãn sấy khô") || strings.Contains(sold.Body, ">Long nhãn tươi<") {
				t.Errorf("%s soldat: wrong results", base)
			}
			online := e.Anon().Get(base + "&online=1")
			if strings.Contains(online.Body, ">Long nhãn sấy khô<") || !strings.Contains(online.Body, "Long nhãn tươi") {
				t.Errorf("%s online: wrong results", base)
			}
		}
		// Stocking the other product at Hoàn Kiếm shows at once.
		if _, err := e.App.Market.AddStock(e.Ctx(), e.Admin(), hk.ID, market.StockInput{ProductCode: other.Code}); err != nil {
			t.Fatal(err)
		}
		for _, base := range []string{"/search?", "/search?q=long+nhan&"} {
			if r := e.Anon().Get(base + fmt.Sprintf("soldat=%d", hk.ID)); !strings.Contains(r.Body, "Long nhãn tươi") {
				t.Errorf("%s after stocking: the new product is missing", base)
			}
		}
		var res struct {
			Total int `json:"total"`
		}
		e.API("GET", fmt.Sprintf("/api/v1/catalogue/products?soldat=%d", hk.ID), "", nil).JSON(t, &res)
		if res.Total != 2 {
			t.Errorf("API soldat total %d, want 2", res.Total)
		}
	})
}

// TestMarketChainsCentresRoutes: the office records a retail chain with a
// store, a design centre scored on the 100-point form and a tourism route
// through the API; the producer lists its product in the chain; the
// public pages show them (the route with its stops in order and a map);
// bad input (a store outside Vietnam, points over a criterion's maximum, a
// stop that does not exist) is refused and writes nothing.
func TestMarketChainsCentresRoutes(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newMarketWorld(t, e)
		tok := e.Token(e.User(account.RoleOffice))
		bad := e.API("POST", "/api/v1/retail-chains?lang=en", tok, map[string]any{"name": "AEON", "stores": []map[string]any{
			{"name": "AEON Paris", "commune_code": "00008", "latitude": 48.85, "longitude": 2.35}}})
		if bad.Status != 422 || !strings.Contains(bad.Body, "stores[0].latitude") || !strings.Contains(bad.Body, "outside Vietnam") {
			t.Errorf("store outside Vietnam: %d %s", bad.Status, bad.Body)
		}
		if n := marketRows(t, e, "retail_chains"); n != 0 {
			t.Fatalf("chains after a refusal: %d", n)
		}
		var chain market.Chain
		r := e.API("POST", "/api/v1/retail-chains", tok, map[string]any{"name": "AEON", "website": "https://aeon.com.vn", "stores": []map[string]any{
			{"name": "AEON Mall Long Biên", "commune_code": "00008", "address_line": "27 Cổ Linh", "latitude": 21.027, "longitude": 105.899}}})
		if r.Status != 201 {
			t.Fatalf("chain: %d %s", r.Status, r.Body)
		}
		r.JSON(t, &chain)
		owner := e.Token(e.ProducerUser(w.product.ProducerID))
		if r := e.API("POST", fmt.Sprintf("/api/v1/retail-chains/%d/listings", chain.ID), owner, map[string]any{"product_code": w.product.Code, "store_id": chain.Stores[0].ID}); r.Status != 201 {
			t.Fatalf("listing: %d %s", r.Status, r.Body)
		}
		stranger := e.Token(e.ProducerUser(e.Producer("HTX Khác", "00577").ID))
		if r := e.API("POST", fmt.Sprintf("/api/v1/retail-chains/%d/listings", chain.ID), stranger, map[string]any{"product_code": w.product.Code}); r.Status != 403 {
			t.Errorf("another producer's listing: %d, want 403", r.Status)
		}
		if p := e.Anon().Get("/retail-chains"); !strings.Contains(p.Body, "AEON Mall Long Biên") || !strings.Contains(p.Body, "Long nhãn sấy khô") {
			t.Errorf("chains page lacks the store or the product")
		}
		// Design centre: points over a maximum are refused; the checklist is evaluated.
		centre := map[string]any{"name": "Trung tâm Bát Tràng", "commune_code": "00577", "latitude": 20.98, "longitude": 105.91, "area_m2": 450,
			"zone_display": true, "zone_meeting": true, "zone_experience": true, "zone_photo": false, "ocop_share_pct": 70,
			"scores": map[string]int{"zone_display": 25}}
		if r := e.API("POST", "/api/v1/design-centres?lang=en", tok, centre); r.Status != 422 || !strings.Contains(r.Body, "between 0 and 20") {
			t.Errorf("points over the maximum: %d %s", r.Status, r.Body)
		}
		centre["scores"] = map[string]int{"location_area": 10, "zone_display": 18, "zone_meeting": 8, "zone_experience": 12, "zone_photo": 0, "goods_share": 14, "tourism_services": 12}
		var dc market.DesignCentre
		r = e.API("POST", "/api/v1/design-centres", tok, centre)
		if r.Status != 201 {
			t.Fatalf("centre: %d %s", r.Status, r.Body)
		}
		r.JSON(t, &dc)
		if dc.Total != 74 || dc.Meets || strings.Join(dc.Failures, ",") != "area,zone_photo" {
			t.Errorf("centre: total %d, meets %v, failures %v; want 74, false, [area zone_photo]", dc.Total, dc.Meets, dc.Failures)
		}
		if p := e.Anon().Get("/design-centres?lang=en"); !strings.Contains(p.Body, "Score: 74/100") || !strings.Contains(p.Body, "area under 500 m²") {
			t.Errorf("centres page lacks the score or the checklist")
		}
		// Route: an unknown stop is refused; then a published route.
		village, err := e.App.Registry.CreateCraftVillage(e.Ctx(), e.Admin(), registry.CraftVillageInput{Name: "Làng gốm Bát Tràng", CommuneCode: "00577",
			Latitude: ptr(20.976), Longitude: ptr(105.913)})
		if err != nil {
			t.Fatal(err)
		}
		route := map[string]any{"name": "Một ngày ở Bát Tràng", "publish": true, "stops": []map[string]any{
			{"kind": "village", "ref_id": village.ID, "note": "Nặn gốm"}, {"kind": "salepoint", "ref_id": 999999}}}
		if r := e.API("POST", "/api/v1/tourism-routes?lang=en", tok, route); r.Status != 422 || !strings.Contains(r.Body, "stops[1].ref_id") {
			t.Errorf("unknown stop: %d %s", r.Status, r.Body)
		}
		if n := marketRows(t, e, "tourism_routes"); n != 0 {
			t.Fatalf("routes after a refusal: %d", n)
		}
		route["stops"] = []map[string]any{{"kind": "village", "ref_id": village.ID, "note": "Nặn gốm"}, {"kind": "salepoint", "ref_id": w.points[3].ID}}
		var rt market.Route
		r = e.API("POST", "/api/v1/tourism-routes", tok, route)
		if r.Status != 201 {
			t.Fatalf("route: %d %s", r.Status, r.Body)
		}
		r.JSON(t, &rt)
		page := e.Anon().Get(fmt.Sprintf("/routes/%d", rt.ID))
		i, j := strings.Index(page.Body, "Làng gốm Bát Tràng"), strings.Index(page.Body, "Điểm Gia Lâm")
		if page.Status != 200 || i < 0 || j < i || !strings.Contains(page.Body, `id="route-map"`) {
			t.Errorf("route page: %d, stops at %d and %d", page.Status, i, j)
		}
	})
}

func ptr(f float64) *float64 { return &f }

// TestMarketCentreForm: the office scores a design centre on the
// 100-point form page; points over a criterion's maximum are a clear
// message in the page's language and nothing is written.
func TestMarketCentreForm(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		c := e.Session(e.User(account.RoleOffice))
		if r := c.Get("/admin/design-centres/new"); r.Status != 200 || !strings.Contains(r.Body, "score_zone_display") {
			t.Fatalf("form: %d", r.Status)
		}
		f := url.Values{"name": {"Trung tâm Vạn Phúc"}, "commune_code": {"00008"}, "latitude": {"20.97"}, "longitude": {"105.77"}, "area_m2": {"650"},
			"zone_display": {"on"}, "zone_meeting": {"on"}, "zone_experience": {"on"}, "zone_photo": {"on"}, "ocop_share_pct": {"65"},
			"score_zone_display": {"21"}}
		if r := c.PostForm("/admin/design-centres?lang=en", f); r.Status != 422 || !strings.Contains(r.Body, "between 0 and 20") {
			t.Errorf("over the maximum: %d", r.Status)
		}
		if n := marketRows(t, e, "design_centres"); n != 0 {
			t.Fatalf("centres after a refusal: %d", n)
		}
		f.Set("score_zone_display", "19")
		f.Set("score_location_area", "14")
		if r := c.PostForm("/admin/design-centres", f); r.Status != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", r.Status, r.Body)
		}
		if p := e.Anon().Get("/design-centres?lang=en"); !strings.Contains(p.Body, "Score: 33/100") || !strings.Contains(p.Body, "Meets the mandatory conditions") {
			t.Errorf("centres page: %s", p.Body)
		}
	})
}

// TestMarketStandardFacet: the catalogue filters by certification kind in
// force today — a product's own record or its producer's — with and
// without search text; an expired record does not count.
func TestMarketStandardFacet(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newMarketWorld(t, e)
		other := e.Product(e.Producer("HTX Khác", "00577").ID, "Long nhãn Hưng Yên", "I.3.c")
		certify(t, e, other, "13/GCN-OCOP-01-2026", 3, mustDate(t, "2026-05-12"))
		admin := e.Admin()
		for _, in := range []market.CertificationInput{
			{ProducerID: w.product.ProducerID, Kind: "haccp", Number: "H-1", Issuer: "Quacert", ValidFrom: "2026-01-01", ValidUntil: "2027-01-01"},
			{ProducerID: other.ProducerID, ProductID: &other.ID, Kind: "vietgap", Number: "V-1", Issuer: "Sở", ValidFrom: "2024-01-01", ValidUntil: "2025-01-01"},
		} {
			if _, err := e.App.Market.CreateCertification(e.Ctx(), admin, in); err != nil {
				t.Fatal(err)
			}
		}
		for _, base := range []string{"/search?lang=en&", "/search?q=long+nhan&lang=en&"} {
			r := e.Anon().Get(base + "standard=haccp")
			if !strings.Contains(r.Body, ">Long nhãn sấy khô<") || strings.Contains(r.Body, ">Long nhãn Hưng Yên<") || !strings.Contains(r.Body, `id="facet-standard"`) {
				t.Errorf("%s haccp: wrong results", base)
			}
			if r := e.Anon().Get(base + "standard=vietgap"); strings.Contains(r.Body, ">Long nhãn Hưng Yên<") {
				t.Errorf("%s an expired VietGAP counts", base)
			}
		}
	})
}
