//! Applications (enrolments), their dated status history, and the waiting list.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{cohorts, enrolment_events, enrolments, people, programmes, schools};
use crate::domain::enrolment::EnrolmentStatus;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = enrolments)]
pub struct Enrolment {
    pub id: String,
    pub person_id: String,
    pub cohort_id: String,
    pub programme_id: String,
    pub status: String,
    pub active: bool,
    pub waitlist_ticket: Option<i64>,
    pub endorsed_by: Option<String>,
    pub endorsed_at: Option<NaiveDateTime>,
    pub eligibility_override_reason: Option<String>,
    pub applied_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The school the application was made from, whose headteacher endorses it.
    pub school_id: Option<String>,
    /// When it was moved into its cohort or took a seat there after applying (promoted from
    /// the waiting list, endorsed); none if it was confirmed as it was made.
    pub joined_cohort_at: Option<NaiveDateTime>,
}

impl Enrolment {
    pub fn status(&self) -> Option<EnrolmentStatus> {
        EnrolmentStatus::parse(&self.status)
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = enrolments, treat_none_as_default_value = false)]
pub struct NewEnrolment<'a> {
    pub id: &'a str,
    pub person_id: &'a str,
    pub cohort_id: &'a str,
    pub programme_id: &'a str,
    pub status: &'a str,
    pub active: bool,
    pub waitlist_ticket: Option<i64>,
    pub eligibility_override_reason: Option<&'a str>,
    /// The academic year of the cohort's start. A trigger sets it when it is wrong or absent;
    /// given right, it spares the trigger rewriting the new row.
    pub academic_year: Option<i32>,
    pub applied_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The applicant's school when they applied: its headteacher endorses the application.
    pub school_id: Option<&'a str>,
}

pub fn insert(conn: &mut DbConnection, enrolment: &NewEnrolment<'_>) -> QueryResult<()> {
    diesel::insert_into(enrolments::table)
        .values(enrolment)
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Enrolment>> {
    enrolments::table
        .find(id)
        .select(Enrolment::as_select())
        .get_result(conn)
        .optional()
}

/// A dated entry in the application's history: who changed it, when, and why.
pub struct StatusChange<'a> {
    pub enrolment_id: &'a str,
    pub from: Option<EnrolmentStatus>,
    pub to: EnrolmentStatus,
    pub actor_id: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub at: NaiveDateTime,
}

