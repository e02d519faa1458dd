package web_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/evaluation"
	"ocop/internal/registry"
)

// dossierPDF is a minimal PDF (recognised by its "%PDF-" signature).
var dossierPDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// dossierGet reads a dossier as the office sees it.
func dossierGet(t testing.TB, e *apptest.Env, id int64) evaluation.Dossier {
	t.Helper()
	d, err := e.App.Evaluation.Dossier(e.Ctx(), e.Admin(), id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// dossierForm is a form for a step of the dossier, with its current
// version filled in.
func dossierForm(t testing.TB, e *apptest.Env, id int64, kv ...string) url.Values {
	t.Helper()
	f := url.Values{"version": {itoa(int64(dossierGet(t, e, id).Version))}}
	for i := 0; i+1 < len(kv); i += 2 {
		f.Add(kv[i], kv[i+1])
	}
	return f
}

// dossierUpload posts an evidence file to a dossier.
func dossierUpload(t testing.TB, e *apptest.Env, c *apptest.Client, id int64, name string, data []byte, fields ...string) *apptest.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", c.CSRF())
	for i := 0; i+1 < len(fields); i += 2 {
		mw.WriteField(fields[i], fields[i+1])
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, e.Server.URL+"/admin/dossiers/"+itoa(id)+"/evidence", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Do(req)
}

// dossierSelfForm answers every criterion of the dossier's scorecard with
// its highest option ("not met" where the criterion has no options).
func dossierSelfForm(t testing.TB, e *apptest.Env, id int64) url.Values {
	t.Helper()
	sheet, err := e.App.Evaluation.SelfAssessment(e.Ctx(), e.Admin(), id)
	if err != nil {
		t.Fatal(err)
	}
	f := dossierForm(t, e, id)
	sheet.Set.Each(func(_ *evaluation.Part, _ *evaluation.Section, c *evaluation.Criterion) {
		o := c.Options[len(c.Options)-1]
		v := itoa(o.ID)
		if c.YesNo {
			v = "no:" + v
		}
		f.Set(fmt.Sprintf("c%d", c.ID), v)
		f.Set(fmt.Sprintf("n%d", c.ID), "Minh chứng tiêu chí "+c.No)
	})
	return f
}

// dossierCounts are the rows a state change writes.
type dossierCounts struct{ events, audits, versions int }

func dossierCount(t testing.TB, e *apptest.Env) dossierCounts {
	t.Helper()
	var c dossierCounts
	for q, dst := range map[string]*int{
		"SELECT COUNT(*) FROM dossier_events":            &c.events,
		"SELECT COUNT(*) FROM audit_log":                 &c.audits,
		"SELECT COALESCE(SUM(version), 0) FROM dossiers": &c.versions,
	} {
		if err := e.App.DB.QueryRowContext(e.Ctx(), q).Scan(dst); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

var dossierIDRe = regexp.MustCompile(`^/admin/dossiers/(\d+)/form01$`)

// The scenario up to the province: a producer of processed fruit
// (category I.3.c, scorecard set 7) files a first-rating dossier with a
// self-assessment of every criterion and evidence; submission is refused
// before that with the list of what is missing; the commune returns it for
// one fix; the producer fixes and resubmits; the commune writes Mẫu 03 and
// proposes it with 5 samples; the office accepts it. Every state change
// writes one timeline event and one audit row.
func TestDossierScenario(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		x := e.Producer("HTX Quả sấy Bát Tràng", "00577")
		prod := e.Product(x.ID, "Mít sấy giòn", "I.3.c")
		producer := e.Session(e.ProducerUser(x.ID))
		officer := e.Session(e.User(account.RoleCommune, "00577"))
		office := e.Session(e.User(account.RoleOffice))

		r := producer.Get("/admin/dossiers/new?product=" + itoa(prod.ID))
		if r.Status != 200 || !strings.Contains(r.Body, "Bộ sản phẩm số 7") {
			t.Fatalf("new dossier page: status %d, names scorecard 7: %v", r.Status, strings.Contains(r.Body, "Bộ sản phẩm số 7"))
		}
		r = producer.PostForm("/admin/dossiers", url.Values{"product": {itoa(prod.ID)}, "kind": {"first"}})
		m := dossierIDRe.FindStringSubmatch(r.Location())
		if r.Status != http.StatusSeeOther || m == nil {
			t.Fatalf("create dossier: status %d, location %q\n%s", r.Status, r.Location(), r.Body)
		}
		id := int64(0)
		fmt.Sscan(m[1], &id)
		base := "/admin/dossiers/" + m[1]

		// step posts a state change and checks that it wrote exactly one
		// event and one audit row of its action.
		step := func(c *apptest.Client, path, action string, form url.Values, want evaluation.State) {
			t.Helper()
			before := dossierCount(t, e)
			var audits int
			e.App.DB.QueryRowContext(e.Ctx(), "SELECT COUNT(*) FROM audit_log WHERE action = ?", "dossier."+action).Scan(&audits)
			r := c.PostForm(base+"/"+action, form)
			if r.Status != http.StatusSeeOther {
				t.Fatalf("%s: status %d\n%s", action, r.Status, r.Body)
			}
			after := dossierCount(t, e)
			var audits2 int
			e.App.DB.QueryRowContext(e.Ctx(), "SELECT COUNT(*) FROM audit_log WHERE action = ?", "dossier."+action).Scan(&audits2)
			if after.events != before.events+1 || audits2 != audits+1 || after.audits != before.audits+1 {
				t.Errorf("%s wrote %d events, %d audit rows (%d of its action); want 1, 1, 1", action,
					after.events-before.events, after.audits-before.audits, audits2-audits)
			}
			if got := dossierGet(t, e, id).State; got != want {
				t.Errorf("after %s: state %s, want %s", action, got, want)
			}
		}

		// Submitting the empty draft is refused with the list of what is missing.
		before := dossierCount(t, e)
		r = producer.PostForm(base+"/submit", dossierForm(t, e, id))
		for _, want := range []string{"Hồ sơ còn thiếu", "họ tên người đại diện pháp lý", "chức vụ", "điện thoại hoặc email",
			"còn 32 tiêu chí chưa tự chấm", "Ít nhất một tài liệu minh chứng"} {
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, want) {
				t.Errorf("submit an empty draft: status %d, want 422 listing %q", r.Status, want)
			}
		}
		if after := dossierCount(t, e); after != before {
			t.Errorf("refused submit wrote: %+v → %+v", before, after)
		}

		// Mẫu 01, Mẫu 02, the self-assessment and evidence.
		r = producer.PostForm(base+"/form01", dossierForm(t, e, id, "representative", "Nguyễn Thị Hoa", "position", "Giám đốc",
			"address", "Thôn 3, xã Bát Tràng", "phone", "0912345678", "email", "hoa@example.vn", "samples", "5"))
		if r.Status != http.StatusSeeOther {
			t.Fatalf("form01: status %d\n%s", r.Status, r.Body)
		}
		r = producer.PostForm(base+"/form02", dossierForm(t, e, id, "representative_name", "Nguyễn Thị Hoa", "representative_gender", "female",
			"representative_ethnicity", "Kinh", "founded_on", "2015-03-02", "check", "business_registration", "check", "quality_declared",
			"history", "Thành lập năm 2015 từ tổ hợp tác sấy quả.", "production", "Vùng mít 20 ha liên kết.", "market", "Siêu thị Hà Nội",
			"revenue", "3,2 tỷ đồng năm 2025", "plans", "Xuất khẩu sang Nhật Bản"))
		if r.Status != http.StatusSeeOther {
			t.Fatalf("form02: status %d\n%s", r.Status, r.Body)
		}
		if r = producer.PostForm(base+"/self", dossierSelfForm(t, e, id)); r.Status != http.StatusSeeOther {
			t.Fatalf("self-assessment: status %d\n%s", r.Status, r.Body)
		}
		r = producer.Get(base + "/self")
		if !strings.Contains(r.Body, "Tổng điểm tự đánh giá: 99/100") || !strings.Contains(r.Body, "Phần A: 39/40") || !strings.Contains(r.Body, "★★★★★") {
			t.Errorf("self-assessment page: totals or star marks missing")
		}
		c11 := dossierCriterion(t, e, id, "1.1")
		if r = dossierUpload(t, e, producer, id, "giay-dkkd.pdf", dossierPDF, "criterion", itoa(c11), "title", "Giấy ĐKKD"); r.Status != http.StatusSeeOther {
			t.Fatalf("evidence: status %d\n%s", r.Status, r.Body)
		}

		step(producer, base, "submit", dossierForm(t, e, id), evaluation.StateSubmitted)
		d := dossierGet(t, e, id)
		if d.RegNo != "1-001/PĐK-01-00577-2026" {
			t.Errorf("registration number %q, want 1-001/PĐK-01-00577-2026", d.RegNo)
		}
		r = officer.Get("/admin/dossiers?state=submitted")
		if r.Status != 200 || !strings.Contains(r.Body, "Mít sấy giòn") || !strings.Contains(r.Body, "11/12/2026") {
			t.Errorf("commune queue: status %d, lists the dossier with its deadline 11/12/2026: %v", r.Status, strings.Contains(r.Body, "11/12/2026"))
		}

		// The commune returns it for one fix; the producer fixes and resubmits.
		step(officer, base, "return", dossierForm(t, e, id, "items", "Bổ sung giấy chứng nhận cơ sở đủ điều kiện ATTP"), evaluation.StateReturned)
		r = producer.Get(base)
		if !strings.Contains(r.Body, "Bổ sung giấy chứng nhận cơ sở đủ điều kiện ATTP") || !strings.Contains(r.Body, "02/12/2026") {
			t.Errorf("returned dossier page: items or deadline (02/12/2026) missing")
		}
		if r = dossierUpload(t, e, producer, id, "attp.pdf", dossierPDF, "title", "Giấy chứng nhận ATTP"); r.Status != http.StatusSeeOther {
			t.Fatalf("evidence fix: status %d\n%s", r.Status, r.Body)
		}
		step(producer, base, "submit", dossierForm(t, e, id), evaluation.StateSubmitted)
		if got := dossierGet(t, e, id).RegNo; got != d.RegNo {
			t.Errorf("resubmission changed the registration number: %q → %q", d.RegNo, got)
		}

		// The commune writes Mẫu 03 and proposes it with 5 samples.
		r = officer.PostForm(base+"/report", dossierForm(t, e, id, "raw_materials", "Mít của các hộ trong xã, có hợp đồng.",
			"labour", "18/20 lao động là người địa phương.", "idea_origin", "Nghề sấy quả truyền thống của làng.",
			"identity", "Kỹ thuật sấy lạnh giữ màu, gắn với làng nghề Bát Tràng."))
		if r.Status != http.StatusSeeOther {
			t.Fatalf("report: status %d\n%s", r.Status, r.Body)
		}
		step(officer, base, "propose", dossierForm(t, e, id, "samples", "5"), evaluation.StateProposed)
		if d := dossierGet(t, e, id); d.Samples != 5 || d.ProposedOn.String() != "2026-11-22" {
			t.Errorf("proposed: samples %d on %s, want 5 on 2026-11-22", d.Samples, d.ProposedOn)
		}

		// The office accepts it.
		if r = office.Get("/admin/dossiers?state=proposed"); !strings.Contains(r.Body, "Mít sấy giòn") {
			t.Errorf("office queue does not list the proposed dossier")
		}
		step(office, base, "accept", dossierForm(t, e, id), evaluation.StateAccepted)
		if d := dossierGet(t, e, id); d.CompleteOn.String() != "2026-11-22" {
			t.Errorf("complete on %s, want 2026-11-22", d.CompleteOn)
		}
		var events int
		e.App.DB.QueryRowContext(e.Ctx(), "SELECT COUNT(*) FROM dossier_events WHERE dossier_id = ?", id).Scan(&events)
		if events != 6 {
			t.Errorf("timeline: %d events, want 6 (created, submitted, returned, submitted, proposed, accepted)", events)
		}
		r = office.Get(base)
		for _, want := range []string{"Tỉnh đã tiếp nhận, hồ sơ đầy đủ", "1-001/PĐK-01-00577-2026", "Đợt 1 năm 2027", "Giấy ĐKKD", "Trả lại để bổ sung"} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("dossier page misses %q", want)
			}
		}

		// The printable forms carry the national heading and the filled-in fields.
		for _, tt := range []struct{ form, want string }{
			{"01", "Nguyễn Thị Hoa"}, {"01", "1-001/PĐK-01-00577-2026"}, {"01", "Chế biến từ rau, củ, quả, hạt"},
			{"02", "Phần III"}, {"02", "Thành lập năm 2015"}, {"02", "99"},
			{"03", "Kỹ thuật sấy lạnh giữ màu"}, {"03", "ỦY BAN NHÂN DÂN"},
		} {
			r := producer.Get(base + "/print/" + tt.form)
			if r.Status != 200 || !strings.Contains(r.Body, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") || !strings.Contains(r.Body, "Độc lập - Tự do - Hạnh phúc") || !strings.Contains(r.Body, tt.want) {
				t.Errorf("print %s: status %d, want the national heading and %q", tt.form, r.Status, tt.want)
			}
		}
		// The evidence is served to those who may read the dossier only.
		ev, _ := e.App.Evaluation.ListEvidence(e.Ctx(), e.Admin(), id)
		if len(ev) != 2 {
			t.Fatalf("evidence files: %d, want 2", len(ev))
		}
		file := base + "/evidence/" + itoa(ev[0].ID)
		if r := officer.Get(file); r.Status != 200 || r.Body != string(dossierPDF) || r.Header.Get("Content-Type") != "application/pdf" {
			t.Errorf("officer downloads evidence: status %d, type %q", r.Status, r.Header.Get("Content-Type"))
		}
		elsewhere := e.Session(e.User(account.RoleCommune, "00008"))
		if r := elsewhere.Get(file); r.Status != http.StatusForbidden {
			t.Errorf("officer of another commune downloads evidence: status %d, want 403", r.Status)
		}
		if r := e.Anon().Get("/media/" + ev[0].Hash); r.Status != http.StatusNotFound {
			t.Errorf("evidence through the public media URL: status %d, want 404", r.Status)
		}
	})
}

