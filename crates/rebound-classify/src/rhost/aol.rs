//! AOL Mail: when AOL's own relays (`*.mx.aol.com`, `*.mail.aol.com`) report that resolving the
//! recipient's domain gave "type=MX: Malformed or unexpected name server reply", the domain
//! publishes no usable mail exchanger: AOL does not accept the address (Sisimai's Aol rhost
//! module classes this "notaccept"). Elsewhere the same resolver error is a DNS failure.

use super::{Provider, Scope};
use crate::Cause::*;

/// The rules of this provider.
pub const PROVIDER: Provider = Provider {
    name: "aol",
    markers: &[".mx.aol.com", ".mail.aol.com"],
    scope: Scope::Hosts,
    rules: &[
        (
            "type=mx: malformed or unexpected name server reply",
            NotAccept,
        ),
        ("host or domain name not found", HostUnknown),
    ],
    ..Provider::BASE
};
