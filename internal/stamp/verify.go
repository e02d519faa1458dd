package stamp

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"ocop/internal/apperr"
)

// View is what a verification shows about a product: the parts that do not
// depend on the stamp, cached per product for Options.ViewTTL.
type View struct {
	ProductID          int64  `json:"-"`
	ProductCode        string `json:"product_code"`
	ProductName        string `json:"product_name"`
	ProductNameEn      string `json:"product_name_en,omitempty"`
	Brand              string `json:"brand,omitempty"`
	GTIN               string `json:"gtin,omitempty"`
	Photo              string `json:"photo,omitempty"` // media hash
	Star               int    `json:"star"`
	CertificateNumber  string `json:"certificate_number"`
	CertificateStatus  string `json:"certificate_status"`
	IssuedOn           string `json:"certificate_issued_on"`
	ValidUntil         string `json:"certificate_valid_until"`
	ProducerName       string `json:"producer_name"`
	CommuneCode        string `json:"commune_code"`
	CommuneName        string `json:"commune_name"`
	LegacyDistrictName string `json:"legacy_district_name,omitempty"`
	CraftVillage       string `json:"craft_village,omitempty"`
}

type cachedView struct {
	v  View
	at time.Time
}

// Verification is the answer to a scan or a typed serial.
type Verification struct {
	Verdict Verdict `json:"verdict"`
	// Serial is the normalised serial ("" when the input was not one).
	Serial    string `json:"serial,omitempty"`
	Formatted string `json:"serial_formatted,omitempty"`
	Product   *View  `json:"product,omitempty"`
	Lot       string `json:"lot,omitempty"`
	// LotID is the trace lot the stamp is assigned to (0: none); the
	// verification page shows that lot's journey.
	LotID     int64      `json:"-"`
	Scans     int        `json:"scans"`
	FirstScan *time.Time `json:"first_scan,omitempty"`
	// Reason is the deactivation reason of a withdrawn stamp.
	Reason string `json:"-"`
}

// Client describes who scanned, for the scan log: a fingerprint (see
// Fingerprint) and the coarse place the phone shared, if any.
type Client struct {
	Fingerprint string
	Place       Place
	// GTIN is the GTIN-14 of a GS1 Digital Link scan: a serial under
	// another product's GTIN is answered "unknown".
	GTIN string
}

// Verify answers a serial as typed or scanned and logs the scan through
// the batched writer. The request path only reads: one indexed read of
// the stamp and, unless cached, of the product's view. Inputs that are not
// serials (bad length, bad check symbol) are answered "unknown" exactly as
// a well-formed serial that does not exist, without any database read.
func (s *Service) Verify(ctx context.Context, raw string, c Client) (Verification, error) {
	now := s.now()
	serial, ok := ParseSerial(raw)
	if !ok {
		s.unknown(c, now, "")
		return Verification{Verdict: VerdictUnknown}, nil
	}
	var (
		batchID        int64
		seq            int
		deact, flagged bool
		scans          int
		first          sql.NullTime
		reason         sql.NullString
	)
	// The one read of the hot path: the stamp's own row, by its unique
	// index. Batch and product come from short-lived caches.
	err := s.DB.QueryRowPrepared(ctx, `SELECT batch_id, seq, deactivated_at IS NOT NULL, flagged_at IS NOT NULL, scan_count, first_scan_at, deactivate_reason
		FROM stamps WHERE serial = ?`, serial).Scan(&batchID, &seq, &deact, &flagged, &scans, &first, &reason)
	if errors.Is(err, sql.ErrNoRows) {
		s.unknown(c, now, serial)
		return Verification{Verdict: VerdictUnknown}, nil
	}
	if err != nil {
		return Verification{}, err
	}
	bi, err := s.batchInfo(ctx, batchID, now)
	if err != nil {
		return Verification{}, err
	}
	productID, producerID, commune, batchStatus, lot := bi.productID, bi.producerID, bi.commune, bi.status, bi.lot
	if !reason.Valid {
		reason.String = bi.reason
	}
	v, err := s.view(ctx, productID, now)
	if err != nil {
		return Verification{}, err
	}
	if c.GTIN != "" && GTIN14(v.GTIN) != c.GTIN {
		s.unknown(c, now, serial)
		return Verification{Verdict: VerdictUnknown}, nil
	}
	out := Verification{Serial: serial, Formatted: FormatSerial(serial), Product: &v, Lot: lot, Scans: scans + 1, Reason: reason.String}
	if first.Valid {
		t := first.Time.UTC()
		out.FirstScan = &t
	} else {
		out.FirstScan = &now
	}
	recalled := false
	if f := s.lotOf(); f != nil {
		ls, err := f(ctx, batchID, seq)
		if err != nil {
			return Verification{}, err
		}
		if ls.LotID != 0 {
			out.Lot, out.LotID, recalled = ls.Code, ls.LotID, ls.Recalled
		}
	}
	out.Verdict = Judge(StampState{Known: true, CertStatus: v.CertificateStatus, BatchStatus: batchStatus, StampDeactivated: deact, Flagged: flagged,
		Recalled: recalled})
	s.writer.offer(Scan{At: now, Serial: serial, BatchID: batchID, ProductID: productID, ProducerID: producerID, Commune: commune,
		Verdict: out.Verdict, Client: c.Fingerprint, Place: c.Place, Prior: scans})
	return out, nil
}

