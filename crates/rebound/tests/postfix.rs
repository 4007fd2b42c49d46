//! Issue 4 with real Postfix from Debian as the relay: Rebound sends a campaign through
//! Postfix, Postfix delivers it to a scripted remote server, Postfix's own DSNs come back to
//! Rebound's receiver at the VERP return paths, and the recipients view shows each recipient's
//! type and reason. Postfix delivers the DSNs to the receiver over STARTTLS only. Skips (with a message) when Postfix is not installed, unless
//! `REBOUND_REQUIRE_POSTFIX=1` (set by `.ci/run`), which makes that a failure.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Server, by_address, free_port, recipients, scripted_remote, temp_dir};
use serde_json::{Value, json};

/// A Postfix instance with its own configuration and queue under a temporary directory.
struct Postfix {
    dir: PathBuf,
}

impl Postfix {
    fn installed() -> bool {
        Path::new("/usr/sbin/postfix").exists()
    }

    /// Listens on 127.0.0.1:`port`, relays everything to `remote`, and delivers mail for
    /// `bounce_domain` to `receiver`. Short queue times so deferred mail expires in seconds.
    fn start(port: u16, remote: &str, bounce_domain: &str, receiver: &str) -> Postfix {
        let dir = temp_dir("postfix");
        for d in ["queue", "data"] {
            std::fs::create_dir_all(dir.join(d)).unwrap();
        }
        let d = dir.display();
        let main_cf = format!(
            "compatibility_level = 3.6\n\
             queue_directory = {d}/queue\n\
             data_directory = {d}/data\n\
             maillog_file = {d}/maillog\n\
             maillog_file_prefixes = {d}\n\
             myhostname = relay.rebound.test\n\
             mydomain = rebound.test\n\
             inet_interfaces = loopback-only\n\
             inet_protocols = ipv4\n\
             mynetworks = 127.0.0.0/8\n\
             smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination\n\
             relayhost = [{remote_host}]:{remote_port}\n\
             transport_maps = inline:{{ {bounce_domain}=rebound-tls:[{rcv_host}]:{rcv_port} }}\n\
             smtp_dns_support_level = disabled\n\
             smtp_host_lookup = native\n\
             smtp_connect_timeout = 5s\n\
             mydestination =\n\
             local_recipient_maps =\n\
             alias_maps =\n\
             alias_database =\n\
             local_transport = error:5.1.1 no local delivery on this relay\n\
             notify_classes =\n\
             delay_warning_time = 3s\n\
             maximal_queue_lifetime = 15s\n\
             bounce_queue_lifetime = 15s\n\
             queue_run_delay = 2s\n\
             minimal_backoff_time = 2s\n\
             maximal_backoff_time = 3s\n\
             smtp_tls_loglevel = 1\n",
            remote_host = remote.split(':').next().unwrap(),
            remote_port = remote.rsplit(':').next().unwrap(),
            rcv_host = receiver.split(':').next().unwrap(),
            rcv_port = receiver.rsplit(':').next().unwrap(),
        );
        std::fs::write(dir.join("main.cf"), main_cf).unwrap();
        // The services a relay needs (postfix's master(5) table), SMTP on our port.
        let services = [
            format!("127.0.0.1:{port} inet n - n - - smtpd"),
            "pickup unix n - n 60 1 pickup".into(),
            "cleanup unix n - n - 0 cleanup".into(),
            "qmgr unix n - n 300 1 qmgr".into(),
            "rewrite unix - - n - - trivial-rewrite".into(),
            "bounce unix - - n - 0 bounce".into(),
            "defer unix - - n - 0 bounce".into(),
            "trace unix - - n - 0 bounce".into(),
            "verify unix - - n - 1 verify".into(),
            "flush unix n - n 1000? 0 flush".into(),
            "proxymap unix - - n - - proxymap".into(),
            "smtp unix - - n - - smtp".into(),
            // DSNs go to Rebound's receiver over TLS or not at all (RFC 3207 STARTTLS).
            "rebound-tls unix - - n - - smtp -o smtp_tls_security_level=encrypt".into(),
            "tlsmgr unix - - n 1000? 1 tlsmgr".into(),
            "relay unix - - n - - smtp".into(),
            "showq unix n - n - - showq".into(),
            "error unix - - n - - error".into(),
            "retry unix - - n - - error".into(),
            "discard unix - - n - - discard".into(),
            "anvil unix - - n - 1 anvil".into(),
            "scache unix - - n - 1 scache".into(),
            "postlog unix-dgram n - n - 1 postlogd".into(),
        ];
        std::fs::write(dir.join("master.cf"), services.join("\n") + "\n").unwrap();
        let _ = Command::new("chown")
            .args(["postfix:postfix", &format!("{d}/data")])
            .status();
        let pf = Postfix { dir };
        pf.run("check");
        pf.run("start");
        pf
    }

