//! Entity resolution: mentions -> canonical entities.
//!
//! Three steps, each conservative, because a wrong merge silently corrupts every count
//! downstream while a missed merge shows up as two rows a researcher can merge by hand:
//!
//! 1. **Normalise** each mention: strip titles and roles before a person's name
//!    ("Russian Foreign Minister Sergei Lavrov" -> "Sergei Lavrov"), possessives
//!    ("Lavrov's"), leading articles ("The Wall Street Journal"), quote and dash
//!    variants and extra whitespace. The matching key is also lowercased and stripped
//!    of diacritics and of the dots in abbreviations ("U.S." = "US").
//! 2. **Within a document**, a one-word mention links to a longer mention of the same
//!    label that contains it as a whole word ("Lavrov" -> "Sergei Lavrov", "Xi" ->
//!    "Xi Jinping"), preferring the nearest one before it; an acronym links to a
//!    longer mention of the same label with those initials ("WSJ" -> "Wall Street
//!    Journal", "EU" -> "European Union").
//! 3. **Across documents**, equal keys merge; so do spelling variants: keys equal after
//!    folding transliteration endings ("Zelenskiy", "Zelenskyy" -> "zelensky"), or
//!    equal but for one word of at least six letters with the same first letter and
//!    an edit distance of one (two for words of ten letters or more) while another
//!    word agrees ("Volodymyr Zelenskiy" = "Volodymyr Zelenskyy"; one-word names merge
//!    only by the transliteration rule). A one-word person left over ("Lavrov" in an
//!    article that never gives the full name) joins the one multi-word person whose
//!    last word it is, if there is exactly one.
//!
//! Merges never cross labels, except where the user asks (aliases, demonyms, merge).
//! Known failure modes: two people sharing a rare surname in one corpus stay apart
//! only if both appear with full names (a bare surname then stays on its own); short
//! names (under six letters) are never merged by spelling, so "Kiev"/"Kyiv" need an
//! alias; a tagger error that labels a name differently in two places yields two
//! entities.

use foldhash::HashMap;

use rayon::prelude::*;
use unicode_normalization::UnicodeNormalization;

/// One mention to resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentionIn {
    pub doc: u32,
    pub text: String,
    pub label: String,
}

/// What the user can say about resolution.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Surface form (case-insensitive) -> canonical name: ("Kremlin", "Russia").
    pub aliases: Vec<(String, String)>,
    /// Groups of names that are one entity.
    pub merge: Vec<Vec<String>>,
    /// Names the automatic rules must never merge with anything.
    pub split: Vec<String>,
    /// Demonym -> country, applied to MISC mentions ("Chinese" -> "China", as LOC).
    pub demonyms: Vec<(String, String)>,
    /// Merge spelling variants across documents (on by default).
    pub fuzzy: bool,
}

/// A canonical entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub name: String,
    pub label: String,
    /// Distinct normalised surface forms, most frequent first.
    pub aliases: Vec<String>,
    pub mentions: u32,
    pub documents: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resolution {
    /// Entity index of each input mention.
    pub entity_of: Vec<u32>,
    /// Entities ordered by label, then name: stable for the same corpus and options.
    pub entities: Vec<Entity>,
}

