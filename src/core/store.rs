//! Parsed articles as flat columns and back, for saving a corpus.
//!
//! `Corpus.save` writes these columns as one Arrow IPC section (strings, lists of
//! strings, lists of `u32`, binary), so other tools can read a saved corpus and loading
//! one never parses the text again. The way back, [`unflatten`], trusts nothing: a
//! damaged or hand-made file must give an error naming the document, never a panic or
//! an article whose spans later slice a string out of bounds.

use rayon::prelude::*;

use super::{Article, Error, Meta, Result, Sentence, Span, Tokens};

/// Fields of one paragraph in [`Flat::paragraphs`]: start, end.
pub const PARAGRAPH_FIELDS: usize = 2;
/// Fields of one sentence in [`Flat::sentences`]: start, end, paragraph, first token,
/// number of tokens.
pub const SENTENCE_FIELDS: usize = 5;

/// Optional strings, one per document, laid out as an Arrow string column: UTF-8
/// `data`, `n + 1` `offsets` into it, and `valid` (0 where the value is missing).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct StrColumn {
    pub data: Vec<u8>,
    pub offsets: Vec<i64>,
    pub valid: Vec<u8>,
}

/// A list of strings per document (credits, boilerplate), laid out as an Arrow list
/// of strings: the strings as in [`StrColumn`] (all present), then `n + 1` `lists`
/// offsets into them.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ListColumn {
    pub data: Vec<u8>,
    pub offsets: Vec<i64>,
    pub lists: Vec<i64>,
}

/// All articles of a corpus as columns; every `*_offsets` has one entry per document
/// plus one, in units of the column it indexes (bytes, or `u32` values).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Flat {
    pub text: StrColumn,
    pub title: StrColumn,
    pub date: StrColumn,
    pub source: StrColumn,
    pub dateline: StrColumn,
    pub credits: ListColumn,
    pub boilerplate: ListColumn,
    /// [`PARAGRAPH_FIELDS`] byte offsets per paragraph.
    pub paragraphs: Vec<u32>,
    pub paragraph_offsets: Vec<i64>,
    /// [`SENTENCE_FIELDS`] values per sentence.
    pub sentences: Vec<u32>,
    pub sentence_offsets: Vec<i64>,
    /// Each document's tokens as [`Tokens`] packs them.
    pub tokens: Vec<u8>,
    pub token_offsets: Vec<i64>,
    pub token_counts: Vec<u32>,
}

/// The same columns, borrowed (from a file's buffers).
#[derive(Debug, Clone, Copy)]
pub struct StrRef<'a> {
    pub data: &'a [u8],
    pub offsets: &'a [i64],
    pub valid: &'a [u8],
}

#[derive(Debug, Clone, Copy)]
pub struct ListRef<'a> {
    pub data: &'a [u8],
    pub offsets: &'a [i64],
    pub lists: &'a [i64],
}

#[derive(Debug, Clone, Copy)]
pub struct FlatRef<'a> {
    pub text: StrRef<'a>,
    pub title: StrRef<'a>,
    pub date: StrRef<'a>,
    pub source: StrRef<'a>,
    pub dateline: StrRef<'a>,
    pub credits: ListRef<'a>,
    pub boilerplate: ListRef<'a>,
    pub paragraphs: &'a [u32],
    pub paragraph_offsets: &'a [i64],
    pub sentences: &'a [u32],
    pub sentence_offsets: &'a [i64],
    pub tokens: &'a [u8],
    pub token_offsets: &'a [i64],
    pub token_counts: &'a [u32],
}

impl StrColumn {
    fn push(&mut self, s: Option<&str>) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        self.data.extend_from_slice(s.unwrap_or("").as_bytes());
        self.offsets.push(self.data.len() as i64);
        self.valid.push(s.is_some() as u8);
    }

    pub fn as_ref(&self) -> StrRef<'_> {
        StrRef {
            data: &self.data,
            offsets: &self.offsets,
            valid: &self.valid,
        }
    }
}

