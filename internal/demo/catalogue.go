package demo

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"

	"ocop/internal/registry"
	"ocop/internal/textfold"
)

//go:embed data/*.csv
var dataFS embed.FS

// catalogue is the embedded description of what Hanoi's OCOP registry
// looks like: product lines, crafts of craft villages, and the named
// villages, producers and products of the published sources.
type catalogue struct {
	lines     []line
	byLine    map[string]int
	crafts    []craft
	villages  []namedVillage
	producers []namedProducer
	products  []namedProduct
}

// line is a family of products made by one kind of producer (rice,
// pottery, silk, …), classified under one leaf category.
type line struct {
	ID          string
	Category    string
	Weight      int
	Sectors     []string // words in producer names: "HTX <sector> <place>"
	Districts   []string // old districts where the line is common
	Kinds       []weighted
	Products    []lineProduct
	Ingredients string
	About       string // clause for descriptions
}

type lineProduct struct {
	Name, NameEn string
	Districts    []string // only made there (empty: anywhere)
}

type weighted struct {
	Value  string
	Weight int
}

// craft is a craft of craft villages, and the line its products belong to.
type craft struct {
	Name, NameEn string
	Weight       int
	Line         string
	Districts    []string
}

type namedVillage struct {
	Key, Name, NameEn, Crafts, Line string
	LegacyCommune, Commune          string
	Lat, Lng                        float64
	Year                            int // recognition year, 0 when not recognised
	Description                     string
}

type namedProducer struct {
	Key, Kind, Name, Representative string
	Female, Ethnic                  bool
	LegacyCommune, Commune          string
	District, AddressLine           string
	Workers                         int
	Description                     string
}

type namedProduct struct {
	Producer, Name, NameEn, Category string
	Star                             int
	Potential5                       bool
	Year                             int
	Village, Brand                   string
	Ingredients, Description         string
}

// defaultKinds is the mix of producer kinds when a line names none:
// roughly Hanoi's (cooperatives a third, households 40%, firms a fifth).
var defaultKinds = []weighted{{registry.KindCooperative, 32}, {registry.KindCooperativeGroup, 5}, {registry.KindSME, 22}, {registry.KindHousehold, 41}}

// records reads an embedded CSV file as maps keyed by the header.
func records(name string) ([]map[string]string, error) {
	b, err := dataFS.ReadFile("data/" + name)
	if err != nil {
		return nil, err
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("demo data %s: %w", name, err)
	}
	out := make([]map[string]string, 0, len(recs))
	for _, rec := range recs[1:] {
		m := make(map[string]string, len(rec))
		for i, k := range recs[0] {
			m[k] = textfold.NFC(rec[i])
		}
		out = append(out, m)
	}
	return out, nil
}

func atoi(name, field, v string) (int, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("demo data %s: %s %q is not a number", name, field, v)
	}
	return n, nil
}

func atof(name, field, v string) (float64, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, fmt.Errorf("demo data %s: %s %q is not a number", name, field, v)
	}
	return f, nil
}

func parseWeights(s string) ([]weighted, error) {
	var out []weighted
	for _, f := range strings.Fields(s) {
		k, v, ok := strings.Cut(f, ":")
		n, err := strconv.Atoi(v)
		if !ok || err != nil || n <= 0 {
			return nil, fmt.Errorf("weight %q: want kind:number", f)
		}
		out = append(out, weighted{k, n})
	}
	return out, nil
}