/// Words that open a title or role before a person's name, as lowercase token
/// sequences. Longest first matters only for readability: matching tries them all.
const TITLES: &[&str] = &[
    "president",
    "vice president",
    "president-elect",
    "prime minister",
    "deputy prime minister",
    "foreign minister",
    "defence minister",
    "defense minister",
    "finance minister",
    "interior minister",
    "minister",
    "secretary of state",
    "secretary",
    "secretary-general",
    "secretary general",
    "chancellor",
    "premier",
    "king",
    "queen",
    "prince",
    "princess",
    "crown prince",
    "pope",
    "sheikh",
    "emir",
    "sultan",
    "general",
    "gen",
    "lt",
    "col",
    "maj",
    "adm",
    "admiral",
    "sen",
    "senator",
    "rep",
    "representative",
    "gov",
    "governor",
    "mayor",
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "professor",
    "sir",
    "dame",
    "lord",
    "lady",
    "judge",
    "justice",
    "chief justice",
    "speaker",
    "house speaker",
    "ambassador",
    "envoy",
    "special envoy",
    "special representative",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "chairman",
    "chairwoman",
    "chair",
    "ceo",
    "chief executive",
    "director",
    "leader",
    "supreme leader",
    "commander",
    "chief",
    "state councilor",
    "state councillor",
    "former",
    "acting",
    "deputy",
    "interim",
    "ayatollah",
    "cardinal",
    "archbishop",
    "bishop",
    "rabbi",
    "imam",
    "coach",
    "captain",
    "capt",
    "sgt",
    "sergeant",
    "detective",
    "officer",
    "attorney general",
    "foreign secretary",
    "home secretary",
    "defense secretary",
    "defence secretary",
    "treasury secretary",
    "press secretary",
    "national security adviser",
    "adviser",
    "advisor",
];

fn title_seqs() -> &'static Vec<Vec<&'static str>> {
    static T: std::sync::OnceLock<Vec<Vec<&'static str>>> = std::sync::OnceLock::new();
    T.get_or_init(|| TITLES.iter().map(|t| t.split(' ').collect()).collect())
}

/// Lowercase, without diacritics, dots, quote or dash variants: the matching form of
/// one word.
pub fn fold(word: &str) -> String {
    word.nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .filter_map(|c| match c {
            '.' | '\u{2019}' | '\u{2018}' | '\'' | '"' | '\u{201C}' | '\u{201D}' => None,
            '\u{2010}'..='\u{2015}' | '\u{2212}' => Some('-'),
            'đ' | 'Đ' => Some('d'),
            'ł' | 'Ł' => Some('l'),
            'ø' | 'Ø' => Some('o'),
            c => Some(c),
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// A mention cleaned for display (original case) and its word keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalised {
    pub display: String,
    pub key: Vec<String>,
}

/// Strip titles (persons only), possessives, leading articles, quotes and odd spacing.
pub fn normalise(text: &str, label: &str) -> Normalised {
    let mut words: Vec<String> = text
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| {
                matches!(
                    c,
                    '"' | '\u{201C}' | '\u{201D}' | '\u{2018}' | '(' | ')' | ','
                )
            })
            .replace(
                ['\u{2010}', '\u{2011}', '\u{2012}', '\u{2013}', '\u{2014}'],
                "-",
            )
        })
        .filter(|w| !w.is_empty())
        .collect();
    // Possessive on the last word, attached or split off by the tokenizer.
    if let Some(last) = words.last() {
        let l = last.as_str();
        if matches!(l, "'s" | "\u{2019}s" | "'" | "\u{2019}") && words.len() > 1 {
            words.pop();
        } else if let Some(stem) = l
            .strip_suffix("'s")
            .or_else(|| l.strip_suffix("\u{2019}s"))
            .filter(|s| !s.is_empty())
        {
            let stem = stem.to_string();
            words.pop();
            words.push(stem);
        }
        if let Some(last) = words.last_mut() {
            let t = last.trim_end_matches(['\'', '\u{2019}']).to_string();
            if !t.is_empty() {
                *last = t;
            }
        }
    }
    let mut keys: Vec<String> = words.iter().map(|w| fold(w)).collect();
    let mut start = 0;
    if words.len() > 1 && matches!(keys[0].as_str(), "the" | "a" | "an") {
        start = 1;
    }
    if label == "PER" {
        // Drop everything up to the last title phrase that starts within the first four
        // words and leaves a name ("Russian Foreign Minister Sergei Lavrov").
        let mut cut = start;
        for i in start..keys.len().min(start + 4) {
            for t in title_seqs() {
                let end = i + t.len();
                if end < keys.len() && keys[i..end].iter().zip(t).all(|(k, w)| k == w) {
                    cut = cut.max(end);
                }
            }
        }
        start = cut;
    }
    if start >= words.len() {
        start = 0;
    }
    let display = words[start..].join(" ");
    keys.drain(..start);
    keys.retain(|k| !k.is_empty());
    if keys.is_empty() {
        keys.push(fold(text.trim()));
    }
    Normalised {
        display: if display.is_empty() {
            text.trim().to_string()
        } else {
            display
        },
        key: keys,
    }
}

