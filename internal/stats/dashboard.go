package stats

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/evaluation"
	"ocop/internal/registry"
	"ocop/internal/stamp"
)

// StampFigures are the stamp figures of the dashboard over the last
// StampDays days (package stamp counts them).
type StampFigures struct {
	Days int
	stamp.Figures
}

// StampDays is the window of the dashboard's stamp figures: a window keeps
// the count of a scan log of tens of millions of rows to an index range.
const StampDays = 30

// Dashboard is everything the programme dashboard shows for a scope.
type Dashboard struct {
	Scope Scope
	Today evaluation.Date
	// Cumulative and Valid are the headline figures: products evaluated
	// since 2019 and products holding a valid certificate today.
	Cumulative, Valid StarCounts
	// Registered counts the products on record in the scope (any status).
	Registered int
	ByGroup    []Row
	ByCommune  []Row
	ByDistrict []Row
	ByYear     []YearRow
	ByRound    []RoundRow
	Producers  []KindRow
	// ProducersTotal counts the active producers.
	ProducersTotal int
	Expiring30     int
	Expiring90     int
	Villages       int
	Recognised     int
	// SalePoints is nil until the market module records sale points.
	SalePoints *int
	// CommunesWithoutSalePoint is nil while SalePoints is.
	CommunesWithoutSalePoint *int
	// Market is the market-access part (sale points, events, leads): nil
	// while no module reports it.
	Market *Market
	// Stamps is nil until the stamp module reports figures.
	Stamps *StampFigures
	// Targets are this year's targets with their progress.
	Targets []Progress
	// Centres place the communes on the dot map (see Facts.Centres).
	Centres map[string][2]float64

	factsKey string
}

// Dashboard computes the dashboard of p's scope (office: the province;
// commune officer: their communes).
func (s *Service) Dashboard(ctx context.Context, p *account.Principal, lang string) (*Dashboard, error) {
	sc, err := ScopeOf(p)
	if err != nil {
		return nil, err
	}
	fs, err := s.LoadFacts(ctx, sc)
	if err != nil {
		return nil, err
	}
	d := s.dashboard(fs, lang)
	if d.Targets, err = s.progress(ctx, fs, fs.Today.Y); err != nil {
		return nil, err
	}
	if d.Stamps, err = s.stampFigures(ctx, sc); err != nil {
		return nil, err
	}
	if d.Market, err = s.market(ctx, sc); err != nil {
		return nil, err
	}
	if m := d.Market; m != nil && s.Sources.SalePoints != nil {
		n, without := m.SalePoints, len(m.Without)
		d.SalePoints, d.CommunesWithoutSalePoint = &n, &without
	}
	return d, nil
}

// Key identifies the records and scope a dashboard was computed from:
// two dashboards with the same non-empty key show the same figures, apart
// from the parts read on every request (targets, stamps, market). It is
// "" when the dashboard was not computed from cached facts.
func (d *Dashboard) Key() string {
	if d.factsKey == "" {
		return ""
	}
	return fmt.Sprint(d.factsKey, "|", d.Scope.All, d.Scope.Communes)
}

func (s *Service) dashboardOf(fs *Facts, lang string) *Dashboard {
	d := &Dashboard{Scope: fs.Scope, Today: fs.Today, Registered: len(fs.Products)}
	d.Cumulative = fs.Count(Cumulative, fs.Today, nil)
	d.Valid = fs.Count(Valid, fs.Today, nil)
	d.ByGroup = fs.ByGroup(s.Registry.Categories(), lang)
	d.ByCommune = fs.ByCommune(s, s.Province)
	d.ByDistrict = fs.ByDistrict(s, s.Province)
	d.ByYear = fs.ByYear()
	d.ByRound = fs.ByRound()
	d.Producers, d.ProducersTotal = fs.ProducersByKind()
	d.Expiring30, d.Expiring90 = fs.Expiring(30), fs.Expiring(90)
	d.Villages, d.Recognised = fs.VillageCounts()
	d.Centres = fs.Centres()
	return d
}

// stampFigures returns the stamp figures of the scope, or nil while the
// stamp module does not report them.
func (s *Service) stampFigures(ctx context.Context, sc Scope) (*StampFigures, error) {
	if s.Stamps == nil {
		return nil, nil
	}
	var communes []string
	if !sc.All {
		communes = append([]string{}, sc.Communes...)
	}
	to := s.Now()
	f, err := s.Stamps.Figures(ctx, communes, to.AddDate(0, 0, -StampDays), to)
	if err != nil {
		return nil, fmt.Errorf("stamp figures: %w", err)
	}
	return &StampFigures{Days: StampDays, Figures: f}, nil
}

// Summary is the public headline figures (GET /api/v1/stats/summary and
// the public statistics page).
type Summary struct {
	// Date is the day the figures are computed for (Vietnam).
	Date evaluation.Date `json:"date"`
	// Evaluated counts the products evaluated since 2019 at the level of
	// their latest certificate; Valid those holding a valid certificate.
	Evaluated StarCounts `json:"evaluated_since_2019"`
	Valid     StarCounts `json:"currently_valid"`
	// Producers counts the active producers by kind.
	Producers      []KindRow `json:"producers_by_kind"`
	ProducersTotal int       `json:"producers_total"`
	// SalePoints is null until the market module records sale points.
	SalePoints   *int `json:"sale_points"`
	Villages     int  `json:"craft_villages"`
	VillagesRecd int  `json:"craft_villages_recognised"`
}

