package web

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
)

// Charts of the statistics pages are drawn on the server as inline SVG:
// they show without JavaScript, print into reports, and carry a title, a
// description and a text label on every mark, so that a screen reader and
// a black-and-white printout read them. The data behind each chart is in a
// table one click away (a <details> under it).

// chartSeries is one series of a bar or line chart.
type chartSeries struct {
	Name   string
	Values []int
	// Class is the CSS class of its marks (stats-s1, stats-s2, …).
	Class string
}

// chartBar is one category of a bar chart; Href links its marks to the
// records behind them (one link per series, "" for none).
type chartBar struct {
	Label string
	Hrefs []string
}

func esc(s string) string { return html.EscapeString(s) }

// svgBars draws a horizontal bar chart of one or two series.
func svgBars(id, title, desc string, bars []chartBar, series []chartSeries) template.HTML {
	const labelW, barH, gap, width, valueW = 230.0, 14.0, 8.0, 720.0, 60.0
	ns := len(series)
	rowH := float64(ns)*barH + gap
	height := float64(len(bars))*rowH + 40
	maxV := 1
	for _, s := range series {
		for _, v := range s.Values {
			maxV = max(maxV, v)
		}
	}
	plotW := width - labelW - valueW
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="stats-chart" role="img" viewBox="0 0 %.0f %.0f" width="100%%" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg">`, width, height, id, id)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(title), id, esc(desc))
	// Legend.
	x := labelW
	for _, s := range series {
		fmt.Fprintf(&b, `<rect class="%s" x="%.0f" y="4" width="12" height="12"/><text x="%.0f" y="15">%s</text>`, s.Class, x, x+16, esc(s.Name))
		x += 16 + 7*float64(len([]rune(s.Name))) + 24
	}
	for i, bar := range bars {
		y := 28 + float64(i)*rowH
		fmt.Fprintf(&b, `<text class="stats-label" x="%.0f" y="%.1f" text-anchor="end">%s</text>`, labelW-6, y+float64(ns)*barH/2+4, esc(statsShorten(bar.Label, 34)))
		for j, s := range series {
			v := 0
			if i < len(s.Values) {
				v = s.Values[i]
			}
			w := plotW * float64(v) / float64(maxV)
			by := y + float64(j)*barH
			mark := fmt.Sprintf(`<rect class="%s" x="%.0f" y="%.1f" width="%.1f" height="%.0f"><title>%s · %s: %d</title></rect><text x="%.1f" y="%.1f">%d</text>`,
				s.Class, labelW, by, math.Max(w, 0.5), barH-2, esc(bar.Label), esc(s.Name), v, labelW+w+4, by+barH-4, v)
			if j < len(bar.Hrefs) && bar.Hrefs[j] != "" {
				mark = `<a href="` + esc(bar.Hrefs[j]) + `">` + mark + `</a>`
			}
			b.WriteString(mark)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// svgLines draws a line chart over labelled x positions (years).
func svgLines(id, title, desc string, xs []string, series []chartSeries) template.HTML {
	const width, height, left, right, top, bottom = 720.0, 300.0, 50.0, 20.0, 30.0, 40.0
	maxV := 1
	for _, s := range series {
		for _, v := range s.Values {
			maxV = max(maxV, v)
		}
	}
	maxV = niceCeil(maxV)
	plotW, plotH := width-left-right, height-top-bottom
	x := func(i int) float64 {
		if len(xs) <= 1 {
			return left + plotW/2
		}
		return left + plotW*float64(i)/float64(len(xs)-1)
	}
	y := func(v int) float64 { return top + plotH - plotH*float64(v)/float64(maxV) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="stats-chart" role="img" viewBox="0 0 %.0f %.0f" width="100%%" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg">`, width, height, id, id)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(title), id, esc(desc))
	for k := 0; k <= 4; k++ {
		v := maxV * k / 4
		fmt.Fprintf(&b, `<line class="stats-grid" x1="%.0f" x2="%.0f" y1="%.1f" y2="%.1f"/><text x="%.0f" y="%.1f" text-anchor="end">%d</text>`,
			left, width-right, y(v), y(v), left-4, y(v)+4, v)
	}
	for i, l := range xs {
		fmt.Fprintf(&b, `<text x="%.1f" y="%.0f" text-anchor="middle">%s</text>`, x(i), height-bottom+18, esc(l))
	}
	for si, s := range series {
		var pts []string
		for i, v := range s.Values {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(v)))
		}
		fmt.Fprintf(&b, `<polyline class="%s stats-line" points="%s"/>`, s.Class, strings.Join(pts, " "))
		for i, v := range s.Values {
			fmt.Fprintf(&b, `<circle class="%s" cx="%.1f" cy="%.1f" r="3.5"><title>%s · %s: %d</title></circle>`, s.Class, x(i), y(v), esc(xs[i]), esc(s.Name), v)
			dy := -6.0
			if si == 1 {
				dy = 14
			}
			fmt.Fprintf(&b, `<text class="stats-point" x="%.1f" y="%.1f" text-anchor="middle">%d</text>`, x(i), y(v)+dy, v)
		}
		lx := left + float64(si)*(width-left-right)/2
		fmt.Fprintf(&b, `<rect class="%s" x="%.0f" y="6" width="12" height="12"/><text x="%.0f" y="17">%s</text>`, s.Class, lx, lx+16, esc(s.Name))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// mapPoint is one commune on the dot map.
type mapPoint struct {
	Label    string
	Lat, Lng float64
	Value    int
	Href     string
}

// svgDots draws a dot map: each commune at the mean position of its
// recorded producers and craft villages, the dot's area proportional to
// the value and its shade in five classes (a proportional-symbol map: the
// administrative data carries no boundaries).
func svgDots(id, title, desc string, pts []mapPoint, legend func(lo, hi int) string) template.HTML {
	const width, height, pad = 720.0, 560.0, 24.0
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="stats-chart stats-map" role="img" viewBox="0 0 %.0f %.0f" width="100%%" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg">`, width, height, id, id)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(title), id, esc(desc))
	if len(pts) == 0 {
		b.WriteString(`</svg>`)
		return template.HTML(b.String())
	}
	minLat, maxLat, minLng, maxLng := 90.0, -90.0, 180.0, -180.0
	maxV := 1
	for _, p := range pts {
		minLat, maxLat = math.Min(minLat, p.Lat), math.Max(maxLat, p.Lat)
		minLng, maxLng = math.Min(minLng, p.Lng), math.Max(maxLng, p.Lng)
		maxV = max(maxV, p.Value)
	}
	k := math.Cos((minLat + maxLat) / 2 * math.Pi / 180)
	spanX, spanY := math.Max((maxLng-minLng)*k, 1e-6), math.Max(maxLat-minLat, 1e-6)
	scale := math.Min((width-2*pad)/spanX, (height-2*pad-30)/spanY)
	px := func(p mapPoint) (float64, float64) {
		return pad + (p.Lng-minLng)*k*scale, 30 + pad + (maxLat-p.Lat)*scale
	}
	class := func(v int) int {
		if v == 0 {
			return 0
		}
		return min(4, int(float64(v)/float64(maxV)*5))
	}
	for c := 0; c < 5; c++ {
		lo, hi := maxV*c/5, maxV*(c+1)/5
		fmt.Fprintf(&b, `<circle class="stats-c%d" cx="%d" cy="14" r="6"/><text x="%d" y="18">%s</text>`, c, 20+c*130, 30+c*130, esc(legend(lo, hi)))
	}
	for _, p := range pts {
		x, y := px(p)
		r := 2 + 12*math.Sqrt(float64(p.Value)/float64(maxV))
		mark := fmt.Sprintf(`<circle class="stats-c%d" cx="%.1f" cy="%.1f" r="%.1f"><title>%s: %d</title></circle>`, class(p.Value), x, y, r, esc(p.Label), p.Value)
		if p.Href != "" {
			mark = `<a href="` + esc(p.Href) + `">` + mark + `</a>`
		}
		b.WriteString(mark)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// niceCeil rounds up to 1, 2 or 5 times a power of ten.
func niceCeil(v int) int {
	if v <= 5 {
		return 5
	}
	p := int(math.Pow(10, math.Floor(math.Log10(float64(v)))))
	for _, m := range []int{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// statsShorten cuts a label to n characters with an ellipsis.
func statsShorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
