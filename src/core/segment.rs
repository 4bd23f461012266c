//! Tokens and sentences with byte offsets.
//!
//! Tokens follow the CoNLL-2003 / Penn conventions the entity tagger was trained on.
//! The text is first cut at whitespace into chunks; each chunk is cut into UAX#29
//! word-boundary pieces (`unicode-segmentation`), which are then merged (abbreviations,
//! hyphenated compounds, `--`, `...`, times) or split (clitics such as `'s`, `n't`).
//! Chunks made only of ASCII and the common typographic quotes and dashes take a
//! hand-written scanner that yields exactly the UAX#29 pieces (a test checks this),
//! because the general segmenter is several times slower on plain English.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use super::Span;

// Byte flags for the chunking loop. `SEP`: ASCII whitespace.
const SEP: u8 = 1;
/// `@` `#` `/`: the chunk may be a URL, email, handle or hashtag.
const SPECIAL: u8 = 2;
/// Not an ASCII letter or digit: the chunk needs the full treatment.
const NOT_ALNUM: u8 = 4;
const NON_ASCII: u8 = 8;

static BYTE_FLAGS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if b >= 0x80 {
            NON_ASCII | NOT_ALNUM
        } else if matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
            SEP
        } else if b.is_ascii_alphanumeric() {
            0
        } else if matches!(b, b'@' | b'#' | b'/') {
            SPECIAL | NOT_ALNUM
        } else {
            NOT_ALNUM
        };
        i += 1;
    }
    t
};

/// Append the tokens of `text[range]` to `out` as byte spans into `text`.
pub fn tokenize(text: &str, range: Range<usize>, out: &mut Vec<Span>) {
    // A range off a char boundary is a caller bug; producing no tokens beats panicking
    // in the middle of a corpus run.
    let Some(slice) = text.get(range.clone()) else {
        debug_assert!(false, "range {range:?} is not on char boundaries");
        return;
    };
    let base = range.start;
    let bytes = slice.as_bytes();
    let n = bytes.len();
    // The char at `i` (not ASCII) and its length, or a space past a broken boundary.
    let wide = |i: usize| {
        let c = slice.get(i..).and_then(|t| t.chars().next()).unwrap_or(' ');
        (c, c.len_utf8())
    };
    let mut i = 0;
    'chunks: while i < n {
        let f = BYTE_FLAGS[bytes[i] as usize];
        if f & SEP != 0 {
            i += 1;
            continue;
        }
        if f & NON_ASCII != 0 {
            let (c, len) = wide(i);
            if is_separator(c) {
                i += len;
                continue;
            }
        }
        let start = i;
        let mut flags = 0u8;
        loop {
            // The hot loop: ASCII bytes up to the next space.
            while i < n {
                let f = BYTE_FLAGS[bytes[i] as usize];
                if f & (SEP | NON_ASCII) != 0 {
                    break;
                }
                flags |= f;
                i += 1;
            }
            if i < n && BYTE_FLAGS[bytes[i] as usize] & NON_ASCII != 0 {
                let (c, len) = wide(i);
                if !is_separator(c) {
                    flags |= NON_ASCII | NOT_ALNUM;
                    i += len;
                    continue;
                }
            }
            chunk(text, base + start, base + i, flags, out);
            continue 'chunks;
        }
    }
}

/// Whitespace, plus the invisible zero-width characters scraped pages are littered with
/// (they are not `White_Space`, but a token must never start or end with one).
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

/// Tokenize one whitespace-free chunk `text[start..end]`, whose bytes have `flags`.
#[inline]
fn chunk(text: &str, start: usize, end: usize, flags: u8, out: &mut Vec<Span>) {
    if flags & NOT_ALNUM == 0 {
        // Most chunks are plain words or numbers: one token.
        out.push(Span::new(start, end));
        return;
    }
    if flags & SPECIAL != 0 {
        if let Some((a, b)) = special_core(&text[start..end]) {
            general(text, start, start + a, out);
            out.push(Span::new(start + a, start + b));
            general(text, start + b, end, out);
            return;
        }
    }
    general(text, start, end, out);
}

const OPENERS: &[char] = &['(', '[', '{', '<', '"', '\'', '“', '‘'];
const TRAILERS: &[char] = &[
    '.', ',', ';', ':', '!', '?', ')', ']', '}', '>', '"', '\'', '”', '’',
];

/// The byte range inside `s` of a URL, email, @handle or #hashtag, once leading
/// opening brackets/quotes and trailing punctuation are set aside.
fn special_core(s: &str) -> Option<(usize, usize)> {
    let a = s.len() - s.trim_start_matches(OPENERS).len();
    let core = s[a..].trim_end_matches(TRAILERS);
    if core.is_empty() {
        return None;
    }
    let b = a + core.len();
    let lower_starts = |p: &str| {
        core.len() >= p.len() && core.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
    };
    let is_url = lower_starts("www.")
        || core.find("://").is_some_and(|k| {
            k > 0 && core.len() > k + 3 && core[..k].bytes().all(|c| c.is_ascii_alphabetic())
        });
    if is_url {
        return Some((a, b));
    }
    if let Some(rest) = core.strip_prefix('@') {
        let ok = !rest.is_empty() && rest.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_');
        return ok.then_some((a, b));
    }
    if let Some(rest) = core.strip_prefix('#') {
        let ok = rest.chars().all(|c| c.is_alphanumeric() || c == '_')
            && rest.chars().any(char::is_alphabetic);
        return ok.then_some((a, b));
    }
    let (local, domain) = core.split_once('@')?;
    let local_ok = !local.is_empty()
        && local
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-'));
    let labels_ok = domain
        .split('.')
        .all(|l| !l.is_empty() && l.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-'));
    let tld_ok = domain
        .rsplit('.')
        .next()
        .is_some_and(|t| t.len() >= 2 && t.bytes().all(|c| c.is_ascii_alphabetic()));
    (local_ok && domain.contains('.') && labels_ok && tld_ok).then_some((a, b))
}

/// Pieces of `text[start..end]`, then merged into tokens in place.
fn general(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    if start >= end {
        return;
    }
    let first = out.len();
    if !fast_pieces(text, start, end, out) {
        out.truncate(first);
        uax_pieces(text, start, end, out);
    }
    merge(text, first, out);
}

/// UAX#29 word-boundary pieces of `text[start..end]` (clitics split).
fn uax_pieces(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    for (i, p) in text[start..end].split_word_bound_indices() {
        let a = start + i;
        let b = a + p.len();
        if p.len() > 1 && p.contains(['\'', '’', '‘', '.']) {
            push_word(text, a, b, out);
        } else {
            out.push(Span::new(a, b));
        }
    }
}

/// The UAX#29 word-break classes that occur in "simple" chunks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Wb {
    Letter,
    Digit,
    /// `_` (ExtendNumLet)
    Under,
    /// `:` joins letters only
    MidLetter,
    /// `.` `'` `’` `‘` join letters or digits
    MidNumLet,
    /// `,` `;` join digits only
    MidNum,
    Other,
}

