//! Black-box tests of `rebound serve`: each starts the binary on a temporary SQLite file and
//! drives one rule of SPEC §2–4 over HTTP (issue 3).

mod common;

use common::{ADMIN, Server, dsn};
use serde_json::{Value, json};

const T0: &str = "2026-03-01T00:00:00Z";

fn kinds(contact: &Value) -> Vec<String> {
    contact["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            format!(
                "{}/{}",
                h["kind"].as_str().unwrap(),
                h["type"].as_str().unwrap_or("-")
            )
        })
        .collect()
}

#[test]
fn hard_bounce_suppresses_marketing_soft_does_not() {
    let s = Server::fresh("hard-soft", &["--test-clock", T0]);
    let (_, k) = s.account("a");
    s.event(&k, json!({"recipient": "Hard@Example.test", "reply": "550 5.1.1 <hard@example.test>: Recipient address rejected: User unknown"}));
    // A final report on a temporary failure: a soft bounce.
    let soft = dsn(
        "soft@example.test",
        "4.4.7",
        "451 4.4.1 connection timed out",
        "s1@sender.test",
    );
    let r = s.bounce(&k, &soft.replace("Action: delayed", "Action: failed"));
    assert_eq!(r["records"][0]["type"], "soft", "{r}");
    let hard = s.contact(&k, "hard@example.test");
    assert_eq!(hard["eligible"], false);
    assert_eq!(hard["email_hard_bounce_reason"], "unknown_user");
    assert_eq!(hard["suppression"]["scope"], "account");
    let (_, check) = s.call(
        "POST",
        "/api/v1/check",
        Some(&k),
        Some(json!({"addresses": ["HARD@example.test", "soft@example.test", "new@example.test"]})),
    );
    let r = check["results"].as_array().unwrap();
    assert_eq!(
        (r[0]["eligible"].clone(), r[0]["reason"].clone()),
        (json!(false), json!("unknown_user"))
    );
    assert_eq!(
        r[1]["eligible"], true,
        "a soft bounce keeps the contact eligible"
    );
    assert_eq!(r[2]["eligible"], true);
}

#[test]
fn pending_4xx_at_t_becomes_soft_bounce_after_72_hours() {
    let s = Server::fresh("pending", &["--test-clock", T0]);
    let (_, k) = s.account("a");
    s.event(&k, json!({"recipient": "grey@example.test", "reply": "451 4.7.1 Greylisted, please try again later", "email_id": "e1"}));
    let c = s.contact(&k, "grey@example.test");
    assert_eq!(kinds(&c), ["pending/pending"]);
    assert_eq!(c["history"][0]["reason"], "security_filter");
    s.set_clock("2026-03-03T23:59:59Z");
    assert_eq!(
        kinds(&s.contact(&k, "grey@example.test")),
        ["pending/pending"],
        "still within 72 h"
    );
    s.set_clock("2026-03-04T00:00:00Z");
    let c = s.contact(&k, "grey@example.test");
    assert_eq!(kinds(&c), ["pending/pending", "bounce/soft"]);
    let soft = &c["history"][1];
    assert_eq!(soft["cause"], "expired");
    assert_eq!(
        soft["reason"], "security_filter",
        "the last temporary failure's reason"
    );
    assert_eq!(soft["at"], "2026-03-04T00:00:00Z");
    assert_eq!(c["eligible"], true);
}

#[test]
fn pending_cleared_by_delivery_within_72_hours() {
    let s = Server::fresh("pending-delivered", &["--test-clock", T0]);
    let (_, k) = s.account("a");
    s.event(&k, json!({"recipient": "slow@example.test", "reply": "421 4.3.0 Service temporarily unavailable", "email_id": "e1"}));
    s.event(&k, json!({"recipient": "slow@example.test", "reply": "250 2.0.0 Ok: queued", "email_id": "e1", "at": "2026-03-03T12:00:00Z"}));
    s.set_clock("2026-03-10T00:00:00Z");
    assert_eq!(
        kinds(&s.contact(&k, "slow@example.test")),
        ["pending/pending", "delivered/-"]
    );
}

