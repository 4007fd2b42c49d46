//! Yahoo: "[TSS04] ... temporarily deferred due to unexpected volume or user complaints"
//! (postmaster.yahooinc.com/error-codes: reputation); "This user doesn't have a yahoo.com
//! account" (the address does not exist).
//!
//! When the reply is known to come from Yahoo's own MX (`*.yahoodns.net` as the remote MTA),
//! its TSS codes are read as refusals of the sender: Yahoo sends "[TSS04] ... temporarily
//! deferred" (and "[TSS09]/[TSS11] All messages from ... will be permanently deferred") not only
//! for poor reputation but also for senders without SPF, DKIM or DMARC and for other reasons it
//! does not tell apart (Sisimai's YahooInc rhost module, keyed on `.yahoodns.net`, documents the
//! same observation and classes them "rejected"). Quoted by another system, the wording alone
//! still reads as reputation.

use super::{Provider, Scope};
use crate::Cause::*;

/// The rules of this provider.
pub const PROVIDER: Provider = Provider {
    name: "yahoo",
    markers: &[
        "yahoo.com",
        "yahoodns.net",
        "yahooinc.com",
        "verizonmedia.com",
        "delivery error: dd ",
    ],
    rules: &[
        ("[tss04]", BadReputation),
        ("[tss09]", BadReputation),
        ("this user doesn't have a", UserUnknown),
    ],
    ..Provider::BASE
};

/// Rules for replies Yahoo's own MX hosts gave; listed before [`PROVIDER`].
pub const MX: Provider = Provider {
    name: "yahoo-mx",
    markers: &["yahoodns.net"],
    scope: Scope::Hosts,
    rules: &[
        ("[tss04]", Rejected),
        ("[tss09]", Rejected),
        ("[tss11]", Rejected),
    ],
    ..Provider::BASE
};
