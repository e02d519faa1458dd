package catalogue

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxQueryRunes bounds the search text: longer input is cut (and the page
// says so), never an error.
const MaxQueryRunes = 200

// PerPage is the number of products on a catalogue page.
const PerPage = 24

// MaxPage is the last page a catalogue URL may ask for; beyond it the
// answer is an empty page, at no cost to the database.
const MaxPage = 2000

// Star filter values (the "stars" query parameter).
const (
	Star3          = "3"
	Star4          = "4"
	StarPotential5 = "p5"
	Star5          = "5"
)

// StarFilters lists the star filter values in the order pages show them.
var StarFilters = []string{Star5, StarPotential5, Star4, Star3}

// Sort orders (the "sort" query parameter); the default is relevance when
// searching, stars otherwise.
const (
	SortRelevance = "relevance"
	SortStars     = "stars"
	SortName      = "name"
	SortNewest    = "newest"
)

// Query is a catalogue request: the search text and the facet filters, as
// parsed from a shareable URL. The zero Query lists every public product.
type Query struct {
	Text     string // as typed (trimmed, at most MaxQueryRunes)
	Group    string // classification code at any level: "I", "I.3", "I.3.c"
	Stars    string // one of StarFilters, or ""
	Commune  string // current commune/ward code
	District string // pre-2025 district code
	Village  int64  // craft village id
	SoldAt   int64  // sale point id: products on its shelf (market)
	Online   bool   // products with a marketplace storefront (market)
	Standard string // certification kind valid today, e.g. "haccp" (market)
	Sort     string // one of the Sort constants, or "" for the default
	Page     int    // from 1
}

// Known validates the codes a URL names, so that an unknown facet value is
// dropped (with a note) rather than silently matching nothing.
type Known interface {
	Category(code string) bool
	Ward(code string) bool
	District(code string) bool
}

// Note keys ParseQuery may return: why part of a URL was ignored.
const (
	NoteTruncated     = "catalogue.note_truncated"
	NoteUnknownFilter = "catalogue.note_unknown_filter"
	NotePage          = "catalogue.note_page"
)

// ParseQuery reads a catalogue URL's query string. It never fails: unknown
// or malformed values are dropped and reported as notes (translation keys),
// so a mistyped or hostile URL gives a clear page, never an error.
func ParseQuery(v url.Values, known Known) (Query, []string) {
	var q Query
	var notes []string
	note := func(k string) {
		for _, n := range notes {
			if n == k {
				return
			}
		}
		notes = append(notes, k)
	}
	text := strings.ToValidUTF8(v.Get("q"), "")
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) > MaxQueryRunes {
		r := []rune(text)
		text = strings.TrimSpace(string(r[:MaxQueryRunes]))
		note(NoteTruncated)
	}
	q.Text = text
	if g := strings.ToUpper(strings.TrimSpace(v.Get("group"))); g != "" {
		if len(g) <= 16 && known != nil && known.Category(g) {
			q.Group = g
		} else {
			note(NoteUnknownFilter)
		}
	}
	if st := strings.ToLower(strings.TrimSpace(v.Get("stars"))); st != "" {
		switch st {
		case Star3, Star4, Star5, StarPotential5:
			q.Stars = st
		default:
			note(NoteUnknownFilter)
		}
	}
	if c := strings.TrimSpace(v.Get("commune")); c != "" {
		if len(c) <= 10 && known != nil && known.Ward(c) {
			q.Commune = c
		} else {
			note(NoteUnknownFilter)
		}
	}
	if d := strings.TrimSpace(v.Get("district")); d != "" {
		if len(d) <= 10 && known != nil && known.District(d) {
			q.District = d
		} else {
			note(NoteUnknownFilter)
		}
	}
	if s := strings.TrimSpace(v.Get("village")); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err == nil && id > 0 {
			q.Village = id
		} else {
			note(NoteUnknownFilter)
		}
	}
	if s := strings.TrimSpace(v.Get("soldat")); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err == nil && id > 0 {
			q.SoldAt = id
		} else {
			note(NoteUnknownFilter)
		}
	}
	switch s := strings.TrimSpace(v.Get("online")); s {
	case "":
	case "1", "true", "yes":
		q.Online = true
	default:
		note(NoteUnknownFilter)
	}
	if s := strings.ToLower(strings.TrimSpace(v.Get("standard"))); s != "" {
		if len(s) <= 30 && validStandard(s) {
			q.Standard = s
		} else {
			note(NoteUnknownFilter)
		}
	}
	switch s := v.Get("sort"); s {
	case "", SortRelevance, SortStars, SortName, SortNewest:
		q.Sort = s
	default:
		note(NoteUnknownFilter)
	}
	q.Page = 1
	if s := strings.TrimSpace(v.Get("page")); s != "" {
		n, err := strconv.Atoi(s)
		switch {
		case err != nil || n < 1:
			note(NotePage)
		case n > MaxPage:
			q.Page = MaxPage + 1 // past the end: an empty page
			note(NotePage)
		default:
			q.Page = n
		}
	}
	return q, notes
}

// Values encodes q as a canonical query string (only what is set, page
// left out when 1): the shareable form of a catalogue URL.
func (q Query) Values() url.Values {
	v := url.Values{}
	if q.Text != "" {
		v.Set("q", q.Text)
	}
	if q.Group != "" {
		v.Set("group", q.Group)
	}
	if q.Stars != "" {
		v.Set("stars", q.Stars)
	}
	if q.Commune != "" {
		v.Set("commune", q.Commune)
	}
	if q.District != "" {
		v.Set("district", q.District)
	}
	if q.Village != 0 {
		v.Set("village", strconv.FormatInt(q.Village, 10))
	}
	if q.SoldAt != 0 {
		v.Set("soldat", strconv.FormatInt(q.SoldAt, 10))
	}
	if q.Online {
		v.Set("online", "1")
	}
	if q.Standard != "" {
		v.Set("standard", q.Standard)
	}
	if q.Sort != "" {
		v.Set("sort", q.Sort)
	}
	if q.Page > 1 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	return v
}

// URL is the catalogue URL of q on path ("/search").
func (q Query) URL(path string) string {
	if e := q.Values().Encode(); e != "" {
		return path + "?" + e
	}
	return path
}

// Filtered reports whether any facet filter is set.
func (q Query) Filtered() bool {
	return q.Group != "" || q.Stars != "" || q.Commune != "" || q.District != "" || q.Village != 0 || q.SoldAt != 0 || q.Online || q.Standard != ""
}

// With returns q with one parameter changed (value "" clears it) and the
// page reset to 1: the link of a facet value.
func (q Query) With(key, value string) Query {
	q.Page = 1
	switch key {
	case "group":
		q.Group = value
	case "stars":
		q.Stars = value
	case "commune":
		q.Commune = value
	case "district":
		q.District = value
	case "village":
		q.Village, _ = strconv.ParseInt(value, 10, 64)
	case "soldat":
		q.SoldAt, _ = strconv.ParseInt(value, 10, 64)
	case "online":
		q.Online = value != ""
	case "standard":
		q.Standard = value
	case "sort":
		q.Sort = value
	case "q":
		q.Text = value
	}
	return q
}
