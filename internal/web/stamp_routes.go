package web

// stampRoutes registers the stamps pages and API endpoints. Keep the patterns
// sorted by path; routes.go calls this before the catch-all.
func (s *Server) stampRoutes(mux *routeMux) {
	h, a := s.h, s.api.H

	// Public verification: the QR URL (printed upper case, so /Q/ too), the
	// typed-serial form and the report form. The GS1 Digital Link form
	// /01/{gtin}/21/{serial} is served by the resolver (trace_routes.go),
	// which answers a browser's scan with this verification page.
	mux.Handle("GET /Q/{serial}", h(s.stampVerify))
	mux.Handle("GET /q", h(s.stampVerifyForm))
	mux.Handle("GET /q/{serial}", h(s.stampVerify))
	mux.Handle("POST /q/{serial}/report", h(s.limited(s.limiter.reports, s.stampReport)))

	// Back office: batches, printing, alerts and consumer reports.
	mux.Handle("GET /admin/stamp-alerts", h(s.stampAlertList))
	mux.Handle("POST /admin/stamp-alerts/{id}/review", h(s.stampAlertReview))
	mux.Handle("GET /admin/stamp-reports", h(s.stampReportList))
	mux.Handle("GET /admin/stamps", h(s.stampBatchList))
	mux.Handle("POST /admin/stamps", h(s.stampBatchCreate))
	mux.Handle("GET /admin/stamps/{code}", h(s.stampBatchShow))
	mux.Handle("POST /admin/stamps/{code}/activate", h(s.stampBatchActivate))
	mux.Handle("POST /admin/stamps/{code}/deactivate", h(s.stampBatchDeactivate))
	mux.Handle("GET /admin/stamps/{code}/codes.csv", h(s.stampBatchCSV))
	mux.Handle("GET /admin/stamps/{code}/labels.pdf", h(s.stampBatchPDF))
	mux.Handle("GET /admin/stamps/{code}/qr/{serial}", h(s.stampQR))

	// JSON API.
	mux.Handle("GET /api/v1/stamp-batches", a(s.api.ListStampBatches))
	mux.Handle("POST /api/v1/stamp-batches", a(s.api.CreateStampBatch))
	mux.Handle("GET /api/v1/stamp-batches/{code}", a(s.api.GetStampBatch))
	mux.Handle("POST /api/v1/stamp-batches/{code}/activate", a(s.api.ActivateStampBatch))
	mux.Handle("GET /api/v1/stamp-batches/{code}/codes", a(s.api.StampBatchCodes))
	mux.Handle("POST /api/v1/stamp-batches/{code}/deactivate", a(s.api.DeactivateStampBatch))
	mux.Handle("GET /api/v1/stamps/{serial}/verification", a(s.api.VerifyStamp))
}
