package api

import (
	"ocop/internal/stamp"
)

// stampOperations lists the stamps endpoints for the OpenAPI document.
func stampOperations() []operation {
	write := []string{"Invalid", "Unauthenticated", "Forbidden", "TooLarge"}
	read := []string{"Unauthenticated", "Forbidden", "NotFound"}
	return []operation{
		{method: "GET", path: "/api/v1/stamp-batches", id: "listStampBatches", tag: "stamps",
			summary: "List stamp batches", desc: "The batches the caller may see: the programme office all, commune officers those of their communes, producers their own; newest first, at most 200.",
			params: []string{"stamp_product_id", "producer_id", "commune", "batch_status"}, status: 200, result: "StampBatchPage", auth: true, errs: []string{"Invalid", "Unauthenticated", "Forbidden"}},
		{method: "POST", path: "/api/v1/stamp-batches", id: "createStampBatch", tag: "stamps",
			summary: "Issue a batch of stamps",
			desc: "For a product with a certificate valid today (refused when it is expired or revoked). The programme office issues for any product; " +
				"a producer for its own products within the quota per product. Serials carry 80 random bits (Crockford base32 with a check symbol).",
			params: []string{"csrf"}, body: "StampBatchInput", status: 201, result: "StampBatch", auth: true, errs: stampErrs(write, "NotFound")},
		{method: "GET", path: "/api/v1/stamp-batches/{code}", id: "getStampBatch", tag: "stamps",
			summary: "Get a stamp batch", params: []string{"code"}, status: 200, result: "StampBatch", auth: true, errs: read},
		{method: "POST", path: "/api/v1/stamp-batches/{code}/activate", id: "activateStampBatch", tag: "stamps",
			summary: "Activate a batch", desc: "Once the stamps are on goods: they then verify as genuine while the certificate is valid. Send {}.",
			params: []string{"code", "csrf"}, body: "StampActivation", status: 200, result: "StampBatch", auth: true, errs: stampErrs(write, "NotFound", "Conflict")},
		{method: "GET", path: "/api/v1/stamp-batches/{code}/codes", id: "getStampBatchCodes", tag: "stamps",
			summary: "The stamps of a batch as CSV (text/csv)", desc: "Columns batch, seq, serial, serial_printed, qr_content, product_code, product_name, star: what a printing house needs.",
			params: []string{"code"}, status: 200, auth: true, errs: read},
		{method: "POST", path: "/api/v1/stamp-batches/{code}/deactivate", id: "deactivateStampBatch", tag: "stamps",
			summary: "Deactivate a batch or a range of it", desc: "A lost or stolen roll: from and to are positions in the batch (1-based, inclusive); both 0 withdraws the whole batch. A reason is required.",
			params: []string{"code", "csrf"}, body: "StampDeactivation", status: 200, result: "StampDeactivated", auth: true, errs: stampErrs(write, "NotFound", "Conflict")},
		{method: "GET", path: "/api/v1/stamps/{serial}/verification", id: "verifyStamp", tag: "stamps",
			summary: "Verify a stamp (public)",
			desc: "The answer of the verification page as JSON; the page itself (/q/{serial}) also answers JSON to Accept: application/json. " +
				"The serial is read as people type it: case, hyphens and spaces do not matter, O reads as 0 and I or L as 1. Any input that is not a " +
				"serial of the platform answers verdict unknown, the same way. Every call is logged for the counterfeit rules; a client that asks for " +
				"too many unknown serials is answered 429 with Retry-After.",
			params: []string{"serial", "lat", "lon"}, status: 200, result: "StampVerification", errs: []string{"Invalid"}},
	}
}

func stampErrs(a []string, more ...string) []string { return append(append([]string{}, a...), more...) }

