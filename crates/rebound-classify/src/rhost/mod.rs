//! Rules of mailbox providers whose replies carry their own error codes, keyed on the provider
//! (recognised from `Remote-MTA` or from its host names in the reply). A provider's code says
//! more than the generic wording around it, so these rules run before the phrase tables.

mod aol;
mod cox;
mod exchange2003;
mod facebook;
mod godaddy;
mod kddi;
mod laposte;
mod messagelabs;
mod microsoft;
mod mimecast;
mod nttdocomo;
mod orange;
mod providers;
mod spectrum;
mod tencent;
mod verizon;
mod yahoo;
mod zoho;

use std::sync::LazyLock;

use rebound_parse::{Recipient, text};

use crate::Cause;

/// Where a provider's markers are looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The remote MTA, the reporting MTA, the reply text and the recipient's domain.
    Anywhere,
    /// The remote MTA and the reporting MTA only: rules that hold for what the provider's own
    /// servers say, not for the same words quoted or relayed by another system.
    Hosts,
}

/// One provider: how to recognise it, and its codes or fixed phrases with the cause each means.
pub struct Provider {
    /// Short name, for documentation and tests.
    pub name: &'static str,
    /// Lower-case fragments of its host names or code prefixes; one found in the places `scope`
    /// names identifies the provider.
    pub markers: &'static [&'static str],
    /// Where the markers are looked for.
    pub scope: Scope,
    /// Lower-case codes or phrases of its replies, each with its cause; the first found wins.
    pub rules: &'static [(&'static str, Cause)],
    /// Rules that need more than the wording (the status code, the SMTP command); tried before
    /// `rules`.
    pub decide: Option<fn(&Recipient, &str) -> Option<Cause>>,
}

impl Provider {
    /// A provider with no markers and no rules, to fill in the fields a module leaves out.
    pub const BASE: Provider = Provider {
        name: "",
        markers: &[],
        scope: Scope::Anywhere,
        rules: &[],
        decide: None,
    };
}

/// The cause a provider rule assigns, if one applies.
pub fn cause(r: &Recipient) -> Option<Cause> {
    let domain = r.address.rsplit('@').next().unwrap_or("");
    let hosts = providers_in(r.remote_mta.as_deref().unwrap_or(""))
        | providers_in(r.reporting_mta.as_deref().unwrap_or(""));
    let text = providers_in(&r.diagnostic) | providers_in(domain);
    if hosts | text == 0 {
        return None;
    }
    let diagnostic = r.diagnostic.to_ascii_lowercase();
    providers::PROVIDERS
        .iter()
        .enumerate()
        .filter(|(i, p)| {
            let bit = 1u64 << i;
            hosts & bit != 0 || (p.scope == Scope::Anywhere && text & bit != 0)
        })
        .find_map(|(_, p)| {
            p.decide.and_then(|f| f(r, &diagnostic)).or_else(|| {
                p.rules
                    .iter()
                    .find(|(code, _)| diagnostic.contains(code))
                    .map(|(_, c)| *c)
            })
        })
}

/// The providers with a marker in `haystack` (ASCII case-insensitively; markers are lower case),
/// as a bit set over [`providers::PROVIDERS`]: one pass over the text for all markers.
fn providers_in(haystack: &str) -> u64 {
    static MARKERS: LazyLock<(text::PhraseSet, Vec<usize>)> = LazyLock::new(|| {
        let (markers, owners): (Vec<&str>, Vec<usize>) = providers::PROVIDERS
            .iter()
            .enumerate()
            .flat_map(|(i, p)| p.markers.iter().map(move |m| (*m, i)))
            .unzip();
        (text::PhraseSet::new(markers), owners)
    });
    let (phrases, owners) = &*MARKERS;
    let mut set = 0;
    phrases.each_match(haystack, |pattern, _| {
        set |= owners.get(pattern).map_or(0, |i| 1u64 << i);
    });
    set
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
    fn providers_fit_the_bit_set() {
        assert!(providers::PROVIDERS.len() <= 64);
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
    fn host_only_rules_need_the_providers_own_host() {
        let tss = "421 4.7.0 [TSS04] Messages from 198.51.100.7 temporarily deferred due to \
                   unexpected volume or user complaints";
        let r = rcpt(tss, Some("mx-b.am1.yahoodns.net"));
        assert_eq!(cause(&r), Some(Cause::Rejected));
        // The same words quoted without Yahoo's MX as the remote host keep the general rule.
        let r = Recipient {
            address: "bo@yahoo.com".into(),
            ..rcpt(tss, Some("relay.sender.test"))
        };
        assert_eq!(cause(&r), Some(Cause::BadReputation));
        // A host-only provider is also recognised by the reporting MTA, not by the text.
        let dns = "Name service error for name=gone.test type=MX: Malformed or unexpected name \
                   server reply";
        let r = Recipient {
            reporting_mta: Some("omr-b02.mx.aol.com".into()),
            ..rcpt(dns, None)
        };
        assert_eq!(cause(&r), Some(Cause::NotAccept));
        assert_eq!(cause(&rcpt(dns, None)), None);
        let r = rcpt("542 bo@rcpt.test Rejected see mx.messagelabs.com", None);
        assert_eq!(cause(&r), None);
    }

    #[test]
    fn messagelabs_notices() {
        let r = Recipient {
            reporting_mta: Some("server-7.bemta-3.messagelabs.com".into()),
            ..rcpt("542 bo@rcpt.test Rejected", None)
        };
        assert_eq!(cause(&r), Some(Cause::UserUnknown));
        let r = rcpt(
            "550 bo@rcpt.test... No such user",
            Some("cluster9.eu.messagelabs.com"),
        );
        assert_eq!(cause(&r), Some(Cause::UserUnknown));
        let r = rcpt("421 Service busy", Some("cluster9.eu.messagelabs.com"));
        assert_eq!(cause(&r), None);
    }

    #[test]
    fn docomo_unknown_user_depends_on_the_stage() {
        let at = |status: &str, command: &str| Recipient {
            status: Some(status.into()),
            command: Some(command.into()),
            ..rcpt(
                "550 Unknown user bo@docomo.ne.jp",
                Some("mfsmax.docomo.ne.jp"),
            )
        };
        assert_eq!(cause(&at("5.0.0", "DATA")), Some(Cause::Rejected));
        assert_eq!(cause(&at("5.0.0", "RCPT")), Some(Cause::UserUnknown));
        assert_eq!(cause(&at("5.2.0", "DATA")), Some(Cause::Filtered));
        assert_eq!(cause(&at("5.1.1", "DATA")), Some(Cause::UserUnknown));
        // Another host saying so is not DOCOMO.
        let r = Recipient {
            remote_mta: Some("mx.rcpt.test".into()),
            ..at("5.0.0", "DATA")
        };
        assert_eq!(cause(&r), None);
    }

    #[test]
    fn mimecast_security_policy_signature() {
        let r = rcpt(
            "554 email rejected due to security policies - MCSpamSignature.xy.1.1",
            Some("eu-smtp-inbound-2.mimecast.com"),
        );
        assert_eq!(cause(&r), Some(Cause::VirusDetected));
    }

    #[test]
    fn zoho_unreachable_host_is_expiry() {
        let r = rcpt(
            "bo@rcpt.test Error, ERROR_CODE :421, ERROR_CODE :, Host not reachable.",
            None,
        );
        assert_eq!(cause(&r), Some(Cause::Expired));
        assert_eq!(cause(&rcpt("421 Host not reachable", None)), None);
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
