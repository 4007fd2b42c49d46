//! Email addresses as the ledger keys them.
//!
//! Bounces belong to the address (SPEC §3, end), so the address is the key of every fact, and
//! every input and every lookup goes through [`normalize`]. Two spellings of one mailbox must
//! give one key, or a suppression could be slipped past by spelling it differently:
//!
//! - surrounding space and angle brackets are removed;
//! - a quoted local part whose content is a plain dot-atom is unquoted (`"x"@d` is `x@d`,
//!   RFC 5321 §4.1.2: the quoted and unquoted forms are the same mailbox), and needless
//!   quoted-pairs are undone (`"a\b"` is `"ab"`);
//! - the local part is put in Unicode NFC (RFC 6531 §3.2 asks for normalised UTF-8) and lower
//!   case: mail systems treat it case-insensitively in practice;
//! - the domain is the A-label form of IDNA 2008 with UTS 46 processing (`bücher.example`, its
//!   NFD spelling and `xn--bcher-kva.example` are one domain), lower case;
//! - invisible characters (Unicode default-ignorable code points, such as U+200B) and controls
//!   are refused anywhere, and so is everything RFC 5321 §4.1.2 does not allow
//!   (`user@@example.org`, `a..b@x`, unquoted specials).

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

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
    if t.len() > 4 * MAX_LEN {
        return Err("the address is longer than 254 characters");
    }
    if let Some(fast) = plain_ascii(t) {
        return fast;
    }
    if t.chars().any(invisible) {
        return Err("the address contains invisible or control characters");
    }
    let (local, domain) = split(t)?;
    let local = canonical_local(&local)?;
    let domain = canonical_domain(domain)?;
    let out = format!("{local}@{domain}");
    if out.len() > MAX_LEN {
        return Err("the address is longer than 254 characters");
    }
    Ok(Cow::Owned(out))
}

/// The common case in one pass and without allocating when it is already canonical: an
/// unquoted ASCII dot-atom at an ASCII host name. `None` when the slow path must decide.
fn plain_ascii(t: &str) -> Option<Result<Cow<'_, str>, &'static str>> {
    let b = t.as_bytes();
    let at = b.iter().position(|&c| c == b'@')?;
    let (local, domain) = (&b[..at], &b[at + 1..]);
    if !is_dot_atom(local) || domain.is_empty() || b.len() > MAX_LEN {
        return None;
    }
    let mut label_len = 0usize;
    let mut prev = b'.';
    for &c in domain {
        match c {
            b'.' if label_len == 0 || prev == b'-' => return None,
            b'.' => label_len = 0,
            b'-' if label_len == 0 => return None,
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' => {
                label_len += 1;
                if label_len > 63 {
                    return None;
                }
                // A-labels are checked by IDNA on the slow path.
                if label_len == 4 && c == b'-' {
                    return None;
                }
            }
            _ => return None,
        }
        prev = c;
    }
    if label_len == 0 || prev == b'-' {
        return None;
    }
    Some(Ok(if b.iter().any(u8::is_ascii_uppercase) {
        Cow::Owned(t.to_ascii_lowercase())
    } else {
        Cow::Borrowed(t)
    }))
}

/// RFC 5322 §3.2.3 atext, plus any non-ASCII character (RFC 6531 §3.3 UTF8-non-ascii).
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c) || !c.is_ascii()
}

/// RFC 5321 §4.1.2 Dot-string: atoms joined by single dots.
fn is_dot_atom(local: &[u8]) -> bool {
    !local.is_empty()
        && local[0] != b'.'
        && local[local.len() - 1] != b'.'
        && !local.windows(2).any(|w| w == b"..")
        && local
            .iter()
            .all(|&c| c == b'.' || c.is_ascii() && is_atext(c as char))
}

fn is_dot_atom_str(local: &str) -> bool {
    !local.is_empty()
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.chars().all(|c| c == '.' || is_atext(c))
}

/// Controls and Unicode default-ignorable code points (DerivedCoreProperties.txt,
/// Default_Ignorable_Code_Point): characters that render as nothing, so two addresses that
/// look the same could differ by them.
fn invisible(c: char) -> bool {
    const RANGES: [(u32, u32); 17] = [
        (0x00AD, 0x00AD),
        (0x034F, 0x034F),
        (0x061C, 0x061C),
        (0x115F, 0x1160),
        (0x17B4, 0x17B5),
        (0x180B, 0x180F),
        (0x200B, 0x200F),
        (0x202A, 0x202E),
        (0x2060, 0x206F),
        (0x3164, 0x3164),
        (0xFE00, 0xFE0F),
        (0xFEFF, 0xFEFF),
        (0xFFA0, 0xFFA0),
        (0xFFF0, 0xFFF8),
        (0x1BCA0, 0x1BCA3),
        (0x1D173, 0x1D17A),
        (0xE0000, 0xE0FFF),
    ];
    let u = c as u32;
    c.is_control() || RANGES.iter().any(|&(lo, hi)| (lo..=hi).contains(&u))
}

