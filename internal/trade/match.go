package trade

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"

	"ocop/internal/textfold"
)

// Scoring weights of the matching engine: the maximum points of each part
// of a producer's score (100 in all).
const (
	PointsStar       = 25
	PointsCert       = 25
	PointsCapacity   = 25
	PointsDistance   = 15
	PointsFulfilment = 10
	// DistanceZero is the distance (km) at which the distance part is 0.
	DistanceZero = 500.0
)

// Candidate is what the engine knows of one producer: its products in the
// demand's group, its certifications, its open offers, its place and its
// history on the board.
type Candidate struct {
	ProducerID   int64
	ProducerName string
	CommuneCode  string
	Lat, Lon     *float64
	Products     []CandidateProduct
	// Verified are certifications recorded by the programme (market's
	// certification records); Declared those the producer states in its
	// offers. Codes from Certifications.
	Verified, Declared []string
	Offers             []Capacity
	// Ordered and Declined count the producer's past leads that ended so;
	// Open those still under way.
	Ordered, Declined, Open int
}

// CandidateProduct is one product of a candidate: its folded name for the
// keyword filter and the star of its certificate valid today (0 if none).
type CandidateProduct struct {
	ID      int64
	Name    string
	NameKey string
	Star    int
}

// Capacity is what an open offer can supply.
type Capacity struct {
	Quantity        float64
	Unit, Frequency string
	Markets         []string
}

// Reason is one line of a rank's explanation: a translation key with its
// arguments and the points it gave out of Max.
type Reason struct {
	Key    string  `json:"key"`
	Args   []any   `json:"args,omitempty"`
	Points float64 `json:"points"`
	Max    float64 `json:"max"`
}

// Match is a ranked producer for a demand.
type Match struct {
	Rank         int      `json:"rank"`
	ProducerID   int64    `json:"producer_id"`
	ProducerName string   `json:"producer_name"`
	CommuneCode  string   `json:"commune_code"`
	ProductID    int64    `json:"product_id"`
	ProductName  string   `json:"product_name"`
	Star         int      `json:"star"`
	Score        float64  `json:"score"`
	Missing      []string `json:"missing_certifications"`
	DistanceKm   *float64 `json:"distance_km,omitempty"`
	Reasons      []Reason `json:"reasons"`
}

