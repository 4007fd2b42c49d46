//! KDDI au (ezweb.ne.jp, au.com): "550 &lt;address&gt;: User unknown" answers RCPT for a missing
//! mailbox; "550 : User unknown", with the address left empty, is what its servers say after
//! DATA when the recipient's own reception filter (domain/address designation) refuses.

use super::Provider;
use crate::Cause::*;

/// The rules of this provider.
pub const PROVIDER: Provider = Provider {
    name: "kddi",
    markers: &["ezweb.ne.jp", "au.com", "auone-net.jp"],
    rules: &[
        ("550 : user unknown", Filtered),
        ("550: : user unknown", Filtered),
        ("user unknown", UserUnknown),
        ("recipient address rejected", UserUnknown),
    ],
    ..Provider::BASE
};
