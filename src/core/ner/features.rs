//! Feature extraction for the tagger.
//!
//! Per-token "atoms" (lowercase form, shape, affixes, clusters, gazetteer matches) are
//! hashed once per token; each feature is then one `mix` of a template id with atoms,
//! so a token's ~35 features cost a few dozen multiplies, not string work.

use super::hash::{hash_str, mix, IdMap, IdSet};
use super::labels::{self, O};
use super::lexicon::{Lexicon, CLUSTER_LEVELS};

pub const CAP: u8 = 1; // first character uppercase
pub const ALLCAPS: u8 = 2; // has letters, all uppercase, longer than one char
pub const DIGIT: u8 = 4;
pub const UPPER: u8 = 8; // any uppercase character
pub const INIT: u8 = 16; // first token of its sentence
pub const ALPHA: u8 = 32; // has a letter

/// What one token contributes to features, computed once.
#[derive(Debug, Clone, Copy, Default)]
pub struct Atoms {
    /// Hash of the exact form (curly quotes folded), for the cluster lookup.
    pub exact: u64,
    pub lower: u64,
    pub shape: u64,
    pub pre3: u64,
    pub suf2: u64,
    pub suf3: u64,
    pub suf4: u64,
    pub flags: u8,
    pub clusters: [u16; CLUSTER_LEVELS],
}

pub(super) const BOS: u64 = 0x0b05_0b05_0b05_0b05;
pub(super) const EOS: u64 = 0x0e05_0e05_0e05_0e05;

fn affix_hash(kind: u64, s: &str) -> u64 {
    mix(kind, hash_str(s))
}

/// Word shape with runs collapsed: "Lavrov" -> "Xx", "U.S." -> "X.X.", "2023" -> "d",
/// "Russian-Chinese" -> "Xx-Xx", "$240.1" -> "$d.d".
pub fn shape(word: &str) -> String {
    let mut out = String::with_capacity(8);
    let mut last = '\0';
    for c in word.chars() {
        let k = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_numeric() {
            'd'
        } else if c.is_alphabetic() {
            'a'
        } else {
            c
        };
        if k != last {
            out.push(k);
            last = k;
        }
        if out.len() >= 12 {
            break;
        }
    }
    out
}

/// Curly quotes and apostrophes read as straight ones: CoNLL text and most training
/// data have only straight ones.
fn fold_quotes(word: &str) -> std::borrow::Cow<'_, str> {
    if word.is_ascii() || !word.contains(['\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}']) {
        return word.into();
    }
    word.chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201C}' | '\u{201D}' => '"',
            c => c,
        })
        .collect::<String>()
        .into()
}

/// Compute the atoms of one token; word clusters are filled in by [`prepare`], only
/// where the model will look.
pub fn atoms(word: &str) -> Atoms {
    if word.is_ascii() && word.len() <= 32 {
        ascii_atoms(word.as_bytes())
    } else {
        general_atoms(word)
    }
}

/// The common case without allocating: the same hashes as [`general_atoms`] (an ASCII
/// character is one byte, so byte slices are character slices).
fn ascii_atoms(w: &[u8]) -> Atoms {
    let h = xxhash_rust::xxh3::xxh3_64;
    let mut lower = [0u8; 32];
    let mut shape = [0u8; 32];
    let (mut n_shape, mut last) = (0usize, 0u8);
    let mut flags = 0u8;
    let (mut letters, mut uppers) = (0usize, 0usize);
    for (i, &c) in w.iter().enumerate() {
        lower[i] = c.to_ascii_lowercase();
        let k = match c {
            b'A'..=b'Z' => {
                letters += 1;
                uppers += 1;
                flags |= ALPHA | UPPER | if i == 0 { CAP } else { 0 };
                b'X'
            }
            b'a'..=b'z' => {
                letters += 1;
                flags |= ALPHA;
                b'x'
            }
            b'0'..=b'9' => {
                flags |= DIGIT;
                b'd'
            }
            other => other,
        };
        if k != last && n_shape < 12 {
            shape[n_shape] = k;
            n_shape += 1;
            last = k;
        }
    }
    if letters > 1 && uppers == letters {
        flags |= ALLCAPS;
    }
    let n = w.len();
    let lower = &lower[..n];
    let lower_h = h(lower);
    Atoms {
        exact: h(w),
        lower: lower_h,
        shape: h(&shape[..n_shape]),
        pre3: mix(1, h(&lower[..n.min(3)])),
        suf2: mix(2, h(&lower[n.saturating_sub(2)..])),
        suf3: mix(3, h(&lower[n.saturating_sub(3)..])),
        suf4: mix(4, h(&lower[n.saturating_sub(4)..])),
        flags,
        clusters: [0; CLUSTER_LEVELS],
    }
}

