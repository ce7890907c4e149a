//! Report and dashboard latency on a synthetic consortium: the real server binary on a database
//! filled by `llwybr generate-synthetic`, each URL asked a few times by a signed-in consortium
//! admin.
//!
//! ```sh
//! cargo bench --bench reports -- [--database sqlite|postgres|both] [--people 50000] \
//!     [--enrolments 500000] [--answers 2000000] [--seed 2026] [--requests 5] [--reuse] \
//!     [--url /api/v1/...]... [--postgres-url postgres://postgres@127.0.0.1:5432/test] [--no-write]
//! ```
//!
//! For each database it generates the consortium (SQLite: a file under
//! `target/bench-reports/`; PostgreSQL: the database `llwybr_bench_reports`, dropped and made
//! again) by running the release binary's `generate-synthetic`, and times it. With `--reuse` a
//! database generated earlier with the same sizes and seed is used as it is, since generating
//! takes minutes. Then it makes a consortium admin (`create-admin`), starts `llwybr serve`
//! (production settings, `RUST_LOG=warn`), logs in, and for every URL of `REPORT_URLS` and
//! each `--url` makes one warm-up request and `--requests` timed ones, one at a time. Any answer
//! that is not 2xx stops the run with the URL, the status and the start of the body. The
//! figures replace this benchmark's sections of BENCHMARKS.md (unless `--no-write`).
//!
//! In a URL, `{programme_id}` is the Middle Leadership Development Programme, `{cohort_id}` its
//! ended cohort with the most applications, `{round_id}` the evaluation round with the most
//! responses, and `{academic_year}` the last academic year that has ended (e.g. `2025/26`).
//!
//! It is a benchmark, not a test: `cargo test` runs this binary without `--bench`, and it then
//! exits at once.

use std::fmt::Write as _;
use std::io::Write as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::{Datelike, Utc};
use diesel::prelude::*;
use llwybr::db::{self, DbConnection};

/// The URLs measured: every report, its dashboard and pages, and the heavier read endpoints.
const REPORT_URLS: &[&str] = &[
    "/api/v1/reports/participation?by=year",
    "/api/v1/reports/participation?by=local_authority",
    "/api/v1/reports/participation?by=programme",
    "/api/v1/reports/participation?by=stage",
    "/api/v1/reports/participation?by=school",
    "/api/v1/reports/participation?by=sector",
    "/api/v1/reports/participation?by=support_category",
    "/api/v1/reports/participation?by=language_medium",
    "/api/v1/reports/participation?by=year&format=xlsx",
    "/api/v1/reports/satisfaction?by=year",
    "/api/v1/reports/satisfaction?by=programme",
    "/api/v1/reports/pipeline",
    "/api/v1/reports/measures",
    "/api/v1/reports/measures/mldp-promoted-3y/people?year=2021&group=closed",
    "/reports",
    "/reports/quarterly",
    "/reports/measures",
    "/reports/satisfaction",
    "/reports/pipeline",
    "/api/v1/programmes",
    "/api/v1/programmes?open=true",
    "/api/v1/cohorts/{cohort_id}/roster",
    "/api/v1/cohorts/{cohort_id}/evaluation-results",
    "/api/v1/evaluation-rounds/{round_id}/results",
    "/api/v1/evaluation-results?programme_id={programme_id}&academic_year={academic_year}",
    "/api/v1/evaluation-results?academic_year={academic_year}",
    "/api/v1/evaluation-results",
    "/evaluations/results?programme_id={programme_id}&academic_year={academic_year}",
    "/api/v1/admin/people?q=jones",
];