// Rank orders the candidates for a demand and explains every rank. A
// producer qualifies when it has a product in the group whose name holds
// every keyword and whose current star is at least the minimum. Qualified
// producers are ordered by the number of required certifications they lack
// (fewest first: a requirement is a requirement), then by score, then by id
// so that the order is stable.
func Rank(d Demand, cs []Candidate) []Match {
	words := textfold.Tokens(d.Keywords)
	need, needDim, needOK := Monthly(d.Quantity, d.Unit, d.Frequency)
	out := make([]Match, 0, len(cs))
	for i := range cs {
		c := &cs[i]
		best := -1
		for j, p := range c.Products {
			if p.Star < d.MinStar || !hasWords(p.NameKey, words) {
				continue
			}
			if best < 0 || p.Star > c.Products[best].Star {
				best = j
			}
		}
		if best < 0 {
			continue
		}
		p := c.Products[best]
		m := Match{ProducerID: c.ProducerID, ProducerName: c.ProducerName, CommuneCode: c.CommuneCode, ProductID: p.ID, ProductName: p.Name, Star: p.Star,
			Reasons: make([]Reason, 0, 7)}
		// Stars.
		sp := float64(p.Star) * PointsStar / 5
		if p.Star < 3 {
			sp = 0
			m.Reasons = append(m.Reasons, Reason{Key: "trade.reason_no_star", Args: []any{p.Name}, Max: PointsStar})
		} else {
			m.Reasons = append(m.Reasons, Reason{Key: "trade.reason_star", Args: []any{p.Name, p.Star}, Points: sp, Max: PointsStar})
		}
		m.Score += sp
		// Certifications.
		if len(d.Certifications) == 0 {
			m.Score += PointsCert
			m.Reasons = append(m.Reasons, Reason{Key: "trade.reason_cert_none_asked", Points: PointsCert, Max: PointsCert})
		} else {
			share := float64(PointsCert) / float64(len(d.Certifications))
			var ver, decl []string
			pts := 0.0
			for _, want := range d.Certifications {
				switch {
				case slices.Contains(c.Verified, want):
					ver = append(ver, want)
					pts += share
				case slices.Contains(c.Declared, want):
					decl = append(decl, want)
					pts += share / 2
				default:
					m.Missing = append(m.Missing, want)
				}
			}
			if len(ver) > 0 {
				m.Reasons = append(m.Reasons, Reason{Key: "trade.reason_cert_verified", Args: []any{certList(ver)}, Points: share * float64(len(ver)), Max: share * float64(len(ver))})
			}
			if len(decl) > 0 {
				m.Reasons = append(m.Reasons, Reason{Key: "trade.reason_cert_declared", Args: []any{certList(decl)}, Points: share / 2 * float64(len(decl)), Max: share * float64(len(decl))})
			}
			if len(m.Missing) > 0 {
				m.Reasons = append(m.Reasons, Reason{Key: "trade.reason_cert_missing", Args: []any{certList(m.Missing)}, Max: share * float64(len(m.Missing))})
			}
			m.Score += pts
		}
		// Capacity from open offers, compared per month in base units.
		have, comparable, market := 0.0, 0, false
		for _, o := range c.Offers {
			v, dim, ok := Monthly(o.Quantity, o.Unit, o.Frequency)
			if ok && needOK && dim == needDim {
				have += v
				comparable++
			}
			if slices.Contains(o.Markets, d.TargetMarket) {
				market = true
			}
		}
		switch {
		case len(c.Offers) == 0:
			m.Reasons = append(m.Reasons, Reason{Key: "trade.reason_no_offer", Max: PointsCapacity})
		case comparable == 0 || need <= 0:
			m.Reasons = append(m.Reasons, Reason{Key: "trade.reason_capacity_units", Max: PointsCapacity})
		default:
			ratio := math.Min(1, have/need)
			pts := PointsCapacity * ratio
			m.Score += pts
			m.Reasons = append(m.Reasons, Reason{Key: "trade.reason_capacity", Args: []any{int(math.Round(ratio * 100)), fmtQty(have), baseUnit(needDim)}, Points: pts, Max: PointsCapacity})
		}
		if market {
			m.Reasons = append(m.Reasons, Reason{Key: "trade.reason_market", Args: []any{d.TargetMarket}})
		}
		// Distance to the delivery area.
		if c.Lat != nil && c.Lon != nil && d.DeliveryLat != nil && d.DeliveryLon != nil {
			km := Distance(*c.Lat, *c.Lon, *d.DeliveryLat, *d.DeliveryLon)
			m.DistanceKm = &km
			pts := PointsDistance * math.Max(0, 1-km/DistanceZero)
			m.Score += pts
			m.Reasons = append(m.Reasons, Reason{Key: "trade.reason_distance", Args: []any{int(math.Round(km))}, Points: pts, Max: PointsDistance})
		} else {
			m.Reasons = append(m.Reasons, Reason{Key: "trade.reason_distance_unknown", Max: PointsDistance})
		}
		// Past fulfilment on the board, smoothed so that one lead does not
		// decide (Laplace: (ordered+1)/(ended+2)).
		ended := c.Ordered + c.Declined
		pts := PointsFulfilment * float64(c.Ordered+1) / float64(ended+2)
		m.Score += pts
		if ended == 0 {
			m.Reasons = append(m.Reasons, Reason{Key: "trade.reason_no_history", Args: []any{c.Open}, Points: pts, Max: PointsFulfilment})
		} else {
			m.Reasons = append(m.Reasons, Reason{Key: "trade.reason_fulfilment", Args: []any{c.Ordered, ended}, Points: pts, Max: PointsFulfilment})
		}
		m.Score = math.Round(m.Score*10) / 10
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b Match) int {
		if c := cmp.Compare(len(a.Missing), len(b.Missing)); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.ProducerID, b.ProducerID)
	})
	for i := range out {
		out[i].Rank = i + 1
	}
	return out
}

// hasWords reports whether every word is a prefix of a word of key (a
// folded, space-separated string); it does not allocate.
func hasWords(key string, words []string) bool {
	for _, w := range words {
		found := false
		for i := 0; i+len(w) <= len(key); {
			j := strings.Index(key[i:], w)
			if j < 0 {
				break
			}
			if at := i + j; at == 0 || key[at-1] == ' ' {
				found = true
				break
			}
			i += j + 1
		}
		if !found {
			return false
		}
	}
	return true
}

// certList joins certification codes for a message (upper case: HACCP).
func certList(codes []string) string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = CertName(c)
	}
	return strings.Join(out, ", ")
}

// CertName is the usual written form of a certification code.
func CertName(code string) string {
	switch code {
	case "vietgap":
		return "VietGAP"
	case "globalgap":
		return "GlobalGAP"
	case "iso22000":
		return "ISO 22000"
	case "fssc22000":
		return "FSSC 22000"
	case "haccp", "gi":
		return strings.ToUpper(code)
	case "organic", "halal", "trademark":
		return strings.ToUpper(code[:1]) + code[1:]
	}
	return code
}

func fmtQty(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

func baseUnit(dim string) string {
	switch dim {
	case "mass":
		return "kg"
	case "volume":
		return "l"
	}
	return dim
}

// foldKey folds a product name as the candidates loader does.
func foldKey(s string) string { return textfold.Fold(s) }
