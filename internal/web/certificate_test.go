package web_test

import (
	"html"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/db"
	"ocop/internal/evaluation"
	"ocop/internal/registry"
)

// certFixture builds, directly in the database, the scored dossiers that
// decisions rule on, so that these tests do not depend on the dossier and
// council pages: a provincial round and council, a central round and
// council, and dossiers in state scored with their council's result.
type certFixture struct {
	t                  *testing.T
	e                  *apptest.Env
	council, ministry  int64
	round, centralRond int64
}

func newCertFixture(t *testing.T, e *apptest.Env) *certFixture {
	t.Helper()
	f := &certFixture{t: t, e: e}
	now := e.Clock.Now().UTC()
	ins := func(q string, args ...any) int64 {
		t.Helper()
		id, err := db.Insert(e.Ctx(), e.App.DB, q, args...)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	f.round = ins(`INSERT INTO rounds (level, year, no, title, proposed_before, decided_before, extra, status, created_at, version)
		VALUES ('province', 2026, 92, 'Đợt bổ sung năm 2026', '2026-10-30', '2026-12-30', true, 'open', ?, 1)`, now)
	f.centralRond = ins(`INSERT INTO rounds (level, year, no, title, proposed_before, decided_before, extra, status, created_at, version)
		VALUES ('ministry', 2026, 91, 'Đợt bổ sung năm 2026', '2026-07-30', '2026-09-30', true, 'open', ?, 1)`, now)
	f.council = ins(`INSERT INTO councils (round_id, level, name, decision_no, formed_on, written, status, created_at, version)
		VALUES (?, 'province', 'Hội đồng đánh giá, phân hạng sản phẩm OCOP Thành phố Hà Nội', '100/QĐ-UBND', '2026-10-01', false, 'closed', ?, 1)`, f.round, now)
	f.ministry = ins(`INSERT INTO councils (round_id, level, name, decision_no, formed_on, written, status, created_at, version)
		VALUES (?, 'ministry', 'Hội đồng OCOP cấp trung ương', '55/QĐ-BNNMT', '2026-08-01', false, 'closed', ?, 1)`, f.centralRond, now)
	return f
}

// setFor returns the active scorecard version for a product's category.
func (f *certFixture) setFor(category string) int64 {
	f.t.Helper()
	c, ok := f.e.App.Registry.Categories().Get(category)
	if !ok {
		f.t.Fatalf("category %s", category)
	}
	ids, err := f.e.App.Evaluation.Scorecards().ActiveIDs(f.e.Ctx())
	if err != nil {
		f.t.Fatal(err)
	}
	id, ok := ids[c.ScorecardSet]
	if !ok {
		f.t.Fatalf("scorecard %d of %s has no active version", c.ScorecardSet, category)
	}
	return id
}

// dossier inserts a dossier of the product in a state.
func (f *certFixture) dossier(x registry.Product, kind string, state evaluation.State) int64 {
	f.t.Helper()
	now := f.e.Clock.Now().UTC()
	id, err := db.Insert(f.e.Ctx(), f.e.App.DB, `INSERT INTO dossiers (reg_no, product_id, producer_id, commune_code, kind, state, criteria_set_id,
			round_id, certificate_id, form01, form02, changes, updates, filed_on, commune_due, return_items, return_due, reject_reason,
			commune_report, samples, proposed_on, complete_on, created_at, updated_at, created_by, version)
		VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, NULL, '', '', '', '', '2026-06-01', '2026-06-22', '', '', '', '', 5, '2026-06-20', '', ?, ?, NULL, 1)`,
		x.ID, x.ProducerID, x.CommuneCode, kind, string(state), f.setFor(x.CategoryCode), f.round, now, now)
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

// resultAt is when the fixture's councils computed their results: before
// the decisions the tests date in November 2026.
var resultAt = time.Date(2026, 10, 30, 3, 0, 0, 0, time.UTC)

// result records a council's result for a dossier.
func (f *certFixture) result(dossierID int64, level evaluation.Level, mean float64, band, star evaluation.Star) {
	f.t.Helper()
	council := f.council
	g := evaluation.Gate{Band: band, Star: star}
	out := evaluation.ProvinceOutcome(g)
	if level == evaluation.LevelMinistry {
		council, out = f.ministry, evaluation.CentralOutcome(g)
	}
	if _, err := f.e.App.DB.ExecContext(f.e.Ctx(), `INSERT INTO results (council_id, dossier_id, level, members, mean, part_a, part_b, part_c,
			band, star, outcome, explanation, computed_at) VALUES (?, ?, ?, 3, ?, ?, ?, ?, ?, ?, ?, '', ?)`,
		council, dossierID, string(level), mean, mean*0.4, mean*0.25, mean*0.35, int(band), int(star), string(out.Kind), resultAt); err != nil {
		f.t.Fatal(err)
	}
}

// scored inserts a scored dossier with its result.
func (f *certFixture) scored(x registry.Product, level evaluation.Level, mean float64, band, star evaluation.Star) int64 {
	f.t.Helper()
	id := f.dossier(x, "first", evaluation.StateScored)
	f.result(id, level, mean, band, star)
	return id
}

func (f *certFixture) count(q string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.e.App.DB.QueryRowContext(f.e.Ctx(), q, args...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

func (f *certFixture) state(dossierID int64) string {
	f.t.Helper()
	var s string
	if err := f.e.App.DB.QueryRowContext(f.e.Ctx(), "SELECT state FROM dossiers WHERE id = ?", dossierID).Scan(&s); err != nil {
		f.t.Fatal(err)
	}
	return s
}

// decide issues a decision through the page and returns the new
// decision's path.
func (f *certFixture) decide(c *apptest.Client, number, on string, dossiers ...int64) string {
	f.t.Helper()
	form := url.Values{"number": {number}, "decided_on": {on}, "signer": {"Nguyễn Mạnh Quyền"}}
	for _, id := range dossiers {
		form.Add("dossier", itoa(id))
	}
	r := c.PostForm("/admin/decisions", form)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/admin/decisions/") {
		f.t.Fatalf("decision %s: status %d, location %q\n%s", number, r.Status, r.Location(), r.Body)
	}
	return r.Location()
}

// certID returns the id of the certificate with the number.
func (f *certFixture) certID(number string) int64 {
	f.t.Helper()
	var id int64
	if err := f.e.App.DB.QueryRowContext(f.e.Ctx(), "SELECT id FROM certificates WHERE number = ?", number).Scan(&id); err != nil {
		f.t.Fatalf("certificate %s: %v", number, err)
	}
	return id
}

// certPDFText extracts the text of a PDF with pdftotext (poppler-utils);
// the test is skipped when the tool is missing, unless CI is set.
func certPDFText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext is missing (apt-get install poppler-utils)")
		}
		t.Skip("pdftotext not installed (apt-get install poppler-utils)")
	}
	in := filepath.Join(t.TempDir(), "c.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(norm.NFC.String(string(out))), " ")
}

// clone copies form values, since PostForm adds the client's CSRF token
// to the map it is given.
func clone(v url.Values) url.Values {
	c := url.Values{}
	for k, vs := range v {
		c[k] = append([]string(nil), vs...)
	}
	return c
}

// text is a page's text with entities decoded, for matching names.
func text(r *apptest.Response) string { return html.UnescapeString(r.Body) }

// The done-when of decisions and certificates, on both engines: the office
// decides on three scored dossiers (4★, 2★, potential 5★); the 4★ and the
// potential 5★ get certificates numbered N/GCN-OCOP-01-2026 valid 36
// months, the 2★ none, the potential 5★ goes to the Ministry with its
// proposal; the public page and the PDF show the certificate; moving the
// clock shows it expiring soon, then expired, everywhere.
func TestDecisionCertificateJourney(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := newCertFixture(t, e)
		a := e.Producer("Hợp tác xã Ô mai Hàng Đường", "00004")
		omai := e.Product(a.ID, "Ô mai mơ gừng Hàng Đường", "I.3.c")
		tra := e.Product(a.ID, "Trà sen Tây Hồ", "I.5.b")
		banh := e.Product(a.ID, "Bánh cốm Làng Vòng", "I.3.b")
		d4 := f.scored(omai, evaluation.LevelProvince, 78.5, evaluation.Star4, evaluation.Star4)
		d2 := f.scored(tra, evaluation.LevelProvince, 41, evaluation.Star2, evaluation.Star2)
		d5 := f.scored(banh, evaluation.LevelProvince, 92.33, evaluation.Star5, evaluation.Star5)
		office := e.Login(e.User(account.RoleOffice))

		r := office.Get("/admin/decisions")
		for _, want := range []string{"Ô mai mơ gừng Hàng Đường", "Trà sen Tây Hồ", "Bánh cốm Làng Vòng", "92,33", "Không cấp giấy chứng nhận"} {
			if r.Status != 200 || !strings.Contains(text(r), want) {
				t.Errorf("decisions page: status %d, lacks %q", r.Status, want)
			}
		}
		loc := f.decide(office, "1234/QĐ-UBND", "2026-11-20", d4, d2, d5)
		for id, want := range map[int64]string{d4: "certified", d2: "failed", d5: "to_ministry"} {
			if got := f.state(id); got != want {
				t.Errorf("dossier %d: state %s, want %s", id, got, want)
			}
		}
		for _, tt := range []struct {
			number     string
			product    int64
			star       int
			potential5 bool
		}{
			{"1/GCN-OCOP-01-2026", omai.ID, 4, false},
			{"2/GCN-OCOP-01-2026", banh.ID, 4, true},
		} {
			var product int64
			var star int
			var p5 bool
			var issued, expires, rs, auth string
			err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT product_id, star, potential5, issued_on, expires_on, rule_set, authority FROM certificates WHERE number = ?",
				tt.number).Scan(&product, &star, &p5, &issued, &expires, &rs, &auth)
			if err != nil {
				t.Fatalf("certificate %s: %v", tt.number, err)
			}
			if product != tt.product || star != tt.star || p5 != tt.potential5 || issued != "2026-11-20" || expires != "2029-11-20" || rs != "26/2026" || auth != "province" {
				t.Errorf("certificate %s: product %d star %d potential5 %v issued %s expires %s rule set %s authority %s",
					tt.number, product, star, p5, issued, expires, rs, auth)
			}
		}
		if n := f.count("SELECT COUNT(*) FROM certificates WHERE product_id = ?", tra.ID); n != 0 {
			t.Errorf("2★ product got %d certificates, want none", n)
		}
		for action, want := range map[string]int{"decision.create": 1, "certificate.issue": 2, "dossier.certify": 1, "dossier.fail": 1, "dossier.to_central": 1} {
			if n := f.count("SELECT COUNT(*) FROM audit_log WHERE action = ?", action); n != want {
				t.Errorf("audit %s: %d rows, want %d", action, n, want)
			}
		}
		if n := f.count("SELECT COUNT(*) FROM dossier_events WHERE dossier_id IN (?, ?, ?)", d4, d2, d5); n != 3 {
			t.Errorf("dossier events: %d, want 3", n)
		}
		r = office.Get(loc)
		if r.Status != 200 || !strings.Contains(r.Body, "1/GCN-OCOP-01-2026") || !strings.Contains(r.Body, "/admin/dossiers/"+itoa(d5)+"/proposal") {
			t.Errorf("decision page: status %d\n%s", r.Status, r.Body)
		}
		r = office.Get("/admin/dossiers/" + itoa(d5) + "/proposal")
		if body := text(r); r.Status != 200 || !strings.Contains(body, "HỒ SƠ ĐỀ NGHỊ ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP 5 SAO") ||
			!strings.Contains(body, "1234/QĐ-UBND") || !strings.Contains(body, "92,33") || !strings.Contains(body, "2/GCN-OCOP-01-2026") {
			t.Errorf("proposal page: status %d\n%s", r.Status, r.Body)
		}
		if r := office.Get("/admin/dossiers/" + itoa(d4) + "/proposal"); r.Status != http.StatusNotFound {
			t.Errorf("proposal of a 4★ dossier: status %d, want 404", r.Status)
		}

		anon := e.Anon()
		for _, tt := range []struct {
			path string
			want []string
		}{
			{"/certificates/1-GCN-OCOP-01-2026", []string{"Ô mai mơ gừng Hàng Đường", "Còn hiệu lực", "cert-status-valid", "★★★★", "1234/QĐ-UBND", "20/11/2029", "Hợp tác xã Ô mai Hàng Đường"}},
			{"/certificates/1-GCN-OCOP-01-2026?lang=en", []string{"Valid", "4 stars"}},
			{"/certificates/" + url.PathEscape("1/GCN-OCOP-01-2026"), []string{"Ô mai mơ gừng Hàng Đường"}},
			{"/certificates/2-GCN-OCOP-01-2026", []string{"Bánh cốm Làng Vòng", "tiềm năng 5 sao"}},
		} {
			r := e.Anon().Get(tt.path) // a fresh visitor: ?lang=en sticks in a cookie
			for _, w := range tt.want {
				if r.Status != 200 || !strings.Contains(text(r), w) {
					t.Errorf("GET %s: status %d, lacks %q", tt.path, r.Status, w)
				}
			}
		}
		if r := anon.Get("/certificates/999-GCN-OCOP-01-2026"); r.Status != http.StatusNotFound {
			t.Errorf("unknown certificate: status %d, want 404", r.Status)
		}
		r = anon.Get("/certificates/1-GCN-OCOP-01-2026.pdf")
		if r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(r.Body, "%PDF-") {
			t.Fatalf("PDF: status %d, type %q, starts %q", r.Status, r.Header.Get("Content-Type"), r.Body[:min(8, len(r.Body))])
		}
		pdf := certPDFText(t, []byte(r.Body))
		for _, w := range []string{"GIẤY CHỨNG NHẬN SẢN PHẨM OCOP", "Ô mai mơ gừng Hàng Đường", "Hợp tác xã Ô mai Hàng Đường", "Số: 1/GCN-OCOP-01-2026",
			"ĐẠT HẠNG 4 SAO", "1234/QĐ-UBND", "ngày 20 tháng 11 năm 2029", "THÀNH PHỐ HÀ NỘI", "Phường Ba Đình", "Nguyễn Mạnh Quyền"} {
			if !strings.Contains(pdf, w) {
				t.Errorf("PDF text lacks %q:\n%s", w, pdf)
			}
		}

		list := func(query string) string {
			r := office.Get("/admin/certificates" + query)
			if r.Status != 200 {
				t.Fatalf("list %s: status %d\n%s", query, r.Status, r.Body)
			}
			return text(r)
		}
		if body := list(""); !strings.Contains(body, "1/GCN-OCOP-01-2026") || !strings.Contains(body, `cert-status cert-status-valid">Còn hiệu lực`) {
			t.Errorf("list: lacks the certificate or its status")
		}
		if body := list("?star=5"); strings.Contains(body, "1/GCN-OCOP-01-2026") {
			t.Errorf("list star=5 shows a 4★ certificate")
		}

		// 20 days before expiry: expiring soon, on the public page and in the
		// 30-day filter (sessions do not last three years: sign in again).
		e.Clock.Set(time.Date(2029, 10, 31, 9, 0, 0, 0, time.UTC))
		office = e.Session(e.User(account.RoleOffice))
		if r := anon.Get("/certificates/1-GCN-OCOP-01-2026"); !strings.Contains(text(r), "Sắp hết hạn") {
			t.Errorf("20 days before expiry: public page lacks Sắp hết hạn: status %d %s\n%s", r.Status, r.Location(), r.Body)
		}
		if body := list("?expiring=30"); !strings.Contains(body, "1/GCN-OCOP-01-2026") {
			t.Errorf("expiring=30 lacks the certificate")
		}
		// The day after the last valid day: expired everywhere, never valid.
		e.Clock.Set(time.Date(2029, 11, 21, 9, 0, 0, 0, time.UTC))
		office = e.Session(e.User(account.RoleOffice))
		r = anon.Get("/certificates/1-GCN-OCOP-01-2026")
		if body := text(r); !strings.Contains(body, "Hết hạn") || strings.Contains(body, "Còn hiệu lực") || !strings.Contains(body, "cert-status-expired") {
			t.Errorf("after 36 months: public page does not say Hết hạn only")
		}
		if body := list(""); strings.Contains(body, "cert-status-valid") || !strings.Contains(body, `cert-status cert-status-expired">Hết hạn`) {
			t.Errorf("after 36 months: the list still shows a valid certificate or lacks Hết hạn")
		}
		if body := list("?status=expired"); !strings.Contains(body, "1/GCN-OCOP-01-2026") {
			t.Errorf("status=expired lacks the certificate")
		}
		if body := list("?status=valid"); strings.Contains(body, "1/GCN-OCOP-01-2026") {
			t.Errorf("status=valid shows an expired certificate")
		}
		c, err := e.App.Evaluation.CurrentCertificate(e.Ctx(), omai.ID)
		if err != nil || c.Status != evaluation.CertExpired || c.Valid() {
			t.Errorf("CurrentCertificate: status %s valid %v err %v; want expired", c.Status, c.Valid(), err)
		}
		r = anon.Get("/certificates/1-GCN-OCOP-01-2026.pdf")
		if pdf := certPDFText(t, []byte(r.Body)); !strings.Contains(pdf, "đã hết hiệu lực từ ngày 21/11/2029") {
			t.Errorf("expired PDF does not say it is void:\n%s", pdf)
		}
	})
}

