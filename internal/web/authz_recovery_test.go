package web_test

func init() {
	for k, v := range recoveryAuthz {
		authzTable[k] = v
	}
}

// recoveryAuthz: password recovery is open to everyone (a signed-in user
// may also ask for a link). There is no object in the path: the only
// object is the reset token, whose owner-level checks (another account's
// link, a used or expired one) are in TestPasswordRecovery. Without a
// token the form answers 410/422, "ok" here.
var recoveryAuthz = map[string]string{
	"GET /password/forgot":  "ok ok ok ok ok ok ok ok",
	"POST /password/forgot": "ok ok ok ok ok ok ok ok",
	"GET /password/reset":   "ok ok ok ok ok ok ok ok",
	"POST /password/reset":  "ok ok ok ok ok ok ok ok",
}
