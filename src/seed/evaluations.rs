//! A finished demo cohort with its end-of-programme evaluation already answered, so that the
//! results pages have something to show at once: the Consultant Headteachers pilot cohort of
//! 2025-26, with comments taken from the consortium's own evaluation (seed 001).
//!
//! Like the rest of the demo data it is added once: when the cohort is there, nothing is
//! touched.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;

use super::bad_data;
use crate::db::DbConnection;
use crate::db::evaluations as store;
use crate::db::schema::{cohorts, enrolment_events, enrolments, evaluation_invitations, people};
use crate::error::AppResult;
use crate::evaluations::new_token;

const PROGRAMME_CODE: &str = "consultant-headteachers";
const COHORT_NAME: &str = "Pilot cohort 2025–26";
const CAPACITY: i32 = 12;

/// One participant's answers: overall, content, delivery, relevance, impact, and what worked
/// well. `None` for someone who did not answer.
type Answers = Option<([i32; 5], Option<&'static str>)>;

const ANSWERS: [Answers; 10] = [
    Some((
        [5, 5, 5, 5, 4],
        Some(
            "Very good CPD. Quality and content was excellent. Delivery was well planned, suitably timed and thought provoking.",
        ),
    )),
    Some((
        [5, 5, 4, 5, 4],
        Some(
            "Well delivered programme with opportunity to share and reflect. Good networks built up across the two days.",
        ),
    )),
    Some((
        [4, 4, 5, 5, 4],
        Some(
            "Extremely relevant content. A real sense of trust and professionalism established from the very beginning.",
        ),
    )),
    Some((
        [5, 5, 5, 4, 5],
        Some("Engaging, challenging and thoughtful."),
    )),
    Some(([4, 4, 4, 4, 3], None)),
    Some((
        [5, 4, 5, 5, 4],
        Some(
            "Very appropriate and thought provoking for the future development of my career and education in Wales.",
        ),
    )),
    Some(([3, 3, 4, 3, 3], None)),
    Some((
        [5, 5, 5, 5, 5],
        Some("Good CPD, learned a lot! Excellent pace and delivery."),
    )),
    None,
    None,
];

const SCALE_QUESTIONS: [&str; 5] = [
    "q-overall",
    "q-content",
    "q-delivery",
    "q-relevance",
    "q-impact",
];

fn at(date: &str, hour: u32) -> AppResult<NaiveDateTime> {
    let day = NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map_err(|e| bad_data(format!("{date}: {e}")))?;
    let time =
        NaiveTime::from_hms_opt(hour, 0, 0).ok_or_else(|| bad_data(format!("no hour {hour}")))?;
    Ok(day.and_time(time))
}

/// Adds the finished cohort, its completed participants and its answered round, unless the
/// cohort is there already.
pub fn ensure_finished_cohort(
    conn: &mut DbConnection,
    lead_id: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    let programme = crate::db::catalogue::find_programme_by_code(conn, PROGRAMME_CODE)?
        .ok_or_else(|| bad_data(format!("no programme {PROGRAMME_CODE}")))?;
    let exists: i64 = cohorts::table
        .filter(cohorts::programme_id.eq(&programme.id))
        .filter(cohorts::name.eq(COHORT_NAME))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(());
    }
    // Demo participants who have never had a place on this programme.
    let busy = enrolments::table
        .filter(enrolments::programme_id.eq(&programme.id))
        .select(enrolments::person_id);
    let participants: Vec<String> = people::table
        .filter(people::email.like("participant.%"))
        .filter(people::id.ne_all(busy))
        .order(people::email.asc())
        .select(people::id)
        .limit(i64::try_from(ANSWERS.len()).unwrap_or_default())
        .load(conn)?;
    let seats = i32::try_from(participants.len()).unwrap_or_default();
    let cohort_id = uuid::Uuid::new_v4().to_string();
    diesel::insert_into(cohorts::table)
        .values((
            cohorts::id.eq(&cohort_id),
            cohorts::programme_id.eq(&programme.id),
            cohorts::name.eq(COHORT_NAME),
            cohorts::capacity.eq(CAPACITY),
            cohorts::seats_taken.eq(seats),
            cohorts::waitlist_counter.eq(0_i64),
            cohorts::starts_on.eq(at("2025-10-02", 9)?.date()),
            cohorts::ends_on.eq(at("2026-06-18", 9)?.date()),
            cohorts::applications_open_on.eq(at("2025-06-02", 9)?.date()),
            cohorts::applications_close_on.eq(at("2025-07-11", 9)?.date()),
            cohorts::language_medium.eq("bilingual"),
            cohorts::status.eq("closed"),
            cohorts::lead_id.eq(lead_id),
            cohorts::venue.eq("Canolfan Hyfforddi Pen-y-bont"),
            cohorts::created_at.eq(now),
            cohorts::updated_at.eq(now),
        ))
        .execute(conn)?;
    let applied_at = at("2025-06-10", 10)?;
    let completed_at = at("2026-06-18", 16)?;
    for person_id in &participants {
        let enrolment_id = uuid::Uuid::new_v4().to_string();
        diesel::insert_into(enrolments::table)
            .values((
                enrolments::id.eq(&enrolment_id),
                enrolments::person_id.eq(person_id),
                enrolments::cohort_id.eq(&cohort_id),
                enrolments::programme_id.eq(&programme.id),
                enrolments::status.eq("completed"),
                enrolments::active.eq(true),
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
    }
    seed_round(conn, &cohort_id, lead_id, &participants, now)
}

fn seed_round(
    conn: &mut DbConnection,
    cohort_id: &str,
    lead_id: &str,
    participants: &[String],
    now: NaiveDateTime,
) -> AppResult<()> {
    let form_id = store::default_form_id(conn)?
        .ok_or_else(|| bad_data("no default evaluation form".into()))?;
    let round_id = uuid::Uuid::new_v4().to_string();
    let opens_at = at("2026-06-18", 17)?;
    store::insert_round(
        conn,
        &store::NewRound {
            id: &round_id,
            cohort_id,
            form_id: &form_id,
            kind: "end_of_programme",
            session_id: None,
            anonymous: true,
            opens_at,
            closes_at: at("2026-07-10", 0)?,
            reminder_every_days: Some(7),
            created_by: Some(lead_id),
            created_at: opens_at.min(now),
        },
    )?;
    for (person_id, answers) in participants.iter().zip(ANSWERS) {
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
        let Some((scores, comment)) = answers else {
            continue;
        };
        diesel::update(evaluation_invitations::table.find(&invitation_id))
            .set(evaluation_invitations::responded_at.eq(at("2026-06-25", 12)?))
            .execute(conn)?;
        // An anonymous round: the response points at no invitation.
        let response_id = uuid::Uuid::new_v4().to_string();
        store::insert_response(conn, &response_id, &round_id, None, opens_at)?;
        for (question, score) in SCALE_QUESTIONS.iter().zip(scores) {
            store::insert_answer(
                conn,
                &store::NewAnswer {
                    round_id: &round_id,
                    response_id: &response_id,
                    question_id: question,
                    value_int: Some(score),
                    value_text: None,
                    is_choice: false,
                },
            )?;
        }
        if let Some(text) = comment {
            store::insert_answer(
                conn,
                &store::NewAnswer {
                    round_id: &round_id,
                    response_id: &response_id,
                    question_id: "q-worked-well",
                    value_int: None,
                    value_text: Some(text),
                    is_choice: false,
                },
            )?;
        }
    }
    Ok(())
}
