ALTER TABLE protocols DROP COLUMN last_reminded_at;
DROP TABLE history;
DROP TABLE protocol_drafts;
DROP TABLE user_sites;
DROP TABLE user_dmcgs;
DROP TABLE users;
