//! User dictionaries: lists of patterns under concept keys, matched over whole tokens
//! (quanteda's `dictionary()` + `tokens_lookup()`, flashtext's keyword matching).
//!
//! # Patterns
//!
//! A pattern is split into tokens the way article text is ([`segment::tokenize`]), so
//! `"Xi Jinping's"` or `"U.S."` become exactly the tokens the same words in an article
//! become. A whitespace-separated piece containing `*` or `?` is instead one *glob*
//! token, as in quanteda: `*` matches any run of characters (possibly none) within one
//! token and `?` exactly one character. Any token of a multi-token pattern may be a
//! glob (`"united *"`, `"Zelensk* administration"`); a glob never spans tokens.
//!
//! Without `case_sensitive`, tokens are compared by their lowercase forms (Unicode
//! `char::to_lowercase`, with the final sigma `ς` folded to `σ` so Greek words match
//! in any case).
//!
//! # Matching
//!
//! Within one sentence, leftmost-longest and non-overlapping: scanning left to right,
//! at the first position where any pattern matches, the longest matching pattern wins
//! and scanning goes on after it. Patterns only match whole tokens.
//!
//! When patterns of several keys match that same longest span (one pattern listed
//! under two keys, or an exact pattern and a glob of different keys), one [`Match`]
//! per key is reported, in ascending key order, all with the same span.
//!
//! # How
//!
//! Exact patterns form a trie over token ids: every distinct (normalised) token of an
//! exact pattern gets an id, and each sentence token is looked up once (after a
//! first-byte and length filter, one hash probe); tokens in no pattern get id 0 and
//! can never be part of an exact match. At each position the trie gives the longest
//! exact pattern in a few steps, so the cost is one lookup per token whatever the
//! dictionary's size (a byte-level Aho-Corasick automaton over `\x1F`-separated
//! tokens was tried first: with 10,000 patterns its DFA no longer fits in cache and it
//! ran 3-4 times slower on Reuters-21578). Glob patterns are checked token by token
//! against normalised tokens (kept in a key string with [`SEP`] between tokens) and
//! merged with the trie's answer at each position under the same leftmost-longest rule.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

use xxhash_rust::xxh3::xxh3_64_with_seed;

use super::{segment, Article, Error, Result, Span};

/// Separates tokens in the key strings. Tokens never contain whitespace, and a token
/// that does contain this control character has it replaced by [`SEP_STANDIN`] (in
/// text and patterns alike), so separators in a key string are exactly the token
/// boundaries.
pub const SEP: char = '\u{1F}';
const SEP_STANDIN: char = '\u{FFFD}';

/// One dictionary match: tokens `start..end` (end exclusive) matched a pattern of key
/// `key` (an index into [`Dictionary::keys`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Match {
    pub start: usize,
    pub end: usize,
    pub key: u32,
}

/// One character class of a compiled glob token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum G {
    Lit(char),
    One,
    Star,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Tok {
    Exact(String),
    Glob {
        items: Vec<G>,
        /// Literal text before the first wildcard and after the last: cheap rejection.
        prefix: String,
        suffix: String,
    },
}

impl Tok {
    fn matches(&self, token: &str) -> bool {
        match self {
            Tok::Exact(s) => s == token,
            Tok::Glob {
                items,
                prefix,
                suffix,
            } => {
                token.starts_with(prefix.as_str())
                    && token.ends_with(suffix.as_str())
                    && glob_match(items, token)
            }
        }
    }
}

/// `*`/`?` wildcard match of one whole token (greedy with backtracking to the last
/// star, linear for the usual one-star globs).
fn glob_match(pat: &[G], text: &str) -> bool {
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if p < pat.len() {
            match pat[p] {
                G::Star => {
                    star = Some((p, t));
                    p += 1;
                    continue;
                }
                G::One => {
                    if let Some(c) = text[t..].chars().next() {
                        p += 1;
                        t += c.len_utf8();
                        continue;
                    }
                }
                G::Lit(l) => {
                    if text[t..].starts_with(l) {
                        p += 1;
                        t += l.len_utf8();
                        continue;
                    }
                }
            }
        } else if t == text.len() {
            return true;
        }
        // Mismatch: let the last star swallow one more character, if there is one.
        match star {
            Some((sp, st)) => match text[st..].chars().next() {
                Some(c) => {
                    let st = st + c.len_utf8();
                    star = Some((sp, st));
                    p = sp + 1;
                    t = st;
                }
                None => return false,
            },
            None => return false,
        }
    }
}

