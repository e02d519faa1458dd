package registry_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/dbtest"
	"ocop/internal/registry"
)

func newService(t testing.TB, d *db.DB) *registry.Service {
	ref := dbtest.Reference(t)
	acc := account.NewService(d, ref.Units, account.Options{Password: account.PasswordParams{MemoryKiB: 64, Time: 1, Threads: 1}})
	now := func() time.Time { return time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC) }
	return registry.NewService(d, ref.Units, ref.Categories, acc, registry.Options{MediaDir: t.TempDir(), Now: now})
}

var office = &account.Principal{Username: "office", Role: account.RoleOffice}

func TestGTIN(t *testing.T) {
	for _, tt := range []struct {
		in  string
		err string
	}{
		{"8934567890120", ""},
		{"8934567890126", "err.gtin_check_digit"},
		{"893456789012", "err.gtin_length"},
		{"89345678901x6", "err.gtin_digits"},
		{"4006381333931", ""},
	} {
		err := registry.ValidGTIN13(tt.in)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.err {
			t.Errorf("ValidGTIN13(%s) = %q, want %q", tt.in, got, tt.err)
		}
	}
}

func TestCategories(t *testing.T) {
	cs := dbtest.Reference(t).Categories
	leaves := cs.Leaves()
	if len(leaves) != 26 {
		t.Fatalf("leaves = %d, want 26 (one per scorecard)", len(leaves))
	}
	seen := map[int]bool{}
	for _, l := range leaves {
		seen[l.ScorecardSet] = true
	}
	for i := 1; i <= 26; i++ {
		if !seen[i] {
			t.Errorf("no leaf for scorecard set %d", i)
		}
	}
	kinds := 0
	for _, c := range cs.List {
		if c.Level == "kind" {
			kinds++
		}
	}
	if kinds != 6 {
		t.Errorf("kinds = %d, want 6", kinds)
	}
	if p := cs.Path("I.3.c"); len(p) != 3 || p[0].Code != "I" || p[1].Code != "I.3" || p[2].ScorecardSet != 7 {
		t.Errorf("Path(I.3.c) = %+v", p)
	}
}

func TestProductCodesAndSearch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		ctx := context.Background()
		pr, err := s.CreateProducer(ctx, office, registry.ProducerInput{Kind: registry.KindSME, Name: "Công ty TNHH Gốm sứ Quang Vinh", CommuneCode: "00004"})
		if err != nil {
			t.Fatal(err)
		}
		codeRe := regexp.MustCompile(`^01-00004-00[1-3]-2026$`)
		names := []string{"Bộ bát đĩa gốm sứ hoa sen đỏ", "Đèn đồng Ngũ Xã", "Trà sen Tây Hồ"}
		for _, n := range names {
			x, err := s.CreateProduct(ctx, office, registry.ProductInput{ProducerID: pr.ID, Name: n, CategoryCode: "IV.1"})
			if err != nil {
				t.Fatal(err)
			}
			if !codeRe.MatchString(x.Code) {
				t.Errorf("code %q not (T)-(X)-(STT)-(year)", x.Code)
			}
		}
		for _, tt := range []struct {
			q    string
			want int
		}{
			{"gom bat", 1}, // gốm (producer) + bát (product 1)
			{"gốm sứ", 3},  // producer name matches all three
			{"GOM SU HOA SEN", 1},
			{"den dong ngu xa", 1},
			{"đèn", 1},
			{"tra sen", 1},
			{"zzz", 0},
			{"'; DROP TABLE products; --", 0},
			{`"unbalanced`, 0},
		} {
			res, err := s.ListProducts(ctx, office, registry.ProductFilter{Query: tt.q})
			if err != nil {
				t.Fatalf("search %q: %v", tt.q, err)
			}
			if res.Total != tt.want {
				t.Errorf("search %q: %d results, want %d", tt.q, res.Total, tt.want)
			}
		}
		newest, err := s.ListProducts(ctx, office, registry.ProductFilter{Newest: true})
		if err != nil || len(newest.Items) != 3 || newest.Items[0].Name != names[2] {
			t.Errorf("newest first: %v, %v", newest.Items, err)
		}
		// Renaming the producer re-indexes its products.
		pr.Name = "HTX Hoa Lư"
		if _, err := s.UpdateProducer(ctx, office, pr.ID, registry.ProducerInput{Kind: pr.Kind, Name: "HTX Hoa Lư", CommuneCode: "00004", Version: pr.Version}); err != nil {
			t.Fatal(err)
		}
		if res, _ := s.ListProducts(ctx, office, registry.ProductFilter{Query: "hoa lu"}); res.Total != 3 {
			t.Errorf("after rename: %d results, want 3", res.Total)
		}
		if res, _ := s.ListProducts(ctx, office, registry.ProductFilter{Query: "quang vinh"}); res.Total != 0 {
			t.Errorf("old name still found: %d", res.Total)
		}
	})
}

func TestProductValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		ctx := context.Background()
		pr, err := s.CreateProducer(ctx, office, registry.ProducerInput{Kind: registry.KindCooperative, Name: "HTX A", CommuneCode: "00004"})
		if err != nil {
			t.Fatal(err)
		}
		tour, err := s.CreateProducer(ctx, office, registry.ProducerInput{Kind: registry.KindAssociation, Name: "Hội du lịch", CommuneCode: "00004"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateProduct(ctx, office, registry.ProductInput{ProducerID: pr.ID, Name: "A", CategoryCode: "I.3.c", GTIN: "8934567890120"}); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			name  string
			in    registry.ProductInput
			field string
		}{
			{"no name", registry.ProductInput{ProducerID: pr.ID, CategoryCode: "I.3.c"}, "name"},
			{"heading category", registry.ProductInput{ProducerID: pr.ID, Name: "B", CategoryCode: "I.3"}, "category_code"},
			{"unknown category", registry.ProductInput{ProducerID: pr.ID, Name: "B", CategoryCode: "IX"}, "category_code"},
			{"bad gtin", registry.ProductInput{ProducerID: pr.ID, Name: "B", CategoryCode: "I.3.c", GTIN: "8934567890126"}, "gtin"},
			{"duplicate gtin", registry.ProductInput{ProducerID: pr.ID, Name: "B", CategoryCode: "I.3.c", GTIN: "8934567890120"}, "gtin"},
			{"tourism producer, food product", registry.ProductInput{ProducerID: tour.ID, Name: "B", CategoryCode: "I.3.c"}, "category_code"},
			{"bad code", registry.ProductInput{ProducerID: pr.ID, Name: "B", CategoryCode: "I.3.c", Code: "01-4-1-26"}, "code"},
			{"unknown producer", registry.ProductInput{ProducerID: 999, Name: "B", CategoryCode: "I.3.c"}, "producer_id"},
			{"unknown village", registry.ProductInput{ProducerID: pr.ID, Name: "B", CategoryCode: "I.3.c", CraftVillageID: ptr(int64(42))}, "craft_village_id"},
		} {
			_, err := s.CreateProduct(ctx, office, tt.in)
			e := apperr.As(err)
			if e == nil || e.Code != apperr.Invalid || len(e.Fields) == 0 || e.Fields[0].Field != tt.field {
				t.Errorf("%s: got %v, want invalid on %s", tt.name, err, tt.field)
			}
		}
		var n int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM products").Scan(&n)
		if n != 1 {
			t.Errorf("products = %d, want 1: a refused product was written", n)
		}
	})
}

func ptr[T any](v T) *T { return &v }

func TestScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newService(t, d)
		ctx := context.Background()
		a, _ := s.CreateProducer(ctx, office, registry.ProducerInput{Kind: registry.KindFarm, Name: "Trang trại A", CommuneCode: "00004"})
		b, _ := s.CreateProducer(ctx, office, registry.ProducerInput{Kind: registry.KindFarm, Name: "Trang trại B", CommuneCode: "00008", Status: registry.StatusDraft})
		officerA := &account.Principal{UserID: 0, Username: "a", Role: account.RoleCommune, Communes: []string{"00004"}}
		producerA := &account.Principal{Username: "pa", Role: account.RoleProducer, Producers: []int64{a.ID}}
		council := &account.Principal{Username: "c", Role: account.RoleCouncil}
		for _, tt := range []struct {
			name string
			p    *account.Principal
			id   int64
			want apperr.Code
		}{
			{"office reads draft", office, b.ID, ""},
			{"officer reads own commune", officerA, a.ID, ""},
			{"officer reads other commune", officerA, b.ID, apperr.Forbidden},
			{"producer reads own", producerA, a.ID, ""},
			{"producer reads other", producerA, b.ID, apperr.Forbidden},
			{"council reads active", council, a.ID, ""},
			{"council reads draft", council, b.ID, apperr.Forbidden},
			{"anonymous", nil, a.ID, apperr.Forbidden},
		} {
			_, err := s.Producer(ctx, tt.p, tt.id)
			if got := apperr.CodeOf(err); got != tt.want {
				t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
			}
		}
		res, _ := s.ListProducers(ctx, officerA, registry.ProducerFilter{})
		if res.Total != 1 || res.Items[0].ID != a.ID {
			t.Errorf("officer list = %d items", res.Total)
		}
		res, _ = s.ListProducers(ctx, nil, registry.ProducerFilter{Public: true})
		if res.Total != 1 {
			t.Errorf("public list shows %d producers, want 1 (drafts hidden)", res.Total)
		}
		if _, err := s.UpdateProducer(ctx, officerA, b.ID, registry.ProducerInput{Kind: "farm", Name: "X", CommuneCode: "00008", Version: 1}); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("officer updates other commune: %v", err)
		}
		// Moving a record out of one's own scope is refused.
		if _, err := s.UpdateProducer(ctx, officerA, a.ID, registry.ProducerInput{Kind: "farm", Name: "X", CommuneCode: "00008", Version: a.Version}); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("officer moves producer out of scope: %v", err)
		}
		// A producer account cannot change its status.
		x, err := s.UpdateProducer(ctx, producerA, a.ID, registry.ProducerInput{Kind: "farm", Name: "Trang trại A2", CommuneCode: "00004", Status: "inactive", Version: a.Version})
		if err != nil || x.Status != registry.StatusActive {
			t.Errorf("producer self-update: status %q, err %v", x.Status, err)
		}
	})
}

func TestPaging(t *testing.T) {
	d := dbtest.New(t, db.SQLite)
	s := newService(t, d)
	ctx := context.Background()
	for i := 0; i < 7; i++ {
		if _, err := s.CreateProducer(ctx, office, registry.ProducerInput{Kind: "farm", Name: fmt.Sprintf("Trại %d", i), CommuneCode: "00004"}); err != nil {
			t.Fatal(err)
		}
	}
	res, _ := s.ListProducers(ctx, office, registry.ProducerFilter{PerPage: 3, Page: 3})
	if res.Total != 7 || len(res.Items) != 1 || res.Pages() != 3 {
		t.Errorf("page 3 of 3: total %d, items %d, pages %d", res.Total, len(res.Items), res.Pages())
	}
	res, _ = s.ListProducers(ctx, office, registry.ProducerFilter{PerPage: 100000, Page: 1 << 40})
	if len(res.Items) != 0 || res.PerPage != registry.MaxPerPage {
		t.Errorf("absurd paging: %d items, per page %d", len(res.Items), res.PerPage)
	}
}

func TestParseProductCode(t *testing.T) {
	for _, tt := range []struct {
		code          string
		province, com string
		seq, year     int
		ok            bool
	}{
		{"01-00577-008-2024", "01", "00577", 8, 2024, true},
		{"01-00577-010-2019", "01", "00577", 10, 2019, true},
		{"01-00577-12345-2026", "01", "00577", 12345, 2026, true},
		{"1-00577-008-2024", "", "", 0, 0, false},
		{"01-00577-0a8-2024", "", "", 0, 0, false},
		{"01-00577-008", "", "", 0, 0, false},
	} {
		p, c, seq, year, err := registry.ParseProductCode(tt.code)
		if (err == nil) != tt.ok || p != tt.province || c != tt.com || seq != tt.seq || year != tt.year {
			t.Errorf("ParseProductCode(%s) = %s %s %d %d %v", tt.code, p, c, seq, year, err)
		}
	}
}
