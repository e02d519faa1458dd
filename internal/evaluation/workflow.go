package evaluation

import "ocop/internal/account"

// State is where a dossier stands in the evaluation process (Điều 7).
type State string

// The dossier states.
const (
	StateDraft      State = "draft"       // the producer (or an officer for it) is preparing Mẫu 01/02
	StateSubmitted  State = "submitted"   // filed with the commune; 15 working days to check (Điều 7.2)
	StateReturned   State = "returned"    // sent back for listed fixes by a deadline
	StateRejected   State = "rejected"    // refused, with a reason (terminal)
	StateWithdrawn  State = "withdrawn"   // withdrawn by the producer (terminal)
	StateProposed   State = "proposed"    // the commune proposed it to the province with Mẫu 03 and samples
	StateAccepted   State = "accepted"    // the provincial OCOP office found it complete
	StateInCouncil  State = "in_council"  // assigned to a council; members are scoring
	StateScored     State = "scored"      // the chair closed scoring; the result is computed
	StateFailed     State = "failed"      // 1★ or 2★, or stopped by a scorecard gate: no certificate (terminal)
	StateCertified  State = "certified"   // a decision certified it (terminal)
	StateToMinistry State = "to_ministry" // potential 5★: proposed to the Ministry (Điều 7.3.e)
	StateCentral    State = "central"     // in a central council's round
)

// States lists every state in process order.
var States = []State{StateDraft, StateSubmitted, StateReturned, StateProposed, StateAccepted, StateInCouncil, StateScored,
	StateToMinistry, StateCentral, StateCertified, StateFailed, StateRejected, StateWithdrawn}

// Terminal reports whether no action leaves the state.
func (s State) Terminal() bool {
	return s == StateRejected || s == StateWithdrawn || s == StateFailed || s == StateCertified
}

// Action is a step of the process that moves a dossier.
type Action string

// The actions.
const (
	ActSubmit    Action = "submit"     // producer files the dossier with the commune
	ActWithdraw  Action = "withdraw"   // producer withdraws it before the council
	ActReturn    Action = "return"     // commune (or province office) sends it back for fixes
	ActReject    Action = "reject"     // commune (or province office) refuses it
	ActPropose   Action = "propose"    // commune proposes it to the province (Mẫu 03, samples)
	ActAccept    Action = "accept"     // province office finds it complete
	ActAssign    Action = "assign"     // province office puts it before a council of a round
	ActClose     Action = "close"      // the chair closes scoring; the result is computed
	ActCertify   Action = "certify"    // a decision certifies 3★/4★ (or 5★ centrally)
	ActFail      Action = "fail"       // the result gives no certificate
	ActToCentral Action = "to_central" // potential 5★: the chair approves and proposes it to the Ministry
	ActCentral   Action = "central"    // the central council takes it into a round
)

// transition is one arrow of the state machine and who may draw it.
type transition struct {
	from, to State
	roles    []account.Role
}

// officeRoles act for the province; communeRoles for the commune (province
// staff may also act at commune level, e.g. for a commune without staff).
var (
	producerRoles = []account.Role{account.RoleProducer, account.RoleCommune, account.RoleOffice, account.RoleAdmin}
	communeRoles  = []account.Role{account.RoleCommune, account.RoleOffice, account.RoleAdmin}
	officeRoles   = []account.Role{account.RoleOffice, account.RoleAdmin}
)

// machine is the whole workflow: every allowed (state, action) pair.
// Anything not listed is refused by the server.
var machine = map[State]map[Action]transition{
	StateDraft: {
		ActSubmit:   {StateDraft, StateSubmitted, producerRoles},
		ActWithdraw: {StateDraft, StateWithdrawn, producerRoles},
	},
	StateReturned: {
		ActSubmit:   {StateReturned, StateSubmitted, producerRoles},
		ActWithdraw: {StateReturned, StateWithdrawn, producerRoles},
	},
	StateSubmitted: {
		ActReturn:   {StateSubmitted, StateReturned, communeRoles},
		ActReject:   {StateSubmitted, StateRejected, communeRoles},
		ActPropose:  {StateSubmitted, StateProposed, communeRoles},
		ActWithdraw: {StateSubmitted, StateWithdrawn, producerRoles},
	},
	StateProposed: {
		ActReturn: {StateProposed, StateReturned, officeRoles},
		ActReject: {StateProposed, StateRejected, officeRoles},
		ActAccept: {StateProposed, StateAccepted, officeRoles},
	},
	StateAccepted: {
		ActAssign: {StateAccepted, StateInCouncil, officeRoles},
		ActReturn: {StateAccepted, StateReturned, officeRoles},
	},
	StateInCouncil: {
		ActClose: {StateInCouncil, StateScored, officeRoles}, // the chair closes; checked as chair by the service
	},
	StateScored: {
		ActCertify:   {StateScored, StateCertified, officeRoles},
		ActFail:      {StateScored, StateFailed, officeRoles},
		ActToCentral: {StateScored, StateToMinistry, officeRoles},
	},
	StateToMinistry: {
		ActCentral: {StateToMinistry, StateCentral, officeRoles},
	},
	StateCentral: {
		ActClose:   {StateCentral, StateScored, officeRoles},
		ActCertify: {StateCentral, StateCertified, officeRoles},
		ActFail:    {StateCentral, StateFailed, officeRoles},
	},
}

// Next returns the state an action leads to from a state, and whether the
// action is allowed there at all.
func Next(from State, a Action) (State, bool) {
	t, ok := machine[from][a]
	return t.to, ok
}

// MayAct reports whether a role may take the action from the state (the
// role side only; scope — which commune, which producer — is checked by
// the service).
func MayAct(from State, a Action, r account.Role) bool {
	t, ok := machine[from][a]
	if !ok {
		return false
	}
	for _, x := range t.roles {
		if x == r {
			return true
		}
	}
	return false
}

// Actions lists the actions allowed from a state, in a stable order.
func Actions(from State) []Action {
	var out []Action
	for _, a := range []Action{ActSubmit, ActReturn, ActReject, ActPropose, ActAccept, ActAssign, ActClose, ActCertify, ActFail, ActToCentral, ActCentral, ActWithdraw} {
		if _, ok := machine[from][a]; ok {
			out = append(out, a)
		}
	}
	return out
}
