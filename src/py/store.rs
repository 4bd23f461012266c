//! Articles to flat numpy columns and back, for `Corpus.save` and `newsgraph.load`
//! (the layout is `core::store`'s; Python wraps the arrays as Arrow columns).

use numpy::{Element, IntoPyArray, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::{run, to_py, Articles};
use crate::core::store::{self, FlatRef, ListColumn, ListRef, StrColumn, StrRef};
use crate::core::{self as pure};

const STRINGS: [&str; 5] = ["text", "title", "date", "source", "dateline"];
const LISTS: [&str; 2] = ["credits", "boilerplate"];

/// The articles as named 1-d arrays: for each string field `F` (text, title, date,
/// source, dateline) `F` (UTF-8 bytes), `F_offsets`, `F_valid`; for credits and
/// boilerplate also `F_lists`; and paragraphs, sentences, tokens with their offsets.
#[pyfunction]
fn articles_to_columns<'py>(py: Python<'py>, articles: &Articles) -> PyResult<Bound<'py, PyDict>> {
    let flat = py.detach(|| store::flatten(&articles.docs));
    let d = PyDict::new(py);
    let strings = [flat.text, flat.title, flat.date, flat.source, flat.dateline];
    for (name, col) in STRINGS.into_iter().zip(strings) {
        let StrColumn {
            data,
            offsets,
            valid,
        } = col;
        d.set_item(name, data.into_pyarray(py))?;
        d.set_item(format!("{name}_offsets"), offsets.into_pyarray(py))?;
        d.set_item(format!("{name}_valid"), valid.into_pyarray(py))?;
    }
    for (name, col) in LISTS.into_iter().zip([flat.credits, flat.boilerplate]) {
        let ListColumn {
            data,
            offsets,
            lists,
        } = col;
        d.set_item(name, data.into_pyarray(py))?;
        d.set_item(format!("{name}_offsets"), offsets.into_pyarray(py))?;
        d.set_item(format!("{name}_lists"), lists.into_pyarray(py))?;
    }
    d.set_item("paragraphs", flat.paragraphs.into_pyarray(py))?;
    d.set_item("paragraph_offsets", flat.paragraph_offsets.into_pyarray(py))?;
    d.set_item("sentences", flat.sentences.into_pyarray(py))?;
    d.set_item("sentence_offsets", flat.sentence_offsets.into_pyarray(py))?;
    d.set_item("tokens", flat.tokens.into_pyarray(py))?;
    d.set_item("token_offsets", flat.token_offsets.into_pyarray(py))?;
    d.set_item("token_counts", flat.token_counts.into_pyarray(py))?;
    Ok(d)
}

/// One named column, as a contiguous array of `T`.
fn column<'py, T: Element>(
    columns: &Bound<'py, PyDict>,
    name: &str,
) -> PyResult<PyReadonlyArray1<'py, T>> {
    let py = columns.py();
    let bad = |what: String| to_py(py, pure::Error::input(format!("column {name}: {what}")));
    let value = columns
        .get_item(name)?
        .ok_or_else(|| bad("missing".into()))?;
    let array: PyReadonlyArray1<'py, T> = value.extract().map_err(|e: PyErr| bad(e.to_string()))?;
    // `as_slice` refuses a strided or misaligned array; `s` relies on that check here.
    if array.as_slice().is_err() {
        return Err(bad("not contiguous and aligned".into()));
    }
    Ok(array)
}

/// Articles from columns as [`articles_to_columns`] names them, every value checked:
/// a damaged file is an `InputError` naming the document, never a crash.
#[pyfunction]
fn articles_from_columns(py: Python<'_>, columns: &Bound<'_, PyDict>) -> PyResult<Articles> {
    let mut bytes = Vec::new();
    let mut offsets = Vec::new();
    let mut extra = Vec::new();
    for name in STRINGS {
        bytes.push(column::<u8>(columns, name)?);
        offsets.push(column::<i64>(columns, &format!("{name}_offsets"))?);
        extra.push(column::<u8>(columns, &format!("{name}_valid"))?);
    }
    let mut list_offsets = Vec::new();
    for name in LISTS {
        bytes.push(column::<u8>(columns, name)?);
        offsets.push(column::<i64>(columns, &format!("{name}_offsets"))?);
        list_offsets.push(column::<i64>(columns, &format!("{name}_lists"))?);
    }
    let paragraphs = column::<u32>(columns, "paragraphs")?;
    let sentences = column::<u32>(columns, "sentences")?;
    let tokens = column::<u8>(columns, "tokens")?;
    let token_counts = column::<u32>(columns, "token_counts")?;
    let cut: Vec<_> = ["paragraph_offsets", "sentence_offsets", "token_offsets"]
        .into_iter()
        .map(|n| column::<i64>(columns, n))
        .collect::<PyResult<_>>()?;
    let strs: Vec<StrRef<'_>> = (0..STRINGS.len())
        .map(|i| StrRef {
            data: s(&bytes[i]),
            offsets: s(&offsets[i]),
            valid: s(&extra[i]),
        })
        .collect();
    let lists: Vec<ListRef<'_>> = (0..LISTS.len())
        .map(|i| ListRef {
            data: s(&bytes[STRINGS.len() + i]),
            offsets: s(&offsets[STRINGS.len() + i]),
            lists: s(&list_offsets[i]),
        })
        .collect();
    let flat = FlatRef {
        text: strs[0],
        title: strs[1],
        date: strs[2],
        source: strs[3],
        dateline: strs[4],
        credits: lists[0],
        boilerplate: lists[1],
        paragraphs: s(&paragraphs),
        paragraph_offsets: s(&cut[0]),
        sentences: s(&sentences),
        sentence_offsets: s(&cut[1]),
        tokens: s(&tokens),
        token_offsets: s(&cut[2]),
        token_counts: s(&token_counts),
    };
    let docs = run(py, None, || store::unflatten(&flat))?;
    Ok(Articles { docs })
}

/// A checked column's values.
fn s<'a, T: Element>(a: &'a PyReadonlyArray1<'_, T>) -> &'a [T] {
    // `column` checked that the slice exists, so this cannot fail.
    a.as_slice().unwrap_or_default()
}

/// CRC-32 of a byte array (as ZIP keeps it), continuing from `start`, with the
/// interpreter released.
#[pyfunction]
#[pyo3(signature = (data, start = 0))]
fn crc32(py: Python<'_>, data: PyReadonlyArray1<'_, u8>, start: u32) -> PyResult<u32> {
    let bytes = data
        .as_slice()
        .map_err(|_| to_py(py, pure::Error::input("crc32 needs a contiguous array")))?;
    // Straight on the global pool: `run`'s thread and Ctrl-C watch cost more than the
    // sum itself, which is called for every buffer a save writes.
    Ok(py.detach(|| store::crc32(bytes, start)))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(articles_to_columns, m)?)?;
    m.add_function(wrap_pyfunction!(articles_from_columns, m)?)?;
    m.add_function(wrap_pyfunction!(crc32, m)?)?;
    Ok(())
}
