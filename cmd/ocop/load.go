package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"ocop/internal/app"
	"ocop/internal/db"
	"ocop/internal/demo"
)

// loadTarget is one kind of page the load command drives.
type loadTarget struct {
	name  string
	paths []string
}

// loadStats accumulates one phase's results.
type loadStats struct {
	mu        sync.Mutex
	latencies map[string][]time.Duration
	errors    map[string]int64
	firstErr  string
	done      atomic.Int64
}

func newLoadStats() *loadStats {
	return &loadStats{latencies: map[string][]time.Duration{}, errors: map[string]int64{}}
}

func (s *loadStats) add(target string, d time.Duration, err error) {
	s.done.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.errors[target]++
		if s.firstErr == "" {
			s.firstErr = err.Error()
		}
		return
	}
	s.latencies[target] = append(s.latencies[target], d)
}

func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	i := int(p * float64(len(ds)-1))
	return ds[i]
}

// cmdLoad runs "ocop load": it serves the platform on loopback (a demo
// database unless --db names one), measures how many requests per second
// the verification, search and product pages take with the machine's
// cores, then drives them at --rate of that capacity for --duration and
// reports latencies, errors and memory. The exit status is 1 when any
// request failed or the heap grew by more than --max-heap-growth.
func cmdLoad(ctx context.Context, e env, args []string) error {
	var (
		duration, capTime time.Duration
		rate, maxGrowth   float64
		workers           int
		heapProfile       string
	)
	cfg, err := parseConfig(e, "load", args, func(fs *flag.FlagSet) {
		fs.DurationVar(&duration, "duration", 10*time.Minute, "how long to drive the sustained load")
		fs.DurationVar(&capTime, "capacity-time", 20*time.Second, "how long to measure capacity")
		fs.Float64Var(&rate, "rate", 0.8, "sustained load as a share of the measured capacity")
		fs.IntVar(&workers, "workers", 2*runtime.NumCPU()+2, "concurrent clients while measuring capacity")
		fs.Float64Var(&maxGrowth, "max-heap-growth", 0.5, "fail when the live heap grows by more than this share")
		fs.StringVar(&heapProfile, "heap-profile", "", "write heap profiles PREFIX-start.pprof and PREFIX-end.pprof around the sustained load (compare with go tool pprof -diff_base)")
	})
	if err != nil {
		return err
	}
	if rate <= 0 || rate > 1 || duration <= 0 || capTime <= 0 || workers < 1 {
		return usageErr("--rate must be in (0,1], --duration and --capacity-time positive, --workers at least 1")
	}
	if cfg.DatabaseURL == "./ocop.db" || cfg.DatabaseURL == "" {
		cfg.DatabaseURL = "./ocop-demo.db"
	}
	cfg.Addr = "127.0.0.1:0" // loopback only, whatever the configuration says
	cfg.LogLevel = "error"
	cfg.SearchRate = 0 // one client drives the load: a per-client search limit would measure itself
	a, err := app.Open(ctx, cfg, app.NewLogger(cfg, e.stderr), app.Options{Migrate: true})
	if err != nil {
		return err
	}
	defer a.Close()
	var products int
	if err := a.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM products").Scan(&products); err != nil {
		return err
	}
	if products == 0 {
		fmt.Fprintf(e.stdout, "loading demo data into %s\n", a.DB.Location)
		if _, err := demo.Load(ctx, a.DB, a.Ref, a.Accounts, a.Registry, demo.Options{Seed: 1, Now: time.Now()}); err != nil {
			return err
		}
	}
	targets, err := loadTargets(ctx, a)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := a.HTTPServer()
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}}
	get := func(ctx context.Context, t loadTarget, i int) error {
		path := t.paths[i%len(t.paths)]
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Accept-Language", "vi")
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: status %d", path, res.StatusCode)
		}
		return err
	}
	for _, t := range targets {
		fmt.Fprintf(e.stdout, "target %-12s %d paths, e.g. %s\n", t.name, len(t.paths), t.paths[0])
	}

	// Phase 1: capacity, closed loop.
	capStats := newLoadStats()
	cctx, cancel := context.WithTimeout(ctx, capTime)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 7))
			for i := 0; cctx.Err() == nil; i++ {
				t := targets[i%len(targets)]
				start := time.Now()
				err := get(cctx, t, r.IntN(1<<30))
				if cctx.Err() != nil {
					return
				}
				capStats.add(t.name, time.Since(start), err)
			}
		})
	}
	wg.Wait()
	cancel()
	capacity := float64(capStats.done.Load()) / capTime.Seconds()
	fmt.Fprintf(e.stdout, "capacity: %.0f requests/s with %d clients (%d requests in %s)\n", capacity, workers, capStats.done.Load(), capTime)
	if capacity < 1 {
		return errors.New("capacity below 1 request/s: nothing to drive")
	}

	// Phase 2: sustained open-loop load at rate × capacity.
	target := capacity * rate
	interval := time.Duration(float64(time.Second) / target)
	stats := newLoadStats()
	heap0 := liveHeap()
	if err := writeHeapProfile(heapProfile, "start"); err != nil {
		return err
	}
	var heapMax uint64
	sctx, cancel2 := context.WithTimeout(ctx, duration)
	defer cancel2()
	sem := make(chan struct{}, 1024)
	var inflight sync.WaitGroup
	tick := time.NewTicker(interval)
	defer tick.Stop()
	sample := time.NewTicker(max(duration/10, time.Second))
	defer sample.Stop()
	var skipped int64
	start := time.Now()
	r := rand.New(rand.NewPCG(42, 42))
	// Open loop: each tick issues every request due by now (start + i ×
	// interval), so that ticks the ticker drops when this goroutine is
	// late (a busy 2-core machine) do not lower the rate.
	issued := 0
	issue := func() {
		t := targets[issued%len(targets)]
		issued++
		n := r.IntN(1 << 30)
		select {
		case sem <- struct{}{}:
		default:
			skipped++ // the server fell behind by 1,024 requests: count it as an error
			stats.add(t.name, 0, errors.New("more than 1024 requests in flight"))
			return
		}
		inflight.Go(func() {
			defer func() { <-sem }()
			s := time.Now()
			err := get(context.Background(), t, n)
			stats.add(t.name, time.Since(s), err)
		})
	}
