package web

import (
	"math"
	"sync"
	"time"
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
}

func newLimiters(now func() time.Time) *limiters {
	return &limiters{
		loginIP:   newLimiter(30, 10, now),
		loginUser: newLimiter(10, 5, now),
		signup:    newLimiter(5, 3, now),
	}
}
