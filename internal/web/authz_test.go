package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"

	"ocop/internal/account"
	"ocop/internal/apptest"
	"ocop/internal/db"
	"ocop/internal/registry"
)

// Outcomes of a request, as the authorization table sees them.
const (
	ok     = "ok"     // served: 2xx, a redirect that is not to /login, or a validation answer (409/422)
	login  = "login"  // asked to sign in: 303 to /login or 401
	deny   = "deny"   // 403
	absent = "absent" // 404
)

var roles = []string{"anon", "admin", "office", "commune", "council", "producer", "buyer", "salepoint"}

// authzFixture is the world the table runs in: the commune officer covers
// 00577 (Bát Tràng); the producer account acts for producer A there.
// "own" requests address A-side objects, "other" requests B-side ones.
type authzFixture struct {
	e          *apptest.Env
	own, other map[string]string // placeholder → value
	clients    map[string]*apptest.Client
	tokens     map[string]string
	producerA  int64
	users      map[string]string // role → user name
}

// authzHooks add a feature's objects to the fixture (own and other values
// for its path wildcards); feature test files register them in init, and
// add their rows to authzTable the same way.
var authzHooks []func(t *testing.T, e *apptest.Env, f *authzFixture)

func newAuthzFixture(t *testing.T, e *apptest.Env) *authzFixture {
	f := &authzFixture{e: e, clients: map[string]*apptest.Client{}, tokens: map[string]string{}}
	a := e.Producer("HTX Gốm A", "00577")
	f.producerA = a.ID
	b := e.Producer("HTX Lụa B", "00008")
	pa := e.Product(a.ID, "Bình gốm A", "IV.1")
	pb := e.Product(b.ID, "Khăn lụa B", "IV.2")
	va, err := e.App.Registry.CreateCraftVillage(e.Ctx(), e.Admin(), registry.CraftVillageInput{Name: "Làng gốm A", CommuneCode: "00577"})
	if err != nil {
		t.Fatal(err)
	}
	vb, err := e.App.Registry.CreateCraftVillage(e.Ctx(), e.Admin(), registry.CraftVillageInput{Name: "Làng lụa B", CommuneCode: "00008"})
	if err != nil {
		t.Fatal(err)
	}
	link := func(producerID int64) int64 {
		name := e.User(account.RoleProducer)
		u, _ := e.App.Accounts.UserByName(e.Ctx(), name)
		id, err := db.Insert(e.Ctx(), e.App.DB, `INSERT INTO producer_links (user_id, producer_id, status, note, created_at)
			VALUES (?, ?, 'pending', '', ?)`, u.ID, producerID, e.Clock.Now().UTC())
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	la, lb := link(a.ID), link(b.ID)
	buyer, err := e.App.Accounts.UserByName(e.Ctx(), e.User(account.RoleBuyer))
	if err != nil {
		t.Fatal(err)
	}
	target, err := e.App.Accounts.UserByName(e.Ctx(), e.User(account.RoleOffice))
	if err != nil {
		t.Fatal(err)
	}
	setID := func(no int) string {
		var id int64
		if err := e.App.DB.QueryRowContext(e.Ctx(), "SELECT MIN(id) FROM criteria_sets WHERE set_no = ?", no).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return itoa(id)
	}
	common := map[string]string{"{$}": "", "{path...}": "app.css", "{hash}": strings.Repeat("0", 64)}
	f.own = map[string]string{"producers/{id}": itoa(a.ID), "products/{id}": itoa(pa.ID), "villages/{id}": itoa(va.ID),
		"craft-villages/{id}": itoa(va.ID), "links/{id}": itoa(la), "buyers/{id}": itoa(buyer.ID), "users/{id}": itoa(target.ID),
		"tokens/{id}": "999999", "export/{file}": "producers.xlsx", "template/{file}": "producers.csv",
		"scorecards/{id}": setID(7)}
	f.other = map[string]string{"producers/{id}": itoa(b.ID), "products/{id}": itoa(pb.ID), "villages/{id}": itoa(vb.ID),
		"craft-villages/{id}": itoa(vb.ID), "links/{id}": itoa(lb), "buyers/{id}": itoa(buyer.ID), "users/{id}": itoa(target.ID),
		"tokens/{id}": "999999", "export/{file}": "products.csv", "template/{file}": "products.xlsx",
		"scorecards/{id}": setID(4)}
	for k, v := range common {
		f.own[k], f.other[k] = v, v
	}
	dossierAuthzObjects(t, e, f, pa.ID, pb.ID)
	certAuthzObjects(t, e, f.own, f.other, pa, pb)
	users := map[string]string{
		"admin": e.User(account.RoleAdmin), "office": e.User(account.RoleOffice), "commune": e.User(account.RoleCommune, "00577"),
		"council": e.User(account.RoleCouncil), "producer": e.ProducerUser(a.ID), "buyer": e.User(account.RoleBuyer),
		"salepoint": e.User(account.RoleSalePoint),
	}
	f.councils(t, users["council"])
	noticeAuthzObjects(t, e, f, users["producer"])
	f.users = users
	for _, hook := range authzHooks {
		hook(t, e, f)
	}
	f.clients["anon"] = e.Anon()
	for role, name := range users {
		f.clients[role] = e.Session(name)
		f.tokens[role] = e.Token(name)
	}
	return f
}

// path fills a route pattern's wildcards for the own or other object.
func (f *authzFixture) path(pattern string, other bool) string {
	vals := f.own
	if other {
		vals = f.other
	}
	p := pattern
	for k, v := range vals {
		if strings.Contains(k, "/") {
			p = strings.Replace(p, k, strings.Replace(k, "{id}", v, 1), 1)
			p = strings.Replace(p, k, strings.Replace(strings.Replace(k, "{file}", v, 1), "{id}", v, 1), 1)
		} else {
			p = strings.Replace(p, k, v, 1)
		}
	}
	for k, v := range vals {
		if strings.Contains(k, "{file}") {
			p = strings.Replace(p, "{file}", v, 1)
		}
	}
	return p
}

func classify(r *apptest.Response) string {
	switch {
	case r.Status == http.StatusUnauthorized, r.Status == http.StatusSeeOther && strings.HasPrefix(r.Location(), "/login"):
		return login
	case r.Status == http.StatusForbidden:
		return deny
	case r.Status == http.StatusNotFound:
		return absent
	case r.Status < 500:
		return ok
	}
	return fmt.Sprintf("status %d", r.Status)
}

// apiBody is a valid request body for an API write, so that the answer
// depends on who asks and not on validation.
func (f *authzFixture) apiBody(pattern string, other bool) string {
	commune := "00577"
	if other {
		commune = "00008"
	}
	switch pattern {
	case "/api/v1/products":
		return fmt.Sprintf(`{"producer_id": %d, "name": "Sản phẩm mới", "category_code": "IV.1"}`, f.producerA)
	case "/api/v1/products/{id}":
		return `{"name": "Tên mới", "category_code": "IV.1", "version": 1}`
	case "/api/v1/producers":
		return `{"kind": "farm", "name": "Trang trại mới", "commune_code": "00577"}`
	case "/api/v1/producers/{id}":
		return `{"kind": "cooperative", "name": "Tên mới", "commune_code": "` + commune + `", "version": 1}`
	case "/api/v1/craft-villages":
		return `{"name": "Làng mới", "commune_code": "00577"}`
	case "/api/v1/craft-villages/{id}":
		return `{"name": "Làng tên mới", "commune_code": "` + commune + `", "version": 1}`
	}
	return "{}"
}

// do sends the route's request as role.
func (f *authzFixture) do(role, method, path, body string) *apptest.Response {
	c := f.clients[role]
	if path == "/logout" {
		// Signing out would end the role's session for the rest of the table.
		c = f.e.Anon()
	}
	if strings.HasPrefix(path, "/api/") {
		token := ""
		if role != "anon" {
			token = f.tokens[role]
		}
		if method == http.MethodGet {
			return f.e.API(method, path, token, nil)
		}
		return f.e.API(method, path, token, body)
	}
	if method == http.MethodGet {
		return c.Get(path)
	}
	return c.PostForm(path, url.Values{})
}

// TestAuthorizationTable checks every role against every route of the
// platform, on an object of the role's own scope and on one outside it.
// A route missing from the table fails the test, so new routes must state
// who may use them.
func TestAuthorizationTable(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := newAuthzFixture(t, e)
		got := map[string]string{}
		var keys []string
		for _, pattern := range e.App.Web.Routes() {
			method, p, found := strings.Cut(pattern, " ")
			if !found { // catch-all patterns: probe them with an unknown path
				method, p = http.MethodGet, strings.TrimSuffix(pattern, "/")+"/no-such-page"
			}
			variants := []bool{false}
			if strings.Contains(p, "{id}") {
				variants = []bool{false, true}
			}
			for _, other := range variants {
				key := method + " " + p
				if other {
					key += " (other)"
				}
				keys = append(keys, key)
				var row []string
				for _, role := range roles {
					r := f.do(role, method, f.path(p, other), f.apiBody(p, other))
					out := classify(r)
					if strings.HasPrefix(out, "status") {
						t.Errorf("%s as %s: %s\n%s", key, role, out, r.Body)
					}
					row = append(row, out)
				}
				got[key] = strings.Join(row, " ")
			}
		}
		if os.Getenv("OCOP_AUTHZ_PRINT") != "" {
			sort.Strings(keys)
			for _, k := range keys {
				fmt.Printf("\t%q: %q,\n", k, got[k])
			}
			return
		}
		for _, k := range keys {
			want, listed := authzTable[k]
			if !listed {
				t.Errorf("route %q is not in the authorization table (got %s)", k, got[k])
				continue
			}
			if got[k] != want {
				t.Errorf("%s\n   roles: %s\n     got: %s\n    want: %s", k, strings.Join(roles, " "), got[k], want)
			}
		}
		for k := range authzTable {
			if _, ok := got[k]; !ok {
				t.Errorf("table lists %q, which the server does not serve", k)
			}
		}
	})
}

