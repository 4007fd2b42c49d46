//! `rebound serve`: the ledger and its HTTP API on one embedded SQLite file by default.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use rebound_api::{AppState, Metrics};
use rebound_ledger::rules::LARGE_MESSAGE_BYTES;
use rebound_ledger::{Clock, Lane, Ledger, Timestamp};
use serde::Deserialize;

#[derive(clap::Args)]
pub struct Args {
    /// A TOML file whose keys mirror these flags (db, http, admin_key, profile, policy,
    /// sweep_interval, public_url, inbox_allow_hosts, …); flags and environment variables win
    /// over it.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The database: sqlite://PATH (created when missing) or postgres://USER:PASS@HOST:PORT/DB.
    /// [default: sqlite://rebound.db]
    #[arg(long, env = "REBOUND_DB", value_name = "URL")]
    db: Option<String>,
    /// Where the HTTP API listens (port 0 picks a free one). [default: 127.0.0.1:8025]
    #[arg(long, env = "REBOUND_HTTP", value_name = "ADDR")]
    http: Option<SocketAddr>,
    /// The operator's key for /accounts and global bounces; a random one is made and printed
    /// when none is configured.
    #[arg(
        long,
        env = "REBOUND_ADMIN_KEY",
        value_name = "KEY",
        hide_env_values = true
    )]
    admin_key: Option<String>,
    /// The shipped policy profile: default or time-limited. [default: default]
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// A policy TOML file whose rows replace the profile's.
    #[arg(long, value_name = "FILE")]
    policy: Option<String>,
    /// Seconds between runs of the sweeper that turns expired pending windows into soft
    /// bounces. [default: 60]
    #[arg(long, value_name = "SECONDS")]
    sweep_interval: Option<u64>,
    /// Where the inbound SMTP bounce receiver listens (port 0 picks a free one).
    /// [default: 127.0.0.1:2525]
    #[arg(long, env = "REBOUND_SMTP", value_name = "ADDR")]
    smtp: Option<SocketAddr>,
    /// A bounce domain: VERP return paths are addresses at the first; the receiver accepts
    /// mail for all of them and refuses the rest (never relays). Repeatable.
    /// [default: bounces.localhost]
    #[arg(long = "bounce-domain", value_name = "DOMAIN")]
    bounce_domains: Vec<String>,
    /// A PEM certificate chain: with --tls-key, the receiver offers STARTTLS.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Connections the receiver serves at once; more get `421 4.3.2`. [default: 200]
    #[arg(long, value_name = "N")]
    smtp_max_connections: Option<usize>,
    /// Receiver connections at once from one client address (IPv6: one /64); more get
    /// `421 4.7.0`. [default: 50]
    #[arg(long, value_name = "N")]
    smtp_max_per_ip: Option<usize>,
    /// Send all outbound mail through this SMTP relay (host:port).
    #[arg(long, env = "REBOUND_RELAY", value_name = "HOST:PORT")]
    relay: Option<String>,
    /// The DNS server asked for MX records when there is no relay. [default: the first
    /// nameserver of /etc/resolv.conf]
    #[arg(long, value_name = "IP:PORT")]
    resolver: Option<SocketAddr>,
    /// The SMTP port of MX hosts. [default: 25]
    #[arg(long, value_name = "PORT")]
    mx_port: Option<u16>,
    /// Deliver mail for DOMAIN straight to HOST:PORT as its mail server (repeatable).

    #[arg(long = "transport", value_name = "DOMAIN=HOST:PORT")]
    transports: Vec<String>,
    /// Outbound deliveries in flight at once. [default: 8]
    #[arg(long, value_name = "N")]
    delivery_concurrency: Option<usize>,
    /// At most this many messages a second to one recipient domain (0: no limit). [default: 0]
    #[arg(long, value_name = "RATE")]
    per_domain_rate: Option<f64>,
    /// The key that encrypts the passwords and tokens of connected inboxes at rest: 64 hex
    /// digits (`openssl rand -hex 32`). Without it, inboxes cannot be connected.
    #[arg(
        long,
        env = "REBOUND_SECRET_KEY",
        value_name = "HEX",
        hide_env_values = true
    )]
    secret_key: Option<String>,
    /// Extra CA certificates (PEM) trusted for connected inboxes' IMAP servers, besides the
    /// Mozilla roots (for a company's own CA).
    #[arg(long, value_name = "FILE")]
    imap_ca_file: Option<PathBuf>,
    /// Seconds between looks at an IMAP server that does not offer IDLE. [default: 60]
    #[arg(long, value_name = "SECONDS")]
    inbox_poll_interval: Option<u64>,
    /// The URL people open the web UI at; an https:// one makes the cookies Secure (set it
    /// when a TLS proxy is in front).
    #[arg(long, env = "REBOUND_PUBLIC_URL", value_name = "URL")]
    public_url: Option<String>,
    /// Connected inboxes may reach this IMAP host name or address range (CIDR), though it is
    /// loopback, private, link-local or otherwise not public (repeatable).
    #[arg(long = "inbox-allow-hosts", value_name = "HOST|CIDR")]
    inbox_allow_hosts: Vec<String>,
    /// Testing: a clock that stands at this RFC 3339 time and is moved with PUT /api/v1/clock.
    #[arg(long, value_name = "TIME", hide = true)]
    test_clock: Option<String>,
    /// Fill a demo account with realistic made-up history (once) and print its key.
    #[arg(long)]
    demo: bool,
}

