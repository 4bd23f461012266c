//! Near-duplicate articles (syndicated copies) in one linear pass: MinHash signatures
//! of word shingles, LSH banding for candidate pairs, exact Jaccard to verify them.
//!
//! - **Shingles**: the article's tokens (the cleaned body: the parser has already
//!   separated headline, credit lines and boilerplate), each lowercased with every
//!   character that is not alphanumeric removed, tokens left empty skipped (so
//!   punctuation and case never matter); a shingle is `k` consecutive such words, hashed
//!   to 64 bits. A document with words but fewer than `k` has one shingle, all its
//!   words (it can only equal another such document); a document without words has no
//!   shingle and is never a duplicate.
//! - **Signatures**: one-permutation MinHash with optimal densification (Shrivastava,
//!   ICML 2017): each shingle hash goes to one of `num_perm` bins by its high bits and
//!   the bin keeps the minimum of its low 32 bits; an empty bin copies a bin chosen by a
//!   fixed hash sequence. Two documents' values agree in a bin with probability equal
//!   to their Jaccard similarity, for one hash per shingle instead of `num_perm`.
//! - **Candidates**: `bands` bands of `rows` values; documents whose band hashes agree
//!   in any band are candidates (probability `1 - (1 - s^r)^b` at similarity `s`).
//! - **Verification**: exact Jaccard of the two documents' sets of 64-bit shingle hashes
//!   (at 64 bits, collisions between distinct shingles are negligible); a pair is kept
//!   when it reaches the threshold, so no returned pair is below it.
//!
//! Every step is per document or per band and collected in order: the pairs do not
//! depend on the number of threads.

use rayon::prelude::*;

use super::corpus::Progress;
use super::error::{Error, Result};
use super::Article;

/// Shingle size used unless asked otherwise: word 3-grams. Lee et al. (2022) used
/// 5-grams on web text; on news, every edited word breaks `k` shingles, and with 5-grams
/// a wire copy with 1% of its words changed and a last paragraph cut fell below a
/// Jaccard of 0.8 (8 of 300 AllSides copies; none with 3-grams).
pub const SHINGLE: usize = 3;
/// Weight of false negatives when choosing bands and rows (datasketch weighs both
/// 0.5): candidates are verified exactly, so a false positive costs only time, while a
/// false negative is a lost pair. At threshold 0.8 this gives 17 bands of 7 rows,
/// candidates at similarity 0.8 with probability 0.98.
pub const FALSE_NEGATIVE_WEIGHT: f64 = 0.98;
/// Signature length used unless asked otherwise.
pub const NUM_PERM: usize = 128;
/// Largest signature: more only costs memory.
pub const MAX_PERM: usize = 1024;

/// Bin value of a bin no shingle fell in (before densification) and of every bin of a
/// document without shingles.
const EMPTY: u32 = u32::MAX;

/// The murmur3 finaliser: a bijection of `u64` that spreads every input bit.
#[inline]
fn fmix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// The normalised words of an article, hashed: lowercase, alphanumeric characters only.
fn word_hashes(a: &Article, buf: &mut Vec<u8>, out: &mut Vec<u64>) {
    out.clear();
    for t in a.tokens.iter() {
        let word = &a.text[t.range()];
        let bytes = word.as_bytes();
        // Most words are already lowercase ASCII letters and digits: hashed in place.
        if bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        {
            out.push(xxhash_rust::xxh3::xxh3_64(bytes));
            continue;
        }
        buf.clear();
        if word.is_ascii() {
            buf.extend(
                bytes
                    .iter()
                    .filter(|b| b.is_ascii_alphanumeric())
                    .map(u8::to_ascii_lowercase),
            );
        } else {
            let mut utf8 = [0u8; 4];
            for c in word.chars().filter(|c| c.is_alphanumeric()) {
                for l in c.to_lowercase() {
                    buf.extend_from_slice(l.encode_utf8(&mut utf8).as_bytes());
                }
            }
        }
        if !buf.is_empty() {
            out.push(xxhash_rust::xxh3::xxh3_64(buf));
        }
    }
}

/// The sorted, distinct shingle hashes of an article (see the module docs).
pub fn shingle_set(a: &Article, k: usize) -> Vec<u64> {
    let mut words = Vec::new();
    word_hashes(a, &mut Vec::new(), &mut words);
    let mut set = shingles_of(&words, k);
    sort_set(&mut set);
    set
}

