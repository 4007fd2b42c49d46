//! SMTP commands as the receiver reads them (RFC 5321 §4.1): a pure, total parser over the
//! bytes of one line, so that any input gives a [`Command`] and never a panic (fuzzable).

/// One command line, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `EHLO domain` (RFC 5321 §4.1.1.1); the domain is empty when missing.
    Ehlo(String),
    /// `HELO domain`; the domain is empty when missing.
    Helo(String),
    /// `MAIL FROM:<path> [params]` (§4.1.1.2); `None` when the path is malformed.
    Mail(Option<Path>),
    /// `RCPT TO:<path> [params]` (§4.1.1.3); `None` when the path is malformed.
    Rcpt(Option<Path>),
    /// `DATA`.
    Data,
    /// `RSET`.
    Rset,
    /// `NOOP`.
    Noop,
    /// `VRFY`.
    Vrfy,
    /// `QUIT`.
    Quit,
    /// `STARTTLS` (RFC 3207).
    StartTls,
    /// Anything else.
    Unknown,
}

/// The address between `<` and `>` and the ESMTP parameters after it (RFC 5321 §4.1.2).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Path {
    /// The address without its angle brackets; empty for the null path `<>`.
    pub address: String,
    /// `KEYWORD[=value]` parameters in the order given.
    pub params: Vec<(String, Option<String>)>,
}

impl Path {
    /// The value of a parameter, by keyword (case-insensitive); `Some("")` for a bare keyword.
    pub fn param(&self, keyword: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(keyword))
            .map(|(_, v)| v.as_deref().unwrap_or(""))
    }
}

/// Reads one command line (with or without its CRLF). Total: any bytes give a command.
pub fn parse(line: &[u8]) -> Command {
    let line = trim_end(line);
    let (verb, arg) = match line.iter().position(|b| *b == b' ') {
        Some(i) => (&line[..i], &line[i + 1..]),
        None => (line, &b""[..]),
    };
    let is = |name: &str| verb.eq_ignore_ascii_case(name.as_bytes());
    if is("EHLO") {
        Command::Ehlo(text(trim(arg)))
    } else if is("HELO") {
        Command::Helo(text(trim(arg)))
    } else if is("MAIL") {
        Command::Mail(path(arg, b"FROM:"))
    } else if is("RCPT") {
        Command::Rcpt(path(arg, b"TO:"))
    } else if is("DATA") {
        Command::Data
    } else if is("RSET") {
        Command::Rset
    } else if is("NOOP") {
        Command::Noop
    } else if is("VRFY") {
        Command::Vrfy
    } else if is("QUIT") {
        Command::Quit
    } else if is("STARTTLS") {
        Command::StartTls
    } else {
        Command::Unknown
    }
}

/// `FROM:<…> params` / `TO:<…> params`, spaces allowed around the keyword's colon as many
/// clients send them. Works on bytes: no slicing inside a UTF-8 character.
fn path(arg: &[u8], keyword: &[u8]) -> Option<Path> {
    let arg = trim_start(arg);
    let head = arg.get(..keyword.len())?;
    if !head.eq_ignore_ascii_case(keyword) {
        return None;
    }
    let rest = trim_start(&arg[keyword.len()..]);
    let rest = rest.strip_prefix(b"<")?;
    let end = rest.iter().position(|b| *b == b'>')?;
    let mut params = Vec::new();
    for p in rest[end + 1..]
        .split(|b| *b == b' ' || *b == b'\t')
        .filter(|p| !p.is_empty())
    {
        let (k, v) = match p.iter().position(|b| *b == b'=') {
            Some(i) => (&p[..i], Some(text(&p[i + 1..]))),
            None => (p, None),
        };
        // esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-") (RFC 5321 §4.1.2): `=x` or
        // `-X` is no parameter, and the command is malformed.
        if !k.first().is_some_and(u8::is_ascii_alphanumeric)
            || !k.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        {
            return None;
        }
        params.push((text(k), v));
    }
    Some(Path {
        address: text(&rest[..end]),
        params,
    })
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

fn trim_end(b: &[u8]) -> &[u8] {
    let n = b
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_whitespace())
        .count();
    &b[..b.len() - n]
}

