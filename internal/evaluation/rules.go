package evaluation

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// This file holds the certification rules of Decision 26/2026/QĐ-TTg (and of
// the decisions before it, for certificates issued under them) as pure
// functions: no database, no clock, no language. Each cites its article;
// rules_test.go reads like the decision. Where the text leaves a choice, the
// doc comment says which reading was taken and why.

// Star is an OCOP rank (hạng sao): 1 to 5, or 0 for "no star" (not rated,
// or rejected by a scorecard gate). Only 3, 4 and 5 stars are OCOP
// products with a decision and a certificate (Điều 4.1.a).
type Star int

// The star levels whose minimum options the scorecards mark with ***,
// **** and ***** (Phụ lục II: "Dấu sao là yêu cầu tối thiểu phải đạt theo
// các cấp độ sao").
const (
	NoStar Star = 0
	Star1  Star = 1
	Star2  Star = 2
	Star3  Star = 3
	Star4  Star = 4
	Star5  Star = 5
)

// Certifiable reports whether a product of this rank gets a decision and a
// certificate: 3, 4 or 5 stars. "Đối với sản phẩm đạt 1 sao hoặc 2 sao,
// không ban hành quyết định công nhận và không cấp giấy chứng nhận"
// (Điều 4.1.a).
func (s Star) Certifiable() bool { return s >= Star3 && s <= Star5 }

// Band returns the rank of a score (Điều 3.3): 90–100 is 5★, 70 to under
// 90 is 4★, 50 to under 70 is 3★, 30 to under 50 is 2★, under 30 is 1★.
//
// The score is "tổng điểm trung bình", the mean of the council members'
// totals (see Mean). Band compares the exact mean with the thresholds,
// never a rounded figure: "từ 70 đến dưới 90" puts 89.995 in 4★, whatever
// two decimals would show. Members' totals are whole points (every option
// of the 26 scorecards is an integer), so the mean is a fraction whose
// float64 value falls on the correct side of every threshold. A score
// above 100 or below 0 is the caller's error; Band still answers 5★ or 1★.
func Band(score float64) Star {
	switch {
	case score >= 90:
		return Star5
	case score >= 70:
		return Star4
	case score >= 50:
		return Star3
	case score >= 30:
		return Star2
	default:
		return Star1
	}
}

// Mean returns the score of a product, "tổng điểm trung bình" (Điều 3.3):
// the mean of the totals the council members gave it. ok is false when
// there is no total to average.
func Mean(totals []float64) (mean float64, ok bool) {
	if len(totals) == 0 {
		return 0, false
	}
	sum := 0.0
	for _, t := range totals {
		sum += t
	}
	return sum / float64(len(totals)), true
}

// ScoreHundredths returns the score to display, in hundredths of a point,
// truncated rather than rounded: 89.995 shows as 89.99, so a figure on
// screen never crosses a band boundary that the exact mean (which decides
// the star, see Band) did not cross. Rounding would print "90.00" beside a
// 4★ result. The interface formats the number (Vietnamese writes "89,99").
//
// A mean of whole-point totals over n members lies either on a hundredth or
// at least 1/n hundredth away from one, far more than float64 error, so the
// small tolerance below only absorbs representation error (71.3 is stored
// as 71.29999…).
func ScoreHundredths(score float64) int {
	return int(math.Floor(score*100 + 1e-6))
}

// MarksMet says, for each star level, whether the product reached every
// option that its scorecard marks as the minimum for that level (*** for
// 3★, **** for 4★, ***** for 5★). A level with no marked option on the
// scorecard is met (set 26 marks no option for 5★). Deciding whether one
// criterion reaches its marked option (the chosen option is the marked one
// or scores more) belongs to the scorecard; GateStar only combines levels.
type MarksMet struct {
	Three, Four, Five bool
}

// Level reports whether the marks of one star level are met; levels below
// 3★ have no marks and are always met.
func (m MarksMet) Level(s Star) bool {
	switch s {
	case Star3:
		return m.Three
	case Star4:
		return m.Four
	case Star5:
		return m.Five
	}
	return true
}

