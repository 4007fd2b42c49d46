//! Where connected inboxes may connect (SPEC §6). An inbox names an IMAP host, and the server
//! connects to it; without a rule an account key could make the server open connections into
//! the operator's own network (SSRF): loopback services, the LAN, a cloud's metadata endpoint.
//!
//! So a host is resolved once, every address it resolves to must be public (not loopback,
//! private, shared, link-local, multicast, reserved or documentation space, nor an IPv6 form
//! that embeds such an IPv4 address), and the connection then goes to exactly the addresses
//! checked, never to the name again (DNS rebinding). The operator lets listed destinations
//! through (`--inbox-allow-hosts`: CIDR ranges, addresses, host names). The rule holds for every
//! inbox, also one the operator created with the admin key: the watcher checks again at each
//! connect and does not know who created an inbox, and the operator has the list instead.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use crate::error::{LedgerError, Result};

/// How long resolving a host name may take.
pub const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

/// The destinations connected inboxes may reach besides public addresses.
#[derive(Debug, Clone, Default)]
pub struct Destinations {
    /// Allowed ranges: network address and prefix length.
    nets: Vec<(IpAddr, u8)>,
    /// Allowed host names (lower case, without a trailing dot), whatever they resolve to.
    names: Vec<String>,
}

/// Why a destination is not used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The host is, or resolves to, an address that is not public and not allowed.
    #[error(
        "host not allowed: {0}; connected inboxes reach public IMAP servers only (the operator can allow it with --inbox-allow-hosts)"
    )]
    NotAllowed(String),
    /// The host name does not resolve (now).
    #[error("resolving {0}")]
    Unresolved(String),
}

/// IPv4 ranges that are not the public internet (RFC 6890 and the IANA special-purpose
/// registry): this network, private, shared (CGNAT), loopback, link-local (169.254.169.254 is
/// the cloud metadata service), IETF protocol assignments, the documentation nets, the 6to4
/// relay, benchmarking, multicast, reserved and broadcast.
const V4_BLOCKED: [(u32, u8); 15] = [
    (0x0000_0000, 8),  // 0.0.0.0/8
    (0x0a00_0000, 8),  // 10.0.0.0/8
    (0x6440_0000, 10), // 100.64.0.0/10
    (0x7f00_0000, 8),  // 127.0.0.0/8
    (0xa9fe_0000, 16), // 169.254.0.0/16
    (0xac10_0000, 12), // 172.16.0.0/12
    (0xc000_0000, 24), // 192.0.0.0/24
    (0xc000_0200, 24), // 192.0.2.0/24
    (0xc058_6300, 24), // 192.88.99.0/24
    (0xc0a8_0000, 16), // 192.168.0.0/16
    (0xc612_0000, 15), // 198.18.0.0/15
    (0xc633_6400, 24), // 198.51.100.0/24
    (0xcb00_7100, 24), // 203.0.113.0/24
    (0xe000_0000, 4),  // 224.0.0.0/4 multicast
    (0xf000_0000, 4),  // 240.0.0.0/4 reserved, with 255.255.255.255
];

/// IPv6 ranges that are not the public internet (:: and ::1 are in ::/96, read as IPv4):
/// discard, local-use NAT64, documentation, unique local (fd00:ec2::254 is a metadata
/// service), site-local and link-local, multicast.
const V6_BLOCKED: [(u128, u8); 7] = [
    (0x0100_0000_0000_0000_0000_0000_0000_0000, 64), // 100::/64
    (0x0064_ff9b_0001_0000_0000_0000_0000_0000, 48), // 64:ff9b:1::/48
    (0x2001_0db8_0000_0000_0000_0000_0000_0000, 32), // 2001:db8::/32
    (0xfc00_0000_0000_0000_0000_0000_0000_0000, 7),  // fc00::/7
    (0xfec0_0000_0000_0000_0000_0000_0000_0000, 10), // fec0::/10
    (0xfe80_0000_0000_0000_0000_0000_0000_0000, 10), // fe80::/10
    (0xff00_0000_0000_0000_0000_0000_0000_0000, 8),  // ff00::/8
];

fn in_net(addr: u128, net: u128, len: u8, bits: u8) -> bool {
    let shift = u32::from(bits - len.min(bits));
    // A shift by the full width (len 0) matches everything.
    addr.checked_shr(shift).unwrap_or(0) == net.checked_shr(shift).unwrap_or(0)
}

