package evaluation

import (
	"context"
	"strconv"
	"strings"

	"ocop/internal/account"
	"ocop/internal/apperr"
)

// The forms of Phụ lục III that a dossier prints.
const (
	FormRegistration = "01" // Mẫu 01: Phiếu đăng ký
	FormSelfReport   = "02" // Mẫu 02: Báo cáo tự đánh giá
	FormCommune      = "03" // Mẫu 03: Báo cáo của UBND cấp xã
)

// PrintForms lists the printable forms.
var PrintForms = []string{FormRegistration, FormSelfReport, FormCommune}

// Printout is a filled-in form of Phụ lục III, laid out in the form's own
// order so that an HTML page and a PDF writer render the same thing.
// Labels are message keys (the form's wording, in the catalogue); values
// are the dossier's data as entered.
type Printout struct {
	Form string
	// TitleKey is the form's title; Heading is a line under it (e.g. the
	// province and year of Mẫu 01), already filled in.
	TitleKey   string
	Heading    []PrintArg
	DossierID  int64
	RegNo      string
	Authority  string // Mẫu 03: the issuing commune's People's Committee
	Place      string // the place before the date line
	Date       Date   // the date line (zero: left blank)
	SignerKey  string
	Sections   []PrintSection
	ClosingKey string
	Closing    []any
}

// PrintArg is a message key with its arguments.
type PrintArg struct {
	Key  string
	Args []any
}

// PrintSection is a numbered part of a form.
type PrintSection struct {
	TitleKey string
	Fields   []PrintField
	Table    *PrintTable
}

// Field kinds.
const (
	FieldText  = "text"  // one line
	FieldLong  = "long"  // paragraphs
	FieldCheck = "check" // a box (□/☑)
)

// PrintField is one entry of a form.
type PrintField struct {
	LabelKey string
	Kind     string
	Value    string
	// ValueKey, when set, is a message key to show instead of Value (a
	// code such as the producer's kind, named in the reader's language).
	ValueKey string
	Checked  bool
}

// PrintCell is a table cell: text as entered, or a message key.
type PrintCell struct {
	Text string
	Key  string
}

// PrintTable is a table of a form (Mẫu 02 part III).
type PrintTable struct {
	HeaderKeys []string
	Rows       [][]PrintCell
	// TotalKey and Total close the table.
	TotalKey string
	Total    string
}

func printText(key, v string) PrintField { return PrintField{LabelKey: key, Kind: FieldText, Value: v} }
func printLong(key, v string) PrintField { return PrintField{LabelKey: key, Kind: FieldLong, Value: v} }
func printCheck(key string, b bool) PrintField {
	return PrintField{LabelKey: key, Kind: FieldCheck, Checked: b}
}

// printCode is a field whose value is a code named by a message key
// (ValueKey), such as the producer's kind.
func printCode(key, valueKey string) PrintField {
	return PrintField{LabelKey: key, Kind: FieldText, ValueKey: valueKey}
}

// Print returns a form of a dossier p may open, filled in. lang picks the
// language of names taken from reference data (the product group).
func (s *Service) Print(ctx context.Context, p *account.Principal, id int64, form, lang string) (*Printout, error) {
	d, err := s.Dossier(ctx, p, id)
	if err != nil {
		return nil, err
	}
	switch form {
	case FormRegistration:
		return s.printForm01(&d, lang), nil
	case FormSelfReport:
		sheet, err := s.selfSheet(ctx, s.db, &d)
		if err != nil {
			return nil, err
		}
		return s.printForm02(&d, sheet), nil
	case FormCommune:
		return s.printForm03(&d, lang), nil
	}
	return nil, apperr.New(apperr.NotFound, "err.not_found")
}

// categoryPath names the product group as Mẫu 01 item 3 asks: "Ngành,
// Nhóm, Phân nhóm".
func (s *Service) categoryPath(code, lang string) string {
	var names []string
	for _, c := range s.reg.Categories().Path(code) {
		if lang == "en" && c.NameEn != "" {
			names = append(names, c.NameEn)
		} else {
			names = append(names, c.Name)
		}
	}
	if len(names) == 0 {
		return code
	}
	return strings.Join(names, ", ")
}

func (s *Service) wardName(code string) string {
	if w, ok := s.reg.Units().Ward(code); ok {
		return w.FullName
	}
	return code
}

func (s *Service) provinceOf(commune string) (code, name string) {
	w, ok := s.reg.Units().Ward(commune)
	if !ok {
		return "", ""
	}
	if pr, ok := s.reg.Units().Province(w.ProvinceCode); ok {
		return pr.Code, pr.FullName
	}
	return w.ProvinceCode, w.ProvinceCode
}

func samplesText(n int) string {
	if n == 0 {
		return "0"
	}
	return strconv.Itoa(n)
}

