// Package evaluation owns criteria sets (scorecards), rounds, dossiers,
// councils, scores, stars, decisions, certificates, expiry and the upgrade
// advisor: how a product becomes a 3★, 4★, potential-5★ or 5★ OCOP product
// under Decision 26/2026/QĐ-TTg, stays one, climbs, falls or loses it.
//
// The rules of the decision are pure functions in rules.go (bands, the star
// gate, outcomes, rule set and authority by date, expiry, the re-rating
// window and the extension of Điều 12.3, rounds, registration numbers) and
// holidays.go (working days and Vietnam's public holidays), working on the
// civil Date of date.go. Each cites the article it implements and says which
// reading it takes where the text leaves a choice; the tests read like the
// decision. The most important reading is GateStar: the decision gives score
// bands (Điều 3.3) and marks the minimum option of each star level on the
// scorecards, but does not say how the two combine. GateStar awards the
// highest star, within the band, whose marks and all lower marks are met.
//
// It imports registry, account, adminunit, db, apperr.
package evaluation
