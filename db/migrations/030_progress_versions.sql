-- Target progress per county, recomputed only for the county whose training records changed.
-- Why: counting distinct trained workers per target scans every completed enrolment of the
-- city (most of a second); after a write in one county the other nine counties' figures still
-- stand. Triggers bump a county's version whenever its sessions or enrolments change, in the
-- writer's own transaction, so a cached figure can never outlive the data it came from.
-- 'epoch' tells one database from another (a fresh file at the same path); 'all' moves when a
-- course changes campaign, which touches every county. Every trigger bumps through the view
-- progress_bumps, so the upsert is written once.

CREATE TABLE progress_versions (
    scope   TEXT PRIMARY KEY,
    version INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO progress_versions (scope, version) VALUES ('epoch', abs(random()));

-- Inserting a scope here adds one to its version (1 if it had none).
CREATE VIEW progress_bumps AS SELECT scope FROM progress_versions;

CREATE TRIGGER progress_bump INSTEAD OF INSERT ON progress_bumps
BEGIN
    INSERT INTO progress_versions (scope, version) VALUES (NEW.scope, 1)
    ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER sessions_progress_insert AFTER INSERT ON sessions
BEGIN
    INSERT INTO progress_bumps (scope) VALUES (NEW.county_code);
END;

CREATE TRIGGER sessions_progress_update
AFTER UPDATE OF status, end_date, county_code, township_code, institution_id, course_code
ON sessions
BEGIN
    INSERT INTO progress_bumps (scope) VALUES (OLD.county_code), (NEW.county_code);
END;

CREATE TRIGGER sessions_progress_delete AFTER DELETE ON sessions
BEGIN
    INSERT INTO progress_bumps (scope) VALUES (OLD.county_code);
END;

CREATE TRIGGER enrolments_progress_insert AFTER INSERT ON enrolments
BEGIN
    INSERT INTO progress_bumps (scope) SELECT county_code FROM sessions WHERE id = NEW.session_id;
END;

CREATE TRIGGER enrolments_progress_update AFTER UPDATE OF status, worker_id, session_id
ON enrolments
BEGIN
    INSERT INTO progress_bumps (scope)
    SELECT county_code FROM sessions WHERE id IN (OLD.session_id, NEW.session_id);
END;

CREATE TRIGGER enrolments_progress_delete AFTER DELETE ON enrolments
BEGIN
    INSERT INTO progress_bumps (scope) SELECT county_code FROM sessions WHERE id = OLD.session_id;
END;

CREATE TRIGGER courses_progress_update AFTER UPDATE OF campaign_code ON courses
BEGIN
    INSERT INTO progress_bumps (scope) VALUES ('all');
END;
