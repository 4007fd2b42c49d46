-- The ledger's tables. `events` is the journal; suppressions, pendings and global_bounces are
-- derived from it (and from global_lifts) and rewritten whenever an address changes.
-- Times are milliseconds since the epoch (BIGINT) so every database compares them alike.

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
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
CREATE INDEX events_by_address ON events (address, account_id, at);

CREATE TABLE sends (
    id INTEGER PRIMARY KEY,
    account_id BIGINT NOT NULL,
    address TEXT NOT NULL,
    message_id TEXT,
    email_id TEXT,
    at BIGINT NOT NULL
);
CREATE INDEX sends_by_message ON sends (account_id, message_id);

CREATE TABLE suppressions (
    account_id BIGINT NOT NULL,
    address TEXT NOT NULL,
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    cause TEXT,
    since BIGINT NOT NULL,
    until BIGINT,
    PRIMARY KEY (account_id, address, kind)
);

CREATE TABLE pendings (
    account_id BIGINT NOT NULL,
    address TEXT NOT NULL,
    send_key TEXT NOT NULL,
    first_at BIGINT NOT NULL,
    deadline BIGINT NOT NULL,
    PRIMARY KEY (account_id, address, send_key)
);
CREATE INDEX pendings_by_deadline ON pendings (deadline);

CREATE TABLE global_bounces (
    address TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    since BIGINT NOT NULL,
    accounts TEXT NOT NULL
);

CREATE TABLE global_lifts (
    id INTEGER PRIMARY KEY,
    address TEXT NOT NULL,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    note TEXT
);
CREATE INDEX global_lifts_by_address ON global_lifts (address);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    account_id BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes BLOB NOT NULL,
    received_at BIGINT NOT NULL,
    UNIQUE (account_id, sha256)
);

CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    account_id BIGINT,
    address TEXT,
    note TEXT
);
