//! Programmes, their target stages, and their cohorts.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::backend::Backend;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{HasSqlType, Text};

use super::DbConnection;
use super::schema::{cohorts, programme_target_stages, programmes};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = programmes)]
pub struct Programme {
    pub id: String,
    pub code: String,
    pub title_en: String,
    pub title_cy: String,
    pub description_en: String,
    pub description_cy: String,
    pub provider_id: Option<String>,
    pub delivery_language: String,
    pub requires_endorsement: bool,
    pub completion_min_attendance_pct: i32,
    pub eligibility_rules: String,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = programmes, treat_none_as_default_value = false)]
pub struct NewProgramme<'a> {
    pub id: &'a str,
    pub code: &'a str,
    pub title_en: &'a str,
    pub title_cy: &'a str,
    pub description_en: &'a str,
    pub description_cy: &'a str,
    pub provider_id: Option<&'a str>,
    pub delivery_language: &'a str,
    pub requires_endorsement: bool,
    pub completion_min_attendance_pct: i32,
    pub eligibility_rules: &'a str,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cohorts)]
pub struct Cohort {
    pub id: String,
    pub programme_id: String,
    pub name: String,
    pub capacity: i32,
    pub seats_taken: i32,
    pub waitlist_counter: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub applications_open_on: Option<NaiveDate>,
    pub applications_close_on: Option<NaiveDate>,
    pub language_medium: String,
    pub status: String,
    pub lead_id: Option<String>,
    pub venue: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = cohorts, treat_none_as_default_value = false)]
