// Package metrics is a minimal Prometheus text-format exposition: counters
// and histograms with labels, plus Go runtime gauges. It avoids pulling the
// full Prometheus client and its dependency tree into the binary for the
// handful of series the platform exports.
package metrics

import (
	"fmt"
	"io"
	"math"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Registry holds every series; it is safe for concurrent use.
type Registry struct {
	mu     sync.Mutex
	series []writer
	start  time.Time
}

type writer interface {
	write(w io.Writer)
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{start: time.Now()} }

// CounterVec is a counter family with labels.
type CounterVec struct {
	name, help string
	labels     []string
	mu         sync.RWMutex
	values     map[string]*atomic.Uint64
}

// Counter registers a counter family.
func (r *Registry) Counter(name, help string, labels ...string) *CounterVec {
	c := &CounterVec{name: name, help: help, labels: labels, values: map[string]*atomic.Uint64{}}
	r.mu.Lock()
	r.series = append(r.series, c)
	r.mu.Unlock()
	return c
}

func key(vals []string) string { return strings.Join(vals, "\x00") }

// Add adds n to the series with the label values.
func (c *CounterVec) Add(n uint64, vals ...string) {
	k := key(vals)
	c.mu.RLock()
	v, ok := c.values[k]
	c.mu.RUnlock()
	if !ok {
		c.mu.Lock()
		if v, ok = c.values[k]; !ok {
			v = new(atomic.Uint64)
			c.values[k] = v
		}
		c.mu.Unlock()
	}
	v.Add(n)
}

// Inc adds one.
func (c *CounterVec) Inc(vals ...string) { c.Add(1, vals...) }

func labelString(names []string, k string) string {
	if len(names) == 0 {
		return ""
	}
	vals := strings.Split(k, "\x00")
	parts := make([]string, len(names))
	for i, n := range names {
		v := ""
		if i < len(vals) {
			v = vals[i]
		}
		v = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v)
		parts[i] = fmt.Sprintf(`%s="%s"`, n, v)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func (c *CounterVec) write(w io.Writer) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n", c.name, c.help, c.name)
	c.mu.RLock()
	keys := make([]string, 0, len(c.values))
	for k := range c.values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "%s%s %d\n", c.name, labelString(c.labels, k), c.values[k].Load())
	}
	c.mu.RUnlock()
}

// HistogramVec is a histogram family with labels.
type HistogramVec struct {
	name, help string
	labels     []string
	buckets    []float64
	mu         sync.Mutex
	values     map[string]*hist
}

type hist struct {
	counts []uint64
	sum    float64
	n      uint64
}

// DefBuckets suit request latencies in seconds.
var DefBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// Histogram registers a histogram family.
func (r *Registry) Histogram(name, help string, buckets []float64, labels ...string) *HistogramVec {
	h := &HistogramVec{name: name, help: help, labels: labels, buckets: buckets, values: map[string]*hist{}}
	r.mu.Lock()
	r.series = append(r.series, h)
	r.mu.Unlock()
	return h
}

// Observe records v in the series with the label values.
func (h *HistogramVec) Observe(v float64, vals ...string) {
	k := key(vals)
	h.mu.Lock()
	x, ok := h.values[k]
	if !ok {
		x = &hist{counts: make([]uint64, len(h.buckets))}
		h.values[k] = x
	}
	for i, b := range h.buckets {
		if v <= b {
			x.counts[i]++
		}
	}
	x.sum += v
	x.n++
	h.mu.Unlock()
}

func (h *HistogramVec) write(w io.Writer) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s histogram\n", h.name, h.help, h.name)
	h.mu.Lock()
	defer h.mu.Unlock()
	keys := make([]string, 0, len(h.values))
	for k := range h.values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		x := h.values[k]
		ls := labelString(h.labels, k)
		inner := strings.TrimSuffix(strings.TrimPrefix(ls, "{"), "}")
		sep := ""
		if inner != "" {
			sep = ","
		}
		for i, b := range h.buckets {
			fmt.Fprintf(w, "%s_bucket{%s%sle=\"%g\"} %d\n", h.name, inner, sep, b, x.counts[i])
		}
		fmt.Fprintf(w, "%s_bucket{%s%sle=\"+Inf\"} %d\n", h.name, inner, sep, x.n)
		fmt.Fprintf(w, "%s_sum%s %g\n%s_count%s %d\n", h.name, ls, x.sum, h.name, ls, x.n)
	}
}

// GaugeFunc is a gauge read when scraped.
type GaugeFunc struct {
	name, help string
	fn         func() float64
}

// Gauge registers a gauge computed at scrape time.
func (r *Registry) Gauge(name, help string, fn func() float64) {
	r.mu.Lock()
	r.series = append(r.series, &GaugeFunc{name, help, fn})
	r.mu.Unlock()
}

func (g *GaugeFunc) write(w io.Writer) {
	v := g.fn()
	if math.IsNaN(v) {
		return
	}
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n%s %g\n", g.name, g.help, g.name, g.name, v)
}

// Write writes every series in the Prometheus text format, with Go
// runtime gauges.
func (r *Registry) Write(w io.Writer) {
	r.mu.Lock()
	series := append([]writer(nil), r.series...)
	r.mu.Unlock()
	for _, s := range series {
		s.write(w)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(w, "# HELP go_goroutines Number of goroutines.\n# TYPE go_goroutines gauge\ngo_goroutines %d\n", runtime.NumGoroutine())
	fmt.Fprintf(w, "# HELP go_memstats_heap_alloc_bytes Heap bytes allocated and in use.\n# TYPE go_memstats_heap_alloc_bytes gauge\ngo_memstats_heap_alloc_bytes %d\n", ms.HeapAlloc)
	fmt.Fprintf(w, "# HELP go_memstats_sys_bytes Bytes obtained from the OS.\n# TYPE go_memstats_sys_bytes gauge\ngo_memstats_sys_bytes %d\n", ms.Sys)
	fmt.Fprintf(w, "# HELP process_uptime_seconds Seconds since the process started.\n# TYPE process_uptime_seconds gauge\nprocess_uptime_seconds %g\n", time.Since(r.start).Seconds())
}