/// The IPv4 address an IPv6 address carries: IPv4-mapped (::ffff:0:0/96), IPv4-compatible
/// (::/96, also :: and ::1), NAT64 (64:ff9b::/96, RFC 6052) and 6to4 (2002::/16, RFC 3056).
fn embedded_v4(v6: Ipv6Addr) -> Option<Ipv4Addr> {
    let n = u128::from(v6);
    if n >> 32 == 0xffff || n >> 32 == 0 || n >> 32 == 0x0064_ff9b_0000_0000_0000_0000 {
        return Some(Ipv4Addr::from(n as u32));
    }
    if n >> 112 == 0x2002 {
        return Some(Ipv4Addr::from((n >> 80) as u32));
    }
    None
}

/// Whether an address is on the public internet (see the tables above).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let n = u128::from(u32::from(v4));
            !V4_BLOCKED
                .iter()
                .any(|(net, len)| in_net(n, u128::from(*net), *len, 32))
        }
        IpAddr::V6(v6) => match embedded_v4(v6) {
            Some(v4) => v6 != Ipv6Addr::UNSPECIFIED && is_public(IpAddr::V4(v4)),
            None => !V6_BLOCKED
                .iter()
                .any(|(net, len)| in_net(u128::from(v6), *net, *len, 128)),
        },
    }
}

/// What kind of address a refused one is, for the message.
fn kind(ip: IpAddr) -> &'static str {
    let ip = ip.to_canonical();
    match ip {
        _ if ip.is_loopback() => "a loopback address",
        _ if ip.is_unspecified() => "an unspecified address",
        _ if ip.is_multicast() => "a multicast address",
        IpAddr::V4(v4) if v4.is_private() => "a private address",
        IpAddr::V4(v4) if v4.is_link_local() => "a link-local address",
        IpAddr::V6(v6) if v6.is_unique_local() => "a unique local address",
        IpAddr::V6(v6) if v6.is_unicast_link_local() => "a link-local address",
        _ => "not a public address",
    }
}

fn net_bits(ip: IpAddr) -> (u128, u8) {
    match ip {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32),
        IpAddr::V6(v6) => (u128::from(v6), 128),
    }
}

/// A host name as compared: lower case, no trailing dot, no brackets around an IPv6 literal.
fn normal(host: &str) -> String {
    let host = host.trim();
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    host.trim_end_matches('.').to_ascii_lowercase()
}

impl Destinations {
    /// The operator's list: CIDR ranges (`10.1.0.0/16`, `fd00::/8`), single addresses and
    /// host names.
    pub fn allowing(list: &[String]) -> Result<Destinations> {
        let mut d = Destinations::default();
        for item in list.iter().flat_map(|i| i.split(',')) {
            let item = normal(item);
            if item.is_empty() {
                continue;
            }
            let (addr, len) = match item.split_once('/') {
                Some((a, l)) => (a, Some(l)),
                None => (item.as_str(), None),
            };
            match (addr.parse::<IpAddr>(), len) {
                (Ok(ip), len) => {
                    let ip = ip.to_canonical();
                    let bits = net_bits(ip).1;
                    let len = match len {
                        None => bits,
                        Some(l) => l.parse().ok().filter(|l| *l <= bits).ok_or_else(|| {
                            LedgerError::Invalid(format!("{item:?}: the prefix length is wrong"))
                        })?,
                    };
                    d.nets.push((ip, len));
                }
                (Err(_), None) if !item.contains(char::is_whitespace) => d.names.push(item),
                _ => {
                    return Err(LedgerError::Invalid(format!(
                        "{item:?} is not a host name, an address or a CIDR range"
                    )));
                }
            }
        }
        Ok(d)
    }

    /// Whether an address may be connected to: public, or in an allowed range.
    pub fn allows(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        is_public(ip) || {
            let (n, bits) = net_bits(ip);
            self.nets.iter().any(|(net, len)| {
                let (m, net_bits) = net_bits(*net);
                net_bits == bits && in_net(n, m, *len, bits)
            })
        }
    }

