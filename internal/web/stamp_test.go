package web_test

import (
	"bytes"
	"encoding/json"
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
	"ocop/internal/db"
	"ocop/internal/evaluation"
	"ocop/internal/registry"
	"ocop/internal/stamp"
	"ocop/internal/stamp/stamptest"
)

// stampWorld is a certified 4★ product of a producer in Bát Tràng (00577)
// with its producer account, and an office user.
type stampWorld struct {
	e        *apptest.Env
	producer registry.Producer
	product  registry.Product
	certID   int64
	office   string
	owner    string
}

// certify records a certificate for a product, issued on the given day.
func certify(t testing.TB, e *apptest.Env, x registry.Product, number string, star int, issued evaluation.Date) int64 {
	t.Helper()
	id, err := db.Insert(e.Ctx(), e.App.DB, `INSERT INTO certificates (number, product_id, producer_id, star, potential5, issued_on, expires_on,
			rule_set, authority, revoked_on, revoke_ground, revoke_reason, revoke_conclusion, revoke_concluded_on, created_at, version)
		VALUES (?, ?, ?, ?, FALSE, ?, ?, '1489', 'province', '', '', '', '', '', ?, 1)`,
		number, x.ID, x.ProducerID, star, issued, evaluation.Expiry(issued), e.Clock.Now().UTC())
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func newStampWorld(t *testing.T, e *apptest.Env) *stampWorld { return newStampWorldTB(t, e) }

func newStampWorldTB(t testing.TB, e *apptest.Env) *stampWorld {
	t.Helper()
	w := &stampWorld{e: e}
	w.producer = e.Producer("HTX Gốm sứ Bát Tràng", "00577")
	w.product = e.Product(w.producer.ID, "Bình gốm men rạn", "IV.1")
	w.certID = certify(t, e, w.product, "7/GCN-OCOP-01-2026", 4, mustDate(t, "2026-05-12"))
	w.office = e.User(account.RoleOffice)
	w.owner = e.ProducerUser(w.producer.ID)
	return w
}

// issue issues a batch through the page as user and returns its code.
func (w *stampWorld) issue(t *testing.T, user string, count int) string {
	t.Helper()
	c := w.e.Session(user)
	r := c.PostForm("/admin/stamps", url.Values{"product_code": {w.product.Code}, "count": {fmt.Sprint(count)}, "lot": {"L2026-11"}})
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/admin/stamps/B") {
		t.Fatalf("issue: status %d, location %q\n%s", r.Status, r.Location(), r.Body)
	}
	return strings.TrimPrefix(r.Location(), "/admin/stamps/")
}

