//! Train and evaluate the tagger from the command line (development loop).
//!
//! cargo run --release --example train_ner -- TRAIN DEV [GAZETTEERS.tsv] [CLUSTERS.tsv] [OUT]

use std::time::Instant;

use newsgraph::core::ner::{labels, lexicon::Lexicon, train};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: train_ner TRAIN DEV [GAZETTEERS.tsv|-] [CLUSTERS.tsv|-] [OUT]");
        std::process::exit(2);
    }
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p}: {e}"));
    let docs = train::read_conll(&read(&args[0]));
    let dev = train::read_conll(&read(&args[1]));
    let mut lx = Lexicon::default();
    if let Some(p) = args.get(2).filter(|p| *p != "-") {
        lx.add_gazetteer_tsv(&read(p));
    }
    if let Some(p) = args.get(3).filter(|p| *p != "-") {
        lx.add_clusters_tsv(&read(p));
    }
    let epochs = std::env::var("EPOCHS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(12);
    let folds = std::env::var("FOLDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let opts = train::Options {
        epochs,
        folds,
        ..Default::default()
    };
    let t0 = Instant::now();
    let model = train::train(&docs, &dev, lx, &opts, &mut |e| {
        let f = e.dev.as_ref().map_or(0.0, |s| s.overall_f1());
        println!(
            "stage {} epoch {:2}  mistakes {:6}/{:6}  dev F1 {:.4}  {:.1}s",
            e.stage,
            e.epoch,
            e.mistakes,
            e.tokens,
            f,
            t0.elapsed().as_secs_f64()
        );
    });
    let s = train::evaluate(&model, &dev);
    for (i, t) in labels::TYPES.iter().enumerate() {
        println!("{t:5} F1 {:.4}  {:?}", s.f1(i), s.counts[i]);
    }
    println!(
        "ALL   F1 {:.4}  rows {}",
        s.overall_f1(),
        model.n_features()
    );
    let bytes = model.to_bytes();
    println!("model {:.2} MB", bytes.len() as f64 / 1e6);
    let words: Vec<Vec<Vec<&str>>> = dev
        .iter()
        .map(|d| {
            d.sents
                .iter()
                .map(|(w, _)| w.iter().map(String::as_str).collect())
                .collect()
        })
        .collect();
    let n: usize = words.iter().flatten().map(Vec::len).sum();
    let t = Instant::now();
    for _ in 0..3 {
        for d in &words {
            std::hint::black_box(model.tag_document(d));
        }
    }
    let secs = t.elapsed().as_secs_f64() / 3.0;
    println!("tagging one core: {:.0} tokens/s", n as f64 / secs);
    if let Some(out) = args.get(4) {
        std::fs::write(out, bytes).unwrap_or_else(|e| panic!("{out}: {e}"));
    }
}