// Gate is the star of a product once its score band has been checked
// against the scorecard's minimum options, with what is needed to explain
// it on the result screen.
type Gate struct {
	// Band is the star of the score alone (Điều 3.3).
	Band Star
	// Star is the star awarded: Band, or lower when minimum options of a
	// level up to Band were missed.
	Star Star
	// Missed lists, in ascending order, the levels from 3★ up to Band whose
	// marked options were not all reached. Levels above Band are not
	// listed: they could not be awarded anyway (the upgrade advisor shows
	// them).
	Missed []Star
}

// Capped reports whether the minimum options lowered the star below the
// band.
func (g Gate) Capped() bool { return g.Star < g.Band }

// GateStar combines a product's score band with the star marks of its
// scorecard and returns the star it is awarded. This is the one place the
// platform decides how the marks gate the bands.
//
// The decision does not say how. The articles give only the bands (Điều
// 3.3); every scorecard of Phụ lục II ends with "Dấu sao là yêu cầu tối
// thiểu phải đạt theo các cấp độ sao (*** - 3 sao; **** - 4 sao; ***** - 5
// sao)", a minimum required for each star level. The reading taken here:
//
//  1. A product is awarded N★ (N = 3, 4 or 5) only if its score is in the
//     N★ band or above, and it reached every option marked for N★ and for
//     every level below N. A minimum "for 3 stars" is a minimum for being
//     an OCOP product at all, so a 4★ or 5★ product must meet it too; the
//     marks of one criterion rise with the level (the *** option scores
//     less than the **** one), so a product that reaches a criterion's
//     **** option has reached its *** one anyway; checking every lower
//     level matters where a level marks a criterion the next does not (in
//     the 26 scorecards of this copy, 86 criteria carry only a *** mark,
//     127 only a ****, 12 only a *****; on every criterion with several
//     marks the higher mark is on an option worth more points).
//  2. When the band is higher than the marks allow, the product gets the
//     highest level whose marks, and all lower marks, are met. A product
//     scoring 92 that misses one ***** option is a 4★ product, not a
//     failed one: the band is a floor it has cleared, the marks a ceiling.
//  3. When even the 3★ marks are missed, the product is not an OCOP product
//     (Điều 4.1.a: no decision, no certificate) and is rated 2★, the
//     highest uncertified rank, which its score (at least 50) clears. This
//     matches published practice under 148/QĐ-TTg: Đồng Tháp revoked six
//     re-rated products that "did not meet the mandatory criteria of 3★".
//     A product in the 1★ or 2★ band keeps it: marks never lift a band.
//
// To be confirmed with the Ministry; the gates printed inside scorecards
// ("Hồ sơ bị loại khi…", "không đánh giá các bước tiếp theo") are separate:
// they reject a dossier or stop its scoring before any band is computed.
func GateStar(band Star, met MarksMet) Gate {
	g := Gate{Band: band, Star: band}
	for level := Star3; level <= band && level <= Star5; level++ {
		if met.Level(level) {
			continue
		}
		g.Missed = append(g.Missed, level)
		if g.Star >= level {
			// The highest level whose marks and all lower marks are met is
			// the one below the first miss.
			g.Star = level - 1
		}
	}
	return g
}

// Authority is who decides and certifies (or revokes) a rank. Values are
// codes; the interface names them.
type Authority string

// The authorities of the programme's rule sets.
const (
	// AuthorityNone: no decision (1★ and 2★ are not certified).
	AuthorityNone Authority = ""
	// AuthorityDistrict: the district People's Committee (UBND cấp huyện),
	// 3★ under 148/QĐ-TTg only; districts were abolished on 1 July 2025.
	AuthorityDistrict Authority = "district"
	// AuthorityProvince: the chair of the provincial People's Committee
	// (Chủ tịch UBND cấp tỉnh).
	AuthorityProvince Authority = "province"
	// AuthorityMinistry: the Minister of Agriculture (Bộ Nông nghiệp và
	// Phát triển nông thôn until 2025, Bộ Nông nghiệp và Môi trường since).
	AuthorityMinistry Authority = "ministry"
)

// OutcomeKind is what happens to a rated product at the end of a round.
type OutcomeKind string

