//! Mimecast: "554 Host network not allowed" (Mimecast SMTP error codes: the sender's network
//! is refused by the recipient's policy); "554 email rejected due to security policies" (Mimecast
//! SMTP error codes: "a signature was detected that could either be a virus, or a spam score over
//! the maximum threshold"; Sisimai's Mimecast rhost module classes it as a virus).

use super::Provider;
use crate::Cause::*;

/// The rules of this provider.
pub const PROVIDER: Provider = Provider {
    name: "mimecast",
    markers: &["mimecast"],
    rules: &[
        ("host network not allowed", PolicyViolation),
        ("email rejected due to security policies", VirusDetected),
    ],
    ..Provider::BASE
};
