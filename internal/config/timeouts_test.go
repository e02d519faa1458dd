package config

import (
	"testing"
	"time"
)

// The HTTP server timeouts come from the environment and the flags (flags
// win), with the defaults otherwise.
func TestServerTimeouts(t *testing.T) {
	c, err := parse(t, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.ReadHeaderTimeout != 10*time.Second || c.ReadTimeout != time.Minute || c.WriteTimeout != 2*time.Minute || c.IdleTimeout != 2*time.Minute {
		t.Errorf("defaults: %+v", c)
	}
	c, err = parse(t, []string{"--read-timeout", "30s"}, map[string]string{
		"OCOP_READ_HEADER_TIMEOUT": "2s", "OCOP_READ_TIMEOUT": "5s", "OCOP_WRITE_TIMEOUT": "45s", "OCOP_IDLE_TIMEOUT": "500ms"})
	if err != nil {
		t.Fatal(err)
	}
	if c.ReadHeaderTimeout != 2*time.Second || c.ReadTimeout != 30*time.Second || c.WriteTimeout != 45*time.Second || c.IdleTimeout != 500*time.Millisecond {
		t.Errorf("from the environment and a flag: header %s, read %s, write %s, idle %s", c.ReadHeaderTimeout, c.ReadTimeout, c.WriteTimeout, c.IdleTimeout)
	}
}
