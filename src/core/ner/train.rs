//! Training the tagger: an averaged perceptron over greedy left-to-right decoding.
//!
//! Why this model: a linear model with rich, hashed features trains in seconds, tags at
//! over a million tokens a second, and with word clusters, gazetteers and document
//! features reaches the accuracy of far slower taggers on news (Ratinov & Roth 2009).
//! The perceptron learns from its own greedy predictions (previous labels are the ones
//! it chose, not the gold ones), so training matches how it is used. Averaging the
//! weights over all updates is the standard guard against overfitting the last epoch.

use rayon::prelude::*;

use super::features::{self, DocInfo, FirstPass, Sent};
use super::hash::{IdMap, IdSet};
use super::labels::{self, N_LABELS};
use super::lexicon::Lexicon;
use super::model::{best_allowed, Model, Weights};

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
    /// Jackknife folds for the second stage; below 2, no second stage.
    pub folds: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            epochs: 12,
            seed: 1,
            prune: 0.02,
            folds: 5,
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

/// Labels of the sentences of several documents, in order.
type Labels = Vec<Vec<u8>>;

/// Tag labelled documents with `model` and score the result.
pub fn evaluate(model: &Model, docs: &[Doc]) -> Scores {
    let pred: Vec<Labels> = docs
        .par_iter()
        .map(|d| {
            let words: Vec<Vec<&str>> = d
                .sents
                .iter()
                .map(|(w, _)| w.iter().map(String::as_str).collect())
                .collect();
            model.tag_document(&words)
        })
        .collect();
    let gold: Labels = docs
        .iter()
        .flat_map(|d| d.sents.iter().map(|(_, l)| l.clone()))
        .collect();
    score(&gold, &pred.concat())
}

/// What one epoch did.
#[derive(Debug, Clone)]
pub struct Epoch {
    /// 1 for the local tagger, 2 for the document-aware second stage.
    pub stage: usize,
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

    /// Current (not averaged) weights, used while learning.
    fn current(&self) -> WeightsRef<'_> {
        WeightsRef {
            index: &self.index,
            weights: &self.w,
        }
    }

    /// The averaged weights, dropping rows that carry (almost) nothing.
    fn snapshot(&self, prune: f32) -> Weights {
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
        Weights { index, weights }
    }
}

struct WeightsRef<'a> {
    index: &'a IdMap<u32>,
    weights: &'a [f32],
}

impl WeightsRef<'_> {
    fn scores(&self, feats: &[u64]) -> [f32; N_LABELS] {
        let mut s = [0f32; N_LABELS];
        for f in feats {
            if let Some(&r) = self.index.get(f) {
                let r = r as usize * N_LABELS;
                for (x, w) in s.iter_mut().zip(&self.weights[r..r + N_LABELS]) {
                    *x += w;
                }
            }
        }
        s
    }
}

fn prepare_docs(lexicon: &Lexicon, starters: &IdSet, docs: &[Doc]) -> Vec<(Vec<Sent>, DocInfo)> {
    docs.par_iter()
        .map(|d| {
            let words: Vec<Vec<&str>> = d
                .sents
                .iter()
                .map(|(w, _)| w.iter().map(String::as_str).collect())
                .collect();
            features::prepare(lexicon, starters, &words)
        })
        .collect()
}

type Prepared = (Vec<Sent>, DocInfo);

/// Labels of prepared documents under one weight table (and a first pass, for stage 2).
fn tag_all(
    w: &Weights,
    prepared: &[&Prepared],
    first: Option<&[FirstPass]>,
    starters: &IdSet,
) -> Vec<Vec<Vec<u8>>> {
    prepared
        .par_iter()
        .enumerate()
        .map(|(k, (sents, info))| {
            let fp = first.map(|f| &f[k]);
            features::decode(sents, info, starters, fp, |feats, prev, _| {
                best_allowed(&w.scores(feats), prev)
            })
        })
        .collect()
}

/// What one stage learns from and is checked against.
struct StageData<'a> {
    docs: Vec<&'a Doc>,
    prepared: Vec<&'a Prepared>,
    first: Option<Vec<FirstPass>>,
}

