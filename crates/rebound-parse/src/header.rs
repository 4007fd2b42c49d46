//! Header blocks (RFC 5322 §2.2): `Name: value` lines with continuation lines, read into one
//! buffer of lower-case names and unfolded values, so a message's fields cost no allocation
//! each.

use std::borrow::Cow;
use std::ops::Range;

use crate::text;

/// Header fields: lower-case names and unfolded values, in order, stored back to back in one
/// buffer.
#[derive(Debug, Default, Clone)]
pub struct Headers {
    buf: String,
    /// Byte ranges in `buf` of each field's name and value.
    fields: Vec<(Range<usize>, Range<usize>)>,
}

impl Headers {
    /// Parses a block of `Name: value` lines with continuation lines; stops at the first empty
    /// line after at least one field. Lines that are no field are skipped; a continuation line
    /// after one still continues the last field.
    pub fn parse(block: &str) -> Headers {
        let mut h = Headers {
            buf: String::with_capacity(block.len()),
            fields: Vec::with_capacity(32),
        };
        let mut pos = 0;
        while let Some(line) = next_line(block, &mut pos) {
            // A line that starts with a printable ASCII character is not blank, nor a
            // continuation line: most lines are fields with a plain name.
            if matches!(line.as_bytes().first(), Some(b'!'..=b'~')) && h.push_simple_field(line) {
                continue;
            }
            if text::is_blank(line) {
                if h.fields.is_empty() {
                    continue;
                }
                break;
            }
            if matches!(line.as_bytes().first(), Some(b' ' | b'\t')) {
                h.continue_last(line);
                continue;
            }
            let Some(colon) = memchr::memchr(b':', line.as_bytes()) else {
                continue;
            };
            let name = text::trim(line.get(..colon).unwrap_or(""));
            // Bytes, not chars: both are ASCII, and a byte test is cheaper per field.
            if name.is_empty() || name.bytes().any(|b| b == b' ' || b == b'\t') {
                continue;
            }
            let name_at = h.buf.len();
            h.buf.push_str(name);
            if let Some(n) = h.buf.get_mut(name_at..) {
                n.make_ascii_lowercase();
            }
            let value_at = h.buf.len();
            h.buf
                .push_str(text::trim(line.get(colon + 1..).unwrap_or("")));
            // Its continuation lines are appended by the loop itself (see above), so each line
            // is found once.
            h.fields.push((name_at..value_at, value_at..h.buf.len()));
        }
        h
    }

    /// Appends the field on `line` when its name is plain (printable ASCII up to the colon, as
    /// nearly every name is): the name is found without searching for the colon first and
    /// trimming and checking the name after.
    /// False, with nothing appended, for any other line (the general rule then reads it).
    fn push_simple_field(&mut self, line: &str) -> bool {
        let b = line.as_bytes();
        let end = b
            .iter()
            .position(|c| !matches!(c, b'!'..=b'9' | b';'..=b'~'))
            .unwrap_or(b.len());
        if end == 0 || b.get(end) != Some(&b':') {
            return false;
        }
        let name_at = self.buf.len();
        self.buf.push_str(line.get(..end).unwrap_or(""));
        if let Some(n) = self.buf.get_mut(name_at..) {
            n.make_ascii_lowercase();
        }
        let value_at = self.buf.len();
        self.buf
            .push_str(text::trim(line.get(end + 1..).unwrap_or("")));
        self.fields
            .push((name_at..value_at, value_at..self.buf.len()));
        true
    }

    /// Appends a continuation line to the last field's value (which ends the buffer).
    fn continue_last(&mut self, line: &str) {
        if let Some((_, value)) = self.fields.last_mut() {
            self.buf.push(' ');
            self.buf.push_str(text::trim(line));
            value.end = self.buf.len();
        }
    }

    /// The fields in order: (lower-case name, unfolded value).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.fields.iter().map(|(n, v)| {
            (
                self.buf.get(n.clone()).unwrap_or(""),
                self.buf.get(v.clone()).unwrap_or(""),
            )
        })
    }

    /// The value of the first field named `name` (lower case).
    pub fn get(&self, name: &str) -> Option<&str> {
        // Lengths first: most fields are told apart without looking at the buffer.
        let (_, v) = self
            .fields
            .iter()
            .find(|(n, _)| n.len() == name.len() && self.buf.get(n.clone()) == Some(name))?;
        self.buf.get(v.clone())
    }

    /// The values of every field named `name` (lower case), in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.fields.iter().filter_map(move |(n, v)| {
            // Lengths first, as in `get`.
            if n.len() == name.len() && self.buf.get(n.clone()) == Some(name) {
                self.buf.get(v.clone())
            } else {
                None
            }
        })
    }

    /// True when the block had no field.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// Decodes RFC 2047 encoded words in the first field named `name` (lower case).
    pub fn decode_words(&mut self, name: &str) {
        let Some(i) = self.iter().position(|(n, _)| n == name) else {
            return;
        };
        let value = self
            .fields
            .get(i)
            .and_then(|(_, v)| self.buf.get(v.clone()))
            .unwrap_or("");
        let Cow::Owned(decoded) = crate::mime::decode_words(value) else {
            return;
        };
        let at = self.buf.len();
        self.buf.push_str(&decoded);
        if let Some((_, v)) = self.fields.get_mut(i) {
            *v = at..self.buf.len();
        }
    }
}

/// The line of `text` that starts at `*pos`, without its line end (as [`str::lines`] gives
/// it); `*pos` moves to the next line.
fn next_line<'a>(text: &'a str, pos: &mut usize) -> Option<&'a str> {
    let rest = text.get(*pos..).filter(|r| !r.is_empty())?;
    match memchr::memchr(b'\n', rest.as_bytes()) {
        Some(i) => {
            *pos += i + 1;
            let line = rest.get(..i).unwrap_or(rest);
            Some(line.strip_suffix('\r').unwrap_or(line))
        }
        None => {
            *pos = text.len();
            Some(rest)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_unfolded_with_lower_case_names() {
        let h = Headers::parse(
            "\nSubject: a\n  b\nnot a field\n\tc\nX-Y : 1\nbad name: 2\nReceived: r\n \n\nTo: z\n",
        );
        let v: Vec<_> = h.iter().collect();
        assert_eq!(
            v,
            vec![("subject", "a b c"), ("x-y", "1"), ("received", "r")]
        );
        assert_eq!(h.get("x-y"), Some("1"));
        let h = Headers::parse("Received: a\nX: 1\nreceived: b\n");
        assert_eq!(h.get_all("received").collect::<Vec<_>>(), vec!["a", "b"]);
        assert!(Headers::parse("no field here").is_empty());
    }

    #[test]
    fn encoded_words_are_decoded_in_place() {
        let mut h = Headers::parse("Subject: =?utf-8?B?w6RuZ2xh?=\nFrom: f\n");
        h.decode_words("subject");
        assert_eq!(h.get("subject"), Some("\u{e4}ngla"));
        assert_eq!(h.get("from"), Some("f"));
    }
}
