package evaluation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/registry"
	"ocop/internal/textfold"
)

// DossierKinds lists the dossier kinds in the order of Mẫu 01 item 4.
var DossierKinds = []DossierKind{DossierFirst, DossierUpgrade, DossierRerating}

// Valid reports whether k is a known dossier kind.
func (k DossierKind) Valid() bool { return slices.Contains(DossierKinds, k) }

// ReturnDays is the default time a producer gets to complete a dossier
// sent back for update. The decision sets no limit (Điều 7.2, 7.3.a say
// only that the commune and the office "hướng dẫn … hoàn thiện hồ sơ"); ten
// days is the programme office's working practice, and the officer may
// set another date.
const ReturnDays = 10

// SampleCount is the number of product samples the commune sends with its
// proposal (Điều 6.2.d: "05 sản phẩm mẫu").
const SampleCount = 5

// TourismCategory is the product kind whose dossiers need no samples
// (Điều 6.2.d: "trừ nhóm sản phẩm Dịch vụ du lịch cộng đồng, du lịch sinh
// thái và điểm du lịch", group VI of Phụ lục I).
const TourismCategory = "VI"

// IsTourism reports whether a classification code is in group VI.
func IsTourism(category string) bool {
	return category == TourismCategory || strings.HasPrefix(category, TourismCategory+".")
}

// RequiredSamples is how many samples a dossier of the category needs.
func RequiredSamples(category string) int {
	if IsTourism(category) {
		return 0
	}
	return SampleCount
}

// Form01 is the registration form (Phiếu đăng ký, Mẫu 01 of Phụ lục III).
// The unit, product and group are taken from the registry when the
// dossier is filed, so that the form keeps what was registered.
type Form01 struct {
	UnitName       string `json:"unit_name"`
	Representative string `json:"representative"`
	Position       string `json:"position"`
	Address        string `json:"address"`
	Phone          string `json:"phone"`
	Email          string `json:"email"`
	ProductName    string `json:"product_name"`
	CategoryCode   string `json:"category_code"`
	// Samples is item 5: "Sản phẩm mẫu (số lượng)".
	Samples int `json:"samples"`
}

// Form02Checks are the boxes of Mẫu 02 part I item 7, in the form's order.
var Form02Checks = []string{
	"business_registration", // a) Giấy đăng ký kinh doanh
	"quality_declared",      // b) Đã công bố chất lượng sản phẩm theo quy định
	"food_safety_cert",      // c) Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm
	"production_cert",       // c) Giấy chứng nhận cơ sở đủ điều kiện sản xuất bắt buộc
	"ip_registered",         // d) Đã có đăng ký sở hữu trí tuệ
	"trademark",             // + Giấy chứng nhận đăng ký nhãn hiệu
	"geo_indication",        // + chỉ dẫn địa lý, nhãn hiệu tập thể, nhãn hiệu chứng nhận
	"patent",                // + Bằng sáng chế
	"industrial_design",     // + Bằng độc quyền kiểu dáng công nghiệp
	"copyright",             // + Giấy chứng nhận bản quyền tác giả
	"ip_other",              // + Khác (ghi rõ)
}

// Form02 is the self-assessment report (Báo cáo tự đánh giá, Mẫu 02)
// parts I, II and IV; part III is the self-assessment of every criterion
// (self_scores) with its evidence.
type Form02 struct {
	// Part I, items 5–9 (items 1–4 come from the producer record).
	RepresentativeName      string   `json:"representative_name"`
	RepresentativeGender    string   `json:"representative_gender"` // "male", "female" or ""
	RepresentativeEthnicity string   `json:"representative_ethnicity"`
	RepresentativeResidence string   `json:"representative_residence"`
	FoundedOn               Date     `json:"founded_on"`
	RegistrationNo          string   `json:"registration_no"`
	ProductSpec             string   `json:"product_spec"`
	Checks                  []string `json:"checks"`
	IPOther                 string   `json:"ip_other"`
	History                 string   `json:"history"`
	Organisation            string   `json:"organisation"`
	// Part II: results of the production and business plan.
	Production     string `json:"production"`
	QualityChanges string `json:"quality_changes"`
	Market         string `json:"market"`
	Revenue        string `json:"revenue"`
	// Part IV: plans.
	Plans string `json:"plans"`
}

// Checked reports whether a box of item 7 is ticked.
func (f Form02) Checked(key string) bool { return slices.Contains(f.Checks, key) }

