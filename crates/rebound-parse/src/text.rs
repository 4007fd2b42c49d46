//! Small scanners over response text: enhanced status codes (RFC 3463), SMTP reply codes
//! (RFC 5321 §4.2) and e-mail addresses. Hand-written, allocation-light and total.

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
            let mut local = false;
            loop {
                while s > 0 && is_local_byte(b[s - 1]) {
                    s -= 1;
                    local = true;
                }
                // A comment inside the local part (RFC 5322 §3.2.2: `ab(c)d@…`) belongs to the
                // address, so the text before it is not lost; `strip_comments` removes it.
                match comment_before(b, s) {
                    Some(open) => s = open,
                    None => break,
                }
            }
            if !local {
                continue;
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

/// Where the comment that ends `b[..end]` opens: `b[end - 1]` is an unescaped `)` whose
/// balanced `(` (nested comments and quoted-pairs counted, RFC 5322 §3.2.2) is found before any
/// `@` or line break. Never crossing an `@` keeps [`addresses`] linear: each byte is walked by
/// the search from the next `@` only.
fn comment_before(b: &[u8], end: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut k = end;
    while k > 0 {
        let c = b[k - 1];
        // The backslashes before `c`: an odd run escapes it, and the run is pairs of
        // quoted-pairs either way, so it is skipped whole (one look at each byte).
        let run = b[..k - 1].iter().rev().take_while(|&&x| x == b'\\').count();
        let escaped = run % 2 == 1;
        if k == end && (c != b')' || escaped) {
            return None;
        }
        if matches!(c, b'@' | b'\n' | b'\r') {
            return None;
        }
        if !escaped {
            match c {
                b')' => depth += 1,
                b'(' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return Some(k - 1);
                    }
                }
                _ => {}
            }
        }
        k -= 1 + run;
    }
    None
}

/// `address` without its RFC 5322 §3.2.2 comments: `ab(c)d@example.org` is `abd@example.org`.
/// Comments nest and may hold quoted-pairs; a quoted string keeps its parentheses. An address
/// with an unbalanced comment is returned unchanged (the ledger's validator refuses it). One
/// pass; borrowed when there is no `(`.
pub fn strip_comments(address: &str) -> std::borrow::Cow<'_, str> {
    if memchr::memchr(b'(', address.as_bytes()).is_none() {
        return std::borrow::Cow::Borrowed(address);
    }
    let mut out = String::with_capacity(address.len());
    let (mut depth, mut quoted) = (0usize, false);
    let mut chars = address.chars();
    while let Some(c) = chars.next() {
        match (c, depth, quoted) {
            ('\\', 0, _) => {
                out.push(c);
                out.extend(chars.next());
            }
            ('\\', _, _) => {
                chars.next();
            }
            ('"', 0, _) => {
                quoted = !quoted;
                out.push(c);
            }
            (_, 0, true) => out.push(c),
            ('(', _, _) => depth += 1,
            (')', 0, _) => out.push(c),
            (')', _, _) => depth = depth.saturating_sub(1),
            (_, 0, _) => out.push(c),
            _ => {}
        }
    }
    if depth > 0 {
        return std::borrow::Cow::Borrowed(address);
    }
    std::borrow::Cow::Owned(out)
}

