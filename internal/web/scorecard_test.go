package web_test

import (
	"bytes"
	"encoding/csv"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"ocop/internal/account"
	"ocop/internal/apptest"
)

// scorecardID returns the newest version of a scorecard.
func scorecardID(t *testing.T, e *apptest.Env, setNo int) int64 {
	t.Helper()
	var id int64
	if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT id FROM criteria_sets WHERE set_no = ? ORDER BY version DESC LIMIT 1", setNo).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// scorecardOption returns the ID of an option of a version.
func scorecardOption(t *testing.T, e *apptest.Env, setID int64, criterion string, pos int) int64 {
	t.Helper()
	var id int64
	if err := e.App.DB.QueryRowContext(e.Ctx(), `SELECT o.id FROM criteria_options o JOIN criteria c ON c.id = o.criterion_id
		WHERE o.set_id = ? AND c.no = ? AND o.position = ?`, setID, criterion, pos).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// postScorecardFile uploads a file to the scorecard import form.
func postScorecardFile(t *testing.T, e *apptest.Env, c *apptest.Client, name string, file []byte, dry bool) *apptest.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", c.CSRF())
	if dry {
		mw.WriteField("dry_run", "1")
	}
	if file != nil {
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(file)
	}
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, e.Server.URL+"/admin/scorecards/import", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Do(req)
}

func userFor(e *apptest.Env, role account.Role) string {
	if role == account.RoleCommune {
		return e.User(role, "00004")
	}
	return e.User(role)
}

// Every signed-in role browses the scorecards, a scorecard as printed, its
// export and the classification; only the office and administrators see
// the correction forms. The public is sent to sign in.
func TestScorecardBrowse(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		set7, set4 := scorecardID(t, e, 7), scorecardID(t, e, 4)
		for _, role := range account.Roles {
			c := e.Login(userFor(e, role))
			r := c.Get("/admin/scorecards")
			if r.Status != 200 || !strings.Contains(r.Body, "Chế biến từ rau, củ, quả, hạt") || strings.Count(r.Body, `<tr id="set-`) != 26 {
				t.Errorf("%s: list status %d, rows %d, want 200 with 26 rows", role, r.Status, strings.Count(r.Body, `<tr id="set-`))
			}
			r = c.Get("/admin/scorecards/" + itoa(set7))
			for _, want := range []string{"Nguồn nguyên liệu", "★★★★★", "Bị loại nếu sử dụng toàn bộ nguyên liệu nhập khẩu", "Tổng cộng: 100 điểm", "Hồ sơ bị loại khi"} {
				if r.Status != 200 || !strings.Contains(r.Body, want) {
					t.Errorf("%s: set 7 page status %d, want 200 with %q", role, r.Status, want)
				}
			}
			r = c.Get("/admin/scorecards/" + itoa(set4))
			manage := role == account.RoleAdmin || role == account.RoleOffice
			if got := strings.Contains(r.Body, `action="/admin/scorecards/`+itoa(set4)+`/corrections"`); r.Status != 200 || got != manage {
				t.Errorf("%s: set 4 page status %d, correction forms %v, want 200 and %v", role, r.Status, got, manage)
			}
			if !strings.Contains(r.Body, "Phương án 3 được 13 điểm, lớn hơn điểm tối đa 3 của tiêu chí.") {
				t.Errorf("%s: set 4 page does not report the 13", role)
			}
			r = c.Get("/admin/categories")
			if r.Status != 200 || strings.Count(r.Body, `class="level-kind"`) != 6 || strings.Count(r.Body, `class="level-`) != 39 ||
				!strings.Contains(r.Body, `href="/admin/scorecards/`+itoa(set7)+`"`) || !strings.Contains(r.Body, "Bộ Văn hóa, Thể thao và Du lịch") {
				t.Errorf("%s: categories status %d, kinds %d, nodes %d", role, r.Status, strings.Count(r.Body, `class="level-kind"`), strings.Count(r.Body, `class="level-`))
			}
			r = c.Get("/admin/scorecards/" + itoa(set7) + "/export.csv")
			if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") || strings.Count(r.Body, "\n") != 104 {
				t.Errorf("%s: export status %d type %q lines %d", role, r.Status, r.Header.Get("Content-Type"), strings.Count(r.Body, "\n"))
			}
		}
		// In English too.
		c := e.Login(e.User(account.RoleCouncil))
		if r := c.Get("/admin/scorecards/" + itoa(set4) + "?lang=en"); !strings.Contains(r.Body, "Option 3 is worth 13 points, more than the criterion") {
			t.Errorf("English set 4 page does not report the 13")
		}
		for _, path := range []string{"/admin/scorecards", "/admin/scorecards/" + itoa(set7), "/admin/categories", "/admin/scorecards/" + itoa(set7) + "/export.csv"} {
			if r := e.Anon().Get(path); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/login") {
				t.Errorf("anonymous %s: status %d location %q, want the login page", path, r.Status, r.Location())
			}
		}
	})
}

