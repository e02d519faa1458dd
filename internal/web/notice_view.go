package web

import (
	"ocop/internal/account"
	"ocop/internal/evaluation"
	"ocop/internal/registry"
)

// The view methods of this file are computed lazily, when a template asks:
// the nav's unread counter on every back-office page, and the certificate
// blocks that evaluation adds to pages other modules own (the producer's
// dashboard, the product page), which thus need no change to their
// handlers.

// UnreadNotices is the nav's unread counter: one read of an index per page
// view, made only when the nav is drawn for a signed-in user. A page that
// has counted already (the notices page) lends its count. A failure only
// costs the counter, never the page.
func (v *view) UnreadNotices() int {
	if v.P == nil || v.P.UserID == 0 {
		return 0
	}
	if c, ok := v.Data.(interface{ UnreadCount() int }); ok {
		return c.UnreadCount()
	}
	n, err := v.s.Evaluation.UnreadNotifications(v.r.Context(), v.P.UserID)
	if err != nil {
		v.s.Log.WarnContext(v.r.Context(), "unread notifications", "err", err)
		return 0
	}
	return n
}

// certLives is what the partial "notice_certs" draws: certificates with
// their re-rating window, for one page.
type certLives struct {
	V     *view
	Title string // catalogue key of the heading
	Items []evaluation.CertificateLife
	Today evaluation.Date
	// Public links the certificates to their public pages, for users who
	// may open the product but not its certificate file (council members).
	Public bool
	civil
}

// MyCertificates is the producer's "Giấy chứng nhận của tôi": the current
// certificate of each of its products. Nil for other roles.
func (v *view) MyCertificates() (*certLives, error) {
	if !v.P.Is(account.RoleProducer) {
		return nil, nil
	}
	items, err := v.s.Evaluation.MyCertificates(v.r.Context(), v.P)
	if err != nil {
		return nil, err
	}
	return &certLives{V: v, Title: "notice.my_certificates", Items: items, Today: v.s.Evaluation.Today()}, nil
}

// ProductCertificates is the certificate block of a product page the user
// has opened (the handler checked the scope).
func (v *view) ProductCertificates(x registry.Product) (*certLives, error) {
	l, err := v.s.Evaluation.ProductCertificateLife(v.r.Context(), v.P, x)
	if err != nil {
		return nil, err
	}
	out := &certLives{V: v, Title: "notice.product_certificate", Today: v.s.Evaluation.Today(),
		Public: !v.P.Province() && !v.P.InCommune(x.CommuneCode) && !v.P.ActsFor(x.ProducerID)}
	if l != nil {
		out.Items = []evaluation.CertificateLife{*l}
	}
	return out, nil
}

// reratingBlock is what the partial "notice_rerating" draws on the page of
// a re-rating dossier.
type reratingBlock struct {
	V    *view
	Info *evaluation.ReratingInfo
	civil
}

// ReratingOf is the re-rating block of a dossier page the user has opened
// (nil for other dossiers): the window of Điều 7.6.a, what the filing date
// means for the old certificate (Điều 12.3) and the 45-day deadline (Điều
// 7.6.g).
func (v *view) ReratingOf(d evaluation.Dossier) (*reratingBlock, error) {
	in, err := v.s.Evaluation.Rerating(v.r.Context(), &d)
	if err != nil || in == nil {
		return nil, err
	}
	return &reratingBlock{V: v, Info: in}, nil
}
