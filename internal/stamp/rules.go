package stamp

import (
	"fmt"
	"math"
	"time"
)

// Verdict is the one-word answer of a verification.
type Verdict string

// The verdicts, in the order of precedence a stamp is judged by: a revoked
// or expired certificate outweighs anything about the stamp itself.
const (
	VerdictGenuine       Verdict = "genuine"        // chính hãng, sản phẩm OCOP còn hiệu lực
	VerdictExpired       Verdict = "expired"        // giấy chứng nhận hết hạn
	VerdictRevoked       Verdict = "revoked"        // giấy chứng nhận bị thu hồi
	VerdictNotActivated  Verdict = "not_activated"  // tem chưa kích hoạt
	VerdictDeactivated   Verdict = "deactivated"    // tem đã bị vô hiệu hoá
	VerdictUnknown       Verdict = "unknown"        // mã không tồn tại
	VerdictSuspectedCopy Verdict = "suspected_copy" // nghi tem giả (sao chép)
	VerdictRecalled      Verdict = "recalled"       // lô sản phẩm bị thu hồi (trace recall)
)

// Verdicts lists every verdict.
var Verdicts = []Verdict{VerdictGenuine, VerdictExpired, VerdictRevoked, VerdictNotActivated, VerdictDeactivated, VerdictUnknown, VerdictSuspectedCopy, VerdictRecalled}

// Good reports whether the verdict tells the consumer the product is a
// certified OCOP product.
func (v Verdict) Good() bool { return v == VerdictGenuine }

// StampState is what decides a verdict: the certificate's computed status
// and the stamp's own state.
type StampState struct {
	Known            bool
	CertStatus       string // evaluation.CertStatus: valid, expiring_soon, extended, expired, revoked, superseded, not_yet_valid
	BatchStatus      string // issued, active, deactivated
	StampDeactivated bool
	Flagged          bool // an open copy alert (too many scans, impossible travel)
	Recalled         bool // the stamp's production lot was recalled (package trace)
}

// Judge returns the verdict for a stamp's state.
func Judge(st StampState) Verdict {
	switch {
	case !st.Known:
		return VerdictUnknown
	case st.Recalled:
		// A recalled lot is a safety warning: it outweighs everything
		// else the page could say about a known stamp.
		return VerdictRecalled
	case st.CertStatus == "revoked":
		return VerdictRevoked
	case st.CertStatus != "valid" && st.CertStatus != "expiring_soon" && st.CertStatus != "extended":
		// Expired, superseded without a stamp of its own, or not yet valid:
		// the product may not carry a stamp of this certificate today.
		return VerdictExpired
	case st.BatchStatus == "deactivated" || st.StampDeactivated:
		return VerdictDeactivated
	case st.BatchStatus != "active":
		return VerdictNotActivated
	case st.Flagged:
		return VerdictSuspectedCopy
	}
	return VerdictGenuine
}

// Rules are the thresholds of the counterfeit rules.
type Rules struct {
	// MaxScans: a stamp checked more often than this is suspected of being
	// copied (a genuine stamp is checked a handful of times).
	MaxScans int
	// MaxSpeedKmh: two located scans of one stamp implying a faster
	// journey are impossible travel. MinDistanceKm ignores jitter between
	// near places (coarse positions are rounded to about 1 km).
	MaxSpeedKmh   float64
	MinDistanceKm float64
	// UnknownBurst unknown serials from one client within UnknownWindow is
	// enumeration.
	UnknownBurst  int
	UnknownWindow time.Duration
}

// DefaultRules are the thresholds used when none are configured.
func DefaultRules() Rules {
	return Rules{MaxScans: 20, MaxSpeedKmh: 120, MinDistanceKm: 30, UnknownBurst: 10, UnknownWindow: 10 * time.Minute}
}

func (r Rules) withDefaults() Rules {
	d := DefaultRules()
	if r.MaxScans <= 0 {
		r.MaxScans = d.MaxScans
	}
	if r.MaxSpeedKmh <= 0 {
		r.MaxSpeedKmh = d.MaxSpeedKmh
	}
	if r.MinDistanceKm <= 0 {
		r.MinDistanceKm = d.MinDistanceKm
	}
	if r.UnknownBurst <= 0 {
		r.UnknownBurst = d.UnknownBurst
	}
	if r.UnknownWindow <= 0 {
		r.UnknownWindow = d.UnknownWindow
	}
	return r
}

// AlertKind names a counterfeit signal.
type AlertKind string

// The signals.
const (
	AlertUnknownSerial    AlertKind = "unknown_serial"
	AlertCertExpired      AlertKind = "cert_expired"
	AlertCertRevoked      AlertKind = "cert_revoked"
	AlertInactive         AlertKind = "inactive"
	AlertDeactivated      AlertKind = "deactivated"
	AlertTooManyScans     AlertKind = "too_many_scans"
	AlertImpossibleTravel AlertKind = "impossible_travel"
	AlertEnumeration      AlertKind = "enumeration"
)

