package metrics

import (
	"strings"
	"testing"
)

func TestExposition(t *testing.T) {
	r := NewRegistry()
	c := r.Counter("http_requests_total", "Requests.", "route", "code")
	c.Inc("GET /q/{serial}", "200")
	c.Inc("GET /q/{serial}", "200")
	c.Inc(`we"ird`, "500")
	h := r.Histogram("http_request_duration_seconds", "Latency.", []float64{0.1, 1}, "route")
	h.Observe(0.05, "x")
	h.Observe(0.5, "x")
	r.Gauge("things", "Things.", func() float64 { return 3 })
	var b strings.Builder
	r.Write(&b)
	out := b.String()
	for _, want := range []string{
		`http_requests_total{route="GET /q/{serial}",code="200"} 2`,
		`http_requests_total{route="we\"ird",code="500"} 1`,
		`http_request_duration_seconds_bucket{route="x",le="0.1"} 1`,
		`http_request_duration_seconds_bucket{route="x",le="1"} 2`,
		`http_request_duration_seconds_bucket{route="x",le="+Inf"} 2`,
		`http_request_duration_seconds_count{route="x"} 2`,
		"things 3",
		"go_goroutines ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}
