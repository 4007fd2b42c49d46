//! Secrets at rest: the passwords and OAuth2 tokens of connected inboxes are stored encrypted
//! with ChaCha20-Poly1305 (RFC 8439) under a key from the configuration (`secret_key`, 64 hex
//! digits), never in the database. Each value gets a fresh random 96-bit nonce; the stored form
//! is `v1:` + hex(nonce ‖ ciphertext ‖ tag). The row it belongs to is bound in as associated
//! data, so a ciphertext copied to another inbox does not decrypt.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};

use crate::error::{LedgerError, Result};

/// Whether two secrets (keys, CSRF tokens) are equal, in time that depends on neither: their
/// SHA-256 digests are compared without an early exit, so not even the length leaks.
pub fn same_secret(a: &str, b: &str) -> bool {
    use sha2::{Digest, Sha256};
    let (a, b) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

const PREFIX: &str = "v1:";
const NONCE_LEN: usize = 12;

/// Encrypts and decrypts secrets with the configured key.
#[derive(Clone)]
pub struct SecretBox {
    cipher: ChaCha20Poly1305,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(..)")
    }
}

impl SecretBox {
    /// A box for a key given as 64 hex digits (generate one with `openssl rand -hex 32`).
    pub fn from_hex(key: &str) -> Result<SecretBox> {
        let key = key.trim();
        let bytes = decode_hex(key).filter(|b| b.len() == 32).ok_or_else(|| {
            LedgerError::Invalid("secret_key must be 64 hex digits (32 bytes)".into())
        })?;
        let cipher = ChaCha20Poly1305::new_from_slice(&bytes)
            .map_err(|_| LedgerError::Invalid("secret_key must be 32 bytes".into()))?;
        Ok(SecretBox { cipher })
    }

    /// Encrypts `plain` for the row named by `context`.
    pub fn seal(&self, context: &str, plain: &str) -> Result<String> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce)
            .map_err(|e| LedgerError::Invalid(format!("no randomness: {e}")))?;
        let sealed = self
            .cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: plain.as_bytes(),
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| LedgerError::Invalid("could not encrypt the secret".into()))?;
        let mut out = String::with_capacity(PREFIX.len() + 2 * (NONCE_LEN + sealed.len()));
        out.push_str(PREFIX);
        for b in nonce.iter().chain(&sealed) {
            out.push_str(&format!("{b:02x}"));
        }
        Ok(out)
    }

    /// Decrypts what [`SecretBox::seal`] made for the same `context`. A wrong key or a
    /// tampered value is an error, never garbage.
    pub fn open(&self, context: &str, stored: &str) -> Result<String> {
        let wrong = || {
            LedgerError::Invalid(
                "the stored secret does not decrypt with this secret_key (was the key changed?)"
                    .into(),
            )
        };
        let bytes = stored
            .strip_prefix(PREFIX)
            .and_then(decode_hex)
            .filter(|b| b.len() > NONCE_LEN)
            .ok_or_else(wrong)?;
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| wrong())?;
        let plain = self
            .cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: sealed,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| wrong())?;
        String::from_utf8(plain).map_err(|_| wrong())
    }
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    #[test]
    fn same_secret_compares_whole_values() {
        assert!(same_secret("rb_abc", "rb_abc"));
        assert!(!same_secret("rb_abc", "rb_abd"));
        assert!(!same_secret("rb_abc", "rb_ab"));
        assert!(!same_secret("", "x"));
        assert!(same_secret("", ""));
    }

    #[test]
    fn round_trip_and_fresh_nonces() {
        let b = SecretBox::from_hex(KEY).unwrap();
        let one = b.seal("inbox:1", "app password").unwrap();
        let two = b.seal("inbox:1", "app password").unwrap();
        assert_ne!(one, two, "each seal uses a new nonce");
        assert!(!one.contains("app password"));
        assert_eq!(b.open("inbox:1", &one).unwrap(), "app password");
    }

    #[test]
    fn wrong_key_context_or_tampering_is_an_error() {
        let b = SecretBox::from_hex(KEY).unwrap();
        let sealed = b.seal("inbox:1", "pw").unwrap();
        assert!(b.open("inbox:2", &sealed).is_err(), "bound to its row");
        let other = SecretBox::from_hex(&KEY.replace("1f", "20")).unwrap();
        assert!(other.open("inbox:1", &sealed).is_err());
        let mut t = sealed.clone().into_bytes();
        let last = t.len() - 1;
        t[last] = if t[last] == b'0' { b'1' } else { b'0' };
        assert!(b.open("inbox:1", &String::from_utf8(t).unwrap()).is_err());
        assert!(b.open("inbox:1", "v1:zz").is_err());
    }

    #[test]
    fn keys_must_be_32_hex_bytes() {
        assert!(SecretBox::from_hex("abc").is_err());
        assert!(SecretBox::from_hex(&"g".repeat(64)).is_err());
        assert!(SecretBox::from_hex(&KEY[..62]).is_err());
    }
}
