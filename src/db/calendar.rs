//! What calendars are made of: a person's private feed token, and the sessions of the cohorts
//! they have a seat in (or of one cohort).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::people::Person;
use super::schema::{cohort_sessions, cohorts, enrolments, people, programmes};
use crate::domain::enrolment::EnrolmentStatus;

/// One session, with the names a calendar entry needs.
#[derive(Debug, Clone, Queryable)]
pub struct CalendarSession {
    pub id: String,
    pub title_en: String,
    pub title_cy: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub venue: Option<String>,
    pub online_url: Option<String>,
    pub cohort_name: String,
    pub cohort_venue: Option<String>,
    pub programme_title_en: String,
    pub programme_title_cy: String,
}

type SessionColumns = (
    cohort_sessions::id,
    cohort_sessions::title_en,
    cohort_sessions::title_cy,
    cohort_sessions::starts_at,
    cohort_sessions::ends_at,
    cohort_sessions::venue,
    cohort_sessions::online_url,
    cohorts::name,
    cohorts::venue,
    programmes::title_en,
    programmes::title_cy,
);

const SESSION_COLUMNS: SessionColumns = (
    cohort_sessions::id,
    cohort_sessions::title_en,
    cohort_sessions::title_cy,
    cohort_sessions::starts_at,
    cohort_sessions::ends_at,
    cohort_sessions::venue,
    cohort_sessions::online_url,
    cohorts::name,
    cohorts::venue,
    programmes::title_en,
    programmes::title_cy,
);

/// The sessions of every cohort where the person holds a seat (confirmed) or has finished
/// (completed); a place on the waiting list is not a place in the room.
pub fn sessions_for_person(
    conn: &mut DbConnection,
    person_id: &str,
) -> QueryResult<Vec<CalendarSession>> {
    let attending = enrolments::table
        .filter(enrolments::person_id.eq(person_id))
        .filter(enrolments::status.eq_any([
            EnrolmentStatus::Confirmed.as_str(),
            EnrolmentStatus::Completed.as_str(),
        ]))
        .select(enrolments::cohort_id);
    cohort_sessions::table
        .inner_join(cohorts::table.inner_join(programmes::table))
        .filter(cohort_sessions::cohort_id.eq_any(attending))
        .order((cohort_sessions::starts_at.asc(), cohort_sessions::id.asc()))
        .select(SESSION_COLUMNS)
        .load(conn)
}

pub fn sessions_of_cohort(
    conn: &mut DbConnection,
    cohort_id: &str,
) -> QueryResult<Vec<CalendarSession>> {
    cohort_sessions::table
        .inner_join(cohorts::table.inner_join(programmes::table))
        .filter(cohort_sessions::cohort_id.eq(cohort_id))
        .order((cohort_sessions::starts_at.asc(), cohort_sessions::id.asc()))
        .select(SESSION_COLUMNS)
        .load(conn)
}

/// The person's feed token, if they have asked for a feed before.
pub fn token_of(conn: &mut DbConnection, person_id: &str) -> QueryResult<Option<String>> {
    people::table
        .find(person_id)
        .select(people::calendar_token)
        .first(conn)
}

/// Gives the person `token` unless they already have one (two first requests at once must end
/// up with the same feed); returns how many rows changed.
pub fn set_token_if_none(
    conn: &mut DbConnection,
    person_id: &str,
    token: &str,
) -> QueryResult<usize> {
    diesel::update(
        people::table
            .filter(people::id.eq(person_id))
            .filter(people::calendar_token.is_null()),
    )
    .set(people::calendar_token.eq(token))
    .execute(conn)
}

/// Replaces the person's token, so the old feed URL stops working.
pub fn replace_token(conn: &mut DbConnection, person_id: &str, token: &str) -> QueryResult<usize> {
    diesel::update(people::table.filter(people::id.eq(person_id)))
        .set(people::calendar_token.eq(token))
        .execute(conn)
}

/// Whose feed this is: only an active, not anonymised, person's token opens a feed.
pub fn owner_of_token(conn: &mut DbConnection, token: &str) -> QueryResult<Option<Person>> {
    people::table
        .filter(people::calendar_token.eq(token))
        .filter(people::active.eq(true))
        .filter(people::anonymised_at.is_null())
        .select(Person::as_select())
        .first(conn)
        .optional()
}