fn general_atoms(word: &str) -> Atoms {
    let word = &*fold_quotes(word);
    let lower_s = word.to_lowercase();
    let lower = hash_str(&lower_s);
    let mut flags = 0u8;
    let (mut letters, mut uppers) = (0usize, 0usize);
    for (i, c) in word.chars().enumerate() {
        if c.is_alphabetic() {
            letters += 1;
            flags |= ALPHA;
        }
        if c.is_uppercase() {
            uppers += 1;
            flags |= UPPER;
            if i == 0 {
                flags |= CAP;
            }
        }
        if c.is_numeric() {
            flags |= DIGIT;
        }
    }
    if letters > 1 && uppers == letters {
        flags |= ALLCAPS;
    }
    let chars: Vec<char> = lower_s.chars().collect();
    let n = chars.len();
    let prefix = |k: usize| chars[..k.min(n)].iter().collect::<String>();
    let suffix = |k: usize| chars[n.saturating_sub(k)..].iter().collect::<String>();
    Atoms {
        exact: hash_str(word),
        lower,
        shape: hash_str(&shape(word)),
        pre3: affix_hash(1, &prefix(3)),
        suf2: affix_hash(2, &suffix(2)),
        suf3: affix_hash(3, &suffix(3)),
        suf4: affix_hash(4, &suffix(4)),
        flags,
        clusters: [0; CLUSTER_LEVELS],
    }
}

/// A sentence ready for tagging.
#[derive(Debug, Clone, Default)]
pub struct Sent {
    pub atoms: Vec<Atoms>,
    pub gaz: Vec<u64>,
    /// Headline or table row in capitals: case says little here.
    pub caps: bool,
}

/// What the whole document says about its words.
#[derive(Debug, Clone, Default)]
pub struct DocInfo {
    /// Words seen in lowercase somewhere in the document.
    pub seen_lower: IdSet,
    /// Words seen capitalised (not all caps) in mid-sentence of a mixed-case sentence.
    pub seen_cap_mid: IdSet,
}

