//! Sustained applications per second: the real server binary, a fresh database, and 8 clients
//! each on one keep-alive connection, every request a new (person, cohort) pair.
//!
//! ```sh
//! cargo bench --bench applications -- [--database sqlite|postgres|both] [--seconds 10] \
//!     [--warmup 3] [--clients 8] [--pool-size N] [--workers 2] [--people 60000] \
//!     [--programmes 400] [--postgres-url postgres://postgres@127.0.0.1:5432/test?sslmode=disable] [--no-write]
//! ```
//!
//! It prepares the data directly through the library: programmes with no endorsement and no
//! target stages, one open cohort each with room for everyone (so every application is
//! confirmed), and people with a participant grant, a signed token and one application they
//! completed in an earlier, closed cohort (so the applications table is not empty when the run
//! starts). Then it starts `llwybr serve` as a separate process (production settings, emails to
//! the log, `RUST_LOG=warn`), warms up, measures, and checks the database: every 201 answer
//! left exactly one confirmed application, one history row and one email, and every cohort's
//! `seats_taken` equals the applications holding a seat in it. The figures replace this
//! database's section of BENCHMARKS.md (unless `--no-write`).
//!
//! It is a benchmark, not a test: `cargo test` (even with `--all-targets`) runs this binary
//! without `--bench`, and it then exits at once.

use std::fmt::Write as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::Utc;
use diesel::prelude::*;
use llwybr::auth::tokens::TokenKeys;
use llwybr::config::AuthSettings;
use llwybr::db::catalogue::{NewCohort, NewProgramme, insert_cohort, insert_programme};
use llwybr::db::enrolments::NewEnrolment;
use llwybr::db::people::{NewPerson, NewRoleGrant};
use llwybr::db::schema::{
    cohorts, email_outbox, enrolment_events, enrolments, people, role_grants,
};
use llwybr::db::{self, DbConnection};

const TOKEN_ISSUER: &str = "llwybr";
const TOKEN_AUDIENCE: &str = "llwybr";
const P99_TARGET_MS: f64 = 100.0;
const RSS_TARGET_MB: f64 = 150.0;
/// Cores busy with something else before the run above which the figures are marked unreliable.
const BUSY_WARNING_CORES: f64 = 0.25;
const SECTION_BEGIN: &str = "<!-- bench:applications:";
const SECTION_END: &str = "<!-- /bench:applications:";

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

    /// The server's pool size unless `--pool-size` says otherwise: the best one measured here
    /// (see BENCHMARKS.md). SQLite has one writer at a time, and more connections only wait
    /// longer for it.
    fn default_pool_size(self) -> u32 {
        match self {
            Backend::Sqlite => 4,
            Backend::Postgres => 8,
        }
    }

    /// Applications per second wanted on one of our 2-core machines.
    fn target_per_second(self) -> f64 {
        match self {
            Backend::Sqlite => 12_000.0,
            Backend::Postgres => 1_500.0,
        }
    }
}

#[derive(Debug, Clone)]
struct Options {
    backends: Vec<Backend>,
    seconds: u64,
    warmup: u64,
    clients: usize,
    /// `None`: the backend's default.
    pool_size: Option<u32>,
    workers: usize,
    people: usize,
    programmes: usize,
    postgres_url: String,
    write: bool,
    /// The arguments as given, for the "command" line of the report.
    given: Vec<String>,
}

const USAGE: &str = "cargo bench --bench applications -- [--database sqlite|postgres|both] \
[--seconds N] [--warmup N] [--clients N] [--pool-size N] [--workers N] [--people N] \
[--programmes N] [--postgres-url URL] [--no-write]";

