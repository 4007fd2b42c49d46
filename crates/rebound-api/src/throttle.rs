//! Key guessing is throttled: failed authentications (a wrong bearer key on the API, a wrong
//! key at the web's sign-in) are counted per client and per key tried, and a client or key with
//! [`LIMIT`] failures in a [`WINDOW`] is answered 429 with `Retry-After` until the window ends,
//! whatever it sends, so a blocked guesser learns nothing more.
//!
//! A success never resets a count (else a guesser with an account of their own could mix in
//! their right key), and only failures are counted, so a right key from another client is never
//! held up. The counts live in memory, at most [`CAPACITY`] of them: when full, ended windows
//! are dropped first, then the oldest. IPv6 clients are counted per /64, the block one host is
//! usually given. Behind a reverse proxy every client is the proxy: that proxy should then
//! throttle by the real address.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

/// Failures allowed in one window (per client and per key).
pub const LIMIT: u32 = 10;
/// How long failures are remembered: the window starts at the first failure.
pub const WINDOW: Duration = Duration::from_secs(60);
/// The most clients and keys counted at once.
pub const CAPACITY: usize = 10_000;

/// What is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Subject {
    /// A client address (an IPv6 client by its /64).
    Client(IpAddr),
    /// A key tried, by a keyed hash of it (the key itself is not kept).
    Key(u64),
}

#[derive(Debug, Clone, Copy)]
struct Window {
    start: Instant,
    failures: u32,
}

impl Window {
    /// How long until this window ends, if it is over the limit.
    fn blocked(&self, now: Instant) -> Option<Duration> {
        let age = now.saturating_duration_since(self.start);
        (self.failures >= LIMIT && age < WINDOW).then(|| WINDOW - age)
    }
}

/// The counts of failed authentications.
#[derive(Debug, Default)]
pub struct Throttle {
    counts: Mutex<HashMap<Subject, Window>>,
    hasher: RandomState,
}

/// The client a request comes from (known when served with connect info).
#[derive(Debug, Clone, Copy)]
pub struct Client(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Client::of(parts))
    }
}

impl Client {
    /// The client of a request.
    pub fn of(parts: &Parts) -> Client {
        Client(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip()),
        )
    }
}

/// IPv4 as it is (also when mapped into IPv6); IPv6 by its /64.
fn client_subject(ip: IpAddr) -> Subject {
    match ip {
        IpAddr::V4(_) => Subject::Client(ip),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => Subject::Client(IpAddr::V4(v4)),
            None => {
                let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                Subject::Client(IpAddr::V6(Ipv6Addr::from(prefix)))
            }
        },
    }
}

impl Throttle {
    fn subjects(&self, client: Client, key: &str) -> impl Iterator<Item = Subject> {
        let key = Subject::Key(self.hasher.hash_one(key));
        client.0.map(client_subject).into_iter().chain([key])
    }

    /// `Err(wait)` when the client or the key has failed too often: answer 429 with
    /// `Retry-After: wait`.
    pub fn check(&self, client: Client, key: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let wait = self
            .subjects(client, key)
            .filter_map(|s| counts.get(&s)?.blocked(now))
            .max();
        wait.map_or(Ok(()), Err)
    }

    /// Counts a failed authentication of `key` by `client`.
    pub fn failed(&self, client: Client, key: &str) {
        let now = Instant::now();
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        for s in self.subjects(client, key) {
            if counts.len() >= CAPACITY && !counts.contains_key(&s) {
                counts.retain(|_, w| now.saturating_duration_since(w.start) < WINDOW);
                if counts.len() >= CAPACITY {
                    let oldest = counts.iter().min_by_key(|(_, w)| w.start).map(|(k, _)| *k);
                    if let Some(oldest) = oldest {
                        counts.remove(&oldest);
                    }
                }
            }
            let w = counts.entry(s).or_insert(Window {
                start: now,
                failures: 0,
            });
            if now.saturating_duration_since(w.start) >= WINDOW {
                *w = Window {
                    start: now,
                    failures: 0,
                };
            }
            w.failures = w.failures.saturating_add(1);
        }
    }

    /// How many clients and keys are counted.
    pub fn len(&self) -> usize {
        self.counts.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Whether nothing is counted.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Whole seconds for `Retry-After` (rounded up, at least one).
pub fn retry_after_secs(wait: Duration) -> u64 {
    u64::try_from(wait.as_millis().div_ceil(1000))
        .unwrap_or(u64::MAX)
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(ip: &str) -> Client {
        Client(Some(ip.parse().unwrap()))
    }

    #[test]
    fn the_limit_blocks_the_client_and_the_key_not_others() {
        let t = Throttle::default();
        for i in 0..LIMIT {
            assert!(t.check(from("192.0.2.1"), &format!("k{i}")).is_ok());
            t.failed(from("192.0.2.1"), &format!("k{i}"));
        }
        let wait = t.check(from("192.0.2.1"), "right").unwrap_err();
        assert!(wait <= WINDOW && wait > WINDOW - Duration::from_secs(5));
        assert!(t.check(from("192.0.2.2"), "right").is_ok());
        // The same key from many clients.
        for i in 0..LIMIT {
            t.failed(from(&format!("198.51.100.{i}")), "stolen");
        }
        assert!(t.check(from("198.51.100.200"), "stolen").is_err());
        assert!(t.check(from("198.51.100.200"), "other").is_ok());
    }

    #[test]
    fn ipv6_clients_count_per_64_and_mapped_ipv4_as_ipv4() {
        let t = Throttle::default();
        for i in 0..LIMIT {
            t.failed(from(&format!("2001:db8:1:2::{i:x}")), &format!("k{i}"));
        }
        assert!(t.check(from("2001:db8:1:2:ffff::1"), "x").is_err());
        assert!(t.check(from("2001:db8:1:3::1"), "x").is_ok());
        for i in 0..LIMIT {
            t.failed(from("::ffff:192.0.2.9"), &format!("m{i}"));
        }
        assert!(t.check(from("192.0.2.9"), "x").is_err());
    }

    #[test]
    fn the_counts_stay_bounded() {
        let t = Throttle::default();
        for i in 0..(CAPACITY as u32 + 500) {
            let ip = IpAddr::from(std::net::Ipv4Addr::from(0x0a00_0000u32 + i));
            t.failed(Client(Some(ip)), &format!("k{i}"));
        }
        assert!(t.len() <= CAPACITY, "{}", t.len());
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_secs(Duration::from_millis(59_001)), 60);
        assert_eq!(retry_after_secs(Duration::from_secs(3)), 3);
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
    }
}
