package api

import (
	"errors"
	"net/http"
	"strconv"

	"ocop/internal/apperr"
	"ocop/internal/market"
	"ocop/internal/registry"
)

// photoPage lists a sale point's photos.
type photoPage struct {
	Items []registry.Image `json:"items"`
}

// photoUpload documents the multipart body of a photo upload; the handler
// reads the form itself.
type photoUpload struct {
	Image   string `json:"image"`
	Caption string `json:"caption,omitempty"`
}

// AddSalePointPhoto answers POST /api/v1/sale-points/{id}/photos: the
// office or the point's operator uploads a photo as multipart/form-data
// (field image, optional caption). The registry checks the file: a JPEG or
// PNG by content, within the upload limit (413 beyond it) and the pixel
// limit; a refused file writes nothing.
func (a *API) AddSalePointPhoto(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAuth(r)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	// Refuse callers outside the point before reading the body.
	ok, err := a.Market.CanEditPhotos(r.Context(), p, id)
	if err != nil {
		return err
	}
	if !ok {
		if _, err := a.Market.SalePoint(r.Context(), p, id); err != nil {
			return err
		}
		return apperr.New(apperr.Forbidden, "err.out_of_scope")
	}
	limit := a.Registry.MaxUpload()
	tooLarge := &apperr.Error{Code: apperr.Invalid, Key: keyTooLarge,
		Fields: []apperr.FieldError{apperr.Field("image", "err.upload_too_large", limit>>20)}}
	// The form's other fields and the multipart framing get 1 MB besides
	// the file (the web middleware's envelope for sessions).
	if r.ContentLength > limit+1<<20 {
		return tooLarge
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tooLarge
		}
		if errors.Is(err, http.ErrNotMultipart) {
			return apperr.Fields(apperr.Field("image", "market.photo_err_required"))
		}
		return apperr.Wrap(apperr.Invalid, err, "err.upload_read")
	}
	defer r.MultipartForm.RemoveAll()
	f, _, err := r.FormFile("image")
	if err != nil {
		return apperr.Fields(apperr.Field("image", "market.photo_err_required"))
	}
	defer f.Close()
	im, err := a.Market.AddPhoto(r.Context(), p, id, f, r.FormValue("caption"))
	if err != nil {
		if e := apperr.As(err); e != nil {
			for _, fe := range e.Fields {
				if fe.Key == "err.upload_too_large" {
					return tooLarge
				}
			}
		}
		return err
	}
	return written(w, http.StatusCreated, "/media/"+im.Hash, im)
}

// RemoveSalePointPhoto answers DELETE /api/v1/sale-points/{id}/photos/{hash}
// with the photos left.
func (a *API) RemoveSalePointPhoto(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAuth(r)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := a.Market.RemovePhoto(r.Context(), p, id, r.PathValue("hash")); err != nil {
		return err
	}
	items, err := a.Market.Photos(r.Context(), id)
	if err != nil {
		return err
	}
	return written(w, http.StatusOK, "", photoPage{Items: list(items)})
}

// UpdateSalePointPhoto answers PUT /api/v1/sale-points/{id}/photos/{hash}:
// the caption, and first: true to make it the gallery's first; the photos
// in their new order.
func (a *API) UpdateSalePointPhoto(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAuth(r)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var c market.PhotoChange
	if err := decode(w, r, &c); err != nil {
		return err
	}
	if err := a.Market.UpdatePhoto(r.Context(), p, id, r.PathValue("hash"), c); err != nil {
		return err
	}
	items, err := a.Market.Photos(r.Context(), id)
	if err != nil {
		return err
	}
	return written(w, http.StatusOK, "", photoPage{Items: items})
}

// photoOperations are the sale-point photo endpoints.
func photoOperations() []operation {
	most := strconv.Itoa(market.MaxPhotosPerPoint)
	return []operation{
		{method: "POST", path: "/api/v1/sale-points/{id}/photos", id: "addSalePointPhoto", tag: "market",
			summary: "Upload a photo of a sale point",
			desc: "The office or the point's operator. multipart/form-data with the file in image (a JPEG or PNG, checked by content " +
				"whatever its name or declared type; at most the server's upload limit, 8 MB by default, else 413; at most 40 million pixels) " +
				"and an optional caption (alt text on the pages). At most " + most + " photos per point. The photo is stored once by content hash " +
				"and served at /media/{hash} (Location); a file that is refused writes nothing.",
			params: []string{"id", "csrf"}, form: "SalePointPhotoUpload", status: 201, result: "Image", auth: true,
			errs: []string{"Invalid", "Unauthenticated", "Forbidden", "NotFound", "TooLarge"}},
		{method: "DELETE", path: "/api/v1/sale-points/{id}/photos/{hash}", id: "removeSalePointPhoto", tag: "market",
			summary: "Remove a photo from a sale point", desc: "The office or the point's operator. Answers the photos left, in their order.",
			params: []string{"id", "media_hash", "csrf"}, status: 200, result: "SalePointPhotoPage", auth: true,
			errs: []string{"Unauthenticated", "Forbidden", "NotFound"}},
		{method: "PUT", path: "/api/v1/sale-points/{id}/photos/{hash}", id: "updateSalePointPhoto", tag: "market",
			summary: "Change a photo's caption or make it the first", desc: "The office or the point's operator. Answers the photos in their new order.",
			params: []string{"id", "media_hash", "csrf"}, body: "SalePointPhotoChange", status: 200, result: "SalePointPhotoPage", auth: true,
			errs: []string{"Invalid", "Unauthenticated", "Forbidden", "NotFound", "TooLarge"}},
	}
}

// photoNotes describes the photo schemas' fields.
func photoNotes() map[string]note {
	return map[string]note{
		"SalePoint.photos":             {desc: "The point's photos in their order (a single point only; lists leave it out). Each is at /media/{hash}."},
		"SalePointPhotoUpload":         {desc: "The multipart/form-data body of a photo upload."},
		"SalePointPhotoUpload.image":   {desc: "The image file: JPEG or PNG, checked by content.", format: "binary"},
		"SalePointPhotoUpload.caption": {desc: "Up to 300 characters; the alt text of the photo on the pages."},
		"SalePointPhotoPage.items":     {desc: "The point's photos in their order."},
		"SalePointPhotoChange.caption": {desc: "Up to 300 characters; empty removes the caption."},
		"SalePointPhotoChange.first":   {desc: "true: the photo becomes the gallery's first (the cover)."},
	}
}

// photoSchemas defines the photo schemas.
func photoSchemas(s *schemaSet) {
	s.define("SalePointPhotoUpload", photoUpload{}, true, "image")
	s.define("SalePointPhotoPage", photoPage{}, false)
	s.define("SalePointPhotoChange", market.PhotoChange{}, true)
}

// photoParameters lists the photo endpoints' path parameters.
func photoParameters() map[string]any {
	return map[string]any{
		"media_hash": map[string]any{"name": "hash", "in": "path", "required": true, "description": "The photo's media hash (SHA-256, 64 hex digits).",
			"schema": map[string]any{"type": "string", "pattern": "^[0-9a-f]{64}$"}},
	}
}
