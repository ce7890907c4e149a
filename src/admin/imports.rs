//! CSV imports: an upload becomes an `imports` row; a worker in any server process claims it,
//! checks every row (recording progress), and either records every problem and changes nothing,
//! or applies the whole file in one transaction. The CLI runs the same steps at once.

use std::cell::Cell;
use std::time::Duration as StdDuration;

use chrono::{Duration, NaiveDateTime, Timelike, Utc};
use diesel::QueryResult;

use super::require_admin;
use crate::auth::CurrentUser;
use crate::config::Settings;
use crate::db::imports::{self, ImportRecord, ImportSummary, NewImport, Stopped};
use crate::db::{self, DbConnection, DbPool};
use crate::domain::import::{self, CheckedRows, ImportKind, RowError};
use crate::domain::language::Language;
use crate::error::{AppError, AppResult};
use crate::i18n::{t, t_with};

/// The largest file accepted: 50,000 rows of people are about 5 MB.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// Progress is written every this many rows checked.
const PROGRESS_EVERY: usize = 5000;
/// A claimed import whose worker has not written its progress for this long is taken up again
/// (the worker renews the claim as it goes; one that died does not).
const LEASE_MINUTES: i64 = 10;

/// Until when a claim taken or renewed now holds, to the microsecond (as both databases keep
/// it, so that the worker can tell its own lease when it reads it back).
fn lease_from_now() -> NaiveDateTime {
    let until = now() + Duration::minutes(LEASE_MINUTES);
    until
        .with_nanosecond(until.nanosecond() / 1000 * 1000)
        .unwrap_or(until)
}

/// This worker's hold on the import it runs: the lease it last wrote. One that stalled past it
/// and was replaced finds it changed, and stops.
struct Hold {
    until: Cell<NaiveDateTime>,
    lost: Cell<bool>,
}

impl Hold {
    fn new(until: NaiveDateTime) -> Self {
        Self {
            until: Cell::new(until),
            lost: Cell::new(false),
        }
    }

    /// Records progress and renews the lease; false (and lost from then on) when another
    /// worker holds the import now.
    fn renew(
        &self,
        conn: &mut DbConnection,
        id: &str,
        status: &str,
        counts: (usize, usize),
    ) -> QueryResult<bool> {
        if self.lost.get() {
            return Ok(false);
        }
        let renewed = lease_from_now();
        let kept = imports::set_progress(conn, id, status, counts, (self.until.get(), renewed))?;
        if kept {
            self.until.set(renewed);
        } else {
            self.lost.set(true);
        }
        Ok(kept)
    }
}

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// Turns uploaded bytes into text, refusing what is not a CSV file we can read.
pub fn file_text(bytes: &[u8]) -> AppResult<String> {
    if bytes.is_empty() {
        return Err(AppError::field("file", "import-error-no-file"));
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(AppError::field("file", "import-error-too-large"));
    }
    String::from_utf8(bytes.to_vec()).map_err(|_| AppError::field("file", "import-error-not-utf8"))
}

/// Stores an upload for the worker and returns the import's id.
pub fn submit(
    conn: &mut DbConnection,
    actor: Option<&str>,
    kind: ImportKind,
    file_name: &str,
    content: &str,
) -> AppResult<String> {
    let id = uuid::Uuid::new_v4().to_string();
    let file_name: String = file_name.trim().chars().take(200).collect();
    let file_name = if file_name.is_empty() {
        format!("{}.csv", kind.as_str())
    } else {
        file_name
    };
    imports::insert(
        conn,
        &NewImport {
            id: &id,
            kind: kind.as_str(),
            file_name: &file_name,
            content,
            status: "pending",
            rows_total: 0,
            rows_done: 0,
            created_by: actor,
            created_at: now(),
        },
    )?;
    Ok(id)
}

/// An admin's upload, from the API or the page.
pub async fn upload(
    pool: &DbPool,
    user: &CurrentUser,
    kind: ImportKind,
    file_name: String,
    bytes: &[u8],
) -> AppResult<String> {
    require_admin(user)?;
    let content = file_text(bytes)?;
    let actor = user.id().to_owned();
    db::run(pool, move |conn| {
        submit(conn, Some(&actor), kind, &file_name, &content)
    })
    .await
}

/// Claims and runs one waiting import (or only `only`); false when there was none to claim.
pub fn process_next(conn: &mut DbConnection, only: Option<&str>) -> AppResult<bool> {
    let until = lease_from_now();
    let Some((id, kind, content)) = imports::claim_next(conn, now(), until, only)? else {
        return Ok(false);
    };
    let hold = Hold::new(until);
    if let Err(error) = run(conn, &id, &kind, &content, &hold) {
        tracing::error!(import = %id, error = format!("{error:#}"), "import failed unexpectedly");
        imports::finish(conn, &id, "error", None, None, now())?;
    }
    Ok(true)
}

