//! Co-occurrence counting: which entities appear together, in which scope, how often,
//! and the association measures computed from those counts. Pure Rust, sparse
//! throughout: memory grows with the number of non-zero cells, never with n².
//!
//! # Definitions
//!
//! Each document supplies its entity occurrences as [`Occurrence`]s: entity index,
//! paragraph and sentence (numbered within the document) and a half-open token range
//! `[token_start, token_end)` (token indexes within the document).
//!
//! **Scopes.** `Document`, `Paragraph` and `Sentence` count co-occurrence within each
//! such context. `Window(w)` counts pairs of occurrences whose *distance* is at most
//! `w`: for occurrences `i`, `j` with `i` starting first, the distance is the number
//! of tokens strictly between them plus one (`start_j - end_i + 1`), so adjacent
//! mentions are at distance 1; overlapping mentions are at distance 0. Windows stay
//! within a document and do cross sentence and paragraph boundaries.
//!
//! **Counts.** `Contexts` (context scopes): the number of contexts in which both
//! entities occur. `Frequency`: the number of pairs of occurrences (one of each
//! entity) within a context, i.e. the sum over contexts of `c_a * c_b`. At window
//! scope `Contexts` and `Frequency` coincide: both are the number of pairs of
//! occurrences within the window (as quanteda's `fcm(context = "window")`).
//! `Weighted` (window scope only): the sum over those pairs of `weight(d)`, with
//! `weight(d) = 1/d` by default or `weights[d - 1]` when given; distance 0 (overlap)
//! is weighted as distance 1. Weighted sums are accumulated in fixed point (2^-32
//! resolution) so the result does not depend on the number of threads.
//! `Boolean` (quanteda's `fcm(count = "boolean")`): each pair at most once per
//! context, where the context of the window scope is the document (the number of
//! documents in which the two occur within `w` tokens of each other). Off the
//! diagonal it equals `Contexts` at context scopes.
//!
//! **Ordering.** Unordered matrices are symmetric: each unordered pair is counted
//! once and stored at both `(a, b)` and `(b, a)`. Ordered matrices count `a -> b` when
//! an occurrence of `a` starts at an earlier token than one of `b`; occurrences
//! starting at the same token count in both directions. For `Contexts` at a context
//! scope, `a -> b` counts the contexts in which some occurrence of `a` starts no later
//! than some (other) occurrence of `b`.
//!
//! **Self pairs** `(a, a)` are off unless asked for. Then the diagonal holds: for
//! `Contexts` at a context scope, the number of contexts containing `a` (so at
//! document scope, its document frequency); otherwise the number of pairs of two
//! distinct occurrences of `a` (`c (c - 1) / 2` within a context; within the window at
//! window scope), whatever the ordering, or their summed weights. For `Boolean` it
//! holds the number of contexts (documents at window scope) with such a pair: those
//! with two occurrences of `a` (within the window). Each pair of occurrences is
//! counted once, where quanteda's unordered window `fcm` counts it twice (see the
//! Python module docs for the comparison).
//!
//! **Marginals and N.** At a context scope `n_a` is the number of contexts containing
//! `a` and `N` the number of *all* contexts of that kind in the documents counted
//! (every document, paragraph or sentence, with or without entities). At window
//! scope `n_a` is the number of occurrences of `a` and `N` the number of occurrences,
//! except for `Boolean`, whose context is the document: `n_a` is the number of
//! documents mentioning `a` and `N` the number of documents.
//!
//! **Groups.** Each document carries a group index (or none: the document is left
//! out); one matrix is produced per group, all over the same entity index.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use rayon::prelude::*;

use super::{Error, Result};

/// One entity occurrence within a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    pub entity: u32,
    pub paragraph: u32,
    pub sentence: u32,
    pub token_start: u32,
    pub token_end: u32,
}

/// One document's input: its occurrences, how many paragraphs and sentences it has
/// (for `N`), and its group (`None`: not counted).
#[derive(Debug, Clone, Default)]
pub struct DocInput {
    pub occurrences: Vec<Occurrence>,
    pub n_paragraphs: u32,
    pub n_sentences: u32,
    pub group: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Document,
    Paragraph,
    Sentence,
    Window(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    Contexts,
    Frequency,
    Weighted,
    Boolean,
}

impl Scope {
    /// Parse a scope name; `window` is required (and at least 1) for `"window"`.
    pub fn parse(name: &str, window: Option<i64>) -> Result<Scope> {
        let s = match name {
            "document" => Scope::Document,
            "paragraph" => Scope::Paragraph,
            "sentence" => Scope::Sentence,
            "window" => match window {
                None => {
                    return Err(Error::input(
                        "scope='window' needs window=N (a number of tokens, at least 1)",
                    ))
                }
                Some(w) if w < 1 || w > u32::MAX as i64 => {
                    return Err(Error::input(format!(
                        "window must be a number of tokens of at least 1, got {w}"
                    )))
                }
                Some(w) => Scope::Window(w as u32),
            },
            other => {
                return Err(Error::input(format!(
                    "unknown scope {other:?}: use 'document', 'paragraph', 'sentence' or 'window'"
                )))
            }
        };
        if window.is_some() && !matches!(s, Scope::Window(_)) {
            return Err(Error::input(format!(
                "window={} is only used with scope='window', not scope={name:?}",
                window.unwrap_or_default()
            )));
        }
        Ok(s)
    }
}

impl Count {
    pub fn parse(name: &str) -> Result<Count> {
        match name {
            "contexts" => Ok(Count::Contexts),
            "frequency" => Ok(Count::Frequency),
            "weighted" => Ok(Count::Weighted),
            "boolean" => Ok(Count::Boolean),
            other => Err(Error::input(format!(
                "unknown count {other:?}: use 'contexts', 'frequency', 'boolean' or 'weighted'"
            ))),
        }
    }
}

/// What to count.
#[derive(Debug, Clone)]
pub struct Options {
    pub scope: Scope,
    pub count: Count,
    pub ordered: bool,
    pub self_pairs: bool,
    /// `weights[d - 1]` for distance `d`; `None`: `1 / d`. Window scope only.
    pub weights: Option<Vec<f64>>,
}

impl Options {
    /// Check that the combination makes sense, naming the bad value.
    pub fn validate(&self) -> Result<()> {
        let window = match self.scope {
            Scope::Window(w) => Some(w),
            _ => None,
        };
        if self.count == Count::Weighted && window.is_none() {
            return Err(Error::input(
                "count='weighted' needs scope='window' (weights depend on token distance)",
            ));
        }
        if let Some(ws) = &self.weights {
            let Some(w) = window else {
                return Err(Error::input(
                    "weights are only used with scope='window' and count='weighted'",
                ));
            };
            if self.count != Count::Weighted {
                return Err(Error::input(
                    "weights are only used with count='weighted'; pass count='weighted'",
                ));
            }
            if ws.len() < w as usize {
                return Err(Error::input(format!(
                    "weights has {} values but window={w} needs one per distance 1..={w}",
                    ws.len()
                )));
            }
            if let Some((i, x)) = ws
                .iter()
                .enumerate()
                .find(|(_, x)| !x.is_finite() || **x < 0.0 || **x > MAX_WEIGHT)
            {
                return Err(Error::input(format!(
                    "weights[{i}] is {x}: weights must be finite, between 0 and {MAX_WEIGHT:e}"
                )));
            }
        }
        Ok(())
    }
}

/// Largest weight accepted (fixed-point accumulation must not overflow).
pub const MAX_WEIGHT: f64 = 1e9;
const FIXED: f64 = 4_294_967_296.0; // 2^32

/// One group's matrix in CSR form (`int64` index arrays), its marginals and `N`.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    pub indptr: Vec<i64>,
    pub indices: Vec<i64>,
    pub data: Vec<f64>,
    pub marginals: Vec<f64>,
    pub n: f64,
}

