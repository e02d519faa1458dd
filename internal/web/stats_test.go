package web_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/demo"
)

// figures reads the data-figure numbers of a statistics page.
func figures(t *testing.T, body string) map[string]int {
	t.Helper()
	out := map[string]int{}
	re := regexp.MustCompile(`data-figure="([a-z0-9-]+)"[^>]*>\s*([0-9]+)`)
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		n, _ := strconv.Atoi(m[2])
		out[m[1]] = n
	}
	return out
}

// TestStatsDemo is the "done when", on the Hanoi demo data and on
// both engines: the office reads 3,317 / 6 / 22 / 1,571 / 1,718, switches
// to old districts, drills into the 22 potential five-star products,
// downloads the yearly report as XLSX and PDF with Vietnamese text, and a
// commune officer sees only their commune.
func TestStatsDemo(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx, a := e.Ctx(), e.App
		if _, err := demo.Load(ctx, a.DB, a.Ref, a.Accounts, a.Registry, demo.Options{Seed: 1, Now: e.Clock.Now()}); err != nil {
			t.Fatal(err)
		}
		office := e.Login(e.User(account.RoleOffice))
		count := func(t *testing.T, q string, args ...any) int {
			t.Helper()
			var n int
			if err := a.DB.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}

		t.Run("published figures", func(t *testing.T) {
			r := office.Get("/admin/stats")
			if r.Status != http.StatusOK {
				t.Fatalf("GET /admin/stats: %d", r.Status)
			}
			got := figures(t, r.Body)
			for k, want := range map[string]int{"cumulative-total": 3317, "cumulative-5": 6, "cumulative-p5": 22, "cumulative-4": 1571, "cumulative-3": 1718,
				"villages": 1350, "villages-recognised": 321} {
				if got[k] != want {
					t.Errorf("%s: got %d, want %d", k, got[k], want)
				}
			}
			// Currently valid, computed independently: the certificates
			// whose computed status is valid, as the certificate list
			// counts them (one valid certificate per product).
			valid := 0
			for _, st := range []string{"valid", "expiring_soon", "extended"} {
				valid += listCount(t, office, "/admin/certificates?status="+st)
			}
			if got["valid-total"] != valid || valid == 0 || valid >= 3317 {
				t.Errorf("currently valid: dashboard %d, certificate list %d (want equal, between 0 and 3,317)", got["valid-total"], valid)
			}
			if sum := got["valid-5"] + got["valid-p5"] + got["valid-4"] + got["valid-3"]; sum != got["valid-total"] {
				t.Errorf("valid levels add up to %d, total %d", sum, got["valid-total"])
			}
			for _, days := range []int{30, 90} {
				if want := listCount(t, office, "/admin/certificates?expiring="+strconv.Itoa(days)); got["expiring-"+strconv.Itoa(days)] != want {
					t.Errorf("expiring within %d days: dashboard %d, certificate list %d", days, got["expiring-"+strconv.Itoa(days)], want)
				}
			}
			if want := count(t, "SELECT COUNT(*) FROM producers WHERE status = 'active'"); got["producers"] != want {
				t.Errorf("active producers: got %d, want %d", got["producers"], want)
			}
			// Sale points (market module) and the Hanoi communes without
			// one, counted from the records.
			points := count(t, "SELECT COUNT(*) FROM sale_points WHERE status = 'active'")
			without := count(t, `SELECT COUNT(*) FROM wards w WHERE w.province_code = '01' AND NOT EXISTS
				(SELECT 1 FROM sale_points sp WHERE sp.commune_code = w.code AND sp.status = 'active')`)
			if got["sale-points"] != points || points != 110 {
				t.Errorf("sale points: dashboard %d, records %d (Hanoi: 110)", got["sale-points"], points)
			}
			if !strings.Contains(r.Body, fmt.Sprintf(`data-figure="communes-without-point">%d / `, without)) {
				t.Errorf("dashboard does not show %d communes without a sale point", without)
			}
			for _, s := range []string{`<svg class="stats-chart"`, "<title id=\"chart-levels-t\">", "<details>", "/admin/stats/tables/communes.csv"} {
				if !strings.Contains(r.Body, s) {
					t.Errorf("dashboard lacks %q", s)
				}
			}
		})

		t.Run("old districts", func(t *testing.T) {
			r := office.Get("/admin/stats?view=district")
			if r.Status != http.StatusOK || !strings.Contains(text(r), "Huyện Gia Lâm") || !strings.Contains(r.Body, "district=") {
				t.Fatalf("district view: %d, want Huyện Gia Lâm with district drill-down links", r.Status)
			}
			// The district table adds up to the cumulative total.
			tb := office.Get("/admin/stats/tables/districts.csv")
			if tb.Status != http.StatusOK {
				t.Fatalf("districts.csv: %d", tb.Status)
			}
			recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(tb.Body, "\uFEFF"))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			sum := 0
			for _, rec := range recs[1:] {
				n, _ := strconv.Atoi(rec[5]) // the cumulative total: after the name and 5★, p5, 4★, 3★
				sum += n
			}
			if sum != 3317 {
				t.Errorf("districts add up to %d products, want 3,317", sum)
			}
		})

		t.Run("targets", func(t *testing.T) {
			// The published plan: 400 products a year; Hanoi recognised 518
			// in 2022 (the demo's products first certified that year).
			want := count(t, `SELECT COUNT(*) FROM (SELECT product_id, MIN(issued_on) AS first FROM certificates GROUP BY product_id) x WHERE first LIKE '2022-%'`)
			r := office.Get("/admin/stats/targets?year=2022")
			row := regexp.MustCompile(`data-metric="products_year".*?</tr>`).FindString(strings.ReplaceAll(r.Body, "\n", " "))
			if want != 518 || !strings.Contains(row, ">400<") || !strings.Contains(row, ">518<") {
				t.Errorf("2022 products target: first certified in 2022 %d (want 518), row %q", want, row)
			}
		})

		t.Run("drill into potential five-star", func(t *testing.T) {
			r := office.Get("/admin/stats/products?measure=cumulative&level=p5")
			if r.Status != http.StatusOK {
				t.Fatalf("drill-down: %d", r.Status)
			}
			if n := listCountOf(r.Body); n != 22 {
				t.Errorf("potential five-star products: got %d, want 22", n)
			}
			if rows := strings.Count(r.Body, `href="/admin/products/`); rows != 22 {
				t.Errorf("rows listed: got %d, want 22", rows)
			}
			if r := office.Get("/admin/stats/products?level=9"); r.Status != http.StatusUnprocessableEntity && r.Status != http.StatusBadRequest {
				t.Errorf("level=9: got %d, want a validation answer", r.Status)
			}
		})

		t.Run("yearly report", func(t *testing.T) {
			year := strconv.Itoa(e.Clock.Now().Year())
			x := office.Get("/admin/stats/report?period=year&year=" + year + "&format=xlsx")
			if x.Status != http.StatusOK {
				t.Fatalf("xlsx: %d %s", x.Status, x.Body)
			}
			f, err := excelize.OpenReader(bytes.NewReader([]byte(x.Body)))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			cell := func(sheet, c string) string {
				v, err := f.GetCellValue(sheet, c)
				if err != nil {
					t.Fatal(err)
				}
				return v
			}
			if got := cell("BaoCao", "C1"); got != "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" {
				t.Errorf("C1: got %q", got)
			}
			if got := cell("BaoCao", "A6"); !strings.Contains(got, "Kết quả thực hiện Chương trình OCOP năm "+year) {
				t.Errorf("A6: got %q", got)
			}
			// The by-level sheet: 5★, p5, 4★, 3★, total; column F is the
			// cumulative figure at the end of the period.
			for i, want := range []string{"6", "22", "1571", "1718", "3317"} {
				if got := cell("TheoHang", "F"+strconv.Itoa(3+i)); got != want {
					t.Errorf("TheoHang F%d: got %q, want %s", 3+i, got, want)
				}
			}
			p := office.Get("/admin/stats/report?period=year&year=" + year + "&format=pdf")
			if p.Status != http.StatusOK || !strings.HasPrefix(p.Body, "%PDF") {
				t.Fatalf("pdf: %d", p.Status)
			}
			txt := pdfText(t, []byte(p.Body))
			for _, s := range []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO", "Kết quả thực hiện Chương trình OCOP năm " + year,
				"Xã Bát Tràng", "Tiềm năng 5 sao", "3317"} {
				if !strings.Contains(txt, s) {
					t.Errorf("pdf lacks %q", s)
				}
			}
			if r := office.Get("/admin/stats/report?period=month&year=" + year + "&month=13&format=pdf"); r.Status != http.StatusUnprocessableEntity || !strings.Contains(text(r), "Tháng phải từ 1 đến 12") {
				t.Errorf("month 13: got %d, want 422 with the message in Vietnamese", r.Status)
			}
		})

		t.Run("commune officer", func(t *testing.T) {
			officer := e.Login(e.User(account.RoleCommune, "00577"))
			r := officer.Get("/admin/stats")
			if r.Status != http.StatusOK {
				t.Fatalf("officer dashboard: %d", r.Status)
			}
			got := figures(t, r.Body)
			want := count(t, `SELECT COUNT(DISTINCT c.product_id) FROM certificates c JOIN products p ON p.id = c.product_id
				JOIN producers pr ON pr.id = p.producer_id WHERE pr.commune_code = '00577'`)
			if got["cumulative-total"] != want || want == 0 || want >= 3317 {
				t.Errorf("officer's cumulative total: got %d, want %d (Bát Tràng only)", got["cumulative-total"], want)
			}
			if strings.Contains(text(r), "Phường Hoàn Kiếm") {
				t.Error("the officer's dashboard lists another commune")
			}
			if n := listCountOf(officer.Get("/admin/stats/products?measure=cumulative").Body); n != want {
				t.Errorf("officer's drill-down: got %d, want %d", n, want)
			}
		})

		t.Run("public figures and API", func(t *testing.T) {
			var sum struct {
				E map[string]int `json:"evaluated_since_2019"`
				V map[string]int `json:"currently_valid"`
				P int            `json:"producers_total"`
				S *int           `json:"sale_points"`
				C int            `json:"craft_villages"`
				R int            `json:"craft_villages_recognised"`
			}
			r := e.API("GET", "/api/v1/stats/summary", "", nil)
			if r.Status != http.StatusOK {
				t.Fatalf("summary: %d", r.Status)
			}
			r.JSON(t, &sum)
			want := map[string]int{"five_star": 6, "potential_five_star": 22, "four_star": 1571, "three_star": 1718, "total": 3317}
			for k, v := range want {
				if sum.E[k] != v {
					t.Errorf("summary %s: got %d, want %d", k, sum.E[k], v)
				}
			}
			points := count(t, "SELECT COUNT(*) FROM sale_points WHERE status = 'active'")
			if sum.C != 1350 || sum.R != 321 || sum.S == nil || *sum.S != points || points != 110 || sum.V["total"] == 0 {
				t.Errorf("summary villages %d/%d, sale points %v (want %d, Hanoi's 110), valid %d", sum.C, sum.R, sum.S, points, sum.V["total"])
			}
			pub := e.Anon().Get("/stats")
			if got := figures(t, pub.Body); pub.Status != http.StatusOK || got["cumulative-total"] != 3317 || got["valid-total"] != sum.V["total"] {
				t.Errorf("public page: %d, figures %v", pub.Status, got)
			}
			csv := e.Anon().Get("/stats/open-data.csv")
			if csv.Status != http.StatusOK || !strings.Contains(csv.Body, "products_evaluated_since_2019,level_p5,22") {
				t.Errorf("open data: %d %q", csv.Status, csv.Body)
			}
		})
	})
}

// listCount returns the count a back-office list page shows.
func listCount(t *testing.T, c *apptest.Client, path string) int {
	t.Helper()
	r := c.Get(path)
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s: %d", path, r.Status)
	}
	return listCountOf(r.Body)
}

var countRe = regexp.MustCompile(`<p class="count"[^>]*>[^0-9]*([0-9][0-9.,]*)`)

func listCountOf(body string) int {
	m := countRe.FindStringSubmatch(body)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(strings.NewReplacer(".", "", ",", "").Replace(m[1]))
	return n
}

// pdfText extracts a PDF's text with pdftotext (poppler-utils).
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext is missing")
		}
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "r.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", in, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}