// Changes is what an upgrade dossier shows changed since the certified
// product (Điều 6.1.b: "những thay đổi so với sản phẩm OCOP đã được công
// nhận").
type Changes struct {
	Product    string `json:"product"`    // quality, standards, recipe
	Packaging  string `json:"packaging"`  // packaging and labels
	Production string `json:"production"` // raw materials, organisation, technology
	Market     string `json:"market"`     // distribution, promotion, exports
	Other      string `json:"other"`
}

// Empty reports whether nothing was written.
func (c Changes) Empty() bool { return c == Changes{} }

// Updates are the updates a re-rating dossier gives since certification
// (Điều 6.1.c).
type Updates struct {
	Materials          string `json:"materials"`           // nguyên liệu
	Technology         string `json:"technology"`          // công nghệ sử dụng
	Packaging          string `json:"packaging"`           // bao bì
	Labels             string `json:"labels"`              // nhãn mác
	QualityDeclaration string `json:"quality_declaration"` // công bố chất lượng
	PeriodicTests      string `json:"periodic_tests"`      // các phiếu kiểm nghiệm định kỳ
	Markets            string `json:"markets"`             // thị trường tiêu thụ
	Output             string `json:"output"`              // sản lượng
	Revenue            string `json:"revenue"`             // doanh thu
	LegalPapers        string `json:"legal_papers"`        // giấy tờ pháp lý có thời hạn
}

// Empty reports whether nothing was written.
func (u Updates) Empty() bool { return u == Updates{} }

// Form03 is the commune's report (Báo cáo đánh giá, Mẫu 03 part II): the
// four assessments of Điều 7.2.a.
type Form03 struct {
	RawMaterials string `json:"raw_materials"` // sử dụng nguyên liệu địa phương
	Labour       string `json:"labour"`        // sử dụng lao động địa phương
	IdeaOrigin   string `json:"idea_origin"`   // nguồn gốc ý tưởng sản phẩm
	Identity     string `json:"identity"`      // bản sắc/trí tuệ địa phương
	// ReportedOn and ReportedBy record who wrote it and when.
	ReportedOn Date   `json:"reported_on"`
	ReportedBy string `json:"reported_by"`
}

// Complete reports whether all four assessments are written.
func (f Form03) Complete() bool {
	return f.RawMaterials != "" && f.Labour != "" && f.IdeaOrigin != "" && f.Identity != ""
}

