package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"ocop/internal/apperr"
	"ocop/internal/registry"
)

// maxShownRowErrors bounds the error table of an import result: a file
// where every row is wrong would otherwise make a page of megabytes. The
// count is always shown; the CLI prints them all.
const maxShownRowErrors = 1000

type importPage struct {
	Kinds   []string
	Formats []string
	Kind    string
	DryRun  bool
	// MaxMB is the largest file accepted: the import's limit or the
	// server's upload limit, whichever is lower.
	MaxMB int64
}

func (s *Server) newImportPage(kind string, dry bool) importPage {
	if kind != registry.TransferProducts {
		kind = registry.TransferProducers
	}
	return importPage{
		Kinds:   []string{registry.TransferProducers, registry.TransferProducts},
		Formats: []string{registry.FormatXLSX, registry.FormatCSV},
		Kind:    kind, DryRun: dry,
		MaxMB: min(registry.MaxImportBytes, s.MaxUpload) >> 20,
	}
}

// importShow shows the import form with links to the templates and exports.
func (s *Server) importShow(w http.ResponseWriter, r *http.Request) error {
	if _, err := need(r, provinceOrCommune...); err != nil {
		return err
	}
	q := r.URL.Query()
	return s.page(w, r, "import", "transfer.page_import", s.newImportPage(q.Get("kind"), q.Get("dry") != "0"))
}

// importedRowError is a row error in the user's language.
type importedRowError struct {
	Row     int
	Column  string
	Message string
}

type importResultPage struct {
	importPage
	Result registry.ImportResult
	Errors []importedRowError
	Hidden int // row errors not shown
}

// importSubmit imports an uploaded spreadsheet (or checks it, in a dry run)
// and shows the counts and every row error with its row number.
func (s *Server) importSubmit(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, provinceOrCommune...)
	if err != nil {
		return err
	}
	if r.MultipartForm == nil {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return err
			}
			return s.formError(w, r, "import", "transfer.page_import", s.newImportPage("", true),
				apperr.Fields(apperr.Field("file", "transfer.err_no_file")))
		}
	}
	kind, dry := r.FormValue("kind"), r.FormValue("dry_run") != ""
	data := s.newImportPage(kind, dry)
	file, _, err := r.FormFile("file")
	if err != nil {
		return s.formError(w, r, "import", "transfer.page_import", data, apperr.Fields(apperr.Field("file", "transfer.err_no_file")))
	}
	defer file.Close()
	res, err := s.Registry.Import(r.Context(), p, file, registry.ImportOptions{Kind: kind, DryRun: dry})
	if err != nil {
		// A problem with the file as a whole is shown on the form.
		return s.formError(w, r, "import", "transfer.page_import", data, err)
	}
	lang := langOf(r)
	d := importResultPage{importPage: data, Result: res}
	for i, e := range res.Errors {
		if i == maxShownRowErrors {
			d.Hidden = len(res.Errors) - i
			break
		}
		d.Errors = append(d.Errors, importedRowError{Row: e.Row, Column: e.Column, Message: s.Catalog.T(lang, e.Key, e.Args...)})
	}
	return s.page(w, r, "import_result", "transfer.page_result", d)
}

// transferFile parses "{kind}.{format}" of the download routes.
func transferFile(r *http.Request) (kind, format string, err error) {
	kind, format, ok := strings.Cut(r.PathValue("file"), ".")
	if !ok || (kind != registry.TransferProducers && kind != registry.TransferProducts) ||
		(format != registry.FormatCSV && format != registry.FormatXLSX) {
		return "", "", apperr.New(apperr.NotFound, "err.not_found")
	}
	return kind, format, nil
}

// sendSpreadsheet sends a finished file as a download.
func (s *Server) sendSpreadsheet(w http.ResponseWriter, name, format string, b []byte) error {
	ct := "text/csv; charset=utf-8"
	if format == registry.FormatXLSX {
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	h.Set("Content-Length", fmt.Sprint(len(b)))
	h.Set("Cache-Control", "no-store")
	_, err := w.Write(b)
	return err
}

// importTemplate downloads the empty import template of a kind.
func (s *Server) importTemplate(w http.ResponseWriter, r *http.Request) error {
	if _, err := need(r, provinceOrCommune...); err != nil {
		return err
	}
	kind, format, err := transferFile(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := s.Registry.Template(&buf, kind, format); err != nil {
		return err
	}
	return s.sendSpreadsheet(w, "ocop-mau-"+kind+"."+format, format, buf.Bytes())
}

// exportGet downloads everything of a kind in the user's scope, laid out
// like the import template. The file is built in memory first, so that an
// error never sends half a spreadsheet.
func (s *Server) exportGet(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, provinceOrCommune...)
	if err != nil {
		return err
	}
	kind, format, err := transferFile(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := s.Registry.Export(r.Context(), p, &buf, kind, format); err != nil {
		return err
	}
	name := fmt.Sprintf("ocop-%s-%s.%s", kind, s.Now().Format("2006-01-02"), format)
	return s.sendSpreadsheet(w, name, format, buf.Bytes())
}
