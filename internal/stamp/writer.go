package stamp

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"ocop/internal/db"
)

// Scan is one verification for the scan log.
type Scan struct {
	At         time.Time
	Serial     string // normalised; "" when the input was not a serial
	BatchID    int64
	ProductID  int64
	ProducerID int64
	Commune    string
	Verdict    Verdict
	Client     string
	Place      Place
	// Prior is the stamp's scan count the verification read, so that the
	// rules need not count again.
	Prior int
}

// ScanWriter appends scans to the log in batches, away from the request
// path: Verify hands a scan over without waiting (a full queue drops it and
// counts the drop), Run writes what is queued every FlushEvery or when
// enough has gathered, and Flush writes everything queued (graceful
// shutdown calls it after the HTTP server has stopped). The counterfeit
// rules run here, on the scans being written.
type ScanWriter struct {
	s       *Service
	queue   chan Scan
	mu      sync.Mutex // one flush at a time
	dropped atomic.Int64
	written atomic.Int64
}

func newScanWriter(s *Service) *ScanWriter {
	return &ScanWriter{s: s, queue: make(chan Scan, s.opt.ScanBuffer)}
}

// Scans returns the service's scan writer.
func (s *Service) Scans() *ScanWriter { return s.writer }

func (w *ScanWriter) offer(sc Scan) {
	select {
	case w.queue <- sc:
	default:
		w.dropped.Add(1)
	}
}

// Dropped is the number of scans lost because the queue was full.
func (w *ScanWriter) Dropped() int64 { return w.dropped.Load() }

// Written is the number of scans written to the log.
func (w *ScanWriter) Written() int64 { return w.written.Load() }

// Pending is the number of scans waiting in the queue.
func (w *ScanWriter) Pending() int { return len(w.queue) }

// flushSize is the most scans one transaction writes.
const flushSize = 1000

// Run writes queued scans until ctx ends; it then returns without the final
// flush, which the caller does with Flush once nothing can enqueue anymore.
func (w *ScanWriter) Run(ctx context.Context) {
	t := time.NewTicker(w.s.opt.FlushEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := w.Flush(ctx); err != nil && ctx.Err() == nil {
			w.s.Log.Error("stamp scans: flush failed", "err", err)
		}
	}
}

// Flush writes every scan queued so far.
func (w *ScanWriter) Flush(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for {
		batch := make([]Scan, 0, min(flushSize, len(w.queue)))
	fill:
		for len(batch) < flushSize {
			select {
			case sc := <-w.queue:
				batch = append(batch, sc)
			default:
				break fill
			}
		}
		if len(batch) == 0 {
			return nil
		}
		// The write must survive the shutdown context: a cancelled request
		// context never reaches here, and the final flush gets its own.
		if err := w.write(context.WithoutCancel(ctx), batch); err != nil {
			return err
		}
		w.written.Add(int64(len(batch)))
	}
}

// write logs a batch of scans, applies the rules and keeps the per-stamp
// counters, in one transaction.
func (w *ScanWriter) write(ctx context.Context, batch []Scan) error {
	s := w.s
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		var sb strings.Builder
		args := make([]any, 0, len(batch)*11)
		sb.WriteString("INSERT INTO stamp_scans (at, serial, batch_id, product_id, producer_id, commune_code, verdict, client, latitude, longitude) VALUES ")
		for i, sc := range batch {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString("(?,?,?,?,?,?,?,?,?,?)")
			var lat, lon any
			if sc.Place.Known {
				lat, lon = sc.Place.Lat, sc.Place.Lon
			}
			args = append(args, sc.At, sc.Serial, nullID(sc.BatchID), nullID(sc.ProductID), nullID(sc.ProducerID), sc.Commune, string(sc.Verdict), sc.Client, lat, lon)
		}
		// Rules first: each scan is judged against the log before it,
		// including the earlier scans of this batch.
		if err := w.applyRules(ctx, tx, batch); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("log scans: %w", err)
		}
		// Per-stamp counters: one UPDATE per distinct increment and one per
		// distinct first-scan second, not one per stamp.
		inc := map[string]int{}
		first := map[string]time.Time{}
		for _, sc := range batch {
			if sc.BatchID == 0 {
				continue
			}
			inc[sc.Serial]++
			if _, ok := first[sc.Serial]; !ok && sc.Prior == 0 {
				first[sc.Serial] = sc.At
			}
		}
		byInc := map[int][]any{}
		for serial, n := range inc {
			byInc[n] = append(byInc[n], serial)
		}
		for n, serials := range byInc {
			if _, err := tx.ExecContext(ctx, `UPDATE stamps SET scan_count = scan_count + ? WHERE serial IN (`+db.Placeholders(len(serials))+`)`,
				append([]any{n}, serials...)...); err != nil {
				return err
			}
		}
		byFirst := map[time.Time][]any{}
		for serial, t := range first {
			byFirst[t] = append(byFirst[t], serial)
		}
		for t, serials := range byFirst {
			if _, err := tx.ExecContext(ctx, `UPDATE stamps SET first_scan_at = ? WHERE first_scan_at IS NULL AND serial IN (`+db.Placeholders(len(serials))+`)`,
				append([]any{t}, serials...)...); err != nil {
				return err
			}
		}
		return nil
	})
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// historyDepth is how many earlier scans of a stamp the rules look at.
const historyDepth = 50

