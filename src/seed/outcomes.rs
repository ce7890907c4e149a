//! Historic cohorts of the Middle Leadership Development Programme and NPQH, from 2018/19 to
//! 2024/25, with their completed alumni and dated career histories, so that both 3-year
//! outcome measures show several closed cohort years (some above target, some below) and
//! recent years whose people are still inside their window.
//!
//! Like the rest of the demo data it is added once: a cohort that is there is left alone.

use chrono::{Months, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::bad_data;
use super::data;
use super::organisations::Places;
use crate::auth::accounts::grant;
use crate::db::DbConnection;
use crate::db::people::{self, NewPerson};
use crate::db::schema::{career_entries, cohorts, enrolment_events, enrolments};
use crate::domain::role::Role;
use crate::error::AppResult;

/// One historic cohort: its programme, the academic year it ran in, and for each alumnus the
/// number of months after completion at which they moved up (`None`: they did not).
struct HistoricCohort {
    programme: &'static str,
    year: i32,
    moves: &'static [Option<u32>],
}

/// With a 36-month window, a move at 36 months is on the closing day and counts; 40 is late.
const HISTORY: [HistoricCohort; 14] = [
    HistoricCohort {
        programme: "mldp",
        year: 2018,
        moves: &[Some(10), Some(22), Some(36), Some(14), None, Some(40)],
    },
    HistoricCohort {
        programme: "mldp",
        year: 2019,
        moves: &[Some(18), None, None, Some(30), None, None],
    },
    HistoricCohort {
        programme: "mldp",
        year: 2020,
        moves: &[Some(12), Some(24), None, Some(8), None],
    },
    HistoricCohort {
        programme: "mldp",
        year: 2021,
        moves: &[Some(20), None, Some(26), None, Some(13), None],
    },
    HistoricCohort {
        programme: "mldp",
        year: 2022,
        moves: &[Some(15), None, None, Some(33), None],
    },
    HistoricCohort {
        programme: "mldp",
        year: 2023,
        moves: &[Some(14), None, None, None, None],
    },
    HistoricCohort {
        programme: "mldp",
        year: 2024,
        moves: &[None, Some(11), None, None],
    },
    HistoricCohort {
        programme: "npqh",
        year: 2018,
        moves: &[Some(8), Some(20), Some(31), None],
    },
    HistoricCohort {
        programme: "npqh",
        year: 2019,
        moves: &[Some(14), None, Some(38), Some(25)],
    },
    HistoricCohort {
        programme: "npqh",
        year: 2020,
        moves: &[Some(6), Some(16), Some(29), Some(12), None],
    },
    HistoricCohort {
        programme: "npqh",
        year: 2021,
        moves: &[Some(9), Some(21), None, Some(34)],
    },
    HistoricCohort {
        programme: "npqh",
        year: 2022,
        moves: &[Some(18), None, Some(27), None],
    },
    HistoricCohort {
        programme: "npqh",
        year: 2023,
        moves: &[Some(13), None, None, None],
    },
    HistoricCohort {
        programme: "npqh",
        year: 2024,
        moves: &[None, None, Some(10)],
    },
];

/// Alumni numbers start here, clear of the participants' numbers, so their names differ too.
const FIRST_ALUMNUS: usize = 600;

impl HistoricCohort {
    fn name(&self) -> String {
        let label = crate::domain::academic_year::academic_year_label(self.year);
        format!("{label} (historic) / {label} (hanesyddol)")
    }

    fn day(&self, year_offset: i32, month: u32, day: u32) -> AppResult<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year + year_offset, month, day)
            .ok_or_else(|| bad_data(format!("no {month}/{day} in {}", self.year)))
    }

    /// Where alumni of the programme start from, and the roles they move to, in turn.
    fn roles(&self) -> (&'static str, [&'static str; 2], &'static str) {
        match self.programme {
            "npqh" => (
                "deputy_head",
                ["headteacher", "acting_head"],
                "future_headteacher",
            ),
            _ => (
                "teacher",
                ["middle_leader", "tlr_holder"],
                "future_middle_leader",
            ),
        }
    }
}

/// Adds every historic cohort that is not there yet.
pub fn ensure_history(
    conn: &mut DbConnection,
    places: &Places,
    lead_id: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    let mut number = FIRST_ALUMNUS;
    for cohort in &HISTORY {
        ensure_cohort(conn, places, lead_id, cohort, number, now)?;
        number += cohort.moves.len();
    }
    Ok(())
}