// Outcomes of a provincial or central evaluation.
const (
	// OutcomeNoCertificate: 1★ or 2★, or gated below 3★; no decision
	// and no certificate (Điều 4.1.a).
	OutcomeNoCertificate OutcomeKind = "no_certificate"
	// OutcomeCertify: Authority decides and certifies Star.
	OutcomeCertify OutcomeKind = "certify"
	// OutcomeProposeFiveStar: potential 5★ ("tiềm năng đạt 5 sao"). The
	// provincial chair approves the result (phê duyệt kết quả, not a
	// certificate) and the province proposes the product to the Ministry
	// with the dossier of Điều 6.3 (Điều 7.3.e).
	OutcomeProposeFiveStar OutcomeKind = "propose_5_star"
	// OutcomeProvinceMayCertify: the central council did not rate the
	// product 5★; the provincial chair may certify Star (3★ or 4★) on the
	// central result, or have the province rate it again (Điều 7.4.g).
	OutcomeProvinceMayCertify OutcomeKind = "province_may_certify"
)

// Outcome is the consequence of a result: what kind, which star, who acts.
type Outcome struct {
	Kind OutcomeKind
	// Star is the star certified, proposed or that may be certified; for
	// OutcomeNoCertificate, the uncertified rank.
	Star Star
	// Authority is who takes the next decision: the one who certifies, or
	// the provincial chair who approves a potential 5★ result or may
	// certify on the central result. AuthorityNone when nobody decides.
	Authority Authority
}

// ProvinceOutcome is the consequence of a provincial council's result
// under 26/2026 (and 1489/QĐ-TTg before it), given the gated star:
//
//   - 3★ or 4★: the provincial chair certifies it (Điều 4.1.a, 7.3.đ–e).
//   - 5★ (at least 90 points and every minimum option met): potential 5★;
//     the chair approves the result and the province proposes the product
//     to the Ministry; the province never certifies 5★ (Điều 4.1.b, 7.3.e).
//     The text says only "đạt từ 90 trở lên"; a product of 90 or more that
//     misses a ***** option is gated to 4★ and certified as such rather
//     than sent to a council that could not give it 5★.
//   - otherwise no certificate.
func ProvinceOutcome(g Gate) Outcome {
	switch {
	case g.Star == Star5:
		return Outcome{Kind: OutcomeProposeFiveStar, Star: Star5, Authority: AuthorityProvince}
	case g.Star.Certifiable():
		return Outcome{Kind: OutcomeCertify, Star: g.Star, Authority: AuthorityProvince}
	default:
		return Outcome{Kind: OutcomeNoCertificate, Star: g.Star}
	}
}

// CentralOutcome is the consequence of the central council's result for a
// product the province proposed for 5★ (Điều 7.4):
//
//   - 5★ (at least 90 points and every minimum option met): the Minister
//     certifies it (Điều 7.4.đ–e).
//   - 3★ or 4★: "Trường hợp sản phẩm không đạt 90 điểm, Chủ tịch UBND cấp
//     tỉnh có thể căn cứ vào kết quả đánh giá của Hội đồng cấp trung ương
//     để xem xét, quyết định công nhận và cấp giấy chứng nhận cho sản phẩm
//     OCOP đạt 3 sao, 4 sao hoặc tổ chức đánh giá và phân hạng sản phẩm
//     theo thẩm quyền" (Điều 7.4.g). The same applies, by the reading of
//     GateStar, to 90 or more with a ***** option missed.
//   - otherwise no certificate.
func CentralOutcome(g Gate) Outcome {
	switch {
	case g.Star == Star5:
		return Outcome{Kind: OutcomeCertify, Star: Star5, Authority: AuthorityMinistry}
	case g.Star.Certifiable():
		return Outcome{Kind: OutcomeProvinceMayCertify, Star: g.Star, Authority: AuthorityProvince}
	default:
		return Outcome{Kind: OutcomeNoCertificate, Star: g.Star}
	}
}

// RuleSet names the national decision whose criteria and process governed
// an evaluation. Certificates keep the rule set they were issued under.
type RuleSet string

