//! Scores `rebound classify` on the project's own real-server fixtures (`fixtures/mta/`, written
//! by `rig/run.sh`: Postfix, Exim, OpenSMTPD, Sendmail, Dovecot LMTP/LDA, dma, nullmailer, …)
//! with the shared scorer `../shared/tools/score-mta`.
//!
//! The fixtures are in the repository, so this test never skips for want of them; it needs the
//! scorer from `../shared/tools` (present in CI) and skips without it unless
//! `REBOUND_REQUIRE_CORPUS=1`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Records (file + recipient with every labelled field right) this build gets right (150 of 158
/// on 2026-12-07): a ratchet
/// against regressions. Issue 13 ("Engine reach", Must show: every record right) raises it to
/// the total as the parser learns these servers' notices.
const MIN_ALL_RIGHT: u32 = 150;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn scorer() -> Option<PathBuf> {
    let dir = std::env::var_os("REBOUND_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared"));
    let tool = dir.join("tools/score-mta");
    if tool.is_file() {
        return Some(tool);
    }
    if std::env::var("REBOUND_REQUIRE_CORPUS").is_ok_and(|v| v == "1") {
        panic!("{} not found and REBOUND_REQUIRE_CORPUS=1", tool.display());
    }
    eprintln!(
        "SKIP: {} not found; fixture scoring skipped",
        tool.display()
    );
    None
}

#[test]
fn real_server_fixtures_score() {
    let fixtures = root().join("fixtures/mta");
    let expected = std::fs::read_to_string(fixtures.join("expected.jsonl"))
        .expect("fixtures/mta/expected.jsonl");
    let total = expected.lines().filter(|l| !l.trim().is_empty()).count() as u32;
    assert!(total >= 150, "fixtures/mta holds {total} records");
    let Some(tool) = scorer() else { return };
    let out = Command::new(env!("CARGO_BIN_EXE_rebound"))
        .arg("classify")
        .arg(&fixtures)
        .output()
        .expect("run rebound");
    assert_eq!(out.status.code(), Some(0), "no input error expected");
    let tmp =
        std::env::temp_dir().join(format!("rebound-mta-fixtures-{}.jsonl", std::process::id()));
    std::fs::write(&tmp, &out.stdout).unwrap();
    let scored = Command::new("python3")
        .arg(&tool)
        .arg(&tmp)
        .arg("--corpus")
        .arg(&fixtures)
        .args(["--show", "300"])
        .output()
        .expect("python3 runs the scorer");
    let _ = std::fs::remove_file(&tmp);
    let report = String::from_utf8_lossy(&scored.stdout).to_string();
    eprintln!("{report}");
    let last = report.lines().last().unwrap_or("");
    let all: Vec<u32> = last
        .rsplit("all=")
        .next()
        .unwrap_or("0/0")
        .split('/')
        .map(|n| n.trim().parse().unwrap_or(0))
        .collect();
    assert_eq!(
        all.get(1),
        Some(&total),
        "score-mta did not score every record: {last}"
    );
    assert!(
        all[0] >= MIN_ALL_RIGHT,
        "score-mta on fixtures/mta: {} right, floor {MIN_ALL_RIGHT} (issue 13): {last}",
        all[0]
    );
}
