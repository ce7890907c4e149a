//! The database: one connection enum over SQLite and PostgreSQL, an r2d2 pool that picks the
//! backend from the URL scheme, and the embedded migrations for each.

pub mod attendance;
pub mod audit;
pub mod calendar;
pub mod catalogue;
pub mod checkpoint;
pub mod enrolments;
pub mod evaluations;
pub mod group_commit;
pub mod imports;
pub mod outbox;
pub mod people;
pub mod schema;
pub mod session_reminders;
pub mod stages;

use std::ops::{Deref, DerefMut};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use diesel::connection::{SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::r2d2::{self, ManageConnection, Pool, PooledConnection, R2D2Connection};
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, RunQueryDsl};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

pub type DbPool = Pool<ConnectionManager>;
pub type PooledDb = PooledConnection<ConnectionManager>;

/// A pooled connection and when it was last handed back. Checking every connection on its way
/// out of the pool (`SELECT 1`) cost a round trip per checkout, a fifth of an application's
/// time; a connection that was working a moment ago is trusted instead, and only one that has
/// sat idle is checked, which is when a restarted PostgreSQL leaves dead connections behind.
pub struct PoolEntry {
    conn: DbConnection,
    returned_at: Instant,
    trusted: bool,
}

impl Deref for PoolEntry {
    type Target = DbConnection;

    fn deref(&self) -> &DbConnection {
        &self.conn
    }
}

impl DerefMut for PoolEntry {
    fn deref_mut(&mut self) -> &mut DbConnection {
        &mut self.conn
    }
}

impl PoolEntry {
    /// After an error that may have come from the connection itself, check it before its next
    /// use: under steady load no connection ever sits idle long enough to be checked otherwise.
    pub fn distrust(&mut self) {
        self.trusted = false;
    }
}

/// How long a connection handed back to the pool is trusted without a check.
const TRUSTED_AFTER_USE: Duration = Duration::from_secs(1);

/// Where the data lives, decided once from the URL's scheme: a typo in a PostgreSQL URL must be
/// an error, never a fresh SQLite file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Postgres(String),
    Sqlite(PathBuf),
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DatabaseUrlError {
    #[error("the database URL is empty; use sqlite://PATH or postgres://USER@HOST/DATABASE")]
    Empty,
    #[error(
        "the database URL scheme '{0}' is not supported; use sqlite://PATH or postgres://USER@HOST/DATABASE"
    )]
    UnsupportedScheme(String),
    #[error("the database URL has no scheme; use sqlite://PATH or postgres://USER@HOST/DATABASE")]
    NoScheme,
    #[error("the SQLite URL has no file path; use for example sqlite://data/llwybr.sqlite3")]
    EmptySqlitePath,
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self, DatabaseUrlError> {
        let url = url.trim();
        if url.is_empty() {
            return Err(DatabaseUrlError::Empty);
        }
        let Some((scheme, rest)) = url.split_once("://") else {
            return Err(DatabaseUrlError::NoScheme);
        };
        match scheme {
            "postgres" | "postgresql" => Ok(DatabaseUrl::Postgres(url.to_owned())),
            "sqlite" => {
                if rest.is_empty() {
                    Err(DatabaseUrlError::EmptySqlitePath)
                } else {
                    Ok(DatabaseUrl::Sqlite(PathBuf::from(rest)))
                }
            }
            other => Err(DatabaseUrlError::UnsupportedScheme(other.to_owned())),
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            DatabaseUrl::Postgres(_) => "postgres",
            DatabaseUrl::Sqlite(_) => "sqlite",
        }
    }
}

/// Opens connections of the backend the URL names, with SQLite's pragmas set on each one.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl ConnectionManager {
    pub fn new(url: DatabaseUrl) -> Self {
        Self { url }
    }
}

// The busy timeout comes first, so that the pragmas after it wait for a lock rather than fail;
// it makes concurrent writers queue. WAL lets readers work beside the writer (it is a property
// of the file, switched on once in `connect`, and confirmed here); foreign keys are off by
// default in SQLite. The checkpoint limit is a backstop: the server checkpoints in the
// background (`checkpoint::run`).
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA wal_autocheckpoint = 10000;";

