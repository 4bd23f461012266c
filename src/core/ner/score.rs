//! Scoring for the tagger: the sums [`emit`] and a weight lookup per feature would
//! give, with fewer lookups.
//!
//! Tagging is bound by the latency of weight lookups (tens of thousands of random
//! rows). Two things cut their number without changing a sum (integer addition is
//! exact in any order):
//! - features over a small domain (label history, gazetteer bits, first-pass labels,
//!   document flags) are summed from rows looked up once, when the model loads;
//! - the features of a word alone (form, shape, affixes, clusters, with the previous
//!   label) recur with the word, so their sum is kept in a per-thread cache keyed by
//!   every input it depends on.
//!
//! [`emit`]: super::features::emit

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

use super::features::{
    f2, f3, Atoms, DocInfo, FirstPass, Token, ALLCAPS, BOS, EOS, INIT, T_AFFIX, T_AGG, T_AGG_CTX,
    T_BIAS, T_BIM1, T_BIP1, T_CAPS, T_CL, T_CLM1, T_CLP1, T_DOC_CAP, T_DOC_LC, T_FLAGS, T_GAZ,
    T_GAZM1, T_GAZP1, T_HIST, T_INIT, T_S1, T_S1M1, T_S1P1, T_SH, T_SH3, T_SHM1, T_SHP1, T_W,
    T_WM1, T_WM2, T_WP1, T_WP2, T_Y1, T_Y12, T_Y1SH, T_Y1W, UPPER,
};
use super::hash::{mix, IdMap};
use super::labels::N_LABELS;
use super::lexicon::CLUSTER_LEVELS;
use super::model::{quant_scale, Weights};

type Row = [i32; N_LABELS];

/// Number of gazetteer bits (16 categories, 4 parts).
const GAZ_BITS: usize = 64;
/// First-pass label values: the labels, then "no token" (0xFF in `features::emit`).
const S1_VALUES: usize = N_LABELS + 1;
/// Document-level history: 0 (none) or entity type + 1.
const HIST_VALUES: usize = 5;

/// One stage's weights, as the tagger reads them.
#[derive(Debug, Clone)]
pub(super) struct Scorer {
    /// Each feature's 17 weights as i16 right in the hash table entry, so a lookup is
    /// one memory access instead of two. The values are those of the model file.
    table: IdMap<[i16; N_LABELS]>,
    /// Tells this scorer's entries in the per-thread word cache from any other's.
    id: u64,
    /// Bias + previous label + previous two labels, by `[prev1][prev2]`.
    labels: Vec<Row>,
    hist: [Row; HIST_VALUES],
    /// `[template][bit]` for the gazetteer bits of this token, the previous, the next.
    gaz: Vec<Row>,
    /// `[template][value]` for the first-pass label here, before, after.
    s1: Vec<Row>,
    /// Word seen in lowercase, by whether the token starts its sentence.
    doc_lc: [Row; 2],
    doc_cap: Row,
    /// `[best type][unanimous]`.
    agg: [Row; 8],
    /// `[best type][context]`, context as in [`agg_ctx_index`].
    agg_ctx: [Row; 32],
}

impl Default for Scorer {
    fn default() -> Scorer {
        Scorer::new(&Weights::default())
    }
}

