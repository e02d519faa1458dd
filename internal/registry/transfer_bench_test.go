package registry_test

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"ocop/internal/db"
	"ocop/internal/dbtest"
	"ocop/internal/registry"
)

// gtin13 completes 12 digits with their GTIN-13 check digit.
func gtin13(first12 string) string {
	sum := 0
	for i, c := range first12 {
		d := int(c - '0')
		if i%2 == 1 {
			d *= 3
		}
		sum += d
	}
	return fmt.Sprintf("%s%d", first12, (10-sum%10)%10)
}

// BenchmarkImportProducts20k imports 20,000 new products (codes allocated,
// half with a GTIN) for 40 existing producers into a fresh database per
// iteration, as the benchmark asks. It reports rows/s.
//
//	go test ./internal/registry -run '^$' -bench ImportProducts20k -benchtime 3x
//
// With OCOP_TEST_POSTGRES_URL set it runs on PostgreSQL too.
func BenchmarkImportProducts20k(b *testing.B) {
	const rows, producers = 20_000, 40
	engines := []db.Dialect{db.SQLite}
	if os.Getenv("OCOP_TEST_POSTGRES_URL") != "" {
		engines = append(engines, db.Postgres)
	}
	communes := []string{"00004", "00008", "00577", "00025"}
	records := [][]string{{"Mã sản phẩm", "Tên sản phẩm", "Mã phân nhóm", "Số đăng ký chủ thể", "Nhãn hiệu", "GTIN", "Thành phần", "Trạng thái"}}
	cats := []string{"I.5.a", "I.3.c", "IV.1", "II.1.a"}
	for i := 0; i < rows; i++ {
		g := ""
		if i%2 == 0 {
			g = gtin13(fmt.Sprintf("8935%08d", i))
		}
		records = append(records, []string{"", fmt.Sprintf("Sản phẩm thử số %d", i), cats[i%len(cats)], fmt.Sprintf("01%08d", i%producers),
			"Nhãn " + fmt.Sprint(i%97), g, "Nguyên liệu địa phương", "Đang hoạt động"})
	}
	file := csvBytes(records)
	for _, eng := range engines {
		b.Run(string(eng), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				e := newTransferEnv(b, dbtest.New(b, eng))
				for j := 0; j < producers; j++ {
					e.producer(fmt.Sprint("HTX ", j), communes[j%len(communes)], fmt.Sprintf("01%08d", j))
				}
				b.StartTimer()
				res, err := e.s.Import(e.ctx, transferAdmin, bytes.NewReader(file), registry.ImportOptions{Kind: registry.TransferProducts})
				if err != nil {
					b.Fatal(err)
				}
				if res.Created != rows || len(res.Errors) != 0 {
					b.Fatalf("created %d, errors %d (first %+v)", res.Created, len(res.Errors), res.Errors[:min(1, len(res.Errors))])
				}
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