impl Matrix {
    /// Turn per-row cell counts in `indptr[a + 1]` into CSR row offsets.
    fn cumulate_rows(&mut self) {
        for i in 1..self.indptr.len() {
            self.indptr[i] += self.indptr[i - 1];
        }
    }

    /// The value at `(a, b)`, 0 when absent.
    pub fn get(&self, a: usize, b: usize) -> f64 {
        let r = self.indptr[a] as usize..self.indptr[a + 1] as usize;
        match self.indices[r.clone()].binary_search(&(b as i64)) {
            Ok(k) => self.data[r.start + k],
            Err(_) => 0.0,
        }
    }

    pub fn nnz(&self) -> usize {
        self.data.len()
    }
}

/// FxHash: a fast, non-cryptographic hash for integer keys.
#[derive(Default, Clone, Copy)]
struct Fx(u64);

impl Fx {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.add(*b as u64);
        }
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_u128(&mut self, i: u128) {
        self.add(i as u64);
        self.add((i >> 64) as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// `(group, a, b)` packed so that sorting keys sorts by group, row, column.
#[inline]
fn key(group: u32, a: u32, b: u32) -> u128 {
    ((group as u128) << 64) | ((a as u128) << 32) | b as u128
}

#[inline]
fn unkey(k: u128) -> (u32, u32, u32) {
    ((k >> 64) as u32, (k >> 32) as u32, k as u32)
}

/// Per-thread accumulator: cell values (integers; fixed point when weighted) and
/// marginals keyed by `(group, entity)`.
#[derive(Default)]
struct Acc {
    cells: FxMap<u128, u64>,
    marg: FxMap<u64, u64>,
}

impl Acc {
    fn merge(mut self, mut other: Acc) -> Acc {
        if other.cells.len() > self.cells.len() {
            std::mem::swap(&mut self.cells, &mut other.cells);
        }
        for (k, v) in other.cells {
            *self.cells.entry(k).or_insert(0) += v;
        }
        if other.marg.len() > self.marg.len() {
            std::mem::swap(&mut self.marg, &mut other.marg);
        }
        for (k, v) in other.marg {
            *self.marg.entry(k).or_insert(0) += v;
        }
        self
    }
}

/// Adds to cells, honouring ordering: unordered pairs are stored once as
/// `(min, max)` and mirrored when the CSR is built.
struct Sink<'a> {
    acc: &'a mut Acc,
    group: u32,
    ordered: bool,
    /// `Some` for `Boolean`: the document's pairs, each added once by [`Sink::finish`].
    seen: Option<Vec<(u32, u32)>>,
}

impl Sink<'_> {
    #[inline]
    fn add(&mut self, a: u32, b: u32, v: u64) {
        if v == 0 {
            return;
        }
        let (a, b) = if self.ordered || a <= b {
            (a, b)
        } else {
            (b, a)
        };
        if let Some(seen) = &mut self.seen {
            seen.push((a, b));
            return;
        }
        *self.acc.cells.entry(key(self.group, a, b)).or_insert(0) += v;
    }
    /// Add the document's distinct pairs once each (`Boolean`).
    fn finish(&mut self) {
        if let Some(mut seen) = self.seen.take() {
            seen.sort_unstable();
            seen.dedup();
            for (a, b) in seen {
                *self.acc.cells.entry(key(self.group, a, b)).or_insert(0) += 1;
            }
        }
    }
    #[inline]
    fn marginal(&mut self, a: u32, v: u64) {
        *self
            .acc
            .marg
            .entry(((self.group as u64) << 32) | a as u64)
            .or_insert(0) += v;
    }
}

/// Check inputs, count, and return one matrix per group.
pub fn count(
    docs: &[DocInput],
    n_entities: usize,
    n_groups: usize,
    opts: &Options,
) -> Result<Vec<Matrix>> {
    opts.validate()?;
    if n_entities > u32::MAX as usize {
        return Err(Error::input(format!(
            "{n_entities} entities is more than the {} supported",
            u32::MAX
        )));
    }
    let total: usize = docs.iter().map(|d| d.occurrences.len()).sum();
    if total >= u32::MAX as usize {
        return Err(Error::input(format!(
            "{total} mentions in one call is more than the {} supported: count in batches",
            u32::MAX - 1
        )));
    }
    for (d, doc) in docs.iter().enumerate() {
        if let Some(g) = doc.group {
            if g as usize >= n_groups {
                return Err(Error::input(format!(
                    "document {d} has group {g}, but n_groups is {n_groups}"
                )));
            }
        }
        if let Some(o) = doc
            .occurrences
            .iter()
            .find(|o| o.entity as usize >= n_entities)
        {
            return Err(Error::input(format!(
                "document {d} has entity {}, but n_entities is {n_entities}",
                o.entity
            )));
        }
    }
    // Fixed-point weights, one per distance 1..=window.
    let weights: Vec<u64> = match (opts.scope, opts.count) {
        (Scope::Window(w), Count::Weighted) => (1..=w as usize)
            .map(|d| {
                let x = match &opts.weights {
                    Some(ws) => ws[d - 1],
                    None => 1.0 / d as f64,
                };
                (x * FIXED).round() as u64
            })
            .collect(),
        _ => Vec::new(),
    };
    if !matches!(opts.scope, Scope::Window(_)) {
        if let Some(bits) = pair_key_bits(n_entities, n_groups, opts) {
            return count_context_pairs(docs, n_entities, n_groups, opts, bits);
        }
        return Ok(count_contexts(docs, n_entities, n_groups, opts));
    }
    let acc = docs
        .par_iter()
        .with_min_len(16)
        .fold(Acc::default, |mut acc, doc| {
            if let Some(g) = doc.group {
                let mut sink = Sink {
                    acc: &mut acc,
                    group: g,
                    ordered: opts.ordered,
                    seen: (opts.count == Count::Boolean).then(Vec::new),
                };
                count_doc(&doc.occurrences, opts, &weights, &mut sink);
                sink.finish();
            }
            acc
        })
        .reduce(Acc::default, Acc::merge);

    let scale = if opts.count == Count::Weighted {
        FIXED
    } else {
        1.0
    };
    let mut cells: Vec<(u128, u64)> = acc.cells.into_iter().collect();
    if !opts.ordered {
        // Mirror the off-diagonal cells.
        let extra: Vec<(u128, u64)> = cells
            .iter()
            .filter_map(|&(k, v)| {
                let (g, a, b) = unkey(k);
                (a != b).then(|| (key(g, b, a), v))
            })
            .collect();
        cells.extend(extra);
    }
    cells.par_sort_unstable_by_key(|c| c.0);

    let mut out = empty_matrices(docs, n_entities, n_groups, opts);
    // Split the sorted cells by group, then fill each CSR.
    let mut start = 0;
    while start < cells.len() {
        let g = unkey(cells[start].0).0;
        let end = start + cells[start..].partition_point(|c| unkey(c.0).0 == g);
        let m = &mut out[g as usize];
        m.indices.reserve_exact(end - start);
        m.data.reserve_exact(end - start);
        for &(k, v) in &cells[start..end] {
            let (_, a, b) = unkey(k);
            m.indptr[a as usize + 1] += 1;
            m.indices.push(b as i64);
            m.data.push(v as f64 / scale);
        }
        m.cumulate_rows();
        start = end;
    }
    for (k, v) in acc.marg {
        let (g, a) = ((k >> 32) as usize, (k as u32) as usize);
        out[g].marginals[a] = v as f64;
    }
    Ok(out)
}

