//! Finding a domain's mail servers: a DNS MX query over UDP (RFC 1035 §4, RFC 5321 §5.1),
//! with the implicit MX when there is none and the null MX of RFC 7505.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::UdpSocket;

/// Where mail for a domain goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Mail servers, most preferred first.
    Hosts(Vec<String>),
    /// The domain publishes a null MX: it accepts no mail (RFC 7505).
    NullMx,
    /// The domain does not exist (NXDOMAIN).
    NoSuchDomain,
}

/// A lookup that could not be completed (a temporary condition: retry later).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupError(pub String);

impl std::fmt::Display for LookupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The first `nameserver` of `/etc/resolv.conf`, on port 53.
pub fn system_resolver() -> Option<SocketAddr> {
    let conf = std::fs::read_to_string("/etc/resolv.conf").ok()?;
    conf.lines().find_map(|l| {
        let ip = l.trim().strip_prefix("nameserver")?.trim();
        let ip: std::net::IpAddr = ip.parse().ok()?;
        Some(SocketAddr::new(ip, 53))
    })
}

/// The MX route of `domain`, asking `resolver`.
pub async fn lookup(
    domain: &str,
    resolver: SocketAddr,
    timeout: Duration,
) -> Result<Route, LookupError> {
    let domain = domain.trim_end_matches('.');
    // A random query id (RFC 5452 §9.2: part of what keeps forged answers out).
    let mut raw = [0u8; 2];
    getrandom::fill(&mut raw).map_err(|e| LookupError(format!("no randomness: {e}")))?;
    let id = u16::from_le_bytes(raw);
    let query = encode_query(id, domain, 15)
        .ok_or_else(|| LookupError(format!("{domain:?} is not a domain name")))?;
    let bind: SocketAddr = if resolver.is_ipv4() {
        ([0, 0, 0, 0], 0).into()
    } else {
        ([0u16; 8], 0).into()
    };
    let socket = UdpSocket::bind(bind)
        .await
        .map_err(|e| LookupError(e.to_string()))?;
    let mut buf = vec![0u8; 4096];
    for _ in 0..2 {
        socket
            .send_to(&query, resolver)
            .await
            .map_err(|e| LookupError(e.to_string()))?;
        let reply = tokio::time::timeout(timeout, socket.recv_from(&mut buf)).await;
        let Ok(Ok((n, from))) = reply else { continue };
        if from != resolver {
            continue;
        }
        return parse_mx_reply(&buf[..n], id, domain);
    }
    Err(LookupError(format!(
        "no answer from the DNS server {resolver} for {domain} MX"
    )))
}

/// A standard query with recursion desired for one name and type.
fn encode_query(id: u16, name: &str, qtype: u16) -> Option<Vec<u8>> {
    let mut q = Vec::with_capacity(32 + name.len());
    q.extend_from_slice(&id.to_be_bytes());
    q.extend_from_slice(&[0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]); // RD; 1 question
    for label in name.split('.') {
        if label.is_empty() || label.len() > 63 {
            return None;
        }
        q.push(label.len() as u8);
        q.extend_from_slice(label.as_bytes());
    }
    q.push(0);
    q.extend_from_slice(&qtype.to_be_bytes());
    q.extend_from_slice(&1u16.to_be_bytes()); // IN
    Some(q)
}

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(i)?, *b.get(i + 1)?]))
}

/// Reads a (possibly compressed, RFC 1035 §4.1.4) name at `i`; returns it and the index after
/// it in the original position.
fn read_name(b: &[u8], mut i: usize) -> Option<(String, usize)> {
    let mut labels: Vec<String> = Vec::new();
    let mut end = None;
    for _ in 0..128 {
        let len = *b.get(i)? as usize;
        if len == 0 {
            return Some((labels.join("."), end.unwrap_or(i + 1)));
        }
        if len & 0xC0 == 0xC0 {
            let ptr = (u16_at(b, i)? & 0x3FFF) as usize;
            end.get_or_insert(i + 2);
            i = ptr;
            continue;
        }
        let label = b.get(i + 1..i + 1 + len)?;
        labels.push(String::from_utf8_lossy(label).to_ascii_lowercase());
        i += 1 + len;
    }
    None
}

