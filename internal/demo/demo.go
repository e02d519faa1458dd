package demo

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"ocop/internal/account"
	"ocop/internal/bootstrap"
	"ocop/internal/db"
	"ocop/internal/registry"
	"ocop/internal/textfold"
)

// Options tune a load.
type Options struct {
	// Progress receives one line per step ("villages 1350/1350"); nil for none.
	Progress io.Writer
	// Seed selects the data set; the same seed gives the same records.
	Seed int64
	// Now is the clock: records are dated up to it and the product years
	// stop at its year. Zero means time.Now().
	Now time.Time
}

// Account is a demo login.
type Account struct {
	Username, Password, Role, Note string
}

// Result summarises a load.
type Result struct {
	Producers, Products, Villages, Users int
	// Stamps is the number of demo stamps (active batches, stamps.go).
	Stamps int
	// SampleSerial is a demo stamp's serial, to try at /q/{serial}.
	SampleSerial string
	// Accounts are the demo logins with their passwords, to print once.
	Accounts []Account
	// History summarises the evaluation history (history.go).
	History  HistoryStats
	Duration time.Duration
}

// ErrNotEmpty is returned (wrapped) when the database already holds
// registry data or demo accounts: demo data goes only into a fresh database.
var ErrNotEmpty = errors.New("the database is not empty")

// The demo accounts. The commune officer covers Bát Tràng's current
// commune; the producer acts for Công ty TNHH Gốm sứ Quang Vinh.
const (
	battrangCommune  = "00577" // Xã Bát Tràng since 1 July 2025
	demoProducerKey  = "quangvinh"
	batchRows        = 500 // rows per multi-row INSERT: 12,500 parameters at most (SQLite allows 32,766, PostgreSQL 65,535)
	progressInterval = 1000
)

// Load generates the demo data and writes it in one transaction. It
// refuses a database that already has producers, products, craft villages
// or any of the demo usernames.
func Load(ctx context.Context, d *db.DB, ref *bootstrap.Reference, accounts *account.Service, reg *registry.Service, opt Options) (Result, error) {
	start := time.Now()
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	opt.Now = opt.Now.UTC().Truncate(time.Second)
	progress := opt.Progress
	if progress == nil {
		progress = io.Discard
	}
	cat, err := loadCatalogue(reg.Categories())
	if err != nil {
		return Result{}, err
	}
	pl, err := generate(cat, ref.Units, opt.Seed, opt.Now)
	if err != nil {
		return Result{}, err
	}
	adminPassword, err := NewPassword()
	if err != nil {
		return Result{}, err
	}
	demoPassword, err := NewPassword()
	if err != nil {
		return Result{}, err
	}
	sets, err := loadHistorySets(ctx, d)
	if err != nil {
		return Result{}, err
	}
	res := Result{Villages: len(pl.villages), Producers: len(pl.producers)}
	err = d.InTx(ctx, func(tx *db.Tx) error {
		if err := refuseNonEmpty(ctx, tx); err != nil {
			return err
		}
		w := &writer{ctx: ctx, tx: tx, now: opt.Now, progress: progress}
		if err := w.villages(pl); err != nil {
			return err
		}
		if err := w.producers(pl); err != nil {
			return err
		}
		n, err := w.products(pl)
		if err != nil {
			return err
		}
		res.Products = n
		if err := w.syncIdentities(); err != nil {
			return err
		}
		res.Accounts, err = w.users(accounts, pl, adminPassword, demoPassword)
		if err != nil {
			return err
		}
		res.Users = len(res.Accounts)
		fmt.Fprintf(progress, "accounts %d/%d\n", res.Users, res.Users)
		var councilMembers []string
		res.History, councilMembers, err = w.history(historyInput{units: ref.Units, cats: reg.Categories(), accounts: accounts,
			password: demoPassword, sets: sets, seed: opt.Seed})
		if err != nil {
			return err
		}
		noteCouncilMembers(res.Accounts, councilMembers)
		if err := w.statsTargets(); err != nil {
			return err
		}
		if err := w.traceDemo(); err != nil {
			return err
		}
		if err := w.market(); err != nil {
			return err
		}
		if res.Stamps, res.SampleSerial, err = w.stamps(); err != nil {
			return err
		}
		return w.audit(opt.Seed, res, pl)
	})
	if err != nil {
		return Result{}, fmt.Errorf("demo: %w", err)
	}
	res.Duration = time.Since(start)
	return res, nil
}