// Dossier is a request to rate one product (hồ sơ sản phẩm, Điều 6.1) and
// where it stands in the process (workflow.go).
type Dossier struct {
	ID            int64       `json:"id"`
	RegNo         string      `json:"reg_no,omitempty"`
	ProductID     int64       `json:"product_id"`
	ProductName   string      `json:"product_name"`
	ProductCode   string      `json:"product_code"`
	CategoryCode  string      `json:"category_code"`
	ProducerID    int64       `json:"producer_id"`
	ProducerName  string      `json:"producer_name"`
	ProducerKind  string      `json:"producer_kind"`
	CommuneCode   string      `json:"commune_code"`
	Kind          DossierKind `json:"kind"`
	State         State       `json:"state"`
	CriteriaSetID int64       `json:"criteria_set_id"`
	SetNo         int         `json:"set_no"`
	RoundID       int64       `json:"round_id,omitempty"`
	CertificateID int64       `json:"certificate_id,omitempty"`
	Form01        Form01      `json:"form01"`
	Form02        Form02      `json:"form02"`
	Changes       Changes     `json:"changes"`
	Updates       Updates     `json:"updates"`
	// FiledOn is the day the dossier was first filed with the commune.
	FiledOn Date `json:"filed_on"`
	// CommuneDue is the commune's deadline: 15 working days from the last
	// (re)submission (Điều 7.2).
	CommuneDue   Date      `json:"commune_due"`
	ReturnItems  []string  `json:"return_items,omitempty"`
	ReturnDue    Date      `json:"return_due"`
	RejectReason string    `json:"reject_reason,omitempty"`
	Report       Form03    `json:"report"`
	Samples      int       `json:"samples"`
	ProposedOn   Date      `json:"proposed_on"`
	CompleteOn   Date      `json:"complete_on"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	CreatedBy    int64     `json:"created_by,omitempty"`
	Version      int       `json:"version"`
}

// Editable reports whether the producer side may change the dossier's
// forms, self-assessment and evidence: before filing, or when it was sent
// back for update.
func (d *Dossier) Editable() bool { return d.State == StateDraft || d.State == StateReturned }

// Tourism reports whether the product is a tourism service (group VI).
func (d *Dossier) Tourism() bool { return IsTourism(d.CategoryCode) }

// Due returns the deadline of the step the dossier is in (the commune's
// check while submitted, the producer's update while returned), or the
// zero Date.
func (d *Dossier) Due() Date {
	switch d.State {
	case StateSubmitted:
		return d.CommuneDue
	case StateReturned:
		return d.ReturnDue
	}
	return Date{}
}

// OverdueOn reports whether the current step's deadline has passed.
func (d *Dossier) OverdueOn(today Date) bool {
	due := d.Due()
	return !due.IsZero() && Overdue(due, today)
}

// dossierCols and dossierFrom read a Dossier with its product, producer
// and scorecard number.
const dossierCols = `d.id, COALESCE(d.reg_no, ''), d.product_id, p.name, p.code, p.category_code, d.producer_id, pr.name, pr.kind,
	d.commune_code, d.kind, d.state, d.criteria_set_id, cs.set_no, COALESCE(d.round_id, 0), COALESCE(d.certificate_id, 0),
	d.form01, d.form02, d.changes, d.updates, d.filed_on, d.commune_due, d.return_items, d.return_due, d.reject_reason,
	d.commune_report, d.samples, d.proposed_on, d.complete_on, d.created_at, d.updated_at, COALESCE(d.created_by, 0), d.version`

const dossierFrom = ` FROM dossiers d JOIN products p ON p.id = d.product_id JOIN producers pr ON pr.id = d.producer_id
	JOIN criteria_sets cs ON cs.id = d.criteria_set_id`

func scanDossier(sc interface{ Scan(...any) error }) (Dossier, error) {
	var d Dossier
	var f01, f02, changes, updates, items, report string
	err := sc.Scan(&d.ID, &d.RegNo, &d.ProductID, &d.ProductName, &d.ProductCode, &d.CategoryCode, &d.ProducerID, &d.ProducerName,
		&d.ProducerKind, &d.CommuneCode, &d.Kind, &d.State, &d.CriteriaSetID, &d.SetNo, &d.RoundID, &d.CertificateID,
		&f01, &f02, &changes, &updates, &d.FiledOn, &d.CommuneDue, &items, &d.ReturnDue, &d.RejectReason,
		&report, &d.Samples, &d.ProposedOn, &d.CompleteOn, &d.CreatedAt, &d.UpdatedAt, &d.CreatedBy, &d.Version)
	if err != nil {
		return d, err
	}
	for _, x := range []struct {
		src string
		dst any
	}{{f01, &d.Form01}, {f02, &d.Form02}, {changes, &d.Changes}, {updates, &d.Updates}, {items, &d.ReturnItems}, {report, &d.Report}} {
		if x.src == "" {
			continue
		}
		if err := json.Unmarshal([]byte(x.src), x.dst); err != nil {
			return d, fmt.Errorf("dossier %d: %w", d.ID, err)
		}
	}
	return d, nil
}

// loadDossier reads a dossier whatever the caller may see.
func loadDossier(ctx context.Context, q db.Queryer, id int64) (Dossier, error) {
	d, err := scanDossier(q.QueryRowContext(ctx, "SELECT "+dossierCols+dossierFrom+" WHERE d.id = ?", id))
	if err != nil {
		return d, db.Scan(err, "dossier.err_not_found")
	}
	return d, nil
}

// jsonText encodes a form column. Only the plain structs and slices of
// this file (strings, ints, Dates) are encoded, for which json.Marshal
// cannot fail.
func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// dateText stores a Date in a NOT NULL text column: "" for no date.
func dateText(d Date) string { return d.String() }

// mayEdit reports whether p may prepare the dossier for the producer: the
// producer itself, an officer of its commune, or the province.
func mayEdit(p *account.Principal, d *Dossier) bool {
	switch {
	case p.Province():
		return true
	case p.Is(account.RoleCommune):
		return p.InCommune(d.CommuneCode)
	case p.Is(account.RoleProducer):
		return p.ActsFor(d.ProducerID)
	}
	return false
}

// mayRead reports whether p may open the dossier: those who may act on
// it, and members of a council it was put before.
func (s *Service) mayRead(ctx context.Context, q db.Queryer, p *account.Principal, d *Dossier) (bool, error) {
	if mayEdit(p, d) {
		return true, nil
	}
	if !p.Is(account.RoleCouncil) {
		return false, nil
	}
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM council_dossiers cd JOIN council_members m ON m.council_id = cd.council_id
		WHERE cd.dossier_id = ? AND m.user_id = ?`, d.ID, p.UserID).Scan(&n)
	return n > 0, err
}

