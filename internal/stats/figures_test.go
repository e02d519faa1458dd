package stats_test

import (
	"testing"
	"time"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/db"
	"ocop/internal/evaluation"
	"ocop/internal/registry"
	"ocop/internal/stats"
)

// fixture is a small world whose figures are worked out by hand below
// (today is 22/11/2026 in apptest):
//
//	a (A, Bát Tràng)  3★ 30/06/2020, superseded by 4★ 30/12/2024    cumulative 4★, valid 4★
//	b (A)             4★ potential 5★ 30/06/2025                   cumulative p5, valid p5
//	c (B, 00008)      4★ p5 28/06/2024, superseded by 5★ 20/12/2025 cumulative 5★, valid 5★
//	d (B)             3★ 28/06/2024, revoked 01/03/2025            cumulative 3★, not valid
//	e (B)             4★ 10/09/2023, expired 10/09/2026            cumulative 4★, not valid
//	f (B)             3★ 20/12/2023, expires 20/12/2026            cumulative 3★, valid, expiring in 28 days
//	g (A)             3★ 01/08/2023, expired 01/08/2026, re-rating filed 15/03/2026 and pending:
//	                  extended to 28/01/2027 (Điều 12.3)            cumulative 3★, valid, expiring in 67 days
//	h (A)             never certified                               not counted
//	s (S, a split old commune recorded with its current commune)    3★ 30/06/2025
type fixture struct {
	e                      *apptest.Env
	a, b, c, d, ee, f, g   registry.Product
	h, s                   registry.Product
	producerA, producerB   registry.Producer
	splitOld, splitCurrent string
	round                  int64
}

