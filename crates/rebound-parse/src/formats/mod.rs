//! Report formats, one module each, tried in order: [`FIRST`], [`lhost::FORMATS`], [`GENERIC`].

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
    pub read: fn(&Mail) -> Option<Vec<Recipient>>,
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
    read: arf::read,
}];

/// The generic formats, tried after the vendor formats of [`lhost::FORMATS`] (which know where
/// their own MTA hides the real response).
pub static GENERIC: &[Format] = &[
    Format {
        name: "rfc3464",
        kind: ReportKind::Delivery,
        markers: &[],
        read: rfc3464::read,
    },
    Format {
        name: "rfc3834",
        kind: ReportKind::AutoReply,
        markers: &[],
        read: rfc3834::read,
    },
    Format {
        name: "textscan",
        kind: ReportKind::Delivery,
        markers: &[],
        read: textscan::read,
    },
];

/// Runs the formats in order and returns the first report with recipients.
pub fn read(mail: &Mail) -> Report {
    let present = mail.scan().formats;
    for (i, f) in all().enumerate() {
        if !f.markers.is_empty() && present & (1u64 << i) == 0 {
            continue;
        }
        if let Some(mut recipients) = (f.read)(mail) {
            if recipients.is_empty() {
                continue;
            }
            let mut flags = Vec::new();
            if recipients.len() > MAX_RECIPIENTS {
                flags.push(Flag::TooManyRecipients(recipients.len() - MAX_RECIPIENTS));
                recipients.truncate(MAX_RECIPIENTS);
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
