//! Worst-case cost of reading a message (SPEC §10 "Worst case and hostile input"): generates
//! hostile shapes of input at 64 KiB, 1 MiB and 16 MiB (the receiver's limit), times
//! `rebound_parse::parse` + `rebound_classify::classify` of every recipient on one thread, and
//! prints the time per MiB of each. Reading is linear when the 16 MiB figure stays within twice
//! the 64 KiB one; every shape must read 16 MiB in under a second.
//!
//! Run with `cargo bench -p rebound-classify --bench worstcase`; arguments select shapes whose
//! name contains one of them (`-- exim qmail`). Each figure is the fastest of several runs (at
//! least 3, and at least 0.3 s of runs), so other load on the machine shows less.
//! `REBOUND_WORSTCASE_QUICK=1` measures 64 KiB, 256 KiB and 1 MiB instead (a first look).

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use rebound_classify::Policy;

const KIB: usize = 1024;
const MIB: usize = 1024 * KIB;
const SIZES: [usize; 3] = [64 * KIB, MIB, 16 * MIB];
const QUICK_SIZES: [usize; 3] = [64 * KIB, 256 * KIB, MIB];

/// A hostile shape: a name and a generator of a message of about `size` bytes.
struct Shape {
    name: &'static str,
    what: &'static str,
    make: fn(usize) -> Vec<u8>,
}

/// `head`, then `unit(i)` for i = 0, 1, … as long as the message with `tail` stays within
/// `size` bytes, then `tail`. Never more than `size`: a message over the receiver's limit is
/// cut ([`rebound_parse::mail::MAX_MESSAGE_BYTES`]) and read as another shape.
fn repeat(size: usize, head: &str, unit: impl Fn(usize, &mut String), tail: &str) -> Vec<u8> {
    let mut m = String::with_capacity(size + 4 * KIB);
    m.push_str(head);
    let mut one = String::new();
    for i in 0.. {
        one.clear();
        unit(i, &mut one);
        if m.len() + one.len() + tail.len() > size {
            break;
        }
        m.push_str(&one);
    }
    m.push_str(tail);
    m.into_bytes()
}

const DAEMON: &str = "From: MAILER-DAEMON@mx.sender.test\nTo: alice@sender.test\n";

fn postfix_list(size: usize) -> Vec<u8> {
    let head = format!(
        "{DAEMON}Subject: Undelivered Mail Returned to Sender\n\nThis is the mail system at host mx.sender.test.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients.\n\n"
    );
    repeat(
        size,
        &head,
        |i, m| {
            let _ = writeln!(m, "<u{i}@x.test>: 550 5.1.1 user unknown");
        },
        "",
    )
}

fn postfix_paragraphs(size: usize) -> Vec<u8> {
    let head = format!(
        "{DAEMON}Subject: Undelivered Mail Returned to Sender\n\nThis is the mail system at host mx.sender.test.\n\n"
    );
    repeat(
        size,
        &head,
        |i, m| {
            let _ = write!(
                m,
                "<u{i}@x.test>: host mx.x.test[192.0.2.1] said: 550 5.1.1 <u{i}@x.test>:\n    Recipient address rejected: User unknown (in reply to RCPT TO command)\n\n"
            );
        },
        "",
    )
}

fn qmail(size: usize) -> Vec<u8> {
    let head = format!(
        "{DAEMON}Subject: failure notice\n\nHi. This is the qmail-send program at mx.sender.test.\nI'm afraid I wasn't able to deliver your message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work out.\n\n"
    );
    repeat(
        size,
        &head,
        |i, m| {
            let _ = write!(
                m,
                "<u{i}@x.test>:\n192.0.2.1 does not like recipient.\nRemote host said: 550 5.1.1 <u{i}@x.test>: no such user\nGiving up on 192.0.2.1.\n\n"
            );
        },
        "--- Below this line is a copy of the message.\n\nSubject: hi\n",
    )
}

