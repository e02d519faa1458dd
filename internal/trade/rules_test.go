package trade

import (
	"slices"
	"testing"
	"time"
)

func f64(v float64) *float64 { return &v }

func TestMonthly(t *testing.T) {
	for _, tt := range []struct {
		q          float64
		unit, freq string
		want       float64
		dim        string
		ok         bool
	}{
		{2, "tonne", "monthly", 2000, "mass", true},
		{500, "kg", "weekly", 500 * 52.0 / 12, "mass", true},
		{12, "tonne", "yearly", 1000, "mass", true},
		{300, "litre", "quarterly", 100, "volume", true},
		{1, "bag", "monthly", 0, "", false},
		{1, "kg", "daily", 0, "", false},
	} {
		got, dim, ok := Monthly(tt.q, tt.unit, tt.freq)
		if ok != tt.ok || dim != tt.dim || (ok && (got-tt.want > 1e-9 || tt.want-got > 1e-9)) {
			t.Errorf("Monthly(%v %s %s) = %v %s %v, want %v %s %v", tt.q, tt.unit, tt.freq, got, dim, ok, tt.want, tt.dim, tt.ok)
		}
	}
}

func TestLeadStateMachine(t *testing.T) {
	for _, tt := range []struct {
		from, to LeadState
		want     bool
	}{
		{LeadContacted, LeadSampleSent, true},
		{LeadContacted, LeadNegotiating, true},
		{LeadContacted, LeadDeclined, true},
		{LeadContacted, LeadOrdered, false}, // an order needs a sample or a negotiation first
		{LeadSampleSent, LeadOrdered, true},
		{LeadNegotiating, LeadOrdered, true},
		{LeadNegotiating, LeadSampleSent, true},
		{LeadOrdered, LeadDeclined, false}, // final
		{LeadDeclined, LeadNegotiating, false},
		{LeadContacted, LeadContacted, false},
	} {
		if got := CanMove(tt.from, tt.to); got != tt.want {
			t.Errorf("CanMove(%s, %s) = %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
	if len(NextStates(LeadOrdered)) != 0 || len(NextStates(LeadDeclined)) != 0 {
		t.Error("final states must have no moves")
	}
}

func TestContactCheck(t *testing.T) {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	ago := func(d time.Duration, text string) Contact { return Contact{At: now.Add(-d), Text: text} }
	many := func(n int, every time.Duration) []Contact {
		var out []Contact
		for i := range n {
			out = append(out, ago(time.Duration(i+1)*every, "hỏi hàng số "+string(rune('a'+i))))
		}
		return out
	}
	for _, tt := range []struct {
		name        string
		earlier     []Contact
		text        string
		email, ph   string
		wantTooMany bool
		wantFlags   []string
	}{
		{"first contact", nil, "Chào anh, bên em cần 2 tấn long nhãn/tháng", "mua@aeon.vn", "0912345678", false, nil},
		{"hourly limit", many(ContactsPerHour, 5*time.Minute), "x", "a@b.vn", "0912345678", true, nil},
		{"daily limit", many(ContactsPerDay, 40*time.Minute), "x", "a@b.vn", "0912345678", true, nil},
		{"older than a day does not count", many(ContactsPerDay, 25*time.Hour), "x", "a@b.vn", "0912345678", false, nil},
		{"burst", many(BurstContacts-1, 2*time.Minute), "x", "a@b.vn", "0912345678", false, []string{"burst"}},
		{"same text to several producers", []Contact{ago(3*time.Hour, "Cần  HÀNG gấp"), ago(2*time.Hour, "cần hàng gấp")}, "cần hàng gấp", "a@b.vn", "0912345678", false, []string{"same_text"}},
		{"no way to check the buyer", nil, "Cần hàng", "", "", false, []string{"unverifiable"}},
		{"asks to move to Zalo", nil, "Liên hệ Zalo em nhé", "a@b.vn", "0912345678", false, []string{"unverifiable"}},
		{"another phone number", nil, "Gọi 0987 654 321 để đặt cọc", "a@b.vn", "0912345678", false, []string{"unverifiable"}},
		{"its own phone number", nil, "Gọi em: 0912.345.678", "a@b.vn", "+84 912 345 678", false, nil},
		{"a link", nil, "Xem https://dat-coc.example", "a@b.vn", "0912345678", false, []string{"unverifiable"}},
	} {
		tooMany, flags := ContactCheck(tt.earlier, tt.text, now, tt.email, tt.ph)
		if tooMany != tt.wantTooMany || !slices.Equal(flags, tt.wantFlags) {
			t.Errorf("%s: got %v %v, want %v %v", tt.name, tooMany, flags, tt.wantTooMany, tt.wantFlags)
		}
	}
}

func TestDistanceAndBounds(t *testing.T) {
	// Hà Nội (Hoàn Kiếm) to Hải Phòng port: about 95 km.
	if d := Distance(21.0285, 105.8542, 20.8651, 106.6838); d < 85 || d > 100 {
		t.Errorf("Hà Nội–Hải Phòng = %.1f km, want about 90", d)
	}
	for _, tt := range []struct {
		lat, lon float64
		want     bool
	}{{21.03, 105.85, true}, {10.77, 106.70, true}, {35.68, 139.69, false}, {21.03, -105.85, false}} {
		if got := InVietnam(tt.lat, tt.lon); got != tt.want {
			t.Errorf("InVietnam(%v, %v) = %v", tt.lat, tt.lon, got)
		}
	}
}

// TestContactRetryAfter: a refused buyer is told when a request fits both
// limits again.
func TestContactRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	ago := func(mins ...int) []Contact {
		var out []Contact
		for _, m := range mins {
			out = append(out, Contact{At: now.Add(-time.Duration(m) * time.Minute), Text: "x"})
		}
		return out
	}
	hourly := ago(5, 10, 15, 20, 25, 30, 35, 40, 45, 50) // ten in the hour: the one 50 minutes old leaves in 10
	var daily []int
	for i := range ContactsPerDay {
		daily = append(daily, 120+i*30) // thirty in the day, the oldest 16h30 ago
	}
	for _, tt := range []struct {
		name    string
		earlier []Contact
		want    time.Duration
	}{
		{"fits", ago(5, 10), 0},
		{"hourly limit", hourly, 10 * time.Minute},
		{"hourly limit, one more older than an hour", append(hourly, ago(70)...), 10 * time.Minute},
		{"daily limit", ago(daily...), 24*time.Hour - time.Duration(120+(ContactsPerDay-1)*30)*time.Minute},
	} {
		if got := ContactRetryAfter(tt.earlier, now); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
		tooMany, _ := ContactCheck(tt.earlier, "new", now, "a@b.vn", "")
		if tooMany != (tt.want > 0) {
			t.Errorf("%s: ContactCheck says tooMany %v, wait %v", tt.name, tooMany, tt.want)
		}
	}
}
