-- Reference data and the protocol registry (PostgreSQL).
-- Flags are SMALLINT 0/1 on both backends, so one diesel schema serves both.

CREATE TABLE regions (
    code INTEGER PRIMARY KEY,
    name_da TEXT NOT NULL,
    name_en TEXT NOT NULL
);

CREATE TABLE municipalities (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    region_code INTEGER NOT NULL REFERENCES regions(code)
);

CREATE TABLE postcodes (
    postcode TEXT PRIMARY KEY,
    place TEXT NOT NULL,
    region_code INTEGER NOT NULL REFERENCES regions(code),
    municipality TEXT,
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL
);
CREATE INDEX postcodes_region ON postcodes(region_code);

CREATE TABLE dmcgs (
    acronym TEXT PRIMARY KEY,
    name_da TEXT NOT NULL,
    area_da TEXT NOT NULL,
    area_en TEXT NOT NULL,
    icd10 TEXT NOT NULL,
    umbrella TEXT,
    scope TEXT NOT NULL
);

CREATE TABLE sites (
    code TEXT PRIMARY KEY,
    hospital TEXT NOT NULL,
    department TEXT NOT NULL,
    region_code INTEGER NOT NULL REFERENCES regions(code),
    postcode TEXT NOT NULL,
    city TEXT NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    paediatric SMALLINT NOT NULL CHECK (paediatric IN (0, 1)),
    early_phase SMALLINT NOT NULL CHECK (early_phase IN (0, 1))
);

CREATE TABLE pathways (
    code TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name_da TEXT NOT NULL,
    name_en TEXT NOT NULL,
    site_code TEXT REFERENCES sites(code),
    age_min INTEGER,
    age_max INTEGER,
    settings TEXT NOT NULL,
    icd10 TEXT NOT NULL,
    requires_exhausted SMALLINT NOT NULL CHECK (requires_exhausted IN (0, 1)),
    only_without_eligible SMALLINT NOT NULL CHECK (only_without_eligible IN (0, 1))
);

CREATE TABLE protocols (
    id SERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    acronym TEXT NOT NULL UNIQUE,
    title_da TEXT,
    title_en TEXT,
    summary_da TEXT,
    summary_en TEXT,
    dmcg TEXT NOT NULL REFERENCES dmcgs(acronym),
    phase TEXT NOT NULL,
    recruitment_status TEXT NOT NULL,
    evidence_generating SMALLINT NOT NULL CHECK (evidence_generating IN (0, 1)),
    initiator TEXT,
    sponsor TEXT,
    contact_name TEXT,
    contact_email TEXT,
    contact_phone TEXT,
    opened_on DATE,
    closes_on DATE,
    target_enrolment INTEGER,
    interventions TEXT NOT NULL,
    keywords TEXT NOT NULL,
    review_status TEXT NOT NULL,
    is_demo SMALLINT NOT NULL CHECK (is_demo IN (0, 1)),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    last_confirmed_at TIMESTAMP
);
CREATE INDEX protocols_dmcg ON protocols(dmcg);
CREATE INDEX protocols_status ON protocols(review_status, recruitment_status);

CREATE TABLE protocol_other_dmcgs (
    protocol_id INTEGER NOT NULL REFERENCES protocols(id) ON DELETE CASCADE,
    dmcg TEXT NOT NULL REFERENCES dmcgs(acronym),
    PRIMARY KEY (protocol_id, dmcg)
);

CREATE TABLE protocol_identifiers (
    protocol_id INTEGER NOT NULL REFERENCES protocols(id) ON DELETE CASCADE,
    scheme TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (protocol_id, scheme)
);
CREATE UNIQUE INDEX protocol_identifiers_value ON protocol_identifiers(scheme, value);

CREATE TABLE protocol_eligibility (
    protocol_id INTEGER PRIMARY KEY REFERENCES protocols(id) ON DELETE CASCADE,
    age_min INTEGER,
    age_max INTEGER,
    sex TEXT NOT NULL,
    diagnoses TEXT NOT NULL,
    exclude_diagnoses TEXT NOT NULL,
    settings TEXT NOT NULL,
    stages TEXT NOT NULL,
    prior_lines_min INTEGER,
    prior_lines_max INTEGER,
    ecog_max INTEGER,
    criteria_text_da TEXT,
    criteria_text_en TEXT
);

CREATE TABLE protocol_biomarkers (
    protocol_id INTEGER NOT NULL REFERENCES protocols(id) ON DELETE CASCADE,
    marker TEXT NOT NULL,
    status TEXT NOT NULL,
    excluded SMALLINT NOT NULL CHECK (excluded IN (0, 1)),
    PRIMARY KEY (protocol_id, marker, excluded)
);

CREATE TABLE protocol_sites (
    protocol_id INTEGER NOT NULL REFERENCES protocols(id) ON DELETE CASCADE,
    site_code TEXT NOT NULL REFERENCES sites(code),
    status TEXT NOT NULL,
    position INTEGER NOT NULL,
    contact_name TEXT,
    contact_email TEXT,
    contact_phone TEXT,
    PRIMARY KEY (protocol_id, site_code)
);
CREATE INDEX protocol_sites_site ON protocol_sites(site_code, status);

-- One row: bumped in the same transaction as any change to the registry, so every
-- server process can see within seconds that its snapshot and search index are stale.
CREATE TABLE registry_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO registry_state (id, version) VALUES (1, 0);
