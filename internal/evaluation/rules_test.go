package evaluation

import (
	"slices"
	"testing"
)

func TestBand(t *testing.T) {
	for _, tt := range []struct {
		name  string
		score float64
		want  Star
	}{
		{"Điều 3.3.a: 100 points is 5 stars", 100, Star5},
		{"Điều 3.3.a: 90 points is 5 stars", 90, Star5},
		{"Điều 3.3.b: 89.99 is under 90, so 4 stars", 89.99, Star4},
		{"Điều 3.3.b: 89.995 is under 90 even if two decimals would show 90.00", 89.995, Star4},
		{"Điều 3.3.b: 70 points is 4 stars", 70, Star4},
		{"Điều 3.3.c: 69.99 is under 70, so 3 stars", 69.99, Star3},
		{"Điều 3.3.c: 50 points is 3 stars", 50, Star3},
		{"Điều 3.3.d: 49.99 is 2 stars", 49.99, Star2},
		{"Điều 3.3.d: 30 points is 2 stars", 30, Star2},
		{"Điều 3.3.đ: 29.99 is 1 star", 29.99, Star1},
		{"Điều 3.3.đ: 0 points is 1 star", 0, Star1},
	} {
		if got := Band(tt.score); got != tt.want {
			t.Errorf("%s: Band(%v) = %d, want %d", tt.name, tt.score, got, tt.want)
		}
	}
}

func TestMeanOfCouncilTotals(t *testing.T) {
	for _, tt := range []struct {
		name       string
		totals     []float64
		wantStar   Star
		wantHundth int
	}{
		{"Điều 3.3: three members 90, 90, 89 average 89.67: 4 stars", []float64{90, 90, 89}, Star4, 8966},
		{"Điều 3.3: three members all 90: 5 stars", []float64{90, 90, 90}, Star5, 9000},
		{"Điều 3.3: 69, 70, 71 average exactly 70: 4 stars", []float64{69, 70, 71}, Star4, 7000},
		{"Điều 3.3: 69, 70, 70 average 69.67: 3 stars", []float64{69, 70, 70}, Star3, 6966},
		{"Điều 3.3: seven members totalling 629 average 89.857: 4 stars", []float64{90, 90, 90, 90, 90, 90, 89}, Star4, 8985},
		{"Điều 3.3: seven members totalling 630 average 90: 5 stars", []float64{90, 90, 90, 90, 90, 91, 89}, Star5, 9000},
	} {
		mean, ok := Mean(tt.totals)
		if !ok {
			t.Fatalf("%s: Mean(%v) not ok", tt.name, tt.totals)
		}
		if got := Band(mean); got != tt.wantStar {
			t.Errorf("%s: Band(%v) = %d, want %d", tt.name, mean, got, tt.wantStar)
		}
		if got := ScoreHundredths(mean); got != tt.wantHundth {
			t.Errorf("%s: ScoreHundredths(%v) = %d, want %d", tt.name, mean, got, tt.wantHundth)
		}
	}
	if _, ok := Mean(nil); ok {
		t.Error("Mean of no totals: got ok, want not ok (no score without a council)")
	}
	for _, tt := range []struct {
		score float64
		want  int
	}{{89.995, 8999}, {71.3, 7130}, {70, 7000}, {0, 0}, {100, 10000}, {33.33, 3333}} {
		if got := ScoreHundredths(tt.score); got != tt.want {
			t.Errorf("ScoreHundredths(%v) = %d, want %d", tt.score, got, tt.want)
		}
	}
}

