//! Raw article text -> cleaned body, paragraphs and metadata.
//!
//! The work is line based and mostly byte-level: regexes only run on the first
//! few lines (date header), the opening of the first paragraph (dateline,
//! agency), the last few paragraphs (copyright, credits) and on lines that
//! already passed a cheap first-byte or `memchr` test, so the cost on an
//! ordinary body is a couple of linear passes.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use super::{Meta, Span};

/// The cleaned body of an article, its paragraphs (byte spans into `text`) and the
/// metadata found in it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cleaned {
    pub text: String,
    pub paragraphs: Vec<Span>,
    pub meta: Meta,
}

/// A line longer than this is a paragraph on its own (one-paragraph-per-line
/// texts), whatever follows it.
const LONG_LINE: usize = 120;
/// Header metadata is only looked for in this many non-empty lines.
const HEADER_LINES: usize = 3;
/// Credits and copyright are only looked for in this many trailing paragraphs.
const TAIL_PARAS: usize = 3;
/// An inline widget ("Watch: ... ×") longer than this is not a widget.
const WIDGET_MAX: usize = 300;

/// Clean one raw article.
pub fn clean(raw: &str) -> Cleaned {
    let norm = normalize(raw);
    let mut meta = Meta::default();
    let mut lines = split_lines(&norm);
    find_date_header(&mut lines, &mut meta);
    let header_lines = meta.boilerplate.len();
    // Most web text has no column layout at all; skip the per-line test then.
    let maybe_tables = is_table_row(&norm);
    let mut paras = assemble(&lines, maybe_tables);

    for p in &mut paras {
        strip_widgets(p, &mut meta.boilerplate);
        strip_gallery_marks(p, &mut meta.boilerplate);
    }
    paras.retain(|p| {
        if p.boiler || is_boilerplate(&p.text) {
            meta.boilerplate.push(p.text.clone());
            false
        } else {
            !p.text.is_empty()
        }
    });
    source_from_copyright(&mut meta);
    take_credits(&mut paras, &mut meta);
    merge_page_breaks(&mut paras);
    take_title(&mut paras, &mut meta);
    take_dateline(&mut paras, &mut meta, header_lines);

    let mut text = String::with_capacity(norm.len());
    let mut paragraphs = Vec::with_capacity(paras.len());
    for p in &paras {
        let t = p.text.trim();
        if t.is_empty() {
            continue;
        }
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        let start = text.len();
        text.push_str(t);
        paragraphs.push(Span::new(start, text.len()));
    }
    Cleaned {
        text,
        paragraphs,
        meta,
    }
}

// ---------------------------------------------------------------------------
// Characters

/// Line ends to "\n", form feeds to a blank line, Unicode spaces to " ", control
/// and zero-width characters dropped. Borrows when nothing needs changing, which
/// is the common case for plain news text.
fn normalize(raw: &str) -> Cow<'_, str> {
    let b = raw.as_bytes();
    let mut out: Option<String> = None;
    let mut last = 0;
    let mut i = 0;
    while i < b.len() {
        // Skip plain bytes with a table lookup: a tight loop the match below
        // would not compile to.
        i += b[i..]
            .iter()
            .position(|&c| NEEDS_LOOK[c as usize])
            .unwrap_or(b.len() - i);
        let Some(&c) = b.get(i) else { break };
        // Only lead bytes are matched below, so `i` and `i + len` are always
        // char boundaries when a replacement is made.
        let (repl, len): (&str, usize) = match c {
            b'\n' | b'\t' | 0x20..=0x7e => {
                i += 1;
                continue;
            }
            b'\r' => {
                if b.get(i + 1) == Some(&b'\n') {
                    ("", 1)
                } else {
                    ("\n", 1)
                }
            }
            0x0c => ("\n\n", 1),
            0x00..=0x1f | 0x7f => ("", 1),
            0xC2 => match b.get(i + 1) {
                Some(0x80..=0x9f) | Some(0xad) => ("", 2),
                Some(0xa0) => (" ", 2),
                _ => {
                    i += 2;
                    continue;
                }
            },
            0xE1 if b.get(i + 1..i + 3) == Some(&[0x9a, 0x80]) => (" ", 3),
            0xE2 => match (b.get(i + 1), b.get(i + 2)) {
                (Some(0x80), Some(0x80..=0x8a | 0xaf)) => (" ", 3),
                (Some(0x80), Some(0x8b..=0x8d)) => ("", 3),
                (Some(0x80), Some(0xa8)) => ("\n", 3),
                (Some(0x80), Some(0xa9)) => ("\n\n", 3),
                (Some(0x81), Some(0x9f)) => (" ", 3),
                (Some(0x81), Some(0xa0)) => ("", 3),
                _ => {
                    i += 3;
                    continue;
                }
            },
            0xE3 if b.get(i + 1..i + 3) == Some(&[0x80, 0x80]) => (" ", 3),
            0xEF if b.get(i + 1..i + 3) == Some(&[0xbb, 0xbf]) => ("", 3),
            _ => {
                i += 1;
                continue;
            }
        };
        let o = out.get_or_insert_with(|| String::with_capacity(raw.len() + 16));
        o.push_str(&raw[last..i]);
        o.push_str(repl);
        i += len;
        last = i;
    }
    match out {
        None => Cow::Borrowed(raw),
        Some(mut o) => {
            o.push_str(&raw[last..]);
            Cow::Owned(o)
        }
    }
}

/// Bytes that may start something `normalize` changes: controls other than
/// "\n" and "\t", DEL, and the lead bytes of the Unicode spaces and
/// zero-width characters it handles.
static NEEDS_LOOK: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 0x20 {
        t[c] = c != b'\n' as usize && c != b'\t' as usize;
        c += 1;
    }
    t[0x7f] = true;
    t[0xC2] = true;
    t[0xE1] = true;
    t[0xE2] = true;
    t[0xE3] = true;
    t[0xEF] = true;
    t
};

// ---------------------------------------------------------------------------
// Lines and paragraphs

#[derive(Debug, Clone)]
struct Line<'a> {
    /// Trimmed content; empty for a blank line.
    s: &'a str,
    /// Leading indentation in columns (a tab counts as 4).
    indent: usize,
    /// Length in chars, for wrap-width comparisons.
    len: usize,
    /// Dropped by header extraction; does not end the block it was in.
    removed: bool,
}

fn split_lines(text: &str) -> Vec<Line<'_>> {
    text.split('\n')
        .map(|l| {
            let mut indent = 0;
            for &c in l.as_bytes() {
                match c {
                    b' ' => indent += 1,
                    b'\t' => indent += 4,
                    _ => break,
                }
            }
            let s = l.trim();
            Line {
                s,
                indent,
                len: if s.is_ascii() {
                    s.len()
                } else {
                    s.chars().count()
                },
                removed: false,
            }
        })
        .collect()
}

#[derive(Debug, Clone, Default)]
struct Para {
    text: String,
    /// The paragraph was the only line of its block: a title candidate.
    single: bool,
    /// A row of a figures table; never merged with its neighbours.
    table: bool,
    /// Started by a boilerplate line.
    boiler: bool,
}

/// Columns laid out with runs of spaces: "Wheat   2.55   2.40".
fn is_table_row(s: &str) -> bool {
    let b = s.as_bytes();
    SPACES3.find(b).is_some() || memchr::memchr(b'\t', b).is_some()
}

/// Built once: building a searcher per line costs more than running it.
static SPACES3: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new(b"   "));

const CLOSERS: &[char] = &['"', '\'', '”', '’', ')', ']', '»'];

/// Ends in sentence punctuation, possibly followed by closing quotes, and the last
/// word is not an abbreviation or an initial.
fn ends_sentence(s: &str) -> bool {
    let t = s.trim_end_matches(CLOSERS);
    let Some(last) = t.chars().next_back() else {
        return false;
    };
    match last {
        '!' | '?' | '…' => true,
        '.' => {
            let word = t.rsplit(' ').next().unwrap_or(t);
            let core = word.trim_start_matches(['"', '“', '‘', '(', '\'']);
            let initial = core.len() == 2 && core.as_bytes()[0].is_ascii_uppercase();
            !initial && !ABBREVIATIONS.contains(&core)
        }
        _ => false,
    }
}

