package web

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/market"
)

// blankStopRows is how many empty stop rows the route form offers (and
// how many more "more rows" adds).
const blankStopRows = 2

// routeForm is the office's page of a tourism route: details, stops in
// order (each a place and a note, ordered by position numbers) and the
// publication.
type routeForm struct {
	Route       *market.Route // nil when creating
	Name        string
	Description string
	Publish     bool
	Version     int
	Stops       []stopRow
	Villages    []market.RoutePlace
	Points      []market.RoutePlace
}

// stopRow is one row of the stop editor. Place is "village:ID" or
// "salepoint:ID": the kind and the place in one choice.
type stopRow struct {
	I        int
	Position string
	Place    string
	Note     string
	Remove   bool
}

// Action is where the route form posts.
func (f routeForm) Action() string {
	if f.Route == nil {
		return "/admin/tourism-routes"
	}
	return "/admin/tourism-routes/" + itoa64(f.Route.ID)
}

// addBlank appends n empty stop rows, numbered after the others.
func (f *routeForm) addBlank(n int) {
	for range n {
		f.Stops = append(f.Stops, stopRow{I: len(f.Stops), Position: strconv.Itoa(len(f.Stops) + 1)})
	}
}

// placeValue is the choice value of a stop's place.
func placeValue(kind string, id int64) string { return kind + ":" + strconv.FormatInt(id, 10) }

// withPlaces adds the places a stop may name.
func (s *Server) withPlaces(r *http.Request, f *routeForm) error {
	places, err := s.Market.RoutePlaces(r.Context())
	if err != nil {
		return err
	}
	for _, x := range places {
		if x.Kind == "village" {
			f.Villages = append(f.Villages, x)
		} else {
			f.Points = append(f.Points, x)
		}
	}
	return nil
}

// routeFormOf fills the form from a recorded route.
func routeFormOf(x *market.Route) routeForm {
	f := routeForm{Route: x, Name: x.Name, Description: x.Description, Publish: x.Status == "published", Version: x.Version}
	for _, st := range x.Stops {
		f.Stops = append(f.Stops, stopRow{I: len(f.Stops), Position: strconv.Itoa(len(f.Stops) + 1), Place: placeValue(st.Kind, st.RefID), Note: st.Note})
	}
	f.addBlank(blankStopRows)
	return f
}

// routeInput reads the route form: the rows as posted, the input for the
// service with the stops ordered by position (rows without a number keep
// their place after the numbered ones), and for each stop its row.
func routeInput(r *http.Request, x *market.Route) (routeForm, market.RouteInput, []int, apperr.Errs) {
	var errs apperr.Errs
	pf := r.PostForm
	f := routeForm{Route: x, Name: pf.Get("name"), Description: pf.Get("description"), Publish: pf.Get("publish") != ""}
	f.Version = officeVersion(&errs, r)
	in := market.RouteInput{Name: f.Name, Description: f.Description, Publish: f.Publish, Version: f.Version}
	type stop struct {
		pos, row int
		in       market.RouteStopInput
	}
	var stops []stop
	for i := range formRows(r) {
		get := func(k string) string { return strings.TrimSpace(pf.Get(fmt.Sprintf("stop_%s_%d", k, i))) }
		row := stopRow{I: i, Position: get("position"), Place: get("place"), Note: get("note"), Remove: get("remove") != ""}
		f.Stops = append(f.Stops, row)
		if row.Remove || row.Place == "" {
			continue
		}
		st := stop{pos: maxFormRows + 1 + i, row: i}
		if row.Position != "" {
			n, err := strconv.Atoi(row.Position)
			if err != nil || n < 1 || n > maxFormRows {
				errs.Add(fmt.Sprintf("stop_position_%d", i), "market.office_err_position")
			}
			st.pos = n
		}
		kind, id, _ := strings.Cut(row.Place, ":")
		ref, err := strconv.ParseInt(id, 10, 64)
		if err != nil || ref <= 0 {
			errs.Add(fmt.Sprintf("stop_place_%d", i), "market.err_stop_unknown")
		}
		st.in = market.RouteStopInput{Kind: kind, RefID: ref, Note: row.Note}
		stops = append(stops, st)
	}
	slices.SortStableFunc(stops, func(a, b stop) int { return cmp.Compare(a.pos, b.pos) })
	var from []int
	for _, st := range stops {
		in.Stops = append(in.Stops, st.in)
		from = append(from, st.row)
	}
	return f, in, from, errs
}

// routeErr puts a service's stop errors on the form's rows: the kind and
// the place are one choice.
func routeErr(err error, from []int) error {
	err = rowFields(err, "stops", "stop", from)
	if e := apperr.As(err); e != nil {
		for i, f := range e.Fields {
			for _, k := range []string{"kind", "ref_id"} {
				if rest, ok := strings.CutPrefix(f.Field, "stop_"+k+"_"); ok {
					e.Fields[i].Field = "stop_place_" + rest
				}
			}
		}
	}
	return err
}

// marketOfficeRouteList lists the tourism routes, drafts too.
func (s *Server) marketOfficeRouteList(w http.ResponseWriter, r *http.Request) error {
	p, err := needOffice(r)
	if err != nil {
		return err
	}
	items, err := s.Market.Routes(r.Context(), p)
	if err != nil {
		return err
	}
	return s.page(w, r, "market_office_routes", "market.office_routes", items)
}

