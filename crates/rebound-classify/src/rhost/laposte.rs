//! La Poste (France): codes "LPNnnn_nnn"; text of the same replies: "Invalid recipient"
//! (416), "The recipient account is blocked" (426), "Service refused" (107/108), "Client
//! host rejected" with a policy number (630).

use super::Provider;
use crate::Cause::*;

/// The rules of this provider.
pub const PROVIDER: Provider = Provider {
    name: "laposte",
    markers: &["laposte.net", "lpn0"],
    rules: &[
        ("_416", UserUnknown),
        ("_426", Suspend),
        ("_107", Blocked),
        ("_108", Blocked),
        ("_630", PolicyViolation),
    ],
    ..Provider::BASE
};
