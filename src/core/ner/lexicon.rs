//! Word lists and word clusters the tagger consults: gazetteers (countries, cities,
//! given names, organisation suffixes, demonyms, ...) and distributional word classes.
//!
//! Both are keyed by hashes so a model carries no strings but the category names.

use super::hash::{hash_str, mix, IdMap, IdSet};

/// Up to this many gazetteer categories (a token's matches fit in a u64 bitset: 4 bits,
/// B/I/L/U, per category).
pub const MAX_CATEGORIES: usize = 16;
/// Levels of word clusters (coarse to fine).
pub const CLUSTER_LEVELS: usize = 3;

const PHRASE_SEED: u64 = 0x005E_ED0F_9A2E_7733;

/// The hash of a phrase from the lowercase hashes of its tokens.
pub fn phrase_hash(lower_hashes: impl IntoIterator<Item = u64>) -> u64 {
    lower_hashes.into_iter().fold(PHRASE_SEED, mix)
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lexicon {
    pub categories: Vec<String>,
    /// Full phrase hash -> bitmask of categories.
    pub phrases: IdMap<u16>,
    /// Hashes of proper prefixes of phrases, so matching knows when to keep extending.
    pub prefixes: IdSet,
    pub max_len: usize,
    /// Token hash (exact form) -> cluster ids, coarse to fine; ids start at 1.
    pub clusters: IdMap<[u16; CLUSTER_LEVELS]>,
}

impl Lexicon {
    /// Add a phrase (given as lowercase token hashes) to a category, creating it.
    pub fn add_phrase(&mut self, category: &str, lower_hashes: &[u64]) {
        if lower_hashes.is_empty() {
            return;
        }
        let c = match self.categories.iter().position(|x| x == category) {
            Some(c) => c,
            None if self.categories.len() < MAX_CATEGORIES => {
                self.categories.push(category.to_string());
                self.categories.len() - 1
            }
            None => return,
        };
        let mut h = PHRASE_SEED;
        for (i, &t) in lower_hashes.iter().enumerate() {
            h = mix(h, t);
            if i + 1 < lower_hashes.len() {
                self.prefixes.insert(h);
            }
        }
        *self.phrases.entry(h).or_insert(0) |= 1 << c;
        self.max_len = self.max_len.max(lower_hashes.len());
    }

    /// Read `CATEGORY<TAB>phrase` lines; the phrase is split on spaces into tokens.
    pub fn add_gazetteer_tsv(&mut self, text: &str) {
        for line in text.lines() {
            if let Some((cat, phrase)) = line.split_once('\t') {
                let toks: Vec<u64> = phrase
                    .split(' ')
                    .filter(|t| !t.is_empty())
                    .map(|t| hash_str(&t.to_lowercase()))
                    .collect();
                self.add_phrase(cat.trim(), &toks);
            }
        }
    }

    /// Read `word<TAB>c1<TAB>c2<TAB>c3` lines. Malformed lines are skipped.
    pub fn add_clusters_tsv(&mut self, text: &str) {
        for line in text.lines() {
            let mut parts = line.split('\t');
            let Some(word) = parts.next() else { continue };
            let mut ids = [0u16; CLUSTER_LEVELS];
            let mut ok = true;
            for slot in ids.iter_mut() {
                match parts.next().and_then(|p| p.trim().parse::<u16>().ok()) {
                    Some(v) => *slot = v.saturating_add(1),
                    None => ok = false,
                }
            }
            if ok && !word.is_empty() {
                self.clusters.insert(hash_str(word), ids);
            }
        }
    }

    /// Gazetteer matches over a sentence: for each token, a bitset with bit
    /// `4 * category + part` (part 0 B, 1 I, 2 L, 3 U) for every phrase covering it.
    /// Phrases are tried only from starts where `from[i]` is true.
    pub fn match_sentence(&self, lower: &[u64], from: &[bool], out: &mut Vec<u64>) {
        out.clear();
        out.resize(lower.len(), 0);
        if self.phrases.is_empty() {
            return;
        }
        for i in 0..lower.len() {
            if !from.get(i).copied().unwrap_or(true) {
                continue;
            }
            let mut h = PHRASE_SEED;
            for j in i..lower.len().min(i + self.max_len) {
                h = mix(h, lower[j]);
                if let Some(&mask) = self.phrases.get(&h) {
                    for c in 0..self.categories.len() {
                        if mask & (1 << c) == 0 {
                            continue;
                        }
                        let base = 4 * c as u64;
                        if i == j {
                            out[i] |= 1 << (base + 3);
                        } else {
                            out[i] |= 1 << base;
                            for o in &mut out[i + 1..j] {
                                *o |= 1 << (base + 1);
                            }
                            out[j] |= 1 << (base + 2);
                        }
                    }
                }
                if !self.prefixes.contains(&h) {
                    break;
                }
            }
        }
    }

    /// Cluster ids of a token: its exact form, else its lowercase form.
    pub fn cluster(&self, exact: u64, lower: u64) -> Option<[u16; CLUSTER_LEVELS]> {
        self.clusters
            .get(&exact)
            .or_else(|| self.clusters.get(&lower))
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lower(words: &[&str]) -> Vec<u64> {
        words.iter().map(|w| hash_str(&w.to_lowercase())).collect()
    }

    #[test]
    fn gazetteer_matches_multiword_and_overlaps() {
        let mut lx = Lexicon::default();
        lx.add_gazetteer_tsv(
            "LOC.country\tSouth Korea\nLOC.country\tKorea\nORG.suffix\tMinistry\n",
        );
        let mut out = Vec::new();
        lx.match_sentence(
            &lower(&["the", "SOUTH", "korea", "Ministry"]),
            &[],
            &mut out,
        );
        assert_eq!(out[0], 0);
        assert_eq!(out[1], 1 << 0); // B of category 0
        assert_eq!(out[2], (1 << 2) | (1 << 3)); // L of "South Korea", U of "Korea"
        assert_eq!(out[3], 1 << (4 + 3)); // U of category 1
        assert_eq!(lx.categories, vec!["LOC.country", "ORG.suffix"]);
    }

    #[test]
    fn clusters_fall_back_to_lowercase() {
        let mut lx = Lexicon::default();
        lx.add_clusters_tsv("Paris\t1\t2\t3\nbad line\nkyiv\t0\t0\t7\n");
        assert_eq!(
            lx.cluster(hash_str("Paris"), hash_str("paris")),
            Some([2, 3, 4])
        );
        assert_eq!(
            lx.cluster(hash_str("Kyiv"), hash_str("kyiv")),
            Some([1, 1, 8])
        );
        assert_eq!(lx.cluster(hash_str("Nowhere"), hash_str("nowhere")), None);
    }
}
