package stats

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/url"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// T translates a catalogue key (the page's or the report's language).
type T func(key string, args ...any) string

// Cell is one cell of a table: its text, whether it is a number, and the
// link to the records behind it ("" for none).
type Cell struct {
	Text string
	Num  bool
	Href string
}

// Table is a table of the dashboard or a report, the same data whether it
// is shown as HTML, downloaded as CSV or XLSX, or printed in a report.
type Table struct {
	// Name is the file name stem (levels, groups, communes, districts,
	// years, rounds, producers).
	Name  string
	Title string
	Head  []string
	Rows  [][]Cell
}

// TableNames lists the dashboard tables that can be downloaded.
var TableNames = []string{"levels", "groups", "communes", "districts", "years", "rounds", "producers"}

// DrillURL is the back-office link to the products behind a number.
func DrillURL(kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	if len(q) == 0 {
		return "/admin/stats/products"
	}
	return "/admin/stats/products?" + q.Encode()
}

func num(n int, href string) Cell { return Cell{Text: strconv.Itoa(n), Num: true, Href: href} }

// levelCells returns the cells of the four levels and the total of a
// count, each linked to its products (extra are the filter's other
// parameters).
func levelCells(c StarCounts, m Measure, extra ...string) []Cell {
	out := make([]Cell, 0, 5)
	for _, l := range Levels {
		out = append(out, num(c.Of(l), DrillURL(append([]string{"measure", string(m), "level", string(l)}, extra...)...)))
	}
	return append(out, num(c.Total, DrillURL(append([]string{"measure", string(m)}, extra...)...)))
}

func levelHead(t T, prefix string) []string {
	out := make([]string, 0, 5)
	for _, l := range Levels {
		out = append(out, prefix+t("stats.level_"+string(l)))
	}
	return append(out, prefix+t("stats.total"))
}

// Tables builds every table of a dashboard.
func Tables(d *Dashboard, t T) map[string]Table {
	out := map[string]Table{}
	cum, val := t("stats.cumulative_short")+": ", t("stats.valid_short")+": "

	lv := Table{Name: "levels", Title: t("stats.by_level"), Head: []string{t("stats.level"), t("stats.cumulative"), t("stats.valid")}}
	for _, l := range Levels {
		lv.Rows = append(lv.Rows, []Cell{{Text: t("stats.level_" + string(l))},
			num(d.Cumulative.Of(l), DrillURL("measure", string(Cumulative), "level", string(l))),
			num(d.Valid.Of(l), DrillURL("measure", string(Valid), "level", string(l)))})
	}
	lv.Rows = append(lv.Rows, []Cell{{Text: t("stats.total")}, num(d.Cumulative.Total, DrillURL("measure", string(Cumulative))),
		num(d.Valid.Total, DrillURL("measure", string(Valid)))})
	out[lv.Name] = lv

	gr := Table{Name: "groups", Title: t("stats.by_group"), Head: append(append([]string{t("stats.group")}, levelHead(t, cum)...), levelHead(t, val)...)}
	for _, r := range d.ByGroup {
		row := append([]Cell{{Text: r.Label}}, levelCells(r.Cumulative, Cumulative, "group", r.Key)...)
		gr.Rows = append(gr.Rows, append(row, levelCells(r.Valid, Valid, "group", r.Key)...))
	}
	out[gr.Name] = gr

	units := func(name, title, head, key string, rows []Row) Table {
		tb := Table{Name: name, Title: title, Head: append(append(append([]string{head}, levelHead(t, cum)...), levelHead(t, val)...),
			t("stats.producers_active"), t("stats.villages"), t("stats.villages_recognised"))}
		for _, r := range rows {
			k, label := r.Key, r.Label
			if k == "" {
				k, label = "-", t("stats.district_unknown")
			}
			row := append([]Cell{{Text: label}}, levelCells(r.Cumulative, Cumulative, key, k)...)
			row = append(row, levelCells(r.Valid, Valid, key, k)...)
			pHref, vHref := "/admin/producers?status=active&"+key+"="+url.QueryEscape(k), "/admin/villages?"+key+"="+url.QueryEscape(k)
			if k == "-" {
				pHref, vHref = "", ""
			}
			row = append(row, num(r.Producers, pHref), num(r.Villages, vHref), num(r.Recognised, vHref+"&recognised=1"))
			if vHref == "" {
				row[len(row)-1].Href = ""
			}
			tb.Rows = append(tb.Rows, row)
		}
		return tb
	}
	out["communes"] = units("communes", t("stats.by_commune"), t("stats.commune"), "commune", d.ByCommune)
	out["districts"] = units("districts", t("stats.by_district"), t("stats.district"), "district", d.ByDistrict)

	yr := Table{Name: "years", Title: t("stats.by_year"), Head: append(append([]string{t("stats.year")}, levelHead(t, t("stats.new_short")+": ")...),
		t("stats.new_five"), t("stats.certificates_issued"))}
	for _, r := range d.ByYear {
		y := strconv.Itoa(r.Year)
		row := []Cell{{Text: y}}
		for _, l := range Levels {
			row = append(row, num(r.New.Of(l), DrillURL("year", y, "level", string(l))))
		}
		row = append(row, num(r.New.Total, DrillURL("year", y)), num(r.NewFive, DrillURL("year", y, "five", "1")), num(r.Certificates.Total, ""))
		yr.Rows = append(yr.Rows, row)
	}
	out[yr.Name] = yr

	rd := Table{Name: "rounds", Title: t("stats.by_round"), Head: append([]string{t("stats.round")}, levelHead(t, t("stats.certificates_short")+": ")...)}
	for _, r := range d.ByRound {
		id := strconv.FormatInt(r.ID, 10)
		row := []Cell{{Text: t("stats.round_label_"+r.Level, r.No, r.Year)}}
		for _, l := range Levels {
			row = append(row, num(r.Certificates.Of(l), DrillURL("round", id, "level", string(l))))
		}
		rd.Rows = append(rd.Rows, append(row, num(r.Certificates.Total, DrillURL("round", id))))
	}
	out[rd.Name] = rd

	pk := Table{Name: "producers", Title: t("stats.by_kind"), Head: []string{t("stats.kind"), t("stats.producers_active")}}
	for _, k := range d.Producers {
		pk.Rows = append(pk.Rows, []Cell{{Text: t("kind." + k.Kind)}, num(k.Count, "/admin/producers?status=active&kind="+url.QueryEscape(k.Kind))})
	}
	pk.Rows = append(pk.Rows, []Cell{{Text: t("stats.total")}, num(d.ProducersTotal, "/admin/producers?status=active")})
	out[pk.Name] = pk
	return out
}