fn exim(size: usize) -> Vec<u8> {
    let head = "From: Mail Delivery System <Mailer-Daemon@mx.sender.test>\nTo: alice@sender.test\nSubject: Mail delivery failed: returning message to sender\nX-Failed-Recipients: u0@x.test\n\nThis message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n";
    repeat(
        size,
        head,
        |i, m| {
            let _ = write!(
                m,
                "  u{i}@x.test\n    host mx.x.test [192.0.2.1]\n    SMTP error from remote mail server after RCPT TO:<u{i}@x.test>:\n    550 5.1.1 <u{i}@x.test>: Recipient address rejected\n"
            );
        },
        "\n------ This is a copy of the message, including all the headers. ------\n\nSubject: hi\n",
    )
}

/// Exim blocks that name bare local parts (resolved through X-Failed-Recipients), and a status
/// part naming every recipient: each block looks up both.
fn exim_dsn(size: usize) -> Vec<u8> {
    let n = size / 330;
    let failed: Vec<String> = (0..n).map(|i| format!("u{i}@x.test")).collect();
    let mut m = format!(
        "From: Mail Delivery System <Mailer-Daemon@mx.sender.test>\nTo: alice@sender.test\nSubject: Mail delivery failed: returning message to sender\nX-Failed-Recipients: {}\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nThis message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error. The following address(es) failed:\n\n",
        failed.join(", ")
    );
    for i in 0..n {
        let _ = write!(
            m,
            "  U{i}\n    host mx.x.test [192.0.2.1]\n    SMTP error from remote mail server after RCPT TO:<u{i}@x.test>:\n    550 5.1.1 Recipient address rejected\n"
        );
    }
    m.push_str(
        "\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.sender.test\n\n",
    );
    for i in 0..n {
        let _ = write!(
            m,
            "Final-Recipient: rfc822; u{i}@x.test\nAction: failed\nStatus: 5.0.0\n\n"
        );
    }
    m.push_str("--b--\n");
    m.into_bytes()
}

/// InterScan MSS "Unable to deliver message to" lines, every address twice.
fn interscan(size: usize) -> Vec<u8> {
    repeat(
        size,
        "From: postmaster@mx.rcpt.test\nSubject: Mail could not be delivered\n\n****** Message from InterScan Messaging Security Suite ******\n",
        |i, m| {
            for _ in 0..2 {
                let _ = writeln!(m, "Reason:  Unable to deliver message to <u{i}@x.test>.");
            }
        },
        "",
    )
}

/// EZweb's list of `<address>: reply` lines.
fn ezweb(size: usize) -> Vec<u8> {
    repeat(
        size,
        "From: Postmaster@ezweb.ne.jp\nSubject: Mail System Error - Returned Mail\n\nEach of the following recipients was rejected by a remote\nmail server.\n\n",
        |i, m| {
            let _ = writeln!(m, "<u{i}@x.test>: 550 5.1.1 User unknown");
        },
        "",
    )
}

/// Oracle Messaging Server: a "Recipient address:" block per recipient and a status part.
fn messagingserver(size: usize) -> Vec<u8> {
    let n = size / 130;
    let mut m = String::from(
        "From: Postmaster <postmaster@ms.rcpt.test>\nSubject: Delivery Notification: Delivery has failed\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nThis report relates to a message you sent with the following header fields:\n\n  Subject: Hi\n\n",
    );
    for i in 0..n {
        let _ = write!(
            m,
            "  Recipient address: u{i}@x.test\n  Reason: Over quota\n\n"
        );
    }
    m.push_str(
        "\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns;ms.rcpt.test\n\n",
    );
    for i in 0..n {
        let _ = write!(
            m,
            "Final-recipient: rfc822;u{i}@x.test\nAction: failed\nStatus: 4.2.2\n\n"
        );
    }
    m.push_str("--b--\n");
    m.into_bytes()
}

