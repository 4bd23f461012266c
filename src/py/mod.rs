//! The thin binding layer: pull arguments out of Python, release the interpreter, call
//! `core`, and convert the results. No parsing or counting logic lives here.

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;

use numpy::{IntoPyArray, PyReadonlyArray1};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use serde_json::Value;

use crate::core::corpus::Progress;
use crate::core::error::ErrorKind;
use crate::core::offsets::CharOffsets;
use crate::core::{self, Article};

mod cooccur;
mod dedup;
mod dictionary;
mod ner;
mod quotes;
mod resolve;
mod store;

/// Map a core error to the matching class in `newsgraph.exceptions`.
pub(crate) fn to_py(py: Python<'_>, e: core::Error) -> PyErr {
    let class = match e.kind {
        ErrorKind::NotFound => "MissingFileError",
        ErrorKind::Io => "ReadError",
        ErrorKind::Parse => "ParseError",
        ErrorKind::Type => "InputTypeError",
        ErrorKind::Input => "InputError",
        ErrorKind::Cancelled => {
            return pyo3::exceptions::PyKeyboardInterrupt::new_err("interrupted");
        }
    };
    let made = (|| -> PyResult<PyErr> {
        let module = py.import("newsgraph.exceptions")?;
        let cls = module.getattr(class)?;
        let exc = if e.kind == ErrorKind::NotFound {
            let path = e.path.as_ref().map(|p| p.display().to_string());
            cls.call1((2, "No such file or directory", path))?
        } else {
            let exc = cls.call1((e.to_string(),))?;
            exc.setattr("path", e.path.as_ref().map(|p| p.display().to_string()))?;
            exc.setattr("line", e.line)?;
            exc
        };
        Ok(PyErr::from_value(exc))
    })();
    made.unwrap_or_else(|err| err)
}

/// Run core work with the interpreter released, on the requested threads, turning core
/// errors into exceptions and a panic into `NewsgraphError` rather than letting it cross.
/// Most worker threads a call may ask for: more only costs memory and start-up time
/// (10,000 threads for a three-word document took over a minute).
pub(crate) const MAX_THREADS: usize = 256;

/// A `threads=` argument other than `None`: a whole number from 1 to [`MAX_THREADS`].
/// Checked here, once for every call, so a bad value is an `InputError` naming it
/// rather than pyo3's `OverflowError` or a hang.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Threads(pub usize);

impl<'a, 'py> FromPyObject<'a, 'py> for Threads {
    type Error = PyErr;

    fn extract(obj: pyo3::Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let py = obj.py();
        let shown = obj
            .repr()
            .map(|r| r.to_string())
            .unwrap_or_else(|_| "?".into());
        let allowed = format!("a whole number from 1 to {MAX_THREADS}, or None for all cores");
        if obj.is_instance_of::<pyo3::types::PyBool>() {
            return Err(to_py(
                py,
                type_error(format!("threads={shown}: threads must be {allowed}")),
            ));
        }
        match obj.extract::<i64>() {
            Ok(n) if (1..=MAX_THREADS as i64).contains(&n) => Ok(Threads(n as usize)),
            Ok(_) => Err(to_py(
                py,
                core::Error::input(format!("threads={shown}: threads must be {allowed}")),
            )),
            Err(_) => Err(to_py(
                py,
                type_error(format!(
                    "threads={shown} ({}): threads must be {allowed}",
                    type_name(&obj)
                )),
            )),
        }
    }
}

/// An `InputTypeError` for Python.
fn type_error(message: String) -> core::Error {
    let mut e = core::Error::input(message);
    e.kind = ErrorKind::Type;
    e
}

pub(crate) fn run<T: Send>(
    py: Python<'_>,
    threads: Option<Threads>,
    f: impl FnOnce() -> core::Result<T> + Send,
) -> PyResult<T> {
    run_with_progress(py, threads, None, |_| f())
}

/// What a progress bar shows: the total number of units and their name.
pub(crate) struct Bar<'a> {
    pub total: u64,
    pub desc: &'a str,
}

