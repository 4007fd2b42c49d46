//! Fuzz target: `rebound_parse::parse` must accept any bytes without panicking, and
//! `rebound_classify::classify` must accept every recipient it returns.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use rebound_classify::Policy;

static POLICY: OnceLock<Policy> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let policy = POLICY.get_or_init(Policy::default);
    let report = rebound_parse::parse(data);
    for r in &report.recipients {
        let _ = std::hint::black_box(rebound_classify::classify(r, policy));
    }
});