func (w *stampWorld) serials(t *testing.T, code string) []string {
	t.Helper()
	var out []string
	_, err := w.e.App.Stamps.Codes(w.e.Ctx(), w.e.Admin(), code, func(c stamp.Code) error {
		out = append(out, c.Serial)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func mustDate(t testing.TB, s string) evaluation.Date {
	t.Helper()
	d, err := evaluation.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// verdict reads the verdict class of a verification page.
var verdictRe = regexp.MustCompile(`<p class="v ([a-z_]+)" role="status" id="verdict">`)

func verdictOf(t *testing.T, r *apptest.Response) string {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("verification: status %d\n%s", r.Status, r.Body)
	}
	m := verdictRe.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no verdict in the page\n%s", r.Body)
	}
	return m[1]
}

// The journey of the issue: issue 500 stamps for a 4★ product, print the
// PDF, decode a label with a real decoder, open the decoded URL and see
// "genuine" with the product and certificate; a typed serial with O for 0
// lands on the same stamp; revoking the certificate turns every stamp of
// it into "revoked".
func TestStampJourney(t *testing.T) {
	stamptest.NeedTools(t)
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newStampWorld(t, e)
		code := w.issue(t, w.office, 500)
		office := e.Session(w.office)
		if r := office.Get("/admin/stamps/" + code); r.Status != 200 || !strings.Contains(r.Body, "Bình gốm men rạn") || !strings.Contains(r.Body, "500") {
			t.Fatalf("batch page: %d\n%s", r.Status, r.Body)
		}
		// Not yet on goods: not activated.
		serials := w.serials(t, code)
		if len(serials) != 500 {
			t.Fatalf("%d serials, want 500", len(serials))
		}
		if v := verdictOf(t, e.Anon().Get("/q/"+serials[0])); v != "not_activated" {
			t.Errorf("before activation: %s, want not_activated", v)
		}
		if r := office.PostForm("/admin/stamps/"+code+"/activate", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("activate: %d\n%s", r.Status, r.Body)
		}

		pdf := office.Get("/admin/stamps/" + code + "/labels.pdf")
		if pdf.Status != 200 || pdf.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("pdf: %d %s", pdf.Status, pdf.Header.Get("Content-Type"))
		}
		// Decode every label of page 1 as a phone would, one at a time.
		decoded := stamptest.DecodeLabels(t, []byte(pdf.Body), stamp.DefaultLayout())
		if len(decoded) != 20 {
			t.Fatalf("page 1 has %d labels, want 20 (4×5)", len(decoded))
		}
		for i, d := range decoded {
			if d != strings.ToUpper(d) || !strings.HasSuffix(d, "/Q/"+serials[i]) {
				t.Errorf("label %d: decoded %q, want the upper-case URL of %s", i+1, d, serials[i])
			}
		}
		first := decoded[0]
		if first != strings.ToUpper(first) || !strings.Contains(first, "/Q/") {
			t.Fatalf("QR content %q: want an upper-case …/Q/{SERIAL} URL", first)
		}
		u, err := url.Parse(first)
		if err != nil {
			t.Fatal(err)
		}
		anon := e.Anon()
		r := anon.Get(u.Path)
		if v := verdictOf(t, r); v != "genuine" {
			t.Fatalf("decoded %s: verdict %s, want genuine", u.Path, v)
		}
		for _, want := range []string{"CHÍNH HÃNG", "Bình gốm men rạn", "7/GCN-OCOP-01-2026", "HTX Gốm sứ Bát Tràng", "★★★★", "Bát Tràng", "where-to-buy"} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'sha256-") {
			t.Errorf("CSP %q does not admit the inline style by hash", csp)
		}
		// English on request.
		if r := anon.Get(u.Path + "?lang=en"); !strings.Contains(r.Body, "GENUINE") {
			t.Errorf("English page lacks GENUINE")
		}
		// Typed with confusable characters: O for 0, I/L for 1, lower case, groups.
		serial := strings.TrimPrefix(u.Path, "/Q/")
		typed := strings.NewReplacer("0", "O", "1", "l").Replace(strings.ToLower(stamp.FormatSerial(serial)))
		r = anon.Get("/q?serial=" + url.QueryEscape(typed))
		if r.Status != http.StatusSeeOther || r.Location() != "/q/"+serial {
			t.Fatalf("typed %q: %d → %q, want /q/%s", typed, r.Status, r.Location(), serial)
		}
		if v := verdictOf(t, anon.Get(r.Location())); v != "genuine" {
			t.Errorf("typed serial: %s", v)
		}
		// JSON for apps; the count (5: before activation, scanned, English,
		// typed, this one) includes the scans the writer has
		// logged (it runs every 0.5 s in a server; here, flushed by hand).
		if err := e.App.Stamps.Scans().Flush(e.Ctx()); err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("GET", e.Server.URL+"/q/"+serial, nil)
		req.Header.Set("Accept", "application/json")
		var got stamp.Verification
		jr := anon.Do(req)
		jr.JSON(t, &got)
		if got.Verdict != stamp.VerdictGenuine || got.Product == nil || got.Product.Star != 4 || got.Scans != 5 {
			t.Errorf("JSON: %+v", got)
		}

		// Revoke the certificate: every stamp says revoked (once the
		// product view cache, 10 s, has passed).
		if _, err := e.App.Evaluation.Revoke(e.Ctx(), e.Admin(), w.certID, evaluation.RevokeInput{Ground: evaluation.GroundLawViolation,
			Conclusion: "Kết luận thanh tra số 12/KL-CCATTP", ConcludedOn: "2026-11-15", DecisionNo: "30/QĐ-UBND", DecidedOn: "2026-11-20",
			Signer: "Phó Chủ tịch UBND Thành phố", Version: 1}); err != nil {
			t.Fatal(err)
		}
		e.Clock.Advance(11 * time.Second)
		if v := verdictOf(t, anon.Get(u.Path)); v != "revoked" {
			t.Errorf("after revocation: %s, want revoked", v)
		}
		for _, s := range []string{serials[1], serials[250], serials[499]} {
			var v stamp.Verification
			e.API("GET", "/api/v1/stamps/"+s+"/verification", "", nil).JSON(t, &v)
			if v.Verdict != stamp.VerdictRevoked {
				t.Errorf("stamp %s after revocation: %s", s, v.Verdict)
			}
		}
		// No new batch for a revoked certificate.
		r = office.PostForm("/admin/stamps", url.Values{"product_code": {w.product.Code}, "count": {"10"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(text(r), "thu hồi") {
			t.Errorf("issue after revocation: %d", r.Status)
		}
	})
}

// Malformed, overlong, lower-case, mixed-up serials, tampered check
// symbols and bad GTINs never cause a 500, and an unknown code gets the
// same answer whatever it looks like.
func TestStampBadInput(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newStampWorld(t, e)
		code := w.issue(t, w.office, 3)
		s := w.serials(t, code)[0]
		flip := func(x string, i int) string {
			c := "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
			j := (strings.IndexByte(c, x[i]) + 1) % 32
			return x[:i] + c[j:j+1] + x[i+1:]
		}
		unknown := ""
		for _, p := range []string{
			"/q/" + flip(s, 16),                 // tampered check symbol
			"/q/" + flip(s, 2),                  // tampered data
			"/q/" + stamp.NewSerial(),           // well formed, never issued
			"/q/" + strings.Repeat("Z", 60),     // long
			"/q/" + url.PathEscape("<script>x"), // markup
			"/q/%F0%9F%98%80",                   // emoji
			"/01/8938505974195/21/" + s,         // GTIN check digit wrong
			"/01/8938505974194/21/" + s,         // valid GTIN, not this product's
			"/q?serial=" + strings.Repeat("A", 5000),
		} {
			r := e.Anon().Get(p)
			if r.Status != http.StatusOK {
				t.Errorf("%s: status %d", p, r.Status)
				continue
			}
			v := verdictOf(t, r)
			if v != "unknown" {
				t.Errorf("%s: verdict %s, want unknown", p, v)
			}
			// The verdict block is identical for every unknown input.
			i, j := strings.Index(r.Body, `<p class="v`), strings.Index(r.Body, "</small></p>")
			block := r.Body[i:j]
			if unknown == "" {
				unknown = block
			} else if block != unknown {
				t.Errorf("%s: unknown answered differently:\n%s\n%s", p, block, unknown)
			}
		}
		if v := verdictOf(t, e.Anon().Get("/q/"+strings.ToLower(s))); v != "not_activated" {
			t.Errorf("lower case: %s", v)
		}
	})
}

