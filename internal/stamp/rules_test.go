package stamp

import (
	"testing"
	"time"
)

func TestJudge(t *testing.T) {
	for _, tt := range []struct {
		name string
		st   StampState
		want Verdict
	}{
		{"unknown", StampState{}, VerdictUnknown},
		{"genuine", StampState{Known: true, CertStatus: "valid", BatchStatus: "active"}, VerdictGenuine},
		{"expiring soon is still genuine", StampState{Known: true, CertStatus: "expiring_soon", BatchStatus: "active"}, VerdictGenuine},
		{"extended (Điều 12.3) is genuine", StampState{Known: true, CertStatus: "extended", BatchStatus: "active"}, VerdictGenuine},
		{"expired", StampState{Known: true, CertStatus: "expired", BatchStatus: "active"}, VerdictExpired},
		{"revoked beats everything", StampState{Known: true, CertStatus: "revoked", BatchStatus: "deactivated", Flagged: true}, VerdictRevoked},
		{"not activated", StampState{Known: true, CertStatus: "valid", BatchStatus: "issued"}, VerdictNotActivated},
		{"recalled lot", StampState{Known: true, CertStatus: "valid", BatchStatus: "active", Recalled: true}, VerdictRecalled},
		{"a recall outweighs a revocation", StampState{Known: true, CertStatus: "revoked", BatchStatus: "deactivated", Recalled: true}, VerdictRecalled},
		{"batch deactivated", StampState{Known: true, CertStatus: "valid", BatchStatus: "deactivated"}, VerdictDeactivated},
		{"stamp of a lost roll", StampState{Known: true, CertStatus: "valid", BatchStatus: "active", StampDeactivated: true}, VerdictDeactivated},
		{"suspected copy", StampState{Known: true, CertStatus: "valid", BatchStatus: "active", Flagged: true}, VerdictSuspectedCopy},
	} {
		if got := Judge(tt.st); got != tt.want {
			t.Errorf("%s: Judge = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestEvaluate(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	hanoi := Place{Lat: 21.03, Lon: 105.85, Known: true}
	hanoiWest := Place{Lat: 21.0, Lon: 105.78, Known: true} // ~8 km
	hcm := Place{Lat: 10.78, Lon: 106.70, Known: true}      // ~1,140 km
	haiPhong := Place{Lat: 20.86, Lon: 106.68, Known: true} // ~88 km
	r := Rules{MaxScans: 3, MaxSpeedKmh: 120, MinDistanceKm: 30, UnknownBurst: 3, UnknownWindow: 10 * time.Minute}
	scan := func(d time.Duration, p Place) ScanEvent {
		return ScanEvent{At: t0.Add(d), Serial: "S", Verdict: VerdictGenuine, Place: p}
	}
	kinds := func(sigs []Signal) string {
		s := ""
		for _, x := range sigs {
			s += string(x.Kind) + " "
		}
		return s
	}
	for _, tt := range []struct {
		name string
		h    History
		s    ScanEvent
		want string
	}{
		{"first scan", History{}, scan(0, hanoi), ""},
		{"same city twice", History{Stamp: []ScanEvent{scan(0, hanoi)}}, scan(time.Minute, hanoiWest), ""},
		{"Hanoi then Saigon an hour later", History{Stamp: []ScanEvent{scan(0, hanoi)}}, scan(time.Hour, hcm), "impossible_travel "},
		{"Hanoi then Saigon two days later", History{Stamp: []ScanEvent{scan(0, hanoi)}}, scan(48*time.Hour, hcm), ""},
		{"Hanoi then Hai Phong in 30 min (176 km/h)", History{Stamp: []ScanEvent{scan(0, hanoi)}}, scan(30*time.Minute, haiPhong), "impossible_travel "},
		{"Hanoi then Hai Phong in 2 h", History{Stamp: []ScanEvent{scan(0, hanoi)}}, scan(2*time.Hour, haiPhong), ""},
		{"latest located scan counts", History{Stamp: []ScanEvent{scan(0, hcm), scan(10*time.Hour, hanoi)}}, scan(11*time.Hour+5*time.Minute, hanoiWest), ""},
		{"no place, no travel rule", History{Stamp: []ScanEvent{scan(0, hanoi)}}, scan(time.Minute, Place{}), ""},
		{"fourth scan over a limit of 3", History{Stamp: []ScanEvent{scan(0, hanoi), scan(time.Hour, hanoi), scan(2*time.Hour, hanoi)}}, scan(3*time.Hour, hanoi), "too_many_scans "},
		{"count beyond the loaded history", History{Count: 10, Stamp: []ScanEvent{scan(0, hanoi)}}, scan(time.Hour, hanoi), "too_many_scans "},
		{"revoked certificate", History{}, ScanEvent{At: t0, Verdict: VerdictRevoked}, "cert_revoked "},
		{"expired certificate", History{}, ScanEvent{At: t0, Verdict: VerdictExpired}, "cert_expired "},
		{"inactive stamp", History{}, ScanEvent{At: t0, Verdict: VerdictNotActivated}, "inactive "},
		{"deactivated stamp", History{}, ScanEvent{At: t0, Verdict: VerdictDeactivated}, "deactivated "},
		{"one unknown serial", History{}, ScanEvent{At: t0, Verdict: VerdictUnknown, Client: "c"}, "unknown_serial "},
		{"third unknown in the window: enumeration", History{ClientUnknowns: []time.Time{t0.Add(-9 * time.Minute), t0.Add(-time.Minute)}},
			ScanEvent{At: t0, Verdict: VerdictUnknown, Client: "c"}, "unknown_serial enumeration "},
		{"unknowns spread out", History{ClientUnknowns: []time.Time{t0.Add(-30 * time.Minute), t0.Add(-time.Minute)}},
			ScanEvent{At: t0, Verdict: VerdictUnknown, Client: "c"}, "unknown_serial "},
	} {
		if got := kinds(Evaluate(r, tt.h, tt.s)); got != tt.want {
			t.Errorf("%s: signals %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestCoarse(t *testing.T) {
	p, ok := Coarse(21.028511, 105.804817)
	if !ok || p.Lat != 21.03 || p.Lon != 105.8 {
		t.Errorf("Coarse = %+v, %v", p, ok)
	}
	for _, bad := range [][2]float64{{91, 0}, {0, 181}, {0, 0}} {
		if _, ok := Coarse(bad[0], bad[1]); ok {
			t.Errorf("Coarse(%v) accepted", bad)
		}
	}
	if d := DistanceKm(Place{Lat: 21.03, Lon: 105.85}, Place{Lat: 10.78, Lon: 106.70}); d < 1100 || d > 1200 {
		t.Errorf("Hanoi–Saigon %.0f km", d)
	}
}