// demoUsernames are the accounts Load creates.
var demoUsernames = []string{"admin", "office", "battrang", "council", "quangvinh", "aeon", "salepoint"}

func refuseNonEmpty(ctx context.Context, tx *db.Tx) error {
	var producers, products, villages, users int
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM producers), (SELECT COUNT(*) FROM products),
		(SELECT COUNT(*) FROM craft_villages)`).Scan(&producers, &products, &villages); err != nil {
		return err
	}
	args := make([]any, len(demoUsernames))
	for i, u := range demoUsernames {
		args[i] = u
	}
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE username IN ("+db.Placeholders(len(args))+")", args...).Scan(&users); err != nil {
		return err
	}
	if producers+products+villages+users > 0 {
		return fmt.Errorf("%w: it has %d producers, %d products, %d craft villages and %d of the demo accounts; demo data goes only into a fresh database",
			ErrNotEmpty, producers, products, villages, users)
	}
	return nil
}

// NewPassword returns a random password that is easy to read aloud and
// type: four groups of four from an alphabet without look-alikes (0/o,
// 1/l/i), about 79 bits.
func NewPassword() (string, error) {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
	// Bytes from 248 up are dropped so that every symbol is equally likely.
	const limit = 256 - 256%len(alphabet)
	var s strings.Builder
	buf := make([]byte, 32)
	for n := 0; n < 16; {
		if _, err := rand.Read(buf); err != nil {
			return "", err
		}
		for _, c := range buf {
			if int(c) >= limit || n == 16 {
				continue
			}
			if n > 0 && n%4 == 0 {
				s.WriteByte('-')
			}
			s.WriteByte(alphabet[int(c)%len(alphabet)])
			n++
		}
	}
	return s.String(), nil
}

// writer inserts the plan inside one transaction.
type writer struct {
	ctx      context.Context
	tx       *db.Tx
	now      time.Time
	progress io.Writer
	// ids of the rows, by index in the plan
	villageIDs  []int64
	producerIDs []int64
}

// nextID returns the id after the largest in table, so that rows can carry
// explicit ids and refer to each other without a round trip per row.
func (w *writer) nextID(table string) (int64, error) {
	var id int64
	err := w.tx.QueryRowContext(w.ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM "+table).Scan(&id)
	return id, err
}

// insert writes rows with multi-row INSERTs, reporting progress as label.
func (w *writer) insert(table string, cols []string, rows [][]any, label string) error {
	row := "(" + db.Placeholders(len(cols)) + ")"
	for start := 0; start < len(rows); start += batchRows {
		end := min(start+batchRows, len(rows))
		var b strings.Builder
		fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", table, strings.Join(cols, ", "))
		args := make([]any, 0, (end-start)*len(cols))
		for i := start; i < end; i++ {
			if i > start {
				b.WriteByte(',')
			}
			b.WriteString(row)
			args = append(args, rows[i]...)
		}
		if _, err := w.tx.ExecContext(w.ctx, b.String(), args...); err != nil {
			return fmt.Errorf("insert %s: %w", table, err)
		}
		if label != "" && (end == len(rows) || end/progressInterval != start/progressInterval) {
			fmt.Fprintf(w.progress, "%s %d/%d\n", label, end, len(rows))
		}
	}
	return nil
}

func (w *writer) villages(pl *plan) error {
	first, err := w.nextID("craft_villages")
	if err != nil {
		return err
	}
	rows := make([][]any, len(pl.villages))
	w.villageIDs = make([]int64, len(pl.villages))
	for i, v := range pl.villages {
		id := first + int64(i)
		w.villageIDs[i] = id
		var year any
		if v.Recognised {
			year = v.Year
		}
		rows[i] = []any{id, v.Name, v.NameEn, v.Commune, v.LegacyDistrict, v.LegacyCommune, v.Recognised, year, v.Crafts, v.Description,
			v.Lat, v.Lng, textfold.Key(v.Name, v.NameEn, v.Crafts), w.now, w.now, 1}
	}
	return w.insert("craft_villages", []string{"id", "name", "name_en", "commune_code", "legacy_district_code", "legacy_commune_code",
		"recognised", "recognised_year", "crafts", "description", "latitude", "longitude", "search_key", "created_at", "updated_at", "version"},
		rows, "villages")
}

func (w *writer) producers(pl *plan) error {
	first, err := w.nextID("producers")
	if err != nil {
		return err
	}
	rows := make([][]any, len(pl.producers))
	w.producerIDs = make([]int64, len(pl.producers))
	for i, p := range pl.producers {
		id := first + int64(i)
		w.producerIDs[i] = id
		// The same key as registry.producerKey.
		key := textfold.Key(p.Name, p.RegNo, p.Representative)
		rows[i] = []any{id, p.Kind, p.Name, db.NullString(p.RegNo), p.Representative, p.Phone, "", "", p.Commune,
			db.NullString(p.LegacyDistrict), db.NullString(p.LegacyCommune), p.AddressLine, p.Lat, p.Lng, p.WomenLed, p.EthnicLed,
			p.Workers, p.WorkersWomen, p.WorkersEthnic, p.Description, registry.StatusActive, key, p.Created, p.Created, 1}
	}
	return w.insert("producers", []string{"id", "kind", "name", "registration_no", "representative", "phone", "email", "website",
		"commune_code", "legacy_district_code", "legacy_commune_code", "address_line", "latitude", "longitude", "women_led",
		"ethnic_minority_led", "workers_total", "workers_women", "workers_ethnic", "description", "status", "search_key",
		"created_at", "updated_at", "version"}, rows, "producers")
}

func (w *writer) products(pl *plan) (int, error) {
	first, err := w.nextID("products")
	if err != nil {
		return 0, err
	}
	var rows, plans [][]any
	last := map[string]int{}
	for i, pr := range pl.producers {
		for _, p := range pr.products {
			id := first + int64(len(rows))
			var village any
			villageName := ""
			if p.Village >= 0 {
				village = w.villageIDs[p.Village]
				villageName = pl.villages[p.Village].Name
			}
			// The same key as registry.productKey.
			key := textfold.Key(p.Name, p.NameEn, p.Brand, pr.Name, villageName, p.Code, p.GTIN)
			rows = append(rows, []any{id, p.Code, w.producerIDs[i], p.Name, p.NameEn, registry.CurrentCategoryVersion, p.Category,
				p.Brand, db.NullString(p.GTIN), p.Description, p.DescriptionEn, p.Ingredients, p.RawArea, village,
				registry.StatusActive, key, p.Created, p.Created, 1})
			plans = append(plans, []any{id, p.Star, p.Potential5, p.Year})
			// The same scope as registry.allocateCode.
			scope := fmt.Sprintf("product:%s:%d", pr.Commune, p.Year)
			last[scope] = max(last[scope], p.Seq)
		}
	}
	if err := w.insert("products", []string{"id", "code", "producer_id", "name", "name_en", "category_version", "category_code",
		"brand", "gtin", "description", "description_en", "ingredients", "raw_material_area", "craft_village_id", "status",
		"search_key", "created_at", "updated_at", "version"}, rows, "products"); err != nil {
		return 0, err
	}
	if err := w.insert("demo_plan", []string{"product_id", "star", "potential5", "first_year"}, plans, ""); err != nil {
		return 0, err
	}
	// Continue the code sequences after the demo codes, so that products
	// registered later in the demo get the next numbers.
	var seqs [][]any
	for scope, n := range last {
		seqs = append(seqs, []any{scope, n})
	}
	for start := 0; start < len(seqs); start += batchRows {
		end := min(start+batchRows, len(seqs))
		q := "INSERT INTO code_sequences (scope, last) VALUES " + strings.TrimSuffix(strings.Repeat("(?, ?),", end-start), ",") +
			" ON CONFLICT (scope) DO UPDATE SET last = excluded.last WHERE code_sequences.last < excluded.last"
		var args []any
		for _, s := range seqs[start:end] {
			args = append(args, s...)
		}
		if _, err := w.tx.ExecContext(w.ctx, q, args...); err != nil {
			return 0, fmt.Errorf("code sequences: %w", err)
		}
	}
	return len(rows), nil
}

// syncIdentities moves PostgreSQL's identity sequences past the explicit
// ids, so that rows created later through the services do not collide.
func (w *writer) syncIdentities() error {
	if w.tx.Dialect() != db.Postgres {
		return nil
	}
	for _, t := range []string{"craft_villages", "producers", "products"} {
		if _, err := w.tx.ExecContext(w.ctx, fmt.Sprintf(
			"SELECT setval(pg_get_serial_sequence('%s', 'id'), (SELECT MAX(id) FROM %s))", t, t)); err != nil {
			return fmt.Errorf("sync %s ids: %w", t, err)
		}
	}
	return nil
}

// system is the actor of the demo load in the audit log.
var system = &account.Principal{Username: "ocop demo", Role: account.RoleAdmin}

func (w *writer) users(accounts *account.Service, pl *plan, adminPassword, demoPassword string) ([]Account, error) {
	var producerID int64
	var producerName string
	for i, p := range pl.producers {
		if p.key == demoProducerKey {
			producerID, producerName = w.producerIDs[i], p.Name
		}
	}
	type spec struct {
		nu   account.NewUser
		note string
	}
	specs := []spec{
		{account.NewUser{Username: "admin", DisplayName: "Quản trị hệ thống", Role: account.RoleAdmin, Password: adminPassword},
			"administrator: accounts and everything else"},
		{account.NewUser{Username: "office", DisplayName: "Văn phòng Điều phối OCOP Hà Nội", Role: account.RoleOffice, Password: demoPassword},
			"programme office: the whole city"},
		{account.NewUser{Username: "battrang", DisplayName: "Cán bộ xã Bát Tràng", Role: account.RoleCommune, Password: demoPassword,
			Communes: []string{battrangCommune}}, "commune officer of Xã Bát Tràng (" + battrangCommune + ")"},
		{account.NewUser{Username: "council", DisplayName: "Thành viên Hội đồng đánh giá", Role: account.RoleCouncil, Password: demoPassword},
			"member of the rating council"},
		{account.NewUser{Username: "quangvinh", DisplayName: "Hà Thị Vinh", Role: account.RoleProducer, Password: demoPassword},
			"producer, verified for " + producerName},
		{account.NewUser{Username: "aeon", DisplayName: "Phòng thu mua AEON", Role: account.RoleBuyer, Password: demoPassword,
			Organisation: "AEON Việt Nam", BuyerKind: "retail_chain"}, "buyer (retail chain), verified"},
		{account.NewUser{Username: "salepoint", DisplayName: "Điểm giới thiệu và bán sản phẩm OCOP", Role: account.RoleSalePoint,
			Password: demoPassword}, "operator of an OCOP sale point"},
	}
	var out []Account
	var adminID int64
	for _, s := range specs {
		u, err := accounts.CreateUserTx(w.ctx, w.tx, system, s.nu)
		if err != nil {
			return nil, fmt.Errorf("create demo user %s: %w", s.nu.Username, err)
		}
		switch u.Role {
		case account.RoleAdmin:
			adminID = u.ID
		case account.RoleProducer:
			if producerID == 0 {
				return nil, errors.New("demo data has no producer " + demoProducerKey)
			}
			if _, err := w.tx.ExecContext(w.ctx, `INSERT INTO producer_links (user_id, producer_id, status, note, created_at, decided_at, decided_by)
				VALUES (?, ?, 'verified', ?, ?, ?, ?)`, u.ID, producerID, "demo", w.now, w.now, adminID); err != nil {
				return nil, err
			}
		case account.RoleBuyer:
			if _, err := w.tx.ExecContext(w.ctx, "UPDATE users SET verified_at = ?, verified_by = ? WHERE id = ?", w.now, adminID, u.ID); err != nil {
				return nil, err
			}
		}
		out = append(out, Account{Username: u.Username, Password: s.nu.Password, Role: string(u.Role), Note: s.note})
	}
	return out, nil
}

// audit writes the one audit row that summarises the load.
func (w *writer) audit(seed int64, res Result, pl *plan) error {
	stars := map[string]int{}
	recognised, linked := 0, 0
	for _, v := range pl.villages {
		if v.Recognised {
			recognised++
		}
	}
	for _, p := range pl.products() {
		switch {
		case p.Star == 4 && p.Potential5:
			stars["potential5"]++
		default:
			stars[strconv.Itoa(p.Star)]++
		}
		if p.Village >= 0 {
			linked++
		}
	}
	users := make([]string, len(res.Accounts))
	for i, a := range res.Accounts {
		users[i] = a.Username
	}
	summary := map[string]any{
		"seed": seed, "villages": res.Villages, "recognised_villages": recognised, "producers": res.Producers,
		"products": res.Products, "products_in_craft_villages": linked, "stars": stars, "users": users,
	}
	return account.Audit(w.ctx, w.tx, system, "demo.load", "demo", "", "", nil, summary)
}