// marketOfficeRouteNew shows the empty route form.
func (s *Server) marketOfficeRouteNew(w http.ResponseWriter, r *http.Request) error {
	if _, err := needOffice(r); err != nil {
		return err
	}
	var f routeForm
	f.addBlank(blankStopRows)
	if err := s.withPlaces(r, &f); err != nil {
		return err
	}
	return s.page(w, r, "market_office_route", "market.office_route_new", f)
}

// saveRoute handles a posted route form: "more" shows it again with more
// blank stop rows; otherwise the route is created or changed.
func (s *Server) saveRoute(w http.ResponseWriter, r *http.Request, p *account.Principal, x *market.Route) error {
	if err := parseOfficeForm(r); err != nil {
		return err
	}
	title := "market.office_route_new"
	if x != nil {
		title = "market.office_route"
	}
	f, in, from, errs := routeInput(r, x)
	if err := s.withPlaces(r, &f); err != nil {
		return err
	}
	if r.PostForm.Get("action") == "more" {
		f.addBlank(blankStopRows)
		return s.page(w, r, "market_office_route", title, f)
	}
	if err := errs.Err(); err != nil {
		return s.formError(w, r, "market_office_route", title, f, err)
	}
	var saved market.Route
	var err error
	if x == nil {
		saved, err = s.Market.CreateRoute(r.Context(), p, in)
	} else {
		saved, err = s.Market.UpdateRoute(r.Context(), p, x.ID, in)
	}
	if err != nil {
		return s.formError(w, r, "market_office_route", title, f, routeErr(err, from))
	}
	return s.redirect(w, r, "/admin/tourism-routes/"+itoa64(saved.ID), "flash.saved")
}

// marketOfficeRouteCreate records a route from the form.
func (s *Server) marketOfficeRouteCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := needOffice(r)
	if err != nil {
		return err
	}
	return s.saveRoute(w, r, p, nil)
}

// officeRoute loads the {id} route (drafts too) for the office.
func (s *Server) officeRoute(r *http.Request) (market.Route, *account.Principal, error) {
	p, err := needOffice(r)
	if err != nil {
		return market.Route{}, nil, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return market.Route{}, nil, err
	}
	x, err := s.Market.Route(r.Context(), p, id)
	return x, p, err
}

// marketOfficeRouteShow is the route's form.
func (s *Server) marketOfficeRouteShow(w http.ResponseWriter, r *http.Request) error {
	x, _, err := s.officeRoute(r)
	if err != nil {
		return err
	}
	f := routeFormOf(&x)
	if err := s.withPlaces(r, &f); err != nil {
		return err
	}
	return s.page(w, r, "market_office_route", "market.office_route", f)
}

// marketOfficeRouteUpdate saves the route form (optimistic locking).
func (s *Server) marketOfficeRouteUpdate(w http.ResponseWriter, r *http.Request) error {
	x, p, err := s.officeRoute(r)
	if err != nil {
		return err
	}
	return s.saveRoute(w, r, p, &x)
}

// marketOfficeRoutePublish publishes the route ("publish" 1) or takes it
// back to draft.
func (s *Server) marketOfficeRoutePublish(w http.ResponseWriter, r *http.Request) error {
	x, p, err := s.officeRoute(r)
	if err != nil {
		return err
	}
	if err := parseOfficeForm(r); err != nil {
		return err
	}
	var errs apperr.Errs
	v := officeVersion(&errs, r)
	publish := r.PostForm.Get("publish") == "1"
	if err = errs.Err(); err == nil {
		_, err = s.Market.PublishRoute(r.Context(), p, x.ID, v, publish)
	}
	if err != nil {
		f := routeFormOf(&x)
		if werr := s.withPlaces(r, &f); werr != nil {
			return werr
		}
		return s.formError(w, r, "market_office_route", "market.office_route", f, err)
	}
	flash := "market.office_flash_unpublished"
	if publish {
		flash = "market.office_flash_published"
	}
	return s.redirect(w, r, "/admin/tourism-routes/"+itoa64(x.ID), flash)
}

// routeDelete describes the deletion of a route.
func (s *Server) routeDelete(r *http.Request, x market.Route) officeDelete {
	return officeDelete{Kind: "route", Name: x.Name, Action: "/admin/tourism-routes/" + itoa64(x.ID) + "/delete",
		Back: "/admin/tourism-routes/" + itoa64(x.ID), Version: x.Version,
		Note: s.Catalog.T(langOf(r), "market.office_delete_route_note", len(x.Stops))}
}

// marketOfficeRouteDeleteAsk asks the office to confirm a route's deletion.
func (s *Server) marketOfficeRouteDeleteAsk(w http.ResponseWriter, r *http.Request) error {
	x, _, err := s.officeRoute(r)
	if err != nil {
		return err
	}
	return s.confirmDelete(w, r, s.routeDelete(r, x))
}

// marketOfficeRouteDelete deletes a route with its stops.
func (s *Server) marketOfficeRouteDelete(w http.ResponseWriter, r *http.Request) error {
	x, p, err := s.officeRoute(r)
	if err != nil {
		return err
	}
	return s.deleteSubmitted(w, r, p, x.ID, s.routeDelete(r, x), s.Market.DeleteRoute, "/admin/tourism-routes")
}
