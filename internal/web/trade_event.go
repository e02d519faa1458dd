package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/trade"
)

// eventPage is an event with its registrations (all for the office, the
// producer's own otherwise) and livestream slots.
type eventPage struct {
	Event         trade.Event
	Registrations []trade.Registration
	Slots         []trade.Slot
	Kinds         []string
	// Open is true while producers may still register.
	Open bool
}

// tradeTime reads a datetime-local value ("2026-11-27T19:00") as Vietnam
// time; empty or malformed is the zero time (reported as missing).
func tradeTime(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, trade.Vietnam); err == nil {
			return t
		}
	}
	return time.Time{}
}

func tradeTimeValue(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(trade.Vietnam).Format("2006-01-02T15:04")
}

func eventInput(f url.Values) trade.EventInput {
	return trade.EventInput{Kind: f.Get("kind"), Title: f.Get("title"), Description: f.Get("description"), Place: f.Get("place"),
		OnlineURL: f.Get("online_url"), StartsAt: tradeTime(f.Get("starts_at")), EndsAt: tradeTime(f.Get("ends_at")),
		RegistrationDeadline: tradeTime(f.Get("registration_deadline")), BoothCapacity: tradeInt(f, "booth_capacity"),
		Status: f.Get("status"), Repeat: tradeInt(f, "repeat"), Version: tradeInt(f, "version")}
}

func eventForm(e trade.Event) url.Values {
	return url.Values{"kind": {e.Kind}, "title": {e.Title}, "description": {e.Description}, "place": {e.Place}, "online_url": {e.OnlineURL},
		"starts_at": {tradeTimeValue(e.StartsAt)}, "ends_at": {tradeTimeValue(e.EndsAt)},
		"registration_deadline": {tradeTimeValue(e.RegistrationDeadline)}, "booth_capacity": {strconv.Itoa(e.BoothCapacity)},
		"status": {e.Status}, "version": {strconv.Itoa(e.Version)}}
}

// eventsPublic is the public calendar: upcoming events first, then the
// past ones of the last year.
func (s *Server) eventsPublic(w http.ResponseWriter, r *http.Request) error {
	now := s.Now()
	up, err := s.Trade.Events(r.Context(), now, time.Time{}, 200)
	if err != nil {
		return err
	}
	past, err := s.Trade.Events(r.Context(), now.AddDate(-1, 0, 0), now, 200)
	if err != nil {
		return err
	}
	var done []trade.Event
	for _, e := range past {
		if !e.EndsAt.After(now) {
			done = append([]trade.Event{e}, done...)
		}
	}
	return s.page(w, r, "trade_events", "trade.page_events", tradePage{Items: up, Extra: done})
}

// eventPublic is one event's public page with its livestream slots.
func (s *Server) eventPublic(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	e, err := s.Trade.Event(r.Context(), id)
	if err != nil {
		return err
	}
	slots, err := s.Trade.Slots(r.Context(), id)
	if err != nil {
		return err
	}
	return s.page(w, r, "trade_event", "trade.page_event", eventPage{Event: e, Slots: slots[id]})
}

