package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"sync"

	"ocop/internal/account"
	"ocop/internal/stats"
)

// statsRoles open the programme dashboard: the province (admin, office)
// and commune officers for their communes (the service scopes the figures).
var statsRoles = []account.Role{account.RoleAdmin, account.RoleOffice, account.RoleCommune}

// statsDashboardPage is the programme dashboard.
type statsDashboardPage struct {
	D *stats.Dashboard
	// District is true for the old-district view of the units.
	District bool
	Tables   map[string]stats.Table
	Charts   map[string]template.HTML
	// TableHTML holds the tables rendered (see statsTablesHTML).
	TableHTML map[string]template.HTML
	// Communes names the officer's communes ("" for the province).
	Communes []string
	// Without names the scope's communes without a sale point.
	Without []string
	// Years offers the report years; Months the months.
	Years  []int
	Months []int
	Year   int
	Month  int
}

// statsTableArg is what the stats_table template receives: the page's
// view (for translations) and the table.
type statsTableArg struct {
	V *view
	T stats.Table
}

// statsProgressArg is what the stats_progress template receives.
type statsProgressArg struct {
	V *view
	P []stats.Progress
}

// Progress returns the argument of the stats_progress template.
func (statsDashboardPage) Progress(v *view, ps []stats.Progress) statsProgressArg {
	return statsProgressArg{V: v, P: ps}
}

// Drill returns the drill-down URL of key/value pairs.
func (statsDashboardPage) Drill(kv ...string) string { return stats.DrillURL(kv...) }

// statsDashboard shows the programme dashboard.
func (s *Server) statsDashboard(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, statsRoles...)
	if err != nil {
		return err
	}
	lang := langOf(r)
	d, err := s.Stats.Dashboard(r.Context(), p, lang)
	if err != nil {
		return err
	}
	t := func(key string, args ...any) string { return s.Catalog.T(lang, key, args...) }
	pg := statsDashboardPage{D: d, District: r.URL.Query().Get("view") == "district"}
	key := ""
	if k := d.Key(); k != "" {
		key = fmt.Sprint(k, "|", lang, "|", pg.District)
	}
	if c, ok := s.statsRendered.get(key); ok {
		pg.Tables, pg.Charts, pg.TableHTML = c.tables, c.charts, c.html
	} else {
		pg.Tables, pg.Charts = stats.Tables(d, t), map[string]template.HTML{}
		s.statsCharts(&pg, t)
		html, err := s.statsTablesHTML(r, pg.Tables)
		if err != nil {
			return err
		}
		pg.TableHTML = html
		s.statsRendered.put(key, statsRender{tables: pg.Tables, charts: pg.Charts, html: html})
	}
	for _, c := range d.Scope.Communes {
		pg.Communes = append(pg.Communes, s.wardName(c))
	}
	if d.Market != nil {
		for _, c := range d.Market.Without {
			pg.Without = append(pg.Without, s.wardName(c))
		}
	}
	pg.Year, pg.Month = d.Today.Y, int(d.Today.M)
	for y := d.Today.Y; y >= 2019; y-- {
		pg.Years = append(pg.Years, y)
	}
	for m := 1; m <= 12; m++ {
		pg.Months = append(pg.Months, m)
	}
	return s.page(w, r, "stats_dashboard", "stats.page_dashboard", pg)
}

// statsTablesHTML renders the dashboard's tables (the stats_table
// template), once per set of figures: a province dashboard has thousands
// of escaped cells and links, most of the page's cost.
func (s *Server) statsTablesHTML(r *http.Request, tables map[string]stats.Table) (map[string]template.HTML, error) {
	v := s.newView(r, "stats.page_dashboard", nil)
	out := make(map[string]template.HTML, len(tables))
	var buf bytes.Buffer
	for name, tb := range tables {
		buf.Reset()
		if err := s.pages["stats_dashboard"].ExecuteTemplate(&buf, "stats_table", statsTableArg{V: v, T: tb}); err != nil {
			return nil, fmt.Errorf("render table %s: %w", name, err)
		}
		out[name] = template.HTML(buf.String())
	}
	return out, nil
}

// statsRender is the rendered part of a dashboard that depends only on its
// figures, language and view.
type statsRender struct {
	tables map[string]stats.Table
	charts map[string]template.HTML
	html   map[string]template.HTML
}

// statsRenderCache keeps rendered dashboards by stats.Dashboard.Key,
// language and view (a handful: the province and each officer's
// communes, in two languages); a new set of figures empties it.
type statsRenderCache struct {
	mu sync.Mutex
	m  map[string]statsRender
}

