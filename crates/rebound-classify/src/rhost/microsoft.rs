//! Microsoft Exchange Online / Outlook.com: enhanced codes with a component name, e.g.
//! "5.1.10 RESOLVER.ADR.RecipientNotFound" (Exchange NDR reference: the recipient does not
//! exist; Microsoft uses 5.1.10 for it, not for null MX), and Outlook.com's "550 Requested
//! action not taken: mailbox unavailable" for a missing mailbox.

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
    ],
};
