package registry

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/apperr"
	"ocop/internal/db"
	"ocop/internal/textfold"
)

// Product is a product registered by a producer, classified under a leaf of
// the classification (which decides its official scorecard).
type Product struct {
	ID              int64     `json:"id"`
	Code            string    `json:"code"` // (T)-(X)-(STT)-(year), e.g. 01-00004-007-2026
	ProducerID      int64     `json:"producer_id"`
	ProducerName    string    `json:"producer_name"`
	CommuneCode     string    `json:"commune_code"`
	Name            string    `json:"name"`
	NameEn          string    `json:"name_en,omitempty"`
	CategoryVersion string    `json:"category_version"`
	CategoryCode    string    `json:"category_code"`
	Brand           string    `json:"brand"`
	GTIN            string    `json:"gtin,omitempty"`
	Description     string    `json:"description"`
	DescriptionEn   string    `json:"description_en,omitempty"`
	Ingredients     string    `json:"ingredients"`
	RawMaterialArea string    `json:"raw_material_area"`
	CraftVillageID  *int64    `json:"craft_village_id,omitempty"`
	CraftVillage    string    `json:"craft_village,omitempty"`
	Status          string    `json:"status"`
	Images          []Image   `json:"images,omitempty"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
	Version         int       `json:"version"`
}

// ProductInput is what a form, the API or an import row gives.
type ProductInput struct {
	ProducerID      int64  `json:"producer_id"`
	Code            string `json:"code"` // optional: allocated when empty
	Name            string `json:"name"`
	NameEn          string `json:"name_en"`
	CategoryCode    string `json:"category_code"`
	Brand           string `json:"brand"`
	GTIN            string `json:"gtin"`
	Description     string `json:"description"`
	DescriptionEn   string `json:"description_en"`
	Ingredients     string `json:"ingredients"`
	RawMaterialArea string `json:"raw_material_area"`
	CraftVillageID  *int64 `json:"craft_village_id"`
	Status          string `json:"status"`
	// Year of the product code when allocated (default: this year).
	Year    int `json:"year"`
	Version int `json:"version"`
}

func (s *Service) validateProduct(ctx context.Context, q db.Queryer, in *ProductInput, producer Producer) error {
	var errs apperr.Errs
	checkText(&errs, "name", &in.Name, 300, true)
	checkText(&errs, "name_en", &in.NameEn, 300, false)
	checkText(&errs, "brand", &in.Brand, 200, false)
	checkText(&errs, "description", &in.Description, 10000, false)
	checkText(&errs, "description_en", &in.DescriptionEn, 10000, false)
	checkText(&errs, "ingredients", &in.Ingredients, 5000, false)
	checkText(&errs, "raw_material_area", &in.RawMaterialArea, 1000, false)
	in.CategoryCode = strings.TrimSpace(in.CategoryCode)
	c, ok := s.cats.Get(in.CategoryCode)
	switch {
	case in.CategoryCode == "":
		errs.Add("category_code", "err.required")
	case !ok:
		errs.Add("category_code", "err.category_unknown", in.CategoryCode)
	case !c.Leaf():
		errs.Add("category_code", "err.category_not_leaf", c.Name)
	case TourismOnly(producer.Kind) && !strings.HasPrefix(c.Code, "VI"):
		errs.Add("category_code", "err.category_tourism_only")
	}
	in.GTIN = strings.TrimSpace(in.GTIN)
	if in.GTIN != "" {
		if err := ValidGTIN13(in.GTIN); err != nil {
			errs.Add("gtin", err.Error())
		}
	}
	in.Code = strings.ToUpper(strings.TrimSpace(in.Code))
	if in.Code != "" {
		if _, _, _, _, err := ParseProductCode(in.Code); err != nil {
			errs.Add("code", "err.product_code_format")
		}
	}
	if in.Status == "" {
		in.Status = StatusActive
	}
	if in.Status != StatusDraft && in.Status != StatusActive && in.Status != StatusInactive {
		errs.Add("status", "err.status_unknown")
	}
	if in.Year == 0 {
		in.Year = s.now().Year()
	}
	if in.Year < 2018 || in.Year > s.now().Year()+1 {
		errs.Add("year", "err.year_range")
	}
	if in.CraftVillageID != nil {
		var n int
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM craft_villages WHERE id = ?", *in.CraftVillageID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			errs.Add("craft_village_id", "err.craft_village_not_found")
		}
	}
	return errs.Err()
}

// ValidGTIN13 checks a GTIN-13 (EAN-13) and its check digit. The error text
// is a translation key.
func ValidGTIN13(g string) error {
	if len(g) != 13 {
		return fmt.Errorf("err.gtin_length")
	}
	sum := 0
	for i := 0; i < 13; i++ {
		c := g[i]
		if c < '0' || c > '9' {
			return fmt.Errorf("err.gtin_digits")
		}
		if i == 12 {
			break
		}
		d := int(c - '0')
		if i%2 == 1 {
			d *= 3
		}
		sum += d
	}
	if check := (10 - sum%10) % 10; int(g[12]-'0') != check {
		return fmt.Errorf("err.gtin_check_digit")
	}
	return nil
}

// ParseProductCode splits a product code (T)-(X)-(STT)-(year).
func ParseProductCode(code string) (province, commune string, seq, year int, err error) {
	parts := strings.Split(code, "-")
	if len(parts) != 4 || len(parts[0]) != 2 || len(parts[1]) != 5 || len(parts[2]) < 1 || len(parts[2]) > 5 || len(parts[3]) != 4 {
		return "", "", 0, 0, fmt.Errorf("product code %q: want (T)-(X)-(STT)-(year)", code)
	}
	for _, p := range parts {
		for _, c := range p {
			if c < '0' || c > '9' {
				return "", "", 0, 0, fmt.Errorf("product code %q: digits only", code)
			}
		}
	}
	// Atoi, not Sscan: a leading zero must not read as octal ("008" is 8).
	seq, _ = strconv.Atoi(parts[2])
	year, _ = strconv.Atoi(parts[3])
	return parts[0], parts[1], seq, year, nil
}

// nextSequence allocates the next number of a named sequence in tx.
func nextSequence(ctx context.Context, tx *db.Tx, scope string) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `INSERT INTO code_sequences (scope, last) VALUES (?, 1)
		ON CONFLICT (scope) DO UPDATE SET last = code_sequences.last + 1 RETURNING last`, scope).Scan(&n)
	return n, err
}

// allocateCode gives a new product code for the producer's commune and year.
func (s *Service) allocateCode(ctx context.Context, tx *db.Tx, commune string, year int) (string, error) {
	w, ok := s.units.Ward(commune)
	if !ok {
		return "", apperr.Fields(apperr.Field("commune_code", "err.commune_unknown", commune))
	}
	for {
		n, err := nextSequence(ctx, tx, fmt.Sprintf("product:%s:%d", commune, year))
		if err != nil {
			return "", err
		}
		code := fmt.Sprintf("%s-%s-%03d-%d", w.ProvinceCode, commune, n, year)
		// Codes typed in by imports may already hold this number; skip them.
		var taken int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM products WHERE code = ?", code).Scan(&taken); err != nil {
			return "", err
		}
		if taken == 0 {
			return code, nil
		}
	}
}

func (s *Service) productKey(ctx context.Context, q db.Queryer, in *ProductInput, producerName, code string) (string, error) {
	village := ""
	if in.CraftVillageID != nil {
		if err := q.QueryRowContext(ctx, "SELECT name FROM craft_villages WHERE id = ?", *in.CraftVillageID).Scan(&village); err != nil {
			return "", db.Scan(err, "err.craft_village_not_found")
		}
	}
	return textfold.Key(in.Name, in.NameEn, in.Brand, producerName, village, code, in.GTIN), nil
}

// CreateProduct registers a product for a producer p may manage.
func (s *Service) CreateProduct(ctx context.Context, p *account.Principal, in ProductInput) (Product, error) {
	var out Product
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		out, err = s.CreateProductTx(ctx, tx, p, in)
		return err
	})
	return out, err
}

// CreateProductTx is CreateProduct inside a caller's transaction.
func (s *Service) CreateProductTx(ctx context.Context, tx *db.Tx, p *account.Principal, in ProductInput) (Product, error) {
	if in.ProducerID == 0 {
		return Product{}, apperr.Fields(apperr.Field("producer_id", "err.required"))
	}
	producer, err := s.producer(ctx, tx, in.ProducerID)
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			return Product{}, apperr.Fields(apperr.Field("producer_id", "err.producer_not_found"))
		}
		return Product{}, err
	}
	if !canManage(p, producer.CommuneCode, producer.ID) {
		return Product{}, forbidden()
	}
	if p.Is(account.RoleProducer) {
		in.Status = StatusDraft // a producer's own entry waits for the commune
		in.Code = ""            // product codes are public identifiers the platform allocates
	}
	if err := s.validateProduct(ctx, tx, &in, producer); err != nil {
		return Product{}, err
	}
	code := in.Code
	if code == "" {
		if code, err = s.allocateCode(ctx, tx, producer.CommuneCode, in.Year); err != nil {
			return Product{}, err
		}
	}
	key, err := s.productKey(ctx, tx, &in, producer.Name, code)
	if err != nil {
		return Product{}, err
	}
	now := s.stamp()
	id, err := db.Insert(ctx, tx, `INSERT INTO products (code, producer_id, name, name_en, category_version, category_code, brand, gtin,
		description, description_en, ingredients, raw_material_area, craft_village_id, status, search_key, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
		code, in.ProducerID, in.Name, in.NameEn, s.cats.Version, in.CategoryCode, in.Brand, db.NullString(in.GTIN),
		in.Description, in.DescriptionEn, in.Ingredients, in.RawMaterialArea, in.CraftVillageID, in.Status, key, now, now)
	if err != nil {
		return Product{}, productConflict(err, in)
	}
	out, err := s.product(ctx, tx, id)
	if err != nil {
		return Product{}, err
	}
	return out, account.Audit(ctx, tx, p, "product.create", "product", id, producer.CommuneCode, nil, out)
}