// A re-rating certified supersedes the old certificate, which is then not
// valid anywhere; a Ministry 5★ result is certified by the Ministry.
func TestCertificateSupersededAndMinistry(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := newCertFixture(t, e)
		a := e.Producer("Công ty Cổ phần Bánh kẹo Bảo Minh", "00004")
		x := e.Product(a.ID, "Bánh pía Bảo Minh", "I.3.b")
		office := e.Login(e.User(account.RoleOffice))
		f.decide(office, "10/QĐ-UBND", "2026-11-02", f.scored(x, evaluation.LevelProvince, 72, evaluation.Star4, evaluation.Star4))
		up := f.dossier(x, "upgrade", evaluation.StateScored)
		f.result(up, evaluation.LevelMinistry, 91, evaluation.Star5, evaluation.Star5)
		f.decide(office, "77/QĐ-BNNMT", "2026-11-20", up)
		old, cur := f.certID("1/GCN-OCOP-01-2026"), f.certID("1/GCN-OCOP-TW-2026")
		var sup int64
		var auth string
		if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT COALESCE(c.superseded_by, 0), n.authority FROM certificates c, certificates n WHERE c.id = ? AND n.id = ?",
			old, cur).Scan(&sup, &auth); err != nil {
			t.Fatal(err)
		}
		if sup != cur || auth != "ministry" {
			t.Errorf("old certificate superseded by %d (want %d); new authority %s (want ministry)", sup, cur, auth)
		}
		r := e.Anon().Get("/certificates/1-GCN-OCOP-01-2026")
		if body := text(r); !strings.Contains(body, "Đã thay thế") || strings.Contains(body, "Còn hiệu lực") || !strings.Contains(body, "1/GCN-OCOP-TW-2026") {
			t.Errorf("superseded certificate page:\n%s", r.Body)
		}
		c, err := e.App.Evaluation.CurrentCertificate(e.Ctx(), x.ID)
		if err != nil || c.Number != "1/GCN-OCOP-TW-2026" || c.Star != evaluation.Star5 || !c.Valid() {
			t.Errorf("CurrentCertificate: %s %d★ valid %v err %v", c.Number, c.Star, c.Valid(), err)
		}
		r = e.Anon().Get("/certificates/1-GCN-OCOP-TW-2026.pdf")
		if pdf := certPDFText(t, []byte(r.Body)); !strings.Contains(pdf, "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG") || !strings.Contains(pdf, "ĐẠT HẠNG 5 SAO") {
			t.Errorf("5★ PDF:\n%s", pdf)
		}
	})
}

