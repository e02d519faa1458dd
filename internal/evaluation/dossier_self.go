package evaluation

import (
	"context"
	"strconv"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
)

// SelfAnswer is the producer's answer to one criterion of the scorecard
// (Mẫu 02 part III): the chosen option, with a note describing the proof.
// For a criterion printed without options (Criterion.YesNo), OptionID is
// its one option and NotMet says the requirement is not met (0 points).
type SelfAnswer struct {
	CriterionID int64  `json:"criterion_id"`
	OptionID    int64  `json:"option_id"`
	NotMet      bool   `json:"not_met,omitempty"`
	Note        string `json:"note,omitempty"`
}

// SelfSheet is the self-assessment of a dossier laid out as its scorecard:
// every part, section and criterion with its options, the chosen one, the
// running part totals and the evidence attached to each criterion.
type SelfSheet struct {
	Set      *CriteriaSet
	Parts    []SelfPart
	Total    int
	Scored   int
	Criteria int
	// Unscored lists the numbers of the criteria not yet assessed.
	Unscored []string
	// General is the evidence attached to the dossier as a whole.
	General []Evidence
}

// SelfPart is Part A, B or C with its total.
type SelfPart struct {
	Code     string
	Title    string
	Max      int
	Total    int
	Sections []SelfSection
}

// SelfSection is a section with its total.
type SelfSection struct {
	No       int
	Title    string
	Max      int
	Total    int
	Criteria []SelfCriterion
}

// SelfCriterion is one criterion with its options and the answer.
type SelfCriterion struct {
	Criterion *Criterion
	// Section is true when the criterion is the section itself (printed
	// with options and no sub-criteria).
	Section  bool
	Options  []SelfOption
	Scored   bool
	OptionID int64
	NotMet   bool
	Points   int
	Note     string
	Evidence []Evidence
}

// SelfOption is an option with its points as a number (0 when the cell is
// empty in the source) and whether it is chosen.
type SelfOption struct {
	Option *Option
	Points int
	Chosen bool
}

// selfOptionPoints is what an option is worth: its printed points, or 0 when
// the cell is empty or unreadable (README §3.6: sets 4, 7, 10, 11 leave
// "Không được cấp giấy chứng nhận chất lượng" empty where others print 0).
func selfOptionPoints(o *Option) int {
	if o.Points.OK {
		return o.Points.Value
	}
	return 0
}

type selfScore struct {
	optionID int64
	points   int
	note     string
}

func loadSelfScores(ctx context.Context, q db.Queryer, dossierID int64) (map[int64]selfScore, error) {
	rows, err := q.QueryContext(ctx, "SELECT criterion_id, option_id, points, note FROM self_scores WHERE dossier_id = ?", dossierID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]selfScore{}
	for rows.Next() {
		var id int64
		var sc selfScore
		if err := rows.Scan(&id, &sc.optionID, &sc.points, &sc.note); err != nil {
			return nil, err
		}
		out[id] = sc
	}
	return out, rows.Err()
}

