//! The web UI in a real browser (issue 5): headless Chromium from Debian driven over WebDriver
//! by chromedriver. Signs in, opens an email's recipients, filters to bounced, opens a
//! recipient's detail and sees the server response, unbounces an allowed contact, sees the
//! refusal for an unknown user, exports CSV; saves screenshots of each page at 1280 px and at
//! 390 px to `target/screenshots/`, checks that nothing overflows sideways at 390 px and that the
//! browser console has no errors. Skips without chromedriver unless
//! `REBOUND_REQUIRE_BROWSER=1` (set by `.ci/run`).

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use common::{Server, scripted_remote, wait_until};
use serde_json::{Value, json};

const DRIVER: &str = "/usr/bin/chromedriver";
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A WebDriver session on a chromedriver process.
struct Browser {
    driver: Child,
    addr: String,
    session: String,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.call("DELETE", "", None);
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// One JSON request to chromedriver.
fn request(addr: &str, method: &str, path: &str, body: Option<&Value>) -> Value {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut s = TcpStream::connect(addr).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body.as_bytes()).unwrap();
    // chromedriver keeps the connection open: read the head, then Content-Length bytes.
    let mut r = std::io::BufReader::new(s);
    let mut len = 0;
    loop {
        let mut line = String::new();
        if std::io::BufRead::read_line(&mut r, &mut line).unwrap() == 0 || line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body).unwrap();
    serde_json::from_slice(&body).unwrap_or(Value::Null)
}

impl Browser {
    /// A browser that saves downloads in `downloads`.
    fn start(downloads: &std::path::Path) -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(DRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let addr = format!("127.0.0.1:{port}");
        wait_until("chromedriver", || {
            TcpStream::connect(&addr).is_ok()
                && request(&addr, "GET", "/status", None)["value"]["ready"] == true
        });
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900"],
                "prefs": {"download.default_directory": downloads.display().to_string(), "download.prompt_for_download": false}
            }
        }}});
        let v = request(&addr, "POST", "/session", Some(&caps));
        let session = v["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {v}"))
            .to_string();
        Browser {
            driver,
            addr,
            session,
        }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let v = request(
            &self.addr,
            method,
            &format!("/session/{}{path}", self.session),
            body.as_ref(),
        );
        v["value"].clone()
    }

    fn go(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    /// The element `css` selects, waiting up to 10 s for it (a page may still be loading
    /// after a form was submitted).
    fn find(&self, css: &str) -> String {
        let query = json!({"using": "css selector", "value": css});
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let v = self.call("POST", "/element", Some(query.clone()));
            if let Some(e) = v[ELEMENT].as_str() {
                return e.to_string();
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no element {css}: {v}\n{}",
                self.text()
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }

    fn click(&self, css: &str) {
        let e = self.find(css);
        self.call("POST", &format!("/element/{e}/click"), Some(json!({})));
    }

    fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css);
        self.call(
            "POST",
            &format!("/element/{e}/value"),
            Some(json!({ "text": text })),
        );
    }

    fn script(&self, js: &str) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({"script": js, "args": []})),
        )
    }

    fn text(&self) -> String {
        self.script("return document.body.innerText;")
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    fn width(&self, w: u32, h: u32) {
        self.call(
            "POST",
            "/window/rect",
            Some(json!({"width": w, "height": h})),
        );
    }

    /// Saves a screenshot of the page at both widths; checks nothing overflows at 390 px.
    fn shoot(&self, name: &str) {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("../screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        for (w, h) in [(1280, 900), (390, 844)] {
            self.width(w, h);
            let png = self.call("GET", "/screenshot", None);
            let bytes = decode_base64(png.as_str().unwrap());
            assert!(bytes.starts_with(b"\x89PNG"), "a PNG");
            std::fs::write(dir.join(format!("{name}-{w}.png")), bytes).unwrap();
            if w == 390 {
                let fits = self.script(
                    "return document.documentElement.scrollWidth <= window.innerWidth + 1;",
                );
                let wide = self.script(
                    "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.scroll')).slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));",
                );
                assert_eq!(
                    fits,
                    json!(true),
                    "{name} overflows sideways at 390 px: {wide}"
                );
            }
        }
        self.width(1280, 900);
    }

    /// Browser console entries at warning level or above.
    fn console_errors(&self) -> Vec<Value> {
        let v = self.call("POST", "/se/log", Some(json!({"type": "browser"})));
        v.as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|e| e["level"] == "SEVERE")
            .collect()
    }
}

fn decode_base64(text: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let clean: Vec<u8> = text
        .bytes()
        .filter(|c| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/')
        .collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, c)| n | u32::from(val(*c)) << (18 - 6 * i));
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..chunk.len().saturating_sub(1)]);
    }
    out
}

