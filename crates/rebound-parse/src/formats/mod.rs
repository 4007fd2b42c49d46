//! Report formats, one module each, tried in the order of [`FORMATS`].

use crate::mail::Mail;
use crate::report::{Recipient, Report, ReportKind};

pub mod arf;
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

/// Every format, most specific first. Vendor formats come before the generic RFC 3464 reader
/// because they know where their own MTA hides the real response.
pub static FORMATS: &[Format] = &[
    Format {
        name: "arf",
        kind: ReportKind::Feedback,
        read: arf::read,
    },
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
    for f in FORMATS {
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
