package api

// traceOperations lists the trace endpoints for the OpenAPI document.
func traceOperations() []operation { return nil }

// traceNotes describes the trace schemas' fields.
func traceNotes() map[string]note { return nil }

// traceSchemas defines the trace schemas.
func traceSchemas(s *schemaSet) {}

// traceParameters lists the trace endpoints' shared parameters.
func traceParameters() map[string]any { return nil }
