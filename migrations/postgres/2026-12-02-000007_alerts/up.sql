-- E-mail alerts about newly opened protocols (postgres). Only the address, the language of the
-- messages, the filter the person chose and the confirmation state are kept: no name, no
-- health data beyond the filter. The confirmation link's token is stored as its SHA-256.
-- Unconfirmed rows are deleted after 7 days; leaving deletes the row.
CREATE TABLE alert_subscriptions (
    id SERIAL PRIMARY KEY,
    email TEXT NOT NULL,
    lang TEXT NOT NULL,
    dmcg TEXT,
    region INTEGER,
    lay_group TEXT,
    phase TEXT,
    audience TEXT,
    confirm_token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP,
    last_sent_at TIMESTAMP
);
CREATE INDEX alert_subscriptions_email ON alert_subscriptions (email);

-- The one-click unsubscribe address of a message (RFC 2369 and 8058), sent as a header.
ALTER TABLE mail_outbox ADD COLUMN list_unsubscribe TEXT;
