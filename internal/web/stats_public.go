package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"ocop/internal/stats"
)

// statsPublicPage is the public statistics page.
type statsPublicPage struct {
	S     stats.Summary
	Chart template.HTML
}

// statsPublic shows the programme's headline figures to anyone, with the
// open-data download.
func (s *Server) statsPublic(w http.ResponseWriter, r *http.Request) error {
	sum, err := s.Stats.Summary(r.Context())
	if err != nil {
		return err
	}
	lang := langOf(r)
	t := func(key string, args ...any) string { return s.Catalog.T(lang, key, args...) }
	var bars []chartBar
	var cum, val []int
	for _, l := range stats.Levels {
		bars = append(bars, chartBar{Label: t("stats.level_" + string(l))})
		cum, val = append(cum, sum.Evaluated.Of(l)), append(val, sum.Valid.Of(l))
	}
	chart := svgBars("chart-public", t("stats.by_level"), t("stats.chart_levels_desc", sum.Evaluated.Total, sum.Valid.Total), bars,
		[]chartSeries{{Name: t("stats.cumulative_short"), Values: cum, Class: "stats-s1"}, {Name: t("stats.valid_short"), Values: val, Class: "stats-s2"}})
	w.Header().Set("Cache-Control", "public, max-age=300")
	return s.page(w, r, "stats_public", "stats.page_public", statsPublicPage{S: sum, Chart: chart})
}

// statsOpenData downloads the headline figures as CSV (open data: one
// figure per row, with its measure and level, and the day it describes).
func (s *Server) statsOpenData(w http.ResponseWriter, r *http.Request) error {
	sum, err := s.Stats.Summary(r.Context())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	cw := csv.NewWriter(&buf)
	_ = cw.Write([]string{"date", "figure", "category", "value"})
	day := sum.Date.String()
	for _, m := range []struct {
		name string
		c    stats.StarCounts
	}{{"products_evaluated_since_2019", sum.Evaluated}, {"products_currently_valid", sum.Valid}} {
		for _, l := range stats.Levels {
			_ = cw.Write([]string{day, m.name, "level_" + string(l), strconv.Itoa(m.c.Of(l))})
		}
		_ = cw.Write([]string{day, m.name, "total", strconv.Itoa(m.c.Total)})
	}
	for _, k := range sum.Producers {
		_ = cw.Write([]string{day, "producers_active", k.Kind, strconv.Itoa(k.Count)})
	}
	_ = cw.Write([]string{day, "producers_active", "total", strconv.Itoa(sum.ProducersTotal)})
	_ = cw.Write([]string{day, "craft_villages", "total", strconv.Itoa(sum.Villages)})
	_ = cw.Write([]string{day, "craft_villages", "recognised", strconv.Itoa(sum.VillagesRecd)})
	sale := ""
	if sum.SalePoints != nil {
		sale = strconv.Itoa(*sum.SalePoints)
	}
	_ = cw.Write([]string{day, "sale_points", "total", sale})
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", "ocop-open-data-"+day+".csv"))
	h.Set("Cache-Control", "public, max-age=300")
	_, err = buf.WriteTo(w)
	return err
}
