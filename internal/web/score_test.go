package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ocop/internal/apptest"
	"ocop/internal/evaluation"
)

// postJSON posts a form as score.js does: CSRF in a header, JSON wanted.
func postJSON(t testing.TB, e *apptest.Env, c *apptest.Client, path string, form url.Values) *apptest.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.Server.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-CSRF-Token", c.CSRF())
	return c.Do(req)
}

// Every refusal of the scoring workspace answers 403, 409 or 422 with a
// message, and writes nothing.
func TestScoringRefusals(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newCouncilWorld(t, e)
		other, _, _ := councilTestDossier(t, e, "00008", "I.3.c", evaluation.DossierFirst)
		cid := w.council(t, false, w.dossier)
		set := councilTestSet(t, e, w.dossier)
		c63, c64 := councilCrit(t, set, "6.3"), councilCrit(t, set, "6.4")
		o63 := func(pos int) string { o, _ := c63.Option(pos); return fmt.Sprint(o.ID) }
		path := councilScorePath(cid, w.dossier)
		m1 := e.Session(w.users["m1"])
		// A criterion of another scorecard (set 1, fresh fruit).
		var foreignCrit, foreignOpt int64
		if err := e.App.DB.QueryRowContext(e.Ctx(), `SELECT k.id, o.id FROM criteria k JOIN criteria_sets s ON s.id = k.set_id
			JOIN criteria_options o ON o.criterion_id = k.id WHERE s.set_no = 1 AND s.status = 'active' ORDER BY k.id, o.position LIMIT 1`).Scan(&foreignCrit, &foreignOpt); err != nil {
			t.Fatal(err)
		}
		scores := func() int { return councilCount(t, e, "SELECT COUNT(*) FROM scores WHERE council_id = ?", cid) }

		for _, tt := range []struct {
			name   string
			who    string
			method string
			path   string
			form   url.Values
			status int
			want   string
		}{
			{"a council user not on this council cannot open the sheet", "outsider", "GET", path + "/score", nil, 403, "không phải thành viên"},
			{"nor save on it", "outsider", "POST", path + "/score", url.Values{"c" + itoa(c63.ID): {o63(3)}}, 403, "không phải thành viên"},
			{"the secretary does not score", "secretary", "GET", path + "/score", nil, 403, "không chấm điểm"},
			{"the advisory group does not score", "advisor", "POST", path + "/score", url.Values{"c" + itoa(c63.ID): {o63(3)}}, 403, "không chấm điểm"},
			{"the office, not on the council, does not score", "office", "GET", path + "/score", nil, 403, "không phải thành viên"},
			{"a dossier not before this council", "m1", "GET", councilScorePath(cid, other) + "/score", nil, 403, "không được giao cho hội đồng này"},
			{"an option of another criterion", "m1", "POST", path + "/score", url.Values{"c" + itoa(c63.ID): {func() string { o, _ := c64.Option(1); return fmt.Sprint(o.ID) }()}}, 422, "không thuộc tiêu chí 6.3"},
			{"a criterion of another scorecard", "m1", "POST", path + "/score", url.Values{"c" + itoa(foreignCrit): {fmt.Sprint(foreignOpt)}}, 422, "không thuộc bộ tiêu chí 7"},
			{"an option that is not a number", "m1", "POST", path + "/score", url.Values{"c" + itoa(c63.ID): {"abc"}}, 422, "không hợp lệ"},
			{"not met on a criterion with options", "m1", "POST", path + "/score", url.Values{"c" + itoa(c63.ID): {"no"}}, 422, "hãy chọn một phương án"},
			{"a gate on a criterion without one", "m1", "POST", path + "/score", url.Values{"c" + itoa(c63.ID): {o63(3)}, "g" + itoa(c63.ID): {"1"}}, 422, "không có điều kiện loại"},
			{"nothing chosen", "m1", "POST", path + "/score", url.Values{}, 422, "Chưa chọn phương án"},
			{"submitting an empty sheet lists what is unscored", "m1", "POST", path + "/submit", nil, 422, "còn 32 tiêu chí chưa chấm (1.1, 1.2"},
			{"only the chair closes", "m1", "POST", "/admin/councils/" + itoa(cid) + "/close", nil, 403, "Chỉ Chủ tịch"},
		} {
			c := e.Session(w.users[tt.who])
			var r *apptest.Response
			if tt.method == "GET" {
				r = c.Get(tt.path)
			} else {
				r = c.PostForm(tt.path, tt.form)
			}
			if r.Status != tt.status || !strings.Contains(r.Body, tt.want) {
				t.Errorf("%s: status %d, want %d with %q", tt.name, r.Status, tt.status, tt.want)
			}
			if n := scores(); n != 0 {
				t.Fatalf("%s: %d scores written", tt.name, n)
			}
		}

		// A stale save (another tab saved first) is refused, not overwritten.
		if r := m1.PostForm(path+"/score", url.Values{"only": {itoa(c63.ID)}, "c" + itoa(c63.ID): {o63(3)}, "v" + itoa(c63.ID): {"0"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("first save: status %d\n%s", r.Status, r.Body)
		}
		r := m1.PostForm(path+"/score", url.Values{"only": {itoa(c63.ID)}, "c" + itoa(c63.ID): {o63(4)}, "v" + itoa(c63.ID): {"0"}})
		if r.Status != http.StatusConflict || !strings.Contains(r.Body, "vừa được lưu ở nơi khác") {
			t.Errorf("stale save: status %d, want 409 with the message", r.Status)
		}
		// score.js gets the same refusal as a problem document.
		r = postJSON(t, e, m1, path+"/score", url.Values{"only": {itoa(c63.ID)}, "c" + itoa(c63.ID): {o63(4)}, "v" + itoa(c63.ID): {"0"}})
		if r.Status != http.StatusConflict || !strings.Contains(r.Header.Get("Content-Type"), "problem+json") || !strings.Contains(r.Body, "6.3") {
			t.Errorf("stale JSON save: status %d %s\n%s", r.Status, r.Header.Get("Content-Type"), r.Body)
		}
		var opt int64
		if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT option_id FROM scores WHERE council_id = ? AND criterion_id = ?", cid, c63.ID).Scan(&opt); err != nil || fmt.Sprint(opt) != o63(3) {
			t.Errorf("stale save overwrote the answer: option %d (err %v), want %s", opt, err, o63(3))
		}
		// With the current version, the change goes through and answers the new version.
		r = postJSON(t, e, m1, path+"/score", url.Values{"only": {itoa(c63.ID)}, "c" + itoa(c63.ID): {o63(4)}, "v" + itoa(c63.ID): {"1"}})
		var res evaluation.SaveResult
		if r.Status != 200 {
			t.Fatalf("JSON save: status %d\n%s", r.Status, r.Body)
		}
		if err := json.Unmarshal([]byte(r.Body), &res); err != nil || len(res.Saved) != 1 || res.Saved[0].Version != 2 || res.Totals.Scored != 1 || res.Totals.Total != 3 {
			t.Errorf("JSON save: got %+v (err %v), want version 2, 1 scored, 3 points", res, err)
		}

		// Closing with missing sheets is refused with the list; closing
		// anyway names the absent members in the dossier's event.
		chair := e.Session(w.users["chair"])
		r = chair.PostForm("/admin/councils/"+itoa(cid)+"/close", url.Values{"force": {"1"}})
		if r.Status != http.StatusConflict || !strings.Contains(r.Body, "chưa có phiếu nào đã nộp") || !strings.Contains(r.Body, w.product.Name) {
			t.Errorf("close with no sheet at all: status %d, want 409 listing the dossier", r.Status)
		}
		if r := m1.PostForm(path+"/score", councilSheet(set, map[string]int{"6.3": 4})); r.Status != http.StatusSeeOther {
			t.Fatalf("m1 whole sheet: status %d\n%s", r.Status, r.Body)
		}
		if r := m1.PostForm(path+"/submit", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("m1 submit: status %d\n%s", r.Status, r.Body)
		}
		if r := m1.PostForm(path+"/submit", nil); r.Status != http.StatusConflict || !strings.Contains(r.Body, "đã nộp phiếu") {
			t.Errorf("second submit: status %d, want 409", r.Status)
		}
		if r := m1.PostForm(path+"/score", url.Values{"only": {itoa(c63.ID)}, "c" + itoa(c63.ID): {o63(2)}, "v" + itoa(c63.ID): {"2"}}); r.Status != http.StatusConflict {
			t.Errorf("save after submitting: status %d, want 409", r.Status)
		}
		r = chair.PostForm("/admin/councils/"+itoa(cid)+"/close", nil)
		if r.Status != http.StatusConflict || !strings.Contains(r.Body, "Test "+w.users["m2"]) || !strings.Contains(r.Body, "Test "+w.users["chair"]) {
			t.Errorf("close with missing sheets: status %d, want 409 naming the members", r.Status)
		}
		if n := councilCount(t, e, "SELECT COUNT(*) FROM results"); n != 0 {
			t.Fatalf("a refused close wrote %d results", n)
		}
		if r := chair.PostForm("/admin/councils/"+itoa(cid)+"/close", url.Values{"force": {"1"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("close anyway: status %d\n%s", r.Status, r.Body)
		}
		var note string
		if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT note FROM dossier_events WHERE dossier_id = ? AND to_state = 'scored'", w.dossier).Scan(&note); err != nil ||
			!strings.Contains(note, "Test "+w.users["m2"]) || !strings.Contains(note, "vắng") {
			t.Errorf("close anyway: event note %q (err %v), want the absent members", note, err)
		}
		// One sheet of 100 points: 5★ (the mean of the submitted sheets).
		var star int
		if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT star FROM results WHERE dossier_id = ?", w.dossier).Scan(&star); err != nil || star != 5 {
			t.Errorf("result star %d (err %v), want 5", star, err)
		}
		// A closed council refuses members, assignments and notes.
		office := e.Session(w.users["office"])
		next, _, _ := councilTestDossier(t, e, "00577", "I.3.c", evaluation.DossierFirst)
		for _, tt := range []struct {
			path string
			form url.Values
		}{
			{"/admin/councils/" + itoa(cid) + "/members", url.Values{"user_id": {itoa(w.ids["outsider"])}, "role": {"member"}, "department": {"health"}}},
			{"/admin/councils/" + itoa(cid) + "/assign", url.Values{"dossier": {itoa(next)}}},
		} {
			if r := office.PostForm(tt.path, tt.form); r.Status != http.StatusConflict || !strings.Contains(r.Body, "đã đóng chấm điểm") {
				t.Errorf("%s on a closed council: status %d, want 409", tt.path, r.Status)
			}
		}
		if r := e.Session(w.users["advisor"]).PostForm("/admin/dossiers/"+itoa(w.dossier)+"/notes", url.Values{"kind": {"report"}, "body": {"x"}}); r.Status != http.StatusForbidden {
			t.Errorf("note on a closed council: status %d, want 403", r.Status)
		}
	})
}

