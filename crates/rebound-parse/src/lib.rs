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
//! - [`facts`] fills what a format left open in a uniform way (status from the response text,
//!   reply code, the response from the human-readable part) so every format module stays small.

pub mod facts;
pub mod formats;
pub mod mail;
pub mod mbox;
pub mod mime;
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
