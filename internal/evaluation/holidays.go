package evaluation

import "time"

// Reasons a CalendarDay overrides the Monday–Friday week. They are codes;
// the interface translates them.
const (
	DayNewYear      = "new_year"     // Tết Dương lịch, 1 January
	DayTet          = "tet"          // Tết Âm lịch, five days around the lunar new year
	DayHungKings    = "hung_kings"   // Giỗ Tổ Hùng Vương, 10th day of the 3rd lunar month
	DayVictory      = "victory_day"  // Ngày Chiến thắng, 30 April
	DayLabour       = "labour_day"   // Ngày Quốc tế lao động, 1 May
	DayNationalDay  = "national_day" // Quốc khánh, 2 September (and, from 2021, a day next to it)
	DayCompensation = "compensation" // nghỉ bù: a holiday fell on a weekend
	DaySwapped      = "swapped"      // hoán đổi: a working day given off, worked back on a Saturday
	DayMakeUp       = "make_up"      // làm bù: a Saturday worked in exchange for a swapped day
	DayOther        = "other"        // any other day off the programme office records
)

// CalendarDay overrides the ordinary week (Monday to Friday worked,
// Saturday and Sunday off) for one date.
type CalendarDay struct {
	// Working is true for a weekend day that is worked (làm bù) and false
	// for a day off.
	Working bool `json:"working"`
	// Reason is one of the Day… codes.
	Reason string `json:"reason"`
}

// HolidayCalendar holds the dates on which state offices do not follow the
// ordinary Monday–Friday week. It is data, not code: DefaultHolidays gives
// the built-in table and the programme office may add or correct days (a
// compensation day announced by the Government, a swap, a new holiday) by
// setting entries. A nil calendar means weekends only.
type HolidayCalendar map[Date]CalendarDay

