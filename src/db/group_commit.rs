//! Group commit for SQLite's busiest writes. SQLite takes one writer at a time, and each commit
//! writes the changed pages to the log whether it holds one application or fifty; and every
//! commit by one connection throws away the page cache of every other, so a pool of writers
//! reads the same pages from the file again and again. Here one thread owns one connection:
//! it takes every write waiting (up to `MAX_BATCH`), runs each under its own savepoint inside
//! one transaction, commits once, and only then answers them. Its page cache stays warm, since
//! no other connection of the process writes while it holds the writer lock.
//!
//! Each write still sees the ones before it in the batch, in the order they arrived, so a
//! seat claim or a waiting-list ticket behaves as it would alone. PostgreSQL takes writers side
//! by side and groups their commits itself: there, writes run on the pool as any other work.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;

use diesel::Connection;
use diesel::connection::SimpleConnection;
use diesel::r2d2;

use super::{ConnectionManager, DatabaseError, DatabaseUrl, DbConnection, DbPool, SQLITE_WRITER};
use crate::error::AppError;

/// How many writes one transaction takes at most: enough to spread a commit thinly, few enough
/// that the first of them is not kept waiting long for the last.
const MAX_BATCH: usize = 64;

/// Whether the commit of a job's batch succeeded, given to the job once it is known.
type Deliver = Box<dyn FnOnce(Option<&diesel::result::Error>) + Send>;
type Job = Box<dyn FnOnce(&mut DbConnection) -> Deliver + Send>;

/// Where the writes that `Writer::run` is given go: the group-commit thread on SQLite, the
/// pool on PostgreSQL. Clones send to the same thread.
#[derive(Clone)]
pub struct Writer {
    jobs: Option<mpsc::Sender<Job>>,
}

impl Writer {
    /// Starts the writer thread for a SQLite URL; for PostgreSQL, writes go to the pool.
    pub fn start(url: &str) -> Result<Self, DatabaseError> {
        let url = DatabaseUrl::parse(url)?;
        if !matches!(url, DatabaseUrl::Sqlite(_)) {
            return Ok(Self { jobs: None });
        }
        let manager = ConnectionManager::new(url);
        let conn = open_writer(&manager)?;
        let (jobs, waiting) = mpsc::channel();
        std::thread::Builder::new()
            .name("sqlite-writer".to_owned())
            .spawn(move || serve(&manager, conn, &waiting))
            .map_err(DatabaseError::Writer)?;
        Ok(Self { jobs: Some(jobs) })
    }

    /// Runs `work`, which makes its changes in `db::transaction` as any write does: on
    /// PostgreSQL with a pooled connection, on SQLite in the next group commit, under a savepoint
    /// of its own that an error rolls back. Either way the answer comes once the changes are
    /// committed.
    pub async fn run<T, F>(&self, pool: &DbPool, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let Some(jobs) = &self.jobs else {
            return super::run(pool, work).await;
        };
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |conn| {
            // A savepoint: an error undoes this write alone, not the batch.
            let result = conn.transaction(work);
            Box::new(move |commit_failed| {
                let result = match (result, commit_failed) {
                    (Ok(_), Some(error)) => Err(AppError::Internal(anyhow::anyhow!(
                        "the group commit failed: {error}"
                    ))),
                    (result, _) => result,
                };
                // The request may have gone meanwhile; its answer then has nowhere to go.
                let _ = answer.send(result);
            })
        });
        jobs.send(job).map_err(|_| AppError::Unavailable)?;
        answered
            .await
            .map_err(|_| AppError::Internal(anyhow::anyhow!("the SQLite writer stopped")))?
    }
}

/// The writer's connection, with room in its page cache (4 MiB, 1,000 pages) for the changes of
/// a full batch (a cache too small for them writes them to the log before the commit, and again
/// at it) but not much more: while a database is under 1 GiB, every commit that split a B-tree
/// page walks the whole cache (SQLite's rebalancing borrows the page number at 1 GiB, and the
/// commit then looks for pages past the end of the file in every slot), which with 32 MiB took
/// an eighth of this thread's time. Its temporary files are in memory, as each write's
/// savepoint keeps the pages it changes in a journal that SQLite would otherwise write to a
/// file once it passes 64 KiB. It checkpoints the log itself only past 20,000 pages (80 MiB,
/// a few seconds of applications under load): the background checkpoints (`checkpoint::run`)
/// have copied all but the last few milliseconds of it by then, and this checkpoint is the one
/// that lets the next commit start the log again from its beginning. With the connections'
/// usual 10,000 pages, the writer checkpointed twice as often for little less log, and waited
/// on the background pass more often (p99 37 ms against 7 ms).
fn open_writer(manager: &ConnectionManager) -> Result<DbConnection, r2d2::Error> {
    let mut conn = manager.open()?;
    conn.batch_execute(
        "PRAGMA cache_size = -4096; PRAGMA temp_store = MEMORY; \
         PRAGMA wal_autocheckpoint = 20000;",
    )
    .map_err(r2d2::Error::QueryError)?;
    Ok(conn)
}

fn serve(manager: &ConnectionManager, conn: DbConnection, waiting: &mpsc::Receiver<Job>) {
    let mut conn = Some(conn);
    while let Ok(first) = waiting.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match waiting.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let connection = match conn.take().map_or_else(|| open_writer(manager), Ok) {
            Ok(connection) => conn.insert(connection),
            Err(error) => {
                // Dropping the jobs drops their answer channels: each request gets an error.
                tracing::error!(%error, "the SQLite writer could not open its connection");
                continue;
            }
        };
        if !commit_batch(connection, batch) {
            // Whatever state it was left in, a new connection starts clean.
            conn = None;
        }
    }
}

