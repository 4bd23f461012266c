//! Entity resolution: mentions -> canonical entities.
//!
//! Three steps. A wrong merge silently corrupts every count downstream while a missed
//! merge shows up as two rows a researcher can merge by hand, so each rule is guarded,
//! and the rules that lean on corpus-wide evidence can be turned off
//! ([`Options::strict`]).
//!
//! 1. **Normalise** each mention: strip titles and roles before a person's name
//!    ("Russian Foreign Minister Sergei Lavrov" -> "Sergei Lavrov"), possessives
//!    ("Lavrov's"), leading articles ("The Wall Street Journal"), quote and dash
//!    variants and extra whitespace. The matching key is also lowercased and stripped
//!    of diacritics and of the dots in abbreviations ("U.S." = "US").
//! 2. **Within a document** (documents are independent, so a corpus read in batches
//!    links batch by batch):
//!    - a one-word person's name links to a longer person's name of the document that
//!      contains it as a whole word ("Lavrov" -> "Sergei Lavrov", "Xi" -> "Xi
//!      Jinping"), the nearest one before it, else the first after; an acronym links
//!      to a longer name of its label with those initials ("WSJ" -> "Wall Street
//!      Journal"). A one-word place or organisation does not link to a longer name
//!      containing it: "China" is not the "South China Sea", "House" not the "House
//!      Judiciary Committee";
//!    - a person's full name links to an earlier one with the same surname and suffix
//!      whose given name is its familiar or formal form (`NICKNAMES`: "Joseph R.
//!      Biden" after "Joe Biden"); the link is the evidence step 3 merges them on;
//!    - a name tagged with several labels in the document takes the label most of its
//!      mentions there have ("Obama" once as LOC among PER mentions).
//! 3. **Across documents**, over one node per (label, key), summed from a [`Tally`]
//!    of the links so that batches, threads and dask partitions give the same result:
//!    - equal keys merge; so do spelling variants: keys equal after folding
//!      transliteration endings ("Zelenskiy", "Zelenskyy" -> "zelensky"), or equal but
//!      for one word of at least six letters with the same first letter and an edit
//!      distance of one (two from ten letters) while another word agrees;
//!    - name variants of one person (`merge_name_variants`): the same given name,
//!      surname and suffix with middles that agree ("Donald J. Trump", "Donald John
//!      Trump", "Donald Trump"; "Hillary Rodham Clinton"); scraped run-ons read as the
//!      name they repeat ("Nancy Pelosi Nancy", "Hillary Clinton Hillary Diane") or,
//!      surname first, as the name that exists ("Trump Donald John"); full names an
//!      article linked by nickname;
//!    - label votes (`vote_labels`): a name written with several labels takes the
//!      label of `LABEL_MAJORITY` of its mentions; an acronym never a person's takes
//!      any majority unless it expands to a different name under its own label;
//!    - lone names (`Lone::join`): a one-word person's name (or acronym) left over in
//!      articles that never give a fuller form joins the bearer it linked to in
//!      `DOMINANCE` of its mentions in the articles that do (at least
//!      `MIN_EVIDENCE` mentions; only links where it is the bearer's given name or
//!      surname count). With less evidence it joins the one person with that surname
//!      (the one name of its label with those initials) if there is exactly one.
//!
//! User options (aliases, merges, splits, demonyms) apply on top; a split name takes
//! part in no automatic rule. In strict mode step 2 keeps only the first rule (with
//! containment links for every label, as before) and step 3 only equal keys,
//! spelling variants and the one-bearer rule for lone names.
//!
//! Known failure modes:
//! - A lone surname is decided once for the whole corpus: in a corpus where "Trump"
//!   means Donald in 90% of the articles that say, an article about Melania that calls
//!   her only "Trump" counts for Donald; a period when the dominant bearer changed
//!   (two presidents Bush) is not seen. Split the name or alias it when it matters.
//! - Given names count as short forms too: "Robert" joins Robert Mueller in a corpus
//!   where most articles that say "Robert" give his full name.
//! - A name without a middle joins the variant with a middle only when that variant
//!   holds 90% of the mentions written with a middle; different people who share a
//!   given name and surname and are never written with a middle ("John Smith") merge,
//!   as they always did.
//! - The label vote cannot tell a place named like a much more frequent person
//!   ("Lincoln", Nebraska, in a corpus about Abraham Lincoln) from a tagging error:
//!   it joins the person when the person holds 90% of the name's mentions, unless the
//!   place is the more frequent.
//! - Two people sharing a rare surname with no full name in the corpus stay one
//!   entity; short names (under six letters) never merge by spelling ("Kiev"/"Kyiv"
//!   needs an alias); a one-word place that is short for a longer one ("Korea" for
//!   South Korea) stays on its own.

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
    /// Only the rules that need no corpus-wide evidence: no label votes, no name
    /// variants, no dominant bearers, and one-word places and organisations link
    /// within a document as they did before those rules (the resolver of newsgraph
    /// 0.1; for comparison and for users who want no merge a vote could get wrong).
    pub strict: bool,
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

/// Whether two different words (already through [`variant`]) are one spelled
/// differently: at least six letters, the same first letter, no digits, and an edit
/// distance of one (two from ten letters). Callers apply it only where every other word
/// of two keys agrees: one-word names a letter apart ("Barber", "Barter", "Baxter") are
/// as often different people as typos, and chains of such merges would swallow them.
fn close_words(x: &str, y: &str) -> bool {
    let (lx, ly) = (x.chars().count(), y.chars().count());
    if lx.min(ly) < 6 || x.chars().next() != y.chars().next() {
        return false;
    }
    if x.chars().chain(y.chars()).any(|c| c.is_numeric()) {
        return false;
    }
    let limit = if lx.min(ly) >= 10 { 2 } else { 1 };
    // The edit distance is at least the difference in length: a cheap early no.
    lx.abs_diff(ly) <= limit && strsim::osa_distance(x, y) <= limit
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

/// Given-name pairs (familiar, formal) that name one person when the surname agrees
/// in one article: "Joe Biden" and "Joseph R. Biden", "Bernie" and "Bernard Sanders".
/// Short on purpose: each pair only ever links names an article itself puts together.
const NICKNAMES: &[(&str, &str)] = &[
    ("al", "albert"),
    ("al", "alan"),
    ("alex", "alexander"),
    ("andy", "andrew"),
    ("ben", "benjamin"),
    ("bernie", "bernard"),
    ("beto", "robert"),
    ("bill", "william"),
    ("billy", "william"),
    ("bob", "robert"),
    ("bobby", "robert"),
    ("charlie", "charles"),
    ("chris", "christopher"),
    ("chuck", "charles"),
    ("dan", "daniel"),
    ("danny", "daniel"),
    ("dave", "david"),
    ("dick", "richard"),
    ("don", "donald"),
    ("doug", "douglas"),
    ("ed", "edward"),
    ("fred", "frederick"),
    ("greg", "gregory"),
    ("hank", "henry"),
    ("jack", "john"),
    ("jeff", "jeffrey"),
    ("jerry", "gerald"),
    ("jim", "james"),
    ("jimmy", "james"),
    ("joe", "joseph"),
    ("jon", "jonathan"),
    ("ken", "kenneth"),
    ("larry", "lawrence"),
    ("matt", "matthew"),
    ("mike", "michael"),
    ("mitch", "mitchell"),
    ("nick", "nicholas"),
    ("pat", "patrick"),
    ("pete", "peter"),
    ("phil", "philip"),
    ("ron", "ronald"),
    ("sam", "samuel"),
    ("steve", "stephen"),
    ("steve", "steven"),
    ("ted", "edward"),
    ("ted", "theodore"),
    ("tim", "timothy"),
    ("tom", "thomas"),
    ("tony", "anthony"),
    ("vince", "vincent"),
    ("beth", "elizabeth"),
    ("betsy", "elizabeth"),
    ("cathy", "catherine"),
    ("jen", "jennifer"),
    ("kate", "katherine"),
    ("kathy", "kathleen"),
    ("liz", "elizabeth"),
    ("maggie", "margaret"),
    ("peggy", "margaret"),
    ("sue", "susan"),
];

/// Whether two different given names are one person's, familiar and formal.
fn nickname_of(a: &str, b: &str) -> bool {
    NICKNAMES
        .iter()
        .any(|&(n, f)| (a == n && b == f) || (a == f && b == n))
}

/// Words after a surname that tell a son from his father: part of who a name is.
const SUFFIXES: &[&str] = &["jr", "sr", "ii", "iii", "iv"];

/// A person's name key in parts, as the name-variant rules compare them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Person<'a> {
    first: &'a str,
    middle: &'a [String],
    last: &'a str,
    suffix: &'a str,
}

