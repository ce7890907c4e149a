//! SQLite's write-ahead log is copied back into the database file by a checkpoint. Left to
//! SQLite, it runs inside whichever commit pushes the log past its limit, and that request
//! waits for it (an `fsync` included); here a background task does the copying instead, often
//! enough that little is left to copy at any time. A log is only started again from its
//! beginning by a writer that finds it wholly copied, which under a steady stream of writes
//! only the writer's own checkpoint can see: the group-commit writer keeps SQLite's automatic
//! checkpoint, at a limit (`group_commit::open_writer`) that it reaches every few seconds under
//! load, and by then has only the last few milliseconds of the log left to copy.

use std::time::Duration;

use diesel::RunQueryDsl;

use super::{DbConnection, DbPool};

/// About 150 applications' pages under load: each pass copies them on another core while the
/// writer goes on (measured: 500 ms left the writer a tenth of its time checkpointing).
const EVERY: Duration = Duration::from_millis(50);

/// Checkpoints the log twenty times a second, for as long as the server runs; does nothing on
/// PostgreSQL.
pub async fn run(pool: DbPool) {
    let mut interval = tokio::time::interval(EVERY);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        let pool = pool.clone();
        let pass = tokio::task::spawn_blocking(move || {
            super::with_connection(&pool, |conn| match conn {
                DbConnection::Sqlite(_) => {
                    // PASSIVE copies what it can without waiting for readers or writers.
                    diesel::sql_query("PRAGMA wal_checkpoint(PASSIVE)").execute(conn)?;
                    Ok(true)
                }
                DbConnection::Postgres(_) => Ok(false),
            })
        })
        .await;
        match pass {
            Ok(Ok(true)) => {}
            Ok(Ok(false)) => return,
            Ok(Err(error)) => tracing::warn!(error = format!("{error:#}"), "checkpoint failed"),
            Err(error) => tracing::warn!(%error, "checkpoint stopped"),
        }
    }
}