// The rule sets of the programme since 2019.
const (
	RuleSetNone RuleSet = ""
	// RuleSet1048 is QĐ 1048/QĐ-TTg of 21/08/2019 (amended by 781/QĐ-TTg
	// of 08/06/2020): districts pre-score, the province certifies 3★ and
	// 4★, the centre 5★; parts A/B/C of 35/25/40 points.
	RuleSet1048 RuleSet = "1048"
	// RuleSet148 is QĐ 148/QĐ-TTg of 24/02/2023: the district certifies
	// 3★, the province 4★, the centre 5★; parts of 40/25/35.
	RuleSet148 RuleSet = "148"
	// RuleSet1489 is 148 as amended by QĐ 1489/QĐ-TTg of 06/07/2025 for
	// two-tier local government: communes take dossiers in, the province
	// certifies 3★ and 4★, the centre 5★.
	RuleSet1489 RuleSet = "1489"
	// RuleSet26 is QĐ 26/2026/QĐ-TTg, in force from 22/05/2026.
	RuleSet26 RuleSet = "26/2026"
)

// From returns the first day the rule set governed decisions. A decision
// "có hiệu lực kể từ ngày ký" takes effect on the day it is signed, so
// 148/2023 governs decisions dated 24/02/2023 and 1489/2025 those dated
// 06/07/2025; 26/2026 states its own date (Điều 11.1: "có hiệu lực thi
// hành từ ngày 22 tháng 5 năm 2026").
func (rs RuleSet) From() Date {
	switch rs {
	case RuleSet1048:
		return Date{2019, time.August, 21}
	case RuleSet148:
		return Date{2023, time.February, 24}
	case RuleSet1489:
		return Date{2025, time.July, 6}
	case RuleSet26:
		return Date{2026, time.May, 22}
	}
	return Date{}
}

// RuleSetAt returns the rule set that governs a decision dated d, or a
// dossier filed on d: the newest one in force that day. Before QĐ 1048
// (21/08/2019) there was no national rule set and RuleSetAt returns
// RuleSetNone. For a dossier filed before 22/05/2026 and decided after,
// use RuleSetForDossier, which applies the transition of Điều 12.2.
func RuleSetAt(d Date) RuleSet {
	for _, rs := range [...]RuleSet{RuleSet26, RuleSet1489, RuleSet148, RuleSet1048} {
		if !d.Before(rs.From()) {
			return rs
		}
	}
	return RuleSetNone
}

// OldRulesLastDay is the last day on which 148/QĐ-TTg and 1489/QĐ-TTg were
// in force: they "hết hiệu lực sau 60 ngày kể từ ngày Quyết định này có
// hiệu lực thi hành" (Điều 11.2). Counted as the Civil Code counts (Bộ
// luật Dân sự 2015 Art. 147: the first day of a period is the day after
// the event), the 60 days run from 23/05/2026 to 21/07/2026.
func OldRulesLastDay() Date { return RuleSet26.From().AddDays(60) }

// DossierKind is the kind of a dossier (Điều 6.1; Mẫu 01 item 4: "Lần đầu",
// "Nâng hạng", "Đánh giá lại").
type DossierKind string

// The dossier kinds.
const (
	DossierFirst    DossierKind = "first"    // đánh giá, phân hạng lần đầu (Điều 6.1.a)
	DossierUpgrade  DossierKind = "upgrade"  // nâng hạng (Điều 6.1.b, 7.5)
	DossierRerating DossierKind = "rerating" // đánh giá, phân hạng lại at the end of 36 months (Điều 6.1.c, 7.6)
)

// TransitionDeadline is the last day a dossier filed before 26/2026 took
// effect may be decided under the 2021–2025 rules (Điều 12.2): 60 days
// from 22/05/2026 for first ratings and upgrades (21/07/2026, Điều
// 12.2.a), 30 days for re-ratings (21/06/2026, Điều 12.2.b), counted from
// the day after as in OldRulesLastDay.
func TransitionDeadline(kind DossierKind) Date {
	if kind == DossierRerating {
		return RuleSet26.From().AddDays(30)
	}
	return RuleSet26.From().AddDays(60)
}

