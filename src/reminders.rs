//! Session reminders: a few days before each session, every participant with a confirmed place
//! is emailed once. Any server process may run the job; the `session_reminders` primary key
//! makes the second attempt at the same reminder fail, so nobody is reminded twice.

use std::time::Duration as StdDuration;

use chrono::{Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::config::{ReminderSettings, Settings};
use crate::db::schema::{
    cohort_sessions, cohorts, enrolments, people, programmes, session_reminders,
};
use crate::db::{self, DbConnection, DbPool, attendance, outbox, session_reminders as queued};
use crate::domain::enrolment::EnrolmentStatus;
use crate::domain::language::Language;
use crate::domain::wales_time;
use crate::i18n::t_with;
use crate::mail::compose::{self, Recipient};

/// A reminder to send: who, for which session.
#[derive(Debug, Queryable)]
struct DueReminder {
    session_id: String,
    enrolment_id: String,
    title_en: String,
    title_cy: String,
    starts_at: NaiveDateTime,
    venue: Option<String>,
    online_url: Option<String>,
    cohort_name: String,
    programme_en: String,
    programme_cy: String,
    email: String,
    name: String,
    preferred_language: String,
}

fn due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Vec<DueReminder>> {
    let already = session_reminders::table
        .filter(session_reminders::session_id.eq(cohort_sessions::id))
        .filter(session_reminders::enrolment_id.eq(enrolments::id));
    cohort_sessions::table
        .inner_join(cohorts::table.inner_join(programmes::table))
        .inner_join(enrolments::table.on(enrolments::cohort_id.eq(cohort_sessions::cohort_id)))
        .inner_join(people::table.on(people::id.eq(enrolments::person_id)))
        .filter(cohort_sessions::starts_at.gt(now))
        .filter(cohort_sessions::starts_at.le(until))
        .filter(enrolments::status.eq(EnrolmentStatus::Confirmed.as_str()))
        .filter(people::active.eq(true))
        .filter(diesel::dsl::not(diesel::dsl::exists(already)))
        .select((
            cohort_sessions::id,
            enrolments::id,
            cohort_sessions::title_en,
            cohort_sessions::title_cy,
            cohort_sessions::starts_at,
            cohort_sessions::venue,
            cohort_sessions::online_url,
            cohorts::name,
            programmes::title_en,
            programmes::title_cy,
            people::email,
            people::name,
            people::preferred_language,
        ))
        .load(conn)
}

fn reminder_email(
    due: &DueReminder,
    public_url: &str,
    now: NaiveDateTime,
) -> anyhow::Result<outbox::NewOutboxEmail> {
    let language = Language::parse(&due.preferred_language).unwrap_or_default();
    // Both, for a session in a room that can also be joined online.
    let place = match (&due.venue, &due.online_url) {
        (Some(venue), Some(url)) => format!("{venue} · {url}"),
        (Some(venue), None) => venue.clone(),
        (None, Some(url)) => url.clone(),
        (None, None) => String::new(),
    };
    let on_the_wall = wales_time::from_utc(due.starts_at);
    let args = [
        (
            "session",
            language.pick(&due.title_en, &due.title_cy).to_owned(),
        ),
        (
            "programme",
            language
                .pick(&due.programme_en, &due.programme_cy)
                .to_owned(),
        ),
        ("cohort", due.cohort_name.clone()),
        ("date", on_the_wall.format("%d/%m/%Y").to_string()),
        ("time", on_the_wall.format("%H:%M").to_string()),
        ("place", place),
    ];
    compose::notice(
        &Recipient {
            email: &due.email,
            name: &due.name,
            language,
        },
        "session_reminder",
        t_with(language, "email-reminder-subject", &args),
        vec![t_with(language, "email-reminder-body", &args)],
        Some((
            t_with(language, "email-see-applications", &[]),
            format!("{public_url}/applications?lang={}", language.code()),
        )),
        now,
    )
}

fn is_unique_violation(error: &anyhow::Error) -> bool {
    error.downcast_ref::<DieselError>().is_some_and(|e| {
        matches!(
            e,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)
        )
    })
}

/// Takes the session's lock and the place's, and says whether both are still as `due` read
/// them: a lead may have moved the session, or the person withdrawn, since. The place is held
/// too, so that a withdrawal still being written either waits for this reminder (and then
/// takes it back) or is seen here.
fn still_as_read(conn: &mut DbConnection, reminder: &DueReminder) -> QueryResult<bool> {
    if !attendance::lock_register(conn, &reminder.session_id)? {
        return Ok(false);
    }
    let Some(session) = attendance::find_session(conn, &reminder.session_id)? else {
        return Ok(false);
    };
    let unchanged = session.starts_at == reminder.starts_at
        && session.title_en == reminder.title_en
        && session.title_cy == reminder.title_cy
        && session.venue == reminder.venue
        && session.online_url == reminder.online_url;
    if !unchanged {
        return Ok(false);
    }
    let seat_held = diesel::update(
        enrolments::table
            .filter(enrolments::id.eq(&reminder.enrolment_id))
            .filter(enrolments::status.eq(EnrolmentStatus::Confirmed.as_str()))
            .filter(enrolments::cohort_id.eq(&session.cohort_id)),
    )
    .set(enrolments::updated_at.eq(enrolments::updated_at))
    .execute(conn)?;
    Ok(seat_held == 1)
}

/// Queues the reminders due now; returns how many this call queued.
pub fn queue_due(
    conn: &mut DbConnection,
    public_url: &str,
    days_before: i64,
    now: NaiveDateTime,
) -> anyhow::Result<usize> {
    let mut queued = 0;
    for reminder in due(conn, now, now + Duration::days(days_before))? {
        // The claim row is written first, in the same transaction as the email: if another
        // process claimed it meanwhile, the insert fails and nothing is queued twice.
        let outcome = db::transaction::<_, anyhow::Error, _>(conn, |conn| {
            // The session is held while the reminder is queued, as a lead's change holds it:
            // one changed since it was read is left for the next pass, which reads it anew.
            if !still_as_read(conn, &reminder)? {
                return Ok(false);
            }
            let email = reminder_email(&reminder, public_url, now)?;
            queued::record(
                conn,
                &reminder.session_id,
                &reminder.enrolment_id,
                &email.id,
                now,
            )?;
            outbox::enqueue(conn, &email)?;
            Ok(true)
        });
        match outcome {
            Ok(true) => queued += 1,
            Ok(false) => {}
            Err(error) if is_unique_violation(&error) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(queued)
}

/// Looks for due reminders every `interval_secs`, for as long as the server runs.
pub async fn run(pool: DbPool, settings: Settings) {
    let ReminderSettings {
        days_before,
        interval_secs,
    } = settings.reminders;
    let public_url = settings.public_url().to_owned();
    let mut interval = tokio::time::interval(StdDuration::from_secs(interval_secs.max(1)));
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        let pool = pool.clone();
        let public_url = public_url.clone();
        let pass = tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
            db::with_connection(&pool, |conn| {
                queue_due(conn, &public_url, days_before, Utc::now().naive_utc())
            })
        })
        .await;
        match pass {
            Ok(Ok(0)) => {}
            Ok(Ok(queued)) => tracing::info!(queued, "session reminders queued"),
            Ok(Err(error)) => tracing::warn!(error = format!("{error:#}"), "reminder pass failed"),
            Err(error) => tracing::warn!(%error, "reminder pass stopped"),
        }
    }
}
