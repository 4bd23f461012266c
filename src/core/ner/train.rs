//! Training the tagger: an averaged perceptron over greedy left-to-right decoding.
//!
//! Why this model: a linear model with rich, hashed features trains in seconds, tags at
//! over a million tokens a second, and with word clusters, gazetteers and document
//! features reaches the accuracy of far slower taggers on news (Ratinov & Roth 2009).
//! The perceptron learns from its own greedy predictions (previous labels are the ones
//! it chose, not the gold ones), so training matches how it is used. Averaging the
//! weights over all updates is the standard guard against overfitting the last epoch.

use rayon::prelude::*;

use super::features::{self, DocInfo, Sent};
use super::hash::{IdMap, IdSet};
use super::labels::{self, N_LABELS};
use super::lexicon::Lexicon;
use super::model::{best_allowed, Model};

/// A document of labelled sentences: tokens and BILOU labels.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Doc {
    pub sents: Vec<(Vec<String>, Vec<u8>)>,
}

/// Read CoNLL-format text: one token per line, the word first and the entity tag
/// (IOB1 or IOB2) last; blank lines end sentences; `-DOCSTART-` lines start documents.
pub fn read_conll(text: &str) -> Vec<Doc> {
    let mut docs = vec![Doc::default()];
    let mut words: Vec<String> = Vec::new();
    let mut tags: Vec<String> = Vec::new();
    let flush = |docs: &mut Vec<Doc>, words: &mut Vec<String>, tags: &mut Vec<String>| {
        if !words.is_empty() {
            let t: Vec<&str> = tags.iter().map(String::as_str).collect();
            let labels = labels::from_spans(words.len(), &labels::spans_from_iob(&t));
            if let Some(d) = docs.last_mut() {
                d.sents.push((std::mem::take(words), labels));
            }
            tags.clear();
        }
    };
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("-DOCSTART-") {
            flush(&mut docs, &mut words, &mut tags);
            docs.push(Doc::default());
        } else if line.is_empty() {
            flush(&mut docs, &mut words, &mut tags);
        } else {
            let mut cols = line.split_whitespace();
            let word = cols.next().unwrap_or_default();
            let tag = cols.last().unwrap_or("O");
            words.push(word.to_string());
            tags.push(tag.to_string());
        }
    }
    flush(&mut docs, &mut words, &mut tags);
    docs.retain(|d| !d.sents.is_empty());
    docs
}

#[derive(Debug, Clone)]
pub struct Options {
    pub epochs: usize,
    pub seed: u64,
    /// Rows whose largest averaged weight is below this are dropped from the model.
    pub prune: f32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            epochs: 12,
            seed: 1,
            prune: 0.02,
        }
    }
}

/// Strict span precision/recall/F1, per type and overall (conlleval semantics).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scores {
    /// (true positives, predicted, gold) per type, then overall.
    pub counts: Vec<(usize, usize, usize)>,
}

impl Scores {
    pub fn f1(&self, i: usize) -> f64 {
        let (tp, p, g) = self.counts[i];
        if p + g == 0 {
            return 0.0;
        }
        2.0 * tp as f64 / (p + g) as f64
    }
    pub fn overall_f1(&self) -> f64 {
        self.f1(labels::TYPES.len())
    }
}

/// Score predicted label sequences against gold ones.
pub fn score(gold: &[Vec<u8>], pred: &[Vec<u8>]) -> Scores {
    let n = labels::TYPES.len();
    let mut counts = vec![(0, 0, 0); n + 1];
    for (g, p) in gold.iter().zip(pred) {
        let gs = labels::spans(g);
        let ps = labels::spans(p);
        for s in &gs {
            counts[s.2].2 += 1;
            counts[n].2 += 1;
        }
        for s in &ps {
            counts[s.2].1 += 1;
            counts[n].1 += 1;
            if gs.contains(s) {
                counts[s.2].0 += 1;
                counts[n].0 += 1;
            }
        }
    }
    Scores { counts }
}

