-- Self-assessment points. A criterion printed without options (the
-- bilingual-label item, evaluation.Criterion.YesNo) has one option carrying
-- the points awarded when it is met; "not met" is that option with 0
-- points, so the points a producer gave themselves are stored beside the
-- chosen option, as the council's scores table does.
-- Keep in step with ../sqlite/0005_dossier_extra.sql.
ALTER TABLE self_scores ADD COLUMN points INTEGER NOT NULL DEFAULT 0;

-- The commune's and the office's queues list dossiers by state and due date.
CREATE INDEX dossiers_state_due ON dossiers(state, commune_due);
