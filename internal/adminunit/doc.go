// Package adminunit owns Vietnam's administrative units: the 34 provinces and
// 3,321 communes/wards in force since 1 July 2025, the units before it
// (Hanoi's 30 districts and 579 communes in full, other provinces' old
// districts and communes as named in the mapping), and the old → new
// mapping, in which 200 of Hanoi's old communes are split between several
// new ones.
//
// The data is embedded (derived from shared/data/admin-units, MIT) and
// loaded into the database by Seed, so that SQL can join on it; lookups in
// the request path use the in-memory Units index.
//
// Codes are reused across generations (00004 was Phường Trúc Bạch and is now
// Phường Ba Đình), so old and new codes never share a column or a map.
//
// It imports db and textfold only.
package adminunit
