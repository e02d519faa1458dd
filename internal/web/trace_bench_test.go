package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/db"
	"ocop/internal/trace"
)

func benchEngines() []db.Dialect {
	engines := []db.Dialect{db.SQLite}
	if os.Getenv("OCOP_TEST_POSTGRES_URL") != "" {
		engines = append(engines, db.Postgres)
	}
	return engines
}

// BenchmarkResolverThroughput measures the GS1 Digital Link resolver —
// /01/{gtin}/10/{lot} answered 307 to a browser and with a linkset to
// Accept: application/linkset+json — and the verification of a stamp
// whose lot has a five-step journey (and, for comparison, of a stamp in no
// lot), against the constant page of the
// same server (/q), in one run, as BenchmarkVerifyThroughput does. Run:
//
//	go test ./internal/web -run '^$' -bench ResolverThroughput -benchtime 1x
//
// OCOP_STAMP_LOAD_SECONDS and OCOP_STAMP_LOAD_CLIENTS as for that benchmark.
func BenchmarkResolverThroughput(b *testing.B) {
	secs, clients := envInt("OCOP_STAMP_LOAD_SECONDS", 5), envInt("OCOP_STAMP_LOAD_CLIENTS", 32)
	for _, eng := range benchEngines() {
		b.Run(string(eng), func(b *testing.B) {
			e := apptest.New(b, eng)
			e.Clock.Set(time.Now().UTC())
			w := newDairyWorldTB(b, e)
			owner := &account.Principal{Username: "owner", Role: account.RoleProducer, Producers: []int64{w.producer.ID}}
			made := time.Now().In(time.FixedZone("ICT", 7*3600)).Add(-48 * time.Hour)
			lot, err := e.App.Trace.CreateLot(e.Ctx(), owner, trace.LotForm{ProductID: w.product.ID, Code: "BV1", ProducedOn: made.Format("2006-01-02"),
				ExpiresOn: made.AddDate(0, 0, 10).Format("2006-01-02"), Unit: "l", Quantity: 800})
			if err != nil {
				b.Fatal(err)
			}
			for i, step := range trace.Steps {
				if _, err := e.App.Trace.AddEvent(e.Ctx(), owner, lot.ID, trace.EventForm{Step: step, Place: "Điểm bán " + step,
					Time: made.Add(time.Duration(i+1) * time.Hour).Format("2006-01-02T15:04")}); err != nil {
					b.Fatal(err)
				}
			}
			code := issueActive(b, e, w.product.ID, 2000)
			if _, err := e.App.Trace.AssignStamps(e.Ctx(), owner, lot.ID, trace.Assignment{Batch: code}); err != nil {
				b.Fatal(err)
			}
			serials := traceSerials(b, e, code)
			plain := traceSerials(b, e, issueActive(b, e, w.product.ID, 2000)) // in no lot
			ctx, stop := context.WithCancel(context.Background())
			var writer sync.WaitGroup
			writer.Go(func() { e.App.Stamps.Scans().Run(ctx) })
			defer func() { stop(); writer.Wait() }()

			tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
			client := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			load := func(url func(int64) string, accept string, want int) float64 {
				var n atomic.Int64
				deadline := time.Now().Add(time.Duration(secs) * time.Second)
				var wg sync.WaitGroup
				for c := 0; c < clients; c++ {
					wg.Go(func() {
						for time.Now().Before(deadline) {
							req, _ := http.NewRequest("GET", url(n.Add(1)), nil)
							if accept != "" {
								req.Header.Set("Accept", accept)
							}
							res, err := client.Do(req)
							if err != nil {
								b.Error(err)
								return
							}
							_, _ = io.Copy(io.Discard, res.Body)
							res.Body.Close()
							if res.StatusCode != want {
								b.Errorf("status %d, want %d", res.StatusCode, want)
								return
							}
						}
					})
				}
				wg.Wait()
				return float64(n.Load()) / float64(secs)
			}
			constant := func(int64) string { return e.Server.URL + "/q" }
			link := func(int64) string { return e.Server.URL + "/01/" + dairyGTIN + "/10/BV1" }
			verify := func(i int64) string { return e.Server.URL + "/q/" + serials[i%int64(len(serials))] }
			verifyPlain := func(i int64) string { return e.Server.URL + "/q/" + plain[i%int64(len(plain))] }
			for b.Loop() {
				load(verify, "", 200) // warm up caches and connections
				c := load(constant, "", 200)
				r307 := load(link, "", 307)
				rSet := load(link, "application/linkset+json", 200)
				v := load(verify, "", 200)
				vp := load(verifyPlain, "", 200)
				b.ReportMetric(c, "const-req/s")
				b.ReportMetric(vp/c, "untraced-verify-ratio")
				b.ReportMetric(r307/c, "resolve-ratio")
				b.ReportMetric(rSet/c, "linkset-ratio")
				b.ReportMetric(v/c, "traced-verify-ratio")
				b.Logf("%s: constant %.0f req/s; resolver 307 %.0f req/s (%.2f); linkset %.0f req/s (%.2f); verification with journey %.0f req/s (%.2f); "+
					"verification of a stamp in no lot %.0f req/s (%.2f)", eng, c, r307, r307/c, rSet, rSet/c, v, v/c, vp, vp/c)
			}
		})
	}
}

// BenchmarkEPCISCapture10k posts one EPCIS document of 10,000
// ObjectEvents of one lot to the capture endpoint (one transaction). Run:
//
//	go test ./internal/web -run '^$' -bench EPCISCapture10k -benchtime 1x
func BenchmarkEPCISCapture10k(b *testing.B) {
	const n = 10_000
	for _, eng := range benchEngines() {
		b.Run(string(eng), func(b *testing.B) {
			e := apptest.New(b, eng)
			w := newDairyWorldTB(b, e)
			owner := &account.Principal{Username: "owner", Role: account.RoleProducer, Producers: []int64{w.producer.ID}}
			if _, err := e.App.Trace.CreateLot(e.Ctx(), owner, trace.LotForm{ProductID: w.product.ID, Code: "BV1", ProducedOn: "2026-01-01", Unit: "l"}); err != nil {
				b.Fatal(err)
			}
			tok := e.Token(w.owner)
			lot := "https://id.gs1.org/01/0" + dairyGTIN + "/10/BV1"
			round := 0
			for b.Loop() {
				b.StopTimer()
				var sb strings.Builder
				sb.WriteString(`{"@context":["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-11-21T00:00:00Z","epcisBody":{"eventList":[`)
				start := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC).Add(time.Duration(round*n) * time.Second)
				for i := range n {
					if i > 0 {
						sb.WriteByte(',')
					}
					fmt.Fprintf(&sb, `{"type":"ObjectEvent","eventTime":"%s","eventTimeZoneOffset":"+07:00","action":"OBSERVE","quantityList":[{"epcClass":"%s","quantity":%d,"uom":"LTR"}],"bizStep":"shipping","disposition":"in_transit","readPoint":{"id":"urn:epc:id:sgln:893000.00001.%d"}}`,
						start.Add(time.Duration(i)*time.Second).Format(time.RFC3339), lot, i%50+1, i%7)
				}
				sb.WriteString(`]}}`)
				round++
				body := sb.String()
				b.SetBytes(int64(len(body)))
				b.StartTimer()
				r := e.API("POST", "/api/v1/epcis/capture", tok, body)
				if r.Status != http.StatusCreated || !strings.Contains(r.Body, fmt.Sprintf(`"captured":%d`, n)) {
					b.Fatalf("capture: %d %.300s", r.Status, r.Body)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
