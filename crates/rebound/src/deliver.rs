//! The delivery worker of `rebound serve`: takes due entries from the ledger's queue, sends
//! each through its route, and gives every reply back to the ledger.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rebound_api::AppState;
use rebound_ledger::Delivery;
use rebound_smtp::client::{self, Outcome, Transaction};
use rebound_smtp::message::{Outgoing, compose};
use rebound_smtp::mx::{self, Route};
use tokio::sync::{Mutex, Semaphore};

/// Where mail goes.
#[derive(Debug, Clone, Default)]
pub struct Routes {
    /// Everything through this relay (host:port): its 250 only means "accepted"; its DSNs
    /// come back to the receiver.
    pub relay: Option<String>,
    /// Per recipient domain, the host:port that is its mail server (like Postfix
    /// `transport_maps`); these are delivered to directly.
    pub transports: Vec<(String, String)>,
    /// Without a relay: the DNS server asked for MX records, and the SMTP port of MX hosts.
    pub mx: Option<(SocketAddr, u16)>,
}

/// Where one message goes.
enum Target {
    /// These servers (host:port) in order of preference; whether they are a relay.
    Servers(Vec<String>, bool),
    /// Nowhere: why, worded as a reply with its enhanced status code.
    Fail(String),
}

impl Routes {
    /// Where mail for a recipient domain goes: its transport, else the relay, else its MX
    /// hosts (RFC 5321 §5.1).
    async fn target(&self, domain: &str) -> Target {
        let transport = self
            .transports
            .iter()
            .find(|(d, _)| d.eq_ignore_ascii_case(domain));
        if let Some((_, server)) = transport {
            return Target::Servers(vec![server.clone()], false);
        }
        if let Some(relay) = &self.relay {
            return Target::Servers(vec![relay.clone()], true);
        }
        let Some((resolver, port)) = self.mx else {
            return Target::Fail(format!(
                "no route to {domain}: no relay, transport or DNS resolver configured (4.4.0)"
            ));
        };
        match mx::lookup(domain, resolver, Duration::from_secs(10)).await {
            Ok(Route::Hosts(hosts)) => {
                Target::Servers(hosts.iter().map(|h| format!("{h}:{port}")).collect(), false)
            }
            Ok(Route::NullMx) => Target::Fail(format!(
                "the domain {domain} accepts no mail: it publishes a null MX (RFC 7505) (5.1.10)"
            )),
            Ok(Route::NoSuchDomain) => Target::Fail(format!(
                "Host or domain name not found: DNS says {domain} does not exist (5.1.2)"
            )),
            Err(e) => Target::Fail(format!(
                "DNS lookup of the mail servers of {domain} failed: {e} (4.4.3)"
            )),
        }
    }
}

/// Limits of the worker.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Deliveries in flight at once.
    pub concurrency: usize,
    /// Per recipient domain, at most this many messages a second (0: no limit).
    pub per_domain_rate: f64,
    /// The name given in EHLO.
    pub helo: String,
}

/// Runs forever.
pub async fn run(state: Arc<AppState>, routes: Arc<Routes>, limits: Arc<Limits>) {
    let slots = Arc::new(Semaphore::new(limits.concurrency.max(1)));
    let pacing: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    loop {
        let due = match state.ledger.due_deliveries(200).await {
            Ok(d) => d,
            Err(e) => {
                eprintln!("rebound: delivery queue: {e}");
                Vec::new()
            }
        };
        if due.is_empty() {
            tokio::time::sleep(Duration::from_millis(300)).await;
            continue;
        }
        let mut tasks = Vec::with_capacity(due.len());
        for d in due {
            let Ok(permit) = slots.clone().acquire_owned().await else {
                return;
            };
            let (state, routes) = (state.clone(), routes.clone());
            let (limits, pacing) = (limits.clone(), pacing.clone());
            tasks.push(tokio::spawn(async move {
                deliver_one(&state, &routes, &limits, &pacing, d).await;
                drop(permit);
            }));
        }
        for t in tasks {
            let _ = t.await;
        }
    }
}

async fn deliver_one(
    state: &AppState,
    routes: &Routes,
    limits: &Limits,
    pacing: &Mutex<HashMap<String, Instant>>,
    d: Delivery,
) {
    let domain = d
        .row
        .address
        .rsplit_once('@')
        .map_or("", |(_, dom)| dom)
        .to_ascii_lowercase();
    let (reply, server, via_relay) = match routes.target(&domain).await {
        Target::Fail(why) => (why, None, false),
        Target::Servers(servers, via_relay) => {
            wait_turn(pacing, &domain, limits.per_domain_rate).await;
            let o = send(state, limits, &d, &servers).await;
            (o.text, Some(o.server), via_relay)
        }
    };
    if let Err(e) = state
        .ledger
        .delivery_attempt(&d, &reply, server.as_deref(), via_relay)
        .await
    {
        eprintln!("rebound: recording delivery to {}: {e}", d.row.address);
    }
}

/// Sends to the first of `servers` that answers at all (RFC 5321 §5.1: try the next MX when
/// one cannot be reached).
async fn send(state: &AppState, limits: &Limits, d: &Delivery, servers: &[String]) -> Outcome {
    let date = state.ledger.clock().now().to_rfc5322();
    let message_id = d.row.message_id.clone().unwrap_or_default();
    let data = compose(&Outgoing {
        from: &d.email.from,
        to: &d.row.address,
        subject: &d.email.subject,
        message_id: &message_id,
        date: &date,
        text: &d.email.text,
        html: d.email.html.as_deref(),
    });
    let t = Transaction {
        helo: &limits.helo,
        mail_from: d.row.return_path.as_deref().unwrap_or(""),
        rcpt_to: &d.row.address,
        data: &data,
    };
    let mut last = None;
    for server in servers {
        let o = client::deliver(server, &t, Duration::from_secs(120)).await;
        if o.code.is_some() {
            return o;
        }
        last = Some(o);
    }
    last.unwrap_or(Outcome {
        code: None,
        text: "no mail server to try".into(),
        server: String::new(),
    })
}

/// Waits until a message to `domain` keeps within `rate` messages a second.
async fn wait_turn(pacing: &Mutex<HashMap<String, Instant>>, domain: &str, rate: f64) {
    if rate <= 0.0 {
        return;
    }
    let gap = Duration::from_secs_f64(1.0 / rate);
    let wait = {
        let mut next = pacing.lock().await;
        let now = Instant::now();
        let slot = next
            .get(domain)
            .copied()
            .filter(|t| *t > now)
            .unwrap_or(now);
        next.insert(domain.to_string(), slot + gap);
        slot - now
    };
    tokio::time::sleep(wait).await;
}
