package api

import (
	"net/http"
	"strings"

	"ocop/internal/adminunit"
	"ocop/internal/textfold"
)

// province is a province-level unit in force since 1 July 2025.
type province struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	FullName   string `json:"full_name"`
	NameEn     string `json:"name_en"`
	FullNameEn string `json:"full_name_en"`
	UnitType   string `json:"unit_type"`
}

// ward is a commune-level unit (xã, phường, đặc khu) in force since
// 1 July 2025.
type ward struct {
	Code         string `json:"code"`
	ProvinceCode string `json:"province_code"`
	Name         string `json:"name"`
	FullName     string `json:"full_name"`
	NameEn       string `json:"name_en"`
	FullNameEn   string `json:"full_name_en"`
	UnitType     string `json:"unit_type"`
}

// unitTarget is a current unit that a looked-up unit became, with the
// share of the old unit it received: "full" when the whole old unit went
// into it, "partial" when the old unit was split.
type unitTarget struct {
	Code         string `json:"code"`
	FullName     string `json:"full_name"`
	FullNameEn   string `json:"full_name_en"`
	ProvinceCode string `json:"province_code"`
	Share        string `json:"share"`
}

// unitMatch is one unit found by a lookup, with the current unit(s) to
// file an address under.
type unitMatch struct {
	Kind     string       `json:"kind"` // ward (current), old_ward, old_district
	Code     string       `json:"code"`
	FullName string       `json:"full_name"`
	Parent   string       `json:"parent"`
	Exact    bool         `json:"exact"`
	Targets  []unitTarget `json:"targets"`
}

func toWard(w adminunit.Ward) ward {
	return ward{w.Code, w.ProvinceCode, w.Name, w.FullName, w.NameEn, w.FullNameEn, w.UnitType}
}

// ListProvinces answers GET /api/v1/admin-units/provinces: the 34
// province-level units in force since 1 July 2025.
func (a *API) ListProvinces(w http.ResponseWriter, r *http.Request) error {
	q := newParams(r)
	page, per := q.page(defaultRefPerPage)
	if err := q.err(); err != nil {
		return err
	}
	units := a.Registry.Units()
	out := make([]province, len(units.Provinces))
	for i, p := range units.Provinces {
		out[i] = province{p.Code, p.Name, p.FullName, p.NameEn, p.FullNameEn, p.UnitType}
	}
	return read(w, r, pageOf(out, page, per))
}

// ListWards answers GET /api/v1/admin-units/wards: the current communes
// and wards of a province (all provinces when none is given), by name,
// with q (name with or without diacritics).
func (a *API) ListWards(w http.ResponseWriter, r *http.Request) error {
	q := newParams(r)
	prov := a.province(q, "province")
	text := textfold.Fold(q.str("q"))
	page, per := q.page(defaultRefPerPage)
	if err := q.err(); err != nil {
		return err
	}
	units := a.Registry.Units()
	var all []adminunit.Ward
	if prov != "" {
		all = units.WardsOf(prov)
	} else {
		for _, p := range units.Provinces {
			all = append(all, units.WardsOf(p.Code)...)
		}
	}
	out := []ward{}
	for _, x := range all {
		if text == "" || strings.Contains(textfold.Fold(x.Name), text) || strings.Contains(textfold.Fold(x.FullName), text) {
			out = append(out, toWard(x))
		}
	}
	return read(w, r, pageOf(out, page, per))
}

// LookupUnits answers GET /api/v1/admin-units/lookup?q=…: current and
// pre-2025 units whose name matches q (with or without diacritics or the
// type word), each with the current unit(s) it became. An old commune that
// was split lists several targets, each with share "partial"; a current
// unit is its own single target.
func (a *API) LookupUnits(w http.ResponseWriter, r *http.Request) error {
	q := newParams(r)
	text := q.str("q")
	if text == "" && len(q.errs) == 0 {
		q.errs.Add("q", "api.query_required")
	}
	prov := a.province(q, "province")
	page, per := q.page(defaultPerPage)
	if err := q.err(); err != nil {
		return err
	}
	units := a.Registry.Units()
	out := []unitMatch{}
	for _, m := range units.Search(text, prov, 0) {
		um := unitMatch{Kind: m.Kind, Code: m.Code, FullName: m.FullName, Parent: m.Parent, Exact: m.Exact, Targets: []unitTarget{}}
		if m.Kind == "ward" {
			if x, ok := units.Ward(m.Code); ok {
				um.Targets = append(um.Targets, unitTarget{x.Code, x.FullName, x.FullNameEn, x.ProvinceCode, "full"})
			}
		}
		for _, t := range m.Targets {
			um.Targets = append(um.Targets, unitTarget{t.Ward.Code, t.Ward.FullName, t.Ward.FullNameEn, t.Ward.ProvinceCode, t.Share})
		}
		out = append(out, um)
	}
	return read(w, r, pageOf(out, page, per))
}
