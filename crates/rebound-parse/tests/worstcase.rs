//! Regression tests for the shapes of hostile input that were read in more than linear time
//! (SPEC §10, issue 12): each notice names 20,000 recipients, which took seconds (or minutes)
//! before the fix. The tests assert what is read — the first 10,000 recipients and
//! `Flag::TooManyRecipients` counting the rest — not a time; `cargo bench -p rebound-classify
//! --bench worstcase` measures the time. Inputs are generated here.

use std::fmt::Write as _;

use rebound_parse::{Flag, Report};

/// Recipients named by every notice below.
const N: usize = 20_000;
/// The most recipients read from one report.
const CAP: usize = 10_000;

const DAEMON: &str = "From: MAILER-DAEMON@mx.sender.test\nTo: alice@sender.test\n";

/// `head`, then `unit(i)` for i in 0..n, then `tail`.
fn notice(head: &str, n: usize, unit: impl Fn(usize, &mut String), tail: &str) -> Vec<u8> {
    let mut m = String::from(head);
    for i in 0..n {
        unit(i, &mut m);
    }
    m.push_str(tail);
    m.into_bytes()
}

/// The report names the first [`CAP`] recipients `u0@x.test`, `u1@x.test`, … in order, read by
/// `engine`, and counts the other `N - CAP`.
fn assert_capped(r: &Report, engine: &str) {
    assert_eq!(r.engine, engine);
    assert_eq!(r.recipients.len(), CAP);
    for (i, rcpt) in r.recipients.iter().enumerate().step_by(997) {
        assert_eq!(rcpt.address, format!("u{i}@x.test"));
    }
    assert!(
        r.flags.contains(&Flag::TooManyRecipients(N - CAP)),
        "{:?}",
        r.flags
    );
}

/// A multipart/report: `text`, then one status part naming u0..u(n-1).
fn with_status_part(head: &str, text: &str, fields: impl Fn(usize, &mut String)) -> Vec<u8> {
    let mut m = format!(
        "{head}MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\n{text}\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.sender.test\n\n"
    );
    for i in 0..N {
        fields(i, &mut m);
    }
    m.push_str("--b--\n");
    m.into_bytes()
}

#[test]
fn postfix_list_one_per_line() {
    let m = notice(
        &format!(
            "{DAEMON}Subject: Undelivered Mail Returned to Sender\n\nThis is the mail system at host mx.sender.test.\n\n"
        ),
        N,
        |i, m| {
            let _ = writeln!(m, "<u{i}@x.test>: 550 5.1.1 user unknown");
        },
        "",
    );
    let r = rebound_parse::parse(&m);
    assert_capped(&r, "textscan");
    assert_eq!(
        r.recipients[CAP - 1].diagnostic,
        format!("<u{}@x.test>: 550 5.1.1 user unknown", CAP - 1)
    );
}

#[test]
fn postfix_paragraphs() {
    let m = notice(
        &format!("{DAEMON}Subject: Undelivered Mail Returned to Sender\n\n"),
        N,
        |i, m| {
            let _ = write!(
                m,
                "<u{i}@x.test>: host mx.x.test[192.0.2.1] said: 550 5.1.1 <u{i}@x.test>:\n    Recipient address rejected: User unknown (in reply to RCPT TO command)\n\n"
            );
        },
        "",
    );
    let r = rebound_parse::parse(&m);
    assert_capped(&r, "textscan");
    assert_eq!(r.recipients[7].command.as_deref(), Some("RCPT"));
}

#[test]
fn one_line_of_addresses() {
    let m = notice(
        &format!("{DAEMON}Subject: Undelivered Mail Returned to Sender\n\n"),
        N,
        |i, m| {
            let _ = write!(m, "<u{i}@x.test>, ");
        },
        ": 550 5.1.1 user unknown\n",
    );
    let r = rebound_parse::parse(&m);
    assert_eq!(r.recipients.len(), 1);
    assert_eq!(r.recipients[0].address, "u0@x.test");
}

#[test]
fn qmail_blocks() {
    let m = notice(
        &format!(
            "{DAEMON}Subject: failure notice\n\nHi. This is the qmail-send program at mx.sender.test.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n"
        ),
        N,
        |i, m| {
            let _ = write!(
                m,
                "<u{i}@x.test>:\n192.0.2.1 does not like recipient.\nRemote host said: 550 5.1.1 <u{i}@x.test>: no such user\nGiving up on 192.0.2.1.\n\n"
            );
        },
        "--- Below this line is a copy of the message.\n\nSubject: hi\n",
    );
    assert_capped(&rebound_parse::parse(&m), "lhost/qmail");
}