// loadCatalogue parses the embedded data and checks it against the
// classification: every category must be a leaf, every leaf must have a
// line (so that the demo covers all 26 scorecards), and every reference
// between the files must resolve.
func loadCatalogue(cats *registry.Categories) (*catalogue, error) {
	c := &catalogue{byLine: map[string]int{}}
	rows, err := records("lines.csv")
	if err != nil {
		return nil, err
	}
	covered := map[string]bool{}
	for _, r := range rows {
		l := line{ID: r["line"], Category: r["category"], Sectors: splitList(r["sector"]), Districts: strings.Fields(r["districts"]),
			Ingredients: r["ingredients"], About: r["about"]}
		if l.Weight, err = atoi("lines.csv", "weight", r["weight"]); err != nil {
			return nil, err
		}
		if cat, ok := cats.Get(l.Category); !ok || !cat.Leaf() {
			return nil, fmt.Errorf("demo data lines.csv: line %s: %q is not a leaf category", l.ID, l.Category)
		}
		if l.Kinds, err = parseWeights(r["kinds"]); err != nil {
			return nil, fmt.Errorf("demo data lines.csv: line %s: %w", l.ID, err)
		}
		if len(l.Kinds) == 0 {
			l.Kinds = defaultKinds
		}
		for _, p := range splitList(r["products"]) {
			name, where, _ := strings.Cut(p, "@")
			vi, en, ok := strings.Cut(name, "/")
			if !ok {
				return nil, fmt.Errorf("demo data lines.csv: line %s: product %q: want Vietnamese/English", l.ID, p)
			}
			l.Products = append(l.Products, lineProduct{strings.TrimSpace(vi), strings.TrimSpace(en), strings.Fields(where)})
		}
		if len(l.Products) == 0 || len(l.Sectors) == 0 || l.Weight <= 0 {
			return nil, fmt.Errorf("demo data lines.csv: line %s needs products, sectors and a weight", l.ID)
		}
		covered[l.Category] = true
		c.byLine[l.ID] = len(c.lines)
		c.lines = append(c.lines, l)
	}
	for _, leaf := range cats.Leaves() {
		if !covered[leaf.Code] {
			return nil, fmt.Errorf("demo data lines.csv: no line for category %s (%s)", leaf.Code, leaf.Name)
		}
	}
	if rows, err = records("crafts.csv"); err != nil {
		return nil, err
	}
	for _, r := range rows {
		k := craft{Name: r["craft"], NameEn: r["name_en"], Line: r["line"], Districts: strings.Fields(r["districts"])}
		if k.Weight, err = atoi("crafts.csv", "weight", r["weight"]); err != nil {
			return nil, err
		}
		if _, ok := c.byLine[k.Line]; k.Line != "" && !ok {
			return nil, fmt.Errorf("demo data crafts.csv: craft %s: unknown line %q", k.Name, k.Line)
		}
		c.crafts = append(c.crafts, k)
	}
	if rows, err = records("villages.csv"); err != nil {
		return nil, err
	}
	for _, r := range rows {
		v := namedVillage{Key: r["key"], Name: r["name"], NameEn: r["name_en"], Crafts: r["crafts"], Line: r["line"],
			LegacyCommune: r["legacy_commune"], Commune: r["commune"], Description: r["description"]}
		if v.Lat, err = atof("villages.csv", "lat", r["lat"]); err != nil {
			return nil, err
		}
		if v.Lng, err = atof("villages.csv", "lng", r["lng"]); err != nil {
			return nil, err
		}
		if v.Year, err = atoi("villages.csv", "recognised_year", r["recognised_year"]); err != nil {
			return nil, err
		}
		if _, ok := c.byLine[v.Line]; v.Line != "" && !ok {
			return nil, fmt.Errorf("demo data villages.csv: village %s: unknown line %q", v.Key, v.Line)
		}
		c.villages = append(c.villages, v)
	}
	if rows, err = records("producers.csv"); err != nil {
		return nil, err
	}
	producers := map[string]bool{}
	for _, r := range rows {
		p := namedProducer{Key: r["key"], Kind: r["kind"], Name: r["name"], Representative: r["representative"],
			Female: r["female"] == "1", Ethnic: r["ethnic"] == "1", LegacyCommune: r["legacy_commune"], Commune: r["commune"],
			District: r["district"], AddressLine: r["address_line"], Description: r["description"]}
		if p.Workers, err = atoi("producers.csv", "workers", r["workers"]); err != nil {
			return nil, err
		}
		producers[p.Key] = true
		c.producers = append(c.producers, p)
	}
	if rows, err = records("products.csv"); err != nil {
		return nil, err
	}
	villages := map[string]bool{}
	for _, v := range c.villages {
		villages[v.Key] = true
	}
	for _, r := range rows {
		p := namedProduct{Producer: r["producer"], Name: r["name"], NameEn: r["name_en"], Category: r["category"],
			Potential5: r["potential5"] == "1", Village: r["village"], Brand: r["brand"], Ingredients: r["ingredients"], Description: r["description"]}
		if p.Star, err = atoi("products.csv", "star", r["star"]); err != nil {
			return nil, err
		}
		if p.Year, err = atoi("products.csv", "year", r["year"]); err != nil {
			return nil, err
		}
		if !producers[p.Producer] || (p.Village != "" && !villages[p.Village]) {
			return nil, fmt.Errorf("demo data products.csv: %s: unknown producer %q or village %q", p.Name, p.Producer, p.Village)
		}
		if cat, ok := cats.Get(p.Category); !ok || !cat.Leaf() {
			return nil, fmt.Errorf("demo data products.csv: %s: %q is not a leaf category", p.Name, p.Category)
		}
		c.products = append(c.products, p)
	}
	return c, nil
}

// splitList splits "a;b; c" into trimmed, non-empty parts.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
