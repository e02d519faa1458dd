package trade

import (
	"strings"
	"testing"
	"time"
)

// FuzzICS: whatever the office types in an event's title, place and
// description — even bytes that are not UTF-8 — the feed is valid UTF-8
// and parses back (lines ≤ 75 octets, CRLF, no split characters) to the
// same text (with U+FFFD for the stray bytes).
func FuzzICS(f *testing.F) {
	f.Add("Chợ đêm trên mây", "Cung Văn hóa; 91 Trần Hưng Đạo, Hà Nội", "dòng một\ndòng hai \\ ,;")
	f.Add(strings.Repeat("ệ", 40), "", strings.Repeat("a,", 60))
	f.Fuzz(func(t *testing.T, title, place, desc string) {
		// Line breaks inside TEXT are written as \n; a bare CR is not text
		// anyone types, so compare with CRs normalised as the writer does,
		// and bytes that are not UTF-8 replaced by U+FFFD.
		norm := func(s string) string {
			s = strings.ToValidUTF8(s, "\uFFFD")
			return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
		}
		start := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
		ev := Event{ID: 1, Kind: "fair", Title: title, Place: place, Description: desc, StartsAt: start, EndsAt: start.Add(time.Hour), UpdatedAt: start, Version: 1, Status: "published"}
		got, err := ParseICS(ICS([]Event{ev}, "https://x.example", "x.example", nil))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 {
			t.Fatalf("%d events", len(got))
		}
		if got[0]["SUMMARY"] != norm(title) {
			t.Errorf("SUMMARY %q, want %q", got[0]["SUMMARY"], norm(title))
		}
		if place != "" && got[0]["LOCATION"] != norm(place) {
			t.Errorf("LOCATION %q, want %q", got[0]["LOCATION"], norm(place))
		}
		if d := strings.TrimSpace(desc); d != "" && got[0]["DESCRIPTION"] != norm(d) {
			t.Errorf("DESCRIPTION %q, want %q", got[0]["DESCRIPTION"], norm(d))
		}
	})
}
