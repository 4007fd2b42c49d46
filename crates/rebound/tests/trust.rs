//! Trust boundaries, tried as an attacker would against a real `rebound serve` (issue 11):
//! a report from the shared receiver speaks only for the send it is matched to, tenants never
//! meet through a Message-ID or a reused id, the gate has one spelling per address, and one
//! big request cannot stall the write path. Each test failed on the code before its fix.

mod common;

use std::time::{Duration, Instant};

use common::{ADMIN, Server, dsn, smtp_send, wait_until};
use serde_json::{Value, json};

const T0: &str = "2026-03-01T00:00:00Z";

/// Logs a send to `to` with `message_id`; returns its VERP return path.
fn log_send(s: &Server, key: &str, to: &[&str], message_id: &str) -> String {
    let (st, v) = s.call(
        "POST",
        "/api/v1/sends",
        Some(key),
        Some(json!({"recipients": to, "message_id": message_id, "email_id": "e1"})),
    );
    assert_eq!(st, 200, "{v}");
    v["sends"][0]["return_path"].as_str().unwrap().to_string()
}

/// Mails `message` to the receiver at `rcpt` and waits until it was processed.
fn deliver(s: &Server, rcpt: &str, message: &str) -> Value {
    let replies = smtp_send(&s.smtp, "", &[rcpt], message);
    assert!(
        replies.last().unwrap().starts_with("250 2.0.0"),
        "{replies:?}"
    );
    let mut last = Value::Null;
    wait_until("the receiver to process the message", || {
        let (_, v) = s.call("GET", "/api/v1/inbound?limit=1", Some(ADMIN), None);
        last = v["inbound"][0].clone();
        last["state"] != "received"
    });
    last
}

fn eligible(s: &Server, key: &str, address: &str) -> bool {
    s.contact(key, address)["eligible"].as_bool().unwrap()
}

#[test]
fn a_verp_bounce_speaks_only_for_the_recipient_of_its_send() {
    let s = Server::fresh("trust-verp", &["--test-clock", T0]);
    let (_, k) = s.account("a");
    let rp = log_send(&s, &k, &["s1@example.test"], "<m1@sender.test>");
    // A genuine return path, a report naming somebody else.
    let forged = dsn("ceo@example.test", "5.1.1", "550 5.1.1 no such user", "x@y");
    let row = deliver(&s, &rp, &forged);
    assert_eq!(row["state"], "unmatched", "{row}");
    assert!(
        row["note"].as_str().unwrap().contains("ceo@example.test"),
        "the operator sees what it named: {row}"
    );
    assert!(eligible(&s, &k, "ceo@example.test"));
    assert!(eligible(&s, &k, "s1@example.test"));
    // The same return path naming its own recipient applies.
    let real = dsn("s1@example.test", "5.1.1", "550 5.1.1 no such user", "x@y");
    let row = deliver(&s, &rp, &real);
    assert_eq!(row["state"], "applied", "{row}");
    assert!(!eligible(&s, &k, "s1@example.test"));
}

#[test]
fn a_quoted_message_id_speaks_only_for_its_sends_recipients() {
    let s = Server::fresh("trust-mid", &["--test-clock", T0]);
    let (_, k) = s.account("a");
    log_send(
        &s,
        &k,
        &["s1@example.test", "s2@example.test"],
        "<m1@sender.test>",
    );
    let forged = dsn(
        "ceo@example.test",
        "5.1.1",
        "550 5.1.1 no such user",
        "m1@sender.test",
    );
    let row = deliver(&s, "bounces@bounces.localhost", &forged);
    assert_eq!(row["state"], "unmatched", "{row}");
    assert!(eligible(&s, &k, "ceo@example.test"));
    let real = dsn(
        "s2@example.test",
        "5.1.1",
        "550 5.1.1 no such user",
        "m1@sender.test",
    );
    assert_eq!(
        deliver(&s, "bounces@bounces.localhost", &real)["state"],
        "applied"
    );
    assert!(!eligible(&s, &k, "s2@example.test"));
    assert!(eligible(&s, &k, "s1@example.test"));
    // The account speaking for itself (its own key) may still name anyone.
    let own = s.bounce(&k, &forged);
    assert_eq!(own["records"][0]["recipient"], "ceo@example.test", "{own}");
    assert!(!eligible(&s, &k, "ceo@example.test"));
}

