-- A draft imported on the command line (ClinicalTrials.gov) has no user who created it.
ALTER TABLE protocol_drafts ALTER COLUMN created_by DROP NOT NULL;

-- What a draft imported from another registry still needs an editor for: values suggested
-- from free text (with the sentence they came from), locations no department was found for,
-- and Danish fields to write. A note goes when the editor confirms it.
CREATE TABLE draft_notes (
    id SERIAL PRIMARY KEY,
    draft_id INTEGER NOT NULL REFERENCES protocol_drafts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('suggested', 'unmatched', 'to_write')),
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    source TEXT NOT NULL
);
CREATE INDEX draft_notes_draft ON draft_notes(draft_id);

-- Where a published protocol's source registry (ClinicalTrials.gov) says something else about
-- its recruitment status or a Danish department's status: shown to its editors until they
-- settle it. `differences` is a JSON list of {"what", "ours", "theirs"}.
CREATE TABLE source_differences (
    protocol_id INTEGER PRIMARY KEY REFERENCES protocols(id) ON DELETE CASCADE,
    nct TEXT NOT NULL,
    differences TEXT NOT NULL,
    checked_at TIMESTAMP NOT NULL
);
