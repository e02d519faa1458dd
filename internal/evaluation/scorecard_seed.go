package evaluation

import (
	"context"
	"fmt"

	"ocop/internal/account"
	"ocop/internal/adminunit"
	"ocop/internal/db"
	"ocop/internal/registry"
)

// seedLabel names the versions loaded from the embedded copy.
const seedLabel = "Phụ lục II, bản sao kèm theo phần mềm"

// seeder is who the audit log names for changes made by `ocop migrate`.
func seeder() *account.Principal { return &account.Principal{Username: "system"} }

// SeedScorecards loads the embedded scorecards on first start, and again
// when a new binary embeds different ones (keyed by content hash in the
// refdata table, like the other reference data). It never changes a stored
// version: a scorecard whose content changed gets a new version, which is
// put in force only if the office never touched that scorecard (no
// correction, import or activation by a person) and it validates; otherwise
// it waits as a draft for the office. A scorecard that does not validate
// (the published copy's sets 4 and 11) is loaded as a draft.
func SeedScorecards(ctx context.Context, d *db.DB) error {
	hash := EmbeddedHash()
	var have string
	if err := d.QueryRowContext(ctx, "SELECT hash FROM refdata WHERE name = 'scorecards'").Scan(&have); err == nil && have == hash {
		return nil
	}
	sets, err := LoadEmbedded()
	if err != nil {
		return err
	}
	err = d.InTx(ctx, func(tx *db.Tx) error {
		for _, s := range sets {
			if err := seedOne(ctx, tx, s); err != nil {
				return err
			}
		}
		return adminunit.SetRefdata(ctx, tx, "scorecards", hash)
	})
	if err != nil {
		return fmt.Errorf("load scorecards: %w", err)
	}
	return nil
}

func seedOne(ctx context.Context, tx *db.Tx, s *CriteriaSet) error {
	existing, err := querySets(ctx, tx, "decision = ? AND set_no = ?", s.Decision, s.SetNo)
	if err != nil {
		return err
	}
	touched := false
	var active *CriteriaSet
	for i, e := range existing {
		// The same embedded content was loaded before (and perhaps
		// corrected since): nothing to do.
		if e.OriginHash == s.OriginHash {
			return nil
		}
		if e.Source != SourceEmbedded || e.ActivatedBy != 0 {
			touched = true
		}
		if e.Status == SetActive {
			active = &existing[i]
		}
	}
	if !touched && len(existing) > 0 {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM criteria_corrections c JOIN criteria_sets s ON s.id = c.set_id
			WHERE s.decision = ? AND s.set_no = ?`, s.Decision, s.SetNo).Scan(&n); err != nil {
			return err
		}
		touched = n > 0
	}
	code, err := categoryFor(ctx, tx, s.SetNo)
	if err != nil {
		return fmt.Errorf("scorecard %d: %w", s.SetNo, err)
	}
	version, err := nextVersion(ctx, tx, s.Decision, s.SetNo)
	if err != nil {
		return err
	}
	s.Version, s.Label, s.CategoryVersion, s.CategoryCode = version, seedLabel, registry.CurrentCategoryVersion, code
	s.Status, s.CreatedAt, s.CreatedByName = SetDraft, db.Now(), seeder().Username
	if !touched && Validate(s).OK() {
		if active != nil {
			if _, err := tx.ExecContext(ctx, "UPDATE criteria_sets SET status = 'retired' WHERE id = ?", active.ID); err != nil {
				return err
			}
		}
		s.Status = SetActive
		at := db.Now()
		s.ActivatedAt = &at
	}
	if err := insertSet(ctx, tx, s); err != nil {
		return err
	}
	if len(existing) == 0 {
		// First start: loading reference data is not a change to audit.
		return nil
	}
	before := map[string]any{"version": existing[0].Version}
	if active != nil {
		before["active"] = active.ID
	}
	return account.Audit(ctx, tx, seeder(), "scorecard.seed", "criteria_set", s.ID, "", before,
		map[string]any{"version": s.Version, "status": s.Status, "content_hash": s.ContentHash})
}
