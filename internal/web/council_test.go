package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/db"
	"ocop/internal/evaluation"
	"ocop/internal/registry"
)

// councilSeq keeps fixture names apart within a test database.
var councilSeq atomic.Int64

// councilTestRound opens a provincial round of 2026 directly in the
// database, so that these tests do not depend on the rounds pages.
func councilTestRound(t testing.TB, e *apptest.Env) int64 {
	t.Helper()
	var no int
	if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT COALESCE(MAX(no), 0) + 1 FROM rounds WHERE level = 'province' AND year = 2026").Scan(&no); err != nil {
		t.Fatal(err)
	}
	id, err := db.Insert(e.Ctx(), e.App.DB, `INSERT INTO rounds (level, year, no, title, proposed_before, decided_before, extra, status, created_at, version)
		VALUES ('province', 2026, ?, ?, '2026-10-30', '2026-12-30', ?, 'open', ?, 1)`, no, fmt.Sprintf("Đợt %d năm 2026", no), no > 2, e.Clock.Now().UTC())
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// councilTestDossier creates a producer in commune, its product in the
// category, and a dossier the provincial office has accepted.
func councilTestDossier(t testing.TB, e *apptest.Env, commune, category string, kind evaluation.DossierKind) (int64, registry.Producer, registry.Product) {
	t.Helper()
	n := councilSeq.Add(1)
	producer := e.Producer(fmt.Sprintf("HTX Nông sản %d", n), commune)
	product := e.Product(producer.ID, fmt.Sprintf("Mứt sấy dẻo %d", n), category)
	return councilTestDossierOf(t, e, producer.ID, product.ID, commune, category, kind), producer, product
}

// councilTestDossierOf inserts, directly in the database, a dossier of an
// existing product that the provincial office has accepted, with the
// active scorecard of the category and empty forms: the state a council
// takes dossiers in. These tests do not depend on the dossier pages.
func councilTestDossierOf(t testing.TB, e *apptest.Env, producerID, productID int64, commune, category string, kind evaluation.DossierKind) int64 {
	t.Helper()
	cat, ok := e.App.Registry.Categories().Get(category)
	if !ok {
		t.Fatalf("no category %s", category)
	}
	var setID int64
	if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT id FROM criteria_sets WHERE set_no = ? AND status = 'active'", cat.ScorecardSet).Scan(&setID); err != nil {
		t.Fatal(err)
	}
	now := e.Clock.Now().UTC()
	id, err := db.Insert(e.Ctx(), e.App.DB, `INSERT INTO dossiers (reg_no, product_id, producer_id, commune_code, kind, state, criteria_set_id,
		round_id, form01, form02, changes, updates, filed_on, commune_due, return_items, return_due, reject_reason, commune_report,
		samples, proposed_on, complete_on, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, 'accepted', ?, NULL, '{}', '{}', '{}', '{}', '2026-09-01', '2026-09-22', '', '', '', '{}', 5, '2026-09-15', '2026-09-20', ?, ?, 1)`,
		fmt.Sprintf("%d/PĐK-01-%s-2026", councilSeq.Add(1), commune), productID, producerID, commune, string(kind), setID, now, now)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// councils adds to the authorization fixture a council chaired by the
