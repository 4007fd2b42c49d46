//! Non-standard report formats of particular MTAs and providers, one module each
//! (`lhost/<mta>.rs`). Each module's `read` returns `None` unless the message is in its format;
//! detection should be cheap (header fields first) because every message passes by. A module
//! that needs a fixed sentence in the text declares it as a marker (see [`super::Format`]):
//! it is then only tried on messages where one of its markers occurs.

pub mod amazonses;
pub mod apachejames;
pub mod biglobe;
pub mod domino;
pub mod dragonfly;
pub mod einsundeins;
pub mod exim;
pub mod ezweb;
pub mod fml;
pub mod gmail;
pub mod googlegroups;
pub mod googleworkspace;
pub mod imailserver;
pub mod interscanmss;
pub mod json;
pub mod kddi;
pub mod mailfoundry;
pub mod mailmarshal;
pub mod messagingserver;
pub mod notes;
pub mod postfix;
pub mod qmail;
pub mod v5sendmail;
pub mod verizon;
pub mod x3;
pub mod x6;

use super::{Format, Reader};
use crate::Recipient;
use crate::mail::Mail;
use crate::report::ReportKind;

/// Vendor formats, tried in this order before the generic RFC 3464 reader.
pub static FORMATS: &[Format] = &[
    delivery("lhost/dragonfly", dragonfly::read),
    marked(
        "lhost/einsundeins",
        &[einsundeins::OPENING],
        einsundeins::read,
    ),
    marked_capped("lhost/exim", exim::OPENINGS, Reader::Capped(exim::read)),
    delivery("lhost/googlegroups", googlegroups::read),
    delivery("lhost/gmail", gmail::read),
    delivery("lhost/googleworkspace", googleworkspace::read),
    marked("lhost/qmail", qmail::OPENINGS, qmail::read),
    marked("lhost/x3", &[x3::OPENING], x3::read),
    delivery("lhost/v5sendmail", v5sendmail::read),
    delivery("lhost/imailserver", imailserver::read),
    marked("lhost/kddi", kddi::STARTS, kddi::read),
    delivery("lhost/amazonses", amazonses::read),
    amazonses::COMPLAINT,
    marked(
        "lhost/interscanmss",
        &[interscanmss::BANNER],
        interscanmss::read,
    ),
    marked("lhost/x6", &[x6::OPENING], x6::read),
    marked(
        "lhost/apachejames",
        &[apachejames::ERROR_BELOW],
        apachejames::read,
    ),
    delivery("lhost/fml", fml::read),
    marked(
        "lhost/mailfoundry",
        &[mailfoundry::OPENING],
        mailfoundry::read,
    ),
    marked("lhost/biglobe", &[biglobe::ADDRESSES], biglobe::read),
    marked("lhost/verizon", &[verizon::OPENING], verizon::read),
    marked("lhost/postfix", &[postfix::UNAVAILABLE], postfix::read),
    marked("lhost/domino", &[domino::NOT_DELIVERED], domino::read),
    marked("lhost/notes", &[notes::REASONS], notes::read),
    marked(
        "lhost/mailmarshal",
        &[mailmarshal::BECAUSE],
        mailmarshal::read,
    ),
    delivery_capped("lhost/ezweb", Reader::Capped(ezweb::read)),
    marked_capped(
        "lhost/messagingserver",
        &[messagingserver::OPENING],
        Reader::Capped(messagingserver::read),
    ),
];

/// A delivery-report format tried on every message (it detects itself by header fields).
const fn delivery(name: &'static str, read: fn(&Mail) -> Option<Vec<Recipient>>) -> Format {
    delivery_capped(name, Reader::All(read))
}

/// [`delivery`] for a reader that caps its recipients itself.
const fn delivery_capped(name: &'static str, read: Reader) -> Format {
    Format {
        name,
        kind: ReportKind::Delivery,
        markers: &[],
        read,
    }
}

/// A delivery-report format tried only when one of `markers` occurs in the text.
const fn marked(
    name: &'static str,
    markers: &'static [&'static str],
    read: fn(&Mail) -> Option<Vec<Recipient>>,
) -> Format {
    marked_capped(name, markers, Reader::All(read))
}

/// [`marked`] for a reader that caps its recipients itself.
const fn marked_capped(
    name: &'static str,
    markers: &'static [&'static str],
    read: Reader,
) -> Format {
    Format {
        name,
        kind: ReportKind::Delivery,
        markers,
        read,
    }
}
