//! Past academic years for the dashboard: finished cohorts of three demo programmes in 2023/24
//! (the baseline year of `config/default.toml`), 2024/25 and 2025/26, growing from 18 to 28
//! participants (the +50% target of 27 is met in 2025/26), with end-of-programme evaluations
//! whose satisfaction rises from about 85% towards 95%. MLDP and NPQH have their own history,
//! seeded with the career histories their outcome measures need.
//!
//! The alumni are people without accounts at the demo schools; a few are deputy or assistant
//! heads now, so the succession pipeline has something to show. Each cohort is added once: when
//! it is there, nothing of it is touched.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;

use super::bad_data;
use super::data::{self, participant_name, participant_school};
use super::organisations::Places;
use super::tally::Tally;
use crate::db::DbConnection;
use crate::db::evaluations as store;
use crate::db::people::{self, NewPerson};
use crate::db::schema::{
    career_entries, cohorts, enrolment_events, enrolments, evaluation_invitations,
};
use crate::error::AppResult;
use crate::evaluations::new_token;

/// The programmes, their participants in each past year and how many of those who answered the
/// evaluation gave less than 4 (four in five answer): satisfaction is 13 of 15 (86.7%), 17 of
/// 19 (89.5%) and 23 of 24 (95.8%).
const HISTORY: [(&str, [usize; 3], [usize; 3]); 3] = [
    ("aspiring-senior-leaders", [6, 7, 9], [1, 1, 1]),
    ("future-leaders", [5, 7, 9], [0, 1, 0]),
    ("coaching-mentoring", [7, 8, 10], [1, 0, 0]),
];
const YEARS: [i32; 3] = [2023, 2024, 2025];
/// Alumni numbers start here, after the demo participants'.
const FIRST_ALUMNUS: usize = 500;

fn alumnus_email(number: usize) -> String {
    data::participant_email(number).replacen("participant.", "alumni.", 1)
}

fn date(year: i32, month: u32, day: u32) -> AppResult<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
        .ok_or_else(|| bad_data(format!("no date {year}-{month}-{day}")))
}

fn noon(day: NaiveDate) -> NaiveDateTime {
    day.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or(NaiveTime::MIN))
}

/// How many of a cohort of `seated` answer: four in five.
fn answering(seated: usize) -> usize {
    seated - seated / 5
}

/// The scores of a cohort's answers: `unhappy` of them 2 or 3, the rest 4 or 5.
fn scores(answers: usize, unhappy: usize) -> Vec<i32> {
    let satisfied = answers.saturating_sub(unhappy);
    (0..answers)
        .map(|i| match (i < satisfied, i % 2) {
            (true, 0) => 5,
            (true, _) => 4,
            (false, 0) => 3,
            (false, _) => 2,
        })
        .collect()
}

pub fn ensure_history(
    conn: &mut DbConnection,
    tally: &mut Tally,
    places: &Places,
    lead_id: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    let form_id = store::default_form_id(conn)?
        .ok_or_else(|| bad_data("no default evaluation form".into()))?;
    let mut next_alumnus = FIRST_ALUMNUS;
    for (code, sizes, unhappy) in HISTORY {
        let programme = crate::db::catalogue::find_programme_by_code(conn, code)?
            .ok_or_else(|| bad_data(format!("no programme {code}")))?;
        let stage = crate::db::catalogue::target_stages(conn, &programme.id)?
            .into_iter()
            .next();
        for ((year, size), unhappy) in YEARS.into_iter().zip(sizes).zip(unhappy) {
            let first = next_alumnus;
            next_alumnus += size;
            let name = format!("{year}–{:02} (history)", (year + 1) % 100);
            let found: Option<String> = cohorts::table
                .filter(cohorts::programme_id.eq(&programme.id))
                .filter(cohorts::name.eq(&name))
                .select(cohorts::id)
                .first(conn)
                .optional()?;
            if found.is_some() {
                tally.cohorts.found(1);
                continue;
            }
            let cohort_id = uuid::Uuid::new_v4().to_string();
            let (starts_on, ends_on) = (date(year, 10, 1)?, date(year + 1, 3, 26)?);
            diesel::insert_into(cohorts::table)
                .values((
                    cohorts::id.eq(&cohort_id),
                    cohorts::programme_id.eq(&programme.id),
                    cohorts::name.eq(&name),
                    cohorts::capacity.eq(i32::try_from(size).unwrap_or(i32::MAX).max(12)),
                    cohorts::seats_taken.eq(i32::try_from(size).unwrap_or(i32::MAX)),
                    cohorts::waitlist_counter.eq(0_i64),
                    cohorts::starts_on.eq(starts_on),
                    cohorts::ends_on.eq(ends_on),
                    cohorts::language_medium.eq(if year % 2 == 0 { "welsh" } else { "bilingual" }),
                    cohorts::status.eq("closed"),
                    cohorts::lead_id.eq(lead_id),
                    cohorts::created_at.eq(now),
                    cohorts::updated_at.eq(now),
                ))
                .execute(conn)?;
            tally.cohorts.inserted();
            let mut seated = Vec::new();
            for number in first..first + size {
                let person_id = ensure_alumnus(conn, tally, places, number, stage.as_deref(), now)?;
                enrol(
                    conn,
                    tally,
                    &person_id,
                    &cohort_id,
                    &programme.id,
                    noon(starts_on),
                    noon(ends_on),
                )?;
                seated.push(person_id);
            }
            evaluate(
                conn,
                &form_id,
                &cohort_id,
                lead_id,
                &seated,
                unhappy,
                noon(ends_on),
            )?;
        }
    }
    Ok(())
}

