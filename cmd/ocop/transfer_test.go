package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func writeCSV(t *testing.T, path string, rows [][]string) {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.WriteAll(rows)
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// The import, export and template commands, end to end through run() on a
// fresh SQLite file (and PostgreSQL when configured).
func TestTransferCommands(t *testing.T) {
	dbs := map[string]string{"sqlite": filepath.Join(t.TempDir(), "ocop.db")}
	if u := os.Getenv("OCOP_TEST_POSTGRES_URL"); u != "" {
		dbs["postgres"] = freshPostgres(t, u)
	}
	for name, dsn := range dbs {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			env := map[string]string{"OCOP_DATA_DIR": dir, "OCOP_LOG_LEVEL": "warn"}
			in := filepath.Join(dir, "producers.csv")
			writeCSV(t, in, [][]string{
				{"Tên chủ thể", "Loại hình", "Số đăng ký kinh doanh", "Mã xã/phường (mới)"},
				{"HTX Một", "Hợp tác xã", "0101111111", "00004"},
				{"", "Hợp tác xã", "", "00004"},
				{"HTX Ba", "Ngân hàng", "", "99999"},
			})
			// A dry run reports the errors in English and writes nothing.
			out, _, err := runCLI(t, env, "", "import", "--db", dsn, "--kind", "producers", "--file", in, "--dry-run")
			if err == nil || exitCode(err) != 1 {
				t.Fatalf("dry run with bad rows: err %v, want exit code 1\n%s", err, out)
			}
			for _, want := range []string{
				"producers from " + in + " (CSV): 3 rows, 1 valid, 2 failed",
				"dry run: nothing was written",
				"row 3, column Tên chủ thể: This field is required.",
				"row 4, column Loại hình: Choose the kind of producer.",
				"row 4, column Mã xã/phường (mới): There is no commune with code “99999”.",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("dry run output lacks %q:\n%s", want, out)
				}
			}
			exp := filepath.Join(dir, "export.csv")
			if _, _, err := runCLI(t, env, "", "export", "--db", dsn, "--kind", "producers", "-o", exp); err != nil {
				t.Fatal(err)
			}
			if b, _ := os.ReadFile(exp); strings.Contains(string(b), "HTX Một") {
				t.Errorf("the dry run wrote a producer:\n%s", b)
			}
			// The real run writes the valid row and still exits 1.
			out, _, err = runCLI(t, env, "", "import", "--db", dsn, "--kind", "producers", "--file", in)
			if exitCode(err) != 1 || !strings.Contains(out, "written: 1 created, 0 updated; 0 unchanged") {
				t.Fatalf("real run: %v\n%s", err, out)
			}
			// Export (format from the file name) and import the export back: no change, exit 0.
			if _, _, err := runCLI(t, env, "", "export", "--db", dsn, "--kind", "producers", "-o", exp); err != nil {
				t.Fatal(err)
			}
			b, _ := os.ReadFile(exp)
			if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBFID,Tên chủ thể,")) || !strings.Contains(string(b), "HTX Một") {
				t.Errorf("export:\n%s", b)
			}
			out, _, err = runCLI(t, env, "", "import", "--db", dsn, "--kind", "producers", "--file", exp)
			if err != nil || !strings.Contains(out, "1 rows, 1 valid, 0 failed") || !strings.Contains(out, "1 unchanged") {
				t.Errorf("re-import of the export: %v\n%s", err, out)
			}
			// XLSX export to stdout.
			out, _, err = runCLI(t, env, "", "export", "--db", dsn, "--kind", "products", "--format", "xlsx")
			if err != nil || !strings.HasPrefix(out, "PK") {
				t.Errorf("xlsx export to stdout: %v, starts %q", err, out[:min(len(out), 4)])
			}
			// A file that is not a spreadsheet: a message and exit 1.
			png := filepath.Join(dir, "photo.png")
			os.WriteFile(png, []byte("\x89PNG\r\n\x1a\n\x00\x00"), 0o600)
			_, _, err = runCLI(t, env, "", "import", "--db", dsn, "--kind", "producers", "--file", png)
			if exitCode(err) != 1 || !strings.Contains(err.Error(), "not an Excel workbook") {
				t.Errorf("PNG import: %v", err)
			}
		})
	}
}

func TestTemplateCommand(t *testing.T) {
	dir := t.TempDir()
	x := filepath.Join(dir, "mau.xlsx")
	if _, _, err := runCLI(t, nil, "", "template", "--kind", "products", "-o", x); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(x)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("Sản phẩm")
	if len(rows) != 2 || rows[0][0] != "Mã sản phẩm" || rows[1][0] != "Ví dụ" {
		t.Errorf("template rows: %v", rows)
	}
	out, _, err := runCLI(t, nil, "", "template", "--kind", "producers", "--format", "csv")
	if err != nil || !strings.HasPrefix(out, "\xEF\xBB\xBFID,Tên chủ thể,Loại hình,Số đăng ký kinh doanh") {
		t.Errorf("csv template: %v %q", err, out)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"template"}, "--kind must be producers or products"},
		{[]string{"template", "--kind", "producers", "--format", "pdf"}, "--format must be xlsx or csv"},
		{[]string{"import", "--kind", "producers"}, "--file is required"},
		{[]string{"export", "--kind", "users"}, "--kind must be"},
	} {
		_, _, err := runCLI(t, nil, "", tt.args...)
		if exitCode(err) != 2 || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ocop %v: %v, want usage error %q", tt.args, err, tt.want)
		}
	}
}
