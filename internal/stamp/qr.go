package stamp

import (
	"errors"
	"math/bits"
	"sync"

	"rsc.io/qr/coding"
)

// plans memoises rsc.io/qr plans, a pure function of (version, mask) at
// level M: building one costs more than encoding with it.
var plans sync.Map // planKey → *coding.Plan

type planKey struct {
	v coding.Version
	m coding.Mask
}

func planFor(v coding.Version, m coding.Mask) (*coding.Plan, error) {
	if p, ok := plans.Load(planKey{v, m}); ok {
		return p.(*coding.Plan), nil
	}
	p, err := coding.NewPlan(v, coding.M, m)
	if err != nil {
		return nil, err
	}
	plans.Store(planKey{v, m}, p)
	return p, nil
}

// QRCode is an encoded QR symbol: Size×Size modules, Black(x, y) dark.
type QRCode struct {
	Size int
	code *coding.Code
}

// Black reports whether module (x, y) is dark.
func (q *QRCode) Black(x, y int) bool { return q.code.Black(x, y) }

// EncodeQR encodes text at error-correction level M in the smallest
// version that holds it, in alphanumeric mode when the text allows (our
// upper-case URLs do) and byte mode otherwise, with the mask of lowest
// penalty (ISO/IEC 18004 §7.8.3). rsc.io/qr does the Reed–Solomon and
// placement work; it always uses mask 0, so the mask is chosen here.
func EncodeQR(text string) (*QRCode, error) {
	var enc coding.Encoding = coding.String(text)
	if coding.Alpha(text).Check() == nil {
		enc = coding.Alpha(text)
	}
	v := coding.Version(coding.MinVersion)
	for ; ; v++ {
		if v > 10 {
			return nil, errors.New("qr: text too long for a stamp")
		}
		if enc.Bits(v) <= v.DataBytes(coding.M)*8 {
			break
		}
	}
	var best *coding.Code
	bestScore := -1
	for m := coding.Mask(0); m < 8; m++ {
		p, err := planFor(v, m)
		if err != nil {
			return nil, err
		}
		c, err := p.Encode(enc)
		if err != nil {
			return nil, err
		}
		if sc := penalty(c); bestScore < 0 || sc < bestScore {
			best, bestScore = c, sc
		}
	}
	return &QRCode{Size: best.Size, code: best}, nil
}

// penalty scores a symbol by the four rules of ISO/IEC 18004 §7.8.3.2:
// runs of one colour, 2×2 blocks, finder-like patterns and imbalance. Rows
// and columns are held as bit masks (versions up to 10 are at most 57
// modules wide), so that scoring eight masks per stamp stays cheap.
func penalty(c *coding.Code) int {
	n := c.Size
	var rowBuf, colBuf [64]uint64
	rows, cols := rowBuf[:n], colBuf[:n]
	full := uint64(1)<<n - 1
	dark := 0
	for y := 0; y < n; y++ {
		line := c.Bitmap[y*c.Stride : y*c.Stride+c.Stride]
		var r uint64
		for i, b := range line {
			if i >= 8 {
				break
			}
			r |= uint64(bits.Reverse8(b)) << (8 * i)
		}
		r &= full
		rows[y] = r
		dark += bits.OnesCount64(r)
		for r != 0 {
			x := bits.TrailingZeros64(r)
			cols[x] |= 1 << y
			r &= r - 1
		}
	}
	score := 0
	for _, lines := range [2][]uint64{rows, cols} {
		for _, l := range lines {
			// Rule 1: N1 + (run − 5) for each run of five or more.
			run, prev := 0, l&1
			for k := 0; k < n; k++ {
				b := l >> k & 1
				if b == prev {
					run++
					continue
				}
				if run >= 5 {
					score += 3 + run - 5
				}
				run, prev = 1, b
			}
			if run >= 5 {
				score += 3 + run - 5
			}
			// Rule 3: 1:1:3:1:1 with four light modules before or after.
			for j := 0; j+11 <= n; j++ {
				if w := l >> j & 0x7ff; w == 0x05d || w == 0x5d0 {
					score += 40
				}
			}
		}
	}
	// Rule 2: 3 for each 2×2 block of one colour.
	for y := 0; y+1 < n; y++ {
		a, b := rows[y], rows[y+1]
		same := (a & a >> 1 & b & b >> 1) | (^a & ^(a >> 1) & ^b & ^(b >> 1))
		score += 3 * bits.OnesCount64(same&(full>>1))
	}
	// Rule 4: 10 for each 5% the dark share strays from 50%.
	dev := dark*100/(n*n) - 50
	if dev < 0 {
		dev = -dev
	}
	return score + dev/5*10
}
