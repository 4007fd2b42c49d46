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
    /// Returns the recipients when `mail` is in this format, else `None`.
    pub read: fn(&Mail) -> Option<Vec<Recipient>>,
}

/// Complaints first: an ARF report also carries a returned message.
pub static FIRST: &[Format] = &[Format {
    name: "arf",
    kind: ReportKind::Feedback,
    read: arf::read,
}];

/// The generic formats, tried after the vendor formats of [`lhost::FORMATS`] (which know where
/// their own MTA hides the real response).
pub static GENERIC: &[Format] = &[
    Format {
        name: "rfc3464",
        kind: ReportKind::Delivery,
        read: rfc3464::read,
    },
    Format {
        name: "rfc3834",
        kind: ReportKind::AutoReply,
        read: rfc3834::read,
    },
    Format {
        name: "textscan",
        kind: ReportKind::Delivery,
        read: textscan::read,
    },
];

/// Runs the formats in order and returns the first report with recipients.
pub fn read(mail: &Mail) -> Report {
    for f in FIRST.iter().chain(lhost::FORMATS).chain(GENERIC) {
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
