package adminunit

import (
	"sort"
	"strings"

	"ocop/internal/apperr"
	"ocop/internal/textfold"
)

// Address is where a producer, craft village or sale point is: always the
// current commune, and the pre-2025 district and commune when known.
type Address struct {
	CommuneCode        string // current (post-2025) commune/ward code, required
	LegacyDistrictCode string // pre-2025 district code, optional
	LegacyCommuneCode  string // pre-2025 commune code, optional
}

// Resolve checks an address and completes what the mapping determines: the
// old district of an old commune, and the new commune of an old commune
// that went whole into one new unit. An old commune that was split needs
// the new commune chosen; the error lists the candidates. field prefixes
// the names of the fields in errors (e.g. "" or "address.").
func (u *Units) Resolve(a Address) (Address, error) {
	var errs apperr.Errs
	a.CommuneCode = strings.TrimSpace(a.CommuneCode)
	a.LegacyDistrictCode = strings.TrimSpace(a.LegacyDistrictCode)
	a.LegacyCommuneCode = strings.TrimSpace(a.LegacyCommuneCode)
	if a.LegacyCommuneCode != "" {
		ow, ok := u.OldWard(a.LegacyCommuneCode)
		if !ok {
			errs.Add("legacy_commune_code", "err.old_commune_unknown", a.LegacyCommuneCode)
			return a, errs.Err()
		}
		if a.LegacyDistrictCode == "" {
			a.LegacyDistrictCode = ow.DistrictCode
		} else if a.LegacyDistrictCode != ow.DistrictCode {
			d, _ := u.OldDistrict(ow.DistrictCode)
			errs.Add("legacy_district_code", "err.old_commune_other_district", ow.FullName, d.FullName)
			return a, errs.Err()
		}
		targets := u.NewFor(ow.Code)
		if a.CommuneCode == "" {
			switch len(targets) {
			case 0:
				errs.Add("commune_code", "err.commune_required")
			case 1:
				a.CommuneCode = targets[0].Ward.Code
			default:
				errs.Add("commune_code", "err.old_commune_split", ow.FullName, targetNames(targets))
			}
			return a, errs.Err()
		}
		if len(targets) > 0 && !hasTarget(targets, a.CommuneCode) {
			w, _ := u.Ward(a.CommuneCode)
			errs.Add("commune_code", "err.old_commune_not_in_new", ow.FullName, orCode(w.FullName, a.CommuneCode), targetNames(targets))
			return a, errs.Err()
		}
	}
	if a.LegacyDistrictCode != "" {
		if _, ok := u.OldDistrict(a.LegacyDistrictCode); !ok {
			errs.Add("legacy_district_code", "err.old_district_unknown", a.LegacyDistrictCode)
			return a, errs.Err()
		}
	}
	if a.CommuneCode == "" {
		errs.Add("commune_code", "err.commune_required")
		return a, errs.Err()
	}
	w, ok := u.Ward(a.CommuneCode)
	if !ok {
		errs.Add("commune_code", "err.commune_unknown", a.CommuneCode)
		return a, errs.Err()
	}
	if a.LegacyDistrictCode != "" && a.LegacyCommuneCode == "" {
		cands := u.NewForDistrict(a.LegacyDistrictCode)
		found := false
		for _, c := range cands {
			if c.Code == w.Code {
				found = true
			}
		}
		if len(cands) > 0 && !found {
			d, _ := u.OldDistrict(a.LegacyDistrictCode)
			errs.Add("legacy_district_code", "err.old_district_not_in_new", d.FullName, w.FullName)
		}
	}
	return a, errs.Err()
}

func hasTarget(ts []Target, code string) bool {
	for _, t := range ts {
		if t.Ward.Code == code {
			return true
		}
	}
	return false
}

func targetNames(ts []Target) string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.Ward.FullName + " (" + t.Ward.Code + ")"
	}
	return strings.Join(names, ", ")
}

func orCode(name, code string) string {
	if name == "" {
		return code
	}
	return name
}

// Match is one administrative unit found by Search.
type Match struct {
	Kind     string // "ward" (current), "old_ward", "old_district"
	Code     string
	FullName string
	Parent   string   // province (current) or old district and province (old)
	Targets  []Target // for old units: the current unit(s) it became
	Exact    bool     // the query matched the name exactly (before folding)
}

// Search finds current and old units by name, typed with or without
// diacritics and with or without the type prefix ("xã", "phường", "huyện").
// Exact matches come first, then matches on the folded name, then
// matches containing the query. province limits current units to one
// province and old units to the old provinces merged into it ("" for all).
func (u *Units) Search(q, province string, limit int) []Match {
	fq := stripType(textfold.Fold(q))
	if fq == "" {
		return nil
	}
	exact := strings.ToLower(textfold.NFC(q))
	type scored struct {
		m     Match
		score int
	}
	var res []scored
	score := func(name, full string) (int, bool) {
		fn := textfold.Fold(name)
		switch {
		case strings.ToLower(name) == exact || strings.ToLower(full) == exact:
			return 0, true
		case fn == fq:
			return 1, true
		case strings.HasPrefix(fn, fq):
			return 2, true
		case strings.Contains(fn, fq):
			return 3, true
		}
		return 0, false
	}
	for _, w := range u.Wards {
		if province != "" && w.ProvinceCode != province {
			continue
		}
		if s, ok := score(w.Name, w.FullName); ok {
			p, _ := u.Province(w.ProvinceCode)
			res = append(res, scored{Match{Kind: "ward", Code: w.Code, FullName: w.FullName, Parent: p.FullName, Exact: s == 0}, s})
		}
	}
	for _, d := range u.OldDistricts {
		if province != "" && u.OldProvinces[d.ProvinceCode] != province {
			continue
		}
		if s, ok := score(d.Name, d.FullName); ok {
			var ts []Target
			for _, w := range u.NewForDistrict(d.Code) {
				ts = append(ts, Target{w, "partial"})
			}
			res = append(res, scored{Match{Kind: "old_district", Code: d.Code, FullName: d.FullName, Parent: u.oldProvName[d.ProvinceCode], Targets: ts, Exact: s == 0}, s})
		}
	}
	for _, ow := range u.OldWards {
		d, _ := u.OldDistrict(ow.DistrictCode)
		if province != "" && u.OldProvinces[d.ProvinceCode] != province {
			continue
		}
		s, ok := score(ow.Name, ow.FullName)
		if !ok && ow.FullName2024 != "" {
			_, short := splitPrefix(ow.FullName2024)
			s, ok = score(short, ow.FullName2024)
		}
		if ok {
			res = append(res, scored{Match{Kind: "old_ward", Code: ow.Code, FullName: ow.FullName, Parent: d.FullName + ", " + u.oldProvName[d.ProvinceCode], Targets: u.NewFor(ow.Code), Exact: s == 0}, s})
		}
	}
	sort.SliceStable(res, func(i, j int) bool { return res[i].score < res[j].score })
	if limit > 0 && len(res) > limit {
		res = res[:limit]
	}
	out := make([]Match, len(res))
	for i, r := range res {
		out[i] = r.m
	}
	return out
}

var foldedPrefixes = []string{"thanh pho ", "thi xa ", "thi tran ", "quan ", "huyen ", "phuong ", "xa ", "dac khu ", "tp. ", "tp ", "tx. ", "tt. ", "q. ", "h. ", "p. ", "x. "}

func stripType(s string) string {
	for _, p := range foldedPrefixes {
		if strings.HasPrefix(s, p) {
			return strings.TrimSpace(strings.TrimPrefix(s, p))
		}
	}
	return s
}
