package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"ocop/internal/apptest"
	"ocop/internal/catalogue"
	"ocop/internal/db"
	"ocop/internal/registry"
)

// catFixture is a small catalogue: two craft villages with coordinates,
// producers in three communes, products of several groups, and
// certificates of every kind (valid 3/4/potential-5/5, expired, revoked).
type catFixture struct {
	e                        *apptest.Env
	batTrang, nguXa          registry.CraftVillage
	gom, dong, tra           registry.Producer
	bowl, vase, bell, statue registry.Product
	tea, lotus, expired      registry.Product
	revoked, plain           registry.Product
	stars                    map[int64]string // product → expected star filter value ("" none)
}

func f64(v float64) *float64 { return &v }

func newCatFixture(t *testing.T, e *apptest.Env) *catFixture {
	t.Helper()
	ctx, admin := e.Ctx(), e.Admin()
	f := &catFixture{e: e, stars: map[int64]string{}}
	var err error
	year := 1958
	if f.batTrang, err = e.App.Registry.CreateCraftVillage(ctx, admin, registry.CraftVillageInput{Name: "Làng gốm Bát Tràng", NameEn: "Bat Trang pottery village",
		CommuneCode: "00577", Recognised: true, RecognisedYear: &year, Crafts: "gốm sứ", Description: "Làng gốm nghìn năm tuổi bên sông Hồng.",
		Latitude: f64(20.9757), Longitude: f64(105.9129)}); err != nil {
		t.Fatal(err)
	}
	if f.nguXa, err = e.App.Registry.CreateCraftVillage(ctx, admin, registry.CraftVillageInput{Name: "Làng nghề đúc đồng Ngũ Xã", NameEn: "Ngu Xa bronze casting village",
		CommuneCode: "00004", Recognised: true, Crafts: "đúc đồng", Latitude: f64(21.0466), Longitude: f64(105.8405)}); err != nil {
		t.Fatal(err)
	}
	producer := func(name, commune string, lat, lng float64) registry.Producer {
		x, err := e.App.Registry.CreateProducer(ctx, admin, registry.ProducerInput{Kind: registry.KindCooperative, Name: name, CommuneCode: commune,
			Latitude: &lat, Longitude: &lng, Phone: "0243 000 000", Email: "htx@example.vn"})
		if err != nil {
			t.Fatalf("producer %s: %v", name, err)
		}
		return x
	}
	f.gom = producer("HTX Gốm sứ Bát Tràng", "00577", 20.976, 105.913)
	f.dong = producer("Công ty Đúc đồng Ngũ Xã", "00004", 21.047, 105.841)
	f.tra = producer("HTX Trà sen Tây Hồ", "00070", 21.058, 105.823)
	product := func(p registry.Producer, name, nameEn, cat string, village *registry.CraftVillage, desc string) registry.Product {
		in := registry.ProductInput{ProducerID: p.ID, Name: name, NameEn: nameEn, CategoryCode: cat, Description: desc}
		if village != nil {
			in.CraftVillageID = &village.ID
		}
		x, err := e.App.Registry.CreateProduct(ctx, admin, in)
		if err != nil {
			t.Fatalf("product %s: %v", name, err)
		}
		return x
	}
	f.bowl = product(f.gom, "Bát gốm men lam Bát Tràng", "Bat Trang blue glaze bowl", "IV.1", &f.batTrang, "Bát vẽ tay men lam.")
	f.vase = product(f.gom, "Lọ gốm men rạn", "", "IV.1", &f.batTrang, "")
	f.bell = product(f.dong, "Chuông đồng Ngũ Xã", "Ngu Xa bronze bell", "IV.1", &f.nguXa, "")
	f.statue = product(f.dong, "Tượng đồng Phật Bà", "", "IV.1", &f.nguXa, "")
	f.tea = product(f.tra, "Trà sen Tây Hồ", "West Lake lotus tea", "I.3.c", nil, "Trà ướp hoa sen Bách Diệp.")
	f.lotus = product(f.tra, "Trà hoa sen khô", "", "I.3.c", nil, "")
	f.expired = product(f.tra, "Trà búp Thái Nguyên", "", "I.3.c", nil, "")
	f.revoked = product(f.gom, "Đĩa gốm vẽ tay", "", "IV.1", &f.batTrang, "")
	f.plain = product(f.dong, "Mâm đồng", "", "IV.1", &f.nguXa, "")
	seq := 0
	cert := func(x registry.Product, star int, p5 bool, issued, expires, revoked string) {
		t.Helper()
		seq++
		if _, err := db.Insert(ctx, e.App.DB, `INSERT INTO certificates (number, product_id, producer_id, dossier_id, decision_id, star, potential5,
			issued_on, expires_on, rule_set, authority, revoked_on, revoke_ground, revoke_reason, revoke_conclusion, revoke_concluded_on, created_at, version)
			VALUES (?, ?, ?, NULL, NULL, ?, ?, ?, ?, '26/2026', 'province', ?, '', '', '', '', ?, 1)`,
			fmt.Sprintf("%d/GCN-OCOP-01-2025", seq), x.ID, x.ProducerID, star, p5, issued, expires, revoked, db.Now()); err != nil {
			t.Fatal(err)
		}
	}
	cert(f.bowl, 5, false, "2025-03-01", "2028-03-01", "")
	f.stars[f.bowl.ID] = "5"
	cert(f.vase, 4, true, "2025-03-01", "2028-03-01", "")
	f.stars[f.vase.ID] = "p5"
	cert(f.bell, 4, false, "2025-03-01", "2028-03-01", "")
	f.stars[f.bell.ID] = "4"
	cert(f.statue, 3, false, "2024-06-01", "2027-06-01", "")
	f.stars[f.statue.ID] = "3"
	cert(f.tea, 5, false, "2026-01-10", "2029-01-10", "")
	f.stars[f.tea.ID] = "5"
	cert(f.lotus, 3, false, "2025-05-05", "2028-05-05", "")
	f.stars[f.lotus.ID] = "3"
	cert(f.expired, 4, false, "2022-01-01", "2025-01-01", "")
	cert(f.revoked, 5, false, "2025-03-01", "2028-03-01", "2026-02-01")
	return f
}

