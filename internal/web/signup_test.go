package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/registry"
)

// A buyer signs up, cannot act as a buyer until the programme office
// verifies it, and the office can withdraw the verification.
func TestBuyerSignupAndVerification(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		r := e.Anon().PostForm("/signup/buyer", url.Values{
			"organisation": {"Công ty CP Siêu thị Xanh"}, "buyer_kind": {"retail_chain"}, "display_name": {"Phạm Minh Đức"},
			"phone": {"+84 24 3999 8888"}, "email": {"duc@sieuthixanh.vn"}, "username": {"sieuthixanh"}, "password": {"sieu-thi-xanh-2026"},
			"role": {"admin"}, "communes": {"00004"}, // ignored: sign-up grants nothing
		})
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "sieuthixanh") || !strings.Contains(r.Body, "Văn phòng điều phối OCOP") {
			t.Fatalf("buyer sign-up: got %d, want 200 naming the account and who verifies it\n%s", r.Status, acctSnippet(r.Body, "error"))
		}
		u := acctUser(t, e, "sieuthixanh")
		if u.Role != account.RoleBuyer || len(u.Communes) != 0 || u.VerifiedAt != nil || u.Organisation != "Công ty CP Siêu thị Xanh" || u.BuyerKind != "retail_chain" || u.MustChangePassword {
			t.Errorf("signed-up buyer: role %s verified %v organisation %q kind %q must change %v", u.Role, u.VerifiedAt, u.Organisation, u.BuyerKind, u.MustChangePassword)
		}
		if n := acctCount(t, e, "audit_log", "action = 'user.create' AND actor_name = 'sieuthixanh' AND ip <> ''"); n != 1 {
			t.Errorf("sign-up audit rows naming the account and address: got %d, want 1", n)
		}

		buyer, r := acctLogin(t, e, "sieuthixanh", "sieu-thi-xanh-2026")
		if r.Status != http.StatusSeeOther {
			t.Fatalf("buyer login: got %d, want 303", r.Status)
		}
		if r := buyer.Get("/admin"); !strings.Contains(r.Body, "đang chờ Văn phòng OCOP xác minh") {
			t.Errorf("unverified buyer's overview does not say it waits for verification")
		}
		for _, path := range []string{"/admin/users", "/admin/buyers", "/admin/links", "/admin/audit"} {
			if r := buyer.Get(path); r.Status != http.StatusForbidden {
				t.Errorf("buyer GET %s: got %d, want 403", path, r.Status)
			}
		}
		if r := buyer.PostForm("/admin/buyers/"+itoa(u.ID)+"/verify", nil); r.Status != http.StatusForbidden {
			t.Errorf("buyer verifies itself: got %d, want 403", r.Status)
		}
		officer := e.Login(e.User(account.RoleCommune, "00004"))
		if r := officer.PostForm("/admin/buyers/"+itoa(u.ID)+"/verify", nil); r.Status != http.StatusForbidden {
			t.Errorf("commune officer verifies a buyer: got %d, want 403", r.Status)
		}
		if u := acctUser(t, e, "sieuthixanh"); u.VerifiedAt != nil {
			t.Fatalf("buyer verified by someone not allowed to")
		}

		office := e.Login(e.User(account.RoleOffice))
		if r := office.Get("/admin/buyers"); r.Status != http.StatusOK || !strings.Contains(r.Body, "Công ty CP Siêu thị Xanh") || !strings.Contains(r.Body, "24 3999 8888") {
			t.Errorf("office's pending buyers: got %d, want 200 with the organisation and its phone", r.Status)
		}
		if r := office.PostForm("/admin/buyers/"+itoa(u.ID)+"/verify", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("office verifies: got %d, want 303", r.Status)
		}
		if u := acctUser(t, e, "sieuthixanh"); u.VerifiedAt == nil {
			t.Errorf("buyer after verification: not verified")
		}
		if r := buyer.Get("/admin"); strings.Contains(r.Body, "đang chờ Văn phòng OCOP xác minh") {
			t.Errorf("verified buyer's overview still says it waits")
		}
		if r := office.Get("/admin/buyers"); strings.Contains(r.Body, "Công ty CP Siêu thị Xanh") {
			t.Errorf("verified buyer still listed as pending")
		}
		if r := office.Get("/admin/buyers?status=verified"); !strings.Contains(r.Body, "Công ty CP Siêu thị Xanh") {
			t.Errorf("verified buyer missing from the verified list")
		}
		if r := office.PostForm("/admin/buyers/"+itoa(u.ID)+"/unverify", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("office withdraws verification: got %d, want 303", r.Status)
		}
		if u := acctUser(t, e, "sieuthixanh"); u.VerifiedAt != nil {
			t.Errorf("buyer after withdrawal: still verified")
		}
		if n := acctCount(t, e, "audit_log", "action IN ('buyer.verify', 'buyer.unverify') AND entity_id = ?", itoa(u.ID)); n != 2 {
			t.Errorf("audit rows of verification: got %d, want 2", n)
		}
		// Only buyers are verified as buyers.
		council := acctUser(t, e, e.User(account.RoleCouncil))
		if r := office.PostForm("/admin/buyers/"+itoa(council.ID)+"/verify", nil); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("verify a council member as buyer: got %d, want 422", r.Status)
		}
	})
}

