package api

import (
	"net/http"

	"ocop/internal/registry"
	"ocop/internal/stats"
)

// statsSummary is the body of GET /api/v1/stats/summary.
type statsSummary struct {
	Date           string           `json:"date"`
	Evaluated      stats.StarCounts `json:"evaluated_since_2019"`
	Valid          stats.StarCounts `json:"currently_valid"`
	Producers      []stats.KindRow  `json:"producers_by_kind"`
	ProducersTotal int              `json:"producers_total"`
	SalePoints     *int             `json:"sale_points"`
	Villages       int              `json:"craft_villages"`
	Recognised     int              `json:"craft_villages_recognised"`
}

// StatsSummary answers GET /api/v1/stats/summary: the programme's public
// headline figures for the whole province.
func (a *API) StatsSummary(w http.ResponseWriter, r *http.Request) error {
	s, err := a.Stats.Summary(r.Context())
	if err != nil {
		return err
	}
	return read(w, r, statsSummary{Date: s.Date.String(), Evaluated: s.Evaluated, Valid: s.Valid, Producers: s.Producers,
		ProducersTotal: s.ProducersTotal, SalePoints: s.SalePoints, Villages: s.Villages, Recognised: s.VillagesRecd})
}

// statsOperations lists the stats endpoints for the OpenAPI document.
func statsOperations() []operation {
	return []operation{
		{method: "GET", path: "/api/v1/stats/summary", id: "getStatsSummary", tag: "stats",
			summary: "Get the programme's headline figures",
			desc: "Products evaluated since 2019 (cumulative: each product ever certified counted once, at the level of its latest " +
				"certificate, revoked or expired ones included) and products whose certificate is valid today, by level (5★, " +
				"potential 5★ sent to the Ministry, 4★, 3★); active producers by kind; craft villages and the recognised ones; " +
				"sale points (null until the market module records them). The same figures as the public statistics page and " +
				"its open-data CSV (/stats/open-data.csv).",
			status: 200, result: "StatsSummary"},
	}
}

// statsNotes documents the stats schemas' fields.
func statsNotes() map[string]note {
	return map[string]note{
		"StatsSummary":                           {desc: "The programme's headline figures for the whole province on one day."},
		"StatsSummary.date":                      {desc: "The day (in Vietnam) the figures describe.", format: "date"},
		"StatsSummary.evaluated_since_2019":      {desc: "Products ever certified since 2019, each once at the level of its latest certificate."},
		"StatsSummary.currently_valid":           {desc: "Products holding a certificate valid on date (valid, expiring soon, or extended while re-rated)."},
		"StatsSummary.sale_points":               {desc: "OCOP sale points; null until the market module records them."},
		"StatsSummary.producers_total":           {desc: "Active producers."},
		"StatsSummary.craft_villages_recognised": {desc: "Craft villages recognised by the city."},
		"StatsStarCounts.potential_five_star":    {desc: "4★ products whose potential-5★ result was approved and sent to the Ministry."},
		"StatsStarCounts.total":                  {desc: "All levels."},
		"StatsProducerKind.kind":                 {enum: registry.ProducerKinds},
	}
}

// statsSchemas defines the stats schemas.
func statsSchemas(s *schemaSet) {
	s.define("StatsStarCounts", stats.StarCounts{}, false)
	s.define("StatsProducerKind", stats.KindRow{}, false)
	s.define("StatsSummary", statsSummary{}, false)
}

// statsParameters defines the stats query parameters.
func statsParameters() map[string]any { return nil }
