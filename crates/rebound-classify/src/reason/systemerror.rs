//! The remote mail system failed: configuration, internal errors, loops.

/// Lower-case phrases of responses that mean this cause, matched as substrings.
pub const PHRASES: &[&str] = &[
    "internal error",
    "local error",
    "server error",
    "system error",
    "configuration error",
    "misconfiguration",
    "mail system error",
    "error in processing",
    "server configuration problem",
    "resources temporarily unavailable",
    "local configuration",
    "unexpected error",
    "i/o error",
    "database error",
    "server busy",
    "system busy",
    "exceeded the maximum number of hops",
    "could not load drd",
    "transaction failed",
    "unable to deliver message after multiple retries",
    "service currently unavailable",
    "unable to contact ldap server",
    "queue file write error",
];
