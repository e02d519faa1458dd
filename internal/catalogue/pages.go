package catalogue

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"ocop/internal/apperr"
	"ocop/internal/evaluation"
	"ocop/internal/registry"
)

// Point is a place on the map (WGS 84).
type Point struct {
	Lat float64 `json:"lat"`
	Lng float64 `json:"lng"`
}

func point(lat, lng *float64) *Point {
	if lat == nil || lng == nil {
		return nil
	}
	return &Point{Lat: *lat, Lng: *lng}
}

// ProductPage is everything the public page of a product shows.
type ProductPage struct {
	Product  registry.Product
	Producer registry.Producer
	Village  *registry.CraftVillage
	// Cert is the product's newest certificate with its status today (nil
	// when it never had one); CertValid tells whether it is in force.
	Cert      *evaluation.Certificate
	CertValid bool
	// Origin is where the product comes from: the producer's location, or
	// its craft village's.
	Origin  *Point
	Related []Item
}

// ProductPage reads the public page of an active product.
func (s *Service) ProductPage(ctx context.Context, id int64) (ProductPage, error) {
	var pg ProductPage
	x, err := s.Registry.PublicProduct(ctx, id)
	if err != nil {
		return pg, err
	}
	pg.Product = x
	if pg.Producer, err = s.Registry.PublicProducer(ctx, x.ProducerID); err != nil {
		return pg, err
	}
	if x.CraftVillageID != nil {
		v, err := s.Registry.CraftVillage(ctx, *x.CraftVillageID)
		if err == nil {
			pg.Village = &v
		} else if !apperr.Is(err, apperr.NotFound) {
			return pg, err
		}
	}
	c, err := s.Evaluation.CurrentCertificate(ctx, id)
	switch {
	case err == nil:
		pg.Cert, pg.CertValid = &c, c.Status.Valid()
	case !apperr.Is(err, apperr.NotFound):
		return pg, err
	}
	pg.Origin = point(pg.Producer.Latitude, pg.Producer.Longitude)
	if pg.Origin == nil && pg.Village != nil {
		pg.Origin = point(pg.Village.Latitude, pg.Village.Longitude)
	}
	if err := s.RefreshStars(ctx); err != nil {
		return pg, err
	}
	// Related: the same craft village first, then the same sub-group.
	cond, args := "p.category_code = ?", []any{x.CategoryCode}
	if x.CraftVillageID != nil {
		cond, args = "(p.craft_village_id = ? OR p.category_code = ?)", []any{*x.CraftVillageID, x.CategoryCode}
	}
	vid := int64(0)
	if x.CraftVillageID != nil {
		vid = *x.CraftVillageID
	}
	pg.Related, err = s.items(ctx, cond+" AND p.id <> ?", append(args, id),
		" ORDER BY CASE WHEN p.craft_village_id = ? THEN 0 ELSE 1 END, COALESCE(cs.star, 0) DESC, p.search_key, p.id LIMIT 6", vid)
	return pg, err
}

