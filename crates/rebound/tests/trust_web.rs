//! Trust boundaries of the web and of connected inboxes, as attacks against a real
//! `rebound serve`: guessing keys (throttled), login CSRF, sessions that outlive a rotated key,
//! missing security headers, formulas in CSV exports, and inboxes pointed into the operator's
//! own network (SSRF).

mod common;

use std::io::{Read, Write};
use std::net::IpAddr;

use common::{ADMIN, Browser, Server, sign_in};
use serde_json::{Value, json};

const T0: &str = "2026-03-01T00:00:00Z";
const SECRET_KEY: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

/// A request sent from `source` (any 127.x address reaches the server on loopback).
fn exchange_from(
    s: &Server,
    source: IpAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String, Vec<u8>) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap();
    let stream = rt.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind((source, 0).into()).unwrap();
        socket.connect(s.addr.parse().unwrap()).await.unwrap()
    });
    let mut stream = stream.into_std().unwrap();
    stream.set_nonblocking(false).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
        s.addr,
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut resp = Vec::new();
    stream.read_to_end(&mut resp).unwrap();
    common::parse_response(&resp)
}

/// The login page's pre-session cookie (`name=value`) and the CSRF token of its form.
fn login_form(s: &Server, from: IpAddr) -> (String, String) {
    let (st, head, body) = exchange_from(s, from, "GET", "/login", &[], b"");
    assert_eq!(st, 200, "{head}");
    let cookie = head
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .expect("a pre-session cookie")
        .to_string();
    let html = String::from_utf8_lossy(&body);
    let at = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    let csrf = html[at..].split('"').next().unwrap().to_string();
    (cookie, csrf)
}

fn bearer(key: &str) -> String {
    format!("Bearer {key}")
}

// ---------------------------------------------------------------- item 7: web sign-in

#[test]
fn guessing_keys_is_throttled_per_client_with_retry_after() {
    let s = Server::fresh("throttle", &[]);
    let (_, k) = s.account("a");
    let attacker: IpAddr = [127, 0, 0, 1].into();
    let other: IpAddr = [127, 0, 0, 2].into();
    let form = [("Content-Type", "application/x-www-form-urlencoded")];

    // The API: ten wrong keys are 401, the eleventh (and even a right key from there) is 429.
    for i in 0..10 {
        let auth = bearer(&format!("rb_wrong{i}"));
        let (st, _, _) = exchange_from(
            &s,
            attacker,
            "GET",
            "/api/v1/emails",
            &[("Authorization", &auth)],
            b"",
        );
        assert_eq!(st, 401, "attempt {i}");
    }
    let (st, head, body) = exchange_from(
        &s,
        attacker,
        "GET",
        "/api/v1/emails",
        &[("Authorization", &bearer("rb_wrong-again"))],
        b"",
    );
    assert_eq!(st, 429, "{head}");
    let retry: u64 = head
        .lines()
        .find_map(|l| l.strip_prefix("retry-after: "))
        .expect("Retry-After")
        .trim()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["error"]["code"], "too_many_attempts", "{v}");
    let (st, _, _) = exchange_from(
        &s,
        attacker,
        "GET",
        "/api/v1/emails",
        &[("Authorization", &bearer(&k))],
        b"",
    );
    assert_eq!(
        st, 429,
        "a blocked client learns nothing, not even from a right key"
    );

    // The web login from the same client is blocked too (one count for both doors).
    let (cookie, csrf) = login_form(&s, attacker);
    let headers = [form[0], ("Cookie", cookie.as_str())];
    let login = format!("csrf={csrf}&key={k}");
    let (st, head, html) =
        exchange_from(&s, attacker, "POST", "/login", &headers, login.as_bytes());
    assert_eq!(st, 429, "{head}");
    assert!(head.contains("retry-after: "), "{head}");
    assert!(
        String::from_utf8_lossy(&html).contains("<html"),
        "an HTML page"
    );

    // Another client is not locked out: its right key works on the API and on the web.
    let (st, _, _) = exchange_from(
        &s,
        other,
        "GET",
        "/api/v1/emails",
        &[("Authorization", &bearer(&k))],
        b"",
    );
    assert_eq!(st, 200);
    let (cookie, csrf) = login_form(&s, other);
    let headers = [
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("Cookie", cookie.as_str()),
    ];
    let login = format!("csrf={csrf}&key={k}");
    let (st, head, _) = exchange_from(&s, other, "POST", "/login", &headers, login.as_bytes());
    assert_eq!(st, 303, "{head}");

    // The same wrong key from many clients is counted by the key as well.
    for i in 3..=12u8 {
        let from: IpAddr = [127, 0, 1, i].into();
        let (st, _, _) = exchange_from(
            &s,
            from,
            "GET",
            "/api/v1/emails",
            &[("Authorization", &bearer("rb_leaked-and-rotated"))],
            b"",
        );
        assert_eq!(st, 401);
    }
    let (st, _, _) = exchange_from(
        &s,
        [127, 0, 1, 99].into(),
        "GET",
        "/api/v1/emails",
        &[("Authorization", &bearer("rb_leaked-and-rotated"))],
        b"",
    );
    assert_eq!(st, 429);
}