/// One matrix per group with no cells yet, and its `N`.
fn empty_matrices(
    docs: &[DocInput],
    n_entities: usize,
    n_groups: usize,
    opts: &Options,
) -> Vec<Matrix> {
    let n = contexts_per_group(docs, n_groups, opts);
    (0..n_groups)
        .map(|g| Matrix {
            indptr: vec![0; n_entities + 1],
            indices: Vec::new(),
            data: Vec::new(),
            marginals: vec![0.0; n_entities],
            n: n[g] as f64,
        })
        .collect()
}

/// N per group: all contexts of the scope (occurrences at window scope; documents
/// for `Boolean` at window scope, whose context is the document).
fn contexts_per_group(docs: &[DocInput], n_groups: usize, opts: &Options) -> Vec<u64> {
    let mut n = vec![0u64; n_groups];
    let scope = match opts.scope {
        Scope::Window(_) if opts.count == Count::Boolean => Scope::Document,
        s => s,
    };
    for doc in docs {
        if let Some(g) = doc.group {
            n[g as usize] += match scope {
                Scope::Document => 1,
                Scope::Paragraph => doc.n_paragraphs as u64,
                Scope::Sentence => doc.n_sentences as u64,
                Scope::Window(_) => doc.occurrences.len() as u64,
            };
        }
    }
    n
}

/// Count one document's occurrences into the sink (window scope).
fn count_doc(occ: &[Occurrence], opts: &Options, weights: &[u64], sink: &mut Sink<'_>) {
    let Scope::Window(w) = opts.scope else {
        return;
    };
    if occ.is_empty() {
        return;
    }
    let mut occ = occ.to_vec();
    occ.sort_unstable_by_key(|o| (o.token_start, o.token_end, o.entity));
    if opts.count == Count::Boolean {
        // The document is the context: n_a counts documents, not mentions.
        let mut ents: Vec<u32> = occ.iter().map(|o| o.entity).collect();
        ents.sort_unstable();
        ents.dedup();
        for e in ents {
            sink.marginal(e, 1);
        }
    } else {
        for o in &occ {
            sink.marginal(o.entity, 1);
        }
    }
    count_window(&occ, w, opts, weights, sink);
}

/// One entity within one context: how often, where first and last, and its starts
/// (`starts[off..off + count]`, ascending).
/// 24 bytes: a batch holds under 2^32 occurrences (checked in [`count`]), so the
/// context and the offset into `starts` fit u32.
#[derive(Clone, Copy)]
struct Entry {
    ctx: u32,
    entity: u32,
    count: u32,
    first: u32,
    last: u32,
    off: u32,
}

/// One document's contexts: entries (entity, count, first, last) with their starts,
/// and the number of entries of each context.
type DocContexts = (Vec<(u32, u32, u32, u32)>, Vec<u32>, Vec<u32>);

fn doc_contexts(occ: &[Occurrence], scope: Scope) -> DocContexts {
    let ctx = |o: &Occurrence| match scope {
        Scope::Paragraph => o.paragraph,
        Scope::Sentence => o.sentence,
        _ => 0,
    };
    let mut occ = occ.to_vec();
    occ.sort_unstable_by_key(|o| (ctx(o), o.entity, o.token_start));
    let (mut entries, mut starts, mut sizes) =
        (Vec::new(), Vec::with_capacity(occ.len()), Vec::new());
    let mut i = 0;
    while i < occ.len() {
        let c = ctx(&occ[i]);
        let mut size = 0;
        while i < occ.len() && ctx(&occ[i]) == c {
            let e = occ[i].entity;
            let j = i + occ[i..].partition_point(|o| ctx(o) == c && o.entity == e);
            starts.extend(occ[i..j].iter().map(|o| o.token_start));
            entries.push((
                e,
                (j - i) as u32,
                occ[i].token_start,
                occ[j - 1].token_start,
            ));
            size += 1;
            i = j;
        }
        sizes.push(size);
    }
    (entries, starts, sizes)
}

/// Bits per entity id when the default counts (contexts, unordered) can go through
/// [`count_context_pairs`]: (group, entity, entity) must fit one u64 key, with every
/// shift below 64.
fn pair_key_bits(n_entities: usize, n_groups: usize, opts: &Options) -> Option<u32> {
    if opts.count != Count::Contexts || opts.ordered {
        return None;
    }
    let bits = |n: usize| usize::BITS - n.saturating_sub(1).leading_zeros();
    let eb = bits(n_entities).max(1);
    (2 * eb + bits(n_groups) < 64).then_some(eb)
}

/// Most pair keys one document's contexts may make (32 GB of keys): beyond it the
/// count is refused with advice rather than attempted.
const MAX_PAIR_KEYS: usize = 1 << 32;