// A producer already in the registry is found by its registration number;
// its record stays as it is.
func TestProducerSignupExisting(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		x, err := e.App.Registry.CreateProducer(e.Ctx(), e.Admin(), registry.ProducerInput{
			Kind: registry.KindCooperative, Name: "HTX Nông nghiệp Ngọc Hà", CommuneCode: "00008", RegistrationNo: "0108887776"})
		if err != nil {
			t.Fatal(err)
		}
		producers := acctCount(t, e, "producers", "")
		r := e.Anon().PostForm("/signup/producer", url.Values{
			"username": {"ngoc.ha"}, "display_name": {"Đỗ Thị Mai"}, "phone": {"0987654321"}, "password": {"hoa-dao-ngoc-ha"},
			"mode": {"existing"}, "registration_no": {"0108887776"},
		})
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "HTX Nông nghiệp Ngọc Hà") || !strings.Contains(r.Body, "Phường Ngọc Hà") {
			t.Fatalf("sign-up for an existing producer: got %d, want 200 naming it\n%s", r.Status, acctSnippet(r.Body, "error"))
		}
		if got := acctCount(t, e, "producers", ""); got != producers {
			t.Errorf("producers after sign-up for an existing one: got %d, want %d", got, producers)
		}
		if n := acctCount(t, e, "producer_links", "producer_id = ? AND status = 'pending'", x.ID); n != 1 {
			t.Errorf("pending links to the existing producer: got %d, want 1", n)
		}
	})
}

