//! GoDaddy (secureserver.net): "IB607 ... has sent to too many recipients this hour"
//! (x.co/rlbounce, GoDaddy's bounce code list: IB607 = hourly recipient limit).

use super::Provider;
use crate::Cause::*;

/// The rules of this provider.
pub const PROVIDER: Provider = Provider {
    name: "godaddy",
    markers: &["secureserver.net", "x.co/rlbounce", "ib607"],
    rules: &[
        ("ib607", Speeding),
        ("too many recipients this hour", Speeding),
    ],
    ..Provider::BASE
};
