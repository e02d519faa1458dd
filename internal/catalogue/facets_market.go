package catalogue

import (
	"context"
	"fmt"
	"strconv"

	"ocop/internal/db"
	"ocop/internal/evaluation"
)

// The market's facets (issue 7): "sold at" a sale point and "available
// online". The catalogue reads the market's tables directly, as it reads
// the registry's: a product counts as sold at an operating point when it
// is on the shelf as an OCOP product with a star valid today, or under
// another QĐ 950 category (what the sale point's public page shows).

// stockedFrom selects the shelf rows shown publicly (spp, sp, st aliases).
const stockedFrom = ` FROM sale_point_products spp JOIN sale_points sp ON sp.id = spp.sale_point_id
	LEFT JOIN catalogue_stars st ON st.product_id = spp.product_id
	WHERE sp.status = 'active' AND (spp.category <> 'ocop' OR st.product_id IS NOT NULL)`

// maxSalePointValues bounds the "sold at" facet to the points with the
// most matching products (plus the selected one).
const maxSalePointValues = 40

// marketFP is the market's change counter, part of every fingerprint the
// search results and the snapshot are cached under.
func (s *Service) marketFP(ctx context.Context) (string, error) {
	var n int64
	if err := s.DB.QueryRowContext(ctx, "SELECT changes FROM market_state WHERE name = 'market'").Scan(&n); err != nil {
		return "", fmt.Errorf("market state: %w", err)
	}
	return "m" + strconv.FormatInt(n, 10), nil
}