/// [`run`] for long work: the work runs on its own thread while this one, briefly
/// holding the interpreter every 50 ms, feeds a `tqdm.auto` bar (when `bar` is given)
/// and checks for Ctrl-C, which asks the work to stop at the next document and raises
/// `KeyboardInterrupt`, leaving inputs as they were.
pub(crate) fn run_with_progress<T: Send>(
    py: Python<'_>,
    threads: Option<Threads>,
    bar: Option<Bar<'_>>,
    f: impl FnOnce(&Progress) -> core::Result<T> + Send,
) -> PyResult<T> {
    let progress = Progress::default();
    // The work says when it ends, so a short call returns at once rather than at the
    // next poll (a 10 ms sleep made 110 checksum calls of one save take a second).
    let (ended, end) = std::sync::mpsc::channel::<()>();
    // Behind a lock only because the interpreter-free closure below must be `Sync`.
    let end = std::sync::Mutex::new(end);
    let outcome = std::thread::scope(|scope| -> PyResult<_> {
        let work = scope.spawn(|| {
            let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
                core::corpus::with_threads(threads.map(|t| t.0), || f(&progress))
            }));
            let _ = ended.send(());
            result
        });
        // Ctrl-C can arrive while Python code of the bar runs: its KeyboardInterrupt
        // comes back as that call's error and must not be dropped with it.
        let mut interrupted: Option<PyErr> = None;
        let keep = |e: PyErr, interrupted: &mut Option<PyErr>| {
            if e.is_instance_of::<pyo3::exceptions::PyKeyboardInterrupt>(py) {
                progress.cancel();
                interrupted.get_or_insert(e);
            }
        };
        let tqdm = match &bar {
            Some(b) => py
                .import("tqdm.auto")
                .and_then(|m| {
                    let kw = PyDict::new(py);
                    kw.set_item("total", (b.total > 0).then_some(b.total))?;
                    kw.set_item("desc", b.desc)?;
                    kw.set_item("leave", false)?;
                    m.getattr("tqdm")?.call((), Some(&kw))
                })
                .map_err(|e| keep(e, &mut interrupted))
                .ok(),
            None => None,
        };
        let mut shown = 0u64;
        loop {
            let finished = py.detach(|| {
                // Disconnected cannot happen before the send; either way the work is over.
                !matches!(
                    end.lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .recv_timeout(std::time::Duration::from_millis(50)),
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout)
                )
            });
            if let Some(t) = &tqdm {
                let done = progress.done();
                if done > shown {
                    if let Err(e) = t.call_method1("update", (done - shown,)) {
                        keep(e, &mut interrupted);
                    }
                    shown = done;
                }
            }
            if finished {
                break;
            }
            if interrupted.is_none() {
                if let Err(e) = py.check_signals() {
                    progress.cancel();
                    interrupted = Some(e);
                }
            }
        }
        if let Some(t) = &tqdm {
            if let Err(e) = t.call_method0("close") {
                keep(e, &mut interrupted);
            }
        }
        let result = py.detach(|| work.join());
        if interrupted.is_none() {
            // A signal that came in after the last check, or during the bar's calls.
            if let Err(e) = py.check_signals() {
                interrupted = Some(e);
            }
        }
        if let Some(e) = interrupted {
            return Err(e);
        }
        Ok(result)
    })?;
    match outcome {
        Ok(Ok(Ok(Ok(v)))) => Ok(v),
        Ok(Ok(Ok(Err(e)))) | Ok(Ok(Err(e))) => Err(to_py(py, e)),
        Ok(Err(panic)) | Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            let base = py
                .import("newsgraph.exceptions")
                .and_then(|m| m.getattr("NewsgraphError"))
                .and_then(|c| c.call1((format!("internal error in newsgraph: {what}"),)));
            Err(match base {
                Ok(exc) => PyErr::from_value(exc),
                Err(err) => err,
            })
        }
    }
}

/// Codes into distinct strings, sorted (by code point, as Python sorts `str`):
/// mention texts repeat so much that handing Python one string per mention costs more
/// than finding the distinct ones, and sorted categories are the same however the
/// mentions were found.
pub(crate) fn intern<'a>(texts: impl Iterator<Item = &'a str>) -> (Vec<i64>, Vec<&'a str>) {
    let mut code_of: foldhash::HashMap<&str, i64> = foldhash::HashMap::default();
    let mut distinct = Vec::new();
    let mut codes: Vec<i64> = texts
        .map(|t| {
            *code_of.entry(t).or_insert_with(|| {
                distinct.push(t);
                distinct.len() as i64 - 1
            })
        })
        .collect();
    let mut order: Vec<usize> = (0..distinct.len()).collect();
    order.sort_unstable_by_key(|&i| distinct[i]);
    let mut rank = vec![0i64; distinct.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r as i64;
    }
    for c in &mut codes {
        *c = rank[*c as usize];
    }
    let sorted = order.into_iter().map(|i| distinct[i]).collect();
    (codes, sorted)
}