func outOfScope() error { return apperr.New(apperr.Forbidden, "err.out_of_scope") }

func needLogin(p *account.Principal) error {
	if p == nil {
		return apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	return nil
}

// Dossier returns a dossier p may open.
func (s *Service) Dossier(ctx context.Context, p *account.Principal, id int64) (Dossier, error) {
	if err := needLogin(p); err != nil {
		return Dossier{}, err
	}
	d, err := loadDossier(ctx, s.db, id)
	if err != nil {
		return d, err
	}
	ok, err := s.mayRead(ctx, s.db, p, &d)
	if err != nil {
		return Dossier{}, err
	}
	if !ok {
		return Dossier{}, outOfScope()
	}
	return d, nil
}

// CanEdit reports whether p may change the dossier's forms, self-assessment
// and evidence now.
func CanEdit(p *account.Principal, d *Dossier) bool { return d.Editable() && mayEdit(p, d) }

// CanReport reports whether p may write the commune's Mẫu 03 report now.
func CanReport(p *account.Principal, d *Dossier) bool {
	return d.State == StateSubmitted && MayAct(d.State, ActPropose, p.Role) && mayEdit(p, d) && !p.Is(account.RoleProducer)
}

// DossierFilter selects dossiers in lists and queues.
type DossierFilter struct {
	State   string
	Kind    string
	Commune string
	RoundID int64
	// Overdue keeps dossiers whose current step is past its deadline.
	Overdue   bool
	ProductID int64
	Page      int
	PerPage   int
}

// ListDossiers lists the dossiers p may work on: a producer its own, a
// commune officer those of their communes, the province all. Council
// members work from their councils, not from this list.
func (s *Service) ListDossiers(ctx context.Context, p *account.Principal, f DossierFilter) (registry.Page[Dossier], error) {
	out := registry.Page[Dossier]{}
	if err := needLogin(p); err != nil {
		return out, err
	}
	var conds []string
	var args []any
	add := func(c string, a ...any) { conds = append(conds, c); args = append(args, a...) }
	switch {
	case p.Province():
	case p.Is(account.RoleCommune):
		if len(p.Communes) == 0 {
			add("1 = 0")
		} else {
			add("d.commune_code IN ("+db.Placeholders(len(p.Communes))+")", anySlice(p.Communes)...)
		}
	case p.Is(account.RoleProducer):
		if len(p.Producers) == 0 {
			add("1 = 0")
		} else {
			add("d.producer_id IN ("+db.Placeholders(len(p.Producers))+")", anySlice(p.Producers)...)
		}
	default:
		return out, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	if f.State != "" {
		if !slices.Contains(States, State(f.State)) {
			return out, apperr.Fields(apperr.Field("state", "dossier.err_state_unknown"))
		}
		add("d.state = ?", f.State)
	}
	if f.Kind != "" {
		if !DossierKind(f.Kind).Valid() {
			return out, apperr.Fields(apperr.Field("kind", "dossier.err_kind"))
		}
		add("d.kind = ?", f.Kind)
	}
	if f.Commune != "" {
		add("d.commune_code = ?", f.Commune)
	}
	if f.ProductID != 0 {
		add("d.product_id = ?", f.ProductID)
	}
	today := dateText(s.Today())
	if f.Overdue {
		add("((d.state = 'submitted' AND d.commune_due <> '' AND d.commune_due < ?) OR (d.state = 'returned' AND d.return_due <> '' AND d.return_due < ?))", today, today)
	}
	if f.RoundID != 0 {
		cond, a, err := s.roundCondition(ctx, f.RoundID)
		if err != nil {
			return out, err
		}
		add(cond, a...)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	per := f.PerPage
	if per <= 0 || per > registry.MaxPerPage {
		per = 25
	}
	page := min(max(f.Page, 1), 1_000_000/per+1)
	out.Page, out.PerPage = page, per
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM dossiers d"+where, args...).Scan(&out.Total); err != nil {
		return out, err
	}
	// The commune's queue is worked by due date; everything else newest
	// first.
	order := " ORDER BY d.updated_at DESC, d.id DESC"
	if f.State == string(StateSubmitted) || f.State == string(StateReturned) || f.Overdue {
		order = " ORDER BY CASE d.state WHEN 'submitted' THEN d.commune_due WHEN 'returned' THEN d.return_due ELSE '' END, d.id"
	}
	rows, err := s.db.QueryContext(ctx, "SELECT "+dossierCols+dossierFrom+where+order+" LIMIT ? OFFSET ?", append(args, per, (page-1)*per)...)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		d, err := scanDossier(rows)
		if err != nil {
			return out, err
		}
		out.Items = append(out.Items, d)
	}
	return out, rows.Err()
}

func anySlice[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// DossierInput starts a dossier.
type DossierInput struct {
	ProductID int64       `json:"product_id"`
	Kind      DossierKind `json:"kind"`
}

// CurrentCertificate is the certificate an upgrade or re-rating builds on.
type CurrentCertificate struct {
	ID      int64
	Number  string
	Star    int
	Issued  Date
	Expires Date
	Status  CertStatus
}

// currentCertificate returns the product's valid certificate, if any.
// The status is computed from the dates (CertificateStatusAt), never
// taken from the stored status column.
func currentCertificate(ctx context.Context, q db.Queryer, productID int64, today Date) (CurrentCertificate, bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, number, star, issued_on, expires_on, revoked_on FROM certificates
		WHERE product_id = ? AND superseded_by IS NULL ORDER BY issued_on DESC, id DESC`, productID)
	if err != nil {
		return CurrentCertificate{}, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var c CurrentCertificate
		var revoked Date
		if err := rows.Scan(&c.ID, &c.Number, &c.Star, &c.Issued, &c.Expires, &revoked); err != nil {
			return c, false, err
		}
		c.Status = CertificateStatusAt(CertificateDates{Issued: c.Issued, Expiry: c.Expires, Revoked: revoked}, today)
		if c.Status.Valid() {
			return c, true, rows.Err()
		}
	}
	return CurrentCertificate{}, false, rows.Err()
}

// activeSetID returns the scorecard version in force for a scorecard
// number.
func activeSetID(ctx context.Context, q db.Queryer, setNo int) (int64, bool, error) {
	var id int64
	err := q.QueryRowContext(ctx, "SELECT id FROM criteria_sets WHERE set_no = ? AND status = 'active' ORDER BY created_at DESC, id DESC LIMIT 1", setNo).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}

// DossierStart is what the new-dossier page shows before the dossier
// exists: the product, its scorecard and its certificate.
type DossierStart struct {
	Product     registry.Product
	SetNo       int
	SetID       int64
	Certificate *CurrentCertificate
	// Open is a dossier of the product still in progress, if any.
	Open int64
}

// StartDossier checks that p may file a dossier for the product and
// returns what the new-dossier page shows.
func (s *Service) StartDossier(ctx context.Context, p *account.Principal, productID int64) (DossierStart, error) {
	var st DossierStart
	if err := needLogin(p); err != nil {
		return st, err
	}
	x, err := s.reg.Product(ctx, p, productID)
	if err != nil {
		return st, err
	}
	if !registry.CanManageProduct(p, x) {
		return st, outOfScope()
	}
	st.Product = x
	if c, ok := s.reg.Categories().Get(x.CategoryCode); ok {
		st.SetNo = c.ScorecardSet
	}
	if st.SetID, _, err = activeSetID(ctx, s.db, st.SetNo); err != nil {
		return st, err
	}
	if c, ok, err := currentCertificate(ctx, s.db, productID, s.Today()); err != nil {
		return st, err
	} else if ok {
		st.Certificate = &c
	}
	st.Open, err = openDossier(ctx, s.db, productID)
	return st, err
}

// openDossier returns a dossier of the product that is still in progress
// (0 when none): a product is rated by one dossier at a time.
func openDossier(ctx context.Context, q db.Queryer, productID int64) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM dossiers WHERE product_id = ? AND state NOT IN ('rejected', 'withdrawn', 'failed', 'certified')
		ORDER BY id LIMIT 1`, productID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// CreateDossier starts a draft dossier for a product: by its producer, or
// by an officer of its commune or the province on its behalf. The
// scorecard is the one in force for the product's category; an upgrade or
// re-rating needs a valid certificate of the product.
func (s *Service) CreateDossier(ctx context.Context, p *account.Principal, in DossierInput) (Dossier, error) {
	if err := needLogin(p); err != nil {
		return Dossier{}, err
	}
	if !p.Is(account.RoleProducer, account.RoleCommune, account.RoleOffice, account.RoleAdmin) {
		return Dossier{}, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	var errs apperr.Errs
	if in.ProductID <= 0 {
		errs.Add("product", "err.required")
	}
	if !in.Kind.Valid() {
		errs.Add("kind", "dossier.err_kind")
	}
	if err := errs.Err(); err != nil {
		return Dossier{}, err
	}
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		x, err := s.reg.Product(ctx, p, in.ProductID)
		if err != nil {
			if apperr.Is(err, apperr.NotFound) {
				return apperr.Fields(apperr.Field("product", "err.product_not_found"))
			}
			return err
		}
		if !registry.CanManageProduct(p, x) {
			return outOfScope()
		}
		if x.Status == registry.StatusInactive {
			return apperr.Fields(apperr.Field("product", "dossier.err_product_inactive"))
		}
		producer, err := s.reg.Producer(ctx, p, x.ProducerID)
		if err != nil {
			return err
		}
		cat, _ := s.reg.Categories().Get(x.CategoryCode)
		setID, ok, err := activeSetID(ctx, tx, cat.ScorecardSet)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.Fields(apperr.Field("product", "dossier.err_no_active_scorecard", cat.ScorecardSet))
		}
		if open, err := openDossier(ctx, tx, x.ID); err != nil {
			return err
		} else if open != 0 {
			return apperr.New(apperr.Conflict, "dossier.err_open_exists", open)
		}
		var certID any
		if in.Kind != DossierFirst {
			c, ok, err := currentCertificate(ctx, tx, x.ID, s.Today())
			if err != nil {
				return err
			}
			if !ok {
				return apperr.Fields(apperr.Field("kind", "dossier.err_no_certificate"))
			}
			if in.Kind == DossierUpgrade && c.Star >= int(Star5) {
				return apperr.Fields(apperr.Field("kind", "dossier.err_upgrade_five"))
			}
			certID = c.ID
		}
		address := producer.AddressLine
		if w, ok := s.reg.Units().Ward(producer.CommuneCode); ok {
			address = strings.TrimPrefix(strings.TrimSpace(address+", "+w.FullName), ", ")
		}
		f01 := Form01{UnitName: producer.Name, Representative: producer.Representative, Address: address, Phone: producer.Phone,
			Email: producer.Email, ProductName: x.Name, CategoryCode: x.CategoryCode, Samples: RequiredSamples(x.CategoryCode)}
		f02 := Form02{RepresentativeName: producer.Representative, RegistrationNo: producer.RegistrationNo}
		now := s.stampNow()
		id, err = db.Insert(ctx, tx, `INSERT INTO dossiers (reg_no, product_id, producer_id, commune_code, kind, state, criteria_set_id,
			round_id, certificate_id, form01, form02, changes, updates, filed_on, commune_due, return_items, return_due, reject_reason,
			commune_report, samples, proposed_on, complete_on, created_at, updated_at, created_by, version)
			VALUES (NULL, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, '', '', '[]', '', '', ?, 0, '', '', ?, ?, ?, 1)`,
			x.ID, x.ProducerID, producer.CommuneCode, in.Kind, StateDraft, setID, certID, jsonText(f01), jsonText(f02),
			jsonText(Changes{}), jsonText(Updates{}), jsonText(Form03{}), now, now, nullUser(p))
		if err != nil {
			return err
		}
		if err := s.event(ctx, tx, p, id, "", StateDraft, ""); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "dossier.create", "dossier", id, producer.CommuneCode, nil,
			map[string]any{"product_id": x.ID, "kind": in.Kind, "criteria_set_id": setID, "state": StateDraft})
	})
	if err != nil {
		return Dossier{}, err
	}
	return loadDossier(ctx, s.db, id)
}

