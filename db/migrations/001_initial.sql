-- Initial schema. Every table that people write to carries who and when.
-- Status and attendance histories are append-only: a correction is a new row.

CREATE TABLE areas (
    code        TEXT PRIMARY KEY,          -- city 231200; county GB/T 2260; township county+3; village township+3
    name        TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('city', 'county', 'township', 'village')),
    parent_code TEXT REFERENCES areas(code),
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')),
    UNIQUE (parent_code, name)
);
CREATE INDEX areas_parent ON areas(parent_code);

CREATE TABLE workers (
    id              INTEGER PRIMARY KEY,
    id_number       TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    gender          TEXT NOT NULL CHECK (gender IN ('男', '女')),
    birth_date      TEXT NOT NULL,
    phone           TEXT,
    household_no    TEXT,
    county_code     TEXT NOT NULL REFERENCES areas(code),
    township_code   TEXT NOT NULL REFERENCES areas(code),
    village_code    TEXT NOT NULL REFERENCES areas(code),
    education       TEXT,
    work_capacity   TEXT,
    work_status     TEXT,
    wants_training  TEXT NOT NULL DEFAULT 'unknown' CHECK (wants_training IN ('yes', 'no', 'unknown')),
    wanted_trade    TEXT,
    wants_job       TEXT NOT NULL DEFAULT 'unknown' CHECK (wants_job IN ('yes', 'no', 'unknown')),
    liang_hou_sheng INTEGER NOT NULL DEFAULT 0 CHECK (liang_hou_sheng IN (0, 1)),
    registered      INTEGER NOT NULL DEFAULT 1 CHECK (registered IN (0, 1)),  -- 0: not in a ledger (建档立卡) -- no poverty subsidy
    notes           TEXT,
    source_file     TEXT,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL
);
CREATE INDEX workers_village ON workers(village_code);
CREATE INDEX workers_township ON workers(township_code);
CREATE INDEX workers_county ON workers(county_code, wants_training);
CREATE INDEX workers_name ON workers(name);

CREATE TABLE institutions (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    county_code     TEXT NOT NULL REFERENCES areas(code),
    credit_code     TEXT NOT NULL UNIQUE,      -- 统一社会信用代码, GB 32100 check digit
    contact_person  TEXT,
    contact_phone   TEXT,
    address         TEXT,
    designated      INTEGER NOT NULL DEFAULT 1 CHECK (designated IN (0, 1)),
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL
);

-- Loaded from content/data on every start: the catalogue is content, not user data.
CREATE TABLE campaigns (
    code        TEXT PRIMARY KEY,
    number      INTEGER NOT NULL UNIQUE,
    name        TEXT NOT NULL
);

CREATE TABLE courses (
    code          TEXT PRIMARY KEY,
    campaign_code TEXT NOT NULL REFERENCES campaigns(code),
    name          TEXT NOT NULL,
    category      TEXT NOT NULL,
    hours         REAL NOT NULL
);

CREATE TABLE sessions (
    id              INTEGER PRIMARY KEY,
    institution_id  INTEGER NOT NULL REFERENCES institutions(id),
    course_code     TEXT NOT NULL REFERENCES courses(code),
    county_code     TEXT NOT NULL REFERENCES areas(code),
    township_code   TEXT NOT NULL REFERENCES areas(code),
    village_code    TEXT REFERENCES areas(code),
    address         TEXT NOT NULL,
    mode            TEXT NOT NULL CHECK (mode IN ('集中', '上门')),
    day_part        TEXT NOT NULL CHECK (day_part IN ('半日', '全日')),
    start_date      TEXT NOT NULL,
    end_date        TEXT NOT NULL,
    daily_start     TEXT NOT NULL,             -- HH:MM
    daily_end       TEXT NOT NULL,
    class_hours     REAL NOT NULL CHECK (class_hours > 0),
    capacity        INTEGER NOT NULL CHECK (capacity >= 1),
    trainer         TEXT,
    contact_phone   TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'draft'
                    CHECK (status IN ('draft', 'published', 'cancelled', 'completed')),
    notes           TEXT,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL,
    CHECK (end_date >= start_date)
);
CREATE INDEX sessions_institution ON sessions(institution_id, status);
CREATE INDEX sessions_place ON sessions(county_code, township_code, status, start_date);
CREATE INDEX sessions_course ON sessions(course_code);
CREATE INDEX sessions_start ON sessions(start_date);

