package web

import (
	"net/http"
	"strings"

	"ocop/internal/evaluation"
	"ocop/internal/registry"
)

// noticeListPage is the user's notifications ("Thông báo"), each already
// written in the user's language.
type noticeListPage struct {
	registry.Page[evaluation.Notification]
	Texts  map[int64]string
	Unread int
}

// UnreadCount lets the nav counter reuse the count this page has already
// made (see view.UnreadNotices).
func (p *noticeListPage) UnreadCount() int { return p.Unread }

// noticeList lists the signed-in user's notifications, newest first,
// unread ones in bold.
func (s *Server) noticeList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	list, err := s.Evaluation.Notifications(ctx, p, queryInt(r.URL.Query().Get("page")))
	if err != nil {
		return err
	}
	pg := &noticeListPage{Page: list, Texts: map[int64]string{}}
	if pg.Unread, err = s.Evaluation.UnreadNotifications(ctx, p.UserID); err != nil {
		return err
	}
	lang := langOf(r)
	for _, n := range list.Items {
		pg.Texts[n.ID] = s.Catalog.T(lang, n.Message, n.ArgsAny()...)
	}
	return s.page(w, r, "notice_list", "notice.page_list", pg)
}

// noticeRead marks one of the user's notifications read; with open=1 it
// then goes to the page the notification is about.
func (s *Server) noticeRead(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	link, err := s.Evaluation.MarkNotificationRead(r.Context(), p, id)
	if err != nil {
		return err
	}
	// Links are written by the notice job, but only ever follow one
	// inside the back office.
	if r.PostFormValue("open") == "1" && strings.HasPrefix(link, "/admin/") && !strings.HasPrefix(link, "//") {
		return s.redirect(w, r, link, "")
	}
	return s.redirect(w, r, "/admin/notices", "")
}

// noticeReadAll marks all the user's notifications read.
func (s *Server) noticeReadAll(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r)
	if err != nil {
		return err
	}
	if _, err := s.Evaluation.MarkAllNotificationsRead(r.Context(), p); err != nil {
		return err
	}
	return s.redirect(w, r, "/admin/notices", "notice.flash_all_read")
}
