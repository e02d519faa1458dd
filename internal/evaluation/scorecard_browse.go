package evaluation

import (
	"context"
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
)

// SetFilter selects criteria set versions.
type SetFilter struct {
	// Status keeps one status ("" for all).
	Status string
	// SetNo keeps one scorecard (0 for all).
	SetNo int
}

// SetSummary is a version without its tree, with its size and the counts
// of its validation report.
type SetSummary struct {
	CriteriaSet
	Criteria int `json:"criteria"`
	Options  int `json:"options"`
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Infos    int `json:"infos"`
}

// ListSets lists scorecard versions by set number, newest version first.
// Everyone may list the versions in force (they are the law); signed-in
// users also see drafts and retired versions.
func (s *Scorecards) ListSets(ctx context.Context, p *account.Principal, f SetFilter) ([]SetSummary, error) {
	var conds []string
	var args []any
	status := f.Status
	if p == nil {
		status = SetActive
	}
	switch status {
	case "":
	case SetDraft, SetActive, SetRetired:
		conds = append(conds, "status = ?")
		args = append(args, status)
	default:
		return nil, apperr.Fields(apperr.Field("status", "scorecard.err_status"))
	}
	if f.SetNo > 0 {
		conds = append(conds, "set_no = ?")
		args = append(args, f.SetNo)
	}
	sets, err := querySets(ctx, s.db, strings.Join(conds, " AND "), args...)
	if err != nil {
		return nil, err
	}
	if err := loadTrees(ctx, s.db, sets); err != nil {
		return nil, err
	}
	out := make([]SetSummary, len(sets))
	for i := range sets {
		rep := Validate(&sets[i])
		out[i] = SetSummary{CriteriaSet: sets[i], Criteria: sets[i].CriterionCount(), Options: sets[i].OptionCount(),
			Errors: rep.Count(SeverityError), Warnings: rep.Count(SeverityWarning), Infos: rep.Count(SeverityInfo)}
		out[i].Parts = nil
	}
	return out, nil
}

// GetSet returns a version with its whole tree. Drafts and retired
// versions are for signed-in users only; to anyone else they do not exist.
func (s *Scorecards) GetSet(ctx context.Context, p *account.Principal, id int64) (*CriteriaSet, error) {
	set, err := loadSet(ctx, s.db, id)
	if err != nil {
		return nil, err
	}
	if !canSee(p, set.Status) {
		return nil, apperr.New(apperr.NotFound, "scorecard.err_not_found")
	}
	return set, nil
}

// ActiveSet returns the version in force of scorecard setNo (of the most
// recent decision that has one).
func (s *Scorecards) ActiveSet(ctx context.Context, p *account.Principal, setNo int) (*CriteriaSet, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, "SELECT id FROM criteria_sets WHERE set_no = ? AND status = 'active' ORDER BY created_at DESC, id DESC LIMIT 1", setNo).Scan(&id)
	if err != nil {
		return nil, dbNotFound(err)
	}
	return s.GetSet(ctx, p, id)
}

// ActiveIDs maps each scorecard number to its version in force, for
// linking the product classification to its scorecards.
func (s *Scorecards) ActiveIDs(ctx context.Context) (map[int]int64, error) {
	sets, err := querySets(ctx, s.db, "status = 'active'")
	if err != nil {
		return nil, err
	}
	out := map[int]int64{}
	for _, x := range sets {
		if _, ok := out[x.SetNo]; !ok {
			out[x.SetNo] = x.ID
		}
	}
	return out, nil
}

// ValidationReport validates a stored version.
func (s *Scorecards) ValidationReport(ctx context.Context, p *account.Principal, id int64) (Report, error) {
	set, err := s.GetSet(ctx, p, id)
	if err != nil {
		return Report{}, err
	}
	return Validate(set), nil
}

// Correction is one change the programme office made to a version.
type Correction struct {
	ID       int64  `json:"id"`
	SetID    int64  `json:"set_id"`
	Target   string `json:"target"`
	TargetID int64  `json:"target_id"`
	// Place is where the change was made: "7#3" (criterion 7, option 3),
	// "1.2" (criterion), "§9" (section) or "" (the set).
	Place         string    `json:"place"`
	Field         string    `json:"field"`
	OldValue      string    `json:"old_value"`
	NewValue      string    `json:"new_value"`
	Reason        string    `json:"reason"`
	CreatedBy     int64     `json:"created_by,omitempty"`
	CreatedByName string    `json:"created_by_name"`
	CreatedAt     time.Time `json:"created_at"`
}

// Corrections lists the corrections made to a version and to the versions
// it was copied from, newest first, so that a corrected version shows its
// whole history. Signed-in users only.
func (s *Scorecards) Corrections(ctx context.Context, p *account.Principal, setID int64) ([]Correction, error) {
	if p == nil {
		return nil, apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	ids := []any{}
	seen := map[int64]bool{}
	for id := setID; id != 0 && !seen[id] && len(ids) < 100; {
		seen[id] = true
		ids = append(ids, id)
		var based int64
		if err := s.db.QueryRowContext(ctx, "SELECT COALESCE(based_on, 0) FROM criteria_sets WHERE id = ?", id).Scan(&based); err != nil {
			return nil, dbNotFound(err)
		}
		id = based
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, set_id, target, target_id, place, field, old_value, new_value, reason,
		COALESCE(created_by, 0), created_by_name, created_at FROM criteria_corrections WHERE set_id IN (`+placeholders(len(ids))+`)
		ORDER BY id DESC`, ids...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Correction
	for rows.Next() {
		var c Correction
		if err := rows.Scan(&c.ID, &c.SetID, &c.Target, &c.TargetID, &c.Place, &c.Field, &c.OldValue, &c.NewValue, &c.Reason,
			&c.CreatedBy, &c.CreatedByName, &c.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}
