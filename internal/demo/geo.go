package demo

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
)

// district is what the generator knows about one of Hanoi's 30 old
// districts: an approximate centre, how far its communes spread, and how
// much OCOP production it has (weight), so that generated producers and
// craft villages cluster in the rural south and west as they do in Hanoi.
type district struct {
	Lat, Lng float64
	Radius   float64 // degrees
	Weight   int
}

// districts by pre-2025 code. Centres are approximate (to about a
// kilometre): the administrative-unit data carries no coordinates.
var districts = map[string]district{
	"001": {21.0340, 105.8200, 0.010, 3},  // Ba Đình
	"002": {21.0290, 105.8520, 0.008, 3},  // Hoàn Kiếm
	"003": {21.0680, 105.8180, 0.015, 6},  // Tây Hồ
	"004": {21.0400, 105.8930, 0.025, 8},  // Long Biên
	"005": {21.0300, 105.7950, 0.012, 3},  // Cầu Giấy
	"006": {21.0140, 105.8260, 0.010, 3},  // Đống Đa
	"007": {21.0060, 105.8570, 0.010, 3},  // Hai Bà Trưng
	"008": {20.9750, 105.8580, 0.018, 6},  // Hoàng Mai
	"009": {20.9940, 105.8100, 0.010, 4},  // Thanh Xuân
	"016": {21.2570, 105.8480, 0.070, 55}, // Sóc Sơn
	"017": {21.1370, 105.8480, 0.050, 60}, // Đông Anh
	"018": {21.0170, 105.9430, 0.045, 75}, // Gia Lâm
	"019": {21.0170, 105.7600, 0.020, 10}, // Nam Từ Liêm
	"020": {20.9400, 105.8450, 0.030, 40}, // Thanh Trì
	"021": {21.0700, 105.7630, 0.020, 12}, // Bắc Từ Liêm
	"250": {21.1810, 105.7200, 0.040, 55}, // Mê Linh
	"268": {20.9600, 105.7600, 0.025, 12}, // Hà Đông
	"269": {21.1150, 105.4850, 0.035, 30}, // Sơn Tây
	"271": {21.1500, 105.3800, 0.080, 75}, // Ba Vì
	"272": {21.1100, 105.5700, 0.040, 40}, // Phúc Thọ
	"273": {21.1050, 105.6650, 0.030, 35}, // Đan Phượng
	"274": {21.0250, 105.7000, 0.035, 60}, // Hoài Đức
	"275": {20.9850, 105.6200, 0.045, 45}, // Quốc Oai
	"276": {21.0300, 105.5600, 0.045, 50}, // Thạch Thất
	"277": {20.9000, 105.6800, 0.060, 80}, // Chương Mỹ
	"278": {20.8600, 105.7700, 0.040, 70}, // Thanh Oai
	"279": {20.8450, 105.8700, 0.040, 85}, // Thường Tín
	"280": {20.7350, 105.9050, 0.045, 70}, // Phú Xuyên
	"281": {20.7150, 105.7900, 0.050, 65}, // Ứng Hòa
	"282": {20.6750, 105.7400, 0.055, 55}, // Mỹ Đức
}

// Hanoi's bounding box; every generated point stays inside it.
const (
	minLat, maxLat = 20.57, 21.38
	minLng, maxLng = 105.29, 106.01
)

// communePoint is a stable point for an old commune: its district's centre
// moved by an offset derived from the commune code, so that every record of
// the commune lands near the others whatever the seed.
func communePoint(districtCode, communeCode string) (float64, float64) {
	d, ok := districts[districtCode]
	if !ok {
		d = district{21.0285, 105.8542, 0.05, 1}
	}
	h := fnv.New64a()
	h.Write([]byte(communeCode))
	x := h.Sum64()
	angle := float64(x%3600) / 3600 * 2 * math.Pi
	dist := d.Radius * math.Sqrt(float64((x>>16)%1000)/1000)
	return clampLat(d.Lat + dist*math.Sin(angle)), clampLng(d.Lng + dist*math.Cos(angle)*1.07)
}

// jitter moves a point by up to about r degrees, for records of one commune.
func jitter(r *rand.Rand, lat, lng, radius float64) (float64, float64) {
	return round6(clampLat(lat + (r.Float64()*2-1)*radius)), round6(clampLng(lng + (r.Float64()*2-1)*radius))
}

func clampLat(v float64) float64 { return math.Min(maxLat, math.Max(minLat, v)) }
func clampLng(v float64) float64 { return math.Min(maxLng, math.Max(minLng, v)) }
func round6(v float64) float64   { return math.Round(v*1e6) / 1e6 }
