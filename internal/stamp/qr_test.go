package stamp

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// needTool skips when a command is missing, unless CI=true, where a
// missing tool fails the test.
func needTool(t testing.TB, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required under CI=true: %v", name, err)
		}
		t.Skipf("%s not installed (apt-get install zbar-tools poppler-utils)", name)
	}
}

// zbar decodes every QR symbol in an image file.
func zbar(t testing.TB, path string) []string {
	t.Helper()
	out, err := exec.Command("zbarimg", "--raw", "-q", path).Output()
	if err != nil {
		t.Fatalf("zbarimg %s: %v", path, err)
	}
	return strings.Fields(string(out))
}

func TestQRDecodes(t *testing.T) {
	needTool(t, "zbarimg")
	for _, text := range []string{
		URL("https://ocop.hanoi.gov.vn", "", NewSerial()),
		URL("http://127.0.0.1:43125", "8938505974194", NewSerial()),
		"https://example.vn/q/lower-case-byte-mode",
	} {
		q, err := EncodeQR(text)
		if err != nil {
			t.Fatal(err)
		}
		b, err := PNG(q, 6)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(t.TempDir(), "q.png")
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		got := zbar(t, p)
		if len(got) != 1 || got[0] != text {
			t.Errorf("decoded %q, want %q", got, text)
		}
	}
}

func TestQRVersionSmall(t *testing.T) {
	q, err := EncodeQR(URL("https://ocop.hanoi.gov.vn", "", NewSerial()))
	if err != nil {
		t.Fatal(err)
	}
	// 45 alphanumeric characters fit version 3 at level M (29×29).
	if q.Size != 29 {
		t.Errorf("size %d, want 29 (version 3)", q.Size)
	}
	svg := SVG(q)
	if !bytes.HasPrefix(svg, []byte("<svg")) || !bytes.Contains(svg, []byte("viewBox=\"0 0 37 37\"")) {
		t.Errorf("svg: %.80s", svg)
	}
}