impl Options {
    fn parse(args: &[String]) -> Result<Self> {
        let mut options = Options {
            backends: vec![Backend::Sqlite, Backend::Postgres],
            seconds: 10,
            warmup: 3,
            clients: 8,
            pool_size: None,
            workers: 2,
            people: 60_000,
            programmes: 400,
            // The database runs on this machine: TLS on the loopback protects nothing and took
            // a seventh of the throughput (BENCHMARKS.md). `--postgres-url` measures with it.
            postgres_url: "postgres://postgres@127.0.0.1:5432/test?sslmode=disable".to_owned(),
            write: true,
            given: Vec::new(),
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            // cargo bench adds --bench for harness = false targets.
            if arg == "--bench" {
                continue;
            }
            options.given.push(arg.clone());
            if arg == "--no-write" {
                options.write = false;
                continue;
            }
            if arg == "--help" || arg == "-h" {
                bail!("usage: {USAGE}");
            }
            let value = args
                .next()
                .with_context(|| format!("{arg} needs a value; usage: {USAGE}"))?;
            options.given.push(value.clone());
            let number = || -> Result<u64> {
                value
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .with_context(|| format!("{arg} wants a positive number, not {value:?}"))
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
                "--seconds" => options.seconds = number()?,
                "--warmup" => options.warmup = number()?,
                "--clients" => options.clients = usize::try_from(number()?)?,
                "--pool-size" => options.pool_size = Some(u32::try_from(number()?)?),
                "--workers" => options.workers = usize::try_from(number()?)?,
                "--people" => options.people = usize::try_from(number()?)?,
                "--programmes" => options.programmes = usize::try_from(number()?)?,
                "--postgres-url" => options.postgres_url = value.clone(),
                other => bail!("unknown option {other}; usage: {USAGE}"),
            }
        }
        Ok(options)
    }

    fn command(&self) -> String {
        let mut command = "cargo bench --bench applications".to_owned();
        if !self.given.is_empty() {
            command.push_str(" -- ");
            command.push_str(&self.given.join(" "));
        }
        command
    }
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !args.iter().any(|a| a == "--bench") {
        println!(
            "benches/applications.rs is a benchmark: run it with `cargo bench --bench applications`"
        );
        return Ok(());
    }
    let options = Options::parse(&args)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("could not start the client runtime")?;
    let machine = Machine::read();
    let mut outcomes = Vec::new();
    for backend in &options.backends {
        println!("\n== {} ==", backend.title());
        let outcome = run(*backend, &options, &runtime)
            .with_context(|| format!("the {} run failed", backend.title()))?;
        let section = outcome.markdown(&options, &machine);
        println!("\n{section}");
        outcomes.push((*backend, section));
    }
    if options.write {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("BENCHMARKS.md");
        update_report(&path, &outcomes)?;
        println!("updated {}", path.display());
    }
    Ok(())
}

/// One backend: a fresh database, the data, the server, the load, the figures, the checks.
fn run(backend: Backend, options: &Options, runtime: &tokio::runtime::Runtime) -> Result<Outcome> {
    let database = Database::create(backend, &options.postgres_url)?;
    let pool = db::connect(database.url(), 1, Duration::from_secs(10))?;
    let mut conn = pool.get().context("could not open the database")?;
    db::run_migrations(&mut conn)?;
    let started = Instant::now();
    let plan = prepare(&mut conn, options)?;
    let database_version = database_version(&mut conn)?;
    println!(
        "prepared {} open cohorts, {} people with tokens and their history in {:.1} s",
        plan.cohort_ids.len(),
        plan.tokens.len(),
        started.elapsed().as_secs_f64()
    );

    let pool_size = options
        .pool_size
        .unwrap_or_else(|| backend.default_pool_size());
    let mut server = Server::start(&database, options, pool_size, &plan.token_secret)?;
    let base = format!("http://127.0.0.1:{}", server.port);
    runtime.block_on(server.wait_until_ready(&base))?;
    let plan = Arc::new(plan.with_base(&base));
    println!(
        "server ready (pid {}); {} clients: {} s warm-up, {} s measured",
        server.pid(),
        options.clients,
        options.warmup,
        options.seconds
    );
    // Anything else running here (a build, say) takes cores from the server: say so.
    let busy_at = machine_busy_seconds();
    std::thread::sleep(Duration::from_secs(1));
    let busy_before = machine_busy_seconds() - busy_at;
    if busy_before > BUSY_WARNING_CORES {
        println!(
            "warning: {busy_before:.2} cores were busy before the run; the figures will be low"
        );
    }
    let load = runtime.block_on(generate_load(plan, &server, options))?;
    let peak_rss_kb = server.peak_rss_kb()?;
    server.stop();

    let verified = verify(&mut conn, load.created, options.people)?;
    Ok(Outcome {
        backend,
        database_version,
        load,
        busy_before,
        peak_rss_kb,
        verified,
        pool_size,
    })
}

