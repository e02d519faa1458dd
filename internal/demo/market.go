package demo

import (
	"fmt"
	"math/rand/v2"
	"sort"
)

// demoSalePoints is the number of Hanoi's OCOP sale points (110 showrooms
// and sale points, vietnamplus 2025; ocop-rules.md §5).
const demoSalePoints = 110

// namedSalePoints are sale points the press names (ocop-rules.md §5): the
// first ones get these names, kinds and the old district they are in.
var namedSalePoints = []struct{ name, kind, district string }{
	{"Điểm giới thiệu và bán sản phẩm OCOP siêu thị Hoàng Cầu", "supermarket", "006"},
	{"Điểm giới thiệu và bán sản phẩm OCOP ngõ 59 Ô Chợ Dừa", "commercial_centre", "006"},
	{"Điểm giới thiệu và bán sản phẩm OCOP B11 Kim Liên", "commercial_centre", "006"},
	{"Điểm giới thiệu và bán sản phẩm OCOP HTX Hồng Vân", "craft_village", "279"},
	{"Điểm giới thiệu và bán sản phẩm OCOP 545 Quốc lộ 21B", "commercial_centre", "278"},
	{"Điểm OCOP làng lụa Vạn Phúc 1", "craft_village", "268"},
	{"Điểm OCOP làng lụa Vạn Phúc 2", "craft_village", "268"},
	{"Điểm OCOP làng gốm Bát Tràng 1", "craft_village", "018"},
	{"Điểm OCOP làng gốm Bát Tràng 2", "craft_village", "018"},
	{"Điểm OCOP làng cổ Đường Lâm", "tourist_site", "269"},
	{"Điểm OCOP làng nghề Vân Từ", "craft_village", "280"},
	{"Điểm OCOP Sơn Hà", "craft_village", "280"},
	{"Điểm OCOP làng sơn mài Hạ Thái", "craft_village", "279"},
	{"Điểm OCOP Tản Lĩnh", "tourist_site", "271"},
	{"Điểm OCOP ga Hà Nội", "station", "006"},
	{"Điểm OCOP bến xe Giáp Bát", "bus_terminal", "008"},
	{"Điểm OCOP sân bay Nội Bài", "airport", "016"},
}

// demoPointKinds are the kinds of the generated points, weighted by how
// often they occur.
var demoPointKinds = []string{"supermarket", "supermarket", "market", "market", "market", "commercial_centre", "commercial_centre",
	"craft_village", "tourist_site", "post_office", "restaurant_hotel", "mall", "rest_stop"}

var demoKindName = map[string]string{"supermarket": "siêu thị", "market": "chợ", "commercial_centre": "trung tâm thương mại",
	"craft_village": "làng nghề", "tourist_site": "điểm du lịch", "post_office": "bưu điện", "restaurant_hotel": "nhà hàng",
	"mall": "TTTM", "rest_stop": "trạm dừng nghỉ", "station": "nhà ga", "bus_terminal": "bến xe", "airport": "sân bay"}