// The office corrects the "13" of set 4 through the page: a correction row
// and an audit row are written, the set validates, and it can be put in
// force.
func TestScorecardCorrectSet4(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		set4 := scorecardID(t, e, 4)
		opt := scorecardOption(t, e, set4, "7", 3)
		user := e.User(account.RoleOffice)
		c := e.Login(user)
		page := c.Get("/admin/scorecards/" + itoa(set4))
		if !strings.Contains(page.Body, `name="target" value="option:`+itoa(opt)+`"`) || strings.Contains(page.Body, "/activate") {
			t.Fatalf("set 4 page: no correction form for the 13, or an activate button on an invalid set")
		}
		r := c.PostForm("/admin/scorecards/"+itoa(set4)+"/corrections", url.Values{
			"target": {"option:" + itoa(opt)}, "field": {"points"}, "expect": {"13"}, "value": {"3"}, "reason": {"Bản chính thức in 3 điểm"}})
		if r.Status != http.StatusSeeOther || r.Location() != "/admin/scorecards/"+itoa(set4) {
			t.Fatalf("correct: status %d location %q\n%s", r.Status, r.Location(), r.Body)
		}
		if n := count(t, e, `SELECT COUNT(*) FROM criteria_corrections WHERE set_id = ? AND target = 'option' AND target_id = ?
			AND field = 'points' AND old_value = '13' AND new_value = '3' AND reason = 'Bản chính thức in 3 điểm' AND created_by_name = ?`, set4, opt, user); n != 1 {
			t.Errorf("correction rows: %d, want 1", n)
		}
		if n := count(t, e, "SELECT COUNT(*) FROM audit_log WHERE action = 'scorecard.correct' AND entity = 'criteria_set' AND entity_id = ? AND actor_name = ?", itoa(set4), user); n != 1 {
			t.Errorf("audit rows: %d, want 1", n)
		}
		page = c.Get("/admin/scorecards/" + itoa(set4))
		if !strings.Contains(page.Body, "Đã ghi nhận hiệu chỉnh.") || !strings.Contains(page.Body, "0 lỗi, 1 cảnh báo, 0 lưu ý.") ||
			!strings.Contains(page.Body, `action="/admin/scorecards/`+itoa(set4)+`/activate"`) || !strings.Contains(page.Body, "Bản chính thức in 3 điểm") {
			t.Errorf("set 4 after the correction: no flash, wrong summary, no activate button or no history")
		}
		// The same correction again is stale: the value is no longer 13.
		r = c.PostForm("/admin/scorecards/"+itoa(set4)+"/corrections", url.Values{
			"target": {"option:" + itoa(opt)}, "field": {"points"}, "expect": {"13"}, "value": {"3"}, "reason": {"lần hai"}})
		if r.Status != http.StatusConflict || !strings.Contains(r.Body, "vừa được người khác sửa") {
			t.Errorf("stale correction: status %d, want 409 with a message", r.Status)
		}
		if r := c.PostForm("/admin/scorecards/"+itoa(set4)+"/activate", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("activate: status %d\n%s", r.Status, r.Body)
		}
		if n := count(t, e, "SELECT COUNT(*) FROM criteria_sets WHERE id = ? AND status = 'active'", set4); n != 1 {
			t.Errorf("set 4 is not in force after activation")
		}
		if n := count(t, e, "SELECT COUNT(*) FROM audit_log WHERE action = 'scorecard.activate' AND entity_id = ?", itoa(set4)); n != 1 {
			t.Errorf("activation audit rows: %d, want 1", n)
		}
		if r := c.PostForm("/admin/scorecards/"+itoa(set4)+"/activate", nil); r.Status != http.StatusConflict {
			t.Errorf("activate twice: status %d, want 409", r.Status)
		}
		// Set 11 as published is refused.
		set11 := scorecardID(t, e, 11)
		if r := c.PostForm("/admin/scorecards/"+itoa(set11)+"/activate", nil); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Không thể ban hành") {
			t.Errorf("activate set 11 as published: status %d, want 422 with the reason", r.Status)
		}
	})
}

