//! Yahoo: "[TSS04] ... temporarily deferred due to unexpected volume or user complaints"
//! (postmaster.yahooinc.com/error-codes: reputation); "This user doesn't have a yahoo.com
//! account" (the address does not exist).

use super::Provider;
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
};