// RuleSetForDossier returns the rule set that governs the decision on a
// dossier filed on filed and decided on decided (pass today's date for a
// pending dossier, to know which rules apply now).
//
//   - A decision before 22/05/2026 follows the rule set of its date
//     (RuleSetAt(decided)): the authority that signed it is the one in
//     force that day.
//   - A dossier filed before 22/05/2026 and decided from that day on
//     "tiếp tục thực hiện theo quy định … của giai đoạn 2021 - 2025" (148
//     as amended by 1489) if decided by TransitionDeadline(kind) (Điều
//     12.2). The article does not say what happens after that day; the
//     reading taken is that the old path is closed and the dossier is
//     decided under 26/2026, on the 26/2026 scorecard.
//   - Any other dossier follows 26/2026.
func RuleSetForDossier(kind DossierKind, filed, decided Date) RuleSet {
	start := RuleSet26.From()
	switch {
	case decided.Before(start):
		return RuleSetAt(decided)
	case filed.Before(start) && !decided.After(TransitionDeadline(kind)):
		return RuleSet1489
	default:
		return RuleSet26
	}
}

// CertifyingAuthority returns who decides and certifies a rank under a
// rule set (Điều 4.1 of 26/2026; history in ocop-rules.md 1.5):
//
//   - 1048: the province 3★ and 4★, the centre 5★;
//   - 148: the district 3★, the province 4★, the centre 5★;
//   - 1489 and 26/2026: the province 3★ and 4★, the Ministry 5★.
//
// 1★ and 2★ have no authority: they are not certified.
func CertifyingAuthority(rs RuleSet, s Star) Authority {
	if rs == RuleSetNone || !s.Certifiable() {
		return AuthorityNone
	}
	switch {
	case s == Star5:
		return AuthorityMinistry
	case s == Star3 && rs == RuleSet148:
		return AuthorityDistrict
	default:
		return AuthorityProvince
	}
}

// RevocationAuthority returns who revokes a certificate of the given star
// today (Điều 8.2): the provincial chair for 3★ and 4★, the Minister for
// 5★. It does not depend on the rule set of issue: a 3★ certificate that a
// district issued under 148 is revoked by the province, the district's
// successor since 1 July 2025.
func RevocationAuthority(s Star) Authority {
	return CertifyingAuthority(RuleSet26, s)
}

// RevocationDeadline is the last day to revoke a certificate: "15 ngày kể
// từ ngày có kết luận của cơ quan có thẩm quyền" (Điều 8.4), calendar days
// from the conclusion it rests on.
func RevocationDeadline(conclusion Date) Date { return conclusion.AddDays(15) }

// ValidityMonths is how long a certificate of 3★ or more is valid: "36
// tháng kể từ ngày cơ quan có thẩm quyền ban hành" (Điều 4.3).
const ValidityMonths = 36

// Expiry returns the last day on which a certificate decided on decided is
// valid (Điều 4.3). By the Civil Code (Bộ luật Dân sự 2015 Art. 147–148) a
// period of months starts the day after the decision and ends at the end
// of the corresponding day of the last month, or of that month's last day
// when it has none: a decision of 04/03/2024 is valid through 04/03/2027
// and expired from 05/03/2027; 29/02/2024 runs to 28/02/2027; 31/08/2023 to
// 31/08/2026. The Civil Code's roll-over of a period ending on a day off
// (Art. 148.2) concerns the time to perform an act, not a validity, and is
// not applied: a certificate is never shown as valid after this date.
func Expiry(decided Date) Date {
	return decided.AddMonths(ValidityMonths)
}

// ExpiryNoticeDays is how long before expiry the producer must be told the
// certificate is ending. 26/2026 has no such article; the 30 days come
// from the practice under 148/QĐ-TTg ("Chậm nhất 30 ngày trước ngày hết
// thời hạn 36 tháng", ocop-rules.md 1.8) and the issue.
const ExpiryNoticeDays = 30

// ExpiryNoticeDate is the last day to send the expiry notice.
func ExpiryNoticeDate(expiry Date) Date { return expiry.AddDays(-ExpiryNoticeDays) }