/// The error for a document whose contexts would make too many pairs to count.
fn too_many_pairs(doc: usize, seen: &[(u32, u32)], opts: &Options) -> Error {
    let widest = seen
        .chunk_by(|x, y| x.0 == y.0)
        .map(|c| c.len())
        .max()
        .unwrap_or(0);
    let scope = match opts.scope {
        Scope::Document => "document",
        Scope::Paragraph => "paragraph",
        Scope::Sentence => "sentence",
        Scope::Window(_) => "window",
    };
    Error::input(format!(
        "the document at position {doc} has {widest} distinct entities in one {scope}: \
         counting their pairs needs about {:.0} GB; count by a smaller scope \
         (paragraph, sentence or window) or split the document",
        (widest as f64).powi(2) * 8e-9
    ))
}

/// Unordered context counts, context by context: every context emits a key (group,
/// a, b) for each pair of its distinct entities (and (group, a, a) for each entity,
/// its marginal); one sort of the keys, then runs of equal keys are the counts.
/// Reads the contexts in order, where the row-wise walk of [`count_contexts`] jumps
/// across the whole corpus for every entity (its time grew 6-7x for 5x the text).
/// Integer counts and a total order: the result does not depend on the thread count.
fn count_context_pairs(
    docs: &[DocInput],
    n_entities: usize,
    n_groups: usize,
    opts: &Options,
    bits: u32,
) -> Result<Vec<Matrix>> {
    let ctx = |o: &Occurrence| match opts.scope {
        Scope::Paragraph => o.paragraph,
        Scope::Sentence => o.sentence,
        _ => 0,
    };
    let pack =
        |g: u32, a: u32, b: u32| ((g as u64) << (2 * bits)) | ((a as u64) << bits) | b as u64;
    let per_doc: Vec<Vec<u64>> = docs
        .par_iter()
        .enumerate()
        .with_min_len(16)
        .map(|(i, d)| {
            let mut out = Vec::new();
            let Some(g) = d.group else { return Ok(out) };
            let mut seen: Vec<(u32, u32)> =
                d.occurrences.iter().map(|o| (ctx(o), o.entity)).collect();
            seen.sort_unstable();
            seen.dedup();
            // A context of n distinct entities makes n² keys: a long document counted
            // as one context can ask for more memory than there is, which must be an
            // error, not an abort of the interpreter.
            let need = seen
                .chunk_by(|x, y| x.0 == y.0)
                .try_fold(0usize, |acc, c| {
                    acc.checked_add(c.len().checked_mul(c.len())?)
                })
                .filter(|&n| n <= MAX_PAIR_KEYS)
                .ok_or_else(|| too_many_pairs(i, &seen, opts))?;
            out.try_reserve_exact(need)
                .map_err(|_| too_many_pairs(i, &seen, opts))?;
            for c in seen.chunk_by(|x, y| x.0 == y.0) {
                for &(_, a) in c {
                    for &(_, b) in c {
                        out.push(pack(g, a, b));
                    }
                }
            }
            Ok(out)
        })
        .collect::<Result<_>>()?;
    // One vector of every key, each document copying its own part in parallel (a
    // growing vector would copy tens of millions of keys again and again).
    let total: usize = per_doc.iter().map(Vec::len).sum();
    let mut keys: Vec<u64> = Vec::new();
    keys.try_reserve_exact(total).map_err(|_| {
        Error::input(format!(
            "counting needs {total} entity pairs ({:.1} GB) at once, more than there is \
             memory for: count a smaller scope or fewer documents at a time",
            total as f64 * 8e-9
        ))
    })?;
    keys.resize(total, 0);
    let mut rest = keys.as_mut_slice();
    let mut parts: Vec<&mut [u64]> = Vec::with_capacity(per_doc.len());
    for p in &per_doc {
        let (head, tail) = std::mem::take(&mut rest).split_at_mut(p.len());
        parts.push(head);
        rest = tail;
    }
    parts
        .into_par_iter()
        .zip(per_doc.into_par_iter())
        .for_each(|(dst, src)| dst.copy_from_slice(&src));
    keys.par_sort_unstable();
    let mut out = empty_matrices(docs, n_entities, n_groups, opts);
    let mask = (1u64 << bits) - 1;
    for run in keys.chunk_by(|x, y| x == y) {
        let k = run[0];
        let (g, a, b) = (
            (k >> (2 * bits)) as usize,
            ((k >> bits) & mask) as usize,
            (k & mask) as usize,
        );
        let m = &mut out[g];
        let v = run.len() as f64;
        if a == b {
            m.marginals[a] = v;
            if !opts.self_pairs {
                continue;
            }
        }
        m.indptr[a + 1] += 1;
        m.indices.push(b as i64);
        m.data.push(v);
    }
    for m in &mut out {
        m.cumulate_rows();
    }
    Ok(out)
}