// nullUser is the user id of p for a nullable column.
func nullUser(p *account.Principal) any {
	if p == nil || p.UserID == 0 {
		return nil
	}
	return p.UserID
}

// actorName is how the timeline names who acted.
func actorName(p *account.Principal) string {
	if p == nil {
		return "system"
	}
	if p.DisplayName != "" {
		return p.DisplayName
	}
	return p.Username
}

// event appends a row to the dossier's timeline.
func (s *Service) event(ctx context.Context, tx *db.Tx, p *account.Principal, id int64, from, to State, note string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO dossier_events (dossier_id, at, actor_id, actor_name, from_state, to_state, note)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, id, s.stampNow(), nullUser(p), actorName(p), string(from), string(to), note)
	return err
}

// Event is one row of a dossier's timeline.
type Event struct {
	At        time.Time `json:"at"`
	ActorName string    `json:"actor_name"`
	From      State     `json:"from"`
	To        State     `json:"to"`
	Note      string    `json:"note,omitempty"`
}

// Events returns the timeline of a dossier p may open, oldest first.
func (s *Service) Events(ctx context.Context, p *account.Principal, id int64) ([]Event, error) {
	if _, err := s.Dossier(ctx, p, id); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, "SELECT at, actor_name, from_state, to_state, note FROM dossier_events WHERE dossier_id = ? ORDER BY at, id", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.At, &e.ActorName, &e.From, &e.To, &e.Note); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// checkDossierText normalises a free-text field and bounds it: NFC, trimmed, no
