//! Reading corpora from disk: text files and JSON Lines (plain or gzip).
//!
//! Bytes that are not UTF-8 never abort a corpus: they are replaced by U+FFFD, one per
//! maximal invalid sequence (as Python's `errors="replace"` does), and counted.

use std::borrow::Cow;
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::{Map, Value};

use super::error::{Error, ErrorKind, Result};

/// Decode bytes as UTF-8, replacing invalid sequences; returns the text and how many
/// sequences were replaced. A leading byte-order mark is dropped.
pub fn decode_lossy(bytes: &[u8]) -> (String, u32) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_owned(), 0),
        Err(_) => {
            let errors = bytes
                .utf8_chunks()
                .filter(|c| !c.invalid().is_empty())
                .count();
            (String::from_utf8_lossy(bytes).into_owned(), errors as u32)
        }
    }
}

/// A text borrowed where it can be, `None` where it is missing.
pub type Text<'a> = Option<Cow<'a, str>>;

/// The strings of an Arrow string column (UTF-8 `data`, `offsets` into it, one more
/// than there are values, and `valid`, 0 for a missing value), borrowed from its
/// buffers: nothing is copied when they are UTF-8, as Arrow requires. A producer that
/// broke that rule gets U+FFFD in place of the bad bytes, counted (the second vector)
/// as for files; offsets that do not fit are an error naming the value.
pub fn string_column<'a>(
    data: &'a [u8],
    offsets: &[i64],
    valid: &[u8],
) -> Result<(Vec<Text<'a>>, Vec<u32>)> {
    let n = valid.len();
    if offsets.len() != n + 1 {
        return Err(Error::input(format!(
            "a string column of {n} values needs {} offsets, not {}",
            n + 1,
            offsets.len()
        )));
    }
    let values = (0..n)
        .into_par_iter()
        .map(|i| {
            let (a, b) = (offsets[i], offsets[i + 1]);
            if a < 0 || a > b || b as u64 > data.len() as u64 {
                return Err(Error::input(format!(
                    "string {i}: offsets {a}..{b} do not fit its {} bytes",
                    data.len()
                )));
            }
            if valid[i] == 0 {
                return Ok((None, 0));
            }
            let bytes = &data[a as usize..b as usize];
            Ok(match std::str::from_utf8(bytes) {
                Ok(s) => (Some(Cow::Borrowed(s)), 0),
                Err(_) => {
                    let bad = bytes
                        .utf8_chunks()
                        .filter(|c| !c.invalid().is_empty())
                        .count();
                    (Some(String::from_utf8_lossy(bytes)), bad as u32)
                }
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(values.into_iter().unzip())
}

/// Read a whole file, gunzipping it when it starts with the gzip magic bytes.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    let raw = fs::read(path).map_err(|e| Error::io(path, &e))?;
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::with_capacity(raw.len() * 4);
        flate2::read::MultiGzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .map_err(|e| Error::io(path, &e))?;
        Ok(out)
    } else {
        Ok(raw)
    }
}

/// A text file's content and its count of replaced invalid UTF-8 sequences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextFile {
    pub text: String,
    pub decode_errors: u32,
}

/// Read text files in parallel, in the order given. The first missing or unreadable
/// file (in that order) is the error.
pub fn read_text_files(paths: &[PathBuf]) -> Result<Vec<TextFile>> {
    paths
        .par_iter()
        .map(|p| {
            let bytes = read_bytes(p)?;
            let (text, decode_errors) = decode_lossy(&bytes);
            Ok(TextFile {
                text,
                decode_errors,
            })
        })
        .collect()
}

/// The text field of one JSON record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextField {
    /// The field is absent or `null`: an empty document.
    Missing,
    Text(String),
}

/// One article read from a JSON Lines file.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// 1-based line number in the (decompressed) file.
    pub line: u64,
    pub text: TextField,
    /// The id field, if the file has one for this record.
    pub id: Option<Value>,
    /// Every other field, in the file's order.
    pub fields: Map<String, Value>,
    pub decode_errors: u32,
}

/// A line left out with `skip_errors`, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub line: u64,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Jsonl {
    pub records: Vec<Record>,
    pub skipped: Vec<Skipped>,
}

/// Read a JSON Lines file (`.jsonl` or gzip-compressed) whose lines are objects.
///
/// Blank lines are ignored. A line that is not a JSON object, or whose text field is
/// neither a string nor null, is an error naming the file and line; with `skip_errors`
/// it is left out and listed in [`Jsonl::skipped`] instead.
pub fn read_jsonl(
    path: &Path,
    text_field: &str,
    id_field: Option<&str>,
    skip_errors: bool,
) -> Result<Jsonl> {
    read_jsonl_with(path, text_field, id_field, skip_errors, |_| Ok(()))
}