func (s *Service) unknown(c Client, now time.Time, serial string) {
	s.guard.take(c.Fingerprint, now)
	s.writer.offer(Scan{At: now, Serial: serial, Verdict: VerdictUnknown, Client: c.Fingerprint, Place: c.Place})
}

// Throttled reports whether a client has looked up too many unknown
// serials lately (enumeration) and, if so, how long it must wait.
func (s *Service) Throttled(fingerprint string) (bool, time.Duration) {
	return s.guard.blocked(fingerprint, s.now())
}

// batchInfo is what verification needs of a batch.
type batchInfo struct {
	productID, producerID int64
	commune, status, lot  string
	reason                string
	at                    time.Time
}

// batchInfo returns a batch's state from the cache (fresh for ViewTTL, and
// dropped at once by this instance's own activations and deactivations).
func (s *Service) batchInfo(ctx context.Context, id int64, now time.Time) (batchInfo, error) {
	if s.opt.ViewTTL > 0 {
		s.viewMu.Lock()
		b, ok := s.batches[id]
		s.viewMu.Unlock()
		if ok && now.Sub(b.at) < s.opt.ViewTTL && !now.Before(b.at) {
			return b, nil
		}
	}
	var b batchInfo
	err := s.DB.QueryRowContext(ctx, `SELECT product_id, producer_id, commune_code, status, lot, deactivate_reason FROM stamp_batches WHERE id = ?`, id).
		Scan(&b.productID, &b.producerID, &b.commune, &b.status, &b.lot, &b.reason)
	if err != nil {
		return b, err
	}
	b.at = now
	if s.opt.ViewTTL > 0 {
		s.viewMu.Lock()
		if len(s.batches) > 50000 {
			clear(s.batches)
		}
		s.batches[id] = b
		s.viewMu.Unlock()
	}
	return b, nil
}

// forgetBatch drops a batch from the cache after a change to it.
func (s *Service) forgetBatch(id int64) {
	s.viewMu.Lock()
	delete(s.batches, id)
	s.viewMu.Unlock()
}