// ---------------------------------------------------------------------------------------------
// The database

enum Database {
    Sqlite {
        url: String,
        /// The file's folder, removed when dropped.
        _dir: tempfile::TempDir,
    },
    Postgres {
        url: String,
        admin_url: String,
        name: String,
    },
}

impl Database {
    fn create(backend: Backend, admin_url: &str) -> Result<Self> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().context("could not make a temporary folder")?;
                let url = format!("sqlite://{}", dir.path().join("llwybr.sqlite3").display());
                Ok(Database::Sqlite { url, _dir: dir })
            }
            Backend::Postgres => {
                let name = format!("llwybr_bench_{}", uuid::Uuid::new_v4().simple());
                let mut admin = PgConnection::establish(admin_url)
                    .with_context(|| format!("PostgreSQL at {admin_url} does not answer"))?;
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .with_context(|| format!("could not create the database {name}"))?;
                Ok(Database::Postgres {
                    url: replace_database_name(admin_url, &name),
                    admin_url: admin_url.to_owned(),
                    name,
                })
            }
        }
    }

    fn url(&self) -> &str {
        match self {
            Database::Sqlite { url, .. } | Database::Postgres { url, .. } => url,
        }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Database::Postgres {
            admin_url, name, ..
        } = self
            && let Ok(mut admin) = PgConnection::establish(admin_url)
        {
            let dropped = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin);
            if let Err(error) = dropped {
                eprintln!("could not drop the benchmark database {name}: {error}");
            }
        }
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

// ---------------------------------------------------------------------------------------------
// The data

/// What the clients send: a cohort per programme and a token per person.
struct Plan {
    token_secret: String,
    cohort_ids: Vec<String>,
    cohort_urls: Vec<String>,
    tokens: Vec<String>,
}

impl Plan {
    fn with_base(mut self, base: &str) -> Self {
        self.cohort_urls = self
            .cohort_ids
            .iter()
            .map(|id| format!("{base}/api/v1/cohorts/{id}/applications"))
            .collect();
        self
    }

    /// The `n`th request: person `n % people` in their round `n / people`, applying to the
    /// cohort `round` places after their own number, so that no one applies to one programme
    /// twice and neighbouring requests touch different cohorts. `None` once every pair is used.
    fn pair(&self, n: u64) -> Option<(&str, &str)> {
        let people = self.tokens.len() as u64;
        let cohorts = self.cohort_urls.len() as u64;
        let round = n / people;
        if round >= cohorts {
            return None;
        }
        let person = n % people;
        let cohort = (person + round) % cohorts;
        Some((
            &self.tokens[person as usize],
            &self.cohort_urls[cohort as usize],
        ))
    }
}