/// Append the normalised form of `token` to `out`.
fn push_norm(out: &mut String, token: &str, case_sensitive: bool) {
    let start = out.len();
    if case_sensitive {
        out.push_str(token);
    } else if token.is_ascii() {
        out.push_str(token);
        out[start..].make_ascii_lowercase();
    } else {
        for c in token.chars() {
            for l in c.to_lowercase() {
                out.push(if l == 'ς' { 'σ' } else { l });
            }
        }
    }
    if out.as_bytes()[start..].contains(&(SEP as u8)) {
        let fixed = out[start..].replace(SEP, &SEP_STANDIN.to_string());
        out.truncate(start);
        out.push_str(&fixed);
    }
}

fn norm(token: &str, case_sensitive: bool) -> String {
    let mut s = String::with_capacity(token.len());
    push_norm(&mut s, token, case_sensitive);
    s
}

fn compile_glob(token: &str) -> Tok {
    let mut items = Vec::with_capacity(token.len());
    for c in token.chars() {
        let item = match c {
            '*' => G::Star,
            '?' => G::One,
            c => G::Lit(c),
        };
        if !(item == G::Star && items.last() == Some(&G::Star)) {
            items.push(item);
        }
    }
    let lit = |it: &mut dyn Iterator<Item = &G>| -> Vec<char> {
        it.map_while(|g| match g {
            G::Lit(c) => Some(*c),
            _ => None,
        })
        .collect()
    };
    let prefix: String = lit(&mut items.iter()).into_iter().collect();
    let suffix: String = lit(&mut items.iter().rev()).into_iter().rev().collect();
    Tok::Glob {
        items,
        prefix,
        suffix,
    }
}

/// Byte ranges of the whitespace-separated pieces of `s`.
fn pieces(s: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(a)) => {
                out.push(a..i);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(a) = start {
        out.push(a..s.len());
    }
    out
}

fn is_glob(s: &str) -> bool {
    s.contains(['*', '?'])
}

/// Split a pattern into normalised tokens: runs of plain pieces are tokenised as
/// article text is; a piece with `*` or `?` is one glob token.
fn pattern_tokens(pattern: &str, case_sensitive: bool) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut spans = Vec::new();
    let mut plain: Option<Range<usize>> = None;
    let flush = |r: Range<usize>, out: &mut Vec<Tok>, spans: &mut Vec<Span>| {
        spans.clear();
        segment::tokenize(pattern, r, spans);
        out.extend(
            spans
                .iter()
                .map(|t| Tok::Exact(norm(&pattern[t.range()], case_sensitive))),
        );
    };
    for r in pieces(pattern) {
        if is_glob(&pattern[r.clone()]) {
            if let Some(p) = plain.take() {
                flush(p, &mut out, &mut spans);
            }
            out.push(compile_glob(&norm(&pattern[r], case_sensitive)));
        } else {
            plain = Some(plain.map_or(r.clone(), |p| p.start..r.end));
        }
    }
    if let Some(p) = plain {
        flush(p, &mut out, &mut spans);
    }
    out
}

#[derive(Debug)]
struct GlobPattern {
    tokens: Vec<Tok>,
    keys: Vec<u32>,
}

/// A small fast hasher for short strings and packed integers: xxh3 for bytes, a
/// multiply-rotate step for integers, and a final avalanche so that both the low bits
/// (bucket) and the high bits (the table's tag) are well mixed.
#[derive(Default, Clone, Copy)]
struct TokenHasher(u64);

const K: u64 = 0x9E37_79B9_7F4A_7C15;

