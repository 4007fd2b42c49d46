//! Golden tests: every `tests/fixtures/*.eml` (messages written for this project) is parsed with
//! LF, CRLF and CR line endings; all three must give the same report, equal to the `.json` next
//! to it. `UPDATE_GOLDEN=1 cargo test -p rebound-parse --test golden` rewrites the `.json` files
//! (review the diff before committing).

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no fixtures in {}", dir.display());
    v
}

fn view(bytes: &[u8]) -> Value {
    let r = rebound_parse::parse(bytes);
    json!({
        "engine": r.engine,
        "kind": r.kind,
        "recipients": r.recipients,
        "original_message_id": r.original_message_id,
    })
}

fn with_endings(lf: &[u8], ending: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(lf.len() + lf.len() / 20);
    for &b in lf {
        if b == b'\n' {
            out.extend_from_slice(ending);
        } else {
            out.push(b);
        }
    }
    out
}

#[test]
fn fixtures_match_their_golden_reports_in_every_line_ending() {
    for path in fixtures() {
        let raw = std::fs::read(&path).unwrap();
        let lf: Vec<u8> = with_endings(
            &raw.iter()
                .copied()
                .filter(|b| *b != b'\r')
                .collect::<Vec<_>>(),
            b"\n",
        );
        let got = view(&lf);
        for ending in [&b"\r\n"[..], &b"\r"[..]] {
            let variant = view(&with_endings(&lf, ending));
            assert_eq!(
                variant,
                got,
                "{}: {:?} endings differ from LF",
                path.display(),
                ending
            );
        }
        let golden = path.with_extension("json");
        if std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1") {
            std::fs::write(&golden, serde_json::to_string_pretty(&got).unwrap() + "\n").unwrap();
            continue;
        }
        let want: Value =
            serde_json::from_str(&std::fs::read_to_string(&golden).unwrap_or_else(|_| {
                panic!("missing {}; run with UPDATE_GOLDEN=1", golden.display())
            }))
            .unwrap();
        assert_eq!(
            got,
            want,
            "{} differs from its golden report",
            path.display()
        );
    }
}

/// A tiny deterministic generator, so the test needs no extra crate.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn truncated_mangled_and_random_input_never_panics() {
    let mut rng = Lcg(7);
    for path in fixtures() {
        let raw = std::fs::read(&path).unwrap();
        for cut in (0..raw.len()).step_by(13) {
            let _ = rebound_parse::parse(&raw[..cut]);
        }
        for _ in 0..200 {
            let mut m = raw.clone();
            for _ in 0..8 {
                let i = (rng.next() as usize) % m.len();
                m[i] = rng.next() as u8;
            }
            let _ = rebound_parse::parse(&m);
        }
    }
    for len in [0usize, 1, 2, 5, 64, 1000, 70_000] {
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let r = rebound_parse::parse(&bytes);
        assert!(r.recipients.iter().all(|x| !x.address.is_empty()));
    }
}

#[test]
fn huge_input_is_cut_and_flagged() {
    let mut big = b"From: MAILER-DAEMON@x.test\nSubject: Undelivered Mail\n\n".to_vec();
    big.resize(rebound_parse::mail::MAX_MESSAGE_BYTES + 10, b'a');
    let r = rebound_parse::parse(&big);
    assert!(r.flags.contains(&rebound_parse::Flag::Truncated));
}

#[test]
fn not_a_report_gives_no_recipients() {
    let msg = b"From: friend@example.test\nTo: me@example.test\nSubject: lunch?\n\nAre you free at noon?\n";
    let r = rebound_parse::parse(msg);
    assert!(r.recipients.is_empty());
    assert_eq!(r.kind, rebound_parse::ReportKind::NotReport);
}

/// Found by `cargo fuzz`: a `message/rfc822` part whose body is again only a
/// `Content-Type: message/rfc822` header made mail-parser's internal `debug_assert!` fire in
/// debug builds (the workspace turns its debug assertions off; release builds never had them).
#[test]
fn nested_empty_rfc822_parts_do_not_panic() {
    let msg = b"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: message/rfc822\n\nContent-Type: message/rfc822\n\n\n--b--";
    let r = rebound_parse::parse(msg);
    assert!(r.recipients.is_empty());
}
