//! A synthetic consortium for measuring reports at scale (`llwybr generate-synthetic`): local
//! authorities and schools, people over the continuum, programmes and cohorts over six academic
//! years, applications with their history, evaluation answers and career histories.
//!
//! The same seed gives the same consortium (for the same day). Everything is written in one
//! transaction, as multi-row INSERTs, so a failed run leaves nothing behind.

mod careers;
mod catalogue;
mod enrolments;
mod evaluations;
mod ids;
pub(crate) mod insert;
mod organisations;
mod people;

use std::time::Instant;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use self::enrolments::Years;
use self::ids::IdMaker;
use crate::db::schema::people as people_table;
use crate::db::{self, DbConnection, DbPool};
use crate::domain::language::Language;
use crate::i18n::t_with;

pub use self::evaluations::DEFAULT_FORM;

/// Academic years covered, the current one last.
pub const ACADEMIC_YEARS: usize = 6;

#[derive(Debug, Clone)]
pub struct Options {
    pub people: usize,
    pub enrolments: usize,
    pub answers: usize,
    pub seed: u64,
    /// Add to a database that already holds people.
    pub force: bool,
    /// The day the consortium is generated on: what has ended, runs or is still to come.
    pub today: NaiveDate,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            people: 50_000,
            enrolments: 500_000,
            answers: 2_000_000,
            seed: 2026,
            force: false,
            today: Utc::now().date_naive(),
        }
    }
}

/// Rows written, by table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub local_authorities: usize,
    pub schools: usize,
    pub people: usize,
    pub programmes: usize,
    pub cohorts: usize,
    pub sessions: usize,
    pub enrolments: usize,
    pub enrolment_events: usize,
    pub evaluation_rounds: usize,
    pub evaluation_invitations: usize,
    pub evaluation_responses: usize,
    pub evaluation_answers: usize,
    pub career_entries: usize,
    /// The first academic year, e.g. "2021/22", and the last.
    pub first_year: String,
    pub last_year: String,
}

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// The database already holds people, and `force` was not given.
    #[error(
        "the database already holds {0} people; pass --force to add a synthetic consortium to it"
    )]
    NotEmpty(i64),
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

impl From<diesel::result::Error> for GenerateError {
    fn from(error: diesel::result::Error) -> Self {
        GenerateError::Failed(error.into())
    }
}

/// What the generator shares between its steps.
pub(crate) struct Context<'a> {
    pub rng: StdRng,
    pub ids: IdMaker,
    pub now: NaiveDateTime,
    pub today: NaiveDate,
    /// People in the database before this run; keeps emails and cohort names of a second run
    /// (with `force`) apart from the first one's.
    pub offset: usize,
    pub progress: &'a mut dyn FnMut(&str, usize),
}

/// Fills the database (its migrations already applied) with a synthetic consortium, calling
/// `progress` with a table's name and its rows written so far as it goes.
pub fn generate(
    conn: &mut DbConnection,
    options: &Options,
    progress: &mut dyn FnMut(&str, usize),
) -> Result<Summary, GenerateError> {
    let present: i64 = people_table::table.count().get_result(conn)?;
    if present > 0 && !options.force {
        return Err(GenerateError::NotEmpty(present));
    }
    let offset = usize::try_from(present).unwrap_or_default();
    insert::prepare_bulk_load(conn)?;
    let result = db::transaction(conn, |conn| {
        let mut cx = Context {
            rng: StdRng::seed_from_u64(options.seed),
            ids: IdMaker::new(options.seed ^ (offset as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)),
            now: options
                .today
                .and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default()),
            today: options.today,
            offset,
            progress,
        };
        fill(conn, &mut cx, options)
    });
    let finished = insert::finish_bulk_load(conn);
    let summary = result?;
    finished?;
    Ok(summary)
}