fn ensure_alumnus(
    conn: &mut DbConnection,
    tally: &mut Tally,
    places: &Places,
    number: usize,
    stage: Option<&str>,
    now: NaiveDateTime,
) -> AppResult<String> {
    let email = alumnus_email(number);
    let school = participant_school(number)
        .ok_or_else(|| bad_data("the demo data has no schools".into()))?;
    let school_id = places.schools.get(school.number)?;
    let found = people::find_by_email(conn, &email)?.map(|person| person.id);
    let is_new = found.is_none();
    let id = tally.participants.ensure(found, |id| {
        people::insert_person(
            conn,
            &NewPerson {
                id,
                email: &email,
                name: &participant_name(number),
                password_hash: None,
                preferred_language: "en",
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
    // Every fifth alumnus is a deputy head now, every seventh an assistant head.
    let role = match (number % 5, number % 7) {
        (0, _) => Some("deputy_head"),
        (_, 0) => Some("assistant_head"),
        _ => None,
    };
    if let (true, Some(role)) = (is_new, role) {
        diesel::insert_into(career_entries::table)
            .values((
                career_entries::id.eq(uuid::Uuid::new_v4().to_string()),
                career_entries::person_id.eq(&id),
                career_entries::role.eq(role),
                career_entries::school_id.eq(school_id),
                career_entries::started_on.eq(date(2022, 9, 1)?),
                career_entries::reason.eq("demo data"),
                career_entries::created_at.eq(now),
            ))
            .execute(conn)?;
        tally.career_entries.inserted();
    }
    Ok(id)
}

fn enrol(
    conn: &mut DbConnection,
    tally: &mut Tally,
    person_id: &str,
    cohort_id: &str,
    programme_id: &str,
    applied_at: NaiveDateTime,
    completed_at: NaiveDateTime,
) -> AppResult<()> {
    let enrolment_id = uuid::Uuid::new_v4().to_string();
    diesel::insert_into(enrolments::table)
        .values((
            enrolments::id.eq(&enrolment_id),
            enrolments::person_id.eq(person_id),
            enrolments::cohort_id.eq(cohort_id),
            enrolments::programme_id.eq(programme_id),
            enrolments::status.eq("completed"),
            enrolments::active.eq(true),
            enrolments::waitlist_ticket.eq(None::<i64>),
            enrolments::applied_at.eq(applied_at),
            enrolments::updated_at.eq(completed_at),
        ))
        .execute(conn)?;
    tally.enrolments.inserted();
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
    Ok(())
}

/// A named end-of-programme round: four in five answer, `unhappy` of them less than 4.
fn evaluate(
    conn: &mut DbConnection,
    form_id: &str,
    cohort_id: &str,
    lead_id: &str,
    seated: &[String],
    unhappy: usize,
    opens_at: NaiveDateTime,
) -> AppResult<()> {
    let round_id = uuid::Uuid::new_v4().to_string();
    store::insert_round(
        conn,
        &store::NewRound {
            id: &round_id,
            cohort_id,
            form_id,
            kind: "end_of_programme",
            session_id: None,
            anonymous: false,
            opens_at,
            closes_at: opens_at + chrono::Duration::days(21),
            reminder_every_days: Some(7),
            created_by: Some(lead_id),
            created_at: opens_at,
        },
    )?;
    let mut answers = scores(answering(seated.len()), unhappy).into_iter();
    for person_id in seated {
        let invitation_id = uuid::Uuid::new_v4().to_string();
        // The demo never emails these links, so nobody holds the token.
        let (_, token_hash) = new_token();
        store::insert_invitation(
            conn,
            &store::NewInvitation {
                id: &invitation_id,
                round_id: &round_id,
                person_id,
                token_hash: &token_hash,
                invited_at: opens_at,
            },
        )?;
        let Some(score) = answers.next() else {
            continue;
        };
        let answered_at = opens_at + chrono::Duration::days(3);
        diesel::update(evaluation_invitations::table.find(&invitation_id))
            .set(evaluation_invitations::responded_at.eq(answered_at))
            .execute(conn)?;
        let response_id = uuid::Uuid::new_v4().to_string();
        store::insert_response(
            conn,
            &response_id,
            &round_id,
            Some(&invitation_id),
            answered_at,
        )?;
        store::insert_answer(
            conn,
            &store::NewAnswer {
                round_id: &round_id,
                response_id: &response_id,
                question_id: "q-overall",
                value_int: Some(score),
                value_text: None,
                is_choice: false,
            },
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_history_grows_past_the_target_and_satisfaction_rises() {
        let year = |i: usize| -> (usize, usize, usize) {
            let seats = HISTORY.iter().map(|h| h.1[i]).sum();
            let answers = HISTORY.iter().map(|h| answering(h.1[i])).sum();
            let satisfied = HISTORY
                .iter()
                .map(|h| {
                    scores(answering(h.1[i]), h.2[i])
                        .iter()
                        .filter(|s| **s >= 4)
                        .count()
                })
                .sum();
            (seats, answers, satisfied)
        };
        assert_eq!(
            [year(0), year(1), year(2)],
            [(18, 15, 13), (22, 19, 17), (28, 24, 23)]
        );
        // +50% on the 2023/24 baseline is 27.
        assert!(year(2).0 * 100 >= year(0).0 * 150);
    }
}
