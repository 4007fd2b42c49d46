-- Marketing emails and their recipients. email_recipients is also the durable delivery queue:
-- state draft → not_sent (suppressed at send time) | queued (next_attempt_at) → done.
CREATE TABLE emails (
    id INTEGER PRIMARY KEY,
    account_id BIGINT NOT NULL,
    subject TEXT NOT NULL,
    from_addr TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    resend_of BIGINT
);

CREATE TABLE email_recipients (
    email_id BIGINT NOT NULL,
    address TEXT NOT NULL,
    state TEXT NOT NULL,
    not_sent_reason TEXT,
    send_id BIGINT,
    message_id TEXT,
    return_path TEXT,
    attempts BIGINT NOT NULL,
    first_attempt_at BIGINT,
    next_attempt_at BIGINT,
    last_reply TEXT,
    PRIMARY KEY (email_id, address)
);
CREATE INDEX email_recipients_due ON email_recipients (state, next_attempt_at);
