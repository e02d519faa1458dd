package trade

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ICS writes events as an iCalendar feed (RFC 5545): CRLF line ends,
// content lines folded at 75 octets without splitting a UTF-8 character,
// TEXT values escaped, times in UTC ("Z"), a stable UID per event, DTSTAMP
// from the event's last change and SEQUENCE from its version, so that
// calendar clients update an event in place. base is the site's root URL
// (for each event's URL) and host names the UIDs.
func ICS(events []Event, base, host string, slots map[int64][]Slot) []byte {
	var b bytes.Buffer
	line := func(name, value string) { writeFolded(&b, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//OCOP Hà Nội//Xúc tiến thương mại//VI")
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	line("X-WR-CALNAME", "Xúc tiến thương mại OCOP")
	line("X-WR-TIMEZONE", "Asia/Ho_Chi_Minh")
	for _, e := range events {
		line("BEGIN", "VEVENT")
		line("UID", "event-"+strconv.FormatInt(e.ID, 10)+"@"+host)
		line("DTSTAMP", icsTime(e.UpdatedAt))
		line("DTSTART", icsTime(e.StartsAt))
		line("DTEND", icsTime(e.EndsAt))
		line("SEQUENCE", strconv.Itoa(e.Version-1))
		line("SUMMARY", icsText(e.Title))
		desc := e.Description
		for _, sl := range slots[e.ID] {
			desc += fmt.Sprintf("\n%s–%s %s: %s", sl.StartsAt.In(Vietnam).Format("15:04"), sl.EndsAt.In(Vietnam).Format("15:04"), sl.ProducerName, sl.Link)
		}
		if desc != "" {
			line("DESCRIPTION", icsText(strings.TrimSpace(desc)))
		}
		loc := e.Place
		if loc == "" {
			loc = e.OnlineURL
		}
		if loc != "" {
			line("LOCATION", icsText(loc))
		}
		line("URL", base+"/events/"+strconv.FormatInt(e.ID, 10))
		line("CATEGORIES", icsText(strings.ToUpper(e.Kind)))
		if e.Status == "cancelled" {
			line("STATUS", "CANCELLED")
		} else {
			line("STATUS", "CONFIRMED")
		}
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	return b.Bytes()
}

func icsTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// icsText escapes a TEXT value (RFC 5545 §3.3.11). Bytes that are not
// UTF-8 (a form field may carry any) become U+FFFD: the feed stays valid
// UTF-8 and folding never meets a run of stray continuation bytes.
func icsText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`, "\r", `\n`).Replace(s)
}

// writeFolded writes one content line folded at 75 octets (§3.1): each
// continuation line starts with a space, and a multi-byte character is
// never split.
func writeFolded(b *bytes.Buffer, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}

// ICSProp is one property of a parsed calendar component.
type ICSProp struct {
	Name, Params, Value string
}

// ParseICS reads an iCalendar stream back into its VEVENTs' properties
// (name → unescaped value), checking CRLF line ends and the 75-octet line
// limit on the way; used by the tests to prove the feed round-trips and by
// anyone importing it.
func ParseICS(data []byte) ([]map[string]string, error) {
	if len(data) == 0 || !bytes.HasSuffix(data, []byte("\r\n")) {
		return nil, fmt.Errorf("ics: must end with CRLF")
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		if i := bytes.Index(data, []byte("\r\n")); i >= 0 {
			return i + 2, data[:i], nil
		}
		if atEOF && len(data) > 0 {
			return 0, nil, fmt.Errorf("ics: line without CRLF")
		}
		return 0, nil, nil
	})
	for sc.Scan() {
		l := sc.Text()
		if len(l) > 75 {
			return nil, fmt.Errorf("ics: line of %d octets", len(l))
		}
		if strings.ContainsAny(l, "\n\r") {
			return nil, fmt.Errorf("ics: bare line break")
		}
		if !utf8.ValidString(l) {
			return nil, fmt.Errorf("ics: invalid UTF-8 (split character?)")
		}
		if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
			if len(lines) == 0 {
				return nil, fmt.Errorf("ics: continuation first")
			}
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(lines) < 2 || lines[0] != "BEGIN:VCALENDAR" || lines[len(lines)-1] != "END:VCALENDAR" {
		return nil, fmt.Errorf("ics: not a VCALENDAR")
	}
	var out []map[string]string
	var cur map[string]string
	for _, l := range lines {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			return nil, fmt.Errorf("ics: no colon in %q", l)
		}
		name, _, _ = strings.Cut(name, ";")
		switch {
		case name == "BEGIN" && value == "VEVENT":
			cur = map[string]string{}
		case name == "END" && value == "VEVENT":
			for _, req := range []string{"UID", "DTSTAMP", "DTSTART"} {
				if cur[req] == "" {
					return nil, fmt.Errorf("ics: VEVENT without %s", req)
				}
			}
			out = append(out, cur)
			cur = nil
		case cur != nil:
			cur[name] = unescapeICS(value)
		}
	}
	return out, nil
}

func unescapeICS(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
