package trade

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"ocop/internal/apperr"
)

func TestICSRoundTrip(t *testing.T) {
	start := time.Date(2026, 11, 27, 19, 0, 0, 0, Vietnam)
	long := strings.Repeat("Gốm Bát Tràng, lụa Vạn Phúc; mây tre Phú Vinh\\ ", 6)
	evs := []Event{
		{ID: 7, Kind: "livestream", Title: "Chợ đêm trên mây, phiên 27/11", Description: long + "\ndòng hai", OnlineURL: "https://live.example/cho-dem",
			StartsAt: start, EndsAt: start.Add(3 * time.Hour), UpdatedAt: start.Add(-48 * time.Hour), Version: 3, Status: "published"},
		{ID: 8, Kind: "fair", Title: "Hội chợ OCOP", Place: "Cung Văn hóa Hữu nghị, 91 Trần Hưng Đạo", StartsAt: start.Add(72 * time.Hour),
			EndsAt: start.Add(96 * time.Hour), UpdatedAt: start, Version: 1, Status: "cancelled"},
	}
	slots := map[int64][]Slot{7: {{ProducerName: "HTX Long nhãn", StartsAt: start, EndsAt: start.Add(30 * time.Minute), Link: "https://live.example/a"}}}
	data := ICS(evs, "https://ocop.example", "ocop.example", slots)
	for i, l := range bytes.Split(bytes.TrimSuffix(data, []byte("\r\n")), []byte("\r\n")) {
		if len(l) > 75 {
			t.Errorf("line %d has %d octets", i, len(l))
		}
		if bytes.ContainsAny(l, "\n\r") {
			t.Errorf("line %d has a bare line break", i)
		}
	}
	got, err := ParseICS(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d events, want 2", len(got))
	}
	a := got[0]
	for k, want := range map[string]string{
		"UID": "event-7@ocop.example", "SUMMARY": evs[0].Title, "DTSTART": "20261127T120000Z", "DTEND": "20261127T150000Z",
		"DTSTAMP": "20261125T120000Z", "SEQUENCE": "2", "LOCATION": "https://live.example/cho-dem", "STATUS": "CONFIRMED",
		"URL": "https://ocop.example/events/7",
	} {
		if a[k] != want {
			t.Errorf("%s = %q, want %q", k, a[k], want)
		}
	}
	if !strings.HasPrefix(a["DESCRIPTION"], long+"\ndòng hai\n19:00–19:30 HTX Long nhãn: https://live.example/a") {
		t.Errorf("DESCRIPTION did not round-trip: %q", a["DESCRIPTION"])
	}
	if got[1]["STATUS"] != "CANCELLED" || got[1]["LOCATION"] != evs[1].Place {
		t.Errorf("second event: %v", got[1])
	}
	// The parser rejects what the RFC forbids.
	for name, bad := range map[string]string{
		"LF only":   "BEGIN:VCALENDAR\nEND:VCALENDAR\n",
		"long line": "BEGIN:VCALENDAR\r\nX:" + strings.Repeat("a", 80) + "\r\nEND:VCALENDAR\r\n",
		"no UID":    "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20260101T000000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
	} {
		if _, err := ParseICS([]byte(bad)); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
}

func TestWriteFoldedKeepsCharacters(t *testing.T) {
	var b bytes.Buffer
	s := "SUMMARY:" + strings.Repeat("ệ", 100) // 3 octets each
	writeFolded(&b, s)
	ls := strings.Split(strings.TrimSuffix(b.String(), "\r\n"), "\r\n")
	joined := ls[0]
	for _, l := range ls[1:] {
		if l[0] != ' ' {
			t.Fatalf("continuation %q does not start with a space", l)
		}
		joined += l[1:]
	}
	if joined != s {
		t.Error("folding changed the text")
	}
}

func TestCheckRegistration(t *testing.T) {
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	ev := Event{Status: "published", BoothCapacity: 10, RegistrationDeadline: now.Add(time.Hour)}
	for _, tt := range []struct {
		name        string
		e           Event
		taken, want int
		now         time.Time
		wantKey     string
	}{
		{"fits", ev, 8, 2, now, ""},
		{"last booth", ev, 9, 1, now, ""},
		{"over capacity", ev, 9, 2, now, "trade.err_over_capacity"},
		{"full", ev, 10, 1, now, "trade.err_over_capacity"},
		{"at the deadline", ev, 0, 1, now.Add(time.Hour), "trade.err_deadline_passed"},
		{"after the deadline", ev, 0, 1, now.Add(2 * time.Hour), "trade.err_deadline_passed"},
		{"no booth", ev, 0, 0, now, "trade.err_booths"},
		{"cancelled", Event{Status: "cancelled", BoothCapacity: 10, RegistrationDeadline: now.Add(time.Hour)}, 0, 1, now, "trade.err_event_cancelled"},
	} {
		err := CheckRegistration(tt.e, tt.taken, tt.want, tt.now)
		key := ""
		if e := apperr.As(err); e != nil {
			key = e.Key
			if len(e.Fields) > 0 {
				key = e.Fields[0].Key
			}
		}
		if key != tt.wantKey {
			t.Errorf("%s: got %q, want %q", tt.name, key, tt.wantKey)
		}
	}
}