#[test]
fn a_person_finds_why_mail_bounced_and_unbounces_in_a_real_browser() {
    if !std::path::Path::new(DRIVER).exists() {
        assert!(
            std::env::var_os("REBOUND_REQUIRE_BROWSER").is_none(),
            "chromedriver is required but missing"
        );
        eprintln!(
            "skipping: chromedriver is not installed (apt-get install chromium chromium-driver; .ci/run does)"
        );
        return;
    }
    let (remote, _) = scripted_remote();
    let s = Server::fresh(
        "browser",
        &[
            "--test-clock",
            "2026-03-01T00:00:00Z",
            "--transport",
            &format!("remote.test={remote}"),
            "--secret-key",
            "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8",
            "--inbox-allow-hosts",
            "127.0.0.1/32",
        ],
    );
    let (_, k) = s.account("Newsletter");
    let id = common::campaign(&s, &k, "Spring news");
    common::send_and_settle(&s, &k, id);
    let base = format!("http://{}", s.addr);

    let downloads = common::temp_dir("downloads");
    let b = Browser::start(&downloads);
    b.go(&format!("{base}/"));
    b.shoot("login");
    b.type_into("#key", &k);
    b.click("form[action='/login'] button");
    b.find("a[href^='/emails/']"); // the emails list has loaded
    assert!(
        b.text().contains("Spring news"),
        "signed in to the emails list: {}",
        b.text()
    );
    b.shoot("emails");

    b.click(&format!("a[href='/emails/{id}']"));
    b.click(&format!("a[href='/emails/{id}?status=bounced']"));
    b.find("a.current[href$='status=bounced']");
    let t = b.text();
    assert!(
        t.contains("unknown@remote.test") && !t.contains("ok@remote.test"),
        "filtered to bounced: {t}"
    );
    b.click("a[href*='r=unknown%40remote.test']");
    b.find("#detail");
    let t = b.text();
    assert!(
        t.contains("User unknown in virtual mailbox table"),
        "the server response in the detail: {t}"
    );
    assert!(t.contains("What to do"), "{t}");
    b.shoot("recipients");

    b.click("a[href='/contacts/unknown%40remote.test']");
    b.find(".refusal");
    assert!(
        b.text().contains("Unbounce is not possible"),
        "{}",
        b.text()
    );
    b.shoot("contact-refused");
    b.go(&format!("{base}/contacts/spam@remote.test"));
    b.type_into("#note", "They allow-listed our IPs");
    b.click("form.unbounce button");
    b.find(".notice");
    let t = b.text();
    assert!(
        t.contains("Unbounced") && t.contains("They allow-listed our IPs"),
        "{t}"
    );
    b.shoot("contact-unbounced");

    b.go(&format!("{base}/suppressions"));
    b.find("a[href='/suppressions.csv']");
    b.shoot("suppressions");
    // Export: the browser downloads the file.
    b.click("a[href='/suppressions.csv']");
    let file = downloads.join("suppressions.csv");
    wait_until("the CSV download", || {
        std::fs::read_to_string(&file).is_ok_and(|c| c.ends_with('\n'))
    });
    let csv = std::fs::read_to_string(&file).unwrap();
    assert!(csv.starts_with("address,account_bounce_reason,"), "{csv}");
    assert!(csv.contains("unknown@remote.test,unknown_user"), "{csv}");
    b.go(&format!("{base}/health"));
    b.shoot("health");

    // Connecting an inbox through the form; nothing listens at that port, and the page says
    // so once the watcher has tried.
    b.go(&format!("{base}/inboxes"));
    b.type_into("#host", "127.0.0.1");
    b.type_into("#port", &common::free_port().to_string());
    b.type_into("#username", "ann@news.example");
    b.type_into("#password", "app-password");
    b.click("form.connect button");
    b.find(".notice");
    assert!(
        b.text().contains("Connected ann@news.example"),
        "{}",
        b.text()
    );
    wait_until("the watcher's first attempt", || {
        b.go(&format!("{base}/inboxes"));
        b.text().contains("error since")
    });
    b.shoot("inboxes");
    let errors = b.console_errors();
    assert!(errors.is_empty(), "browser console errors: {errors:#?}");

    // The operator's page, after signing out and in with the admin key.
    b.click("form[action='/logout'] button");
    b.type_into("#key", common::ADMIN);
    b.click("form[action='/login'] button");
    b.find("table"); // the operator's page has loaded
    assert!(
        b.text().contains("Newsletter") && b.text().contains("Global bounces"),
        "{}",
        b.text()
    );
    b.shoot("admin");
    let errors = b.console_errors();
    assert!(errors.is_empty(), "browser console errors: {errors:#?}");
}
