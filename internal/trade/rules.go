package trade

import (
	"math"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Units a quantity may be given in, with the base unit of their dimension
// and the factor to it: masses in kilograms, volumes in litres, counts in
// pieces.
var Units = []string{"kg", "tonne", "litre", "piece", "box"}

var unitBase = map[string]struct {
	dim    string
	factor float64
}{
	"kg": {"mass", 1}, "tonne": {"mass", 1000}, "litre": {"volume", 1}, "piece": {"count", 1}, "box": {"box", 1},
}

// Frequencies of a demand or a capacity, with how many times each happens
// in a month ("once" counts as one delivery, compared as if monthly).
var Frequencies = []string{"once", "weekly", "monthly", "quarterly", "yearly"}

var perMonth = map[string]float64{"once": 1, "weekly": 52.0 / 12, "monthly": 1, "quarterly": 1.0 / 3, "yearly": 1.0 / 12}

// Certifications are the standards a buyer may ask for (VietGAP, HACCP, …),
// with the codes of market.CertificationKinds so that recorded
// certifications match them.
var Certifications = []string{"vietgap", "globalgap", "haccp", "iso22000", "fssc22000", "organic", "halal", "gi", "trademark"}

// Markets are the target markets of a demand.
var Markets = []string{"domestic", "eu", "us", "japan", "korea", "china", "middle_east", "asean", "other"}

// Monthly converts a quantity to its base unit per month; ok is false for an
// unknown unit or frequency.
func Monthly(q float64, unit, freq string) (v float64, dim string, ok bool) {
	u, ok1 := unitBase[unit]
	f, ok2 := perMonth[freq]
	if !ok1 || !ok2 {
		return 0, "", false
	}
	return q * u.factor * f, u.dim, true
}

// LeadState is the state of a lead between a buyer and a producer.
type LeadState string

// The lead states. A lead starts contacted and ends ordered or declined.
const (
	LeadContacted   LeadState = "contacted"
	LeadSampleSent  LeadState = "sample_sent"
	LeadNegotiating LeadState = "negotiating"
	LeadOrdered     LeadState = "ordered"
	LeadDeclined    LeadState = "declined"
)

// LeadStates lists the states in their usual order.
var LeadStates = []LeadState{LeadContacted, LeadSampleSent, LeadNegotiating, LeadOrdered, LeadDeclined}

// leadMoves is the state machine: every allowed move. Either party may
// make any of them; the office only reads.
var leadMoves = map[LeadState][]LeadState{
	LeadContacted:   {LeadSampleSent, LeadNegotiating, LeadDeclined},
	LeadSampleSent:  {LeadNegotiating, LeadOrdered, LeadDeclined},
	LeadNegotiating: {LeadSampleSent, LeadOrdered, LeadDeclined},
}

// NextStates returns the states a lead in s may move to (none when final).
func NextStates(s LeadState) []LeadState { return leadMoves[s] }

// CanMove reports whether a lead may move from one state to another.
func CanMove(from, to LeadState) bool { return slices.Contains(leadMoves[from], to) }

// Contact limits: a buyer may open at most ContactsPerHour leads in an
// hour and ContactsPerDay in a day (refused beyond); BurstContacts within
// BurstWindow, or the same text sent to SameTextLimit producers in a day,
// flag the new lead for the office.
const (
	ContactsPerHour = 10
	ContactsPerDay  = 30
	BurstContacts   = 4
	BurstWindow     = 10 * time.Minute
	SameTextLimit   = 3
)

// Contact is an earlier contact request of the same buyer.
type Contact struct {
	At   time.Time
	Text string
}

// ContactCheck judges a new contact request from a buyer against its
// earlier ones. tooMany refuses it (rate limit); flags mark it as looking
// like spam: "burst", "same_text", "unverifiable" (the buyer gave no way to
// be checked: no e-mail and no phone, or the message points elsewhere).
func ContactCheck(earlier []Contact, text string, now time.Time, buyerEmail, buyerPhone string) (tooMany bool, flags []string) {
	var hour, day, burst, same int
	key := normText(text)
	for _, c := range earlier {
		age := now.Sub(c.At)
		if age < 0 || age >= 24*time.Hour {
			continue
		}
		day++
		if age < time.Hour {
			hour++
		}
		if age < BurstWindow {
			burst++
		}
		if normText(c.Text) == key {
			same++
		}
	}
	if hour >= ContactsPerHour || day >= ContactsPerDay {
		return true, nil
	}
	if burst+1 >= BurstContacts {
		flags = append(flags, "burst")
	}
	if same+1 >= SameTextLimit {
		flags = append(flags, "same_text")
	}
	if (strings.TrimSpace(buyerEmail) == "" && strings.TrimSpace(buyerPhone) == "") || pointsElsewhere(text, buyerPhone) {
		flags = append(flags, "unverifiable")
	}
	return false, flags
}

// ContactRetryAfter is how long a buyer refused by ContactCheck waits
// until a new request fits both limits again: until enough of its contacts
// of the last hour (and of the last day) have aged out of the window. Zero
// when a request fits now.
func ContactRetryAfter(earlier []Contact, now time.Time) time.Duration {
	var ages []time.Duration
	for _, c := range earlier {
		if age := now.Sub(c.At); age >= 0 && age < 24*time.Hour {
			ages = append(ages, age)
		}
	}
	slices.Sort(ages)
	wait := func(window time.Duration, limit int) time.Duration {
		var in []time.Duration
		for _, a := range ages {
			if a < window {
				in = append(in, a)
			}
		}
		if len(in) < limit {
			return 0
		}
		// The oldest len(in)-limit+1 must leave the window: the youngest
		// of them decides, at in[limit-1] (ages ascending).
		return window - in[limit-1]
	}
	return max(wait(time.Hour, ContactsPerHour), wait(24*time.Hour, ContactsPerDay))
}

// normText folds a message for comparison: lower case, spaces collapsed.
func normText(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// pointsElsewhere reports whether a message asks to be reached outside the
// platform at a number or address that is not the buyer's own: the usual
// shape of a fake order ("call Zalo 09xx…", a link to pay a deposit).
func pointsElsewhere(text, phone string) bool {
	low := strings.ToLower(text)
	if strings.Contains(low, "http://") || strings.Contains(low, "https://") || strings.Contains(low, "zalo") || strings.Contains(low, "telegram") {
		return true
	}
	own := digits(phone)
	for _, m := range phoneRun.FindAllString(text, -1) {
		d := digits(m)
		if len(d) >= 9 && (len(own) < 9 || d[len(d)-9:] != own[len(own)-9:]) {
			return true
		}
	}
	return false
}

// phoneRun finds phone-number-like runs: digits with spaces, dots or
// hyphens between them.
var phoneRun = regexp.MustCompile(`\+?[0-9][0-9 .-]{7,}[0-9]`)

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Distance is the great-circle distance in kilometres between two points.
func Distance(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0
	rad := math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(a)))
}

// InVietnam reports whether a point lies in Vietnam's bounding box
// (mainland and the islands, 8.1–23.4 N, 102.1–117.0 E).
func InVietnam(lat, lon float64) bool {
	return lat >= 8.1 && lat <= 23.4 && lon >= 102.1 && lon <= 117.0
}
