-- Connected inboxes (SPEC §6): a user's own mailbox, watched over IMAP for the bounces of
-- one-to-one email. Nothing here feeds the marketing ledger: these rows never suppress anyone.
CREATE TABLE inboxes (
    id INTEGER PRIMARY KEY,
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
CREATE INDEX inboxes_by_account ON inboxes (account_id);

-- Where the watcher is in each folder: a folder is read again from the start when its
-- UIDVALIDITY changes (RFC 3501 §2.3.1.1).
CREATE TABLE inbox_folders (
    inbox_id BIGINT NOT NULL,
    folder TEXT NOT NULL,
    uidvalidity BIGINT NOT NULL,
    last_uid BIGINT NOT NULL,
    PRIMARY KEY (inbox_id, folder)
);

-- One-to-one sends, one row per recipient, from the API or the Sent folder.
CREATE TABLE direct_sends (
    id INTEGER PRIMARY KEY,
    account_id BIGINT NOT NULL,
    inbox_id BIGINT NOT NULL,
    message_id TEXT NOT NULL,
    address TEXT NOT NULL,
    subject TEXT NOT NULL,
    at BIGINT NOT NULL,
    source TEXT NOT NULL,
    UNIQUE (inbox_id, message_id, address)
);
CREATE INDEX direct_sends_by_address ON direct_sends (inbox_id, address, at);

-- Messages in a connected inbox that are bounce reports, kept whole; digest is the SHA-256
-- of the bytes, so a message read twice (a restart, a new UIDVALIDITY) is one report. refs
-- (In-Reply-To and References), quoted_ids (Message-IDs quoted in the body) and
-- quoted_subject are what matching reads, kept so a send logged later can still be matched.
CREATE TABLE direct_reports (
    id INTEGER PRIMARY KEY,
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

-- One row per recipient a report speaks of, with the send it was matched to and how.
CREATE TABLE direct_bounces (
    id INTEGER PRIMARY KEY,
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
CREATE INDEX direct_bounces_by_address ON direct_bounces (account_id, address);