loop:
	for {
		select {
		case <-sctx.Done():
			break loop
		case <-sample.C:
			h := liveHeap()
			heapMax = max(heapMax, h)
			fmt.Fprintf(e.stdout, "  %4.0fs  %d requests, live heap %.1f MB\n", time.Since(start).Seconds(), stats.done.Load(), float64(h)/(1<<20))
		case <-tick.C:
			for due := int(time.Since(start) / interval); issued < due; {
				issue()
			}
		}
	}
	inflight.Wait()
	elapsed := time.Since(start)
	heap1 := liveHeap()
	if err := writeHeapProfile(heapProfile, "end"); err != nil {
		return err
	}
	heapMax = max(heapMax, heap1)

	fmt.Fprintf(e.stdout, "sustained: %.0f requests/s target (%.0f%% of capacity), %.0f achieved over %s\n",
		target, rate*100, float64(stats.done.Load())/elapsed.Seconds(), elapsed.Round(time.Second))
	var names []string
	for _, t := range targets {
		names = append(names, t.name)
	}
	var failed int64
	for _, n := range names {
		ds := stats.latencies[n]
		slices.Sort(ds)
		failed += stats.errors[n]
		fmt.Fprintf(e.stdout, "  %-12s %7d ok %4d errors  p50 %6.2f ms  p95 %6.2f ms  p99 %6.2f ms\n", n, len(ds), stats.errors[n],
			ms(pct(ds, 0.50)), ms(pct(ds, 0.95)), ms(pct(ds, 0.99)))
	}
	growth := float64(heap1)/float64(max(heap0, 1)) - 1
	fmt.Fprintf(e.stdout, "memory: live heap %.1f MB at start, %.1f MB at end (%+.0f%%), peak sample %.1f MB\n",
		float64(heap0)/(1<<20), float64(heap1)/(1<<20), growth*100, float64(heapMax)/(1<<20))
	switch {
	case failed > 0:
		return &exitError{code: 1, err: fmt.Errorf("%d requests failed (first: %s)", failed, stats.firstErr)}
	case growth > maxGrowth:
		return &exitError{code: 1, err: fmt.Errorf("live heap grew by %.0f%% (limit %.0f%%)", growth*100, maxGrowth*100)}
	}
	fmt.Fprintln(e.stdout, "result: zero errors, memory flat")
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// liveHeap returns the heap in use after a collection.
// writeHeapProfile writes the heap profile to prefix-when.pprof (nothing
// when prefix is empty), after liveHeap's collection.
func writeHeapProfile(prefix, when string) error {
	if prefix == "" {
		return nil
	}
	f, err := os.Create(prefix + "-" + when + ".pprof")
	if err != nil {
		return err
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// loadTargets picks the paths to drive: stamp verification of active
// stamps, catalogue searches (with and without diacritics) and public
// product pages.
func loadTargets(ctx context.Context, a *app.App) ([]loadTarget, error) {
	var out []loadTarget
	serials, err := column(ctx, a.DB, `SELECT s.serial FROM stamps s JOIN stamp_batches b ON b.id = s.batch_id
		WHERE b.status = 'active' AND s.deactivated_at IS NULL ORDER BY b.id, s.seq LIMIT 2000`)
	if err != nil {
		return nil, err
	}
	if len(serials) > 0 {
		t := loadTarget{name: "verify"}
		for _, s := range serials {
			t.paths = append(t.paths, "/q/"+s)
		}
		out = append(out, t)
	}
	search := loadTarget{name: "search"}
	for _, q := range []string{"gom bat trang", "Gốm Bát Tràng", "lua van phuc", "duc dong ngu xa", "tra sen", "mat ong", "banh",
		"gạo", "sua ba vi", "nem", "mien dong", "tuong ban"} {
		search.paths = append(search.paths, "/search?q="+url.QueryEscape(q))
	}
	out = append(out, search)
	ids, err := column(ctx, a.DB, "SELECT CAST(id AS TEXT) FROM products WHERE status = 'active' ORDER BY id LIMIT 2000")
	if err != nil {
		return nil, err
	}
	if len(ids) > 0 {
		t := loadTarget{name: "product"}
		for _, id := range ids {
			t.paths = append(t.paths, "/products/"+id)
		}
		out = append(out, t)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

func column(ctx context.Context, d *db.DB, q string) ([]string, error) {
	rows, err := d.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
