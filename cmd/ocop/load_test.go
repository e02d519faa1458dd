package main

import (
	"strings"
	"testing"

	"ocop/internal/apptest"
	"ocop/internal/db"
)

// TestLoadCommandShort runs the load command's short form (as CI does) on
// an empty database, which it fills with the demo data (stamps included):
// it measures capacity, drives the verification, search and product pages
// and reports zero errors and a flat heap.
func TestLoadCommandShort(t *testing.T) {
	e := apptest.New(t, db.SQLite)
	env := map[string]string{"OCOP_DATABASE_URL": e.App.DB.Location, "OCOP_DATA_DIR": t.TempDir()}
	out, errOut, err := runCLI(t, env, "", "load", "--duration", "2s", "--capacity-time", "1s", "--workers", "2")
	if err != nil {
		t.Fatalf("load: %v\n%s\n%s", err, out, errOut)
	}
	for _, want := range []string{"loading demo data", "target verify", "target product", "target search", "capacity:", "sustained:", "result: zero errors, memory flat"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if _, _, err := runCLI(t, env, "", "load", "--rate", "1.5"); err == nil || exitCode(err) != 2 {
		t.Errorf("--rate 1.5: %v", err)
	}
}