/// Exim blocks naming bare local parts, resolved through X-Failed-Recipients, with a status
/// part per recipient: both were searched per block.
#[test]
fn exim_blocks_with_failed_recipients_and_status_part() {
    let failed: Vec<String> = (0..N).map(|i| format!("u{i}@x.test")).collect();
    let head = format!(
        "From: Mail Delivery System <Mailer-Daemon@mx.sender.test>\nTo: alice@sender.test\nSubject: Mail delivery failed: returning message to sender\nX-Failed-Recipients: {}\n",
        failed.join(", ")
    );
    let mut text = String::from(
        "This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n",
    );
    for i in 0..N {
        let _ = write!(
            text,
            "  U{i}\n    host mx.x.test [192.0.2.1]\n    SMTP error from remote mail server after RCPT TO:<u{i}@x.test>:\n    550 5.1.1 Recipient address rejected\n"
        );
    }
    let m = with_status_part(&head, &text, |i, m| {
        let _ = write!(
            m,
            "Final-Recipient: rfc822; u{i}@x.test\nAction: failed\nStatus: 5.0.0\nRemote-MTA: dns; mx{i}.x.test\n\n"
        );
    });
    let r = rebound_parse::parse(&m);
    assert_capped(&r, "lhost/exim");
    let last = &r.recipients[CAP - 1];
    assert_eq!(last.status.as_deref(), Some("5.1.1"));
    assert_eq!(last.command.as_deref(), Some("RCPT"));
    assert_eq!(last.remote_mta.as_deref(), Some("mx.x.test"));
}

#[test]
fn sendmail_transcript_without_status_part() {
    let m = notice(
        &format!(
            "{DAEMON}Subject: Returned mail: see transcript for details\n\n   ----- Transcript of session follows -----\nWhile talking to mx.x.test:\n"
        ),
        N,
        |i, m| {
            let _ = write!(
                m,
                ">>> RCPT To:<u{i}@x.test>\n<<< 550 5.1.1 <u{i}@x.test>... User unknown\n550 5.1.1 <u{i}@x.test>... User unknown\n"
            );
        },
        "\n   ----- Unsent message follows -----\nFrom: alice@sender.test\nTo: u0@x.test\nSubject: hi\n\nhello\n",
    );
    let r = rebound_parse::parse(&m);
    assert_capped(&r, "lhost/v5sendmail");
    let b = &r.recipients[3];
    assert_eq!(
        b.diagnostic,
        "550 5.1.1 <u3@x.test>... User unknown 550 5.1.1 <u3@x.test>... User unknown"
    );
    assert_eq!(b.command.as_deref(), Some("RCPT"));
    assert_eq!(b.status.as_deref(), Some("5.1.1"));
}

/// A transcript in the text part and a status part: each recipient's command was searched for
/// in the transcript.
#[test]
fn sendmail_transcript_with_status_part() {
    let mut text = String::from("   ----- Transcript of session follows -----\n");
    for i in 0..N {
        let _ = write!(
            text,
            ">>> RCPT To:<u{i}@x.test>\n<<< 550 5.1.1 <u{i}@x.test>... User unknown\n"
        );
    }
    let m = with_status_part(
        &format!("{DAEMON}Subject: Returned mail: see transcript for details\n"),
        &text,
        |i, m| {
            let _ = write!(
                m,
                "Final-Recipient: RFC822; u{i}@x.test\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: SMTP; 550 5.1.1\n\n"
            );
        },
    );
    let r = rebound_parse::parse(&m);
    assert_capped(&r, "rfc3464");
    assert_eq!(r.recipients[CAP - 1].command.as_deref(), Some("RCPT"));
}

#[test]
fn dsn_fields_pasted_in_text() {
    let m = notice(
        &format!(
            "{DAEMON}Subject: Delivery Status Notification (Failure)\n\nDelivery to the following recipients failed.\n\n"
        ),
        N,
        |i, m| {
            let _ = write!(
                m,
                "Final-Recipient: rfc822; u{i}@x.test\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 <u{i}@x.test>: user unknown\n\n"
            );
        },
        "",
    );
    assert_capped(&rebound_parse::parse(&m), "rfc3464");
}

