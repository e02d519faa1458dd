-- Scoring, extras: a council member records whether the condition of a
-- scorecard gate ("Bị loại nếu …" rejects the dossier; "… sẽ không đánh giá
-- các bước tiếp theo" stops the evaluation) is met, next to the option they
-- chose on that criterion. The gate cannot be read from the option: in set 7
-- the lowest option of 1.1 is the 3★ minimum, and the rejection it carries
-- (wholly imported or untraceable raw materials) is not an option at all.
-- The result applies a gate when a strict majority of the submitted sheets
-- recorded it (internal/evaluation/result.go).
-- Keep in step with ../postgres/0006_scoring_extra.sql.
ALTER TABLE scores ADD COLUMN gate_hit BOOLEAN NOT NULL DEFAULT 0;

-- "My councils" for a member, and a dossier's results on its result screen.
CREATE INDEX council_members_user ON council_members(user_id);
CREATE INDEX results_dossier ON results(dossier_id);