// stampNotes documents the stamps schemas' fields.
func stampNotes() map[string]note {
	verdicts := make([]string, len(stamp.Verdicts))
	for i, v := range stamp.Verdicts {
		verdicts[i] = string(v)
	}
	statuses := []string{stamp.BatchIssued, stamp.BatchActive, stamp.BatchDeactivated}
	return map[string]note{
		"StampBatch":                    {desc: "A batch (lô tem) of serialised OCOP stamps for one certified product."},
		"StampBatch.code":               {desc: "Batch identifier, e.g. B7K3M9QXA2B."},
		"StampBatch.status":             {enum: statuses, desc: "issued: printable, not yet verifying as genuine; active: on goods; deactivated: withdrawn."},
		"StampBatch.deactivated_stamps": {desc: "Stamps withdrawn one range at a time (a lost roll)."},
		"StampBatchInput.product_id":    {desc: "The product, by id; or give product_code."},
		"StampBatchInput.product_code":  {desc: "The product code (T)-(X)-(STT)-(year), when product_id is left out."},
		"StampBatchInput.count":         {desc: "Number of stamps, 1 to 1,000,000; producers stay within the quota per product (2,000 by default)."},
		"StampBatchInput.lot":           {desc: "Optional production lot label, printed nowhere but shown on verification."},
		"StampDeactivation.from":        {desc: "First position (1-based) of the range; 0 with to = 0 for the whole batch."},
		"StampDeactivation.to":          {desc: "Last position of the range, inclusive."},
		"StampDeactivation.reason":      {desc: "Why: lost, stolen, misprinted… (required, at most 500 characters)."},
		"StampVerification":             {desc: "The answer to a scan or a typed serial."},
		"StampVerification.verdict":     {enum: verdicts, desc: "genuine: a certified OCOP product; expired / revoked: the certificate; not_activated / deactivated: the stamp; unknown: no such stamp; suspected_copy: this stamp was scanned in ways a genuine one is not."},
		"StampVerification.serial":      {desc: "The serial as normalised (17 symbols)."},
		"StampVerification.scans":       {desc: "Number of verifications of this stamp, this one included."},
		"StampView.certificate_status":  {enum: []string{"valid", "expiring_soon", "extended", "expired", "revoked", "superseded", "not_yet_valid"}},
		"StampView.photo":               {desc: "Media hash of the product photo; the image is at /media/{photo}."},
	}
}

// stampSchemas defines the stamps schemas.
func stampSchemas(s *schemaSet) {
	s.define("StampBatch", stamp.Batch{}, false)
	s.define("StampBatchInput", stamp.BatchInput{}, true, "count")
	s.define("StampActivation", stampActivation{}, true)
	s.define("StampDeactivation", stamp.Deactivation{}, true, "reason")
	s.define("StampDeactivated", stampDeactivated{}, false)
	s.define("StampView", stamp.View{}, false)
	s.define("StampVerification", stamp.Verification{}, false)
	s.defs["StampBatchPage"] = map[string]any{"type": "object", "required": []string{"items"},
		"properties": map[string]any{"items": map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/schemas/StampBatch"}}}}
}

// stampParameters defines the stamps query parameters.
func stampParameters() map[string]any {
	return map[string]any{
		"code":             map[string]any{"name": "code", "in": "path", "required": true, "schema": map[string]any{"type": "string", "maxLength": 32}, "description": "Batch identifier."},
		"serial":           map[string]any{"name": "serial", "in": "path", "required": true, "schema": map[string]any{"type": "string", "maxLength": 64}, "description": "Stamp serial as printed or typed."},
		"lat":              queryParam("lat", "Latitude of the phone, rounded to about 1 km before it is stored.", map[string]any{"type": "number", "minimum": -90, "maximum": 90}),
		"lon":              queryParam("lon", "Longitude of the phone, rounded to about 1 km before it is stored.", map[string]any{"type": "number", "minimum": -180, "maximum": 180}),
		"stamp_product_id": queryParam("product_id", "Only batches of this product.", posInt),
		"batch_status":     queryParam("batch_status", "Only batches in this state.", enumOf(stamp.BatchIssued, stamp.BatchActive, stamp.BatchDeactivated)),
	}
}