// authzTable: route → outcome per role, in the order of roles:
// anon admin office commune council producer buyer salepoint.
var authzTable = map[string]string{
	// Evaluation: notices. Every signed-in user has their own notifications;
	// another user's notification is absent, whoever asks.
	"GET /admin/notices":                    "login ok ok ok ok ok ok ok",
	"POST /admin/notices/read-all":          "login ok ok ok ok ok ok ok",
	"POST /admin/notices/{id}/read":         "login absent absent absent absent ok absent absent",
	"POST /admin/notices/{id}/read (other)": "login absent absent absent absent absent absent absent",
	// Evaluation: decisions and certificates. The proposal of the fixture's
	// dossier is absent: it was never proposed for 5★.
	"GET /admin/certificates":                           "login ok ok ok deny ok deny deny",
	"GET /admin/certificates/{id}":                      "login ok ok ok deny ok deny deny",
	"GET /admin/certificates/{id} (other)":              "login ok ok deny deny deny deny deny",
	"GET /admin/decisions":                              "login ok ok deny deny deny deny deny",
	"GET /admin/decisions/{id}":                         "login ok ok deny deny deny deny deny",
	"GET /admin/decisions/{id} (other)":                 "login ok ok deny deny deny deny deny",
	"GET /admin/dossiers/{id}/advice":                   "login ok ok ok deny ok deny deny",
	"GET /admin/dossiers/{id}/advice (other)":           "login ok ok deny deny deny deny deny",
	"GET /admin/dossiers/{id}/proposal":                 "login absent absent deny deny deny deny deny",
	"GET /admin/dossiers/{id}/proposal (other)":         "login absent absent deny deny deny deny deny",
	"GET /certificates/{ref}":                           "ok ok ok ok ok ok ok ok",
	"POST /admin/certificates/{id}/inspections":         "login ok ok deny deny deny deny deny",
	"POST /admin/certificates/{id}/inspections (other)": "login ok ok deny deny deny deny deny",
	"POST /admin/certificates/{id}/revoke":              "login ok ok deny deny deny deny deny",
	"POST /admin/certificates/{id}/revoke (other)":      "login ok ok deny deny deny deny deny",
	"POST /admin/decisions":                             "login ok ok deny deny deny deny deny",

	"GET /admin/categories":                                   "login ok ok ok ok ok ok ok",
	"GET /admin/scorecards":                                   "login ok ok ok ok ok ok ok",
	"GET /admin/scorecards/import":                            "login ok ok deny deny deny deny deny",
	"POST /admin/scorecards/import":                           "login ok ok deny deny deny deny deny",
	"GET /admin/scorecards/{id}":                              "login ok ok ok ok ok ok ok",
	"GET /admin/scorecards/{id} (other)":                      "login ok ok ok ok ok ok ok",
	"GET /admin/scorecards/{id}/export.csv":                   "login ok ok ok ok ok ok ok",
	"GET /admin/scorecards/{id}/export.csv (other)":           "login ok ok ok ok ok ok ok",
	"POST /admin/scorecards/{id}/activate":                    "login ok ok deny deny deny deny deny",
	"POST /admin/scorecards/{id}/activate (other)":            "login ok ok deny deny deny deny deny",
	"POST /admin/scorecards/{id}/corrections":                 "login ok ok deny deny deny deny deny",
	"POST /admin/scorecards/{id}/corrections (other)":         "login ok ok deny deny deny deny deny",
	"GET /admin/councils":                                     "login ok ok deny ok deny deny deny",
	"GET /admin/councils/{id}":                                "login ok ok deny ok deny deny deny",
	"GET /admin/councils/{id} (other)":                        "login ok ok deny deny deny deny deny",
	"GET /admin/councils/{id}/dossiers/{did}/score":           "login deny deny deny ok deny deny deny",
	"GET /admin/councils/{id}/dossiers/{did}/score (other)":   "login deny deny deny deny deny deny deny",
	"GET /admin/dossiers/{id}/result":                         "login absent absent deny deny deny deny deny",
	"GET /admin/dossiers/{id}/result (other)":                 "login absent absent deny deny deny deny deny",
	"POST /admin/councils":                                    "login ok ok deny deny deny deny deny",
	"POST /admin/councils/{id}/assign":                        "login ok ok deny deny deny deny deny",
	"POST /admin/councils/{id}/assign (other)":                "login ok ok deny deny deny deny deny",
	"POST /admin/councils/{id}/close":                         "login deny deny deny ok deny deny deny",
	"POST /admin/councils/{id}/close (other)":                 "login deny deny deny deny deny deny deny",
	"POST /admin/councils/{id}/dossiers/{did}/score":          "login deny deny deny ok deny deny deny",
	"POST /admin/councils/{id}/dossiers/{did}/score (other)":  "login deny deny deny deny deny deny deny",
	"POST /admin/councils/{id}/dossiers/{did}/submit":         "login deny deny deny ok deny deny deny",
	"POST /admin/councils/{id}/dossiers/{did}/submit (other)": "login deny deny deny deny deny deny deny",
	"POST /admin/councils/{id}/members":                       "login ok ok deny deny deny deny deny",
	"POST /admin/councils/{id}/members (other)":               "login ok ok deny deny deny deny deny",
	"POST /admin/dossiers/{id}/notes":                         "login ok ok deny deny deny deny deny",
	"POST /admin/dossiers/{id}/notes (other)":                 "login ok ok deny deny deny deny deny",
	"GET /account":                                           "login ok ok ok ok ok ok ok",
	"GET /admin":                                             "login ok ok ok ok ok ok ok",
	"GET /admin/audit":                                       "login ok ok ok deny deny deny deny",
	"GET /admin/audit/export.csv":                            "login ok ok ok deny deny deny deny",
	"GET /admin/buyers":                                      "login ok ok deny deny deny deny deny",
	"GET /admin/export/{file}":                               "login ok ok ok deny deny deny deny",
	"GET /admin/import":                                      "login ok ok ok deny deny deny deny",
	"GET /admin/import/template/{file}":                      "login ok ok ok deny deny deny deny",
	"GET /admin/links":                                       "login ok ok ok deny ok deny deny",
	"GET /admin/producers":                                   "login ok ok ok ok ok deny deny",
	"GET /admin/producers/new":                               "login ok ok ok deny deny deny deny",
	"GET /admin/producers/{id}":                              "login ok ok ok ok ok deny deny",
	"GET /admin/producers/{id} (other)":                      "login ok ok deny ok deny deny deny",
	"GET /admin/producers/{id}/edit":                         "login ok ok ok deny ok deny deny",
	"GET /admin/producers/{id}/edit (other)":                 "login ok ok deny deny deny deny deny",
	"GET /admin/products":                                    "login ok ok ok ok ok deny deny",
	"GET /admin/products/new":                                "login ok ok ok deny ok deny deny",
	"GET /admin/products/{id}":                               "login ok ok ok ok ok deny deny",
	"GET /admin/products/{id} (other)":                       "login ok ok deny ok deny deny deny",
	"GET /admin/products/{id}/edit":                          "login ok ok ok deny ok deny deny",
	"GET /admin/products/{id}/edit (other)":                  "login ok ok deny deny deny deny deny",
	"GET /admin/units":                                       "login ok ok ok ok ok ok ok",
	"GET /admin/users":                                       "login ok deny deny deny deny deny deny",
	"GET /admin/users/new":                                   "login ok deny deny deny deny deny deny",
	"GET /admin/users/{id}/edit":                             "login ok deny deny deny deny deny deny",
	"GET /admin/users/{id}/edit (other)":                     "login ok deny deny deny deny deny deny",
	"GET /admin/villages":                                    "login ok ok ok ok ok ok ok",
	"GET /admin/villages/new":                                "login ok ok ok deny deny deny deny",
	"GET /admin/villages/{id}":                               "login ok ok ok ok ok ok ok",
	"GET /admin/villages/{id} (other)":                       "login ok ok ok ok ok ok ok",
	"GET /admin/villages/{id}/edit":                          "login ok ok ok deny deny deny deny",
	"GET /admin/villages/{id}/edit (other)":                  "login ok ok deny deny deny deny deny",
	"GET /api/no-such-page":                                  "absent absent absent absent absent absent absent absent",
	"GET /api/v1/admin-units/lookup":                         "ok ok ok ok ok ok ok ok",
	"GET /api/v1/admin-units/provinces":                      "ok ok ok ok ok ok ok ok",
	"GET /api/v1/admin-units/wards":                          "ok ok ok ok ok ok ok ok",
	"GET /api/v1/categories":                                 "ok ok ok ok ok ok ok ok",
	"GET /api/v1/craft-villages":                             "ok ok ok ok ok ok ok ok",
	"GET /api/v1/craft-villages/{id}":                        "ok ok ok ok ok ok ok ok",
	"GET /api/v1/craft-villages/{id} (other)":                "ok ok ok ok ok ok ok ok",
	"GET /api/v1/me":                                         "login ok ok ok ok ok ok ok",
	"GET /api/v1/openapi.json":                               "ok ok ok ok ok ok ok ok",
	"GET /api/v1/producers":                                  "ok ok ok ok ok ok ok ok",
	"GET /api/v1/producers/{id}":                             "ok ok ok ok ok ok ok ok",
	"GET /api/v1/producers/{id} (other)":                     "ok ok ok ok ok ok ok ok",
	"GET /api/v1/products":                                   "ok ok ok ok ok ok ok ok",
	"GET /api/v1/products/{id}":                              "ok ok ok ok ok ok ok ok",
	"GET /api/v1/products/{id} (other)":                      "ok ok ok ok ok ok ok ok",
	"GET /healthz":                                           "ok ok ok ok ok ok ok ok",
	"GET /login":                                             "ok ok ok ok ok ok ok ok",
	"GET /media/{hash}":                                      "absent absent absent absent absent absent absent absent",
	"GET /metrics":                                           "ok ok ok ok ok ok ok ok",
	"GET /no-such-page":                                      "absent absent absent absent absent absent absent absent",
	"GET /readyz":                                            "ok ok ok ok ok ok ok ok",
	"GET /search":                                            "ok ok ok ok ok ok ok ok",
	"GET /signup/buyer":                                      "ok ok ok ok ok ok ok ok",
	"GET /signup/producer":                                   "ok ok ok ok ok ok ok ok",
	"GET /static/{path...}":                                  "ok ok ok ok ok ok ok ok",
	"GET /{$}":                                               "ok ok ok ok ok ok ok ok",
	"POST /account/password":                                 "login ok ok ok ok ok ok ok",
	"POST /account/tokens":                                   "login ok ok ok ok ok ok ok",
	"POST /account/tokens/{id}/revoke":                       "login absent absent absent absent absent absent absent",
	"POST /account/tokens/{id}/revoke (other)":               "login absent absent absent absent absent absent absent",
	"POST /admin/buyers/{id}/unverify":                       "login ok ok deny deny deny deny deny",
	"POST /admin/buyers/{id}/unverify (other)":               "login ok ok deny deny deny deny deny",
	"POST /admin/buyers/{id}/verify":                         "login ok ok deny deny deny deny deny",
	"POST /admin/buyers/{id}/verify (other)":                 "login ok ok deny deny deny deny deny",
	"POST /admin/import":                                     "login ok ok ok deny deny deny deny",
	"POST /admin/links":                                      "login deny deny deny deny ok deny deny",
	"POST /admin/links/{id}/reject":                          "login ok ok ok deny deny deny deny",
	"POST /admin/links/{id}/reject (other)":                  "login ok ok deny deny deny deny deny",
	"POST /admin/links/{id}/verify":                          "login ok ok ok deny deny deny deny",
	"POST /admin/links/{id}/verify (other)":                  "login ok ok deny deny deny deny deny",
	"POST /admin/producers":                                  "login ok ok ok deny deny deny deny",
	"POST /admin/producers/{id}":                             "login ok ok ok deny ok deny deny",
	"POST /admin/producers/{id} (other)":                     "login ok ok deny deny deny deny deny",
	"POST /admin/products":                                   "login ok ok ok deny ok deny deny",
	"POST /admin/products/{id}":                              "login ok ok ok deny ok deny deny",
	"POST /admin/products/{id} (other)":                      "login ok ok deny deny deny deny deny",
	"POST /admin/products/{id}/images":                       "login ok ok ok deny ok deny deny",
	"POST /admin/products/{id}/images (other)":               "login ok ok deny deny deny deny deny",
	"POST /admin/products/{id}/images/{hash}/delete":         "login absent absent absent deny absent deny deny",
	"POST /admin/products/{id}/images/{hash}/delete (other)": "login absent absent deny deny deny deny deny",
	"POST /admin/users":                                      "login ok deny deny deny deny deny deny",
	"POST /admin/users/{id}":                                 "login ok deny deny deny deny deny deny",
	"POST /admin/users/{id} (other)":                         "login ok deny deny deny deny deny deny",
	"POST /admin/users/{id}/password":                        "login ok deny deny deny deny deny deny",
	"POST /admin/users/{id}/password (other)":                "login ok deny deny deny deny deny deny",
	"POST /admin/users/{id}/sessions/revoke":                 "login ok deny deny deny deny deny deny",
	"POST /admin/users/{id}/sessions/revoke (other)":         "login ok deny deny deny deny deny deny",
	"POST /account/sessions/revoke-others":                   "login ok ok ok ok ok ok ok",
	"POST /admin/villages":                                   "login ok ok ok deny deny deny deny",
	"POST /admin/villages/{id}":                              "login ok ok ok deny deny deny deny",
	"POST /admin/villages/{id} (other)":                      "login ok ok deny deny deny deny deny",
	"POST /api/v1/craft-villages":                            "login ok ok ok deny deny deny deny",
	"POST /api/v1/producers":                                 "login ok ok ok deny deny deny deny",
	"POST /api/v1/products":                                  "login ok ok ok deny ok deny deny",
	"POST /login":                                            "ok ok ok ok ok ok ok ok",
	"POST /logout":                                           "ok ok ok ok ok ok ok ok",
	"POST /signup/buyer":                                     "ok ok ok ok ok ok ok ok",
	"POST /signup/producer":                                  "ok ok ok ok ok ok ok ok",
	"PUT /api/v1/craft-villages/{id}":                        "login ok ok ok deny deny deny deny",
	"PUT /api/v1/craft-villages/{id} (other)":                "login ok ok deny deny deny deny deny",
	"PUT /api/v1/producers/{id}":                             "login ok ok ok deny ok deny deny",
	"PUT /api/v1/producers/{id} (other)":                     "login ok ok deny deny deny deny deny",
	"PUT /api/v1/products/{id}":                              "login ok ok ok deny ok deny deny",
	"PUT /api/v1/products/{id} (other)":                      "login ok ok deny deny deny deny deny",

	// Evaluation: rounds and dossiers.
	"GET /admin/dossiers":                                     "login ok ok ok deny ok deny deny",
	"GET /admin/dossiers/new":                                 "login ok ok ok deny ok deny deny",
	"GET /admin/dossiers/{id} (other)":                        "login ok ok deny deny deny deny deny",
	"GET /admin/dossiers/{id}":                                "login ok ok ok deny ok deny deny",
	"GET /admin/dossiers/{id}/evidence/{eid} (other)":         "login absent absent deny deny deny deny deny",
	"GET /admin/dossiers/{id}/evidence/{eid}":                 "login absent absent absent deny absent deny deny",
	"GET /admin/dossiers/{id}/form01 (other)":                 "login ok ok deny deny deny deny deny",
	"GET /admin/dossiers/{id}/form01":                         "login ok ok ok deny ok deny deny",
	"GET /admin/dossiers/{id}/form02 (other)":                 "login ok ok deny deny deny deny deny",
	"GET /admin/dossiers/{id}/form02":                         "login ok ok ok deny ok deny deny",
	"GET /admin/dossiers/{id}/pdf/{form} (other)":             "login ok ok deny deny deny deny deny",
	"GET /admin/dossiers/{id}/pdf/{form}":                     "login ok ok ok deny ok deny deny",
	"GET /admin/dossiers/{id}/print/{form} (other)":           "login ok ok deny deny deny deny deny",
	"GET /admin/dossiers/{id}/print/{form}":                   "login ok ok ok deny ok deny deny",
	"GET /admin/dossiers/{id}/self (other)":                   "login ok ok deny deny deny deny deny",
	"GET /admin/dossiers/{id}/self":                           "login ok ok ok deny ok deny deny",
	"GET /admin/rounds":                                       "login ok ok ok ok ok deny deny",
	"POST /admin/dossiers":                                    "login ok ok ok deny ok deny deny",
	"POST /admin/dossiers/{id}/accept (other)":                "login ok ok deny deny deny deny deny",
	"POST /admin/dossiers/{id}/accept":                        "login ok ok deny deny deny deny deny",
	"POST /admin/dossiers/{id}/evidence (other)":              "login ok ok deny deny deny deny deny",
	"POST /admin/dossiers/{id}/evidence":                      "login ok ok ok deny ok deny deny",
	"POST /admin/dossiers/{id}/evidence/{eid}/delete (other)": "login absent absent deny deny deny deny deny",
	"POST /admin/dossiers/{id}/evidence/{eid}/delete":         "login absent absent absent deny absent deny deny",
	"POST /admin/dossiers/{id}/form01 (other)":                "login ok ok deny deny deny deny deny",
	"POST /admin/dossiers/{id}/form01":                        "login ok ok ok deny ok deny deny",
	"POST /admin/dossiers/{id}/form02 (other)":                "login ok ok deny deny deny deny deny",
	"POST /admin/dossiers/{id}/form02":                        "login ok ok ok deny ok deny deny",
	"POST /admin/dossiers/{id}/propose (other)":               "login ok ok deny deny deny deny deny",
	"POST /admin/dossiers/{id}/propose":                       "login ok ok ok deny deny deny deny",
	"POST /admin/dossiers/{id}/reject (other)":                "login ok ok deny deny deny deny deny",
	"POST /admin/dossiers/{id}/reject":                        "login ok ok ok deny deny deny deny",
	"POST /admin/dossiers/{id}/report (other)":                "login ok ok deny deny deny deny deny",
	"POST /admin/dossiers/{id}/report":                        "login ok ok ok deny deny deny deny",
	"POST /admin/dossiers/{id}/return (other)":                "login ok ok deny deny deny deny deny",
	"POST /admin/dossiers/{id}/return":                        "login ok ok ok deny deny deny deny",
	"POST /admin/dossiers/{id}/round (other)":                 "login ok ok deny deny deny deny deny",
	"POST /admin/dossiers/{id}/round":                         "login ok ok deny deny deny deny deny",
	"POST /admin/dossiers/{id}/self (other)":                  "login ok ok deny deny deny deny deny",
	"POST /admin/dossiers/{id}/self":                          "login ok ok ok deny ok deny deny",
	"POST /admin/dossiers/{id}/submit (other)":                "login ok ok deny deny deny deny deny",
	"POST /admin/dossiers/{id}/submit":                        "login ok ok ok deny ok deny deny",
	"POST /admin/dossiers/{id}/withdraw (other)":              "login ok ok deny deny deny deny deny",
	"POST /admin/dossiers/{id}/withdraw":                      "login ok ok ok deny ok deny deny",
	"POST /admin/rounds":                                      "login ok ok deny deny deny deny deny",
	"POST /admin/rounds/{id}/close (other)":                   "login ok ok deny deny deny deny deny",
	"POST /admin/rounds/{id}/close":                           "login ok ok deny deny deny deny deny",
}
