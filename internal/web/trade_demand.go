package web

import (
	"net/http"
	"net/url"
	"strconv"

	"ocop/internal/account"
	"ocop/internal/trade"
)

// demandInput reads the demand form.
func demandInput(f url.Values) trade.DemandInput {
	lat, lon := tradePoint(f, "delivery_lat", "delivery_lon")
	return trade.DemandInput{Title: f.Get("title"), CategoryCode: f.Get("category_code"), Keywords: f.Get("keywords"),
		Quantity: tradeFloat(f, "quantity"), Unit: f.Get("unit"), Frequency: f.Get("frequency"), MinStar: tradeInt(f, "min_star"),
		Certifications: f["certifications"], TargetMarket: f.Get("target_market"), DeliveryArea: f.Get("delivery_area"),
		DeliveryLat: lat, DeliveryLon: lon, Note: f.Get("note"), Status: f.Get("status"), Version: tradeInt(f, "version")}
}

// demandForm is a demand as form values, for the edit form.
func demandForm(d trade.Demand) url.Values {
	return url.Values{"title": {d.Title}, "category_code": {d.CategoryCode}, "keywords": {d.Keywords}, "quantity": {tradeFmt(d.Quantity)},
		"unit": {d.Unit}, "frequency": {d.Frequency}, "min_star": {strconv.Itoa(d.MinStar)}, "certifications": d.Certifications,
		"target_market": {d.TargetMarket}, "delivery_area": {d.DeliveryArea}, "delivery_lat": {tradeFmtPtr(d.DeliveryLat)},
		"delivery_lon": {tradeFmtPtr(d.DeliveryLon)}, "note": {d.Note}, "status": {d.Status}, "version": {strconv.Itoa(d.Version)}}
}

// tradeDemandList lists demands: a buyer its own, the office all, a
// producer the open ones.
func (s *Server) tradeDemandList(w http.ResponseWriter, r *http.Request) error {
	ds, err := s.Trade.Demands(r.Context(), account.FromContext(r.Context()))
	if err != nil {
		return err
	}
	return s.page(w, r, "trade_demands", "trade.page_demands", tradePage{Items: ds})
}

// tradeDemandNew shows the empty demand form to a verified buyer.
func (s *Server) tradeDemandNew(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleBuyer)
	if err != nil {
		return err
	}
	if !p.Verified {
		return s.page(w, r, "trade_unverified", "trade.page_new_demand", nil)
	}
	return s.tradeForm(w, r, "trade_demand_form", "trade.page_new_demand", tradePage{}, url.Values{"frequency": {"monthly"}, "target_market": {"domestic"}})
}

// tradeDemandCreate posts a demand.
func (s *Server) tradeDemandCreate(w http.ResponseWriter, r *http.Request) error {
	d, err := s.Trade.CreateDemand(r.Context(), account.FromContext(r.Context()), demandInput(r.PostForm))
	if err != nil {
		return s.formError(w, r, "trade_demand_form", "trade.page_new_demand", tradePage{}, err)
	}
	return s.redirect(w, r, "/admin/trade/demands/"+strconv.FormatInt(d.ID, 10), "trade.flash_demand_saved")
}

// tradeDemandShow shows a demand; to its buyer and the office with the
// ranked producers and why, and to its buyer with the edit form.
func (s *Server) tradeDemandShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p := account.FromContext(r.Context())
	d, err := s.Trade.Demand(r.Context(), p, id)
	if err != nil {
		return err
	}
	data := tradePage{Item: d}
	if p.Province() || p.UserID == d.BuyerUserID {
		m, err := s.Trade.Matches(r.Context(), p, id)
		if err != nil {
			return err
		}
		if len(m.Matches) > 50 {
			m.Matches = m.Matches[:50]
		}
		data.Extra = m
	}
	return s.tradeForm(w, r, "trade_demand", "trade.page_demand", s.tradePageData(r, data), demandForm(d))
}

// tradeDemandUpdate changes a demand (its buyer only).
func (s *Server) tradeDemandUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p := account.FromContext(r.Context())
	d, err := s.Trade.UpdateDemand(r.Context(), p, id, demandInput(r.PostForm))
	if err != nil {
		cur, gerr := s.Trade.Demand(r.Context(), p, id)
		if gerr != nil {
			return err
		}
		return s.formError(w, r, "trade_demand", "trade.page_demand", s.tradePageData(r, tradePage{Item: cur}), err)
	}
	return s.redirect(w, r, "/admin/trade/demands/"+strconv.FormatInt(d.ID, 10), "trade.flash_demand_saved")
}

// tradeDemandContact opens a lead with a ranked producer.
func (s *Server) tradeDemandContact(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p := account.FromContext(r.Context())
	l, err := s.Trade.Contact(r.Context(), p, id, tradeInt64(r.PostForm, "producer_id"), r.PostForm.Get("message"))
	if err != nil {
		cur, gerr := s.Trade.Demand(r.Context(), p, id)
		if gerr != nil {
			return err
		}
		data := tradePage{Item: cur}
		if m, merr := s.Trade.Matches(r.Context(), p, id); merr == nil {
			data.Extra = m
		}
		return s.formError(w, r, "trade_demand", "trade.page_demand", s.tradePageData(r, data), err)
	}
	return s.redirect(w, r, "/admin/trade/leads/"+strconv.FormatInt(l.ID, 10), "trade.flash_contacted")
}
