// Package textfold folds Vietnamese text for search and matching: Unicode
// NFD, combining marks removed, đ/Đ mapped to d, lower case, whitespace
// collapsed. "Gốm Bát Tràng", "gom bat trang" and "GOM BAT TRANG" all fold
// to "gom bat trang".
//
// Folding loses information (Văn Lang and Văn Lăng become equal), so callers
// rank exact NFC matches first and disambiguate by parent units.
package textfold

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold returns the folded form of s for search and matching.
func Fold(s string) string {
	// Invalid UTF-8 (from a mangled import or a hostile query) is dropped
	// first: the normaliser and the decoder would otherwise read it
	// differently, and folding must be idempotent.
	s = norm.NFD.String(strings.ToValidUTF8(s, ""))
	var b strings.Builder
	b.Grow(len(s))
	space := true // drop leading spaces
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
		case unicode.IsSpace(r):
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		}
		b.WriteRune(unicode.ToLower(r))
		space = false
	}
	return strings.TrimRight(b.String(), " ")
}

// NFC normalises s to NFC and trims surrounding space; use it before
// storing or comparing user input exactly.
func NFC(s string) string { return strings.TrimSpace(norm.NFC.String(s)) }

// Tokens folds s and splits it into search tokens: runs of letters and
// digits. Punctuation separates tokens.
func Tokens(s string) []string {
	return strings.FieldsFunc(Fold(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// Key returns the folded tokens of s joined by single spaces; it is what the
// platform stores in search columns.
func Key(parts ...string) string {
	var all []string
	for _, p := range parts {
		all = append(all, Tokens(p)...)
	}
	return strings.Join(all, " ")
}
