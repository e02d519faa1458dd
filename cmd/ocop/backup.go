package main

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"ocop/internal/app"
	"ocop/internal/db"
)

// backupFormat names the archive layout; restore refuses other formats.
const backupFormat = "ocop-backup/1"

// manifest is MANIFEST.json, the first entry of a backup archive.
type manifest struct {
	Format        string    `json:"format"`
	Created       time.Time `json:"created"`
	Engine        string    `json:"engine"`
	SchemaVersion int       `json:"schema_version"`
	OcopVersion   string    `json:"ocop_version"`
	Database      bool      `json:"database"` // the archive holds ocop.db
	MediaFiles    int       `json:"media_files"`
}

// cmdBackup runs "ocop backup -o FILE": a consistent online copy of the
// SQLite database (VACUUM INTO, while the platform keeps serving) and the
// uploaded files, in one .tar.gz. On PostgreSQL it archives the uploaded
// files and says how to dump the database with pg_dump.
func cmdBackup(ctx context.Context, e env, args []string) error {
	var out string
	cfg, err := parseConfig(e, "backup", args, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "o", "", "archive to write (.tar.gz); required")
	})
	if err != nil {
		return err
	}
	if out == "" {
		return usageErr("usage: ocop backup -o FILE.tar.gz [--db …] [--data-dir …]")
	}
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("%s already exists: choose another name", out)
	}
	d, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer d.Close()
	m := manifest{Format: backupFormat, Created: time.Now().UTC().Truncate(time.Second), Engine: string(d.Dialect()), OcopVersion: version}
	if m.SchemaVersion, err = d.SchemaVersion(ctx); err != nil {
		return err
	}
	tmpDir, err := os.MkdirTemp(filepath.Dir(out), ".ocop-backup-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmpDir)
	snapshot := ""
	if d.Dialect() == db.SQLite {
		snapshot = filepath.Join(tmpDir, "ocop.db")
		if err := d.SnapshotTo(ctx, snapshot); err != nil {
			return err
		}
		if err := db.CheckSQLiteFile(ctx, snapshot); err != nil {
			return err
		}
		m.Database = true
	}
	mediaDir := filepath.Join(cfg.DataDir, "media")
	var media []string
	err = filepath.WalkDir(mediaDir, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == mediaDir {
				return filepath.SkipDir
			}
			return err
		}
		if de.Type().IsRegular() {
			media = append(media, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	m.MediaFiles = len(media)

	partial := out + ".partial"
	f, err := os.OpenFile(partial, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer os.Remove(partial)
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	mj, _ := json.MarshalIndent(m, "", "  ")
	if err := writeTarBytes(tw, "MANIFEST.json", mj, m.Created); err != nil {
		return err
	}
	if snapshot != "" {
		if err := writeTarFile(tw, "ocop.db", snapshot); err != nil {
			return err
		}
	}
	for _, p := range media {
		rel, err := filepath.Rel(mediaDir, p)
		if err != nil {
			return err
		}
		if err := writeTarFile(tw, "media/"+filepath.ToSlash(rel), p); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := gz.Close(); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(partial, out); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backup written to %s (%s, schema %d, %d media files)\n", out, m.Engine, m.SchemaVersion, m.MediaFiles)
	if d.Dialect() == db.Postgres {
		fmt.Fprintf(e.stdout, "the PostgreSQL database itself is not in the archive: dump it with\n  pg_dump --format=custom --file=ocop.pgdump \"$OCOP_DATABASE_URL\"\n")
	}
	return nil
}

func writeTarBytes(tw *tar.Writer, name string, b []byte, mod time.Time) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(b)), ModTime: mod, Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	_, err := tw.Write(b)
	return err
}

func writeTarFile(tw *tar.Writer, name, src string) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: st.Size(), ModTime: st.ModTime().UTC(), Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	_, err = io.Copy(tw, f)
	return err
}

// cmdRestore runs "ocop restore -i FILE": it checks the archive (format,
// paths, the database's integrity) in a scratch directory before touching
// anything, then puts the SQLite database in place (keeping the one it
// replaces as FILE.before-restore-TIME), adds the uploaded files and
// migrates the schema if the backup is older than the binary. The server
// must be stopped.
func cmdRestore(ctx context.Context, e env, args []string) error {
	var in string
	var force bool
	cfg, err := parseConfig(e, "restore", args, func(fs *flag.FlagSet) {
		fs.StringVar(&in, "i", "", "archive written by ocop backup; required")
		fs.BoolVar(&force, "force", false, "replace an existing database (it is kept as *.before-restore-TIME)")
	})
	if err != nil {
		return err
	}
	if in == "" {
		return usageErr("usage: ocop restore -i FILE.tar.gz [--force] [--db …] [--data-dir …]")
	}
	pg := strings.HasPrefix(cfg.DatabaseURL, "postgres://") || strings.HasPrefix(cfg.DatabaseURL, "postgresql://")
	dbPath := ""
	if !pg {
		dbPath = strings.TrimPrefix(strings.TrimPrefix(cfg.DatabaseURL, "sqlite:"), "file:")
		if i := strings.IndexByte(dbPath, '?'); i >= 0 {
			dbPath = dbPath[:i]
		}
		if _, err := os.Stat(dbPath); err == nil && !force {
			return fmt.Errorf("%s exists: stop the server and pass --force to replace it (the old file is kept)", dbPath)
		}
		if err := os.MkdirAll(filepath.Dir(dbPath), 0o750); err != nil {
			return err
		}
	}
	scratchParent := cfg.DataDir
	if dbPath != "" {
		scratchParent = filepath.Dir(dbPath)
	}
	if err := os.MkdirAll(scratchParent, 0o750); err != nil {
		return err
	}
	scratch, err := os.MkdirTemp(scratchParent, ".ocop-restore-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)
	m, err := extractBackup(in, scratch)
	if err != nil {
		return err
	}
	switch {
	case pg && m.Database:
		return fmt.Errorf("%s holds a SQLite database; PostgreSQL is restored with pg_restore, and records move between engines with ocop export/import", in)
	case !pg && !m.Database:
		return fmt.Errorf("%s holds no database (it was taken on %s): restore the database with pg_restore", in, m.Engine)
	}
	if m.Database {
		snap := filepath.Join(scratch, "ocop.db")
		if err := db.CheckSQLiteFile(ctx, snap); err != nil {
			return fmt.Errorf("the backup's database is damaged, nothing was changed: %w", err)
		}
		if _, err := os.Stat(dbPath); err == nil {
			keep := dbPath + ".before-restore-" + time.Now().UTC().Format("20060102T150405Z")
			if err := os.Rename(dbPath, keep); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "the database it replaces is kept as %s\n", keep)
		}
		for _, suffix := range []string{"-wal", "-shm"} {
			if err := os.Remove(dbPath + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
		if err := os.Rename(snap, dbPath); err != nil {
			return err
		}
	}
	// Media files are named by their content hash: adding them to the
	// directory never overwrites a different file.
	mediaDst := filepath.Join(cfg.DataDir, "media")
	srcMedia := filepath.Join(scratch, "media")
	n := 0
	err = filepath.WalkDir(srcMedia, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == srcMedia {
				return filepath.SkipDir
			}
			return err
		}
		if !de.Type().IsRegular() {
			return nil
		}
		rel, _ := filepath.Rel(srcMedia, p)
		dst := filepath.Join(mediaDst, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
			return err
		}
		n++
		return os.Rename(p, dst)
	})
	if err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, app.NewLogger(cfg, e.stderr), app.Options{Migrate: true})
	if err != nil {
		return fmt.Errorf("restored, but opening it failed: %w", err)
	}
	defer a.Close()
	v, err := a.DB.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "restored %s (taken %s on %s, schema %d → %d, %d media files)\n",
		in, m.Created.Format(time.RFC3339), m.Engine, m.SchemaVersion, v, n)
	return nil
}

