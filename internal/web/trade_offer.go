package web

import (
	"net/http"
	"net/url"
	"strconv"

	"ocop/internal/account"
	"ocop/internal/trade"
)

// offerInput reads the offer form.
func offerInput(f url.Values) trade.OfferInput {
	in := trade.OfferInput{ProducerID: tradeInt64(f, "producer_id"), CategoryCode: f.Get("category_code"), Title: f.Get("title"),
		Capacity: tradeFloat(f, "capacity"), Unit: f.Get("unit"), Frequency: f.Get("frequency"), Certifications: f["certifications"],
		Markets: f["markets"], Note: f.Get("note"), Status: f.Get("status"), Version: tradeInt(f, "version")}
	if id := tradeInt64(f, "product_id"); id > 0 {
		in.ProductID = &id
	}
	return in
}

func offerForm(o trade.Offer) url.Values {
	v := url.Values{"producer_id": {strconv.FormatInt(o.ProducerID, 10)}, "category_code": {o.CategoryCode}, "title": {o.Title},
		"capacity": {tradeFmt(o.Capacity)}, "unit": {o.Unit}, "frequency": {o.Frequency}, "certifications": o.Certifications,
		"markets": o.Markets, "note": {o.Note}, "status": {o.Status}, "version": {strconv.Itoa(o.Version)}}
	if o.ProductID != nil {
		v.Set("product_id", strconv.FormatInt(*o.ProductID, 10))
	}
	return v
}

// tradeOfferList lists offers: a producer its own, the office all.
func (s *Server) tradeOfferList(w http.ResponseWriter, r *http.Request) error {
	os, err := s.Trade.Offers(r.Context(), account.FromContext(r.Context()))
	if err != nil {
		return err
	}
	return s.page(w, r, "trade_offers", "trade.page_offers", tradePage{Items: os})
}

// tradeOfferNew shows the offer form to a producer account.
func (s *Server) tradeOfferNew(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleProducer)
	if err != nil {
		return err
	}
	f := url.Values{"frequency": {"monthly"}}
	if len(p.Producers) > 0 {
		f.Set("producer_id", strconv.FormatInt(p.Producers[0], 10))
	}
	return s.tradeForm(w, r, "trade_offer_form", "trade.page_new_offer", tradePage{}, f)
}

// tradeOfferCreate posts an offer.
func (s *Server) tradeOfferCreate(w http.ResponseWriter, r *http.Request) error {
	p := account.FromContext(r.Context())
	in := offerInput(r.PostForm)
	if in.ProducerID == 0 && p != nil && len(p.Producers) == 1 {
		in.ProducerID = p.Producers[0]
	}
	o, err := s.Trade.CreateOffer(r.Context(), p, in)
	if err != nil {
		return s.formError(w, r, "trade_offer_form", "trade.page_new_offer", tradePage{}, err)
	}
	return s.redirect(w, r, "/admin/trade/offers/"+strconv.FormatInt(o.ID, 10), "trade.flash_offer_saved")
}

// tradeOfferShow shows an offer with its edit form to its producer, and
// read-only to the office.
func (s *Server) tradeOfferShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	o, err := s.Trade.Offer(r.Context(), account.FromContext(r.Context()), id)
	if err != nil {
		return err
	}
	return s.tradeForm(w, r, "trade_offer_form", "trade.page_offer", tradePage{Item: o}, offerForm(o))
}

// tradeOfferUpdate changes an offer (its producer only).
func (s *Server) tradeOfferUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p := account.FromContext(r.Context())
	o, err := s.Trade.UpdateOffer(r.Context(), p, id, offerInput(r.PostForm))
	if err != nil {
		cur, gerr := s.Trade.Offer(r.Context(), p, id)
		if gerr != nil {
			return err
		}
		return s.formError(w, r, "trade_offer_form", "trade.page_offer", tradePage{Item: cur}, err)
	}
	return s.redirect(w, r, "/admin/trade/offers/"+strconv.FormatInt(o.ID, 10), "trade.flash_offer_saved")
}