func productConflict(err error, in ProductInput) error {
	if name, ok := db.IsUnique(err); ok {
		if strings.Contains(name, "gtin") {
			return apperr.Fields(apperr.Field("gtin", "err.gtin_taken", in.GTIN))
		}
		return apperr.Fields(apperr.Field("code", "err.product_code_taken", in.Code))
	}
	return fmt.Errorf("save product: %w", err)
}

// UpdateProduct changes a product; the producer cannot be changed, and a
// producer account cannot change the status.
func (s *Service) UpdateProduct(ctx context.Context, p *account.Principal, id int64, in ProductInput) (Product, error) {
	var out Product
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		before, err := s.product(ctx, tx, id)
		if err != nil {
			return err
		}
		if !canManage(p, before.CommuneCode, before.ProducerID) {
			return forbidden()
		}
		producer, err := s.producer(ctx, tx, before.ProducerID)
		if err != nil {
			return err
		}
		in.ProducerID = before.ProducerID
		if p.Is(account.RoleProducer) {
			in.Status, in.Code = before.Status, before.Code
		}
		if in.Code == "" {
			in.Code = before.Code
		}
		if err := s.validateProduct(ctx, tx, &in, producer); err != nil {
			return err
		}
		key, err := s.productKey(ctx, tx, &in, producer.Name, in.Code)
		if err != nil {
			return err
		}
		if err := s.execProductUpdate(ctx, tx, id, in.Version, in, key); err != nil {
			return err
		}
		if out, err = s.product(ctx, tx, id); err != nil {
			return err
		}
		return account.Audit(ctx, tx, p, "product.update", "product", id, out.CommuneCode, before, out)
	})
	return out, err
}

