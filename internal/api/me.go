package api

import (
	"net/http"

	"ocop/internal/account"
)

// me is the caller's own account with the scopes the server applies to it.
type me struct {
	account.User
	// Producers are the producer records a producer account acts for.
	Producers []int64 `json:"producers"`
	// ViaToken is true when the request was authenticated with an API token.
	ViaToken bool `json:"via_token"`
}

// Me answers GET /api/v1/me: who the token (or session) belongs to, its
// role, communes and producers, so that a client can check its setup.
func (a *API) Me(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAuth(r)
	if err != nil {
		return err
	}
	u, err := a.Accounts.User(r.Context(), nil, p.UserID)
	if err != nil {
		return err
	}
	out := me{User: u, Producers: p.Producers, ViaToken: p.ViaToken}
	if out.Producers == nil {
		out.Producers = []int64{}
	}
	w.Header().Set("Cache-Control", "no-store")
	return JSON(w, http.StatusOK, out)
}
