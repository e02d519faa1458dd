package web

import (
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"ocop/internal/apperr"
)

// limiter is a token bucket per key, kept in memory. Several app instances
// each keep their own buckets; the limit per instance still bounds abuse.
type limiter struct {
	mu      sync.Mutex
	rate    float64 // tokens per second
	burst   float64
	buckets map[string]*bucket
	now     func() time.Time
	last    time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(perMinute, burst int, now func() time.Time) *limiter {
	return &limiter{rate: float64(perMinute) / 60, burst: float64(burst), buckets: map[string]*bucket{}, now: now}
}

// allow takes a token for key; when none is left it returns how long to wait.
func (l *limiter) allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.last) > time.Minute {
		l.sweep(now)
		l.last = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, wait
}

// sweep forgets full buckets so memory stays bounded.
func (l *limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// limiters are the platform's rate limits.
type limiters struct {
	loginIP   *limiter // login attempts per client address
	loginUser *limiter // login attempts per username
	signup    *limiter // sign-ups per client address
	search    *limiter // searches and suggestions per client address (nil: no limit)
	reports   *limiter // consumer reports of suspected fakes per client address
}

func newLimiters(now func() time.Time, searchPerMinute int) *limiters {
	l := &limiters{
		loginIP:   newLimiter(30, 10, now),
		loginUser: newLimiter(10, 5, now),
		signup:    newLimiter(5, 3, now),
		reports:   newLimiter(10, 10, now),
	}
	if searchPerMinute > 0 {
		l.search = newLimiter(searchPerMinute, max(searchPerMinute/2, 10), now)
	}
	return l
}

// limited rate-limits a page or API handler per client address: over the
// limit it answers 429 with Retry-After (a page in the user's language or
// a problem document), without running the handler. A nil limiter lets
// everything through.
func (s *Server) limited(l *limiter, fn func(http.ResponseWriter, *http.Request) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if l != nil {
			if ok, wait := l.allow(clientIP(r)); !ok {
				secs := max(int(math.Ceil(wait.Seconds())), 1)
				w.Header().Set("Retry-After", strconv.Itoa(secs))
				return &apperr.Error{Code: apperr.TooMany, Key: "err.too_many_requests", Args: []any{secs}}
			}
		}
		return fn(w, r)
	}
}

// realIP takes the client address from X-Forwarded-For when the request
// comes from a trusted reverse proxy: walking the header from the right,
// the first address that is not a trusted proxy is the client. Without
// trusted proxies the header is ignored (anyone can send it).
func (s *Server) realIP(next http.Handler) http.Handler {
	if len(s.TrustedProxies) == 0 {
		return next
	}
	trusted := func(a netip.Addr) bool {
		for _, p := range s.TrustedProxies {
			if p.Contains(a.Unmap()) {
				return true
			}
		}
		return false
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, port, err := net.SplitHostPort(r.RemoteAddr)
		peer, perr := netip.ParseAddr(host)
		if err == nil && perr == nil && trusted(peer) {
			var hops []string
			for _, v := range r.Header.Values("X-Forwarded-For") {
				for h := range strings.SplitSeq(v, ",") {
					hops = append(hops, strings.TrimSpace(h))
				}
			}
			var client netip.Addr
			for i := len(hops) - 1; i >= 0; i-- {
				a, err := netip.ParseAddr(hops[i])
				if err != nil {
					break
				}
				client = a.Unmap()
				if !trusted(client) {
					break
				}
			}
			if client.IsValid() {
				r = r.WithContext(r.Context())
				r.RemoteAddr = net.JoinHostPort(client.String(), port)
			}
		}
		next.ServeHTTP(w, r)
	})
}