/// Tag labelled documents with `model` and score the result.
pub fn evaluate(model: &Model, docs: &[Doc]) -> Scores {
    let results: Vec<(Vec<Vec<u8>>, Vec<Vec<u8>>)> = docs
        .par_iter()
        .map(|d| {
            let words: Vec<&Vec<String>> = d.sents.iter().map(|(w, _)| w).collect();
            let words: Vec<Vec<&str>> = words
                .iter()
                .map(|w| w.iter().map(String::as_str).collect())
                .collect();
            let pred = model.tag_document(&words);
            let gold = d.sents.iter().map(|(_, l)| l.clone()).collect();
            (gold, pred)
        })
        .collect();
    let (gold, pred): (Vec<Vec<Vec<u8>>>, Vec<Vec<Vec<u8>>>) = results.into_iter().unzip();
    score(&gold.concat(), &pred.concat())
}

/// What one epoch did.
#[derive(Debug, Clone)]
pub struct Epoch {
    pub epoch: usize,
    pub mistakes: usize,
    pub tokens: usize,
    pub dev: Option<Scores>,
}

/// Perceptron weights with lazy averaging.
struct Averaged {
    index: IdMap<u32>,
    w: Vec<f32>,
    total: Vec<f64>,
    stamp: Vec<u32>,
    t: u32,
}

impl Averaged {
    fn new() -> Self {
        Averaged {
            index: IdMap::default(),
            w: Vec::new(),
            total: Vec::new(),
            stamp: Vec::new(),
            t: 1,
        }
    }

    fn scores(&self, feats: &[u64]) -> [f32; N_LABELS] {
        let mut s = [0f32; N_LABELS];
        for f in feats {
            if let Some(&r) = self.index.get(f) {
                let r = r as usize * N_LABELS;
                for (x, w) in s.iter_mut().zip(&self.w[r..r + N_LABELS]) {
                    *x += w;
                }
            }
        }
        s
    }

    fn update(&mut self, feats: &[u64], label: u8, delta: f32) {
        for f in feats {
            let next = self.index.len() as u32;
            let row = *self.index.entry(*f).or_insert(next);
            if row == next {
                self.w.resize(self.w.len() + N_LABELS, 0.0);
                self.total.resize(self.total.len() + N_LABELS, 0.0);
                self.stamp.resize(self.stamp.len() + N_LABELS, 0);
            }
            let i = row as usize * N_LABELS + label as usize;
            self.total[i] += (self.t - self.stamp[i]) as f64 * self.w[i] as f64;
            self.stamp[i] = self.t;
            self.w[i] += delta;
        }
    }

    /// The averaged weights as a model, dropping rows that carry (almost) nothing.
    fn snapshot(&self, lexicon: &Lexicon, starters: &IdSet, prune: f32) -> Model {
        let mut index = IdMap::default();
        let mut weights = Vec::new();
        let t = self.t as f64;
        let mut keys: Vec<(u64, u32)> = self.index.iter().map(|(&k, &r)| (k, r)).collect();
        keys.sort_unstable();
        for (k, r) in keys {
            let base = r as usize * N_LABELS;
            let row: Vec<f32> = (base..base + N_LABELS)
                .map(|i| {
                    ((self.total[i] + (t - self.stamp[i] as f64) * self.w[i] as f64) / t) as f32
                })
                .collect();
            if row.iter().any(|w| w.abs() >= prune) {
                index.insert(k, (weights.len() / N_LABELS) as u32);
                weights.extend(row);
            }
        }
        Model {
            lexicon: lexicon.clone(),
            index,
            weights,
            starters: starters.clone(),
        }
    }
}

fn prepare_docs(lexicon: &Lexicon, docs: &[Doc]) -> Vec<(Vec<Sent>, DocInfo)> {
    docs.par_iter()
        .map(|d| {
            let words: Vec<Vec<&str>> = d
                .sents
                .iter()
                .map(|(w, _)| w.iter().map(String::as_str).collect())
                .collect();
            features::prepare(lexicon, &words)
        })
        .collect()
}