/// Every report and dashboard should answer within this (issue 6, "Scale").
const TARGET_MS: f64 = 1_000.0;
/// A request still unanswered after this is recorded as timed out.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
const ADMIN_EMAIL: &str = "bench-admin@example.cymru";
const ADMIN_PASSWORD: &str = "Pont Menai 1826 hir";
const POSTGRES_DATABASE: &str = "llwybr_bench_reports";
const SECTION_BEGIN: &str = "<!-- bench:reports:";
const SECTION_END: &str = "<!-- /bench:reports:";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn key(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

#[derive(Debug, Clone)]
struct Options {
    backends: Vec<Backend>,
    people: u64,
    enrolments: u64,
    answers: u64,
    seed: u64,
    requests: usize,
    reuse: bool,
    urls: Vec<String>,
    postgres_url: String,
    write: bool,
    given: Vec<String>,
}

const USAGE: &str = "cargo bench --bench reports -- [--database sqlite|postgres|both] \
[--people N] [--enrolments N] [--answers N] [--seed N] [--requests N] [--reuse] [--url PATH]... \
[--postgres-url URL] [--no-write]";

impl Options {
    fn parse(args: &[String]) -> Result<Self> {
        let mut options = Options {
            backends: vec![Backend::Sqlite, Backend::Postgres],
            people: 50_000,
            enrolments: 500_000,
            answers: 2_000_000,
            seed: 2026,
            requests: 5,
            reuse: false,
            urls: REPORT_URLS.iter().map(|u| (*u).to_owned()).collect(),
            postgres_url: "postgres://postgres@127.0.0.1:5432/test".to_owned(),
            write: true,
            given: Vec::new(),
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            if arg == "--bench" {
                continue;
            }
            options.given.push(arg.clone());
            match arg.as_str() {
                "--no-write" => {
                    options.write = false;
                    continue;
                }
                "--reuse" => {
                    options.reuse = true;
                    continue;
                }
                "--help" | "-h" => bail!("usage: {USAGE}"),
                _ => {}
            }
            let value = args
                .next()
                .with_context(|| format!("{arg} needs a value; usage: {USAGE}"))?;
            options.given.push(value.clone());
            let number = || -> Result<u64> {
                value
                    .parse::<u64>()
                    .with_context(|| format!("{arg} wants a number, not {value:?}"))
            };
            match arg.as_str() {
                "--database" => {
                    options.backends = match value.as_str() {
                        "sqlite" => vec![Backend::Sqlite],
                        "postgres" | "postgresql" => vec![Backend::Postgres],
                        "both" => vec![Backend::Sqlite, Backend::Postgres],
                        other => bail!("--database is sqlite, postgres or both, not {other:?}"),
                    }
                }
                "--people" => options.people = number()?,
                "--enrolments" => options.enrolments = number()?,
                "--answers" => options.answers = number()?,
                "--seed" => options.seed = number()?,
                "--requests" => options.requests = usize::try_from(number()?.max(1))?,
                "--url" => options.urls.push(value.clone()),
                "--postgres-url" => options.postgres_url = value.clone(),
                other => bail!("unknown option {other}; usage: {USAGE}"),
            }
        }
        Ok(options)
    }

    fn command(&self) -> String {
        let mut command = "cargo bench --bench reports".to_owned();
        if !self.given.is_empty() {
            command.push_str(" -- ");
            command.push_str(&self.given.join(" "));
        }
        command
    }

    /// What a reusable database must have been generated with.
    fn fingerprint(&self) -> String {
        format!(
            "people={} enrolments={} answers={} seed={}",
            self.people, self.enrolments, self.answers, self.seed
        )
    }
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !args.iter().any(|a| a == "--bench") {
        println!("benches/reports.rs is a benchmark: run it with `cargo bench --bench reports`");
        return Ok(());
    }
    let options = Options::parse(&args)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("could not start the client runtime")?;
    let mut sections = Vec::new();
    for backend in &options.backends {
        println!("\n== {} ==", backend.title());
        let outcome = run(*backend, &options, &runtime)
            .with_context(|| format!("the {} run failed", backend.title()))?;
        let section = outcome.markdown(&options);
        println!("\n{section}");
        sections.push((backend.key().to_owned(), section));
    }
    if options.write {
        sections.insert(0, ("about".to_owned(), about()));
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("BENCHMARKS.md");
        update_report(&path, &sections)?;
        println!("updated {}", path.display());
    }
    Ok(())
}

struct Outcome {
    backend: Backend,
    database_version: String,
    /// `None` when an earlier database was reused.
    generated_in: Option<f64>,
    generated_earlier_in: Option<f64>,
    counts: Vec<(&'static str, i64)>,
    timings: Vec<Timing>,
}

struct Timing {
    url: String,
    status: u16,
    bytes: usize,
    /// Milliseconds, sorted.
    ms: Vec<f64>,
    /// Why fewer requests than asked were timed, if they were.
    note: Option<String>,
}

impl Timing {
    fn median(&self) -> f64 {
        let n = self.ms.len();
        if n == 0 {
            return 0.0;
        }
        if !n.is_multiple_of(2) {
            self.ms[n / 2]
        } else {
            (self.ms[n / 2 - 1] + self.ms[n / 2]) / 2.0
        }
    }

    fn min(&self) -> f64 {
        self.ms.first().copied().unwrap_or_default()
    }

    fn max(&self) -> f64 {
        self.ms.last().copied().unwrap_or_default()
    }
}

fn run(backend: Backend, options: &Options, runtime: &tokio::runtime::Runtime) -> Result<Outcome> {
    let database = Database::prepare(backend, options)?;
    let (generated_in, generated_earlier_in) = match database.reusable_generation(options)? {
        Some(seconds) => {
            println!("reusing the database generated earlier ({seconds:.0} s then)");
            (None, Some(seconds))
        }
        None => {
            database.recreate()?;
            let seconds = generate(&database, options)?;
            database.remember_generation(options, seconds)?;
            (Some(seconds), None)
        }
    };
    create_admin(&database)?;
    let mut conn = db::open(database.url()).context("could not open the generated database")?;
    let database_version = database_version(&mut conn)?;
    let counts = counts(&mut conn)?;
    let places = Placeholders::find(&mut conn)?;
    drop(conn);

    let mut server = Server::start(&database)?;
    let base = format!("http://127.0.0.1:{}", server.port);
    let timings = runtime.block_on(async {
        server.wait_until_ready(&base).await?;
        let client = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()?;
        let token = login(&client, &base).await?;
        let mut timings = Vec::new();
        for url in &options.urls {
            let path = places.fill(url);
            let timing = measure(&client, &base, &token, &path, options.requests)
                .await
                .with_context(|| format!("GET {path}"))?;
            println!(
                "{:>5} {:>9} B  median {:>8.1} ms  max {:>8.1} ms  {}{}",
                timing.status,
                timing.bytes,
                timing.median(),
                timing.max(),
                path,
                timing
                    .note
                    .as_deref()
                    .map(|n| format!("  ({n})"))
                    .unwrap_or_default()
            );
            timings.push(timing);
        }
        anyhow::Ok(timings)
    });
    server.stop();
    Ok(Outcome {
        backend,
        database_version,
        generated_in,
        generated_earlier_in,
        counts,
        timings: timings?,
    })
}

// ---------------------------------------------------------------------------------------------
// The database

enum Database {
    Sqlite { path: PathBuf, url: String },
    Postgres { url: String, admin_url: String },
}

impl Database {
    fn prepare(backend: Backend, options: &Options) -> Result<Self> {
        Ok(match backend {
            Backend::Sqlite => {
                let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                    .join("target")
                    .join("bench-reports");
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("could not create {}", dir.display()))?;
                let path = dir.join(format!(
                    "llwybr-{}-{}-{}-{}.sqlite3",
                    options.people, options.enrolments, options.answers, options.seed
                ));
                let url = format!("sqlite://{}", path.display());
                Database::Sqlite { path, url }
            }
            Backend::Postgres => {
                PgConnection::establish(&options.postgres_url).with_context(|| {
                    format!("PostgreSQL at {} does not answer", options.postgres_url)
                })?;
                Database::Postgres {
                    url: replace_database_name(&options.postgres_url, POSTGRES_DATABASE),
                    admin_url: options.postgres_url.clone(),
                }
            }
        })
    }

    fn url(&self) -> &str {
        match self {
            Database::Sqlite { url, .. } | Database::Postgres { url, .. } => url,
        }
    }

    /// How long the database took to generate, if it was generated with these options and
    /// `--reuse` was given. SQLite keeps that in a file beside the database, PostgreSQL in the
    /// database's comment.
    fn reusable_generation(&self, options: &Options) -> Result<Option<f64>> {
        if !options.reuse {
            return Ok(None);
        }
        let note = match self {
            Database::Sqlite { path, .. } => {
                std::fs::read_to_string(path.with_extension("generated")).ok()
            }
            Database::Postgres { admin_url, .. } => {
                #[derive(QueryableByName)]
                struct Note {
                    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
                    note: Option<String>,
                }
                let mut admin = PgConnection::establish(admin_url)?;
                diesel::sql_query(
                    "SELECT shobj_description(oid, 'pg_database') AS note FROM pg_database \
                     WHERE datname = $1",
                )
                .bind::<diesel::sql_types::Text, _>(POSTGRES_DATABASE)
                .get_result::<Note>(&mut admin)
                .optional()?
                .and_then(|n| n.note)
            }
        };
        Ok(note.and_then(|note| {
            let (fingerprint, seconds) = note.trim().rsplit_once(" seconds=")?;
            (fingerprint == options.fingerprint())
                .then(|| seconds.parse().ok())
                .flatten()
        }))
    }

    fn remember_generation(&self, options: &Options, seconds: f64) -> Result<()> {
        let note = format!("{} seconds={seconds:.1}", options.fingerprint());
        match self {
            Database::Sqlite { path, .. } => std::fs::write(path.with_extension("generated"), note)
                .context("could not note how the database was generated"),
            Database::Postgres { admin_url, .. } => {
                let mut admin = PgConnection::establish(admin_url)?;
                diesel::sql_query(format!(
                    "COMMENT ON DATABASE {POSTGRES_DATABASE} IS '{note}'"
                ))
                .execute(&mut admin)?;
                Ok(())
            }
        }
    }

    /// An empty database in place of whatever was there.
    fn recreate(&self) -> Result<()> {
        match self {
            Database::Sqlite { path, .. } => {
                for suffix in ["", "-wal", "-shm"] {
                    let file = PathBuf::from(format!("{}{suffix}", path.display()));
                    match std::fs::remove_file(&file) {
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(e) => {
                            return Err(e)
                                .with_context(|| format!("could not remove {}", file.display()));
                        }
                    }
                }
                let _ = std::fs::remove_file(path.with_extension("generated"));
            }
            Database::Postgres { admin_url, .. } => {
                let mut admin = PgConnection::establish(admin_url)?;
                diesel::sql_query(format!(
                    "DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)"
                ))
                .execute(&mut admin)?;
                diesel::sql_query(format!("CREATE DATABASE {POSTGRES_DATABASE}"))
                    .execute(&mut admin)
                    .with_context(|| {
                        format!("could not create the database {POSTGRES_DATABASE}")
                    })?;
            }
        }
        Ok(())
    }
}

fn replace_database_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let prefix = match base.rfind('/') {
        Some(slash) if slash > "postgres://".len() => &base[..slash],
        _ => base,
    };
    match query {
        Some(query) => format!("{prefix}/{name}?{query}"),
        None => format!("{prefix}/{name}"),
    }
}

