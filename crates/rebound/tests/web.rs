//! The web UI over HTTP, as a browser without JavaScript uses it (issue 5): sign in, the emails
//! list, the recipients view filtered to bounced with a recipient's detail, unbounce allowed and
//! refused, CSV export, CSRF protection, and the operator's page.

mod common;

use common::{ADMIN, Server, scripted_remote, sign_in};

const T0: &str = "2026-03-01T00:00:00Z";

#[test]
fn the_ui_shows_bounces_and_unbounces_without_javascript() {
    let (remote, _) = scripted_remote();
    let s = Server::fresh(
        "web",
        &[
            "--test-clock",
            T0,
            "--transport",
            &format!("remote.test={remote}"),
        ],
    );
    let (_, k) = s.account("Newsletter");
    let id = common::campaign(&s, &k, "Spring <news>");
    common::send_and_settle(&s, &k, id);

    // Not signed in: to the login page; a wrong key is refused.
    let (st, head, _) = s.exchange("GET", "/emails", &[], b"");
    assert_eq!(st, 303);
    assert!(head.contains("location: /login"));
    let (_, head, page) = s.exchange("GET", "/login", &[], b"");
    let pre = head
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .unwrap();
    let page = String::from_utf8_lossy(&page);
    let at = page.find("name=\"csrf\" value=\"").unwrap() + 19;
    let form = format!("csrf={}&key=nope", page[at..].split('"').next().unwrap());
    let (st, _, body) = s.exchange(
        "POST",
        "/login",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", pre),
        ],
        form.as_bytes(),
    );
    assert_eq!(st, 401);
    assert!(String::from_utf8_lossy(&body).contains("not valid"));

    let b = sign_in(&s, &k);
    let (st, _, html) = b.get("/emails");
    assert_eq!(st, 200);
    assert!(
        html.contains("Spring &lt;news&gt;") && !html.contains("Spring <news>"),
        "escaped subject"
    );
    assert!(
        html.contains("<svg") && html.contains("66.7 %"),
        "bounce rate shown and charted: {html}"
    );

    let (_, _, html) = b.get(&format!("/emails/{id}?status=bounced"));
    assert!(
        html.contains("unknown@remote.test") && !html.contains(">ok@remote.test<"),
        "filtered to bounced"
    );
    assert!(
        html.contains("Unknown user") && html.contains("Sender not authorised"),
        "Reason column"
    );
    let (_, _, html) = b.get(&format!(
        "/emails/{id}?status=bounced&r=unknown%40remote.test"
    ));
    assert!(
        html.contains("User unknown in virtual mailbox table"),
        "the full server response: {html}"
    );
    assert!(html.contains("fix the address"), "the remedy");
    assert!(html.contains("5.1.1") && html.contains("userunknown"));

    // Unbounce: allowed for spam (with the CSRF token), refused for an unknown user.
    let page = "/contacts/spam@remote.test";
    let (_, _, html) = b.get(page);
    assert!(
        html.contains("action=\"/contacts/spam%40remote.test/unbounce\""),
        "{html}"
    );
    let (st, _, _) = b.post("/contacts/spam@remote.test/unbounce", "note=allow-listed");
    assert_eq!(st, 403, "no CSRF token, no unbounce");
    let form = format!("csrf={}&note=allow-listed+our+IPs", b.csrf(page));
    let (st, head, _) = b.post("/contacts/spam@remote.test/unbounce", &form);
    assert_eq!(st, 303, "{head}");
    let (_, _, html) = b.get(page);
    assert!(
        html.contains("class=\"good\">Yes"),
        "eligible again: {html}"
    );
    assert!(
        html.contains("unbounce") && html.contains("account: allow-listed our IPs"),
        "in the timeline"
    );
    let (_, _, html) = b.get("/contacts/unknown@remote.test");
    assert!(!html.contains("/unbounce\""), "no unbounce form");
    assert!(
        html.contains("Unbounce is not possible") && html.contains("unknown_user"),
        "{html}"
    );

    // Suppressions and the CSV export.
    let (_, _, html) = b.get("/suppressions?reason=unknown_user");
    assert!(html.contains("unknown@remote.test") && !html.contains("full@remote.test"));
    let (st, head, csv) = b.get("/suppressions.csv");
    assert_eq!(st, 200);
    assert!(head.contains("content-type: text/csv"));
    assert!(
        csv.lines()
            .any(|l| l.starts_with("unknown@remote.test,unknown_user,")),
        "{csv}"
    );

    let (st, _, html) = b.get("/health");
    assert_eq!(st, 200);
    assert!(html.contains("hard-bounce rate") && html.contains("<svg"));

    // The operator's page, and signing out.
    let admin = sign_in(&s, ADMIN);
    let (_, _, html) = admin.get("/admin");
    assert!(html.contains("Newsletter"));
    let form = format!("csrf={}", b.csrf("/emails"));
    let (st, _, _) = b.post("/logout", &form);
    assert_eq!(st, 303);
    let (st, _, _) = b.get("/emails");
    assert_eq!(st, 303, "signed out");
}

#[test]
fn the_demo_account_is_populated_for_a_newcomer() {
    let s = Server::fresh("demo", &["--demo"]);
    let (_, accounts) = s.call("GET", "/api/v1/accounts", Some(ADMIN), None);
    let demo = accounts["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "Demo newsletter")
        .expect("demo account")
        .clone();
    let (st, v) = s.call(
        "POST",
        &format!("/api/v1/accounts/{}/key", demo["id"]),
        Some(ADMIN),
        None,
    );
    assert_eq!(st, 200, "{v}");
    let key = v["api_key"].as_str().unwrap().to_string();
    let (_, emails) = s.call("GET", "/api/v1/emails", Some(&key), None);
    let emails = emails["emails"].as_array().unwrap().clone();
    assert_eq!(emails.len(), 3);
    for e in &emails {
        assert!(e["counts"]["delivered"].as_u64().unwrap() >= 16, "{e}");
    }
    // The oldest campaign bounced (hard, soft, and pending that expired); the later ones did
    // not go to the hard-bounced again.
    let oldest = emails
        .iter()
        .find(|e| e["subject"] == "March newsletter")
        .unwrap();
    assert_eq!(oldest["counts"]["bounced"], 12, "{oldest}");
    let newest = emails
        .iter()
        .find(|e| e["subject"] == "Product update")
        .unwrap();
    assert_eq!(newest["counts"]["not_sent"], 6, "{newest}");

    assert_eq!(
        s.contact(&key, "complainer@people.example")["suppression"]["reason"],
        "spam_report"
    );
    let b = sign_in(&s, &key);
    let (_, _, html) = b.get("/health");
    assert!(
        html.contains("Unknown user") && html.contains("class=\"tile bad\""),
        "flagged hard-bounce rate: {html}"
    );
    // The oldest campaign: 12 of its 30 recipients bounced.
    assert!(
        html.contains("Bounce rate over time") && html.contains("40.0 %"),
        "{html}"
    );
}
