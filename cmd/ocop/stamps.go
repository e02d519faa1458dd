package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"ocop/internal/config"
	"ocop/internal/i18n"
	"ocop/internal/stamp"
)

const stampsUsage = `usage:
  ocop stamps issue --product <product code> --count <n> [--lot <label>]   prints the batch identifier
  ocop stamps pdf --batch <batch> -o <file.pdf> [--label-w mm --label-h mm --gap mm]
  ocop stamps csv --batch <batch> -o <file.csv>
  ocop stamps activate --batch <batch>
  ocop stamps deactivate --batch <batch> --reason <text> [--from n --to m]
(plus the common flags, e.g. --db; pdf and csv need --base-url or OCOP_BASE_URL: the QR codes carry it)`

// cmdStamps runs "ocop stamps issue|pdf|csv|activate|deactivate", acting as
// the programme office (the operator of the installation).
func cmdStamps(ctx context.Context, e env, args []string) error {
	if len(args) == 0 {
		return usageErr("%s", stampsUsage)
	}
	sub, rest := args[0], args[1:]
	var product, batch, out, lot, reason string
	var count, from, to int
	l := stamp.DefaultLayout()
	flags := func(fs *flag.FlagSet) {
		switch sub {
		case "issue":
			fs.StringVar(&product, "product", "", "product code, e.g. 01-00004-007-2026 (required)")
			fs.IntVar(&count, "count", 0, "number of stamps (required)")
			fs.StringVar(&lot, "lot", "", "production lot label (optional)")
		case "pdf", "csv":
			fs.StringVar(&batch, "batch", "", "batch identifier (required)")
			fs.StringVar(&out, "o", "", "output file (required)")
			if sub == "pdf" {
				fs.Float64Var(&l.LabelW, "label-w", l.LabelW, "label width in mm")
				fs.Float64Var(&l.LabelH, "label-h", l.LabelH, "label height in mm")
				fs.Float64Var(&l.Gap, "gap", l.Gap, "gap between labels in mm (crop marks sit in it)")
			}
		case "activate":
			fs.StringVar(&batch, "batch", "", "batch identifier (required)")
		case "deactivate":
			fs.StringVar(&batch, "batch", "", "batch identifier (required)")
			fs.StringVar(&reason, "reason", "", "why: lost, stolen, misprinted (required)")
			fs.IntVar(&from, "from", 0, "first position of a range (default: the whole batch)")
			fs.IntVar(&to, "to", 0, "last position of a range")
		}
	}
	switch sub {
	case "issue", "pdf", "csv", "activate", "deactivate":
	default:
		return usageErr("unknown stamps command %q\n%s", sub, stampsUsage)
	}
	cfg, err := parseConfig(e, "stamps "+sub, rest, flags)
	if err != nil {
		return err
	}
	switch {
	case sub == "issue" && (product == "" || count == 0):
		return usageErr("--product and --count are required\n%s", stampsUsage)
	case sub != "issue" && batch == "":
		return usageErr("--batch is required\n%s", stampsUsage)
	case (sub == "pdf" || sub == "csv") && out == "":
		return usageErr("-o is required\n%s", stampsUsage)
	case (sub == "pdf" || sub == "csv") && cfg.BaseURL == "":
		return usageErr("set --base-url or OCOP_BASE_URL to the site's public address: every QR code carries it")
	case sub == "deactivate" && reason == "":
		return usageErr("--reason is required\n%s", stampsUsage)
	}
	a, err := openApp(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	p := cliPrincipal
	s := a.Stamps
	switch sub {
	case "issue":
		b, err := s.Issue(ctx, &p, stamp.BatchInput{ProductCode: product, Count: count, Lot: lot})
		if err != nil {
			return explain(a.Catalog, err)
		}
		fmt.Fprintln(e.stdout, b.Code)
	case "activate":
		b, err := s.Activate(ctx, &p, batch)
		if err != nil {
			return explain(a.Catalog, err)
		}
		fmt.Fprintf(e.stdout, "batch %s is active: %d stamps of %s verify as genuine\n", b.Code, b.Count-b.Deactivated, b.ProductName)
	case "deactivate":
		b, n, err := s.Deactivate(ctx, &p, batch, stamp.Deactivation{From: from, To: to, Reason: reason})
		if err != nil {
			return explain(a.Catalog, err)
		}
		fmt.Fprintf(e.stdout, "batch %s: %d stamps deactivated\n", b.Code, n)
	case "pdf", "csv":
		return writeStampFile(e, a.Catalog, cfg, out, func(w *bufio.Writer) (stamp.Batch, error) {
			if sub == "pdf" {
				return s.WritePDF(ctx, &p, batch, cfg.BaseURL, l, w)
			}
			return s.WriteCSV(ctx, &p, batch, cfg.BaseURL, w)
		})
	}
	return nil
}

// writeStampFile writes to a temporary file beside out and renames it, so
// that a failure never leaves half a file under the asked name.
func writeStampFile(e env, cat i18n.Catalog, cfg config.Config, out string, write func(*bufio.Writer) (stamp.Batch, error)) error {
	f, err := os.CreateTemp(filepath.Dir(out), ".ocop-stamps-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	w := bufio.NewWriterSize(f, 1<<20)
	b, err := write(w)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return explain(cat, err)
	}
	if err := os.Rename(tmp, out); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s: %d stamps of batch %s (%s)\n", out, b.Count, b.Code, cfg.BaseURL)
	return nil
}
