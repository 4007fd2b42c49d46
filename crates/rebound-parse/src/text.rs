//! Small scanners over response text: enhanced status codes (RFC 3463), SMTP reply codes
//! (RFC 5321 §4.2) and e-mail addresses. Hand-written, allocation-light and total.

use aho_corasick::automaton::Automaton;
use aho_corasick::{Anchored, dfa};

/// Reply codes that RFC 5321 §4.2.3, RFC 3463 and RFC 4954 define, plus 5xx/4xx codes common
/// in the wild (521 RFC 7504, 523/524/525 RFC 4954bis drafts, 556 RFC 7504). Other three-digit
/// numbers in text are not taken for reply codes.
const REPLY_CODES: &[u16] = &[
    211, 214, 220, 221, 235, 250, 251, 252, 253, 334, 354, 421, 422, 430, 432, 450, 451, 452, 453,
    454, 455, 458, 459, 500, 501, 502, 503, 504, 521, 523, 524, 525, 530, 533, 534, 535, 538, 550,
    551, 552, 553, 554, 555, 556, 557,
];

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'_'
}

/// Finds enhanced status codes `class.subject.detail` (RFC 3463 §2) with class 2, 4 or 5 that
/// stand alone (not inside an IP address or version number). Returns them in order.
pub fn status_codes(text: &str) -> impl Iterator<Item = &str> {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i + 5 <= b.len() {
            let start = i;
            i += 1;
            if !matches!(b[start], b'2' | b'4' | b'5') || b[start + 1] != b'.' {
                continue;
            }
            if start > 0 && (is_word_byte(b[start - 1]) || b[start - 1] == b'-') {
                continue;
            }
            let mut j = start + 2;
            let d1 = digits(b, &mut j, 3);
            if d1 == 0 || j >= b.len() || b[j] != b'.' {
                continue;
            }
            j += 1;
            let d2 = digits(b, &mut j, 3);
            if d2 == 0 {
                continue;
            }
            // A trailing "." is fine ("5.1.1."), a trailing digit or ".N" is not.
            if j < b.len() {
                let c = b[j];
                if c.is_ascii_alphanumeric() || c == b'_' {
                    continue;
                }
                if c == b'.' && b.get(j + 1).is_some_and(|d| d.is_ascii_digit()) {
                    continue;
                }
            }
            i = j;
            return Some(&text[start..j]);
        }
        None
    })
}

fn digits(b: &[u8], j: &mut usize, max: usize) -> usize {
    let s = *j;
    while *j < b.len() && b[*j].is_ascii_digit() && *j - s < max {
        *j += 1;
    }
    if *j < b.len() && b[*j].is_ascii_digit() {
        return 0;
    }
    *j - s
}

/// The first enhanced status code in `text`, if any.
pub fn status_code(text: &str) -> Option<&str> {
    status_codes(text).next()
}

/// Finds SMTP reply codes: three digits from `REPLY_CODES` standing alone, followed by a space,
/// a hyphen (multi-line reply), or the end.
pub fn reply_codes(text: &str) -> impl Iterator<Item = &str> {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i + 3 <= b.len() {
            let s = i;
            i += 1;
            if !matches!(b[s], b'2' | b'3' | b'4' | b'5') {
                continue;
            }
            if !(b[s + 1].is_ascii_digit() && b[s + 2].is_ascii_digit()) {
                continue;
            }
            // "#5.0.0", "12:550" and "v550" are not replies; "said: 550" and "CODE :550" are.
            let colon_after_space = s > 1 && b[s - 1] == b':' && b[s - 2] == b' ';
            if s > 0
                && !colon_after_space
                && (is_word_byte(b[s - 1]) || matches!(b[s - 1], b'-' | b'/' | b':' | b'#'))
            {
                continue;
            }
            let after = b.get(s + 3).copied();
            if !matches!(
                after,
                None | Some(b' ' | b'-' | b'\t' | b'\n' | b')' | b']' | b',')
            ) {
                continue;
            }
            let n: u16 = text[s..s + 3].parse().unwrap_or(0);
            if REPLY_CODES.binary_search(&n).is_ok() {
                i = s + 3;
                return Some(&text[s..s + 3]);
            }
        }
        None
    })
}

/// The first SMTP reply code of class 4 or 5 in `text`, if any.
pub fn reply_code(text: &str) -> Option<&str> {
    reply_codes(text).find(|c| c.starts_with(['4', '5']))
}

fn is_local_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~.".contains(&b) || b >= 0x80
}

fn is_domain_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b >= 0x80
}

