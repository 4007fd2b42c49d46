//! Microsoft Exchange Server 2003 NDRs: "The recipient name is not recognized" with an
//! "MSEXCH:IMS:..." diagnostic (Exchange 2003 NDR text for an unknown recipient).

use super::Provider;
use crate::Cause::*;

/// The rules of this provider.
pub const PROVIDER: Provider = Provider {
    name: "exchange2003",
    markers: &["msexch:"],
    rules: &[("the recipient name is not recognized", UserUnknown)],
    ..Provider::BASE
};
