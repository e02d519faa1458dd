package web_test

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"ocop/internal/apptest"
)

// axeSource is axe-core (npm axe-core 4.x, MPL-2.0), vendored for this test
// only: it is never served by the platform.
//
//go:embed testdata/axe.min.js
var axeSource string

// axeViolation is one rule axe-core found broken on a page.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// axeCheck runs axe-core (WCAG 2.1 A and AA rules) on the loaded page and
// fails the test on any serious or critical violation.
func axeCheck(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	var out string
	err := chromedp.Run(ctx,
		chromedp.Evaluate(axeSource, nil),
		chromedp.Evaluate(`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
			.then(r => JSON.stringify({violations: r.violations, passes: r.passes.length}))`, &out, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }),
	)
	if err != nil {
		t.Fatalf("axe on %s: %v", name, err)
	}
	var res struct {
		Violations []axeViolation
		Passes     int
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("axe result on %s: %v", name, err)
	}
	if res.Passes == 0 {
		t.Fatalf("axe on %s checked nothing", name)
	}
	vs := res.Violations
	t.Logf("axe on %s: %d rules passed, %d with findings of any impact", name, res.Passes, len(vs))
	for _, v := range vs {
		t.Logf("axe on %s: %s (%s)", name, v.ID, v.Impact)
		if v.Impact == "serious" || v.Impact == "critical" {
			var where []string
			for _, n := range v.Nodes {
				where = append(where, fmt.Sprint(n.Target))
			}
			t.Errorf("axe on %s: %s (%s): %s at %s", name, v.ID, v.Impact, v.Help, strings.Join(where, ", "))
		}
	}
}

// TestBrowserCatalogueJourney drives a phone-sized Chromium through the
// catalogue as a new user would: a search typed without diacritics, the
// "5 sao" filter, the product page (certificate, producer on a map), the
// map with clustered markers and "near me" from the browser's location;
// axe-core checks each page.
func TestBrowserCatalogueJourney(t *testing.T) {
	e := apptest.New(t, "sqlite")
	ctx := browser(t)
	f := newCatFixture(t, e)
	base := e.Server.URL

	var results string
	err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/?lang=vi"),
		chromedp.WaitVisible(`#q`),
	)
	if err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "home")
	err = chromedp.Run(ctx,
		chromedp.SendKeys(`#q`, "gom bat trang"),
		submitAndLoad(`#q`),
		chromedp.WaitVisible(`ol.results`),
		chromedp.Text(`main`, &results),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(results, "Bát gốm men lam Bát Tràng") || !strings.Contains(results, "Lọ gốm men rạn") {
		t.Fatalf("search without diacritics: %q", results)
	}
	axeCheck(t, ctx, "search")
	// Filter: 5 sao.
	err = chromedp.Run(ctx,
		chromedp.Click(`#facet-stars a[href*="stars=5"]`, chromedp.NodeVisible),
		chromedp.WaitVisible(`#facet-stars strong[aria-current]`),
		chromedp.Text(`ol.results`, &results),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(results, "Bát gốm men lam Bát Tràng") || strings.Contains(results, "Lọ gốm men rạn") {
		t.Fatalf("5 sao filter: %q", results)
	}
	// Product page: a valid certificate, the producer on a map.
	var product string
	err = chromedp.Run(ctx,
		chromedp.Click(`ol.results a`, chromedp.NodeVisible),
		chromedp.WaitVisible(`#certificate`),
		chromedp.WaitReady(`#origin-map.leaflet-container`),
		chromedp.Text(`main`, &product),
	)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"1/GCN-OCOP-01-2025", "Còn hiệu lực", "HTX Gốm sứ Bát Tràng", "Sản phẩm OCOP 5 sao"} {
		if !strings.Contains(product, want) {
			t.Errorf("product page lacks %q", want)
		}
	}
	axeCheck(t, ctx, "product")
	// English keeps the page.
	var title string
	err = chromedp.Run(ctx,
		chromedp.Click(`a[hreflang="en"]`, chromedp.NodeVisible),
		chromedp.WaitVisible(`html[lang="en"] #certificate`),
		chromedp.Text(`h1`, &title),
	)
	if err != nil {
		t.Fatal(err)
	}
	if title != "Bat Trang blue glaze bowl" {
		t.Errorf("English product title = %q", title)
	}
	// The map: markers from the GeoJSON, clustered; near me.
	var near string
	err = chromedp.Run(ctx,
		cdpbrowser.GrantPermissions([]cdpbrowser.PermissionType{cdpbrowser.PermissionTypeGeolocation}).WithOrigin(base),
		emulation.SetGeolocationOverride().WithLatitude(21.046).WithLongitude(105.841).WithAccuracy(20),
		chromedp.Navigate(base+"/map?lang=vi"),
		chromedp.WaitVisible(`#catalogue-map.leaflet-container`),
		chromedp.WaitVisible(`#catalogue-map .leaflet-marker-icon`),
		chromedp.Click(`#near-me`, chromedp.NodeVisible),
		chromedp.WaitVisible(`#near-result li`),
		chromedp.Text(`#near-result`, &near),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(near, f.nguXa.Name) {
		t.Errorf("near me: %q", near)
	}
	axeCheck(t, ctx, "map")
}