// ExpiryNoticeDue reports whether the expiry notice should go out today:
// from ExpiryNoticeDate up to the expiry itself. A notice job that was
// down on the due day still sends it late rather than never.
func ExpiryNoticeDue(expiry, today Date) bool {
	return !today.Before(ExpiryNoticeDate(expiry)) && !today.After(expiry)
}

// The re-rating window of Điều 7.6.a, in days before expiry.
const (
	ReratingOpensDaysBefore  = 180
	ReratingClosesDaysBefore = 120
)

// ReratingWindow returns the first and last days on which a re-rating
// dossier may be filed: "Thời gian nộp hồ sơ không sớm hơn 180 ngày và
// không muộn hơn 120 ngày tính đến ngày hết thời hạn của giấy chứng nhận"
// (Điều 7.6.a). Both days are inside the window.
func ReratingWindow(expiry Date) (opens, closes Date) {
	return expiry.AddDays(-ReratingOpensDaysBefore), expiry.AddDays(-ReratingClosesDaysBefore)
}

// InReratingWindow reports whether a re-rating dossier filed on filed is
// within the window of Điều 7.6.a.
func InReratingWindow(expiry, filed Date) bool {
	opens, closes := ReratingWindow(expiry)
	return !filed.Before(opens) && !filed.After(closes)
}

// ReratingDays is the longest a re-rating may take: "không quá 45 ngày kể
// từ ngày nhận đủ hồ sơ đề nghị của UBND cấp xã hoặc UBND cấp tỉnh"
// (Điều 7.6.g), calendar days.
const ReratingDays = 45

// ReratingDeadline is the last day to decide a re-rating whose complete
// dossier the province (or the Ministry) received on complete.
func ReratingDeadline(complete Date) Date { return complete.AddDays(ReratingDays) }

// ExtensionDays bounds the extension of Điều 12.3.
const ExtensionDays = 180

// TransitionalValidUntil returns the last day a certificate is valid when
// its product is being re-rated, and whether that is later than expiry.
// filed is the filing date of the re-rating dossier and decided the date of
// the decision on it; the zero Date means none or not yet.
//
// Điều 12.3: "Những sản phẩm thuộc đối tượng đánh giá, phân hạng lại,
// nhưng thời gian nộp hồ sơ không đáp ứng được thời hạn theo quy định tại
// điểm a khoản 6 Điều 7 Quyết định này, thì giấy chứng nhận tiếp tục có
// hiệu lực đến ngày có kết quả xử lý của cơ quan có thẩm quyền, nhưng
// không quá 180 ngày tính từ ngày hết thời hạn."
//
// Readings taken:
//   - The article names products that filed outside the window of Điều
//     7.6.a. A product that filed inside it and still has no decision at
//     expiry gets the same extension: the text cannot mean that the timely
//     producer loses the certificate the late one keeps.
//   - The certificate "tiếp tục có hiệu lực" (continues to be valid), so
//     the dossier must be filed while it is still valid: on or before the
//     expiry date. A dossier filed after expiry does not revive it.
//   - The extension ends on the day of the decision (the new certificate,
//     if any, starts that day) or 180 days after expiry, whichever is
//     first, counted from the day after expiry.
//   - The article sits in the transitional provisions but names no dates,
//     so it is applied to every re-rating, not only those of 2026.
func TransitionalValidUntil(expiry, filed, decided Date) (until Date, extended bool) {
	if filed.IsZero() || filed.After(expiry) {
		return expiry, false
	}
	limit := expiry.AddDays(ExtensionDays)
	switch {
	case decided.IsZero():
		return limit, true
	case !decided.After(expiry):
		return expiry, false
	case decided.Before(limit):
		return decided, true
	default:
		return limit, true
	}
}

// CertStatus is the state of a certificate on a given day. Values are
// codes; the interface names them.
type CertStatus string

