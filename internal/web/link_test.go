package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/registry"
)

// The journey: an administrator creates a commune officer through
// the UI; the officer signs in and changes the initial password; a
// producer signs up with a new producer in that commune and can change
// nothing until the right officer (not one of another commune) verifies
// the link; then it edits its own producer and adds a draft product, but
// cannot touch another producer.
func TestProducerSignupJourney(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := e.Ctx()
		admin := e.Login(e.User(account.RoleAdmin))

		// The administrator creates the officer of Phường Ba Đình.
		r := admin.PostForm("/admin/users", url.Values{
			"username": {"canbo.badinh"}, "display_name": {"Nguyễn Thị Hoa"}, "role": {"commune"}, "communes": {"00004"},
			"password": {"mat-khau-ban-dau"}, "must_change_password": {"on"},
		})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("create officer: got %d, want 303\n%s", r.Status, acctSnippet(r.Body, "field-error"))
		}

		// The officer signs in, is sent to change the password, and does.
		officer, r := acctLogin(t, e, "canbo.badinh", "mat-khau-ban-dau")
		if r.Status != http.StatusSeeOther || r.Location() != "/account" {
			t.Fatalf("officer first login: got %d to %q, want 303 to /account", r.Status, r.Location())
		}
		if r := officer.PostForm("/account/password", url.Values{"current": {"mat-khau-ban-dau"}, "password": {"hoa-ba-dinh-2026"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("officer changes password: got %d, want 303\n%s", r.Status, acctSnippet(r.Body, "field-error"))
		}
		if u := acctUser(t, e, "canbo.badinh"); u.MustChangePassword {
			t.Errorf("officer must still change password after changing it")
		}

		// A producer signs up with a new producer in Ba Đình.
		signup := e.Anon()
		r = signup.PostForm("/signup/producer", url.Values{
			"username": {"htx.gomsu"}, "display_name": {"Lê Văn Nam"}, "phone": {"0912 345 678"}, "password": {"gom-su-ba-dinh"},
			"mode": {"new"}, "name": {"HTX Gốm sứ Thành Công"}, "kind": {"cooperative"}, "commune_code": {"00004"},
		})
		if r.Status != http.StatusOK || !strings.Contains(r.Body, "HTX Gốm sứ Thành Công") || !strings.Contains(r.Body, "Phường Ba Đình") {
			t.Fatalf("producer sign-up: got %d, want 200 naming the producer and the commune\n%s", r.Status, acctSnippet(r.Body, "error"))
		}
		var pid, lid int64
		var status string
		if err := e.App.DB.QueryRowContext(ctx, "SELECT id, status FROM producers WHERE name = ?", "HTX Gốm sứ Thành Công").Scan(&pid, &status); err != nil {
			t.Fatal(err)
		}
		if status != "draft" {
			t.Errorf("producer created at sign-up: status %s, want draft", status)
		}
		if err := e.App.DB.QueryRowContext(ctx, "SELECT id, status FROM producer_links WHERE producer_id = ?", pid).Scan(&lid, &status); err != nil {
			t.Fatal(err)
		}
		if status != "pending" {
			t.Errorf("link after sign-up: status %s, want pending", status)
		}

		// Before verification the producer account can change nothing.
		producer, r := acctLogin(t, e, "htx.gomsu", "gom-su-ba-dinh")
		if r.Status != http.StatusSeeOther {
			t.Fatalf("producer login: got %d, want 303", r.Status)
		}
		edit := url.Values{"name": {"HTX Gốm sứ Thành Công Ba Đình"}, "kind": {"cooperative"}, "commune_code": {"00004"}, "version": {"1"}}
		product := url.Values{"producer_id": {itoa(pid)}, "name": {"Bình gốm men lam"}, "category_code": {"IV.1"}}
		for _, tt := range []struct {
			name string
			r    *apptest.Response
		}{
			{"open own producer", producer.Get("/admin/producers/" + itoa(pid))},
			{"edit own producer", producer.PostForm("/admin/producers/"+itoa(pid), edit)},
			{"add a product", producer.PostForm("/admin/products", product)},
			{"verify own link", producer.PostForm("/admin/links/"+itoa(lid)+"/verify", nil)},
		} {
			if tt.r.Status != http.StatusForbidden {
				t.Errorf("unverified producer: %s: got %d, want 403", tt.name, tt.r.Status)
			}
		}
		if r := producer.Get("/admin"); !strings.Contains(r.Body, "đang chờ cán bộ xã xác minh") {
			t.Errorf("unverified producer's overview does not say it waits for verification")
		}
		if r := producer.Get("/admin/links?status=all"); r.Status != http.StatusOK || !strings.Contains(r.Body, "HTX Gốm sứ Thành Công") {
			t.Errorf("producer's own requests: got %d, want 200 listing the request", r.Status)
		}

		// The officer of another commune neither sees nor decides it.
		other := e.Login(e.User(account.RoleCommune, "00008"))
		if r := other.Get("/admin/links"); r.Status != http.StatusOK || strings.Contains(r.Body, "HTX Gốm sứ Thành Công") {
			t.Errorf("other commune's officer: list status %d, shows the request %v; want 200 without it", r.Status, strings.Contains(r.Body, "HTX Gốm sứ Thành Công"))
		}
		if r := other.PostForm("/admin/links/"+itoa(lid)+"/verify", nil); r.Status != http.StatusForbidden {
			t.Errorf("other commune's officer verifies: got %d, want 403", r.Status)
		}
		if r := other.PostForm("/admin/links/"+itoa(lid)+"/reject", url.Values{"note": {"Không rõ"}}); r.Status != http.StatusForbidden {
			t.Errorf("other commune's officer rejects: got %d, want 403", r.Status)
		}
		if r := other.Get("/admin/producers/" + itoa(pid)); r.Status != http.StatusForbidden {
			t.Errorf("other commune's officer opens the draft producer: got %d, want 403", r.Status)
		}

		// The right officer sees it; a rejection needs a reason; verifying works.
		if r := officer.Get("/admin/links"); !strings.Contains(r.Body, "HTX Gốm sứ Thành Công") || !strings.Contains(r.Body, "0912 345 678") {
			t.Errorf("officer's pending list does not show the request with the phone to call")
		}
		if r := officer.PostForm("/admin/links/"+itoa(lid)+"/reject", url.Values{"note": {"  "}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Mục này là bắt buộc") {
			t.Errorf("reject without reason: got %d, want 422 with the required message", r.Status)
		}
		if r := officer.PostForm("/admin/links/"+itoa(lid)+"/verify", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("officer verifies: got %d, want 303\n%s", r.Status, acctSnippet(r.Body, "error"))
		}
		if r := officer.PostForm("/admin/links/"+itoa(lid)+"/reject", url.Values{"note": {"Đổi ý"}}); r.Status != http.StatusConflict {
			t.Errorf("decide twice: got %d, want 409", r.Status)
		}
		x, err := e.App.Registry.PublicProducer(ctx, pid)
		if err != nil {
			t.Fatalf("producer after verification is not public: %v", err)
		}

		// Now the producer edits its own record and adds a draft product.
		if r := producer.Get("/admin/producers/" + itoa(pid) + "/edit"); r.Status != http.StatusOK {
			t.Errorf("verified producer opens its form: got %d, want 200", r.Status)
		}
		edit.Set("version", itoa(int64(x.Version)))
		if r := producer.PostForm("/admin/producers/"+itoa(pid), edit); r.Status != http.StatusSeeOther {
			t.Errorf("verified producer edits its record: got %d, want 303\n%s", r.Status, acctSnippet(r.Body, "field-error"))
		}
		r = producer.PostForm("/admin/products", product)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("verified producer adds a product: got %d, want 303\n%s", r.Status, acctSnippet(r.Body, "field-error"))
		}
		if err := e.App.DB.QueryRowContext(ctx, "SELECT status FROM products WHERE producer_id = ?", pid).Scan(&status); err != nil || status != "draft" {
			t.Errorf("producer's own product: status %q (err %v), want draft", status, err)
		}

		// But not another producer's.
		another := e.Producer("HTX Lụa Vạn Phúc", "00008")
		if r := producer.PostForm("/admin/producers/"+itoa(another.ID), url.Values{"name": {"X"}, "kind": {"cooperative"}, "commune_code": {"00008"}, "version": {"1"}}); r.Status != http.StatusForbidden {
			t.Errorf("producer edits another producer: got %d, want 403", r.Status)
		}
		product.Set("producer_id", itoa(another.ID))
		if r := producer.PostForm("/admin/products", product); r.Status != http.StatusForbidden {
			t.Errorf("producer adds a product to another producer: got %d, want 403", r.Status)
		}

		// The log holds the whole story, with the decider as actor.
		for _, action := range []string{"user.create", "producer.create", "producer_link.request", "producer_link.verified", "producer.activate", "producer.update"} {
			if n := acctCount(t, e, "audit_log", "action = ?", action); n == 0 {
				t.Errorf("audit log has no %s row", action)
			}
		}
		if n := acctCount(t, e, "audit_log", "action = 'producer_link.verified' AND actor_name = 'canbo.badinh' AND commune_code = '00004'"); n != 1 {
			t.Errorf("verification audit rows by the officer in Ba Đình: got %d, want 1", n)
		}
	})
}