fn sendmail_transcript(size: usize) -> Vec<u8> {
    let head = format!(
        "{DAEMON}Subject: Returned mail: see transcript for details\n\nThe original message was received from localhost.\n\n   ----- Transcript of session follows -----\nWhile talking to mx.x.test:\n"
    );
    repeat(
        size,
        &head,
        |i, m| {
            let _ = write!(
                m,
                ">>> RCPT To:<u{i}@x.test>\n<<< 550 5.1.1 <u{i}@x.test>... User unknown\n550 5.1.1 <u{i}@x.test>... User unknown\n"
            );
        },
        "\n   ----- Unsent message follows -----\nFrom: alice@sender.test\nTo: u0@x.test\nSubject: hi\n\nhello\n",
    )
}

/// A multipart/report whose text part is a Sendmail transcript and whose status part names
/// every recipient: the completion of each recipient looks into the transcript.
fn sendmail_dsn(size: usize) -> Vec<u8> {
    let n = size / 260;
    let mut m = format!(
        "{DAEMON}Subject: Returned mail: see transcript for details\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\n   ----- Transcript of session follows -----\n"
    );
    for i in 0..n {
        let _ = write!(
            m,
            ">>> RCPT To:<u{i}@x.test>\n<<< 550 5.1.1 <u{i}@x.test>... User unknown\n"
        );
    }
    m.push_str(
        "\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.sender.test\n\n",
    );
    for i in 0..n {
        let _ = write!(
            m,
            "Final-Recipient: RFC822; u{i}@x.test\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: SMTP; 550 5.1.1\n\n"
        );
    }
    m.push_str("--b--\n");
    m.into_bytes()
}

fn dsn_pasted(size: usize) -> Vec<u8> {
    let head = format!(
        "{DAEMON}Subject: Delivery Status Notification (Failure)\n\nDelivery to the following recipients failed.\n\n"
    );
    repeat(
        size,
        &head,
        |i, m| {
            let _ = write!(
                m,
                "Final-Recipient: rfc822; u{i}@x.test\nOriginal-Recipient: rfc822; u{i}@x.test\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 <u{i}@x.test>: user unknown\n\n"
            );
        },
        "",
    )
}

fn dsn_multipart(size: usize) -> Vec<u8> {
    let head = format!(
        "{DAEMON}Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nsorry\n\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.sender.test\n\n"
    );
    repeat(
        size,
        &head,
        |i, m| {
            let _ = write!(
                m,
                "Final-Recipient: rfc822; u{i}@x.test\nAction: failed\nStatus: 5.0.0\nDiagnostic-Code: smtp; 550 user unknown\n\n"
            );
        },
        "--b--\n",
    )
}

fn exchange(size: usize) -> Vec<u8> {
    let head = "From: postmaster@mx.rcpt.test\nTo: alice@sender.test\nSubject: Undeliverable: hi\n\nDelivery has failed to these recipients or groups:\n\n";
    repeat(
        size,
        head,
        |i, m| {
            let _ = write!(
                m,
                "u{i}@x.test\nThe e-mail address you entered couldn't be found. Please check the recipient's e-mail address and try to resend the message.\n\n"
            );
        },
        "",
    )
}

/// IIS SMTPSVC / Exchange 2003: one sentence for a list of bare addresses, and a status part.
fn exchange_list(size: usize) -> Vec<u8> {
    let n = size / 110;
    let mut m = String::from(
        "From: postmaster@mx.rcpt.test\nTo: alice@sender.test\nSubject: Delivery Status Notification (Failure)\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nUnable to deliver message to the following recipients, because the message was forwarded more than the maximum allowed times.\n\n",
    );
    for i in 0..n {
        let _ = writeln!(m, "       u{i}@x.test");
    }
    m.push_str(
        "\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns;mx.rcpt.test\n\n",
    );
    for i in 0..n {
        let _ = write!(
            m,
            "Final-Recipient: rfc822;u{i}@x.test\nAction: failed\nStatus: 4.4.6\n\n"
        );
    }
    m.push_str("--b--\n");
    m.into_bytes()
}

