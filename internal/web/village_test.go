package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/registry"
)

var villageLoc = regexp.MustCompile(`^/admin/villages/(\d+)$`)

func mustCreateVillage(t *testing.T, e *apptest.Env, c *apptest.Client, form url.Values) registry.CraftVillage {
	t.Helper()
	r := c.PostForm("/admin/villages", form)
	m := villageLoc.FindStringSubmatch(r.Location())
	if r.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("create village: status %d, location %q\n%s", r.Status, r.Location(), r.Body)
	}
	v, err := e.App.Registry.CraftVillage(e.Ctx(), mustID(t, m[1]))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestVillagePages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		office := e.Login(e.User(account.RoleOffice))
		v := mustCreateVillage(t, e, office, url.Values{
			"name": {"Làng gốm Bát Tràng"}, "crafts": {"gốm sứ"}, "commune_code": {"00577"}, "legacy_commune_code": {"00583"},
			"recognised": {"on"}, "recognised_year": {"2005"}, "latitude": {"20,975"}, "longitude": {"105.912"},
		})
		if v.CommuneCode != "00577" || v.LegacyDistrictCode != "018" || !v.Recognised || v.RecognisedYear == nil || *v.RecognisedYear != 2005 {
			t.Errorf("saved village: %+v", v)
		}
		plain := mustCreateVillage(t, e, office, url.Values{"name": {"Làng lụa Vạn Phúc"}, "crafts": {"dệt lụa"}, "commune_code": {"00004"}})
		pr := e.Producer("HTX Gốm Bát Tràng", "00577")
		x, err := e.App.Registry.CreateProduct(e.Ctx(), e.Admin(), registry.ProductInput{ProducerID: pr.ID, Name: "Bình gốm men lam", CategoryCode: "IV.1", CraftVillageID: &v.ID})
		if err != nil {
			t.Fatal(err)
		}

		// Everyone signed in reads the list and the pages.
		buyer := e.Login(e.User(account.RoleBuyer))
		for _, tt := range []struct {
			query     string
			has, hasn string
		}{
			{"", "Làng gốm Bát Tràng", ""},
			{"?q=" + url.QueryEscape("lang gom bat trang"), "Làng gốm Bát Tràng", "Làng lụa Vạn Phúc"},
			{"?q=" + url.QueryEscape("dệt"), "Làng lụa Vạn Phúc", "Làng gốm Bát Tràng"},
			{"?commune=00004", "Làng lụa Vạn Phúc", "Làng gốm Bát Tràng"},
			{"?district=018", "Làng gốm Bát Tràng", "Làng lụa Vạn Phúc"},
			{"?recognised=yes", "Làng gốm Bát Tràng", "Làng lụa Vạn Phúc"},
			{"?recognised=no", "Làng lụa Vạn Phúc", "Làng gốm Bát Tràng"},
		} {
			r := buyer.Get("/admin/villages" + tt.query)
			if r.Status != 200 || !strings.Contains(r.Body, tt.has) || tt.hasn != "" && strings.Contains(r.Body, tt.hasn) {
				t.Errorf("list %q: status %d, want %q and not %q", tt.query, r.Status, tt.has, tt.hasn)
			}
		}
		// The list counts the products of each village.
		if r := buyer.Get("/admin/villages?district=018"); !strings.Contains(r.Body, `<a href="/admin/products?village=`+itoa(v.ID)+`">1</a>`) {
			t.Errorf("list: product count of the village missing")
		}
		r := office.Get("/admin/villages/" + itoa(v.ID))
		for _, want := range []string{"Làng gốm Bát Tràng", "gốm sứ", "Xã Bát Tràng", "Huyện Gia Lâm", "2005", "Bình gốm men lam", x.Code, "craft_village.create"} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("village page: missing %q (status %d)", want, r.Status)
			}
		}
		if r := buyer.Get("/admin/villages/" + itoa(v.ID)); r.Status != 200 || strings.Contains(r.Body, "craft_village.create") || strings.Contains(r.Body, "/edit") {
			t.Errorf("buyer's village page: status %d, want 200 without history or edit link", r.Status)
		}

		// Who may change what.
		mine := e.Login(e.User(account.RoleCommune, "00004"))
		owner := e.Login(e.ProducerUser(pr.ID))
		upd := func(x registry.CraftVillage, name string) url.Values {
			return url.Values{"name": {name}, "commune_code": {x.CommuneCode}, "version": {itoa(int64(x.Version))}}
		}
		for _, tt := range []struct {
			who    string
			c      *apptest.Client
			method string
			path   string
			form   url.Values
			want   int
		}{
			{"officer", mine, "GET", "/admin/villages/new", nil, 200},
			{"officer", mine, "GET", "/admin/villages/" + itoa(plain.ID) + "/edit", nil, 200},
			{"officer", mine, "GET", "/admin/villages/" + itoa(v.ID), nil, 200},
			{"officer", mine, "GET", "/admin/villages/" + itoa(v.ID) + "/edit", nil, 403},
			{"officer", mine, "POST", "/admin/villages/" + itoa(v.ID), upd(v, "Hijacked"), 403},
			{"owner", owner, "GET", "/admin/villages/" + itoa(v.ID), nil, 200},
			{"owner", owner, "GET", "/admin/villages/new", nil, 403},
			{"owner", owner, "POST", "/admin/villages", url.Values{"name": {"Hijacked"}, "commune_code": {"00577"}}, 403},
			{"owner", owner, "GET", "/admin/villages/" + itoa(v.ID) + "/edit", nil, 403},
			{"owner", owner, "POST", "/admin/villages/" + itoa(v.ID), upd(v, "Hijacked"), 403},
			{"buyer", buyer, "POST", "/admin/villages/" + itoa(v.ID), upd(v, "Hijacked"), 403},
			{"anonymous", e.Anon(), "GET", "/admin/villages", nil, http.StatusSeeOther},
			{"office", office, "GET", "/admin/villages/424242", nil, 404},
			{"office", office, "GET", "/admin/villages/abc/edit", nil, 404},
		} {
			var r *apptest.Response
			if tt.method == "GET" {
				r = tt.c.Get(tt.path)
			} else {
				r = tt.c.PostForm(tt.path, tt.form)
			}
			if r.Status != tt.want {
				t.Errorf("%s %s %s: status %d, want %d", tt.who, tt.method, tt.path, r.Status, tt.want)
			}
		}
		// A commune officer creates only in the own communes.
		if r := mine.PostForm("/admin/villages", url.Values{"name": {"Làng ngoài"}, "commune_code": {"00577"}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "không thuộc phạm vi") {
			t.Errorf("officer creates outside scope: status %d, want 422 with message", r.Status)
		}
		mustCreateVillage(t, e, mine, url.Values{"name": {"Làng bún Ngọc Hà"}, "commune_code": {"00004"}})
		// … and edits the own commune's village, with optimistic locking.
		if r := mine.PostForm("/admin/villages/"+itoa(plain.ID), upd(plain, "Làng lụa Vạn Phúc (Hà Đông)")); r.Status != http.StatusSeeOther {
			t.Fatalf("officer updates own village: status %d\n%s", r.Status, r.Body)
		}
		if r := mine.PostForm("/admin/villages/"+itoa(plain.ID), upd(plain, "Làng lụa")); r.Status != http.StatusConflict {
			t.Errorf("stale update: status %d, want 409", r.Status)
		}
		if n := count(t, e, "SELECT COUNT(*) FROM craft_villages WHERE name = 'Hijacked' OR name = 'Làng ngoài'"); n != 0 {
			t.Errorf("refused requests wrote %d villages", n)
		}
		// Renaming a village re-indexes its products for search.
		if r := office.PostForm("/admin/villages/"+itoa(v.ID), url.Values{"name": {"Làng cổ Bát Tràng"}, "commune_code": {"00577"}, "version": {itoa(int64(v.Version))}}); r.Status != http.StatusSeeOther {
			t.Fatalf("office renames village: status %d\n%s", r.Status, r.Body)
		}
		if r := office.Get("/admin/products?q=" + url.QueryEscape("lang co")); !strings.Contains(r.Body, "Bình gốm men lam") {
			t.Errorf("product not found by its village's new name")
		}
	})
}