/// E-mail addresses (`local@domain.tld`) in `text`, in order, without angle brackets and
/// without trailing dots. A quoted local part is not recognised.
pub fn addresses(text: &str) -> impl Iterator<Item = &str> {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() {
            let at = match memchr::memchr(b'@', &b[i..]) {
                Some(p) => i + p,
                None => {
                    i = b.len();
                    return None;
                }
            };
            i = at + 1;
            let mut s = at;
            while s > 0 && is_local_byte(b[s - 1]) {
                s -= 1;
            }
            while s < at && b[s] == b'.' {
                s += 1;
            }
            let mut e = at + 1;
            while e < b.len() && is_domain_byte(b[e]) {
                e += 1;
            }
            while e > at + 1 && matches!(b[e - 1], b'.' | b'-') {
                e -= 1;
            }
            if s == at || e == at + 1 {
                continue;
            }
            let domain = &b[at + 1..e];
            if !domain.contains(&b'.') && domain != b"localhost" {
                // Still accept bare host names used in intranet reports.
                if domain.is_empty() {
                    continue;
                }
            }
            // Stay on char boundaries for non-ASCII text.
            if !text.is_char_boundary(s) || !text.is_char_boundary(e) {
                continue;
            }
            i = e;
            return Some(&text[s..e]);
        }
        None
    })
}

/// The first address in `text`.
pub fn address(text: &str) -> Option<&str> {
    addresses(text).next()
}

/// `bytes` as text, invalid UTF-8 replaced (as [`String::from_utf8_lossy`]); valid UTF-8,
/// the common case, is checked with the word-at-a-time validator and borrowed.
pub fn lossy(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// The lines of `text` exactly as [`str::lines`] gives them (split at LF, a CR before the LF
/// dropped), found with the vectorised `memchr`.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        match memchr::memchr(b'\n', rest.as_bytes()) {
            Some(i) => {
                let line = rest.get(..i).unwrap_or("");
                rest = rest.get(i + 1..).unwrap_or("");
                Some(line.strip_suffix('\r').unwrap_or(line))
            }
            None => Some(std::mem::take(&mut rest)),
        }
    })
}

/// An automaton for fixed phrases matched ASCII case-insensitively, for [`each_match`] and
/// [`has_match`]. Phrases must not be empty.
pub fn phrase_dfa<P: AsRef<[u8]>>(phrases: impl IntoIterator<Item = P>) -> dfa::DFA {
    dfa::DFA::builder()
        .ascii_case_insensitive(true)
        .prefilter(false)
        .build(phrases)
        .expect("phrase tables are valid literals")
}

/// Every occurrence of every phrase of `dfa` in `haystack`, overlapping ones included (what
/// `AhoCorasick::find_overlapping_iter` finds, in the same order): `visit(phrase index, start)`.
/// One tight loop over the bytes, with no iterator state saved between matches.
pub fn each_match(dfa: &dfa::DFA, haystack: &str, mut visit: impl FnMut(usize, usize)) {
    let Ok(mut sid) = dfa.start_state(Anchored::No) else {
        return;
    };
    let bytes = haystack.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // The common path: no match ends here; kept free of anything but the transition.
        while i < bytes.len() {
            sid = dfa.next_state(Anchored::No, sid, bytes[i]);
            i += 1;
            if dfa.is_special(sid) {
                break;
            }
        }
        if dfa.is_special(sid) && dfa.is_match(sid) {
            for k in 0..dfa.match_len(sid) {
                let pid = dfa.match_pattern(sid, k);
                visit(pid.as_usize(), i.saturating_sub(dfa.pattern_len(pid)));
            }
        }
    }
}

/// True when some phrase of `dfa` occurs in `haystack`.
pub fn has_match(dfa: &dfa::DFA, haystack: &str) -> bool {
    let Ok(mut sid) = dfa.start_state(Anchored::No) else {
        return false;
    };
    haystack.bytes().any(|b| {
        sid = dfa.next_state(Anchored::No, sid, b);
        dfa.is_special(sid) && dfa.is_match(sid)
    })
}

/// ASCII white space in the sense of `char::is_whitespace` (vertical tab included).
fn ascii_space(b: &u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// `s.trim()`, with ASCII white space stripped byte by byte: characters are decoded only when
/// a non-ASCII character is left at an end.
pub fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    let start = b.iter().position(|c| !ascii_space(c)).unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !ascii_space(c))
        .map_or(start, |e| e + 1);
    // Both ends sit next to ASCII bytes, so they are character boundaries.
    let t = s.get(start..end).unwrap_or("");
    let b = t.as_bytes();
    if b.first().is_none_or(u8::is_ascii) && b.last().is_none_or(u8::is_ascii) {
        t
    } else {
        t.trim()
    }
}

/// `s.trim().is_empty()`.
pub fn is_blank(s: &str) -> bool {
    trim(s).is_empty()
}

/// Collapses runs of white space to one space and trims.
pub fn squeeze(text: &str) -> String {
    let b = text.as_bytes();
    // Clean: no white space but single spaces between words (in the ASCII sense: a vertical
    // tab does not count here).
    let clean = !b.iter().enumerate().any(|(i, c)| {
        c.is_ascii_whitespace()
            && (*c != b' ' || i == 0 || b.get(i + 1).is_none_or(u8::is_ascii_whitespace))
    });
    if text.is_ascii() {
        return if clean {
            text.to_string()
        } else {
            squeeze_ascii(text)
        };
    }
    if clean && !text.contains(|c: char| c.is_whitespace() && !c.is_ascii()) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for w in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// [`squeeze`] of ASCII text: the words between runs of white space (as `char::is_whitespace`
/// has it for ASCII, vertical tab included), joined by single spaces.
fn squeeze_ascii(text: &str) -> String {
    let is_space = |c: &u8| c.is_ascii_whitespace() || *c == 0x0b;
    let mut out = String::with_capacity(text.len());
    for w in text.as_bytes().split(is_space).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        // ASCII words are valid UTF-8 on their own.
        out.push_str(std::str::from_utf8(w).unwrap_or(""));
    }
    out
}