fn one_line_addresses(size: usize) -> Vec<u8> {
    let head = format!(
        "{DAEMON}Subject: Undelivered Mail Returned to Sender\n\nThis is the mail system at host mx.sender.test.\n\n"
    );
    repeat(
        size,
        &head,
        |i, m| {
            let _ = write!(m, "<u{i}@x.test>, ");
        },
        ": 550 5.1.1 user unknown\n",
    )
}

fn deep_nesting(size: usize) -> Vec<u8> {
    let mut m =
        format!("{DAEMON}Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n");
    let unit = 90;
    let depth = size.saturating_sub(400) / unit;
    for i in 0..depth {
        let _ = write!(
            m,
            "Content-Type: multipart/mixed; boundary=\"n{i}\"\n\n--n{i}\n"
        );
    }
    m.push_str("Content-Type: text/plain\n\n<u@x.test>: 550 5.1.1 user unknown\n");
    for i in (0..depth).rev() {
        let _ = writeln!(m, "--n{i}--");
    }
    m.into_bytes()
}

fn many_parts(size: usize) -> Vec<u8> {
    let head = format!(
        "{DAEMON}Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"p\"\n\n"
    );
    repeat(
        size,
        &head,
        |i, m| {
            let _ = write!(
                m,
                "--p\nContent-Type: text/plain\n\n<u{i}@x.test>: 550 5.1.1 user unknown\n"
            );
        },
        "--p--\n",
    )
}

fn many_status_parts(size: usize) -> Vec<u8> {
    let head = format!(
        "{DAEMON}Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"p\"\n\n"
    );
    repeat(
        size,
        &head,
        |i, m| {
            let _ = write!(
                m,
                "--p\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; u{i}@x.test\nAction: failed\nStatus: 5.1.1\n\n"
            );
        },
        "--p--\n",
    )
}

/// Thousands of attached messages, each holding a report of its own.
fn many_attached_reports(size: usize) -> Vec<u8> {
    let head = format!(
        "{DAEMON}Subject: Returned mail\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"o\"\n\n--o\nContent-Type: text/plain\n\nsee attached\n"
    );
    repeat(
        size,
        &head,
        |i, m| {
            let _ = write!(
                m,
                "--o\nContent-Type: message/rfc822\n\nSubject: x\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"i{i}\"\n\n--i{i}\nContent-Type: message/rfc822\n\nSubject: y\n\n--i{i}--\n"
            );
        },
        "--o--\n",
    )
}

fn many_header_fields(size: usize) -> Vec<u8> {
    let mut m = String::from(DAEMON);
    let tail =
        "Subject: Undelivered Mail Returned to Sender\n\n<u@x.test>: 550 5.1.1 user unknown\n";
    let mut i = 0;
    while m.len() + tail.len() + 40 < size {
        let _ = writeln!(m, "X-Field-{i}: value {i}");
        i += 1;
    }
    m.push_str(tail);
    m.into_bytes()
}

/// One Subject line of encoded-word starts that never end (`=?a?Q?x=?a?Q?x…`).
fn huge_header_line(size: usize) -> Vec<u8> {
    repeat(
        size,
        "From: MAILER-DAEMON@mx.sender.test\nSubject: Undelivered ",
        |_, m| m.push_str("=?a?Q?x"),
        "\n\n<u@x.test>: 550 5.1.1 user unknown\n",
    )
}

fn no_line_breaks(size: usize) -> Vec<u8> {
    repeat(
        size,
        "",
        |i, m| {
            let _ = write!(m, "<u{i}@x.test>: 550 5.1.1 user unknown returned message ");
        },
        "",
    )
}