// Only the office and administrators correct, activate and import.
func TestScorecardForbidden(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		set4 := scorecardID(t, e, 4)
		opt := scorecardOption(t, e, set4, "7", 3)
		form := url.Values{"target": {"option:" + itoa(opt)}, "field": {"points"}, "value": {"3"}, "reason": {"r"}}
		for _, role := range account.Roles {
			if role == account.RoleAdmin || role == account.RoleOffice {
				continue
			}
			c := e.Login(userFor(e, role))
			for _, rt := range []struct {
				method, path string
			}{
				{"POST", "/admin/scorecards/" + itoa(set4) + "/corrections"},
				{"POST", "/admin/scorecards/" + itoa(set4) + "/activate"},
				{"GET", "/admin/scorecards/import"},
			} {
				var r *apptest.Response
				if rt.method == "GET" {
					r = c.Get(rt.path)
				} else {
					r = c.PostForm(rt.path, form)
				}
				if r.Status != http.StatusForbidden {
					t.Errorf("%s %s %s: status %d, want 403", role, rt.method, rt.path, r.Status)
				}
			}
			if r := postScorecardFile(t, e, c, "x.csv", []byte("a,b\n1,2\n"), false); r.Status != http.StatusForbidden {
				t.Errorf("%s import: status %d, want 403", role, r.Status)
			}
		}
		if n := count(t, e, "SELECT COUNT(*) FROM criteria_corrections"); n != 0 {
			t.Errorf("forbidden requests wrote %d corrections", n)
		}
		if n := count(t, e, "SELECT COUNT(*) FROM criteria_sets WHERE status = 'active'"); n != 24 {
			t.Errorf("%d versions in force after forbidden requests, want 24", n)
		}
		if r := e.Anon().PostForm("/admin/scorecards/"+itoa(set4)+"/activate", nil); r.Status != http.StatusSeeOther {
			t.Errorf("anonymous activate: status %d, want a redirect to sign in", r.Status)
		}
	})
}