/// Writes the history entry, which is also the change's entry in the audit log (see
/// `audit::search`).
pub fn record_change(conn: &mut DbConnection, change: &StatusChange<'_>) -> QueryResult<()> {
    diesel::insert_into(enrolment_events::table)
        .values((
            enrolment_events::id.eq(super::new_row_id()),
            enrolment_events::enrolment_id.eq(change.enrolment_id),
            enrolment_events::from_status.eq(change.from.map(EnrolmentStatus::as_str)),
            enrolment_events::to_status.eq(change.to.as_str()),
            enrolment_events::actor_id.eq(change.actor_id),
            enrolment_events::reason.eq(change.reason),
            enrolment_events::occurred_at.eq(change.at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Where an application was when it was read, in cohort and status. A change applies only if
/// it is still there: two people acting on one application at once cannot both succeed, and a
/// move to another cohort keeps the status, so the status alone would not tell.
#[derive(Debug, Clone, Copy)]
pub struct AsRead<'a> {
    pub cohort_id: &'a str,
    pub status: EnrolmentStatus,
}

/// Moves the application to `to`, only if it is still as read. Returns whether it moved.
pub fn change_status(
    conn: &mut DbConnection,
    id: &str,
    read: AsRead<'_>,
    to: EnrolmentStatus,
    waitlist_ticket: Option<i64>,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let as_read = enrolments::table
        .filter(enrolments::id.eq(id))
        .filter(enrolments::cohort_id.eq(read.cohort_id))
        .filter(enrolments::status.eq(read.status.as_str()));
    let changes = (
        enrolments::status.eq(to.as_str()),
        enrolments::active.eq(to.is_active()),
        enrolments::waitlist_ticket.eq(waitlist_ticket),
        enrolments::updated_at.eq(at),
    );
    // A seat taken now (promoted, endorsed) is when the cohort's sessions start to count.
    let updated = if to == EnrolmentStatus::Confirmed {
        diesel::update(as_read)
            .set((changes, enrolments::joined_cohort_at.eq(Some(at))))
            .execute(conn)?
    } else {
        diesel::update(as_read).set(changes).execute(conn)?
    };
    if updated == 1 && read.status == EnrolmentStatus::Confirmed && to != read.status {
        super::session_reminders::withdraw_for_enrolment(conn, id, at)?;
    }
    Ok(updated == 1)
}

pub fn mark_endorsed(
    conn: &mut DbConnection,
    id: &str,
    by: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(enrolments::table.find(id))
        .set((
            enrolments::endorsed_by.eq(by),
            enrolments::endorsed_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// 1 for the head of the queue. Positions are ranks, so they never have gaps.
pub fn waitlist_position(
    conn: &mut DbConnection,
    cohort_id: &str,
    ticket: i64,
) -> QueryResult<i64> {
    enrolments::table
        .filter(enrolments::cohort_id.eq(cohort_id))
        .filter(enrolments::status.eq(EnrolmentStatus::Waitlisted.as_str()))
        .filter(enrolments::waitlist_ticket.le(ticket))
        .count()
        .get_result(conn)
}

/// The first in the queue whose account is active. A deactivated person cannot sign in to
/// take up a seat, so they are passed over (keeping their place, should they come back) rather
/// than given a seat that someone able to use it is waiting for.
pub fn first_waitlisted(
    conn: &mut DbConnection,
    cohort_id: &str,
) -> QueryResult<Option<Enrolment>> {
    enrolments::table
        .inner_join(people::table.on(people::id.eq(enrolments::person_id)))
        .filter(people::active.eq(true))
        .filter(enrolments::cohort_id.eq(cohort_id))
        .filter(enrolments::status.eq(EnrolmentStatus::Waitlisted.as_str()))
        .order(enrolments::waitlist_ticket.asc())
        .select(Enrolment::as_select())
        .first(conn)
        .optional()
}

/// One application with what a list of them shows.
#[derive(Debug, Clone, Queryable)]
pub struct ApplicationRow {
    pub id: String,
    pub status: String,
    pub waitlist_ticket: Option<i64>,
    pub applied_at: NaiveDateTime,
    pub cohort_id: String,
    pub cohort_name: String,
    pub programme_id: String,
    pub programme_code: String,
    pub programme_title_en: String,
    pub programme_title_cy: String,
}

pub fn for_person(conn: &mut DbConnection, person_id: &str) -> QueryResult<Vec<ApplicationRow>> {
    enrolments::table
        .inner_join(cohorts::table.inner_join(programmes::table))
        .filter(enrolments::person_id.eq(person_id))
        .order(enrolments::applied_at.desc())
        .select((
            enrolments::id,
            enrolments::status,
            enrolments::waitlist_ticket,
            enrolments::applied_at,
            cohorts::id,
            cohorts::name,
            programmes::id,
            programmes::code,
            programmes::title_en,
            programmes::title_cy,
        ))
        .load(conn)
}

/// A cohort's applicants in the order a lead reads them.
#[derive(Debug, Clone, Queryable)]
pub struct RosterRow {
    pub enrolment_id: String,
    pub status: String,
    pub waitlist_ticket: Option<i64>,
    pub applied_at: NaiveDateTime,
    pub person_id: String,
    pub name: String,
    pub email: String,
    pub school_en: Option<String>,
    pub school_cy: Option<String>,
}

pub fn roster(conn: &mut DbConnection, cohort_id: &str) -> QueryResult<Vec<RosterRow>> {
    enrolments::table
        .inner_join(people::table.on(people::id.eq(enrolments::person_id)))
        .left_join(schools::table.on(people::school_id.eq(schools::id.nullable())))
        .filter(enrolments::cohort_id.eq(cohort_id))
        .order((
            enrolments::waitlist_ticket.asc(),
            enrolments::applied_at.asc(),
        ))
        .select((
            enrolments::id,
            enrolments::status,
            enrolments::waitlist_ticket,
            enrolments::applied_at,
            people::id,
            people::name,
            people::email,
            schools::name_en.nullable(),
            schools::name_cy.nullable(),
        ))
        .load(conn)
}

/// Counts of the cohort's applications by status, to check the seat count against.
pub fn confirmed_count(conn: &mut DbConnection, cohort_id: &str) -> QueryResult<i64> {
    enrolments::table
        .filter(enrolments::cohort_id.eq(cohort_id))
        .filter(enrolments::status.eq(EnrolmentStatus::Confirmed.as_str()))
        .count()
        .get_result(conn)
}

/// An application waiting for a headteacher, with who made it and for what.
#[derive(Debug, Clone, Queryable)]
pub struct PendingEndorsement {
    pub enrolment_id: String,
    pub applied_at: NaiveDateTime,
    pub person_name: String,
    pub person_email: String,
    pub cohort_name: String,
    pub starts_on: chrono::NaiveDate,
    pub programme_title_en: String,
    pub programme_title_cy: String,
}

/// Applications made from these schools and awaiting endorsement, oldest first, but for the
/// headteacher's own.
pub fn awaiting_endorsement_at(
    conn: &mut DbConnection,
    school_ids: &[String],
    headteacher_id: &str,
) -> QueryResult<Vec<PendingEndorsement>> {
    enrolments::table
        .inner_join(people::table.on(people::id.eq(enrolments::person_id)))
        .inner_join(cohorts::table.inner_join(programmes::table))
        .filter(enrolments::status.eq(EnrolmentStatus::AwaitingEndorsement.as_str()))
        .filter(enrolments::school_id.eq_any(school_ids))
        .filter(enrolments::person_id.ne(headteacher_id))
        .order(enrolments::applied_at.asc())
        .select((
            enrolments::id,
            enrolments::applied_at,
            people::name,
            people::email,
            cohorts::name,
            cohorts::starts_on,
            programmes::title_en,
            programmes::title_cy,
        ))
        .load(conn)
}

/// Moves the application to another cohort, only if it is still as read.
pub fn move_to(
    conn: &mut DbConnection,
    id: &str,
    read: AsRead<'_>,
    cohort_id: &str,
    to: EnrolmentStatus,
    waitlist_ticket: Option<i64>,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let moved = diesel::update(
        enrolments::table
            .filter(enrolments::id.eq(id))
            .filter(enrolments::cohort_id.eq(read.cohort_id))
            .filter(enrolments::status.eq(read.status.as_str())),
    )
    .set((
        enrolments::cohort_id.eq(cohort_id),
        enrolments::status.eq(to.as_str()),
        enrolments::waitlist_ticket.eq(waitlist_ticket),
        enrolments::joined_cohort_at.eq(Some(at)),
        enrolments::updated_at.eq(at),
    ))
    .execute(conn)?;
    // Reminders of the cohort left behind are not for this person any more.
    if moved == 1 && read.status == EnrolmentStatus::Confirmed {
        super::session_reminders::withdraw_for_enrolment(conn, id, at)?;
    }
    Ok(moved == 1)
}

/// One application by a member of a school's staff, as their headteacher sees it.
#[derive(Debug, Clone, Queryable)]
pub struct StaffApplication {
    pub name: String,
    pub programme_en: String,
    pub programme_cy: String,
    pub cohort_name: String,
    pub status: String,
}

/// Every application by staff of these schools, newest first, for their headteacher.
pub fn staff_applications(
    conn: &mut DbConnection,
    school_ids: &[String],
) -> QueryResult<Vec<StaffApplication>> {
    enrolments::table
        .inner_join(people::table.on(people::id.eq(enrolments::person_id)))
        .inner_join(cohorts::table.inner_join(programmes::table))
        .filter(people::school_id.eq_any(school_ids))
        .order(enrolments::applied_at.desc())
        .select((
            people::name,
            programmes::title_en,
            programmes::title_cy,
            cohorts::name,
            enrolments::status,
        ))
        .load(conn)
}