// view returns the product's verification view, from the cache when fresh.
func (s *Service) view(ctx context.Context, productID int64, now time.Time) (View, error) {
	if s.opt.ViewTTL > 0 {
		s.viewMu.Lock()
		c, ok := s.views[productID]
		s.viewMu.Unlock()
		if ok && now.Sub(c.at) < s.opt.ViewTTL && !now.Before(c.at) {
			return c.v, nil
		}
	}
	var v View
	err := s.DB.QueryRowContext(ctx, `SELECT p.id, p.code, p.name, p.name_en, p.brand, COALESCE(p.gtin, ''),
		COALESCE((SELECT media_hash FROM product_images i WHERE i.product_id = p.id ORDER BY position LIMIT 1), ''),
		pr.name, pr.commune_code, COALESCE(w.name, ''), COALESCE(od.name, ''), COALESCE(v.name, '')
		FROM products p JOIN producers pr ON pr.id = p.producer_id
		LEFT JOIN wards w ON w.code = pr.commune_code
		LEFT JOIN old_districts od ON od.code = pr.legacy_district_code
		LEFT JOIN craft_villages v ON v.id = p.craft_village_id
		WHERE p.id = ?`, productID).
		Scan(&v.ProductID, &v.ProductCode, &v.ProductName, &v.ProductNameEn, &v.Brand, &v.GTIN, &v.Photo, &v.ProducerName, &v.CommuneCode,
			&v.CommuneName, &v.LegacyDistrictName, &v.CraftVillage)
	if err != nil {
		return v, err
	}
	cert, err := s.Evaluation.CurrentCertificate(ctx, productID)
	switch {
	case apperr.Is(err, apperr.NotFound):
		v.CertificateStatus = "expired"
	case err != nil:
		return v, err
	default:
		v.Star, v.CertificateNumber, v.CertificateStatus = int(cert.Star), cert.Number, string(cert.Status)
		v.IssuedOn, v.ValidUntil = cert.IssuedOn.String(), cert.ValidUntil.String()
	}
	if s.opt.ViewTTL > 0 {
		s.viewMu.Lock()
		if len(s.views) > 50000 {
			clear(s.views)
		}
		s.views[productID] = cachedView{v: v, at: now}
		s.viewMu.Unlock()
	}
	return v, nil
}

// LotState is what the trace service says about a stamp's production lot.
type LotState struct {
	LotID    int64  // 0: the stamp is in no trace lot
	Code     string // the lot number
	Recalled bool
}

// LotFunc finds the trace lot of the stamp at position seq of a batch. It
// runs on the verification hot path, so it must answer from memory in the
// common case.
type LotFunc func(ctx context.Context, batchID int64, seq int) (LotState, error)

// SetLotFunc installs the trace service's lot lookup (package trace owns
// lots and recalls and imports stamp, so the dependency is injected).
func (s *Service) SetLotFunc(f LotFunc) { s.lotFunc.Store(&f) }

func (s *Service) lotOf() LotFunc {
	if f := s.lotFunc.Load(); f != nil {
		return *f
	}
	return nil
}

// Fingerprint derives a client fingerprint from the address and the user
// agent with a key that lives only in this process: scans of one client
// can be grouped for the enumeration rule, but the log holds no address.
func (s *Service) Fingerprint(addr, userAgent string) string {
	m := hmac.New(sha256.New, s.fpKey[:])
	m.Write([]byte(addr))
	m.Write([]byte{0})
	m.Write([]byte(userAgent))
	return hex.EncodeToString(m.Sum(nil)[:8])
}

func newKey() (k [32]byte) {
	_, _ = rand.Read(k[:])
	return k
}

// ParseDigitalLink reads the path of a GS1 Digital Link URI
// "/01/{gtin}/21/{serial}" and returns the GTIN (14 digits, check digit
// verified) and the serial as given. Anything else is not a link.
func ParseDigitalLink(path string) (gtin, serial string, ok bool) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) != 4 || parts[0] != "01" || parts[2] != "21" {
		return "", "", false
	}
	g := parts[1]
	if len(g) < 8 || len(g) > 14 {
		return "", "", false
	}
	g = strings.Repeat("0", 14-len(g)) + g
	if !ValidGTIN(g) {
		return "", "", false
	}
	if parts[3] == "" || len(parts[3]) > maxSerialInput {
		return "", "", false
	}
	return g, parts[3], true
}

// ValidGTIN checks a GTIN-8/12/13/14 (digits only) by its GS1 mod-10
// check digit.
func ValidGTIN(g string) bool {
	if len(g) < 8 || len(g) > 14 {
		return false
	}
	sum := 0
	for i := 0; i < len(g); i++ {
		c := g[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		// Weights 3,1,3,… from the digit left of the check digit.
		if (len(g)-1-i)%2 == 1 {
			d *= 3
		}
		if i < len(g)-1 {
			sum += d
		}
	}
	return (10-sum%10)%10 == int(g[len(g)-1]-'0')
}

// GTIN14 pads a GTIN to 14 digits as Digital Link URIs carry it.
func GTIN14(g string) string {
	if len(g) >= 14 {
		return g
	}
	return strings.Repeat("0", 14-len(g)) + g
}