func (c *statsRenderCache) get(key string) (statsRender, bool) {
	if key == "" {
		return statsRender{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.m[key]
	return r, ok
}

func (c *statsRenderCache) put(key string, r statsRender) {
	if key == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= 64 {
		c.m = map[string]statsRender{}
	}
	c.m[key] = r
}

func (s *Server) wardName(code string) string {
	if w, ok := s.Registry.Units().Ward(code); ok {
		return w.FullName
	}
	return code
}

// statsCharts draws the dashboard's charts.
func (s *Server) statsCharts(pg *statsDashboardPage, t stats.T) {
	d := pg.D
	cumName, valName := t("stats.cumulative_short"), t("stats.valid_short")
	// By level.
	var bars []chartBar
	var cum, val []int
	for _, l := range stats.Levels {
		bars = append(bars, chartBar{Label: t("stats.level_" + string(l)),
			Hrefs: []string{stats.DrillURL("measure", "cumulative", "level", string(l)), stats.DrillURL("measure", "valid", "level", string(l))}})
		cum, val = append(cum, d.Cumulative.Of(l)), append(val, d.Valid.Of(l))
	}
	series := func(a, b []int) []chartSeries {
		return []chartSeries{{Name: cumName, Values: a, Class: "stats-s1"}, {Name: valName, Values: b, Class: "stats-s2"}}
	}
	pg.Charts["levels"] = svgBars("chart-levels", t("stats.by_level"), t("stats.chart_levels_desc", d.Cumulative.Total, d.Valid.Total), bars, series(cum, val))

	// By group.
	bars, cum, val = nil, nil, nil
	for _, r := range d.ByGroup {
		bars = append(bars, chartBar{Label: r.Label, Hrefs: []string{stats.DrillURL("measure", "cumulative", "group", r.Key), stats.DrillURL("measure", "valid", "group", r.Key)}})
		cum, val = append(cum, r.Cumulative.Total), append(val, r.Valid.Total)
	}
	pg.Charts["groups"] = svgBars("chart-groups", t("stats.by_group"), t("stats.chart_groups_desc", len(d.ByGroup)), bars, series(cum, val))

	// By old district (bars) or commune (dot map).
	if pg.District {
		bars, cum, val = nil, nil, nil
		for _, r := range d.ByDistrict {
			k, label := r.Key, r.Label
			if k == "" {
				k, label = "-", t("stats.district_unknown")
			}
			bars = append(bars, chartBar{Label: label, Hrefs: []string{stats.DrillURL("measure", "cumulative", "district", k), stats.DrillURL("measure", "valid", "district", k)}})
			cum, val = append(cum, r.Cumulative.Total), append(val, r.Valid.Total)
		}
		pg.Charts["units"] = svgBars("chart-units", t("stats.by_district"), t("stats.chart_districts_desc", len(d.ByDistrict)), bars, series(cum, val))
	} else {
		var pts []mapPoint
		for _, r := range d.ByCommune {
			c, ok := d.Centres[r.Key]
			if !ok {
				continue
			}
			pts = append(pts, mapPoint{Label: r.Label, Lat: c[0], Lng: c[1], Value: r.Valid.Total, Href: stats.DrillURL("measure", "valid", "commune", r.Key)})
		}
		pg.Charts["units"] = svgDots("chart-units", t("stats.map_title"), t("stats.map_desc", len(pts), len(d.ByCommune)), pts,
			func(lo, hi int) string { return strconv.Itoa(lo) + "–" + strconv.Itoa(hi) })
	}

	// By year.
	var xs []string
	var newP, certs []int
	for _, r := range d.ByYear {
		xs = append(xs, strconv.Itoa(r.Year))
		newP, certs = append(newP, r.New.Total), append(certs, r.Certificates.Total)
	}
	pg.Charts["years"] = svgLines("chart-years", t("stats.by_year"), t("stats.chart_years_desc"), xs,
		[]chartSeries{{Name: t("stats.new_products"), Values: newP, Class: "stats-s1"}, {Name: t("stats.certificates_issued"), Values: certs, Class: "stats-s2"}})

	// Producers by kind.
	bars, cum = nil, nil
	for _, k := range d.Producers {
		bars = append(bars, chartBar{Label: t("kind." + k.Kind), Hrefs: []string{"/admin/producers?status=active&kind=" + url.QueryEscape(k.Kind)}})
		cum = append(cum, k.Count)
	}
	pg.Charts["producers"] = svgBars("chart-producers", t("stats.by_kind"), t("stats.chart_kinds_desc", d.ProducersTotal), bars,
		[]chartSeries{{Name: t("stats.producers_active"), Values: cum, Class: "stats-s1"}})
}
