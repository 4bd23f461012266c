//! Binding for entity resolution.

use numpy::IntoPyArray;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::run;
use crate::core::resolve::{self, MentionIn, Options};

/// Resolve mentions (grouped by document, in reading order) to entities.
///
/// Returns `entity_of` (int64 array, one per mention) and `entities`: columns `name`,
/// `label`, `aliases` (list of lists), `mentions`, `documents`.
#[pyfunction]
#[pyo3(signature = (doc, text, label, aliases=Vec::new(), merge=Vec::new(), split=Vec::new(),
                    demonyms=Vec::new(), fuzzy=true, threads=None))]
#[allow(clippy::too_many_arguments)]
fn resolve_mentions<'py>(
    py: Python<'py>,
    doc: Vec<i64>,
    text: Vec<String>,
    label: Vec<String>,
    aliases: Vec<(String, String)>,
    merge: Vec<Vec<String>>,
    split: Vec<String>,
    demonyms: Vec<(String, String)>,
    fuzzy: bool,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    if doc.len() != text.len() || doc.len() != label.len() {
        return Err(pyo3::exceptions::PyValueError::new_err(format!(
            "doc, text and label differ in length: {}, {}, {}",
            doc.len(),
            text.len(),
            label.len()
        )));
    }
    let mentions: Vec<MentionIn> = doc
        .into_iter()
        .zip(text)
        .zip(label)
        .map(|((d, t), l)| MentionIn {
            doc: d.max(0) as u32,
            text: t,
            label: l,
        })
        .collect();
    let opts = Options {
        aliases,
        merge,
        split,
        demonyms,
        fuzzy,
    };
    let r = run(py, threads, || Ok(resolve::resolve(&mentions, &opts)))?;
    let d = PyDict::new(py);
    let ids: Vec<i64> = r.entity_of.iter().map(|&e| e as i64).collect();
    d.set_item("entity_of", ids.into_pyarray(py))?;
    let e = PyDict::new(py);
    let ents = r.entities;
    e.set_item(
        "name",
        ents.iter().map(|x| x.name.clone()).collect::<Vec<_>>(),
    )?;
    e.set_item(
        "label",
        ents.iter().map(|x| x.label.clone()).collect::<Vec<_>>(),
    )?;
    e.set_item(
        "aliases",
        ents.iter().map(|x| x.aliases.clone()).collect::<Vec<_>>(),
    )?;
    let mentions: Vec<i64> = ents.iter().map(|x| x.mentions as i64).collect();
    let documents: Vec<i64> = ents.iter().map(|x| x.documents as i64).collect();
    e.set_item("mentions", mentions.into_pyarray(py))?;
    e.set_item("documents", documents.into_pyarray(py))?;
    d.set_item("entities", e)?;
    Ok(d)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(resolve_mentions, m)?)?;
    Ok(())
}
