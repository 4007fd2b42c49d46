//! Splitting an mbox file (RFC 4155) into messages.

/// True when `bytes` starts like an mbox file (a `From ` separator line).
pub fn is_mbox(bytes: &[u8]) -> bool {
    bytes.starts_with(b"From ") && bytes.iter().take(1024).any(|b| matches!(b, b'\n' | b'\r'))
}

/// Splits an mbox into messages whatever its line endings: a file with lone CRs (old Mac) is
/// read with them as line ends.
pub fn split_any(bytes: &[u8]) -> Vec<std::borrow::Cow<'_, [u8]>> {
    let lone_cr = bytes.windows(2).any(|w| w[0] == b'\r' && w[1] != b'\n');
    if lone_cr {
        let lf: Vec<u8> = bytes
            .iter()
            .map(|b| if *b == b'\r' { b'\n' } else { *b })
            .collect();
        split(&lf)
            .into_iter()
            .map(|m| std::borrow::Cow::Owned(m.to_vec()))
            .collect()
    } else {
        split(bytes)
            .into_iter()
            .map(std::borrow::Cow::Borrowed)
            .collect()
    }
}

/// Splits an mbox into its messages (without the `From ` separator lines). Lines quoted as
/// `>From ` are left as they are: they do not matter to bounce reading.
pub fn split(bytes: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut pos = 0;
    while pos < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[pos..])
            .map(|e| pos + e + 1)
            .unwrap_or(bytes.len());
        let line = &bytes[pos..end];
        let at_line_start = pos == 0 || bytes[pos - 1] == b'\n';
        // RFC 4155: a separator follows a blank line (body lines starting with "From " are
        // quoted as ">From " by mbox writers). Some writers omit the blank line; their separator
        // still has a full asctime date, which a body line almost never has.
        let after_blank =
            pos == 0 || bytes[..pos].ends_with(b"\n\n") || bytes[..pos].ends_with(b"\r\n\r\n");
        let separator = at_line_start
            && (pos == 0 || (is_separator(line) && (after_blank || has_asctime_date(line))));
        if separator {
            if let Some(s) = start {
                out.push(trim_trailing_blank(&bytes[s..pos]));
            }
            start = Some(end);
        }
        pos = end;
    }
    if let Some(s) = start {
        out.push(trim_trailing_blank(&bytes[s..]));
    }
    out
}

/// An RFC 4155 separator: `From `, a sender token, then a date (which has digits).
fn is_separator(line: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(b"From ") else {
        return false;
    };
    let mut words = rest.split(|b| *b == b' ').filter(|w| !w.is_empty());
    words.next().is_some() && words.any(|w| w.iter().any(u8::is_ascii_digit))
}

/// True when the line carries an asctime(3) date after the sender ("Thu Jul  2 12:05:05 2020",
/// also with a zone before or after the year), as mbox writers put there.
fn has_asctime_date(line: &[u8]) -> bool {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let text = crate::text::lossy(line);
    let words: Vec<&str> = text.split_whitespace().collect();
    let digits =
        |w: &str, n: usize| w.len() <= n && !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit());
    let year = |w: Option<&&str>| w.is_some_and(|w| w.len() == 4 && digits(w, 4));
    words.windows(4).enumerate().any(|(i, w)| {
        DAYS.contains(&w[0])
            && MONTHS.contains(&w[1])
            && digits(w[2], 2)
            && w[3].len() == 8
            && w[3].bytes().filter(|b| *b == b':').count() == 2
            && (year(words.get(i + 4)) || year(words.get(i + 5)))
    })
}

fn trim_trailing_blank(b: &[u8]) -> &[u8] {
    let mut e = b.len();
    while e > 0 && matches!(b[e - 1], b'\n' | b'\r') {
        e -= 1;
    }
    &b[..e]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_from_lines_after_blank_lines() {
        let m = b"From a@b Mon Jan 1 00:00:00 2024\nSubject: one\n\nFrom here on\n\nFrom c@d Tue Jan 2 00:00:00 2024\nSubject: two\n\nbody\n";
        let parts = split(m);
        assert_eq!(parts.len(), 2);
        assert!(parts[0].ends_with(b"From here on"));
        assert!(parts[1].starts_with(b"Subject: two"));
        assert!(is_mbox(m));
        assert!(!is_mbox(b"Subject: x\n"));
        // No blank line before the second separator, but a full asctime date.
        let m = b"From a@b  Thu Jul  2 12:05:05 2020\nSubject: one\n\nbody\nFrom c@d  Thu Jul  2 12:05:06 2020\nSubject: two\n\nx\n";
        assert_eq!(split(m).len(), 2);
        // A body line starting with "From " inside a paragraph is not a separator.
        let m = b"From a@b  Thu Jul  2 12:05:05 2020\nSubject: one\n\nHello\nFrom the desk of Bo, 2020\n";
        assert_eq!(split(m).len(), 1);
    }
}
