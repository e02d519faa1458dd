package api

// catalogueOperations lists the catalogue endpoints for the OpenAPI document.
func catalogueOperations() []operation { return nil }

// catalogueNotes documents the catalogue schemas' fields.
func catalogueNotes() map[string]note { return nil }

// catalogueSchemas defines the catalogue schemas.
func catalogueSchemas(s *schemaSet) {}

// catalogueParameters defines the catalogue query parameters.
func catalogueParameters() map[string]any { return nil }