/// Ids for scorers; 0 is never given, so no empty cache slot matches.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl Scorer {
    pub(super) fn new(w: &Weights) -> Scorer {
        let scale = quant_scale(w);
        let mut table = IdMap::default();
        table.reserve(w.len());
        for (&k, &r) in &w.index {
            let row = &w.weights[r as usize * N_LABELS..(r as usize + 1) * N_LABELS];
            let mut q = [0i16; N_LABELS];
            for (x, &v) in q.iter_mut().zip(row) {
                *x = (v / scale).round() as i16;
            }
            table.insert(k, q);
        }
        let mut s = Scorer {
            table,
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            labels: Vec::new(),
            hist: [[0; N_LABELS]; HIST_VALUES],
            gaz: Vec::new(),
            s1: Vec::new(),
            doc_lc: [[0; N_LABELS]; 2],
            doc_cap: [0; N_LABELS],
            agg: [[0; N_LABELS]; 8],
            agg_ctx: [[0; N_LABELS]; 32],
        };
        let row = |feats: &[u64]| s.sum(feats);
        let mut labels = Vec::with_capacity(N_LABELS * N_LABELS);
        for p1 in 0..N_LABELS as u64 {
            for p2 in 0..N_LABELS as u64 {
                labels.push(row(&[T_BIAS, f2(T_Y1, p1), f3(T_Y12, p1, p2)]));
            }
        }
        let hist = std::array::from_fn(|h| row(&[f2(T_HIST, h as u64)]));
        let mut gaz = Vec::with_capacity(3 * GAZ_BITS);
        for t in [T_GAZ, T_GAZM1, T_GAZP1] {
            gaz.extend((0..GAZ_BITS as u64).map(|b| row(&[f2(t, b)])));
        }
        let mut s1 = Vec::with_capacity(3 * S1_VALUES);
        for t in [T_S1, T_S1M1, T_S1P1] {
            s1.extend((0..N_LABELS as u64).map(|l| row(&[f2(t, l)])));
            s1.push(row(&[f2(t, 0xFF)]));
        }
        let doc_lc = std::array::from_fn(|k| row(&[f2(T_DOC_LC, k as u64)]));
        let doc_cap = row(&[T_DOC_CAP]);
        let agg = std::array::from_fn(|k| row(&[f3(T_AGG, (k / 2) as u64, (k % 2) as u64)]));
        let agg_ctx = std::array::from_fn(|k| {
            let c = k % 8;
            let ctx = if c & 1 != 0 { INIT as u64 } else { 0 }
                | if c & 2 != 0 { ALLCAPS as u64 } else { 0 }
                | if c & 4 != 0 { 1 << 7 } else { 0 };
            row(&[f3(T_AGG_CTX, (k / 8) as u64, ctx)])
        });
        s.labels = labels;
        s.hist = hist;
        s.gaz = gaz;
        s.s1 = s1;
        s.doc_lc = doc_lc;
        s.doc_cap = doc_cap;
        s.agg = agg;
        s.agg_ctx = agg_ctx;
        s
    }

    #[inline]
    fn add(&self, acc: &mut Row, f: u64) {
        if let Some(row) = self.table.get(&f) {
            for (a, &w) in acc.iter_mut().zip(row) {
                *a += w as i32;
            }
        }
    }

    fn sum(&self, feats: &[u64]) -> Row {
        let mut acc = [0; N_LABELS];
        for &f in feats {
            self.add(&mut acc, f);
        }
        acc
    }

    /// Scores of a feature list, in units of the quantisation step: integer sums, so
    /// exact and the same on every machine; the argmax is that of the scaled weights.
    #[cfg(test)]
    pub(super) fn scores_of(&self, feats: &[u64]) -> [f32; N_LABELS] {
        self.sum(feats).map(|a| a as f32)
    }

    /// The scores of `t` under the features `features::emit` would list, in units
    /// of the quantisation step.
    #[inline]
    pub(super) fn scores(
        &self,
        t: &Token<'_>,
        doc: &DocInfo,
        first: Option<&FirstPass>,
        cache: &mut WordCache,
    ) -> [f32; N_LABELS] {
        let (s, i) = (t.sent, t.i);
        let a = &s.atoms[i];
        let mut acc = self.word(a, t.prev1, s.caps, cache);
        add_row(
            &mut acc,
            &self.labels[t.prev1 as usize * N_LABELS + t.prev2 as usize],
        );

        let before = i.checked_sub(1).map(|j| &s.atoms[j]);
        let after = s.atoms.get(i + 1);
        let lw = |x: Option<&Atoms>, edge| x.map_or(edge, |x| x.lower);
        let sh = |x: Option<&Atoms>, edge| x.map_or(edge, |x| x.shape);
        let (lm1, lp1) = (lw(before, BOS), lw(after, EOS));
        let lm2 = lw(i.checked_sub(2).map(|j| &s.atoms[j]), BOS);
        let lp2 = lw(s.atoms.get(i + 2), EOS);
        let (sm1, sp1) = (sh(before, BOS), sh(after, EOS));
        self.add(&mut acc, f2(T_WM1, lm1));
        self.add(&mut acc, f2(T_WP1, lp1));
        self.add(&mut acc, f2(T_WM2, lm2));
        self.add(&mut acc, f2(T_WP2, lp2));
        self.add(&mut acc, f3(T_BIM1, lm1, a.lower));
        self.add(&mut acc, f3(T_BIP1, a.lower, lp1));
        self.add(&mut acc, f2(T_SHM1, sm1));
        self.add(&mut acc, f2(T_SHP1, sp1));
        self.add(&mut acc, f3(T_SH3, mix(sm1, a.shape), sp1));
        for (x, tpl) in [(before, T_CLM1), (after, T_CLP1)] {
            if let Some(x) = x {
                if x.clusters[1] != 0 {
                    self.add(&mut acc, f2(tpl, x.clusters[1] as u64));
                }
            }
        }
        let gaz_at = |j: Option<usize>| j.and_then(|j| s.gaz.get(j)).copied().unwrap_or(0);
        for (k, g) in [Some(i), i.checked_sub(1), Some(i + 1)]
            .into_iter()
            .enumerate()
        {
            let mut bits = gaz_at(g);
            while bits != 0 {
                let b = bits.trailing_zeros() as usize;
                add_row(&mut acc, &self.gaz[k * GAZ_BITS + b]);
                bits &= bits - 1;
            }
        }
        if a.flags & UPPER != 0 {
            if doc.seen_lower.contains(&a.lower) {
                add_row(&mut acc, &self.doc_lc[(a.flags & INIT != 0) as usize]);
            }
            if (a.flags & (INIT | ALLCAPS) != 0 || s.caps) && doc.seen_cap_mid.contains(&a.lower) {
                add_row(&mut acc, &self.doc_cap);
            }
        }
        match self.hist.get(t.hist as usize) {
            Some(r) => add_row(&mut acc, r),
            None => self.add(&mut acc, f2(T_HIST, t.hist as u64)),
        }
        if let Some(fp) = first {
            let ls = &fp.labels[t.si];
            let l = |j: Option<usize>| {
                j.and_then(|j| ls.get(j))
                    .map_or(N_LABELS, |&l| (l as usize).min(N_LABELS))
            };
            for (k, j) in [Some(i), i.checked_sub(1), Some(i + 1)]
                .into_iter()
                .enumerate()
            {
                add_row(&mut acc, &self.s1[k * S1_VALUES + l(j)]);
            }
            if let Some(counts) = fp.types.get(&a.lower) {
                let (best, unanimous) = super::features::majority(counts);
                add_row(&mut acc, &self.agg[best * 2 + unanimous as usize]);
                let ctx = (a.flags & INIT != 0) as usize
                    | ((a.flags & ALLCAPS != 0) as usize) << 1
                    | (s.caps as usize) << 2;
                add_row(&mut acc, &self.agg_ctx[best * 8 + ctx]);
            }
        }
        acc.map(|a| a as f32)
    }

    /// The features of the word alone (with the previous label and the sentence's
    /// case), from the cache when the same inputs were seen before.
    #[inline]
    fn word(&self, a: &Atoms, prev1: u8, caps: bool, cache: &mut WordCache) -> Row {
        let key = WordKey {
            scorer: self.id,
            lower: a.lower,
            shape: a.shape,
            affixes: [a.pre3, a.suf2, a.suf3, a.suf4],
            clusters: a.clusters,
            flags: a.flags,
            prev1,
            caps,
        };
        let slot = cache.slot(&key);
        let e = &cache.entries[slot];
        if e.key == key {
            return e.sum;
        }
        let mut acc = [0; N_LABELS];
        self.add(&mut acc, f2(T_W, a.lower));
        self.add(&mut acc, f2(T_SH, a.shape));
        for x in [a.pre3, a.suf2, a.suf3, a.suf4] {
            self.add(&mut acc, f2(T_AFFIX, x));
        }
        self.add(&mut acc, f2(T_FLAGS, a.flags as u64));
        for (level, &c) in a.clusters.iter().enumerate() {
            if c != 0 {
                self.add(&mut acc, f3(T_CL, level as u64, c as u64));
            }
        }
        self.add(&mut acc, f3(T_Y1W, prev1 as u64, a.lower));
        self.add(&mut acc, f3(T_Y1SH, prev1 as u64, a.shape));
        if a.flags & INIT != 0 {
            self.add(&mut acc, f2(T_INIT, a.shape));
            self.add(&mut acc, f3(T_INIT, a.lower, 1));
        }
        if caps {
            self.add(&mut acc, f2(T_CAPS, a.shape));
        }
        cache.entries[slot] = WordEntry { key, sum: acc };
        acc
    }
}

