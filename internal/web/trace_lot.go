package web

import (
	"net/http"
	"strings"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/market"
	"ocop/internal/trace"
)

// traceLotPage is a lot's page: details, journey, event form, stamps,
// recall and where the lot went.
type traceLotPage struct {
	L         trace.Lot
	J         *trace.Journey
	Areas     []trace.Area
	Lots      []trace.Lot // other lots of the producer, as inputs
	Receivers []trace.Receiver
	// SalePoints are the operating sale points of the market module, for
	// a receiving event.
	SalePoints []market.MapPoint
	Steps      []string
	Units      []string
	Now        string
}

func (s *Server) traceLotData(r *http.Request, p *account.Principal, id int64) (traceLotPage, error) {
	d := traceLotPage{Steps: trace.Steps, Units: trace.Units, Now: s.Trace.Now().In(vietnam).Format("2006-01-02T15:04")}
	var err error
	if d.L, err = s.Trace.Lot(r.Context(), p, id); err != nil {
		return d, err
	}
	if d.J, err = s.Trace.Journey(r.Context(), id); err != nil {
		return d, err
	}
	if d.Receivers, err = s.Trace.Receivers(r.Context(), p, id); err != nil {
		return d, err
	}
	if s.Market != nil {
		if d.SalePoints, err = s.Market.MapPoints(r.Context()); err != nil {
			return d, err
		}
	}
	areas, err := s.Trace.ListAreas(r.Context(), p)
	if err != nil {
		return d, err
	}
	for _, a := range areas {
		if a.ProducerID == d.L.ProducerID {
			d.Areas = append(d.Areas, a)
		}
	}
	lots, err := s.Trace.ListLots(r.Context(), p)
	if err != nil {
		return d, err
	}
	for _, l := range lots {
		if l.ProducerID == d.L.ProducerID && l.ID != id {
			d.Lots = append(d.Lots, l)
		}
	}
	return d, nil
}

// HasInput reports whether the lot has the area or lot as an input.
func (d traceLotPage) HasInput(kind string, id int64) bool {
	for _, x := range d.L.Inputs {
		if (kind == "area" && x.AreaID == id) || (kind == "lot" && x.LotID == id) {
			return true
		}
	}
	return false
}

// traceLotShow shows a lot.
func (s *Server) traceLotShow(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, traceRoles...)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.traceLotData(r, p, id)
	if err != nil {
		return err
	}
	return s.page(w, r, "trace_lot", "trace.page_lot", d)
}

// traceLotAction runs a change to a lot and re-renders the lot page with
// its errors, or redirects back to it.
func (s *Server) traceLotAction(w http.ResponseWriter, r *http.Request, do func(p *account.Principal, id int64) error) error {
	p, err := need(r, traceRoles...)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.Trace.Lot(r.Context(), p, id); err != nil {
		return err
	}
	if err := do(p, id); err != nil {
		d, derr := s.traceLotData(r, p, id)
		if derr != nil {
			return derr
		}
		return s.formError(w, r, "trace_lot", "trace.page_lot", d, err)
	}
	return s.redirect(w, r, "/trace/lots/"+itoa64(id), "trace.flash_saved")
}

// traceLotUpdate saves the lot form.
func (s *Server) traceLotUpdate(w http.ResponseWriter, r *http.Request) error {
	return s.traceLotAction(w, r, func(p *account.Principal, id int64) error {
		in, err := traceLotForm(r)
		if err != nil {
			return err
		}
		_, err = s.Trace.UpdateLot(r.Context(), p, id, in)
		return err
	})
}

// traceEventAdd records an event from the simple form.
func (s *Server) traceEventAdd(w http.ResponseWriter, r *http.Request) error {
	return s.traceLotAction(w, r, func(p *account.Principal, id int64) error {
		f := r.PostForm
		var errs apperr.Errs
		in := trace.EventForm{Step: f.Get("step"), Time: f.Get("time"), AreaID: traceInt(f.Get("area_id")), Place: f.Get("place")}
		in.Quantity = traceFloat(&errs, "quantity", f.Get("quantity"))
		for _, v := range f["input_lot"] {
			if n := traceInt(v); n > 0 {
				in.Inputs = append(in.Inputs, n)
			}
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if sp := traceInt(f.Get("sale_point_id")); sp > 0 && in.Step == trace.StepReceiving {
			name, err := s.traceSalePoint(r, sp)
			if err != nil {
				return err
			}
			in.SalePointID, in.Place = sp, name
		}
		_, err := s.Trace.AddEvent(r.Context(), p, id, in)
		return err
	})
}

// traceSalePoint returns the name of an operating sale point of the
// market module, or a field error when there is none with that id.
func (s *Server) traceSalePoint(r *http.Request, id int64) (string, error) {
	if s.Market != nil {
		pts, err := s.Market.MapPoints(r.Context())
		if err != nil {
			return "", err
		}
		for _, x := range pts {
			if x.ID == id {
				return x.Name, nil
			}
		}
	}
	return "", apperr.Fields(apperr.Field("sale_point_id", "trace.err_sale_point"))
}

// traceStampAssign links stamps (a batch range or a list of serials) to a
// lot.
func (s *Server) traceStampAssign(w http.ResponseWriter, r *http.Request) error {
	return s.traceLotAction(w, r, func(p *account.Principal, id int64) error {
		f := r.PostForm
		a := trace.Assignment{Batch: f.Get("batch"), From: traceInt32(f.Get("from")), To: traceInt32(f.Get("to")),
			Serials: strings.FieldsFunc(f.Get("serials"), func(c rune) bool { return c == '\n' || c == '\r' || c == ',' || c == ';' })}
		_, err := s.Trace.AssignStamps(r.Context(), p, id, a)
		return err
	})
}

// traceLotRecall recalls a lot.
func (s *Server) traceLotRecall(w http.ResponseWriter, r *http.Request) error {
	return s.traceLotAction(w, r, func(p *account.Principal, id int64) error {
		_, err := s.Trace.Recall(r.Context(), p, id, r.PostForm.Get("reason"), traceInt32(r.PostForm.Get("version")))
		return err
	})
}
