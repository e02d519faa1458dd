package registry

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"strconv"

	"ocop/internal/adminunit"
	"ocop/internal/db"
)

// CurrentCategoryVersion is the classification in force: Decision
// 26/2026/QĐ-TTg, Appendix I.
const CurrentCategoryVersion = "26/2026"

//go:embed data/categories-26-2026.csv
var categories26 []byte

// Category is one node of the product classification: a product kind
// (loại: thực phẩm, đồ uống, …), a group (nhóm) or a sub-group (phân nhóm).
// Leaves carry the number of their official scorecard (bộ sản phẩm 1–26).
type Category struct {
	Version      string `json:"version"`
	Code         string `json:"code"` // e.g. "I.3.c"
	ParentCode   string `json:"parent_code,omitempty"`
	Level        string `json:"level"` // kind | group | subgroup
	Name         string `json:"name"`
	NameEn       string `json:"name_en"`
	LeadAgency   string `json:"lead_agency,omitempty"`
	ScorecardSet int    `json:"scorecard_set,omitempty"`
}

// Leaf reports whether products can be classified under c.
func (c Category) Leaf() bool { return c.ScorecardSet > 0 }

// Categories is the classification of one version, in document order.
type Categories struct {
	Version string
	List    []Category
	byCode  map[string]int
}

// Get returns the node with the code.
func (cs *Categories) Get(code string) (Category, bool) {
	i, ok := cs.byCode[code]
	if !ok {
		return Category{}, false
	}
	return cs.List[i], true
}

// Path returns kind, group and sub-group (when any) of a leaf.
func (cs *Categories) Path(code string) []Category {
	var out []Category
	for code != "" {
		c, ok := cs.Get(code)
		if !ok {
			break
		}
		out = append([]Category{c}, out...)
		code = c.ParentCode
	}
	return out
}

// Leaves returns the nodes products can be classified under.
func (cs *Categories) Leaves() []Category {
	var out []Category
	for _, c := range cs.List {
		if c.Leaf() {
			out = append(out, c)
		}
	}
	return out
}

// LoadCategories parses the embedded classification.
func LoadCategories() (*Categories, error) {
	recs, err := csv.NewReader(bytes.NewReader(categories26)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("categories: %w", err)
	}
	cs := &Categories{Version: CurrentCategoryVersion, byCode: map[string]int{}}
	for _, r := range recs[1:] {
		set, err := strconv.Atoi(r[6])
		if err != nil {
			return nil, fmt.Errorf("categories %s: %w", r[0], err)
		}
		cs.byCode[r[0]] = len(cs.List)
		cs.List = append(cs.List, Category{CurrentCategoryVersion, r[0], r[1], r[2], r[3], r[4], r[5], set})
	}
	return cs, nil
}

// SeedCategories loads the classification into the categories table when
// it is missing or changed.
func SeedCategories(ctx context.Context, d *db.DB, cs *Categories) error {
	sum := sha256.Sum256(categories26)
	hash := hex.EncodeToString(sum[:8])
	var have string
	if err := d.QueryRowContext(ctx, "SELECT hash FROM refdata WHERE name = 'categories'").Scan(&have); err == nil && have == hash {
		return nil
	}
	return d.InTx(ctx, func(tx *db.Tx) error {
		for i, c := range cs.List {
			if _, err := tx.ExecContext(ctx, `INSERT INTO categories (version, code, parent_code, level, name, name_en, lead_agency, scorecard_set, position)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (version, code) DO UPDATE SET parent_code = excluded.parent_code,
				level = excluded.level, name = excluded.name, name_en = excluded.name_en, lead_agency = excluded.lead_agency,
				scorecard_set = excluded.scorecard_set, position = excluded.position`,
				c.Version, c.Code, c.ParentCode, c.Level, c.Name, c.NameEn, c.LeadAgency, c.ScorecardSet, i); err != nil {
				return fmt.Errorf("load categories: %w", err)
			}
		}
		return adminunit.SetRefdata(ctx, tx, "categories", hash)
	})
}