func (s *Service) printForm01(d *Dossier, lang string) *Printout {
	f := d.Form01
	_, province := s.provinceOf(d.CommuneCode)
	year := d.FiledOn.Y
	if year == 0 {
		year = s.Today().Y
	}
	out := &Printout{Form: FormRegistration, TitleKey: "dossier.print_f01_title", DossierID: d.ID, RegNo: d.RegNo,
		Heading: []PrintArg{{"dossier.print_f01_heading", []any{province, year}}},
		Place:   s.wardName(d.CommuneCode), Date: d.FiledOn, SignerKey: "dossier.print_f01_signer"}
	unit, product, category := f.UnitName, f.ProductName, f.CategoryCode
	if unit == "" {
		unit = d.ProducerName
	}
	if product == "" {
		product = d.ProductName
	}
	if category == "" {
		category = d.CategoryCode
	}
	out.Sections = []PrintSection{
		{TitleKey: "dossier.print_f01_s1", Fields: []PrintField{
			printText("dossier.print_f01_unit", unit), printText("dossier.print_f01_representative", f.Representative),
			printText("dossier.print_f01_position", f.Position), printText("dossier.print_f01_address", f.Address),
			printText("dossier.print_f01_phone", f.Phone), printText("dossier.print_f01_email", f.Email),
		}},
		{TitleKey: "dossier.print_f01_s2", Fields: []PrintField{printText("dossier.print_f01_product", product)}},
		{TitleKey: "dossier.print_f01_s3", Fields: []PrintField{printText("dossier.print_f01_group", s.categoryPath(category, lang))}},
		{TitleKey: "dossier.print_f01_s4", Fields: []PrintField{
			printCheck("dossier.kind_first", d.Kind == DossierFirst), printCheck("dossier.kind_upgrade", d.Kind == DossierUpgrade),
			printCheck("dossier.kind_rerating", d.Kind == DossierRerating),
		}},
		{TitleKey: "dossier.print_f01_s5", Fields: []PrintField{
			printCheck("dossier.print_f01_report", true), printText("dossier.print_f01_samples", samplesText(f.Samples)),
		}},
		{TitleKey: "dossier.print_f01_office", Fields: []PrintField{
			printText("dossier.print_reg_no", d.RegNo), printText("dossier.print_received_on", dateVN(d.FiledOn)),
		}},
	}
	out.ClosingKey = "dossier.print_f01_pledge"
	return out
}

// genderField is Mẫu 02 item 5's "Giới tính (Nam/nữ)".
func genderField(g string) PrintField {
	if g == "" {
		return printText("dossier.print_f02_rep_gender", "")
	}
	return printCode("dossier.print_f02_rep_gender", "dossier.gender_"+g)
}

// dateVN formats a date as printed on Vietnamese forms (dd/mm/yyyy).
func dateVN(d Date) string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format("02/01/2006")
}