impl ListColumn {
    fn push(&mut self, items: &[String]) {
        if self.lists.is_empty() {
            self.lists.push(0);
            self.offsets.push(0);
        }
        for s in items {
            self.data.extend_from_slice(s.as_bytes());
            self.offsets.push(self.data.len() as i64);
        }
        self.lists.push(self.offsets.len() as i64 - 1);
    }

    pub fn as_ref(&self) -> ListRef<'_> {
        ListRef {
            data: &self.data,
            offsets: &self.offsets,
            lists: &self.lists,
        }
    }
}

impl Flat {
    pub fn as_ref(&self) -> FlatRef<'_> {
        FlatRef {
            text: self.text.as_ref(),
            title: self.title.as_ref(),
            date: self.date.as_ref(),
            source: self.source.as_ref(),
            dateline: self.dateline.as_ref(),
            credits: self.credits.as_ref(),
            boilerplate: self.boilerplate.as_ref(),
            paragraphs: &self.paragraphs,
            paragraph_offsets: &self.paragraph_offsets,
            sentences: &self.sentences,
            sentence_offsets: &self.sentence_offsets,
            tokens: &self.tokens,
            token_offsets: &self.token_offsets,
            token_counts: &self.token_counts,
        }
    }
}

/// Lay the articles out as columns (a copy: the corpus keeps its articles).
///
/// The big columns (text, tokens, sentences, paragraphs) are sized first and filled
/// in parallel, each document into its own slice: copying them on one core, growing
/// as it went, took a third of the time of saving AllSides.
pub fn flatten(docs: &[Article]) -> Flat {
    let mut f = Flat::default();
    for col in [&mut f.title, &mut f.date, &mut f.source, &mut f.dateline] {
        col.offsets.push(0);
    }
    for col in [&mut f.credits, &mut f.boilerplate] {
        col.offsets.push(0);
        col.lists.push(0);
    }
    for a in docs {
        f.title.push(a.meta.title.as_deref());
        f.date.push(a.meta.date.as_deref());
        f.source.push(a.meta.source.as_deref());
        f.dateline.push(a.meta.dateline.as_deref());
        f.credits.push(&a.meta.credits);
        f.boilerplate.push(&a.meta.boilerplate);
    }
    f.text.offsets = offsets(docs, |a| a.text.len());
    f.text.valid = vec![1; docs.len()];
    f.token_offsets = offsets(docs, |a| a.tokens.packed().len());
    f.sentence_offsets = offsets(docs, |a| a.sentences.len() * SENTENCE_FIELDS);
    f.paragraph_offsets = offsets(docs, |a| a.paragraphs.len() * PARAGRAPH_FIELDS);
    f.token_counts = docs.iter().map(|a| a.tokens.len() as u32).collect();
    f.text.data = vec![0; total(&f.text.offsets)];
    f.tokens = vec![0; total(&f.token_offsets)];
    f.sentences = vec![0; total(&f.sentence_offsets)];
    f.paragraphs = vec![0; total(&f.paragraph_offsets)];
    let text = pieces(&mut f.text.data, &f.text.offsets);
    let tokens = pieces(&mut f.tokens, &f.token_offsets);
    let sentences = pieces(&mut f.sentences, &f.sentence_offsets);
    let paragraphs = pieces(&mut f.paragraphs, &f.paragraph_offsets);
    docs.par_iter()
        .zip(text)
        .zip(tokens)
        .zip(sentences)
        .zip(paragraphs)
        .for_each(|((((a, text), tokens), sentences), paragraphs)| {
            text.copy_from_slice(a.text.as_bytes());
            tokens.copy_from_slice(a.tokens.packed());
            for (out, s) in sentences
                .chunks_exact_mut(SENTENCE_FIELDS)
                .zip(&a.sentences)
            {
                out.copy_from_slice(&[
                    s.span.start,
                    s.span.end,
                    s.paragraph,
                    s.first_token,
                    s.n_tokens,
                ]);
            }
            for (out, p) in paragraphs
                .chunks_exact_mut(PARAGRAPH_FIELDS)
                .zip(&a.paragraphs)
            {
                out.copy_from_slice(&[p.start, p.end]);
            }
        });
    f
}

