package web

import (
	"net/http"
	"os"
)

// mediaGet serves an uploaded image by its content hash.
func (s *Server) mediaGet(w http.ResponseWriter, r *http.Request) error {
	hash := r.PathValue("hash")
	path := s.Registry.MediaPath(hash)
	if path == "" {
		return s.notFound(w, r)
	}
	ct, err := s.Registry.MediaType(r.Context(), hash)
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return s.notFound(w, r)
	}
	defer f.Close()
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("Content-Disposition", "inline")
	http.ServeContent(w, r, "", fileTime(f), f)
	return nil
}
