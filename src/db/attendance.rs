//! A cohort's sessions and the attendance registers taken at them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{
    attendance, cohort_sessions, enrolment_events, enrolments, evaluation_rounds, people,
};
use crate::domain::enrolment::EnrolmentStatus;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cohort_sessions)]
pub struct CohortSession {
    pub id: String,
    pub cohort_id: String,
    pub title_en: String,
    pub title_cy: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub venue: Option<String>,
    pub online_url: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = cohort_sessions, treat_none_as_default_value = false)]
pub struct NewCohortSession<'a> {
    pub id: &'a str,
    pub cohort_id: &'a str,
    pub title_en: &'a str,
    pub title_cy: &'a str,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub venue: Option<&'a str>,
    pub online_url: Option<&'a str>,
    pub created_at: NaiveDateTime,
}

pub fn insert_session(conn: &mut DbConnection, session: &NewCohortSession<'_>) -> QueryResult<()> {
    diesel::insert_into(cohort_sessions::table)
        .values(session)
        .execute(conn)
        .map(|_| ())
}

pub fn find_session(conn: &mut DbConnection, id: &str) -> QueryResult<Option<CohortSession>> {
    cohort_sessions::table
        .find(id)
        .select(CohortSession::as_select())
        .first(conn)
        .optional()
}

/// The session's new titles, times and place.
pub struct SessionChanges<'a> {
    pub title_en: &'a str,
    pub title_cy: &'a str,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub venue: Option<&'a str>,
    pub online_url: Option<&'a str>,
}

pub fn update_session(
    conn: &mut DbConnection,
    id: &str,
    changes: &SessionChanges<'_>,
) -> QueryResult<()> {
    diesel::update(cohort_sessions::table.find(id))
        .set((
            cohort_sessions::title_en.eq(changes.title_en),
            cohort_sessions::title_cy.eq(changes.title_cy),
            cohort_sessions::starts_at.eq(changes.starts_at),
            cohort_sessions::ends_at.eq(changes.ends_at),
            cohort_sessions::venue.eq(changes.venue),
            cohort_sessions::online_url.eq(changes.online_url),
        ))
        .execute(conn)
        .map(|_| ())
}

/// What keeps a session from being removed: a register taken at it, or an evaluation round
/// about it.
pub fn is_referred_to(conn: &mut DbConnection, session_id: &str) -> QueryResult<bool> {
    let registered: i64 = attendance::table
        .filter(attendance::session_id.eq(session_id))
        .count()
        .get_result(conn)?;
    let evaluated: i64 = evaluation_rounds::table
        .filter(evaluation_rounds::session_id.eq(session_id))
        .count()
        .get_result(conn)?;
    Ok(registered + evaluated > 0)
}

pub fn delete_session(
    conn: &mut DbConnection,
    session_id: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    super::session_reminders::withdraw_for_session(conn, session_id, now)?;
    diesel::delete(cohort_sessions::table.find(session_id))
        .execute(conn)
        .map(|_| ())
}

/// The cohort's sessions in the order they happen; the id settles two at the same time.
pub fn sessions_of(conn: &mut DbConnection, cohort_id: &str) -> QueryResult<Vec<CohortSession>> {
    cohort_sessions::table
        .filter(cohort_sessions::cohort_id.eq(cohort_id))
        .order((cohort_sessions::starts_at.asc(), cohort_sessions::id.asc()))
        .select(CohortSession::as_select())
        .load(conn)
}

/// Takes the session's register for the rest of the transaction: an update that changes
/// nothing, so that it is the transaction's first statement (SQLite then holds the write lock
/// before anything is read) and, on PostgreSQL, two registers for one session queue on its
/// row instead of racing to insert the same entry. False when there is no such session.
pub fn lock_register(conn: &mut DbConnection, session_id: &str) -> QueryResult<bool> {
    diesel::update(cohort_sessions::table.filter(cohort_sessions::id.eq(session_id)))
        .set(cohort_sessions::created_at.eq(cohort_sessions::created_at))
        .execute(conn)
        .map(|n| n == 1)
}

/// Of these applications, those in the cohort with the status, as (id, status) pairs.
pub fn statuses_in_cohort(
    conn: &mut DbConnection,
    cohort_id: &str,
    application_ids: &[&str],
) -> QueryResult<Vec<(String, String)>> {
    enrolments::table
        .filter(enrolments::cohort_id.eq(cohort_id))
        .filter(enrolments::id.eq_any(application_ids))
        .select((enrolments::id, enrolments::status))
        .load(conn)
}

/// One line of a register, as written.
pub struct AttendanceEntry<'a> {
    pub session_id: &'a str,
    pub enrolment_id: &'a str,
    pub status: &'a str,
    pub recorded_by: Option<&'a str>,
    pub recorded_at: NaiveDateTime,
}

