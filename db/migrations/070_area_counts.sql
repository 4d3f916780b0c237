-- Coverage counts per village, kept up to date by triggers on workers, as migration 020 keeps
-- workers.trained. Why: the city-wide coverage views counted all 200,000 entries of the
-- workers_coverage index on every view (42–190 ms at city scale); summing 2,000 village rows
-- takes a few ms. The triggers run in the writer's own transaction (import, ledger edit,
-- enrolment and completion through 020's trigger on workers.trained, deletion), so the
-- counts can never disagree with the rows they summarise. Only registered (建档立卡) workers
-- count, as in portal/coverage.py. Keyed by the worker row's own three codes, so the sums per
-- county and per township are exactly what grouping the workers by those columns gave.

CREATE TABLE area_counts (
    county_code     TEXT NOT NULL,
    township_code   TEXT NOT NULL,
    village_code    TEXT NOT NULL,
    workers         INTEGER NOT NULL DEFAULT 0,
    willing         INTEGER NOT NULL DEFAULT 0,
    trained         INTEGER NOT NULL DEFAULT 0,
    trained_willing INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (county_code, township_code, village_code)
) WITHOUT ROWID;

INSERT INTO area_counts
SELECT county_code, township_code, village_code, COUNT(*), SUM(wants_training = 'yes'),
       SUM(trained), SUM(wants_training = 'yes' AND trained)
FROM workers WHERE registered = 1
GROUP BY county_code, township_code, village_code;

CREATE TRIGGER workers_counts_insert AFTER INSERT ON workers
WHEN NEW.registered = 1
BEGIN
    INSERT INTO area_counts VALUES (
        NEW.county_code, NEW.township_code, NEW.village_code, 1,
        NEW.wants_training = 'yes', NEW.trained, NEW.wants_training = 'yes' AND NEW.trained)
    ON CONFLICT (county_code, township_code, village_code) DO UPDATE SET
        workers = workers + 1,
        willing = willing + excluded.willing,
        trained = trained + excluded.trained,
        trained_willing = trained_willing + excluded.trained_willing;
END;

CREATE TRIGGER workers_counts_update
AFTER UPDATE OF registered, county_code, township_code, village_code, wants_training, trained
ON workers
WHEN OLD.registered IS NOT NEW.registered OR OLD.county_code IS NOT NEW.county_code
  OR OLD.township_code IS NOT NEW.township_code OR OLD.village_code IS NOT NEW.village_code
  OR OLD.wants_training IS NOT NEW.wants_training OR OLD.trained IS NOT NEW.trained
BEGIN
    UPDATE area_counts SET
        workers = workers - 1,
        willing = willing - (OLD.wants_training = 'yes'),
        trained = trained - OLD.trained,
        trained_willing = trained_willing - (OLD.wants_training = 'yes' AND OLD.trained)
    WHERE OLD.registered = 1 AND county_code = OLD.county_code
      AND township_code = OLD.township_code AND village_code = OLD.village_code;
    INSERT INTO area_counts
    SELECT NEW.county_code, NEW.township_code, NEW.village_code, 1,
           NEW.wants_training = 'yes', NEW.trained, NEW.wants_training = 'yes' AND NEW.trained
    WHERE NEW.registered = 1
    ON CONFLICT (county_code, township_code, village_code) DO UPDATE SET
        workers = workers + 1,
        willing = willing + excluded.willing,
        trained = trained + excluded.trained,
        trained_willing = trained_willing + excluded.trained_willing;
END;

CREATE TRIGGER workers_counts_delete AFTER DELETE ON workers
WHEN OLD.registered = 1
BEGIN
    UPDATE area_counts SET
        workers = workers - 1,
        willing = willing - (OLD.wants_training = 'yes'),
        trained = trained - OLD.trained,
        trained_willing = trained_willing - (OLD.wants_training = 'yes' AND OLD.trained)
    WHERE county_code = OLD.county_code AND township_code = OLD.township_code
      AND village_code = OLD.village_code;
END;
