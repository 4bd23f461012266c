//! The trained tagger: lexicon, weights, and a compact file format.

use std::io::{Read, Write};

use super::features::{self, Sent};
use super::hash::{IdMap, IdSet};
use super::labels::{self, N_LABELS};
use super::lexicon::{Lexicon, CLUSTER_LEVELS};
use super::score::{self, Scorer};
use crate::core::error::{Error, Result};

const MAGIC: &[u8; 8] = b"NGNER\x00\x00\x02";

/// One weight table: feature hash -> row of `N_LABELS` weights.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Weights {
    pub index: IdMap<u32>,
    pub weights: Vec<f32>,
}

impl Weights {
    #[inline]
    pub fn scores(&self, feats: &[u64]) -> [f32; N_LABELS] {
        let mut scores = [0f32; N_LABELS];
        for f in feats {
            if let Some(&row) = self.index.get(f) {
                let r = row as usize * N_LABELS;
                for (s, w) in scores.iter_mut().zip(&self.weights[r..r + N_LABELS]) {
                    *s += w;
                }
            }
        }
        scores
    }

    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }
}

/// An averaged-perceptron tagger ready to use. Immutable, so one instance is shared
/// by every thread.
///
/// Two stages (Ratinov & Roth's two-stage prediction aggregation): the first tags the
/// document from local evidence; the second sees, for every word, what the first said
/// about it everywhere in the document, so a name tagged in a mixed-case sentence
/// informs the all-caps headline and the sentence-initial mention.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub lexicon: Lexicon,
    pub stage1: Weights,
    pub stage2: Option<Weights>,
    /// Lowercase words without capitals that began entities in training: the only
    /// uncapitalised tokens outside an entity worth a look.
    pub starters: IdSet,
    scorer1: Scorer,
    scorer2: Option<Scorer>,
}

/// The step of the i16 quantisation of a weight table.
pub(super) fn quant_scale(w: &Weights) -> f32 {
    let max = w.weights.iter().fold(0f32, |m, x| m.max(x.abs())).max(1e-9);
    max / i16::MAX as f32
}

/// Best label allowed after `prev` given scores.
///
/// Inside an entity, greedy BILOU decoding would have to continue it through whatever
/// follows ("General Motors cut jobs" as one name once "Motors" began a PER). So the
/// entity may also end at the previous token: when the best label allowed after a
/// closed entity (O, B, U) outscores every continuation, it wins, and [`decode`]
/// closes the previous token (B becomes U, I becomes L).
///
/// [`decode`]: features::decode
#[inline]
pub fn best_allowed(scores: &[f32; N_LABELS], prev: u8) -> u8 {
    let best_after = |prev: u8| {
        let mut best = labels::O;
        let mut best_score = f32::NEG_INFINITY;
        for (l, &s) in scores.iter().enumerate() {
            if s > best_score && labels::allowed(prev, l as u8) {
                best = l as u8;
                best_score = s;
            }
        }
        (best, best_score)
    };
    let (inside, s_inside) = best_after(prev);
    if !labels::is_open(prev) {
        return inside;
    }
    let (closed, s_closed) = best_after(labels::O);
    if s_closed > s_inside {
        closed
    } else {
        inside
    }
}

impl Model {
    pub fn new(
        lexicon: Lexicon,
        stage1: Weights,
        stage2: Option<Weights>,
        starters: IdSet,
    ) -> Model {
        let scorer1 = Scorer::new(&stage1);
        let scorer2 = stage2.as_ref().map(Scorer::new);
        Model {
            lexicon,
            stage1,
            stage2,
            starters,
            scorer1,
            scorer2,
        }
    }

    /// Tag prepared sentences of one document.
    pub fn tag_prepared(&self, sents: &[Sent], info: &features::DocInfo) -> Vec<Vec<u8>> {
        let mut labels = score::with_cache(|cache| {
            let first = features::decode_with(sents, &self.starters, None, |t| {
                best_allowed(&self.scorer1.scores(&t, info, None, cache), t.prev1)
            });
            match &self.scorer2 {
                None => first,
                Some(w2) => {
                    let fp = features::FirstPass::new(sents, first);
                    features::decode_with(sents, &self.starters, Some(&fp), |t| {
                        best_allowed(&w2.scores(&t, info, Some(&fp), cache), t.prev1)
                    })
                }
            }
        });
        self.split_titles(sents, &mut labels);
        super::repair::repair(&self.lexicon, sents, &mut labels);
        labels
    }

