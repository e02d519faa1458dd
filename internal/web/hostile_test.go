package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/registry"
)

// Payloads every text field is tried with: markup and script in each HTML
// context (element, attribute, script, URL), and SQL metacharacters.
var hostile = []string{
	`<script>alert("x1")</script>`,
	`"><img src=x onerror=alert("x2")>`,
	`</script><script>alert("x3")</script>`,
	`javascript:alert("x4")`,
	`'; DROP TABLE products; --`,
	`Robert'); DELETE FROM producers WHERE ('1'='1`,
}

// rawMarkers are substrings that appear only if a payload was written
// into a page unescaped.
var rawMarkers = []string{`<script>alert(`, `<img src=x onerror`, `href="javascript:`, `src="javascript:`}

// TestHostileTextIsInert stores records whose every text field carries
// hostile payloads, then renders every page, list, search, export and API
// answer that shows them, in both languages, as the public, an officer and
// the producer. No payload may come back as live markup, no request may
// fail, and the SQL payloads must be stored and shown as plain text.
func TestHostileTextIsInert(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		admin := e.Admin()
		var products []registry.Product
		var producers []registry.Producer
		var villages []registry.CraftVillage
		for i, h := range hostile {
			v, err := e.App.Registry.CreateCraftVillage(e.Ctx(), admin, registry.CraftVillageInput{Name: "Làng " + h, NameEn: h,
				CommuneCode: "00577", Crafts: h, Description: h})
			if err != nil {
				t.Fatalf("village %d: %v", i, err)
			}
			villages = append(villages, v)
			pr, err := e.App.Registry.CreateProducer(e.Ctx(), admin, registry.ProducerInput{Kind: registry.KindCooperative,
				Name: "HTX " + h, Representative: h, CommuneCode: "00577", AddressLine: h, Description: h})
			if err != nil {
				t.Fatalf("producer %d: %v", i, err)
			}
			producers = append(producers, pr)
			p, err := e.App.Registry.CreateProduct(e.Ctx(), admin, registry.ProductInput{ProducerID: pr.ID, Name: "Gốm " + h, NameEn: h,
				CategoryCode: "IV.1", Brand: h, Description: h, DescriptionEn: h, Ingredients: h, RawMaterialArea: h, CraftVillageID: &v.ID})
			if err != nil {
				t.Fatalf("product %d: %v", i, err)
			}
			products = append(products, p)
		}
		var n int
		if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT COUNT(*) FROM products").Scan(&n); err != nil || n != len(hostile) {
			t.Fatalf("products after SQL payloads: %d, %v", n, err)
		}

		paths := []string{"/", "/search?q=" + url.QueryEscape(hostile[0]), "/search?q=gom", "/map", "/map/markers.geojson",
			"/sitemap.xml", "/admin/products", "/admin/producers", "/admin/villages", "/admin/products?q=gom",
			"/api/v1/products?q=gom", "/api/v1/producers", "/api/v1/craft-villages",
			"/admin/export/products.csv", "/admin/export/producers.csv"}
		for _, q := range hostile {
			paths = append(paths, "/search?q="+url.QueryEscape(q), "/admin/products?q="+url.QueryEscape(q), "/api/v1/products?q="+url.QueryEscape(q))
		}
		for i := range products {
			paths = append(paths, "/products/"+itoa(products[i].ID), "/producers/"+itoa(producers[i].ID), "/villages/"+itoa(villages[i].ID),
				"/admin/products/"+itoa(products[i].ID), "/admin/producers/"+itoa(producers[i].ID), "/admin/villages/"+itoa(villages[i].ID),
				"/admin/products/"+itoa(products[i].ID)+"/edit", "/api/v1/products/"+itoa(products[i].ID))
		}
		clients := map[string]*apptest.Client{"anon": e.Anon(), "office": e.Session(e.User(account.RoleOffice)),
			"commune": e.Session(e.User(account.RoleCommune, "00577")), "producer": e.Session(e.ProducerUser(producers[0].ID))}
		seen := 0
		for who, c := range clients {
			for _, lang := range []string{"vi", "en"} {
				for _, p := range paths {
					sep := "?"
					if strings.Contains(p, "?") {
						sep = "&"
					}
					r := c.Get(p + sep + "lang=" + lang)
					if r.Status >= 500 {
						t.Errorf("%s GET %s: %d", who, p, r.Status)
						continue
					}
					if r.Status != http.StatusOK {
						continue // not this role's page: the authorization table covers it
					}
					seen++
					ct := r.Header.Get("Content-Type")
					if !strings.HasPrefix(ct, "text/html") {
						continue // JSON, CSV, XML: escaped by their encoders; not rendered as HTML
					}
					for _, m := range rawMarkers {
						if strings.Contains(r.Body, m) {
							i := strings.Index(r.Body, m)
							t.Errorf("%s GET %s (%s): live markup %q: …%s…", who, p, lang, m, r.Body[max(0, i-80):min(len(r.Body), i+80)])
						}
					}
				}
			}
		}
		if seen < len(paths) {
			t.Fatalf("only %d pages answered 200: the test would prove little", seen)
		}
		// The SQL payloads are text: the records are still all there.
		if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT COUNT(*) FROM producers").Scan(&n); err != nil || n < len(hostile) {
			t.Fatalf("producers after rendering: %d, %v", n, err)
		}
	})
}
