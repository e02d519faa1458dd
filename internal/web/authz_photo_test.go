package web_test

func init() {
	for k, v := range photoAuthz {
		authzTable[k] = v
	}
}

// photoAuthz: a sale point's photos are kept by the office and the point's
// own operator (the table's salepoint account operates point A, see
// marketAuthzObjects). The table's requests carry no file, so allowed
// uploads get a validation answer (ok) and deletions of the all-zero hash
// 404; everyone else is refused before any lookup.
var photoAuthz = map[string]string{
	"POST /admin/sale-points/{id}/photos":                       "login ok ok deny deny deny deny ok",
	"POST /admin/sale-points/{id}/photos (other)":               "login ok ok deny deny deny deny deny",
	"POST /admin/sale-points/{id}/photos/{hash}":                "login absent absent deny deny deny deny absent",
	"POST /admin/sale-points/{id}/photos/{hash} (other)":        "login absent absent deny deny deny deny deny",
	"PUT /api/v1/sale-points/{id}/photos/{hash}":                "login absent absent deny deny deny deny absent",
	"PUT /api/v1/sale-points/{id}/photos/{hash} (other)":        "login absent absent deny deny deny deny deny",
	"POST /admin/sale-points/{id}/photos/{hash}/delete":         "login absent absent deny deny deny deny absent",
	"POST /admin/sale-points/{id}/photos/{hash}/delete (other)": "login absent absent deny deny deny deny deny",
	"POST /api/v1/sale-points/{id}/photos":                      "login ok ok deny deny deny deny ok",
	"POST /api/v1/sale-points/{id}/photos (other)":              "login ok ok deny deny deny deny deny",
	"DELETE /api/v1/sale-points/{id}/photos/{hash}":             "login absent absent deny deny deny deny absent",
	"DELETE /api/v1/sale-points/{id}/photos/{hash} (other)":     "login absent absent deny deny deny deny deny",
}
