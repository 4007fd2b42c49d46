//! The message breaks RFC 5322 (duplicate or missing headers, bad syntax).

/// Lower-case phrases of responses that mean this cause, matched as substrings.
pub const PHRASES: &[&str] = &[
    "this message is not rfc 5322 compliant",
    "not rfc 5322 compliant",
    "not rfc5322 compliant",
    "rfc 5322",
    "rfc5322",
    "rfc 2822",
    "rfc2822",
    "rfc 822",
    "rfc822 compliant",
    "multiple addresses in from",
    "duplicate header",
    "missing header",
    "not compliant with rfc",
    "message contains bare",
];