// ids lists the product ids of a result page in order.
func catIDs(items []catalogue.Item) []int64 {
	out := make([]int64, len(items))
	for i, x := range items {
		out[i] = x.ID
	}
	return out
}

func catSearch(t *testing.T, e *apptest.Env, query string) catalogue.Result {
	t.Helper()
	r := e.API("GET", "/api/v1/catalogue/products?"+query, "", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("search %q: %d %s", query, r.Status, r.Body)
	}
	var res catalogue.Result
	r.JSON(t, &res)
	return res
}

func sameIDs(a, b []int64) bool {
	x, y := append([]int64{}, a...), append([]int64{}, b...)
	sort.Slice(x, func(i, j int) bool { return x[i] < x[j] })
	sort.Slice(y, func(i, j int) bool { return y[i] < y[j] })
	return fmt.Sprint(x) == fmt.Sprint(y)
}

func TestCatalogueSearchVietnamese(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := newCatFixture(t, e)
		// Typed with or without diacritics, in any case: the same results.
		var first []int64
		for i, q := range []string{"gom bat trang", "Gốm Bát Tràng", "GOM BAT TRANG", "gốm  BÁT tràng"} {
			res := catSearch(t, e, url.Values{"q": {q}}.Encode())
			ids := catIDs(res.Items)
			if i == 0 {
				first = ids
				if !sameIDs(ids, []int64{f.bowl.ID, f.vase.ID, f.revoked.ID}) {
					t.Fatalf("gom bat trang = %v", ids)
				}
				continue
			}
			if fmt.Sprint(ids) != fmt.Sprint(first) {
				t.Errorf("%q = %v, want %v", q, ids, first)
			}
		}
		// đ and d; "duc dong ngu xa" finds the bronze products of Ngũ Xã.
		res := catSearch(t, e, "q=duc+dong+ngu+xa")
		if !sameIDs(catIDs(res.Items), []int64{f.bell.ID, f.statue.ID, f.plain.ID}) {
			t.Errorf("duc dong ngu xa = %v", catIDs(res.Items))
		}
		// Ranked by relevance then stars: the name that starts with the
		// query first; among equals the higher star first.
		res = catSearch(t, e, "q=tra+sen")
		if len(res.Items) < 2 || res.Items[0].ID != f.tea.ID {
			t.Errorf("tra sen: %v, want %d first", catIDs(res.Items), f.tea.ID)
		}
		res = catSearch(t, e, "q=dong&sort=stars")
		if got := catIDs(res.Items); len(got) != 3 || got[0] != f.bell.ID || got[1] != f.statue.ID || got[2] != f.plain.ID {
			t.Errorf("dong by stars = %v", got)
		}
		// Typo tolerance: one or two edits away from indexed words.
		for _, q := range []string{"tarng", "gom bat trnag", "chuongg dong", "tra sne"} {
			res := catSearch(t, e, url.Values{"q": {q}}.Encode())
			if len(res.Items) == 0 || len(res.Corrections) == 0 {
				t.Errorf("typo %q: %d results, corrections %v", q, len(res.Items), res.Corrections)
			}
		}
		if res := catSearch(t, e, "q=chuongg+dong"); len(res.Items) != 1 || res.Items[0].ID != f.bell.ID {
			t.Errorf("chuongg dong = %v", catIDs(res.Items))
		}
		// Nothing near: no results, no correction.
		if res := catSearch(t, e, "q=qwxzv"); len(res.Items) != 0 || res.Total != 0 {
			t.Errorf("qwxzv = %v", catIDs(res.Items))
		}
		// The page says so, in the user's language.
		page := text(e.Anon().Get("/search?q=gom+bat+trnag"))
		if !strings.Contains(page, "đã tìm theo từ gần nhất") || !strings.Contains(page, "Bát gốm men lam Bát Tràng") {
			t.Errorf("typo page lacks the correction or the result")
		}
		// The search page finds the product by its name without diacritics.
		if page := text(e.Anon().Get("/search?q=bat+gom+men+lam")); !strings.Contains(page, fmt.Sprintf(`href="/products/%d"`, f.bowl.ID)) {
			t.Errorf("search page lacks the product link")
		}
		// Suggestions as you type.
		r := e.Anon().Get("/search/suggest?q=chuo")
		var sug []struct{ Label, URL string }
		if err := json.Unmarshal([]byte(r.Body), &sug); err != nil || len(sug) != 1 || sug[0].URL != fmt.Sprintf("/products/%d", f.bell.ID) {
			t.Errorf("suggest = %s (%v)", r.Body, err)
		}
	})
}

