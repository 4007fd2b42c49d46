//! BIGLOBE (NEC's ISP, `postmaster@biglobe.ne.jp`) notices.
//!
//! ```text
//!    ----- The following addresses had delivery problems -----
//! address
//!    ----- Non-delivered information -----
//! The number of messages in recipient's mailbox exceeded the local limit.
//! ```

use crate::mail::Mail;
use crate::report::Recipient;
use crate::text;

pub(super) const ADDRESSES: &str = "----- The following addresses had delivery problems -----";
const INFORMATION: &str = "----- Non-delivered information -----";

/// Reads a BIGLOBE notice.
pub fn read(mail: &Mail) -> Option<Vec<Recipient>> {
    let body = mail.text.as_str();
    let a = body.find(ADDRESSES)?;
    let i = body.get(a..)?.find(INFORMATION)? + a;
    let info: Vec<&str> = body
        .get(i + INFORMATION.len()..)?
        .lines()
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty() && !l.starts_with("--"))
        .collect();
    let diagnostic = text::squeeze(&info.join(" "));
    Some(
        text::addresses(body.get(a + ADDRESSES.len()..i)?)
            .map(|addr| Recipient {
                address: addr.to_string(),
                diagnostic: diagnostic.clone(),
                ..Recipient::default()
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use crate::parse;

    #[test]
    fn reads_addresses_and_information() {
        let m = "From: postmaster@isp.test\nSubject: Returned mail: Service unavailable\nContent-Type: text/plain\n\n   ----- The following addresses had delivery problems -----\nbob@rcpt.test\n\n   ----- Non-delivered information -----\nThe number of messages in recipient's mailbox exceeded the local limit.\n";
        let r = parse(m.as_bytes());
        assert_eq!(r.engine, "lhost/biglobe");
        assert_eq!(r.recipients[0].address, "bob@rcpt.test");
        assert!(r.recipients[0].diagnostic.contains("mailbox exceeded"));
    }
}
