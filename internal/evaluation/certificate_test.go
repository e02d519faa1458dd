package evaluation

import "testing"

func TestCertificateNumber(t *testing.T) {
	for _, tt := range []struct {
		seq    int
		issuer string
		year   int
		number string
		slug   string
	}{
		{1, "01", 2026, "1/GCN-OCOP-01-2026", "1-GCN-OCOP-01-2026"},
		{1718, "01", 2027, "1718/GCN-OCOP-01-2027", "1718-GCN-OCOP-01-2027"},
		{6, MinistryIssuer, 2026, "6/GCN-OCOP-TW-2026", "6-GCN-OCOP-TW-2026"},
	} {
		n := CertificateNumber(tt.seq, tt.issuer, tt.year)
		if n != tt.number {
			t.Errorf("CertificateNumber(%d, %s, %d) = %q, want %q", tt.seq, tt.issuer, tt.year, n, tt.number)
		}
		if s := CertificateSlug(n); s != tt.slug {
			t.Errorf("CertificateSlug(%q) = %q, want %q", n, s, tt.slug)
		}
	}
}

// A superseded certificate is not valid; a revocation more than 15 days
// after its conclusion is late (Điều 8.4).
func TestCertificateSupersededLate(t *testing.T) {
	if CertSuperseded.Valid() {
		t.Errorf("a superseded certificate counts as valid")
	}
	issued := NewDate(2026, 11, 20)
	c := Certificate{IssuedOn: issued, ExpiresOn: Expiry(issued)}
	for _, tt := range []struct {
		revoked, concluded Date
		late               bool
	}{
		{NewDate(2027, 3, 19), NewDate(2027, 3, 4), false},
		{NewDate(2027, 3, 20), NewDate(2027, 3, 4), true},
		{Date{}, NewDate(2027, 3, 4), false},
	} {
		c.RevokedOn, c.RevokeConcludedOn = tt.revoked, tt.concluded
		if got := c.RevokedLate(); got != tt.late {
			t.Errorf("revoked %s, concluded %s: late %v, want %v", tt.revoked, tt.concluded, got, tt.late)
		}
	}
}
