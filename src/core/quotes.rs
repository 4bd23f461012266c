//! Quotations and their speakers, one pass per article.
//!
//! Direct quotations are found from the quotation marks, not from tokens' tags:
//! straight, curly and guillemet marks are paired within a paragraph (straight marks
//! by the characters around them), and a quote left open at a paragraph's end carries
//! on when the next paragraph opens with a mark (the BBC and AP convention for long
//! quotes). Single marks count only outside double ones, and only when a closing mark
//! follows in the paragraph, since `’` is mostly an apostrophe.
//!
//! Attribution follows the sieve idea of Muzny et al. (2017): the most reliable
//! pattern first. A reporting verb just after the quote ("...," he said / said Smith),
//! then one before it in the sentence (Smith said: "..."; Smith called it "..."), then
//! "according to", then the speaker of the quote just before (the second half of
//! "X," he said, "Y." and paragraphs that go on quoting). A quote with none of these is
//! speech only when it is long enough to be a statement; short unattributed quotes are
//! scare quotes, titles or nicknames and are left out.
//!
//! The speaker as written is a noun phrase next to the verb. When it holds a mention
//! the quote is that mention's; a pronoun ("he") or a definite role ("the minister",
//! "the company") is resolved to the nearest compatible named speaker or mention
//! before it. Reported speech without marks ("Lavrov told Li that ...", "..., the
//! ministry said.", "According to X, ...") is found in sentences without marks.

use super::{Article, Span};

/// A mention the quote finder may name as a speaker: its tokens (a range into the
/// article's tokens) and its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MentionRef {
    pub first: u32,
    pub end: u32,
    pub label: Label,
}

/// The entity labels the finder tells apart: people answer to "he"/"she" and person
/// roles, organisations to "it"/"they" and organisation roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    Person,
    Organisation,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Direct,
    Indirect,
}

/// One quotation; spans are byte offsets into the article's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// The quoted words, without the marks (from the first quoted token to the last).
    pub span: Span,
    pub kind: Kind,
    pub paragraph: u32,
    pub sentence: u32,
    /// The reporting verb or phrase ("said", "according to").
    pub cue: Option<Span>,
    /// The source as written ("he", "the Foreign Ministry", "Sergei Lavrov").
    pub speaker: Option<Span>,
    /// The mention the speaker resolves to: an index into the mentions given.
    pub mention: Option<u32>,
}

// -- the words the finder knows --------------------------------------------------------

const CUE: u32 = 1; // reports speech: said, told, added, wrote ...
const DIRECT_ONLY: u32 = 1 << 1; // a cue for quoted words only: called it "...", asked
const ADDRESSEE: u32 = 1 << 2; // takes a hearer before the clause: told X that
const HE: u32 = 1 << 3;
const SHE: u32 = 1 << 4;
const THEY: u32 = 1 << 5;
const IT: u32 = 1 << 6;
const DET: u32 = 1 << 7; // a, an, some, one: an unnamed source
const DEF: u32 = 1 << 8; // the, this: a source named before
const ROLE_PER: u32 = 1 << 9;
const ROLE_ORG: u32 = 1 << 10;
const AUX: u32 = 1 << 11; // between a speaker and the verb: has, also, later ...
const STOP: u32 = 1 << 12; // ends a speaker phrase after the verb: in, on, who ...
const LINK: u32 = 1 << 13; // may sit inside a speaker phrase: of, for, at
const WRITTEN: u32 = 1 << 14; // a statement, tweet, letter: its author speaks
const BE: u32 = 1 << 15; // is, was: "is said to be" is not a report

/// The words the finder knows, by what they do. Looked up lower-cased through a hash
/// map built once: most tokens are none of them, and a `match` over three hundred
/// strings compared each one in turn.
const LEXICON: &[(u32, &[&str])] = &[
    (
        CUE,
        &[
            "said",
            "says",
            "say",
            "saying",
            "told",
            "tells",
            "tell",
            "telling",
            "added",
            "adds",
            "add",
            "wrote",
            "writes",
            "write",
            "stated",
            "states",
            "argued",
            "argues",
            "claimed",
            "claims",
            "insisted",
            "insists",
            "noted",
            "notes",
            "explained",
            "explains",
            "acknowledged",
            "acknowledges",
            "announced",
            "announces",
            "confirmed",
            "confirms",
            "denied",
            "denies",
            "tweeted",
            "tweets",
            "declared",
            "declares",
            "suggested",
            "suggests",
            "admitted",
            "admits",
            "alleged",
            "alleges",
            "asserted",
            "asserts",
            "contended",
            "contends",
            "emphasized",
            "emphasised",
            "emphasizes",
            "stressed",
            "stresses",
            "observed",
            "predicted",
            "predicts",
            "conceded",
            "concedes",
            "maintained",
            "maintains",
            "testified",
            "revealed",
            "reiterated",
            "cautioned",
            "concluded",
            "complained",
            "complains",
            "recalled",
            "recalls",
            "posted",
            "continued",
            "continues",
            "agreed",
            "countered",
            "responded",
            "replied",
            "remarked",
            "lamented",
            "charged",
            "boasted",
            "estimated",
            "reported",
            "believes",
            "thinks",
        ],
    ),
    (
        CUE | ADDRESSEE,
        &[
            "warned", "warns", "assured", "assures", "informed", "reminded", "promised", "promises",
        ],
    ),
    (
        CUE | DIRECT_ONLY,
        &[
            "asked",
            "asks",
            "read",
            "reads",
            "answered",
            "joked",
            "quipped",
            "shouted",
            "yelled",
            "wondered",
            "retorted",
            "exclaimed",
            "mused",
            "called",
            "calls",
            "calling",
            "described",
            "describes",
            "describing",
            "dubbed",
            "labeled",
            "labelled",
            "termed",
            "praised",
            "criticized",
            "criticised",
            "denounced",
            "slammed",
            "blasted",
            "decried",
            "hailed",
            "accused",
            "blamed",
            "characterized",
            "characterised",
            "branded",
            "vowed",
            "pledged",
            "urged",
            "referred",
            "referring",
            "dismissed",
            "insisting",
            "arguing",
            "noting",
            "adding",
            "warning",
            "writing",
            "explaining",
        ],
    ),
    (HE, &["he", "him"]),
    (SHE, &["she", "her"]),
    (THEY, &["they"]),
    (IT, &["it"]),
    (
        DET,
        &[
            "a", "an", "one", "another", "some", "several", "two", "three", "many", "other",
            "senior",
        ],
    ),
    (DEF, &["the", "this", "that"]),
    (
        ROLE_PER,
        &[
            "spokesman",
            "spokeswoman",
            "spokesperson",
            "minister",
            "president",
            "senator",
            "sen.",
            "governor",
            "gov.",
            "official",
            "chairman",
            "chairwoman",
            "director",
            "leader",
            "secretary",
            "ambassador",
            "mayor",
            "lawmaker",
            "congressman",
            "congresswoman",
            "representative",
            "rep.",
            "chief",
            "executive",
            "ceo",
            "founder",
            "candidate",
            "judge",
            "attorney",
            "lawyer",
            "prosecutor",
            "general",
            "commissioner",
            "premier",
            "chancellor",
            "analyst",
            "economist",
            "professor",
            "researcher",
            "author",
            "doctor",
            "coach",
            "manager",
            "officer",
            "sheriff",
            "aide",
            "adviser",
            "advisor",
            "strategist",
            "speaker",
            "nominee",
            "deputy",
            "activist",
            "prime",
            "pastor",
            "bishop",
            "pope",
            "king",
            "queen",
            "prince",
            "host",
            "commander",
            "diplomat",
            "envoy",
            "woman",
            "man",
        ],
    ),
    (
        ROLE_ORG,
        &[
            "company",
            "firm",
            "ministry",
            "department",
            "agency",
            "group",
            "organization",
            "organisation",
            "party",
            "campaign",
            "administration",
            "government",
            "office",
            "committee",
            "council",
            "court",
            "team",
            "network",
            "bank",
            "union",
            "police",
            "military",
            "army",
            "embassy",
            "commission",
            "board",
            "bureau",
            "service",
            "institute",
            "university",
            "foundation",
            "coalition",
            "alliance",
            "club",
            "league",
            "corporation",
            "retailer",
            "automaker",
            "airline",
            "newspaper",
            "outlet",
            "station",
            "website",
            "platform",
            "regime",
            "kremlin",
            "pentagon",
        ],
    ),
    (
        AUX,
        &[
            "has",
            "have",
            "had",
            "would",
            "will",
            "also",
            "later",
            "then",
            "previously",
            "earlier",
            "recently",
            "again",
            "once",
            "further",
            "repeatedly",
            "publicly",
            "reportedly",
            "separately",
            "simply",
            "just",
            "never",
            "often",
            "already",
            "since",
            "flatly",
            "quickly",
            "privately",
            "first",
            "last",
            "finally",
            "even",
            "still",
            "could",
            "may",
            "might",
            "should",
            "did",
            "does",
            "do",
        ],
    ),
    (
        STOP,
        &[
            "in",
            "on",
            "at",
            "during",
            "when",
            "after",
            "before",
            "while",
            "who",
            "which",
            "as",
            "because",
            "to",
            "from",
            "about",
            "with",
            "but",
            "and",
            "or",
            "if",
            "than",
            "thursday",
            "friday",
            "monday",
            "tuesday",
            "wednesday",
            "saturday",
            "sunday",
            "yesterday",
            "today",
            "tonight",
            "according",
            "via",
            "by",
            "through",
        ],
    ),
    (LINK, &["of", "for", "'s", "’s", "'", "’"]),
    (
        WRITTEN,
        &[
            "statement",
            "tweet",
            "post",
            "release",
            "letter",
            "email",
            "e-mail",
            "memo",
            "message",
            "filing",
            "note",
            "speech",
            "remarks",
            "interview",
            "op-ed",
            "report",
            "essay",
            "column",
            "book",
        ],
    ),
    (BE, &["is", "was", "are", "were", "be", "been", "being"]),
];

