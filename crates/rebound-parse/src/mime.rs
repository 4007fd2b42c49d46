//! A small MIME reader (RFC 2045/2046) that does only what reading a report needs: header
//! fields of the top entity, the MIME tree, and each leaf's decoded body. Total and
//! allocation-light; transfer decodings and charset tables come from `mail-parser`'s decoders.
//!
//! Input is expected with LF line ends ([`crate::mail`] normalises CRLF and CR first).

use std::borrow::Cow;
use std::sync::LazyLock;

use mail_parser::decoders::{base64::base64_decode, charsets::map::charset_decoder};

/// Deepest multipart nesting followed; deeper parts are ignored (real reports nest 2-3 deep).
const MAX_DEPTH: usize = 12;

/// A parsed `Content-Type` (RFC 2045 §5.1): lower-case type and subtype, and the parameters,
/// read on demand. Borrows the field value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContentType<'v> {
    /// "text", "multipart", "message", ...
    pub ctype: Cow<'v, str>,
    /// "plain", "report", "delivery-status", ...
    pub subtype: Cow<'v, str>,
    /// The parameters as written: what follows the first `;` outside quotes.
    params: &'v str,
}

/// `s` in lower case, borrowed when it already is.
fn lower(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

impl<'v> ContentType<'v> {
    /// A parameter's value (`name` in lower case; parameter names are matched in any case),
    /// unquoted.
    pub fn param(&self, name: &str) -> Option<&'v str> {
        split_params(self.params).find_map(|p| {
            let (n, v) = p.split_once('=')?;
            let n = crate::text::trim(n);
            let same = n.len() == name.len()
                && n.bytes()
                    .zip(name.bytes())
                    .all(|(a, b)| a.to_ascii_lowercase() == b);
            if !same {
                return None;
            }
            let v = crate::text::trim(v);
            Some(
                v.strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .unwrap_or(v),
            )
        })
    }

    /// `text/plain`, the default of RFC 2045 §5.2.
    fn text_plain() -> ContentType<'v> {
        ContentType {
            ctype: Cow::Borrowed("text"),
            subtype: Cow::Borrowed("plain"),
            params: "",
        }
    }

    /// Parses a field value; `None` when it has no `type/subtype`.
    pub fn parse(value: &'v str) -> Option<ContentType<'v>> {
        let mut pieces = split_params(value);
        let head = crate::text::trim(pieces.next()?);
        let (t, s) = head.split_once('/')?;
        let (t, s) = (crate::text::trim(t), crate::text::trim(s));
        if t.is_empty() {
            return None;
        }
        // What `split_params` has not consumed yet: the parameters.
        let params = value.get(head_end(value)..).unwrap_or("");
        Some(ContentType {
            ctype: lower(t),
            subtype: lower(s),
            params,
        })
    }
}

/// The offset of the first `;` outside quotes.
fn semicolon(value: &str) -> Option<usize> {
    let b = value.as_bytes();
    let mut quoted = false;
    let mut from = 0;
    while let Some(p) = memchr::memchr2(b'"', b';', b.get(from..).unwrap_or(&[])) {
        let i = from + p;
        if b.get(i) == Some(&b'"') {
            quoted = !quoted;
        } else if !quoted {
            return Some(i);
        }
        from = i + 1;
    }
    None
}

/// The offset just after the first `;` outside quotes (the end of `value` when there is none),
/// where [`split_params`] starts its second piece.
fn head_end(value: &str) -> usize {
    semicolon(value).map_or(value.len(), |i| i + 1)
}

/// Splits `a; b="x;y"; c` at semicolons outside quotes.
fn split_params(value: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(value);
    std::iter::from_fn(move || {
        let s = rest?;
        match semicolon(s) {
            Some(i) => {
                rest = s.get(i + 1..);
                s.get(..i)
            }
            None => {
                rest = None;
                Some(s)
            }
        }
    })
}

/// Splits an entity into its header block and body at the first empty line.
pub fn split_entity(bytes: &[u8]) -> (&[u8], &[u8]) {
    if bytes.first() == Some(&b'\n') {
        return (&[], &bytes[1..]);
    }
    match blank_line(bytes) {
        Some(p) => (&bytes[..p + 1], &bytes[p + 2..]),
        None => (bytes, &[]),
    }
}

