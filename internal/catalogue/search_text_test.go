package catalogue

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
)

// topHits must give exactly the first k of a full sort, in every order.
func TestTopHits(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	all := make([]ranked, 3000)
	for i := range all {
		all[i] = ranked{hit: &hit{id: int64(i + 1), star: []int{0, 3, 4, 5}[r.IntN(4)], p5: r.IntN(10) == 0,
			key: fmt.Sprintf("w%03d", r.IntN(500)), issued: fmt.Sprintf("2025-%02d-01", 1+r.IntN(12))}, tier: r.IntN(3)}
	}
	for _, mode := range []string{"", SortRelevance, SortStars, SortName, SortNewest} {
		for _, k := range []int{1, 24, 48, 700, 2999, 5000} {
			ptrs := func() []*ranked {
				out := make([]*ranked, len(all))
				for i := range all {
					out[i] = &all[i]
				}
				return out
			}
			full := ptrs()
			m := mode
			if m == "" {
				m = SortRelevance
			}
			sort.Slice(full, func(i, j int) bool { return hitLess(full[i], full[j], m) })
			got := topHits(ptrs(), Query{Sort: mode}, k)
			want := full[:min(k, len(full))]
			if len(got) < len(want) {
				t.Fatalf("mode %q k %d: %d hits, want %d", mode, k, len(got), len(want))
			}
			for i := range want {
				if got[i].id != want[i].id {
					t.Fatalf("mode %q k %d: position %d is %d, want %d", mode, k, i, got[i].id, want[i].id)
				}
			}
		}
	}
}