/// Transliteration-tolerant form of a key word: "zelenskiy", "zelenskyy" and
/// "zelenskii" all become "zelensky".
fn variant(word: &str) -> String {
    for end in ["iy", "yy", "ij", "ii", "yi"] {
        if let Some(stem) = word.strip_suffix(end) {
            if stem.chars().count() >= 3 {
                return format!("{stem}y");
            }
        }
    }
    word.to_string()
}

/// Whether two keys of the same length name the same thing spelled differently.
fn spelling_variants(a: &[String], b: &[String]) -> bool {
    if a.len() != b.len() || a == b {
        return a == b;
    }
    let av: Vec<String> = a.iter().map(|w| variant(w)).collect();
    let bv: Vec<String> = b.iter().map(|w| variant(w)).collect();
    if av == bv {
        return true;
    }
    let diff: Vec<usize> = (0..a.len()).filter(|&i| av[i] != bv[i]).collect();
    // Edit distance only with another word agreeing: one-word names a letter apart
    // ("Barber", "Barter", "Baxter") are as often different people as typos, and
    // chains of such merges would swallow them all.
    if diff.len() != 1 || a.len() < 2 {
        return false;
    }
    let (x, y) = (&av[diff[0]], &bv[diff[0]]);
    let (lx, ly) = (x.chars().count(), y.chars().count());
    if lx.min(ly) < 6 || x.chars().next() != y.chars().next() {
        return false;
    }
    if x.chars().chain(y.chars()).any(|c| c.is_numeric()) {
        return false;
    }
    let limit = if lx.min(ly) >= 10 { 2 } else { 1 };
    strsim::osa_distance(x, y) <= limit
}

/// Initials of the capitalised words of a display form, skipping function words.
fn initials(display: &str) -> String {
    display
        .split([' ', '-'])
        .filter(|w| {
            !matches!(
                w.to_lowercase().as_str(),
                "of" | "the" | "and" | "for" | "&" | "on"
            )
        })
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_uppercase())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Initials of a key's words, skipping function words.
fn key_initials(key: &[String]) -> String {
    key.iter()
        .filter(|w| !matches!(w.as_str(), "of" | "the" | "and" | "for" | "&" | "on"))
        .filter_map(|w| w.chars().next())
        .collect()
}

fn is_acronym(display: &str) -> Option<String> {
    let letters: String = display.chars().filter(|c| *c != '.').collect();
    let n = letters.chars().count();
    ((2..=6).contains(&n) && letters.chars().all(|c| c.is_uppercase()))
        .then(|| letters.to_lowercase())
}

struct Dsu {
    parent: Vec<u32>,
}

impl Dsu {
    fn new(n: usize) -> Self {
        Dsu {
            parent: (0..n as u32).collect(),
        }
    }
    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = p;
        }
        x
    }
    /// Union keeping the smaller root, so results do not depend on merge order.
    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi as usize] = lo;
        }
    }
}