/// `n + 1` offsets of each document's share of a column, `size` values each.
fn offsets(docs: &[Article], size: impl Fn(&Article) -> usize) -> Vec<i64> {
    let mut out = Vec::with_capacity(docs.len() + 1);
    out.push(0);
    let mut at = 0i64;
    out.extend(docs.iter().map(|a| {
        at += size(a) as i64;
        at
    }));
    out
}

fn total(offsets: &[i64]) -> usize {
    offsets.last().map_or(0, |&n| n as usize)
}

/// A column cut into one slice per document, at `offsets`.
fn pieces<'a, T>(mut rest: &'a mut [T], offsets: &[i64]) -> Vec<&'a mut [T]> {
    offsets
        .windows(2)
        .map(|w| {
            let (head, tail) = std::mem::take(&mut rest).split_at_mut((w[1] - w[0]) as usize);
            rest = tail;
            head
        })
        .collect()
}

/// The CRC-32 a ZIP archive keeps for each member, computed in parallel: a corpus file
/// is hundreds of MB and zlib's CRC, one core, took as long as rebuilding the articles.
/// `start` is the CRC of what came before `data` (0 for none), so a member written in
/// pieces gets the CRC of the whole.
pub fn crc32(data: &[u8], start: u32) -> u32 {
    const CHUNK: usize = 1 << 22;
    if data.len() <= CHUNK {
        let mut h = crc32fast::Hasher::new_with_initial(start);
        h.update(data);
        return h.finalize();
    }
    data.par_chunks(CHUNK)
        .map(|c| {
            let mut h = crc32fast::Hasher::new();
            h.update(c);
            h
        })
        .collect::<Vec<_>>()
        .into_iter()
        .fold(crc32fast::Hasher::new_with_initial(start), |mut acc, h| {
            acc.combine(&h);
            acc
        })
        .finalize()
}

/// Rebuild the articles, checking every offset, string and span (in parallel).
pub fn unflatten(f: &FlatRef<'_>) -> Result<Vec<Article>> {
    let n = f.token_counts.len();
    let lengths = [
        ("text", f.text.offsets.len(), f.text.valid.len() + 1),
        ("title", f.title.offsets.len(), f.title.valid.len() + 1),
        ("date", f.date.offsets.len(), f.date.valid.len() + 1),
        ("source", f.source.offsets.len(), f.source.valid.len() + 1),
        (
            "dateline",
            f.dateline.offsets.len(),
            f.dateline.valid.len() + 1,
        ),
        ("credits", f.credits.lists.len(), n + 1),
        ("boilerplate", f.boilerplate.lists.len(), n + 1),
        ("paragraphs", f.paragraph_offsets.len(), n + 1),
        ("sentences", f.sentence_offsets.len(), n + 1),
        ("tokens", f.token_offsets.len(), n + 1),
    ];
    for (name, got, want) in lengths {
        if got != n + 1 || want != n + 1 {
            return Err(Error::input(format!(
                "column {name} has offsets for {} documents, not {n}",
                got.min(want).saturating_sub(1)
            )));
        }
    }
    (0..n)
        .into_par_iter()
        .map(|i| article(f, i).map_err(|m| Error::input(format!("document {i}: {m}"))))
        .collect()
}

type Check<T> = std::result::Result<T, String>;

/// Values `i` of a column cut by `offsets`, checked to lie within it.
fn part<'a, T>(name: &str, data: &'a [T], offsets: &[i64], i: usize) -> Check<&'a [T]> {
    let (a, b) = (offsets[i], offsets[i + 1]);
    if a < 0 || a > b || b as u64 > data.len() as u64 {
        return Err(format!(
            "{name} offsets {a}..{b} do not fit its {} values",
            data.len()
        ));
    }
    Ok(&data[a as usize..b as usize])
}

