-- Accounts, drafts and revisions under review, and the change history (SQLite).

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'dmcg_editor', 'clinician')),
    active SMALLINT NOT NULL CHECK (active IN (0, 1)),
    failed_logins INTEGER NOT NULL,
    locked_until TIMESTAMP,
    -- Bumped when the password changes or the user is disabled: older sessions stop working.
    session_epoch INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE user_dmcgs (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    dmcg TEXT NOT NULL REFERENCES dmcgs(acronym),
    PRIMARY KEY (user_id, dmcg)
);

CREATE TABLE user_sites (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    site_code TEXT NOT NULL REFERENCES sites(code),
    PRIMARY KEY (user_id, site_code)
);

-- A protocol in the editorial workflow: a new protocol before its first publication, or a
-- revision of a published one (protocol_id set) while the public version stays as it is.
-- The record is kept as interchange JSON, so a draft may be incomplete.
CREATE TABLE protocol_drafts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    protocol_id INTEGER REFERENCES protocols(id),
    dmcg TEXT NOT NULL REFERENCES dmcgs(acronym),
    acronym TEXT NOT NULL,
    doc TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'returned', 'published')),
    review_comment TEXT,
    created_by INTEGER NOT NULL REFERENCES users(id),
    submitted_by INTEGER REFERENCES users(id),
    reviewed_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX protocol_drafts_state ON protocol_drafts(state, dmcg);

-- Every change to a protocol, user or reference record: who, when, what, old and new values.
CREATE TABLE history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    entity TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    action TEXT NOT NULL,
    actor_id INTEGER REFERENCES users(id),
    actor_label TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    changes TEXT NOT NULL,
    public SMALLINT NOT NULL CHECK (public IN (0, 1))
);
CREATE INDEX history_entity ON history(entity, entity_key, at);

ALTER TABLE protocols ADD COLUMN last_reminded_at TIMESTAMP;
