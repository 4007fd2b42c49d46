//! The provider table: one module per provider (`rhost/<provider>.rs`), each citing where its
//! codes come from; the wording quoted is the provider's own reply text.

use super::{
    Provider, cox, exchange2003, facebook, godaddy, kddi, laposte, microsoft, mimecast, orange,
    spectrum, tencent, verizon, yahoo,
};

/// Every provider with rules, in no particular order (markers do not overlap).
pub static PROVIDERS: &[Provider] = &[
    orange::PROVIDER,
    laposte::PROVIDER,
    tencent::PROVIDER,
    godaddy::PROVIDER,
    yahoo::PROVIDER,
    facebook::PROVIDER,
    cox::PROVIDER,
    mimecast::PROVIDER,
    kddi::PROVIDER,
    microsoft::PROVIDER,
    exchange2003::PROVIDER,
    verizon::PROVIDER,
    spectrum::PROVIDER,
];
