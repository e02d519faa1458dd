package stats

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/evaluation"
)

// Scope is the part of the province a principal's figures cover: the whole
// province (admin, office, anonymous public figures) or a commune
// officer's communes.
type Scope struct {
	// All is true for the whole province.
	All bool
	// Communes are the current commune codes covered when All is false.
	Communes []string
}

// ScopeOf returns the scope of p's back-office figures: the whole province
// for admin and office, the assigned communes for a commune officer, and
// Forbidden for everyone else (producers, buyers, council members, sale
// points and anonymous visitors use the public figures).
func ScopeOf(p *account.Principal) (Scope, error) {
	switch {
	case p == nil:
		return Scope{}, apperr.New(apperr.Unauthenticated, "err.login_required")
	case p.Province():
		return Scope{All: true}, nil
	case p.Is(account.RoleCommune):
		return Scope{Communes: append([]string(nil), p.Communes...)}, nil
	}
	return Scope{}, apperr.New(apperr.Forbidden, "err.forbidden")
}

// Covers reports whether the scope includes the current commune code.
func (sc Scope) Covers(commune string) bool {
	if sc.All {
		return true
	}
	for _, c := range sc.Communes {
		if c == commune {
			return true
		}
	}
	return false
}

// Cert is what the figures need of a certificate.
type Cert struct {
	ID         int64
	ProductID  int64
	Star       int
	Potential5 bool
	Issued     evaluation.Date
	Expires    evaluation.Date
	Revoked    evaluation.Date
	Superseded bool
	// RoundID, RoundYear, RoundNo and RoundLevel are the round of the
	// decision that issued it (zero when the decision names none).
	RoundID    int64
	RoundYear  int
	RoundNo    int
	RoundLevel string
	// Rerating holds the re-rating dossier that may extend it (Điều 12.3).
	ReratingFiled, ReratingDecided evaluation.Date
}

// StatusAt is the certificate's state on day, computed exactly as package
// evaluation computes it for its pages (evaluation.CertificateStatusAt,
// then "superseded" for a certificate replaced by a later one).
func (c *Cert) StatusAt(day evaluation.Date) evaluation.CertStatus {
	st := evaluation.CertificateStatusAt(evaluation.CertificateDates{Issued: c.Issued, Expiry: c.Expires, Revoked: c.Revoked,
		ReratingFiled: c.ReratingFiled, ReratingDecided: c.ReratingDecided}, day)
	if c.Superseded && st != evaluation.CertRevoked && st != evaluation.CertNotYetValid {
		return evaluation.CertSuperseded
	}
	return st
}

// ValidUntil is the last day the certificate is valid, the transitional
// extension included.
func (c *Cert) ValidUntil() evaluation.Date {
	until, _ := evaluation.TransitionalValidUntil(c.Expires, c.ReratingFiled, c.ReratingDecided)
	return until
}

// Level is a product's classification in the figures: 3★, 4★, 4★ with the
// potential-5★ approval sent to the Ministry, or 5★.
type Level string

// The levels, in the order the figures show them.
const (
	Level3  Level = "3"
	Level4  Level = "4"
	LevelP5 Level = "p5"
	Level5  Level = "5"
)

// Levels lists the levels in report order (5★ first, as the programme
// publishes them).
var Levels = []Level{Level5, LevelP5, Level4, Level3}

// LevelOf returns the level of a certificate's star and flag.
func LevelOf(star int, potential5 bool) Level {
	switch {
	case star >= 5:
		return Level5
	case star == 4 && potential5:
		return LevelP5
	case star == 4:
		return Level4
	}
	return Level3
}

// Fact is one product with everything the figures count about it.
type Fact struct {
	ProductID     int64
	Code, Name    string
	Category      string
	ProductStatus string
	ProducerID    int64
	ProducerName  string
	ProducerKind  string
	// Commune is the producer's current commune (always recorded: for an
	// old commune that was split, it is the part the registry recorded).
	Commune string
	// District is the pre-2025 district the product is counted under (see
	// Service.oldDistrict), "" when it cannot be told.
	District string
	// Certs are the product's certificates, in no particular order.
	Certs []*Cert

	// The latest and current certificates on today, computed once.
	settled         bool
	today           evaluation.Date
	latest, current *Cert
}

