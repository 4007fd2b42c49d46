//! A `rebound serve` process on a fresh database, and a tiny HTTP/1.1 client, for black-box
//! tests. The database is a temporary SQLite file, or, with `REBOUND_TEST_DB=postgres`, a new
//! database in a PostgreSQL cluster the test binary starts on loopback (see [`fresh_db`]).

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

/// The admin key the test servers run with.
pub const ADMIN: &str = "test-admin-key";

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A fresh directory for one test's database.
pub fn temp_dir(name: &str) -> PathBuf {
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("serve-{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A URL of a new, empty database of the kind the run tests: SQLite by default, PostgreSQL
/// when `REBOUND_TEST_DB=postgres` (`.ci/run` runs the suite both ways).
pub fn fresh_db(name: &str) -> String {
    match std::env::var("REBOUND_TEST_DB").as_deref() {
        Ok("postgres") => postgres::cluster().database(),
        Ok("sqlite") | Err(_) => {
            format!("sqlite://{}", temp_dir(name).join("rebound.db").display())
        }
        Ok(other) => panic!("REBOUND_TEST_DB={other:?}: use sqlite or postgres"),
    }
}

/// True when the tests run on PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var("REBOUND_TEST_DB").as_deref() == Ok("postgres")
}

/// A running server.
pub struct Server {
    child: Child,
    /// host:port of the HTTP API
    pub addr: String,
    /// host:port of the SMTP receiver
    pub smtp: String,
    /// The database URL.
    pub db: String,
}

impl Server {
    /// Starts `rebound serve` on `db` with extra flags; waits until it listens.
    pub fn start(db: &str, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rebound"))
            .args([
                "serve",
                "--db",
                db,
                "--http",
                "127.0.0.1:0",
                "--smtp",
                "127.0.0.1:0",
            ])
            .args(extra)
            .env("REBOUND_ADMIN_KEY", ADMIN)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("rebound serve starts");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut listening = |marker: &str| {
            let mut line = String::new();
            out.read_line(&mut line).unwrap();
            line.split(marker)
                .nth(1)
                .and_then(|s| s.split_whitespace().next())
                .unwrap_or_else(|| panic!("no {marker:?} in {line:?}"))
                .to_string()
        };
        let addr = listening("http://");
        let smtp = listening("smtp on ");
        Server {
            child,
            addr,
            smtp,
            db: db.to_string(),
        }
    }

    /// A server on a new database (see [`fresh_db`]).
    pub fn fresh(name: &str, extra: &[&str]) -> Server {
        Server::start(&fresh_db(name), extra)
    }

    /// Kills the process at once (SIGKILL), like a crash.
    pub fn kill(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.db.clone()
    }

    /// Sends a request with these header lines; returns status, the response head (lower
    /// case) and body.
    pub fn exchange(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> (u16, String, Vec<u8>) {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        s.write_all(head.as_bytes()).unwrap();
        s.write_all(body).unwrap();
        let mut resp = Vec::new();
        s.read_to_end(&mut resp).unwrap();
        parse_response(&resp)
    }

    /// Sends a request; returns status and body.
    pub fn raw(
        &self,
        method: &str,
        path: &str,
        key: Option<&str>,
        content_type: &str,
        body: &[u8],
    ) -> (u16, Vec<u8>) {
        let auth = key.map(|k| format!("Bearer {k}"));
        let mut headers = Vec::new();
        if let Some(a) = &auth {
            headers.push(("Authorization", a.as_str()));
        }
        if !body.is_empty() {
            headers.push(("Content-Type", content_type));
        }
        let (status, _, body) = self.exchange(method, path, &headers, body);
        (status, body)
    }

    /// A JSON request; returns status and the JSON body (Null when empty).
    pub fn call(
        &self,
        method: &str,
        path: &str,
        key: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        let (status, resp) = self.raw(method, path, key, "application/json", &bytes);
        let json = if resp.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&resp).unwrap_or_else(|e| {
                panic!(
                    "{method} {path}: {status} not JSON ({e}): {}",
                    String::from_utf8_lossy(&resp)
                )
            })
        };
        assert!(status < 500, "{method} {path} gave {status}: {json}");
        (status, json)
    }

    /// Creates an account; returns its key.
    pub fn account(&self, name: &str) -> (i64, String) {
        let (st, v) = self.call(
            "POST",
            "/api/v1/accounts",
            Some(ADMIN),
            Some(serde_json::json!({"name": name})),
        );
        assert_eq!(st, 201, "{v}");
        (
            v["id"].as_i64().unwrap(),
            v["api_key"].as_str().unwrap().to_string(),
        )
    }

    /// Posts a delivery result, asserting success.
    pub fn event(&self, key: &str, body: Value) -> Value {
        let (st, v) = self.call("POST", "/api/v1/events", Some(key), Some(body));
        assert_eq!(st, 200, "{v}");
        v
    }

    /// The contact view.
    pub fn contact(&self, key: &str, address: &str) -> Value {
        let (st, v) = self.call(
            "GET",
            &format!("/api/v1/contacts/{address}"),
            Some(key),
            None,
        );
        assert_eq!(st, 200, "{v}");
        v
    }

    /// Posts a raw message to /bounces.
    pub fn bounce(&self, key: &str, message: &str) -> Value {
        let (st, body) = self.raw(
            "POST",
            "/api/v1/bounces",
            Some(key),
            "message/rfc822",
            message.as_bytes(),
        );
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(st, 200, "{v}");
        v
    }

    /// Sets the test clock (the server must run with --test-clock).
    pub fn set_clock(&self, now: &str) {
        let (st, v) = self.call(
            "PUT",
            "/api/v1/clock",
            Some(ADMIN),
            Some(serde_json::json!({"now": now})),
        );
        assert_eq!(st, 200, "{v}");
    }

    /// The server's process id (to read its memory use from /proc).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Status, head and body of an HTTP/1.1 response (Content-Length, chunked, or read to close).
pub fn parse_response(resp: &[u8]) -> (u16, String, Vec<u8>) {
    let split = resp
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("response head");
    let head = String::from_utf8_lossy(&resp[..split]).to_ascii_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    let mut body = resp[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        let mut out = Vec::new();
        let mut rest = &body[..];
        while let Some(nl) = rest.windows(2).position(|w| w == b"\r\n") {
            let size =
                usize::from_str_radix(String::from_utf8_lossy(&rest[..nl]).trim(), 16).unwrap_or(0);
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[nl + 2..nl + 2 + size]);
            rest = &rest[nl + 2 + size + 2..];
        }
        body = out;
    }
    (status, head, body)
}