fn sort_set(set: &mut Vec<u64>) {
    set.sort_unstable();
    set.dedup();
}

/// The shingle hashes of hashed words, in text order, repeats included (sorting is left
/// to the documents whose sets are needed: a signature does not need it).
fn shingles_of(words: &[u64], k: usize) -> Vec<u64> {
    let k = k.min(words.len());
    if k == 0 {
        return Vec::new();
    }
    words
        .windows(k)
        .map(|w| {
            // Order matters: "a b" and "b a" are different shingles.
            let h = w.iter().fold(k as u64, |acc, &x| {
                (acc.rotate_left(23) ^ x).wrapping_mul(0x9e37_79b9_7f4a_7c15)
            });
            fmix(h)
        })
        .collect()
}

/// A one-permutation MinHash signature of a shingle set (`num_perm` values).
pub fn signature(shingles: &[u64], num_perm: usize, out: &mut [u32]) {
    debug_assert_eq!(out.len(), num_perm);
    out.fill(EMPTY);
    if shingles.is_empty() {
        return;
    }
    let k = num_perm as u64;
    for &s in shingles {
        let bin = (((s >> 32) * k) >> 32) as usize;
        let v = s as u32;
        if v < out[bin] {
            out[bin] = v;
        }
    }
    // Low 32 bits of u32::MAX from a real shingle would read as empty: harmless, as
    // the bin is then filled from another, for both documents alike.
    let filled: Vec<bool> = out.iter().map(|&v| v != EMPTY).collect();
    for i in 0..num_perm {
        if filled[i] {
            continue;
        }
        let mut attempt = 1u64;
        loop {
            let j =
                ((((fmix((i as u64) << 32 | attempt) >> 32) * k) >> 32) as usize).min(num_perm - 1);
            if filled[j] {
                out[i] = out[j];
                break;
            }
            attempt += 1;
        }
    }
}

/// Check the sketching options, naming the bad value.
pub fn check_options(shingle: usize, num_perm: usize) -> Result<()> {
    if shingle == 0 {
        return Err(Error::input(
            "shingle_size=0: shingles need at least 1 word",
        ));
    }
    if !(1..=MAX_PERM).contains(&num_perm) {
        return Err(Error::input(format!(
            "num_perm={num_perm}: the signature length must be from 1 to {MAX_PERM}"
        )));
    }
    Ok(())
}

/// Signatures (row-major, `num_perm` per document) and, when `keep_sets`, each
/// document's shingle set as CSR (`indptr`, `hashes`).
pub struct Sketch {
    pub num_perm: usize,
    pub signatures: Vec<u32>,
    pub indptr: Vec<i64>,
    pub hashes: Vec<u64>,
}

/// Sketch every article, in parallel.
pub fn sketch(
    docs: &[Article],
    shingle: usize,
    num_perm: usize,
    keep_sets: bool,
    progress: &Progress,
) -> Result<Sketch> {
    let (signatures, sets) = sketch_each(docs, shingle, num_perm, keep_sets, progress)?;
    let mut indptr = Vec::with_capacity(docs.len() + 1);
    indptr.push(0i64);
    let mut hashes = Vec::with_capacity(sets.iter().map(Vec::len).sum());
    let sets: Vec<Vec<u64>> = sets
        .into_par_iter()
        .map(|mut set| {
            sort_set(&mut set);
            set
        })
        .collect();
    for set in sets {
        hashes.extend_from_slice(&set);
        indptr.push(hashes.len() as i64);
    }
    if !keep_sets {
        indptr = vec![0; docs.len() + 1];
    }
    Ok(Sketch {
        num_perm,
        signatures,
        indptr,
        hashes,
    })
}

/// Signatures (row-major) and, when `keep_sets`, each document's shingle hashes,
/// unsorted (else empty).
fn sketch_each(
    docs: &[Article],
    shingle: usize,
    num_perm: usize,
    keep_sets: bool,
    progress: &Progress,
) -> Result<(Vec<u32>, Vec<Vec<u64>>)> {
    check_options(shingle, num_perm)?;
    let per_doc: Vec<(Vec<u32>, Vec<u64>)> = docs
        .par_iter()
        .map_init(
            || (Vec::new(), Vec::new()),
            |(buf, words), a| {
                progress.check()?;
                progress.tick(1);
                word_hashes(a, buf, words);
                let set = shingles_of(words, shingle);
                let mut sig = vec![0u32; num_perm];
                signature(&set, num_perm, &mut sig);
                Ok((sig, if keep_sets { set } else { Vec::new() }))
            },
        )
        .collect::<Result<_>>()?;
    let mut signatures = Vec::with_capacity(docs.len() * num_perm);
    let mut sets = Vec::with_capacity(docs.len());
    for (sig, set) in per_doc {
        signatures.extend_from_slice(&sig);
        sets.push(set);
    }
    Ok((signatures, sets))
}