// fixture's council user with an accepted dossier of producer A before it
// ("own"), and a council the user is not on with a dossier of producer B
// ("other"): the {id} of /admin/councils/{id}, the {did} of the scoring
// pages and, unless the dossier pages set it, the {id} of
// /admin/dossiers/{id}/notes and /result.
func (f *authzFixture) councils(t *testing.T, councilUser string) {
	t.Helper()
	e := f.e
	round := councilTestRound(t, e)
	office := &account.Principal{Username: "fixture", Role: account.RoleOffice}
	var ids [2]string
	var dossiers [2]string
	for i, side := range []struct {
		chair   string
		commune string
	}{{councilUser, "00577"}, {e.User(account.RoleCouncil), "00008"}} {
		u, err := e.App.Accounts.UserByName(e.Ctx(), side.chair)
		if err != nil {
			t.Fatal(err)
		}
		var producer, product int64
		if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT p.id, p.producer_id FROM products p JOIN producers pr ON pr.id = p.producer_id WHERE pr.commune_code = ? ORDER BY p.id LIMIT 1",
			side.commune).Scan(&product, &producer); err != nil {
			t.Fatal(err)
		}
		var category string
		if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT category_code FROM products WHERE id = ?", product).Scan(&category); err != nil {
			t.Fatal(err)
		}
		d := councilTestDossierOf(t, e, producer, product, side.commune, category, evaluation.DossierFirst)
		c, err := e.App.Evaluation.CreateCouncil(e.Ctx(), office, evaluation.CouncilInput{RoundID: round, Name: "Hội đồng " + side.commune,
			DecisionNo: "1/QĐ-UBND", FormedOn: "2026-11-02", ChairID: u.ID, ChairDepartment: "people_committee"})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.App.Evaluation.AssignDossiers(e.Ctx(), office, c.ID, []int64{d}); err != nil {
			t.Fatal(err)
		}
		ids[i], dossiers[i] = itoa(c.ID), itoa(d)
	}
	f.own["councils/{id}"], f.other["councils/{id}"] = ids[0], ids[1]
	f.own["{did}"], f.other["{did}"] = dossiers[0], dossiers[1]
	if _, ok := f.own["dossiers/{id}"]; !ok {
		f.own["dossiers/{id}"], f.other["dossiers/{id}"] = dossiers[0], dossiers[1]
	}
}

// councilWorld is a round with an accepted set-7 dossier and the people of
// a council: the office, a chair and two members who score, a secretary
// and an advisor who do not, and a council user who is on no council.
type councilWorld struct {
	e        *apptest.Env
	round    int64
	dossier  int64
	producer registry.Producer
	product  registry.Product
	users    map[string]string // role in the story → username
	ids      map[string]int64
}

func newCouncilWorld(t testing.TB, e *apptest.Env) *councilWorld {
	t.Helper()
	w := &councilWorld{e: e, users: map[string]string{}, ids: map[string]int64{}}
	w.round = councilTestRound(t, e)
	w.dossier, w.producer, w.product = councilTestDossier(t, e, "00577", "I.3.c", evaluation.DossierFirst)
	for who, role := range map[string]account.Role{"office": account.RoleOffice, "chair": account.RoleCouncil, "m1": account.RoleCouncil,
		"m2": account.RoleCouncil, "secretary": account.RoleCouncil, "advisor": account.RoleCouncil, "outsider": account.RoleCouncil} {
		name := e.User(role)
		u, err := e.App.Accounts.UserByName(e.Ctx(), name)
		if err != nil {
			t.Fatal(err)
		}
		w.users[who], w.ids[who] = name, u.ID
	}
	return w
}

func (w *councilWorld) principal(who string) *account.Principal {
	role := account.RoleCouncil
	if who == "office" {
		role = account.RoleOffice
	}
	return &account.Principal{UserID: w.ids[who], Username: w.users[who], DisplayName: "Test " + w.users[who], Role: role}
}

// council forms a council through the service with the whole cast and the
// dossiers assigned; written decides by written opinions.
func (w *councilWorld) council(t testing.TB, written bool, dossiers ...int64) int64 {
	t.Helper()
	ctx, office := w.e.Ctx(), w.principal("office")
	c, err := w.e.App.Evaluation.CreateCouncil(ctx, office, evaluation.CouncilInput{RoundID: w.round, Name: fmt.Sprintf("Hội đồng %d", councilSeq.Add(1)),
		DecisionNo: "1234/QĐ-UBND", FormedOn: "2026-11-02", Written: written, ChairID: w.ids["chair"], ChairDepartment: "people_committee"})
	if err != nil {
		t.Fatal(err)
	}
	for who, role := range map[string]string{"m1": "member", "m2": "member", "secretary": "secretary", "advisor": "advisor"} {
		if err := w.e.App.Evaluation.SetCouncilMember(ctx, office, c.ID, evaluation.MemberInput{UserID: w.ids[who], Role: role, Department: "agri_env"}); err != nil {
			t.Fatal(err)
		}
	}
	if len(dossiers) > 0 {
		if err := w.e.App.Evaluation.AssignDossiers(ctx, office, c.ID, dossiers); err != nil {
			t.Fatal(err)
		}
	}
	return c.ID
}