func newFixture(t *testing.T, e *apptest.Env) *fixture {
	t.Helper()
	fx := &fixture{e: e}
	fx.producerA = e.Producer("HTX Gốm A", "00577")
	fx.producerB = e.Producer("HTX Lụa B", "00008")
	fx.a = e.Product(fx.producerA.ID, "Bình gốm a", "IV.1")
	fx.b = e.Product(fx.producerA.ID, "Chè b", "I.5.a")
	fx.c = e.Product(fx.producerB.ID, "Khăn lụa c", "IV.2")
	fx.d = e.Product(fx.producerB.ID, "Áo lụa d", "IV.2")
	fx.ee = e.Product(fx.producerB.ID, "Gạo e", "I.2.a")
	fx.f = e.Product(fx.producerB.ID, "Mật ong f", "I.2.b")
	fx.g = e.Product(fx.producerA.ID, "Bát g", "IV.1")
	fx.h = e.Product(fx.producerA.ID, "Đĩa h", "IV.1")
	// A split old commune: the producer's current commune is the second
	// of the mapping's candidates, recorded at registration.
	units := e.App.Registry.Units()
	for _, d := range units.OldDistrictsOf("01") {
		for _, w := range units.OldWardsOf(d.Code) {
			if ts := units.NewFor(w.Code); len(ts) > 1 && fx.splitOld == "" {
				fx.splitOld, fx.splitCurrent = w.Code, ts[1].Ward.Code
			}
		}
	}
	if fx.splitOld == "" {
		t.Fatal("no split old commune in the reference data")
	}
	sp, err := e.App.Registry.CreateProducer(e.Ctx(), e.Admin(), registry.ProducerInput{Kind: registry.KindHousehold, Name: "Hộ S",
		CommuneCode: fx.splitCurrent, LegacyCommuneCode: fx.splitOld})
	if err != nil {
		t.Fatal(err)
	}
	fx.s = e.Product(sp.ID, "Sản phẩm s", "IV.1")

	now := e.Clock.Now().UTC()
	ins := func(q string, args ...any) int64 {
		t.Helper()
		id, err := db.Insert(e.Ctx(), e.App.DB, q, args...)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	fx.round = ins(`INSERT INTO rounds (level, year, no, title, proposed_before, decided_before, extra, status, created_at, version)
		VALUES ('province', 2025, 1, 'Đợt 1 năm 2025', '2025-04-30', '2025-06-30', false, 'closed', ?, 1)`, now)
	dec := ins(`INSERT INTO decisions (number, decided_on, authority, signer, round_id, kind, created_at) VALUES ('1/QĐ-UBND', '2025-06-30', 'province', 'X', ?, 'certify', ?)`, fx.round, now)
	n := 0
	cert := func(x registry.Product, star int, p5 bool, issued, revoked string, decision any) int64 {
		t.Helper()
		n++
		d, err := evaluation.ParseDate(issued)
		if err != nil {
			t.Fatal(err)
		}
		return ins(`INSERT INTO certificates (number, product_id, producer_id, dossier_id, decision_id, star, potential5, issued_on, expires_on,
			rule_set, authority, revoked_on, revoke_ground, revoke_reason, created_at, version)
			VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, '148', 'province', ?, '', '', ?, 1)`,
			"T"+itoa(n), x.ID, x.ProducerID, decision, star, p5, issued, evaluation.Expiry(d).String(), revoked, now)
	}
	supersede := func(old, by int64) {
		t.Helper()
		if _, err := e.App.DB.ExecContext(e.Ctx(), `UPDATE certificates SET superseded_by = ? WHERE id = ?`, by, old); err != nil {
			t.Fatal(err)
		}
	}
	supersede(cert(fx.a, 3, false, "2020-06-30", "", nil), cert(fx.a, 4, false, "2024-12-30", "", nil))
	cert(fx.b, 4, true, "2025-06-30", "", dec)
	supersede(cert(fx.c, 4, true, "2024-06-28", "", nil), cert(fx.c, 5, false, "2025-12-20", "", nil))
	cert(fx.d, 3, false, "2024-06-28", "2025-03-01", nil)
	cert(fx.ee, 4, false, "2023-09-10", "", nil)
	cert(fx.f, 3, false, "2023-12-20", "", nil)
	gc := cert(fx.g, 3, false, "2023-08-01", "", nil)
	cert(fx.s, 3, false, "2025-06-30", "", dec)
	// g's re-rating, filed before expiry and still with the province.
	ids, err := e.App.Evaluation.Scorecards().ActiveIDs(e.Ctx())
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := e.App.Registry.Categories().Get("IV.1")
	ins(`INSERT INTO dossiers (reg_no, product_id, producer_id, commune_code, kind, state, criteria_set_id, round_id, certificate_id, form01, form02,
			changes, updates, filed_on, commune_due, return_items, return_due, reject_reason, commune_report, samples, proposed_on, complete_on,
			created_at, updated_at, created_by, version)
		VALUES (NULL, ?, ?, '00577', 'rerating', 'proposed', ?, NULL, ?, '', '', '', '', '2026-03-15', '2026-04-05', '', '', '', '', 5, '2026-03-30', '', ?, ?, NULL, 1)`,
		fx.g.ID, fx.g.ProducerID, ids[cat.ScorecardSet], gc, now, now)
	return fx
}

func itoa(n int) string {
	const digits = "0123456789"
	if n < 10 {
		return digits[n : n+1]
	}
	return itoa(n/10) + digits[n%10:n%10+1]
}

var office = &account.Principal{UserID: 0, Role: account.RoleOffice}

func TestFigures(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		fx := newFixture(t, e)
		d, err := e.App.Stats.Dashboard(e.Ctx(), office, "vi")
		if err != nil {
			t.Fatal(err)
		}
		if want := (stats.StarCounts{Five: 1, Potential5: 1, Four: 2, Three: 4, Total: 8}); d.Cumulative != want {
			t.Errorf("cumulative: got %+v, want %+v", d.Cumulative, want)
		}
		if want := (stats.StarCounts{Five: 1, Potential5: 1, Four: 1, Three: 3, Total: 6}); d.Valid != want {
			t.Errorf("valid: got %+v, want %+v", d.Valid, want)
		}
		if d.Expiring30 != 1 || d.Expiring90 != 2 {
			t.Errorf("expiring within 30/90 days: got %d/%d, want 1/2", d.Expiring30, d.Expiring90)
		}
		if d.Registered != 9 {
			t.Errorf("registered products: got %d, want 9", d.Registered)
		}
		if d.ProducersTotal != 3 {
			t.Errorf("active producers: got %d, want 3", d.ProducersTotal)
		}
		for _, k := range d.Producers {
			want := map[string]int{registry.KindCooperative: 2, registry.KindHousehold: 1}[k.Kind]
			if k.Count != want {
				t.Errorf("producers of kind %s: got %d, want %d", k.Kind, k.Count, want)
			}
		}

		t.Run("by commune", func(t *testing.T) {
			got := map[string][2]int{}
			for _, r := range d.ByCommune {
				got[r.Key] = [2]int{r.Cumulative.Total, r.Valid.Total}
			}
			for code, want := range map[string][2]int{"00577": {3, 3}, "00008": {4, 2}, fx.splitCurrent: {1, 1}} {
				if got[code] != want {
					t.Errorf("commune %s: got cumulative/valid %v, want %v", code, got[code], want)
				}
			}
			if len(d.ByCommune) != len(e.App.Registry.Units().WardsOf("01")) {
				t.Errorf("communes listed: got %d, want every Hanoi commune (%d)", len(d.ByCommune), len(e.App.Registry.Units().WardsOf("01")))
			}
		})

		t.Run("by old district", func(t *testing.T) {
			// The split commune's product is under its recorded old
			// commune's district.
			ow, _ := e.App.Registry.Units().OldWard(fx.splitOld)
			sum := 0
			for _, r := range d.ByDistrict {
				sum += r.Cumulative.Total
				if r.Key == ow.DistrictCode && r.Cumulative.Total < 1 {
					t.Errorf("district %s: got %d products, want the split commune's product", r.Key, r.Cumulative.Total)
				}
			}
			if sum != 8 {
				t.Errorf("districts add up to %d products, want 8", sum)
			}
		})

		t.Run("by year and round", func(t *testing.T) {
			got := map[int]stats.YearRow{}
			for _, r := range d.ByYear {
				got[r.Year] = r
			}
			for y, want := range map[int]int{2020: 1, 2023: 3, 2024: 2, 2025: 2, 2026: 0} {
				if got[y].New.Total != want {
					t.Errorf("%d: got %d products first certified, want %d", y, got[y].New.Total, want)
				}
			}
			if got[2025].NewFive != 1 || got[2024].New.Potential5 != 1 {
				t.Errorf("2025 new 5★ %d (want 1), 2024 new potential 5★ %d (want 1)", got[2025].NewFive, got[2024].New.Potential5)
			}
			if got[2025].Certificates.Total != 3 {
				t.Errorf("2025 certificates: got %d, want 3", got[2025].Certificates.Total)
			}
			if len(d.ByRound) != 1 || d.ByRound[0].Certificates.Total != 2 || d.ByRound[0].Certificates.Potential5 != 1 {
				t.Errorf("rounds: got %+v, want one round with 2 certificates (1 potential 5★)", d.ByRound)
			}
		})

		t.Run("drill-down matches", func(t *testing.T) {
			for _, tt := range []struct {
				f    stats.DrillFilter
				want []int64
			}{
				{stats.DrillFilter{Level: stats.LevelP5}, []int64{fx.b.ID}},
				{stats.DrillFilter{Measure: stats.Valid, Level: stats.Level3}, []int64{fx.f.ID, fx.g.ID, fx.s.ID}},
				{stats.DrillFilter{Level: stats.Level4}, []int64{fx.a.ID, fx.ee.ID}},
				{stats.DrillFilter{Commune: "00008", Measure: stats.Valid}, []int64{fx.c.ID, fx.f.ID}},
				{stats.DrillFilter{Year: 2025, Five: true}, []int64{fx.c.ID}},
				{stats.DrillFilter{Round: fx.round}, []int64{fx.b.ID, fx.s.ID}},
			} {
				page, err := e.App.Stats.Drill(e.Ctx(), office, tt.f)
				if err != nil {
					t.Fatal(err)
				}
				var got []int64
				for _, r := range page.Items {
					got = append(got, r.Fact.ProductID)
				}
				if len(got) != len(tt.want) || page.Total != len(tt.want) {
					t.Errorf("%+v: got %v (total %d), want %v", tt.f, got, page.Total, tt.want)
					continue
				}
				for i := range got {
					if got[i] != tt.want[i] {
						t.Errorf("%+v: got %v, want %v", tt.f, got, tt.want)
						break
					}
				}
			}
		})

		t.Run("commune officer sees only their commune", func(t *testing.T) {
			officer := &account.Principal{UserID: 0, Role: account.RoleCommune, Communes: []string{"00577"}}
			d, err := e.App.Stats.Dashboard(e.Ctx(), officer, "vi")
			if err != nil {
				t.Fatal(err)
			}
			if want := (stats.StarCounts{Potential5: 1, Four: 1, Three: 1, Total: 3}); d.Cumulative != want {
				t.Errorf("officer cumulative: got %+v, want %+v", d.Cumulative, want)
			}
			if len(d.ByCommune) != 1 || d.ByCommune[0].Key != "00577" || d.ProducersTotal != 1 {
				t.Errorf("officer sees communes %+v and %d producers, want only 00577 and 1", d.ByCommune, d.ProducersTotal)
			}
			for _, p := range []*account.Principal{nil, {Role: account.RoleProducer}, {Role: account.RoleBuyer}, {Role: account.RoleCouncil}} {
				if _, err := e.App.Stats.Dashboard(e.Ctx(), p, "vi"); err == nil {
					t.Errorf("%v: got a dashboard, want an error", p)
				}
			}
		})

		t.Run("stamp figures", func(t *testing.T) {
			// Scans of the last 30 days: two in Bát Tràng, one unknown
			// serial (no commune), one too old to count.
			now := e.Clock.Now().UTC()
			for _, sc := range []struct {
				commune, verdict string
				at               time.Time
			}{{"00577", "ok", now.Add(-time.Hour)}, {"00577", "ok", now.AddDate(0, 0, -3)}, {"", "unknown", now.AddDate(0, 0, -1)}, {"00577", "ok", now.AddDate(0, 0, -40)}} {
				if _, err := e.App.DB.ExecContext(e.Ctx(), `INSERT INTO stamp_scans (at, serial, commune_code, verdict, client) VALUES (?, 'X', ?, ?, 'c')`,
					sc.at, sc.commune, sc.verdict); err != nil {
					t.Fatal(err)
				}
			}
			d, err := e.App.Stats.Dashboard(e.Ctx(), office, "vi")
			if err != nil {
				t.Fatal(err)
			}
			if d.Stamps == nil || d.Stamps.Scans != 3 || d.Stamps.ScansUnknown != 1 {
				t.Errorf("province stamp figures: got %+v, want 3 scans, 1 unknown", d.Stamps)
			}
			od, err := e.App.Stats.Dashboard(e.Ctx(), &account.Principal{Role: account.RoleCommune, Communes: []string{"00577"}}, "vi")
			if err != nil {
				t.Fatal(err)
			}
			if od.Stamps == nil || od.Stamps.Scans != 2 {
				t.Errorf("officer stamp figures: got %+v, want 2 scans", od.Stamps)
			}
		})

		t.Run("statuses agree with package evaluation", func(t *testing.T) {
			// Every certificate the evaluation service lists as valid
			// (its own status computation) is the valid one of a product.
			valid := 0
			for _, st := range []evaluation.CertStatus{evaluation.CertValid, evaluation.CertExpiringSoon, evaluation.CertExtended} {
				page, err := e.App.Evaluation.ListCertificates(e.Ctx(), e.Admin(), evaluation.CertificateFilter{Status: string(st), PerPage: 200})
				if err != nil {
					t.Fatal(err)
				}
				valid += page.Total
			}
			if valid != d.Valid.Total {
				t.Errorf("valid certificates by package evaluation: %d, products valid by the dashboard: %d", valid, d.Valid.Total)
			}
			for _, days := range []int{30, 90} {
				page, err := e.App.Evaluation.ListCertificates(e.Ctx(), e.Admin(), evaluation.CertificateFilter{ExpiringWithin: days, PerPage: 200})
				if err != nil {
					t.Fatal(err)
				}
				want := d.Expiring30
				if days == 90 {
					want = d.Expiring90
				}
				if page.Total != want {
					t.Errorf("expiring within %d: evaluation lists %d, dashboard %d", days, page.Total, want)
				}
			}
		})
	})
}