/// Offset of the first "\n\n" in `bytes`, with one searcher built once for all messages (a
/// searcher per entity, or a `memchr` per header line, cost more than the search).
fn blank_line(bytes: &[u8]) -> Option<usize> {
    static BLANK: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new(b"\n\n"));
    BLANK.find(bytes)
}

/// The MIME fields of an entity, read without building the whole header list: the last value
/// of each field, unfolded.
#[derive(Debug, Default)]
struct MimeFields<'h> {
    content_type: Option<Cow<'h, str>>,
    transfer_encoding: Option<Cow<'h, str>>,
    attachment: bool,
}

fn mime_fields(head: &[u8]) -> MimeFields<'_> {
    let mut f = MimeFields::default();
    let mut lines = byte_lines(head).peekable();
    while let Some(line) = lines.next() {
        // Every name looked for starts with "content-": most lines are told apart by their
        // first letter.
        if line.trim_ascii_start().first().map(|b| b | 0x20) != Some(b'c') {
            continue;
        }
        let Some(colon) = memchr::memchr(b':', line) else {
            continue;
        };
        let name = line[..colon].trim_ascii();
        let which = if name.eq_ignore_ascii_case(b"content-type") {
            0
        } else if name.eq_ignore_ascii_case(b"content-transfer-encoding") {
            1
        } else if name.eq_ignore_ascii_case(b"content-disposition") {
            2
        } else {
            continue;
        };
        let mut value = crate::text::lossy(line[colon + 1..].trim_ascii());
        while let Some(next) = lines.peek() {
            if next.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
                let v = value.to_mut();
                v.push(' ');
                v.push_str(crate::text::lossy(next.trim_ascii()).as_ref());
                lines.next();
            } else {
                break;
            }
        }
        match which {
            0 => f.content_type = Some(value),
            1 => f.transfer_encoding = Some(value),
            _ => {
                f.attachment = value
                    .trim_start()
                    .get(..10)
                    .is_some_and(|v| v.eq_ignore_ascii_case("attachment"))
            }
        }
    }
    f
}

/// The pieces of `bytes` between LFs, as `bytes.split(|b| *b == b'\n')` gives them, found
/// with the vectorised `memchr`.
fn byte_lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = Some(bytes);
    std::iter::from_fn(move || {
        let r = rest?;
        match memchr::memchr(b'\n', r) {
            Some(i) => {
                rest = r.get(i + 1..);
                r.get(..i)
            }
            None => rest.take(),
        }
    })
}

/// A leaf of the MIME tree (not a multipart); its content type borrows the part's header.
#[derive(Debug)]
pub struct Leaf<'a, 'h> {
    /// Its content type (text/plain when absent).
    pub content_type: ContentType<'h>,
    /// `Content-Disposition: attachment`.
    pub attachment: bool,
    /// The body after transfer decoding.
    pub body: Cow<'a, [u8]>,
    /// The transfer encoding was declared but the body did not decode.
    pub bad_encoding: bool,
}

impl Leaf<'_, '_> {
    /// The body as text: UTF-8 when it is valid UTF-8 with non-ASCII bytes (whatever the label
    /// says: a lie seen often in bounces), else decoded with the declared charset, else UTF-8
    /// with replacement characters.
    pub fn text(&self) -> Cow<'_, str> {
        decode_text(&self.body, self.content_type.param("charset"))
    }
}

/// Decodes text bytes: UTF-8 when they are valid UTF-8 (whatever the label says: a lie seen
/// often in bounces), else with the declared charset, else UTF-8 with replacement characters.
pub fn decode_text<'b>(bytes: &'b [u8], charset: Option<&str>) -> Cow<'b, str> {
    let label = charset.unwrap_or("").trim();
    if let Ok(s) = std::str::from_utf8(bytes) {
        // Valid UTF-8 is taken as such whatever the label says; ASCII is ASCII in every
        // ASCII-compatible charset. Only the 7-bit ISO-2022 family needs decoding then.
        let iso2022 = label
            .get(..8)
            .is_some_and(|p| p.eq_ignore_ascii_case("iso-2022"));
        if !(iso2022 && s.is_ascii()) {
            return Cow::Borrowed(s);
        }
    }
    match charset_decoder(label.as_bytes()) {
        Some(decode) => Cow::Owned(decode(bytes)),
        None => String::from_utf8_lossy(bytes),
    }
}

