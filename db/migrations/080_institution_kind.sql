-- What kind of institution: a training institution (most) or a technical school (技工院校).
-- Why: the 技能脱贫百校行动 needs the list of 两后生 of registered poor households, and a
-- technical school may see that list for its own county (ID numbers masked); an ordinary
-- training institution may not. Existing rows are classed by their name once, here; the
-- words are the ones Chinese technical schools carry in their registered names.

ALTER TABLE institutions ADD COLUMN kind TEXT NOT NULL DEFAULT 'training'
    CHECK (kind IN ('training', 'technical_school'));

UPDATE institutions SET kind = 'technical_school'
WHERE name LIKE '%技工学校%' OR name LIKE '%技工院校%' OR name LIKE '%技师学院%';

-- Baseline (摸清底数) figures per county are cached in the portal process; a worker's update
-- or deletion bumps its county's version in the writer's own transaction, so a cached figure
-- never outlives the data. Inserts need no trigger (the bulk import stays as fast as it was):
-- the cache also compares the highest worker id and the number of workers.
CREATE TRIGGER workers_baseline_update AFTER UPDATE ON workers
BEGIN
    INSERT INTO progress_bumps (scope)
    VALUES ('ledger:' || OLD.county_code), ('ledger:' || NEW.county_code);
END;

CREATE TRIGGER workers_baseline_delete AFTER DELETE ON workers
BEGIN
    INSERT INTO progress_bumps (scope) VALUES ('ledger:' || OLD.county_code);
END;