fn fill(
    conn: &mut DbConnection,
    cx: &mut Context<'_>,
    options: &Options,
) -> Result<Summary, GenerateError> {
    let current_year = if cx.today.month() >= 9 {
        cx.today.year()
    } else {
        cx.today.year() - 1
    };
    let years = Years {
        first: current_year - i32::try_from(ACADEMIC_YEARS).unwrap_or_default() + 1,
        count: ACADEMIC_YEARS,
    };
    let places = organisations::insert_places(conn, cx, options.people)?;
    let providers = organisations::insert_providers(conn, cx)?;
    let staff = people::insert_people(conn, cx, &places, options.people, years.first)?;
    let programmes = catalogue::insert_programmes(conn, cx, &staff.stages, &providers)?;
    let mut plan = enrolments::plan(cx, &staff, &programmes, &years, options.enrolments)?;
    let written = enrolments::insert(conn, cx, &mut plan, &staff, &programmes)?;
    let evaluated = evaluations::insert(conn, cx, &plan, &staff, &programmes, options.answers)?;
    let career_entries =
        careers::insert(conn, cx, &plan, &staff, &programmes, &places, years.first)?;
    Ok(Summary {
        local_authorities: places.authorities.len(),
        schools: places.schools.len(),
        people: staff.people.len(),
        programmes: programmes.len(),
        cohorts: written.cohorts,
        sessions: written.sessions,
        enrolments: written.enrolments,
        enrolment_events: written.events,
        evaluation_rounds: evaluated.rounds,
        evaluation_invitations: evaluated.invitations,
        evaluation_responses: evaluated.responses,
        evaluation_answers: evaluated.answers,
        career_entries,
        first_year: years.label(0),
        last_year: years.label(ACADEMIC_YEARS - 1),
    })
}

/// `llwybr generate-synthetic`: generates on a pooled connection, printing progress and the
/// counts in `language`.
pub async fn run_command(
    pool: &DbPool,
    options: Options,
    language: Language,
) -> anyhow::Result<()> {
    let pool = pool.clone();
    let started = Instant::now();
    let outcome = tokio::task::spawn_blocking(move || {
        let mut conn = pool
            .get()
            .map_err(|e| GenerateError::Failed(anyhow::Error::new(e)))?;
        let mut progress = |table: &str, rows: usize| {
            println!(
                "{}",
                t_with(
                    language,
                    "synthetic-progress",
                    &[
                        ("table", table.to_owned()),
                        ("rows", rows.to_string()),
                        ("seconds", format!("{:.1}", started.elapsed().as_secs_f64())),
                    ],
                )
            );
        };
        generate(&mut conn, &options, &mut progress)
    })
    .await?;
    match outcome {
        Ok(summary) => {
            let args = [
                ("seconds", format!("{:.1}", started.elapsed().as_secs_f64())),
                ("first", summary.first_year.clone()),
                ("last", summary.last_year.clone()),
                ("authorities", summary.local_authorities.to_string()),
                ("schools", summary.schools.to_string()),
                ("people", summary.people.to_string()),
                ("programmes", summary.programmes.to_string()),
                ("cohorts", summary.cohorts.to_string()),
                ("enrolments", summary.enrolments.to_string()),
                ("events", summary.enrolment_events.to_string()),
                ("rounds", summary.evaluation_rounds.to_string()),
                ("invitations", summary.evaluation_invitations.to_string()),
                ("responses", summary.evaluation_responses.to_string()),
                ("answers", summary.evaluation_answers.to_string()),
                ("careers", summary.career_entries.to_string()),
            ];
            println!("{}", t_with(language, "synthetic-done", &args));
            Ok(())
        }
        Err(GenerateError::NotEmpty(people)) => Err(anyhow::anyhow!(
            "{}",
            t_with(
                language,
                "synthetic-not-empty",
                &[("people", people.to_string())]
            )
        )),
        Err(GenerateError::Failed(error)) => {
            Err(error.context(t_with(language, "synthetic-failed", &[])))
        }
    }
}

/// Picks an index with probability proportional to its weight.
pub(crate) fn pick_weighted(rng: &mut StdRng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    if total == 0 {
        return 0;
    }
    let mut ticket = rng.random_range(0..total);
    for (i, &w) in weights.iter().enumerate() {
        if ticket < w {
            return i;
        }
        ticket -= w;
    }
    weights.len() - 1
}

/// A moment in working hours on a day from `from` to `until` (`from` when they are reversed).
pub(crate) fn random_time(rng: &mut StdRng, from: NaiveDate, until: NaiveDate) -> NaiveDateTime {
    let days = (until - from).num_days().max(0);
    let day = from + Duration::days(rng.random_range(0..=days));
    at(day, 8) + Duration::seconds(rng.random_range(0..10 * 3_600))
}

/// `hour` o'clock on `day`.
pub(crate) fn at(day: NaiveDate, hour: u32) -> NaiveDateTime {
    day.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default())
}