// control characters other than line breaks and tabs.
func checkDossierText(errs *apperr.Errs, field string, v *string, max int, required bool) {
	*v = strings.TrimSpace(textfold.NFC(*v))
	switch {
	case required && *v == "":
		errs.Add(field, "err.required")
	case utf8.RuneCountInString(*v) > max:
		errs.Add(field, "err.too_long", max)
	case strings.IndexFunc(*v, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }) >= 0:
		errs.Add(field, "err.control_chars")
	}
}

// Text limits of the forms.
const (
	shortText = 300
	longText  = 10000
)

// editTx loads a dossier in tx for a change of its forms by p, checking
// scope, state and version.
func (s *Service) editTx(ctx context.Context, tx *db.Tx, p *account.Principal, id int64, version int) (Dossier, error) {
	d, err := loadDossier(ctx, tx, id)
	if err != nil {
		return d, err
	}
	if !mayEdit(p, &d) {
		return d, outOfScope()
	}
	if d.Version != version {
		return d, apperr.New(apperr.Conflict, "err.stale")
	}
	if !d.Editable() {
		return d, apperr.New(apperr.Conflict, "dossier.err_not_editable")
	}
	return d, nil
}

// bumpDossier saves columns of a dossier under optimistic locking.
func (s *Service) bumpDossier(ctx context.Context, tx *db.Tx, d *Dossier, sets string, args ...any) error {
	q := "UPDATE dossiers SET updated_at = ?, version = version + 1"
	if sets != "" {
		q += ", " + sets
	}
	all := append([]any{s.stampNow()}, args...)
	res, err := tx.ExecContext(ctx, q+" WHERE id = ? AND version = ?", append(all, d.ID, d.Version)...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return apperr.New(apperr.Conflict, "err.stale")
	}
	return nil
}

