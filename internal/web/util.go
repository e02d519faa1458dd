package web

import (
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"ocop/internal/apperr"
)

func fileTime(f *os.File) time.Time {
	if st, err := f.Stat(); err == nil {
		return st.ModTime()
	}
	return time.Time{}
}

// formInt parses an optional integer form or query value.
func formInt(errs *apperr.Errs, field, s string) int {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		errs.Add(field, "err.bad_number")
	}
	return n
}

// formFloat parses an optional decimal (accepting a comma as separator).
func formFloat(errs *apperr.Errs, field, s string) *float64 {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
	if s == "" {
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		errs.Add(field, "err.bad_number")
		return nil
	}
	return &f
}

// formID parses an optional id.
func formID(errs *apperr.Errs, field, s string) *int64 {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		errs.Add(field, "err.bad_number")
		return nil
	}
	return &n
}

// queryInt parses a query parameter leniently (bad input reads as 0).
func queryInt(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 {
		return 0
	}
	return n
}
