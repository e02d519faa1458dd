package api

import (
	"reflect"
	"strings"
	"time"
)

// JSON Schema (draft 2020-12, as OpenAPI 3.1 uses it) derived from the Go
// types the handlers encode and decode, so that a field added to a
// registry type appears in the document without anyone remembering to.

// note adds what reflection cannot know about a field: a description, an
// enumeration or a format.
type note struct {
	desc   string
	enum   []string
	format string
}

// schemaSet collects the named schemas of components/schemas.
type schemaSet struct {
	defs  map[string]any
	names map[reflect.Type]string
	notes map[string]note // "Schema.field" → note
}

func newSchemaSet(notes map[string]note) *schemaSet {
	return &schemaSet{defs: map[string]any{}, names: map[reflect.Type]string{}, notes: notes}
}

// define registers the struct type of v as components/schemas/name.
// required names the fields a request must carry; for responses (required
// nil) every field without omitempty is always present and so required.
// Request schemas refuse unknown fields, as the decoder does.
func (s *schemaSet) define(name string, v any, request bool, required ...string) {
	t := reflect.TypeOf(v)
	s.names[t] = name
	props := map[string]any{}
	var always []string
	s.fields(name, t, props, &always)
	obj := map[string]any{"type": "object", "properties": props}
	if request {
		obj["additionalProperties"] = false
		if len(required) > 0 {
			obj["required"] = required
		}
	} else if len(always) > 0 {
		obj["required"] = always
	}
	if n, ok := s.notes[name]; ok && n.desc != "" {
		obj["description"] = n.desc
	}
	s.defs[name] = obj
}

// fields adds the JSON fields of struct t to props, flattening embedded
// structs as encoding/json does.
func (s *schemaSet) fields(name string, t reflect.Type, props map[string]any, always *[]string) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || !f.IsExported() {
			continue
		}
		key, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && key == "" && f.Type.Kind() == reflect.Struct {
			s.fields(name, f.Type, props, always)
			continue
		}
		if key == "" {
			key = f.Name
		}
		omit := strings.Contains(opts, "omitempty")
		sc := s.of(f.Type, !omit)
		if n, ok := s.notes[name+"."+key]; ok {
			if n.desc != "" {
				sc = withKey(sc, "description", n.desc)
			}
			if n.enum != nil {
				sc = withKey(sc, "enum", n.enum)
			}
			if n.format != "" {
				sc = withKey(sc, "format", n.format)
			}
		}
		props[key] = sc
		if !omit {
			*always = append(*always, key)
		}
	}
}

// withKey returns sc with one more keyword; a $ref is wrapped so that
// sibling keywords stay meaningful.
func withKey(sc map[string]any, k string, v any) map[string]any {
	out := map[string]any{}
	for kk, vv := range sc {
		out[kk] = vv
	}
	out[k] = v
	return out
}

var timeType = reflect.TypeOf(time.Time{})

// of returns the schema of t. nullable says whether a nil pointer is
// encoded as null (a pointer without omitempty) rather than left out.
func (s *schemaSet) of(t reflect.Type, nullable bool) map[string]any {
	if t.Kind() == reflect.Pointer {
		inner := s.of(t.Elem(), false)
		if !nullable {
			return inner
		}
		if typ, ok := inner["type"].(string); ok {
			return withKey(inner, "type", []string{typ, "null"})
		}
		return map[string]any{"oneOf": []any{inner, map[string]any{"type": "null"}}}
	}
	if t == timeType {
		return map[string]any{"type": "string", "format": "date-time"}
	}
	if name, ok := s.names[t]; ok {
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return map[string]any{"type": "integer", "format": "int32"}
	case reflect.Int, reflect.Int64, reflect.Uint, reflect.Uint64:
		return map[string]any{"type": "integer", "format": "int64"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number", "format": "double"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": s.of(t.Elem(), false)}
	case reflect.Struct:
		props := map[string]any{}
		var always []string
		s.fields(t.Name(), t, props, &always)
		return map[string]any{"type": "object", "properties": props}
	}
	return map[string]any{}
}

// page returns the schema of a page of items of the named schema.
func pageSchema(item string) map[string]any {
	return map[string]any{
		"type":     "object",
		"required": []string{"items", "total", "page", "per_page"},
		"properties": map[string]any{
			"items":    map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/schemas/" + item}},
			"total":    map[string]any{"type": "integer", "description": "Number of matching records on all pages."},
			"page":     map[string]any{"type": "integer", "minimum": 1},
			"per_page": map[string]any{"type": "integer", "minimum": 1, "maximum": 200},
		},
	}
}
