package main

import (
	"context"

	"ocop/internal/app"
	"ocop/internal/bootstrap"
)

func migrate(ctx context.Context, a *app.App) (int, error) {
	return bootstrap.Migrate(ctx, a.DB, a.Ref)
}
