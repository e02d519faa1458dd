package demo_test

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"ocop/internal/account"
	"ocop/internal/adminunit"
	"ocop/internal/apptest"
	"ocop/internal/demo"
	"ocop/internal/registry"
	"ocop/internal/stamp"
)

// TestLoad loads the demo data once per engine and checks it the way the
// platform and the later issues will use it.
func TestLoad(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx, a := e.Ctx(), e.App
		var progress bytes.Buffer
		res, err := demo.Load(ctx, a.DB, a.Ref, a.Accounts, a.Registry, demo.Options{Progress: &progress, Seed: 1, Now: e.Clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
		count := func(t *testing.T, q string, args ...any) int {
			t.Helper()
			var n int
			if err := a.DB.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}

		t.Run("result and progress", func(t *testing.T) {
			if res.Products != demo.TargetProducts || res.Villages != demo.TargetVillages || res.Users != 7 || len(res.Accounts) != 7 {
				t.Errorf("got %d products, %d villages, %d users (%d accounts), want %d, %d, 7, 7",
					res.Products, res.Villages, res.Users, len(res.Accounts), demo.TargetProducts, demo.TargetVillages)
			}
			if res.Producers < 1500 || res.Producers > 2000 {
				t.Errorf("got %d producers, want 1,500–2,000", res.Producers)
			}
			for _, want := range []string{"villages 1350/1350", fmt.Sprintf("producers %d/%d", res.Producers, res.Producers), "products 3317/3317"} {
				if !strings.Contains(progress.String(), want) {
					t.Errorf("progress %q lacks %q", progress.String(), want)
				}
			}
			for _, tt := range []struct {
				q    string
				want int
			}{
				{"SELECT COUNT(*) FROM products", demo.TargetProducts},
				{"SELECT COUNT(*) FROM producers", res.Producers},
				{"SELECT COUNT(*) FROM craft_villages", demo.TargetVillages},
				{"SELECT COUNT(*) FROM craft_villages WHERE recognised = TRUE AND recognised_year BETWEEN 2001 AND 2026", demo.TargetRecognised},
				{"SELECT COUNT(*) FROM craft_villages WHERE recognised = FALSE AND recognised_year IS NULL", demo.TargetVillages - demo.TargetRecognised},
				{"SELECT COUNT(*) FROM demo_plan", demo.TargetProducts},
				{"SELECT COUNT(*) FROM audit_log WHERE action = 'demo.load'", 1},
				{"SELECT COUNT(*) FROM products WHERE status <> 'active'", 0},
			} {
				if got := count(t, tt.q); got != tt.want {
					t.Errorf("%s: got %d, want %d", tt.q, got, tt.want)
				}
			}
		})

		t.Run("stamps verify as genuine", func(t *testing.T) {
			if res.Stamps != 10000 {
				t.Errorf("stamps: %d, want 10,000", res.Stamps)
			}
			if got := count(t, "SELECT COUNT(*) FROM stamps s JOIN stamp_batches b ON b.id = s.batch_id WHERE b.status = 'active'"); got != res.Stamps {
				t.Errorf("active stamps in the database: %d, want %d", got, res.Stamps)
			}
			// The demo producer's products come first: its account sees a batch.
			if got := count(t, `SELECT COUNT(*) FROM stamp_batches b JOIN producer_links l ON l.producer_id = b.producer_id
				JOIN users u ON u.id = l.user_id WHERE u.username = 'quangvinh'`); got == 0 {
				t.Error("the demo producer has no stamp batch")
			}
			v, err := a.Stamps.Verify(ctx, res.SampleSerial, stamp.Client{Fingerprint: "demo-test"})
			if err != nil || v.Verdict != stamp.VerdictGenuine || v.Product == nil {
				t.Fatalf("verify %s: %v, %+v", res.SampleSerial, err, v)
			}
		})

		t.Run("star plan", func(t *testing.T) {
			for _, tt := range []struct {
				star       int
				potential5 bool
				want       int
			}{
				{5, false, demo.TargetFiveStar}, {4, true, demo.TargetPotential5}, {4, false, demo.TargetFourStar}, {3, false, demo.TargetThreeStar},
			} {
				if got := count(t, "SELECT COUNT(*) FROM demo_plan WHERE star = ? AND potential5 = ?", tt.star, tt.potential5); got != tt.want {
					t.Errorf("star %d potential5 %v: got %d, want %d", tt.star, tt.potential5, got, tt.want)
				}
			}
			if got := count(t, "SELECT COUNT(*) FROM demo_plan WHERE first_year < 2019 OR first_year > 2026"); got != 0 {
				t.Errorf("got %d products first rated outside 2019–2026", got)
			}
			// The six real 5★ products of ocop-rules.md §5.3 are the 5★ ones.
			rows, err := a.DB.QueryContext(ctx, `SELECT pr.name FROM demo_plan d JOIN products p ON p.id = d.product_id
				JOIN producers pr ON pr.id = p.producer_id WHERE d.star = 5`)
			if err != nil {
				t.Fatal(err)
			}
			five := map[string]int{}
			for rows.Next() {
				var n string
				rows.Scan(&n)
				five[n]++
			}
			rows.Close()
			want := map[string]int{"Công ty TNHH Gốm sứ Quang Vinh": 4, "Công ty TNHH Dâu tằm tơ Mỹ Đức": 1, "HTX Sản xuất kinh doanh gốm sứ Tân Thịnh": 1}
			if fmt.Sprint(five) != fmt.Sprint(want) {
				t.Errorf("5★ producers: got %v, want %v", five, want)
			}
		})

		t.Run("kinds and categories", func(t *testing.T) {
			kinds := strs(t, e, "SELECT DISTINCT kind FROM producers")
			if want := slices.Sorted(slices.Values(registry.ProducerKinds)); !slices.Equal(kinds, want) {
				t.Errorf("producer kinds: got %v, want %v", kinds, want)
			}
			cats := strs(t, e, "SELECT DISTINCT category_code FROM products")
			var leaves []string
			for _, c := range a.Registry.Categories().Leaves() {
				leaves = append(leaves, c.Code)
			}
			sort.Strings(leaves)
			if len(leaves) != 26 || !slices.Equal(cats, leaves) {
				t.Errorf("categories: got %v, want the 26 leaves %v", cats, leaves)
			}
			if got := count(t, `SELECT COUNT(*) FROM products p JOIN producers pr ON pr.id = p.producer_id
				WHERE pr.kind IN ('association', 'federation', 'tourism_centre') AND p.category_code NOT LIKE 'VI%'`); got != 0 {
				t.Errorf("got %d non-tourism products of tourism-only producers, want 0", got)
			}
			if got := count(t, "SELECT COUNT(*) FROM producers WHERE kind IN ('association', 'federation', 'tourism_centre')"); got < 3 || got > 20 {
				t.Errorf("got %d tourism-only producers, want a few", got)
			}
			if got := count(t, "SELECT COUNT(*) FROM producers p WHERE NOT EXISTS (SELECT 1 FROM products x WHERE x.producer_id = p.id)"); got != 0 {
				t.Errorf("got %d producers without products, want 0", got)
			}
			for _, q := range []string{"SELECT COUNT(*) FROM producers WHERE women_led = TRUE", "SELECT COUNT(*) FROM producers WHERE ethnic_minority_led = TRUE"} {
				if got := count(t, q); got < 10 || got > res.Producers/2+100 {
					t.Errorf("%s: got %d, want some but not all", q, got)
				}
			}
			linked := count(t, "SELECT COUNT(*) FROM products WHERE craft_village_id IS NOT NULL")
			if share := float64(linked) / demo.TargetProducts; share < 0.25 || share > 0.38 {
				t.Errorf("got %.0f%% of products in craft villages, want about 30%%", share*100)
			}
		})

		t.Run("addresses in Hanoi and consistent with the mapping", func(t *testing.T) {
			for _, table := range []string{"producers", "craft_villages"} {
				if got := count(t, "SELECT COUNT(*) FROM "+table+" x JOIN wards w ON w.code = x.commune_code WHERE w.province_code <> '01'"); got != 0 {
					t.Errorf("%s: got %d outside Hanoi, want 0", table, got)
				}
				if got := count(t, "SELECT COUNT(*) FROM "+table+" WHERE legacy_district_code IS NULL"); got != 0 {
					t.Errorf("%s: got %d without an old district, want 0", table, got)
				}
				if got := count(t, "SELECT COUNT(*) FROM "+table+` WHERE latitude NOT BETWEEN 20.5 AND 21.4 OR longitude NOT BETWEEN 105.2 AND 106.1`); got != 0 {
					t.Errorf("%s: got %d points outside Hanoi, want 0", table, got)
				}
				rows, err := a.DB.QueryContext(ctx, "SELECT commune_code, COALESCE(legacy_district_code, ''), COALESCE(legacy_commune_code, '') FROM "+table)
				if err != nil {
					t.Fatal(err)
				}
				n, withOldCommune := 0, 0
				for rows.Next() {
					var in adminunit.Address
					if err := rows.Scan(&in.CommuneCode, &in.LegacyDistrictCode, &in.LegacyCommuneCode); err != nil {
						t.Fatal(err)
					}
					n++
					if in.LegacyCommuneCode != "" {
						withOldCommune++
					}
					out, err := a.Ref.Units.Resolve(in)
					if err != nil || out != in {
						t.Errorf("%s: Resolve(%+v) = %+v, %v; want it accepted unchanged", table, in, out, err)
						break
					}
				}
				rows.Close()
				if withOldCommune < n-5 {
					t.Errorf("%s: %d of %d have an old commune, want nearly all", table, withOldCommune, n)
				}
			}
		})

		t.Run("codes, GTINs and registration numbers", func(t *testing.T) {
			rows, err := a.DB.QueryContext(ctx, `SELECT p.code, COALESCE(p.gtin, ''), pr.commune_code, d.first_year
				FROM products p JOIN producers pr ON pr.id = p.producer_id JOIN demo_plan d ON d.product_id = p.id`)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			gtins := 0
			for rows.Next() {
				var code, gtin, commune string
				var year int
				rows.Scan(&code, &gtin, &commune, &year)
				prov, com, _, y, err := registry.ParseProductCode(code)
				if err != nil || !codeRe.MatchString(code) || prov != "01" || com != commune || y != year || seen[code] {
					t.Errorf("code %s (commune %s, first year %d): parsed %s %s %d %v, duplicate %v", code, commune, year, prov, com, y, err, seen[code])
				}
				seen[code] = true
				if gtin != "" {
					gtins++
					if err := registry.ValidGTIN13(gtin); err != nil || !strings.HasPrefix(gtin, "893") {
						t.Errorf("GTIN %s: %v, want a valid GTIN-13 with prefix 893", gtin, err)
					}
				}
			}
			rows.Close()
			if gtins < 100 || gtins > demo.TargetProducts/2 {
				t.Errorf("got %d GTINs, want some", gtins)
			}
			if got := count(t, "SELECT COUNT(*) FROM producers WHERE kind IN ('sme', 'cooperative') AND registration_no IS NULL"); got != 0 {
				t.Errorf("got %d firms and cooperatives without a registration number, want 0", got)
			}
		})

		admin := e.Admin()
		quangVinh := producerNamed(t, e, "Công ty TNHH Gốm sứ Quang Vinh")

		t.Run("search", func(t *testing.T) {
			page, err := a.Registry.ListProducts(ctx, nil, registry.ProductFilter{Query: "gom bat trang", ProducerID: quangVinh.ID, Public: true})
			if err != nil || page.Total < 4 {
				t.Fatalf("search gom bat trang in Quang Vinh's products: %d, %v; want its 4 sets", page.Total, err)
			}
			for _, tt := range []struct{ q, producer string }{
				{"gom su quang vinh", "Công ty TNHH Gốm sứ Quang Vinh"},
				{"duc dong ngu xa", "Công ty TNHH Đúc đồng truyền thống Ngũ Xã"},
				{"tra sen hien xiem", "Cơ sở sản xuất trà sen Hiền Xiêm"},
				{"xi dau cu da", "Tổ hợp tác xì dầu Cự Đà"},
				{"chăn bông tơ tằm", "Công ty TNHH Dâu tằm tơ Mỹ Đức"},
			} {
				page, err := a.Registry.ListProducts(ctx, nil, registry.ProductFilter{Query: tt.q, Public: true, PerPage: registry.MaxPerPage})
				found := false
				for _, p := range page.Items {
					found = found || p.ProducerName == tt.producer
				}
				if err != nil || !found {
					t.Errorf("search %q: %d found (%v), none by %s", tt.q, page.Total, err, tt.producer)
				}
			}
			ps, err := a.Registry.ListProducers(ctx, admin, registry.ProducerFilter{Query: "duc dong ngu xa"})
			if err != nil || ps.Total != 1 {
				t.Errorf("producers matching duc dong ngu xa: %d, %v; want 1", ps.Total, err)
			}
			vs, err := a.Registry.ListCraftVillages(ctx, registry.VillageFilter{Query: "bat trang gom"})
			if err != nil || vs.Total == 0 || vs.Items[0].Name != "Làng gốm Bát Tràng" || vs.Items[0].CommuneCode != "00577" {
				t.Errorf("villages matching bat trang gom: %+v, %v; want Làng gốm Bát Tràng in 00577 first", vs.Items, err)
			}
		})

		t.Run("the registry keeps working on demo data", func(t *testing.T) {
			// Saving a record unchanged recomputes its search key: it must
			// be the one the demo wrote.
			page, err := a.Registry.ListProducts(ctx, admin, registry.ProductFilter{ProducerID: quangVinh.ID})
			if err != nil || len(page.Items) == 0 {
				t.Fatalf("Quang Vinh's products: %v", err)
			}
			p := page.Items[0]
			before := searchKey(t, e, "products", p.ID)
			if _, err := a.Registry.UpdateProduct(ctx, admin, p.ID, registry.ProductInput{Code: p.Code, Name: p.Name, NameEn: p.NameEn,
				CategoryCode: p.CategoryCode, Brand: p.Brand, GTIN: p.GTIN, Description: p.Description, DescriptionEn: p.DescriptionEn,
				Ingredients: p.Ingredients, RawMaterialArea: p.RawMaterialArea, CraftVillageID: p.CraftVillageID, Status: p.Status, Version: p.Version}); err != nil {
				t.Fatal(err)
			}
			if after := searchKey(t, e, "products", p.ID); after != before {
				t.Errorf("product search key: demo wrote %q, registry computes %q", before, after)
			}
			pr := quangVinh
			before = searchKey(t, e, "producers", pr.ID)
			if _, err := a.Registry.UpdateProducer(ctx, admin, pr.ID, registry.ProducerInput{Kind: pr.Kind, Name: pr.Name,
				RegistrationNo: pr.RegistrationNo, Representative: pr.Representative, Phone: pr.Phone, CommuneCode: pr.CommuneCode,
				LegacyDistrictCode: pr.LegacyDistrictCode, LegacyCommuneCode: pr.LegacyCommuneCode, AddressLine: pr.AddressLine,
				Email: pr.Email, Website: pr.Website, Latitude: pr.Latitude, Longitude: pr.Longitude, WomenLed: pr.WomenLed,
				EthnicMinorityLed: pr.EthnicMinorityLed, WorkersTotal: pr.WorkersTotal, WorkersWomen: pr.WorkersWomen,
				WorkersEthnic: pr.WorkersEthnic, Description: pr.Description, Status: pr.Status, Version: pr.Version}); err != nil {
				t.Fatal(err)
			}
			if after := searchKey(t, e, "producers", pr.ID); after != before {
				t.Errorf("producer search key: demo wrote %q, registry computes %q", before, after)
			}
			// New records get fresh ids and the next product number.
			n := count(t, "SELECT COUNT(*) FROM products WHERE code LIKE '01-00577-%-2020'")
			x, err := a.Registry.CreateProduct(ctx, admin, registry.ProductInput{ProducerID: pr.ID, Name: "Bình gốm men lam mới", CategoryCode: "IV.1", Year: 2020})
			if err != nil {
				t.Fatalf("create product after the demo: %v", err)
			}
			if want := fmt.Sprintf("01-00577-%03d-2020", n+1); x.Code != want {
				t.Errorf("new product code %s, want %s (after the demo's %d)", x.Code, want, n)
			}
			if _, err := a.Registry.CreateProducer(ctx, admin, registry.ProducerInput{Kind: registry.KindHousehold, Name: "Hộ kinh doanh mới", CommuneCode: "00577"}); err != nil {
				t.Errorf("create producer after the demo: %v", err)
			}
			if _, err := a.Registry.CreateCraftVillage(ctx, admin, registry.CraftVillageInput{Name: "Làng nghề mới", CommuneCode: "00577"}); err != nil {
				t.Errorf("create craft village after the demo: %v", err)
			}
		})

		t.Run("demo accounts", func(t *testing.T) {
			byName := map[string]demo.Account{}
			for _, acc := range res.Accounts {
				byName[acc.Username] = acc
				if len(acc.Password) < 14 {
					t.Errorf("%s: password %q shorter than 14", acc.Username, acc.Password)
				}
				// Through the real sign-in form.
				c := e.Anon()
				if r := c.PostForm("/login", url.Values{"username": {acc.Username}, "password": {acc.Password}}); r.Status != http.StatusSeeOther {
					t.Errorf("sign in as %s: status %d, want %d", acc.Username, r.Status, http.StatusSeeOther)
				}
			}
			for _, role := range account.Roles {
				found := false
				for _, acc := range res.Accounts {
					found = found || acc.Role == string(role)
				}
				if !found {
					t.Errorf("no demo account with role %s", role)
				}
			}
			if byName["admin"].Password == byName["office"].Password {
				t.Errorf("the administrator shares the demo accounts' password")
			}
			_, p, err := a.Accounts.Login(ctx, "battrang", byName["battrang"].Password, "127.0.0.1", "test")
			if err != nil || !slices.Equal(p.Communes, []string{"00577"}) {
				t.Errorf("commune officer: %+v, %v; want commune 00577 (Bát Tràng)", p, err)
			}
			_, p, err = a.Accounts.Login(ctx, "quangvinh", byName["quangvinh"].Password, "127.0.0.1", "test")
			if err != nil || !slices.Equal(p.Producers, []int64{quangVinh.ID}) {
				t.Errorf("producer: %+v, %v; want verified for Quang Vinh (%d)", p, err, quangVinh.ID)
			}
			_, p, err = a.Accounts.Login(ctx, "aeon", byName["aeon"].Password, "127.0.0.1", "test")
			if err != nil || !p.Verified || p.Role != account.RoleBuyer {
				t.Errorf("buyer aeon: %+v, %v; want a verified buyer", p, err)
			}
		})

		t.Run("refuses a second load", func(t *testing.T) {
			_, err := demo.Load(ctx, a.DB, a.Ref, a.Accounts, a.Registry, demo.Options{Seed: 2})
			if !errors.Is(err, demo.ErrNotEmpty) {
				t.Fatalf("second load: got %v, want ErrNotEmpty", err)
			}
			if got := count(t, "SELECT COUNT(*) FROM craft_villages"); got != demo.TargetVillages+1 {
				t.Errorf("after the refused load: %d villages, want %d", got, demo.TargetVillages+1)
			}
		})
	})
}

