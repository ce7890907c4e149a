//! The evaluation job, run by every server process: it opens the end-of-programme round of a
//! cohort that has just ended (if configured), invites the cohort of a round whose opening day
//! has come, and reminds those who have not answered on their round's schedule.
//!
//! Several processes may run it at once. Each change is claimed by a write that only one of
//! them can make, in the same transaction as its emails: the auto-opened round has an id made
//! from its cohort (a second insert fails on the primary key), invitations are unique per round
//! and person, and a reminder is claimed by a conditional update of `last_reminded_at`.

use std::time::Duration as StdDuration;

use chrono::{Duration, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::{
    EmailKind, evaluation_email, insert_round_and_invite, invite, new_token, prepare_invitations,
};
use crate::config::{EvaluationSettings, Settings};
use crate::db::evaluations::{self as store, NewRound};
use crate::db::schema::{evaluation_invitations, evaluation_rounds};
use crate::db::{self, DbConnection, DbPool, outbox};
use crate::domain::evaluation::RoundKind;
use crate::domain::language::Language;
use crate::error::AppError;
use crate::mail::compose::Recipient;

/// How far back an ended cohort still gets its round opened automatically: the job must not
/// flood every cohort that ended before the feature was switched on.
const AUTO_OPEN_LOOKBACK_DAYS: i64 = 14;

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub rounds_opened: usize,
    pub invitations: usize,
    pub reminders: usize,
}

fn absorb_duplicate<T>(outcome: Result<T, AppError>) -> Result<Option<T>, AppError> {
    match outcome {
        Ok(value) => Ok(Some(value)),
        Err(error) if super::is_unique_violation(&error) => Ok(None),
        Err(error) => Err(error),
    }
}

/// The id of the round the job opens for a cohort: the same in every process.
pub fn auto_round_id(cohort_id: &str) -> String {
    format!("auto-{cohort_id}")
}

/// Opens the end-of-programme round of each cohort that ended `after_days` ago (up to the
/// look-back) and has none.
fn open_due_rounds(
    conn: &mut DbConnection,
    public_url: &str,
    settings: &EvaluationSettings,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    if !settings.auto_open {
        return Ok(0);
    }
    let Some(form_id) = store::default_form_id(conn)? else {
        return Ok(0);
    };
    let latest_end = now.date() - Duration::days(settings.auto_open_after_days.max(0));
    let earliest_end = latest_end - Duration::days(AUTO_OPEN_LOOKBACK_DAYS);
    let mut opened = 0;
    for cohort_id in store::cohorts_ended_without_round(conn, earliest_end, latest_end)? {
        let id = auto_round_id(&cohort_id);
        let reminder_every_days = i32::try_from(settings.auto_open_reminder_every_days)
            .ok()
            .filter(|d| (1..=60).contains(d));
        let outcome = db::transaction::<_, AppError, _>(conn, |conn| {
            let round = NewRound {
                id: &id,
                cohort_id: &cohort_id,
                form_id: &form_id,
                kind: RoundKind::EndOfProgramme.as_str(),
                session_id: None,
                anonymous: settings.auto_open_anonymous,
                opens_at: now,
                closes_at: now + Duration::days(settings.auto_open_days_open.clamp(1, 365)),
                reminder_every_days,
                created_by: None,
                created_at: now,
            };
            insert_round_and_invite(conn, public_url, &round, None, now)
        });
        if absorb_duplicate(outcome)?.is_some() {
            opened += 1;
        }
    }
    Ok(opened)
}

/// Invites the cohorts of rounds that opened since they were made and have no invitations yet.
fn invite_opened_rounds(
    conn: &mut DbConnection,
    public_url: &str,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let invited = evaluation_invitations::table
        .filter(evaluation_invitations::round_id.eq(evaluation_rounds::id));
    let rounds: Vec<store::Round> = evaluation_rounds::table
        .filter(evaluation_rounds::opens_at.le(now))
        .filter(evaluation_rounds::closes_at.gt(now))
        .filter(evaluation_rounds::created_at.lt(evaluation_rounds::opens_at))
        .filter(diesel::dsl::not(diesel::dsl::exists(invited)))
        .select(store::Round::as_select())
        .load(conn)?;
    let mut total = 0;
    for round in rounds {
        let prepared = prepare_invitations(conn, &round)?;
        let outcome = db::transaction::<_, AppError, _>(conn, |conn| {
            invite(conn, public_url, &prepared, now)
        });
        total += absorb_duplicate(outcome)?.unwrap_or(0);
    }
    Ok(total)
}

/// Reminds each person who has not answered an open round once its schedule says so; each
/// reminder carries a new link (only the hash of a link is kept, so the old one cannot be sent
/// again) and the old link stops working.
fn send_due_reminders(
    conn: &mut DbConnection,
    public_url: &str,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let mut sent = 0;
    for candidate in store::reminder_candidates(conn, now)? {
        let Some(every) = candidate.reminder_every_days.filter(|d| *d > 0) else {
            continue;
        };
        let due_before = now - Duration::days(i64::from(every));
        let last = candidate.last_reminded_at.unwrap_or(candidate.invited_at);
        if last > due_before {
            continue;
        }
        let (token, hashed) = new_token();
        let outcome = db::transaction::<_, AppError, _>(conn, |conn| {
            if !store::claim_reminder(conn, &candidate.invitation_id, due_before, &hashed, now)? {
                return Ok(false);
            }
            let language = Language::parse(&candidate.preferred_language).unwrap_or_default();
            let email = evaluation_email(
                EmailKind::Reminder,
                &Recipient {
                    email: &candidate.email,
                    name: &candidate.name,
                    language,
                },
                (&candidate.programme_en, &candidate.programme_cy),
                &candidate.cohort_name,
                candidate.closes_at,
                &super::respond_url(public_url, &token, language),
                now,
            )?;
            outbox::enqueue(conn, &email)?;
            Ok(true)
        })?;
        sent += usize::from(outcome);
    }
    Ok(sent)
}

/// One pass of the job at `now`.
pub fn run_once(
    conn: &mut DbConnection,
    public_url: &str,
    settings: &EvaluationSettings,
    now: NaiveDateTime,
) -> Result<Pass, AppError> {
    Ok(Pass {
        rounds_opened: open_due_rounds(conn, public_url, settings, now)?,
        invitations: invite_opened_rounds(conn, public_url, now)?,
        reminders: send_due_reminders(conn, public_url, now)?,
    })
}

/// Runs a pass every `evaluations.interval_secs`, for as long as the server runs.
pub async fn run(pool: DbPool, settings: Settings) {
    let evaluations = settings.evaluations.clone();
    let public_url = settings.public_url().to_owned();
    let mut interval =
        tokio::time::interval(StdDuration::from_secs(evaluations.interval_secs.max(1)));
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        let pool = pool.clone();
        let public_url = public_url.clone();
        let evaluations = evaluations.clone();
        let pass = tokio::task::spawn_blocking(move || -> anyhow::Result<Pass> {
            db::with_connection(&pool, |conn| {
                run_once(conn, &public_url, &evaluations, Utc::now().naive_utc())
                    .map_err(|e| anyhow::anyhow!("{e:#}"))
            })
        })
        .await;
        match pass {
            Ok(Ok(pass)) if pass == Pass::default() => {}
            Ok(Ok(pass)) => tracing::info!(?pass, "evaluation job pass"),
            Ok(Err(error)) => {
                tracing::warn!(error = format!("{error:#}"), "evaluation pass failed")
            }
            Err(error) => tracing::warn!(%error, "evaluation pass stopped"),
        }
    }
}
