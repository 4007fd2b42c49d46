//! Rules of mailbox providers whose replies carry their own error codes, keyed on the provider
//! (recognised from `Remote-MTA` or from its host names in the reply). A provider's code says
//! more than the generic wording around it, so these rules run before the phrase tables.

mod cox;
mod exchange2003;
mod facebook;
mod godaddy;
mod kddi;
mod laposte;
mod microsoft;
mod mimecast;
mod orange;
mod providers;
mod spectrum;
mod tencent;
mod verizon;
mod yahoo;

use rebound_parse::Recipient;

use crate::Cause;

/// One provider: how to recognise it, and its codes or fixed phrases with the cause each means.
pub struct Provider {
    /// Short name, for documentation and tests.
    pub name: &'static str,
    /// Lower-case fragments of its host names or code prefixes; one in the remote MTA or the
    /// reply identifies the provider.
    pub markers: &'static [&'static str],
    /// Lower-case codes or phrases of its replies, each with its cause; the first found wins.
    pub rules: &'static [(&'static str, Cause)],
}

/// The cause a provider rule assigns, if one applies.
pub fn cause(r: &Recipient) -> Option<Cause> {
    let diagnostic = r.diagnostic.to_ascii_lowercase();
    let mta = r.remote_mta.as_deref().unwrap_or("").to_ascii_lowercase();
    let domain = r
        .address
        .rsplit('@')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    providers::PROVIDERS
        .iter()
        .filter(|p| {
            p.markers
                .iter()
                .any(|m| mta.contains(m) || diagnostic.contains(m) || domain.contains(m))
        })
        .find_map(|p| {
            p.rules
                .iter()
                .find(|(code, _)| diagnostic.contains(code))
                .map(|(_, c)| *c)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rcpt(diagnostic: &str, mta: Option<&str>) -> Recipient {
        Recipient {
            diagnostic: diagnostic.into(),
            remote_mta: mta.map(str::to_string),
            ..Recipient::default()
        }
    }

    #[test]
    fn provider_codes_decide() {
        let r = rcpt(
            "550 5.5.0 The recipient account is blocked. LPN007_426",
            None,
        );
        assert_eq!(cause(&r), Some(Cause::Suspend));
        let r = rcpt("550 Connection frequency limited [xyz]", Some("mx3.qq.com"));
        assert_eq!(cause(&r), Some(Cause::TooManyConn));
    }

    #[test]
    fn codes_without_their_provider_do_not_count() {
        let r = rcpt("550 Connection frequency limited", Some("mx.example.net"));
        assert_eq!(cause(&r), None);
    }

    #[test]
    fn rule_tables_are_lower_case() {
        for p in providers::PROVIDERS {
            for m in p.markers {
                assert_eq!(*m, m.to_ascii_lowercase(), "{}", p.name);
            }
            for (code, _) in p.rules {
                assert_eq!(*code, code.to_ascii_lowercase(), "{}", p.name);
            }
        }
    }
}