#[test]
fn pending_is_correct_when_events_arrive_late() {
    let s = Server::fresh("pending-late", &["--test-clock", T0]);
    let (_, k) = s.account("a");
    // A temporary failure reported four days after it happened is already a soft bounce.
    s.event(&k, json!({"recipient": "late@example.test", "reply": "450 4.2.1 Mailbox busy", "at": "2026-02-25T00:00:00Z"}));
    let c = s.contact(&k, "late@example.test");
    assert_eq!(kinds(&c), ["pending/pending", "bounce/soft"]);
    assert_eq!(c["history"][1]["at"], "2026-02-28T00:00:00Z");
    // A delivery inside the window, reported even later, undoes that soft bounce.
    s.event(
        &k,
        json!({"recipient": "late@example.test", "reply": "250 ok", "at": "2026-02-26T00:00:00Z"}),
    );
    assert_eq!(
        kinds(&s.contact(&k, "late@example.test")),
        ["pending/pending", "delivered/-"]
    );
}

fn unknown_user(s: &Server, key: &str, address: &str, at: &str) {
    s.event(key, json!({"recipient": address, "reply": "550 5.1.1 The email account that you tried to reach does not exist", "at": at}));
}

#[test]
fn global_bounce_three_accounts_within_60_days() {
    let s = Server::fresh("global", &["--test-clock", "2026-06-01T00:00:00Z"]);
    let keys: Vec<String> = (1..=4).map(|i| s.account(&format!("acct{i}")).1).collect();
    unknown_user(&s, &keys[0], "gone@example.test", "2026-03-01T00:00:00Z");
    unknown_user(&s, &keys[1], "gone@example.test", "2026-03-20T00:00:00Z");
    assert_eq!(
        s.contact(&keys[3], "gone@example.test")["eligible"],
        true,
        "two accounts are not enough"
    );
    unknown_user(&s, &keys[2], "gone@example.test", "2026-04-29T00:00:00Z");
    let c = s.contact(&keys[3], "gone@example.test");
    assert_eq!(c["eligible"], false);
    assert_eq!(c["suppression"]["scope"], "global");
    assert_eq!(c["suppression"]["reason"], "unknown_user");
    assert_eq!(
        c["email_hard_bounce_reason"],
        Value::Null,
        "never hard-bounced in this account"
    );
    assert_eq!(c["history"], json!([]), "the account's own history only");
    let (_, r) = s.call(
        "POST",
        "/api/v1/check",
        Some(&keys[3]),
        Some(json!({"addresses": ["gone@example.test"]})),
    );
    assert_eq!(r["results"][0]["scope"], "global");
    let (_, page) = s.call(
        "GET",
        "/api/v1/suppressions?scope=global",
        Some(&keys[3]),
        None,
    );
    assert_eq!(page["suppressions"][0]["address"], "gone@example.test");
}

#[test]
fn global_bounce_not_when_spread_over_90_days() {
    let s = Server::fresh("global-90", &["--test-clock", "2026-06-01T00:00:00Z"]);
    let keys: Vec<String> = (1..=4).map(|i| s.account(&format!("acct{i}")).1).collect();
    unknown_user(&s, &keys[0], "spread@example.test", "2026-01-01T00:00:00Z");
    unknown_user(&s, &keys[1], "spread@example.test", "2026-02-15T00:00:00Z");
    unknown_user(&s, &keys[2], "spread@example.test", "2026-04-01T00:00:00Z");
    let c = s.contact(&keys[3], "spread@example.test");
    assert_eq!(c["eligible"], true);
    assert_eq!(c["suppression"], Value::Null);
}

#[test]
fn global_bounce_counts_only_permanent_reasons() {
    let s = Server::fresh("global-spam", &["--test-clock", T0]);
    let keys: Vec<String> = (1..=4).map(|i| s.account(&format!("acct{i}")).1).collect();
    for k in &keys[..3] {
        s.event(k, json!({"recipient": "strict@example.test", "reply": "554 5.7.1 Message rejected as spam by content filter"}));
    }
    assert_eq!(s.contact(&keys[3], "strict@example.test")["eligible"], true);
}