/// Probability that documents of similarity `s` share a band.
fn candidate_probability(s: f64, bands: usize, rows: usize) -> f64 {
    1.0 - (1.0 - s.powi(rows as i32)).powi(bands as i32)
}

/// Trapezoid rule over `[a, b]`, fine enough for choosing parameters.
fn integrate(f: impl Fn(f64) -> f64, a: f64, b: f64) -> f64 {
    let n = 1000;
    let h = (b - a) / n as f64;
    let inner: f64 = (1..n).map(|i| f(a + i as f64 * h)).sum();
    h * (inner + (f(a) + f(b)) / 2.0)
}

/// Bands and rows for a threshold, as datasketch's `MinHashLSH` picks them: the pair
/// `(b, r)` with `b * r <= num_perm` that minimises the weighted areas of false
/// positives (candidate probability below the threshold) and false negatives (its
/// complement above it).
pub fn lsh_params(
    threshold: f64,
    num_perm: usize,
    false_positive_weight: f64,
    false_negative_weight: f64,
) -> (usize, usize) {
    let mut best = (f64::INFINITY, (1, 1));
    for b in 1..=num_perm {
        for r in 1..=num_perm / b {
            let fp = integrate(|s| candidate_probability(s, b, r), 0.0, threshold);
            let fn_ = integrate(|s| 1.0 - candidate_probability(s, b, r), threshold, 1.0);
            let err = fp * false_positive_weight + fn_ * false_negative_weight;
            if err < best.0 {
                best = (err, (b, r));
            }
        }
    }
    best.1
}

/// Check a threshold in (0, 1].
pub fn check_threshold(threshold: f64) -> Result<()> {
    if !(threshold > 0.0 && threshold <= 1.0) {
        return Err(Error::input(format!(
            "threshold={threshold}: a Jaccard similarity threshold must be above 0 and at most 1"
        )));
    }
    Ok(())
}

/// Candidate pairs `(a, b)`, `a < b`, sorted and distinct: documents whose signatures
/// agree on all `rows` values of at least one of `bands` bands. Documents without
/// shingles are never candidates.
pub fn candidates(
    signatures: &[u32],
    num_perm: usize,
    bands: usize,
    rows: usize,
    progress: &Progress,
) -> Result<Vec<(u32, u32)>> {
    if bands == 0 || rows == 0 || bands * rows > num_perm {
        return Err(Error::input(format!(
            "bands={bands}, rows={rows}: need at least 1 of each and bands * rows <= num_perm \
             ({num_perm})"
        )));
    }
    let n = signatures.len() / num_perm.max(1);
    if n > u32::MAX as usize {
        return Err(Error::input(format!(
            "{n} documents: at most 2^32 - 1 can be compared"
        )));
    }
    let sig = |d: usize| &signatures[d * num_perm..(d + 1) * num_perm];
    let live: Vec<u32> = (0..n)
        .filter(|&d| sig(d)[0] != EMPTY)
        .map(|d| d as u32)
        .collect();
    let mut pairs: Vec<(u32, u32)> = (0..bands)
        .into_par_iter()
        .map(|band| {
            progress.check()?;
            let mut keyed: Vec<(u64, u32)> = live
                .iter()
                .map(|&d| {
                    let vals = &sig(d as usize)[band * rows..(band + 1) * rows];
                    let mut h = band as u64;
                    for &v in vals {
                        h = fmix(h ^ u64::from(v)).wrapping_add(0x9e37_79b9_7f4a_7c15);
                    }
                    (h, d)
                })
                .collect();
            keyed.sort_unstable();
            let mut out = Vec::new();
            let mut i = 0;
            while i < keyed.len() {
                let mut j = i + 1;
                while j < keyed.len() && keyed[j].0 == keyed[i].0 {
                    j += 1;
                }
                for x in i..j {
                    for y in x + 1..j {
                        // The 64-bit key could collide: compare the band itself.
                        let (a, b) = (keyed[x].1, keyed[y].1);
                        let r = band * rows..(band + 1) * rows;
                        if sig(a as usize)[r.clone()] == sig(b as usize)[r] {
                            out.push((a, b));
                        }
                    }
                }
                i = j;
            }
            Ok(out)
        })
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    Ok(pairs)
}