/// The most of a response kept for one recipient, in bytes. An SMTP reply line is at most 512
/// octets (RFC 5321 §4.5.3.1.5) and real multi-line replies and notices run to a few lines;
/// a longer "response" is a paragraph of hostile text, and keeping it whole for every recipient
/// would make the cost of a report grow with recipients times text.
pub const MAX_RESPONSE: usize = 4096;

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
pub fn prefix(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

/// Cuts `s` to at most `max` bytes, on a character boundary.
pub fn clip(s: &mut String, max: usize) {
    let keep = prefix(s, max).len();
    s.truncate(keep);
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

/// A set of fixed phrases matched ASCII case-insensitively, for [`PhraseSet::each_match`] and
/// [`PhraseSet::has_match`]. Phrases must not be empty.
///
/// Every occurrence is found by an anchor, four bytes of the phrase (its first one or two bytes
/// when it is shorter): a rolling key of the last bytes read is hashed into a bit filter small
/// enough to stay in the L1 cache, and the few positions that pass are checked against the
/// phrases with that anchor. Anchors are chosen to be shared by few phrases (not "mail" in
/// "mailbox full", say), so a hit has few phrases to check. When every phrase is long enough,
/// each has `stride` anchors whose offsets leave every remainder modulo `stride`, and only every
/// `stride`-th position of a text is probed: one of the anchors of any occurrence starts there.
///
/// A DFA over hundreds of phrases needs megabytes of transition table, and the cache misses of
/// walking it cost more than the filter's few instructions per byte.
#[derive(Debug)]
pub struct PhraseSet {
    /// The phrases, lower case, in the order given.
    phrases: Vec<Box<[u8]>>,
    /// The anchor lengths in use, longest first (see [`anchor_len`]); only 4 when `stride`
    /// is more than 1.
    lens: Vec<usize>,
    /// Probe every `stride`-th position only (1 to 4).
    stride: usize,
    /// Bit `anchor_hash(key, len)` is set for the key of every phrase's anchor.
    filter: Box<[u64; FILTER_WORDS]>,
    /// `entries[starts[b]..starts[b + 1]]` are the anchors whose hash falls in bucket `b`.
    starts: Vec<u32>,
    /// The anchors, sorted by bucket.
    entries: Vec<Anchor>,
}

/// Where a phrase is looked for.
#[derive(Debug, Clone, Copy)]
struct Anchor {
    /// The anchor's bytes as a folded key (see [`FOLD`]).
    key: u32,
    /// Its length: 4, or 2 or 1 for a phrase shorter than 4 bytes.
    len: usize,
    /// Its offset in the phrase.
    offset: usize,
    /// The phrase's index.
    phrase: usize,
}

/// Bits of the hash of an anchor: the filter has `1 << FILTER_BITS` bits (4 KiB).
const FILTER_BITS: u32 = 15;
const FILTER_WORDS: usize = 1 << (FILTER_BITS - 6);
/// Buckets of anchors, by the high bits of the hash.
const BUCKET_BITS: u32 = 12;
/// Clears bit 5 of every byte of a key: ASCII upper and lower case letters fold together (so
/// do a few other pairs, such as space and NUL; the check of a hit tells them apart).
const FOLD: u32 = 0xDFDF_DFDF;

/// The anchor length used for a phrase of `len` bytes: 4, else 2, else 1 (few lengths, so few
/// filter probes per byte).
fn anchor_len(len: usize) -> usize {
    match len {
        0 | 1 => 1,
        2 | 3 => 2,
        _ => 4,
    }
}

/// The mask that keeps the last `len` bytes of a rolling key.
fn key_mask(len: usize) -> u32 {
    match len {
        1 => 0xFF,
        2 => 0xFFFF,
        3 => 0xFF_FFFF,
        _ => u32::MAX,
    }
}

/// The hash of a folded key of `len` bytes, `FILTER_BITS` wide (multiplicative hashing: the
/// high bits of the product mix every byte of the key).
fn anchor_hash(key: u32, len: usize) -> usize {
    // Shorter anchors are salted apart from longer ones; four-byte ones, the common case, not
    // at all.
    let salted = key ^ ((len ^ 4) as u32).wrapping_mul(0x0100_0193);
    (salted.wrapping_mul(0x9E37_79B1) >> (32 - FILTER_BITS)) as usize
}

/// How common a (lower-case) byte is in English text, roughly: the percentage of letters it
/// makes up, ten times; white space most common of all.
fn byte_weight(b: u8) -> u32 {
    match b {
        b' ' | b'\n' => 200,
        b'e' => 127,
        b't' => 91,
        b'a' => 82,
        b'o' => 75,
        b'i' => 70,
        b'n' => 67,
        b's' => 63,
        b'h' => 61,
        b'r' => 60,
        b'd' => 43,
        b'l' => 40,
        b'c' | b'u' => 28,
        b'm' | b'w' => 24,
        b'f' => 22,
        b'g' | b'y' => 20,
        b'p' => 19,
        b'b' => 15,
        b'v' | b'.' | b',' | b'-' => 10,
        b'k' => 8,
        _ => 2,
    }
}

/// Words that most bounce texts are full of, each between spaces: an anchor inside one of them
/// would pass the filter all the time.
const COMMON_WORDS: &str = " a address addresses all and are as at be been below by could \
    deliver delivered delivery error failed following for from has have header headers host in \
    is it mail message messages not of on or original please recipient recipients returned \
    sent sender server system that the this to user was were which will with you your ";

/// True when `anchor` lies within [`COMMON_WORDS`].
fn in_common_word(anchor: &[u8]) -> bool {
    COMMON_WORDS
        .as_bytes()
        .windows(anchor.len().max(1))
        .any(|g| g == anchor)
}

fn bucket_of(hash: usize) -> usize {
    hash >> (FILTER_BITS - BUCKET_BITS)
}

fn filter_has(filter: &[u64; FILTER_WORDS], hash: usize) -> bool {
    filter
        .get(hash >> 6)
        .is_some_and(|w| w & (1 << (hash & 63)) != 0)
}

impl PhraseSet {
    /// Builds the set; the index of a phrase is its position in `phrases`.
    pub fn new<P: AsRef<[u8]>>(phrases: impl IntoIterator<Item = P>) -> PhraseSet {
        let phrases: Vec<Box<[u8]>> = phrases
            .into_iter()
            .map(|p| p.as_ref().to_ascii_lowercase().into_boxed_slice())
            .collect();
        let key_at = |p: &[u8], at: usize, len: usize| {
            p.iter()
                .skip(at)
                .take(len)
                .fold(0u32, |k, b| (k << 8) | u32::from(*b))
                & FOLD
        };
        // How many phrases hold each 4-byte sequence: the common ones ("mail", "not ") make
        // poor anchors.
        let mut common: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
        for p in &phrases {
            let mut keys: Vec<u32> = (0..p.len().saturating_sub(3))
                .map(|at| key_at(p, at, 4))
                .collect();
            keys.sort_unstable();
            keys.dedup();
            for k in keys {
                *common.entry(k).or_default() += 1;
            }
        }
        // Every phrase of 4 + (stride - 1) bytes or more has room for `stride` anchors.
        let shortest = phrases.iter().map(|p| p.len()).min().unwrap_or(0);
        let stride = shortest.saturating_sub(3).clamp(1, 4);
        let mut taken: std::collections::HashMap<(u32, usize), usize> =
            std::collections::HashMap::new();
        let mut entries: Vec<Anchor> = Vec::new();
        for (i, p) in phrases.iter().enumerate() {
            if p.is_empty() {
                continue;
            }
            let len = anchor_len(p.len());
            // Probes every `stride`-th position find an occurrence when its anchors' offsets
            // cover every remainder modulo `stride`: one anchor per remainder, each the best of
            // its class. Best: the least used anchor so far, then one not inside a common
            // word, then the rarest among all phrases, then the one of the least common letters
            // in text, then the first.
            let last = if len == 4 { p.len() - 4 } else { 0 };
            let classes = if len == 4 { stride } else { 1 };
            for class in 0..classes {
                let best = (class..=last).step_by(classes).min_by_key(|&at| {
                    let key = (key_at(p, at, len), len);
                    let anchor = p.get(at..at + len).unwrap_or(&[]);
                    (
                        taken.get(&key).copied().unwrap_or(0),
                        in_common_word(anchor),
                        common.get(&key.0).copied().unwrap_or(0),
                        anchor.iter().map(|b| byte_weight(*b)).sum::<u32>(),
                        at,
                    )
                });
                let Some(offset) = best else {
                    continue;
                };
                let key = key_at(p, offset, len);
                *taken.entry((key, len)).or_default() += 1;
                entries.push(Anchor {
                    key,
                    len,
                    offset,
                    phrase: i,
                });
            }
        }
        entries.sort_by_key(|a| (bucket_of(anchor_hash(a.key, a.len)), a.phrase));
        let mut filter = Box::new([0u64; FILTER_WORDS]);
        let mut starts = vec![0u32; (1 << BUCKET_BITS) + 1];
        let mut lens: Vec<usize> = Vec::new();
        for &Anchor { key, len, .. } in &entries {
            let h = anchor_hash(key, len);
            if let Some(w) = filter.get_mut(h >> 6) {
                *w |= 1 << (h & 63);
            }
            if let Some(s) = starts.get_mut(bucket_of(h) + 1) {
                *s += 1;
            }
            if !lens.contains(&len) {
                lens.push(len);
            }
        }
        for b in 1..starts.len() {
            starts[b] += starts[b - 1];
        }
        lens.sort_unstable_by(|a, b| b.cmp(a));
        PhraseSet {
            phrases,
            lens,
            stride,
            filter,
            starts,
            entries,
        }
    }

    /// Every occurrence of every phrase in `haystack`, overlapping ones included (what
    /// `AhoCorasick::find_overlapping_iter` finds, in no particular order):
    /// `visit(phrase index, start)`.
    pub fn each_match(&self, haystack: &str, mut visit: impl FnMut(usize, usize)) {
        self.scan(haystack.as_bytes(), &mut |p, s| {
            visit(p, s);
            false
        });
    }

    /// True when some phrase occurs in `haystack`.
    pub fn has_match(&self, haystack: &str) -> bool {
        self.scan(haystack.as_bytes(), &mut |_, _| true)
    }

    /// One pass over `bytes`; stops when `visit` returns true, and then returns true.
    fn scan(&self, bytes: &[u8], visit: &mut dyn FnMut(usize, usize) -> bool) -> bool {
        match self.stride {
            2 => return self.scan_strided::<2>(bytes, visit),
            3 => return self.scan_strided::<3>(bytes, visit),
            4 => return self.scan_strided::<4>(bytes, visit),
            _ => {}
        }
        // One instance per set of anchor lengths, so masks and hash salts are constants.
        match *self.lens.as_slice() {
            [4] => self.scan_lens::<4, 0, 0>(bytes, visit),
            [2] => self.scan_lens::<2, 0, 0>(bytes, visit),
            [1] => self.scan_lens::<1, 0, 0>(bytes, visit),
            [4, 2] => self.scan_lens::<4, 2, 0>(bytes, visit),
            [4, 1] => self.scan_lens::<4, 1, 0>(bytes, visit),
            [2, 1] => self.scan_lens::<2, 1, 0>(bytes, visit),
            [4, 2, 1] => self.scan_lens::<4, 2, 1>(bytes, visit),
            _ => false,
        }
    }

    /// [`PhraseSet::scan`] probing the four bytes at every `S`-th position.
    fn scan_strided<const S: usize>(
        &self,
        bytes: &[u8],
        visit: &mut dyn FnMut(usize, usize) -> bool,
    ) -> bool {
        let filter = &*self.filter;
        let mut at = 0;
        while let Some(&[a, b, c, d]) = bytes.get(at..at + 4) {
            let key = u32::from_be_bytes([a, b, c, d]) & FOLD;
            let h = anchor_hash(key, 4);
            // The common path: no anchor starts here.
            if filter_has(filter, h) && self.check(bytes, at + 3, key, 4, h, visit) {
                return true;
            }
            at += S;
        }
        false
    }

    /// [`PhraseSet::scan`] for anchors of lengths `A`, `B` and `C` (0: none) at every position.
    fn scan_lens<const A: usize, const B: usize, const C: usize>(
        &self,
        bytes: &[u8],
        visit: &mut dyn FnMut(usize, usize) -> bool,
    ) -> bool {
        let filter = &*self.filter;
        // The last four bytes read, folded.
        let mut key: u32 = 0;
        for (i, &b) in bytes.iter().enumerate() {
            key = (key << 8) | u32::from(b & 0xDF);
            // The common path: no anchor ends here.
            for len in [A, B, C] {
                if len == 0 {
                    continue;
                }
                let k = key & key_mask(len);
                let h = anchor_hash(k, len);
                if filter_has(filter, h) && self.check(bytes, i, k, len, h, visit) {
                    return true;
                }
            }
        }
        false
    }

    /// The phrases with anchor `key` of `len` bytes (hash `h`) that occur with that anchor
    /// ending at `i`: `visit` each; true when `visit` said to stop.
    #[inline(never)]
    fn check(
        &self,
        bytes: &[u8],
        i: usize,
        key: u32,
        len: usize,
        h: usize,
        visit: &mut dyn FnMut(usize, usize) -> bool,
    ) -> bool {
        let b = bucket_of(h);
        let (Some(&from), Some(&to)) = (self.starts.get(b), self.starts.get(b + 1)) else {
            return false;
        };
        let bucket = self.entries.get(from as usize..to as usize).unwrap_or(&[]);
        for a in bucket {
            if a.key != key || a.len != len {
                continue;
            }
            let Some(start) = (i + 1).checked_sub(len + a.offset) else {
                continue;
            };
            let p = a.phrase;
            let Some(phrase) = self.phrases.get(p) else {
                continue;
            };
            let found = bytes
                .get(start..)
                .and_then(|h| h.get(..phrase.len()))
                .is_some_and(|h| {
                    h.iter()
                        .zip(phrase.iter())
                        .all(|(a, b)| a.to_ascii_lowercase() == *b)
                });
            if found && visit(p, start) {
                return true;
            }
        }
        false
    }
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
    if !plain_white_space(text) {
        return squeeze_general(text);
    }
    let mut out = String::with_capacity(text.len());
    squeeze_into(&mut out, text);
    out
}

/// `squeeze(&parts.join(" "))`, without the joined copy.
pub fn squeeze_join(parts: &[&str]) -> String {
    if !parts.iter().all(|p| plain_white_space(p)) {
        return squeeze_general(&parts.join(" "));
    }
    let mut out = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for p in parts {
        squeeze_into(&mut out, p);
    }
    out
}

/// True when the only white space in `text` is ASCII white space other than the vertical
/// tab: then [`squeeze`] splits at those bytes, whether or not `text` was clean already.
fn plain_white_space(text: &str) -> bool {
    memchr::memchr(0x0b, text.as_bytes()).is_none()
        && (text.is_ascii() || !text.chars().any(|c| c.is_whitespace() && !c.is_ascii()))
}

/// Appends the words of `text` (split at ASCII white space; see [`plain_white_space`]) to
/// `out`, each after a space unless `out` is empty.
fn squeeze_into(out: &mut String, text: &str) {
    let b = text.as_bytes();
    let is_space = |i: usize| b.get(i).is_some_and(u8::is_ascii_whitespace);
    let mut at = 0;
    while at < b.len() {
        while is_space(at) {
            at += 1;
        }
        if at >= b.len() {
            break;
        }
        // A run of words with single spaces between them is copied whole.
        let start = at;
        loop {
            while at < b.len() && !is_space(at) {
                at += 1;
            }
            if b.get(at) == Some(&b' ') && at + 1 < b.len() && !is_space(at + 1) {
                at += 1;
            } else {
                break;
            }
        }
        if !out.is_empty() {
            out.push(' ');
        }
        // Both ends sit next to ASCII white space or at an end: character boundaries.
        out.push_str(text.get(start..at).unwrap_or(""));
    }
}

/// [`squeeze`] of any text: clean text (no white space but single ASCII spaces between words)
/// is kept as it is, vertical tabs included; otherwise the words between runs of white space
/// (as `char::is_whitespace` has it) are joined by single spaces.
fn squeeze_general(text: &str) -> String {
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
    find_ci_bytes(haystack.as_bytes(), needle.as_bytes())
}

/// [`find_ci`] over bytes.
pub fn find_ci_bytes(h: &[u8], n: &[u8]) -> Option<usize> {
    if n.is_empty() {
        return Some(0);
    }
    if n.len() > h.len() {
        return None;
    }
    let first = n[0].to_ascii_lowercase();
    let upper = n[0].to_ascii_uppercase();
    let last = n[n.len() - 1].to_ascii_lowercase();
    let mut i = 0;
    while i + n.len() <= h.len() {
        let p = match memchr::memchr2(first, upper, &h[i..=h.len() - n.len()]) {
            Some(p) => i + p,
            None => return None,
        };
        // The last byte first: most places with the right first byte are told apart by it,
        // without a call to compare the whole needle.
        let end = p + n.len();
        if h[end - 1].to_ascii_lowercase() == last && h[p..end].eq_ignore_ascii_case(n) {
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
    fn comments_are_removed_not_the_text_before_them() {
        // RFC 5322 §3.2.2: comments nest and hold quoted-pairs.
        for (text, found, stripped) in [
            (
                "ab(c)d@example.org",
                "ab(c)d@example.org",
                "abd@example.org",
            ),
            (
                "to <ab(c)d@example.org>",
                "ab(c)d@example.org",
                "abd@example.org",
            ),
            (
                "x ab(c(d)e)f@example.org",
                "ab(c(d)e)f@example.org",
                "abf@example.org",
            ),
            (
                r"ab(c\)d)e@example.org",
                r"ab(c\)d)e@example.org",
                "abe@example.org",
            ),
            (
                r"ab(c\\)d@example.org",
                r"ab(c\\)d@example.org",
                "abd@example.org",
            ),
            (
                "abd(work)@example.org",
                "abd(work)@example.org",
                "abd@example.org",
            ),
            (
                "(note)abd@example.org",
                "(note)abd@example.org",
                "abd@example.org",
            ),
            // Not comments of the address: a space, an `@` or an unbalanced parenthesis.
            (
                "(user unknown) d@example.org",
                "d@example.org",
                "d@example.org",
            ),
            ("ab)d@example.org", "d@example.org", "d@example.org"),
        ] {
            assert_eq!(address(text), Some(found), "{text}");
            assert_eq!(strip_comments(found), stripped, "{text}");
        }
        assert_eq!(address("(c)@example.org"), None);
        let v: Vec<_> = addresses("ab(x@y)d@example.org").collect();
        assert_eq!(v, ["x@y", "d@example.org"]);
        assert_eq!(
            strip_comments("\"(a)\"(b)@example.org"),
            "\"(a)\"@example.org"
        );
        assert_eq!(strip_comments("ab(c@example.org"), "ab(c@example.org");
        assert_eq!(strip_comments("a)b@example.org"), "a)b@example.org");
        assert_eq!(strip_comments("a(\\"), "a(\\");
    }

    #[test]
    fn comment_scanning_is_linear_and_total() {
        // Hostile nesting, runs of backslashes and many `@`: each is read a bounded number of times.
        let n = 200_000;
        let texts = [
            format!("{}a@b.c", "(".repeat(n) + &")".repeat(n)),
            format!("{}d@x.org", "\\".repeat(n)),
            format!("a{}", "(x)a@".repeat(n)),
            format!("a{}", ")a@".repeat(n)),
            "(\\)@".repeat(n),
        ];
        let t0 = std::time::Instant::now();
        for t in &texts {
            for a in addresses(t) {
                let _ = strip_comments(a);
            }
        }
        assert!(
            t0.elapsed() < std::time::Duration::from_secs(2),
            "{:?}",
            t0.elapsed()
        );
    }

    #[test]
    fn squeeze_agrees_with_the_general_rule() {
        let pieces = [
            "", " ", "  ", "a", "bc", "\t", "\n", "\r\n", "\x0b", "\x0c", "\u{e4}", "\u{a0}",
            "\u{3000}", "\u{85}",
        ];
        let mut texts = Vec::new();
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    texts.push(format!("{a}{b}x{c}{a}y{b}"));
                    texts.push(format!("{a}{b}{c}"));
                }
            }
        }
        for t in &texts {
            assert_eq!(squeeze(t), squeeze_general(t), "{t:?}");
            let parts: Vec<&str> = t.split('y').collect();
            assert_eq!(
                squeeze_join(&parts),
                squeeze_general(&parts.join(" ")),
                "{t:?}"
            );
        }
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
        // Short phrases (probed at every position) and long ones only (probed at every
        // second, third or fourth).
        let short: &[&str] = &[
            "abc", "bc", "c", "xbcx", "ABCD", "bc", "\u{e4}b", "xy", "a\nb", "abcdefgh",
        ];
        let long: &[&str] = &[
            "abcdefgh",
            "bcdefghi",
            "defgh",
            "Mailbox Full",
            "box full",
            "x\u{e4}x\u{e4}x",
        ];
        let texts = [
            "",
            "a",
            "abcd",
            "xAbCdx xbcx",
            "\u{e4}bc c",
            "XY",
            "A\nBCDEFGHabcdefg",
            "\0\0\0c",
            "ABCDEFGHIJ abcdefghi",
            "the mailbox full mailBOX FULL abcdefgh",
            "x\u{e4}x\u{e4}x\u{e4}x",
        ];
        let stride_three: &[&str] = &["cdefgh", "Mailbox Full"];
        let stride_four = [&long[..2], &long[3..]].concat();
        for (phrases, stride) in [(short, 1), (long, 2), (stride_three, 3), (&stride_four, 4)] {
            assert_eq!(PhraseSet::new(phrases).stride, stride);
            let ac = aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(phrases)
                .unwrap();
            let set = PhraseSet::new(phrases);
            for t in texts {
                // Every alignment of the text against the stride.
                for pad in ["", "-", "--", "---"] {
                    let t = format!("{pad}{t}");
                    let mut want: Vec<(usize, usize)> = ac
                        .find_overlapping_iter(&t)
                        .map(|m| (m.pattern().as_usize(), m.start()))
                        .collect();
                    let mut got = Vec::new();
                    set.each_match(&t, |p, s| got.push((p, s)));
                    want.sort_unstable();
                    got.sort_unstable();
                    assert_eq!(got, want, "{t}");
                    assert_eq!(set.has_match(&t), !want.is_empty());
                }
            }
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
        let long = format!("{}Bob@Rcpt.test bob@rcpt.TEST", "x".repeat(70));
        assert_eq!(find_ci(&long, "bob@rcpt.test"), Some(70));
        assert_eq!(find_ci(&long, "rcpt.test bob"), Some(74));
        assert_eq!(find_ci(&long, "TEST"), Some(79));
        assert_eq!(find_ci(&long, "bob@rcpt.test!"), None);
        assert_eq!(find_ci(&long, "xxxb"), Some(67));
        assert_eq!(find_ci(&long, ""), Some(0));
    }
}