#[test]
fn three_accounts_message_ids_cannot_globally_bounce_an_outsider() {
    let s = Server::fresh("trust-global", &["--test-clock", T0]);
    let accounts: Vec<String> = (0..4).map(|i| s.account(&format!("a{i}")).1).collect();
    for (i, key) in accounts[..3].iter().enumerate() {
        let mid = format!("<m{i}@sender{i}.test>");
        log_send(&s, key, &[&format!("reader{i}@example.test")], &mid);
        let forged = dsn(
            "victim@example.test",
            "5.1.1",
            "550 5.1.1 no such user",
            mid.trim_matches(['<', '>']),
        );
        assert_eq!(
            deliver(&s, "bounces@bounces.localhost", &forged)["state"],
            "unmatched"
        );
    }
    let c = s.contact(&accounts[3], "victim@example.test");
    assert_eq!(
        (c["eligible"].clone(), c["suppression"].clone()),
        (json!(true), Value::Null),
        "{c}"
    );
}

#[test]
fn a_message_id_logged_by_two_accounts_matches_neither() {
    let s = Server::fresh("trust-shared-mid", &["--test-clock", T0]);
    let (_, a) = s.account("a");
    let (_, b) = s.account("b");
    log_send(&s, &a, &["reader@example.test"], "<shared@sender.test>");
    // B copies A's Message-ID to read A's bounces.
    log_send(&s, &b, &["reader@example.test"], "<shared@sender.test>");
    let report = dsn(
        "reader@example.test",
        "5.1.1",
        "550 5.1.1 secret diagnostic of A",
        "shared@sender.test",
    );
    let row = deliver(&s, "bounces@bounces.localhost", &report);
    assert_eq!(row["state"], "unmatched", "{row}");
    assert!(row["note"].as_str().unwrap().contains("ambiguous"), "{row}");
    let seen_by_b = s.contact(&b, "reader@example.test");
    assert!(
        !seen_by_b.to_string().contains("secret diagnostic"),
        "{seen_by_b}"
    );
    // Rebound's own Message-IDs (at the bounce domains) cannot be logged by an account.
    let (st, v) = s.call(
        "POST",
        "/api/v1/sends",
        Some(&b),
        Some(
            json!({"recipients": ["r@example.test"], "message_id": "<e1.00ff@bounces.localhost>"}),
        ),
    );
    assert_eq!(st, 400, "{v}");
}

#[test]
fn ids_are_never_handed_out_again_and_child_rows_stay_in_their_account() {
    const SECRET_KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    let s = Server::fresh(
        "trust-ids",
        &[
            "--secret-key",
            SECRET_KEY,
            "--inbox-allow-hosts",
            "127.0.0.1/32",
        ],
    );
    let (_, a) = s.account("a");
    let (_, b) = s.account("b");
    let inbox = json!({"host": "127.0.0.1", "port": common::free_port(), "tls": "none",
                       "username": "u", "password": "p"});
    let (st, v) = s.call("POST", "/api/v1/inboxes", Some(&a), Some(inbox.clone()));
    assert_eq!(st, 201, "{v}");
    let first = v["id"].as_i64().unwrap();
    let (st, v) = s.call(
        "POST",
        &format!("/api/v1/inboxes/{first}/sent"),
        Some(&a),
        Some(
            json!({"message_id": "<private@a.test>", "to": ["friend@example.test"],
                    "subject": "private", "at": T0}),
        ),
    );
    assert_eq!(st, 201, "{v}");
    // Another account cannot delete it (and nothing of it is touched).
    let (st, _) = s.call(
        "DELETE",
        &format!("/api/v1/inboxes/{first}"),
        Some(&b),
        None,
    );
    assert_eq!(st, 404);
    let (st, v) = s.call("GET", &format!("/api/v1/inboxes/{first}"), Some(&a), None);
    assert_eq!((st, v["sends"].clone()), (200, json!(1)), "{v}");
    let (st, _) = s.call(
        "DELETE",
        &format!("/api/v1/inboxes/{first}"),
        Some(&a),
        None,
    );
    assert_eq!(st, 204);
    // The next inbox, in another account, gets a new id and sees nothing of the old one.
    let (st, v) = s.call("POST", "/api/v1/inboxes", Some(&b), Some(inbox));
    assert_eq!(st, 201, "{v}");
    let second = v["id"].as_i64().unwrap();
    assert!(second > first, "id {first} was handed out again");
    let (_, v) = s.call("GET", &format!("/api/v1/inboxes/{second}"), Some(&b), None);
    assert_eq!(v["sends"], json!(0), "{v}");
    let (_, v) = s.call(
        "GET",
        &format!("/api/v1/inboxes/{second}/bounces"),
        Some(&b),
        None,
    );
    assert!(!v.to_string().contains("private"), "{v}");
    // Accounts too: a new account never gets an old id.
    let (c_id, _) = s.account("c");
    assert!(c_id > 2);
}

