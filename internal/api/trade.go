package api

import (
	"net/http"
	"strconv"
	"time"

	"ocop/internal/trade"
)

// tradeEventPage is the body of GET /api/v1/events.
type tradeEventPage struct {
	Items []trade.Event `json:"items"`
}

// tradeMatch is a ranked producer with its reasons written out in the
// caller's language.
type tradeMatch struct {
	trade.Match
	Explanations []string `json:"explanations"`
}

// tradeMatches is the body of GET /api/v1/trade/demands/{id}/matches.
type tradeMatches struct {
	Demand trade.Demand `json:"demand"`
	Items  []tradeMatch `json:"items"`
	// CertificationsVerified is false while certifications are only as
	// producers declare them.
	CertificationsVerified bool `json:"certifications_verified"`
}

// ListEvents answers GET /api/v1/events: trade-promotion events that have
// not ended, soonest first (the calendar; /events.ics is the same as
// iCalendar).
func (a *API) ListEvents(w http.ResponseWriter, r *http.Request) error {
	es, err := a.Trade.Events(r.Context(), a.Trade.Now(), time.Time{}, 500)
	if err != nil {
		return err
	}
	if es == nil {
		es = []trade.Event{}
	}
	return read(w, r, tradeEventPage{Items: es})
}

// CreateDemand answers POST /api/v1/trade/demands (verified buyers).
func (a *API) CreateDemand(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAuth(r)
	if err != nil {
		return err
	}
	var in trade.DemandInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	d, err := a.Trade.CreateDemand(r.Context(), p, in)
	if err != nil {
		return err
	}
	return written(w, http.StatusCreated, "/api/v1/trade/demands/"+strconv.FormatInt(d.ID, 10)+"/matches", d)
}

// DemandMatches answers GET /api/v1/trade/demands/{id}/matches: the
// producers ranked for a demand, each rank explained (its buyer and the
// office).
func (a *API) DemandMatches(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAuth(r)
	if err != nil {
		return err
	}
	id, err := pathID(r)
	if err != nil {
		return err
	}
	m, err := a.Trade.Matches(r.Context(), p, id)
	if err != nil {
		return err
	}
	l := lang(r)
	out := tradeMatches{Demand: m.Demand, Items: make([]tradeMatch, 0, len(m.Matches)), CertificationsVerified: m.Verified}
	for _, x := range m.Matches {
		tm := tradeMatch{Match: x}
		for _, why := range x.Reasons {
			args := why.Args
			if why.Key == "trade.reason_market" && len(args) == 1 {
				if s, ok := args[0].(string); ok {
					args = []any{a.Catalog.T(l, "trade.market_"+s)}
				}
			}
			tm.Explanations = append(tm.Explanations, a.Catalog.T(l, why.Key, args...))
		}
		out.Items = append(out.Items, tm)
	}
	return read(w, r, out)
}

// tradeOperations lists the trade endpoints for the OpenAPI document.
func tradeOperations() []operation {
	return []operation{
		{method: "GET", path: "/api/v1/events", id: "listEvents", tag: "trade",
			summary: "Upcoming trade-promotion events",
			desc: "Fairs, festivals, product weeks and livestream sessions (such as the Friday-night \"Chợ đêm trên mây\") that have not " +
				"ended, soonest first, with booths requested or granted. The same calendar is published as iCalendar at /events.ics.",
			status: 200, result: "TradeEventPage"},
		{method: "POST", path: "/api/v1/trade/demands", id: "createDemand", tag: "trade",
			summary: "Post a demand on the supply–demand board",
			desc: "A buyer verified by the programme office posts what it wants to buy: product group from the OCOP classification, " +
				"keywords, quantity with unit and frequency (required), minimum stars, required certifications, target market and " +
				"delivery area (coordinates in Vietnam). Unverified buyers and other roles get 403.",
			params: []string{"csrf"}, body: "TradeDemandInput", status: 201, result: "TradeDemand", auth: true,
			errs: []string{"Invalid", "Unauthenticated", "Forbidden", "TooLarge"}},
		{method: "GET", path: "/api/v1/trade/demands/{id}/matches", id: "getDemandMatches", tag: "trade",
			summary: "Producers ranked for a demand, with the reasons",
			desc: "Producers with a product in the group whose name holds the keywords and whose current star meets the minimum, " +
				"ordered by missing required certifications, then score (stars 25, certifications 25, capacity from open offers 25, " +
				"distance to the delivery area 15, past fulfilment on the board 10). Each item's reasons carry the points of each " +
				"part; explanations are the same in the caller's language. For the demand's buyer and the office.",
			params: []string{"id"}, status: 200, result: "TradeMatches", auth: true, errs: []string{"Unauthenticated", "Forbidden", "NotFound"}},
	}
}

// tradeNotes describes the trade schemas' fields.
func tradeNotes() map[string]note {
	return map[string]note{
		"TradeDemandInput.unit":           {enum: trade.Units},
		"TradeDemandInput.frequency":      {enum: trade.Frequencies},
		"TradeDemandInput.target_market":  {enum: trade.Markets},
		"TradeDemandInput.quantity":       {desc: "Required, greater than 0, in unit per frequency."},
		"TradeDemandInput.min_star":       {desc: "0 (none), 3, 4 or 5."},
		"TradeDemandInput.certifications": {desc: "Codes among " + joinCodes(trade.Certifications) + "."},
		"TradeDemandInput.category_code":  {desc: "A node of the OCOP classification (GET /api/v1/categories); products under it match."},
		"TradeEvent.kind":                 {enum: trade.EventKinds},
		"TradeMatch.reasons":              {desc: "Translation key, arguments and points (out of max) of each part of the score."},
	}
}

func joinCodes(cs []string) string {
	out := ""
	for i, c := range cs {
		if i > 0 {
			out += ", "
		}
		out += c
	}
	return out
}

// tradeSchemas defines the trade schemas.
func tradeSchemas(s *schemaSet) {
	s.define("TradeEvent", trade.Event{}, false)
	s.define("TradeEventPage", tradeEventPage{}, false)
	s.define("TradeDemandInput", trade.DemandInput{}, true)
	s.define("TradeDemand", trade.Demand{}, false)
	s.define("TradeReason", trade.Reason{}, false)
	s.define("TradeMatch", tradeMatch{}, false)
	s.define("TradeMatches", tradeMatches{}, false)
}

// tradeParameters lists the trade endpoints' shared parameters.
func tradeParameters() map[string]any { return nil }
