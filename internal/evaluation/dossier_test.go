package evaluation_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"strconv"
	"strings"
	"testing"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/dbtest"
	"ocop/internal/evaluation"
	"ocop/internal/registry"
)

// dossierWorld is a producer of processed fruit in Bát Tràng (00577) with
// one product, and the people who handle its dossiers.
type dossierWorld struct {
	t          *testing.T
	ctx        context.Context
	d          *db.DB
	svc        *evaluation.Service
	reg        *registry.Service
	now        time.Time
	office     *account.Principal
	officer    *account.Principal
	producer   *account.Principal
	product    registry.Product
	producerID int64
}

func newDossierWorld(t *testing.T, d *db.DB, maxUpload int64) *dossierWorld {
	t.Helper()
	ref := dbtest.Reference(t)
	w := &dossierWorld{t: t, ctx: context.Background(), d: d,
		// Monday 23 November 2026, 09:00 in Hanoi.
		now: time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return w.now }
	acc := account.NewService(d, ref.Units, account.Options{Password: account.PasswordParams{MemoryKiB: 64, Time: 1, Threads: 1}})
	w.reg = registry.NewService(d, ref.Units, ref.Categories, acc, registry.Options{MediaDir: t.TempDir(), Now: clock})
	w.svc = evaluation.NewService(d, w.reg, acc, evaluation.NewScorecards(d, clock),
		evaluation.Options{Now: clock, MediaDir: t.TempDir(), MaxUpload: maxUpload})
	w.office = &account.Principal{Username: "office", Role: account.RoleOffice}
	w.officer = &account.Principal{Username: "officer", Role: account.RoleCommune, Communes: []string{"00577"}}
	x, err := w.reg.CreateProducer(w.ctx, w.office, registry.ProducerInput{Kind: registry.KindCooperative, Name: "HTX Quả sấy Bát Tràng",
		CommuneCode: "00577", Representative: "Nguyễn Thị Hoa", Phone: "0912345678"})
	if err != nil {
		t.Fatal(err)
	}
	w.producerID = x.ID
	w.producer = &account.Principal{Username: "producer", Role: account.RoleProducer, Producers: []int64{x.ID}}
	w.product = w.newProduct("Mít sấy giòn", "I.3.c")
	return w
}

func (w *dossierWorld) newProduct(name, category string) registry.Product {
	w.t.Helper()
	p, err := w.reg.CreateProduct(w.ctx, w.office, registry.ProductInput{ProducerID: w.producerID, Name: name, CategoryCode: category})
	if err != nil {
		w.t.Fatal(err)
	}
	return p
}

func (w *dossierWorld) count(q string, args ...any) int {
	w.t.Helper()
	var n int
	if err := w.d.QueryRowContext(w.ctx, q, args...).Scan(&n); err != nil {
		w.t.Fatalf("%s: %v", q, err)
	}
	return n
}

// answerAll answers every criterion of the dossier's scorecard with its
// highest option ("not met" for a criterion printed without options).
func (w *dossierWorld) answerAll(d evaluation.Dossier) *evaluation.SelfSheet {
	w.t.Helper()
	sheet, err := w.svc.SelfAssessment(w.ctx, w.producer, d.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	var answers []evaluation.SelfAnswer
	sheet.Set.Each(func(_ *evaluation.Part, _ *evaluation.Section, c *evaluation.Criterion) {
		best := c.Options[len(c.Options)-1]
		answers = append(answers, evaluation.SelfAnswer{CriterionID: c.ID, OptionID: best.ID, NotMet: c.YesNo, Note: "Có minh chứng"})
	})
	sheet, err = w.svc.SaveSelfAssessment(w.ctx, w.producer, d.ID, d.Version, answers)
	if err != nil {
		w.t.Fatal(err)
	}
	return sheet
}

func dossierPDF() []byte {
	return []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}

func dossierPNG(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 4, 3))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func dossierFieldKeys(err error) []string {
	var out []string
	if e := apperr.As(err); e != nil {
		for _, f := range e.Fields {
			out = append(out, f.Key)
		}
	}
	return out
}