/// The lexicon as a hash map of lower-case bytes, and which (length, first letter,
/// last letter) triples occur in it: nineteen tokens in twenty fail that test and are
/// never lower-cased or hashed (the lookup was two thirds of the finder's time).
struct Lexicon {
    map: foldhash::HashMap<&'static [u8], u32>,
    starts: Vec<bool>,
    /// The same for the reporting verbs alone.
    cue_starts: Vec<bool>,
}

fn lexicon() -> &'static Lexicon {
    static LEX: std::sync::OnceLock<Lexicon> = std::sync::OnceLock::new();
    LEX.get_or_init(|| {
        let mut map = foldhash::HashMap::default();
        let mut starts = vec![false; 15 * 26 * 27];
        let mut cue_starts = vec![false; 15 * 26 * 27];
        // A word in two lists keeps the first, as the arms of a `match` would.
        for &(flag, words) in LEXICON {
            for &word in words {
                map.entry(word.as_bytes()).or_insert(flag);
                if let Some(i) = slot(word.as_bytes()) {
                    starts[i] = true;
                    cue_starts[i] |= flag & CUE != 0;
                }
            }
        }
        Lexicon {
            map,
            starts,
            cue_starts,
        }
    })
}

/// A word's (length, first letter, last byte) slot, when the word can be in the
/// lexicon at all.
fn slot(word: &[u8]) -> Option<usize> {
    let first = word.first()?.to_ascii_lowercase();
    let last = word.last()?.to_ascii_lowercase();
    if word.len() > 14 || !first.is_ascii_lowercase() {
        return None;
    }
    let last = if last.is_ascii_lowercase() {
        (last - b'a') as usize
    } else {
        26
    };
    Some((word.len() * 26 + (first - b'a') as usize) * 27 + last)
}

/// Whether a token may be a reporting verb: its slot holds one (no lookup).
fn may_be_cue(word: &str) -> bool {
    slot(word.as_bytes()).is_some_and(|i| lexicon().cue_starts[i])
}

/// Flags of a token: its words' lexicon entry, looked up lower-cased.
fn flags(word: &str) -> u32 {
    let bytes = word.as_bytes();
    let lex = lexicon();
    match slot(bytes) {
        Some(i) if lex.starts[i] => {}
        _ => {
            return match word {
                "’s" | "’" | "'s" | "'" => LINK,
                _ => 0,
            }
        }
    }
    let mut buf = [0u8; 14];
    let b = &mut buf[..bytes.len()];
    b.copy_from_slice(bytes);
    b.make_ascii_lowercase();
    lex.map.get(&b[..]).copied().unwrap_or(0)
}

// -- quotation marks -------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    None,
    /// “ „ « : always opens.
    Open,
    /// ” » : always closes.
    Close,
    /// " : opens or closes, by the characters around it.
    Straight,
    /// ‘ : opens a single-marked quote.
    OpenSingle,
    /// ’ or ' : closes one, or is an apostrophe.
    Single,
}

fn mark(tok: &str) -> Mark {
    match tok {
        "“" | "„" | "«" | "‟" => Mark::Open,
        "”" | "»" => Mark::Close,
        "\"" | "''" | "``" => Mark::Straight,
        "‘" | "‹" => Mark::OpenSingle,
        "’" | "'" | "›" => Mark::Single,
        _ => Mark::None,
    }
}

/// Per token: where it is and what the finder knows of it.
struct Doc<'a> {
    text: &'a str,
    toks: Vec<Span>,
    /// Per token, its lexicon flags, [`UNKNOWN`] until asked for: only reporting verbs
    /// are looked up for every token (by [`Doc::cue`]), the rest near quotes.
    flag: Vec<std::cell::Cell<u32>>,
    marks: Vec<Mark>,
    para: Vec<u32>,
    sent: Vec<u32>,
    /// Per sentence, its token range.
    sents: Vec<(usize, usize)>,
    /// Per paragraph, its token range.
    paras: Vec<(usize, usize)>,
    /// Per token, the mention that covers it.
    mention_at: Vec<u32>,
    mentions: &'a [MentionRef],
}

const NO_MENTION: u32 = u32::MAX;
/// Lexicon flags not looked up yet.
const UNKNOWN: u32 = u32::MAX;

