//! Zoho Mail: its delivery notices quote the last reply as "ERROR_CODE :421, ERROR_CODE :..."
//! and, when its servers could not connect to the receiving host until they stopped retrying,
//! end with "Host not reachable." (the same sentence follows "Message will be retried for N
//! more day(s)" in its delay notices). That is Zoho's statement that the delivery time ran out
//! on an unreachable host; Sisimai's Zoho module reads it as "expired" too.

use super::Provider;
use crate::Cause::*;

/// The rules of this provider.
pub const PROVIDER: Provider = Provider {
    name: "zoho",
    markers: &["error_code :", "zoho.com", "zohomail"],
    rules: &[("host not reachable", Expired)],
    ..Provider::BASE
};