#[test]
fn unbounce_allowed_for_content_spam_policy_other() {
    let s = Server::fresh("unbounce-ok", &["--test-clock", T0]);
    let (_, k) = s.account("a");
    s.event(&k, json!({"recipient": "filter@example.test", "reply": "554 5.7.1 Message rejected as spam by content filter"}));
    let c = s.contact(&k, "filter@example.test");
    assert_eq!(
        (c["eligible"].clone(), c["email_hard_bounce_reason"].clone()),
        (json!(false), json!("spam"))
    );
    assert_eq!(c["unbounce"]["allowed"], true);
    let (st, c) = s.call(
        "POST",
        "/api/v1/contacts/filter@example.test/unbounce",
        Some(&k),
        Some(json!({"note": "allow-listed our IPs"})),
    );
    assert_eq!(st, 200, "{c}");
    assert_eq!(c["eligible"], true);
    let last = c["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (
            last["kind"].clone(),
            last["note"].clone(),
            last["actor"].clone()
        ),
        (
            json!("unbounce"),
            json!("allow-listed our IPs"),
            json!("account")
        )
    );
}

#[test]
fn unbounce_refused_for_unknown_user_and_mailbox_full() {
    let s = Server::fresh("unbounce-refused", &["--test-clock", T0]);
    let (id, k) = s.account("a");
    unknown_user(&s, &k, "nobody@example.test", T0);
    s.event(
        &k,
        json!({"recipient": "full@example.test", "reply": "552 5.2.2 Mailbox full"}),
    );
    for (address, reason) in [
        ("nobody@example.test", "unknown_user"),
        ("full@example.test", "mailbox_full"),
    ] {
        let (st, e) = s.call(
            "POST",
            &format!("/api/v1/contacts/{address}/unbounce"),
            Some(&k),
            Some(json!({"note": "please"})),
        );
        assert_eq!(st, 409);
        assert_eq!(e["error"]["code"], "permanent_reason");
        assert!(
            e["error"]["message"].as_str().unwrap().contains(reason),
            "{e}"
        );
        assert_eq!(s.contact(&k, address)["eligible"], false);
    }
    // The operator can lift it explicitly; it is audited in the history.
    let path = format!("/api/v1/contacts/nobody@example.test/unbounce?account={id}");
    let (st, _) = s.call(
        "POST",
        &path,
        Some(ADMIN),
        Some(json!({"note": "address verified by phone"})),
    );
    assert_eq!(st, 409, "not without override");
    let (st, c) = s.call(
        "POST",
        &path,
        Some(ADMIN),
        Some(json!({"note": "address verified by phone", "override": true})),
    );
    assert_eq!(st, 200, "{c}");
    assert_eq!(c["eligible"], true);
    assert_eq!(
        c["history"].as_array().unwrap().last().unwrap()["actor"],
        "operator"
    );
}

#[test]
fn unbounce_refused_for_global_operator_lifts_it() {
    let s = Server::fresh("unbounce-global", &["--test-clock", T0]);
    let keys: Vec<String> = (1..=4).map(|i| s.account(&format!("acct{i}")).1).collect();
    for k in &keys[..3] {
        unknown_user(&s, k, "everywhere@example.test", T0);
    }
    let (st, e) = s.call(
        "POST",
        "/api/v1/contacts/everywhere@example.test/unbounce",
        Some(&keys[3]),
        None,
    );
    assert_eq!(
        (st, e["error"]["code"].clone()),
        (409, json!("global_bounce"))
    );
    let (st, _) = s.call(
        "DELETE",
        "/api/v1/global-bounces/everywhere@example.test",
        Some(&keys[3]),
        None,
    );
    assert_eq!(st, 403, "an account key cannot lift a global bounce");
    let (st, _) = s.call(
        "DELETE",
        "/api/v1/global-bounces/everywhere@example.test",
        Some(ADMIN),
        Some(json!({"note": "reactivated"})),
    );
    assert_eq!(st, 204);
    assert_eq!(
        s.contact(&keys[3], "everywhere@example.test")["eligible"],
        true
    );
    assert_eq!(
        s.contact(&keys[0], "everywhere@example.test")["eligible"],
        false,
        "account bounce stays"
    );
    let (st, _) = s.call(
        "DELETE",
        "/api/v1/global-bounces/everywhere@example.test",
        Some(ADMIN),
        None,
    );
    assert_eq!(st, 404);
}