/// Train one weight table; returns it and the epoch it comes from (the best on dev,
/// else the last).
fn train_stage(
    train: &StageData<'_>,
    dev: Option<&StageData<'_>>,
    starters: &IdSet,
    epochs: usize,
    opts: &Options,
    stage: usize,
    report: &mut dyn FnMut(&Epoch),
) -> (Weights, usize) {
    let mut avg = Averaged::new();
    let mut rng = fastrand::Rng::with_seed(opts.seed.wrapping_add(stage as u64));
    let mut order: Vec<usize> = (0..train.docs.len()).collect();
    let mut best: Option<(f64, usize, Weights)> = None;
    for epoch in 1..=epochs {
        rng.shuffle(&mut order);
        let (mut mistakes, mut tokens) = (0, 0);
        for &di in &order {
            let (sents, info) = train.prepared[di];
            let gold = &train.docs[di].sents;
            let fp = train.first.as_ref().map(|f| &f[di]);
            features::decode(sents, info, starters, fp, |feats, prev, (si, ti)| {
                let g = gold[si].1[ti];
                let p = best_allowed(&avg.current().scores(feats), prev);
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
        let snapshot = avg.snapshot(opts.prune);
        let dev_scores = dev.map(|d| {
            let pred = tag_all(&snapshot, &d.prepared, d.first.as_deref(), starters);
            let gold: Vec<Vec<u8>> = d
                .docs
                .iter()
                .flat_map(|doc| doc.sents.iter().map(|(_, l)| l.clone()))
                .collect();
            score(&gold, &pred.concat())
        });
        report(&Epoch {
            stage,
            epoch,
            mistakes,
            tokens,
            dev: dev_scores.clone(),
        });
        let f = dev_scores.map_or(epoch as f64, |s| s.overall_f1());
        if best.as_ref().is_none_or(|(bf, _, _)| f > *bf) {
            best = Some((f, epoch, snapshot));
        }
    }
    match best {
        Some((_, e, w)) => (w, e),
        None => (avg.snapshot(opts.prune), 0),
    }
}

/// Train a tagger. Documents are visited in a shuffled order fixed by `opts.seed`, so
/// the same data and options give the same model. With `dev` documents, each stage
/// keeps its epoch with the best dev F1; `report` hears about every epoch.
///
/// The second stage must learn from first-pass labels as imperfect as those it will
/// see on new text, so its training labels come from jackknifing: the training
/// documents are split into `opts.folds` parts and each part is tagged by a first
/// stage trained on the others.
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
    let prepared = prepare_docs(&lexicon, &starters, docs);
    let dev_prepared = prepare_docs(&lexicon, &starters, dev);
    let all = StageData {
        docs: docs.iter().collect(),
        prepared: prepared.iter().collect(),
        first: None,
    };
    let mut dev_data = (!dev.is_empty()).then(|| StageData {
        docs: dev.iter().collect(),
        prepared: dev_prepared.iter().collect(),
        first: None,
    });
    let (stage1, best_epoch) = train_stage(
        &all,
        dev_data.as_ref(),
        &starters,
        opts.epochs,
        opts,
        1,
        report,
    );
    let model = Model::new(lexicon, stage1, None, starters);
    if opts.folds < 2 || docs.len() < opts.folds {
        return model;
    }
    let folds = opts.folds;
    let mut fold_of: Vec<usize> = (0..docs.len()).map(|i| i % folds).collect();
    fastrand::Rng::with_seed(opts.seed ^ 0xF01D).shuffle(&mut fold_of);
    let epochs = best_epoch.max(1);
    let per_fold: Vec<Vec<(usize, Vec<Vec<u8>>)>> = (0..folds)
        .into_par_iter()
        .map(|f| {
            let rest: Vec<usize> = (0..docs.len()).filter(|&i| fold_of[i] != f).collect();
            let held: Vec<usize> = (0..docs.len()).filter(|&i| fold_of[i] == f).collect();
            let data = StageData {
                docs: rest.iter().map(|&i| &docs[i]).collect(),
                prepared: rest.iter().map(|&i| &prepared[i]).collect(),
                first: None,
            };
            let (w, _) = train_stage(&data, None, &model.starters, epochs, opts, 1, &mut |_| {});
            let held_prep: Vec<&Prepared> = held.iter().map(|&i| &prepared[i]).collect();
            let labels = tag_all(&w, &held_prep, None, &model.starters);
            held.into_iter().zip(labels).collect()
        })
        .collect();
    let mut first: Vec<Option<FirstPass>> = (0..docs.len()).map(|_| None).collect();
    for (i, labels) in per_fold.into_iter().flatten() {
        first[i] = Some(FirstPass::new(&prepared[i].0, labels));
    }
    let train2 = StageData {
        first: Some(first.into_iter().map(Option::unwrap_or_default).collect()),
        ..all
    };
    if let Some(d) = dev_data.as_mut() {
        let labels = tag_all(&model.stage1, &d.prepared, None, &model.starters);
        d.first = Some(
            d.prepared
                .iter()
                .zip(labels)
                .map(|(p, l)| FirstPass::new(&p.0, l))
                .collect(),
        );
    }
    let (stage2, _) = train_stage(
        &train2,
        dev_data.as_ref(),
        &model.starters,
        opts.epochs,
        opts,
        2,
        report,
    );
    Model::new(model.lexicon, model.stage1, Some(stage2), model.starters)
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
            folds: 2,
        };
        let mut epochs = 0;
        let model = train(&docs, &docs, Lexicon::default(), &opts, &mut |_| {
            epochs += 1
        });
        assert_eq!(epochs, 16, "two stages of 8 epochs");
        let s = evaluate(&model, &docs);
        assert!(s.overall_f1() > 0.99, "{s:?}");
        let again = train(&docs, &docs, Lexicon::default(), &opts, &mut |_| {});
        assert_eq!(again.stage1, model.stage1, "training is deterministic");
        assert_eq!(again.stage2, model.stage2);
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
