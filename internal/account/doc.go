// Package account owns users, their roles and scopes, sessions, API tokens,
// password hashing, producer and buyer verification, and the audit log.
//
// Roles are scoped: a commune officer acts only in the communes assigned to
// them; a producer account acts only for the producer records a commune
// officer has verified it may represent; a buyer acts once the programme
// office has verified it. Every change anywhere in the platform writes an
// audit row through Audit, in the same transaction as the change.
//
// It imports db, apperr and adminunit.
package account
