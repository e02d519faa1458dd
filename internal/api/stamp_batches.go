package api

import (
	"bytes"
	"net"
	"net/http"
	"strconv"
	"strings"

	"ocop/internal/apperr"
	"ocop/internal/stamp"
)

// stampBatchPage is the list of batches.
type stampBatchPage struct {
	Items []stamp.Batch `json:"items"`
}

// stampActivation is the (empty) body of an activation.
type stampActivation struct{}

// stampDeactivated answers a deactivation.
type stampDeactivated struct {
	Batch  stamp.Batch `json:"batch"`
	Stamps int         `json:"stamps"`
}

// ListStampBatches answers GET /api/v1/stamp-batches: the batches the
// caller may see (office: all; commune officers: their communes; producers:
// their own), newest first.
func (a *API) ListStampBatches(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAuth(r)
	if err != nil {
		return err
	}
	q := newParams(r)
	f := stamp.BatchFilter{ProductID: q.id("product_id"), ProducerID: q.id("producer_id"), Commune: q.str("commune"),
		Status: q.oneOf("batch_status", stamp.BatchIssued, stamp.BatchActive, stamp.BatchDeactivated)}
	if err := q.err(); err != nil {
		return err
	}
	items, err := a.Stamps.ListBatches(r.Context(), p, f)
	if err != nil {
		return err
	}
	return read(w, r, stampBatchPage{Items: list(items)})
}

// CreateStampBatch answers POST /api/v1/stamp-batches: issue a batch.
func (a *API) CreateStampBatch(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAuth(r)
	if err != nil {
		return err
	}
	var in stamp.BatchInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	b, err := a.Stamps.Issue(r.Context(), p, in)
	if err != nil {
		return err
	}
	return written(w, http.StatusCreated, "/api/v1/stamp-batches/"+b.Code, b)
}

// GetStampBatch answers GET /api/v1/stamp-batches/{code}.
func (a *API) GetStampBatch(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAuth(r)
	if err != nil {
		return err
	}
	b, err := a.Stamps.Batch(r.Context(), p, r.PathValue("code"))
	if err != nil {
		return err
	}
	return read(w, r, b)
}

// ActivateStampBatch answers POST /api/v1/stamp-batches/{code}/activate.
func (a *API) ActivateStampBatch(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAuth(r)
	if err != nil {
		return err
	}
	var in stampActivation
	if err := decode(w, r, &in); err != nil {
		return err
	}
	b, err := a.Stamps.Activate(r.Context(), p, r.PathValue("code"))
	if err != nil {
		return err
	}
	return written(w, http.StatusOK, "", b)
}

// DeactivateStampBatch answers POST /api/v1/stamp-batches/{code}/deactivate:
// the whole batch (from = to = 0) or the stamps at positions from..to.
func (a *API) DeactivateStampBatch(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAuth(r)
	if err != nil {
		return err
	}
	var in stamp.Deactivation
	if err := decode(w, r, &in); err != nil {
		return err
	}
	b, n, err := a.Stamps.Deactivate(r.Context(), p, r.PathValue("code"), in)
	if err != nil {
		return err
	}
	return written(w, http.StatusOK, "", stampDeactivated{Batch: b, Stamps: n})
}

// StampBatchCodes answers GET /api/v1/stamp-batches/{code}/codes with the
// stamps as CSV for a printing house.
func (a *API) StampBatchCodes(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAuth(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	b, err := a.Stamps.WriteCSV(r.Context(), p, r.PathValue("code"), a.BaseURL, &buf)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+b.Code+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err = buf.WriteTo(w)
	return err
}

// VerifyStamp answers GET /api/v1/stamps/{serial}/verification for
// anyone: the same answer as the verification page, as JSON. Optional lat
// and lon share a coarse place for the counterfeit rules.
func (a *API) VerifyStamp(w http.ResponseWriter, r *http.Request) error {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	c := stamp.Client{Fingerprint: a.Stamps.Fingerprint(host, r.UserAgent())}
	q := r.URL.Query()
	if la, lo := strings.TrimSpace(q.Get("lat")), strings.TrimSpace(q.Get("lon")); la != "" || lo != "" {
		lat, err1 := strconv.ParseFloat(la, 64)
		lon, err2 := strconv.ParseFloat(lo, 64)
		pl, ok := stamp.Coarse(lat, lon)
		if err1 != nil || err2 != nil || !ok {
			return apperr.Fields(apperr.Field("lat", "stamp.err_place_coords"))
		}
		c.Place = pl
	}
	if blocked, wait := a.Stamps.Throttled(c.Fingerprint); blocked {
		return apperr.New(apperr.TooMany, "stamp.err_too_many", int(wait.Seconds()+0.999))
	}
	v, err := a.Stamps.Verify(r.Context(), r.PathValue("serial"), c)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return JSON(w, http.StatusOK, v)
}