/// Prepare a document's sentences (tokens as strings).
pub fn prepare<S: AsRef<str>, W: AsRef<[S]>>(
    lexicon: &Lexicon,
    starters: &IdSet,
    sents: &[W],
) -> (Vec<Sent>, DocInfo) {
    let mut info = DocInfo::default();
    let mut out = Vec::with_capacity(sents.len());
    let mut lower = Vec::new();
    let mut need = Vec::new();
    for words in sents {
        let words = words.as_ref();
        let mut atoms: Vec<Atoms> = words.iter().map(|w| atoms(w.as_ref())).collect();
        if let Some(a) = atoms.first_mut() {
            a.flags |= INIT;
        }
        let alpha = atoms.iter().filter(|a| a.flags & ALPHA != 0).count();
        let caps_n = atoms
            .iter()
            .filter(|a| a.flags & ALPHA != 0 && (a.flags & ALLCAPS != 0 || a.flags & CAP != 0))
            .count();
        let allcaps_n = atoms.iter().filter(|a| a.flags & ALLCAPS != 0).count();
        let caps = alpha >= 2 && (allcaps_n * 2 > alpha || caps_n * 10 >= alpha * 9);
        // Clusters and gazetteers are looked up only within two tokens of a word the
        // model will see (a capitalised word or an entity starter): elsewhere the fast
        // path labels O without features. Training prepares text the same way.
        need.clear();
        need.resize(atoms.len(), false);
        for (i, a) in atoms.iter().enumerate() {
            if a.flags & UPPER != 0 || starters.contains(&a.lower) {
                let lo = i.saturating_sub(2);
                let hi = (i + 3).min(atoms.len());
                need[lo..hi].fill(true);
            }
        }
        for (a, &n) in atoms.iter_mut().zip(&need) {
            if n {
                a.clusters = lexicon
                    .cluster(a.exact, a.lower)
                    .unwrap_or([0; CLUSTER_LEVELS]);
            }
        }
        lower.clear();
        lower.extend(atoms.iter().map(|a| a.lower));
        let mut gaz = Vec::new();
        lexicon.match_sentence(&lower, &need, &mut gaz);
        out.push(Sent { atoms, gaz, caps });
    }
    // Only capitalised words are ever looked up in these sets, so a lowercase word is
    // kept only if a capitalised word of the document may share its lowercase form:
    // a 4096-bit filter on the form's hash rules out most of the document's lowercase
    // words, which were a set insertion each (3% of tagging).
    let mut wanted = [0u64; 64];
    for a in out.iter().flat_map(|s| &s.atoms) {
        if a.flags & UPPER != 0 {
            let b = (a.lower & 4095) as usize;
            wanted[b >> 6] |= 1 << (b & 63);
        }
    }
    for s in &out {
        for a in &s.atoms {
            if a.flags & ALPHA != 0 && a.flags & UPPER == 0 {
                let b = (a.lower & 4095) as usize;
                if wanted[b >> 6] & (1 << (b & 63)) != 0 {
                    info.seen_lower.insert(a.lower);
                }
            } else if !s.caps && a.flags & (CAP | INIT | ALLCAPS) == CAP {
                info.seen_cap_mid.insert(a.lower);
            }
        }
    }
    (out, info)
}

// Template ids. Changing any of these changes every feature hash: bump the model format.
// The tagger's scorer (`score.rs`) mirrors `emit` with them.
pub(super) const T_BIAS: u64 = 1;
pub(super) const T_W: u64 = 2;
pub(super) const T_WM1: u64 = 3;
pub(super) const T_WP1: u64 = 4;
pub(super) const T_WM2: u64 = 5;
pub(super) const T_WP2: u64 = 6;
pub(super) const T_SH: u64 = 7;
pub(super) const T_SHM1: u64 = 8;
pub(super) const T_SHP1: u64 = 9;
pub(super) const T_SH3: u64 = 10;
pub(super) const T_AFFIX: u64 = 11;
pub(super) const T_CL: u64 = 12;
pub(super) const T_CLM1: u64 = 13;
pub(super) const T_CLP1: u64 = 14;
pub(super) const T_GAZ: u64 = 15;
pub(super) const T_GAZM1: u64 = 16;
pub(super) const T_GAZP1: u64 = 17;
pub(super) const T_Y1: u64 = 18;
pub(super) const T_Y12: u64 = 19;
pub(super) const T_Y1W: u64 = 20;
pub(super) const T_Y1SH: u64 = 21;
pub(super) const T_INIT: u64 = 22;
pub(super) const T_CAPS: u64 = 23;
pub(super) const T_DOC_LC: u64 = 24;
pub(super) const T_DOC_CAP: u64 = 25;
pub(super) const T_HIST: u64 = 26;
pub(super) const T_BIM1: u64 = 27;
pub(super) const T_BIP1: u64 = 28;
pub(super) const T_FLAGS: u64 = 29;
pub(super) const T_S1: u64 = 30;
pub(super) const T_S1M1: u64 = 31;
pub(super) const T_S1P1: u64 = 32;
pub(super) const T_AGG: u64 = 33;
pub(super) const T_AGG_CTX: u64 = 34;

/// What the first pass said about a document, for the second pass.
#[derive(Debug, Clone, Default)]
pub struct FirstPass {
    pub labels: Vec<Vec<u8>>,
    /// Word (lowercase hash) -> how many of its tokens got each entity type.
    pub types: IdMap<[u16; 4]>,
}

