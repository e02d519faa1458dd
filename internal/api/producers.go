package api

import (
	"net/http"
	"strconv"

	"ocop/internal/apperr"
	"ocop/internal/registry"
)

// ListProducers answers GET /api/v1/producers: active producers for
// anyone, with q, kind, commune, legacy_district, women_led,
// ethnic_minority_led, page and per_page; with scope=managed, the
// producers the caller manages, drafts included.
func (a *API) ListProducers(w http.ResponseWriter, r *http.Request) error {
	q := newParams(r)
	f := registry.ProducerFilter{
		Query: q.str("q"), Kind: q.oneOf("kind", registry.ProducerKinds...),
		CommuneCode: a.commune(q, "commune"), LegacyDistrict: a.oldDistrict(q, "legacy_district"),
	}
	if b := q.boolean("women_led"); b != nil {
		f.WomenLed = *b
	}
	if b := q.boolean("ethnic_minority_led"); b != nil {
		f.EthnicMinority = *b
	}
	managed, status := q.scope(r)
	f.Page, f.PerPage = q.page(defaultPerPage)
	if err := q.err(); err != nil {
		return err
	}
	p, err := managedCaller(r, managed)
	if err != nil {
		return err
	}
	f.Public, f.Status = !managed, status
	res, err := a.Registry.ListProducers(r.Context(), p, f)
	if err != nil {
		return err
	}
	return read(w, r, nonNil(res))
}

// GetProducer answers GET /api/v1/producers/{id}: the record as the caller
// may see it in the back office, else the public record, else 404.
func (a *API) GetProducer(w http.ResponseWriter, r *http.Request) error {
	return getScoped(w, r, a.Registry.Producer, a.Registry.PublicProducer)
}

// CreateProducer answers POST /api/v1/producers (province staff anywhere,
// commune officers in their communes).
func (a *API) CreateProducer(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAuth(r)
	if err != nil {
		return err
	}
	var in registry.ProducerInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	x, err := a.Registry.CreateProducer(r.Context(), p, in)
	if err != nil {
		return err
	}
	return written(w, http.StatusCreated, "/api/v1/producers/"+strconv.FormatInt(x.ID, 10), x)
}

// UpdateProducer answers PUT /api/v1/producers/{id}: the body replaces the
// record and carries the version it was based on (409 when stale).
func (a *API) UpdateProducer(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAuth(r)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in registry.ProducerInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Version <= 0 {
		return apperr.Fields(apperr.Field("version", "api.version_required"))
	}
	x, err := a.Registry.UpdateProducer(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	return written(w, http.StatusOK, "", x)
}