/// IIS/Exchange 2003: one sentence above a list of bare addresses gives every one's reason.
#[test]
fn list_of_bare_addresses_under_one_reason() {
    let mut text = String::from(
        "Unable to deliver message to the following recipients, because the message was forwarded more than the maximum allowed times.\n\n",
    );
    for i in 0..N {
        let _ = writeln!(text, "       u{i}@x.test");
    }
    let m = with_status_part(
        "From: postmaster@mx.rcpt.test\nTo: alice@sender.test\nSubject: Delivery Status Notification (Failure)\n",
        &text,
        |i, m| {
            let _ = write!(
                m,
                "Final-Recipient: rfc822;u{i}@x.test\nAction: failed\nStatus: 4.4.6\n\n"
            );
        },
    );
    let r = rebound_parse::parse(&m);
    assert_capped(&r, "rfc3464");
    for k in [0, 1, CAP - 1] {
        let d = &r.recipients[k].diagnostic;
        assert!(
            d.starts_with("Unable to deliver message to the following recipients, because"),
            "{k}: {d}"
        );
    }
}

#[test]
fn interscan_lines_with_duplicates() {
    let m = notice(
        "From: postmaster@mx.rcpt.test\nSubject: Mail could not be delivered\n\n****** Message from InterScan Messaging Security Suite ******\n",
        N,
        |i, m| {
            // Every address twice: the second is a duplicate.
            for _ in 0..2 {
                let _ = writeln!(m, "Reason:  Unable to deliver message to <u{i}@x.test>.");
            }
        },
        "",
    );
    assert_capped(&rebound_parse::parse(&m), "lhost/interscanmss");
}

#[test]
fn ezweb_recipients() {
    let m = notice(
        "From: Postmaster@ezweb.ne.jp\nSubject: Mail System Error - Returned Mail\n\nEach of the following recipients was rejected by a remote\nmail server.\n\n",
        N,
        |i, m| {
            let _ = writeln!(m, "<u{i}@x.test>: 550 5.1.1 User unknown");
        },
        "",
    );
    let r = rebound_parse::parse(&m);
    assert_capped(&r, "lhost/ezweb");
    assert_eq!(r.recipients[CAP - 1].diagnostic, "550 5.1.1 User unknown");
}

#[test]
fn messaging_server_blocks() {
    let mut text = String::from(
        "This report relates to a message you sent with the following header fields:\n\n  Subject: Hi\n\nYour message cannot be delivered to the following recipients:\n\n",
    );
    for i in 0..N {
        let _ = write!(
            text,
            "  Recipient address: u{i}@x.test\n  Reason: Over quota {i}\n\n"
        );
    }
    let m = with_status_part(
        "From: Postmaster <postmaster@ms.rcpt.test>\nSubject: Delivery Notification: Delivery has failed\n",
        &text,
        |i, m| {
            let _ = write!(
                m,
                "Final-recipient: rfc822;u{i}@x.test\nAction: failed\nStatus: 4.2.2\n\n"
            );
        },
    );
    let r = rebound_parse::parse(&m);
    assert_capped(&r, "lhost/messagingserver");
    assert_eq!(
        r.recipients[CAP - 1].diagnostic,
        format!("Over quota {}", CAP - 1)
    );
}

#[test]
fn many_status_parts() {
    let mut m = format!(
        "{DAEMON}Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"p\"\n\n"
    );
    for i in 0..N {
        let _ = write!(
            m,
            "--p\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; u{i}@x.test\nAction: failed\nStatus: 5.1.1\n\n"
        );
    }
    m.push_str("--p--\n");
    assert_capped(&rebound_parse::parse(m.as_bytes()), "rfc3464");
}

/// One Subject of 20,000 unterminated encoded words, and 20,000 quoted original markers: each
/// was scanned again from every occurrence.
#[test]
fn encoded_words_and_original_markers() {
    let mut m = String::from("From: MAILER-DAEMON@mx.sender.test\nSubject: Undelivered ");
    for _ in 0..N {
        m.push_str("=?a?Q?x");
    }
    m.push_str("\n\n<u@x.test>: 550 5.1.1 user unknown\n\n");
    for i in 0..N {
        let _ = write!(
            m,
            "------ Original message follows ------\n> Message-ID: <{i}@sender.test>\n>\n"
        );
    }
    let r = rebound_parse::parse(m.as_bytes());
    assert_eq!(r.recipients.len(), 1);
    assert_eq!(r.recipients[0].address, "u@x.test");
    assert_eq!(r.recipients[0].status.as_deref(), Some("5.1.1"));
}
