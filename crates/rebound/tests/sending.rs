//! Marketing sends delivered by Rebound straight to a scripted remote server (issue 4): every
//! SMTP reply becomes an event; the recipients view shows each recipient's type and reason; the
//! 72-hour window works with a test clock; a second campaign skips the hard-bounced.

mod common;

use common::{Server, by_address, campaign, recipients, scripted_remote, wait_until};
use serde_json::json;

const T0: &str = "2026-03-01T00:00:00Z";

#[test]
fn direct_delivery_replies_become_events_and_the_recipients_view_shows_them() {
    let (remote, accepted) = scripted_remote();
    let transport = format!("remote.test={remote}");
    let s = Server::fresh(
        "send-direct",
        &["--test-clock", T0, "--transport", &transport],
    );
    let (_, k) = s.account("a");
    let first = campaign(&s, &k, "Spring news");
    let (st, v) = s.call(
        "POST",
        &format!("/api/v1/emails/{first}/send"),
        Some(&k),
        None,
    );
    assert_eq!(
        (st, v["queued"].clone(), v["not_sent"].clone()),
        (200, json!(6), json!(0)),
        "{v}"
    );
    wait_until("every recipient to get a reply", || {
        recipients(&s, &k, first)
            .iter()
            .all(|r| r["status"] != "sent")
    });
    let rs = recipients(&s, &k, first);
    let expect = [
        ("unknown@remote.test", "bounced", "hard", "unknown_user"),
        ("full@remote.test", "bounced", "hard", "mailbox_full"),
        ("spam@remote.test", "bounced", "hard", "spam"),
        (
            "dmarc@remote.test",
            "bounced",
            "soft",
            "sender_not_authorized",
        ),
        ("grey@remote.test", "pending", "pending", "security_filter"),
    ];
    for (address, status, t, reason) in expect {
        let r = by_address(&rs, address);
        assert_eq!(
            (
                r["status"].as_str(),
                r["type"].as_str(),
                r["reason"].as_str()
            ),
            (Some(status), Some(t), Some(reason)),
            "{r}"
        );
        assert!(
            r["diagnostic"].as_str().unwrap().len() > 10,
            "the full response: {r}"
        );
        assert!(
            r["remote_mta"].as_str().unwrap().contains("127.0.0.1"),
            "{r}"
        );
    }
    assert_eq!(by_address(&rs, "ok@remote.test")["status"], "delivered");
    assert_eq!(
        by_address(&rs, "unknown@remote.test")["status_code"],
        "5.1.1"
    );
    assert_eq!(*accepted.lock().unwrap(), ["ok@remote.test"]);
    let (_, only) = s.call(
        "GET",
        &format!("/api/v1/emails/{first}/recipients?status=bounced"),
        Some(&k),
        None,
    );
    assert_eq!(only["recipients"].as_array().unwrap().len(), 4);

    // 72 hours after the first attempt the greylisted one is a soft bounce (its retries kept
    // getting 451 in between).
    s.set_clock("2026-03-04T00:00:00Z");
    wait_until("the greylisted recipient to become a soft bounce", || {
        by_address(&recipients(&s, &k, first), "grey@remote.test")["status"] == "bounced"
    });
    let grey = by_address(&recipients(&s, &k, first), "grey@remote.test").clone();
    assert_eq!(
        (
            grey["type"].as_str(),
            grey["reason"].as_str(),
            grey["cause"].as_str()
        ),
        (Some("soft"), Some("security_filter"), Some("expired")),
        "{grey}"
    );
    let (_, email) = s.call("GET", &format!("/api/v1/emails/{first}"), Some(&k), None);
    assert_eq!(
        (
            email["counts"]["bounced"].clone(),
            email["counts"]["delivered"].clone()
        ),
        (json!(5), json!(1)),
        "{email}"
    );

    // Resend to exactly the soft-bounced recipients.
    let (st, copy) = s.call(
        "POST",
        &format!("/api/v1/emails/{first}/resend-soft-bounced"),
        Some(&k),
        None,
    );
    assert_eq!(st, 201, "{copy}");
    let copy_recipients: Vec<String> = recipients(&s, &k, copy["id"].as_i64().unwrap())
        .iter()
        .map(|r| r["address"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(copy_recipients, ["dmarc@remote.test", "grey@remote.test"]);

    // A second campaign to the same list does not send to the hard-bounced ones.
    let second = campaign(&s, &k, "Summer news");
    common::send_skips_the_hard_bounced(&s, &k, second);
    let (st, _) = s.call(
        "POST",
        &format!("/api/v1/emails/{second}/send"),
        Some(&k),
        None,
    );
    assert_eq!(st, 409, "sent once only");
}

#[test]
fn the_delivery_queue_survives_a_crash_and_resumes() {
    // First the remote is down: the connection fails, the recipient is pending, retry in 1 min.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .to_string();
    let s = Server::fresh(
        "send-restart",
        &[
            "--test-clock",
            T0,
            "--transport",
            &format!("remote.test={closed}"),
        ],
    );
    let (_, k) = s.account("a");
    let body = json!({"subject": "Later", "from": "news@sender.test", "text": "Hi", "recipients": ["ok@remote.test"]});
    let (_, v) = s.call("POST", "/api/v1/emails", Some(&k), Some(body));
    let id = v["id"].as_i64().unwrap();
    s.call("POST", &format!("/api/v1/emails/{id}/send"), Some(&k), None);
    wait_until("the failed first attempt", || {
        let r = &recipients(&s, &k, id)[0];
        r["status"] == "pending" && r["attempts"] == 1
    });

    assert!(
        recipients(&s, &k, id)[0]["diagnostic"]
            .as_str()
            .unwrap()
            .contains("connection")
    );
    let db = s.kill();
    // After the crash the queue is still there; the remote is up now.
    let (remote, accepted) = scripted_remote();
    let s = Server::start(
        &db,
        &[
            "--test-clock",
            "2026-03-01T00:02:00Z",
            "--transport",
            &format!("remote.test={remote}"),
        ],
    );
    wait_until("the retry to deliver", || {
        recipients(&s, &k, id)[0]["status"] == "delivered"
    });
    assert_eq!(recipients(&s, &k, id)[0]["attempts"], 2);
    assert_eq!(*accepted.lock().unwrap(), ["ok@remote.test"]);
}

#[test]
fn direct_delivery_to_mx_hosts_found_in_dns() {
    let (remote, accepted) = scripted_remote();
    let port = remote.rsplit(':').next().unwrap().to_string();
    let dns = common::scripted_dns(&[("remote.test", "localhost"), ("nullmx.test", ".")]);
    let s = Server::fresh(
        "send-mx",
        &["--test-clock", T0, "--resolver", &dns, "--mx-port", &port],
    );
    let (_, k) = s.account("a");
    let to = [
        "ok@remote.test",
        "unknown@remote.test",
        "someone@nullmx.test",
        "someone@nowhere.test",
    ];
    let body = json!({"subject": "MX", "from": "news@sender.test", "text": "Hi", "recipients": to});
    let (_, v) = s.call("POST", "/api/v1/emails", Some(&k), Some(body));
    let id = v["id"].as_i64().unwrap();
    s.call("POST", &format!("/api/v1/emails/{id}/send"), Some(&k), None);
    wait_until("every recipient to get a result", || {
        recipients(&s, &k, id).iter().all(|r| r["status"] != "sent")
    });
    let rs = recipients(&s, &k, id);
    assert_eq!(by_address(&rs, "ok@remote.test")["status"], "delivered");
    assert_eq!(*accepted.lock().unwrap(), ["ok@remote.test"]);
    for a in [
        "unknown@remote.test",
        "someone@nullmx.test",
        "someone@nowhere.test",
    ] {
        let r = by_address(&rs, a);
        assert_eq!(
            (
                r["status"].as_str(),
                r["type"].as_str(),
                r["reason"].as_str()
            ),
            (Some("bounced"), Some("hard"), Some("unknown_user")),
            "{r}"
        );
    }
    assert!(
        by_address(&rs, "someone@nullmx.test")["diagnostic"]
            .as_str()
            .unwrap()
            .contains("null MX")
    );
}
