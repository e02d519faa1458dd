package web

import (
	"math"
	"net/http"
	"strconv"
	"strings"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/registry"
	"ocop/internal/trace"
)

// traceRoles are the roles that keep trace records: the office, commune
// officers (their communes) and producers (their own).
var traceRoles = []account.Role{account.RoleAdmin, account.RoleOffice, account.RoleCommune, account.RoleProducer}

// traceHomePage is the trace back office's start page.
type traceHomePage struct {
	Areas    []trace.Area
	Lots     []trace.Lot
	Products []registry.Product
	Units    []string
}

func (s *Server) traceHomeData(r *http.Request, p *account.Principal) (traceHomePage, error) {
	var d traceHomePage
	var err error
	if d.Areas, err = s.Trace.ListAreas(r.Context(), p); err != nil {
		return d, err
	}
	if d.Lots, err = s.Trace.ListLots(r.Context(), p); err != nil {
		return d, err
	}
	pg, err := s.Registry.ListProducts(r.Context(), p, registry.ProductFilter{PerPage: 200})
	if err != nil {
		return d, err
	}
	d.Products, d.Units = pg.Items, trace.Units
	return d, nil
}

// traceHome lists the caller's raw-material areas and lots, with the
// forms that add them.
func (s *Server) traceHome(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, traceRoles...)
	if err != nil {
		return err
	}
	d, err := s.traceHomeData(r, p)
	if err != nil {
		return err
	}
	return s.page(w, r, "trace_home", "trace.page_home", d)
}

// traceFloat reads an optional decimal form value ("" is 0); a comma is
// read as the decimal point, as Vietnamese users type it.
func traceFloat(errs *apperr.Errs, field, v string) float64 {
	v = strings.ReplaceAll(strings.TrimSpace(v), ",", ".")
	if v == "" {
		return 0
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		errs.Add(field, "trace.err_number")
	}
	return f
}

// traceOptFloat reads an optional decimal form value (nil when empty).
func traceOptFloat(errs *apperr.Errs, field, v string) *float64 {
	if strings.TrimSpace(v) == "" {
		return nil
	}
	f := traceFloat(errs, field, v)
	return &f
}

func traceInt(v string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	return n
}

// traceInt32 reads a version or a stamp sequence number: beyond what an
// INTEGER column holds it is -1 (a stale version, an invalid range), never
// a value that PostgreSQL refuses to compare.
func traceInt32(v string) int {
	n := traceInt(v)
	if n < math.MinInt32 || n > math.MaxInt32 {
		return -1
	}
	return int(n)
}

// traceAreaForm reads the area form.
func traceAreaForm(r *http.Request) (trace.AreaInput, error) {
	f := r.PostForm
	var errs apperr.Errs
	in := trace.AreaInput{ProducerID: traceInt(f.Get("producer_id")), Name: f.Get("name"), Materials: f.Get("materials"),
		Outline: f.Get("outline"), Version: traceInt32(f.Get("version"))}
	in.Hectares = traceFloat(&errs, "hectares", f.Get("hectares"))
	in.Latitude = traceOptFloat(&errs, "latitude", f.Get("latitude"))
	in.Longitude = traceOptFloat(&errs, "latitude", f.Get("longitude"))
	if c := strings.TrimSpace(f.Get("cert_name")); c != "" {
		in.Certifications = []trace.Certification{{Name: c, Number: f.Get("cert_number"), ValidUntil: f.Get("cert_valid_until")}}
	}
	return in, errs.Err()
}

// traceAreaCreate records a raw-material area.
func (s *Server) traceAreaCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, traceRoles...)
	if err != nil {
		return err
	}
	in, err := traceAreaForm(r)
	if err == nil {
		var a trace.Area
		if a, err = s.Trace.CreateArea(r.Context(), p, in); err == nil {
			return s.redirect(w, r, "/trace/areas/"+itoa64(a.ID), "trace.flash_saved")
		}
	}
	d, derr := s.traceHomeData(r, p)
	if derr != nil {
		return derr
	}
	return s.formError(w, r, "trace_home", "trace.page_home", d, err)
}

// traceLotForm reads the lot form.
func traceLotForm(r *http.Request) (trace.LotForm, error) {
	f := r.PostForm
	var errs apperr.Errs
	in := trace.LotForm{ProductID: traceInt(f.Get("product_id")), Code: f.Get("code"), ProducedOn: f.Get("produced_on"), ExpiresOn: f.Get("expires_on"),
		Unit: f.Get("unit"), Standards: f.Get("standards"), Note: f.Get("note"), Version: traceInt32(f.Get("version"))}
	in.Quantity = traceFloat(&errs, "quantity", f.Get("quantity"))
	for _, v := range f["area_id"] {
		if id := traceInt(v); id > 0 {
			in.Inputs = append(in.Inputs, trace.LotInput{AreaID: id})
		}
	}
	for _, v := range f["input_lot"] {
		if id := traceInt(v); id > 0 {
			in.Inputs = append(in.Inputs, trace.LotInput{LotID: id})
		}
	}
	return in, errs.Err()
}

// traceLotCreate records a production lot.
func (s *Server) traceLotCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, traceRoles...)
	if err != nil {
		return err
	}
	in, err := traceLotForm(r)
	if err == nil {
		var l trace.Lot
		if l, err = s.Trace.CreateLot(r.Context(), p, in); err == nil {
			return s.redirect(w, r, "/trace/lots/"+itoa64(l.ID), "trace.flash_saved")
		}
	}
	d, derr := s.traceHomeData(r, p)
	if derr != nil {
		return derr
	}
	return s.formError(w, r, "trace_home", "trace.page_home", d, err)
}

// traceAreaPage is an area's page.
type traceAreaPage struct {
	A trace.Area
}

// traceAreaShow shows an area with its edit form.
func (s *Server) traceAreaShow(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, traceRoles...)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.Trace.Area(r.Context(), p, id)
	if err != nil {
		return err
	}
	return s.page(w, r, "trace_area", "trace.page_area", traceAreaPage{A: a})
}

// traceAreaUpdate saves the area form.
func (s *Server) traceAreaUpdate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, traceRoles...)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.Trace.Area(r.Context(), p, id)
	if err != nil {
		return err
	}
	in, err := traceAreaForm(r)
	if err == nil {
		if _, err = s.Trace.UpdateArea(r.Context(), p, id, in); err == nil {
			return s.redirect(w, r, "/trace/areas/"+itoa64(id), "trace.flash_saved")
		}
	}
	return s.formError(w, r, "trace_area", "trace.page_area", traceAreaPage{A: a}, err)
}
