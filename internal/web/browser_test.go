package web_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"ocop/internal/apptest"
)

// browser starts headless Chromium for a test (skipped when Chromium is
// not installed, failed under CI=true where .ci/run installs it).
func browser(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, p := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if lp, err := exec.LookPath(p); err == nil {
			path = lp
			break
		}
	}
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but Chromium is not installed")
		}
		t.Skip("Chromium not installed: browser tests skipped (apt-get install chromium)")
	}
	dir, err := os.MkdirTemp("", "ocop-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	// Chromium's helpers may still write into the profile as it exits, so
	// the directory is removed best-effort after the browser is gone.
	t.Cleanup(func() { os.RemoveAll(dir) })
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(dir),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.WindowSize(412, 915),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel3)
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// TestBrowserSearchAndScope drives a phone-sized Chromium through the
// public search and a commune officer's back office.
func TestBrowserSearchAndScope(t *testing.T) {
	e := apptest.New(t, "sqlite")
	ctx := browser(t)
	mine := e.Producer("Công ty TNHH Gốm sứ Quang Vinh", "00004")
	e.Product(mine.ID, "Bộ bát đĩa gốm sứ hoa sen đỏ", "IV.1")
	other := e.Producer("HTX Lụa Vạn Phúc", "00008")
	officer := e.User("commune", "00004")
	base := e.Server.URL

	var results, page string
	err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.SendKeys(`#q`, "gom su hoa sen do"),
		chromedp.Submit(`#q`),
		chromedp.WaitVisible(`.results, .count`),
		chromedp.Text(`main`, &results),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(results, "Bộ bát đĩa gốm sứ hoa sen đỏ") {
		t.Errorf("search without diacritics: results page says %q", results)
	}
	err = chromedp.Run(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(`input[name=username]`, officer),
		chromedp.SendKeys(`input[name=password]`, apptest.Password),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitVisible(`.adminnav`),
		chromedp.Navigate(base+"/admin/producers"),
		chromedp.WaitVisible(`table.list`),
		chromedp.Text(`main`, &page),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page, mine.Name) || strings.Contains(page, other.Name) {
		t.Errorf("officer's producer list: %q", page)
	}
	var status string
	err = chromedp.Run(ctx,
		chromedp.Navigate(base+"/admin/producers/"+itoa(other.ID)),
		chromedp.WaitVisible(`main h1`),
		chromedp.Text(`main`, &status),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(status, "403") || !strings.Contains(status, "không thuộc phạm vi") {
		t.Errorf("other commune's producer in the browser: %q", status)
	}
}

// submitAndLoad submits the form of the node matching sel and waits until
// the next page has loaded, so that the following actions never run
// against the page being left.
func submitAndLoad(sel string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		loaded := make(chan struct{}, 1)
		lctx, cancel := context.WithCancel(ctx)
		defer cancel()
		chromedp.ListenTarget(lctx, func(ev any) {
			if _, ok := ev.(*page.EventLoadEventFired); ok {
				select {
				case loaded <- struct{}{}:
				default:
				}
			}
		})
		if err := chromedp.Submit(sel).Do(ctx); err != nil {
			return err
		}
		select {
		case <-loaded:
			return nil
		case <-time.After(90 * time.Second):
			return context.DeadlineExceeded
		case <-ctx.Done():
			return ctx.Err()
		}
	})
}
