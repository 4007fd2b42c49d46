//! An index of a notice's lines, built once per message, through which [`crate::facts`] looks
//! up what the notice says about each recipient: the lines that name an address, where the
//! next recipient's lines start, a Sendmail transcript's replies and codes, the sentence above
//! a list of bare addresses.
//!
//! Every answer costs a bounded amount per recipient (plus, once per distinct address, its
//! occurrences), so a notice naming thousands of recipients is read in time linear in its
//! size (SPEC §10), where a search of the whole notice per recipient was quadratic.
//!
//! An address is named where it stands as an address (what [`text::addresses`] finds),
//! compared ASCII case-insensitively, or where it ends a longer local part after a `/` or a `=`
//! (Exim quotes a pipe's error as "/home/u/.filter/bob@x.test: No such file"; see
//! [`push_token`]). An address inside a longer one otherwise ("bob@x.test" in "jbob@x.test" or
//! "bob@x.test.org") does not name it. What a report gives for an address that is no such token
//! (a quoted local part, Exim's "pipe to |…", a bare local part) is searched for in the text
//! as it is, for the first [`MAX_SEARCHED`] of them: one pass over the notice each.

use std::cell::OnceCell;
use std::collections::HashMap;

use crate::formats::textscan;
use crate::text;

/// How many distinct recipients that are no plain address are searched for in the notice
/// (see the module documentation); further ones name no line.
const MAX_SEARCHED: usize = 8;

/// Up to how many recipients the index holds only their own addresses, found by one search of
/// the notice each ([`tokens_of_few`]), instead of every address of the notice: for the
/// reports of one or a few recipients, nearly all of them, that costs less than reading every
/// address. Not more than [`MAX_SEARCHED`], so that every recipient is searched for either way.
const FEW: usize = MAX_SEARCHED;

/// No recipient on a line (see [`Names::line_rcpt`]).
const NONE: u32 = u32::MAX;
/// Several different recipients on a line.
const MANY: u32 = u32::MAX - 1;
/// An address of a report cut at the recipient cap that is no recipient read: it may be one
/// of those counted only, so it ends the paragraph of the recipient above it.
const UNREAD: u32 = u32::MAX - 2;

/// An address as it stands in the notice.
#[derive(Debug, Clone, Copy)]
struct Token {
    /// [`fold_hash`] of its text.
    hash: u64,
    line: u32,
    /// Byte range in its line.
    start: u32,
    len: u32,
}

/// The multiplier of [`fold_hash`].
const BASE: u64 = 0x0000_0100_0000_01b3;

/// A polynomial hash of `s` in ASCII lower case (Σ byte · BASE^(n-1-i), wrapping): equal for
/// strings equal ignoring ASCII case, and composable, so that the hashes of every suffix of a
/// local part followed by the same domain cost one multiplication each.
fn fold_hash(s: &str) -> u64 {
    s.bytes().fold(0, |h, b| {
        h.wrapping_mul(BASE)
            .wrapping_add(u64::from(b.to_ascii_lowercase()))
    })
}

/// The longest local part (RFC 5321 §4.5.3.1.1).
const MAX_LOCAL: usize = 64;

/// How many shorter addresses a longer one is indexed under besides itself.
const MAX_INNER: usize = 4;

/// Pushes `address` (found at `start` of line `line`) and the addresses that end it after a
/// `/` (a file path, as Exim quotes a pipe's or a file's error) or a `=` (BATV `prvs=tag=`,
/// SRS `SRS0=…=`), with a local part of at most [`MAX_LOCAL`] octets: the last
/// [`MAX_INNER`] of them.
#[inline(never)]
fn push_token(tokens: &mut Vec<Token>, address: &str, line: usize, start: usize) {
    let b = address.as_bytes();
    let at = memchr::memrchr(b'@', b).unwrap_or(0);
    // The hash of "@domain" and BASE to the power of its length.
    let (mut tail, mut scale) = (0u64, 1u64);
    for c in b.get(at..).unwrap_or(&[]) {
        tail = tail
            .wrapping_mul(BASE)
            .wrapping_add(u64::from(c.to_ascii_lowercase()));
        scale = scale.wrapping_mul(BASE);
    }
    // Suffixes of the local part, shortest first, hashed from the right.
    let (mut local, mut power) = (0u64, 1u64);
    let mut inner = 0;
    for k in (0..at).rev() {
        let c = b.get(k).copied().unwrap_or(0);
        local = local.wrapping_add(u64::from(c.to_ascii_lowercase()).wrapping_mul(power));
        power = power.wrapping_mul(BASE);
        let after_separator = k > 0 && matches!(b.get(k - 1), Some(b'/' | b'='));
        let inner_ok = after_separator && inner < MAX_INNER && at - k <= MAX_LOCAL;
        if k == 0 || inner_ok {
            inner += usize::from(k > 0);
            tokens.push(Token {
                hash: local.wrapping_mul(scale).wrapping_add(tail),
                line: index(line),
                start: index(start + k),
                len: index(address.len() - k),
            });
        }
    }
}