const ABBREVIATIONS: &[&str] = &[
    "Mr.", "Mrs.", "Ms.", "Dr.", "St.", "Gen.", "Sen.", "Rep.", "Gov.", "Lt.", "Col.", "Sgt.",
    "Capt.", "Prof.", "No.", "vs.", "Jr.", "Sr.", "Rev.", "Adm.", "Maj.", "Cpl.",
];

/// For page-break joins: a block that ends like this is finished.
fn ends_terminal(s: &str) -> bool {
    matches!(
        s.trim_end_matches(CLOSERS).chars().next_back(),
        Some('.' | '!' | '?' | '…' | ':' | ';') | None
    )
}

fn first_word_len(s: &str) -> usize {
    s.split(' ').next().map_or(0, |w| w.chars().count())
}

fn starts_lowercase(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_lowercase)
}

/// "cease-" + "fire": a word hyphenated across the break.
fn ends_letter_hyphen(s: &str) -> bool {
    let mut it = s.chars().rev();
    it.next() == Some('-') && it.next().is_some_and(char::is_alphabetic)
}

fn push_join(out: &mut String, next: &str) {
    if out.is_empty() {
        out.push_str(next);
        return;
    }
    if !(ends_letter_hyphen(out) && starts_lowercase(next)) {
        out.push(' ');
    }
    out.push_str(next);
}

/// Blocks (runs of non-blank lines) -> paragraphs, deciding for each single
/// newline whether it is a soft wrap or a paragraph break.
fn assemble(lines: &[Line<'_>], maybe_tables: bool) -> Vec<Para> {
    let mut paras: Vec<Para> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].s.is_empty() {
            i += 1;
            continue;
        }
        let start = i;
        while i < lines.len() && (!lines[i].s.is_empty() || lines[i].removed) {
            i += 1;
        }
        let block: Vec<&Line<'_>> = lines[start..i].iter().filter(|l| !l.removed).collect();
        if block.is_empty() {
            continue;
        }
        let wrap = block.iter().map(|l| l.len).max().unwrap_or(0);
        let min_indent = block.iter().map(|l| l.indent).min().unwrap_or(0);
        let single = block.len() == 1;
        let mut cur = Para {
            single,
            ..Para::default()
        };
        let mut prev: Option<(&Line<'_>, bool, bool)> = None;
        for l in block {
            let table = maybe_tables && is_table_row(l.s);
            // Only a line that could start a paragraph is worth the prefix scan.
            let boiler = match prev {
                None => true,
                Some((p, _, _)) => p.len > LONG_LINE || ends_terminal(p.s),
            } && is_boilerplate(l.s);
            let brk = match prev {
                None => true,
                Some((p, ptable, pboiler)) => {
                    table
                        || ptable
                        || l.indent >= min_indent + 2
                        || p.len > LONG_LINE
                        || (boiler && (ends_sentence(p.s) || ends_terminal(p.s)))
                        || (pboiler && (p.len * 4 <= wrap * 3 || ends_terminal(p.s)))
                        || (ends_sentence(p.s)
                            && p.len * 4 <= wrap * 3
                            && p.len + 1 + first_word_len(l.s) <= wrap)
                }
            };
            if brk && !cur.text.is_empty() {
                paras.push(std::mem::replace(
                    &mut cur,
                    Para {
                        single,
                        ..Para::default()
                    },
                ));
            }
            if brk {
                cur.table = table;
                cur.boiler = boiler;
            } else {
                cur.table |= table;
            }
            push_join(&mut cur.text, l.s);
            prev = Some((l, table, boiler));
        }
        if !cur.text.is_empty() {
            paras.push(cur);
        }
    }
    paras
}

/// Join a block that stops mid-sentence with a following block that starts in
/// lowercase: a page break or a stray blank line inside a sentence.
fn merge_page_breaks(paras: &mut Vec<Para>) {
    let mut out: Vec<Para> = Vec::with_capacity(paras.len());
    for p in paras.drain(..) {
        if let Some(last) = out.last_mut() {
            if !last.table && !p.table && starts_lowercase(&p.text) && !ends_terminal(&last.text) {
                push_join(&mut last.text, &p.text);
                last.single = false;
                continue;
            }
        }
        out.push(p);
    }
    *paras = out;
}

// ---------------------------------------------------------------------------
// Boilerplate

/// (lowercase prefix, longest paragraph it may start, whole line only).
const BOILER_PREFIXES: &[(&str, usize, bool)] = &[
    ("related article", 300, false),
    ("related stories", 300, false),
    ("related coverage", 300, false),
    ("related:", 300, false),
    ("read more:", 300, false),
    ("read also:", 300, false),
    ("see also:", 300, false),
    ("also read:", 300, false),
    ("watch:", 300, false),
    ("listen:", 300, false),
    ("image:", 300, false),
    ("photo:", 300, false),
    ("advertisement", 40, true),
    ("sign up", 200, false),
    ("subscribe", 200, false),
    ("click here", 200, false),
    ("follow us", 150, false),
    ("share this", 100, false),
    ("leave a reply", 60, false),
    ("close", 5, true),
    ("photo", 5, true),
    ("story highlights", 400, false),
    ("please enable javascript", 100, false),
    ("comments", 20, true),
    ("getty images", 150, false),
    ("all rights reserved", 100, false),
    ("enlarge this image", 300, false),
];

/// First bytes (lowercased) of the prefixes above, plus '©' and '(' for
/// copyright lines: everything else skips the prefix scan.
fn boiler_first_byte(b: u8) -> bool {
    matches!(
        b.to_ascii_lowercase(),
        b'r' | b's' | b'a' | b'w' | b'l' | b'i' | b'p' | b'c' | b'f' | b'g' | b'e'
    )
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// A whole line or paragraph of web furniture.
fn is_boilerplate(s: &str) -> bool {
    let Some(&b0) = s.as_bytes().first() else {
        return false;
    };
    if (b0 == 0xC2 || b0 == b'(' || b0 == b'C' || b0 == b'c') && is_copyright(s) {
        return true;
    }
    // Photo credit lines: "Jane Doe/Getty Images", "(AFP via Getty Images)".
    if s.len() <= 150 && s.trim_end_matches([')', '.']).ends_with("Getty Images") {
        return true;
    }
    // Video player caption: "CLOSE Sen. Sanders outlined ..." (case matters here).
    // Table headers ("CLOSE   SETT  PSETT") are all capitals and keep their columns.
    if s.starts_with("CLOSE ")
        && s.len() <= 400
        && !is_table_row(s)
        && s.bytes().any(|c| c.is_ascii_lowercase())
    {
        return true;
    }
    if !boiler_first_byte(b0) {
        return false;
    }
    let lower = b0.to_ascii_lowercase();
    for &(prefix, max, whole) in BOILER_PREFIXES {
        if prefix.as_bytes()[0] != lower || !starts_with_ci(s, prefix) {
            continue;
        }
        let rest = &s[prefix.len()..];
        let boundary =
            prefix.ends_with(':') || rest.chars().next().is_none_or(|c| !c.is_alphanumeric());
        if !boundary || s.len() > max {
            return false;
        }
        if whole {
            // "Advertisement:", "Comments (12)", "ADVERTISEMENT - SCROLL TO CONTINUE"
            return !rest.contains(['.', '!', '?']);
        }
        if prefix == "getty images" || prefix == "all rights reserved" {
            return true;
        }
        // A widget line with its close mark belongs to the inline rule.
        return !has_times_sign(s);
    }
    false
}

/// "×" (U+00D7, bytes C3 97), the close mark of inline widgets.
fn has_times_sign(s: &str) -> bool {
    let b = s.as_bytes();
    memchr::memchr_iter(0xC3, b).any(|k| b.get(k + 1) == Some(&0x97))
}

/// Inline widget markers; a widget runs from the marker to the close mark "×".
const WIDGET_MARKERS: &[&str] = &[
    "Watch:",
    "WATCH:",
    "Read more:",
    "READ MORE:",
    "Read More:",
    "Related:",
    "RELATED:",
];

fn strip_widgets(p: &mut Para, boiler: &mut Vec<String>) {
    if !has_times_sign(&p.text) {
        return;
    }
    let mut from = 0;
    loop {
        let text = &p.text;
        let hit = WIDGET_MARKERS
            .iter()
            .filter_map(|m| text[from..].find(m).map(|k| from + k))
            .min();
        let Some(a) = hit else { break };
        // Markers only open a widget at a paragraph or sentence start.
        let before = text[..a].trim_end();
        let at_start = before.is_empty()
            || ends_sentence(before)
            || ends_terminal(before)
            || before.ends_with(['”', '"']);
        let limit = (a + WIDGET_MAX).min(text.len());
        let limit = (limit..=text.len())
            .find(|&k| text.is_char_boundary(k))
            .unwrap_or(text.len());
        let close = text[a..limit].find('×').map(|k| a + k);
        match close {
            Some(x) if at_start => {
                let mut end = x + '×'.len_utf8();
                let widget = text[a..end].trim().to_string();
                end += text[end..].len() - text[end..].trim_start().len();
                let mut t = String::with_capacity(text.len());
                t.push_str(before);
                if !before.is_empty() && end < text.len() {
                    t.push(' ');
                }
                let keep_from = t.len();
                t.push_str(&text[end..]);
                boiler.push(widget);
                p.text = t;
                from = keep_from;
            }
            _ => from = a + 1,
        }
        while from < p.text.len() && !p.text.is_char_boundary(from) {
            from += 1;
        }
        if from >= p.text.len() {
            break;
        }
    }
}

/// The controls of a photo gallery scraped into the text between captions, as CNN's
/// pages have them: "... arrives in Boone. Hide Caption 1 of 14 Photos: GOP 'Roast and
/// Ride' Ernst ..." (4,488 of them in 159 AllSides articles). Read as words they join
/// the captions into nonsense names ("Hide Caption" as an organisation).
static GALLERY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"Hide Caption \d+ of \d+(?: Photos:)?").expect("constant regex"));