// Summary computes the public headline figures of the whole province.
func (s *Service) Summary(ctx context.Context) (Summary, error) {
	fs, err := s.LoadFacts(ctx, Scope{All: true})
	if err != nil {
		return Summary{}, err
	}
	out := Summary{Date: fs.Today, Evaluated: fs.Count(Cumulative, fs.Today, nil), Valid: fs.Count(Valid, fs.Today, nil)}
	out.Producers, out.ProducersTotal = fs.ProducersByKind()
	out.Villages, out.VillagesRecd = fs.VillageCounts()
	points, err := s.salePoints(ctx)
	if err != nil {
		return out, err
	}
	if points != nil {
		n := 0
		for _, k := range points {
			n += k
		}
		out.SalePoints = &n
	}
	return out, nil
}

// DrillFilter selects the products behind a number of the dashboard.
type DrillFilter struct {
	// Measure is cumulative (default) or valid.
	Measure Measure
	// Level keeps one level ("" for all).
	Level Level
	// Commune keeps a current commune; District a pre-2025 district ("-"
	// for the records whose district is not known).
	Commune, District string
	// Group keeps a product group code.
	Group string
	// Year keeps the products first certified that year; Five with Year
	// those that first reached 5★ that year.
	Year int
	Five bool
	// Round keeps the products certified in a round.
	Round int64
	Page  int
	// PerPage defaults to 50.
	PerPage int
}

// DrillRow is one product behind a number.
type DrillRow struct {
	Fact  *Fact
	Level Level
	// Cert is the certificate the product is counted by.
	Cert *Cert
}

// ParseDrill reads a drill-down filter from query values, with field
// errors in the catalogue's keys.
func ParseDrill(get func(string) string) (DrillFilter, error) {
	var f DrillFilter
	var errs apperr.Errs
	switch m := Measure(get("measure")); m {
	case "", Cumulative:
		f.Measure = Cumulative
	case Valid:
		f.Measure = Valid
	default:
		errs.Add("measure", "stats.err_measure")
	}
	if l := Level(get("level")); l != "" {
		if !slices.Contains(Levels, l) {
			errs.Add("level", "stats.err_level")
		}
		f.Level = l
	}
	f.Commune, f.District, f.Group = strings.TrimSpace(get("commune")), strings.TrimSpace(get("district")), strings.TrimSpace(get("group"))
	num := func(name string) int64 {
		v := strings.TrimSpace(get(name))
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			errs.Add(name, "stats.err_number")
		}
		return n
	}
	f.Year, f.Round, f.Page = int(num("year")), num("round"), int(num("page"))
	f.Five = get("five") == "1"
	return f, errs.Err()
}

// Drill lists the products behind a dashboard number for p's scope, with
// the total; the same counting as the dashboard, so the total is always
// the number clicked.
func (s *Service) Drill(ctx context.Context, p *account.Principal, f DrillFilter) (registry.Page[DrillRow], error) {
	var page registry.Page[DrillRow]
	sc, err := ScopeOf(p)
	if err != nil {
		return page, err
	}
	fs, err := s.LoadFacts(ctx, sc)
	if err != nil {
		return page, err
	}
	all := fs.Drill(s.Registry.Categories(), f)
	per := f.PerPage
	if per <= 0 {
		per = 50
	}
	pg := max(f.Page, 1)
	page = registry.Page[DrillRow]{Total: len(all), Page: pg, PerPage: per}
	if from := (pg - 1) * per; from < len(all) {
		page.Items = all[from:min(from+per, len(all))]
	}
	return page, nil
}

// Drill returns every product of fs that a filter keeps.
func (fs *Facts) Drill(cats *registry.Categories, f DrillFilter) []DrillRow {
	if f.Measure == "" {
		f.Measure = Cumulative
	}
	var out []DrillRow
	for _, x := range fs.Products {
		if f.Commune != "" && x.Commune != f.Commune {
			continue
		}
		if f.District == "-" && x.District != "" || f.District != "" && f.District != "-" && x.District != f.District {
			continue
		}
		if f.Group != "" && GroupOf(cats, x.Category) != f.Group {
			continue
		}
		var c *Cert
		switch {
		case f.Year != 0 && f.Five:
			if c = x.FirstFive(); c == nil || c.Issued.Y != f.Year || c.Issued.After(fs.Today) {
				continue
			}
		case f.Year != 0:
			if c = x.First(); c == nil || c.Issued.Y != f.Year || c.Issued.After(fs.Today) {
				continue
			}
		case f.Round != 0:
			c = nil
			for _, y := range x.Certs {
				if y.RoundID == f.Round && !y.Issued.After(fs.Today) {
					c = y
				}
			}
			if c == nil {
				continue
			}
		case f.Measure == Valid:
			if c = x.Current(fs.Today); c == nil {
				continue
			}
		default:
			if c = x.Latest(fs.Today); c == nil {
				continue
			}
		}
		l := LevelOf(c.Star, c.Potential5)
		if f.Level != "" && l != f.Level {
			continue
		}
		out = append(out, DrillRow{Fact: x, Level: l, Cert: c})
	}
	return out
}