#[inline]
fn add_row(acc: &mut Row, row: &Row) {
    for (a, &w) in acc.iter_mut().zip(row) {
        *a += w;
    }
}

/// Everything the cached sum depends on besides the weights: a hit is the same sum.
/// Scorer id 0 is never given, so the default key marks an empty slot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct WordKey {
    scorer: u64,
    lower: u64,
    shape: u64,
    affixes: [u64; 4],
    clusters: [u16; CLUSTER_LEVELS],
    flags: u8,
    prev1: u8,
    caps: bool,
}

#[derive(Debug, Clone, Copy, Default)]
struct WordEntry {
    key: WordKey,
    sum: Row,
}

/// Direct-mapped: a clash overwrites, which costs a recomputation, never a wrong sum.
#[derive(Debug)]
pub(super) struct WordCache {
    entries: Vec<WordEntry>,
}

const CACHE_SLOTS: usize = 1 << 13;

impl WordCache {
    fn new() -> WordCache {
        WordCache {
            entries: vec![WordEntry::default(); CACHE_SLOTS],
        }
    }

    #[inline]
    fn slot(&self, k: &WordKey) -> usize {
        let h = mix(
            mix(k.lower, k.shape ^ k.scorer),
            k.prev1 as u64 | (k.flags as u64) << 8 | (k.caps as u64) << 16,
        );
        (h >> 50) as usize & (CACHE_SLOTS - 1)
    }
}

