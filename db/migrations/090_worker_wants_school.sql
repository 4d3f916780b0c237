-- Whether a worker wishes to attend a technical school (有就读技工院校意愿), as the ledger says.
-- Why: the 技能脱贫百校行动 (绥人社发〔2019〕18号) is to help every 应、往届“两后生” of a
-- registered poor family who wishes to attend a technical school; the ledger must hold that
-- wish beside 是否两后生 so the baseline can count who still has to be placed. Same shape as
-- wants_training: 'unknown' until a ledger (or a county's edit) says yes or no.
--
-- No trigger is needed here: the baseline's change triggers of migration 080 fire on an
-- update of any column of workers (no column list), so a changed wish bumps the county's
-- version and the cached baseline figures are counted again. The per-village coverage
-- counts of 070 do not hold this column.

ALTER TABLE workers ADD COLUMN wants_school TEXT NOT NULL DEFAULT 'unknown'
    CHECK (wants_school IN ('yes', 'no', 'unknown'));
