package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"ocop/internal/app"
	"ocop/internal/config"
	"ocop/internal/db"
	"ocop/internal/demo"
)

// Where the demo keeps its data unless told otherwise: beside, never in,
// a real installation's ./ocop.db and ./data.
const (
	demoDatabase = "./ocop-demo.db"
	demoDataDir  = "./ocop-demo-data"
)

// cmdDemo loads demo data into a fresh database and serves it.
func cmdDemo(ctx context.Context, e env, args []string) error {
	var reset, noServe bool
	var seed int64
	var fs *flag.FlagSet
	cfg, err := parseConfig(e, "demo", args, func(f *flag.FlagSet) {
		fs = f
		f.BoolVar(&reset, "reset", false, "replace a database that holds other data than a previous demo (deletes everything in it)")
		f.BoolVar(&noServe, "no-serve", false, "load the demo data and exit without serving")
		f.Int64Var(&seed, "seed", 1, "data set to generate; the same seed gives the same records")
	})
	if err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["db"] && e.getenv("OCOP_DATABASE_URL") == "" {
		cfg.DatabaseURL = demoDatabase
	}
	if !set["data-dir"] && e.getenv("OCOP_DATA_DIR") == "" {
		cfg.DataDir = demoDataDir
	}
	if err := freshDatabase(ctx, e, cfg, reset); err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, app.NewLogger(cfg, e.stderr), app.Options{Migrate: true})
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintf(e.stderr, "loading demo data into %s (seed %d)\n", a.DB.Location, seed)
	res, err := demo.Load(ctx, a.DB, a.Ref, a.Accounts, a.Registry, demo.Options{Progress: e.stderr, Seed: seed, Now: time.Now()})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "loaded %d craft villages, %d producers, %d products, %d stamps and %d accounts in %s\n",
		res.Villages, res.Producers, res.Products, res.Stamps, res.Users, res.Duration.Round(time.Millisecond))
	printAccounts(e.stdout, res.Accounts)
	if noServe {
		fmt.Fprintf(e.stdout, "\nDemo database: %s\nServe it with: ocop serve --db %s\n", a.DB.Location, cfg.DatabaseURL)
		return nil
	}
	return a.Serve(ctx, func(addr string) {
		fmt.Fprintf(e.stdout, "\nocop demo is running at http://%s/ (database: %s). Press Ctrl+C to stop.\n", addr, a.DB.Location)
		if res.SampleSerial != "" {
			fmt.Fprintf(e.stdout, "Scan a demo stamp: http://%s/q/%s\n", addr, res.SampleSerial)
		}
	})
}

func printAccounts(w io.Writer, accounts []demo.Account) {
	fmt.Fprintln(w, "Demo accounts (the passwords are shown only now):")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  username\tpassword\trole\twho")
	for _, a := range accounts {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", a.Username, a.Password, a.Role, a.Note)
	}
	tw.Flush()
}

// freshDatabase makes sure the demo starts from an empty database. A
// previous demo database is replaced without asking; a database holding
// anything else is replaced only with --reset, so that `ocop demo --db
// ./ocop.db` cannot destroy a real registry by mistake.
func freshDatabase(ctx context.Context, e env, cfg config.Config, reset bool) error {
	if strings.HasPrefix(cfg.DatabaseURL, "postgres://") || strings.HasPrefix(cfg.DatabaseURL, "postgresql://") {
		d, err := db.Open(ctx, cfg.DatabaseURL)
		if err != nil {
			return err
		}
		defer d.Close()
		st, err := demo.Inspect(ctx, d)
		if err != nil {
			return err
		}
		if st.Tables == 0 {
			return nil
		}
		if !st.Empty() && !st.Demo() && !reset {
			return refuse(d.Location, st)
		}
		if err := demo.Wipe(ctx, d); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "emptied database %s\n", d.Location)
		return nil
	}
	path := sqlitePath(cfg.DatabaseURL)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	if !reset {
		st, err := inspectSQLite(ctx, path)
		if err != nil {
			return &exitError{code: 1, err: fmt.Errorf("%s is not an ocop database (%v); pass --reset to delete it and load the demo there", path, err)}
		}
		if !st.Empty() && !st.Demo() {
			return refuse(path, st)
		}
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove old demo database: %w", err)
		}
	}
	fmt.Fprintf(e.stderr, "removed previous database %s\n", path)
	return nil
}

func inspectSQLite(ctx context.Context, path string) (demo.State, error) {
	d, err := db.Open(ctx, path)
	if err != nil {
		return demo.State{}, err
	}
	defer d.Close()
	return demo.Inspect(ctx, d)
}

func refuse(where string, st demo.State) error {
	return &exitError{code: 1, err: fmt.Errorf(
		"%s holds data that is not demo data (%d users, %d producers); pass --reset to delete everything in it and load the demo, or choose another --db",
		where, st.Users, st.Producers)}
}

// sqlitePath is the file behind a SQLite database setting, as db.Open reads it.
func sqlitePath(dsn string) string {
	p := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "file:")
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	return p
}