/// The parts of a multi-word person key; `None` for one word. A scraped link widget
/// that repeats the given name after the name ("Nancy Pelosi Nancy", "Hillary Clinton
/// Hillary Diane") reads as the name before the repeat.
fn person_parts(key: &[String]) -> Option<Person<'_>> {
    let (mut k, mut suffix) = (key, "");
    if let Some((last, rest)) = k.split_last() {
        if rest.len() >= 2 && SUFFIXES.contains(&last.as_str()) {
            (k, suffix) = (rest, last.as_str());
        }
    }
    if k.len() < 2 || k.iter().any(|w| w.chars().any(|c| c.is_numeric())) {
        return None;
    }
    if k.len() >= 3 && k[2] == k[0] {
        return Some(Person {
            first: &k[0],
            middle: &[],
            last: &k[1],
            suffix,
        });
    }
    Some(Person {
        first: &k[0],
        middle: &k[1..k.len() - 1],
        last: &k[k.len() - 1],
        suffix,
    })
}

/// Whether two middle-name sequences can be one person's: one is empty, or the shorter
/// matches words of the longer in order, a letter standing for a word it begins
/// ("J" = "John"), where the longer may have extra whole words ("Hillary Diane Rodham
/// Clinton") but never an extra initial: "W" and "H W" (or "HW") are two Bushes.
fn middles_agree(a: &[String], b: &[String]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    // Initials written together or apart: "H.W." (folded "hw") is "H. W.".
    let initials = |m: &[String]| m.iter().all(|w| w.chars().count() <= 2);
    if initials(a) && initials(b) && a.concat() == b.concat() {
        return true;
    }
    let one = |x: &str| x.chars().count() == 1;
    let same =
        |x: &str, y: &str| x == y || (one(x) && y.starts_with(x)) || (one(y) && x.starts_with(y));
    let mut at = 0;
    for w in short {
        loop {
            let Some(v) = long.get(at) else { return false };
            at += 1;
            if same(w, v) {
                break;
            }
            if one(v) {
                return false;
            }
        }
    }
    long[at..].iter().all(|v| !one(v))
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
    let (doc, form_idx, forms) = coded(mentions);
    resolve_forms(&doc, &form_idx, &forms, opts)
}

/// Mentions as codes: each one's document and form, and the distinct (text, label)
/// forms in order of first mention.
fn coded(mentions: &[MentionIn]) -> (Vec<u32>, Vec<u32>, Vec<(&str, &str)>) {
    let mut form_of: HashMap<(&str, &str), u32> = HashMap::default();
    let mut forms: Vec<(&str, &str)> = Vec::new();
    let form_idx: Vec<u32> = mentions
        .iter()
        .map(|m| {
            *form_of
                .entry((m.text.as_str(), m.label.as_str()))
                .or_insert_with(|| {
                    forms.push((m.text.as_str(), m.label.as_str()));
                    (forms.len() - 1) as u32
                })
        })
        .collect();
    (mentions.iter().map(|m| m.doc).collect(), form_idx, forms)
}

/// [`resolve`] for mentions given as codes: mention `i` is in document `doc[i]` and
/// has the (text, label) pair `forms[form[i]]`. Callers that already hold distinct
/// forms (the tagger and dictionary output do) skip hashing every mention's text.
///
/// Panics if a code is out of range or the slices differ in length; callers check.
pub fn resolve_forms(
    doc: &[u32],
    form_idx: &[u32],
    forms: &[(&str, &str)],
    opts: &Options,
) -> Resolution {
    let prepared = Prepared::new(forms, opts);
    let linked = prepared.link(doc, form_idx);
    let tally = Tally::count(form_idx, &linked, forms.len());
    let merged = prepared.merge(&tally, opts);
    let entity_of: Vec<u32> = linked
        .iter()
        .map(|&j| merged.entity_of_form[form_idx[j as usize] as usize])
        .collect();
    let mut entities = merged.entities;
    let pack = |g: u32, v: u32| ((g as u64) << 32) | v as u64;
    let by_doc = pair_counts(
        entity_of
            .iter()
            .zip(doc)
            .map(|(&e, &d)| pack(e, d))
            .collect(),
    );
    for &(e, _, _) in &by_doc {
        entities[e as usize].documents += 1;
    }
    Resolution {
        entity_of,
        entities,
    }
}

/// Step 2 alone: for each mention (grouped by document, in reading order), the index
/// of the mention whose form it stands for within its document (itself unless linked
/// to a fuller form). Documents are independent, so a corpus read in batches of whole
/// documents can be linked batch by batch and resolved once with [`resolve_tally`].
///
/// Panics if a code is out of range or the slices differ in length; callers check.
pub fn link_mentions(
    doc: &[u32],
    form_idx: &[u32],
    forms: &[(&str, &str)],
    opts: &Options,
) -> Vec<u32> {
    Prepared::new(forms, opts).link(doc, form_idx)
}

/// What step 3 needs of the mentions of a corpus, summed over them: enough to resolve
/// a corpus read in batches without keeping its mentions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Per form: some mention of it stands for itself (is not linked to another form).
    pub unlinked: Vec<bool>,
    /// (form stood for, own form, mentions), for every pair that occurs.
    pub pairs: Vec<(u32, u32, u32)>,
}

impl Tally {
    /// The tally of mentions with forms `form`, mention `i` standing for mention
    /// `linked[i]` (as [`link_mentions`] gives them).
    pub fn count(form: &[u32], linked: &[u32], n_forms: usize) -> Self {
        let mut unlinked = vec![false; n_forms];
        let pack = |g: u32, v: u32| ((g as u64) << 32) | v as u64;
        let mut keys = Vec::with_capacity(form.len());
        for (i, (&f, &j)) in form.iter().zip(linked).enumerate() {
            if j as usize == i {
                unlinked[f as usize] = true;
            }
            keys.push(pack(form[j as usize], f));
        }
        Tally {
            unlinked,
            pairs: pair_counts(keys),
        }
    }
}

/// Entities from a [`Tally`]: step 3.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Merged {
    /// Ordered as in [`Resolution::entities`]; `documents` is left at 0 (a tally does
    /// not see documents: count them from `entity_of_form`).
    pub entities: Vec<Entity>,
    /// Entity of a mention standing for form `f` (`u32::MAX` for a form no mention
    /// stands for, whose entity has no mention).
    pub entity_of_form: Vec<u32>,
}

/// Step 3 over the forms of a whole corpus and the tally of its mentions (`tally.pairs`
/// may list a pair more than once: the counts add up). With the forms numbered in
/// order of first mention, as [`resolve_forms`] numbers them, the entities equal
/// those of resolving all mentions at once.
///
/// Panics if a form index is out of range; callers check.
pub fn resolve_tally(forms: &[(&str, &str)], tally: &Tally, opts: &Options) -> Merged {
    Prepared::new(forms, opts).merge(tally, opts)
}

/// [`resolve`] the way `newsgraph.scan` does it, for checking that the two agree:
/// link each batch of `batch` documents (numbered from 0, grouped, in order) with its
/// own form table, sum the tally, resolve it once with [`resolve_tally`], then count
/// documents per entity.
pub fn resolve_in_batches(mentions: &[MentionIn], opts: &Options, batch: u32) -> Resolution {
    let (doc, form, forms) = coded(mentions);
    let mut tally = Tally {
        unlinked: vec![false; forms.len()],
        pairs: Vec::new(),
    };
    let mut target = Vec::with_capacity(doc.len());
    let mut s = 0;
    while s < doc.len() {
        let e = s + doc[s..].partition_point(|&d| d / batch == doc[s] / batch);
        let mut local_of: HashMap<u32, u32> = HashMap::default();
        let mut local: Vec<(&str, &str)> = Vec::new();
        let lf: Vec<u32> = form[s..e]
            .iter()
            .map(|&f| {
                *local_of.entry(f).or_insert_with(|| {
                    local.push(forms[f as usize]);
                    local.len() as u32 - 1
                })
            })
            .collect();
        for (i, &j) in link_mentions(&doc[s..e], &lf, &local, opts)
            .iter()
            .enumerate()
        {
            let (own, to) = (form[s + i], form[s + j as usize]);
            tally.unlinked[own as usize] |= j as usize == i;
            tally.pairs.push((to, own, 1));
            target.push(to);
        }
        s = e;
    }
    let merged = resolve_tally(&forms, &tally, opts);
    let entity_of: Vec<u32> = target
        .iter()
        .map(|&f| merged.entity_of_form[f as usize])
        .collect();
    let mut entities = merged.entities;
    let pack = |g: u32, v: u32| ((g as u64) << 32) | v as u64;
    for &(e, _, _) in &pair_counts(
        entity_of
            .iter()
            .zip(&doc)
            .map(|(&e, &d)| pack(e, d))
            .collect(),
    ) {
        entities[e as usize].documents += 1;
    }
    Resolution {
        entity_of,
        entities,
    }
}

/// Steps 1 and 2 over distinct forms: each normalised once, with what linking needs.
struct Prepared {
    normed: Vec<((Normalised, String), bool)>,
    joined: Vec<String>,
    links: FormLinks,
    split: std::collections::HashSet<String>,
    alias_targets: Vec<String>,
}

