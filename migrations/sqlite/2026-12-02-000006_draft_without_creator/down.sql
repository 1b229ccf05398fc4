DROP TABLE source_differences;
DROP TABLE draft_notes;
DELETE FROM protocol_drafts WHERE created_by IS NULL;
CREATE TABLE protocol_drafts_old (
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
INSERT INTO protocol_drafts_old SELECT * FROM protocol_drafts;
DROP TABLE protocol_drafts;
ALTER TABLE protocol_drafts_old RENAME TO protocol_drafts;
CREATE INDEX protocol_drafts_state ON protocol_drafts(state, dmcg);
