package evaluation

import (
	"encoding/json"
	"testing"
	"time"
)

// mustDate parses "YYYY-MM-DD" or fails the test; "" is the zero Date.
func mustDate(tb testing.TB, s string) Date {
	tb.Helper()
	if s == "" {
		return Date{}
	}
	d, err := ParseDate(s)
	if err != nil {
		tb.Fatalf("bad test date: %v", err)
	}
	return d
}

func TestParseDate(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Date
		ok   bool
	}{
		{"2026-05-22", Date{2026, time.May, 22}, true},
		{"2024-02-29", Date{2024, time.February, 29}, true},
		{"2025-02-29", Date{}, false}, // not a leap year
		{"2026-5-22", Date{}, false},
		{"22/05/2026", Date{}, false},
		{"2026-05-22T00:00:00Z", Date{}, false},
		{"", Date{}, false},
	} {
		got, err := ParseDate(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if tt.ok && got.String() != tt.in {
			t.Errorf("ParseDate(%q).String() = %q, want the input back", tt.in, got.String())
		}
	}
	if s := (Date{}).String(); s != "" {
		t.Errorf("zero Date String() = %q, want empty", s)
	}
}

func TestNewDateNormalises(t *testing.T) {
	if got, want := NewDate(2026, time.February, 30), mustDate(t, "2026-03-02"); got != want {
		t.Errorf("NewDate(2026, 2, 30) = %v, want %v", got, want)
	}
	if (Date{2026, time.February, 30}).Valid() {
		t.Error("2026-02-30 reported valid")
	}
	if !(Date{2028, time.February, 29}).Valid() {
		t.Error("2028-02-29 reported invalid")
	}
}

func TestVietnamDate(t *testing.T) {
	for _, tt := range []struct {
		instant string
		want    string
	}{
		// 17:00 UTC is midnight in Hanoi: the day has changed there.
		{"2026-05-21T16:59:59Z", "2026-05-21"},
		{"2026-05-21T17:00:00Z", "2026-05-22"},
		{"2026-05-22T06:00:00+07:00", "2026-05-22"},
	} {
		at, err := time.Parse(time.RFC3339, tt.instant)
		if err != nil {
			t.Fatal(err)
		}
		if got := VietnamDate(at); got != mustDate(t, tt.want) {
			t.Errorf("VietnamDate(%s) = %v, want %s", tt.instant, got, tt.want)
		}
	}
}

