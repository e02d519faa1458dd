package web

import (
	"compress/gzip"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// gzipPool recycles compressors: a gzip.Writer holds about 800 KB of
// state, too much to allocate per response.
var gzipPool = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return w
}}

// minCompress is the smallest body worth compressing: a page that fits
// in the first round trip of a TCP connection (initial window of ten
// packets) gains nothing on the wire, and its compression would cost more
// CPU than building it (the stamp verification page is about 3 KB).
const minCompress = 8 << 10

// compress gzips text responses (HTML, CSS, JavaScript, JSON, GeoJSON,
// XML, SVG, CSV) for clients that accept it: a product page with its map
// script shrinks from about 185 KB to about 60 KB on a phone's connection.
// Range requests, HEAD, and bodies already encoded pass through.
func (s *Server) compress(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead || r.Header.Get("Range") != "" || !acceptsGzip(r.Header.Get("Accept-Encoding")) {
			next.ServeHTTP(w, r)
			return
		}
		gw := &gzipWriter{ResponseWriter: w}
		defer gw.close()
		next.ServeHTTP(gw, r)
	})
}

// acceptsGzip reads Accept-Encoding, honouring q=0.
func acceptsGzip(h string) bool {
	for part := range strings.SplitSeq(h, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		if q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
			if v, err := strconv.ParseFloat(q, 64); err == nil && v == 0 {
				return false
			}
		}
		return true
	}
	return false
}

func compressible(ct string) bool {
	ct = strings.ToLower(ct)
	return strings.HasPrefix(ct, "text/") || strings.Contains(ct, "json") || strings.Contains(ct, "javascript") ||
		strings.Contains(ct, "xml") || strings.Contains(ct, "svg")
}

// gzipWriter decides at the first Write (or at the end, for an empty
// body) whether to compress, from the status, the headers the handler set
// and the size of the body: the status line is held back until then.
type gzipWriter struct {
	http.ResponseWriter
	gz      *gzip.Writer
	code    int // status held back by WriteHeader
	decided bool
}

func (g *gzipWriter) decide(n int) {
	g.decided = true
	code := g.code
	if code == 0 {
		code = http.StatusOK
	}
	h := g.Header()
	if compressible(h.Get("Content-Type")) {
		h.Add("Vary", "Accept-Encoding")
	}
	if cl := h.Get("Content-Length"); cl != "" {
		if v, err := strconv.Atoi(cl); err == nil {
			n = v
		}
	}
	if compressible(h.Get("Content-Type")) && code >= 200 && code != http.StatusNoContent && code != http.StatusNotModified &&
		h.Get("Content-Encoding") == "" && n >= minCompress {
		h.Del("Content-Length")
		h.Set("Content-Encoding", "gzip")
		g.gz = gzipPool.Get().(*gzip.Writer)
		g.gz.Reset(g.ResponseWriter)
	}
	g.ResponseWriter.WriteHeader(code)
}

// WriteHeader implements http.ResponseWriter; the status is sent with the
// first byte of the body.
func (g *gzipWriter) WriteHeader(code int) {
	if g.decided {
		return
	}
	if code >= 100 && code < 200 {
		g.ResponseWriter.WriteHeader(code)
		return
	}
	g.code = code
}

// Write implements http.ResponseWriter.
func (g *gzipWriter) Write(b []byte) (int, error) {
	if !g.decided {
		if g.Header().Get("Content-Type") == "" {
			g.Header().Set("Content-Type", http.DetectContentType(b))
		}
		g.decide(len(b))
	}
	if g.gz != nil {
		return g.gz.Write(b)
	}
	return g.ResponseWriter.Write(b)
}

// Flush sends what is buffered (streamed responses); a stream of unknown
// length is compressed.
func (g *gzipWriter) Flush() {
	if !g.decided {
		g.decide(minCompress)
	}
	if g.gz != nil {
		g.gz.Flush()
	}
	http.NewResponseController(g.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the connection.
func (g *gzipWriter) Unwrap() http.ResponseWriter { return g.ResponseWriter }

func (g *gzipWriter) close() {
	if !g.decided && g.code != 0 {
		g.decide(0)
	}
	if g.gz != nil {
		g.gz.Close()
		g.gz.Reset(nil)
		gzipPool.Put(g.gz)
		g.gz = nil
	}
}
