package api

import (
	"context"
	"net/http"

	"ocop/internal/account"
	"ocop/internal/apperr"
)

// getScoped answers a GET of one record: the record as the caller may see
// it in the back office (drafts included), else the public record, else
// 404 — never 403, so that a draft does not reveal that it exists.
func getScoped[T any](w http.ResponseWriter, r *http.Request,
	scoped func(context.Context, *account.Principal, int64) (T, error),
	public func(context.Context, int64) (T, error)) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if p := principal(r); p != nil {
		x, err := scoped(r.Context(), p, id)
		if err == nil {
			return read(w, r, x)
		}
		if !apperr.Is(err, apperr.Forbidden) {
			return err
		}
	}
	x, err := public(r.Context(), id)
	if err != nil {
		return err
	}
	return read(w, r, x)
}
