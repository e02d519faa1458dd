package account_test

import (
	"context"
	"testing"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/dbtest"
)

var fast = account.PasswordParams{MemoryKiB: 64, Time: 1, Threads: 1}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newService(t *testing.T, d *db.DB) (*account.Service, *clock) {
	c := &clock{t: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)}
	return account.NewService(d, dbtest.Reference(t).Units, account.Options{Password: fast, Now: c.now, SessionTTL: 12 * time.Hour, SessionIdle: 2 * time.Hour}), c
}

func TestPasswordHash(t *testing.T) {
	h, err := account.HashPassword("correct horse battery", fast)
	if err != nil {
		t.Fatal(err)
	}
	if !account.CheckPassword(h, "correct horse battery") {
		t.Error("right password rejected")
	}
	if account.CheckPassword(h, "correct horse batterY") {
		t.Error("wrong password accepted")
	}
	for _, bad := range []string{"", "plain", "$argon2id$v=19$m=0,t=1,p=1$AAAA$AAAA", "$bcrypt$x$y$z$w"} {
		if account.CheckPassword(bad, "x") {
			t.Errorf("malformed hash %q accepted", bad)
		}
	}
	h2, _ := account.HashPassword("correct horse battery", fast)
	if h == h2 {
		t.Error("two hashes of one password are equal: salt missing")
	}
}

func TestCreateUserValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d)
		ctx := context.Background()
		for _, tt := range []struct {
			name  string
			in    account.NewUser
			field string
		}{
			{"short password", account.NewUser{Username: "ann", Role: account.RoleOffice, Password: "short"}, "password"},
			{"bad username", account.NewUser{Username: "A B", Role: account.RoleOffice, Password: "long enough pw"}, "username"},
			{"unknown role", account.NewUser{Username: "ann", Role: "king", Password: "long enough pw"}, "role"},
			{"officer without commune", account.NewUser{Username: "ann", Role: account.RoleCommune, Password: "long enough pw"}, "communes"},
			{"unknown commune", account.NewUser{Username: "ann", Role: account.RoleCommune, Password: "long enough pw", Communes: []string{"99999"}}, "communes"},
			{"commune for office", account.NewUser{Username: "ann", Role: account.RoleOffice, Password: "long enough pw", Communes: []string{"00004"}}, "communes"},
			{"bad email", account.NewUser{Username: "ann", Role: account.RoleOffice, Password: "long enough pw", Email: "not-an-email"}, "email"},
		} {
			_, err := s.CreateUser(ctx, nil, tt.in)
			e := apperr.As(err)
			if e == nil || e.Code != apperr.Invalid {
				t.Errorf("%s: got %v, want invalid", tt.name, err)
				continue
			}
			found := false
			for _, f := range e.Fields {
				found = found || f.Field == tt.field
			}
			if !found {
				t.Errorf("%s: no error on field %s in %v", tt.name, tt.field, e.Fields)
			}
		}
		if _, err := s.CreateUser(ctx, nil, account.NewUser{Username: "Ann", Role: account.RoleOffice, Password: "long enough pw"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateUser(ctx, nil, account.NewUser{Username: "ann", Role: account.RoleOffice, Password: "long enough pw"}); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("duplicate username: got %v", err)
		}
		var n int
		if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM users").Scan(&n); err != nil || n != 1 {
			t.Errorf("users = %d, want 1", n)
		}
		if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = 'user.create'").Scan(&n); err != nil || n != 1 {
			t.Errorf("audit rows = %d, want 1", n)
		}
	})
}

