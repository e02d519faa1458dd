package web

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	_ "image/png" // decode PNG uploads
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// catalogueWidths are the widths photos are served at: a phone list
// thumbnail, a card, a product page photo, a large screen or Open Graph.
var catalogueWidths = map[int]bool{160: true, 320: true, 640: true, 1024: true}

// resizeSlots bounds concurrent resizes (CPU): a burst of first views of
// new photos waits rather than starving the other requests.
var resizeSlots = make(chan struct{}, 2)

// catalogueImage serves a photo of a public product or of an operating
// sale point resized to a standard width (GET /media/{hash}/w/{width}), as
// JPEG. A variant is made once and kept next to the original
// (media/ab/<hash>.w320.jpg); originals are never enlarged.
func (s *Server) catalogueImage(w http.ResponseWriter, r *http.Request) error {
	hash := r.PathValue("hash")
	width, err := strconv.Atoi(r.PathValue("width"))
	src := s.Registry.MediaPath(hash)
	if err != nil || !catalogueWidths[width] || src == "" {
		return s.notFound(w, r)
	}
	ok, err := s.Catalogue.PublicImage(r.Context(), hash)
	if err == nil && !ok {
		ok, err = s.Market.PublicPhoto(r.Context(), hash) // photos of operating sale points
	}
	if err != nil {
		return err
	}
	if !ok {
		return s.notFound(w, r)
	}
	dst := src + ".w" + strconv.Itoa(width) + ".jpg"
	if _, err := os.Stat(dst); err != nil {
		select {
		case resizeSlots <- struct{}{}:
		case <-r.Context().Done():
			return r.Context().Err()
		}
		err := resizeFile(src, dst, width)
		<-resizeSlots
		if err != nil {
			return s.notFound(w, r)
		}
	}
	f, err := os.Open(dst)
	if err != nil {
		return s.notFound(w, r)
	}
	defer f.Close()
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(w, r, "", time.Time{}, f)
	return nil
}

// resizeFile writes src scaled to width (never enlarged) as a JPEG to dst,
// through a temporary file so a reader never sees half an image.
func resizeFile(src, dst string, width int) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	img, _, err := image.Decode(in)
	in.Close()
	if err != nil {
		return err
	}
	out := scaleBox(img, width)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: 80}); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".resize-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), dst)
}

// scaleBox scales img down to width pixels wide by averaging the source
// pixels each target pixel covers (a box filter: sharp enough for photos
// shrunk by 2× or more, and no dependency), over a white background for
// transparent PNGs.
func scaleBox(img image.Image, width int) *image.RGBA {
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	if width >= sw {
		width = sw
	}
	height := max(1, int(float64(sh)*float64(width)/float64(sw)+0.5))
	out := image.NewRGBA(image.Rect(0, 0, width, height))
	for y := 0; y < height; y++ {
		y0, y1 := b.Min.Y+y*sh/height, b.Min.Y+max((y+1)*sh/height, y*sh/height+1)
		for x := 0; x < width; x++ {
			x0, x1 := b.Min.X+x*sw/width, b.Min.X+max((x+1)*sw/width, x*sw/width+1)
			var r, g, bl, n uint64
			for sy := y0; sy < y1; sy++ {
				for sx := x0; sx < x1; sx++ {
					cr, cg, cb, ca := img.At(sx, sy).RGBA()
					// Composite over white.
					r += uint64(cr + (0xffff - ca))
					g += uint64(cg + (0xffff - ca))
					bl += uint64(cb + (0xffff - ca))
					n++
				}
			}
			out.SetRGBA(x, y, color.RGBA{uint8(r / n >> 8), uint8(g / n >> 8), uint8(bl / n >> 8), 0xff})
		}
	}
	return out
}
