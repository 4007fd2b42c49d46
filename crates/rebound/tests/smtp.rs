//! Black-box tests of the inbound SMTP bounce receiver of `rebound serve` (issue 4, part 3):
//! VERP return paths name the exact send, forged ones suppress nobody, it never relays, and a
//! message that got 250 survives a crash.

mod common;

use common::{Server, dsn, smtp_send, wait_until};
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
