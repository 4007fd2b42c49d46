//! The sending IP or domain has a poor reputation (Gmail 421-4.7.0/550-5.7.1 'low reputation', Microsoft, Yahoo wording).

/// Lower-case phrases of responses that mean this cause, matched as substrings.
pub const PHRASES: &[&str] = &[
    "low reputation",
    "poor reputation",
    "bad reputation",
    "ip reputation",
    "sender reputation",
    "domain reputation",
    "reputation of",
    "reputation is",
    "unusual rate of unsolicited mail",
    "has been temporarily rate limited due to ip reputation",
    "user complaints",
];
