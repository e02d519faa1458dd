package web

import (
	"net/http"
	"strconv"
	"strings"

	"ocop/internal/account"
	"ocop/internal/trade"
)

// supportPage is a programme or course page's data.
type supportPage struct {
	tradePage
	Programme    trade.Programme
	Programmes   []trade.Programme
	Supports     []trade.Support
	Course       trade.Course
	Courses      []trade.Course
	Participants []trade.Participant
	NotReached   []trade.Participant
	NotReachedN  int
}

// ProgrammeKinds lists the programme kinds.
func (supportPage) ProgrammeKinds() []string { return trade.ProgrammeKinds }

// CourseTopics lists the course topics.
func (supportPage) CourseTopics() []string { return trade.CourseTopics }

// tradeVND reads an amount in đồng written with or without thousands
// separators ("12.500.000"); -1 when it is not a number.
func tradeVND(s string) int64 {
	s = strings.NewReplacer(".", "", ",", "", " ", "", "đ", "").Replace(strings.TrimSpace(s))
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// tradeProgrammeList: the office sees programmes with budgets and the
// create form; a producer account sees the support its producers got.
func (s *Server) tradeProgrammeList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleAdmin, account.RoleOffice, account.RoleProducer)
	if err != nil {
		return err
	}
	var pg supportPage
	if p.Province() {
		if pg.Programmes, err = s.Trade.Programmes(r.Context(), p); err != nil {
			return err
		}
	} else if pg.Supports, err = s.Trade.Supports(r.Context(), p, 0); err != nil {
		return err
	}
	return s.page(w, r, "trade_programmes", "trade.page_programmes", pg)
}

// tradeProgrammeCreate records a programme (office).
func (s *Server) tradeProgrammeCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleAdmin, account.RoleOffice)
	if err != nil {
		return err
	}
	f := r.PostForm
	g, err := s.Trade.CreateProgramme(r.Context(), p, f.Get("kind"), f.Get("name"), tradeInt(f, "year"), tradeVND(f.Get("budget_vnd")))
	if err != nil {
		list, _ := s.Trade.Programmes(r.Context(), p)
		return s.formError(w, r, "trade_programmes", "trade.page_programmes", supportPage{Programmes: list}, err)
	}
	return s.redirect(w, r, "/admin/trade/programmes/"+strconv.FormatInt(g.ID, 10), "trade.flash_programme_saved")
}

// tradeProgrammeShow shows a programme's grants and the grant form (office).
func (s *Server) tradeProgrammeShow(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleAdmin, account.RoleOffice)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pg, err := s.programmePage(r, p, id)
	if err != nil {
		return err
	}
	return s.page(w, r, "trade_programme", "trade.page_programme", pg)
}

func (s *Server) programmePage(r *http.Request, p *account.Principal, id int64) (supportPage, error) {
	g, err := s.Trade.Programme(r.Context(), p, id)
	if err != nil {
		return supportPage{}, err
	}
	ss, err := s.Trade.Supports(r.Context(), p, id)
	return supportPage{Programme: g, Supports: ss}, err
}

// tradeProgrammeGrant records support to a producer within the budget.
func (s *Server) tradeProgrammeGrant(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleAdmin, account.RoleOffice)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f := r.PostForm
	if _, err := s.Trade.Grant(r.Context(), p, id, tradeInt64(f, "producer_id"), tradeVND(f.Get("amount_vnd")), f.Get("note")); err != nil {
		pg, gerr := s.programmePage(r, p, id)
		if gerr != nil {
			return err
		}
		return s.formError(w, r, "trade_programme", "trade.page_programme", pg, err)
	}
	return s.redirect(w, r, "/admin/trade/programmes/"+strconv.FormatInt(id, 10), "trade.flash_granted")
}

// tradeCourseList lists courses; the office also sees the create form and
// the producers training has not reached yet.
func (s *Server) tradeCourseList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleAdmin, account.RoleOffice, account.RoleProducer)
	if err != nil {
		return err
	}
	pg, err := s.coursesPage(r, p)
	if err != nil {
		return err
	}
	return s.page(w, r, "trade_courses", "trade.page_courses", pg)
}

func (s *Server) coursesPage(r *http.Request, p *account.Principal) (supportPage, error) {
	var pg supportPage
	var err error
	if pg.Courses, err = s.Trade.Courses(r.Context(), p); err != nil {
		return pg, err
	}
	if p.Province() {
		pg.NotReached, pg.NotReachedN, err = s.Trade.NotReached(r.Context(), p, 200)
	}
	return pg, err
}

// tradeCourseCreate records a course (office).
func (s *Server) tradeCourseCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleAdmin, account.RoleOffice)
	if err != nil {
		return err
	}
	f := r.PostForm
	c, err := s.Trade.CreateCourse(r.Context(), p, f.Get("topic"), f.Get("title"), f.Get("place"), tradeTime(f.Get("starts_at")), tradeInt(f, "capacity"))
	if err != nil {
		pg, _ := s.coursesPage(r, p)
		return s.formError(w, r, "trade_courses", "trade.page_courses", pg, err)
	}
	return s.redirect(w, r, "/admin/trade/courses/"+strconv.FormatInt(c.ID, 10), "trade.flash_course_saved")
}

// tradeCourseShow shows a course with its participants.
func (s *Server) tradeCourseShow(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleAdmin, account.RoleOffice, account.RoleProducer)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, ps, err := s.Trade.Course(r.Context(), p, id)
	if err != nil {
		return err
	}
	return s.page(w, r, "trade_course", "trade.page_course", supportPage{Course: c, Participants: ps})
}

// tradeCourseRegister registers a producer for a course.
func (s *Server) tradeCourseRegister(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleAdmin, account.RoleOffice, account.RoleProducer)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	producer := tradeInt64(r.PostForm, "producer_id")
	if producer == 0 && len(p.Producers) == 1 {
		producer = p.Producers[0]
	}
	if err := s.Trade.RegisterCourse(r.Context(), p, id, producer); err != nil {
		c, ps, gerr := s.Trade.Course(r.Context(), p, id)
		if gerr != nil {
			return err
		}
		return s.formError(w, r, "trade_course", "trade.page_course", supportPage{Course: c, Participants: ps}, err)
	}
	return s.redirect(w, r, "/admin/trade/courses/"+strconv.FormatInt(id, 10), "trade.flash_course_registered")
}

// tradeCourseAttendance records attendance: every listed participant
// ("present" boxes ticked ones attended).
func (s *Server) tradeCourseAttendance(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, account.RoleAdmin, account.RoleOffice)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	marks := map[int64]bool{}
	for _, x := range r.PostForm["participant"] {
		if n, err := strconv.ParseInt(x, 10, 64); err == nil {
			marks[n] = false
		}
	}
	for _, x := range r.PostForm["present"] {
		if n, err := strconv.ParseInt(x, 10, 64); err == nil {
			marks[n] = true
		}
	}
	if err := s.Trade.MarkAttendance(r.Context(), p, id, marks); err != nil {
		return err
	}
	return s.redirect(w, r, "/admin/trade/courses/"+strconv.FormatInt(id, 10), "trade.flash_attendance_saved")
}