func exportRows(t *testing.T, c *apptest.Client, id int64) [][]string {
	t.Helper()
	r := c.Get("/admin/scorecards/" + itoa(id) + "/export.csv")
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\xEF\xBB\xBF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// A corrected copy imports as a new draft (checked first in a dry run); a
// copy whose part C does not add up is refused with its rows and nothing is
// stored.
func TestScorecardImport(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		c := e.Login(e.User(account.RoleOffice))
		if r := c.Get("/admin/scorecards/import"); r.Status != 200 || !strings.Contains(r.Body, "mandatory_for_star") {
			t.Fatalf("import page: status %d", r.Status)
		}
		set7 := scorecardID(t, e, 7)
		recs := exportRows(t, c, set7)
		fixed := make([][]string, len(recs))
		for i, r := range recs {
			fixed[i] = slices.Clone(r)
			if r[4] == "3.1" && r[7] == "1" && strings.HasPrefix(r[6], "Công ty") {
				fixed[i][7] = "2"
			}
		}
		r := postScorecardFile(t, e, c, "bo7.csv", sheetCSV(fixed), true)
		if r.Status != 200 || !strings.Contains(r.Body, "Sẽ lưu thành phiên bản nháp mới") || !strings.Contains(r.Body, "Tệp hợp lệ") {
			t.Fatalf("dry run: status %d\n%s", r.Status, r.Body)
		}
		if n := count(t, e, "SELECT COUNT(*) FROM criteria_sets"); n != 26 {
			t.Errorf("a dry run stored versions: %d, want 26", n)
		}
		r = postScorecardFile(t, e, c, "bo7.xlsx", sheetXLSX(t, fixed), false)
		if r.Status != 200 || !strings.Contains(r.Body, "Đã lưu thành phiên bản nháp 2") {
			t.Fatalf("import: status %d\n%s", r.Status, r.Body)
		}
		if n := count(t, e, "SELECT COUNT(*) FROM criteria_sets WHERE set_no = 7 AND version = 2 AND status = 'draft' AND source = 'imported'"); n != 1 {
			t.Errorf("imported drafts: %d, want 1", n)
		}
		if n := count(t, e, "SELECT COUNT(*) FROM audit_log WHERE action = 'scorecard.import'"); n != 1 {
			t.Errorf("import audit rows: %d, want 1", n)
		}
		bad := make([][]string, len(fixed))
		for i, r := range fixed {
			bad[i] = slices.Clone(r)
			if r[4] == "11" && r[7] == "3" {
				bad[i][7] = "4"
			}
		}
		r = postScorecardFile(t, e, c, "bo7-sai.csv", sheetCSV(bad), false)
		got := shownErrors(r.Body)
		// The export carries the printed maxima, so the raised option is
		// reported as well as the part it unbalances.
		want := []string{
			"73 | part | Bộ 7, dòng 73–104: Phần C: các phương án cao nhất cộng được 36 điểm, phải là 35 điểm.",
			"104 | points | Bộ 7, dòng 104: Phương án 3 được 4 điểm, lớn hơn điểm tối đa 3 của tiêu chí.",
		}
		if r.Status != http.StatusUnprocessableEntity || !slices.Equal(got, want) || !strings.Contains(r.Body, "Không có gì được lưu") {
			t.Errorf("wrong part total: status %d errors %q, want 422 with %q", r.Status, got, want)
		}
		if n := count(t, e, "SELECT COUNT(*) FROM criteria_sets"); n != 27 {
			t.Errorf("a refused import stored versions: %d, want 27", n)
		}
	})
}

