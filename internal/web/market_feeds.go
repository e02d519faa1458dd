package web

import (
	"bytes"
	"net/http"

	"ocop/internal/market"
)

// feedLang is the language of a feed's free text: Merchant Center wants
// one language per feed; ?lang=en gives the English names where known.
func feedLang(r *http.Request) string {
	if r.URL.Query().Get("lang") == "en" {
		return "en"
	}
	return "vi"
}

// writeFeed sends a generated file that caches may keep for ten minutes.
func writeFeed(w http.ResponseWriter, contentType, filename string, b *bytes.Buffer) error {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "public, max-age=600")
	if filename != "" {
		w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	}
	_, err := b.WriteTo(w)
	return err
}

// marketFeedXML is the Google Merchant Center feed (RSS 2.0, g: namespace):
// GET /feeds/merchant.xml.
func (s *Server) marketFeedXML(w http.ResponseWriter, r *http.Request) error {
	base := certBaseURL(s, r)
	ps, err := s.Market.FeedProducts(r.Context(), base)
	if err != nil {
		return err
	}
	items, _ := market.MerchantItems(ps, feedLang(r))
	var b bytes.Buffer
	if err := market.WriteMerchantXML(&b, s.Catalog.T(feedLang(r), "market.feed_title"), base+"/search", items); err != nil {
		return err
	}
	return writeFeed(w, "application/rss+xml; charset=utf-8", "", &b)
}

// marketFeedTSV is the same feed as tab-separated values: GET /feeds/merchant.tsv.
func (s *Server) marketFeedTSV(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.Market.FeedProducts(r.Context(), certBaseURL(s, r))
	if err != nil {
		return err
	}
	items, _ := market.MerchantItems(ps, feedLang(r))
	var b bytes.Buffer
	if err := market.WriteMerchantTSV(&b, items); err != nil {
		return err
	}
	return writeFeed(w, "text/tab-separated-values; charset=utf-8", "merchant.tsv", &b)
}

// marketFeedBulk is the marketplace bulk-upload CSV: GET /feeds/marketplace.csv.
func (s *Server) marketFeedBulk(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.Market.FeedProducts(r.Context(), certBaseURL(s, r))
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := market.WriteBulkCSV(&b, ps); err != nil {
		return err
	}
	return writeFeed(w, "text/csv; charset=utf-8", "ocop-marketplace.csv", &b)
}

// marketOpenDataCSV is the open-data dump of certified products as CSV.
func (s *Server) marketOpenDataCSV(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.Market.FeedProducts(r.Context(), certBaseURL(s, r))
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := market.WriteOpenDataCSV(&b, ps); err != nil {
		return err
	}
	return writeFeed(w, "text/csv; charset=utf-8", "ocop-products.csv", &b)
}

// marketOpenDataJSON is the open-data dump of certified products as JSON.
func (s *Server) marketOpenDataJSON(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.Market.FeedProducts(r.Context(), certBaseURL(s, r))
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := market.WriteOpenDataJSON(&b, s.Evaluation.Today(), ps); err != nil {
		return err
	}
	return writeFeed(w, "application/json", "", &b)
}
