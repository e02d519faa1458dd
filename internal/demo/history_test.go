package demo_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/db"
	"ocop/internal/dbtest"
	"ocop/internal/demo"
	"ocop/internal/evaluation"
	"ocop/internal/registry"
)

// latestCert is the SQL of each product's latest certificate: the one no
// other certificate of the product was issued after.
const latestCert = `SELECT c.* FROM certificates c WHERE NOT EXISTS (SELECT 1 FROM certificates n WHERE n.product_id = c.product_id
	AND (n.issued_on > c.issued_on OR (n.issued_on = c.issued_on AND n.id > c.id)))`

// TestHistory loads the demo data once per engine and checks the
// evaluation history against the published figures and the rules, through
// SQL written independently of the generator, the evaluation service and
// the web pages.
func TestHistory(t *testing.T) {
	// The histories loaded, by engine: the same seed must give the same
	// history on both.
	digests := map[db.Dialect]string{}
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx, a := e.Ctx(), e.App
		res, err := demo.Load(ctx, a.DB, a.Ref, a.Accounts, a.Registry, demo.Options{Seed: 1, Now: e.Clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("history: %+v", res.History)
		// The same seed gives the same history, whatever the engine.
		digests[a.DB.Dialect()] = historyDigest(t, a.DB)
		if x, y := digests[db.SQLite], digests[db.Postgres]; x != "" && y != "" && x != y {
			t.Errorf("seed 1: the SQLite and PostgreSQL histories differ (digests %s and %s)", x, y)
		}
		today := evaluation.VietnamDate(e.Clock.Now())
		count := func(t *testing.T, q string, args ...any) int {
			t.Helper()
			var n int
			if err := a.DB.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}
		password := map[string]string{}
		for _, acc := range res.Accounts {
			password[acc.Username] = acc.Password
		}
		// login signs in with the printed demo password through the
		// account service and gives the session to a browser-like client,
		// as apptest.Env.Session does: a cookie without an expiry, which the
		// client's jar keeps whatever the test clock says.
		login := func(t *testing.T, username string) *apptest.Client {
			t.Helper()
			sess, _, err := a.Accounts.Login(ctx, username, password[username], "127.0.0.1", "test")
			if err != nil {
				t.Fatalf("sign in as %s: %v", username, err)
			}
			c := e.Anon()
			u, _ := url.Parse(e.Server.URL)
			c.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: "ocop_session", Value: sess.Token, Path: "/"}})
			return c
		}

		t.Run("published figures", func(t *testing.T) {
			if got := count(t, "SELECT COUNT(DISTINCT product_id) FROM certificates"); got != demo.TargetProducts {
				t.Errorf("products evaluated since 2019: got %d, want %d", got, demo.TargetProducts)
			}
			for _, tt := range []struct {
				star       int
				potential5 bool
				want       int
			}{
				{5, false, demo.TargetFiveStar}, {4, true, demo.TargetPotential5}, {4, false, demo.TargetFourStar}, {3, false, demo.TargetThreeStar},
			} {
				if got := count(t, "SELECT COUNT(*) FROM ("+latestCert+") x WHERE x.star = ? AND x.potential5 = ?", tt.star, tt.potential5); got != tt.want {
					t.Errorf("latest certificate %d★ (potential 5★ %v): got %d products, want %d", tt.star, tt.potential5, got, tt.want)
				}
			}
			if got := count(t, "SELECT COUNT(*) FROM ("+latestCert+") x"); got != demo.TargetProducts {
				t.Errorf("products with a latest certificate: got %d, want %d", got, demo.TargetProducts)
			}
			// The latest certificate is the planned star.
			if got := count(t, "SELECT COUNT(*) FROM ("+latestCert+") x JOIN demo_plan d ON d.product_id = x.product_id WHERE x.star <> d.star OR x.potential5 <> d.potential5"); got != 0 {
				t.Errorf("got %d products whose latest certificate is not their planned star, want 0", got)
			}
			// Every product's first certificate falls in its first year.
			if got := count(t, `SELECT COUNT(*) FROM demo_plan d WHERE (SELECT MIN(c.issued_on) FROM certificates c WHERE c.product_id = d.product_id)
				NOT LIKE CAST(d.first_year AS TEXT) || '-%'`); got != 0 {
				t.Errorf("got %d products first certified outside their first year, want 0", got)
			}
		})

		t.Run("the six 5★ products are the real ones", func(t *testing.T) {
			rows, err := a.DB.QueryContext(ctx, `SELECT pr.name, p.name, x.authority, x.number, x.rule_set FROM (`+latestCert+`) x
				JOIN products p ON p.id = x.product_id JOIN producers pr ON pr.id = p.producer_id WHERE x.star = 5 ORDER BY p.name`)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for rows.Next() {
				var producer, product, auth, number, rs string
				if err := rows.Scan(&producer, &product, &auth, &number, &rs); err != nil {
					t.Fatal(err)
				}
				got = append(got, producer+": "+product)
				if auth != string(evaluation.AuthorityMinistry) || !strings.Contains(number, "/GCN-OCOP-TW-") {
					t.Errorf("%s: certificate %s by %s, want the Ministry's (TW)", product, number, auth)
				}
			}
			rows.Close()
			want := []string{
				"Công ty TNHH Gốm sứ Quang Vinh: Bộ bát đĩa gốm sứ chim én hoa sen",
				"Công ty TNHH Gốm sứ Quang Vinh: Bộ bát đĩa gốm sứ hoa sen đỏ",
				"Công ty TNHH Gốm sứ Quang Vinh: Bộ bát đĩa gốm sứ rồng phượng",
				"HTX Sản xuất kinh doanh gốm sứ Tân Thịnh: Bộ sản phẩm gốm men Suối Ngọc",
				"Công ty TNHH Gốm sứ Quang Vinh: Bộ ấm chén gốm sứ chim én hoa sen",
				"Công ty TNHH Dâu tằm tơ Mỹ Đức: Chăn bông tơ tằm tự dệt",
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("5★ products:\ngot  %q\nwant %q", got, want)
			}
			// Each was first a provincial 4★ potential-5★ certificate that
			// the Ministry's superseded, in its first year (2020 for Quang
			// Vinh, 2023 for the other two).
			if got := count(t, `SELECT COUNT(DISTINCT c.product_id) FROM certificates c JOIN demo_plan d ON d.product_id = c.product_id
				JOIN certificates n ON n.id = c.superseded_by
				WHERE d.star = 5 AND c.star = 4 AND c.potential5 = TRUE AND c.authority = 'province' AND n.star = 5 AND n.authority = 'ministry'
				AND c.issued_on LIKE CAST(d.first_year AS TEXT) || '-%' AND n.issued_on LIKE CAST(d.first_year AS TEXT) || '-%'`); got != 6 {
				t.Errorf("5★ products with a superseded provincial potential-5★ certificate in their first year: got %d, want 6", got)
			}
		})

		t.Run("certificates follow the rules of their date", func(t *testing.T) {
			rows, err := a.DB.QueryContext(ctx, `SELECT c.number, c.star, c.issued_on, c.expires_on, c.rule_set, c.authority, d.decided_on, d.authority,
				ds.kind, ds.filed_on FROM certificates c JOIN decisions d ON d.id = c.decision_id JOIN dossiers ds ON ds.id = c.dossier_id`)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for rows.Next() {
				var number, rs, auth, decAuth, kind string
				var star int
				var issued, expires, decided, filed evaluation.Date
				if err := rows.Scan(&number, &star, &issued, &expires, &rs, &auth, &decided, &decAuth, &kind, &filed); err != nil {
					t.Fatal(err)
				}
				n++
				wantRS := evaluation.RuleSetForDossier(evaluation.DossierKind(kind), filed, decided)
				switch {
				case expires != evaluation.Expiry(issued):
					t.Errorf("%s: issued %s, expires %s, want %s", number, issued, expires, evaluation.Expiry(issued))
				case issued != decided:
					t.Errorf("%s: issued %s, its decision is of %s", number, issued, decided)
				case evaluation.RuleSet(rs) != wantRS:
					t.Errorf("%s: rule set %s, want %s (filed %s, decided %s)", number, rs, wantRS, filed, decided)
				case auth != string(evaluation.CertifyingAuthority(wantRS, evaluation.Star(star))) || decAuth != auth:
					t.Errorf("%s: %d★ under %s by %s (decision by %s), want %s", number, star, rs, auth, decAuth,
						evaluation.CertifyingAuthority(wantRS, evaluation.Star(star)))
				}
				if t.Failed() {
					break
				}
			}
			rows.Close()
			if n != res.History.Certificates || n < demo.TargetProducts {
				t.Errorf("got %d certificates, want %d (at least one per product)", n, res.History.Certificates)
			}
			// Districts certified 3★ under 148/QĐ-TTg only, and signed as
			// districts.
			if got := count(t, "SELECT COUNT(*) FROM certificates WHERE authority = 'district' AND (rule_set <> '148' OR star <> 3)"); got != 0 {
				t.Errorf("got %d district certificates outside 148's 3★, want 0", got)
			}
			if got := count(t, "SELECT COUNT(*) FROM decisions WHERE authority = 'district'"); got == 0 {
				t.Error("no district decisions (148/QĐ-TTg, 2023–2025)")
			}
			if got := count(t, `SELECT COUNT(*) FROM decisions WHERE authority = 'district' AND NOT (signer LIKE 'Chủ tịch UBND huyện %'
				OR signer LIKE 'Chủ tịch UBND quận %' OR signer LIKE 'Chủ tịch UBND thị xã %')`); got != 0 {
				t.Errorf("got %d district decisions without a district signer, want 0", got)
			}
			if got := count(t, "SELECT COUNT(*) FROM decisions WHERE number = '1147/QĐ-UBND' AND decided_on = '2024-03-04' AND authority = 'province'"); got != 1 {
				t.Errorf("QĐ 1147/QĐ-UBND of 04/03/2024: got %d, want 1", got)
			}
		})

		t.Run("superseded chains", func(t *testing.T) {
			for _, tt := range []struct{ what, q string }{
				{"superseded by a certificate of another product or an older one", `SELECT COUNT(*) FROM certificates c JOIN certificates n ON n.id = c.superseded_by
					WHERE n.product_id <> c.product_id OR n.issued_on < c.issued_on OR n.id <= c.id`},
				{"both revoked and superseded", "SELECT COUNT(*) FROM certificates WHERE revoked_on <> '' AND superseded_by IS NOT NULL"},
				{"latest certificates superseded", "SELECT COUNT(*) FROM (" + latestCert + ") x WHERE x.superseded_by IS NOT NULL"},
				{"products with more than one certificate not superseded", `SELECT COUNT(*) FROM (SELECT product_id FROM certificates
					WHERE superseded_by IS NULL GROUP BY product_id HAVING COUNT(*) > 1) x`},
				{"earlier certificates not superseded", `SELECT COUNT(*) FROM certificates c WHERE c.superseded_by IS NULL AND EXISTS (
					SELECT 1 FROM certificates n WHERE n.product_id = c.product_id AND n.id > c.id)`},
				{"upgrades and re-ratings without the certificate they build on", `SELECT COUNT(*) FROM dossiers d LEFT JOIN certificates b ON b.id = d.certificate_id
					WHERE d.kind <> 'first' AND (b.id IS NULL OR b.product_id <> d.product_id OR (d.filed_on <> '' AND b.issued_on > d.filed_on))`},
			} {
				if got := count(t, tt.q); got != 0 {
					t.Errorf("%s: got %d, want 0", tt.what, got)
				}
			}
		})

		t.Run("life after certification", func(t *testing.T) {
			// The status of each product's newest certificate, computed by
			// the evaluation service (dates, extensions, revocations).
			ids := strs(t, e, "SELECT CAST(product_id AS TEXT) FROM demo_plan")
			var pids []int64
			for _, s := range ids {
				var id int64
				fmt.Sscan(s, &id)
				pids = append(pids, id)
			}
			cur, err := a.Evaluation.CurrentCertificates(ctx, pids)
			if err != nil {
				t.Fatal(err)
			}
			byStatus := map[evaluation.CertStatus]int{}
			valid := 0
			for _, c := range cur {
				byStatus[c.Status]++
				if c.Valid() {
					valid++
				}
			}
			t.Logf("products by the status of their latest certificate on %s: %v; currently valid %d of %d", today, byStatus, valid, len(cur))
			if len(cur) != demo.TargetProducts || valid <= 0 || valid >= demo.TargetProducts {
				t.Errorf("currently valid: %d of %d products, want some but fewer than %d", valid, len(cur), demo.TargetProducts)
			}
			if valid != res.History.Valid {
				t.Errorf("currently valid: the service counts %d, the load reported %d", valid, res.History.Valid)
			}
			for _, st := range []evaluation.CertStatus{evaluation.CertExpired, evaluation.CertRevoked, evaluation.CertValid} {
				if byStatus[st] == 0 {
					t.Errorf("no product whose latest certificate is %s", st)
				}
			}
			for _, tt := range []struct{ what, q string }{
				{"upgraded", `SELECT COUNT(*) FROM certificates c JOIN dossiers d ON d.id = c.dossier_id JOIN certificates b ON b.id = d.certificate_id
					WHERE d.kind = 'upgrade' AND b.star = 3 AND c.star = 4`},
				{"downgraded", `SELECT COUNT(*) FROM certificates c JOIN dossiers d ON d.id = c.dossier_id JOIN certificates b ON b.id = d.certificate_id
					WHERE d.kind = 'rerating' AND b.star = 4 AND c.star = 3`},
				{"re-rated", `SELECT COUNT(*) FROM certificates c JOIN dossiers d ON d.id = c.dossier_id JOIN certificates b ON b.id = d.certificate_id
					WHERE d.kind = 'rerating' AND c.star = b.star AND b.superseded_by = c.id`},
				{"failed re-rating", "SELECT COUNT(*) FROM dossiers WHERE kind = 'rerating' AND state = 'failed'"},
				{"revoked on a ground of Điều 8.1 with its conclusion, within 15 days", `SELECT COUNT(*) FROM certificates c JOIN decisions d ON d.id = c.revoke_decision
					WHERE d.kind = 'revoke' AND d.decided_on = c.revoked_on AND c.revoke_conclusion <> '' AND c.revoke_concluded_on <> ''
					AND c.revoke_concluded_on <= c.revoked_on AND c.revoke_ground IN ('false_dossier', 'criteria_not_met', 'law_violation',
					'mark_misuse', 'stopped_producing', 'other_conclusion')`},
				{"inspected", "SELECT COUNT(*) FROM inspections"},
			} {
				if got := count(t, tt.q); got == 0 {
					t.Errorf("%s: got none, want some", tt.what)
				}
			}
			if got, want := count(t, "SELECT COUNT(*) FROM certificates WHERE revoked_on <> ''"), count(t, `SELECT COUNT(*) FROM certificates c
				JOIN decisions d ON d.id = c.revoke_decision WHERE d.decided_on = c.revoked_on`); got != want {
				t.Errorf("revoked certificates: %d, with their revocation decision: %d", got, want)
			}
		})

		t.Run("rounds and dossiers", func(t *testing.T) {
			// Two provincial rounds a year from the second of 2019 (QĐ 1048
			// dates from 21/08/2019) to the current one, which is open.
			if got := count(t, "SELECT COUNT(*) FROM rounds WHERE level = 'province'"); got != 15 {
				t.Errorf("provincial rounds 2019–2026: got %d, want 15", got)
			}
			if got := count(t, "SELECT COUNT(*) FROM rounds WHERE status = 'open' AND level = 'province' AND year = 2026 AND no = 2"); got != 1 {
				t.Errorf("open provincial round 2 of 2026: got %d, want 1", got)
			}
			states := strs(t, e, "SELECT DISTINCT state FROM dossiers")
			var want []string
			for _, s := range evaluation.States {
				want = append(want, string(s))
			}
			slices.Sort(want)
			if !slices.Equal(states, want) {
				t.Errorf("dossier states: got %v, want every state %v", states, want)
			}
			if got := count(t, `SELECT COUNT(*) FROM (SELECT product_id FROM dossiers WHERE state NOT IN ('certified', 'failed', 'rejected', 'withdrawn')
				GROUP BY product_id HAVING COUNT(*) > 1) x`); got != 0 {
				t.Errorf("got %d products with two dossiers in progress, want 0", got)
			}
			// Every timeline follows the workflow and ends in the dossier's
			// state, which it reached in as many steps as its version says.
			rows, err := a.DB.QueryContext(ctx, `SELECT e.dossier_id, e.from_state, e.to_state, d.state, d.version FROM dossier_events e
				JOIN dossiers d ON d.id = e.dossier_id ORDER BY e.dossier_id, e.at, e.id`)
			if err != nil {
				t.Fatal(err)
			}
			type tl struct {
				last, state    string
				steps, version int
			}
			all := map[int64]*tl{}
			bad := 0
			for rows.Next() {
				var id int64
				var from, to, state string
				var version int
				if err := rows.Scan(&id, &from, &to, &state, &version); err != nil {
					t.Fatal(err)
				}
				x := all[id]
				if x == nil {
					x = &tl{state: state, version: version}
					all[id] = x
				}
				ok := from == x.last && (from == "" && to == string(evaluation.StateDraft) || arrow(evaluation.State(from), evaluation.State(to)))
				if !ok && bad < 5 {
					t.Errorf("dossier %d: %q → %q after %q is not a step of the workflow", id, from, to, x.last)
				}
				if !ok {
					bad++
				}
				x.last = to
				x.steps++
			}
			rows.Close()
			if len(all) != count(t, "SELECT COUNT(*) FROM dossiers") {
				t.Errorf("got timelines for %d dossiers, want all %d", len(all), count(t, "SELECT COUNT(*) FROM dossiers"))
			}
			for id, x := range all {
				if x.last != x.state || x.steps != x.version {
					t.Errorf("dossier %d: timeline ends in %s after %d steps; the dossier is %s, version %d", id, x.last, x.steps, x.state, x.version)
					break
				}
			}
			if got := count(t, "SELECT COUNT(*) FROM dossiers WHERE state <> 'draft' AND (reg_no IS NULL OR filed_on = '')"); got != 0 {
				t.Errorf("got %d filed dossiers without a registration number or filing date, want 0", got)
			}
			// Proposed dossiers carry the commune's report and samples.
			if got := count(t, `SELECT COUNT(*) FROM dossiers d JOIN products p ON p.id = d.product_id WHERE d.proposed_on <> ''
				AND (d.samples <> CASE WHEN p.category_code LIKE 'VI%' THEN 0 ELSE 5 END OR d.commune_report NOT LIKE '%"raw_materials":"S%')`); got != 0 {
				t.Errorf("got %d proposed dossiers without the commune's report or the samples, want 0", got)
			}
			// Results for every council decision, in the decision's round.
			if got := count(t, `SELECT COUNT(*) FROM decision_items i LEFT JOIN results r ON r.council_id = i.council_id AND r.dossier_id = i.dossier_id
				JOIN decisions d ON d.id = i.decision_id WHERE r.dossier_id IS NULL OR r.computed_at > ?`, e.Clock.Now()); got != 0 {
				t.Errorf("got %d decision items without a result, want 0", got)
			}
		})

		t.Run("the current round is scored on the 26/2026 scorecards", func(t *testing.T) {
			var councilID int64
			if err := a.DB.QueryRowContext(ctx, `SELECT c.id FROM councils c JOIN rounds r ON r.id = c.round_id WHERE r.status = 'open' AND r.level = 'province'
				AND c.status = 'closed' ORDER BY c.id LIMIT 1`).Scan(&councilID); err != nil {
				t.Fatalf("closed council of the current round: %v", err)
			}
			rows, err := a.DB.QueryContext(ctx, `SELECT r.dossier_id, d.criteria_set_id, r.members, r.mean, r.star, d.state FROM results r
				JOIN dossiers d ON d.id = r.dossier_id WHERE r.council_id = ? ORDER BY r.dossier_id`, councilID)
			if err != nil {
				t.Fatal(err)
			}
			type stored struct {
				dossier, set int64
				members      int
				mean         float64
				star         int
				state        string
			}
			var results []stored
			for rows.Next() {
				var s stored
				if err := rows.Scan(&s.dossier, &s.set, &s.members, &s.mean, &s.star, &s.state); err != nil {
					t.Fatal(err)
				}
				results = append(results, s)
			}
			rows.Close()
			if len(results) == 0 || len(results) != count(t, "SELECT COUNT(*) FROM council_dossiers WHERE council_id = ?", councilID) {
				t.Fatalf("council %d: %d results, want one per dossier", councilID, len(results))
			}
			stars := map[int]int{}
			for _, s := range results {
				stars[s.star]++
				set, err := a.Evaluation.Scorecards().GetSet(ctx, nil, s.set)
				if err != nil || set.Status != "active" || set.Decision == "" {
					t.Fatalf("dossier %d: scorecard %d: %v (status %s), want the active one", s.dossier, s.set, err, set.Status)
				}
				// Recompute the result from the submitted sheets.
				sheets := map[int64]*evaluation.MemberSheet{}
				var order []int64
				srows, err := a.DB.QueryContext(ctx, `SELECT s.member_id, s.criterion_id, s.option_id, s.points, s.gate_hit FROM scores s
					JOIN score_sheets h ON h.council_id = s.council_id AND h.dossier_id = s.dossier_id AND h.member_id = s.member_id
					WHERE s.council_id = ? AND s.dossier_id = ? ORDER BY s.member_id`, councilID, s.dossier)
				if err != nil {
					t.Fatal(err)
				}
				for srows.Next() {
					var m, c int64
					var ch evaluation.Choice
					if err := srows.Scan(&m, &c, &ch.OptionID, &ch.Points, &ch.GateHit); err != nil {
						t.Fatal(err)
					}
					if sheets[m] == nil {
						sheets[m] = &evaluation.MemberSheet{MemberID: m, Choices: map[int64]evaluation.Choice{}}
						order = append(order, m)
					}
					sheets[m].Choices[c] = ch
				}
				srows.Close()
				var list []evaluation.MemberSheet
				for _, m := range order {
					list = append(list, *sheets[m])
				}
				r, err := evaluation.ComputeResult(set, evaluation.LevelProvince, list)
				if err != nil {
					t.Fatalf("dossier %d: %v", s.dossier, err)
				}
				if r.Members != s.members || math.Abs(r.Mean-s.mean) > 1e-9 || int(r.Star) != s.star || s.state != string(evaluation.StateScored) {
					t.Errorf("dossier %d: stored %d members, %.3f, %d★, %s; recomputed %d, %.3f, %d★", s.dossier, s.members, s.mean, s.star, s.state,
						r.Members, r.Mean, r.Star)
				}
			}
			t.Logf("closed council %d: %d results, stars %v", councilID, len(results), stars)
			if stars[3] == 0 || stars[4] == 0 {
				t.Errorf("results of the closed council: %v, want 3★ and 4★ among them", stars)
			}
			// The result page and the advisor work on them.
			office := login(t, "office")
			id := results[0].dossier
			if r := office.Get(fmt.Sprintf("/admin/dossiers/%d/result", id)); r.Status != http.StatusOK {
				t.Errorf("GET /admin/dossiers/%d/result as the office: status %d (%s), want 200", id, r.Status, r.Location())
			}
			adv, err := a.Evaluation.DossierAdvice(ctx, e.Admin(), id)
			if err != nil || adv.Source != evaluation.AdviceFromCouncil || adv.Members != results[0].members {
				t.Errorf("advice on dossier %d: source %q, %d members, %v; want the council's %d", id, adv.Source, adv.Members, err, results[0].members)
			}
			// The council still scoring has work left for the demo
			// council member.
			var open, dossier int64
			if err := a.DB.QueryRowContext(ctx, `SELECT c.id, MIN(cd.dossier_id) FROM councils c JOIN council_dossiers cd ON cd.council_id = c.id
				JOIN council_members m ON m.council_id = c.id JOIN users u ON u.id = m.user_id
				WHERE c.status = 'scoring' AND c.level = 'province' AND u.username = 'council' GROUP BY c.id ORDER BY c.id LIMIT 1`).Scan(&open, &dossier); err != nil {
				t.Fatalf("council still scoring: %v", err)
			}
			if r := login(t, "council").Get(fmt.Sprintf("/admin/councils/%d/dossiers/%d/score", open, dossier)); r.Status != http.StatusOK {
				t.Errorf("scoring page of council %d as the demo member: status %d, want 200", open, r.Status)
			}
		})

		t.Run("demo accounts see their part", func(t *testing.T) {
			quangVinh := producerNamed(t, e, "Công ty TNHH Gốm sứ Quang Vinh")
			want := count(t, "SELECT COUNT(*) FROM certificates WHERE producer_id = ?", quangVinh.ID)
			if want < 8 {
				t.Fatalf("Quang Vinh has %d certificates, want its history (at least 8)", want)
			}
			r := login(t, "quangvinh").Get("/admin/certificates")
			if r.Status != http.StatusOK || strings.Count(r.Body, "GCN-OCOP-TW-") < 4 {
				t.Errorf("GET /admin/certificates as quangvinh: status %d, %d Ministry certificates shown; want 200 and its 5★ certificates",
					r.Status, strings.Count(r.Body, "GCN-OCOP-TW-"))
			}
			var regNo string
			if err := a.DB.QueryRowContext(ctx, "SELECT reg_no FROM dossiers WHERE commune_code = '00577' AND state = 'submitted' ORDER BY id LIMIT 1").Scan(&regNo); err != nil {
				t.Fatalf("a submitted dossier in Bát Tràng: %v", err)
			}
			for _, state := range []string{"submitted", "returned"} {
				if got := count(t, "SELECT COUNT(*) FROM dossiers WHERE commune_code = '00577' AND state = ?", state); got == 0 {
					t.Errorf("Bát Tràng's %s queue is empty", state)
				}
			}
			r = login(t, "battrang").Get("/admin/dossiers?state=submitted")
			if r.Status != http.StatusOK || !strings.Contains(r.Body, regNo) {
				t.Errorf("GET /admin/dossiers?state=submitted as battrang: status %d, lists %s: %v; want 200 and it", r.Status, regNo, strings.Contains(r.Body, regNo))
			}
			_, p, err := a.Accounts.Login(ctx, "hd.chutich", password["council"], "127.0.0.1", "test")
			if err != nil || p.Role != account.RoleCouncil {
				t.Errorf("extra council member hd.chutich with the council's password: %+v, %v", p, err)
			}
		})
	})
}

