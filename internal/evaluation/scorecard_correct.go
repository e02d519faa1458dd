package evaluation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/textfold"
)

// CorrectionInput is a correction the programme office asks for.
type CorrectionInput struct {
	// Target is TargetSet, TargetSection, TargetCriterion or TargetOption;
	// TargetID the ID of that section, criterion or option in the version
	// being corrected (ignored for TargetSet).
	Target   string
	TargetID int64
	// Field is what changes: for an option "points", "text" or "star"; for
	// a criterion "max", "notes" or "title"; for a section "max" or
	// "title"; for the set "rejection" or "star_footnote".
	Field string
	Value string
	// Reason says why, e.g. "Bản chính thức in 3 điểm".
	Reason string
	// Expect, when not nil, is the value the user saw: if it changed in the
	// meantime the correction is refused (optimistic locking).
	Expect *string
}

// Fields that may be corrected, by target.
func correctable(target, field string) bool {
	switch target {
	case TargetSet:
		return field == "rejection" || field == "star_footnote"
	case TargetSection:
		return field == "max" || field == "title"
	case TargetCriterion:
		return field == "max" || field == "notes" || field == "title"
	case TargetOption:
		return field == "points" || field == "text" || field == "star"
	}
	return false
}

// Length limits of corrected text, in characters.
const (
	maxTitleLen  = 2000
	maxNotesLen  = 4000
	maxReasonLen = 1000
)

// checkCorrection normalises and checks the input.
func checkCorrection(in *CorrectionInput) error {
	var errs apperr.Errs
	in.Value, in.Reason = textfold.NFC(in.Value), textfold.NFC(in.Reason)
	if !correctable(in.Target, in.Field) {
		errs.Add("field", "scorecard.err_field")
	} else {
		switch in.Field {
		case "points", "max":
			n, err := strconv.Atoi(in.Value)
			if err != nil || n < 0 || n > 100 {
				errs.Add("value", "scorecard.err_points_value")
			} else {
				in.Value = strconv.Itoa(n)
			}
		case "star":
			if in.Value == "0" {
				in.Value = ""
			}
			if _, ok := parseStar(in.Value); !ok || len(in.Value) > 1 {
				errs.Add("value", "scorecard.err_star_value")
			}
		case "star_footnote":
			if in.Value != "0" && in.Value != "1" {
				errs.Add("value", "scorecard.err_footnote_value")
			}
		case "title", "text":
			if in.Value == "" {
				errs.Add("value", "err.required")
			} else if utf8.RuneCountInString(in.Value) > maxTitleLen {
				errs.Add("value", "err.too_long", maxTitleLen)
			}
		case "notes", "rejection":
			if utf8.RuneCountInString(in.Value) > maxNotesLen {
				errs.Add("value", "err.too_long", maxNotesLen)
			}
		}
	}
	if in.Reason == "" {
		errs.Add("reason", "err.required")
	} else if utf8.RuneCountInString(in.Reason) > maxReasonLen {
		errs.Add("reason", "err.too_long", maxReasonLen)
	}
	return errs.Err()
}

// CorrectOption corrects an answer option's points, text or star mark.
func (s *Scorecards) CorrectOption(ctx context.Context, p *account.Principal, setID, optionID int64, field, value, reason string) (*CriteriaSet, error) {
	return s.Correct(ctx, p, setID, CorrectionInput{Target: TargetOption, TargetID: optionID, Field: field, Value: value, Reason: reason})
}

// CorrectCriterionMax corrects a criterion's printed maximum (for a
// criterion that is its own section, the section's maximum too: they are
// one printed cell).
func (s *Scorecards) CorrectCriterionMax(ctx context.Context, p *account.Principal, setID, criterionID int64, max int, reason string) (*CriteriaSet, error) {
	return s.Correct(ctx, p, setID, CorrectionInput{Target: TargetCriterion, TargetID: criterionID, Field: "max", Value: strconv.Itoa(max), Reason: reason})
}