// AlertKinds lists the signals in display order.
var AlertKinds = []AlertKind{AlertImpossibleTravel, AlertTooManyScans, AlertEnumeration, AlertUnknownSerial, AlertCertRevoked, AlertCertExpired, AlertDeactivated, AlertInactive}

// Copy reports whether the signal means the stamp itself was probably
// copied (it then verifies as "suspected copy" until reviewed).
func (k AlertKind) Copy() bool { return k == AlertTooManyScans || k == AlertImpossibleTravel }

// Place is a coarse position shared by the phone.
type Place struct {
	Lat, Lon float64
	Known    bool
}

// ScanEvent is one verification as the rules see it.
type ScanEvent struct {
	At      time.Time
	Serial  string
	Client  string
	Verdict Verdict
	Place   Place
}

// Signal is a rule that fired for a scan.
type Signal struct {
	Kind   AlertKind
	Detail string
	Place  Place
}

// History is what the rules know before a scan: the earlier scans of the
// same stamp (oldest first) and the times of the client's recent scans of
// unknown serials.
type History struct {
	Stamp []ScanEvent
	// Count is the number of earlier scans of the stamp when Stamp holds
	// only the latest of them (0: len(Stamp)).
	Count          int
	ClientUnknowns []time.Time
}

// Evaluate applies every rule to scan s given the history before it.
func Evaluate(r Rules, h History, s ScanEvent) []Signal {
	r = r.withDefaults()
	var out []Signal
	switch s.Verdict {
	case VerdictUnknown:
		out = append(out, Signal{Kind: AlertUnknownSerial, Place: s.Place})
		if n := UnknownBurst(r, h.ClientUnknowns, s.At); n >= r.UnknownBurst {
			out = append(out, Signal{Kind: AlertEnumeration, Detail: fmt.Sprintf("%d/%s", n, r.UnknownWindow), Place: s.Place})
		}
		return out
	case VerdictRevoked:
		out = append(out, Signal{Kind: AlertCertRevoked, Place: s.Place})
	case VerdictExpired:
		out = append(out, Signal{Kind: AlertCertExpired, Place: s.Place})
	case VerdictNotActivated:
		out = append(out, Signal{Kind: AlertInactive, Place: s.Place})
	case VerdictDeactivated:
		out = append(out, Signal{Kind: AlertDeactivated, Place: s.Place})
	}
	if n := max(h.Count, len(h.Stamp)) + 1; n > r.MaxScans {
		out = append(out, Signal{Kind: AlertTooManyScans, Detail: fmt.Sprintf("%d", n), Place: s.Place})
	}
	if d, ok := ImpossibleTravel(r, h.Stamp, s); ok {
		out = append(out, Signal{Kind: AlertImpossibleTravel, Detail: d, Place: s.Place})
	}
	return out
}

// UnknownBurst counts the client's unknown scans within the window ending
// at now, this one included.
func UnknownBurst(r Rules, times []time.Time, now time.Time) int {
	n := 1
	for _, t := range times {
		if !t.After(now) && now.Sub(t) <= r.UnknownWindow {
			n++
		}
	}
	return n
}

// ImpossibleTravel compares s with the latest located earlier scan: if the
// places are more than MinDistanceKm apart and the speed needed to go from
// one to the other exceeds MaxSpeedKmh, it reports a description.
func ImpossibleTravel(r Rules, earlier []ScanEvent, s ScanEvent) (string, bool) {
	if !s.Place.Known {
		return "", false
	}
	for i := len(earlier) - 1; i >= 0; i-- {
		e := earlier[i]
		if !e.Place.Known {
			continue
		}
		km := DistanceKm(e.Place, s.Place)
		if km < r.MinDistanceKm {
			return "", false
		}
		hours := s.At.Sub(e.At).Hours()
		if hours < 0 {
			hours = -hours
		}
		if hours == 0 || km/hours > r.MaxSpeedKmh {
			return fmt.Sprintf("%.0f km / %s", km, s.At.Sub(e.At).Round(time.Minute)), true
		}
		return "", false
	}
	return "", false
}

// DistanceKm is the great-circle distance between two places.
func DistanceKm(a, b Place) float64 {
	const earthKm = 6371.0
	rad := math.Pi / 180
	dlat := (b.Lat - a.Lat) * rad
	dlon := (b.Lon - a.Lon) * rad
	h := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * earthKm * math.Asin(math.Min(1, math.Sqrt(h)))
}

// Coarse rounds a position to two decimals (about 1 km): enough for the
// travel rule and the map, too coarse to locate a person.
func Coarse(lat, lon float64) (Place, bool) {
	if math.IsNaN(lat) || math.IsNaN(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180 || (lat == 0 && lon == 0) {
		return Place{}, false
	}
	return Place{Lat: math.Round(lat*100) / 100, Lon: math.Round(lon*100) / 100, Known: true}, true
}