/// Lines decoded at a time by [`read_jsonl_with`] (or fewer, up to [`CHUNK_BYTES`]):
/// enough to keep every core busy, few enough that a chunk's raw texts are a small
/// part of memory.
const CHUNK_LINES: usize = 2048;
const CHUNK_BYTES: usize = 32 << 20;

/// A file as a stream of bytes, gunzipped when it starts with the gzip magic bytes.
fn open_stream(path: &Path) -> Result<Box<dyn BufRead + Send>> {
    let file = fs::File::open(path).map_err(|e| Error::io(path, &e))?;
    let mut raw = BufReader::with_capacity(1 << 20, file);
    let gz = raw
        .fill_buf()
        .map_err(|e| Error::io(path, &e))?
        .starts_with(&[0x1f, 0x8b]);
    Ok(if gz {
        Box::new(BufReader::with_capacity(
            1 << 20,
            flate2::bufread::MultiGzDecoder::new(raw),
        ))
    } else {
        Box::new(raw)
    })
}

/// The next chunk of non-blank lines as (1-based line number, bytes without the line
/// break); empty at the end of the stream.
fn read_chunk(
    path: &Path,
    reader: &mut dyn BufRead,
    line_no: &mut u64,
) -> Result<Vec<(u64, Vec<u8>)>> {
    let mut out = Vec::new();
    let mut bytes = 0;
    while out.len() < CHUNK_LINES && bytes < CHUNK_BYTES {
        let mut line = Vec::new();
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| Error::io(path, &e))?;
        if n == 0 {
            break;
        }
        *line_no += 1;
        if line.last() == Some(&b'\n') {
            line.pop();
        }
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        if *line_no == 1 && line.starts_with(b"\xEF\xBB\xBF") {
            line.drain(..3);
        }
        if !line.iter().all(u8::is_ascii_whitespace) {
            bytes += line.len();
            out.push((*line_no, line));
        }
    }
    Ok(out)
}

/// [`read_jsonl`], handing each chunk of records to `on_chunk` (in file order) before
/// keeping them. The caller may take the texts out (to parse them right away): the
/// file is decompressed as a stream, one chunk ahead of the one being decoded and
/// handed over, so neither the whole file nor all raw texts are ever held at once,
/// and decompression overlaps the parsing.
pub fn read_jsonl_with(
    path: &Path,
    text_field: &str,
    id_field: Option<&str>,
    skip_errors: bool,
    mut on_chunk: impl FnMut(&mut [Record]) -> Result<()> + Send,
) -> Result<Jsonl> {
    let mut reader = open_stream(path)?;
    let mut line_no = 0;
    let mut out = Jsonl::default();
    let mut next = read_chunk(path, &mut *reader, &mut line_no)?;
    while !next.is_empty() {
        let chunk = std::mem::take(&mut next);
        let (done, read) = rayon::join(
            || -> Result<()> {
                let parsed: Vec<Result<Record>> = chunk
                    .par_iter()
                    .map(|(line, bytes)| parse_record(path, *line, bytes, text_field, id_field))
                    .collect();
                let first = out.records.len();
                for r in parsed {
                    match r {
                        Ok(rec) => out.records.push(rec),
                        Err(e) if skip_errors => out.skipped.push(Skipped {
                            line: e.line.unwrap_or(0),
                            message: e.message,
                        }),
                        Err(e) => return Err(e),
                    }
                }
                on_chunk(&mut out.records[first..])
            },
            || read_chunk(path, &mut *reader, &mut line_no),
        );
        done?;
        next = read?;
    }
    Ok(out)
}

/// JSON may name a lone UTF-16 surrogate (`\ud800` with no partner; badly decoded
/// scrapes have them), which a Rust string cannot hold: each such escape becomes
/// `\ufffd`, in place (the same six bytes), counted like a bad UTF-8 sequence.
/// `None` when the line has none. `newsgraph.scan` does the same in Python.
pub fn replace_lone_surrogates(s: &str) -> Option<(String, u32)> {
    let b = s.as_bytes();
    let hex = |j: usize| {
        s.get(j..j + 4)
            .and_then(|h| u16::from_str_radix(h, 16).ok())
    };
    let mut fixed: Option<Vec<u8>> = None;
    let mut n = 0;
    let mut i = 0;
    while i + 1 < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        // Any other escape (\\ among them) is two bytes.
        let Some(u) = (b[i + 1] == b'u').then(|| hex(i + 2)).flatten() else {
            i += 2;
            continue;
        };
        let low = |x: u16| (0xDC00..0xE000).contains(&x);
        if (0xD800..0xDC00).contains(&u)
            && b.get(i + 6) == Some(&b'\\')
            && b.get(i + 7) == Some(&b'u')
            && hex(i + 8).is_some_and(low)
        {
            i += 12;
            continue;
        }
        if (0xD800..0xE000).contains(&u) {
            fixed.get_or_insert_with(|| b.to_vec())[i + 2..i + 6].copy_from_slice(b"fffd");
            n += 1;
        }
        i += 6;
    }
    // Only ASCII hex digits changed: still UTF-8.
    fixed.map(|f| (String::from_utf8(f).unwrap_or_default(), n))
}