func TestSessions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, c := newService(t, d)
		ctx := context.Background()
		u, err := s.CreateUser(ctx, nil, account.NewUser{Username: "officer", Role: account.RoleCommune, Password: "long enough pw", Communes: []string{"00004", "00008"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Login(ctx, "officer", "wrong password", "1.2.3.4", "test"); apperr.CodeOf(err) != apperr.Unauthenticated {
			t.Errorf("wrong password: %v", err)
		}
		if _, _, err := s.Login(ctx, "nobody", "long enough pw", "1.2.3.4", "test"); apperr.CodeOf(err) != apperr.Unauthenticated {
			t.Errorf("unknown user: %v", err)
		}
		sess, p, err := s.Login(ctx, " OFFICER ", "long enough pw", "1.2.3.4", "test")
		if err != nil {
			t.Fatal(err)
		}
		if p.UserID != u.ID || !p.InCommune("00008") || p.InCommune("00025") {
			t.Errorf("principal = %+v", p)
		}
		got, err := s.Authenticate(ctx, sess.Token, "1.2.3.4")
		if err != nil || got == nil || got.UserID != u.ID || got.SessionCSRF != sess.CSRF {
			t.Fatalf("Authenticate = %+v, %v", got, err)
		}
		if got, _ := s.Authenticate(ctx, sess.Token+"x", ""); got != nil {
			t.Error("tampered token accepted")
		}
		// Idle too long: the session ends.
		c.t = c.t.Add(3 * time.Hour)
		if got, _ := s.Authenticate(ctx, sess.Token, ""); got != nil {
			t.Error("idle session still valid")
		}
		// Disabling a user ends their sessions.
		sess, _, _ = s.Login(ctx, "officer", "long enough pw", "", "")
		admin := &account.Principal{UserID: 0, Username: "root", Role: account.RoleAdmin}
		if _, err := s.UpdateUser(ctx, admin, u.ID, account.UserUpdate{DisplayName: "x", Role: account.RoleCommune, Status: "disabled", Communes: []string{"00004"}, Version: 1}); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Authenticate(ctx, sess.Token, ""); got != nil {
			t.Error("session of a disabled user still valid")
		}
		if _, _, err := s.Login(ctx, "officer", "long enough pw", "", ""); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("disabled login: %v", err)
		}
		// Stale update is a conflict.
		if _, err := s.UpdateUser(ctx, admin, u.ID, account.UserUpdate{DisplayName: "y", Role: account.RoleCommune, Status: "active", Communes: []string{"00004"}, Version: 1}); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("stale update: %v", err)
		}
	})
}

func TestTokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d)
		ctx := context.Background()
		u, err := s.CreateUser(ctx, nil, account.NewUser{Username: "office", Role: account.RoleOffice, Password: "long enough pw"})
		if err != nil {
			t.Fatal(err)
		}
		p := &account.Principal{UserID: u.ID, Username: u.Username, Role: u.Role}
		secret, tok, err := s.CreateToken(ctx, p, "import script")
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.AuthenticateToken(ctx, secret, "")
		if err != nil || got == nil || got.UserID != u.ID || !got.ViaToken {
			t.Fatalf("AuthenticateToken = %+v, %v", got, err)
		}
		if err := s.RevokeToken(ctx, p, tok.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.AuthenticateToken(ctx, secret, ""); got != nil {
			t.Error("revoked token accepted")
		}
		other := &account.Principal{UserID: u.ID + 99, Username: "x", Role: account.RoleOffice}
		if err := s.RevokeToken(ctx, other, tok.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("revoke someone else's token: %v", err)
		}
	})
}

func TestLockout(t *testing.T) {
	d := dbtest.New(t, db.SQLite)
	s, _ := newService(t, d)
	ctx := context.Background()
	if _, err := s.CreateUser(ctx, nil, account.NewUser{Username: "victim", Role: account.RoleOffice, Password: "long enough pw"}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < account.MaxFailedLogins; i++ {
		s.Login(ctx, "victim", "guess", "", "")
	}
	if _, _, err := s.Login(ctx, "victim", "long enough pw", "", ""); apperr.CodeOf(err) != apperr.Forbidden {
		t.Errorf("locked account: got %v, want forbidden", err)
	}
}