func TestCatalogueFacets(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := newCatFixture(t, e)
		all := []registry.Product{f.bowl, f.vase, f.bell, f.statue, f.tea, f.lotus, f.expired, f.revoked, f.plain}
		// Expected counts, computed from the fixture independently of SQL.
		want := map[string]map[string]int{"stars": {}, "group": {}, "commune": {}, "village": {}}
		communeOf := map[int64]string{f.gom.ID: "00577", f.dong.ID: "00004", f.tra.ID: "00070"}
		for _, x := range all {
			if s := f.stars[x.ID]; s != "" {
				want["stars"][s]++
				if s == "p5" {
					want["stars"]["4"]++
				}
			}
			want["group"][x.CategoryCode[:strings.Index(x.CategoryCode, ".")]]++
			want["commune"][communeOf[x.ProducerID]]++
			if x.CraftVillageID != nil {
				want["village"][fmt.Sprint(*x.CraftVillageID)]++
			}
		}
		res := catSearch(t, e, "")
		if res.Total != len(all) {
			t.Fatalf("total = %d, want %d", res.Total, len(all))
		}
		for _, fc := range res.Facets {
			w, ok := want[fc.Key]
			if !ok {
				continue
			}
			got := map[string]int{}
			for _, v := range fc.Values {
				got[v.Value] = v.Count
			}
			if fmt.Sprint(got) != fmt.Sprint(w) {
				t.Errorf("facet %s = %v, want %v", fc.Key, got, w)
			}
		}
		// "5 sao": exactly the valid 5★ products (not the revoked one).
		res = catSearch(t, e, "stars=5")
		if !sameIDs(catIDs(res.Items), []int64{f.bowl.ID, f.tea.ID}) {
			t.Errorf("5 sao = %v", catIDs(res.Items))
		}
		// Facets combine; a facet's own counts ignore its own filter.
		res = catSearch(t, e, fmt.Sprintf("stars=5&village=%d", f.batTrang.ID))
		if !sameIDs(catIDs(res.Items), []int64{f.bowl.ID}) {
			t.Errorf("5 sao in Bát Tràng = %v", catIDs(res.Items))
		}
		for _, fc := range res.Facets {
			if fc.Key == "stars" {
				got := map[string]int{}
				for _, v := range fc.Values {
					got[v.Value] = v.Count
				}
				if got["5"] != 1 || got["p5"] != 1 || got["4"] != 1 {
					t.Errorf("stars within Bát Tràng = %v", got)
				}
			}
		}
		res = catSearch(t, e, "group=I&stars=3")
		if !sameIDs(catIDs(res.Items), []int64{f.lotus.ID}) {
			t.Errorf("group I, 3 sao = %v", catIDs(res.Items))
		}
		res = catSearch(t, e, "commune=00004")
		if !sameIDs(catIDs(res.Items), []int64{f.bell.ID, f.statue.ID, f.plain.ID}) {
			t.Errorf("commune 00004 = %v", catIDs(res.Items))
		}
		// With search text (counted in Go from the snapshot): the same
		// semantics.
		res = catSearch(t, e, "q=dong&stars=4")
		if !sameIDs(catIDs(res.Items), []int64{f.bell.ID}) || res.Total != 1 {
			t.Errorf("dong, 4 sao = %v", catIDs(res.Items))
		}
		for _, fc := range res.Facets {
			got := map[string]int{}
			for _, v := range fc.Values {
				got[v.Value] = v.Count
			}
			switch fc.Key {
			case "stars": // its own filter ignored: the 3★ statue counts
				if fmt.Sprint(got) != fmt.Sprint(map[string]int{"3": 1, "4": 1}) {
					t.Errorf("dong stars facet = %v", got)
				}
			case "village":
				if fmt.Sprint(got) != fmt.Sprint(map[string]int{fmt.Sprint(f.nguXa.ID): 1}) {
					t.Errorf("dong village facet = %v", got)
				}
			}
		}
		// Revoking a certificate takes the product out of its star at once.
		if _, err := e.App.DB.ExecContext(e.Ctx(), "UPDATE certificates SET revoked_on = '2026-11-01', version = version + 1 WHERE product_id = ?", f.tea.ID); err != nil {
			t.Fatal(err)
		}
		if res := catSearch(t, e, "stars=5"); !sameIDs(catIDs(res.Items), []int64{f.bowl.ID}) {
			t.Errorf("after revocation 5 sao = %v", catIDs(res.Items))
		}
		// The page: facet links are shareable URLs; the filter shows.
		page := e.Anon().Get("/search?stars=5")
		if page.Status != 200 || !strings.Contains(text(page), "1 sản phẩm") {
			t.Errorf("5 sao page: %d", page.Status)
		}
		// Home: numbers by star and the 5★ products.
		home := text(e.Anon().Get("/"))
		if !strings.Contains(home, "Bát gốm men lam Bát Tràng") || !strings.Contains(home, `href="/search?stars=5"`) {
			t.Errorf("home lacks the 5★ product or the star links")
		}
	})
}

