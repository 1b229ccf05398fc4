-- Outgoing email (PostgreSQL). A message is written here in the same transaction as the change
-- it reports, and a background worker sends it; a row is marked sent only after the mail
-- server accepted it, so a failed send or a restart loses nothing.

CREATE TABLE mail_outbox (
    id SERIAL PRIMARY KEY,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    kind TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error TEXT,
    sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
-- The worker's query: unsent rows that are due, oldest first.
CREATE INDEX mail_outbox_due ON mail_outbox(sent_at, next_attempt_at);