// A producer account can also ask to represent a producer already in the
// registry; a rejection carries its reason back to the account.
func TestLinkRequestAndReject(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		x, err := e.App.Registry.CreateProducer(e.Ctx(), e.Admin(), registry.ProducerInput{Kind: registry.KindCooperative, Name: "HTX Mây tre đan Phú Vinh", CommuneCode: "00004", RegistrationNo: "0101999888"})
		if err != nil {
			t.Fatal(err)
		}
		name := e.User(account.RoleProducer)
		producer := e.Login(name)
		if r := producer.PostForm("/admin/links", url.Values{"registration_no": {"0000000000"}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Không có chủ thể với số đăng ký") {
			t.Errorf("request for an unknown number: got %d, want 422 with the not-found message", r.Status)
		}
		if r := producer.PostForm("/admin/links", url.Values{"registration_no": {" 0101999888 "}}); r.Status != http.StatusSeeOther {
			t.Fatalf("request: got %d, want 303", r.Status)
		}
		if r := producer.PostForm("/admin/links", url.Values{"registration_no": {"0101999888"}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("second request for the same producer: got %d, want 422", r.Status)
		}
		var lid int64
		if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT id FROM producer_links WHERE producer_id = ?", x.ID).Scan(&lid); err != nil {
			t.Fatal(err)
		}
		for _, role := range []account.Role{account.RoleCouncil, account.RoleBuyer, account.RoleSalePoint} {
			c := e.Login(e.User(role))
			if r := c.Get("/admin/links"); r.Status != http.StatusForbidden {
				t.Errorf("%s opens the link requests: got %d, want 403", role, r.Status)
			}
			if r := c.PostForm("/admin/links/"+itoa(lid)+"/verify", nil); r.Status != http.StatusForbidden {
				t.Errorf("%s verifies a link: got %d, want 403", role, r.Status)
			}
		}
		e.Clock.Advance(time.Minute)
		office := e.Login(e.User(account.RoleOffice))
		if r := office.PostForm("/admin/links/"+itoa(lid)+"/reject", url.Values{"note": {"Số điện thoại không liên lạc được"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("office rejects: got %d, want 303", r.Status)
		}
		if r := producer.Get("/admin/links?status=rejected"); !strings.Contains(r.Body, "Số điện thoại không liên lạc được") {
			t.Errorf("the producer does not see the reason of the rejection")
		}
		if r := producer.Get("/admin/producers/" + itoa(x.ID) + "/edit"); r.Status != http.StatusForbidden {
			t.Errorf("rejected producer account edits the producer: got %d, want 403", r.Status)
		}
	})
}
