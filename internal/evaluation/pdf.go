package evaluation

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"
)

// The certificate is printed with DejaVu Serif (fonts/, from the npm
// package dejavu-fonts-ttf 2.37.3; licence in fonts/LICENSE), which covers
// every Vietnamese letter with its tone marks (langcover.txt: vi 100%).
// fpdf embeds only the glyphs a document uses, so a certificate weighs
// tens of kilobytes, not the font's 380.
var (
	//go:embed fonts/DejaVuSerif.ttf
	certFontSerif []byte
	//go:embed fonts/DejaVuSerif-Bold.ttf
	certFontSerifBold []byte
)

// CertificatePrint is what the printed certificate says, with the names
// of the authority and the places resolved.
type CertificatePrint struct {
	Certificate Certificate
	// IssuerLines head the left of the page: "ỦY BAN NHÂN DÂN",
	// "THÀNH PHỐ HÀ NỘI".
	IssuerLines []string
	// AuthorityName names the authority in the "Căn cứ" line:
	// "Chủ tịch Ủy ban nhân dân Thành phố Hà Nội".
	AuthorityName string
	// SignatureLines head the signature: "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH".
	SignatureLines []string
	// Place is where the decision was made ("Hà Nội").
	Place string
	// Address is the producer's address on today's units, and OldAddress
	// its district and commune before 1 July 2025 ("" when unknown).
	Address    string
	OldAddress string
	// VerifyURL is the public page of the certificate.
	VerifyURL string
	// Today is the day the copy is printed: a copy of a certificate that
	// is no longer valid says so across the page.
	Today Date
}

// certVNDate formats a date as Vietnamese documents write it: "ngày 05 tháng
// 12 năm 2026".
func certVNDate(d Date) string {
	return fmt.Sprintf("ngày %02d tháng %02d năm %d", d.D, int(d.M), d.Y)
}

// certShortDate formats a date as dd/mm/yyyy.
func certShortDate(d Date) string { return fmt.Sprintf("%02d/%02d/%d", d.D, int(d.M), d.Y) }