/// [`wb_class`] of each ASCII byte, `None` for controls and spaces.
static ASCII_WB: [Option<Wb>; 128] = {
    let mut t = [None; 128];
    let mut i = 0;
    while i < 128 {
        t[i] = wb_class(i as u8 as char);
        i += 1;
    }
    t
};

/// The class of a char the fast scanner handles, `None` for anything else.
#[inline]
const fn wb_class(c: char) -> Option<Wb> {
    Some(match c {
        'a'..='z' | 'A'..='Z' => Wb::Letter,
        '0'..='9' => Wb::Digit,
        '_' => Wb::Under,
        ':' => Wb::MidLetter,
        '.' | '\'' | '’' | '‘' => Wb::MidNumLet,
        ',' | ';' => Wb::MidNum,
        '!'..='~' | '“' | '”' | '—' | '–' | '…' => Wb::Other,
        _ => return None,
    })
}

#[inline(always)]
fn decode(s: &str, i: usize) -> Option<(Wb, usize)> {
    let b = s.as_bytes()[i];
    if b < 0x80 {
        return ASCII_WB[b as usize].map(|w| (w, 1));
    }
    let c = s[i..].chars().next()?;
    wb_class(c).map(|w| (w, c.len_utf8()))
}

/// UAX#29 word-boundary pieces of a chunk made only of ASCII and a few typographic
/// chars (clitics already split). Returns false, having pushed garbage, on any other char.
fn fast_pieces(text: &str, start: usize, end: usize, out: &mut Vec<Span>) -> bool {
    let s = &text[start..end];
    let n = s.len();
    let mut i = 0;
    while i < n {
        let Some((cls, len)) = decode(s, i) else {
            return false;
        };
        if !matches!(cls, Wb::Letter | Wb::Digit | Wb::Under) {
            out.push(Span::new(start + i, start + i + len));
            i += len;
            continue;
        }
        let w0 = i;
        let mut last = cls;
        // A letter-joining `.` or any apostrophe: the piece may need splitting.
        let mut inner = false;
        i += len;
        while i < n {
            let Some((c2, l2)) = decode(s, i) else {
                return false;
            };
            match c2 {
                Wb::Letter | Wb::Digit | Wb::Under => {
                    last = c2;
                    i += l2;
                }
                Wb::MidLetter | Wb::MidNumLet | Wb::MidNum if i + l2 < n => {
                    let Some((c3, l3)) = decode(s, i + l2) else {
                        return false;
                    };
                    let letters = last == Wb::Letter && c3 == Wb::Letter;
                    let digits = last == Wb::Digit && c3 == Wb::Digit;
                    let joins = match c2 {
                        Wb::MidLetter => letters,
                        Wb::MidNum => digits,
                        _ => letters || digits,
                    };
                    if !joins {
                        break;
                    }
                    inner |= c2 == Wb::MidNumLet && (letters || s.as_bytes()[i] != b'.');
                    last = c3;
                    i += l2 + l3;
                }
                _ => break,
            }
        }
        if inner {
            push_word(text, start + w0, start + i, out);
        } else {
            out.push(Span::new(start + w0, start + i));
        }
    }
    true
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘')
}

/// The Penn clitics that follow an apostrophe (`n't` is handled apart).
fn is_clitic(s: &str) -> bool {
    matches!(
        s,
        "s" | "S" | "re" | "RE" | "Re" | "ve" | "VE" | "ll" | "LL" | "d" | "D" | "m" | "M"
    )
}

/// Push a UAX#29 word that contains an apostrophe or a letter-joining dot.
///
/// Scraped text often lacks the space after a full stop (`said.The`); UAX#29 glues
/// that into one word, so a dot between a lowercase word and a capitalised one is cut
/// out. Domains (`reuters.com`) and initialisms (`U.S`, `Ph.D`) do not match.
fn push_word(text: &str, a: usize, b: usize, out: &mut Vec<Span>) {
    let w = &text.as_bytes()[a..b];
    let mut seg = 0;
    for k in 2..w.len().saturating_sub(2) {
        if w[k] == b'.'
            && w[k - 1].is_ascii_lowercase()
            && w[k - 2].is_ascii_alphabetic()
            && w[k + 1].is_ascii_uppercase()
            && w[k + 2].is_ascii_lowercase()
        {
            push_clitic(text, a + seg, a + k, out);
            out.push(Span::new(a + k, a + k + 1));
            seg = k + 1;
        }
    }
    push_clitic(text, a + seg, b, out);
}

/// Push a word, splitting off a final clitic: `China's` -> `China` `'s`,
/// `don't` -> `do` `n't`; `O'Brien` stays whole.
fn push_clitic(text: &str, a: usize, b: usize, out: &mut Vec<Span>) {
    let w = &text[a..b];
    if let Some((k, c)) = w.char_indices().rev().find(|&(_, c)| is_apostrophe(c)) {
        let tail = &w[k + c.len_utf8()..];
        let head = &w[..k];
        if (tail == "t" || tail == "T") && head.len() > 1 && head.ends_with(['n', 'N']) {
            out.push(Span::new(a, a + k - 1));
            out.push(Span::new(a + k - 1, b));
            return;
        }
        if is_clitic(tail) && !head.is_empty() {
            out.push(Span::new(a, a + k));
            out.push(Span::new(a + k, b));
            return;
        }
    }
    out.push(Span::new(a, b));
}