// A producer of processed fruit files a first-rating dossier: the
// scorecard is set 7 in force, submission is refused until Mẫu 01, the
// self-assessment of every criterion and an evidence file are there, and
// the filing gives the registration number and the commune's deadline.
func TestDossierFiling(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newDossierWorld(t, d, 1<<20)
		x, err := w.svc.CreateDossier(w.ctx, w.producer, evaluation.DossierInput{ProductID: w.product.ID, Kind: evaluation.DossierFirst})
		if err != nil {
			t.Fatal(err)
		}
		if x.State != evaluation.StateDraft || x.SetNo != 7 || x.Form01.UnitName != "HTX Quả sấy Bát Tràng" || x.Form01.Samples != 5 {
			t.Errorf("new dossier: state %s, set %d, unit %q, samples %d; want draft, 7, the producer, 5", x.State, x.SetNo, x.Form01.UnitName, x.Form01.Samples)
		}
		if _, err := w.svc.CreateDossier(w.ctx, w.producer, evaluation.DossierInput{ProductID: w.product.ID, Kind: evaluation.DossierFirst}); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("second open dossier for the product: got %v, want a conflict", err)
		}
		other := w.newProduct("Ổi sấy dẻo", "I.3.c")
		for _, kind := range []evaluation.DossierKind{evaluation.DossierUpgrade, evaluation.DossierRerating} {
			_, err := w.svc.CreateDossier(w.ctx, w.producer, evaluation.DossierInput{ProductID: other.ID, Kind: kind})
			if got := strings.Join(dossierFieldKeys(err), ","); got != "dossier.err_no_certificate" {
				t.Errorf("%s without a certificate: got %q (%v), want dossier.err_no_certificate", kind, got, err)
			}
		}
		stranger := &account.Principal{Role: account.RoleProducer, Producers: []int64{999}}
		if _, err := w.svc.CreateDossier(w.ctx, stranger, evaluation.DossierInput{ProductID: other.ID, Kind: evaluation.DossierFirst}); !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("dossier for someone else's product: got %v, want forbidden", err)
		}

		// Nothing filled in: the refusal lists what is missing, writes nothing.
		events, audits := w.count("SELECT COUNT(*) FROM dossier_events"), w.count("SELECT COUNT(*) FROM audit_log")
		_, err = w.svc.SubmitDossier(w.ctx, w.producer, x.ID, x.Version)
		want := "dossier.missing_position,dossier.missing_self,dossier.missing_evidence"
		if got := strings.Join(dossierFieldKeys(err), ","); got != want {
			t.Fatalf("submit an empty dossier: missing %q, want %q (%v)", got, want, err)
		}
		if e := apperr.As(err); e.Fields[1].Args[0] != 32 {
			t.Errorf("unscored criteria: got %v, want 32 (set 7)", e.Fields[1].Args[0])
		}
		if n, m := w.count("SELECT COUNT(*) FROM dossier_events"), w.count("SELECT COUNT(*) FROM audit_log"); n != events || m != audits {
			t.Errorf("refused submit wrote %d events and %d audit rows", n-events, m-audits)
		}

		f := x.Form01
		f.Position = "Giám đốc"
		if x, err = w.svc.SaveForm01(w.ctx, w.producer, x.ID, x.Version, f); err != nil {
			t.Fatal(err)
		}
		sheet := w.answerAll(x)
		if sheet.Scored != 32 || sheet.Total != 99 {
			// Set 7's highest options add up to 100; its bilingual-label
			// criterion (2.4, 1 point) is answered "not met".
			t.Errorf("self-assessment: %d criteria, total %d; want 32 and 99", sheet.Scored, sheet.Total)
		}
		x, _ = w.svc.Dossier(w.ctx, w.producer, x.ID)
		if _, err := w.svc.AddEvidence(w.ctx, w.producer, x.ID, evaluation.EvidenceInput{Filename: "dkkd.pdf"}, bytes.NewReader(dossierPDF())); err != nil {
			t.Fatal(err)
		}
		x, err = w.svc.SubmitDossier(w.ctx, w.producer, x.ID, x.Version)
		if err != nil {
			t.Fatal(err)
		}
		today := evaluation.NewDate(2026, time.November, 23)
		if x.State != evaluation.StateSubmitted || x.RegNo != "1-001/PĐK-01-00577-2026" || x.FiledOn != today ||
			x.CommuneDue != evaluation.CommuneDeadline(today, evaluation.DefaultHolidays()) {
			t.Errorf("filed: state %s, reg %q, filed %s, due %s; want submitted, 1-001/PĐK-01-00577-2026, %s, %s",
				x.State, x.RegNo, x.FiledOn, x.CommuneDue, today, evaluation.CommuneDeadline(today, evaluation.DefaultHolidays()))
		}
		if got := x.CommuneDue.String(); got != "2026-12-14" {
			t.Errorf("15 working days from Monday 23/11/2026: got %s, want 2026-12-14", got)
		}
		if n := w.count("SELECT COUNT(*) FROM dossier_events WHERE dossier_id = ? AND to_state = 'submitted'", x.ID); n != 1 {
			t.Errorf("submit events: %d, want 1", n)
		}
		if n := w.count("SELECT COUNT(*) FROM audit_log WHERE action = 'dossier.submit' AND entity_id = ?", strconv.FormatInt(x.ID, 10)); n != 1 {
			t.Errorf("submit audit rows: %d, want 1", n)
		}
		// Filed: the forms are closed to the producer.
		if _, err := w.svc.SaveForm01(w.ctx, w.producer, x.ID, x.Version, f); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("edit a filed dossier: got %v, want a conflict", err)
		}

		// A second dossier of the commune in the year takes the next number.
		y, err := w.svc.CreateDossier(w.ctx, w.officer, evaluation.DossierInput{ProductID: other.ID, Kind: evaluation.DossierFirst})
		if err != nil {
			t.Fatal(err)
		}
		f = y.Form01
		f.Position = "Giám đốc"
		if y, err = w.svc.SaveForm01(w.ctx, w.officer, y.ID, y.Version, f); err != nil {
			t.Fatal(err)
		}
		w.answerAll(y)
		y, _ = w.svc.Dossier(w.ctx, w.officer, y.ID)
		if _, err := w.svc.AddEvidence(w.ctx, w.officer, y.ID, evaluation.EvidenceInput{}, bytes.NewReader(dossierPNG(t))); err != nil {
			t.Fatal(err)
		}
		if y, err = w.svc.SubmitDossier(w.ctx, w.officer, y.ID, y.Version); err != nil {
			t.Fatal(err)
		}
		if y.RegNo != "2-002/PĐK-01-00577-2026" {
			t.Errorf("second filing of the commune: got %q, want 2-002/PĐK-01-00577-2026", y.RegNo)
		}
	})
}
