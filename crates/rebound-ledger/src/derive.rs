//! The rules, as pure functions from events to state. Storage calls these after every change
//! to an address, so late events (past `at`) give the same state as timely ones.

use std::collections::BTreeSet;

use rebound_classify::{BounceType, Reason};
use serde::Serialize;

use crate::event::{Event, EventKind, source};
use crate::rules::{GLOBAL_ACCOUNTS, GLOBAL_WINDOW_MS, PENDING_WINDOW_MS};
use crate::time::{DAY, Timestamp};

/// An account-scope suppression from a hard bounce.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BounceSuppression {
    /// The hard bounce's reason.
    pub reason: Reason,
    /// Its fine cause.
    pub cause: Option<String>,
    /// When it bounced.
    pub since: Timestamp,
    /// Under a time-limited policy: when the address is eligible again.
    pub until: Option<Timestamp>,
    /// The bounce event.
    pub event_id: i64,
}

/// A send still being retried after a temporary failure (SPEC §2 pending).
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    /// The send (see [`Event::send_key`]).
    pub send_key: String,
    /// The first temporary failure.
    pub first_at: Timestamp,
    /// When it becomes a soft bounce unless delivered first.
    pub deadline: Timestamp,
    /// The first temporary failure's event: names the expiry it may turn into.
    pub opened_by: i64,
    /// The latest temporary failure: its reason becomes the expiry's reason (SPEC §3).
    pub last: Event,
}

/// The state of one address in one account.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccountState {
    /// The active (or time-limited) hard-bounce suppression.
    pub bounce: Option<BounceSuppression>,
    /// When the address complained (an ARF report): it is unsubscribed.
    pub complaint: Option<Timestamp>,
    /// Open pending windows.
    pub pendings: Vec<Pending>,
    /// Soft bounces the ledger writes for windows that ran out (source `expiry`).
    pub expiries: Vec<Event>,
    /// "Email hard bounce reason": the last hard bounce's reason in this account (SPEC §5).
    pub hard_bounce_reason: Option<Reason>,
}

/// Derives the state of one address in one account from its events (any order; derived
/// expiry events are ignored and recomputed) as of `now`.
pub fn account_state(events: &[Event], now: Timestamp) -> AccountState {
    let mut sorted: Vec<&Event> = events
        .iter()
        .filter(|e| e.source != source::EXPIRY)
        .collect();
    sorted.sort_by_key(|e| (e.at, e.id));
    let mut st = AccountState::default();
    // A time-limited suppression that has run out makes the next one permanent ("once", SPEC §3).
    let mut limited_used = false;
    for e in sorted {
        expire(&mut st, |deadline| deadline < e.at);
        match e.kind {
            EventKind::Pending => match st.pendings.iter_mut().find(|p| p.send_key == e.send_key())
            {
                Some(p) => p.last = e.clone(),
                None => st.pendings.push(Pending {
                    send_key: e.send_key().to_string(),
                    first_at: e.at,
                    deadline: e.at.plus(PENDING_WINDOW_MS),
                    opened_by: e.id,
                    last: e.clone(),
                }),
            },
            // Delivery (or a final bounce) ends the retries of that send; without a send named,
            // of every send to the address.
            EventKind::Delivered | EventKind::Bounce => {
                let key = e.send_key();
                st.pendings
                    .retain(|p| !key.is_empty() && p.send_key != key && !p.send_key.is_empty());
                if e.kind == EventKind::Bounce && e.bounce_type == Some(BounceType::Hard) {
                    hard_bounce(&mut st, e, &mut limited_used);
                }
            }
            EventKind::Complaint => st.complaint = st.complaint.or(Some(e.at)),
            EventKind::Unbounce => {
                st.bounce = None;
                limited_used = false;
            }
            EventKind::Sent | EventKind::AutoReply => {}
        }
    }
    expire(&mut st, |deadline| deadline <= now);
    st
}

fn hard_bounce(st: &mut AccountState, e: &Event, limited_used: &mut bool) {
    let Some(reason) = e.reason else { return };
    if let Some(prev) = &st.bounce
        && prev.until.is_some_and(|u| u <= e.at)
    {
        *limited_used = true;
    }
    let until = match e.suppress_days {
        Some(days) if !*limited_used => Some(e.at.plus(days.saturating_mul(DAY))),
        _ => None,
    };
    st.bounce = Some(BounceSuppression {
        reason,
        cause: e.cause.clone(),
        since: e.at,
        until,
        event_id: e.id,
    });
    st.hard_bounce_reason = Some(reason);
}