/// Context scopes, row by row (Gustavson's sparse product): for each (group, entity),
/// walk the contexts containing it and add up its partners in a dense scratch row.
/// Integer counts only, rows built independently: the result does not depend on the
/// number of threads, and each row comes out sorted.
fn count_contexts(
    docs: &[DocInput],
    n_entities: usize,
    n_groups: usize,
    opts: &Options,
) -> Vec<Matrix> {
    let per_doc: Vec<Option<DocContexts>> = docs
        .par_iter()
        .with_min_len(16)
        .map(|d| d.group.map(|_| doc_contexts(&d.occurrences, opts.scope)))
        .collect();
    // Flatten into global entries, remembering each context's entry range and group.
    let mut entries: Vec<Entry> = Vec::new();
    let mut starts: Vec<u32> = Vec::new();
    let mut ctx_ptr: Vec<usize> = vec![0];
    let mut ctx_group: Vec<u32> = Vec::new();
    for (d, pd) in per_doc.into_iter().enumerate() {
        let Some((ents, st, sizes)) = pd else {
            continue;
        };
        let g = docs[d].group.unwrap_or_default();
        let base = starts.len();
        let mut k = 0;
        let mut off = base;
        for size in sizes {
            let c = ctx_group.len() as u32;
            for &(entity, count, first, last) in &ents[k..k + size as usize] {
                entries.push(Entry {
                    ctx: c,
                    entity,
                    count,
                    first,
                    last,
                    off: off as u32,
                });
                off += count as usize;
            }
            k += size as usize;
            ctx_ptr.push(entries.len());
            ctx_group.push(g);
        }
        starts.extend(st);
    }
    // Rows: entries sorted by (group, entity).
    let mut order: Vec<(u64, usize)> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            (
                ((ctx_group[e.ctx as usize] as u64) << 32) | e.entity as u64,
                i,
            )
        })
        .collect();
    order.par_sort_unstable();
    let mut runs: Vec<std::ops::Range<usize>> = Vec::new();
    let mut i = 0;
    while i < order.len() {
        let k = order[i].0;
        let j = i + order[i..].partition_point(|x| x.0 == k);
        runs.push(i..j);
        i = j;
    }
    let contexts = matches!(opts.count, Count::Contexts | Count::Boolean);
    let rows: Vec<(u64, Vec<i64>, Vec<f64>)> = runs
        .par_iter()
        .map_init(
            || (vec![0u64; n_entities], Vec::<u32>::new()),
            |(scratch, touched), r| {
                for &(_, ei) in &order[r.clone()] {
                    let e = &entries[ei];
                    let se = &starts[e.off as usize..(e.off + e.count) as usize];
                    let c = e.ctx as usize;
                    for f in &entries[ctx_ptr[c]..ctx_ptr[c + 1]] {
                        let b = f.entity;
                        let v = if b == e.entity {
                            if !opts.self_pairs {
                                continue;
                            }
                            let c = e.count as u64;
                            if opts.count == Count::Boolean {
                                // A self pair needs two occurrences in the context.
                                u64::from(c >= 2)
                            } else if contexts {
                                1
                            } else {
                                c * (c - 1) / 2
                            }
                        } else if !opts.ordered {
                            if contexts {
                                1
                            } else {
                                e.count as u64 * f.count as u64
                            }
                        } else if contexts {
                            u64::from(e.first <= f.last)
                        } else {
                            starts[f.off as usize..(f.off + f.count) as usize]
                                .iter()
                                .map(|&t| se.partition_point(|&s| s <= t) as u64)
                                .sum()
                        };
                        if v == 0 {
                            continue;
                        }
                        let slot = &mut scratch[b as usize];
                        if *slot == 0 {
                            touched.push(b);
                        }
                        *slot += v;
                    }
                }
                touched.sort_unstable();
                let cols: Vec<i64> = touched.iter().map(|&b| b as i64).collect();
                let vals: Vec<f64> = touched
                    .iter()
                    .map(|&b| std::mem::take(&mut scratch[b as usize]) as f64)
                    .collect();
                touched.clear();
                (order[r.start].0, cols, vals)
            },
        )
        .collect();
    // The matrices are built next: free the contexts first, the largest tables here.
    drop((entries, starts, ctx_ptr, ctx_group, order));
    let mut out = empty_matrices(docs, n_entities, n_groups, opts);
    for ((k, cols, vals), r) in rows.into_iter().zip(&runs) {
        let (g, a) = ((k >> 32) as usize, (k as u32) as usize);
        let m = &mut out[g];
        m.marginals[a] = r.len() as f64;
        m.indptr[a + 1] = cols.len() as i64;
        m.indices.extend(cols);
        m.data.extend(vals);
    }
    for m in &mut out {
        m.cumulate_rows();
    }
    out
}

/// Window scope: occurrences sorted by (token_start, token_end, entity).
fn count_window(occ: &[Occurrence], w: u32, opts: &Options, weights: &[u64], sink: &mut Sink<'_>) {
    for (i, p) in occ.iter().enumerate() {
        for q in &occ[i + 1..] {
            let d = if p.token_end <= q.token_start {
                q.token_start - p.token_end + 1
            } else {
                0
            };
            if d > w {
                if p.token_end <= q.token_start {
                    break;
                }
                continue;
            }
            let v = if opts.count == Count::Weighted {
                weights[d.max(1) as usize - 1]
            } else {
                1
            };
            let (a, b) = (p.entity, q.entity);
            if a == b {
                if opts.self_pairs {
                    sink.add(a, a, v);
                }
            } else {
                sink.add(a, b, v);
                if opts.ordered && p.token_start == q.token_start {
                    sink.add(b, a, v);
                }
            }
        }
    }
}

/// Association measures, computed from a cell count and its marginals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Count,
    Pmi,
    Npmi,
    Ppmi,
    Llr,
    Dice,
    Jaccard,
    Lift,
    Chi2,
}

/// Measure names, in the order `to_pandas` shows them.
pub const MEASURES: [&str; 8] = [
    "pmi", "npmi", "ppmi", "llr", "dice", "jaccard", "lift", "chi2",
];

impl Measure {
    pub fn parse(name: &str) -> Result<Measure> {
        Ok(match name {
            "count" => Measure::Count,
            "pmi" => Measure::Pmi,
            "npmi" => Measure::Npmi,
            "ppmi" => Measure::Ppmi,
            "llr" => Measure::Llr,
            "dice" => Measure::Dice,
            "jaccard" => Measure::Jaccard,
            "lift" => Measure::Lift,
            "chi2" => Measure::Chi2,
            other => {
                return Err(Error::input(format!(
                    "unknown measure {other:?}: use 'count' or one of {}",
                    MEASURES.join(", ")
                )))
            }
        })
    }

    /// The measure of a cell with count `ab`, marginals `a` and `b`, and `n` contexts.
    ///
    /// Natural logs. `npmi` is 1 when `ab == n`. `chi2` is 0 when a margin of the
    /// 2x2 table is 0. Contingency cells below 0 (possible only for counts other
    /// than contexts) are taken as 0 in `llr` and `chi2`.
    pub fn eval(self, ab: f64, a: f64, b: f64, n: f64) -> f64 {
        match self {
            Measure::Count => ab,
            Measure::Pmi => (ab * n / (a * b)).ln(),
            Measure::Ppmi => (ab * n / (a * b)).ln().max(0.0),
            Measure::Lift => ab * n / (a * b),
            Measure::Npmi => {
                let pmi = (ab * n / (a * b)).ln();
                let den = -(ab / n).ln();
                if den == 0.0 {
                    1.0
                } else {
                    pmi / den
                }
            }
            Measure::Dice => 2.0 * ab / (a + b),
            Measure::Jaccard => ab / (a + b - ab),
            Measure::Llr => {
                let k = table(ab, a, b, n);
                let rows = [k[0] + k[1], k[2] + k[3]];
                let cols = [k[0] + k[2], k[1] + k[3]];
                let total = rows[0] + rows[1];
                let mut g = 0.0;
                for (i, &o) in k.iter().enumerate() {
                    let e = rows[i / 2] * cols[i % 2] / total;
                    if o > 0.0 && e > 0.0 {
                        g += o * (o / e).ln();
                    }
                }
                (2.0 * g).max(0.0)
            }
            Measure::Chi2 => {
                let k = table(ab, a, b, n);
                let den = (k[0] + k[1]) * (k[2] + k[3]) * (k[0] + k[2]) * (k[1] + k[3]);
                if den <= 0.0 {
                    0.0
                } else {
                    let total = k.iter().sum::<f64>();
                    let diff = k[0] * k[3] - k[1] * k[2];
                    total * diff * diff / den
                }
            }
        }
    }
}

/// The 2x2 contingency table `[ab, a-ab, b-ab, n-a-b+ab]`, cells clamped at 0.
fn table(ab: f64, a: f64, b: f64, n: f64) -> [f64; 4] {
    [ab, a - ab, b - ab, n - a - b + ab].map(|x| x.max(0.0))
}

