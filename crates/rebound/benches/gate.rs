//! The send-time gate through HTTP: `POST /api/v1/check` with batches of 10,000 addresses
//! against a ledger holding 1,000,000 suppressed addresses (issue 3).
//!
//! Run with `cargo bench -p rebound --bench gate`. The ledger (a SQLite file under the target
//! directory) is filled once through the ledger's import path and reused by later runs. The
//! server is the real router on a loopback socket in this process; clients are blocking
//! keep-alive HTTP/1.1 connections on their own threads, so server and clients share the
//! machine's cores. Every response is checked: the suppressed half of each batch must come back
//! ineligible. Prints addresses per second; `GATE_SECONDS` (default 10) sets the duration,
//! `GATE_CLIENTS` (default 4) the connections.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rebound_api::{AppState, Metrics};
use rebound_classify::{Policy, Reason};
use rebound_ledger::{Clock, Ledger, Timestamp};

const SUPPRESSED: usize = 1_000_000;
const BATCH: usize = 10_000;
const ADMIN: &str = "bench-admin";

fn suppressed(i: usize) -> String {
    format!("user{i:07}@domain{}.example", i % 997)
}

fn main() {
    let seconds: u64 = std::env::var("GATE_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let clients: usize = std::env::var("GATE_CLIENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(4);
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let db = format!("sqlite://{}", dir.join("gate-bench.db").display());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (addr, key) = rt.block_on(async {
        let t = Instant::now();
        let ledger = Ledger::open(&db, Policy::default(), Clock::system())
            .await
            .unwrap();
        let key = match std::fs::read_to_string(dir.join("gate-bench.key")) {
            Ok(k)
                if ledger.authenticate(k.trim()).is_some()
                    && ledger.gate_size().0 >= SUPPRESSED =>
            {
                k.trim().to_string()
            }
            _ => {
                let a = ledger.create_account("bench").await.unwrap();
                let reasons = [
                    Reason::UnknownUser,
                    Reason::MailboxFull,
                    Reason::Spam,
                    Reason::Policy,
                    Reason::Content,
                    Reason::Other,
                ];
                let rows: Vec<_> = (0..SUPPRESSED)
                    .map(|i| {
                        (
                            suppressed(i),
                            reasons[i % reasons.len()],
                            Timestamp(1_700_000_000_000 + i as i64),
                        )
                    })
                    .collect();
                let n = ledger.import_hard_bounces(a.id, &rows).await.unwrap();
                println!(
                    "imported {n} suppressed addresses in {:.1} s",
                    t.elapsed().as_secs_f64()
                );
                std::fs::write(dir.join("gate-bench.key"), &a.api_key).unwrap();
                a.api_key
            }
        };
        println!(
            "ledger ready: {:?} (account, global) suppressions, loaded in {:.1} s",
            ledger.gate_size(),
            t.elapsed().as_secs_f64()
        );
        let state = Arc::new(AppState {
            ledger,
            admin_key: ADMIN.into(),
            metrics: Metrics::default(),
            throttle: Default::default(),
            public_url: None,
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, rebound_api::app(state)).await });
        (addr, key)
    });
    // Each batch: 5,000 suppressed addresses (spread over the million) and 5,000 unknown ones.
    let body = |seed: usize| -> Vec<u8> {
        let addresses: Vec<String> = (0..BATCH)
            .map(|i| {
                if i % 2 == 0 {
                    suppressed((seed * 7919 + i * 104_729) % SUPPRESSED)
                } else {
                    format!("fresh{seed}-{i}@example.net")
                }
            })
            .collect();
        serde_json::to_vec(&serde_json::json!({ "addresses": addresses })).unwrap()
    };
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let mut threads = Vec::new();
    let start = Instant::now();
    for c in 0..clients {
        let (stop, done, key) = (stop.clone(), done.clone(), key.clone());
        let bodies: Vec<Vec<u8>> = (0..4).map(|j| body(c * 4 + j)).collect();
        threads.push(std::thread::spawn(move || {
            let mut conn = TcpStream::connect(addr).unwrap();
            conn.set_nodelay(true).unwrap();
            let mut reader = BufReader::new(conn.try_clone().unwrap());
            let mut n = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let b = &bodies[n % bodies.len()];
                n += 1;
                let head = format!(
                    "POST /api/v1/check HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {key}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                    b.len()
                );
                conn.write_all(head.as_bytes()).unwrap();
                conn.write_all(b).unwrap();
                let resp = read_response(&mut reader);
                let blocked = count(&resp, b"\"eligible\":false");
                assert_eq!(blocked, BATCH / 2, "every suppressed address is blocked, no other");
                done.fetch_add(BATCH as u64, Ordering::Relaxed);
            }
        }));
    }
    // Warm up for a second, then measure.
    std::thread::sleep(Duration::from_secs(1));
    let (t0, n0) = (Instant::now(), done.load(Ordering::Relaxed));
    std::thread::sleep(Duration::from_secs(seconds));
    let (elapsed, n1) = (t0.elapsed(), done.load(Ordering::Relaxed));
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().unwrap();
    }
    let rate = (n1 - n0) as f64 / elapsed.as_secs_f64();
    println!(
        "gate: {clients} connections, batches of {BATCH}, {} addresses in {:.1} s: {:.0} addresses/s ({:.0} batches/s); run {:.1} s",
        n1 - n0,
        elapsed.as_secs_f64(),
        rate,
        rate / BATCH as f64,
        start.elapsed().as_secs_f64()
    );
}

fn count(hay: &[u8], needle: &[u8]) -> usize {
    memchr::memmem::find_iter(hay, needle).count()
}

/// Reads one response with a Content-Length body; panics on anything but 200.
fn read_response(r: &mut BufReader<TcpStream>) -> Vec<u8> {
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    assert!(line.starts_with("HTTP/1.1 200"), "{line}");
    let mut len = 0;
    loop {
        line.clear();
        r.read_line(&mut line).unwrap();
        if line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body).unwrap();
    body
}
