// Package api is the JSON API v1: public registry data for anyone, writes
// with a per-user API token (Authorization: Bearer ocop_…), errors as RFC
// 9457 problem documents, and the OpenAPI 3.1 description of it all.
//
// Routes are registered in web/routes.go with the rest of the platform;
// this package provides the handlers (exported methods of *API). The
// OpenAPI document (openapi.go) is built from the same Go types the
// handlers encode and decode, and a test checks it against the real route
// table, so the two cannot drift apart.
//
// api imports the domain packages (registry, account, adminunit) and never
// web.
package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/catalogue"
	"ocop/internal/db"
	"ocop/internal/evaluation"
	"ocop/internal/i18n"
	"ocop/internal/market"
	"ocop/internal/registry"
	"ocop/internal/stamp"
	"ocop/internal/stats"
	"ocop/internal/trace"
	"ocop/internal/trade"
)

// Deps are what the API is built from.
type Deps struct {
	DB       *db.DB
	Accounts *account.Service
	Registry *registry.Service
	// Evaluation, Stamps, Catalogue and Stats serve their own endpoints.
	Evaluation *evaluation.Service
	Stamps     *stamp.Service
	Catalogue  *catalogue.Service
	Stats      *stats.Service
	Trace      *trace.Service
	Market     *market.Service
	Trade      *trade.Service
	Catalog    i18n.Catalog
	Log        *slog.Logger
	BaseURL    string
}

// API holds the JSON handlers.
type API struct {
	Deps

	routes []string       // every pattern of the server, set by SetRoutes
	probe  *http.ServeMux // the API patterns alone, to tell 404 from 405

	docOnce sync.Once
	doc     []byte
	docErr  error
}

// New returns the API handlers.
func New(d Deps) *API {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &API{Deps: d}
}

// StatusClientClosed is logged for requests whose client went away before
// the answer (nginx's 499 "client closed request").
const StatusClientClosed = 499

// HandlerFunc is an API handler: it writes JSON or returns an error.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// H adapts a HandlerFunc, turning errors into problem documents.
func (a *API) H(fn HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			a.Problem(w, r, err)
		}
	})
}

// problem is an RFC 9457 problem document with the platform's extensions:
// code (the apperr code, stable for programs) and errors (one per field).
type problem struct {
	Type     string              `json:"type"`
	Title    string              `json:"title"`
	Status   int                 `json:"status"`
	Detail   string              `json:"detail,omitempty"`
	Instance string              `json:"instance,omitempty"`
	Code     string              `json:"code"`
	Errors   []apperr.FieldError `json:"errors,omitempty"`
}

// codeMethodNotAllowed is the problem code of a 405: it is not one of the
// apperr codes because no domain operation ever returns it.
const codeMethodNotAllowed = "method_not_allowed"

// keyTooLarge is the message key of an oversized body, answered with 413.
const keyTooLarge = "err.body_too_large"

func lang(r *http.Request) string { return i18n.FromRequest(r) }

// Problem writes err as application/problem+json in the caller's language.
func (a *API) Problem(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		// The client went away: not a server fault; 499 in the log.
		w.WriteHeader(StatusClientClosed)
		return
	}
	code := apperr.CodeOf(err)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err, code = apperr.New(apperr.Invalid, keyTooLarge), apperr.Invalid
	}
	status := apperr.Status(code)
	e := apperr.As(err)
	if e != nil && e.Key == keyTooLarge {
		status = http.StatusRequestEntityTooLarge
	}
	if e != nil && e.Key == "err.csrf" {
		// The middleware's message speaks of forms; an API client needs
		// to know which header to send.
		e = apperr.New(e.Code, "api.csrf")
	}
	l := lang(r)
	p := problem{Type: problemType(string(code)), Title: a.Catalog.T(l, "api.title."+string(code)), Status: status,
		Code: string(code), Instance: r.URL.Path}
	if status == http.StatusRequestEntityTooLarge {
		p.Title = a.Catalog.T(l, "api.title.too_large")
	}
	if code == apperr.Internal {
		a.Log.ErrorContext(r.Context(), "api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		p.Detail = a.Catalog.T(l, "err.internal")
	} else if e != nil {
		p.Detail = a.Catalog.T(l, e.Key, e.Args...)
		for _, f := range e.Fields {
			f.Message = a.Catalog.T(l, f.Key, f.Args...)
			p.Errors = append(p.Errors, f)
		}
		if code == apperr.TooMany && len(e.Args) > 0 {
			w.Header().Set("Retry-After", fmt.Sprint(e.Args[0]))
		}
	}
	if code == apperr.Unauthenticated {
		w.Header().Set("WWW-Authenticate", `Bearer realm="ocop"`)
	}
	writeProblem(w, l, p)
}

