//! VERP return paths (variable envelope return path): each message's bounce address names its
//! send, signed so that a forged address cannot suppress anyone.
//!
//! Form: `b-<send id>-<mac>@<bounce domain>`, where `<mac>` is the first 8 bytes (16 lower-case
//! hex digits) of HMAC-SHA-256 over `rebound-verp:<send id>` with the installation's secret.
//! Lower-case hex survives MTAs that fold the local part's case.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

const MAC_BYTES: usize = 8;

/// Signs and reads VERP addresses.
#[derive(Clone)]
pub struct Verp {
    secret: Vec<u8>,
}

impl std::fmt::Debug for Verp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Verp { secret: <hidden> }")
    }
}

impl Verp {
    /// A signer with this secret.
    pub fn new(secret: &[u8]) -> Verp {
        Verp {
            secret: secret.to_vec(),
        }
    }

    fn mac(&self, send: i64) -> Hmac<Sha256> {
        // HMAC takes keys of any length, so this cannot fail.
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.secret)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        mac.update(format!("rebound-verp:{send}").as_bytes());
        mac
    }

    /// The return path for a send at a bounce domain.
    pub fn return_path(&self, send: i64, domain: &str) -> String {
        let tag = self.mac(send).finalize().into_bytes();
        let hex: String = tag[..MAC_BYTES]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("b-{send}-{hex}@{domain}")
    }

    /// The send a return path names, if it is at one of `domains` and its signature holds.
    pub fn decode(&self, address: &str, domains: &[String]) -> Option<i64> {
        let address = address.trim().trim_start_matches('<').trim_end_matches('>');
        let (local, domain) = address.rsplit_once('@')?;
        if !domains.iter().any(|d| d.eq_ignore_ascii_case(domain)) {
            return None;
        }
        let rest = local
            .strip_prefix("b-")
            .or_else(|| local.strip_prefix("B-"))?;
        let (id, hex) = rest.split_once('-')?;
        let send: i64 = id.parse().ok()?;
        if hex.len() != MAC_BYTES * 2 {
            return None;
        }
        let tag: Vec<u8> = (0..MAC_BYTES)
            .map(|i| u8::from_str_radix(hex.get(i * 2..i * 2 + 2)?, 16).ok())
            .collect::<Option<_>>()?;
        self.mac(send).verify_truncated_left(&tag).ok()?;
        Some(send)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domains() -> Vec<String> {
        vec!["bounces.example.test".into()]
    }

    #[test]
    fn a_return_path_decodes_to_its_send() {
        let v = Verp::new(b"secret");
        let rp = v.return_path(42, "bounces.example.test");
        assert_eq!(v.decode(&rp, &domains()), Some(42));
        assert_eq!(
            v.decode(&rp.to_uppercase(), &domains()),
            Some(42),
            "case-folded by an MTA"
        );
        assert_eq!(v.decode(&format!("<{rp}>"), &domains()), Some(42));
    }

    #[test]
    fn forged_or_foreign_addresses_decode_to_nothing() {
        let v = Verp::new(b"secret");
        let rp = v.return_path(42, "bounces.example.test");
        let forged = rp.replacen("b-42-", "b-43-", 1);
        assert_eq!(v.decode(&forged, &domains()), None);
        assert_eq!(Verp::new(b"other").decode(&rp, &domains()), None);
        assert_eq!(
            v.decode(
                &rp.replace("bounces.example.test", "elsewhere.test"),
                &domains()
            ),
            None
        );
        for junk in [
            "",
            "b-@bounces.example.test",
            "b-1-zz@bounces.example.test",
            "postmaster@bounces.example.test",
        ] {
            assert_eq!(v.decode(junk, &domains()), None, "{junk}");
        }
    }
}
