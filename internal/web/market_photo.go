package web

import (
	"errors"
	"net/http"

	"ocop/internal/apperr"
	"ocop/internal/market"
)

// marketPhotoAdd attaches an uploaded photo to a sale point (the office or
// the point's operator). The registry checks the file (JPEG or PNG by
// content, the size limit, the pixel limit); a refused file re-renders the
// point's page with the reason next to the upload field and writes nothing.
func (s *Server) marketPhotoAdd(w http.ResponseWriter, r *http.Request) error {
	if r.MultipartForm != nil {
		// The CSRF check parsed the form on a copy of the request that the
		// server does not clean up: remove the spooled temporary files here.
		defer r.MultipartForm.RemoveAll()
	}
	pg, p, err := s.pointPageFor(r)
	if err != nil {
		return err
	}
	fail := func(err error) error {
		return s.formError(w, r, "market_point_form", "market.page_point", pg, err)
	}
	f, _, err := r.FormFile("image")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return fail(apperr.Fields(apperr.Field("image", "err.upload_too_large", s.MaxUpload>>20)))
		}
		return fail(apperr.Fields(apperr.Field("image", "market.photo_err_required")))
	}
	defer f.Close()
	if _, err := s.Market.AddPhoto(r.Context(), p, pg.Point.ID, f, r.FormValue("caption")); err != nil {
		return fail(err)
	}
	return s.redirect(w, r, "/admin/sale-points/"+itoa64(pg.Point.ID)+"#photos", "market.photo_flash_added")
}

// marketPhotoDelete detaches a photo from a sale point.
func (s *Server) marketPhotoDelete(w http.ResponseWriter, r *http.Request) error {
	pg, p, err := s.pointPageFor(r)
	if err != nil {
		return err
	}
	if err := s.Market.RemovePhoto(r.Context(), p, pg.Point.ID, r.PathValue("hash")); err != nil {
		return err
	}
	return s.redirect(w, r, "/admin/sale-points/"+itoa64(pg.Point.ID)+"#photos", "market.photo_flash_removed")
}

// marketPhotoUpdate changes a photo's caption or makes it the cover.
func (s *Server) marketPhotoUpdate(w http.ResponseWriter, r *http.Request) error {
	pg, p, err := s.pointPageFor(r)
	if err != nil {
		return err
	}
	c := market.PhotoChange{Caption: r.PostFormValue("caption"), First: r.PostFormValue("first") == "1"}
	if err := s.Market.UpdatePhoto(r.Context(), p, pg.Point.ID, r.PathValue("hash"), c); err != nil {
		if apperr.Is(err, apperr.Invalid) {
			return s.formError(w, r, "market_point_form", "market.page_point", pg, err)
		}
		return err
	}
	return s.redirect(w, r, "/admin/sale-points/"+itoa64(pg.Point.ID)+"#photos", "flash.saved")
}

// MaxPhotos is the gallery's bound, for the upload form's hint.
func (pointPage) MaxPhotos() int { return market.MaxPhotosPerPoint }
