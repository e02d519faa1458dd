package adminunit

import (
	"context"
	"fmt"
	"strings"

	"ocop/internal/db"
	"ocop/internal/textfold"
)

// Seed loads the units into the database tables when they are missing or
// the embedded data changed. It runs in one transaction and upserts, so it
// is safe to repeat and never leaves the tables half-loaded.
func Seed(ctx context.Context, d *db.DB, u *Units) error {
	var hash string
	err := d.QueryRowContext(ctx, "SELECT hash FROM refdata WHERE name = 'adminunit'").Scan(&hash)
	if err == nil && hash == u.Hash {
		return nil
	}
	return d.InTx(ctx, func(tx *db.Tx) error {
		rows := make([][]any, 0, len(u.Provinces))
		for _, p := range u.Provinces {
			rows = append(rows, []any{p.Code, p.Name, p.FullName, p.NameEn, p.FullNameEn, p.UnitType})
		}
		if err := upsert(ctx, tx, "provinces", []string{"code", "name", "full_name", "name_en", "full_name_en", "unit_type"}, "code", rows); err != nil {
			return err
		}
		rows = rows[:0]
		for _, w := range u.Wards {
			rows = append(rows, []any{w.Code, w.ProvinceCode, w.Name, w.FullName, w.NameEn, w.FullNameEn, w.UnitType, textfold.Key(w.Name)})
		}
		if err := upsert(ctx, tx, "wards", []string{"code", "province_code", "name", "full_name", "name_en", "full_name_en", "unit_type", "search_key"}, "code", rows); err != nil {
			return err
		}
		rows = rows[:0]
		for code, np := range u.OldProvinces {
			rows = append(rows, []any{code, strings.TrimPrefix(strings.TrimPrefix(u.oldProvName[code], "Tỉnh "), "Thành phố "), u.oldProvName[code], np})
		}
		if err := upsert(ctx, tx, "old_provinces", []string{"code", "name", "full_name", "new_province_code"}, "code", rows); err != nil {
			return err
		}
		rows = rows[:0]
		for _, o := range u.OldDistricts {
			rows = append(rows, []any{o.Code, o.ProvinceCode, o.Name, o.FullName, o.NameEn, o.UnitType, textfold.Key(o.Name)})
		}
		if err := upsert(ctx, tx, "old_districts", []string{"code", "province_code", "name", "full_name", "name_en", "unit_type", "search_key"}, "code", rows); err != nil {
			return err
		}
		rows = rows[:0]
		for _, o := range u.OldWards {
			rows = append(rows, []any{o.Code, o.DistrictCode, o.Name, o.FullName, o.NameEn, o.UnitType, o.Status, o.FullName2024, textfold.Key(o.Name)})
		}
		if err := upsert(ctx, tx, "old_wards", []string{"code", "district_code", "name", "full_name", "name_en", "unit_type", "status", "full_name_2024", "search_key"}, "code", rows); err != nil {
			return err
		}
		rows = rows[:0]
		for _, l := range u.Links {
			rows = append(rows, []any{l.OldCode, l.NewCode, l.Share, l.Note})
		}
		if err := upsert(ctx, tx, "ward_mapping", []string{"old_ward_code", "new_ward_code", "share", "note"}, "old_ward_code, new_ward_code", rows); err != nil {
			return err
		}
		return SetRefdata(ctx, tx, "adminunit", u.Hash)
	})
}

// SetRefdata records that the reference data set name was loaded with hash.
func SetRefdata(ctx context.Context, tx *db.Tx, name, hash string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO refdata (name, hash, loaded_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET hash = excluded.hash, loaded_at = excluded.loaded_at`, name, hash, db.Now())
	return err
}

// upsert inserts rows in batches, updating every non-key column on conflict.
func upsert(ctx context.Context, tx *db.Tx, table string, cols []string, key string, rows [][]any) error {
	keys := map[string]bool{}
	for _, k := range strings.Split(key, ",") {
		keys[strings.TrimSpace(k)] = true
	}
	var sets []string
	for _, c := range cols {
		if !keys[c] {
			sets = append(sets, c+" = excluded."+c)
		}
	}
	row := "(" + db.Placeholders(len(cols)) + ")"
	const batch = 400
	for start := 0; start < len(rows); start += batch {
		end := min(start+batch, len(rows))
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
		fmt.Fprintf(&b, " ON CONFLICT (%s) DO UPDATE SET %s", key, strings.Join(sets, ", "))
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("load %s: %w", table, err)
		}
	}
	return nil
}