// printForm02 fills Mẫu 02. Items 1–4 (name, kind, address, contact) are
// the producer's as filed with Mẫu 01.
func (s *Service) printForm02(d *Dossier, sheet *SelfSheet) *Printout {
	f := d.Form02
	out := &Printout{Form: FormSelfReport, TitleKey: "dossier.print_f02_title", DossierID: d.ID, RegNo: d.RegNo,
		Heading: []PrintArg{{"dossier.print_f02_heading", nil}},
		Place:   s.wardName(d.CommuneCode), Date: d.FiledOn, SignerKey: "dossier.print_f02_signer"}
	part1 := []PrintField{
		printText("dossier.print_f02_unit", d.ProducerName),
		printCode("dossier.print_f02_org_kind", "kind."+d.ProducerKind),
		printText("dossier.print_f02_address", d.Form01.Address),
		printText("dossier.print_f02_phone", d.Form01.Phone), printText("dossier.print_f02_email", d.Form01.Email),
		printText("dossier.print_f02_rep_name", f.RepresentativeName),
		genderField(f.RepresentativeGender),
		printText("dossier.print_f02_rep_ethnicity", f.RepresentativeEthnicity),
		printText("dossier.print_f02_rep_residence", f.RepresentativeResidence),
		printText("dossier.print_f02_founded", dateVN(f.FoundedOn)),
		printText("dossier.print_f02_registration", f.RegistrationNo),
		printLong("dossier.print_f02_product", strings.TrimSpace(d.ProductName+"\n"+f.ProductSpec)),
	}
	for _, c := range Form02Checks {
		part1 = append(part1, printCheck("dossier.check_"+c, f.Checked(c)))
	}
	if f.IPOther != "" {
		part1 = append(part1, printText("dossier.field_ip_other", f.IPOther))
	}
	part1 = append(part1, printLong("dossier.print_f02_history", f.History), printLong("dossier.print_f02_organisation", f.Organisation))
	out.Sections = append(out.Sections,
		PrintSection{TitleKey: "dossier.print_f02_part1", Fields: part1},
		PrintSection{TitleKey: "dossier.print_f02_part2", Fields: []PrintField{
			printLong("dossier.field_production", f.Production), printLong("dossier.field_quality_changes", f.QualityChanges),
			printLong("dossier.field_market", f.Market), printLong("dossier.field_revenue", f.Revenue),
		}})
	tbl := &PrintTable{HeaderKeys: []string{"dossier.col_criterion", "dossier.col_title", "dossier.col_option", "dossier.col_points",
		"dossier.col_note", "dossier.col_evidence"}, TotalKey: "dossier.self_total"}
	for _, part := range sheet.Parts {
		for _, sec := range part.Sections {
			for _, c := range sec.Criteria {
				var chosen PrintCell
				pts := ""
				if c.Scored {
					pts = strconv.Itoa(c.Points)
					for _, o := range c.Options {
						if o.Chosen {
							chosen.Text = o.Option.Text
						}
					}
					if c.Criterion.YesNo {
						chosen = PrintCell{Key: "dossier.self_met"}
						if c.NotMet {
							chosen = PrintCell{Key: "dossier.self_not_met"}
						}
					}
				}
				var files []string
				for _, e := range c.Evidence {
					// The file's own name too, so that the paper copy
					// points at the attachment by the name it travels under.
					if e.Filename != "" && e.Filename != e.Title {
						files = append(files, e.Title+" ("+e.Filename+")")
					} else {
						files = append(files, e.Title)
					}
				}
				tbl.Rows = append(tbl.Rows, []PrintCell{{Text: c.Criterion.No}, {Text: c.Criterion.Title}, chosen, {Text: pts},
					{Text: c.Note}, {Text: strings.Join(files, "; ")}})
			}
		}
	}
	tbl.Total = strconv.Itoa(sheet.Total)
	out.Sections = append(out.Sections, PrintSection{TitleKey: "dossier.print_f02_part3", Table: tbl})
	switch d.Kind {
	case DossierUpgrade:
		c := d.Changes
		out.Sections = append(out.Sections, PrintSection{TitleKey: "dossier.changes", Fields: []PrintField{
			printLong("dossier.field_changes_product", c.Product), printLong("dossier.field_changes_packaging", c.Packaging),
			printLong("dossier.field_changes_production", c.Production), printLong("dossier.field_changes_market", c.Market),
			printLong("dossier.field_changes_other", c.Other),
		}})
	case DossierRerating:
		u := d.Updates
		out.Sections = append(out.Sections, PrintSection{TitleKey: "dossier.updates", Fields: []PrintField{
			printLong("dossier.field_updates_materials", u.Materials), printLong("dossier.field_updates_technology", u.Technology),
			printLong("dossier.field_updates_packaging", u.Packaging), printLong("dossier.field_updates_labels", u.Labels),
			printLong("dossier.field_updates_quality_declaration", u.QualityDeclaration),
			printLong("dossier.field_updates_periodic_tests", u.PeriodicTests), printLong("dossier.field_updates_markets", u.Markets),
			printLong("dossier.field_updates_output", u.Output), printLong("dossier.field_updates_revenue", u.Revenue),
			printLong("dossier.field_updates_legal_papers", u.LegalPapers),
		}})
	}
	out.Sections = append(out.Sections, PrintSection{TitleKey: "dossier.print_f02_part4", Fields: []PrintField{printLong("dossier.field_plans", f.Plans)}})
	return out
}

func (s *Service) printForm03(d *Dossier, lang string) *Printout {
	r := d.Report
	ward := s.wardName(d.CommuneCode)
	_, province := s.provinceOf(d.CommuneCode)
	out := &Printout{Form: FormCommune, TitleKey: "dossier.print_f03_title", DossierID: d.ID, RegNo: d.RegNo,
		Heading: []PrintArg{{"dossier.print_f03_heading", nil}}, Authority: ward,
		Place: ward, Date: r.ReportedOn, SignerKey: "dossier.print_f03_signer"}
	f := d.Form02
	out.Sections = []PrintSection{
		{TitleKey: "dossier.print_f03_s1", Fields: []PrintField{
			printText("dossier.print_f02_unit", d.ProducerName),
			printCode("dossier.print_f02_org_kind", "kind."+d.ProducerKind),
			printText("dossier.print_f02_address", d.Form01.Address),
			printText("dossier.print_f02_rep_name", f.RepresentativeName),
			genderField(f.RepresentativeGender),
			printText("dossier.print_f02_rep_ethnicity", f.RepresentativeEthnicity),
			printText("dossier.print_f02_rep_residence", f.RepresentativeResidence),
			printText("dossier.print_f03_product", d.ProductName+" ("+s.categoryPath(d.CategoryCode, lang)+")"),
		}},
		{TitleKey: "dossier.print_f03_s2", Fields: []PrintField{
			printLong("dossier.report_raw_materials", r.RawMaterials), printLong("dossier.report_labour", r.Labour),
			printLong("dossier.report_idea_origin", r.IdeaOrigin), printLong("dossier.report_identity", r.Identity),
		}},
	}
	out.ClosingKey = "dossier.print_f03_closing"
	out.Closing = []any{ward, province, d.ProductName, d.ProducerName}
	return out
}