/// Inserts many rows: a thousand at a time on PostgreSQL, one by one on SQLite (multi-row
/// inserts are not available through the connection enum).
macro_rules! insert_all {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            DbConnection::Postgres(pg) => {
                for chunk in $rows.chunks(1000) {
                    diesel::insert_into($table).values(chunk).execute(pg)?;
                }
            }
            DbConnection::Sqlite(lite) => {
                for row in $rows.iter() {
                    diesel::insert_into($table).values(row).execute(lite)?;
                }
            }
        }
    };
}

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The programmes and cohorts people apply to, the people, and their history: each has
/// completed one earlier programme, so that the applications table is not empty (and, on
/// PostgreSQL, analysed) when the run starts, as in a database in use.
fn prepare(conn: &mut DbConnection, options: &Options) -> Result<Plan> {
    let now = Utc::now().naive_utc();
    let today = Utc::now().date_naive();
    let days = chrono::Duration::days;
    let programme_ids: Vec<String> = (0..=options.programmes).map(|_| new_id()).collect();
    let cohort_ids: Vec<String> = (0..=options.programmes).map(|_| new_id()).collect();
    // The last programme and cohort are the one everyone has completed.
    let past = options.programmes;
    let person_ids: Vec<String> = (0..options.people).map(|_| new_id()).collect();
    let emails: Vec<String> = (0..options.people)
        .map(|i| format!("athro{i:06}@ysgol.cymru"))
        .collect();
    let names: Vec<String> = (0..options.people)
        .map(|i| format!("Athro {i:06}"))
        .collect();
    let grant_ids: Vec<String> = (0..options.people).map(|_| new_id()).collect();
    let history_ids: Vec<String> = (0..options.people).map(|_| new_id()).collect();
    let people_count = i32::try_from(options.people)?;

    conn.transaction::<_, diesel::result::Error, _>(|conn| {
        for (i, (programme_id, cohort_id)) in programme_ids.iter().zip(&cohort_ids).enumerate() {
            let code = format!("bench-{i:04}");
            insert_programme(
                conn,
                &NewProgramme {
                    id: programme_id,
                    code: &code,
                    title_en: "Middle Leadership Development Programme",
                    title_cy: "Rhaglen Datblygu Arweinyddiaeth Ganol",
                    description_en: "For aspiring and new middle leaders.",
                    description_cy: "Ar gyfer darpar arweinwyr canol ac arweinwyr canol newydd.",
                    provider_id: None,
                    delivery_language: "bilingual",
                    requires_endorsement: false,
                    completion_min_attendance_pct: 80,
                    eligibility_rules: "{}",
                    active: true,
                    created_at: now,
                    updated_at: now,
                },
                &[],
            )?;
            let (capacity, seats_taken, starts_on, status) = if i == past {
                (people_count, people_count, today - days(400), "closed")
            } else {
                // Room for everyone: every application in the run is confirmed.
                (i32::MAX, 0, today + days(60), "open")
            };
            insert_cohort(
                conn,
                &NewCohort {
                    id: cohort_id,
                    programme_id,
                    name: "Cohort 1",
                    capacity,
                    seats_taken,
                    waitlist_counter: 0,
                    starts_on,
                    ends_on: starts_on + days(180),
                    applications_open_on: None,
                    applications_close_on: Some(starts_on - days(30)),
                    language_medium: "bilingual",
                    status,
                    lead_id: None,
                    venue: None,
                    created_at: now,
                    updated_at: now,
                },
            )?;
        }
        let new_people: Vec<NewPerson<'_>> = (0..options.people)
            .map(|i| NewPerson {
                id: &person_ids[i],
                email: &emails[i],
                name: &names[i],
                password_hash: None,
                // Half the emails are composed in Welsh.
                preferred_language: if i % 2 == 0 { "en" } else { "cy" },
                school_id: None,
                stage_code: None,
                job_title: None,
                active: true,
                created_at: now,
                updated_at: now,
                credentials_changed_at: now,
            })
            .collect();
        insert_all!(conn, people::table, new_people);
        let grants: Vec<NewRoleGrant<'_>> = (0..options.people)
            .map(|i| NewRoleGrant {
                id: &grant_ids[i],
                person_id: &person_ids[i],
                role: "participant",
                school_id: None,
                local_authority_id: None,
                programme_id: None,
                granted_by: None,
                granted_at: now,
            })
            .collect();
        insert_all!(conn, role_grants::table, grants);
        let history: Vec<NewEnrolment<'_>> = (0..options.people)
            .map(|i| NewEnrolment {
                id: &history_ids[i],
                person_id: &person_ids[i],
                cohort_id: &cohort_ids[past],
                programme_id: &programme_ids[past],
                status: "completed",
                active: true,
                waitlist_ticket: None,
                eligibility_override_reason: None,
                academic_year: None,
                applied_at: now - days(450),
                updated_at: now - days(200),
                school_id: None,
            })
            .collect();
        insert_all!(conn, enrolments::table, history);
        Ok(())
    })
    .context("could not load the benchmark data")?;
    // PostgreSQL's autovacuum would have analysed tables this size by now. Llwybr never runs
    // ANALYZE on SQLite, and with statistics there (the bundled SQLite keeps STAT4) statements
    // are prepared again on every use, so the file is left as the server would leave it.
    if let DbConnection::Postgres(pg) = conn {
        diesel::sql_query("ANALYZE").execute(pg)?;
    }

    let token_secret = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let keys = TokenKeys::new(&AuthSettings {
        token_secret: token_secret.clone(),
        token_issuer: TOKEN_ISSUER.to_owned(),
        token_audience: TOKEN_AUDIENCE.to_owned(),
        token_ttl_minutes: 480,
        password_reset_ttl_minutes: 60,
        secure_cookies: true,
    });
    // Issued after the people were stored, so that no token predates their credentials.
    let issued_at = Utc::now();
    let tokens = person_ids
        .iter()
        .map(|id| keys.issue(id, issued_at))
        .collect::<Result<Vec<_>>>()?;
    let mut cohort_ids = cohort_ids;
    cohort_ids.truncate(past);
    Ok(Plan {
        token_secret,
        cohort_urls: Vec::new(),
        cohort_ids,
        tokens,
    })
}

