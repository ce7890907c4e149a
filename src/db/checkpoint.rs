//! SQLite's write-ahead log is copied back into the database file by a checkpoint. Left to
//! SQLite, it runs inside whichever commit pushes the log past its limit, and that request
//! waits for it (an `fsync` included); here a background task does it instead. The limit set on
//! each connection (`wal_autocheckpoint`, ten times SQLite's default) stays as a backstop for
//! when the task falls behind or no server runs (the CLI).

use std::time::Duration;

use diesel::RunQueryDsl;

use super::{DbConnection, DbPool};

const EVERY: Duration = Duration::from_millis(500);

/// Checkpoints the log twice a second, for as long as the server runs; does nothing on
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
