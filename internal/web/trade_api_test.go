package web_test

import (
	"net/http"
	"strings"
	"testing"

	"ocop/internal/apptest"
)

// TestTradeAPI: a verified buyer posts a demand with a token, a demand
// without quantity is a problem naming the field (nothing written), and
// the matches come with their explanations in the caller's language.
func TestTradeAPI(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		longanProducer(t, e, "HTX Long nhãn API", 4, 21.0, 105.8)
		tok := e.Token(tradeBuyer(t, e, "Central Retail", true))
		body := map[string]any{"title": "Long nhãn", "category_code": "I.3.c", "keywords": "long nhãn", "unit": "tonne", "frequency": "monthly",
			"min_star": 4, "certifications": []string{"haccp"}, "target_market": "japan", "delivery_area": "Hà Nội"}
		r := e.API("POST", "/api/v1/trade/demands", tok, body)
		if r.Status != http.StatusUnprocessableEntity || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") || !strings.Contains(r.Body, `"quantity"`) {
			t.Errorf("without quantity: %d %s", r.Status, r.Body)
		}
		if n := countRows(t, e, "trade_demands"); n != 0 {
			t.Fatalf("%d demands written", n)
		}
		body["quantity"] = 2
		r = e.API("POST", "/api/v1/trade/demands", tok, body)
		if r.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		var m struct {
			Items []struct {
				ProducerName string   `json:"producer_name"`
				Explanations []string `json:"explanations"`
			} `json:"items"`
		}
		req := e.API("GET", r.Header.Get("Location")+"?lang=en", tok, nil)
		req.JSON(t, &m)
		if len(m.Items) != 1 || m.Items[0].ProducerName != "HTX Long nhãn API" || !strings.Contains(strings.Join(m.Items[0].Explanations, " "), "Lacks required certification: HACCP") {
			t.Errorf("matches: %s", req.Body)
		}
		if r := e.API("POST", "/api/v1/trade/demands", e.Token(tradeBuyer(t, e, "Chưa xác minh", false)), body); r.Status != http.StatusForbidden {
			t.Errorf("unverified buyer: %d", r.Status)
		}
	})
}
