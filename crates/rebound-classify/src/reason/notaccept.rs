//! The domain accepts no mail at all (null MX, RFC 7505; 'does not accept mail').

/// Lower-case phrases of responses that mean this cause, matched as substrings.
pub const PHRASES: &[&str] = &[
    "does not accept mail",
    "domain does not accept email",
    "null mx",
    "host does not accept mail",
    "mail receiving disabled",
    "not accepting mail",
    "mail service is not available",
    "accepts no mail",
    "no mx found",
    "no mx record found",
    "couldn't find a mail exchanger",
];