    /// Titles are not part of names (CoNLL and ACE guidelines alike), but a tagger that
    /// has never seen "Secretary of State Antony Blinken" may swallow the end of the
    /// title into the name: "State Antony Blinken" as ORG. Where an entity contains the
    /// end of a title phrase (PER.title gazetteer) followed by a known given name, the
    /// part after the title becomes the PER entity and the rest is dropped.
    fn split_titles(&self, sents: &[Sent], labels: &mut [Vec<u8>]) {
        let cats = &self.lexicon.categories;
        let (Some(title), Some(given)) = (
            cats.iter().position(|c| c == "PER.title"),
            cats.iter().position(|c| c == "PER.given"),
        ) else {
            return;
        };
        // Bits 4c+1 (I) and 4c+2 (L) and 4c+3 (U): token inside or ending a title match.
        let in_title = |g: u64| g & (0b1110 << (4 * title)) != 0;
        let starts_given = |g: u64| g & (0b1001 << (4 * given)) != 0;
        for (s, ls) in sents.iter().zip(labels.iter_mut()) {
            for (b, e, _) in labels::spans(ls) {
                // The last title token inside the span, with a given name right after.
                let cut = (b..e.saturating_sub(1))
                    .rev()
                    .find(|&k| in_title(s.gaz[k]) && starts_given(s.gaz[k + 1]));
                let Some(k) = cut else { continue };
                // Only when the title match does not start the span by itself as a
                // one-word title ("General Motors", "St. Louis" keep their reading).
                let title_from_outside = b > 0 && in_title(s.gaz[b]) && {
                    let prev = s.gaz[b - 1];
                    prev & (0b0011 << (4 * title)) != 0
                };
                if k == b && !title_from_outside {
                    continue;
                }
                let per = labels::TYPES.iter().position(|t| *t == "PER").unwrap_or(0);
                let fixed = labels::from_spans(e - (k + 1), &[(0, e - (k + 1), per)]);
                ls[b..=k].fill(labels::O);
                ls[k + 1..e].copy_from_slice(&fixed);
            }
        }
    }

    /// Number of weight rows, both stages.
    pub fn n_features(&self) -> usize {
        self.stage1.len() + self.stage2.as_ref().map_or(0, Weights::len)
    }

    /// BILOU labels for each token of each sentence of one document.
    pub fn tag_document<S: AsRef<str>, W: AsRef<[S]>>(&self, sents: &[W]) -> Vec<Vec<u8>> {
        let (prepared, info) = features::prepare(&self.lexicon, &self.starters, sents);
        self.tag_prepared(&prepared, &info)
    }

    /// Serialise (gzip-compressed). Weights are stored sparsely as i16 with one scale:
    /// most features carry weight for only a few labels.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(1 << 20);
        b.extend_from_slice(MAGIC);
        let lx = &self.lexicon;
        put_u32(&mut b, lx.categories.len() as u32);
        for c in &lx.categories {
            put_u32(&mut b, c.len() as u32);
            b.extend_from_slice(c.as_bytes());
        }
        put_u32(&mut b, lx.max_len as u32);
        let mut phrases: Vec<_> = lx.phrases.iter().map(|(&k, &v)| (k, v)).collect();
        phrases.sort_unstable();
        put_u64(&mut b, phrases.len() as u64);
        for (k, v) in phrases {
            put_u64(&mut b, k);
            b.extend_from_slice(&v.to_le_bytes());
        }
        put_set(&mut b, &lx.prefixes);
        let mut clusters: Vec<_> = lx.clusters.iter().map(|(&k, &v)| (k, v)).collect();
        clusters.sort_unstable();
        put_u64(&mut b, clusters.len() as u64);
        for (k, v) in clusters {
            put_u64(&mut b, k);
            for x in v {
                b.extend_from_slice(&x.to_le_bytes());
            }
        }
        put_set(&mut b, &self.starters);
        put_weights(&mut b, &self.stage1);
        match &self.stage2 {
            Some(w) => {
                b.push(1);
                put_weights(&mut b, w);
            }
            None => b.push(0),
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        // Writing to a Vec cannot fail.
        let _ = gz.write_all(&b);
        gz.finish().unwrap_or_default()
    }

