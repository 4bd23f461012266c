//! The trained tagger: lexicon, weights, and a compact file format.

use std::io::{Read, Write};

use super::features::{self, Sent};
use super::hash::{IdMap, IdSet};
use super::labels::{self, N_LABELS};
use super::lexicon::{Lexicon, CLUSTER_LEVELS};
use crate::core::error::{Error, Result};

const MAGIC: &[u8; 8] = b"NGNER\x00\x00\x01";

/// An averaged-perceptron tagger ready to use. Immutable, so one instance is shared
/// by every thread.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub lexicon: Lexicon,
    /// Feature hash -> row of `weights`.
    pub index: IdMap<u32>,
    /// `N_LABELS` weights per row.
    pub weights: Vec<f32>,
    /// Lowercase words without capitals that began entities in training: the only
    /// uncapitalised tokens outside an entity worth a look.
    pub starters: IdSet,
}

/// Best label allowed after `prev` given scores.
#[inline]
pub fn best_allowed(scores: &[f32; N_LABELS], prev: u8) -> u8 {
    let mut best = labels::O;
    let mut best_score = f32::NEG_INFINITY;
    for (l, &s) in scores.iter().enumerate() {
        if s > best_score && labels::allowed(prev, l as u8) {
            best = l as u8;
            best_score = s;
        }
    }
    best
}

impl Model {
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

    /// Tag prepared sentences of one document.
    pub fn tag_prepared(&self, sents: &[Sent], info: &features::DocInfo) -> Vec<Vec<u8>> {
        features::decode(sents, info, &self.starters, |feats, prev, _| {
            best_allowed(&self.scores(feats), prev)
        })
    }

    /// BILOU labels for each token of each sentence of one document.
    pub fn tag_document<S: AsRef<str>>(&self, sents: &[Vec<S>]) -> Vec<Vec<u8>> {
        let (prepared, info) = features::prepare(&self.lexicon, sents);
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
        let max = self
            .weights
            .iter()
            .fold(0f32, |m, w| m.max(w.abs()))
            .max(1e-9);
        let scale = max / i16::MAX as f32;
        b.extend_from_slice(&scale.to_le_bytes());
        let mut rows: Vec<_> = self.index.iter().map(|(&k, &r)| (k, r)).collect();
        rows.sort_unstable();
        put_u64(&mut b, rows.len() as u64);
        for (k, r) in rows {
            let w = &self.weights[r as usize * N_LABELS..(r as usize + 1) * N_LABELS];
            let q: Vec<(u8, i16)> = w
                .iter()
                .enumerate()
                .map(|(l, &x)| (l as u8, (x / scale).round() as i16))
                .filter(|&(_, x)| x != 0)
                .collect();
            put_u64(&mut b, k);
            b.push(q.len() as u8);
            for (l, x) in q {
                b.push(l);
                b.extend_from_slice(&x.to_le_bytes());
            }
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
        let scale = f32::from_le_bytes(r.array()?);
        let n = r.u64()? as usize;
        let mut index = IdMap::default();
        index.reserve(n.min(1 << 24));
        let mut weights = Vec::with_capacity(n.min(1 << 24) * N_LABELS);
        for row in 0..n {
            let k = r.u64()?;
            let nnz = r.take(1)?[0] as usize;
            let base = weights.len();
            weights.resize(base + N_LABELS, 0.0);
            for _ in 0..nnz {
                let l = r.take(1)?[0] as usize;
                let x = i16::from_le_bytes(r.array()?);
                if l >= N_LABELS {
                    return Err(Error::input("corrupt model: label out of range"));
                }
                weights[base + l] = x as f32 * scale;
            }
            index.insert(k, row as u32);
        }
        Ok(Model {
            lexicon: lx,
            index,
            weights,
            starters,
        })
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