-- status mirrors the latest enrolment_events row and is updated in the same transaction.
CREATE TABLE enrolments (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES sessions(id),
    worker_id   INTEGER NOT NULL REFERENCES workers(id),
    status      TEXT NOT NULL CHECK (status IN ('enrolled', 'withdrawn', 'completed')),
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    UNIQUE (session_id, worker_id)
);
CREATE INDEX enrolments_worker ON enrolments(worker_id, status);
CREATE INDEX enrolments_session ON enrolments(session_id, status);

CREATE TABLE enrolment_events (
    id            INTEGER PRIMARY KEY,
    enrolment_id  INTEGER NOT NULL REFERENCES enrolments(id),
    status        TEXT NOT NULL CHECK (status IN ('enrolled', 'withdrawn', 'completed')),
    reason        TEXT,
    at            TEXT NOT NULL,
    by            TEXT NOT NULL
);
CREATE INDEX enrolment_events_enrolment ON enrolment_events(enrolment_id, id);

-- Append-only: the latest row per (enrolment, day) is the one that counts.
CREATE TABLE attendance (
    id            INTEGER PRIMARY KEY,
    enrolment_id  INTEGER NOT NULL REFERENCES enrolments(id),
    day           TEXT NOT NULL,
    present       INTEGER NOT NULL CHECK (present IN (0, 1)),
    note          TEXT,
    at            TEXT NOT NULL,
    by            TEXT NOT NULL
);
CREATE INDEX attendance_enrolment_day ON attendance(enrolment_id, day, id);

-- 技能扶贫联系卡 signed by the worker; a revocation is a new row with signed = 0.
CREATE TABLE card_signoffs (
    id            INTEGER PRIMARY KEY,
    enrolment_id  INTEGER NOT NULL REFERENCES enrolments(id),
    signed        INTEGER NOT NULL DEFAULT 1 CHECK (signed IN (0, 1)),
    signed_on     TEXT,
    witnessed_by  TEXT,
    note          TEXT,
    at            TEXT NOT NULL,
    by            TEXT NOT NULL
);
CREATE INDEX card_signoffs_enrolment ON card_signoffs(enrolment_id, id);

CREATE TABLE targets (
    id              INTEGER PRIMARY KEY,
    year            INTEGER NOT NULL,
    county_code     TEXT NOT NULL REFERENCES areas(code),
    institution_id  INTEGER REFERENCES institutions(id),
    township_code   TEXT REFERENCES areas(code),
    campaign_code   TEXT REFERENCES campaigns(code),
    target          INTEGER NOT NULL CHECK (target >= 0),
    set_at          TEXT NOT NULL,
    set_by          TEXT NOT NULL
);
CREATE UNIQUE INDEX targets_key ON targets(
    year, county_code, IFNULL(institution_id, 0), IFNULL(township_code, ''), IFNULL(campaign_code, ''));

CREATE TABLE job_openings (
    id             INTEGER PRIMARY KEY,
    county_code    TEXT NOT NULL REFERENCES areas(code),
    employer       TEXT NOT NULL,
    title          TEXT NOT NULL,
    positions      INTEGER NOT NULL DEFAULT 1 CHECK (positions >= 1),
    wage           TEXT,
    requirements   TEXT,
    address        TEXT,
    contact_phone  TEXT,
    valid_from     TEXT NOT NULL,
    valid_until    TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL
);
CREATE INDEX job_openings_county ON job_openings(county_code, valid_until);

-- 以工代训: training subsidy for at most 6 months per placement.
CREATE TABLE work_training_placements (
    id             INTEGER PRIMARY KEY,
    worker_id      INTEGER NOT NULL REFERENCES workers(id),
    county_code    TEXT NOT NULL REFERENCES areas(code),
    employer       TEXT NOT NULL,
    employer_type  TEXT NOT NULL,           -- 企业 / 农民专业合作社 / 扶贫车间 / ...
    trade          TEXT,
    start_date     TEXT NOT NULL,
    end_date       TEXT,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL
);