/// The config file: the same keys as the flags.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Config {
    db: Option<String>,
    http: Option<SocketAddr>,
    admin_key: Option<String>,
    profile: Option<String>,
    policy: Option<String>,
    sweep_interval: Option<u64>,
    smtp: Option<SocketAddr>,
    bounce_domains: Option<Vec<String>>,
    relay: Option<String>,
    transports: Option<Vec<String>>,
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
    smtp_max_connections: Option<usize>,
    smtp_max_per_ip: Option<usize>,
    delivery_concurrency: Option<usize>,
    per_domain_rate: Option<f64>,
    resolver: Option<SocketAddr>,
    mx_port: Option<u16>,
    secret_key: Option<String>,
    imap_ca_file: Option<PathBuf>,
    inbox_poll_interval: Option<u64>,
    public_url: Option<String>,
    inbox_allow_hosts: Option<Vec<String>>,
}

pub fn run(args: Args) -> anyhow::Result<std::process::ExitCode> {
    let config: Config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            toml::from_str(&text).with_context(|| format!("reading {}", path.display()))?
        }
        None => Config::default(),
    };
    let db = args
        .db
        .or(config.db)
        .unwrap_or_else(|| "sqlite://rebound.db".into());
    let http = args
        .http
        .or(config.http)
        .unwrap_or_else(|| ([127, 0, 0, 1], 8025).into());
    let profile = args
        .profile
        .or(config.profile)
        .unwrap_or_else(|| "default".into());
    let policy_file = args.policy.or(config.policy);
    let policy = crate::classify::load_policy(&profile, policy_file.as_deref())?;
    let smtp = args
        .smtp
        .or(config.smtp)
        .unwrap_or_else(|| ([127, 0, 0, 1], 2525).into());
    let bounce_domains = match (args.bounce_domains, config.bounce_domains) {
        (flags, _) if !flags.is_empty() => flags,
        (_, Some(file)) if !file.is_empty() => file,
        _ => vec!["bounces.localhost".to_string()],
    };
    let transports = if args.transports.is_empty() {
        config.transports.unwrap_or_default()
    } else {
        args.transports
    };
    let routes = crate::deliver::Routes {
        relay: args.relay.or(config.relay),
        transports: transports
            .iter()
            .map(|t| {
                t.split_once('=')
                    .map(|(d, h)| (d.trim().to_ascii_lowercase(), h.trim().to_string()))
                    .with_context(|| format!("--transport {t:?} is not DOMAIN=HOST:PORT"))
            })
            .collect::<anyhow::Result<_>>()?,
        mx: args
            .resolver
            .or(config.resolver)
            .or_else(rebound_smtp::mx::system_resolver)
            .map(|r| (r, args.mx_port.or(config.mx_port).unwrap_or(25))),
    };
    let limits = crate::deliver::Limits {
        concurrency: args
            .delivery_concurrency
            .or(config.delivery_concurrency)
            .unwrap_or(8),
        per_domain_rate: args
            .per_domain_rate
            .or(config.per_domain_rate)
            .unwrap_or(0.0),
        helo: bounce_domains[0].clone(),
    };
    let tls = match (
        args.tls_cert.or(config.tls_cert),
        args.tls_key.or(config.tls_key),
    ) {
        (Some(cert), Some(key)) => {
            let read =
                |p: &PathBuf| std::fs::read(p).with_context(|| format!("reading {}", p.display()));
            let tls = rebound_smtp::receiver::tls_config(&read(&cert)?, &read(&key)?)
                .map_err(|e| anyhow::anyhow!("{}: {e}", cert.display()))?;
            Some(tls)
        }
        (None, None) => None,
        _ => anyhow::bail!("tls_cert and tls_key go together"),
    };
    let smtp_max_connections = args
        .smtp_max_connections
        .or(config.smtp_max_connections)
        .map(|n| n.max(1));
    let smtp_max_per_ip = args
        .smtp_max_per_ip
        .or(config.smtp_max_per_ip)
        .map(|n| n.max(1));
    let sweep = Duration::from_secs(
        args.sweep_interval
            .or(config.sweep_interval)
            .unwrap_or(60)
            .max(1),
    );
    let clock = match &args.test_clock {
        Some(t) => Clock::manual(
            Timestamp::parse_rfc3339(t)
                .with_context(|| format!("--test-clock {t:?} is not RFC 3339"))?,
        ),
        None => Clock::system(),
    };
    let admin_key = match args
        .admin_key
        .or(config.admin_key)
        .filter(|k| !k.is_empty())
    {
        Some(k) => k,
        None => {
            let k = format!("rb_admin_{}", rebound_ledger::random_hex(24)?);
            eprintln!("rebound: no admin key configured; this run's admin key is {k}");
            eprintln!("rebound: set REBOUND_ADMIN_KEY (or admin_key in --config) to keep one");
            k
        }
    };
    let secret_key = args
        .secret_key
        .or(config.secret_key)
        .filter(|k| !k.is_empty());
    let inbox_options = rebound_inbox::Options {
        poll_interval: Duration::from_secs(
            args.inbox_poll_interval
                .or(config.inbox_poll_interval)
                .unwrap_or(60)
                .max(1),
        ),
        extra_ca_pem: match args.imap_ca_file.or(config.imap_ca_file) {
            Some(p) => Some(std::fs::read(&p).with_context(|| format!("reading {}", p.display()))?),
            None => None,
        },
        ..rebound_inbox::Options::default()
    };
    let public_url = args.public_url.or(config.public_url);
    let inbox_allow_hosts = match args.inbox_allow_hosts {
        flags if !flags.is_empty() => flags,
        _ => config.inbox_allow_hosts.unwrap_or_default(),
    };
    let destinations = rebound_ledger::Destinations::allowing(&inbox_allow_hosts)
        .context("--inbox-allow-hosts")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let mut ledger = Ledger::open(&db, policy, clock)
            .await
            .with_context(|| format!("opening {db}"))?;
        ledger.set_bounce_domains(bounce_domains.clone());
        ledger.set_inbox_destinations(destinations);
        if let Some(key) = &secret_key {
            ledger
                .set_secret_key(key)
                .context("--secret-key / REBOUND_SECRET_KEY")?;
        }
        // Messages acknowledged before a crash but not yet applied are applied now.
        let recovered = ledger.process_received().await?;
        if recovered > 0 {
            eprintln!("rebound: applied {recovered} received message(s) left from the last run");
        }
        let demo_key = match args.demo {
            true => Some(crate::demo::fill(&ledger).await?),
            false => None,
        };

        let state = Arc::new(AppState {
            ledger,
            admin_key,
            metrics: Metrics::default(),
            throttle: Default::default(),
            public_url,
        });
        let listener = tokio::net::TcpListener::bind(http)
            .await
            .with_context(|| format!("listening on {http}"))?;
        let bound = listener.local_addr()?;
        // Tests and scripts read this line to find the port.
        println!("rebound: listening on http://{bound} (database {db}, policy {profile})");
        if let Some(key) = demo_key {
            eprintln!(
                "rebound: demo account ready: open http://{bound}/ and sign in with the key {key}"
            );
        }
        let smtp_listener = tokio::net::TcpListener::bind(smtp)
            .await
            .with_context(|| format!("listening on {smtp}"))?;
        println!(
            "rebound: smtp on {} for {}",
            smtp_listener.local_addr()?,
            bounce_domains.join(", ")
        );
        let received = Arc::new(tokio::sync::Notify::new());
        let received_large = Arc::new(tokio::sync::Notify::new());
        let receiver_defaults = rebound_smtp::receiver::Config::default();
        let receiver_config = Arc::new(rebound_smtp::receiver::Config {
            domains: state.ledger.bounce_domains().to_vec(),
            tls,
            max_connections: smtp_max_connections.unwrap_or(receiver_defaults.max_connections),
            max_per_ip: smtp_max_per_ip.unwrap_or(receiver_defaults.max_per_ip),
            ..receiver_defaults
        });
        let receiver = tokio::spawn(rebound_smtp::receiver::serve(
            smtp_listener,
            receiver_config,
            Arc::new(LedgerSink {
                state: state.clone(),
                received: received.clone(),
                received_large: received_large.clone(),
            }),
        ));
        let small = tokio::spawn(apply_received(state.clone(), Lane::Small, received.clone()));
        let large = tokio::spawn(apply_received(
            state.clone(),
            Lane::Large,
            received_large.clone(),
        ));
        let leader = tokio::spawn(lead(state.clone(), sweep, inbox_options));
        let follower = tokio::spawn(follow_changes(state.clone(), db.clone()));
        let worker = tokio::spawn(crate::deliver::run(
            state.clone(),
            Arc::new(routes),
            Arc::new(limits),
        ));
        // With the peer's address, which the sign-in throttle counts by.
        let app = rebound_api::app(state.clone()).merge(rebound_web::routes(state));
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown())
        .await?;
        leader.abort();
        follower.abort();
        receiver.abort();
        small.abort();
        large.abort();
        worker.abort();
        Ok(std::process::ExitCode::SUCCESS)
    })
}

