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

fn init_global_pool() {
    static INIT: OnceLock<()> = OnceLock::new();
    INIT.get_or_init(|| {
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
            Ok(f())
        }
    }
}

/// Parse articles in parallel; `None` is an empty article. The error, if any, is that
/// of the first failing article, with its position.
pub fn parse_all<S: AsRef<str> + Sync>(texts: &[Option<S>]) -> Result<Vec<Article>> {
    texts
        .par_iter()
        .enumerate()
        .map(|(i, t)| match t {
            None => Ok(Article::default()),
            Some(t) => parse_article(t.as_ref()).map_err(|mut e| {
                e.message = format!("document {i}: {}", e.message);
                e
            }),
        })
        .collect()
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
