package web_test

import (
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/evaluation"
)

// journeyPDFText is the text of a PDF by pdftotext, whitespace collapsed.
// Without the tool it reports false (CI=true fails instead), so that the
// journey goes on past a PDF it cannot read.
func journeyPDFText(t *testing.T, pdf []byte) (string, bool) {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext is missing (apt-get install poppler-utils)")
		}
		t.Log("pdftotext not installed: PDF text not checked (apt-get install poppler-utils)")
		return "", false
	}
	in := filepath.Join(t.TempDir(), "j.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(norm.NFC.String(string(out))), " "), true
}

var journeyCertRe = regexp.MustCompile(`href="/admin/certificates/(\d+)">([^<]+)</a>`)

// The "done when", tried as new users would, through the pages
// only: a producer of processed fruit (category I.3.c, scorecard set 7)
// files a first-rating dossier with its self-assessment and evidence; the
// commune returns it for one fix, then accepts it with its Mẫu 03 report
// and proposes it with 5 samples; the provincial office accepts it, opens a
// round and forms a council of three; each member scores it so that the
// result is 4★, the starred option for 5★ missed on one criterion; the
// chair closes and the result screen says why; the office issues the
// decision and the certificate, whose PDF reads in Vietnamese; the advisor
// names what would lift it; then the clock moves to the re-rating window,
// to 30 days before expiry and past expiry. Every step on SQLite and
// PostgreSQL.
func TestEvaluationJourney(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		// The cast. Each user signs in again after the clock jumps, as
		// sessions do not last years.
		x := e.Producer("Hợp tác xã Chế biến nông sản Bát Tràng", "00577")
		product := e.Product(x.ID, "Mít sấy giòn Bát Tràng", "I.3.c")
		names := map[string]string{"producer": e.ProducerUser(x.ID), "officer": e.User(account.RoleCommune, "00577"),
			"office": e.User(account.RoleOffice), "chair": e.User(account.RoleCouncil), "m1": e.User(account.RoleCouncil),
			"m2": e.User(account.RoleCouncil)}
		ids := map[string]int64{}
		for who, name := range names {
			u, err := e.App.Accounts.UserByName(e.Ctx(), name)
			if err != nil {
				t.Fatal(err)
			}
			ids[who] = u.ID
		}
		as := func(who string) *apptest.Client { return e.Session(names[who]) }
		producer, officer, office := as("producer"), as("officer"), as("office")
		// post submits a form that must succeed (303) and returns where it leads.
		post := func(c *apptest.Client, path string, form url.Values) string {
			t.Helper()
			r := c.PostForm(path, form)
			if r.Status != http.StatusSeeOther {
				t.Fatalf("POST %s: status %d\n%s", path, r.Status, r.Body)
			}
			return r.Location()
		}
		// page fetches a page that must be served and returns its text.
		page := func(c *apptest.Client, path string, want ...string) string {
			t.Helper()
			r := c.Get(path)
			body := text(r)
			if r.Status != http.StatusOK {
				t.Fatalf("GET %s: status %d", path, r.Status)
			}
			for _, w := range want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s lacks %q", path, w)
				}
			}
			return body
		}

		// 1. Điều 6.1.a, 7.1: the producer files a first-rating dossier for
		// the product, on the scorecard of its category (set 7), with Mẫu
		// 01, Mẫu 02, the self-assessment of every criterion and evidence.
		page(producer, "/admin/dossiers/new?product="+itoa(product.ID), "Mít sấy giòn Bát Tràng", "Bộ sản phẩm số 7")
		m := dossierIDRe.FindStringSubmatch(post(producer, "/admin/dossiers", url.Values{"product": {itoa(product.ID)}, "kind": {"first"}}))
		if m == nil {
			t.Fatal("creating the dossier does not lead to its Mẫu 01")
		}
		id, _ := strconv.ParseInt(m[1], 10, 64)
		dossier := "/admin/dossiers/" + m[1]
		post(producer, dossier+"/form01", dossierForm(t, e, id, "representative", "Nguyễn Thị Hoa", "position", "Giám đốc",
			"address", "Thôn Giang Cao, xã Bát Tràng", "phone", "0912345678", "email", "hoa@example.vn", "samples", "5"))
		post(producer, dossier+"/form02", dossierForm(t, e, id, "representative_name", "Nguyễn Thị Hoa", "representative_gender", "female",
			"representative_ethnicity", "Kinh", "founded_on", "2015-03-02", "check", "business_registration", "check", "quality_declared",
			"history", "Thành lập năm 2015 từ tổ hợp tác sấy quả của làng.", "production", "Vùng mít 20 ha liên kết với 45 hộ.",
			"market", "Siêu thị và cửa hàng đặc sản ở Hà Nội", "revenue", "3,2 tỷ đồng năm 2025", "plans", "Xuất khẩu sang Nhật Bản"))
		post(producer, dossier+"/self", dossierSelfForm(t, e, id))
		if r := dossierUpload(t, e, producer, id, "giay-dkkd.pdf", dossierPDF, "criterion", itoa(dossierCriterion(t, e, id, "1.1")),
			"title", "Giấy chứng nhận đăng ký hợp tác xã"); r.Status != http.StatusSeeOther {
			t.Fatalf("evidence: status %d\n%s", r.Status, r.Body)
		}
		post(producer, dossier+"/submit", dossierForm(t, e, id))
		regNo := dossierGet(t, e, id).RegNo
		page(producer, dossier, regNo, "Tổng điểm tự đánh giá: 99")

		// 2. Điều 7.2: within its 15 working days the commune checks the
		// dossier and returns it for one fix; the producer attaches the
		// missing paper and files again under the same number.
		page(officer, "/admin/dossiers?state=submitted", "Mít sấy giòn Bát Tràng")
		post(officer, dossier+"/return", dossierForm(t, e, id, "items", "Bổ sung giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm"))
		page(producer, dossier, "Bổ sung giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm")
		if r := dossierUpload(t, e, producer, id, "attp.pdf", dossierPDF, "title", "Giấy chứng nhận cơ sở đủ điều kiện ATTP"); r.Status != http.StatusSeeOther {
			t.Fatalf("evidence fix: status %d\n%s", r.Status, r.Body)
		}
		post(producer, dossier+"/submit", dossierForm(t, e, id))

		// 3. Điều 7.2.a–b, 6.2.d: the commune accepts it with its Mẫu 03
		// report and proposes it to the province with 5 samples; Mẫu 03
		// prints with its Vietnamese intact.
		post(officer, dossier+"/report", dossierForm(t, e, id, "raw_materials", "Mít của các hộ trong xã, có hợp đồng liên kết.",
			"labour", "18/20 lao động là người địa phương.", "idea_origin", "Nghề sấy quả truyền thống của làng.",
			"identity", "Kỹ thuật sấy lạnh giữ màu, gắn với làng nghề Bát Tràng."))
		post(officer, dossier+"/propose", dossierForm(t, e, id, "samples", "5"))
		if d := dossierGet(t, e, id); d.State != evaluation.StateProposed || d.Samples != 5 || d.RegNo != regNo {
			t.Errorf("after the commune: state %s, %d samples, number %q; want proposed, 5, %q", d.State, d.Samples, d.RegNo, regNo)
		}
		if r := officer.Get(dossier + "/pdf/03"); r.Status != http.StatusOK || !strings.HasPrefix(r.Body, "%PDF-") {
			t.Errorf("Mẫu 03 PDF: status %d", r.Status)
		} else if pdf, ok := journeyPDFText(t, []byte(r.Body)); ok && !strings.Contains(pdf, "Kỹ thuật sấy lạnh giữ màu, gắn với làng nghề Bát Tràng.") {
			t.Errorf("Mẫu 03 PDF lacks the report's text:\n%s", pdf)
		}

		// 4. Điều 7.3.a: the provincial office checks and accepts it.
		page(office, "/admin/dossiers?state=proposed", "Mít sấy giòn Bát Tràng")
		post(office, dossier+"/accept", dossierForm(t, e, id))

		// 5. Điều 5.1, 7.3.b: the office opens round 1 of 2027 (the round a
		// dossier proposed in November falls into) and forms the council:
		// a chair and two members, then puts the dossier before it.
		post(office, "/admin/rounds", url.Values{"level": {"province"}, "year": {"2027"}, "no": {"1"}, "title": {"Đợt 1 năm 2027"}})
		rounds, err := e.App.Evaluation.ListRounds(e.Ctx(), e.Admin(), 2027)
		if err != nil || len(rounds) != 1 {
			t.Fatalf("rounds of 2027: %d (err %v), want 1", len(rounds), err)
		}
		page(producer, dossier, "Đợt 1 năm 2027")
		council := post(office, "/admin/councils", url.Values{"round_id": {itoa(rounds[0].ID)}, "name": {"Hội đồng đánh giá, phân hạng sản phẩm OCOP Thành phố Hà Nội đợt 1/2027"},
			"decision_no": {"4567/QĐ-UBND"}, "formed_on": {"2026-11-22"}, "chair_id": {itoa(ids["chair"])}, "chair_department": {"people_committee"}})
		if !strings.HasPrefix(council, "/admin/councils/") {
			t.Fatalf("forming the council leads to %q", council)
		}
		cid, _ := strconv.ParseInt(strings.TrimPrefix(council, "/admin/councils/"), 10, 64)
		for who, dept := range map[string]string{"m1": "agri_env", "m2": "health"} {
			post(office, council+"/members", url.Values{"user_id": {itoa(ids[who])}, "role": {"member"}, "department": {dept}})
		}
		post(office, council+"/assign", url.Values{"dossier": {itoa(id)}})
		page(office, council, "Mít sấy giòn Bát Tràng", "0/32 tiêu chí")

		// 6. Điều 7.3.d, 3.3: each of the three scores every criterion at its
		// best option except 6.3 (colour), where all give the option marked
		// for 4★, one below the 5★ mark; each submits, the chair closes.
		set := councilTestSet(t, e, id)
		colour := councilCrit(t, set, "6.3")
		var four, five *evaluation.Option
		for i, o := range colour.Options {
			switch o.Star {
			case 4:
				four = &colour.Options[i]
			case 5:
				five = &colour.Options[i]
			}
		}
		if four == nil || five == nil {
			t.Fatalf("criterion 6.3 of set 7 lacks its 4★ or 5★ mark")
		}
		scoring := councilScorePath(cid, id)
		for _, who := range []string{"chair", "m1", "m2"} {
			member := as(who)
			page(member, scoring+"/score", five.Text)
			post(member, scoring+"/score", councilSheet(set, map[string]int{"6.3": four.Position}))
			post(member, scoring+"/submit", nil)
		}
		post(as("chair"), council+"/close", nil)
		if d := dossierGet(t, e, id); d.State != evaluation.StateScored {
			t.Errorf("after closing: state %s, want scored", d.State)
		}

		// 7. Điều 3.3 and the star gate: the result screen explains itself —
		// the mean (99 of 100) is in the 5★ band, but the 5★ mark of 6.3 was
		// missed, so 4★, which the province certifies. The producer sees it.
		result := page(producer, dossier+"/result", "99,00", "★★★★", "công nhận sản phẩm OCOP 4 sao",
			"thuộc khung 5 sao, nhưng chưa đạt yêu cầu tối thiểu (dấu sao) của mức 5 sao")
		level5 := result[strings.Index(result, `id="level-5"`):]
		if end := strings.Index(level5, "</section>"); end > 0 {
			level5 = level5[:end]
		}
		missed := regexp.MustCompile(`(?s)<tr class="missed">\s*<td><strong>6\.3</strong> ` + regexp.QuoteMeta(colour.Title) + `</td>.*?✗`)
		if !missed.MatchString(level5) || strings.Count(level5, `class="missed"`) != 1 {
			t.Errorf("result screen: the 5★ level does not name 6.3 %s as its one missed mark:\n%s", colour.Title, level5)
		}

		// 8. Điều 7.3.e, 4.3: the office issues the decision; the province
		// certifies 4★ for 36 months.
		page(office, "/admin/decisions", "Mít sấy giòn Bát Tràng")
		decision := post(office, "/admin/decisions", url.Values{"number": {"1234/QĐ-UBND"}, "decided_on": {"2026-11-22"},
			"signer": {"Nguyễn Mạnh Quyền"}, "dossier": {itoa(id)}})
		cm := journeyCertRe.FindStringSubmatch(page(office, decision, "1234/QĐ-UBND"))
		if cm == nil {
			t.Fatalf("the decision page links no certificate")
		}
		certPage, number := "/admin/certificates/"+cm[1], cm[2]
		slug := evaluation.CertificateSlug(number)
		expiry := evaluation.Date{Y: 2029, M: time.November, D: 22}
		page(producer, certPage, number, "Còn hiệu lực", "★★★★", "22/11/2029")
		if d := dossierGet(t, e, id); d.State != evaluation.StateCertified {
			t.Errorf("after the decision: state %s, want certified", d.State)
		}

		// 9. The certificate's PDF opens with correct Vietnamese.
		r := e.Anon().Get("/certificates/" + slug + ".pdf")
		if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(r.Body, "%PDF-") {
			t.Fatalf("certificate PDF: status %d, type %q", r.Status, r.Header.Get("Content-Type"))
		}
		if pdf, ok := journeyPDFText(t, []byte(r.Body)); ok {
			for _, w := range []string{"GIẤY CHỨNG NHẬN SẢN PHẨM OCOP", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Mít sấy giòn Bát Tràng",
				"Hợp tác xã Chế biến nông sản Bát Tràng", "ĐẠT HẠNG 4 SAO", "Số: " + number, "1234/QĐ-UBND",
				"ngày 22 tháng 11 năm 2029", "THÀNH PHỐ HÀ NỘI", "Nguyễn Mạnh Quyền"} {
				if !strings.Contains(pdf, w) {
					t.Errorf("certificate PDF lacks %q", w)
				}
			}
		}

		// 10. The upgrade advisor shows the producer what would lift it: the
		// missed 5★ mark of 6.3 and the option to reach.
		page(producer, dossier+"/advice", "Lộ trình lên 5 sao", colour.No+". "+colour.Title, five.Text, "bắt buộc cho 5 sao",
			"1 chỉ tiêu bắt buộc (dấu sao) chưa đạt")

		// at moves the clock to 9:00 in Hanoi on a day, and signs the users
		// in again.
		at := func(d evaluation.Date) {
			e.Clock.Set(time.Date(d.Y, d.M, d.D, 2, 0, 0, 0, time.UTC))
			producer, office = as("producer"), as("office")
		}

		// 11. Điều 7.6.a: a re-rating is filed "không sớm hơn 180 ngày và
		// không muộn hơn 120 ngày" before expiry. On the window's first
		// day the certificate is still plainly valid, the producer sees its
		// expiry when starting a dossier, and files the re-rating on it.
		opens, closes := evaluation.ReratingWindow(expiry)
		if want := (evaluation.Date{Y: 2029, M: time.May, D: 26}); opens != want || closes != want.AddDays(60) {
			t.Errorf("re-rating window %s–%s, want 2029-05-26–2029-07-25", opens, closes)
		}
		at(opens)
		if !evaluation.InReratingWindow(expiry, e.App.Evaluation.Today()) || evaluation.InReratingWindow(expiry, opens.AddDays(-1)) {
			t.Errorf("%s is not the first day of the re-rating window", opens)
		}
		page(producer, certPage, "Còn hiệu lực", "22/11/2029")
		page(producer, "/admin/dossiers/new?product="+itoa(product.ID), number, "4 sao", "hết hạn 22/11/2029", "Đánh giá lại")
		rerating := post(producer, "/admin/dossiers", url.Values{"product": {itoa(product.ID)}, "kind": {"rerating"}})
		if rm := dossierIDRe.FindStringSubmatch(rerating); rm == nil {
			t.Errorf("filing the re-rating leads to %q", rerating)
		} else {
			rid, _ := strconv.ParseInt(rm[1], 10, 64)
			if d := dossierGet(t, e, rid); d.Kind != evaluation.DossierRerating || d.CertificateID == 0 {
				t.Errorf("re-rating dossier: kind %s, certificate %d", d.Kind, d.CertificateID)
			}
		}
		// The notices job tells the producer that the window is open, in
		// the app (and by e-mail when SMTP is configured).
		if runs := e.App.Jobs.RunDue(e.Ctx()); len(runs) == 0 || runs[0].Err != nil || !strings.Contains(runs[0].Report, "rerating_open") {
			t.Errorf("notices when the window opens: %+v", runs)
		}
		page(producer, "/admin/notices", "Mở thời hạn đánh giá lại", number)

		// 12. 30 days before expiry the certificate is "Sắp hết hạn",
		// on the back office and the public page.
		at(evaluation.ExpiryNoticeDate(expiry))
		page(producer, certPage, "Sắp hết hạn")
		page(e.Anon(), "/certificates/"+slug, "Sắp hết hạn")
		// The expiry notice goes out once, at least 30 days before.
		if runs := e.App.Jobs.RunDue(e.Ctx()); len(runs) == 0 || runs[0].Err != nil || !strings.Contains(runs[0].Report, "1 expiry") {
			t.Errorf("notices 30 days before expiry: %+v", runs)
		}

		// 13. Điều 4.3: valid 36 months — the day after expiry the public
		// page says "Hết hạn" and never "Còn hiệu lực".
		at(expiry.AddDays(1))
		public := page(e.Anon(), "/certificates/"+slug, "Hết hạn", "cert-status-expired")
		if strings.Contains(public, "Còn hiệu lực") || strings.Contains(public, "Sắp hết hạn") {
			t.Errorf("after expiry the public page still shows the certificate as valid")
		}
		page(office, "/admin/certificates?status=expired", number)
	})
}
