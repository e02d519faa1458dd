package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/registry"
	"ocop/internal/stamp"
)

// stampRoles may open the stamp back office: the office, commune officers
// (read, for their communes) and producers (their own products).
var stampRoles = []account.Role{account.RoleAdmin, account.RoleOffice, account.RoleCommune, account.RoleProducer}

// stampBatchesPage lists batches with the issue form.
type stampBatchesPage struct {
	Batches  []stamp.Batch
	Products []registry.Product // products a producer may issue for
	CanIssue bool
	Quota    int
}

func (s *Server) stampBatchesData(r *http.Request, p *account.Principal) (stampBatchesPage, error) {
	d := stampBatchesPage{Quota: s.Stamps.Options().Quota, CanIssue: p.Province() || (p.Is(account.RoleProducer) && len(p.Producers) > 0)}
	var err error
	if d.Batches, err = s.Stamps.ListBatches(r.Context(), p, stamp.BatchFilter{Status: r.URL.Query().Get("status")}); err != nil {
		return d, err
	}
	if p.Is(account.RoleProducer) {
		for _, id := range p.Producers {
			pg, err := s.Registry.ListProducts(r.Context(), p, registry.ProductFilter{ProducerID: id, PerPage: 100})
			if err != nil {
				return d, err
			}
			d.Products = append(d.Products, pg.Items...)
		}
	}
	return d, nil
}

// stampBatchList shows the batches the user may see and the issue form.
func (s *Server) stampBatchList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, stampRoles...)
	if err != nil {
		return err
	}
	d, err := s.stampBatchesData(r, p)
	if err != nil {
		return err
	}
	return s.page(w, r, "stamp_batches", "stamp.page_batches", d)
}

// stampBatchCreate issues a batch.
func (s *Server) stampBatchCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, stampRoles...)
	if err != nil {
		return err
	}
	var errs apperr.Errs
	in := stamp.BatchInput{ProductCode: strings.TrimSpace(r.FormValue("product_code")), Lot: r.FormValue("lot"), Count: formInt(&errs, "count", r.FormValue("count"))}
	if id := formID(&errs, "product", r.FormValue("product_id")); id != nil {
		in.ProductID = *id
	}
	if err = errs.Err(); err == nil {
		var b stamp.Batch
		if b, err = s.Stamps.Issue(r.Context(), p, in); err == nil {
			return s.redirect(w, r, "/admin/stamps/"+b.Code, "stamp.flash_issued")
		}
	}
	d, derr := s.stampBatchesData(r, p)
	if derr != nil {
		return derr
	}
	return s.formError(w, r, "stamp_batches", "stamp.page_batches", d, err)
}

// stampBatchPage shows one batch.
type stampBatchPage struct {
	B         stamp.Batch
	CanManage bool
	Sample    string // serial of the first stamp, for the single-stamp downloads
	URL       string // its QR content
}

func (s *Server) stampBatchData(r *http.Request, p *account.Principal) (stampBatchPage, error) {
	b, err := s.Stamps.Batch(r.Context(), p, r.PathValue("code"))
	if err != nil {
		return stampBatchPage{}, err
	}
	d := stampBatchPage{B: b, CanManage: stamp.CanIssue(p, b.ProducerID)}
	if d.CanManage {
		_, err = s.Stamps.Codes(r.Context(), p, b.Code, func(c stamp.Code) error {
			if d.Sample == "" {
				d.Sample = c.Serial
			}
			return errStop
		})
		if err != nil && err != errStop {
			return d, err
		}
		d.URL = stamp.URL(certBaseURL(s, r), b.GTIN, d.Sample)
	}
	return d, nil
}

const errStop = constErr("stop")

// stampBatchShow shows a batch with its actions.
func (s *Server) stampBatchShow(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, stampRoles...)
	if err != nil {
		return err
	}
	d, err := s.stampBatchData(r, p)
	if err != nil {
		return err
	}
	return s.page(w, r, "stamp_batch", "stamp.page_batch", d)
}

// stampBatchActivate activates a batch.
func (s *Server) stampBatchActivate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, stampRoles...)
	if err != nil {
		return err
	}
	b, err := s.Stamps.Activate(r.Context(), p, r.PathValue("code"))
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/admin/stamps/"+b.Code, "stamp.flash_activated")
}

// stampBatchDeactivate withdraws a batch or a range of it.
func (s *Server) stampBatchDeactivate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, stampRoles...)
	if err != nil {
		return err
	}
	var errs apperr.Errs
	in := stamp.Deactivation{Reason: r.FormValue("reason")}
	if v := strings.TrimSpace(r.FormValue("from")); v != "" {
		in.From = formInt(&errs, "from", v)
	}
	if v := strings.TrimSpace(r.FormValue("to")); v != "" {
		in.To = formInt(&errs, "to", v)
	}
	if err = errs.Err(); err == nil {
		var b stamp.Batch
		if b, _, err = s.Stamps.Deactivate(r.Context(), p, r.PathValue("code"), in); err == nil {
			return s.redirect(w, r, "/admin/stamps/"+b.Code, "stamp.flash_deactivated")
		}
	}
	d, derr := s.stampBatchData(r, p)
	if derr != nil {
		return derr
	}
	return s.formError(w, r, "stamp_batch", "stamp.page_batch", d, err)
}

// stampLayout reads the label layout from the query (mm), defaulting to
// A4 with 40×50 mm labels.
func stampLayout(r *http.Request) (stamp.Layout, error) {
	l := stamp.DefaultLayout()
	q := r.URL.Query()
	for _, f := range []struct {
		name string
		p    *float64
	}{{"label_w", &l.LabelW}, {"label_h", &l.LabelH}, {"gap", &l.Gap}, {"margin", &l.MinMargin}} {
		if v := q.Get(f.name); v != "" {
			x, err := strconv.ParseFloat(v, 64)
			if err != nil || x < 0 || x > 300 {
				return l, apperr.New(apperr.Invalid, "stamp.err_layout")
			}
			*f.p = x
		}
	}
	if q.Get("page") == "a5" {
		l.PageW, l.PageH = 148, 210
	}
	return l, nil
}

// stampBatchPDF sends the label sheets of a batch.
func (s *Server) stampBatchPDF(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, stampRoles...)
	if err != nil {
		return err
	}
	l, err := stampLayout(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	b, err := s.Stamps.WritePDF(r.Context(), p, r.PathValue("code"), certBaseURL(s, r), l, &buf)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+b.Code+`.pdf"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err = buf.WriteTo(w)
	return err
}

// stampBatchCSV sends the codes of a batch for a printing house.
func (s *Server) stampBatchCSV(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, stampRoles...)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	b, err := s.Stamps.WriteCSV(r.Context(), p, r.PathValue("code"), certBaseURL(s, r), &buf)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+b.Code+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err = buf.WriteTo(w)
	return err
}

// stampQR sends one stamp's QR code as SVG (default) or PNG (?format=png).
func (s *Server) stampQR(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, stampRoles...)
	if err != nil {
		return err
	}
	url, b, err := s.Stamps.Stamp(r.Context(), p, r.PathValue("serial"), certBaseURL(s, r))
	if err != nil {
		return err
	}
	if !strings.EqualFold(b.Code, r.PathValue("code")) {
		return apperr.New(apperr.NotFound, "stamp.err_stamp_not_found")
	}
	q, err := stamp.EncodeQR(url)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "private, max-age=3600")
	if r.URL.Query().Get("format") == "png" {
		img, err := stamp.PNG(q, 10)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "image/png")
		_, err = w.Write(img)
		return err
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	_, err = w.Write(stamp.SVG(q))
	return err
}
