//! The envelope sender (MAIL FROM) was refused.

/// Lower-case phrases of responses that mean this cause, matched as substrings.
pub const PHRASES: &[&str] = &[
    "sender rejected",
    "sender address rejected",
    "sender denied",
    "sender is rejected",
    "sender not allowed",
    "sender verify failed",
    "sender verification",
    "domain of sender address",
    "sender domain",
    "rejected sender",
    "bad sender",
    "invalid sender",
    "sender unknown",
    "unknown sender",
    "sender is not",
    "address verification failed",
    "you are not permitted to send",
    "sender blocked",
    "sender is blocked",
    "not allowed to send from",
    "domain has no mx record for sender",
    "please provide a valid from",
    "address that has been blacklisted",
    "purported responsible address",
    // Microsoft Exchange Online Protection: "550 5.4.1 All recipient addresses rejected : Access
    // denied" refuses the whole transaction, i.e. the sender, not one recipient (Sisimai's
    // Rejected table lists the same wording).
    "all recipient addresses rejected : access denied",
    // A mail gateway that relays only for its registered users: "'x' is not a registered
    // gateway user" refuses the sender (listed in Sisimai's Rejected table too).
    "is not a registered gateway user",
];
