//! Fuzz target: the policy loader (`Policy::from_toml`, `Policy::overlay`) must turn any text
//! into a policy or a typed error without panicking, and a policy it accepts must give a
//! verdict for every cause.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rebound_classify::{Cause, Permanence, Policy};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let loaded = Policy::from_toml(text);
    let overlaid = Policy::default().overlay(text);
    for policy in [loaded, overlaid].into_iter().flatten() {
        for &cause in Cause::ALL {
            for permanence in [
                Permanence::FinalPermanent,
                Permanence::FinalTemporary,
                Permanence::StillTrying,
            ] {
                let v = std::hint::black_box(policy.verdict(cause, permanence, Some(cause)));
                let _ = v.reason.map(|r| policy.suppress_days(r));
            }
        }
    }
});