/// Train a tagger. Documents are visited in a shuffled order fixed by `opts.seed`, so
/// the same data and options give the same model. With `dev` documents, the epoch
/// with the best dev F1 is kept; `report` hears about every epoch.
pub fn train(
    docs: &[Doc],
    dev: &[Doc],
    lexicon: Lexicon,
    opts: &Options,
    report: &mut dyn FnMut(&Epoch),
) -> Model {
    let mut starters = IdSet::default();
    for d in docs {
        for (words, labels) in &d.sents {
            for (w, &l) in words.iter().zip(labels) {
                if labels::begins(l) && !w.chars().any(char::is_uppercase) {
                    starters.insert(super::hash::hash_str(&w.to_lowercase()));
                }
            }
        }
    }
    let prepared = prepare_docs(&lexicon, docs);
    let mut avg = Averaged::new();
    let mut rng = fastrand::Rng::with_seed(opts.seed);
    let mut order: Vec<usize> = (0..docs.len()).collect();
    let mut best: Option<(f64, Model)> = None;
    for epoch in 1..=opts.epochs {
        rng.shuffle(&mut order);
        let (mut mistakes, mut tokens) = (0, 0);
        for &di in &order {
            let (sents, info) = &prepared[di];
            let gold = &docs[di].sents;
            features::decode(sents, info, &starters, |feats, prev, (si, ti)| {
                let g = gold[si].1[ti];
                let p = best_allowed(&avg.scores(feats), prev);
                tokens += 1;
                if p != g {
                    mistakes += 1;
                    avg.update(feats, g, 1.0);
                    avg.update(feats, p, -1.0);
                }
                avg.t += 1;
                p
            });
        }
        let snapshot = avg.snapshot(&lexicon, &starters, opts.prune);
        let dev_scores = (!dev.is_empty()).then(|| evaluate(&snapshot, dev));
        report(&Epoch {
            epoch,
            mistakes,
            tokens,
            dev: dev_scores.clone(),
        });
        let f = dev_scores.map_or(epoch as f64, |s| s.overall_f1());
        if best.as_ref().is_none_or(|(bf, _)| f > *bf) {
            best = Some((f, snapshot));
        }
    }
    best.map(|(_, m)| m)
        .unwrap_or_else(|| avg.snapshot(&lexicon, &starters, opts.prune))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOY: &str = "-DOCSTART- -X- O O\n\nLavrov NNP I-NP I-PER\nmet VBD I-VP O\nWang NNP I-NP I-PER\nYi NNP I-NP I-PER\nin IN I-PP O\nMoscow NNP I-NP I-LOC\n. . O O\n\nThe DT I-NP O\nForeign NNP I-NP I-ORG\nMinistry NNP I-NP I-ORG\nsaid VBD I-VP O\n. . O O\n\n-DOCSTART- -X- O O\n\nPutin NNP I-NP I-PER\nvisited VBD I-VP O\nBeijing NNP I-NP I-LOC\n. . O O\n";

    #[test]
    fn reads_conll_documents() {
        let docs = read_conll(TOY);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].sents.len(), 2);
        let (w, l) = &docs[0].sents[0];
        assert_eq!(w[2], "Wang");
        assert_eq!(labels::spans(l), vec![(0, 1, 0), (2, 4, 0), (5, 6, 2)]);
    }

    #[test]
    fn learns_a_toy_corpus_and_round_trips() {
        let docs = read_conll(TOY);
        let opts = Options {
            epochs: 8,
            seed: 7,
            prune: 0.0,
        };
        let mut epochs = 0;
        let model = train(&docs, &docs, Lexicon::default(), &opts, &mut |_| {
            epochs += 1
        });
        assert_eq!(epochs, 8);
        let s = evaluate(&model, &docs);
        assert!(s.overall_f1() > 0.99, "{s:?}");
        let again = train(&docs, &docs, Lexicon::default(), &opts, &mut |_| {});
        assert_eq!(again.weights, model.weights, "training is deterministic");
        let bytes = model.to_bytes();
        let loaded = Model::from_bytes(&bytes).expect("load");
        assert!(evaluate(&loaded, &docs).overall_f1() > 0.99);
        assert!(Model::from_bytes(b"junk").is_err());
        assert!(Model::from_bytes(&bytes[..bytes.len() / 2]).is_err());
    }

    #[test]
    fn scores_are_strict_spans() {
        let gold = vec![labels::from_spans(4, &[(0, 2, 0), (3, 4, 2)])];
        let pred = vec![labels::from_spans(4, &[(0, 1, 0), (3, 4, 2)])];
        let s = score(&gold, &pred);
        assert_eq!(s.counts[4], (1, 2, 2));
        assert!((s.overall_f1() - 0.5).abs() < 1e-9);
    }
}
