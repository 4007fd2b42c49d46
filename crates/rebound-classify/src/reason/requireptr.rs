//! The sending host has no (or no matching) reverse DNS record (RFC 1912 §2.1; Gmail 550-5.7.25).

/// Lower-case phrases of responses that mean this cause, matched as substrings.
pub const PHRASES: &[&str] = &[
    "cannot find your hostname",
    "cannot resolve your address",
    "client host rejected: cannot find your hostname",
    "no ptr record",
    "ptr record",
    "reverse dns",
    "reverse lookup",
    "rdns",
    "does not have a reverse",
    "hostname does not match",
    "ip name lookup failed",
    "no reverse",
    "unresolvable relay host name",
    "fcrdns",
    "could not resolve your hostname",
    "ptr",
    "cannot find your reverse",
    "unverifyable sending ip",
    "mismatches client ip",
];
