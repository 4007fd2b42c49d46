-- Web sign-in sessions: only a hash of the cookie's token is kept; each has its CSRF token.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id BIGINT,
    is_admin BIGINT NOT NULL,
    csrf TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