func writeProblem(w http.ResponseWriter, lang string, p problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Language", lang)
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// problemType is the type URI of a problem code: a tag URI (RFC 4151),
// stable and not meant to be dereferenced; the code field repeats it.
func problemType(code string) string { return "tag:ocop,2026:problem:" + code }

// JSON writes v with the status.
func JSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, err = w.Write(append(b, '\n'))
	return err
}

// read writes the answer to a read: the same URL answers differently to
// anonymous and signed-in callers, so caches must keep them apart, and
// what a signed-in caller sees (drafts) is never stored.
func read(w http.ResponseWriter, r *http.Request, v any) error {
	w.Header().Set("Vary", "Authorization, Cookie")
	if principal(r) != nil {
		w.Header().Set("Cache-Control", "no-store")
	} else {
		w.Header().Set("Cache-Control", "public, max-age=60")
	}
	return JSON(w, http.StatusOK, v)
}

// written answers a successful write: 201 with Location for a creation,
// 200 for an update.
func written(w http.ResponseWriter, status int, location string, v any) error {
	w.Header().Set("Cache-Control", "no-store")
	if location != "" {
		w.Header().Set("Location", location)
	}
	return JSON(w, status, v)
}

// MaxBody bounds JSON request bodies.
const MaxBody = 1 << 20

// decode reads a JSON object into v, strictly: the body must be one JSON
// object of at most MaxBody bytes whose fields all exist in v with the
// right types. Each kind of mistake gets its own message, naming the field
// where there is one, so that a client knows what to fix.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	if r.ContentLength > MaxBody {
		return apperr.New(apperr.Invalid, keyTooLarge)
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return apperr.New(apperr.Invalid, keyTooLarge)
		}
		return apperr.Wrap(apperr.Invalid, err, "api.json_read")
	}
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return apperr.New(apperr.Invalid, "api.json_empty")
	case b[0] != '{':
		return apperr.New(apperr.Invalid, "api.json_not_object")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return apperr.New(apperr.Invalid, "api.json_trailing")
	}
	return nil
}

// jsonError turns a decoding error into a problem with a field error where
// the decoder names one.
func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return apperr.Wrap(apperr.Invalid, err, "api.json_truncated")
	case errors.As(err, &syn):
		return apperr.Wrap(apperr.Invalid, err, "api.json_syntax", syn.Offset)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return apperr.Wrap(apperr.Invalid, err, "api.json_not_object")
		}
		want := jsonTypeName(typ.Type)
		return &apperr.Error{Code: apperr.Invalid, Key: "api.json_type", Args: []any{typ.Field, want},
			Fields: []apperr.FieldError{apperr.Field(typ.Field, "api.json_type_field", want)}, Err: err}
	}
	// encoding/json has no typed error for an unknown field.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if u, uerr := strconv.Unquote(name); uerr == nil {
			name = u
		}
		return &apperr.Error{Code: apperr.Invalid, Key: "api.json_unknown_field", Args: []any{name},
			Fields: []apperr.FieldError{apperr.Field(name, "api.json_unknown_field_short")}, Err: err}
	}
	return apperr.Wrap(apperr.Invalid, err, "api.json_invalid")
}

// jsonTypeName names a Go type the way a JSON client thinks of it.
func jsonTypeName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	}
	return "object"
}

// principal returns the caller, or nil for anonymous.
func principal(r *http.Request) *account.Principal { return account.FromContext(r.Context()) }

// requireAuth returns the caller or an Unauthenticated error.
func requireAuth(r *http.Request) (*account.Principal, error) {
	p := principal(r)
	if p == nil {
		return nil, apperr.New(apperr.Unauthenticated, "err.unauthenticated")
	}
	return p, nil
}

// pathID parses an {id} path value.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.New(apperr.NotFound, "err.bad_id")
	}
	return id, nil
}

// intParam parses an optional integer query parameter.
func intParam(r *http.Request, name string) (int, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, apperr.Fields(apperr.Field(name, "err.bad_number"))
	}
	return n, nil
}
