package demo

// statsTargets writes the programme office's targets the published
// figures mention (ocop-rules.md §5): a plan of 400 newly recognised
// products a year (Hanoi recognised 518 in 2022 against it) and at least
// 30 more five-star products in 2025; the load's year carries the same
// yearly plan. Values only: the progress is computed from the records.
func (w *writer) statsTargets() error {
	year := w.now.Year()
	rows := [][]any{
		{2022, "products_year", 400.0, "Kế hoạch hằng năm", w.now, nil, 1},
		{2025, "five_star_year", 30.0, "Ít nhất 30 sản phẩm 5 sao mới", w.now, nil, 1},
	}
	if year != 2022 && year != 2025 {
		rows = append(rows, []any{year, "products_year", 400.0, "Kế hoạch hằng năm", w.now, nil, 1})
	}
	return w.insert("stats_targets", []string{"year", "metric", "value", "note", "updated_at", "updated_by", "version"}, rows, "")
}
