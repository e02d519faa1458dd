// Package demo loads demonstration data that looks like Hanoi's OCOP
// programme into a fresh database: 1,350 craft villages (321 recognised)
// with the well-known ones (Bát Tràng pottery, Vạn Phúc silk, Ngũ Xã
// bronze, Hạ Thái lacquer, …) in their real communes; about 1,650
// producers of every kind spread over Hanoi's communes with their current
// and pre-2025 addresses; exactly 3,317 products in all 26 categories,
// including the real products named in the published sources (the six 5★
// products of Quang Vinh, Dâu tằm tơ Mỹ Đức and Tân Thịnh, Ngũ Xã's lamps,
// Hiền Xiêm lotus tea, Cự Đà soy sauce, …); and a demo account for every
// role. It backs `ocop demo` and the first command of the README.
//
// Each product's planned star goes to the demo_plan table, so that the
// evaluation module can reproduce the published figures (6 five-star,
// 22 potential five-star, 1,571 four-star, 1,718 three-star since 2019).
// The 110 sale points of the figures belong to the market module and are
// not generated here.
//
// Generation is deterministic for a seed (passwords excepted) and the load
// runs in one transaction with multi-row inserts, computing search keys
// exactly as package registry does. Names and places of generated records
// are plausible, not real; the embedded data files (data/*.csv) say which
// named records are real and which details are illustrative.
//
// It imports account, adminunit, bootstrap, db, registry and textfold.
package demo
