package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"ocop/internal/account"
	"ocop/internal/registry"
)

// cliPrincipal is who the import and export commands act as: the operator
// of the server, with administrator rights over the whole province.
var cliPrincipal = account.Principal{Username: "cli", Role: account.RoleAdmin}

func kindFlag(fs *flag.FlagSet, kind *string) {
	fs.StringVar(kind, "kind", "", "what the spreadsheet holds: producers or products (required)")
}

func checkKind(kind string) error {
	if kind != registry.TransferProducers && kind != registry.TransferProducts {
		return usageErr("--kind must be producers or products")
	}
	return nil
}

// outputFormat picks the format: the flag, else the output file's
// extension, else XLSX.
func outputFormat(format, out string) (string, error) {
	if format == "" {
		format = registry.FormatXLSX
		if strings.EqualFold(filepath.Ext(out), ".csv") {
			format = registry.FormatCSV
		}
	}
	if format != registry.FormatCSV && format != registry.FormatXLSX {
		return "", usageErr("--format must be xlsx or csv")
	}
	return format, nil
}

// writeOutput writes a finished file to path, or to stdout when path is
// empty. A file is written beside its destination and renamed, so that a
// failure never leaves half a spreadsheet under the name asked for.
func writeOutput(e env, path string, b []byte) error {
	if path == "" {
		_, err := e.stdout.Write(b)
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".ocop-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// cmdImport imports a spreadsheet and prints a summary and every row error;
// it exits 1 when any row failed.
func cmdImport(ctx context.Context, e env, args []string) error {
	var kind, file, format string
	var dry bool
	cfg, err := parseConfig(e, "import", args, func(fs *flag.FlagSet) {
		kindFlag(fs, &kind)
		fs.StringVar(&file, "file", "", "the CSV or XLSX file to import (\"-\" for standard input; required)")
		fs.BoolVar(&dry, "dry-run", false, "check every row and report the errors, write nothing")
		fs.StringVar(&format, "format", "", "csv or xlsx (default: recognised from the content)")
	})
	if err != nil {
		return err
	}
	if err := checkKind(kind); err != nil {
		return err
	}
	if file == "" {
		return usageErr("--file is required")
	}
	if format != "" && format != registry.FormatCSV && format != registry.FormatXLSX {
		return usageErr("--format must be xlsx or csv")
	}
	var in io.Reader = e.stdin
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return &exitError{code: 1, err: err}
		}
		defer f.Close()
		in = f
	}
	a, err := openApp(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	p := cliPrincipal
	res, err := a.Registry.Import(ctx, &p, in, registry.ImportOptions{Kind: kind, Format: format, DryRun: dry})
	if err != nil {
		return explain(a.Catalog, err)
	}
	w := e.stdout
	failed := res.Failed()
	fmt.Fprintf(w, "%s from %s (%s): %d rows, %d valid, %d failed\n", kind, file, strings.ToUpper(res.Format), res.Rows, res.Valid, failed)
	if dry {
		fmt.Fprintf(w, "dry run: nothing was written\n")
	} else {
		fmt.Fprintf(w, "written: %d created, %d updated; %d unchanged\n", res.Created, res.Updated, res.Unchanged)
	}
	if len(res.Ignored) > 0 {
		fmt.Fprintf(w, "ignored columns: %s\n", strings.Join(res.Ignored, ", "))
	}
	for _, re := range res.Errors {
		msg := a.Catalog.T("en", re.Key, re.Args...)
		if re.Column == "" {
			fmt.Fprintf(w, "row %d: %s\n", re.Row, msg)
		} else {
			fmt.Fprintf(w, "row %d, column %s: %s\n", re.Row, re.Column, msg)
		}
	}
	if failed > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%d of %d rows failed", failed, res.Rows)}
	}
	return nil
}

// cmdExport writes every producer or product as a spreadsheet laid out like
// the import template.
func cmdExport(ctx context.Context, e env, args []string) error {
	var kind, format, out string
	cfg, err := parseConfig(e, "export", args, func(fs *flag.FlagSet) {
		kindFlag(fs, &kind)
		fs.StringVar(&format, "format", "", "xlsx or csv (default: from the -o file name, else xlsx)")
		fs.StringVar(&out, "o", "", "output file (default: standard output)")
	})
	if err != nil {
		return err
	}
	if err := checkKind(kind); err != nil {
		return err
	}
	if format, err = outputFormat(format, out); err != nil {
		return err
	}
	a, err := openApp(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	var buf bytes.Buffer
	p := cliPrincipal
	if err := a.Registry.Export(ctx, &p, &buf, kind, format); err != nil {
		return explain(a.Catalog, err)
	}
	return writeOutput(e, out, buf.Bytes())
}

// cmdTemplate writes the empty import template; it needs no database.
func cmdTemplate(ctx context.Context, e env, args []string) error {
	var kind, format, out string
	_, err := parseConfig(e, "template", args, func(fs *flag.FlagSet) {
		kindFlag(fs, &kind)
		fs.StringVar(&format, "format", "", "xlsx or csv (default: from the -o file name, else xlsx)")
		fs.StringVar(&out, "o", "", "output file (default: standard output)")
	})
	if err != nil {
		return err
	}
	if err := checkKind(kind); err != nil {
		return err
	}
	if format, err = outputFormat(format, out); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := registry.WriteTemplate(&buf, kind, format); err != nil {
		return err
	}
	return writeOutput(e, out, buf.Bytes())
}
