//! Events: the ledger's journal. Everything the ledger knows is an event with the time it
//! happened (`at`); suppressions, pending windows and global bounces are derived from them.

use rebound_classify::{BounceType, Reason, Verdict};
use serde::Serialize;

use crate::time::Timestamp;

/// What happened to an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A message was sent to it.
    Sent,
    /// Delivered (an SMTP 2xx, or a report with `Action: delivered`/`relayed`).
    Delivered,
    /// A temporary failure while delivery is still being retried.
    Pending,
    /// A hard or soft bounce.
    Bounce,
    /// A spam complaint (ARF): unsubscribes the contact.
    Complaint,
    /// An auto-reply (out-of-office, vacation): never suppresses.
    AutoReply,
    /// A hard bounce lifted by a user or the operator.
    Unbounce,
}

impl EventKind {
    const NAMES: [(EventKind, &'static str); 7] = [
        (EventKind::Sent, "sent"),
        (EventKind::Delivered, "delivered"),
        (EventKind::Pending, "pending"),
        (EventKind::Bounce, "bounce"),
        (EventKind::Complaint, "complaint"),
        (EventKind::AutoReply, "auto_reply"),
        (EventKind::Unbounce, "unbounce"),
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("", |(_, n)| n)
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<EventKind> {
        Self::NAMES
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(k, _)| *k)
    }

    /// The event a classified recipient makes (SPEC §2: auto-replies and delivery notices are
    /// not bounces; complaints are their own kind).
    pub fn of(verdict: &Verdict) -> EventKind {
        match verdict.bounce_type {
            BounceType::Hard | BounceType::Soft => EventKind::Bounce,
            BounceType::Pending => EventKind::Pending,
            BounceType::Complaint => EventKind::Complaint,
            BounceType::None if verdict.cause == rebound_classify::Cause::Delivered => {
                EventKind::Delivered
            }
            BounceType::None => EventKind::AutoReply,
        }
    }
}

/// Where an event came from.
pub mod source {
    /// `POST /events`: a delivery result from an MTA or provider.
    pub const REPLY: &str = "reply";
    /// A report message (`POST /bounces`, the SMTP receiver, an import).
    pub const MESSAGE: &str = "message";
    /// A logged send.
    pub const SEND: &str = "send";
    /// Written by the ledger when a pending window ran out (derived; recomputed).
    pub const EXPIRY: &str = "expiry";
    /// An imported suppression list.
    pub const IMPORT: &str = "import";
    /// A user or operator action.
    pub const ACTION: &str = "action";
}

/// One event, as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// Row id (0 before it is stored).
    #[serde(skip)]
    pub id: i64,
    /// The account it belongs to.
    #[serde(skip)]
    pub account_id: i64,
    /// The canonical address.
    #[serde(skip)]
    pub address: String,
    /// When it happened.
    pub at: Timestamp,
    /// What happened.
    pub kind: EventKind,
    /// For bounces and pending: the bounce type.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub bounce_type: Option<BounceType>,
    /// For bounces and pending: the reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// The fine-grained cause (Sisimai vocabulary).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// Enhanced status code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// SMTP reply code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply_code: Option<String>,
    /// The remote server's full response.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnostic: Option<String>,
    /// The remote MTA.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote_mta: Option<String>,
    /// The Message-ID of the message sent (or bounced).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// The email (campaign) it belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_id: Option<String>,
    /// Where it came from (see [`source`]).
    pub source: String,
    /// Who did it (unbounces).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// A note (unbounces).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// For a hard bounce under a time-limited policy: days it suppresses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppress_days: Option<i64>,
    /// Idempotency key, unique per account: the same input twice is one event.
    #[serde(skip)]
    pub dedup: String,
    /// `marketing` for the ledger's own events; `inbox` for one-to-one email seen through a
    /// connected inbox (SPEC §6), which is shown on timelines but never suppresses.
    pub channel: &'static str,
    /// One-to-one bounces: how the report was matched to its send (`in_reply_to`,
    /// `quoted_original`, `recipient_time`).
    #[serde(rename = "match", skip_serializing_if = "Option::is_none")]
    pub match_kind: Option<String>,
    /// One-to-one bounces: the report kept whole (`GET /inbox-reports/{id}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report_id: Option<i64>,
    /// One-to-one sends: the subject.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

/// The channel of the ledger's own events.
pub const MARKETING: &str = "marketing";
/// The channel of one-to-one email seen through a connected inbox.
pub const INBOX: &str = "inbox";

impl Event {
    /// An event of `kind` at `at` from `source`, every other field empty.
    pub fn new(kind: EventKind, at: Timestamp, source: &str) -> Event {
        Event {
            id: 0,
            account_id: 0,
            address: String::new(),
            at,
            kind,
            bounce_type: None,
            reason: None,
            cause: None,
            status: None,
            reply_code: None,
            diagnostic: None,
            remote_mta: None,
            message_id: None,
            email_id: None,
            source: source.to_string(),
            actor: None,
            note: None,
            suppress_days: None,
            dedup: String::new(),
            channel: MARKETING,
            match_kind: None,
            report_id: None,
            subject: None,
        }
    }

    /// The send a pending window belongs to: the email, else the Message-ID, else "" (the
    /// address as a whole).
    pub fn send_key(&self) -> &str {
        self.email_id
            .as_deref()
            .or(self.message_id.as_deref())
            .unwrap_or("")
    }

    /// Whether this is a hard bounce that counts toward a global bounce (SPEC §2).
    pub fn is_permanent_hard_bounce(&self) -> bool {
        self.kind == EventKind::Bounce
            && self.bounce_type == Some(BounceType::Hard)
            && self.reason.is_some_and(Reason::is_permanent)
    }
}

/// Reads a stored bounce type name.
pub fn parse_bounce_type(name: &str) -> Option<BounceType> {
    [
        BounceType::Hard,
        BounceType::Soft,
        BounceType::Pending,
        BounceType::None,
        BounceType::Complaint,
    ]
    .into_iter()
    .find(|t| t.as_str() == name)
}
