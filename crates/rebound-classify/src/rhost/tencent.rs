//! Tencent QQ Mail: "Ip frequency limited", "Connection frequency limited" (help page
//! service.mail.qq.com id=20022): too many connections or messages from one IP.

use super::Provider;
use crate::Cause::*;

/// The rules of this provider.
pub const PROVIDER: Provider = Provider {
    name: "tencent",
    markers: &["qq.com", "mail.qq"],
    rules: &[
        ("frequency limited", TooManyConn),
        ("mailbox not found", UserUnknown),
    ],
    ..Provider::BASE
};
