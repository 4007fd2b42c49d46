//! Account health (SPEC §5): hard-bounce and complaint rates over 30 days, flagged above the
//! thresholds at which large providers pause senders, and the numbers behind the charts.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::Result;
use crate::ledger::Ledger;
use crate::rules::{COMPLAINT_RATE_FLAG, HARD_BOUNCE_RATE_FLAG, HEALTH_WINDOW_MS};
use crate::store;
use crate::time::{DAY, Timestamp};

/// An account's last 30 days.
#[derive(Debug, Clone, Serialize)]
pub struct Health {
    /// Messages sent.
    pub sent: i64,
    /// Hard bounces.
    pub hard_bounces: i64,
    /// Soft bounces.
    pub soft_bounces: i64,
    /// Spam complaints.
    pub complaints: i64,
    /// Hard bounces / sent.
    pub hard_bounce_rate: f64,
    /// Complaints / sent.
    pub complaint_rate: f64,
    /// Above 5 % hard bounces.
    pub hard_bounce_flag: bool,
    /// Above 0.1 % complaints.
    pub complaint_flag: bool,
    /// Bounces by reason, most first.
    pub reasons: Vec<(String, i64)>,
    /// Bounces per day (UTC date, count), oldest first, every day of the window.
    pub daily: Vec<(String, i64)>,
}

impl Ledger {
    /// The account's health over the last 30 days.
    pub async fn health(&self, account: i64) -> Result<Health> {
        let now = self.clock.now();
        let since = now.plus(-HEALTH_WINDOW_MS);
        let mut c = self.pool.acquire().await?;
        let counts = store::event_counts(&mut c, account, since).await?;
        let times = store::bounce_times(&mut c, account, since).await?;
        drop(c);
        let n = |kind: &str, t: Option<&str>| -> i64 {
            counts
                .iter()
                .filter(|(k, bt, _, _)| k == kind && t.is_none_or(|t| bt == t))
                .map(|(_, _, _, n)| n)
                .sum()
        };
        let sent = n("sent", None);
        let (hard, soft, complaints) = (
            n("bounce", Some("hard")),
            n("bounce", Some("soft")),
            n("complaint", None),
        );
        let rate = |x: i64| {
            if sent > 0 {
                x as f64 / sent as f64
            } else {
                0.0
            }
        };
        let mut reasons: BTreeMap<String, i64> = BTreeMap::new();
        for (k, _, r, count) in &counts {
            if k == "bounce" && !r.is_empty() {
                *reasons.entry(r.clone()).or_default() += count;
            }
        }
        let mut reasons: Vec<(String, i64)> = reasons.into_iter().collect();
        reasons.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let first_day = since.0.div_euclid(DAY);
        let days = (now.0.div_euclid(DAY) - first_day + 1).max(1) as usize;
        let mut per_day = vec![0i64; days];
        for t in times {
            if let Some(slot) = per_day.get_mut((t.div_euclid(DAY) - first_day) as usize) {
                *slot += 1;
            }
        }
        let daily = per_day
            .into_iter()
            .enumerate()
            .map(|(i, count)| {
                (
                    Timestamp((first_day + i as i64) * DAY).to_rfc3339()[..10].to_string(),
                    count,
                )
            })
            .collect();
        Ok(Health {
            sent,
            hard_bounces: hard,
            soft_bounces: soft,
            complaints,
            hard_bounce_rate: rate(hard),
            complaint_rate: rate(complaints),
            hard_bounce_flag: rate(hard) > HARD_BOUNCE_RATE_FLAG,
            complaint_flag: rate(complaints) > COMPLAINT_RATE_FLAG,
            reasons,
            daily,
        })
    }
}
