package registry

import (
	"ocop/internal/account"
	"ocop/internal/apperr"
)

// Record statuses. Drafts are visible only to those who may manage them;
// active records are public.
const (
	StatusDraft    = "draft"
	StatusActive   = "active"
	StatusInactive = "inactive"
)

// canManage reports whether p may see drafts of, and change, a record that
// belongs to commune and (for producer-owned records) producerID.
func canManage(p *account.Principal, commune string, producerID int64) bool {
	switch {
	case p.Province():
		return true
	case p.Is(account.RoleCommune):
		return p.InCommune(commune)
	case p.Is(account.RoleProducer):
		return producerID != 0 && p.ActsFor(producerID)
	}
	return false
}

// canRead reports whether p may open a record in the back office: those who
// manage it, and council members for active records (they evaluate them).
func canRead(p *account.Principal, commune string, producerID int64, status string) bool {
	if canManage(p, commune, producerID) {
		return true
	}
	return p.Is(account.RoleCouncil) && status == StatusActive
}

// forbidden is the error for a record outside the caller's scope.
func forbidden() error { return apperr.New(apperr.Forbidden, "err.out_of_scope") }

// scopeFilter returns the SQL condition that limits a list to what p may
// see in the back office. communeCol and producerCol name the columns of the
// listed table (producerCol may be "" for records without an owner).
func scopeFilter(p *account.Principal, communeCol, producerCol, statusCol string) (string, []any) {
	switch {
	case p.Province():
		return "", nil
	case p.Is(account.RoleCommune):
		if len(p.Communes) == 0 {
			return "1 = 0", nil
		}
		args := make([]any, len(p.Communes))
		for i, c := range p.Communes {
			args[i] = c
		}
		return communeCol + " IN (" + placeholders(len(args)) + ")", args
	case p.Is(account.RoleProducer):
		if producerCol == "" {
			return statusCol + " = 'active'", nil
		}
		if len(p.Producers) == 0 {
			return "1 = 0", nil
		}
		args := make([]any, len(p.Producers))
		for i, id := range p.Producers {
			args[i] = id
		}
		return producerCol + " IN (" + placeholders(len(args)) + ")", args
	default:
		return statusCol + " = 'active'", nil
	}
}

func placeholders(n int) string {
	s := make([]byte, 0, 2*n)
	for i := 0; i < n; i++ {
		if i > 0 {
			s = append(s, ',')
		}
		s = append(s, '?')
	}
	return string(s)
}
