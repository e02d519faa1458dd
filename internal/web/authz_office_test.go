package web_test

func init() {
	for k, v := range officeAuthz {
		authzTable[k] = v
	}
}

// officeAuthz: retail chains, tourism routes and design centres are kept
// by the programme office (admin, office); a producer may also take its
// own product off a chain through the API (as it may list it). The
// objects are marketAuthzObjects'; requests carry no version, so the
// table's run changes nothing (allowed roles get 422, "ok" here, and the
// unknown product {pid} 404).
var officeAuthz = map[string]string{
	"GET /admin/design-centres":                                    "login ok ok deny deny deny deny deny",
	"GET /admin/design-centres/{id}":                               "login ok ok deny deny deny deny deny",
	"GET /admin/design-centres/{id} (other)":                       "login ok ok deny deny deny deny deny",
	"POST /admin/design-centres/{id}":                              "login ok ok deny deny deny deny deny",
	"POST /admin/design-centres/{id} (other)":                      "login ok ok deny deny deny deny deny",
	"GET /admin/design-centres/{id}/delete":                        "login ok ok deny deny deny deny deny",
	"GET /admin/design-centres/{id}/delete (other)":                "login ok ok deny deny deny deny deny",
	"POST /admin/design-centres/{id}/delete":                       "login ok ok deny deny deny deny deny",
	"POST /admin/design-centres/{id}/delete (other)":               "login ok ok deny deny deny deny deny",
	"GET /admin/retail-chains":                                     "login ok ok deny deny deny deny deny",
	"POST /admin/retail-chains":                                    "login ok ok deny deny deny deny deny",
	"GET /admin/retail-chains/new":                                 "login ok ok deny deny deny deny deny",
	"GET /admin/retail-chains/{id}":                                "login ok ok deny deny deny deny deny",
	"GET /admin/retail-chains/{id} (other)":                        "login ok ok deny deny deny deny deny",
	"POST /admin/retail-chains/{id}":                               "login ok ok deny deny deny deny deny",
	"POST /admin/retail-chains/{id} (other)":                       "login ok ok deny deny deny deny deny",
	"GET /admin/retail-chains/{id}/delete":                         "login ok ok deny deny deny deny deny",
	"GET /admin/retail-chains/{id}/delete (other)":                 "login ok ok deny deny deny deny deny",
	"POST /admin/retail-chains/{id}/delete":                        "login ok ok deny deny deny deny deny",
	"POST /admin/retail-chains/{id}/delete (other)":                "login ok ok deny deny deny deny deny",
	"POST /admin/retail-chains/{id}/listings":                      "login ok ok deny deny deny deny deny",
	"POST /admin/retail-chains/{id}/listings (other)":              "login ok ok deny deny deny deny deny",
	"POST /admin/retail-chains/{id}/listings/{pid}/delete":         "login absent absent deny deny deny deny deny",
	"POST /admin/retail-chains/{id}/listings/{pid}/delete (other)": "login absent absent deny deny deny deny deny",
	"GET /admin/tourism-routes":                                    "login ok ok deny deny deny deny deny",
	"POST /admin/tourism-routes":                                   "login ok ok deny deny deny deny deny",
	"GET /admin/tourism-routes/new":                                "login ok ok deny deny deny deny deny",
	"GET /admin/tourism-routes/{id}":                               "login ok ok deny deny deny deny deny",
	"GET /admin/tourism-routes/{id} (other)":                       "login ok ok deny deny deny deny deny",
	"POST /admin/tourism-routes/{id}":                              "login ok ok deny deny deny deny deny",
	"POST /admin/tourism-routes/{id} (other)":                      "login ok ok deny deny deny deny deny",
	"GET /admin/tourism-routes/{id}/delete":                        "login ok ok deny deny deny deny deny",
	"GET /admin/tourism-routes/{id}/delete (other)":                "login ok ok deny deny deny deny deny",
	"POST /admin/tourism-routes/{id}/delete":                       "login ok ok deny deny deny deny deny",
	"POST /admin/tourism-routes/{id}/delete (other)":               "login ok ok deny deny deny deny deny",
	"POST /admin/tourism-routes/{id}/publish":                      "login ok ok deny deny deny deny deny",
	"POST /admin/tourism-routes/{id}/publish (other)":              "login ok ok deny deny deny deny deny",
	"PUT /api/v1/design-centres/{id}":                              "login ok ok deny deny deny deny deny",
	"PUT /api/v1/design-centres/{id} (other)":                      "login ok ok deny deny deny deny deny",
	"DELETE /api/v1/design-centres/{id}":                           "login ok ok deny deny deny deny deny",
	"DELETE /api/v1/design-centres/{id} (other)":                   "login ok ok deny deny deny deny deny",
	"PUT /api/v1/retail-chains/{id}":                               "login ok ok deny deny deny deny deny",
	"PUT /api/v1/retail-chains/{id} (other)":                       "login ok ok deny deny deny deny deny",
	"DELETE /api/v1/retail-chains/{id}":                            "login ok ok deny deny deny deny deny",
	"DELETE /api/v1/retail-chains/{id} (other)":                    "login ok ok deny deny deny deny deny",
	"DELETE /api/v1/retail-chains/{id}/listings/{pid}":             "login absent absent deny deny absent deny deny",
	"DELETE /api/v1/retail-chains/{id}/listings/{pid} (other)":     "login absent absent deny deny absent deny deny",
	"PUT /api/v1/tourism-routes/{id}":                              "login ok ok deny deny deny deny deny",
	"PUT /api/v1/tourism-routes/{id} (other)":                      "login ok ok deny deny deny deny deny",
	"DELETE /api/v1/tourism-routes/{id}":                           "login ok ok deny deny deny deny deny",
	"DELETE /api/v1/tourism-routes/{id} (other)":                   "login ok ok deny deny deny deny deny",
}