// The cached figures follow every kind of change on the next request: a
// certificate revoked, a producer's kind changed, a product registered, a
// craft village added (the fingerprint reads change counters that the
// database's triggers keep, not the tables).
func TestDashboardFollowsChanges(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		fx := newFixture(t, e)
		ctx := e.Ctx()
		dash := func() *stats.Dashboard {
			t.Helper()
			d, err := e.App.Stats.Dashboard(ctx, office, "vi")
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := e.App.DB.ExecContext(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		before := dash()
		exec("UPDATE certificates SET revoked_on = ? WHERE product_id = ? AND superseded_by IS NULL", "2026-11-01", fx.f.ID)
		if d := dash(); d.Valid.Total != before.Valid.Total-1 {
			t.Errorf("after a revocation: %d valid, want %d", d.Valid.Total, before.Valid.Total-1)
		}
		exec("UPDATE producers SET kind = ? WHERE id = ?", registry.KindFarm, fx.producerB.ID)
		farms := 0
		for _, k := range dash().Producers {
			if k.Kind == registry.KindFarm {
				farms = k.Count
			}
		}
		if farms != 1 {
			t.Errorf("after a change of kind: %d farms, want 1", farms)
		}
		e.Product(fx.producerA.ID, "Lọ mới", "IV.1")
		if d := dash(); d.Registered != before.Registered+1 {
			t.Errorf("after a new product: %d registered, want %d", d.Registered, before.Registered+1)
		}
		now := e.Clock.Now().UTC()
		exec(`INSERT INTO craft_villages (name, name_en, commune_code, recognised, crafts, description, search_key, created_at, updated_at, version)
			VALUES ('Làng mới', '', '00577', true, '', '', 'lang moi', ?, ?, 1)`, now, now)
		if d := dash(); d.Villages != before.Villages+1 {
			t.Errorf("after a new craft village: %d villages, want %d", d.Villages, before.Villages+1)
		}
	})
}
