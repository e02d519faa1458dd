package market

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"ocop/internal/evaluation"
)

// FeedProduct is a certified public product with what the exports need.
type FeedProduct struct {
	ID           int64  `json:"id"`
	Code         string `json:"code"`
	Name         string `json:"name"`
	NameEn       string `json:"name_en,omitempty"`
	Description  string `json:"description,omitempty"`
	CategoryCode string `json:"category_code"`
	Brand        string `json:"brand,omitempty"`
	GTIN         string `json:"gtin,omitempty"`
	ProducerID   int64  `json:"producer_id"`
	ProducerName string `json:"producer_name"`
	CommuneCode  string `json:"commune_code"`
	Star         int    `json:"star"`
	Potential5   bool   `json:"potential5"`
	Certificate  string `json:"certificate_number"`
	IssuedOn     string `json:"issued_on"`
	ValidUntil   string `json:"valid_until"`
	Image        string `json:"-"` // first photo's media hash
	PriceVND     int64  `json:"-"` // lowest storefront price, 0 when none
	// URL and ImageURL are absolute, filled by FeedProducts.
	URL      string `json:"url"`
	ImageURL string `json:"image_url,omitempty"`
	SalePts  int    `json:"sale_points"`
	Online   bool   `json:"online"`
}

// FeedProducts returns the active products of active producers whose
// certificate is valid today (evaluation.CurrentCertificates), by code,
// with absolute URLs under base.
func (s *Service) FeedProducts(ctx context.Context, base string) ([]FeedProduct, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT p.id, p.code, p.name, p.name_en, p.description, p.category_code, p.brand, COALESCE(p.gtin, ''),
		pr.id, pr.name, pr.commune_code,
		COALESCE((SELECT MIN(media_hash) FROM product_images i WHERE i.product_id = p.id AND i.position =
			(SELECT MIN(position) FROM product_images j WHERE j.product_id = p.id)), ''),
		COALESCE((SELECT MIN(price_vnd) FROM storefronts sf WHERE sf.product_id = p.id), 0)
		FROM products p JOIN producers pr ON pr.id = p.producer_id
		WHERE p.status = 'active' AND pr.status = 'active' ORDER BY p.code`)
	if err != nil {
		return nil, fmt.Errorf("feed products: %w", err)
	}
	var all []FeedProduct
	for rows.Next() {
		var x FeedProduct
		if err := rows.Scan(&x.ID, &x.Code, &x.Name, &x.NameEn, &x.Description, &x.CategoryCode, &x.Brand, &x.GTIN, &x.ProducerID,
			&x.ProducerName, &x.CommuneCode, &x.Image, &x.PriceVND); err != nil {
			rows.Close()
			return nil, err
		}
		all = append(all, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ix, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]FeedProduct, 0, len(all))
	for start := 0; start < len(all); start += 2000 {
		chunk := all[start:min(len(all), start+2000)]
		ids := make([]int64, len(chunk))
		for i, x := range chunk {
			ids[i] = x.ID
		}
		certs, err := s.Evaluation.CurrentCertificates(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, x := range chunk {
			c, ok := certs[x.ID]
			if !ok || !c.Valid() {
				continue
			}
			x.Star, x.Potential5, x.Certificate = int(c.Star), c.Potential5, c.Number
			x.IssuedOn, x.ValidUntil = c.IssuedOn.String(), c.ValidUntil.String()
			x.URL = base + fmt.Sprintf("/products/%d", x.ID)
			if x.Image != "" {
				x.ImageURL = base + "/media/" + x.Image
			}
			x.SalePts, x.Online = len(ix.stock[x.ID]), ix.online[x.ID]
			out = append(out, x)
		}
	}
	return out, nil
}

// Google Merchant Center limits (https://support.google.com/merchants/answer/7052112).
const (
	MerchantIDMax          = 50
	MerchantTitleMax       = 150
	MerchantDescriptionMax = 5000
)

// cut shortens s to at most n characters (runes), on a word boundary when
// one is near, with an ellipsis.
func cut(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	if i := strings.LastIndex(string(r), " "); i > len(string(r))*3/4 {
		return string(r)[:i] + "…"
	}
	return string(r) + "…"
}

// MerchantItem is one product of the Merchant Center feed, with the
// attribute values already within Google's limits.
type MerchantItem struct {
	ID, Title, Description, Link, ImageLink, Availability, Price, Brand, Condition string
	GTIN, MPN, IdentifierExists, ProductType                                       string
}

// MerchantItems maps the feed products to Merchant Center items. Google
// requires an image and a price: products without a photo or without a
// storefront price are left out (the count of those is returned).
func MerchantItems(ps []FeedProduct, lang string) ([]MerchantItem, int) {
	var out []MerchantItem
	skipped := 0
	for _, p := range ps {
		if p.ImageURL == "" || p.PriceVND <= 0 {
			skipped++
			continue
		}
		name, desc := p.Name, p.Description
		if lang == "en" && p.NameEn != "" {
			name = p.NameEn
		}
		if desc == "" {
			desc = name + " · " + p.ProducerName
		}
		brand := p.Brand
		if brand == "" {
			brand = p.ProducerName
		}
		it := MerchantItem{ID: cut(p.Code, MerchantIDMax), Title: cut(name, MerchantTitleMax), Description: cut(desc, MerchantDescriptionMax),
			Link: p.URL, ImageLink: p.ImageURL, Availability: "out_of_stock", Price: strconv.FormatInt(p.PriceVND, 10) + ".00 VND",
			Brand: cut(brand, 70), Condition: "new", ProductType: "OCOP " + strconv.Itoa(p.Star) + "★ > " + p.CategoryCode}
		if p.SalePts > 0 || p.Online {
			it.Availability = "in_stock"
		}
		if p.GTIN != "" {
			it.GTIN, it.IdentifierExists = p.GTIN, "yes"
		} else {
			it.MPN, it.IdentifierExists = cut(p.Code, 70), "no"
		}
		out = append(out, it)
	}
	return out, skipped
}

// GoogleNS is the namespace of Merchant Center attributes in RSS feeds.
const GoogleNS = "http://base.google.com/ns/1.0"

type rssItem struct {
	ID               string `xml:"g:id"`
	Title            string `xml:"g:title"`
	Description      string `xml:"g:description"`
	Link             string `xml:"g:link"`
	ImageLink        string `xml:"g:image_link"`
	Availability     string `xml:"g:availability"`
	Price            string `xml:"g:price"`
	Brand            string `xml:"g:brand"`
	Condition        string `xml:"g:condition"`
	GTIN             string `xml:"g:gtin,omitempty"`
	MPN              string `xml:"g:mpn,omitempty"`
	IdentifierExists string `xml:"g:identifier_exists"`
	ProductType      string `xml:"g:product_type"`
}

// WriteMerchantXML writes the items as an RSS 2.0 feed with the g: namespace.
func WriteMerchantXML(w io.Writer, title, link string, items []MerchantItem) error {
	type channel struct {
		Title       string    `xml:"title"`
		Link        string    `xml:"link"`
		Description string    `xml:"description"`
		Items       []rssItem `xml:"item"`
	}
	type rss struct {
		XMLName xml.Name `xml:"rss"`
		Version string   `xml:"version,attr"`
		NS      string   `xml:"xmlns:g,attr"`
		Channel channel  `xml:"channel"`
	}
	doc := rss{Version: "2.0", NS: GoogleNS, Channel: channel{Title: title, Link: link, Description: title}}
	for _, it := range items {
		doc.Channel.Items = append(doc.Channel.Items, rssItem(it))
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// MerchantTSVHeader are the TSV feed's columns.
var MerchantTSVHeader = []string{"id", "title", "description", "link", "image_link", "availability", "price", "brand", "condition",
	"gtin", "mpn", "identifier_exists", "product_type"}

// tsvField keeps a value on one TSV cell: tabs and line breaks become spaces.
func tsvField(s string) string {
	return strings.NewReplacer("\t", " ", "\r", " ", "\n", " ").Replace(s)
}

// WriteMerchantTSV writes the items as a tab-separated Merchant feed.
func WriteMerchantTSV(w io.Writer, items []MerchantItem) error {
	var b strings.Builder
	b.WriteString(strings.Join(MerchantTSVHeader, "\t") + "\n")
	for _, it := range items {
		cells := []string{it.ID, it.Title, it.Description, it.Link, it.ImageLink, it.Availability, it.Price, it.Brand, it.Condition,
			it.GTIN, it.MPN, it.IdentifierExists, it.ProductType}
		for i, c := range cells {
			if i > 0 {
				b.WriteByte('\t')
			}
			b.WriteString(tsvField(c))
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// BulkCSVHeader are the columns of the marketplace bulk-upload CSV: the
// canonical product record sellers map to Shopee's, Lazada's or Tiki's
// template (category mapping is per marketplace and left to the seller).
var BulkCSVHeader = []string{"sku", "name", "description", "brand", "gtin", "price_vnd", "image_url", "category_code", "ocop_star",
	"certificate_number", "certificate_valid_until", "producer", "product_url"}

// csvRow keeps a spreadsheet from reading a cell as a formula (CSV
// injection: a product named "=HYPERLINK(…)" by its producer): a cell
// starting with = + - @ or a tab or carriage return gets a leading
// apostrophe, the registry's export convention.
func csvRow(cells []string) []string {
	for i, c := range cells {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			cells[i] = "'" + c
		}
	}
	return cells
}

// WriteBulkCSV writes the marketplace bulk-upload CSV (UTF-8, RFC 4180).
func WriteBulkCSV(w io.Writer, ps []FeedProduct) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(BulkCSVHeader); err != nil {
		return err
	}
	for _, p := range ps {
		price := ""
		if p.PriceVND > 0 {
			price = strconv.FormatInt(p.PriceVND, 10)
		}
		if err := cw.Write(csvRow([]string{p.Code, cut(p.Name, 120), cut(p.Description, 3000), p.Brand, p.GTIN, price, p.ImageURL, p.CategoryCode,
			strconv.Itoa(p.Star), p.Certificate, p.ValidUntil, p.ProducerName, p.URL})); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// OpenDataHeader are the columns of the open-data CSV of certified products.
var OpenDataHeader = []string{"product_code", "product_name", "product_name_en", "category_code", "producer_id", "producer_name",
	"commune_code", "star", "potential5", "certificate_number", "issued_on", "valid_until", "sale_points", "online", "url"}

// WriteOpenDataCSV writes the certified products as CSV.
func WriteOpenDataCSV(w io.Writer, ps []FeedProduct) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(OpenDataHeader); err != nil {
		return err
	}
	for _, p := range ps {
		if err := cw.Write(csvRow([]string{p.Code, p.Name, p.NameEn, p.CategoryCode, strconv.FormatInt(p.ProducerID, 10), p.ProducerName,
			p.CommuneCode, strconv.Itoa(p.Star), strconv.FormatBool(p.Potential5), p.Certificate, p.IssuedOn, p.ValidUntil,
			strconv.Itoa(p.SalePts), strconv.FormatBool(p.Online), p.URL})); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// OpenData is the JSON open-data document.
type OpenData struct {
	Date     string        `json:"date"`
	License  string        `json:"license"`
	Count    int           `json:"count"`
	Products []FeedProduct `json:"products"`
}

// WriteOpenDataJSON writes the certified products as one JSON document.
func WriteOpenDataJSON(w io.Writer, day evaluation.Date, ps []FeedProduct) error {
	if ps == nil {
		ps = []FeedProduct{}
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Code < ps[j].Code })
	enc := json.NewEncoder(w)
	return enc.Encode(OpenData{Date: day.String(), License: "CC-BY-4.0", Count: len(ps), Products: ps})
}