/// A multipart/report DSN (RFC 3464) written for these tests.
pub fn dsn(recipient: &str, status: &str, diagnostic: &str, original_message_id: &str) -> String {
    let action = if status.starts_with('4') {
        "delayed"
    } else {
        "failed"
    };
    format!(
        "From: MAILER-DAEMON@mx.sender.test\r\nTo: bounces@sender.test\r\nSubject: Undelivered Mail Returned to Sender\r\n\
Message-ID: <dsn-{recipient}-{status}@mx.sender.test>\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n\r\n\
--b1\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\r\n\
--b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.sender.test\r\n\r\n\
Final-Recipient: rfc822; {recipient}\r\nAction: {action}\r\nStatus: {status}\r\n\
Remote-MTA: dns; mx.recipient.test\r\nDiagnostic-Code: smtp; {diagnostic}\r\n\r\n\
--b1\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: news@sender.test\r\nTo: {recipient}\r\n\
Subject: Our news\r\nMessage-ID: <{original_message_id}>\r\n\r\n--b1--\r\n"
    )
}

/// Speaks SMTP to the receiver: one message per call on a fresh connection. Returns every
/// reply line; the last is the answer to the data (or the first refusal).
pub fn smtp_send(server: &str, from: &str, to: &[&str], message: &str) -> Vec<String> {
    smtp_send_over(TcpStream::connect(server).unwrap(), from, to, message)
}

/// [`smtp_send`] over a connection already made (from a chosen local address, say).
pub fn smtp_send_over(s: TcpStream, from: &str, to: &[&str], message: &str) -> Vec<String> {
    let mut r = BufReader::new(s.try_clone().unwrap());
    let mut w = s;
    let mut replies = Vec::new();
    let mut exchange = |w: &mut TcpStream, cmd: &str| -> String {
        w.write_all(cmd.as_bytes()).unwrap();
        loop {
            let mut line = String::new();
            r.read_line(&mut line).unwrap();
            let done = line.as_bytes().get(3) != Some(&b'-');
            replies.push(line.trim_end().to_string());
            if done || line.is_empty() {
                return line;
            }
        }
    };
    exchange(&mut w, "");
    exchange(&mut w, "EHLO client.test\r\n");
    if exchange(&mut w, &format!("MAIL FROM:<{from}>\r\n")).starts_with('2') {
        let mut any = false;
        for t in to {
            any |= exchange(&mut w, &format!("RCPT TO:<{t}>\r\n")).starts_with('2');
        }
        if any && exchange(&mut w, "DATA\r\n").starts_with('3') {
            let mut data = String::new();
            for line in message.split("\r\n") {
                if line.starts_with('.') {
                    data.push('.');
                }
                data.push_str(line);
                data.push_str("\r\n");
            }
            data.push_str(".\r\n");
            exchange(&mut w, &data);
        }
    }
    let _ = w.write_all(b"QUIT\r\n");
    replies
}

