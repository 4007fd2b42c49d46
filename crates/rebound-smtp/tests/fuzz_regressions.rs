//! Fuzz regressions: every file of `fuzz/regressions/smtp/` (the minimised corpus of the
//! `smtp` fuzz target: inputs libFuzzer generated from seeds written for this project) goes
//! through the command parser line by line and through the DATA decoder in one piece and in
//! small pieces, with the checks of the fuzz target: no panic, the path never holds its `>`,
//! the same end and message however the data is cut, and an end only at CRLF.CRLF.

use std::path::Path;

use rebound_smtp::command::{self, Command};
use rebound_smtp::data::{Decoder, Outcome};

fn decode(input: &[u8], step: usize, limit: usize) -> (Option<usize>, Outcome) {
    let mut decoder = Decoder::new(limit);
    let mut at = 0;
    while at < input.len() {
        let end = (at + step).min(input.len());
        let (n, done) = decoder.feed(&input[at..end]);
        at += n;
        if done {
            return (Some(at), decoder.finish());
        }
        assert_eq!(at, end);
    }
    (None, decoder.finish())
}

#[test]
fn every_smtp_regression_reads_the_same_however_it_is_cut() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions/smtp");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("fuzz/regressions/smtp") {
        let path = entry.expect("entry").path();
        let data = std::fs::read(&path).expect("read");
        let at = path.display();
        for line in data.split_inclusive(|b| *b == b'\n') {
            if let Command::Mail(Some(p)) | Command::Rcpt(Some(p)) = command::parse(line) {
                assert!(!p.address.contains('>'), "{at}");
            }
        }
        for limit in [64, 4096, 1 << 20] {
            let whole = decode(&data, data.len().max(1), limit);
            for step in 1..=7 {
                assert_eq!(whole, decode(&data, step, limit), "{at}: pieces of {step}");
            }
            if let (Some(end), Outcome::Message(m)) = &whole {
                let read = &data[..*end];
                assert!(read == b".\r\n" || read.ends_with(b"\r\n.\r\n"), "{at}");
                assert!(m.len() <= read.len() && m.len() <= limit, "{at}");
            }
        }
        n += 1;
    }
    assert!(n > 0, "no inputs in {}", dir.display());
}
