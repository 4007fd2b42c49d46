//! Mimecast: "554 Host network not allowed" (Mimecast SMTP error codes: the sender's network
//! is refused by the recipient's policy).

use super::Provider;
use crate::Cause::*;

/// The rules of this provider.
pub const PROVIDER: Provider = Provider {
    name: "mimecast",
    markers: &["mimecast"],
    rules: &[("host network not allowed", PolicyViolation)],
};