fn ensure_cohort(
    conn: &mut DbConnection,
    places: &Places,
    lead_id: &str,
    cohort: &HistoricCohort,
    first_number: usize,
    now: NaiveDateTime,
) -> AppResult<()> {
    let programme = crate::db::catalogue::find_programme_by_code(conn, cohort.programme)?
        .ok_or_else(|| bad_data(format!("no programme {}", cohort.programme)))?;
    let name = cohort.name();
    let exists: i64 = cohorts::table
        .filter(cohorts::programme_id.eq(&programme.id))
        .filter(cohorts::name.eq(&name))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(());
    }
    let starts_on = cohort.day(0, 10, 3)?;
    let ends_on = cohort.day(1, 7, 9)?;
    let seats = i32::try_from(cohort.moves.len()).unwrap_or_default();
    let cohort_id = uuid::Uuid::new_v4().to_string();
    diesel::insert_into(cohorts::table)
        .values((
            cohorts::id.eq(&cohort_id),
            cohorts::programme_id.eq(&programme.id),
            cohorts::name.eq(&name),
            cohorts::capacity.eq(20),
            cohorts::seats_taken.eq(seats),
            cohorts::waitlist_counter.eq(0_i64),
            cohorts::starts_on.eq(starts_on),
            cohorts::ends_on.eq(ends_on),
            cohorts::applications_open_on.eq(cohort.day(0, 5, 1)?),
            cohorts::applications_close_on.eq(cohort.day(0, 7, 1)?),
            cohorts::language_medium.eq("bilingual"),
            cohorts::status.eq("completed"),
            cohorts::lead_id.eq(lead_id),
            cohorts::created_at.eq(now),
            cohorts::updated_at.eq(now),
        ))
        .execute(conn)?;
    let (from_role, to_roles, stage) = cohort.roles();
    let applied_at = day_at(cohort.day(0, 6, 2)?)?;
    let completed_at = day_at(ends_on)?;
    for (index, moved_after) in cohort.moves.iter().enumerate() {
        let number = first_number + index;
        let person_id = ensure_alumnus(conn, places, number, stage, now)?;
        let enrolment_id = uuid::Uuid::new_v4().to_string();
        diesel::insert_into(enrolments::table)
            .values((
                enrolments::id.eq(&enrolment_id),
                enrolments::person_id.eq(&person_id),
                enrolments::cohort_id.eq(&cohort_id),
                enrolments::programme_id.eq(&programme.id),
                enrolments::status.eq("completed"),
                enrolments::active.eq(false),
                enrolments::waitlist_ticket.eq(None::<i64>),
                enrolments::applied_at.eq(applied_at),
                enrolments::updated_at.eq(completed_at),
            ))
            .execute(conn)?;
        for (from, to, when) in [
            (None, "confirmed", applied_at),
            (Some("confirmed"), "completed", completed_at),
        ] {
            diesel::insert_into(enrolment_events::table)
                .values((
                    enrolment_events::id.eq(uuid::Uuid::new_v4().to_string()),
                    enrolment_events::enrolment_id.eq(&enrolment_id),
                    enrolment_events::from_status.eq(from),
                    enrolment_events::to_status.eq(to),
                    enrolment_events::reason.eq("demo data"),
                    enrolment_events::occurred_at.eq(when),
                ))
                .execute(conn)?;
        }
        let moved_on = moved_after
            .map(|months| {
                ends_on
                    .checked_add_months(Months::new(months))
                    .ok_or_else(|| bad_data(format!("{ends_on} + {months} months")))
            })
            .transpose()?;
        let since = cohort.day(-4, 9, 1)?;
        let to_role = to_roles[index % 2];
        let mut steps = vec![(from_role, since, moved_on.and_then(|d| d.pred_opt()))];
        if let Some(moved_on) = moved_on {
            steps.push((to_role, moved_on, None));
        }
        for (role, started_on, ended_on) in steps {
            diesel::insert_into(career_entries::table)
                .values((
                    career_entries::id.eq(uuid::Uuid::new_v4().to_string()),
                    career_entries::person_id.eq(&person_id),
                    career_entries::role.eq(role),
                    career_entries::started_on.eq(started_on),
                    career_entries::ended_on.eq(ended_on),
                    career_entries::reason.eq("demo data"),
                    career_entries::created_at.eq(now),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

fn day_at(day: NaiveDate) -> AppResult<NaiveDateTime> {
    day.and_hms_opt(16, 0, 0)
        .ok_or_else(|| bad_data(format!("{day} has no afternoon")))
}

/// An alumnus: a demo person without a password, at a school of the demo consortium.
fn ensure_alumnus(
    conn: &mut DbConnection,
    places: &Places,
    number: usize,
    stage: &str,
    now: NaiveDateTime,
) -> AppResult<String> {
    let email = data::alumnus_email(number);
    if let Some(person) = people::find_by_email(conn, &email)? {
        return Ok(person.id);
    }
    let school = data::participant_school(number)
        .ok_or_else(|| bad_data("the demo data has no schools".into()))?;
    let school_id = places.schools.get(school.number)?;
    let id = uuid::Uuid::new_v4().to_string();
    people::insert_person(
        conn,
        &NewPerson {
            id: &id,
            email: &email,
            name: &data::participant_name(number),
            password_hash: None,
            preferred_language: if school.language_medium == "welsh" {
                "cy"
            } else {
                "en"
            },
            school_id: Some(school_id),
            stage_code: Some(stage),
            job_title: Some(data::job_title_for_stage(Some(stage))),
            active: true,
            created_at: now,
            updated_at: now,
            credentials_changed_at: now,
        },
    )?;
    grant(conn, &id, Role::Participant, None, None, now)?;
    Ok(id)
}