#[test]
fn tenant_isolation_other_account_can_neither_read_nor_unbounce() {
    let s = Server::fresh("tenants", &["--test-clock", T0]);
    let (_, a) = s.account("a");
    let (_, b) = s.account("b");
    s.event(
        &a,
        json!({"recipient": "private@example.test", "reply": "554 5.7.1 rejected: spam content"}),
    );
    let seen_by_b = s.contact(&b, "private@example.test");
    assert_eq!(seen_by_b["eligible"], true);
    assert_eq!(seen_by_b["history"], json!([]));
    let (st, _) = s.call(
        "POST",
        "/api/v1/contacts/private@example.test/unbounce",
        Some(&b),
        None,
    );
    assert_eq!(st, 409);
    assert_eq!(
        s.contact(&a, "private@example.test")["eligible"],
        false,
        "A's suppression untouched"
    );
    let (_, page) = s.call("GET", "/api/v1/suppressions", Some(&b), None);
    assert_eq!(page["suppressions"], json!([]));
    let (st, _) = s.call(
        "GET",
        "/api/v1/contacts/private@example.test",
        Some("rb_wrong"),
        None,
    );
    assert_eq!(st, 401);
    let (st, _) = s.call("GET", "/api/v1/contacts/private@example.test", None, None);
    assert_eq!(st, 401);
    let (st, _) = s.call(
        "POST",
        "/api/v1/accounts",
        Some(&a),
        Some(json!({"name": "x"})),
    );
    assert_eq!(st, 403);
}

fn arf(recipient: &str) -> String {
    format!(
        "From: feedback@isp.test\r\nTo: abuse@sender.test\r\nSubject: FW: complaint\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/report; report-type=feedback-report; boundary=\"arf\"\r\n\r\n\
--arf\r\nContent-Type: text/plain\r\n\r\nA user marked this message as spam.\r\n\r\n\
--arf\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\nUser-Agent: isp-fbl/1.0\r\nVersion: 1\r\n\
Original-Rcpt-To: {recipient}\r\nArrival-Date: Sun, 1 Mar 2026 00:00:00 +0000\r\n\r\n\
--arf\r\nContent-Type: message/rfc822\r\n\r\nFrom: news@sender.test\r\nTo: {recipient}\r\nSubject: Our news\r\n\
Message-ID: <n1@sender.test>\r\n\r\nHello\r\n--arf--\r\n"
    )
}

#[test]
fn complaints_unsubscribe() {
    let s = Server::fresh("complaint", &["--test-clock", T0]);
    let (_, k) = s.account("a");
    let r = s.bounce(&k, &arf("angry@example.test"));
    assert_eq!(r["records"][0]["kind"], "complaint", "{r}");
    let c = s.contact(&k, "angry@example.test");
    assert_eq!(c["eligible"], false);
    assert_eq!(c["suppression"]["reason"], "spam_report");
    assert_eq!(
        c["email_hard_bounce_reason"],
        Value::Null,
        "a complaint is not a bounce"
    );
}

