package registry

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"ocop/internal/account"
	"ocop/internal/adminunit"
	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/textfold"
)

// Producer kinds (Decision 26/2026, Điều 2.3). The last three may register
// only community-tourism, eco-tourism and tourist-site services.
const (
	KindCooperative      = "cooperative"       // hợp tác xã
	KindCooperativeGroup = "cooperative_group" // tổ hợp tác
	KindSME              = "sme"               // doanh nghiệp nhỏ và vừa
	KindFarm             = "farm"              // trang trại
	KindHousehold        = "household"         // hộ sản xuất, hộ gia đình có đăng ký kinh doanh
	KindAssociation      = "association"       // hội
	KindFederation       = "federation"        // hiệp hội
	KindTourismCentre    = "tourism_centre"    // trung tâm điều hành hoặc tổ chức tương đương
)

// ProducerKinds lists the kinds in the order of the decision.
var ProducerKinds = []string{KindCooperative, KindCooperativeGroup, KindSME, KindFarm, KindHousehold, KindAssociation, KindFederation, KindTourismCentre}

// TourismOnly reports whether a producer of this kind may register only
// tourism services (group VI).
func TourismOnly(kind string) bool {
	return kind == KindAssociation || kind == KindFederation || kind == KindTourismCentre
}

// Producer is an OCOP subject (chủ thể OCOP): the organisation or household
// that registers products for rating.
type Producer struct {
	ID                 int64     `json:"id"`
	Kind               string    `json:"kind"`
	Name               string    `json:"name"`
	RegistrationNo     string    `json:"registration_no,omitempty"`
	Representative     string    `json:"representative"`
	Phone              string    `json:"phone"`
	Email              string    `json:"email"`
	Website            string    `json:"website"`
	CommuneCode        string    `json:"commune_code"`
	LegacyDistrictCode string    `json:"legacy_district_code,omitempty"`
	LegacyCommuneCode  string    `json:"legacy_commune_code,omitempty"`
	AddressLine        string    `json:"address_line"`
	Latitude           *float64  `json:"latitude,omitempty"`
	Longitude          *float64  `json:"longitude,omitempty"`
	WomenLed           bool      `json:"women_led"`
	EthnicMinorityLed  bool      `json:"ethnic_minority_led"`
	WorkersTotal       int       `json:"workers_total"`
	WorkersWomen       int       `json:"workers_women"`
	WorkersEthnic      int       `json:"workers_ethnic"`
	Description        string    `json:"description"`
	Status             string    `json:"status"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
	Version            int       `json:"version"`
	// ProductCount is filled in by lists.
	ProductCount int `json:"product_count"`
}

// ProducerInput is what a form, the API or an import row gives.
type ProducerInput struct {
	Kind               string   `json:"kind"`
	Name               string   `json:"name"`
	RegistrationNo     string   `json:"registration_no"`
	Representative     string   `json:"representative"`
	Phone              string   `json:"phone"`
	Email              string   `json:"email"`
	Website            string   `json:"website"`
	CommuneCode        string   `json:"commune_code"`
	LegacyDistrictCode string   `json:"legacy_district_code"`
	LegacyCommuneCode  string   `json:"legacy_commune_code"`
	AddressLine        string   `json:"address_line"`
	Latitude           *float64 `json:"latitude"`
	Longitude          *float64 `json:"longitude"`
	WomenLed           bool     `json:"women_led"`
	EthnicMinorityLed  bool     `json:"ethnic_minority_led"`
	WorkersTotal       int      `json:"workers_total"`
	WorkersWomen       int      `json:"workers_women"`
	WorkersEthnic      int      `json:"workers_ethnic"`
	Description        string   `json:"description"`
	Status             string   `json:"status"`
	// Version is the version the edit was based on (updates only).
	Version int `json:"version"`
}

var (
	regNoRe = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z./-]{2,39}$`)
	phoneRe = regexp.MustCompile(`^\+?[0-9 .()-]{8,20}$`)
)

// checkText normalises and bounds a free-text field.
func checkText(errs *apperr.Errs, field string, v *string, max int, required bool) {
	*v = textfold.NFC(*v)
	switch {
	case required && *v == "":
		errs.Add(field, "err.required")
	case utf8.RuneCountInString(*v) > max:
		errs.Add(field, "err.too_long", max)
	case strings.ContainsAny(*v, "\x00"):
		errs.Add(field, "err.control_chars")
	}
}

