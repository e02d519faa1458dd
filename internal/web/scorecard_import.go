package web

import (
	"errors"
	"net/http"

	"ocop/internal/apperr"
	"ocop/internal/evaluation"
)

type scorecardImportPage struct {
	Columns  []string
	Optional []string
	MaxMB    int64
}

func (s *Server) newScorecardImportPage() scorecardImportPage {
	return scorecardImportPage{Columns: evaluation.Columns(), Optional: evaluation.OptionalColumns(),
		MaxMB: min(int64(evaluation.MaxImportBytes), s.MaxUpload) >> 20}
}

// scorecardImportShow shows the upload form with the documented format.
func (s *Server) scorecardImportShow(w http.ResponseWriter, r *http.Request) error {
	if _, err := need(r, officeOnly...); err != nil {
		return err
	}
	return s.page(w, r, "scorecard_import", "scorecard.page_import", s.newScorecardImportPage())
}

// scorecardImportRow is a row error in the reader's language.
type scorecardImportRow struct {
	Row     int
	Column  string
	Message string
}

// scorecardImportSet is one scorecard of the file with its report.
type scorecardImportSet struct {
	evaluation.ImportedSet
	Issues []scorecardIssue
}

type scorecardImportResultPage struct {
	Result evaluation.ImportResult
	Sets   []scorecardImportSet
	Errors []scorecardImportRow
}

// scorecardImportSubmit checks (dry run) or imports an uploaded file as new
// draft versions and shows what it found: each scorecard with its report,
// and every refused row with its number. With any error nothing is stored.
func (s *Server) scorecardImportSubmit(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, officeOnly...)
	if err != nil {
		return err
	}
	data := s.newScorecardImportPage()
	if r.MultipartForm == nil {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return err
			}
			return s.formError(w, r, "scorecard_import", "scorecard.page_import", data, apperr.Fields(apperr.Field("file", "scorecard.err_no_file")))
		}
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		return s.formError(w, r, "scorecard_import", "scorecard.page_import", data, apperr.Fields(apperr.Field("file", "scorecard.err_no_file")))
	}
	defer file.Close()
	res, err := s.scorecards().ImportSets(r.Context(), p, file, evaluation.ImportOptions{DryRun: r.FormValue("dry_run") != "", Label: r.FormValue("label")})
	if err != nil {
		return s.formError(w, r, "scorecard_import", "scorecard.page_import", data, err)
	}
	lang := langOf(r)
	d := scorecardImportResultPage{Result: res}
	for _, x := range res.Sets {
		v := scorecardImportSet{ImportedSet: x}
		for _, i := range x.Report.Issues {
			v.Issues = append(v.Issues, scorecardIssue{Issue: i, Place: s.issuePlace(lang, i), Message: s.Catalog.T(lang, i.Key(), i.Args...)})
		}
		d.Sets = append(d.Sets, v)
	}
	for _, e := range res.Errors {
		msg := ""
		if e.Issue != nil {
			msg = s.Catalog.T(lang, e.Key, append(e.Args, s.Catalog.T(lang, e.Issue.Key(), e.Issue.Args...))...)
		} else {
			msg = s.Catalog.T(lang, e.Key, e.Args...)
		}
		d.Errors = append(d.Errors, scorecardImportRow{Row: e.Row, Column: e.Column, Message: msg})
	}
	status := http.StatusOK
	if len(res.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	v := s.newView(r, "scorecard.page_import_result", d)
	return s.render(w, status, "scorecard_import_result", v)
}