/// Runs a batch in one transaction and answers each job; false when the connection should not
/// be used again.
fn commit_batch(conn: &mut DbConnection, batch: Vec<Job>) -> bool {
    let _writer = SQLITE_WRITER
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut delivers = Vec::with_capacity(batch.len());
    let mut panicked = false;
    let outcome = super::write_transaction::<(), diesel::result::Error, _>(conn, |conn| {
        for job in batch {
            match catch_unwind(AssertUnwindSafe(|| job(conn))) {
                Ok(deliver) => delivers.push(deliver),
                Err(_) => {
                    panicked = true;
                    return Err(diesel::result::Error::RollbackTransaction);
                }
            }
        }
        Ok(())
    });
    if let Err(error) = &outcome {
        tracing::error!(%error, jobs = delivers.len(), "a group commit failed");
    }
    for deliver in delivers {
        deliver(outcome.as_ref().err());
    }
    outcome.is_ok() && !panicked
}

#[cfg(test)]
mod tests {
    use diesel::sql_types::Integer;
    use diesel::{QueryableByName, RunQueryDsl};

    use super::*;

    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Integer)]
        n: i32,
    }

    /// A new SQLite file with a table of notes, a pool, a connection of the test's own and a
    /// writer thread.
    struct Notes {
        _dir: tempfile::TempDir,
        url: String,
        pool: DbPool,
        conn: DbConnection,
        writer: Writer,
    }

    impl Notes {
        fn new() -> Self {
            let dir = tempfile::tempdir().expect("a temporary folder");
            let url = format!("sqlite://{}", dir.path().join("group.sqlite3").display());
            let pool = super::super::connect(&url, 2, std::time::Duration::from_secs(5))
                .expect("the pool");
            let mut conn = super::super::open(&url).expect("a connection");
            conn.batch_execute("CREATE TABLE notes (n INTEGER NOT NULL UNIQUE)")
                .expect("the table");
            let writer = Writer::start(&url).expect("the writer");
            Self {
                _dir: dir,
                url,
                pool,
                conn,
                writer,
            }
        }
    }

    fn insert(conn: &mut DbConnection, n: i32) -> Result<(), AppError> {
        diesel::sql_query(format!("INSERT INTO notes (n) VALUES ({n})")).execute(conn)?;
        Ok(())
    }

    /// Many writes at once share commits; one that fails loses its own changes only, and each
    /// sees the writes that came before it.
    #[actix_web::test]
    async fn a_failed_write_undoes_itself_alone() {
        let Notes {
            _dir,
            pool,
            mut conn,
            writer,
            ..
        } = Notes::new();
        let writer = std::sync::Arc::new(writer);

        let writes: Vec<_> = (0..200)
            .map(|n| {
                let (writer, pool) = (writer.clone(), pool.clone());
                actix_web::rt::spawn(async move {
                    writer
                        .run(&pool, move |conn| {
                            insert(conn, n)?;
                            if n % 3 == 0 {
                                // Written, then refused: the savepoint must take the row back.
                                return Err(AppError::Conflict("problem-changed-meanwhile"));
                            }
                            let seen: Vec<Row> =
                                diesel::sql_query(format!("SELECT n FROM notes WHERE n = {n}"))
                                    .load(conn)?;
                            Ok(seen.len())
                        })
                        .await
                })
            })
            .collect();
        let mut answers = Vec::new();
        for write in writes {
            answers.push(write.await.expect("the write's task"));
        }

        for (n, answer) in answers.iter().enumerate() {
            match answer {
                Ok(seen) => assert!(n % 3 != 0 && *seen == 1, "write {n} saw {seen} rows"),
                Err(AppError::Conflict(_)) => assert_eq!(n % 3, 0, "write {n} was refused"),
                Err(other) => panic!("write {n} failed: {other}"),
            }
        }
        let kept: Vec<Row> = diesel::sql_query("SELECT n FROM notes ORDER BY n")
            .load(&mut conn)
            .expect("the rows");
        let kept: Vec<i32> = kept.into_iter().map(|row| row.n).collect();
        let expected: Vec<i32> = (0..200).filter(|n| n % 3 != 0).collect();
        assert_eq!(kept, expected);
    }

    /// A write that reads first must not find that something else committed under it: the
    /// batch holds the write lock from its start, so another connection's write waits (here,
    /// with no patience, is refused) instead of making this one fail.
    #[actix_web::test]
    async fn nothing_commits_between_a_batch_reading_and_writing() {
        let Notes {
            _dir,
            url,
            pool,
            mut conn,
            writer,
        } = Notes::new();

        let (other_wrote, row_seen) = writer
            .run(&pool, move |conn| {
                let before: Vec<Row> = diesel::sql_query("SELECT n FROM notes").load(conn)?;
                let mut other = super::super::open(&url).expect("another connection");
                let other_wrote = other
                    .batch_execute("PRAGMA busy_timeout = 0; INSERT INTO notes (n) VALUES (2)")
                    .is_ok();
                insert(conn, 1)?;
                Ok((other_wrote, before.len()))
            })
            .await
            .expect("the write, not a stale snapshot");
        assert!(!other_wrote, "another connection wrote inside the batch");
        assert_eq!(row_seen, 0);
        let kept: Vec<Row> = diesel::sql_query("SELECT n FROM notes")
            .load(&mut conn)
            .expect("the rows");
        assert_eq!(kept.iter().map(|row| row.n).collect::<Vec<_>>(), [1]);
    }
}
