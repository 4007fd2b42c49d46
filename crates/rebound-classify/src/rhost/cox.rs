//! Cox: "AUP#CDRBL" (cox.com email error codes: the sending IP is on Cox's blocklist).

use super::Provider;
use crate::Cause::*;

/// The rules of this provider.
pub const PROVIDER: Provider = Provider {
    name: "cox",
    markers: &["cox.net", "cox.com"],
    rules: &[("cdrbl", Blocked), ("rrbl", Blocked)],
    ..Provider::BASE
};