pub struct NewCohort<'a> {
    pub id: &'a str,
    pub programme_id: &'a str,
    pub name: &'a str,
    pub capacity: i32,
    pub seats_taken: i32,
    pub waitlist_counter: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub applications_open_on: Option<NaiveDate>,
    pub applications_close_on: Option<NaiveDate>,
    pub language_medium: &'a str,
    pub status: &'a str,
    pub lead_id: Option<&'a str>,
    pub venue: Option<&'a str>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert_programme(
    conn: &mut DbConnection,
    programme: &NewProgramme<'_>,
    stages: &[String],
) -> QueryResult<()> {
    diesel::insert_into(programmes::table)
        .values(programme)
        .execute(conn)?;
    for stage in stages {
        diesel::insert_into(programme_target_stages::table)
            .values((
                programme_target_stages::programme_id.eq(programme.id),
                programme_target_stages::stage_code.eq(stage),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn find_programme(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Programme>> {
    programmes::table
        .find(id)
        .select(Programme::as_select())
        .get_result(conn)
        .optional()
}

pub fn target_stages(conn: &mut DbConnection, programme_id: &str) -> QueryResult<Vec<String>> {
    programme_target_stages::table
        .filter(programme_target_stages::programme_id.eq(programme_id))
        .select(programme_target_stages::stage_code)
        .order(programme_target_stages::stage_code.asc())
        .load(conn)
}

/// Every (programme, stage) pair, for building the catalogue in one query.
pub fn all_target_stages(conn: &mut DbConnection) -> QueryResult<Vec<(String, String)>> {
    programme_target_stages::table
        .select((
            programme_target_stages::programme_id,
            programme_target_stages::stage_code,
        ))
        .load(conn)
}

pub fn active_programmes(conn: &mut DbConnection) -> QueryResult<Vec<Programme>> {
    programmes::table
        .filter(programmes::active.eq(true))
        .order(programmes::title_en.asc())
        .select(Programme::as_select())
        .load(conn)
}

/// Every programme, those out of the catalogue too, by English title.
pub fn all_programmes(conn: &mut DbConnection) -> QueryResult<Vec<Programme>> {
    programmes::table
        .order(programmes::title_en.asc())
        .select(Programme::as_select())
        .load(conn)
}

pub fn insert_cohort(conn: &mut DbConnection, cohort: &NewCohort<'_>) -> QueryResult<()> {
    diesel::insert_into(cohorts::table)
        .values(cohort)
        .execute(conn)
        .map(|_| ())
}

pub fn find_cohort(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Cohort>> {
    cohorts::table
        .find(id)
        .select(Cohort::as_select())
        .get_result(conn)
        .optional()
}

/// A cohort, its programme and the stages the programme targets, in one query: what an
/// application needs first.
pub fn find_cohort_for_application(
    conn: &mut DbConnection,
    id: &str,
) -> QueryResult<Option<(Cohort, Programme, Vec<String>)>> {
    let rows: Vec<(Cohort, Programme, Option<String>)> = cohorts::table
        .inner_join(programmes::table.left_join(programme_target_stages::table))
        .filter(cohorts::id.eq(id))
        .order(programme_target_stages::stage_code.asc())
        .select((
            Cohort::as_select(),
            Programme::as_select(),
            programme_target_stages::stage_code.nullable(),
        ))
        .load(conn)?;
    let found = super::one_with_many(
        rows.into_iter()
            .map(|(cohort, programme, stage)| ((cohort, programme), stage)),
    );
    Ok(found.map(|((cohort, programme), stages)| (cohort, programme, stages)))
}

pub fn cohorts_of(conn: &mut DbConnection, programme_id: &str) -> QueryResult<Vec<Cohort>> {
    cohorts::table
        .filter(cohorts::programme_id.eq(programme_id))
        .order(cohorts::starts_on.asc())
        .select(Cohort::as_select())
        .load(conn)
}

pub fn all_cohorts(conn: &mut DbConnection) -> QueryResult<Vec<Cohort>> {
    cohorts::table
        .order(cohorts::starts_on.asc())
        .select(Cohort::as_select())
        .load(conn)
}

/// Takes one seat if one is free. A single conditional UPDATE, so that concurrent applicants
/// can never take more seats than the cohort has, on either database.
pub fn claim_seat(conn: &mut DbConnection, cohort_id: &str) -> QueryResult<bool> {
    ClaimSeat { cohort_id }.execute(conn).map(|n| n == 1)
}

/// `UPDATE cohorts SET seats_taken = seats_taken + 1 WHERE id = ? AND seats_taken < capacity`,
/// written out so that each connection prepares it once: diesel prepares every `UPDATE` it
/// builds again on each use (on PostgreSQL, parsed and planned again).
#[derive(Debug, Clone, Copy)]
struct ClaimSeat<'a> {
    cohort_id: &'a str,
}

impl QueryId for ClaimSeat<'_> {
    type QueryId = ClaimSeat<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<DB> QueryFragment<DB> for ClaimSeat<'_>
where
    DB: Backend + HasSqlType<Text>,
    str: ToSql<Text, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("UPDATE cohorts SET seats_taken = seats_taken + 1 WHERE id = ");
        out.push_bind_param::<Text, str>(self.cohort_id)?;
        out.push_sql(" AND seats_taken < capacity");
        Ok(())
    }
}

impl<Conn> RunQueryDsl<Conn> for ClaimSeat<'_> {}

pub fn release_seat(conn: &mut DbConnection, cohort_id: &str) -> QueryResult<()> {
    diesel::update(
        cohorts::table
            .filter(cohorts::id.eq(cohort_id))
            .filter(cohorts::seats_taken.gt(0)),
    )
    .set(cohorts::seats_taken.eq(cohorts::seats_taken - 1))
    .execute(conn)
    .map(|_| ())
}

/// A seat in the cohort if one is free (`(true, None)`), otherwise the next ticket in its
/// waiting list (`(false, Some(ticket))`).
///
/// On PostgreSQL the seat claim's condition is checked against the row as last committed, and
/// a row that fails it is passed over without waiting: while another transaction is freeing a
/// seat (a withdrawal, before it commits), the claim finds the cohort full. That transaction
/// then finds no one waiting to promote and commits, leaving a seat free while this applicant
/// is queued. The ticket's increment, which matches the row whatever it holds, does wait for
/// it, and from then on holds the row: if a seat turned out to be free by then, it is taken
/// (the ticket drawn is left unused: positions are ranks, so a gap in tickets shows nowhere).
pub fn seat_or_ticket(
    conn: &mut DbConnection,
    cohort_id: &str,
) -> QueryResult<(bool, Option<i64>)> {
    if claim_seat(conn, cohort_id)? {
        return Ok((true, None));
    }
    let (ticket, seats_taken, capacity) = take_waitlist_ticket(conn, cohort_id)?;
    if seats_taken < capacity && claim_seat(conn, cohort_id)? {
        return Ok((true, None));
    }
    Ok((false, Some(ticket)))
}

/// The next ticket in the cohort's waiting list, with the seats taken and the capacity as they
/// are once the row is held. The increment locks the cohort's row (or, on SQLite, the
/// database) until the transaction ends, so tickets keep arrival order.
fn take_waitlist_ticket(conn: &mut DbConnection, cohort_id: &str) -> QueryResult<(i64, i32, i32)> {
    diesel::update(cohorts::table.filter(cohorts::id.eq(cohort_id)))
        .set(cohorts::waitlist_counter.eq(cohorts::waitlist_counter + 1))
        .execute(conn)?;
    cohorts::table
        .find(cohort_id)
        .select((
            cohorts::waitlist_counter,
            cohorts::seats_taken,
            cohorts::capacity,
        ))
        .first(conn)
}

#[derive(Debug, AsChangeset, Default)]
#[diesel(table_name = cohorts)]
pub struct CohortChanges {
    pub capacity: Option<i32>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    /// `Some(None)` takes the closing date away.
    pub applications_close_on: Option<Option<NaiveDate>>,
    pub status: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
}

/// Applies the changes; a capacity below the seats already taken is refused by the condition.
pub fn update_cohort(
    conn: &mut DbConnection,
    cohort_id: &str,
    changes: &CohortChanges,
) -> QueryResult<usize> {
    let target = cohorts::table.filter(cohorts::id.eq(cohort_id));
    match changes.capacity {
        Some(capacity) => diesel::update(target.filter(cohorts::seats_taken.le(capacity)))
            .set(changes)
            .execute(conn),
        None => diesel::update(target).set(changes).execute(conn),
    }
}

pub fn find_programme_by_code(
    conn: &mut DbConnection,
    code: &str,
) -> QueryResult<Option<Programme>> {
    programmes::table
        .filter(programmes::code.eq(code))
        .select(Programme::as_select())
        .first(conn)
        .optional()
}

/// The cohorts a lead runs, or every cohort for `None` (an admin), with their programme's
/// titles, soonest first.
pub fn cohorts_led_by(
    conn: &mut DbConnection,
    lead_id: Option<&str>,
) -> QueryResult<Vec<(Cohort, String, String)>> {
    let mut query = cohorts::table
        .inner_join(programmes::table)
        .select((
            Cohort::as_select(),
            programmes::title_en,
            programmes::title_cy,
        ))
        .order(cohorts::starts_on.asc())
        .into_boxed();
    if let Some(lead_id) = lead_id {
        query = query.filter(cohorts::lead_id.eq(lead_id));
    }
    query.load(conn)
}

#[derive(Debug, AsChangeset, Default)]
#[diesel(table_name = programmes)]
pub struct ProgrammeChanges {
    pub title_en: Option<String>,
    pub title_cy: Option<String>,
    pub description_en: Option<String>,
    pub description_cy: Option<String>,
    pub delivery_language: Option<String>,
    pub requires_endorsement: Option<bool>,
    pub completion_min_attendance_pct: Option<i32>,
    pub eligibility_rules: Option<String>,
    pub active: Option<bool>,
    pub updated_at: Option<NaiveDateTime>,
}

/// Marks the programme changed at `at`: the first write of a change, which takes the row's
/// lock (and SQLite's write lock) before anything is read. 0 when there is no such programme.
pub fn touch_programme(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(programmes::table.find(id))
        .set(programmes::updated_at.eq(at))
        .execute(conn)
}

pub fn update_programme(
    conn: &mut DbConnection,
    id: &str,
    changes: &ProgrammeChanges,
) -> QueryResult<usize> {
    diesel::update(programmes::table.find(id))
        .set(changes)
        .execute(conn)
}

/// Replaces the programme's target stages with `stages`.
pub fn set_target_stages(
    conn: &mut DbConnection,
    programme_id: &str,
    stages: &[String],
) -> QueryResult<()> {
    diesel::delete(
        programme_target_stages::table
            .filter(programme_target_stages::programme_id.eq(programme_id)),
    )
    .execute(conn)?;
    for stage in stages {
        diesel::insert_into(programme_target_stages::table)
            .values((
                programme_target_stages::programme_id.eq(programme_id),
                programme_target_stages::stage_code.eq(stage),
            ))
            .execute(conn)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use diesel::pg::Pg;
    use diesel::sqlite::Sqlite;

    use super::*;

    /// A statement diesel keeps prepared, the same on both databases but for the placeholder.
    #[test]
    fn the_seat_claim_is_one_prepared_statement_on_both_databases() {
        let claim = ClaimSeat { cohort_id: "c1" };
        assert_eq!(claim.is_safe_to_cache_prepared(&Pg).ok(), Some(true));
        assert_eq!(
            diesel::debug_query::<Pg, _>(&claim).to_string(),
            "UPDATE cohorts SET seats_taken = seats_taken + 1 WHERE id = $1 \
             AND seats_taken < capacity -- binds: [\"c1\"]"
        );
        assert_eq!(
            diesel::debug_query::<Sqlite, _>(&claim).to_string(),
            "UPDATE cohorts SET seats_taken = seats_taken + 1 WHERE id = ? \
             AND seats_taken < capacity -- binds: [\"c1\"]"
        );
    }
}
