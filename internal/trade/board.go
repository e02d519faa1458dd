package trade

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/textfold"
)

// VerifiedCert is a certification on record for a producer, valid today:
// producer-wide (ProductID 0) or for one product.
type VerifiedCert struct {
	Code      string
	ProductID int64
}

// CertificationSource returns the certifications recorded and valid today
// for each producer. The market package keeps those records (issue 7,
// point 7; see MarketCertifications); while none is wired in, the engine
// knows only what producers declare in their offers.
type CertificationSource func(ctx context.Context, producerIDs []int64) (map[int64][]VerifiedCert, error)

// Matches is a demand with its ranked producers.
type Matches struct {
	Demand  Demand
	Matches []Match
	// Leads maps a producer to the lead the buyer already opened with it.
	Leads map[int64]int64
	// Verified is false while no certification records are wired in: the
	// page says that certifications are as declared by producers.
	Verified bool
}

// Matches ranks producers for a demand for its buyer or the office.
func (s *Service) Matches(ctx context.Context, p *account.Principal, demandID int64) (Matches, error) {
	d, err := s.demand(ctx, s.DB, demandID)
	if err != nil {
		return Matches{}, err
	}
	if p == nil {
		return Matches{}, apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	if !p.Province() && !(p.Is(account.RoleBuyer) && p.UserID == d.BuyerUserID) {
		return Matches{}, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	cs, err := s.Candidates(ctx, d)
	if err != nil {
		return Matches{}, err
	}
	out := Matches{Demand: d, Matches: Rank(d, cs), Leads: map[int64]int64{}, Verified: s.certSource() != nil}
	rows, err := s.DB.QueryContext(ctx, "SELECT producer_id, id FROM trade_leads WHERE demand_id = ?", d.ID)
	if err != nil {
		return Matches{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var pid, lid int64
		if err := rows.Scan(&pid, &lid); err != nil {
			return Matches{}, err
		}
		out.Leads[pid] = lid
	}
	return out, rows.Err()
}

// categoryWhere selects a category node and everything under it.
func categoryWhere(col, code string) (string, []any) {
	return "(" + col + " = ? OR " + col + " LIKE ?)", []any{code, code + ".%"}
}

// Candidates loads what the engine needs for a demand: active products of
// active producers in the demand's group whose names hold the keywords,
// their stars today (evaluation.CurrentCertificates, the catalogue's own
// definition), open offers in the group, certifications and lead history.
// Flat reads joined in Go.
func (s *Service) Candidates(ctx context.Context, d Demand) ([]Candidate, error) {
	words := textfold.Tokens(d.Keywords)
	cw, cargs := categoryWhere("p.category_code", d.CategoryCode)
	// Each keyword must occur in the folded search key (which holds the
	// folded name): a cheap filter in SQL that never drops a product whose
	// name matches; the word-prefix test on the name is made below. Tokens
	// are letters and digits, so nothing needs escaping in LIKE.
	for _, w := range words {
		cw += " AND p.search_key LIKE ?"
		cargs = append(cargs, "%"+w+"%")
	}
	// No ORDER BY: Rank orders the result, and sorting 20,000 joined rows
	// was a fifth of the query.
	rows, err := s.DB.QueryContext(ctx, `SELECT p.id, p.name, p.search_key, pr.id, pr.name, pr.commune_code, pr.latitude, pr.longitude
		FROM products p JOIN producers pr ON pr.id = p.producer_id
		WHERE p.status = 'active' AND pr.status = 'active' AND `+cw, cargs...)
	if err != nil {
		return nil, fmt.Errorf("candidates: %w", err)
	}
	byProducer := map[int64]int{}
	var cs []Candidate
	for rows.Next() {
		var cp CandidateProduct
		var pid int64
		var pname, commune, key string
		var lat, lon sql.NullFloat64
		if err := rows.Scan(&cp.ID, &cp.Name, &key, &pid, &pname, &commune, &lat, &lon); err != nil {
			rows.Close()
			return nil, err
		}
		// The search key holds the folded name among other words, so a
		// product whose key lacks a keyword cannot match: fold the name
		// only for the others (folding is the costly part of this loop).
		if len(words) > 0 {
			if !hasWords(key, words) {
				continue
			}
			cp.NameKey = textfold.Fold(cp.Name)
			if !hasWords(cp.NameKey, words) {
				continue
			}
		}
		i, ok := byProducer[pid]
		if !ok {
			c := Candidate{ProducerID: pid, ProducerName: pname, CommuneCode: commune}
			if lat.Valid && lon.Valid {
				c.Lat, c.Lon = &lat.Float64, &lon.Float64
			}
			i = len(cs)
			byProducer[pid] = i
			cs = append(cs, c)
		}
		cs[i].Products = append(cs[i].Products, cp)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, nil
	}
	stars, err := s.currentStars(ctx)
	if err != nil {
		return nil, err
	}
	for i := range cs {
		for j := range cs[i].Products {
			cs[i].Products[j].Star = stars[cs[i].Products[j].ID]
		}
	}
	ow, oargs := categoryWhere("category_code", d.CategoryCode)
	orows, err := s.DB.QueryContext(ctx, "SELECT producer_id, capacity, unit, frequency, certifications, markets FROM trade_offers WHERE status = 'open' AND "+ow, oargs...)
	if err != nil {
		return nil, fmt.Errorf("candidate offers: %w", err)
	}
	for orows.Next() {
		var pid int64
		var c Capacity
		var certs, markets string
		if err := orows.Scan(&pid, &c.Quantity, &c.Unit, &c.Frequency, &certs, &markets); err != nil {
			orows.Close()
			return nil, err
		}
		i, ok := byProducer[pid]
		if !ok {
			continue
		}
		c.Markets = cleanCodes([]string{markets})
		cs[i].Offers = append(cs[i].Offers, c)
		for _, code := range cleanCodes([]string{certs}) {
			if !slices.Contains(cs[i].Declared, code) {
				cs[i].Declared = append(cs[i].Declared, code)
			}
		}
	}
	orows.Close()
	if err := orows.Err(); err != nil {
		return nil, err
	}
	lrows, err := s.DB.QueryContext(ctx, "SELECT producer_id, state, COUNT(*) FROM trade_leads GROUP BY producer_id, state")
	if err != nil {
		return nil, fmt.Errorf("candidate history: %w", err)
	}
	for lrows.Next() {
		var pid int64
		var state string
		var n int
		if err := lrows.Scan(&pid, &state, &n); err != nil {
			lrows.Close()
			return nil, err
		}
		i, ok := byProducer[pid]
		if !ok {
			continue
		}
		switch LeadState(state) {
		case LeadOrdered:
			cs[i].Ordered += n
		case LeadDeclined:
			cs[i].Declined += n
		default:
			cs[i].Open += n
		}
	}
	lrows.Close()
	if err := lrows.Err(); err != nil {
		return nil, err
	}
	if src := s.certSource(); src != nil {
		pids := make([]int64, len(cs))
		for i, c := range cs {
			pids[i] = c.ProducerID
		}
		ver, err := src(ctx, pids)
		if err != nil {
			return nil, err
		}
		for i := range cs {
			for _, v := range ver[cs[i].ProducerID] {
				// A product's own record counts only for a product that
				// matched the demand; a producer-wide one for all.
				applies := v.ProductID == 0 || slices.ContainsFunc(cs[i].Products, func(p CandidateProduct) bool { return p.ID == v.ProductID })
				if applies && !slices.Contains(cs[i].Verified, v.Code) {
					cs[i].Verified = append(cs[i].Verified, v.Code)
				}
			}
		}
	}
	return cs, nil
}

// Lead is a conversation between a buyer and a producer about a demand.
type Lead struct {
	ID           int64     `json:"id"`
	DemandID     int64     `json:"demand_id"`
	DemandTitle  string    `json:"demand_title"`
	ProducerID   int64     `json:"producer_id"`
	ProducerName string    `json:"producer_name"`
	BuyerUserID  int64     `json:"buyer_user_id"`
	BuyerName    string    `json:"buyer_name"`
	State        LeadState `json:"state"`
	Flags        []string  `json:"flags"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	Version      int       `json:"version"`
	Messages     []Message `json:"messages,omitempty"`
}

// Next lists the states the lead may move to.
func (l Lead) Next() []LeadState { return NextStates(l.State) }

// Message is one message of a lead (or a state change with its note).
type Message struct {
	Side      string    `json:"side"`
	Author    string    `json:"author"`
	Body      string    `json:"body"`
	State     string    `json:"state"`
	CreatedAt time.Time `json:"created_at"`
}

// Contact opens a lead: the demand's buyer writes to a producer through
// the platform. Refused when the buyer is not verified, when it has
// contacted too many producers lately (429), or when it already contacted
// this producer about this demand; flagged for the office when it looks
// like spam (ContactCheck).
func (s *Service) Contact(ctx context.Context, p *account.Principal, demandID, producerID int64, text string) (Lead, error) {
	if err := canPostDemand(p); err != nil {
		return Lead{}, err
	}
	text = textfold.NFC(text)
	var out Lead
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		d, err := s.demand(ctx, tx, demandID)
		if err != nil {
			return err
		}
		if d.BuyerUserID != p.UserID {
			return apperr.New(apperr.Forbidden, "err.forbidden")
		}
		if d.Status != "open" {
			return apperr.New(apperr.Invalid, "trade.err_demand_closed")
		}
		var errs apperr.Errs
		if text == "" {
			errs.Add("message", "err.required")
		}
		if utf8.RuneCountInString(text) > 2000 {
			errs.Add("message", "err.too_long", 2000)
		}
		if !cleanText(text) {
			errs.Add("message", "err.control_chars")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		var status string
		if err := tx.QueryRowContext(ctx, "SELECT status FROM producers WHERE id = ?", producerID).Scan(&status); err != nil || status != "active" {
			return apperr.New(apperr.NotFound, "trade.err_producer_not_found")
		}
		now := s.now()
		var earlier []Contact
		rows, err := tx.QueryContext(ctx, "SELECT created_at, first_text FROM trade_leads WHERE buyer_user_id = ? AND created_at > ?", p.UserID, now.Add(-24*time.Hour))
		if err != nil {
			return err
		}
		for rows.Next() {
			var c Contact
			if err := rows.Scan(&c.At, &c.Text); err != nil {
				rows.Close()
				return err
			}
			earlier = append(earlier, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		u, err := s.Accounts.User(ctx, tx, p.UserID)
		if err != nil {
			return err
		}
		tooMany, flags := ContactCheck(earlier, text, now, u.Email, u.Phone)
		if tooMany {
			wait := ContactRetryAfter(earlier, now)
			secs := max(1, int(math.Ceil(wait.Seconds())))
			return apperr.New(apperr.TooMany, "trade.err_too_many_contacts", secs, (secs+59)/60)
		}
		id, err := db.Insert(ctx, tx, `INSERT INTO trade_leads (demand_id, producer_id, buyer_user_id, state, flags, first_text, created_at, updated_at, version)
			VALUES (?, ?, ?, 'contacted', ?, ?, ?, ?, 1)`, demandID, producerID, p.UserID, strings.Join(flags, ","), text, now, now)
		if err != nil {
			if _, ok := db.IsUnique(err); ok {
				return apperr.New(apperr.Conflict, "trade.err_already_contacted")
			}
			return fmt.Errorf("contact: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO trade_messages (lead_id, author_user_id, side, body, state, created_at) VALUES (?, ?, 'buyer', ?, 'contacted', ?)",
			id, p.UserID, text, now); err != nil {
			return err
		}
		if out, err = s.lead(ctx, tx, id); err != nil {
			return err
		}
		if err := s.notifyContact(ctx, tx, out); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "trade.lead.contact", "trade_lead", id, "", nil, map[string]any{"demand_id": demandID, "producer_id": producerID, "flags": flags})
	})
	return out, err
}

const leadCols = `l.id, l.demand_id, d.title, l.producer_id, pr.name, l.buyer_user_id, COALESCE(NULLIF(u.organisation, ''), u.display_name),
	l.state, l.flags, l.created_at, l.updated_at, l.version`

const leadFrom = ` FROM trade_leads l JOIN trade_demands d ON d.id = l.demand_id JOIN producers pr ON pr.id = l.producer_id
	JOIN users u ON u.id = l.buyer_user_id`

func scanLead(sc interface{ Scan(...any) error }) (Lead, error) {
	var l Lead
	var state, flags string
	err := sc.Scan(&l.ID, &l.DemandID, &l.DemandTitle, &l.ProducerID, &l.ProducerName, &l.BuyerUserID, &l.BuyerName, &state, &flags,
		&l.CreatedAt, &l.UpdatedAt, &l.Version)
	l.State, l.Flags = LeadState(state), cleanCodes([]string{flags})
	return l, err
}

func (s *Service) lead(ctx context.Context, q db.Queryer, id int64) (Lead, error) {
	l, err := scanLead(q.QueryRowContext(ctx, "SELECT "+leadCols+leadFrom+" WHERE l.id = ?", id))
	if err != nil {
		return Lead{}, db.Scan(err, "trade.err_lead_not_found")
	}
	return l, nil
}

// leadSide is the side p takes in the lead: "buyer", "producer", "office"
// (reads only) or "" (none).
func leadSide(p *account.Principal, l Lead) string {
	switch {
	case p == nil:
		return ""
	case p.Is(account.RoleBuyer) && p.UserID == l.BuyerUserID:
		return "buyer"
	case p.ActsFor(l.ProducerID):
		return "producer"
	case p.Province():
		return "office"
	}
	return ""
}

// Lead returns a lead with its messages to its two parties and the office.
func (s *Service) Lead(ctx context.Context, p *account.Principal, id int64) (Lead, error) {
	if p == nil {
		return Lead{}, apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	l, err := s.lead(ctx, s.DB, id)
	if err != nil {
		return Lead{}, err
	}
	if leadSide(p, l) == "" {
		return Lead{}, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT m.side, COALESCE(u.display_name, ''), m.body, m.state, m.created_at FROM trade_messages m
		LEFT JOIN users u ON u.id = m.author_user_id WHERE m.lead_id = ? ORDER BY m.id`, id)
	if err != nil {
		return Lead{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var m Message
		if err := rows.Scan(&m.Side, &m.Author, &m.Body, &m.State, &m.CreatedAt); err != nil {
			return Lead{}, err
		}
		l.Messages = append(l.Messages, m)
	}
	return l, rows.Err()
}

// LeadFilter selects leads in a list.
type LeadFilter struct {
	State   string
	Flagged bool
}

// Leads lists leads: a buyer its own, a producer account those of its
// producers, the office all.
func (s *Service) Leads(ctx context.Context, p *account.Principal, f LeadFilter) ([]Lead, error) {
	var conds []string
	var args []any
	switch {
	case p == nil:
		return nil, apperr.New(apperr.Unauthenticated, "err.login_required")
	case p.Province():
	case p.Is(account.RoleBuyer):
		conds, args = append(conds, "l.buyer_user_id = ?"), append(args, p.UserID)
	case p.Is(account.RoleProducer):
		if len(p.Producers) == 0 {
			return nil, nil
		}
		conds = append(conds, "l.producer_id IN ("+db.Placeholders(len(p.Producers))+")")
		for _, id := range p.Producers {
			args = append(args, id)
		}
	default:
		return nil, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	if slices.Contains(LeadStates, LeadState(f.State)) {
		conds, args = append(conds, "l.state = ?"), append(args, f.State)
	}
	if f.Flagged {
		conds = append(conds, "l.flags <> ''")
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+leadCols+leadFrom+where+" ORDER BY l.updated_at DESC, l.id DESC LIMIT 500", args...)
	if err != nil {
		return nil, fmt.Errorf("list leads: %w", err)
	}
	defer rows.Close()
	var out []Lead
	for rows.Next() {
		l, err := scanLead(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// Reply adds a message to a lead and optionally moves it to another state
// (the state machine in NextStates). Only the two parties write; version
// is the lead's version the writer saw.
func (s *Service) Reply(ctx context.Context, p *account.Principal, id int64, text string, to LeadState, version int) (Lead, error) {
	if p == nil {
		return Lead{}, apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	text = textfold.NFC(text)
	var out Lead
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		l, err := s.lead(ctx, tx, id)
		if err != nil {
			return err
		}
		side := leadSide(p, l)
		if side == "" || side == "office" {
			return apperr.New(apperr.Forbidden, "err.forbidden")
		}
		if side == "buyer" && !p.Verified {
			return apperr.New(apperr.Forbidden, "trade.err_buyer_unverified")
		}
		var errs apperr.Errs
		if text == "" && to == "" {
			errs.Add("message", "err.required")
		}
		if utf8.RuneCountInString(text) > 2000 {
			errs.Add("message", "err.too_long", 2000)
		}
		if !cleanText(text) {
			errs.Add("message", "err.control_chars")
		}
		if to != "" && !CanMove(l.State, to) {
			errs.Add("state", "trade.err_lead_move", string(l.State), string(to))
		}
		if err := errs.Err(); err != nil {
			return err
		}
		state := l.State
		if to != "" {
			state = to
		}
		res, err := tx.ExecContext(ctx, "UPDATE trade_leads SET state = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
			string(state), s.now(), id, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "err.stale")
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO trade_messages (lead_id, author_user_id, side, body, state, created_at) VALUES (?, ?, ?, ?, ?, ?)",
			id, p.UserID, side, text, string(state), s.now()); err != nil {
			return err
		}
		if out, err = s.lead(ctx, tx, id); err != nil {
			return err
		}
		if err := s.notifyReply(ctx, tx, out, side, l.State); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "trade.lead.reply", "trade_lead", id, "", map[string]any{"state": l.State}, map[string]any{"state": state, "side": side})
	})
	return out, err
}

// ReportReasons are why a producer reports a buyer.
var ReportReasons = []string{"fake_order", "spam", "deposit_request", "abusive", "other"}

// ReportBuyer records a producer's report of the buyer of one of its
// leads; the lead is flagged "reported" for the office.
func (s *Service) ReportBuyer(ctx context.Context, p *account.Principal, leadID int64, reason, note string) error {
	if p == nil {
		return apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	note = textfold.NFC(note)
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		l, err := s.lead(ctx, tx, leadID)
		if err != nil {
			return err
		}
		if leadSide(p, l) != "producer" {
			return apperr.New(apperr.Forbidden, "err.forbidden")
		}
		var errs apperr.Errs
		if !slices.Contains(ReportReasons, reason) {
			errs.Add("reason", "trade.err_report_reason")
		}
		if utf8.RuneCountInString(note) > 2000 {
			errs.Add("note", "err.too_long", 2000)
		}
		if !cleanText(note) {
			errs.Add("note", "err.control_chars")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if _, err := db.Insert(ctx, tx, `INSERT INTO trade_buyer_reports (buyer_user_id, producer_id, lead_id, reason, note, reported_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, l.BuyerUserID, l.ProducerID, l.ID, reason, note, p.UserID, s.now()); err != nil {
			return err
		}
		flags := l.Flags
		if !slices.Contains(flags, "reported") {
			flags = append(flags, "reported")
		}
		if _, err := tx.ExecContext(ctx, "UPDATE trade_leads SET flags = ?, version = version + 1 WHERE id = ?", strings.Join(flags, ","), l.ID); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "trade.buyer.report", "user", l.BuyerUserID, "", nil, map[string]any{"lead_id": l.ID, "reason": reason, "note": note})
	})
}

// BuyerReport is a producer's report about a buyer, for the office.
type BuyerReport struct {
	ID           int64
	BuyerUserID  int64
	BuyerName    string
	ProducerName string
	LeadID       int64
	Reason, Note string
	CreatedAt    time.Time
}

// BoardSummary is what the board produces, for the programme office.
type BoardSummary struct {
	OpenDemands, ClosedDemands, OpenOffers int
	LeadsByState                           map[LeadState]int
	Leads, Flagged                         int
	Reports                                []BuyerReport
	FlaggedLeads                           []Lead
}

// Board summarises the supply–demand board for the office.
func (s *Service) Board(ctx context.Context, p *account.Principal) (BoardSummary, error) {
	if p == nil {
		return BoardSummary{}, apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	if !p.Province() {
		return BoardSummary{}, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	var b BoardSummary
	if err := s.DB.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM trade_demands WHERE status = 'open'), (SELECT COUNT(*) FROM trade_demands WHERE status = 'closed'),
		(SELECT COUNT(*) FROM trade_offers WHERE status = 'open'), (SELECT COUNT(*) FROM trade_leads WHERE flags <> '')`).Scan(&b.OpenDemands, &b.ClosedDemands, &b.OpenOffers, &b.Flagged); err != nil {
		return b, err
	}
	var err error
	if b.LeadsByState, err = s.LeadCounts(ctx); err != nil {
		return b, err
	}
	for _, n := range b.LeadsByState {
		b.Leads += n
	}
	if b.FlaggedLeads, err = s.Leads(ctx, p, LeadFilter{Flagged: true}); err != nil {
		return b, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT r.id, r.buyer_user_id, COALESCE(NULLIF(u.organisation, ''), u.display_name), pr.name, COALESCE(r.lead_id, 0),
		r.reason, r.note, r.created_at FROM trade_buyer_reports r JOIN users u ON u.id = r.buyer_user_id JOIN producers pr ON pr.id = r.producer_id
		ORDER BY r.id DESC LIMIT 200`)
	if err != nil {
		return b, err
	}
	defer rows.Close()
	for rows.Next() {
		var r BuyerReport
		if err := rows.Scan(&r.ID, &r.BuyerUserID, &r.BuyerName, &r.ProducerName, &r.LeadID, &r.Reason, &r.Note, &r.CreatedAt); err != nil {
			return b, err
		}
		b.Reports = append(b.Reports, r)
	}
	return b, rows.Err()
}

// LeadCounts counts supply–demand leads by state (every state present,
// zero when none): the statistics dashboard's hook.
func (s *Service) LeadCounts(ctx context.Context) (map[LeadState]int, error) {
	out := map[LeadState]int{}
	for _, st := range LeadStates {
		out[st] = 0
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT state, COUNT(*) FROM trade_leads GROUP BY state")
	if err != nil {
		return nil, fmt.Errorf("lead counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[LeadState(st)] = n
	}
	return out, rows.Err()
}
