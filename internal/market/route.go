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

// RouteInput creates a route.
type RouteInput struct {
	Name        string           `json:"name"`
	Description string           `json:"description"`
	Publish     bool             `json:"publish"`
	Stops       []RouteStopInput `json:"stops"`
}

// RouteStopInput is a stop of a new route, in order.
type RouteStopInput struct {
	Kind  string `json:"kind"`
	RefID int64  `json:"ref_id"`
	Note  string `json:"note"`
}

// CreateRoute records a tourism route (the office). Every stop must name
// an existing craft village or an operating sale point; 2 to 30 stops.
func (s *Service) CreateRoute(ctx context.Context, p *account.Principal, in RouteInput) (Route, error) {
	if !CanManagePoints(p) {
		return Route{}, apperr.New(apperr.Forbidden, "err.forbidden")
	}
	var errs apperr.Errs
	checkText(&errs, "name", &in.Name, 200, true)
	checkText(&errs, "description", &in.Description, 5000, false)
	if len(in.Stops) < 2 || len(in.Stops) > 30 {
		errs.Add("stops", "market.err_stops_count", 2, 30)
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		for i := range in.Stops {
			st := &in.Stops[i]
			checkText(&errs, fmt.Sprintf("stops[%d].note", i), &st.Note, 500, false)
			var q string
			switch st.Kind {
			case "village":
				q = "SELECT COUNT(*) FROM craft_villages WHERE id = ?"
			case "salepoint":
				q = "SELECT COUNT(*) FROM sale_points WHERE id = ? AND status = 'active'"
			default:
				errs.Add(fmt.Sprintf("stops[%d].kind", i), "market.err_stop_kind")
				continue
			}
			var n int
			if err := tx.QueryRowContext(ctx, q, st.RefID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				errs.Add(fmt.Sprintf("stops[%d].ref_id", i), "market.err_stop_unknown")
			}
		}
		if err := errs.Err(); err != nil {
			return err
		}
		status := "draft"
		if in.Publish {
			status = "published"
		}
		now := s.stamp()
		var err error
		id, err = db.Insert(ctx, tx, "INSERT INTO tourism_routes (name, description, status, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, 1)",
			in.Name, in.Description, status, now, now)
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
	var r Route
	err := s.DB.QueryRowContext(ctx, "SELECT id, name, description, status, created_at, version FROM tourism_routes WHERE id = ?", id).
		Scan(&r.ID, &r.Name, &r.Description, &r.Status, &r.CreatedAt, &r.Version)
	if err != nil {
		return r, db.Scan(err, "market.err_route_not_found")
	}
	if r.Status != "published" && !CanManagePoints(p) {
		return Route{}, apperr.New(apperr.NotFound, "market.err_route_not_found")
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT rs.kind, rs.ref_id, rs.note, COALESCE(v.name, sp.name, ''), COALESCE(v.latitude, sp.latitude), COALESCE(v.longitude, sp.longitude)
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