impl Hasher for TokenHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0 = xxh3_64_with_seed(bytes, self.0);
    }
    fn write_u8(&mut self, b: u8) {
        self.write_u64(b as u64);
    }
    fn write_u32(&mut self, x: u32) {
        self.write_u64(x as u64);
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(K);
    }
    fn finish(&self) -> u64 {
        let mut x = self.0;
        x ^= x >> 33;
        x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
        x ^ (x >> 29)
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<TokenHasher>>;

/// One node of the token trie of exact patterns.
#[derive(Debug, Default)]
struct Node {
    /// Keys of the pattern ending here (ascending); empty if none does.
    keys: Vec<u32>,
    has_children: bool,
}

/// Reusable per-thread buffers for matching.
#[derive(Debug, Default)]
pub struct Scratch {
    /// Token ids (0 for a token in no exact pattern).
    ids: Vec<u32>,
    /// Normalised tokens, each preceded by [`SEP`], with a final [`SEP`]; built only
    /// when there are glob patterns.
    key: String,
    /// `starts[t]`: byte position in `key` of the separator before token `t`;
    /// `starts[n]`: that of the final separator.
    starts: Vec<u32>,
    norm: String,
    keys: Vec<u32>,
}

impl Scratch {
    fn token(&self, t: usize) -> &str {
        &self.key[self.starts[t] as usize + 1..self.starts[t + 1] as usize]
    }
}

/// A compiled dictionary. Cheap to share between threads.
#[derive(Debug)]
pub struct Dictionary {
    keys: Vec<String>,
    case_sensitive: bool,
    n_patterns: usize,
    /// Normalised tokens of exact patterns -> id (from 1; 0 means "in no pattern").
    vocab: FastMap<Box<str>, u32>,
    /// Cheap filters before the vocabulary lookup: the first bytes and the byte
    /// lengths that tokens of exact patterns have.
    first_bytes: [bool; 256],
    max_len: usize,
    /// Trie of exact patterns over token ids; node 0 is the root.
    nodes: Vec<Node>,
    /// Child of the root for each token id (0: none), so most tokens cost one lookup.
    root: Vec<u32>,
    /// Other edges: `(node << 32) | token id` -> child.
    edges: FastMap<u64, u32>,
    globs: Vec<GlobPattern>,
    /// Globs whose first token is exact, by that token; the others are tried everywhere.
    globs_by_first: FastMap<Box<str>, Vec<u32>>,
    globs_any_first: Vec<u32>,
}

impl Dictionary {
    /// Compile `entries` (key, patterns). A key given twice has its patterns merged;
    /// a pattern given twice (after normalisation) under one key counts once.
    /// Empty or whitespace-only keys and patterns are errors naming them.
    pub fn new(entries: Vec<(String, Vec<String>)>, case_sensitive: bool) -> Result<Dictionary> {
        let mut d = Dictionary {
            keys: Vec::new(),
            case_sensitive,
            n_patterns: 0,
            vocab: FastMap::default(),
            first_bytes: [false; 256],
            max_len: 0,
            nodes: vec![Node::default()],
            root: vec![0],
            edges: FastMap::default(),
            globs: Vec::new(),
            globs_by_first: FastMap::default(),
            globs_any_first: Vec::new(),
        };
        let mut key_ids: HashMap<String, u32> = HashMap::new();
        let mut glob_ids: HashMap<Vec<Tok>, usize> = HashMap::new();
        for (key, patterns) in entries {
            if key.trim().is_empty() {
                return Err(Error::input(format!(
                    "dictionary key {key:?} is empty; every key needs a name"
                )));
            }
            let next = d.keys.len() as u32;
            let k = *key_ids.entry(key.clone()).or_insert(next);
            if k == next {
                d.keys.push(key.clone());
            }
            for pattern in patterns {
                let tokens = pattern_tokens(&pattern, case_sensitive);
                if tokens.is_empty() {
                    return Err(Error::input(format!(
                        "pattern {pattern:?} under dictionary key {key:?} is empty or \
                         only whitespace"
                    )));
                }
                let keys_of = if tokens.iter().all(|t| matches!(t, Tok::Exact(_))) {
                    let node = d.insert_exact(&tokens);
                    &mut d.nodes[node].keys
                } else {
                    let id = *glob_ids.entry(tokens.clone()).or_insert_with(|| {
                        d.globs.push(GlobPattern {
                            tokens,
                            keys: Vec::new(),
                        });
                        d.globs.len() - 1
                    });
                    &mut d.globs[id].keys
                };
                if !keys_of.contains(&k) {
                    keys_of.push(k);
                    keys_of.sort_unstable();
                    d.n_patterns += 1;
                }
            }
        }
        for (i, g) in d.globs.iter().enumerate() {
            match &g.tokens[0] {
                Tok::Exact(s) => d
                    .globs_by_first
                    .entry(s.as_str().into())
                    .or_default()
                    .push(i as u32),
                Tok::Glob { .. } => d.globs_any_first.push(i as u32),
            }
        }
        Ok(d)
    }

    /// Add an exact pattern to the trie; returns its final node.
    fn insert_exact(&mut self, tokens: &[Tok]) -> usize {
        let mut node = 0usize;
        for t in tokens {
            let Tok::Exact(s) = t else { continue };
            let next_id = self.vocab.len() as u32 + 1;
            let id = *self.vocab.entry(s.as_str().into()).or_insert(next_id);
            if id == next_id {
                self.root.push(0);
                self.first_bytes[s.as_bytes()[0] as usize] = true;
                self.max_len = self.max_len.max(s.len());
            }
            let existing = if node == 0 {
                self.root[id as usize]
            } else {
                self.edges
                    .get(&((node as u64) << 32 | id as u64))
                    .copied()
                    .unwrap_or(0)
            };
            node = if existing != 0 {
                existing as usize
            } else {
                let child = self.nodes.len() as u32;
                self.nodes.push(Node::default());
                self.nodes[node].has_children = true;
                if node == 0 {
                    self.root[id as usize] = child;
                } else {
                    self.edges.insert((node as u64) << 32 | id as u64, child);
                }
                child as usize
            };
        }
        node
    }

    /// Key names; [`Match::key`] indexes this.
    pub fn keys(&self) -> &[String] {
        &self.keys
    }

    /// Number of distinct (key, pattern) pairs.
    pub fn n_patterns(&self) -> usize {
        self.n_patterns
    }

    pub fn case_sensitive(&self) -> bool {
        self.case_sensitive
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.len() == 1 && self.globs.is_empty()
    }

    /// Matches in one sentence whose tokens are `tokens` (byte spans into `text`);
    /// [`Match`] start and end index `tokens`.
    pub fn find(&self, text: &str, tokens: &[Span]) -> Vec<Match> {
        let mut out = Vec::new();
        self.find_into(text, tokens, &mut Scratch::default(), &mut out);
        out
    }

    /// All matches in an article, sentence by sentence, as (sentence index, match);
    /// here [`Match`] start and end index the article's `tokens` (not the sentence's).
    pub fn match_article(&self, article: &Article) -> Vec<(u32, Match)> {
        let mut out = Vec::new();
        if self.is_empty() {
            return out;
        }
        let mut scratch = Scratch::default();
        let mut buf = Vec::new();
        let spans = article.tokens.spans();
        for (j, s) in article.sentences.iter().enumerate() {
            let first = s.first_token as usize;
            let toks = &spans[first..first + s.n_tokens as usize];
            buf.clear();
            self.find_into(&article.text, toks, &mut scratch, &mut buf);
            out.extend(buf.iter().map(|m| {
                (
                    j as u32,
                    Match {
                        start: m.start + first,
                        end: m.end + first,
                        key: m.key,
                    },
                )
            }));
        }
        out
    }

    /// [`Dictionary::find`] appending to `out`, reusing `scratch`.
    pub fn find_into(
        &self,
        text: &str,
        tokens: &[Span],
        scratch: &mut Scratch,
        out: &mut Vec<Match>,
    ) {
        let n = tokens.len();
        if n == 0 || self.is_empty() {
            return;
        }
        let has_globs = !self.globs.is_empty();
        if has_globs {
            self.build_key(text, tokens, scratch);
        }
        self.token_ids(text, tokens, scratch);
        let mut p = 0;
        while p < n {
            // Longest exact pattern starting at p: walk the trie.
            let mut exact: Option<(usize, usize)> = None; // (end, node)
            let mut node = self.root[scratch.ids[p] as usize] as usize;
            let mut q = p + 1;
            while node != 0 {
                let nd = &self.nodes[node];
                if !nd.keys.is_empty() {
                    exact = Some((q, node));
                }
                if !nd.has_children || q == n || scratch.ids[q] == 0 {
                    break;
                }
                let edge = (node as u64) << 32 | scratch.ids[q] as u64;
                node = self.edges.get(&edge).map_or(0, |&c| c as usize);
                q += 1;
            }
            let glob = if has_globs {
                self.globs_at(scratch, p, n)
            } else {
                0
            };
            let elen = exact.map_or(0, |(e, _)| e - p);
            if glob == 0 && elen == 0 {
                p += 1;
                continue;
            }
            // Glob keys are in scratch.keys.
            let keys: &[u32] = match exact {
                Some((_, node)) if elen > glob => &self.nodes[node].keys,
                Some((_, node)) if elen == glob => {
                    scratch.keys.extend_from_slice(&self.nodes[node].keys);
                    scratch.keys.sort_unstable();
                    scratch.keys.dedup();
                    &scratch.keys
                }
                _ => &scratch.keys,
            };
            let end = p + elen.max(glob);
            out.extend(keys.iter().map(|&key| Match { start: p, end, key }));
            p = end;
        }
    }

    /// Token ids of the sentence into `s.ids` (0 for tokens in no exact pattern).
    fn token_ids(&self, text: &str, tokens: &[Span], s: &mut Scratch) {
        s.ids.clear();
        if self.nodes.len() == 1 {
            s.ids.resize(tokens.len(), 0);
            return;
        }
        for (t, span) in tokens.iter().enumerate() {
            let raw = &text[span.range()];
            let id = if !self.globs.is_empty() {
                // Normalised already, for the globs.
                self.lookup(s.token(t))
            } else if raw.bytes().all(|b| b.is_ascii() && b != SEP as u8)
                && (self.case_sensitive || !raw.bytes().any(|b| b.is_ascii_uppercase()))
            {
                self.lookup(raw)
            } else {
                s.norm.clear();
                push_norm(&mut s.norm, raw, self.case_sensitive);
                self.lookup(&s.norm)
            };
            s.ids.push(id);
        }
    }

    /// Id of a normalised token, 0 if no exact pattern has it.
    #[inline]
    fn lookup(&self, token: &str) -> u32 {
        match token.as_bytes().first() {
            Some(&b) if self.first_bytes[b as usize] && token.len() <= self.max_len => {
                self.vocab.get(token).copied().unwrap_or(0)
            }
            _ => 0,
        }
    }

    fn build_key(&self, text: &str, tokens: &[Span], s: &mut Scratch) {
        s.key.clear();
        s.starts.clear();
        for t in tokens {
            s.starts.push(s.key.len() as u32);
            s.key.push(SEP);
            push_norm(&mut s.key, &text[t.range()], self.case_sensitive);
        }
        s.starts.push(s.key.len() as u32);
        s.key.push(SEP);
    }

    /// Length of the longest glob pattern matching at token `p` (0 if none); its keys
    /// (of every glob of that length) are left in `s.keys`.
    fn globs_at(&self, s: &mut Scratch, p: usize, n: usize) -> usize {
        let mut best = 0;
        s.keys.clear();
        let first = s.token(p);
        let by_first = self.globs_by_first.get(first).map_or(&[][..], |v| v);
        for &g in by_first.iter().chain(&self.globs_any_first) {
            let g = &self.globs[g as usize];
            let len = g.tokens.len();
            if len < best || p + len > n {
                continue;
            }
            let hit = g
                .tokens
                .iter()
                .enumerate()
                .all(|(k, t)| t.matches(s.token(p + k)));
            if hit {
                if len > best {
                    best = len;
                    s.keys.clear();
                }
                s.keys.extend_from_slice(&g.keys);
            }
        }
        if best > 0 {
            s.keys.sort_unstable();
            s.keys.dedup();
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dict(entries: &[(&str, &[&str])], case_sensitive: bool) -> Dictionary {
        let entries = entries
            .iter()
            .map(|(k, ps)| (k.to_string(), ps.iter().map(|p| p.to_string()).collect()))
            .collect();
        Dictionary::new(entries, case_sensitive).expect("valid dictionary")
    }

    fn tokens(text: &str) -> Vec<Span> {
        let mut v = Vec::new();
        segment::tokenize(text, 0..text.len(), &mut v);
        v
    }

    /// Matches in `text` as (matched text, key name).
    fn found(d: &Dictionary, text: &str) -> Vec<(String, String)> {
        let toks = tokens(text);
        d.find(text, &toks)
            .into_iter()
            .map(|m| {
                let (a, b) = (toks[m.start].start as usize, toks[m.end - 1].end as usize);
                (text[a..b].to_string(), d.keys()[m.key as usize].clone())
            })
            .collect()
    }

    type Case<'a> = (
        &'a str,
        &'a [(&'a str, &'a [&'a str])],
        bool,
        &'a str,
        &'a [(&'a str, &'a str)],
    );

    #[test]
    fn table() {
        let cases: &[Case] = &[
            (
                "exact single",
                &[("a", &["Kyiv"])],
                false,
                "to Kyiv today",
                &[("Kyiv", "a")],
            ),
            (
                "whole tokens only",
                &[("a", &["Kyiv"])],
                false,
                "Kyivan Kyivs xKyiv",
                &[],
            ),
            (
                "multi-token",
                &[("p", &["Vladimir Putin"])],
                false,
                "said Vladimir Putin and Putin",
                &[("Vladimir Putin", "p")],
            ),
            (
                "overlapping: longest wins, then continue after it",
                &[
                    ("ny", &["New York"]),
                    ("nyt", &["New York Times"]),
                    ("y", &["York"]),
                ],
                false,
                "New York Times in New York near York",
                &[("New York Times", "nyt"), ("New York", "ny"), ("York", "y")],
            ),
            (
                "leftmost beats longer later match",
                &[("ab", &["a b"]), ("bcd", &["b c d"])],
                false,
                "a b c d",
                &[("a b", "ab")],
            ),
            (
                "partial multi-token does not match",
                &[("nyt", &["New York Times"])],
                false,
                "New York Post",
                &[],
            ),
            (
                "restart after failed long candidate",
                &[("x", &["a a b"])],
                false,
                "a a a b",
                &[("a a b", "x")],
            ),
            (
                "glob suffix",
                &[("u", &["Zelensk*"])],
                false,
                "Zelensky Zelenskyy Zelensk Zelenska",
                &[
                    ("Zelensky", "u"),
                    ("Zelenskyy", "u"),
                    ("Zelensk", "u"),
                    ("Zelenska", "u"),
                ],
            ),
            (
                "glob prefix",
                &[("g", &["*stan"])],
                false,
                "Kazakhstan Stan stand",
                &[("Kazakhstan", "g"), ("Stan", "g")],
            ),
            (
                "glob infix",
                &[("g", &["m*ller"])],
                false,
                "Müller Miller Mler mller",
                &[("Müller", "g"), ("Miller", "g"), ("mller", "g")],
            ),
            (
                "glob ?",
                &[("g", &["?an"])],
                false,
                "Ian Jan an Juan Đan",
                &[("Ian", "g"), ("Jan", "g"), ("Đan", "g")],
            ),
            (
                "glob star alone",
                &[("g", &["the *"])],
                false,
                "the cat the",
                &[("the cat", "g")],
            ),
            (
                "multi-token with globs",
                &[("g", &["Zelensk* administration"]), ("u", &["united *"])],
                false,
                "the Zelenskyy administration of the United Nations",
                &[("Zelenskyy administration", "g"), ("United Nations", "u")],
            ),
            (
                "glob and exact merge leftmost-longest",
                &[
                    ("e", &["United States"]),
                    ("g", &["united * of america"]),
                    ("n", &["Nations"]),
                ],
                false,
                "United States of America and United Nations",
                &[("United States of America", "g"), ("Nations", "n")],
            ),
            (
                "exact and glob on the same span: both keys",
                &[("e", &["Kyiv"]), ("g", &["Ky*"])],
                false,
                "Kyiv Kyivan",
                &[("Kyiv", "e"), ("Kyiv", "g"), ("Kyivan", "g")],
            ),
            (
                "glob earlier than exact",
                &[("e", &["b c"]), ("g", &["?"])],
                false,
                "xx a b c",
                &[("a", "g"), ("b c", "e")],
            ),
            (
                "case-insensitive",
                &[("a", &["putin"])],
                false,
                "PUTIN Putin putin",
                &[("PUTIN", "a"), ("Putin", "a"), ("putin", "a")],
            ),
            (
                "case-sensitive",
                &[("a", &["Putin"])],
                true,
                "PUTIN Putin putin",
                &[("Putin", "a")],
            ),
            (
                "case-sensitive glob",
                &[("a", &["Pu*"])],
                true,
                "PUTIN Putin putin",
                &[("Putin", "a")],
            ),
            (
                "case-insensitive glob",
                &[("a", &["PU*"])],
                false,
                "PUTIN Putin putin",
                &[("PUTIN", "a"), ("Putin", "a"), ("putin", "a")],
            ),
            (
                "non-ASCII",
                &[
                    ("z", &["Zelenskyy"]),
                    ("d", &["Đoković"]),
                    ("m", &["Müller"]),
                    ("r", &["Путин"]),
                ],
                false,
                "Zelenskyy and ĐOKOVIĆ and MÜLLER met путин and Путин left",
                &[
                    ("Zelenskyy", "z"),
                    ("ĐOKOVIĆ", "d"),
                    ("MÜLLER", "m"),
                    ("путин", "r"),
                    ("Путин", "r"),
                ],
            ),
            (
                "non-ASCII case-sensitive",
                &[("r", &["Путин"])],
                true,
                "путин Путин",
                &[("Путин", "r")],
            ),
            (
                "greek final sigma",
                &[("g", &["ΟΔΟΣ"])],
                false,
                "οδος οδός ΟΔΟΣ",
                &[("οδος", "g"), ("ΟΔΟΣ", "g")],
            ),
            (
                "a pattern under two keys: one match per key",
                &[
                    ("russia", &["Kremlin"]),
                    ("gov", &["Kremlin", "White House"]),
                ],
                false,
                "the Kremlin said",
                &[("Kremlin", "russia"), ("Kremlin", "gov")],
            ),
            (
                "duplicate key merges",
                &[("a", &["x"]), ("a", &["y", "x"])],
                false,
                "x y",
                &[("x", "a"), ("y", "a")],
            ),
            ("empty dictionary", &[], false, "anything at all", &[]),
            (
                "key with no patterns",
                &[("a", &[])],
                false,
                "anything",
                &[],
            ),
            (
                "pattern whitespace is collapsed",
                &[("a", &["  New \t York "])],
                false,
                "New York",
                &[("New York", "a")],
            ),
        ];
        for (name, entries, cs, text, want) in cases {
            let d = dict(entries, *cs);
            let got = found(&d, text);
            let want: Vec<(String, String)> = want
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect();
            assert_eq!(got, want, "case {name:?}");
        }
    }

    #[test]
    fn possessives_follow_the_tokenizer() {
        // "Lavrov's" matches "Lavrov" exactly when the tokenizer splits off "'s".
        let d = dict(&[("r", &["Lavrov", "Xi Jinping's"])], false);
        let text = "Lavrov's aide and Xi Jinping's envoy";
        let got = found(&d, text);
        let split = tokens("Lavrov's").len() > 1;
        let lavrov = got.iter().any(|(t, _)| t == "Lavrov");
        assert_eq!(lavrov, split, "{got:?}");
        // A pattern is tokenised like text, so the possessive pattern always matches.
        assert!(got.iter().any(|(t, _)| t == "Xi Jinping's"), "{got:?}");
    }

    #[test]
    fn separator_inside_a_token() {
        let d = dict(&[("a", &["a\u{1F}b"])], false);
        let got = found(&d, "a\u{1F}b x");
        assert_eq!(got.first().map(|g| g.0.as_str()), Some("a\u{1F}b"));
    }

    #[test]
    fn match_spans_are_token_indexes() {
        let d = dict(&[("ny", &["New York"])], false);
        let text = "in New York now";
        let m = d.find(text, &tokens(text));
        assert_eq!(
            m,
            vec![Match {
                start: 1,
                end: 3,
                key: 0
            }]
        );
    }

    #[test]
    fn bad_patterns_are_errors_naming_key_and_pattern() {
        for (key, pattern) in [("russia", ""), ("russia", "   "), ("russia", "\n\t")] {
            let e = Dictionary::new(vec![(key.into(), vec!["ok".into(), pattern.into()])], false)
                .expect_err("empty pattern");
            assert_eq!(e.kind, super::super::error::ErrorKind::Input);
            assert!(e.message.contains("russia"), "{}", e.message);
            assert!(e.message.contains(&format!("{pattern:?}")), "{}", e.message);
        }
        for key in ["", "  "] {
            let e = Dictionary::new(vec![(key.into(), vec!["ok".into()])], false)
                .expect_err("empty key");
            assert!(e.message.contains("key"), "{}", e.message);
        }
    }

    #[test]
    fn counts_and_keys() {
        let d = dict(&[("b", &["x", "y", "x", "X"]), ("a", &["x", "z*"])], false);
        assert_eq!(d.keys(), &["b".to_string(), "a".to_string()]);
        assert_eq!(d.n_patterns(), 4); // "X" == "x" case-insensitively
        assert!(!d.is_empty());
        assert!(dict(&[], false).is_empty());
    }

    #[test]
    fn glob_matcher() {
        let g = |p: &str, t: &str| compile_glob(p).matches(t);
        assert!(g("*", ""));
        assert!(g("a*b*c", "abbbc"));
        assert!(g("a*b*c", "axbyc"));
        assert!(!g("a*b*c", "axbyd"));
        assert!(g("**a", "bba"));
        assert!(g("?*?", "ab"));
        assert!(!g("?*?", "a"));
        assert!(g("é?", "éü"));
        assert!(g("*ab", "aab"));
    }

    #[test]
    fn match_article_uses_article_token_indexes() {
        let a = super::super::parse_article("Putin met Xi Jinping today.\n\nLater Putin left.")
            .expect("parses");
        let d = dict(&[("r", &["Putin"]), ("c", &["Xi Jinping"])], false);
        let spans = a.tokens.spans();
        let got: Vec<(u32, String)> = d
            .match_article(&a)
            .into_iter()
            .map(|(s, m)| {
                let r = spans[m.start].start as usize..spans[m.end - 1].end as usize;
                (s, a.text[r].to_string())
            })
            .collect();
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[0], (0, "Putin".to_string()));
        assert!(got[1].1.starts_with("Xi Jinping"));
        assert_eq!(got[2].1, "Putin");
        assert!(got[2].0 >= 1);
    }
}

