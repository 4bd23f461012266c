//! Binding for near-duplicate detection (`core::dedup`): one call for a corpus in
//! memory, and the steps (sketch, candidates, verify) for corpora read in batches.

use numpy::{IntoPyArray, PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;

use super::{bar, run, run_with_progress, to_py, Articles, Threads};
use crate::core::dedup::{self, Options};
use crate::core::{Error, Result as CoreResult};

type Columns<'py> = (Bound<'py, PyArray1<i64>>, Bound<'py, PyArray1<i64>>);

type Pairs<'py> = (
    Bound<'py, PyArray1<i64>>,
    Bound<'py, PyArray1<i64>>,
    Bound<'py, PyArray1<f64>>,
);

/// A count argument as usize, or an `InputError` naming it.
fn count(name: &str, v: i64, minimum: i64) -> CoreResult<usize> {
    if v < minimum {
        return Err(Error::input(format!(
            "{name}={v}: {name} must be at least {minimum}"
        )));
    }
    Ok(v as usize)
}

fn pairs_out(py: Python<'_>, pairs: Vec<(u32, u32, f64)>) -> Pairs<'_> {
    let a: Vec<i64> = pairs.iter().map(|p| i64::from(p.0)).collect();
    let b: Vec<i64> = pairs.iter().map(|p| i64::from(p.1)).collect();
    let s: Vec<f64> = pairs.iter().map(|p| p.2).collect();
    (a.into_pyarray(py), b.into_pyarray(py), s.into_pyarray(py))
}

fn checked_options(shingle_size: i64, num_perm: i64) -> CoreResult<(usize, usize)> {
    let shingle = count("shingle_size", shingle_size, 1)?;
    let num_perm = count("num_perm", num_perm, 1)?;
    dedup::check_options(shingle, num_perm)?;
    Ok((shingle, num_perm))
}

/// Bands and rows for `threshold` and `num_perm`, as datasketch's `MinHashLSH` picks
/// them (minimising the weighted false positive and false negative areas).
#[pyfunction]
#[pyo3(signature = (threshold, num_perm=128, false_positive_weight=1.0 - dedup::FALSE_NEGATIVE_WEIGHT,
                    false_negative_weight=dedup::FALSE_NEGATIVE_WEIGHT))]
fn dedup_lsh_params(
    py: Python<'_>,
    threshold: f64,
    num_perm: i64,
    false_positive_weight: f64,
    false_negative_weight: f64,
) -> PyResult<(usize, usize)> {
    let checked = (|| {
        dedup::check_threshold(threshold)?;
        let num_perm = count("num_perm", num_perm, 1)?;
        dedup::check_options(1, num_perm)?;
        Ok(num_perm)
    })();
    let num_perm = checked.map_err(|e| to_py(py, e))?;
    Ok(py.detach(|| {
        dedup::lsh_params(
            threshold,
            num_perm,
            false_positive_weight,
            false_negative_weight,
        )
    }))
}

/// Near-duplicate pairs of parsed articles: `(a, b, similarity)`, document positions
/// `a < b` sorted, and the exact Jaccard of their shingle sets (at least `threshold`).
#[pyfunction]
#[pyo3(signature = (articles, threshold, bands, rows, shingle_size=3, num_perm=128,
                    threads=None, progress=false))]
#[allow(clippy::too_many_arguments)]
fn dedup_pairs<'py>(
    py: Python<'py>,
    articles: &Articles,
    threshold: f64,
    bands: i64,
    rows: i64,
    shingle_size: i64,
    num_perm: i64,
    threads: Option<Threads>,
    progress: bool,
) -> PyResult<Pairs<'py>> {
    let opts = (|| {
        let (shingle, num_perm) = checked_options(shingle_size, num_perm)?;
        Ok(Options {
            threshold,
            shingle,
            num_perm,
            bands: count("bands", bands, 1)?,
            rows: count("rows", rows, 1)?,
        })
    })()
    .map_err(|e| to_py(py, e))?;
    let docs = &articles.docs;
    let pairs = run_with_progress(py, threads, bar(progress, docs.len(), "duplicates"), |p| {
        dedup::near_duplicates(docs, &opts, p)
    })?;
    Ok(pairs_out(py, pairs))
}

