package evaluation

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
)

// This file holds the councils (hội đồng đánh giá, phân hạng) of Điều 7.3.c
// and 7.4: the provincial chair forms a council for a round, with a chair
// from the provincial People's Committee, members from the departments, a
// secretary and an advisory group (Tổ tư vấn) that reviews dossiers, visits
// sites, asks for extra lab tests and reports. Scoring is in scoring.go, the
// chair's closing and the results in result.go.

// Roles in a council. Only the chair and the members score; the secretary
// keeps the record and the advisory group reports to the council.
const (
	CouncilRoleChair     = "chair"     // Chủ tịch hội đồng
	CouncilRoleMember    = "member"    // Thành viên hội đồng
	CouncilRoleSecretary = "secretary" // Thư ký hội đồng
	CouncilRoleAdvisor   = "advisor"   // Thành viên Tổ tư vấn
)

// CouncilRoles lists the roles in the order a council is printed.
var CouncilRoles = []string{CouncilRoleChair, CouncilRoleMember, CouncilRoleSecretary, CouncilRoleAdvisor}

// CouncilRoleScores reports whether a council role fills in a scoring
// sheet: the chair and the members do; secretaries and advisors do not.
func CouncilRoleScores(role string) bool {
	return role == CouncilRoleChair || role == CouncilRoleMember
}

// Statuses of a council: members score until the chair closes scoring.
const (
	CouncilScoring = "scoring"
	CouncilClosed  = "closed"
)

// Departments are the bodies council members come from (Điều 7.3.c: the
// chair from the provincial People's Committee; members from the
// departments of Agriculture and Environment, Industry and Trade, Health,
// Science and Technology, Culture Sports and Tourism, Food Safety where it
// exists, and the OCOP office; "ministry" for the central council). The
// interface names them; "other" covers experts from elsewhere.
var Departments = []string{"people_committee", "agri_env", "industry_trade", "health", "science_tech",
	"culture_sports_tourism", "food_safety", "ocop_office", "ministry", "other"}

// NoteKinds are the kinds of advisory-group notes: a review of the dossier,
// a field visit, an extra lab test, and the group's report to the council.
var NoteKinds = []string{"review", "field_visit", "lab_test", "report"}

// Council is a council with its members and the dossiers before it.
type Council struct {
	ID         int64     `json:"id"`
	RoundID    int64     `json:"round_id"`
	RoundTitle string    `json:"round_title"`
	Level      Level     `json:"level"`
	Name       string    `json:"name"`
	DecisionNo string    `json:"decision_no"`
	FormedOn   Date      `json:"formed_on"`
	Written    bool      `json:"written"` // decides by written opinions, without a meeting (Điều 7.6, re-ratings)
	Status     string    `json:"status"`
	CreatedAt  time.Time `json:"created_at"`
	Version    int       `json:"version"`

	Members  []CouncilMember  `json:"members"`
	Dossiers []CouncilDossier `json:"dossiers,omitempty"`
}

// CouncilMember is one person on a council.
type CouncilMember struct {
	UserID      int64        `json:"user_id"`
	Username    string       `json:"username"`
	Name        string       `json:"name"`
	AccountRole account.Role `json:"account_role"`
	Role        string       `json:"role"`
	Department  string       `json:"department"`
}

// Scores reports whether the member fills in scoring sheets.
func (m CouncilMember) Scores() bool { return CouncilRoleScores(m.Role) }

// Closed reports whether the chair has closed scoring.
func (c *Council) Closed() bool { return c.Status == CouncilClosed }

// Member returns the member with the user id.
func (c *Council) Member(userID int64) (CouncilMember, bool) {
	for _, m := range c.Members {
		if m.UserID == userID && userID != 0 {
			return m, true
		}
	}
	return CouncilMember{}, false
}

// Chair returns the chair.
func (c *Council) Chair() (CouncilMember, bool) {
	for _, m := range c.Members {
		if m.Role == CouncilRoleChair {
			return m, true
		}
	}
	return CouncilMember{}, false
}

// Scorers lists the members who score, in council order.
func (c *Council) Scorers() []CouncilMember {
	var out []CouncilMember
	for _, m := range c.Members {
		if m.Scores() {
			out = append(out, m)
		}
	}
	return out
}

// Dossier returns the dossier before the council with the id.
func (c *Council) Dossier(id int64) (*CouncilDossier, bool) {
	for i := range c.Dossiers {
		if c.Dossiers[i].ID == id {
			return &c.Dossiers[i], true
		}
	}
	return nil, false
}