/// Resolve mentions (grouped by document, in reading order) to entities.
pub fn resolve(mentions: &[MentionIn], opts: &Options) -> Resolution {
    let alias: HashMap<String, String> = opts
        .aliases
        .iter()
        .map(|(k, v)| (fold_phrase(k), v.clone()))
        .collect();
    let demonym: HashMap<String, String> = opts
        .demonyms
        .iter()
        .map(|(k, v)| (fold_phrase(k), v.clone()))
        .collect();
    // Step 1: normalise, then apply what the user said.
    // Surface forms repeat a lot: normalise each distinct (text, label) once.
    let mut form_of: HashMap<(&str, &str), usize> = HashMap::default();
    let mut forms: Vec<(&str, &str)> = Vec::new();
    let form_idx: Vec<usize> = mentions
        .iter()
        .map(|m| {
            *form_of
                .entry((m.text.as_str(), m.label.as_str()))
                .or_insert_with(|| {
                    forms.push((m.text.as_str(), m.label.as_str()));
                    forms.len() - 1
                })
        })
        .collect();
    let normed: Vec<((Normalised, String), bool)> = forms
        .par_iter()
        .map(|&(text, label)| {
            let mut label = label.to_string();
            let mut n = normalise(text, &label);
            let k = n.key.join(" ");
            let aliased = alias.get(&k);
            let target = aliased.or_else(|| {
                (label == "MISC")
                    .then(|| demonym.get(&k))
                    .flatten()
                    .inspect(|_| {
                        label = "LOC".to_string();
                    })
            });
            if let Some(t) = target {
                n = Normalised {
                    display: t.clone(),
                    key: t.split_whitespace().map(fold).collect(),
                };
            }
            ((n, label), aliased.is_some())
        })
        .collect();
    let norm: Vec<&(Normalised, String)> = form_idx.iter().map(|&i| &normed[i].0).collect();
    let told: Vec<bool> = form_idx.iter().map(|&i| normed[i].1).collect();
    // Step 2: within each document, link short forms to the full form they stand for.
    let mut doc_ranges = Vec::new();
    let mut s = 0;
    for i in 1..=mentions.len() {
        if i == mentions.len() || mentions[i].doc != mentions[s].doc {
            doc_ranges.push(s..i);
            s = i;
        }
    }
    let split: std::collections::HashSet<String> =
        opts.split.iter().map(|x| fold_phrase(x)).collect();
    let joined: Vec<String> = normed.iter().map(|((n, _), _)| n.key.join(" ")).collect();
    // For each mention, the mention (index within the corpus) whose form it resolves to
    // within its document: itself unless linked to a fuller form.
    let linked: Vec<usize> = doc_ranges
        .par_iter()
        .flat_map_iter(|r| {
            let keys: Vec<&str> = form_idx[r.clone()]
                .iter()
                .map(|&f| joined[f].as_str())
                .collect();
            link_in_document(&norm[r.clone()], &told[r.clone()], &keys, &split)
                .into_iter()
                .map(move |j| r.start + j)
        })
        .collect();
    // Step 3: one node per (label, key), built from the distinct forms; merge across
    // documents.
    let mut node_of: HashMap<(&str, &str), u32> = HashMap::default();
    let mut nodes: Vec<(String, Vec<String>)> = Vec::new();
    let form_node: Vec<u32> = normed
        .iter()
        .zip(&joined)
        .map(|(((n, label), _), key)| {
            *node_of
                .entry((label.as_str(), key.as_str()))
                .or_insert_with(|| {
                    nodes.push((label.clone(), n.key.clone()));
                    (nodes.len() - 1) as u32
                })
        })
        .collect();
    let mut acronym_nodes = vec![false; nodes.len()];
    let mut mention_node = Vec::with_capacity(mentions.len());
    for (i, &target) in linked.iter().enumerate() {
        let id = form_node[form_idx[target]];
        if target == i && is_acronym(&norm[i].0.display).is_some() {
            acronym_nodes[id as usize] = true;
        }
        mention_node.push(id);
    }
    let mut dsu = Dsu::new(nodes.len());
    let protected = |k: &[String]| split.contains(&k.join(" "));
    if opts.fuzzy {
        // Blocking instead of comparing all pairs: equal transliteration-tolerant keys
        // merge outright; for the edit-distance rule, two keys can only match if they
        // agree on every word but one, so bucket each key once per word left out.
        let variants: Vec<Vec<String>> = nodes
            .iter()
            .map(|(_, k)| k.iter().map(|w| variant(w)).collect())
            .collect();
        let mut same: HashMap<(&str, &[String]), Vec<u32>> = HashMap::default();
        let mut but_one: HashMap<(&str, usize, Vec<&str>), Vec<u32>> = HashMap::default();
        for (i, ((label, key), v)) in nodes.iter().zip(&variants).enumerate() {
            if protected(key) {
                continue;
            }
            same.entry((label.as_str(), v.as_slice()))
                .or_default()
                .push(i as u32);
            if v.len() >= 2 {
                for left_out in 0..v.len() {
                    let rest: Vec<&str> = v
                        .iter()
                        .enumerate()
                        .filter(|&(k, _)| k != left_out)
                        .map(|(_, w)| w.as_str())
                        .collect();
                    but_one
                        .entry((label.as_str(), left_out, rest))
                        .or_default()
                        .push(i as u32);
                }
            }
        }
        for ids in same.values() {
            for w in ids.windows(2) {
                dsu.union(w[0], w[1]);
            }
        }
        for ((_, _, _), ids) in but_one.iter() {
            if ids.len() > 1000 {
                continue; // a pathological bucket: skip rather than go quadratic
            }
            for (x, &a) in ids.iter().enumerate() {
                for &b in &ids[x + 1..] {
                    let (ka, kb) = (&nodes[a as usize].1, &nodes[b as usize].1);
                    if spelling_variants(ka, kb) {
                        dsu.union(a, b);
                    }
                }
            }
        }
    }
    // A lone surname joins the only multi-word person with that last word. (Across
    // documents only the last word: a lone "Paul" is not "Paul Volcker".)
    let mut by_part: HashMap<&str, Vec<u32>> = HashMap::default();
    for (i, (label, key)) in nodes.iter().enumerate() {
        if label == "PER" && key.len() > 1 {
            by_part
                .entry(key[key.len() - 1].as_str())
                .or_default()
                .push(i as u32);
        }
    }
    for (i, (label, key)) in nodes.iter().enumerate() {
        if label != "PER" || key.len() != 1 || protected(key) {
            continue;
        }
        if let Some(c) = by_part.get(key[0].as_str()) {
            let mut roots: Vec<u32> = c.iter().map(|&x| dsu.find(x)).collect();
            roots.sort_unstable();
            roots.dedup();
            if roots.len() == 1 {
                dsu.union(i as u32, roots[0]);
            }
        }
    }
    // A lone acronym joins the only multi-word name of its label with those initials
    // ("US" in one article, "United States" in another).
    let mut by_initials: HashMap<(&str, String), Vec<u32>> = HashMap::default();
    for (i, (label, key)) in nodes.iter().enumerate() {
        if label != "PER" && key.len() > 1 {
            by_initials
                .entry((label.as_str(), key_initials(key)))
                .or_default()
                .push(i as u32);
        }
    }
    for (i, (label, key)) in nodes.iter().enumerate() {
        let w = key[0].as_str();
        let short = (2..=6).contains(&w.chars().count()) && w.chars().all(char::is_alphabetic);
        if label == "PER" || key.len() != 1 || !short || protected(key) || !acronym_nodes[i] {
            continue;
        }
        if let Some(c) = by_initials.get(&(label.as_str(), w.to_string())) {
            let mut roots: Vec<u32> = c.iter().map(|&x| dsu.find(x)).collect();
            roots.sort_unstable();
            roots.dedup();
            if roots.len() == 1 {
                dsu.union(i as u32, roots[0]);
            }
        }
    }
    // What the user merged: alias targets whatever their labels, and merge groups.
    let mut by_name: HashMap<String, Vec<u32>> = HashMap::default();
    for (i, (_, key)) in nodes.iter().enumerate() {
        by_name.entry(key.join(" ")).or_default().push(i as u32);
    }
    let mut targets: Vec<String> = alias.values().map(|t| fold_phrase(t)).collect();
    targets.sort();
    targets.dedup();
    for t in targets {
        if let Some(ids) = by_name.get(&t) {
            for w in ids.windows(2) {
                dsu.union(w[0], w[1]);
            }
        }
    }
    for group in &opts.merge {
        let ids: Vec<u32> = group
            .iter()
            .filter_map(|n| by_name.get(&fold_phrase(n)))
            .flatten()
            .copied()
            .collect();
        for w in ids.windows(2) {
            dsu.union(w[0], w[1]);
        }
    }
    build_entities(mentions, &norm, &mention_node, &mut dsu)
}

