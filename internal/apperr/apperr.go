// Package apperr defines the small, closed set of error codes the platform
// uses across its layers, and how each maps to an HTTP status.
//
// Domain packages return *Error values (or wrap them with %w); the web and
// API layers turn them into pages or RFC 9457 problem documents. A message
// is a translation key plus arguments so that the user sees it in their own
// language; Detail carries field-level problems for forms and imports.
package apperr

import (
	"errors"
	"fmt"
	"net/http"
)

// Code is one of the closed set of error kinds.
type Code string

// The error codes. Keep this set small: every layer must know them all.
const (
	Invalid         Code = "invalid"         // the input is wrong; the user can fix it
	NotFound        Code = "not_found"       // no such record (or not visible to the caller)
	Conflict        Code = "conflict"        // duplicate or stale (optimistic locking)
	Forbidden       Code = "forbidden"       // authenticated but not allowed
	Unauthenticated Code = "unauthenticated" // no valid session or token
	TooMany         Code = "too_many"        // rate limited
	Internal        Code = "internal"        // a bug or an outage; logged
)

// FieldError names one invalid field and the translation key of its message.
type FieldError struct {
	Field string `json:"field"`
	Key   string `json:"-"`
	Args  []any  `json:"-"`
	// Message is filled in by the presentation layer in the user's language.
	Message string `json:"message,omitempty"`
}

// Error is the platform's error value.
type Error struct {
	Code   Code
	Key    string // translation key of the message shown to the user
	Args   []any  // arguments for the message
	Fields []FieldError
	Err    error // the underlying cause, never shown to users
}

func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Key
	if len(e.Args) > 0 {
		s += fmt.Sprint(e.Args...)
	}
	for _, f := range e.Fields {
		s += fmt.Sprintf("; %s: %s%v", f.Field, f.Key, f.Args)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error with the given code and message key.
func New(code Code, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// Wrap returns an error with the given code that keeps err as its cause.
func Wrap(code Code, err error, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args, Err: err}
}

// Fields returns an Invalid error listing field problems.
func Fields(fields ...FieldError) *Error {
	return &Error{Code: Invalid, Key: "err.invalid_input", Fields: fields}
}

// Field builds one FieldError.
func Field(field, key string, args ...any) FieldError {
	return FieldError{Field: field, Key: key, Args: args}
}

// CodeOf reports the code of err, or Internal when err carries none.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// As returns the *Error inside err, or nil.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// Is reports whether err carries the given code.
func Is(err error, code Code) bool { return CodeOf(err) == code }

// Status maps a code to its HTTP status.
func Status(code Code) int {
	switch code {
	case Invalid:
		return http.StatusUnprocessableEntity
	case NotFound:
		return http.StatusNotFound
	case Conflict:
		return http.StatusConflict
	case Forbidden:
		return http.StatusForbidden
	case Unauthenticated:
		return http.StatusUnauthorized
	case TooMany:
		return http.StatusTooManyRequests
	default:
		return http.StatusInternalServerError
	}
}

// Errs collects field errors while validating a struct.
type Errs []FieldError

// Add appends a field error.
func (e *Errs) Add(field, key string, args ...any) { *e = append(*e, Field(field, key, args...)) }

// Err returns an Invalid error with the collected fields, or nil.
func (e Errs) Err() error {
	if len(e) == 0 {
		return nil
	}
	return Fields(e...)
}