// set returns the dossier's scorecard.
func councilTestSet(t testing.TB, e *apptest.Env, dossier int64) *evaluation.CriteriaSet {
	t.Helper()
	var setID int64
	if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT criteria_set_id FROM dossiers WHERE id = ?", dossier).Scan(&setID); err != nil {
		t.Fatal(err)
	}
	set, err := e.App.Evaluation.Scorecards().GetSet(e.Ctx(), e.Admin(), setID)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// councilSheet is the whole-page form of a sheet: the top option of every
// criterion (yes/no: met), except the positions given by criterion number.
func councilSheet(set *evaluation.CriteriaSet, pos map[string]int) url.Values {
	f := url.Values{}
	set.Each(func(_ *evaluation.Part, _ *evaluation.Section, c *evaluation.Criterion) {
		best := c.Options[0]
		for _, o := range c.Options {
			if o.Points.Value > best.Points.Value {
				best = o
			}
		}
		if p, ok := pos[c.No]; ok {
			o, _ := c.Option(p)
			best = *o
		}
		f.Set(fmt.Sprintf("c%d", c.ID), fmt.Sprint(best.ID))
		f.Set(fmt.Sprintf("v%d", c.ID), "0")
	})
	return f
}

func councilCrit(t testing.TB, set *evaluation.CriteriaSet, no string) *evaluation.Criterion {
	t.Helper()
	c, _, ok := set.Criterion(no)
	if !ok {
		t.Fatalf("no criterion %s", no)
	}
	return c
}

func councilScorePath(council, dossier int64) string {
	return "/admin/councils/" + itoa(council) + "/dossiers/" + itoa(dossier)
}

