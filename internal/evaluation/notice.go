package evaluation

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/registry"
)

// This file is the life of a certificate after its decision, as the
// producer and the commune see it: which notice a certificate is due (a
// pure function), the in-app notifications, the producer's view of its
// certificates with the re-rating window, and what filing a re-rating
// means for the old certificate. jobs.go sends the notices.

// NoticeKind is a notice sent about a certificate. Each certificate gets
// each kind at most once (notices has UNIQUE(certificate_id, kind)).
type NoticeKind string

// The notices, in the order a certificate meets them.
const (
	// NoticeReratingOpen: the re-rating window of Điều 7.6.a has opened
	// (180 days before expiry).
	NoticeReratingOpen NoticeKind = "rerating_open"
	// NoticeReratingReminder: the window closes within
	// ReratingReminderDays and no re-rating dossier is filed.
	NoticeReratingReminder NoticeKind = "rerating_reminder"
	// NoticeExpiry: the certificate expires within ExpiryNoticeDays (the
	// notice "chậm nhất 30 ngày trước ngày hết thời hạn").
	NoticeExpiry NoticeKind = "expiry"
	// NoticeExpired: the certificate is no longer valid: past its expiry,
	// or past the extension of Điều 12.3. Recorded once, with the audit
	// row certificate.expire.
	NoticeExpired NoticeKind = "expired"
)

// NoticeKinds lists the notices in the order a certificate meets them.
var NoticeKinds = []NoticeKind{NoticeReratingOpen, NoticeReratingReminder, NoticeExpiry, NoticeExpired}

// ReratingReminderDays is how long before the re-rating window closes the
// reminder goes out: a week leaves time to put a dossier together.
const ReratingReminderDays = 7

// ExpiredNotifyDays bounds whom an expiry is announced to: an expiry more
// than this many days old (certificates that expired before the platform
// ran, imported history) is recorded but nobody is notified of it.
const ExpiredNotifyDays = 30

// NoticeFacts are what decides which notice a certificate is due.
type NoticeFacts struct {
	Status CertStatus // on the day the job runs
	Expiry Date       // last day of the 36 months
	// ReratingFiled is the filing day of a re-rating dossier of the
	// certificate that was neither withdrawn nor rejected (zero: none).
	ReratingFiled Date
	// ValidUntil is the last valid day, after any extension.
	ValidUntil Date
}

// DueNotice returns the notice a certificate is due on today, if any. The
// periods do not overlap, so at most one is due on a day:
//
//   - from the day the window opens (ReratingWindow) to ReratingReminderDays
//     before it closes: the window is open;
//   - from then to the day it closes: the reminder;
//   - from ExpiryNoticeDate to the expiry: the expiry notice;
//   - once the certificate is expired: the expiry is recorded.
//
// The window notices are skipped once a re-rating is filed; the expiry
// notice is not (it then says how long the certificate stays valid).
// Revoked, superseded and not-yet-valid certificates are due nothing, nor
// is a certificate within its extension: it is announced when that ends.
// A job that was down on the due day sends the notice late rather than
// never, as long as its period lasts.
func DueNotice(f NoticeFacts, today Date) (NoticeKind, bool) {
	switch {
	case f.Status == CertExpired:
		return NoticeExpired, true
	case f.Status != CertValid && f.Status != CertExpiringSoon:
		return "", false
	case ExpiryNoticeDue(f.Expiry, today):
		return NoticeExpiry, true
	case !f.ReratingFiled.IsZero():
		return "", false
	}
	opens, closes := ReratingWindow(f.Expiry)
	switch {
	case today.Before(opens), today.After(closes):
		return "", false
	case today.Before(closes.AddDays(-ReratingReminderDays)):
		return NoticeReratingOpen, true
	default:
		return NoticeReratingReminder, true
	}
}

// NotifyExpired reports whether the expiry of a certificate whose last
// valid day was validUntil is still news on today (see ExpiredNotifyDays).
func NotifyExpired(validUntil, today Date) bool {
	return today.Sub(validUntil) <= ExpiredNotifyDays
}

// ReratingTiming says when a re-rating dossier was (or, for a draft,
// would be) filed, against the window of Điều 7.6.a.
type ReratingTiming string

// The timings of a re-rating filing.
const (
	TimingEarly       ReratingTiming = "early"        // before the window opens
	TimingInWindow    ReratingTiming = "in_window"    // within the window
	TimingLate        ReratingTiming = "late"         // after the window, the certificate still valid
	TimingAfterExpiry ReratingTiming = "after_expiry" // after the expiry: nothing is extended
)

