//! Spectrum / Charter: "AUP#In-1310" (spectrum.net "understanding email error codes": 1310 =
//! the sending IP exceeded its connection limit).

use super::Provider;
use crate::Cause::*;

/// The rules of this provider.
pub const PROVIDER: Provider = Provider {
    name: "spectrum",
    markers: &["spectrum.net", "charter.net"],
    rules: &[("aup#in-1310", TooManyConn), ("aup#1310", TooManyConn)],
    ..Provider::BASE
};
