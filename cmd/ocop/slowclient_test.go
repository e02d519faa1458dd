package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ocop/internal/app"
	"ocop/internal/config"
)

// slowServer serves the platform on a loopback listener with the given
// timeouts and returns its address.
func slowServer(t *testing.T, configure func(*config.Config)) string {
	t.Helper()
	cfg := config.Defaults()
	cfg.DatabaseURL, cfg.DataDir, cfg.Addr = filepath.Join(t.TempDir(), "ocop.db"), t.TempDir(), "127.0.0.1:0"
	configure(&cfg)
	a, err := app.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, func(s string) { addr <- s }) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		a.Close()
	})
	select {
	case s := <-addr:
		return s
	case err := <-done:
		t.Fatalf("serve: %v", err)
	}
	return ""
}

// trickle writes head at once, then one byte of drip every interval until
// the server closes the connection or hangGuard passes. It returns how
// long the connection lived and the status line the server sent, if any.
func trickle(t *testing.T, addr, head, drip string, interval time.Duration) (time.Duration, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	if _, err := io.WriteString(c, head); err != nil {
		t.Fatal(err)
	}
	closed := make(chan string, 1)
	go func() {
		// The server either answers (e.g. 408) and closes, or just closes.
		line, _ := bufio.NewReader(c).ReadString('\n')
		io.Copy(io.Discard, c)
		closed <- strings.TrimSpace(line)
	}()
	const hangGuard = 30 * time.Second
	for i := 0; ; i++ {
		select {
		case line := <-closed:
			return time.Since(start), line
		case <-time.After(interval):
		}
		if time.Since(start) > hangGuard {
			t.Fatalf("a slow client was still connected after %s", hangGuard)
		}
		// A write may fail once the server has closed; the reader reports it.
		c.SetWriteDeadline(time.Now().Add(time.Second))
		io.WriteString(c, string(drip[i%len(drip)]))
	}
}

// TestSlowClientsAreCutOff opens slow connections through a real listener
// (slowloris: headers trickled a byte at a time; a body trickled the same
// way; a connection that sends nothing) and proves that the server closes
// each of them once its timeout passes, without a 5xx, while ordinary
// requests keep being answered meanwhile.
func TestSlowClientsAreCutOff(t *testing.T) {
	const (
		headerTimeout = 400 * time.Millisecond
		readTimeout   = 1500 * time.Millisecond
		idleTimeout   = 1 * time.Second
	)
	addr := slowServer(t, func(c *config.Config) {
		c.ReadHeaderTimeout, c.ReadTimeout, c.IdleTimeout = headerTimeout, readTimeout, idleTimeout
	})
	base := "http://" + addr

	// Ordinary clients keep getting answers while the slow ones hang on.
	stop := make(chan struct{})
	var normal sync.WaitGroup
	var served, failed int
	var mu sync.Mutex
	normal.Go(func() {
		client := &http.Client{Timeout: 10 * time.Second}
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
			for _, path := range []string{"/healthz", "/api/v1/products", "/"} {
				res, err := client.Get(base + path)
				ok := err == nil && res.StatusCode == http.StatusOK
				if err == nil {
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
				mu.Lock()
				if ok {
					served++
				} else {
					failed++
					t.Errorf("GET %s while slow clients hang on: %v %v", path, err, res)
				}
				mu.Unlock()
			}
		}
	})

	body := "username=a&password=" + strings.Repeat("x", 200)
	cases := []struct {
		name     string
		head     string
		drip     string
		interval time.Duration
		limit    time.Duration // the timeout that must cut it off
	}{
		{"headers trickled", "GET / HTTP/1.1\r\nHost: ocop\r\n", "X-Slow: aaaaaaaa\r\n", 50 * time.Millisecond, headerTimeout},
		{"nothing sent", "", " ", time.Hour, headerTimeout},
		{"body trickled", fmt.Sprintf("POST /login HTTP/1.1\r\nHost: ocop\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n", len(body)),
			body, 50 * time.Millisecond, readTimeout},
		{"API body trickled", fmt.Sprintf("POST /api/v1/producers HTTP/1.1\r\nHost: ocop\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", 300),
			`{"name":"` + strings.Repeat("x", 300), 50 * time.Millisecond, readTimeout},
	}
	var slow sync.WaitGroup
	for _, tc := range cases {
		// Ten of each at once, as an attacker would.
		for range 10 {
			slow.Go(func() {
				lived, status := trickle(t, addr, tc.head, tc.drip, tc.interval)
				if lived < tc.limit/2 || lived > tc.limit+5*time.Second {
					t.Errorf("%s: connection lived %s, want it closed soon after %s", tc.name, lived, tc.limit)
				}
				if strings.Contains(status, " 5") {
					t.Errorf("%s: server answered %q", tc.name, status)
				}
			})
		}
	}
	slow.Wait()

	// An idle keep-alive connection is closed after the idle timeout.
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: ocop\r\n\r\n")
	br := bufio.NewReader(c)
	res, err := http.ReadResponse(br, nil)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("keep-alive request: %v %v", err, res)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	start := time.Now()
	c.SetReadDeadline(time.Now().Add(30 * time.Second)) // a hang guard
	if _, err := br.ReadByte(); err != io.EOF {
		t.Errorf("idle connection: read %v, want EOF", err)
	}
	if lived := time.Since(start); lived < idleTimeout/2 || lived > idleTimeout+5*time.Second {
		t.Errorf("idle connection closed after %s, want about %s", lived, idleTimeout)
	}

	close(stop)
	normal.Wait()
	if served == 0 || failed > 0 {
		t.Errorf("ordinary requests meanwhile: %d served, %d failed", served, failed)
	}
	t.Logf("%d ordinary requests served while 40 slow clients were cut off", served)
}
