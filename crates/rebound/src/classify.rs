//! `rebound classify`: parse and classify messages, print one record per recipient.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use rayon::prelude::*;
use rebound_classify::Policy;
use serde::Serialize;

use crate::input::{self, Source};

#[derive(clap::Args)]
pub struct Args {
    /// Output format: one JSON object per line, one JSON array, or a readable table.
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    format: Format,
    /// A policy TOML file whose rows replace the default policy's (see policy/default.toml).
    #[arg(long, value_name = "FILE")]
    policy: Option<String>,
    /// Start from a shipped profile instead of the default: "default" or "time-limited".
    #[arg(long, value_name = "NAME", default_value = "default")]
    profile: String,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    jobs: Option<usize>,
    /// Message files, directories, mbox files, Maildirs, or - for standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Jsonl,
    Json,
    Table,
}

/// One output record: a recipient of a report (SPEC §9).
#[derive(Serialize)]
pub struct Record {
    file: String,
    /// Position of the message in an mbox file that holds several (1-based).
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<usize>,
    recipient: String,
    action: Option<&'static str>,
    status: Option<String>,
    reply_code: Option<String>,
    diagnostic: String,
    remote_mta: Option<String>,
    /// The SMTP command the failure answered, when the report says.
    command: Option<String>,
    cause: &'static str,
    #[serde(rename = "type")]
    bounce_type: &'static str,
    reason: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppress_days: Option<u32>,
    original_message_id: Option<String>,
    engine: &'static str,
}

#[derive(Serialize)]
struct ErrorRecord {
    file: String,
    error: String,
}

enum Outcome {
    Records(Vec<Record>),
    Error(ErrorRecord),
}

/// Builds the records of one message.
pub fn records(file: &str, message: Option<usize>, bytes: &[u8], policy: &Policy) -> Vec<Record> {
    let report = rebound_parse::parse(bytes);
    report
        .recipients
        .iter()
        .map(|r| {
            let v = rebound_classify::classify(r, policy);
            Record {
                file: file.to_string(),
                message,
                recipient: r.address.clone(),
                action: r.action.map(|a| a.as_str()),
                status: r.status.clone(),
                reply_code: r.reply_code.clone(),
                diagnostic: r.diagnostic.clone(),
                remote_mta: r.remote_mta.clone(),
                command: r.command.clone(),
                cause: v.cause.as_str(),
                bounce_type: v.bounce_type.as_str(),
                reason: v.reason.map(|r| r.as_str()),
                suppress_days: v.suppress_days,
                original_message_id: report.original_message_id.clone(),
                engine: report.engine,
            }
        })
        .collect()
}

/// The policy of a shipped profile, overlaid with a policy file's rows.
pub fn load_policy(profile: &str, file: Option<&str>) -> anyhow::Result<Policy> {
    let base = match profile {
        "default" => Policy::default(),
        "time-limited" => Policy::time_limited(),
        other => anyhow::bail!("unknown profile {other:?} (default, time-limited)"),
    };
    match file {
        None => Ok(base),
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
            Ok(base.overlay(&text)?)
        }
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let policy = load_policy(&args.profile, args.policy.as_deref())?;
    if let Some(j) = args.jobs {
        rayon::ThreadPoolBuilder::new()
            .num_threads(j)
            .build_global()
            .ok();
    }
    let sources = input::sources(&args.paths);
    let outcomes: Vec<Outcome> = sources
        .into_par_iter()
        .flat_map_iter(|s| process(s, &policy))
        .collect();
    let mut failed = false;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format {
        Format::Jsonl => {
            for o in &outcomes {
                match o {
                    Outcome::Records(rs) => {
                        for r in rs {
                            serde_json::to_writer(&mut out, r)?;
                            out.write_all(b"\n")?;
                        }
                    }
                    Outcome::Error(e) => {
                        failed = true;
                        serde_json::to_writer(&mut out, e)?;
                        out.write_all(b"\n")?;
                    }
                }
            }
        }
        Format::Json => {
            let mut all: Vec<serde_json::Value> = Vec::new();
            for o in &outcomes {
                match o {
                    Outcome::Records(rs) => {
                        for r in rs {
                            all.push(serde_json::to_value(r)?);
                        }
                    }
                    Outcome::Error(e) => {
                        failed = true;
                        all.push(serde_json::to_value(e)?);
                    }
                }
            }
            serde_json::to_writer_pretty(&mut out, &all)?;
            out.write_all(b"\n")?;
        }
        Format::Table => failed = write_table(&mut out, &outcomes)?,
    }
    out.flush()?;
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn process(source: Source, policy: &Policy) -> Vec<Outcome> {
    match source.messages() {
        Err((file, error)) => vec![Outcome::Error(ErrorRecord { file, error })],
        Ok(messages) => messages
            .into_iter()
            .map(|m| Outcome::Records(records(&m.name, m.index, &m.bytes, policy)))
            .collect(),
    }
}

fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

fn write_table(out: &mut impl Write, outcomes: &[Outcome]) -> anyhow::Result<bool> {
    let mut failed = false;
    writeln!(
        out,
        "{:<28} {:<32} {:<8} {:<7} {:<15} {:<22} DIAGNOSTIC",
        "FILE", "RECIPIENT", "TYPE", "STATUS", "CAUSE", "REASON"
    )?;
    for o in outcomes {
        match o {
            Outcome::Records(rs) => {
                for r in rs {
                    let file = r.file.rsplit('/').next().unwrap_or(&r.file);
                    writeln!(
                        out,
                        "{:<28} {:<32} {:<8} {:<7} {:<15} {:<22} {}",
                        cut(file, 28),
                        cut(&r.recipient, 32),
                        r.bounce_type,
                        r.status.as_deref().unwrap_or("-"),
                        r.cause,
                        r.reason.unwrap_or("-"),
                        cut(&r.diagnostic, 60)
                    )?;
                }
            }
            Outcome::Error(e) => {
                failed = true;
                writeln!(out, "{:<28} error: {}", cut(&e.file, 28), e.error)?;
            }
        }
    }
    Ok(failed)
}