/// Jaccard similarity of two sorted, distinct sets.
pub fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut both) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    both as f64 / (a.len() + b.len() - both) as f64
}

/// The pairs whose exact Jaccard reaches `threshold`, with it, in the given order.
pub fn verify<'a>(
    pairs: &[(u32, u32)],
    set_of: impl Fn(u32) -> &'a [u64] + Sync,
    threshold: f64,
    progress: &Progress,
) -> Result<Vec<(u32, u32, f64)>> {
    let kept: Vec<Option<(u32, u32, f64)>> = pairs
        .par_chunks(4096)
        .map(|chunk| {
            progress.check()?;
            Ok(chunk
                .iter()
                .map(|&(a, b)| {
                    let s = jaccard(set_of(a), set_of(b));
                    (s >= threshold).then_some((a, b, s))
                })
                .collect::<Vec<_>>())
        })
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    Ok(kept.into_iter().flatten().collect())
}

/// What [`near_duplicates`] needs besides the articles.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    pub threshold: f64,
    pub shingle: usize,
    pub num_perm: usize,
    pub bands: usize,
    pub rows: usize,
}

/// Near-duplicate pairs of articles in memory: sketch, band, and verify. The shingle
/// sets are kept from the sketching pass (building them again took as long as the pass
/// itself: a third of the time on AllSides x10), and dropped as soon as the candidates
/// show that a document is in no pair.
pub fn near_duplicates(
    docs: &[Article],
    opts: &Options,
    progress: &Progress,
) -> Result<Vec<(u32, u32, f64)>> {
    check_threshold(opts.threshold)?;
    let (signatures, mut sets) = sketch_each(docs, opts.shingle, opts.num_perm, true, progress)?;
    let pairs = candidates(&signatures, opts.num_perm, opts.bands, opts.rows, progress)?;
    drop(signatures);
    let mut involved = vec![false; docs.len()];
    for &(a, b) in &pairs {
        involved[a as usize] = true;
        involved[b as usize] = true;
    }
    sets.par_iter_mut().zip(involved).for_each(|(set, keep)| {
        if keep {
            sort_set(set);
        } else {
            *set = Vec::new();
        }
    });
    verify(&pairs, |d| &sets[d as usize], opts.threshold, progress)
}

/// Every pair of documents (given their shingle sets) whose exact Jaccard reaches `threshold`,
/// by comparing each document with every other whose size allows it (`J <= min/max`
/// of the sizes): the brute-force reference that LSH recall is measured against.
pub fn all_pairs(
    sets: &[&[u64]],
    threshold: f64,
    progress: &Progress,
) -> Result<Vec<(u32, u32, f64)>> {
    check_threshold(threshold)?;
    let n = sets.len();
    let set = |d: usize| sets[d];
    let mut by_size: Vec<u32> = (0..n)
        .filter(|&d| !set(d).is_empty())
        .map(|d| d as u32)
        .collect();
    by_size.sort_by_key(|&d| (set(d as usize).len(), d));
    let mut pairs: Vec<(u32, u32, f64)> = (0..by_size.len())
        .into_par_iter()
        .map(|i| {
            progress.check()?;
            let a = by_size[i] as usize;
            let la = set(a).len() as f64;
            let mut out = Vec::new();
            for &b in &by_size[i + 1..] {
                if (la / set(b as usize).len() as f64) < threshold {
                    break;
                }
                let s = jaccard(set(a), set(b as usize));
                if s >= threshold {
                    let a = a as u32;
                    out.push((a.min(b), a.max(b), s));
                }
            }
            Ok(out)
        })
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    pairs.par_sort_unstable_by(|p, q| (p.0, p.1).cmp(&(q.0, q.1)));
    Ok(pairs)
}

