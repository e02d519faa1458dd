package trace

import (
	"errors"
	"net/url"
	"strings"

	"ocop/internal/stamp"
)

// DigitalLink is a parsed GS1 Digital Link URI path with primary key GTIN
// (AI 01) and the qualifiers lot (AI 10) and serial (AI 21).
type DigitalLink struct {
	GTIN   string // 14 digits, check digit verified
	Lot    string // AI 10, "" when absent
	Serial string // AI 21, "" when absent
}

// Path is the canonical Digital Link path of the link.
func (d DigitalLink) Path() string {
	p := "/01/" + d.GTIN
	if d.Lot != "" {
		p += "/10/" + url.PathEscape(d.Lot)
	}
	if d.Serial != "" {
		p += "/21/" + url.PathEscape(d.Serial)
	}
	return p
}

// Digital Link parse errors.
var (
	ErrNotDigitalLink = errors.New("not a GS1 Digital Link path")
	ErrCheckDigit     = errors.New("GTIN check digit is wrong")
)

// ParseDigitalLink reads a Digital Link URI path
// "/01/{gtin}[/10/{lot}][/21/{serial}]" (a GTIN-8/12/13/14, padded to 14
// digits; qualifiers in that order, percent-encoded, AI 10 and 21 at most
// 20 characters of the GS1 AI encodable set). A trailing slash or a
// prefix before /01/ (a resolver on a sub-path) is allowed.
func ParseDigitalLink(path string) (DigitalLink, error) {
	var d DigitalLink
	i := strings.Index(path, "/01/")
	if i < 0 {
		return d, ErrNotDigitalLink
	}
	parts := strings.Split(strings.TrimSuffix(path[i+1:], "/"), "/")
	if len(parts) < 2 || len(parts)%2 != 0 || len(parts) > 6 {
		return d, ErrNotDigitalLink
	}
	g := parts[1]
	if len(g) != 8 && len(g) != 12 && len(g) != 13 && len(g) != 14 {
		return d, ErrNotDigitalLink
	}
	for j := 0; j < len(g); j++ {
		if g[j] < '0' || g[j] > '9' {
			return d, ErrNotDigitalLink
		}
	}
	if !stamp.ValidGTIN(g) {
		return d, ErrCheckDigit
	}
	d.GTIN = stamp.GTIN14(g)
	last := "01"
	for j := 2; j < len(parts); j += 2 {
		ai, raw := parts[j], parts[j+1]
		v, err := url.PathUnescape(raw)
		if err != nil || !validAIValue(v) {
			return DigitalLink{}, ErrNotDigitalLink
		}
		switch {
		case ai == "10" && last == "01":
			d.Lot = v
		case ai == "21" && (last == "01" || last == "10"):
			d.Serial = v
		default:
			return DigitalLink{}, ErrNotDigitalLink
		}
		last = ai
	}
	return d, nil
}

// validAIValue checks an AI 10/21 value: 1–20 characters of GS1's
// "AI encodable character set 82".
func validAIValue(v string) bool {
	if v == "" || len(v) > 20 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < '!' || c > 'z' || c == '#' || c == '$' || c == '@' || c == '[' || c == '\\' || c == ']' || c == '^' || c == '`' {
			return false
		}
	}
	return true
}
