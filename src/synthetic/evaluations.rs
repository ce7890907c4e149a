//! Evaluation rounds on the default form for the cohorts that have ended, their invitations,
//! and the answers.
//!
//! Every ended cohort has an end-of-programme round (everyone who held a seat is invited) and
//! about half of those that ended more than seven months ago a delayed-impact round (those who
//! completed). The number of answers asked for is met exactly: the responses are spread evenly
//! over the invitations, each answering every rating question and some of the comment ones.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use rand::Rng;

use super::catalogue::Programme;
use super::enrolments::{Phase, Plan};
use super::ids::text;
use super::insert::insert_rows;
use super::people::Staff;
use super::{Context, at};
use crate::db::DbConnection;
use crate::db::schema::{
    evaluation_answers, evaluation_invitations, evaluation_questions, evaluation_responses,
    evaluation_rounds,
};
use crate::domain::enrolment::EnrolmentStatus;

pub const DEFAULT_FORM: &str = "form-leadership-default";
const DAYS_OPEN: i64 = 21;
const DELAYED_AFTER_DAYS: i64 = 182;
const ANONYMOUS_SHARE: f64 = 0.2;
/// Answers written per round of INSERTs, with their invitations and responses.
const ANSWERS_PER_ROUND: usize = 60_000;
const WORKED_WELL: [&str; 8] = [
    "Very good CPD, quality and content excellent, delivery well planned.",
    "Time to reflect with colleagues from other schools.",
    "The practical tools I could use with my team the next day.",
    "Roedd y siaradwyr gwadd yn ysbrydoledig.",
    "Clear links to the Curriculum for Wales and our school plan.",
    "Cyfle i rwydweithio gyda chydweithwyr o ysgolion eraill.",
    "The coaching sessions in small groups.",
    "Excellent facilitators who knew the realities of school life.",
];
const EVEN_BETTER: [&str; 8] = [
    "More time between sessions to try things out.",
    "Sessions after school are hard to attend.",
    "Mwy o enghreifftiau o ysgolion cynradd.",
    "Fewer slides, more discussion.",
    "Provide the materials in Welsh before the session.",
    "A follow-up session a term later would help.",
    "Byddai sesiynau ar-lein yn arbed amser teithio.",
    "The venue was difficult to reach by public transport.",
];

struct Question {
    id: String,
    scale: bool,
}

struct Round {
    id: String,
    cohort: usize,
    delayed: bool,
    anonymous: bool,
    opens_at: NaiveDateTime,
}

pub struct Written {
    pub rounds: usize,
    pub invitations: usize,
    pub responses: usize,
    pub answers: usize,
}

