//! STARTTLS negotiation failed or was required and missing (RFC 3207, RFC 8689).

/// Lower-case phrases of responses that mean this cause, matched as substrings.
pub const PHRASES: &[&str] = &[
    "starttls is required",
    "tls required but not",
    "must issue a starttls",
    "starttls failed",
    "failed to establish tls",
    "tls negotiation failed",
    "requiretls",
    "tls handshake failed",
    "does not support tls",
    "does not support starttls",
];