/// Titles and the like: they precede a name, so never end a sentence.
#[rustfmt::skip]
const TITLES: &[&str] = &[
    "Adm", "Brig", "Capt", "Cmdr", "Col", "Dr", "Fr", "Ft", "Gen", "Gov", "Hon", "Lt", "Maj",
    "Messrs", "Mme", "Mr", "Mrs", "Ms", "Mt", "No", "Nos", "Prof", "Rep", "Reps", "Rev", "Sen",
    "Sens", "Sgt", "St", "Supt", "v", "vs",
];
/// Month abbreviations: no end before a day number.
#[rustfmt::skip]
const MONTHS: &[&str] = &[
    "Apr", "Aug", "Dec", "Feb", "Jan", "Jul", "Jun", "Mar", "Nov", "Oct", "Sep", "Sept",
];
/// Abbreviations that may end a sentence (before a typical sentence starter).
#[rustfmt::skip]
const OTHER_ABBREVS: &[&str] = &[
    "Ala", "Ariz", "Ark", "Assn", "Ave", "Blvd", "Bros", "Calif", "Co", "Colo", "Conn", "Corp",
    "Cos", "Del", "Dept", "Fla", "Ga", "Ill", "Inc", "Ind", "Jr", "Kan", "Ky", "La", "Ltd",
    "Mass", "Md", "Mich", "Minn", "Miss", "Mo", "Mont", "Neb", "Nev", "Okla", "Ore", "Pa",
    "Ph.D", "Rd", "Sr", "Tenn", "Tex", "Va", "Vt", "Wash", "Wis", "Wyo", "al", "approx", "cf",
    "est", "etc",
];

/// `U.S`, `e.g`, `a.m`, `J`: letters joined by single dots (a lone letter must be a
/// capital, so `plan a.` keeps its period apart).
fn is_initialism(w: &str) -> bool {
    let b = w.as_bytes();
    if b.len() == 1 {
        return b[0].is_ascii_uppercase();
    }
    b.len() % 2 == 1
        && b.iter().enumerate().all(|(i, &c)| {
            if i % 2 == 0 {
                c.is_ascii_alphabetic()
            } else {
                c == b'.'
            }
        })
}

/// Whether word `w` (whose `.` ends at byte `dot_end` of `text`) takes the period.
fn takes_period(text: &str, w: &str, dot_end: usize) -> bool {
    if w == "No" || w == "Nos" {
        // "No. 1" is a title; "the answer was No." is not.
        return text[dot_end..]
            .trim_start_matches(is_separator)
            .starts_with(|c: char| c.is_ascii_digit());
    }
    if is_initialism(w) {
        return true;
    }
    // Every listed abbreviation is short, and the lowercase ones start with one of
    // these; this spares the searches for most sentence-final words.
    let f = w.as_bytes().first().copied().unwrap_or(b'.');
    if w.len() > 6 || (f.is_ascii_lowercase() && !matches!(f, b'a' | b'c' | b'e' | b'v')) {
        return false;
    }
    TITLES.binary_search(&w).is_ok()
        || MONTHS.binary_search(&w).is_ok()
        || OTHER_ABBREVS.binary_search(&w).is_ok()
}

fn starts_alnum(s: &str) -> bool {
    match s.as_bytes().first() {
        Some(&b) if b < 0x80 => b.is_ascii_alphanumeric(),
        Some(_) => s.chars().next().is_some_and(char::is_alphanumeric),
        None => false,
    }
}

/// A decade without its century: `90s`.
fn is_decade(s: &str) -> bool {
    matches!(s.as_bytes(), [a, b'0', b's'] if a.is_ascii_digit())
}

/// Whether piece `k` is the single ASCII byte `b`.
#[inline]
fn is_byte(text: &str, out: &[Span], k: usize, b: u8) -> bool {
    out.get(k)
        .is_some_and(|p| p.len() == 1 && text.as_bytes()[p.start as usize] == b)
}

fn ends_alnum(s: &str) -> bool {
    s.chars().next_back().is_some_and(char::is_alphanumeric)
}

/// The text of piece `k`, or "" past the end.
fn piece<'t>(text: &'t str, out: &[Span], k: usize) -> &'t str {
    out.get(k).map_or("", |p| &text[p.range()])
}

/// Merge the pieces `out[first..]` of one chunk into tokens, in place.
fn merge(text: &str, first: usize, out: &mut Vec<Span>) {
    let n = out.len();
    if n - first < 2 {
        return;
    }
    let bytes = text.as_bytes();
    let at = |out: &[Span], k: usize| piece(text, out, k);
    let mut r = first;
    let mut w = first;
    while r < n {
        let mut cur = out[r];
        let b0 = bytes[cur.start as usize];
        r += 1;
        if cur.len() == 1 && matches!(b0, b'.' | b'-' | b'\'' | b'`') && is_byte(text, out, r, b0) {
            // `...`, `--`, and the Penn-style quotes `''` and ``` `` ```: a run of the
            // same mark is one token.
            while is_byte(text, out, r, b0) {
                cur.end = out[r].end;
                r += 1;
            }
        } else if cur.len() == 1 && (b0 == b'.' || b0 == b'-') {
            // `.5`, `-5` at the start of a chunk are numbers.
            if r - 1 == first && at(out, r).starts_with(|c: char| c.is_ascii_digit()) {
                cur.end = out[r].end;
                r += 1;
            }
        } else if (cur.len() == 1 && b0 == b'\'') || matches!(at(out, r - 1), "’" | "‘") {
            // `1990's`, `U.S.'s`: UAX#29 leaves the apostrophe loose.
            if w > first && is_clitic(at(out, r)) {
                let prev = at(out, w - 1);
                if ends_alnum(prev) || prev.ends_with('.') {
                    cur.end = out[r].end;
                    r += 1;
                }
            } else if w == first && is_decade(at(out, r)) {
                // `'90s`: the apostrophe stands for the century.
                cur.end = out[r].end;
                r += 1;
            }
        } else if starts_alnum(at(out, r - 1)) {
            let mut last = at(out, r - 1);
            let mut last_dot = false;
            loop {
                if is_byte(text, out, r, b'.')
                    && !is_byte(text, out, r + 1, b'.')
                    && !last_dot
                    && takes_period(text, last, out[r].end as usize)
                {
                    cur.end = out[r].end;
                    r += 1;
                    last_dot = true;
                } else if (is_byte(text, out, r, b'-')
                    && starts_alnum(at(out, r + 1))
                    && (last_dot || ends_alnum(last))
                    && !party_tag(last, at(out, r + 1)))
                    // Times and scores: `10:30`.
                    || (is_byte(text, out, r, b':')
                        && !last_dot
                        && last.ends_with(|c: char| c.is_ascii_digit())
                        && at(out, r + 1).starts_with(|c: char| c.is_ascii_digit()))
                {
                    last = at(out, r + 1);
                    last_dot = false;
                    cur.end = out[r + 1].end;
                    r += 2;
                } else {
                    break;
                }
            }
        }
        out[w] = cur;
        w += 1;
    }
    out.truncate(w);
}

