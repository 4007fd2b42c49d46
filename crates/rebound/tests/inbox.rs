//! Connected inboxes against a real IMAP server: Dovecot from Debian on loopback, with
//! STARTTLS required and a certificate from a test CA that Rebound is told to trust.
//!
//! The mailbox (tests/fixtures/inbox, messages written for this test) holds one-to-one sends
//! in its Sent folder and, in the inbox, direct-reply bounces, a filtering gateway's separate
//! reports, a report naming only the recipient, an auto-reply, an ordinary reply, a newsletter
//! and a bounce of something never sent from here. Rebound must attach exactly the bounces to
//! the right sends, leave every flag as it was, see a bounce delivered while it idles within
//! seconds, and carry on after Dovecot restarts (also with renumbered UIDs) without reporting
//! anything twice.

mod common;

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Server, free_port, sign_in, temp_dir, wait_until};
use serde_json::{Value, json};

const SECRET_KEY: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const PASSWORD: &str = "correct horse battery staple";
const DOVECOT: &str = "/usr/sbin/dovecot";
/// The test servers listen on loopback, which inboxes may reach only when allowed.
const LOOPBACK: &str = "127.0.0.1/32";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/inbox")
}

/// A Dovecot instance of our own: its config, state and the user's Maildir in one directory.
struct Dovecot {
    dir: PathBuf,
    /// IMAP with STARTTLS required.
    port: u16,
    /// IMAP over TLS from the first byte.
    imaps: u16,
    maildir: PathBuf,
    /// The uid and gid that own the mail (Dovecot refuses to deliver as root).
    owner: (u32, u32),
}

impl Dovecot {
    fn available() -> bool {
        if !Path::new(DOVECOT).exists() {
            assert!(
                std::env::var_os("REBOUND_REQUIRE_DOVECOT").is_none(),
                "Dovecot is required (REBOUND_REQUIRE_DOVECOT) but {DOVECOT} is missing"
            );
            eprintln!(
                "skipping: Dovecot is not installed (apt-get install dovecot-imapd; .ci/run does)"
            );
            return false;
        }
        if std::fs::metadata("/proc/self").map(|m| m.uid()).ok() != Some(0) {
            assert!(
                std::env::var_os("REBOUND_REQUIRE_DOVECOT").is_none(),
                "Dovecot tests start Dovecot themselves and must run as root"
            );
            eprintln!("skipping: starting Dovecot needs root");
            return false;
        }
        true
    }