pub fn insert(
    conn: &mut DbConnection,
    cx: &mut Context<'_>,
    plan: &Plan,
    staff: &Staff,
    programmes: &[Programme],
    answers_wanted: usize,
) -> anyhow::Result<Written> {
    let questions: Vec<Question> = evaluation_questions::table
        .filter(evaluation_questions::form_id.eq(DEFAULT_FORM))
        .order(evaluation_questions::position)
        .select((evaluation_questions::id, evaluation_questions::kind))
        .load::<(String, String)>(conn)?
        .into_iter()
        .map(|(id, kind)| Question {
            scale: kind == "likert" || kind == "rating",
            id,
        })
        .collect();
    let scale = questions.iter().filter(|q| q.scale).count();
    let comments = questions.len() - scale;
    if scale == 0 {
        anyhow::bail!("the default evaluation form {DEFAULT_FORM} has no rating questions");
    }

    // Where each cohort's applications are: they were planned cohort by cohort.
    let mut first_of = vec![usize::MAX; plan.cohorts.len()];
    let mut end_of = vec![0; plan.cohorts.len()];
    for (i, e) in plan.enrolments.iter().enumerate() {
        let c = e.cohort as usize;
        first_of[c] = first_of[c].min(i);
        end_of[c] = i + 1;
    }
    let invited = |round_delayed: bool, status: EnrolmentStatus| {
        if round_delayed {
            status == EnrolmentStatus::Completed
        } else {
            status.holds_seat()
        }
    };

    let mut rounds = Vec::new();
    let mut round_rows = Vec::new();
    let mut invitations_total = 0_usize;
    for (c, cohort) in plan.cohorts.iter().enumerate() {
        if cohort.phase != Phase::Ended || first_of[c] == usize::MAX {
            continue;
        }
        let ended = cohort.ends_on + Duration::days(1);
        let mut kinds = vec![(false, at(ended, 9))];
        let delayed_on = cohort.ends_on + Duration::days(DELAYED_AFTER_DAYS);
        if delayed_on + Duration::days(DAYS_OPEN) < cx.today && cx.rng.random_bool(0.5) {
            kinds.push((true, at(delayed_on, 9)));
        }
        for (delayed, opens_at) in kinds {
            let count = plan.enrolments[first_of[c]..end_of[c]]
                .iter()
                .filter(|e| invited(delayed, e.status))
                .count();
            if count == 0 {
                continue;
            }
            invitations_total += count;
            let round = Round {
                id: cx.ids.next_text(),
                cohort: c,
                delayed,
                anonymous: cx.rng.random_bool(ANONYMOUS_SHARE),
                opens_at,
            };
            round_rows.push(RoundRow {
                id: round.id.clone(),
                cohort_id: cohort.id.clone(),
                form_id: DEFAULT_FORM,
                kind: if delayed {
                    "delayed_impact"
                } else {
                    "end_of_programme"
                },
                session_id: None,
                anonymous: round.anonymous,
                opens_at,
                closes_at: opens_at + Duration::days(DAYS_OPEN),
                reminder_every_days: Some(7),
                created_by: Some(staff.people[cohort.lead].id.clone()),
                created_at: opens_at.min(cx.now),
            });
            rounds.push(round);
        }
    }
    let round_count = insert_rows!(conn, evaluation_rounds::table, &round_rows, 11);
    drop(round_rows);
    (cx.progress)("evaluation_rounds", round_count);

    let responses_wanted = responses_for(answers_wanted, scale, comments, invitations_total)?;
    let mut extra_left = answers_wanted - responses_wanted * scale;
    let mut slots_left = responses_wanted * comments;
    let mut responses_left = responses_wanted;
    let mut invitations_left = invitations_total;

    let mut written = Written {
        rounds: round_count,
        invitations: 0,
        responses: 0,
        answers: 0,
    };
    let mut invitation_rows = Vec::new();
    let mut response_rows = Vec::new();
    let mut answer_rows = Vec::with_capacity(ANSWERS_PER_ROUND + questions.len());
    let mut reported = 0;
    for round in &rounds {
        let cohort = &plan.cohorts[round.cohort];
        let programme = &programmes[cohort.programme];
        // Satisfaction rises a little year on year, and differs from programme to programme.
        let good = (0.84 + programme.quality + 0.012 * cohort.year as f64).clamp(0.5, 0.98);
        let open_seconds = (cx.now - round.opens_at)
            .num_seconds()
            .clamp(0, DAYS_OPEN * 86_400);
        for e in &plan.enrolments[first_of[round.cohort]..end_of[round.cohort]] {
            if !invited(round.delayed, e.status) {
                continue;
            }
            let responds = cx.rng.random_range(0..invitations_left) < responses_left;
            invitations_left -= 1;
            let invitation_id = cx.ids.next_text();
            let submitted_at = responds
                .then(|| round.opens_at + Duration::seconds(cx.rng.random_range(0..=open_seconds)));
            let reminded = (!responds && open_seconds >= 7 * 86_400)
                .then(|| round.opens_at + Duration::days(7));
            invitation_rows.push(InvitationRow {
                id: invitation_id.clone(),
                round_id: round.id.clone(),
                person_id: staff.people[e.person as usize].id.clone(),
                token_hash: cx.ids.token_hash(),
                invited_at: round.opens_at,
                last_reminded_at: reminded,
                responded_at: submitted_at,
            });
            let Some(submitted_at) = submitted_at else {
                continue;
            };
            responses_left -= 1;
            let response_id = cx.ids.next();
            // An anonymous response points at no invitation and carries the round's opening
            // time, so that nothing ties it to a person.
            response_rows.push(ResponseRow {
                id: text(response_id),
                round_id: round.id.clone(),
                invitation_id: (!round.anonymous).then_some(invitation_id),
                submitted_at: if round.anonymous {
                    round.opens_at
                } else {
                    submitted_at
                },
            });
            let mut comment = 0;
            for question in &questions {
                let (value_int, value_text) = if question.scale {
                    let value = if cx.rng.random_bool(good) {
                        if cx.rng.random_bool(0.55) { 5 } else { 4 }
                    } else {
                        [3, 3, 3, 2, 2, 1][cx.rng.random_range(0..6)]
                    };
                    (Some(value), None)
                } else {
                    let answered = cx.rng.random_range(0..slots_left) < extra_left;
                    slots_left -= 1;
                    comment += 1;
                    if !answered {
                        continue;
                    }
                    extra_left -= 1;
                    let list = if comment == 1 {
                        &WORKED_WELL
                    } else {
                        &EVEN_BETTER
                    };
                    (None, Some(list[cx.rng.random_range(0..list.len())]))
                };
                answer_rows.push(AnswerRow {
                    id: cx.ids.next_text(),
                    response_id: text(response_id),
                    question_id: question.id.clone(),
                    value_int,
                    value_text,
                });
            }
            if answer_rows.len() >= ANSWERS_PER_ROUND {
                flush(
                    conn,
                    &mut written,
                    &mut invitation_rows,
                    &mut response_rows,
                    &mut answer_rows,
                )?;
                if written.answers - reported >= 250_000 {
                    (cx.progress)("evaluation_answers", written.answers);
                    reported = written.answers;
                }
            }
        }
    }
    flush(
        conn,
        &mut written,
        &mut invitation_rows,
        &mut response_rows,
        &mut answer_rows,
    )?;
    (cx.progress)("evaluation_invitations", written.invitations);
    (cx.progress)("evaluation_responses", written.responses);
    (cx.progress)("evaluation_answers", written.answers);
    // Answers went in by the thousand, past the store that counts each one.
    crate::db::evaluations::recount_tallies(conn)?;
    Ok(written)
}

