-- Server-side sessions and login throttling (SQLite).

-- A login session. The cookie holds a random token; only its SHA-256 is stored, so the table
-- cannot be replayed. The server ends a session after 2 hours idle or 12 hours in all, and at
-- logout (revoked_at).
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Recent failed logins per account and per client address, both as SHA-256 keys (no e-mail
-- address or IP address is kept in the clear). Failures slow further attempts down; nothing
-- locks an account.
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failure_at TIMESTAMP NOT NULL
);

-- The first round's hard lock-out (anyone could lock any account) gives way to the throttle.
ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN locked_until;