/// The local part (unquoted: its content) and the domain.
fn split(t: &str) -> Result<(Cow<'_, str>, &str), &'static str> {
    if let Some(rest) = t.strip_prefix('"') {
        // RFC 5321 §4.1.2 Quoted-string: qtextSMTP or quoted-pairSMTP up to the closing quote.
        let mut content = String::new();
        let mut chars = rest.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    let domain = rest[i + 1..]
                        .strip_prefix('@')
                        .ok_or("the address needs an @ right after the quoted local part")?;
                    return Ok((Cow::Owned(content), domain));
                }
                '\\' => match chars.next() {
                    Some((_, q)) if q == ' ' || q.is_ascii_graphic() => content.push(q),
                    _ => return Err("the quoted local part has a bad backslash"),
                },
                ' ' => content.push(c),
                c if c.is_ascii_graphic() || !c.is_ascii() => content.push(c),
                _ => return Err("the quoted local part contains a control character"),
            }
        }
        return Err("the quoted local part is not closed");
    }
    let (local, domain) = t.split_once('@').ok_or("the address has no @")?;
    if local.is_empty() || domain.is_empty() {
        return Err("the address needs a local part and a domain");
    }
    if !is_dot_atom_str(local) {
        return Err(
            "the local part has a character that needs quoting, or a leading, trailing or double dot",
        );
    }
    Ok((Cow::Borrowed(local), domain))
}

/// NFC and lower case; quoted only when it must be.
fn canonical_local(content: &str) -> Result<String, &'static str> {
    if content.is_empty() {
        return Err("the address needs a local part and a domain");
    }
    let mut local: String = content.nfc().collect::<String>().to_lowercase();
    if !is_dot_atom_str(&local) {
        let mut quoted = String::with_capacity(local.len() + 2);
        quoted.push('"');
        for c in local.chars() {
            if c == '"' || c == '\\' {
                quoted.push('\\');
            }
            quoted.push(c);
        }
        quoted.push('"');
        local = quoted;
    }
    Ok(local)
}

/// The A-label form of a domain (IDNA 2008 / UTS 46), or an address literal as given.
fn canonical_domain(domain: &str) -> Result<String, &'static str> {
    if let Some(literal) = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        // RFC 5321 §4.1.3 address literals.
        let ok = match literal.get(..5) {
            Some(tag) if tag.eq_ignore_ascii_case("ipv6:") => {
                literal[5..].parse::<std::net::Ipv6Addr>().is_ok()
            }
            _ => literal.parse::<std::net::Ipv4Addr>().is_ok(),
        };
        return if ok {
            Ok(format!("[{}]", literal.to_ascii_lowercase()))
        } else {
            Err("the domain is a malformed address literal")
        };
    }
    if domain.ends_with('.') || domain.contains('@') {
        return Err("the domain is malformed");
    }
    idna::uts46::Uts46::new()
        .to_ascii(
            domain.as_bytes(),
            idna::uts46::AsciiDenyList::STD3,
            idna::uts46::Hyphens::CheckFirstLast,
            idna::uts46::DnsLength::Verify,
        )
        .map(Cow::into_owned)
        .map_err(|_| "the domain is malformed (not a valid host name under IDNA 2008 / UTS 46)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str) -> String {
        normalize(text)
            .unwrap_or_else(|e| panic!("{text:?}: {e}"))
            .into_owned()
    }

    #[test]
    fn canonical_form_is_trimmed_unbracketed_lower_case() {
        assert_eq!(n(" <Ann.Lee@Example.ORG> "), "ann.lee@example.org");
        assert!(matches!(
            normalize("ann@example.org").unwrap(),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn equivalent_spellings_have_one_form() {
        // RFC 5321 §4.1.2: a quoted dot-atom is the same mailbox as the dot-atom.
        assert_eq!(n("\"x\"@example.org"), "x@example.org");
        assert_eq!(n("\"a.b\"@Example.org"), "a.b@example.org");
        assert_eq!(n("\"a\\b\"@example.org"), "ab@example.org");
        // What needs the quotes keeps them, minimally escaped.
        assert_eq!(n("\"a b\"@example.org"), "\"a b\"@example.org");
        assert_eq!(n("\"a\\\"b\"@example.org"), "\"a\\\"b\"@example.org");
        assert_eq!(n("\"a..b\"@example.org"), "\"a..b\"@example.org");
        // IDNA: the U-label, its NFD spelling, the A-label and capitals are one domain.
        let a_label = "idn@xn--bcher-kva.example";
        for spelling in [
            "idn@bücher.example",
            "idn@bu\u{308}cher.example",
            "idn@XN--BCHER-KVA.example",
            "IDN@Bücher.Example",
        ] {
            assert_eq!(n(spelling), a_label, "{spelling:?}");
        }
        // NFC in the local part (RFC 6531).
        assert_eq!(n("jose\u{301}@example.org"), "jos\u{e9}@example.org");
    }

    #[test]
    fn address_literals() {
        assert_eq!(n("a@[192.0.2.1]"), "a@[192.0.2.1]");
        assert_eq!(n("a@[IPv6:2001:DB8::1]"), "a@[ipv6:2001:db8::1]");
        assert!(normalize("a@[999.1.1.1]").is_err());
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
            "user@@example.org",
            "user@exa@mple.org",
            "a..b@example.org",
            ".a@example.org",
            "a.@example.org",
            "a(b)@example.org",
            "a,b@example.org",
            "a\"b@example.org",
            "\"unclosed@example.org",
            "\"\"@example.org",
            "x@example.org\u{200b}",
            "x\u{200b}@example.org",
            "x@exa\u{00ad}mple.org",
            "x\u{feff}@example.org",
            "x@example.org.",
            "x@-example.org",
            "x@example-.org",
            "x@exa_mple.org",
            "x@xn--zz.example",
            "x\t@example.org",
        ] {
            assert!(normalize(bad).is_err(), "{bad:?}");
        }
        assert!(normalize(&format!("{}@example.org", "a".repeat(300))).is_err());
        assert!(normalize(&format!("a@{}.org", "b".repeat(64))).is_err());
    }
}
