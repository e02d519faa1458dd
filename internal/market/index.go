package market

import (
	"context"
	"fmt"
	"math"
	"sort"
	"sync"
	"time"
)

// indexTTL bounds how long the in-memory index trusts certificate
// validity: market writes rebuild it at once (change counter), an expiry
// or revocation shows within this time.
const indexTTL = time.Minute

// pointRef is a sale point in the index: what a "where to buy" list needs.
type pointRef struct {
	ID          int64
	Name        string
	Kind        string
	CommuneCode string
	AddressLine string
	Hours       string
	Lat, Lng    float64
}

// index is the snapshot of active sale points and what they stock, for
// the hot reads: nearest points stocking a product (product and stamp
// pages), the map layer, facets and the stats hook.
type index struct {
	changes int64
	built   time.Time
	points  []pointRef        // active points, by id
	byID    map[int64]int     // point id → position in points
	stock   map[int64][]int32 // product id → positions of the points that stock it (shown publicly)
	online  map[int64]bool    // product id → has a storefront link
}

type indexCache struct {
	build   sync.Mutex // held by the request that rebuilds
	mu      sync.Mutex
	cur     *index
	checked time.Time // when the change counter was last read
}

// counterTTL is how long a read trusts the index without reading the
// change counter: this instance's own writes drop the index at once;
// another instance's writes show within this time. It keeps the stamp
// verification page (the hot path) free of any query.
const counterTTL = 2 * time.Second

// invalidate drops the index after a write of this instance.
func (s *Service) invalidate() {
	s.cache.mu.Lock()
	s.cache.cur = nil
	s.cache.mu.Unlock()
}

// snapshot returns the current index, rebuilding it when a market write
// happened (one read of the change counter) or the TTL passed.
func (s *Service) snapshot(ctx context.Context) (*index, error) {
	now := s.Now()
	s.cache.mu.Lock()
	cur := s.cache.cur
	if cur != nil && now.Sub(s.cache.checked) < counterTTL && now.Sub(cur.built) < indexTTL {
		s.cache.mu.Unlock()
		return cur, nil
	}
	s.cache.mu.Unlock()
	var changes int64
	if err := s.DB.QueryRowContext(ctx, "SELECT changes FROM market_state WHERE name = 'market'").Scan(&changes); err != nil {
		return nil, fmt.Errorf("market state: %w", err)
	}
	if cur != nil && cur.changes == changes && now.Sub(cur.built) < indexTTL {
		s.cache.mu.Lock()
		s.cache.checked = now
		s.cache.mu.Unlock()
		return cur, nil
	}
	// One request rebuilds; while it does, the others keep answering from
	// the previous index (the hot verification page never waits on a
	// rebuild); without one they wait for it.
	if cur != nil && !s.cache.build.TryLock() {
		return cur, nil
	} else if cur == nil {
		s.cache.build.Lock()
	}
	defer s.cache.build.Unlock()
	s.cache.mu.Lock()
	if c := s.cache.cur; c != nil && c.changes == changes && now.Sub(c.built) < indexTTL {
		s.cache.mu.Unlock()
		return c, nil
	}
	s.cache.mu.Unlock()
	ix, err := s.build(ctx, changes, now)
	if err != nil {
		return nil, err
	}
	s.cache.mu.Lock()
	s.cache.cur, s.cache.checked = ix, now
	s.cache.mu.Unlock()
	return ix, nil
}

