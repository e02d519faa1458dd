package evaluation_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/dbtest"
	"ocop/internal/evaluation"
)

// The self-assessment takes only the options of each criterion of the
// dossier's own scorecard; a bad answer refuses the whole save.
func TestSelfAssessmentRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newDossierWorld(t, d, 1<<20)
		x, err := w.svc.CreateDossier(w.ctx, w.producer, evaluation.DossierInput{ProductID: w.product.ID, Kind: evaluation.DossierFirst})
		if err != nil {
			t.Fatal(err)
		}
		sheet, err := w.svc.SelfAssessment(w.ctx, w.producer, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		c11, _, _ := sheet.Set.Criterion("1.1")
		c12, _, _ := sheet.Set.Criterion("1.2")
		label, _, _ := sheet.Set.Criterion("2.4") // printed without options
		var foreign int64                         // a criterion of another scorecard (set 1)
		if err := d.QueryRowContext(w.ctx, `SELECT c.id FROM criteria c JOIN criteria_sets s ON s.id = c.set_id
			WHERE s.set_no = 1 AND s.status = 'active' LIMIT 1`).Scan(&foreign); err != nil {
			t.Fatal(err)
		}
		good := evaluation.SelfAnswer{CriterionID: c11.ID, OptionID: c11.Options[1].ID}
		for _, tt := range []struct {
			name    string
			version int
			answers []evaluation.SelfAnswer
			code    apperr.Code
			key     string
		}{
			{"option of another criterion", x.Version, []evaluation.SelfAnswer{good, {CriterionID: c12.ID, OptionID: c11.Options[0].ID}}, apperr.Invalid, "dossier.err_option_not_in_criterion"},
			{"criterion of another scorecard", x.Version, []evaluation.SelfAnswer{good, {CriterionID: foreign, OptionID: c11.Options[0].ID}}, apperr.Invalid, "dossier.err_criterion_not_in_set"},
			{"not met on a criterion with options", x.Version, []evaluation.SelfAnswer{{CriterionID: c12.ID, OptionID: c12.Options[0].ID, NotMet: true}}, apperr.Invalid, "dossier.err_option_not_in_criterion"},
			{"the same criterion twice", x.Version, []evaluation.SelfAnswer{good, good}, apperr.Invalid, "dossier.err_criterion_twice"},
			{"nothing chosen", x.Version, nil, apperr.Invalid, "dossier.err_no_answers"},
			{"stale version", x.Version - 1, []evaluation.SelfAnswer{good}, apperr.Conflict, "err.stale"},
		} {
			_, err := w.svc.SaveSelfAssessment(w.ctx, w.producer, x.ID, tt.version, tt.answers)
			e := apperr.As(err)
			got := ""
			if e != nil {
				got = e.Key
				if len(e.Fields) > 0 {
					got = e.Fields[0].Key
				}
			}
			if apperr.CodeOf(err) != tt.code || got != tt.key {
				t.Errorf("%s: got %v, want %s %s", tt.name, err, tt.code, tt.key)
			}
		}
		if n := w.count("SELECT COUNT(*) FROM self_scores"); n != 0 {
			t.Errorf("refused answers wrote %d self scores", n)
		}
		if n := w.count("SELECT COUNT(*) FROM audit_log WHERE action = 'dossier.self_assess'"); n != 0 {
			t.Errorf("refused answers wrote %d audit rows", n)
		}
		// "Not met" on the bilingual-label item is 0 points; met is its 1 point.
		sheet, err = w.svc.SaveSelfAssessment(w.ctx, w.producer, x.ID, x.Version, []evaluation.SelfAnswer{
			good, {CriterionID: label.ID, OptionID: label.Options[0].ID, NotMet: true}})
		if err != nil {
			t.Fatal(err)
		}
		if sheet.Total != 2 || sheet.Scored != 2 || len(sheet.Unscored) != 30 {
			t.Errorf("after two answers: total %d, scored %d, unscored %d; want 2, 2, 30", sheet.Total, sheet.Scored, len(sheet.Unscored))
		}
		sheet, err = w.svc.SaveSelfAssessment(w.ctx, w.producer, x.ID, x.Version+1, []evaluation.SelfAnswer{{CriterionID: label.ID, OptionID: label.Options[0].ID}})
		if err != nil {
			t.Fatal(err)
		}
		if sheet.Total != 3 || sheet.Parts[0].Total != 3 {
			t.Errorf("label met: total %d, part A %d; want 3 and 3", sheet.Total, sheet.Parts[0].Total)
		}
		// Someone outside the dossier cannot answer for it.
		other := &account.Principal{Role: account.RoleCommune, Communes: []string{"00008"}}
		if _, err := w.svc.SaveSelfAssessment(w.ctx, other, x.ID, x.Version+2, []evaluation.SelfAnswer{good}); !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("officer of another commune: got %v, want forbidden", err)
		}
	})
}