/// Turns every pending window whose deadline `ran_out` into a soft bounce at its deadline: cause
/// expired, the reason of the last temporary failure (SPEC §3).
fn expire(st: &mut AccountState, ran_out: impl Fn(Timestamp) -> bool) {
    let (done, open): (Vec<_>, Vec<_>) = std::mem::take(&mut st.pendings)
        .into_iter()
        .partition(|p| ran_out(p.deadline));
    st.pendings = open;
    for p in done {
        let mut e = Event::new(EventKind::Bounce, p.deadline, source::EXPIRY);
        e.account_id = p.last.account_id;
        e.address = p.last.address.clone();
        e.bounce_type = Some(BounceType::Soft);
        e.reason = Some(p.last.reason.unwrap_or(Reason::TemporaryFailure));
        e.cause = Some("expired".into());
        e.status = p.last.status.clone();
        e.reply_code = p.last.reply_code.clone();
        e.diagnostic = p.last.diagnostic.clone();
        e.remote_mta = p.last.remote_mta.clone();
        e.message_id = p.last.message_id.clone();
        e.email_id = p.last.email_id.clone();
        e.note = Some(format!(
            "not delivered within 72 hours of the first attempt at {}",
            p.first_at
        ));
        e.dedup = format!("expiry:{}", p.opened_by);
        st.expiries.push(e);
    }
}

/// A global bounce (SPEC §2).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GlobalBounce {
    /// The reason of the bounce that completed it.
    pub reason: Reason,
    /// When it became global.
    pub since: Timestamp,
    /// The accounts whose bounces made it.
    pub accounts: Vec<i64>,
}

/// One permanent hard bounce as the global rule sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PermanentBounce {
    /// When.
    pub at: Timestamp,
    /// In which account.
    pub account_id: i64,
    /// unknown_user or mailbox_full.
    pub reason: Reason,
}

