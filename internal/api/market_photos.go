package api

// photoOperations are the sale-point photo endpoints.
func photoOperations() []operation { return nil }

// photoNotes describes the photo schemas' fields.
func photoNotes() map[string]note { return nil }

// photoSchemas defines the photo schemas.
func photoSchemas(s *schemaSet) {}