// snapshotMarket adds the sale points and the online flag to the
// snapshot's products (two flat reads).
func (s *Service) snapshotMarket(ctx context.Context, sn *snapshot) error {
	rows, err := s.DB.QueryContext(ctx, "SELECT spp.product_id, spp.sale_point_id"+stockedFrom+" ORDER BY spp.sale_point_id")
	if err != nil {
		return fmt.Errorf("catalogue snapshot stock: %w", err)
	}
	for rows.Next() {
		var pid, sid int64
		if err := rows.Scan(&pid, &sid); err != nil {
			rows.Close()
			return err
		}
		if h, ok := sn.byID[pid]; ok {
			h.points = append(h.points, sid)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = s.DB.QueryContext(ctx, "SELECT DISTINCT product_id FROM storefronts")
	if err != nil {
		return fmt.Errorf("catalogue snapshot storefronts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var pid int64
		if err := rows.Scan(&pid); err != nil {
			return err
		}
		if h, ok := sn.byID[pid]; ok {
			h.online = true
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return s.snapshotStandards(ctx, sn)
}

// marketCounts counts the market facets of a search without text (the
// GROUP BY path), each with every other filter applied.
func (s *Service) marketCounts(ctx context.Context, pl plan, counts map[string]map[string]int) error {
	counts["soldat"], counts["online"] = map[string]int{}, map[string]int{}
	w, args := pl.where("soldat")
	rows, err := s.DB.QueryContext(ctx, "SELECT spp.sale_point_id, COUNT(*)"+pl.from+
		" JOIN sale_point_products spp ON spp.product_id = p.id JOIN sale_points sp ON sp.id = spp.sale_point_id"+
		w+" AND sp.status = 'active' AND (spp.category <> 'ocop' OR cs.product_id IS NOT NULL) GROUP BY spp.sale_point_id", args...)
	if err != nil {
		return fmt.Errorf("catalogue facet soldat: %w", err)
	}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return err
		}
		counts["soldat"][strconv.FormatInt(id, 10)] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	w, args = pl.where("online")
	var n int
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*)"+pl.from+w+" AND p.id IN (SELECT sf.product_id FROM storefronts sf)", args...).Scan(&n); err != nil {
		return fmt.Errorf("catalogue facet online: %w", err)
	}
	if n > 0 {
		counts["online"]["1"] = n
	}
	return s.standardCounts(ctx, pl, counts)
}

// soldAtFacet is "sold at": the sale points with the most matching
// products, by name.
func (s *Service) soldAtFacet(ctx context.Context, q Query, m map[string]int) (Facet, error) {
	f := Facet{Key: "soldat", TitleKey: "market.facet_soldat", ClearURL: q.With("soldat", "").URL("/search")}
	top := topIDs(m, maxSalePointValues, q.SoldAt)
	if len(top) == 0 {
		return f, nil
	}
	ids := make([]any, len(top))
	for i, x := range top {
		ids[i] = x.id
	}
	names := map[int64]string{}
	rows, err := s.DB.QueryContext(ctx, "SELECT id, name FROM sale_points WHERE id IN ("+db.Placeholders(len(ids))+")", ids...)
	if err != nil {
		return f, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return f, err
		}
		names[id] = name
	}
	if err := rows.Err(); err != nil {
		return f, err
	}
	for _, x := range top {
		name, ok := names[x.id]
		if !ok {
			continue
		}
		v := strconv.FormatInt(x.id, 10)
		f.Values = append(f.Values, FacetValue{Value: v, Label: name, Count: x.n, Selected: x.id == q.SoldAt, URL: q.With("soldat", v).URL("/search")})
		if x.id == q.SoldAt {
			f.Selected = name
		}
	}
	sortByLabel(f.Values)
	return f, nil
}

// onlineFacet is "available online": one value.
func (s *Service) onlineFacet(q Query, m map[string]int) Facet {
	f := Facet{Key: "online", TitleKey: "market.facet_online", ClearURL: q.With("online", "").URL("/search")}
	if n := m["1"]; n > 0 || q.Online {
		f.Values = []FacetValue{{Value: "1", LabelKey: "market.online_yes", Count: n, Selected: q.Online, URL: q.With("online", "1").URL("/search")}}
	}
	if q.Online {
		f.Selected = "market.online_yes"
	}
	return f
}

// certValid is the condition of a certification in force on the day given
// twice as arguments (civil dates as text; empty valid_until never ends).
const certValid = "c.valid_from <= ? AND (c.valid_until = '' OR c.valid_until >= ?)"

// standardKinds are the certification kinds the market records (kept in
// step with market.CertificationKinds; the catalogue does not import market).
var standardKinds = []string{"vietgap", "globalgap", "haccp", "iso22000", "organic", "gi", "collective_mark",
	"certification_mark", "trademark", "fssc22000", "halal", "other"}

func validStandard(s string) bool {
	for _, k := range standardKinds {
		if k == s {
			return true
		}
	}
	return false
}

// today is the day in Vietnam, as the certification dates are written.
func (s *Service) today() string { return evaluation.VietnamDate(s.Now()).String() }

// snapshotStandards adds to the snapshot's products the kinds of
// certification valid today (the product's own and its producer's).
func (s *Service) snapshotStandards(ctx context.Context, sn *snapshot) error {
	day := s.today()
	rows, err := s.DB.QueryContext(ctx, `SELECT DISTINCT p.id, c.kind FROM certifications c
		JOIN products p ON (c.product_id = p.id OR (c.product_id IS NULL AND p.producer_id = c.producer_id))
		WHERE `+certValid, day, day)
	if err != nil {
		return fmt.Errorf("catalogue snapshot standards: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var pid int64
		var kind string
		if err := rows.Scan(&pid, &kind); err != nil {
			return err
		}
		if h, ok := sn.byID[pid]; ok {
			h.standards = append(h.standards, kind)
		}
	}
	return rows.Err()
}

// standardCounts counts the "standard" facet on the GROUP BY path.
func (s *Service) standardCounts(ctx context.Context, pl plan, counts map[string]map[string]int) error {
	counts["standard"] = map[string]int{}
	w, args := pl.where("standard")
	day := s.today()
	rows, err := s.DB.QueryContext(ctx, "SELECT c.kind, COUNT(DISTINCT p.id)"+pl.from+
		" JOIN certifications c ON (c.product_id = p.id OR (c.product_id IS NULL AND c.producer_id = p.producer_id))"+
		w+" AND "+certValid+" GROUP BY c.kind", append(args, day, day)...)
	if err != nil {
		return fmt.Errorf("catalogue facet standard: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return err
		}
		counts["standard"][k] = n
	}
	return rows.Err()
}

// standardFacet is "certifications and standards": the kinds in force.
func (s *Service) standardFacet(q Query, m map[string]int) Facet {
	f := Facet{Key: "standard", TitleKey: "market.facet_standard", ClearURL: q.With("standard", "").URL("/search")}
	for _, k := range standardKinds {
		if m[k] == 0 && k != q.Standard {
			continue
		}
		f.Values = append(f.Values, FacetValue{Value: k, LabelKey: "market.ck_" + k, Count: m[k], Selected: k == q.Standard,
			URL: q.With("standard", k).URL("/search")})
	}
	if q.Standard != "" {
		f.Selected = "market.ck_" + q.Standard
	}
	return f
}
