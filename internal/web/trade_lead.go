package web

import (
	"net/http"
	"strconv"

	"ocop/internal/account"
	"ocop/internal/trade"
)

// tradeLeadList lists leads: a buyer its own, a producer those of its
// producers, the office all (optionally only flagged ones).
func (s *Server) tradeLeadList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	ls, err := s.Trade.Leads(r.Context(), account.FromContext(r.Context()), trade.LeadFilter{State: q.Get("state"), Flagged: q.Get("flagged") != ""})
	if err != nil {
		return err
	}
	return s.page(w, r, "trade_leads", "trade.page_leads", tradePage{Items: ls})
}

// tradeLeadShow shows a lead's conversation to its parties and the office.
func (s *Server) tradeLeadShow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	l, err := s.Trade.Lead(r.Context(), account.FromContext(r.Context()), id)
	if err != nil {
		return err
	}
	return s.page(w, r, "trade_lead", "trade.page_lead", tradePage{Item: l})
}

// tradeLeadReply adds a message and optionally moves the lead on.
func (s *Server) tradeLeadReply(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p := account.FromContext(r.Context())
	f := r.PostForm
	if _, err := s.Trade.Reply(r.Context(), p, id, f.Get("message"), trade.LeadState(f.Get("state")), tradeInt(f, "version")); err != nil {
		l, gerr := s.Trade.Lead(r.Context(), p, id)
		if gerr != nil {
			return err
		}
		return s.formError(w, r, "trade_lead", "trade.page_lead", tradePage{Item: l}, err)
	}
	return s.redirect(w, r, "/admin/trade/leads/"+strconv.FormatInt(id, 10), "trade.flash_replied")
}

// tradeLeadReport lets the producer of a lead report its buyer.
func (s *Server) tradeLeadReport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p := account.FromContext(r.Context())
	if err := s.Trade.ReportBuyer(r.Context(), p, id, r.PostForm.Get("reason"), r.PostForm.Get("note")); err != nil {
		l, gerr := s.Trade.Lead(r.Context(), p, id)
		if gerr != nil {
			return err
		}
		return s.formError(w, r, "trade_lead", "trade.page_lead", tradePage{Item: l}, err)
	}
	return s.redirect(w, r, "/admin/trade/leads/"+strconv.FormatInt(id, 10), "trade.flash_reported")
}

// tradeBoard is the office's summary of what the board produces.
func (s *Server) tradeBoard(w http.ResponseWriter, r *http.Request) error {
	b, err := s.Trade.Board(r.Context(), account.FromContext(r.Context()))
	if err != nil {
		return err
	}
	var ev any
	if sum, err := s.Trade.EventOutcomes(r.Context(), account.FromContext(r.Context())); err == nil {
		ev = sum
	} else {
		return err
	}
	return s.page(w, r, "trade_board", "trade.page_board", tradePage{Item: b, Extra: ev})
}
