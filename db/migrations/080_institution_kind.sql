-- What kind of institution: a training institution (most) or a technical school (技工院校).
-- Why: the 技能脱贫百校行动 needs the list of 两后生 of registered poor households, and a
-- technical school may see that list for its own county (ID numbers masked); an ordinary
-- training institution may not. Existing rows are classed by their name once, here; the
-- words are the ones Chinese technical schools carry in their registered names.

ALTER TABLE institutions ADD COLUMN kind TEXT NOT NULL DEFAULT 'training'
    CHECK (kind IN ('training', 'technical_school'));

UPDATE institutions SET kind = 'technical_school'
WHERE name LIKE '%技工学校%' OR name LIKE '%技工院校%' OR name LIKE '%技师学院%';