// Revocation (Điều 8): only the office records it, on a ground of Điều
// 8.1, with the conclusion and a decision number; a 5★ certificate only
// with the Ministry's decision number; late revocations are recorded with
// a warning; a revoked certificate shows as revoked everywhere.
func TestCertificateRevoke(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := newCertFixture(t, e)
		a := e.Producer("HTX Mật ong Ba Vì", "00004")
		b := e.Producer("HTX Chè Đông Anh", "00008")
		x4 := e.Product(a.ID, "Ruốc cá hồi", "I.3.d")
		x5 := e.Product(b.ID, "Rượu làng Vân", "II.1.a")
		office := e.Login(e.User(account.RoleOffice))
		f.decide(office, "20/QĐ-UBND", "2026-11-02", f.scored(x4, evaluation.LevelProvince, 75, evaluation.Star4, evaluation.Star4))
		f.decide(office, "88/QĐ-BNNMT", "2026-11-02", f.scored(x5, evaluation.LevelMinistry, 93, evaluation.Star5, evaluation.Star5))
		c4, c5 := f.certID("1/GCN-OCOP-01-2026"), f.certID("1/GCN-OCOP-TW-2026")
		form := func(extra ...string) url.Values {
			v := url.Values{"ground": {"law_violation"}, "conclusion": {"Kết luận thanh tra số 12/KL-CCATTP"}, "concluded_on": {"2026-11-10"},
				"decided_on": {"2026-11-20"}, "signer": {"Phó Chủ tịch UBND Thành phố"}}
			for i := 0; i+1 < len(extra); i += 2 {
				v.Set(extra[i], extra[i+1])
			}
			return v
		}
		path4 := "/admin/certificates/" + itoa(c4) + "/revoke"
		path5 := "/admin/certificates/" + itoa(c5) + "/revoke"
		for _, tt := range []struct {
			name   string
			role   account.Role
			path   string
			form   url.Values
			status int
			want   string
		}{
			{"commune officer", account.RoleCommune, path4, form("decision_no", "30/QĐ-UBND"), http.StatusForbidden, ""},
			{"council member", account.RoleCouncil, path4, form("decision_no", "30/QĐ-UBND"), http.StatusForbidden, ""},
			{"producer", account.RoleProducer, path4, form("decision_no", "30/QĐ-UBND"), http.StatusForbidden, ""},
			{"no decision number", account.RoleOffice, path4, form(), http.StatusUnprocessableEntity, "bắt buộc"},
			{"ground outside Điều 8.1", account.RoleOffice, path4, form("decision_no", "30/QĐ-UBND", "ground", "bad_taste"), http.StatusUnprocessableEntity, "Điều 8.1"},
			{"no conclusion", account.RoleOffice, path4, form("decision_no", "30/QĐ-UBND", "conclusion", ""), http.StatusUnprocessableEntity, "bắt buộc"},
			{"decision before the conclusion", account.RoleOffice, path4, form("decision_no", "30/QĐ-UBND", "decided_on", "2026-11-05"), http.StatusUnprocessableEntity, "trước ngày có kết luận"},
			{"decision in the future", account.RoleOffice, path4, form("decision_no", "30/QĐ-UBND", "decided_on", "2027-01-05"), http.StatusUnprocessableEntity, "sau hôm nay"},
			{"decision number of an existing decision", account.RoleOffice, path4, form("decision_no", "20/QĐ-UBND"), http.StatusConflict, "đã được dùng"},
			{"5★ by the province without the Ministry's number", account.RoleOffice, path5, form("decision_no", "31/QĐ-UBND"), http.StatusUnprocessableEntity, "nhập số quyết định thu hồi của Bộ"},
		} {
			c := e.Session(e.User(tt.role, "00004"))
			r := c.PostForm(tt.path, tt.form)
			if r.Status != tt.status || !strings.Contains(text(r), tt.want) {
				t.Errorf("%s: status %d, want %d with %q", tt.name, r.Status, tt.status, tt.want)
			}
		}
		if n := f.count("SELECT COUNT(*) FROM certificates WHERE revoked_on <> ''"); n != 0 {
			t.Fatalf("refused revocations revoked %d certificates", n)
		}
		if n := f.count("SELECT COUNT(*) FROM decisions WHERE kind = 'revoke'"); n != 0 {
			t.Fatalf("refused revocations wrote %d decisions", n)
		}

		// In time: revoked, no warning.
		r := office.PostForm(path4, form("decision_no", "30/QĐ-UBND"))
		if r.Status != http.StatusSeeOther {
			t.Fatalf("revoke 4★: status %d\n%s", r.Status, r.Body)
		}
		r = office.Get(r.Location())
		if body := text(r); !strings.Contains(body, "Đã ghi nhận thu hồi giấy chứng nhận.") || strings.Contains(body, "quá 15 ngày") {
			t.Errorf("revoked in time: flash missing or warns late")
		}
		if r := office.PostForm(path4, form("decision_no", "32/QĐ-UBND")); r.Status != http.StatusConflict {
			t.Errorf("revoke twice: status %d, want 409", r.Status)
		}
		r = e.Anon().Get("/certificates/1-GCN-OCOP-01-2026")
		if body := text(r); !strings.Contains(body, "Đã thu hồi") || strings.Contains(body, "Còn hiệu lực") || !strings.Contains(body, "30/QĐ-UBND") {
			t.Errorf("revoked certificate public page:\n%s", r.Body)
		}
		if c, err := e.App.Evaluation.CurrentCertificate(e.Ctx(), x4.ID); err != nil || c.Valid() || c.Status != evaluation.CertRevoked {
			t.Errorf("CurrentCertificate after revocation: %s valid %v err %v", c.Status, c.Valid(), err)
		}

		// 5★, recorded with the Ministry's number, 20 days after the conclusion: late, warned.
		r = office.PostForm(path5, form("ministry_decision_no", "150/QĐ-BNNMT", "concluded_on", "2026-10-31", "ground", "mark_misuse"))
		if r.Status != http.StatusSeeOther {
			t.Fatalf("revoke 5★: status %d\n%s", r.Status, r.Body)
		}
		if body := text(office.Get(r.Location())); !strings.Contains(body, "quá 15 ngày") {
			t.Errorf("late revocation: no warning")
		}
		var auth string
		if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT authority FROM decisions WHERE number = '150/QĐ-BNNMT' AND kind = 'revoke'").Scan(&auth); err != nil || auth != "ministry" {
			t.Errorf("5★ revocation decision authority %q (err %v), want ministry", auth, err)
		}
		if n := f.count("SELECT COUNT(*) FROM audit_log WHERE action = 'certificate.revoke'"); n != 2 {
			t.Errorf("audit certificate.revoke: %d rows, want 2", n)
		}
	})
}

