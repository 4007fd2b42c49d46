//! Orange / Wanadoo (France): replies end in "OFR..._NNN [NNN]"; the number is the error code
//! of Orange's postmaster page, and the reply text states it ("Mail rejete. Mail rejected.",
//! "Client host blocked for spamming issues", "Service refused, please try later").

use super::Provider;
use crate::Cause::*;

/// The rules of this provider.
pub const PROVIDER: Provider = Provider {
    name: "orange",
    markers: &["orange.fr", "wanadoo.fr", "mwinf", "ofr_", "ofr0"],
    rules: &[
        ("[102]", Blocked),
        ("[103]", Blocked),
        ("[506]", SpamDetected),
        ("[505]", SystemError),
        ("[999]", Blocked),
    ],
    ..Provider::BASE
};