/// Move gallery controls from the paragraph to the boilerplate, the text around them
/// joined by a space.
fn strip_gallery_marks(p: &mut Para, boiler: &mut Vec<String>) {
    if !p.text.contains("Hide Caption") {
        return;
    }
    let mut t = String::with_capacity(p.text.len());
    let mut at = 0;
    for m in GALLERY.find_iter(&p.text) {
        let before = p.text[at..m.start()].trim_end();
        t.push_str(before);
        boiler.push(m.as_str().to_string());
        at = m.end();
        let rest = &p.text[at..];
        at += rest.len() - rest.trim_start().len();
        if !t.is_empty() && at < p.text.len() {
            t.push(' ');
        }
    }
    if at == 0 {
        return;
    }
    t.push_str(&p.text[at..]);
    p.text = t;
}

// ---------------------------------------------------------------------------
// Copyright and credits

static COPYRIGHT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:©|\(c\)|copyright\b)(?:\s*(?:©|\(c\)))?\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?[\s,]*(.*)$")
        .expect("constant regex")
});

/// "© ...", or "(c)"/"Copyright" followed by "©" or a year: "Copyright law" is prose.
fn is_copyright(s: &str) -> bool {
    if s.len() > 300 {
        return false;
    }
    if s.starts_with('©') {
        return true;
    }
    let rest = if starts_with_ci(s, "(c)") {
        &s[3..]
    } else if starts_with_ci(s, "copyright") {
        &s[9..]
    } else {
        return false;
    };
    let rest = rest.trim_start();
    rest.starts_with('©') || rest.as_bytes().first().is_some_and(u8::is_ascii_digit)
}

/// "©2023 Bloomberg L.P." -> "Bloomberg".
fn copyright_owner(s: &str) -> Option<String> {
    let caps = COPYRIGHT.captures(s)?;
    let mut name = caps.get(1)?.as_str().trim();
    let lower = name.to_ascii_lowercase();
    if let Some(k) = lower.find("all rights reserved") {
        name = name[..k].trim();
    }
    // The owner ends at the first full stop that is not a company abbreviation:
    // "The Washington Times, LLC. Click here for reprint permission."
    let mut from = 0;
    while let Some(k) = name[from..].find(". ").map(|k| from + k) {
        let word = name[..k].rsplit([' ', ',']).next().unwrap_or("");
        let initial = word.len() == 1 && word.as_bytes()[0].is_ascii_uppercase();
        let company = matches!(word, "L.P" | "Inc" | "Co" | "Corp" | "Ltd" | "N.V" | "S.A");
        let next = name[k + 2..].split([' ', '.', ',']).next().unwrap_or("");
        let more_company = matches!(
            next,
            "Inc" | "Ltd" | "LLC" | "Co" | "Corp" | "L" | "Limited" | "plc" | "LP"
        );
        if !(initial || company && more_company) {
            name = &name[..k];
            break;
        }
        from = k + 2;
    }
    loop {
        let before = name;
        name = name.trim_end_matches([' ', ',', '.', '&']);
        for suf in [
            " L.P", " LP", " Inc", " Ltd", " LLC", " Co", " Corp", " Limited", " plc",
        ] {
            if name.len() > suf.len() && name.ends_with(suf) {
                name = &name[..name.len() - suf.len()];
            }
        }
        if name == before {
            break;
        }
    }
    let name = name.strip_prefix("The ").unwrap_or(name).trim();
    (!name.is_empty() && name.len() <= 60 && name.chars().next().is_some_and(char::is_uppercase))
        .then(|| name.to_string())
}

/// Copyright lines were already moved to the boilerplate with the other web
/// furniture; their owner names the source unless an agency marker did.
fn source_from_copyright(meta: &mut Meta) {
    if meta.source.is_some() {
        return;
    }
    for b in meta.boilerplate.iter().rev() {
        if is_copyright(b) {
            if let Some(owner) = copyright_owner(b) {
                meta.source = Some(owner);
                return;
            }
        }
    }
}

static CONTRIBUTED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:[-—–]+\s*)?(.{1,100}?)\s+(?:also\s+)?contribut(?:ed|es|ing)\s+(?:reporting|to\s+this\s+(?:report|story|article)|(?:additional\s+)?reporting\s+to\s+this\s+(?:report|story))\b[^.]{0,80}\.?$",
    )
    .expect("constant regex")
});

static BY_SEGMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:additional\s+)?(?:reporting|writing|editing|compiled|edited|compiling|research)(?:\s+and\s+(?:reporting|writing|editing))?\s+by\s+(.+)$",
    )
    .expect("constant regex")
});

static WITH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[-—–]+\s*)?With\s+([A-Z][\w&.' -]{0,60}?)\.?$").expect("constant regex")
});

fn push_names(list: &str, out: &mut Vec<String>) {
    for part in list.split([',', '&']).flat_map(|p| p.split(" and ")) {
        let mut name = part.trim();
        if let Some(k) = name.find(" in ") {
            name = &name[..k];
        }
        // A second role run into the list: "..., Editing by William Maclean";
        // a job title before the name: "Associated Press writers Jane Doe".
        for sep in [" by ", " writers ", " writer ", " correspondent "] {
            if let Some(k) = name.rfind(sep) {
                name = &name[k + sep.len()..];
            }
        }
        let name = name
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .trim_end_matches(['.', ')', ' ']);
        if !name.is_empty() && name.len() <= 60 && !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
    }
}

/// "Reporting by A in Paris; Editing by B" (with or without parentheses).
fn by_credits(s: &str) -> Option<Vec<String>> {
    let inner = s
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(['.', ' '])
        .trim_end_matches(')')
        .trim();
    let mut names = Vec::new();
    for seg in inner.split(';') {
        let seg = seg.trim();
        if seg.is_empty() {
            continue;
        }
        // A segment that names no role is not part of a credit line: "Reporting by
        // n;Lavrov", or a sentence run into the line by a soft wrap.
        let c = BY_SEGMENT.captures(seg)?;
        push_names(c.get(1).map_or("", |m| m.as_str()), &mut names);
    }
    (!names.is_empty() && names.iter().all(|n| name_like(n))).then_some(names)
}

/// A credited name: at most five words, each capitalised or a name particle
/// ("Jane Doe", "Ludwig van Beethoven"), so "Tom Jones Olaf Scholz said the talks"
/// (a sentence run into the line) is not one.
fn name_like(n: &str) -> bool {
    let words: Vec<&str> = n.split_whitespace().collect();
    words.len() <= 5
        && words.iter().all(|w| {
            w.starts_with(|c: char| !c.is_lowercase())
                || matches!(
                    *w,
                    "de" | "van"
                        | "von"
                        | "der"
                        | "da"
                        | "di"
                        | "du"
                        | "al"
                        | "bin"
                        | "la"
                        | "le"
                        | "del"
                        | "dos"
                )
        })
}