// dossierCriterion returns the id of a criterion of the dossier's scorecard.
func dossierCriterion(t testing.TB, e *apptest.Env, id int64, no string) int64 {
	t.Helper()
	sheet, err := e.App.Evaluation.SelfAssessment(e.Ctx(), e.Admin(), id)
	if err != nil {
		t.Fatal(err)
	}
	c, _, ok := sheet.Set.Criterion(no)
	if !ok {
		t.Fatalf("criterion %s not in the scorecard", no)
	}
	return c.ID
}

// dossierAt creates a dossier of a new product through the service and
// moves it to a state: draft, submitted or proposed (complete forms,
// self-assessment and evidence).
func dossierAt(t testing.TB, e *apptest.Env, producer registry.Producer, name, category string, state evaluation.State) int64 {
	t.Helper()
	ctx, adm := e.Ctx(), e.Admin()
	ev := e.App.Evaluation
	prod := e.Product(producer.ID, name, category)
	d, err := ev.CreateDossier(ctx, adm, evaluation.DossierInput{ProductID: prod.ID, Kind: evaluation.DossierFirst})
	if err != nil {
		t.Fatal(err)
	}
	if state == evaluation.StateDraft {
		return d.ID
	}
	f := d.Form01
	f.Representative, f.Position, f.Address, f.Phone = "Trần Văn Nam", "Chủ nhiệm", "Thôn 1", "0987654321"
	if d, err = ev.SaveForm01(ctx, adm, d.ID, d.Version, f); err != nil {
		t.Fatal(err)
	}
	sheet, err := ev.SelfAssessment(ctx, adm, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	var answers []evaluation.SelfAnswer
	sheet.Set.Each(func(_ *evaluation.Part, _ *evaluation.Section, c *evaluation.Criterion) {
		answers = append(answers, evaluation.SelfAnswer{CriterionID: c.ID, OptionID: c.Options[0].ID})
	})
	if _, err := ev.SaveSelfAssessment(ctx, adm, d.ID, d.Version, answers); err != nil {
		t.Fatal(err)
	}
	if _, err := ev.AddEvidence(ctx, adm, d.ID, evaluation.EvidenceInput{Filename: "a.pdf"}, bytes.NewReader(dossierPDF)); err != nil {
		t.Fatal(err)
	}
	if d, err = ev.SubmitDossier(ctx, adm, d.ID, d.Version+1); err != nil {
		t.Fatal(err)
	}
	if state == evaluation.StateSubmitted {
		return d.ID
	}
	if d, err = ev.SaveReport(ctx, adm, d.ID, d.Version, evaluation.Form03{RawMaterials: "a", Labour: "b", IdeaOrigin: "c", Identity: "d"}); err != nil {
		t.Fatal(err)
	}
	if _, err = ev.ProposeDossier(ctx, adm, d.ID, d.Version, evaluation.RequiredSamples(category)); err != nil {
		t.Fatal(err)
	}
	return d.ID
}

// Forbidden and invalid steps through HTTP: a clear answer, and nothing
// written (no event, no audit row, no version change).
func TestDossierRefusedSteps(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := e.Producer("HTX Quả sấy Bát Tràng", "00577")
		draft := dossierAt(t, e, a, "Mít sấy", "I.3.c", evaluation.StateDraft)
		submitted := dossierAt(t, e, a, "Chuối sấy", "I.3.c", evaluation.StateSubmitted)
		proposed := dossierAt(t, e, a, "Xoài sấy", "I.3.c", evaluation.StateProposed)
		tour := e.Producer("HTX Du lịch Bát Tràng", "00577")
		tourism := dossierAt(t, e, tour, "Trải nghiệm làm gốm", "VI.1", evaluation.StateSubmitted)
		producer := e.Session(e.ProducerUser(a.ID))
		officer := e.Session(e.User(account.RoleCommune, "00577"))
		elsewhere := e.Session(e.User(account.RoleCommune, "00008"))
		office := e.Session(e.User(account.RoleOffice))
		council := e.Session(e.User(account.RoleCouncil))
		report := []string{"raw_materials", "Nguyên liệu của xã", "labour", "Lao động xã", "idea_origin", "Truyền thống", "identity", "Bản sắc làng"}
		c11 := dossierCriterion(t, e, draft, "1.1")
		c12 := dossierCriterion(t, e, draft, "1.2")
		wrongOpt := dossierSelfForm(t, e, draft)
		wrongOpt.Set(fmt.Sprintf("c%d", c12), wrongOpt.Get(fmt.Sprintf("c%d", c11)))
		notInSet := dossierForm(t, e, draft, "c99999999", "1")

		path := func(id int64, action string) string { return "/admin/dossiers/" + itoa(id) + "/" + action }
		for _, tt := range []struct {
			name   string
			c      *apptest.Client
			path   string
			form   url.Values
			status int
			want   string
		}{
			{"producer proposes", producer, path(submitted, "propose"), dossierForm(t, e, submitted, "samples", "5"), 403, "không thực hiện được"},
			{"council accepts", council, path(proposed, "accept"), dossierForm(t, e, proposed), 403, "không thực hiện được"},
			{"officer of another commune returns", elsewhere, path(submitted, "return"), dossierForm(t, e, submitted, "items", "x"), 403, "không thuộc phạm vi"},
			{"officer of another commune opens it", elsewhere, path(submitted, ""), nil, 403, "không thuộc phạm vi"},
			{"officer proposes a draft", officer, path(draft, "propose"), dossierForm(t, e, draft, "samples", "5"), 409, "Hồ sơ đang soạn, chưa nộp"},
			{"office accepts a submitted dossier", office, path(submitted, "accept"), dossierForm(t, e, submitted), 409, "Hồ sơ đang chờ xã kiểm tra"},
			{"officer returns a proposed dossier (the office's step)", officer, path(proposed, "return"), dossierForm(t, e, proposed, "items", "x"), 403, "thuộc về cấp khác"},
			{"producer submits again", producer, path(submitted, "submit"), dossierForm(t, e, submitted), 409, "Hồ sơ đang chờ xã kiểm tra"},
			{"stale version", officer, path(submitted, "return"), url.Values{"version": {"1"}, "items": {"x"}}, 409, "vừa được người khác sửa"},
			{"return without items", officer, path(submitted, "return"), dossierForm(t, e, submitted, "items", " \n "), 422, "ít nhất một nội dung"},
			{"return with a past deadline", officer, path(submitted, "return"), dossierForm(t, e, submitted, "items", "x", "due", "2026-11-22"), 422, "phải sau ngày hôm nay"},
			{"reject without a reason", officer, path(submitted, "reject"), dossierForm(t, e, submitted, "reason", ""), 422, "bắt buộc"},
			{"Mẫu 03 missing a text", officer, path(submitted, "report"), dossierForm(t, e, submitted, report[:6]...), 422, "bắt buộc"},
			{"propose without Mẫu 03", officer, path(submitted, "propose"), dossierForm(t, e, submitted, "samples", "5"), 422, "Cần lập báo cáo Mẫu 03"},
			{"self: option of another criterion", producer, path(draft, "self"), wrongOpt, 422, "không thuộc tiêu chí 1.2"},
			{"self: criterion not in the scorecard", producer, path(draft, "self"), notInSet, 422, "không thuộc Bộ tiêu chí"},
			{"self on a filed dossier", producer, path(submitted, "self"), dossierSelfForm(t, e, submitted), 409, "Hồ sơ đã nộp"},
		} {
			before := dossierCount(t, e)
			var r *apptest.Response
			if tt.form == nil {
				r = tt.c.Get(strings.TrimSuffix(tt.path, "/"))
			} else {
				r = tt.c.PostForm(tt.path, tt.form)
			}
			if r.Status != tt.status || !strings.Contains(r.Body, tt.want) {
				t.Errorf("%s: status %d, want %d with %q", tt.name, r.Status, tt.status, tt.want)
			}
			if after := dossierCount(t, e); after != before {
				t.Errorf("%s wrote: %+v → %+v", tt.name, before, after)
			}
		}

		// Sample counts: 5 for a food product, none for tourism services.
		for _, id := range []int64{submitted, tourism} {
			if r := officer.PostForm(path(id, "report"), dossierForm(t, e, id, report...)); r.Status != http.StatusSeeOther {
				t.Fatalf("report: status %d\n%s", r.Status, r.Body)
			}
		}
		for _, tt := range []struct {
			name    string
			id      int64
			samples string
			status  int
			want    string
		}{
			{"4 samples of a food product", submitted, "4", 422, "đúng 5 sản phẩm mẫu"},
			{"no count", submitted, "", 422, "đúng 5 sản phẩm mẫu"},
			{"5 samples of a tourism service", tourism, "5", 422, "số mẫu phải là 0"},
			{"0 samples of a tourism service", tourism, "0", 303, ""},
			{"5 samples of a food product", submitted, "5", 303, ""},
		} {
			before := dossierCount(t, e)
			r := officer.PostForm(path(tt.id, "propose"), dossierForm(t, e, tt.id, "samples", tt.samples))
			if r.Status != tt.status || !strings.Contains(r.Body, tt.want) {
				t.Errorf("%s: status %d, want %d with %q", tt.name, r.Status, tt.status, tt.want)
			}
			if after := dossierCount(t, e); tt.status != 303 && after != before {
				t.Errorf("%s wrote: %+v → %+v", tt.name, before, after)
			}
		}

		// Evidence of the wrong type or too large.
		for _, tt := range []struct {
			name string
			file string
			data []byte
			want string
		}{
			{"a text file named .pdf", "note.pdf", []byte("just some text"), "phải là tệp PDF, JPEG hoặc PNG"},
			{"an HTML page", "x.html", []byte("<html><body>hi</body></html>"), "phải là tệp PDF, JPEG hoặc PNG"},
			{"larger than the limit", "big.pdf", append(append([]byte{}, dossierPDF...), bytes.Repeat([]byte{' '}, int(e.App.Evaluation.MaxUpload()))...), "Tệp quá lớn"},
		} {
			before := dossierCount(t, e)
			r := dossierUpload(t, e, producer, draft, tt.file, tt.data)
			status := http.StatusUnprocessableEntity
			if strings.Contains(tt.want, "quá lớn") {
				status = http.StatusRequestEntityTooLarge // too large is 413, with the form and its message
			}
			if r.Status != status || !strings.Contains(r.Body, tt.want) {
				t.Errorf("%s: status %d, want %d with %q", tt.name, r.Status, status, tt.want)
			}
			var n int
			e.App.DB.QueryRowContext(e.Ctx(), "SELECT COUNT(*) FROM evidence WHERE dossier_id = ?", draft).Scan(&n)
			if after := dossierCount(t, e); after != before || n != 0 {
				t.Errorf("%s wrote: %+v → %+v, %d files", tt.name, before, after, n)
			}
		}
		if r := dossierUpload(t, e, elsewhere, draft, "a.pdf", dossierPDF); r.Status != http.StatusForbidden {
			t.Errorf("upload by an officer of another commune: status %d, want 403", r.Status)
		}
	})
}

