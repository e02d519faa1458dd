package stamp_test

import (
	"bytes"
	"testing"
	"time"

	"ocop/internal/stamp"
	"ocop/internal/stamp/stamptest"
)

func TestSheetDecodes(t *testing.T) {
	stamptest.NeedTools(t)
	for _, l := range []stamp.Layout{stamp.DefaultLayout(), {PageW: 210, PageH: 297, LabelW: 30, LabelH: 38, Gap: 3, MinMargin: 8}} {
		sh, err := stamp.NewSheet(l, "test")
		if err != nil {
			t.Fatal(err)
		}
		cols, rows, _, _, _ := l.Grid()
		var urls []string
		for i := 0; i < cols*rows+3; i++ {
			u := stamp.URL("https://ocop.hanoi.gov.vn", "", stamp.NewSerial())
			if i%2 == 1 {
				u = stamp.URL("https://ocop.hanoi.gov.vn", "8938505974194", stamp.NewSerial())
			}
			urls = append(urls, u)
			if err := sh.Add(stamp.Label{URL: u, Serial: u[len(u)-17:], Name: "Trà hoa vàng Ba Chẽ thượng hạng đóng hộp quà biếu", Star: 5}); err != nil {
				t.Fatal(err)
			}
		}
		var b bytes.Buffer
		if err := sh.Write(&b); err != nil {
			t.Fatal(err)
		}
		got := stamptest.DecodeLabels(t, b.Bytes(), l)
		for i, g := range got {
			if g != urls[i] {
				t.Errorf("layout %gx%g, label %d: decoded %q, want %q", l.LabelW, l.LabelH, i, g, urls[i])
			}
		}
	}
	if _, err := stamp.NewSheet(stamp.Layout{PageW: 210, PageH: 297, LabelW: 10, LabelH: 10}, "x"); err == nil {
		t.Error("a 10×10 mm label was accepted")
	}
}

// BenchmarkSheet10000 renders a 10,000-stamp PDF (target ≤ 5 s).
func BenchmarkSheet10000(b *testing.B) {
	urls := make([]string, 10000)
	for i := range urls {
		urls[i] = stamp.URL("https://ocop.hanoi.gov.vn", "", stamp.NewSerial())
	}
	for b.Loop() {
		start := time.Now()
		sh, err := stamp.NewSheet(stamp.DefaultLayout(), "bench")
		if err != nil {
			b.Fatal(err)
		}
		labels := make([]stamp.Label, len(urls))
		for i, u := range urls {
			labels[i] = stamp.Label{URL: u, Serial: u[len(u)-17:], Name: "Bình gốm men rạn Bát Tràng", Star: 4}
		}
		for i := 0; i < len(labels); i += 1024 {
			if err := sh.AddAll(labels[i:min(i+1024, len(labels))]); err != nil {
				b.Fatal(err)
			}
		}
		var buf bytes.Buffer
		if err := sh.Write(&buf); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(buf.Len())/1e6, "MB")
		b.ReportMetric(time.Since(start).Seconds(), "s/10000-stamps")
	}
}