fn body_without_line_breaks(size: usize) -> Vec<u8> {
    let head = format!("{DAEMON}Subject: Undelivered Mail Returned to Sender\n\n");
    repeat(
        size,
        &head,
        |i, m| {
            let _ = write!(
                m,
                "<u{i}@x.test>: 550 5.1.1 user unknown; below this line is a copy of the message "
            );
        },
        "",
    )
}

fn status_code_run(size: usize) -> Vec<u8> {
    let head =
        format!("{DAEMON}Subject: Undelivered Mail Returned to Sender\n\n<u@x.test>: 550 5.1.1 ");
    repeat(size, &head, |_, m| m.push_str("4.4.7 550 5.0.0 "), "\n")
}

fn angle_bracket_run(size: usize) -> Vec<u8> {
    let head = format!(
        "{DAEMON}Subject: Returned mail: see transcript for details\n\n<u@x.test>: 550 5.1.1 user unknown\n"
    );
    repeat(size, &head, |_, m| m.push_str("<<<<<<<<<<<<<<<<"), "\n")
}

fn quoted_originals(size: usize) -> Vec<u8> {
    let head = format!(
        "{DAEMON}Subject: Undelivered Mail Returned to Sender\n\n<u@x.test>: 550 5.1.1 user unknown\n\n"
    );
    repeat(
        size,
        &head,
        |i, m| {
            let _ = write!(
                m,
                "------ Original message follows ------\n> Message-ID: <{i}@sender.test>\n> Received: from a by b\n>\n"
            );
        },
        "",
    )
}

fn at_sign_run(size: usize) -> Vec<u8> {
    let head = format!("{DAEMON}Subject: Undelivered Mail Returned to Sender\n\n");
    repeat(size, &head, |_, m| m.push_str("a@@b.c@d@ "), "\n")
}

const SHAPES: &[Shape] = &[
    Shape {
        name: "postfix_list",
        what: "`<uN@x.test>: 550 5.1.1 user unknown`, one per line",
        make: postfix_list,
    },
    Shape {
        name: "postfix_paragraphs",
        what: "Postfix paragraphs (host said, in reply to RCPT TO)",
        make: postfix_paragraphs,
    },
    Shape {
        name: "qmail",
        what: "qmail-send blocks",
        make: qmail,
    },
    Shape {
        name: "exim",
        what: "Exim address blocks",
        make: exim,
    },
    Shape {
        name: "exim_dsn",
        what: "Exim blocks of local parts + X-Failed-Recipients + status part",
        make: exim_dsn,
    },
    Shape {
        name: "interscan",
        what: "InterScan MSS lines, every address twice",
        make: interscan,
    },
    Shape {
        name: "ezweb",
        what: "EZweb `<address>: reply` lines",
        make: ezweb,
    },
    Shape {
        name: "messagingserver",
        what: "Messaging Server blocks + status part",
        make: messagingserver,
    },
    Shape {
        name: "sendmail_transcript",
        what: "Sendmail transcript without DSN (v5)",
        make: sendmail_transcript,
    },
    Shape {
        name: "sendmail_dsn",
        what: "Sendmail transcript + status part per recipient",
        make: sendmail_dsn,
    },
    Shape {
        name: "dsn_pasted",
        what: "RFC 3464 fields pasted in text",
        make: dsn_pasted,
    },
    Shape {
        name: "dsn_multipart",
        what: "multipart/report, one status part",
        make: dsn_multipart,
    },
    Shape {
        name: "exchange",
        what: "Exchange \"Delivery has failed to these recipients\"",
        make: exchange,
    },
    Shape {
        name: "exchange_list",
        what: "IIS/Exchange 2003 list of bare addresses + status part",
        make: exchange_list,
    },
    Shape {
        name: "one_line_addresses",
        what: "one line holding thousands of addresses",
        make: one_line_addresses,
    },
    Shape {
        name: "deep_nesting",
        what: "multipart nested thousands deep",
        make: deep_nesting,
    },
    Shape {
        name: "many_parts",
        what: "thousands of text parts",
        make: many_parts,
    },
    Shape {
        name: "many_status_parts",
        what: "thousands of delivery-status parts",
        make: many_status_parts,
    },
    Shape {
        name: "many_attached_reports",
        what: "thousands of attached message/rfc822 reports",
        make: many_attached_reports,
    },
    Shape {
        name: "many_header_fields",
        what: "thousands of header fields",
        make: many_header_fields,
    },
    Shape {
        name: "huge_header_line",
        what: "one Subject line of unterminated encoded words",
        make: huge_header_line,
    },
    Shape {
        name: "no_line_breaks",
        what: "no line break at all",
        make: no_line_breaks,
    },
    Shape {
        name: "body_without_line_breaks",
        what: "headers, then one line of recipients and markers",
        make: body_without_line_breaks,
    },
    Shape {
        name: "status_code_run",
        what: "one response of status and reply codes",
        make: status_code_run,
    },
    Shape {
        name: "angle_bracket_run",
        what: "a run of `<`",
        make: angle_bracket_run,
    },
    Shape {
        name: "quoted_originals",
        what: "thousands of quoted originals",
        make: quoted_originals,
    },
    Shape {
        name: "at_sign_run",
        what: "a run of `@` and address fragments",
        make: at_sign_run,
    },
];