async fn sweep_forever(state: Arc<AppState>, every: Duration) {
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        if let Err(e) = state.ledger.sweep().await {
            eprintln!("rebound: sweeper: {e}");
        }
    }
}

/// Runs the work that runs once in a cluster (the pending sweeper, the inbox watchers) while
/// this node leads; on SQLite it always does. When leadership is lost (the database
/// connection holding it failed) the work stops until this node leads again.
async fn lead(state: Arc<AppState>, sweep: Duration, inbox_options: rebound_inbox::Options) {
    loop {
        let mut leadership = match state.ledger.lead().await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("rebound: leadership: {e}");
                tokio::time::sleep(rebound_ledger::leader::LEADER_POLL).await;
                continue;
            }
        };
        let sweeper = tokio::spawn(sweep_forever(state.clone(), sweep));
        let inboxes = tokio::spawn(watch_inboxes(state.clone(), inbox_options.clone()));
        while leadership.holds().await {
            tokio::time::sleep(rebound_ledger::leader::LEADER_POLL).await;
        }
        eprintln!("rebound: leadership lost; the sweeper and inbox watchers stop here");
        state.ledger.resign();
        sweeper.abort();
        inboxes.abort();
    }
}

/// How often a node reads the change log at the latest (on PostgreSQL a notification wakes it
/// at each commit): writes made through other nodes reach this node's gate and key table
/// within about this long (SPEC §10: 1 s).
const FOLLOW_EVERY: Duration = Duration::from_millis(200);