impl<'a> Doc<'a> {
    fn new(a: &'a Article, mentions: &'a [MentionRef]) -> Doc<'a> {
        let toks = a.tokens.spans();
        let n = toks.len();
        let mut flag = Vec::with_capacity(n);
        let mut marks = Vec::with_capacity(n);
        for t in &toks {
            let w = &a.text[t.range()];
            flag.push(std::cell::Cell::new(if may_be_cue(w) {
                flags(w)
            } else {
                UNKNOWN
            }));
            // Every mark starts with one of these bytes (curly marks with 0xE2, guillemets
            // with 0xC2): other tokens need no string comparison.
            let maybe_mark =
                t.len() <= 3 && matches!(w.as_bytes()[0], b'"' | b'\'' | b'`' | 0xC2 | 0xE2);
            marks.push(if maybe_mark { mark(w) } else { Mark::None });
        }
        let mut para = vec![0; n];
        let mut sent = vec![0; n];
        let mut sents = Vec::with_capacity(a.sentences.len());
        let mut paras: Vec<(usize, usize)> = vec![(0, 0); a.paragraphs.len()];
        for (i, s) in a.sentences.iter().enumerate() {
            let (f, e) = (
                s.first_token as usize,
                (s.first_token + s.n_tokens) as usize,
            );
            for k in f..e.min(n) {
                para[k] = s.paragraph;
                sent[k] = i as u32;
            }
            sents.push((f, e));
            if let Some(p) = paras.get_mut(s.paragraph as usize) {
                if p.0 == p.1 {
                    p.0 = f;
                }
                p.1 = e;
            }
        }
        let mut mention_at = vec![NO_MENTION; n];
        for (i, m) in mentions.iter().enumerate() {
            let (a, b) = ((m.first as usize).min(n), (m.end as usize).min(n));
            mention_at[a..b].fill(i as u32);
        }
        Doc {
            text: &a.text,
            toks,
            flag,
            marks,
            para,
            sent,
            sents,
            paras,
            mention_at,
            mentions,
        }
    }

    /// The lexicon flags of token `i`.
    fn f(&self, i: usize) -> u32 {
        let v = self.flag[i].get();
        if v != UNKNOWN {
            return v;
        }
        let v = flags(self.word(i));
        self.flag[i].set(v);
        v
    }

    /// The reporting-verb flags of token `i` (`CUE`, `DIRECT_ONLY`, `ADDRESSEE`), known
    /// for every token without a lookup.
    fn cue(&self, i: usize) -> u32 {
        let v = self.flag[i].get();
        if v == UNKNOWN {
            0
        } else {
            v & (CUE | DIRECT_ONLY | ADDRESSEE)
        }
    }

    fn word(&self, i: usize) -> &str {
        &self.text[self.toks[i].range()]
    }

    fn is_punct(&self, i: usize) -> bool {
        let w = self.word(i);
        !w.chars().any(char::is_alphanumeric)
    }

    fn ends_sentence(&self, i: usize) -> bool {
        matches!(self.word(i), "." | "!" | "?" | "..." | "…")
    }

    fn capitalized(&self, i: usize) -> bool {
        self.word(i).chars().next().is_some_and(char::is_uppercase)
    }

    fn byte_before(&self, i: usize) -> Option<char> {
        self.text[..self.toks[i].start as usize].chars().next_back()
    }

    fn byte_after(&self, i: usize) -> Option<char> {
        self.text[self.toks[i].end as usize..].chars().next()
    }

    /// Whether a straight mark at token `i` opens (true) or closes (false) a quote,
    /// when the characters around it say so.
    fn opens(&self, i: usize) -> Option<bool> {
        let before = self.byte_before(i);
        let after = self.byte_after(i);
        let open_side = before.is_none_or(|c| c.is_whitespace() || "([{—–-/".contains(c));
        let close_side = after.is_none_or(|c| c.is_whitespace() || ",.;:!?)]}—–-…".contains(c));
        match (open_side, close_side) {
            (true, false) => Some(true),
            (false, true) => Some(false),
            _ => None,
        }
    }

    fn span(&self, first: usize, end: usize) -> Span {
        Span {
            start: self.toks[first].start,
            end: self.toks[end - 1].end,
        }
    }
}

/// A quoted region: the tokens between its marks, and the marks' tokens.
#[derive(Debug, Clone, Copy)]
struct Region {
    open: usize,
    /// The closing mark, or the paragraph's end for a quote left open.
    close: usize,
    first: usize,
    end: usize,
}