impl FirstPass {
    pub fn new(sents: &[Sent], labels: Vec<Vec<u8>>) -> Self {
        let mut types: IdMap<[u16; 4]> = IdMap::default();
        for (s, ls) in sents.iter().zip(&labels) {
            for (a, &l) in s.atoms.iter().zip(ls) {
                if let Some(t) = labels::type_of(l) {
                    let c = &mut types.entry(a.lower).or_default()[t];
                    *c = c.saturating_add(1);
                }
            }
        }
        FirstPass { labels, types }
    }
}

#[inline]
/// The entity type the first pass gave a word most often elsewhere in the document
/// (ties to the lower type), and whether every tagged mention agreed.
pub(super) fn majority<C: Copy + Into<u32>>(counts: &[C]) -> (usize, bool) {
    let total: u32 = counts.iter().map(|&c| c.into()).sum();
    let (best, n) = counts
        .iter()
        .map(|&c| c.into())
        .enumerate()
        .max_by_key(|&(t, c)| (c, std::cmp::Reverse(t)))
        .unwrap_or((0, 0));
    (best, n == total)
}

pub(super) fn f2(t: u64, a: u64) -> u64 {
    mix(mix(t, a), 0x51)
}

#[inline]
pub(super) fn f3(t: u64, a: u64, b: u64) -> u64 {
    mix(mix(mix(t, a), b), 0x52)
}

/// Emit the features of token `i` of `s` into `out`.
///
/// `prev1`/`prev2` are the labels already chosen for the two tokens before; `hist` is
/// the entity type (1-based) this word was last given in the document, 0 if none.
#[allow(clippy::too_many_arguments)]
pub fn emit(
    s: &Sent,
    i: usize,
    prev1: u8,
    prev2: u8,
    hist: u8,
    doc: &DocInfo,
    first: Option<(&FirstPass, usize)>,
    out: &mut Vec<u64>,
) {
    out.clear();
    let a = &s.atoms[i];
    let at = |k: isize| -> Option<&Atoms> {
        let j = i as isize + k;
        (j >= 0).then(|| s.atoms.get(j as usize)).flatten()
    };
    let lw = |k: isize| at(k).map_or(if k < 0 { BOS } else { EOS }, |x| x.lower);
    let sh = |k: isize| at(k).map_or(if k < 0 { BOS } else { EOS }, |x| x.shape);
    out.push(T_BIAS);
    out.push(f2(T_W, a.lower));
    out.push(f2(T_WM1, lw(-1)));
    out.push(f2(T_WP1, lw(1)));
    out.push(f2(T_WM2, lw(-2)));
    out.push(f2(T_WP2, lw(2)));
    out.push(f3(T_BIM1, lw(-1), a.lower));
    out.push(f3(T_BIP1, a.lower, lw(1)));
    out.push(f2(T_SH, a.shape));
    out.push(f2(T_SHM1, sh(-1)));
    out.push(f2(T_SHP1, sh(1)));
    out.push(f3(T_SH3, mix(sh(-1), a.shape), sh(1)));
    out.push(f2(T_AFFIX, a.pre3));
    out.push(f2(T_AFFIX, a.suf2));
    out.push(f2(T_AFFIX, a.suf3));
    out.push(f2(T_AFFIX, a.suf4));
    out.push(f2(T_FLAGS, a.flags as u64));
    for (level, &c) in a.clusters.iter().enumerate() {
        if c != 0 {
            out.push(f3(T_CL, level as u64, c as u64));
        }
    }
    for (k, t) in [(-1isize, T_CLM1), (1, T_CLP1)] {
        if let Some(x) = at(k) {
            if x.clusters[1] != 0 {
                out.push(f2(t, x.clusters[1] as u64));
            }
        }
    }
    for (k, t) in [(0isize, T_GAZ), (-1, T_GAZM1), (1, T_GAZP1)] {
        let j = i as isize + k;
        if j < 0 {
            continue;
        }
        let mut bits = s.gaz.get(j as usize).copied().unwrap_or(0);
        while bits != 0 {
            let b = bits.trailing_zeros() as u64;
            out.push(f2(t, b));
            bits &= bits - 1;
        }
    }
    out.push(f2(T_Y1, prev1 as u64));
    out.push(f3(T_Y12, prev1 as u64, prev2 as u64));
    out.push(f3(T_Y1W, prev1 as u64, a.lower));
    out.push(f3(T_Y1SH, prev1 as u64, a.shape));
    if a.flags & INIT != 0 {
        out.push(f2(T_INIT, a.shape));
        out.push(f3(T_INIT, a.lower, 1));
    }
    if s.caps {
        out.push(f2(T_CAPS, a.shape));
    }
    if a.flags & UPPER != 0 {
        if doc.seen_lower.contains(&a.lower) {
            out.push(f2(T_DOC_LC, (a.flags & INIT != 0) as u64));
        }
        if (a.flags & (INIT | ALLCAPS) != 0 || s.caps) && doc.seen_cap_mid.contains(&a.lower) {
            out.push(T_DOC_CAP);
        }
    }
    out.push(f2(T_HIST, hist as u64));
    if let Some((fp, si)) = first {
        let ls = &fp.labels[si];
        let l = |k: isize| {
            let j = i as isize + k;
            if j < 0 || j as usize >= ls.len() {
                0xFF
            } else {
                ls[j as usize] as u64
            }
        };
        out.push(f2(T_S1, l(0)));
        out.push(f2(T_S1M1, l(-1)));
        out.push(f2(T_S1P1, l(1)));
        if let Some(counts) = fp.types.get(&a.lower) {
            let (best, unanimous) = majority(counts);
            out.push(f3(T_AGG, best as u64, unanimous as u64));
            let ctx = (a.flags & (INIT | ALLCAPS)) as u64 | ((s.caps as u64) << 7);
            out.push(f3(T_AGG_CTX, best as u64, ctx));
        }
    }
}

