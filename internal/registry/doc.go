// Package registry owns the OCOP registry: producers (chủ thể OCOP),
// products, craft villages (làng nghề), product images, the product
// classification, the links between producer accounts and producer
// records, and spreadsheet import and export.
//
// Every method takes the acting *account.Principal and enforces the scope
// rules of scope.go on the server: a commune officer sees and changes only
// the records of their communes; a producer account only its own records.
//
// It imports account, adminunit, db, apperr and textfold.
package registry