/// Whether permanent hard bounces from [`GLOBAL_ACCOUNTS`] different accounts fall within
/// [`GLOBAL_WINDOW_MS`] of each other, counting only bounces after the last operator lift.
pub fn global_state(
    bounces: &[PermanentBounce],
    lifted_at: Option<Timestamp>,
) -> Option<GlobalBounce> {
    let mut b: Vec<PermanentBounce> = bounces
        .iter()
        .filter(|b| lifted_at.is_none_or(|l| b.at > l))
        .copied()
        .collect();
    b.sort_by_key(|b| b.at);
    for (j, last) in b.iter().enumerate() {
        let accounts: BTreeSet<i64> = b[..=j]
            .iter()
            .filter(|x| last.at.0 - x.at.0 <= GLOBAL_WINDOW_MS)
            .map(|x| x.account_id)
            .collect();
        if accounts.len() >= GLOBAL_ACCOUNTS {
            return Some(GlobalBounce {
                reason: last.reason,
                since: last.at,
                accounts: accounts.into_iter().collect(),
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::HOUR;

    const T: Timestamp = Timestamp(1_800_000_000_000);

    fn ev(id: i64, kind: EventKind, at: Timestamp) -> Event {
        let mut e = Event::new(kind, at, source::REPLY);
        e.id = id;
        e
    }

    fn bounce(id: i64, at: Timestamp, t: BounceType, r: Reason) -> Event {
        let mut e = ev(id, EventKind::Bounce, at);
        e.bounce_type = Some(t);
        e.reason = Some(r);
        e
    }

    fn pending(id: i64, at: Timestamp, r: Reason) -> Event {
        let mut e = ev(id, EventKind::Pending, at);
        e.bounce_type = Some(BounceType::Pending);
        e.reason = Some(r);
        e
    }

    #[test]
    fn hard_bounce_suppresses_soft_does_not() {
        let st = account_state(&[bounce(1, T, BounceType::Hard, Reason::UnknownUser)], T);
        assert_eq!(st.bounce.unwrap().reason, Reason::UnknownUser);
        assert_eq!(st.hard_bounce_reason, Some(Reason::UnknownUser));
        let st = account_state(
            &[bounce(1, T, BounceType::Soft, Reason::TemporaryFailure)],
            T,
        );
        assert_eq!(st.bounce, None);
        assert_eq!(st.hard_bounce_reason, None);
    }

    #[test]
    fn pending_without_delivery_becomes_soft_bounce_at_72_hours() {
        let events = [pending(1, T, Reason::SecurityFilter)];
        let st = account_state(&events, T.plus(71 * HOUR));
        assert_eq!((st.pendings.len(), st.expiries.len()), (1, 0));
        let st = account_state(&events, T.plus(72 * HOUR));
        assert!(st.pendings.is_empty());
        let e = &st.expiries[0];
        assert_eq!(e.at, T.plus(72 * HOUR));
        assert_eq!(e.bounce_type, Some(BounceType::Soft));
        assert_eq!(e.cause.as_deref(), Some("expired"));
        // The reason of the last temporary failure (SPEC §3): greylisting → security_filter.
        assert_eq!(e.reason, Some(Reason::SecurityFilter));
        assert_eq!(st.bounce, None);
    }

    #[test]
    fn pending_window_runs_from_the_first_attempt() {
        let events = [
            pending(1, T, Reason::SecurityFilter),
            pending(2, T.plus(70 * HOUR), Reason::RecipientUnavailable),
        ];
        let st = account_state(&events, T.plus(72 * HOUR));
        assert_eq!(st.expiries.len(), 1);
        assert_eq!(st.expiries[0].reason, Some(Reason::RecipientUnavailable));
    }

    #[test]
    fn delivery_within_the_window_clears_pending() {
        let events = [
            pending(1, T, Reason::SecurityFilter),
            ev(2, EventKind::Delivered, T.plus(72 * HOUR)),
        ];
        let st = account_state(&events, T.plus(100 * HOUR));
        assert!(st.pendings.is_empty() && st.expiries.is_empty());
    }

    #[test]
    fn late_events_give_the_same_state_as_timely_ones() {
        // Delivery after the deadline does not undo the expiry; events passed in any order.
        let events = [
            ev(2, EventKind::Delivered, T.plus(73 * HOUR)),
            pending(1, T, Reason::SecurityFilter),
        ];
        let st = account_state(&events, T.plus(74 * HOUR));
        assert_eq!(st.expiries.len(), 1);
        assert_eq!(st.expiries[0].at, T.plus(72 * HOUR));
    }

    #[test]
    fn pending_is_per_send() {
        let mut a = pending(1, T, Reason::SecurityFilter);
        a.email_id = Some("e1".into());
        let mut d = ev(2, EventKind::Delivered, T.plus(HOUR));
        d.email_id = Some("e2".into());
        let st = account_state(&[a, d], T.plus(2 * HOUR));
        assert_eq!(st.pendings.len(), 1);
    }

    #[test]
    fn unbounce_lifts_and_history_order_decides() {
        let events = [
            bounce(1, T, BounceType::Hard, Reason::Spam),
            ev(2, EventKind::Unbounce, T.plus(HOUR)),
        ];
        assert_eq!(account_state(&events, T.plus(2 * HOUR)).bounce, None);
        let later = [
            events[0].clone(),
            events[1].clone(),
            bounce(3, T.plus(2 * HOUR), BounceType::Hard, Reason::Spam),
        ];
        assert!(account_state(&later, T.plus(3 * HOUR)).bounce.is_some());
    }

    #[test]
    fn complaint_unsubscribes() {
        let st = account_state(&[ev(1, EventKind::Complaint, T)], T);
        assert_eq!(st.complaint, Some(T));
    }

    #[test]
    fn auto_replies_and_delivery_notices_never_suppress() {
        let st = account_state(
            &[
                ev(1, EventKind::AutoReply, T),
                ev(2, EventKind::Delivered, T),
            ],
            T,
        );
        assert_eq!(st, AccountState::default());
    }

    #[test]
    fn time_limited_suppression_ends_once() {
        let mut b1 = bounce(1, T, BounceType::Hard, Reason::Spam);
        b1.suppress_days = Some(30);
        let st = account_state(std::slice::from_ref(&b1), T);
        assert_eq!(st.bounce.as_ref().unwrap().until, Some(T.plus(30 * DAY)));
        let mut b2 = bounce(2, T.plus(40 * DAY), BounceType::Hard, Reason::Spam);
        b2.suppress_days = Some(30);
        let st = account_state(&[b1, b2], T.plus(40 * DAY));
        assert_eq!(st.bounce.unwrap().until, None, "second time it is for good");
    }

    fn pb(at: Timestamp, account_id: i64) -> PermanentBounce {
        PermanentBounce {
            at,
            account_id,
            reason: Reason::UnknownUser,
        }
    }

    #[test]
    fn global_three_accounts_within_60_days() {
        let b = [pb(T, 1), pb(T.plus(30 * DAY), 2), pb(T.plus(60 * DAY), 3)];
        let g = global_state(&b, None).unwrap();
        assert_eq!((g.since, g.accounts), (T.plus(60 * DAY), vec![1, 2, 3]));
    }

    #[test]
    fn global_not_when_spread_over_90_days_or_same_account() {
        let b = [pb(T, 1), pb(T.plus(45 * DAY), 2), pb(T.plus(90 * DAY), 3)];
        assert_eq!(global_state(&b, None), None);
        let b = [pb(T, 1), pb(T.plus(DAY), 1), pb(T.plus(2 * DAY), 2)];
        assert_eq!(global_state(&b, None), None);
    }

    #[test]
    fn global_lift_counts_only_later_bounces() {
        let b = [pb(T, 1), pb(T.plus(DAY), 2), pb(T.plus(2 * DAY), 3)];
        assert_eq!(global_state(&b, Some(T.plus(2 * DAY))), None);
        let mut more = b.to_vec();
        more.extend([
            pb(T.plus(3 * DAY), 1),
            pb(T.plus(4 * DAY), 2),
            pb(T.plus(5 * DAY), 4),
        ]);
        assert!(global_state(&more, Some(T.plus(2 * DAY))).is_some());
    }
}