#[test]
fn auto_replies_and_delivery_notices_never_suppress() {
    let s = Server::fresh("autoreply", &["--test-clock", T0]);
    let (_, k) = s.account("a");
    let ooo = "From: Away Person <away@example.test>\r\nTo: news@sender.test\r\nSubject: Out of office: Our news\r\n\
Auto-Submitted: auto-replied\r\nMessage-ID: <ooo1@example.test>\r\n\r\nI am out of the office until Monday.\r\n";
    let r = s.bounce(&k, ooo);
    assert!(
        r["records"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["kind"] == "auto_reply"),
        "{r}"
    );
    let delivered = dsn(
        "fine@example.test",
        "2.0.0",
        "250 2.0.0 Ok",
        "n2@sender.test",
    )
    .replace("Action: failed", "Action: delivered");
    let r = s.bounce(&k, &delivered);
    assert_eq!(r["records"][0]["kind"], "delivered", "{r}");
    let (_, res) = s.call(
        "POST",
        "/api/v1/check",
        Some(&k),
        Some(json!({"addresses": ["away@example.test", "fine@example.test"]})),
    );
    assert!(
        res["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["eligible"] == true),
        "{res}"
    );
}

#[test]
fn bounce_matched_to_its_send_by_quoted_message_id() {
    let s = Server::fresh("match", &["--test-clock", T0]);
    let (_, k) = s.account("a");
    let (st, v) = s.call("POST", "/api/v1/sends", Some(&k), Some(json!({"recipients": ["m@example.test"], "message_id": "<c1.m@sender.test>", "email_id": "spring"})));
    assert_eq!((st, v["recorded"].clone()), (200, json!(1)));
    let r = s.bounce(
        &k,
        &dsn(
            "m@example.test",
            "5.1.1",
            "550 5.1.1 user unknown",
            "c1.m@sender.test",
        ),
    );
    assert_eq!(r["matched"], "message_id", "{r}");
    assert_eq!(r["email_id"], "spring");
    assert_eq!(r["records"][0]["email_id"], "spring");
    assert_eq!(r["records"][0]["remote_mta"], "mx.recipient.test");
    assert_eq!(
        kinds(&s.contact(&k, "m@example.test")),
        ["sent/-", "bounce/hard"]
    );
}

#[test]
fn idempotency_same_bounce_or_event_twice_counts_once() {
    let s = Server::fresh("idempotent", &["--test-clock", T0]);
    let (_, k) = s.account("a");
    let e = json!({"recipient": "twice@example.test", "reply": "550 5.1.1 no such user", "at": T0});
    assert_eq!(s.event(&k, e.clone())["recorded"], true);
    assert_eq!(s.event(&k, e)["recorded"], false);
    let msg = dsn(
        "twice2@example.test",
        "5.1.1",
        "550 5.1.1 user unknown",
        "x@sender.test",
    );
    assert_eq!(s.bounce(&k, &msg)["new_message"], true);
    let again = s.bounce(&k, &msg);
    assert_eq!(
        (
            again["new_message"].clone(),
            again["records"][0]["recorded"].clone()
        ),
        (json!(false), json!(false))
    );
    assert_eq!(
        s.contact(&k, "twice@example.test")["history"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        s.contact(&k, "twice2@example.test")["history"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn bounces_belong_to_the_address_not_the_contact_record() {
    let s = Server::fresh("address", &["--test-clock", T0]);
    let (_, k) = s.account("a");
    unknown_user(&s, &k, "<Old.Address@Example.TEST>", T0);
    unknown_user(&s, &k, "taken@example.test", T0);
    let put = |address: &str| {
        let (st, v) = s.call(
            "PUT",
            "/api/v1/contact-records/crm-42",
            Some(&k),
            Some(json!({"address": address})),
        );
        assert_eq!(st, 200, "{v}");
        v["contact"].clone()
    };
    assert_eq!(
        put("old.address@example.test")["eligible"],
        false,
        "any spelling of the address"
    );
    // A new address carries none of the old one's bounces…
    let c = put("new.address@example.test");
    assert_eq!(
        (c["eligible"].clone(), c["email_hard_bounce_reason"].clone()),
        (json!(true), Value::Null)
    );
    // …and moving to an address that already bounced makes the contact ineligible.
    put("taken@example.test");
    let (_, v) = s.call("GET", "/api/v1/contact-records/crm-42", Some(&k), None);
    assert_eq!(
        (
            v["contact"]["address"].clone(),
            v["contact"]["eligible"].clone()
        ),
        (json!("taken@example.test"), json!(false))
    );
    let (st, _) = s.call("GET", "/api/v1/contact-records/nobody", Some(&k), None);
    assert_eq!(st, 404);
}

#[test]
fn time_limited_profile_suppresses_spam_for_30_days_then_once_more_for_good() {
    let s = Server::fresh(
        "time-limited",
        &["--test-clock", T0, "--profile", "time-limited"],
    );
    let (_, k) = s.account("a");
    let spam = "554 5.7.1 Message rejected as spam by content filter";
    s.event(&k, json!({"recipient": "tl@example.test", "reply": spam}));
    let c = s.contact(&k, "tl@example.test");
    assert_eq!(
        (c["eligible"].clone(), c["suppression"]["until"].clone()),
        (json!(false), json!("2026-03-31T00:00:00Z"))
    );
    s.set_clock("2026-03-31T00:00:00Z");
    assert_eq!(s.contact(&k, "tl@example.test")["eligible"], true);
    s.event(
        &k,
        json!({"recipient": "tl@example.test", "reply": spam, "at": "2026-04-01T00:00:00Z"}),
    );
    let c = s.contact(&k, "tl@example.test");
    assert_eq!(
        (c["eligible"].clone(), c["suppression"]["until"].clone()),
        (json!(false), Value::Null)
    );
    // Unknown users stay suppressed for good under this profile too.
    unknown_user(&s, &k, "gone@example.test", "2026-03-31T00:00:00Z");
    assert_eq!(
        s.contact(&k, "gone@example.test")["suppression"]["until"],
        Value::Null
    );
}

#[test]
fn restart_loses_nothing_acknowledged() {
    let s = Server::fresh("restart", &["--test-clock", T0]);
    let (_, k) = s.account("a");
    for i in 0..20 {
        unknown_user(&s, &k, &format!("u{i}@example.test"), T0);
    }
    s.event(
        &k,
        json!({"recipient": "p@example.test", "reply": "451 4.7.1 try later"}),
    );
    let db = s.kill(); // SIGKILL: no graceful shutdown
    let s = Server::start(&db, &["--test-clock", T0]);
    let (_, r) = s.call(
        "POST",
        "/api/v1/check",
        Some(&k),
        Some(
            json!({"addresses": (0..20).map(|i| format!("u{i}@example.test")).collect::<Vec<_>>()}),
        ),
    );
    assert!(
        r["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["eligible"] == false),
        "{r}"
    );
    assert_eq!(kinds(&s.contact(&k, "p@example.test")), ["pending/pending"]);
    s.set_clock("2026-03-05T00:00:00Z");
    assert_eq!(
        kinds(&s.contact(&k, "p@example.test")),
        ["pending/pending", "bounce/soft"]
    );
}

#[test]
fn bad_input_gets_clear_json_errors_never_500() {
    let s = Server::fresh("bad-input", &[]);
    let (_, k) = s.account("a");
    let cases: &[(&str, &str, &[u8], u16)] = &[
        ("POST", "/api/v1/events", b"{", 400),
        (
            "POST",
            "/api/v1/events",
            b"{\"recipient\": \"no-at-sign\", \"reply\": \"550 x\"}",
            422,
        ),
        (
            "POST",
            "/api/v1/events",
            b"{\"recipient\": \"a@b.test\", \"reply\": \"\"}",
            400,
        ),
        (
            "POST",
            "/api/v1/events",
            b"{\"recipient\": \"a@b.test\", \"reply\": \"550\", \"at\": \"yesterday\"}",
            400,
        ),
        (
            "POST",
            "/api/v1/events",
            b"{\"recipient\": \"a@b.test\", \"reply\": \"550\", \"extra\": 1}",
            400,
        ),
        ("POST", "/api/v1/check", b"{\"addresses\": 5}", 400),
        ("POST", "/api/v1/bounces", b"", 400),
        ("GET", "/api/v1/suppressions?scope=planet", b"", 400),
        ("GET", "/api/v1/suppressions?cursor=zzz", b"", 400),
        ("GET", "/api/v1/contacts/not-an-address", b"", 422),
        ("GET", "/api/v1/nowhere", b"", 404),
        ("DELETE", "/api/v1/check", b"", 405),
    ];
    for (method, path, body, want) in cases {
        let (st, resp) = s.raw(method, path, Some(&k), "application/json", body);
        let v: Value = serde_json::from_slice(&resp)
            .unwrap_or_else(|_| panic!("{path}: not JSON: {}", String::from_utf8_lossy(&resp)));
        assert_eq!(st, *want, "{method} {path}: {v}");
        assert!(
            v["error"]["code"].is_string() && v["error"]["message"].is_string(),
            "{v}"
        );
    }
    // Garbage as a bounce is read (no records), not an error; the server is still fine.
    let r = s.bounce(&k, "\u{1}\u{2} not a message at all");
    assert_eq!(r["records"], json!([]));
    let big = vec![b'x'; 17 << 20];
    let (st, _) = s.raw("POST", "/api/v1/bounces", Some(&k), "message/rfc822", &big);
    assert_eq!(st, 413);
    let (st, v) = s.call("GET", "/healthz", None, None);
    assert_eq!((st, v["status"].clone()), (200, json!("ok")));
}

#[test]
fn suppressions_list_pages_and_csv_export() {
    let s = Server::fresh("csv", &["--test-clock", T0]);
    let (_, k) = s.account("a");
    for i in 0..5 {
        unknown_user(&s, &k, &format!("c{i}@example.test"), T0);
    }
    s.bounce(&k, &arf("c1@example.test"));
    let (_, p1) = s.call("GET", "/api/v1/suppressions?limit=3", Some(&k), None);
    assert_eq!(p1["suppressions"].as_array().unwrap().len(), 3);
    let cursor = p1["next_cursor"].as_str().unwrap().to_string();
    let (_, p2) = s.call(
        "GET",
        &format!("/api/v1/suppressions?limit=10&cursor={cursor}"),
        Some(&k),
        None,
    );
    assert_eq!(
        p2["suppressions"].as_array().unwrap().len(),
        3,
        "5 bounces + 1 complaint"
    );
    let (_, p) = s.call(
        "GET",
        "/api/v1/suppressions?reason=spam_report",
        Some(&k),
        None,
    );
    assert_eq!(p["suppressions"].as_array().unwrap().len(), 1);
    let (st, csv) = s.raw("GET", "/api/v1/suppressions.csv", Some(&k), "", b"");
    assert_eq!(st, 200);
    let csv = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("address,account_bounce_reason,"));
    assert_eq!(lines.len(), 6);
    assert!(lines.contains(&"c1@example.test,unknown_user,2026-03-01T00:00:00Z,,false,,true,true,2026-03-01T00:00:00Z"), "{csv}");
}

#[test]
fn openapi_metrics_and_health_are_served() {
    let s = Server::fresh("docs", &[]);
    let (st, doc) = s.call("GET", "/api/openapi.json", None, None);
    assert_eq!(st, 200);
    for path in [
        "/accounts",
        "/bounces",
        "/events",
        "/sends",
        "/contacts/{address}",
        "/contacts/{address}/unbounce",
        "/check",
        "/suppressions",
        "/suppressions.csv",
        "/global-bounces/{address}",
        "/sweep",
        "/clock",
    ] {
        assert!(
            doc["paths"][format!("/api/v1{path}")].is_object(),
            "{path} undocumented"
        );
    }
    let (_, k) = s.account("a");
    s.call(
        "POST",
        "/api/v1/check",
        Some(&k),
        Some(json!({"addresses": ["x@example.test"]})),
    );
    let (st, m) = s.raw("GET", "/metrics", None, "", b"");
    let m = String::from_utf8(m).unwrap();
    assert_eq!(st, 200);
    assert!(m.contains("rebound_check_addresses_total 1"), "{m}");
}

#[test]
fn pending_sweeper_turns_windows_into_soft_bounces_on_time() {
    // The system clock and a one-second sweeper: nobody asks, the soft bounce appears.
    let s = Server::fresh("sweeper", &["--sweep-interval", "1"]);
    let (_, k) = s.account("a");
    let now = rebound_ledger::Clock::system().now();
    let at = now
        .plus(-72 * rebound_ledger::time::HOUR + 2_000)
        .to_rfc3339();
    s.event(&k, json!({"recipient": "wait@example.test", "reply": "452 4.2.2 Mailbox full, try later", "at": at}));
    assert_eq!(
        kinds(&s.contact(&k, "wait@example.test")),
        ["pending/pending"]
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let k2 = kinds(&s.contact(&k, "wait@example.test"));
        if k2 == ["pending/pending", "bounce/soft"] {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no soft bounce after the window: {k2:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
}