// extractBackup unpacks a backup archive into dir, refusing anything but
// MANIFEST.json, ocop.db and regular files under media/ with clean
// relative names.
func extractBackup(in, dir string) (manifest, error) {
	var m manifest
	f, err := os.Open(in)
	if err != nil {
		return m, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return m, fmt.Errorf("%s is not an ocop backup (not gzip): %w", in, err)
	}
	tr := tar.NewReader(gz)
	seenManifest := false
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return m, fmt.Errorf("%s is damaged: %w", in, err)
		}
		name := h.Name
		clean := path.Clean(name)
		if h.Typeflag != tar.TypeReg || clean != name || path.IsAbs(name) || strings.HasPrefix(clean, "../") || clean == ".." ||
			!(name == "MANIFEST.json" || name == "ocop.db" || (strings.HasPrefix(name, "media/") && len(name) > len("media/"))) {
			return m, fmt.Errorf("%s holds an unexpected entry %q: not an ocop backup", in, name)
		}
		if name == "MANIFEST.json" {
			b, err := io.ReadAll(io.LimitReader(tr, 1<<16))
			if err != nil {
				return m, err
			}
			if err := json.Unmarshal(b, &m); err != nil || m.Format != backupFormat {
				return m, fmt.Errorf("%s is not an ocop backup (manifest format %q)", in, m.Format)
			}
			seenManifest = true
			continue
		}
		if !seenManifest {
			return m, fmt.Errorf("%s is not an ocop backup (no manifest first)", in)
		}
		dst := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
			return m, err
		}
		w, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return m, err
		}
		if _, err := io.Copy(w, tr); err != nil {
			w.Close()
			return m, fmt.Errorf("%s is damaged: %w", in, err)
		}
		if err := w.Close(); err != nil {
			return m, err
		}
	}
	if !seenManifest {
		return m, fmt.Errorf("%s is not an ocop backup (no manifest)", in)
	}
	if m.Database {
		if _, err := os.Stat(filepath.Join(dir, "ocop.db")); err != nil {
			return m, fmt.Errorf("%s is incomplete: the manifest announces a database the archive does not hold", in)
		}
	}
	return m, nil
}
