//! Fuzz target: the receiver's SMTP input. Every line of the input goes through
//! `command::parse` (total: a command for any bytes, and the path it reads never holds the
//! closing `>`), and the whole input goes through the DATA `Decoder` twice, in one piece and in
//! small pieces whose sizes come from the input: both must end at the same byte with the same
//! message, and only at CRLF.CRLF (RFC 5321 §4.1.1.4).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rebound_smtp::command::{self, Command};
use rebound_smtp::data::{Decoder, Outcome};

fuzz_target!(|data: &[u8]| {
    for line in data.split_inclusive(|b| *b == b'\n') {
        if let Command::Mail(Some(path)) | Command::Rcpt(Some(path)) = command::parse(line) {
            assert!(!path.address.contains('>'), "{path:?}");
            for (keyword, value) in &path.params {
                assert!(!keyword.contains([' ', '\t', '=']));
                assert!(!value.as_deref().unwrap_or("").contains([' ', '\t']));
            }
        }
    }

    // The message limit and the piece sizes come from the first byte, so both limits are met.
    let (limit, pieces) = match data.split_first() {
        Some((b, _)) => (64 + usize::from(*b) * 16, usize::from(b % 7) + 1),
        None => (64, 1),
    };
    let whole = decode(data, data.len().max(1), limit);
    let split = decode(data, pieces, limit);
    assert_eq!(whole, split, "pieces of {pieces}");
    if let (Some(end), Outcome::Message(m)) = &whole {
        let read = &data[..*end];
        assert!(read == b".\r\n" || read.ends_with(b"\r\n.\r\n"), "ended early");
        assert!(m.len() <= read.len() && m.len() <= limit);
    }
});

/// Feeds `input` in pieces of `step` bytes: where the data ended (if it did) and the outcome.
fn decode(input: &[u8], step: usize, limit: usize) -> (Option<usize>, Outcome) {
    let mut decoder = Decoder::new(limit);
    let mut at = 0;
    while at < input.len() {
        let end = (at + step).min(input.len());
        let (n, done) = decoder.feed(&input[at..end]);
        assert!(n <= end - at);
        at += n;
        if done {
            return (Some(at), decoder.finish());
        }
        assert_eq!(at, end, "a piece not read to its end");
    }
    (None, decoder.finish())
}
