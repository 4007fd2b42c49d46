//! Rules of large mailbox providers, keyed on the host that answered (`Remote-MTA` or the host
//! named in the response): their own codes and wording override the generic tables.

use rebound_parse::Recipient;

use crate::Cause;

/// The cause a provider rule assigns, if one applies.
pub fn cause(_r: &Recipient) -> Option<Cause> {
    None
}
