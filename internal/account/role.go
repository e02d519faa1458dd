package account

import (
	"context"
	"slices"
)

// Role is what a user is in the programme.
type Role string

// The roles. The Vietnamese names are those used by the programme.
const (
	RoleAdmin     Role = "admin"     // quản trị hệ thống: accounts, settings, everything
	RoleOffice    Role = "office"    // văn phòng điều phối OCOP tỉnh/thành phố: the whole province
	RoleCommune   Role = "commune"   // cán bộ xã/phường: the communes assigned to them
	RoleCouncil   Role = "council"   // thành viên hội đồng đánh giá: reads dossiers, scores
	RoleProducer  Role = "producer"  // chủ thể OCOP: its own records, once verified
	RoleBuyer     Role = "buyer"     // người mua: retail chain, distributor, exporter
	RoleSalePoint Role = "salepoint" // điểm giới thiệu và bán sản phẩm OCOP: its own point
)

// Roles lists every role in display order.
var Roles = []Role{RoleAdmin, RoleOffice, RoleCommune, RoleCouncil, RoleProducer, RoleBuyer, RoleSalePoint}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// BuyerKinds are the kinds of buyer organisation.
var BuyerKinds = []string{"retail_chain", "distributor", "exporter", "other"}

// Principal is who is acting: a signed-in user with their scopes. A nil
// *Principal is an anonymous visitor.
type Principal struct {
	UserID      int64
	Username    string
	DisplayName string
	Role        Role
	Locale      string
	// Communes are the commune codes a commune officer may act in.
	Communes []string
	// Producers are the producer records a producer account has been
	// verified to act for.
	Producers []int64
	// Verified is true for a buyer verified by the programme office.
	Verified bool
	// MustChangePassword asks the user to pick a new password first.
	MustChangePassword bool
	// IP is the client address, for the audit log.
	IP string
	// SessionCSRF is the CSRF token of the session (empty for API tokens).
	SessionCSRF string
	// ViaToken is true when authenticated with an API token.
	ViaToken bool
}

// Is reports whether p is signed in with one of the roles.
func (p *Principal) Is(roles ...Role) bool {
	return p != nil && slices.Contains(roles, p.Role)
}

// Province reports whether p acts for the whole province (admin or office).
func (p *Principal) Province() bool { return p.Is(RoleAdmin, RoleOffice) }

// InCommune reports whether a commune officer p covers the commune.
func (p *Principal) InCommune(code string) bool {
	return p.Is(RoleCommune) && slices.Contains(p.Communes, code)
}

// ActsFor reports whether a producer account p is verified for the producer.
func (p *Principal) ActsFor(producerID int64) bool {
	return p.Is(RoleProducer) && slices.Contains(p.Producers, producerID)
}

// ID returns the user id or 0 for anonymous.
func (p *Principal) ID() int64 {
	if p == nil {
		return 0
	}
	return p.UserID
}

// Name returns the username or "anonymous".
func (p *Principal) Name() string {
	if p == nil {
		return "anonymous"
	}
	return p.Username
}

type ctxKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// FromContext returns the principal of a request context, or nil.
func FromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(ctxKey{}).(*Principal)
	return p
}
