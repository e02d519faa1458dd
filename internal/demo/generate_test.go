package demo

import (
	"fmt"
	"hash/fnv"
	"testing"
	"time"

	"ocop/internal/bootstrap"
)

// fingerprint hashes every generated field that ends up in the database.
func fingerprint(p *plan) string {
	h := fnv.New64a()
	for _, v := range p.villages {
		fmt.Fprintf(h, "%+v\n", v)
	}
	for _, pr := range p.producers {
		fmt.Fprintf(h, "%s|%s|%s|%s|%s|%s|%s|%s|%f|%f|%d|%s\n", pr.Kind, pr.Name, pr.RegNo, pr.Representative, pr.Phone,
			pr.Commune, pr.LegacyCommune, pr.AddressLine, pr.Lat, pr.Lng, pr.Workers, pr.Created)
		for _, x := range pr.products {
			fmt.Fprintf(h, "  %+v\n", *x)
		}
	}
	return fmt.Sprintf("%x", h.Sum64())
}

// TestGenerate checks that a seed always gives the same data, another seed
// other data, and that an earlier clock keeps the totals while moving no
// record after it.
func TestGenerate(t *testing.T) {
	ref, err := bootstrap.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := loadCatalogue(ref.Categories)
	if err != nil {
		t.Fatal(err)
	}
	nov2026 := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	base, err := generate(cat, ref.Units, 1, nov2026)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name     string
		seed     int64
		now      time.Time
		sameData bool
	}{
		{"same seed", 1, nov2026, true},
		{"other seed", 2, nov2026, false},
		{"clock in mid-2024", 1, time.Date(2024, 6, 30, 12, 0, 0, 0, time.UTC), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := generate(cat, ref.Units, tt.seed, tt.now)
			if err != nil {
				t.Fatal(err)
			}
			if same := fingerprint(p) == fingerprint(base); same != tt.sameData {
				t.Errorf("same data as seed 1: got %v, want %v", same, tt.sameData)
			}
			stars := map[string]int{}
			for _, x := range p.products() {
				stars[fmt.Sprint(x.Star, x.Potential5)]++
				if x.Year > tt.now.Year() || x.Created.After(tt.now) {
					t.Errorf("%s: year %d, created %s, after the clock %s", x.Code, x.Year, x.Created, tt.now)
				}
			}
			want := map[string]int{"5 false": TargetFiveStar, "4 true": TargetPotential5, "4 false": TargetFourStar, "3 false": TargetThreeStar}
			if fmt.Sprint(stars) != fmt.Sprint(want) {
				t.Errorf("stars: got %v, want %v", stars, want)
			}
			recognised := 0
			for _, v := range p.villages {
				if v.Recognised {
					recognised++
					if v.Year > tt.now.Year() {
						t.Errorf("%s recognised in %d, after the clock", v.Name, v.Year)
					}
				}
			}
			if len(p.villages) != TargetVillages || recognised != TargetRecognised {
				t.Errorf("villages: got %d (%d recognised), want %d (%d)", len(p.villages), recognised, TargetVillages, TargetRecognised)
			}
		})
	}
}

func TestApportion(t *testing.T) {
	for _, tt := range []struct {
		weights []int
		total   int
		want    string
	}{
		{[]int{1, 1, 1}, 10, "[4 3 3]"},
		{[]int{500, 554, 0}, 1054, "[500 554 0]"},
		{[]int{2, 1}, 0, "[0 0]"},
		{[]int{0, 0}, 5, "[0 0]"},
	} {
		if got := fmt.Sprint(apportion(tt.weights, tt.total)); got != tt.want {
			t.Errorf("apportion(%v, %d) = %s, want %s", tt.weights, tt.total, got, tt.want)
		}
	}
}
