package web

import (
	"bytes"
	"net/http"
	"strconv"

	"ocop/internal/apperr"
	"ocop/internal/evaluation"
	"ocop/internal/stats"
)

// statsReport downloads the monthly or yearly programme report as XLSX or
// PDF (/admin/stats/report?period=year&year=2026&format=pdf), over the
// same scope as the dashboard.
func (s *Server) statsReport(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, statsRoles...)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	format := q.Get("format")
	if format != "xlsx" && format != "pdf" {
		return apperr.New(apperr.Invalid, "stats.err_format")
	}
	period := q.Get("period")
	if period == "" {
		period = "year"
	}
	year, _ := strconv.Atoi(q.Get("year"))
	month, _ := strconv.Atoi(q.Get("month"))
	rep, err := s.Stats.Report(r.Context(), p, period, year, month)
	if err != nil {
		return err
	}
	lang := langOf(r)
	t := func(key string, args ...any) string { return s.Catalog.T(lang, key, args...) }
	h := stats.DefaultHeader(s.Stats, rep.Scope, t)
	var buf bytes.Buffer
	ct := "application/pdf"
	if format == "xlsx" {
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		err = stats.WriteReportXLSX(&buf, rep, h, t)
	} else {
		err = stats.WriteReportPDF(&buf, rep, h, t, evaluation.AddSerifFonts)
	}
	if err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Content-Type", ct)
	hd.Set("Content-Disposition", `attachment; filename="`+stats.ReportFileName(rep.Period, format)+`"`)
	hd.Set("Cache-Control", "no-store")
	_, err = buf.WriteTo(w)
	return err
}