// market writes Hanoi's 110 sale points, each near a producer of its old
// district (so the address has old and new units), stocking 20–60 of the
// products whose newest certificate is in force, nearby ones first; the
// demo "salepoint" account operates the first point. Multi-row inserts:
// about 4,500 rows in a few statements.
func (w *writer) market() error {
	rng := rand.New(rand.NewPCG(20261123, 7))
	type place struct {
		commune, district, ward string
		lat, lng                float64
	}
	rows, err := w.tx.QueryContext(w.ctx, `SELECT p.commune_code, COALESCE(p.legacy_district_code, ''), wd.full_name, p.latitude, p.longitude
		FROM producers p JOIN wards wd ON wd.code = p.commune_code
		WHERE p.latitude IS NOT NULL AND p.status = 'active' ORDER BY p.id`)
	if err != nil {
		return err
	}
	var places []place
	byDistrict := map[string][]int{}
	for rows.Next() {
		var x place
		if err := rows.Scan(&x.commune, &x.district, &x.ward, &x.lat, &x.lng); err != nil {
			rows.Close()
			return err
		}
		byDistrict[x.district] = append(byDistrict[x.district], len(places))
		places = append(places, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(places) == 0 {
		return nil
	}
	today := w.now.Add(7 * 3600e9).Format("2006-01-02")
	type prod struct {
		id       int64
		lat, lng float64
	}
	rows, err = w.tx.QueryContext(w.ctx, `SELECT c.product_id, pr.latitude, pr.longitude FROM certificates c
		JOIN products p ON p.id = c.product_id JOIN producers pr ON pr.id = p.producer_id
		WHERE c.revoked_on = '' AND c.expires_on >= ? AND p.status = 'active' AND pr.latitude IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM certificates n WHERE n.product_id = c.product_id AND n.issued_on > c.issued_on)
		ORDER BY c.product_id`, today)
	if err != nil {
		return err
	}
	var prods []prod
	for rows.Next() {
		var x prod
		if err := rows.Scan(&x.id, &x.lat, &x.lng); err != nil {
			rows.Close()
			return err
		}
		prods = append(prods, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	first, err := w.nextID("sale_points")
	if err != nil {
		return err
	}
	var pointRows, stockRows [][]any
	for i := 0; i < demoSalePoints; i++ {
		var name, kind string
		var pl place
		if i < len(namedSalePoints) && len(byDistrict[namedSalePoints[i].district]) > 0 {
			n := namedSalePoints[i]
			cand := byDistrict[n.district]
			pl, name, kind = places[cand[rng.IntN(len(cand))]], n.name, n.kind
		} else {
			pl = places[rng.IntN(len(places))]
			kind = demoPointKinds[rng.IntN(len(demoPointKinds))]
			name = fmt.Sprintf("Điểm OCOP %s %s", demoKindName[kind], pl.ward)
		}
		lat, lng := jitter(rng, pl.lat, pl.lng, 0.004)
		id := first + int64(i)
		pointRows = append(pointRows, []any{id, name, kind, "Sở Công Thương Hà Nội", pl.commune, nullIfEmpty(pl.district), nil,
			fmt.Sprintf("Số %d, %s", 1+rng.IntN(300), pl.ward), round6(lat), round6(lng), "8:00–21:00 hằng ngày",
			fmt.Sprintf("024 3%03d %04d", rng.IntN(1000), rng.IntN(10000)), "", nil, "active", w.now, w.now, 1})
		// Stock: 20–60 certified products, mostly from nearby producers.
		n := min(len(prods), 20+rng.IntN(41))
		sort.Slice(prods, func(a, b int) bool {
			da := (prods[a].lat-lat)*(prods[a].lat-lat) + (prods[a].lng-lng)*(prods[a].lng-lng)
			db := (prods[b].lat-lat)*(prods[b].lat-lat) + (prods[b].lng-lng)*(prods[b].lng-lng)
			return da < db
		})
		seen := map[int64]bool{}
		for k := 0; len(seen) < n && k < 4*n; k++ {
			var x prod
			if rng.IntN(3) == 0 {
				x = prods[rng.IntN(len(prods))] // a few from anywhere in the city
			} else {
				x = prods[rng.IntN(min(len(prods), 3*n))]
			}
			if seen[x.id] {
				continue
			}
			seen[x.id] = true
			stockRows = append(stockRows, []any{id, x.id, "ocop", w.now})
		}
	}
	if err := w.insert("sale_points", []string{"id", "name", "kind", "operator", "commune_code", "legacy_district_code", "legacy_commune_code",
		"address_line", "latitude", "longitude", "hours", "phone", "email", "craft_village_id", "status", "created_at", "updated_at", "version"},
		pointRows, "sale points"); err != nil {
		return err
	}
	if err := w.insert("sale_point_products", []string{"sale_point_id", "product_id", "category", "created_at"}, stockRows, "stocked products"); err != nil {
		return err
	}
	if _, err := w.tx.ExecContext(w.ctx, `INSERT INTO sale_point_operators (sale_point_id, user_id, created_at)
		SELECT ?, id, ? FROM users WHERE username = 'salepoint' AND role = 'salepoint'`, first, w.now); err != nil {
		return err
	}
	_, err = w.tx.ExecContext(w.ctx, "UPDATE market_state SET changes = changes + 1 WHERE name = 'market'")
	return err
}

// nullIfEmpty maps "" to NULL for optional foreign keys.
func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