// Bad input gets a clear answer, never a 500.
func TestScorecardBadInput(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		c := e.Login(e.User(account.RoleAdmin))
		set7 := scorecardID(t, e, 7)
		opt := scorecardOption(t, e, set7, "1.2", 1)
		base := "/admin/scorecards/" + itoa(set7) + "/corrections"
		for _, tt := range []struct {
			name   string
			path   string
			form   url.Values
			status int
			want   string
		}{
			{"no reason", base, url.Values{"target": {"option:" + itoa(opt)}, "field": {"points"}, "value": {"0"}}, 422, "Mục này là bắt buộc"},
			{"unknown target", base, url.Values{"target": {"nope"}, "field": {"points"}, "value": {"0"}, "reason": {"r"}}, 422, "Không có mục này"},
			{"option of another version", base, url.Values{"target": {"option:" + itoa(scorecardOption(t, e, scorecardID(t, e, 1), "1.2", 1))}, "field": {"points"}, "value": {"0"}, "reason": {"r"}}, 422, "Không có mục này"},
			{"field of another target", base, url.Values{"target": {"option:" + itoa(opt)}, "field": {"max"}, "value": {"0"}, "reason": {"r"}}, 422, "không sửa được"},
			{"points not a number", base, url.Values{"target": {"option:" + itoa(opt)}, "field": {"points"}, "value": {"không"}, "reason": {"r"}}, 422, "số nguyên từ 0 đến 100"},
			{"points too high", base, url.Values{"target": {"option:" + itoa(opt)}, "field": {"points"}, "value": {"101"}, "reason": {"r"}}, 422, "số nguyên từ 0 đến 100"},
			{"star out of range", base, url.Values{"target": {"option:" + itoa(opt)}, "field": {"star"}, "value": {"7"}, "reason": {"r"}}, 422, "Dấu sao phải là"},
			{"breaks the version in force", base, url.Values{"target": {"option:" + itoa(opt)}, "field": {"points"}, "value": {"5"}, "reason": {"r"}}, 422, "không hợp lệ"},
			{"script is escaped", base, url.Values{"target": {"option:" + itoa(opt)}, "field": {"points"}, "value": {"<script>"}, "reason": {"r"}}, 422, "&lt;script&gt;"},
			{"unknown version", "/admin/scorecards/999999/corrections", url.Values{"target": {"option:1"}, "field": {"points"}, "value": {"0"}, "reason": {"r"}}, 404, ""},
			{"activate unknown version", "/admin/scorecards/999999/activate", nil, 404, ""},
			{"activate bad id", "/admin/scorecards/abc/activate", nil, 404, ""},
			{"activate the version in force", "/admin/scorecards/" + itoa(set7) + "/activate", nil, 409, "đang có hiệu lực"},
		} {
			r := c.PostForm(tt.path, tt.form)
			if r.Status != tt.status || !strings.Contains(r.Body, tt.want) || strings.Contains(r.Body, "<script>") {
				t.Errorf("%s: status %d, want %d with %q", tt.name, r.Status, tt.status, tt.want)
			}
		}
		if n := count(t, e, "SELECT COUNT(*) FROM criteria_corrections"); n != 0 {
			t.Errorf("refused corrections wrote %d rows", n)
		}
		for _, tt := range []struct {
			path   string
			status int
		}{
			{"/admin/scorecards/abc", 404}, {"/admin/scorecards/999999", 404}, {"/admin/scorecards/0", 404},
			{"/admin/scorecards/999999/export.csv", 404}, {"/admin/scorecards?status=bogus", 422}, {"/admin/scorecards?set=-3", 200},
		} {
			if r := c.Get(tt.path); r.Status != tt.status {
				t.Errorf("GET %s: status %d, want %d", tt.path, r.Status, tt.status)
			}
		}
		for _, tt := range []struct {
			name string
			file []byte
			want string
		}{
			{"not a spreadsheet", []byte("\x00\x01binary"), "không phải CSV hay XLSX"},
			{"no file", nil, "Hãy chọn tệp"},
			{"empty", []byte("\n\n"), "không có dữ liệu"},
			{"broken workbook", []byte("PK\x03\x04garbage"), "không phải CSV hay XLSX"},
			{"header only", []byte(strings.Join([]string{"decision", "product_group", "part", "section", "criterion_no", "criterion", "option", "points", "mandatory_for_star"}, ",") + "\n"), "không có phương án"},
		} {
			r := postScorecardFile(t, e, c, "f.csv", tt.file, false)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, tt.want) {
				t.Errorf("upload %s: status %d, want 422 with %q", tt.name, r.Status, tt.want)
			}
		}
		if n := count(t, e, "SELECT COUNT(*) FROM criteria_sets"); n != 26 {
			t.Errorf("bad uploads stored versions: %d, want 26", n)
		}
	})
}