// apptestNow is apptest's clock.
var apptestNow = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

// arrow reports whether the workflow has a step from one state to another.
func arrow(from, to evaluation.State) bool {
	for _, a := range evaluation.Actions(from) {
		if n, ok := evaluation.Next(from, a); ok && n == to {
			return true
		}
	}
	return false
}

// historyDigest fingerprints a load's evaluation history: certificates,
// dossiers, decisions and the current round's scores, as values (not as the
// engine prints them), so that loads on SQLite and PostgreSQL compare.
func historyDigest(t *testing.T, d *db.DB) string {
	t.Helper()
	ctx := context.Background()
	h := sha256.New()
	for _, q := range []struct {
		sql  string
		cols int
	}{
		{"SELECT number, product_id, star, CASE WHEN potential5 THEN 1 ELSE 0 END, issued_on, COALESCE(superseded_by, 0), revoked_on FROM certificates ORDER BY id", 7},
		{"SELECT COALESCE(reg_no, ''), product_id, kind, state, filed_on, proposed_on, version FROM dossiers ORDER BY id", 7},
		{"SELECT number, decided_on, authority, signer FROM decisions ORDER BY id", 4},
		{"SELECT council_id, dossier_id, member_id, criterion_id, option_id FROM scores ORDER BY 1, 2, 3, 4", 5},
		{"SELECT council_id, dossier_id, star, band FROM results ORDER BY 1, 2", 4},
	} {
		rows, err := d.QueryContext(ctx, q.sql)
		if err != nil {
			t.Fatal(err)
		}
		vals := make([]sql.NullString, q.cols)
		ptrs := make([]any, q.cols)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				fmt.Fprintf(h, "%s|", v.String)
			}
			fmt.Fprintln(h)
		}
		rows.Close()
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// TestHistoryDeterministic checks that a seed gives the same history twice.
// When PostgreSQL is configured, TestHistory compares its SQLite and
// PostgreSQL loads instead, which spares two loads (each is slow under the
// race detector, which instruments the pure-Go SQLite).
func TestHistoryDeterministic(t *testing.T) {
	if len(dbtest.Engines()) > 1 {
		t.Skip("covered by TestHistory, which loads the same seed on SQLite and PostgreSQL")
	}
	ref := dbtest.Reference(t)
	digest := func() string {
		d := dbtest.New(t, db.SQLite)
		accounts := account.NewService(d, ref.Units, account.Options{Password: apptest.FastPasswords})
		reg := registry.NewService(d, ref.Units, ref.Categories, accounts, registry.Options{})
		if _, err := demo.Load(context.Background(), d, ref, accounts, reg, demo.Options{Seed: 1, Now: apptestNow}); err != nil {
			t.Fatal(err)
		}
		return historyDigest(t, d)
	}
	if a, b := digest(), digest(); a != b {
		t.Errorf("two loads with seed 1: digests %s and %s, want equal", a, b)
	}
}