fn utf8<'a>(name: &str, bytes: &'a [u8]) -> Check<&'a str> {
    std::str::from_utf8(bytes).map_err(|e| format!("{name} is not UTF-8 ({e})"))
}

fn string(name: &str, col: &StrRef<'_>, i: usize) -> Check<Option<String>> {
    let s = utf8(name, part(name, col.data, col.offsets, i)?)?;
    Ok((col.valid[i] != 0).then(|| s.to_owned()))
}

fn strings(name: &str, col: &ListRef<'_>, i: usize) -> Check<Vec<String>> {
    let (a, b) = (col.lists[i], col.lists[i + 1]);
    if a < 0 || a > b || b as u64 >= col.offsets.len() as u64 {
        return Err(format!("{name} list offsets {a}..{b} do not fit"));
    }
    (a as usize..b as usize)
        .map(|j| Ok(utf8(name, part(name, col.data, col.offsets, j)?)?.to_owned()))
        .collect()
}

fn span(name: &str, text: &str, start: u32, end: u32, after: u32) -> Check<Span> {
    let ok = after <= start
        && start <= end
        && end as usize <= text.len()
        && text.is_char_boundary(start as usize)
        && text.is_char_boundary(end as usize);
    if !ok {
        return Err(format!(
            "{name} {start}..{end} is out of order or not on a character boundary of a \
             text of {} bytes",
            text.len()
        ));
    }
    Ok(Span { start, end })
}

