-- The recruitment status of every protocol and of each of its departments over time (postgres):
-- one row per interval in which a status held. `site_code` is '' for the protocol's own status.
-- `valid_to` is NULL for the status that holds now; at most one such row per key.
-- `source` says how the interval is known: 'recorded' (written with the change itself),
-- 'history' (rebuilt from the change history once, when this table was added) or 'dates'
-- (before the registry knew the protocol: from its opening and closing dates).
CREATE TABLE status_intervals (
    id SERIAL PRIMARY KEY,
    protocol_id INTEGER NOT NULL REFERENCES protocols(id) ON DELETE CASCADE,
    site_code TEXT NOT NULL,
    status TEXT NOT NULL,
    valid_from TIMESTAMP NOT NULL,
    valid_to TIMESTAMP,
    source TEXT NOT NULL CHECK (source IN ('recorded', 'history', 'dates')),
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX status_intervals_protocol ON status_intervals (protocol_id, site_code);
CREATE INDEX status_intervals_open ON status_intervals (status, valid_from);
CREATE UNIQUE INDEX status_intervals_current ON status_intervals (protocol_id, site_code)
    WHERE valid_to IS NULL;