/// Throughput on Reuters-21578 (skipped unless the shared data is there):
/// `cargo test --release --lib core::dictionary::bench -- --ignored --nocapture`.
#[cfg(test)]
mod bench {
    use super::*;
    use std::collections::HashMap;
    use std::time::Instant;

    #[test]
    #[ignore]
    fn reuters_throughput() {
        let path = std::path::Path::new(
            &std::env::var("NEWSGRAPH_SHARED").unwrap_or_else(|_| "../shared".into()),
        )
        .join("data/news/reuters21578.jsonl.gz");
        if !path.exists() {
            eprintln!("skipped: no {}", path.display());
            return;
        }
        let jsonl = super::super::io::read_jsonl(&path, "text", None, false).expect("reads");
        let texts: Vec<Option<String>> = jsonl
            .records
            .into_iter()
            .map(|r| match r.text {
                super::super::io::TextField::Text(s) => Some(s),
                super::super::io::TextField::Missing => None,
            })
            .collect();
        let docs = super::super::corpus::parse_all(&texts).expect("parses");
        let bytes: usize = docs.iter().map(|a| a.text.len()).sum();
        // The 6,000 commonest capitalised words and 4,000 commonest capitalised bigrams.
        let (mut uni, mut bi) = (
            HashMap::<&str, usize>::new(),
            HashMap::<String, usize>::new(),
        );
        let cap = |t: &str| {
            t.chars().next().is_some_and(char::is_uppercase) && t.chars().all(char::is_alphabetic)
        };
        for a in &docs {
            let spans = a.tokens.spans();
            for s in &a.sentences {
                let toks = &spans[s.first_token as usize..(s.first_token + s.n_tokens) as usize];
                for (j, t) in toks.iter().enumerate() {
                    let w = &a.text[t.range()];
                    if cap(w) {
                        *uni.entry(w).or_default() += 1;
                        if let Some(n) = toks.get(j + 1) {
                            let v = &a.text[n.range()];
                            if cap(v) {
                                *bi.entry(format!("{w} {v}")).or_default() += 1;
                            }
                        }
                    }
                }
            }
        }
        let top = |m: Vec<(String, usize)>, k: usize| -> Vec<String> {
            let mut m = m;
            m.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            m.into_iter().take(k).map(|x| x.0).collect()
        };
        let mut pats = top(
            uni.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            6000,
        );
        pats.extend(top(bi.into_iter().collect(), 4000));
        let mut entries: Vec<(String, Vec<String>)> =
            (0..1000).map(|i| (format!("k{i}"), Vec::new())).collect();
        for (i, p) in pats.into_iter().enumerate() {
            entries[i % 1000].1.push(p);
        }
        {
            // Floor: hash every token once.
            let mut best = f64::MAX;
            let mut x = 0u64;
            let mut ntok = 0;
            for _ in 0..3 {
                let t = Instant::now();
                ntok = 0;
                for a in &docs {
                    for tok in a.tokens.iter() {
                        x ^= xxh3_64_with_seed(a.text[tok.range()].as_bytes(), 0);
                        ntok += 1;
                    }
                }
                best = best.min(t.elapsed().as_secs_f64());
            }
            eprintln!(
                "floor: hashing {ntok} tokens ({x:x}) takes {best:.3}s = {:.0} MB/s",
                bytes as f64 / 1e6 / best
            );
        }
        for globs in [false, true] {
            let mut entries = entries.clone();
            if globs {
                entries[0]
                    .1
                    .extend(["Zelensk*".into(), "united *".into(), "*stan".into()]);
            }
            for cs in [false, true] {
                let t = Instant::now();
                let d = Dictionary::new(entries.clone(), cs).expect("compiles");
                let compile = t.elapsed().as_secs_f64();
                let mut best = f64::MAX;
                let mut n = 0;
                for _ in 0..3 {
                    let t = Instant::now();
                    let (mut scratch, mut out) = (Scratch::default(), Vec::new());
                    n = 0;
                    for a in &docs {
                        let spans = a.tokens.spans();
                        for s in &a.sentences {
                            let f = s.first_token as usize;
                            out.clear();
                            d.find_into(
                                &a.text,
                                &spans[f..f + s.n_tokens as usize],
                                &mut scratch,
                                &mut out,
                            );
                            n += out.len();
                        }
                    }
                    best = best.min(t.elapsed().as_secs_f64());
                }
                eprintln!(
                    "globs={globs} case_sensitive={cs}: {} patterns, compile {compile:.3}s, \
                     {n} matches, {:.1} MB in {best:.3}s = {:.0} MB/s",
                    d.n_patterns(),
                    bytes as f64 / 1e6,
                    bytes as f64 / 1e6 / best
                );
            }
        }
    }
}
