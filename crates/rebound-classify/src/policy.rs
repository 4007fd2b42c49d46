//! The policy table: cause + permanence → bounce type and reason (SPEC §3, POLICY.md).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Cause, Permanence};

/// The bounce type (SPEC §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BounceType {
    /// Permanent: suppresses marketing email in the account.
    Hard,
    /// Temporary: the contact stays eligible.
    Soft,
    /// Still being retried.
    Pending,
    /// Not a bounce (delivered, auto-reply).
    None,
    /// A spam complaint.
    Complaint,
}

impl BounceType {
    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            BounceType::Hard => "hard",
            BounceType::Soft => "soft",
            BounceType::Pending => "pending",
            BounceType::None => "none",
            BounceType::Complaint => "complaint",
        }
    }
}

/// The reason shown to people (SPEC §3), in snake_case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// No such mailbox or domain.
    UnknownUser,
    /// Over quota, an abandoned inbox.
    MailboxFull,
    /// Content, virus, attachment or size.
    Content,
    /// Spam, blocklist, reputation.
    Spam,
    /// A recipient-side security policy.
    Policy,
    /// Too unspecific to categorise.
    Other,
    /// The recipient's server is temporarily unavailable.
    RecipientUnavailable,
    /// A temporary rejection by a filter.
    SecurityFilter,
    /// The sender's own SPF/DKIM/DMARC failed.
    SenderNotAuthorized,
    /// A temporary technical problem.
    TemporaryFailure,
}

impl Reason {
    /// Every reason.
    pub const ALL: &'static [Reason] = &[
        Reason::UnknownUser,
        Reason::MailboxFull,
        Reason::Content,
        Reason::Spam,
        Reason::Policy,
        Reason::Other,
        Reason::RecipientUnavailable,
        Reason::SecurityFilter,
        Reason::SenderNotAuthorized,
        Reason::TemporaryFailure,
    ];

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::UnknownUser => "unknown_user",
            Reason::MailboxFull => "mailbox_full",
            Reason::Content => "content",
            Reason::Spam => "spam",
            Reason::Policy => "policy",
            Reason::Other => "other",
            Reason::RecipientUnavailable => "recipient_unavailable",
            Reason::SecurityFilter => "security_filter",
            Reason::SenderNotAuthorized => "sender_not_authorized",
            Reason::TemporaryFailure => "temporary_failure",
        }
    }

    /// Reads a snake_case name.
    pub fn parse(name: &str) -> Option<Reason> {
        Reason::ALL.iter().copied().find(|r| r.as_str() == name)
    }

    /// Permanent reasons count toward a global bounce (SPEC §2).
    pub fn is_permanent(self) -> bool {
        matches!(self, Reason::UnknownUser | Reason::MailboxFull)
    }
}

/// The outcome for one recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// Fine-grained cause.
    pub cause: Cause,
    /// Bounce type.
    #[serde(rename = "type")]
    pub bounce_type: BounceType,
    /// Reason; `None` for type none and complaint.
    pub reason: Option<Reason>,
    /// For a hard bounce under a time-limited policy: days it suppresses; `None` = until
    /// unbounced.
    pub suppress_days: Option<u32>,
}

/// A type and reason pair, written "type/reason" in the policy file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// Bounce type.
    pub bounce_type: BounceType,
    /// Reason.
    pub reason: Reason,
}

impl<'de> Deserialize<'de> for Outcome {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_outcome(&s).map_err(serde::de::Error::custom)
    }
}

fn parse_outcome(s: &str) -> Result<Outcome, String> {
    let (t, r) = s
        .split_once('/')
        .ok_or_else(|| format!("expected \"type/reason\", got {s:?}"))?;
    let bounce_type = match t.trim() {
        "hard" => BounceType::Hard,
        "soft" => BounceType::Soft,
        "pending" => BounceType::Pending,
        other => {
            return Err(format!(
                "unknown bounce type {other:?} (hard, soft or pending)"
            ));
        }
    };
    let reason = Reason::parse(r.trim()).ok_or_else(|| format!("unknown reason {:?}", r.trim()))?;
    Ok(Outcome {
        bounce_type,
        reason,
    })
}

