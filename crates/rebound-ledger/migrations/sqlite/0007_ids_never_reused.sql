-- Ids are never handed out again (trust boundaries): SQLite reuses the largest rowid after it
-- is deleted unless the key is AUTOINCREMENT, so a deleted inbox's id (and whatever was read by
-- that id) could reappear in another account. Every table with a row id is rebuilt with
-- AUTOINCREMENT, its rows kept. sends gains origin: 'rebound' for a Message-ID Rebound made,
-- 'logged' for one an account gave (POST /sends); a bounce quoting a logged one is matched only
-- within the account that logged it. sends_by_message_id_any is served by an index.

CREATE TABLE accounts_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
INSERT INTO accounts_new (id, name, key_hash, created_at) SELECT id, name, key_hash, created_at FROM accounts;
DROP TABLE accounts;
ALTER TABLE accounts_new RENAME TO accounts;

CREATE TABLE events_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL,
    address TEXT NOT NULL,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    bounce_type TEXT,
    reason TEXT,
    cause TEXT,
    status TEXT,
    reply_code TEXT,
    diagnostic TEXT,
    remote_mta TEXT,
    message_id TEXT,
    email_id TEXT,
    source TEXT NOT NULL,
    actor TEXT,
    note TEXT,
    suppress_days BIGINT,
    dedup TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    UNIQUE (account_id, dedup)
);
INSERT INTO events_new (id, account_id, address, at, kind, bounce_type, reason, cause, status, reply_code, diagnostic, remote_mta, message_id, email_id, source, actor, note, suppress_days, dedup, recorded_at) SELECT id, account_id, address, at, kind, bounce_type, reason, cause, status, reply_code, diagnostic, remote_mta, message_id, email_id, source, actor, note, suppress_days, dedup, recorded_at FROM events;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
CREATE INDEX events_by_address ON events (address, account_id, at);

CREATE TABLE sends_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL,
    address TEXT NOT NULL,
    message_id TEXT,
    email_id TEXT,
    at BIGINT NOT NULL,
    origin TEXT NOT NULL DEFAULT 'logged'
);
INSERT INTO sends_new (id, account_id, address, message_id, email_id, at) SELECT id, account_id, address, message_id, email_id, at FROM sends;
DROP TABLE sends;
ALTER TABLE sends_new RENAME TO sends;
CREATE INDEX sends_by_message ON sends (account_id, message_id);

CREATE TABLE global_lifts_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    address TEXT NOT NULL,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    note TEXT
);
INSERT INTO global_lifts_new (id, address, at, actor, note) SELECT id, address, at, actor, note FROM global_lifts;
DROP TABLE global_lifts;
ALTER TABLE global_lifts_new RENAME TO global_lifts;
CREATE INDEX global_lifts_by_address ON global_lifts (address);

CREATE TABLE messages_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes BLOB NOT NULL,
    received_at BIGINT NOT NULL,
    UNIQUE (account_id, sha256)
);
INSERT INTO messages_new (id, account_id, sha256, bytes, received_at) SELECT id, account_id, sha256, bytes, received_at FROM messages;
DROP TABLE messages;
ALTER TABLE messages_new RENAME TO messages;

CREATE TABLE audit_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    account_id BIGINT,
    address TEXT,
    note TEXT
);
INSERT INTO audit_new (id, at, actor, action, account_id, address, note) SELECT id, at, actor, action, account_id, address, note FROM audit;
DROP TABLE audit;
ALTER TABLE audit_new RENAME TO audit;

CREATE TABLE inbound_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at BIGINT NOT NULL,
    mail_from TEXT NOT NULL,
    rcpt_to TEXT NOT NULL,
    bytes BLOB NOT NULL,
    state TEXT NOT NULL,
    account_id BIGINT,
    note TEXT
);
INSERT INTO inbound_new (id, received_at, mail_from, rcpt_to, bytes, state, account_id, note) SELECT id, received_at, mail_from, rcpt_to, bytes, state, account_id, note FROM inbound;
DROP TABLE inbound;
ALTER TABLE inbound_new RENAME TO inbound;
CREATE INDEX inbound_by_state ON inbound (state);

