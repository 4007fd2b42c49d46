//! Facebook: "RCP-P2 ... Refused due to recipient preferences" (postmaster.facebook.com
//! response codes): the recipient's own settings.

use super::Provider;
use crate::Cause::*;

/// The rules of this provider.
pub const PROVIDER: Provider = Provider {
    name: "facebook",
    markers: &["facebook.com"],
    rules: &[("rcp-p2", Filtered), ("rcp-p1", UserUnknown)],
    ..Provider::BASE
};
