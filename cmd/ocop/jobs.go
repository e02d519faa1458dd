package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// cmdJobs runs "ocop jobs run": the background jobs that are due (those
// whose lease no instance holds), once, then exits. `ocop serve` runs them
// by itself; this is for cron on installations that prefer it, for
// operators who want a run now, and for tests. The exit status is 1 when a
// job failed, so that cron reports it.
func cmdJobs(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || args[0] != "run" {
		return usageErr("usage: ocop jobs run [flags]   (runs the background jobs that are due, once)")
	}
	cfg, err := parseConfig(e, "jobs run", args[1:], nil)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	var errs []error
	for _, r := range a.Jobs.RunDue(ctx) {
		switch {
		case r.Err != nil:
			fmt.Fprintf(e.stdout, "%s: failed: %v\n", r.Name, r.Err)
			errs = append(errs, r.Err)
		case r.Ran:
			fmt.Fprintf(e.stdout, "%s: %s\n", r.Name, r.Report)
		default:
			fmt.Fprintf(e.stdout, "%s: not due: %s holds it until %s\n", r.Name, r.Holder, r.Until.Local().Format(time.RFC3339))
		}
	}
	return errors.Join(errs...)
}