#[test]
fn login_without_its_csrf_token_is_refused() {
    let s = Server::fresh("login-csrf", &[]);
    let (_, k) = s.account("a");
    let form = [("Content-Type", "application/x-www-form-urlencoded")];
    // A forged cross-site form: a right key, no token, no pre-session cookie.
    let body = format!("key={k}");
    let (st, head, _) = s.exchange("POST", "/login", &form, body.as_bytes());
    assert_eq!(st, 403, "{head}");
    assert!(!head.contains("rebound_session="), "{head}");
    // A token from the page but no cookie (the attacker's own), and a wrong token.
    let (cookie, csrf) = login_form(&s, [127, 0, 0, 1].into());
    let body = format!("csrf={csrf}&key={k}");
    let (st, _, _) = s.exchange("POST", "/login", &form, body.as_bytes());
    assert_eq!(st, 403);
    let with_cookie = [form[0], ("Cookie", cookie.as_str())];
    let body = format!("csrf={}x&key={k}", &csrf[1..]);
    let (st, _, _) = s.exchange("POST", "/login", &with_cookie, body.as_bytes());
    assert_eq!(st, 403);
    // The real form works.
    let body = format!("csrf={csrf}&key={k}");
    let (st, head, _) = s.exchange("POST", "/login", &with_cookie, body.as_bytes());
    assert_eq!(st, 303, "{head}");
}

#[test]
fn rotating_a_key_ends_its_web_sessions() {
    let s = Server::fresh("rotate", &[]);
    let (id, k) = s.account("a");
    let (_, k2) = s.account("b");
    let b = sign_in(&s, &k);
    let other = sign_in(&s, &k2);
    let admin = sign_in(&s, ADMIN);
    assert_eq!(b.get("/emails").0, 200);
    let (st, v) = s.call(
        "POST",
        &format!("/api/v1/accounts/{id}/key"),
        Some(ADMIN),
        None,
    );
    assert_eq!(st, 200, "{v}");
    let (st, head, _) = b.get("/emails");
    assert_eq!(st, 303, "the old session is over");
    assert!(head.contains("location: /login"), "{head}");
    assert_eq!(other.get("/emails").0, 200, "other accounts stay signed in");
    assert_eq!(admin.get("/admin").0, 200);
    let new_key = v["api_key"].as_str().unwrap();
    assert_eq!(sign_in(&s, new_key).get("/emails").0, 200);
}

#[test]
fn a_new_admin_key_ends_the_operators_web_sessions() {
    let s = Server::fresh("rotate-admin", &[]);
    let operator = sign_in(&s, ADMIN);
    assert_eq!(operator.get("/admin").0, 200);
    let cookie = operator.cookie();
    // A restart with the same key keeps the session: it is the key that ends it, not the restart.
    let db = s.kill();
    let s = Server::start(&db, &[]);
    assert_eq!(Browser::resume(&s, cookie.clone()).get("/admin").0, 200);
    // The operator rotates the admin key (it leaked, say) and restarts.
    let db = s.kill();
    let new_key = "rotated-admin-key";
    let s = Server::start(&db, &["--admin-key", new_key]);
    let (st, head, _) = Browser::resume(&s, cookie).get("/admin");
    assert_eq!(st, 303, "the session of the old admin key is over: {head}");
    assert!(head.contains("location: /login"), "{head}");
    let (st, _) = s.call("GET", "/api/v1/accounts", Some(ADMIN), None);
    assert_eq!(st, 401);
    assert_eq!(sign_in(&s, new_key).get("/admin").0, 200);
}