fn run(conn: &mut DbConnection, id: &str, kind: &str, content: &str, hold: &Hold) -> AppResult<()> {
    let kind = ImportKind::parse(kind)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown import kind {kind}")))?;
    let table = match import::read_table(kind, content) {
        Ok(table) => table,
        Err(errors) => return fail(conn, id, &errors),
    };
    let total = table.rows.len();
    if !hold.renew(conn, id, "checking", (total, 0))? {
        return Ok(());
    }
    let known = imports::load_known(conn, kind)?;
    let checked = import::check(kind, &table, &known, PROGRESS_EVERY, |done| {
        // Progress is for people watching; a failed write of it must not stop the import.
        if let Err(error) = hold.renew(conn, id, "checking", (total, done)) {
            tracing::warn!(%error, "could not record import progress");
        }
    });
    drop(table);
    // Another worker took the import up while this one stalled: it is theirs to finish.
    if hold.lost.get() {
        return Ok(());
    }
    let rows = match checked {
        Ok(rows) => rows,
        Err(errors) => return fail(conn, id, &errors),
    };
    if !hold.renew(conn, id, "applying", (total, total))? {
        return Ok(());
    }
    let actor = created_by(conn, id)?;
    let applied = db::transaction::<_, ApplyError, _>(conn, |conn| {
        // The first statement writes, so that SQLite takes its write lock before any read.
        if !hold.renew(conn, id, "applying", (total, total))? {
            return Ok(());
        }
        imports::take_turn_to_apply(conn)?;
        let now = now();
        let actor = actor.as_deref();
        let summary = match &rows {
            CheckedRows::Schools(rows) => imports::apply_schools(conn, rows, actor, now)?,
            CheckedRows::People(rows) => imports::apply_people(conn, rows, actor, now)?,
            CheckedRows::Enrolments(rows) => {
                match imports::apply_enrolments(conn, rows, actor, now) {
                    Ok(summary) => summary,
                    Err(Stopped::Database(error)) => return Err(error.into()),
                    Err(Stopped::Changed(errors)) => return Err(ApplyError::Changed(errors)),
                }
            }
            CheckedRows::Careers(rows) => imports::apply_careers(conn, rows, actor, now)?,
        };
        // Whoever a file names is someone the consortium knows by that address.
        let named: Vec<String> = match &rows {
            CheckedRows::Schools(_) => Vec::new(),
            CheckedRows::People(rows) => imports::people_named(conn, rows)?,
            CheckedRows::Enrolments(rows) => rows.iter().map(|r| r.person_id.clone()).collect(),
            CheckedRows::Careers(rows) => rows.iter().map(|r| r.person_id.clone()).collect(),
        };
        let named: Vec<&str> = named.iter().map(String::as_str).collect();
        crate::db::people::disown_unconfirmed(conn, &named, now)?;
        let summary = serde_json::to_string(&summary).map_err(anyhow::Error::new)?;
        imports::finish(conn, id, "done", None, Some(summary), now)?;
        Ok(())
    });
    match applied {
        Ok(()) => Ok(()),
        // Undone: the person importing is told which rows no longer fit, as for a bad file.
        Err(ApplyError::Changed(errors)) => fail(conn, id, &errors),
        Err(ApplyError::App(error)) => Err(error),
    }
}

/// Why the transaction applying a file was undone.
enum ApplyError {
    App(AppError),
    Changed(Vec<RowError>),
}

impl From<AppError> for ApplyError {
    fn from(error: AppError) -> Self {
        ApplyError::App(error)
    }
}

impl From<diesel::result::Error> for ApplyError {
    fn from(error: diesel::result::Error) -> Self {
        ApplyError::App(error.into())
    }
}

impl From<anyhow::Error> for ApplyError {
    fn from(error: anyhow::Error) -> Self {
        ApplyError::App(AppError::Internal(error))
    }
}

fn created_by(conn: &mut DbConnection, id: &str) -> AppResult<Option<String>> {
    Ok(imports::find(conn, id)?.and_then(|i| i.created_by))
}

fn fail(conn: &mut DbConnection, id: &str, errors: &[RowError]) -> AppResult<()> {
    let errors = serde_json::to_string(errors).map_err(anyhow::Error::new)?;
    imports::finish(conn, id, "failed", Some(errors), None, now())?;
    Ok(())
}

/// Runs waiting imports for as long as the server runs.
pub async fn run_worker(pool: DbPool, settings: Settings) {
    let every = StdDuration::from_millis(settings.imports.poll_interval_ms.max(10));
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        let pool = pool.clone();
        let pass = tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            db::with_connection(&pool, |conn| {
                while process_next(conn, None).map_err(|e| anyhow::anyhow!("{e:#}"))? {}
                Ok(())
            })
        })
        .await;
        match pass {
            Ok(Ok(())) => {}
            Ok(Err(error)) => tracing::warn!(error = format!("{error:#}"), "import pass failed"),
            Err(error) => tracing::warn!(%error, "import pass stopped"),
        }
    }
}

/// One problem of a file, worded for its reader.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ImportProblem {
    /// The spreadsheet row: the header is row 1, the first data row is 2.
    pub row: usize,
    /// The column at fault; empty when the whole row is.
    pub column: String,
    pub message: String,
}

