package web

import (
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strings"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/stamp"
)

// stampAlertsPage lists counterfeit alerts with a map.
type stampAlertsPage struct {
	Alerts    []stamp.Alert
	Kinds     []stamp.AlertKind
	Map       template.HTML // server-side SVG dot map; no script needed
	CanReview bool
}

func stampFilter(r *http.Request) (stamp.AlertFilter, error) {
	var errs apperr.Errs
	q := r.URL.Query()
	f := stamp.AlertFilter{Commune: strings.TrimSpace(q.Get("commune")), Kind: q.Get("kind"), Status: q.Get("status")}
	if v := q.Get("product_id"); v != "" {
		if id := formID(&errs, "product_id", v); id != nil {
			f.ProductID = *id
		}
	}
	if v := q.Get("producer_id"); v != "" {
		if id := formID(&errs, "producer_id", v); id != nil {
			f.ProducerID = *id
		}
	}
	if f.Status != "" && f.Status != "open" && f.Status != "reviewed" {
		errs.Add("status", "stamp.err_filter")
	}
	return f, errs.Err()
}

// stampAlertList shows the alerts in scope, filtered, on a list and a map.
func (s *Server) stampAlertList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, stampRoles...)
	if err != nil {
		return err
	}
	f, err := stampFilter(r)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("status") == "" && !r.URL.Query().Has("status") {
		f.Status = "open"
	}
	alerts, err := s.Stamps.ListAlerts(r.Context(), p, f)
	if err != nil {
		return err
	}
	d := stampAlertsPage{Alerts: alerts, Kinds: stamp.AlertKinds, CanReview: p.Is(account.RoleAdmin, account.RoleOffice, account.RoleCommune)}
	d.Map = stampDotMap(alerts)
	return s.page(w, r, "stamp_alerts", "stamp.page_alerts", d)
}

// stampAlertReview marks an alert reviewed.
func (s *Server) stampAlertReview(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, stampRoles...)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Stamps.ReviewAlert(r.Context(), p, id, r.FormValue("note")); err != nil {
		return err
	}
	return s.redirect(w, r, "/admin/stamp-alerts", "stamp.flash_reviewed")
}

// stampReportsPage lists consumer reports.
type stampReportsPage struct {
	Reports []stamp.Report
}

// stampReportList shows the consumer reports in scope.
func (s *Server) stampReportList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, stampRoles...)
	if err != nil {
		return err
	}
	f, err := stampFilter(r)
	if err != nil {
		return err
	}
	reports, err := s.Stamps.ListReports(r.Context(), p, f)
	if err != nil {
		return err
	}
	return s.page(w, r, "stamp_reports", "stamp.page_reports", stampReportsPage{Reports: reports})
}

// stampDotMap draws the located alerts as dots on an equirectangular frame
// fitted to them (Vietnam by default), with a graticule every degree: a
// map that needs no tiles and no script. Copy signals are red.
func stampDotMap(alerts []stamp.Alert) template.HTML {
	minLat, maxLat, minLon, maxLon := 8.4, 23.4, 102.1, 109.5 // Vietnam
	var pts []stamp.Alert
	for _, a := range alerts {
		if a.Place.Known {
			pts = append(pts, a)
		}
	}
	if len(pts) > 0 {
		minLat, maxLat, minLon, maxLon = 90, -90, 180, -180
		for _, a := range pts {
			minLat, maxLat = math.Min(minLat, a.Place.Lat), math.Max(maxLat, a.Place.Lat)
			minLon, maxLon = math.Min(minLon, a.Place.Lon), math.Max(maxLon, a.Place.Lon)
		}
		padLat, padLon := math.Max(0.2, (maxLat-minLat)*0.15), math.Max(0.2, (maxLon-minLon)*0.15)
		minLat, maxLat, minLon, maxLon = minLat-padLat, maxLat+padLat, minLon-padLon, maxLon+padLon
	}
	const W = 640.0
	kx := math.Cos((minLat + maxLat) / 2 * math.Pi / 180)
	H := W * (maxLat - minLat) / ((maxLon - minLon) * kx)
	H = math.Max(200, math.Min(900, H))
	x := func(lon float64) float64 { return (lon - minLon) / (maxLon - minLon) * W }
	y := func(lat float64) float64 { return (maxLat - lat) / (maxLat - minLat) * H }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="stamp-map" viewBox="0 0 %.0f %.0f" role="img" aria-label="map" xmlns="http://www.w3.org/2000/svg">`, W, H)
	for lon := math.Ceil(minLon); lon <= maxLon; lon++ {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="0" x2="%.1f" y2="%.0f" stroke="#dde5ee"/><text x="%.1f" y="12" font-size="10" fill="#789">%.0f°E</text>`, x(lon), x(lon), H, x(lon)+2, lon)
	}
	for lat := math.Ceil(minLat); lat <= maxLat; lat++ {
		fmt.Fprintf(&b, `<line x1="0" y1="%.1f" x2="%.0f" y2="%.1f" stroke="#dde5ee"/><text x="2" y="%.1f" font-size="10" fill="#789">%.0f°N</text>`, y(lat), W, y(lat), y(lat)-2, lat)
	}
	for _, a := range pts {
		color := "#c77800"
		if a.Kind.Copy() {
			color = "#c0161d"
		}
		fmt.Fprintf(&b, `<a href="#alert-%d"><circle cx="%.1f" cy="%.1f" r="6" fill="%s" fill-opacity=".8" stroke="#fff"><title>%s %s (%.2f, %.2f)</title></circle></a>`,
			a.ID, x(a.Place.Lon), y(a.Place.Lat), color, template.HTMLEscapeString(string(a.Kind)), template.HTMLEscapeString(stamp.FormatSerial(a.Serial)), a.Place.Lat, a.Place.Lon)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
