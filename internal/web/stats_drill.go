package web

import (
	"net/http"

	"ocop/internal/registry"
	"ocop/internal/stats"
)

// statsDrillPage lists the products behind a dashboard number.
type statsDrillPage struct {
	Items   []stats.DrillRow
	Total   int
	Page    int
	PerPage int
	Filter  stats.DrillFilter
	// Desc describes the filter in words, one item per criterion.
	Desc []string
}

// Pages is the number of pages (for the pager partial).
func (p statsDrillPage) Pages() int {
	return registry.Page[stats.DrillRow]{Total: p.Total, PerPage: p.PerPage}.Pages()
}

// statsDrill lists the products behind a number of the dashboard, counted
// exactly as the dashboard counts them.
func (s *Server) statsDrill(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, statsRoles...)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f, err := stats.ParseDrill(q.Get)
	if err != nil {
		return err
	}
	res, err := s.Stats.Drill(r.Context(), p, f)
	if err != nil {
		return err
	}
	lang := langOf(r)
	t := func(key string, args ...any) string { return s.Catalog.T(lang, key, args...) }
	pg := statsDrillPage{Items: res.Items, Total: res.Total, Page: res.Page, PerPage: res.PerPage, Filter: f}
	switch {
	case f.Year != 0 && f.Five:
		pg.Desc = append(pg.Desc, t("stats.drill_first_five", f.Year))
	case f.Year != 0:
		pg.Desc = append(pg.Desc, t("stats.drill_first_year", f.Year))
	case f.Round != 0:
		pg.Desc = append(pg.Desc, t("stats.drill_round"))
	default:
		pg.Desc = append(pg.Desc, t("stats."+string(f.Measure)))
	}
	if f.Level != "" {
		pg.Desc = append(pg.Desc, t("stats.level_"+string(f.Level)))
	}
	if f.Group != "" {
		if c, ok := s.Registry.Categories().Get(f.Group); ok {
			name := c.Name
			if lang == "en" {
				name = c.NameEn
			}
			pg.Desc = append(pg.Desc, c.Code+" "+name)
		}
	}
	if f.Commune != "" {
		pg.Desc = append(pg.Desc, s.wardName(f.Commune))
	}
	switch f.District {
	case "":
	case "-":
		pg.Desc = append(pg.Desc, t("stats.district_unknown"))
	default:
		if d, ok := s.Registry.Units().OldDistrict(f.District); ok {
			pg.Desc = append(pg.Desc, d.FullName)
		}
	}
	return s.page(w, r, "stats_products", "stats.page_drill", pg)
}
