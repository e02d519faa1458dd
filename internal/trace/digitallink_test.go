package trace

import (
	"errors"
	"testing"
)

func TestParseDigitalLink(t *testing.T) {
	for _, tt := range []struct {
		path string
		want DigitalLink
		err  error
	}{
		{"/01/8930000000019", DigitalLink{GTIN: "08930000000019"}, nil},
		{"/01/08930000000019/10/BV2611", DigitalLink{GTIN: "08930000000019", Lot: "BV2611"}, nil},
		{"/01/08930000000019/10/BV2611/21/ABC123", DigitalLink{GTIN: "08930000000019", Lot: "BV2611", Serial: "ABC123"}, nil},
		{"/01/08930000000019/21/ABC123/", DigitalLink{GTIN: "08930000000019", Serial: "ABC123"}, nil},
		{"/resolver/01/96385074/10/L%2F7", DigitalLink{GTIN: "00000096385074", Lot: "L/7"}, nil}, // GTIN-8, sub-path, escaped
		{"/01/8930000000018", DigitalLink{}, ErrCheckDigit},
		{"/01/893000000001", DigitalLink{}, ErrCheckDigit},                               // GTIN-12, wrong check
		{"/01/89300000000191", DigitalLink{}, ErrCheckDigit},                             // 14 digits, wrong check
		{"/01/893000000001X", DigitalLink{}, ErrNotDigitalLink},                          // not digits
		{"/01/8930000000019/21/A/10/B", DigitalLink{}, ErrNotDigitalLink},                // qualifiers out of order
		{"/01/8930000000019/10/", DigitalLink{}, ErrNotDigitalLink},                      // empty value
		{"/01/8930000000019/22/X", DigitalLink{}, ErrNotDigitalLink},                     // unsupported AI
		{"/01/8930000000019/10/ABCDEFGHIJKLMNOPQRSTU", DigitalLink{}, ErrNotDigitalLink}, // 21 characters
		{"/01/8930000000019/10/a%20b", DigitalLink{}, ErrNotDigitalLink},                 // space is not in the AI set
		{"/q/ABC", DigitalLink{}, ErrNotDigitalLink},
	} {
		got, err := ParseDigitalLink(tt.path)
		if !errors.Is(err, tt.err) || got != tt.want {
			t.Errorf("ParseDigitalLink(%q) = %+v, %v; want %+v, %v", tt.path, got, err, tt.want, tt.err)
		}
		if err == nil {
			if again, err := ParseDigitalLink(got.Path()); err != nil || again != got {
				t.Errorf("round trip of %q via %q: %+v, %v", tt.path, got.Path(), again, err)
			}
		}
	}
}

func TestGTINFromEPC(t *testing.T) {
	for _, tt := range []struct{ prefix, item, want string }{
		{"893000", "0000001", "08930000000019"},
		{"0614141", "812345", "80614141123458"}, // the TDS example: indicator 8
		{"893", "1", ""},
	} {
		got, ok := gtinFromEPC(tt.prefix, tt.item)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("gtinFromEPC(%s, %s) = %q, %v; want %q", tt.prefix, tt.item, got, ok, tt.want)
		}
	}
}