/// Connected components of the pair graph: each document's group is the smallest
/// document position in its component (a document in no pair is its own group).
pub fn components(n: usize, pairs: &[(u32, u32)]) -> Vec<u32> {
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn root(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            let up = parent[parent[x as usize] as usize];
            parent[x as usize] = up;
            x = up;
        }
        x
    }
    for &(a, b) in pairs {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        // The smaller position becomes the root, so roots are components' minima.
        if ra < rb {
            parent[rb as usize] = ra;
        } else if rb < ra {
            parent[ra as usize] = rb;
        }
    }
    (0..n as u32).map(|d| root(&mut parent, d)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::parse_article;

    fn doc(text: &str) -> Article {
        parse_article(text).expect("parses")
    }

    #[test]
    fn case_and_punctuation_do_not_change_shingles() {
        let a = doc("The minister said, on Tuesday, that talks would resume in Geneva soon.");
        let b = doc("the Minister said on tuesday -- that talks would resume in geneva soon!");
        assert_eq!(shingle_set(&a, 5), shingle_set(&b, 5));
        assert!(!shingle_set(&a, 5).is_empty());
    }

    #[test]
    fn short_and_empty_documents() {
        let short = doc("Talks resumed.");
        assert_eq!(shingle_set(&short, 5).len(), 1);
        assert!(shingle_set(&doc(""), 5).is_empty());
        assert!(shingle_set(&doc("-- !!"), 5).is_empty());
    }

    #[test]
    fn signatures_agree_in_about_jaccard_of_their_bins() {
        // Sets of 2,000 hashes sharing `shared` of them: J = shared / (4000 - shared).
        let h = |i: u64| fmix(i.wrapping_mul(0x2545_f491_4f6c_dd1d) ^ 7);
        for shared in [0u64, 1000, 1600, 2000] {
            let a: Vec<u64> = (0..2000).map(h).collect();
            let b: Vec<u64> = (2000 - shared..4000 - shared).map(h).collect();
            let (mut sa, mut sb) = (vec![0u32; 512], vec![0u32; 512]);
            signature(&a, 512, &mut sa);
            signature(&b, 512, &mut sb);
            let agree = sa.iter().zip(&sb).filter(|(x, y)| x == y).count() as f64 / 512.0;
            let j = shared as f64 / (4000 - shared) as f64;
            assert!((agree - j).abs() < 0.07, "shared {shared}: {agree} vs {j}");
        }
        // A set of one shingle fills every bin (densification) with that one value.
        let mut one = vec![0u32; 64];
        signature(&[h(1)], 64, &mut one);
        assert!(one.iter().all(|&v| v == one[0] && v != EMPTY));
    }

    #[test]
    fn params_match_datasketch() {
        // datasketch 2.0 MinHashLSH(threshold, num_perm=128) picks these (.b, .r).
        assert_eq!(lsh_params(0.5, 128, 0.5, 0.5), (25, 5));
        assert_eq!(lsh_params(0.8, 128, 0.5, 0.5), (9, 13));
        assert_eq!(lsh_params(0.9, 128, 0.5, 0.5), (5, 25));
        // Weighted towards recall, as newsgraph uses it: 17 bands of 7 rows at 0.8.
        assert_eq!(lsh_params(0.8, 128, 0.02, FALSE_NEGATIVE_WEIGHT), (17, 7));
    }

    #[test]
    fn finds_copies_and_components() {
        let body = "Lawmakers in Brussels agreed on Thursday to a new set of rules for the \
                    trading of carbon permits, ending two years of talks between member \
                    states that had stalled over how to treat heavy industry. ";
        let docs = vec![
            doc(&body.repeat(3)),
            doc("A different story about farming subsidies and the weather in Spain."),
            doc(&format!("{}Reuters contributed.", body.repeat(3))),
            doc(""),
            doc(""),
        ];
        let (b, r) = lsh_params(0.8, 128, 0.5, 0.5);
        let opts = Options {
            threshold: 0.8,
            shingle: 5,
            num_perm: 128,
            bands: b,
            rows: r,
        };
        let one = crate::core::corpus::with_threads(Some(1), || {
            near_duplicates(&docs, &opts, &Progress::default())
        })
        .expect("pool")
        .expect("runs");
        assert_eq!(one.len(), 1);
        assert_eq!((one[0].0, one[0].1), (0, 2));
        assert_eq!(components(5, &[(0, 2)]), vec![0, 1, 0, 3, 4]);
    }
}
