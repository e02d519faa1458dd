package main

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ocop/internal/db"
)

// TestBackupRestoreRoundTrip takes an online backup of a SQLite platform
// while another connection holds an uncommitted write, restores it into a
// new place and checks that the committed records and uploaded files came
// back, the uncommitted one did not, and the database is sound.
func TestBackupRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := map[string]string{"OCOP_DATABASE_URL": filepath.Join(dir, "live", "ocop.db"), "OCOP_DATA_DIR": filepath.Join(dir, "live", "data")}
	if _, _, err := runCLI(t, src, "", "migrate"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCLI(t, src, "a-long-enough-password\n", "user", "add", "--username", "alice", "--role", "office"); err != nil {
		t.Fatal(err)
	}
	media := filepath.Join(src["OCOP_DATA_DIR"], "media", "ab", "abcdef.jpg")
	if err := os.MkdirAll(filepath.Dir(media), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(media, []byte("image bytes"), 0o600); err != nil {
		t.Fatal(err)
	}

	// Another process is writing: its transaction is open during the backup.
	live, err := db.Open(ctx, src["OCOP_DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	inTx := make(chan struct{})
	release := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- live.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.ExecContext(ctx, "INSERT INTO refdata (name, hash, loaded_at) VALUES ('uncommitted', 'x', ?)", time.Now().UTC()); err != nil {
				return err
			}
			close(inTx)
			<-release
			return nil
		})
	}()
	<-inTx
	archive := filepath.Join(dir, "backup.tar.gz")
	out, _, err := runCLI(t, src, "", "backup", "-o", archive)
	close(release)
	if err != nil || !strings.Contains(out, "1 media files") {
		t.Fatalf("backup: %q, %v", out, err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCLI(t, src, "", "backup", "-o", archive); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("backup over an existing file: %v", err)
	}

	dst := map[string]string{"OCOP_DATABASE_URL": filepath.Join(dir, "restored", "ocop.db"), "OCOP_DATA_DIR": filepath.Join(dir, "restored", "data")}
	out, _, err = runCLI(t, dst, "", "restore", "-i", archive)
	if err != nil || !strings.Contains(out, "restored") || !strings.Contains(out, "1 media files") {
		t.Fatalf("restore: %q, %v", out, err)
	}
	if err := db.CheckSQLiteFile(ctx, dst["OCOP_DATABASE_URL"]); err != nil {
		t.Fatal(err)
	}
	r, err := db.Open(ctx, dst["OCOP_DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	var users, uncommitted int
	r.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE username = 'alice'").Scan(&users)
	r.QueryRowContext(ctx, "SELECT COUNT(*) FROM refdata WHERE name = 'uncommitted'").Scan(&uncommitted)
	r.Close()
	if users != 1 || uncommitted != 0 {
		t.Errorf("restored: alice %d (want 1), uncommitted row %d (want 0)", users, uncommitted)
	}
	if b, err := os.ReadFile(filepath.Join(dst["OCOP_DATA_DIR"], "media", "ab", "abcdef.jpg")); err != nil || string(b) != "image bytes" {
		t.Errorf("media file: %q, %v", b, err)
	}

	// Restoring over a database needs --force and keeps the old file.
	if _, _, err := runCLI(t, dst, "", "restore", "-i", archive); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("restore over a database without --force: %v", err)
	}
	out, _, err = runCLI(t, dst, "", "restore", "-i", archive, "--force")
	if err != nil || !strings.Contains(out, "kept as") {
		t.Fatalf("restore --force: %q, %v", out, err)
	}
	kept, _ := filepath.Glob(dst["OCOP_DATABASE_URL"] + ".before-restore-*")
	if len(kept) != 1 {
		t.Errorf("kept files: %v", kept)
	}
}

// TestRestoreRefusesBadArchives: nothing is touched when the archive is not
// a sound ocop backup.
func TestRestoreRefusesBadArchives(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, entries map[string]string, order ...string) string {
		p := filepath.Join(dir, name)
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		gz := gzip.NewWriter(f)
		tw := tar.NewWriter(gz)
		for _, n := range order {
			tw.WriteHeader(&tar.Header{Name: n, Mode: 0o600, Size: int64(len(entries[n])), Typeflag: tar.TypeReg})
			tw.Write([]byte(entries[n]))
		}
		tw.Close()
		gz.Close()
		f.Close()
		return p
	}
	man := `{"format":"ocop-backup/1","engine":"sqlite","database":true}`
	notDB := filepath.Join(dir, "plain.txt")
	os.WriteFile(notDB, []byte("hello"), 0o600)
	for _, tt := range []struct {
		name, archive, want string
	}{
		{"not gzip", notDB, "not gzip"},
		{"traversal", write("t.tar.gz", map[string]string{"MANIFEST.json": man, "media/../../evil": "x"}, "MANIFEST.json", "media/../../evil"), "unexpected entry"},
		{"absolute", write("a.tar.gz", map[string]string{"MANIFEST.json": man, "/etc/passwd": "x"}, "MANIFEST.json", "/etc/passwd"), "unexpected entry"},
		{"no manifest", write("n.tar.gz", map[string]string{"ocop.db": "x"}, "ocop.db"), "no manifest"},
		{"foreign format", write("f.tar.gz", map[string]string{"MANIFEST.json": `{"format":"other"}`}, "MANIFEST.json"), "not an ocop backup"},
		{"missing database", write("m.tar.gz", map[string]string{"MANIFEST.json": man}, "MANIFEST.json"), "incomplete"},
		{"damaged database", write("d.tar.gz", map[string]string{"MANIFEST.json": man, "ocop.db": "not a database at all"}, "MANIFEST.json", "ocop.db"), "damaged"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"OCOP_DATABASE_URL": filepath.Join(dir, tt.name, "ocop.db"), "OCOP_DATA_DIR": filepath.Join(dir, tt.name, "data")}
			_, _, err := runCLI(t, env, "", "restore", "-i", tt.archive)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
			if _, err := os.Stat(env["OCOP_DATABASE_URL"]); err == nil {
				t.Errorf("a database was written despite the error")
			}
			if _, err := os.Stat(filepath.Join(dir, "evil")); err == nil {
				t.Errorf("an entry escaped the scratch directory")
			}
		})
	}
}