/// Whether [`push_token`] makes a token of `address` from its offset `k` (more than 0) on:
/// a suffix after a `/` or a `=` with a local part of at most [`MAX_LOCAL`] octets, one of
/// the [`MAX_INNER`] shortest such.
fn is_inner(address: &[u8], k: usize) -> bool {
    let at = memchr::memrchr(b'@', address).unwrap_or(0);
    let separator = |k: usize| k > 0 && matches!(address.get(k - 1), Some(b'/' | b'='));
    k < at
        && separator(k)
        && at - k <= MAX_LOCAL
        && (k + 1..at).filter(|&j| separator(j)).count() < MAX_INNER
}

/// The addresses of the notice, and which recipients each line names.
struct Names {
    tokens: Vec<Token>,
    /// Indices of `tokens` sorted by (hash, position): a binary search finds an address's
    /// occurrences in text order.
    by_hash: Vec<u32>,
    /// The lines that name a recipient, in order, with the recipient each names (the index in
    /// `others` of the first recipient with that address), [`MANY`] or [`UNREAD`]: only
    /// these lines, so the index costs nothing per line of the notice.
    named: Vec<(u32, u32)>,
    /// `next_diff[k]`, for `named[k]` naming one recipient: the first later line naming
    /// another one (or several).
    next_diff: Vec<u32>,
    /// How many lines the notice has.
    lines: usize,
    /// Recipients as (hash of the address, index in `others`), sorted; empty for [`FEW`]
    /// recipients, which are compared one by one.
    rcpt: Vec<(u64, u32)>,
}

/// What the transcript of a session (`>>> ` commands, `<<< ` replies) says.
struct Transcript<'a> {
    /// For each reply line in order: the command it answered, as
    /// [`Notice::transcript_command`] names it, and the reply.
    replies: Vec<Option<&'static str>>,
    /// Per line: the index of its reply, or [`NONE`].
    reply_of_line: Vec<u32>,
    /// (the reply's first 24 characters, reply index), sorted.
    prefixes: Vec<(&'a str, u32)>,
    /// The first reply starting with a probe shorter than 24 characters, by probe.
    short_probes: HashMap<String, Option<u32>>,
    /// The first reply naming an address, by lower-case address.
    by_address: HashMap<String, Option<u32>>,
}

/// Sendmail's "----- Transcript of session follows -----" block: the codes it states.
struct Codes {
    /// (line, status) for each line of the block whose reply states a status other than X.0.0,
    /// in order.
    coded: Vec<(u32, String)>,
    /// Per line: the index in `coded`, or [`NONE`].
    coded_of_line: Vec<u32>,
    /// The first coded line naming an address, by lower-case address.
    by_address: HashMap<String, Option<u32>>,
}

/// The index; see the module documentation.
pub(crate) struct Notice<'a> {
    text: &'a str,
    lines: &'a [&'a str],
    /// Every recipient's address.
    others: &'a [String],
    /// Whether the report was cut at the recipient cap (see [`UNREAD`]).
    capped: bool,
    names: OnceCell<Names>,
    responses: HashMap<String, Option<String>>,
    paragraphs: HashMap<(usize, usize), String>,
    /// `lists[i]`: the first line of the run of bare-address lines right above line `i`.
    lists: OnceCell<Vec<u32>>,
    list_reasons: HashMap<usize, Option<String>>,
    transcript: OnceCell<Option<Transcript<'a>>>,
    codes: OnceCell<Option<Codes>>,
}

/// Sendmail's "----- Transcript of session follows -----" block.
const TRANSCRIPT: &str = "transcript of session follows";

