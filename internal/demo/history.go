package demo

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/adminunit"
	"ocop/internal/db"
	"ocop/internal/evaluation"
	"ocop/internal/registry"
)

// This file writes the evaluation history of the demo data: Hanoi's rounds
// from 2019 to the load's day, with dossiers, councils, results, decisions
// and certificates that reproduce the published figures exactly (ocop-rules.md
// §5.2: 3,317 products evaluated since 2019, of which 6 five-star, 22
// potential five-star, 1,571 four-star and 1,718 three-star).
//
// # How the figures stay exact
//
// "Evaluated since 2019" is cumulative: every product that ever held a
// certificate, whether it is still valid or not. Each product's star in the
// figure is its current classification, the star of its latest certificate
// (issued last; revoked or expired certificates keep their star). The demo
// plan (demo_plan) gives every product its first year and the star it is
// meant to reach, in exactly the published proportions. The history:
//
//   - gives every product a first certificate in a round of its first year,
//     so that all 3,317 are evaluated;
//   - builds each product's later life as a timeline of steps (upgrade,
//     re-ratings at the end of the 36 months, a failed re-rating, expiry,
//     revocation), and only then gives the steps their stars, so that the
//     last certificate always carries the planned star: a product planned
//     4★ that was upgraded was 3★ before its upgrade; a product planned 3★
//     that was downgraded was 4★ until its first re-rating; a product
//     planned potential 5★ whose first certificate was re-rated was a plain
//     4★ before (its proposal to the Ministry is the one still pending: a
//     dossier waiting for the Ministry cannot be re-rated, so the flag goes
//     on its latest certificate); the six 5★ products hold the Ministry's
//     certificate last, after the province's 4★ potential-5★ one (the
//     decision helper's reading, Decidable.plan);
//   - leaves dossiers still in progress (the current round, upgrades,
//     proposals waiting for the Ministry) without certificates, so that
//     they change nothing in the figures until someone decides them.
//
// # What is real and what is not
//
// The rule sets, authorities, rounds, deadlines, validity and re-rating
// windows are the decisions' (package evaluation computes them). Decision
// QĐ 1147/QĐ-UBND of 04/03/2024 (Hanoi's 4★ results of 2023) is real; the
// other decision numbers, dates, council members and scores are
// illustrative. Councils before 2026 left a result (mean, parts, members'
// totals) but no per-criterion scores: the scorecards of 1048/2019 and
// 148/2023 are not in the platform, and those dossiers point to the
// scorecard of their product group that the platform has (26/2026).
// Under 148/QĐ-TTg the districts rated and certified 3★; their councils
// are stored at the schema's provincial level (councils have only province
// and ministry) with the district in their name, and their decisions with
// the district authority and signer. The current round is scored for real
// on the active 26/2026 scorecards: one council closed with results
// computed by evaluation.ComputeResult, one still scoring, one just formed;
// the producers' self-assessments are on the same scorecards. Evidence
// files are not generated (the demo has no media files).

// History rates and sizes. The rates give a realistic share of products
// whose certificate is still valid (about four in five of those evaluated).
const (
	reratePercent     = 76         // certificates at the end of their 36 months that are re-rated
	failPercent       = 3          // … whose re-rating fails (the old certificate runs out)
	upgradePercent    = 8          // 4★ products that started at 3★ and were upgraded
	downgradePercent  = 5          // 3★ products that started at 4★ and lost it at re-rating
	revokePerMille    = 4          // certificates revoked on a ground of Điều 8.1
	inspectPercent    = 6          // certificates with a post-certification inspection
	returnPercent     = 6          // dossiers sent back once by the commune
	latePercent       = 10         // re-ratings filed after the window of Điều 7.6.a (Điều 12.3 extends the certificate)
	inProgressPercent = 66         // certificates in their re-rating window whose holder has filed
	closedCouncilSize = 36         // dossiers of the current round's closed council
	openCouncilSize   = 24         // dossiers of the current round's council still scoring
	newCouncilSize    = 80         // dossiers of the council formed two days ago
	historyStream     = 0x48495354 // the history's own random stream: adding to it changes no registry record
	provinceCode      = "01"
	decision1147      = "1147/QĐ-UBND"
)

// HistoryStats summarises the evaluation history of a load (and is the
// summary of its audit row).
type HistoryStats struct {
	Rounds       int `json:"rounds"`
	Councils     int `json:"councils"`
	Decisions    int `json:"decisions"`
	Dossiers     int `json:"dossiers"`
	Certificates int `json:"certificates"`
	// Evaluated counts the products that ever held a certificate, the
	// cumulative "evaluated since 2019"; FiveStar to ThreeStar split them
	// by their latest certificate.
	Evaluated  int `json:"evaluated"`
	FiveStar   int `json:"five_star"`
	Potential5 int `json:"potential5"`
	FourStar   int `json:"four_star"`
	ThreeStar  int `json:"three_star"`
	// Valid counts the products whose latest certificate is valid on the
	// load's day (valid, expiring soon, or extended while re-rated);
	// Expired and Revoked those whose latest certificate ran out or was
	// revoked.
	Valid   int `json:"valid"`
	Expired int `json:"expired"`
	Revoked int `json:"revoked"`
	// Upgraded, Downgraded, Rerated count certificates issued on such
	// dossiers; InProgress the dossiers not yet decided.
	Upgraded   int `json:"upgraded"`
	Downgraded int `json:"downgraded"`
	Rerated    int `json:"rerated"`
	InProgress int `json:"in_progress"`
}

// historySets is what the history needs of the scorecards, read before the
// load's transaction: for each scorecard number the version dossiers point
// to (the one in force, or the newest when none is: the published copy's
// sets 4 and 11 do not validate and stay drafts), and the trees of the
// versions in force, which the current round is scored on.
type historySets struct {
	ids    map[int]int64
	active map[int]*evaluation.CriteriaSet
}