// TestBackupPostgres archives the uploaded files and points to pg_dump; a
// SQLite backup is refused by a PostgreSQL restore.
func TestBackupPostgres(t *testing.T) {
	u := os.Getenv("OCOP_TEST_POSTGRES_URL")
	if u == "" {
		t.Skip("OCOP_TEST_POSTGRES_URL not set")
	}
	dir := t.TempDir()
	env := map[string]string{"OCOP_DATABASE_URL": freshPostgres(t, u), "OCOP_DATA_DIR": filepath.Join(dir, "data")}
	if _, _, err := runCLI(t, env, "", "migrate"); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCLI(t, env, "", "backup", "-o", filepath.Join(dir, "pg.tar.gz"))
	if err != nil || !strings.Contains(out, "pg_dump") {
		t.Fatalf("backup: %q, %v", out, err)
	}
	sq := map[string]string{"OCOP_DATABASE_URL": filepath.Join(dir, "s.db"), "OCOP_DATA_DIR": filepath.Join(dir, "sdata")}
	if _, _, err := runCLI(t, sq, "", "migrate"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCLI(t, sq, "", "backup", "-o", filepath.Join(dir, "s.tar.gz")); err != nil {
		t.Fatal(err)
	}
	_, _, err = runCLI(t, env, "", "restore", "-i", filepath.Join(dir, "s.tar.gz"))
	if err == nil || !strings.Contains(err.Error(), "pg_restore") {
		t.Errorf("restoring a SQLite backup into PostgreSQL: %v", err)
	}
}