// SaveForm01 saves the registration form (Mẫu 01).
func (s *Service) SaveForm01(ctx context.Context, p *account.Principal, id int64, version int, in Form01) (Dossier, error) {
	if err := needLogin(p); err != nil {
		return Dossier{}, err
	}
	var errs apperr.Errs
	checkDossierText(&errs, "representative", &in.Representative, shortText, false)
	checkDossierText(&errs, "position", &in.Position, shortText, false)
	checkDossierText(&errs, "address", &in.Address, shortText, false)
	checkDossierText(&errs, "phone", &in.Phone, 40, false)
	checkDossierText(&errs, "email", &in.Email, 200, false)
	if in.Email != "" && !strings.Contains(in.Email, "@") {
		errs.Add("email", "err.email_format")
	}
	if in.Samples < 0 || in.Samples > 1000 {
		errs.Add("samples", "dossier.err_samples_range")
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		d, err := s.editTx(ctx, tx, p, id, version)
		if err != nil {
			return err
		}
		if err := errs.Err(); err != nil {
			return err
		}
		// The unit, product and group are the registry's, not typed in.
		in.UnitName, in.ProductName, in.CategoryCode = d.Form01.UnitName, d.Form01.ProductName, d.Form01.CategoryCode
		if err := s.bumpDossier(ctx, tx, &d, "form01 = ?", jsonText(in)); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "dossier.form01", "dossier", id, d.CommuneCode, d.Form01, in)
	})
	if err != nil {
		return Dossier{}, err
	}
	return loadDossier(ctx, s.db, id)
}

