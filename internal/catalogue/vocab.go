package catalogue

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// vocabulary is the set of folded words of the public products' search
// keys, with their document frequency: what a mistyped word is corrected
// against. It lives in memory (a few thousand words even for 100,000
// products: names repeat), is built from the database on first need, and
// is rebuilt only when a correction is needed and the registry changed
// since (fingerprint), so a search without typos never pays for it.
type vocabulary struct {
	fp    string
	words []string // sorted
	freq  map[string]int
}

// hasPrefix reports whether some word starts with t.
func (v *vocabulary) hasPrefix(t string) bool {
	i := sort.SearchStrings(v.words, t)
	return i < len(v.words) && strings.HasPrefix(v.words[i], t)
}

// maxEdits is the typo budget of a word: none below 3 letters (too many
// near neighbours), one up to 5, two from 6 letters.
func maxEdits(t string) int {
	switch n := len(t); {
	case n < 3:
		return 0
	case n <= 5:
		return 1
	default:
		return 2
	}
}

// nearest returns up to limit words within the typo budget of t, the
// closest first, then the most frequent. A word also counts when t is
// within budget of its prefix of the same length (a mistyped word still
// being typed), at one more edit.
func (v *vocabulary) nearest(t string, limit int) []string {
	k := maxEdits(t)
	if k == 0 {
		return nil
	}
	type cand struct {
		w string
		d int
	}
	var cs []cand
	for _, w := range v.words {
		if abs(len(w)-len(t)) > k && len(w) < len(t) {
			continue
		}
		d := k + 1
		if abs(len(w)-len(t)) <= k {
			d = editDistance(t, w, k)
		}
		if d > k && len(w) > len(t) && len(t) >= 4 {
			if pd := editDistance(t, w[:len(t)], k-1); pd <= k-1 {
				d = pd + 1
			}
		}
		if d <= k {
			cs = append(cs, cand{w, d})
		}
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].d != cs[j].d {
			return cs[i].d < cs[j].d
		}
		if fi, fj := v.freq[cs[i].w], v.freq[cs[j].w]; fi != fj {
			return fi > fj
		}
		return cs[i].w < cs[j].w
	})
	// Keep only the best distance: "gom" → "gong" must not drag in every
	// word two edits away when one is one edit away.
	var out []string
	for _, c := range cs {
		if len(out) == limit || c.d > cs[0].d {
			break
		}
		out = append(out, c.w)
	}
	return out
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// editDistance is the Damerau–Levenshtein (optimal string alignment)
// distance of a and b over bytes (folded words are ASCII), or max+1 as soon
// as it must exceed max.
func editDistance(a, b string, max int) int {
	if abs(len(a)-len(b)) > max {
		return max + 1
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			best = min(best, cur[j])
		}
		if best > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// vocab returns the vocabulary, rebuilt first when the registry changed
// (fp is the registry fingerprint of fresh).
func (s *Service) vocab(ctx context.Context, fp string) (*vocabulary, error) {
	s.mu.Lock()
	v := s.voc
	s.mu.Unlock()
	if v != nil && v.fp == fp {
		return v, nil
	}
	s.vocabBuild.Lock()
	defer s.vocabBuild.Unlock()
	s.mu.Lock()
	v = s.voc
	s.mu.Unlock()
	if v != nil && v.fp == fp {
		return v, nil
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT p.search_key FROM products p JOIN producers pr ON pr.id = p.producer_id
		WHERE p.status = 'active' AND pr.status = 'active'`)
	if err != nil {
		return nil, fmt.Errorf("catalogue vocabulary: %w", err)
	}
	defer rows.Close()
	nv := &vocabulary{fp: fp, freq: map[string]int{}}
	for rows.Next() {
		var key string
		if err := rows.Scan(&key); err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		for _, w := range strings.Fields(key) {
			if !seen[w] && !isDigits(w) {
				seen[w] = true
				nv.freq[w]++
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	nv.words = make([]string, 0, len(nv.freq))
	for w := range nv.freq {
		nv.words = append(nv.words, w)
	}
	sort.Strings(nv.words)
	s.mu.Lock()
	s.voc = nv
	s.mu.Unlock()
	return nv, nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
