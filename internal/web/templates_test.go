package web_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"ocop/internal/apptest"
)

// TestTemplatesParse checks that every page template in templates/ was
// parsed at start-up (web.New fails on a template that does not parse).
func TestTemplatesParse(t *testing.T) {
	e := apptest.New(t, "sqlite")
	files, err := filepath.Glob("templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, f := range files {
		if name := strings.TrimSuffix(filepath.Base(f), ".html"); name != "layout" {
			want = append(want, name)
		}
	}
	got := e.App.Web.Templates()
	sort.Strings(want)
	sort.Strings(got)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("parsed templates:\n got %v\nwant %v", got, want)
	}
	if len(want) < 20 {
		t.Errorf("only %d page templates found", len(want))
	}
	if _, err := os.Stat("templates/partials/common.html"); err != nil {
		t.Error(err)
	}
}
