package demo_test

import (
	"context"
	"testing"

	"ocop/internal/account"
	"ocop/internal/dbtest"
	"ocop/internal/demo"
	"ocop/internal/registry"
)

// BenchmarkDemoLoad measures `ocop demo`'s load into a fresh migrated
// database (not timed: the copy of the template), with the production
// password hashing, on SQLite and, when configured, PostgreSQL.
func BenchmarkDemoLoad(b *testing.B) {
	for _, eng := range dbtest.Engines() {
		b.Run(string(eng), func(b *testing.B) {
			ref := dbtest.Reference(b)
			ctx := context.Background()
			for b.Loop() {
				b.StopTimer()
				d := dbtest.New(b, eng)
				accounts := account.NewService(d, ref.Units, account.Options{})
				reg := registry.NewService(d, ref.Units, ref.Categories, accounts, registry.Options{})
				b.StartTimer()
				res, err := demo.Load(ctx, d, ref, accounts, reg, demo.Options{Seed: 1})
				if err != nil {
					b.Fatal(err)
				}
				if res.Products != demo.TargetProducts {
					b.Fatalf("got %d products, want %d", res.Products, demo.TargetProducts)
				}
				// Release the pools now rather than at dbtest's cleanup, so
				// that iterations do not pile up open databases.
				b.StopTimer()
				d.Close()
				b.StartTimer()
			}
		})
	}
}