// items lists public products matching cond (with its args) in order
// (with its args).
func (s *Service) items(ctx context.Context, cond string, args []any, order string, orderArgs ...any) ([]Item, error) {
	q := "SELECT " + itemCols + catalogueFrom + " LEFT JOIN craft_villages v ON v.id = p.craft_village_id WHERE p.status = 'active' AND pr.status = 'active'"
	if cond != "" {
		q += " AND " + cond
	}
	all := append(append([]any{false}, args...), orderArgs...)
	rows, err := s.DB.QueryContext(ctx, q+order, all...)
	if err != nil {
		return nil, fmt.Errorf("catalogue items: %w", err)
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		x, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// ProducerPage is the public page of a producer.
type ProducerPage struct {
	Producer registry.Producer
	Location *Point
	Products []Item
}

// ProducerPage reads the public page of an active producer.
func (s *Service) ProducerPage(ctx context.Context, id int64) (ProducerPage, error) {
	var pg ProducerPage
	x, err := s.Registry.PublicProducer(ctx, id)
	if err != nil {
		return pg, err
	}
	pg.Producer, pg.Location = x, point(x.Latitude, x.Longitude)
	if err := s.RefreshStars(ctx); err != nil {
		return pg, err
	}
	pg.Products, err = s.items(ctx, "p.producer_id = ?", []any{id}, " ORDER BY COALESCE(cs.star, 0) DESC, p.search_key, p.id LIMIT 200")
	return pg, err
}

// VillagePage is the public page of a craft village.
type VillagePage struct {
	Village  registry.CraftVillage
	Location *Point
	Products []Item
	// Producers are the active producers with products of the village.
	Producers []registry.Producer
}

// VillagePage reads the public page of a craft village.
func (s *Service) VillagePage(ctx context.Context, id int64) (VillagePage, error) {
	var pg VillagePage
	v, err := s.Registry.CraftVillage(ctx, id)
	if err != nil {
		return pg, err
	}
	pg.Village, pg.Location = v, point(v.Latitude, v.Longitude)
	if err := s.RefreshStars(ctx); err != nil {
		return pg, err
	}
	if pg.Products, err = s.items(ctx, "p.craft_village_id = ?", []any{id}, " ORDER BY COALESCE(cs.star, 0) DESC, p.search_key, p.id LIMIT 200"); err != nil {
		return pg, err
	}
	seen := map[int64]bool{}
	for _, it := range pg.Products {
		if !seen[it.ProducerID] {
			seen[it.ProducerID] = true
			pg.Producers = append(pg.Producers, registry.Producer{ID: it.ProducerID, Name: it.ProducerName, CommuneCode: it.CommuneCode})
		}
	}
	return pg, nil
}

// Home is the programme at a glance.
type Home struct {
	// ByStar counts the products with a valid certificate: keys 3, 4, 5
	// and "p5" (the 4★ products proposed for 5★, also counted in 4).
	ByStar    map[string]int
	Certified int
	Products  int
	Producers int
	Villages  int
	// Newest are the most recently certified products; Five the 5★ ones.
	Newest []Item
	Five   []Item
}

// Home reads the front page figures.
func (s *Service) Home(ctx context.Context) (Home, error) {
	h := Home{ByStar: map[string]int{}}
	if err := s.RefreshStars(ctx); err != nil {
		return h, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT cs.star, cs.potential5, COUNT(*) FROM catalogue_stars cs
		JOIN products p ON p.id = cs.product_id JOIN producers pr ON pr.id = p.producer_id
		WHERE p.status = 'active' AND pr.status = 'active' GROUP BY cs.star, cs.potential5`)
	if err != nil {
		return h, err
	}
	for rows.Next() {
		var star, n int
		var p5 bool
		if err := rows.Scan(&star, &p5, &n); err != nil {
			rows.Close()
			return h, err
		}
		h.ByStar[fmt.Sprint(star)] += n
		if p5 {
			h.ByStar[StarPotential5] += n
		}
		h.Certified += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return h, err
	}
	for _, c := range []struct {
		q string
		n *int
	}{
		{"SELECT COUNT(*) FROM products p JOIN producers pr ON pr.id = p.producer_id WHERE p.status = 'active' AND pr.status = 'active'", &h.Products},
		{"SELECT COUNT(*) FROM producers WHERE status = 'active'", &h.Producers},
		{"SELECT COUNT(*) FROM craft_villages", &h.Villages},
	} {
		if err := s.DB.QueryRowContext(ctx, c.q).Scan(c.n); err != nil {
			return h, err
		}
	}
	if h.Newest, err = s.items(ctx, "cs.star IS NOT NULL", nil, " ORDER BY cs.issued_on DESC, p.id DESC LIMIT 8"); err != nil {
		return h, err
	}
	h.Five, err = s.items(ctx, "cs.star = 5", nil, " ORDER BY cs.issued_on DESC, p.id LIMIT 12")
	return h, err
}

// Marker is a point of the map: a producer (with how many of its products
// match the filters) or a craft village.
type Marker struct {
	Kind     string // "producer" or "village"
	ID       int64
	Name     string
	NameEn   string
	Point    Point
	Products int
	Star     int // best current star among the matching products
}

// URL is the public page of the marker's record.
func (m Marker) URL() string {
	if m.Kind == "village" {
		return VillageURL(m.ID)
	}
	return ProducerURL(m.ID)
}

// maxMarkers bounds a map answer.
const maxMarkers = 20000

// Markers returns the producers having products that match q (with
// coordinates), and the craft villages (all of them when q has no filter
// or text; otherwise those with matching products).
func (s *Service) Markers(ctx context.Context, q Query) ([]Marker, error) {
	_, regFP, err := s.fresh(ctx)
	if err != nil {
		return nil, err
	}
	t, _, err := s.resolve(ctx, q.Text, regFP)
	if err != nil {
		return nil, err
	}
	if q.Text != "" && len(t) == 0 {
		return nil, nil
	}
	pl := s.plan(q, t)
	w, args := pl.where("")
	rows, err := s.DB.QueryContext(ctx, "SELECT pr.id, pr.name, pr.latitude, pr.longitude, COUNT(*), MAX(COALESCE(cs.star, 0))"+pl.from+w+
		" AND pr.latitude IS NOT NULL AND pr.longitude IS NOT NULL GROUP BY pr.id, pr.name, pr.latitude, pr.longitude ORDER BY pr.id LIMIT ?", append(args, maxMarkers)...)
	if err != nil {
		return nil, fmt.Errorf("catalogue markers: %w", err)
	}
	var out []Marker
	for rows.Next() {
		m := Marker{Kind: "producer"}
		if err := rows.Scan(&m.ID, &m.Name, &m.Point.Lat, &m.Point.Lng, &m.Products, &m.Star); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	vq := `SELECT v.id, v.name, v.name_en, v.latitude, v.longitude, COALESCE(n.c, 0) FROM craft_villages v
		LEFT JOIN (SELECT p.craft_village_id AS vid, COUNT(*) AS c` + pl.from + w + ` GROUP BY p.craft_village_id) n ON n.vid = v.id
		WHERE v.latitude IS NOT NULL AND v.longitude IS NOT NULL`
	if q.Text != "" || q.Filtered() {
		vq += " AND n.c > 0"
	}
	rows, err = s.DB.QueryContext(ctx, vq+" ORDER BY v.id LIMIT ?", append(args, maxMarkers)...)
	if err != nil {
		return nil, fmt.Errorf("catalogue village markers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		m := Marker{Kind: "village"}
		if err := rows.Scan(&m.ID, &m.Name, &m.NameEn, &m.Point.Lat, &m.Point.Lng, &m.Products); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Nearby is a craft village with its distance from a point.
type Nearby struct {
	ID     int64   `json:"id"`
	Name   string  `json:"name"`
	NameEn string  `json:"name_en,omitempty"`
	Point  Point   `json:"point"`
	KM     float64 `json:"distance_km"`
	URL    string  `json:"url"`
}

// ErrBadPoint is returned for coordinates outside the Earth.
var ErrBadPoint = apperr.Fields(apperr.Field("lat", "catalogue.err_point"))

// NearestVillages returns the n craft villages closest to p (great-circle
// distance), nearest first.
func (s *Service) NearestVillages(ctx context.Context, p Point, n int) ([]Nearby, error) {
	if math.IsNaN(p.Lat) || math.IsNaN(p.Lng) || p.Lat < -90 || p.Lat > 90 || p.Lng < -180 || p.Lng > 180 {
		return nil, ErrBadPoint
	}
	n = min(max(n, 1), 20)
	rows, err := s.DB.QueryContext(ctx, "SELECT id, name, name_en, latitude, longitude FROM craft_villages WHERE latitude IS NOT NULL AND longitude IS NOT NULL")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all []Nearby
	for rows.Next() {
		var x Nearby
		if err := rows.Scan(&x.ID, &x.Name, &x.NameEn, &x.Point.Lat, &x.Point.Lng); err != nil {
			return nil, err
		}
		x.KM = math.Round(Haversine(p, x.Point)*100) / 100
		x.URL = VillageURL(x.ID)
		all = append(all, x)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].KM != all[j].KM {
			return all[i].KM < all[j].KM
		}
		return all[i].ID < all[j].ID
	})
	return all[:min(n, len(all))], nil
}

// day formats a timestamp read through a UNION (a time.Time on
// PostgreSQL, text on SQLite) as YYYY-MM-DD.
func day(v any) string {
	switch t := v.(type) {
	case time.Time:
		return t.UTC().Format("2006-01-02")
	case string:
		if len(t) >= 10 {
			return t[:10]
		}
	case []byte:
		if len(t) >= 10 {
			return string(t[:10])
		}
	}
	return ""
}

// Haversine is the great-circle distance between a and b in kilometres
// (mean Earth radius 6371.0088 km).
func Haversine(a, b Point) float64 {
	const r = 6371.0088
	rad := math.Pi / 180
	dLat, dLng := (b.Lat-a.Lat)*rad, (b.Lng-a.Lng)*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}

// SitemapEntry is one public page for the sitemap.
type SitemapEntry struct {
	Path    string
	Updated string // YYYY-MM-DD
}

// SitemapSize is the number of URLs in one sitemap file (the protocol
// allows 50,000; each page is listed in two languages).
const SitemapSize = 20000

// Sitemap lists the public pages: products, producers and craft villages,
// in a stable order; page n (from 1) of SitemapSize entries, and the total.
func (s *Service) Sitemap(ctx context.Context, n int) ([]SitemapEntry, int, error) {
	var total int
	if err := s.DB.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM products p JOIN producers pr ON pr.id = p.producer_id WHERE p.status = 'active' AND pr.status = 'active') +
		(SELECT COUNT(*) FROM producers WHERE status = 'active') + (SELECT COUNT(*) FROM craft_villages)`).Scan(&total); err != nil {
		return nil, 0, err
	}
	if n < 1 || (n-1)*SitemapSize >= max(total, 1) {
		return nil, total, nil
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT k, id, updated_at FROM (
		SELECT 1 AS k, p.id AS id, p.updated_at AS updated_at FROM products p JOIN producers pr ON pr.id = p.producer_id WHERE p.status = 'active' AND pr.status = 'active'
		UNION ALL SELECT 2, id, updated_at FROM producers WHERE status = 'active'
		UNION ALL SELECT 3, id, updated_at FROM craft_villages) x ORDER BY k, id LIMIT ? OFFSET ?`, SitemapSize, (n-1)*SitemapSize)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []SitemapEntry
	for rows.Next() {
		var k int
		var id int64
		var t any
		if err := rows.Scan(&k, &id, &t); err != nil {
			return nil, 0, err
		}
		e := SitemapEntry{Updated: day(t)}
		switch k {
		case 1:
			e.Path = ProductURL(id)
		case 2:
			e.Path = ProducerURL(id)
		default:
			e.Path = VillageURL(id)
		}
		out = append(out, e)
	}
	return out, total, rows.Err()
}

// PublicImage reports whether a media hash is a photo of a public product
// (only those are served resized on public pages).
func (s *Service) PublicImage(ctx context.Context, hash string) (bool, error) {
	var n int
	err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM product_images i JOIN products p ON p.id = i.product_id
		JOIN producers pr ON pr.id = p.producer_id WHERE i.media_hash = ? AND p.status = 'active' AND pr.status = 'active'`, hash).Scan(&n)
	return n > 0, err
}
