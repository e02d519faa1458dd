package registry

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/textfold"
)

// importChunk bounds the number of values in one IN (…) lookup.
const importChunk = 500

// producers imports producer rows: a row with an ID updates that producer,
// a row whose registration number is on record updates that producer, any
// other row creates one.
func (im *importer) producers(ctx context.Context, rows []tableRow) error {
	h, tx, p := im.h, im.tx, im.p
	regs, ids := claims{}, claims{}
	for _, row := range rows {
		c := row.cells
		if isExampleRow(firstCell(c)) {
			continue
		}
		var errs apperr.Errs
		id := cellID(&errs, "id", h.cell(c, "id"))
		reg := strings.ToUpper(strings.TrimSpace(h.cell(c, "registration_no")))
		if first := ids.by(strconv.FormatInt(id, 10)); first != 0 {
			errs.Add("id", "transfer.err_duplicate_in_file", first)
		}
		if first := regs.by(reg); first != 0 {
			errs.Add("registration_no", "transfer.err_duplicate_in_file", first)
		}
		// The record to update, if any.
		var before *Producer
		switch {
		case id != 0:
			x, err := im.s.producer(ctx, tx, id)
			if err != nil {
				if !apperr.Is(err, apperr.NotFound) {
					return err
				}
				errs.Add("id", "err.producer_not_found")
				break
			}
			if !canManage(p, x.CommuneCode, 0) {
				errs.Add("id", "err.out_of_scope")
				break
			}
			before = &x
		case reg != "":
			x, err := producerByRegNo(ctx, tx, reg)
			if err != nil {
				if !apperr.Is(err, apperr.NotFound) {
					return err
				}
				break
			}
			if !canManage(p, x.CommuneCode, 0) {
				// Someone else's producer: the number is taken.
				errs.Add("registration_no", "err.registration_no_taken", reg)
				break
			}
			before = &x
		}
		in := ProducerInput{}
		if before != nil {
			in = producerInputOf(*before)
		}
		readProducerRow(h, c, &in, &errs)
		if err := im.s.validateProducer(&in); err != nil {
			errs = append(errs, apperr.As(err).Fields...)
		}
		beforeID := int64(0)
		if before != nil {
			beforeID = before.ID
		}
		if in.CommuneCode != "" && !canManage(p, in.CommuneCode, 0) {
			errs.Add("commune_code", "err.commune_out_of_scope")
		}
		// A registration number given with an ID must not belong to
		// another producer (the database would refuse it too; this says
		// which producer).
		if before != nil && in.RegistrationNo != "" && in.RegistrationNo != before.RegistrationNo {
			if other, err := producerByRegNo(ctx, tx, in.RegistrationNo); err == nil && other.ID != beforeID {
				errs.Add("registration_no", "err.registration_no_taken", in.RegistrationNo)
			} else if err != nil && !apperr.Is(err, apperr.NotFound) {
				return err
			}
		}
		if before != nil && TourismOnly(in.Kind) && !TourismOnly(before.Kind) {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM products WHERE producer_id = ? AND category_code NOT LIKE 'VI%'", before.ID).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				errs.Add("kind", "err.kind_has_non_tourism_products", n)
			}
		}
		if len(errs) > 0 {
			im.fail(h.rowErrors(row.n, errs.Err()))
			continue
		}
		claim := func() {
			if before != nil {
				ids.claim(strconv.FormatInt(before.ID, 10), row.n)
			}
			regs.claim(in.RegistrationNo, row.n)
		}
		if before != nil && sameProducer(*before, in) {
			claim()
			im.res.Valid++
			im.res.Unchanged++
			continue
		}
		err := tx.Savepoint(ctx, "import_row", func() error {
			if before == nil {
				_, err := im.s.insertProducer(ctx, tx, p, in)
				return err
			}
			return im.updateProducer(ctx, *before, in)
		})
		if err != nil {
			if !rowFault(err) {
				return err
			}
			im.fail(h.rowErrors(row.n, err))
			continue
		}
		claim()
		im.res.Valid++
		if before == nil {
			im.res.Created++
		} else {
			im.res.Updated++
		}
	}
	return nil
}