// Bursts of unknown serials from one client are rate-limited with 429 and
// Retry-After, and raise an enumeration alert.
func TestStampEnumeration(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		c := e.Anon()
		var last *apptest.Response
		for i := 0; i < 12; i++ {
			last = c.Get("/q/" + stamp.NewSerial())
		}
		if last.Status != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
			t.Fatalf("12th unknown serial: status %d, Retry-After %q", last.Status, last.Header.Get("Retry-After"))
		}
		r := e.API("GET", "/api/v1/stamps/"+stamp.NewSerial()+"/verification", "", nil)
		if r.Status != http.StatusTooManyRequests || !strings.Contains(r.Header.Get("Content-Type"), "problem+json") {
			t.Errorf("API after the burst: %d %s", r.Status, r.Header.Get("Content-Type"))
		}
		if err := e.App.Stamps.Scans().Flush(e.Ctx()); err != nil {
			t.Fatal(err)
		}
		alerts, err := e.App.Stamps.ListAlerts(e.Ctx(), e.Admin(), stamp.AlertFilter{Kind: string(stamp.AlertEnumeration)})
		if err != nil || len(alerts) != 1 {
			t.Fatalf("enumeration alerts: %v, %v", alerts, err)
		}
		e.Clock.Advance(10 * time.Minute)
		if r := c.Get("/q/" + stamp.NewSerial()); r.Status != http.StatusOK {
			t.Errorf("after the window: %d", r.Status)
		}
	})
}

