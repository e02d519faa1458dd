package api

// tradeOperations lists the trade endpoints for the OpenAPI document.
func tradeOperations() []operation { return nil }

// tradeNotes describes the trade schemas' fields.
func tradeNotes() map[string]note { return nil }

// tradeSchemas defines the trade schemas.
func tradeSchemas(s *schemaSet) {}

// tradeParameters lists the trade endpoints' shared parameters.
func tradeParameters() map[string]any { return nil }
