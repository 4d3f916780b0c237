-- Waiting list (候补名单) for a full session, kept apart from enrolments so that every count of
-- enrolled, withdrawn and completed trainees (reports, coverage, subsidies) stays as it is.
-- A row is waiting while outcome IS NULL; the queue order is the row id. When a place frees
-- up the first waiting row is enrolled in the same transaction and gets outcome 'promoted';
-- a person who can no longer be enrolled (time clash, session closed) gets 'dropped' with the
-- reason, and a person taken off by staff 'removed': nobody leaves the list without a row
-- saying why, who and when.
CREATE TABLE waiting_list (
    id            INTEGER PRIMARY KEY,
    session_id    INTEGER NOT NULL REFERENCES sessions(id),
    worker_id     INTEGER NOT NULL REFERENCES workers(id),
    added_at      TEXT NOT NULL,
    added_by      TEXT NOT NULL,
    outcome       TEXT CHECK (outcome IN ('promoted', 'dropped', 'removed')),
    outcome_reason TEXT,
    enrolment_id  INTEGER REFERENCES enrolments(id),
    left_at       TEXT,
    left_by       TEXT,
    CHECK ((outcome IS NULL) = (left_at IS NULL))
);
CREATE UNIQUE INDEX waiting_list_one_place ON waiting_list(session_id, worker_id)
    WHERE outcome IS NULL;
CREATE INDEX waiting_list_session ON waiting_list(session_id, outcome, id);
CREATE INDEX waiting_list_worker ON waiting_list(worker_id);

-- A person not in any ledger, submitted by an institution for the county to check and record.
-- Why not recorded at once: the answer would tell the institution whether the number is in
-- another county's ledger. County staff decide; the institution sees the decision.
CREATE TABLE registration_requests (
    id              INTEGER PRIMARY KEY,
    session_id      INTEGER NOT NULL REFERENCES sessions(id),
    institution_id  INTEGER NOT NULL REFERENCES institutions(id),
    county_code     TEXT NOT NULL REFERENCES areas(code),
    id_number       TEXT NOT NULL,
    name            TEXT NOT NULL,
    township_code   TEXT NOT NULL REFERENCES areas(code),
    village_code    TEXT NOT NULL REFERENCES areas(code),
    phone           TEXT,
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'approved', 'rejected')),
    submitted_at    TEXT NOT NULL,
    submitted_by    TEXT NOT NULL,
    decided_at      TEXT,
    decided_by      TEXT,
    decision_note   TEXT,
    worker_id       INTEGER REFERENCES workers(id)
);
CREATE INDEX registration_requests_county ON registration_requests(county_code, status, id);
CREATE INDEX registration_requests_institution ON registration_requests(institution_id, id);
CREATE UNIQUE INDEX registration_requests_one_pending
    ON registration_requests(county_code, id_number) WHERE status = 'pending';
