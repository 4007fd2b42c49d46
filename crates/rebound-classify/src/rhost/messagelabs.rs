//! Symantec/Broadcom Email Security.cloud (MessageLabs, `*.messagelabs.com`), recognised by its
//! relays as remote or reporting MTA. Its own notices say "542 <address> Rejected" and "550
//! <address>... No such user" for a recipient it does not know (Broadcom knowledge base 165163:
//! "a 500 series error code indicating that the recipient is invalid"; the wording Sisimai's
//! MessageLabs module maps to "userunknown"). Its "Recipient mailbox is not allowed" and
//! "Invalid recipient" mean the same (Broadcom article 175710).

use rebound_parse::Recipient;

use super::{Provider, Scope};
use crate::Cause::{self, *};

/// "542 <address> Rejected": the recipient was refused at the gateway.
fn rejected_542(_r: &Recipient, diagnostic: &str) -> Option<Cause> {
    (diagnostic.starts_with("542 ") && diagnostic.contains(" rejected")).then_some(UserUnknown)
}

/// The rules of this provider.
pub const PROVIDER: Provider = Provider {
    name: "messagelabs",
    markers: &["messagelabs.com"],
    scope: Scope::Hosts,
    rules: &[
        ("no such user", UserUnknown),
        ("invalid recipient", UserUnknown),
        ("recipient mailbox is not allowed", UserUnknown),
    ],
    decide: Some(rejected_542),
};