// TestMeanIsExactEnough proves the float arithmetic of Mean, Band and
// ScoreHundredths agrees with exact integer arithmetic for every council of
// 1 to 15 members and every sum of whole-point totals: no mean lands on the
// wrong side of a band or shows a hundredth it does not have.
func TestMeanIsExactEnough(t *testing.T) {
	for n := 1; n <= 15; n++ {
		for sum := 0; sum <= 100*n; sum++ {
			totals := make([]float64, n)
			for i := range totals { // spread sum over n members
				totals[i] = float64(sum / n)
				if i < sum%n {
					totals[i]++
				}
			}
			mean, _ := Mean(totals)
			want := Star1
			switch {
			case sum >= 90*n:
				want = Star5
			case sum >= 70*n:
				want = Star4
			case sum >= 50*n:
				want = Star3
			case sum >= 30*n:
				want = Star2
			}
			if got := Band(mean); got != want {
				t.Fatalf("%d members totalling %d: Band(%v) = %d, want %d", n, sum, mean, got, want)
			}
			if got, want := ScoreHundredths(mean), 100*sum/n; got != want {
				t.Fatalf("%d members totalling %d: ScoreHundredths(%v) = %d, want %d", n, sum, mean, got, want)
			}
		}
	}
}

func TestGateStar(t *testing.T) {
	all := MarksMet{Three: true, Four: true, Five: true}
	for _, tt := range []struct {
		name       string
		band       Star
		met        MarksMet
		want       Star
		wantMissed []Star
	}{
		{"5★ band with every marked option reached is 5★", Star5, all, Star5, nil},
		{"5★ band missing one ***** option is 4★, not a failure", Star5, MarksMet{Three: true, Four: true}, Star4, []Star{Star5}},
		{"5★ band missing a **** option is 3★ even with the ***** ones", Star5, MarksMet{Three: true, Five: true}, Star3, []Star{Star4}},
		{"5★ band missing a *** option is not OCOP: 2★", Star5, MarksMet{Four: true, Five: true}, Star2, []Star{Star3}},
		{"5★ band missing every mark: 2★, all three levels listed", Star5, MarksMet{}, Star2, []Star{Star3, Star4, Star5}},
		{"4★ band: ***** marks are above the band and not checked", Star4, MarksMet{Three: true, Four: true}, Star4, nil},
		{"4★ band missing a **** option is 3★", Star4, MarksMet{Three: true, Five: true}, Star3, []Star{Star4}},
		{"4★ band missing *** and **** options: 2★", Star4, MarksMet{Five: true}, Star2, []Star{Star3, Star4}},
		{"3★ band with the *** options is 3★ whatever the higher marks", Star3, MarksMet{Three: true}, Star3, nil},
		{"Điều 4.1.a: 3★ band missing a *** option is 2★, no certificate", Star3, MarksMet{Four: true, Five: true}, Star2, []Star{Star3}},
		{"2★ band stays 2★: marks do not lift a band", Star2, all, Star2, nil},
		{"2★ band with no marks met is still 2★", Star2, MarksMet{}, Star2, nil},
		{"1★ band stays 1★", Star1, MarksMet{}, Star1, nil},
	} {
		g := GateStar(tt.band, tt.met)
		if g.Band != tt.band || g.Star != tt.want || !slices.Equal(g.Missed, tt.wantMissed) {
			t.Errorf("%s: GateStar(%d, %+v) = %+v, want star %d missed %v", tt.name, tt.band, tt.met, g, tt.want, tt.wantMissed)
		}
		if g.Capped() != (tt.want < tt.band) {
			t.Errorf("%s: Capped() = %v, want %v", tt.name, g.Capped(), tt.want < tt.band)
		}
	}
}

