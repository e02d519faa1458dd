package web

import (
	"errors"
	"net/http"

	"ocop/internal/apperr"
)

// statusOf is the HTTP status of an error answered with a page: an
// oversize body or upload is 413 Content Too Large, whether it is shown as
// an error page or as a form with the field marked; anything else follows
// apperr.Status.
func statusOf(e *apperr.Error) int {
	if e == nil {
		return http.StatusInternalServerError
	}
	if e.Key == "err.body_too_large" {
		return http.StatusRequestEntityTooLarge
	}
	for _, f := range e.Fields {
		if f.Key == "err.upload_too_large" {
			return http.StatusRequestEntityTooLarge
		}
	}
	return apperr.Status(e.Code)
}

// bodyTooLarge reports whether reading the request body ran past its
// limit (http.MaxBytesReader keeps answering its error once it has).
func bodyTooLarge(r *http.Request) bool {
	_, err := r.Body.Read(make([]byte, 1))
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}