    /// Configures (not yet starts) Dovecot with TLS required (STARTTLS on `port`, implicit
    /// TLS on `imaps`); `oauth2` is the token introspection URL that makes Dovecot take XOAUTH2
    /// logins; without `idle` it does not offer IDLE (as some servers do not), so clients
    /// must poll. Returns it and the CA certificate to trust.
    fn new(oauth2: Option<&str>, idle: bool) -> (Dovecot, PathBuf) {
        let dir = temp_dir("dovecot");
        let (port, imaps) = (free_port(), free_port());
        let ca = tls_files(&dir);
        let home = dir.join("home/alice");
        let maildir = home.join("Maildir");
        for sub in ["cur", "new", "tmp", ".Sent/cur", ".Sent/new", ".Sent/tmp"] {
            std::fs::create_dir_all(maildir.join(sub)).unwrap();
        }
        std::fs::write(maildir.join(".Sent/maildirfolder"), "").unwrap();
        std::fs::write(maildir.join("subscriptions"), "Sent\n").unwrap();
        // nobody:nogroup on Debian.
        let owner = (65534, 65534);
        let d = dir.display();
        std::fs::write(
            dir.join("users"),
            format!(
                "alice:{{PLAIN}}{PASSWORD}:{}:{}::{}::userdb_mail=maildir:~/Maildir\n",
                owner.0,
                owner.1,
                home.display()
            ),
        )
        .unwrap();
        let config = format!(
            r#"protocols = imap
listen = 127.0.0.1
base_dir = {d}/base
state_dir = {d}/state
log_path = {d}/dovecot.log
info_log_path = {d}/dovecot.log
ssl = required
ssl_cert = <{d}/server.pem
ssl_key = <{d}/server.key
auth_mechanisms = plain login{{oauth2_mechanisms}}
first_valid_uid = 100
{{oauth2_passdb}}passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {d}/users
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \Sent
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps}
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0600
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"#
        );
        let (oauth2_mechanisms, oauth2_passdb) = match oauth2 {
            Some(url) => {
                // Dovecot asks the token's issuer (RFC 7662 introspection) who it belongs to.
                std::fs::write(
                    dir.join("oauth2.conf.ext"),
                    format!(
                        "introspection_mode = post\nintrospection_url = {url}\n\
                         username_attribute = username\nactive_attribute = active\n\
                         active_value = true\n"
                    ),
                )
                .unwrap();
                (
                    " xoauth2 oauthbearer",
                    format!(
                        "passdb {{\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  \
                         args = {d}/oauth2.conf.ext\n}}\n"
                    ),
                )
            }
            None => ("", String::new()),
        };
        // Dovecot's own list (2.3) without IDLE.
        let capability = match idle {
            true => "",
            false => {
                "imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE LITERAL+ UIDPLUS\n"
            }
        };
        let config = format!("{capability}{config}");
        let config = config
            .replace("{oauth2_mechanisms}", oauth2_mechanisms)
            .replace("{oauth2_passdb}", &oauth2_passdb);
        std::fs::create_dir_all(dir.join("base")).unwrap();
        std::fs::create_dir_all(dir.join("state")).unwrap();
        std::fs::write(dir.join("dovecot.conf"), config).unwrap();
        let dv = Dovecot {
            dir,
            port,
            imaps,
            maildir,
            owner,
        };
        dv.chown_mail();
        (dv, ca)
    }

    fn conf(&self) -> String {
        self.dir.join("dovecot.conf").display().to_string()
    }

    fn start(&self) {
        // The daemon keeps its standard streams: give it a file, not a pipe nobody closes.
        let errors = self.dir.join("dovecot.stderr");
        let status = Command::new(DOVECOT)
            .args(["-c", &self.conf()])
            .stdin(std::process::Stdio::null())
            .stdout(std::fs::File::create(&errors).unwrap())
            .stderr(std::fs::File::create(self.dir.join("dovecot.stderr2")).unwrap())
            .status()
            .unwrap();
        assert!(
            status.success(),
            "dovecot: {}{}{}",
            std::fs::read_to_string(&errors).unwrap_or_default(),
            std::fs::read_to_string(self.dir.join("dovecot.stderr2")).unwrap_or_default(),
            self.log()
        );

        wait_until("Dovecot to listen", || {
            std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok()
        });
    }

    fn stop(&self) {
        let out = Command::new(DOVECOT)
            .args(["-c", &self.conf(), "stop"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        wait_until("Dovecot to stop", || {
            std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err()
                && !self.dir.join("base/master.pid").exists()
        });
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("dovecot.log")).unwrap_or_default()
    }

    fn chown_mail(&self) {
        chown_tree(&self.dir.join("home"), self.owner);
    }

    /// Delivers a message as an MTA's local delivery agent would: written to tmp/, then
    /// renamed into new/ (or into cur/ with flags, as a mail client leaves it).
    fn deliver(&self, folder: &str, fixture: &Path, flags: Option<&str>) -> PathBuf {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let base = self.maildir.join(folder);
        let unique = format!("1764000000.M{n}P{}.rebound-test", std::process::id());
        let tmp = base.join("tmp").join(&unique);
        let text = std::fs::read_to_string(fixture)
            .unwrap()
            .replace('\n', "\r\n");
        std::fs::write(&tmp, text).unwrap();
        std::os::unix::fs::chown(&tmp, Some(self.owner.0), Some(self.owner.1)).unwrap();
        let to = match flags {
            None => base.join("new").join(&unique),
            Some(f) => base.join("cur").join(format!("{unique}:2,{f}")),
        };
        std::fs::rename(&tmp, &to).unwrap();
        to
    }

    /// Every message file's flags, by its content (Maildir keeps IMAP flags in the file
    /// name, RFC 3501 system flags as letters after ":2,"; a file still in new/ has none).
    fn flags(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for folder in ["", ".Sent"] {
            for sub in ["new", "cur"] {
                let dir = self.maildir.join(folder).join(sub);
                for entry in std::fs::read_dir(&dir).unwrap() {
                    let path = entry.unwrap().path();
                    let name = path.file_name().unwrap().to_string_lossy().to_string();
                    let flags = name.split_once(":2,").map(|(_, f)| f).unwrap_or("");
                    // Dovecot may add ",S=<size>" style fields before ":2,"; only the letters
                    // after it are flags.
                    let key = format!("{folder}/{}", first_line_with(&path, "Message-ID:"));
                    out.insert(
                        key,
                        flags.chars().filter(char::is_ascii_uppercase).collect(),
                    );
                }
            }
        }
        out
    }

    /// Removes Dovecot's UID list and indexes: the next start gives the folder a new
    /// UIDVALIDITY and numbers every message again (RFC 3501 §2.3.1.1).
    fn renumber(&self) {
        for folder in [self.maildir.clone(), self.maildir.join(".Sent")] {
            for entry in std::fs::read_dir(&folder).unwrap() {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().to_string();
                if name.starts_with("dovecot") {
                    let _ = std::fs::remove_file(&path);
                }
            }
        }
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = Command::new(DOVECOT)
            .args(["-c", &self.conf(), "stop"])
            .output();
    }
}

