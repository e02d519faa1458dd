package web_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ocop/internal/apptest"
	"ocop/internal/db"
	"ocop/internal/stamp"
)

// BenchmarkVerifyThroughput measures the verification page with scan
// logging on (the batched writer running, counterfeit rules included)
// against the same server answering a constant page (the typed-serial form
// of the same template, no database), in one run, with a Go load client
// over loopback. It reports both rates and their ratio
// (target ≥ 0.8) and the scans the writer dropped. Run:
//
//	go test ./internal/web -run '^$' -bench VerifyThroughput -benchtime 1x
//
// OCOP_STAMP_LOAD_SECONDS sets each phase's length (default 5),
// OCOP_STAMP_LOAD_CLIENTS the concurrent clients (default 32).
func BenchmarkVerifyThroughput(b *testing.B) {
	engines := []db.Dialect{db.SQLite}
	if os.Getenv("OCOP_TEST_POSTGRES_URL") != "" {
		engines = append(engines, db.Postgres)
	}
	secs, clients := envInt("OCOP_STAMP_LOAD_SECONDS", 5), envInt("OCOP_STAMP_LOAD_CLIENTS", 32)
	for _, eng := range engines {
		b.Run(string(eng), func(b *testing.B) {
			e := apptest.New(b, eng)
			// Real time: the rate limiter and the writer run on the clock.
			e.Clock.Set(time.Now().UTC())
			w := newStampWorldTB(b, e)
			bt, err := e.App.Stamps.Issue(e.Ctx(), e.Admin(), stamp.BatchInput{ProductID: w.product.ID, Count: 5000})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := e.App.Stamps.Activate(e.Ctx(), e.Admin(), bt.Code); err != nil {
				b.Fatal(err)
			}
			var serials []string
			if _, err := e.App.Stamps.Codes(e.Ctx(), e.Admin(), bt.Code, func(c stamp.Code) error {
				serials = append(serials, c.Serial)
				return nil
			}); err != nil {
				b.Fatal(err)
			}
			ctx, stop := context.WithCancel(context.Background())
			var writer sync.WaitGroup
			writer.Go(func() { e.App.Stamps.Scans().Run(ctx) })
			defer func() { stop(); writer.Wait() }()

			tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
			client := &http.Client{Transport: tr}
			// The constant page: the verification form with no serial,
			// rendered by the same template, handler chain and language
			// machinery, without the stamp read and the scan hand-off.
			constant := e.Server.URL + "/q"
			verify := func(i int64) string { return e.Server.URL + "/q/" + serials[i%int64(len(serials))] }
			load := func(url func(int64) string) (float64, int64) {
				var n, size atomic.Int64
				deadline := time.Now().Add(time.Duration(secs) * time.Second)
				var wg sync.WaitGroup
				for c := 0; c < clients; c++ {
					wg.Go(func() {
						for time.Now().Before(deadline) {
							i := n.Add(1)
							res, err := client.Get(url(i))
							if err != nil {
								b.Error(err)
								return
							}
							k, _ := io.Copy(io.Discard, res.Body)
							res.Body.Close()
							if res.StatusCode != 200 {
								b.Errorf("status %d", res.StatusCode)
								return
							}
							size.Store(k)
						}
					})
				}
				wg.Wait()
				return float64(n.Load()) / float64(secs), size.Load()
			}
			for b.Loop() {
				load(verify) // warm up caches and connections
				constRate, constSize := load(func(int64) string { return constant })
				verifyRate, verifySize := load(verify)
				b.ReportMetric(constRate, "const-req/s")
				b.ReportMetric(verifyRate, "verify-req/s")
				b.ReportMetric(verifyRate/constRate, "ratio")
				b.ReportMetric(float64(e.App.Stamps.Scans().Dropped()), "dropped-scans")
				b.Logf("%s: constant page %d B at %.0f req/s; verification %d B at %.0f req/s; ratio %.2f; scans written %d, dropped %d",
					eng, constSize, constRate, verifySize, verifyRate, verifyRate/constRate, e.App.Stamps.Scans().Written(), e.App.Stamps.Scans().Dropped())
			}
		})
	}
}

func envInt(name string, def int) int {
	n, err := strconv.Atoi(os.Getenv(name))
	if err != nil || n <= 0 {
		return def
	}
	return n
}
