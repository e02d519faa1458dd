package web

import (
	"net/http"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/evaluation"
)

// councilShowPage is a council with what the caller may do on it.
type councilShowPage struct {
	councilFmt
	Council    evaluation.Council
	Me         evaluation.CouncilMember
	CanManage  bool // the office: members, assignments
	Assignable []evaluation.AssignableDossier
	Candidates []evaluation.CouncilCandidate
	Today      evaluation.Date
	// NoteDossier is the dossier whose note form failed, so its errors
	// show under that form only.
	NoteDossier int64
}

// IsChair reports whether the caller chairs the council.
func (d *councilShowPage) IsChair() bool { return d.Me.Role == evaluation.CouncilRoleChair }

// Scores reports whether the caller scores on the council.
func (d *councilShowPage) Scores() bool { return d.Me.Scores() }

// CanNote reports whether the caller writes advisory notes: the advisory
// group, and the office for it.
func (d *councilShowPage) CanNote() bool {
	return !d.Council.Closed() && (d.Me.Role == evaluation.CouncilRoleAdvisor || d.CanManage)
}

// Released reports whether a dossier's result exists (the chair closed).
func (d *councilShowPage) Released(st evaluation.State) bool {
	switch st {
	case evaluation.StateScored, evaluation.StateToMinistry, evaluation.StateCertified, evaluation.StateFailed:
		return true
	}
	return d.Council.Closed()
}

func (s *Server) councilShowData(r *http.Request, p *account.Principal, id int64) (*councilShowPage, error) {
	ctx := r.Context()
	c, err := s.Evaluation.Council(ctx, p, id)
	if err != nil {
		return nil, err
	}
	d := &councilShowPage{councilFmt: councilFmt{langOf(r)}, Council: c, CanManage: p.Province(), Today: s.Evaluation.Today()}
	d.Me, _ = c.Member(p.UserID)
	if d.CanManage && !c.Closed() {
		if d.Assignable, err = s.Evaluation.AssignableDossiers(ctx, p, id); err != nil {
			return nil, err
		}
		if d.Candidates, err = s.Evaluation.CouncilCandidates(ctx, p); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// councilShow shows a council: members, dossiers, each member's progress,
// the advisory group's notes, and the forms of whoever may act.
func (s *Server) councilShow(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, councilRoles...)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.councilShowData(r, p, id)
	if err != nil {
		return err
	}
	return s.page(w, r, "council_show", "council.page_show", d)
}

// councilFormError re-renders the council page with the error of a form
// on it (Invalid or Conflict); other errors go to the error page.
func (s *Server) councilFormError(w http.ResponseWriter, r *http.Request, p *account.Principal, id int64, err error, tweak func(*councilShowPage)) error {
	if c := apperr.CodeOf(err); c != apperr.Invalid && c != apperr.Conflict {
		return err
	}
	d, derr := s.councilShowData(r, p, id)
	if derr != nil {
		return derr
	}
	if tweak != nil {
		tweak(d)
	}
	return s.formError(w, r, "council_show", "council.page_show", d, err)
}

// councilMembers adds a member, changes a member's role or department, or
// (action=remove) takes a member off the council.
func (s *Server) councilMembers(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(apperr.Invalid, err, "err.invalid_input")
	}
	p, err := need(r, account.RoleAdmin, account.RoleOffice)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f := r.PostForm
	var errs apperr.Errs
	var user int64
	if u := formID(&errs, "user_id", f.Get("user_id")); u != nil {
		user = *u
	}
	if err = errs.Err(); err == nil {
		if f.Get("action") == "remove" {
			err = s.Evaluation.RemoveCouncilMember(r.Context(), p, id, user)
		} else {
			err = s.Evaluation.SetCouncilMember(r.Context(), p, id, evaluation.MemberInput{UserID: user, Role: f.Get("role"), Department: f.Get("department")})
		}
	}
	if err != nil {
		return s.councilFormError(w, r, p, id, err, nil)
	}
	return s.redirect(w, r, "/admin/councils/"+itoa64(id)+"#members", "flash.saved")
}

// councilAssign puts accepted dossiers of the round before the council.
func (s *Server) councilAssign(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(apperr.Invalid, err, "err.invalid_input")
	}
	p, err := need(r, account.RoleAdmin, account.RoleOffice)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var errs apperr.Errs
	var ids []int64
	for _, v := range r.PostForm["dossier"] {
		if x := formID(&errs, "dossier", v); x != nil {
			ids = append(ids, *x)
		}
	}
	if err = errs.Err(); err == nil {
		err = s.Evaluation.AssignDossiers(r.Context(), p, id, ids)
	}
	if err != nil {
		return s.councilFormError(w, r, p, id, err, nil)
	}
	return s.redirect(w, r, "/admin/councils/"+itoa64(id)+"#dossiers", "council.flash_assigned")
}

// councilClose is the chair closing scoring: the results are computed and
// the dossiers move on. Refused, with the list, while sheets are missing,
// unless the chair closes anyway for absent members.
func (s *Server) councilClose(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(apperr.Invalid, err, "err.invalid_input")
	}
	p, err := need(r, councilRoles...)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	force := r.PostForm.Get("force") == "1" || r.PostForm.Get("force") == "on"
	if _, err := s.Evaluation.CloseCouncil(r.Context(), p, id, force); err != nil {
		return s.councilFormError(w, r, p, id, err, nil)
	}
	return s.redirect(w, r, "/admin/councils/"+itoa64(id), "council.flash_closed")
}

// councilNote records an advisory-group note on a dossier before a council.
func (s *Server) councilNote(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Wrap(apperr.Invalid, err, "err.invalid_input")
	}
	p, err := need(r, councilRoles...)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f := r.PostForm
	cid, err := s.Evaluation.AddAdvisoryNote(r.Context(), p, id, evaluation.NoteInput{Kind: f.Get("kind"), Body: f.Get("body"), OnDate: f.Get("on_date")})
	if err != nil {
		if cid == 0 {
			return err
		}
		return s.councilFormError(w, r, p, cid, err, func(d *councilShowPage) { d.NoteDossier = id })
	}
	return s.redirect(w, r, "/admin/councils/"+itoa64(cid)+"#d"+itoa64(id), "council.flash_note")
}