// Two officers return the same dossier at once: the second, working on
// the version both loaded, is told it changed (409) and writes nothing.
func TestDossierConcurrentReturn(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := e.Producer("HTX Quả sấy Bát Tràng", "00577")
		id := dossierAt(t, e, a, "Mít sấy", "I.3.c", evaluation.StateSubmitted)
		first := e.Session(e.User(account.RoleCommune, "00577"))
		second := e.Session(e.User(account.RoleCommune, "00577"))
		f1 := dossierForm(t, e, id, "items", "Thiếu giấy ATTP")
		f2 := dossierForm(t, e, id, "items", "Thiếu hợp đồng liên kết")
		if r := first.PostForm("/admin/dossiers/"+itoa(id)+"/return", f1); r.Status != http.StatusSeeOther {
			t.Fatalf("first return: status %d\n%s", r.Status, r.Body)
		}
		before := dossierCount(t, e)
		r := second.PostForm("/admin/dossiers/"+itoa(id)+"/return", f2)
		if r.Status != http.StatusConflict || !strings.Contains(r.Body, "vừa được người khác sửa") {
			t.Errorf("second return: status %d, want 409 stale", r.Status)
		}
		if after := dossierCount(t, e); after != before {
			t.Errorf("second return wrote: %+v → %+v", before, after)
		}
		if d := dossierGet(t, e, id); len(d.ReturnItems) != 1 || d.ReturnItems[0] != "Thiếu giấy ATTP" {
			t.Errorf("return items %q, want the first officer's", d.ReturnItems)
		}
	})
}