fn fold_phrase(s: &str) -> String {
    s.split_whitespace().map(fold).collect::<Vec<_>>().join(" ")
}

/// Keys (joined) each mention of one document resolves to.
/// For each mention of one document, the index (within the document) of the mention
/// whose form it stands for: itself, or the fuller form it links to.
fn link_in_document(
    norm: &[&(Normalised, String)],
    told: &[bool],
    keys: &[&str],
    split: &std::collections::HashSet<String>,
) -> Vec<usize> {
    let mut out: Vec<usize> = (0..norm.len()).collect();
    // Index the full forms once: (label, word) and (label, initials) -> their positions,
    // in reading order, so each short form finds its nearest full form by binary search.
    let mut by_word: HashMap<(&str, &str), Vec<usize>> = HashMap::default();
    let mut by_initials: HashMap<(&str, String), Vec<usize>> = HashMap::default();
    for (j, (m, l)) in norm.iter().enumerate() {
        if m.key.len() < 2 || told[j] {
            continue;
        }
        let mut words: Vec<&str> = m.key.iter().map(String::as_str).collect();
        words.sort_unstable();
        words.dedup();
        for w in words {
            by_word.entry((l.as_str(), w)).or_default().push(j);
        }
        if l != "PER" {
            by_initials
                .entry((l.as_str(), initials(&m.display)))
                .or_default()
                .push(j);
        }
    }
    for (i, (n, label)) in norm.iter().enumerate() {
        if told[i] || split.contains(keys[i]) {
            continue;
        }
        let acronym = (label != "PER").then(|| is_acronym(&n.display)).flatten();
        let candidates = match (&acronym, n.key.len()) {
            (Some(a), _) => by_initials.get(&(label.as_str(), a.clone())),
            (None, 1) => by_word.get(&(label.as_str(), n.key[0].as_str())),
            _ => None,
        };
        let Some(c) = candidates else { continue };
        // Nearest full form before, else the first after.
        let k = c.partition_point(|&j| j < i);
        let found = if k > 0 {
            Some(c[k - 1])
        } else {
            c.get(k).copied()
        };
        if let Some(j) = found.filter(|&j| j != i) {
            out[i] = j;
        }
    }
    out
}