func (w *ScanWriter) applyRules(ctx context.Context, tx *db.Tx, batch []Scan) error {
	s := w.s
	r := s.opt.Rules
	seen := map[string][]ScanEvent{}     // serial → earlier scans in this batch
	counts := map[string]int{}           // serial → scans before this batch
	unknowns := map[string][]time.Time{} // client → unknown scans (log + batch)
	loadedClients := map[string]bool{}
	loaded := map[string]bool{} // serials whose logged history is in seen
	for _, sc := range batch {
		ev := ScanEvent{At: sc.At, Serial: sc.Serial, Client: sc.Client, Verdict: sc.Verdict, Place: sc.Place}
		var h History
		if sc.Verdict == VerdictUnknown {
			if sc.Client != "" && !loadedClients[sc.Client] {
				loadedClients[sc.Client] = true
				rows, err := tx.QueryContext(ctx, `SELECT at FROM stamp_scans WHERE client = ? AND verdict = 'unknown' AND at >= ?`, sc.Client, sc.At.Add(-r.UnknownWindow))
				if err != nil {
					return err
				}
				for rows.Next() {
					var t time.Time
					if err := rows.Scan(&t); err != nil {
						rows.Close()
						return err
					}
					unknowns[sc.Client] = append(unknowns[sc.Client], t.UTC())
				}
				rows.Close()
			}
			h.ClientUnknowns = unknowns[sc.Client]
			if sc.Client != "" {
				unknowns[sc.Client] = append(unknowns[sc.Client], sc.At)
			}
		} else {
			if _, ok := counts[sc.Serial]; !ok {
				counts[sc.Serial] = sc.Prior
			}
			// The earlier scans matter only to the travel rule, which needs
			// a place: most scans share none and cost no read.
			if sc.Place.Known && !loaded[sc.Serial] {
				loaded[sc.Serial] = true
				hist, _, err := stampHistory(ctx, tx, sc.Serial)
				if err != nil {
					return err
				}
				seen[sc.Serial] = append(hist, seen[sc.Serial]...)
			}
			h.Stamp = seen[sc.Serial]
			h.Count = counts[sc.Serial]
			seen[sc.Serial] = append(seen[sc.Serial], ev)
			counts[sc.Serial]++
		}
		for _, sig := range Evaluate(r, h, ev) {
			if err := raise(ctx, tx, sc, sig); err != nil {
				return err
			}
		}
	}
	return nil
}

func stampHistory(ctx context.Context, tx *db.Tx, serial string) ([]ScanEvent, int, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT scan_count FROM stamps WHERE serial = ?`, serial).Scan(&n); err != nil && err != sql.ErrNoRows {
		return nil, 0, err
	}
	rows, err := tx.QueryContext(ctx, fmt.Sprintf(`SELECT at, client, verdict, latitude, longitude FROM stamp_scans WHERE serial = ? ORDER BY at DESC, id DESC LIMIT %d`, historyDepth), serial)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []ScanEvent
	for rows.Next() {
		var e ScanEvent
		var lat, lon sql.NullFloat64
		var v string
		if err := rows.Scan(&e.At, &e.Client, &v, &lat, &lon); err != nil {
			return nil, 0, err
		}
		e.At, e.Verdict, e.Serial = e.At.UTC(), Verdict(v), serial
		if lat.Valid && lon.Valid {
			e.Place = Place{Lat: lat.Float64, Lon: lon.Float64, Known: true}
		}
		out = append(out, e)
	}
	// Oldest first.
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, max(n, len(out)), rows.Err()
}

// raise records a signal: an open alert of the same kind for the same
// serial (or, for enumeration, the same client) gains a hit; otherwise a
// new alert opens. Copy signals flag the stamp.
func raise(ctx context.Context, tx *db.Tx, sc Scan, sig Signal) error {
	var lat, lon any
	if sig.Place.Known {
		lat, lon = sig.Place.Lat, sig.Place.Lon
	}
	keyCol, key := "serial", sc.Serial
	if sig.Kind == AlertEnumeration {
		keyCol, key = "client", sc.Client
	}
	res, err := tx.ExecContext(ctx, `UPDATE stamp_alerts SET hits = hits + 1, last_at = ?, detail = ?, latitude = COALESCE(?, latitude), longitude = COALESCE(?, longitude)
		WHERE status = 'open' AND kind = ? AND `+keyCol+` = ?`, sc.At, sig.Detail, lat, lon, string(sig.Kind), key)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO stamp_alerts (kind, serial, client, batch_id, product_id, producer_id, commune_code, detail,
			latitude, longitude, hits, created_at, last_at, status, review_note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, 'open', '')`,
			string(sig.Kind), sc.Serial, sc.Client, nullID(sc.BatchID), nullID(sc.ProductID), nullID(sc.ProducerID), sc.Commune, sig.Detail,
			lat, lon, sc.At, sc.At); err != nil {
			return err
		}
	}
	if sig.Kind.Copy() {
		if _, err := tx.ExecContext(ctx, `UPDATE stamps SET flagged_at = ? WHERE serial = ? AND flagged_at IS NULL`, sc.At, sc.Serial); err != nil {
			return err
		}
	}
	return nil
}
