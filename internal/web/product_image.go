package web

import (
	"errors"
	"net/http"

	"ocop/internal/apperr"
)

// productImageAdd attaches an uploaded photo to a product. The type is
// checked by content (JPEG or PNG) and the size against the configured
// limit by the registry; a refused file re-renders the product page with
// the reason next to the upload field.
func (s *Server) productImageAdd(w http.ResponseWriter, r *http.Request) error {
	if r.MultipartForm != nil {
		// The CSRF check parsed the form on a copy of the request that the
		// server does not clean up: remove the spooled temporary files here.
		defer r.MultipartForm.RemoveAll()
	}
	p, err := need(r, productEditors...)
	if err != nil {
		return err
	}
	x, err := s.editableProduct(r, p)
	if err != nil {
		return err
	}
	fail := func(err error) error {
		d, derr := s.productShowData(r, p, x)
		if derr != nil {
			return derr
		}
		return s.formError(w, r, "product_show", "product.page_show", d, err)
	}
	f, _, err := r.FormFile("image")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return fail(apperr.Fields(apperr.Field("image", "err.upload_too_large", s.MaxUpload>>20)))
		}
		return fail(apperr.Fields(apperr.Field("image", "product.err_image_required")))
	}
	defer f.Close()
	if _, err := s.Registry.AddImage(r.Context(), p, x.ID, f, r.FormValue("caption")); err != nil {
		return fail(err)
	}
	return s.redirect(w, r, "/admin/products/"+itoa64(x.ID)+"#images", "product.flash_image_added")
}

// productImageDelete detaches a photo from a product.
func (s *Server) productImageDelete(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, productEditors...)
	if err != nil {
		return err
	}
	x, err := s.editableProduct(r, p)
	if err != nil {
		return err
	}
	if err := s.Registry.RemoveImage(r.Context(), p, x.ID, r.PathValue("hash")); err != nil {
		return err
	}
	return s.redirect(w, r, "/admin/products/"+itoa64(x.ID)+"#images", "product.flash_image_removed")
}