/// Signatures (uint32, one row of `num_perm` per article) and, with `keep_sets`, the
/// articles' shingle sets as CSR `indptr` (int64) and sorted `hashes` (uint64).
#[pyfunction]
#[pyo3(signature = (articles, shingle_size=3, num_perm=128, keep_sets=true, threads=None))]
#[allow(clippy::type_complexity)]
fn dedup_sketch<'py>(
    py: Python<'py>,
    articles: &Articles,
    shingle_size: i64,
    num_perm: i64,
    keep_sets: bool,
    threads: Option<Threads>,
) -> PyResult<(
    Bound<'py, PyArray2<u32>>,
    Bound<'py, PyArray1<i64>>,
    Bound<'py, PyArray1<u64>>,
)> {
    let (shingle, num_perm) = checked_options(shingle_size, num_perm).map_err(|e| to_py(py, e))?;
    let docs = &articles.docs;
    let sk = run_with_progress(py, threads, None, |p| {
        dedup::sketch(docs, shingle, num_perm, keep_sets, p)
    })?;
    let n = docs.len();
    let sigs = sk
        .signatures
        .into_pyarray(py)
        .reshape([n, num_perm])
        .map_err(|e| to_py(py, Error::input(e.to_string())))?;
    Ok((sigs, sk.indptr.into_pyarray(py), sk.hashes.into_pyarray(py)))
}

/// Candidate pairs `(a, b)` (int64 positions, `a < b`, sorted): rows of `signatures`
/// that agree on a whole band.
#[pyfunction]
#[pyo3(signature = (signatures, bands, rows, threads=None))]
fn dedup_candidates<'py>(
    py: Python<'py>,
    signatures: PyReadonlyArray2<'py, u32>,
    bands: i64,
    rows: i64,
    threads: Option<Threads>,
) -> PyResult<Columns<'py>> {
    let bands = count("bands", bands, 1).map_err(|e| to_py(py, e))?;
    let rows = count("rows", rows, 1).map_err(|e| to_py(py, e))?;
    let num_perm = signatures.as_array().ncols();
    let sigs = signatures.as_array().iter().copied().collect::<Vec<u32>>();
    let pairs = run_with_progress(py, threads, None, |p| {
        dedup::candidates(&sigs, num_perm, bands, rows, p)
    })?;
    let a: Vec<i64> = pairs.iter().map(|p| i64::from(p.0)).collect();
    let b: Vec<i64> = pairs.iter().map(|p| i64::from(p.1)).collect();
    Ok((a.into_pyarray(py), b.into_pyarray(py)))
}

/// Read `(a, b)` position columns as pairs, checking they are in `0..n`.
fn pair_columns(
    a: &PyReadonlyArray1<'_, i64>,
    b: &PyReadonlyArray1<'_, i64>,
) -> CoreResult<Vec<(u32, u32)>> {
    let (a, b) = (a.as_array(), b.as_array());
    if a.len() != b.len() {
        return Err(Error::input(format!(
            "a has {} values, b has {}",
            a.len(),
            b.len()
        )));
    }
    a.iter()
        .zip(b.iter())
        .map(|(&x, &y)| match (u32::try_from(x), u32::try_from(y)) {
            (Ok(x), Ok(y)) => Ok((x, y)),
            _ => Err(Error::input(format!("pair ({x}, {y}) is out of range"))),
        })
        .collect()
}

/// CSR sets (`indptr`, `hashes` arrays) as slices, checking the offsets.
fn csr<'a>(
    indptr: &'a PyReadonlyArray1<'_, i64>,
    hashes: &'a PyReadonlyArray1<'_, u64>,
) -> CoreResult<Vec<&'a [u64]>> {
    let indptr = indptr
        .as_slice()
        .map_err(|e| Error::input(format!("indptr: {e}")))?;
    let hashes = hashes
        .as_slice()
        .map_err(|e| Error::input(format!("hashes: {e}")))?;
    let mut out = Vec::with_capacity(indptr.len().saturating_sub(1));
    for w in indptr.windows(2) {
        let (s, e) = (w[0], w[1]);
        if s < 0 || e < s || e as usize > hashes.len() {
            return Err(Error::input(format!(
                "indptr ({s}, {e}) does not fit {} hashes",
                hashes.len()
            )));
        }
        out.push(&hashes[s as usize..e as usize]);
    }
    Ok(out)
}

