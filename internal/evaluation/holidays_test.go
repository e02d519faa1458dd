package evaluation

import (
	"encoding/json"
	"maps"
	"testing"
	"time"
)

// TestDefaultHolidaysTable checks the built-in table is well formed and
// that every year has the holidays of the Labour Code.
func TestDefaultHolidaysTable(t *testing.T) {
	cal := DefaultHolidays()
	seen := map[Date]bool{}
	perYear := map[int]map[string]int{}
	for _, e := range builtinDays {
		d, err := ParseDate(e.date)
		if err != nil {
			t.Fatalf("table line %q: %v", e.date, err)
		}
		if seen[d] {
			t.Errorf("table line %q: date listed twice", e.date)
		}
		seen[d] = true
		if d.Y < 2019 || d.Y > 2030 {
			t.Errorf("table line %q: outside 2019–2030", e.date)
		}
		weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
		switch e.reason {
		case DayMakeUp:
			if !e.working || d.Weekday() != time.Saturday {
				t.Errorf("table line %q: a make-up day is a worked Saturday", e.date)
			}
		case DayCompensation, DaySwapped:
			if e.working || weekend {
				t.Errorf("table line %q: a %s day is a weekday off", e.date, e.reason)
			}
		default:
			if e.working {
				t.Errorf("table line %q: a holiday marked as working", e.date)
			}
		}
		if perYear[d.Y] == nil {
			perYear[d.Y] = map[string]int{}
		}
		perYear[d.Y][e.reason]++
	}
	if len(cal) != len(seen) {
		t.Errorf("DefaultHolidays has %d days, the table %d", len(cal), len(seen))
	}
	for y := 2019; y <= 2030; y++ {
		national := 2 // Bộ luật Lao động 2019 Art. 112.1.đ, from 2021
		if y < 2021 {
			national = 1 // Bộ luật Lao động 2012 Art. 115
		}
		for _, want := range []struct {
			reason string
			n      int
		}{{DayNewYear, 1}, {DayTet, 5}, {DayHungKings, 1}, {DayVictory, 1}, {DayLabour, 1}, {DayNationalDay, national}} {
			if got := perYear[y][want.reason]; got != want.n {
				t.Errorf("%d: %d %s days, want %d", y, got, want.reason, want.n)
			}
		}
	}
	// Each call is a fresh map: one caller's additions are not another's.
	cal[mustDate(t, "2026-03-09")] = CalendarDay{Reason: DayOther}
	if _, ok := DefaultHolidays()[mustDate(t, "2026-03-09")]; ok {
		t.Error("DefaultHolidays returned a map changed by an earlier caller")
	}
}

// TestLunarHolidays checks the lunar holidays fall on the Vietnamese lunar
// dates: the first day of Tết (mùng 1 tháng Giêng) and Giỗ Tổ Hùng Vương
// (10 tháng 3 âm lịch), computed for UTC+7.
func TestLunarHolidays(t *testing.T) {
	cal := DefaultHolidays()
	for _, tt := range []struct {
		name string
		date string
		want string
	}{
		{"Tết Kỷ Hợi 2019", "2019-02-05", DayTet},
		{"Tết Canh Tý 2020", "2020-01-25", DayTet},
		{"Tết Tân Sửu 2021", "2021-02-12", DayTet},
		{"Tết Nhâm Dần 2022", "2022-02-01", DayTet},
		{"Tết Quý Mão 2023", "2023-01-22", DayTet},
		{"Tết Giáp Thìn 2024", "2024-02-10", DayTet},
		{"Tết Ất Tỵ 2025", "2025-01-29", DayTet},
		{"Tết Bính Ngọ 2026 is Tuesday 17 February", "2026-02-17", DayTet},
		{"Tết Đinh Mùi 2027 is Saturday 6 February", "2027-02-06", DayTet},
		{"Tết Mậu Thân 2028", "2028-01-26", DayTet},
		{"Tết Kỷ Dậu 2029", "2029-02-13", DayTet},
		{"Tết Canh Tuất 2030 is 2 February in Vietnam (3 February in China)", "2030-02-02", DayTet},
		{"Giỗ Tổ 2025", "2025-04-07", DayHungKings},
		{"Giỗ Tổ 2026 falls on Sunday 26 April", "2026-04-26", DayHungKings},
		{"Giỗ Tổ 2026 is compensated on Monday 27 April", "2026-04-27", DayCompensation},
		{"Giỗ Tổ 2027", "2027-04-16", DayHungKings},
	} {
		day, ok := cal[mustDate(t, tt.date)]
		if !ok || day.Working || day.Reason != tt.want {
			t.Errorf("%s: %s is %+v (listed %v), want a %s day off", tt.name, tt.date, day, ok, tt.want)
		}
	}
}