// WriteCertificatePDF writes the certificate as a one-page A4 landscape
// PDF: the issuer and the national heading, the title, the decision it
// rests on, the product, the producer and its address (today's commune
// and the district before 2025), the star sign, the number, the validity
// and the authority's signature block. A copy printed when the certificate
// is revoked, expired or superseded carries that across the page, so a
// printout never passes for a valid certificate.
func WriteCertificatePDF(w io.Writer, cp CertificatePrint) error {
	c := cp.Certificate
	f := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "L", UnitStr: "mm", Size: fpdf.SizeType{Wd: 210, Ht: 297}})
	addSerifFonts(f)
	// A fixed date makes the same certificate print to the same bytes.
	f.SetCreationDate(c.IssuedOn.Time())
	f.SetModificationDate(c.IssuedOn.Time())
	f.SetCatalogSort(true)
	f.SetTitle("Giấy chứng nhận sản phẩm OCOP "+c.Number, true)
	f.SetSubject(c.ProductName, true)
	f.SetAuthor(strings.Join(cp.IssuerLines, " "), true)
	f.SetCreator("ocop", true)
	f.SetLang("vi-VN")
	f.SetMargins(15, 15, 15)
	f.SetAutoPageBreak(false, 0)
	f.AddPage()
	const pageW, pageH = 297.0, 210.0
	t := func(s string) string { return norm.NFC.String(s) }

	// Frame: a dark red border and a thin gold one inside.
	f.SetDrawColor(150, 20, 20)
	f.SetLineWidth(1.4)
	f.Rect(8, 8, pageW-16, pageH-16, "D")
	f.SetDrawColor(200, 150, 30)
	f.SetLineWidth(0.4)
	f.Rect(11, 11, pageW-22, pageH-22, "D")

	// Headings: the issuer on the left, the nation on the right.
	f.SetTextColor(20, 20, 20)
	y := 17.0
	for i, line := range cp.IssuerLines {
		f.SetFont("serif", certBoldIf(i > 0), 11)
		f.SetXY(15, y)
		f.CellFormat(120, 5.5, t(line), "", 0, "C", false, 0, "")
		y += 5.5
	}
	f.SetLineWidth(0.3)
	f.SetDrawColor(20, 20, 20)
	f.Line(60, y+0.8, 90, y+0.8)
	f.SetFont("serif", "", 11)
	f.SetXY(15, y+3)
	f.CellFormat(120, 5.5, t("Số: "+c.Number), "", 0, "C", false, 0, "")

	f.SetFont("serif", "B", 11)
	f.SetXY(150, 17)
	f.CellFormat(135, 5.5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "", 0, "C", false, 0, "")
	f.SetFont("serif", "B", 12)
	f.SetXY(150, 22.5)
	f.CellFormat(135, 6, "Độc lập - Tự do - Hạnh phúc", "", 0, "C", false, 0, "")
	motto := f.GetStringWidth("Độc lập - Tự do - Hạnh phúc")
	f.Line(217.5-motto/2, 29, 217.5+motto/2, 29)

	// Title.
	f.SetTextColor(170, 20, 20)
	f.SetFont("serif", "B", 26)
	f.SetXY(15, 40)
	f.CellFormat(pageW-30, 12, "GIẤY CHỨNG NHẬN SẢN PHẨM OCOP", "", 0, "C", false, 0, "")
	// The programme's name, or on a void copy why it is void.
	f.SetTextColor(60, 60, 60)
	f.SetFont("serif", "", 11)
	sub := "Chương trình Mỗi xã một sản phẩm (One Commune One Product)"
	if detail := certVoidDetail(c, cp.Today); detail != "" {
		f.SetTextColor(200, 0, 0)
		f.SetFont("serif", "B", 10.5)
		sub = detail
	}
	f.SetXY(15, 52)
	f.CellFormat(pageW-30, 6, t(sub), "", 0, "C", false, 0, "")

	f.SetTextColor(20, 20, 20)
	f.SetFont("serif", "", 11)
	f.SetXY(30, 60)
	basis := fmt.Sprintf("Căn cứ Quyết định số %s %s của %s về việc công nhận kết quả đánh giá, phân hạng sản phẩm OCOP,",
		c.DecisionNumber, certVNDate(c.IssuedOn), cp.AuthorityName)
	f.MultiCell(pageW-60, 5.5, t(basis), "", "C", false)

	f.SetFont("serif", "B", 13)
	f.SetXY(15, f.GetY()+1.5)
	f.CellFormat(pageW-30, 7, "CHỨNG NHẬN SẢN PHẨM", "", 1, "C", false, 0, "")
	f.SetTextColor(10, 60, 30)
	f.SetFont("serif", "B", 22)
	f.SetXY(25, f.GetY()+1)
	f.MultiCell(pageW-50, 10, t(c.ProductName), "", "C", false)
	f.SetTextColor(20, 20, 20)
	f.SetFont("serif", "", 12)
	f.SetXY(25, f.GetY()+1)
	f.MultiCell(pageW-50, 6, t("Mã sản phẩm: "+c.ProductCode), "", "C", false)
	f.SetXY(25, f.GetY())
	f.SetFont("serif", "B", 13)
	f.MultiCell(pageW-50, 6.5, t("Chủ thể OCOP: "+c.ProducerName), "", "C", false)
	f.SetFont("serif", "", 11.5)
	f.SetXY(25, f.GetY())
	f.MultiCell(pageW-50, 5.5, t("Địa chỉ: "+cp.Address), "", "C", false)
	if cp.OldAddress != "" {
		f.SetFont("serif", "", 10.5)
		f.SetXY(25, f.GetY())
		f.MultiCell(pageW-50, 5, t("(Địa bàn trước ngày 01/7/2025: "+cp.OldAddress+")"), "", "C", false)
	}

	// The star sign: drawn stars, with the rank in words for readers and
	// text extraction.
	sy := max(f.GetY()+4, 128)
	f.SetFont("serif", "B", 15)
	label := fmt.Sprintf("ĐẠT HẠNG %d SAO", c.Star)
	if c.Potential5 {
		label += " (tiềm năng 5 sao)"
	}
	f.SetTextColor(170, 20, 20)
	f.SetXY(15, sy)
	f.CellFormat(pageW-30, 7, t(label), "", 0, "C", false, 0, "")
	const r = 6.0
	n := int(c.Star)
	f.SetFillColor(235, 175, 0)
	f.SetDrawColor(170, 110, 0)
	f.SetLineWidth(0.3)
	x0 := pageW/2 - float64(n-1)*(2*r+3)/2
	for i := range n {
		certDrawStar(f, x0+float64(i)*(2*r+3), sy+7+r+1, r)
	}

	// Validity (left) and signature (right).
	by := 163.0
	f.SetTextColor(20, 20, 20)
	f.SetFont("serif", "B", 11.5)
	f.SetXY(20, by)
	f.MultiCell(125, 5.5, t("Giấy chứng nhận có giá trị đến "+certVNDate(c.ExpiresOn)+"."), "", "L", false)
	f.SetFont("serif", "", 9.5)
	f.SetXY(20, f.GetY()+1)
	f.MultiCell(125, 4.5, t(fmt.Sprintf("Cấp %s theo Quyết định số %s. Hiệu lực 36 tháng (Điều 4.3 Quyết định 26/2026/QĐ-TTg).",
		certShortDate(c.IssuedOn), c.DecisionNumber)), "", "L", false)
	if cp.VerifyURL != "" {
		f.SetXY(20, f.GetY()+1)
		f.SetTextColor(10, 70, 160)
		f.MultiCell(125, 4.5, t("Tra cứu tình trạng hiệu lực: "+cp.VerifyURL), "", "L", false)
	}

	f.SetTextColor(20, 20, 20)
	f.SetFont("serif", "", 11)
	f.SetXY(150, 150)
	f.CellFormat(135, 5.5, t(cp.Place+", "+certVNDate(c.IssuedOn)), "", 0, "C", false, 0, "")
	sigY := 156.0
	f.SetFont("serif", "B", 11.5)
	for _, line := range cp.SignatureLines {
		f.SetXY(150, sigY)
		f.CellFormat(135, 5.5, t(line), "", 0, "C", false, 0, "")
		sigY += 5.5
	}
	f.SetFont("serif", "B", 12)
	f.SetXY(150, 186)
	f.CellFormat(135, 6, t(c.DecisionSigner), "", 0, "C", false, 0, "")

	if banner := certVoidBanner(c); banner != "" {
		f.SetTextColor(200, 0, 0)
		f.SetFont("serif", "B", 54)
		f.SetAlpha(0.3, "Normal")
		f.TransformBegin()
		f.TransformRotate(15, pageW/2, pageH/2)
		f.SetXY(0, pageH/2-12)
		f.CellFormat(pageW, 24, t(banner), "", 0, "C", false, 0, "")
		f.TransformEnd()
		f.SetAlpha(1, "Normal")
	}
	if err := f.Error(); err != nil {
		return fmt.Errorf("certificate PDF %s: %w", c.Number, err)
	}
	return f.Output(w)
}