// Bad sign-ups re-render the form with messages and leave nothing behind:
// no account, no producer, no link.
func TestSignupErrors(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		taken := e.User(account.RoleCouncil)
		producer := func(change func(url.Values)) url.Values {
			v := url.Values{"username": {"moi.dang.ky"}, "display_name": {"Vũ Văn Hùng"}, "phone": {"0912000111"}, "password": {"mat-khau-dai-du"},
				"mode": {"new"}, "name": {"Hộ Vũ Văn Hùng"}, "kind": {"household"}, "commune_code": {"00004"}}
			change(v)
			return v
		}
		buyer := func(change func(url.Values)) url.Values {
			v := url.Values{"username": {"moi.nguoi.mua"}, "display_name": {"Vũ Thị Hà"}, "phone": {"0912000222"}, "password": {"mat-khau-dai-du"},
				"organisation": {"Công ty Xuất khẩu Hà Thành"}, "buyer_kind": {"exporter"}}
			change(v)
			return v
		}
		users, producers := acctCount(t, e, "users", ""), acctCount(t, e, "producers", "")
		for _, tt := range []struct {
			name, path string
			form       url.Values
			want       []string
		}{
			{"producer: username taken", "/signup/producer", producer(func(v url.Values) { v.Set("username", taken) }), []string{"đã có người dùng"}},
			{"producer: short password", "/signup/producer", producer(func(v url.Values) { v.Set("password", "ngan") }), []string{"cần ít nhất 10 ký tự"}},
			{"producer: no phone", "/signup/producer", producer(func(v url.Values) { v.Del("phone") }), []string{"Mục này là bắt buộc"}},
			{"producer: no commune", "/signup/producer", producer(func(v url.Values) { v.Del("commune_code") }), []string{"Hãy chọn xã/phường"}},
			{"producer: every problem at once", "/signup/producer", producer(func(v url.Values) { v.Set("password", "ngan"); v.Del("name"); v.Set("kind", "bank") }),
				[]string{"cần ít nhất 10 ký tự", "Mục này là bắt buộc", "loại hình chủ thể"}},
			{"producer: unknown registration number", "/signup/producer", producer(func(v url.Values) { v.Set("mode", "existing"); v.Set("registration_no", "0100000000") }),
				[]string{"Không có chủ thể với số đăng ký “0100000000”"}},
			{"producer: existing without number", "/signup/producer", producer(func(v url.Values) { v.Set("mode", "existing") }), []string{"Mục này là bắt buộc"}},
			{"producer: markup is escaped", "/signup/producer", producer(func(v url.Values) { v.Set("username", "<script>alert(1)</script>") }), []string{"&lt;script&gt;"}},
			{"buyer: username taken", "/signup/buyer", buyer(func(v url.Values) { v.Set("username", taken) }), []string{"đã có người dùng"}},
			{"buyer: no organisation", "/signup/buyer", buyer(func(v url.Values) { v.Del("organisation") }), []string{"Mục này là bắt buộc"}},
			{"buyer: unknown kind", "/signup/buyer", buyer(func(v url.Values) { v.Set("buyer_kind", "admin") }), []string{"Loại hình người mua không hợp lệ"}},
			{"buyer: bad phone", "/signup/buyer", buyer(func(v url.Values) { v.Set("phone", "call me") }), []string{"Số điện thoại không hợp lệ"}},
		} {
			e.Clock.Advance(time.Minute) // a fresh sign-up allowance for each case
			r := e.Anon().PostForm(tt.path, tt.form)
			if r.Status != http.StatusUnprocessableEntity {
				t.Errorf("%s: got %d, want 422", tt.name, r.Status)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.Body, w) {
					t.Errorf("%s: page lacks %q\n%s", tt.name, w, acctSnippet(r.Body, "field-error"))
				}
			}
			if strings.Contains(r.Body, "<script>alert") {
				t.Errorf("%s: unescaped markup", tt.name)
			}
			if !strings.Contains(r.Body, `value="`+tt.form.Get("display_name")+`"`) {
				t.Errorf("%s: the form lost the submitted name", tt.name)
			}
		}
		if got := acctCount(t, e, "users", ""); got != users {
			t.Errorf("bad sign-ups wrote users: got %d, want %d", got, users)
		}
		if got := acctCount(t, e, "producers", ""); got != producers {
			t.Errorf("bad sign-ups wrote producers: got %d, want %d", got, producers)
		}
		if got := acctCount(t, e, "producer_links", ""); got != 0 {
			t.Errorf("bad sign-ups wrote links: got %d, want 0", got)
		}
		// A signed-in user has an account already.
		c := e.Login(taken)
		if r := c.Get("/signup/producer"); r.Status != http.StatusSeeOther || r.Location() != "/account" {
			t.Errorf("signed-in GET /signup/producer: got %d to %q, want 303 to /account", r.Status, r.Location())
		}
	})
}

// Sign-ups are rate-limited per address: after a burst the answer is 429
// with Retry-After, and the allowance comes back with time.
func TestSignupRateLimit(t *testing.T) {
	e := apptest.New(t, "sqlite")
	c := e.Anon()
	if r := c.Get("/signup/buyer"); r.Status != http.StatusOK {
		t.Fatalf("GET /signup/buyer: got %d, want 200", r.Status)
	}
	bad := url.Values{"username": {"x"}}
	var r *apptest.Response
	for i := 1; i <= 10; i++ {
		path := "/signup/buyer"
		if i%2 == 0 {
			path = "/signup/producer" // one allowance for both forms
		}
		if r = c.PostForm(path, bad); r.Status == http.StatusTooManyRequests {
			if i < 3 {
				t.Errorf("limited after %d sign-ups, want at least 3 allowed", i-1)
			}
			break
		}
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("sign-up %d: got %d, want 422 (bad input) until the limit", i, r.Status)
		}
	}
	if r.Status != http.StatusTooManyRequests {
		t.Fatalf("after 10 sign-ups: got %d, want 429", r.Status)
	}
	secs, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || secs <= 0 || secs > 60 {
		t.Errorf("Retry-After: got %q, want 1–60 seconds", r.Header.Get("Retry-After"))
	}
	if !strings.Contains(r.Body, "Vui lòng thử lại sau") {
		t.Errorf("429 page does not explain when to retry")
	}
	if r := c.Get("/signup/buyer"); r.Status != http.StatusOK {
		t.Errorf("GET while limited: got %d, want 200 (only submissions count)", r.Status)
	}
	e.Clock.Advance(time.Duration(secs) * time.Second)
	if r := c.PostForm("/signup/buyer", bad); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("after Retry-After: got %d, want 422", r.Status)
	}
}