// The commune's 15-working-day deadline is shown with the days left, and
// flagged overdue once the clock passes it.
func TestDossierDeadline(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := e.Producer("HTX Quả sấy Bát Tràng", "00577")
		id := dossierAt(t, e, a, "Mít sấy", "I.3.c", evaluation.StateSubmitted)
		name := e.User(account.RoleCommune, "00577")
		officer := e.Session(name)
		page := "/admin/dossiers/" + itoa(id)
		// Filed on Sunday 22/11/2026: 15 working days end on Friday 11/12.
		r := officer.Get(page)
		if !strings.Contains(r.Body, "11/12/2026") || !strings.Contains(r.Body, "còn 19 ngày (15 ngày làm việc)") || strings.Contains(r.Body, `class="overdue"`) {
			t.Errorf("deadline before it passes: shows 11/12/2026 %v, days left %v", strings.Contains(r.Body, "11/12/2026"), strings.Contains(r.Body, "còn 19 ngày (15 ngày làm việc)"))
		}
		if r := officer.Get("/admin/dossiers?overdue=1"); strings.Contains(r.Body, "Mít sấy") {
			t.Errorf("overdue list has the dossier before its deadline")
		}
		// Sessions expire while the clock moves on: sign in again each time.
		e.Clock.Set(time.Date(2026, 12, 11, 16, 0, 0, 0, time.UTC)) // 23:00 on the last day in Hanoi
		officer = e.Session(name)
		if r := officer.Get(page); r.Status != 200 || strings.Contains(r.Body, "Quá hạn") {
			t.Errorf("last day: status %d, flagged overdue %v", r.Status, strings.Contains(r.Body, "Quá hạn"))
		}
		e.Clock.Set(time.Date(2026, 12, 13, 2, 0, 0, 0, time.UTC)) // Sunday 13/12
		officer = e.Session(name)
		r = officer.Get(page)
		if !strings.Contains(r.Body, `class="overdue"`) || !strings.Contains(r.Body, "Quá hạn 2 ngày") {
			t.Errorf("deadline passed: not flagged overdue by 2 days")
		}
		r = officer.Get("/admin/dossiers?overdue=1")
		if !strings.Contains(r.Body, "Mít sấy") || !strings.Contains(r.Body, "dossier-row overdue") {
			t.Errorf("overdue list: does not flag the dossier")
		}
	})
}

