//! `rebound serve`: the ledger and its HTTP API on one embedded SQLite file by default.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use rebound_api::{AppState, Metrics};
use rebound_ledger::{Clock, Ledger, Timestamp};
use serde::Deserialize;

#[derive(clap::Args)]
pub struct Args {
    /// A TOML file whose keys mirror these flags (db, http, admin_key, profile, policy,
    /// sweep_interval); flags and environment variables win over it.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The database: sqlite://PATH (created when missing). [default: sqlite://rebound.db]
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
    /// Testing: a clock that stands at this RFC 3339 time and is moved with PUT /api/v1/clock.
    #[arg(long, value_name = "TIME", hide = true)]
    test_clock: Option<String>,
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
            let mut raw = [0u8; 24];
            getrandom::fill(&mut raw).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
            let k = format!(
                "rb_admin_{}",
                raw.iter().map(|b| format!("{b:02x}")).collect::<String>()
            );
            eprintln!("rebound: no admin key configured; this run's admin key is {k}");
            eprintln!("rebound: set REBOUND_ADMIN_KEY (or admin_key in --config) to keep one");
            k
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let ledger = Ledger::open(&db, policy, clock)
            .await
            .with_context(|| format!("opening {db}"))?;
        let state = Arc::new(AppState {
            ledger,
            admin_key,
            metrics: Metrics::default(),
        });
        let listener = tokio::net::TcpListener::bind(http)
            .await
            .with_context(|| format!("listening on {http}"))?;
        let bound = listener.local_addr()?;
        // Tests and scripts read this line to find the port.
        println!("rebound: listening on http://{bound} (database {db}, policy {profile})");
        let sweeper = tokio::spawn(sweep_forever(state.clone(), sweep));
        axum::serve(listener, rebound_api::app(state))
            .with_graceful_shutdown(shutdown())
            .await?;
        sweeper.abort();
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
