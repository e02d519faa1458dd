package market

import (
	"context"
	"fmt"
	"sort"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
)

func sortStrings(s []string) { sort.Strings(s) }

// Route is a tourism route: ordered stops at craft villages and sale
// points (a day in Bát Tràng; silk and lacquer villages south of the city).
type Route struct {
	ID          int64       `json:"id"`
	Name        string      `json:"name"`
	Description string      `json:"description"`
	Status      string      `json:"status"` // draft | published
	Stops       []RouteStop `json:"stops"`
	CreatedAt   time.Time   `json:"created_at"`
	Version     int         `json:"version"`
}

// RouteStop is one stop, resolved to its place.
type RouteStop struct {
	Kind      string   `json:"kind"` // village | salepoint
	RefID     int64    `json:"ref_id"`
	Note      string   `json:"note,omitempty"`
	Name      string   `json:"name"`
	URL       string   `json:"url"`
	Latitude  *float64 `json:"latitude,omitempty"`
	Longitude *float64 `json:"longitude,omitempty"`
}

// RouteInput creates a route, or replaces a route's name, description,
// stops and publication (Version is the version read; ignored on creation).
type RouteInput struct {
	Name        string           `json:"name"`
	Description string           `json:"description"`
	Publish     bool             `json:"publish"`
	Stops       []RouteStopInput `json:"stops"`
	Version     int              `json:"version,omitempty"`
}

// RouteStopInput is a stop of a new route, in order.
type RouteStopInput struct {
	Kind  string `json:"kind"`
	RefID int64  `json:"ref_id"`
	Note  string `json:"note"`
}

// validateRoute normalises and checks a route: 2 to 30 stops, each an
// existing craft village or an operating sale point.
func (s *Service) validateRoute(ctx context.Context, q db.Queryer, in *RouteInput) error {
	var errs apperr.Errs
	checkText(&errs, "name", &in.Name, 200, true)
	checkText(&errs, "description", &in.Description, 5000, false)
	if len(in.Stops) < 2 || len(in.Stops) > 30 {
		errs.Add("stops", "market.err_stops_count", 2, 30)
	}
	for i := range in.Stops {
		st := &in.Stops[i]
		checkText(&errs, fmt.Sprintf("stops[%d].note", i), &st.Note, 500, false)
		var sel string
		switch st.Kind {
		case "village":
			sel = "SELECT COUNT(*) FROM craft_villages WHERE id = ?"
		case "salepoint":
			sel = "SELECT COUNT(*) FROM sale_points WHERE id = ? AND status = 'active'"
		default:
			errs.Add(fmt.Sprintf("stops[%d].kind", i), "market.err_stop_kind")
			continue
		}
		var n int
		if err := q.QueryRowContext(ctx, sel, st.RefID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			errs.Add(fmt.Sprintf("stops[%d].ref_id", i), "market.err_stop_unknown")
		}
	}
	return errs.Err()
}

// CreateRoute records a tourism route (the office). Every stop must name
// an existing craft village or an operating sale point; 2 to 30 stops.
func (s *Service) CreateRoute(ctx context.Context, p *account.Principal, in RouteInput) (Route, error) {
	if !CanManagePoints(p) {
		return Route{}, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := s.validateRoute(ctx, tx, &in); err != nil {
			return err
		}
		now := s.stamp()
		var err error
		id, err = db.Insert(ctx, tx, "INSERT INTO tourism_routes (name, description, status, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, 1)",
			in.Name, in.Description, routeStatus(in.Publish), now, now)
		if err != nil {
			return err
		}
		for i, st := range in.Stops {
			if _, err := tx.ExecContext(ctx, "INSERT INTO route_stops (route_id, position, kind, ref_id, note) VALUES (?, ?, ?, ?, ?)", id, i+1, st.Kind, st.RefID, st.Note); err != nil {
				return err
			}
		}
		return account.Audit(ctx, tx, p, "tourism_route.create", "tourism_route", id, "", nil, in)
	})
	if err != nil {
		return Route{}, err
	}
	return s.Route(ctx, p, id)
}

// Route returns a route with its stops resolved; drafts only for the office.
func (s *Service) Route(ctx context.Context, p *account.Principal, id int64) (Route, error) {
	r, err := s.route(ctx, s.DB, id)
	if err != nil {
		return r, err
	}
	if r.Status != "published" && !CanManagePoints(p) {
		return Route{}, apperr.New(apperr.NotFound, "market.err_route_not_found")
	}
	return r, nil
}