func TestCatalogueBadInput(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		newCatFixture(t, e)
		c := e.Anon()
		for _, tc := range []struct{ name, path, want string }{
			{"huge page", "/search?page=99999999999999", "Số trang không hợp lệ"},
			{"page past the end", "/search?page=500", "Số trang không hợp lệ"},
			{"negative page", "/search?page=-3", "Số trang không hợp lệ"},
			{"unknown facets", "/search?stars=9&group=ZZZ&commune=abc&district=<b>&village=x&sort=evil", "bộ lọc trong địa chỉ không hợp lệ"},
			{"script", "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "Không có sản phẩm nào phù hợp"},
			{"overlong", "/search?q=" + strings.Repeat("gom+", 400), "quá dài"},
			{"symbols only", "/search?q=%25%25%25%21%21", "Không có sản phẩm nào phù hợp"},
			{"fts syntax", "/search?q=%22gom%22+OR+NEAR(x)+*+-bat", ""},
			{"nul", "/search?q=gom%00bat", ""},
			{"bad utf8", "/search?q=%C3%28", ""},
			{"map bad point", "/map?lat=abc&lon=999", "Vị trí không hợp lệ"},
			{"map filters", "/map?stars=5&q=%3Cx%3E", ""},
			{"markers absurd", "/map/markers.geojson?q=%22%22%22&page=-1", ""},
			{"suggest script", "/search/suggest?q=%3Cscript%3E", ""},
			{"sitemap absurd", "/sitemaps/99999999999.xml", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := c.Get(tc.path)
				if r.Status >= 500 {
					t.Fatalf("%s: %d", tc.path, r.Status)
				}
				if strings.Contains(r.Body, "<script>alert(1)") || strings.Contains(r.Body, "<b>") || strings.Contains(r.Body, "<x>") {
					t.Errorf("input reflected unescaped")
				}
				if tc.want != "" && !strings.Contains(text(r), tc.want) {
					t.Errorf("%s lacks %q", tc.path, tc.want)
				}
			})
		}
		// The API refuses bad parameters with a problem document.
		for _, p := range []string{"stars=9", "page=abc", "group=ZZ", "q=" + strings.Repeat("x", 300)} {
			r := e.API("GET", "/api/v1/catalogue/products?"+p, "", nil)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Header.Get("Content-Type"), "problem+json") {
				t.Errorf("API %s: %d %s", p, r.Status, r.Header.Get("Content-Type"))
			}
		}
		for _, p := range []string{"lat=91&lon=0", "lat=x&lon=1", "lat=21&lon=105&n=99", ""} {
			if r := e.API("GET", "/api/v1/catalogue/nearest-villages?"+p, "", nil); r.Status != http.StatusUnprocessableEntity {
				t.Errorf("nearest %s: %d", p, r.Status)
			}
		}
		// Unknown records are 404 pages, not errors.
		for _, p := range []string{"/products/999999", "/products/abc", "/producers/0", "/villages/-1", "/media/zz/w/320"} {
			if r := c.Get(p); r.Status != http.StatusNotFound {
				t.Errorf("%s: %d", p, r.Status)
			}
		}
	})
}