// ---------------------------------------------------------------------------------------------
// The server

/// `llwybr serve` as a child process, in a temporary folder of its own with its log; killed
/// when dropped.
struct Server {
    child: Option<Child>,
    port: u16,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start(
        database: &Database,
        options: &Options,
        pool_size: u32,
        token_secret: &str,
    ) -> Result<Self> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .context("could not find a free port")?
            .port();
        let dir = tempfile::tempdir().context("could not make a temporary folder")?;
        let log = dir.path().join("server.log");
        let log_file = std::fs::File::create(&log)
            .with_context(|| format!("could not create {}", log.display()))?;
        let config_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config");
        // Only these variables reach the server: nothing from the shell (a DATABASE_URL, say)
        // can change what is measured.
        let child = Command::new(env!("CARGO_BIN_EXE_llwybr"))
            .arg("serve")
            .env_clear()
            .env("LLWYBR_ENVIRONMENT", "production")
            .env("LLWYBR_CONFIG_DIR", &config_dir)
            .env("DATABASE_URL", database.url())
            .env("LLWYBR__SERVER__HOST", "127.0.0.1")
            .env("LLWYBR__SERVER__PORT", port.to_string())
            .env(
                "LLWYBR__SERVER__PUBLIC_URL",
                format!("http://127.0.0.1:{port}"),
            )
            .env("LLWYBR__SERVER__WORKERS", options.workers.to_string())
            .env("LLWYBR__DATABASE__POOL_SIZE", pool_size.to_string())
            .env("LLWYBR__AUTH__TOKEN_SECRET", token_secret)
            .env("LLWYBR__AUTH__TOKEN_ISSUER", TOKEN_ISSUER)
            .env("LLWYBR__AUTH__TOKEN_AUDIENCE", TOKEN_AUDIENCE)
            .env("LLWYBR__MAIL__TRANSPORT", "log")
            // One log line per request at info level would be measured too.
            .env("RUST_LOG", "warn")
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

    fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    async fn wait_until_ready(&mut self, base: &str) -> Result<()> {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
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
                bail!("the server was not ready within 60 s:\n{}", self.log_tail());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The server's peak resident memory so far (VmHWM), in kB.
    fn peak_rss_kb(&self) -> Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .context("could not read the server's /proc status")?;
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .context("no VmHWM line in the server's /proc status")
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

// ---------------------------------------------------------------------------------------------
// The load

/// CPU time a process has used so far, in seconds, from /proc/PID/stat.
fn process_cpu_seconds(pid: &str) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    // The fields after the command name, which is in parentheses and may hold spaces; utime
    // and stime are fields 14 and 15, counted in USER_HZ (100 on Linux).
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<u64> = after
        .split_whitespace()
        .skip(1)
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    match (fields.get(10), fields.get(11)) {
        (Some(user), Some(system)) => (user + system) as f64 / 100.0,
        _ => 0.0,
    }
}

/// CPU time the whole machine has been busy so far (all but idle and I/O wait), in seconds,
/// from /proc/stat.
fn machine_busy_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/stat") else {
        return 0.0;
    };
    let Some(line) = stat.lines().next() else {
        return 0.0;
    };
    let ticks: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    let total: u64 = ticks.iter().take(8).sum();
    let idle = ticks.get(3).copied().unwrap_or(0) + ticks.get(4).copied().unwrap_or(0);
    (total - idle) as f64 / 100.0
}