/// How many responses give exactly `answers` answers when each answers all `scale` rating
/// questions and up to `comments` comment ones, about half of them on average.
fn responses_for(
    answers: usize,
    scale: usize,
    comments: usize,
    invitations: usize,
) -> anyhow::Result<usize> {
    if answers == 0 {
        return Ok(0);
    }
    let most = scale + comments;
    let fewest = answers.div_ceil(most);
    let highest = answers / scale;
    if fewest > invitations {
        anyhow::bail!(
            "{answers} answers need at least {fewest} responses, but only {invitations} people \
             were invited to evaluate: ask for more enrolments or fewer answers"
        );
    }
    if fewest > highest {
        anyhow::bail!(
            "{answers} answers cannot be split into responses of {scale} to {most} answers each"
        );
    }
    let ideal = (2 * answers) / (2 * scale + comments).max(1);
    Ok(ideal.clamp(fewest, highest).min(invitations))
}

/// Writes what is buffered, parents first.
fn flush(
    conn: &mut DbConnection,
    written: &mut Written,
    invitations: &mut Vec<InvitationRow>,
    responses: &mut Vec<ResponseRow>,
    answers: &mut Vec<AnswerRow>,
) -> anyhow::Result<()> {
    written.invitations += insert_rows!(conn, evaluation_invitations::table, &*invitations, 7);
    written.responses += insert_rows!(conn, evaluation_responses::table, &*responses, 4);
    written.answers += insert_rows!(conn, evaluation_answers::table, &*answers, 5);
    invitations.clear();
    responses.clear();
    answers.clear();
    Ok(())
}

#[derive(Insertable)]
#[diesel(table_name = evaluation_rounds, treat_none_as_default_value = false)]
struct RoundRow {
    id: String,
    cohort_id: String,
    form_id: &'static str,
    kind: &'static str,
    session_id: Option<String>,
    anonymous: bool,
    opens_at: NaiveDateTime,
    closes_at: NaiveDateTime,
    reminder_every_days: Option<i32>,
    created_by: Option<String>,
    created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = evaluation_invitations, treat_none_as_default_value = false)]
struct InvitationRow {
    id: String,
    round_id: String,
    person_id: String,
    token_hash: String,
    invited_at: NaiveDateTime,
    last_reminded_at: Option<NaiveDateTime>,
    responded_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = evaluation_responses, treat_none_as_default_value = false)]
struct ResponseRow {
    id: String,
    round_id: String,
    invitation_id: Option<String>,
    submitted_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = evaluation_answers, treat_none_as_default_value = false)]
struct AnswerRow {
    id: String,
    response_id: String,
    question_id: String,
    value_int: Option<i32>,
    value_text: Option<&'static str>,
}
