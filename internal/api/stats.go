package api

// statsOperations lists the stats endpoints for the OpenAPI document.
func statsOperations() []operation { return nil }

// statsNotes documents the stats schemas' fields.
func statsNotes() map[string]note { return nil }

// statsSchemas defines the stats schemas.
func statsSchemas(s *schemaSet) {}

// statsParameters defines the stats query parameters.
func statsParameters() map[string]any { return nil }