/// The scripted remote mail server's answer to a recipient, by its local part (the same cases
/// as `../shared/rig/sink.py`).
pub fn scripted_reply(rcpt: &str) -> &'static str {
    match rcpt.split('@').next().unwrap_or("") {
        "unknown" => "550 5.1.1 Recipient address rejected: User unknown in virtual mailbox table",
        "full" => "552 5.2.2 Mailbox full: quota exceeded",
        "spam" => "554 5.7.1 Message rejected as spam by content filter",
        "dmarc" => {
            "550 5.7.26 Unauthenticated email from sender.test is not accepted due to domain's DMARC policy"
        }
        "grey" => "451 4.7.1 Greylisted, please try again later",
        _ => "250 2.1.5 Ok",
    }
}

/// A scripted remote SMTP server on loopback: answers RCPT by [`scripted_reply`], accepts data
/// for the rest. Returns its address and the recipients whose messages it accepted.
pub fn scripted_remote() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::sync::{Arc, Mutex};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let accepted: Arc<Mutex<Vec<String>>> = Arc::default();
    let kept = accepted.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(conn) = conn else { continue };
            let kept = kept.clone();
            std::thread::spawn(move || {
                let mut r = BufReader::new(conn.try_clone().unwrap());
                let mut w = conn;
                let _ = w.write_all(b"220 mx.remote.test ESMTP scripted\r\n");
                let mut rcpt = String::new();
                let mut line = String::new();
                loop {
                    line.clear();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let upper = line.to_ascii_uppercase();
                    let reply = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        "250 mx.remote.test".to_string()
                    } else if upper.starts_with("MAIL") {
                        "250 2.1.0 Ok".to_string()
                    } else if upper.starts_with("RCPT") {
                        rcpt = line.split(['<', '>']).nth(1).unwrap_or("").to_string();
                        scripted_reply(&rcpt).to_string()
                    } else if upper.starts_with("DATA") {
                        let _ = w.write_all(b"354 go ahead\r\n");
                        loop {
                            line.clear();
                            if r.read_line(&mut line).unwrap_or(0) == 0 || line == ".\r\n" {
                                break;
                            }
                        }
                        kept.lock().unwrap().push(rcpt.clone());
                        "250 2.0.0 Ok: queued".to_string()
                    } else if upper.starts_with("QUIT") {
                        let _ = w.write_all(b"221 2.0.0 Bye\r\n");
                        return;
                    } else {
                        "250 2.0.0 Ok".to_string()
                    };
                    let _ = w.write_all(format!("{reply}\r\n").as_bytes());
                }
            });
        }
    });
    (addr, accepted)
}

/// A scripted DNS server on loopback UDP: MX answers from `mx` (domain → exchange, "." for a
/// null MX); any other name is NXDOMAIN. Returns its address.
pub fn scripted_dns(mx: &'static [(&'static str, &'static str)]) -> String {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = socket.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        let mut buf = [0u8; 512];
        while let Ok((n, from)) = socket.recv_from(&mut buf) {
            let q = &buf[..n];
            // The question name: labels from byte 12 to the zero byte.
            let (mut i, mut labels) = (12, Vec::new());
            while i < n && q[i] != 0 {
                let len = q[i] as usize;
                labels.push(String::from_utf8_lossy(&q[i + 1..(i + 1 + len).min(n)]).to_string());
                i += 1 + len;
            }
            let question_end = (i + 5).min(n);
            let name = labels.join(".");
            let mut a = q[..question_end].to_vec();
            a[2] = 0x81;
            match mx.iter().find(|(d, _)| *d == name) {
                None => a[3] = 0x83,
                Some((_, exchange)) => {
                    a[3] = 0x80;
                    a[7] = 1;
                    a.extend_from_slice(&[0xC0, 12, 0, 15, 0, 1, 0, 0, 0, 60]);
                    let mut rdata = vec![0, 10];
                    for l in exchange.split('.').filter(|l| !l.is_empty()) {
                        rdata.push(l.len() as u8);
                        rdata.extend_from_slice(l.as_bytes());
                    }
                    rdata.push(0);
                    a.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
                    a.extend_from_slice(&rdata);
                }
            }
            let _ = socket.send_to(&a, from);
        }
    });
    addr
}