fn first_line_with(path: &Path, prefix: &str) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or("")
        .trim()
        .to_string()
}

fn chown_tree(path: &Path, owner: (u32, u32)) {
    std::os::unix::fs::chown(path, Some(owner.0), Some(owner.1)).unwrap();
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            chown_tree(&entry.unwrap().path(), owner);
        }
    }
}

/// A test CA and a certificate for 127.0.0.1 signed by it (rustls, like any careful client,
/// refuses a self-signed CA certificate as a server's own); returns the CA file.
fn tls_files(dir: &Path) -> PathBuf {
    let run = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("openssl makes the test certificates");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=Rebound test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    ]);
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
    ]);
    std::fs::write(
        dir.join("server.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "server.ext",
        "-out",
        "server.pem",
    ]);
    dir.join("ca.pem")
}

fn history(s: &Server, key: &str, address: &str) -> Vec<Value> {
    s.contact(key, address)["history"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// The contact's one-to-one bounces (kind bounce or pending, channel inbox).
fn inbox_bounces(s: &Server, key: &str, address: &str) -> Vec<Value> {
    history(s, key, address)
        .into_iter()
        .filter(|e| e["channel"] == "inbox" && e["kind"] != "sent")
        .collect()
}

fn inbox(s: &Server, key: &str, id: i64) -> Value {
    let (st, v) = s.call("GET", &format!("/api/v1/inboxes/{id}"), Some(key), None);
    assert_eq!(st, 200, "{v}");
    v
}

fn last_uid(v: &Value, folder: &str) -> i64 {
    v["folders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["folder"] == folder)
        .map_or(0, |f| f["last_uid"].as_i64().unwrap())
}

#[test]
fn dovecot_inbox_bounces_are_attached_to_their_sends() {
    if !Dovecot::available() {
        return;
    }
    let (dv, ca) = Dovecot::new(None, true);
    let files = |sub: &str| {
        let mut v: Vec<PathBuf> = std::fs::read_dir(fixtures().join(sub))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        v.sort();
        v
    };
    for f in files("sent") {
        dv.deliver(".Sent", &f, Some("S"));
    }
    // A mix of states a real inbox has: unread in new/, read, flagged, answered, unread in cur/.
    let inbox_flags = [
        None,
        Some("S"),
        Some("FS"),
        Some(""),
        Some("RS"),
        None,
        Some("S"),
        None,
        Some("S"),
        Some("S"),
    ];
    let inbox_files = files("inbox");
    assert_eq!(inbox_files.len(), inbox_flags.len());
    for (f, flags) in inbox_files.iter().zip(inbox_flags) {
        let path = dv.deliver("", f, flags);
        // Maildir's received date (IMAP INTERNALDATE) is the file's time.
        if f.ends_with("10-old-bounce-bob.eml") {
            let old = std::time::SystemTime::now() - Duration::from_secs(60 * 86_400);
            std::fs::File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_modified(old)
                .unwrap();
        }
    }
    dv.start();
    let before = dv.flags();
    assert_eq!(before.len(), 15, "{before:?}");

    let ca = ca.display().to_string();
    let s = Server::fresh(
        "inbox",
        &[
            "--secret-key",
            SECRET_KEY,
            "--imap-ca-file",
            &ca,
            "--inbox-allow-hosts",
            LOOPBACK,
        ],
    );
    let (_, k) = s.account("corp");
    let (st, v) = s.call(
        "POST",
        "/api/v1/inboxes",
        Some(&k),
        Some(json!({
            "host": "127.0.0.1", "port": dv.port, "tls": "starttls",
            "username": "alice", "password": PASSWORD
        })),
    );
    assert_eq!(st, 201, "{v}");
    let id = v["id"].as_i64().unwrap();
    assert!(
        !v.to_string().contains(PASSWORD),
        "the secret is never shown"
    );
    // A send logged through the API (sent from a phone, say): not in the Sent folder.
    let (st, v) = s.call(
        "POST",
        &format!("/api/v1/inboxes/{id}/sent"),
        Some(&k),
        Some(json!({
            "message_id": "<s5.1005@corp.example>", "to": ["Gina@Agency.example"],
            "subject": "Proposal", "at": "2026-11-23T09:20:00Z"
        })),
    );
    assert_eq!(st, 201, "{v}");

    wait_until("the watcher to read both folders", || {
        let v = inbox(&s, &k, id);
        v["status"] == "watching" && last_uid(&v, "INBOX") == 10 && last_uid(&v, "Sent") == 5
    });
    let v = inbox(&s, &k, id);
    assert_eq!(v["sends"], 7, "six messages, one with two recipients: {v}");

    // Exactly the bounces, each attached to its send, saying how it was matched.
    let expect = [
        (
            "bob@partner.example",
            "s1.1001@corp.example",
            "in_reply_to",
            "unknown_user",
        ),
        (
            "carol@client.example",
            "s2.1002@corp.example",
            "quoted_original",
            "mailbox_full",
        ),
        (
            "dave@vendor.example",
            "s3.1003@corp.example",
            "recipient_time",
            "unknown_user",
        ),
        (
            "gina@agency.example",
            "s5.1005@corp.example",
            "quoted_original",
            "unknown_user",
        ),
        // A gateway's plain-text notice naming the original's Message-ID in its text.
        (
            "ivan@supplier.example",
            "s6.1006@corp.example",
            "quoted_original",
            "unknown_user",
        ),
    ];
    for (address, send, how, reason) in expect {
        let b = inbox_bounces(&s, &k, address);
        assert_eq!(b.len(), 1, "{address}: {b:?}");
        assert_eq!(b[0]["kind"], "bounce", "{address}");
        assert_eq!(b[0]["type"], "hard", "{address}");
        assert_eq!(b[0]["reason"], reason, "{address}");
        assert_eq!(b[0]["message_id"], send, "{address}");
        assert_eq!(b[0]["match"], how, "{address}");
        // The whole report is kept.
        let report = b[0]["report_id"].as_i64().unwrap();
        let (st, raw) = s.raw(
            "GET",
            &format!("/api/v1/inbox-reports/{report}"),
            Some(&k),
            "",
            b"",
        );
        assert_eq!(st, 200);
        assert!(String::from_utf8_lossy(&raw).contains(address));
    }
    // The auto-reply, the ordinary reply and the newsletter are not bounces.
    for address in ["erin@friend.example", "frank@vendor.example"] {
        assert!(inbox_bounces(&s, &k, address).is_empty(), "{address}");
        let sent = history(&s, &k, address);
        assert_eq!(sent.len(), 1, "{address}: {sent:?}");
        assert_eq!(
            (&sent[0]["kind"], &sent[0]["channel"]),
            (&json!("sent"), &json!("inbox"))
        );
    }
    // A bounce of something never sent from here is kept but attached to nothing.
    let (_, found) = s.call(
        "GET",
        &format!("/api/v1/inboxes/{id}/bounces"),
        Some(&k),
        None,
    );
    let found = found["bounces"].as_array().unwrap().clone();
    assert_eq!(found.len(), 6, "{found:?}");
    let zed: Vec<_> = found.iter().filter(|b| b["match"].is_null()).collect();
    assert_eq!(zed.len(), 1);
    assert_eq!(zed[0]["address"], "zed@nowhere.example");
    assert!(history(&s, &k, "zed@nowhere.example").is_empty());
    assert_eq!(
        (
            inbox(&s, &k, id)["bounces"].clone(),
            inbox(&s, &k, id)["unmatched"].clone()
        ),
        (json!(5), json!(1))
    );

    // One-to-one bounces never suppress: every address may still be mailed.
    let all = [
        "bob@partner.example",
        "carol@client.example",
        "dave@vendor.example",
        "gina@agency.example",
    ];
    let (_, v) = s.call(
        "POST",
        "/api/v1/check",
        Some(&k),
        Some(json!({ "addresses": all })),
    );
    for r in v["results"].as_array().unwrap() {
        assert_eq!(r["eligible"], true, "{r}");
    }
    let bob = s.contact(&k, "bob@partner.example");
    assert_eq!(
        (
            bob["eligible"].clone(),
            bob["email_hard_bounce_reason"].clone()
        ),
        (json!(true), Value::Null)
    );
    // The web UI: the inboxes page lists the watcher, the bounces and how each was matched,
    // and shows a report whole; the contact's page shows the one-to-one send and its bounce.
    let web = sign_in(&s, &k);
    let (st, _, html) = web.get("/inboxes");
    assert_eq!(st, 200);
    assert!(html.contains("alice at 127.0.0.1"), "{html}");
    assert!(html.contains("watching since"), "{html}");
    assert!(
        html.contains("a reply to &#60;s1.1001@corp.example&#62;"),
        "{html}"
    );
    assert!(
        html.contains("by recipient and time, after &#60;s3.1003@corp.example&#62;"),
        "{html}"
    );
    assert_eq!(html.matches("no send found").count(), 1, "{html}");
    let report = html
        .split("/inboxes/reports/")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();
    let (st, _, text) = web.get(&format!("/inboxes/reports/{report}"));
    assert_eq!(st, 200);
    assert!(text.contains("Final-Recipient"), "{text}");
    let (st, _, html) = web.get("/contacts/bob@partner.example");
    assert_eq!(st, 200);
    assert!(html.contains("one-to-one hard bounce"), "{html}");
    assert!(
        html.contains("matched a reply to &#60;s1.1001@corp.example&#62;"),
        "{html}"
    );
    assert!(
        html.contains("one-to-one sent") && html.contains("Contract draft"),
        "{html}"
    );

    // Read-only: every flag is as it was.
    assert_eq!(dv.flags(), before, "the watcher changed flags");

    // A bounce delivered while the watcher idles shows up within seconds.
    let t0 = Instant::now();
    dv.deliver("", &fixtures().join("later/01-idle-frank.eml"), None);
    wait_until("the bounce delivered during IDLE", || {
        !inbox_bounces(&s, &k, "frank@vendor.example").is_empty()
    });
    let took = t0.elapsed();
    eprintln!("inbox: a bounce delivered during IDLE was attached after {took:?}");
    assert!(took < Duration::from_secs(10), "took {took:?}");
    let f = inbox_bounces(&s, &k, "frank@vendor.example");
    assert_eq!(
        (f[0]["match"].clone(), f[0]["reason"].clone()),
        (json!("in_reply_to"), json!("spam"))
    );

    // Dovecot restarts; a bounce arrives while it is down; the watcher notices, reconnects and
    // reads only that one.
    dv.stop();
    wait_until("the watcher to notice", || {
        inbox(&s, &k, id)["status"] == "error"
    });
    dv.deliver(
        "",
        &fixtures().join("later/02-restart-carol-delay.eml"),
        None,
    );
    dv.chown_mail();
    dv.start();
    wait_until("the watcher to resume", || {
        let v = inbox(&s, &k, id);
        v["status"] == "watching" && last_uid(&v, "INBOX") == 12
    });
    let carol = inbox_bounces(&s, &k, "carol@client.example");
    assert_eq!(carol.len(), 2, "{carol:?}");
    assert_eq!(
        (carol[1]["kind"].clone(), carol[1]["type"].clone()),
        (json!("pending"), json!("pending"))
    );
    assert_eq!(carol[1]["match"], "quoted_original");

    // Restarted again with its UIDs renumbered (a new UIDVALIDITY): the watcher reads every
    // message again and reports none of them twice.
    let validity = |v: &Value| {
        v["folders"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["folder"] == "INBOX")
            .unwrap()["uidvalidity"]
            .clone()
    };
    let old_validity = validity(&inbox(&s, &k, id));
    dv.stop();
    dv.renumber();
    std::thread::sleep(Duration::from_millis(1100)); // UIDVALIDITY is a time in seconds.
    dv.start();
    wait_until("the watcher to read the renumbered folder", || {
        let v = inbox(&s, &k, id);
        v["status"] == "watching" && validity(&v) != old_validity && last_uid(&v, "INBOX") == 12
    });
    let (_, found) = s.call(
        "GET",
        &format!("/api/v1/inboxes/{id}/bounces"),
        Some(&k),
        None,
    );
    assert_eq!(found["bounces"].as_array().unwrap().len(), 8, "{found}");
    assert_eq!(inbox(&s, &k, id)["sends"], 7);
    for (address, n) in [
        ("bob@partner.example", 1),
        ("carol@client.example", 2),
        ("dave@vendor.example", 1),
        ("gina@agency.example", 1),
        ("frank@vendor.example", 1),
        ("ivan@supplier.example", 1),
        ("erin@friend.example", 0),
    ] {
        assert_eq!(inbox_bounces(&s, &k, address).len(), n, "{address}");
    }
    // A bounce whose send was not logged yet (written on another device) is kept unmatched,
    // and attached as soon as the send is logged.
    dv.deliver(
        "",
        &fixtures().join("later/03-judy-before-her-send-is-logged.eml"),
        None,
    );
    wait_until("the unmatched bounce", || {
        inbox(&s, &k, id)["unmatched"] == 2
    });
    assert!(inbox_bounces(&s, &k, "judy@startup.example").is_empty());
    let (st, v) = s.call(
        "POST",
        &format!("/api/v1/inboxes/{id}/sent"),
        Some(&k),
        Some(json!({
            "message_id": "<s7.1007@corp.example>", "to": ["judy@startup.example"],
            "subject": "Welcome aboard", "at": "2026-11-23T16:00:00Z"
        })),
    );
    assert_eq!((st, v["rematched"].clone()), (201, json!(1)), "{v}");
    let judy = inbox_bounces(&s, &k, "judy@startup.example");
    assert_eq!(judy.len(), 1, "{judy:?}");
    assert_eq!(
        (judy[0]["match"].clone(), judy[0]["message_id"].clone()),
        (json!("quoted_original"), json!("s7.1007@corp.example"))
    );
    assert_eq!(inbox(&s, &k, id)["unmatched"], 1);

    assert_eq!(dv.flags().len(), 18);
    let after = dv.flags();
    for (message, flags) in &before {
        assert_eq!(after.get(message), Some(flags), "{message}");
    }
}

#[test]
fn inbox_api_checks_its_input_and_keeps_secrets_sealed() {
    // No secret key: inboxes cannot be connected, and the error says how to fix it.
    let s = Server::fresh("inbox-nokey", &[]);
    let (_, k) = s.account("a");
    let body =
        json!({"host": "imap.example.com", "tls": "tls", "username": "u", "password": "pw-123"});
    let (st, v) = s.call("POST", "/api/v1/inboxes", Some(&k), Some(body.clone()));
    assert_eq!(
        (st, v["error"]["code"].clone()),
        (409, json!("secret_key_missing")),
        "{v}"
    );
    let (_, _, html) = sign_in(&s, &k).get("/inboxes");
    assert!(html.contains("no secret key"), "{html}");
    drop(s);

    let s = Server::fresh(
        "inbox-api",
        &["--secret-key", SECRET_KEY, "--inbox-allow-hosts", LOOPBACK],
    );
    let (_, a) = s.account("a");
    let (_, b) = s.account("b");
    for bad in [
        json!({"host": "imap.example.com", "username": "u"}),
        json!({"host": "imap.example.com", "username": "u", "password": "p", "oauth2_token": "t"}),
        json!({"host": "imap.example.com", "username": "u", "password": "p", "tls": "ssl3"}),
        json!({"host": "", "username": "u", "password": "p"}),
        json!({"host": "imap.example.com", "username": "u", "password": "p", "port": 0}),
        json!({"host": "imap.example.com", "username": "u", "password": "p", "extra": 1}),
    ] {
        let (st, v) = s.call("POST", "/api/v1/inboxes", Some(&a), Some(bad.clone()));
        assert!(st == 400 || st == 422, "{bad} gave {st}: {v}");
    }
    let secret = "app-password-7f3a9c";
    let (st, v) = s.call(
        "POST",
        "/api/v1/inboxes",
        Some(&a),
        Some(json!({"host": "127.0.0.1", "port": free_port(), "tls": "none", "username": "u", "password": secret})),
    );
    assert_eq!(st, 201, "{v}");
    let id = v["id"].as_i64().unwrap();
    let (st, v) = s.call(
        "POST",
        "/api/v1/inboxes",
        Some(&a),
        Some(json!({"host": "imap.gmail.com", "username": "a@gmail.example", "oauth2_token": "ya29.token-4411"})),
    );
    assert_eq!(
        (st, v["auth"].clone(), v["port"].clone()),
        (201, json!("oauth2"), json!(993)),
        "{v}"
    );

    // The watcher reports that nothing listens there, and keeps trying.
    wait_until("the watcher to report the failure", || {
        inbox(&s, &a, id)["status"] == "error"
    });
    assert!(
        inbox(&s, &a, id)["status_detail"]
            .as_str()
            .unwrap()
            .contains("connecting")
    );

    // Another account sees none of it.
    for (m, p) in [
        ("GET", format!("/api/v1/inboxes/{id}")),
        ("GET", format!("/api/v1/inboxes/{id}/bounces")),
        ("DELETE", format!("/api/v1/inboxes/{id}")),
    ] {
        let (st, _) = s.call(m, &p, Some(&b), None);
        assert_eq!(st, 404, "{m} {p}");
    }
    let (st, v) = s.call(
        "POST",
        &format!("/api/v1/inboxes/{id}/sent"),
        Some(&b),
        Some(json!({"message_id": "<x@y>", "to": ["c@d.example"]})),
    );
    assert_eq!(st, 404, "{v}");
    let (_, v) = s.call("GET", "/api/v1/inboxes", Some(&b), None);
    assert_eq!(v["inboxes"], json!([]));
    let creds = format!("/api/v1/inboxes/{id}/credentials");
    let (st, _) = s.call("PUT", &creds, Some(&b), Some(json!({"password": "x"})));
    assert_eq!(st, 404);
    for bad in [
        json!({}),
        json!({"password": "x", "oauth2_token": "y"}),
        json!({"password": ""}),
    ] {
        let (st, v) = s.call("PUT", &creds, Some(&a), Some(bad.clone()));
        assert!(st == 400 || st == 422, "{bad} gave {st}: {v}");
    }

    // Logging sends: bad input is refused, the same send twice is one.
    for bad in [
        json!({"message_id": "", "to": ["c@d.example"]}),
        json!({"message_id": "<x@y>", "to": []}),
        json!({"message_id": "<x@y>", "to": ["not an address"]}),
    ] {
        let (st, v) = s.call(
            "POST",
            &format!("/api/v1/inboxes/{id}/sent"),
            Some(&a),
            Some(bad.clone()),
        );
        assert!(st == 400 || st == 422, "{bad} gave {st}: {v}");
    }
    let send = json!({"message_id": "<x@y>", "to": ["c@d.example"], "subject": "Hi"});
    let (st, _) = s.call(
        "POST",
        &format!("/api/v1/inboxes/{id}/sent"),
        Some(&a),
        Some(send.clone()),
    );
    assert_eq!(st, 201);
    let (st, v) = s.call(
        "POST",
        &format!("/api/v1/inboxes/{id}/sent"),
        Some(&a),
        Some(send),
    );
    assert_eq!((st, v["recorded"].clone()), (200, json!(0)));
    let c = history(&s, &a, "c@d.example");
    assert_eq!(c.len(), 1);
    assert_eq!(
        (&c[0]["channel"], &c[0]["message_id"], &c[0]["subject"]),
        (&json!("inbox"), &json!("x@y"), &json!("Hi"))
    );

    // The web form connects an inbox too (CSRF-protected like every form).
    let web = sign_in(&s, &a);
    let csrf = web.csrf("/inboxes");
    let form = format!(
        "csrf={csrf}&host=imap.example.net&tls=starttls&port=&username=ann&password=pw-form-91"
    );
    let (st, head, _) = web.post("/inboxes", &form);
    assert_eq!(st, 303, "{head}");
    assert!(head.contains("notice=connected%20ann"), "{head}");

    let (st, _, _) = web.post(
        "/inboxes",
        "csrf=wrong&host=x&tls=tls&username=u&password=p",
    );
    assert_eq!(st, 403);
    assert_eq!(inbox_list_len(&s, &a), 3);
    let (_, v) = s.call("GET", "/api/v1/inboxes", Some(&a), None);
    assert_eq!(v["inboxes"][2]["port"], 143, "{v}");

    // The database holds the secrets only sealed.
    let url = s.db.clone();
    let (st, _) = s.call("DELETE", &format!("/api/v1/inboxes/{id}"), Some(&a), None);
    assert_eq!(st, 204);
    assert_eq!(inbox_list_len(&s, &a), 2);
    drop(s);
    let bytes = if common::on_postgres() {
        common::postgres::Cluster::dump(&url)
    } else {
        // The file and its journal, deleted pages included.
        let db = url.trim_start_matches("sqlite://");
        let mut bytes = std::fs::read(db).unwrap();
        for wal in ["-wal", "-shm"] {
            bytes.extend(std::fs::read(format!("{db}{wal}")).unwrap_or_default());
        }
        bytes
    };
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        !text.contains(secret) && !text.contains("ya29.token-4411") && !text.contains("pw-form-91")
    );
}

fn inbox_list_len(s: &Server, key: &str) -> usize {
    let (_, v) = s.call("GET", "/api/v1/inboxes", Some(key), None);
    v["inboxes"].as_array().unwrap().len()
}

/// An OAuth2 token introspection endpoint (RFC 7662) for Dovecot to ask: `good` belongs to
/// alice, every other token is inactive. Returns its URL.
fn introspection(good: &'static str) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/introspect", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            // Read the head, then as much body as Content-Length says.
            loop {
                match std::io::Read::read(&mut conn, &mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
                let text = String::from_utf8_lossy(&request).to_string();
                if let Some((head, body)) = text.split_once("\r\n\r\n") {
                    let length = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                        })
                        .unwrap_or(0);
                    if body.len() >= length {
                        break;
                    }
                }
            }
            let text = String::from_utf8_lossy(&request);
            let answer = if text.contains(good) {
                r#"{"active":true,"username":"alice"}"#
            } else {
                r#"{"active":false}"#
            };
            let _ = std::io::Write::write_all(
                &mut conn,
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                    answer.len()
                )
                .as_bytes(),
            );
        }
    });
    url
}

