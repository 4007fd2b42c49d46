//! Fuzz regressions: every file of `fuzz/regressions/parse/` (the minimised corpus of the
//! `parse` fuzz target: inputs libFuzzer generated from seeds written for this project) is
//! parsed and each recipient classified; every file of `fuzz/regressions/policy/` is loaded as
//! a policy. None may panic, and the results must be sane: the same report twice, the
//! recipient cap kept, a verdict for every cause of a policy that loads.

use std::path::{Path, PathBuf};

use rebound_classify::{Cause, Permanence, Policy};
use rebound_parse::formats::MAX_RECIPIENTS;

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/regressions")
        .join(target);
    let mut v: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .map(|p| {
            let bytes = std::fs::read(&p).expect("read");
            (p, bytes)
        })
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no inputs in {}", dir.display());
    v
}

#[test]
fn every_parse_regression_gives_a_sane_report() {
    let policy = Policy::default();
    for (path, bytes) in inputs("parse") {
        let report = rebound_parse::parse(&bytes);
        let again = rebound_parse::parse(&bytes);
        let at = path.display();
        assert_eq!(format!("{report:?}"), format!("{again:?}"), "{at}");
        assert!(report.recipients.len() <= MAX_RECIPIENTS, "{at}");
        for r in &report.recipients {
            let v = rebound_classify::classify(r, &policy);
            assert_eq!(v, rebound_classify::classify(r, &policy), "{at}");
        }
    }
}

#[test]
fn every_policy_regression_loads_or_fails_typed() {
    for (path, bytes) in inputs("policy") {
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
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
                    let v = policy.verdict(cause, permanence, Some(cause));
                    let again = policy.verdict(cause, permanence, Some(cause));
                    assert_eq!(v, again, "{}", path.display());
                    let _ = v.reason.map(|r| policy.suppress_days(r));
                }
            }
        }
    }
}