// Certificate states.
const (
	// CertNotYetValid: the decision date is in the future.
	CertNotYetValid CertStatus = "not_yet_valid"
	// CertValid: valid and not yet within the expiry notice period.
	CertValid CertStatus = "valid"
	// CertExpiringSoon: valid, within ExpiryNoticeDays of expiry.
	CertExpiringSoon CertStatus = "expiring_soon"
	// CertExtended: past expiry but valid under Điều 12.3 while a
	// re-rating is decided.
	CertExtended CertStatus = "extended"
	// CertExpired: no longer valid.
	CertExpired CertStatus = "expired"
	// CertRevoked: revoked under Điều 8.
	CertRevoked CertStatus = "revoked"
)

// Valid reports whether a certificate in this state is valid: only valid,
// expiring-soon and extended certificates are.
func (s CertStatus) Valid() bool {
	return s == CertValid || s == CertExpiringSoon || s == CertExtended
}

// CertificateDates are the dates that decide a certificate's state. A zero
// Date means the event has not happened.
type CertificateDates struct {
	Issued  Date // date of the decision that issued it (ngày ban hành)
	Expiry  Date // last valid day, normally Expiry(Issued)
	Revoked Date // date of the revocation decision (Điều 8)
	// ReratingFiled and ReratingDecided are the filing and decision dates of
	// the re-rating dossier for this certificate (Điều 7.6), if any.
	ReratingFiled   Date
	ReratingDecided Date
}

// CertificateStatusAt returns the state of a certificate on today.
// Revocation wins over everything from the day of its decision; past
// expiry, a pending or late-decided re-rating may extend it (see
// TransitionalValidUntil); within ExpiryNoticeDays of expiry it is
// expiring soon.
func CertificateStatusAt(c CertificateDates, today Date) CertStatus {
	switch {
	case !c.Revoked.IsZero() && !today.Before(c.Revoked):
		return CertRevoked
	case today.Before(c.Issued):
		return CertNotYetValid
	case !today.After(c.Expiry):
		if ExpiryNoticeDue(c.Expiry, today) {
			return CertExpiringSoon
		}
		return CertValid
	}
	if until, ok := TransitionalValidUntil(c.Expiry, c.ReratingFiled, c.ReratingDecided); ok && !today.After(until) {
		return CertExtended
	}
	return CertExpired
}

// Level is the level that runs a round: the province or the Ministry.
type Level string

// Evaluation levels (Điều 4.1).
const (
	LevelProvince Level = "province"
	LevelMinistry Level = "ministry"
)

// Round is one of the evaluation rounds (đợt) the decision requires each
// year. Both bounds are exclusive, as the text says "trước ngày": a dossier
// proposed on 29 April is in round 1, one proposed on 30 April is not.
type Round struct {
	Level Level
	// Year is the calendar year in which the round is held.
	Year int
	// No is the round's number as the decision numbers it.
	No int
	// ProposedBefore: the round takes the dossiers proposed before this day
	// (by the commune for provincial rounds, by the province for central
	// ones).
	ProposedBefore Date
	// DecidedBefore: the round is evaluated before this day.
	DecidedBefore Date
}

// ProvincialRounds returns the two provincial rounds of a year (Điều 5.1):
// "Đợt 01 trước ngày 30 tháng 6 đối với các hồ sơ được UBND cấp xã đề nghị
// trước ngày 30 tháng 4; đợt 02 trước ngày 30 tháng 12 đối với các hồ sơ
// được UBND cấp xã đề nghị trước ngày 30 tháng 10." Extra rounds, which
// the council's rules may add, are data.
func ProvincialRounds(year int) [2]Round {
	return [2]Round{
		{LevelProvince, year, 1, Date{year, time.April, 30}, Date{year, time.June, 30}},
		{LevelProvince, year, 2, Date{year, time.October, 30}, Date{year, time.December, 30}},
	}
}

// ProvincialRoundFor returns the first provincial round that takes a
// dossier the commune proposed on proposed: round 1 of that year before 30
// April, round 2 before 30 October, otherwise round 1 of the next year.
func ProvincialRoundFor(proposed Date) Round {
	for _, r := range ProvincialRounds(proposed.Y) {
		if proposed.Before(r.ProposedBefore) {
			return r
		}
	}
	return ProvincialRounds(proposed.Y + 1)[0]
}