// TestInspect tells empty, demo and real databases apart (ocop demo relies
// on it to never delete a real registry).
func TestInspect(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		st, err := demo.Inspect(e.Ctx(), e.App.DB)
		if err != nil || !st.Empty() || st.Demo() {
			t.Errorf("fresh database: %+v, %v; want empty, not demo", st, err)
		}
		e.User(account.RoleOffice)
		st, err = demo.Inspect(e.Ctx(), e.App.DB)
		if err != nil || st.Empty() || st.Demo() || st.Users != 1 {
			t.Errorf("database with a user: %+v, %v; want not empty, not demo", st, err)
		}
	})
}

// codeRe is the demo's product code: province, commune, a sequence from
// 001, year.
var codeRe = regexp.MustCompile(`^01-[0-9]{5}-(00[1-9]|0[1-9][0-9]|[1-9][0-9]{2,4})-20(19|2[0-6])$`)

func strs(t *testing.T, e *apptest.Env, q string) []string {
	t.Helper()
	rows, err := e.App.DB.QueryContext(e.Ctx(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func producerNamed(t *testing.T, e *apptest.Env, name string) registry.Producer {
	t.Helper()
	var id int64
	if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT id FROM producers WHERE name = ?", name).Scan(&id); err != nil {
		t.Fatalf("producer %s: %v", name, err)
	}
	p, err := e.App.Registry.Producer(e.Ctx(), e.Admin(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func searchKey(t *testing.T, e *apptest.Env, table string, id int64) string {
	t.Helper()
	var k string
	if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT search_key FROM "+table+" WHERE id = ?", id).Scan(&k); err != nil {
		t.Fatal(err)
	}
	return k
}
