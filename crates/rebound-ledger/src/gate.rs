//! The send-time gate: who may receive marketing email, answered from memory.
//!
//! The gate mirrors the derived suppression tables (it is rebuilt from them at start and
//! updated after every committed change), so `POST /check` never touches the database.

use std::collections::HashMap;

use rebound_classify::Reason;
use serde::Serialize;

use crate::address;
use crate::time::Timestamp;

/// Which list blocks an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// This account's own suppression.
    Account,
    /// The global list, shared by all accounts.
    Global,
}

impl Scope {
    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Account => "account",
            Scope::Global => "global",
        }
    }
}

/// Why an address is blocked: a bounce reason, or the contact reported spam (which
/// unsubscribes it, SPEC §2).
pub const SPAM_REPORT: &str = "spam_report";

/// An account's block on one address.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AccountBlock {
    /// A hard bounce's reason and, if time-limited, its end.
    pub bounce: Option<(Reason, Option<Timestamp>)>,
    /// The contact complained.
    pub complained: bool,
}

/// The answer for one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// May marketing email go to it?
    pub eligible: bool,
    /// Which list blocks it.
    pub scope: Option<Scope>,
    /// Why (a reason name, or [`SPAM_REPORT`]).
    pub reason: Option<&'static str>,
}

impl Decision {
    const ELIGIBLE: Decision = Decision {
        eligible: true,
        scope: None,
        reason: None,
    };

    fn blocked(scope: Scope, reason: &'static str) -> Decision {
        Decision {
            eligible: false,
            scope: Some(scope),
            reason: Some(reason),
        }
    }
}

/// The one rule for eligibility: the account's own hard bounce first (unless its time-limited
/// suppression ran out), then the global list, then a complaint.
pub fn decide(account: Option<&AccountBlock>, global: Option<Reason>, now: Timestamp) -> Decision {
    if let Some(AccountBlock {
        bounce: Some((reason, until)),
        ..
    }) = account
        && until.is_none_or(|u| now < u)
    {
        return Decision::blocked(Scope::Account, reason.as_str());
    }
    if let Some(reason) = global {
        return Decision::blocked(Scope::Global, reason.as_str());
    }
    if account.is_some_and(|a| a.complained) {
        return Decision::blocked(Scope::Account, SPAM_REPORT);
    }
    Decision::ELIGIBLE
}

/// Suppressions in memory, keyed by canonical address.
#[derive(Debug, Default)]
pub struct Gate {
    accounts: HashMap<i64, HashMap<Box<str>, AccountBlock>>,
    global: HashMap<Box<str>, Reason>,
}

impl Gate {
    /// Sets (or, with the default block, clears) an account's block on an address.
    pub fn set_account(&mut self, account: i64, address: &str, block: AccountBlock) {
        let map = self.accounts.entry(account).or_default();
        if block == AccountBlock::default() {
            map.remove(address);
        } else {
            map.insert(address.into(), block);
        }
    }

    /// Sets or clears a global bounce.
    pub fn set_global(&mut self, address: &str, reason: Option<Reason>) {
        match reason {
            Some(r) => {
                self.global.insert(address.into(), r);
            }
            None => {
                self.global.remove(address);
            }
        }
    }

    /// The decision for `address` (any capitalisation) in `account` at `now`; `None` if the
    /// text is not an address.
    pub fn check(
        &self,
        account: i64,
        address: &str,
        now: Timestamp,
    ) -> Result<Decision, &'static str> {
        let key = address::normalize(address)?;
        let block = self
            .accounts
            .get(&account)
            .and_then(|m| m.get(key.as_ref()));
        Ok(decide(block, self.global.get(key.as_ref()).copied(), now))
    }

    /// Number of account-scope blocks and global bounces held.
    pub fn len(&self) -> (usize, usize) {
        (
            self.accounts.values().map(HashMap::len).sum(),
            self.global.len(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_bounce_then_global_then_complaint() {
        let mut g = Gate::default();
        let now = Timestamp(100);
        g.set_global("a@example.org", Some(Reason::UnknownUser));
        let d = g.check(1, "A@Example.org", now).unwrap();
        assert_eq!(
            (d.eligible, d.scope, d.reason),
            (false, Some(Scope::Global), Some("unknown_user"))
        );
        g.set_account(
            1,
            "a@example.org",
            AccountBlock {
                bounce: Some((Reason::Spam, None)),
                complained: true,
            },
        );
        assert_eq!(
            g.check(1, "a@example.org", now).unwrap().scope,
            Some(Scope::Account)
        );
        assert_eq!(
            g.check(2, "b@example.org", now).unwrap(),
            Decision::ELIGIBLE
        );
        assert!(g.check(1, "not an address", now).is_err());
    }

    #[test]
    fn time_limited_bounce_ends() {
        let block = AccountBlock {
            bounce: Some((Reason::Spam, Some(Timestamp(50)))),
            complained: false,
        };
        assert!(!decide(Some(&block), None, Timestamp(49)).eligible);
        assert!(decide(Some(&block), None, Timestamp(50)).eligible);
    }
}
