package web

import (
	"bytes"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strings"

	"ocop/internal/apperr"
	"ocop/internal/registry"
	"ocop/internal/stats"
)

// statsTable downloads one dashboard table as CSV or XLSX
// (/admin/stats/tables/communes.csv), for the same scope as the dashboard.
func (s *Server) statsTable(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, statsRoles...)
	if err != nil {
		return err
	}
	file := r.PathValue("file")
	ext := strings.TrimPrefix(path.Ext(file), ".")
	name := strings.TrimSuffix(file, path.Ext(file))
	if !slices.Contains(stats.TableNames, name) || (ext != registry.FormatCSV && ext != registry.FormatXLSX) {
		return apperr.New(apperr.NotFound, "err.not_found")
	}
	lang := langOf(r)
	d, err := s.Stats.Dashboard(r.Context(), p, lang)
	if err != nil {
		return err
	}
	tb := stats.Tables(d, func(key string, args ...any) string { return s.Catalog.T(lang, key, args...) })[name]
	var buf bytes.Buffer
	if ext == registry.FormatCSV {
		err = stats.WriteCSV(&buf, tb)
	} else {
		err = stats.WriteXLSX(&buf, tb)
	}
	if err != nil {
		return err
	}
	return s.sendSpreadsheet(w, fmt.Sprintf("ocop-%s-%s.%s", name, d.Today, ext), ext, buf.Bytes())
}