#[derive(Clone, Copy)]
struct CpuSample {
    server: f64,
    client: f64,
    machine: f64,
}

impl CpuSample {
    fn take(server_pid: u32) -> Self {
        CpuSample {
            server: process_cpu_seconds(&server_pid.to_string()),
            client: process_cpu_seconds("self"),
            machine: machine_busy_seconds(),
        }
    }
}

/// What the clients saw: latencies in the measured period; 201s and errors over the whole run,
/// warm-up included.
struct Load {
    latencies_us: Vec<u64>,
    errors: usize,
    first_error: Option<String>,
    elapsed: Duration,
    created: u64,
    /// Cores busy on average in the measured period.
    server_cores: f64,
    client_cores: f64,
    machine_cores: f64,
}

#[derive(Default)]
struct Tally {
    latencies_us: Vec<u64>,
    errors: usize,
    first_error: Option<String>,
    created: u64,
    last_done: Option<Instant>,
}

async fn generate_load(plan: Arc<Plan>, server: &Server, options: &Options) -> Result<Load> {
    let next = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let measure_from = start + Duration::from_secs(options.warmup);
    let end = measure_from + Duration::from_secs(options.seconds);
    let mut clients = tokio::task::JoinSet::new();
    for _ in 0..options.clients {
        // A client of its own, so each task keeps its own keep-alive connection.
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(1)
            .tcp_nodelay(true)
            .timeout(Duration::from_secs(30))
            .build()?;
        clients.spawn(client_loop(
            http,
            plan.clone(),
            next.clone(),
            measure_from,
            end,
        ));
    }
    tokio::time::sleep_until(measure_from.into()).await;
    let before = CpuSample::take(server.pid());
    let mut tally = Tally::default();
    while let Some(finished) = clients.join_next().await {
        let one = finished.context("a client task failed")?;
        tally.latencies_us.extend(one.latencies_us);
        tally.errors += one.errors;
        tally.created += one.created;
        tally.first_error = tally.first_error.or(one.first_error);
        tally.last_done = tally.last_done.max(one.last_done);
    }
    let after = CpuSample::take(server.pid());
    let elapsed = tally.last_done.map_or(Duration::ZERO, |done| {
        done.saturating_duration_since(measure_from)
    });
    let seconds = elapsed.as_secs_f64().max(f64::EPSILON);
    if next.load(Ordering::Relaxed) >= plan.tokens.len() as u64 * plan.cohort_urls.len() as u64 {
        bail!("every (person, cohort) pair was used before the time was up: raise --people");
    }
    tally.latencies_us.sort_unstable();
    Ok(Load {
        latencies_us: tally.latencies_us,
        errors: tally.errors,
        first_error: tally.first_error,
        elapsed,
        created: tally.created,
        server_cores: (after.server - before.server) / seconds,
        client_cores: (after.client - before.client) / seconds,
        machine_cores: (after.machine - before.machine) / seconds,
    })
}

async fn client_loop(
    http: reqwest::Client,
    plan: Arc<Plan>,
    next: Arc<AtomicU64>,
    measure_from: Instant,
    end: Instant,
) -> Tally {
    let mut tally = Tally::default();
    loop {
        let started = Instant::now();
        if started >= end {
            break;
        }
        let Some((token, url)) = plan.pair(next.fetch_add(1, Ordering::Relaxed)) else {
            break;
        };
        let answer = match http.post(url).bearer_auth(token).send().await {
            // Read the body, so that the connection is reused.
            Ok(response) => {
                let status = response.status().as_u16();
                let body = response.text().await.unwrap_or_default();
                (status, body)
            }
            Err(error) => (0, error.to_string()),
        };
        let latency = started.elapsed();
        if answer.0 == 201 {
            tally.created += 1;
        } else {
            tally.errors += 1;
            tally
                .first_error
                .get_or_insert_with(|| format!("{}: {}", answer.0, answer.1));
        }
        if started >= measure_from {
            tally
                .latencies_us
                .push(u64::try_from(latency.as_micros()).unwrap_or(u64::MAX));
            tally.last_done = Some(Instant::now());
        }
    }
    tally
}