// WriteCSV writes a table as UTF-8 CSV with a byte-order mark (so that
// spreadsheet programs read the Vietnamese text correctly).
func WriteCSV(w io.Writer, tb Table) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(tb.Head); err != nil {
		return err
	}
	for _, r := range tb.Rows {
		rec := make([]string, len(r))
		for i, c := range r {
			rec[i] = c.Text
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes tables as a workbook, one sheet each, numbers as
// numbers.
func WriteXLSX(w io.Writer, tables ...Table) error {
	f := excelize.NewFile()
	defer f.Close()
	for i, tb := range tables {
		sheet := tb.Name
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sheet); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(sheet); err != nil {
			return err
		}
		if err := writeSheet(f, sheet, 1, tb); err != nil {
			return err
		}
	}
	return f.Write(w)
}

// writeSheet writes a table with its title at row, returning nothing; the
// header is bold.
func writeSheet(f *excelize.File, sheet string, row int, tb Table) error {
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	cell := func(c, r int) string { n, _ := excelize.CoordinatesToCellName(c, r); return n }
	if err := f.SetCellValue(sheet, cell(1, row), tb.Title); err != nil {
		return err
	}
	_ = f.SetCellStyle(sheet, cell(1, row), cell(1, row), bold)
	for i, h := range tb.Head {
		if err := f.SetCellValue(sheet, cell(i+1, row+1), h); err != nil {
			return err
		}
	}
	_ = f.SetCellStyle(sheet, cell(1, row+1), cell(max(len(tb.Head), 1), row+1), bold)
	for j, r := range tb.Rows {
		for i, c := range r {
			var v any = c.Text
			if c.Num {
				if n, err := strconv.ParseFloat(c.Text, 64); err == nil {
					v = n
				}
			}
			if err := f.SetCellValue(sheet, cell(i+1, row+2+j), v); err != nil {
				return fmt.Errorf("sheet %s: %w", sheet, err)
			}
		}
	}
	return f.SetColWidth(sheet, "A", "A", 40)
}
