//! The fine-grained cause of a bounce, in the vocabulary of the Sisimai project so that its
//! users can switch and the shared corpus can score us.

use serde::{Deserialize, Serialize};

macro_rules! causes {
    ($($(#[$doc:meta])* $v:ident = $s:literal,)*) => {
        /// A fine-grained bounce cause.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "lowercase")]
        pub enum Cause { $($(#[$doc])* $v,)* }

        impl Cause {
            /// Every cause, in declaration order.
            pub const ALL: &'static [Cause] = &[$(Cause::$v,)*];

            /// The Sisimai name ("userunknown").
            pub fn as_str(self) -> &'static str {
                match self { $(Cause::$v => $s,)* }
            }

            /// Reads a Sisimai name.
            pub fn parse(name: &str) -> Option<Cause> {
                match name { $($s => Some(Cause::$v),)* _ => None }
            }
        }
    };
}

causes! {
    /// The sender's own SPF/DKIM/DMARC authentication failed.
    AuthFailure = "authfailure",
    /// The sending IP or domain has a poor reputation.
    BadReputation = "badreputation",
    /// The sending IP or host name is blocked (blocklists, no PTR, ...).
    Blocked = "blocked",
    /// The message's format or content was refused.
    ContentError = "contenterror",
    /// Delivered (or relayed): not a bounce.
    Delivered = "delivered",
    /// A per-recipient size or count limit was exceeded.
    ExceedLimit = "exceedlimit",
    /// Delivery time ran out.
    Expired = "expired",
    /// STARTTLS failed.
    FailedStartTls = "failedstarttls",
    /// An ARF complaint.
    Feedback = "feedback",
    /// Refused by the recipient's own filter or rules.
    Filtered = "filtered",
    /// The mailbox moved and mail is not forwarded.
    HasMoved = "hasmoved",
    /// The recipient's domain does not exist.
    HostUnknown = "hostunknown",
    /// The mailbox is full.
    MailboxFull = "mailboxfull",
    /// A local delivery program failed.
    MailerError = "mailererror",
    /// The message is too big.
    MesgTooBig = "mesgtoobig",
    /// DNS, routing or connection failure.
    NetworkError = "networkerror",
    /// Relaying denied.
    NoRelaying = "norelaying",
    /// The domain accepts no mail (null MX).
    NotAccept = "notaccept",
    /// The message breaks RFC 5322.
    NotCompliantRfc = "notcompliantrfc",
    /// Cannot tell from the report.
    OnHold = "onhold",
    /// A recipient-side policy, often unspecified.
    PolicyViolation = "policyviolation",
    /// The envelope sender was refused.
    Rejected = "rejected",
    /// Reverse DNS required.
    RequirePtr = "requireptr",
    /// Transport security or another security requirement was not met.
    SecurityError = "securityerror",
    /// Judged to be spam.
    SpamDetected = "spamdetected",
    /// Sending too fast.
    Speeding = "speeding",
    /// Not sent because the address is on a suppression list.
    Suppressed = "suppressed",
    /// The mailbox is disabled or suspended.
    Suspend = "suspend",
    /// An SMTP syntax or protocol error.
    SyntaxError = "syntaxerror",
    /// The remote system failed.
    SystemError = "systemerror",
    /// The remote system is full.
    SystemFull = "systemfull",
    /// Too many connections.
    TooManyConn = "toomanyconn",
    /// No reason could be found at all.
    Undefined = "undefined",
    /// The mailbox does not exist.
    UserUnknown = "userunknown",
    /// An automatic reply.
    Vacation = "vacation",
    /// A virus or forbidden attachment.
    VirusDetected = "virusdetected",
}

impl std::fmt::Display for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