impl Prepared {
    fn new(forms: &[(&str, &str)], opts: &Options) -> Self {
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
        let split: std::collections::HashSet<String> =
            opts.split.iter().map(|x| fold_phrase(x)).collect();
        let joined: Vec<String> = normed.iter().map(|((n, _), _)| n.key.join(" ")).collect();
        let links = FormLinks::build(&normed, &joined, &split, opts.strict);
        let mut alias_targets: Vec<String> = alias.values().map(|t| fold_phrase(t)).collect();
        alias_targets.sort();
        alias_targets.dedup();
        Prepared {
            normed,
            joined,
            links,
            split,
            alias_targets,
        }
    }

    /// Step 2: within each document, link short forms to the full form they stand for.
    fn link(&self, doc: &[u32], form_idx: &[u32]) -> Vec<u32> {
        let mut doc_ranges = Vec::new();
        let mut s = 0;
        for i in 1..=doc.len() {
            if i == doc.len() || doc[i] != doc[s] {
                doc_ranges.push(s..i);
                s = i;
            }
        }
        let form_idx: Vec<usize> = form_idx.iter().map(|&f| f as usize).collect();
        doc_ranges
            .par_iter()
            .flat_map_iter(|r| {
                link_in_document(&form_idx[r.clone()], &self.links)
                    .into_iter()
                    .map(move |j| (r.start + j) as u32)
            })
            .collect()
    }

    /// Step 3: one node per (label, key), built from the distinct forms; merge across
    /// documents, then name the entities.
    fn merge(&self, tally: &Tally, opts: &Options) -> Merged {
        let mut node_of: HashMap<(&str, &str), u32> = HashMap::default();
        // Nodes borrow their label and key from the normalised forms.
        let mut nodes: Vec<Node> = Vec::new();
        let mut node_key: Vec<&str> = Vec::new();
        let form_node: Vec<u32> = self
            .normed
            .iter()
            .zip(&self.joined)
            .map(|(((n, label), _), key)| {
                *node_of
                    .entry((label.as_str(), key.as_str()))
                    .or_insert_with(|| {
                        nodes.push((label.as_str(), n.key.as_slice()));
                        node_key.push(key.as_str());
                        (nodes.len() - 1) as u32
                    })
            })
            .collect();
        // A node is an acronym where a mention of an acronym-shaped form stands for
        // itself ("EU" not linked to "European Union" in its article).
        let mut acronym_nodes = vec![false; nodes.len()];
        for (f, &alone) in tally.unlinked.iter().enumerate() {
            if alone && self.links.acronym_shape[f] {
                acronym_nodes[form_node[f] as usize] = true;
            }
        }
        let mut dsu = Dsu::new(nodes.len());
        let split = &self.split;
        // Most runs split nothing: then no key needs joining to be looked up.
        let protected = |k: &[String]| !split.is_empty() && split.contains(&k.join(" "));
        if opts.fuzzy {
            merge_spelling_variants(&nodes, &protected, &mut dsu);
        }
        let evidence = (!opts.strict).then(|| NodeTally::count(tally, &form_node, nodes.len()));
        if let Some(ev) = &evidence {
            let names = merge_name_variants(&nodes, ev, &protected, &mut dsu);
            let vote = LabelVote::new(&node_key, &names);
            let v = |x: Option<&[u32]>, dsu: &mut Dsu| {
                vote_labels(&vote, &nodes, ev, &acronym_nodes, x, &protected, dsu)
            };
            v(None, &mut dsu);
            let lone = Lone {
                nodes: &nodes,
                acronym_nodes: &acronym_nodes,
                protected: &protected,
            };
            let expanded = lone.join(Some((ev, &names)), &mut dsu);
            v(Some(&expanded), &mut dsu);
        } else {
            let lone = Lone {
                nodes: &nodes,
                acronym_nodes: &acronym_nodes,
                protected: &protected,
            };
            lone.join(None, &mut dsu);
        }
        // What the user merged: alias targets whatever their labels, and merge groups.
        let mut by_name: HashMap<&str, Vec<u32>> = HashMap::default();
        if !self.alias_targets.is_empty() || !opts.merge.is_empty() {
            for (i, key) in node_key.iter().enumerate() {
                by_name.entry(key).or_default().push(i as u32);
            }
        }
        for t in &self.alias_targets {
            if let Some(ids) = by_name.get(t.as_str()) {
                for w in ids.windows(2) {
                    dsu.union(w[0], w[1]);
                }
            }
        }
        for group in &opts.merge {
            let ids: Vec<u32> = group
                .iter()
                .filter_map(|n| by_name.get(fold_phrase(n).as_str()))
                .flatten()
                .copied()
                .collect();
            for w in ids.windows(2) {
                dsu.union(w[0], w[1]);
            }
        }
        build_entities(&self.normed, &form_node, tally, &mut dsu)
    }
}

/// What step 3 reads off the tally, per node: how many mentions are written as it
/// (linked or not: how a name is labelled is what a label vote counts), and how many
/// mentions of one node an article linked to another.
struct NodeTally {
    count: Vec<u64>,
    /// (own node, node stood for, mentions), own != stood for, sorted.
    links: Vec<(u32, u32, u64)>,
}

impl NodeTally {
    fn count(tally: &Tally, form_node: &[u32], n: usize) -> Self {
        let mut count = vec![0u64; n];
        let mut links: Vec<(u32, u32, u64)> = Vec::new();
        for &(t, f, c) in &tally.pairs {
            let (to, own) = (form_node[t as usize], form_node[f as usize]);
            count[own as usize] += u64::from(c);
            if to != own {
                links.push((own, to, u64::from(c)));
            }
        }
        links.sort_unstable();
        let mut summed: Vec<(u32, u32, u64)> = Vec::with_capacity(links.len());
        for (own, to, c) in links {
            match summed.last_mut() {
                Some(l) if l.0 == own && l.1 == to => l.2 += c,
                _ => summed.push((own, to, c)),
            }
        }
        NodeTally {
            count,
            links: summed,
        }
    }
}

/// A one-word name joins a bearer when most of its mentions that an article tied to
/// a fuller name went to that bearer: this share of them, and at least
/// [`MIN_EVIDENCE`] mentions.
const DOMINANCE: f64 = 0.8;
const MIN_EVIDENCE: u64 = 3;
/// A name tagged with several labels across the corpus takes the majority label when
/// the majority holds this share of its mentions (any majority for an acronym that is
/// never a person's: "GOP" as ORG and as MISC is one party).
const LABEL_MAJORITY: f64 = 0.9;
/// A name without a middle joins the middle-name variant holding this share of the
/// mentions written with one.
const MIDDLE_MAJORITY: f64 = 0.9;