fn index(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(NONE)
}

impl<'a> Notice<'a> {
    /// An index over `lines` (the notice's lines) for the recipients `others` (`capped`: the
    /// first of more); each part is built on first use.
    pub(crate) fn new(
        text: &'a str,
        lines: &'a [&'a str],
        others: &'a [String],
        capped: bool,
    ) -> Notice<'a> {
        Notice {
            text,
            lines,
            others,
            capped,
            names: OnceCell::new(),
            responses: HashMap::new(),
            paragraphs: HashMap::new(),
            lists: OnceCell::new(),
            list_reasons: HashMap::new(),
            transcript: OnceCell::new(),
            codes: OnceCell::new(),
        }
    }

    /// Whether the index is of a few recipients (see [`FEW`]).
    fn few(&self) -> bool {
        !self.capped && self.others.len() <= FEW
    }

    fn names(&self) -> &Names {
        self.names
            .get_or_init(|| Names::new(self.text, self.lines, self.others, self.capped))
    }

    /// The most telling line of the notice about `address`: the one with the most text after
    /// the address (Sendmail "<a@b>... Deferred: ..."), else the paragraph that names it.
    pub(crate) fn response(&mut self, address: &str) -> Option<String> {
        if self.few() {
            // A few recipients cost a bounded number of lookups: none is kept.
            return self.find_response(address);
        }
        let key = address.to_ascii_lowercase();
        if let Some(r) = self.responses.get(&key) {
            return r.clone();
        }
        let r = self.find_response(address);
        self.responses.insert(key, r.clone());
        r
    }

    fn find_response(&mut self, address: &str) -> Option<String> {
        let lines = self.lines;
        let names = self.names();
        let mut best: Option<(usize, usize)> = None;
        let mut last_line = NONE;
        for t in names.occurrences(lines, address) {
            // The first occurrence on a line counts.
            if t.line == last_line {
                continue;
            }
            last_line = t.line;
            let l = lines.get(t.line as usize).copied().unwrap_or("");
            if textscan::is_dsn_field(l) {
                // RFC 3464 fields pasted into the text name the recipient but are not its
                // response.
                continue;
            }
            let rest = l.get((t.start + t.len) as usize..).unwrap_or("");
            let rest = rest.trim_start_matches(['>', ':', '.', ' ', '"', ',']);
            if best.is_none_or(|(_, n)| rest.len() > n) {
                best = Some((t.line as usize, rest.len()));
            }
        }
        let (i, n) = best?;
        // The paragraph ends where the next recipient's starts (OpenSMTPD lists them line by
        // line).
        let next = names.next_line(i, names.recipient(self.others, address));
        let p = if self.few() {
            textscan::paragraph(lines, i, next)
        } else {
            self.paragraphs
                .entry((i, next))
                .or_insert_with(|| textscan::paragraph(lines, i, next))
                .clone()
        };
        if n > 0 || p.len() > address.len() + 2 {
            Some(p)
        } else {
            self.reason_before_list(i)
        }
    }

    /// The sentence that introduces a list of bare addresses and gives the reason for all of
    /// them, as Microsoft's SMTP service (IIS SMTPSVC, Exchange 2000/2003) writes: "Unable to
    /// deliver message to the following recipients, because the message was forwarded more
    /// than the maximum allowed times." / "…, due to being unable to connect successfully to
    /// the destination mail server." Only such a paragraph right above the list counts.
    fn reason_before_list(&mut self, i: usize) -> Option<String> {
        let lines = self.lines;
        let lists = self.lists.get_or_init(|| {
            // Other addresses of the same list: lines holding an address and little else.
            let bare =
                |l: &str| text::address(l).is_some_and(|a| text::trim(l).len() <= a.len() + 2);
            let mut v = Vec::with_capacity(lines.len() + 1);
            v.push(0);
            for (k, l) in lines.iter().enumerate() {
                let above = v.last().copied().unwrap_or(0);
                v.push(if bare(l) { above } else { index(k + 1) });
            }
            v
        });
        let start = lists.get(i).copied().unwrap_or(0) as usize;
        self.list_reasons
            .entry(start)
            .or_insert_with(|| {
                let mut j = start;
                while j > 0 && text::is_blank(lines[j - 1]) {
                    j -= 1;
                }
                let end = j;
                while j > 0 && !text::is_blank(lines[j - 1]) {
                    j -= 1;
                }
                let p = text::squeeze(&lines.get(j..end)?.join(" "));
                let lower = p.to_ascii_lowercase();
                (lower.contains("the following recipient")
                    && (lower.contains(", because ") || lower.contains(", due to ")))
                .then_some(p)
            })
            .clone()
    }

    /// Sendmail-style transcripts: `>>> RCPT To:<a@b>` followed by `<<< 550 ...`. The command
    /// is the last `>>>` line before the first `<<<` reply that names the recipient or starts
    /// with its response (its first 24 characters).
    pub(crate) fn transcript_command(
        &mut self,
        address: &str,
        diagnostic: &str,
    ) -> Option<&'static str> {
        let few = self.few();
        let lines = self.lines;
        self.transcript
            .get_or_init(|| Transcript::new(self.text, lines))
            .as_ref()?;
        let names = self
            .names
            .get_or_init(|| Names::new(self.text, lines, self.others, self.capped));
        let t = self.transcript.get_mut()?.as_mut()?;
        let reply_of_line = &t.reply_of_line;
        let find = || {
            names
                .occurrences(lines, address)
                .map(|tok| {
                    reply_of_line
                        .get(tok.line as usize)
                        .copied()
                        .unwrap_or(NONE)
                })
                .find(|r| *r != NONE)
        };
        let by_address = if few {
            find()
        } else {
            *t.by_address
                .entry(address.to_ascii_lowercase())
                .or_insert_with(find)
        };
        let probe = diagnostic
            .char_indices()
            .nth(24)
            .and_then(|(end, _)| diagnostic.get(..end))
            .unwrap_or(diagnostic);
        let by_probe = if probe.is_empty() {
            None
        } else if probe.len() < diagnostic.len() {
            // 24 characters: the replies whose first 24 characters are these.
            let at = t.prefixes.partition_point(|(p, _)| *p < probe);
            t.prefixes
                .get(at)
                .filter(|(p, _)| *p == probe)
                .map(|(_, r)| *r)
        } else {
            let prefixes = &t.prefixes;
            *t.short_probes.entry(probe.to_string()).or_insert_with(|| {
                let at = prefixes.partition_point(|(p, _)| *p < probe);
                prefixes
                    .get(at..)
                    .unwrap_or(&[])
                    .iter()
                    .take_while(|(p, _)| p.starts_with(probe))
                    .map(|(_, r)| *r)
                    .min()
            })
        };
        let first = match (by_address, by_probe) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => a.or(b)?,
        };
        t.replies.get(first as usize).copied().flatten()
    }

    /// A status code for `address` from a Sendmail transcript, for a report whose `Status` is
    /// only X.0.0 and whose `Diagnostic-Code` has none: a local mailer's exit ("X-Unix; 255")
    /// is explained in the transcript by Sendmail's own line, "554 5.3.0 unknown mailer error
    /// 255". Lines that name the address count; with a single recipient, any reply line does.
    pub(crate) fn transcript_code(
        &mut self,
        address: &str,
        single: bool,
    ) -> Option<(String, &'a str)> {
        let few = self.few();
        let lines = self.lines;
        self.codes
            .get_or_init(|| Codes::new(self.text, lines))
            .as_ref()?;
        let names = self
            .names
            .get_or_init(|| Names::new(self.text, lines, self.others, self.capped));
        let c = self.codes.get_mut()?.as_mut()?;
        let found = if single {
            Some(0).filter(|_| !c.coded.is_empty())
        } else {
            let coded_of_line = &c.coded_of_line;
            let find = || {
                names
                    .occurrences(lines, address)
                    .map(|tok| {
                        coded_of_line
                            .get(tok.line as usize)
                            .copied()
                            .unwrap_or(NONE)
                    })
                    .find(|k| *k != NONE)
            };
            if few {
                find()
            } else {
                *c.by_address
                    .entry(address.to_ascii_lowercase())
                    .or_insert_with(find)
            }
        }?;
        let (line, status) = c.coded.get(found as usize)?;
        Some((
            status.clone(),
            lines.get(*line as usize).copied().unwrap_or(""),
        ))
    }
}

