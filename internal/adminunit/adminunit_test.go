package adminunit_test

import (
	"context"
	"strings"
	"testing"

	"ocop/internal/adminunit"
	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/dbtest"
)

func TestCounts(t *testing.T) {
	u := dbtest.Reference(t).Units
	hanoiOld := 0
	for _, d := range u.OldDistricts {
		if d.ProvinceCode == "01" {
			hanoiOld++
		}
	}
	hanoiOldWards := 0
	for _, d := range u.OldDistrictsOf("01") {
		hanoiOldWards += len(u.OldWardsOf(d.Code))
	}
	for _, tt := range []struct {
		name      string
		got, want int
	}{
		{"provinces", len(u.Provinces), 34},
		{"wards", len(u.Wards), 3321},
		{"Hanoi new units", len(u.WardsOf("01")), 126},
		{"Hanoi old districts", hanoiOld, 30},
		{"Hanoi old communes", hanoiOldWards, 579},
		{"old provinces", len(u.OldProvinces), 63},
	} {
		if tt.got != tt.want {
			t.Errorf("%s: got %d, want %d", tt.name, tt.got, tt.want)
		}
	}
	split := 0
	for _, d := range u.OldDistrictsOf("01") {
		for _, w := range u.OldWardsOf(d.Code) {
			if len(u.NewFor(w.Code)) > 1 {
				split++
			}
		}
	}
	if split != 200 {
		t.Errorf("split Hanoi old communes: got %d, want 200", split)
	}
}

func TestSeedBothEngines(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		for _, tt := range []struct {
			q    string
			want int
		}{
			{"SELECT COUNT(*) FROM provinces", 34},
			{"SELECT COUNT(*) FROM wards", 3321},
			{"SELECT COUNT(*) FROM wards WHERE province_code = '01'", 126},
			{"SELECT COUNT(*) FROM old_districts WHERE province_code = '01'", 30},
			{"SELECT COUNT(*) FROM old_wards w JOIN old_districts d ON d.code = w.district_code WHERE d.province_code = '01'", 579},
			{"SELECT COUNT(*) FROM ward_mapping", 10599},
		} {
			var n int
			if err := d.QueryRowContext(ctx, tt.q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != tt.want {
				t.Errorf("%s = %d, want %d", tt.q, n, tt.want)
			}
		}
		// Seeding again is a no-op and keeps the counts.
		if err := adminunit.Seed(ctx, d, dbtest.Reference(t).Units); err != nil {
			t.Fatal(err)
		}
	})
}

func TestCodesReusedAcrossGenerations(t *testing.T) {
	u := dbtest.Reference(t).Units
	old, ok := u.OldWard("00004")
	if !ok || old.FullName != "Phường Trúc Bạch" {
		t.Fatalf("old 00004 = %+v", old)
	}
	nw, ok := u.Ward("00004")
	if !ok || nw.FullName != "Phường Ba Đình" {
		t.Fatalf("new 00004 = %+v", nw)
	}
}

func TestResolve(t *testing.T) {
	u := dbtest.Reference(t).Units
	// An old commune that went whole into one new unit: the new commune is filled in.
	a, err := u.Resolve(adminunit.Address{LegacyCommuneCode: "00001"})
	if err != nil || a.CommuneCode != "00097" || a.LegacyDistrictCode != "001" {
		t.Fatalf("Resolve(Phúc Xá) = %+v, %v; want new 00097, district 001", a, err)
	}
	// Find a split Hanoi commune.
	var splitCode string
	for _, d := range u.OldDistrictsOf("01") {
		for _, w := range u.OldWardsOf(d.Code) {
			if len(u.NewFor(w.Code)) > 1 && splitCode == "" {
				splitCode = w.Code
			}
		}
	}
	_, err = u.Resolve(adminunit.Address{LegacyCommuneCode: splitCode})
	e := apperr.As(err)
	if e == nil || len(e.Fields) != 1 || e.Fields[0].Key != "err.old_commune_split" {
		t.Fatalf("split commune without new code: got %v, want err.old_commune_split", err)
	}
	targets := u.NewFor(splitCode)
	if _, err := u.Resolve(adminunit.Address{LegacyCommuneCode: splitCode, CommuneCode: targets[1].Ward.Code}); err != nil {
		t.Errorf("split commune with a valid target: %v", err)
	}
	if _, err := u.Resolve(adminunit.Address{LegacyCommuneCode: "00001", CommuneCode: "00004"}); apperr.CodeOf(err) != apperr.Invalid {
		t.Errorf("mismatched new commune: got %v, want invalid", err)
	}
	for _, bad := range []adminunit.Address{{}, {CommuneCode: "99999"}, {LegacyCommuneCode: "x"}, {CommuneCode: "00004", LegacyDistrictCode: "999"}} {
		if _, err := u.Resolve(bad); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("Resolve(%+v) = %v, want invalid", bad, err)
		}
	}
}

func TestSearch(t *testing.T) {
	u := dbtest.Reference(t).Units
	ms := u.Search("bat trang", "01", 10)
	if len(ms) == 0 {
		t.Fatal("no match for bat trang")
	}
	found := false
	for _, m := range ms {
		if m.Kind == "old_ward" && strings.Contains(m.FullName, "Bát Tràng") && len(m.Targets) > 0 {
			found = true
		}
	}
	if !found {
		t.Errorf("old Xã Bát Tràng with its new unit not found in %+v", ms)
	}
	if ms := u.Search("Xã Bát Tràng", "01", 3); len(ms) == 0 || !ms[0].Exact {
		t.Errorf("exact match not first: %+v", ms)
	}
	if ms := u.Search("   ", "", 10); ms != nil {
		t.Errorf("blank query gave %d matches", len(ms))
	}
}