// readProducerRow overlays the row's cells on in: columns the file lacks
// keep in's values, so that a file with a few columns updates just those.
func readProducerRow(h *header, c []string, in *ProducerInput, errs *apperr.Errs) {
	text := func(field string, dst *string) {
		if h.has(field) {
			*dst = h.cell(c, field)
		}
	}
	text("name", &in.Name)
	text("registration_no", &in.RegistrationNo)
	text("representative", &in.Representative)
	text("phone", &in.Phone)
	text("email", &in.Email)
	text("website", &in.Website)
	text("address_line", &in.AddressLine)
	text("description", &in.Description)
	if h.has("kind") {
		in.Kind = lookupLabel(h.cell(c, "kind"), kindNames, kindAliases)
	}
	if h.has("status") {
		in.Status = lookupLabel(h.cell(c, "status"), statusNames, nil)
	}
	if h.has("commune_code") {
		in.CommuneCode = normCode(h.cell(c, "commune_code"), 5)
	}
	if h.has("legacy_district_code") {
		in.LegacyDistrictCode = normCode(h.cell(c, "legacy_district_code"), 3)
	}
	if h.has("legacy_commune_code") {
		in.LegacyCommuneCode = normCode(h.cell(c, "legacy_commune_code"), 5)
	}
	if h.has("latitude") {
		in.Latitude = cellFloat(errs, "latitude", h.cell(c, "latitude"))
	}
	if h.has("longitude") {
		in.Longitude = cellFloat(errs, "longitude", h.cell(c, "longitude"))
	}
	for _, b := range []struct {
		field string
		dst   *bool
	}{{"women_led", &in.WomenLed}, {"ethnic_minority_led", &in.EthnicMinorityLed}} {
		if h.has(b.field) {
			v, ok := parseBool(h.cell(c, b.field))
			if !ok {
				errs.Add(b.field, "transfer.err_yes_no")
			}
			*b.dst = v
		}
	}
	for _, n := range []struct {
		field string
		dst   *int
	}{{"workers_total", &in.WorkersTotal}, {"workers_women", &in.WorkersWomen}, {"workers_ethnic", &in.WorkersEthnic}} {
		if h.has(n.field) {
			*n.dst = cellInt(errs, n.field, h.cell(c, n.field))
		}
	}
}

func producerInputOf(x Producer) ProducerInput {
	return ProducerInput{
		Kind: x.Kind, Name: x.Name, RegistrationNo: x.RegistrationNo, Representative: x.Representative, Phone: x.Phone,
		Email: x.Email, Website: x.Website, CommuneCode: x.CommuneCode, LegacyDistrictCode: x.LegacyDistrictCode,
		LegacyCommuneCode: x.LegacyCommuneCode, AddressLine: x.AddressLine, Latitude: x.Latitude, Longitude: x.Longitude,
		WomenLed: x.WomenLed, EthnicMinorityLed: x.EthnicMinorityLed, WorkersTotal: x.WorkersTotal, WorkersWomen: x.WorkersWomen,
		WorkersEthnic: x.WorkersEthnic, Description: x.Description, Status: x.Status, Version: x.Version,
	}
}