// The office opens rounds with Điều 5's deadlines prefilled; others see them.
func TestRoundPages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		office := e.Session(e.User(account.RoleOffice))
		r := office.Get("/admin/rounds")
		// On 22/11/2026 the next round is round 1 of 2027.
		if r.Status != 200 || !strings.Contains(r.Body, `value="2027-04-30"`) || !strings.Contains(r.Body, `value="2027-06-30"`) {
			t.Fatalf("rounds page: status %d, prefilled with 30/4 and 30/6/2027: %v", r.Status, strings.Contains(r.Body, "2027-04-30"))
		}
		if r = office.PostForm("/admin/rounds", url.Values{"level": {"province"}, "year": {"2027"}, "no": {"1"}, "title": {"Đợt 1 năm 2027"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("open round: status %d\n%s", r.Status, r.Body)
		}
		if r = office.PostForm("/admin/rounds", url.Values{"level": {"province"}, "year": {"2027"}, "no": {"1"}, "title": {"Lặp"}}); r.Status != 422 || !strings.Contains(r.Body, "Đã có đợt 1 năm 2027") {
			t.Errorf("duplicate round: status %d", r.Status)
		}
		if r = office.PostForm("/admin/rounds", url.Values{"level": {"province"}, "year": {"2027"}, "no": {"3"}, "title": {"Đợt bổ sung"}}); r.Status != 422 || !strings.Contains(r.Body, "cần ghi rõ thời hạn") {
			t.Errorf("extra round without dates: status %d", r.Status)
		}
		if r = office.Get("/admin/rounds"); !strings.Contains(r.Body, `value="2027-10-30"`) {
			t.Errorf("after round 1/2027, the form does not offer round 2/2027")
		}
		rounds, _ := e.App.Evaluation.ListRounds(e.Ctx(), e.Admin(), 0)
		if len(rounds) != 1 {
			t.Fatalf("rounds: %d, want 1", len(rounds))
		}
		producer := e.Session(e.ProducerUser(e.Producer("HTX A", "00577").ID))
		if r = producer.Get("/admin/rounds"); r.Status != 200 || !strings.Contains(r.Body, "Đợt 1 năm 2027") || strings.Contains(r.Body, `action="/admin/rounds"`) {
			t.Errorf("producer sees the rounds without the form: status %d", r.Status)
		}
		if r = producer.PostForm("/admin/rounds/"+itoa(rounds[0].ID)+"/close", url.Values{"version": {"1"}}); r.Status != http.StatusForbidden {
			t.Errorf("producer closes a round: status %d, want 403", r.Status)
		}
		if r = office.PostForm("/admin/rounds/"+itoa(rounds[0].ID)+"/close", url.Values{"version": {"1"}}); r.Status != http.StatusSeeOther {
			t.Errorf("office closes the round: status %d", r.Status)
		}
		if r = office.PostForm("/admin/rounds/"+itoa(rounds[0].ID)+"/close", url.Values{"version": {"2"}}); r.Status != http.StatusConflict {
			t.Errorf("close a closed round: status %d, want 409", r.Status)
		}
	})
}