/// Labels of a document, chosen token by token, left to right (greedy decoding with
/// the previous choices as features: about as accurate as Viterbi for this model and
/// much faster, Ratinov & Roth 2009).
///
/// `choose(features, prev_label, token_position)` returns the label for a token that
/// needs the model. Tokens without an uppercase letter, outside an entity, whose word
/// never began an entity in training (`starters`) are O without feature work.
pub fn decode<F>(
    sents: &[Sent],
    doc: &DocInfo,
    starters: &IdSet,
    first: Option<&FirstPass>,
    mut choose: F,
) -> Vec<Vec<u8>>
where
    F: FnMut(&[u64], u8, (usize, usize)) -> u8,
{
    let mut feats = Vec::with_capacity(64);
    decode_with(sents, starters, first, |t| {
        emit(
            t.sent,
            t.i,
            t.prev1,
            t.prev2,
            t.hist,
            doc,
            first.map(|f| (f, t.si)),
            &mut feats,
        );
        choose(&feats, t.prev1, (t.si, t.i))
    })
}

/// A token that needs the model, with what [`emit`] takes besides the document.
pub struct Token<'a> {
    pub sent: &'a Sent,
    pub si: usize,
    pub i: usize,
    pub prev1: u8,
    pub prev2: u8,
    pub hist: u8,
}

