package web

// traceRoutes registers the trace pages and API endpoints. Keep the patterns
// sorted by path; routes.go calls this before the catch-all.
func (s *Server) traceRoutes(mux *routeMux) {
	h, a := s.h, s.api.H

	// GS1 Digital Link resolver (public). A browser's scan of a stamp's
	// /01/{gtin}/21/{serial} still shows the verification page.
	mux.Handle("GET /.well-known/gs1resolver", h(s.traceResolverDescription))
	mux.Handle("GET /01/{gtin}", h(s.traceResolve))
	mux.Handle("GET /01/{gtin}/10/{lot}", h(s.traceResolve))
	mux.Handle("GET /01/{gtin}/10/{lot}/21/{serial}", h(s.traceResolve))
	mux.Handle("GET /01/{gtin}/21/{serial}", h(s.traceResolve))

	// Back office: raw-material areas, lots, events, stamps, recalls.
	mux.Handle("GET /trace", h(s.traceHome))
	mux.Handle("POST /trace/areas", h(s.traceAreaCreate))
	mux.Handle("GET /trace/areas/{id}", h(s.traceAreaShow))
	mux.Handle("POST /trace/areas/{id}", h(s.traceAreaUpdate))
	mux.Handle("GET /trace/journey/{id}", h(s.traceJourneyPage))
	mux.Handle("POST /trace/lots", h(s.traceLotCreate))
	mux.Handle("GET /trace/lots/{id}", h(s.traceLotShow))
	mux.Handle("POST /trace/lots/{id}", h(s.traceLotUpdate))
	mux.Handle("POST /trace/lots/{id}/events", h(s.traceEventAdd))
	mux.Handle("POST /trace/lots/{id}/recall", h(s.traceLotRecall))
	mux.Handle("POST /trace/lots/{id}/stamps", h(s.traceStampAssign))

	// EPCIS 2.0 capture and query.
	mux.Handle("POST /api/v1/epcis/capture", a(s.api.CaptureEPCIS))
	mux.Handle("GET /api/v1/epcis/events", a(s.api.QueryEPCIS))
}
