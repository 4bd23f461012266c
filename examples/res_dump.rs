//! Resolve mentions from a TSV file (development aid: check that a change to
//! resolution keeps its output, and that resolving in batches equals resolving at once).
//!
//! cargo run --release --example res_dump -- MENTIONS.tsv [BATCH_DOCS] > entities.txt
//!
//! Each input line is `doc<TAB>label<TAB>text`, grouped by document. Prints every
//! entity, then every mention's entity. With BATCH_DOCS, links the mentions batch by
//! batch of that many documents and resolves the tally, as `newsgraph.scan` does.

use std::io::{BufRead, Write};

use newsgraph::core::resolve::{self, MentionIn, Options};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let f = std::fs::File::open(&args[0]).unwrap_or_else(|e| panic!("{}: {e}", args[0]));
    let mut rows: Vec<(u32, String, String)> = Vec::new();
    for line in std::io::BufReader::new(f).lines() {
        let line = line.expect("readable input");
        let mut p = line.splitn(3, '\t');
        let doc: u32 = p.next().and_then(|d| d.parse().ok()).expect("a doc number");
        let label = p.next().expect("a label").to_string();
        let text = p.next().expect("a text").to_string();
        rows.push((doc, label, text));
    }
    let opts = Options {
        fuzzy: true,
        ..Default::default()
    };
    let mentions: Vec<MentionIn> = rows
        .into_iter()
        .map(|(doc, label, text)| MentionIn { doc, text, label })
        .collect();
    let t = std::time::Instant::now();
    let r = match args.get(1).and_then(|b| b.parse::<u32>().ok()) {
        None => resolve::resolve(&mentions, &opts),
        Some(batch) => resolve::resolve_in_batches(&mentions, &opts, batch),
    };
    let (entities, entity_of) = (r.entities, r.entity_of);
    eprintln!("resolve {:?}", t.elapsed());
    let out = std::io::stdout();
    let mut o = std::io::BufWriter::new(out.lock());
    for e in &entities {
        let a = e.aliases.join("|");
        writeln!(
            o,
            "E\t{}\t{}\t{a}\t{}\t{}",
            e.name, e.label, e.mentions, e.documents
        )
        .expect("stdout");
    }
    for &e in &entity_of {
        writeln!(o, "M\t{e}").expect("stdout");
    }
}