fn trim(b: &[u8]) -> &[u8] {
    trim_end(trim_start(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(address: &str, params: &[(&str, Option<&str>)]) -> Command {
        Command::Mail(Some(Path {
            address: address.into(),
            params: params
                .iter()
                .map(|(k, v)| (k.to_string(), v.map(String::from)))
                .collect(),
        }))
    }

    #[test]
    fn verbs_are_case_insensitive_and_the_crlf_is_optional() {
        assert_eq!(parse(b"ehlo mx.test\r\n"), Command::Ehlo("mx.test".into()));
        assert_eq!(parse(b"HeLo  mx.test "), Command::Helo("mx.test".into()));
        assert_eq!(parse(b"EHLO\r\n"), Command::Ehlo(String::new()));
        assert_eq!(parse(b"data\r\n"), Command::Data);
        assert_eq!(parse(b"QUIT"), Command::Quit);
        assert_eq!(parse(b"StartTLS\r\n"), Command::StartTls);
        assert_eq!(parse(b"DATAX\r\n"), Command::Unknown);
        assert_eq!(parse(b""), Command::Unknown);
    }

    #[test]
    fn paths_and_parameters() {
        assert_eq!(parse(b"MAIL FROM:<>\r\n"), mail("", &[]));
        assert_eq!(
            parse(b"mail from: <a@b.test> SIZE=100 BODY=8BITMIME SMTPUTF8\r\n"),
            mail(
                "a@b.test",
                &[
                    ("SIZE", Some("100")),
                    ("BODY", Some("8BITMIME")),
                    ("SMTPUTF8", None)
                ]
            )
        );
        let Command::Rcpt(Some(p)) = parse(b"RCPT TO:<Postmaster>\r\n") else {
            panic!()
        };
        assert_eq!(p.address, "Postmaster");
        let Command::Mail(Some(p)) = parse(b"MAIL FROM:<> size=7") else {
            panic!()
        };
        assert_eq!((p.param("SIZE"), p.param("BODY")), (Some("7"), None));
        assert_eq!(parse(b"MAIL TO:<a@b>\r\n"), Command::Mail(None));
        assert_eq!(parse(b"RCPT TO:a@b\r\n"), Command::Rcpt(None));
        assert_eq!(parse(b"RCPT TO:<a@b\r\n"), Command::Rcpt(None));
        assert_eq!(parse(b"MAIL\r\n"), Command::Mail(None));
    }

    #[test]
    fn a_parameter_without_a_keyword_is_malformed() {
        for line in [
            "MAIL FROM:<> =x",
            "MAIL FROM:<a@b.test> -X",
            "RCPT TO:<a@b.test> SI!ZE=1",
        ] {
            let c = parse(line.as_bytes());
            assert!(
                matches!(c, Command::Mail(None) | Command::Rcpt(None)),
                "{line}: {c:?}"
            );
        }
    }

    /// The old `&str` slicing (`&arg[..keyword.len()]`) panicked when a multi-byte character
    /// straddled the keyword's length: `FRO€` cuts the euro sign at byte 5.
    #[test]
    fn multi_byte_text_where_the_keyword_ends_is_refused_not_a_panic() {
        assert_eq!(parse("MAIL FRO€:<>\r\n".as_bytes()), Command::Mail(None));
        assert_eq!(parse("RCPT T€:<>\r\n".as_bytes()), Command::Rcpt(None));
        assert_eq!(parse("RCPT €".as_bytes()), Command::Rcpt(None));
        let Command::Rcpt(Some(p)) = parse("RCPT TO:<δοκιμή@bounces.localhost>".as_bytes())
        else {
            panic!()
        };
        assert_eq!(p.address, "δοκιμή@bounces.localhost");
    }

    #[test]
    fn any_bytes_give_a_command() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let alphabet = b"MAILRCPTFROM:TO:<>= \r\n\t\xc3\xa9\xe2\x82\xac\xff\x00@.";
        for len in 0..200 {
            for _ in 0..50 {
                let line: Vec<u8> = (0..len)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        alphabet[(seed % alphabet.len() as u64) as usize]
                    })
                    .collect();
                let mut with_verb = b"MAIL ".to_vec();
                with_verb.extend_from_slice(&line);
                let _ = parse(&line);
                let _ = parse(&with_verb);
            }
        }
    }
}