// execProductUpdate writes a product's fields with the version the edit
// started from: the one UPDATE of forms, the API and imports.
func (s *Service) execProductUpdate(ctx context.Context, tx *db.Tx, id int64, version int, in ProductInput, key string) error {
	res, err := tx.ExecContext(ctx, `UPDATE products SET code = ?, name = ?, name_en = ?, category_code = ?, brand = ?, gtin = ?,
		description = ?, description_en = ?, ingredients = ?, raw_material_area = ?, craft_village_id = ?, status = ?,
		search_key = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		in.Code, in.Name, in.NameEn, in.CategoryCode, in.Brand, db.NullString(in.GTIN), in.Description, in.DescriptionEn,
		in.Ingredients, in.RawMaterialArea, in.CraftVillageID, in.Status, key, s.stamp(), id, version)
	if err != nil {
		return productConflict(err, in)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.Conflict, "err.stale")
	}
	return nil
}

// reindexProducts recomputes the search keys of the products matching cond
// (after a producer or craft village was renamed).
func (s *Service) reindexProducts(ctx context.Context, tx *db.Tx, cond string, args ...any) error {
	rows, err := tx.QueryContext(ctx, `SELECT p.id, p.code, p.name, p.name_en, p.brand, COALESCE(p.gtin, ''), pr.name, COALESCE(v.name, '')
		FROM products p JOIN producers pr ON pr.id = p.producer_id LEFT JOIN craft_villages v ON v.id = p.craft_village_id WHERE `+cond, args...)
	if err != nil {
		return err
	}
	type upd struct {
		id  int64
		key string
	}
	var ups []upd
	for rows.Next() {
		var id int64
		var code, name, nameEn, brand, gtin, producer, village string
		if err := rows.Scan(&id, &code, &name, &nameEn, &brand, &gtin, &producer, &village); err != nil {
			rows.Close()
			return err
		}
		ups = append(ups, upd{id, textfold.Key(name, nameEn, brand, producer, village, code, gtin)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, u := range ups {
		if _, err := tx.ExecContext(ctx, "UPDATE products SET search_key = ? WHERE id = ?", u.key, u.id); err != nil {
			return err
		}
	}
	return nil
}

const productCols = `p.id, p.code, p.producer_id, pr.name, pr.commune_code, p.name, p.name_en, p.category_version, p.category_code, p.brand,
	COALESCE(p.gtin, ''), p.description, p.description_en, p.ingredients, p.raw_material_area, p.craft_village_id, COALESCE(v.name, ''),
	p.status, p.created_at, p.updated_at, p.version`

const productFrom = ` FROM products p JOIN producers pr ON pr.id = p.producer_id LEFT JOIN craft_villages v ON v.id = p.craft_village_id`

// productCountFrom is productFrom without the craft-village join, which no
// filter needs: counting and paging stay cheap.
const productCountFrom = ` FROM products p JOIN producers pr ON pr.id = p.producer_id`

func scanProduct(sc interface{ Scan(...any) error }) (Product, error) {
	var x Product
	var village sql.NullInt64
	err := sc.Scan(&x.ID, &x.Code, &x.ProducerID, &x.ProducerName, &x.CommuneCode, &x.Name, &x.NameEn, &x.CategoryVersion, &x.CategoryCode,
		&x.Brand, &x.GTIN, &x.Description, &x.DescriptionEn, &x.Ingredients, &x.RawMaterialArea, &village, &x.CraftVillage,
		&x.Status, &x.CreatedAt, &x.UpdatedAt, &x.Version)
	if village.Valid {
		x.CraftVillageID = &village.Int64
	}
	return x, err
}

func (s *Service) product(ctx context.Context, q db.Queryer, id int64) (Product, error) {
	x, err := scanProduct(q.QueryRowContext(ctx, "SELECT "+productCols+productFrom+" WHERE p.id = ?", id))
	if err != nil {
		return x, db.Scan(err, "err.product_not_found")
	}
	x.Images, err = s.images(ctx, q, id)
	return x, err
}

// Product returns a product p may open in the back office.
func (s *Service) Product(ctx context.Context, p *account.Principal, id int64) (Product, error) {
	x, err := s.product(ctx, s.db, id)
	if err != nil {
		return x, err
	}
	if !canRead(p, x.CommuneCode, x.ProducerID, x.Status) {
		return Product{}, forbidden()
	}
	return x, nil
}

// PublicProduct returns an active product of an active producer for anyone.
func (s *Service) PublicProduct(ctx context.Context, id int64) (Product, error) {
	x, err := scanProduct(s.db.QueryRowContext(ctx, "SELECT "+productCols+productFrom+" WHERE p.id = ? AND p.status = 'active' AND pr.status = 'active'", id))
	if err != nil {
		return x, db.Scan(err, "err.product_not_found")
	}
	x.Images, err = s.images(ctx, s.db, id)
	return x, err
}

// CanManageProduct reports whether p may change the product.
func CanManageProduct(p *account.Principal, x Product) bool {
	return canManage(p, x.CommuneCode, x.ProducerID)
}

// ProductFilter selects products in lists and searches.
type ProductFilter struct {
	Query          string
	Category       string // any level: "I", "I.3", "I.3.c"
	ProducerID     int64
	CommuneCode    string
	LegacyDistrict string
	CraftVillageID int64
	Status         string
	Public         bool // active records of active producers only, whoever asks
	// Newest orders by registration time, latest first (otherwise by name).
	Newest  bool
	Page    int
	PerPage int
}

// ListProducts lists the products p may see, filtered, searched and paged.
// A search matches every word as a prefix of the folded name, brand,
// producer, craft village, code or GTIN, so it ignores diacritics and đ.
func (s *Service) ListProducts(ctx context.Context, p *account.Principal, f ProductFilter) (Page[Product], error) {
	var w where
	if f.Public {
		w.add("p.status = 'active' AND pr.status = 'active'")
	} else {
		cond, args := scopeFilter(p, "pr.commune_code", "p.producer_id", "p.status")
		w.add(cond, args...)
	}
	cond, arg, searching := match(s.db.Dialect(), "products", "p", f.Query)
	if searching {
		w.add(cond, arg)
	} else if strings.TrimSpace(f.Query) != "" {
		page, per := pageArgs(f.Page, f.PerPage)
		return Page[Product]{Page: page, PerPage: per}, nil
	}
	if f.Category != "" {
		w.add("(p.category_code = ? OR p.category_code LIKE ?)", f.Category, strings.ReplaceAll(f.Category, "%", "")+".%")
	}
	if f.ProducerID != 0 {
		w.add("p.producer_id = ?", f.ProducerID)
	}
	if f.CommuneCode != "" {
		w.add("pr.commune_code = ?", f.CommuneCode)
	}
	if f.LegacyDistrict != "" {
		w.add("pr.legacy_district_code = ?", f.LegacyDistrict)
	}
	if f.CraftVillageID != 0 {
		w.add("p.craft_village_id = ?", f.CraftVillageID)
	}
	if f.Status != "" && !f.Public {
		w.add("p.status = ?", f.Status)
	}
	page, per := pageArgs(f.Page, f.PerPage)
	out := Page[Product]{Page: page, PerPage: per}
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*)"+productCountFrom+w.sql(), w.args...).Scan(&out.Total); err != nil {
		return out, err
	}
	order := " ORDER BY p.search_key, p.id"
	var orderArgs []any
	if f.Newest {
		order = " ORDER BY p.created_at DESC, p.id DESC"
	} else if searching {
		// Names that start with the query first, then by name.
		order = " ORDER BY CASE WHEN p.search_key LIKE ? THEN 0 ELSE 1 END, p.search_key, p.id"
		orderArgs = []any{strings.Join(textfold.Tokens(f.Query), " ") + "%"}
	}
	// Deferred join: page through narrow (id, sort key) rows first, then
	// fetch the wide rows of that page only.
	args := append(append(append([]any{}, w.args...), orderArgs...), per, (page-1)*per)
	args = append(args, orderArgs...)
	rows, err := s.db.QueryContext(ctx, "SELECT "+productCols+productFrom+" WHERE p.id IN (SELECT p.id"+productCountFrom+w.sql()+order+
		" LIMIT ? OFFSET ?)"+order, args...)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		x, err := scanProduct(rows)
		if err != nil {
			return out, err
		}
		out.Items = append(out.Items, x)
	}
	return out, rows.Err()
}