/// Person names that differ only in middle names or initials ("Donald J. Trump",
/// "Donald Trump"; "Hillary Rodham Clinton", "Hillary Clinton"), scraped run-ons of
/// them ("Trump Donald John", "Nancy Pelosi Nancy"), and nickname pairs an article put
/// together (the links of step 2) are one node. Names with the same given name and
/// surname but middles that disagree ("George W. Bush", "George H.W. Bush") stay
/// apart, and so does the bare "George Bush" between them unless one of them holds
/// [`MIDDLE_MAJORITY`] of the mentions written with a middle; a suffix ("Jr.") is
/// part of the name.
///
/// Returns each person node's (given name, surname) as read here: what a lone name
/// must match to count as evidence for its bearer.
fn merge_name_variants<'a>(
    nodes: &[Node<'a>],
    ev: &NodeTally,
    protected: &Protected,
    dsu: &mut Dsu,
) -> Vec<GivenAndSurname<'a>> {
    let is_person = |i: u32| {
        let (label, key) = nodes[i as usize];
        label == "PER" && key.len() > 1 && !protected(key)
    };
    for &(own, to, _) in &ev.links {
        if is_person(own) && is_person(to) {
            dsu.union(own, to);
        }
    }
    type Name<'a> = (&'a str, &'a str, &'a str);
    // (node, middle names) of the nodes that share a Name.
    type Members<'a> = Vec<(u32, &'a [String])>;
    let parts: Vec<Option<Person>> = (0..nodes.len() as u32)
        .map(|i| {
            is_person(i)
                .then(|| person_parts(nodes[i as usize].1))
                .flatten()
        })
        .collect();
    let mut groups: HashMap<Name, Members> = HashMap::default();
    for (i, p) in parts.iter().enumerate() {
        if let Some(p) = p {
            groups
                .entry((p.first, p.last, p.suffix))
                .or_default()
                .push((i as u32, p.middle));
        }
    }
    // Surname first ("Trump Donald John", from a "Trump, Donald John" byline widget):
    // a name nobody else shares whose first two words, swapped, name someone who is
    // in the corpus.
    let mut moved: Vec<(Name, u32, &[String])> = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        let Some(p) = p else { continue };
        let key = nodes[i].1;
        let base = &key[..key.len() - usize::from(!p.suffix.is_empty())];
        if base.len() < 3 || p.last != base[base.len() - 1].as_str() {
            continue;
        }
        let alt = (base[1].as_str(), base[0].as_str(), p.suffix);
        if groups[&(p.first, p.last, p.suffix)].len() == 1 && groups.contains_key(&alt) {
            moved.push((alt, i as u32, &base[2..]));
        }
    }
    let mut names: Vec<GivenAndSurname> =
        parts.iter().map(|p| p.map(|p| (p.first, p.last))).collect();
    for (alt, i, middle) in moved {
        if let Some(g) = groups.get_mut(&alt) {
            g.push((i, middle));
            names[i as usize] = Some((alt.0, alt.1));
        }
    }
    let mut shared: Vec<(&Name, &Members)> = groups.iter().filter(|(_, g)| g.len() > 1).collect();
    shared.sort_unstable_by_key(|(k, _)| **k);
    for (_, group) in shared {
        let mut middles: Vec<&[String]> = group
            .iter()
            .map(|g| g.1)
            .filter(|m| !m.is_empty())
            .collect();
        middles.sort_unstable();
        middles.dedup();
        // Many distinct middles mean many people (or noise): leave them.
        if middles.len() > 16 {
            continue;
        }
        // Middles that agree form classes; a class whose members all agree pairwise is
        // one person ("H.W." and "H. W."). Which class a name without a middle joins,
        // if any, is decided below.
        let n = middles.len();
        let mut class = Dsu::new(n);
        for x in 0..n {
            for y in x + 1..n {
                if middles_agree(middles[x], middles[y]) {
                    class.union(x as u32, y as u32);
                }
            }
        }
        let of: Vec<u32> = (0..n as u32).map(|x| class.find(x)).collect();
        let clique = |c: u32| {
            (0..n).all(|x| {
                of[x] != c
                    || (x + 1..n).all(|y| of[y] != c || middles_agree(middles[x], middles[y]))
            })
        };
        let mut classes: Vec<u32> = of.clone();
        classes.sort_unstable();
        classes.dedup();
        // The class the bare name joins: the only one, or one holding nearly all the
        // mentions written with a middle (a stray "Donald F. Trump" does not make
        // "Donald Trump" ambiguous; Jeb's father and brother do).
        let mut weight: HashMap<u32, u64> = HashMap::default();
        for &(node, middle) in group.iter() {
            if let Ok(x) = middles.binary_search(&middle) {
                *weight.entry(of[x]).or_default() += ev.count[node as usize];
            }
        }
        let total: u64 = weight.values().sum();
        let bare_joins = if classes.is_empty() {
            Some(u32::MAX)
        } else {
            classes.iter().copied().filter(|&c| clique(c)).find(|&c| {
                classes.len() == 1 || weight[&c] as f64 >= MIDDLE_MAJORITY * total as f64
            })
        };
        let mut first_of_class: HashMap<u32, u32> = HashMap::default();
        for &(node, middle) in group.iter() {
            let c = match middles.binary_search(&middle) {
                Ok(x) if clique(of[x]) => of[x],
                Ok(_) => continue,
                // No middle: the bare name.
                Err(_) => match bare_joins {
                    Some(c) => c,
                    None => continue,
                },
            };
            match first_of_class.get(&c) {
                Some(&first) => dsu.union(first, node),
                None => {
                    first_of_class.insert(c, node);
                }
            }
        }
    }
    names
}

/// One name, several labels across the corpus: the minority joins the majority when
/// the majority is strong ([`LABEL_MAJORITY`]). A one-word person's name that is the
/// surname of a person in the corpus never joins a place or organisation
/// ("Washington" the man is not Washington the city). Acronyms that are never a
/// person's are voted on in a second call, with `expanded` (which acronym nodes
/// joined an expansion): they take the label of any majority, unless they have an
/// expansion of their own: "GOP" as MISC joins "GOP" as ORG (the Grand Old Party),
/// but "S.C." the state (LOC) never joins "SC" the court (ORG).
struct LabelVote<'a> {
    node_key: &'a [&'a str],
    /// The nodes of each key written with more than one label, in key order.
    groups: Vec<Vec<u32>>,
    /// Surnames of the people in the corpus.
    surnames: std::collections::HashSet<&'a str>,
}

impl<'a> LabelVote<'a> {
    fn new(node_key: &'a [&'a str], names: &[GivenAndSurname<'a>]) -> Self {
        let mut by_key: HashMap<&str, Vec<u32>> = HashMap::default();
        for (i, k) in node_key.iter().enumerate() {
            by_key.entry(k).or_default().push(i as u32);
        }
        let mut keys: Vec<(&str, Vec<u32>)> = by_key
            .into_iter()
            .filter(|(_, ids)| ids.len() > 1)
            .collect();
        keys.sort_unstable_by_key(|(k, _)| *k);
        LabelVote {
            node_key,
            groups: keys.into_iter().map(|(_, ids)| ids).collect(),
            surnames: names.iter().flatten().map(|&(_, last)| last).collect(),
        }
    }
}

fn vote_labels(
    vote: &LabelVote,
    nodes: &[Node],
    ev: &NodeTally,
    acronym_nodes: &[bool],
    expanded: Option<&[u32]>,
    protected: &Protected,
    dsu: &mut Dsu,
) {
    let (surnames, node_key) = (&vote.surnames, vote.node_key);
    let count = |i: u32| ev.count[i as usize];
    for ids in &vote.groups {
        let total: u64 = ids.iter().map(|&i| count(i)).sum();
        let Some(&top) = ids.iter().max_by(|&&a, &&b| {
            count(a)
                .cmp(&count(b))
                .then(nodes[b as usize].0.cmp(nodes[a as usize].0))
        }) else {
            continue;
        };
        let acronym = ids
            .iter()
            .all(|&i| nodes[i as usize].0 != "PER" && acronym_nodes[i as usize]);
        // Acronyms wait for the second call, when their expansions are known.
        if acronym != expanded.is_some() {
            continue;
        }
        let strong = count(top) as f64 >= LABEL_MAJORITY * total as f64;
        if total == 0 || !(strong || acronym && count(top) * 2 > total) {
            continue;
        }
        for &i in ids {
            let (label, key) = nodes[i as usize];
            if i == top || count(i) == 0 || protected(key) {
                continue;
            }
            // An acronym with an expansion of its own under its label is that one
            // ("SC" the court as ORG, "S.C." the state as LOC), unless the majority's
            // expansion has the same name ("Grand Old Party" under both labels).
            if let Some(e) = expanded {
                let (mine, theirs) = (e[i as usize], e[top as usize]);
                if mine != u32::MAX
                    && (theirs == u32::MAX || node_key[mine as usize] != node_key[theirs as usize])
                {
                    continue;
                }
            }
            if label == "PER" && key.len() == 1 && surnames.contains(key[0].as_str()) {
                continue;
            }
            dsu.union(top, i);
        }
    }
}

/// A lone surname joins the only multi-word person with that surname, and a lone
/// acronym the only multi-word name of its label with those initials. With corpus
/// evidence (not in strict mode), a one-word name or acronym with several candidates
/// joins the one that dominates it: the one most of its mentions linked to in the
/// articles that gave a fuller name ([`DOMINANCE`]).
/// A person node's (given name, surname), as [`merge_name_variants`] reads it.
type GivenAndSurname<'a> = Option<(&'a str, &'a str)>;

/// The nodes [`Lone::join`] looks at.
struct Lone<'a, 'b> {
    nodes: &'a [Node<'a>],
    acronym_nodes: &'a [bool],
    protected: &'a Protected<'b>,
}

