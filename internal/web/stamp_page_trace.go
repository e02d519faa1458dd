package web

import "strings"

// writeStampTrace writes the traceability part of the verification page:
// the lot's journey as a timeline and the consumer fields of Circular
// 02/2024 (issue 6). Written like writeStampPage: every value escaped.
func (s *Server) writeStampTrace(b *strings.Builder, v *view, d stampVerifyPage) {
}
