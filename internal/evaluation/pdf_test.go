package evaluation

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

// pdfText extracts the text of a PDF with pdftotext (Debian's
// poppler-utils). It skips the test when the tool is missing, unless CI
// is set, where the tool must be there.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext is missing (apt-get install poppler-utils)")
		}
		t.Skip("pdftotext not installed (apt-get install poppler-utils)")
	}
	in := filepath.Join(t.TempDir(), "c.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	// Extraction may give decomposed marks; compare composed text.
	return norm.NFC.String(string(out))
}

func testPrint(status CertStatus) CertificatePrint {
	issued := Date{2026, time.November, 20}
	return CertificatePrint{
		Certificate: Certificate{
			Number: "12/GCN-OCOP-01-2026", ProductName: "Ô mai mơ gừng Hàng Đường", ProductCode: "01-00004-007-2026",
			ProducerName: "Hợp tác xã Nông nghiệp Đồng Tháp", Star: Star4, Potential5: status == CertValid,
			IssuedOn: issued, ExpiresOn: Expiry(issued), ValidUntil: Expiry(issued), DecisionNumber: "5678/QĐ-UBND",
			DecisionSigner: "Nguyễn Văn Ấn", Status: status, RevokedOn: Date{2027, time.March, 2}, RevokeDecisionNumber: "99/QĐ-UBND",
			Authority: AuthorityProvince,
		},
		IssuerLines:    []string{"ỦY BAN NHÂN DÂN", "THÀNH PHỐ HÀ NỘI"},
		AuthorityName:  "Chủ tịch Ủy ban nhân dân Thành phố Hà Nội",
		SignatureLines: []string{"TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"},
		Place:          "Hà Nội",
		Address:        "Số 1 ngõ Trạm, Phường Ba Đình, Thành phố Hà Nội",
		OldAddress:     "Phường Trúc Bạch, Quận Ba Đình",
		VerifyURL:      "https://ocop.example/certificates/12-GCN-OCOP-01-2026",
		Today:          Date{2027, time.March, 10},
	}
}

// The certificate prints as a PDF whose text keeps its Vietnamese letters
// with every tone mark, and a void copy says so.
func TestCertificatePDF(t *testing.T) {
	for _, tt := range []struct {
		status CertStatus
		want   []string
		not    []string
	}{
		{CertValid, []string{"GIẤY CHỨNG NHẬN SẢN PHẨM OCOP", "Ô mai mơ gừng Hàng Đường", "Hợp tác xã Nông nghiệp Đồng Tháp",
			"ĐẠT HẠNG 4 SAO (tiềm năng 5 sao)", "Số: 12/GCN-OCOP-01-2026", "5678/QĐ-UBND", "ngày 20 tháng 11 năm 2029",
			"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Phường Ba Đình", "Quận Ba Đình",
			"TM. ỦY BAN NHÂN DÂN", "Nguyễn Văn Ấn", "Hà Nội, ngày 20 tháng 11 năm 2026"}, []string{"THU HỒI", "HẾT HIỆU LỰC"}},
		{CertRevoked, []string{"đã bị thu hồi theo Quyết định số 99/QĐ-UBND ngày 02/03/2027"}, nil},
		{CertExpired, []string{"đã hết hiệu lực từ ngày 21/11/2029"}, nil},
	} {
		var buf bytes.Buffer
		if err := WriteCertificatePDF(&buf, testPrint(tt.status)); err != nil {
			t.Fatalf("%s: %v", tt.status, err)
		}
		if dir := os.Getenv("OCOP_PDF_DIR"); dir != "" {
			_ = os.WriteFile(filepath.Join(dir, string(tt.status)+".pdf"), buf.Bytes(), 0o600)
		}
		if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
			t.Fatalf("%s: output starts with %q, want %%PDF-", tt.status, buf.Bytes()[:8])
		}
		if buf.Len() > 200<<10 {
			t.Errorf("%s: PDF is %d bytes; the fonts should be subset", tt.status, buf.Len())
		}
		text := strings.Join(strings.Fields(pdfText(t, buf.Bytes())), " ")
		for _, w := range tt.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: text lacks %q\n%s", tt.status, w, text)
			}
		}
		for _, w := range tt.not {
			if strings.Contains(text, w) {
				t.Errorf("%s: text has %q", tt.status, w)
			}
		}
	}
}

// The same certificate prints to the same bytes (the PDF dates are the
// decision's), so a copy can be compared or cached.
func TestCertificatePDFStable(t *testing.T) {
	var a, b bytes.Buffer
	if err := WriteCertificatePDF(&a, testPrint(CertValid)); err != nil {
		t.Fatal(err)
	}
	if err := WriteCertificatePDF(&b, testPrint(CertValid)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("two prints differ (%d and %d bytes)", a.Len(), b.Len())
	}
}

// BenchmarkCertificatePDF measures printing one certificate (the fonts are
// parsed and subset on every print).
func BenchmarkCertificatePDF(b *testing.B) {
	cp := testPrint(CertValid)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := WriteCertificatePDF(&buf, cp); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/pdf")
}