/// Quoted-printable decoding (RFC 2045 §6.7), lenient: a malformed `=` escape is kept as
/// it is, soft line breaks (`=` at a line end) join lines.
pub fn decode_quoted_printable(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some(p) = memchr::memchr(b'=', rest) {
        out.extend_from_slice(&rest[..p]);
        let after = &rest[p + 1..];
        let blanks = after
            .iter()
            .take_while(|b| **b == b' ' || **b == b'\t')
            .count();
        let hex = |b: u8| (b as char).to_digit(16);
        if after.get(blanks) == Some(&b'\n') {
            // A soft line break, possibly with trailing white space ("=  \n").
            rest = &after[blanks + 1..];
        } else if let [a, b, ..] = after
            && let (Some(h), Some(l)) = (hex(*a), hex(*b))
        {
            out.push((h * 16 + l) as u8);
            rest = &after[2..];
        } else {
            out.push(b'=');
            rest = after;
        }
    }
    out.extend_from_slice(rest);
    out
}

/// Walks the MIME tree of an entity's body, calling `visit` for every leaf in order.
pub fn leaves<'a>(head: &[u8], body: &'a [u8], visit: &mut dyn for<'h> FnMut(Leaf<'a, 'h>)) {
    walk(head, body, 0, visit);
}

fn walk<'a>(
    head: &[u8],
    body: &'a [u8],
    depth: usize,
    visit: &mut dyn for<'h> FnMut(Leaf<'a, 'h>),
) {
    let fields = mime_fields(head);
    let content_type = fields
        .content_type
        .as_deref()
        .and_then(ContentType::parse)
        .unwrap_or_else(ContentType::text_plain);
    if content_type.ctype == "multipart" && depth < MAX_DEPTH {
        if let Some(boundary) = content_type.param("boundary").filter(|b| !b.is_empty()) {
            let parts = split_multipart(body, boundary.as_bytes());
            if !parts.is_empty() {
                for part in parts {
                    let (h, b) = split_entity(part);
                    walk(h, b, depth + 1, visit);
                }
                return;
            }
        }
        // A multipart without usable boundaries: read the body as text (better than nothing).
        visit(Leaf {
            content_type: ContentType::text_plain(),
            attachment: false,
            body: Cow::Borrowed(body),
            bad_encoding: true,
        });
        return;
    }
    let encoding = fields.transfer_encoding.as_deref().unwrap_or("").trim();
    let (body, bad_encoding) = if encoding.eq_ignore_ascii_case("base64") {
        match base64_decode(body) {
            Some(d) => (Cow::Owned(d), false),
            None => (Cow::Borrowed(body), true),
        }
    } else if encoding.eq_ignore_ascii_case("quoted-printable") {
        (Cow::Owned(decode_quoted_printable(body)), false)
    } else {
        (Cow::Borrowed(body), false)
    };
    visit(Leaf {
        content_type,
        attachment: fields.attachment,
        body,
        bad_encoding,
    });
}

/// The parts of a multipart body between its `--boundary` delimiter lines (RFC 2046 §5.1.1);
/// an unclosed last part runs to the end.
fn split_multipart<'a>(body: &'a [u8], boundary: &[u8]) -> Vec<&'a [u8]> {
    let mut delim = Vec::with_capacity(boundary.len() + 3);
    delim.extend_from_slice(b"\n--");
    delim.extend_from_slice(boundary);
    // Positions of delimiter lines: (start of the line, end of the line incl. its LF, closing).
    let mut marks: Vec<(usize, usize, bool)> = Vec::with_capacity(8);
    let mut from = 0;
    // A delimiter on the very first line has no LF before it.
    if body.starts_with(&delim[1..]) {
        let after = delim.len() - 1;
        let (end, closing) = delimiter_end(body, after);
        if let Some(end) = end {
            marks.push((0, end, closing));
            from = end;
        }
    }
    while let Some(p) = find_delimiter(body.get(from..).unwrap_or(&[]), boundary) {
        let start = from + p + 1;
        let after = from + p + delim.len();
        let (end, closing) = delimiter_end(body, after);
        match end {
            Some(end) => {
                marks.push((start, end, closing));
                from = end;
                if closing {
                    break;
                }
            }
            None => from = after,
        }
    }
    let mut parts = Vec::with_capacity(marks.len());
    for w in marks.windows(2) {
        let (_, end, closing) = w[0];
        if closing {
            break;
        }
        // The LF before the next delimiter belongs to the delimiter (RFC 2046 §5.1.1).
        let stop = w[1].0.saturating_sub(1).max(end);
        parts.push(&body[end..stop]);
    }
    if let Some(&(_, end, false)) = marks.last() {
        parts.push(&body[end..]);
    }
    parts
}