impl Lone<'_, '_> {
    /// Returns, per node, the node of the expansion an acronym joined (`u32::MAX`
    /// for none). `evidence` comes with each node's (given name, surname) as
    /// [`merge_name_variants`] read it.
    fn join(&self, evidence: Option<(&NodeTally, &[GivenAndSurname])>, dsu: &mut Dsu) -> Vec<u32> {
        let (nodes, acronym_nodes, protected) = (self.nodes, self.acronym_nodes, self.protected);
        let mut expanded = vec![u32::MAX; nodes.len()];
        // (Across documents only the surname: a lone "Paul" is not "Paul Volcker" unless
        // the articles that say "Paul" mostly mean him.)
        let mut by_part: HashMap<&str, Vec<u32>> = HashMap::default();
        for (i, &(label, key)) in nodes.iter().enumerate() {
            if label == "PER" && key.len() > 1 {
                let last = match evidence.and_then(|(_, n)| n[i]) {
                    Some((_, last)) => last,
                    None => key[key.len() - 1].as_str(),
                };
                by_part.entry(last).or_default().push(i as u32);
            }
        }
        // Dominant bearers, decided on the roots as they stand before any lone name
        // joins, so the order of the nodes does not matter.
        let mut dominant: Vec<(u32, u32, u32)> = Vec::new();
        // Nodes with enough evidence: dominance decides for them, whatever it decides.
        let mut decided = vec![false; nodes.len()];
        if let Some((ev, names)) = evidence {
            let mut at = 0;
            while at < ev.links.len() {
                let own = ev.links[at].0;
                let end = at + ev.links[at..].partition_point(|l| l.0 == own);
                let (label, key) = nodes[own as usize];
                let lone = key.len() == 1 && (label == "PER" || acronym_nodes[own as usize]);
                if lone && !protected(key) {
                    // A person's one-word name counts where it is the given name or
                    // surname of the name it linked to, not a middle name or the tail of
                    // a run-on ("John" in "Trump Donald John").
                    let w = key[0].as_str();
                    let named = |to: u32| {
                        label != "PER" || names[to as usize].is_some_and(|(f, l)| f == w || l == w)
                    };
                    let mut to: Vec<(u32, u64, u32)> = ev.links[at..end]
                        .iter()
                        .filter(|l| nodes[l.1 as usize].0 == label && named(l.1))
                        .map(|l| (dsu.find(l.1), l.2, l.1))
                        .collect();
                    to.sort_unstable_by_key(|x| (x.0, std::cmp::Reverse(x.1), x.2));
                    let mut best = (0u64, 0u32, 0u32);
                    let mut total = 0u64;
                    for run in to.chunk_by(|a, b| a.0 == b.0) {
                        let c: u64 = run.iter().map(|x| x.1).sum();
                        total += c;
                        if c > best.0 {
                            best = (c, run[0].0, run[0].2);
                        }
                    }
                    decided[own as usize] = total >= MIN_EVIDENCE;
                    if best.0 >= MIN_EVIDENCE && best.0 as f64 >= DOMINANCE * total as f64 {
                        dominant.push((own, best.1, best.2));
                    }
                }
                at = end;
            }
        }
        for (i, &(label, key)) in nodes.iter().enumerate() {
            if label != "PER" || key.len() != 1 || protected(key) || decided[i] {
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
        // ("US" in one article, "United States" in another.)
        let mut by_initials: HashMap<(&str, String), Vec<u32>> = HashMap::default();
        for (i, &(label, key)) in nodes.iter().enumerate() {
            if label != "PER" && key.len() > 1 {
                by_initials
                    .entry((label, key_initials(key)))
                    .or_default()
                    .push(i as u32);
            }
        }
        for (i, &(label, key)) in nodes.iter().enumerate() {
            let w = key[0].as_str();
            let short = (2..=6).contains(&w.chars().count()) && w.chars().all(char::is_alphabetic);
            if label == "PER"
                || key.len() != 1
                || !short
                || protected(key)
                || !acronym_nodes[i]
                || decided[i]
            {
                continue;
            }
            if let Some(c) = by_initials.get(&(label, w.to_string())) {
                let mut roots: Vec<u32> = c.iter().map(|&x| dsu.find(x)).collect();
                roots.sort_unstable();
                roots.dedup();
                if roots.len() == 1 {
                    dsu.union(i as u32, roots[0]);
                    expanded[i] = c[0];
                }
            }
        }
        for (own, root, node) in dominant {
            dsu.union(own, root);
            expanded[own as usize] = node;
        }
        expanded
    }
}

/// Union nodes whose keys are spelling variants: equal after [`variant`], or one
/// word apart by [`close_words`] with the other words equal.
///
/// Blocking instead of comparing all pairs: equal transliteration-tolerant keys merge
/// outright; for the edit-distance rule, two keys can only match if they agree on every
/// word but one, so each key goes in one bucket per word left out, and only the
/// distinct left-out words of a bucket are compared. Words are interned ids, so the
/// buckets hash integers, not strings.
/// (label, position of the word left out, hash of the other words).
type Bucket = (u32, u32, u64);

/// A node of step 3: (label, key words).
type Node<'a> = (&'a str, &'a [String]);

/// Names the user said never to merge.
type Protected<'a> = dyn Fn(&[String]) -> bool + Sync + 'a;

fn merge_spelling_variants(nodes: &[Node], protected: &Protected, dsu: &mut Dsu) {
    // Folding each word is the costly part, and independent per node.
    let folded: Vec<Option<Vec<String>>> = nodes
        .par_iter()
        .map(|(_, key)| (!protected(key)).then(|| key.iter().map(|w| variant(w)).collect()))
        .collect();
    let mut word_of: HashMap<&str, u32> = HashMap::default();
    let mut words: Vec<&str> = Vec::new();
    let mut label_of: HashMap<&str, u32> = HashMap::default();
    let mut keys: Vec<Option<(u32, Vec<u32>)>> = Vec::with_capacity(nodes.len());
    for ((label, _), key) in nodes.iter().zip(&folded) {
        let Some(key) = key else {
            keys.push(None);
            continue;
        };
        let n = label_of.len() as u32;
        let l = *label_of.entry(label).or_insert(n);
        let ids = key
            .iter()
            .map(|v| {
                *word_of.entry(v.as_str()).or_insert_with(|| {
                    words.push(v.as_str());
                    words.len() as u32 - 1
                })
            })
            .collect();
        keys.push(Some((l, ids)));
    }
    let mut same: HashMap<(u32, &[u32]), u32> = HashMap::default();
    for (i, k) in keys.iter().enumerate() {
        if let Some((l, v)) = k {
            match same.get(&(*l, v.as_slice())) {
                Some(&first) => dsu.union(first, i as u32),
                None => {
                    same.insert((*l, v.as_slice()), i as u32);
                }
            }
        }
    }
    // Bucket key: (label, word left out, hash of the other words). A hash collision
    // only adds candidates, which the word check below rejects.
    let mut but_one: HashMap<Bucket, Vec<u32>> = HashMap::default();
    let mut buf: Vec<u8> = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        let Some((l, v)) = k else { continue };
        if v.len() < 2 {
            continue;
        }
        for left_out in 0..v.len() {
            buf.clear();
            for (j, w) in v.iter().enumerate() {
                if j != left_out {
                    buf.extend_from_slice(&w.to_le_bytes());
                }
            }
            let h = xxhash_rust::xxh3::xxh3_64(&buf);
            but_one
                .entry((*l, left_out as u32, h))
                .or_default()
                .push(i as u32);
        }
    }
    let mut buckets: Vec<(&Bucket, &Vec<u32>)> =
        but_one.iter().filter(|(_, ids)| ids.len() > 1).collect();
    buckets.sort_unstable_by_key(|(k, _)| **k);
    // Buckets are independent: find their pairs in parallel, then union in bucket
    // order (the partition a union-find ends with does not depend on that order).
    let pairs: Vec<(u32, u32)> = buckets
        .par_iter()
        .flat_map_iter(|&(&(_, left_out, _), ids)| {
            let mut found = Vec::new();
            if ids.len() > 1000 {
                return found; // a pathological bucket: skip rather than go quadratic
            }
            let at = left_out as usize;
            // One representative node per distinct left-out word: nodes sharing it
            // have equal keys and are already one.
            let mut reps: Vec<(u32, u32)> = ids
                .iter()
                .filter_map(|&n| keys[n as usize].as_ref().map(|(_, v)| (v[at], n)))
                .collect();
            reps.sort_unstable();
            reps.dedup_by_key(|r| r.0);
            for (x, &(wa, a)) in reps.iter().enumerate() {
                for &(wb, b) in &reps[x + 1..] {
                    let agree = match (&keys[a as usize], &keys[b as usize]) {
                        (Some((_, va)), Some((_, vb))) => {
                            va.len() == vb.len()
                                && va
                                    .iter()
                                    .zip(vb)
                                    .enumerate()
                                    .all(|(j, (p, q))| j == at || p == q)
                        }
                        _ => false,
                    };
                    if agree && close_words(words[wa as usize], words[wb as usize]) {
                        found.push((a, b));
                    }
                }
            }
            found
        })
        .collect();
    for (a, b) in pairs {
        dsu.union(a, b);
    }
}

fn fold_phrase(s: &str) -> String {
    s.split_whitespace().map(fold).collect::<Vec<_>>().join(" ")
}

/// What linking within a document needs of each distinct form, computed once per
/// form: a corpus has a million mentions but a tenth as many forms, and hashing small
/// integer ids per mention is much cheaper than hashing and allocating strings.
struct FormLinks {
    label: Vec<u32>,
    /// Sorted distinct word ids of a full (multi-word, not aliased) form.
    words: Vec<Vec<u32>>,
    /// Initials id of a full form that is not a person ("European Union" -> "eu").
    initials: Vec<Option<u32>>,
    /// What a short form looks for: (among initials?, id); `None` for forms that never
    /// link (full forms, aliased or split names).
    wants: Vec<Option<(bool, u32)>>,
    /// The display looks like an acronym ("EU", "U.S."), whatever the label.
    acronym_shape: Vec<bool>,
    /// The whole key, for the vote among a document's labels of one name; `None` for
    /// aliased or split names and in strict mode.
    vote: Vec<Option<u64>>,
    /// A multi-word person's (surname id, suffix, given name), for the nickname link
    /// ("Joseph R. Biden" after "Joe Biden"); `None` otherwise and in strict mode.
    person: Vec<Option<(u32, String, String)>>,
}

impl FormLinks {
    fn build(
        normed: &[((Normalised, String), bool)],
        joined: &[String],
        split: &std::collections::HashSet<String>,
        strict: bool,
    ) -> Self {
        let mut ids: HashMap<String, u32> = HashMap::default();
        let mut intern = |s: &str| -> u32 {
            if let Some(&i) = ids.get(s) {
                return i;
            }
            let i = ids.len() as u32;
            ids.insert(s.to_string(), i);
            i
        };
        let n = normed.len();
        let mut out = FormLinks {
            label: Vec::with_capacity(n),
            words: Vec::with_capacity(n),
            initials: Vec::with_capacity(n),
            wants: Vec::with_capacity(n),
            acronym_shape: Vec::with_capacity(n),
            vote: Vec::with_capacity(n),
            person: Vec::with_capacity(n),
        };
        for (((m, label), told), key) in normed.iter().zip(joined) {
            let acronym = is_acronym(&m.display);
            out.acronym_shape.push(acronym.is_some());
            out.label.push(intern(label));
            let full = m.key.len() >= 2 && !told;
            let open = !told && !split.contains(key) && !strict;
            // A hash, not an interned id: every form has a key, and a collision
            // (one in 2^64 per pair) would only let two names vote together.
            out.vote
                .push(open.then(|| xxhash_rust::xxh3::xxh3_64(key.as_bytes())));
            out.person.push(
                (open && label == "PER")
                    .then(|| person_parts(&m.key))
                    .flatten()
                    .map(|p| (intern(p.last), p.suffix.to_string(), p.first.to_string())),
            );
            // A one-word place or organisation is rarely short for a longer name that
            // contains it: "China" is not the "South China Sea", "House" not the "House
            // Judiciary Committee". Only people's names are found inside longer ones.
            let contains = full && (strict || label == "PER");
            let mut words: Vec<u32> = if contains {
                m.key.iter().map(|w| intern(w)).collect()
            } else {
                Vec::new()
            };
            words.sort_unstable();
            words.dedup();
            out.words.push(words);
            out.initials
                .push((full && label != "PER").then(|| intern(&initials(&m.display))));
            let wants = if *told || split.contains(key) {
                None
            } else {
                match (acronym.filter(|_| label != "PER"), m.key.len()) {
                    (Some(a), _) => Some((true, intern(&a))),
                    (None, 1) => Some((false, intern(&m.key[0]))),
                    _ => None,
                }
            };
            out.wants.push(wants);
        }
        out
    }
}

/// For each mention of one document (given by its form), the index within the
/// document of the mention whose form it stands for: itself, or the fuller form it
/// links to (the nearest one before it, else the first after).
fn link_in_document(forms: &[usize], links: &FormLinks) -> Vec<usize> {
    let mut out = link_short_forms(forms, links);
    link_nicknames(forms, links, &mut out);
    vote_labels_in_document(forms, links, &mut out);
    out
}

/// A one-word name (or acronym) to the fuller form in the document that contains it
/// (or has those initials), the nearest one before it, else the first after.
fn link_short_forms(forms: &[usize], links: &FormLinks) -> Vec<usize> {
    let mut out: Vec<usize> = (0..forms.len()).collect();
    if forms.iter().all(|&f| links.wants[f].is_none()) {
        return out;
    }
    // Index the full forms once, sorted by (among initials?, label, id, position), so
    // each short form finds its candidates as one sorted run.
    let mut index: Vec<(bool, u32, u32, usize)> = Vec::new();
    for (j, &f) in forms.iter().enumerate() {
        let label = links.label[f];
        for &w in &links.words[f] {
            index.push((false, label, w, j));
        }
        if let Some(x) = links.initials[f] {
            index.push((true, label, x, j));
        }
    }
    if index.is_empty() {
        return out;
    }
    index.sort_unstable();
    for (i, &f) in forms.iter().enumerate() {
        let Some((among_initials, id)) = links.wants[f] else {
            continue;
        };
        let label = links.label[f];
        let key = (among_initials, label, id);
        let lo = index.partition_point(|e| (e.0, e.1, e.2) < key);
        let hi = lo + index[lo..].partition_point(|e| (e.0, e.1, e.2) == key);
        if lo == hi {
            continue;
        }
        let run = &index[lo..hi];
        let k = run.partition_point(|e| e.3 < i);
        let found = if k > 0 { run[k - 1].3 } else { run[k].3 };
        if found != i {
            out[i] = found;
        }
    }
    out
}

/// A person's full name to an earlier one in the document with the same surname and
/// a familiar or formal form of the same given name ("Joseph R. Biden" after "Joe
/// Biden"). The link is the corpus's evidence that the two forms are one person:
/// step 3 merges forms an article has put together this way.
fn link_nicknames(forms: &[usize], links: &FormLinks, out: &mut [usize]) {
    // Per (surname, suffix), the last mention of each distinct (given name, form) so
    // far: the nearest earlier match is the latest among them. Scanning every earlier
    // mention instead made a single long document quadratic (a 2 MB one took 4 s).
    type Seen<'a> = Vec<(&'a str, usize, usize)>;
    let mut seen: HashMap<(u32, &str), Seen> = HashMap::default();
    for (i, &f) in forms.iter().enumerate() {
        let Some((last, suffix, first)) = links.person[f].as_ref() else {
            continue;
        };
        let group = seen.entry((*last, suffix.as_str())).or_default();
        let earlier = group
            .iter()
            .filter(|&&(g, form, _)| form != f && g != first && nickname_of(g, first))
            .map(|&(_, _, j)| j)
            .max();
        if let Some(j) = earlier {
            out[i] = out[j];
        }
        match group
            .iter_mut()
            .find(|(g, form, _)| *form == f && g == first)
        {
            Some(e) => e.2 = i,
            None => group.push((first.as_str(), f, i)),
        }
    }
}

