package evaluation

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/registry"
)

// insertSet stores a set and its whole tree, filling in every ID.
func insertSet(ctx context.Context, tx *db.Tx, s *CriteriaSet) error {
	var basedOn, createdBy any
	if s.BasedOn > 0 {
		basedOn = s.BasedOn
	}
	if s.CreatedBy > 0 {
		createdBy = s.CreatedBy
	}
	var activatedAt, activatedBy any
	if s.ActivatedAt != nil {
		activatedAt = *s.ActivatedAt
	}
	if s.ActivatedBy > 0 {
		activatedBy = s.ActivatedBy
	}
	id, err := db.Insert(ctx, tx, `INSERT INTO criteria_sets (decision, set_no, version, label, name, classification, category_version, category_code,
		status, source, based_on, content_hash, origin_hash, rejection, star_footnote, notes, created_at, created_by, created_by_name, activated_at, activated_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.Decision, s.SetNo, s.Version, s.Label, s.Name, s.Classification, s.CategoryVersion, s.CategoryCode,
		s.Status, s.Source, basedOn, s.ContentHash, s.OriginHash, s.Rejection, s.StarFootnote, s.Notes, s.CreatedAt, createdBy, s.CreatedByName,
		activatedAt, activatedBy)
	if err != nil {
		return fmt.Errorf("store scorecard %d: %w", s.SetNo, err)
	}
	s.ID = id
	for pi := range s.Parts {
		p := &s.Parts[pi]
		if p.ID, err = db.Insert(ctx, tx, `INSERT INTO criteria_parts (set_id, code, title, printed_max, position) VALUES (?, ?, ?, ?, ?)`,
			id, p.Code, p.Title, p.PrintedMax.Text, pi); err != nil {
			return fmt.Errorf("store scorecard %d part %s: %w", s.SetNo, p.Code, err)
		}
		for si := range p.Sections {
			sec := &p.Sections[si]
			if sec.ID, err = db.Insert(ctx, tx, `INSERT INTO criteria_sections (set_id, part_id, no, title, max_printed, max_points, position)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, id, p.ID, sec.No, sec.Title, sec.Max.Text, printedValue(sec.Max), si); err != nil {
				return fmt.Errorf("store scorecard %d section %d: %w", s.SetNo, sec.No, err)
			}
			for ci := range sec.Criteria {
				c := &sec.Criteria[ci]
				if c.ID, err = db.Insert(ctx, tx, `INSERT INTO criteria (set_id, section_id, no, title, parent_no, parent_title, max_printed, max_points, notes, gate, yes_no, position)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, sec.ID, c.No, c.Title, c.ParentNo, c.ParentTitle, c.Max.Text, printedValue(c.Max),
					c.Notes, c.Gate, c.YesNo, ci); err != nil {
					return fmt.Errorf("store scorecard %d criterion %s: %w", s.SetNo, c.No, err)
				}
				if err := insertOptions(ctx, tx, id, c); err != nil {
					return fmt.Errorf("store scorecard %d criterion %s: %w", s.SetNo, c.No, err)
				}
			}
		}
	}
	return nil
}

// insertOptions stores a criterion's options in one statement: a set has
// about a hundred, and one round trip per option makes seeding slow on
// PostgreSQL.
func insertOptions(ctx context.Context, tx *db.Tx, setID int64, c *Criterion) error {
	if len(c.Options) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("INSERT INTO criteria_options (set_id, criterion_id, position, text, points, star, case_group, source_row) VALUES ")
	args := make([]any, 0, 8*len(c.Options))
	for i, o := range c.Options {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?)")
		args = append(args, setID, c.ID, o.Position, o.Text, printedValue(o.Points), o.Star, o.Case, o.Row)
	}
	b.WriteString(" RETURNING id, position")
	rows, err := tx.QueryContext(ctx, b.String(), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	// Neither engine promises the order of RETURNING rows: match them by
	// position.
	n := 0
	for rows.Next() {
		var id int64
		var pos int
		if err := rows.Scan(&id, &pos); err != nil {
			return err
		}
		o, ok := c.Option(pos)
		if !ok {
			return fmt.Errorf("insert options: no option at position %d", pos)
		}
		o.ID = id
		n++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n != len(c.Options) {
		return fmt.Errorf("insert options: %d ids for %d options", n, len(c.Options))
	}
	return nil
}

func printedValue(p Printed) any {
	if !p.OK {
		return nil
	}
	return p.Value
}

func printedFrom(text string, v sql.NullInt64) Printed {
	if v.Valid {
		return Printed{Text: text, Value: int(v.Int64), OK: true}
	}
	return Printed{Text: text}
}

const setColumns = `id, decision, set_no, version, label, name, classification, category_version, category_code, status, source,
	COALESCE(based_on, 0), content_hash, origin_hash, rejection, star_footnote, notes, created_at, COALESCE(created_by, 0), created_by_name,
	activated_at, COALESCE(activated_by, 0)`

func scanSet(sc interface{ Scan(...any) error }) (CriteriaSet, error) {
	var s CriteriaSet
	var act sql.NullTime
	err := sc.Scan(&s.ID, &s.Decision, &s.SetNo, &s.Version, &s.Label, &s.Name, &s.Classification, &s.CategoryVersion, &s.CategoryCode,
		&s.Status, &s.Source, &s.BasedOn, &s.ContentHash, &s.OriginHash, &s.Rejection, &s.StarFootnote, &s.Notes, &s.CreatedAt, &s.CreatedBy,
		&s.CreatedByName, &act, &s.ActivatedBy)
	if act.Valid {
		t := act.Time
		s.ActivatedAt = &t
	}
	return s, err
}

// querySets returns the set rows matching where (without their trees), by
// set number and newest version first.
func querySets(ctx context.Context, q db.Queryer, where string, args ...any) ([]CriteriaSet, error) {
	if where != "" {
		where = " WHERE " + where
	}
	rows, err := q.QueryContext(ctx, "SELECT "+setColumns+" FROM criteria_sets"+where+" ORDER BY decision, set_no, version DESC", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CriteriaSet
	for rows.Next() {
		s, err := scanSet(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// loadSetRow reads one set row.
func loadSetRow(ctx context.Context, q db.Queryer, id int64) (CriteriaSet, error) {
	s, err := scanSet(q.QueryRowContext(ctx, "SELECT "+setColumns+" FROM criteria_sets WHERE id = ?", id))
	if err != nil {
		return CriteriaSet{}, db.Scan(err, "scorecard.err_not_found")
	}
	return s, nil
}

// loadTrees fills in the parts, sections, criteria and options of sets:
// four queries whatever the number of sets.
func loadTrees(ctx context.Context, q db.Queryer, sets []CriteriaSet) error {
	if len(sets) == 0 {
		return nil
	}
	ids := make([]any, len(sets))
	bySet := map[int64]*CriteriaSet{}
	for i := range sets {
		ids[i] = sets[i].ID
		sets[i].Parts = nil
		bySet[sets[i].ID] = &sets[i]
	}
	in := "set_id IN (" + db.Placeholders(len(ids)) + ")"

	partAt := map[int64]int{} // part id → index in its set's parts
	rows, err := q.QueryContext(ctx, "SELECT id, set_id, code, title, printed_max FROM criteria_parts WHERE "+in+" ORDER BY set_id, position", ids...)
	if err != nil {
		return err
	}
	partSet := map[int64]*CriteriaSet{}
	for rows.Next() {
		var p Part
		var setID int64
		var printed string
		if err := rows.Scan(&p.ID, &setID, &p.Code, &p.Title, &printed); err != nil {
			rows.Close()
			return err
		}
		p.PrintedMax = ParsePrinted(printed)
		s := bySet[setID]
		s.Parts = append(s.Parts, p)
		partSet[p.ID] = s
		partAt[p.ID] = len(s.Parts) - 1
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	type secRef struct {
		set  *CriteriaSet
		part int
		sec  int
	}
	secAt := map[int64]secRef{}
	rows, err = q.QueryContext(ctx, "SELECT id, part_id, no, title, max_printed, max_points FROM criteria_sections WHERE "+in+" ORDER BY set_id, position", ids...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var sec Section
		var partID int64
		var mp sql.NullInt64
		if err := rows.Scan(&sec.ID, &partID, &sec.No, &sec.Title, &sec.Max.Text, &mp); err != nil {
			rows.Close()
			return err
		}
		sec.Max = printedFrom(sec.Max.Text, mp)
		s, pi := partSet[partID], partAt[partID]
		s.Parts[pi].Sections = append(s.Parts[pi].Sections, sec)
		secAt[sec.ID] = secRef{s, pi, len(s.Parts[pi].Sections) - 1}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	type critRef struct {
		sec  secRef
		crit int
	}
	critAt := map[int64]critRef{}
	rows, err = q.QueryContext(ctx, `SELECT id, section_id, no, title, parent_no, parent_title, max_printed, max_points, notes, gate, yes_no
		FROM criteria WHERE `+in+" ORDER BY set_id, section_id, position", ids...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var c Criterion
		var secID int64
		var mp sql.NullInt64
		if err := rows.Scan(&c.ID, &secID, &c.No, &c.Title, &c.ParentNo, &c.ParentTitle, &c.Max.Text, &mp, &c.Notes, &c.Gate, &c.YesNo); err != nil {
			rows.Close()
			return err
		}
		c.Max = printedFrom(c.Max.Text, mp)
		ref := secAt[secID]
		sec := &ref.set.Parts[ref.part].Sections[ref.sec]
		sec.Criteria = append(sec.Criteria, c)
		critAt[c.ID] = critRef{ref, len(sec.Criteria) - 1}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	rows, err = q.QueryContext(ctx, `SELECT id, criterion_id, position, text, points, star, case_group, source_row
		FROM criteria_options WHERE `+in+" ORDER BY criterion_id, position", ids...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var o Option
		var critID int64
		var pts sql.NullInt64
		if err := rows.Scan(&o.ID, &critID, &o.Position, &o.Text, &pts, &o.Star, &o.Case, &o.Row); err != nil {
			return err
		}
		if pts.Valid {
			o.Points = PrintedInt(int(pts.Int64))
		}
		ref := critAt[critID]
		c := &ref.sec.set.Parts[ref.sec.part].Sections[ref.sec.sec].Criteria[ref.crit]
		c.Options = append(c.Options, o)
	}
	return rows.Err()
}

// loadSet reads one set with its tree.
func loadSet(ctx context.Context, q db.Queryer, id int64) (*CriteriaSet, error) {
	s, err := loadSetRow(ctx, q, id)
	if err != nil {
		return nil, err
	}
	sets := []CriteriaSet{s}
	if err := loadTrees(ctx, q, sets); err != nil {
		return nil, err
	}
	return &sets[0], nil
}

// categoryFor returns the classification leaf rated with a scorecard.
func categoryFor(ctx context.Context, q db.Queryer, setNo int) (string, error) {
	var code string
	err := q.QueryRowContext(ctx, "SELECT code FROM categories WHERE version = ? AND scorecard_set = ? ORDER BY position LIMIT 1",
		registry.CurrentCategoryVersion, setNo).Scan(&code)
	if err == sql.ErrNoRows {
		return "", apperr.New(apperr.Invalid, "scorecard.err_no_category", setNo)
	}
	return code, err
}

// nextVersion returns the next version number of a scorecard.
func nextVersion(ctx context.Context, q db.Queryer, decision string, setNo int) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM criteria_sets WHERE decision = ? AND set_no = ?", decision, setNo).Scan(&n)
	return n + 1, err
}