fn credit_names(s: &str) -> Option<Vec<String>> {
    if s.len() > 300 {
        return None;
    }
    let contributed = s.contains("ontribut");
    if let Some(c) = contributed.then(|| CONTRIBUTED.captures(s)).flatten() {
        let mut names = Vec::new();
        push_names(c.get(1).map_or("", |m| m.as_str()), &mut names);
        return (!names.is_empty()).then_some(names);
    }
    let with = s.len() <= 90 && (s.starts_with("With ") || s.starts_with(['-', '—', '–']));
    if let Some(c) = with.then(|| WITH.captures(s)).flatten() {
        let mut names = Vec::new();
        push_names(c.get(1).map_or("", |m| m.as_str()), &mut names);
        return (!names.is_empty()).then_some(names);
    }
    let lower0 = s
        .trim_start_matches('(')
        .as_bytes()
        .first()
        .map(u8::to_ascii_lowercase);
    if matches!(lower0, Some(b'a' | b'r' | b'w' | b'e' | b'c')) && s.contains(" by ") {
        return by_credits(s);
    }
    None
}

fn take_credits(paras: &mut Vec<Para>, meta: &mut Meta) {
    let first = paras.len().saturating_sub(TAIL_PARAS);
    let mut names = Vec::new();
    // The credit text itself goes to the boilerplate: the names parsed from it are
    // an interpretation, and nothing the parser takes out of the body may be lost.
    for p in paras[first..].iter_mut() {
        if let Some(found) = credit_names(&p.text) {
            names.extend(found);
            meta.boilerplate.push(std::mem::take(&mut p.text));
            continue;
        }
        // A trailing "(Reporting by ...; Editing by ...)" after the last sentence.
        if p.text.ends_with(')') {
            if let Some(open) = p.text.rfind('(') {
                if let Some(found) = by_credits(&p.text[open..]) {
                    names.extend(found);
                    meta.boilerplate.push(p.text[open..].to_string());
                    p.text.truncate(open);
                    p.text.truncate(p.text.trim_end().len());
                }
            }
        }
    }
    for name in names {
        if !meta.credits.contains(&name) {
            meta.credits.push(name);
        }
    }
    paras.retain(|p| !p.text.is_empty());
}

// ---------------------------------------------------------------------------
// Date header

const MONTHS: &str = "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?:(\d{{4}})[-/](\d{{1,2}})[-/](\d{{1,2}})|({MONTHS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})|(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTHS})\.?,?\s+(\d{{4}}))\b"
    ))
    .expect("constant regex")
});

/// Weekday names may precede a date on a date-only line: "Friday, May 26, 2023".
static WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+").expect("constant regex")
});

static DATE_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:date|published(?:\s+on)?|updated|posted|last\s+updated)\s*:?\s*")
        .expect("constant regex")
});

/// What may follow the date on a date line without being text: a time and zone,
/// "| Updated 10:30 a.m. ET".
static TIME_STAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:(?:updated|at)\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+[a-z]{2,4})?[\s.|]*$",
    )
    .expect("constant regex")
});

fn month_number(m: &str) -> Option<u32> {
    let m = m.to_ascii_lowercase();
    let idx = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    .iter()
    .position(|p| m.starts_with(p))?;
    Some(idx as u32 + 1)
}

fn iso_date(y: u32, m: u32, d: u32) -> Option<String> {
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    ((1000..=2999).contains(&y) && (1..=days).contains(&d)).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// The first valid date in `s`: (ISO date, byte range of the match).
fn find_date(s: &str) -> Option<(String, std::ops::Range<usize>)> {
    for c in DATE.captures_iter(s) {
        let num = |k: usize| c.get(k).and_then(|m| m.as_str().parse::<u32>().ok());
        let iso = if c.get(1).is_some() {
            iso_date(num(1)?, num(2)?, num(3)?)
        } else if let Some(m) = c.get(4) {
            iso_date(num(6)?, month_number(m.as_str())?, num(5)?)
        } else {
            iso_date(num(9)?, month_number(c.get(8)?.as_str())?, num(7)?)
        };
        if let (Some(iso), Some(m)) = (iso, c.get(0)) {
            return Some((iso, m.range()));
        }
    }
    None
}

fn find_date_header(lines: &mut [Line<'_>], meta: &mut Meta) {
    let mut seen = 0;
    for line in lines.iter_mut() {
        if line.s.is_empty() {
            continue;
        }
        seen += 1;
        if seen > HEADER_LINES {
            return;
        }
        let s = line.s;
        // Cheap gate: a date header starts with a digit or a keyword/month/weekday letter.
        let b0 = s.as_bytes()[0].to_ascii_lowercase();
        if !(b0.is_ascii_digit() || b"dpulajfmsonwt".contains(&b0)) {
            continue;
        }
        let keyed = matches!(b0, b'd' | b'p' | b'u' | b'l')
            && ["date", "published", "updated", "posted", "last updated"]
                .iter()
                .any(|k| starts_with_ci(s, k));
        if let Some(k) = keyed.then(|| DATE_KEY.find(s)).flatten() {
            let rest = &s[k.end()..];
            if let Some((iso, r)) = find_date(rest) {
                let after = rest[r.end..].trim_start_matches([' ', ',', '-', '|']);
                if r.start == 0 && !after.is_empty() && !TIME_STAMP.is_match(after) {
                    // "Published: May 26, 2023 Russian Foreign Minister ...", often
                    // hard-wrapped into the story's first sentence: keep the text.
                    meta.date = Some(iso);
                    meta.boilerplate
                        .push(s[..s.len() - after.len()].trim_end().to_string());
                    line.s = after;
                    line.len = line.s.chars().count();
                    return;
                }
                if s.len() <= 100 {
                    meta.date = Some(iso);
                    meta.boilerplate.push(s.to_string());
                    line.removed = true;
                    return;
                }
            }
            continue;
        }
        if s.len() <= 40 && s.bytes().any(|c| c.is_ascii_digit()) {
            let t = WEEKDAY.find(s).map_or(s, |m| &s[m.end()..]);
            if let Some((iso, r)) = find_date(t) {
                if r.start == 0 && t[r.end..].trim_matches([' ', '.', ',']).is_empty() {
                    meta.date = Some(iso);
                    meta.boilerplate.push(s.to_string());
                    line.removed = true;
                    return;
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Title and dateline

fn take_title(paras: &mut Vec<Para>, meta: &mut Meta) {
    if paras.len() < 2 {
        return;
    }
    let p = &paras[0];
    let t = p.text.as_str();
    let ok = p.single
        && !p.table
        && t.len() <= 600
        && t.chars().count() <= 200
        && t.split(' ').count() <= 30
        && !t.ends_with(['.', ',', ';', ':'])
        && !starts_lowercase(t)
        && !t.starts_with('(');
    if ok {
        let t = paras.remove(0).text;
        if is_photo_caption(&t) {
            meta.boilerplate.push(t);
        } else {
            meta.title = Some(t);
        }
    }
}

/// A lone opening line that ends in a photographer credit is the lead image's
/// caption: "President Trump listens ... (Carlos Barria/Reuters)".
fn is_photo_caption(t: &str) -> bool {
    if !t.ends_with(')') {
        return false;
    }
    t.rfind('(').is_some_and(|k| {
        let credit = &t[k..];
        credit.contains('/') || credit.contains("Photo") || credit.contains("Getty")
    })
}

const AGENCIES: &[&str] = &[
    "Reuters",
    "AP",
    "AFP",
    "Bloomberg",
    "UPI",
    "Xinhua",
    "TASS",
    "dpa",
    "CNN",
    "ANSA",
    "EFE",
    "PTI",
    "IANS",
    "Kyodo",
    "Yonhap",
    "Interfax",
    "RIA Novosti",
    "Al Jazeera",
    "AAP",
    "CNA",
    "Anadolu",
];

const PLACE: &str = r"[A-Z][\p{L}'’.-]*(?:[ ][A-Z][\p{L}'’.-]*){0,3}";
const STATE: &str = r",\s*[A-Z][\p{L}.]*(?:\s[A-Z][\p{L}.]*)?";
const DASH: &str = r"(?:\s*[—–]\s*|\s+--?\s+)";

static AGENCY_ONLY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\(([^()]{1,30})\)\s*(?:--?|[—–])\s*").expect("constant regex"));

static PLACE_AGENCY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^({PLACE}(?:{STATE})?)(?:,\s*(?i:{MONTHS})\.?\s+\d{{1,2}})?\s*\(([^()]{{1,30}})\)\s*(?:--?|[—–])\s*"
    ))
    .expect("constant regex")
});

static PLACE_DASH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^({PLACE}(?:{STATE})?(?:,\s*(?i:{MONTHS})\.?\s+\d{{1,2}})?){DASH}"
    ))
    .expect("constant regex")
});