impl Names {
    fn new(notice: &str, lines: &[&str], others: &[String], capped: bool) -> Names {
        let few = !capped && others.len() <= FEW;
        let (tokens, mut named) = if few {
            tokens_of_few(notice, lines, others)
        } else {
            (tokens_of_all(notice, lines, others), Vec::new())
        };
        let mut by_hash: Vec<u32> = (0..index(tokens.len())).collect();
        // In text order within one hash (searched occurrences were appended after the tokens).
        by_hash.sort_unstable_by_key(|&k| {
            let t = tokens[k as usize];
            (t.hash, t.line, t.start)
        });
        // A few recipients are looked up one by one (see [`Names::recipient`]).
        let mut rcpt: Vec<(u64, u32)> = Vec::new();
        if !few {
            rcpt = others
                .iter()
                .enumerate()
                .map(|(k, o)| (fold_hash(o), index(k)))
                .collect();
            rcpt.sort_unstable();
        }
        let mut names = Names {
            tokens,
            by_hash,
            named: Vec::new(),
            next_diff: Vec::new(),
            lines: lines.len(),
            rcpt,
        };
        if !few {
            named.reserve(names.tokens.len());
            for t in &names.tokens {
                let Some(word) = token_text(lines, t) else {
                    continue;
                };
                let id = match names.recipient(others, word) {
                    NONE if capped => UNREAD,
                    NONE => continue,
                    id => id,
                };
                named.push((t.line, id));
            }
        }
        // By line; a line naming different recipients names MANY.
        named.sort_unstable();
        named.dedup();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(named.len());
        for (line, id) in named {
            match merged.last_mut() {
                Some(last) if last.0 == line => last.1 = MANY,
                _ => merged.push((line, id)),
            }
        }
        let end = index(lines.len());
        let mut next_diff = vec![end; merged.len()];
        for k in (0..merged.len()).rev() {
            let r = merged[k].1;
            if r != MANY {
                next_diff[k] = match merged.get(k + 1) {
                    None => end,
                    Some(&(_, n)) if n == r => next_diff[k + 1],
                    Some(&(after, _)) => after,
                };
            }
        }
        names.named = merged;
        names.next_diff = next_diff;
        names
    }

