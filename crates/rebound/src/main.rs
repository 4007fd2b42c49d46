//! The `rebound` command: a thin layer over the library crates.

mod classify;
mod deliver;
mod demo;
mod import;
mod input;
mod serve;

use clap::{Parser, Subcommand};

/// Rebound: read, classify and manage email bounces.
#[derive(Parser)]
#[command(name = "rebound", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Classify bounce messages: files, directories, mbox, Maildir, or - for standard input.
    Classify(classify::Args),
    /// Run the ledger and its HTTP API (JSON under /api/v1) on an embedded SQLite file.
    Serve(Box<serve::Args>),
    /// Ingest stored bounces (files, directories, mbox, Maildir) into one account's ledger.
    Import(import::Args),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Classify(args) => classify::run(args),
        Command::Serve(args) => serve::run(*args),
        Command::Import(args) => import::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("rebound: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}
