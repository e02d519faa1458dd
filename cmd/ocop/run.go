package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/app"
	"ocop/internal/apperr"
	"ocop/internal/config"
	"ocop/internal/i18n"
)

const usage = `ocop: the open platform of the OCOP programme (Mỗi xã một sản phẩm).

Usage:
  ocop serve    [flags]                 run the platform (applies migrations first)
  ocop demo     [flags]                 load demo data into a fresh database and serve it
  ocop migrate  [flags]                 apply database migrations and reference data
  ocop jobs run [flags]                 run the background jobs that are due (certificate notices, certification reminders), once
  ocop user add --username U --role R [--name N] [--email E] [--commune CODE ...]
                                        create a user; the password is read from stdin
  ocop import   --kind producers|products --file F [--dry-run]
                                        import a CSV or XLSX spreadsheet
  ocop export   --kind producers|products [--format xlsx|csv] [-o FILE]
                                        export the registry
  ocop template --kind producers|products [--format xlsx|csv] [-o FILE]
                                        write an empty import template
  ocop stamps   issue|pdf|csv|activate  issue, print and activate OCOP stamps (run "ocop stamps" for flags)
  ocop backup   -o FILE.tar.gz          consistent online backup (SQLite database and uploaded files)
  ocop restore  -i FILE.tar.gz [--force]
                                        restore a backup (server stopped); migrates an older one
  ocop load     [--duration 10m] [--rate 0.8]
                                        load test on loopback: capacity, then sustained load (verification, search, product pages)
  ocop version                          print the version

Common flags (also from the environment):
  --addr            OCOP_ADDR            listen address (default 127.0.0.1:8080)
  --db              OCOP_DATABASE_URL    SQLite file path or postgres:// URL (default ./ocop.db)
  --data-dir        OCOP_DATA_DIR        directory for uploaded files (default ./data)
  --base-url        OCOP_BASE_URL        public URL, e.g. https://ocop.example.vn
  --log-format      OCOP_LOG_FORMAT      text or json
Run "ocop <command> -h" for all flags of a command.
`

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// exitError carries an exit code.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}

func usageErr(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

// env bundles what a command reads from its surroundings.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// run is the whole program: main is one line around it, so that tests can
// run any command in-process.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := env{getenv, stdin, stdout, stderr}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageErr("no command given")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, e, rest)
	case "demo":
		return cmdDemo(ctx, e, rest)
	case "migrate":
		return cmdMigrate(ctx, e, rest)
	case "jobs":
		return cmdJobs(ctx, e, rest)
	case "user":
		if len(rest) == 0 || rest[0] != "add" {
			return usageErr("usage: ocop user add --username U --role R (password on stdin)")
		}
		return cmdUserAdd(ctx, e, rest[1:])
	case "import":
		return cmdImport(ctx, e, rest)
	case "export":
		return cmdExport(ctx, e, rest)
	case "template":
		return cmdTemplate(ctx, e, rest)
	case "stamps":
		return cmdStamps(ctx, e, rest)
	case "load":
		return cmdLoad(ctx, e, rest)
	case "backup":
		return cmdBackup(ctx, e, rest)
	case "restore":
		return cmdRestore(ctx, e, rest)
	case "version", "--version":
		fmt.Fprintln(stdout, "ocop", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usageErr("unknown command %q", cmd)
}

// parseConfig parses the common flags plus a command's own.
func parseConfig(e env, name string, args []string, extra func(fs *flag.FlagSet)) (config.Config, error) {
	fs := flag.NewFlagSet("ocop "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	cfg := config.Flags(fs, e.getenv)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return config.Config{}, &exitError{code: 0, err: err}
		}
		return config.Config{}, usageErr("%v", err)
	}
	if fs.NArg() > 0 {
		return config.Config{}, usageErr("unexpected argument %q", fs.Arg(0))
	}
	if err := config.ApplyEnv(fs, cfg, e.getenv); err != nil {
		return config.Config{}, usageErr("%v", err)
	}
	if err := cfg.Validate(); err != nil {
		return config.Config{}, usageErr("invalid configuration:\n%v", err)
	}
	return *cfg, nil
}

func openApp(ctx context.Context, e env, cfg config.Config) (*app.App, error) {
	return app.Open(ctx, cfg, app.NewLogger(cfg, e.stderr), app.Options{Migrate: true})
}

func cmdServe(ctx context.Context, e env, args []string) error {
	cfg, err := parseConfig(e, "serve", args, nil)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	return a.Serve(ctx, func(addr string) {
		fmt.Fprintf(e.stdout, "ocop is running at http://%s/ (database: %s)\n", addr, a.DB.Location)
	})
}

func cmdMigrate(ctx context.Context, e env, args []string) error {
	cfg, err := parseConfig(e, "migrate", args, nil)
	if err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, app.NewLogger(cfg, e.stderr), app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	start := time.Now()
	n, err := migrate(ctx, a)
	if err != nil {
		return err
	}
	v, _ := a.DB.SchemaVersion(ctx)
	fmt.Fprintf(e.stdout, "applied %d migration(s); schema version %d; reference data loaded (%s)\n", n, v, time.Since(start).Round(time.Millisecond))
	return nil
}

// stringList is a repeatable flag.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error {
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}

func cmdUserAdd(ctx context.Context, e env, args []string) error {
	var username, role, name, email, phone, org string
	var communes stringList
	var mustChange bool
	cfg, err := parseConfig(e, "user add", args, func(fs *flag.FlagSet) {
		fs.StringVar(&username, "username", "", "login name (required)")
		fs.StringVar(&role, "role", "", "role: admin, office, commune, council, producer, buyer, salepoint (required)")
		fs.StringVar(&name, "name", "", "display name")
		fs.StringVar(&email, "email", "", "e-mail address")
		fs.StringVar(&phone, "phone", "", "phone number")
		fs.StringVar(&org, "organisation", "", "organisation (buyers)")
		fs.Var(&communes, "commune", "commune code a commune officer covers (repeatable or comma-separated)")
		fs.BoolVar(&mustChange, "must-change-password", false, "ask the user to change the password at first sign-in")
	})
	if err != nil {
		return err
	}
	if username == "" || role == "" {
		return usageErr("--username and --role are required")
	}
	pw, err := readPassword(e.stdin)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.Accounts.CreateUser(ctx, nil, account.NewUser{
		Username: username, DisplayName: name, Email: email, Phone: phone, Role: account.Role(role),
		Password: pw, Communes: communes, Organisation: org, MustChangePassword: mustChange,
	})
	if err != nil {
		return explain(a.Catalog, err)
	}
	fmt.Fprintf(e.stdout, "created user %s (id %d, role %s)\n", u.Username, u.ID, u.Role)
	return nil
}

// readPassword reads the first line of stdin.
func readPassword(r io.Reader) (string, error) {
	sc := bufio.NewScanner(io.LimitReader(r, 4096))
	if !sc.Scan() {
		return "", usageErr("give the password on standard input, e.g.: echo 'a long password' | ocop user add …")
	}
	return strings.TrimRight(sc.Text(), "\r"), nil
}

// explain turns an apperr into a readable multi-line message in English
// (the CLI's language).
func explain(cat i18n.Catalog, err error) error {
	e := apperr.As(err)
	if e == nil || e.Code == apperr.Internal {
		return err
	}
	var b strings.Builder
	b.WriteString(cat.T("en", e.Key, e.Args...))
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "\n  %s: %s", f.Field, cat.T("en", f.Key, f.Args...))
	}
	return &exitError{code: 1, err: errors.New(b.String())}
}