// TestHolidayCalendarJSON checks a calendar survives JSON, keyed by
// "YYYY-MM-DD", so the programme office's days can be stored and edited
// as a document.
func TestHolidayCalendarJSON(t *testing.T) {
	cal := HolidayCalendar{
		mustDate(t, "2026-02-17"): {Reason: DayTet},
		mustDate(t, "2025-04-26"): {Working: true, Reason: DayMakeUp},
	}
	b, err := json.Marshal(cal)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"2025-04-26":{"working":true,"reason":"make_up"},"2026-02-17":{"working":false,"reason":"tet"}}`; got != want {
		t.Errorf("json = %s, want %s", got, want)
	}
	var back HolidayCalendar
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(back, cal) {
		t.Errorf("round trip = %v, want %v", back, cal)
	}
	if err := json.Unmarshal([]byte(`{"17/02/2026":{"reason":"tet"}}`), &back); err == nil {
		t.Error("a calendar keyed by 17/02/2026: got no error")
	}
}

func TestTet2026Break(t *testing.T) {
	cal := DefaultHolidays()
	// Civil servants were off from Saturday 14 to Sunday 22 February 2026.
	for d := mustDate(t, "2026-02-14"); !d.After(mustDate(t, "2026-02-22")); d = d.AddDays(1) {
		if cal.IsWorkingDay(d) {
			t.Errorf("Tết 2026: %v is a working day, want off", d)
		}
	}
	for _, s := range []string{"2026-02-13", "2026-02-23"} {
		if !cal.IsWorkingDay(mustDate(t, s)) {
			t.Errorf("Tết 2026: %s is off, want a working day", s)
		}
	}
	if !cal.IsWorkingDay(mustDate(t, "2025-04-26")) {
		t.Error("Saturday 26 April 2025 was a make-up working day")
	}
}

func TestAddWorkingDays(t *testing.T) {
	cal := DefaultHolidays()
	for _, tt := range []struct {
		name  string
		start string
		n     int
		want  string
	}{
		{"Điều 7.2: received Tuesday 10/02/2026, the 15 working days skip Tết", "2026-02-10", 15, "2026-03-10"},
		{"Điều 7.2: received Friday 13/02/2026, the eve of the Tết break", "2026-02-13", 15, "2026-03-13"},
		{"Điều 7.2: received on Saturday 14/02/2026 online: counting starts after the break", "2026-02-14", 15, "2026-03-13"},
		{"Điều 7.2: received Monday 02/03/2026, no holiday", "2026-03-02", 15, "2026-03-23"},
		{"Điều 7.2: received 20/04/2026, across Giỗ Tổ and 30/4–1/5", "2026-04-20", 15, "2026-05-14"},
		{"a make-up Saturday counts: Friday 25/04/2025 + 1", "2025-04-25", 1, "2025-04-26"},
		{"a swapped Friday does not: Tuesday 29/04/2025 + 1", "2025-04-29", 1, "2025-05-05"},
		{"zero working days is the start", "2026-02-15", 0, "2026-02-15"},
		{"counting back 15 working days over Tết", "2026-03-10", -15, "2026-02-10"},
	} {
		if got := AddWorkingDays(mustDate(t, tt.start), tt.n, cal); got != mustDate(t, tt.want) {
			t.Errorf("%s: AddWorkingDays(%s, %d) = %v, want %s", tt.name, tt.start, tt.n, got, tt.want)
		}
	}
	if got := AddWorkingDays(mustDate(t, "2026-02-13"), 1, nil); got != mustDate(t, "2026-02-16") {
		t.Errorf("nil calendar (weekends only): Friday 13/02/2026 + 1 = %v, want Monday 16/02/2026", got)
	}
	if got := CommuneDeadline(mustDate(t, "2026-02-10"), cal); got != mustDate(t, "2026-03-10") {
		t.Errorf("Điều 7.2: CommuneDeadline(2026-02-10) = %v, want 2026-03-10", got)
	}

	// The programme office adds a day off: the deadline moves.
	cal[mustDate(t, "2026-03-09")] = CalendarDay{Reason: DayOther}
	if got := CommuneDeadline(mustDate(t, "2026-02-10"), cal); got != mustDate(t, "2026-03-11") {
		t.Errorf("with 09/03/2026 off: CommuneDeadline(2026-02-10) = %v, want 2026-03-11", got)
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	cal := DefaultHolidays()
	for _, tt := range []struct {
		name     string
		from, to string
		want     int
	}{
		{"15 working days across Tết 2026", "2026-02-10", "2026-03-10", 15},
		{"backwards is negative", "2026-03-10", "2026-02-10", -15},
		{"the same day is 0", "2026-02-10", "2026-02-10", 0},
		{"the whole Tết break is 0", "2026-02-13", "2026-02-22", 0},
		{"a weekend day to the Monday", "2026-03-07", "2026-03-09", 1},
	} {
		from, to := mustDate(t, tt.from), mustDate(t, tt.to)
		got := WorkingDaysBetween(from, to, cal)
		if got != tt.want {
			t.Errorf("%s: WorkingDaysBetween(%s, %s) = %d, want %d", tt.name, tt.from, tt.to, got, tt.want)
		}
	}
	// AddWorkingDays inverts WorkingDaysBetween on working days, across the table.
	for d := mustDate(t, "2025-12-01"); d.Before(mustDate(t, "2026-06-01")); d = d.AddDays(3) {
		end := AddWorkingDays(d, 15, cal)
		if n := WorkingDaysBetween(d, end, cal); n != 15 {
			t.Fatalf("WorkingDaysBetween(%v, AddWorkingDays(%v, 15)) = %d, want 15", d, d, n)
		}
	}
}

func TestOverdue(t *testing.T) {
	deadline := mustDate(t, "2026-03-10")
	for _, tt := range []struct {
		name  string
		today string
		want  bool
	}{
		{"Điều 7.2: the day before the deadline", "2026-03-09", false},
		{"Điều 7.2: the deadline day is still in time", "2026-03-10", false},
		{"Điều 7.2: the day after is overdue", "2026-03-11", true},
	} {
		if got := Overdue(deadline, mustDate(t, tt.today)); got != tt.want {
			t.Errorf("%s: Overdue(%v, %s) = %v, want %v", tt.name, deadline, tt.today, got, tt.want)
		}
	}
}