/// Parses and classifies `msg`; the number of recipients.
fn read(msg: &[u8], policy: &Policy) -> usize {
    let report = rebound_parse::parse(msg);
    for r in &report.recipients {
        std::hint::black_box(rebound_classify::classify(r, policy));
    }
    report.recipients.len()
}

/// The fastest of at least 3 runs and at least 0.3 s of runs: (seconds, recipients).
fn time(msg: &[u8], policy: &Policy) -> (f64, usize) {
    let mut best = Duration::MAX;
    let mut spent = Duration::ZERO;
    let mut runs = 0;
    let mut n = 0;
    while runs < 3 || spent < Duration::from_millis(300) {
        let t = Instant::now();
        n = read(std::hint::black_box(msg), policy);
        let d = t.elapsed();
        best = best.min(d);
        spent += d;
        runs += 1;
        if d > Duration::from_secs(20) {
            break;
        }
    }
    (best.as_secs_f64(), n)
}

fn main() {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let policy = Policy::default();
    let quick = std::env::var("REBOUND_WORSTCASE_QUICK").is_ok_and(|v| v == "1");
    let sizes = if quick { QUICK_SIZES } else { SIZES };
    let label = |n: usize| {
        if n >= MIB {
            format!("{} MiB", n / MIB)
        } else {
            format!("{} KiB", n / KIB)
        }
    };
    let (a, b, c) = (label(sizes[0]), label(sizes[1]), label(sizes[2]));
    println!(
        "| shape | {a} ms/MiB | {b} ms/MiB | {c} ms/MiB | {c} total ms | {c} / {a} | recipients at {c} |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let mut worst: f64 = 0.0;
    for s in SHAPES {
        if !filters.is_empty() && !filters.iter().any(|f| s.name.contains(f.as_str())) {
            continue;
        }
        let mut per_mib = Vec::new();
        let mut total = 0.0;
        let mut recipients = 0;
        for size in sizes {
            let msg = (s.make)(size);
            assert!(msg.len() <= size, "{} makes {} bytes", s.name, msg.len());
            let (secs, n) = time(&msg, &policy);
            per_mib.push(secs * 1e3 / (msg.len() as f64 / MIB as f64));
            total = secs * 1e3;
            recipients = n;
        }
        let ratio = per_mib[2] / per_mib[0];
        worst = worst.max(ratio);
        println!(
            "| `{}` ({}) | {:.2} | {:.2} | {:.2} | {:.0} | {:.2} | {} |",
            s.name, s.what, per_mib[0], per_mib[1], per_mib[2], total, ratio, recipients
        );
    }
    println!("\nworst ratio {c} / {a} per MiB: {worst:.2}");
}
