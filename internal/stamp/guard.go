package stamp

import (
	"sync"
	"time"
)

// guard rate-limits lookups of unknown serials per client fingerprint: a
// token bucket of Rules.UnknownBurst tokens refilled over UnknownWindow.
// A client that runs dry is answered 429 until a token is back, which makes
// enumerating serials (80 random bits) hopeless as well as visible.
type guard struct {
	mu      sync.Mutex
	burst   float64
	perSec  float64
	buckets map[string]*tokens
	swept   time.Time
}

type tokens struct {
	n  float64
	at time.Time
}

func newGuard(r Rules) *guard {
	return &guard{burst: float64(r.UnknownBurst), perSec: float64(r.UnknownBurst) / r.UnknownWindow.Seconds(), buckets: map[string]*tokens{}}
}

func (g *guard) bucket(key string, now time.Time) *tokens {
	if now.Sub(g.swept) > time.Minute {
		for k, b := range g.buckets {
			if b.n+now.Sub(b.at).Seconds()*g.perSec >= g.burst {
				delete(g.buckets, k)
			}
		}
		g.swept = now
	}
	b, ok := g.buckets[key]
	if !ok {
		b = &tokens{n: g.burst, at: now}
		g.buckets[key] = b
	}
	if d := now.Sub(b.at).Seconds(); d > 0 {
		b.n = min(g.burst, b.n+d*g.perSec)
	}
	b.at = now
	return b
}

// take spends a token for an unknown serial.
func (g *guard) take(key string, now time.Time) {
	if key == "" {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	b := g.bucket(key, now)
	b.n = max(b.n-1, -1)
}

// blocked reports whether the client has no token left, and for how long.
func (g *guard) blocked(key string, now time.Time) (bool, time.Duration) {
	if key == "" {
		return false, 0
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	b := g.bucket(key, now)
	if b.n >= 1 {
		return false, 0
	}
	wait := time.Duration((1 - b.n) / g.perSec * float64(time.Second))
	return true, max(wait, time.Second)
}