/// Sentence openers that look like a capitalised place.
const NOT_PLACES: &[&str] = &[
    "The",
    "A",
    "An",
    "In",
    "On",
    "At",
    "But",
    "And",
    "So",
    "This",
    "That",
    "It",
    "He",
    "She",
    "We",
    "They",
    "I",
    "Its",
    "His",
    "Her",
    "Our",
    "As",
    "If",
    "When",
    "While",
    "After",
    "Before",
    "For",
    "With",
    "From",
    "By",
    "Of",
    "To",
    "Mr.",
    "Mrs.",
    "Ms.",
    "Dr.",
    "President",
    "Minister",
    "Meanwhile",
    "However",
    "Yes",
    "No",
    "Not",
];

fn is_agency(s: &str) -> bool {
    let s = s.trim();
    AGENCIES.iter().any(|a| a.eq_ignore_ascii_case(s))
        || (s.len() <= 30
            && s.split(' ').count() <= 3
            && !SLUGS.contains(&s)
            && s.split(' ').all(|w| {
                w.chars().next().is_some_and(char::is_uppercase)
                    || w.chars().all(|c| !c.is_alphabetic())
            }))
}

/// Wire-service slugs that open headlines: "CORRECTION - ...".
const SLUGS: &[&str] = &[
    "CORRECTION",
    "CORRECTED",
    "UPDATE",
    "REFILE",
    "REPEAT",
    "RPT",
    "WRAPUP",
    "EXCLUSIVE",
    "ANALYSIS",
    "FACTBOX",
    "BREAKING",
    "URGENT",
];

fn plausible_place(place: &str) -> bool {
    if place.len() > 40 {
        return false;
    }
    let first = place.split([' ', ',']).next().unwrap_or("");
    if (NOT_PLACES.contains(&first) && place != "The Hague") || SLUGS.contains(&first) {
        return false;
    }
    // Three or more bare capitals are a headline ("ZURICH GOLD OPENING") unless a
    // state or date pins them down as a place ("SALT LAKE CITY, Utah").
    place.contains(',') || place.split(' ').count() <= 2 || place.chars().any(char::is_lowercase)
}

/// After a marker comes a sentence, not more headline: not lowercase (that is
/// a dash inside a sentence), and some lowercase soon ("CORRECTION - CONTINENTAL
/// ILL" is a headline, "PARIS (Reuters) - French farmers" is a story).
fn prose_follows(head: &str, end: usize) -> bool {
    let rest = head.get(end..).unwrap_or("").trim_start();
    !starts_lowercase(rest) && rest.chars().take(40).any(char::is_lowercase)
}

/// A bare dash is weaker evidence than an agency marker: also refuse when the
/// next word is shouted ("TOKYO RUBBER - MARCH 3"), allowing "U.S." and the like.
fn shouting_follows(head: &str, end: usize) -> bool {
    let rest = head.get(end..).unwrap_or("").trim_start();
    let word = rest.split(' ').next().unwrap_or("");
    !word.contains('.')
        && word.chars().filter(|c| c.is_alphabetic()).count() >= 3
        && !word.chars().any(char::is_lowercase)
}

