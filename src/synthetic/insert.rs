//! Multi-row INSERTs sized to each backend's limit on bound parameters, and the SQLite settings
//! for a bulk load.

use diesel::connection::SimpleConnection;

use crate::db::DbConnection;

/// SQLite binds at most 32,766 parameters per statement, PostgreSQL 65,535.
pub const SQLITE_MAX_PARAMETERS: usize = 32_766;
pub const POSTGRES_MAX_PARAMETERS: usize = 65_535;

/// Rows per INSERT for a table of `columns` columns: as many as the backend takes, since each
/// statement costs a round of parsing and planning whatever its size.
pub fn rows_per_insert(conn: &DbConnection, columns: usize) -> usize {
    let limit = match conn {
        DbConnection::Sqlite(_) => SQLITE_MAX_PARAMETERS,
        DbConnection::Postgres(_) => POSTGRES_MAX_PARAMETERS,
    };
    (limit / columns.max(1)).max(1)
}

/// Inserts every row of `$rows` (a slice of Insertable structs with `$columns` columns) in as
/// few statements as the backend allows; the connection enum has no multi-row insert, so each
/// backend's own connection does it. Evaluates to the number of rows.
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr, $columns:expr) => {{
        let rows = $rows;
        let per_insert = $crate::synthetic::insert::rows_per_insert(&*$conn, $columns);
        for chunk in rows.chunks(per_insert) {
            match &mut *$conn {
                $crate::db::DbConnection::Postgres(c) => {
                    diesel::insert_into($table).values(chunk).execute(c)?
                }
                $crate::db::DbConnection::Sqlite(c) => {
                    diesel::insert_into($table).values(chunk).execute(c)?
                }
            };
        }
        rows.len()
    }};
}
pub(crate) use insert_rows;

/// A bulk load on SQLite: no sync to disk until the end (a crash mid-load loses only the load,
/// which is one transaction anyway) and a page cache big enough for the indexes being built.
pub fn prepare_bulk_load(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    match conn {
        DbConnection::Sqlite(c) => c.batch_execute(
            "PRAGMA synchronous = OFF; PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY;",
        ),
        // Waiting for each commit to reach the disk buys nothing for generated data.
        DbConnection::Postgres(c) => c.batch_execute("SET synchronous_commit = off"),
    }
}

/// Back to the settings every connection of the pool has, then what PostgreSQL's autovacuum
/// would do after a bulk load, only later: fresh planner statistics, and the visibility map
/// that lets index-only scans skip the tables.
pub fn finish_bulk_load(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    match conn {
        DbConnection::Sqlite(c) => {
            c.batch_execute("PRAGMA synchronous = NORMAL; PRAGMA cache_size = -2000;")?;
            c.batch_execute("PRAGMA wal_checkpoint(TRUNCATE);")
        }
        DbConnection::Postgres(c) => {
            c.batch_execute("SET synchronous_commit = on")?;
            c.batch_execute("VACUUM ANALYZE")
        }
    }
}
