package catalogue

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

type fakeKnown struct{}

func (fakeKnown) Category(c string) bool { return c == "I" || c == "I.3" || c == "I.3.C" || c == "V.1" }
func (fakeKnown) Ward(c string) bool     { return c == "00004" }
func (fakeKnown) District(c string) bool { return c == "001" }

func TestParseQuery(t *testing.T) {
	long := strings.Repeat("gốm ", 100)
	for _, tc := range []struct {
		name  string
		raw   string
		want  Query
		notes []string
	}{
		{"empty", "", Query{Page: 1}, nil},
		{"all facets", "q=g%E1%BB%91m&group=i.3&stars=P5&commune=00004&district=001&village=12&sort=name&page=3",
			Query{Text: "gốm", Group: "I.3", Stars: StarPotential5, Commune: "00004", District: "001", Village: 12, Sort: SortName, Page: 3}, nil},
		{"unknown facets dropped", "group=ZZ&stars=7&commune=99999&district=xyz&village=-4&sort=price",
			Query{Page: 1}, []string{NoteUnknownFilter}},
		{"huge page", "page=99999999999", Query{Page: MaxPage + 1}, []string{NotePage}},
		{"bad page", "page=abc", Query{Page: 1}, []string{NotePage}},
		{"negative page", "page=-1", Query{Page: 1}, []string{NotePage}},
		{"script kept as text", "q=%3Cscript%3Ealert(1)%3C/script%3E", Query{Text: "<script>alert(1)</script>", Page: 1}, nil},
		{"spaces collapsed", "q=++gom+++bat%09trang++", Query{Text: "gom bat trang", Page: 1}, nil},
		{"invalid utf8 dropped", "q=g%FFom", Query{Text: "gom", Page: 1}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := url.ParseQuery(tc.raw)
			if err != nil {
				t.Fatal(err)
			}
			got, notes := ParseQuery(v, fakeKnown{})
			if got != tc.want {
				t.Errorf("query = %+v, want %+v", got, tc.want)
			}
			if strings.Join(notes, ",") != strings.Join(tc.notes, ",") {
				t.Errorf("notes = %v, want %v", notes, tc.notes)
			}
		})
	}
	got, notes := ParseQuery(url.Values{"q": {long}}, fakeKnown{})
	if utf8.RuneCountInString(got.Text) > MaxQueryRunes || len(notes) != 1 || notes[0] != NoteTruncated {
		t.Errorf("long query: %d runes, notes %v", utf8.RuneCountInString(got.Text), notes)
	}
}

func TestQueryRoundTrip(t *testing.T) {
	q := Query{Text: "trà sen", Group: "I.3", Stars: Star5, Commune: "00004", District: "001", Village: 7, Sort: SortNewest, Page: 2}
	back, notes := ParseQuery(q.Values(), fakeKnown{})
	if back != q || len(notes) != 0 {
		t.Fatalf("round trip: %+v %v", back, notes)
	}
	if got := q.With("stars", "").URL("/search"); strings.Contains(got, "stars=") || strings.Contains(got, "page=") {
		t.Errorf("With clears the facet and the page: %s", got)
	}
	if (Query{}).URL("/search") != "/search" {
		t.Error("empty query URL")
	}
}

// FuzzParseQuery checks that any query string parses without panicking,
// within the bounds, and that the canonical form is a fixed point.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"q=gom+bat+trang&stars=5", "page=99999999999999999999", "group=I.3&commune=00004", "q=%3Cscript%3E", "village=1e9&sort=x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, _ := ParseQuery(v, fakeKnown{})
		if utf8.RuneCountInString(q.Text) > MaxQueryRunes || !utf8.ValidString(q.Text) {
			t.Fatalf("text out of bounds: %q", q.Text)
		}
		if q.Page < 1 || q.Page > MaxPage+1 || q.Village < 0 {
			t.Fatalf("bad numbers: %+v", q)
		}
		again, notes := ParseQuery(q.Values(), fakeKnown{})
		if q.Page > MaxPage {
			again.Page = q.Page // the past-the-end page is re-noted, same value
		}
		if again != q {
			t.Fatalf("canonical form not stable: %+v → %+v (%v)", q, again, notes)
		}
	})
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		max  int
		want int
	}{
		{"gom", "gom", 2, 0}, {"gom", "gon", 2, 1}, {"trang", "tarng", 2, 1}, {"bat", "bta", 1, 1},
		{"sen", "senn", 1, 1}, {"kitten", "sitting", 3, 3}, {"abc", "xyz123", 2, 3},
	} {
		if got := editDistance(tc.a, tc.b, tc.max); got != tc.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", tc.a, tc.b, tc.max, got, tc.want)
		}
	}
}

func TestNearest(t *testing.T) {
	v := &vocabulary{words: []string{"bat", "dong", "duc", "gom", "gong", "ngu", "sen", "trang", "tra", "xa"},
		freq: map[string]int{"trang": 5, "tra": 9, "gom": 3, "gong": 1}}
	if got := v.nearest("tarng", 4); strings.Join(got, ",") != "trang" {
		t.Errorf("tarng → %v", got)
	}
	if got := v.nearest("gomm", 4); strings.Join(got, ",") != "gom" {
		t.Errorf("gomm → %v", got)
	}
	if got := v.nearest("xy", 4); got != nil {
		t.Errorf("two letters are never corrected: %v", got)
	}
	if !v.hasPrefix("tr") || v.hasPrefix("zz") {
		t.Error("hasPrefix")
	}
}

func TestHaversine(t *testing.T) {
	// Hoàn Kiếm Lake to Bát Tràng: about 8.6 km.
	d := Haversine(Point{21.0288, 105.8523}, Point{20.9757, 105.9129})
	if d < 8 || d > 9 {
		t.Errorf("distance = %.2f km", d)
	}
	if Haversine(Point{1, 2}, Point{1, 2}) != 0 {
		t.Error("zero distance")
	}
}