fn article(f: &FlatRef<'_>, i: usize) -> Check<Article> {
    let text = string("text", &f.text, i)?.unwrap_or_default();
    let meta = Meta {
        title: string("title", &f.title, i)?,
        date: string("date", &f.date, i)?,
        source: string("source", &f.source, i)?,
        dateline: string("dateline", &f.dateline, i)?,
        credits: strings("credits", &f.credits, i)?,
        boilerplate: strings("boilerplate", &f.boilerplate, i)?,
    };
    let flat = part("paragraphs", f.paragraphs, f.paragraph_offsets, i)?;
    if flat.len() % PARAGRAPH_FIELDS != 0 {
        return Err(format!("{} paragraph values, not pairs", flat.len()));
    }
    let mut paragraphs = Vec::with_capacity(flat.len() / PARAGRAPH_FIELDS);
    let mut after = 0;
    for p in flat.chunks_exact(PARAGRAPH_FIELDS) {
        let s = span("paragraph", &text, p[0], p[1], after)?;
        after = s.end;
        paragraphs.push(s);
    }
    let packed = part("tokens", f.tokens, f.token_offsets, i)?;
    let tokens = Tokens::from_packed(packed, f.token_counts[i], &text)?;
    let spans = tokens.spans();
    let flat = part("sentences", f.sentences, f.sentence_offsets, i)?;
    if flat.len() % SENTENCE_FIELDS != 0 {
        return Err(format!("{} sentence values, not fives", flat.len()));
    }
    let mut sentences = Vec::with_capacity(flat.len() / SENTENCE_FIELDS);
    let mut after = 0;
    for s in flat.chunks_exact(SENTENCE_FIELDS) {
        let sp = span("sentence", &text, s[0], s[1], after)?;
        after = sp.end;
        let (first, count) = (s[3] as usize, s[4] as usize);
        let fits = (s[2] as usize) < paragraphs.len()
            && count > 0
            && first + count <= spans.len()
            && spans[first].start == sp.start
            && spans[first + count - 1].end == sp.end;
        if !fits {
            return Err(format!(
                "sentence {}..{} does not match its paragraph or tokens",
                sp.start, sp.end
            ));
        }
        sentences.push(Sentence {
            span: sp,
            paragraph: s[2],
            first_token: s[3],
            n_tokens: s[4],
        });
    }
    Ok(Article {
        text,
        meta,
        paragraphs,
        sentences,
        tokens,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::parse_article;

    fn parsed() -> Vec<Article> {
        [
            "PARIS (Reuters) - Olaf Scholz met Emmanuel Macron.\n\nTalks ended. Zoë left.\n\nReporting by Jane Doe; Editing by John Roe",
            "",
            "By Jane Doe\nMarch 3, 2021\n\nПривет, мир. Ещё раз.",
        ]
        .iter()
        .map(|t| parse_article(t).expect("parses"))
        .collect()
    }

    #[test]
    fn crc_matches_zip() {
        // The check value of CRC-32/ISO-HDLC, which ZIP uses.
        assert_eq!(crc32(b"123456789", 0), 0xCBF4_3926);
        assert_eq!(crc32(b"6789", crc32(b"12345", 0)), 0xCBF4_3926);
        let big: Vec<u8> = (0..10_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut h = crc32fast::Hasher::new();
        h.update(&big);
        let whole = h.finalize();
        assert_eq!(crc32(&big, 0), whole);
        // In pieces, small and large, as a member is written.
        let (a, b) = big.split_at(6_000_001);
        assert_eq!(crc32(b, crc32(a, 0)), whole);
        let (a, b) = big.split_at(17);
        assert_eq!(crc32(b, crc32(a, 0)), whole);
    }

    #[test]
    fn round_trip_is_exact() {
        let docs = parsed();
        let flat = flatten(&docs);
        assert_eq!(unflatten(&flat.as_ref()).expect("valid"), docs);
        assert!(docs[0].meta.credits.len() + docs[0].meta.boilerplate.len() > 0);
        assert_eq!(unflatten(&flatten(&[]).as_ref()).expect("valid"), vec![]);
    }

    #[test]
    fn damage_is_an_error_naming_the_document() {
        let docs = parsed();
        let mut flat = flatten(&docs);
        // A sentence that ends inside a multi-byte letter of the Cyrillic document.
        let last = flat.sentences.len() - SENTENCE_FIELDS;
        flat.sentences[last + 1] -= 1;
        let err = unflatten(&flat.as_ref()).expect_err("damaged");
        assert!(err.message.starts_with("document 2: sentence"), "{err}");

        let mut flat = flatten(&docs);
        flat.token_counts[0] += 1;
        let err = unflatten(&flat.as_ref()).expect_err("damaged");
        assert!(err.message.starts_with("document 0: tokens"), "{err}");

        let mut flat = flatten(&docs);
        flat.text.offsets[1] = i64::MAX;
        assert!(unflatten(&flat.as_ref()).is_err());
        let mut flat = flatten(&docs);
        flat.paragraph_offsets.pop();
        assert!(unflatten(&flat.as_ref()).is_err());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        /// Whatever one damaged value is, rebuilding gives articles or an error, and
        /// never panics (a panic would cross into Python as a crash of the load).
        #[test]
        fn any_damage_is_caught(column in 0usize..6, at in 0usize..4096, value in proptest::prelude::any::<u32>()) {
            let mut flat = flatten(&parsed());
            match column {
                0 => { let n = flat.tokens.len(); flat.tokens[at % n] = value as u8; }
                1 => { let n = flat.sentences.len(); flat.sentences[at % n] = value % 200; }
                2 => { let n = flat.paragraphs.len(); flat.paragraphs[at % n] = value % 200; }
                3 => { let n = flat.text.data.len(); flat.text.data[at % n] = value as u8; }
                4 => { let n = flat.boilerplate.offsets.len(); flat.boilerplate.offsets[at % n] = i64::from(value % 300); }
                _ => { let n = flat.token_counts.len(); flat.token_counts[at % n] = value % 100; }
            }
            let _ = unflatten(&flat.as_ref());
        }
    }
}
