//! Auto-reply wording (RFC 3834 out-of-office and vacation notices).

/// Lower-case phrases of responses that mean this cause, matched as substrings.
pub const PHRASES: &[&str] = &[
    "i am away",
    "i am out of the office",
    "i will be out of the office",
    "out of office",
    "i am on vacation",
    "on vacation",
    "away from the office",
    "limited access to email",
    "will respond to you upon my return",
    "automatic reply",
];
