package api

// marketOperations lists the market endpoints for the OpenAPI document.
func marketOperations() []operation { return nil }

// marketNotes describes the market schemas' fields.
func marketNotes() map[string]note { return nil }

// marketSchemas defines the market schemas.
func marketSchemas(s *schemaSet) {}

// marketParameters lists the market endpoints' shared parameters.
func marketParameters() map[string]any { return nil }