// ---------------------------------------------------------------------------------------------
// The checks

struct Verified {
    cohorts: usize,
    applications: i64,
}

/// The benchmark must not pass on a broken server: every 201 left one confirmed application
/// with its history row and its email (beside the `history` completed ones loaded before), and
/// every cohort's `seats_taken` counts exactly the applications holding a seat in it.
fn verify(conn: &mut DbConnection, created: u64, history: usize) -> Result<Verified> {
    let applications: i64 = enrolments::table.count().get_result(conn)?;
    let confirmed: i64 = enrolments::table
        .filter(enrolments::status.eq("confirmed"))
        .count()
        .get_result(conn)?;
    let events: i64 = enrolment_events::table.count().get_result(conn)?;
    let emails: i64 = email_outbox::table.count().get_result(conn)?;
    let created = i64::try_from(created)?;
    let history = i64::try_from(history)?;
    if applications != created + history
        || confirmed != created
        || events != created
        || emails != created
    {
        bail!(
            "{created} applications answered 201, but beside the {history} loaded before the \
             database holds {applications} applications ({confirmed} confirmed), {events} \
             history rows and {emails} emails"
        );
    }
    let seats: Vec<(String, i32)> = cohorts::table
        .select((cohorts::id, cohorts::seats_taken))
        .load(conn)?;
    let holding: Vec<(String, i64)> = enrolments::table
        .filter(enrolments::status.eq_any(["confirmed", "completed", "not_completed"]))
        .group_by(enrolments::cohort_id)
        .select((enrolments::cohort_id, diesel::dsl::count_star()))
        .load(conn)?;
    let holding: std::collections::HashMap<String, i64> = holding.into_iter().collect();
    for (cohort, taken) in &seats {
        let holding = holding.get(cohort).copied().unwrap_or(0);
        if i64::from(*taken) != holding {
            bail!("cohort {cohort} has seats_taken {taken} but {holding} applications hold a seat");
        }
    }
    Ok(Verified {
        cohorts: seats.len(),
        applications: created,
    })
}

// ---------------------------------------------------------------------------------------------
// The report

struct Machine {
    cores: usize,
    memory_gib: f64,
    cpu: String,
}

impl Machine {
    fn read() -> Self {
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let memory_kb: f64 = meminfo
            .lines()
            .find_map(|line| line.strip_prefix("MemTotal:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0.0);
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|line| line.strip_prefix("model name"))
            .and_then(|rest| rest.split_once(':'))
            .map_or_else(|| "unknown".to_owned(), |(_, name)| name.trim().to_owned());
        Machine {
            cores: std::thread::available_parallelism().map_or(0, usize::from),
            memory_gib: memory_kb / 1024.0 / 1024.0,
            cpu,
        }
    }
}

struct Outcome {
    backend: Backend,
    database_version: String,
    load: Load,
    /// Cores busy in the second before the load began, with the server idle.
    busy_before: f64,
    peak_rss_kb: u64,
    verified: Verified,
    pool_size: u32,
}

fn percentile_ms(sorted_us: &[u64], p: f64) -> f64 {
    if sorted_us.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted_us.len() as f64).ceil() as usize;
    sorted_us[rank.clamp(1, sorted_us.len()) - 1] as f64 / 1000.0
}

fn thousands(n: f64) -> String {
    let digits = format!("{:.0}", n.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "**missed**" }
}

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

