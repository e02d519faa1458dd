package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"ocop/internal/account"
	"ocop/internal/app"
	"ocop/internal/config"
	"ocop/internal/db"
	"ocop/internal/evaluation"
	"ocop/internal/mail/mailtest"
	"ocop/internal/registry"
)

// `ocop jobs run` sends the notices that are due, through the SMTP server
// the configuration names, and says what it did; run again within the
// hour, it says the job is not due. Bad SMTP settings are refused with a
// message that says what to fix.
func TestJobsRunCommand(t *testing.T) {
	dbs := map[string]string{"sqlite": filepath.Join(t.TempDir(), "ocop.db")}
	if u := os.Getenv("OCOP_TEST_POSTGRES_URL"); u != "" {
		dbs["postgres"] = freshPostgres(t, u)
	}
	for name, dsn := range dbs {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			dataDir := t.TempDir()
			cfg := config.Defaults()
			cfg.DatabaseURL, cfg.DataDir = dsn, dataDir
			a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Options{Migrate: true})
			if err != nil {
				t.Fatal(err)
			}
			admin := &account.Principal{Username: "fixture", Role: account.RoleAdmin}
			p, err := a.Registry.CreateProducer(ctx, admin, registry.ProducerInput{Kind: registry.KindCooperative, Name: "HTX Ô mai", CommuneCode: "00004"})
			if err != nil {
				t.Fatal(err)
			}
			x, err := a.Registry.CreateProduct(ctx, admin, registry.ProductInput{ProducerID: p.ID, Name: "Ô mai mơ", CategoryCode: "I.3.c"})
			if err != nil {
				t.Fatal(err)
			}
			u, err := a.Accounts.CreateUser(ctx, nil, account.NewUser{Username: "omai", Email: "omai@example.vn", Role: account.RoleProducer, Password: "a strong password"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.DB.ExecContext(ctx, "INSERT INTO producer_links (user_id, producer_id, status, note, created_at) VALUES (?, ?, 'verified', '', ?)",
				u.ID, p.ID, db.Now()); err != nil {
				t.Fatal(err)
			}
			// Issued so that it expires in about 20 days from today: the
			// expiry notice is due now.
			issued := evaluation.VietnamDate(time.Now()).AddMonths(-evaluation.ValidityMonths).AddDays(20)
			if _, err := a.DB.ExecContext(ctx, `INSERT INTO certificates (number, product_id, producer_id, star, potential5, issued_on, expires_on,
					rule_set, authority, revoked_on, revoke_ground, revoke_reason, revoke_conclusion, revoke_concluded_on, created_at, version)
				VALUES ('5/GCN-OCOP-01-2023', ?, ?, 4, FALSE, ?, ?, '1489', 'province', '', '', '', '', '', ?, 1)`,
				x.ID, p.ID, issued, evaluation.Expiry(issued), db.Now()); err != nil {
				t.Fatal(err)
			}
			a.Close()

			smtp := mailtest.Start(t, mailtest.Options{})
			env := map[string]string{"OCOP_DATABASE_URL": dsn, "OCOP_DATA_DIR": dataDir, "OCOP_SMTP_HOST": smtp.Host,
				"OCOP_SMTP_PORT": strconv.Itoa(smtp.Port), "OCOP_SMTP_FROM": "OCOP Hà Nội <noreply@ocop.example.vn>", "OCOP_BASE_URL": "https://ocop.example.vn"}
			out, _, err := runCLI(t, env, "", "jobs", "run")
			if err != nil || !strings.Contains(out, "certificate-notices: notices: 1 expiry") || !strings.Contains(out, "1 e-mails sent, 0 failed") {
				t.Fatalf("jobs run: %q, %v", out, err)
			}
			msgs := smtp.Messages()
			if len(msgs) != 1 || msgs[0].To[0] != "omai@example.vn" || !strings.Contains(msgs[0].Data, "5/GCN-OCOP-01-2023") ||
				!strings.Contains(msgs[0].Data, "https://ocop.example.vn/admin/certificates/") {
				t.Fatalf("e-mails: got %+v, want the expiry notice to omai@example.vn", msgs)
			}
			out, _, err = runCLI(t, env, "", "jobs", "run")
			if err != nil || !strings.Contains(out, "certificate-notices: not due") {
				t.Errorf("second run: %q, %v; want not due", out, err)
			}
			if n := len(smtp.Messages()); n != 1 {
				t.Errorf("after the second run: %d e-mails, want 1", n)
			}
		})
	}
}

func TestJobsUsageAndSMTPConfig(t *testing.T) {
	for _, tt := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"jobs"}, nil, "usage: ocop jobs run"},
		{[]string{"jobs", "start"}, nil, "usage: ocop jobs run"},
		{[]string{"jobs", "run", "--smtp-host", "smtp.example.vn"}, nil, "smtp-from: required"},
		{[]string{"jobs", "run", "--smtp-host", "smtp.example.vn:587", "--smtp-from", "a@b.vn"}, nil, "the port goes in --smtp-port"},
		{[]string{"jobs", "run", "--smtp-host", "smtp.example.vn", "--smtp-from", "nobody"}, nil, "want an e-mail address"},
		{[]string{"jobs", "run", "--smtp-host", "smtp.example.vn", "--smtp-from", "a@b.vn", "--smtp-port", "0"}, nil, "smtp-port 0"},
		{[]string{"jobs", "run", "--smtp-host", "smtp.example.vn", "--smtp-from", "a@b.vn", "--smtp-user", "ocop"}, nil, "OCOP_SMTP_PASSWORD"},
		{[]string{"jobs", "run"}, map[string]string{"OCOP_SMTP_PASSWORD": "x"}, "no server"},
		{[]string{"jobs", "run"}, map[string]string{"OCOP_SMTP_HOST": "smtp.example.vn", "OCOP_SMTP_FROM": "a@b.vn", "OCOP_SMTP_PORT": "many"}, "OCOP_SMTP_PORT"},
	} {
		_, _, err := runCLI(t, tt.env, "", tt.args...)
		if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ocop %v %v: got %v (code %d), want code 2 with %q", tt.args, tt.env, err, exitCode(err), tt.want)
		}
	}
}
