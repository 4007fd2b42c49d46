//! The message text after `DATA` (RFC 5321 §4.1.1.4): a byte-at-a-time state machine fed from
//! a fixed read buffer, so a connection never holds more than the message limit in memory,
//! whatever its lines look like.
//!
//! Only `<CR><LF>.<CR><LF>` ends the data. A dot line after a bare LF (`<LF>.<CR><LF>`,
//! `<CR><LF>.<LF>`) is data, never the end: a receiver that ends there lets a sender smuggle a
//! second transaction past the relay in front of it (SMTP smuggling, CVE-2023-51764). Bare LFs
//! are kept as data; a leading dot after CRLF is removed (dot-stuffing, RFC 5321 §4.5.2).

/// The longest data line accepted, LF included: RFC 5321 §4.5.3.1.6 says 1000 octets, but real
/// senders (HTML mail, long headers from broken MUAs) exceed it, so a generous 64 KiB. A longer
/// line makes the message refused (`500 5.5.6`) after it has been read and thrown away.
pub const MAX_DATA_LINE: usize = 64 << 10;

/// Where the reader stands relative to the last CRLF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Just after CRLF (or at the start of the data).
    LineStart,
    /// A dot at the start of a line.
    Dot,
    /// `.` `CR` at the start of a line: one LF more and the data ends.
    DotCr,
    /// Inside a line.
    Mid,
    /// A CR inside a line, held back until we see whether LF follows.
    Cr,
}

/// What the data came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The message, unstuffed, ending with the CRLF before the final dot.
    Message(Vec<u8>),
    /// A line was longer than [`MAX_DATA_LINE`]; the message was discarded.
    LineTooLong,
    /// The message was longer than the limit; it was discarded.
    TooBig,
}

/// Decodes the data of one message.
#[derive(Debug)]
pub struct Decoder {
    state: State,
    /// Bytes since the last LF (bare or not), for the line bound.
    line: usize,
    message: Vec<u8>,
    max_message_bytes: usize,
    too_long: bool,
    too_big: bool,
}

impl Decoder {
    /// A decoder that keeps at most `max_message_bytes`.
    pub fn new(max_message_bytes: usize) -> Decoder {
        Decoder {
            state: State::LineStart,
            line: 0,
            message: Vec::new(),
            max_message_bytes,
            too_long: false,
            too_big: false,
        }
    }

    /// Reads from `chunk`; returns how many bytes it took and whether the data ended there
    /// (the bytes after the end are the next commands, left to the caller).
    pub fn feed(&mut self, chunk: &[u8]) -> (usize, bool) {
        let mut i = 0;
        while i < chunk.len() {
            if self.state == State::Mid {
                // The common case: plain text up to the next CR or LF, kept in one go.
                let rest = &chunk[i..];
                let n = rest
                    .iter()
                    .position(|b| *b == b'\r' || *b == b'\n')
                    .unwrap_or(rest.len());
                if n > 0 {
                    self.count(n);
                    self.keep(&rest[..n]);
                    i += n;
                    continue;
                }
            }
            let b = chunk[i];
            i += 1;
            self.count(1);
            if self.step(b) {
                return (i, true);
            }
        }
        (i, false)
    }

    /// The message, or why it was discarded (a long line first: it is the sender's bug).
    pub fn finish(self) -> Outcome {
        if self.too_long {
            Outcome::LineTooLong
        } else if self.too_big {
            Outcome::TooBig
        } else {
            Outcome::Message(self.message)
        }
    }

    /// One byte outside the fast path; true at the end of the data.
    fn step(&mut self, b: u8) -> bool {
        match (self.state, b) {
            (State::DotCr, b'\n') => return true,
            (State::Cr, b'\n') => {
                self.keep(b"\r\n");
                self.line = 0;
                self.state = State::LineStart;
                return false;
            }
            // A CR not followed by LF is data (after `.` `CR`, the dot was stuffing).
            (State::DotCr | State::Cr, _) => {
                self.keep(b"\r");
                self.state = State::Mid;
                return self.step(b);
            }
            _ => {}
        }
        match (self.state, b) {
            (State::LineStart, b'.') => self.state = State::Dot,
            (State::Dot, b'\r') => self.state = State::DotCr,
            (_, b'\r') => self.state = State::Cr,
            // A bare LF is data and starts no line: a dot after it is not the end. (After a
            // leading dot, as for any other byte, the dot is dropped as stuffing.)
            (_, b'\n') => {
                self.keep(b"\n");
                self.line = 0;
                self.state = State::Mid;
            }
            (_, _) => {
                self.keep(&[b]);
                self.state = State::Mid;
            }
        }
        false
    }