/// One cause's row.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Row {
    /// Outcome when the report gave up with a 5xx code.
    #[serde(rename = "final")]
    pub final_: Outcome,
    /// Outcome while delivery is still retried.
    pub trying: Outcome,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    causes: BTreeMap<String, Row>,
    #[serde(default)]
    suppress_days: BTreeMap<String, u32>,
}

/// Errors reading a policy file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The TOML is malformed or has a bad value.
    #[error("policy file: {0}")]
    Toml(#[from] toml::de::Error),
    /// A cause name is not in the vocabulary.
    #[error("policy file: unknown cause {0:?}")]
    UnknownCause(String),
    /// A reason name is not in the vocabulary.
    #[error("policy file: unknown reason {0:?} in [suppress_days]")]
    UnknownReason(String),
    /// A fixed cause cannot be remapped.
    #[error(
        "policy file: cause {0:?} is fixed (delivered/vacation are none, feedback a complaint)"
    )]
    FixedCause(String),
}

/// A policy: a row per cause and the suppression length per reason.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Name of the profile ("default", "time-limited", or the file's `name`).
    pub name: String,
    rows: BTreeMap<Cause, Row>,
    suppress_days: BTreeMap<Reason, u32>,
}

/// The default policy file, shipped in the binary.
pub const DEFAULT_TOML: &str = include_str!("../policy/default.toml");
/// The documented "time-limited" profile.
pub const TIME_LIMITED_TOML: &str = include_str!("../policy/time-limited.toml");

impl Default for Policy {
    fn default() -> Self {
        Policy::from_toml(DEFAULT_TOML).expect("the shipped default policy is valid")
    }
}

impl Policy {
    /// The "time-limited" profile (SPEC §3).
    pub fn time_limited() -> Policy {
        Policy::default()
            .overlay(TIME_LIMITED_TOML)
            .expect("the shipped profile is valid")
    }

    /// Reads a complete policy from TOML text.
    pub fn from_toml(text: &str) -> Result<Policy, PolicyError> {
        let empty = Policy {
            name: String::new(),
            rows: BTreeMap::new(),
            suppress_days: BTreeMap::new(),
        };
        empty.overlay(text)
    }

    /// This policy with the rows and suppression lengths of `text` replacing its own.
    pub fn overlay(mut self, text: &str) -> Result<Policy, PolicyError> {
        let file: PolicyFile = toml::from_str(text)?;
        if let Some(n) = file.name {
            self.name = n;
        }
        for (name, row) in file.causes {
            let cause =
                Cause::parse(&name).ok_or_else(|| PolicyError::UnknownCause(name.clone()))?;
            if matches!(cause, Cause::Delivered | Cause::Vacation | Cause::Feedback) {
                return Err(PolicyError::FixedCause(name));
            }
            self.rows.insert(cause, row);
        }
        for (name, days) in file.suppress_days {
            let reason = Reason::parse(&name).ok_or(PolicyError::UnknownReason(name))?;
            self.suppress_days.insert(reason, days);
        }
        Ok(self)
    }

    /// The row of a cause (causes without one are treated like `undefined`, then hard/other).
    pub fn row(&self, cause: Cause) -> Row {
        self.rows
            .get(&cause)
            .or_else(|| self.rows.get(&Cause::Undefined))
            .copied()
            .unwrap_or(Row {
                final_: Outcome {
                    bounce_type: BounceType::Hard,
                    reason: Reason::Other,
                },
                trying: Outcome {
                    bounce_type: BounceType::Pending,
                    reason: Reason::TemporaryFailure,
                },
            })
    }

    /// Days a hard bounce of `reason` suppresses; `None` = until unbounced.
    pub fn suppress_days(&self, reason: Reason) -> Option<u32> {
        self.suppress_days.get(&reason).copied()
    }

