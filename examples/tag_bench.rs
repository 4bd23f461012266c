//! Time tagging parsed articles (development aid for profiling).
//!
//! cargo run --release --example tag_bench -- MODEL JSONL[.gz] [REPEATS]
//!
//! With `NER_DUMP=FILE`, also writes every mention (document, sentence, first token,
//! end token, label) to FILE, one a line, to check that a speed-up changes no output.

use std::time::Instant;

use newsgraph::core::{corpus, io, ner};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: tag_bench MODEL JSONL [REPEATS]");
        std::process::exit(2);
    }
    let model = std::fs::read(&args[0]).unwrap_or_else(|e| panic!("{}: {e}", args[0]));
    let model = ner::Model::from_bytes(&model).unwrap_or_else(|e| panic!("{e}"));
    let data = io::read_jsonl(std::path::Path::new(&args[1]), "text", None, true)
        .unwrap_or_else(|e| panic!("{e}"));
    let texts: Vec<Option<String>> = data
        .records
        .into_iter()
        .map(|r| match r.text {
            io::TextField::Text(t) => Some(t),
            io::TextField::Missing => None,
        })
        .collect();
    let docs = corpus::parse_all(&texts).unwrap_or_else(|e| panic!("{e}"));
    let tokens: usize = docs.iter().map(|a| a.tokens.len()).sum();
    let bytes: usize = docs.iter().map(|a| a.text.len()).sum();
    if let Some(path) = std::env::var_os("NER_DUMP") {
        let mut out = String::new();
        for (d, a) in docs.iter().enumerate() {
            for m in ner::tag_article(&model, a) {
                out.push_str(&format!(
                    "{d}\t{}\t{}\t{}\t{}\n",
                    m.sentence, m.start_token, m.end_token, m.label
                ));
            }
        }
        std::fs::write(&path, out).unwrap_or_else(|e| panic!("{}: {e}", path.to_string_lossy()));
    }
    let repeats: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(3);
    let mut best = f64::MAX;
    let mut n = 0;
    for _ in 0..repeats {
        let t = Instant::now();
        n = docs
            .iter()
            .map(|a| ner::tag_article(&model, a).len())
            .sum::<usize>();
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "{} docs, {tokens} tokens, {n} mentions: {best:.3} s on one thread, {:.0} tokens/s, {:.1} MB/s",
        docs.len(),
        tokens as f64 / best,
        bytes as f64 / best / 1e6
    );
}