pub(crate) fn bar(show: bool, total: usize, desc: &str) -> Option<Bar<'_>> {
    (show && total >= 2000).then_some(Bar {
        total: total as u64,
        desc,
    })
}

/// Parsed articles, held in Rust so later stages never copy text back and forth.
#[pyclass(module = "newsgraph._core", frozen)]
pub(crate) struct Articles {
    pub(crate) docs: Vec<Article>,
}

fn opt_list<'py>(py: Python<'py>, v: Vec<Option<String>>) -> PyResult<Bound<'py, PyAny>> {
    Ok(v.into_pyobject(py)?.into_any())
}

#[pymethods]
impl Articles {
    fn __len__(&self) -> usize {
        self.docs.len()
    }

    /// Metadata found in each article, as columns.
    fn meta<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let field = |f: fn(&Article) -> Option<String>| -> Vec<Option<String>> {
            self.docs.iter().map(f).collect()
        };
        d.set_item("title", opt_list(py, field(|a| a.meta.title.clone()))?)?;
        d.set_item("date", opt_list(py, field(|a| a.meta.date.clone()))?)?;
        d.set_item("source", opt_list(py, field(|a| a.meta.source.clone()))?)?;
        d.set_item(
            "dateline",
            opt_list(py, field(|a| a.meta.dateline.clone()))?,
        )?;
        let credits = field(|a| (!a.meta.credits.is_empty()).then(|| a.meta.credits.join("; ")));
        d.set_item("credits", opt_list(py, credits)?)?;
        let count = |f: fn(&Article) -> usize| -> Vec<i64> {
            self.docs.iter().map(|a| f(a) as i64).collect()
        };
        d.set_item(
            "n_paragraphs",
            count(|a| a.paragraphs.len()).into_pyarray(py),
        )?;
        d.set_item("n_sentences", count(|a| a.sentences.len()).into_pyarray(py))?;
        d.set_item("n_tokens", count(|a| a.tokens.len()).into_pyarray(py))?;
        let boiler: Vec<Vec<String>> = self
            .docs
            .iter()
            .map(|a| a.meta.boilerplate.clone())
            .collect();
        d.set_item("boilerplate", boiler)?;
        Ok(d)
    }

    /// One row per sentence: document position, paragraph, sentence (numbered within
    /// the document), character start and end, and text.
    fn sentences<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let n: usize = self.docs.iter().map(|a| a.sentences.len()).sum();
        let (mut doc, mut par, mut sent) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        let (mut start, mut end) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let mut text = Vec::with_capacity(n);
        for (i, a) in self.docs.iter().enumerate() {
            let mut conv = CharOffsets::new(&a.text);
            for (j, s) in a.sentences.iter().enumerate() {
                doc.push(i as i64);
                par.push(s.paragraph as i64);
                sent.push(j as i64);
                start.push(conv.get(s.span.start as usize) as i64);
                end.push(conv.get(s.span.end as usize) as i64);
                text.push(&a.text[s.span.range()]);
            }
        }
        let d = PyDict::new(py);
        d.set_item("doc", doc.into_pyarray(py))?;
        d.set_item("paragraph", par.into_pyarray(py))?;
        d.set_item("sentence", sent.into_pyarray(py))?;
        d.set_item("start", start.into_pyarray(py))?;
        d.set_item("end", end.into_pyarray(py))?;
        d.set_item("text", PyList::new(py, text)?)?;
        Ok(d)
    }

    /// Character spans of the paragraphs of article `i`.
    fn paragraphs<'py>(&self, py: Python<'py>, i: usize) -> PyResult<Bound<'py, PyList>> {
        let a = self.get(i)?;
        let mut conv = CharOffsets::new(&a.text);
        let spans: Vec<(usize, usize)> = a
            .paragraphs
            .iter()
            .map(|p| (conv.get(p.start as usize), conv.get(p.end as usize)))
            .collect();
        PyList::new(py, spans)
    }

    /// Tokens of article `i`: (character starts, character ends, sentence index).
    fn tokens<'py>(&self, py: Python<'py>, i: usize) -> PyResult<Bound<'py, PyAny>> {
        let a = self.get(i)?;
        let mut conv = CharOffsets::new(&a.text);
        let mut starts = Vec::with_capacity(a.tokens.len());
        let mut ends = Vec::with_capacity(a.tokens.len());
        for t in a.tokens.iter() {
            starts.push(conv.get(t.start as usize) as i64);
            ends.push(conv.get(t.end as usize) as i64);
        }
        let mut sent = vec![0i64; a.tokens.len()];
        for (j, s) in a.sentences.iter().enumerate() {
            let r = s.first_token as usize..(s.first_token + s.n_tokens) as usize;
            sent[r].fill(j as i64);
        }
        Ok((
            starts.into_pyarray(py),
            ends.into_pyarray(py),
            sent.into_pyarray(py),
        )
            .into_pyobject(py)?
            .into_any())
    }

    /// The cleaned body of article `i`, which all offsets refer to.
    fn text(&self, i: usize) -> PyResult<&str> {
        Ok(&self.get(i)?.text)
    }

    /// The articles at `positions` (any order, repeats allowed), copied: sub-corpora
    /// keep their parsed text without parsing it again.
    fn take(&self, py: Python<'_>, positions: Vec<usize>) -> PyResult<Articles> {
        if let Some(&bad) = positions.iter().find(|&&i| i >= self.docs.len()) {
            self.get(bad)?;
        }
        let docs = py.detach(|| positions.iter().map(|&i| self.docs[i].clone()).collect());
        Ok(Articles { docs })
    }

    /// These articles followed by those of `others`, copied.
    fn concat(&self, py: Python<'_>, others: Vec<PyRef<'_, Articles>>) -> Articles {
        let parts: Vec<&Articles> = std::iter::once(self)
            .chain(others.iter().map(|o| &**o))
            .collect();
        let docs = py.detach(|| parts.iter().flat_map(|a| a.docs.iter().cloned()).collect());
        Articles { docs }
    }
}