/// Pair the marks of the whole article.
fn regions(d: &Doc<'_>) -> Vec<Region> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    for (p, &(pf, pe)) in d.paras.iter().enumerate() {
        let mut i = pf;
        // A quote still open from the paragraph before goes on if this one opens with
        // a mark; that mark is not a new quote.
        if let Some(o) = open {
            let starts_marked = pf < pe && matches!(d.marks[pf], Mark::Open | Mark::Straight);
            if starts_marked {
                i = pf + 1;
            } else {
                let prev_end = d.paras[p - 1].1;
                push(&mut out, o, prev_end, prev_end);
                open = None;
            }
        }
        while i < pe {
            match d.marks[i] {
                Mark::Open => {
                    if let Some(o) = open {
                        // A second opener: the first had lost its closing mark.
                        push(&mut out, o, i, i);
                    }
                    open = Some(i);
                }
                Mark::Close => {
                    if let Some(o) = open.take() {
                        push(&mut out, o, i, i);
                    }
                }
                Mark::Straight => match (open, d.opens(i)) {
                    (None, Some(false)) => {}
                    (None, _) => open = Some(i),
                    (Some(o), Some(true)) if i > o + 1 => {
                        push(&mut out, o, i, i);
                        open = Some(i);
                    }
                    (Some(o), _) => {
                        push(&mut out, o, i, i);
                        open = None;
                    }
                },
                Mark::OpenSingle | Mark::Single if open.is_none() => {
                    if let Some(c) = single_close(d, i, pe) {
                        push(&mut out, i, c, c);
                        i = c;
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }
    if let (Some(o), Some(&(_, pe))) = (open, d.paras.last()) {
        push(&mut out, o, pe, pe);
    }
    out
}

fn push(out: &mut Vec<Region>, open: usize, close: usize, end: usize) {
    if open + 1 < end {
        out.push(Region {
            open,
            close,
            first: open + 1,
            end,
        });
    }
}

/// The closing single mark of a single quote opening at `i`, if the characters say it
/// opens and a closing one follows in the paragraph before any double mark.
fn single_close(d: &Doc<'_>, i: usize, pe: usize) -> Option<usize> {
    let after = d.byte_after(i)?;
    if !after.is_alphabetic() {
        return None;
    }
    if d.marks[i] == Mark::Single && d.opens(i) != Some(true) {
        return None;
    }
    for k in i + 2..pe {
        match d.marks[k] {
            Mark::Open | Mark::Close | Mark::Straight => return None,
            Mark::Single if d.opens(k) == Some(false) => {
                // "players’ union": a closing mark after a plural -s, followed by a
                // lower-case word, is a possessive.
                let next_lower = d.byte_after(k).is_some_and(|c| c == ' ')
                    && k + 1 < pe
                    && d.word(k + 1).chars().next().is_some_and(char::is_lowercase);
                if !(next_lower && d.word(k - 1).ends_with('s')) {
                    return Some(k);
                }
            }
            _ => {}
        }
    }
    None
}

// -- speakers --------------------------------------------------------------------------

/// A speaker phrase: its tokens, and the cue that introduced it.
#[derive(Debug, Clone, Copy)]
struct Attribution {
    cue: Option<(usize, usize)>,
    speaker: Option<(usize, usize)>,
}

/// The speaker phrase that follows a cue at `i` ("said the company's chief").
fn phrase_after(d: &Doc<'_>, i: usize, limit: usize) -> Option<(usize, usize)> {
    let mut k = i;
    while k < limit && k < i + 12 {
        let f = d.f(k);
        if d.marks[k] != Mark::None && f & LINK == 0 {
            break;
        }
        let written_by =
            matches!(d.word(k), "from" | "by") && (i..k).any(|j| d.f(j) & WRITTEN != 0);
        if (f & STOP != 0 && d.mention_at[k] == NO_MENTION && !written_by)
            || (d.is_punct(k) && f & LINK == 0)
            || (f & CUE != 0 && k > i)
        {
            break;
        }
        k += 1;
    }
    (k > i).then_some((i, k))
}

/// The speaker phrase that ends just before token `end` ("the Foreign Ministry" in
/// "the Foreign Ministry said"), skipping the words that may stand between (has,
/// also) and an apposition between commas ("Smith, a spokesman, said").
fn phrase_before(d: &Doc<'_>, end: usize, floor: usize) -> Option<(usize, usize)> {
    let mut e = end;
    loop {
        if e > floor && (d.f(e - 1) & AUX != 0 || adverb(d, e - 1)) {
            e -= 1;
        } else if e > floor + 1 && d.word(e - 1) == ")" {
            // "Human Rights Watch (HRW) stated": the aside is not the speaker.
            match (floor..e - 1).rev().take(8).find(|&k| d.word(k) == "(") {
                Some(k) => e = k,
                None => break,
            }
        } else {
            break;
        }
    }
    if e > floor && d.word(e - 1) == "," {
        // Skip back over ", a spokesman for X," or ", who ...," to the name before.
        let mut k = e - 1;
        let stop = floor.max(e.saturating_sub(16));
        while k > stop && d.word(k - 1) != "," && d.marks[k - 1] == Mark::None {
            k -= 1;
        }
        if k > stop && d.word(k - 1) == "," {
            e = k - 1;
        } else {
            return None;
        }
    }
    let mut s = e;
    while s > floor && s + 16 > e {
        let k = s - 1;
        if d.word(k) == ")" && k >= floor + 2 && d.word(k - 2) == "(" {
            // "the American Civil Liberties Union (ACLU) Immigrants' Rights Project"
            s = k - 2;
            continue;
        }
        let f = d.f(k);
        let in_mention = d.mention_at[k] != NO_MENTION;
        if d.marks[k] != Mark::None && f & LINK == 0 {
            break;
        }
        if !in_mention && ((f & (STOP | CUE | BE) != 0) || (d.is_punct(k) && f & LINK == 0)) {
            break;
        }
        s = k;
    }
    if s < e && d.f(e - 1) & (HE | SHE | THEY | IT) != 0 {
        // "a bill he called": the pronoun is the speaker, not the words before it.
        return Some((e - 1, e));
    }
    if s < e && s > floor + 1 && d.word(s - 1) == "," && d.f(s) & (ROLE_PER | DET | DEF) != 0 {
        // "Lee Gelernt, deputy director of the ACLU, said": the name before the role.
        let m = d.mention_at[s - 2];
        if m != NO_MENTION && d.mentions[m as usize].label == Label::Person {
            let first = (d.mentions[m as usize].first as usize).max(floor);
            return Some((first, s - 1));
        }
    }
    // A speaker has a word in it: "in 11 states" is not one.
    let wordy = (s..e).any(|k| d.word(k).starts_with(char::is_alphabetic));
    (s < e && wordy).then_some((s, e))
}

/// A lower-case word in -ly between a speaker and the verb ("likewise", "falsely").
fn adverb(d: &Doc<'_>, k: usize) -> bool {
    let w = d.word(k);
    (w.ends_with("ly") || w == "likewise") && w.chars().next().is_some_and(char::is_lowercase)
}

/// The mention a speaker phrase names, if it names one: not a possessor ("Biden's
/// spokesman") nor the object of "for"/"of" after an unnamed head ("a spokesman for
/// Pelosi"); after "by" the agent ("a statement issued by the ministry").
fn named(d: &Doc<'_>, (s, e): (usize, usize)) -> Option<u32> {
    let mut from = s;
    for k in s..e {
        if d.word(k).eq_ignore_ascii_case("by") || d.word(k).eq_ignore_ascii_case("from") {
            from = k + 1;
        }
    }
    if from >= e {
        return None;
    }
    let head_unnamed = d.mention_at[from] == NO_MENTION && d.f(from) & (DET | DEF) != 0;
    let mut best: Option<u32> = None;
    let mut k = from;
    while k < e {
        let m = d.mention_at[k];
        if m == NO_MENTION {
            k += 1;
            continue;
        }
        let me = (d.mentions[m as usize].end as usize).min(e);
        let possessive = me < e && d.f(me) & LINK != 0 && !matches!(d.word(me), "of" | "for");
        let after_link = k > from && matches!(d.word(k - 1), "of" | "for" | "at" | "with");
        // "the Russian side", "Chinese customs data": a name that modifies the head.
        let modifier = d.mentions[m as usize].label == Label::Other
            && me < e
            && !d.is_punct(me)
            && d.f(me) & LINK == 0
            && d.f(e - 1) & WRITTEN == 0;
        if modifier {
            k = me.max(k + 1);
            continue;
        }
        let statement_of = possessive && (me + 1..e).any(|j| d.f(j) & WRITTEN != 0);
        if (!possessive || statement_of) && !(after_link && head_unnamed) {
            let better = match best {
                None => true,
                Some(b) => rank(d.mentions[m as usize].label) >= rank(d.mentions[b as usize].label),
            };
            if better {
                best = Some(m);
            }
        }
        k = me.max(k + 1);
    }
    best
}

fn rank(l: Label) -> u8 {
    match l {
        Label::Person => 2,
        Label::Organisation => 1,
        Label::Other => 0,
    }
}

/// Who a phrase without a name stands for, in the words it uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stand {
    Person,
    Organisation,
    /// "the minister": the person introduced with that title.
    Titled(usize),
    /// "the company": the organisation named before.
    OrgRole,
    None,
}

fn stands_for(d: &Doc<'_>, (s, e): (usize, usize)) -> Stand {
    if e == s + 1 {
        let f = d.f(s);
        if f & (HE | SHE) != 0 {
            return Stand::Person;
        }
        if f & (IT | THEY) != 0 {
            return Stand::Organisation;
        }
    }
    if d.f(s) & DEF == 0 {
        return Stand::None;
    }
    // The head is the last word before "of"/"for"/a comma.
    let mut head = e - 1;
    for k in s + 1..e {
        if matches!(d.word(k), "of" | "for") {
            head = k - 1;
            break;
        }
    }
    let f = d.f(head);
    if f & ROLE_PER != 0 {
        Stand::Titled(head)
    } else if f & ROLE_ORG != 0 {
        Stand::OrgRole
    } else {
        Stand::None
    }
}

// -- the finder ------------------------------------------------------------------------

/// The quotations of one article. `mentions` are its mentions (body only), in order.
pub fn find_quotes(a: &Article, mentions: &[MentionRef]) -> Vec<Quote> {
    if a.tokens.is_empty() {
        return Vec::new();
    }
    let d = Doc::new(a, mentions);
    let regions = regions(&d);
    let mut inside = vec![false; d.toks.len()];
    for r in &regions {
        for flag in inside.iter_mut().take(r.end.min(d.toks.len())).skip(r.open) {
            *flag = true;
        }
    }
    let mut found: Vec<Found> = Vec::new();
    for r in &regions {
        let attr = attribute(&d, r, &inside);
        let after = attr.is_some_and(|a| a.cue.or(a.speaker).is_some_and(|(k, _)| k > r.close));
        if !is_speech(&d, r, after) {
            continue;
        }
        if attr.is_none() && !is_statement(&d, r) && !follows_quote(&d, r, &found, &inside) {
            continue;
        }
        found.push(Found {
            first: r.first,
            end: r.end,
            open: r.open,
            kind: Kind::Direct,
            cue: attr.and_then(|a| a.cue),
            phrase: attr.and_then(|a| a.speaker),
        });
    }
    indirect(&d, &inside, &mut found);
    found.sort_by_key(|f| (f.first, f.end));
    // Speakers are resolved in reading order: a pronoun looks back at the speakers
    // and names before it.
    let mut speakers: Vec<(usize, u32)> = Vec::new();
    let mut out: Vec<Quote> = Vec::with_capacity(found.len());
    let mut last_direct: Option<usize> = None;
    for f in &found {
        let (mut speaker, mut mention) = resolve(&d, f.phrase, f.open, &speakers, &inside);
        if speaker.is_none() && f.kind == Kind::Direct {
            // A quote without its own speaker goes on from the one before it: the
            // second half of "X," he said, "Y.", or the next paragraph of a statement.
            if let Some(q) = last_direct.filter(|&i| continues(&d, &found, i, f, &inside)) {
                (speaker, mention) = (out[q].speaker, out[q].mention);
            }
        }
        if let Some(m) = mention {
            speakers.push((f.open, m));
        }
        if f.kind == Kind::Direct {
            last_direct = Some(out.len());
        }
        out.push(Quote {
            span: d.span(f.first, f.end),
            kind: f.kind,
            paragraph: d.para[f.first],
            sentence: d.sent[f.first],
            cue: f.cue.map(|(s, e)| d.span(s, e)),
            speaker,
            mention,
        });
    }
    out
}

/// A quotation before its speaker is resolved: token ranges.
#[derive(Debug, Clone, Copy)]
struct Found {
    first: usize,
    end: usize,
    /// Where the quote starts, with its mark: speakers are looked for before it.
    open: usize,
    kind: Kind,
    cue: Option<(usize, usize)>,
    phrase: Option<(usize, usize)>,
}

/// Whether quote `f` goes on from found quote `prev` (an index into `found`): in the
/// same paragraph, or opening the next one, with no other reporting verb between.
fn continues(d: &Doc<'_>, found: &[Found], prev: usize, f: &Found, inside: &[bool]) -> bool {
    let p = &found[prev];
    let (pp, fp) = (d.para[p.first], d.para[f.first]);
    let opens_paragraph = f.open == d.paras[fp as usize].0;
    if !(pp == fp || (pp + 1 == fp && opens_paragraph)) {
        return false;
    }
    let own_cue = p.cue.map(|c| c.0);
    (p.end..f.open).all(|k| inside[k] || d.cue(k) & CUE == 0 || Some(k) == own_cue)
}

/// Whether an unattributed region follows a direct quote closely enough to go on
/// from it (see [`continues`]).
fn follows_quote(d: &Doc<'_>, r: &Region, found: &[Found], inside: &[bool]) -> bool {
    let f = Found {
        first: r.first,
        end: r.end,
        open: r.open,
        kind: Kind::Direct,
        cue: None,
        phrase: None,
    };
    found
        .iter()
        .rposition(|p| p.kind == Kind::Direct)
        .is_some_and(|i| continues(d, found, i, &f, inside))
}

/// Words in marks that are not anybody's words: nicknames (Dwayne "The Rock"
/// Johnson), titles of works in title case, "so-called" scare quotes.
fn is_speech(d: &Doc<'_>, r: &Region, attributed_after: bool) -> bool {
    let n = r.end - r.first;
    if r.open > 0 && d.word(r.open - 1).eq_ignore_ascii_case("so-called") {
        return false;
    }
    if n <= 4 && r.open > 0 && r.close + 1 < d.toks.len() {
        let nickname = d.capitalized(r.open - 1)
            && d.capitalized(r.close + 1)
            && d.mention_at[r.open - 1] != NO_MENTION
            && !d.is_punct(r.open - 1);
        if nickname {
            return false;
        }
    }
    // Titles of works, shows, ads and names in marks are in title case ("Ringside Seat:
    // Wisconsin Politics, the 1970s to Scott Walker"); a speaker's words so written
    // come with the verb right after them ("Yes," he said).
    let words: Vec<usize> = (r.first..r.end).filter(|&k| !d.is_punct(k)).collect();
    let title_case = !words.is_empty()
        && words.len() <= 16
        && words.iter().all(|&k| {
            let w = d.word(k);
            d.capitalized(k)
                || w.len() <= 3
                || w.starts_with(|c: char| c.is_ascii_digit())
                || matches!(w, "from" | "with" | "into" | "over" | "upon")
        })
        && !(r.first..r.end.saturating_sub(1)).any(|k| d.ends_sentence(k));
    if title_case {
        return attributed_after;
    }
    true
}

/// An unattributed quote that reads as a statement or a passage of a document: a
/// sentence, or eight words or more.
fn is_statement(d: &Doc<'_>, r: &Region) -> bool {
    let words = (r.first..r.end).filter(|&k| !d.is_punct(k)).count();
    words >= 8 || (words >= 5 && d.capitalized(r.first))
}

/// The end of the window after a quote: the sentence's end, the next mark or the
/// paragraph's end, at most `n` tokens on.
fn window_after(d: &Doc<'_>, from: usize, para: u32, n: usize) -> usize {
    if from >= d.toks.len() || d.para[from] != para {
        return from;
    }
    let pe = d.paras[para as usize].1;
    let mut k = from;
    while k < pe && k < from + n {
        if d.ends_sentence(k) || (d.marks[k] != Mark::None && d.f(k) & LINK == 0) {
            break;
        }
        k += 1;
    }
    k
}

/// The start of the window before a quote: its sentence's start (or the last mark),
/// at most `n` tokens back. A paragraph ending in a colon reaches into the next.
fn window_before(d: &Doc<'_>, to: usize, n: usize, inside: &[bool]) -> usize {
    let mut k = to;
    let floor = to.saturating_sub(n);
    let mut para = d.para[to.min(d.toks.len() - 1)];
    while k > floor {
        let j = k - 1;
        if d.ends_sentence(j) || inside[j] {
            break;
        }
        if d.para[j] != para {
            if d.word(j) != ":" || k != to {
                break;
            }
            // "Trump wrote:" closing the paragraph before the quote.
            para = d.para[j];
        }
        k = j;
    }
    k
}

fn attribute(d: &Doc<'_>, r: &Region, inside: &[bool]) -> Option<Attribution> {
    let n = d.toks.len();
    // 1. A verb just after: "...," he said / said Smith / the ministry said. Only
    // when the quote ends where an attribution may follow: not in "called it "X" to
    // undercut a rival and said ...", whose later verb has another object.
    if r.close < n && d.marks[r.close] != Mark::None && may_follow(d, r) {
        let para = d.para[r.close];
        let mut k = r.close + 1;
        while k < n && d.para[k] == para && matches!(d.word(k), "," | "—" | "–" | "-") {
            k += 1;
        }
        let limit = window_after(d, k, para, 16);
        // After a quoted sentence a capitalised word starts the next one: "...Iraq."
        // Sheriff Clarke praised Trump" is not Clarke's quote; "... ." he said is.
        let complete = r.end > r.first && d.ends_sentence(r.end - 1);
        let is_cue = |j: usize| is_cue(d, j) && !(complete && d.f(j) & DIRECT_ONLY != 0);
        let mut j = k;
        while j < limit && (d.f(j) & AUX != 0 || adverb(d, j)) {
            j += 1;
        }
        // "...," said Smith; not "...," referring to X, whose speaker is before.
        let speaker = (j < limit && is_cue(j))
            .then(|| phrase_after(d, j + 1, limit))
            .flatten();
        if speaker.is_some() {
            return Some(Attribution {
                cue: Some(cue_span(d, j)),
                speaker,
            });
        }
        if let Some(at) = according(d, k, limit) {
            return Some(at);
        }
        for j in k..limit {
            if is_cue(j) {
                let phrase = phrase_before(d, j, k).filter(|p| p.0 == k);
                if phrase.is_some() {
                    return Some(Attribution {
                        cue: Some(cue_span(d, j)),
                        speaker: phrase,
                    });
                }
                break;
            }
        }
        // A pull quote signed with a dash: "..." — Jane Doe, The Post.
        let dashed = k > r.close + 1 && matches!(d.word(k - 1), "—" | "–" | "-");
        if dashed && k < limit && starts_name(d, k) {
            let m = d.mentions[d.mention_at[k] as usize];
            return Some(Attribution {
                cue: None,
                speaker: Some((k, m.end as usize)),
            });
        }
    }
    // 2. A verb before, in the sentence: Smith said: "..."; Smith called it "...".
    let floor = window_before(d, r.open, 40, inside);
    let sent_floor = d.sents[d.sent[r.open] as usize].0.min(floor);
    for j in (floor..r.open).rev() {
        if let Some(at) = according(d, j, r.open) {
            return Some(at);
        }
        if is_cue(d, j) && !(j > floor && d.f(j - 1) & BE != 0) {
            // "As for the producers, says Sanders, they "..."": the name follows.
            let inverted = (j == floor || d.word(j - 1) == ",") && starts_name(d, j + 1);
            if inverted {
                let m = d.mentions[d.mention_at[j + 1] as usize];
                if (m.end as usize) < r.open {
                    return Some(Attribution {
                        cue: Some(cue_span(d, j)),
                        speaker: Some((j + 1, m.end as usize)),
                    });
                }
            }
            // "..., saying that": a participle's speaker is the clause's subject.
            let participle = d.word(j).ends_with("ing");
            let phrase = if participle {
                None
            } else {
                phrase_before(d, j, floor)
            };
            return Some(Attribution {
                cue: Some(cue_span(d, j)),
                speaker: phrase.or_else(|| subject(d, sent_floor, j, inside, participle)),
            });
        }
    }
    // 3. A colon after a clause: "McKenna concurs: "..."".
    if r.open > floor + 1 && d.word(r.open - 1) == ":" {
        let verb = r.open - 2;
        if let Some(speaker) = subject(d, sent_floor, verb, inside, true) {
            return Some(Attribution {
                cue: is_cue(d, verb).then_some((verb, verb + 1)),
                speaker: Some(speaker),
            });
        }
    }
    None
}

/// Whether a person's or organisation's name starts at token `k`.
fn starts_name(d: &Doc<'_>, k: usize) -> bool {
    let m = match d.mention_at.get(k) {
        Some(&m) if m != NO_MENTION => d.mentions[m as usize],
        _ => return false,
    };
    m.first as usize == k && m.label != Label::Other
}

/// Whether an attribution may follow the quote's closing mark: something follows it
/// in its paragraph (the verb's place is checked by the patterns themselves).
fn may_follow(d: &Doc<'_>, r: &Region) -> bool {
    let k = r.close + 1;
    k < d.toks.len() && d.para[k] == d.para[r.close]
}

/// The sentence's speaker when no phrase stands next to its verb ("and said ..."
/// after an earlier clause): the nearest pronoun or mention before the verb, or with
/// `first` the first one of the sentence (the subject of "..., saying").
fn subject(
    d: &Doc<'_>,
    floor: usize,
    verb: usize,
    inside: &[bool],
    first: bool,
) -> Option<(usize, usize)> {
    let at = |k: usize| -> Option<(usize, usize)> {
        if inside[k] {
            return None;
        }
        if d.f(k) & (HE | SHE | THEY | IT) != 0 && d.word(k) != "her" && d.word(k) != "him" {
            return Some((k, k + 1));
        }
        let m = d.mention_at[k];
        if m == NO_MENTION || d.mentions[m as usize].label == Label::Other {
            return None;
        }
        let (a, b) = (
            d.mentions[m as usize].first as usize,
            d.mentions[m as usize].end as usize,
        );
        let possessive = b < d.toks.len() && matches!(d.word(b), "'s" | "’s" | "'" | "’");
        // "The IG's report chides her, saying": the report's author speaks.
        let authored = possessive && b + 1 < verb && d.f(b + 1) & WRITTEN != 0;
        (a == k && (!possessive || authored)).then_some((a, b))
    };
    if first {
        (floor..verb).find_map(at)
    } else {
        (floor..verb).rev().find_map(|k| {
            let m = d.mention_at[k];
            let k = if m == NO_MENTION {
                k
            } else {
                d.mentions[m as usize].first as usize
            };
            at(k.max(floor))
        })
    }
}

/// A reporting verb in running text: lower-case unless it opens its sentence
/// ("States" in "United States" is not "states"; "Asked about it, ..." may be).
fn is_cue(d: &Doc<'_>, j: usize) -> bool {
    d.cue(j) & CUE != 0
        && d.marks[j] == Mark::None
        && (d.word(j).starts_with(|c: char| c.is_ascii_lowercase())
            || d.sents[d.sent[j] as usize].0 == j)
}

/// The cue's tokens: one verb, or "according to".
fn cue_span(_d: &Doc<'_>, j: usize) -> (usize, usize) {
    (j, j + 1)
}

/// "according to X" at token `j`, with X before `limit`.
fn according(d: &Doc<'_>, j: usize, limit: usize) -> Option<Attribution> {
    if j + 2 < limit
        && d.word(j).eq_ignore_ascii_case("according")
        && d.word(j + 1).eq_ignore_ascii_case("to")
    {
        return Some(Attribution {
            cue: Some((j, j + 2)),
            speaker: phrase_after(d, j + 2, limit),
        });
    }
    None
}

/// The speaker span and mention of an attribution's phrase.
fn resolve(
    d: &Doc<'_>,
    phrase: Option<(usize, usize)>,
    at: usize,
    speakers: &[(usize, u32)],
    inside: &[bool],
) -> (Option<Span>, Option<u32>) {
    let Some((s, e)) = phrase else {
        return (None, None);
    };
    let span = Some(d.span(s, e));
    if let Some(m) = named(d, (s, e)) {
        return (span, Some(m));
    }
    let here = d.para[s.min(at)];
    let recent = |label: Label| {
        speakers
            .iter()
            .rev()
            .take_while(|(k, _)| d.para[*k] + 3 >= here)
            .find(|(_, m)| d.mentions[*m as usize].label == label)
            .map(|&(_, m)| m)
    };
    let nearest = |label: Label| -> Option<u32> {
        (0..s).rev().find_map(|k| {
            let m = d.mention_at[k];
            (m != NO_MENTION && !inside[k] && d.mentions[m as usize].label == label).then_some(m)
        })
    };
    let mention = match stands_for(d, (s, e)) {
        Stand::Person => {
            // Hobbs-like: this sentence before the pronoun, then earlier sentences of
            // this and the previous paragraph, each read from its start (subjects come
            // first); a person of the other sex is passed over. Then the last person
            // quoted nearby.
            let female = d.f(s) & SHE != 0;
            let fits = |m: u32| {
                d.mentions[m as usize].label == Label::Person && sex(d, m) != Some(!female)
            };
            let this = d.sent[s] as usize;
            let first_para = d.para[s].saturating_sub(1);
            // A speaker reported in this or the two sentences before comes first:
            // "..., Sergio Gor said. "..." he said" is Gor's, not the subject's.
            let just_quoted = speakers
                .iter()
                .rev()
                .take_while(|(k, _)| d.sent[*k] as usize + 2 >= this)
                .find(|&&(k, m)| k < s && fits(m))
                .map(|&(_, m)| m);
            just_quoted.or_else(|| {
                (0..=this.min(4))
                    .map(|back| this - back)
                    .take_while(|&i| d.para[d.sents[i].0.min(d.toks.len() - 1)] >= first_para)
                    .find_map(|i| {
                        let (a, b) = d.sents[i];
                        (a..b.min(s)).find_map(|k| {
                            let m = d.mention_at[k];
                            (m != NO_MENTION && !inside[k] && fits(m)).then_some(m)
                        })
                    })
                    .or_else(|| {
                        speakers
                            .iter()
                            .rev()
                            .take_while(|(k, _)| d.para[*k] + 3 >= here)
                            .find(|(_, m)| fits(*m))
                            .map(|&(_, m)| m)
                    })
            })
        }
        Stand::Organisation => recent(Label::Organisation).or_else(|| nearest(Label::Organisation)),
        Stand::OrgRole => nearest(Label::Organisation),
        Stand::Titled(head) => titled(d, head, s),
        Stand::None => None,
    };
    (span, mention)
}

/// A person's sex when the text tells it: a title (Mr, Mrs, Ms) before any mention
/// of the same surname, or a first name that is nearly always one sex's. `Some(true)`
/// is female.
fn sex(d: &Doc<'_>, m: u32) -> Option<bool> {
    let me = d.mentions[m as usize];
    let surname = d.word(me.end as usize - 1);
    d.mentions
        .iter()
        .filter(|o| o.label == Label::Person && d.word(o.end as usize - 1) == surname)
        .find_map(|o| {
            let first = o.first as usize;
            let title = first
                .checked_sub(1)
                .map(|k| d.word(k).trim_end_matches('.'));
            match title {
                Some("Mr" | "Sir" | "Lord") => return Some(false),
                Some("Mrs" | "Ms" | "Miss" | "Dame" | "Lady") => return Some(true),
                _ => {}
            }
            (o.end as usize > first + 1)
                .then(|| first_name_sex(d.word(first)))
                .flatten()
        })
}

/// Common first names in English-language news that are nearly always one sex's.
fn first_name_sex(name: &str) -> Option<bool> {
    const FEMALE: &[&str] = &[
        "Alexandria",
        "Amy",
        "Angela",
        "Ann",
        "Anna",
        "Anne",
        "Barbara",
        "Betsy",
        "Betty",
        "Catherine",
        "Cindy",
        "Claire",
        "Deborah",
        "Debbie",
        "Diane",
        "Dianne",
        "Donna",
        "Elizabeth",
        "Elaine",
        "Elise",
        "Emily",
        "Emma",
        "Gina",
        "Gretchen",
        "Hillary",
        "Ilhan",
        "Jane",
        "Janet",
        "Jennifer",
        "Jill",
        "Joni",
        "Julia",
        "Julie",
        "Kamala",
        "Karen",
        "Kate",
        "Katherine",
        "Kathleen",
        "Kathy",
        "Kay",
        "Kellyanne",
        "Kirsten",
        "Kristi",
        "Laura",
        "Lisa",
        "Liz",
        "Lori",
        "Linda",
        "Maria",
        "Marsha",
        "Martha",
        "Mary",
        "Maxine",
        "Megan",
        "Melania",
        "Michelle",
        "Nancy",
        "Nikki",
        "Patricia",
        "Patty",
        "Rachel",
        "Rashida",
        "Ruth",
        "Sally",
        "Samantha",
        "Sarah",
        "Sharon",
        "Sheila",
        "Stacey",
        "Susan",
        "Tammy",
        "Theresa",
        "Tulsi",
        "Ursula",
        "Valerie",
        "Virginia",
        "Elena",
        "Heidi",
        "Jeanne",
        "Lucy",
        "Margaret",
        "Condoleezza",
        "Madeleine",
        "Christine",
        "Carly",
        "Jacinda",
        "Ivanka",
        "Stephanie",
        "Jessica",
        "Ashley",
        "Amanda",
        "Nicole",
        "Michele",
        "Kimberly",
        "Rebecca",
        "Helen",
        "Caroline",
        "Victoria",
        "Sonia",
        "Ayanna",
    ];
    const MALE: &[&str] = &[
        "Adam",
        "Al",
        "Alan",
        "Andrew",
        "Barack",
        "Ben",
        "Bernie",
        "Bill",
        "Bob",
        "Boris",
        "Brett",
        "Brian",
        "Charles",
        "Chris",
        "Chuck",
        "Dan",
        "Daniel",
        "David",
        "Dick",
        "Donald",
        "Ed",
        "Emmanuel",
        "Eric",
        "Frank",
        "George",
        "Greg",
        "Harry",
        "Jack",
        "James",
        "Jared",
        "Jeb",
        "Jeff",
        "Jerry",
        "Jim",
        "Joe",
        "John",
        "Jon",
        "Joseph",
        "Josh",
        "Justin",
        "Kevin",
        "Mark",
        "Marco",
        "Matt",
        "Michael",
        "Mike",
        "Mitt",
        "Nick",
        "Paul",
        "Pete",
        "Peter",
        "Rand",
        "Richard",
        "Rick",
        "Rob",
        "Robert",
        "Roger",
        "Ron",
        "Rudy",
        "Scott",
        "Sean",
        "Sergei",
        "Stephen",
        "Steve",
        "Steven",
        "Ted",
        "Thomas",
        "Tim",
        "Tom",
        "Tony",
        "Vladimir",
        "William",
        "Xi",
        "Jeremy",
        "Angus",
        "Hunter",
        "Jason",
        "Kenneth",
        "Larry",
        "Lloyd",
        "Matthew",
        "Patrick",
        "Ralph",
        "Raymond",
        "Samuel",
        "Tucker",
        "Volodymyr",
        "Wang",
        "Benjamin",
        "Bashar",
        "Narendra",
        "Recep",
        "Jair",
        "Olaf",
        "Andres",
        "Hassan",
        "Mohammed",
        "Muhammad",
        "Ali",
        "Ahmed",
        "Abdel",
        "Jens",
        "Antonio",
        "Carlos",
        "Juan",
        "Luis",
        "Jose",
        "Devin",
        "Newt",
        "Herman",
        "Beto",
        "Cory",
        "Julian",
        "Jay",
        "Andy",
        "Gavin",
        "Jerome",
        "Kyle",
        "Randy",
        "Louie",
        "Sheldon",
        "Trey",
    ];
    // Names borne by both sexes (Lindsey, Kim) are in neither list.
    if FEMALE.contains(&name) {
        Some(true)
    } else if MALE.contains(&name) {
        Some(false)
    } else {
        None
    }
}

/// The person first introduced with the title at `head` ("the minister" after
/// "Foreign Minister Sergei Lavrov").
fn titled(d: &Doc<'_>, head: usize, before: usize) -> Option<u32> {
    let title = d.word(head);
    (0..before).find_map(|k| {
        let m = d.mention_at[k];
        if m == NO_MENTION || d.mentions[m as usize].label != Label::Person {
            return None;
        }
        let first = d.mentions[m as usize].first as usize;
        if k != first {
            return None;
        }
        let near = first.saturating_sub(4)..first;
        near.clone()
            .any(|j| {
                d.word(j)
                    .trim_end_matches('.')
                    .eq_ignore_ascii_case(title.trim_end_matches('.'))
            })
            .then_some(m)
    })
}

/// Reported speech in sentences without marks.
fn indirect(d: &Doc<'_>, inside: &[bool], out: &mut Vec<Found>) {
    for &(s, e) in &d.sents {
        if s >= e || (s..e).any(|k| inside[k] || d.marks[k] != Mark::None && d.f(k) & LINK == 0) {
            continue;
        }
        let last = if d.ends_sentence(e - 1) { e - 1 } else { e };
        out.extend(reported(d, s, last));
    }
}

fn reported(d: &Doc<'_>, s: usize, e: usize) -> Option<Found> {
    let make = |clause: (usize, usize), cue: (usize, usize), phrase: Option<(usize, usize)>| {
        (clause.1 >= clause.0 + 3).then_some(Found {
            first: clause.0,
            end: clause.1,
            open: s,
            kind: Kind::Indirect,
            cue: Some(cue),
            phrase,
        })
    };
    // According to X, ... / ..., according to X.
    for j in s..e {
        if let Some(at) = according(d, j, e) {
            let (ps, pe) = at.speaker?;
            let cue = at.cue?;
            if j == s && pe < e && d.word(pe) == "," {
                return make((pe + 1, e), cue, Some((ps, pe)));
            }
            if j > s && d.word(j - 1) == "," {
                return make((s, j - 1), cue, Some((ps, pe)));
            }
            return None;
        }
    }
    let j = (s..e).find(|&j| d.cue(j) & CUE != 0 && d.cue(j) & DIRECT_ONLY == 0)?;
    if j > s && d.f(j - 1) & BE != 0 {
        return None;
    }
    // ..., Smith said. / ..., said Smith.
    if j > s + 3 {
        if d.word(j - 1) == "," {
            let phrase = phrase_after(d, j + 1, e).filter(|p| p.1 == e)?;
            return make((s, j - 1), (j, j + 1), Some(phrase));
        }
        let tail_is_phrase = (j + 1..e).all(|k| d.f(k) & STOP != 0 || !d.is_punct(k));
        if let Some((ps, pe)) = phrase_before(d, j, s) {
            if ps > s + 2 && d.word(ps - 1) == "," && (j + 1 == e || tail_is_phrase && e - j < 6) {
                return make((s, ps - 1), (j, j + 1), Some((ps, pe)));
            }
        }
    }
    // Smith said (that) ... / Smith told Li that ...
    let phrase = phrase_before(d, j, s)?;
    let mut c = j + 1;
    let that = (c..e.min(c + 14)).find(|&k| d.word(k).eq_ignore_ascii_case("that"));
    if d.f(j) & ADDRESSEE != 0 || d.word(j).eq_ignore_ascii_case("told") {
        c = that? + 1;
    } else if let Some(t) = that.filter(|&t| t < c + 6) {
        c = t + 1;
    } else if c < e && (d.f(c) & STOP != 0 || d.is_punct(c)) {
        return None;
    }
    make((c, e), (j, j + 1), Some(phrase))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::parse_article;

    fn quotes(text: &str) -> Vec<(String, &'static str, String, String)> {
        let a = parse_article(&format!("Headline\n\n{text}")).expect("parses");
        find_quotes(&a, &[])
            .into_iter()
            .map(|q| {
                let t =
                    |s: Option<Span>| s.map_or(String::new(), |s| a.text[s.range()].to_string());
                (
                    a.text[q.span.range()].to_string(),
                    if q.kind == Kind::Direct {
                        "direct"
                    } else {
                        "indirect"
                    },
                    t(q.cue),
                    t(q.speaker),
                )
            })
            .collect()
    }

    #[test]
    fn a_quote_and_its_verb_after() {
        let q = quotes("\"We will not back down,\" the Foreign Ministry said in a statement.");
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].0, "We will not back down,");
        assert_eq!(q[0].2, "said");
        assert_eq!(q[0].3, "the Foreign Ministry");
    }

    #[test]
    fn interrupted_quote_is_two_quotes_of_one_speaker() {
        let q = quotes("“We will win,” said John Smith, “and soon.”");
        assert_eq!(q.len(), 2, "{q:?}");
        assert_eq!(q[0].3, "John Smith");
        assert_eq!(q[1].0, "and soon.");
        assert_eq!(q[1].3, "John Smith");
    }

    #[test]
    fn long_quote_over_paragraphs() {
        let q = quotes(
            "Mr Blair said: \"The first part goes here and on.\n\n\"The second part ends it.\"",
        );
        assert_eq!(q.len(), 1, "{q:?}");
        assert!(q[0].0.starts_with("The first part") && q[0].0.ends_with("ends it."));
        assert_eq!(q[0].3, "Mr Blair");
    }

    #[test]
    fn nicknames_and_scare_quotes_are_not_speech() {
        assert!(quotes("The so-called \"experts\" were wrong about the plan.").is_empty());
        assert!(quotes("She read \"The Art of the Deal\" last summer.").is_empty());
    }

    #[test]
    fn reported_speech() {
        let q = quotes("Lavrov told Li on Friday that there were serious obstacles to talks.");
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(q[0].0, "there were serious obstacles to talks");
        assert_eq!(
            (q[0].1, q[0].2.as_str(), q[0].3.as_str()),
            ("indirect", "told", "Lavrov")
        );
        let q = quotes("The talks failed, according to a statement from the ministry.");
        assert_eq!(q[0].0, "The talks failed");
        assert_eq!(q[0].2, "according to");
    }
}