// build reads the active points, their stock and the storefront links,
// keeping OCOP-category stock only while the product's certificate is
// valid today (evaluation.CurrentCertificates, the one definition).
func (s *Service) build(ctx context.Context, changes int64, now time.Time) (*index, error) {
	ix := &index{changes: changes, built: now, byID: map[int64]int{}, stock: map[int64][]int32{}, online: map[int64]bool{}}
	rows, err := s.DB.QueryContext(ctx, `SELECT id, name, kind, commune_code, address_line, hours, latitude, longitude
		FROM sale_points WHERE status = 'active' ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("index points: %w", err)
	}
	for rows.Next() {
		var p pointRef
		if err := rows.Scan(&p.ID, &p.Name, &p.Kind, &p.CommuneCode, &p.AddressLine, &p.Hours, &p.Lat, &p.Lng); err != nil {
			rows.Close()
			return nil, err
		}
		ix.byID[p.ID] = len(ix.points)
		ix.points = append(ix.points, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	type row struct {
		point, product int64
		ocop           bool
	}
	var all []row
	ocopIDs := map[int64]bool{}
	rows, err = s.DB.QueryContext(ctx, `SELECT spp.sale_point_id, spp.product_id, spp.category FROM sale_point_products spp
		JOIN products p ON p.id = spp.product_id WHERE p.status = 'active'`)
	if err != nil {
		return nil, fmt.Errorf("index stock: %w", err)
	}
	for rows.Next() {
		var r row
		var cat string
		if err := rows.Scan(&r.point, &r.product, &cat); err != nil {
			rows.Close()
			return nil, err
		}
		if _, ok := ix.byID[r.point]; !ok {
			continue
		}
		r.ocop = cat == StockOCOP
		if r.ocop {
			ocopIDs[r.product] = true
		}
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	valid := map[int64]bool{}
	ids := make([]int64, 0, len(ocopIDs))
	for id := range ocopIDs {
		ids = append(ids, id)
	}
	for len(ids) > 0 {
		n := min(len(ids), 2000)
		certs, err := s.Evaluation.CurrentCertificates(ctx, ids[:n])
		if err != nil {
			return nil, err
		}
		for id, c := range certs {
			valid[id] = c.Status.Valid() && c.Star >= 3
		}
		ids = ids[n:]
	}
	for _, r := range all {
		if r.ocop && !valid[r.product] {
			continue
		}
		ix.stock[r.product] = append(ix.stock[r.product], int32(ix.byID[r.point]))
	}
	rows, err = s.DB.QueryContext(ctx, "SELECT DISTINCT product_id FROM storefronts")
	if err != nil {
		return nil, fmt.Errorf("index storefronts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ix.online[id] = true
	}
	return ix, rows.Err()
}

// Nearby is a sale point with its distance from the asker.
type Nearby struct {
	ID          int64   `json:"id"`
	Name        string  `json:"name"`
	Kind        string  `json:"kind"`
	CommuneCode string  `json:"commune_code"`
	AddressLine string  `json:"address_line"`
	Hours       string  `json:"hours"`
	Latitude    float64 `json:"latitude"`
	Longitude   float64 `json:"longitude"`
	// DistanceKM is the great-circle distance; absent when no position
	// was given (the points are then in name order).
	DistanceKM *float64 `json:"distance_km,omitempty"`
	URL        string   `json:"url"`
}

// earthKM is the mean Earth radius.
const earthKM = 6371.0088

// DistanceKM is the great-circle (haversine) distance between two points.
func DistanceKM(lat1, lng1, lat2, lng2 float64) float64 {
	rad := math.Pi / 180
	dlat, dlng := (lat2-lat1)*rad, (lng2-lng1)*rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlng/2)*math.Sin(dlng/2)
	return 2 * earthKM * math.Asin(math.Min(1, math.Sqrt(a)))
}

// NearestStocking returns up to n sale points that stock the product,
// nearest to (lat, lng) first; with at == nil, in name order. Only active
// points, and OCOP stock only while its certificate is valid.
func (s *Service) NearestStocking(ctx context.Context, productID int64, at *[2]float64, n int) ([]Nearby, int, error) {
	ix, err := s.snapshot(ctx)
	if err != nil {
		return nil, 0, err
	}
	out, total := ix.nearest(productID, at, n)
	return out, total, nil
}

func (ix *index) nearest(productID int64, at *[2]float64, n int) ([]Nearby, int) {
	pos := ix.stock[productID]
	type cand struct {
		i int32
		d float64
	}
	cs := make([]cand, len(pos))
	for k, i := range pos {
		cs[k].i = i
		if at != nil {
			p := &ix.points[i]
			cs[k].d = DistanceKM(at[0], at[1], p.Lat, p.Lng)
		}
	}
	sort.Slice(cs, func(a, b int) bool {
		if at != nil && cs[a].d != cs[b].d {
			return cs[a].d < cs[b].d
		}
		pa, pb := &ix.points[cs[a].i], &ix.points[cs[b].i]
		if pa.Name != pb.Name {
			return pa.Name < pb.Name
		}
		return pa.ID < pb.ID
	})
	if n > 0 && len(cs) > n {
		cs = cs[:n]
	}
	out := make([]Nearby, len(cs))
	for k, c := range cs {
		p := ix.points[c.i]
		out[k] = Nearby{ID: p.ID, Name: p.Name, Kind: p.Kind, CommuneCode: p.CommuneCode, AddressLine: p.AddressLine, Hours: p.Hours,
			Latitude: p.Lat, Longitude: p.Lng, URL: PointURL(p.ID)}
		if at != nil {
			d := math.Round(c.d*100) / 100
			out[k].DistanceKM = &d
		}
	}
	return out, len(pos)
}

// PointURL is the public page of a sale point.
func PointURL(id int64) string { return fmt.Sprintf("/sale-points/%d", id) }

// MapPoint is a sale point on the public map.
type MapPoint struct {
	ID       int64
	Name     string
	Kind     string
	Lat, Lng float64
	Products int
}

// MapPoints lists the active sale points with their count of publicly
// shown products, for the map layer.
func (s *Service) MapPoints(ctx context.Context) ([]MapPoint, error) {
	ix, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	counts := make([]int, len(ix.points))
	for _, pos := range ix.stock {
		for _, i := range pos {
			counts[i]++
		}
	}
	out := make([]MapPoint, len(ix.points))
	for i, p := range ix.points {
		out[i] = MapPoint{ID: p.ID, Name: p.Name, Kind: p.Kind, Lat: p.Lat, Lng: p.Lng, Products: counts[i]}
	}
	return out, nil
}

// PointFigures are the sale-point figures for the statistics dashboard.
type PointFigures struct {
	// Operating is the number of active sale points.
	Operating int
	// Communes are the current commune codes (post-2025) that have at
	// least one operating point, with their count of points.
	Communes map[string]int
}

// Figures returns the number of operating sale points and the communes
// that have one (the stats dashboard's hook). A commune officer's scope is
// cut by the caller.
func (s *Service) Figures(ctx context.Context) (PointFigures, error) {
	ix, err := s.snapshot(ctx)
	if err != nil {
		return PointFigures{}, err
	}
	f := PointFigures{Operating: len(ix.points), Communes: map[string]int{}}
	for _, p := range ix.points {
		f.Communes[p.CommuneCode]++
	}
	return f, nil
}