impl Articles {
    fn get(&self, i: usize) -> PyResult<&Article> {
        self.docs.get(i).ok_or_else(|| {
            pyo3::exceptions::PyIndexError::new_err(format!(
                "document position {i} out of range for {} documents",
                self.docs.len()
            ))
        })
    }
}

/// The name of a Python object's type, for error messages.
fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_default()
}

/// A Python str as Rust text, and how many lone surrogates in it (legal in a Python
/// str, common in badly decoded scrapes; a Rust string cannot hold them) became
/// U+FFFD. One code point for one, so character offsets stay those of the str.
pub(crate) fn lossy_str(s: &Bound<'_, PyString>) -> PyResult<(String, u32)> {
    if let Ok(t) = s.to_str() {
        return Ok((t.to_owned(), 0));
    }
    let encoded = s.call_method1("encode", ("utf-16-le", "surrogatepass"))?;
    let bytes: &[u8] = encoded.extract()?;
    let units = bytes
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]));
    let mut n = 0;
    let text = char::decode_utf16(units)
        .map(|r| {
            r.unwrap_or_else(|_| {
                n += 1;
                char::REPLACEMENT_CHARACTER
            })
        })
        .collect();
    Ok((text, n))
}

/// A `str` argument read with [`lossy_str`].
pub(crate) struct Text(pub String);

impl<'a, 'py> FromPyObject<'a, 'py> for Text {
    type Error = PyErr;

    fn extract(obj: pyo3::Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let s = obj.cast::<PyString>().map_err(|_| {
            PyTypeError::new_err(format!("expected a str, got {}", type_name(&obj)))
        })?;
        Ok(Text(lossy_str(&s)?.0))
    }
}