// eventsICS is the calendar as an iCalendar feed (RFC 5545).
func (s *Server) eventsICS(w http.ResponseWriter, r *http.Request) error {
	es, err := s.Trade.Events(r.Context(), s.Now().AddDate(-1, 0, 0), time.Time{}, 1000)
	if err != nil {
		return err
	}
	ids := make([]int64, len(es))
	for i, e := range es {
		ids[i] = e.ID
	}
	slots, err := s.Trade.Slots(r.Context(), ids...)
	if err != nil {
		return err
	}
	base := strings.TrimSuffix(s.BaseURL, "/")
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	host := r.Host
	if u, err := url.Parse(base); err == nil && u.Host != "" {
		host = u.Hostname()
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="ocop-events.ics"`)
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, err = w.Write(trade.ICS(es, base, host, slots))
	return err
}

// tradeEventList is the back-office list of events with the create form
// (office) and the producer's registrations.
func (s *Server) tradeEventList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleAdmin, account.RoleOffice, account.RoleProducer)
	if err != nil {
		return err
	}
	es, err := s.Trade.Events(r.Context(), s.Now().AddDate(-1, 0, 0), time.Time{}, 500)
	if err != nil {
		return err
	}
	regs, err := s.Trade.ProducerRegistrations(r.Context(), p)
	if err != nil {
		return err
	}
	return s.tradeForm(w, r, "trade_events_admin", "trade.page_events_admin", tradePage{Items: es, Extra: regs}, url.Values{"kind": {"livestream"}})
}

// tradeEventCreate creates an event (and weekly repeats).
func (s *Server) tradeEventCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleAdmin, account.RoleOffice)
	if err != nil {
		return err
	}
	e, err := s.Trade.CreateEvent(r.Context(), p, eventInput(r.PostForm))
	if err != nil {
		return s.formError(w, r, "trade_events_admin", "trade.page_events_admin", tradePage{}, err)
	}
	return s.redirect(w, r, "/admin/trade/events/"+strconv.FormatInt(e.ID, 10), "trade.flash_event_saved")
}

// tradeEventShow is the back-office page of an event: its edit form and
// registrations for the office; the registration form and own
// registrations for a producer.
func (s *Server) tradeEventShow(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleAdmin, account.RoleOffice, account.RoleProducer)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pg, err := s.eventPage(r, p, id)
	if err != nil {
		return err
	}
	return s.tradeForm(w, r, "trade_event_admin", "trade.page_event", tradePage{Item: pg}, eventForm(pg.Event))
}

func (s *Server) eventPage(r *http.Request, p *account.Principal, id int64) (eventPage, error) {
	e, err := s.Trade.Event(r.Context(), id)
	if err != nil {
		return eventPage{}, err
	}
	regs, err := s.Trade.Registrations(r.Context(), p, id)
	if err != nil {
		return eventPage{}, err
	}
	slots, err := s.Trade.Slots(r.Context(), id)
	if err != nil {
		return eventPage{}, err
	}
	return eventPage{Event: e, Registrations: regs, Slots: slots[id], Kinds: trade.EventKinds,
		Open: e.Status == "published" && s.Now().Before(e.RegistrationDeadline)}, nil
}

// eventFormError re-renders the event page with a form's errors.
func (s *Server) eventFormError(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	p := account.FromContext(r.Context())
	pg, gerr := s.eventPage(r, p, id)
	if gerr != nil {
		return err
	}
	return s.formError(w, r, "trade_event_admin", "trade.page_event", tradePage{Item: pg}, err)
}

// tradeEventUpdate changes an event (office).
func (s *Server) tradeEventUpdate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleAdmin, account.RoleOffice)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.Trade.UpdateEvent(r.Context(), p, id, eventInput(r.PostForm)); err != nil {
		return s.eventFormError(w, r, id, err)
	}
	return s.redirect(w, r, "/admin/trade/events/"+strconv.FormatInt(id, 10), "trade.flash_event_saved")
}

// tradeEventRegister registers a producer for an event.
func (s *Server) tradeEventRegister(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleProducer)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f := r.PostForm
	producer := tradeInt64(f, "producer_id")
	if producer == 0 && len(p.Producers) == 1 {
		producer = p.Producers[0]
	}
	if _, err := s.Trade.Register(r.Context(), p, id, producer, tradeInt(f, "booths"), f.Get("note")); err != nil {
		return s.eventFormError(w, r, id, err)
	}
	return s.redirect(w, r, "/admin/trade/events/"+strconv.FormatInt(id, 10), "trade.flash_registered")
}

// tradeEventSlot schedules a livestream slot (office).
func (s *Server) tradeEventSlot(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleAdmin, account.RoleOffice)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f := r.PostForm
	var products []int64
	for _, x := range strings.FieldsFunc(f.Get("product_ids"), func(r rune) bool { return r == ',' || r == ' ' }) {
		if n, err := strconv.ParseInt(x, 10, 64); err == nil {
			products = append(products, n)
		}
	}
	in := trade.SlotInput{ProducerID: tradeInt64(f, "producer_id"), StartsAt: tradeTime(f.Get("starts_at")), EndsAt: tradeTime(f.Get("ends_at")),
		Link: f.Get("link"), ProductIDs: products}
	if _, err := s.Trade.AddSlot(r.Context(), p, id, in); err != nil {
		return s.eventFormError(w, r, id, err)
	}
	return s.redirect(w, r, "/admin/trade/events/"+strconv.FormatInt(id, 10), "trade.flash_slot_saved")
}

// tradeRegistrationDecide approves (with a booth) or rejects a
// registration (office).
func (s *Server) tradeRegistrationDecide(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleAdmin, account.RoleOffice)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f := r.PostForm
	event, err := s.Trade.RegistrationEvent(r.Context(), id)
	if err != nil {
		return err
	}
	if err := s.Trade.Decide(r.Context(), p, id, f.Get("decision") == "approve", f.Get("booth_label"), tradeInt(f, "version")); err != nil {
		return s.eventFormError(w, r, event, err)
	}
	return s.redirect(w, r, "/admin/trade/events/"+strconv.FormatInt(event, 10), "trade.flash_decided")
}

// tradeRegistrationOutcome records what a registration produced.
func (s *Server) tradeRegistrationOutcome(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleAdmin, account.RoleOffice, account.RoleProducer)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f := r.PostForm
	event, err := s.Trade.RegistrationEvent(r.Context(), id)
	if err != nil {
		return err
	}
	sales := int64(-1)
	if v := strings.NewReplacer(".", "", ",", "", " ", "").Replace(f.Get("sales_vnd")); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			sales = n
		}
	} else {
		sales = 0
	}
	if err := s.Trade.ReportOutcome(r.Context(), p, id, sales, tradeInt(f, "contacts"), tradeInt(f, "orders")); err != nil {
		return s.eventFormError(w, r, event, err)
	}
	return s.redirect(w, r, "/admin/trade/events/"+strconv.FormatInt(event, 10), "trade.flash_outcome_saved")
}

// When formats a time in Vietnam for the pages.
func (eventPage) When(t time.Time) string { return t.In(trade.Vietnam).Format("15:04 02/01/2006") }

// When formats a time in Vietnam for the pages.
func (tradePage) When(t time.Time) string { return t.In(trade.Vietnam).Format("15:04 02/01/2006") }

// Kinds lists the event kinds.
func (tradePage) Kinds() []string { return trade.EventKinds }