thread_local! {
    static CACHE: RefCell<WordCache> = RefCell::new(WordCache::new());
}

/// Run `f` with this thread's word cache.
pub(super) fn with_cache<R>(f: impl FnOnce(&mut WordCache) -> R) -> R {
    CACHE.with(|c| match c.try_borrow_mut() {
        Ok(mut c) => f(&mut c),
        // Only reentrant use finds it borrowed: a cache of its own is as correct.
        Err(_) => f(&mut WordCache::new()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ner::features::{decode_with, emit, prepare};
    use crate::core::ner::hash::{hash_str, IdSet};
    use crate::core::ner::labels;
    use crate::core::ner::lexicon::Lexicon;

    /// Every scored token gets the sums of the features `emit` lists, in both stages,
    /// with hits and misses in the word cache.
    #[test]
    fn scores_match_emitted_features() {
        let mut lx = Lexicon::default();
        lx.add_clusters_tsv("Lavrov\t1\t2\t3\nmoscow\t4\t5\t6\nsaid\t7\t8\t9\n");
        lx.add_gazetteer_tsv("LOC.city\tMoscow\nPER.given\tSergei\nORG.suffix\tMinistry\n");
        let starters: IdSet = [hash_str("van")].into_iter().collect();
        let sents = vec![
            vec!["SERGEI", "LAVROV", "IN", "MOSCOW"],
            vec![
                "Sergei", "Lavrov", "said", "in", "Moscow", "that", "the", "Ministry",
            ],
            vec!["Lavrov", "met", "van", "Gaal", "in", "Moscow", "."],
            vec![
                "\u{201C}Lavrov\u{201D}",
                "said",
                "Đoković",
                "and",
                "Lavrov",
                ".",
            ],
        ];
        let (prepared, info) = prepare(&lx, &starters, &sents);
        // A first pass with entities, so the second-pass features fire.
        let first: Vec<Vec<u8>> = prepared
            .iter()
            .map(|s| {
                (0..s.atoms.len())
                    .map(|i| {
                        if i % 3 == 1 {
                            labels::label(i % 4, 3)
                        } else {
                            0
                        }
                    })
                    .collect()
            })
            .collect();
        let fp = FirstPass::new(&prepared, first);
        // Weights for every feature that can fire, and a few that cannot.
        let mut keys = Vec::new();
        let mut feats = Vec::new();
        for stage in [None, Some(&fp)] {
            decode_with(&prepared, &starters, stage, |t| {
                for p1 in 0..N_LABELS as u8 {
                    for hist in 0..HIST_VALUES as u8 {
                        let first = stage.map(|f| (f, t.si));
                        emit(t.sent, t.i, p1, t.prev2, hist, &info, first, &mut feats);
                        keys.extend_from_slice(&feats);
                    }
                }
                labels::label(t.i % 4, 3)
            });
        }
        keys.extend([7, 8, 9]);
        keys.sort_unstable();
        keys.dedup();
        let mut rng = fastrand::Rng::with_seed(7);
        let mut w = Weights::default();
        for (r, &k) in keys.iter().enumerate() {
            w.index.insert(k, r as u32);
            w.weights
                .extend((0..N_LABELS).map(|_| rng.i32(-1000..1000) as f32 / 7.0));
        }
        let scorer = Scorer::new(&w);
        let mut cache = WordCache::new();
        let mut checked = 0;
        for _ in 0..2 {
            for stage in [None, Some(&fp)] {
                decode_with(&prepared, &starters, stage, |t| {
                    let first = stage.map(|f| (f, t.si));
                    emit(
                        t.sent, t.i, t.prev1, t.prev2, t.hist, &info, first, &mut feats,
                    );
                    let want = scorer.scores_of(&feats);
                    assert_eq!(scorer.scores(&t, &info, stage, &mut cache), want);
                    checked += 1;
                    // Varied labels, so the label and history features vary too.
                    labels::label((t.i + t.si) % 4, if t.i % 2 == 0 { 3 } else { 0 })
                });
            }
        }
        assert!(checked > 40, "{checked}");
    }
}