/// Parse a list of texts (str or None) into `Articles`. Lone surrogates become U+FFFD,
/// with one warning that counts them.
#[pyfunction]
#[pyo3(signature = (texts, threads=None, progress=false))]
fn parse_texts(
    py: Python<'_>,
    texts: &Bound<'_, PyList>,
    threads: Option<Threads>,
    progress: bool,
) -> PyResult<Articles> {
    let mut owned: Vec<Option<String>> = Vec::with_capacity(texts.len());
    let (mut replaced, mut first) = (0u64, None);
    for (i, item) in texts.iter().enumerate() {
        if item.is_none() {
            owned.push(None);
        } else {
            let s = item.cast::<PyString>().map_err(|_| {
                PyTypeError::new_err(format!(
                    "text at position {i} is {}, not a str",
                    type_name(&item)
                ))
            })?;
            let (text, n) = lossy_str(s)?;
            if n > 0 {
                replaced += u64::from(n);
                first.get_or_insert(i);
            }
            owned.push(Some(text));
        }
    }
    if let Some(i) = first {
        let message = std::ffi::CString::new(format!(
            "{replaced} lone surrogate(s) (such as '\\ud800', from badly decoded text) \
             became U+FFFD, the first in the text at position {i}"
        ))
        .unwrap_or_default();
        PyErr::warn(
            py,
            &py.get_type::<pyo3::exceptions::PyUserWarning>(),
            &message,
            1,
        )?;
    }
    let docs = run_with_progress(py, threads, bar(progress, owned.len(), "parse"), |p| {
        core::corpus::parse_all_with(&owned, p)
    })?;
    Ok(Articles { docs })
}

/// One chunk of an Arrow string column: its data, offsets and validity as arrays.
type StringChunk<'py> = (
    PyReadonlyArray1<'py, u8>,
    PyReadonlyArray1<'py, i64>,
    PyReadonlyArray1<'py, u8>,
);

/// Parse the strings of an Arrow string column, chunk after chunk, read in place from
/// its buffers (no Python `str` is made); returns the articles and each text's count
/// of replaced invalid UTF-8 sequences.
#[pyfunction]
#[pyo3(signature = (chunks, threads=None, progress=false))]
fn parse_string_chunks(
    py: Python<'_>,
    chunks: Vec<StringChunk<'_>>,
    threads: Option<Threads>,
    progress: bool,
) -> PyResult<(Articles, Vec<u32>)> {
    let mut parts = Vec::with_capacity(chunks.len());
    for (k, (data, offsets, valid)) in chunks.iter().enumerate() {
        let bad = || {
            to_py(
                py,
                core::Error::input(format!(
                    "string chunk {k}: its buffers must be contiguous and aligned arrays"
                )),
            )
        };
        parts.push((
            data.as_slice().map_err(|_| bad())?,
            offsets.as_slice().map_err(|_| bad())?,
            valid.as_slice().map_err(|_| bad())?,
        ));
    }
    let n = parts.iter().map(|p| p.2.len()).sum();
    let (docs, errors) = run_with_progress(py, threads, bar(progress, n, "parse"), |p| {
        let mut texts = Vec::with_capacity(n);
        let mut errors = Vec::with_capacity(n);
        for (k, (data, offsets, valid)) in parts.iter().enumerate() {
            let (t, e) = core::io::string_column(data, offsets, valid)
                .map_err(|e| core::Error::input(format!("string chunk {k}: {}", e.message)))?;
            texts.extend(t);
            errors.extend(e);
        }
        Ok((core::corpus::parse_all_with(&texts, p)?, errors))
    })?;
    Ok((Articles { docs }, errors))
}

/// Read and parse text files; returns the articles and each file's decode error count.
#[pyfunction]
#[pyo3(signature = (paths, threads=None, progress=false))]
fn read_text_files(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    threads: Option<Threads>,
    progress: bool,
) -> PyResult<(Articles, Vec<u32>)> {
    let n = paths.len();
    let (docs, errors) = run_with_progress(py, threads, bar(progress, n, "parse"), |p| {
        let files = core::io::read_text_files(&paths)?;
        let errors = files.iter().map(|f| f.decode_errors).collect();
        let texts: Vec<Option<&str>> = files.iter().map(|f| Some(f.text.as_str())).collect();
        Ok((core::corpus::parse_all_with(&texts, p)?, errors))
    })?;
    Ok((Articles { docs }, errors))
}

fn json_to_py<'py>(py: Python<'py>, v: Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => s.into_pyobject(py)?.into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for x in items {
                list.append(json_to_py(py, x)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let d = PyDict::new(py);
            for (k, x) in map {
                d.set_item(k, json_to_py(py, x)?)?;
            }
            d.into_any()
        }
    })
}

/// Read and parse a JSON Lines file (plain or gzip).
///
/// Returns a dict: `articles`, `ids` (list, or None when no record has the id field),
/// `columns` (other fields, name -> list), `lines`, `decode_errors`, `missing_text`
/// (positions whose text was absent or null) and `skipped` (list of (line, message)).
#[pyfunction]
#[pyo3(signature = (path, text="text", id=None, skip_errors=false, threads=None,
                    progress=false))]