    /// The occurrences of `address` in text order.
    fn occurrences<'s>(
        &'s self,
        lines: &'s [&str],
        address: &'s str,
    ) -> impl Iterator<Item = Token> + 's {
        let h = fold_hash(address);
        let from = self
            .by_hash
            .partition_point(|&k| self.tokens[k as usize].hash < h);
        self.by_hash
            .get(from..)
            .unwrap_or(&[])
            .iter()
            .map(|&k| self.tokens[k as usize])
            .take_while(move |t| t.hash == h)
            .filter(move |t| token_text(lines, t).is_some_and(|w| w.eq_ignore_ascii_case(address)))
    }

    /// The recipient whose address `word` is (the first of `others` with it), or [`NONE`].
    fn recipient(&self, others: &[String], word: &str) -> u32 {
        if others.len() <= FEW && self.rcpt.is_empty() {
            return others
                .iter()
                .position(|o| o.eq_ignore_ascii_case(word))
                .map_or(NONE, index);
        }
        let h = fold_hash(word);
        let from = self.rcpt.partition_point(|(x, _)| *x < h);
        self.rcpt
            .get(from..)
            .unwrap_or(&[])
            .iter()
            .take_while(|(x, _)| *x == h)
            .find(|(_, k)| {
                others
                    .get(*k as usize)
                    .is_some_and(|o| o.eq_ignore_ascii_case(word))
            })
            .map_or(NONE, |(_, k)| *k)
    }

    /// The first line after `i` that names a recipient other than `id`.
    fn next_line(&self, i: usize, id: u32) -> usize {
        let k = self
            .named
            .partition_point(|(line, _)| (*line as usize) <= i);
        match self.named.get(k) {
            None => self.lines,
            Some(&(_, r)) if r == id && r != MANY => self.next_diff[k] as usize,
            Some(&(line, _)) => line as usize,
        }
    }
}

