package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"ocop/internal/evaluation"
	"ocop/internal/registry"
)

// scorecardIssue is a validation issue in the reader's language.
type scorecardIssue struct {
	evaluation.Issue
	Place   string
	Message string
	// Anchor links to the criterion or section on the page.
	Anchor string
	// Suggest is the evident correction, when there is one (an empty
	// points cell is 0; an unreadable maximum is the highest option).
	Suggest string
}

// scorecardCorrection is a recorded correction in the reader's language.
type scorecardCorrection struct {
	evaluation.Correction
	PlaceLabel string
}

// scorecardTarget is one choice of the general correction form.
type scorecardTarget struct {
	Value, Label string
}

type scorecardShowPage struct {
	Set         *evaluation.CriteriaSet
	Path        []registry.Category
	Issues      []scorecardIssue
	Errors      int
	Warnings    int
	Infos       int
	CanManage   bool
	CanCorrect  bool
	CanActivate bool
	Corrections []scorecardCorrection
	Targets     []scorecardTarget
	Fields      []string
}

// scorecardPage builds the page of one version: the scorecard as printed,
// its validation report, the correction forms and the corrections made.
func (s *Server) scorecardPage(r *http.Request, id int64) (scorecardShowPage, error) {
	p, err := need(r)
	if err != nil {
		return scorecardShowPage{}, err
	}
	svc := s.scorecards()
	set, err := svc.GetSet(r.Context(), p, id)
	if err != nil {
		return scorecardShowPage{}, err
	}
	lang := langOf(r)
	rep := evaluation.Validate(set)
	d := scorecardShowPage{
		Set: set, Path: s.Registry.Categories().Path(set.CategoryCode),
		Errors: rep.Count(evaluation.SeverityError), Warnings: rep.Count(evaluation.SeverityWarning), Infos: rep.Count(evaluation.SeverityInfo),
		CanManage: evaluation.CanManage(p),
		Fields:    []string{"points", "text", "star", "max", "notes", "title", "rejection", "star_footnote"},
	}
	d.CanCorrect = d.CanManage && set.Status != evaluation.SetRetired
	d.CanActivate = d.CanManage && set.Status != evaluation.SetActive && rep.OK()
	for _, i := range rep.Issues {
		v := scorecardIssue{Issue: i, Place: s.issuePlace(lang, i), Message: s.Catalog.T(lang, i.Key(), i.Args...)}
		switch {
		case i.Criterion != "":
			v.Anchor = "c-" + i.Criterion
		case i.Section > 0:
			v.Anchor = "s-" + strconv.Itoa(i.Section)
		case i.Part != "":
			v.Anchor = "p-" + i.Part
		}
		switch i.Code {
		case evaluation.IssuePointsEmpty:
			v.Suggest = "0"
		case evaluation.IssueMaxUnreadable:
			v.Suggest = fmt.Sprint(i.Args[1])
		}
		d.Issues = append(d.Issues, v)
	}
	hist, err := svc.Corrections(r.Context(), p, id)
	if err != nil {
		return scorecardShowPage{}, err
	}
	for _, c := range hist {
		d.Corrections = append(d.Corrections, scorecardCorrection{Correction: c, PlaceLabel: s.placeLabel(lang, c.Place)})
	}
	if d.CanCorrect {
		d.Targets = s.correctionTargets(lang, set)
	}
	return d, nil
}

// issuePlace names where an issue is, in the reader's language.
func (s *Server) issuePlace(lang string, i evaluation.Issue) string {
	switch {
	case i.Option > 0:
		return s.Catalog.T(lang, "scorecard.place_option", i.Criterion, i.Option)
	case i.Criterion != "":
		return s.Catalog.T(lang, "scorecard.place_criterion", i.Criterion)
	case i.Section > 0:
		return s.Catalog.T(lang, "scorecard.place_section", i.Section)
	case i.Part != "":
		return s.Catalog.T(lang, "scorecard.place_part", i.Part)
	}
	return s.Catalog.T(lang, "scorecard.place_set")
}

// placeLabel reads a correction's place ("7#3", "1.2", "§9" or "").
func (s *Server) placeLabel(lang, place string) string {
	switch {
	case place == "":
		return s.Catalog.T(lang, "scorecard.place_set")
	case strings.HasPrefix(place, "§"):
		return s.Catalog.T(lang, "scorecard.place_section", strings.TrimPrefix(place, "§"))
	}
	if c, o, ok := strings.Cut(place, "#"); ok {
		return s.Catalog.T(lang, "scorecard.place_option", c, o)
	}
	return s.Catalog.T(lang, "scorecard.place_criterion", place)
}

func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// correctionTargets lists everything of a version that can be corrected.
func (s *Server) correctionTargets(lang string, set *evaluation.CriteriaSet) []scorecardTarget {
	out := []scorecardTarget{{Value: "set:" + itoa64(set.ID), Label: s.Catalog.T(lang, "scorecard.place_set")}}
	for _, p := range set.Parts {
		for _, sec := range p.Sections {
			out = append(out, scorecardTarget{Value: "section:" + itoa64(sec.ID),
				Label: s.Catalog.T(lang, "scorecard.place_section", sec.No) + " · " + shorten(sec.Title, 50)})
			for _, c := range sec.Criteria {
				out = append(out, scorecardTarget{Value: "criterion:" + itoa64(c.ID),
					Label: "– " + s.Catalog.T(lang, "scorecard.place_criterion", c.No) + " · " + shorten(c.Title, 50)})
				for _, o := range c.Options {
					out = append(out, scorecardTarget{Value: "option:" + itoa64(o.ID),
						Label: "–– " + s.Catalog.T(lang, "scorecard.place_option", c.No, o.Position) + " · " + shorten(o.Text, 40) + " (" + o.Points.Text + ")"})
				}
			}
		}
	}
	return out
}

// scorecardShow shows one version like the printed scorecard, with its
// validation report at the top.
func (s *Server) scorecardShow(w http.ResponseWriter, r *http.Request) error {
	if _, err := need(r); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.scorecardPage(r, id)
	if err != nil {
		return err
	}
	return s.page(w, r, "scorecard_show", "scorecard.page_show", d)
}

// scorecardExport downloads a version in the import format.
func (s *Server) scorecardExport(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var b bytes.Buffer
	set, err := s.scorecards().ExportCSV(r.Context(), p, id, &b)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("bo-tieu-chi-%02d-phien-ban-%d.csv", set.SetNo, set.Version)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err = b.WriteTo(w)
	return err
}
