//! Report formats, one module each, tried in order: [`FIRST`], [`lhost::FORMATS`], [`GENERIC`].

use crate::mail::Mail;
use crate::report::{Recipient, Report, ReportKind};

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
        if let Some(recipients) = (f.read)(mail) {
            if recipients.is_empty() {
                continue;
            }
            return Report {
                engine: f.name,
                kind: f.kind,
                recipients,
                ..Report::default()
            };
        }
    }
    Report::default()
}