/// [`decode`] with the feature work left to `choose`, which returns the label of a
/// token that needs the model: the tagger scores without listing features.
pub fn decode_with<F>(
    sents: &[Sent],
    starters: &IdSet,
    first: Option<&FirstPass>,
    mut choose: F,
) -> Vec<Vec<u8>>
where
    F: FnMut(Token<'_>) -> u8,
{
    let mut hist: IdMap<u8> = IdMap::default();
    let mut out = Vec::with_capacity(sents.len());
    for (si, s) in sents.iter().enumerate() {
        let mut labels = Vec::with_capacity(s.atoms.len());
        let (mut p1, mut p2) = (O, O);
        for (i, a) in s.atoms.iter().enumerate() {
            let mut fast =
                !labels::is_open(p1) && a.flags & UPPER == 0 && !starters.contains(&a.lower);
            if let (false, Some(fp)) = (fast, first) {
                // Second pass: where the first pass saw no entity here or next door and
                // the document says nothing about this word, it stays O.
                let ls = &fp.labels[si];
                let quiet = |j: usize| ls.get(j).is_none_or(|&l| l == O);
                fast = !labels::is_open(p1)
                    && quiet(i)
                    && (i == 0 || quiet(i - 1))
                    && quiet(i + 1)
                    && !fp.types.contains_key(&a.lower);
            }
            let y = if fast {
                O
            } else {
                let h = if hist.is_empty() {
                    0
                } else {
                    hist.get(&a.lower).copied().unwrap_or(0)
                };
                choose(Token {
                    sent: s,
                    si,
                    i,
                    prev1: p1,
                    prev2: p2,
                    hist: h,
                })
            };
            if labels::is_open(p1) && !labels::allowed(p1, y) {
                // The chooser ended the open entity at the previous token.
                close_open(&mut labels);
            }
            if let Some(t) = labels::type_of(y) {
                hist.insert(a.lower, t as u8 + 1);
            }
            labels.push(y);
            p2 = p1;
            p1 = y;
        }
        close_open(&mut labels);
        out.push(labels);
    }
    out
}

/// A sentence cannot end inside an entity: turn a final B into U and a final I into L.
fn close_open(labels: &mut [u8]) {
    if let Some(last) = labels.last_mut() {
        if labels::is_open(*last) {
            // B (part 0) becomes U (part 3); I (part 1) becomes L (part 2).
            *last += if (*last - 1) % 4 == 0 { 3 } else { 1 };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ner::labels::label;

    #[test]
    fn shapes() {
        assert_eq!(shape("Lavrov"), "Xx");
        assert_eq!(shape("U.S."), "X.X.");
        assert_eq!(shape("2023"), "d");
        assert_eq!(shape("Russian-Chinese"), "Xx-Xx");
        assert_eq!(shape("$240.1"), "$d.d");
        assert_eq!(shape("Đoković"), "Xx");
    }

    #[test]
    fn ascii_fast_path_matches_general() {
        let mut lx = Lexicon::default();
        lx.add_clusters_tsv("Lavrov\t1\t2\t3\nsaid\t4\t5\t6\n");
        for w in [
            "Lavrov",
            "said",
            "U.S.",
            "2023",
            "$240.1",
            "Russian-Chinese",
            "a",
            "NATO",
            "'s",
        ] {
            let (a, b) = (ascii_atoms(w.as_bytes()), general_atoms(w));
            assert_eq!(
                (a.lower, a.shape, a.pre3, a.suf2, a.suf3, a.suf4, a.flags, a.clusters),
                (b.lower, b.shape, b.pre3, b.suf2, b.suf3, b.suf4, b.flags, b.clusters),
                "{w}"
            );
        }
    }

    #[test]
    fn atoms_flags() {
        let a = atoms("NATO");
        assert_eq!(a.flags & (ALLCAPS | CAP | UPPER), ALLCAPS | CAP | UPPER);
        assert_eq!(atoms("said").flags & UPPER, 0);
        assert_eq!(atoms("iPhone").flags & (CAP | UPPER), UPPER);
        assert_eq!(atoms("Lavrov").lower, atoms("LAVROV").lower);
    }

    #[test]
    fn close_open_ends_entities() {
        for t in 0..4 {
            let mut l = vec![label(t, 0)];
            close_open(&mut l);
            assert_eq!(l, vec![label(t, 3)]);
            let mut l = vec![label(t, 0), label(t, 1)];
            close_open(&mut l);
            assert_eq!(l, vec![label(t, 0), label(t, 2)]);
        }
    }

    #[test]
    fn document_info_and_fast_path() {
        let lx = Lexicon::default();
        let sents = vec![
            vec!["WASHINGTON", "POST", "SAYS"],
            vec!["The", "Post", "said", "post", "things", "."],
        ];
        let (prepared, info) = prepare(&lx, &IdSet::default(), &sents);
        assert!(prepared[0].caps && !prepared[1].caps);
        assert!(info.seen_cap_mid.contains(&hash_str("post")));
        assert!(info.seen_lower.contains(&hash_str("post")));
        let mut asked = Vec::new();
        let labels = decode(&prepared, &info, &IdSet::default(), None, |_, _, pos| {
            asked.push(pos);
            O
        });
        // Only tokens with an uppercase letter reach the model.
        assert_eq!(asked, vec![(0, 0), (0, 1), (0, 2), (1, 0), (1, 1)]);
        assert_eq!(labels[1].len(), 6);
    }
}
