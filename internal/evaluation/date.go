package evaluation

import (
	"cmp"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"
)

// Date is a civil date (ngày) with no time of day and no time zone: the
// date printed on a decision, a certificate or a dossier receipt.
//
// The rules of the decision count in whole days and months, so they work on
// Date rather than time.Time: a time.Time at midnight in one zone is the
// previous day in another, and a certificate must not expire a day early
// because a server runs in UTC. Convert an instant with VietnamDate.
//
// The zero Date means "no date" (a certificate not revoked, a dossier not
// decided); it is stored as NULL and encoded as JSON null.
//
// In the database a Date is text "YYYY-MM-DD" (driver.Valuer), which sorts
// and compares correctly on both engines; Scan also accepts a time.Time,
// which is what PostgreSQL DATE columns return.
type Date struct {
	Y int
	M time.Month
	D int
}

// vietnam is Indochina Time (UTC+7). Vietnam has had no daylight saving
// since 1975, so a fixed zone is exact and needs no tzdata on the server.
var vietnam = time.FixedZone("ICT", 7*60*60)

// NewDate returns the date y-m-d, normalising out-of-range values the way
// time.Date does (2026-02-30 becomes 2026-03-02).
func NewDate(y int, m time.Month, d int) Date {
	return DateOf(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// DateOf returns the civil date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Y: y, M: m, D: d}
}

// VietnamDate returns the date in Vietnam at instant t. "Today" for every
// rule is the Vietnamese date: at 23:30 UTC it is already tomorrow in Hanoi.
func VietnamDate(t time.Time) Date {
	return DateOf(t.In(vietnam))
}

// ParseDate reads "YYYY-MM-DD" and refuses anything else, including dates
// that do not exist (2025-02-29).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// String formats the date as "YYYY-MM-DD"; the zero Date formats as "".
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Y, int(d.M), d.D)
}

// IsZero reports whether d is the zero Date ("no date").
func (d Date) IsZero() bool { return d == Date{} }

// Valid reports whether d names a day that exists in years 1 to 9999.
func (d Date) Valid() bool {
	return d.Y >= 1 && d.Y <= 9999 && d.M >= time.January && d.M <= time.December &&
		d.D >= 1 && d.D <= daysIn(d.Y, d.M)
}

// Time returns midnight UTC at the start of d, for code that needs a
// time.Time (templates, SQL drivers); compare Dates, not these times.
func (d Date) Time() time.Time {
	return time.Date(d.Y, d.M, d.D, 0, 0, 0, 0, time.UTC)
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.Time().Weekday() }

// AddDays returns the date n days after d (before d when n < 0).
func (d Date) AddDays(n int) Date {
	return DateOf(d.Time().AddDate(0, 0, n))
}

// AddMonths returns the same day n months after d. When the target month is
// shorter, the result is that month's last day: 2024-02-29 plus 12 months is
// 2025-02-28 and 2023-08-31 plus 1 month is 2023-09-30. This is Bộ luật Dân
// sự 2015 Art. 148.1: a period in months ends on the corresponding day of
// the last month, or on that month's last day when it has no such day.
// (time.AddDate would roll 2023-08-31 + 1 month into 1 October.)
func (d Date) AddMonths(n int) Date {
	// Count months from year 0 and divide with floor semantics, so that a
	// negative n crosses into earlier years correctly.
	total := d.Y*12 + int(d.M-1) + n
	y := total / 12
	if total%12 < 0 {
		y--
	}
	m := time.Month(total - y*12 + 1)
	day := min(d.D, daysIn(y, m))
	return Date{Y: y, M: m, D: day}
}

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	if c := cmp.Compare(d.Y, e.Y); c != 0 {
		return c
	}
	if c := cmp.Compare(d.M, e.M); c != 0 {
		return c
	}
	return cmp.Compare(d.D, e.D)
}

// Before reports whether d is strictly before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is strictly after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Sub returns the number of days from e to d (d - e); positive when d is
// after e.
func (d Date) Sub(e Date) int {
	// Both are UTC midnights, so the difference is whole days. Unix seconds,
	// not time.Duration, which saturates beyond about 292 years.
	return int((d.Time().Unix() - e.Time().Unix()) / (24 * 60 * 60))
}

// MarshalText encodes d as "YYYY-MM-DD" ("" for the zero Date).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText decodes "YYYY-MM-DD"; "" decodes to the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalJSON encodes d as "YYYY-MM-DD", or null for the zero Date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON decodes "YYYY-MM-DD", "" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("date: want a \"YYYY-MM-DD\" string: %w", err)
	}
	return d.UnmarshalText([]byte(s))
}

// Value stores d as text "YYYY-MM-DD", or NULL for the zero Date.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	if !d.Valid() {
		return nil, fmt.Errorf("date %d-%d-%d does not exist", d.Y, d.M, d.D)
	}
	return d.String(), nil
}

// Scan reads a date stored as text or []byte ("YYYY-MM-DD", or a longer
// timestamp text whose first ten characters are the date), as a time.Time
// (PostgreSQL DATE; its calendar date is taken as is, without a zone
// conversion), or NULL (the zero Date).
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		*d = DateOf(v)
		return nil
	case []byte:
		return d.scanText(string(v))
	case string:
		return d.scanText(v)
	default:
		return fmt.Errorf("scan date: unsupported type %T", src)
	}
}

func (d *Date) scanText(s string) error {
	if s == "" {
		*d = Date{}
		return nil
	}
	if len(s) > len(time.DateOnly) {
		s = s[:len(time.DateOnly)]
	}
	v, err := ParseDate(s)
	if err != nil {
		return fmt.Errorf("scan date: %w", err)
	}
	*d = v
	return nil
}

// daysIn returns the number of days in month m of year y.
func daysIn(y int, m time.Month) int {
	// Day 0 of the next month is the last day of this one.
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