/// A US party-and-state tag, "(R-Iowa)", "D-Calif.", "I-Vt.": the party letter and
/// the state are two names, so the hyphen does not join them ("D-Day" stays whole).
fn party_tag(letter: &str, next: &str) -> bool {
    matches!(letter, "R" | "D" | "I")
        && next.starts_with(|c: char| c.is_ascii_uppercase())
        && next != "Day"
}

/// How a token may end a sentence.
#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    /// `.` `!` `?`
    Stop,
    /// `...` `…`
    Ellipsis,
    /// A title (`Mr.`, `v.`): precedes a name.
    Title,
    /// A lone capital initial: `Plan B. The` may end, `J. K. Rowling` may not.
    Initial,
    Month,
    /// Any other abbreviation.
    Abbrev,
}

fn end_kind(t: &str) -> Option<End> {
    match t {
        "." | "!" | "?" => return Some(End::Stop),
        "…" => return Some(End::Ellipsis),
        _ => {}
    }
    let w = t.strip_suffix('.')?;
    if w.is_empty() {
        return None;
    }
    if w.bytes().all(|b| b == b'.') {
        return Some(End::Ellipsis);
    }
    Some(if w.len() == 1 && w.as_bytes()[0].is_ascii_uppercase() {
        End::Initial
    } else if TITLES.binary_search(&w).is_ok() {
        End::Title
    } else if MONTHS.binary_search(&w).is_ok() {
        End::Month
    } else {
        End::Abbrev
    })
}

/// Capitalised words that typically open a sentence and rarely start a name.
#[rustfmt::skip]
const STARTERS: &[&str] = &[
    "A", "According", "After", "All", "Also", "An", "And", "As", "At", "But", "During", "For",
    "He", "Her", "His", "However", "I", "If", "In", "It", "Its", "Meanwhile", "Most", "On",
    "Our", "She", "Some", "That", "The", "Their", "There", "These", "They", "This", "Those",
    "We", "When", "While", "Yet",
];
/// The stricter set that may follow a lone initial: no `A`, `I`, `An`, which follow
/// initials in names.
#[rustfmt::skip]
const INITIAL_STARTERS: &[&str] = &[
    "After", "As", "At", "But", "He", "Her", "His", "However", "If", "In", "It", "Its",
    "Meanwhile", "On", "Our", "She", "That", "The", "Their", "There", "These", "They", "This",
    "Those", "We", "When",
];
/// Capitalised adverbs and conjunctions that almost never appear capitalised inside a
/// sentence; after a lowercase word with no punctuation they mark a run-in heading.
#[rustfmt::skip]
const HEADING_ENDERS: &[&str] = &[
    "According", "Additionally", "After", "Although", "Before", "But", "During", "Earlier",
    "Furthermore", "He", "However", "Instead", "It", "Last", "Later", "Meanwhile", "Moreover",
    "Nevertheless", "Nonetheless", "Recently", "She", "Since", "They", "This", "Those",
    "Though", "Today", "We", "When", "Whereas", "While", "Yesterday",
];
/// Lowercase words after which a capitalised word is a title or name, not a new
/// sentence: "the Today show", "a film called Before Sunrise", "his book Last Act".
#[rustfmt::skip]
const NAME_INTRODUCERS: &[&str] = &[
    "a", "album", "an", "and", "as", "at", "book", "by", "called", "column", "dubbed", "film",
    "for", "from", "in", "into", "magazine", "memoir", "movie", "named", "newspaper", "novel",
    "of", "on", "or", "play", "podcast", "program", "series", "show", "song", "the", "titled",
    "to", "with",
];

/// Lowercase words after which `The`, `A` or `An` still belong to the sentence although
/// the next word is lowercase: prepositions ("during A week-long trip" is rare, but
/// "during The" is a title more often than a heading) and words that take a letter as
/// a label ("type A strain", "candidate A is", "serie A sides").
#[rustfmt::skip]
const ARTICLE_INTRODUCERS: &[&str] = &[
    "about", "above", "across", "after", "against", "amid", "among", "annex", "appendix",
    "before", "behind", "below", "between", "beyond", "block", "box", "building",
    "candidate", "category", "class", "despite", "division", "during", "exhibit", "figure",
    "floor", "gate", "grade", "group", "hepatitis", "including", "influenza", "item",
    "league", "level", "like", "lot", "model", "near", "option", "over", "part", "per",
    "phase", "plan", "platform", "point", "pool", "room", "route", "row", "schedule",
    "section", "serie", "since", "size", "step", "strain", "table", "team", "terminal",
    "than", "through", "tier", "toward", "towards", "type", "under", "unit", "unlike",
    "until", "upon", "version", "via", "vitamin", "ward", "wing", "within", "without",
    "zone",
];

/// Splits sentences over one paragraph's tokens.
struct Splitter<'a> {
    text: &'a str,
    tokens: &'a [Span],
}