// CouncilDossier is a dossier before a council, with each scoring member's
// progress (how many criteria scored, submitted or not: never the scores)
// and the advisory group's notes.
type CouncilDossier struct {
	ID           int64            `json:"id"`
	RegNo        string           `json:"reg_no"`
	Kind         DossierKind      `json:"kind"`
	State        State            `json:"state"`
	CommuneCode  string           `json:"commune_code"`
	ProductID    int64            `json:"product_id"`
	ProductName  string           `json:"product_name"`
	ProductCode  string           `json:"product_code"`
	ProducerID   int64            `json:"producer_id"`
	ProducerName string           `json:"producer_name"`
	SetID        int64            `json:"set_id"`
	SetNo        int              `json:"set_no"`
	SetName      string           `json:"set_name"`
	Criteria     int              `json:"criteria"`
	Progress     []MemberProgress `json:"progress"`
	Notes        []AdvisoryNote   `json:"notes,omitempty"`
}

// Label names the dossier in lists and messages: its registration number
// (or id) and product.
func (d *CouncilDossier) Label() string {
	no := d.RegNo
	if no == "" {
		no = "#" + strconv.FormatInt(d.ID, 10)
	}
	return no + " " + d.ProductName
}

// Submitted counts the submitted sheets.
func (d *CouncilDossier) Submitted() int {
	n := 0
	for _, p := range d.Progress {
		if p.Submitted {
			n++
		}
	}
	return n
}

// MemberProgress is how far one member is with one dossier.
type MemberProgress struct {
	MemberID  int64  `json:"member_id"`
	Name      string `json:"name"`
	Scored    int    `json:"scored"`
	Submitted bool   `json:"submitted"`
}

// AdvisoryNote is a note of the advisory group on a dossier.
type AdvisoryNote struct {
	ID            int64     `json:"id"`
	DossierID     int64     `json:"dossier_id"`
	Kind          string    `json:"kind"`
	Body          string    `json:"body"`
	OnDate        Date      `json:"on_date"`
	CreatedAt     time.Time `json:"created_at"`
	CreatedByName string    `json:"created_by_name"`
}

// CouncilSummary is a council in a list.
type CouncilSummary struct {
	ID         int64  `json:"id"`
	RoundTitle string `json:"round_title"`
	Level      Level  `json:"level"`
	Name       string `json:"name"`
	DecisionNo string `json:"decision_no"`
	FormedOn   Date   `json:"formed_on"`
	Written    bool   `json:"written"`
	Status     string `json:"status"`
	Members    int    `json:"members"`
	Dossiers   int    `json:"dossiers"`
	// MyRole is the caller's role on the council ("" when not a member).
	MyRole string `json:"my_role,omitempty"`
}

// CouncilRound is a round a council can be formed for.
type CouncilRound struct {
	ID     int64  `json:"id"`
	Title  string `json:"title"`
	Level  Level  `json:"level"`
	Status string `json:"status"`
}

// CouncilCandidate is a user who may sit on a council: an active account
// with the council, office or admin role.
type CouncilCandidate struct {
	ID       int64        `json:"id"`
	Username string       `json:"username"`
	Name     string       `json:"name"`
	Role     account.Role `json:"role"`
}

// CouncilInput forms a council: the round, its name, the decision that
// forms it, and its chair.
type CouncilInput struct {
	RoundID         int64
	Name            string
	DecisionNo      string
	FormedOn        string // YYYY-MM-DD
	Written         bool
	ChairID         int64
	ChairDepartment string
}

// MemberInput adds a member or changes a member's role or department.
type MemberInput struct {
	UserID     int64
	Role       string
	Department string
}

// NoteInput is an advisory-group note.
type NoteInput struct {
	Kind   string
	Body   string
	OnDate string // YYYY-MM-DD; empty for today
}

// AssignableDossier is a dossier a council may take: accepted by the
// provincial office (or proposed to the Ministry, for a central council),
// in the council's round or in none yet.
type AssignableDossier struct {
	ID           int64       `json:"id"`
	RegNo        string      `json:"reg_no"`
	Kind         DossierKind `json:"kind"`
	ProductName  string      `json:"product_name"`
	ProducerName string      `json:"producer_name"`
	SetNo        int         `json:"set_no"`
}

