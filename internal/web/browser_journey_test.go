package web_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ocop/internal/apptest"
)

// TestBrowserFoundationJourney is the foundation's "done when", in a real
// browser: the administrator creates a commune officer, the officer signs
// in (and must change the first password), imports a spreadsheet of
// producers with bad rows and sees the row errors, finds a product typed
// without diacritics, and cannot open another commune's producer.
func TestBrowserFoundationJourney(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := browser(t)
		base := e.Server.URL
		admin := e.User("admin")
		mine := e.Producer("Công ty TNHH Gốm sứ Quang Vinh", "00577")
		e.Product(mine.ID, "Bộ ấm chén gốm sứ chim én hoa sen", "IV.1")
		other := e.Producer("HTX Lụa Vạn Phúc", "00008")

		csv := filepath.Join(t.TempDir(), "chu-the.csv")
		content := "Tên chủ thể,Loại hình,Số đăng ký kinh doanh,Mã xã/phường (mới)\n" +
			"HTX Gốm Giang Cao,ngân hàng,0109000001,00577\n" + // not a kind of producer
			"HTX Gốm Giang Cao,cooperative,0109000001,00577\n" +
			",farm,,00577\n" + // no name
			"Trang trại Ngoài Xã,farm,,00008\n" // another commune: outside the officer's scope
		if err := os.WriteFile(csv, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}

		var body string
		run := func(actions ...chromedp.Action) {
			t.Helper()
			if err := chromedp.Run(ctx, actions...); err != nil {
				t.Fatal(err)
			}
		}
		// 1. The administrator signs in and creates a commune officer for Bát Tràng.
		run(
			chromedp.Navigate(base+"/login?lang=vi"),
			chromedp.SendKeys(`input[name=username]`, admin),
			chromedp.SendKeys(`input[name=password]`, apptest.Password),
			submitAndLoad(`input[name=password]`),
			chromedp.WaitVisible(`.adminnav`),
			chromedp.Navigate(base+"/admin/users/new"),
			chromedp.WaitVisible(`input[name=username]`),
			chromedp.SendKeys(`input[name=username]`, "canbo.battrang"),
			chromedp.SendKeys(`input[name=display_name]`, "Cán bộ xã Bát Tràng"),
			chromedp.SetValue(`select[name=role]`, "commune"),
			chromedp.SetValue(`select[name=communes]`, "00577"),
			chromedp.SendKeys(`input[name=password]`, "mat-khau-ban-dau-1"),
			submitAndLoad(`input[name=username]`),
			chromedp.WaitVisible(`.flash`),
			chromedp.Text(`main`, &body),
		)
		if !strings.Contains(body, "canbo.battrang") {
			t.Fatalf("after creating the officer the page says: %q", body)
		}
		// 2. The officer signs in and must change the first password.
		run(
			chromedp.Navigate(base+"/account"),
			chromedp.WaitVisible(`form[action="/logout"] button`),
			submitAndLoad(`form[action="/logout"] button`),
			// Wait for the page after signing out (the home page with its flash)
			// so the next navigation does not abort the logout's redirect.
			chromedp.WaitVisible(`.flash`),
			chromedp.Navigate(base+"/login"),
			chromedp.SendKeys(`input[name=username]`, "canbo.battrang"),
			chromedp.SendKeys(`input[name=password]`, "mat-khau-ban-dau-1"),
			submitAndLoad(`input[name=password]`),
			chromedp.WaitVisible(`input[name=current]`),
			chromedp.SendKeys(`input[name=current]`, "mat-khau-ban-dau-1"),
			chromedp.SendKeys(`form[action="/account/password"] input[name=password]`, "mat-khau-cua-toi-2026"),
			submitAndLoad(`input[name=current]`),
			chromedp.Poll(`(document.querySelector(".flash") || {}).textContent === "Đã đổi mật khẩu."`, nil),
		)
		// 3. The officer imports producers; the dry run lists the bad rows.
		run(
			chromedp.Navigate(base+"/admin/import"),
			chromedp.WaitVisible(`input[type=file]`),
			chromedp.SetUploadFiles(`input[type=file]`, []string{csv}),
			submitAndLoad(`input[type=file]`),
			chromedp.WaitVisible(`table.rowerrors`),
			chromedp.Text(`main`, &body),
		)
		var rows []string
		run(chromedp.Evaluate(`Array.from(document.querySelectorAll("table.rowerrors tbody tr td:first-child")).map(td => td.textContent.trim())`, &rows))
		if strings.Join(rows, ",") != "2,4,5" { // rows 2, 4 and 5 are wrong; row 3 is fine
			t.Errorf("rows with errors: %v, want [2 4 5]\n%s", rows, body)
		}
		if !strings.Contains(body, "không thuộc phạm vi") {
			t.Errorf("the out-of-scope row is not explained: %q", body)
		}
		// 4. Search without diacritics finds the product.
		run(
			chromedp.Navigate(base+"/admin/products?q=am+chen+chim+en"),
			chromedp.WaitVisible(`main`),
			chromedp.Text(`main`, &body),
		)
		if !strings.Contains(body, "Bộ ấm chén gốm sứ chim én hoa sen") {
			t.Errorf("search without diacritics: %q", body)
		}
		// 5. Another commune's producer is refused.
		run(
			chromedp.Navigate(base+"/admin/producers/"+itoa(other.ID)),
			chromedp.WaitVisible(`main h1`),
			chromedp.Text(`main`, &body),
		)
		if !strings.Contains(body, "403") {
			t.Errorf("another commune's producer: %q", body)
		}
	})
}