impl Splitter<'_> {
    fn tok(&self, i: usize) -> &str {
        &self.text[self.tokens[i].range()]
    }

    fn attached_left(&self, i: usize) -> bool {
        i > 0 && self.tokens[i - 1].end == self.tokens[i].start
    }

    /// A straight quote is closing when its run of glued straight quotes (`'"`) is
    /// glued to the token before it, unless that token is an opener (`("`); a run glued
    /// to neither side counts as closing too.
    fn straight_quote_closes(&self, i: usize) -> bool {
        let is_straight = |k: usize| matches!(self.tok(k), "\"" | "'");
        let mut first = i;
        while self.attached_left(first) && is_straight(first - 1) {
            first -= 1;
        }
        if self.attached_left(first) {
            return !matches!(self.tok(first - 1), "(" | "[" | "“" | "‘" | "``");
        }
        let mut last = i;
        while last + 1 < self.tokens.len() && self.attached_left(last + 1) && is_straight(last + 1)
        {
            last += 1;
        }
        !(last + 1 < self.tokens.len() && self.attached_left(last + 1))
    }

    fn is_closer(&self, i: usize) -> bool {
        match self.tok(i) {
            ")" | "]" | "”" | "’" | "''" => true,
            "\"" | "'" => self.straight_quote_closes(i),
            _ => false,
        }
    }

    fn is_opener(&self, i: usize) -> bool {
        match self.tok(i) {
            "(" | "[" | "“" | "‘" | "``" => true,
            "\"" | "'" => !self.straight_quote_closes(i),
            _ => false,
        }
    }

    /// Whether a sentence ending in a token of kind `kind` ends before token `j`.
    fn breaks_before(&self, kind: End, j: usize) -> bool {
        if j >= self.tokens.len() {
            return true;
        }
        let next = self.tok(j);
        let Some(c) = next.chars().next() else {
            return false;
        };
        match kind {
            End::Stop => {
                (c.is_alphabetic() && !c.is_lowercase())
                    || c.is_ascii_digit()
                    || matches!(c, '$' | '£' | '€' | '¥' | '@' | '#')
                    || self.is_opener(j)
            }
            End::Ellipsis => c.is_uppercase() || self.is_opener(j),
            End::Title => false,
            End::Initial => INITIAL_STARTERS.binary_search(&next).is_ok(),
            End::Month if c.is_ascii_digit() => false,
            End::Month | End::Abbrev => STARTERS.binary_search(&next).is_ok(),
        }
    }

    /// A run-in heading ends before token `i`: "... position During the meeting".
    fn heading_before(&self, i: usize) -> bool {
        if i == 0 {
            return false;
        }
        // The cheap test on the previous token first: most capitalised words follow
        // punctuation or other capitalised words.
        let prev = self.tok(i - 1);
        let after_quote =
            matches!(prev, "”" | "’") || (prev == "\"" && self.straight_quote_closes(i - 1));
        let after_word = !after_quote
            && prev.starts_with(|c: char| c.is_lowercase())
            && prev.chars().all(char::is_alphabetic);
        if !(after_quote || after_word) {
            return false;
        }
        let word = self.tok(i);
        let introduced = after_word && NAME_INTRODUCERS.binary_search(&prev).is_ok();
        if HEADING_ENDERS.binary_search(&word).is_ok() {
            return !introduced;
        }
        // A capitalised article before a lowercase word or a number cannot be inside a
        // sentence ("the Trump family"), so it starts one: scraped galleries and link
        // widgets leave "Donald Trump's rise The family poses ..." and "San Bernardino
        // shooting A crowd gathers ...". Before a capitalised word it is usually a
        // title ("told The New York Times", "the comedy A Christmas Story"): no break.
        matches!(word, "The" | "A" | "An")
            && !introduced
            && (after_quote || ARTICLE_INTRODUCERS.binary_search(&prev).is_err())
            && i + 1 < self.tokens.len()
            && self
                .tok(i + 1)
                .starts_with(|c: char| c.is_lowercase() || c.is_ascii_digit())
    }
}

fn is_list_number(t: &str) -> bool {
    (1..=2).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())
}

