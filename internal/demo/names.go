package demo

import (
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Word lists for generated names. Surnames repeat to follow their rough
// frequency in the Red River Delta (Nguyễn about a third).
var (
	surnames = strings.Fields(`Nguyễn Nguyễn Nguyễn Nguyễn Nguyễn Nguyễn Nguyễn Nguyễn Nguyễn Nguyễn
		Trần Trần Trần Lê Lê Lê Phạm Phạm Hoàng Hoàng Phan Vũ Vũ Đặng Bùi Bùi Đỗ Đỗ Hồ Ngô Dương Lý Đào
		Đinh Trịnh Mai Tạ Lưu Kiều Khuất Nghiêm Chu Lại Cao Phùng Hà Tô Đoàn Lương Nhữ Quách Vương Triệu`)
	middleMale   = strings.Fields("Văn Văn Văn Đức Minh Quang Hữu Xuân Đình Công Mạnh Thế Ngọc Trọng Duy Tiến Anh")
	middleFemale = strings.Fields("Thị Thị Thị Thị Thu Thanh Ngọc Minh Hồng Thúy Phương Kim Bích Diệu")
	givenMale    = strings.Fields(`Hùng Dũng Tuấn Hải Long Nam Sơn Thắng Tiến Cường Bình Hòa Khánh Lâm Tân Toàn
		Việt Thành Trung Hưng Phong Quân Huy Đạt Khoa Lộc Phúc Thịnh Vinh Hiếu Nghĩa Quý Tùng Kiên`)
	givenFemale = strings.Fields(`Lan Hoa Hương Mai Hà Thảo Hằng Nga Loan Nhung Yến Huyền Thủy Dung Liên Ngân
		Trang Oanh Hạnh Vân Linh Phượng Thoa Tuyết Hiền Duyên Huệ Lý Quyên Xuân`)
	// Two-syllable given names, used after "Thị" or "Văn" ("Nguyễn Thị Hải Yến").
	given2Female = splitList("Hải Yến;Minh Anh;Thu Hà;Bảo Ngọc;Thanh Hương;Ngọc Lan;Kim Oanh;Phương Thảo;Thùy Linh;Mai Anh;Hồng Nhung;Thanh Tâm;Lan Anh;Bích Ngọc;Thu Trang")
	given2Male   = splitList("Minh Tuấn;Quốc Hùng;Đức Anh;Hải Nam;Mạnh Hùng;Quang Huy;Trung Kiên;Thành Công;Đình Phúc;Hữu Thắng;Xuân Trường;Minh Đức;Văn Tiến;Ngọc Sơn;Tiến Dũng")
	// Brand words of firms: two of them make names like "Minh Phát".
	brandWords = strings.Fields(`An Bảo Bình Đại Đức Gia Hải Hòa Hoàng Hưng Khang Kim Lộc Minh Nam Ngọc Phát
		Phúc Quang Tân Thành Thịnh Thiên Trường Việt Vĩnh Xuân Hồng Sơn Long Phú Anh Đông Tâm Tín Nhật Hà Thái
		Trung Hiền Lạc Mỹ Như Ý Hạnh Khải Nguyên`)
	// Hamlet (thôn) names that recur all over the delta.
	hamlets = strings.Fields("Đông Đoài Nam Bắc Thượng Trung Hạ Tiền Hậu Nội Ngoại Cao Tây Chùa Đình Mới")
	// Surnames of the Dao and Mường communities of Ba Vì, Thạch Thất and Quốc Oai.
	ethnicSurnames = strings.Fields("Triệu Bàn Lý Đặng Đinh Bạch Quách Hà Đinh Triệu")
	phonePrefixes  = strings.Fields("091 094 098 097 096 086 088 090 093 089 032 033 034 035 036 037 038 039 081 082 083 084 085 070 076 077 078 079")
)

// person is a generated representative.
type person struct {
	Name   string // full name, e.g. "Nguyễn Thị Hải Yến"
	Given  string // what a household brand uses, e.g. "Hải Yến"
	Female bool
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func newPerson(r *rand.Rand, female, ethnic bool) person {
	sur := pick(r, surnames)
	if ethnic {
		sur = pick(r, ethnicSurnames)
	}
	var mid, given string
	switch {
	case r.IntN(3) == 0 && female:
		// A third carry a two-syllable given name ("Nguyễn Thị Hải Yến"),
		// which is also what their household brand uses.
		mid, given = "Thị", pick(r, given2Female)
		return person{Name: sur + " " + mid + " " + given, Given: given, Female: true}
	case r.IntN(3) == 0:
		mid, given = "Văn", pick(r, given2Male)
		return person{Name: sur + " " + mid + " " + given, Given: given}
	case female:
		mid, given = pick(r, middleFemale), pick(r, givenFemale)
	default:
		mid, given = pick(r, middleMale), pick(r, givenMale)
	}
	brand := given
	if mid != "Văn" && mid != "Thị" {
		brand = mid + " " + given
	}
	return person{Name: sur + " " + mid + " " + given, Given: brand, Female: female}
}

func brandName(r *rand.Rand) string {
	a, b := pick(r, brandWords), pick(r, brandWords)
	for a == b {
		b = pick(r, brandWords)
	}
	return a + " " + b
}

func phone(r *rand.Rand) string {
	return pick(r, phonePrefixes) + digits(r, 7)
}

func digits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

// lowerFirst lower-cases the first letter: "Xã Đa Tốn" → "xã Đa Tốn".
func lowerFirst(s string) string {
	c, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToLower(c)) + s[n:]
}