    fn run(&self, what: &str) {
        let out = Command::new("/usr/sbin/postfix")
            .arg("-c")
            .arg(&self.dir)
            .arg(what)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "postfix {what}: {}{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            self.log()
        );
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("maillog")).unwrap_or_default()
    }
}

impl Drop for Postfix {
    fn drop(&mut self) {
        let _ = Command::new("/usr/sbin/postfix")
            .arg("-c")
            .arg(&self.dir)
            .arg("stop")
            .output();
    }
}

fn status_of(rs: &[Value], address: &str) -> (String, String, String) {
    let r = by_address(rs, address);
    let f = |k: &str| r[k].as_str().unwrap_or("-").to_string();
    (f("status"), f("type"), f("reason"))
}

#[test]
fn postfix_relays_and_its_dsns_come_back_into_the_recipients_view() {
    if !Postfix::installed() {
        assert!(
            std::env::var_os("REBOUND_REQUIRE_POSTFIX").is_none(),
            "Postfix is required (REBOUND_REQUIRE_POSTFIX) but /usr/sbin/postfix is missing"
        );
        eprintln!("skipping: Postfix is not installed (apt-get install postfix; .ci/run does)");
        return;
    }
    let (remote, accepted) = scripted_remote();
    let relay_port = free_port();
    let relay = format!("127.0.0.1:{relay_port}");
    let keys = temp_dir("postfix-tls");
    let (cert, key) = (keys.join("cert.pem"), keys.join("key.pem"));
    let made = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        ])
        .args(["-subj", "/CN=bounces.rebound.test", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl makes a test certificate");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let (cert, key) = (cert.display().to_string(), key.display().to_string());
    let flags = ["--relay", &relay, "--bounce-domain", "bounces.rebound.test"];
    let s = Server::fresh(
        "postfix",
        &[&flags[..], &["--tls-cert", &cert, "--tls-key", &key]].concat(),
    );

    let pf = Postfix::start(relay_port, &remote, "bounces.rebound.test", &s.smtp);
    let (_, k) = s.account("a");
    let new_email = |subject: &str| common::campaign(&s, &k, subject);
    let first = new_email("Through Postfix");
    let (st, v) = s.call(
        "POST",
        &format!("/api/v1/emails/{first}/send"),
        Some(&k),
        None,
    );
    assert_eq!((st, v["queued"].clone()), (200, json!(6)), "{v}");

    let want = [
        ("unknown@remote.test", ("bounced", "hard", "unknown_user")),
        ("full@remote.test", ("bounced", "hard", "mailbox_full")),
        ("spam@remote.test", ("bounced", "hard", "spam")),
        (
            "dmarc@remote.test",
            ("bounced", "soft", "sender_not_authorized"),
        ),
        ("grey@remote.test", ("bounced", "soft", "security_filter")),
    ];
    let mut grey_seen = Vec::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(90);
    loop {
        let rs = recipients(&s, &k, first);
        let grey = status_of(&rs, "grey@remote.test");
        if grey_seen.last() != Some(&grey.0) {
            grey_seen.push(grey.0.clone());
        }
        let done = want.iter().all(|(a, (st, t, r))| {
            status_of(&rs, a) == (st.to_string(), t.to_string(), r.to_string())
        });
        if done {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "recipients after 90 s: {rs:#?}\npostfix log:\n{}",
            pf.log()
        );
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    assert!(
        grey_seen.contains(&"pending".to_string()),
        "Postfix's delay notice made it pending first: {grey_seen:?}"
    );
    let log = pf.log();
    assert!(
        log.contains("TLS connection established to 127.0.0.1"),
        "DSNs over STARTTLS:\n{log}"
    );

    let rs = recipients(&s, &k, first);
    // The relay accepted the last one and the remote took it; no DSN says more.
    assert_eq!(status_of(&rs, "ok@remote.test").0, "sent");
    assert!(
        accepted
            .lock()
            .unwrap()
            .contains(&"ok@remote.test".to_string())
    );
    let unknown = rs
        .iter()
        .find(|r| r["address"] == "unknown@remote.test")
        .unwrap();
    assert!(
        unknown["diagnostic"]
            .as_str()
            .unwrap()
            .contains("User unknown"),
        "{unknown}"
    );
    assert_eq!(unknown["status_code"], "5.1.1");

    // The second campaign does not send to the hard-bounced ones.
    let second = new_email("Again");
    common::send_skips_the_hard_bounced(&s, &k, second);
}