#[test]
fn every_response_carries_security_headers() {
    let s = Server::fresh("headers", &[]);
    let (_, k) = s.account("a");
    let b = sign_in(&s, &k);
    let auth = bearer(&k);
    let responses = [
        s.exchange("GET", "/healthz", &[], b""),
        s.exchange("GET", "/api/v1/emails", &[("Authorization", &auth)], b""),
        s.exchange("GET", "/api/v1/emails", &[], b""),
        s.exchange("GET", "/no/such/page", &[], b""),
        s.exchange("GET", "/login", &[], b""),
        s.exchange("GET", "/static/app.css", &[], b""),
    ];
    let pages = [b.get("/emails"), b.get("/suppressions")];
    let heads = responses
        .iter()
        .map(|r| &r.1)
        .chain(pages.iter().map(|p| &p.1));
    for head in heads {
        assert!(head.contains("x-content-type-options: nosniff"), "{head}");
        assert!(
            head.contains("content-security-policy: default-src 'self'; frame-ancestors 'none'"),
            "{head}"
        );
        assert!(head.contains("referrer-policy: same-origin"), "{head}");
    }
    // The pages need nothing the policy forbids: no inline style or script.
    for (_, _, html) in &pages {
        assert!(
            !html.contains("style=") && !html.contains("<style") && !html.contains("<script"),
            "{html}"
        );
    }
    // Over plain HTTP the cookie cannot be Secure (a browser would drop it).
    let (_, head, _) = s.exchange("GET", "/login", &[], b"");
    assert!(!head.contains("secure"), "{head}");
}

#[test]
fn the_session_cookie_is_secure_behind_an_https_public_url() {
    let s = Server::fresh("secure", &["--public-url", "https://x.example"]);
    let (_, k) = s.account("a");
    let (_, head, _) = s.exchange("GET", "/login", &[], b"");
    let pre = head
        .lines()
        .find(|l| l.starts_with("set-cookie: "))
        .unwrap();
    assert!(pre.contains("; secure"), "{pre}");
    let (cookie, csrf) = login_form(&s, [127, 0, 0, 1].into());
    let headers = [
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("Cookie", cookie.as_str()),
    ];
    let body = format!("csrf={csrf}&key={k}");
    let (st, head, _) = s.exchange("POST", "/login", &headers, body.as_bytes());
    assert_eq!(st, 303, "{head}");
    let session = head
        .lines()
        .find(|l| l.starts_with("set-cookie: rebound_session="))
        .expect("a session cookie");
    assert!(session.contains("; secure"), "{session}");
}

// ---------------------------------------------------------------- item 8: CSV injection

#[test]
fn csv_export_neutralises_formula_cells() {
    let s = Server::fresh("csv-injection", &["--test-clock", T0]);
    let (_, k) = s.account("a");
    let evil = [
        "=cmd@example.org",
        "+sum@example.org",
        "-2@example.org",
        "@home@example.org",
    ];
    let mut accepted = Vec::new();
    for a in evil {
        let (st, v) = s.call("POST", "/api/v1/events", Some(&k), Some(json!({"recipient": a, "reply": "550 5.1.1 The email account that you tried to reach does not exist", "at": T0})));
        if st == 200 {
            accepted.push(a);
        } else {
            assert_eq!(st, 422, "{a}: {v}");
        }
    }
    assert!(accepted.len() >= 3, "{accepted:?}");
    let (st, csv) = s.raw("GET", "/api/v1/suppressions.csv", Some(&k), "", b"");
    assert_eq!(st, 200);
    let csv = String::from_utf8(csv).unwrap();
    for a in &accepted {
        let line = csv
            .lines()
            .find(|l| l.contains(&a[1..]))
            .unwrap_or_else(|| panic!("{a} in {csv}"));
        assert!(
            line.starts_with(&format!("\"'{a}\",")),
            "{a} neutralised: {line}"
        );
    }
    for line in csv.lines() {
        assert!(
            !line.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "{line}"
        );
    }
    // The web's export is the same.
    let b = sign_in(&s, &k);
    let (_, _, web) = b.get("/suppressions.csv");
    assert_eq!(web, csv);
}