/// Split one paragraph's tokens into sentences, appending each sentence as a range of
/// indexes into `tokens`. Every token belongs to exactly one sentence, in order.
pub fn split_sentences(text: &str, tokens: &[Span], out: &mut Vec<Range<usize>>) {
    let sp = Splitter { text, tokens };
    let bytes = text.as_bytes();
    let n = tokens.len();
    let mut start = 0;
    let mut i = 0;
    while i < n {
        let (a, b) = (tokens[i].start as usize, tokens[i].end as usize);
        if i > start && bytes[a].is_ascii_uppercase() && sp.heading_before(i) {
            out.push(start..i);
            start = i;
        }
        // Only tokens ending in `.` `!` `?` or `…` (whose last byte is 0xA6) can end one.
        let kind = match bytes[b - 1] {
            // "1. The first point": a list number is not a sentence.
            b'.' if b - a == 1 && i == start + 1 && is_list_number(sp.tok(start)) => None,
            b'.' | b'!' | b'?' | 0xA6 => end_kind(&text[a..b]),
            _ => None,
        };
        i += 1;
        if let Some(kind) = kind {
            while i < n && sp.is_closer(i) {
                i += 1;
            }
            if i < n && sp.breaks_before(kind, i) {
                out.push(start..i);
                start = i;
            }
        }
    }
    if start < n {
        out.push(start..n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tokens of `s`, after checking the span invariants.
    fn toks(s: &str) -> Vec<&str> {
        let mut out = Vec::new();
        tokenize(s, 0..s.len(), &mut out);
        let mut prev_end = 0;
        for t in &out {
            assert!(s.is_char_boundary(t.start as usize) && s.is_char_boundary(t.end as usize));
            assert!(t.start < t.end, "empty token in {s:?}");
            assert!(prev_end <= t.start as usize, "overlap in {s:?}");
            prev_end = t.end as usize;
        }
        out.iter().map(|t| &s[t.range()]).collect()
    }

    /// Each case: input, and its tokens joined by single spaces.
    fn check_tokens(cases: &[(&str, &str)]) {
        for (input, want) in cases {
            let want: Vec<&str> = want.split(' ').filter(|w| !w.is_empty()).collect();
            assert_eq!(toks(input), want, "input {input:?}");
        }
    }

    /// The sentences of `s` as text, after checking they cover the tokens in order.
    fn sents(s: &str) -> Vec<&str> {
        let mut tokens = Vec::new();
        tokenize(s, 0..s.len(), &mut tokens);
        let mut ranges = Vec::new();
        split_sentences(s, &tokens, &mut ranges);
        let mut next = 0;
        for r in &ranges {
            assert_eq!(r.start, next, "gap or overlap in {s:?}");
            assert!(r.start < r.end, "empty sentence in {s:?}");
            next = r.end;
        }
        assert_eq!(next, tokens.len());
        ranges
            .iter()
            .map(|r| &s[tokens[r.start].start as usize..tokens[r.end - 1].end as usize])
            .collect()
    }

    fn check_sentences(cases: &[(&str, &[&str])]) {
        for (input, want) in cases {
            assert_eq!(sents(input), *want, "input {input:?}");
        }
    }

    #[test]
    fn tokens_clitics() {
        check_tokens(&[
            ("China's envoy", "China 's envoy"),
            ("China’s envoy", "China ’s envoy"),
            ("Lavrov's", "Lavrov 's"),
            ("hasn’t", "has n’t"),
            ("don't", "do n't"),
            (
                "Ukraine didn’t acknowledge it.",
                "Ukraine did n’t acknowledge it .",
            ),
            (
                "we're we'll I've he'd I'm",
                "we 're we 'll I 've he 'd I 'm",
            ),
            ("We’re THEY'RE", "We ’re THEY 'RE"),
            ("O'Brien D'Amato O’Neill's", "O'Brien D'Amato O’Neill 's"),
            ("the ministers' talks", "the ministers ' talks"),
            ("U.S.'s 1990's", "U.S. 's 1990 's"),
            (
                "the ’90s and '80s, '90 '9s",
                "the ’90s and '80s , ' 90 ' 9s",
            ),
        ]);
    }

    #[test]
    fn tokens_hyphens_and_dashes() {
        check_tokens(&[
            (
                "Russian-Chinese political-diplomatic cease-fire",
                "Russian-Chinese political-diplomatic cease-fire",
            ),
            (
                "12-point 15-month Asia-Pacific nation-state",
                "12-point 15-month Asia-Pacific nation-state",
            ),
            ("U.S.-China talks", "U.S.-China talks"),
            ("war - peace", "war - peace"),
            ("war--peace war -- peace", "war -- peace war -- peace"),
            ("war—peace – now", "war — peace – now"),
            ("pre- and post-war", "pre - and post-war"),
            // Party-and-state tags are two names; other letter compounds stay whole.
            (
                "Sen. Joni Ernst (R-Iowa) and Rep. Ro Khanna (D-Calif.) on D-Day",
                "Sen. Joni Ernst ( R - Iowa ) and Rep. Ro Khanna ( D - Calif. ) on D-Day",
            ),
            ("T-Mobile X-ray A-list", "T-Mobile X-ray A-list"),
        ]);
    }

    #[test]
    fn tokens_numbers_and_currency() {
        check_tokens(&[
            (
                "240.1 1,500,000 2023 26.3 11.6 10:30 1987-02-26",
                "240.1 1,500,000 2023 26.3 11.6 10:30 1987-02-26",
            ),
            ("$240.1 billion", "$ 240.1 billion"),
            ("26.3% up", "26.3 % up"),
            ("£5bn €3", "£ 5bn € 3"),
            ("-5 degrees .5 pct", "-5 degrees .5 pct"),
            ("in 2023.", "in 2023 ."),
        ]);
    }

    #[test]
    fn tokens_punctuation() {
        check_tokens(&[
            (
                "(a, b; c: d) [e] \"f\" “g” ‘h’ i! j?",
                "( a , b ; c : d ) [ e ] \" f \" “ g ” ‘ h ’ i ! j ?",
            ),
            ("wait... what… no", "wait ... what … no"),
            ("?!...", "? ! ..."),
            ("``Hi,'' he said", "`` Hi , '' he said"),
            ("24/7 and/or", "24 / 7 and / or"),
            ("he said.The end", "he said . The end"),
        ]);
    }

    #[test]
    fn tokens_abbreviations() {
        check_tokens(&[
            ("U.S. U.K. U.N. E.U. D.C.", "U.S. U.K. U.N. E.U. D.C."),
            (
                "Mr. Mrs. Ms. Dr. Prof. Gen. Lt. Col. Sgt. Capt.",
                "Mr. Mrs. Ms. Dr. Prof. Gen. Lt. Col. Sgt. Capt.",
            ),
            (
                "Gov. Sen. Rep. Rev. St. Mt. Jr. Sr. Inc. Corp. Co. Ltd.",
                "Gov. Sen. Rep. Rev. St. Mt. Jr. Sr. Inc. Corp. Co. Ltd.",
            ),
            (
                "No. 1 vs. etc. e.g. i.e. a.m. p.m.",
                "No. 1 vs. etc. e.g. i.e. a.m. p.m.",
            ),
            (
                "Jan. Feb. Mar. Apr. Aug. Sept. Sep. Oct. Nov. Dec.",
                "Jan. Feb. Mar. Apr. Aug. Sept. Sep. Oct. Nov. Dec.",
            ),
            ("Calif. Mass. Fla. Ala.", "Calif. Mass. Fla. Ala."),
            (
                "J. K. Rowling and George W. Bush",
                "J. K. Rowling and George W. Bush",
            ),
            ("King v. Burwell (R-Ky.)", "King v. Burwell ( R - Ky. )"),
            ("The answer was No.", "The answer was No ."),
            ("He left. plan a.", "He left . plan a ."),
            ("reuters.com Ph.D. NATO.Int", "reuters.com Ph.D. NATO.Int"),
        ]);
    }

    #[test]
    fn tokens_urls_emails_handles_hashtags() {
        check_tokens(&[
            (
                "see https://example.com/a?b=1. Or www.reuters.com/x.",
                "see https://example.com/a?b=1 . Or www.reuters.com/x .",
            ),
            (
                "(mail jo.doe@example.co.uk)",
                "( mail jo.doe@example.co.uk )",
            ),
            ("@AFP_news #Ukraine, #1", "@AFP_news #Ukraine , # 1"),
            ("“@POTUS” said", "“ @POTUS ” said"),
        ]);
    }

    #[test]
    fn tokens_whitespace_and_unicode() {
        check_tokens(&[
            (
                "tabs\tand\u{a0}nbsp  double\u{200b}zwsp",
                "tabs and nbsp double zwsp",
            ),
            (
                "Zelenskyy’s aide Đoković met Müller in Kyiv.",
                "Zelenskyy ’s aide Đoković met Müller in Kyiv .",
            ),
            ("Café’s «naïve» 東京", "Café ’s « naïve » 東 京"),
            ("", ""),
            ("  \t\u{a0} ", ""),
        ]);
    }

    #[test]
    fn sub_range_offsets_are_absolute() {
        let text = "First para.\n\nChina's envoy met Lavrov.";
        let start = text.find("China").unwrap_or(0);
        let mut out = Vec::new();
        tokenize(text, start..text.len(), &mut out);
        let got: Vec<&str> = out.iter().map(|t| &text[t.range()]).collect();
        assert_eq!(got, ["China", "'s", "envoy", "met", "Lavrov", "."]);
        assert_eq!(out[0].start as usize, start);
        out.clear();
        tokenize(text, 3..3, &mut out);
        assert!(out.is_empty());
        tokenize(text, 11..13, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn byte_offsets_on_char_boundaries() {
        let s = "Zelenskyy’s aide Đoković met Müller in Kyiv.";
        let mut out = Vec::new();
        tokenize(s, 0..s.len(), &mut out);
        for t in &out {
            assert!(s.is_char_boundary(t.start as usize));
            assert!(s.is_char_boundary(t.end as usize));
            assert!(s.get(t.range()).is_some());
        }
        assert_eq!(&s[out[1].range()], "’s");
        assert_eq!(out[1].range(), 9..13);
        assert_eq!(&s[out[3].range()], "Đoković");
    }

    #[test]
    fn sentences_real_news() {
        check_sentences(&[
            (
                "Russian Foreign Minister Sergei Lavrov told China's special envoy Li Hui on Friday that there were \"serious obstacles\" to resuming peace talks, blaming Ukraine and Western countries.",
                &["Russian Foreign Minister Sergei Lavrov told China's special envoy Li Hui on Friday that there were \"serious obstacles\" to resuming peace talks, blaming Ukraine and Western countries."],
            ),
            (
                "\"The Russian foreign minister reaffirmed Moscow's commitment,\" the Foreign Ministry said in a statement. During the meeting with Li, Lavrov also praised Beijing's \"balanced\" position.",
                &[
                    "\"The Russian foreign minister reaffirmed Moscow's commitment,\" the Foreign Ministry said in a statement.",
                    "During the meeting with Li, Lavrov also praised Beijing's \"balanced\" position.",
                ],
            ),
            (
                "China-Russian trade hit a record of $240.1 billion in 2023, up 26.3% from a year earlier, according to Chinese customs data.",
                &["China-Russian trade hit a record of $240.1 billion in 2023, up 26.3% from a year earlier, according to Chinese customs data."],
            ),
            (
                "Chinese President Xi Jinping visited Moscow in March, saying ties were \"entering a new era.\" AFP contributed reporting.",
                &[
                    "Chinese President Xi Jinping visited Moscow in March, saying ties were \"entering a new era.\"",
                    "AFP contributed reporting.",
                ],
            ),
            (
                "The United States casts China as its biggest competitor, while U.S. President Joe Biden argues this. Mr. Smith met Gen. Jones on Feb. 26 in St. Louis. He left.",
                &[
                    "The United States casts China as its biggest competitor, while U.S. President Joe Biden argues this.",
                    "Mr. Smith met Gen. Jones on Feb. 26 in St. Louis.",
                    "He left.",
                ],
            ),
            ("J. K. Rowling wrote it.", &["J. K. Rowling wrote it."]),
            ("Ukraine didn’t acknowledge it.", &["Ukraine didn’t acknowledge it."]),
        ]);
    }

    #[test]
    fn sentences_stops_and_quotes() {
        check_sentences(&[
            (
                "\"It is a crisis!\" she said. Really? Yes.",
                &["\"It is a crisis!\" she said.", "Really?", "Yes."],
            ),
            (
                "“It is a crisis!” she said",
                &["“It is a crisis!” she said"],
            ),
            ("\"Stop.\", he said", &["\"Stop.\", he said"]),
            (
                "It rose. \"We won,\" he said. (Then it fell.) 2024 was bad.",
                &[
                    "It rose.",
                    "\"We won,\" he said.",
                    "(Then it fell.)",
                    "2024 was bad.",
                ],
            ),
            (
                "\"She said, 'Read it.'\" He did. \"'Go,' he said.\"",
                &["\"She said, 'Read it.'\"", "He did.", "\"'Go,' he said.\""],
            ),
            ("``It ended.'' He left.", &["``It ended.''", "He left."]),
            ("He said: go! — and left.", &["He said: go! — and left."]),
            (
                "It cost $5. $6 was asked.",
                &["It cost $5.", "$6 was asked."],
            ),
            (
                "It said.The end is near.",
                &["It said.", "The end is near."],
            ),
            ("2. The second point.", &["2. The second point."]),
        ]);
    }

    #[test]
    fn sentences_abbreviations() {
        check_sentences(&[
            (
                "Trade with the U.S. The ministry said so.",
                &["Trade with the U.S.", "The ministry said so."],
            ),
            (
                "Talks with the U.S. President went well.",
                &["Talks with the U.S. President went well."],
            ),
            (
                "He joined Acme Inc. in 2020. Apple Inc. It grew.",
                &["He joined Acme Inc. in 2020.", "Apple Inc.", "It grew."],
            ),
            (
                "It was Feb. 26. On Feb. The end.",
                &["It was Feb. 26.", "On Feb.", "The end."],
            ),
            (
                "Vote for Plan B. The rest failed.",
                &["Vote for Plan B.", "The rest failed."],
            ),
            (
                "Exhibit A. In a speech, Ben A. Rissing spoke.",
                &["Exhibit A.", "In a speech, Ben A. Rissing spoke."],
            ),
            ("George W. Bush spoke.", &["George W. Bush spoke."]),
            (
                "Ask Dr. Who. Sen. Smith left.",
                &["Ask Dr. Who.", "Sen. Smith left."],
            ),
            ("the King v. Burwell case", &["the King v. Burwell case"]),
            ("It is No. 1 now.", &["It is No. 1 now."]),
        ]);
    }

    #[test]
    fn sentences_ellipsis() {
        check_sentences(&[
            (
                "He paused... Then he spoke. It was 10.5 p.m. in the U.S. The end.",
                &[
                    "He paused...",
                    "Then he spoke.",
                    "It was 10.5 p.m. in the U.S.",
                    "The end.",
                ],
            ),
            (
                "Wait... and then… Nothing.",
                &["Wait... and then…", "Nothing."],
            ),
            (
                "It was good... \"Really,\" he said.",
                &["It was good...", "\"Really,\" he said."],
            ),
            ("It rose... 5% in all.", &["It rose... 5% in all."]),
        ]);
    }

    #[test]
    fn sentences_run_in_headings() {
        check_sentences(&[
            (
                "Li has said there is “no panacea to resolve the crisis.” Russia-China growing closer Recently, Russian Prime Minister Mikhail Mishustin met Xi.",
                &[
                    "Li has said there is “no panacea to resolve the crisis.”",
                    "Russia-China growing closer",
                    "Recently, Russian Prime Minister Mikhail Mishustin met Xi.",
                ],
            ),
            (
                "They admired Western mentors.” Lavrov lauds China’s “balanced” position During the meeting, Lavrov commended China.",
                &[
                    "They admired Western mentors.”",
                    "Lavrov lauds China’s “balanced” position",
                    "During the meeting, Lavrov commended China.",
                ],
            ),
            ("He read “War and Peace” However, he slept.", &["He read “War and Peace”", "However, he slept."]),
            ("She appeared on the Today show yesterday.", &["She appeared on the Today show yesterday."]),
            ("He wrote in his book Last Act that it was over.", &["He wrote in his book Last Act that it was over."]),
            ("According to The Wall Street Journal, it fell.", &["According to The Wall Street Journal, it fell."]),
            (
                "Lagos floods in pictures A boy wades through a flooded street on Monday.",
                &["Lagos floods in pictures", "A boy wades through a flooded street on Monday."],
            ),
            (
                "Ministers debate the budget The vote is set for 12 May. The mayor's trip An aide said 3 days.",
                &["Ministers debate the budget", "The vote is set for 12 May.", "The mayor's trip", "An aide said 3 days."],
            ),
            // Titles and labels stay: an article before a capital, after a preposition or
            // after a word that takes a letter.
            ("He slammed The Guardian and the comedy A Fish Called Wanda.", &["He slammed The Guardian and the comedy A Fish Called Wanda."]),
            ("The type A strain spread during The long night, said candidate A of the two.", &["The type A strain spread during The long night, said candidate A of the two."]),
            ("It would mean A LOT to us.", &["It would mean A LOT to us."]),
        ]);
    }

    #[test]
    fn sentences_edge_cases() {
        check_sentences(&[
            ("no final punctuation here", &["no final punctuation here"]),
            ("... ?! .", &["... ?! ."]),
            ("!", &["!"]),
            ("", &[]),
            ("   ", &[]),
        ]);
        // A paragraph in the middle of a text: ranges index the paragraph's tokens.
        let text = "Intro.\n\nIt rose. It fell.";
        let mut tokens = Vec::new();
        tokenize(text, 8..text.len(), &mut tokens);
        let mut ranges = Vec::new();
        split_sentences(text, &tokens, &mut ranges);
        assert_eq!(ranges, [0..3, 3..6]);
    }

    /// A tiny deterministic generator, so the tests need no extra crate.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) as usize
        }
    }

    #[test]
    fn fast_scanner_matches_uax29() {
        let alphabet: Vec<char> = "aZ9_:.,;'’‘“”—–…-$%\"()!?/@x0".chars().collect();
        let mut rng = Lcg(7);
        let mut s = String::new();
        for _ in 0..20_000 {
            s.clear();
            for _ in 0..1 + rng.next() % 12 {
                s.push(alphabet[rng.next() % alphabet.len()]);
            }
            let mut fast = Vec::new();
            assert!(fast_pieces(&s, 0, s.len(), &mut fast));
            let mut slow = Vec::new();
            uax_pieces(&s, 0, s.len(), &mut slow);
            assert_eq!(fast, slow, "input {s:?}");
        }
    }

    #[test]
    fn random_text_keeps_invariants() {
        let alphabet: Vec<char> = "aZé9 .,'’\"“”()-—…?!$%@#/:Ж東\u{a0}\t\u{200b}\u{301}U.S.Mr."
            .chars()
            .collect();
        let mut rng = Lcg(11);
        let mut s = String::new();
        for _ in 0..20_000 {
            s.clear();
            for _ in 0..rng.next() % 40 {
                s.push(alphabet[rng.next() % alphabet.len()]);
            }
            let mut tokens = Vec::new();
            tokenize(&s, 0..s.len(), &mut tokens);
            let mut prev_end = 0;
            for t in &tokens {
                assert!(t.start < t.end && prev_end <= t.start as usize, "{s:?}");
                prev_end = t.end as usize;
                let tok = s.get(t.range());
                assert!(
                    tok.is_some_and(|x| !x.chars().any(is_separator)),
                    "{s:?} {t:?}"
                );
            }
            let mut ranges = Vec::new();
            split_sentences(&s, &tokens, &mut ranges);
            let mut next = 0;
            for r in &ranges {
                assert!(r.start == next && r.start < r.end, "{s:?}");
                next = r.end;
            }
            assert_eq!(next, tokens.len(), "{s:?}");
        }
    }

    #[test]
    fn word_lists_are_sorted() {
        for list in [
            TITLES,
            MONTHS,
            OTHER_ABBREVS,
            STARTERS,
            INITIAL_STARTERS,
            HEADING_ENDERS,
            NAME_INTRODUCERS,
            ARTICLE_INTRODUCERS,
        ] {
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{list:?}");
        }
    }
}