/// The recipients view of an email.
pub fn recipients(s: &Server, key: &str, email: i64) -> Vec<Value> {
    let (st, v) = s.call(
        "GET",
        &format!("/api/v1/emails/{email}/recipients"),
        Some(key),
        None,
    );
    assert_eq!(st, 200, "{v}");
    v["recipients"].as_array().unwrap().clone()
}

/// One recipient of a recipients view.
pub fn by_address<'a>(rs: &'a [Value], address: &str) -> &'a Value {
    rs.iter()
        .find(|r| r["address"] == address)
        .unwrap_or_else(|| panic!("{address} missing"))
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Polls `ok` for up to 20 seconds.
pub fn wait_until(what: &str, mut ok: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !ok() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// Sends `email` (to the scripted remote's list after a first campaign) and checks that the
/// three hard-bounced recipients are not sent, with why, and the other three are queued.
pub fn send_skips_the_hard_bounced(s: &Server, key: &str, email: i64) {
    let (_, v) = s.call(
        "POST",
        &format!("/api/v1/emails/{email}/send"),
        Some(key),
        None,
    );
    assert_eq!(
        (v["queued"].clone(), v["not_sent"].clone()),
        (serde_json::json!(3), serde_json::json!(3)),
        "{v}"
    );
    let rs = recipients(s, key, email);
    for (address, reason) in [
        ("unknown@remote.test", "hard_bounced: unknown_user"),
        ("full@remote.test", "hard_bounced: mailbox_full"),
        ("spam@remote.test", "hard_bounced: spam"),
    ] {
        let r = by_address(&rs, address);
        let got = (r["status"].as_str(), r["not_sent_reason"].as_str());
        assert_eq!(got, (Some("not_sent"), Some(reason)), "{r}");
    }
}

/// The scripted remote's test list: one recipient per scripted answer.
pub const LIST: [&str; 6] = [
    "unknown@remote.test",
    "full@remote.test",
    "spam@remote.test",
    "dmarc@remote.test",
    "grey@remote.test",
    "ok@remote.test",
];

/// A draft to [`LIST`]; returns its id.
pub fn campaign(s: &Server, key: &str, subject: &str) -> i64 {
    let body = serde_json::json!({"subject": subject, "from": "news@sender.test", "text": "Hello\n.dot line\n", "html": "<p>Hello</p>", "recipients": LIST});
    let (st, v) = s.call("POST", "/api/v1/emails", Some(key), Some(body));
    assert_eq!(st, 201, "{v}");
    assert_eq!(v["counts"]["draft"], 6);
    v["id"].as_i64().unwrap()
}

/// Sends an email and waits until every recipient has a result.
pub fn send_and_settle(s: &Server, key: &str, email: i64) {
    s.call(
        "POST",
        &format!("/api/v1/emails/{email}/send"),
        Some(key),
        None,
    );
    wait_until("every recipient's result", || {
        recipients(s, key, email)
            .iter()
            .all(|r| r["status"] != "sent")
    });
}

/// A signed-in browser: the session cookie.
pub struct Browser<'a> {
    s: &'a Server,
    cookie: String,
}

impl Browser<'_> {
    /// The session cookie, to present again after a restart ([`Browser::resume`]).
    pub fn cookie(&self) -> String {
        self.cookie.clone()
    }

    /// A browser that presents `cookie` to `s` (a restart on the same database).
    pub fn resume(s: &Server, cookie: String) -> Browser<'_> {
        Browser { s, cookie }
    }

    /// GET with the session.
    pub fn get(&self, path: &str) -> (u16, String, String) {
        let (st, head, body) = self
            .s
            .exchange("GET", path, &[("Cookie", &self.cookie)], b"");
        (st, head, String::from_utf8(body).unwrap())
    }

    /// POST a form with the session.
    pub fn post(&self, path: &str, form: &str) -> (u16, String, String) {
        let headers = [
            ("Cookie", self.cookie.as_str()),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ];
        let (st, head, body) = self.s.exchange("POST", path, &headers, form.as_bytes());
        (st, head, String::from_utf8(body).unwrap())
    }

    /// The CSRF token of a page's forms.
    pub fn csrf(&self, page: &str) -> String {
        let (_, _, html) = self.get(page);
        let at = html
            .find("name=\"csrf\" value=\"")
            .expect("a form with a CSRF token")
            + 19;
        html[at..].split('"').next().unwrap().to_string()
    }
}