// dossierAuthzObjects adds the objects of the dossier routes to the
// authorization fixture: a draft dossier of A's product ("own") and of B's
// ("other"), an open round, an evidence id that does not exist (so that a
// delete by one role does not change what the next one sees) and form 01.
func dossierAuthzObjects(t testing.TB, e *apptest.Env, f *authzFixture, productA, productB int64) {
	t.Helper()
	ctx, ev := e.Ctx(), e.App.Evaluation
	da, err := ev.CreateDossier(ctx, e.Admin(), evaluation.DossierInput{ProductID: productA, Kind: evaluation.DossierFirst})
	if err != nil {
		t.Fatal(err)
	}
	dbb, err := ev.CreateDossier(ctx, e.Admin(), evaluation.DossierInput{ProductID: productB, Kind: evaluation.DossierFirst})
	if err != nil {
		t.Fatal(err)
	}
	round, err := ev.CreateRound(ctx, e.Admin(), evaluation.RoundInput{Year: 2027, No: 1, Title: "Đợt 1 năm 2027"})
	if err != nil {
		t.Fatal(err)
	}
	f.own["dossiers/{id}"], f.other["dossiers/{id}"] = itoa(da.ID), itoa(dbb.ID)
	f.own["rounds/{id}"], f.other["rounds/{id}"] = itoa(round.ID), itoa(round.ID)
	for k, v := range map[string]string{"{eid}": "999999", "{form}": "01"} {
		f.own[k], f.other[k] = v, v
	}
}