// Latest returns the newest certificate issued on or before day (by
// issue date, then id), or nil.
func (f *Fact) Latest(day evaluation.Date) *Cert {
	if f.settled && day == f.today {
		return f.latest
	}
	return f.scanLatest(day)
}

func (f *Fact) scanLatest(day evaluation.Date) *Cert {
	var out *Cert
	for _, c := range f.Certs {
		if c.Issued.After(day) {
			continue
		}
		if out == nil || c.Issued.After(out.Issued) || (c.Issued == out.Issued && c.ID > out.ID) {
			out = c
		}
	}
	return out
}

// Current returns the newest certificate valid on day, or nil.
func (f *Fact) Current(day evaluation.Date) *Cert {
	if f.settled && day == f.today {
		return f.current
	}
	return f.scanCurrent(day)
}

func (f *Fact) scanCurrent(day evaluation.Date) *Cert {
	var out *Cert
	for _, c := range f.Certs {
		if !c.StatusAt(day).Valid() {
			continue
		}
		if out == nil || c.Issued.After(out.Issued) || (c.Issued == out.Issued && c.ID > out.ID) {
			out = c
		}
	}
	return out
}

// First returns the product's first certificate, or nil.
func (f *Fact) First() *Cert {
	var out *Cert
	for _, c := range f.Certs {
		if out == nil || c.Issued.Before(out.Issued) || (c.Issued == out.Issued && c.ID < out.ID) {
			out = c
		}
	}
	return out
}

// FirstFive returns the first 5★ certificate, or nil.
func (f *Fact) FirstFive() *Cert {
	var out *Cert
	for _, c := range f.Certs {
		if c.Star >= 5 && (out == nil || c.Issued.Before(out.Issued)) {
			out = c
		}
	}
	return out
}

// Producer is what the figures need of a producer.
type Producer struct {
	ID       int64
	Name     string
	Kind     string
	Status   string
	Commune  string
	District string
	// Lat and Lng are the recorded position (NaN when not recorded).
	Lat, Lng float64
}

// Village is what the figures need of a craft village.
type Village struct {
	ID         int64
	Commune    string
	District   string
	Recognised bool
	Lat, Lng   float64
}

// Facts are the records behind every figure of a scope, read in a handful
// of queries; all figures are computed from them by pure functions.
type Facts struct {
	Scope     Scope
	Today     evaluation.Date
	Products  []*Fact
	Producers []Producer
	Villages  []Village
	byProduct map[int64]*Fact
	// key is the fingerprint the facts were read at.
	key string
}

// Product returns the fact of a product id.
func (fs *Facts) Product(id int64) *Fact { return fs.byProduct[id] }

// Today is the date in Vietnam.
func (s *Service) Today() evaluation.Date { return evaluation.VietnamDate(s.Now()) }

// readFacts assembles the province's facts from its registry records
// (producers, products, craft villages) and its certificates (with the
// round of their decision and the re-rating dossiers that may extend
// them). Each part is read once without joins (the joins are made in Go
// on ids) and kept while its own change counter stays the same (regKey,
// certKey), so an edit of a product re-reads the registry but not the
// certificates, and a decision the certificates but not the registry.
func (s *Service) readFacts(ctx context.Context, today evaluation.Date, regKey, certKey string) (*Facts, error) {
	reg, err := s.registryRows(ctx, regKey)
	if err != nil {
		return nil, err
	}
	certs, err := s.certRows(ctx, certKey)
	if err != nil {
		return nil, err
	}
	fs := &Facts{Scope: Scope{All: true}, Today: today, byProduct: make(map[int64]*Fact, len(reg.products)),
		Producers: reg.producers, Villages: reg.villages}
	fs.Products = make([]*Fact, 0, len(reg.products))
	for i := range reg.products {
		f := reg.products[i] // a copy: the rows are shared, facts are not
		fs.Products = append(fs.Products, &f)
		fs.byProduct[f.ProductID] = &f
	}
	for _, c := range certs {
		if f := fs.byProduct[c.ProductID]; f != nil {
			f.Certs = append(f.Certs, c)
		}
	}
	fs.settle()
	return fs, nil
}