impl ManageConnection for ConnectionManager {
    type Connection = PoolEntry;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<PoolEntry, r2d2::Error> {
        let conn = self.open()?;
        Ok(PoolEntry {
            conn,
            returned_at: Instant::now(),
            trusted: true,
        })
    }

    fn is_valid(&self, entry: &mut PoolEntry) -> Result<(), r2d2::Error> {
        // A SQLite connection is a handle on a local file: nothing between can break it.
        if matches!(entry.conn, DbConnection::Sqlite(_))
            || (entry.trusted && entry.returned_at.elapsed() < TRUSTED_AFTER_USE)
        {
            return Ok(());
        }
        diesel::sql_query("SELECT 1")
            .execute(&mut entry.conn)
            .map_err(r2d2::Error::QueryError)?;
        entry.trusted = true;
        Ok(())
    }

    // r2d2 asks this as each connection comes back, which makes it the place to note the time.
    fn has_broken(&self, entry: &mut PoolEntry) -> bool {
        entry.returned_at = Instant::now();
        match &mut entry.conn {
            DbConnection::Postgres(c) => c.is_broken(),
            DbConnection::Sqlite(c) => c.is_broken(),
        }
    }
}

impl ConnectionManager {
    fn open(&self) -> Result<DbConnection, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Postgres(url) => PgConnection::establish(url)
                .map(DbConnection::Postgres)
                .map_err(r2d2::Error::ConnectionError),
            DatabaseUrl::Sqlite(path) => {
                let path = path.to_string_lossy();
                let mut conn =
                    SqliteConnection::establish(&path).map_err(r2d2::Error::ConnectionError)?;
                conn.batch_execute(SQLITE_PRAGMAS)
                    .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    #[error(transparent)]
    Url(#[from] DatabaseUrlError),
    #[error("could not create the folder for the SQLite file {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("could not connect to the database: {0}")]
    Pool(#[from] r2d2::PoolError),
    #[error("could not open the database: {0}")]
    Open(#[from] r2d2::Error),
    #[error("could not apply the database migrations: {0}")]
    Migrations(String),
    #[error("could not start the SQLite writer: {0}")]
    Writer(std::io::Error),
}

/// Builds the pool. The first connection is made at once so that a wrong URL or a database
/// that is down is reported at start-up rather than on the first request.
pub fn connect(url: &str, pool_size: u32, timeout: Duration) -> Result<DbPool, DatabaseError> {
    let url = DatabaseUrl::parse(url)?;
    if let DatabaseUrl::Sqlite(path) = &url
        && let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).map_err(|source| DatabaseError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    // Switch a new file to WAL from one connection, before the pool opens several at once and
    // they race for the lock the switch needs.
    let manager = ConnectionManager::new(url);
    if let DatabaseUrl::Sqlite(_) = &manager.url {
        manager.connect()?;
    }
    let pool = Pool::builder()
        .max_size(pool_size)
        .connection_timeout(timeout)
        .build(manager)?;
    Ok(pool)
}

/// One connection outside any pool, set up as the pool's are: for tools and tests that want a
/// connection of their own.
pub fn open(url: &str) -> Result<DbConnection, DatabaseError> {
    Ok(ConnectionManager::new(DatabaseUrl::parse(url)?).open()?)
}

/// Applies every pending migration of the connection's backend.
pub fn run_migrations(conn: &mut DbConnection) -> Result<(), DatabaseError> {
    let result = match conn {
        DbConnection::Postgres(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
    };
    result.map_err(|e| DatabaseError::Migrations(e.to_string()))
}

/// True when the database answers a trivial query.
pub fn ping(conn: &mut DbConnection) -> bool {
    diesel::sql_query("SELECT 1").execute(conn).is_ok()
}

/// Tables and views with their columns, as the database itself reports them: lets a test prove
/// that the two migration sets describe the same schema.
pub fn describe_tables(
    conn: &mut DbConnection,
) -> diesel::QueryResult<std::collections::BTreeMap<String, Vec<String>>> {
    use diesel::sql_types::Text;

    #[derive(diesel::QueryableByName)]
    struct TableColumn {
        #[diesel(sql_type = Text)]
        table_name: String,
        #[diesel(sql_type = Text)]
        column_name: String,
    }

    let rows: Vec<TableColumn> = match conn {
        DbConnection::Postgres(c) => diesel::sql_query(
            "SELECT table_name::text AS table_name, column_name::text AS column_name \
             FROM information_schema.columns WHERE table_schema = current_schema()",
        )
        .load(c)?,
        DbConnection::Sqlite(c) => diesel::sql_query(
            "SELECT m.name AS table_name, p.name AS column_name \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite_%'",
        )
        .load(c)?,
    };
    let mut tables = std::collections::BTreeMap::<String, Vec<String>>::new();
    for row in rows {
        tables
            .entry(row.table_name)
            .or_default()
            .push(row.column_name);
    }
    for columns in tables.values_mut() {
        columns.sort();
    }
    Ok(tables)
}

/// SQLite takes one writer at a time. Writers that find the lock taken sleep in SQLite's busy
/// handler (1, 2, 5, 10 ms and more), long after the lock is free again; queueing them on a
/// mutex in the process instead wakes the next one at once. The busy timeout still orders
/// writers from other processes, which a deployment on SQLite should not have.
static SQLITE_WRITER: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs `work` in a transaction (a savepoint inside another transaction). On SQLite the
/// transaction waits for this process's other writers first, then takes the write lock at its
/// start (see `write_transaction`).
pub fn transaction<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let in_transaction = match conn {
        DbConnection::Postgres(c) => {
            diesel::connection::AnsiTransactionManager::transaction_manager_status_mut(c)
                .transaction_depth()
        }
        DbConnection::Sqlite(c) => {
            diesel::connection::AnsiTransactionManager::transaction_manager_status_mut(c)
                .transaction_depth()
        }
    };
    let outermost_on_sqlite =
        matches!(conn, DbConnection::Sqlite(_)) && matches!(in_transaction, Ok(None));
    let _writer = outermost_on_sqlite.then(|| {
        SQLITE_WRITER
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    });
    if outermost_on_sqlite {
        write_transaction(conn, work)
    } else {
        conn.transaction(work)
    }
}

/// A SQLite transaction that holds the write lock from its first statement (`BEGIN
/// IMMEDIATE`). One begun with a plain `BEGIN` reads from a snapshot until its first write;
/// if anything else commits meanwhile (the outbox worker marking emails sent, the command
/// line), that write fails at once with "database is locked", as no wait can make a stale
/// snapshot current again, and on a long transaction every write after it fails too. Taking
/// the lock first waits in the busy handler instead, and then nothing can commit under it.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let DbConnection::Sqlite(sqlite) = conn else {
        return conn.transaction(work);
    };
    diesel::connection::AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?;
    type Manager = <DbConnection as Connection>::TransactionManager;
    match work(conn) {
        Ok(value) => {
            Manager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(error) => {
            Manager::rollback_transaction(conn)?;
            Err(error)
        }
    }
}

/// Runs blocking work on a pooled connection (for background tasks, already on a blocking
/// thread); a failure has the connection checked before its next use.
pub fn with_connection<T>(
    pool: &DbPool,
    work: impl FnOnce(&mut DbConnection) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let mut conn = pool.get()?;
    let result = work(&mut conn);
    if result.is_err() {
        conn.distrust();
    }
    result
}

/// Runs `work` with a pooled connection on the blocking thread pool, so that database calls
/// never stall an async worker. A pool with no free connection answers 503.
pub async fn run<T, F>(pool: &DbPool, work: F) -> Result<T, crate::error::AppError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, crate::error::AppError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get().map_err(|error| {
            tracing::warn!(%error, "no database connection available");
            crate::error::AppError::Unavailable
        })?;
        let result = work(&mut conn);
        if let Err(crate::error::AppError::Internal(_)) = &result {
            conn.distrust();
        }
        result
    })
    .await?
}