func councilCount(t testing.TB, e *apptest.Env, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.App.DB.QueryRowContext(e.Ctx(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The "done when": a council of three scores a set-7 dossier; the
// result is 4★ with the starred option for 5★ missed on one criterion,
// explained on screen. Along the way: the office forms the council and
// assigns the dossier, the advisory group records a field visit, nobody
// sees another's sheet before submitting their own, and every state
// change writes its event and audit row.
func TestCouncilScoresDossierToFourStars(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newCouncilWorld(t, e)
		office := e.Session(w.users["office"])

		// The office forms the council for the round, with its chair.
		r := office.PostForm("/admin/councils", url.Values{"round_id": {itoa(w.round)}, "name": {"Hội đồng OCOP Hà Nội đợt 2/2026"},
			"decision_no": {"4567/QĐ-UBND"}, "formed_on": {"2026-11-02"}, "chair_id": {itoa(w.ids["chair"])}, "chair_department": {"people_committee"}})
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/admin/councils/") {
			t.Fatalf("form council: status %d\n%s", r.Status, r.Body)
		}
		cid := r.Location()[len("/admin/councils/"):]
		base := "/admin/councils/" + cid
		for who, role := range map[string]string{"m1": "member", "m2": "member", "secretary": "secretary", "advisor": "advisor"} {
			if r := office.PostForm(base+"/members", url.Values{"user_id": {itoa(w.ids[who])}, "role": {role}, "department": {"health"}}); r.Status != http.StatusSeeOther {
				t.Fatalf("add %s: status %d\n%s", who, r.Status, r.Body)
			}
		}
		if r := office.PostForm(base+"/assign", url.Values{"dossier": {itoa(w.dossier)}}); r.Status != http.StatusSeeOther {
			t.Fatalf("assign: status %d\n%s", r.Status, r.Body)
		}
		if r := office.Get(base); r.Status != 200 || !strings.Contains(r.Body, w.product.Name) || !strings.Contains(r.Body, "0/32 tiêu chí") {
			t.Errorf("council page: status %d, lists the dossier with no progress: %v", r.Status, strings.Contains(r.Body, "0/32 tiêu chí"))
		}

		// The advisory group records a field visit; members see it while scoring.
		advisor := e.Session(w.users["advisor"])
		if r := advisor.PostForm("/admin/dossiers/"+itoa(w.dossier)+"/notes", url.Values{"kind": {"field_visit"}, "body": {"Đã khảo sát cơ sở sản xuất, vùng nguyên liệu đạt."}, "on_date": {"2026-11-10"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("advisory note: status %d\n%s", r.Status, r.Body)
		}

		set := councilTestSet(t, e, w.dossier)
		c63 := councilCrit(t, set, "6.3")
		path := "/admin/councils/" + cid + "/dossiers/" + itoa(w.dossier)
		chair, m1, m2 := e.Session(w.users["chair"]), e.Session(w.users["m1"]), e.Session(w.users["m2"])
		name := func(who string) string { return "Test " + w.users[who] }

		// Member 1 scores 6.3 (color) at the 4★ option and submits.
		if r := m1.Get(path + "/score"); r.Status != 200 || !strings.Contains(r.Body, "Rất phù hợp với đặc tính sản phẩm") || !strings.Contains(r.Body, "vùng nguyên liệu đạt") {
			t.Fatalf("workspace: status %d", r.Status)
		}
		if r := m1.PostForm(path+"/score", councilSheet(set, map[string]int{"6.3": 3})); r.Status != http.StatusSeeOther {
			t.Fatalf("m1 save: status %d\n%s", r.Status, r.Body)
		}
		if r := m1.PostForm(path+"/submit", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("m1 submit: status %d\n%s", r.Status, r.Body)
		}

		// Member 2 has not submitted: neither the page nor the JSON of a save
		// shows member 1's sheet.
		f := councilSheet(set, map[string]int{"6.3": 3})
		if r := m2.PostForm(path+"/score", f); r.Status != http.StatusSeeOther {
			t.Fatalf("m2 save: status %d\n%s", r.Status, r.Body)
		}
		r = m2.Get(path + "/score")
		if strings.Contains(r.Body, name("m1")+"<") || strings.Contains(r.Body, name("m1")+":") || strings.Contains(r.Body, `class="others"`) || strings.Contains(r.Body, `id="others"`) {
			t.Errorf("before submitting, member 2 sees member 1's sheet")
			i := strings.Index(r.Body, name("m1"))
			t.Logf("%s", r.Body[max(0, i-300):min(len(r.Body), i+200)])
		}
		req, _ := http.NewRequest(http.MethodPost, e.Server.URL+path+"/score", strings.NewReader(url.Values{"only": {itoa(c63.ID)},
			fmt.Sprintf("c%d", c63.ID): {f.Get(fmt.Sprintf("c%d", c63.ID))}, fmt.Sprintf("v%d", c63.ID): {"1"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		req.Header.Set("X-CSRF-Token", m2.CSRF())
		if r := m2.Do(req); r.Status != 200 || strings.Contains(r.Body, "member") || !strings.Contains(r.Body, `"total":99`) {
			t.Errorf("JSON save: status %d, want 200 with own totals only\n%s", r.Status, r.Body)
		}
		if r := m2.PostForm(path+"/submit", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("m2 submit: status %d\n%s", r.Status, r.Body)
		}
		// Once submitted, member 2 sees member 1's total.
		if r := m2.Get(path + "/score"); !strings.Contains(r.Body, name("m1")) || !strings.Contains(r.Body, "Phiếu của các thành viên đã nộp") {
			t.Errorf("after submitting, member 2 does not see member 1's sheet")
		}

		// The chair cannot close while their own sheet is missing, and is told whose.
		r = chair.PostForm(base+"/close", nil)
		if r.Status != http.StatusConflict || !strings.Contains(r.Body, name("chair")) || !strings.Contains(r.Body, w.product.Name) {
			t.Errorf("close with a missing sheet: status %d, want 409 naming the chair and the dossier", r.Status)
		}
		if r := chair.PostForm(path+"/score", councilSheet(set, nil)); r.Status != http.StatusSeeOther {
			t.Fatalf("chair save: status %d\n%s", r.Status, r.Body)
		}
		if r := chair.PostForm(path+"/submit", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("chair submit: status %d\n%s", r.Status, r.Body)
		}
		if r := office.PostForm(base+"/close", nil); r.Status != http.StatusForbidden {
			t.Errorf("office closes: status %d, want 403 (the chair closes)", r.Status)
		}
		if r := chair.PostForm(base+"/close", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("close: status %d\n%s", r.Status, r.Body)
		}

		// The result: 99.33 in the 5★ band, the 5★ option of 6.3 reached by
		// one member of three, so 4★, certified by the province.
		var mean float64
		var band, star int
		var outcome, state string
		if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT r.mean, r.band, r.star, r.outcome, d.state FROM results r JOIN dossiers d ON d.id = r.dossier_id WHERE r.dossier_id = ?", w.dossier).
			Scan(&mean, &band, &star, &outcome, &state); err != nil {
			t.Fatal(err)
		}
		if evaluation.ScoreHundredths(mean) != 9933 || band != 5 || star != 4 || outcome != "certify" || state != "scored" {
			t.Errorf("got mean %v band %d star %d outcome %s state %s, want 99.33, 5, 4, certify, scored", mean, band, star, outcome, state)
		}
		r = office.Get("/admin/dossiers/" + itoa(w.dossier) + "/result")
		for _, want := range []string{"99,33", "★★★★", "công nhận sản phẩm OCOP 4 sao", "thuộc khung 5 sao, nhưng chưa đạt yêu cầu tối thiểu (dấu sao) của mức 5 sao",
			"Rất phù hợp với đặc tính sản phẩm", "1/3", "chưa đạt", name("m1"), "Phần C"} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("result screen lacks %q", want)
			}
		}
		// The 6.3 row reads: required "Rất phù hợp" (3 points), the council's choice "Phù hợp" (2 points), 1/3, missed.
		five := r.Body[strings.Index(r.Body, `id="level-5"`):]
		if i := strings.Index(five, "<strong>6.3</strong>"); i < 0 || !strings.Contains(five[i:i+900], "✗") || !strings.Contains(five[i:i+900], "Phù hợp với đặc tính sản phẩm <small>(2") {
			t.Errorf("result screen: the 5★ mark of 6.3 is not shown as missed")
		}
		// The producer and the commune see it now, without the members' names.
		for _, who := range []string{e.ProducerUser(w.producer.ID), e.User(account.RoleCommune, "00577")} {
			r := e.Session(who).Get("/admin/dossiers/" + itoa(w.dossier) + "/result")
			if r.Status != 200 || !strings.Contains(r.Body, "★★★★") || strings.Contains(r.Body, name("m1")) {
				t.Errorf("%s: result status %d, shows names %v", who, r.Status, strings.Contains(r.Body, name("m1")))
			}
		}

		// A closed council takes no more scores.
		if r := m1.PostForm(path+"/score", councilSheet(set, nil)); r.Status != http.StatusConflict || !strings.Contains(r.Body, "đã đóng chấm điểm") {
			t.Errorf("score after close: status %d, want 409", r.Status)
		}

		// Every state change wrote its event and audit row.
		for _, tt := range []struct{ from, to string }{{"accepted", "in_council"}, {"in_council", "scored"}} {
			if n := councilCount(t, e, "SELECT COUNT(*) FROM dossier_events WHERE dossier_id = ? AND from_state = ? AND to_state = ?", w.dossier, tt.from, tt.to); n != 1 {
				t.Errorf("events %s → %s: got %d, want 1", tt.from, tt.to, n)
			}
		}
		for _, action := range []string{"dossier.assign", "dossier.close", "council.create", "council.close", "score.save", "score.submit", "dossier.advisory_note", "council.member"} {
			if n := councilCount(t, e, "SELECT COUNT(*) FROM audit_log WHERE action = ?", action); n == 0 {
				t.Errorf("no audit row %s", action)
			}
		}
		// The audit of saves names criteria, never options or totals.
		if n := councilCount(t, e, "SELECT COUNT(*) FROM audit_log WHERE action IN ('score.save', 'score.submit') AND (after LIKE '%option%' OR after LIKE '%total%')"); n != 0 {
			t.Errorf("%d audit rows of scoring reveal options or totals", n)
		}
	})
}