// addSerifFonts registers DejaVu Serif, regular ("") and bold ("B"), as
// the family "serif" of a document: the certificate and the printed forms
// of Phụ lục III share it.
func addSerifFonts(f *fpdf.Fpdf) {
	f.AddUTF8FontFromBytes("serif", "", certFontSerif)
	f.AddUTF8FontFromBytes("serif", "B", certFontSerifBold)
}

// AddSerifFonts registers the embedded DejaVu Serif fonts as the family
// "serif" of f, for other packages' PDFs (stamp sheets).
func AddSerifFonts(f *fpdf.Fpdf) { addSerifFonts(f) }

func certBoldIf(b bool) string {
	if b {
		return "B"
	}
	return ""
}

// certDrawStar draws a filled five-pointed star centred on (cx, cy) with outer
// radius r.
func certDrawStar(f *fpdf.Fpdf, cx, cy, r float64) {
	pts := make([]fpdf.PointType, 0, 10)
	for i := range 10 {
		rad := r
		if i%2 == 1 {
			rad = r * 0.42
		}
		a := -math.Pi/2 + float64(i)*math.Pi/5
		pts = append(pts, fpdf.PointType{X: cx + rad*math.Cos(a), Y: cy + rad*math.Sin(a)})
	}
	f.Polygon(pts, "FD")
}

// certVoidBanner is the word printed across a copy of a certificate that is
// not valid on the day it is printed ("" when it is valid).
func certVoidBanner(c Certificate) string {
	switch c.Status {
	case CertRevoked:
		return "ĐÃ THU HỒI"
	case CertExpired:
		return "HẾT HIỆU LỰC"
	case CertSuperseded:
		return "ĐÃ ĐƯỢC THAY THẾ"
	case CertNotYetValid:
		return "CHƯA CÓ HIỆU LỰC"
	}
	return ""
}

