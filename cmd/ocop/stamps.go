package main

import "context"

// cmdStamps runs "ocop stamps issue|pdf|csv|activate".
func cmdStamps(ctx context.Context, e env, args []string) error {
	_, _ = ctx, e
	return usageErr("usage: ocop stamps issue|pdf|csv|activate (not yet available)")
}
