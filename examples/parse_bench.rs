//! Time reading and parsing articles on one thread (development aid for profiling).
//!
//! cargo run --release --example parse_bench -- JSONL[.gz] [REPEATS]

use std::time::Instant;

use newsgraph::core::{corpus, io};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: parse_bench JSONL [REPEATS]");
        std::process::exit(2);
    };
    let t = Instant::now();
    let data = io::read_jsonl(std::path::Path::new(path), "text", None, false)
        .unwrap_or_else(|e| panic!("{e}"));
    let read = t.elapsed().as_secs_f64();
    let texts: Vec<Option<String>> = data
        .records
        .into_iter()
        .map(|r| match r.text {
            io::TextField::Text(t) => Some(t),
            io::TextField::Missing => None,
        })
        .collect();
    let bytes: usize = texts.iter().flatten().map(|t| t.len()).sum();
    let repeats: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(3);
    let mut best = f64::MAX;
    let mut tokens = 0;
    for _ in 0..repeats {
        let t = Instant::now();
        let docs = corpus::with_threads(Some(1), || corpus::parse_all(&texts))
            .and_then(|r| r)
            .unwrap_or_else(|e| panic!("{e}"));
        best = best.min(t.elapsed().as_secs_f64());
        tokens = docs.iter().map(|a| a.tokens.len()).sum::<usize>();
    }
    println!(
        "{} docs, {tokens} tokens, {:.1} MB: read {read:.3} s; parse {best:.3} s on one thread, {:.1} MB/s",
        texts.len(),
        bytes as f64 / 1e6,
        bytes as f64 / best / 1e6
    );
}