func sameFloat(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func sameProducer(x Producer, in ProducerInput) bool {
	return x.Kind == in.Kind && x.Name == in.Name && x.RegistrationNo == in.RegistrationNo && x.Representative == in.Representative &&
		x.Phone == in.Phone && x.Email == in.Email && x.Website == in.Website && x.CommuneCode == in.CommuneCode &&
		x.LegacyDistrictCode == in.LegacyDistrictCode && x.LegacyCommuneCode == in.LegacyCommuneCode && x.AddressLine == in.AddressLine &&
		sameFloat(x.Latitude, in.Latitude) && sameFloat(x.Longitude, in.Longitude) && x.WomenLed == in.WomenLed &&
		x.EthnicMinorityLed == in.EthnicMinorityLed && x.WorkersTotal == in.WorkersTotal && x.WorkersWomen == in.WorkersWomen &&
		x.WorkersEthnic == in.WorkersEthnic && x.Description == in.Description && x.Status == in.Status
}

func producerByRegNo(ctx context.Context, q db.Queryer, reg string) (Producer, error) {
	x, err := scanProducer(q.QueryRowContext(ctx, "SELECT "+producerCols+" FROM producers p WHERE p.registration_no = ?", reg), false)
	if err != nil {
		return x, db.Scan(err, "err.producer_not_found")
	}
	return x, nil
}

// updateProducer writes an imported change to a producer checked by the
// caller, as UpdateProducer does for a form.
func (im *importer) updateProducer(ctx context.Context, before Producer, in ProducerInput) error {
	_, err := im.s.saveProducer(ctx, im.tx, im.p, before, in, before.Version)
	return err
}

// productLookups holds what product rows refer to, loaded in a few
// queries for the whole file rather than row by row.
type productLookups struct {
	producerByID  map[int64]Producer
	producerByReg map[string]Producer
	byCode        map[string]Product
	gtinOwner     map[string]int64 // GTIN → product id
	villages      map[int64]string // craft village id → name
	fileCodes     map[string]bool  // codes typed in the file, never allocated
}

func (im *importer) loadProductLookups(ctx context.Context, rows []tableRow) (*productLookups, error) {
	h, tx := im.h, im.tx
	l := &productLookups{producerByID: map[int64]Producer{}, producerByReg: map[string]Producer{}, byCode: map[string]Product{},
		gtinOwner: map[string]int64{}, villages: map[int64]string{}, fileCodes: map[string]bool{}}
	var ids, regs, codes, gtins, villages []any
	seen := map[string]bool{}
	add := func(list *[]any, kind string, v any) {
		k := fmt.Sprint(kind, ":", v)
		if !seen[k] {
			seen[k] = true
			*list = append(*list, v)
		}
	}
	var ignore apperr.Errs
	for _, row := range rows {
		c := row.cells
		if id := cellID(&ignore, "", h.cell(c, "producer_id")); id != 0 {
			add(&ids, "p", id)
		}
		if reg := strings.ToUpper(strings.TrimSpace(h.cell(c, "producer_registration_no"))); reg != "" {
			add(&regs, "r", reg)
		}
		if code := strings.ToUpper(strings.TrimSpace(h.cell(c, "code"))); code != "" && !isExampleRow(code) {
			add(&codes, "c", code)
			l.fileCodes[code] = true
		}
		if g := normNumberCode(h.cell(c, "gtin")); g != "" {
			add(&gtins, "g", g)
		}
		if v := cellID(&ignore, "", h.cell(c, "craft_village_id")); v != 0 {
			add(&villages, "v", v)
		}
	}
	err := inChunks(ids, func(args []any) error {
		return eachRow(ctx, tx, "SELECT "+producerCols+" FROM producers p WHERE p.id IN ("+db.Placeholders(len(args))+")", args, func(sc scanner) error {
			x, err := scanProducer(sc, false)
			l.producerByID[x.ID] = x
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	err = inChunks(regs, func(args []any) error {
		return eachRow(ctx, tx, "SELECT "+producerCols+" FROM producers p WHERE p.registration_no IN ("+db.Placeholders(len(args))+")", args, func(sc scanner) error {
			x, err := scanProducer(sc, false)
			l.producerByReg[x.RegistrationNo] = x
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	err = inChunks(codes, func(args []any) error {
		return eachRow(ctx, tx, "SELECT "+productCols+productFrom+" WHERE p.code IN ("+db.Placeholders(len(args))+")", args, func(sc scanner) error {
			x, err := scanProduct(sc)
			l.byCode[x.Code] = x
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	// The producers of products being updated, for rows that name none.
	var more []any
	for _, x := range l.byCode {
		if _, ok := l.producerByID[x.ProducerID]; !ok {
			add(&more, "p", x.ProducerID)
		}
	}
	err = inChunks(more, func(args []any) error {
		return eachRow(ctx, tx, "SELECT "+producerCols+" FROM producers p WHERE p.id IN ("+db.Placeholders(len(args))+")", args, func(sc scanner) error {
			x, err := scanProducer(sc, false)
			l.producerByID[x.ID] = x
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	err = inChunks(gtins, func(args []any) error {
		return eachRow(ctx, tx, "SELECT gtin, id FROM products WHERE gtin IN ("+db.Placeholders(len(args))+")", args, func(sc scanner) error {
			var g string
			var id int64
			err := sc.Scan(&g, &id)
			l.gtinOwner[g] = id
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	err = inChunks(villages, func(args []any) error {
		return eachRow(ctx, tx, "SELECT id, name FROM craft_villages WHERE id IN ("+db.Placeholders(len(args))+")", args, func(sc scanner) error {
			var id int64
			var name string
			err := sc.Scan(&id, &name)
			l.villages[id] = name
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

type scanner interface{ Scan(...any) error }

func inChunks(all []any, fn func([]any) error) error {
	for len(all) > 0 {
		n := min(len(all), importChunk)
		if err := fn(all[:n]); err != nil {
			return err
		}
		all = all[n:]
	}
	return nil
}

func eachRow(ctx context.Context, q db.Queryer, query string, args []any, fn func(scanner) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// products imports product rows: a row whose code is on record updates that
// product, any other row creates one (allocating a code when none is given).
func (im *importer) products(ctx context.Context, rows []tableRow) error {
	h, tx, p := im.h, im.tx, im.p
	l, err := im.loadProductLookups(ctx, rows)
	if err != nil {
		return err
	}
	codes, gtins := claims{}, claims{}
	for _, row := range rows {
		c := row.cells
		if isExampleRow(firstCell(c)) {
			continue
		}
		var errs apperr.Errs
		code := strings.ToUpper(strings.TrimSpace(h.cell(c, "code")))
		if first := codes.by(code); first != 0 {
			errs.Add("code", "transfer.err_duplicate_in_file", first)
		}
		var before *Product
		if x, ok := l.byCode[code]; ok && code != "" {
			before = &x
		}
		// The producer: by ID, by registration number, or the product's own.
		var producer *Producer
		producerField := "producer_registration_no"
		pid := cellID(&errs, "producer_id", h.cell(c, "producer_id"))
		reg := strings.ToUpper(strings.TrimSpace(h.cell(c, "producer_registration_no")))
		if pid != 0 {
			producerField = "producer_id"
			if x, ok := l.producerByID[pid]; ok {
				producer = &x
			} else {
				errs.Add("producer_id", "err.producer_not_found")
			}
		}
		if reg != "" {
			x, ok := l.producerByReg[reg]
			switch {
			case !ok:
				errs.Add("producer_registration_no", "err.producer_not_found_by_regno", reg)
			case producer != nil && producer.ID != x.ID:
				errs.Add("producer_registration_no", "transfer.err_producer_mismatch", reg, pid)
			case producer == nil && pid == 0:
				producerField = "producer_registration_no"
				producer = &x
			}
		}
		if pid == 0 && reg == "" {
			if before != nil {
				x := l.producerByID[before.ProducerID]
				producer = &x
			} else {
				errs.Add("producer_registration_no", "err.required")
			}
		}
		if before != nil && producer != nil && producer.ID != before.ProducerID {
			errs.Add(producerField, "transfer.err_producer_change", before.Code)
			producer = nil
		}
		if producer != nil && !canManage(p, producer.CommuneCode, producer.ID) {
			errs.Add(producerField, "err.out_of_scope")
			producer = nil
		}
		in := ProductInput{Code: code}
		if before != nil {
			in = productInputOf(*before)
		}
		readProductRow(h, c, &in, &errs)
		if first := gtins.by(in.GTIN); first != 0 {
			errs.Add("gtin", "transfer.err_duplicate_in_file", first)
		}
		// The row is checked even without its producer, so that all its
		// problems are reported at once.
		var owner Producer
		if producer != nil {
			owner = *producer
			in.ProducerID = producer.ID
		}
		if err := im.s.validateProduct(ctx, tx, &in, owner); err != nil {
			e := apperr.As(err)
			if e == nil {
				return err
			}
			errs = append(errs, e.Fields...)
		}
		if producer == nil && len(errs) == 0 {
			errs.Add(producerField, "err.producer_not_found")
		}
		if holder, ok := l.gtinOwner[in.GTIN]; ok && in.GTIN != "" && (before == nil || holder != before.ID) {
			errs.Add("gtin", "err.gtin_taken", in.GTIN)
		}
		if len(errs) > 0 {
			im.fail(h.rowErrors(row.n, errs.Err()))
			continue
		}
		// Values are claimed before the write: creations are written in
		// batches, and rows further down must see them.
		codes.claim(in.Code, row.n)
		gtins.claim(in.GTIN, row.n)
		if before != nil && sameProduct(*before, in) {
			im.res.Valid++
			im.res.Unchanged++
			continue
		}
		if before != nil && before.GTIN != in.GTIN {
			delete(l.gtinOwner, before.GTIN)
		}
		if in.GTIN != "" {
			l.gtinOwner[in.GTIN] = -1
			if before != nil {
				l.gtinOwner[in.GTIN] = before.ID
			}
		}
		if before == nil {
			if err := im.queueProduct(ctx, l, row.n, *producer, in); err != nil {
				return err
			}
			continue
		}
		// Writes keep the order of the rows.
		if err := im.flushProducts(ctx); err != nil {
			return err
		}
		if err := im.updateProduct(ctx, l, *producer, *before, in); err != nil {
			if !rowFault(err) {
				return err
			}
			im.fail(h.rowErrors(row.n, err))
			continue
		}
		im.res.Valid++
		im.res.Updated++
	}
	if err := im.flushProducts(ctx); err != nil {
		return err
	}
	return im.saveSequences(ctx)
}

func readProductRow(h *header, c []string, in *ProductInput, errs *apperr.Errs) {
	text := func(field string, dst *string) {
		if h.has(field) {
			*dst = h.cell(c, field)
		}
	}
	text("name", &in.Name)
	text("name_en", &in.NameEn)
	text("brand", &in.Brand)
	text("description", &in.Description)
	text("description_en", &in.DescriptionEn)
	text("ingredients", &in.Ingredients)
	text("raw_material_area", &in.RawMaterialArea)
	if h.has("category_code") {
		in.CategoryCode = strings.TrimSpace(h.cell(c, "category_code"))
	}
	if h.has("gtin") {
		in.GTIN = normNumberCode(h.cell(c, "gtin"))
	}
	if h.has("status") {
		in.Status = lookupLabel(h.cell(c, "status"), statusNames, nil)
	}
	if h.has("craft_village_id") {
		in.CraftVillageID = nil
		if id := cellID(errs, "craft_village_id", h.cell(c, "craft_village_id")); id != 0 {
			in.CraftVillageID = &id
		}
	}
}

func productInputOf(x Product) ProductInput {
	return ProductInput{
		ProducerID: x.ProducerID, Code: x.Code, Name: x.Name, NameEn: x.NameEn, CategoryCode: x.CategoryCode, Brand: x.Brand,
		GTIN: x.GTIN, Description: x.Description, DescriptionEn: x.DescriptionEn, Ingredients: x.Ingredients,
		RawMaterialArea: x.RawMaterialArea, CraftVillageID: x.CraftVillageID, Status: x.Status, Version: x.Version,
	}
}

func sameID(a, b *int64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func sameProduct(x Product, in ProductInput) bool {
	return x.Code == in.Code && x.Name == in.Name && x.NameEn == in.NameEn && x.CategoryCode == in.CategoryCode && x.Brand == in.Brand &&
		x.GTIN == in.GTIN && x.Description == in.Description && x.DescriptionEn == in.DescriptionEn && x.Ingredients == in.Ingredients &&
		x.RawMaterialArea == in.RawMaterialArea && sameID(x.CraftVillageID, in.CraftVillageID) && x.Status == in.Status
}

func (im *importer) villageName(ctx context.Context, l *productLookups, id *int64) (string, error) {
	if id == nil {
		return "", nil
	}
	if name, ok := l.villages[*id]; ok {
		return name, nil
	}
	var name string
	if err := im.tx.QueryRowContext(ctx, "SELECT name FROM craft_villages WHERE id = ?", *id).Scan(&name); err != nil {
		return "", db.Scan(err, "err.craft_village_not_found")
	}
	l.villages[*id] = name
	return name, nil
}

// productBatch is the number of new products written by one statement.
const productBatch = 100

// pendingProduct is a checked product row waiting to be written.
type pendingProduct struct {
	row      int
	producer Producer
	in       ProductInput
	village  string
	key      string
}

// queueProduct completes a checked new product (its code, its search key)
// and queues it for writing.
func (im *importer) queueProduct(ctx context.Context, l *productLookups, row int, producer Producer, in ProductInput) error {
	if in.Code == "" {
		code, err := im.allocateCode(ctx, l, producer.CommuneCode, in.Year)
		if err != nil {
			return err
		}
		in.Code = code
	}
	village, err := im.villageName(ctx, l, in.CraftVillageID)
	if err != nil {
		return err
	}
	key := textfold.Key(in.Name, in.NameEn, in.Brand, producer.Name, village, in.Code, in.GTIN)
	im.pending = append(im.pending, pendingProduct{row: row, producer: producer, in: in, village: village, key: key})
	if len(im.pending) >= productBatch {
		return im.flushProducts(ctx)
	}
	return nil
}

// flushProducts writes the queued products, a batch in one savepoint. If
// the database refuses the batch, it is undone and its rows are written
// again one by one, each in its own savepoint, so that only the rows at
// fault are reported and left out.
func (im *importer) flushProducts(ctx context.Context) error {
	batch := im.pending
	im.pending = nil
	if len(batch) == 0 {
		return nil
	}
	err := im.tx.Savepoint(ctx, "import_batch", func() error { return im.insertProducts(ctx, batch) })
	if err == nil {
		im.res.Valid += len(batch)
		im.res.Created += len(batch)
		return nil
	}
	if !rowFault(err) || len(batch) == 1 {
		if !rowFault(err) {
			return err
		}
		im.fail(im.h.rowErrors(batch[0].row, err))
		return nil
	}
	for _, pp := range batch {
		one := []pendingProduct{pp}
		if err := im.tx.Savepoint(ctx, "import_row", func() error { return im.insertProducts(ctx, one) }); err != nil {
			if !rowFault(err) {
				return err
			}
			im.fail(im.h.rowErrors(pp.row, err))
			continue
		}
		im.res.Valid++
		im.res.Created++
	}
	return nil
}

// insertProducts inserts checked products with one statement and writes
// their audit rows, as CreateProductTx does for a form.
func (im *importer) insertProducts(ctx context.Context, batch []pendingProduct) error {
	tx, s := im.tx, im.s
	now := s.stamp()
	var q strings.Builder
	q.WriteString(`INSERT INTO products (code, producer_id, name, name_en, category_version, category_code, brand, gtin,
		description, description_en, ingredients, raw_material_area, craft_village_id, status, search_key, created_at, updated_at, version) VALUES `)
	args := make([]any, 0, 17*len(batch))
	for i, pp := range batch {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)")
		in := pp.in
		args = append(args, in.Code, pp.producer.ID, in.Name, in.NameEn, s.cats.Version, in.CategoryCode, in.Brand, db.NullString(in.GTIN),
			in.Description, in.DescriptionEn, in.Ingredients, in.RawMaterialArea, in.CraftVillageID, in.Status, pp.key, now, now)
	}
	// RETURNING gives rows in no promised order; the code ties each id to
	// its row.
	q.WriteString(" RETURNING id, code")
	ids := make(map[string]int64, len(batch))
	err := eachRow(ctx, tx, q.String(), args, func(sc scanner) error {
		var id int64
		var code string
		err := sc.Scan(&id, &code)
		ids[code] = id
		return err
	})
	if err != nil {
		// Constraint errors may surface while reading the rows; db.Scan
		// classifies them like any other driver error.
		return productConflict(db.Scan(err, "err.product_not_found"), batch[0].in)
	}
	for _, pp := range batch {
		in, producer := pp.in, pp.producer
		id, ok := ids[in.Code]
		if !ok {
			return fmt.Errorf("insert products: no id returned for %s", in.Code)
		}
		// The record as stored, built here rather than read back.
		out := Product{ID: id, Code: in.Code, ProducerID: producer.ID, ProducerName: producer.Name, CommuneCode: producer.CommuneCode,
			Name: in.Name, NameEn: in.NameEn, CategoryVersion: s.cats.Version, CategoryCode: in.CategoryCode, Brand: in.Brand,
			GTIN: in.GTIN, Description: in.Description, DescriptionEn: in.DescriptionEn, Ingredients: in.Ingredients,
			RawMaterialArea: in.RawMaterialArea, CraftVillageID: in.CraftVillageID, CraftVillage: pp.village, Status: in.Status,
			CreatedAt: now, UpdatedAt: now, Version: 1}
		if err := account.Audit(ctx, tx, im.p, "product.create", "product", id, producer.CommuneCode, nil, out); err != nil {
			return err
		}
	}
	return nil
}

// updateProduct writes a checked change to a product, as UpdateProduct
// does for a form.
func (im *importer) updateProduct(ctx context.Context, l *productLookups, producer Producer, before Product, in ProductInput) error {
	tx, s := im.tx, im.s
	village, err := im.villageName(ctx, l, in.CraftVillageID)
	if err != nil {
		return err
	}
	key := textfold.Key(in.Name, in.NameEn, in.Brand, producer.Name, village, in.Code, in.GTIN)
	now := s.stamp()
	return tx.Savepoint(ctx, "import_row", func() error {
		if err := s.execProductUpdate(ctx, tx, before.ID, before.Version, in, key); err != nil {
			return err
		}
		after := before
		after.Name, after.NameEn, after.CategoryCode, after.Brand, after.GTIN = in.Name, in.NameEn, in.CategoryCode, in.Brand, in.GTIN
		after.Description, after.DescriptionEn, after.Ingredients, after.RawMaterialArea = in.Description, in.DescriptionEn, in.Ingredients, in.RawMaterialArea
		after.CraftVillageID, after.CraftVillage, after.Status, after.UpdatedAt, after.Version = in.CraftVillageID, village, in.Status, now, before.Version+1
		return account.Audit(ctx, tx, im.p, "product.update", "product", before.ID, producer.CommuneCode, before, after)
	})
}

// codeSeq allocates product codes of one commune and year for an import:
// the sequence row is taken (and locked) once, numbers are handed out in
// memory, skipping codes already used, and the last one is stored at the
// end, instead of two statements per product.
type codeSeq struct {
	province string
	last     int
	start    int
	taken    map[string]bool
}

func (im *importer) allocateCode(ctx context.Context, l *productLookups, commune string, year int) (string, error) {
	scope := fmt.Sprintf("product:%s:%d", commune, year)
	if im.seqs == nil {
		im.seqs = map[string]*codeSeq{}
	}
	sq, ok := im.seqs[scope]
	if !ok {
		w, ok := im.s.units.Ward(commune)
		if !ok {
			return "", apperr.Fields(apperr.Field("commune_code", "err.commune_unknown", commune))
		}
		n, err := nextSequence(ctx, im.tx, scope)
		if err != nil {
			return "", err
		}
		sq = &codeSeq{province: w.ProvinceCode, last: n - 1, start: n, taken: map[string]bool{}}
		pattern := fmt.Sprintf("%s-%s-%%-%d", w.ProvinceCode, commune, year)
		err = eachRow(ctx, im.tx, "SELECT code FROM products WHERE code LIKE ?", []any{pattern}, func(sc scanner) error {
			var code string
			err := sc.Scan(&code)
			sq.taken[code] = true
			return err
		})
		if err != nil {
			return "", err
		}
		im.seqs[scope] = sq
	}
	for {
		sq.last++
		code := fmt.Sprintf("%s-%s-%03d-%d", sq.province, commune, sq.last, year)
		if !sq.taken[code] && !l.fileCodes[code] {
			sq.taken[code] = true
			return code, nil
		}
	}
}

// saveSequences stores the last number each sequence handed out.
func (im *importer) saveSequences(ctx context.Context) error {
	for scope, sq := range im.seqs {
		if sq.last > sq.start {
			if _, err := im.tx.ExecContext(ctx, "UPDATE code_sequences SET last = ? WHERE scope = ? AND last < ?", sq.last, scope, sq.last); err != nil {
				return err
			}
		}
	}
	return nil
}
