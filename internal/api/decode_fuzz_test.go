package api

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"ocop/internal/apperr"
	"ocop/internal/registry"
)

// invalidOnly fails unless err is nil or an Invalid apperr: the API answers
// bad input with 422 and a message, never with a 500.
func invalidOnly(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Code != apperr.Invalid {
		t.Fatalf("%s: %T %v, want an Invalid apperr", what, err, err)
	}
}

// FuzzDecode sends arbitrary bodies to the strict JSON decoder of every
// write endpoint's input type.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"name":"Gốm","kind":"htx","commune_code":"00577"}`,
		`{"name":1}`, `{"name":"a","unknown":true}`, `{"version":-1}`, `{"lat":"x"}`,
		`[1,2]`, `{}{}`, `{"name":"a"`, `  `, "\x00", `{"name":"\ud800"}`, `{"gtin":12345678901234567890}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, v := range []any{&registry.ProducerInput{}, &registry.ProductInput{}, &registry.CraftVillageInput{}} {
			r := httptest.NewRequest(http.MethodPost, "/api/v1/x", strings.NewReader(string(b)))
			invalidOnly(t, "decode", decode(httptest.NewRecorder(), r, v))
		}
	})
}

// FuzzParams sends arbitrary query strings to the strict query parameter
// reader used by every list endpoint.
func FuzzParams(f *testing.F) {
	for _, s := range []string{"page=2&per_page=50", "page=-1", "page=99999999999999999999", "id=0x10", "women_led=maybe",
		"scope=managed&status=draft", "q=%00", "q=" + strings.Repeat("a", 300), "status=active&scope=nope", "%zz", "a=1;b=2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		r := httptest.NewRequest(http.MethodGet, "/api/v1/products", nil)
		r.URL.RawQuery = raw
		if _, err := url.ParseQuery(raw); err != nil {
			r.URL.RawQuery = url.QueryEscape(raw)
		}
		p := newParams(r)
		_ = p.str("q")
		_ = p.id("producer_id")
		_ = p.boolean("women_led")
		page, per := p.page(defaultPerPage)
		managed, status := p.scope(r)
		if page < 1 || page > maxPage || per < 1 || per > registry.MaxPerPage {
			t.Fatalf("page %d per %d out of range", page, per)
		}
		if !managed && status != "" && status != registry.StatusActive && p.err() == nil {
			t.Fatalf("public list with status %q accepted", status)
		}
		invalidOnly(t, "params", p.err())
	})
}