// Evidence files are PDF, JPEG or PNG by content and within the size
// limit; they are stored apart from the public media and attached only
// while the dossier may be changed.
func TestEvidence(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		const limit = 4 << 10
		w := newDossierWorld(t, d, limit)
		x, err := w.svc.CreateDossier(w.ctx, w.producer, evaluation.DossierInput{ProductID: w.product.ID, Kind: evaluation.DossierFirst})
		if err != nil {
			t.Fatal(err)
		}
		sheet, _ := w.svc.SelfAssessment(w.ctx, w.producer, x.ID)
		c31, _, _ := sheet.Set.Criterion("3.1")
		big := append(dossierPDF(), bytes.Repeat([]byte{' '}, limit)...)
		for _, tt := range []struct {
			name string
			in   evaluation.EvidenceInput
			data []byte
			key  string
		}{
			{"plain text", evaluation.EvidenceInput{Filename: "ghi-chu.pdf"}, []byte("not a pdf at all"), "dossier.err_evidence_type"},
			{"HTML named .png", evaluation.EvidenceInput{Filename: "anh.png"}, []byte("<html><script>alert(1)</script></html>"), "dossier.err_evidence_type"},
			{"a PNG header that does not decode", evaluation.EvidenceInput{}, append([]byte("\x89PNG\r\n\x1a\n"), 0, 0, 0), "dossier.err_evidence_type"},
			{"too large", evaluation.EvidenceInput{Filename: "big.pdf"}, big, "err.upload_too_large"},
			{"empty", evaluation.EvidenceInput{}, nil, "dossier.err_file_required"},
			{"criterion of no scorecard", evaluation.EvidenceInput{CriterionID: 99999999}, dossierPDF(), "dossier.err_criterion_not_in_set"},
		} {
			_, err := w.svc.AddEvidence(w.ctx, w.producer, x.ID, tt.in, bytes.NewReader(tt.data))
			if got := strings.Join(dossierFieldKeys(err), ","); got != tt.key {
				t.Errorf("%s: got %q (%v), want %s", tt.name, got, err, tt.key)
			}
		}
		if n := w.count("SELECT COUNT(*) FROM evidence"); n != 0 {
			t.Errorf("refused files wrote %d evidence rows", n)
		}
		e, err := w.svc.AddEvidence(w.ctx, w.producer, x.ID, evaluation.EvidenceInput{CriterionID: c31.ID, Filename: `C:\giấy tờ\Giấy ĐKKD.pdf`}, bytes.NewReader(dossierPDF()))
		if err != nil {
			t.Fatal(err)
		}
		if e.ContentType != "application/pdf" || e.Filename != "Giấy ĐKKD.pdf" || e.Title != "Giấy ĐKKD.pdf" || e.CriterionNo != "3.1" {
			t.Errorf("stored evidence: %+v", e)
		}
		got, path, err := w.svc.EvidenceFile(w.ctx, w.officer, x.ID, e.ID)
		if err != nil || got.Hash != e.Hash {
			t.Fatalf("officer opens the file: %v", err)
		}
		if b, err := os.ReadFile(path); err != nil || !bytes.Equal(b, dossierPDF()) {
			t.Errorf("stored file: %v", err)
		}
		if !strings.Contains(path, "evidence") {
			t.Errorf("evidence path %s: want it under the evidence folder, apart from public media", path)
		}
		if _, _, err := w.svc.EvidenceFile(w.ctx, &account.Principal{Role: account.RoleCommune, Communes: []string{"00008"}}, x.ID, e.ID); !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("officer of another commune opens the file: got %v, want forbidden", err)
		}
		if _, _, err := w.svc.EvidenceFile(w.ctx, &account.Principal{Role: account.RoleCouncil, UserID: 1}, x.ID, e.ID); !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("council member outside any council of the dossier: got %v, want forbidden", err)
		}
		img, err := w.svc.AddEvidence(w.ctx, w.producer, x.ID, evaluation.EvidenceInput{Title: "Ảnh xưởng sấy"}, bytes.NewReader(dossierPNG(t)))
		if err != nil || img.ContentType != "image/png" {
			t.Fatalf("PNG evidence: %+v, %v", img, err)
		}
		if err := w.svc.RemoveEvidence(w.ctx, w.producer, x.ID, img.ID); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.RemoveEvidence(w.ctx, w.producer, x.ID, img.ID); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("remove twice: got %v, want not found", err)
		}
		if n := w.count("SELECT COUNT(*) FROM audit_log WHERE action IN ('dossier.add_evidence', 'dossier.remove_evidence')"); n != 3 {
			t.Errorf("evidence audit rows: %d, want 3", n)
		}
		// Once filed, the evidence is closed.
		if _, err := w.svc.WithdrawDossier(w.ctx, w.producer, x.ID, x.Version); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.AddEvidence(w.ctx, w.producer, x.ID, evaluation.EvidenceInput{}, bytes.NewReader(dossierPDF())); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("evidence for a withdrawn dossier: got %v, want a conflict", err)
		}
		if err := w.svc.RemoveEvidence(w.ctx, w.producer, x.ID, e.ID); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("remove evidence of a withdrawn dossier: got %v, want a conflict", err)
		}
	})
}
