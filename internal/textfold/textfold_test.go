package textfold

import (
	"slices"
	"testing"
)

func TestFold(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Gốm Bát Tràng", "gom bat trang"},
		{"GOM BAT TRANG", "gom bat trang"},
		{"gom bat trang", "gom bat trang"},
		{"Đúc đồng Ngũ Xã", "duc dong ngu xa"},
		{"  Hòa   Hoà ", "hoa hoa"},
		{"Thụy / Thuỵ", "thuy / thuy"},
		{"Xã Đại áng", "xa dai ang"},
		{"G\u006f\u0302\u0301m", "gom"}, // NFD input
		{"", ""},
		{"\xf5Ċ", "c"}, // invalid UTF-8 is dropped (found by FuzzFold)
	} {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTokens(t *testing.T) {
	got := Tokens("Gốm sứ Quang-Vinh, Bát Tràng (01-00004)")
	want := []string{"gom", "su", "quang", "vinh", "bat", "trang", "01", "00004"}
	if !slices.Equal(got, want) {
		t.Errorf("Tokens = %q, want %q", got, want)
	}
	if got := Key("Gốm", "Bát  Tràng"); got != "gom bat trang" {
		t.Errorf("Key = %q", got)
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"Gốm Bát Tràng", "đĐ", "\u0301", "a\x00b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := Fold(s)
		if Fold(once) != once {
			t.Errorf("Fold not idempotent on %q", s)
		}
	})
}
