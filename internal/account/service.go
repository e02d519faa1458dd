package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"ocop/internal/adminunit"
	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/textfold"
)

// Options tune the service.
type Options struct {
	Password PasswordParams
	// SessionTTL is the absolute lifetime of a session; SessionIdle the
	// longest it may go unused.
	SessionTTL, SessionIdle time.Duration
	// Now is the clock (tests move it).
	Now func() time.Time
}

// Service manages accounts over the database.
type Service struct {
	db    *db.DB
	units *adminunit.Units
	opt   Options
}

// NewService returns a Service. Zero options take safe defaults.
func NewService(d *db.DB, units *adminunit.Units, opt Options) *Service {
	if opt.Password.MemoryKiB == 0 {
		opt.Password = DefaultPasswordParams
	}
	if opt.SessionTTL == 0 {
		opt.SessionTTL = 12 * time.Hour
	}
	if opt.SessionIdle == 0 {
		opt.SessionIdle = 2 * time.Hour
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Service{db: d, units: units, opt: opt}
}

func (s *Service) now() time.Time { return s.opt.Now().UTC().Truncate(time.Second) }

// User is an account.
type User struct {
	ID                 int64      `json:"id"`
	Username           string     `json:"username"`
	DisplayName        string     `json:"display_name"`
	Email              string     `json:"email"`
	Phone              string     `json:"phone"`
	Role               Role       `json:"role"`
	Status             string     `json:"status"` // active | disabled
	Organisation       string     `json:"organisation,omitempty"`
	BuyerKind          string     `json:"buyer_kind,omitempty"`
	VerifiedAt         *time.Time `json:"verified_at,omitempty"`
	Locale             string     `json:"locale"`
	MustChangePassword bool       `json:"must_change_password"`
	Communes           []string   `json:"communes,omitempty"`
	CreatedAt          time.Time  `json:"created_at"`
	LastLoginAt        *time.Time `json:"last_login_at,omitempty"`
	Version            int        `json:"version"`
}

// NewUser is the input to create a user.
type NewUser struct {
	Username, DisplayName, Email, Phone string
	Role                                Role
	Password                            string
	Communes                            []string
	Organisation, BuyerKind             string
	Locale                              string
	MustChangePassword                  bool
}

var (
	usernameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,39}$`)
	// phoneRe accepts Vietnamese and international numbers as people
	// write them (spaces, dots, brackets, a leading +).
	phoneRe = regexp.MustCompile(`^\+?[0-9 .()-]{8,20}$`)
)

// checkContact checks the optional contact fields shared by new and
// updated users.
func checkContact(errs *apperr.Errs, email, phone, organisation string) {
	if email != "" {
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
			errs.Add("email", "err.email_format")
		}
	}
	if phone != "" && !phoneRe.MatchString(phone) {
		errs.Add("phone", "err.phone_format")
	}
	if utf8.RuneCountInString(organisation) > 300 {
		errs.Add("organisation", "err.too_long", 300)
	}
}

func (s *Service) validateNew(u *NewUser) error {
	var errs apperr.Errs
	u.Username = strings.ToLower(strings.TrimSpace(u.Username))
	u.DisplayName = textfold.NFC(u.DisplayName)
	u.Email = strings.TrimSpace(u.Email)
	u.Phone = strings.TrimSpace(u.Phone)
	u.Organisation = textfold.NFC(u.Organisation)
	if !usernameRe.MatchString(u.Username) {
		errs.Add("username", "err.username_format")
	}
	if u.DisplayName == "" {
		u.DisplayName = u.Username
	}
	// Count characters, not bytes: a Vietnamese letter takes up to 3 bytes.
	if utf8.RuneCountInString(u.DisplayName) > 200 {
		errs.Add("display_name", "err.too_long", 200)
	}
	checkContact(&errs, u.Email, u.Phone, u.Organisation)
	if !u.Role.Valid() {
		errs.Add("role", "err.role_unknown")
	}
	if err := ValidatePassword("password", u.Password, u.Username); err != nil {
		errs = append(errs, apperr.As(err).Fields...)
	}
	if err := s.checkCommunes(u.Role, u.Communes); err != nil {
		errs = append(errs, apperr.As(err).Fields...)
	}
	if u.Role == RoleBuyer && u.BuyerKind != "" && !slices.Contains(BuyerKinds, u.BuyerKind) {
		errs.Add("buyer_kind", "err.buyer_kind_unknown")
	}
	if u.Locale != "en" {
		u.Locale = "vi"
	}
	return errs.Err()
}

func (s *Service) checkCommunes(role Role, communes []string) error {
	var errs apperr.Errs
	if role == RoleCommune && len(communes) == 0 {
		errs.Add("communes", "err.communes_required")
	}
	if role != RoleCommune && len(communes) > 0 {
		errs.Add("communes", "err.communes_only_officers")
	}
	for _, c := range communes {
		if _, ok := s.units.Ward(c); !ok {
			errs.Add("communes", "err.commune_unknown", c)
		}
	}
	return errs.Err()
}

// CreateUser creates a user; p is the acting administrator (nil from the
// CLI, which runs with the operator's rights on the server).
func (s *Service) CreateUser(ctx context.Context, p *Principal, u NewUser) (User, error) {
	if p != nil && !p.Is(RoleAdmin) {
		return User{}, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	var out User
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		out, err = s.CreateUserTx(ctx, tx, p, u)
		return err
	})
	return out, err
}

// CreateUserTx creates a user inside tx (used by sign-up flows that create
// other records in the same transaction).
func (s *Service) CreateUserTx(ctx context.Context, tx *db.Tx, p *Principal, u NewUser) (User, error) {
	if err := s.validateNew(&u); err != nil {
		return User{}, err
	}
	hash, err := HashPassword(u.Password, s.opt.Password)
	if err != nil {
		return User{}, err
	}
	now := s.now()
	id, err := db.Insert(ctx, tx, `INSERT INTO users (username, display_name, email, phone, password_hash, role, status,
		organisation, buyer_kind, locale, must_change_password, failed_logins, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, 0, ?, ?, 1)`,
		u.Username, u.DisplayName, u.Email, u.Phone, hash, string(u.Role), u.Organisation, u.BuyerKind, u.Locale, u.MustChangePassword, now, now)
	if err != nil {
		if _, ok := db.IsUnique(err); ok {
			return User{}, apperr.Fields(apperr.Field("username", "err.username_taken", u.Username))
		}
		return User{}, fmt.Errorf("create user: %w", err)
	}
	for _, c := range u.Communes {
		if _, err := tx.ExecContext(ctx, "INSERT INTO user_communes (user_id, commune_code) VALUES (?, ?)", id, c); err != nil {
			if _, ok := db.IsUnique(err); ok {
				continue
			}
			return User{}, err
		}
	}
	out := User{ID: id, Username: u.Username, DisplayName: u.DisplayName, Email: u.Email, Phone: u.Phone, Role: u.Role,
		Status: "active", Organisation: u.Organisation, BuyerKind: u.BuyerKind, Locale: u.Locale,
		MustChangePassword: u.MustChangePassword, Communes: u.Communes, CreatedAt: now, Version: 1}
	if err := Audit(ctx, tx, p, "user.create", "user", id, firstOr(u.Communes), nil, out); err != nil {
		return User{}, err
	}
	return out, nil
}

func firstOr(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

const userCols = `id, username, display_name, email, phone, role, status, organisation, buyer_kind, verified_at, locale,
	must_change_password, created_at, last_login_at, version`

func scanUser(sc interface{ Scan(...any) error }) (User, error) {
	var u User
	var role string
	var verified, last sql.NullTime
	err := sc.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Email, &u.Phone, &role, &u.Status, &u.Organisation, &u.BuyerKind,
		&verified, &u.Locale, &u.MustChangePassword, &u.CreatedAt, &last, &u.Version)
	u.Role = Role(role)
	if verified.Valid {
		u.VerifiedAt = &verified.Time
	}
	if last.Valid {
		u.LastLoginAt = &last.Time
	}
	return u, err
}

// User returns one user with its communes.
func (s *Service) User(ctx context.Context, q db.Queryer, id int64) (User, error) {
	if q == nil {
		q = s.db
	}
	u, err := scanUser(q.QueryRowContext(ctx, "SELECT "+userCols+" FROM users WHERE id = ?", id))
	if err != nil {
		return User{}, db.Scan(err, "err.user_not_found")
	}
	u.Communes, err = s.communesOf(ctx, q, id)
	return u, err
}

// UserByName returns one user by username.
func (s *Service) UserByName(ctx context.Context, username string) (User, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, "SELECT id FROM users WHERE username = ?", strings.ToLower(strings.TrimSpace(username))).Scan(&id)
	if err != nil {
		return User{}, db.Scan(err, "err.user_not_found")
	}
	return s.User(ctx, nil, id)
}

func (s *Service) communesOf(ctx context.Context, q db.Queryer, id int64) ([]string, error) {
	rows, err := q.QueryContext(ctx, "SELECT commune_code FROM user_communes WHERE user_id = ? ORDER BY commune_code", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// UserFilter selects users in ListUsers.
type UserFilter struct {
	Role     Role
	Status   string // active | disabled | "" for both
	Query    string
	Pending  bool // buyers awaiting verification
	Verified bool // buyers already verified
	Page     int
	PerPage  int
}

// ListUsers lists users for administrators, and buyers (those awaiting
// verification, or already verified) for the programme office, which
// verifies them.
func (s *Service) ListUsers(ctx context.Context, p *Principal, f UserFilter) ([]User, int, error) {
	buyersOnly := f.Pending || f.Verified || f.Role == RoleBuyer
	if !p.Is(RoleAdmin) && !(p.Is(RoleOffice) && buyersOnly) {
		return nil, 0, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	var where []string
	var args []any
	if f.Role != "" {
		where = append(where, "role = ?")
		args = append(args, string(f.Role))
	}
	if f.Status != "" {
		where = append(where, "status = ?")
		args = append(args, f.Status)
	}
	if f.Pending {
		where = append(where, "role = 'buyer' AND verified_at IS NULL")
	}
	if f.Verified {
		where = append(where, "role = 'buyer' AND verified_at IS NOT NULL")
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		// LOWER on both sides: PostgreSQL's LIKE is case-sensitive,
		// SQLite's is not; this way both engines answer alike (for
		// ASCII; SQLite does not lower-case other letters).
		where = append(where, "(LOWER(username) LIKE ? OR LOWER(display_name) LIKE ? OR LOWER(organisation) LIKE ? OR LOWER(email) LIKE ?)")
		like := "%" + strings.ToLower(strings.NewReplacer("%", "", "_", "").Replace(q)) + "%"
		args = append(args, like, like, like, like)
	}
	w := ""
	if len(where) > 0 {
		w = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM users"+w, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	per := f.PerPage
	if per <= 0 || per > 200 {
		per = 50
	}
	page := max(f.Page, 1)
	rows, err := s.db.QueryContext(ctx, "SELECT "+userCols+" FROM users"+w+" ORDER BY username LIMIT ? OFFSET ?", append(args, per, (page-1)*per)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	rows.Close()
	for i := range out {
		if out[i].Role == RoleCommune {
			if out[i].Communes, err = s.communesOf(ctx, s.db, out[i].ID); err != nil {
				return nil, 0, err
			}
		}
	}
	return out, total, nil
}

// UserUpdate changes what an administrator may change about a user.
type UserUpdate struct {
	DisplayName, Email, Phone string
	Role                      Role
	Status                    string
	Communes                  []string
	Organisation, BuyerKind   string
	Version                   int // optimistic lock: the version the form was built from
}

// UpdateUser changes a user; only administrators.
func (s *Service) UpdateUser(ctx context.Context, p *Principal, id int64, in UserUpdate) (User, error) {
	if !p.Is(RoleAdmin) {
		return User{}, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	var errs apperr.Errs
	in.DisplayName = textfold.NFC(in.DisplayName)
	in.Email = strings.TrimSpace(in.Email)
	in.Phone = strings.TrimSpace(in.Phone)
	in.Organisation = textfold.NFC(in.Organisation)
	if in.DisplayName == "" {
		errs.Add("display_name", "err.required")
	} else if utf8.RuneCountInString(in.DisplayName) > 200 {
		errs.Add("display_name", "err.too_long", 200)
	}
	checkContact(&errs, in.Email, in.Phone, in.Organisation)
	if in.BuyerKind != "" && !slices.Contains(BuyerKinds, in.BuyerKind) {
		errs.Add("buyer_kind", "err.buyer_kind_unknown")
	}
	if !in.Role.Valid() {
		errs.Add("role", "err.role_unknown")
	}
	if in.Status != "active" && in.Status != "disabled" {
		errs.Add("status", "err.status_unknown")
	}
	if id == p.UserID && (in.Role != RoleAdmin || in.Status != "active") {
		errs.Add("role", "err.cannot_demote_self")
	}
	if err := s.checkCommunes(in.Role, in.Communes); err != nil {
		errs = append(errs, apperr.As(err).Fields...)
	}
	if err := errs.Err(); err != nil {
		return User{}, err
	}
	var out User
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		before, err := s.User(ctx, tx, id)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET display_name = ?, email = ?, phone = ?, role = ?, status = ?, organisation = ?,
			buyer_kind = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			in.DisplayName, in.Email, in.Phone, string(in.Role), in.Status, in.Organisation, in.BuyerKind, s.now(), id, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "err.stale")
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM user_communes WHERE user_id = ?", id); err != nil {
			return err
		}
		for _, c := range in.Communes {
			if _, err := tx.ExecContext(ctx, "INSERT INTO user_communes (user_id, commune_code) VALUES (?, ?)", id, c); err != nil {
				if _, ok := db.IsUnique(err); !ok {
					return err
				}
			}
		}
		if in.Status == "disabled" || before.Role != in.Role {
			if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ?", id); err != nil {
				return err
			}
		}
		out, err = s.User(ctx, tx, id)
		if err != nil {
			return err
		}
		return Audit(ctx, tx, p, "user.update", "user", id, firstOr(out.Communes), before, out)
	})
	return out, err
}

// ResetPassword sets a new password for a user (administrators), asks the
// user to change it at next login, and ends the user's sessions.
func (s *Service) ResetPassword(ctx context.Context, p *Principal, id int64, pw string) error {
	if p != nil && !p.Is(RoleAdmin) {
		return apperr.New(apperr.Forbidden, "err.forbidden")
	}
	u, err := s.User(ctx, nil, id)
	if err != nil {
		return err
	}
	if err := ValidatePassword("password", pw, u.Username); err != nil {
		return err
	}
	return s.setPassword(ctx, p, id, pw, true, "user.reset_password")
}

// ChangePassword lets a user change their own password.
func (s *Service) ChangePassword(ctx context.Context, p *Principal, current, next string) error {
	if p == nil {
		return apperr.New(apperr.Unauthenticated, "err.login_required")
	}
	var hash string
	if err := s.db.QueryRowContext(ctx, "SELECT password_hash FROM users WHERE id = ?", p.UserID).Scan(&hash); err != nil {
		return db.Scan(err, "err.user_not_found")
	}
	if !CheckPassword(hash, current) {
		return apperr.Fields(apperr.Field("current", "err.password_wrong"))
	}
	if current == next {
		return apperr.Fields(apperr.Field("password", "err.password_same"))
	}
	if err := ValidatePassword("password", next, p.Username); err != nil {
		return err
	}
	return s.setPassword(ctx, p, p.UserID, next, false, "user.change_password")
}

func (s *Service) setPassword(ctx context.Context, p *Principal, id int64, pw string, mustChange bool, action string) error {
	hash, err := HashPassword(pw, s.opt.Password)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, must_change_password = ?, failed_logins = 0, locked_until = NULL,
			updated_at = ?, version = version + 1 WHERE id = ?`, hash, mustChange, s.now(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "err.user_not_found")
		}
		// A new password ends every other session of the user.
		keep := ""
		if p != nil && p.UserID == id && p.SessionCSRF != "" {
			keep = p.SessionCSRF
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ? AND csrf <> ?", id, keep); err != nil {
			return err
		}
		return Audit(ctx, tx, p, action, "user", id, "", nil, map[string]any{"must_change_password": mustChange})
	})
}

// randomToken returns n random bytes, URL-safe base64 encoded.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

var errBadLogin = errors.New("bad login")