// Two scans of one stamp from Hanoi and Ho Chi Minh City an hour apart
// raise an impossible-travel alert that the office sees on the list and
// the map; the stamp then verifies as a suspected copy until reviewed.
func TestStampImpossibleTravel(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newStampWorld(t, e)
		code := w.issue(t, w.office, 5)
		if _, err := e.App.Stamps.Activate(e.Ctx(), e.Admin(), code); err != nil {
			t.Fatal(err)
		}
		s := w.serials(t, code)[2]
		var v stamp.Verification
		e.API("GET", "/api/v1/stamps/"+s+"/verification?lat=21.0285&lon=105.8542", "", nil).JSON(t, &v)
		if v.Verdict != stamp.VerdictGenuine {
			t.Fatalf("first scan: %s", v.Verdict)
		}
		if err := e.App.Stamps.Scans().Flush(e.Ctx()); err != nil {
			t.Fatal(err)
		}
		e.Clock.Advance(time.Hour)
		if v := verdictOf(t, e.Anon().Get("/q/"+s+"?lat=10.7769&lon=106.7009")); v != "genuine" {
			t.Fatalf("second scan: %s", v)
		}
		if err := e.App.Stamps.Scans().Flush(e.Ctx()); err != nil {
			t.Fatal(err)
		}
		office := e.Session(w.office)
		r := office.Get("/admin/stamp-alerts?kind=impossible_travel")
		if r.Status != 200 || !strings.Contains(r.Body, s) || !strings.Contains(r.Body, "<circle") {
			t.Fatalf("alerts page: %d\n%s", r.Status, r.Body)
		}
		if v := verdictOf(t, e.Anon().Get("/q/"+s)); v != "suspected_copy" {
			t.Errorf("after the alert: %s, want suspected_copy", v)
		}
		// The commune officer of Bát Tràng sees it; another commune's does not.
		if r := e.Session(e.User(account.RoleCommune, "00577")).Get("/admin/stamp-alerts"); !strings.Contains(r.Body, s) {
			t.Errorf("commune officer of 00577 does not see the alert")
		}
		if r := e.Session(e.User(account.RoleCommune, "00008")).Get("/admin/stamp-alerts"); strings.Contains(r.Body, s) {
			t.Errorf("commune officer of 00008 sees the alert")
		}
		alerts, _ := e.App.Stamps.ListAlerts(e.Ctx(), e.Admin(), stamp.AlertFilter{Kind: string(stamp.AlertImpossibleTravel)})
		if len(alerts) != 1 {
			t.Fatalf("alerts: %v", alerts)
		}
		r = office.PostForm(fmt.Sprintf("/admin/stamp-alerts/%d/review", alerts[0].ID), url.Values{"note": {"Khách đi máy bay, không phải giả"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("review: %d\n%s", r.Status, r.Body)
		}
		if v := verdictOf(t, e.Anon().Get("/q/"+s)); v != "genuine" {
			t.Errorf("after review: %s, want genuine", v)
		}
		var n int
		if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT COUNT(*) FROM audit_log WHERE action = 'stamp.alert_review'").Scan(&n); err != nil || n != 1 {
			t.Errorf("audit rows: %d, %v", n, err)
		}
	})
}