/// Signs in to the web UI with a key.
pub fn sign_in<'a>(s: &'a Server, key: &str) -> Browser<'a> {
    // The login form's CSRF token and the pre-session cookie it is checked against.
    let (_, head, page) = s.exchange("GET", "/login", &[], b"");
    let pre = head
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .expect("a pre-session cookie")
        .to_string();
    let page = String::from_utf8_lossy(&page);
    let at = page.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    let csrf = page[at..].split('"').next().unwrap();
    let form = format!("csrf={csrf}&key={key}");
    let (st, head, _) = s.exchange(
        "POST",
        "/login",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", &pre),
        ],
        form.as_bytes(),
    );
    assert_eq!(st, 303, "{head}");
    let cookie = head
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: rebound_session="))
        .and_then(|c| c.split(';').next())
        .map(|token| format!("rebound_session={token}"))
        .expect("a session cookie")
        .to_string();
    assert!(
        head.contains("httponly") && head.contains("samesite=lax"),
        "{head}"
    );
    Browser { s, cookie }
}

/// One PostgreSQL cluster per test binary, on loopback, in a temporary folder: `initdb` (as the
/// `postgres` user when the tests run as root, which PostgreSQL refuses to run as), then the
/// server on a free port. A watchdog stops it when the test process is gone.
pub mod postgres {
    use std::path::PathBuf;
    use std::process::Command;
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Debian's PostgreSQL binaries (package `postgresql`).
    const BIN: &str = "/usr/lib/postgresql/15/bin";

    pub struct Cluster {
        port: u16,
        next: AtomicUsize,
    }

    fn as_postgres(cmd: &str, args: &[&str]) -> Command {
        let program = format!("{BIN}/{cmd}");
        // Whether the tests run as root: ask `id -u`.
        let root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
        if root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--", &program]).args(args);
            c
        } else {
            let mut c = Command::new(program);
            c.args(args);
            c
        }
    }

    /// The binary's cluster, started on first use.
    pub fn cluster() -> &'static Cluster {
        static CLUSTER: OnceLock<Cluster> = OnceLock::new();
        CLUSTER.get_or_init(start)
    }

    #[allow(clippy::zombie_processes)] // the watchdog below outlives the binary on purpose
    fn start() -> Cluster {
        assert!(
            std::path::Path::new(&format!("{BIN}/initdb")).exists(),
            "REBOUND_TEST_DB=postgres needs PostgreSQL 15 (apt-get install postgresql; .ci/run does)"
        );
        let dir = PathBuf::from(format!("/tmp/rebound-pg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let _ = Command::new("chown")
            .args(["postgres:postgres"])
            .arg(&dir)
            .status();
        let data = dir.join("data");
        let out = as_postgres(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-A",
                "trust",
                "-U",
                "rebound",
                "-E",
                "UTF8",
            ],
        )
        .output()
        .expect("initdb runs");
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let port = super::free_port();
        let log = dir.join("postgres.log");
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=on",
            dir.display()
        );
        let out = as_postgres(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-o",
                &options,
                "-l",
                log.to_str().unwrap(),
                "-w",
                "start",
            ],
        )
        .output()
        .expect("pg_ctl runs");
        assert!(
            out.status.success(),
            "pg_ctl start: {}{}",
            String::from_utf8_lossy(&out.stdout),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        // Stop the server (fast shutdown) once this process has exited: the watchdog outlives
        // the test binary by design, so it is never waited for.
        let me = std::process::id();
        let pidfile = data.join("postmaster.pid");
        Command::new("sh")
            .arg("-c")
            .arg(format!(
                "while kill -0 {me} 2>/dev/null; do sleep 1; done; \
                 kill -INT $(head -1 {pidfile}) 2>/dev/null; sleep 3; rm -rf {dir}",
                pidfile = pidfile.display(),
                dir = dir.display()
            ))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("watchdog starts");
        Cluster {
            port,
            next: AtomicUsize::new(0),
        }
    }

    impl Cluster {
        /// A URL of a new, empty database in this cluster.
        pub fn database(&self) -> String {
            let name = format!(
                "t{}_{}",
                std::process::id(),
                self.next.fetch_add(1, Ordering::SeqCst)
            );
            let out = Command::new(format!("{BIN}/createdb"))
                .args([
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &self.port.to_string(),
                    "-U",
                    "rebound",
                    &name,
                ])
                .output()
                .expect("createdb runs");
            assert!(
                out.status.success(),
                "createdb: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            format!("postgres://rebound@127.0.0.1:{}/{name}", self.port)
        }

        /// Everything the database of `url` holds, as `pg_dump` writes it.
        pub fn dump(url: &str) -> Vec<u8> {
            let out = Command::new(format!("{BIN}/pg_dump"))
                .arg(url)
                .output()
                .expect("pg_dump runs");
            assert!(
                out.status.success(),
                "pg_dump: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            out.stdout
        }
    }
}
