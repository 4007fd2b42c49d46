//! Scores `rebound classify` on the shared labelled corpora with the shared scorers.
//!
//! The corpora live in `../shared/corpus/` beside the checkout and may not be copied into the
//! project. Without them these tests skip with a message, unless `REBOUND_REQUIRE_CORPUS=1`
//! (set by `.ci/run`), where they fail.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The cause accuracy this build reaches on `maildir/bsd`, as a floor against regressions.
/// The target is 97 %; raise this as accuracy improves.
const MIN_CAUSE: f64 = 98.5;
/// The status accuracy floor, likewise (target 97 %).
const MIN_STATUS: f64 = 98.8;

fn shared() -> Option<PathBuf> {
    let dir = std::env::var_os("REBOUND_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    if dir.join("corpus").is_dir() {
        return Some(dir);
    }
    if std::env::var("REBOUND_REQUIRE_CORPUS").is_ok_and(|v| v == "1") {
        panic!(
            "shared corpus not found at {} and REBOUND_REQUIRE_CORPUS=1",
            dir.display()
        );
    }
    eprintln!(
        "SKIP: shared corpus not found at {}; corpus tests skipped",
        dir.display()
    );
    None
}

fn classify(args: &[&Path]) -> (String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_rebound"))
        .arg("classify")
        .args(args)
        .output()
        .expect("run rebound");
    (
        String::from_utf8(out.stdout).expect("utf-8 output"),
        out.status.code().unwrap_or(-1),
    )
}

fn score(tool: &Path, output: &str, extra: &[&str]) -> (String, bool) {
    let tmp = std::env::temp_dir().join(format!(
        "rebound-score-{}-{}.jsonl",
        std::process::id(),
        tool.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&tmp, output).unwrap();
    let out = Command::new("python3")
        .arg(tool)
        .arg(&tmp)
        .args(extra)
        .output()
        .expect("python3 runs the scorer");
    let _ = std::fs::remove_file(&tmp);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    (text, out.status.success())
}

#[test]
fn sisimai_corpus_scores() {
    let Some(shared) = shared() else { return };
    let maildir = shared.join("corpus/sisimai/maildir");
    let (out, code) = classify(&[&maildir.join("bsd"), &maildir.join("not")]);
    assert_eq!(code, 0, "no input error expected");
    let (report, ok) = score(
        &shared.join("tools/score-corpus"),
        &out,
        &[
            "--min-cause",
            &MIN_CAUSE.to_string(),
            "--min-status",
            &MIN_STATUS.to_string(),
        ],
    );
    eprintln!("{report}");
    let last = report.lines().last().unwrap_or("");
    assert!(ok, "score-corpus below floor: {last}");
    assert!(last.contains("not_bounce_ok=2/2"), "{last}");
    assert!(last.contains("errors=0"), "{last}");
}

#[test]
fn mta_corpus_scores() {
    let Some(shared) = shared() else { return };
    let (out, _) = classify(&[&shared.join("corpus/mta")]);
    let (report, _ok) = score(&shared.join("tools/score-mta"), &out, &["--show", "50"]);
    eprintln!("{report}");
    let last = report.lines().last().unwrap_or("");
    let all: Vec<u32> = last
        .rsplit("all=")
        .next()
        .unwrap_or("0/1")
        .split('/')
        .map(|n| n.trim().parse().unwrap_or(0))
        .collect();
    assert_eq!(
        all.first(),
        all.get(1),
        "score-mta: every record must be right: {last}"
    );
}

/// Records without the path, for comparing a message's line-ending variants.
fn records_by_name(out: &str) -> Vec<(String, String)> {
    out.lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            let file = v["file"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string();
            v.as_object_mut().unwrap().remove("file");
            (file, v.to_string())
        })
        .collect()
}

#[test]
fn crlf_and_cr_variants_give_the_same_records() {
    let Some(shared) = shared() else { return };
    let maildir = shared.join("corpus/sisimai/maildir");
    let group = |out: &str| {
        let mut m: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for (f, r) in records_by_name(out) {
            m.entry(f).or_default().push(r);
        }
        m
    };
    let (bsd, _) = classify(&[&maildir.join("bsd")]);
    let bsd = group(&bsd);
    for variant in ["dos", "mac"] {
        let dir = maildir.join(variant);
        let (out, _) = classify(&[&dir]);
        let got = group(&out);
        let files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        assert!(!files.is_empty(), "{variant} is empty");
        let twins: Vec<&String> = files
            .iter()
            .filter(|f| maildir.join("bsd").join(f).is_file())
            .collect();
        assert!(
            twins.len() > 50,
            "{variant}: only {} files have a bsd twin",
            twins.len()
        );
        for f in twins {
            let none = Vec::new();
            assert_eq!(
                got.get(f).unwrap_or(&none),
                bsd.get(f).unwrap_or(&none),
                "{variant}/{f} differs from its bsd twin"
            );
        }
    }
}
