//! DNS, routing or connection failures on the way to the recipient.

/// Lower-case phrases of responses that mean this cause, matched as substrings.
pub const PHRASES: &[&str] = &[
    "network is unreachable",
    "no route to host",
    "dns lookup failure",
    "temporary dns error",
    "host is unreachable",
    // Postfix: "Name service error for name=... type=MX: Malformed or unexpected name server
    // reply" (the resolver got an unusable answer: a DNS failure, not a verdict on the domain).
    "malformed or unexpected name server reply",
    "mail loop",
    "loop detected",
    "loops back to myself",
    "too many hops",
    "hop count exceeded",
    "routing loop",
    "conversation with",
    "message probably in an endless loop",
    "network error",
    "host not found, try again",
    "host name lookup failure",
    "dns error",
    "lost connection",
    "wasn't able to establish an smtp connection",
];