    /// Load a model written by [`Model::to_bytes`]; corrupt input is an error, not a panic.
    pub fn from_bytes(data: &[u8]) -> Result<Model> {
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(data)
            .read_to_end(&mut raw)
            .map_err(|e| Error::input(format!("not a newsgraph tagger model (gzip: {e})")))?;
        let mut r = Reader { b: &raw, pos: 0 };
        if r.take(MAGIC.len())? != MAGIC {
            return Err(Error::input(
                "not a newsgraph tagger model, or one from an incompatible version",
            ));
        }
        let mut lx = Lexicon::default();
        for _ in 0..r.u32()? {
            let n = r.u32()? as usize;
            let name = std::str::from_utf8(r.take(n)?)
                .map_err(|_| Error::input("corrupt model: category name"))?;
            lx.categories.push(name.to_string());
        }
        lx.max_len = r.u32()? as usize;
        for _ in 0..r.u64()? {
            let k = r.u64()?;
            let v = u16::from_le_bytes(r.array()?);
            lx.phrases.insert(k, v);
        }
        lx.prefixes = r.set()?;
        for _ in 0..r.u64()? {
            let k = r.u64()?;
            let mut v = [0u16; CLUSTER_LEVELS];
            for x in v.iter_mut() {
                *x = u16::from_le_bytes(r.array()?);
            }
            lx.clusters.insert(k, v);
        }
        let starters = r.set()?;
        let stage1 = r.weights()?;
        let stage2 = match r.take(1)?[0] {
            0 => None,
            _ => Some(r.weights()?),
        };
        if r.pos != raw.len() {
            return Err(Error::input("corrupt model: trailing data"));
        }
        Ok(Model::new(lx, stage1, stage2, starters))
    }
}

/// Weights as sparse i16 rows with one scale: most features carry weight for only a
/// few labels, and 16 bits lose nothing the argmax notices.
fn put_weights(b: &mut Vec<u8>, w: &Weights) {
    let scale = quant_scale(w);
    b.extend_from_slice(&scale.to_le_bytes());
    let mut rows: Vec<_> = w.index.iter().map(|(&k, &r)| (k, r)).collect();
    rows.sort_unstable();
    put_u64(b, rows.len() as u64);
    for (k, r) in rows {
        let row = &w.weights[r as usize * N_LABELS..(r as usize + 1) * N_LABELS];
        let q: Vec<(u8, i16)> = row
            .iter()
            .enumerate()
            .map(|(l, &x)| (l as u8, (x / scale).round() as i16))
            .filter(|&(_, x)| x != 0)
            .collect();
        put_u64(b, k);
        b.push(q.len() as u8);
        for (l, x) in q {
            b.push(l);
            b.extend_from_slice(&x.to_le_bytes());
        }
    }
}

fn put_u32(b: &mut Vec<u8>, v: u32) {
    b.extend_from_slice(&v.to_le_bytes());
}

fn put_u64(b: &mut Vec<u8>, v: u64) {
    b.extend_from_slice(&v.to_le_bytes());
}

fn put_set(b: &mut Vec<u8>, s: &IdSet) {
    let mut v: Vec<u64> = s.iter().copied().collect();
    v.sort_unstable();
    put_u64(b, v.len() as u64);
    for x in v {
        put_u64(b, x);
    }
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.b.len());
        let end = end.ok_or_else(|| Error::input("corrupt model: truncated"))?;
        let s = &self.b[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }
    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array()?))
    }
    fn weights(&mut self) -> Result<Weights> {
        let scale = f32::from_le_bytes(self.array()?);
        let n = self.u64()? as usize;
        let mut w = Weights::default();
        w.index.reserve(n.min(1 << 24));
        w.weights.reserve(n.min(1 << 24) * N_LABELS);
        for row in 0..n {
            let k = self.u64()?;
            let nnz = self.take(1)?[0] as usize;
            let base = w.weights.len();
            w.weights.resize(base + N_LABELS, 0.0);
            for _ in 0..nnz {
                let l = self.take(1)?[0] as usize;
                let x = i16::from_le_bytes(self.array()?);
                if l >= N_LABELS {
                    return Err(Error::input("corrupt model: label out of range"));
                }
                w.weights[base + l] = x as f32 * scale;
            }
            w.index.insert(k, row as u32);
        }
        Ok(w)
    }

    fn set(&mut self) -> Result<IdSet> {
        let n = self.u64()? as usize;
        let mut s = IdSet::default();
        s.reserve(n.min(1 << 24));
        for _ in 0..n {
            s.insert(self.u64()?);
        }
        Ok(s)
    }
}
