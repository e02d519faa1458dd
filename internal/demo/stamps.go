package demo

import (
	"fmt"

	"ocop/internal/db"
	"ocop/internal/stamp"
)

// Demo stamps: enough active batches that the verification page, the scan
// statistics and `ocop load` (which drives verification of active stamps)
// have real codes to work with.
const (
	demoStampProducts = 40  // products with a batch, the demo producer's first
	demoStampsPerLot  = 250 // stamps per batch: 10,000 in all
)

// stamps issues one active batch of demoStampsPerLot stamps for each of
// the first demoStampProducts products whose newest certificate is in
// force (the demo producer's products first), as the office would: fresh
// random serials from stamp.NewSerial, the batch activated a day after it
// was issued. Batch rows take their ids from the database; the stamps go
// in multi-row inserts. It returns the number of stamps written and the
// serial of the first one (a code to try on the verification page).
func (w *writer) stamps() (int, string, error) {
	today := w.now.Add(7 * 3600e9).Format("2006-01-02")
	type lot struct {
		product, producer, cert int64
		commune                 string
	}
	rows, err := w.tx.QueryContext(w.ctx, `SELECT c.product_id, p.producer_id, pr.commune_code, c.id FROM certificates c
		JOIN products p ON p.id = c.product_id JOIN producers pr ON pr.id = p.producer_id
		WHERE c.revoked_on = '' AND c.issued_on <= ? AND c.expires_on >= ? AND p.status = 'active'
		AND NOT EXISTS (SELECT 1 FROM certificates n WHERE n.product_id = c.product_id AND n.issued_on > c.issued_on)
		ORDER BY CASE WHEN p.producer_id IN (SELECT l.producer_id FROM producer_links l JOIN users u ON u.id = l.user_id
			WHERE u.username = ?) THEN 0 ELSE 1 END, c.product_id LIMIT ?`, today, today, demoProducerKey, demoStampProducts)
	if err != nil {
		return 0, "", fmt.Errorf("demo stamps: %w", err)
	}
	var lots []lot
	for rows.Next() {
		var l lot
		if err := rows.Scan(&l.product, &l.producer, &l.commune, &l.cert); err != nil {
			rows.Close()
			return 0, "", err
		}
		lots = append(lots, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, "", err
	}
	issued := w.now.UTC().Truncate(1e9).Add(-24 * 3600e9)
	var stampRows [][]any
	for i, l := range lots {
		code := "B" + stamp.NewSerial()[:10]
		id, err := db.Insert(w.ctx, w.tx, `INSERT INTO stamp_batches (code, product_id, producer_id, commune_code, certificate_id, lot, count, status,
			created_by, created_at, activated_at, deactivate_reason, version) VALUES (?, ?, ?, ?, ?, ?, ?, 'active', NULL, ?, ?, '', 2)`,
			code, l.product, l.producer, l.commune, l.cert, fmt.Sprintf("DEMO-%02d", i+1), demoStampsPerLot, issued, issued.Add(24*3600e9))
		if err != nil {
			return 0, "", fmt.Errorf("demo stamp batch: %w", err)
		}
		for seq := 1; seq <= demoStampsPerLot; seq++ {
			stampRows = append(stampRows, []any{id, seq, stamp.NewSerial()})
		}
	}
	if err := w.insert("stamps", []string{"batch_id", "seq", "serial"}, stampRows, "stamps"); err != nil {
		return 0, "", err
	}
	sample := ""
	if len(stampRows) > 0 {
		sample = stampRows[0][2].(string)
	}
	return len(stampRows), sample, nil
}