// councilCanManage: the programme office forms councils and assigns
// dossiers on behalf of the provincial chair.
func councilCanManage(p *account.Principal) error {
	if p == nil {
		return apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	if !p.Province() {
		return apperr.New(apperr.Forbidden, "err.forbidden")
	}
	return nil
}

// councilCanSee: the office sees every council, a member the councils they
// sit on.
func councilCanSee(p *account.Principal, c *Council) error {
	if p == nil {
		return apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	if p.Province() {
		return nil
	}
	if _, ok := c.Member(p.UserID); ok {
		return nil
	}
	return apperr.New(apperr.Forbidden, "council.err_not_member")
}

// CouncilRounds lists the rounds, open ones first, for the council form.
func (s *Service) CouncilRounds(ctx context.Context, p *account.Principal) ([]CouncilRound, error) {
	if err := councilCanManage(p); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, title, level, status FROM rounds
		ORDER BY CASE WHEN status = 'open' THEN 0 ELSE 1 END, year DESC, no DESC, id DESC LIMIT 200`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CouncilRound
	for rows.Next() {
		var r CouncilRound
		if err := rows.Scan(&r.ID, &r.Title, &r.Level, &r.Status); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CouncilCandidates lists who may sit on a council.
func (s *Service) CouncilCandidates(ctx context.Context, p *account.Principal) ([]CouncilCandidate, error) {
	if err := councilCanManage(p); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, username, display_name, role FROM users
		WHERE status = 'active' AND role IN ('council', 'office', 'admin') ORDER BY display_name, username LIMIT 1000`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CouncilCandidate
	for rows.Next() {
		var c CouncilCandidate
		if err := rows.Scan(&c.ID, &c.Username, &c.Name, &c.Role); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// councilCandidate checks that a user may sit on a council.
func councilCandidate(ctx context.Context, q db.Queryer, field string, id int64) error {
	var role, status string
	err := q.QueryRowContext(ctx, "SELECT role, status FROM users WHERE id = ?", id).Scan(&role, &status)
	if errors.Is(err, sql.ErrNoRows) || id == 0 {
		return apperr.Fields(apperr.Field(field, "council.err_user_unknown"))
	}
	if err != nil {
		return err
	}
	if status != "active" || !slices.Contains([]string{"council", "office", "admin"}, role) {
		return apperr.Fields(apperr.Field(field, "council.err_user_not_eligible"))
	}
	return nil
}

// CreateCouncil forms a council for a round with its chair. Members are
// added afterwards; the council always has exactly one chair.
func (s *Service) CreateCouncil(ctx context.Context, p *account.Principal, in CouncilInput) (Council, error) {
	if err := councilCanManage(p); err != nil {
		return Council{}, err
	}
	var errs apperr.Errs
	in.Name = strings.TrimSpace(in.Name)
	in.DecisionNo = strings.TrimSpace(in.DecisionNo)
	councilText(&errs, "name", in.Name, 300, true)
	councilText(&errs, "decision_no", in.DecisionNo, 100, true)
	formed := councilDate(&errs, "formed_on", in.FormedOn, s.Today(), true)
	if !slices.Contains(Departments, in.ChairDepartment) {
		errs.Add("chair_department", "council.err_department")
	}
	var level Level
	var roundStatus string
	err := s.db.QueryRowContext(ctx, "SELECT level, status FROM rounds WHERE id = ?", in.RoundID).Scan(&level, &roundStatus)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		errs.Add("round_id", "council.err_round_unknown")
	case err != nil:
		return Council{}, err
	case roundStatus != "open":
		errs.Add("round_id", "council.err_round_closed")
	}
	if in.ChairID == 0 {
		errs.Add("chair_id", "err.required")
	} else if err := councilCandidate(ctx, s.db, "chair_id", in.ChairID); err != nil {
		if e := apperr.As(err); e != nil && e.Code == apperr.Invalid {
			errs = append(errs, e.Fields...)
		} else {
			return Council{}, err
		}
	}
	if err := errs.Err(); err != nil {
		return Council{}, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = db.Insert(ctx, tx, `INSERT INTO councils (round_id, level, name, decision_no, formed_on, written, status, created_at, version)
			VALUES (?, ?, ?, ?, ?, ?, 'scoring', ?, 1)`, in.RoundID, string(level), in.Name, in.DecisionNo, formed, in.Written, s.stampNow())
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO council_members (council_id, user_id, role, department) VALUES (?, ?, 'chair', ?)",
			id, in.ChairID, in.ChairDepartment); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "council.create", "council", id, "", nil, map[string]any{
			"round_id": in.RoundID, "level": level, "name": in.Name, "decision_no": in.DecisionNo, "formed_on": formed,
			"written": in.Written, "chair_id": in.ChairID, "chair_department": in.ChairDepartment})
	})
	if err != nil {
		return Council{}, err
	}
	return s.Council(ctx, p, id)
}

