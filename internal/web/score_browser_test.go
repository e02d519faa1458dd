package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ocop/internal/apptest"
	"ocop/internal/evaluation"
)

// A council member scores on a tablet-sized Chromium: with score.js each
// choice saves at once (fetch with the CSRF header), the running totals
// follow, and changing the same answer again goes through because the
// page keeps the saved version. OCOP_SCREENSHOTS=dir keeps screenshots.
func TestBrowserScoring(t *testing.T) {
	e := apptest.New(t, "sqlite")
	ctx := browser(t)
	w := newCouncilWorld(t, e)
	cid := w.council(t, false, w.dossier)
	set := councilTestSet(t, e, w.dossier)
	c63, c65 := councilCrit(t, set, "6.3"), councilCrit(t, set, "6.5")
	base := e.Server.URL
	path := councilScorePath(cid, w.dossier) + "/score"
	radio := func(c *evaluation.Criterion, pos int) string {
		o, _ := c.Option(pos)
		return fmt.Sprintf(`input[name="c%d"][value="%d"]`, c.ID, o.ID)
	}
	waitText := func(sel, want string) chromedp.Action {
		return chromedp.ActionFunc(func(ctx2 context.Context) error {
			deadline := time.Now().Add(60 * time.Second)
			for {
				var got string
				if err := chromedp.Text(sel, &got, chromedp.ByQuery).Do(ctx2); err != nil {
					return err
				}
				if strings.TrimSpace(got) == want {
					return nil
				}
				if time.Now().After(deadline) {
					return fmt.Errorf("%s shows %q, want %q", sel, got, want)
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
	shots := os.Getenv("OCOP_SCREENSHOTS")
	shot := func(name string) chromedp.Action {
		return chromedp.ActionFunc(func(ctx2 context.Context) error {
			if shots == "" {
				return nil
			}
			var buf []byte
			if err := chromedp.CaptureScreenshot(&buf).Do(ctx2); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(shots, name+".png"), buf, 0o644)
		})
	}
	err := chromedp.Run(ctx,
		chromedp.EmulateViewport(820, 1180),
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(`input[name=username]`, w.users["m1"]),
		chromedp.SendKeys(`input[name=password]`, apptest.Password),
		chromedp.Submit(`input[name=password]`),
		chromedp.WaitVisible(`.adminnav`),
		chromedp.Navigate(base+path),
		chromedp.WaitVisible(`form[data-score]`),
		chromedp.Click(radio(c63, 3), chromedp.ByQuery),
		waitText(`#c`+itoa(c63.ID)+` .crit-status`, "Đã lưu"),
		waitText(`.score-bar [data-total="C"]`, "2"),
		chromedp.Click(radio(c65, 4), chromedp.ByQuery),
		waitText(`.score-bar [data-total="C"]`, "7"),
		// The same criterion again: the page sends the version it was given.
		chromedp.Click(radio(c63, 4), chromedp.ByQuery),
		waitText(`.score-bar [data-total="C"]`, "8"),
		waitText(`.score-bar [data-total="unscored"]`, "30"),
		chromedp.ScrollIntoView(`#c`+itoa(c63.ID), chromedp.ByQuery),
		shot("score-tablet"),
	)
	if err != nil {
		var st, hidden string
		_ = chromedp.Run(ctx, chromedp.Text(`#c`+itoa(c63.ID)+` .crit-status`, &st, chromedp.ByQuery),
			chromedp.Value(`input[name="v`+itoa(c63.ID)+`"]`, &hidden, chromedp.ByQuery))
		t.Fatalf("%v (6.3 says %q, version field %q)", err, st, hidden)
	}
	var opt, version int64
	if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT option_id, version FROM scores WHERE council_id = ? AND criterion_id = ?", cid, c63.ID).Scan(&opt, &version); err != nil {
		t.Fatal(err)
	}
	if o, _ := c63.Option(4); opt != o.ID || version != 2 {
		t.Errorf("6.3 saved as option %d version %d, want option %d version 2", opt, version, o.ID)
	}
	if shots != "" {
		// The page at laptop width and the result screen, for the eye.
		_ = chromedp.Run(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+path), chromedp.WaitVisible(`form`), shot("score-laptop-top"),
			chromedp.ScrollIntoView(`#c`+itoa(c63.ID), chromedp.ByQuery), shot("score-laptop-63"))
	}
}
