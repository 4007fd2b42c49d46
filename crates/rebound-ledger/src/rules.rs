//! The ledger's numbers and permissions, each in one place (DESIGN.md "one fact, one place").

use rebound_classify::Reason;

use crate::time::{DAY, HOUR};

/// A temporary failure stays pending this long from the first attempt (SPEC §2), then it is a
/// soft bounce unless a delivery came first.
pub const PENDING_WINDOW_MS: i64 = 72 * HOUR;

/// Hard bounces for a permanent reason from this many different accounts…
pub const GLOBAL_ACCOUNTS: usize = 3;

/// …within this span make a global bounce (SPEC §2).
pub const GLOBAL_WINDOW_MS: i64 = 60 * DAY;

/// Waits between delivery attempts after a temporary failure, by attempt number (the last
/// repeats until the pending window closes).
pub const RETRY_BACKOFF_MS: [i64; 7] = [
    60_000,
    5 * 60_000,
    15 * 60_000,
    30 * 60_000,
    HOUR,
    2 * HOUR,
    4 * HOUR,
];

/// How long to wait after the `attempt`-th failed attempt (1-based).
pub fn retry_delay(attempt: i64) -> i64 {
    let i = usize::try_from(attempt.saturating_sub(1)).unwrap_or(0);
    RETRY_BACKOFF_MS[i.min(RETRY_BACKOFF_MS.len() - 1)]
}

/// Account health looks back this far (SPEC §5).
pub const HEALTH_WINDOW_MS: i64 = 30 * DAY;

/// Hard bounces above this share of sends flag an account (large providers pause senders).
pub const HARD_BOUNCE_RATE_FLAG: f64 = 0.05;

/// Complaints above this share of sends flag an account.
pub const COMPLAINT_RATE_FLAG: f64 = 0.001;

/// A one-to-one bounce that names neither its send's Message-ID nor quotes it is matched to
/// the latest send to its recipient made at most this long before it: MTAs give up on a
/// message after about five days (RFC 5321 §4.5.4.1 "at least 4-5 days"; Postfix
/// `maximal_queue_lifetime` = 5d, Sendmail `Timeout.queuereturn` = 5d), plus two days' margin.
pub const RECIPIENT_MATCH_WINDOW_MS: i64 = 7 * DAY;

/// A report's Date may run ahead of the send's time by this much (clocks of different
/// hosts) and still match by recipient and time.
pub const RECIPIENT_MATCH_SKEW_MS: i64 = 15 * 60_000;

/// Rows one transaction of a large write holds the write path for; the rest wait their turn
/// behind other callers' writes, so one big request cannot stall every other account.
pub const WRITE_CHUNK: usize = 1_000;

/// A received message larger than this is read by the receiver's second applier, so the many
/// small reports never queue behind one large one. Parsing is linear (worst shapes about
/// 100 ms/MiB, README "Worst case"), so a message below this costs the small lane at most
/// tens of milliseconds; one at the receiver's 16 MiB limit costs the large lane under a second.
pub const LARGE_MESSAGE_BYTES: i64 = 256 * 1024;

/// A node that takes a queued delivery holds it this long: no other node attempts it
/// meanwhile, and if the node dies the delivery is due again when the lease runs out. Longer
/// than any one attempt can take (connect, TLS and the SMTP exchange, each under its own
/// timeout of a few minutes, RFC 5321 §4.5.3.2).
pub const DELIVERY_LEASE_MS: i64 = 15 * 60_000;

/// Rows of the change log kept (the sweeper trims the rest). Nodes read it every 200 ms, so
/// this is hours of writes at full speed; a node further behind reloads its gate.
pub const CHANGES_KEPT: i64 = 1_000_000;

/// The most recipients one `POST /sends` logs (413 beyond): a larger send is logged in calls.
pub const MAX_SEND_RECIPIENTS: usize = 10_000;

/// The most recipients one `POST /emails` draft takes (413 beyond).
pub const MAX_EMAIL_RECIPIENTS: usize = 100_000;

/// Who asks for an unbounce.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// A user of the account, with the account's key.
    Account,
    /// The operator, with the admin key.
    Operator,
}

impl Actor {
    /// The name written to the audit trail and the history.
    pub fn as_str(self) -> &'static str {
        match self {
            Actor::Account => "account",
            Actor::Operator => "operator",
        }
    }
}

/// Whether an account-scope hard bounce of `reason` may be lifted by `actor` (SPEC §4): users
/// lift content, spam, policy and other once the contact allow-listed the sending IPs; unknown
/// user and mailbox full only the operator may lift, explicitly (`override_permanent`).
pub fn may_unbounce(reason: Reason, actor: Actor, override_permanent: bool) -> Result<(), String> {
    if !reason.is_permanent() {
        return Ok(());
    }
    if actor == Actor::Operator && override_permanent {
        return Ok(());
    }
    Err(format!(
        "a hard bounce for {} cannot be unbounced by an account user: {}",
        reason.as_str(),
        remedy(reason)
    ))
}

/// The remedy shown for a reason, in plain words (SPEC §3 tables).
pub fn remedy(reason: Reason) -> &'static str {
    match reason {
        Reason::UnknownUser => {
            "the address does not exist; fix the address (ask the contact for a new one) rather than \
             sending again"
        }
        Reason::MailboxFull => {
            "the mailbox is full, usually abandoned; ask the contact for another address"
        }
        Reason::Content | Reason::Spam | Reason::Policy | Reason::Other => {
            "ask the contact to allow-list your sending IP addresses, then unbounce the contact"
        }
        Reason::RecipientUnavailable => {
            "the recipient's server was unavailable; resend later to the affected contacts"
        }
        Reason::SecurityFilter => {
            "a filter rejected the message for now; ask for allow-listing, then resend later"
        }
        Reason::SenderNotAuthorized => {
            "your own SPF, DKIM or DMARC failed: your IT must authorise this system for your \
             domain; then resend"
        }
        Reason::TemporaryFailure => "a temporary technical problem; resend later",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unbounce_allowed_for_content_spam_policy_other() {
        for r in [Reason::Content, Reason::Spam, Reason::Policy, Reason::Other] {
            assert_eq!(may_unbounce(r, Actor::Account, false), Ok(()));
        }
    }

    #[test]
    fn unbounce_refused_for_unknown_user_and_mailbox_full_naming_the_reason() {
        for r in [Reason::UnknownUser, Reason::MailboxFull] {
            let e = may_unbounce(r, Actor::Account, true).unwrap_err();
            assert!(e.contains(r.as_str()), "{e}");
            assert!(may_unbounce(r, Actor::Operator, false).is_err());
            assert_eq!(may_unbounce(r, Actor::Operator, true), Ok(()));
        }
    }
}