#[allow(clippy::too_many_arguments)]
fn read_jsonl<'py>(
    py: Python<'py>,
    path: PathBuf,
    text: &str,
    id: Option<&str>,
    skip_errors: bool,
    threads: Option<Threads>,
    progress: bool,
) -> PyResult<Bound<'py, PyDict>> {
    // The number of documents is known only once read: the bar counts bytes of the
    // file instead, which is what takes the time to read anyway.
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let bar = (progress && size >= 8 << 20).then_some(Bar {
        total: 0,
        desc: "parse",
    });
    let (docs, mut jsonl) = run_with_progress(py, threads, bar, |p| {
        // Parse each chunk as it is decoded, so raw texts never pile up in memory.
        let mut docs = Vec::new();
        let mut missing = Vec::new();
        let jsonl = core::io::read_jsonl_with(&path, text, id, skip_errors, |records| {
            let texts: Vec<Option<String>> = records
                .iter_mut()
                .map(
                    |r| match std::mem::replace(&mut r.text, core::io::TextField::Missing) {
                        core::io::TextField::Text(s) => Some(s),
                        core::io::TextField::Missing => None,
                    },
                )
                .collect();
            let offset = docs.len();
            missing.extend(
                (0..texts.len())
                    .filter(|&i| texts[i].is_none())
                    .map(|i| offset + i),
            );
            docs.extend(core::corpus::parse_all_at(&texts, offset, p)?);
            Ok(())
        })?;
        Ok(((docs, missing), jsonl))
    })?;
    let (docs, missing) = docs;
    let d = PyDict::new(py);
    let records = &mut jsonl.records;
    let has_ids = records.iter().any(|r| r.id.is_some());
    let lines: Vec<u64> = records.iter().map(|r| r.line).collect();
    let errors: Vec<u32> = records.iter().map(|r| r.decode_errors).collect();
    if has_ids {
        let ids = PyList::empty(py);
        for r in records.iter_mut() {
            ids.append(json_to_py(py, r.id.take().unwrap_or(Value::Null))?)?;
        }
        d.set_item("ids", ids)?;
    } else {
        d.set_item("ids", py.None())?;
    }
    let cols = PyDict::new(py);
    for (name, values) in core::io::columns(records) {
        let list = PyList::empty(py);
        for v in values {
            list.append(json_to_py(py, v)?)?;
        }
        cols.set_item(name, list)?;
    }
    d.set_item("columns", cols)?;
    d.set_item("lines", lines)?;
    d.set_item("decode_errors", errors)?;
    d.set_item("missing_text", missing)?;
    let skipped: Vec<(u64, String)> = jsonl
        .skipped
        .into_iter()
        .map(|s| (s.line, s.message))
        .collect();
    d.set_item("skipped", skipped)?;
    d.set_item("articles", Articles { docs })?;
    Ok(d)
}

/// Worker threads that calls with `threads=None` use in this process.
#[pyfunction]
fn num_threads() -> PyResult<usize> {
    core::corpus::with_threads(None, rayon::current_num_threads)
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))
}

/// Check a `threads=` argument as every core call does (for calls answered from a
/// cache, which reach no core call).
#[pyfunction]
#[pyo3(signature = (threads=None))]
fn check_threads(threads: Option<Threads>) -> Option<usize> {
    threads.map(|t| t.0)
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("THREADS_ENV", core::corpus::THREADS_ENV)?;
    m.add_class::<Articles>()?;
    m.add_function(wrap_pyfunction!(parse_texts, m)?)?;
    m.add_function(wrap_pyfunction!(read_text_files, m)?)?;
    m.add_function(wrap_pyfunction!(parse_string_chunks, m)?)?;
    m.add_function(wrap_pyfunction!(read_jsonl, m)?)?;
    m.add_function(wrap_pyfunction!(num_threads, m)?)?;
    m.add_function(wrap_pyfunction!(check_threads, m)?)?;
    cooccur::register(m)?;
    quotes::register(m)?;
    dedup::register(m)?;
    dictionary::register(m)?;
    ner::register(m)?;
    resolve::register(m)?;
    store::register(m)?;
    Ok(())
}
