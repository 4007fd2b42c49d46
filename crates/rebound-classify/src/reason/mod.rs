//! One module per cause, each a table of the response phrases that mean it; this module joins
//! them into one Aho-Corasick automaton so a response is scanned once for every cause.

use std::sync::LazyLock;

use rebound_parse::text;

use crate::Cause;

pub mod authfailure;
pub mod badreputation;
pub mod blocked;
pub mod contenterror;
pub mod delivered;
pub mod exceedlimit;
pub mod expired;
pub mod failedstarttls;
pub mod feedback;
pub mod filtered;
pub mod greylisting;
pub mod hasmoved;
pub mod hostunknown;
pub mod mailboxfull;
pub mod mailererror;
pub mod mesgtoobig;
pub mod networkerror;
pub mod norelaying;
pub mod notaccept;
pub mod notcompliantrfc;
pub mod onhold;
pub mod policyviolation;
pub mod rejected;
pub mod requireptr;
pub mod securityerror;
pub mod spamdetected;
pub mod speeding;
pub mod suppressed;
pub mod suspend;
pub mod syntaxerror;
pub mod systemerror;
pub mod systemfull;
pub mod toomanyconn;
pub mod undefined;
pub mod userunknown;
pub mod vacation;
pub mod virusdetected;

/// Every cause with its phrase table.
pub static TABLES: &[(Cause, &[&str])] = &[
    (Cause::AuthFailure, authfailure::PHRASES),
    (Cause::BadReputation, badreputation::PHRASES),
    (Cause::Blocked, blocked::PHRASES),
    (Cause::ContentError, contenterror::PHRASES),
    (Cause::Delivered, delivered::PHRASES),
    (Cause::ExceedLimit, exceedlimit::PHRASES),
    (Cause::Expired, expired::PHRASES),
    (Cause::FailedStartTls, failedstarttls::PHRASES),
    (Cause::Feedback, feedback::PHRASES),
    (Cause::Filtered, filtered::PHRASES),
    (Cause::HasMoved, hasmoved::PHRASES),
    (Cause::HostUnknown, hostunknown::PHRASES),
    (Cause::MailboxFull, mailboxfull::PHRASES),
    (Cause::MailerError, mailererror::PHRASES),
    (Cause::MesgTooBig, mesgtoobig::PHRASES),
    (Cause::NetworkError, networkerror::PHRASES),
    (Cause::NoRelaying, norelaying::PHRASES),
    (Cause::NotAccept, notaccept::PHRASES),
    (Cause::NotCompliantRfc, notcompliantrfc::PHRASES),
    (Cause::OnHold, onhold::PHRASES),
    (Cause::PolicyViolation, policyviolation::PHRASES),
    (Cause::Rejected, rejected::PHRASES),
    (Cause::RequirePtr, requireptr::PHRASES),
    (Cause::SecurityError, securityerror::PHRASES),
    (Cause::SpamDetected, spamdetected::PHRASES),
    (Cause::Speeding, speeding::PHRASES),
    (Cause::Suppressed, suppressed::PHRASES),
    (Cause::Suspend, suspend::PHRASES),
    (Cause::SyntaxError, syntaxerror::PHRASES),
    (Cause::SystemError, systemerror::PHRASES),
    (Cause::SystemFull, systemfull::PHRASES),
    (Cause::TooManyConn, toomanyconn::PHRASES),
    (Cause::Undefined, undefined::PHRASES),
    (Cause::UserUnknown, userunknown::PHRASES),
    (Cause::Vacation, vacation::PHRASES),
    (Cause::VirusDetected, virusdetected::PHRASES),
];

/// The set of causes whose phrases occur in a text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Matches(u64);

impl Matches {
    /// True when a phrase of `cause` occurred.
    pub fn has(self, cause: Cause) -> bool {
        self.0 & bit(cause) != 0
    }

    /// True when nothing matched.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// A set holding only `cause`.
    pub fn only(cause: Cause) -> Matches {
        Matches(bit(cause))
    }

    /// Adds a cause.
    pub fn insert(&mut self, cause: Cause) {
        self.0 |= bit(cause);
    }

    /// Removes a cause.
    pub fn remove(&mut self, cause: Cause) {
        self.0 &= !bit(cause);
    }
}

fn bit(cause: Cause) -> u64 {
    1u64 << (cause as u32)
}

struct Matcher {
    automaton: text::PhraseSet,
    causes: Vec<Cause>,
}

static MATCHER: LazyLock<Matcher> = LazyLock::new(|| {
    let mut phrases = Vec::new();
    let mut causes = Vec::new();
    for (cause, table) in TABLES {
        for p in *table {
            phrases.push(*p);
            causes.push(*cause);
        }
    }
    let automaton = text::PhraseSet::new(&phrases);
    Matcher { automaton, causes }
});

static GREYLISTING: LazyLock<text::PhraseSet> =
    LazyLock::new(|| text::PhraseSet::new(greylisting::PHRASES.iter().chain(expired::STATEMENTS)));

/// What a response says about time: greylisting, or the MTA's own statement that it expired.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timing {
    /// The receiver greylisted the message.
    pub greylisted: bool,
    /// The sending MTA says the delivery time ran out.
    pub expired: bool,
}

/// Looks for greylisting wording and expiry statements in `text`.
pub fn timing(text: &str) -> Timing {
    let mut t = Timing::default();
    GREYLISTING.each_match(text, |pattern, _| {
        if pattern < greylisting::PHRASES.len() {
            t.greylisted = true;
        } else {
            t.expired = true;
        }
    });
    t
}

/// Every cause whose phrases occur in `text` (ASCII case-insensitive).
pub fn scan(text: &str) -> Matches {
    let m = &*MATCHER;
    let mut out = Matches::default();
    m.automaton.each_match(text, |pattern, _| {
        out.insert(m.causes[pattern]);
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cause_fits_the_bit_set() {
        assert!(Cause::ALL.len() <= 64);
    }

    #[test]
    fn phrases_are_lower_case() {
        for (cause, table) in TABLES {
            for p in *table {
                assert_eq!(*p, p.to_ascii_lowercase(), "{cause}: {p}");
            }
        }
    }

    #[test]
    fn scan_finds_several_causes() {
        let m = scan("550 5.2.2 Mailbox FULL; user unknown");
        assert!(m.has(Cause::MailboxFull));
        assert!(m.has(Cause::UserUnknown));
        assert!(!m.has(Cause::SpamDetected));
    }
}