/// Writes the entry, replacing an earlier one for the same session and participant. The
/// connection enum has no upsert, so: update, and insert only when there was nothing to
/// update. Callers hold the register's lock (`lock_register`), so the two cannot interleave.
pub fn record(conn: &mut DbConnection, entry: &AttendanceEntry<'_>) -> QueryResult<()> {
    let updated = diesel::update(
        attendance::table
            .filter(attendance::session_id.eq(entry.session_id))
            .filter(attendance::enrolment_id.eq(entry.enrolment_id)),
    )
    .set((
        attendance::status.eq(entry.status),
        attendance::recorded_by.eq(entry.recorded_by),
        attendance::recorded_at.eq(entry.recorded_at),
    ))
    .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(attendance::table)
            .values((
                attendance::id.eq(uuid::Uuid::new_v4().to_string()),
                attendance::session_id.eq(entry.session_id),
                attendance::enrolment_id.eq(entry.enrolment_id),
                attendance::status.eq(entry.status),
                attendance::recorded_by.eq(entry.recorded_by),
                attendance::recorded_at.eq(entry.recorded_at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The session's register as it stands, as (application, status).
pub fn statuses_at(
    conn: &mut DbConnection,
    session_id: &str,
) -> QueryResult<Vec<(String, String)>> {
    attendance::table
        .filter(attendance::session_id.eq(session_id))
        .select((attendance::enrolment_id, attendance::status))
        .load(conn)
}

/// Every entry of every register of the cohort, as (session, application, status).
pub fn registers_of(
    conn: &mut DbConnection,
    cohort_id: &str,
) -> QueryResult<Vec<(String, String, String)>> {
    attendance::table
        .inner_join(cohort_sessions::table)
        .filter(cohort_sessions::cohort_id.eq(cohort_id))
        .select((
            attendance::session_id,
            attendance::enrolment_id,
            attendance::status,
        ))
        .load(conn)
}

/// One participant's entries, as (session, status).
pub fn entries_for(
    conn: &mut DbConnection,
    enrolment_id: &str,
) -> QueryResult<Vec<(String, String)>> {
    attendance::table
        .filter(attendance::enrolment_id.eq(enrolment_id))
        .select((attendance::session_id, attendance::status))
        .load(conn)
}

/// A person who took part in the cohort, for the attendance summary.
#[derive(Debug, Clone, Queryable)]
pub struct Participant {
    pub enrolment_id: String,
    pub person_id: String,
    pub name: String,
    pub status: String,
    /// When they were moved into the cohort or took a seat there after applying; none if they
    /// were confirmed as they applied.
    pub joined_cohort_at: Option<NaiveDateTime>,
}

/// Everyone who held a seat in the cohort (confirmed, or finished either way), by name.
pub fn participants_of(conn: &mut DbConnection, cohort_id: &str) -> QueryResult<Vec<Participant>> {
    let took_part = [
        EnrolmentStatus::Confirmed,
        EnrolmentStatus::Completed,
        EnrolmentStatus::NotCompleted,
    ]
    .map(EnrolmentStatus::as_str);
    enrolments::table
        .inner_join(people::table.on(people::id.eq(enrolments::person_id)))
        .filter(enrolments::cohort_id.eq(cohort_id))
        .filter(enrolments::status.eq_any(took_part))
        .order((people::name.asc(), enrolments::id.asc()))
        .select((
            enrolments::id,
            people::id,
            people::name,
            enrolments::status,
            enrolments::joined_cohort_at,
        ))
        .load(conn)
}

/// Register entries of the cohort's applications taken at other cohorts' sessions (those they
/// were moved from): (application, session start, status).
pub fn entries_elsewhere(
    conn: &mut DbConnection,
    cohort_id: &str,
) -> QueryResult<Vec<(String, NaiveDateTime, String)>> {
    attendance::table
        .inner_join(cohort_sessions::table)
        .inner_join(enrolments::table)
        .filter(enrolments::cohort_id.eq(cohort_id))
        .filter(cohort_sessions::cohort_id.ne(cohort_id))
        .select((
            attendance::enrolment_id,
            cohort_sessions::starts_at,
            attendance::status,
        ))
        .load(conn)
}

/// True when the person has a live application (awaiting endorsement, waitlisted, confirmed
/// or completed) to the cohort.
pub fn has_active_application(
    conn: &mut DbConnection,
    person_id: &str,
    cohort_id: &str,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        enrolments::table
            .filter(enrolments::person_id.eq(person_id))
            .filter(enrolments::cohort_id.eq(cohort_id))
            .filter(enrolments::active.eq(true)),
    ))
    .get_result(conn)
}

/// When the application last moved to `status`, from its history.
pub fn last_change_to(
    conn: &mut DbConnection,
    enrolment_id: &str,
    status: EnrolmentStatus,
) -> QueryResult<Option<NaiveDateTime>> {
    enrolment_events::table
        .filter(enrolment_events::enrolment_id.eq(enrolment_id))
        .filter(enrolment_events::to_status.eq(status.as_str()))
        .order(enrolment_events::occurred_at.desc())
        .select(enrolment_events::occurred_at)
        .first(conn)
        .optional()
}
