//! Black-box tests of the inbound SMTP bounce receiver of `rebound serve` (issue 4, part 3):
//! VERP return paths name the exact send, forged ones suppress nobody, it never relays, and a
//! message that got 250 survives a crash. And the receiver under a hostile client (trust
//! boundaries, item 5): endless lines, smuggled transactions, idle connections, postmaster.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::{ADMIN, Server, dsn, smtp_send, smtp_send_over, wait_until};
use serde_json::{Value, json};

const T0: &str = "2026-03-01T00:00:00Z";

fn log_send(s: &Server, key: &str, to: &str, message_id: &str, email: &str) -> String {
    let (st, v) = s.call(
        "POST",
        "/api/v1/sends",
        Some(key),
        Some(json!({"recipients": [to], "message_id": message_id, "email_id": email})),
    );
    assert_eq!(st, 200, "{v}");
    v["sends"][0]["return_path"].as_str().unwrap().to_string()
}

#[test]
fn a_bounce_to_a_verp_address_applies_to_the_exact_send() {
    let flags = [
        "--test-clock",
        T0,
        "--bounce-domain",
        "rb.sender.test",
        "--bounce-domain",
        "rb2.sender.test",
    ];
    let s = Server::fresh("smtp-verp", &flags);
    let (_, k) = s.account("a");
    let rp = log_send(&s, &k, "reader@example.test", "<m1@sender.test>", "march");
    assert!(
        rp.ends_with("@rb.sender.test"),
        "VERP at the first bounce domain: {rp}"
    );
    let other = smtp_send(
        &s.smtp,
        "",
        &["x@bounces.localhost"],
        "Subject: x\r\n\r\nx\r\n",
    );
    assert!(
        other.iter().any(|r| r.starts_with("550 5.7.1")),
        "not a bounce domain here: {other:?}"
    );
    // The report quotes no Message-ID we know: the VERP address alone finds the send.
    let msg = dsn(
        "reader@example.test",
        "5.1.1",
        "550 5.1.1 no such user",
        "unrelated@elsewhere.test",
    );
    let replies = smtp_send(&s.smtp, "", &[&rp], &msg);
    assert!(
        replies.last().unwrap().starts_with("250 2.0.0"),
        "{replies:?}"
    );
    wait_until("the bounce to apply", || {
        s.contact(&k, "reader@example.test")["eligible"] == false
    });
    let c = s.contact(&k, "reader@example.test");
    let bounce = c["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["kind"] == "bounce")
        .unwrap()
        .clone();
    assert_eq!(
        (bounce["email_id"].clone(), bounce["reason"].clone()),
        (json!("march"), json!("unknown_user"))
    );
}

#[test]
fn a_forged_verp_address_suppresses_nobody() {
    let s = Server::fresh("smtp-forged", &["--test-clock", T0]);
    let (_, k) = s.account("a");
    let rp = log_send(&s, &k, "victim@example.test", "<m2@sender.test>", "march");
    let (local, domain) = rp.split_once('@').unwrap();
    // One hex digit of the signature changed (to another digit, whatever it was).
    let last = if local.ends_with('0') { '1' } else { '0' };
    let forged = format!("{}{last}@{domain}", &local[..local.len() - 1]);
    assert_ne!(forged, rp);

    let msg = dsn(
        "victim@example.test",
        "5.1.1",
        "550 5.1.1 no such user",
        "nothing@elsewhere.test",
    );
    let replies = smtp_send(&s.smtp, "", &[&forged], &msg);
    assert!(
        replies.last().unwrap().starts_with("250"),
        "stored like any mail to the domain: {replies:?}"
    );
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(s.contact(&k, "victim@example.test")["eligible"], true);
}

#[test]
fn without_verp_the_quoted_message_id_finds_the_account() {
    let s = Server::fresh("smtp-msgid", &["--test-clock", T0]);
    let (_, _other) = s.account("other");
    let (_, k) = s.account("a");
    log_send(&s, &k, "quoted@example.test", "<q1@sender.test>", "april");
    let msg = dsn(
        "quoted@example.test",
        "5.2.2",
        "552 5.2.2 mailbox full",
        "q1@sender.test",
    );
    let replies = smtp_send(&s.smtp, "", &["postmaster@bounces.localhost"], &msg);
    assert!(replies.last().unwrap().starts_with("250"), "{replies:?}");
    wait_until("the bounce to apply", || {
        s.contact(&k, "quoted@example.test")["eligible"] == false
    });
    assert_eq!(
        s.contact(&k, "quoted@example.test")["email_hard_bounce_reason"],
        "mailbox_full"
    );
}

#[test]
fn the_receiver_never_relays() {
    let s = Server::fresh("smtp-relay", &[]);
    let replies = smtp_send(
        &s.smtp,
        "spammer@example.test",
        &["victim@elsewhere.test"],
        "Subject: hi\r\n\r\nbuy\r\n",
    );
    assert!(
        replies.iter().any(|r| r.starts_with("550 5.7.1")),
        "{replies:?}"
    );
    assert!(!replies.iter().any(|r| r.starts_with("354")), "{replies:?}");
}

#[test]
fn every_message_that_got_250_is_in_the_ledger_after_kill_9() {
    let s = Server::fresh("smtp-kill", &["--test-clock", T0]);
    let (_, k) = s.account("a");
    let mut paths = Vec::new();
    for i in 0..200 {
        paths.push((
            format!("k{i}@example.test"),
            log_send(
                &s,
                &k,
                &format!("k{i}@example.test"),
                &format!("<k{i}@sender.test>"),
                "kill",
            ),
        ));
    }
    let smtp = s.smtp.clone();
    let sender = std::thread::spawn(move || {
        let mut acknowledged = Vec::new();
        for (to, rp) in paths {
            let msg = dsn(&to, "5.1.1", "550 5.1.1 user unknown", "x@elsewhere.test");
            let ok = std::panic::catch_unwind(|| smtp_send(&smtp, "", &[&rp], &msg));
            match ok {
                Ok(r) if r.last().is_some_and(|l| l.starts_with("250 2.0.0")) => {
                    acknowledged.push(to)
                }
                _ => break,
            }
        }
        acknowledged
    });
    std::thread::sleep(std::time::Duration::from_millis(700));
    let db = s.kill();
    let acknowledged = sender.join().unwrap();
    assert!(
        !acknowledged.is_empty(),
        "some messages were acknowledged before the kill"
    );
    let s = Server::start(&db, &["--test-clock", T0]);
    let addresses: Vec<Value> = acknowledged.iter().map(|a| json!(a)).collect();
    wait_until("every acknowledged bounce to be applied", || {
        let (_, r) = s.call(
            "POST",
            "/api/v1/check",
            Some(&k),
            Some(json!({ "addresses": addresses })),
        );
        r["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["eligible"] == false)
    });
    eprintln!(
        "{} messages acknowledged before kill -9, all applied after restart",
        acknowledged.len()
    );
}

/// A hand-driven SMTP client for the attack tests.
struct Client {
    r: BufReader<TcpStream>,
    w: TcpStream,
}

impl Client {
    /// Over `s`, after reading the greeting (returned).
    fn over(s: TcpStream) -> (Client, String) {
        s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
        s.set_nodelay(true).unwrap();
        let mut c = Client {
            r: BufReader::new(s.try_clone().unwrap()),
            w: s,
        };
        let greeting = c.reply();
        (c, greeting)
    }

    fn connect(server: &str) -> Client {
        let (c, greeting) = Client::over(TcpStream::connect(server).unwrap());
        assert!(greeting.starts_with("220"), "{greeting}");
        c
    }

    /// The last line of the next reply ("" when the server went away).
    fn reply(&mut self) -> String {
        loop {
            let mut line = String::new();
            match self.r.read_line(&mut line) {
                Ok(n) if n > 0 => {}
                _ => return line,
            }
            if line.as_bytes().get(3) != Some(&b'-') {
                return line.trim_end().to_string();
            }
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.w.write_all(bytes).unwrap();
    }

    /// Sends a command and returns the reply.
    fn say(&mut self, cmd: &str) -> String {
        self.send(cmd.as_bytes());
        self.reply()
    }

    /// EHLO, MAIL FROM:<>, RCPT TO:<to>, DATA: ready for the message.
    fn start_data(&mut self, to: &str) {
        for (cmd, want) in [
            ("EHLO attacker.test\r\n".to_string(), "250"),
            ("MAIL FROM:<>\r\n".to_string(), "250"),
            (format!("RCPT TO:<{to}>\r\n"), "250"),
            ("DATA\r\n".to_string(), "354"),
        ] {
            let got = self.say(&cmd);
            assert!(got.starts_with(want), "{cmd:?}: {got}");
        }
    }
}

/// A connection to `server` from the loopback address `local` (127.0.0.0/8 is all loopback on
/// Linux), so the server sees another client address.
fn connect_from(local: &str, server: &str) -> TcpStream {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    let local: SocketAddr = format!("{local}:0").parse().unwrap();
    socket.bind(&local.into()).unwrap();
    let server: SocketAddr = server.parse().unwrap();
    socket.connect(&server.into()).unwrap();
    socket.into()
}

/// The resident memory of a process in bytes (VmRSS of /proc/PID/status).
fn rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("VmRSS");
    kib << 10
}

#[test]
fn eight_connections_each_sending_a_256_mb_line_grow_the_server_by_less_than_64_mb() {
    const LINE: usize = 256 << 20;
    const BOUND: u64 = 64 << 20;
    let s = Server::fresh("smtp-long-line", &[]);
    let warm = smtp_send(
        &s.smtp,
        "",
        &["x@bounces.localhost"],
        "Subject: warm-up\r\n\r\nx\r\n",
    );
    assert!(warm.last().unwrap().starts_with("250 2.0.0"), "{warm:?}");
    let pid = s.pid();
    let base = rss(pid);
    let (peak, over, done) = (
        Arc::new(AtomicU64::new(base)),
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicBool::new(false)),
    );
    let sampler = {
        let (peak, over, done) = (peak.clone(), over.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                let now = rss(pid);
                peak.fetch_max(now, Ordering::Relaxed);
                // Stop the attack early when it already won (today's code would reach GBs).
                if now.saturating_sub(base) >= BOUND {
                    over.store(true, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };
    let attackers: Vec<_> = (0..8)
        .map(|_| {
            let (smtp, over) = (s.smtp.clone(), over.clone());
            std::thread::spawn(move || {
                let mut c = Client::connect(&smtp);
                c.start_data("x@bounces.localhost");
                c.send(b"Subject: long\r\n\r\n");
                let chunk = vec![b'a'; 1 << 20];
                for _ in 0..LINE / chunk.len() {
                    if over.load(Ordering::Relaxed) {
                        break;
                    }
                    c.send(&chunk);
                }
                c.send(b"\r\n.\r\n");
                let refused = c.reply();
                // The session stays sane: the next transaction is heard.
                let next = c.say("MAIL FROM:<>\r\n");
                c.say("QUIT\r\n");
                (refused, next)
            })
        })
        .collect();
    let answers: Vec<_> = attackers.into_iter().map(|a| a.join().unwrap()).collect();
    done.store(true, Ordering::Relaxed);
    sampler.join().unwrap();
    let growth = peak.load(Ordering::Relaxed) - base;
    eprintln!(
        "8 x 256 MB lines: server RSS {} MiB before, grew by {} KiB at the peak",
        base >> 20,
        growth >> 10
    );
    assert!(
        growth < BOUND,
        "the server grew by {} MiB (base {} MiB)",
        growth >> 20,
        base >> 20
    );
    for (refused, next) in answers {
        assert!(refused.starts_with("500 5.5.6"), "{refused}");
        assert!(next.starts_with("250"), "{next}");
    }
}

#[test]
fn only_crlf_dot_crlf_ends_the_data_so_no_second_transaction_is_smuggled() {
    let s = Server::fresh("smtp-smuggle", &["--test-clock", T0]);
    let (_, k) = s.account("a");
    let rp = log_send(&s, &k, "victim@example.test", "<s1@sender.test>", "march");
    // What a relay in front would pass on as the body of one message (CVE-2023-51764): a
    // receiver that ends the data at a dot after a bare LF reads a second transaction, a
    // forged bounce to the victim's VERP address.
    let smuggled = dsn(
        "victim@example.test",
        "5.1.1",
        "550 5.1.1 no such user",
        "unrelated@elsewhere.test",
    );
    for dot in ["\n.\r\n", "\r\n.\n", "\n.\n"] {
        let mut c = Client::connect(&s.smtp);
        c.start_data("x@bounces.localhost");
        let body = format!(
            "Subject: hello\r\n\r\nhello{dot}MAIL FROM:<>\r\nRCPT TO:<{rp}>\r\nDATA\r\n{smuggled}"
        );
        c.send(body.as_bytes());
        // The real end, split across TCP segments.
        for piece in [&b"\r"[..], b"\n.", b"\r", b"\n"] {
            std::thread::sleep(Duration::from_millis(30));
            c.send(piece);
        }
        c.send(b"QUIT\r\n");
        let mut replies = Vec::new();
        loop {
            let r = c.reply();
            if r.is_empty() {
                break;
            }
            replies.push(r);
        }
        let stored = replies
            .iter()
            .filter(|r| r.starts_with("250 2.0.0 Ok: stored"))
            .count();
        assert_eq!(stored, 1, "{dot:?}: {replies:?}");
        assert!(replies.last().unwrap().starts_with("221"), "{replies:?}");
    }
    std::thread::sleep(Duration::from_millis(700));
    assert_eq!(s.contact(&k, "victim@example.test")["eligible"], true);
}

#[test]
fn five_hundred_idle_connections_from_one_address_leave_another_able_to_deliver() {
    let s = Server::fresh("smtp-idle", &[]);
    // They only connect and stay silent (each hears a greeting or a refusal).
    let idle: Vec<TcpStream> = (0..500)
        .map(|_| TcpStream::connect(&s.smtp).unwrap())
        .collect();
    let (mut greeted, mut refused) = (0, 0);
    for c in &idle {
        c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let mut line = String::new();
        let _ = BufReader::new(c).read_line(&mut line);
        if line.starts_with("220") {
            greeted += 1;
        } else if line.starts_with("421") {
            refused += 1;
        }
    }
    eprintln!("500 idle connections from 127.0.0.1: {greeted} greeted, {refused} refused");
    let (_, greeting) = Client::over(connect_from("127.0.0.2", &s.smtp));
    assert!(greeting.starts_with("220"), "another address: {greeting}");
    let replies = smtp_send_over(
        connect_from("127.0.0.2", &s.smtp),
        "",
        &["x@bounces.localhost"],
        "Subject: x\r\n\r\nfrom another address\r\n",
    );
    assert!(
        replies.last().unwrap().starts_with("250 2.0.0"),
        "{replies:?}"
    );
    drop(idle);
}

#[test]
fn under_stress_idle_connections_are_shed_so_a_newcomer_gets_in() {
    let flags = ["--smtp-max-connections", "8", "--smtp-max-per-ip", "4"];
    let s = Server::fresh("smtp-stress", &flags);
    let started = Instant::now();
    // 8 of 8 slots taken by silent clients from two addresses: above three quarters, stress.
    let mut idle: Vec<Client> = ["127.0.0.1", "127.0.0.3"]
        .iter()
        .flat_map(|ip| (0..4).map(move |_| *ip))
        .map(|ip| {
            let (c, greeting) = Client::over(connect_from(ip, &s.smtp));
            assert!(greeting.starts_with("220"), "{greeting}");
            c
        })
        .collect();
    let (_, full) = Client::over(connect_from("127.0.0.2", &s.smtp));
    assert!(full.starts_with("421 4.3.2"), "{full}");
    for c in &mut idle {
        let bye = c.reply();
        assert!(bye.starts_with("421 4.4.2"), "{bye}");
    }
    let shed = started.elapsed();
    assert!(shed < Duration::from_secs(60), "shed after {shed:?}");
    eprintln!("idle connections shed after {shed:?} under stress");
    let replies = smtp_send_over(
        connect_from("127.0.0.2", &s.smtp),
        "",
        &["x@bounces.localhost"],
        "Subject: x\r\n\r\nnewcomer\r\n",
    );
    assert!(
        replies.last().unwrap().starts_with("250 2.0.0"),
        "{replies:?}"
    );
}

#[test]
fn a_bare_postmaster_is_accepted() {
    let s = Server::fresh("smtp-postmaster", &["--test-clock", T0]);
    let (_, k) = s.account("a");
    log_send(&s, &k, "pm@example.test", "<pm1@sender.test>", "april");
    let msg = dsn(
        "pm@example.test",
        "5.1.1",
        "550 5.1.1 no such user",
        "pm1@sender.test",
    );
    // RFC 5321 §4.5.1: "postmaster" without a domain, case-insensitive, must be accepted.
    let replies = smtp_send(&s.smtp, "", &["PostMaster"], &msg);
    assert!(
        replies.last().unwrap().starts_with("250 2.0.0"),
        "{replies:?}"
    );
    wait_until("the bounce to apply", || {
        s.contact(&k, "pm@example.test")["eligible"] == false
    });
}

#[test]
fn a_command_cut_inside_a_utf8_character_gets_an_answer() {
    let s = Server::fresh("smtp-utf8-command", &[]);
    let mut c = Client::connect(&s.smtp);
    assert!(c.say("EHLO x.test\r\n").starts_with("250"));
    // "FRO€:" is 7 bytes; the old parser sliced it as a str at byte 5, inside the euro sign.
    let r = c.say("MAIL FRO€:<>\r\n");
    assert!(r.starts_with("501"), "{r:?}");
    let r = c.say("MAIL FROM:<>\r\n");
    assert!(r.starts_with("250"), "{r:?}");
}

/// A plain-text notice near the receiver's 16 MiB limit in the parser's slowest shape (one
/// failed recipient per line, README "Worst case"): a fraction of a second to read each.
fn huge_notice(n: usize) -> String {
    let mut m = String::from(
        "From: MAILER-DAEMON@mx.example.test\r\nSubject: Undelivered Mail Returned to Sender\r\n\
         \r\nThis is the mail system at host mx.example.test.\r\n\r\n",
    );
    for i in 0..n {
        m.push_str(&format!(
            "<u{i}@x.test>: host mx.x.test said: 550 5.1.1 user unknown (in reply to RCPT TO command)\r\n"
        ));
    }
    m
}

#[test]
fn a_large_message_does_not_hold_back_the_small_ones_behind_it() {
    let s = Server::fresh("smtp-lanes", &["--test-clock", T0]);
    // Several near-limit notices, then one small report: the small one is read by its own
    // applier, so it is through while large ones still wait for theirs.
    let big = huge_notice(165_000);
    assert!(
        big.len() > 14 << 20 && big.len() < 16 << 20,
        "{}",
        big.len()
    );
    const BIG: usize = 6;
    for _ in 0..BIG {
        let r = smtp_send(&s.smtp, "", &["bounces@bounces.localhost"], &big);
        assert!(r.last().unwrap().starts_with("250 2.0.0"), "{r:?}");
    }
    let small = dsn("s@example.test", "5.1.1", "550 5.1.1 no such user", "x@y");
    let r = smtp_send(&s.smtp, "", &["bounces@bounces.localhost"], &small);
    assert!(r.last().unwrap().starts_with("250 2.0.0"), "{r:?}");
    let mut rows = Vec::new();
    wait_until("the small report to be read", || {
        let (_, v) = s.call("GET", "/api/v1/inbound?limit=10", Some(ADMIN), None);
        rows = v["inbound"].as_array().cloned().unwrap_or_default();
        rows.first().is_some_and(|r| r["state"] != "received")
    });
    let waiting = rows[1..=BIG]
        .iter()
        .filter(|r| r["state"] == "received")
        .count();
    assert!(
        waiting > 0,
        "the small report was read only after every large one: {rows:?}"
    );
    // And the large ones are all read in the end, none lost.
    wait_until("the large notices to be read", || {
        let (_, v) = s.call("GET", "/api/v1/inbound?limit=10", Some(ADMIN), None);
        v["inbound"]
            .as_array()
            .is_some_and(|a| a.iter().all(|r| r["state"] != "received"))
    });
}