/// The dateline or agency marker that opens the story goes to `meta` (place and
/// source) and, verbatim, to the boilerplate after the date-header lines (`at`).
fn take_dateline(paras: &mut Vec<Para>, meta: &mut Meta, at: usize) {
    let Some(p) = paras.first_mut() else { return };
    let t = p.text.as_str();
    // Only an opening capital or "(" can start a dateline or agency marker.
    let Some(&b0) = t.as_bytes().first() else {
        return;
    };
    if !(b0 == b'(' || b0.is_ascii_uppercase() || b0 >= 0x80) {
        return;
    }
    let head_end = (0..=t.len().min(100))
        .rev()
        .find(|&k| t.is_char_boundary(k))
        .unwrap_or(0);
    let head = &t[..head_end];
    // Every marker form has a parenthesis or a dash near the start.
    if memchr::memchr3(b'(', b'-', 0xE2, head.as_bytes()).is_none() {
        return;
    }
    let mut cut = None;
    if b0 == b'(' {
        if let Some(c) = AGENCY_ONLY.captures(head) {
            let name = c.get(1).map_or("", |m| m.as_str()).trim();
            if is_agency(name) && prose_follows(head, c.get(0).map_or(0, |m| m.end())) {
                meta.source.get_or_insert_with(|| name.to_string());
                cut = c.get(0).map(|m| m.end());
            }
        }
    } else if let Some(c) = PLACE_AGENCY.captures(head) {
        let place = c.get(1).map_or("", |m| m.as_str()).trim();
        let name = c.get(2).map_or("", |m| m.as_str()).trim();
        if is_agency(name)
            && plausible_place(place)
            && prose_follows(head, c.get(0).map_or(0, |m| m.end()))
        {
            meta.dateline = Some(place.to_string());
            meta.source = Some(name.to_string());
            cut = c.get(0).map(|m| m.end());
        }
    } else if let Some(c) = PLACE_DASH.captures(head) {
        let place = c.get(1).map_or("", |m| m.as_str()).trim();
        let end = c.get(0).map_or(0, |m| m.end());
        if prose_follows(head, end) && !shouting_follows(head, end) && plausible_place(place) {
            meta.dateline = Some(place.to_string());
            cut = Some(end);
        }
    }
    if let Some(end) = cut {
        let head = p.text[..end].trim().to_string();
        meta.boilerplate
            .insert(at.min(meta.boilerplate.len()), head);
        p.text = p.text[end..].trim_start().to_string();
        if p.text.is_empty() {
            paras.remove(0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S0: &str = include_str!("../../seeds/000_27c6c80333bff2b2.txt");
    const S1: &str = include_str!("../../seeds/001_4b47a35a151c059f.txt");
    const S2: &str = include_str!("../../seeds/002_42814e0e06be7a9f.txt");
    const S3: &str = include_str!("../../seeds/003_44559a4cf5bac29f.txt");
    const S4: &str = include_str!("../../seeds/004_e8067eb3658fd9d6.txt");

    /// Clean and check the structural invariants every output must keep.
    fn run(raw: &str) -> Cleaned {
        let c = clean(raw);
        check(&c);
        c
    }

    fn check(c: &Cleaned) {
        let mut rebuilt = String::new();
        for (k, sp) in c.paragraphs.iter().enumerate() {
            let s = &c.text[sp.range()];
            assert!(!s.is_empty(), "empty paragraph {k}");
            assert_eq!(s, s.trim(), "untrimmed paragraph {k}");
            if k > 0 {
                rebuilt.push_str("\n\n");
            }
            rebuilt.push_str(s);
        }
        assert_eq!(rebuilt, c.text);
    }

    fn paras(c: &Cleaned) -> Vec<&str> {
        c.paragraphs.iter().map(|s| &c.text[s.range()]).collect()
    }

    #[test]
    fn seed_000() {
        let c = run(S0);
        let ps = paras(&c);
        assert!(ps.iter().all(|p| !p.ends_with("foreign policy")));
        assert!(ps
            .iter()
            .any(|p| p.contains("foreign policy cooperation, invariably")));
        assert_eq!(c.meta.credits, vec!["AFP"]);
        assert!(c
            .meta
            .boilerplate
            .iter()
            .any(|b| b.starts_with("Related article: China's Xi Offers")));
        assert!(!c.text.contains("Related article"));
        assert!(!c.text.contains("contributed reporting"));
        assert_eq!(c.meta.title, None);
        assert!(c
            .text
            .starts_with("Russian Foreign Minister Sergei Lavrov told"));
        assert!(ps[0].contains("that there were \"serious obstacles\""));
        assert_eq!(c.meta.dateline, None);
    }

    #[test]
    fn seed_001() {
        let c = run(S1);
        assert_eq!(c.meta.date.as_deref(), Some("2023-05-26"));
        assert!(c.text.starts_with("Russian Foreign Minister Sergei Lavrov"));
        assert!(!c.text.contains("Watch:"));
        assert!(!c.text.contains("double containment"));
        assert!(c.meta.boilerplate.iter().any(|b| b.starts_with("Watch:")));
        assert!(
            c.text.contains("and China.\u{201d}")
                || c.text.contains("The Russian Foreign Ministry stated")
        );
        assert_eq!(c.meta.title, None);
    }

    #[test]
    fn seed_002() {
        let c = run(S2);
        assert_eq!(c.meta.source.as_deref(), Some("Bloomberg"));
        assert!(c.text.starts_with("A Chinese envoy"));
        assert!(!c.text.contains("©2023"));
        assert!(paras(&c).contains(&"Position Paper"));
        assert!(c
            .meta
            .boilerplate
            .iter()
            .any(|b| b == "©2023 Bloomberg L.P."));
        assert_eq!(c.meta.title, None);
    }

    #[test]
    fn seed_003() {
        let c = run(S3);
        assert_eq!(c.paragraphs.len(), 5);
        assert_eq!(c.meta.title, None);
    }

    #[test]
    fn seed_004() {
        let c = run(S4);
        assert_eq!(
            c.meta.title.as_deref(),
            Some("Russia’s Lavrov to visit China to discuss Ukraine war")
        );
        assert_eq!(c.meta.dateline.as_deref(), Some("Moscow"));
        assert!(c
            .text
            .starts_with("Russian Foreign Minister Sergei Lavrov will visit"));
        assert!(c
            .meta
            .boilerplate
            .iter()
            .any(|b| b.eq_ignore_ascii_case("leave a reply:")));
        assert!(!c.text.to_lowercase().contains("leave a reply"));
    }

    #[test]
    #[ignore]
    fn dump_seeds() {
        for s in [S0, S1, S2, S3, S4] {
            let c = run(s);
            println!("{:?}", c.meta);
            for p in paras(&c) {
                println!("  | {p}");
            }
        }
    }

    #[test]
    fn reuters_wrapped_and_indented() {
        let raw = "    SALVADOR, Feb 26 - Showers continued throughout the week in\nthe Bahia cocoa zone, alleviating the drought since early\nJanuary.\n    The dry period means the temporao will be late this year.\n    Arrivals for the week ended February 22 were 155,221 bags\nof 60 kilos making a cumulative total.\n";
        let c = run(raw);
        assert_eq!(c.meta.dateline.as_deref(), Some("SALVADOR, Feb 26"));
        assert_eq!(c.meta.source, None);
        assert_eq!(
            paras(&c),
            vec![
                "Showers continued throughout the week in the Bahia cocoa zone, alleviating the drought since early January.",
                "The dry period means the temporao will be late this year.",
                "Arrivals for the week ended February 22 were 155,221 bags of 60 kilos making a cumulative total.",
            ]
        );
    }

    #[test]
    fn table_rows() {
        let raw = "Shr 28 cts vs 22 cts\n    Net 1,234,000 vs 1,000,000\n    Revs 12.5 mln vs 11.0 mln\n\n         Natl   Loan\n Wheat   2.55   2.40\n Corn    1.35   1.92\n";
        let c = run(raw);
        let ps = paras(&c);
        assert!(ps.contains(&"Shr 28 cts vs 22 cts"), "{ps:?}");
        assert!(ps.contains(&"Net 1,234,000 vs 1,000,000"));
        assert!(ps.contains(&"Revs 12.5 mln vs 11.0 mln"));
        assert!(ps.contains(&"Wheat   2.55   2.40"));
        assert!(ps.contains(&"Corn    1.35   1.92"));
        assert_eq!(c.meta.title, None);
    }

    #[test]
    fn agency_markers() {
        let c = run("PARIS (Reuters) - French farmers blocked roads on Monday.\n\nMore text here.");
        assert_eq!(c.meta.dateline.as_deref(), Some("PARIS"));
        assert_eq!(c.meta.source.as_deref(), Some("Reuters"));
        assert!(c.text.starts_with("French farmers"));

        let c = run("LONDON, March 3 (Reuters) - British shares rose.");
        assert_eq!(c.meta.dateline.as_deref(), Some("LONDON"));
        assert_eq!(c.meta.source.as_deref(), Some("Reuters"));
        assert_eq!(c.text, "British shares rose.");

        let c = run("BRUSSELS (Reuters) - NATO allies met on Tuesday.");
        assert_eq!(c.meta.dateline.as_deref(), Some("BRUSSELS"));
        let c = run("WASHINGTON — U.S. officials met on Tuesday.");
        assert_eq!(c.meta.dateline.as_deref(), Some("WASHINGTON"));
        let c = run("WASHINGTON (AP) — The Senate voted on Tuesday.");
        assert_eq!(c.meta.dateline.as_deref(), Some("WASHINGTON"));
        assert_eq!(c.meta.source.as_deref(), Some("AP"));
        assert_eq!(c.text, "The Senate voted on Tuesday.");

        let c = run("BERLIN (dpa) -- Germany said on Friday it would act.");
        assert_eq!(c.meta.source.as_deref(), Some("dpa"));
        assert_eq!(c.text, "Germany said on Friday it would act.");

        let c = run("(Bloomberg) -- A Chinese envoy met Lavrov.");
        assert_eq!(c.meta.source.as_deref(), Some("Bloomberg"));
        assert_eq!(c.meta.dateline, None);
        assert_eq!(c.text, "A Chinese envoy met Lavrov.");
    }

    #[test]
    fn datelines() {
        let c = run("KYIV, Ukraine — Russian missiles struck the city overnight.");
        assert_eq!(c.meta.dateline.as_deref(), Some("KYIV, Ukraine"));
        assert_eq!(c.text, "Russian missiles struck the city overnight.");

        let c = run("SAN FRANCISCO, Calif. — Tech stocks fell.");
        assert_eq!(c.meta.dateline.as_deref(), Some("SAN FRANCISCO, Calif."));
        assert_eq!(c.text, "Tech stocks fell.");

        let c = run("New York – Stocks fell on Monday.");
        assert_eq!(c.meta.dateline.as_deref(), Some("New York"));

        let c = run("Moscow —\u{a0}Russian Foreign Minister Sergei Lavrov will visit.");
        assert_eq!(c.meta.dateline.as_deref(), Some("Moscow"));
        assert_eq!(c.text, "Russian Foreign Minister Sergei Lavrov will visit.");
    }

    #[test]
    fn dash_false_positives() {
        for raw in [
            "The ministry — which oversees the talks — said nothing.",
            "The Kremlin — which denies it — said nothing.",
            "Biden — who spoke late — said nothing.",
            "He said - and repeated - that talks were over.",
            "In Moscow — Lavrov said — talks went well.",
            "Russia-China growing closer - Recently the two met.",
        ] {
            let c = run(raw);
            assert_eq!(c.meta.dateline, None, "{raw}");
            assert_eq!(c.text, raw);
        }
        // Only the first paragraph may open with a dateline.
        for raw in [
            "CORRECTION - CONTINENTAL ILL <CIL>\n    In WASHINGTON story, read x.",
            "TOKYO RUBBER - TOKYO RUBBER CLOSE 123.5 YEN",
            "CLOSE        SETT  PSETT\n Wheat   2.55   2.40",
            "CLOSE CDT  APRIL 7\n    Wheat 2.55 vs 2.40",
            "U.S. DIVIDEND MEETINGS - MARCH 3\n Mickelberry Corp\n Premier Industries",
            "ZURICH GOLD OPENING - Gold opened at 400 dlrs.",
            "(CORRECTION) - TRANSALTA UTILITIES CORP YEAR NET",
        ] {
            let c = run(raw);
            assert_eq!(c.meta.dateline, None, "{raw}");
            assert_eq!(c.meta.source, None, "{raw}");
            assert!(c.meta.boilerplate.is_empty(), "{raw}");
        }
        let c = run("Talks resumed on Friday after a pause.\n\nPARIS (Reuters) - Later text.");
        assert_eq!(c.meta.dateline, None);
        assert!(c.text.contains("PARIS (Reuters) - Later text."));
    }

    #[test]
    fn copyright_variants() {
        for (line, owner) in [
            ("©2023 Bloomberg L.P.", "Bloomberg"),
            (
                "© 2023 The Associated Press. All rights reserved.",
                "Associated Press",
            ),
            ("Copyright 2023 Reuters", "Reuters"),
            (
                "Copyright © 2021-2023 Acme News Inc. All Rights Reserved.",
                "Acme News",
            ),
            ("(c) 2022 Example Media LLC", "Example Media"),
            ("Copyright © The Daily Planet", "Daily Planet"),
            (
                "Copyright © 2020 The Washington Times, LLC. Click here for reprint permission.",
                "Washington Times",
            ),
            ("© 2023 Dow Jones & Co. Inc. Terms apply.", "Dow Jones"),
        ] {
            let raw = format!("Body sentence one.\n\nBody sentence two.\n\n{line}\n");
            let c = run(&raw);
            assert_eq!(c.meta.source.as_deref(), Some(owner), "{line}");
            assert_eq!(c.meta.boilerplate, vec![line.to_string()]);
            assert_eq!(c.text, "Body sentence one.\n\nBody sentence two.");
        }
        // An agency marker wins over the copyright owner.
        let c = run("PARIS (AFP) - Text.\n\n© 2023 Agence France-Presse");
        assert_eq!(c.meta.source.as_deref(), Some("AFP"));
        assert_eq!(c.text, "Text.");
    }

    #[test]
    fn credit_variants() {
        let body = "The talks ended on Friday.\n\n";
        for (tail, want) in [
            ("AFP contributed reporting.", vec!["AFP"]),
            ("Reuters and AFP contributed to this report.", vec!["Reuters", "AFP"]),
            (
                "Reporting by Jane Doe in Paris; Additional reporting by Ivan Petrov; Editing by John Smith",
                vec!["Jane Doe", "Ivan Petrov", "John Smith"],
            ),
            (
                "(Reporting by Jane Doe in Paris; Additional reporting by Ivan Petrov; Editing by John Smith)",
                vec!["Jane Doe", "Ivan Petrov", "John Smith"],
            ),
            ("Writing by Mark Heinrich", vec!["Mark Heinrich"]),
            ("Compiled by Asia Desk", vec!["Asia Desk"]),
            ("With AFP", vec!["AFP"]),
            ("• S.A. Miller contributed to this report.", vec!["S.A. Miller"]),
            (
                "Associated Press writers Kim Lee and Dina Cappiello contributed to this report.",
                vec!["Kim Lee", "Dina Cappiello"],
            ),
            (
                "Additional reporting by Ali Sawafta and Angus McDowall in Cairo, Editing by William Maclean",
                vec!["Ali Sawafta", "Angus McDowall", "William Maclean"],
            ),
            ("— With AFP", vec!["AFP"]),
        ] {
            let c = run(&format!("{body}{tail}"));
            assert_eq!(c.meta.credits, want, "{tail}");
            assert_eq!(c.text, "The talks ended on Friday.", "{tail}");
            assert_eq!(c.meta.boilerplate, vec![tail.to_string()], "{tail}");
        }
        // A trailing parenthetical inside the last paragraph.
        let c = run("The talks ended. (Reporting by Jane Doe; Editing by John Smith)");
        assert_eq!(c.meta.credits, vec!["Jane Doe", "John Smith"]);
        assert_eq!(c.text, "The talks ended.");
        assert_eq!(
            c.meta.boilerplate,
            vec!["(Reporting by Jane Doe; Editing by John Smith)"]
        );
        // Lines that only start like credits keep their words in the body: a segment
        // with no role, or a sentence soft-wrapped onto the credit line.
        for raw in [
            "Reporting by x;Tusk",
            "Tusk met Rutte.\n\nReporting by Ian Bell; Editing by Eve Hart\nRutte said the summit in Oslo ends on Monday.",
        ] {
            let c = run(raw);
            assert!(c.meta.credits.is_empty(), "{raw:?}");
            assert!(c.text.contains("Tusk"), "{raw:?}");
            assert!(c.text.ends_with("Monday.") || c.text.ends_with("Tusk"), "{raw:?}");
        }
        // Not a credit: far from the end, or an ordinary sentence.
        let c = run("AFP contributed reporting.\n\nA.\n\nB.\n\nC.\n\nD.");
        assert!(c.meta.credits.is_empty());
        let c = run("The report said officials were writing by hand.");
        assert!(c.meta.credits.is_empty());
        let c = run("Intro.\n\nCopyright law was at stake.\n\nCopyrighted works too.");
        assert_eq!(c.paragraphs.len(), 3);
        assert_eq!(c.meta.source, None);
    }

    #[test]
    fn date_variants() {
        for (head, iso) in [
            ("Date: 2023-05-26", "2023-05-26"),
            ("Published: May 26, 2023", "2023-05-26"),
            ("Updated 10:32 AM EDT, Fri May 26, 2023", "2023-05-26"),
            ("May 26, 2023", "2023-05-26"),
            ("26 May 2023", "2023-05-26"),
            ("2023-05-26", "2023-05-26"),
            ("2023/05/26", "2023-05-26"),
            ("Friday, February 29, 2024", "2024-02-29"),
        ] {
            let c = run(&format!(
                "{head}\n\nThe talks ended on Friday.\n\nMore text."
            ));
            assert_eq!(c.meta.date.as_deref(), Some(iso), "{head}");
            assert!(c.text.starts_with("The talks ended"), "{head}");
        }
        for bad in ["2023-13-45", "February 30, 2023", "2023-02-29"] {
            let c = run(&format!("{bad}\n\nThe talks ended on Friday."));
            assert_eq!(c.meta.date, None, "{bad}");
            assert!(c.meta.title.as_deref() == Some(bad) || c.text.starts_with(bad));
        }
        let c = run("date 2023-05-26 Russian Foreign Minister Sergei Lavrov said on Friday that talks stalled.");
        assert_eq!(c.meta.date.as_deref(), Some("2023-05-26"));
        assert!(c.text.starts_with("Russian Foreign Minister"));
        // A date line hard-wrapped into the first sentence keeps the sentence's words;
        // a time after the date is not text. Removed text is kept in the boilerplate.
        let c = run("Posted: June 3, 2024 Polish Prime Minister Donald\ntold reporters in Warsaw that the vote would go ahead.");
        assert_eq!(c.meta.date.as_deref(), Some("2024-06-03"));
        assert!(
            c.text
                .starts_with("Polish Prime Minister Donald told reporters"),
            "{:?}",
            c.text
        );
        assert_eq!(c.meta.boilerplate, vec!["Posted: June 3, 2024"]);
        let c = run("Published: June 3, 2024 10:30 a.m. ET\n\nThe vote went ahead.\n\nMore text.");
        assert_eq!(c.meta.date.as_deref(), Some("2024-06-03"));
        assert!(c.text.starts_with("The vote went ahead."), "{:?}", c.text);
        assert_eq!(
            c.meta.boilerplate,
            vec!["Published: June 3, 2024 10:30 a.m. ET"]
        );
        // A date deep in the body is not a header.
        let c = run("A.\n\nB.\n\nC.\n\nMay 26, 2023\n\nD.");
        assert_eq!(c.meta.date, None);
        // Date line then title.
        let c =
            run("Published: May 26, 2023\nLavrov to visit China\n\nMoscow — Text follows here.");
        assert_eq!(c.meta.date.as_deref(), Some("2023-05-26"));
        assert_eq!(c.meta.title.as_deref(), Some("Lavrov to visit China"));
        assert_eq!(c.meta.dateline.as_deref(), Some("Moscow"));
        assert_eq!(c.text, "Text follows here.");
    }

    #[test]
    fn gallery_controls_go_to_boilerplate() {
        let c = run(
            "Officials toured the plant. Hide Caption 1 of 3 Photos: Plant visit The mayor \
             spoke. Hide Caption 2 of 3 The crowd left.",
        );
        assert_eq!(
            c.text,
            "Officials toured the plant. Plant visit The mayor spoke. The crowd left."
        );
        assert_eq!(
            c.meta.boilerplate,
            vec!["Hide Caption 1 of 3 Photos:", "Hide Caption 2 of 3"]
        );
    }

    #[test]
    fn titles() {
        let c = run("Will talks resume?\n\nOfficials said they might.");
        assert_eq!(c.meta.title.as_deref(), Some("Will talks resume?"));
        let c = run("Thank you.\n\nOn behalf of the state, thank you.");
        assert_eq!(c.meta.title, None);
        let c =
            run("Trump listens at the White House, May 2, 2019. (Jane Doe/Reuters)\n\nBody text.");
        assert_eq!(c.meta.title, None);
        assert_eq!(c.text, "Body text.");
        assert_eq!(c.meta.boilerplate.len(), 1);
        let c = run("Only a heading");
        assert_eq!(c.meta.title, None);
        assert_eq!(c.text, "Only a heading");
    }

    #[test]
    fn crlf_and_form_feed() {
        let c = run(
            "Title of the story\r\n\r\nFirst line of a\r\nwrapped paragraph.\r\n\r\nSecond one.\r",
        );
        assert_eq!(c.meta.title.as_deref(), Some("Title of the story"));
        assert_eq!(
            paras(&c),
            vec!["First line of a wrapped paragraph.", "Second one."]
        );
        let c = run("The ministers agreed to strengthen\x0ccooperation across the region.\x0cNext page starts here.");
        assert_eq!(
            paras(&c),
            vec![
                "The ministers agreed to strengthen cooperation across the region.",
                "Next page starts here."
            ]
        );
    }

    #[test]
    fn hyphen_and_page_breaks() {
        let c = run("They agreed to a cease-\nfire on Monday and a well-\nKnown plan.");
        assert_eq!(
            c.text,
            "They agreed to a cease-fire on Monday and a well- Known plan."
        );
        let c = run("Talks on the cease-\n\n\nfire went on.");
        assert_eq!(c.text, "Talks on the cease-fire went on.");
        let c = run("Position Paper\n\nUkraine has said it won't accept it.");
        assert_eq!(c.meta.title.as_deref(), Some("Position Paper"));
        let c = run("First paragraph ends here.\n\nPosition Paper\n\nUkraine has said it won't.");
        assert_eq!(paras(&c)[1], "Position Paper");
        // Boilerplate between the halves of a sentence does not block the join.
        let c = run(
            "Intro.\n\nThey agreed to strengthen\n\nAdvertisement\n\ncooperation in the region.",
        );
        assert_eq!(
            paras(&c),
            vec![
                "Intro.",
                "They agreed to strengthen cooperation in the region."
            ]
        );
        assert_eq!(c.meta.boilerplate, vec!["Advertisement"]);
    }

    #[test]
    fn short_last_lines_and_long_lines() {
        let raw = "This is a wrapped line of text that goes on for a while and\nthen ends here.\nA new paragraph starts on the next line and it is also\nwrapped.\n";
        let c = run(raw);
        assert_eq!(c.paragraphs.len(), 2, "{:?}", paras(&c));
        let long = "word ".repeat(40);
        let raw = format!("{long}end.\n{long}end.\n{long}end");
        assert_eq!(run(&raw).paragraphs.len(), 3);
        // Abbreviations at a short line end do not break.
        let raw = "The envoy met with the deputy minister and Mr.\nSmith in the capital on Friday to discuss matters.";
        assert_eq!(run(raw).paragraphs.len(), 1);
    }

    #[test]
    fn boilerplate_lines() {
        let raw = "Intro sentence here.\n\nRead more: Something else happened\n\nADVERTISEMENT\n\nSubscribe to our newsletter\n\nSubscribers rose 10% in the quarter.\n\nComments by the minister drew criticism.\n\nPhoto: John Doe/Reuters\n\nJane Roe/Getty Images\n\nShare this article\n\nPhoto\n\nCLOSE Sen. Sanders spoke in Brooklyn. USA TODAY\n\nLast sentence.\n\nLeave a Reply";
        let c = run(raw);
        assert_eq!(
            paras(&c),
            vec![
                "Intro sentence here.",
                "Subscribers rose 10% in the quarter.",
                "Comments by the minister drew criticism.",
                "Last sentence."
            ]
        );
        assert_eq!(c.meta.boilerplate.len(), 9);
        // A boilerplate line inside a block after a finished sentence.
        let c = run("The talks ended on Friday and\nofficials left.\nRelated: Talks end\nNext paragraph text.");
        assert!(c
            .meta
            .boilerplate
            .iter()
            .any(|b| b.starts_with("Related: Talks end")));
        assert!(!c.text.contains("Related"));
    }

    #[test]
    fn inline_widgets() {
        let c =
            run("Officials met. Read more: Officials meet again in May × The meeting went well.");
        assert_eq!(c.text, "Officials met. The meeting went well.");
        assert_eq!(
            c.meta.boilerplate,
            vec!["Read more: Officials meet again in May ×"]
        );
        // No close mark in range: leave the text alone.
        let far = "x ".repeat(200);
        let raw = format!("Watch: {far} × rest of it.");
        assert_eq!(run(&raw).meta.boilerplate.len(), 0);
        let c = run("The word Watch: appears mid-sentence here × oddly.");
        assert!(c.meta.boilerplate.is_empty());
    }

    #[test]
    fn unicode_spaces_and_controls() {
        let c = run("\u{feff}Hello\u{a0}world\u{2009}again\u{200b}.\x07\x00 Done\u{85}.");
        assert_eq!(c.text, "Hello world again. Done.");
        let c = run("Curly “quotes” and ’apostrophes’ stay.");
        assert_eq!(c.text, "Curly “quotes” and ’apostrophes’ stay.");
    }

    #[test]
    fn never_panics() {
        let long = "a".repeat(100_000);
        let mut inputs: Vec<String> = vec![
            String::new(),
            " ".into(),
            "\n\n\n".into(),
            " \t \r\n \x0c ".into(),
            "\r\n".into(),
            "\r".into(),
            "date".into(),
            "date ".into(),
            "date 2023-05-26".into(),
            "Date:".into(),
            "Advertisement".into(),
            "©".into(),
            "© 2023".into(),
            "Copyright".into(),
            "(".into(),
            "()".into(),
            "() -".into(),
            "(Reuters) -".into(),
            "PARIS (Reuters) -".into(),
            "Moscow —".into(),
            "Watch: ×".into(),
            "×".into(),
            "Watch:×Watch:×Read more: ×".into(),
            "With".into(),
            "-".into(),
            "a-\n\nb-\n\nc".into(),
            "Related article: x\n\nLeave a reply:".into(),
            "AFP contributed reporting.".into(),
            "(Reporting by)".into(),
            "Reporting by ;;;".into(),
            "\u{a0}\u{3000}\u{2028}\u{2029}\u{85}".into(),
            "日本語のテキスト。\n\n中文文本".into(),
            "é\u{301}\u{200d}👍🏽".into(),
            long.clone(),
            format!("{long}\n{long}"),
            "“”’‘«»—–…".into(),
        ];
        // Every prefix of a seed, cut at char boundaries, and a few scrambles.
        for seed in [S0, S1, S2, S3, S4] {
            for (k, _) in seed.char_indices().step_by(37) {
                inputs.push(seed[..k].to_string());
                inputs.push(seed[k..].to_string());
            }
            inputs.push(seed.replace('\n', "\r"));
            inputs.push(seed.replace(' ', "\n"));
            inputs.push(seed.replace("\n\n", "\x0c"));
        }
        let bytes: Vec<char> = "a A.\n \t-—(©×)\r\x0c:,1ä’".chars().collect();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..3000 {
            let mut s = String::new();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let n = (state % 60) as usize;
            for _ in 0..n {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                s.push(bytes[(state % bytes.len() as u64) as usize]);
            }
            inputs.push(s);
        }
        for s in &inputs {
            let c = run(s);
            assert!(c.text.len() <= s.len() + 16);
        }
    }
}
