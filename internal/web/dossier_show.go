package web

import (
	"net/http"
	"strconv"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/evaluation"
)

// civil formats the civil dates of the evaluation pages; page data embeds
// it so that templates write {{$.Data.Day .FiledOn}}.
type civil struct{}

// Day formats a date as dd/mm/yyyy, and "" for no date.
func (civil) Day(d evaluation.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format("02/01/2006")
}

// ISO formats a date for a date input (yyyy-mm-dd).
func (civil) ISO(d evaluation.Date) string { return d.String() }

// dossierRoles may open dossiers in the back office (each within their
// scope, which the service checks).
var dossierRoles = []account.Role{account.RoleAdmin, account.RoleOffice, account.RoleCommune, account.RoleCouncil, account.RoleProducer}

// dossierShowPage is everything the dossier page shows.
type dossierShowPage struct {
	civil
	D         evaluation.Dossier
	Placement evaluation.Placement
	Events    []evaluation.Event
	Sheet     *evaluation.SelfSheet
	Evidence  []evaluation.Evidence
	Actions   []evaluation.Action
	CanEdit   bool
	CanReport bool
	// Missing lists what the dossier lacks to be filed, in the user's
	// language (while it can still be edited, and after a refused submit).
	Missing []string
	Today   evaluation.Date
	// Due is the deadline of the current step; Overdue when it passed;
	// WorkingDaysLeft until it (Điều 7.2 counts working days).
	Due             evaluation.Date
	Overdue         bool
	DaysLeft        int
	OverdueDays     int
	WorkingDaysLeft int
	// ReturnDue is the default deadline of the return form.
	ReturnDue evaluation.Date
	// Samples is the number of samples the proposal needs.
	Samples     int
	Rounds      []evaluation.RoundRecord
	AssignRound bool
	MaxUploadMB int64
	Criteria    []criterionChoice
}

// criterionChoice is an entry of the evidence form's criterion list.
type criterionChoice struct {
	ID    int64
	No    string
	Title string
}

// Has reports whether the user may take the action now.
func (d *dossierShowPage) Has(action string) bool {
	for _, a := range d.Actions {
		if string(a) == action {
			return true
		}
	}
	return false
}

// dossierShowData gathers the dossier page.
func (s *Server) dossierShowData(r *http.Request, p *account.Principal, id int64) (*dossierShowPage, error) {
	ctx := r.Context()
	ev := s.Evaluation
	d, err := ev.Dossier(ctx, p, id)
	if err != nil {
		return nil, err
	}
	pg := &dossierShowPage{D: d, Today: ev.Today(), CanEdit: evaluation.CanEdit(p, &d), CanReport: evaluation.CanReport(p, &d),
		Actions: evaluation.AllowedActions(p, &d), MaxUploadMB: ev.MaxUpload() >> 20, Samples: evaluation.RequiredSamples(d.CategoryCode)}
	if pg.Placement, err = ev.Placement(ctx, &d); err != nil {
		return nil, err
	}
	if pg.Events, err = ev.Events(ctx, p, id); err != nil {
		return nil, err
	}
	if pg.Sheet, err = ev.SelfAssessment(ctx, p, id); err != nil {
		return nil, err
	}
	if pg.Evidence, err = ev.ListEvidence(ctx, p, id); err != nil {
		return nil, err
	}
	pg.Sheet.Set.Each(func(_ *evaluation.Part, _ *evaluation.Section, c *evaluation.Criterion) {
		pg.Criteria = append(pg.Criteria, criterionChoice{c.ID, c.No, c.Title})
	})
	if pg.CanEdit {
		ms, err := ev.MissingParts(ctx, p, id)
		if err != nil {
			return nil, err
		}
		lang := langOf(r)
		for _, m := range ms {
			pg.Missing = append(pg.Missing, s.Catalog.T(lang, m.Key, m.Args...))
		}
	}
	if due := d.Due(); !due.IsZero() {
		pg.Due, pg.Overdue = due, d.OverdueOn(pg.Today)
		pg.DaysLeft = due.Sub(pg.Today)
		pg.OverdueDays = -pg.DaysLeft
		pg.WorkingDaysLeft = ev.WorkingDaysLeft(due)
	}
	pg.ReturnDue = pg.Today.AddDays(evaluation.ReturnDays)
	if p.Province() && (d.State == evaluation.StateProposed || d.State == evaluation.StateAccepted) {
		rounds, err := ev.ListRounds(ctx, p, 0)
		if err != nil {
			return nil, err
		}
		for _, x := range rounds {
			if x.Status == evaluation.RoundOpen && x.Level == evaluation.LevelProvince {
				pg.Rounds = append(pg.Rounds, x)
			}
		}
		pg.AssignRound = true
	}
	return pg, nil
}

// dossierShow shows a dossier: summary, deadlines, round, forms, the
// self-assessment, evidence, timeline, and the actions the user may take
// now.
func (s *Server) dossierShow(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, dossierRoles...)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.dossierShowData(r, p, id)
	if err != nil {
		return err
	}
	return s.page(w, r, "dossier_show", "dossier.page_show", d)
}

// dossierFail answers a refused action on the dossier page: an invalid
// input or a conflict re-renders the page with the message, the field
// errors and, for a refused submission, the list of what is missing;
// anything else (forbidden, not found) goes to the error page.
func (s *Server) dossierFail(w http.ResponseWriter, r *http.Request, p *account.Principal, id int64, err error) error {
	e := apperr.As(err)
	if e == nil || (e.Code != apperr.Invalid && e.Code != apperr.Conflict) {
		return err
	}
	d, derr := s.dossierShowData(r, p, id)
	if derr != nil {
		return derr
	}
	v := s.newView(r, "dossier.page_show", d)
	v.Form = r.PostForm
	v.Errors = map[string]string{}
	var missing []string
	for _, f := range e.Fields {
		msg := s.Catalog.T(v.Lang, f.Key, f.Args...)
		if f.Field == "missing" {
			missing = append(missing, msg)
			continue
		}
		if _, dup := v.Errors[f.Field]; !dup {
			v.Errors[f.Field] = msg
		}
	}
	if missing != nil {
		d.Missing = missing
	}
	v.Error = s.Catalog.T(v.Lang, e.Key, e.Args...)
	if e.Key == "err.invalid_input" && len(e.Fields) == 1 {
		v.Error = s.Catalog.T(v.Lang, e.Fields[0].Key, e.Fields[0].Args...)
	}
	return s.render(w, statusOf(e), "dossier_show", v)
}

// formVersion reads the version a form was rendered with. A form without
// it is refused as stale: every change of a dossier names the version it
// was made on, so two people working at once are told, not overwritten.
func formVersion(r *http.Request) int {
	n, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil || n < 1 {
		return -1
	}
	return n
}