func TestCatalogueProductPage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := newCatFixture(t, e)
		c := e.Anon()
		r := c.Get(fmt.Sprintf("/products/%d", f.bowl.ID))
		if r.Status != 200 {
			t.Fatalf("product page: %d", r.Status)
		}
		body := text(r)
		for _, want := range []string{"Bát gốm men lam Bát Tràng", "1/GCN-OCOP-01-2025", "Còn hiệu lực", "/certificates/1-GCN-OCOP-01-2025",
			"HTX Gốm sứ Bát Tràng", "Làng gốm Bát Tràng", `data-lat="20.976"`, `property="og:title"`, `rel="canonical"`, `hreflang="en"`,
			"Bát vẽ tay men lam.", "Lọ gốm men rạn" /* related */} {
			if !strings.Contains(body, want) {
				t.Errorf("product page lacks %q", want)
			}
		}
		// JSON-LD: a Product with its certification and its maker.
		m := regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(r.Body)
		if m == nil {
			t.Fatal("no JSON-LD")
		}
		var ld struct {
			Type         string `json:"@type"`
			Name         string
			SKU          string
			Manufacturer struct {
				Type string `json:"@type"`
				Name string
			}
			HasCertification struct {
				Type   string `json:"@type"`
				ID     string `json:"certificationIdentification"`
				Rating struct {
					Value int `json:"ratingValue"`
				} `json:"certificationRating"`
			}
		}
		if err := json.Unmarshal([]byte(m[1]), &ld); err != nil {
			t.Fatalf("JSON-LD: %v\n%s", err, m[1])
		}
		if ld.Type != "Product" || ld.Name != "Bát gốm men lam Bát Tràng" || ld.SKU != f.bowl.Code || ld.Manufacturer.Type != "Organization" ||
			ld.Manufacturer.Name != "HTX Gốm sứ Bát Tràng" || ld.HasCertification.Type != "Certification" || ld.HasCertification.ID != "1/GCN-OCOP-01-2025" ||
			ld.HasCertification.Rating.Value != 5 {
			t.Errorf("JSON-LD = %+v", ld)
		}
		// English keeps the page and translates it; content falls back to
		// Vietnamese where there is no English text.
		en := text(c.Get(fmt.Sprintf("/products/%d?lang=en", f.bowl.ID)))
		for _, want := range []string{`lang="en"`, "Bat Trang blue glaze bowl", "Certificate no.", "Valid", "Bat Trang pottery village", "only available in Vietnamese"} {
			if !strings.Contains(en, want) {
				t.Errorf("English page lacks %q", want)
			}
		}
		// The language stays for the next pages (cookie).
		if p := text(c.Get("/search?q=tra")); !strings.Contains(p, `lang="en"`) || !strings.Contains(p, "West Lake lotus tea") {
			t.Errorf("language not kept across pages")
		}
		c.Get("/?lang=vi")
		// A revoked certificate is shown as such, never as valid.
		rv := text(c.Get(fmt.Sprintf("/products/%d", f.revoked.ID)))
		if !strings.Contains(rv, "Đã thu hồi") || strings.Contains(rv, `"hasCertification"`) {
			t.Errorf("revoked product page wrong")
		}
		// Producer and craft-village pages.
		pp := text(c.Get(fmt.Sprintf("/producers/%d", f.gom.ID)))
		if !strings.Contains(pp, "HTX Gốm sứ Bát Tràng") || !strings.Contains(pp, "Lọ gốm men rạn") || !strings.Contains(pp, "0243 000 000") {
			t.Errorf("producer page")
		}
		vp := text(c.Get(fmt.Sprintf("/villages/%d", f.batTrang.ID)))
		if !strings.Contains(vp, "Làng gốm nghìn năm tuổi") || !strings.Contains(vp, "Được công nhận năm 1958") || !strings.Contains(vp, "Bát gốm men lam") {
			t.Errorf("village page")
		}
		// A draft product is not public.
		if _, err := e.App.DB.ExecContext(e.Ctx(), "UPDATE products SET status = 'draft' WHERE id = ?", f.plain.ID); err != nil {
			t.Fatal(err)
		}
		if r := c.Get(fmt.Sprintf("/products/%d", f.plain.ID)); r.Status != http.StatusNotFound {
			t.Errorf("draft product: %d", r.Status)
		}
	})
}