/// The llwybr binary with only these variables: nothing from the shell can change what is
/// measured.
fn llwybr(database: &Database) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_llwybr"));
    command
        .env_clear()
        .env("LLWYBR_ENVIRONMENT", "production")
        .env(
            "LLWYBR_CONFIG_DIR",
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config"),
        )
        .env("LLWYBR__AUTH__TOKEN_SECRET", token_secret())
        .env("LLWYBR__MAIL__TRANSPORT", "log")
        .env("DATABASE_URL", database.url())
        .env("RUST_LOG", "warn");
    command
}

/// One secret per benchmark process, long enough for production settings.
fn token_secret() -> String {
    static SECRET: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SECRET
        .get_or_init(|| {
            format!(
                "{}{}",
                uuid::Uuid::new_v4().simple(),
                uuid::Uuid::new_v4().simple()
            )
        })
        .clone()
}

/// Runs `llwybr generate-synthetic` and returns how long it took, in seconds.
fn generate(database: &Database, options: &Options) -> Result<f64> {
    println!("generating: {}", options.fingerprint());
    let started = Instant::now();
    let status = llwybr(database)
        .args([
            "generate-synthetic",
            "--people",
            &options.people.to_string(),
            "--enrolments",
            &options.enrolments.to_string(),
            "--answers",
            &options.answers.to_string(),
            "--seed",
            &options.seed.to_string(),
        ])
        .stdin(Stdio::null())
        .status()
        .context("could not start the llwybr binary")?;
    if !status.success() {
        bail!("generate-synthetic failed ({status})");
    }
    Ok(started.elapsed().as_secs_f64())
}

