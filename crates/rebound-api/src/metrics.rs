//! `/metrics` in the Prometheus text format.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rebound_ledger::{Applied, EventKind};

use crate::AppState;

const KINDS: [EventKind; 7] = [
    EventKind::Sent,
    EventKind::Delivered,
    EventKind::Pending,
    EventKind::Bounce,
    EventKind::Complaint,
    EventKind::AutoReply,
    EventKind::Unbounce,
];

/// Counters since start.
#[derive(Default)]
pub struct Metrics {
    responses: [AtomicU64; 6],
    events: [AtomicU64; 7],
    checked: AtomicU64,
}

impl Metrics {
    /// Counts recorded events by kind.
    pub fn record(&self, applied: &[Applied]) {
        for a in applied.iter().filter(|a| a.recorded) {
            if let Some(i) = KINDS.iter().position(|k| *k == a.event.kind) {
                self.events[i].fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Counts addresses passed through the gate.
    pub fn checked(&self, n: usize) {
        self.checked.fetch_add(n as u64, Ordering::Relaxed);
    }
}

/// Middleware: counts responses by status class.
pub async fn count(State(s): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let class = usize::from(res.status().as_u16() / 100).min(5);
    s.metrics.responses[class].fetch_add(1, Ordering::Relaxed);
    res
}

/// The metrics page.
pub async fn render(State(s): State<Arc<AppState>>) -> Response {
    let m = &s.metrics;
    let mut out = String::new();
    out.push_str("# HELP rebound_http_responses_total HTTP responses by status class.\n");
    out.push_str("# TYPE rebound_http_responses_total counter\n");
    for class in 1..=5 {
        let n = m.responses[class].load(Ordering::Relaxed);
        out.push_str(&format!(
            "rebound_http_responses_total{{class=\"{class}xx\"}} {n}\n"
        ));
    }
    out.push_str("# HELP rebound_events_total Events recorded by kind.\n");
    out.push_str("# TYPE rebound_events_total counter\n");
    for (i, k) in KINDS.iter().enumerate() {
        let n = m.events[i].load(Ordering::Relaxed);
        out.push_str(&format!(
            "rebound_events_total{{kind=\"{}\"}} {n}\n",
            k.as_str()
        ));
    }
    out.push_str("# HELP rebound_check_addresses_total Addresses checked by the send-time gate.\n");
    out.push_str("# TYPE rebound_check_addresses_total counter\n");
    out.push_str(&format!(
        "rebound_check_addresses_total {}\n",
        m.checked.load(Ordering::Relaxed)
    ));
    let (account, global) = s.ledger.gate_size();
    out.push_str("# HELP rebound_suppressed_addresses Addresses blocked, by scope.\n");
    out.push_str("# TYPE rebound_suppressed_addresses gauge\n");
    out.push_str(&format!(
        "rebound_suppressed_addresses{{scope=\"account\"}} {account}\n"
    ));
    out.push_str(&format!(
        "rebound_suppressed_addresses{{scope=\"global\"}} {global}\n"
    ));
    out.push_str(
        "# HELP rebound_leader 1 when this node runs the cluster-wide work (sweeper, inbox watchers).\n",
    );
    out.push_str("# TYPE rebound_leader gauge\n");
    out.push_str(&format!(
        "rebound_leader {}\n",
        u8::from(s.ledger.is_leader())
    ));
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out).into_response()
}