func TestVillageFormErrors(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		c := e.Login(e.User(account.RoleOffice))
		for _, tt := range []struct {
			name string
			form url.Values
			want string
		}{
			{"missing name", url.Values{"commune_code": {"00004"}}, "Mục này là bắt buộc"},
			{"missing commune", url.Values{"name": {"Làng A"}}, "Hãy chọn xã/phường"},
			{"unknown commune", url.Values{"name": {"Làng A"}, "commune_code": {"99999"}}, "99999"},
			{"split old commune", url.Values{"name": {"Làng A"}, "legacy_commune_code": {"00583"}}, "đã được chia cho nhiều đơn vị mới"},
			{"bad year", url.Values{"name": {"Làng A"}, "commune_code": {"00004"}, "recognised": {"on"}, "recognised_year": {"1066"}}, "Năm không hợp lệ"},
			{"year not a number", url.Values{"name": {"Làng A"}, "commune_code": {"00004"}, "recognised_year": {"năm"}}, "Phải là một số"},
			{"outside Vietnam", url.Values{"name": {"Làng A"}, "commune_code": {"00004"}, "latitude": {"48.85"}, "longitude": {"2.35"}}, "ngoài lãnh thổ"},
			{"script in name is escaped", url.Values{"name": {"<script>alert(1)</script>"}}, "&lt;script&gt;"},
		} {
			r := c.PostForm("/admin/villages", tt.form)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, tt.want) {
				t.Errorf("%s: status %d, want 422 with %q", tt.name, r.Status, tt.want)
			}
			if strings.Contains(r.Body, "<script>alert") {
				t.Errorf("%s: unescaped script in page", tt.name)
			}
		}
		if n := count(t, e, "SELECT COUNT(*) FROM craft_villages"); n != 0 {
			t.Errorf("bad input wrote %d villages", n)
		}
		v := mustCreateVillage(t, e, c, url.Values{"name": {"<script>alert(1)</script>"}, "commune_code": {"00004"}})
		for _, path := range []string{"/admin/villages", "/admin/villages/" + itoa(v.ID), "/admin/villages/" + itoa(v.ID) + "/edit"} {
			if r := c.Get(path); r.Status != 200 || strings.Contains(r.Body, "<script>alert") {
				t.Errorf("%s: status %d, script not escaped", path, r.Status)
			}
		}
		for _, q := range []string{"q=" + url.QueryEscape(`"*)(`), "page=99999999999999", "recognised=maybe", "per_page=-1", "commune=%27"} {
			if r := c.Get("/admin/villages?" + q); r.Status != 200 {
				t.Errorf("GET /admin/villages?%s: status %d, want 200", q, r.Status)
			}
		}
	})
}
