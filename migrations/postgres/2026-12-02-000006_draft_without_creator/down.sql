DROP TABLE source_differences;
DROP TABLE draft_notes;
DELETE FROM protocol_drafts WHERE created_by IS NULL;
ALTER TABLE protocol_drafts ALTER COLUMN created_by SET NOT NULL;
