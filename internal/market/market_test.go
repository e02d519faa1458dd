package market_test

import (
	"math"
	"strings"
	"testing"

	"ocop/internal/apperr"
	"ocop/internal/evaluation"
	"ocop/internal/market"
)

// TestCheckStorefrontURL reads like the rule: https only, and the host is
// the marketplace's domain or a subdomain of it ("own" is any other public
// host); look-alike domains are refused.
func TestCheckStorefrontURL(t *testing.T) {
	for _, tt := range []struct {
		mp, url, want string // want: normalised URL, or the error key
	}{
		{"shopee", "https://shopee.vn/abc-i.1.2", "https://shopee.vn/abc-i.1.2"},
		{"shopee", "https://SHOPEE.VN/abc#frag", "https://shopee.vn/abc"},
		{"lazada", "https://www.lazada.vn/products/x.html", "https://www.lazada.vn/products/x.html"},
		{"tiktok", "https://shop.tiktok.com/view/product/1", "https://shop.tiktok.com/view/product/1"},
		{"own", "https://langgom.vn/binh", "https://langgom.vn/binh"},
		{"shopee", "https://shopee.vn.evil.com/x", "market.err_url_wrong_host"},
		{"shopee", "https://evilshopee.vn/x", "market.err_url_wrong_host"},
		{"tiki", "https://lazada.vn/x", "market.err_url_wrong_host"},
		{"tiki", "http://tiki.vn/x", "market.err_url_https"},
		{"tiki", "ftp://tiki.vn/x", "market.err_url_https"},
		{"own", "https://m.shopee.vn/x", "market.err_url_own_is_marketplace"},
		{"voso", "https://user@voso.vn/x", "market.err_url_host_other"},
		{"voso", "https://voso.vn:444/x", "market.err_url_host_other"},
		{"own", "https://127.0.0.1/x", "market.err_url_host_other"},
		{"own", "https://localhost/x", "market.err_url_host_other"},
		{"postmart", "", "err.required"},
		{"postmart", "postmart.vn/x", "err.url_format"},
		{"ebay", "https://ebay.com/x", "market.err_marketplace"},
	} {
		got, err := market.CheckStorefrontURL(tt.mp, tt.url)
		if err != nil {
			e := apperr.As(err)
			got = e.Fields[0].Key
		}
		if got != tt.want {
			t.Errorf("%s %q: got %q, want %q", tt.mp, tt.url, got, tt.want)
		}
	}
}

// FuzzCheckStorefrontURL: whatever the input, an accepted URL is https and
// its host belongs to the claimed marketplace.
func FuzzCheckStorefrontURL(f *testing.F) {
	for _, s := range []string{"https://shopee.vn/x", "https://shopee.vn.evil.com", "http://tiki.vn", "https://a@b.vn:1/", "%zz"} {
		f.Add("shopee", s)
	}
	f.Fuzz(func(t *testing.T, mp, raw string) {
		u, err := market.CheckStorefrontURL(mp, raw)
		if err != nil {
			return
		}
		if !strings.HasPrefix(u, "https://") {
			t.Fatalf("accepted %q", u)
		}
		host := strings.SplitN(strings.TrimPrefix(u, "https://"), "/", 2)[0]
		got := market.MarketplaceOf(host)
		if (mp == "own") != (got == "") || (mp != "own" && got != mp) {
			t.Fatalf("%s accepted %q (host %q of %q)", mp, u, host, got)
		}
	})
}

func TestInVietnam(t *testing.T) {
	for _, tt := range []struct {
		lat, lng float64
		want     bool
	}{
		{21.0288, 105.8525, true}, {10.77, 106.70, true}, {8.6, 106.6, true}, // Hà Nội, TP HCM, Côn Đảo
		{48.85, 2.35, false}, {21.0, -105.85, false}, {math.NaN(), 105, false}, {0, 0, false},
	} {
		if got := market.InVietnam(tt.lat, tt.lng); got != tt.want {
			t.Errorf("InVietnam(%v, %v) = %v", tt.lat, tt.lng, got)
		}
	}
}

func TestDistanceKM(t *testing.T) {
	// Hoàn Kiếm lake to Nội Bài airport: about 22.8 km as the crow flies.
	if d := market.DistanceKM(21.0288, 105.8525, 21.2187, 105.8042); d < 21.5 || d > 22.5 {
		t.Errorf("distance %v km", d)
	}
	if d := market.DistanceKM(21, 105, 21, 105); d != 0 {
		t.Errorf("zero distance %v", d)
	}
}

func TestValidOn(t *testing.T) {
	day, _ := evaluation.ParseDate("2026-11-22")
	for _, tt := range []struct {
		from, until string
		want        bool
	}{
		{"2026-01-01", "2026-11-22", true}, {"2026-11-22", "", true}, {"2026-11-23", "", false},
		{"2020-01-01", "2026-11-21", false},
	} {
		if got := market.ValidOn(tt.from, tt.until, day); got != tt.want {
			t.Errorf("ValidOn(%s, %s) = %v", tt.from, tt.until, got)
		}
	}
}

// TestMerchantItemsLimits: titles, descriptions and ids are cut to
// Google's limits in characters (not bytes), products without photo or
// price are left out.
func TestMerchantItemsLimits(t *testing.T) {
	long := strings.Repeat("Gốm sứ Bát Tràng men lam ", 20)
	ps := []market.FeedProduct{
		{Code: strings.Repeat("X", 60), Name: long, Description: strings.Repeat("ế", 6000), ImageURL: "https://x/m", PriceVND: 1000, URL: "https://x/p"},
		{Code: "A", Name: "No photo", PriceVND: 1000},
		{Code: "B", Name: "No price", ImageURL: "https://x/m"},
	}
	items, skipped := market.MerchantItems(ps, "vi")
	if len(items) != 1 || skipped != 2 {
		t.Fatalf("%d items, %d skipped", len(items), skipped)
	}
	it := items[0]
	for name, tt := range map[string]struct {
		v   string
		max int
	}{"id": {it.ID, market.MerchantIDMax}, "title": {it.Title, market.MerchantTitleMax}, "description": {it.Description, market.MerchantDescriptionMax}} {
		if n := len([]rune(tt.v)); n > tt.max {
			t.Errorf("%s: %d characters, limit %d", name, n, tt.max)
		}
	}
	if it.Price != "1000.00 VND" || it.IdentifierExists != "no" || it.Condition != "new" {
		t.Errorf("item: %+v", it)
	}
}