// registryRead are the registry's rows the facts need, read at one value of
// the registry change counter; read-only once read.
type registryRead struct {
	key       string
	producers []Producer
	products  []Fact // without certificates
	villages  []Village
}

// registryRows returns the producers, products and craft villages,
// reading them when the registry counter moved.
func (s *Service) registryRows(ctx context.Context, key string) (*registryRead, error) {
	s.raw.mu.Lock()
	if r := s.raw.reg; r != nil && r.key == key {
		s.raw.mu.Unlock()
		return r, nil
	}
	s.raw.mu.Unlock()
	r := &registryRead{key: key}
	districts := map[[3]string]string{}
	district := func(commune, ld, lc string) string {
		k := [3]string{commune, ld, lc}
		d, ok := districts[k]
		if !ok {
			d = s.oldDistrict(commune, ld, lc)
			districts[k] = d
		}
		return d
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT id, name, kind, status, commune_code, COALESCE(legacy_district_code, ''),
		COALESCE(legacy_commune_code, ''), latitude, longitude FROM producers`)
	if err != nil {
		return nil, fmt.Errorf("stats producers: %w", err)
	}
	producers := map[int64]int{}
	for rows.Next() {
		var p Producer
		var ld, lc string
		var lat, lng sql.NullFloat64
		if err := rows.Scan(&p.ID, &p.Name, &p.Kind, &p.Status, &p.Commune, &ld, &lc, &lat, &lng); err != nil {
			rows.Close()
			return nil, err
		}
		p.District = district(p.Commune, ld, lc)
		p.Lat, p.Lng = position(lat, lng)
		producers[p.ID] = len(r.producers)
		r.producers = append(r.producers, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.DB.QueryContext(ctx, `SELECT id, code, name, category_code, status, producer_id FROM products ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("stats products: %w", err)
	}
	for rows.Next() {
		var f Fact
		if err := rows.Scan(&f.ProductID, &f.Code, &f.Name, &f.Category, &f.ProductStatus, &f.ProducerID); err != nil {
			rows.Close()
			return nil, err
		}
		i, ok := producers[f.ProducerID]
		if !ok {
			continue
		}
		p := &r.producers[i]
		f.ProducerName, f.ProducerKind, f.Commune, f.District = p.Name, p.Kind, p.Commune, p.District
		r.products = append(r.products, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.DB.QueryContext(ctx, `SELECT id, commune_code, COALESCE(legacy_district_code, ''), COALESCE(legacy_commune_code, ''), recognised,
		latitude, longitude FROM craft_villages`)
	if err != nil {
		return nil, fmt.Errorf("stats villages: %w", err)
	}
	for rows.Next() {
		var v Village
		var ld, lc string
		var lat, lng sql.NullFloat64
		if err := rows.Scan(&v.ID, &v.Commune, &ld, &lc, &v.Recognised, &lat, &lng); err != nil {
			rows.Close()
			return nil, err
		}
		v.District = district(v.Commune, ld, lc)
		v.Lat, v.Lng = position(lat, lng)
		r.villages = append(r.villages, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	s.raw.mu.Lock()
	s.raw.reg = r
	s.raw.mu.Unlock()
	return r, nil
}

// certRows returns every certificate with the round of its decision and
// the re-rating that may extend it, reading them when the certificate
// counter (or the decisions and rounds) moved. The certificates are
// read-only once returned: facts of several readings share them.
func (s *Service) certRows(ctx context.Context, key string) ([]*Cert, error) {
	s.raw.mu.Lock()
	if s.raw.certs != nil && s.raw.certKey == key {
		c := s.raw.certs
		s.raw.mu.Unlock()
		return c, nil
	}
	s.raw.mu.Unlock()
	// The rounds of the decisions (a few hundred rows).
	type roundOf struct {
		id       int64
		year, no int
		level    string
	}
	rounds := map[int64]roundOf{}
	rows, err := s.DB.QueryContext(ctx, `SELECT d.id, r.id, r.year, r.no, r.level FROM decisions d JOIN rounds r ON r.id = d.round_id`)
	if err != nil {
		return nil, fmt.Errorf("stats rounds: %w", err)
	}
	for rows.Next() {
		var d int64
		var r roundOf
		if err := rows.Scan(&d, &r.id, &r.year, &r.no, &r.level); err != nil {
			rows.Close()
			return nil, err
		}
		rounds[d] = r
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.DB.QueryContext(ctx, `SELECT id, product_id, star, potential5, issued_on, expires_on, revoked_on,
		CASE WHEN superseded_by IS NULL THEN 0 ELSE 1 END, COALESCE(decision_id, 0) FROM certificates`)
	if err != nil {
		return nil, fmt.Errorf("stats certificates: %w", err)
	}
	certs := map[int64]*Cert{}
	var list []*Cert
	for rows.Next() {
		c := &Cert{}
		var issued, expires, revoked string
		var superseded int
		var decision int64
		if err := rows.Scan(&c.ID, &c.ProductID, &c.Star, &c.Potential5, &issued, &expires, &revoked, &superseded, &decision); err != nil {
			rows.Close()
			return nil, err
		}
		c.Superseded = superseded != 0
		if r, ok := rounds[decision]; ok {
			c.RoundID, c.RoundYear, c.RoundNo, c.RoundLevel = r.id, r.year, r.no, r.level
		}
		if c.Issued, err = parseDay(issued); err == nil {
			if c.Expires, err = parseDay(expires); err == nil {
				c.Revoked, err = parseDay(revoked)
			}
		}
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("stats certificate %d: %w", c.ID, err)
		}
		certs[c.ID] = c
		list = append(list, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := s.loadReratings(ctx, certs); err != nil {
		return nil, err
	}
	s.raw.mu.Lock()
	s.raw.certKey, s.raw.certs = key, list
	s.raw.mu.Unlock()
	return list, nil
}

// settle computes each product's latest and current certificate for
// fs.Today once, before the facts are shared.
func (fs *Facts) settle() {
	for _, f := range fs.Products {
		f.latest, f.current = f.scanLatest(fs.Today), f.scanCurrent(fs.Today)
		f.today, f.settled = fs.Today, true
	}
}

// LoadFacts returns the records of a scope. The province's facts are
// assembled once and kept while the fingerprint of the tables they come
// from (change counters, see fingerprint) and the day stay the same; a
// commune scope is cut from them. Facts are read-only once returned.
func (s *Service) LoadFacts(ctx context.Context, sc Scope) (*Facts, error) {
	today := s.Today()
	vals, err := s.fingerprint(ctx)
	if err != nil {
		return nil, err
	}
	fp := fmt.Sprint(vals)
	key := fp + "|" + today.String()
	s.cache.mu.Lock()
	all := s.cache.facts
	if s.cache.key != key {
		all = nil
	}
	s.cache.mu.Unlock()
	if all == nil {
		regKey, certKey := fmt.Sprint(vals[1]), fmt.Sprint(vals[0], vals[2:])
		if all, err = s.readFacts(ctx, today, regKey, certKey); err != nil {
			return nil, err
		}
		all.key = key
		s.cache.mu.Lock()
		s.cache.key, s.cache.facts, s.cache.dash = key, all, nil
		s.cache.mu.Unlock()
	}
	if sc.All {
		return all, nil
	}
	return all.restrict(sc), nil
}

// factsCache keeps the province's facts of one fingerprint.
type factsCache struct {
	mu    sync.Mutex
	key   string
	facts *Facts
	// dash keeps the dashboards computed from facts, by scope and
	// language (a handful: the province and each officer's communes).
	dash map[string]*Dashboard
}

// dashboard returns the dashboard of the cached facts for a scope and
// language, computing it once.
func (s *Service) dashboard(fs *Facts, lang string) *Dashboard {
	key := fmt.Sprint(fs.Scope.All, fs.Scope.Communes, lang)
	current := fs.key
	s.cache.mu.Lock()
	cached := s.cache.dash[key]
	s.cache.mu.Unlock()
	if cached != nil && current != "" && cached.factsKey == current {
		d := *cached
		return &d
	}
	d := s.dashboardOf(fs, lang)
	d.factsKey = current
	s.cache.mu.Lock()
	if s.cache.key != current {
		// The facts changed meanwhile: do not keep a stale dashboard.
		s.cache.mu.Unlock()
		out := *d
		return &out
	}
	if s.cache.dash == nil || len(s.cache.dash) > 256 {
		s.cache.dash = map[string]*Dashboard{}
	}
	s.cache.dash[key] = d
	s.cache.mu.Unlock()
	out := *d
	return &out
}

// fingerprint summarises the tables the facts come from in one query of
// indexed reads: the change counters that triggers bump on every write to
// products, producers, craft villages and their photos ("registry") and
// to certificates and re-rating dossiers ("stars") — kept for the
// catalogue (migration 0010) — and the highest ids and counts of the
// decisions, their items and the rounds.
// Summing the optimistic-lock versions of the tables instead cost a scan of
// 50,000 rows a request at national scale.
func (s *Service) fingerprint(ctx context.Context) ([7]int64, error) {
	var vals [7]int64
	err := s.DB.QueryRowContext(ctx, `SELECT
		(SELECT changes FROM catalogue_state WHERE name = 'stars'), (SELECT changes FROM catalogue_state WHERE name = 'registry'),
		(SELECT COALESCE(MAX(id), 0) FROM decisions), (SELECT COUNT(*) FROM decisions),
		(SELECT COUNT(*) FROM decision_items), (SELECT COALESCE(MAX(id), 0) FROM rounds), (SELECT COUNT(*) FROM rounds)`).
		Scan(&vals[0], &vals[1], &vals[2], &vals[3], &vals[4], &vals[5], &vals[6])
	if err != nil {
		return vals, fmt.Errorf("stats fingerprint: %w", err)
	}
	return vals, nil
}

// restrict returns the facts of a commune scope.
func (fs *Facts) restrict(sc Scope) *Facts {
	out := &Facts{Scope: sc, Today: fs.Today, byProduct: map[int64]*Fact{}, key: fs.key}
	for _, f := range fs.Products {
		if sc.Covers(f.Commune) {
			out.Products = append(out.Products, f)
			out.byProduct[f.ProductID] = f
		}
	}
	for _, p := range fs.Producers {
		if sc.Covers(p.Commune) {
			out.Producers = append(out.Producers, p)
		}
	}
	for _, v := range fs.Villages {
		if sc.Covers(v.Commune) {
			out.Villages = append(out.Villages, v)
		}
	}
	return out
}

// loadReratings attaches to each certificate the re-rating dossier that
// may extend it, with the same matching as package evaluation: the dossier
// that names the certificate, or else the first re-rating of the same
// product filed after the certificate was issued; its decision date is the
// first decision that ruled on it, or the day it was rejected or withdrawn.
func (s *Service) loadReratings(ctx context.Context, certs map[int64]*Cert) error {
	rows, err := s.DB.QueryContext(ctx, `SELECT COALESCE(d.certificate_id, 0), d.product_id, d.filed_on, d.state, d.updated_at,
			COALESCE((SELECT MIN(x.decided_on) FROM decision_items di JOIN decisions x ON x.id = di.decision_id WHERE di.dossier_id = d.id), '')
		FROM dossiers d WHERE d.kind = 'rerating' AND d.filed_on <> '' AND d.state <> 'draft' ORDER BY d.filed_on, d.id`)
	if err != nil {
		return fmt.Errorf("stats re-ratings: %w", err)
	}
	defer rows.Close()
	type rerating struct {
		certID, productID int64
		filed, decided    evaluation.Date
	}
	var rr []rerating
	for rows.Next() {
		var r rerating
		var filed, state, decided string
		var updated time.Time
		if err := rows.Scan(&r.certID, &r.productID, &filed, &state, &updated, &decided); err != nil {
			return err
		}
		if r.filed, err = parseDay(filed); err != nil {
			return err
		}
		switch {
		case decided != "":
			if r.decided, err = parseDay(decided); err != nil {
				return err
			}
		case evaluation.State(state) == evaluation.StateRejected || evaluation.State(state) == evaluation.StateWithdrawn:
			r.decided = evaluation.VietnamDate(updated)
		}
		rr = append(rr, r)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	byProduct := map[int64][]rerating{}
	for _, r := range rr {
		byProduct[r.productID] = append(byProduct[r.productID], r)
	}
	for _, c := range certs {
		for _, r := range byProduct[c.ProductID] {
			if r.certID == c.ID || r.certID == 0 && !r.filed.Before(c.Issued) {
				c.ReratingFiled, c.ReratingDecided = r.filed, r.decided
				break
			}
		}
	}
	return nil
}

// parseDay reads a stored civil date ("" is the zero date; PostgreSQL
// may return a longer timestamp text whose first ten characters are the
// date).
func parseDay(s string) (evaluation.Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return evaluation.Date{}, nil
	}
	if len(s) > 10 {
		s = s[:10]
	}
	return evaluation.ParseDate(s)
}

// oldDistrict returns the pre-2025 district a record is counted under in
// the old-district view: the recorded old district; else the district of
// the recorded old commune; else, when the current commune lies wholly in
// one old district, that district; else "" (the view shows such records
// as "not known", never guessing between districts).
func (s *Service) oldDistrict(commune, legacyDistrict, legacyCommune string) string {
	if legacyDistrict != "" {
		return legacyDistrict
	}
	units := s.Registry.Units()
	if legacyCommune != "" {
		if w, ok := units.OldWard(legacyCommune); ok {
			return w.DistrictCode
		}
	}
	if ds := units.OldDistrictsFor(commune); len(ds) == 1 {
		return ds[0].Code
	}
	return ""
}

// position returns a recorded position, or NaN, NaN.
func position(lat, lng sql.NullFloat64) (float64, float64) {
	if !lat.Valid || !lng.Valid {
		return math.NaN(), math.NaN()
	}
	return lat.Float64, lng.Float64
}

// Centres returns, for each current commune with recorded positions, the
// mean position of its producers and craft villages: the place of the
// commune on the dot map (the administrative data carries no
// coordinates).
func (fs *Facts) Centres() map[string][2]float64 {
	type acc struct {
		lat, lng float64
		n        int
	}
	m := map[string]*acc{}
	add := func(commune string, lat, lng float64) {
		if math.IsNaN(lat) || math.IsNaN(lng) {
			return
		}
		a := m[commune]
		if a == nil {
			a = &acc{}
			m[commune] = a
		}
		a.lat += lat
		a.lng += lng
		a.n++
	}
	for _, p := range fs.Producers {
		add(p.Commune, p.Lat, p.Lng)
	}
	for _, v := range fs.Villages {
		add(v.Commune, v.Lat, v.Lng)
	}
	out := make(map[string][2]float64, len(m))
	for k, a := range m {
		out[k] = [2]float64{a.lat / float64(a.n), a.lng / float64(a.n)}
	}
	return out
}
