package api

// officeOperations are the endpoints that edit and delete retail chains,
// tourism routes and design centres.
func officeOperations() []operation { return nil }

// officeNotes describes the office schemas' fields.
func officeNotes() map[string]note { return nil }

// officeSchemas defines the office schemas.
func officeSchemas(s *schemaSet) {}