func TestCatalogueMapAndSitemap(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := newCatFixture(t, e)
		c := e.Anon()
		if r := c.Get("/map"); r.Status != 200 || !strings.Contains(r.Body, "leaflet.js") || !strings.Contains(r.Body, "markers.geojson") {
			t.Fatalf("map page: %d", r.Status)
		}
		var fc struct {
			Type     string
			Features []struct {
				Geometry   struct{ Coordinates []float64 }
				Properties struct {
					Kind     string
					ID       int64
					Products int
				}
			}
		}
		r := c.Get("/map/markers.geojson?stars=5")
		if err := json.Unmarshal([]byte(r.Body), &fc); err != nil || fc.Type != "FeatureCollection" {
			t.Fatalf("markers: %v %s", err, r.Body)
		}
		kinds := map[string]int{}
		for _, x := range fc.Features {
			kinds[x.Properties.Kind]++
		}
		// 5★: the pottery co-operative and the tea co-operative; Bát Tràng village.
		if kinds["producer"] != 2 || kinds["village"] != 1 {
			t.Errorf("5★ markers = %v", kinds)
		}
		// Near me: computed by the server from lat/lon.
		r = e.API("GET", "/api/v1/catalogue/nearest-villages?lat=20.98&lon=105.91&n=2", "", nil)
		var near struct{ Items []catalogue.Nearby }
		r.JSON(t, &near)
		if len(near.Items) != 2 || near.Items[0].ID != f.batTrang.ID || near.Items[0].KM > 1 || near.Items[1].ID != f.nguXa.ID {
			t.Errorf("nearest = %+v", near.Items)
		}
		if p := text(c.Get("/map?lat=21.047&lon=105.84")); !strings.Contains(p, "Làng nghề gần nhất") || !strings.Contains(p, fmt.Sprintf("/villages/%d", f.nguXa.ID)) {
			t.Errorf("map page lacks the nearest village")
		}
		// Sitemap and robots.
		idx := c.Get("/sitemap.xml")
		if idx.Status != 200 || !strings.Contains(idx.Body, "/sitemaps/1.xml") {
			t.Fatalf("sitemap index: %s", idx.Body)
		}
		sm := c.Get("/sitemaps/1.xml").Body
		for _, want := range []string{fmt.Sprintf("/products/%d</loc>", f.bowl.ID), fmt.Sprintf("/products/%d?lang=en</loc>", f.bowl.ID),
			fmt.Sprintf("/producers/%d</loc>", f.gom.ID), fmt.Sprintf("/villages/%d</loc>", f.nguXa.ID), `hreflang="en"`} {
			if !strings.Contains(sm, want) {
				t.Errorf("sitemap lacks %s", want)
			}
		}
		if rb := c.Get("/robots.txt").Body; !strings.Contains(rb, "Sitemap: ") || !strings.Contains(rb, "Disallow: /admin") {
			t.Errorf("robots.txt = %s", rb)
		}
	})
}

