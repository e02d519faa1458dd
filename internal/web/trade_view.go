package web

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"ocop/internal/trade"
)

// tradePage is what the trade pages receive as Data: the record or list,
// and Explain, which turns a matching reason into a sentence in the
// page's language.
type tradePage struct {
	Item    any
	Items   any
	Extra   any
	Explain func(trade.Reason) string
}

// tradeForm renders a trade form page with values (a record being edited,
// or the submitted form after an error).
func (s *Server) tradeForm(w http.ResponseWriter, r *http.Request, name, title string, data tradePage, form url.Values) error {
	v := s.newView(r, title, data)
	v.Form = form
	if v.Form == nil {
		v.Form = url.Values{}
	}
	return s.render(w, http.StatusOK, name, v)
}

// tradePageData fills Explain for the request's language.
func (s *Server) tradePageData(r *http.Request, d tradePage) tradePage {
	lang := langOf(r)
	d.Explain = func(x trade.Reason) string {
		args := make([]any, len(x.Args))
		for i, a := range x.Args {
			args[i] = a
			if x.Key == "trade.reason_market" {
				args[i] = s.Catalog.T(lang, "trade.market_"+a.(string))
			}
		}
		return s.Catalog.T(lang, x.Key, args...)
	}
	return d
}

// formFloat reads a decimal number written either way (2.5 or 2,5); an
// empty field is 0 (the service reports it as missing) and a field that is
// not a number is -1 (reported as invalid).
func tradeFloat(f url.Values, name string) float64 {
	s := strings.TrimSpace(strings.ReplaceAll(f.Get(name), ",", "."))
	if s == "" {
		return 0
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v != v {
		return -1
	}
	return v
}

// formPoint reads optional coordinates; a value that is not a number
// becomes a point outside Vietnam, which the service refuses.
func tradePoint(f url.Values, latName, lonName string) (lat, lon *float64) {
	read := func(name string) *float64 {
		s := strings.TrimSpace(strings.ReplaceAll(f.Get(name), ",", "."))
		if s == "" {
			return nil
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v != v {
			v = 999
		}
		return &v
	}
	return read(latName), read(lonName)
}

// tradeInt reads a whole number: empty or not a number is 0; a number
// beyond what an INTEGER column holds (a version, a count) is -1, which
// every service refuses (a stale version, a negative count), instead of
// reaching the database as a value PostgreSQL cannot compare.
func tradeInt(f url.Values, name string) int {
	n, err := strconv.ParseInt(strings.TrimSpace(f.Get(name)), 10, 64)
	switch {
	case err != nil && errors.Is(err, strconv.ErrRange):
		return -1
	case err != nil:
		return 0
	case n < math.MinInt32 || n > math.MaxInt32:
		return -1
	}
	return int(n)
}

func tradeInt64(f url.Values, name string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(f.Get(name)), 10, 64)
	if err != nil {
		return 0
	}
	return n
}

func tradeFmt(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func tradeFmtPtr(v *float64) string {
	if v == nil {
		return ""
	}
	return tradeFmt(*v)
}

// Units lists the quantity units for the forms.
func (tradePage) Units() []string { return trade.Units }

// Frequencies lists the delivery frequencies for the forms.
func (tradePage) Frequencies() []string { return trade.Frequencies }

// Certs lists the certifications a buyer may ask for.
func (tradePage) Certs() []string { return trade.Certifications }

// Markets lists the target markets.
func (tradePage) Markets() []string { return trade.Markets }

// ReportReasons lists why a producer may report a buyer.
func (tradePage) ReportReasons() []string { return trade.ReportReasons }

// LeadStates lists the lead states.
func (tradePage) LeadStates() []trade.LeadState { return trade.LeadStates }

// CertName is the written form of a certification code.
func (tradePage) CertName(code string) string { return trade.CertName(code) }

// Has reports whether list holds x (checkboxes of multi-valued fields).
func (tradePage) Has(list []string, x string) bool {
	for _, v := range list {
		if v == x {
			return true
		}
	}
	return false
}
