package evaluation_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/dbtest"
	"ocop/internal/evaluation"
)

// The office opens rounds with the deadlines of Điều 5 (or its own, for an
// extra round); a dossier falls into the round of its proposal date until
// the office assigns one.
func TestRounds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newDossierWorld(t, d, 1<<20)
		for _, tt := range []struct {
			name string
			p    *account.Principal
			in   evaluation.RoundInput
			want string // "" for success, else the error's (first field's) key
			pb   string // proposed_before on success
			db   string // decided_before on success
		}{
			{"regular round 1 takes Điều 5's dates", w.office, evaluation.RoundInput{Year: 2027, No: 1, Title: "Đợt 1 năm 2027"}, "", "2027-04-30", "2027-06-30"},
			{"regular round 2 takes Điều 5's dates", w.office, evaluation.RoundInput{Year: 2026, No: 2, Title: "Đợt 2 năm 2026"}, "", "2026-10-30", "2026-12-30"},
			{"an extra round with its own dates", w.office, evaluation.RoundInput{Year: 2027, No: 3, Title: "Đợt bổ sung", ProposedBefore: "2027-07-15", DecidedBefore: "2027-08-31"}, "", "2027-07-15", "2027-08-31"},
			{"the same round twice", w.office, evaluation.RoundInput{Year: 2027, No: 1, Title: "Lặp"}, "dossier.err_round_exists", "", ""},
			{"an extra round without dates", w.office, evaluation.RoundInput{Year: 2027, No: 4, Title: "Thiếu hạn"}, "dossier.err_round_date_required", "", ""},
			{"decided before proposed", w.office, evaluation.RoundInput{Year: 2027, No: 5, Title: "Ngược", ProposedBefore: "2027-09-30", DecidedBefore: "2027-09-01"}, "dossier.err_round_dates", "", ""},
			{"a date that does not exist", w.office, evaluation.RoundInput{Year: 2027, No: 6, Title: "Sai ngày", ProposedBefore: "2027-02-30", DecidedBefore: "2027-03-30"}, "dossier.err_date", "", ""},
			{"no title", w.office, evaluation.RoundInput{Year: 2028, No: 1}, "err.required", "", ""},
			{"a commune officer", w.officer, evaluation.RoundInput{Year: 2028, No: 1, Title: "Đợt 1"}, "err.forbidden", "", ""},
		} {
			r, err := w.svc.CreateRound(w.ctx, tt.p, tt.in)
			got := ""
			if e := apperr.As(err); e != nil {
				got = e.Key
				if len(e.Fields) > 0 {
					got = e.Fields[0].Key
				}
			}
			if got != tt.want {
				t.Errorf("%s: got %q (%v), want %q", tt.name, got, err, tt.want)
				continue
			}
			if tt.want == "" && (r.ProposedBefore.String() != tt.pb || r.DecidedBefore.String() != tt.db || r.Extra != (tt.in.No > 2)) {
				t.Errorf("%s: dates %s/%s extra %v, want %s/%s extra %v", tt.name, r.ProposedBefore, r.DecidedBefore, r.Extra, tt.pb, tt.db, tt.in.No > 2)
			}
		}
		rounds, err := w.svc.ListRounds(w.ctx, w.producer, 0)
		if err != nil || len(rounds) != 3 {
			t.Fatalf("rounds listed to a producer: %d, %v; want 3", len(rounds), err)
		}
		var r2026, r2027, extra evaluation.RoundRecord
		for _, r := range rounds {
			switch {
			case r.Year == 2026:
				r2026 = r
			case r.No == 1:
				r2027 = r
			default:
				extra = r
			}
		}

		// A draft expects the round it would join if proposed today
		// (23/11/2026, after the 30 October cut-off: round 1 of 2027).
		x, err := w.svc.CreateDossier(w.ctx, w.officer, evaluation.DossierInput{ProductID: w.product.ID, Kind: evaluation.DossierFirst})
		if err != nil {
			t.Fatal(err)
		}
		pl, err := w.svc.Placement(w.ctx, &x)
		if err != nil || !pl.Expected || pl.Rule.Year != 2027 || pl.Rule.No != 1 || pl.Record == nil || pl.Record.ID != r2027.ID {
			t.Errorf("draft placement: %+v, %v; want expected round 1/2027 (record %d)", pl, err, r2027.ID)
		}
		x = dossierFileAndPropose(t, w, x)
		pl, _ = w.svc.Placement(w.ctx, &x)
		if pl.Expected || pl.Assigned || pl.Rule.No != 1 || pl.Rule.Year != 2027 {
			t.Errorf("proposed placement: %+v; want round 1/2027 by rule", pl)
		}
		list, err := w.svc.ListDossiers(w.ctx, w.office, evaluation.DossierFilter{RoundID: r2027.ID})
		if err != nil || list.Total != 1 {
			t.Errorf("dossiers of round 1/2027 by rule: %d, %v; want 1", list.Total, err)
		}
		if list, _ := w.svc.ListDossiers(w.ctx, w.office, evaluation.DossierFilter{RoundID: r2026.ID}); list.Total != 0 {
			t.Errorf("dossiers of round 2/2026: %d, want 0", list.Total)
		}
		// The office assigns it to the extra round.
		if _, err := w.svc.AssignRound(w.ctx, w.officer, x.ID, extra.ID, x.Version); !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("officer assigns a round: got %v, want forbidden", err)
		}
		if x, err = w.svc.AssignRound(w.ctx, w.office, x.ID, extra.ID, x.Version); err != nil {
			t.Fatal(err)
		}
		pl, _ = w.svc.Placement(w.ctx, &x)
		if !pl.Assigned || pl.Record == nil || pl.Record.ID != extra.ID {
			t.Errorf("assigned placement: %+v; want the extra round", pl)
		}
		if list, _ := w.svc.ListDossiers(w.ctx, w.office, evaluation.DossierFilter{RoundID: r2027.ID}); list.Total != 0 {
			t.Errorf("round 1/2027 after the assignment: %d dossiers, want 0", list.Total)
		}
		// Closing.
		if _, err := w.svc.CloseRound(w.ctx, w.office, extra.ID, extra.Version); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.CloseRound(w.ctx, w.office, extra.ID, extra.Version+1); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("close twice: got %v, want a conflict", err)
		}
		if _, err := w.svc.AssignRound(w.ctx, w.office, x.ID, extra.ID, x.Version); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("assign to a closed round: got %v, want invalid", err)
		}
	})
}