func TestCatalogueImageVariants(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := newCatFixture(t, e)
		src := image.NewRGBA(image.Rect(0, 0, 800, 600))
		for y := 0; y < 600; y++ {
			for x := 0; x < 800; x++ {
				src.Set(x, y, color.RGBA{uint8(x), uint8(y), 90, 255})
			}
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, src); err != nil {
			t.Fatal(err)
		}
		img, err := e.App.Registry.AddImage(e.Ctx(), e.Admin(), f.bowl.ID, &buf, "Bát men lam")
		if err != nil {
			t.Fatal(err)
		}
		c := e.Anon()
		for _, w := range []int{160, 320, 640, 1024} {
			r := c.Get(fmt.Sprintf("/media/%s/w/%d", img.Hash, w))
			if r.Status != 200 || r.Header.Get("Content-Type") != "image/jpeg" {
				t.Fatalf("w%d: %d %s", w, r.Status, r.Header.Get("Content-Type"))
			}
			cfg, err := jpeg.DecodeConfig(strings.NewReader(r.Body))
			if err != nil {
				t.Fatal(err)
			}
			want := min(w, 800) // never enlarged
			if cfg.Width != want || cfg.Height != want*3/4 {
				t.Errorf("w%d: %dx%d", w, cfg.Width, cfg.Height)
			}
		}
		if r := c.Get("/media/" + img.Hash + "/w/333"); r.Status != http.StatusNotFound {
			t.Errorf("odd width: %d", r.Status)
		}
		// The product page and the lists use the variants, lazily.
		page := c.Get(fmt.Sprintf("/products/%d", f.vase.ID)).Body
		if !strings.Contains(page, "/media/"+img.Hash+"/w/320") || !strings.Contains(page, `loading="lazy"`) {
			t.Errorf("related card lacks the resized, lazy photo")
		}
		// Photos of a product that is not public are not served resized.
		if _, err := e.App.DB.ExecContext(e.Ctx(), "UPDATE products SET status = 'draft' WHERE id = ?", f.bowl.ID); err != nil {
			t.Fatal(err)
		}
		if r := c.Get("/media/" + img.Hash + "/w/640"); r.Status != http.StatusNotFound {
			t.Errorf("draft product's photo: %d", r.Status)
		}
	})
}
