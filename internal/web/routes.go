package web

import (
	"net/http"
)

// routes lists every route of the platform: public pages, back office,
// JSON API and operations. Patterns use net/http's method and wildcard
// syntax; keep each group sorted by path.
func (s *Server) routes() http.Handler {
	mux := newRouteMux()
	h, a := s.h, s.api.H

	// Operations.
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.HandleFunc("GET /metrics", s.metrics)
	mux.Handle("GET /static/{path...}", h(s.serveStatic))
	mux.Handle("GET /media/{hash}", h(s.mediaGet))

	// Public pages.
	mux.Handle("GET /{$}", h(s.homeShow))
	mux.Handle("GET /search", h(s.limited(s.limiter.search, s.searchShow)))

	// Accounts: sign-in, sign-up, own account.
	mux.Handle("GET /login", h(s.loginShow))
	mux.Handle("POST /login", h(s.loginSubmit))
	mux.Handle("POST /logout", h(s.logoutSubmit))
	mux.Handle("GET /account", h(s.accountShow))
	mux.Handle("POST /account/password", h(s.passwordSubmit))
	mux.Handle("POST /account/sessions/revoke-others", h(s.sessionsRevokeOthers))
	mux.Handle("POST /account/tokens", h(s.tokenCreate))
	mux.Handle("POST /account/tokens/{id}/revoke", h(s.tokenRevoke))
	mux.Handle("GET /signup/buyer", h(s.signupBuyerShow))
	mux.Handle("POST /signup/buyer", h(s.signupBuyerSubmit))
	mux.Handle("GET /signup/producer", h(s.signupProducerShow))
	mux.Handle("POST /signup/producer", h(s.signupProducerSubmit))

	// Back office: registry.
	mux.Handle("GET /admin", h(s.adminHome))
	mux.Handle("GET /admin/producers", h(s.producerList))
	mux.Handle("GET /admin/producers/new", h(s.producerNew))
	mux.Handle("POST /admin/producers", h(s.producerCreate))
	mux.Handle("GET /admin/producers/{id}", h(s.producerShow))
	mux.Handle("GET /admin/producers/{id}/edit", h(s.producerEdit))
	mux.Handle("POST /admin/producers/{id}", h(s.producerUpdate))
	mux.Handle("GET /admin/products", h(s.productList))
	mux.Handle("GET /admin/products/new", h(s.productNew))
	mux.Handle("POST /admin/products", h(s.productCreate))
	mux.Handle("GET /admin/products/{id}", h(s.productShow))
	mux.Handle("GET /admin/products/{id}/edit", h(s.productEdit))
	mux.Handle("POST /admin/products/{id}", h(s.productUpdate))
	mux.Handle("POST /admin/products/{id}/images", h(s.productImageAdd))
	mux.Handle("POST /admin/products/{id}/images/{hash}/delete", h(s.productImageDelete))
	mux.Handle("GET /admin/units", h(s.unitsLookup))
	mux.Handle("GET /admin/villages", h(s.villageList))
	mux.Handle("GET /admin/villages/new", h(s.villageNew))
	mux.Handle("POST /admin/villages", h(s.villageCreate))
	mux.Handle("GET /admin/villages/{id}", h(s.villageShow))
	mux.Handle("GET /admin/villages/{id}/edit", h(s.villageEdit))
	mux.Handle("POST /admin/villages/{id}", h(s.villageUpdate))

	// Back office: import and export.
	mux.Handle("GET /admin/export/{file}", h(s.exportGet))
	mux.Handle("GET /admin/import", h(s.importShow))
	mux.Handle("POST /admin/import", h(s.importSubmit))
	mux.Handle("GET /admin/import/template/{file}", h(s.importTemplate))

	// Back office: accounts and audit.
	mux.Handle("GET /admin/audit", h(s.auditList))
	mux.Handle("GET /admin/audit/export.csv", h(s.auditExport))
	mux.Handle("GET /admin/buyers", h(s.buyerList))
	mux.Handle("POST /admin/buyers/{id}/verify", h(s.buyerVerify))
	mux.Handle("POST /admin/buyers/{id}/unverify", h(s.buyerUnverify))
	mux.Handle("GET /admin/links", h(s.linkList))
	mux.Handle("POST /admin/links", h(s.linkRequest))
	mux.Handle("POST /admin/links/{id}/verify", h(s.linkVerify))
	mux.Handle("POST /admin/links/{id}/reject", h(s.linkReject))
	mux.Handle("GET /admin/users", h(s.userList))
	mux.Handle("GET /admin/users/new", h(s.userNew))
	mux.Handle("POST /admin/users", h(s.userCreate))
	mux.Handle("GET /admin/users/{id}/edit", h(s.userEdit))
	mux.Handle("POST /admin/users/{id}", h(s.userUpdate))
	mux.Handle("POST /admin/users/{id}/password", h(s.userPassword))
	mux.Handle("POST /admin/users/{id}/sessions/revoke", h(s.userSessionsRevoke))

	// Evaluation: scorecards.
	mux.Handle("GET /admin/categories", h(s.categoryBrowser))
	mux.Handle("GET /admin/scorecards", h(s.scorecardList))
	mux.Handle("GET /admin/scorecards/import", h(s.scorecardImportShow))
	mux.Handle("POST /admin/scorecards/import", h(s.scorecardImportSubmit))
	mux.Handle("GET /admin/scorecards/{id}", h(s.scorecardShow))
	mux.Handle("POST /admin/scorecards/{id}/activate", h(s.scorecardActivate))
	mux.Handle("POST /admin/scorecards/{id}/corrections", h(s.scorecardCorrect))
	mux.Handle("GET /admin/scorecards/{id}/export.csv", h(s.scorecardExport))

	// Evaluation: councils and scoring.
	mux.Handle("GET /admin/councils", h(s.councilList))
	mux.Handle("POST /admin/councils", h(s.councilCreate))
	mux.Handle("GET /admin/councils/{id}", h(s.councilShow))
	mux.Handle("POST /admin/councils/{id}/assign", h(s.councilAssign))
	mux.Handle("POST /admin/councils/{id}/close", h(s.councilClose))
	mux.Handle("GET /admin/councils/{id}/dossiers/{did}/score", h(s.scoreShow))
	mux.Handle("POST /admin/councils/{id}/dossiers/{did}/score", h(s.scoreSave))
	mux.Handle("POST /admin/councils/{id}/dossiers/{did}/submit", h(s.scoreSubmit))
	mux.Handle("POST /admin/councils/{id}/members", h(s.councilMembers))
	mux.Handle("POST /admin/dossiers/{id}/notes", h(s.councilNote))
	mux.Handle("GET /admin/dossiers/{id}/result", h(s.resultShow))

	// Evaluation: rounds and dossiers.
	mux.Handle("GET /admin/dossiers", h(s.dossierList))
	mux.Handle("POST /admin/dossiers", h(s.dossierCreate))
	mux.Handle("GET /admin/dossiers/new", h(s.dossierNew))
	mux.Handle("GET /admin/dossiers/{id}", h(s.dossierShow))
	mux.Handle("POST /admin/dossiers/{id}/accept", h(s.dossierAccept))
	mux.Handle("POST /admin/dossiers/{id}/evidence", h(s.evidenceAdd))
	mux.Handle("GET /admin/dossiers/{id}/evidence/{eid}", h(s.evidenceGet))
	mux.Handle("POST /admin/dossiers/{id}/evidence/{eid}/delete", h(s.evidenceDelete))
	mux.Handle("GET /admin/dossiers/{id}/form01", h(s.dossierForm01))
	mux.Handle("POST /admin/dossiers/{id}/form01", h(s.dossierForm01Save))
	mux.Handle("GET /admin/dossiers/{id}/form02", h(s.dossierForm02))
	mux.Handle("POST /admin/dossiers/{id}/form02", h(s.dossierForm02Save))
	mux.Handle("GET /admin/dossiers/{id}/pdf/{form}", h(s.dossierPDF))
	mux.Handle("GET /admin/dossiers/{id}/print/{form}", h(s.dossierPrint))
	mux.Handle("POST /admin/dossiers/{id}/propose", h(s.dossierPropose))
	mux.Handle("POST /admin/dossiers/{id}/reject", h(s.dossierReject))
	mux.Handle("POST /admin/dossiers/{id}/report", h(s.dossierReport))
	mux.Handle("POST /admin/dossiers/{id}/return", h(s.dossierReturn))
	mux.Handle("POST /admin/dossiers/{id}/round", h(s.dossierRound))
	mux.Handle("GET /admin/dossiers/{id}/self", h(s.dossierSelf))
	mux.Handle("POST /admin/dossiers/{id}/self", h(s.dossierSelfSave))
	mux.Handle("POST /admin/dossiers/{id}/submit", h(s.dossierSubmit))
	mux.Handle("POST /admin/dossiers/{id}/withdraw", h(s.dossierWithdraw))
	mux.Handle("GET /admin/rounds", h(s.roundList))
	mux.Handle("POST /admin/rounds", h(s.roundCreate))
	mux.Handle("POST /admin/rounds/{id}/close", h(s.roundClose))

	// Evaluation: decisions and certificates.
	mux.Handle("GET /admin/certificates", h(s.certificateList))
	mux.Handle("GET /admin/certificates/{id}", h(s.certificateShow))
	mux.Handle("POST /admin/certificates/{id}/inspections", h(s.certificateInspect))
	mux.Handle("POST /admin/certificates/{id}/revoke", h(s.certificateRevoke))
	mux.Handle("GET /admin/decisions", h(s.decisionList))
	mux.Handle("POST /admin/decisions", h(s.decisionCreate))
	mux.Handle("GET /admin/decisions/{id}", h(s.decisionShow))
	mux.Handle("GET /admin/dossiers/{id}/advice", h(s.advisorShow))
	mux.Handle("GET /admin/dossiers/{id}/proposal", h(s.decisionProposal))
	mux.Handle("GET /certificates/{ref}", h(s.certificatePublic))

	// Evaluation: notices (life after certification).
	mux.Handle("GET /admin/notices", h(s.noticeList))
	mux.Handle("POST /admin/notices/read-all", h(s.noticeReadAll))
	mux.Handle("POST /admin/notices/{id}/read", h(s.noticeRead))

	// JSON API v1.
	mux.Handle("/api/", a(s.api.NotFound))
	mux.Handle("GET /api/v1/admin-units/lookup", a(s.api.LookupUnits))
	mux.Handle("GET /api/v1/admin-units/provinces", a(s.api.ListProvinces))
	mux.Handle("GET /api/v1/admin-units/wards", a(s.api.ListWards))
	mux.Handle("GET /api/v1/categories", a(s.api.ListCategories))
	mux.Handle("GET /api/v1/craft-villages", a(s.api.ListCraftVillages))
	mux.Handle("POST /api/v1/craft-villages", a(s.api.CreateCraftVillage))
	mux.Handle("GET /api/v1/craft-villages/{id}", a(s.api.GetCraftVillage))
	mux.Handle("PUT /api/v1/craft-villages/{id}", a(s.api.UpdateCraftVillage))
	mux.Handle("GET /api/v1/me", a(s.api.Me))
	mux.Handle("GET /api/v1/openapi.json", a(s.api.OpenAPI))
	mux.Handle("GET /api/v1/producers", a(s.api.ListProducers))
	mux.Handle("POST /api/v1/producers", a(s.api.CreateProducer))
	mux.Handle("GET /api/v1/producers/{id}", a(s.api.GetProducer))
	mux.Handle("PUT /api/v1/producers/{id}", a(s.api.UpdateProducer))
	mux.Handle("GET /api/v1/products", a(s.api.ListProducts))
	mux.Handle("POST /api/v1/products", a(s.api.CreateProduct))
	mux.Handle("GET /api/v1/products/{id}", a(s.api.GetProduct))
	mux.Handle("PUT /api/v1/products/{id}", a(s.api.UpdateProduct))

	// Features with their own route files.
	s.stampRoutes(mux)
	s.catalogueRoutes(mux)
	s.statsRoutes(mux)
	s.traceRoutes(mux)
	s.marketRoutes(mux)
	s.tradeRoutes(mux)
	s.recoveryRoutes(mux)

	mux.Handle("/", h(s.notFound))

	s.api.SetRoutes(mux.patterns)
	var handler http.Handler = mux
	handler = s.compress(handler)
	handler = s.session(handler)
	handler = http.NewCrossOriginProtection().Handler(handler)
	handler = s.secure(handler)
	return s.realIP(s.observe(mux.ServeMux, handler))
}