#[test]
fn xoauth2_login_over_implicit_tls_and_polling_without_idle() {
    if !Dovecot::available() {
        return;
    }
    const TOKEN: &str = "ya29.a0-test-access-token-4f1c";
    let (dv, ca) = Dovecot::new(Some(&introspection(TOKEN)), false);
    dv.deliver(".Sent", &fixtures().join("sent/01-bob.eml"), Some("S"));
    dv.deliver("", &fixtures().join("inbox/01-direct-reply-bob.eml"), None);
    dv.start();
    let ca = ca.display().to_string();
    let s = Server::fresh(
        "inbox-oauth2",
        &[
            "--secret-key",
            SECRET_KEY,
            "--imap-ca-file",
            &ca,
            "--inbox-allow-hosts",
            LOOPBACK,
            "--inbox-poll-interval",
            "1",
        ],
    );
    let (_, k) = s.account("corp");
    let connect = |token: &str| {
        let (st, v) = s.call(
            "POST",
            "/api/v1/inboxes",
            Some(&k),
            Some(json!({
                "host": "127.0.0.1", "port": dv.imaps, "tls": "tls",
                "username": "alice", "oauth2_token": token
            })),
        );
        assert_eq!(st, 201, "{v}");
        v["id"].as_i64().unwrap()
    };
    let good = connect(TOKEN);
    let bad = connect("ya29.expired");
    wait_until("the bounce, read with an OAuth2 login", || {
        !inbox_bounces(&s, &k, "bob@partner.example").is_empty()
    });
    assert_eq!(inbox(&s, &k, good)["status"], "watching");
    assert_eq!(
        inbox_bounces(&s, &k, "bob@partner.example")[0]["match"],
        "in_reply_to"
    );
    wait_until("the refused token to be reported", || {
        let v = inbox(&s, &k, bad);
        v["status"] == "error"
            && v["status_detail"]
                .as_str()
                .is_some_and(|d| d.contains("login failed"))
    });
    assert_eq!(
        inbox(&s, &k, bad)["bounces"],
        0,
        "the refused login read nothing"
    );
    // A fresh token: the watcher starts over with it at once and reads the mailbox.
    let (st, v) = s.call(
        "PUT",
        &format!("/api/v1/inboxes/{bad}/credentials"),
        Some(&k),
        Some(json!({ "oauth2_token": TOKEN })),
    );
    assert_eq!((st, v["auth"].clone()), (200, json!("oauth2")), "{v}");
    wait_until("the renewed inbox to read its bounce", || {
        inbox(&s, &k, bad)["bounces"] == 1
    });
    // The server offers no IDLE: the watcher polls, and a new bounce is seen at the next look.
    dv.deliver(
        ".Sent",
        &fixtures().join("sent/03-dave-frank.eml"),
        Some("S"),
    );
    dv.deliver("", &fixtures().join("later/01-idle-frank.eml"), None);
    wait_until("the bounce seen by polling", || {
        !inbox_bounces(&s, &k, "frank@vendor.example").is_empty()
    });
    assert_eq!(inbox(&s, &k, good)["status"], "watching");
}
