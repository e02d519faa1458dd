package app

import (
	"context"

	"ocop/internal/stats"
)

// statsSources connects the statistics to the modules that record sale
// points, events, leads and traced lots (stats imports none of them).
func (a *App) statsSources() stats.Sources {
	return stats.Sources{
		SalePoints: func(ctx context.Context) (map[string]int, error) {
			f, err := a.Market.Figures(ctx)
			return f.Communes, err
		},
		Events: func(ctx context.Context) (int, int, error) {
			c, err := a.Trade.EventFigures(ctx)
			return c.Upcoming, c.PastThisYear, err
		},
		Leads: func(ctx context.Context) (map[string]int, error) {
			m, err := a.Trade.LeadCounts(ctx)
			out := make(map[string]int, len(m))
			for k, n := range m {
				out[string(k)] = n
			}
			return out, err
		},
		Traceable: a.Trace.TraceableProducts,
	}
}
