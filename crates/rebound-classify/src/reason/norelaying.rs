//! The server refused to relay for a domain it does not host.

/// Lower-case phrases of responses that mean this cause, matched as substrings.
pub const PHRASES: &[&str] = &[
    "relay access denied",
    "relay denied",
    "relaying denied",
    "relaying not allowed",
    "relay not permitted",
    "not permitted to relay",
    "relaying mail to",
    "unable to relay",
    "we do not relay",
    "no relaying",
    "relay not allowed",
    "not allowed to relay",
    "relay prohibited",
    "cannot relay",
    "relaying disallowed",
    "mail relay denied",
    "that domain isn't in my list of allowed rcpthosts",
    "not local host",
    "5.7.1 relay",
    "not configured to relay",
    "email address is not verified",
    "insecure mail relay",
];
