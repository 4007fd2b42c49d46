//! Microsoft Exchange Online / Outlook.com: enhanced codes with a component name, e.g.
//! "5.1.10 RESOLVER.ADR.RecipientNotFound" (Exchange NDR reference: the recipient does not
//! exist; Microsoft uses 5.1.10 for it, not for null MX), and Outlook.com's "550 Requested
//! action not taken: mailbox unavailable" for a missing mailbox. Outlook.com's "SC-001" ...
//! "SC-004" codes refuse the sending IP for its reputation or volume of unwanted mail
//! (Outlook.com postmaster: "Unfortunately, messages from [IP] weren't sent").

use super::Provider;
use crate::Cause::*;

/// The rules of this provider.
pub const PROVIDER: Provider = Provider {
    name: "microsoft",
    markers: &[
        "outlook.com",
        "hotmail",
        "resolver.adr.",
        "protection.outlook",
        "live.com",
    ],
    rules: &[
        ("resolver.adr.recipientnotfound", UserUnknown),
        ("resolver.adr.exrecipnotfound", UserUnknown),
        (
            "requested action not taken: mailbox unavailable",
            UserUnknown,
        ),
        ("sc-001", Blocked),
        ("sc-002", Blocked),
        ("sc-003", Blocked),
        ("sc-004", Blocked),
    ],
    ..Provider::BASE
};
