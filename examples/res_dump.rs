//! Resolve mentions from a TSV file (development aid: check that a change to
//! resolution keeps its output, and that resolving in batches equals resolving at once).
//!
//! cargo run --release --example res_dump -- MENTIONS.tsv [BATCH_DOCS] > entities.txt
//!
//! Each input line is `doc<TAB>label<TAB>text`, grouped by document. Prints every
//! entity, then every mention's entity. With BATCH_DOCS, links the mentions batch by
//! batch of that many documents and resolves the tally, as `newsgraph.scan` does.

use std::io::{BufRead, Write};

use newsgraph::core::resolve::{self, Entity, Options, Tally};

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
    // Forms numbered in order of first mention.
    let mut form_of = std::collections::HashMap::new();
    let mut forms: Vec<(&str, &str)> = Vec::new();
    let form: Vec<u32> = rows
        .iter()
        .map(|(_, l, t)| {
            *form_of.entry((t.as_str(), l.as_str())).or_insert_with(|| {
                forms.push((t.as_str(), l.as_str()));
                forms.len() as u32 - 1
            })
        })
        .collect();
    let doc: Vec<u32> = rows.iter().map(|r| r.0).collect();
    let t = std::time::Instant::now();
    let (entities, entity_of) = match args.get(1).and_then(|b| b.parse::<u32>().ok()) {
        None => {
            let r = resolve::resolve_forms(&doc, &form, &forms, &opts);
            (r.entities, r.entity_of)
        }
        Some(batch) => batched(&doc, &form, &forms, &opts, batch),
    };
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

/// Link batch by batch with each batch's own form table, then resolve the tally.
fn batched(
    doc: &[u32],
    form: &[u32],
    forms: &[(&str, &str)],
    opts: &Options,
    batch: u32,
) -> (Vec<Entity>, Vec<u32>) {
    let mut target = Vec::with_capacity(doc.len());
    let mut unlinked = vec![false; forms.len()];
    let mut pairs = Vec::new();
    let mut s = 0;
    while s < doc.len() {
        let e = s + doc[s..].partition_point(|&d| d / batch == doc[s] / batch);
        let mut local_of = std::collections::HashMap::new();
        let mut local: Vec<(&str, &str)> = Vec::new();
        let lf: Vec<u32> = form[s..e]
            .iter()
            .map(|&f| {
                *local_of.entry(f).or_insert_with(|| {
                    local.push(forms[f as usize]);
                    local.len() as u32 - 1
                })
            })
            .collect();
        let linked = resolve::link_mentions(&doc[s..e], &lf, &local, opts);
        for (i, &j) in linked.iter().enumerate() {
            let (own, to) = (form[s + i], form[s + j as usize]);
            unlinked[own as usize] |= j as usize == i;
            pairs.push((to, own, 1));
            target.push(to);
        }
        s = e;
    }
    let merged = resolve::resolve_tally(forms, &Tally { unlinked, pairs }, opts);
    let entity_of: Vec<u32> = target
        .iter()
        .map(|&f| merged.entity_of_form[f as usize])
        .collect();
    let mut entities = merged.entities;
    let mut seen = std::collections::HashSet::new();
    for (&e, &d) in entity_of.iter().zip(doc) {
        if seen.insert((e, d)) {
            entities[e as usize].documents += 1;
        }
    }
    (entities, entity_of)
}
