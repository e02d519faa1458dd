package trace

import (
	"encoding/json"
	"errors"
	"testing"
)

// FuzzParseDigitalLink: any path parses or fails with one of the two
// errors, never panics; what parses has a valid 14-digit GTIN and round
// trips through Path.
func FuzzParseDigitalLink(f *testing.F) {
	for _, s := range []string{"/01/8930000000019", "/01/08930000000019/10/BV2611/21/ABC", "/01/96385074/21/X%2FY", "/01//10/", "/01/8930000000018"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		d, err := ParseDigitalLink(path)
		if err != nil {
			if !errors.Is(err, ErrNotDigitalLink) && !errors.Is(err, ErrCheckDigit) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if len(d.GTIN) != 14 {
			t.Fatalf("GTIN %q is not 14 digits", d.GTIN)
		}
		again, err := ParseDigitalLink(d.Path())
		if err != nil || again != d {
			t.Fatalf("round trip %q → %q: %+v, %v", path, d.Path(), again, err)
		}
	})
}

// FuzzParseEPCIS: any body is parsed or refused with a positioned
// EPCISError, never a panic; accepted events have a hash and marshal to
// JSON that parses again into events with the same hash.
func FuzzParseEPCIS(f *testing.F) {
	f.Add([]byte(sampleDoc))
	f.Add([]byte(`{"type":"EPCISDocument","schemaVersion":"2.0","epcisBody":{"eventList":[{"type":"AggregationEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","action":"OBSERVE","childEPCs":["urn:a:b"]}]}}`))
	f.Add([]byte(`{"type": `))
	f.Fuzz(func(t *testing.T, b []byte) {
		events, err := ParseEPCIS(b)
		if err != nil {
			var pe *EPCISError
			if !errors.As(err, &pe) || pe.Key == "" {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		for _, e := range events {
			h := e.Hash()
			doc, err := json.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			wrapped := []byte(`{"type":"EPCISDocument","schemaVersion":"2.0","epcisBody":{"eventList":[` + string(doc) + `]}}`)
			again, err := ParseEPCIS(wrapped)
			if err != nil {
				t.Fatalf("re-parse of %s: %v", doc, err)
			}
			if again[0].Hash() != h {
				t.Fatalf("hash changed through JSON: %s", doc)
			}
		}
	})
}