// ---------------------------------------------------------------- item 10: inbox destinations

fn inbox(host: &str) -> Value {
    json!({"host": host, "port": 143, "tls": "none", "username": "u", "password": "pw"})
}

#[test]
fn inboxes_cannot_point_into_the_operators_network() {
    let s = Server::fresh("ssrf", &["--secret-key", SECRET_KEY]);
    let (_, k) = s.account("a");
    for host in [
        "127.0.0.1",
        "10.0.0.1",
        "169.254.169.254",
        "192.168.1.10",
        "[::1]",
        "::1",
        "::ffff:127.0.0.1",
        "fd00:ec2::254",
        "0.0.0.0",
        "localhost",
    ] {
        let (st, v) = s.call("POST", "/api/v1/inboxes", Some(&k), Some(inbox(host)));
        assert_eq!(st, 400, "{host}: {v}");
        assert_eq!(v["error"]["code"], "host_not_allowed", "{host}: {v}");
    }
    // The admin key acting in the account is held to the same rule (the operator has the
    // allow list instead).
    let (st, v) = s.call(
        "POST",
        "/api/v1/inboxes?account=1",
        Some(ADMIN),
        Some(inbox("10.1.2.3")),
    );
    assert_eq!(
        (st, v["error"]["code"].clone()),
        (400, json!("host_not_allowed"))
    );
    // The web form too.
    let b = sign_in(&s, &k);
    let form = format!(
        "csrf={}&host=127.0.0.1&tls=none&port=143&username=u&password=pw",
        b.csrf("/inboxes")
    );
    let (st, head, _) = b.post("/inboxes", &form);
    assert_eq!(st, 303, "back to the form with the reason");
    assert!(head.contains("host%20not%20allowed"), "{head}");
    let (_, v) = s.call("GET", "/api/v1/inboxes", Some(&k), None);
    assert_eq!(v["inboxes"], json!([]), "nothing stored");
}

#[test]
fn the_operator_allows_listed_destinations() {
    let s = Server::fresh(
        "ssrf-allow",
        &[
            "--secret-key",
            SECRET_KEY,
            "--inbox-allow-hosts",
            "127.0.0.1/32",
            "--inbox-allow-hosts",
            "fd00::/8",
        ],
    );
    let (_, k) = s.account("a");
    let (st, v) = s.call(
        "POST",
        "/api/v1/inboxes",
        Some(&k),
        Some(inbox("127.0.0.1")),
    );
    assert_eq!(st, 201, "{v}");
    let (st, v) = s.call("POST", "/api/v1/inboxes", Some(&k), Some(inbox("fd00::1")));
    assert_eq!(st, 201, "{v}");
    let (st, _) = s.call(
        "POST",
        "/api/v1/inboxes",
        Some(&k),
        Some(inbox("127.0.0.2")),
    );
    assert_eq!(st, 400, "only what is listed");
    let (st, _) = s.call("POST", "/api/v1/inboxes", Some(&k), Some(inbox("10.0.0.1")));
    assert_eq!(st, 400);

    // DNS (or the operator's list) can change: the watcher checks again at every connect.
    let db = s.kill();
    let s = Server::start(&db, &["--secret-key", SECRET_KEY]);
    common::wait_until("the watcher refuses the loopback inbox", || {
        let (_, v) = s.call("GET", "/api/v1/inboxes", Some(&k), None);
        v["inboxes"].as_array().unwrap().iter().all(|i| {
            i["status"] == "error"
                && i["status_detail"]
                    .as_str()
                    .is_some_and(|d| d.contains("not allowed"))
        })
    });
}