// Producers issue for their own products within the quota; commune
// officers and other roles do not issue; an expired certificate stops
// issuance; a lost roll is deactivated by range with a reason.
func TestStampIssueRules(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newStampWorld(t, e)
		owner := e.Session(w.owner)
		r := owner.PostForm("/admin/stamps", url.Values{"product_id": {fmt.Sprint(w.product.ID)}, "count": {"2001"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(text(r), "2000") {
			t.Errorf("over quota: %d", r.Status)
		}
		code := w.issue(t, w.owner, 1500)
		r = owner.PostForm("/admin/stamps", url.Values{"product_id": {fmt.Sprint(w.product.ID)}, "count": {"501"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(text(r), "còn 500") {
			t.Errorf("over the rest of the quota: %d\n%s", r.Status, text(r))
		}
		other := e.Producer("HTX Lụa Vạn Phúc", "00008")
		ox := e.Product(other.ID, "Khăn lụa", "IV.2")
		certify(t, e, ox, "8/GCN-OCOP-01-2026", 3, mustDate(t, "2026-03-01"))
		r = owner.PostForm("/admin/stamps", url.Values{"product_code": {ox.Code}, "count": {"5"}})
		if r.Status != http.StatusForbidden {
			t.Errorf("producer for another's product: %d", r.Status)
		}
		r = e.Session(e.User(account.RoleCommune, "00577")).PostForm("/admin/stamps", url.Values{"product_code": {w.product.Code}, "count": {"5"}})
		if r.Status != http.StatusForbidden {
			t.Errorf("commune officer issuing: %d", r.Status)
		}
		old := e.Product(w.producer.ID, "Bát cổ", "IV.1")
		certify(t, e, old, "3/GCN-OCOP-01-2022", 3, mustDate(t, "2022-05-01"))
		r = owner.PostForm("/admin/stamps", url.Values{"product_id": {fmt.Sprint(old.ID)}, "count": {"5"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(text(r), "hết hạn") {
			t.Errorf("expired certificate: %d", r.Status)
		}
		none := e.Product(w.producer.ID, "Bát mới", "IV.1")
		r = owner.PostForm("/admin/stamps", url.Values{"product_id": {fmt.Sprint(none.ID)}, "count": {"5"}})
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("no certificate: %d", r.Status)
		}

		// Activate, then withdraw positions 10..20 (a lost roll).
		if r := owner.PostForm("/admin/stamps/"+code+"/activate", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("activate: %d", r.Status)
		}
		if r := owner.PostForm("/admin/stamps/"+code+"/deactivate", url.Values{"from": {"10"}, "to": {"20"}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("deactivate without a reason: %d", r.Status)
		}
		if r := owner.PostForm("/admin/stamps/"+code+"/deactivate", url.Values{"from": {"20"}, "to": {"1600"}, "reason": {"x"}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("range past the batch: %d", r.Status)
		}
		if r := owner.PostForm("/admin/stamps/"+code+"/deactivate", url.Values{"from": {"10"}, "to": {"20"}, "reason": {"Mất cuộn tem số 1"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("deactivate range: %d\n%s", r.Status, r.Body)
		}
		ss := w.serials(t, code)
		for i, want := range map[int]string{8: "genuine", 9: "deactivated", 19: "deactivated", 20: "genuine"} {
			if v := verdictOf(t, e.Anon().Get("/q/"+ss[i])); v != want {
				t.Errorf("stamp at position %d: %s, want %s", i+1, v, want)
			}
		}
		var n int
		if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT COUNT(*) FROM audit_log WHERE entity = 'stamp_batch' AND entity_id = ?", code).Scan(&n); err != nil || n != 3 {
			t.Errorf("audit rows for the batch: %d, %v (want issue, activate, deactivate)", n, err)
		}
		// CSV for the printing house.
		csv := owner.Get("/admin/stamps/" + code + "/codes.csv")
		if csv.Status != 200 || strings.Count(csv.Body, "\n") != 1501 || !strings.Contains(csv.Body, "/Q/"+ss[0]) {
			t.Errorf("csv: %d, %d lines", csv.Status, strings.Count(csv.Body, "\n"))
		}
		// One stamp as SVG and PNG.
		if r := owner.Get("/admin/stamps/" + code + "/qr/" + ss[0]); r.Status != 200 || !strings.HasPrefix(r.Body, "<svg") {
			t.Errorf("svg: %d", r.Status)
		}
		if r := owner.Get("/admin/stamps/" + code + "/qr/" + ss[0] + "?format=png"); r.Status != 200 || !strings.HasPrefix(r.Body, "\x89PNG") {
			t.Errorf("png: %d", r.Status)
		}
	})
}

// A consumer reports a suspected fake from the page; officers see it.
func TestStampReport(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newStampWorld(t, e)
		code := w.issue(t, w.office, 2)
		s := w.serials(t, code)[0]
		c := e.Anon()
		c.Get("/q/" + s)
		if r := c.PostForm("/q/"+s+"/report", url.Values{"note": {"Tem in mờ"}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("report without a place: %d", r.Status)
		}
		r := c.PostForm("/q/"+s+"/report", url.Values{"place": {"Chợ Đồng Xuân, quầy 12"}, "note": {"Tem in mờ"}})
		if r.Status != 200 || !strings.Contains(r.Body, "Cảm ơn") {
			t.Fatalf("report: %d\n%s", r.Status, r.Body)
		}
		// A photo is checked by its content, not its name.
		post := func(name string, content []byte) *apptest.Response {
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			mw.WriteField("csrf", c.CSRF())
			mw.WriteField("place", "Siêu thị Hà Đông")
			fw, _ := mw.CreateFormFile("photo", name)
			fw.Write(content)
			mw.Close()
			req, _ := http.NewRequest("POST", e.Server.URL+"/q/"+s+"/report", &body)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			return c.Do(req)
		}
		if r := post("anh.jpg", []byte("<html>not an image</html>")); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("a text file named .jpg: %d", r.Status)
		}
		q, _ := stamp.EncodeQR("HTTPS://X/Q/1")
		img, _ := stamp.PNG(q, 2)
		if r := post("photo.bin", img); r.Status != 200 {
			t.Errorf("a PNG photo: %d\n%s", r.Status, r.Body)
		}
		var photos int
		if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT COUNT(*) FROM stamp_reports WHERE photo_hash IS NOT NULL").Scan(&photos); err != nil || photos != 1 {
			t.Errorf("reports with a photo: %d, %v", photos, err)
		}
		// A report about a code that is not a serial at all is kept too.
		c2 := e.Anon()
		if r := c2.Get("/q/KHONG-PHAI-MA"); !strings.Contains(r.Body, `action="/q/-/report"`) {
			t.Fatalf("report form for a non-serial:\n%s", r.Body)
		}
		if r := c2.PostForm("/q/-/report", url.Values{"place": {"Chợ Long Biên"}}); r.Status != 200 {
			t.Errorf("report without a serial: %d", r.Status)
		}
		if r := e.Session(w.office).Get("/admin/stamp-reports"); !strings.Contains(r.Body, "Chợ Đồng Xuân") {
			t.Errorf("office does not see the report")
		}
		if r := e.Session(w.owner).Get("/admin/stamp-reports"); !strings.Contains(r.Body, "Chợ Đồng Xuân") {
			t.Errorf("the producer does not see the report on its product")
		}
		if r := e.Session(e.User(account.RoleCommune, "00008")).Get("/admin/stamp-reports"); strings.Contains(r.Body, "Chợ Đồng Xuân") {
			t.Errorf("another commune sees the report")
		}
	})
}

// The API manages batches with a bearer token.
func TestStampAPI(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newStampWorld(t, e)
		tok := e.Token(w.owner)
		r := e.API("POST", "/api/v1/stamp-batches", tok, map[string]any{"product_code": w.product.Code, "count": 25, "lot": "A1"})
		if r.Status != http.StatusCreated {
			t.Fatalf("create: %d\n%s", r.Status, r.Body)
		}
		var b stamp.Batch
		r.JSON(t, &b)
		if b.Count != 25 || b.Status != "issued" || r.Location() != "/api/v1/stamp-batches/"+b.Code {
			t.Errorf("created %+v at %q", b, r.Location())
		}
		if r := e.API("POST", "/api/v1/stamp-batches", tok, map[string]any{"product_code": w.product.Code, "count": 0}); r.Status != 422 {
			t.Errorf("count 0: %d", r.Status)
		}
		if r := e.API("POST", "/api/v1/stamp-batches/"+b.Code+"/activate", tok, map[string]any{}); r.Status != 200 || !strings.Contains(r.Body, `"status":"active"`) {
			t.Errorf("activate: %d %s", r.Status, r.Body)
		}
		var list struct{ Items []stamp.Batch }
		e.API("GET", "/api/v1/stamp-batches", tok, nil).JSON(t, &list)
		if len(list.Items) != 1 || list.Items[0].Code != b.Code {
			t.Errorf("list: %+v", list)
		}
		if r := e.API("GET", "/api/v1/stamp-batches/"+b.Code+"/codes", tok, nil); r.Status != 200 || strings.Count(r.Body, "\n") != 26 {
			t.Errorf("codes: %d", r.Status)
		}
		other := e.Token(e.ProducerUser(e.Producer("HTX khác", "00008").ID))
		if r := e.API("GET", "/api/v1/stamp-batches/"+b.Code, other, nil); r.Status != http.StatusForbidden {
			t.Errorf("another producer: %d", r.Status)
		}
		r = e.API("POST", "/api/v1/stamp-batches/"+b.Code+"/deactivate", tok, map[string]any{"reason": "Lô in lỗi"})
		var d struct {
			Batch  stamp.Batch
			Stamps int
		}
		r.JSON(t, &d)
		if r.Status != 200 || d.Stamps != 25 || d.Batch.Status != "deactivated" {
			t.Errorf("deactivate: %d %s", r.Status, r.Body)
		}
		var v map[string]any
		_ = json.Unmarshal([]byte(e.API("GET", "/api/v1/stamps/"+w.serials(t, b.Code)[0]+"/verification", "", nil).Body), &v)
		if v["verdict"] != "deactivated" {
			t.Errorf("verification: %v", v)
		}
	})
}

// A product with a GTIN gets GS1 Digital Link QR content, which verifies;
// the same serial under another GTIN is unknown.
func TestStampDigitalLink(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		w := newStampWorld(t, e)
		if _, err := e.App.DB.ExecContext(e.Ctx(), "UPDATE products SET gtin = '8938505974194' WHERE id = ?", w.product.ID); err != nil {
			t.Fatal(err)
		}
		code := w.issue(t, w.office, 2)
		if _, err := e.App.Stamps.Activate(e.Ctx(), e.Admin(), code); err != nil {
			t.Fatal(err)
		}
		csv := e.Session(w.office).Get("/admin/stamps/" + code + "/codes.csv")
		s := w.serials(t, code)[0]
		if !strings.Contains(csv.Body, "/01/08938505974194/21/"+s) {
			t.Fatalf("QR content is not a Digital Link:\n%s", csv.Body)
		}
		if v := verdictOf(t, e.Anon().Get("/01/08938505974194/21/"+s)); v != "genuine" {
			t.Errorf("Digital Link: %s", v)
		}
		if v := verdictOf(t, e.Anon().Get("/01/8938505974194/21/"+strings.ToLower(s))); v != "genuine" {
			t.Errorf("GTIN-13 form, lower-case serial: %s", v)
		}
		if v := verdictOf(t, e.Anon().Get("/01/96385074/21/"+s)); v != "unknown" {
			t.Errorf("another GTIN: %s", v)
		}
	})
}