// dossierFileAndPropose takes a draft through filing, the Mẫu 03 report and the
// commune's proposal.
func dossierFileAndPropose(t *testing.T, w *dossierWorld, x evaluation.Dossier) evaluation.Dossier {
	t.Helper()
	f := x.Form01
	f.Position = "Chủ nhiệm"
	x, err := w.svc.SaveForm01(w.ctx, w.officer, x.ID, x.Version, f)
	if err != nil {
		t.Fatal(err)
	}
	w.answerAll(x)
	x, _ = w.svc.Dossier(w.ctx, w.officer, x.ID)
	if _, err := w.svc.AddEvidence(w.ctx, w.officer, x.ID, evaluation.EvidenceInput{}, bytes.NewReader(dossierPDF())); err != nil {
		t.Fatal(err)
	}
	if x, err = w.svc.SubmitDossier(w.ctx, w.officer, x.ID, x.Version); err != nil {
		t.Fatal(err)
	}
	if x, err = w.svc.SaveReport(w.ctx, w.officer, x.ID, x.Version, evaluation.Form03{RawMaterials: "Mít của vùng trồng trong xã",
		Labour: "12 lao động địa phương", IdeaOrigin: "Nghề sấy truyền thống", Identity: "Bí quyết sấy lạnh của làng"}); err != nil {
		t.Fatal(err)
	}
	if x, err = w.svc.ProposeDossier(w.ctx, w.officer, x.ID, x.Version, 5); err != nil {
		t.Fatal(err)
	}
	return x
}

// The commune's deadline is 15 working days, and a dossier is overdue the
// day after it; lists filter and flag overdue dossiers.
func TestOverdueDossiers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newDossierWorld(t, d, 1<<20)
		x, err := w.svc.CreateDossier(w.ctx, w.producer, evaluation.DossierInput{ProductID: w.product.ID, Kind: evaluation.DossierFirst})
		if err != nil {
			t.Fatal(err)
		}
		f := x.Form01
		f.Position = "Giám đốc"
		x, _ = w.svc.SaveForm01(w.ctx, w.producer, x.ID, x.Version, f)
		w.answerAll(x)
		x, _ = w.svc.Dossier(w.ctx, w.producer, x.ID)
		if _, err := w.svc.AddEvidence(w.ctx, w.producer, x.ID, evaluation.EvidenceInput{}, bytes.NewReader(dossierPDF())); err != nil {
			t.Fatal(err)
		}
		if x, err = w.svc.SubmitDossier(w.ctx, w.producer, x.ID, x.Version); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			at       time.Time
			overdue  bool
			daysLeft int
		}{
			{time.Date(2026, 12, 11, 3, 0, 0, 0, time.UTC), false, 1},   // Friday: Monday 14 is still to come
			{time.Date(2026, 12, 14, 16, 59, 0, 0, time.UTC), false, 0}, // 23:59 in Hanoi on the last day
			{time.Date(2026, 12, 14, 17, 0, 0, 0, time.UTC), true, 0},   // midnight in Hanoi: 15 December
		} {
			w.now = tt.at
			if got := x.OverdueOn(w.svc.Today()); got != tt.overdue {
				t.Errorf("at %s: overdue %v, want %v", tt.at, got, tt.overdue)
			}
			if got := w.svc.WorkingDaysLeft(x.CommuneDue); got != tt.daysLeft {
				t.Errorf("at %s: %d working days left, want %d", tt.at, got, tt.daysLeft)
			}
			list, err := w.svc.ListDossiers(w.ctx, w.officer, evaluation.DossierFilter{Overdue: true})
			if err != nil || (list.Total == 1) != tt.overdue {
				t.Errorf("at %s: overdue list has %d, %v; want overdue %v", tt.at, list.Total, err, tt.overdue)
			}
		}
		// Scopes of the list.
		for _, tt := range []struct {
			name string
			p    *account.Principal
			want int
			code apperr.Code
		}{
			{"producer", w.producer, 1, ""},
			{"other producer", &account.Principal{Role: account.RoleProducer, Producers: []int64{w.producerID + 1}}, 0, ""},
			{"officer", w.officer, 1, ""},
			{"officer elsewhere", &account.Principal{Role: account.RoleCommune, Communes: []string{"00008"}}, 0, ""},
			{"office", w.office, 1, ""},
			{"council", &account.Principal{Role: account.RoleCouncil}, 0, apperr.Forbidden},
		} {
			list, err := w.svc.ListDossiers(w.ctx, tt.p, evaluation.DossierFilter{})
			if apperr.CodeOf(err) != tt.code || list.Total != tt.want {
				t.Errorf("%s lists %d (%v), want %d %s", tt.name, list.Total, err, tt.want, tt.code)
			}
		}
		if _, err := w.svc.ListDossiers(w.ctx, w.office, evaluation.DossierFilter{State: "lost"}); !strings.Contains(strings.Join(dossierFieldKeys(err), ","), "dossier.err_state_unknown") {
			t.Errorf("unknown state filter: got %v", err)
		}
	})
}