#[test]
fn the_gate_has_one_spelling_per_address() {
    let s = Server::fresh("trust-spelling", &["--test-clock", T0]);
    let (_, k) = s.account("a");
    for address in ["x@example.org", "idn@bücher.example"] {
        s.event(
            &k,
            json!({"recipient": address, "reply": "550 5.1.1 user unknown"}),
        );
    }
    let spellings = [
        "\"x\"@example.org",
        "X@Example.ORG",
        "x@example.org\u{200b}",
        "x\u{200b}@example.org",
        "idn@xn--bcher-kva.example",
        "idn@bu\u{308}cher.example",
        "IDN@BÜCHER.example",
    ];
    let (_, v) = s.call(
        "POST",
        "/api/v1/check",
        Some(&k),
        Some(json!({ "addresses": spellings })),
    );
    for r in v["results"].as_array().unwrap() {
        assert_eq!(r["eligible"], false, "{r}");
    }
    // The same holds for the contact view and for events: one address, one history.
    let c = s.contact(&k, "\"x\"@example.org");
    assert_eq!(c["address"], "x@example.org");
    let c = s.contact(&k, "idn@bu\u{308}cher.example");
    assert_eq!(c["address"], "idn@xn--bcher-kva.example");
    for bad in [
        "user@@example.org",
        "a..b@example.org",
        "x@exa\u{ad}mple.org",
    ] {
        let (st, v) = s.call(
            "POST",
            "/api/v1/events",
            Some(&k),
            Some(json!({"recipient": bad, "reply": "550 5.1.1 user unknown"})),
        );
        assert_eq!(
            (st, v["error"]["code"].clone()),
            (422, json!("invalid_address")),
            "{bad}"
        );
    }
}

#[test]
fn one_big_request_cannot_stall_the_write_path() {
    let s = Server::fresh("trust-stall", &["--test-clock", T0]);
    let (_, a) = s.account("a");
    let (_, b) = s.account("b");
    let too_many: Vec<String> = (0..10_001).map(|i| format!("u{i}@big.test")).collect();
    let (st, v) = s.call(
        "POST",
        "/api/v1/sends",
        Some(&a),
        Some(json!({"recipients": too_many, "message_id": "<big@a.test>"})),
    );
    assert_eq!(
        (st, v["error"]["code"].clone()),
        (413, json!("too_large")),
        "{v}"
    );
    let (st, _) = s.call(
        "POST",
        "/api/v1/check",
        Some(&a),
        Some(json!({"addresses": vec!["x@y.test"; 100_001]})),
    );
    assert_eq!(st, 413);
    // The largest allowed send, and meanwhile another account's event: it is written
    // between the big send's chunks, not after all of them.
    let big: Vec<String> = (0..10_000).map(|i| format!("u{i}@big.test")).collect();
    let started = Instant::now();
    let big_done = std::thread::scope(|scope| {
        let writer = scope.spawn(|| {
            let (st, v) = s.call(
                "POST",
                "/api/v1/sends",
                Some(&a),
                Some(json!({"recipients": big, "message_id": "<big@a.test>"})),
            );
            assert_eq!(st, 200, "{v}");
            started.elapsed()
        });
        std::thread::sleep(Duration::from_millis(150));
        let v = s.event(
            &b,
            json!({"recipient": "other@example.test", "reply": "550 5.1.1 no"}),
        );
        let event_done = started.elapsed();
        assert_eq!(v["recorded"], true);
        let big_done = writer.join().unwrap();
        assert!(
            event_done < big_done,
            "B's event waited for all of A's send: {event_done:?} vs {big_done:?}"
        );
        big_done
    });
    assert!(
        big_done > Duration::from_millis(150),
        "the big send was too quick to tell"
    );
}

#[test]
fn comments_in_a_recipient_address_are_removed_not_the_text_before_them() {
    let s = Server::fresh("trust-comments", &["--test-clock", T0]);
    let (_, k) = s.account("a");
    // RFC 5322 §3.2.2: a comment may stand between the tokens of an address.
    let report = dsn(
        "ab(c)d@example.org",
        "5.1.1",
        "550 5.1.1 no such user",
        "m@x.test",
    );
    let v = s.bounce(&k, &report);
    assert_eq!(v["records"][0]["recipient"], "abd@example.org", "{v}");
    assert!(eligible(&s, &k, "d@example.org"));
    assert!(!eligible(&s, &k, "abd@example.org"));
}
