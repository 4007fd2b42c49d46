//! Delivery time ran out in the sender's queue (RFC 3463 X.4.7; Postfix, Sendmail, Exim, OpenSMTPD wording).

/// Lower-case phrases of responses that mean this cause, matched as substrings.
pub const PHRASES: &[&str] = &[
    "delivery time expired",
    "envelope expired",
    "expired",
    "giving up on",
    "gave up",
    "could not be delivered within",
    "have not been able to deliver",
    "retry time not reached for any host after a long failure period",
    "retry timeout exceeded",
    "message timed out",
    "maximum time in queue",
    "message was not delivered within",
    "too long in queue",
    "in queue too long",
    "was too old",
    "undeliverable for",
    "queue time",
    "message could not be delivered for",
    "has not been delivered for",
    "remained in the queue",
    "time limit exceeded",
    "queue expired",
    "delivery attempts will continue to be made for",
    "maximum queue time",
    "unable to deliver for",
    "connection timed out",
];

/// The sending MTA's own statement that it gave up because the time ran out. These decide the
/// cause even when the response also says why the last attempt failed (SPEC §3: "An MTA's report
/// that a message expired is final even when it is worded or coded as a delay").
/// Exim "retry timeout exceeded", OpenSMTPD "Envelope expired", qmail "I'm not going to try again;
/// this message has been in the queue too long", Sendmail "Message could not be delivered for
/// N days", Postfix "message delivery time expired" / "delivery time expired".
pub const STATEMENTS: &[&str] = &[
    "retry timeout exceeded",
    "envelope expired",
    "has been in the queue too long",
    "delivery time expired",
    "message expired",
];
