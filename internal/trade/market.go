package trade

import (
	"context"

	"ocop/internal/market"
)

// MarketCertifications adapts the market package's certification records
// (VietGAP, HACCP, … recorded with number, issuer and validity) into the
// matching engine's source of verified certifications: only records valid
// today count. Wire it in app: trade.Deps{…, Certifications:
// trade.MarketCertifications(a.Market)}.
func MarketCertifications(m *market.Service) CertificationSource {
	return func(ctx context.Context, producerIDs []int64) (map[int64][]VerifiedCert, error) {
		recs, err := m.Certifications(ctx, producerIDs)
		if err != nil {
			return nil, err
		}
		out := make(map[int64][]VerifiedCert, len(recs))
		for pid, cs := range recs {
			for _, c := range cs {
				if !c.Valid {
					continue
				}
				v := VerifiedCert{Code: c.Kind}
				if c.ProductID != nil {
					v.ProductID = *c.ProductID
				}
				out[pid] = append(out[pid], v)
			}
		}
		return out, nil
	}
}