/// Within a document, a name tagged with more than one label takes the label most of
/// its mentions there have: a minority mention (one that did not link to a fuller
/// form) stands for the nearest majority mention's form. Ties change nothing.
fn vote_labels_in_document(forms: &[usize], links: &FormLinks, out: &mut [usize]) {
    let mut keyed: Vec<(u64, u32, usize)> = forms
        .iter()
        .enumerate()
        .filter_map(|(i, &f)| links.vote[f].map(|k| (k, links.label[f], i)))
        .collect();
    if keyed.len() < 2 {
        return;
    }
    keyed.sort_unstable();
    for run in keyed.chunk_by(|a, b| a.0 == b.0) {
        if run[0].1 == run[run.len() - 1].1 {
            continue;
        }
        let mut best = (0usize, 0u32);
        for same in run.chunk_by(|a, b| a.1 == b.1) {
            if same.len() > best.0 {
                best = (same.len(), same[0].1);
            }
        }
        if best.0 * 2 <= run.len() {
            continue;
        }
        let majority: Vec<usize> = run.iter().filter(|e| e.1 == best.1).map(|e| e.2).collect();
        for &(_, label, i) in run {
            if label == best.1 || out[i] != i {
                continue;
            }
            let k = majority.partition_point(|&j| j < i);
            let j = if k > 0 { majority[k - 1] } else { majority[k] };
            out[i] = out[j];
        }
    }
}

/// Counts of `(group, value)` pairs, sorted by group then value.
fn pair_counts(mut pairs: Vec<u64>) -> Vec<(u32, u32, u32)> {
    pairs.par_sort_unstable();
    let mut out: Vec<(u32, u32, u32)> = Vec::new();
    for p in pairs {
        let (g, v) = ((p >> 32) as u32, p as u32);
        match out.last_mut() {
            Some(last) if last.0 == g && last.1 == v => last.2 += 1,
            _ => out.push((g, v, 1)),
        }
    }
    out
}

/// Sums of counts of `(group, value)` pairs, sorted by group then value.
fn sum_pairs(mut pairs: Vec<(u64, u32)>) -> Vec<(u32, u32, u32)> {
    pairs.par_sort_unstable_by_key(|p| p.0);
    let mut out: Vec<(u32, u32, u32)> = Vec::new();
    for (p, c) in pairs {
        let (g, v) = ((p >> 32) as u32, p as u32);
        match out.last_mut() {
            Some(last) if last.0 == g && last.1 == v => last.2 += c,
            _ => out.push((g, v, c)),
        }
    }
    out
}