// SelfAssessment returns the self-assessment sheet of a dossier p may
// open.
func (s *Service) SelfAssessment(ctx context.Context, p *account.Principal, id int64) (*SelfSheet, error) {
	d, err := s.Dossier(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return s.selfSheet(ctx, s.db, &d)
}

func (s *Service) selfSheet(ctx context.Context, q db.Queryer, d *Dossier) (*SelfSheet, error) {
	set, err := loadSet(ctx, q, d.CriteriaSetID)
	if err != nil {
		return nil, err
	}
	scores, err := loadSelfScores(ctx, q, d.ID)
	if err != nil {
		return nil, err
	}
	ev, err := listEvidence(ctx, q, d.ID)
	if err != nil {
		return nil, err
	}
	byCrit := map[int64][]Evidence{}
	sh := &SelfSheet{Set: set}
	for _, e := range ev {
		if e.CriterionID == 0 {
			sh.General = append(sh.General, e)
		} else {
			byCrit[e.CriterionID] = append(byCrit[e.CriterionID], e)
		}
	}
	for i := range set.Parts {
		part := &set.Parts[i]
		sp := SelfPart{Code: part.Code, Title: part.Title, Max: PartMax(part.Code)}
		for j := range part.Sections {
			sec := &part.Sections[j]
			ss := SelfSection{No: sec.No, Title: sec.Title, Max: sec.MaxPoints()}
			for k := range sec.Criteria {
				c := &sec.Criteria[k]
				sc := SelfCriterion{Criterion: c, Section: c.SectionLevel(sec), Evidence: byCrit[c.ID]}
				got, scored := scores[c.ID]
				for l := range c.Options {
					o := &c.Options[l]
					sc.Options = append(sc.Options, SelfOption{Option: o, Points: selfOptionPoints(o), Chosen: scored && got.optionID == o.ID})
				}
				sh.Criteria++
				if scored {
					sc.Scored, sc.OptionID, sc.Points, sc.Note = true, got.optionID, got.points, got.note
					sc.NotMet = c.YesNo && got.points == 0
					sh.Scored++
					ss.Total += got.points
				} else {
					sh.Unscored = append(sh.Unscored, c.No)
				}
				ss.Criteria = append(ss.Criteria, sc)
			}
			sp.Total += ss.Total
			sp.Sections = append(sp.Sections, ss)
		}
		sh.Total += sp.Total
		sh.Parts = append(sh.Parts, sp)
	}
	return sh, nil
}

// SaveSelfAssessment records the producer's answers (Mẫu 02 part III).
// Answers may be saved in several sittings; each answer replaces the
// previous one for its criterion. An option that is not one of its
// criterion's, or a criterion that is not in the dossier's scorecard,
// refuses the whole save.
func (s *Service) SaveSelfAssessment(ctx context.Context, p *account.Principal, id int64, version int, answers []SelfAnswer) (*SelfSheet, error) {
	if err := needLogin(p); err != nil {
		return nil, err
	}
	var sheet *SelfSheet
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		d, err := s.editTx(ctx, tx, p, id, version)
		if err != nil {
			return err
		}
		set, err := loadSet(ctx, tx, d.CriteriaSetID)
		if err != nil {
			return err
		}
		crits := map[int64]*Criterion{}
		set.Each(func(_ *Part, _ *Section, c *Criterion) { crits[c.ID] = c })
		var errs apperr.Errs
		type row struct {
			crit, opt int64
			points    int
			note      string
		}
		var rows []row
		seen := map[int64]bool{}
		for _, a := range answers {
			field := "c" + strconv.FormatInt(a.CriterionID, 10)
			c, ok := crits[a.CriterionID]
			if !ok {
				errs.Add(field, "dossier.err_criterion_not_in_set", a.CriterionID)
				continue
			}
			if seen[a.CriterionID] {
				errs.Add(field, "dossier.err_criterion_twice", c.No)
				continue
			}
			seen[a.CriterionID] = true
			var opt *Option
			for i := range c.Options {
				if c.Options[i].ID == a.OptionID {
					opt = &c.Options[i]
				}
			}
			if opt == nil || (a.NotMet && !c.YesNo) {
				errs.Add(field, "dossier.err_option_not_in_criterion", c.No)
				continue
			}
			checkDossierText(&errs, "n"+strconv.FormatInt(a.CriterionID, 10), &a.Note, 2000, false)
			pts := selfOptionPoints(opt)
			if a.NotMet {
				pts = 0
			}
			rows = append(rows, row{c.ID, opt.ID, pts, a.Note})
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if len(rows) == 0 {
			return apperr.Fields(apperr.Field("self", "dossier.err_no_answers"))
		}
		before, err := loadSelfScores(ctx, tx, d.ID)
		if err != nil {
			return err
		}
		now := s.stampNow()
		changed := map[string]any{}
		for _, r := range rows {
			if b, ok := before[r.crit]; ok && b.optionID == r.opt && b.points == r.points && b.note == r.note {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO self_scores (dossier_id, criterion_id, option_id, points, note, updated_at)
				VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (dossier_id, criterion_id) DO UPDATE
				SET option_id = excluded.option_id, points = excluded.points, note = excluded.note, updated_at = excluded.updated_at`,
				d.ID, r.crit, r.opt, r.points, r.note, now); err != nil {
				return err
			}
			changed[strconv.FormatInt(r.crit, 10)] = map[string]any{"option": r.opt, "points": r.points}
		}
		if err := s.bumpDossier(ctx, tx, &d, ""); err != nil {
			return err
		}
		if len(changed) > 0 {
			if err := account.Audit(ctx, tx, p, "dossier.self_assess", "dossier", id, d.CommuneCode, nil, changed); err != nil {
				return err
			}
		}
		d.Version++
		sheet, err = s.selfSheet(ctx, tx, &d)
		return err
	})
	return sheet, err
}

// selfTotals counts a dossier's self-assessed criteria and their points.
func selfTotals(ctx context.Context, q db.Queryer, dossierID int64) (n, total int, err error) {
	err = q.QueryRowContext(ctx, "SELECT COUNT(*), COALESCE(SUM(points), 0) FROM self_scores WHERE dossier_id = ?", dossierID).Scan(&n, &total)
	return n, total, err
}
