//! NTT DOCOMO (`mfsmax.docomo.ne.jp`): its servers answer "550 Unknown user <address>" both for
//! a missing mailbox and when the subscriber's reception settings (domain or address
//! designation) refuse the sender. The two are told apart by when it was said: at RCPT, or
//! with X.1.1, the mailbox is missing; after DATA with a bare 5.0.0 the recipient had been
//! accepted and the sender was then refused; with 5.2.0 the message was filtered (Sisimai's
//! NTTDOCOMO rhost module and its transcripts draw the same lines).

use rebound_parse::Recipient;

use super::{Provider, Scope};
use crate::Cause::{self, *};

fn unknown_user(r: &Recipient, diagnostic: &str) -> Option<Cause> {
    if !diagnostic.contains("550 unknown user") {
        return None;
    }
    let status = r.status.as_deref().unwrap_or("");
    match (status, r.command.as_deref()) {
        ("5.1.1", _) | (_, Some("RCPT")) => Some(UserUnknown),
        ("5.2.0", _) => Some(Filtered),
        ("5.0.0", Some("DATA")) => Some(Rejected),
        _ => None,
    }
}

/// The rules of this provider.
pub const PROVIDER: Provider = Provider {
    name: "nttdocomo",
    markers: &["docomo.ne.jp"],
    scope: Scope::Hosts,
    decide: Some(unknown_user),
    ..Provider::BASE
};