/// The line of `lines` (pieces of `notice`, in order) that holds the `len` bytes at offset
/// `at` of the notice, and their start in it, when they lie within one.
#[inline(never)]
fn line_of(notice: &str, lines: &[&str], at: usize, len: usize) -> Option<(usize, usize)> {
    let offset = |l: &str| (l.as_ptr() as usize).wrapping_sub(notice.as_ptr() as usize);
    let line = lines.partition_point(|l| offset(l) <= at).checked_sub(1)?;
    let l = lines.get(line)?;
    let start = at - offset(l);
    (start + len <= l.len()).then_some((line, start))
}

/// Every address of the notice as a token (what [`push_token`] makes of each), and the
/// occurrences as text of the first [`MAX_SEARCHED`] recipients that are no plain address.
fn tokens_of_all(notice: &str, lines: &[&str], others: &[String]) -> Vec<Token> {
    let mut tokens = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        for a in text::addresses(l) {
            let start = (a.as_ptr() as usize).wrapping_sub(l.as_ptr() as usize);
            push_token(&mut tokens, a, i, start);
        }
    }
    // Recipients that are no plain address: their occurrences as text, as tokens too.
    let mut searched: Vec<String> = Vec::new();
    for o in others {
        let plain = text::address(o).is_some_and(|a| a.len() == o.len());
        if plain || o.is_empty() || searched.len() >= MAX_SEARCHED {
            continue;
        }
        let key = o.to_ascii_lowercase();
        if searched.contains(&key) {
            continue;
        }
        searched.push(key);
        for at in occurrences_ci(notice, o) {
            if let Some((line, start)) = line_of(notice, lines, at, o.len()) {
                tokens.push(Token {
                    hash: fold_hash(o),
                    line: index(line),
                    start: index(start),
                    len: index(o.len()),
                });
            }
        }
    }
    tokens
}

/// The tokens of [`tokens_of_all`] that are the address of one of `others` (at most [`FEW`]
/// of them), each with the recipient it names, found by looking for each recipient instead of
/// reading every address of the notice: the only tokens the index is asked about in a report
/// that is not cut at the recipient cap (any other names no recipient). An occurrence of a
/// plain address counts where [`push_token`] makes a token of exactly those bytes of its line.
#[inline(never)]
fn tokens_of_few(notice: &str, lines: &[&str], others: &[String]) -> (Vec<Token>, Vec<(u32, u32)>) {
    let mut tokens = Vec::new();
    let mut named = Vec::new();
    // Occurrences of plain addresses, to be checked against the tokens of their line.
    let mut candidates: Vec<(Token, u32)> = Vec::new();
    for (k, o) in others.iter().enumerate() {
        let seen = others
            .get(..k)
            .is_some_and(|before| before.iter().any(|p| p.eq_ignore_ascii_case(o)));
        if o.is_empty() || seen {
            continue;
        }
        let id = index(k);
        let plain = text::address(o).is_some_and(|a| a.len() == o.len());
        let hash = fold_hash(o);
        let mut add = |at: usize| {
            if let Some((line, start)) = line_of(notice, lines, at, o.len()) {
                let t = Token {
                    hash,
                    line: index(line),
                    start: index(start),
                    len: index(o.len()),
                };
                if plain {
                    candidates.push((t, id));
                } else {
                    tokens.push(t);
                    named.push((t.line, id));
                }
            }
        };
        match memchr::memchr(b'@', o.as_bytes()) {
            // Every occurrence holds the address's first `@` at the same offset: the few `@`
            // of the notice are all there is to compare.
            Some(a) => {
                for q in memchr::memchr_iter(b'@', notice.as_bytes()) {
                    let Some(p) = q.checked_sub(a) else {
                        continue;
                    };
                    let here = notice.as_bytes().get(p..p + o.len());
                    if here.is_some_and(|h| h.eq_ignore_ascii_case(o.as_bytes())) {
                        add(p);
                    }
                }
            }
            None => occurrences_ci(notice, o).for_each(&mut add),
        }
    }
    // In line order, so that each line's addresses are read once.
    candidates.sort_unstable_by_key(|(t, _)| (t.line, t.start));
    let mut of_line: Vec<(usize, usize)> = Vec::new();
    let mut read = NONE;
    for (c, id) in candidates {
        let l = lines.get(c.line as usize).copied().unwrap_or("");
        if c.line != read {
            read = c.line;
            of_line.clear();
            of_line.extend(text::addresses(l).map(|a| {
                let start = (a.as_ptr() as usize).wrapping_sub(l.as_ptr() as usize);
                (start, start + a.len())
            }));
        }
        let (start, end) = (c.start as usize, (c.start + c.len) as usize);
        let token = of_line.iter().any(|&(s, e)| {
            e == end
                && (s == start
                    || (s < start && is_inner(l.as_bytes().get(s..e).unwrap_or(&[]), start - s)))
        });
        if token {
            tokens.push(c);
            named.push((c.line, id));
        }
    }
    (tokens, named)
}

