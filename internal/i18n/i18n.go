// Package i18n holds the translation catalogues (Vietnamese first, English
// second) and picks the user's language. Every user-facing string of the
// platform is a key in both catalogues; a test checks that they match.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"sort"
	"strings"
)

// Catalogue files live in messages/<lang>/<area>.json; each area of the
// platform keeps its own file so that parallel work does not collide. A key
// must be defined once per language.
//
//go:embed messages
var files embed.FS

// Languages in order of preference; the first is the default.
var Languages = []string{"vi", "en"}

// Catalog maps language → key → message (a fmt format).
type Catalog map[string]map[string]string

// Load parses the embedded catalogues.
func Load() (Catalog, error) {
	c := Catalog{}
	for _, l := range Languages {
		names, err := fs.Glob(files, "messages/"+l+"/*.json")
		if err != nil {
			return nil, err
		}
		all := map[string]string{}
		for _, name := range names {
			b, err := files.ReadFile(name)
			if err != nil {
				return nil, err
			}
			m := map[string]string{}
			if err := json.Unmarshal(b, &m); err != nil {
				return nil, fmt.Errorf("i18n %s: %w", name, err)
			}
			for k, v := range m {
				if _, dup := all[k]; dup {
					return nil, fmt.Errorf("i18n %s: key %q defined twice", name, k)
				}
				all[k] = v
			}
		}
		c[l] = all
	}
	return c, nil
}

// T translates key into lang with fmt arguments. A missing key falls back
// to Vietnamese, then to the key itself (and tests catch it).
func (c Catalog) T(lang, key string, args ...any) string {
	msg, ok := c[lang][key]
	if !ok {
		if msg, ok = c["vi"][key]; !ok {
			msg = key
		}
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// Has reports whether the key exists in every language.
func (c Catalog) Has(key string) bool {
	for _, l := range Languages {
		if _, ok := c[l][key]; !ok {
			return false
		}
	}
	return true
}

// Keys lists the keys of a language, sorted.
func (c Catalog) Keys(lang string) []string {
	out := make([]string, 0, len(c[lang]))
	for k := range c[lang] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Supported reports whether lang is one of Languages.
func Supported(lang string) bool { return lang == "vi" || lang == "en" }

// FromRequest picks the language: ?lang=, then the "lang" cookie, then
// Accept-Language, then Vietnamese.
func FromRequest(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); Supported(l) {
		return l
	}
	if c, err := r.Cookie("lang"); err == nil && Supported(c.Value) {
		return c.Value
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "vi"):
			return "vi"
		case strings.HasPrefix(tag, "en"):
			return "en"
		}
	}
	return "vi"
}