#[cfg(test)]
mod timing {
    /// Where the time goes on AllSides (run by hand, single thread):
    /// `cargo test --release quotes::timing -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn phases_on_allsides() {
        let path = std::path::Path::new("../shared/data/news/allsides_news_2015_2020.jsonl.gz");
        let j = crate::core::io::read_jsonl(path, "text", Some("id"), false).expect("reads");
        let arts: Vec<_> = j
            .records
            .iter()
            .filter_map(|r| match &r.text {
                crate::core::io::TextField::Text(t) => crate::core::parse_article(t).ok(),
                crate::core::io::TextField::Missing => None,
            })
            .collect();
        let t = std::time::Instant::now();
        let mut n = 0;
        for a in &arts {
            n += a.tokens.spans().len();
        }
        eprintln!("spans {:?}", t.elapsed());
        let t = std::time::Instant::now();
        let mut f = 0u32;
        for a in &arts {
            for sp in a.tokens.iter() {
                f ^= super::flags(&a.text[sp.range()]);
            }
        }
        eprintln!("spans+flags {:?} {f}", t.elapsed());
        let t = std::time::Instant::now();
        for a in &arts {
            n += super::Doc::new(a, &[]).toks.len();
        }
        eprintln!("Doc::new {:?} ({n} tokens)", t.elapsed());
        let t = std::time::Instant::now();
        let mut q = 0;
        for a in &arts {
            q += super::find_quotes(a, &[]).len();
        }
        eprintln!("find_quotes {:?} ({q} quotes)", t.elapsed());
    }
}
