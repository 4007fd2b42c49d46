//! # rebound-parse
//!
//! Reads the bytes of any message into a [`Report`]: for every recipient a bounce, delivery
//! notice, auto-reply or complaint speaks of, the facts it states — action, enhanced status code,
//! SMTP reply code, the remote server's full response, remote MTA — plus the returned original's
//! `Message-ID` and headers, and which format module read it.
//!
//! The parser is total: any bytes give a `Report` (maybe with no recipients and some
//! [`Flag`]s), never a panic. It knows nothing about policy; `rebound-classify` turns the facts
//! into a cause, a bounce type and a reason.
//!
//! How the pieces fit:
//! - [`mail::Mail`] is a flat MIME view: header fields, human-readable text, the
//!   `message/delivery-status` parts and the returned original.
//! - [`formats`] holds one module per report format, tried in
//!   order: ARF complaints, vendor formats (`formats::lhost`), RFC 3464, RFC 3834
//!   auto-replies and a last-resort scan of plain-text bounces.
//! ```
//! let dsn = b"From: MAILER-DAEMON@mx.test\nSubject: Undelivered Mail Returned to Sender\n\
//! Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n\
//! --b\nContent-Type: text/plain\n\nsorry\n\
//! --b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.test\n\n\
//! Final-Recipient: rfc822; bo@rcpt.test\nAction: failed\nStatus: 5.1.1\n\
//! Diagnostic-Code: smtp; 550 5.1.1 <bo@rcpt.test>: User unknown\n--b--\n";
//! let report = rebound_parse::parse(dsn);
//! assert_eq!(report.engine, "rfc3464");
//! assert_eq!(report.recipients[0].address, "bo@rcpt.test");
//! assert_eq!(report.recipients[0].status.as_deref(), Some("5.1.1"));
//! assert_eq!(report.recipients[0].reply_code.as_deref(), Some("550"));
//! // Never a panic, whatever the bytes:
//! assert!(rebound_parse::parse(b"\xff\x00garbage").recipients.is_empty());
//! ```
//!
//! - [`facts`] fills what a format left open in a uniform way (status from the response text,
//!   reply code, the response from the human-readable part) so every format module stays small.

pub mod facts;
pub mod formats;
pub mod header;
pub mod mail;
pub mod mbox;
pub mod mime;
mod notice;
pub mod reply;
mod report;
pub mod scan;
pub mod text;

pub use report::{Action, Flag, Recipient, Report, ReportKind};

/// Reads one message. Never panics; see the crate documentation.
pub fn parse(bytes: &[u8]) -> Report {
    let mail = mail::Mail::read(bytes);
    let mut report = formats::read(&mail);
    report.flags.extend(mail.flags.iter().cloned());
    if report.kind == ReportKind::Delivery {
        facts::complete(&mut report, &mail);
    }
    facts::original(&mut report, &mail);
    report
}