func TestAddMonths(t *testing.T) {
	for _, tt := range []struct {
		from string
		n    int
		want string
	}{
		{"2024-01-31", 1, "2024-02-29"}, // leap February
		{"2023-01-31", 1, "2023-02-28"},
		{"2023-08-31", 1, "2023-09-30"},
		{"2024-03-31", -1, "2024-02-29"},
		{"2026-12-15", 1, "2027-01-15"},
		{"2027-01-15", -1, "2026-12-15"},
		{"2026-01-15", -13, "2024-12-15"},
		{"2026-01-15", -24, "2024-01-15"},
		{"2024-02-29", 36, "2027-02-28"},
		{"2024-02-29", 48, "2028-02-29"},
		{"2026-05-22", 0, "2026-05-22"},
	} {
		if got := mustDate(t, tt.from).AddMonths(tt.n); got != mustDate(t, tt.want) {
			t.Errorf("%s.AddMonths(%d) = %v, want %s", tt.from, tt.n, got, tt.want)
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	a, b := mustDate(t, "2024-03-04"), mustDate(t, "2027-03-04")
	if got := b.Sub(a); got != 1095 {
		t.Errorf("2027-03-04 - 2024-03-04 = %d days, want 1095", got)
	}
	if got := a.Sub(b); got != -1095 {
		t.Errorf("2024-03-04 - 2027-03-04 = %d days, want -1095", got)
	}
	if got := mustDate(t, "0001-01-01").Sub(mustDate(t, "9999-12-31")); got != -3652058 {
		t.Errorf("0001-01-01 - 9999-12-31 = %d days, want -3652058", got)
	}
	if !a.Before(b) || a.After(b) || !b.After(a) || a.Compare(a) != 0 || b.Compare(a) != 1 {
		t.Errorf("ordering of %v and %v is wrong", a, b)
	}
	if got := mustDate(t, "2026-02-28").AddDays(1); got != mustDate(t, "2026-03-01") {
		t.Errorf("2026-02-28 + 1 day = %v, want 2026-03-01", got)
	}
	if got := mustDate(t, "2026-02-17").Weekday(); got != time.Tuesday {
		t.Errorf("2026-02-17 is a %v, want Tuesday", got)
	}
}

func TestDateJSON(t *testing.T) {
	type doc struct {
		Decided Date `json:"decided"`
		Revoked Date `json:"revoked"`
	}
	b, err := json.Marshal(doc{Decided: mustDate(t, "2026-05-22")})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"decided":"2026-05-22","revoked":null}`; got != want {
		t.Errorf("json = %s, want %s", got, want)
	}
	var back doc
	if err := json.Unmarshal([]byte(`{"decided":"2026-05-22","revoked":""}`), &back); err != nil {
		t.Fatal(err)
	}
	if back.Decided != mustDate(t, "2026-05-22") || !back.Revoked.IsZero() {
		t.Errorf("unmarshal = %+v, want decided 2026-05-22 and no revocation", back)
	}
	for _, bad := range []string{`{"decided":"22/05/2026"}`, `{"decided":20260522}`, `{"decided":"2026-02-30"}`} {
		if err := json.Unmarshal([]byte(bad), &back); err == nil {
			t.Errorf("unmarshal %s: got no error", bad)
		}
	}
}

func TestDateSQL(t *testing.T) {
	v, err := mustDate(t, "2026-05-22").Value()
	if err != nil || v != "2026-05-22" {
		t.Errorf("Value() = %v, %v; want \"2026-05-22\"", v, err)
	}
	if v, err := (Date{}).Value(); err != nil || v != nil {
		t.Errorf("zero Value() = %v, %v; want NULL", v, err)
	}
	if _, err := (Date{2026, time.February, 30}).Value(); err == nil {
		t.Error("Value() of 2026-02-30: got no error")
	}
	hanoi := time.FixedZone("ICT", 7*3600)
	for _, tt := range []struct {
		name string
		src  any
		want string
		ok   bool
	}{
		{"text", "2026-05-22", "2026-05-22", true},
		{"bytes", []byte("2026-05-22"), "2026-05-22", true},
		{"timestamp text", "2026-05-22 00:00:00+00:00", "2026-05-22", true},
		{"PostgreSQL DATE", time.Date(2026, 5, 22, 0, 0, 0, 0, time.UTC), "2026-05-22", true},
		{"time in Hanoi keeps its calendar date", time.Date(2026, 5, 22, 0, 30, 0, 0, hanoi), "2026-05-22", true},
		{"NULL", nil, "", true},
		{"empty text", "", "", true},
		{"garbage", "next week", "", false},
		{"integer", int64(20260522), "", false},
	} {
		var d Date
		err := d.Scan(tt.src)
		if (err == nil) != tt.ok || d != mustDate(t, tt.want) {
			t.Errorf("%s: Scan(%v) = %v, %v; want %q, ok=%v", tt.name, tt.src, d, err, tt.want, tt.ok)
		}
	}
}

// FuzzAddMonths checks the properties the certificate rules rely on: the
// result exists, lies exactly n months later on the same day or its
// month's last day, keeps the order of dates, and composes like months do
// when no month end is involved.
func FuzzAddMonths(f *testing.F) {
	f.Add(2024, 2, 29, 36, 1)
	f.Add(2023, 8, 31, 36, 0)
	f.Add(2023, 11, 30, -3, 5)
	f.Add(2026, 1, 31, 1, 30)
	f.Add(2000, 12, 31, -1200, 2)
	f.Fuzz(func(t *testing.T, y, m, d, n, k int) {
		y = 1900 + fuzzAbs(y)%300
		mon := time.Month(1 + fuzzAbs(m)%12)
		day := 1 + fuzzAbs(d)%daysIn(y, mon)
		n %= 1200
		k = fuzzAbs(k) % 400
		from := Date{y, mon, day}

		got := from.AddMonths(n)
		if !got.Valid() {
			t.Fatalf("%v.AddMonths(%d) = %v, not a real day", from, n, got)
		}
		if months := (got.Y*12 + int(got.M)) - (from.Y*12 + int(from.M)); months != n {
			t.Fatalf("%v.AddMonths(%d) = %v, %d months later", from, n, got, months)
		}
		if want := min(from.D, daysIn(got.Y, got.M)); got.D != want {
			t.Fatalf("%v.AddMonths(%d) = %v, want day %d", from, n, got, want)
		}
		if again := got.AddMonths(0); again != got {
			t.Fatalf("%v.AddMonths(0) = %v, want it unchanged", got, again)
		}
		later := from.AddDays(k)
		if got.After(later.AddMonths(n)) {
			t.Fatalf("order lost: %v ≤ %v but %v.AddMonths(%d) = %v > %v", from, later, from, n, got, later.AddMonths(n))
		}
		if back := got.AddMonths(-n); back.After(from) {
			t.Fatalf("%v.AddMonths(%d).AddMonths(%d) = %v, after the start", from, n, -n, back)
		}
		if from.D <= 28 {
			if back := got.AddMonths(-n); back != from {
				t.Fatalf("%v.AddMonths(%d).AddMonths(%d) = %v, want the start back", from, n, -n, back)
			}
			if std := DateOf(from.Time().AddDate(0, n, 0)); std != got {
				t.Fatalf("%v.AddMonths(%d) = %v, time.AddDate says %v", from, n, got, std)
			}
			a := n / 2
			if two := from.AddMonths(a).AddMonths(n - a); two != got {
				t.Fatalf("%v + %d + %d months = %v, want %v", from, a, n-a, two, got)
			}
		}
		if exp := Expiry(from); !exp.After(from) || exp.Sub(from) > 36*31 || exp.Sub(from) < 36*28 {
			t.Fatalf("Expiry(%v) = %v, not about 36 months later", from, exp)
		}
	})
}

func fuzzAbs(x int) int {
	if x < 0 {
		// -MinInt overflows to itself; fold it onto a positive value.
		if x = -x; x < 0 {
			return 0
		}
	}
	return x
}