/// The offsets of every occurrence of `needle` in `haystack` (ASCII case-insensitively,
/// overlapping ones included), in order.
fn occurrences_ci<'h>(haystack: &'h str, needle: &'h str) -> impl Iterator<Item = usize> + 'h {
    let mut from = 0;
    std::iter::from_fn(move || {
        let rest = haystack.as_bytes().get(from..)?;
        let p = from + text::find_ci_bytes(rest, needle.as_bytes())?;
        from = p + 1;
        Some(p)
    })
}

fn token_text<'l>(lines: &[&'l str], t: &Token) -> Option<&'l str> {
    lines
        .get(t.line as usize)?
        .get(t.start as usize..(t.start + t.len) as usize)
}

impl<'a> Transcript<'a> {
    fn new(notice: &str, lines: &[&'a str]) -> Option<Transcript<'a>> {
        // Only a reply line makes one, and most notices have none.
        memchr::memmem::find(notice.as_bytes(), b"<<< ")?;
        let mut replies = Vec::new();
        let mut reply_of_line = vec![NONE; lines.len()];
        let mut prefixes = Vec::new();
        let mut last_sent: Option<&str> = None;
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim_start();
            if let Some(cmd) = t.strip_prefix(">>> ") {
                last_sent = Some(cmd);
            } else if let Some(reply) = t.strip_prefix("<<< ") {
                let command = last_sent.and_then(|c| {
                    let word = c
                        .split([' ', ':'])
                        .next()
                        .unwrap_or("")
                        .to_ascii_uppercase();
                    match word.as_str() {
                        "DATA" | "." => Some("DATA"),
                        "RCPT" => Some("RCPT"),
                        "MAIL" => Some("MAIL"),
                        "EHLO" => Some("EHLO"),
                        "HELO" => Some("HELO"),
                        _ => None,
                    }
                });
                let k = index(replies.len());
                replies.push(command);
                reply_of_line[i] = k;
                let head = reply
                    .char_indices()
                    .nth(24)
                    .and_then(|(end, _)| reply.get(..end))
                    .unwrap_or(reply);
                prefixes.push((head, k));
            }
        }
        if replies.is_empty() {
            return None;
        }
        prefixes.sort_unstable();
        Some(Transcript {
            replies,
            reply_of_line,
            prefixes,
            short_probes: HashMap::new(),
            by_address: HashMap::new(),
        })
    }
}

impl Codes {
    fn new(notice: &str, lines: &[&str]) -> Option<Codes> {
        // The first line that has the marker: the line of its first occurrence in the notice
        // (it holds no line break, so every occurrence lies within a line).
        let at = text::find_ci(notice, TRANSCRIPT)?;
        let start = lines
            .partition_point(|l| (l.as_ptr() as usize).wrapping_sub(notice.as_ptr() as usize) <= at)
            .checked_sub(1)?;
        let mut coded = Vec::new();
        let mut coded_of_line = vec![NONE; lines.len()];
        let block = lines
            .iter()
            .enumerate()
            .skip(start + 1)
            .take_while(|(_, l)| !l.trim_start().starts_with("-----"));
        for (i, l) in block {
            let t = l.trim_start().trim_start_matches("<<<").trim_start();
            let Some(code) = text::reply_code(t).filter(|c| t.starts_with(c)) else {
                continue;
            };
            let rest = t
                .get(code.len()..)
                .unwrap_or("")
                .trim_start_matches(['-', ' ']);
            let Some(status) = text::status_code(rest)
                .filter(|s| rest.starts_with(s) && s.get(..1) == code.get(..1))
            else {
                continue;
            };
            if status.ends_with(".0.0") {
                continue;
            }
            coded_of_line[i] = index(coded.len());
            coded.push((index(i), status.to_string()));
        }
        Some(Codes {
            coded,
            coded_of_line,
            by_address: HashMap::new(),
        })
    }
}
