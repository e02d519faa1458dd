package evaluation

import (
	"testing"

	"ocop/internal/account"
)

// The process of Điều 7 as a table: every allowed step, and a sample of
// refused ones.
func TestWorkflow(t *testing.T) {
	for _, tt := range []struct {
		name string
		from State
		act  Action
		role account.Role
		to   State
		ok   bool
	}{
		{"Điều 7.1: the producer files with the commune", StateDraft, ActSubmit, account.RoleProducer, StateSubmitted, true},
		{"Điều 7.2: the commune returns it for fixes", StateSubmitted, ActReturn, account.RoleCommune, StateReturned, true},
		{"the producer resubmits after fixing", StateReturned, ActSubmit, account.RoleProducer, StateSubmitted, true},
		{"Điều 7.2: the commune proposes it to the province", StateSubmitted, ActPropose, account.RoleCommune, StateProposed, true},
		{"Điều 7.3.a: the OCOP office checks it", StateProposed, ActAccept, account.RoleOffice, StateAccepted, true},
		{"Điều 7.3.a: the OCOP office may send it back", StateProposed, ActReturn, account.RoleOffice, StateReturned, true},
		{"Điều 7.3: a council scores it", StateAccepted, ActAssign, account.RoleOffice, StateInCouncil, true},
		{"the chair closes scoring", StateInCouncil, ActClose, account.RoleOffice, StateScored, true},
		{"Điều 7.3.đ: the chair certifies 3★/4★", StateScored, ActCertify, account.RoleOffice, StateCertified, true},
		{"Điều 4.1: 1★/2★ get no certificate", StateScored, ActFail, account.RoleOffice, StateFailed, true},
		{"Điều 7.3.e: ≥90 goes to the Ministry", StateScored, ActToCentral, account.RoleOffice, StateToMinistry, true},
		{"a producer cannot propose its own dossier", StateSubmitted, ActPropose, account.RoleProducer, "", false},
		{"a commune officer cannot accept at province level", StateProposed, ActAccept, account.RoleCommune, "", false},
		{"a council member cannot certify", StateScored, ActCertify, account.RoleCouncil, "", false},
		{"no certifying a dossier still at the commune", StateSubmitted, ActCertify, account.RoleOffice, "", false},
		{"no resubmitting a rejected dossier", StateRejected, ActSubmit, account.RoleProducer, "", false},
		{"no withdrawing once in council", StateInCouncil, ActWithdraw, account.RoleProducer, "", false},
		{"no scoring again a certified dossier", StateCertified, ActAssign, account.RoleOffice, "", false},
	} {
		to, allowed := Next(tt.from, tt.act)
		may := MayAct(tt.from, tt.act, tt.role)
		if may != tt.ok || (tt.ok && (!allowed || to != tt.to)) {
			t.Errorf("%s: Next = %s %v, MayAct = %v; want %s %v", tt.name, to, allowed, may, tt.to, tt.ok)
		}
	}
	for _, s := range States {
		if s.Terminal() && len(Actions(s)) > 0 {
			t.Errorf("terminal state %s has actions %v", s, Actions(s))
		}
		if !s.Terminal() && len(Actions(s)) == 0 {
			t.Errorf("state %s is a dead end", s)
		}
	}
}
