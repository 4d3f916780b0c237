-- 摸清底数 counts per township, kept up to date by triggers on workers, as area_counts (070)
-- keeps the coverage counts. Why: the city's baseline was one GROUP BY pass over all 200,000
-- workers, and SQLite's sort made it 0.45–0.9 s (target 300 ms), a county 80–210 ms (target
-- 100 ms); summing the kept rows takes a few ms. The triggers run in the writer's own
-- transaction (import, ledger edit, completion through 020's trigger on workers.trained,
-- deletion), so the counts can never disagree with the rows they summarise.
--
-- Age bands depend on the day they are counted at. The kept counts are for one day, the
-- plan's census end date (content/data/plan.yml), written into baseline_thresholds by
-- portal/baseline/kept.py, which recounts everything when that day changes; any other day
-- is counted from the ledger itself. Until a day is set the triggers do nothing.
--
-- What it costs: about 3 µs of CPU per worker written, 0.55–0.68 s for a first load of
-- 200,000 (measured against the same insert without these triggers). Pausing them during the
-- ledger import and adding its new people in one GROUP BY at its end cost as much (the sort
-- is the work), so every write is counted here.
--
-- Only registered (建档立卡) workers count. Free-text answers are kept as written ('' for
-- none) and grouped in Python, so a new grouping rule needs no migration.

CREATE TABLE baseline_thresholds (
    age     INTEGER PRIMARY KEY,  -- the lowest age of a band after the first
    born_by TEXT NOT NULL,        -- whoever was born on or before this day has reached it
    day     TEXT NOT NULL         -- the day the kept counts are for
);

CREATE TABLE baseline_counts (
    county_code   TEXT NOT NULL,
    township_code TEXT NOT NULL,
    work_status   TEXT NOT NULL,
    education     TEXT NOT NULL,
    band          INTEGER NOT NULL,  -- how many thresholds were reached: 0 = under 16
    workers       INTEGER NOT NULL,
    women         INTEGER NOT NULL,
    train_yes     INTEGER NOT NULL,
    train_no      INTEGER NOT NULL,
    job_yes       INTEGER NOT NULL,
    job_no        INTEGER NOT NULL,
    lhs           INTEGER NOT NULL,
    school_yes    INTEGER NOT NULL,  -- wishes to attend a technical school (migration 090)
    lhs_school_yes INTEGER NOT NULL, -- a 两后生 with that wish
    PRIMARY KEY (county_code, township_code, work_status, education, band)
) WITHOUT ROWID;

