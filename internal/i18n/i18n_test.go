package i18n

import (
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

var verbRe = regexp.MustCompile(`%[-+# 0]*[0-9]*[vdsfqx%]`)

// Every key exists in both languages with the same format verbs, so that
// no user ever sees a bare key or a "%!d(MISSING)".
func TestCataloguesMatch(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(c["vi"]) < 50 {
		t.Fatalf("only %d Vietnamese messages", len(c["vi"]))
	}
	for _, l := range Languages {
		for k := range c[l] {
			for _, o := range Languages {
				if _, ok := c[o][k]; !ok {
					t.Errorf("key %q is in %s but not in %s", k, l, o)
				}
			}
		}
	}
	for k, vi := range c["vi"] {
		en := c["en"][k]
		if strings.TrimSpace(vi) == "" || strings.TrimSpace(en) == "" {
			t.Errorf("key %q has an empty message", k)
		}
		if a, b := verbRe.FindAllString(vi, -1), verbRe.FindAllString(en, -1); strings.Join(a, "") != strings.Join(b, "") {
			t.Errorf("key %q: verbs differ: vi %v, en %v", k, a, b)
		}
	}
}

func TestFromRequest(t *testing.T) {
	for _, tt := range []struct {
		url, cookie, accept, want string
	}{
		{"/", "", "", "vi"},
		{"/?lang=en", "", "", "en"},
		{"/?lang=fr", "", "", "vi"},
		{"/", "en", "", "en"},
		{"/", "", "en-GB,en;q=0.9", "en"},
		{"/", "", "fr-FR,vi;q=0.8", "vi"},
		{"/?lang=vi", "en", "en", "vi"},
	} {
		r := httptest.NewRequest("GET", tt.url, nil)
		if tt.cookie != "" {
			r.Header.Set("Cookie", "lang="+tt.cookie)
		}
		if tt.accept != "" {
			r.Header.Set("Accept-Language", tt.accept)
		}
		if got := FromRequest(r); got != tt.want {
			t.Errorf("%s cookie=%q accept=%q: got %s, want %s", tt.url, tt.cookie, tt.accept, got, tt.want)
		}
	}
}
