-- Contact records: an account's own id for a person, and the address it has now. Bounces stay
-- with the address (SPEC §3, end), so changing a record's address changes what applies to it.
CREATE TABLE contacts (
    account_id BIGINT NOT NULL,
    contact_id TEXT NOT NULL,
    address TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, contact_id)
);
CREATE INDEX contacts_by_address ON contacts (account_id, address);
