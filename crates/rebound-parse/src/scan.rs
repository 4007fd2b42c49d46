//! One pass over a message's text that finds every fixed phrase the readers look for: where the
//! returned original starts (the end of the notice), which vendor formats' markers occur, and
//! where RFC 3464 fields pasted into the text begin. Each reader then looks these up instead of
//! scanning the text again.

use std::sync::LazyLock;

use crate::formats::{self, textscan};
use crate::text;

/// What the scan found.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scan {
    /// Bit `i` is set when a marker of the `i`-th format of `formats::all` occurs.
    pub formats: u64,
    /// Byte length of the notice: the text before the returned original.
    pub notice_len: usize,
    /// Offset of the first line of RFC 3464 fields in the text ("Final-Recipient:" or
    /// "Original-Recipient:" at a line start), when DSN fields were pasted into a text part.
    pub dsn_fields: Option<usize>,
    /// End offset of the first-ending phrase of `facts::STILL_TRYING` (wording of a notice that
    /// is still retrying), found here rather than in a second pass over the notice.
    still_trying_end: Option<usize>,
}

impl Scan {
    /// True when the notice (not the returned original) says delivery is still being tried.
    pub fn still_trying(&self) -> bool {
        self.still_trying_end
            .is_some_and(|end| end <= self.notice_len)
    }
}

/// What a pattern of the automaton stands for.
#[derive(Clone, Copy)]
enum Kind {
    Format(usize),
    OriginalMarker,
    HeaderBlock,
    DsnField,
    /// A phrase of `facts::STILL_TRYING`, with its length in bytes.
    StillTrying(usize),
}

struct Automaton {
    phrases: text::PhraseSet,
    kinds: Vec<Kind>,
}

static AUTOMATON: LazyLock<Automaton> = LazyLock::new(|| {
    let mut phrases: Vec<&str> = Vec::new();
    let mut kinds = Vec::new();
    for (i, f) in formats::all().enumerate() {
        for m in f.markers {
            phrases.push(m);
            kinds.push(Kind::Format(i));
        }
    }
    for m in textscan::ORIGINAL_MARKERS {
        phrases.push(m);
        kinds.push(Kind::OriginalMarker);
    }
    for m in ["\n\nreturn-path:", "\n\nreceived:"] {
        phrases.push(m);
        kinds.push(Kind::HeaderBlock);
    }
    for m in ["\nfinal-recipient:", "\noriginal-recipient:"] {
        phrases.push(m);
        kinds.push(Kind::DsnField);
    }
    for m in crate::facts::STILL_TRYING {
        phrases.push(m);
        kinds.push(Kind::StillTrying(m.len()));
    }
    let phrases = text::PhraseSet::new(&phrases);
    Automaton { phrases, kinds }
});

/// Scans `text` once.
pub fn scan(text: &str) -> Scan {
    let a = &*AUTOMATON;
    let mut s = Scan {
        notice_len: text.len(),
        ..Scan::default()
    };
    // Where markers of the original occur: judged after the scan, in order, so that finding
    // the start of each one's line costs no search back through the text.
    let mut markers: Vec<usize> = Vec::new();
    a.phrases.each_match(text, |pattern, start| {
        match a.kinds.get(pattern) {
            Some(Kind::Format(i)) => s.formats |= 1u64 << i,
            Some(Kind::OriginalMarker) => markers.push(start),
            // A header block of the original ("Received:" or "Return-Path:" after a blank line).
            Some(Kind::HeaderBlock) => s.notice_len = s.notice_len.min(start + 1),
            Some(Kind::DsnField) => {
                let at = start + 1;
                s.dsn_fields = Some(s.dsn_fields.map_or(at, |d| d.min(at)));
            }
            Some(Kind::StillTrying(len)) => {
                let end = start + len;
                s.still_trying_end = Some(s.still_trying_end.map_or(end, |e| e.min(end)));
            }
            None => {}
        }
    });
    markers.sort_unstable();
    let mut lines = LineStarts::default();
    for start in markers {
        let line_start = lines.of(text, start);
        if line_start >= s.notice_len {
            break;
        }
        if lines.introduces_original(text, start) {
            s.notice_len = line_start;
            break;
        }
    }
    s
}

/// The start of the line of each of a series of increasing offsets, found by looking at each
/// byte of the text once, and what the start of that line holds.
#[derive(Default)]
struct LineStarts {
    /// The last offset asked about.
    at: usize,
    /// The start of its line.
    line: usize,
    /// For the line: where the decoration before a marker ends, and its first character that
    /// is no white space (see [`textscan::starts_original`]); found on first use.
    head: Option<(usize, Option<char>)>,
}

impl LineStarts {
    /// The start of the line that holds `offset` (not less than the last one asked about).
    fn of(&mut self, text: &str, offset: usize) -> usize {
        let seen = text.as_bytes().get(self.at..offset).unwrap_or(&[]);
        if let Some(nl) = memchr::memrchr(b'\n', seen) {
            self.line = self.at + nl + 1;
            self.head = None;
        }
        self.at = offset.max(self.at);
        self.line
    }

    /// [`textscan::starts_original`] of the text before the marker at `offset` on its line
    /// (as [`LineStarts::of`] last found it).
    fn introduces_original(&mut self, text: &str, offset: usize) -> bool {
        let line = self.line;
        let before = text.get(line..offset).unwrap_or("");
        // Markers start with a letter, so the decoration that starts the line ends before the
        // first one on the line: measured once per line.
        let (decoration_end, first) = *self.head.get_or_insert_with(|| textscan::line_head(before));
        textscan::starts_original_at(before, decoration_end, first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_fit_the_bit_set() {
        assert!(formats::all().count() <= 64);
    }

    #[test]
    fn notice_ends_at_the_first_marker_line_or_header_block() {
        let t = "x\nyou may delete the attached returned message\n\n--- Below this line is a copy of the message.\nReceived: y\n";
        let s = scan(t);
        assert_eq!(
            &t[..s.notice_len],
            "x\nyou may delete the attached returned message\n\n"
        );
        let t = "notice\n\nReturn-Path: <a@b>\nFinal-Recipient: rfc822; a@b\n";
        let s = scan(t);
        assert_eq!(&t[..s.notice_len], "notice\n");
        assert_eq!(s.dsn_fields, Some(t.find("Final").unwrap()));
    }
}
