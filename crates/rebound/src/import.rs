//! `rebound import`: bulk ingest of stored bounces into one account's ledger (SPEC §7, §9).

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Context;
use rebound_ledger::{Clock, Ledger};
use serde::Serialize;

use crate::input;

#[derive(clap::Args)]
pub struct Args {
    /// The account the bounces belong to.
    #[arg(long, value_name = "ID")]
    account: i64,
    /// The database (as for `rebound serve`).
    #[arg(
        long,
        env = "REBOUND_DB",
        value_name = "URL",
        default_value = "sqlite://rebound.db"
    )]
    db: String,
    /// The shipped policy profile: default or time-limited.
    #[arg(long, value_name = "NAME", default_value = "default")]
    profile: String,
    /// A policy TOML file whose rows replace the profile's.
    #[arg(long, value_name = "FILE")]
    policy: Option<String>,
    /// Message files, directories, mbox files, Maildirs, or - for standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<String>,
}

/// The closing summary (one JSON line on standard output).
#[derive(Serialize, Default)]
struct Summary {
    messages: usize,
    records: usize,
    duplicates: usize,
    skipped_recipients: usize,
    errors: usize,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let policy = crate::classify::load_policy(&args.profile, args.policy.as_deref())?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let ledger = Ledger::open(&args.db, policy, Clock::system())
            .await
            .with_context(|| format!("opening {}", args.db))?;
        anyhow::ensure!(
            ledger.account_exists(args.account),
            "no account {} in {} (create it with POST /api/v1/accounts)",
            args.account,
            args.db
        );
        let sources = input::sources(&args.paths);
        let total = sources.len();
        let progress = std::io::stderr().is_terminal();
        let mut sum = Summary::default();
        for (i, source) in sources.into_iter().enumerate() {
            match source.messages() {
                Err((file, error)) => {
                    sum.errors += 1;
                    eprintln!("{}", serde_json::json!({ "file": file, "error": error }));
                }
                Ok(messages) => {
                    for m in messages {
                        let ingested = ledger.ingest_message(args.account, &m.bytes).await?;
                        sum.messages += 1;
                        sum.duplicates += usize::from(!ingested.new_message);
                        sum.records += ingested.records.iter().filter(|r| r.recorded).count();
                        sum.skipped_recipients += ingested.skipped.len();
                    }
                }
            }
            if progress {
                eprint!(
                    "\rimport: {}/{total} inputs, {} messages, {} records",
                    i + 1,
                    sum.messages,
                    sum.records
                );
            }
        }
        if progress {
            eprintln!();
        }
        let mut out = std::io::stdout().lock();
        serde_json::to_writer(&mut out, &sum)?;
        writeln!(out)?;
        Ok(if sum.errors > 0 {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        })
    })
}
