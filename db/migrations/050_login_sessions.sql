-- Server-side log-in sessions and per-address failure counts.
-- Why: a page refresh starts a new Streamlit session, so the log-in must live outside it; the
-- browser keeps only a random token in a cookie, the database keeps its SHA-256 (a copied
-- database file cannot be used to log in), and logging out, deactivating an account or 30
-- minutes without a click revokes the row.
CREATE TABLE login_sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    revoked_at   TEXT,
    revoked_why  TEXT CHECK (revoked_why IN ('logout', 'idle', 'deactivated', 'password'))
);
CREATE INDEX login_sessions_user ON login_sessions(user_id) WHERE revoked_at IS NULL;

-- Wrong passwords counted per account AND client address: someone elsewhere typing wrong
-- passwords no longer locks the owner out. Each lock lasts longer than the one before.
CREATE TABLE login_failures (
    username       TEXT NOT NULL,
    client         TEXT NOT NULL,
    failures       INTEGER NOT NULL DEFAULT 0,
    locks          INTEGER NOT NULL DEFAULT 0,
    locked_until   TEXT,
    last_failed_at TEXT NOT NULL,
    PRIMARY KEY (username, client)
) WITHOUT ROWID;
