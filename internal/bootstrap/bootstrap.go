// Package bootstrap brings a database to the current schema with its
// reference data (administrative units, product classification, the
// official scorecards): what
// `ocop migrate` does, and what every test database starts from.
package bootstrap

import (
	"context"
	"fmt"

	"ocop/internal/adminunit"
	"ocop/internal/db"
	"ocop/internal/evaluation"
	"ocop/internal/registry"
)

// Reference is the embedded reference data, parsed once per process.
type Reference struct {
	Units      *adminunit.Units
	Categories *registry.Categories
}

// LoadReference parses the embedded reference data.
func LoadReference() (*Reference, error) {
	u, err := adminunit.Load()
	if err != nil {
		return nil, fmt.Errorf("administrative units: %w", err)
	}
	c, err := registry.LoadCategories()
	if err != nil {
		return nil, err
	}
	return &Reference{Units: u, Categories: c}, nil
}

// Migrate applies the schema migrations and loads the reference data. It
// is idempotent. It returns the number of migrations applied.
func Migrate(ctx context.Context, d *db.DB, ref *Reference) (int, error) {
	n, err := d.Migrate(ctx)
	if err != nil {
		return n, err
	}
	if err := adminunit.Seed(ctx, d, ref.Units); err != nil {
		return n, fmt.Errorf("load administrative units: %w", err)
	}
	if err := registry.SeedCategories(ctx, d, ref.Categories); err != nil {
		return n, err
	}
	if err := evaluation.SeedScorecards(ctx, d); err != nil {
		return n, err
	}
	return n, nil
}
