//! Many articles at once, in parallel.
//!
//! Work is split per article and collected in input order, so results never depend on
//! the number of threads.

use std::sync::OnceLock;

use rayon::prelude::*;

use super::error::{Error, Result};
use super::{parse_article, Article};

/// Environment variable that sets the default number of worker threads.
pub const THREADS_ENV: &str = "NEWSGRAPH_NUM_THREADS";

/// The process that set up the shared pool. A child made by `fork` (multiprocessing,
/// Dask workers) inherits the pool's bookkeeping but none of its threads, so work sent
/// there would wait forever; such a child gets a pool of its own instead.
static POOL_OWNER: OnceLock<u32> = OnceLock::new();

fn init_global_pool() {
    static INIT: OnceLock<()> = OnceLock::new();
    INIT.get_or_init(|| {
        let _ = POOL_OWNER.set(std::process::id());
        let n = std::env::var(THREADS_ENV)
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|&n| n > 0);
        if let Some(n) = n {
            // Fails only if someone else already built the global pool; theirs stands.
            let _ = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build_global();
        }
    });
}

/// Run `f` on `threads` worker threads, or on the shared pool (sized by
/// `NEWSGRAPH_NUM_THREADS`, else one thread per core) when `threads` is `None`.
pub fn with_threads<T: Send>(threads: Option<usize>, f: impl FnOnce() -> T + Send) -> Result<T> {
    match threads {
        Some(0) => Err(Error::input("threads must be at least 1, got 0")),
        Some(n) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|e| Error::input(format!("cannot start {n} threads: {e}")))?;
            Ok(pool.install(f))
        }
        None => {
            init_global_pool();
            if POOL_OWNER.get() == Some(&std::process::id()) {
                Ok(f())
            } else {
                let n = std::env::var(THREADS_ENV)
                    .ok()
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .filter(|&n| n > 0)
                    .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
                with_threads(Some(n), f)
            }
        }
    }
}

/// How far a long call has got, and whether the caller wants it to stop (Ctrl-C).
/// Loops over documents tick it and check it once per document.
#[derive(Debug, Default)]
pub struct Progress {
    done: std::sync::atomic::AtomicU64,
    cancel: std::sync::atomic::AtomicBool,
}

impl Progress {
    pub fn tick(&self, n: u64) {
        self.done.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
    }
    pub fn done(&self) -> u64 {
        self.done.load(std::sync::atomic::Ordering::Relaxed)
    }
    pub fn cancel(&self) {
        self.cancel
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }
    /// An error to return when the caller has asked to stop.
    pub fn check(&self) -> Result<()> {
        if self.cancel.load(std::sync::atomic::Ordering::Relaxed) {
            Err(Error::cancelled())
        } else {
            Ok(())
        }
    }
}

/// Parse articles in parallel; `None` is an empty article. The error, if any, is that
/// of the first failing article, with its position.
pub fn parse_all<S: AsRef<str> + Sync>(texts: &[Option<S>]) -> Result<Vec<Article>> {
    parse_all_with(texts, &Progress::default())
}

/// [`parse_all`], reporting to and stoppable through `progress`.
pub fn parse_all_with<S: AsRef<str> + Sync>(
    texts: &[Option<S>],
    progress: &Progress,
) -> Result<Vec<Article>> {
    parse_all_at(texts, 0, progress)
}

/// [`parse_all_with`] for texts that start at document `first` of a larger corpus
/// (errors name the document by its place in the whole corpus).
pub fn parse_all_at<S: AsRef<str> + Sync>(
    texts: &[Option<S>],
    first: usize,
    progress: &Progress,
) -> Result<Vec<Article>> {
    texts
        .par_iter()
        .enumerate()
        .map(|(i, t)| {
            progress.check()?;
            progress.tick(1);
            Ok((first + i, t))
        })
        .map(|r| r.and_then(|(i, t)| parse_one(i, t)))
        .collect()
}

fn parse_one<S: AsRef<str>>(i: usize, t: &Option<S>) -> Result<Article> {
    match t {
        None => Ok(Article::default()),
        Some(t) => parse_article(t.as_ref()).map_err(|mut e| {
            e.message = format!("document {i}: {}", e.message);
            e
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_count_does_not_change_results() {
        let texts: Vec<Option<String>> = (0..200)
            .map(|i| {
                (i % 7 != 0).then(|| {
                    format!(
                        "Title {i}\n\nMr. Smith met Ms. Jones in Paris on day {i}. They talked.\n"
                    )
                })
            })
            .collect();
        let one = with_threads(Some(1), || parse_all(&texts))
            .expect("pool")
            .expect("parse");
        let two = with_threads(Some(2), || parse_all(&texts))
            .expect("pool")
            .expect("parse");
        assert_eq!(one, two);
        assert_eq!(one.len(), 200);
        assert!(one[0].text.is_empty());
        assert!(with_threads(Some(0), || ()).is_err());
    }
}
