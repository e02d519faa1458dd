package web_test

import (
	"testing"

	"ocop/internal/apptest"
)

func init() {
	authzHooks = append(authzHooks, statsAuthzObjects)
	for k, v := range statsAuthz {
		authzTable[k] = v
	}
}

// statsAuthzObjects fills the stats wildcard: a dashboard table download.
func statsAuthzObjects(t *testing.T, e *apptest.Env, f *authzFixture) {
	f.own["tables/{file}"] = "communes.csv"
	f.other["tables/{file}"] = "levels.xlsx"
}

// statsAuthz: the dashboard, its drill-down lists, table downloads and
// reports are for the programme office and commune officers (scoped to
// their communes by the service); targets are set by the office only; the
// headline figures are public. The report without a format is a
// validation answer (422, "ok" here).
var statsAuthz = map[string]string{
	"GET /admin/stats":               "login ok ok ok deny deny deny deny",
	"GET /admin/stats/products":      "login ok ok ok deny deny deny deny",
	"GET /admin/stats/report":        "login ok ok ok deny deny deny deny",
	"GET /admin/stats/tables/{file}": "login ok ok ok deny deny deny deny",
	"GET /admin/stats/targets":       "login ok ok deny deny deny deny deny",
	"POST /admin/stats/targets":      "login ok ok deny deny deny deny deny",
	"GET /api/v1/stats/summary":      "ok ok ok ok ok ok ok ok",
	"GET /stats":                     "ok ok ok ok ok ok ok ok",
	"GET /stats/open-data.csv":       "ok ok ok ok ok ok ok ok",
}