/// An import as the API and the pages show it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ImportView {
    pub id: String,
    pub kind: ImportKind,
    pub file_name: String,
    /// `pending`, `checking`, `applying`, `done`, `failed` (problems found, nothing changed) or
    /// `error` (something went wrong on our side, nothing changed).
    pub status: String,
    pub rows_total: i32,
    pub rows_done: i32,
    pub problems: Vec<ImportProblem>,
    pub summary: Option<ImportSummary>,
    pub created_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

impl ImportView {
    pub fn new(record: ImportRecord, language: Language) -> Self {
        let errors: Vec<RowError> = record
            .errors
            .as_deref()
            .and_then(|e| serde_json::from_str(e).ok())
            .unwrap_or_default();
        Self {
            id: record.id,
            kind: ImportKind::parse(&record.kind).unwrap_or(ImportKind::People),
            file_name: record.file_name,
            status: record.status,
            rows_total: record.rows_total,
            rows_done: record.rows_done,
            problems: errors
                .into_iter()
                .map(|e| ImportProblem {
                    row: e.row,
                    column: e.column,
                    message: t(language, &e.key),
                })
                .collect(),
            summary: record
                .summary
                .as_deref()
                .and_then(|s| serde_json::from_str(s).ok()),
            created_at: record.created_at,
            finished_at: record.finished_at,
        }
    }

    /// The message key of the status in words.
    pub fn status_key(&self) -> String {
        format!("import-status-{}", self.status)
    }

    pub fn finished(&self) -> bool {
        !imports::UNFINISHED.contains(&self.status.as_str())
    }
}

pub async fn find(
    pool: &DbPool,
    user: &CurrentUser,
    id: String,
    language: Language,
) -> AppResult<ImportView> {
    require_admin(user)?;
    let record = db::run(pool, move |conn| {
        imports::find(conn, &id)?.ok_or(AppError::NotFound)
    })
    .await?;
    Ok(ImportView::new(record, language))
}

pub async fn recent(
    pool: &DbPool,
    user: &CurrentUser,
    language: Language,
) -> AppResult<Vec<ImportView>> {
    require_admin(user)?;
    let records = db::run(pool, |conn| Ok(imports::recent(conn, 20)?)).await?;
    Ok(records
        .into_iter()
        .map(|r| ImportView::new(r, language))
        .collect())
}

/// `llwybr import KIND FILE`: the same checks and the same transaction as an upload, run at
/// once; every problem is printed with its row and column.
pub async fn import_file(
    pool: &DbPool,
    kind: ImportKind,
    path: &std::path::Path,
    language: Language,
    out: &mut impl std::io::Write,
) -> anyhow::Result<bool> {
    let bytes = std::fs::read(path)
        .map_err(|e| anyhow::anyhow!("could not read {}: {e}", path.display()))?;
    let content = file_text(&bytes).map_err(|_| {
        anyhow::anyhow!(
            "{} is empty, larger than 20 MB or not UTF-8 text",
            path.display()
        )
    })?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let started = std::time::Instant::now();
    let id = db::run(pool, move |conn| {
        submit(conn, None, kind, &file_name, &content)
    })
    .await
    .map_err(|e| anyhow::anyhow!("the import could not be stored: {e}"))?;
    // Run here, unless a server process on the same database claimed it first: its outcome is
    // then awaited, and should that process die, its lapsed claim is taken up here.
    let record = loop {
        let wanted = id.clone();
        let record = db::run(pool, move |conn| {
            process_next(conn, Some(&wanted))?;
            imports::find(conn, &wanted)?.ok_or(AppError::NotFound)
        })
        .await
        .map_err(|e| anyhow::anyhow!("the import could not run: {e}"))?;
        if !imports::UNFINISHED.contains(&record.status.as_str()) {
            break record;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    };
    let view = ImportView::new(record, language);
    let seconds = started.elapsed().as_secs_f64();
    match (view.status.as_str(), view.summary) {
        ("done", Some(summary)) => {
            let args = [
                ("file", view.file_name.clone()),
                ("rows", view.rows_total.to_string()),
                ("seconds", format!("{seconds:.1}")),
                ("created", summary.created.to_string()),
                ("updated", summary.updated.to_string()),
                ("unchanged", summary.unchanged.to_string()),
            ];
            writeln!(out, "{}", t_with(language, "import-cli-done", &args))?;
            Ok(true)
        }
        ("failed", _) => {
            let args = [
                ("file", view.file_name.clone()),
                ("count", view.problems.len().to_string()),
            ];
            writeln!(out, "{}", t_with(language, "import-cli-failed", &args))?;
            for problem in &view.problems {
                let column = match problem.column.as_str() {
                    "" => "-".to_owned(),
                    column => column.to_owned(),
                };
                let args = [
                    ("row", problem.row.to_string()),
                    ("column", column),
                    ("message", problem.message.clone()),
                ];
                writeln!(out, "  {}", t_with(language, "import-cli-problem", &args))?;
            }
            Ok(false)
        }
        (status, _) => anyhow::bail!("the import ended as '{status}'; nothing was imported"),
    }
}
