//! Enhanced status codes (RFC 3463, IANA "SMTP Enhanced Status Codes" registry) that name a
//! cause by themselves. Codes whose meaning depends on the wording (X.0.0, 5.7.1, ...) are not
//! listed: the response text decides those.

use crate::Cause::{self, *};

/// Sorted by code string; `cause_of` uses binary search.
pub const STATUS_CAUSES: &[(&str, Cause)] = &[
    ("4.1.6", HasMoved),        // destination mailbox has moved
    ("4.1.7", Rejected),        // bad sender's mailbox address syntax
    ("4.1.8", Rejected),        // bad sender's system address
    ("4.1.9", SystemError),     // message relayed to non-compliant mailer
    ("4.2.1", Blocked),         // mailbox disabled, not accepting messages
    ("4.2.2", MailboxFull),     // mailbox full
    ("4.2.3", ExceedLimit),     // message length exceeds administrative limit
    ("4.2.4", Filtered),        // mailing list expansion problem
    ("4.3.1", SystemFull),      // mail system full
    ("4.3.2", NotAccept),       // system not accepting network messages
    ("4.3.3", SystemError),     // system not capable of selected features
    ("4.3.5", SystemError),     // system incorrectly configured
    ("4.4.1", Expired),         // no answer from host
    ("4.4.2", NetworkError),    // bad connection
    ("4.4.3", SystemError),     // directory server failure
    ("4.4.4", NetworkError),    // unable to route
    ("4.4.5", SystemFull),      // mail system congestion
    ("4.4.6", NetworkError),    // routing loop detected
    ("4.4.7", Expired),         // delivery time expired
    ("4.4.8", NetworkError),    // retry on IPv4
    ("4.5.3", SystemError),     // too many recipients
    ("4.5.5", SystemError),     // wrong protocol version
    ("4.6.0", ContentError),    // other or undefined media error
    ("4.6.2", ContentError),    // conversion required and prohibited
    ("4.6.5", ContentError),    // conversion failed
    ("4.7.1", Blocked),         // delivery not authorized, message refused
    ("4.7.12", SecurityError),  // a password transition is needed
    ("4.7.15", SecurityError),  // priority level is too low
    ("4.7.16", MesgTooBig),     // message too big for the specified priority
    ("4.7.2", Blocked),         // mailing list expansion prohibited
    ("4.7.24", AuthFailure),    // SPF validation error
    ("4.7.25", RequirePtr),     // reverse DNS validation failed
    ("4.7.26", AuthFailure),    // multiple authentication checks failed
    ("4.7.5", SecurityError),   // cryptographic failure
    ("4.7.6", SecurityError),   // cryptographic algorithm not supported
    ("4.7.7", SecurityError),   // message integrity failure
    ("5.1.0", UserUnknown),     // other address status
    ("5.1.1", UserUnknown),     // bad destination mailbox address
    ("5.1.10", NotAccept),      // recipient address has null MX (RFC 7505)
    ("5.1.2", HostUnknown),     // bad destination system address
    ("5.1.3", UserUnknown),     // bad destination mailbox address syntax
    ("5.1.4", Filtered),        // destination mailbox address ambiguous
    ("5.1.6", HasMoved),        // destination mailbox has moved, no forwarding address
    ("5.1.7", Rejected),        // bad sender's mailbox address syntax
    ("5.1.8", Rejected),        // bad sender's system address
    ("5.1.9", SystemError),     // message relayed to non-compliant mailer
    ("5.2.0", Filtered),        // other or undefined mailbox status
    ("5.2.1", Filtered),        // mailbox disabled, not accepting messages
    ("5.2.2", MailboxFull),     // mailbox full
    ("5.2.3", ExceedLimit),     // message length exceeds administrative limit
    ("5.2.4", Filtered),        // mailing list expansion problem
    ("5.3.0", SystemError),     // other or undefined mail system status
    ("5.3.1", SystemFull),      // mail system full
    ("5.3.2", NotAccept),       // system not accepting network messages
    ("5.3.3", SystemError),     // system not capable of selected features
    ("5.3.4", MesgTooBig),      // message too big for system
    ("5.3.5", SystemError),     // system incorrectly configured
    ("5.4.0", NetworkError),    // other or undefined network or routing status
    ("5.4.3", SystemError),     // directory server failure
    ("5.4.4", HostUnknown),     // unable to route
    ("5.5.2", SyntaxError),     // syntax error
    ("5.5.3", TooManyConn),     // too many recipients
    ("5.5.4", SystemError),     // invalid command arguments
    ("5.5.5", SystemError),     // wrong protocol version
    ("5.5.6", SyntaxError),     // authentication exchange line too long (RFC 4954)
    ("5.6.0", ContentError),    // other or undefined media error
    ("5.6.1", ContentError),    // media not supported
    ("5.6.2", ContentError),    // conversion required and prohibited
    ("5.6.3", ContentError),    // conversion required but not supported
    ("5.6.5", ContentError),    // conversion failed
    ("5.6.6", ContentError),    // message content not available
    ("5.6.7", ContentError),    // non-ASCII addresses not permitted (RFC 6531)
    ("5.6.8", ContentError),    // UTF-8 string reply required (RFC 6531)
    ("5.6.9", ContentError),    // UTF-8 header cannot be transferred (RFC 6531)
    ("5.7.0", SecurityError),   // other or undefined security status
    ("5.7.1", SecurityError),   // delivery not authorized, message refused
    ("5.7.10", SecurityError),  // encryption needed
    ("5.7.11", SecurityError),  // encryption required for requested authentication mechanism
    ("5.7.13", Suspend),        // user account disabled (RFC 4954)
    ("5.7.14", SecurityError),  // trust relationship required
    ("5.7.15", SecurityError),  // priority level is too low
    ("5.7.16", MesgTooBig),     // message too big for the specified priority
    ("5.7.17", HasMoved),       // mailbox owner has changed (RFC 7293)
    ("5.7.18", HasMoved),       // domain owner has changed (RFC 7293)
    ("5.7.19", SecurityError),  // RRVS test cannot be completed (RFC 7293)
    ("5.7.2", SecurityError),   // mailing list expansion prohibited
    ("5.7.20", AuthFailure),    // no passing DKIM signature found (RFC 7372)
    ("5.7.21", AuthFailure),    // no acceptable DKIM signature found
    ("5.7.22", AuthFailure),    // no valid author-matched DKIM signature found
    ("5.7.23", AuthFailure),    // SPF validation failed
    ("5.7.24", AuthFailure),    // SPF validation error
    ("5.7.25", RequirePtr),     // reverse DNS validation failed
    ("5.7.26", AuthFailure),    // multiple authentication checks failed
    ("5.7.27", NotAccept),      // sender address has null MX (RFC 7505)
    ("5.7.28", SpamDetected),   // mail flood detected (RFC 8904 era registry)
    ("5.7.29", AuthFailure),    // ARC validation failure (RFC 8617)
    ("5.7.3", SecurityError),   // security conversion required but not possible
    ("5.7.30", FailedStartTls), // REQUIRETLS support required (RFC 8689)
    ("5.7.4", SecurityError),   // security features not supported
    ("5.7.5", SecurityError),   // cryptographic failure
    ("5.7.6", SecurityError),   // cryptographic algorithm not supported
    ("5.7.7", SecurityError),   // message integrity failure
    ("5.7.8", SecurityError),   // authentication credentials invalid
    ("5.7.9", SecurityError),   // authentication mechanism is too weak
];

/// The cause a status code names by itself, if any.
pub fn cause_of(status: &str) -> Option<Cause> {
    STATUS_CAUSES
        .binary_search_by(|(code, _)| (*code).cmp(status))
        .ok()
        .map(|i| STATUS_CAUSES[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_for_binary_search() {
        assert!(STATUS_CAUSES.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn known_codes() {
        assert_eq!(cause_of("5.1.1"), Some(UserUnknown));
        assert_eq!(cause_of("5.7.26"), Some(AuthFailure));
        assert_eq!(cause_of("5.0.0"), None);
    }
}