// IsWorkingDay reports whether state offices work on d: an entry for d
// decides; otherwise Monday to Friday are working days.
func (c HolidayCalendar) IsWorkingDay(d Date) bool {
	if day, ok := c[d]; ok {
		return day.Working
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// AddWorkingDays returns the n-th working day after start (before start
// when n < 0); start itself is not counted, whether or not it is a working
// day. This is how "trong thời hạn N ngày làm việc kể từ ngày tiếp nhận" is
// counted: Bộ luật Dân sự 2015 Art. 147.1 starts a period on the day after
// the event, so a dossier received on Tuesday 10 February 2026 has its 15th
// working day on 10 March 2026 (the Tết break of 14–22 February skipped).
// AddWorkingDays(start, 0, cal) is start.
func AddWorkingDays(start Date, n int, cal HolidayCalendar) Date {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	d := start
	for n > 0 {
		d = d.AddDays(step)
		if cal.IsWorkingDay(d) {
			n--
		}
	}
	return d
}

// WorkingDaysBetween counts the working days d with from < d ≤ to, so that
// AddWorkingDays(from, WorkingDaysBetween(from, to, cal), cal) is the last
// working day on or before to. It is negative when to is before from.
func WorkingDaysBetween(from, to Date, cal HolidayCalendar) int {
	if to.Before(from) {
		return -WorkingDaysBetween(to, from, cal)
	}
	n := 0
	for d := from.AddDays(1); !d.After(to); d = d.AddDays(1) {
		if cal.IsWorkingDay(d) {
			n++
		}
	}
	return n
}

// Overdue reports whether a deadline has passed: the deadline day itself
// is still in time, the next day is late.
func Overdue(deadline, today Date) bool {
	return today.After(deadline)
}

// CommuneDeadline is the last day for the commune to check a dossier,
// issue its Mẫu 03 report and propose it to the province: 15 working days
// from receipt (Điều 7.2: "Trong thời hạn 15 ngày làm việc kể từ ngày tiếp
// nhận hồ sơ sản phẩm").
func CommuneDeadline(received Date, cal HolidayCalendar) Date {
	return AddWorkingDays(received, CommuneWorkingDays, cal)
}

// CommuneWorkingDays is the commune's time limit in working days (Điều 7.2).
const CommuneWorkingDays = 15

// DefaultHolidays returns a new calendar with the public holidays of
// 2019–2030 as state offices keep them. Each call returns a fresh map, so
// a caller may add the programme office's days without touching anyone
// else's calendar.
//
// The holidays are those of the Labour Code (Bộ luật Lao động 2019, Art.
// 112.1, in force from 1 January 2021): 1 January; five days of Tết Âm
// lịch; 10/3 lunar (Giỗ Tổ Hùng Vương); 30 April; 1 May; 2 September and
// one day next to it, before or after. Until 2020 the Labour Code 2012
// (Art. 115) gave one day for 2 September. A holiday that falls on a
// Saturday or Sunday is compensated on the next working day (Art. 111.3).
// How the five days of Tết fall, which day goes with 2 September, and any
// swap of a working day for a Saturday are decided each year by the
// Government for civil servants; the table records the published
// schedules for 2019–2026 (Tết 2026: Saturday 14 to Sunday 22 February)
// and, for 2027–2030, an estimate following the pattern of earlier years
// with the same weekday. Replace those years when the schedules are
// announced. The lunar dates are computed for Vietnam (UTC+7): Tết 2030 is
// Saturday 2 February in Vietnam, a day before the lunar new year in China.
// Years outside 2019–2030 have weekends only: extend the table in time.
func DefaultHolidays() HolidayCalendar {
	cal := make(HolidayCalendar, len(builtinDays))
	for _, e := range builtinDays {
		d, err := ParseDate(e.date)
		if err != nil {
			// The table is a constant checked by TestDefaultHolidaysTable.
			continue
		}
		cal[d] = CalendarDay{Working: e.working, Reason: e.reason}
	}
	return cal
}

// builtinDays is the table behind DefaultHolidays, one line per date. Read
// only: DefaultHolidays copies it into a new map on every call.
var builtinDays = [...]struct {
	date    string
	reason  string
	working bool
}{
	// 2019 (Labour Code 2012). 31/12/2018 was swapped for Saturday 5 January;
	// 29 April for Saturday 4 May.
	{"2019-01-01", DayNewYear, false},
	{"2019-01-05", DayMakeUp, true},
	{"2019-02-04", DayTet, false}, {"2019-02-05", DayTet, false}, {"2019-02-06", DayTet, false},
	{"2019-02-07", DayTet, false}, {"2019-02-08", DayTet, false},
	{"2019-04-14", DayHungKings, false}, {"2019-04-15", DayCompensation, false},
	{"2019-04-29", DaySwapped, false}, {"2019-04-30", DayVictory, false}, {"2019-05-01", DayLabour, false},
	{"2019-05-04", DayMakeUp, true},
	{"2019-09-02", DayNationalDay, false},

	// 2020 (Labour Code 2012). Tết on Saturday 25 January: 23–29 January.
	{"2020-01-01", DayNewYear, false},
	{"2020-01-23", DayTet, false}, {"2020-01-24", DayTet, false}, {"2020-01-25", DayTet, false},
	{"2020-01-26", DayTet, false}, {"2020-01-27", DayTet, false},
	{"2020-01-28", DayCompensation, false}, {"2020-01-29", DayCompensation, false},
	{"2020-04-02", DayHungKings, false},
	{"2020-04-30", DayVictory, false}, {"2020-05-01", DayLabour, false},
	{"2020-09-02", DayNationalDay, false},

	// 2021 (Labour Code 2019 from here). Tết on Friday 12 February: 10–16 February.
	{"2021-01-01", DayNewYear, false},
	{"2021-02-10", DayTet, false}, {"2021-02-11", DayTet, false}, {"2021-02-12", DayTet, false},
	{"2021-02-13", DayTet, false}, {"2021-02-14", DayTet, false},
	{"2021-02-15", DayCompensation, false}, {"2021-02-16", DayCompensation, false},
	{"2021-04-21", DayHungKings, false},
	{"2021-04-30", DayVictory, false}, {"2021-05-01", DayLabour, false}, {"2021-05-03", DayCompensation, false},
	{"2021-09-02", DayNationalDay, false}, {"2021-09-03", DayNationalDay, false},

	// 2022. Tết on Tuesday 1 February: 29 January – 6 February.
	{"2022-01-01", DayNewYear, false}, {"2022-01-03", DayCompensation, false},
	{"2022-01-31", DayTet, false}, {"2022-02-01", DayTet, false}, {"2022-02-02", DayTet, false},
	{"2022-02-03", DayTet, false}, {"2022-02-04", DayTet, false},
	{"2022-04-10", DayHungKings, false}, {"2022-04-11", DayCompensation, false},
	{"2022-04-30", DayVictory, false}, {"2022-05-01", DayLabour, false},
	{"2022-05-02", DayCompensation, false}, {"2022-05-03", DayCompensation, false},
	{"2022-09-01", DayNationalDay, false}, {"2022-09-02", DayNationalDay, false},

	// 2023. Tết on Sunday 22 January: 20–26 January.
	{"2023-01-01", DayNewYear, false}, {"2023-01-02", DayCompensation, false},
	{"2023-01-20", DayTet, false}, {"2023-01-21", DayTet, false}, {"2023-01-22", DayTet, false},
	{"2023-01-23", DayTet, false}, {"2023-01-24", DayTet, false},
	{"2023-01-25", DayCompensation, false}, {"2023-01-26", DayCompensation, false},
	{"2023-04-29", DayHungKings, false}, {"2023-04-30", DayVictory, false}, {"2023-05-01", DayLabour, false},
	{"2023-05-02", DayCompensation, false}, {"2023-05-03", DayCompensation, false},
	{"2023-09-01", DayNationalDay, false}, {"2023-09-02", DayNationalDay, false},
	{"2023-09-04", DayCompensation, false},

	// 2024. Tết on Saturday 10 February: 8–14 February. 29 April swapped for
	// Saturday 4 May.
	{"2024-01-01", DayNewYear, false},
	{"2024-02-08", DayTet, false}, {"2024-02-09", DayTet, false}, {"2024-02-10", DayTet, false},
	{"2024-02-11", DayTet, false}, {"2024-02-12", DayTet, false},
	{"2024-02-13", DayCompensation, false}, {"2024-02-14", DayCompensation, false},
	{"2024-04-18", DayHungKings, false},
	{"2024-04-29", DaySwapped, false}, {"2024-04-30", DayVictory, false}, {"2024-05-01", DayLabour, false},
	{"2024-05-04", DayMakeUp, true},
	{"2024-09-02", DayNationalDay, false}, {"2024-09-03", DayNationalDay, false},

	// 2025. Tết on Wednesday 29 January: 25 January – 2 February. Friday 2 May
	// swapped for Saturday 26 April.
	{"2025-01-01", DayNewYear, false},
	{"2025-01-27", DayTet, false}, {"2025-01-28", DayTet, false}, {"2025-01-29", DayTet, false},
	{"2025-01-30", DayTet, false}, {"2025-01-31", DayTet, false},
	{"2025-04-07", DayHungKings, false},
	{"2025-04-26", DayMakeUp, true},
	{"2025-04-30", DayVictory, false}, {"2025-05-01", DayLabour, false}, {"2025-05-02", DaySwapped, false},
	{"2025-09-01", DayNationalDay, false}, {"2025-09-02", DayNationalDay, false},

	// 2026. Tết on Tuesday 17 February: Saturday 14 – Sunday 22 February.
	// The day next to 2 September (a Wednesday) is an estimate.
	{"2026-01-01", DayNewYear, false},
	{"2026-02-16", DayTet, false}, {"2026-02-17", DayTet, false}, {"2026-02-18", DayTet, false},
	{"2026-02-19", DayTet, false}, {"2026-02-20", DayTet, false},
	{"2026-04-26", DayHungKings, false}, {"2026-04-27", DayCompensation, false},
	{"2026-04-30", DayVictory, false}, {"2026-05-01", DayLabour, false},
	{"2026-09-01", DayNationalDay, false}, {"2026-09-02", DayNationalDay, false},

	// 2027–2030: estimates (see DefaultHolidays).
	// 2027. Tết on Saturday 6 February, as in 2024: 4–10 February.
	{"2027-01-01", DayNewYear, false},
	{"2027-02-04", DayTet, false}, {"2027-02-05", DayTet, false}, {"2027-02-06", DayTet, false},
	{"2027-02-07", DayTet, false}, {"2027-02-08", DayTet, false},
	{"2027-02-09", DayCompensation, false}, {"2027-02-10", DayCompensation, false},
	{"2027-04-16", DayHungKings, false},
	{"2027-04-30", DayVictory, false}, {"2027-05-01", DayLabour, false}, {"2027-05-03", DayCompensation, false},
	{"2027-09-02", DayNationalDay, false}, {"2027-09-03", DayNationalDay, false},

	// 2028. Tết on Wednesday 26 January, as in 2025: 22–30 January.
	{"2028-01-01", DayNewYear, false}, {"2028-01-03", DayCompensation, false},
	{"2028-01-24", DayTet, false}, {"2028-01-25", DayTet, false}, {"2028-01-26", DayTet, false},
	{"2028-01-27", DayTet, false}, {"2028-01-28", DayTet, false},
	{"2028-04-04", DayHungKings, false},
	{"2028-04-30", DayVictory, false}, {"2028-05-01", DayLabour, false}, {"2028-05-02", DayCompensation, false},
	{"2028-09-01", DayNationalDay, false}, {"2028-09-02", DayNationalDay, false},
	{"2028-09-04", DayCompensation, false},

	// 2029. Tết on Tuesday 13 February, as in 2026: 10–18 February.
	{"2029-01-01", DayNewYear, false},
	{"2029-02-12", DayTet, false}, {"2029-02-13", DayTet, false}, {"2029-02-14", DayTet, false},
	{"2029-02-15", DayTet, false}, {"2029-02-16", DayTet, false},
	{"2029-04-23", DayHungKings, false},
	{"2029-04-30", DayVictory, false}, {"2029-05-01", DayLabour, false},
	{"2029-09-02", DayNationalDay, false}, {"2029-09-03", DayNationalDay, false},
	{"2029-09-04", DayCompensation, false},

	// 2030. Tết on Saturday 2 February (Vietnam), as in 2024: 31 January – 6 February.
	{"2030-01-01", DayNewYear, false},
	{"2030-01-31", DayTet, false}, {"2030-02-01", DayTet, false}, {"2030-02-02", DayTet, false},
	{"2030-02-03", DayTet, false}, {"2030-02-04", DayTet, false},
	{"2030-02-05", DayCompensation, false}, {"2030-02-06", DayCompensation, false},
	{"2030-04-12", DayHungKings, false},
	{"2030-04-30", DayVictory, false}, {"2030-05-01", DayLabour, false},
	{"2030-09-02", DayNationalDay, false}, {"2030-09-03", DayNationalDay, false},
}