// route reads a route with its stops with q, whatever its status.
func (s *Service) route(ctx context.Context, q db.Queryer, id int64) (Route, error) {
	var r Route
	err := q.QueryRowContext(ctx, "SELECT id, name, description, status, created_at, version FROM tourism_routes WHERE id = ?", id).
		Scan(&r.ID, &r.Name, &r.Description, &r.Status, &r.CreatedAt, &r.Version)
	if err != nil {
		return r, db.Scan(err, "market.err_route_not_found")
	}
	rows, err := q.QueryContext(ctx, `SELECT rs.kind, rs.ref_id, rs.note, COALESCE(v.name, sp.name, ''), COALESCE(v.latitude, sp.latitude), COALESCE(v.longitude, sp.longitude)
		FROM route_stops rs
		LEFT JOIN craft_villages v ON rs.kind = 'village' AND v.id = rs.ref_id
		LEFT JOIN sale_points sp ON rs.kind = 'salepoint' AND sp.id = rs.ref_id
		WHERE rs.route_id = ? ORDER BY rs.position`, id)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	for rows.Next() {
		var st RouteStop
		if err := rows.Scan(&st.Kind, &st.RefID, &st.Note, &st.Name, &st.Latitude, &st.Longitude); err != nil {
			return r, err
		}
		st.URL = fmt.Sprintf("/villages/%d", st.RefID)
		if st.Kind == "salepoint" {
			st.URL = PointURL(st.RefID)
		}
		r.Stops = append(r.Stops, st)
	}
	return r, rows.Err()
}

// Routes lists the published routes (and drafts for the office).
func (s *Service) Routes(ctx context.Context, p *account.Principal) ([]Route, error) {
	q := "SELECT id, name, description, status, created_at, version FROM tourism_routes"
	if !CanManagePoints(p) {
		q += " WHERE status = 'published'"
	}
	rows, err := s.DB.QueryContext(ctx, q+" ORDER BY name, id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Route
	for rows.Next() {
		var r Route
		if err := rows.Scan(&r.ID, &r.Name, &r.Description, &r.Status, &r.CreatedAt, &r.Version); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// routeStatus is the stored status of a route published or not.
func routeStatus(publish bool) string {
	if publish {
		return "published"
	}
	return "draft"
}

// UpdateRoute replaces a route's name, description, stops (in the order
// given) and publication (the office; optimistic locking on Version).
func (s *Service) UpdateRoute(ctx context.Context, p *account.Principal, id int64, in RouteInput) (Route, error) {
	if !CanManagePoints(p) {
		return Route{}, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	var out Route
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := s.route(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.validateRoute(ctx, tx, &in); err != nil {
			return err
		}
		if err := needVersion(in.Version); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "UPDATE tourism_routes SET name = ?, description = ?, status = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
			in.Name, in.Description, routeStatus(in.Publish), s.stamp(), id, in.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "err.stale")
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM route_stops WHERE route_id = ?", id); err != nil {
			return err
		}
		for i, st := range in.Stops {
			if _, err := tx.ExecContext(ctx, "INSERT INTO route_stops (route_id, position, kind, ref_id, note) VALUES (?, ?, ?, ?, ?)", id, i+1, st.Kind, st.RefID, st.Note); err != nil {
				return err
			}
		}
		if out, err = s.route(ctx, tx, id); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "tourism_route.update", "tourism_route", id, "", before, out)
	})
	return out, err
}

// PublishRoute publishes a route or takes it back to draft (the office;
// version is the version read). Its stops are not checked again, so that
// a route whose sale point closed can still be unpublished.
func (s *Service) PublishRoute(ctx context.Context, p *account.Principal, id int64, version int, publish bool) (Route, error) {
	if !CanManagePoints(p) {
		return Route{}, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	if err := needVersion(version); err != nil {
		return Route{}, err
	}
	var out Route
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := s.route(ctx, tx, id)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "UPDATE tourism_routes SET status = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
			routeStatus(publish), s.stamp(), id, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "err.stale")
		}
		if out, err = s.route(ctx, tx, id); err != nil {
			return err
		}
		action := "tourism_route.unpublish"
		if publish {
			action = "tourism_route.publish"
		}
		return account.Audit(ctx, tx, p, action, "tourism_route", id, "", map[string]any{"status": before.Status}, map[string]any{"status": out.Status})
	})
	return out, err
}

// DeleteRoute removes a route with its stops (the office; version is the
// version read).
func (s *Service) DeleteRoute(ctx context.Context, p *account.Principal, id int64, version int) error {
	if !CanManagePoints(p) {
		return apperr.New(apperr.Forbidden, "err.forbidden")
	}
	if err := needVersion(version); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := s.route(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.Version != version {
			return apperr.New(apperr.Conflict, "err.stale")
		}
		for _, q := range []string{"DELETE FROM route_stops WHERE route_id = ?", "DELETE FROM tourism_routes WHERE id = ?"} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		return account.Audit(ctx, tx, p, "tourism_route.delete", "tourism_route", id, "", before, nil)
	})
}

// RoutePlace is a place a route may stop at, for the office's stop editor.
type RoutePlace struct {
	Kind        string `json:"kind"` // village | salepoint
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	CommuneCode string `json:"commune_code"`
}

// RoutePlaces lists the places a stop may name: every craft village and
// every operating sale point, each by name.
func (s *Service) RoutePlaces(ctx context.Context) ([]RoutePlace, error) {
	var out []RoutePlace
	for _, q := range []struct{ kind, sql string }{
		{"village", "SELECT id, name, commune_code FROM craft_villages ORDER BY name, id"},
		{"salepoint", "SELECT id, name, commune_code FROM sale_points WHERE status = 'active' ORDER BY name, id"},
	} {
		rows, err := s.DB.QueryContext(ctx, q.sql)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			x := RoutePlace{Kind: q.kind}
			if err := rows.Scan(&x.ID, &x.Name, &x.CommuneCode); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, x)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