    /// Resolves `host` once and checks every address: the addresses to connect to (only
    /// these, so a second answer from DNS cannot differ).
    pub async fn resolve(
        &self,
        host: &str,
        port: u16,
    ) -> std::result::Result<Vec<SocketAddr>, Refusal> {
        let name = normal(host);
        if let Ok(ip) = name.parse::<IpAddr>() {
            return match self.allows(ip) {
                true => Ok(vec![SocketAddr::new(ip, port)]),
                false => Err(Refusal::NotAllowed(format!("{ip} is {}", kind(ip)))),
            };
        }
        let named = self.names.contains(&name);
        // RFC 6761 §6.3: localhost names are the machine itself, whatever DNS says.
        if !named && (name == "localhost" || name.ends_with(".localhost")) {
            return Err(Refusal::NotAllowed(format!("{name} is this machine")));
        }
        let found = tokio::time::timeout(RESOLVE_TIMEOUT, tokio::net::lookup_host((&*name, port)))
            .await
            .map_err(|_| Refusal::Unresolved(format!("{name}: no answer in {RESOLVE_TIMEOUT:?}")))?
            .map_err(|e| Refusal::Unresolved(format!("{name}: {e}")))?;
        let addrs: Vec<SocketAddr> = found.collect();
        if addrs.is_empty() {
            return Err(Refusal::Unresolved(format!("{name}: no address")));
        }
        if !named && let Some(bad) = addrs.iter().find(|a| !self.allows(a.ip())) {
            let ip = bad.ip();
            return Err(Refusal::NotAllowed(format!(
                "{name} resolves to {ip}, {}",
                kind(ip)
            )));
        }
        Ok(addrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(ip: &str) -> bool {
        is_public(ip.parse().unwrap())
    }

    #[test]
    fn private_and_special_ipv4_is_not_public() {
        for ip in [
            "0.0.0.0",
            "0.1.2.3",
            "10.0.0.1",
            "10.255.255.255",
            "100.64.0.1",
            "100.127.255.254",
            "127.0.0.1",
            "127.8.9.10",
            "169.254.169.254",
            "172.16.0.1",
            "172.31.255.255",
            "192.0.0.8",
            "192.0.2.1",
            "192.168.1.1",
            "198.18.0.1",
            "198.19.255.255",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
        ] {
            assert!(!public(ip), "{ip}");
        }
        for ip in [
            "1.1.1.1",
            "8.8.8.8",
            "100.63.255.255",
            "100.128.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.0.1.255",
            "198.17.255.255",
            "198.20.0.0",
            "223.255.255.255",
            "142.250.27.108",
        ] {
            assert!(public(ip), "{ip}");
        }
    }

    #[test]
    fn private_special_and_embedding_ipv6_is_not_public() {
        for ip in [
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::7f00:1",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b:1::1",
            "2002:7f00:1::1",
            "2002:c0a8:101::1",
            "100::1",
            "2001:db8::1",
            "fc00::1",
            "fd00:ec2::254",
            "fe80::1",
            "febf::1",
            "fec0::1",
            "ff02::1",
        ] {
            assert!(!public(ip), "{ip}");
        }
        for ip in [
            "2a00:1450:4001:82b::200e",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
        ] {
            assert!(public(ip), "{ip}");
        }
    }

    #[test]
    fn the_operator_allows_ranges_addresses_and_names() {
        let d = Destinations::allowing(&[
            "127.0.0.1/32".into(),
            "10.1.0.0/16, fd00::/8".into(),
            "192.168.5.5".into(),
            "IMAP.Corp.Example.".into(),
        ])
        .unwrap();
        let ok = |ip: &str| d.allows(ip.parse().unwrap());
        assert!(ok("127.0.0.1") && ok("::ffff:127.0.0.1") && !ok("127.0.0.2"));
        assert!(ok("10.1.200.3") && !ok("10.2.0.1"));
        assert!(ok("fd00::1") && !ok("fe80::1"));
        assert!(ok("192.168.5.5") && !ok("192.168.5.6"));
        assert!(ok("8.8.8.8"));
        assert_eq!(d.names, ["imap.corp.example"]);
        assert!(Destinations::allowing(&["10.0.0.0/33".into()]).is_err());
        assert!(Destinations::allowing(&["a b".into()]).is_err());
        assert!(
            Destinations::allowing(&["0.0.0.0/0".into()])
                .unwrap()
                .allows("127.0.0.1".parse().unwrap())
        );
    }

    #[tokio::test]
    async fn literals_and_localhost_are_checked_without_dns() {
        let d = Destinations::default();
        for host in [
            "127.0.0.1",
            "[::1]",
            "::1",
            "169.254.169.254",
            "localhost",
            "a.localhost.",
        ] {
            assert!(
                matches!(d.resolve(host, 143).await, Err(Refusal::NotAllowed(_))),
                "{host}"
            );
        }
        assert_eq!(
            d.resolve("[2606:4700::1111]", 993).await.unwrap(),
            ["[2606:4700::1111]:993".parse().unwrap()]
        );
        let allowed = Destinations::allowing(&["::1/128".into()]).unwrap();
        assert_eq!(
            allowed.resolve("[::1]", 143).await.unwrap(),
            ["[::1]:143".parse().unwrap()]
        );
    }
}
