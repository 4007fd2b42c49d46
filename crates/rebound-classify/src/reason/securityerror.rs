//! A security requirement was not met: authentication required, TLS required, credentials.

/// Lower-case phrases of responses that mean this cause, matched as substrings.
pub const PHRASES: &[&str] = &[
    "authentication required",
    "authentication failed",
    "must be authenticated",
    "sender authentication required",
    "user not authenticated",
    "tls required",
    "encryption required",
    "insecure",
    "security",
    "certificate",
    "verification failed",
    "not authorized",
    "unauthorized",
    "authentication is required",
    "please authenticate",
    "unauthenticated senders",
    "smtp authentication",
];