func checkCoords(errs *apperr.Errs, lat, lng *float64) {
	if (lat == nil) != (lng == nil) {
		errs.Add("latitude", "err.coords_pair")
		return
	}
	if lat == nil {
		return
	}
	// Vietnam's mainland and islands lie within these bounds (NaN fails every comparison, so test it first).
	if math.IsNaN(*lat) || math.IsNaN(*lng) || *lat < 8 || *lat > 24 || *lng < 102 || *lng > 118 {
		errs.Add("latitude", "err.coords_outside_vietnam")
	}
}

// validate normalises the input and checks it, resolving the address.
func (s *Service) validateProducer(in *ProducerInput) error {
	var errs apperr.Errs
	checkText(&errs, "name", &in.Name, 300, true)
	checkText(&errs, "representative", &in.Representative, 200, false)
	checkText(&errs, "address_line", &in.AddressLine, 300, false)
	checkText(&errs, "description", &in.Description, 5000, false)
	if !slices.Contains(ProducerKinds, in.Kind) {
		errs.Add("kind", "err.producer_kind_unknown")
	}
	in.RegistrationNo = strings.ToUpper(strings.TrimSpace(in.RegistrationNo))
	if in.RegistrationNo != "" && !regNoRe.MatchString(in.RegistrationNo) {
		errs.Add("registration_no", "err.registration_no_format")
	}
	in.Phone = strings.TrimSpace(in.Phone)
	if in.Phone != "" && !phoneRe.MatchString(in.Phone) {
		errs.Add("phone", "err.phone_format")
	}
	in.Email = strings.TrimSpace(in.Email)
	if in.Email != "" {
		if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
			errs.Add("email", "err.email_format")
		}
	}
	in.Website = strings.TrimSpace(in.Website)
	if in.Website != "" {
		u, err := url.Parse(in.Website)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(in.Website) > 300 {
			errs.Add("website", "err.url_format")
		}
	}
	checkCoords(&errs, in.Latitude, in.Longitude)
	if in.WorkersTotal < 0 || in.WorkersWomen < 0 || in.WorkersEthnic < 0 || in.WorkersTotal > 1_000_000 {
		errs.Add("workers_total", "err.workers_range")
	} else if in.WorkersWomen > in.WorkersTotal || in.WorkersEthnic > in.WorkersTotal {
		errs.Add("workers_women", "err.workers_exceed_total")
	}
	if in.Status == "" {
		in.Status = StatusActive
	}
	if in.Status != StatusDraft && in.Status != StatusActive && in.Status != StatusInactive {
		errs.Add("status", "err.status_unknown")
	}
	addr, err := s.units.Resolve(adminunit.Address{CommuneCode: in.CommuneCode, LegacyDistrictCode: in.LegacyDistrictCode, LegacyCommuneCode: in.LegacyCommuneCode})
	if err != nil {
		errs = append(errs, apperr.As(err).Fields...)
	}
	in.CommuneCode, in.LegacyDistrictCode, in.LegacyCommuneCode = addr.CommuneCode, addr.LegacyDistrictCode, addr.LegacyCommuneCode
	return errs.Err()
}

func producerKey(in *ProducerInput) string {
	return textfold.Key(in.Name, in.RegistrationNo, in.Representative)
}

// CreateProducer registers a producer. Province staff may create one
// anywhere, a commune officer in their communes.
func (s *Service) CreateProducer(ctx context.Context, p *account.Principal, in ProducerInput) (Producer, error) {
	var out Producer
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		out, err = s.CreateProducerTx(ctx, tx, p, in)
		return err
	})
	return out, err
}

