package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFS embed.FS

// staticFiles serves the embedded CSS, JS and images with content-hash
// URLs so that browsers may cache them for a year.
type staticFiles struct {
	hash  map[string]string
	files map[string][]byte
}

func loadStatic() (*staticFiles, error) {
	sf := &staticFiles{hash: map[string]string{}, files: map[string][]byte{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(b)
		sf.hash[name] = hex.EncodeToString(sum[:6])
		sf.files[name] = b
		return nil
	})
	return sf, err
}

func (sf *staticFiles) url(name string) string {
	return "/static/" + name + "?v=" + sf.hash[name]
}

func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("path")
	b, ok := s.static.files[name]
	if !ok {
		return s.notFound(w, r)
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = http.DetectContentType(b)
	}
	w.Header().Set("Content-Type", ct)
	if r.URL.Query().Get("v") == s.static.hash[name] {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "public, max-age=300")
	}
	_, err := w.Write(b)
	return err
}