/// The pairs among `(a, b)` whose exact Jaccard reaches `threshold`, with it. `docs`
/// (sorted positions) name the documents whose sets `indptr`/`hashes` hold, in order;
/// every position in a pair must be among them.
#[pyfunction]
#[pyo3(signature = (a, b, docs, indptr, hashes, threshold, threads=None))]
#[allow(clippy::too_many_arguments)]
fn dedup_verify<'py>(
    py: Python<'py>,
    a: PyReadonlyArray1<'py, i64>,
    b: PyReadonlyArray1<'py, i64>,
    docs: PyReadonlyArray1<'py, i64>,
    indptr: PyReadonlyArray1<'py, i64>,
    hashes: PyReadonlyArray1<'py, u64>,
    threshold: f64,
    threads: Option<Threads>,
) -> PyResult<Pairs<'py>> {
    let err = |e: Error| to_py(py, e);
    dedup::check_threshold(threshold).map_err(err)?;
    let pairs = pair_columns(&a, &b).map_err(err)?;
    let docs: Vec<u32> = docs
        .as_array()
        .iter()
        .map(|&d| u32::try_from(d).unwrap_or(u32::MAX))
        .collect();
    if docs.windows(2).any(|w| w[0] >= w[1]) {
        return Err(err(Error::input("docs must be sorted and distinct")));
    }
    let sets = csr(&indptr, &hashes).map_err(err)?;
    if sets.len() != docs.len() {
        return Err(err(Error::input(format!(
            "{} sets for {} docs",
            sets.len(),
            docs.len()
        ))));
    }
    if let Some(&(x, y)) = pairs
        .iter()
        .find(|&&(x, y)| docs.binary_search(&x).is_err() || docs.binary_search(&y).is_err())
    {
        return Err(err(Error::input(format!(
            "pair ({x}, {y}) names a document without a set"
        ))));
    }
    let set_of = |d: u32| sets[docs.partition_point(|&x| x < d)];
    let kept = run(py, threads, || {
        dedup::verify(&pairs, set_of, threshold, &Default::default())
    })?;
    Ok(pairs_out(py, kept))
}

/// Every pair of CSR shingle sets with exact Jaccard at least `threshold` (brute force,
/// for measuring recall).
#[pyfunction]
#[pyo3(signature = (indptr, hashes, threshold, threads=None))]
fn dedup_all_pairs<'py>(
    py: Python<'py>,
    indptr: PyReadonlyArray1<'py, i64>,
    hashes: PyReadonlyArray1<'py, u64>,
    threshold: f64,
    threads: Option<Threads>,
) -> PyResult<Pairs<'py>> {
    let sets = csr(&indptr, &hashes).map_err(|e| to_py(py, e))?;
    let pairs = run_with_progress(py, threads, None, |p| dedup::all_pairs(&sets, threshold, p))?;
    Ok(pairs_out(py, pairs))
}

/// Each of `n` documents' group: the smallest position in its connected component of
/// the pairs `(a, b)`.
#[pyfunction]
fn dedup_components<'py>(
    py: Python<'py>,
    n: i64,
    a: PyReadonlyArray1<'py, i64>,
    b: PyReadonlyArray1<'py, i64>,
) -> PyResult<Bound<'py, PyArray1<i64>>> {
    let err = |e: Error| to_py(py, e);
    let n = count("n", n, 0).map_err(err)?;
    let pairs = pair_columns(&a, &b).map_err(err)?;
    if let Some(&(x, y)) = pairs
        .iter()
        .find(|&&(x, y)| x as usize >= n || y as usize >= n)
    {
        return Err(err(Error::input(format!(
            "pair ({x}, {y}) is out of range for {n} documents"
        ))));
    }
    let groups: Vec<i64> = dedup::components(n, &pairs)
        .into_iter()
        .map(i64::from)
        .collect();
    Ok(groups.into_pyarray(py))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(dedup_lsh_params, m)?)?;
    m.add_function(wrap_pyfunction!(dedup_pairs, m)?)?;
    m.add_function(wrap_pyfunction!(dedup_sketch, m)?)?;
    m.add_function(wrap_pyfunction!(dedup_candidates, m)?)?;
    m.add_function(wrap_pyfunction!(dedup_verify, m)?)?;
    m.add_function(wrap_pyfunction!(dedup_all_pairs, m)?)?;
    m.add_function(wrap_pyfunction!(dedup_components, m)?)?;
    Ok(())
}