fn create_admin(database: &Database) -> Result<()> {
    let mut child = llwybr(database)
        .args([
            "create-admin",
            "--email",
            ADMIN_EMAIL,
            "--name",
            "Bench Admin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("could not start the llwybr binary")?;
    child
        .stdin
        .take()
        .context("no standard input")?
        .write_all(format!("{ADMIN_PASSWORD}\n").as_bytes())?;
    let output = child.wait_with_output()?;
    if !output.status.success() {
        bail!(
            "create-admin failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

fn database_version(conn: &mut DbConnection) -> Result<String> {
    #[derive(QueryableByName)]
    struct Version {
        #[diesel(sql_type = diesel::sql_types::Text)]
        version: String,
    }
    let query = match conn {
        DbConnection::Postgres(_) => "SELECT current_setting('server_version') AS version",
        DbConnection::Sqlite(_) => "SELECT sqlite_version() AS version",
    };
    let row: Version = diesel::sql_query(query).get_result(conn)?;
    Ok(row.version)
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn counts(conn: &mut DbConnection) -> Result<Vec<(&'static str, i64)>> {
    let mut counts = Vec::new();
    for table in [
        "schools",
        "people",
        "programmes",
        "cohorts",
        "enrolments",
        "enrolment_events",
        "evaluation_invitations",
        "evaluation_responses",
        "evaluation_answers",
        "career_entries",
    ] {
        let row: Count =
            diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}")).get_result(conn)?;
        counts.push((table, row.n));
    }
    Ok(counts)
}

/// The identifiers the URLs' placeholders stand for.
struct Placeholders {
    programme_id: String,
    cohort_id: String,
    round_id: String,
    academic_year: String,
}

impl Placeholders {
    fn find(conn: &mut DbConnection) -> Result<Self> {
        use llwybr::db::schema::{
            cohorts, enrolments, evaluation_responses, evaluation_rounds, programmes,
        };
        let programme_id: String = programmes::table
            .filter(programmes::code.eq("mldp"))
            .select(programmes::id)
            .first(conn)
            .context("the synthetic consortium has no Middle Leadership Development Programme")?;
        let today = Utc::now().date_naive();
        let cohort_id: String = enrolments::table
            .inner_join(cohorts::table)
            .filter(cohorts::programme_id.eq(&programme_id))
            .filter(cohorts::ends_on.lt(today))
            .group_by(cohorts::id)
            .select(cohorts::id)
            .order(diesel::dsl::count_star().desc())
            .first(conn)
            .context("the programme has no ended cohort with applications")?;
        let round_id: String = evaluation_responses::table
            .inner_join(evaluation_rounds::table)
            .group_by(evaluation_rounds::id)
            .select(evaluation_rounds::id)
            .order(diesel::dsl::count_star().desc())
            .first(conn)
            .context("no evaluation round has responses")?;
        // The last academic year (September to August) that has ended.
        let current = if today.month() >= 9 {
            today.year()
        } else {
            today.year() - 1
        };
        let last = current - 1;
        Ok(Placeholders {
            programme_id,
            cohort_id,
            round_id,
            academic_year: format!("{last}/{:02}", (last + 1) % 100),
        })
    }

    fn fill(&self, url: &str) -> String {
        url.replace("{programme_id}", &self.programme_id)
            .replace("{cohort_id}", &self.cohort_id)
            .replace("{round_id}", &self.round_id)
            .replace("{academic_year}", &self.academic_year.replace('/', "%2F"))
    }
}

// ---------------------------------------------------------------------------------------------
// The server and the requests

/// `llwybr serve` as a child process, in a temporary folder of its own with its log; killed
/// when dropped.
struct Server {
    child: Option<Child>,
    port: u16,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start(database: &Database) -> Result<Self> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .context("could not find a free port")?
            .port();
        let dir = tempfile::tempdir().context("could not make a temporary folder")?;
        let log = dir.path().join("server.log");
        let log_file = std::fs::File::create(&log)
            .with_context(|| format!("could not create {}", log.display()))?;
        let child = llwybr(database)
            .arg("serve")
            .env("LLWYBR__SERVER__HOST", "127.0.0.1")
            .env("LLWYBR__SERVER__PORT", port.to_string())
            .env(
                "LLWYBR__SERVER__PUBLIC_URL",
                format!("http://127.0.0.1:{port}"),
            )
            .env("LLWYBR__SERVER__WORKERS", "2")
            // The background workers would otherwise open rounds and email reminders for the
            // generated cohorts while the reports are measured.
            .env("LLWYBR__EVALUATIONS__AUTO_OPEN", "false")
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(log_file.try_clone()?)
            .stderr(log_file)
            .spawn()
            .context("could not start the llwybr binary")?;
        Ok(Server {
            child: Some(child),
            port,
            log,
            _dir: dir,
        })
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    async fn wait_until_ready(&mut self, base: &str) -> Result<()> {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Some(child) = self.child.as_mut()
                && let Some(status) = child.try_wait()?
            {
                bail!("the server exited ({status}):\n{}", self.log_tail());
            }
            if let Ok(response) = client.get(format!("{base}/readyz")).send().await
                && response.status().is_success()
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!(
                    "the server was not ready within 120 s:\n{}",
                    self.log_tail()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn login(client: &reqwest::Client, base: &str) -> Result<String> {
    let response = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
        .send()
        .await?;
    let status = response.status();
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    match body["access_token"].as_str() {
        Some(token) if status.is_success() => Ok(token.to_owned()),
        _ => bail!("the admin could not log in ({status}): {body}"),
    }
}

/// A URL slower than this is timed once, not `--requests` times: the run would otherwise take
/// hours, and one figure already says it is far over the target.
const SLOW_MS: f64 = 10_000.0;

async fn measure(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    path: &str,
    requests: usize,
) -> Result<Timing> {
    let mut ms = Vec::with_capacity(requests);
    let mut status = 0;
    let mut bytes = 0;
    let mut note = None;
    let mut wanted = requests;
    // The first request warms the caches and is not counted.
    let mut attempt = 0;
    while attempt <= wanted {
        let started = Instant::now();
        let sent = client
            .get(format!("{base}{path}"))
            .bearer_auth(token)
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(error) if error.is_timeout() => {
                note = Some(format!("timed out after {} s", REQUEST_TIMEOUT.as_secs()));
                break;
            }
            Err(error) => return Err(error.into()),
        };
        status = response.status().as_u16();
        let ok = response.status().is_success();
        let body = match response.bytes().await {
            Ok(body) => body,
            Err(error) if error.is_timeout() => {
                note = Some(format!("timed out after {} s", REQUEST_TIMEOUT.as_secs()));
                break;
            }
            Err(error) => return Err(error.into()),
        };
        let elapsed = started.elapsed().as_secs_f64() * 1_000.0;
        if !ok {
            let start: String = String::from_utf8_lossy(&body).chars().take(300).collect();
            bail!("answered {status}, not 2xx: {start}");
        }
        bytes = body.len();
        if attempt == 0 && elapsed > SLOW_MS && wanted > 1 {
            wanted = 1;
            note = Some(format!(
                "timed once: the warm-up took {:.0} s",
                elapsed / 1_000.0
            ));
        }
        if attempt > 0 {
            ms.push(elapsed);
        }
        attempt += 1;
    }
    ms.sort_by(f64::total_cmp);
    Ok(Timing {
        url: path.to_owned(),
        status,
        bytes,
        ms,
        note,
    })
}

// ---------------------------------------------------------------------------------------------
// The report

fn git_revision() -> String {
    Command::new("git")
        .args(["describe", "--always", "--dirty"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown".to_owned())
}

fn thousands(n: i64) -> String {
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

fn about() -> String {
    let mut md = String::new();
    let _ = writeln!(md, "## Reports on a synthetic consortium\n");
    let _ = writeln!(
        md,
        "`benches/reports.rs` measures how long the report, dashboard and other heavy read \
         endpoints take on a consortium of realistic size, on SQLite and on PostgreSQL: issue 6 \
         asks for every report and dashboard query to answer within 1 s on our 2-core machines. \
         It is a benchmark, not a test (CI never runs it).\n"
    );
    let _ = writeln!(
        md,
        "For each database it runs `llwybr generate-synthetic` (release build) into a fresh \
         database (SQLite: `target/bench-reports/*.sqlite3`; PostgreSQL: `llwybr_bench_reports`, \
         dropped and created again), creates a consortium admin with `create-admin`, starts \
         `llwybr serve` (production settings, 2 workers, `RUST_LOG=warn`), logs in, and asks each \
         URL once to warm up and then 5 times, one request at a time (once only when the \
         warm-up took over 10 s; a request unanswered after 60 s is noted as timed out); any \
         answer but 2xx stops the run. PostgreSQL is vacuumed and analysed at the end of the \
         generation (as autovacuum would do, later); SQLite is left as Llwybr leaves it (no \
         `ANALYZE`). The machine is shared with other work, so the \
         figures are indicative.\n"
    );
    let _ = writeln!(md, "Re-run:\n");
    let _ = writeln!(md, "```sh");
    let _ = writeln!(
        md,
        "cargo bench --bench reports                              # full size, SQLite then PostgreSQL"
    );
    let _ = writeln!(
        md,
        "cargo bench --bench reports -- --database sqlite --reuse # keep a database generated before"
    );
    let _ = writeln!(
        md,
        "cargo bench --bench reports -- --people 5000 --enrolments 50000 --answers 200000"
    );
    let _ = writeln!(
        md,
        "cargo bench --bench reports -- --url '/api/v1/reports/pipeline' --requests 10"
    );
    let _ = writeln!(md, "```\n");
    let _ = writeln!(
        md,
        "The URLs are `REPORT_URLS` at the top of `benches/reports.rs`; the report endpoints of \
         issue 6 are listed there, commented out until they exist. `{{programme_id}}` is the \
         Middle Leadership Development Programme, `{{cohort_id}}` its ended cohort with the most \
         applications, `{{round_id}}` the round with the most responses and `{{academic_year}}` \
         the last academic year that has ended."
    );
    md
}

impl Outcome {
    fn markdown(&self, options: &Options) -> String {
        let mut md = String::new();
        let _ = writeln!(
            md,
            "### {} {}\n",
            self.backend.title(),
            self.database_version
        );
        let _ = writeln!(
            md,
            "Run {}; revision `{}`.  ",
            Utc::now().format("%Y-%m-%d %H:%M UTC"),
            git_revision()
        );
        let _ = writeln!(md, "Command: `{}`.  ", options.command());
        let generation = match (self.generated_in, self.generated_earlier_in) {
            (Some(s), _) => format!("generated in {s:.0} s"),
            (None, Some(s)) => format!("reused (generated earlier in {s:.0} s)"),
            (None, None) => "reused".to_owned(),
        };
        let sizes: Vec<String> = self
            .counts
            .iter()
            .map(|(table, n)| format!("{} {}", thousands(*n), table.replace('_', " ")))
            .collect();
        let _ = writeln!(md, "Database {generation}: {}.\n", sizes.join(", "));
        let slowest = self
            .timings
            .iter()
            .map(|t| {
                if t.ms.is_empty() {
                    f64::INFINITY
                } else {
                    t.median()
                }
            })
            .fold(0.0_f64, f64::max);
        let slowest_text = if slowest.is_finite() {
            format!("{slowest:.0} ms")
        } else {
            "a timeout".to_owned()
        };
        let _ = writeln!(
            md,
            "{} URLs, {} timed requests each; the slowest median is {slowest_text} ({} the 1 s \
             target).\n",
            self.timings.len(),
            options.requests,
            if slowest < TARGET_MS {
                "within"
            } else {
                "**over**"
            }
        );
        let _ = writeln!(
            md,
            "| URL | status | size | min ms | median ms | max ms | note |"
        );
        let _ = writeln!(md, "| --- | ---: | ---: | ---: | ---: | ---: | --- |");
        for t in &self.timings {
            let median = t.median();
            let flag = if !t.ms.is_empty() && median < TARGET_MS {
                ""
            } else {
                " **slow**"
            };
            let _ = writeln!(
                md,
                "| `{}` | {} | {} | {:.1} | {:.1}{flag} | {:.1} | {} |",
                t.url,
                t.status,
                thousands(i64::try_from(t.bytes).unwrap_or(i64::MAX)),
                t.min(),
                median,
                t.max(),
                t.note.as_deref().unwrap_or("")
            );
        }
        md
    }
}

/// Replaces each of this benchmark's sections of BENCHMARKS.md (between its markers), adding
/// those it does not have at the end; the other benchmarks' sections are left alone.
fn update_report(path: &Path, sections: &[(String, String)]) -> Result<()> {
    let mut text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => "# Benchmarks\n".to_owned(),
        Err(error) => return Err(error).context(format!("could not read {}", path.display())),
    };
    for (key, section) in sections {
        let begin = format!("{SECTION_BEGIN}{key} -->");
        let end = format!("{SECTION_END}{key} -->");
        let block = format!("{begin}\n{section}{end}");
        match (text.find(&begin), text.find(&end)) {
            (Some(from), Some(to)) if from < to => {
                text.replace_range(from..to + end.len(), &block);
            }
            _ => {
                if !text.ends_with('\n') {
                    text.push('\n');
                }
                text.push('\n');
                text.push_str(&block);
                text.push('\n');
            }
        }
    }
    std::fs::write(path, text).with_context(|| format!("could not write {}", path.display()))
}
