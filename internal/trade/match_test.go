package trade

import (
	"slices"
	"testing"
)

func TestRank(t *testing.T) {
	hanoi := [2]float64{21.0285, 105.8542}
	d := Demand{CategoryCode: "I.3.c", Keywords: "long nhãn", Quantity: 2, Unit: "tonne", Frequency: "monthly", MinStar: 4,
		Certifications: []string{"haccp"}, TargetMarket: "japan", DeliveryLat: f64(hanoi[0]), DeliveryLon: f64(hanoi[1])}
	prod := func(id int64, name string, star int) CandidateProduct {
		return CandidateProduct{ID: id, Name: name, NameKey: foldForTest(name), Star: star}
	}
	near, far := [2]float64{21.05, 105.80}, [2]float64{20.25, 106.10}
	cs := []Candidate{
		// A: 4★, HACCP verified, full capacity, near, two orders before.
		{ProducerID: 1, ProducerName: "A", Lat: f64(near[0]), Lon: f64(near[1]), Products: []CandidateProduct{prod(11, "Long nhãn Hưng Yên", 4)},
			Verified: []string{"haccp"}, Offers: []Capacity{{Quantity: 3, Unit: "tonne", Frequency: "monthly", Markets: []string{"japan"}}}, Ordered: 2},
		// B: 5★ but no HACCP: ranks after everyone who has it.
		{ProducerID: 2, ProducerName: "B", Lat: f64(near[0]), Lon: f64(near[1]), Products: []CandidateProduct{prod(21, "Long nhãn sấy", 5)},
			Offers: []Capacity{{Quantity: 5, Unit: "tonne", Frequency: "monthly"}}},
		// C: 4★, HACCP declared only, half the capacity, far.
		{ProducerID: 3, ProducerName: "C", Lat: f64(far[0]), Lon: f64(far[1]), Products: []CandidateProduct{prod(31, "Long nhãn Đông Tảo", 4)},
			Declared: []string{"haccp"}, Offers: []Capacity{{Quantity: 250, Unit: "kg", Frequency: "weekly"}}},
		// D: only 3★: below the minimum, not ranked.
		{ProducerID: 4, ProducerName: "D", Products: []CandidateProduct{prod(41, "Long nhãn", 3)}, Verified: []string{"haccp"}},
		// E: 5★ but the product is not longan: not ranked.
		{ProducerID: 5, ProducerName: "E", Products: []CandidateProduct{prod(51, "Xoài sấy dẻo", 5)}, Verified: []string{"haccp"}},
		// F: 4★, HACCP verified, no offer, no place: ranks after A and C.
		{ProducerID: 6, ProducerName: "F", Products: []CandidateProduct{prod(61, "Long nhãn", 4)}, Verified: []string{"haccp"}, Declined: 3},
	}
	got := Rank(d, cs)
	var order []int64
	for _, m := range got {
		order = append(order, m.ProducerID)
	}
	if want := []int64{1, 3, 6, 2}; !slices.Equal(order, want) {
		t.Fatalf("order = %v, want %v", order, want)
	}
	for i, m := range got {
		if m.Rank != i+1 || len(m.Reasons) < 5 {
			t.Errorf("match %d: rank %d, %d reasons: every rank is explained by stars, certifications, capacity, distance and history", i, m.Rank, len(m.Reasons))
		}
		total := 0.0
		for _, r := range m.Reasons {
			total += r.Points
		}
		if diff := total - m.Score; diff > 0.06 || diff < -0.06 {
			t.Errorf("%s: reasons add up to %.2f, score %.2f", m.ProducerName, total, m.Score)
		}
	}
	keys := func(m Match) []string {
		var out []string
		for _, r := range m.Reasons {
			out = append(out, r.Key)
		}
		return out
	}
	a, c, f, b := got[0], got[1], got[2], got[3]
	for _, tt := range []struct {
		m    Match
		want string
	}{
		{a, "trade.reason_cert_verified"}, {a, "trade.reason_market"}, {a, "trade.reason_fulfilment"},
		{c, "trade.reason_cert_declared"}, {f, "trade.reason_no_offer"}, {f, "trade.reason_distance_unknown"},
		{b, "trade.reason_cert_missing"}, {b, "trade.reason_no_history"},
	} {
		if !slices.Contains(keys(tt.m), tt.want) {
			t.Errorf("%s: reasons %v lack %s", tt.m.ProducerName, keys(tt.m), tt.want)
		}
	}
	// A: 4★ = 20, HACCP verified 25, capacity 3 t ≥ 2 t 25, distance, (2+1)/(2+2) × 10 = 7.5.
	wantA := 20 + 25 + 25 + PointsDistance*(1-*a.DistanceKm/DistanceZero) + 7.5
	if diff := a.Score - wantA; diff > 0.06 || diff < -0.06 {
		t.Errorf("A score %.2f, want %.2f", a.Score, wantA)
	}
	if a.Star != 4 || a.ProductID != 11 || !slices.Equal(b.Missing, []string{"haccp"}) {
		t.Errorf("A star %d product %d; B missing %v", a.Star, a.ProductID, b.Missing)
	}
	// C offers 250 kg a week ≈ 1,083 kg a month of the 2,000 asked: 54%.
	for _, r := range c.Reasons {
		if r.Key == "trade.reason_capacity" && r.Args[0] != 54 {
			t.Errorf("C capacity %v%%, want 54%%", r.Args[0])
		}
	}
	// No minimum star and no keywords: D and E qualify too.
	d.MinStar, d.Keywords = 0, ""
	if n := len(Rank(d, cs)); n != 6 {
		t.Errorf("without minimum and keywords: %d ranked, want 6", n)
	}
	// Capacity in other units cannot be compared.
	cs2 := []Candidate{{ProducerID: 9, Products: []CandidateProduct{prod(91, "Long nhãn", 4)}, Offers: []Capacity{{Quantity: 100, Unit: "litre", Frequency: "monthly"}}}}
	if m := Rank(d, cs2)[0]; !slices.Contains(keys(m), "trade.reason_capacity_units") {
		t.Errorf("litres against tonnes: %v", keys(m))
	}
}

func foldForTest(s string) string { return foldKey(s) }