// CreateProducerTx is CreateProducer inside a caller's transaction.
func (s *Service) CreateProducerTx(ctx context.Context, tx *db.Tx, p *account.Principal, in ProducerInput) (Producer, error) {
	if !p.Province() && !p.Is(account.RoleCommune) {
		return Producer{}, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	if err := s.validateProducer(&in); err != nil {
		return Producer{}, err
	}
	if !canManage(p, in.CommuneCode, 0) {
		return Producer{}, apperr.Fields(apperr.Field("commune_code", "err.commune_out_of_scope"))
	}
	return s.insertProducer(ctx, tx, p, in)
}

func (s *Service) insertProducer(ctx context.Context, tx *db.Tx, p *account.Principal, in ProducerInput) (Producer, error) {
	now := s.stamp()
	id, err := db.Insert(ctx, tx, `INSERT INTO producers (kind, name, registration_no, representative, phone, email, website,
		commune_code, legacy_district_code, legacy_commune_code, address_line, latitude, longitude, women_led, ethnic_minority_led,
		workers_total, workers_women, workers_ethnic, description, status, search_key, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
		in.Kind, in.Name, db.NullString(in.RegistrationNo), in.Representative, in.Phone, in.Email, in.Website,
		in.CommuneCode, db.NullString(in.LegacyDistrictCode), db.NullString(in.LegacyCommuneCode), in.AddressLine, in.Latitude, in.Longitude,
		in.WomenLed, in.EthnicMinorityLed, in.WorkersTotal, in.WorkersWomen, in.WorkersEthnic, in.Description, in.Status,
		producerKey(&in), now, now)
	if err != nil {
		if _, ok := db.IsUnique(err); ok {
			return Producer{}, apperr.Fields(apperr.Field("registration_no", "err.registration_no_taken", in.RegistrationNo))
		}
		return Producer{}, fmt.Errorf("create producer: %w", err)
	}
	out, err := s.producer(ctx, tx, id)
	if err != nil {
		return Producer{}, err
	}
	return out, account.Audit(ctx, tx, p, "producer.create", "producer", id, out.CommuneCode, nil, out)
}

// UpdateProducer changes a producer. A producer account may change its own
// record but not its status; officers in scope may change everything.
// in.Version must be the version the edit started from.
func (s *Service) UpdateProducer(ctx context.Context, p *account.Principal, id int64, in ProducerInput) (Producer, error) {
	var out Producer
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		before, err := s.producer(ctx, tx, id)
		if err != nil {
			return err
		}
		if !canManage(p, before.CommuneCode, before.ID) {
			return forbidden()
		}
		if p.Is(account.RoleProducer) {
			in.Status = before.Status
		}
		if err := s.validateProducer(&in); err != nil {
			return err
		}
		if !canManage(p, in.CommuneCode, before.ID) {
			return apperr.Fields(apperr.Field("commune_code", "err.commune_out_of_scope"))
		}
		if TourismOnly(in.Kind) && !TourismOnly(before.Kind) {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM products WHERE producer_id = ? AND category_code NOT LIKE 'VI%'", id).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return apperr.Fields(apperr.Field("kind", "err.kind_has_non_tourism_products", n))
			}
		}
		out, err = s.saveProducer(ctx, tx, p, before, in, in.Version)
		return err
	})
	return out, err
}

// saveProducer writes an update of before with the version the edit
// started from, re-indexes its products when the name changed, and audits
// the change: the one update path of forms, the API and imports.
func (s *Service) saveProducer(ctx context.Context, tx *db.Tx, p *account.Principal, before Producer, in ProducerInput, version int) (Producer, error) {
	res, err := tx.ExecContext(ctx, `UPDATE producers SET kind = ?, name = ?, registration_no = ?, representative = ?, phone = ?,
		email = ?, website = ?, commune_code = ?, legacy_district_code = ?, legacy_commune_code = ?, address_line = ?, latitude = ?,
		longitude = ?, women_led = ?, ethnic_minority_led = ?, workers_total = ?, workers_women = ?, workers_ethnic = ?,
		description = ?, status = ?, search_key = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		in.Kind, in.Name, db.NullString(in.RegistrationNo), in.Representative, in.Phone, in.Email, in.Website, in.CommuneCode,
		db.NullString(in.LegacyDistrictCode), db.NullString(in.LegacyCommuneCode), in.AddressLine, in.Latitude, in.Longitude,
		in.WomenLed, in.EthnicMinorityLed, in.WorkersTotal, in.WorkersWomen, in.WorkersEthnic, in.Description, in.Status,
		producerKey(&in), s.stamp(), before.ID, version)
	if err != nil {
		if _, ok := db.IsUnique(err); ok {
			return Producer{}, apperr.Fields(apperr.Field("registration_no", "err.registration_no_taken", in.RegistrationNo))
		}
		return Producer{}, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Producer{}, apperr.New(apperr.Conflict, "err.stale")
	}
	if before.Name != in.Name {
		if err := s.reindexProducts(ctx, tx, "p.producer_id = ?", before.ID); err != nil {
			return Producer{}, err
		}
	}
	out, err := s.producer(ctx, tx, before.ID)
	if err != nil {
		return Producer{}, err
	}
	return out, account.Audit(ctx, tx, p, "producer.update", "producer", before.ID, out.CommuneCode, before, out)
}

const producerCols = `p.id, p.kind, p.name, COALESCE(p.registration_no, ''), p.representative, p.phone, p.email, p.website,
	p.commune_code, COALESCE(p.legacy_district_code, ''), COALESCE(p.legacy_commune_code, ''), p.address_line, p.latitude, p.longitude,
	p.women_led, p.ethnic_minority_led, p.workers_total, p.workers_women, p.workers_ethnic, p.description, p.status,
	p.created_at, p.updated_at, p.version`

func scanProducer(sc interface{ Scan(...any) error }, withCount bool) (Producer, error) {
	var x Producer
	var lat, lng sql.NullFloat64
	dest := []any{&x.ID, &x.Kind, &x.Name, &x.RegistrationNo, &x.Representative, &x.Phone, &x.Email, &x.Website,
		&x.CommuneCode, &x.LegacyDistrictCode, &x.LegacyCommuneCode, &x.AddressLine, &lat, &lng,
		&x.WomenLed, &x.EthnicMinorityLed, &x.WorkersTotal, &x.WorkersWomen, &x.WorkersEthnic, &x.Description, &x.Status,
		&x.CreatedAt, &x.UpdatedAt, &x.Version}
	if withCount {
		dest = append(dest, &x.ProductCount)
	}
	if err := sc.Scan(dest...); err != nil {
		return x, err
	}
	if lat.Valid && lng.Valid {
		x.Latitude, x.Longitude = &lat.Float64, &lng.Float64
	}
	return x, nil
}

func (s *Service) producer(ctx context.Context, q db.Queryer, id int64) (Producer, error) {
	x, err := scanProducer(q.QueryRowContext(ctx, "SELECT "+producerCols+" FROM producers p WHERE p.id = ?", id), false)
	if err != nil {
		return x, db.Scan(err, "err.producer_not_found")
	}
	return x, nil
}

// Producer returns a producer that p may open in the back office.
func (s *Service) Producer(ctx context.Context, p *account.Principal, id int64) (Producer, error) {
	x, err := s.producer(ctx, s.db, id)
	if err != nil {
		return x, err
	}
	if !canRead(p, x.CommuneCode, x.ID, x.Status) {
		return Producer{}, forbidden()
	}
	return x, nil
}

// PublicProducer returns an active producer for anyone (public pages and
// the anonymous API).
func (s *Service) PublicProducer(ctx context.Context, id int64) (Producer, error) {
	x, err := s.producer(ctx, s.db, id)
	if err != nil {
		return x, err
	}
	if x.Status != StatusActive {
		return Producer{}, apperr.New(apperr.NotFound, "err.producer_not_found")
	}
	return x, nil
}

// CanManageProducer reports whether p may change the producer (for showing
// edit buttons).
func CanManageProducer(p *account.Principal, x Producer) bool {
	return canManage(p, x.CommuneCode, x.ID)
}

// ProducerFilter selects producers in lists.
type ProducerFilter struct {
	Query          string
	Kind           string
	CommuneCode    string
	LegacyDistrict string
	Status         string
	WomenLed       bool
	EthnicMinority bool
	// Public limits the list to active records whoever asks (public API).
	Public  bool
	Page    int
	PerPage int
}

// ListProducers lists the producers p may see, filtered and paged.
func (s *Service) ListProducers(ctx context.Context, p *account.Principal, f ProducerFilter) (Page[Producer], error) {
	var w where
	if f.Public {
		w.add("p.status = 'active'")
	} else {
		cond, args := scopeFilter(p, "p.commune_code", "p.id", "p.status")
		w.add(cond, args...)
	}
	if cond, arg, ok := match(s.db.Dialect(), "producers", "p", f.Query); ok {
		w.add(cond, arg)
	} else if strings.TrimSpace(f.Query) != "" {
		return Page[Producer]{Page: 1, PerPage: 25}, nil
	}
	if f.Kind != "" {
		w.add("p.kind = ?", f.Kind)
	}
	if f.CommuneCode != "" {
		w.add("p.commune_code = ?", f.CommuneCode)
	}
	if f.LegacyDistrict != "" {
		w.add("p.legacy_district_code = ?", f.LegacyDistrict)
	}
	if f.Status != "" && !f.Public {
		w.add("p.status = ?", f.Status)
	}
	if f.WomenLed {
		w.add("p.women_led = TRUE")
	}
	if f.EthnicMinority {
		w.add("p.ethnic_minority_led = TRUE")
	}
	page, per := pageArgs(f.Page, f.PerPage)
	out := Page[Producer]{Page: page, PerPage: per}
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM producers p"+w.sql(), w.args...).Scan(&out.Total); err != nil {
		return out, err
	}
	rows, err := s.db.QueryContext(ctx, "SELECT "+producerCols+`, (SELECT COUNT(*) FROM products x WHERE x.producer_id = p.id)
		FROM producers p`+w.sql()+" ORDER BY p.search_key, p.id LIMIT ? OFFSET ?", append(w.args, per, (page-1)*per)...)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		x, err := scanProducer(rows, true)
		if err != nil {
			return out, err
		}
		out.Items = append(out.Items, x)
	}
	return out, rows.Err()
}