// Forming a council: bad input is refused with field messages; the council
// always has exactly one chair; members who scored stay; a council that
// decides by written opinions takes re-ratings only (Điều 7.6).
func TestCouncilForming(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newCouncilWorld(t, e)
		office := e.Session(w.users["office"])
		commune := e.User("commune", "00577")
		cu, _ := e.App.Accounts.UserByName(e.Ctx(), commune)
		for _, tt := range []struct {
			name string
			form url.Values
			want string
		}{
			{"everything missing", url.Values{}, "Mục này là bắt buộc"},
			{"a commune officer cannot chair", url.Values{"round_id": {itoa(w.round)}, "name": {"HĐ"}, "decision_no": {"1/QĐ"}, "formed_on": {"2026-11-01"},
				"chair_id": {itoa(cu.ID)}, "chair_department": {"people_committee"}}, "Chỉ tài khoản đang hoạt động"},
			{"a decision dated in the future", url.Values{"round_id": {itoa(w.round)}, "name": {"HĐ"}, "decision_no": {"1/QĐ"}, "formed_on": {"2027-01-01"},
				"chair_id": {itoa(w.ids["chair"])}, "chair_department": {"people_committee"}}, "không được ở tương lai"},
			{"an unknown department", url.Values{"round_id": {itoa(w.round)}, "name": {"HĐ"}, "decision_no": {"1/QĐ"}, "formed_on": {"2026-11-01"},
				"chair_id": {itoa(w.ids["chair"])}, "chair_department": {"bank"}}, "Hãy chọn cơ quan"},
			{"an unknown round", url.Values{"round_id": {"999999"}, "name": {"HĐ"}, "decision_no": {"1/QĐ"}, "formed_on": {"2026-11-01"},
				"chair_id": {itoa(w.ids["chair"])}, "chair_department": {"people_committee"}}, "Không có đợt"},
		} {
			if r := office.PostForm("/admin/councils", tt.form); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, tt.want) {
				t.Errorf("%s: status %d, want 422 with %q", tt.name, r.Status, tt.want)
			}
		}
		if n := councilCount(t, e, "SELECT COUNT(*) FROM councils"); n != 0 {
			t.Fatalf("bad input formed %d councils", n)
		}
		if r := e.Session(w.users["chair"]).PostForm("/admin/councils", url.Values{}); r.Status != http.StatusForbidden {
			t.Errorf("a council member forms a council: status %d, want 403", r.Status)
		}

		cid := w.council(t, false)
		base := "/admin/councils/" + itoa(cid)
		// Making m1 chair makes the old chair a member: still one chair.
		if r := office.PostForm(base+"/members", url.Values{"user_id": {itoa(w.ids["m1"])}, "role": {"chair"}, "department": {"people_committee"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("new chair: status %d\n%s", r.Status, r.Body)
		}
		if n := councilCount(t, e, "SELECT COUNT(*) FROM council_members WHERE council_id = ? AND role = 'chair'", cid); n != 1 {
			t.Errorf("got %d chairs, want 1", n)
		}
		if n := councilCount(t, e, "SELECT COUNT(*) FROM council_members WHERE council_id = ? AND user_id = ? AND role = 'member'", cid, w.ids["chair"]); n != 1 {
			t.Errorf("the former chair is not a member")
		}
		for _, tt := range []struct {
			name   string
			form   url.Values
			status int
			want   string
		}{
			{"the chair cannot be removed", url.Values{"user_id": {itoa(w.ids["m1"])}, "action": {"remove"}}, 409, "đúng một Chủ tịch"},
			{"the chair cannot step down without a successor", url.Values{"user_id": {itoa(w.ids["m1"])}, "role": {"member"}, "department": {"health"}}, 409, "đúng một Chủ tịch"},
			{"an unknown role", url.Values{"user_id": {itoa(w.ids["outsider"])}, "role": {"king"}, "department": {"health"}}, 422, "Hãy chọn vai trò"},
			{"someone not on the council cannot be removed", url.Values{"user_id": {itoa(w.ids["outsider"])}, "action": {"remove"}}, 422, "không ở trong hội đồng"},
		} {
			if r := office.PostForm(base+"/members", tt.form); r.Status != tt.status || !strings.Contains(r.Body, tt.want) {
				t.Errorf("%s: status %d, want %d with %q", tt.name, r.Status, tt.status, tt.want)
			}
		}
		// A member who scored cannot be removed or made an advisor.
		if err := e.App.Evaluation.AssignDossiers(e.Ctx(), w.principal("office"), cid, []int64{w.dossier}); err != nil {
			t.Fatal(err)
		}
		set := councilTestSet(t, e, w.dossier)
		if r := e.Session(w.users["m2"]).PostForm(councilScorePath(cid, w.dossier)+"/score", councilSheet(set, nil)); r.Status != http.StatusSeeOther {
			t.Fatalf("m2 scores: status %d", r.Status)
		}
		if r := office.PostForm(base+"/members", url.Values{"user_id": {itoa(w.ids["m2"])}, "role": {"advisor"}, "department": {"health"}}); r.Status != http.StatusConflict {
			t.Errorf("make a member who scored an advisor: status %d, want 409", r.Status)
		}
		if r := office.PostForm(base+"/members", url.Values{"user_id": {itoa(w.ids["m2"])}, "action": {"remove"}}); r.Status != http.StatusConflict {
			t.Errorf("remove a member who scored: status %d, want 409", r.Status)
		}
		// A dossier already before a council cannot be assigned again.
		if r := office.PostForm(base+"/assign", url.Values{"dossier": {itoa(w.dossier)}}); r.Status != http.StatusConflict {
			t.Errorf("assign twice: status %d, want 409", r.Status)
		}

		// Written opinions: re-ratings only.
		written := w.council(t, true)
		first, _, _ := councilTestDossier(t, e, "00577", "I.3.c", evaluation.DossierFirst)
		rerating, _, _ := councilTestDossier(t, e, "00577", "I.3.c", evaluation.DossierRerating)
		wbase := "/admin/councils/" + itoa(written)
		if r := office.PostForm(wbase+"/assign", url.Values{"dossier": {itoa(rerating), itoa(first)}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "chỉ quyết định hồ sơ đánh giá lại") {
			t.Errorf("first rating before a written council: status %d, want 422", r.Status)
		}
		if n := councilCount(t, e, "SELECT COUNT(*) FROM dossiers WHERE id IN (?, ?) AND state = 'accepted'", first, rerating); n != 2 {
			t.Errorf("a refused assignment moved %d dossiers", 2-n)
		}
		if r := office.PostForm(wbase+"/assign", url.Values{"dossier": {itoa(rerating)}}); r.Status != http.StatusSeeOther {
			t.Errorf("re-rating before a written council: status %d\n%s", r.Status, r.Body)
		}
	})
}

