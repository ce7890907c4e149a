//! Demo participants: generated teachers and leaders who fill the cohorts' seats. They have no
//! password, so nobody can log in as them.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use super::bad_data;
use super::calendar::date;
use super::data::{self, Cohort, Programme};
use super::organisations::Places;
use super::tally::{Count, Tally};
use crate::auth::accounts::grant;
use crate::db::DbConnection;
use crate::db::people::{self, NewPerson};
use crate::db::schema::{cohorts, enrolment_events, enrolments};
use crate::domain::language::Language;
use crate::domain::role::Role;
use crate::error::AppResult;

/// The seats of one cohort that demo participants hold; their numbers run from `first_number`.
pub struct Seating<'a> {
    pub programme: &'a Programme,
    pub programme_id: &'a str,
    pub cohort: &'a Cohort,
    pub cohort_id: &'a str,
    pub first_number: usize,
}

impl Seating<'_> {
    pub fn seats(&self) -> usize {
        usize::try_from(self.cohort.seats_taken()).unwrap_or_default()
    }

    fn numbers(&self) -> std::ops::Range<usize> {
        self.first_number..self.first_number + self.seats()
    }
}

/// Seats the cohort's demo participants, each with a confirmed enrolment.
pub fn fill_seats(
    conn: &mut DbConnection,
    tally: &mut Tally,
    places: &Places,
    seating: &Seating<'_>,
    now: NaiveDateTime,
) -> AppResult<()> {
    let stage = seating.programme.target_stages.first().copied();
    let applications_opened = date(seating.cohort.applications_open_on)?
        .and_hms_opt(9, 0, 0)
        .ok_or_else(|| {
            bad_data(format!(
                "{} has no morning",
                seating.cohort.applications_open_on
            ))
        })?;
    for (arrival, number) in seating.numbers().enumerate() {
        let person_id =
            ensure_participant(conn, &mut tally.participants, places, number, stage, now)?;
        // Applications arrive a few hours apart from the day applications open, never later
        // than now.
        let hours_after_opening = i64::try_from(3 * arrival).unwrap_or_default();
        let applied_at = (applications_opened + TimeDelta::hours(hours_after_opening)).min(now);
        ensure_confirmed_enrolment(conn, tally, seating, &person_id, applied_at, now)?;
    }
    Ok(())
}

fn ensure_participant(
    conn: &mut DbConnection,
    count: &mut Count,
    places: &Places,
    number: usize,
    stage: Option<&str>,
    now: NaiveDateTime,
) -> AppResult<String> {
    let email = data::participant_email(number);
    let school = data::participant_school(number)
        .ok_or_else(|| bad_data("the demo data has no schools".into()))?;
    let school_id = places.schools.get(school.number)?;
    // People in Welsh-medium schools see Llwybr in Welsh first.
    let language = if school.language_medium == "welsh" {
        Language::Cy
    } else {
        Language::En
    };
    let found = people::find_by_email(conn, &email)?.map(|person| person.id);
    let id = count.ensure(found, |id| {
        people::insert_person(
            conn,
            &NewPerson {
                id,
                email: &email,
                name: &data::participant_name(number),
                password_hash: None,
                preferred_language: language.code(),
                school_id: Some(school_id),
                stage_code: stage,
                job_title: Some(data::job_title_for_stage(stage)),
                active: true,
                created_at: now,
                updated_at: now,
                credentials_changed_at: now,
            },
        )
    })?;
    grant(conn, &id, Role::Participant, None, None, now)?;
    Ok(id)
}

/// A confirmed enrolment for the participant in the cohort, taking a seat the way an
/// application does: only while one is free, and only if the participant has no other live
/// application for the programme.
fn ensure_confirmed_enrolment(
    conn: &mut DbConnection,
    tally: &mut Tally,
    seating: &Seating<'_>,
    person_id: &str,
    applied_at: NaiveDateTime,
    now: NaiveDateTime,
) -> AppResult<()> {
    let already_enrolled = enrolments::table
        .filter(enrolments::person_id.eq(person_id))
        .filter(enrolments::cohort_id.eq(seating.cohort_id))
        .count()
        .get_result::<i64>(conn)?;
    if already_enrolled > 0 {
        tally.enrolments.found(already_enrolled);
        return Ok(());
    }
    if has_live_application(conn, person_id, seating.programme_id)?
        || !take_seat(conn, seating.cohort_id, now)?
    {
        tracing::warn!(
            person_id,
            cohort_id = seating.cohort_id,
            "a demo seat was left empty"
        );
        tally.seats_left_empty += 1;
        return Ok(());
    }
    let enrolment_id = uuid::Uuid::new_v4().to_string();
    diesel::insert_into(enrolments::table)
        .values((
            enrolments::id.eq(&enrolment_id),
            enrolments::person_id.eq(person_id),
            enrolments::cohort_id.eq(seating.cohort_id),
            enrolments::programme_id.eq(seating.programme_id),
            enrolments::status.eq("confirmed"),
            enrolments::active.eq(true),
            enrolments::waitlist_ticket.eq(None::<i64>),
            enrolments::applied_at.eq(applied_at),
            enrolments::updated_at.eq(applied_at),
        ))
        .execute(conn)?;
    diesel::insert_into(enrolment_events::table)
        .values((
            enrolment_events::id.eq(uuid::Uuid::new_v4().to_string()),
            enrolment_events::enrolment_id.eq(&enrolment_id),
            enrolment_events::from_status.eq(None::<&str>),
            enrolment_events::to_status.eq("confirmed"),
            enrolment_events::reason.eq("demo data"),
            enrolment_events::occurred_at.eq(applied_at),
        ))
        .execute(conn)?;
    tally.enrolments.inserted();
    Ok(())
}

fn has_live_application(
    conn: &mut DbConnection,
    person_id: &str,
    programme_id: &str,
) -> QueryResult<bool> {
    enrolments::table
        .filter(enrolments::person_id.eq(person_id))
        .filter(enrolments::programme_id.eq(programme_id))
        .filter(enrolments::active.eq(true))
        .count()
        .get_result::<i64>(conn)
        .map(|live| live > 0)
}

/// Takes a seat only while one is free (the rule the cohorts table is built for), so that a
/// cohort is never overbooked, even by the seed.
fn take_seat(conn: &mut DbConnection, cohort_id: &str, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        cohorts::table
            .filter(cohorts::id.eq(cohort_id))
            .filter(cohorts::seats_taken.lt(cohorts::capacity)),
    )
    .set((
        cohorts::seats_taken.eq(cohorts::seats_taken + 1),
        cohorts::updated_at.eq(now),
    ))
    .execute(conn)
    .map(|updated| updated == 1)
}