    fn count(&mut self, n: usize) {
        self.line += n;
        if self.line > MAX_DATA_LINE && !self.too_long {
            self.too_long = true;
            self.message = Vec::new();
        }
    }

    fn keep(&mut self, bytes: &[u8]) {
        if self.too_long || self.too_big {
            return;
        }
        if self.message.len() + bytes.len() > self.max_message_bytes {
            self.too_big = true;
            self.message = Vec::new();
        } else {
            self.message.extend_from_slice(bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `input` in pieces of `step` bytes; returns the outcome and the bytes after the end.
    fn decode(input: &[u8], step: usize, max: usize) -> (Option<Outcome>, Vec<u8>) {
        let mut d = Decoder::new(max);
        let mut at = 0;
        while at < input.len() {
            let end = (at + step).min(input.len());
            let (n, done) = d.feed(&input[at..end]);
            at += n;
            if done {
                return (Some(d.finish()), input[at..].to_vec());
            }
        }
        (None, Vec::new())
    }

    fn message(input: &[u8]) -> Vec<u8> {
        let mut seen = None;
        for step in [1, 2, 3, 7, input.len().max(1)] {
            let (outcome, rest) = decode(input, step, 1 << 20);
            let Some(Outcome::Message(m)) = outcome else {
                panic!("no message at step {step}: {outcome:?}");
            };
            let got = (m, rest);
            if let Some(s) = &seen {
                assert_eq!(s, &got, "step {step}");
            }
            seen = Some(got);
        }
        seen.unwrap().0
    }

    #[test]
    fn ends_at_crlf_dot_crlf_and_unstuffs_leading_dots() {
        assert_eq!(message(b".\r\n"), b"");
        assert_eq!(
            message(b"Subject: x\r\n\r\n..line\r\n.x\r\n.\r\nQUIT\r\n"),
            b"Subject: x\r\n\r\n.line\r\nx\r\n"
        );
        let (_, rest) = decode(b"a\r\n.\r\nQUIT\r\n", 2, 100);
        assert_eq!(rest, b"QUIT\r\n");
    }

    #[test]
    fn a_dot_line_after_a_bare_lf_is_data_not_the_end() {
        let smuggled = b"a\n.\r\nMAIL FROM:<>\r\nRCPT TO:<x@y>\r\nDATA\r\nb\r\n.\n\r\nc\r\n.\r\n";
        assert_eq!(
            message(smuggled),
            b"a\n.\r\nMAIL FROM:<>\r\nRCPT TO:<x@y>\r\nDATA\r\nb\r\n\n\r\nc\r\n"
        );
        assert_eq!(message(b"\n.\n.\r\r\n\r\r\n.\r\n"), b"\n.\n.\r\r\n\r\r\n");
        assert_eq!(message(b".\rx\r\n.\r\n"), b"\rx\r\n");
    }

    #[test]
    fn a_long_line_is_read_to_the_end_but_not_kept() {
        let mut input = b"ok\r\n".to_vec();
        input.extend(std::iter::repeat_n(b'a', MAX_DATA_LINE * 3));
        input.extend_from_slice(b"\r\nmore\r\n.\r\nNOOP\r\n");
        let mut d = Decoder::new(usize::MAX);
        let mut at = 0;
        let mut peak = 0;
        loop {
            let end = (at + 8192).min(input.len());
            let (n, done) = d.feed(&input[at..end]);
            peak = peak.max(d.message.capacity());
            at += n;
            if done {
                break;
            }
        }
        assert!(peak <= 2 * MAX_DATA_LINE, "kept {peak}");
        assert_eq!(&input[at..], b"NOOP\r\n");
        assert_eq!(d.finish(), Outcome::LineTooLong);
        // The bound counts the LF: a line of exactly the bound passes.
        let mut exact = vec![b'a'; MAX_DATA_LINE - 2];
        exact.extend_from_slice(b"\r\n.\r\n");
        assert_eq!(message(&exact).len(), MAX_DATA_LINE);
    }

    #[test]
    fn a_message_over_the_limit_is_refused() {
        let (outcome, rest) = decode(b"0123456789ABC\r\n.\r\nQUIT\r\n", 4, 10);
        assert_eq!(
            (outcome, rest),
            (Some(Outcome::TooBig), b"QUIT\r\n".to_vec())
        );
        let (outcome, _) = decode(b"01234567\r\n.\r\n", 4, 10);
        assert_eq!(outcome, Some(Outcome::Message(b"01234567\r\n".to_vec())));
    }
}