/// The rows of a one-to-many left join, read as the one (from the first row) with the many (the
/// joined side of each row that has one); `None` when there were no rows. One query where asking
/// for the one and then its many would be two.
pub fn one_with_many<O, M>(rows: impl IntoIterator<Item = (O, Option<M>)>) -> Option<(O, Vec<M>)> {
    let mut rows = rows.into_iter();
    let (one, first) = rows.next()?;
    let many = first
        .into_iter()
        .chain(rows.filter_map(|(_, many)| many))
        .collect();
    Some((one, many))
}

/// A new row's id: a UUID that begins with the time (version 7), so that rows written one after
/// another sit side by side in their primary-key index and an insert changes its last page,
/// not a page anywhere in it (random ids had each application dirty a page of every such index
/// for SQLite to write out). Not for secrets or anything a URL should not date: those stay
/// random (version 4).
pub fn new_row_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// `run` for a report: its statements are few, long and filtered by values (a date range, an
/// optional programme or lead) that decide the best plan. PostgreSQL would plan a prepared
/// statement once for any values after its fifth use (a generic plan), and such a plan was
/// found to be several times slower (evaluation results over all years: the answer tallies in
/// 0.85 s against 0.25 s), so in a report each statement is planned for its own values, at a
/// cost of a millisecond or two. SQLite plans every statement for its values already.
pub async fn run_report<T, F>(pool: &DbPool, work: F) -> Result<T, crate::error::AppError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, crate::error::AppError> + Send + 'static,
    T: Send + 'static,
{
    run(pool, move |conn| match conn {
        DbConnection::Postgres(_) => transaction(conn, |conn| {
            diesel::sql_query("SET LOCAL plan_cache_mode = force_custom_plan").execute(conn)?;
            work(conn)
        }),
        DbConnection::Sqlite(_) => work(conn),
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_keep_relative_and_absolute_paths() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/llwybr.sqlite3"),
            Ok(DatabaseUrl::Sqlite(PathBuf::from("data/llwybr.sqlite3")))
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///var/lib/llwybr/llwybr.sqlite3"),
            Ok(DatabaseUrl::Sqlite(PathBuf::from(
                "/var/lib/llwybr/llwybr.sqlite3"
            )))
        );
    }

    /// Diesel prepares an `INSERT` again on every use (on PostgreSQL, parses and plans it too)
    /// when a row type lets `None` stand for the column's default: the statement's text then
    /// depends on the values. No column has a default, so every row type says `None` is NULL,
    /// and the inserts each application makes stay prepared.
    #[test]
    fn an_applications_inserts_stay_prepared() {
        use diesel::pg::Pg;
        use diesel::query_builder::QueryFragment;

        let at = chrono::NaiveDate::from_ymd_opt(2026, 9, 1)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .expect("a valid time");
        let enrolment = enrolments::NewEnrolment {
            id: "e",
            person_id: "p",
            cohort_id: "c",
            programme_id: "g",
            status: "confirmed",
            active: true,
            waitlist_ticket: None,
            eligibility_override_reason: None,
            academic_year: None,
            applied_at: at,
            updated_at: at,
            school_id: None,
        };
        let audit = audit::AuditEntry {
            id: "a".to_owned(),
            actor_id: None,
            action: "enrolment.status_changed",
            object_type: "enrolment",
            object_id: "e",
            before_state: None,
            after_state: None,
            occurred_at: at,
        };
        let email = outbox::NewOutboxEmail {
            id: "m".to_owned(),
            recipient_email: "a@example.org".to_owned(),
            recipient_name: "A".to_owned(),
            language: "en".to_owned(),
            template: "confirmed".to_owned(),
            subject: "s".to_owned(),
            body_text: "t".to_owned(),
            body_html: "h".to_owned(),
            created_at: at,
            attempts: 0,
            next_attempt_at: at,
            about_person_id: None,
        };
        let cacheable = [
            diesel::insert_into(schema::enrolments::table)
                .values(&enrolment)
                .is_safe_to_cache_prepared(&Pg),
            diesel::insert_into(schema::audit_log::table)
                .values(&audit)
                .is_safe_to_cache_prepared(&Pg),
            diesel::insert_into(schema::email_outbox::table)
                .values(&email)
                .is_safe_to_cache_prepared(&Pg),
        ];
        for (statement, answer) in ["enrolment", "audit", "email"].iter().zip(cacheable) {
            assert_eq!(answer.ok(), Some(true), "the {statement} insert");
        }
    }

    /// Every query reaches SQLite or PostgreSQL through the connection enum's wrapper, which
    /// `vendor/diesel_derives` patches (PATCHED.md): a statement diesel may keep is prepared
    /// once and bound afresh with each use's values, one it may not keep (a list of any
    /// length) is not kept, and both answer with the rows their values ask for.
    #[test]
    fn statements_through_the_connection_enum_are_prepared_once_and_bound_each_time() {
        use diesel::connection::InstrumentationEvent;
        use diesel::prelude::*;
        use schema::continuum_stages;
        use std::sync::{Arc, Mutex};

        let dir = tempfile::tempdir().expect("a temporary folder");
        let url = format!("sqlite://{}", dir.path().join("prepared.sqlite3").display());
        let mut conn = open(&url).expect("a connection");
        run_migrations(&mut conn).expect("the migrations");
        let prepared = Arc::new(Mutex::new(Vec::<String>::new()));
        let seen = Arc::clone(&prepared);
        conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::CacheQuery { sql, .. } = event {
                seen.lock().expect("the list").push(sql.to_owned());
            }
        });

        let position_of = |conn: &mut DbConnection, code: &str| {
            continuum_stages::table
                .find(code)
                .select(continuum_stages::position)
                .get_result::<i32>(conn)
                .expect("the stage")
        };
        assert_eq!(position_of(&mut conn, "itt"), 1);
        assert_eq!(position_of(&mut conn, "future_senior_leader"), 7);
        assert_eq!(position_of(&mut conn, "executive_headteacher"), 12);
        let positions_of = |conn: &mut DbConnection, codes: &[&str]| {
            continuum_stages::table
                .filter(continuum_stages::code.eq_any(codes))
                .order(continuum_stages::position.asc())
                .select(continuum_stages::position)
                .load::<i32>(conn)
                .expect("the stages")
        };
        assert_eq!(positions_of(&mut conn, &["nqt", "itt"]), [1, 2]);
        assert_eq!(positions_of(&mut conn, &["existing_leader"]), [8]);

        let prepared = prepared.lock().expect("the list");
        assert_eq!(prepared.len(), 1, "prepared and kept: {prepared:?}");
        assert!(
            prepared[0].contains("`continuum_stages`.`code` = ?"),
            "{}",
            prepared[0]
        );
    }

    #[test]
    fn a_left_join_reads_as_one_with_its_many() {
        assert_eq!(one_with_many(Vec::<(&str, Option<i32>)>::new()), None);
        assert_eq!(one_with_many([("p", None::<i32>)]), Some(("p", vec![])));
        assert_eq!(
            one_with_many([("p", Some(1)), ("p", Some(2)), ("p", None)]),
            Some(("p", vec![1, 2]))
        );
    }

    #[test]
    fn postgres_urls_are_recognised_by_either_scheme() {
        for url in [
            "postgres://postgres@127.0.0.1/test",
            "postgresql://u:p@db:5432/llwybr",
        ] {
            assert_eq!(
                DatabaseUrl::parse(url),
                Ok(DatabaseUrl::Postgres(url.to_owned()))
            );
        }
    }

    #[test]
    fn a_mistyped_scheme_is_an_error_not_a_file() {
        assert_eq!(
            DatabaseUrl::parse("postgress://postgres@127.0.0.1/test"),
            Err(DatabaseUrlError::UnsupportedScheme("postgress".into()))
        );
        assert_eq!(
            DatabaseUrl::parse("data/llwybr.sqlite3"),
            Err(DatabaseUrlError::NoScheme)
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite://"),
            Err(DatabaseUrlError::EmptySqlitePath)
        );
        assert_eq!(DatabaseUrl::parse("  "), Err(DatabaseUrlError::Empty));
    }
}
