//! Report formats, one module each, tried in order: [`FIRST`], [`lhost::FORMATS`], [`GENERIC`].

use std::collections::HashMap;

use crate::mail::Mail;
use crate::report::{Flag, Recipient, Report, ReportKind};
use crate::text;

/// The most recipients read from one report (SPEC §10); the rest are counted in
/// [`Flag::TooManyRecipients`]. Every later step costs a bounded amount per recipient.
pub const MAX_RECIPIENTS: usize = 10_000;

pub mod arf;
pub mod lhost;
pub mod rfc3464;
pub mod rfc3834;
pub mod textscan;

/// What a format read: at most [`MAX_RECIPIENTS`] recipients, and how many more it named
/// without reading them (so the work per report is bounded while it is read, not after).
#[derive(Debug, Default)]
pub struct Found {
    /// The recipients read, in order.
    pub recipients: Vec<Recipient>,
    /// Recipients named after the first [`MAX_RECIPIENTS`], counted only.
    pub more: usize,
}

impl Found {
    /// True when no further recipient is read (only counted).
    pub fn full(&self) -> bool {
        self.recipients.len() >= MAX_RECIPIENTS
    }

    /// Keeps `r`, or counts it when [`Found::full`].
    pub fn push(&mut self, r: Recipient) {
        if self.full() {
            self.more += 1;
        } else {
            self.recipients.push(r);
        }
    }
}

/// The position of the first of `items` under each key (ASCII case-insensitively): one lookup
/// per recipient instead of a search of the list (SPEC §10).
pub(crate) fn first_by_key<'a, T>(
    items: impl IntoIterator<Item = &'a T>,
    key: impl Fn(&'a T) -> &'a str,
) -> HashMap<String, usize>
where
    T: 'a,
{
    let mut map = HashMap::new();
    for (i, item) in items.into_iter().enumerate() {
        map.entry(key(item).to_ascii_lowercase()).or_insert(i);
    }
    map
}

/// How a format module gives its recipients.
#[derive(Clone, Copy)]
pub enum Reader {
    /// Every recipient it found; cut to [`MAX_RECIPIENTS`] afterwards (formats whose reports
    /// name few recipients, or whose per-recipient work is small).
    All(fn(&Mail) -> Option<Vec<Recipient>>),
    /// At most [`MAX_RECIPIENTS`], the rest counted while reading ([`Found`]).
    Capped(fn(&Mail) -> Option<Found>),
}

impl Reader {
    fn read(self, mail: &Mail) -> Option<Found> {
        match self {
            Reader::All(read) => read(mail).map(|mut recipients| {
                let more = recipients.len().saturating_sub(MAX_RECIPIENTS);
                recipients.truncate(MAX_RECIPIENTS);
                Found { recipients, more }
            }),
            Reader::Capped(read) => read(mail),
        }
    }
}

/// A format module: reads `mail` if it is in its format.
pub struct Format {
    /// Name reported as `engine`.
    pub name: &'static str,
    /// The kind of report this format yields.
    pub kind: ReportKind,
    /// Phrases of which one must occur in the text (ASCII case-insensitively) for this format
    /// to be tried; empty means always tried. A necessary condition the module checks anyway,
    /// declared so that one scan over the text serves every format.
    pub markers: &'static [&'static str],
    /// Returns the recipients when `mail` is in this format, else `None`.
    pub read: Reader,
}

/// Every format in the order they are tried.
pub(crate) fn all() -> impl Iterator<Item = &'static Format> {
    FIRST.iter().chain(lhost::FORMATS).chain(GENERIC)
}

/// Complaints first: an ARF report also carries a returned message.
pub static FIRST: &[Format] = &[Format {
    name: "arf",
    kind: ReportKind::Feedback,
    markers: &[],
    read: Reader::All(arf::read),
}];

/// The generic formats, tried after the vendor formats of [`lhost::FORMATS`] (which know where
/// their own MTA hides the real response).
pub static GENERIC: &[Format] = &[
    Format {
        name: "rfc3464",
        kind: ReportKind::Delivery,
        markers: &[],
        read: Reader::Capped(rfc3464::read),
    },
    Format {
        name: "rfc3834",
        kind: ReportKind::AutoReply,
        markers: &[],
        read: Reader::All(rfc3834::read),
    },
    Format {
        name: "textscan",
        kind: ReportKind::Delivery,
        markers: &[],
        read: Reader::Capped(textscan::read),
    },
];

/// Runs the formats in order and returns the first report with recipients.
pub fn read(mail: &Mail) -> Report {
    let present = mail.scan().formats;
    for (i, f) in all().enumerate() {
        if !f.markers.is_empty() && present & (1u64 << i) == 0 {
            continue;
        }
        if let Some(Found {
            mut recipients,
            more,
        }) = f.read.read(mail)
        {
            if recipients.is_empty() {
                continue;
            }
            let mut flags = Vec::new();
            if more > 0 {
                flags.push(Flag::TooManyRecipients(more));
            }
            for r in &mut recipients {
                // Every format's addresses, from a field, a header or prose, without RFC 5322
                // comments (`ab(c)d@…` is `abd@…`).
                if let std::borrow::Cow::Owned(a) = text::strip_comments(&r.address) {
                    r.address = a;
                }
                text::clip(&mut r.diagnostic, text::MAX_RESPONSE);
            }
            return Report {
                engine: f.name,
                kind: f.kind,
                recipients,
                flags,
                ..Report::default()
            };
        }
    }
    Report::default()
}
