package web_test

import (
	"net/http"
	"strings"
	"testing"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/evaluation"
)

// The upgrade advisor on the product: processed fruit (scorecard
// set 7) scored by a council of three at the top option everywhere except
// one criterion marked for 5★, where they gave its 4★ option. The result
// is 4★ in the 5★ band; the advice names that criterion and the option to
// reach, for the producer, the commune's officer and the office, and no
// one else. Before the council, the advice follows the self-assessment.
func TestAdvisorPage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := newCertFixture(t, e)
		a := e.Producer("HTX Chế biến nông sản Quốc Oai", "00004")
		x := e.Product(a.ID, "Mứt sấy dẻo Quốc Oai", "I.3.c")
		ctx := e.Ctx()
		set, err := e.App.Evaluation.Scorecards().GetSet(ctx, e.Admin(), f.setFor("I.3.c"))
		if err != nil {
			t.Fatal(err)
		}
		chosen := map[int64]evaluation.Option{}
		var starred *evaluation.Criterion
		var five, four evaluation.Option
		set.Each(func(_ *evaluation.Part, _ *evaluation.Section, c *evaluation.Criterion) {
			top := c.Options[0]
			for _, o := range c.Options {
				if o.Points.Value > top.Points.Value {
					top = o
				}
			}
			chosen[c.ID] = top
			if starred != nil {
				return
			}
			var f5, f4 *evaluation.Option
			for i := range c.Options {
				switch c.Options[i].Star {
				case 5:
					f5 = &c.Options[i]
				case 4:
					f4 = &c.Options[i]
				}
			}
			if f5 != nil && f4 != nil && f5.ID == top.ID {
				starred, five, four = c, *f5, *f4
			}
		})
		if starred == nil {
			t.Fatal("set 7 has no criterion marked for 4★ and 5★")
		}
		chosen[starred.ID] = four
		total := 0
		for _, o := range chosen {
			total += o.Points.Value
		}
		d := f.dossier(x, "first", evaluation.StateScored)
		now := e.Clock.Now().UTC()
		for i := range 3 {
			u, err := e.App.Accounts.UserByName(ctx, e.User(account.RoleCouncil))
			if err != nil {
				t.Fatal(err)
			}
			exec := func(q string, args ...any) {
				t.Helper()
				if _, err := e.App.DB.ExecContext(ctx, q, args...); err != nil {
					t.Fatal(err)
				}
			}
			role := "member"
			if i == 0 {
				role = "chair"
			}
			exec("INSERT INTO council_members (council_id, user_id, role, department) VALUES (?, ?, ?, 'Sở Nông nghiệp và Môi trường')", f.council, u.ID, role)
			for cid, o := range chosen {
				exec(`INSERT INTO scores (council_id, dossier_id, member_id, criterion_id, option_id, points, updated_at, version)
					VALUES (?, ?, ?, ?, ?, ?, ?, 1)`, f.council, d, u.ID, cid, o.ID, o.Points.Value, now)
			}
			exec("INSERT INTO score_sheets (council_id, dossier_id, member_id, total, submitted_at) VALUES (?, ?, ?, ?, ?)", f.council, d, u.ID, total, now)
		}
		if _, err := e.App.DB.ExecContext(ctx, "INSERT INTO council_dossiers (council_id, dossier_id) VALUES (?, ?)", f.council, d); err != nil {
			t.Fatal(err)
		}
		if evaluation.Band(float64(total)) != evaluation.Star5 {
			t.Fatalf("total %d is not in the 5★ band", total)
		}
		f.result(d, evaluation.LevelProvince, float64(total), evaluation.Star5, evaluation.Star4)

		path := "/admin/dossiers/" + itoa(d) + "/advice"
		for _, tt := range []struct {
			name   string
			user   string
			status int
		}{
			{"producer", e.ProducerUser(a.ID), http.StatusOK},
			{"commune officer of the producer", e.User(account.RoleCommune, "00004"), http.StatusOK},
			{"office", e.User(account.RoleOffice), http.StatusOK},
			{"commune officer elsewhere", e.User(account.RoleCommune, "00008"), http.StatusForbidden},
			{"council member", e.User(account.RoleCouncil), http.StatusForbidden},
			{"another producer", e.ProducerUser(e.Producer("HTX khác", "00004").ID), http.StatusForbidden},
			{"buyer", e.User(account.RoleBuyer), http.StatusForbidden},
		} {
			r := e.Session(tt.user).Get(path)
			if r.Status != tt.status {
				t.Errorf("%s: status %d, want %d", tt.name, r.Status, tt.status)
				continue
			}
			if r.Status != http.StatusOK {
				continue
			}
			body := text(r)
			for _, want := range []string{"Lộ trình lên 5 sao", "theo điểm của hội đồng (3 thành viên", starred.No + ". " + starred.Title,
				five.Text, four.Text, "bắt buộc cho 5 sao", "đủ điểm", "1 chỉ tiêu bắt buộc (dấu sao) chưa đạt"} {
				if !strings.Contains(body, want) {
					t.Errorf("%s: advice lacks %q", tt.name, want)
				}
			}
		}
		if r := e.Anon().Get(path); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/login") {
			t.Errorf("anonymous: status %d, location %q; want the login page", r.Status, r.Location())
		}
		if r := e.Session(e.User(account.RoleOffice)).Get("/admin/dossiers/999999/advice"); r.Status != http.StatusNotFound {
			t.Errorf("unknown dossier: status %d, want 404", r.Status)
		}

		// Before the council: the self-assessment, all at the lowest option.
		y := e.Product(a.ID, "Ô mai sấu", "I.3.c")
		ds := f.dossier(y, "first", evaluation.StateDraft)
		low := 0
		set.Each(func(_ *evaluation.Part, _ *evaluation.Section, c *evaluation.Criterion) {
			o := c.Options[0]
			for _, x := range c.Options {
				if x.Points.Value < o.Points.Value {
					o = x
				}
			}
			low += o.Points.Value
			if _, err := e.App.DB.ExecContext(ctx, `INSERT INTO self_scores (dossier_id, criterion_id, option_id, note, updated_at, points)
				VALUES (?, ?, ?, '', ?, ?)`, ds, c.ID, o.ID, now, o.Points.Value); err != nil {
				t.Fatal(err)
			}
		})
		r := e.Session(e.ProducerUser(a.ID)).Get("/admin/dossiers/" + itoa(ds) + "/advice")
		if body := text(r); r.Status != 200 || !strings.Contains(body, "theo báo cáo tự đánh giá") || !strings.Contains(body, "Lộ trình lên 3 sao") {
			t.Errorf("self-assessment advice: status %d (lowest total %d)\n%s", r.Status, low, r.Body)
		}
	})
}
