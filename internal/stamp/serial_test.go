package stamp

import (
	"strings"
	"testing"
)

func TestNewSerial(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 20000; i++ {
		s := NewSerial()
		if len(s) != SerialLen {
			t.Fatalf("len(%q) = %d, want %d", s, len(s), SerialLen)
		}
		if strings.ContainsAny(s, "ILOU*~$=") && !strings.HasSuffix(s, "U") {
			t.Fatalf("%q holds a symbol outside the alphabet", s)
		}
		if strings.ContainsAny(s[:16], "U") {
			t.Fatalf("%q: U is only a check symbol", s)
		}
		if got, ok := ParseSerial(s); !ok || got != s {
			t.Fatalf("ParseSerial(%q) = %q, %v", s, got, ok)
		}
		if seen[s] {
			t.Fatalf("duplicate serial %q", s)
		}
		seen[s] = true
	}
}

func TestParseSerial(t *testing.T) {
	s := NewSerial()
	for s[0] == s[1] {
		s = NewSerial()
	}
	// A serial whose data holds 0 and 1, to test the confusables.
	data := "0123456789ABCDEF"
	withCheck := data + string(checkSymbol(data))
	flip := func(x string, i int) string {
		c := x[i]
		n := strings.IndexByte(crockford, c)
		return x[:i] + string(crockford[(n+1)%32]) + x[i+1:]
	}
	for _, tt := range []struct {
		name, in, want string
		ok             bool
	}{
		{"as issued", s, s, true},
		{"printed groups", FormatSerial(s), s, true},
		{"lower case", strings.ToLower(s), s, true},
		{"spaces", strings.Join(strings.Split(s, ""), " "), s, true},
		{"O for 0, I and L for 1", "O" + "I" + data[2:] + string(checkSymbol(data)), withCheck, true},
		{"l for 1", "0l" + data[2:] + string(checkSymbol(data)), withCheck, true},
		{"tampered data", flip(s, 3), "", false},
		{"tampered check", flip(s, 16), "", false},
		{"swapped neighbours", s[1:2] + s[0:1] + s[2:], "", false},
		{"too short", s[:16], "", false},
		{"too long", s + "0", "", false},
		{"empty", "", "", false},
		{"U in data", "U" + s[1:], "", false},
		{"punctuation", s[:8] + "!" + s[9:], "", false},
		{"unicode", "Ｏ" + s[1:], "", false},
		{"huge", strings.Repeat("0", 10000), "", false},
	} {
		got, ok := ParseSerial(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("%s: ParseSerial(%q) = %q, %v; want %q, %v", tt.name, tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestCheckSymbolKnown(t *testing.T) {
	// Crockford: the check symbol is the value mod 37. 32 = "10" → 32 mod 37 = 32 → '*'.
	for _, tt := range []struct{ data, want string }{
		{"0", "0"}, {"1", "1"}, {"Z", "Z"}, {"10", "*"}, {"11", "~"}, {"12", "$"}, {"13", "="}, {"14", "U"}, {"15", "0"},
	} {
		if got := string(checkSymbol(tt.data)); got != tt.want {
			t.Errorf("checkSymbol(%q) = %q, want %q", tt.data, got, tt.want)
		}
	}
}

func TestDigitalLink(t *testing.T) {
	s := NewSerial()
	for _, tt := range []struct {
		path, gtin string
		ok         bool
	}{
		{"/01/08938505974194/21/" + s, "08938505974194", true},
		{"/01/8938505974194/21/" + s, "08938505974194", true},
		{"/01/8938505974195/21/" + s, "", false}, // wrong check digit
		{"/01/89385059741X4/21/" + s, "", false},
		{"/01/8938505974194/10/" + s, "", false},
		{"/01/8938505974194/21/", "", false},
		{"/01/8938505974194", "", false},
		{"/01/123/21/" + s, "", false},
	} {
		g, sr, ok := ParseDigitalLink(tt.path)
		if ok != tt.ok || (ok && (g != tt.gtin || sr != s)) {
			t.Errorf("ParseDigitalLink(%q) = %q, %q, %v; want %q, %v", tt.path, g, sr, ok, tt.gtin, tt.ok)
		}
	}
	if !ValidGTIN("96385074") || ValidGTIN("96385075") {
		t.Error("GTIN-8 check digit")
	}
}

func FuzzParseSerial(f *testing.F) {
	f.Add(NewSerial())
	f.Add("7K3M-9QXA-2B4D-ZT8W-5")
	f.Add("oooo-iiii-llll-0000-0")
	f.Add("/01/08938505974194/21/ABC")
	f.Fuzz(func(t *testing.T, in string) {
		s, ok := ParseSerial(in)
		if ok {
			if len(s) != SerialLen {
				t.Fatalf("ParseSerial(%q) = %q: wrong length", in, s)
			}
			if again, ok2 := ParseSerial(s); !ok2 || again != s {
				t.Fatalf("not idempotent: %q → %q → %q", in, s, again)
			}
			if again, ok2 := ParseSerial(FormatSerial(s)); !ok2 || again != s {
				t.Fatalf("printed form does not parse: %q", FormatSerial(s))
			}
		}
		if g, sr, ok := ParseDigitalLink(in); ok {
			if len(g) != 14 || !ValidGTIN(g) || sr == "" {
				t.Fatalf("ParseDigitalLink(%q) = %q, %q", in, g, sr)
			}
		}
	})
}