// Set 26 (tourism) prints two alternative cases on some criteria: a member
// scores the whole sheet within one case.
func TestScoringOneCase(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newCouncilWorld(t, e)
		d, _, _ := councilTestDossier(t, e, "00577", "VI.1", evaluation.DossierFirst)
		cid := w.council(t, false, d)
		set := councilTestSet(t, e, d)
		c8, c9 := councilCrit(t, set, "8"), councilCrit(t, set, "9")
		if len(c8.Cases()) != 2 || len(c9.Cases()) != 2 {
			t.Fatalf("set 26 criteria 8 and 9 have no alternative cases")
		}
		path := councilScorePath(cid, d) + "/score"
		m1 := e.Session(w.users["m1"])
		opt := func(c *evaluation.Criterion, pos int) string { o, _ := c.Option(pos); return fmt.Sprint(o.ID) }
		r := m1.PostForm(path, url.Values{"c" + itoa(c8.ID): {opt(c8, 2)}, "c" + itoa(c9.ID): {opt(c9, 4)}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "một trường hợp") {
			t.Errorf("mixed cases: status %d, want 422", r.Status)
		}
		if n := councilCount(t, e, "SELECT COUNT(*) FROM scores WHERE council_id = ?", cid); n != 0 {
			t.Errorf("mixed cases wrote %d scores", n)
		}
		if r := m1.PostForm(path, url.Values{"c" + itoa(c8.ID): {opt(c8, 4)}, "c" + itoa(c9.ID): {opt(c9, 4)}}); r.Status != http.StatusSeeOther {
			t.Errorf("one case: status %d\n%s", r.Status, r.Body)
		}
		if r := m1.Get(path); !strings.Contains(r.Body, "Trường hợp 2") {
			t.Errorf("the workspace does not label the cases")
		}
	})
}