// Inspections (Điều 9) are recorded by the office and listed on the
// certificate's page; others may not record them.
func TestCertificateInspections(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := newCertFixture(t, e)
		a := e.Producer("HTX Gạo Mê Linh", "00004")
		x := e.Product(a.ID, "Gạo nếp cái hoa vàng", "I.2.a")
		office := e.Login(e.User(account.RoleOffice))
		f.decide(office, "40/QĐ-UBND", "2026-11-02", f.scored(x, evaluation.LevelProvince, 65, evaluation.Star3, evaluation.Star3))
		id := f.certID("1/GCN-OCOP-01-2026")
		path := "/admin/certificates/" + itoa(id) + "/inspections"
		ok := url.Values{"on_date": {"2026-11-15"}, "kind": {"adhoc"}, "findings": {"Nhãn thiếu địa chỉ vùng nguyên liệu"}, "outcome": {"warning"}}
		for _, tt := range []struct {
			name   string
			role   account.Role
			form   url.Values
			status int
		}{
			{"commune officer", account.RoleCommune, ok, http.StatusForbidden},
			{"producer", account.RoleProducer, ok, http.StatusForbidden},
			{"unknown kind", account.RoleOffice, url.Values{"on_date": {"2026-11-15"}, "kind": {"random"}, "findings": {"x"}, "outcome": {"warning"}}, http.StatusUnprocessableEntity},
			{"before the certificate", account.RoleOffice, url.Values{"on_date": {"2026-10-15"}, "kind": {"periodic"}, "findings": {"x"}, "outcome": {"compliant"}}, http.StatusUnprocessableEntity},
			{"no findings", account.RoleOffice, url.Values{"on_date": {"2026-11-15"}, "kind": {"periodic"}, "findings": {" "}, "outcome": {"compliant"}}, http.StatusUnprocessableEntity},
		} {
			if r := e.Session(e.User(tt.role, "00004")).PostForm(path, clone(tt.form)); r.Status != tt.status {
				t.Errorf("%s: status %d, want %d", tt.name, r.Status, tt.status)
			}
		}
		if n := f.count("SELECT COUNT(*) FROM inspections"); n != 0 {
			t.Fatalf("refused inspections wrote %d rows", n)
		}
		if r := office.PostForm(path, clone(ok)); r.Status != http.StatusSeeOther {
			t.Fatalf("inspection: status %d\n%s", r.Status, r.Body)
		}
		// The commune officer of the producer's commune reads it; another commune's may not.
		r := e.Session(e.User(account.RoleCommune, "00004")).Get("/admin/certificates/" + itoa(id))
		if body := text(r); r.Status != 200 || !strings.Contains(body, "Nhãn thiếu địa chỉ vùng nguyên liệu") || !strings.Contains(body, "Kiểm tra đột xuất") {
			t.Errorf("certificate page: status %d, inspection missing", r.Status)
		}
		if r := e.Session(e.User(account.RoleCommune, "00008")).Get("/admin/certificates/" + itoa(id)); r.Status != http.StatusForbidden {
			t.Errorf("other commune: status %d, want 403", r.Status)
		}
		if n := f.count("SELECT COUNT(*) FROM audit_log WHERE action = 'inspection.create'"); n != 1 {
			t.Errorf("audit inspection.create: %d, want 1", n)
		}
	})
}

