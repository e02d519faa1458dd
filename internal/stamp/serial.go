package stamp

import (
	"crypto/rand"
	"encoding/binary"
	"strings"
)

// A serial is 16 Crockford base32 symbols (80 random bits from crypto/rand)
// followed by Crockford's mod-37 check symbol: 17 characters, printed in
// groups ("7K3M-9QXA-2B4D-ZT8W-5"). Serials are never derived from a
// counter, so knowing one says nothing about any other.
const (
	serialDataLen = 16
	// SerialLen is the length of a serial without separators.
	SerialLen = serialDataLen + 1
)

// crockford is the base32 alphabet; checkSymbols extends it with the five
// check-only symbols of Crockford's scheme (values 32–36).
const (
	crockford    = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	checkSymbols = crockford + "*~$=U"
)

// symbolValue maps an upper-case input byte to its base32 value after the
// confusable folding (O→0, I/L→1); -1 for anything else.
var symbolValue = func() [256]int8 {
	var t [256]int8
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(crockford); i++ {
		t[crockford[i]] = int8(i)
		t[strings.ToLower(crockford[i : i+1])[0]] = int8(i)
	}
	for _, c := range "oO" {
		t[c] = 0
	}
	for _, c := range "iIlL" {
		t[c] = 1
	}
	return t
}()

// checkSymbol returns Crockford's check symbol of the data symbols: the
// value of the number they spell, modulo 37.
func checkSymbol(data string) byte {
	r := 0
	for i := 0; i < len(data); i++ {
		r = (r*32 + int(symbolValue[data[i]])) % 37
	}
	return checkSymbols[r]
}

// NewSerial returns a fresh random serial. Draws whose check symbol is not
// a letter or digit are redrawn (4 in 37), so that every serial, and every
// QR URL made of one, stays in the QR alphanumeric character set; the cost
// is 0.17 bit of the 80.
func NewSerial() string {
	var buf [SerialLen]byte
	for {
		var rnd [16]byte
		if _, err := rand.Read(rnd[:10]); err != nil {
			panic("stamp: crypto/rand failed: " + err.Error()) // crypto/rand never fails on supported systems
		}
		hi := binary.BigEndian.Uint64(rnd[0:8])
		lo := uint64(binary.BigEndian.Uint16(rnd[8:10]))
		// 80 bits → 16 symbols of 5 bits, most significant first.
		for i := serialDataLen - 1; i >= 0; i-- {
			buf[i] = crockford[lo&31]
			lo = lo>>5 | (hi&31)<<11
			hi >>= 5
		}
		c := checkSymbol(string(buf[:serialDataLen]))
		if c == '*' || c == '~' || c == '$' || c == '=' {
			continue
		}
		buf[serialDataLen] = c
		return string(buf[:])
	}
}

// maxSerialInput bounds what ParseSerial looks at: a serial with generous
// separators, never a page of text.
const maxSerialInput = 64

// ParseSerial normalises a serial as typed or scanned: case is ignored,
// hyphens, spaces and dots are dropped, O reads as 0 and I or L as 1. It
// reports false for anything that is not 16 data symbols and a matching
// check symbol; callers answer "unknown" without touching the database.
func ParseSerial(s string) (string, bool) {
	if len(s) > maxSerialInput {
		return "", false
	}
	var out [SerialLen]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '-', ' ', '.', '\t':
			continue
		}
		if n >= SerialLen {
			return "", false
		}
		if n == serialDataLen {
			// The check symbol may also be one of *~$=U.
			u := c
			if 'a' <= u && u <= 'z' {
				u -= 'a' - 'A'
			}
			if strings.IndexByte("*~$=U", u) >= 0 {
				out[n] = u
				n++
				continue
			}
		}
		v := symbolValue[c]
		if v < 0 {
			return "", false
		}
		out[n] = crockford[v]
		n++
	}
	if n != SerialLen {
		return "", false
	}
	if checkSymbol(string(out[:serialDataLen])) != out[serialDataLen] {
		return "", false
	}
	return string(out[:]), true
}

// FormatSerial groups a serial for people: four groups of four and the
// check symbol, separated by hyphens.
func FormatSerial(s string) string {
	if len(s) != SerialLen {
		return s
	}
	return s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:]
}
