//! Dated career histories: everyone's current post, often an earlier one, and promotions after
//! a completed programme for a share of people (most NPQH candidates become heads, about half
//! of the Middle Leadership Development Programme's teachers middle leaders, within 3 years).

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rand::Rng;

use super::Context;
use super::catalogue::Programme;
use super::enrolments::Plan;
use super::insert::insert_rows;
use super::organisations::Places;
use super::people::{Staff, date};
use crate::db::DbConnection;
use crate::db::schema::career_entries;
use crate::domain::career::{CAREER_ROLES, rank};
use crate::domain::enrolment::EnrolmentStatus;

/// A promotion comes between a month and three years after the programme ends.
const PROMOTED_WITHIN_DAYS: (i64, i64) = (30, 1_095);
const EARLIER_POST_SHARE: f64 = 0.35;

/// The post a person at this stage of the continuum most likely holds.
fn role_for_stage(stage: &str) -> &'static str {
    match stage {
        "future_middle_leader" => "tlr_holder",
        "future_senior_leader" => "middle_leader",
        "existing_leader" => "assistant_head",
        "future_headteacher" => "deputy_head",
        "new_headteacher" | "strategic_headteacher" => "headteacher",
        "executive_headteacher" => "executive_head",
        _ => "teacher",
    }
}

/// What completing the programme leads to, and how often (within three years).
fn promotion_after(code: &str, current: &'static str) -> Option<(&'static str, f64)> {
    match code {
        "mldp" => Some(("middle_leader", 0.55)),
        "npqh" => Some(("headteacher", 0.78)),
        _ => {
            let next = rank(current)? + 1;
            CAREER_ROLES
                .get(next)
                .filter(|role| **role != "other")
                .map(|role| (*role, 0.08))
        }
    }
}

pub fn insert(
    conn: &mut DbConnection,
    cx: &mut Context<'_>,
    plan: &Plan,
    staff: &Staff,
    programmes: &[Programme],
    places: &Places,
    first_year: i32,
) -> anyhow::Result<usize> {
    let current: Vec<&'static str> = staff
        .people
        .iter()
        .map(|p| role_for_stage(&staff.stages[p.stage].code))
        .collect();
    // Each person's earliest promotion after a completed programme that has already happened.
    let mut promoted: Vec<Option<(NaiveDate, &'static str)>> = vec![None; staff.people.len()];
    for e in &plan.enrolments {
        if e.status != EnrolmentStatus::Completed {
            continue;
        }
        let person = e.person as usize;
        let cohort = &plan.cohorts[e.cohort as usize];
        let code = programmes[cohort.programme].code.as_str();
        let Some((role, share)) = promotion_after(code, current[person]) else {
            continue;
        };
        if !cx.rng.random_bool(share) {
            continue;
        }
        let role = if role == "headteacher" && cx.rng.random_bool(0.15) {
            "acting_head"
        } else {
            role
        };
        let on = cohort.ends_on
            + Duration::days(
                cx.rng
                    .random_range(PROMOTED_WITHIN_DAYS.0..PROMOTED_WITHIN_DAYS.1),
            );
        if on <= cx.today && promoted[person].is_none_or(|(earlier, _)| on < earlier) {
            promoted[person] = Some((on, role));
        }
    }

    let mut rows = Vec::with_capacity(staff.people.len() * 2);
    for (n, person) in staff.people.iter().enumerate() {
        let school_id = person.school.map(|s| places.schools[s].id.clone());
        let started = date(first_year - cx.rng.random_range(1..20), 9, 1);
        let (before, promotion) = match promoted[n] {
            Some((on, role)) => {
                // The post before must rank below the one promoted to.
                let below = rank(role)
                    .and_then(|r| r.checked_sub(1))
                    .map_or("teacher", |r| CAREER_ROLES[r]);
                let before = if rank(current[n]) < rank(role) {
                    current[n]
                } else {
                    below
                };
                (before, Some((on, role)))
            }
            None => (current[n], None),
        };
        let last_start = promotion.map_or(cx.today, |(on, _)| on - Duration::days(1));
        let mut post_start = started.min(last_start);
        if before != "teacher" && cx.rng.random_bool(EARLIER_POST_SHARE) {
            let span = (last_start - started).num_days();
            if span > 400 {
                let moved = started + Duration::days(cx.rng.random_range(365..span));
                let other_school = places.schools[cx.rng.random_range(0..places.schools.len())]
                    .id
                    .clone();
                rows.push(entry(
                    cx,
                    &person.id,
                    "teacher",
                    Some(other_school),
                    started,
                    Some(moved - Duration::days(1)),
                ));
                post_start = moved;
            }
        }
        rows.push(entry(
            cx,
            &person.id,
            before,
            school_id.clone(),
            post_start,
            promotion.map(|(on, _)| on - Duration::days(1)),
        ));
        if let Some((on, role)) = promotion {
            rows.push(entry(cx, &person.id, role, school_id, on, None));
        }
    }
    let count = insert_rows!(conn, career_entries::table, &rows, 10);
    (cx.progress)("career_entries", count);
    Ok(count)
}

fn entry(
    cx: &mut Context<'_>,
    person_id: &str,
    role: &'static str,
    school_id: Option<String>,
    started_on: NaiveDate,
    ended_on: Option<NaiveDate>,
) -> CareerRow {
    CareerRow {
        id: cx.ids.next_text(),
        person_id: person_id.to_owned(),
        role,
        school_id,
        organisation_name: None,
        started_on,
        ended_on,
        recorded_by: None,
        reason: None,
        created_at: cx.now,
    }
}

#[derive(Insertable)]
#[diesel(table_name = career_entries, treat_none_as_default_value = false)]
struct CareerRow {
    id: String,
    person_id: String,
    role: &'static str,
    school_id: Option<String>,
    organisation_name: Option<String>,
    started_on: NaiveDate,
    ended_on: Option<NaiveDate>,
    recorded_by: Option<String>,
    reason: Option<String>,
    created_at: NaiveDateTime,
}