/// Offset of the first `"\n--" boundary` in `bytes`. Searches for the fixed `"\n--"` with one
/// searcher built once for all messages, then compares the boundary: building a substring
/// searcher for each multipart cost more than the search itself.
fn find_delimiter(bytes: &[u8], boundary: &[u8]) -> Option<usize> {
    static DASHES: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new(b"\n--"));
    let mut from = 0;
    while let Some(p) = DASHES.find(bytes.get(from..)?) {
        let at = from + p;
        if bytes.get(at + 3..)?.starts_with(boundary) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// After `--boundary`: "--" closes; then optional white space and the line end. Anything else
/// means the boundary was only the prefix of a longer line (not a delimiter).
fn delimiter_end(body: &[u8], after: usize) -> (Option<usize>, bool) {
    let rest = body.get(after..).unwrap_or(&[]);
    let (closing, rest, skip) = match rest.strip_prefix(b"--") {
        Some(r) => (true, r, 2),
        None => (false, rest, 0),
    };
    let line_end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
    if !rest[..line_end].iter().all(|b| b.is_ascii_whitespace()) {
        return (None, false);
    }
    (Some((after + skip + line_end + 1).min(body.len())), closing)
}

/// Decodes RFC 2047 encoded words (`=?charset?B?...?=`, `=?charset?Q?...?=`) in a header value;
/// white space between adjacent encoded words is dropped (RFC 2047 §6.2).
///
/// One pass: an encoded word ends at the third `?` after its `=?` (RFC 2047 §2: no `?` in the
/// charset, the encoding or the encoded text), so a failed one costs only the text up to there,
/// and when fewer than three are left no later word can end either.
pub fn decode_words(value: &str) -> Cow<'_, str> {
    if !value.contains("=?") {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    let mut last_was_word = false;
    while let Some(start) = rest.find("=?") {
        let (before, tail) = rest.split_at(start);
        match encoded_word(tail) {
            Word::Decoded(text, used) => {
                if !(last_was_word && before.trim().is_empty()) {
                    out.push_str(before);
                }
                out.push_str(&text);
                rest = &tail[used..];
                last_was_word = true;
            }
            Word::NotHere => {
                out.push_str(before);
                out.push_str("=?");
                rest = &tail[2..];
                last_was_word = false;
            }
            Word::NoneLeft => break,
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// What [`encoded_word`] found.
enum Word {
    /// The decoded text and the bytes the word used.
    Decoded(String, usize),
    /// No encoded word starts here.
    NotHere,
    /// No encoded word starts here nor anywhere later: fewer than three `?` are left.
    NoneLeft,
}

/// One encoded word at the start of `s` (which starts with `=?`).
fn encoded_word(s: &str) -> Word {
    let Some(inner) = s.strip_prefix("=?") else {
        return Word::NotHere;
    };
    let mut marks = memchr::memchr_iter(b'?', inner.as_bytes());
    let (Some(a), Some(b), Some(c)) = (marks.next(), marks.next(), marks.next()) else {
        return Word::NoneLeft;
    };
    if inner.as_bytes().get(c + 1) != Some(&b'=') {
        return Word::NotHere;
    }
    // The marks are ASCII, so these are character boundaries.
    let (charset, enc, data) = (&inner[..a], &inner[a + 1..b], &inner[b + 1..c]);
    match decode_word(charset, enc, data) {
        Some(text) => Word::Decoded(text, 2 + c + 2),
        None => Word::NotHere,
    }
}

/// The text of an encoded word's `data` in `charset`, transfer-encoded as `enc` (B or Q).
fn decode_word(charset: &str, enc: &str, data: &str) -> Option<String> {
    if data.contains(' ') {
        return None;
    }
    let bytes = match enc {
        "B" | "b" => base64_decode(data.as_bytes())?,
        "Q" | "q" => {
            let mut v = Vec::with_capacity(data.len());
            let b = data.as_bytes();
            let mut i = 0;
            while i < b.len() {
                match b[i] {
                    b'_' => v.push(b' '),
                    b'=' => {
                        let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
                        v.push(u8::from_str_radix(hex, 16).ok()?);
                        i += 2;
                    }
                    c => v.push(c),
                }
                i += 1;
            }
            v
        }
        _ => return None,
    };
    // RFC 2231 language suffix: "utf-8*en".
    let charset = charset.split('*').next().unwrap_or(charset);
    Some(decode_text(&bytes, Some(charset)).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_type_with_quoted_parameters() {
        let ct =
            ContentType::parse("multipart/report; report-type=delivery-status;\n boundary=\"a;b\"")
                .unwrap();
        assert_eq!((&*ct.ctype, &*ct.subtype), ("multipart", "report"));
        assert_eq!(ct.param("boundary"), Some("a;b"));
        assert_eq!(ct.param("report-type"), Some("delivery-status"));
        assert!(ContentType::parse("nonsense").is_none());
    }

    #[test]
    fn multipart_parts_and_unclosed_last_part() {
        let body = b"preamble\n--xy\nContent-Type: text/plain\n\none\n--xy\n\ntwo\n--xyz not a delimiter\n--xy--\nepilogue";
        let parts = split_multipart(body, b"xy");
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0], b"Content-Type: text/plain\n\none");
        assert_eq!(parts[1], b"\ntwo\n--xyz not a delimiter");
        let open = split_multipart(b"--q\n\nonly\n", b"q");
        assert_eq!(open, vec![&b"\nonly\n"[..]]);
        assert!(split_multipart(b"no delimiters", b"q").is_empty());
    }

    #[test]
    fn leaves_decode_transfer_encodings_and_charsets() {
        let msg = b"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nK=E4ra\n--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\nw6RuZ2xh\n--b--\n";
        let (h, b) = split_entity(msg);
        let mut texts = Vec::new();
        leaves(h, b, &mut |l| texts.push(l.text().into_owned()));
        assert_eq!(
            texts,
            vec!["K\u{e4}ra".to_string(), "\u{e4}ngla".to_string()]
        );
    }

    #[test]
    fn byte_lines_split_like_slice_split() {
        for t in [&b""[..], b"\n", b"a", b"a\n", b"a\n\nb", b"\n\n"] {
            let want: Vec<&[u8]> = t.split(|b| *b == b'\n').collect();
            assert_eq!(byte_lines(t).collect::<Vec<_>>(), want);
        }
    }

    #[test]
    fn quoted_printable() {
        assert_eq!(
            decode_quoted_printable(b"a=3Db=\nc=  \nd=ZZ=4"),
            b"a=bcd=ZZ=4"
        );
        assert_eq!(decode_quoted_printable(b"=E4=\n"), b"\xe4");
    }

    #[test]
    fn encoded_words() {
        assert_eq!(
            decode_words("=?utf-8?B?w6RuZ2xh?= =?utf-8?Q?_x?="),
            "\u{e4}ngla x"
        );
        assert_eq!(decode_words("plain"), "plain");
        assert_eq!(decode_words("=?broken"), "=?broken");
        assert_eq!(decode_words("=?a?Q?x=?a?Q?x"), "=?a?Q?x=?a?Q?x");
        assert_eq!(decode_words("=?x =?utf-8?Q?a?="), "=?x a");
        assert_eq!(
            decode_words("Re: =?ISO-8859-1?Q?K=E4ra?= v\u{e4}n"),
            "Re: K\u{e4}ra v\u{e4}n"
        );
    }
}
