//! Email addresses as the ledger keys them.
//!
//! Bounces belong to the address (SPEC §3, end), so the address is the key of every fact. It is
//! kept in one canonical form: surrounding space and angle brackets removed, lower case. Mail
//! systems treat the local part case-insensitively in practice, and a suppression that a
//! different capitalisation could slip past would be worthless.

use std::borrow::Cow;

/// The longest address accepted (RFC 5321 §4.5.3.1.3 path limit less the brackets).
pub const MAX_LEN: usize = 254;

/// The canonical form of `text`, or why it is not an address.
pub fn normalize(text: &str) -> Result<Cow<'_, str>, &'static str> {
    let t = text.trim();
    let t = t
        .strip_prefix('<')
        .and_then(|s| s.strip_suffix('>'))
        .unwrap_or(t);
    if t.is_empty() {
        return Err("the address is empty");
    }
    if t.len() > MAX_LEN {
        return Err("the address is longer than 254 characters");
    }
    let Some((local, domain)) = t.rsplit_once('@') else {
        return Err("the address has no @");
    };
    if local.is_empty() || domain.is_empty() {
        return Err("the address needs a local part and a domain");
    }
    if t.chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
    {
        return Err("the address contains spaces, controls or angle brackets");
    }
    if domain.starts_with('.') || domain.ends_with('.') || domain.contains("..") {
        return Err("the domain is malformed");
    }
    if t.bytes().any(|b| b.is_ascii_uppercase()) || t.chars().any(char::is_uppercase) {
        Ok(Cow::Owned(t.to_lowercase()))
    } else {
        Ok(Cow::Borrowed(t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_form_is_trimmed_unbracketed_lower_case() {
        assert_eq!(
            normalize(" <Ann.Lee@Example.ORG> ").unwrap(),
            "ann.lee@example.org"
        );
        assert!(matches!(
            normalize("ann@example.org").unwrap(),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn non_addresses_are_refused_with_a_reason() {
        for bad in [
            "",
            "  ",
            "ann",
            "@example.org",
            "ann@",
            "a b@example.org",
            "ann@example..org",
        ] {
            assert!(normalize(bad).is_err(), "{bad:?}");
        }
        assert!(normalize(&format!("{}@example.org", "a".repeat(300))).is_err());
    }
}
