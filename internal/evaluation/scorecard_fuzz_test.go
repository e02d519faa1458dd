package evaluation

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"ocop/internal/apperr"
)

// FuzzScorecardUpload feeds arbitrary files to the scorecard import's
// reader and parser: the answer is criteria sets and row errors, or an
// Invalid error, never a panic.
func FuzzScorecardUpload(f *testing.F) {
	head := "decision,product_group,part,section,criterion_no,criterion,option,points,mandatory_for_star\n"
	f.Add([]byte(head+`26/2026/QĐ-TTg,"1. Rau",A. SẢN PHẨM (40 Điểm),1. TỔ CHỨC,1.1,Nguồn gốc,"Dưới 50%",1,`+"\n"), "")
	f.Add([]byte(head+"x,y,C. CHẤT LƯỢNG (35 Điểm),s,9.9,c,o,13,****\n"), "csv")
	f.Add([]byte("\xEF\xBB\xBF"+head), "")
	f.Add([]byte("PK\x03\x04"), "xlsx")
	if b, err := os.ReadFile("../../../shared/domain/qd-26-2026/scorecards.csv"); err == nil && len(b) > 4000 {
		f.Add(b[:4000], "")
	}
	f.Fuzz(func(t *testing.T, b []byte, format string) {
		if format != "csv" && format != "xlsx" {
			format = ""
		}
		sh, _, err := readUpload(bytes.NewReader(b), format)
		if err != nil {
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Code != apperr.Invalid {
				t.Fatalf("readUpload: %T %v, want an Invalid apperr", err, err)
			}
			return
		}
		sets, rowErrs := parseSheet(sh)
		if len(rowErrs) > maxRowErrors {
			t.Fatalf("%d row errors, cap is %d", len(rowErrs), maxRowErrors)
		}
		for _, s := range sets {
			if s == nil {
				t.Fatal("nil criteria set")
			}
		}
	})
}
