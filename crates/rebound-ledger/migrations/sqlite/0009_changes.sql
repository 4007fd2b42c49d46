-- The change log every node follows (SPEC §10 "PostgreSQL and many nodes"): one row per
-- (account, address) whose suppression state a transaction rewrote, per address whose global
-- state it rewrote (account_id NULL), and per account whose key changed (address NULL). A
-- node applies the rows after its cursor to its in-memory gate and key table, so a write
-- made through any node is honoured by every node. On SQLite there is one node; it follows
-- its own log the same way.
CREATE TABLE changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    account_id BIGINT,
    address TEXT
);
