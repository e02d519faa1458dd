package web

import (
	"net/http"
	"slices"

	"ocop/internal/evaluation"
)

// printPage is a filled-in form of Phụ lục III with every message key
// already translated, ready for a print-friendly page.
type printPage struct {
	Form      string
	DossierID int64
	Title     string
	Heading   []string
	RegNo     string
	Authority string
	PlaceDate string
	Signer    string
	Sections  []printSection
	Closing   string
}

type printSection struct {
	Title  string
	Fields []printField
	Table  *printTable
}

type printField struct {
	Label   string
	Kind    string
	Value   string
	Checked bool
}

type printTable struct {
	Header []string
	Rows   [][]string
	Total  string
	Sum    string
}

// translatePrintout resolves the printout's message keys in lang.
func (s *Server) translatePrintout(lang string, po *evaluation.Printout) *printPage {
	t := func(key string, args ...any) string { return s.Catalog.T(lang, key, args...) }
	pg := &printPage{Form: po.Form, DossierID: po.DossierID, Title: t(po.TitleKey), RegNo: po.RegNo, Authority: po.Authority,
		Signer: t(po.SignerKey)}
	for _, h := range po.Heading {
		pg.Heading = append(pg.Heading, t(h.Key, h.Args...))
	}
	day := ""
	if !po.Date.IsZero() {
		day = t("dossier.print_date", po.Date.D, int(po.Date.M), po.Date.Y)
	} else {
		day = t("dossier.print_date_blank")
	}
	pg.PlaceDate = po.Place + ", " + day
	if po.ClosingKey != "" {
		pg.Closing = t(po.ClosingKey, po.Closing...)
	}
	for _, sec := range po.Sections {
		ps := printSection{Title: t(sec.TitleKey)}
		for _, f := range sec.Fields {
			v := f.Value
			if f.ValueKey != "" {
				v = t(f.ValueKey)
			}
			ps.Fields = append(ps.Fields, printField{Label: t(f.LabelKey), Kind: f.Kind, Value: v, Checked: f.Checked})
		}
		if tb := sec.Table; tb != nil {
			pt := &printTable{Total: t(tb.TotalKey), Sum: tb.Total}
			for _, h := range tb.HeaderKeys {
				pt.Header = append(pt.Header, t(h))
			}
			for _, row := range tb.Rows {
				var cells []string
				for _, c := range row {
					if c.Key != "" {
						cells = append(cells, t(c.Key))
					} else {
						cells = append(cells, c.Text)
					}
				}
				pt.Rows = append(pt.Rows, cells)
			}
			ps.Table = pt
		}
		pg.Sections = append(pg.Sections, ps)
	}
	return pg
}

// dossierPrint shows Mẫu 01, 02 or 03 of a dossier filled in, as a page
// made for printing (the national heading, the form's items in order; the
// site's navigation is hidden on paper).
func (s *Server) dossierPrint(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, dossierRoles...)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	form := r.PathValue("form")
	if !slices.Contains(evaluation.PrintForms, form) {
		return s.notFound(w, r)
	}
	lang := langOf(r)
	po, err := s.Evaluation.Print(r.Context(), p, id, form, lang)
	if err != nil {
		return err
	}
	return s.page(w, r, "dossier_print", "dossier.page_print", s.translatePrintout(lang, po))
}
