package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/registry"
)

// tradeBuyer creates a buyer account of the organisation, verified by an
// office user when verified is true, and returns its user name.
func tradeBuyer(t testing.TB, e *apptest.Env, org string, verified bool) string {
	t.Helper()
	name := fmt.Sprintf("tbuyer%d", tradeSeq.Add(1))
	u, err := e.App.Accounts.CreateUser(e.Ctx(), nil, account.NewUser{Username: name, DisplayName: "Mua hàng " + org, Role: account.RoleBuyer,
		Password: apptest.Password, Organisation: org, BuyerKind: "retail_chain", Email: name + "@example.vn", Phone: "0912345678"})
	if err != nil {
		t.Fatal(err)
	}
	if verified {
		off, err := e.App.Accounts.UserByName(e.Ctx(), e.User(account.RoleOffice))
		if err != nil {
			t.Fatal(err)
		}
		if err := e.App.Accounts.VerifyBuyer(e.Ctx(), &account.Principal{UserID: off.ID, Username: off.Username, Role: account.RoleOffice}, u.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	return name
}

// longanProducer creates a producer at the coordinates with a dried-longan
// product certified at star (0: none).
func longanProducer(t testing.TB, e *apptest.Env, name string, star int, lat, lon float64) (registry.Producer, registry.Product) {
	t.Helper()
	pr := e.Producer(name, "00577")
	if _, err := e.App.DB.ExecContext(e.Ctx(), "UPDATE producers SET latitude = ?, longitude = ? WHERE id = ?", lat, lon, pr.ID); err != nil {
		t.Fatal(err)
	}
	p := e.Product(pr.ID, "Long nhãn sấy "+name, "I.3.c")
	if star > 0 {
		certify(t, e, p, fmt.Sprintf("%d/GCN-OCOP-01-2026", p.ID), star, mustDate(t, "2026-03-01"))
	}
	return pr, p
}

var idInPath = regexp.MustCompile(`/(\d+)$`)

func lastID(t testing.TB, loc string) string {
	t.Helper()
	m := idInPath.FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("no id in %q", loc)
	}
	return m[1]
}

func countRows(t testing.TB, e *apptest.Env, table string) int {
	t.Helper()
	var n int
	if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func longanDemand() url.Values {
	return url.Values{"title": {"Long nhãn sấy 4 sao cho Nhật"}, "category_code": {"I.3.c"}, "keywords": {"long nhãn"}, "quantity": {"2"},
		"unit": {"tonne"}, "frequency": {"monthly"}, "min_star": {"4"}, "certifications": {"haccp"}, "target_market": {"japan"},
		"delivery_area": {"Kho AEON Long Biên"}, "delivery_lat": {"21.0475"}, "delivery_lon": {"105.8900"}}
}

// TestTradeBoard: only verified buyers post demands, bad input is refused
// with a clear message and nothing written, the engine ranks and explains,
// each side sees only its own records, leads follow the state machine, the
// contact limit and spam flags work, producers report buyers and the office
// sees the totals.
func TestTradeBoard(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a, _ := longanProducer(t, e, "HTX Long nhãn A", 4, 21.03, 105.85)
		b, _ := longanProducer(t, e, "HTX Long nhãn B", 5, 21.03, 105.85)
		longanProducer(t, e, "HTX Long nhãn C", 3, 21.03, 105.85)
		ua, ub := e.Session(e.ProducerUser(a.ID)), e.Session(e.ProducerUser(b.ID))

		// A posts an offer with HACCP; B's account cannot change it.
		r := ua.PostForm("/admin/trade/offers", url.Values{"producer_id": {itoa(a.ID)}, "title": {"Long nhãn 3 tấn/tháng"}, "category_code": {"I.3.c"},
			"capacity": {"3"}, "unit": {"tonne"}, "frequency": {"monthly"}, "certifications": {"haccp"}, "markets": {"japan"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("offer: %d\n%s", r.Status, r.Body)
		}
		offer := lastID(t, r.Location())
		if r := ub.PostForm("/admin/trade/offers/"+offer, url.Values{"title": {"x"}, "capacity": {"1"}, "unit": {"kg"}, "frequency": {"monthly"}, "version": {"1"}}); r.Status != http.StatusForbidden {
			t.Errorf("B edits A's offer: %d", r.Status)
		}
		if r := ub.PostForm("/admin/trade/offers", url.Values{"producer_id": {itoa(a.ID)}, "title": {"x"}, "category_code": {"I.3.c"}, "capacity": {"1"}, "unit": {"kg"}, "frequency": {"monthly"}}); r.Status != http.StatusForbidden {
			t.Errorf("B posts an offer for A: %d", r.Status)
		}

		// An unverified buyer cannot post.
		unv := e.Session(tradeBuyer(t, e, "Công ty Chưa Xác Minh", false))
		if r := unv.Get("/admin/trade/demands/new"); !strings.Contains(r.Body, "chưa được Văn phòng Điều phối OCOP xác minh") {
			t.Errorf("unverified buyer's form: %d", r.Status)
		}
		if r := unv.PostForm("/admin/trade/demands", longanDemand()); r.Status != http.StatusForbidden {
			t.Errorf("unverified buyer posts: %d", r.Status)
		}

		// A demand without quantity (or outside Vietnam) is refused, nothing written.
		aeon := e.Session(tradeBuyer(t, e, "AEON Việt Nam", true))
		bad := longanDemand()
		bad.Del("quantity")
		r = aeon.PostForm("/admin/trade/demands", bad)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Nhập số lượng cần mua") {
			t.Errorf("demand without quantity: %d", r.Status)
		}
		bad = longanDemand()
		bad.Set("delivery_lat", "35.68")
		bad.Set("delivery_lon", "139.69")
		if r := aeon.PostForm("/admin/trade/demands", bad); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "ngoài lãnh thổ Việt Nam") {
			t.Errorf("delivery in Tokyo: %d", r.Status)
		}
		if n := countRows(t, e, "trade_demands"); n != 0 {
			t.Fatalf("%d demands written by refused posts", n)
		}

		r = aeon.PostForm("/admin/trade/demands", longanDemand())
		if r.Status != http.StatusSeeOther {
			t.Fatalf("demand: %d\n%s", r.Status, r.Body)
		}
		demand := "/admin/trade/demands/" + lastID(t, r.Location())
		page := aeon.Get(demand)
		ia, ib := strings.Index(page.Body, `id="match-`+itoa(a.ID)+`"`), strings.Index(page.Body, `id="match-`+itoa(b.ID)+`"`)
		if ia < 0 || ib < 0 || ia > ib {
			t.Fatalf("A (4★, HACCP) must rank before B (5★, no HACCP): %d %d\n%s", ia, ib, page.Body)
		}
		for _, want := range []string{"hạng 4 sao", "Tự kê khai, chưa xác minh: HACCP", "Thiếu chứng nhận yêu cầu: HACCP", "đáp ứng 100% nhu cầu", "Cách nơi giao hàng khoảng", "HTX Long nhãn C"} {
			if got := strings.Contains(page.Body, want); got != (want != "HTX Long nhãn C") {
				t.Errorf("matches page: %q present %v", want, got)
			}
		}

		// A new certificate (5★ for C's longan) is seen by the next match:
		// the engine's star cache follows the certificate counter.
		var cProduct registry.Product
		if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT p.id, p.producer_id FROM products p JOIN producers pr ON pr.id = p.producer_id WHERE pr.name = 'HTX Long nhãn C'").Scan(&cProduct.ID, &cProduct.ProducerID); err != nil {
			t.Fatal(err)
		}
		certify(t, e, cProduct, "99/GCN-OCOP-01-2026", 5, mustDate(t, "2026-09-01"))
		if r := aeon.Get(demand); !strings.Contains(r.Body, "HTX Long nhãn C") {
			t.Error("a newly certified producer does not appear in the ranking")
		}

		// Who sees the demand.
		other := e.Session(tradeBuyer(t, e, "WinMart", true))
		for _, tt := range []struct {
			c    *apptest.Client
			want int
		}{{other, 403}, {ua, 200}, {e.Session(e.User(account.RoleCommune, "00577")), 403}, {e.Session(e.User(account.RoleOffice)), 200}} {
			if r := tt.c.Get(demand); r.Status != tt.want {
				t.Errorf("GET demand: %d, want %d", r.Status, tt.want)
			}
		}
		if r := ua.Get(demand); strings.Contains(r.Body, `id="matches"`) {
			t.Error("a producer sees the ranking of a buyer's demand")
		}
		upd := longanDemand()
		upd.Set("version", "1")
		if r := other.PostForm(demand, upd); r.Status != http.StatusForbidden {
			t.Errorf("another buyer edits the demand: %d", r.Status)
		}

		// Contact A; A answers and moves the lead on; an illegal move is refused.
		r = aeon.PostForm(demand+"/contact", url.Values{"producer_id": {itoa(a.ID)}, "message": {"Chào HTX, AEON cần 2 tấn long nhãn/tháng."}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("contact: %d\n%s", r.Status, r.Body)
		}
		lead := "/admin/trade/leads/" + lastID(t, r.Location())
		if r := aeon.PostForm(demand+"/contact", url.Values{"producer_id": {itoa(a.ID)}, "message": {"lần nữa"}}); r.Status != http.StatusConflict {
			t.Errorf("second contact of the same producer: %d", r.Status)
		}
		if r := ua.Get("/admin/trade/leads"); !strings.Contains(r.Body, "AEON Việt Nam") {
			t.Error("producer A does not see the lead")
		}
		if r := ub.Get(lead); r.Status != http.StatusForbidden {
			t.Errorf("producer B reads A's lead: %d", r.Status)
		}
		if r := ua.PostForm(lead+"/reply", url.Values{"message": {"Chúng tôi gửi mẫu"}, "state": {"ordered"}, "version": {"1"}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("contacted → ordered: %d", r.Status)
		}
		if r := ua.PostForm(lead+"/reply", url.Values{"message": {"Chúng tôi gửi mẫu tuần này"}, "state": {"sample_sent"}, "version": {"1"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("reply: %d\n%s", r.Status, r.Body)
		}
		if r := aeon.Get(lead); !strings.Contains(r.Body, "Chúng tôi gửi mẫu tuần này") || !strings.Contains(r.Body, `<dd id="lead-state">Đã gửi mẫu</dd>`) {
			t.Errorf("buyer's view of the lead:\n%s", r.Body)
		}
		if r := aeon.PostForm(lead+"/reply", url.Values{"message": {"cũ"}, "version": {"1"}}); r.Status != http.StatusConflict {
			t.Errorf("stale reply: %d", r.Status)
		}

		// Burst flags, then the hourly limit refuses and writes nothing.
		for i := range 9 {
			p := e.Producer(fmt.Sprintf("Cơ sở %d", i), "00577")
			r := aeon.PostForm(demand+"/contact", url.Values{"producer_id": {itoa(p.ID)}, "message": {fmt.Sprintf("Hỏi hàng %d", i)}})
			if r.Status != http.StatusSeeOther {
				t.Fatalf("contact %d: %d", i, r.Status)
			}
			e.Clock.Advance(30 * 1e9)
		}
		before := countRows(t, e, "trade_leads")
		p := e.Producer("Cơ sở thừa", "00577")
		if r := aeon.PostForm(demand+"/contact", url.Values{"producer_id": {itoa(p.ID)}, "message": {"thêm"}}); r.Status != http.StatusTooManyRequests {
			t.Errorf("11th contact within the hour: %d", r.Status)
		} else if secs, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || secs < 1 || secs > 3600 ||
			!strings.Contains(r.Body, "Vui lòng thử lại sau khoảng "+strconv.Itoa((secs+59)/60)+" phút") {
			t.Errorf("11th contact: Retry-After %q, want 1–3600 s and the minutes in the message\n%s", r.Header.Get("Retry-After"), r.Body)
		}
		if n := countRows(t, e, "trade_leads"); n != before {
			t.Errorf("refused contact wrote a lead (%d → %d)", before, n)
		}
		office := e.Session(e.User(account.RoleOffice))
		if r := office.Get("/admin/trade/leads?flagged=1"); strings.Count(r.Body, "Liên hệ dồn dập") < 5 {
			t.Errorf("burst contacts not flagged:\n%s", r.Body)
		}

		// A reports the buyer; the office sees it on the board.
		if r := aeon.PostForm(lead+"/report", url.Values{"reason": {"spam"}}); r.Status != http.StatusForbidden {
			t.Errorf("the buyer reports itself: %d", r.Status)
		}
		if r := ua.PostForm(lead+"/report", url.Values{"reason": {"deposit_request"}, "note": {"Đòi chuyển cọc"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("report: %d\n%s", r.Status, r.Body)
		}
		board := office.Get("/admin/trade/board")
		for _, want := range []string{"Đòi chuyển cọc", `<th id="leads-total">10</th>`, `id="state-sample_sent"><td><a href="/admin/trade/leads?state=sample_sent">Đã gửi mẫu</a></td><td>1</td>`} {
			if !strings.Contains(board.Body, want) {
				t.Errorf("board lacks %q", want)
			}
		}
		if r := aeon.Get("/admin/trade/board"); r.Status != http.StatusForbidden {
			t.Errorf("buyer reads the board: %d", r.Status)
		}
	})
}

var tradeSeq atomic.Int64