// MinistryRounds returns the two central rounds held in a calendar year, in
// date order (Điều 5.2): "Đợt 01 trước ngày 30 tháng 9 đối với các hồ sơ
// được UBND cấp tỉnh đề nghị trước ngày 30 tháng 7; đợt 02 trước ngày 30
// tháng 3 đối với các hồ sơ được UBND cấp tỉnh đề nghị trước ngày 30 tháng
// 01." The decision numbers the September round 1 and the March round 2,
// so in a calendar year round 2 comes first; the numbers are kept as
// printed.
func MinistryRounds(year int) [2]Round {
	return [2]Round{
		{LevelMinistry, year, 2, Date{year, time.January, 30}, Date{year, time.March, 30}},
		{LevelMinistry, year, 1, Date{year, time.July, 30}, Date{year, time.September, 30}},
	}
}

// MinistryRoundFor returns the first central round that takes a dossier
// the province proposed on proposed.
func MinistryRoundFor(proposed Date) Round {
	for _, r := range MinistryRounds(proposed.Y) {
		if proposed.Before(r.ProposedBefore) {
			return r
		}
	}
	return MinistryRounds(proposed.Y + 1)[0]
}

// RegistrationNumber returns the number of a registration form (Phiếu
// đăng ký, Mẫu 01 of Phụ lục III), printed on the form as
// "Phiếu số: ……-……. /PĐK- (Mã tỉnh) - (Mã xã) - (Năm)".
//
// The form leaves two blanks before "/PĐK" and does not name them. The
// rest of the number is the product code (T)-(X)-(STT)-(year) without its
// STT, so the reading taken is: the first blank is the form's number in the
// receiving office's register for the year (seq), the second the product's
// sequence number in its commune, the STT of its product code (productSeq,
// printed with three digits as the registry prints it). A form for product
// 01-00004-007-2026 received twelfth in 2026 is "12-007/PĐK-01-00004-2026".
// Province codes have 2 digits and commune codes 5 (Decision 19/2025/QĐ-TTg).
func RegistrationNumber(seq, productSeq int, province, commune string, year int) (string, error) {
	switch {
	case seq < 1 || productSeq < 1:
		return "", fmt.Errorf("registration number: sequence numbers start at 1, got %d and %d", seq, productSeq)
	case !digits(province, 2):
		return "", fmt.Errorf("registration number: province code %q: want 2 digits", province)
	case !digits(commune, 5):
		return "", fmt.Errorf("registration number: commune code %q: want 5 digits", commune)
	case year < 1000 || year > 9999:
		return "", fmt.Errorf("registration number: year %d: want 4 digits", year)
	}
	return fmt.Sprintf("%d-%03d/PĐK-%s-%s-%d", seq, productSeq, province, commune, year), nil
}

// ParseRegistrationNumber splits a number made by RegistrationNumber. It
// accepts the spaces the printed form puts around the dashes.
func ParseRegistrationNumber(s string) (seq, productSeq int, province, commune string, year int, err error) {
	bad := func() (int, int, string, string, int, error) {
		return 0, 0, "", "", 0, fmt.Errorf("registration number %q: want N-STT/PĐK-(province)-(commune)-(year)", s)
	}
	s2 := strings.ReplaceAll(s, " ", "")
	head, tail, ok := strings.Cut(s2, "/PĐK-")
	if !ok {
		return bad()
	}
	h := strings.Split(head, "-")
	t := strings.Split(tail, "-")
	if len(h) != 2 || len(t) != 3 || !digits(h[0], 0) || !digits(h[1], 0) || !digits(t[2], 4) {
		return bad()
	}
	seq, _ = strconv.Atoi(h[0])
	productSeq, _ = strconv.Atoi(h[1])
	year, _ = strconv.Atoi(t[2])
	// RegistrationNumber validates the rest; parse only what it would make.
	if _, err := RegistrationNumber(seq, productSeq, t[0], t[1], year); err != nil {
		return bad()
	}
	return seq, productSeq, t[0], t[1], year, nil
}

// digits reports whether s is all ASCII digits, of length n (any non-zero
// length up to 9 when n is 0).
func digits(s string, n int) bool {
	if n == 0 && (len(s) == 0 || len(s) > 9) || n > 0 && len(s) != n {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
