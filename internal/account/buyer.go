package account

import (
	"context"
	"slices"
	"strings"

	"ocop/internal/apperr"
	"ocop/internal/db"
)

// SignupBuyer creates a buyer account from the public sign-up form. Anyone
// may call it, so it takes no principal and grants nothing: the role is
// always buyer, with no communes, and the account cannot act as a buyer
// until the programme office verifies it (VerifyBuyer). The organisation,
// its kind and a phone number are required so that the office can check
// who is asking. ip goes into the audit row.
func (s *Service) SignupBuyer(ctx context.Context, ip string, u NewUser) (User, error) {
	u.Role = RoleBuyer
	u.Communes = nil
	u.MustChangePassword = false
	var errs apperr.Errs
	if strings.TrimSpace(u.Organisation) == "" {
		errs.Add("organisation", "err.required")
	}
	if !slices.Contains(BuyerKinds, u.BuyerKind) {
		errs.Add("buyer_kind", "err.buyer_kind_unknown")
	}
	if strings.TrimSpace(u.Phone) == "" {
		errs.Add("phone", "err.required")
	}
	// The new account is the actor of its own creation; it has no id yet,
	// so the audit row carries its name and the client's address.
	self := &Principal{Username: strings.ToLower(strings.TrimSpace(u.Username)), IP: ip}
	var out User
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		out, err = s.CreateUserTx(ctx, tx, self, u)
		return MergeInvalid(errs.Err(), err)
	})
	return out, err
}

// MergeInvalid combines the field errors of two validation steps so that a
// form shows every problem at once. A nil error counts as valid; an error
// that is not Invalid wins, since the form cannot fix it.
func MergeInvalid(a, b error) error {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	ea, eb := apperr.As(a), apperr.As(b)
	if ea == nil || ea.Code != apperr.Invalid {
		return a
	}
	if eb == nil || eb.Code != apperr.Invalid {
		return b
	}
	return apperr.Fields(append(slices.Clone(ea.Fields), eb.Fields...)...)
}

// VerifyBuyer records that the programme office has checked a buyer
// account's organisation; until then the buyer cannot act as one.
func (s *Service) VerifyBuyer(ctx context.Context, p *Principal, id int64, verify bool) error {
	if !p.Province() {
		return apperr.New(apperr.Forbidden, "err.forbidden")
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		u, err := s.User(ctx, tx, id)
		if err != nil {
			return err
		}
		if u.Role != RoleBuyer {
			return apperr.New(apperr.Invalid, "err.not_a_buyer")
		}
		var at, by any
		action := "buyer.unverify"
		if verify {
			at, by, action = s.now(), p.UserID, "buyer.verify"
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET verified_at = ?, verified_by = ?, updated_at = ?, version = version + 1 WHERE id = ?",
			at, by, s.now(), id); err != nil {
			return err
		}
		return Audit(ctx, tx, p, action, "user", id, "", map[string]any{"verified": u.VerifiedAt != nil}, map[string]any{"verified": verify})
	})
}