impl Outcome {
    fn markdown(&self, options: &Options, machine: &Machine) -> String {
        let load = &self.load;
        let seconds = load.elapsed.as_secs_f64().max(f64::EPSILON);
        let measured = load.latencies_us.len();
        let per_second = measured as f64 / seconds;
        let p = |q| percentile_ms(&load.latencies_us, q);
        let rss_mb = self.peak_rss_kb as f64 / 1024.0;
        let target = self.backend.target_per_second();
        let mut md = String::new();
        let _ = writeln!(
            md,
            "### {} {}\n",
            self.backend.title(),
            self.database_version
        );
        let _ = writeln!(
            md,
            "Run {} on {} cores ({}), {:.1} GiB; revision `{}`.  ",
            Utc::now().format("%Y-%m-%d %H:%M UTC"),
            machine.cores,
            machine.cpu,
            machine.memory_gib,
            git_revision()
        );
        let _ = writeln!(md, "Command: `{}`.  ", options.command());
        let _ = writeln!(
            md,
            "{} clients, {} s warm-up then {} s measured; server: {} workers, a pool of {} \
             connections; {} programmes with one cohort each, {} people.\n",
            options.clients,
            options.warmup,
            options.seconds,
            options.workers,
            self.pool_size,
            options.programmes,
            thousands(options.people as f64)
        );
        let _ = writeln!(md, "| measure | result | target |");
        let _ = writeln!(md, "| --- | ---: | --- |");
        let _ = writeln!(
            md,
            "| applications per second | {} | ≥ {}: {} |",
            thousands(per_second),
            thousands(target),
            verdict(per_second >= target)
        );
        let _ = writeln!(
            md,
            "| applications measured | {} in {:.2} s | |",
            thousands(measured as f64),
            seconds
        );
        let _ = writeln!(md, "| latency p50 | {:.2} ms | |", p(50.0));
        let _ = writeln!(md, "| latency p90 | {:.2} ms | |", p(90.0));
        let _ = writeln!(
            md,
            "| latency p99 | {:.2} ms | < {P99_TARGET_MS:.0} ms: {} |",
            p(99.0),
            verdict(p(99.0) < P99_TARGET_MS)
        );
        let _ = writeln!(md, "| latency max | {:.2} ms | |", p(100.0));
        let _ = writeln!(
            md,
            "| errors (not 201, warm-up included) | {} | 0: {} |",
            load.errors,
            verdict(load.errors == 0)
        );
        let _ = writeln!(
            md,
            "| server peak memory (VmHWM) | {rss_mb:.1} MB | < {RSS_TARGET_MB:.0} MB: {} |",
            verdict(rss_mb < RSS_TARGET_MB)
        );
        let _ = writeln!(
            md,
            "| CPU busy (cores of {}) | server {:.2}, load generator {:.2}, rest (database, \
             kernel) {:.2}; all {:.2} (before the run: {:.2}) | |",
            machine.cores,
            load.server_cores,
            load.client_cores,
            (load.machine_cores - load.server_cores - load.client_cores).max(0.0),
            load.machine_cores,
            self.busy_before
        );
        let _ = writeln!(
            md,
            "| checked afterwards | {} applications (warm-up included), each confirmed with its \
             history row and email; seats taken = seats held in all {} cohorts | |",
            thousands(self.verified.applications as f64),
            self.verified.cohorts
        );
        if self.busy_before > BUSY_WARNING_CORES {
            let _ = writeln!(
                md,
                "\n**The machine was busy before the run ({:.2} cores): something else took CPU \
                 from the server, and these figures are too low. Re-run on a quiet machine.**",
                self.busy_before
            );
        }
        if let Some(error) = &load.first_error {
            let first: String = error.chars().take(200).collect();
            let _ = writeln!(md, "\nFirst error: `{}`", first.replace('`', "'"));
        }
        md
    }
}

/// Replaces each database's section of BENCHMARKS.md (between its markers), adding the section
/// at the end when it has none, and the file when there is none.
fn update_report(path: &Path, sections: &[(Backend, String)]) -> Result<()> {
    let mut text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            format!("# Benchmarks\n\nRe-run with `{USAGE}`.\n")
        }
        Err(error) => return Err(error).context(format!("could not read {}", path.display())),
    };
    for (backend, section) in sections {
        let begin = format!("{SECTION_BEGIN}{} -->", backend.key());
        let end = format!("{SECTION_END}{} -->", backend.key());
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