// Correct changes one field of a version, records the correction with its
// reason and writes an audit row, in one transaction, and returns the
// version that holds the change:
//   - a draft is corrected in place;
//   - a version in force that was never used for scoring is corrected in
//     place, and the correction is refused if it would make the version
//     invalid;
//   - a version in force that was used for scoring is never edited: the
//     change goes to a new draft copy (or to the open draft already copied
//     from it), which the office puts in force with Activate;
//   - a retired version is never changed.
func (s *Scorecards) Correct(ctx context.Context, p *account.Principal, setID int64, in CorrectionInput) (*CriteriaSet, error) {
	if err := needManage(p); err != nil {
		return nil, err
	}
	if err := checkCorrection(&in); err != nil {
		return nil, err
	}
	var out *CriteriaSet
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		// Take the version's row lock first so that corrections of one
		// version queue up instead of overwriting each other.
		if res, err := tx.ExecContext(ctx, "UPDATE criteria_sets SET notes = notes WHERE id = ?", setID); err != nil {
			return err
		} else if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "scorecard.err_not_found")
		}
		orig, err := loadSet(ctx, tx, setID)
		if err != nil {
			return err
		}
		if orig.Status == SetRetired {
			return apperr.New(apperr.Conflict, "scorecard.err_retired")
		}
		key, ok := locate(orig, in.Target, in.TargetID)
		if !ok {
			return apperr.Fields(apperr.Field("target", "scorecard.err_target"))
		}
		set := orig
		if orig.Status == SetActive {
			used, err := s.inUse(ctx, tx, orig.ID)
			if err != nil {
				return err
			}
			if used {
				if set, err = s.draftFor(ctx, tx, p, orig); err != nil {
					return err
				}
			}
		}
		ch, err := applyChange(set, in, key)
		if err != nil {
			return err
		}
		if set.Status == SetActive {
			if rep := Validate(set); !rep.OK() {
				return apperr.New(apperr.Invalid, "scorecard.err_breaks_active", rep.Count(SeverityError))
			}
		}
		for _, w := range ch.writes {
			if _, err := tx.ExecContext(ctx, "UPDATE "+w.table+" SET "+w.set+" WHERE id = ?", append(w.args, w.id)...); err != nil {
				return err
			}
		}
		if set.Source == SourceEmbedded || set.Source == SourceImported {
			set.Source = SourceCorrected
		}
		set.ContentHash = contentHash(set)
		if _, err := tx.ExecContext(ctx, "UPDATE criteria_sets SET source = ?, content_hash = ? WHERE id = ?", set.Source, set.ContentHash, set.ID); err != nil {
			return err
		}
		now := db.Now()
		cid, err := db.Insert(ctx, tx, `INSERT INTO criteria_corrections (set_id, target, target_id, place, field, old_value, new_value, reason,
			created_by, created_by_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			set.ID, in.Target, ch.targetID, key.place(), in.Field, ch.old, in.Value, in.Reason, nullID(p.UserID), p.Username, now)
		if err != nil {
			return err
		}
		before := map[string]any{"place": key.place(), "field": in.Field, "value": ch.old}
		after := map[string]any{"place": key.place(), "field": in.Field, "value": in.Value, "reason": in.Reason, "correction": cid}
		if set.ID != orig.ID {
			after["copied_from"] = orig.ID
		}
		if err := account.Audit(ctx, tx, p, "scorecard.correct", "criteria_set", set.ID, "", before, after); err != nil {
			return err
		}
		out = set
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// placeKey finds the same place in two versions of a scorecard.
type placeKey struct {
	target    string
	section   int
	criterion string
	option    int
}

func (k placeKey) place() string {
	switch k.target {
	case TargetOption:
		return k.criterion + "#" + strconv.Itoa(k.option)
	case TargetCriterion:
		return k.criterion
	case TargetSection:
		return "§" + strconv.Itoa(k.section)
	}
	return ""
}

// locate returns the place of an entity of set.
func locate(set *CriteriaSet, target string, id int64) (placeKey, bool) {
	if target == TargetSet {
		return placeKey{target: TargetSet}, true
	}
	var key placeKey
	found := false
	set.Each(func(_ *Part, sec *Section, c *Criterion) {
		switch {
		case found:
		case target == TargetSection && sec.ID == id:
			key, found = placeKey{target: target, section: sec.No}, true
		case target == TargetCriterion && c.ID == id:
			key, found = placeKey{target: target, criterion: c.No}, true
		case target == TargetOption:
			for _, o := range c.Options {
				if o.ID == id {
					key, found = placeKey{target: target, criterion: c.No, option: o.Position}, true
				}
			}
		}
	})
	return key, found
}

// rowWrite is one UPDATE of a correction.
type rowWrite struct {
	table, set string
	args       []any
	id         int64
}

type change struct {
	targetID int64
	old      string
	writes   []rowWrite
}

// applyChange makes the correction in the tree and returns the rows to
// update.
func applyChange(set *CriteriaSet, in CorrectionInput, key placeKey) (change, error) {
	var ch change
	stale := func(old string) error {
		if in.Expect != nil && *in.Expect != old {
			return apperr.New(apperr.Conflict, "scorecard.err_stale", old)
		}
		if old == in.Value {
			return apperr.Fields(apperr.Field("value", "scorecard.err_unchanged"))
		}
		return nil
	}
	switch key.target {
	case TargetSet:
		ch.targetID = set.ID
		switch in.Field {
		case "rejection":
			ch.old = set.Rejection
			set.Rejection = in.Value
			ch.writes = append(ch.writes, rowWrite{"criteria_sets", "rejection = ?", []any{in.Value}, set.ID})
		case "star_footnote":
			ch.old = boolDigit(set.StarFootnote)
			set.StarFootnote = in.Value == "1"
			ch.writes = append(ch.writes, rowWrite{"criteria_sets", "star_footnote = ?", []any{set.StarFootnote}, set.ID})
		}
		return ch, stale(ch.old)
	case TargetSection:
		sec, ok := set.Section(key.section)
		if !ok {
			return ch, apperr.Fields(apperr.Field("target", "scorecard.err_target"))
		}
		ch.targetID = sec.ID
		switch in.Field {
		case "title":
			ch.old = sec.Title
			sec.Title = in.Value
			ch.writes = append(ch.writes, rowWrite{"criteria_sections", "title = ?", []any{in.Value}, sec.ID})
		case "max":
			ch.old = sec.Max.Text
			ch.writes = setSectionMax(sec, ParsePrinted(in.Value))
		}
		return ch, stale(ch.old)
	}
	c, sec, ok := set.Criterion(key.criterion)
	if !ok {
		return ch, apperr.Fields(apperr.Field("target", "scorecard.err_target"))
	}
	if key.target == TargetCriterion {
		ch.targetID = c.ID
		switch in.Field {
		case "title":
			ch.old = c.Title
			c.Title = in.Value
			ch.writes = append(ch.writes, rowWrite{"criteria", "title = ?", []any{in.Value}, c.ID})
		case "notes":
			ch.old = c.Notes
			c.Notes = in.Value
			c.Gate = gateOf(c)
			ch.writes = append(ch.writes, rowWrite{"criteria", "notes = ?, gate = ?", []any{c.Notes, c.Gate}, c.ID})
		case "max":
			ch.old = c.Max.Text
			if c.SectionLevel(sec) {
				ch.writes = setSectionMax(sec, ParsePrinted(in.Value))
			} else {
				c.Max = ParsePrinted(in.Value)
				ch.writes = append(ch.writes, rowWrite{"criteria", "max_printed = ?, max_points = ?", []any{c.Max.Text, printedValue(c.Max)}, c.ID})
			}
		}
		return ch, stale(ch.old)
	}
	o, ok := c.Option(key.option)
	if !ok {
		return ch, apperr.Fields(apperr.Field("target", "scorecard.err_target"))
	}
	ch.targetID = o.ID
	switch in.Field {
	case "points":
		ch.old = o.Points.Text
		o.Points = ParsePrinted(in.Value)
		ch.writes = append(ch.writes, rowWrite{"criteria_options", "points = ?", []any{printedValue(o.Points)}, o.ID})
	case "text":
		ch.old = o.Text
		o.Text = in.Value
		ch.writes = append(ch.writes, rowWrite{"criteria_options", "text = ?", []any{o.Text}, o.ID})
		if g := gateOf(c); g != c.Gate {
			c.Gate = g
			ch.writes = append(ch.writes, rowWrite{"criteria", "gate = ?", []any{g}, c.ID})
		}
	case "star":
		ch.old = ""
		if o.Star > 0 {
			ch.old = strconv.Itoa(o.Star)
		}
		o.Star, _ = parseStar(in.Value)
		ch.writes = append(ch.writes, rowWrite{"criteria_options", "star = ?", []any{o.Star}, o.ID})
	}
	return ch, stale(ch.old)
}

// setSectionMax changes a section's printed maximum and, when the section
// is its own criterion, that criterion's: one printed cell.
func setSectionMax(sec *Section, m Printed) []rowWrite {
	sec.Max = m
	w := []rowWrite{{"criteria_sections", "max_printed = ?, max_points = ?", []any{m.Text, printedValue(m)}, sec.ID}}
	for i := range sec.Criteria {
		if c := &sec.Criteria[i]; c.SectionLevel(sec) {
			c.Max = m
			w = append(w, rowWrite{"criteria", "max_printed = ?, max_points = ?", []any{m.Text, printedValue(m)}, c.ID})
		}
	}
	return w
}

func boolDigit(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// draftFor returns the open draft copied from a version in use, or copies
// the version into a new draft.
func (s *Scorecards) draftFor(ctx context.Context, tx *db.Tx, p *account.Principal, orig *CriteriaSet) (*CriteriaSet, error) {
	var id int64
	err := tx.QueryRowContext(ctx, "SELECT id FROM criteria_sets WHERE based_on = ? AND status = 'draft' ORDER BY version DESC LIMIT 1", orig.ID).Scan(&id)
	switch {
	case err == nil:
		return loadSet(ctx, tx, id)
	case !errors.Is(err, sql.ErrNoRows):
		return nil, err
	}
	cp, err := loadSet(ctx, tx, orig.ID)
	if err != nil {
		return nil, err
	}
	if cp.Version, err = nextVersion(ctx, tx, orig.Decision, orig.SetNo); err != nil {
		return nil, err
	}
	clearIDs(cp)
	cp.Status, cp.Source, cp.BasedOn = SetDraft, SourceCorrected, orig.ID
	cp.Label = fmt.Sprintf("Bản sửa của phiên bản %d", orig.Version)
	cp.CreatedAt, cp.CreatedBy, cp.CreatedByName = db.Now(), p.UserID, p.Username
	cp.ActivatedAt, cp.ActivatedBy = nil, 0
	if err := insertSet(ctx, tx, cp); err != nil {
		return nil, err
	}
	if err := account.Audit(ctx, tx, p, "scorecard.version", "criteria_set", cp.ID, "", nil,
		map[string]any{"set_no": cp.SetNo, "version": cp.Version, "copied_from": orig.ID}); err != nil {
		return nil, err
	}
	return cp, nil
}

func clearIDs(s *CriteriaSet) {
	s.ID = 0
	for i := range s.Parts {
		s.Parts[i].ID = 0
		for j := range s.Parts[i].Sections {
			sec := &s.Parts[i].Sections[j]
			sec.ID = 0
			for k := range sec.Criteria {
				sec.Criteria[k].ID = 0
				for l := range sec.Criteria[k].Options {
					sec.Criteria[k].Options[l].ID = 0
				}
			}
		}
	}
}

// Activate puts a version in force (the office publishes it): the version
// must validate (parts adding up to 40/25/35, no option above its maximum);
// the version in force until then is retired, never deleted. A retired
// version may be put back in force the same way.
func (s *Scorecards) Activate(ctx context.Context, p *account.Principal, id int64) (*CriteriaSet, error) {
	if err := needManage(p); err != nil {
		return nil, err
	}
	var out *CriteriaSet
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if res, err := tx.ExecContext(ctx, "UPDATE criteria_sets SET notes = notes WHERE id = ?", id); err != nil {
			return err
		} else if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "scorecard.err_not_found")
		}
		set, err := loadSet(ctx, tx, id)
		if err != nil {
			return err
		}
		if set.Status == SetActive {
			return apperr.New(apperr.Conflict, "scorecard.err_already_active")
		}
		if rep := Validate(set); !rep.OK() {
			return apperr.New(apperr.Invalid, "scorecard.err_activate_invalid", rep.Count(SeverityError))
		}
		prev, err := querySets(ctx, tx, "decision = ? AND set_no = ? AND status = 'active'", set.Decision, set.SetNo)
		if err != nil {
			return err
		}
		before := map[string]any{"status": set.Status}
		for _, x := range prev {
			if _, err := tx.ExecContext(ctx, "UPDATE criteria_sets SET status = 'retired' WHERE id = ?", x.ID); err != nil {
				return err
			}
			before["retired"] = x.ID
		}
		now := db.Now()
		if _, err := tx.ExecContext(ctx, "UPDATE criteria_sets SET status = 'active', activated_at = ?, activated_by = ? WHERE id = ?",
			now, nullID(p.UserID), id); err != nil {
			return err
		}
		set.Status, set.ActivatedAt, set.ActivatedBy = SetActive, &now, p.UserID
		out = set
		return account.Audit(ctx, tx, p, "scorecard.activate", "criteria_set", id, "", before,
			map[string]any{"status": SetActive, "set_no": set.SetNo, "version": set.Version})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// dbNotFound maps a missing row to the scorecard's not-found error.
func dbNotFound(err error) error { return db.Scan(err, "scorecard.err_not_found") }
