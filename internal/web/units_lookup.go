package web

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"ocop/internal/adminunit"
)

// unitLookupLimit bounds the matches shown for one query.
const unitLookupLimit = 100

// unitPart is an old commune inside a current unit.
type unitPart struct {
	Code, Name, District, Share, Note string
}

// unitResult is one unit found by the lookup, with what it maps to: the
// current unit(s) an old commune became, the current units an old
// district spread over, or the old communes a current unit was made of.
type unitResult struct {
	adminunit.Match
	Split    bool   // an old commune divided among several current units
	Retired  bool   // an old commune merged before 2025, outside the mapping
	Name2024 string // the name an old commune had in 2024, when it changed
	Parts    []unitPart
}

type unitsPage struct {
	Query     string
	All       bool // search every province, not only Hanoi
	Results   []unitResult
	Truncated bool
}

// unitsLookup finds current and old administrative units by name, with or
// without diacritics (or by code), and shows how old addresses map to the
// units in force since 1 July 2025: what an officer uses to place an old
// address.
func (s *Server) unitsLookup(w http.ResponseWriter, r *http.Request) error {
	if _, err := need(r); err != nil {
		return err
	}
	q := r.URL.Query()
	d := unitsPage{Query: strings.TrimSpace(q.Get("q")), All: q.Get("all") == "1"}
	if utf8.RuneCountInString(d.Query) > 100 {
		d.Query = string([]rune(d.Query)[:100])
	}
	province := "01"
	if d.All {
		province = ""
	}
	u := s.Registry.Units()
	var matches []adminunit.Match
	if isDigits(d.Query) && len(d.Query) <= 5 {
		matches = unitsByCode(u, d.Query, province)
	}
	matches = append(matches, u.Search(d.Query, province, unitLookupLimit+1)...)
	seen := map[string]bool{}
	for _, m := range matches {
		key := m.Kind + ":" + m.Code
		if seen[key] {
			continue
		}
		seen[key] = true
		if len(d.Results) == unitLookupLimit {
			d.Truncated = true
			break
		}
		d.Results = append(d.Results, unitDetail(u, m))
	}
	return s.page(w, r, "units", "units.page", d)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// unitsByCode finds the units with a code. Codes were reused across the
// 2025 reform, so one code may name both a current and an old unit.
func unitsByCode(u *adminunit.Units, code, province string) []adminunit.Match {
	if len(code) < 5 {
		code = strings.Repeat("0", 5-len(code)) + code
	}
	var out []adminunit.Match
	if w, ok := u.Ward(code); ok && (province == "" || w.ProvinceCode == province) {
		p, _ := u.Province(w.ProvinceCode)
		out = append(out, adminunit.Match{Kind: "ward", Code: w.Code, FullName: w.FullName, Parent: p.FullName, Exact: true})
	}
	if ow, ok := u.OldWard(code); ok {
		d, _ := u.OldDistrict(ow.DistrictCode)
		if province == "" || u.OldProvinces[d.ProvinceCode] == province {
			out = append(out, adminunit.Match{Kind: "old_ward", Code: ow.Code, FullName: ow.FullName, Parent: d.FullName, Targets: u.NewFor(ow.Code), Exact: true})
		}
	}
	return out
}

// unitDetail adds to a match what the page explains about it.
func unitDetail(u *adminunit.Units, m adminunit.Match) unitResult {
	res := unitResult{Match: m}
	switch m.Kind {
	case "old_ward":
		res.Split = len(m.Targets) > 1
		if ow, ok := u.OldWard(m.Code); ok {
			res.Retired = len(m.Targets) == 0 && strings.HasPrefix(ow.Status, "retired")
			if ow.FullName2024 != "" && ow.FullName2024 != ow.FullName {
				res.Name2024 = ow.FullName2024
			}
		}
	case "ward":
		for _, l := range u.OldFor(m.Code) {
			part := unitPart{Code: l.OldCode, Name: l.OldCode, Share: l.Share, Note: l.Note}
			if ow, ok := u.OldWard(l.OldCode); ok {
				part.Name = ow.FullName
				if d, ok := u.OldDistrict(ow.DistrictCode); ok {
					part.District = d.FullName
				}
			}
			res.Parts = append(res.Parts, part)
		}
	}
	return res
}