/// A measure for every stored cell of a CSR matrix.
pub fn measure_csr(
    indptr: &[i64],
    indices: &[i64],
    data: &[f64],
    marginals: &[f64],
    n: f64,
    measure: Measure,
) -> Result<Vec<f64>> {
    let rows = indptr.len().saturating_sub(1);
    if indptr.is_empty() || rows != marginals.len() {
        return Err(Error::input(format!(
            "indptr has {} values for {} marginals; it needs one more than marginals",
            indptr.len(),
            marginals.len()
        )));
    }
    if indices.len() != data.len() || indptr[rows] as usize != data.len() {
        return Err(Error::input(format!(
            "indices ({}), data ({}) and indptr[-1] ({}) disagree",
            indices.len(),
            data.len(),
            indptr[rows]
        )));
    }
    if let Some(c) = indices
        .iter()
        .find(|&&c| c < 0 || c as usize >= marginals.len())
    {
        return Err(Error::input(format!(
            "column index {c} is out of range for {} entities",
            marginals.len()
        )));
    }
    let out = (0..rows)
        .into_par_iter()
        .with_min_len(1024)
        .flat_map_iter(|r| {
            let span = indptr[r] as usize..indptr[r + 1] as usize;
            let ma = marginals[r];
            span.map(move |k| measure.eval(data[k], ma, marginals[indices[k] as usize], n))
        })
        .collect();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn occ(entity: u32, sentence: u32, start: u32) -> Occurrence {
        Occurrence {
            entity,
            paragraph: sentence / 2,
            sentence,
            token_start: start,
            token_end: start + 1,
        }
    }

    fn doc(occurrences: Vec<Occurrence>) -> DocInput {
        DocInput {
            occurrences,
            n_paragraphs: 2,
            n_sentences: 4,
            group: Some(0),
        }
    }

    #[test]
    fn a_document_with_too_many_pairs_is_an_error_not_an_abort() {
        // 70,000 distinct entities in one document: 4.9e9 pairs, 39 GB of keys.
        let n = 70_000u32;
        let big = doc((0..n).map(|e| occ(e, e % 4, e)).collect());
        let o = opts(Scope::Document, Count::Contexts, false, false);
        let err = count(&[big], n as usize, 1, &o).expect_err("refused");
        assert!(
            err.message
                .contains("70000 distinct entities in one document"),
            "{err:?}"
        );
        assert!(err.message.contains("smaller scope"), "{err:?}");
    }

    fn opts(scope: Scope, count: Count, ordered: bool, self_pairs: bool) -> Options {
        Options {
            scope,
            count,
            ordered,
            self_pairs,
            weights: None,
        }
    }

    fn run(docs: &[DocInput], n: usize, o: &Options) -> Matrix {
        count(docs, n, 1, o).expect("count").remove(0)
    }

    /// Entities 0 (A), 1 (B), 2 (C). Sentence 0: A B A; sentence 1: C;
    /// sentence 2 (paragraph 1): B C.
    fn sample() -> Vec<DocInput> {
        vec![doc(vec![
            occ(0, 0, 0),
            occ(1, 0, 2),
            occ(0, 0, 4),
            occ(2, 1, 6),
            occ(1, 2, 8),
            occ(2, 2, 9),
        ])]
    }

    #[test]
    fn sentence_contexts_and_frequency() {
        let m = run(
            &sample(),
            3,
            &opts(Scope::Sentence, Count::Contexts, false, false),
        );
        assert_eq!(m.get(0, 1), 1.0);
        assert_eq!(m.get(1, 0), 1.0);
        assert_eq!(m.get(1, 2), 1.0);
        assert_eq!(m.get(0, 2), 0.0);
        assert_eq!(m.get(0, 0), 0.0);
        assert_eq!(m.marginals, vec![1.0, 2.0, 2.0]);
        assert_eq!(m.n, 4.0);
        assert_eq!(m.nnz(), 4);
        let f = run(
            &sample(),
            3,
            &opts(Scope::Sentence, Count::Frequency, false, true),
        );
        assert_eq!(f.get(0, 1), 2.0);
        assert_eq!(f.get(0, 0), 1.0); // two A's: one pair
        assert_eq!(f.get(1, 1), 0.0);
    }

    #[test]
    fn paragraph_and_document() {
        let p = run(
            &sample(),
            3,
            &opts(Scope::Paragraph, Count::Contexts, false, true),
        );
        // Paragraph 0: A B A C; paragraph 1: B C.
        assert_eq!(p.get(0, 2), 1.0);
        assert_eq!(p.get(1, 2), 2.0);
        assert_eq!(p.get(1, 1), 2.0);
        assert_eq!(p.n, 2.0);
        let d = run(
            &sample(),
            3,
            &opts(Scope::Document, Count::Frequency, false, false),
        );
        assert_eq!(d.get(0, 1), 4.0);
        assert_eq!(d.get(1, 2), 4.0);
        assert_eq!(d.get(0, 2), 4.0);
        assert_eq!(d.n, 1.0);
    }

    #[test]
    fn ordered_counts() {
        let o = run(
            &sample(),
            3,
            &opts(Scope::Sentence, Count::Frequency, true, false),
        );
        // Sentence 0: A(0) B(2) A(4): A->B once, B->A once; sentence 2: B->C.
        assert_eq!(o.get(0, 1), 1.0);
        assert_eq!(o.get(1, 0), 1.0);
        assert_eq!(o.get(1, 2), 1.0);
        assert_eq!(o.get(2, 1), 0.0);
        let c = run(
            &sample(),
            3,
            &opts(Scope::Document, Count::Contexts, true, false),
        );
        assert_eq!(c.get(2, 0), 0.0); // C never before A
        assert_eq!(c.get(0, 2), 1.0);
        assert_eq!(c.get(2, 1), 1.0); // C(6) before B(8)
    }

    #[test]
    fn same_start_counts_both_ways() {
        let d = vec![doc(vec![occ(0, 0, 3), occ(1, 0, 3)])];
        let o = run(&d, 2, &opts(Scope::Sentence, Count::Frequency, true, false));
        assert_eq!((o.get(0, 1), o.get(1, 0)), (1.0, 1.0));
        let w = run(
            &d,
            2,
            &opts(Scope::Window(1), Count::Frequency, true, false),
        );
        assert_eq!((w.get(0, 1), w.get(1, 0)), (1.0, 1.0));
    }

    #[test]
    fn window_distances() {
        // A at 0, B at 1 (adjacent: distance 1), C at 3 (distance 2 from B, 3 from A).
        let d = vec![doc(vec![occ(0, 0, 0), occ(1, 0, 1), occ(2, 0, 3)])];
        let w1 = run(
            &d,
            3,
            &opts(Scope::Window(1), Count::Contexts, false, false),
        );
        assert_eq!((w1.get(0, 1), w1.get(1, 2), w1.get(0, 2)), (1.0, 0.0, 0.0));
        let w2 = run(
            &d,
            3,
            &opts(Scope::Window(2), Count::Frequency, false, false),
        );
        assert_eq!((w2.get(0, 1), w2.get(1, 2), w2.get(0, 2)), (1.0, 1.0, 0.0));
        assert_eq!(w2.n, 3.0);
        assert_eq!(w2.marginals, vec![1.0, 1.0, 1.0]);
        let wt = run(
            &d,
            3,
            &opts(Scope::Window(3), Count::Weighted, false, false),
        );
        assert!((wt.get(0, 1) - 1.0).abs() < 1e-9);
        assert!((wt.get(1, 2) - 0.5).abs() < 1e-9);
        assert!((wt.get(0, 2) - 1.0 / 3.0).abs() < 1e-9);
        let mut o = opts(Scope::Window(3), Count::Weighted, true, false);
        o.weights = Some(vec![3.0, 2.0, 1.0]);
        let wu = run(&d, 3, &o);
        assert_eq!((wu.get(0, 1), wu.get(1, 2), wu.get(0, 2)), (3.0, 2.0, 1.0));
        assert_eq!((wu.get(1, 0), wu.get(2, 0)), (0.0, 0.0));
        // Overlap: distance 0, weighted as distance 1.
        let ov = vec![doc(vec![
            Occurrence {
                token_end: 3,
                ..occ(0, 0, 0)
            },
            occ(1, 0, 1),
        ])];
        let w = run(
            &ov,
            2,
            &opts(Scope::Window(1), Count::Weighted, false, false),
        );
        assert!((w.get(0, 1) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn window_self_pairs() {
        let d = vec![doc(vec![occ(0, 0, 0), occ(0, 0, 1), occ(0, 0, 9)])];
        let w = run(
            &d,
            1,
            &opts(Scope::Window(2), Count::Frequency, false, true),
        );
        assert_eq!(w.get(0, 0), 1.0);
        let w = run(
            &d,
            1,
            &opts(Scope::Window(2), Count::Frequency, false, false),
        );
        assert_eq!(w.nnz(), 0);
    }

    /// One document per text, one occurrence per token (a sentence each), entity =
    /// letter - 'a', as quanteda's tests tokenise their texts.
    fn letters(texts: &[&str]) -> Vec<DocInput> {
        texts
            .iter()
            .map(|t| {
                let occ = t
                    .split(' ')
                    .enumerate()
                    .map(|(i, w)| Occurrence {
                        entity: u32::from(w.as_bytes()[0] - b'a'),
                        paragraph: 0,
                        sentence: 0,
                        token_start: i as u32,
                        token_end: i as u32 + 1,
                    })
                    .collect();
                DocInput {
                    occurrences: occ,
                    n_paragraphs: 1,
                    n_sentences: 1,
                    group: Some(0),
                }
            })
            .collect()
    }

    /// Rows of the matrix over entities a b c e f g (d, absent, left out).
    fn abcefg(m: &Matrix) -> Vec<Vec<f64>> {
        let keep = [0, 1, 2, 4, 5, 6];
        keep.iter()
            .map(|&a| keep.iter().map(|&b| m.get(a, b)).collect())
            .collect()
    }

    /// A matrix written as rows of numbers separated by '/'.
    fn grid(s: &str) -> Vec<Vec<f64>> {
        s.split('/')
            .map(|r| {
                r.split_whitespace()
                    .map(|x| x.parse().expect("a number"))
                    .collect()
            })
            .collect()
    }

    /// The upper triangle (diagonal included), as quanteda's `tri = TRUE`.
    fn upper(mut m: Vec<Vec<f64>>) -> Vec<Vec<f64>> {
        for (i, row) in m.iter_mut().enumerate() {
            row[..i].fill(0.0);
        }
        m
    }

    #[test]
    fn boolean_as_quanteda_tests_fcm() {
        // quanteda tests/testthat/test-fcm.R, "ordered setting: boolean".
        let docs = letters(&["b a b c", "a a c b e", "a c e f g"]);
        let o = opts(Scope::Window(2), Count::Boolean, true, true);
        assert_eq!(
            abcefg(&run(&docs, 7, &o)),
            grid(
                "1 2 3 1 0 0 / 1 1 1 1 0 0 / 0 1 0 2 1 0 / 0 0 0 0 1 1 / 0 0 0 0 0 1 / 0 0 0 0 0 0"
            )
        );
        // Unordered: quanteda's diagonal (2 2 0 0 0 0) halved, as quanteda counts a
        // same-entity pair twice at window scope and newsgraph once.
        let o = opts(Scope::Window(2), Count::Boolean, false, true);
        let m = run(&docs, 7, &o);
        assert_eq!(
            upper(abcefg(&m)),
            grid(
                "1 2 3 1 0 0 / 0 1 2 1 0 0 / 0 0 0 2 1 0 / 0 0 0 0 1 1 / 0 0 0 0 0 1 / 0 0 0 0 0 0"
            )
        );
        // The document is the context: n_a and N count documents.
        assert_eq!((m.n, m.marginals[0]), (3.0, 3.0));
        // fcm(dfm(toks), count = "boolean"): the diagonal counts the documents with
        // two mentions.
        let o = opts(Scope::Document, Count::Boolean, false, true);
        assert_eq!(
            upper(abcefg(&run(&docs, 7, &o))),
            grid(
                "1 2 3 2 1 1 / 0 1 2 1 0 0 / 0 0 0 2 1 1 / 0 0 0 0 1 1 / 0 0 0 0 0 1 / 0 0 0 0 0 0"
            )
        );
    }

    #[test]
    fn groups_and_skipped_docs() {
        let mut docs = sample();
        docs.extend(sample());
        docs.extend(sample());
        docs[1].group = Some(1);
        docs[2].group = None;
        let o = opts(Scope::Sentence, Count::Contexts, false, false);
        let ms = count(&docs, 3, 2, &o).expect("count");
        assert_eq!(ms[0], ms[1]);
        assert_eq!(ms[0].get(0, 1), 1.0);
        assert!(count(&docs, 3, 1, &o).is_err());
        assert!(count(&docs, 2, 2, &o).is_err());
    }

    #[test]
    fn bad_options() {
        assert!(Scope::parse("window", None).is_err());
        assert!(Scope::parse("window", Some(0)).is_err());
        assert!(Scope::parse("sentence", Some(3)).is_err());
        let e = Scope::parse("sentense", None).expect_err("must fail");
        assert!(e.message.contains("sentense"));
        assert!(Count::parse("weighed")
            .expect_err("must fail")
            .message
            .contains("weighed"));
        assert!(Measure::parse("pmj")
            .expect_err("must fail")
            .message
            .contains("pmj"));
        let o = opts(Scope::Sentence, Count::Weighted, false, false);
        assert!(o.validate().is_err());
        let mut o = opts(Scope::Window(3), Count::Weighted, false, false);
        o.weights = Some(vec![1.0]);
        assert!(o.validate().is_err());
        o.weights = Some(vec![1.0, f64::NAN, 1.0]);
        assert!(o.validate().is_err());
    }

    #[test]
    fn measures_by_hand() {
        // ab = 2, a = 4, b = 5, n = 20.
        let close = |m: Measure, want: f64| {
            let got = m.eval(2.0, 4.0, 5.0, 20.0);
            assert!((got - want).abs() < 1e-12, "{m:?}: {got} vs {want}");
        };
        let pmi = (2.0f64 * 20.0 / 20.0).ln();
        close(Measure::Pmi, pmi);
        close(Measure::Ppmi, pmi);
        close(Measure::Lift, 2.0);
        close(Measure::Npmi, pmi / -(0.1f64).ln());
        close(Measure::Dice, 4.0 / 9.0);
        close(Measure::Jaccard, 2.0 / 7.0);
        // Table [[2, 2], [3, 13]]; expected [[1, 3], [4, 12]].
        let g = 2.0
            * (2.0 * (2.0f64 / 1.0).ln()
                + 2.0 * (2.0f64 / 3.0).ln()
                + 3.0 * (3.0f64 / 4.0).ln()
                + 13.0 * (13.0f64 / 12.0).ln());
        close(Measure::Llr, g);
        close(
            Measure::Chi2,
            20.0 * (26.0f64 - 6.0).powi(2) / (4.0 * 16.0 * 5.0 * 15.0),
        );
        assert_eq!(Measure::Npmi.eval(3.0, 3.0, 3.0, 3.0), 1.0);
        assert_eq!(Measure::Ppmi.eval(1.0, 5.0, 5.0, 10.0), 0.0);
        assert_eq!(Measure::Chi2.eval(3.0, 3.0, 3.0, 3.0), 0.0);
    }

    #[test]
    fn measure_over_csr() {
        let m = run(
            &sample(),
            3,
            &opts(Scope::Sentence, Count::Contexts, false, false),
        );
        let v = measure_csr(
            &m.indptr,
            &m.indices,
            &m.data,
            &m.marginals,
            m.n,
            Measure::Lift,
        )
        .expect("measure");
        assert_eq!(v, vec![2.0, 2.0, 1.0, 1.0]);
        assert!(measure_csr(&[0], &[], &[], &[1.0], 1.0, Measure::Pmi).is_err());
    }

    /// Random documents: up to `max_occ` mentions of `n_entities` entities over 60
    /// token positions (3 paragraphs, 8 sentences), in 3 groups; `skip`: some
    /// documents in no group.
    fn random_docs(
        seed: u64,
        n_docs: usize,
        max_occ: usize,
        n_entities: u32,
        skip: bool,
    ) -> Vec<DocInput> {
        let mut rng = fastrand::Rng::with_seed(seed);
        (0..n_docs)
            .map(|_| {
                let n = rng.usize(0..max_occ);
                let mut occurrences: Vec<Occurrence> = (0..n)
                    .map(|_| {
                        let s = rng.u32(0..60);
                        Occurrence {
                            entity: rng.u32(0..n_entities),
                            paragraph: s / 20,
                            sentence: s / 8,
                            token_start: s,
                            token_end: s + rng.u32(1..3),
                        }
                    })
                    .collect();
                occurrences.sort_by_key(|o| o.token_start);
                let group = rng.u32(0..3);
                DocInput {
                    occurrences,
                    n_paragraphs: 3,
                    n_sentences: 8,
                    group: (!skip || rng.bool()).then_some(group),
                }
            })
            .collect()
    }

    #[test]
    fn pair_keys_count_as_rows_do() {
        // The default counts go through count_context_pairs; the row-wise walk is the
        // reference (it serves the other count modes), on random documents with
        // groups, skipped documents and repeated entities.
        let docs = random_docs(11, 300, 25, 30, true);
        for scope in [Scope::Document, Scope::Paragraph, Scope::Sentence] {
            for self_pairs in [false, true] {
                let o = opts(scope, Count::Contexts, false, self_pairs);
                let bits = pair_key_bits(30, 3, &o).expect("fits a u64 key");
                let got = count_context_pairs(&docs, 30, 3, &o, bits).expect("counts");
                let want = count_contexts(&docs, 30, 3, &o);
                for (g, w) in got.iter().zip(&want) {
                    assert_eq!(g.indptr, w.indptr, "{scope:?} {self_pairs}");
                    assert_eq!(g.indices, w.indices, "{scope:?} {self_pairs}");
                    assert_eq!(g.data, w.data, "{scope:?} {self_pairs}");
                    assert_eq!(g.marginals, w.marginals, "{scope:?} {self_pairs}");
                    assert_eq!(g.n, w.n);
                }
                assert!(got.iter().map(Matrix::nnz).sum::<usize>() > 100);
            }
        }
        let o = opts(Scope::Sentence, Count::Contexts, false, false);
        assert_eq!(pair_key_bits(1 << 20, 1, &o), Some(20));
        assert_eq!(pair_key_bits(1 << 31, 8, &o), None);
        assert_eq!(pair_key_bits(1 << 31, 1, &o), Some(31));
        assert_eq!(pair_key_bits((1 << 31) + 1, 1, &o), None);
        let ordered = opts(Scope::Sentence, Count::Contexts, true, false);
        assert_eq!(pair_key_bits(10, 1, &ordered), None);
    }

    #[test]
    fn thread_count_independent() {
        let docs = random_docs(7, 400, 30, 50, false);
        for scope in [Scope::Document, Scope::Sentence, Scope::Window(5)] {
            for c in [
                Count::Contexts,
                Count::Frequency,
                Count::Weighted,
                Count::Boolean,
            ] {
                if c == Count::Weighted && !matches!(scope, Scope::Window(_)) {
                    continue;
                }
                for ordered in [false, true] {
                    let o = opts(scope, c, ordered, true);
                    let one =
                        super::super::corpus::with_threads(Some(1), || count(&docs, 50, 3, &o))
                            .expect("pool")
                            .expect("count");
                    let two =
                        super::super::corpus::with_threads(Some(2), || count(&docs, 50, 3, &o))
                            .expect("pool")
                            .expect("count");
                    assert_eq!(one, two, "{scope:?} {c:?} {ordered}");
                    if !ordered {
                        // Symmetric.
                        let m = &one[0];
                        for a in 0..50 {
                            for k in m.indptr[a] as usize..m.indptr[a + 1] as usize {
                                let b = m.indices[k] as usize;
                                assert_eq!(m.get(b, a), m.data[k]);
                            }
                        }
                    }
                }
            }
        }
    }
}