// ReratingTimingOf returns the timing of a re-rating filed on filed for a
// certificate expiring on expiry.
func ReratingTimingOf(expiry, filed Date) ReratingTiming {
	opens, closes := ReratingWindow(expiry)
	switch {
	case filed.Before(opens):
		return TimingEarly
	case !filed.After(closes):
		return TimingInWindow
	case !filed.After(expiry):
		return TimingLate
	default:
		return TimingAfterExpiry
	}
}

// filedRerating is a re-rating dossier filed with the commune.
type filedRerating struct {
	dossierID, certID, productID int64
	filed                        Date
	state                        State
}

// filedReratings reads the re-rating dossiers filed and neither withdrawn
// nor rejected, of the products (all products when there are too many to
// list).
func filedReratings(ctx context.Context, q db.Queryer, productIDs []int64) ([]filedRerating, error) {
	cond, args := "", []any(nil)
	if len(productIDs) <= 500 {
		if len(productIDs) == 0 {
			return nil, nil
		}
		cond = " AND product_id IN (" + db.Placeholders(len(productIDs)) + ")"
		args = anySlice(productIDs)
	}
	rows, err := q.QueryContext(ctx, `SELECT id, COALESCE(certificate_id, 0), product_id, filed_on, state FROM dossiers
		WHERE kind = 'rerating' AND filed_on <> '' AND state NOT IN ('draft', 'withdrawn', 'rejected')`+cond+` ORDER BY filed_on, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("filed re-ratings: %w", err)
	}
	defer rows.Close()
	var out []filedRerating
	for rows.Next() {
		var r filedRerating
		if err := rows.Scan(&r.dossierID, &r.certID, &r.productID, &r.filed, &r.state); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// reratingOf returns the filed re-rating of a certificate: the dossier that
// names it, or one of its product filed since it was issued (dossiers
// imported without the certificate's id), as certComputeStatus matches.
func reratingOf(rr []filedRerating, c *Certificate) (filedRerating, bool) {
	for _, r := range rr {
		if r.certID == c.ID || r.certID == 0 && r.productID == c.ProductID && !r.filed.Before(c.IssuedOn) {
			return r, true
		}
	}
	return filedRerating{}, false
}

// Notification is an in-app notification (thông báo) of one user. Message
// is a catalogue key and Args its arguments, so that the user reads it in
// their own language.
type Notification struct {
	ID            int64      `json:"id"`
	Kind          NoticeKind `json:"kind"`
	CertificateID int64      `json:"certificate_id,omitempty"`
	Message       string     `json:"message"`
	Args          []string   `json:"args"`
	Link          string     `json:"link"`
	CreatedAt     time.Time  `json:"created_at"`
	Read          bool       `json:"read"`
}

// ArgsAny returns Args for a fmt-style translation.
func (n Notification) ArgsAny() []any { return anySlice(n.Args) }

func notificationNotFound() error { return apperr.New(apperr.NotFound, "notice.err_not_found") }

// Notifications lists p's notifications, newest first, 50 a page.
func (s *Service) Notifications(ctx context.Context, p *account.Principal, page int) (registry.Page[Notification], error) {
	out := registry.Page[Notification]{PerPage: 50, Page: min(max(page, 1), 100_000)}
	if err := needLogin(p); err != nil {
		return out, err
	}
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM notifications WHERE user_id = ?", p.UserID).Scan(&out.Total); err != nil {
		return out, fmt.Errorf("count notifications: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, COALESCE(certificate_id, 0), message, args, link, created_at, read_at IS NOT NULL
		FROM notifications WHERE user_id = ? ORDER BY id DESC LIMIT ? OFFSET ?`, p.UserID, out.PerPage, (out.Page-1)*out.PerPage)
	if err != nil {
		return out, fmt.Errorf("list notifications: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var n Notification
		var args string
		if err := rows.Scan(&n.ID, &n.Kind, &n.CertificateID, &n.Message, &args, &n.Link, &n.CreatedAt, &n.Read); err != nil {
			return out, err
		}
		if err := json.Unmarshal([]byte(args), &n.Args); err != nil {
			return out, fmt.Errorf("notification %d: %w", n.ID, err)
		}
		out.Items = append(out.Items, n)
	}
	return out, rows.Err()
}

// UnreadNotifications counts a user's unread notifications: one read of
// the partial index notifications_unread, cheap enough for every page.
func (s *Service) UnreadNotifications(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL", userID).Scan(&n)
	return n, err
}

// MarkNotificationRead marks one of p's notifications read and returns
// the page it points to. Another user's notification is not found: its
// existence is nobody else's business. Marking is a user's own reading
// state, like a session's last-seen time, and is not audited.
func (s *Service) MarkNotificationRead(ctx context.Context, p *account.Principal, id int64) (string, error) {
	if err := needLogin(p); err != nil {
		return "", err
	}
	var link string
	err := s.db.QueryRowContext(ctx, "SELECT link FROM notifications WHERE id = ? AND user_id = ?", id, p.UserID).Scan(&link)
	if errors.Is(err, sql.ErrNoRows) {
		return "", notificationNotFound()
	}
	if err != nil {
		return "", err
	}
	if _, err := s.db.ExecContext(ctx, "UPDATE notifications SET read_at = ? WHERE id = ? AND user_id = ? AND read_at IS NULL",
		s.stampNow(), id, p.UserID); err != nil {
		return "", fmt.Errorf("mark notification read: %w", err)
	}
	return link, nil
}

// MarkAllNotificationsRead marks all of p's notifications read and returns
// how many were unread.
func (s *Service) MarkAllNotificationsRead(ctx context.Context, p *account.Principal) (int, error) {
	if err := needLogin(p); err != nil {
		return 0, err
	}
	res, err := s.db.ExecContext(ctx, "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL", s.stampNow(), p.UserID)
	if err != nil {
		return 0, fmt.Errorf("mark notifications read: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// Window states of a certificate's re-rating, as the producer sees them.
const (
	WindowNotYet = "not_yet" // the window opens later
	WindowOpen   = "open"    // file now
	WindowLate   = "late"    // closed; filing still keeps the certificate valid (Điều 12.3)
	WindowFiled  = "filed"   // a re-rating is filed
	WindowNone   = "none"    // the certificate is not valid: nothing to re-rate
)

// CertificateLife is a certificate with its re-rating window, for the
// producer's "my certificates" and the product page.
type CertificateLife struct {
	Certificate
	Opens, Closes Date
	Window        string // one of the Window… states
	// ReratingDossier is the filed re-rating dossier (Window "filed").
	ReratingDossier int64
	// LateValidUntil is how long the certificate would stay valid if a
	// re-rating were filed today after the window: until the decision, at
	// most until this day (Điều 12.3).
	LateValidUntil Date
	// OpenDossier is a dossier of the product in progress (a product is
	// rated by one dossier at a time); CanRerate says whether the viewer
	// may start the re-rating now.
	OpenDossier int64
	CanRerate   bool
}

// certificateLives completes the current certificates of products with
// their windows; manage says whether the viewer may file for a product.
func (s *Service) certificateLives(ctx context.Context, productIDs []int64, manage func(Certificate) bool) ([]CertificateLife, error) {
	cur, err := s.CurrentCertificates(ctx, productIDs)
	if err != nil || len(cur) == 0 {
		return nil, err
	}
	ids := make([]int64, 0, len(cur))
	for id := range cur {
		ids = append(ids, id)
	}
	rr, err := filedReratings(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	open := map[int64]int64{}
	rows, err := s.db.QueryContext(ctx, `SELECT product_id, MIN(id) FROM dossiers WHERE product_id IN (`+db.Placeholders(len(ids))+`)
		AND state NOT IN ('rejected', 'withdrawn', 'failed', 'certified') GROUP BY product_id`, anySlice(ids)...)
	if err != nil {
		return nil, fmt.Errorf("open dossiers: %w", err)
	}
	for rows.Next() {
		var product, dossier int64
		if err := rows.Scan(&product, &dossier); err != nil {
			rows.Close()
			return nil, err
		}
		open[product] = dossier
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	today := s.Today()
	out := make([]CertificateLife, 0, len(cur))
	for _, c := range cur {
		l := CertificateLife{Certificate: c, OpenDossier: open[c.ProductID]}
		l.Opens, l.Closes = ReratingWindow(c.ExpiresOn)
		r, filed := reratingOf(rr, &c)
		switch {
		case filed && (c.Valid() || c.Status == CertExpired):
			l.Window, l.ReratingDossier = WindowFiled, r.dossierID
		case c.Status != CertValid && c.Status != CertExpiringSoon:
			l.Window = WindowNone
		case today.Before(l.Opens):
			l.Window = WindowNotYet
		case !today.After(l.Closes):
			l.Window = WindowOpen
		default:
			l.Window = WindowLate
			l.LateValidUntil, _ = TransitionalValidUntil(c.ExpiresOn, today, Date{})
		}
		l.CanRerate = (l.Window == WindowOpen || l.Window == WindowLate) && l.OpenDossier == 0 && manage(c)
		out = append(out, l)
	}
	slices.SortFunc(out, func(a, b CertificateLife) int {
		if c := a.ExpiresOn.Compare(b.ExpiresOn); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	return out, nil
}

// MyCertificates returns the current certificate of every product of the
// producers p acts for, soonest expiry first ("Giấy chứng nhận của tôi").
// Other roles have none.
func (s *Service) MyCertificates(ctx context.Context, p *account.Principal) ([]CertificateLife, error) {
	if err := needLogin(p); err != nil {
		return nil, err
	}
	if !p.Is(account.RoleProducer) || len(p.Producers) == 0 {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, "SELECT id FROM products WHERE producer_id IN ("+db.Placeholders(len(p.Producers))+")", anySlice(p.Producers)...)
	if err != nil {
		return nil, fmt.Errorf("my products: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return s.certificateLives(ctx, ids, func(c Certificate) bool { return p.ActsFor(c.ProducerID) })
}

// ProductCertificateLife returns the current certificate of a product the
// caller has opened (nil when it never had one), with whether p may start
// its re-rating.
func (s *Service) ProductCertificateLife(ctx context.Context, p *account.Principal, x registry.Product) (*CertificateLife, error) {
	if err := needLogin(p); err != nil {
		return nil, err
	}
	ls, err := s.certificateLives(ctx, []int64{x.ID}, func(Certificate) bool { return registry.CanManageProduct(p, x) })
	if err != nil || len(ls) == 0 {
		return nil, err
	}
	return &ls[0], nil
}

// ReratingInfo is what the page of a re-rating dossier says about the
// certificate it renews: the window of Điều 7.6.a, when the dossier was
// (or, while a draft, would be) filed against it, how long the old
// certificate stays valid meanwhile (Điều 12.3), and the 45 days the
// province has once the dossier is complete (Điều 7.6.g).
type ReratingInfo struct {
	CertificateID     int64
	CertificateNumber string
	Expiry            Date
	Opens, Closes     Date
	// Filed is the filing date, or today for a draft (Draft true): the
	// page then says what filing today would mean.
	Filed  Date
	Draft  bool
	Timing ReratingTiming
	// ValidUntil is the last day the old certificate is valid while the
	// re-rating is decided; Extended when that is after its expiry.
	ValidUntil Date
	Extended   bool
	// Deadline is the last day to decide (ReratingDeadline of the day the
	// province found the dossier complete; zero before that); DaysLeft
	// counts to it, Overdue once past it and still undecided. Closed: the
	// dossier has reached its end (decided, rejected or withdrawn).
	Deadline Date
	DaysLeft int
	Overdue  bool
	Closed   bool
}

// Rerating returns what the page of a re-rating dossier shows about the
// certificate it renews; nil for other dossiers, and for re-ratings of
// certificates the platform does not hold. The caller has already checked
// that p may open the dossier.
func (s *Service) Rerating(ctx context.Context, d *Dossier) (*ReratingInfo, error) {
	if d.Kind != DossierRerating || d.CertificateID == 0 {
		return nil, nil
	}
	c, err := s.certByID(ctx, s.db, d.CertificateID)
	if apperr.Is(err, apperr.NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	today := s.Today()
	in := &ReratingInfo{CertificateID: c.ID, CertificateNumber: c.Number, Expiry: c.ExpiresOn, Filed: d.FiledOn, Closed: d.State.Terminal()}
	in.Opens, in.Closes = ReratingWindow(c.ExpiresOn)
	if in.Filed.IsZero() {
		in.Filed, in.Draft = today, true
	}
	in.Timing = ReratingTimingOf(c.ExpiresOn, in.Filed)
	if in.Closed {
		// Decided: the certificate's own dates tell how long it lasted.
		in.ValidUntil, in.Extended = c.ValidUntil, c.ValidUntil.After(c.ExpiresOn)
	} else {
		in.ValidUntil, in.Extended = TransitionalValidUntil(c.ExpiresOn, in.Filed, Date{})
	}
	if !d.CompleteOn.IsZero() {
		in.Deadline = ReratingDeadline(d.CompleteOn)
		in.DaysLeft = in.Deadline.Sub(today)
		in.Overdue = !in.Closed && today.After(in.Deadline)
	}
	return in, nil
}
