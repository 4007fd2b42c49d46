//! Verizon Wireless SMS gateways (vtext.com, vzwpix.com): "550 - Requested action not taken:
//! no such user here" for a number that has no messaging account.

use super::Provider;
use crate::Cause::*;

/// The rules of this provider.
pub const PROVIDER: Provider = Provider {
    name: "verizon",
    markers: &["vtext.com", "vzwpix.com"],
    rules: &[("no such user", UserUnknown)],
    ..Provider::BASE
};