fn build_entities(
    mentions: &[MentionIn],
    norm: &[&(Normalised, String)],
    mention_node: &[u32],
    dsu: &mut Dsu,
) -> Resolution {
    // Group mentions by root.
    let roots: Vec<u32> = mention_node.iter().map(|&n| dsu.find(n)).collect();
    let mut groups: HashMap<u32, Vec<usize>> = HashMap::default();
    for (i, &r) in roots.iter().enumerate() {
        groups.entry(r).or_default().push(i);
    }
    let mut ents: Vec<(u32, Entity)> = groups
        .into_iter()
        .map(|(root, idx)| {
            // Canonical name: the most frequent form among the longest ones (full names
            // over surnames), ties broken by the form itself so the choice is stable.
            let mut forms: HashMap<&str, u32> = HashMap::default();
            let mut labels: HashMap<&str, u32> = HashMap::default();
            for &i in &idx {
                *forms.entry(norm[i].0.display.as_str()).or_default() += 1;
                *labels.entry(norm[i].1.as_str()).or_default() += 1;
            }
            let words = |f: &str| f.split(' ').count().min(3);
            let mut ranked: Vec<(&str, u32)> = forms.into_iter().collect();
            ranked.sort_by(|a, b| {
                words(b.0)
                    .cmp(&words(a.0))
                    .then(b.1.cmp(&a.1))
                    .then(a.0.cmp(b.0))
            });
            let name = ranked[0].0.to_string();
            let mut aliases: Vec<(&str, u32)> = ranked.clone();
            aliases.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            let mut lab: Vec<(&str, u32)> = labels.into_iter().collect();
            lab.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            let mut docs: Vec<u32> = idx.iter().map(|&i| mentions[i].doc).collect();
            docs.sort_unstable();
            docs.dedup();
            (
                root,
                Entity {
                    name,
                    label: lab[0].0.to_string(),
                    aliases: aliases.into_iter().map(|(f, _)| f.to_string()).collect(),
                    mentions: idx.len() as u32,
                    documents: docs.len() as u32,
                },
            )
        })
        .collect();
    ents.sort_by(|a, b| {
        (a.1.label.as_str(), a.1.name.as_str(), a.0).cmp(&(
            b.1.label.as_str(),
            b.1.name.as_str(),
            b.0,
        ))
    });
    let index: HashMap<u32, u32> = ents
        .iter()
        .enumerate()
        .map(|(i, (root, _))| (*root, i as u32))
        .collect();
    Resolution {
        entity_of: roots.iter().map(|r| index[r]).collect(),
        entities: ents.into_iter().map(|(_, e)| e).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(doc: u32, text: &str, label: &str) -> MentionIn {
        MentionIn {
            doc,
            text: text.into(),
            label: label.into(),
        }
    }

    fn opts() -> Options {
        Options {
            fuzzy: true,
            ..Default::default()
        }
    }

    fn names(r: &Resolution) -> Vec<String> {
        r.entity_of
            .iter()
            .map(|&e| r.entities[e as usize].name.clone())
            .collect()
    }

    #[test]
    fn normalises_titles_possessives_articles() {
        let n = normalise("Russian Foreign Minister Sergei Lavrov’s", "PER");
        assert_eq!(n.display, "Sergei Lavrov");
        assert_eq!(n.key, vec!["sergei", "lavrov"]);
        assert_eq!(
            normalise("US Secretary of State Antony Blinken", "PER").display,
            "Antony Blinken"
        );
        assert_eq!(
            normalise("The Wall Street Journal", "ORG").display,
            "Wall Street Journal"
        );
        assert_eq!(normalise("General Motors", "ORG").display, "General Motors");
        assert_eq!(normalise("President", "PER").display, "President");
        assert_eq!(normalise("U.S.", "LOC").key, vec!["us"]);
        assert_eq!(
            normalise("Đoković", "PER").key,
            vec!["djokovic".replace("dj", "d")]
        );
    }

    #[test]
    fn links_within_a_document() {
        let ms = vec![
            m(0, "Sergei Lavrov", "PER"),
            m(0, "Lavrov", "PER"),
            m(0, "Xi Jinping", "PER"),
            m(0, "Xi", "PER"),
            m(0, "Li", "PER"),
            m(0, "The Wall Street Journal", "ORG"),
            m(0, "WSJ", "ORG"),
            m(0, "European Union", "ORG"),
            m(0, "EU", "ORG"),
            m(0, "Lavrov", "ORG"),
        ];
        let r = resolve(&ms, &opts());
        let n = names(&r);
        assert_eq!(n[1], "Sergei Lavrov");
        assert_eq!(n[3], "Xi Jinping");
        assert_eq!(n[4], "Li");
        assert_eq!(n[6], "Wall Street Journal");
        assert_eq!(n[8], "European Union");
        // Different label: never merged.
        assert_ne!(r.entity_of[9], r.entity_of[0]);
    }

    #[test]
    fn merges_spelling_variants_across_documents_but_not_different_people() {
        let ms = vec![
            m(0, "Volodymyr Zelensky", "PER"),
            m(1, "Volodymyr Zelenskiy", "PER"),
            m(2, "Zelenskyy", "PER"),
            m(2, "Volodymyr Zelenskyy", "PER"),
            m(3, "Li Hui", "PER"),
            m(4, "Li Keqiang", "PER"),
            m(5, "Li Wei", "PER"),
            m(6, "Wang Yi", "PER"),
            m(7, "Mikhail Mishustin", "PER"),
            m(8, "Mishustin", "PER"),
            m(9, "Xi", "PER"),
            m(9, "Li", "PER"),
        ];
        let r = resolve(&ms, &opts());
        let e = &r.entity_of;
        assert!(e[0] == e[1] && e[1] == e[2] && e[2] == e[3]);
        assert!(e[4] != e[5] && e[4] != e[6] && e[5] != e[6] && e[4] != e[7]);
        assert_eq!(e[8], e[9], "lone surname joins the only full name");
        assert_ne!(e[10], e[11], "Xi never merges with Li");
        assert_ne!(e[11], e[4], "Li is ambiguous across documents: stays apart");
        let z = &r.entities[e[0] as usize];
        let ms = vec![
            m(0, "United States", "LOC"),
            m(1, "US", "LOC"),
            m(2, "United Nations", "ORG"),
            m(3, "Un", "ORG"),
        ];
        let r = resolve(&ms, &opts());
        assert_eq!(r.entity_of[0], r.entity_of[1], "acronym across documents");
        assert_ne!(
            r.entity_of[2], r.entity_of[3],
            "a capitalised word is no acronym"
        );
        assert_eq!((z.mentions, z.documents), (4, 3));
        let ms = vec![
            m(0, "Barber Conable", "PER"),
            m(1, "Barter", "PER"),
            m(2, "Baxter", "PER"),
            m(3, "Barber", "PER"),
            m(4, "Paul Volcker", "PER"),
            m(5, "Paul", "PER"),
            m(6, "Paul Vocker", "PER"),
        ];
        let r = resolve(&ms, &opts());
        let e = &r.entity_of;
        assert!(
            e[1] != e[2] && e[1] != e[3] && e[2] != e[3],
            "no one-word typo chains"
        );
        assert_ne!(e[5], e[4], "a lone given name is not the full name");
        assert_eq!(e[4], e[6], "a typo in a full name merges");
    }

    #[test]
    fn user_controls() {
        let ms = vec![
            m(0, "Kremlin", "ORG"),
            m(1, "Russia", "LOC"),
            m(2, "Chinese", "MISC"),
            m(3, "China", "LOC"),
            m(4, "Kiev", "LOC"),
            m(5, "Kyiv", "LOC"),
            m(6, "Mishustin", "PER"),
            m(7, "Mikhail Mishustin", "PER"),
        ];
        let o = Options {
            aliases: vec![("Kremlin".into(), "Russia".into())],
            merge: vec![vec!["Kiev".into(), "Kyiv".into()]],
            split: vec!["Mishustin".into()],
            demonyms: vec![("Chinese".into(), "China".into())],
            fuzzy: true,
        };
        let r = resolve(&ms, &o);
        let e = &r.entity_of;
        assert_eq!(e[0], e[1]);
        assert_eq!(e[2], e[3]);
        assert_eq!(r.entities[e[2] as usize].label, "LOC");
        assert_eq!(e[4], e[5]);
        assert_ne!(e[6], e[7]);
        // Without the options nothing crosses labels.
        let r = resolve(&ms, &opts());
        assert_ne!(r.entity_of[0], r.entity_of[1]);
        assert_ne!(r.entity_of[2], r.entity_of[3]);
    }

    #[test]
    fn ids_are_stable_and_order_independent_of_threads() {
        let ms: Vec<MentionIn> = (0..400)
            .map(|i| {
                m(
                    i / 4,
                    ["Sergei Lavrov", "Lavrov", "Li Hui", "WHO"][(i % 4) as usize],
                    "PER",
                )
            })
            .collect();
        let one =
            crate::core::corpus::with_threads(Some(1), || resolve(&ms, &opts())).expect("pool");
        let two =
            crate::core::corpus::with_threads(Some(2), || resolve(&ms, &opts())).expect("pool");
        assert_eq!(one, two);
    }
}