// SaveForm02 saves the self-assessment report's parts I, II and IV (Mẫu
// 02) with, for an upgrade, what changed and, for a re-rating, the updates
// of Điều 6.1.c.
func (s *Service) SaveForm02(ctx context.Context, p *account.Principal, id int64, version int, in Form02, ch Changes, up Updates) (Dossier, error) {
	if err := needLogin(p); err != nil {
		return Dossier{}, err
	}
	var errs apperr.Errs
	for _, f := range []struct {
		name string
		v    *string
		max  int
	}{
		{"representative_name", &in.RepresentativeName, shortText}, {"representative_ethnicity", &in.RepresentativeEthnicity, 100},
		{"representative_residence", &in.RepresentativeResidence, shortText}, {"registration_no", &in.RegistrationNo, 100},
		{"product_spec", &in.ProductSpec, longText}, {"ip_other", &in.IPOther, shortText}, {"history", &in.History, longText},
		{"organisation", &in.Organisation, longText}, {"production", &in.Production, longText},
		{"quality_changes", &in.QualityChanges, longText}, {"market", &in.Market, longText}, {"revenue", &in.Revenue, longText},
		{"plans", &in.Plans, longText},
		{"changes_product", &ch.Product, longText}, {"changes_packaging", &ch.Packaging, longText},
		{"changes_production", &ch.Production, longText}, {"changes_market", &ch.Market, longText}, {"changes_other", &ch.Other, longText},
		{"updates_materials", &up.Materials, longText}, {"updates_technology", &up.Technology, longText},
		{"updates_packaging", &up.Packaging, longText}, {"updates_labels", &up.Labels, longText},
		{"updates_quality_declaration", &up.QualityDeclaration, longText}, {"updates_periodic_tests", &up.PeriodicTests, longText},
		{"updates_markets", &up.Markets, longText}, {"updates_output", &up.Output, longText}, {"updates_revenue", &up.Revenue, longText},
		{"updates_legal_papers", &up.LegalPapers, longText},
	} {
		checkDossierText(&errs, f.name, f.v, f.max, false)
	}
	if g := in.RepresentativeGender; g != "" && g != "male" && g != "female" {
		errs.Add("representative_gender", "dossier.err_gender")
	}
	var checks []string
	for _, c := range Form02Checks { // keep the form's order, drop unknown boxes
		if slices.Contains(in.Checks, c) {
			checks = append(checks, c)
		}
	}
	if len(checks) != len(slices.Compact(slices.Sorted(slices.Values(in.Checks)))) {
		errs.Add("checks", "dossier.err_check_unknown")
	}
	in.Checks = checks
	if !in.FoundedOn.IsZero() && (!in.FoundedOn.Valid() || in.FoundedOn.After(s.Today())) {
		errs.Add("founded_on", "dossier.err_founded_on")
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		d, err := s.editTx(ctx, tx, p, id, version)
		if err != nil {
			return err
		}
		if err := errs.Err(); err != nil {
			return err
		}
		// Each kind keeps only its own part: an upgrade's changes, a
		// re-rating's updates.
		if d.Kind != DossierUpgrade {
			ch = Changes{}
		}
		if d.Kind != DossierRerating {
			up = Updates{}
		}
		if err := s.bumpDossier(ctx, tx, &d, "form02 = ?, changes = ?, updates = ?", jsonText(in), jsonText(ch), jsonText(up)); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "dossier.form02", "dossier", id, d.CommuneCode,
			map[string]any{"form02": d.Form02, "changes": d.Changes, "updates": d.Updates},
			map[string]any{"form02": in, "changes": ch, "updates": up})
	})
	if err != nil {
		return Dossier{}, err
	}
	return loadDossier(ctx, s.db, id)
}

// WorkingDaysLeft counts the working days after today up to and including
// due, on the service's holiday calendar (0 when due is today or past).
func (s *Service) WorkingDaysLeft(due Date) int {
	today := s.Today()
	if !due.After(today) {
		return 0
	}
	return WorkingDaysBetween(today, due, s.holidays)
}