CREATE TABLE emails_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL,
    subject TEXT NOT NULL,
    from_addr TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    resend_of BIGINT
);
INSERT INTO emails_new (id, account_id, subject, from_addr, text_body, html_body, created_at, sent_at, resend_of) SELECT id, account_id, subject, from_addr, text_body, html_body, created_at, sent_at, resend_of FROM emails;
DROP TABLE emails;
ALTER TABLE emails_new RENAME TO emails;

CREATE TABLE inboxes_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL,
    host TEXT NOT NULL,
    port BIGINT NOT NULL,
    tls TEXT NOT NULL,
    username TEXT NOT NULL,
    auth TEXT NOT NULL,
    secret TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    status TEXT NOT NULL,
    status_detail TEXT,
    status_at BIGINT
);
INSERT INTO inboxes_new (id, account_id, host, port, tls, username, auth, secret, created_at, status, status_detail, status_at) SELECT id, account_id, host, port, tls, username, auth, secret, created_at, status, status_detail, status_at FROM inboxes;
DROP TABLE inboxes;
ALTER TABLE inboxes_new RENAME TO inboxes;
CREATE INDEX inboxes_by_account ON inboxes (account_id);

CREATE TABLE direct_sends_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL,
    inbox_id BIGINT NOT NULL,
    message_id TEXT NOT NULL,
    address TEXT NOT NULL,
    subject TEXT NOT NULL,
    at BIGINT NOT NULL,
    source TEXT NOT NULL,
    UNIQUE (inbox_id, message_id, address)
);
INSERT INTO direct_sends_new (id, account_id, inbox_id, message_id, address, subject, at, source) SELECT id, account_id, inbox_id, message_id, address, subject, at, source FROM direct_sends;
DROP TABLE direct_sends;
ALTER TABLE direct_sends_new RENAME TO direct_sends;
CREATE INDEX direct_sends_by_address ON direct_sends (inbox_id, address, at);

CREATE TABLE direct_reports_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL,
    inbox_id BIGINT NOT NULL,
    digest TEXT NOT NULL,
    folder TEXT NOT NULL,
    uid BIGINT NOT NULL,
    at BIGINT NOT NULL,
    subject TEXT NOT NULL,
    engine TEXT NOT NULL,
    refs TEXT NOT NULL,
    quoted_ids TEXT NOT NULL,
    quoted_subject TEXT,
    bytes BLOB NOT NULL,
    UNIQUE (inbox_id, digest)
);
INSERT INTO direct_reports_new (id, account_id, inbox_id, digest, folder, uid, at, subject, engine, refs, quoted_ids, quoted_subject, bytes) SELECT id, account_id, inbox_id, digest, folder, uid, at, subject, engine, refs, quoted_ids, quoted_subject, bytes FROM direct_reports;
DROP TABLE direct_reports;
ALTER TABLE direct_reports_new RENAME TO direct_reports;

CREATE TABLE direct_bounces_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id BIGINT NOT NULL,
    account_id BIGINT NOT NULL,
    inbox_id BIGINT NOT NULL,
    address TEXT NOT NULL,
    kind TEXT NOT NULL,
    bounce_type TEXT NOT NULL,
    reason TEXT,
    cause TEXT NOT NULL,
    status TEXT,
    reply_code TEXT,
    diagnostic TEXT,
    remote_mta TEXT,
    at BIGINT NOT NULL,
    send_message_id TEXT,
    match_kind TEXT,
    UNIQUE (report_id, address)
);
INSERT INTO direct_bounces_new (id, report_id, account_id, inbox_id, address, kind, bounce_type, reason, cause, status, reply_code, diagnostic, remote_mta, at, send_message_id, match_kind) SELECT id, report_id, account_id, inbox_id, address, kind, bounce_type, reason, cause, status, reply_code, diagnostic, remote_mta, at, send_message_id, match_kind FROM direct_bounces;
DROP TABLE direct_bounces;
ALTER TABLE direct_bounces_new RENAME TO direct_bounces;
CREATE INDEX direct_bounces_by_address ON direct_bounces (account_id, address);

CREATE INDEX sends_by_message_id ON sends (message_id);
-- Sends logged before this migration: those Rebound sent itself carry its own Message-ID
-- shape (e<email id>.<random>@<bounce domain>, see emails.rs) and the email id.
UPDATE sends SET origin = 'rebound' WHERE email_id IS NOT NULL AND message_id LIKE 'e' || email_id || '.%';