async fn follow_changes(state: Arc<AppState>, db: String) {
    state.ledger.follow_forever(&db, FOLLOW_EVERY).await
}

async fn watch_inboxes(state: Arc<AppState>, options: rebound_inbox::Options) {
    let Err(e) = rebound_inbox::run(state, options).await;
    eprintln!("rebound: connected inboxes are not watched: {e}");
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

/// The receiver's sink: store durably (then 250); the appliers read it in the background.
struct LedgerSink {
    state: Arc<AppState>,
    /// Wakes the small-message applier.
    received: Arc<tokio::sync::Notify>,
    /// Wakes the large-message applier.
    received_large: Arc<tokio::sync::Notify>,
}

impl rebound_smtp::receiver::Sink for LedgerSink {
    async fn store(&self, from: String, to: Vec<String>, data: Vec<u8>) -> Result<String, String> {
        let large = i64::try_from(data.len()).unwrap_or(i64::MAX) > LARGE_MESSAGE_BYTES;
        let id = self
            .state
            .ledger
            .receive(&from, &to, &data)
            .await
            .map_err(|e| e.to_string())?;
        if large {
            self.received_large.notify_one();
        } else {
            self.received.notify_one();
        }
        Ok(id.to_string())
    }
}

/// Applies the received messages of one size lane in the order they came, one at a time.
/// Two lanes run side by side (README "Receiving bounces"): a large message, read on the
/// blocking pool, never holds back the small reports that make up nearly all the traffic.
async fn apply_received(state: Arc<AppState>, lane: Lane, received: Arc<tokio::sync::Notify>) {
    loop {
        if let Err(e) = state.ledger.process_received_in(lane).await {
            eprintln!("rebound: applying received messages ({lane:?}): {e}");
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        received.notified().await;
    }
}
