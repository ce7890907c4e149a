use std::time::Duration;

use llwybr::db;

use crate::helpers::TestDatabase;

/// Both migration sets must describe the same tables and columns. Needs PostgreSQL, so it runs
/// in the PostgreSQL pass (TEST_DATABASE_URL).
#[test]
fn sqlite_and_postgres_migrations_give_the_same_tables_and_columns() {
    let Ok(_) = std::env::var("TEST_DATABASE_URL") else {
        return;
    };
    let postgres = TestDatabase::create();
    assert!(postgres.is_postgres());
    let dir = tempfile::tempdir().expect("temporary folder");
    let sqlite_url = format!("sqlite://{}", dir.path().join("schema.sqlite3").display());

    let describe = |url: &str| {
        let pool = db::connect(url, 1, Duration::from_secs(5)).expect("connect");
        let mut conn = pool.get().expect("connection");
        db::run_migrations(&mut conn).expect("migrations");
        db::describe_tables(&mut conn).expect("describe")
    };
    let mut on_postgres = describe(postgres.url());
    on_postgres.remove("__diesel_schema_migrations");
    let mut on_sqlite = describe(&sqlite_url);
    on_sqlite.remove("__diesel_schema_migrations");
    assert!(on_sqlite.len() >= 20, "tables: {:?}", on_sqlite.keys());
    assert_eq!(on_sqlite, on_postgres);
}

#[test]
fn migrations_leave_sqlite_with_its_pragmas() {
    use diesel::RunQueryDsl;
    use diesel::sql_types::{BigInt, Text};

    #[derive(diesel::QueryableByName)]
    struct Mode {
        #[diesel(sql_type = Text)]
        journal_mode: String,
    }
    #[derive(diesel::QueryableByName)]
    struct Keys {
        #[diesel(sql_type = BigInt)]
        foreign_keys: i64,
    }
    #[derive(diesel::QueryableByName)]
    struct Timeout {
        #[diesel(sql_type = BigInt)]
        timeout: i64,
    }
    #[derive(diesel::QueryableByName)]
    struct Checkpoint {
        #[diesel(sql_type = BigInt)]
        wal_autocheckpoint: i64,
    }

    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!("sqlite://{}", dir.path().join("pragmas.sqlite3").display());
    let pool = db::connect(&url, 2, Duration::from_secs(5)).expect("connect");
    let mut pooled = pool.get().expect("connection");
    let conn: &mut db::DbConnection = &mut pooled;
    db::run_migrations(conn).expect("migrations");
    let mode: Mode = diesel::sql_query("PRAGMA journal_mode")
        .get_result(conn)
        .expect("journal mode");
    assert_eq!(mode.journal_mode, "wal");
    let keys: Keys = diesel::sql_query("PRAGMA foreign_keys")
        .get_result(conn)
        .expect("foreign keys");
    assert_eq!(keys.foreign_keys, 1);
    let timeout: Timeout = diesel::sql_query("PRAGMA busy_timeout")
        .get_result(conn)
        .expect("busy timeout");
    assert!(timeout.timeout >= 1000);
    // Raised so that the server's background checkpoints, not requests, do the copying.
    let checkpoint: Checkpoint = diesel::sql_query("PRAGMA wal_autocheckpoint")
        .get_result(conn)
        .expect("checkpoint limit");
    assert_eq!(checkpoint.wal_autocheckpoint, 10_000);
}

#[test]
fn a_mistyped_postgres_url_is_refused_and_creates_no_file() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let typo = format!("postgress://{}/llwybr", dir.path().display());
    let error = db::connect(&typo, 1, Duration::from_secs(1))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(error.contains("postgress"), "{error}");
    assert_eq!(
        std::fs::read_dir(dir.path())
            .map(|d| d.count())
            .unwrap_or(1),
        0
    );
}
