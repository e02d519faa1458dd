package registry

import (
	"bytes"
	"errors"
	"testing"

	"ocop/internal/apperr"
)

// FuzzReadTable feeds arbitrary uploads to the spreadsheet reader and the
// header mapping of both import kinds: whatever the bytes, the answer is a
// table or an Invalid error (shown to the user as a message), never a
// panic and never another kind of error.
func FuzzReadTable(f *testing.F) {
	f.Add([]byte("Tên chủ thể,Loại hình,Mã xã\nHTX Gốm,htx,00577\n"), "")
	f.Add([]byte("\xEF\xBB\xBFname;kind;commune_code\n\"a\"\"b\";x;1\n"), "csv")
	f.Add([]byte("a\tb\tc\n=1+1\t@x\t-2\n"), "")
	f.Add([]byte("PK\x03\x04garbage"), "xlsx")
	f.Add([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0}, "")
	var xlsx bytes.Buffer
	if w, err := newSheetWriter(&xlsx, FormatXLSX, "Data", []TransferColumn{{Key: "name", Vi: "Tên", En: "Name"}}); err == nil {
		w.row([]any{"Gốm Bát Tràng"})
		w.close()
		f.Add(xlsx.Bytes(), "")
	}
	f.Fuzz(func(t *testing.T, b []byte, format string) {
		if format != "" && checkFormat(format) != nil {
			format = ""
		}
		tb, _, err := readTable(bytes.NewReader(b), format)
		if err != nil {
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Code != apperr.Invalid {
				t.Fatalf("readTable: %T %v, want an Invalid apperr", err, err)
			}
			return
		}
		for _, kind := range []string{TransferProducers, TransferProducts} {
			h, err := mapHeader(kind, tb.header)
			if err != nil {
				continue
			}
			for _, row := range tb.rows {
				for field := range h.index {
					_ = h.cell(row.cells, field)
				}
			}
		}
	})
}