// certAuthzObjects adds to the authorization table's fixture a decision,
// certificates of producers A and B, and (unless the dossier pages already
// provide them) their dossiers, under the path keys of this package's
// routes.
func certAuthzObjects(t *testing.T, e *apptest.Env, own, other map[string]string, a, b registry.Product) {
	t.Helper()
	f := newCertFixture(t, e)
	da := f.scored(a, evaluation.LevelProvince, 92, evaluation.Star5, evaluation.Star5)
	dbb := f.scored(b, evaluation.LevelProvince, 75, evaluation.Star4, evaluation.Star4)
	dec, err := e.App.Evaluation.IssueDecision(e.Ctx(), e.Admin(), evaluation.DecisionInput{Number: "9/QĐ-UBND", DecidedOn: "2026-11-20",
		Signer: "Chủ tịch", Dossiers: []int64{da, dbb}})
	if err != nil {
		t.Fatal(err)
	}
	set := func(m map[string]string, k, v string) {
		if _, ok := m[k]; !ok {
			m[k] = v
		}
	}
	set(own, "decisions/{id}", itoa(dec.ID))
	set(other, "decisions/{id}", itoa(dec.ID))
	set(own, "certificates/{id}", itoa(dec.Items[0].CertificateID))
	set(other, "certificates/{id}", itoa(dec.Items[1].CertificateID))
	set(own, "dossiers/{id}", itoa(da))
	set(other, "dossiers/{id}", itoa(dbb))
	ref := evaluation.CertificateSlug(dec.Items[0].CertificateNumber)
	set(own, "{ref}", ref)
	set(other, "{ref}", ref)
}
