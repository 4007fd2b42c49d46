//! The address was valid once; the user moved and mail is not forwarded (RFC 3463 X.1.6).

/// Lower-case phrases of responses that mean this cause, matched as substrings.
pub const PHRASES: &[&str] = &[
    "has been replaced by",
    "address has changed",
    "has moved",
    "no longer at this address",
    "changed their email address",
    "email address has changed",
];