func loadHistorySets(ctx context.Context, d *db.DB) (*historySets, error) {
	cards := evaluation.NewScorecards(d, nil)
	ids, err := cards.ActiveIDs(ctx)
	if err != nil {
		return nil, fmt.Errorf("demo history: scorecards: %w", err)
	}
	hs := &historySets{ids: map[int]int64{}, active: map[int]*evaluation.CriteriaSet{}}
	for no, id := range ids {
		set, err := cards.GetSet(ctx, nil, id)
		if err != nil {
			return nil, fmt.Errorf("demo history: scorecard %d: %w", no, err)
		}
		hs.ids[no], hs.active[no] = id, set
	}
	rows, err := d.QueryContext(ctx, "SELECT set_no, id FROM criteria_sets ORDER BY set_no, version, id")
	if err != nil {
		return nil, fmt.Errorf("demo history: scorecards: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var no int
		var id int64
		if err := rows.Scan(&no, &id); err != nil {
			return nil, err
		}
		if hs.active[no] == nil {
			hs.ids[no] = id
		}
	}
	return hs, rows.Err()
}

// historyInput is what the history needs besides the writer.
type historyInput struct {
	units    *adminunit.Units
	cats     *registry.Categories
	accounts *account.Service
	password string // the demo accounts' password, for the extra council members
	sets     *historySets
	seed     int64
}

type hUser struct {
	id   int64
	name string
}

type hProduct struct {
	id, producerID                      int64
	code, name, category                string
	star                                int
	pot5                                bool
	year                                int
	created                             time.Time
	producer, kind, rep, phone, address string
	commune, district, regNo            string
	setNo                               int
	user                                hUser // the producer's demo account, if any
	certs                               []*hCert
	open                                *hDossier // a dossier not yet decided
	pend                                *hPending // the re-rating the rounds so far did not decide
	revoke                              bool
}

// hPending is a re-rating due after the last decided round.
type hPending struct {
	basis           *hCert
	filed, proposed evaluation.Date
}

type hRound struct {
	id         int64
	level      evaluation.Level
	rule       evaluation.Round
	decided    evaluation.Date // the day of its decisions
	formed     evaluation.Date // the day its councils were formed
	closeAt    time.Time       // when its councils closed scoring
	lo, hi     evaluation.Date // the proposals it took
	past, used bool
	city       *hCouncil
	districts  map[string]*hCouncil
	decisions  map[string]*hDecision // "" for the province or the Ministry, else the old district
}

type hMember struct {
	user       hUser
	role, dept string
}

type hCouncil struct {
	id       int64
	round    *hRound
	level    evaluation.Level
	name, no string
	formed   evaluation.Date
	closed   bool
	closeAt  time.Time
	members  []hMember
	dossiers []*hDossier
}

func (c *hCouncil) scorers() []hMember {
	var out []hMember
	for _, m := range c.members {
		if evaluation.CouncilRoleScores(m.role) {
			out = append(out, m)
		}
	}
	return out
}

func (c *hCouncil) chair() hMember {
	for _, m := range c.members {
		if m.role == evaluation.CouncilRoleChair {
			return m
		}
	}
	return c.members[0]
}

type hDecision struct {
	id        int64
	number    string
	on        evaluation.Date
	authority evaluation.Authority
	signer    string
	round     *hRound
	kind      string
}

type hCert struct {
	id                         int64
	number                     string
	p                          *hProduct
	d                          *hDossier
	dec                        *hDecision
	star                       int
	pot5                       bool
	issued                     evaluation.Date
	ruleSet                    evaluation.RuleSet
	authority                  evaluation.Authority
	revoked, concluded         evaluation.Date
	ground, reason, conclusion string
	revokeDec                  *hDecision
	next                       *hCert // superseded_by
}

func (c *hCert) expires() evaluation.Date { return evaluation.Expiry(c.issued) }

// hSeat is a dossier before a council, with the result once it closed.
type hSeat struct {
	c   *hCouncil
	at  time.Time
	res *evaluation.Result
}

// hItem is what a decision did to a dossier.
type hItem struct {
	dec     *hDecision
	seat    *hSeat
	outcome string
	star    int
	cert    *hCert
}

type hDossier struct {
	id                        int64
	p                         *hProduct
	kind                      evaluation.DossierKind
	setID                     int64
	round                     *hRound
	basis                     *hCert
	regNo                     string
	created                   time.Time
	filed, proposed, complete evaluation.Date
	returned, resubmitted     evaluation.Date
	returnItems               []string
	rejected, withdrawn       evaluation.Date
	rejectReason              string
	seats                     []*hSeat
	items                     []hItem
	self                      float64 // the self-assessment's level; 0: none written
	selfPartial               bool
	final                     evaluation.State // the state its timeline ends in (write)
	inProgress                bool             // not decided yet: its steps are the demo accounts'
}

// hStep is one rating in a product's timeline before it gets its star.
type hStep struct {
	kind            evaluation.DossierKind
	round           *hRound
	filed, proposed evaluation.Date
	fail            bool
	star            int
	pot5            bool
	ministry        *hRound // 5★: the Ministry's round after the province's approval
}

// hist is the history being built.
type hist struct {
	w        *writer
	in       historyInput
	r        *rand.Rand
	today    evaluation.Date
	cal      evaluation.HolidayCalendar
	users    map[string]hUser
	members  []hMember // the city council
	products []*hProduct
	prov     []*hRound // provincial rounds, past then the current one
	current  *hRound
	ministry map[[2]int]*hRound
	councils []*hCouncil
	decs     []*hDecision
	dossiers []*hDossier
	certs    []*hCert
	numbers  map[string]bool
	// Rows written last, by pointer until the ids are known: inspections,
	// advisory notes, scores and submitted sheets.
	insp, notes, scores, sheets [][]any
	stats                       HistoryStats
}

// councilUsers are the extra members of the demo councils, besides the
// "council" account: a chair from the city's People's Committee, members
// from the departments, an advisory-group expert. The names are invented.
var councilUsers = []struct{ username, name string }{
	{"hd.chutich", "Trần Minh Hoàng"}, {"hd.congthuong", "Phạm Thu Hằng"}, {"hd.khcn", "Đỗ Văn Thịnh"},
	{"hd.yte", "Bùi Thị Ngọc Lan"}, {"hd.tuvan", "Hoàng Đức Long"},
}

// history writes the evaluation history in the load's transaction and
// returns its summary and the usernames of the extra council members.
func (w *writer) history(in historyInput) (HistoryStats, []string, error) {
	h := &hist{w: w, in: in, r: rand.New(rand.NewPCG(uint64(in.seed), historyStream)), today: evaluation.VietnamDate(w.now),
		cal: evaluation.DefaultHolidays(), users: map[string]hUser{}, ministry: map[[2]int]*hRound{}, numbers: map[string]bool{decision1147: true}}
	extra, err := h.loadUsers()
	if err != nil {
		return HistoryStats{}, nil, err
	}
	if err := h.loadProducts(); err != nil {
		return HistoryStats{}, nil, err
	}
	h.planRounds()
	if len(h.prov) == 0 || !h.prov[0].past {
		// A clock before Hanoi's first round: nothing to record.
		return HistoryStats{}, extra, nil
	}
	for _, p := range h.products {
		steps := h.chain(p)
		h.materialize(p, steps)
	}
	h.revocations()
	h.inspections()
	h.inProgress()
	h.topUps()
	h.centralRound()
	if err := h.currentCouncils(); err != nil {
		return HistoryStats{}, nil, err
	}
	if err := h.write(); err != nil {
		return HistoryStats{}, nil, err
	}
	return h.stats, extra, nil
}

func (h *hist) loadUsers() ([]string, error) {
	var extra []string
	for _, u := range councilUsers {
		x, err := h.in.accounts.CreateUserTx(h.w.ctx, h.w.tx, system, account.NewUser{Username: u.username, DisplayName: u.name,
			Role: account.RoleCouncil, Password: h.in.password})
		if err != nil {
			return nil, fmt.Errorf("create demo council member %s: %w", u.username, err)
		}
		extra = append(extra, u.username)
		h.users[u.username] = hUser{x.ID, x.DisplayName}
	}
	rows, err := h.w.tx.QueryContext(h.w.ctx, "SELECT id, username, display_name FROM users WHERE username IN ('office', 'council', 'battrang', 'quangvinh')")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var u hUser
		var name string
		if err := rows.Scan(&u.id, &name, &u.name); err != nil {
			return nil, err
		}
		h.users[name] = u
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, n := range []string{"office", "council", "battrang", "quangvinh"} {
		if h.users[n].id == 0 {
			return nil, fmt.Errorf("demo history: no demo account %s", n)
		}
	}
	h.members = []hMember{{h.users["hd.chutich"], evaluation.CouncilRoleChair, "people_committee"},
		{h.users["council"], evaluation.CouncilRoleMember, "agri_env"},
		{h.users["hd.congthuong"], evaluation.CouncilRoleMember, "industry_trade"},
		{h.users["hd.khcn"], evaluation.CouncilRoleMember, "science_tech"},
		{h.users["hd.yte"], evaluation.CouncilRoleMember, "health"},
		{h.users["office"], evaluation.CouncilRoleSecretary, "ocop_office"},
		{h.users["hd.tuvan"], evaluation.CouncilRoleAdvisor, "other"}}
	return extra, nil
}

// loadProducts reads back the registry the load just wrote, in id order
// (the order of the plan), with each product's planned star.
func (h *hist) loadProducts() error {
	var quangVinh int64
	if err := h.w.tx.QueryRowContext(h.w.ctx, "SELECT producer_id FROM producer_links WHERE user_id = ?", h.users["quangvinh"].id).Scan(&quangVinh); err != nil {
		return fmt.Errorf("demo history: quangvinh's producer: %w", err)
	}
	rows, err := h.w.tx.QueryContext(h.w.ctx, `SELECT p.id, p.code, p.name, p.category_code, p.created_at, d.star, d.potential5, d.first_year,
		pr.id, pr.name, pr.kind, pr.representative, pr.phone, pr.address_line, pr.commune_code, COALESCE(pr.legacy_district_code, ''),
		COALESCE(pr.registration_no, '')
		FROM products p JOIN demo_plan d ON d.product_id = p.id JOIN producers pr ON pr.id = p.producer_id ORDER BY p.id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		p := &hProduct{}
		if err := rows.Scan(&p.id, &p.code, &p.name, &p.category, &p.created, &p.star, &p.pot5, &p.year, &p.producerID, &p.producer, &p.kind,
			&p.rep, &p.phone, &p.address, &p.commune, &p.district, &p.regNo); err != nil {
			return err
		}
		if c, ok := h.in.cats.Get(p.category); ok {
			p.setNo = c.ScorecardSet
		}
		if h.in.sets.ids[p.setNo] == 0 {
			return fmt.Errorf("demo history: product %s: no scorecard for category %s", p.code, p.category)
		}
		if p.producerID == quangVinh {
			p.user = h.users["quangvinh"]
		}
		h.products = append(h.products, p)
	}
	return rows.Err()
}

// workingDay moves d forward to a working day: decisions are signed on
// working days.
func (h *hist) workingDay(d evaluation.Date) evaluation.Date {
	for !h.cal.IsWorkingDay(d) {
		d = d.AddDays(1)
	}
	return d
}

// between returns a day from a to b, both included.
func (h *hist) between(a, b evaluation.Date) evaluation.Date {
	if !b.After(a) {
		return a
	}
	return a.AddDays(h.r.IntN(b.Sub(a) + 1))
}

// at returns a moment of office hours in Hanoi (08:00–17:00) on d, never
// after the load's clock.
func (h *hist) at(d evaluation.Date) time.Time {
	t := d.Time().Add(time.Duration(3600+h.r.IntN(9*3600)) * time.Second)
	if t.After(h.w.now) {
		t = h.w.now.Add(-time.Duration(60+h.r.IntN(3600)) * time.Second)
	}
	return t
}

// planRounds lays out the provincial rounds of Điều 5 from the first one
// under QĐ 1048/QĐ-TTg (21/08/2019) to the round in progress today. Each
// round's decisions fall in its last month (June, December) on a working
// day; round 1 of 2024 is the real QĐ 1147/QĐ-UBND of 04/03/2024.
func (h *hist) planRounds() {
	start := evaluation.RuleSet1048.From()
	for y := 2019; ; y++ {
		for _, rule := range evaluation.ProvincialRounds(y) {
			rd := &hRound{level: evaluation.LevelProvince, rule: rule, districts: map[string]*hCouncil{}, decisions: map[string]*hDecision{}}
			if y == 2024 && rule.No == 1 {
				rd.decided = evaluation.NewDate(2024, time.March, 4)
			} else {
				rd.decided = h.workingDay(evaluation.NewDate(y, rule.DecidedBefore.M, 4+h.r.IntN(20)))
			}
			if rd.decided.Before(start) {
				continue
			}
			prev := evaluation.ProvincialRounds(y - 1)[1].ProposedBefore
			if rule.No == 2 {
				prev = evaluation.ProvincialRounds(y)[0].ProposedBefore
			}
			rd.formed = rd.decided.AddDays(-(28 + h.r.IntN(12)))
			rd.closeAt = h.at(rd.decided.AddDays(-(4 + h.r.IntN(8))))
			rd.lo, rd.hi = prev, rule.ProposedBefore.AddDays(-1)
			if limit := rd.formed.AddDays(-6); limit.Before(rd.hi) {
				rd.hi = limit
			}
			rd.past = rd.decided.Before(h.today)
			h.prov = append(h.prov, rd)
			if !rd.past {
				h.current = rd
				return
			}
		}
	}
}

// placeRound returns the decided round that took a dossier proposed on
// day: the first whose proposals run to that day or later (a dossier
// proposed after a round's councils were formed waits for the next one),
// or nil when no decided round took it.
func (h *hist) placeRound(day evaluation.Date) *hRound {
	for _, rd := range h.prov {
		if rd.past && !rd.hi.Before(day) {
			return rd
		}
	}
	return nil
}

// ministryRound returns the Ministry's round of Điều 5.2 that takes what
// the province proposed on day, with its decision date.
func (h *hist) ministryRound(day evaluation.Date) *hRound {
	rule := evaluation.MinistryRoundFor(day)
	key := [2]int{rule.Year, rule.No}
	if m, ok := h.ministry[key]; ok {
		return m
	}
	m := &hRound{level: evaluation.LevelMinistry, rule: rule, decisions: map[string]*hDecision{}}
	m.decided = h.workingDay(rule.DecidedBefore.AddDays(-(8 + h.r.IntN(14))))
	m.formed = m.decided.AddDays(-(30 + h.r.IntN(10)))
	m.closeAt = h.at(m.decided.AddDays(-(5 + h.r.IntN(7))))
	m.lo, m.hi = day, rule.ProposedBefore.AddDays(-1)
	m.past = m.decided.Before(h.today)
	h.ministry[key] = m
	return m
}

// firstRound picks the round of a product's first rating: a decided round
// of its first year (round 1 for the 5★ products, which went on to the
// Ministry's round of the same year), or the latest decided one when the
// year has none yet.
func (h *hist) firstRound(p *hProduct) *hRound {
	var in []*hRound
	var last *hRound
	for _, rd := range h.prov {
		if !rd.past {
			continue
		}
		if rd.rule.Year == p.year {
			in = append(in, rd)
		}
		if rd.rule.Year <= p.year {
			last = rd
		}
	}
	switch {
	case len(in) == 0 && last != nil:
		return last
	case len(in) == 0:
		return h.prov[0]
	case p.star == 5 || len(in) == 1:
		return in[0]
	case h.r.IntN(100) < 45:
		return in[0]
	}
	return in[1]
}

// chain builds a product's timeline: its first rating, an upgrade for some,
// then at the end of each certificate's 36 months a re-rating, a failed
// re-rating or expiry, and now and then a revocation. The stars come last,
// from the plan (see the top of the file).
func (h *hist) chain(p *hProduct) []hStep {
	r := h.r
	five := p.star == 5
	first := h.firstRound(p)
	st := hStep{kind: evaluation.DossierFirst, round: first, proposed: h.between(first.lo, first.hi)}
	issued := first.decided
	if five {
		// The province's potential-5★ approval goes to the Ministry's next
		// round; on a clock before that round's decision it is still there.
		if m := h.ministryRound(first.decided.AddDays(3 + r.IntN(10))); m.past {
			st.ministry, m.used, issued = m, true, m.decided
		} else {
			st.pot5 = true
		}
	}
	steps := []hStep{st}
	up := p.star == 4 && !p.pot5 && r.IntN(100) < upgradePercent
	down := p.star == 3 && r.IntN(100) < downgradePercent
	if up {
		// An upgrade within the certificate's validity, a round or two
		// later and before its re-rating window.
		var cands []*hRound
		limit := evaluation.Expiry(issued).AddDays(-200)
		for _, rd := range h.prov {
			if rd.past && rd.decided.After(issued.AddDays(120)) && rd.decided.Before(limit) && len(cands) < 2 {
				cands = append(cands, rd)
			}
		}
		if len(cands) > 0 {
			rd := cands[r.IntN(len(cands))]
			lo := rd.lo
			if min := issued.AddDays(60); lo.Before(min) {
				lo = min
			}
			steps = append(steps, hStep{kind: evaluation.DossierUpgrade, round: rd, proposed: h.between(lo, rd.hi)})
			issued = rd.decided
		} else {
			up = false
		}
	}
	for {
		if !five && !p.pot5 && !(down && len(steps) == 1) && h.today.Sub(issued) > 300 && r.IntN(1000) < revokePerMille {
			p.revoke = true
			break
		}
		open, _ := evaluation.ReratingWindow(evaluation.Expiry(issued))
		filed := open.AddDays(r.IntN(56))
		switch {
		case five:
			filed = open.AddDays(r.IntN(8)) // the 5★ holders file early, to reach the Ministry's round in time
		case r.IntN(100) < latePercent:
			filed = open.AddDays(60 + r.IntN(75)) // late, yet before expiry
		}
		proposed := filed.AddDays(6 + r.IntN(15))
		rd := h.placeRound(proposed)
		if rd == nil {
			if !five {
				p.pend = &hPending{filed: filed, proposed: proposed}
			}
			break
		}
		var mr *hRound
		if five {
			if mr = h.ministryRound(rd.decided.AddDays(3 + r.IntN(10))); !mr.past {
				break
			}
			mr.used = true
		}
		forced := five || p.pot5 || (down && len(steps) == 1)
		x := r.IntN(100)
		if !forced && x >= reratePercent+failPercent {
			break // not re-rated: the certificate runs out
		}
		s := hStep{kind: evaluation.DossierRerating, round: rd, filed: filed, proposed: proposed, ministry: mr}
		if !forced && x >= reratePercent {
			s.fail = true
			steps = append(steps, s)
			break
		}
		steps = append(steps, s)
		issued = rd.decided
		if mr != nil {
			issued = mr.decided
		}
	}
	// Stars: the planned one, except before an upgrade (3★), before a
	// downgrade (4★) and on a potential-5★ product's earlier certificates
	// (plain 4★).
	var succ []int
	for i := range steps {
		steps[i].star = p.star
		if !steps[i].fail {
			succ = append(succ, i)
		}
	}
	switch {
	case up:
		steps[0].star = 3
	case down && len(succ) >= 2:
		steps[0].star = 4
	case p.pot5:
		steps[succ[len(succ)-1]].pot5 = true
	}
	return steps
}

// newDossier starts a dossier of a product.
func (h *hist) newDossier(p *hProduct, kind evaluation.DossierKind, basis *hCert) *hDossier {
	d := &hDossier{p: p, kind: kind, basis: basis, setID: h.in.sets.ids[p.setNo]}
	h.dossiers = append(h.dossiers, d)
	return d
}

// filing dates the first steps of a decided dossier: drafted, filed,
// perhaps sent back once, proposed by the commune, found complete by the
// office before the round's councils were formed.
func (h *hist) filing(d *hDossier, filed, proposed, formed evaluation.Date) {
	r := h.r
	if filed.IsZero() || !filed.Before(proposed) {
		filed = proposed.AddDays(-(7 + r.IntN(14)))
	}
	d.filed, d.proposed = filed, proposed
	d.created = h.at(filed.AddDays(-(3 + r.IntN(28))))
	if proposed.Sub(filed) >= 12 && r.IntN(100) < returnPercent {
		d.returned = filed.AddDays(3 + r.IntN(3))
		d.resubmitted = d.returned.AddDays(2 + r.IntN(proposed.Sub(d.returned)-3))
	}
	complete := proposed.AddDays(2 + r.IntN(10))
	if !complete.Before(formed) {
		complete = formed.AddDays(-1)
	}
	if complete.Before(proposed) {
		complete = proposed
	}
	d.complete = complete
}

// ratingCouncil returns the council of a round that rates a star: the
// district's under 148/QĐ-TTg for 3★, otherwise the city's.
func (h *hist) ratingCouncil(rd *hRound, auth evaluation.Authority, p *hProduct) *hCouncil {
	if auth == evaluation.AuthorityDistrict {
		if c, ok := rd.districts[p.district]; ok {
			return c
		}
		name := "Hội đồng đánh giá, phân hạng sản phẩm OCOP " + h.districtName(p.district) + fmt.Sprintf(" năm %d (đợt %d)", rd.rule.Year, rd.rule.No)
		c := &hCouncil{round: rd, level: evaluation.LevelProvince, name: name, no: h.number(rd.formed, "/QĐ-UBND"), formed: rd.formed, closed: true,
			closeAt: rd.closeAt, members: []hMember{
				{h.users["council"], evaluation.CouncilRoleChair, "people_committee"},
				{h.users["hd.congthuong"], evaluation.CouncilRoleMember, "industry_trade"},
				{h.users["hd.khcn"], evaluation.CouncilRoleMember, "science_tech"}}}
		rd.districts[p.district] = c
		h.addCouncil(c)
		return c
	}
	if rd.city == nil {
		var c *hCouncil
		if rd.level == evaluation.LevelMinistry {
			c = &hCouncil{round: rd, level: evaluation.LevelMinistry, no: h.number(rd.formed, h.ministrySuffix(rd.formed)),
				name: fmt.Sprintf("Hội đồng đánh giá, phân hạng sản phẩm OCOP cấp trung ương năm %d (đợt %d)", rd.rule.Year, rd.rule.No),
				members: []hMember{{h.users["hd.khcn"], evaluation.CouncilRoleChair, "ministry"},
					{h.users["council"], evaluation.CouncilRoleMember, "ministry"},
					{h.users["hd.yte"], evaluation.CouncilRoleMember, "ministry"},
					{h.users["hd.congthuong"], evaluation.CouncilRoleMember, "ministry"}}}
		} else {
			c = &hCouncil{round: rd, level: evaluation.LevelProvince, no: h.number(rd.formed, "/QĐ-UBND"),
				name:    fmt.Sprintf("Hội đồng đánh giá, phân hạng sản phẩm OCOP thành phố Hà Nội năm %d (đợt %d)", rd.rule.Year, rd.rule.No),
				members: h.members}
		}
		c.formed, c.closed, c.closeAt = rd.formed, rd.past, rd.closeAt
		rd.city = c
		h.addCouncil(c)
	}
	return rd.city
}

func (h *hist) addCouncil(c *hCouncil) { h.councils = append(h.councils, c) }

func (h *hist) districtName(code string) string {
	if d, ok := h.in.units.OldDistrict(code); ok {
		return lowerFirst(d.FullName)
	}
	return "cấp huyện"
}

// ministrySuffix is the sign of the Ministry's decisions: the Ministry of
// Agriculture and Rural Development until 1 March 2025, then of
// Agriculture and Environment.
func (h *hist) ministrySuffix(on evaluation.Date) string {
	if on.Before(evaluation.NewDate(2025, time.March, 1)) {
		return "/QĐ-BNN-VPĐP"
	}
	return "/QĐ-BNNMT"
}

// number gives a decision number of the year of on, growing through the
// year as a People's Committee's numbers do (Hanoi's reached 1147 on 4
// March 2024), unique among the demo's numbers.
func (h *hist) number(on evaluation.Date, suffix string) string {
	n := on.Time().YearDay()*17 + h.r.IntN(17) + 20
	for {
		s := fmt.Sprintf("%d%s", n, suffix)
		if !h.numbers[s] {
			h.numbers[s] = true
			return s
		}
		n++
	}
}

// decision returns the certify decision of a round for an authority (one
// per district under 148/QĐ-TTg).
func (h *hist) decision(rd *hRound, auth evaluation.Authority, district string) *hDecision {
	key := ""
	if auth == evaluation.AuthorityDistrict {
		key = district
	}
	if x, ok := rd.decisions[key]; ok {
		return x
	}
	x := &hDecision{on: rd.decided, authority: auth, round: rd, kind: evaluation.DecisionCertify}
	switch auth {
	case evaluation.AuthorityMinistry:
		x.number = h.number(rd.decided, h.ministrySuffix(rd.decided))
		x.signer = "Thứ trưởng Bộ Nông nghiệp và Phát triển nông thôn"
		if !rd.decided.Before(evaluation.NewDate(2025, time.March, 1)) {
			x.signer = "Thứ trưởng Bộ Nông nghiệp và Môi trường"
		}
	case evaluation.AuthorityDistrict:
		x.number = h.number(rd.decided, "/QĐ-UBND")
		x.signer = "Chủ tịch UBND " + h.districtName(district)
	default:
		x.authority = evaluation.AuthorityProvince
		if rd.rule.Year == 2024 && rd.rule.No == 1 {
			x.number = decision1147
		} else {
			x.number = h.number(rd.decided, "/QĐ-UBND")
		}
		x.signer = "Phó Chủ tịch UBND thành phố Hà Nội"
	}
	rd.decisions[key] = x
	h.decs = append(h.decs, x)
	return x
}

// histResult is the result a council of the past left: members' totals
// around a mean in the band of the star (below 50 for a failed dossier),
// part scores in the proportions of the parts (40/25/35), and the outcome
// the rules give it. Such councils recorded no per-criterion scores here.
func (h *hist) histResult(c *hCouncil, star int) *evaluation.Result {
	band := map[int][2]float64{2: {41, 49}, 3: {52, 68}, 4: {71, 88}, 5: {90.5, 96}}[star]
	lo := band[0]
	target := lo + h.r.Float64()*(band[1]-lo)
	scorers := c.scorers()
	res := &evaluation.Result{Level: c.level, Members: len(scorers)}
	totals := make([]int, len(scorers))
	sum := 0
	for i := range scorers {
		totals[i] = min(100, max(0, int(math.Round(target+h.r.NormFloat64()*2.5))))
		sum += totals[i]
	}
	// Bring the mean into the band by moving one member at a time.
	for k := 0; evaluation.Band(float64(sum)/float64(len(totals))) != evaluation.Star(star) && k < 200; k++ {
		i := k % len(totals)
		if float64(sum)/float64(len(totals)) < lo {
			totals[i]++
			sum++
		} else {
			totals[i]--
			sum--
		}
	}
	var pa, pb, pc float64
	for i, m := range scorers {
		t := totals[i]
		a := min(40, max(0, int(math.Round(float64(t)*0.4+h.r.NormFloat64()))))
		b := min(25, max(0, int(math.Round(float64(t)*0.25+h.r.NormFloat64()))))
		cc := t - a - b
		if over := cc - 35; over > 0 { // no part above its maximum (40/25/35)
			moveA := min(over, 40-a)
			a, b, cc = a+moveA, b+over-moveA, 35
		}
		res.Totals = append(res.Totals, evaluation.MemberTotal{MemberID: m.user.id, Name: m.user.name, Total: t, A: a, B: b, C: cc})
		pa, pb, pc = pa+float64(a), pb+float64(b), pc+float64(cc)
	}
	n := float64(len(scorers))
	res.Mean = float64(sum) / n
	res.Parts = evaluation.PartScores{A: pa / n, B: pb / n, C: pc / n}
	res.Band = evaluation.Band(res.Mean)
	res.Met = evaluation.MarksMet{Three: true, Four: true, Five: true}
	res.Gate = evaluation.GateStar(res.Band, res.Met)
	res.Star = res.Gate.Star
	if c.level == evaluation.LevelMinistry {
		res.Outcome = evaluation.CentralOutcome(res.Gate)
	} else {
		res.Outcome = evaluation.ProvinceOutcome(res.Gate)
	}
	return res
}

// issue records a certificate and supersedes the product's earlier ones
// that were neither revoked nor superseded (as issueCertificate does).
func (h *hist) issue(p *hProduct, d *hDossier, dec *hDecision, star int, pot5 bool, rs evaluation.RuleSet) *hCert {
	c := &hCert{p: p, d: d, dec: dec, star: star, pot5: pot5, issued: dec.on, ruleSet: rs,
		authority: evaluation.CertifyingAuthority(rs, evaluation.Star(star))}
	for _, o := range p.certs {
		if o.next == nil && o.revoked.IsZero() {
			o.next = c
		}
	}
	p.certs = append(p.certs, c)
	h.certs = append(h.certs, c)
	return c
}

// materialize turns a product's timeline into dossiers, council results,
// decisions and certificates.
func (h *hist) materialize(p *hProduct, steps []hStep) {
	var basis *hCert
	for _, s := range steps {
		d := h.newDossier(p, s.kind, basis)
		d.round = s.round
		rd := s.round
		h.filing(d, s.filed, s.proposed, rd.formed)
		rs := evaluation.RuleSetForDossier(s.kind, d.filed, rd.decided)
		rated := s.star
		switch {
		case s.fail && basis != nil:
			rated = basis.star
		case s.pot5 || s.ministry != nil:
			rated = 4
		}
		auth := evaluation.CertifyingAuthority(rs, evaluation.Star(rated))
		c := h.ratingCouncil(rd, auth, p)
		resStar := s.star
		switch {
		case s.fail:
			resStar = 2
		case s.pot5 || s.ministry != nil:
			resStar = 5
		}
		seat := &hSeat{c: c, at: h.at(c.formed.AddDays(h.r.IntN(4))), res: h.histResult(c, resStar)}
		d.seats = append(d.seats, seat)
		c.dossiers = append(c.dossiers, d)
		dec := h.decision(rd, auth, p.district)
		switch {
		case s.fail:
			d.items = append(d.items, hItem{dec: dec, seat: seat, outcome: evaluation.ItemFailed, star: int(seat.res.Star)})
		case resStar == 5:
			cert := h.issue(p, d, dec, 4, true, rs)
			d.items = append(d.items, hItem{dec: dec, seat: seat, outcome: evaluation.ItemToMinistry, star: 5, cert: cert})
			basis = cert
		default:
			cert := h.issue(p, d, dec, s.star, false, rs)
			d.items = append(d.items, hItem{dec: dec, seat: seat, outcome: evaluation.ItemCertified, star: s.star, cert: cert})
			basis = cert
		}
		if s.ministry != nil {
			m := s.ministry
			mc := h.ratingCouncil(m, evaluation.AuthorityMinistry, p)
			ms := &hSeat{c: mc, at: h.at(mc.formed.AddDays(h.r.IntN(4))), res: h.histResult(mc, 5)}
			d.seats = append(d.seats, ms)
			mc.dossiers = append(mc.dossiers, d)
			d.round = m // a central council's round becomes the dossier's (AssignDossiers)
			mdec := h.decision(m, evaluation.AuthorityMinistry, "")
			cert := h.issue(p, d, mdec, 5, false, evaluation.RuleSetForDossier(s.kind, d.filed, m.decided))
			d.items = append(d.items, hItem{dec: mdec, seat: ms, outcome: evaluation.ItemCertified, star: 5, cert: cert})
			basis = cert
		}
		if !s.fail && s.pot5 {
			p.open = d // waiting for the Ministry
		}
	}
	if p.pend != nil {
		p.pend.basis = basis
	}
}

// Texts of the demo's records. They read like the office's: short,
// factual, in Vietnamese.
var (
	returnItems = []string{
		"Bổ sung phiếu kết quả kiểm nghiệm sản phẩm còn hiệu lực",
		"Bổ sung bản sao giấy chứng nhận đăng ký nhãn hiệu",
		"Hoàn thiện mục tự đánh giá tiêu chí 1.1 và 1.2 kèm minh chứng",
		"Cập nhật bản công bố chất lượng sản phẩm theo nhãn mới",
		"Bổ sung ảnh chụp bao bì, nhãn sản phẩm đang lưu hành",
		"Ghi rõ số lượng lao động địa phương tham gia sản xuất",
	}
	rejectReasons = []string{
		"Sản phẩm chưa có thay đổi so với lần công nhận trước, chưa đủ điều kiện đề nghị nâng hạng (Điều 6.1.b).",
		"Chủ thể không bổ sung hồ sơ trong thời hạn đã hướng dẫn.",
		"Sản phẩm không có giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm còn hiệu lực.",
	}
	findingsOK = []string{
		"Chủ thể duy trì sản xuất ổn định, sử dụng nhãn và biểu trưng OCOP đúng quy định.",
		"Sản phẩm đúng với hồ sơ đánh giá; hồ sơ kiểm nghiệm định kỳ đầy đủ.",
		"Cơ sở sản xuất đảm bảo điều kiện vệ sinh, nguồn nguyên liệu ổn định tại địa phương.",
	}
	findingsWarn = []string{
		"Phiếu kiểm nghiệm định kỳ đã quá hạn; yêu cầu bổ sung trong 30 ngày.",
		"Nhãn sản phẩm in hạng sao chưa đúng mẫu hướng dẫn; yêu cầu điều chỉnh ở lô sản xuất tiếp theo.",
	}
	noteBodies = []string{
		"Khảo sát thực tế tại cơ sở sản xuất: quy trình, nhà xưởng và vùng nguyên liệu đúng như hồ sơ.",
		"Đề nghị bổ sung phiếu kiểm nghiệm chỉ tiêu vi sinh của lô sản xuất gần nhất.",
		"Rà soát hồ sơ: câu chuyện sản phẩm đầy đủ, bao bì đã có tem truy xuất nguồn gốc.",
		"Đã lấy mẫu gửi kiểm nghiệm bổ sung tại đơn vị được chỉ định.",
	}
)

// revocations revokes the latest certificate of the products chosen for it,
// on a ground of Điều 8.1 and the conclusion it rests on, within the 15
// days of Điều 8.4.
func (h *hist) revocations() {
	grounds := []string{evaluation.GroundCriteriaNotMet, evaluation.GroundCriteriaNotMet, evaluation.GroundLawViolation,
		evaluation.GroundMarkMisuse, evaluation.GroundStoppedProducing, evaluation.GroundStoppedProducing}
	for _, p := range h.products {
		if !p.revoke || len(p.certs) == 0 {
			continue
		}
		c := p.certs[len(p.certs)-1]
		last := c.expires().AddDays(-30)
		if y := h.today.AddDays(-2); y.Before(last) {
			last = y
		}
		first := c.issued.AddDays(240)
		if last.Before(first) {
			continue
		}
		c.revoked = h.workingDay(h.between(first, last))
		if !c.revoked.Before(h.today) {
			c.revoked = c.revoked.AddDays(-7)
		}
		c.concluded = c.revoked.AddDays(-(3 + h.r.IntN(10)))
		c.ground = grounds[h.r.IntN(len(grounds))]
		sn := "SNN"
		if !c.concluded.Before(evaluation.NewDate(2025, time.March, 1)) {
			sn = "SNNMT"
		}
		switch c.ground {
		case evaluation.GroundStoppedProducing:
			c.conclusion = fmt.Sprintf("Biên bản số %d/BB-UBND ngày %s của UBND %s xác nhận chủ thể đã ngừng sản xuất sản phẩm",
				10+h.r.IntN(80), viDate(c.concluded), h.communeName(p.commune))
			c.reason = "Chủ thể ngừng sản xuất, kinh doanh sản phẩm (Điều 8.1.đ)."
		default:
			c.conclusion = fmt.Sprintf("Kết luận kiểm tra số %d/KL-%s ngày %s", 20+h.r.IntN(300), sn, viDate(c.concluded))
			c.reason = map[string]string{
				evaluation.GroundCriteriaNotMet: "Kiểm tra định kỳ cho thấy sản phẩm không còn đáp ứng tiêu chí của hạng sao đã công nhận (Điều 8.1.b).",
				evaluation.GroundLawViolation:   "Vi phạm quy định về an toàn thực phẩm theo kết luận thanh tra (Điều 8.1.c).",
				evaluation.GroundMarkMisuse:     "Sử dụng biểu trưng OCOP trên sản phẩm khác, gây hiểu nhầm cho người tiêu dùng (Điều 8.1.d).",
			}[c.ground]
			h.insp = append(h.insp, []any{c, dateText(c.concluded), evaluation.InspectionAdHoc,
				"Kiểm tra đột xuất theo phản ánh: " + strings.TrimSuffix(c.reason, "."), evaluation.ConclusionViolation, h.at(c.concluded)})
		}
		dec := &hDecision{number: h.number(c.revoked, "/QĐ-UBND"), on: c.revoked, authority: evaluation.RevocationAuthority(evaluation.Star(c.star)),
			signer: "Phó Chủ tịch UBND thành phố Hà Nội", kind: evaluation.DecisionRevoke}
		c.revokeDec = dec
		h.decs = append(h.decs, dec)
	}
}

// inspections records periodic and unannounced checks of some certified
// products (Điều 9).
func (h *hist) inspections() {
	for _, c := range h.certs {
		if h.r.IntN(100) >= inspectPercent {
			continue
		}
		end := c.expires()
		if c.next != nil {
			end = c.next.issued
		}
		if !c.revoked.IsZero() {
			end = c.concluded
		}
		if y := h.today.AddDays(-1); y.Before(end) {
			end = y
		}
		from := c.issued.AddDays(150)
		if !from.Before(end) {
			continue
		}
		on := h.workingDay(h.between(from, end.AddDays(-3)))
		kind, concl, text := evaluation.InspectionPeriodic, evaluation.ConclusionCompliant, findingsOK[h.r.IntN(len(findingsOK))]
		if h.r.IntN(5) == 0 {
			kind = evaluation.InspectionAdHoc
		}
		if h.r.IntN(100) < 15 {
			concl, text = evaluation.ConclusionWarning, findingsWarn[h.r.IntN(len(findingsWarn))]
		}
		h.insp = append(h.insp, []any{c, dateText(on), kind, text, concl, h.at(on)})
	}
}

// inProgress files the re-ratings due after the last decided round for
// most products in their window, and moves each as far as the days since
// allow: with the commune, proposed, found complete.
func (h *hist) inProgress() {
	for _, p := range h.products {
		pd := p.pend
		if pd == nil || pd.basis == nil || p.open != nil || p.revoke || h.in.sets.active[p.setNo] == nil || pd.basis.star == 5 {
			continue
		}
		if open, _ := evaluation.ReratingWindow(pd.basis.expires()); open.After(h.today) || h.r.IntN(100) >= inProgressPercent {
			continue
		}
		h.startDossier(p, evaluation.DossierRerating, pd.basis, pd.filed, pd.proposed, "")
	}
}

// startDossier creates a dossier not yet decided and moves it along its
// dates up to the day before the load: want forces a state for the
// commune's and office's queues ("" lets the dates decide).
func (h *hist) startDossier(p *hProduct, kind evaluation.DossierKind, basis *hCert, filed, proposed evaluation.Date, want evaluation.State) *hDossier {
	r := h.r
	yesterday := h.today.AddDays(-1)
	created := filed.AddDays(-(3 + r.IntN(18)))
	if want == evaluation.StateDraft {
		created = h.today.AddDays(-(1 + r.IntN(12)))
	}
	if !created.Before(h.today) {
		return nil
	}
	d := h.newDossier(p, kind, basis)
	d.inProgress, p.open = true, d
	d.created = h.at(created)
	d.self, d.selfPartial = h.selfLevel(p), true
	if want == evaluation.StateDraft || !filed.Before(h.today) {
		return d
	}
	d.filed, d.selfPartial = filed, false
	switch want {
	case evaluation.StateRejected:
		d.rejected = h.between(filed.AddDays(3), yesterday)
		d.rejectReason = rejectReasons[r.IntN(len(rejectReasons))]
		p.open = nil
		return d
	case evaluation.StateWithdrawn:
		d.withdrawn = h.between(filed.AddDays(2), yesterday)
		p.open = nil
		return d
	}
	if want == evaluation.StateReturned || want == "" && !proposed.Before(h.today) && r.IntN(100) < 22 && filed.AddDays(4).Before(h.today) {
		d.returned = h.between(filed.AddDays(3), yesterday)
		for _, i := range r.Perm(len(returnItems))[:1+r.IntN(2)] {
			d.returnItems = append(d.returnItems, returnItems[i])
		}
		return d
	}
	if want == evaluation.StateSubmitted || !proposed.Before(h.today) {
		return d
	}
	if proposed.Sub(filed) >= 12 && r.IntN(100) < returnPercent {
		d.returned = filed.AddDays(3 + r.IntN(3))
		d.resubmitted = d.returned.AddDays(2 + r.IntN(proposed.Sub(d.returned)-3))
	}
	d.proposed = proposed
	complete := proposed.AddDays(3 + r.IntN(12))
	if want == evaluation.StateProposed || !complete.Before(h.today) {
		return d
	}
	d.complete = complete
	return d
}

// selfLevel is how well a producer rates itself: around the band of the
// star it holds, a little generously.
func (h *hist) selfLevel(p *hProduct) float64 {
	base := 0.64
	if p.star >= 4 {
		base = 0.80
	}
	return base + 0.04 + h.r.Float64()*0.06
}

// topUps adds upgrade dossiers still in the commune's hands, so that the
// commune's queues, the Bát Tràng officer's among them, have work in every
// state (the re-ratings of the current round are mostly past the commune),
// and a few refused or withdrawn ones.
func (h *hist) topUps() {
	var cands, battrang []*hProduct
	for _, p := range h.products {
		if p.open != nil || p.revoke || len(p.certs) == 0 || h.in.sets.active[p.setNo] == nil {
			continue
		}
		c := p.certs[len(p.certs)-1]
		if c.star != 3 || c.next != nil || c.expires().Before(h.today.AddDays(200)) || h.today.Sub(c.issued) < 150 {
			continue
		}
		if p.commune == battrangCommune {
			battrang = append(battrang, p)
		} else {
			cands = append(cands, p)
		}
	}
	want := []evaluation.State{evaluation.StateDraft, evaluation.StateDraft, evaluation.StateSubmitted, evaluation.StateSubmitted,
		evaluation.StateSubmitted, evaluation.StateReturned, evaluation.StateReturned, evaluation.StateProposed}
	for i, s := range want {
		if i < len(battrang) {
			h.upgrade(battrang[i], s)
		}
	}
	spread := []evaluation.State{evaluation.StateDraft, evaluation.StateDraft, evaluation.StateDraft, evaluation.StateDraft,
		evaluation.StateSubmitted, evaluation.StateSubmitted, evaluation.StateSubmitted, evaluation.StateSubmitted, evaluation.StateSubmitted,
		evaluation.StateReturned, evaluation.StateReturned, evaluation.StateReturned, evaluation.StateProposed, evaluation.StateProposed,
		evaluation.StateProposed, evaluation.StateRejected, evaluation.StateRejected, evaluation.StateRejected,
		evaluation.StateWithdrawn, evaluation.StateWithdrawn}
	for i, k := range h.r.Perm(len(cands)) {
		if i >= len(spread) {
			break
		}
		h.upgrade(cands[k], spread[i])
	}
}

// upgrade starts an upgrade dossier in a given state.
func (h *hist) upgrade(p *hProduct, s evaluation.State) {
	c := p.certs[len(p.certs)-1]
	back := map[evaluation.State]int{evaluation.StateDraft: 0, evaluation.StateSubmitted: 2 + h.r.IntN(16), evaluation.StateReturned: 12 + h.r.IntN(15),
		evaluation.StateProposed: 25 + h.r.IntN(10), evaluation.StateRejected: 30 + h.r.IntN(40), evaluation.StateWithdrawn: 20 + h.r.IntN(30)}[s]
	filed := h.today.AddDays(-back)
	if s == evaluation.StateDraft {
		filed = h.today.AddDays(5)
	}
	proposed := h.today.AddDays(10)
	if s == evaluation.StateProposed {
		proposed = filed.AddDays(8 + h.r.IntN(8))
	}
	h.startDossier(p, evaluation.DossierUpgrade, c, filed, proposed, s)
}

// centralRound puts the most recent potential-5★ proposals before the
// Ministry's council of its next round, which has just started scoring.
func (h *hist) centralRound() {
	var waiting []*hDossier
	for _, p := range h.products {
		if d := p.open; d != nil && !d.inProgress {
			waiting = append(waiting, d)
		}
	}
	if len(waiting) == 0 {
		return
	}
	slices.SortStableFunc(waiting, func(a, b *hDossier) int { return -a.items[0].dec.on.Compare(b.items[0].dec.on) })
	m := h.ministryRound(h.today)
	m.used, m.past = true, false
	m.formed = h.today.AddDays(-12)
	c := h.ratingCouncil(m, evaluation.AuthorityMinistry, waiting[0].p)
	c.closed = false
	for _, d := range waiting[:min(2, len(waiting))] {
		d.seats = append(d.seats, &hSeat{c: c, at: h.at(c.formed.AddDays(1))})
		d.round = m
		c.dossiers = append(c.dossiers, d)
	}
}

// currentCouncils forms the current round's councils from the dossiers
// the office found complete in time: the first has closed scoring, its
// results computed from the members' sheets by the platform's own rules
// (evaluation.ComputeResult); the second is scoring, some sheets
// submitted, some half done.
func (h *hist) currentCouncils() error {
	cur := h.current
	if cur == nil {
		return nil
	}
	var ready []*hDossier
	for _, d := range h.dossiers {
		if d.inProgress && !d.complete.IsZero() && !d.proposed.Before(cur.lo) && d.proposed.Before(cur.rule.ProposedBefore) {
			ready = append(ready, d)
		}
	}
	slices.SortStableFunc(ready, func(a, b *hDossier) int { return cmp.Or(a.complete.Compare(b.complete), cmp.Compare(a.p.id, b.p.id)) })
	cur.used = true
	mk := func(no int, formed evaluation.Date) *hCouncil {
		c := &hCouncil{round: cur, level: evaluation.LevelProvince, formed: formed, members: h.members, no: h.number(formed, "/QĐ-UBND"),
			name: fmt.Sprintf("Hội đồng đánh giá, phân hạng sản phẩm OCOP thành phố Hà Nội năm %d (đợt %d) – Tiểu ban %d", cur.rule.Year, cur.rule.No, no)}
		h.addCouncil(c)
		return c
	}
	a := mk(1, h.today.AddDays(-32))
	a.closed, a.closeAt = true, h.at(h.today.AddDays(-3))
	b := mk(2, h.today.AddDays(-9))
	take := func(c *hCouncil, n int) {
		for len(ready) > 0 && len(c.dossiers) < n && ready[0].complete.Before(c.formed) {
			d := ready[0]
			ready = ready[1:]
			d.round = cur
			d.seats = append(d.seats, &hSeat{c: c, at: h.at(c.formed.AddDays(h.r.IntN(2)))})
			c.dossiers = append(c.dossiers, d)
		}
	}
	take(a, closedCouncilSize)
	take(b, openCouncilSize)
	take(mk(3, h.today.AddDays(-2)), newCouncilSize)
	for i, d := range a.dossiers {
		if err := h.score(a, d, i, true); err != nil {
			return err
		}
	}
	for i, d := range b.dossiers {
		if err := h.score(b, d, i, false); err != nil {
			return err
		}
		if i < 8 {
			on := h.between(b.formed, h.today.AddDays(-1))
			h.notes = append(h.notes, []any{d, []string{"field_visit", "review", "lab_test"}[i%3], noteBodies[h.r.IntN(len(noteBodies))], dateText(on), h.at(on), h.users["hd.tuvan"].id})
		}
	}
	return nil
}

// score fills in the council members' sheets for a dossier of the current
// round. Members answer each criterion on the product's scorecard in force
// with the option closest to their view of the product; a closed council
// has every sheet and a result computed by evaluation.ComputeResult.
func (h *hist) score(c *hCouncil, d *hDossier, i int, closed bool) error {
	set := h.in.sets.active[d.p.setNo]
	level := 0.60
	if d.basis != nil && d.basis.star >= 4 {
		level = 0.78
	}
	switch x := h.r.IntN(100); {
	case x < 8:
		level = 0.93 // a candidate for 5★
	case x < 18:
		level += 0.12
	case x < 28:
		level -= 0.14
	case x < 32:
		level = 0.42
	}
	caseNo := 0
	if set.SetNo == 26 {
		caseNo = 1 + h.r.IntN(2)
	}
	scorers := c.scorers()
	var sheets []evaluation.MemberSheet
	for k, m := range scorers {
		// In the council still scoring, the chair and one member have
		// submitted; the demo "council" account and the others are part
		// way or have not started, so there is scoring left to do.
		n := set.CriterionCount()
		submitted := closed
		if !closed {
			switch {
			case k < 1 || (k == 2 && i%2 == 0):
				submitted = true
			case m.user.id == h.users["council"].id:
				n = []int{0, n / 2, 0, n / 3}[i%4]
			case k == 3:
				n = n / 2 * (i % 2)
			default:
				n = 0
			}
		}
		if n == 0 {
			continue
		}
		choices := h.sheet(set, level+h.r.NormFloat64()*0.03, caseNo)
		at := c.formed.AddDays(1 + h.r.IntN(max(1, h.today.AddDays(-4).Sub(c.formed))))
		total, j := 0, 0
		set.Each(func(_ *evaluation.Part, _ *evaluation.Section, cr *evaluation.Criterion) {
			if j >= n {
				return
			}
			j++
			ch := choices[cr.ID]
			total += ch.Points
			h.scores = append(h.scores, []any{c, d, m.user.id, cr.ID, ch.OptionID, ch.Points, h.at(at), false})
		})
		if submitted {
			h.sheets = append(h.sheets, []any{c, d, m.user.id, total, h.at(at)})
			sheets = append(sheets, evaluation.MemberSheet{MemberID: m.user.id, Name: m.user.name, Choices: choices})
		}
	}
	if !closed {
		return nil
	}
	res, err := evaluation.ComputeResult(set, evaluation.LevelProvince, sheets)
	if err != nil {
		return fmt.Errorf("demo history: result of %s on scorecard %d: %w", d.p.code, set.SetNo, err)
	}
	d.seats[len(d.seats)-1].res = &res
	return nil
}

// sheet draws one member's answers: on each criterion the option whose
// points are nearest to the share level of its maximum, give or take the
// member's own judgement, within one alternative case on set 26. A product
// of a given level mostly reaches the options the scorecard marks as the
// minimum for its star and the stars below; now and then a member finds it
// short of one, and where most members do, the result is capped
// (evaluation.GateStar).
func (h *hist) sheet(set *evaluation.CriteriaSet, level float64, caseNo int) map[int64]evaluation.Choice {
	star := 2
	switch {
	case level >= 0.9:
		star = 5
	case level >= 0.7:
		star = 4
	case level >= 0.5:
		star = 3
	}
	out := map[int64]evaluation.Choice{}
	set.Each(func(_ *evaluation.Part, _ *evaluation.Section, c *evaluation.Criterion) {
		if c.YesNo && len(c.Options) > 0 {
			o := c.Options[0]
			pts := 0
			if h.r.Float64() < level {
				pts = optPoints(o)
			}
			out[c.ID] = evaluation.Choice{OptionID: o.ID, Points: pts}
			return
		}
		max := float64(c.MaxPoints())
		target := level*max + h.r.NormFloat64()*0.2*max
		best, dist := -1, math.Inf(1)
		for k, o := range c.Options {
			if o.Case != 0 && caseNo != 0 && o.Case != caseNo {
				continue
			}
			if x := math.Abs(float64(optPoints(o))-target) + h.r.Float64()*0.01; x < dist {
				best, dist = k, x
			}
		}
		if best < 0 {
			best = 0
		}
		if h.r.IntN(100) < 94 {
			for k, o := range c.Options {
				if o.Star >= 3 && o.Star <= star && (o.Case == 0 || caseNo == 0 || o.Case == caseNo) && optPoints(o) > optPoints(c.Options[best]) {
					best = k
				}
			}
		}
		o := c.Options[best]
		out[c.ID] = evaluation.Choice{OptionID: o.ID, Points: optPoints(o)}
	})
	return out
}

func optPoints(o evaluation.Option) int {
	if o.Points.OK {
		return o.Points.Value
	}
	return 0
}

func dateText(d evaluation.Date) string { return d.String() }

// viDate prints a date as Vietnamese documents do: 04/03/2024.
func viDate(d evaluation.Date) string { return fmt.Sprintf("%02d/%02d/%d", d.D, int(d.M), d.Y) }

func (h *hist) communeName(code string) string {
	if w, ok := h.in.units.Ward(code); ok {
		return lowerFirst(w.FullName)
	}
	return "xã"
}

func scoreText(mean float64) string {
	x := evaluation.ScoreHundredths(mean)
	return fmt.Sprintf("%d,%02d", x/100, x%100)
}

// hEvent is one row of a dossier's timeline.
type hEvent struct {
	at       time.Time
	actor    hUser
	from, to evaluation.State
	note     string
}

// producerActor, communeActor and officeActor name who took a step: the
// producer (its demo account for Quang Vinh), the commune (the Bát Tràng
// officer's account there), the programme office.
func (h *hist) producerActor(p *hProduct) hUser {
	switch {
	case p.user.id != 0:
		return p.user
	case p.rep != "":
		return hUser{name: p.rep}
	}
	return hUser{name: p.producer}
}

func (h *hist) communeActor(p *hProduct) hUser {
	if p.commune == battrangCommune {
		return h.users["battrang"]
	}
	return hUser{name: "UBND " + h.communeName(p.commune)}
}

// events is a dossier's timeline from its dates, seats and decisions, in
// the order the workflow (evaluation.Next) allows.
func (h *hist) events(d *hDossier) []hEvent {
	p := d.p
	var out []hEvent
	state := evaluation.State("")
	move := func(t time.Time, who hUser, to evaluation.State, note string) {
		if n := len(out); n > 0 && t.Before(out[n-1].at) {
			t = out[n-1].at.Add(time.Minute)
		}
		out = append(out, hEvent{t, who, state, to, note})
		state = to
	}
	move(d.created, h.producerActor(p), evaluation.StateDraft, "")
	if d.filed.IsZero() {
		return out
	}
	move(h.at(d.filed), h.producerActor(p), evaluation.StateSubmitted, d.regNo)
	if !d.returned.IsZero() {
		items := d.returnItems
		if len(items) == 0 {
			items = returnItems[int(p.id)%len(returnItems) : int(p.id)%len(returnItems)+1]
		}
		move(h.at(d.returned), h.communeActor(p), evaluation.StateReturned, strings.Join(items, "; "))
		if d.resubmitted.IsZero() {
			return out
		}
		move(h.at(d.resubmitted), h.producerActor(p), evaluation.StateSubmitted, "")
	}
	switch {
	case !d.rejected.IsZero():
		move(h.at(d.rejected), h.communeActor(p), evaluation.StateRejected, d.rejectReason)
		return out
	case !d.withdrawn.IsZero():
		move(h.at(d.withdrawn), h.producerActor(p), evaluation.StateWithdrawn, "")
		return out
	case d.proposed.IsZero():
		return out
	}
	move(h.at(d.proposed), h.communeActor(p), evaluation.StateProposed, fmt.Sprint(evaluation.RequiredSamples(p.category)))
	if d.complete.IsZero() {
		return out
	}
	office := h.users["office"]
	move(h.at(d.complete), office, evaluation.StateAccepted, "")
	for i, s := range d.seats {
		to := evaluation.StateInCouncil
		if state == evaluation.StateToMinistry {
			to = evaluation.StateCentral
		}
		move(s.at, office, to, fmt.Sprintf("council:%d %s", s.c.id, s.c.name))
		if s.res == nil {
			return out
		}
		move(s.c.closeAt, s.c.chair().user, evaluation.StateScored, fmt.Sprintf("%s: %s điểm, %d★", s.c.name, scoreText(s.res.Mean), int(s.res.Star)))
		if i >= len(d.items) {
			return out
		}
		it := d.items[i]
		to = map[string]evaluation.State{evaluation.ItemCertified: evaluation.StateCertified, evaluation.ItemFailed: evaluation.StateFailed,
			evaluation.ItemToMinistry: evaluation.StateToMinistry}[it.outcome]
		note := fmt.Sprintf("%s %s (%s)", it.dec.number, it.dec.on, it.outcome)
		if it.cert != nil {
			note += " " + it.cert.number
		}
		move(h.at(it.dec.on), office, to, note)
	}
	return out
}

// position is how Mẫu 01 names the representative's office by the kind of
// producer.
var position = map[string]string{
	registry.KindSME: "Giám đốc", registry.KindCooperative: "Giám đốc hợp tác xã", registry.KindCooperativeGroup: "Tổ trưởng tổ hợp tác",
	registry.KindHousehold: "Chủ hộ kinh doanh", registry.KindFarm: "Chủ trang trại", registry.KindAssociation: "Chủ tịch Hội",
	registry.KindFederation: "Chủ tịch Hiệp hội", registry.KindTourismCentre: "Giám đốc",
}

// jsonText encodes a form or a result: plain structs of strings, numbers
// and dates, for which json.Marshal cannot fail.
func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// forms returns the JSON of a dossier's Mẫu 01, Mẫu 02, changes, updates
// and Mẫu 03.
func (h *hist) forms(d *hDossier, communeActor string) (f01, f02, changes, updates, report string) {
	p := d.p
	address := p.address
	if w, ok := h.in.units.Ward(p.commune); ok {
		address = strings.TrimPrefix(strings.TrimSpace(address+", "+w.FullName), ", ")
	}
	f01 = jsonText(evaluation.Form01{UnitName: p.producer, Representative: p.rep, Position: position[p.kind], Address: address, Phone: p.phone,
		ProductName: p.name, CategoryCode: p.category, Samples: evaluation.RequiredSamples(p.category)})
	checks := []string{"business_registration", "quality_declared", "trademark"}
	if !evaluation.IsTourism(p.category) && strings.HasPrefix(p.category, "I") {
		checks = []string{"business_registration", "quality_declared", "food_safety_cert", "trademark"}
	}
	f02 = jsonText(evaluation.Form02{RepresentativeName: p.rep, RegistrationNo: p.regNo, Checks: checks,
		ProductSpec:  p.name + ": sản phẩm của " + p.producer + ", đóng gói và ghi nhãn theo quy định.",
		Organisation: "Tổ chức sản xuất tại " + h.communeName(p.commune) + ", sử dụng lao động và nguyên liệu địa phương.",
		Market:       "Tiêu thụ tại Hà Nội qua cửa hàng giới thiệu sản phẩm OCOP, hội chợ và sàn thương mại điện tử.",
		Plans:        "Duy trì chất lượng, mở rộng thị trường, hoàn thiện truy xuất nguồn gốc."})
	var ch evaluation.Changes
	if d.kind == evaluation.DossierUpgrade {
		ch = evaluation.Changes{Product: "Xây dựng và công bố tiêu chuẩn cơ sở; kiểm nghiệm đầy đủ các chỉ tiêu chất lượng.",
			Packaging: "Thiết kế lại bao bì, nhãn song ngữ, gắn tem truy xuất nguồn gốc.",
			Market:    "Có mặt tại chuỗi bán lẻ và sàn thương mại điện tử; tham gia hội chợ xúc tiến thương mại."}
	}
	var up evaluation.Updates
	if d.kind == evaluation.DossierRerating {
		up = evaluation.Updates{Materials: "Nguyên liệu vẫn lấy tại địa phương, có hợp đồng liên kết với các hộ.",
			QualityDeclaration: "Bản tự công bố chất lượng cập nhật theo nhãn hiện hành.", PeriodicTests: "Phiếu kiểm nghiệm định kỳ hằng năm.",
			Markets: "Thị trường ổn định tại Hà Nội và các tỉnh lân cận.", Output: "Sản lượng tăng so với năm được công nhận.",
			Revenue: "Doanh thu tăng đều qua các năm."}
	}
	var f03 evaluation.Form03
	if !d.proposed.IsZero() {
		f03 = evaluation.Form03{RawMaterials: "Sử dụng nguyên liệu của địa phương là chủ yếu.", Labour: "Sử dụng lao động tại địa phương.",
			IdeaOrigin: "Ý tưởng sản phẩm xuất phát từ nghề truyền thống của địa phương.", Identity: "Sản phẩm mang bản sắc, bí quyết của làng nghề, vùng quê.",
			ReportedOn: d.proposed, ReportedBy: communeActor}
	}
	return f01, f02, jsonText(ch), jsonText(up), jsonText(f03)
}

// sortedRounds lists the rounds that hold something, in date order.
func (h *hist) sortedRounds() []*hRound {
	var out []*hRound
	for _, rd := range h.prov {
		if rd.past || rd.used {
			out = append(out, rd)
		}
	}
	for _, m := range h.ministry {
		if m.used {
			out = append(out, m)
		}
	}
	slices.SortStableFunc(out, func(a, b *hRound) int {
		return cmp.Or(a.decided.Compare(b.decided), cmp.Compare(a.level, b.level), cmp.Compare(a.rule.Year, b.rule.Year))
	})
	return out
}

// write gives the records their ids and numbers and inserts them.
func (h *hist) write() error {
	w := h.w
	next := func(table string) (int64, error) { return w.nextID(table) }
	// Ids in date order, so that the lists read chronologically.
	rounds := h.sortedRounds()
	id, err := next("rounds")
	if err != nil {
		return err
	}
	for i, rd := range rounds {
		rd.id = id + int64(i)
	}
	slices.SortStableFunc(h.councils, func(a, b *hCouncil) int { return cmp.Or(a.formed.Compare(b.formed), strings.Compare(a.name, b.name)) })
	if id, err = next("councils"); err != nil {
		return err
	}
	for i, c := range h.councils {
		c.id = id + int64(i)
	}
	slices.SortStableFunc(h.decs, func(a, b *hDecision) int { return cmp.Or(a.on.Compare(b.on), strings.Compare(a.number, b.number)) })
	if id, err = next("decisions"); err != nil {
		return err
	}
	for i, x := range h.decs {
		x.id = id + int64(i)
	}
	slices.SortStableFunc(h.dossiers, func(a, b *hDossier) int { return cmp.Or(a.created.Compare(b.created), cmp.Compare(a.p.id, b.p.id)) })
	if id, err = next("dossiers"); err != nil {
		return err
	}
	for i, d := range h.dossiers {
		d.id = id + int64(i)
	}
	slices.SortStableFunc(h.certs, func(a, b *hCert) int { return cmp.Or(a.issued.Compare(b.issued), cmp.Compare(a.d.id, b.d.id)) })
	if id, err = next("certificates"); err != nil {
		return err
	}
	seq := map[string]int{}
	for i, c := range h.certs {
		c.id = id + int64(i)
		issuer := provinceCode
		if c.authority == evaluation.AuthorityMinistry {
			issuer = evaluation.MinistryIssuer
		}
		scope := fmt.Sprintf("certificate:%s:%d", issuer, c.issued.Y)
		seq[scope]++
		c.number = evaluation.CertificateNumber(seq[scope], issuer, c.issued.Y)
	}
	// Registration numbers in filing order, per commune and year.
	filed := slices.Clone(h.dossiers)
	slices.SortStableFunc(filed, func(a, b *hDossier) int { return cmp.Or(a.filed.Compare(b.filed), cmp.Compare(a.id, b.id)) })
	for _, d := range filed {
		if d.filed.IsZero() {
			continue
		}
		_, _, stt, _, err := registry.ParseProductCode(d.p.code)
		if err != nil {
			return err
		}
		scope := fmt.Sprintf("pdk:%s:%d", d.p.commune, d.filed.Y)
		seq[scope]++
		if d.regNo, err = evaluation.RegistrationNumber(seq[scope], stt, provinceCode, d.p.commune, d.filed.Y); err != nil {
			return err
		}
	}

	// Rounds.
	var rows [][]any
	for _, rd := range rounds {
		status, version := evaluation.RoundClosed, 2
		if !rd.past {
			status, version = evaluation.RoundOpen, 1
		}
		title := fmt.Sprintf("Đánh giá, phân hạng sản phẩm OCOP thành phố Hà Nội năm %d – đợt %d", rd.rule.Year, rd.rule.No)
		if rd.level == evaluation.LevelMinistry {
			title = fmt.Sprintf("Đánh giá, phân hạng sản phẩm OCOP 5 sao cấp trung ương năm %d – đợt %d", rd.rule.Year, rd.rule.No)
		}
		created := rd.formed.AddDays(-60)
		if !rd.lo.IsZero() && rd.lo.Before(created) {
			created = rd.lo
		}
		rows = append(rows, []any{rd.id, string(rd.level), rd.rule.Year, rd.rule.No, title, dateText(rd.rule.ProposedBefore),
			dateText(rd.rule.DecidedBefore), false, status, h.at(created), version})
	}
	if err := w.insert("rounds", []string{"id", "level", "year", "no", "title", "proposed_before", "decided_before", "extra", "status",
		"created_at", "version"}, rows, ""); err != nil {
		return err
	}
	// Councils and their members.
	rows = rows[:0]
	var members, seats [][]any
	for _, c := range h.councils {
		status := evaluation.CouncilScoring
		if c.closed {
			status = evaluation.CouncilClosed
		}
		rows = append(rows, []any{c.id, c.round.id, string(c.level), c.name, c.no, dateText(c.formed), false, status, h.at(c.formed), 1 + len(c.dossiers)})
		for _, m := range c.members {
			members = append(members, []any{c.id, m.user.id, m.role, m.dept})
		}
		for _, d := range c.dossiers {
			seats = append(seats, []any{c.id, d.id})
		}
	}
	if err := w.insert("councils", []string{"id", "round_id", "level", "name", "decision_no", "formed_on", "written", "status", "created_at", "version"},
		rows, ""); err != nil {
		return err
	}
	if err := w.insert("council_members", []string{"council_id", "user_id", "role", "department"}, members, ""); err != nil {
		return err
	}
	// Decisions.
	rows = rows[:0]
	for _, x := range h.decs {
		var round any
		if x.round != nil {
			round = x.round.id
		}
		rows = append(rows, []any{x.id, x.number, dateText(x.on), string(x.authority), x.signer, round, x.kind, h.at(x.on), nil})
	}
	if err := w.insert("decisions", []string{"id", "number", "decided_on", "authority", "signer", "round_id", "kind", "created_at", "created_by"},
		rows, "history decisions"); err != nil {
		return err
	}
	// Dossiers, with their timelines.
	rows = rows[:0]
	var events [][]any
	for _, d := range h.dossiers {
		evs := h.events(d)
		last := evs[len(evs)-1]
		for _, e := range evs {
			// The demo accounts were opened today: they act on what is in
			// progress; the past names who acted, without an account.
			var actor any
			if e.actor.id != 0 && d.inProgress {
				actor = e.actor.id
			}
			events = append(events, []any{d.id, e.at, actor, e.actor.name, string(e.from), string(e.to), e.note})
		}
		d.final = last.to
		f01, f02, ch, up, f03 := h.forms(d, h.communeActor(d.p).name)
		var regNo, round, basis, createdBy any
		if d.regNo != "" {
			regNo = d.regNo
		}
		if d.round != nil {
			round = d.round.id
		}
		if d.basis != nil {
			basis = d.basis.id
		}
		if d.p.user.id != 0 && d.inProgress {
			createdBy = d.p.user.id
		}
		// The commune's 15 working days run from the latest filing; a
		// dossier sent back keeps its items and the day to resubmit by.
		due, items, returnDue := "", "[]", ""
		switch {
		case last.to == evaluation.StateReturned:
			due = dateText(evaluation.CommuneDeadline(d.filed, h.cal))
			items, returnDue = jsonText(d.returnItems), dateText(d.returned.AddDays(evaluation.ReturnDays))
		case !d.resubmitted.IsZero():
			due = dateText(evaluation.CommuneDeadline(d.resubmitted, h.cal))
		case !d.filed.IsZero():
			due = dateText(evaluation.CommuneDeadline(d.filed, h.cal))
		}
		samples := 0
		if !d.proposed.IsZero() {
			samples = evaluation.RequiredSamples(d.p.category)
		}
		rows = append(rows, []any{d.id, regNo, d.p.id, d.p.producerID, d.p.commune, string(d.kind), string(last.to), d.setID, round, basis,
			f01, f02, ch, up, dateText(d.filed), due, items, returnDue, d.rejectReason, f03, samples, dateText(d.proposed),
			dateText(d.complete), d.created, last.at, createdBy, len(evs)})
	}
	if err := w.insert("dossiers", []string{"id", "reg_no", "product_id", "producer_id", "commune_code", "kind", "state", "criteria_set_id",
		"round_id", "certificate_id", "form01", "form02", "changes", "updates", "filed_on", "commune_due", "return_items", "return_due",
		"reject_reason", "commune_report", "samples", "proposed_on", "complete_on", "created_at", "updated_at", "created_by", "version"},
		rows, "history dossiers"); err != nil {
		return err
	}
	// Certificates, newest first: a certificate refers to the newer one
	// that superseded it, which must already be there.
	rows = rows[:0]
	for i := len(h.certs) - 1; i >= 0; i-- {
		c := h.certs[i]
		var next, revokeDec any
		version := 1
		if c.next != nil {
			next, version = c.next.id, version+1
		}
		if c.revokeDec != nil {
			revokeDec, version = c.revokeDec.id, version+1
		}
		rows = append(rows, []any{c.id, c.number, c.p.id, c.p.producerID, c.d.id, c.dec.id, c.star, c.pot5, dateText(c.issued),
			dateText(c.expires()), string(c.ruleSet), string(c.authority), dateText(c.revoked), c.ground, c.reason, c.conclusion,
			dateText(c.concluded), revokeDec, next, h.at(c.issued), version})
	}
	if err := w.insert("certificates", []string{"id", "number", "product_id", "producer_id", "dossier_id", "decision_id", "star", "potential5",
		"issued_on", "expires_on", "rule_set", "authority", "revoked_on", "revoke_ground", "revoke_reason", "revoke_conclusion",
		"revoke_concluded_on", "revoke_decision", "superseded_by", "created_at", "version"}, rows, "history certificates"); err != nil {
		return err
	}
	if err := w.insert("dossier_events", []string{"dossier_id", "at", "actor_id", "actor_name", "from_state", "to_state", "note"}, events, ""); err != nil {
		return err
	}
	if err := w.insert("council_dossiers", []string{"council_id", "dossier_id"}, seats, ""); err != nil {
		return err
	}
	// Results and what the decisions did.
	var results, items [][]any
	for _, d := range h.dossiers {
		for _, s := range d.seats {
			if s.res == nil {
				continue
			}
			r := s.res
			results = append(results, []any{s.c.id, d.id, string(s.c.level), r.Members, r.Mean, r.Parts.A, r.Parts.B, r.Parts.C, int(r.Band),
				int(r.Star), string(r.Outcome.Kind), jsonText(r), s.c.closeAt})
		}
		for _, it := range d.items {
			var cert any
			if it.cert != nil {
				cert = it.cert.id
			}
			items = append(items, []any{it.dec.id, d.id, it.seat.c.id, it.outcome, it.star, cert})
		}
	}
	if err := w.insert("results", []string{"council_id", "dossier_id", "level", "members", "mean", "part_a", "part_b", "part_c", "band", "star",
		"outcome", "explanation", "computed_at"}, results, ""); err != nil {
		return err
	}
	if err := w.insert("decision_items", []string{"decision_id", "dossier_id", "council_id", "outcome", "star", "certificate_id"}, items, ""); err != nil {
		return err
	}
	if err := h.writeScoring(); err != nil {
		return err
	}
	// Inspections and the advisory group's notes.
	rows = rows[:0]
	for _, x := range h.insp {
		rows = append(rows, []any{x[0].(*hCert).id, x[1], x[2], x[3], x[4], x[5], nil})
	}
	if err := w.insert("inspections", []string{"certificate_id", "on_date", "kind", "findings", "conclusion", "created_at", "created_by"}, rows, ""); err != nil {
		return err
	}
	rows = rows[:0]
	for _, x := range h.notes {
		rows = append(rows, []any{x[0].(*hDossier).id, x[1], x[2], x[3], x[4], x[5]})
	}
	if err := w.insert("advisory_notes", []string{"dossier_id", "kind", "body", "on_date", "created_at", "created_by"}, rows, ""); err != nil {
		return err
	}
	if err := h.sequences(seq); err != nil {
		return err
	}
	if err := h.syncIdentities(); err != nil {
		return err
	}
	if err := h.registeredBefore(); err != nil {
		return err
	}
	h.summarise(len(rounds))
	fmt.Fprintf(w.progress, "history %d rounds, %d dossiers, %d certificates (%d products evaluated, %d valid today)\n",
		h.stats.Rounds, h.stats.Dossiers, h.stats.Certificates, h.stats.Evaluated, h.stats.Valid)
	return account.Audit(w.ctx, w.tx, system, "demo.history", "demo", "", "", nil, h.stats)
}

// writeScoring writes the current round's scores, submitted sheets and
// the producers' self-assessments.
func (h *hist) writeScoring() error {
	w := h.w
	var rows [][]any
	for _, x := range h.scores {
		rows = append(rows, []any{x[0].(*hCouncil).id, x[1].(*hDossier).id, x[2], x[3], x[4], x[5], x[6], 1, x[7]})
	}
	if err := w.insert("scores", []string{"council_id", "dossier_id", "member_id", "criterion_id", "option_id", "points", "updated_at", "version",
		"gate_hit"}, rows, ""); err != nil {
		return err
	}
	rows = rows[:0]
	for _, x := range h.sheets {
		rows = append(rows, []any{x[0].(*hCouncil).id, x[1].(*hDossier).id, x[2], x[3], x[4]})
	}
	if err := w.insert("score_sheets", []string{"council_id", "dossier_id", "member_id", "total", "submitted_at"}, rows, ""); err != nil {
		return err
	}
	// Self-assessments: complete on every dossier filed under the current
	// scorecards (filing needs one), part done on drafts.
	rows = rows[:0]
	for _, d := range h.dossiers {
		set := h.in.sets.active[d.p.setNo]
		if d.self == 0 || set == nil {
			continue
		}
		choices := h.sheet(set, d.self, 0)
		n, j := set.CriterionCount(), 0
		if d.selfPartial {
			n = n * (1 + h.r.IntN(3)) / 4
		}
		at := d.created.Add(time.Duration(1+h.r.IntN(72)) * time.Hour)
		if at.After(h.w.now) {
			at = d.created
		}
		set.Each(func(_ *evaluation.Part, _ *evaluation.Section, c *evaluation.Criterion) {
			if j >= n {
				return
			}
			j++
			ch := choices[c.ID]
			rows = append(rows, []any{d.id, c.ID, ch.OptionID, "", at, ch.Points})
		})
	}
	return w.insert("self_scores", []string{"dossier_id", "criterion_id", "option_id", "note", "updated_at", "points"}, rows, "")
}

// sequences moves the registration and certificate numbers past the
// demo's, so that the next dossier filed or certificate issued gets the
// next number.
func (h *hist) sequences(seq map[string]int) error {
	scopes := slices.Sorted(func(yield func(string) bool) {
		for k := range seq {
			if !yield(k) {
				return
			}
		}
	})
	for start := 0; start < len(scopes); start += batchRows {
		end := min(start+batchRows, len(scopes))
		q := "INSERT INTO code_sequences (scope, last) VALUES " + strings.TrimSuffix(strings.Repeat("(?, ?),", end-start), ",") +
			" ON CONFLICT (scope) DO UPDATE SET last = excluded.last WHERE code_sequences.last < excluded.last"
		var args []any
		for _, s := range scopes[start:end] {
			args = append(args, s, seq[s])
		}
		if _, err := h.w.tx.ExecContext(h.w.ctx, q, args...); err != nil {
			return fmt.Errorf("history sequences: %w", err)
		}
	}
	return nil
}

// syncIdentities moves PostgreSQL's identity sequences past the explicit
// ids.
func (h *hist) syncIdentities() error {
	if h.w.tx.Dialect() != db.Postgres {
		return nil
	}
	for _, t := range []string{"rounds", "councils", "decisions", "dossiers", "certificates"} {
		if _, err := h.w.tx.ExecContext(h.w.ctx, fmt.Sprintf(
			"SELECT setval(pg_get_serial_sequence('%s', 'id'), GREATEST(1, (SELECT COALESCE(MAX(id), 0) FROM %s)))", t, t)); err != nil {
			return fmt.Errorf("sync %s ids: %w", t, err)
		}
	}
	return nil
}

// registeredBefore dates a product's registry record no later than its
// first dossier, and a producer's no later than its first product: the
// plan dates products anywhere in their first year, and a product rated
// in June was not registered in August.
func (h *hist) registeredBefore() error {
	first := map[int64]time.Time{}
	for _, d := range h.dossiers {
		if t, ok := first[d.p.id]; !ok || d.created.Before(t) {
			first[d.p.id] = d.created
		}
	}
	var products, producers [][2]any
	earliest := map[int64]time.Time{}
	var order []int64
	for _, p := range h.products {
		t := p.created
		if f, ok := first[p.id]; ok && f.Before(t) {
			t = f.Add(-time.Duration(1+h.r.IntN(30*24)) * time.Hour).Truncate(time.Second)
			products = append(products, [2]any{p.id, t})
		}
		if e, ok := earliest[p.producerID]; !ok || t.Before(e) {
			if !ok {
				order = append(order, p.producerID)
			}
			earliest[p.producerID] = t
		}
	}
	created := map[int64]time.Time{}
	rows, err := h.w.tx.QueryContext(h.w.ctx, "SELECT id, created_at FROM producers")
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var t time.Time
		if err := rows.Scan(&id, &t); err != nil {
			rows.Close()
			return err
		}
		created[id] = t
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range order {
		if e := earliest[id]; e.Before(created[id]) {
			producers = append(producers, [2]any{id, e.Add(-time.Duration(h.r.IntN(60*24)) * time.Hour)})
		}
	}
	if err := h.setTimes("products", products); err != nil {
		return err
	}
	return h.setTimes("producers", producers)
}

// setTimes sets created_at and updated_at of many rows, a batch per
// statement (UPDATE … FROM VALUES, which both engines have; PostgreSQL
// needs the parameters' types).
func (h *hist) setTimes(table string, vals [][2]any) error {
	row := "(?, ?)"
	if h.w.tx.Dialect() == db.Postgres {
		row = "(CAST(? AS BIGINT), CAST(? AS TIMESTAMPTZ))"
	}
	for start := 0; start < len(vals); start += batchRows {
		end := min(start+batchRows, len(vals))
		var args []any
		for _, v := range vals[start:end] {
			args = append(args, v[0], v[1])
		}
		q := fmt.Sprintf("UPDATE %s SET created_at = v.column2, updated_at = v.column2 FROM (VALUES %s) AS v WHERE %s.id = v.column1",
			table, strings.TrimSuffix(strings.Repeat(row+",", end-start), ","), table)
		if _, err := h.w.tx.ExecContext(h.w.ctx, q, args...); err != nil {
			return fmt.Errorf("history: date %s: %w", table, err)
		}
	}
	return nil
}

// summarise counts what the history holds, and the figures it reproduces.
func (h *hist) summarise(rounds int) {
	s := &h.stats
	s.Rounds, s.Councils, s.Decisions, s.Dossiers, s.Certificates = rounds, len(h.councils), len(h.decs), len(h.dossiers), len(h.certs)
	rerating := map[*hCert]*hDossier{}
	for _, d := range h.dossiers {
		if d.kind == evaluation.DossierRerating && d.basis != nil && !d.filed.IsZero() {
			rerating[d.basis] = d
		}
		if !d.final.Terminal() {
			s.InProgress++
		}
	}
	for _, c := range h.certs {
		if c.d.kind == evaluation.DossierRerating {
			s.Rerated++
		}
		if b := c.d.basis; b != nil && c.d.items[0].cert == c {
			switch {
			case c.d.kind == evaluation.DossierUpgrade && c.star > b.star:
				s.Upgraded++
			case c.d.kind == evaluation.DossierRerating && c.star < b.star && !c.pot5: // not a 5★ product's step through the province
				s.Downgraded++
			}
		}
	}
	for _, p := range h.products {
		if len(p.certs) == 0 {
			continue
		}
		s.Evaluated++
		c := p.certs[len(p.certs)-1]
		switch {
		case c.star == 5:
			s.FiveStar++
		case c.star == 4 && c.pot5:
			s.Potential5++
		case c.star == 4:
			s.FourStar++
		default:
			s.ThreeStar++
		}
		dates := evaluation.CertificateDates{Issued: c.issued, Expiry: c.expires(), Revoked: c.revoked}
		if d := rerating[c]; d != nil {
			dates.ReratingFiled = d.filed
			switch {
			case len(d.items) > 0:
				dates.ReratingDecided = d.items[0].dec.on
			case !d.rejected.IsZero():
				dates.ReratingDecided = d.rejected
			case !d.withdrawn.IsZero():
				dates.ReratingDecided = d.withdrawn
			}
		}
		switch st := evaluation.CertificateStatusAt(dates, h.today); {
		case st.Valid():
			s.Valid++
		case st == evaluation.CertRevoked:
			s.Revoked++
		case st == evaluation.CertExpired:
			s.Expired++
		}
	}
}

// noteCouncilMembers tells, on the "council" account's line, the other
// demo council members' usernames: they share its password.
func noteCouncilMembers(accs []Account, usernames []string) {
	if len(usernames) == 0 {
		return
	}
	for i := range accs {
		if accs[i].Username == "council" {
			accs[i].Note += "; the other members of the demo councils (" + strings.Join(usernames, ", ") + ") have the same password"
		}
	}
}