-- Willing to train, per township and trade as written: wanted, and not yet trained (the
-- 培训需求清单's rule).
CREATE TABLE baseline_trades (
    county_code   TEXT NOT NULL,
    township_code TEXT NOT NULL,
    wanted_trade  TEXT NOT NULL,
    wanted        INTEGER NOT NULL,
    untrained     INTEGER NOT NULL,
    PRIMARY KEY (county_code, township_code, wanted_trade)
) WITHOUT ROWID;

-- One registered worker as the counts see them; portal/baseline/kept.py recounts from here too.
CREATE VIEW baseline_rows AS
SELECT w.id, w.county_code, w.township_code,
       COALESCE(w.work_status, '') AS work_status, COALESCE(w.education, '') AS education,
       (SELECT COUNT(*) FROM baseline_thresholds t WHERE w.birth_date <= t.born_by) AS band,
       w.gender = '女' AS women,
       w.wants_training = 'yes' AS train_yes, w.wants_training = 'no' AS train_no,
       w.wants_job = 'yes' AS job_yes, w.wants_job = 'no' AS job_no,
       w.liang_hou_sheng AS lhs, w.wants_school = 'yes' AS school_yes,
       w.liang_hou_sheng AND w.wants_school = 'yes' AS lhs_school_yes,
       COALESCE(w.wanted_trade, '') AS wanted_trade, w.trained = 0 AS untrained
FROM workers w NOT INDEXED  -- by id, in id order, or all: an index would only add lookups
WHERE w.registered = 1;

-- Inserting (worker id, +1 or -1) here adds that worker to the counts or takes them out, so
-- the upserts are written once; the row triggers only say who and which way.
CREATE VIEW baseline_bumps (worker_id, sign) AS SELECT NULL, NULL WHERE 0;

CREATE TRIGGER baseline_bump INSTEAD OF INSERT ON baseline_bumps
WHEN EXISTS (SELECT 1 FROM baseline_thresholds)
BEGIN
    INSERT INTO baseline_counts
    SELECT county_code, township_code, work_status, education, band, NEW.sign,
           NEW.sign * women, NEW.sign * train_yes, NEW.sign * train_no,
           NEW.sign * job_yes, NEW.sign * job_no, NEW.sign * lhs,
           NEW.sign * school_yes, NEW.sign * lhs_school_yes
    FROM baseline_rows WHERE id = NEW.worker_id
    ON CONFLICT (county_code, township_code, work_status, education, band) DO UPDATE SET
        workers = workers + excluded.workers,
        women = women + excluded.women,
        train_yes = train_yes + excluded.train_yes,
        train_no = train_no + excluded.train_no,
        job_yes = job_yes + excluded.job_yes,
        job_no = job_no + excluded.job_no,
        lhs = lhs + excluded.lhs,
        school_yes = school_yes + excluded.school_yes,
        lhs_school_yes = lhs_school_yes + excluded.lhs_school_yes;
    INSERT INTO baseline_trades
    SELECT county_code, township_code, wanted_trade, NEW.sign, NEW.sign * untrained
    FROM baseline_rows WHERE id = NEW.worker_id AND train_yes
    ON CONFLICT (county_code, township_code, wanted_trade) DO UPDATE SET
        wanted = wanted + excluded.wanted,
        untrained = untrained + excluded.untrained;
END;

CREATE TRIGGER workers_baseline_counts_insert AFTER INSERT ON workers
WHEN NEW.registered = 1
BEGIN
    INSERT INTO baseline_bumps VALUES (NEW.id, 1);
END;

-- BEFORE: the row still holds its old values, read through baseline_rows.
CREATE TRIGGER workers_baseline_counts_leave
BEFORE UPDATE OF id, registered, county_code, township_code, work_status, education,
    birth_date, gender, wants_training, wants_job, liang_hou_sheng, wanted_trade, trained,
    wants_school
ON workers
WHEN OLD.registered = 1 AND (
    (OLD.id, OLD.registered, OLD.county_code, OLD.township_code, OLD.work_status,
     OLD.education, OLD.birth_date, OLD.gender, OLD.wants_training, OLD.wants_job,
     OLD.liang_hou_sheng, OLD.wanted_trade, OLD.trained, OLD.wants_school)
    IS NOT
    (NEW.id, NEW.registered, NEW.county_code, NEW.township_code, NEW.work_status,
     NEW.education, NEW.birth_date, NEW.gender, NEW.wants_training, NEW.wants_job,
     NEW.liang_hou_sheng, NEW.wanted_trade, NEW.trained, NEW.wants_school))
BEGIN
    INSERT INTO baseline_bumps VALUES (OLD.id, -1);
END;

CREATE TRIGGER workers_baseline_counts_enter
AFTER UPDATE OF id, registered, county_code, township_code, work_status, education,
    birth_date, gender, wants_training, wants_job, liang_hou_sheng, wanted_trade, trained,
    wants_school
ON workers
WHEN NEW.registered = 1 AND (
    (OLD.id, OLD.registered, OLD.county_code, OLD.township_code, OLD.work_status,
     OLD.education, OLD.birth_date, OLD.gender, OLD.wants_training, OLD.wants_job,
     OLD.liang_hou_sheng, OLD.wanted_trade, OLD.trained, OLD.wants_school)
    IS NOT
    (NEW.id, NEW.registered, NEW.county_code, NEW.township_code, NEW.work_status,
     NEW.education, NEW.birth_date, NEW.gender, NEW.wants_training, NEW.wants_job,
     NEW.liang_hou_sheng, NEW.wanted_trade, NEW.trained, NEW.wants_school))
BEGIN
    INSERT INTO baseline_bumps VALUES (NEW.id, 1);
END;

CREATE TRIGGER workers_baseline_counts_delete BEFORE DELETE ON workers
WHEN OLD.registered = 1
BEGIN
    INSERT INTO baseline_bumps VALUES (OLD.id, -1);
END;
