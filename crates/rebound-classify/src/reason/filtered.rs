//! The recipient's own filter, rules or settings refused the message.

/// Lower-case phrases of responses that mean this cause, matched as substrings.
pub const PHRASES: &[&str] = &[
    "because the recipient is not accepting mail",
    "message filtered",
    "filtered",
    "rejected by recipient",
    "refused by recipient",
    "recipient rejected your message",
    "user refuses to accept",
    "mail was rejected by",
    "recipient has chosen",
    "user does not accept",
    "not accept mail from",
    "rejected by the recipient",
    "message rejected by recipient",
    "has rejected your message",
    "domain does not accept",
    "sender is on the recipient's block list",
    "blocked by the recipient",
    "recipient blocked",
    "refused by user",
    "rejected due to user preferences",
    "this account does not accept",
    "mailbox does not accept",
    "mail rejected by recipient",
];