/// Name the entities (one per root of `dsu` that some mention stands for) from the
/// tally of their mentions' own forms.
fn build_entities(
    normed: &[((Normalised, String), bool)],
    form_node: &[u32],
    tally: &Tally,
    dsu: &mut Dsu,
) -> Merged {
    let node_root: Vec<u32> = (0..dsu.parent.len() as u32).map(|x| dsu.find(x)).collect();
    let root_of_form = |f: u32| node_root[form_node[f as usize] as usize];
    // One slot per root that some mention stands for.
    let mut slot_of_root = vec![u32::MAX; node_root.len()];
    let mut roots: Vec<u32> = Vec::new();
    for &(t, _, _) in &tally.pairs {
        let r = root_of_form(t) as usize;
        if slot_of_root[r] == u32::MAX {
            slot_of_root[r] = roots.len() as u32;
            roots.push(r as u32);
        }
    }
    // Displays and labels as ids, so counting per entity sorts integers.
    let mut display_of: HashMap<&str, u32> = HashMap::default();
    let mut displays: Vec<&str> = Vec::new();
    let mut label_of: HashMap<&str, u32> = HashMap::default();
    let mut labels: Vec<&str> = Vec::new();
    let mut form_ids: Vec<(u32, u32)> = Vec::with_capacity(normed.len());
    for ((n, label), _) in normed {
        let d = *display_of.entry(n.display.as_str()).or_insert_with(|| {
            displays.push(n.display.as_str());
            displays.len() as u32 - 1
        });
        let l = *label_of.entry(label.as_str()).or_insert_with(|| {
            labels.push(label.as_str());
            labels.len() as u32 - 1
        });
        form_ids.push((d, l));
    }
    let pack = |g: u32, v: u32| ((g as u64) << 32) | v as u64;
    let slot_pairs = |part: fn((u32, u32)) -> u32| {
        sum_pairs(
            tally
                .pairs
                .iter()
                .map(|&(t, f, c)| {
                    let s = slot_of_root[root_of_form(t) as usize];
                    (pack(s, part(form_ids[f as usize])), c)
                })
                .collect(),
        )
    };
    let by_display = slot_pairs(|(d, _)| d);
    let by_label = slot_pairs(|(_, l)| l);
    let n = roots.len();
    let mut forms: Vec<Vec<(&str, u32)>> = vec![Vec::new(); n];
    for &(s, d, c) in &by_display {
        forms[s as usize].push((displays[d as usize], c));
    }
    let mut best_label: Vec<(u32, &str)> = vec![(0, ""); n];
    for &(s, l, c) in &by_label {
        let cur = &mut best_label[s as usize];
        let name = labels[l as usize];
        // Most frequent label; ties to the smaller name, so the choice is stable.
        if c > cur.0 || (c == cur.0 && name < cur.1) {
            *cur = (c, name);
        }
    }
    // Any name of two words or more beats a one-word one; among those the most
    // frequent wins, so "Donald Trump" names the entity its variants
    // ("Donald J. Trump", "Trump Donald John") joined.
    let words = |f: &str| f.split(' ').count().min(2);
    let mut ents: Vec<(u32, u32, Entity)> = forms
        .into_par_iter()
        .enumerate()
        .map(|(s, mut ranked)| {
            // Canonical name: the most frequent form among the multi-word ones (full
            // names over surnames), ties broken by the form itself so the choice is
            // stable.
            ranked.sort_by(|a, b| {
                words(b.0)
                    .cmp(&words(a.0))
                    .then(b.1.cmp(&a.1))
                    .then(a.0.cmp(b.0))
            });
            let name = ranked[0].0.to_string();
            let mentions = ranked.iter().map(|x| x.1).sum();
            ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            (
                roots[s],
                s as u32,
                Entity {
                    name,
                    label: best_label[s].1.to_string(),
                    aliases: ranked.into_iter().map(|(f, _)| f.to_string()).collect(),
                    mentions,
                    documents: 0,
                },
            )
        })
        .collect();
    // Roots are distinct, so the order is total and an unstable sort is deterministic.
    ents.par_sort_unstable_by(|a, b| {
        (a.2.label.as_str(), a.2.name.as_str(), a.0).cmp(&(
            b.2.label.as_str(),
            b.2.name.as_str(),
            b.0,
        ))
    });
    let mut position = vec![0u32; n];
    for (i, (_, s, _)) in ents.iter().enumerate() {
        position[*s as usize] = i as u32;
    }
    Merged {
        entity_of_form: (0..form_node.len() as u32)
            .map(|f| match slot_of_root[root_of_form(f) as usize] {
                u32::MAX => u32::MAX,
                s => position[s as usize],
            })
            .collect(),
        entities: ents.into_iter().map(|(_, _, e)| e).collect(),
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
            strict: false,
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

    /// Documents of (text, label) mentions, numbered in order.
    fn docs(ds: &[&[(&str, &str)]]) -> Vec<MentionIn> {
        ds.iter()
            .enumerate()
            .flat_map(|(d, ms)| ms.iter().map(move |&(t, l)| m(d as u32, t, l)))
            .collect()
    }

    /// The entity of the first mention written `text` with `label`.
    fn entity(ms: &[MentionIn], r: &Resolution, text: &str, label: &str) -> u32 {
        let i = ms
            .iter()
            .position(|x| x.text == text && x.label == label)
            .unwrap_or_else(|| panic!("no mention {text:?} {label:?}"));
        r.entity_of[i]
    }

    #[test]
    fn a_lone_surname_joins_its_dominant_bearer_and_families_stay_apart() {
        let (dt, t) = (("Donald Trump", "PER"), ("Trump", "PER"));
        let ms = docs(&[
            &[dt, t, t],
            &[dt, t],
            &[t, dt, t],
            &[("Melania Trump", "PER"), t],
            &[dt, t, ("Ivanka Trump", "PER")],
            &[("Eric Trump", "PER"), ("Donald Trump Jr.", "PER")],
            &[t, t], // an article that never gives a full name
            &[("Jeb Bush", "PER"), ("Bush", "PER")],
            &[("Jeb Bush", "PER"), ("Bush", "PER")],
            &[("George W. Bush", "PER"), ("Bush", "PER")],
            &[("George W. Bush", "PER"), ("Bush", "PER"), ("Bush", "PER")],
            &[("Bush", "PER")],
            &[
                ("Cherie Blair", "PER"),
                ("Tony Blair", "PER"),
                ("Blair", "PER"),
            ],
        ]);
        let r = resolve(&ms, &opts());
        let e = |text: &str| entity(&ms, &r, text, "PER");
        let lone = r.entity_of[ms.iter().rposition(|x| x.doc == 6).expect("doc 6")];
        assert_eq!(lone, e("Donald Trump"), "the Trump the corpus talks about");
        let family = [
            "Donald Trump",
            "Melania Trump",
            "Ivanka Trump",
            "Eric Trump",
            "Donald Trump Jr.",
            "Cherie Blair",
            "Tony Blair",
        ];
        for (i, a) in family.iter().enumerate() {
            for b in &family[i + 1..] {
                assert_ne!(e(a), e(b), "{a} and {b}");
            }
        }
        // The article's own full name still wins.
        let melania_doc = ms.iter().position(|x| x.doc == 3).expect("doc 3");
        assert_eq!(r.entity_of[melania_doc + 1], e("Melania Trump"));
        // Jeb and George W. share "Bush" about evenly: a lone "Bush" stays apart.
        let lone_bush = r.entity_of[ms.iter().position(|x| x.doc == 11).expect("doc 11")];
        assert_ne!(lone_bush, e("Jeb Bush"));
        assert_ne!(lone_bush, e("George W. Bush"));
        // Strict mode: several bearers, so the lone surname stays on its own.
        let strict = resolve(
            &ms,
            &Options {
                strict: true,
                ..opts()
            },
        );
        let lone = strict.entity_of[ms.iter().rposition(|x| x.doc == 6).expect("doc 6")];
        assert_ne!(lone, entity(&ms, &strict, "Donald Trump", "PER"));
    }

    #[test]
    fn name_variants_and_run_ons_merge_but_not_other_people() {
        let one = |t: &'static str| -> &'static [(&'static str, &'static str)] {
            Box::leak(Box::new([(t, "PER")]))
        };
        let names = [
            "Donald Trump",
            "Donald J. Trump",
            "Donald John Trump",
            "Trump Donald John",
            "Donald Trump Donald",
            "Hillary Clinton",
            "Hillary Rodham Clinton",
            "Hillary Clinton Hillary Diane",
            "Hillary Diane Rodham Clinton",
            "Bill Clinton",
            "George W. Bush",
            "George H.W. Bush",
            "George H. W. Bush",
            "George Bush",
            "Donald Trump Jr.",
            "Nancy Pelosi",
            "Nancy Pelosi Nancy",
            "John F. Kennedy",
            "John Fitzgerald Kennedy",
        ];
        let mut ds: Vec<&[(&str, &str)]> = names.iter().map(|n| one(n)).collect();
        // The most frequent full name names the entity.
        ds.push(one("Donald Trump"));
        let ms = docs(&ds);
        let r = resolve(&ms, &opts());
        let e = |text: &str| entity(&ms, &r, text, "PER");
        for v in &names[1..5] {
            assert_eq!(e(v), e("Donald Trump"), "{v}");
        }
        assert_eq!(r.entities[e("Donald Trump") as usize].name, "Donald Trump");
        for v in &names[6..9] {
            assert_eq!(e(v), e("Hillary Clinton"), "{v}");
        }
        assert_ne!(e("Bill Clinton"), e("Hillary Clinton"));
        assert_eq!(e("Nancy Pelosi Nancy"), e("Nancy Pelosi"));
        assert_eq!(e("John F. Kennedy"), e("John Fitzgerald Kennedy"));
        assert_eq!(e("George H.W. Bush"), e("George H. W. Bush"));
        let bushes = ["George W. Bush", "George H.W. Bush", "George Bush"];
        for (i, a) in bushes.iter().enumerate() {
            for b in &bushes[i + 1..] {
                assert_ne!(e(a), e(b), "{a} and {b}: father and son");
            }
        }
        assert_ne!(e("Donald Trump Jr."), e("Donald Trump"));
    }

    #[test]
    fn a_stray_middle_initial_does_not_split_a_name_but_two_bushes_do() {
        let mut ds: Vec<&[(&str, &str)]> = vec![&[("Donald J. Trump", "PER")]; 20];
        ds.push(&[("Donald F. Trump", "PER")]);
        ds.extend(vec![&[("Donald Trump", "PER")][..]; 5]);
        ds.extend(vec![&[("George W. Bush", "PER")][..]; 10]);
        ds.extend(vec![&[("George H.W. Bush", "PER")][..]; 5]);
        ds.push(&[("George Bush", "PER")]);
        let ms = docs(&ds);
        let r = resolve(&ms, &opts());
        let e = |text: &str| entity(&ms, &r, text, "PER");
        assert_eq!(e("Donald Trump"), e("Donald J. Trump"));
        assert_ne!(e("Donald F. Trump"), e("Donald J. Trump"));
        assert_ne!(e("George Bush"), e("George W. Bush"));
        assert_ne!(e("George Bush"), e("George H.W. Bush"));
    }

    #[test]
    fn nicknames_merge_where_an_article_puts_them_together() {
        let ms = docs(&[
            &[
                ("Joe Biden", "PER"),
                ("Joseph R. Biden", "PER"),
                ("Hunter Biden", "PER"),
            ],
            &[("Joseph R. Biden", "PER")],
            &[("Bob Smith", "PER")],
            &[("Robert Smith", "PER")],
            &[("Don Trump", "PER"), ("Donald Trump Jr.", "PER")],
        ]);
        let r = resolve(&ms, &opts());
        let e = |text: &str| entity(&ms, &r, text, "PER");
        assert_eq!(e("Joseph R. Biden"), e("Joe Biden"));
        assert_eq!(r.entity_of[3], e("Joe Biden"), "in another article too");
        assert_ne!(e("Hunter Biden"), e("Joe Biden"));
        assert_ne!(e("Bob Smith"), e("Robert Smith"), "never seen together");
        assert_ne!(
            e("Don Trump"),
            e("Donald Trump Jr."),
            "a suffix is part of a name"
        );
    }

    #[test]
    fn labels_vote_without_merging_a_place_and_a_person() {
        const VP: (&str, &str) = ("Vladimir Putin", "PER");
        const P: (&str, &str) = ("Putin", "PER");
        const W: (&str, &str) = ("Washington", "LOC");
        let mut ds: Vec<&[(&str, &str)]> = vec![&[VP, P, P]; 10];
        ds.extend([
            &[("Putin", "LOC")][..],
            &[P, P, ("Putin", "LOC")],
            &[("Obama", "PER"), ("Obama", "PER"), ("Obama", "LOC")],
            &[("Barack Obama", "PER")],
            &[("George Washington", "PER"), ("Washington", "PER")],
            &[("Washington", "PER")],
            &[W, W],
            &[W],
            &[W, ("Washington State", "LOC")],
            &[("South China Sea", "LOC"), ("China", "LOC")],
            &[("China", "LOC")],
        ]);
        for _ in 0..20 {
            ds.push(&[W]);
        }
        let ms = docs(&ds);
        let r = resolve(&ms, &opts());
        let e = |text: &str, label: &str| entity(&ms, &r, text, label);
        assert_eq!(e("Putin", "LOC"), e("Vladimir Putin", "PER"), "corpus vote");
        assert_eq!(r.entities[e("Putin", "LOC") as usize].label, "PER");
        let obama_loc = ms
            .iter()
            .position(|x| x.text == "Obama" && x.label == "LOC");
        assert_eq!(
            r.entity_of[obama_loc.expect("Obama as LOC")],
            e("Obama", "PER"),
            "document vote"
        );
        assert_ne!(e("Washington", "PER"), e("Washington", "LOC"));
        assert_ne!(e("George Washington", "PER"), e("Washington", "LOC"));
        assert_ne!(e("Washington State", "LOC"), e("Washington", "LOC"));
        assert_ne!(e("China", "LOC"), e("South China Sea", "LOC"));
        let china = ms.iter().rposition(|x| x.text == "China").expect("China");
        assert_eq!(r.entity_of[china], e("China", "LOC"));
    }

    #[test]
    fn acronyms_join_their_dominant_expansion_across_labels() {
        let us = ("U.S.", "LOC");
        let ms = docs(&[
            &[("United States", "LOC"), us],
            &[("United States", "LOC"), ("US", "LOC")],
            &[("United States", "LOC"), us, us],
            &[("Union Station", "LOC"), us],
            &[us],
            &[("Grand Old Party", "ORG"), ("GOP", "ORG")],
            &[("GOP", "ORG")],
            &[("GOP", "ORG")],
            &[("GOP", "MISC")],
            &[("Supreme Court", "ORG"), ("SC", "ORG")],
            &[("SC", "ORG")],
            &[("SC", "ORG")],
            &[("South Carolina", "LOC"), ("S.C.", "LOC")],
        ]);
        let r = resolve(&ms, &opts());
        let e = |text: &str, label: &str| entity(&ms, &r, text, label);
        assert_eq!(r.entity_of[9], e("United States", "LOC"), "a lone U.S.");
        assert_ne!(e("Union Station", "LOC"), e("United States", "LOC"));
        assert_eq!(e("GOP", "MISC"), e("Grand Old Party", "ORG"));
        assert_ne!(e("S.C.", "LOC"), e("SC", "ORG"));
        assert_ne!(e("South Carolina", "LOC"), e("Supreme Court", "ORG"));
    }

    #[test]
    fn batches_resolve_like_one_pass() {
        let texts = [
            ("Volodymyr Zelensky", "PER"),
            ("Zelenskyy", "PER"),
            ("Volodymyr Zelenskyy", "PER"),
            ("Sergei Lavrov", "PER"),
            ("Lavrov", "PER"),
            ("Russian Foreign Minister Sergei Lavrov's", "PER"),
            ("European Union", "ORG"),
            ("EU", "ORG"),
            ("United States", "LOC"),
            ("US", "LOC"),
            ("Kremlin", "ORG"),
            ("Russia", "LOC"),
            ("Chinese", "MISC"),
            ("China", "LOC"),
            ("Mishustin", "PER"),
            ("Mikhail Mishustin", "PER"),
            ("Li Hui", "PER"),
            ("Li", "PER"),
            ("Donald Trump", "PER"),
            ("Trump", "PER"),
            ("Melania Trump", "PER"),
            ("Donald J. Trump", "PER"),
            ("Trump Donald John", "PER"),
            ("Putin", "LOC"),
            ("Putin", "PER"),
            ("GOP", "MISC"),
            ("GOP", "ORG"),
            ("Grand Old Party", "ORG"),
            ("Joe Biden", "PER"),
            ("Joseph R. Biden", "PER"),
        ];
        // Documents mix the forms in different orders, so links, first mentions and
        // lone names fall in different batches.
        let ms: Vec<MentionIn> = (0..90u32)
            .map(|i| {
                let (t, l) = texts[((i * 7 + i / 9) % texts.len() as u32) as usize];
                m(i / 5, t, l)
            })
            .collect();
        let user = Options {
            aliases: vec![("Kremlin".into(), "Russia".into())],
            merge: vec![vec!["Li".into(), "Li Hui".into()]],
            split: vec!["Mishustin".into()],
            demonyms: vec![("Chinese".into(), "China".into())],
            fuzzy: true,
            strict: false,
        };
        for o in [opts(), user] {
            let whole = resolve(&ms, &o);
            assert!(whole.entities.len() > 5);
            for batch in [1, 2, 3, 7, 100] {
                assert_eq!(
                    resolve_in_batches(&ms, &o, batch),
                    whole,
                    "batches of {batch} documents"
                );
            }
        }
    }
}
