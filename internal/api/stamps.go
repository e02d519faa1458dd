package api

// stampOperations lists the stamps endpoints for the OpenAPI document.
func stampOperations() []operation { return nil }

// stampNotes documents the stamps schemas' fields.
func stampNotes() map[string]note { return nil }

// stampSchemas defines the stamps schemas.
func stampSchemas(s *schemaSet) {}

// stampParameters defines the stamps query parameters.
func stampParameters() map[string]any { return nil }