// certVoidDetail says why a copy is void, under the national heading.
func certVoidDetail(c Certificate, today Date) string {
	switch c.Status {
	case CertRevoked:
		return fmt.Sprintf("Bản in ngày %s: giấy chứng nhận đã bị thu hồi theo Quyết định số %s ngày %s.",
			certShortDate(today), c.RevokeDecisionNumber, certShortDate(c.RevokedOn))
	case CertExpired:
		return fmt.Sprintf("Bản in ngày %s: giấy chứng nhận đã hết hiệu lực từ ngày %s.", certShortDate(today), certShortDate(c.ValidUntil.AddDays(1)))
	case CertSuperseded:
		return fmt.Sprintf("Bản in ngày %s: giấy chứng nhận đã được thay thế bởi giấy chứng nhận số %s.", certShortDate(today), c.SupersededByNumber)
	case CertNotYetValid:
		return fmt.Sprintf("Bản in ngày %s: giấy chứng nhận có hiệu lực từ ngày %s.", certShortDate(today), certShortDate(c.IssuedOn))
	}
	return ""
}

// certMinistryRenamed is the day the Ministry of Agriculture and Rural
// Development became the Ministry of Agriculture and Environment
// (Nghị định 35/2025/NĐ-CP, in force 1 March 2025).
var certMinistryRenamed = Date{2025, time.March, 1}

// CertificatePrint composes the printed certificate found by number or
// slug: the issuer, the place, the signature block and the producer's
// address in today's units and before 1 July 2025. baseURL (no trailing
// slash) makes the verification link; "" leaves it out.
func (s *Service) CertificatePrint(ctx context.Context, ref, baseURL string) (CertificatePrint, error) {
	c, err := s.PublicCertificate(ctx, ref)
	if err != nil {
		return CertificatePrint{}, err
	}
	cp := CertificatePrint{Certificate: c, Today: s.Today()}
	if baseURL != "" {
		cp.VerifyURL = strings.TrimSuffix(baseURL, "/") + "/certificates/" + c.Slug()
	}
	units := s.reg.Units()
	provName, provShort := "", ""
	var parts []string
	if c.AddressLine != "" {
		parts = append(parts, c.AddressLine)
	}
	if w, ok := units.Ward(c.CommuneCode); ok {
		parts = append(parts, w.FullName)
		if pv, ok := units.Province(w.ProvinceCode); ok {
			provName, provShort = pv.FullName, pv.Name
			parts = append(parts, pv.FullName)
		}
	}
	cp.Address = strings.Join(parts, ", ")
	var old []string
	if c.LegacyCommuneCode != "" {
		if ow, ok := units.OldWard(c.LegacyCommuneCode); ok {
			old = append(old, ow.FullName)
		}
	}
	districtName, districtShort := "", ""
	if c.LegacyDistrictCode != "" {
		if od, ok := units.OldDistrict(c.LegacyDistrictCode); ok {
			districtName, districtShort = od.FullName, od.Name
			old = append(old, od.FullName)
		}
	}
	cp.OldAddress = strings.Join(old, ", ")
	switch c.Authority {
	case AuthorityMinistry:
		name := "Bộ Nông nghiệp và Môi trường"
		if c.IssuedOn.Before(certMinistryRenamed) {
			name = "Bộ Nông nghiệp và Phát triển nông thôn"
		}
		cp.IssuerLines = []string{strings.ToUpper(name)}
		cp.AuthorityName = "Bộ trưởng " + name
		cp.SignatureLines = []string{"BỘ TRƯỞNG"}
		cp.Place = "Hà Nội"
	case AuthorityDistrict:
		if districtName == "" {
			districtName, districtShort = "cấp huyện", provShort
		}
		cp.IssuerLines = []string{"ỦY BAN NHÂN DÂN", strings.ToUpper(districtName)}
		cp.AuthorityName = "Chủ tịch Ủy ban nhân dân " + districtName
		cp.SignatureLines = []string{"TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"}
		cp.Place = districtShort
	default:
		cp.IssuerLines = []string{"ỦY BAN NHÂN DÂN", strings.ToUpper(provName)}
		cp.AuthorityName = "Chủ tịch Ủy ban nhân dân " + provName
		cp.SignatureLines = []string{"TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"}
		cp.Place = provShort
	}
	return cp, nil
}
