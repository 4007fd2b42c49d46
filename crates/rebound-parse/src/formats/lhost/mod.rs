//! Non-standard report formats of particular MTAs and providers, one module each
//! (`lhost/<mta>.rs`). Each module's `read` returns `None` unless the message is in its format;
//! detection should be cheap (header fields first) because every message passes by.

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

use super::Format;
use crate::report::ReportKind;

/// Vendor formats, tried in this order before the generic RFC 3464 reader.
pub static FORMATS: &[Format] = &[
    delivery("lhost/dragonfly", dragonfly::read),
    delivery("lhost/einsundeins", einsundeins::read),
    delivery("lhost/exim", exim::read),
    delivery("lhost/googlegroups", googlegroups::read),
    delivery("lhost/gmail", gmail::read),
    delivery("lhost/googleworkspace", googleworkspace::read),
    delivery("lhost/qmail", qmail::read),
    delivery("lhost/x3", x3::read),
    delivery("lhost/v5sendmail", v5sendmail::read),
    delivery("lhost/imailserver", imailserver::read),
    delivery("lhost/kddi", kddi::read),
    delivery("lhost/amazonses", amazonses::read),
    amazonses::COMPLAINT,
    delivery("lhost/interscanmss", interscanmss::read),
    delivery("lhost/x6", x6::read),
    delivery("lhost/apachejames", apachejames::read),
    delivery("lhost/fml", fml::read),
    delivery("lhost/mailfoundry", mailfoundry::read),
    delivery("lhost/biglobe", biglobe::read),
    delivery("lhost/verizon", verizon::read),
    delivery("lhost/postfix", postfix::read),
    delivery("lhost/domino", domino::read),
    delivery("lhost/notes", notes::read),
    delivery("lhost/mailmarshal", mailmarshal::read),
    delivery("lhost/ezweb", ezweb::read),
    delivery("lhost/messagingserver", messagingserver::read),
];

#[allow(dead_code)]
const fn delivery(
    name: &'static str,
    read: fn(&crate::mail::Mail) -> Option<Vec<crate::Recipient>>,
) -> Format {
    Format {
        name,
        kind: ReportKind::Delivery,
        read,
    }
}
