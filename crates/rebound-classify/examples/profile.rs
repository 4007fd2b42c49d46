//! A harness for profiling and for checking that a change keeps every result.
//!
//! - `profile run N DIR...`: parses and classifies every file below the folders N times
//!   after one warm-up round (run it under
//!   `valgrind --tool=callgrind --toggle-collect='profile::run*'` to count the instructions of
//!   the measured rounds only).
//! - `profile dump DIR...`: prints the whole report and verdicts of every file, to compare the
//!   output of two builds byte for byte.

use std::path::{Path, PathBuf};

use rebound_classify::Policy;

/// Every regular file below `dir`, recursively.
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if path.is_file() {
            out.push(path);
        }
    }
}

fn load(dirs: &[String]) -> Vec<(PathBuf, Vec<u8>)> {
    let mut paths = Vec::new();
    for d in dirs {
        files(Path::new(d), &mut paths);
    }
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| std::fs::read(&p).ok().map(|b| (p, b)))
        .collect()
}

#[inline(never)]
fn warm_up(corpus: &[(PathBuf, Vec<u8>)], policy: &Policy) {
    for (_, m) in corpus {
        for r in &rebound_parse::parse(m).recipients {
            std::hint::black_box(rebound_classify::classify(r, policy));
        }
    }
}

#[inline(never)]
fn run(corpus: &[(PathBuf, Vec<u8>)], policy: &Policy, rounds: usize) -> usize {
    let mut n = 0;
    for _ in 0..rounds {
        for (_, m) in corpus {
            let report = rebound_parse::parse(std::hint::black_box(m));
            for r in &report.recipients {
                std::hint::black_box(rebound_classify::classify(r, policy));
            }
            n += report.recipients.len();
        }
    }
    n
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let policy = Policy::default();
    match args.first().map(String::as_str) {
        Some("run") => {
            let rounds = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(1);
            let corpus = load(args.get(2..).unwrap_or(&[]));
            // One round first, outside `run`, so the automata built on first use are not counted.
            warm_up(&corpus, &policy);
            let n = run(&corpus, &policy, rounds);
            println!(
                "{} messages x {rounds} rounds, {n} recipients",
                corpus.len()
            );
        }
        Some("dump") => {
            for (path, m) in load(args.get(1..).unwrap_or(&[])) {
                let report = rebound_parse::parse(&m);
                println!("== {}\n{report:#?}", path.display());
                for r in &report.recipients {
                    println!("{:?}", rebound_classify::classify(r, &policy));
                }
            }
        }
        Some("mutants") => {
            // Cut and damaged variants of every file, for paths the corpus itself rarely takes.
            for (path, m) in load(args.get(1..).unwrap_or(&[])) {
                let mut variants: Vec<Vec<u8>> =
                    (1..8).map(|k| m[..m.len() * k / 8].to_vec()).collect();
                let mut flipped = m.clone();
                for (i, b) in flipped.iter_mut().enumerate() {
                    if i % 97 == 13 {
                        *b ^= 0x20;
                    }
                }
                variants.push(flipped);
                variants.push(m.to_ascii_uppercase());
                for (k, v) in variants.iter().enumerate() {
                    let report = rebound_parse::parse(v);
                    println!("== {} #{k}\n{report:?}", path.display());
                    for r in &report.recipients {
                        println!("{:?}", rebound_classify::classify(r, &policy));
                    }
                }
            }
        }
        _ => {
            eprintln!("usage: profile run N DIR... | profile dump DIR... | profile mutants DIR...")
        }
    }
}
