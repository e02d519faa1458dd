package catalogue_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"ocop/internal/apptest"
	"ocop/internal/textfold"
)

// TestIndexAgreesWithDatabase proves that the in-memory index the search
// page uses matches exactly the products the database's full-text index
// matches, on both engines: for whole words, prefixes being typed,
// several words, typing errors (corrected to alternatives) and the words
// of randomly chosen product names cut at random lengths.
func TestIndexAgreesWithDatabase(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		populate(t, e, 3000)
		ctx := e.Ctx()
		queries := append([]string{}, benchQueries...)
		queries = append(queries, "t", "tr", "b", "01", "01 b00", "HTX", "htx an", "gốm sứ", "xyzzy", "đồng", "chuong dong nam", "2019")
		var names []string
		rows, err := e.App.DB.QueryContext(ctx, "SELECT name FROM products ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
			names = append(names, n)
		}
		rows.Close()
		r := rand.New(rand.NewPCG(5, 2026))
		for range 60 {
			words := textfold.Tokens(names[r.IntN(len(names))])
			n := 1 + r.IntN(min(3, len(words)))
			q := ""
			for _, w := range words[:n] {
				q += " " + w[:1+r.IntN(len(w))]
			}
			queries = append(queries, q)
		}
		matched := 0
		for _, q := range queries {
			mem, dbIDs, err := e.App.Catalogue.IndexAnswers(ctx, q)
			if err != nil {
				t.Fatalf("%q: %v", q, err)
			}
			if !slices.Equal(mem, dbIDs) {
				t.Errorf("%q: in-memory index matched %d products, the database %d", q, len(mem), len(dbIDs))
			}
			if len(mem) > 0 {
				matched++
			}
		}
		if matched < len(queries)*2/3 {
			t.Errorf("only %d of %d queries matched anything: the comparison proves little", matched, len(queries))
		}
	})
}