func councilText(errs *apperr.Errs, field, v string, max int, required bool) {
	switch {
	case required && v == "":
		errs.Add(field, "err.required")
	case utf8.RuneCountInString(v) > max:
		errs.Add(field, "err.too_long", max)
	case strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\r' && r != '\t' }):
		errs.Add(field, "err.control_chars")
	}
}

// councilDate reads a form date that may not be in the future; empty is
// today unless required.
func councilDate(errs *apperr.Errs, field, v string, today Date, required bool) Date {
	v = strings.TrimSpace(v)
	if v == "" {
		if required {
			errs.Add(field, "err.required")
		}
		return today
	}
	d, err := ParseDate(v)
	if err != nil {
		errs.Add(field, "council.err_date")
		return today
	}
	if d.After(today) {
		errs.Add(field, "council.err_date_future")
	}
	return d
}

// ListCouncils lists councils, newest first: every council for the
// office, the councils one sits on for anyone else.
func (s *Service) ListCouncils(ctx context.Context, p *account.Principal) ([]CouncilSummary, error) {
	if p == nil {
		return nil, apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	if !p.Is(account.RoleAdmin, account.RoleOffice, account.RoleCouncil) {
		return nil, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	where := ""
	args := []any{p.UserID}
	if !p.Province() {
		where = " WHERE EXISTS (SELECT 1 FROM council_members x WHERE x.council_id = c.id AND x.user_id = ?)"
		args = append(args, p.UserID)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT c.id, r.title, c.level, c.name, c.decision_no, c.formed_on, c.written, c.status,
		(SELECT COUNT(*) FROM council_members m WHERE m.council_id = c.id),
		(SELECT COUNT(*) FROM council_dossiers d WHERE d.council_id = c.id),
		COALESCE((SELECT m.role FROM council_members m WHERE m.council_id = c.id AND m.user_id = ?), '')
		FROM councils c JOIN rounds r ON r.id = c.round_id`+where+" ORDER BY c.id DESC LIMIT 500", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CouncilSummary
	for rows.Next() {
		var c CouncilSummary
		if err := rows.Scan(&c.ID, &c.RoundTitle, &c.Level, &c.Name, &c.DecisionNo, &c.FormedOn, &c.Written, &c.Status,
			&c.Members, &c.Dossiers, &c.MyRole); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Council returns a council with its members, dossiers, each member's
// progress and the advisory notes, for the office and the council's own
// members.
func (s *Service) Council(ctx context.Context, p *account.Principal, id int64) (Council, error) {
	c, err := s.loadCouncil(ctx, s.db, id, true)
	if err != nil {
		return Council{}, err
	}
	if err := councilCanSee(p, &c); err != nil {
		return Council{}, err
	}
	return c, nil
}

// loadCouncil reads a council and its members; with full, also its
// dossiers, progress and notes.
func (s *Service) loadCouncil(ctx context.Context, q db.Queryer, id int64, full bool) (Council, error) {
	var c Council
	err := q.QueryRowContext(ctx, `SELECT c.id, c.round_id, r.title, c.level, c.name, c.decision_no, c.formed_on, c.written, c.status,
		c.created_at, c.version FROM councils c JOIN rounds r ON r.id = c.round_id WHERE c.id = ?`, id).
		Scan(&c.ID, &c.RoundID, &c.RoundTitle, &c.Level, &c.Name, &c.DecisionNo, &c.FormedOn, &c.Written, &c.Status, &c.CreatedAt, &c.Version)
	if err != nil {
		return Council{}, db.Scan(err, "council.err_not_found")
	}
	rows, err := q.QueryContext(ctx, `SELECT m.user_id, u.username, u.display_name, u.role, m.role, m.department
		FROM council_members m JOIN users u ON u.id = m.user_id WHERE m.council_id = ?
		ORDER BY CASE m.role WHEN 'chair' THEN 0 WHEN 'member' THEN 1 WHEN 'secretary' THEN 2 ELSE 3 END, u.display_name, u.id`, id)
	if err != nil {
		return Council{}, err
	}
	for rows.Next() {
		var m CouncilMember
		if err := rows.Scan(&m.UserID, &m.Username, &m.Name, &m.AccountRole, &m.Role, &m.Department); err != nil {
			rows.Close()
			return Council{}, err
		}
		c.Members = append(c.Members, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Council{}, err
	}
	if !full {
		return c, nil
	}
	if c.Dossiers, err = councilDossiers(ctx, q, id); err != nil {
		return Council{}, err
	}
	if err := s.councilProgress(ctx, q, &c); err != nil {
		return Council{}, err
	}
	return c, nil
}

// councilDossiers reads the dossiers before a council, with their
// scorecard and its size.
func councilDossiers(ctx context.Context, q db.Queryer, councilID int64) ([]CouncilDossier, error) {
	rows, err := q.QueryContext(ctx, `SELECT d.id, COALESCE(d.reg_no, ''), d.kind, d.state, d.commune_code, d.product_id, p.name, p.code,
		d.producer_id, pr.name, d.criteria_set_id, cs.set_no, cs.name,
		(SELECT COUNT(*) FROM criteria k WHERE k.set_id = d.criteria_set_id)
		FROM council_dossiers cd JOIN dossiers d ON d.id = cd.dossier_id JOIN products p ON p.id = d.product_id
		JOIN producers pr ON pr.id = d.producer_id JOIN criteria_sets cs ON cs.id = d.criteria_set_id
		WHERE cd.council_id = ? ORDER BY d.id`, councilID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CouncilDossier
	for rows.Next() {
		var d CouncilDossier
		if err := rows.Scan(&d.ID, &d.RegNo, &d.Kind, &d.State, &d.CommuneCode, &d.ProductID, &d.ProductName, &d.ProductCode,
			&d.ProducerID, &d.ProducerName, &d.SetID, &d.SetNo, &d.SetName, &d.Criteria); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// councilProgress fills in each scoring member's progress on each dossier
// (counts only: the scores stay hidden) and the advisory notes.
func (s *Service) councilProgress(ctx context.Context, q db.Queryer, c *Council) error {
	type key struct{ dossier, member int64 }
	scored := map[key]int{}
	rows, err := q.QueryContext(ctx, "SELECT dossier_id, member_id, COUNT(*) FROM scores WHERE council_id = ? GROUP BY dossier_id, member_id", c.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var k key
		var n int
		if err := rows.Scan(&k.dossier, &k.member, &n); err != nil {
			rows.Close()
			return err
		}
		scored[k] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	submitted := map[key]bool{}
	rows, err = q.QueryContext(ctx, "SELECT dossier_id, member_id FROM score_sheets WHERE council_id = ?", c.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var k key
		if err := rows.Scan(&k.dossier, &k.member); err != nil {
			rows.Close()
			return err
		}
		submitted[k] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	at := map[int64]int{}
	for i := range c.Dossiers {
		d := &c.Dossiers[i]
		at[d.ID] = i
		for _, m := range c.Scorers() {
			k := key{d.ID, m.UserID}
			d.Progress = append(d.Progress, MemberProgress{MemberID: m.UserID, Name: m.Name, Scored: scored[k], Submitted: submitted[k]})
		}
	}
	rows, err = q.QueryContext(ctx, `SELECT n.id, n.dossier_id, n.kind, n.body, n.on_date, n.created_at, COALESCE(u.display_name, '')
		FROM advisory_notes n JOIN council_dossiers cd ON cd.dossier_id = n.dossier_id LEFT JOIN users u ON u.id = n.created_by
		WHERE cd.council_id = ? ORDER BY n.id`, c.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var n AdvisoryNote
		if err := rows.Scan(&n.ID, &n.DossierID, &n.Kind, &n.Body, &n.OnDate, &n.CreatedAt, &n.CreatedByName); err != nil {
			return err
		}
		if i, ok := at[n.DossierID]; ok {
			c.Dossiers[i].Notes = append(c.Dossiers[i].Notes, n)
		}
	}
	return rows.Err()
}

// councilGuard locks the council row for the rest of the transaction and
// checks that scoring is still open. Every write to a council (members,
// assignments, scores, sheets, closing) passes through it, so on
// PostgreSQL a save that races the chair's closing waits for it and is
// then refused, and nothing is written to a closed council.
func councilGuard(ctx context.Context, tx *db.Tx, id int64) error {
	res, err := tx.ExecContext(ctx, "UPDATE councils SET version = version + 1 WHERE id = ? AND status = 'scoring'", id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var status string
		if err := tx.QueryRowContext(ctx, "SELECT status FROM councils WHERE id = ?", id).Scan(&status); err != nil {
			return db.Scan(err, "council.err_not_found")
		}
		return apperr.New(apperr.Conflict, "council.err_closed")
	}
	return nil
}

// SetCouncilMember adds a member or changes a member's role or department.
// Naming a new chair makes the previous chair an ordinary member, so the
// council always has exactly one chair; a member who has scored cannot be
// made a secretary or advisor, who do not score.
func (s *Service) SetCouncilMember(ctx context.Context, p *account.Principal, councilID int64, in MemberInput) error {
	if err := councilCanManage(p); err != nil {
		return err
	}
	var errs apperr.Errs
	if !slices.Contains(CouncilRoles, in.Role) {
		errs.Add("role", "council.err_role")
	}
	if !slices.Contains(Departments, in.Department) {
		errs.Add("department", "council.err_department")
	}
	if in.UserID == 0 {
		errs.Add("user_id", "err.required")
	} else if err := councilCandidate(ctx, s.db, "user_id", in.UserID); err != nil {
		if e := apperr.As(err); e != nil && e.Code == apperr.Invalid {
			errs = append(errs, e.Fields...)
		} else {
			return err
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := councilGuard(ctx, tx, councilID); err != nil {
			return err
		}
		c, err := s.loadCouncil(ctx, tx, councilID, false)
		if err != nil {
			return err
		}
		before, exists := c.Member(in.UserID)
		chair, _ := c.Chair()
		if exists && before.Role == CouncilRoleChair && in.Role != CouncilRoleChair {
			return apperr.New(apperr.Conflict, "council.err_chair_needed")
		}
		if exists && before.Scores() && !CouncilRoleScores(in.Role) {
			if n, err := councilScoreCount(ctx, tx, councilID, in.UserID); err != nil {
				return err
			} else if n > 0 {
				return apperr.New(apperr.Conflict, "council.err_member_has_scores", before.Name)
			}
		}
		if in.Role == CouncilRoleChair && chair.UserID != 0 && chair.UserID != in.UserID {
			if _, err := tx.ExecContext(ctx, "UPDATE council_members SET role = 'member' WHERE council_id = ? AND user_id = ?", councilID, chair.UserID); err != nil {
				return err
			}
		}
		if exists {
			_, err = tx.ExecContext(ctx, "UPDATE council_members SET role = ?, department = ? WHERE council_id = ? AND user_id = ?",
				in.Role, in.Department, councilID, in.UserID)
		} else {
			_, err = tx.ExecContext(ctx, "INSERT INTO council_members (council_id, user_id, role, department) VALUES (?, ?, ?, ?)",
				councilID, in.UserID, in.Role, in.Department)
		}
		if err != nil {
			return err
		}
		after := map[string]any{"user_id": in.UserID, "role": in.Role, "department": in.Department}
		if in.Role == CouncilRoleChair && chair.UserID != 0 && chair.UserID != in.UserID {
			after["previous_chair_now_member"] = chair.UserID
		}
		var b any
		if exists {
			b = map[string]any{"user_id": before.UserID, "role": before.Role, "department": before.Department}
		}
		return account.Audit(ctx, tx, p, "council.member", "council", councilID, "", b, after)
	})
}

// RemoveCouncilMember takes a member off a council. The chair cannot be
// removed (name another chair first), nor a member who has scored.
func (s *Service) RemoveCouncilMember(ctx context.Context, p *account.Principal, councilID, userID int64) error {
	if err := councilCanManage(p); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := councilGuard(ctx, tx, councilID); err != nil {
			return err
		}
		c, err := s.loadCouncil(ctx, tx, councilID, false)
		if err != nil {
			return err
		}
		m, ok := c.Member(userID)
		if !ok {
			return apperr.Fields(apperr.Field("user_id", "council.err_not_a_member"))
		}
		if m.Role == CouncilRoleChair {
			return apperr.New(apperr.Conflict, "council.err_chair_needed")
		}
		if n, err := councilScoreCount(ctx, tx, councilID, userID); err != nil {
			return err
		} else if n > 0 {
			return apperr.New(apperr.Conflict, "council.err_member_has_scores", m.Name)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM council_members WHERE council_id = ? AND user_id = ?", councilID, userID); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "council.member_remove", "council", councilID, "",
			map[string]any{"user_id": m.UserID, "role": m.Role, "department": m.Department}, nil)
	})
}

func councilScoreCount(ctx context.Context, q db.Queryer, councilID, userID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM scores WHERE council_id = ? AND member_id = ?", councilID, userID).Scan(&n)
	return n, err
}

// councilTake returns the state a council takes dossiers from and the
// action that moves them before it: a provincial council takes dossiers
// the office accepted (ActAssign); a central council takes those proposed
// to the Ministry (ActCentral).
func councilTake(level Level) (State, Action) {
	if level == LevelMinistry {
		return StateToMinistry, ActCentral
	}
	return StateAccepted, ActAssign
}

// AssignableDossiers lists the dossiers a council may take.
func (s *Service) AssignableDossiers(ctx context.Context, p *account.Principal, councilID int64) ([]AssignableDossier, error) {
	if err := councilCanManage(p); err != nil {
		return nil, err
	}
	c, err := s.loadCouncil(ctx, s.db, councilID, false)
	if err != nil {
		return nil, err
	}
	from, _ := councilTake(c.Level)
	kind := ""
	args := []any{string(from), c.RoundID}
	if c.Written {
		kind = " AND d.kind = ?"
		args = append(args, string(DossierRerating))
	}
	rows, err := s.db.QueryContext(ctx, `SELECT d.id, COALESCE(d.reg_no, ''), d.kind, p.name, pr.name, cs.set_no
		FROM dossiers d JOIN products p ON p.id = d.product_id JOIN producers pr ON pr.id = d.producer_id
		JOIN criteria_sets cs ON cs.id = d.criteria_set_id
		WHERE d.state = ? AND (d.round_id IS NULL OR d.round_id = ?)`+kind+" ORDER BY d.id LIMIT 2000", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AssignableDossier
	for rows.Next() {
		var d AssignableDossier
		if err := rows.Scan(&d.ID, &d.RegNo, &d.Kind, &d.ProductName, &d.ProducerName, &d.SetNo); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// councilDossierRow is what a state change needs to know of a dossier.
type councilDossierRow struct {
	ID       int64
	State    State
	Kind     DossierKind
	Version  int
	RoundID  sql.NullInt64
	Commune  string
	Producer int64
}

func councilDossierLoad(ctx context.Context, q db.Queryer, id int64) (councilDossierRow, error) {
	var d councilDossierRow
	err := q.QueryRowContext(ctx, "SELECT id, state, kind, version, round_id, commune_code, producer_id FROM dossiers WHERE id = ?", id).
		Scan(&d.ID, &d.State, &d.Kind, &d.Version, &d.RoundID, &d.Commune, &d.Producer)
	if err != nil {
		return d, db.Scan(err, "council.err_dossier_unknown")
	}
	return d, nil
}

// AssignDossiers puts dossiers before a council, moving each through the
// workflow (accepted → in_council, or to_ministry → central for a central
// council) with its event and audit row, all in one transaction: either
// every dossier is assigned or none is. A council deciding by written
// opinions takes re-ratings only (Điều 7.6).
func (s *Service) AssignDossiers(ctx context.Context, p *account.Principal, councilID int64, ids []int64) error {
	if err := councilCanManage(p); err != nil {
		return err
	}
	if len(ids) == 0 {
		return apperr.Fields(apperr.Field("dossier", "council.err_assign_none"))
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := councilGuard(ctx, tx, councilID); err != nil {
			return err
		}
		c, err := s.loadCouncil(ctx, tx, councilID, false)
		if err != nil {
			return err
		}
		from, act := councilTake(c.Level)
		for _, id := range ids {
			d, err := councilDossierLoad(ctx, tx, id)
			if err != nil {
				return err
			}
			if d.State != from {
				return apperr.New(apperr.Conflict, "council.err_assign_state", id, string(d.State))
			}
			if !MayAct(d.State, act, p.Role) {
				return apperr.New(apperr.Forbidden, "err.forbidden")
			}
			if d.RoundID.Valid && d.RoundID.Int64 != c.RoundID {
				return apperr.New(apperr.Conflict, "council.err_assign_round", id)
			}
			if c.Written && d.Kind != DossierRerating {
				return apperr.New(apperr.Invalid, "council.err_written_rerating", id)
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO council_dossiers (council_id, dossier_id) VALUES (?, ?)", councilID, id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "UPDATE dossiers SET round_id = ? WHERE id = ?", c.RoundID, id); err != nil {
				return err
			}
			if err := s.councilMove(ctx, tx, p, d, act, "council:"+strconv.FormatInt(councilID, 10)+" "+c.Name, map[string]any{"council_id": councilID}); err != nil {
				return err
			}
		}
		return nil
	})
}

// councilMove changes a dossier's state through the workflow, with
// optimistic locking on the dossier's version, a dossier_events row and an
// audit row, in the caller's transaction. extra goes into the audit row.
func (s *Service) councilMove(ctx context.Context, tx *db.Tx, p *account.Principal, d councilDossierRow, act Action, note string, extra map[string]any) error {
	to, ok := Next(d.State, act)
	if !ok {
		return apperr.New(apperr.Conflict, "council.err_transition", d.ID, string(d.State))
	}
	now := s.stampNow()
	res, err := tx.ExecContext(ctx, "UPDATE dossiers SET state = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ? AND state = ?",
		string(to), now, d.ID, d.Version, string(d.State))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.Conflict, "err.stale")
	}
	var actor any
	name := "system"
	if p != nil {
		if p.UserID != 0 {
			actor = p.UserID
		}
		name = p.Username
		if p.DisplayName != "" {
			name = p.DisplayName
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_events (dossier_id, at, actor_id, actor_name, from_state, to_state, note)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, d.ID, now, actor, name, string(d.State), string(to), note); err != nil {
		return err
	}
	after := map[string]any{"state": to, "version": d.Version + 1, "note": note}
	for k, v := range extra {
		after[k] = v
	}
	return account.Audit(ctx, tx, p, "dossier."+string(act), "dossier", d.ID, d.Commune,
		map[string]any{"state": d.State, "version": d.Version}, after)
}

// AddAdvisoryNote records a note of the advisory group (a review, a field
// visit, an extra lab test or the group's report) on a dossier before a
// council that is still scoring. Advisors of that council write them, and
// the office for the group. It returns the council the dossier is before.
func (s *Service) AddAdvisoryNote(ctx context.Context, p *account.Principal, dossierID int64, in NoteInput) (int64, error) {
	if p == nil {
		return 0, apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	if _, err := councilDossierLoad(ctx, s.db, dossierID); err != nil {
		return 0, err
	}
	// The open councils the dossier is before, and the caller's role there.
	rows, err := s.db.QueryContext(ctx, `SELECT c.id, COALESCE(m.role, '') FROM council_dossiers cd JOIN councils c ON c.id = cd.council_id
		LEFT JOIN council_members m ON m.council_id = c.id AND m.user_id = ?
		WHERE cd.dossier_id = ? AND c.status = 'scoring' ORDER BY c.id DESC`, p.UserID, dossierID)
	if err != nil {
		return 0, err
	}
	var councilID int64
	open := false
	for rows.Next() {
		var id int64
		var role string
		if err := rows.Scan(&id, &role); err != nil {
			rows.Close()
			return 0, err
		}
		open = true
		if councilID == 0 && (role == CouncilRoleAdvisor || p.Province()) {
			councilID = id
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	switch {
	case councilID == 0 && !open && p.Province():
		// The office may write notes, but the dossier is before no
		// council that is scoring.
		return 0, apperr.New(apperr.Conflict, "council.err_note_no_council")
	case councilID == 0:
		return 0, apperr.New(apperr.Forbidden, "council.err_not_advisor")
	}
	var errs apperr.Errs
	if !slices.Contains(NoteKinds, in.Kind) {
		errs.Add("kind", "council.err_note_kind")
	}
	in.Body = strings.TrimSpace(in.Body)
	councilText(&errs, "body", in.Body, 5000, true)
	on := councilDate(&errs, "on_date", in.OnDate, s.Today(), false)
	if err := errs.Err(); err != nil {
		return councilID, err
	}
	d, err := councilDossierLoad(ctx, s.db, dossierID)
	if err != nil {
		return councilID, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := councilGuard(ctx, tx, councilID); err != nil {
			return err
		}
		id, err := db.Insert(ctx, tx, `INSERT INTO advisory_notes (dossier_id, kind, body, on_date, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)`,
			dossierID, in.Kind, in.Body, on, s.stampNow(), nullID(p.UserID))
		if err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "dossier.advisory_note", "dossier", dossierID, d.Commune, nil,
			map[string]any{"note_id": id, "council_id": councilID, "kind": in.Kind, "on_date": on, "body": in.Body})
	})
	return councilID, err
}
