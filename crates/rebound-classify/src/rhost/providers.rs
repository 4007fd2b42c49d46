//! The provider table: one module per provider (`rhost/<provider>.rs`), each citing where its
//! codes come from; the wording quoted is the provider's own reply text.

use super::{
    Provider, aol, cox, exchange2003, facebook, godaddy, kddi, laposte, messagelabs, microsoft,
    mimecast, nttdocomo, orange, spectrum, tencent, verizon, yahoo, zoho,
};

/// Every provider with rules. Markers do not overlap, except that a provider's host-only rules
/// come before its general ones (`yahoo::MX` before `yahoo::PROVIDER`).
pub static PROVIDERS: &[Provider] = &[
    orange::PROVIDER,
    laposte::PROVIDER,
    tencent::PROVIDER,
    godaddy::PROVIDER,
    yahoo::MX,
    yahoo::PROVIDER,
    facebook::PROVIDER,
    cox::PROVIDER,
    mimecast::PROVIDER,
    kddi::PROVIDER,
    microsoft::PROVIDER,
    exchange2003::PROVIDER,
    verizon::PROVIDER,
    spectrum::PROVIDER,
    aol::PROVIDER,
    messagelabs::PROVIDER,
    nttdocomo::PROVIDER,
    zoho::PROVIDER,
];
