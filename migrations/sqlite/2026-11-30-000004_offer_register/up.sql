-- The offer register (sqlite): one row per MDT decision for one patient (domain.md). No CPR
-- number, name, address or birth date: a local pseudonymous reference, an age band, sex and
-- the region of residence (the postcode it came from is not kept).

CREATE TABLE offers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    decision_date DATE NOT NULL,
    site_code TEXT NOT NULL REFERENCES sites(code),
    dmcg TEXT NOT NULL REFERENCES dmcgs(acronym),
    patient_ref TEXT NOT NULL,
    age_band TEXT NOT NULL,
    sex TEXT NOT NULL,
    residence_region INTEGER NOT NULL REFERENCES regions(code),
    mdt_level TEXT NOT NULL,
    offered SMALLINT NOT NULL,
    protocol_slug TEXT,
    protocol_acronym TEXT,
    not_offered_reason TEXT,
    reason_text TEXT,
    outcome TEXT,
    outcome_date DATE,
    annulled SMALLINT NOT NULL DEFAULT 0,
    annul_reason TEXT,
    is_demo SMALLINT NOT NULL DEFAULT 0,
    created_by INTEGER REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- Lists, newest decision first.
CREATE INDEX offers_decision_date ON offers(decision_date);
-- A department's own entries and its monthly recount; and the partial months of an
-- indicator period, counted from the entries: SQLite reads a date range across departments
-- from this index by skip-scan, and since the index holds every column that count reads,
-- without touching the table.
CREATE INDEX offers_site_date ON offers(site_code, decision_date, annulled, dmcg,
    residence_region, offered, not_offered_reason, outcome);
-- "Does the register hold demo entries?" without reading the whole table: a partial index
-- that is empty unless it does (the query spells out the same condition, without
-- parameters, so that the planner can use it).
CREATE INDEX offers_demo ON offers(id) WHERE is_demo = 1 AND annulled = 0;

-- Counts of the non-annulled entries per calendar month, department, DMCG and region of
-- residence: patients, offered, included and each reason for no offer. Whole months of an
-- indicator period are read from here, so a report over ten million entries reads tens of
-- thousands of rows. Rewritten for the touched (month, department) in the same transaction
-- as every change to `offers`. INTEGER counts, so that SUM() is a BIGINT on PostgreSQL.
CREATE TABLE offer_monthly (
    month_start DATE NOT NULL,
    site_code TEXT NOT NULL,
    dmcg TEXT NOT NULL,
    residence_region INTEGER NOT NULL,
    patients INTEGER NOT NULL,
    offered INTEGER NOT NULL,
    included INTEGER NOT NULL,
    no_relevant_protocol INTEGER NOT NULL,
    not_eligible INTEGER NOT NULL,
    patient_condition INTEGER NOT NULL,
    patient_declined_consideration INTEGER NOT NULL,
    capacity INTEGER NOT NULL,
    other_reason INTEGER NOT NULL,
    PRIMARY KEY (month_start, site_code, dmcg, residence_region)
);

-- One row; writers to the register update it first, which serialises them (so two
-- transactions never recount the same month at once) and tells readers that figures changed.
CREATE TABLE offer_register_state (
    id INTEGER PRIMARY KEY,
    version INTEGER NOT NULL
);
INSERT INTO offer_register_state (id, version) VALUES (1, 0);

-- The standard (target proportion offered, in percent) a DMCG has set itself.
ALTER TABLE dmcgs ADD COLUMN offer_standard_pct INTEGER;