/// Case-insensitive ASCII substring search.
pub fn contains_ci(haystack: &str, needle: &str) -> bool {
    find_ci(haystack, needle).is_some()
}

/// Byte offset of the first case-insensitive ASCII match of `needle` in `haystack`.
pub fn find_ci(haystack: &str, needle: &str) -> Option<usize> {
    let h = haystack.as_bytes();
    let n = needle.as_bytes();
    if n.is_empty() {
        return Some(0);
    }
    if n.len() > h.len() {
        return None;
    }
    let first = n[0].to_ascii_lowercase();
    let upper = n[0].to_ascii_uppercase();
    let mut i = 0;
    while i + n.len() <= h.len() {
        let p = match memchr::memchr2(first, upper, &h[i..=h.len() - n.len()]) {
            Some(p) => i + p,
            None => return None,
        };
        if h[p..p + n.len()].eq_ignore_ascii_case(n) {
            return Some(p);
        }
        i = p + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_skip_ip_addresses_and_versions() {
        let t = "host 192.0.2.5 said: 550 5.1.1 <a@b.c>... User unknown (v4.2.1)";
        assert_eq!(status_codes(t).collect::<Vec<_>>(), vec!["5.1.1"]);
        assert_eq!(status_code("(#5.1.1)"), Some("5.1.1"));
        assert_eq!(status_code("Status: 4.4.7."), Some("4.4.7"));
        assert_eq!(status_code("5.7.26 DMARC"), Some("5.7.26"));
        assert_eq!(status_code("1.5.1.1"), None);
    }

    #[test]
    fn reply_codes_need_standing_alone() {
        assert_eq!(reply_code("said: 550-5.1.1 The email"), Some("550"));
        assert_eq!(reply_code("port 25550 ok, 452 full"), Some("452"));
        assert_eq!(reply_code("#550"), None);
        assert_eq!(reply_code("999 nope"), None);
    }

    #[test]
    fn addresses_are_found_without_brackets() {
        let v: Vec<_> = addresses("<anna@rcpt.test>: user unknown; to=<bo@x.org>.").collect();
        assert_eq!(v, vec!["anna@rcpt.test", "bo@x.org"]);
        assert_eq!(address("no at sign here"), None);
        assert_eq!(address("@@@"), None);
    }

    #[test]
    fn squeeze_collapses_white_space() {
        assert_eq!(squeeze("  a \t b\n\nc  "), "a b c");
        assert_eq!(squeeze("a\x0bb"), "a\x0bb");
        assert_eq!(squeeze("a\x0b b"), "a\x0b b");
        assert_eq!(squeeze("a\x0b  b"), "a b");
        assert_eq!(squeeze("\u{e4} \u{a0}b"), "\u{e4} b");
        assert_eq!(squeeze("clean text"), "clean text");
    }

    #[test]
    fn trim_and_is_blank_agree_with_str() {
        for t in [
            "",
            " ",
            "a",
            " a ",
            "a\x0b",
            "\u{a0}a\u{3000}",
            "\t\r\n",
            "\u{a0}",
            "x y",
        ] {
            assert_eq!(trim(t), t.trim());
            assert_eq!(is_blank(t), t.trim().is_empty());
        }
    }

    #[test]
    fn each_match_finds_what_the_overlapping_iterator_finds() {
        let phrases = ["abc", "bc", "c", "xbcx", "ABCD"];
        let ac = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(phrases)
            .unwrap();
        let dfa = phrase_dfa(phrases);
        for t in ["", "abcd", "xAbCdx xbcx", "\u{e4}bc c"] {
            let want: Vec<(usize, usize)> = ac
                .find_overlapping_iter(t)
                .map(|m| (m.pattern().as_usize(), m.start()))
                .collect();
            let mut got = Vec::new();
            each_match(&dfa, t, |p, s| got.push((p, s)));
            assert_eq!(got, want, "{t}");
            assert_eq!(has_match(&dfa, t), !want.is_empty());
        }
    }

    #[test]
    fn lines_are_those_of_str_lines() {
        for t in [
            "",
            "\n",
            "a",
            "a\n",
            "a\r\nb\r",
            "\r\n\r\n",
            "x\n\ny\r\r\n",
            "\u{e4}\n\r",
        ] {
            assert_eq!(lines(t).collect::<Vec<_>>(), t.lines().collect::<Vec<_>>());
        }
    }

    #[test]
    fn find_ci_matches_any_case() {
        assert_eq!(find_ci("Mailbox FULL", "full"), Some(8));
        assert!(!contains_ci("abc", "abcd"));
    }
}