fn parse_record(
    path: &Path,
    line: u64,
    bytes: &[u8],
    text_field: &str,
    id_field: Option<&str>,
) -> Result<Record> {
    let (value, mut decode_errors, text) = match std::str::from_utf8(bytes) {
        Ok(s) => (
            serde_json::from_str::<Value>(s),
            0,
            std::borrow::Cow::Borrowed(s),
        ),
        Err(_) => {
            let (s, n) = decode_lossy(bytes);
            (
                serde_json::from_str::<Value>(&s),
                n,
                std::borrow::Cow::Owned(s),
            )
        }
    };
    // Only a line that fails is looked at again: clean data pays nothing.
    let value = match value {
        Err(e) => match replace_lone_surrogates(&text) {
            Some((fixed, n)) => {
                decode_errors += n;
                serde_json::from_str::<Value>(&fixed)
            }
            None => Err(e),
        },
        ok => ok,
    };
    let value = value.map_err(|e| Error::parse(path, line, format!("invalid JSON: {e}")))?;
    let Value::Object(mut fields) = value else {
        return Err(Error::parse(
            path,
            line,
            format!("expected a JSON object, found {}", kind_name(&value)),
        ));
    };
    let text = match fields.remove(text_field) {
        None | Some(Value::Null) => TextField::Missing,
        Some(Value::String(s)) => TextField::Text(s),
        Some(other) => {
            let mut e = Error::parse(
                path,
                line,
                format!(
                    "field {text_field:?} is {}, not a string",
                    kind_name(&other)
                ),
            );
            e.kind = ErrorKind::Type;
            return Err(e);
        }
    };
    let id = id_field.and_then(|f| fields.remove(f));
    // serde_json keeps integers up to 64 bits; beyond, it keeps a float that has lost
    // digits, and two such ids could collide. Refuse rather than count under a value
    // the user never wrote (`newsgraph.scan` refuses the same ids).
    if let Some(Value::Number(x)) = &id {
        if x.as_f64().is_some_and(|f| {
            x.is_f64() && f.fract() == 0.0 && f.abs() >= 9_223_372_036_854_775_808.0
        }) {
            return Err(Error::parse(
                path,
                line,
                "the id is a number beyond 64 bits, which loses digits: write such ids as \
                 strings",
            ));
        }
    }
    Ok(Record {
        line,
        text,
        id,
        fields,
        decode_errors,
    })
}

fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Turn records' other fields into columns: names in order of first appearance, one
/// value per record (`Null` where a record lacks the field).
pub fn columns(records: &mut [Record]) -> Vec<(String, Vec<Value>)> {
    let mut names: Vec<String> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for r in records.iter() {
        for k in r.fields.keys() {
            if !index.contains_key(k) {
                index.insert(k.clone(), names.len());
                names.push(k.clone());
            }
        }
    }
    let mut cols: Vec<Vec<Value>> = vec![Vec::with_capacity(records.len()); names.len()];
    for r in records.iter_mut() {
        for col in cols.iter_mut() {
            col.push(Value::Null);
        }
        for (k, v) in std::mem::take(&mut r.fields) {
            if let Some(&i) = index.get(&k) {
                if let Some(slot) = cols[i].last_mut() {
                    *slot = v;
                }
            }
        }
    }
    names.into_iter().zip(cols).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn lone_surrogate_escapes_become_replacement_characters() {
        let (fixed, n) = replace_lone_surrogates(r#"{"t": "a\ud800b \udfff"}"#).expect("lone");
        assert_eq!((fixed.as_str(), n), (r#"{"t": "a\ufffdb \ufffd"}"#, 2));
        // A pair, an escaped backslash before "ud800", other escapes: left alone.
        for ok in [
            r#"{"t": "\ud83d\ude00"}"#,
            r#"{"t": "\\ud800"}"#,
            r#"{"t": "\n\u00e9"}"#,
        ] {
            assert_eq!(replace_lone_surrogates(ok), None, "{ok}");
        }
        // A high surrogate followed by another high one: both lone.
        let (_, n) = replace_lone_surrogates(r#""\ud800\ud800""#).expect("lone");
        assert_eq!(n, 2);
    }

    use super::*;
    use std::io::Write;

    fn temp(name: &str, bytes: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("newsgraph-io-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("temp dir");
        let p = dir.join(name);
        fs::write(&p, bytes).expect("write temp file");
        p
    }

    #[test]
    fn decode_counts_invalid_sequences() {
        assert_eq!(decode_lossy(b"plain"), ("plain".to_string(), 0));
        let (s, n) = decode_lossy(b"caf\xe9 and na\xefve");
        assert_eq!(n, 2);
        assert_eq!(s, "caf\u{FFFD} and na\u{FFFD}ve");
        assert_eq!(decode_lossy(b"\xEF\xBB\xBFbom").0, "bom");
    }

    #[test]
    fn jsonl_reads_fields_and_reports_lines() {
        let p = temp(
            "a.jsonl",
            b"{\"id\": \"a\", \"text\": \"One.\", \"source\": \"X\"}\n\n{\"id\": 2, \"text\": null, \"extra\": [1]}\r\n",
        );
        let mut j = read_jsonl(&p, "text", Some("id"), false).expect("read");
        assert_eq!(j.records.len(), 2);
        assert_eq!(j.records[0].text, TextField::Text("One.".into()));
        assert_eq!(j.records[1].text, TextField::Missing);
        assert_eq!(j.records[1].line, 3);
        assert_eq!(j.records[1].id, Some(Value::from(2)));
        let cols = columns(&mut j.records);
        assert_eq!(cols[0].0, "source");
        assert_eq!(
            cols[1],
            (
                "extra".to_string(),
                vec![Value::Null, serde_json::json!([1])]
            )
        );
    }

    #[test]
    fn jsonl_errors_name_the_line_or_skip() {
        let p = temp(
            "bad.jsonl",
            b"{\"text\": \"ok\"}\n{\"text\": oops}\n[1]\n{\"text\": 5}\n",
        );
        let e = read_jsonl(&p, "text", None, false).expect_err("bad line");
        assert_eq!(e.kind, ErrorKind::Parse);
        assert_eq!(e.line, Some(2));
        assert!(e.to_string().contains("bad.jsonl, line 2"), "{e}");
        let j = read_jsonl(&p, "text", None, true).expect("skip");
        assert_eq!(j.records.len(), 1);
        let lines: Vec<u64> = j.skipped.iter().map(|s| s.line).collect();
        assert_eq!(lines, vec![2, 3, 4]);
        assert!(j.skipped[2].message.contains("a number"));
    }

    #[test]
    fn jsonl_gzip_and_invalid_utf8() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"{\"text\": \"Caf\xe9 Lavrov\"}\n")
            .expect("gzip");
        let p = temp("b.jsonl.gz", &gz.finish().expect("gzip"));
        let j = read_jsonl(&p, "text", None, false).expect("read");
        assert_eq!(j.records[0].decode_errors, 1);
        assert_eq!(
            j.records[0].text,
            TextField::Text("Caf\u{FFFD} Lavrov".into())
        );
    }

    #[test]
    fn missing_file_is_not_found() {
        let e =
            read_text_files(&[PathBuf::from("/no/such/newsgraph/file.txt")]).expect_err("missing");
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert!(e.to_string().contains("/no/such/newsgraph/file.txt"));
    }

    #[test]
    fn string_column_borrows_and_checks() {
        let data = "Zoë metBerlin".as_bytes();
        let (values, bad) = string_column(data, &[0, 8, 8, 14], &[1, 0, 1]).expect("fits");
        assert!(matches!(values[0], Some(Cow::Borrowed("Zoë met"))));
        assert_eq!(values[1], None);
        assert_eq!(values[2].as_deref(), Some("Berlin"));
        assert_eq!(bad, vec![0, 0, 0]);
        let (values, bad) = string_column(b"a\xffb", &[0, 3], &[1]).expect("fits");
        assert_eq!((values[0].as_deref(), bad[0]), (Some("a\u{FFFD}b"), 1));
        let err = string_column(b"abc", &[0, 9], &[1]).expect_err("too long");
        assert!(err.message.contains("string 0: offsets 0..9"), "{err}");
        assert!(string_column(b"abc", &[0, 2, 1], &[1, 1]).is_err());
        assert!(string_column(b"abc", &[0], &[1]).is_err());
    }
}