-- 技能脱贫百校行动: technical-school students from registered poor households.
CREATE TABLE school_students (
    id             INTEGER PRIMARY KEY,
    worker_id      INTEGER NOT NULL REFERENCES workers(id),
    county_code    TEXT NOT NULL REFERENCES areas(code),
    school         TEXT NOT NULL,
    major          TEXT,
    enrol_date     TEXT NOT NULL,
    leave_date     TEXT,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL
);

CREATE TABLE startups (
    id             INTEGER PRIMARY KEY,
    worker_id      INTEGER NOT NULL REFERENCES workers(id),
    county_code    TEXT NOT NULL REFERENCES areas(code),
    kind           TEXT NOT NULL CHECK (kind IN ('enterprise', 'sole')),  -- 小微企业 / 个体工商户
    business_name  TEXT NOT NULL,
    registered_on  TEXT NOT NULL,
    operating      INTEGER NOT NULL DEFAULT 1 CHECK (operating IN (0, 1)),
    first_time     INTEGER NOT NULL DEFAULT 1 CHECK (first_time IN (0, 1)),
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL
);

CREATE TABLE employer_rewards (
    id             INTEGER PRIMARY KEY,
    worker_id      INTEGER NOT NULL REFERENCES workers(id),
    county_code    TEXT NOT NULL REFERENCES areas(code),
    employer       TEXT NOT NULL,
    employer_type  TEXT NOT NULL,           -- 农民合作社 / 种养大户 / 家庭农场 / 农业企业 / 扶贫车间
    employed_since TEXT NOT NULL,
    employed_until TEXT,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL
);

CREATE TABLE monthly_reports (
    id            INTEGER PRIMARY KEY,
    county_code   TEXT NOT NULL REFERENCES areas(code),
    month         TEXT NOT NULL,           -- YYYY-MM
    figures_json  TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted')),
    submitted_at  TEXT,
    submitted_by  TEXT,
    reopened_at   TEXT,
    reopened_by   TEXT,
    reopen_reason TEXT,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    UNIQUE (county_code, month)
);

CREATE TABLE quarterly_reports (
    id            INTEGER PRIMARY KEY,
    county_code   TEXT NOT NULL REFERENCES areas(code),
    quarter       TEXT NOT NULL,           -- YYYY-Qn
    progress      TEXT NOT NULL DEFAULT '',
    highlights    TEXT NOT NULL DEFAULT '',
    model_cases   TEXT NOT NULL DEFAULT '',
    problems      TEXT NOT NULL DEFAULT '',
    figures_json  TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted')),
    submitted_at  TEXT,
    submitted_by  TEXT,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    UNIQUE (county_code, quarter)
);

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    password_hash   TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('city', 'county', 'institution')),
    county_code     TEXT REFERENCES areas(code),
    institution_id  INTEGER REFERENCES institutions(id),
    is_admin        INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL,
    CHECK (role != 'county' OR county_code IS NOT NULL),
    CHECK (role != 'institution' OR institution_id IS NOT NULL)
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT,
    before_json TEXT,
    after_json  TEXT
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);

CREATE TABLE pack_prints (
    id            INTEGER PRIMARY KEY,
    worker_id     INTEGER NOT NULL REFERENCES workers(id),
    batch         TEXT NOT NULL,
    printed_at    TEXT NOT NULL,
    printed_by    TEXT NOT NULL,
    delivered_at  TEXT,
    delivered_by  TEXT
);
CREATE INDEX pack_prints_worker ON pack_prints(worker_id);

CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    file_name   TEXT NOT NULL,
    county_code TEXT REFERENCES areas(code),
    at          TEXT NOT NULL,
    by          TEXT NOT NULL,
    new         INTEGER NOT NULL,
    updated     INTEGER NOT NULL,
    unchanged   INTEGER NOT NULL,
    rejected    INTEGER NOT NULL,
    skipped     INTEGER NOT NULL,
    warnings    INTEGER NOT NULL
);

CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