func TestProvinceOutcome(t *testing.T) {
	all := MarksMet{Three: true, Four: true, Five: true}
	for _, tt := range []struct {
		name  string
		score float64
		met   MarksMet
		want  Outcome
	}{
		{"Điều 7.3.e: 92 points with every mark is potential 5★, approved and proposed to the Ministry",
			92, all, Outcome{OutcomeProposeFiveStar, Star5, AuthorityProvince}},
		{"Điều 7.3.e: exactly 90 points is potential 5★", 90, all, Outcome{OutcomeProposeFiveStar, Star5, AuthorityProvince}},
		{"Điều 4.1.b: 92 points missing a ***** option is certified 4★ by the province, not proposed",
			92, MarksMet{Three: true, Four: true}, Outcome{OutcomeCertify, Star4, AuthorityProvince}},
		{"Điều 4.1.a: 89.99 points: the province certifies 4★", 89.99, all, Outcome{OutcomeCertify, Star4, AuthorityProvince}},
		{"Điều 4.1.a: 70 points: the province certifies 4★", 70, all, Outcome{OutcomeCertify, Star4, AuthorityProvince}},
		{"Điều 4.1.a: 55 points: the province certifies 3★", 55, all, Outcome{OutcomeCertify, Star3, AuthorityProvince}},
		{"Điều 4.1.a: 45 points is 2★: no decision, no certificate", 45, all, Outcome{OutcomeNoCertificate, Star2, AuthorityNone}},
		{"Điều 4.1.a: 20 points is 1★: no decision, no certificate", 20, all, Outcome{OutcomeNoCertificate, Star1, AuthorityNone}},
		{"Điều 4.1.a: 75 points missing a *** option: no certificate", 75, MarksMet{Four: true, Five: true}, Outcome{OutcomeNoCertificate, Star2, AuthorityNone}},
	} {
		if got := ProvinceOutcome(GateStar(Band(tt.score), tt.met)); got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestCentralOutcome(t *testing.T) {
	all := MarksMet{Three: true, Four: true, Five: true}
	for _, tt := range []struct {
		name  string
		score float64
		met   MarksMet
		want  Outcome
	}{
		{"Điều 7.4.e: 91 points at the centre with every mark: the Minister certifies 5★", 91, all, Outcome{OutcomeCertify, Star5, AuthorityMinistry}},
		{"Điều 7.4.g: 88 points at the centre: the provincial chair may certify 4★", 88, all, Outcome{OutcomeProvinceMayCertify, Star4, AuthorityProvince}},
		{"Điều 7.4.g: 65 points at the centre: the provincial chair may certify 3★", 65, all, Outcome{OutcomeProvinceMayCertify, Star3, AuthorityProvince}},
		{"Điều 7.4.g by GateStar: 93 points missing a ***** option: the province may certify 4★",
			93, MarksMet{Three: true, Four: true}, Outcome{OutcomeProvinceMayCertify, Star4, AuthorityProvince}},
		{"Điều 4.1.a: 40 points at the centre: no certificate", 40, all, Outcome{OutcomeNoCertificate, Star2, AuthorityNone}},
	} {
		if got := CentralOutcome(GateStar(Band(tt.score), tt.met)); got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestRuleSetAt(t *testing.T) {
	for _, tt := range []struct {
		name string
		date string
		want RuleSet
	}{
		{"before QĐ 1048 there was no national rule set", "2019-08-20", RuleSetNone},
		{"QĐ 1048/QĐ-TTg of 21/08/2019", "2019-08-21", RuleSet1048},
		{"the day before QĐ 148 is still 1048", "2023-02-23", RuleSet1048},
		{"QĐ 148/QĐ-TTg of 24/02/2023 takes effect on signature", "2023-02-24", RuleSet148},
		{"Hanoi's 1147/QĐ-UBND of 04/03/2024 was under 148", "2024-03-04", RuleSet148},
		{"the day before QĐ 1489 is still 148", "2025-07-05", RuleSet148},
		{"QĐ 1489/QĐ-TTg of 06/07/2025 takes effect on signature", "2025-07-06", RuleSet1489},
		{"Điều 11.1: the day before 26/2026 is still 1489", "2026-05-21", RuleSet1489},
		{"Điều 11.1: 26/2026 is in force from 22/05/2026", "2026-05-22", RuleSet26},
		{"26/2026 thereafter", "2030-01-01", RuleSet26},
	} {
		if got := RuleSetAt(mustDate(t, tt.date)); got != tt.want {
			t.Errorf("%s: RuleSetAt(%s) = %q, want %q", tt.name, tt.date, got, tt.want)
		}
	}
}

func TestTransitionDates(t *testing.T) {
	for _, tt := range []struct {
		name string
		got  Date
		want string
	}{
		{"Điều 11.2: 148 and 1489 end 60 days after 22/05/2026", OldRulesLastDay(), "2026-07-21"},
		{"Điều 12.2.a: first ratings under the old rules finish within 60 days", TransitionDeadline(DossierFirst), "2026-07-21"},
		{"Điều 12.2.a: upgrades under the old rules finish within 60 days", TransitionDeadline(DossierUpgrade), "2026-07-21"},
		{"Điều 12.2.b: re-ratings under the old rules finish within 30 days", TransitionDeadline(DossierRerating), "2026-06-21"},
	} {
		if tt.got != mustDate(t, tt.want) {
			t.Errorf("%s: got %v, want %s", tt.name, tt.got, tt.want)
		}
	}
}

func TestRuleSetForDossier(t *testing.T) {
	for _, tt := range []struct {
		name    string
		kind    DossierKind
		filed   string
		decided string
		want    RuleSet
	}{
		{"Điều 12.2.a: first rating filed 10/05/2026, decided on the 60th day: 2021–2025 rules",
			DossierFirst, "2026-05-10", "2026-07-21", RuleSet1489},
		{"Điều 12.2.a: first rating filed 10/05/2026, decided the day after: 26/2026",
			DossierFirst, "2026-05-10", "2026-07-22", RuleSet26},
		{"Điều 12.2.a: upgrade filed 21/05/2026, decided 01/07/2026: 2021–2025 rules",
			DossierUpgrade, "2026-05-21", "2026-07-01", RuleSet1489},
		{"Điều 12.2.b: re-rating filed 10/05/2026, decided on the 30th day: 2021–2025 rules",
			DossierRerating, "2026-05-10", "2026-06-21", RuleSet1489},
		{"Điều 12.2.b: re-rating filed 10/05/2026, decided on the 31st day: 26/2026",
			DossierRerating, "2026-05-10", "2026-06-22", RuleSet26},
		{"Điều 11.1: filed on 22/05/2026: 26/2026 from the first day", DossierFirst, "2026-05-22", "2026-06-10", RuleSet26},
		{"decided before 26/2026: the rules of the decision's date", DossierFirst, "2026-03-01", "2026-05-21", RuleSet1489},
		{"decided under 148: district era", DossierFirst, "2023-10-01", "2024-03-04", RuleSet148},
		{"decided under 1048", DossierFirst, "2021-09-01", "2021-12-01", RuleSet1048},
	} {
		if got := RuleSetForDossier(tt.kind, mustDate(t, tt.filed), mustDate(t, tt.decided)); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestCertifyingAuthority(t *testing.T) {
	for _, tt := range []struct {
		name string
		rs   RuleSet
		star Star
		want Authority
	}{
		{"1048: the province certified 3★", RuleSet1048, Star3, AuthorityProvince},
		{"1048: the province certified 4★", RuleSet1048, Star4, AuthorityProvince},
		{"1048: the centre certified 5★", RuleSet1048, Star5, AuthorityMinistry},
		{"148: the district certified 3★", RuleSet148, Star3, AuthorityDistrict},
		{"148: the province certified 4★", RuleSet148, Star4, AuthorityProvince},
		{"148: the centre certified 5★", RuleSet148, Star5, AuthorityMinistry},
		{"1489: the province certifies 3★", RuleSet1489, Star3, AuthorityProvince},
		{"1489: the province certifies 4★", RuleSet1489, Star4, AuthorityProvince},
		{"Điều 4.1.a: the province certifies 3★", RuleSet26, Star3, AuthorityProvince},
		{"Điều 4.1.a: the province certifies 4★", RuleSet26, Star4, AuthorityProvince},
		{"Điều 4.1.b: the Ministry certifies 5★", RuleSet26, Star5, AuthorityMinistry},
		{"Điều 4.1.a: nobody certifies 2★", RuleSet26, Star2, AuthorityNone},
		{"Điều 4.1.a: nobody certifies 1★", RuleSet148, Star1, AuthorityNone},
		{"no rule set, no authority", RuleSetNone, Star4, AuthorityNone},
	} {
		if got := CertifyingAuthority(tt.rs, tt.star); got != tt.want {
			t.Errorf("%s: CertifyingAuthority(%q, %d) = %q, want %q", tt.name, tt.rs, tt.star, got, tt.want)
		}
	}
	for _, tt := range []struct {
		name string
		star Star
		want Authority
	}{
		{"Điều 8.2.a: the provincial chair revokes 3★, even one a district issued", Star3, AuthorityProvince},
		{"Điều 8.2.a: the provincial chair revokes 4★", Star4, AuthorityProvince},
		{"Điều 8.2.b: the Minister revokes 5★", Star5, AuthorityMinistry},
		{"there is no 2★ certificate to revoke", Star2, AuthorityNone},
	} {
		if got := RevocationAuthority(tt.star); got != tt.want {
			t.Errorf("%s: RevocationAuthority(%d) = %q, want %q", tt.name, tt.star, got, tt.want)
		}
	}
}

func TestExpiry(t *testing.T) {
	for _, tt := range []struct {
		name    string
		decided string
		want    string
	}{
		{"Điều 4.3: Hanoi's decision of 04/03/2024 is valid through 04/03/2027", "2024-03-04", "2027-03-04"},
		{"Điều 4.3: decided 29/02/2024, 2027 has no 29 February: 28/02/2027", "2024-02-29", "2027-02-28"},
		{"Điều 4.3: decided 31/08/2023: 31/08/2026", "2023-08-31", "2026-08-31"},
		{"Điều 4.3: decided 30/11/2023: 30/11/2026", "2023-11-30", "2026-11-30"},
		{"Điều 4.3: decided 28/02/2025: 28/02/2028, not the 29th", "2025-02-28", "2028-02-28"},
		{"Điều 4.3: decided 29/02/2028: 28/02/2031", "2028-02-29", "2031-02-28"},
		{"Điều 4.3: decided 31/01/2026: 31/01/2029", "2026-01-31", "2029-01-31"},
		{"Điều 4.3: decided the day 26/2026 took effect", "2026-05-22", "2029-05-22"},
	} {
		if got := Expiry(mustDate(t, tt.decided)); got != mustDate(t, tt.want) {
			t.Errorf("%s: Expiry(%s) = %v, want %s", tt.name, tt.decided, got, tt.want)
		}
	}
}

func TestReratingWindow(t *testing.T) {
	expiry := mustDate(t, "2027-03-04")
	opens, closes := ReratingWindow(expiry)
	if opens != mustDate(t, "2026-09-05") || closes != mustDate(t, "2026-11-04") {
		t.Errorf("Điều 7.6.a: ReratingWindow(%v) = %v to %v, want 2026-09-05 to 2026-11-04", expiry, opens, closes)
	}
	for _, tt := range []struct {
		name  string
		filed string
		want  bool
	}{
		{"Điều 7.6.a: 181 days before expiry is too early", "2026-09-04", false},
		{"Điều 7.6.a: 180 days before expiry opens the window", "2026-09-05", true},
		{"Điều 7.6.a: inside the window", "2026-10-15", true},
		{"Điều 7.6.a: 120 days before expiry is the last day", "2026-11-04", true},
		{"Điều 7.6.a: 119 days before expiry is too late", "2026-11-05", false},
		{"Điều 7.6.a: after expiry is too late", "2027-03-05", false},
	} {
		if got := InReratingWindow(expiry, mustDate(t, tt.filed)); got != tt.want {
			t.Errorf("%s: InReratingWindow(%v, %s) = %v, want %v", tt.name, expiry, tt.filed, got, tt.want)
		}
	}
}

func TestDeadlines(t *testing.T) {
	for _, tt := range []struct {
		name string
		got  Date
		want string
	}{
		{"Điều 7.6.g: a re-rating complete on 01/06/2026 is decided within 45 days", ReratingDeadline(mustDate(t, "2026-06-01")), "2026-07-16"},
		{"Điều 8.4: revocation within 15 days of the conclusion", RevocationDeadline(mustDate(t, "2026-06-01")), "2026-06-16"},
		{"expiry notice 30 days before expiry", ExpiryNoticeDate(mustDate(t, "2027-03-04")), "2027-02-02"},
	} {
		if tt.got != mustDate(t, tt.want) {
			t.Errorf("%s: got %v, want %s", tt.name, tt.got, tt.want)
		}
	}
	expiry := mustDate(t, "2027-03-04")
	for _, tt := range []struct {
		today string
		want  bool
	}{{"2027-02-01", false}, {"2027-02-02", true}, {"2027-03-04", true}, {"2027-03-05", false}} {
		if got := ExpiryNoticeDue(expiry, mustDate(t, tt.today)); got != tt.want {
			t.Errorf("ExpiryNoticeDue(%v, %s) = %v, want %v", expiry, tt.today, got, tt.want)
		}
	}
}

func TestTransitionalValidUntil(t *testing.T) {
	const expiry = "2027-03-04"
	for _, tt := range []struct {
		name     string
		filed    string
		decided  string
		until    string
		extended bool
	}{
		{"Điều 12.3: filed after the window, still pending: valid at most 180 days after expiry",
			"2026-12-01", "", "2027-08-31", true},
		{"Điều 12.3: filed after the window, decided 40 days after expiry: valid until the decision",
			"2026-12-01", "2027-04-13", "2027-04-13", true},
		{"Điều 12.3: decided 200 days after expiry: the extension stopped at 180 days",
			"2026-12-01", "2027-09-20", "2027-08-31", true},
		{"Điều 12.3: filed on the expiry day: extended", "2027-03-04", "", "2027-08-31", true},
		{"Điều 12.3 reading: filed in the window, still pending at expiry: extended too",
			"2026-10-01", "", "2027-08-31", true},
		{"Điều 7.6.g: filed in the window and decided before expiry: no extension needed",
			"2026-10-01", "2026-11-20", expiry, false},
		{"Điều 12.3 reading: filed after expiry: the certificate is not revived",
			"2027-03-10", "", expiry, false},
		{"no re-rating: no extension", "", "", expiry, false},
	} {
		until, ext := TransitionalValidUntil(mustDate(t, expiry), mustDate(t, tt.filed), mustDate(t, tt.decided))
		if until != mustDate(t, tt.until) || ext != tt.extended {
			t.Errorf("%s: got %v, %v; want %s, %v", tt.name, until, ext, tt.until, tt.extended)
		}
	}
}

func TestCertificateStatusAt(t *testing.T) {
	// A 4★ certificate of Hanoi's decision 1147/QĐ-UBND of 04/03/2024.
	base := CertificateDates{Issued: mustDate(t, "2024-03-04"), Expiry: Expiry(mustDate(t, "2024-03-04"))}
	revoked := base
	revoked.Revoked = mustDate(t, "2025-06-10")
	pending := base
	pending.ReratingFiled = mustDate(t, "2026-12-01")
	decided := pending
	decided.ReratingDecided = mustDate(t, "2027-04-15")
	late := base
	late.ReratingFiled = mustDate(t, "2027-03-10")
	onTime := base
	onTime.ReratingFiled = mustDate(t, "2026-10-01")
	onTime.ReratingDecided = mustDate(t, "2026-11-20")

	for _, tt := range []struct {
		name  string
		c     CertificateDates
		today string
		want  CertStatus
	}{
		{"before its decision a certificate is not valid", base, "2024-03-03", CertNotYetValid},
		{"Điều 4.3: valid from the day of the decision", base, "2024-03-04", CertValid},
		{"31 days before expiry: valid", base, "2027-02-01", CertValid},
		{"30 days before expiry: expiring soon (notice due)", base, "2027-02-02", CertExpiringSoon},
		{"Điều 4.3: the last day of the 36 months: still valid, expiring", base, "2027-03-04", CertExpiringSoon},
		{"Điều 4.3: the day after 36 months: expired", base, "2027-03-05", CertExpired},
		{"Điều 8: valid the day before revocation", revoked, "2025-06-09", CertValid},
		{"Điều 8: revoked from the day of the revocation decision", revoked, "2025-06-10", CertRevoked},
		{"Điều 8: revoked stays revoked after expiry", revoked, "2027-03-05", CertRevoked},
		{"Điều 12.3: re-rating pending: extended the day after expiry", pending, "2027-03-05", CertExtended},
		{"Điều 12.3: re-rating pending: extended on the 180th day", pending, "2027-08-31", CertExtended},
		{"Điều 12.3: re-rating pending: expired on the 181st day", pending, "2027-09-01", CertExpired},
		{"Điều 12.3: extended until the decision day", decided, "2027-04-15", CertExtended},
		{"Điều 12.3: the old certificate ends after the decision", decided, "2027-04-16", CertExpired},
		{"Điều 12.3 reading: a dossier filed after expiry revives nothing", late, "2027-03-10", CertExpired},
		{"re-rated in time and decided before expiry: the old one expires as usual", onTime, "2027-03-05", CertExpired},
	} {
		got := CertificateStatusAt(tt.c, mustDate(t, tt.today))
		if got != tt.want {
			t.Errorf("%s: on %s got %q, want %q", tt.name, tt.today, got, tt.want)
		}
	}
	for _, tt := range []struct {
		s    CertStatus
		want bool
	}{
		{CertValid, true}, {CertExpiringSoon, true}, {CertExtended, true},
		{CertExpired, false}, {CertRevoked, false}, {CertNotYetValid, false},
	} {
		if got := tt.s.Valid(); got != tt.want {
			t.Errorf("%q.Valid() = %v, want %v", tt.s, got, tt.want)
		}
	}
}

func TestProvincialRounds(t *testing.T) {
	r := ProvincialRounds(2026)
	want := [2]Round{
		{LevelProvince, 2026, 1, mustDate(t, "2026-04-30"), mustDate(t, "2026-06-30")},
		{LevelProvince, 2026, 2, mustDate(t, "2026-10-30"), mustDate(t, "2026-12-30")},
	}
	if r != want {
		t.Errorf("Điều 5.1: ProvincialRounds(2026) = %+v, want %+v", r, want)
	}
	for _, tt := range []struct {
		name     string
		proposed string
		year, no int
	}{
		{"Điều 5.1: proposed on 1 January: round 1", "2026-01-01", 2026, 1},
		{"Điều 5.1: proposed on 29 April, before 30 April: round 1", "2026-04-29", 2026, 1},
		{"Điều 5.1: proposed on 30 April is not before 30 April: round 2", "2026-04-30", 2026, 2},
		{"Điều 5.1: proposed on 29 October: round 2", "2026-10-29", 2026, 2},
		{"Điều 5.1: proposed on 30 October: round 1 of next year", "2026-10-30", 2027, 1},
		{"Điều 5.1: proposed on 31 December: round 1 of next year", "2026-12-31", 2027, 1},
	} {
		got := ProvincialRoundFor(mustDate(t, tt.proposed))
		if got.Year != tt.year || got.No != tt.no || got.Level != LevelProvince {
			t.Errorf("%s: got %s round %d of %d, want round %d of %d", tt.name, got.Level, got.No, got.Year, tt.no, tt.year)
		}
		if !mustDate(t, tt.proposed).Before(got.ProposedBefore) {
			t.Errorf("%s: proposed %s is not before the round's limit %v", tt.name, tt.proposed, got.ProposedBefore)
		}
	}
}

func TestMinistryRounds(t *testing.T) {
	for _, tt := range []struct {
		name     string
		proposed string
		year, no int
		decided  string
	}{
		{"Điều 5.2: proposed 29 January: round 2, before 30 March", "2027-01-29", 2027, 2, "2027-03-30"},
		{"Điều 5.2: proposed 30 January: round 1, before 30 September", "2027-01-30", 2027, 1, "2027-09-30"},
		{"Điều 5.2: proposed 29 July: round 1", "2027-07-29", 2027, 1, "2027-09-30"},
		{"Điều 5.2: proposed 30 July: round 2 of next March", "2027-07-30", 2028, 2, "2028-03-30"},
	} {
		got := MinistryRoundFor(mustDate(t, tt.proposed))
		if got.Year != tt.year || got.No != tt.no || got.Level != LevelMinistry || got.DecidedBefore != mustDate(t, tt.decided) {
			t.Errorf("%s: got %+v, want round %d of %d decided before %s", tt.name, got, tt.no, tt.year, tt.decided)
		}
	}
}

func TestRegistrationNumber(t *testing.T) {
	got, err := RegistrationNumber(12, 7, "01", "00004", 2026)
	if err != nil || got != "12-007/PĐK-01-00004-2026" {
		t.Errorf("Mẫu 01: RegistrationNumber(12, 7, 01, 00004, 2026) = %q, %v; want 12-007/PĐK-01-00004-2026", got, err)
	}
	for _, tt := range []struct {
		name              string
		seq, productSeq   int
		province, commune string
		year              int
	}{
		{"sequence 0", 0, 7, "01", "00004", 2026},
		{"product sequence 0", 1, 0, "01", "00004", 2026},
		{"province code of 1 digit", 1, 7, "1", "00004", 2026},
		{"commune code with a dash", 1, 7, "01", "000-4", 2026},
		{"commune code of 4 digits", 1, 7, "01", "0004", 2026},
		{"two-digit year", 1, 7, "01", "00004", 26},
	} {
		if got, err := RegistrationNumber(tt.seq, tt.productSeq, tt.province, tt.commune, tt.year); err == nil {
			t.Errorf("%s: got %q, want an error", tt.name, got)
		}
	}

	for _, tt := range []struct {
		in      string
		seq, ps int
		p, c    string
		year    int
		ok      bool
	}{
		{"12-007/PĐK-01-00004-2026", 12, 7, "01", "00004", 2026, true},
		{"12-007 /PĐK- 01 - 00004 - 2026", 12, 7, "01", "00004", 2026, true}, // spaced as printed on the form
		{"1-1234/PĐK-79-26734-2025", 1, 1234, "79", "26734", 2025, true},
		{"12/PĐK-01-00004-2026", 0, 0, "", "", 0, false},
		{"12-007/PDK-01-00004-2026", 0, 0, "", "", 0, false},
		{"12-007/PĐK-01-00004", 0, 0, "", "", 0, false},
		{"0-007/PĐK-01-00004-2026", 0, 0, "", "", 0, false},
		{"a-007/PĐK-01-00004-2026", 0, 0, "", "", 0, false},
	} {
		seq, ps, p, c, year, err := ParseRegistrationNumber(tt.in)
		if (err == nil) != tt.ok || seq != tt.seq || ps != tt.ps || p != tt.p || c != tt.c || year != tt.year {
			t.Errorf("ParseRegistrationNumber(%q) = %d, %d, %q, %q, %d, %v; want %d, %d, %q, %q, %d, ok=%v",
				tt.in, seq, ps, p, c, year, err, tt.seq, tt.ps, tt.p, tt.c, tt.year, tt.ok)
		}
	}
}
