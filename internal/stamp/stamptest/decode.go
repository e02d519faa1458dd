// Package stamptest helps tests decode printed stamps with real tools:
// poppler's pdftoppm rasterises a label sheet and zbar's zbarimg reads the
// QR codes, as a phone would.
package stamptest

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"ocop/internal/stamp"
)

// NeedTools skips the test when pdftoppm or zbarimg is missing, except
// under CI=true, where a missing tool fails it.
func NeedTools(t testing.TB) {
	t.Helper()
	for _, tool := range []string{"pdftoppm", "zbarimg"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is required under CI=true (apt-get install poppler-utils zbar-tools)", tool)
			}
			t.Skipf("%s not installed (apt-get install poppler-utils zbar-tools)", tool)
		}
	}
}

// DecodeLabels rasterises page 1 of a label PDF at 300 dpi with pdftoppm,
// cuts out each label and decodes them all with zbarimg: it returns the QR
// contents in label order ("" for a label that did not decode). zbar
// misreads grids of many aligned symbols in one image, while a phone
// always looks at one label; so does this.
func DecodeLabels(t testing.TB, pdf []byte, l stamp.Layout) []string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "s.pdf"), pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-r", "300", "-f", "1", "-l", "1", "-png", filepath.Join(dir, "s.pdf"), filepath.Join(dir, "p")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	pngs, _ := filepath.Glob(filepath.Join(dir, "p*.png"))
	if len(pngs) != 1 {
		t.Fatalf("rasterised pages: %v", pngs)
	}
	f, err := os.Open(pngs[0])
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	sub, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	})
	if !ok {
		t.Fatalf("image %T cannot be cut", img)
	}
	cols, rows, x0, y0, err := l.Grid()
	if err != nil {
		t.Fatal(err)
	}
	px := func(mm float64) int { return int(mm / 25.4 * 300) }
	var files []string
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			x, y := x0+float64(c)*(l.LabelW+l.Gap), y0+float64(r)*(l.LabelH+l.Gap)
			part := sub.SubImage(image.Rect(px(x), px(y), px(x+l.LabelW), px(y+l.LabelH)))
			var b bytes.Buffer
			if err := png.Encode(&b, part); err != nil {
				t.Fatal(err)
			}
			name := filepath.Join(dir, fmt.Sprintf("l%03d.png", r*cols+c))
			if err := os.WriteFile(name, b.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			files = append(files, name)
		}
	}
	out := make([]string, len(files))
	for i, name := range files {
		o, _ := exec.Command("zbarimg", "--raw", "-q", name).Output()
		out[i] = strings.TrimSpace(string(o))
	}
	return out
}
