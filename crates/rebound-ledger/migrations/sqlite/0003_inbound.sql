-- Settings of the installation (the VERP secret), and every message the SMTP receiver
-- accepted: stored before the 250 reply, then processed; state is received, applied,
-- unmatched or failed.
CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE inbound (
    id INTEGER PRIMARY KEY,
    received_at BIGINT NOT NULL,
    mail_from TEXT NOT NULL,
    rcpt_to TEXT NOT NULL,
    bytes BLOB NOT NULL,
    state TEXT NOT NULL,
    account_id BIGINT,
    note TEXT
);
CREATE INDEX inbound_by_state ON inbound (state);
