//! Rebound's ledger: where a bounce becomes a decision about who may be mailed.
//!
//! - [`event`]: the journal. Every input (a delivery result, a report message, a logged send,
//!   an unbounce) is an [`Event`] with the time it happened and an idempotency key.
//! - [`derive`]: the rules (SPEC §2–4) as pure functions from events to state: account
//!   suppression on a hard bounce, the 72-hour pending window, the 3-accounts-in-60-days global
//!   bounce, complaints, time-limited suppression. Late events give the same state.
//! - [`rules`]: the numbers, unbounce permissions and remedy texts, once.
//! - [`gate`]: the in-memory send-time gate answering `POST /check`.
//! - `inboxes`: connected inboxes (SPEC §6), one-to-one sends and the bounces found for
//!   them, apart from the marketing journal so they never suppress.
//! - [`store`]: every SQL statement (sqlx `Any`; SQLite now, the same SQL for PostgreSQL).
//! - [`Ledger`]: the façade the API and the channels call; time comes from its [`Clock`].

pub mod address;
pub mod derive;
pub mod destination;
pub mod emails;
mod error;
pub mod event;
pub mod follow;
pub mod gate;
mod health;
mod inboxes;
pub mod leader;
mod ledger;
pub mod rules;
pub mod secret;
mod session;
pub mod store;
pub mod time;
pub mod verp;

pub use destination::Destinations;
pub use emails::{Delivery, EmailView, NewEmail, RecipientView, SendSummary};
pub use error::{LedgerError, Result};
pub use event::{Event, EventKind};
pub use gate::{Decision, Scope};
pub use health::Health;
pub use inboxes::{
    Credentials, FolderView, InboxLogin, InboxMessage, InboxView, LoggedDirectSend, MatchKind,
    NewDirectSend, NewInbox, Tls, quoted_message_ids,
};
pub use ledger::{
    Applied, ContactView, DeliveryResult, Ingested, Lane, Ledger, LoggedSend, NewAccount, Page,
    Processed, Skipped, SuppressionView, UnbounceHint, random_hex, sha256_hex,
};
pub use rules::Actor;
pub use secret::same_secret;
pub use session::Session;

pub use time::{Clock, Timestamp};
