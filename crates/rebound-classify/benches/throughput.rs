//! Throughput of `rebound_parse::parse` + `rebound_classify::classify` over the shared Sisimai
//! corpus (`<shared>/corpus/sisimai/maildir/bsd`).
//!
//! Run with `cargo bench -p rebound-classify --bench throughput`. Each iteration processes the
//! whole corpus, so the `item/s` column is messages per second and the `B/s` column is input
//! bytes per second. `<shared>` is `$REBOUND_SHARED` if set, else `../shared` next to the
//! workspace root. Without the corpus the benchmark prints a message and exits successfully.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use divan::Bencher;
use divan::counter::{BytesCount, ItemsCount};
use rebound_classify::Policy;

/// The corpus, loaded once, in file-name order.
static CORPUS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
/// The default policy, built once (building it parses TOML, which is not what is measured).
static POLICY: OnceLock<Policy> = OnceLock::new();

fn corpus_dir() -> PathBuf {
    let shared = std::env::var_os("REBOUND_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    shared.join("corpus/sisimai/maildir/bsd")
}

/// Every regular file below `dir`, recursively, sorted by path.
fn load(dir: &Path) -> std::io::Result<Vec<Vec<u8>>> {
    let mut paths = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                todo.push(entry.path());
            } else if kind.is_file() {
                paths.push(entry.path());
            }
        }
    }
    paths.sort();
    paths.iter().map(std::fs::read).collect()
}

fn corpus() -> &'static [Vec<u8>] {
    CORPUS.get().expect("corpus is loaded in main")
}

fn policy() -> &'static Policy {
    POLICY.get_or_init(Policy::default)
}

fn total_bytes() -> usize {
    corpus().iter().map(Vec::len).sum()
}

/// Parses and classifies one message; returns the number of recipients (kept observable so
/// nothing is optimised away).
fn parse_and_classify(msg: &[u8], policy: &Policy) -> usize {
    let report = rebound_parse::parse(msg);
    for r in &report.recipients {
        divan::black_box(rebound_classify::classify(r, policy));
    }
    report.recipients.len()
}

/// (a) parse + classify of the whole corpus per iteration, one thread.
#[divan::bench]
fn parse_classify(bencher: Bencher) {
    let (corpus, policy) = (corpus(), policy());
    bencher
        .counter(ItemsCount::new(corpus.len()))
        .counter(BytesCount::new(total_bytes()))
        .bench(|| {
            corpus
                .iter()
                .map(|m| parse_and_classify(divan::black_box(m), policy))
                .sum::<usize>()
        });
}

/// Thread counts for [`parse_classify_parallel`]: 1, 2 and all available cores.
fn thread_counts() -> Vec<usize> {
    let all = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut v = vec![1, 2, all];
    v.sort_unstable();
    v.dedup();
    v
}

/// (b) parse + classify of the whole corpus per iteration, shared by `threads` scoped threads
/// that take messages from a common index, so the time is wall-clock time for the whole
/// corpus and `item/s` is aggregate throughput across the threads.
#[divan::bench(args = thread_counts())]
fn parse_classify_parallel(bencher: Bencher, threads: usize) {
    let (corpus, policy) = (corpus(), policy());
    bencher
        .counter(ItemsCount::new(corpus.len()))
        .counter(BytesCount::new(total_bytes()))
        .bench(|| {
            let next = AtomicUsize::new(0);
            std::thread::scope(|s| {
                let workers: Vec<_> = (0..threads)
                    .map(|_| {
                        s.spawn(|| {
                            let mut n = 0;
                            while let Some(m) = corpus.get(next.fetch_add(1, Ordering::Relaxed)) {
                                n += parse_and_classify(divan::black_box(m), policy);
                            }
                            n
                        })
                    })
                    .collect();
                workers
                    .into_iter()
                    .map(|w| w.join().expect("worker panicked"))
                    .sum::<usize>()
            })
        });
}

/// (c) parse only, whole corpus per iteration, one thread.
#[divan::bench]
fn parse_only(bencher: Bencher) {
    let corpus = corpus();
    bencher
        .counter(ItemsCount::new(corpus.len()))
        .counter(BytesCount::new(total_bytes()))
        .bench(|| {
            corpus
                .iter()
                .map(|m| rebound_parse::parse(divan::black_box(m)).recipients.len())
                .sum::<usize>()
        });
}

fn main() {
    let dir = corpus_dir();
    let messages = match load(&dir) {
        Ok(m) if !m.is_empty() => m,
        Ok(_) => {
            println!(
                "corpus not found, benchmark skipped: {} is empty",
                dir.display()
            );
            return;
        }
        Err(e) => {
            println!(
                "corpus not found, benchmark skipped: {}: {e} (set REBOUND_SHARED to the shared folder)",
                dir.display()
            );
            return;
        }
    };
    CORPUS.set(messages).expect("set once");
    policy();
    divan::main();
}