/// Reads the answer to an MX query.
fn parse_mx_reply(b: &[u8], id: u16, domain: &str) -> Result<Route, LookupError> {
    let bad = || LookupError(format!("malformed DNS answer for {domain} MX"));
    if u16_at(b, 0) != Some(id) {
        return Err(LookupError("DNS answer to another question".into()));
    }
    let flags = u16_at(b, 2).ok_or_else(bad)?;
    match flags & 0x000F {
        0 => {}
        3 => return Ok(Route::NoSuchDomain),
        rcode => {
            return Err(LookupError(format!(
                "DNS server failed for {domain} MX (rcode {rcode})"
            )));
        }
    }
    let (qd, an) = (u16_at(b, 4).ok_or_else(bad)?, u16_at(b, 6).ok_or_else(bad)?);
    let mut i = 12;
    for _ in 0..qd {
        i = read_name(b, i).ok_or_else(bad)?.1 + 4;
    }
    let mut hosts: Vec<(u16, String)> = Vec::new();
    for _ in 0..an {
        let (_, after) = read_name(b, i).ok_or_else(bad)?;
        let rtype = u16_at(b, after).ok_or_else(bad)?;
        let rdlen = u16_at(b, after + 8).ok_or_else(bad)? as usize;
        let rdata = after + 10;
        if rtype == 15 {
            let pref = u16_at(b, rdata).ok_or_else(bad)?;
            let (host, _) = read_name(b, rdata + 2).ok_or_else(bad)?;
            hosts.push((pref, host));
        }
        i = rdata + rdlen;
    }
    // RFC 7505 §3: a single MX with an empty exchange (".") means no mail is accepted.
    if hosts.len() == 1 && hosts[0].1.is_empty() {
        return Ok(Route::NullMx);
    }
    hosts.retain(|(_, h)| !h.is_empty());
    if hosts.is_empty() {
        // RFC 5321 §5.1: no MX records: the domain itself is the mail server.
        return Ok(Route::Hosts(vec![domain.to_ascii_lowercase()]));
    }
    hosts.sort();
    Ok(Route::Hosts(hosts.into_iter().map(|(_, h)| h).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An answer to `query` with the given MX records (pref, host) and rcode.
    fn answer(query: &[u8], mx: &[(u16, &str)], rcode: u8) -> Vec<u8> {
        let mut a = query.to_vec();
        a[2] = 0x81;
        a[3] = 0x80 | rcode;
        a[7] = mx.len() as u8;
        for (pref, host) in mx {
            a.extend_from_slice(&[0xC0, 12, 0, 15, 0, 1, 0, 0, 0, 60]);
            let mut rdata = pref.to_be_bytes().to_vec();
            for l in host.split('.').filter(|l| !l.is_empty()) {
                rdata.push(l.len() as u8);
                rdata.extend_from_slice(l.as_bytes());
            }
            rdata.push(0);
            a.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
            a.extend_from_slice(&rdata);
        }
        a
    }

    #[test]
    fn mx_answers_sorted_by_preference() {
        let q = encode_query(7, "example.test", 15).unwrap();
        let a = answer(&q, &[(20, "mx2.example.test"), (10, "mx1.example.test")], 0);
        assert_eq!(
            parse_mx_reply(&a, 7, "example.test"),
            Ok(Route::Hosts(vec![
                "mx1.example.test".into(),
                "mx2.example.test".into()
            ]))
        );
    }

    #[test]
    fn null_mx_nxdomain_implicit_mx_and_garbage() {
        let q = encode_query(7, "example.test", 15).unwrap();
        assert_eq!(
            parse_mx_reply(&answer(&q, &[(0, ".")], 0), 7, "example.test"),
            Ok(Route::NullMx)
        );
        assert_eq!(
            parse_mx_reply(&answer(&q, &[], 3), 7, "example.test"),
            Ok(Route::NoSuchDomain)
        );
        assert_eq!(
            parse_mx_reply(&answer(&q, &[], 0), 7, "example.test"),
            Ok(Route::Hosts(vec!["example.test".into()]))
        );
        assert!(parse_mx_reply(&answer(&q, &[], 2), 7, "example.test").is_err());
        assert!(parse_mx_reply(&q[..5], 7, "example.test").is_err());
        assert!(parse_mx_reply(&answer(&q, &[], 0), 8, "example.test").is_err());
        // Compression loops end.
        let mut looped = answer(&q, &[(1, "a.test")], 0);
        let n = looped.len();
        looped[n - 8] = 0xC0;
        looped[n - 7] = (n - 8) as u8;
        let _ = parse_mx_reply(&looped, 7, "example.test");
    }

    #[test]
    fn names_that_cannot_be_asked_are_refused() {
        assert!(encode_query(1, "a..b", 15).is_none());
        assert!(encode_query(1, &"x".repeat(64), 15).is_none());
    }
}