    /// The verdict for a cause. `last_failure` is, for an expired message, the cause of the
    /// last temporary failure when the report says it.
    pub fn verdict(
        &self,
        cause: Cause,
        permanence: Permanence,
        last_failure: Option<Cause>,
    ) -> Verdict {
        let fixed = |bounce_type| Verdict {
            cause,
            bounce_type,
            reason: None,
            suppress_days: None,
        };
        let outcome = match cause {
            Cause::Delivered | Cause::Vacation => return fixed(BounceType::None),
            Cause::Feedback => return fixed(BounceType::Complaint),
            // An expiry is final even when worded as a delay (SPEC §3).
            Cause::Expired => Outcome {
                bounce_type: BounceType::Soft,
                reason: last_failure
                    .filter(|c| *c != Cause::Expired)
                    .map(|c| self.row(c).trying.reason)
                    .unwrap_or(Reason::TemporaryFailure),
            },
            _ => {
                let row = self.row(cause);
                match permanence {
                    Permanence::FinalPermanent => row.final_,
                    Permanence::StillTrying => row.trying,
                    Permanence::FinalTemporary => Outcome {
                        bounce_type: BounceType::Soft,
                        reason: row.trying.reason,
                    },
                }
            }
        };
        let suppress_days = match outcome.bounce_type {
            BounceType::Hard => self.suppress_days(outcome.reason),
            _ => None,
        };
        Verdict {
            cause,
            bounce_type: outcome.bounce_type,
            reason: Some(outcome.reason),
            suppress_days,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_policy_covers_every_mappable_cause() {
        let p = Policy::default();
        for c in Cause::ALL {
            if !matches!(c, Cause::Delivered | Cause::Vacation | Cause::Feedback) {
                assert!(p.rows.contains_key(c), "no row for {c}");
            }
        }
    }

    #[test]
    fn seed_rules_hold() {
        let p = Policy::default();
        let v = p.verdict(Cause::UserUnknown, Permanence::FinalPermanent, None);
        assert_eq!(
            (v.bounce_type, v.reason),
            (BounceType::Hard, Some(Reason::UnknownUser))
        );
        let v = p.verdict(Cause::AuthFailure, Permanence::FinalPermanent, None);
        assert_eq!(
            (v.bounce_type, v.reason),
            (BounceType::Soft, Some(Reason::SenderNotAuthorized))
        );
        let v = p.verdict(Cause::Blocked, Permanence::StillTrying, None);
        assert_eq!(
            (v.bounce_type, v.reason),
            (BounceType::Pending, Some(Reason::SecurityFilter))
        );
        let v = p.verdict(
            Cause::Expired,
            Permanence::StillTrying,
            Some(Cause::Blocked),
        );
        assert_eq!(
            (v.bounce_type, v.reason),
            (BounceType::Soft, Some(Reason::SecurityFilter))
        );
        let v = p.verdict(Cause::Expired, Permanence::FinalTemporary, None);
        assert_eq!(v.reason, Some(Reason::TemporaryFailure));
        let v = p.verdict(Cause::Feedback, Permanence::FinalPermanent, None);
        assert_eq!((v.bounce_type, v.reason), (BounceType::Complaint, None));
        assert_eq!(v.suppress_days, None);
    }

    #[test]
    fn time_limited_profile_limits_content_spam_policy_other() {
        let p = Policy::time_limited();
        assert_eq!(p.name, "time-limited");
        let v = p.verdict(Cause::SpamDetected, Permanence::FinalPermanent, None);
        assert_eq!(
            (v.bounce_type, v.suppress_days),
            (BounceType::Hard, Some(30))
        );
        let v = p.verdict(Cause::UserUnknown, Permanence::FinalPermanent, None);
        assert_eq!(v.suppress_days, None);
    }

    #[test]
    fn bad_files_are_clear_errors() {
        let e = Policy::default()
            .overlay("[causes]\nnosuch = { final = \"hard/other\", trying = \"pending/other\" }")
            .unwrap_err();
        assert!(e.to_string().contains("nosuch"));
        let e = Policy::default()
            .overlay(
                "[causes]\nspamdetected = { final = \"hard/nope\", trying = \"pending/other\" }",
            )
            .unwrap_err();
        assert!(e.to_string().contains("nope"), "{e}");
        let e = Policy::default()
            .overlay("[causes]\nfeedback = { final = \"hard/other\", trying = \"pending/other\" }")
            .unwrap_err();
        assert!(matches!(e, PolicyError::FixedCause(_)));
        let p = Policy::default().overlay("[causes]\nspamdetected = { final = \"soft/security_filter\", trying = \"pending/security_filter\" }").unwrap();
        let v = p.verdict(Cause::SpamDetected, Permanence::FinalPermanent, None);
        assert_eq!(v.bounce_type, BounceType::Soft);
    }
}
