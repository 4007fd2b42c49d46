//! Time: millisecond timestamps, RFC 3339 text, and the clock the ledger reads "now" from.
//!
//! Every window of the ledger (72 hours pending, 60 days global) is computed from event times;
//! only the sweeper and unbounces ask the clock. Tests set the clock by hand.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Milliseconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

/// One hour in milliseconds.
pub const HOUR: i64 = 3_600_000;
/// One day in milliseconds.
pub const DAY: i64 = 24 * HOUR;

impl Timestamp {
    /// This time plus `ms` milliseconds (saturating).
    pub fn plus(self, ms: i64) -> Timestamp {
        Timestamp(self.0.saturating_add(ms))
    }

    /// Reads RFC 3339 (`2026-11-26T21:00:00Z`, `…T21:00:00.123+01:00`); `None` if malformed.
    pub fn parse_rfc3339(text: &str) -> Option<Timestamp> {
        let b = text.trim().as_bytes();
        let num = |r: std::ops::Range<usize>| -> Option<i64> {
            let s = b.get(r)?;
            if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
                return None;
            }
            std::str::from_utf8(s).ok()?.parse().ok()
        };
        if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
            return None;
        }
        if b[13] != b':' || b[16] != b':' {
            return None;
        }
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return None;
        }
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        let mut i = 19;
        let mut millis = 0;
        if b.get(i) == Some(&b'.') {
            let start = i + 1;
            i = start;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start {
                return None;
            }
            // Keep milliseconds; finer digits are dropped.
            let digits = &b[start..i.min(start + 3)];
            millis = digits.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0'));
            millis *= 10_i64.pow(3 - digits.len() as u32);
        }
        let offset = match b.get(i..)? {
            [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let digits = [*h1, *h2, *m1, *m2];
                if !digits.iter().all(u8::is_ascii_digit) {
                    return None;
                }
                let h = i64::from((h1 - b'0') * 10 + (h2 - b'0'));
                let m = i64::from((m1 - b'0') * 10 + (m2 - b'0'));
                let minutes = h * 60 + m;
                if *sign == b'+' { minutes } else { -minutes }
            }
            _ => return None,
        };
        let days = days_from_civil(year, month, day);
        let secs = days * 86_400 + hour * 3600 + minute * 60 + second.min(59) - offset * 60;
        Some(Timestamp(secs * 1000 + millis))
    }

    /// The RFC 3339 text in UTC, with milliseconds when they are not zero.
    pub fn to_rfc3339(self) -> String {
        let ms = self.0.rem_euclid(1000);
        let secs = self.0.div_euclid(1000);
        let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        let (y, m, d) = civil_from_days(days);
        let (hh, mm, ss) = (rest / 3600, rest % 3600 / 60, rest % 60);
        if ms == 0 {
            format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z")
        } else {
            format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}.{ms:03}Z")
        }
    }
}

/// Month names as RFC 5322 and IMAP dates write them.
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl Timestamp {
    /// The RFC 5322 §3.3 date text in UTC (`Thu, 26 Nov 2026 21:05:09 +0000`).
    pub fn to_rfc5322(self) -> String {
        const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
        let secs = self.0.div_euclid(1000);
        let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        let (y, m, d) = civil_from_days(days);
        let weekday = DAYS[days.rem_euclid(7) as usize];
        let month = MONTHS[(m - 1).clamp(0, 11) as usize];
        let (hh, mm, ss) = (rest / 3600, rest % 3600 / 60, rest % 60);
        format!("{weekday}, {d} {month} {y:04} {hh:02}:{mm:02}:{ss:02} +0000")
    }

    /// The IMAP date (RFC 3501 `date`, as SEARCH SINCE takes it) of the UTC day:
    /// `27-Oct-2026`.
    pub fn to_imap_date(self) -> String {
        let (y, m, d) = civil_from_days(self.0.div_euclid(86_400_000));
        format!("{d}-{}-{y}", MONTHS[(m - 1).clamp(0, 11) as usize])
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        let text = String::deserialize(d)?;
        Timestamp::parse_rfc3339(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not an RFC 3339 time: {text:?}")))
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (the well-known era algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Where "now" comes from: the system clock, or a hand-set time (tests, `--test-clock`).
#[derive(Debug, Clone)]
pub struct Clock {
    manual: Option<Arc<AtomicI64>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock { manual: None }
    }

    /// A clock that stands at `start` until [`Clock::set`] moves it.
    pub fn manual(start: Timestamp) -> Clock {
        Clock {
            manual: Some(Arc::new(AtomicI64::new(start.0))),
        }
    }

    /// Whether the clock can be set.
    pub fn is_manual(&self) -> bool {
        self.manual.is_some()
    }

    /// The current time.
    pub fn now(&self) -> Timestamp {
        match &self.manual {
            Some(t) => Timestamp(t.load(Ordering::SeqCst)),
            None => {
                let since = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default();
                Timestamp(i64::try_from(since.as_millis()).unwrap_or(i64::MAX))
            }
        }
    }

    /// Sets a manual clock; returns false (and does nothing) for the system clock.
    pub fn set(&self, now: Timestamp) -> bool {
        match &self.manual {
            Some(t) => {
                t.store(now.0, Ordering::SeqCst);
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trips() {
        for text in [
            "1970-01-01T00:00:00Z",
            "2026-11-26T21:05:09Z",
            "2024-02-29T23:59:59.250Z",
        ] {
            let t = Timestamp::parse_rfc3339(text).unwrap();
            assert_eq!(t.to_rfc3339(), text);
        }
        assert_eq!(
            Timestamp::parse_rfc3339("2026-01-01T01:00:00+01:00"),
            Timestamp::parse_rfc3339("2026-01-01T00:00:00Z")
        );
        assert_eq!(
            Timestamp::parse_rfc3339("1970-01-02T00:00:00Z"),
            Some(Timestamp(DAY))
        );
        assert_eq!(Timestamp(-1).to_rfc3339(), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn rfc5322_dates() {
        let t = Timestamp::parse_rfc3339("2026-11-26T21:05:09Z").unwrap();
        assert_eq!(t.to_rfc5322(), "Thu, 26 Nov 2026 21:05:09 +0000");
        assert_eq!(Timestamp(0).to_rfc5322(), "Thu, 1 Jan 1970 00:00:00 +0000");
    }

    #[test]
    fn imap_dates() {
        let t = Timestamp::parse_rfc3339("2026-10-27T23:59:59Z").unwrap();
        assert_eq!(t.to_imap_date(), "27-Oct-2026");
        let leap = Timestamp::parse_rfc3339("2000-02-29T00:00:00Z").unwrap();
        assert_eq!(leap.to_imap_date(), "29-Feb-2000");
        assert_eq!(Timestamp(-1).to_imap_date(), "31-Dec-1969");
    }

    #[test]
    fn rfc3339_rejects_nonsense() {
        for text in [
            "",
            "2026-13-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-01-01",
            "yesterday",
            "2026-01-01T00:00:00",
            "2026-01-01T00:00:00+1:00",
            "2026-01-01T24:00:00Z",
        ] {
            assert_eq!(Timestamp::parse_rfc3339(text), None, "{text}");
        }
    }

    #[test]
    fn manual_clock_moves_only_when_set() {
        let c = Clock::manual(Timestamp(5));
        assert_eq!(c.now(), Timestamp(5));
        assert!(c.set(Timestamp(9)));
        assert_eq!(c.now(), Timestamp(9));
        assert!(!Clock::system().set(Timestamp(1)));
    }
}
