//! Evaluation forms and questions, rounds, invitations, responses and answers.
//!
//! Anonymity: nothing here returns a response's id or its invitation together with answers.
//! Answers are counted per question (per round for one cohort's comparison) and comments read
//! by round, question and text, so no row order (SQLite returns rows in insertion order when not
//! told otherwise) can line an answer up with the moment someone's invitation was marked
//! answered.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::dsl::{count, count_star};
use diesel::prelude::*;
use diesel::sql_types::Bool;

use super::DbConnection;
use super::schema::{
    cohorts, enrolments, evaluation_answer_tallies, evaluation_answers, evaluation_forms,
    evaluation_invitations, evaluation_questions, evaluation_responses, evaluation_rounds, people,
    programmes, schools,
};
use crate::domain::enrolment::EnrolmentStatus;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = evaluation_questions)]
pub struct Question {
    pub id: String,
    pub form_id: String,
    pub position: i32,
    pub kind: String,
    pub prompt_en: String,
    pub prompt_cy: String,
    pub required: bool,
    pub options: Option<String>,
    pub measure_key: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = evaluation_rounds)]
pub struct Round {
    pub id: String,
    pub cohort_id: String,
    pub form_id: String,
    pub kind: String,
    pub session_id: Option<String>,
    pub anonymous: bool,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    pub reminder_every_days: Option<i32>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = evaluation_rounds, treat_none_as_default_value = false)]
pub struct NewRound<'a> {
    pub id: &'a str,
    pub cohort_id: &'a str,
    pub form_id: &'a str,
    pub kind: &'a str,
    pub session_id: Option<&'a str>,
    pub anonymous: bool,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    pub reminder_every_days: Option<i32>,
    pub created_by: Option<&'a str>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = evaluation_invitations)]
pub struct Invitation {
    pub id: String,
    pub round_id: String,
    pub person_id: String,
    pub token_hash: String,
    pub invited_at: NaiveDateTime,
    pub last_reminded_at: Option<NaiveDateTime>,
    pub responded_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = evaluation_invitations, treat_none_as_default_value = false)]
pub struct NewInvitation<'a> {
    pub id: &'a str,
    pub round_id: &'a str,
    pub person_id: &'a str,
    pub token_hash: &'a str,
    pub invited_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = evaluation_forms)]
pub struct Form {
    pub id: String,
    pub code: String,
    pub title_en: String,
    pub title_cy: String,
    pub is_default: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = evaluation_forms, treat_none_as_default_value = false)]
pub struct NewForm<'a> {
    pub id: &'a str,
    pub code: &'a str,
    pub title_en: &'a str,
    pub title_cy: &'a str,
    pub is_default: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = evaluation_questions, treat_none_as_default_value = false)]
pub struct NewQuestion<'a> {
    pub id: &'a str,
    pub form_id: &'a str,
    pub position: i32,
    pub kind: &'a str,
    pub prompt_en: &'a str,
    pub prompt_cy: &'a str,
    pub required: bool,
    pub options: Option<&'a str>,
    pub measure_key: Option<&'a str>,
}

pub fn insert_form(conn: &mut DbConnection, form: &NewForm<'_>) -> QueryResult<()> {
    diesel::insert_into(evaluation_forms::table)
        .values(form)
        .execute(conn)
        .map(|_| ())
}

pub fn insert_question(conn: &mut DbConnection, question: &NewQuestion<'_>) -> QueryResult<()> {
    diesel::insert_into(evaluation_questions::table)
        .values(question)
        .execute(conn)
        .map(|_| ())
}

/// Every form, the default first, then by code.
pub fn forms(conn: &mut DbConnection) -> QueryResult<Vec<Form>> {
    evaluation_forms::table
        .order((
            evaluation_forms::is_default.desc(),
            evaluation_forms::code.asc(),
        ))
        .select(Form::as_select())
        .load(conn)
}

pub fn find_form(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Form>> {
    evaluation_forms::table
        .find(id)
        .select(Form::as_select())
        .first(conn)
        .optional()
}

pub fn form_code_taken(conn: &mut DbConnection, code: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        evaluation_forms::table.filter(evaluation_forms::code.eq(code)),
    ))
    .get_result(conn)
}

/// The ids of the forms at least one round uses: shown as in use, since their answers depend on them.
pub fn forms_in_use(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    evaluation_rounds::table
        .select(evaluation_rounds::form_id)
        .distinct()
        .load(conn)
}

/// The form every round uses unless told otherwise.
pub fn default_form_id(conn: &mut DbConnection) -> QueryResult<Option<String>> {
    evaluation_forms::table
        .filter(evaluation_forms::is_default.eq(true))
        .order(evaluation_forms::code.asc())
        .select(evaluation_forms::id)
        .first(conn)
        .optional()
}

pub fn questions_of(conn: &mut DbConnection, form_id: &str) -> QueryResult<Vec<Question>> {
    evaluation_questions::table
        .filter(evaluation_questions::form_id.eq(form_id))
        .order(evaluation_questions::position.asc())
        .select(Question::as_select())
        .load(conn)
}

pub fn insert_round(conn: &mut DbConnection, round: &NewRound<'_>) -> QueryResult<()> {
    diesel::insert_into(evaluation_rounds::table)
        .values(round)
        .execute(conn)
        .map(|_| ())
}

pub fn find_round(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Round>> {
    evaluation_rounds::table
        .find(id)
        .select(Round::as_select())
        .first(conn)
        .optional()
}

pub fn rounds_of_cohort(conn: &mut DbConnection, cohort_id: &str) -> QueryResult<Vec<Round>> {
    evaluation_rounds::table
        .filter(evaluation_rounds::cohort_id.eq(cohort_id))
        .order(evaluation_rounds::opens_at.desc())
        .select(Round::as_select())
        .load(conn)
}

/// Which rounds a report covers, as conditions on `evaluation_rounds` and `cohorts` rather than
/// a list of ids: a consortium-wide report covers tens of thousands of rounds, past SQLite's
/// limit of 32,766 bound variables and slow to plan on both databases. `Ids` is for short lists
/// only (at most `MAX_IDS_PER_QUERY`).
#[derive(Debug, Clone)]
pub enum RoundFilter {
    Round(String),
    Cohort(String),
    Programmes {
        programme_id: Option<String>,
        /// Only the cohorts this person leads.
        lead_id: Option<String>,
        opens_from: Option<NaiveDateTime>,
        opens_before: Option<NaiveDateTime>,
    },
    Ids(Vec<String>),
}

/// How many ids one `RoundFilter::Ids` may carry; longer lists are queried in chunks.
pub const MAX_IDS_PER_QUERY: usize = 500;

/// Narrows a boxed query that joins `evaluation_rounds` and `cohorts` to the rounds of a filter.
/// A macro, because every report query has its own join type.
macro_rules! filter_rounds {
    ($query:expr, $filter:expr) => {{
        let mut query = $query;
        match $filter {
            RoundFilter::Round(id) => {
                query = query.filter(evaluation_rounds::id.eq(id.clone()));
            }
            RoundFilter::Cohort(id) => {
                query = query.filter(evaluation_rounds::cohort_id.eq(id.clone()));
            }
            RoundFilter::Programmes {
                programme_id,
                lead_id,
                opens_from,
                opens_before,
            } => {
                if let Some(programme_id) = programme_id {
                    query = query.filter(cohorts::programme_id.eq(programme_id.clone()));
                }
                if let Some(lead_id) = lead_id {
                    query = query.filter(cohorts::lead_id.eq(lead_id.clone()));
                }
                if let Some(from) = opens_from {
                    query = query.filter(evaluation_rounds::opens_at.ge(*from));
                }
                if let Some(before) = opens_before {
                    query = query.filter(evaluation_rounds::opens_at.lt(*before));
                }
            }
            RoundFilter::Ids(ids) => {
                query = query.filter(evaluation_rounds::id.eq_any(ids.clone()));
            }
        }
        query
    }};
}

/// The ids of the rounds of a `ProgrammeScope`, as a query to use in `round_id IN (...)`.
macro_rules! scoped_rounds {
    ($scope:expr) => {{
        let ProgrammeScope {
            programme_id,
            lead_id,
            any_lead,
            from,
            before,
        } = $scope;
        evaluation_rounds::table
            .inner_join(cohorts::table)
            .filter(evaluation_rounds::opens_at.ge(from))
            .filter(evaluation_rounds::opens_at.lt(before))
            .filter(cohorts::lead_id.eq(lead_id).or(any_lead.into_sql::<Bool>()))
            .filter(
                cohorts::programme_id
                    .eq(programme_id.clone().unwrap_or_default())
                    .or(programme_id.is_none().into_sql::<Bool>()),
            )
            .select(evaluation_rounds::id)
    }};
}

/// The rounds of a filter, oldest first.
pub fn rounds_where(conn: &mut DbConnection, filter: &RoundFilter) -> QueryResult<Vec<Round>> {
    let query = evaluation_rounds::table
        .inner_join(cohorts::table)
        .select(Round::as_select())
        .order((
            evaluation_rounds::opens_at.asc(),
            evaluation_rounds::id.asc(),
        ))
        .into_boxed();
    filter_rounds!(query, filter).load(conn)
}

/// Changes a round's close date and reminder schedule.
pub fn update_round(
    conn: &mut DbConnection,
    id: &str,
    closes_at: NaiveDateTime,
    reminder_every_days: Option<i32>,
) -> QueryResult<usize> {
    diesel::update(evaluation_rounds::table.find(id))
        .set((
            evaluation_rounds::closes_at.eq(closes_at),
            evaluation_rounds::reminder_every_days.eq(reminder_every_days),
        ))
        .execute(conn)
}

/// Someone a round invites: a participant with a confirmed or completed place in the cohort.
#[derive(Debug, Clone, Queryable)]
pub struct Invitee {
    pub person_id: String,
    pub email: String,
    pub name: String,
    pub preferred_language: String,
}

pub fn invitees(conn: &mut DbConnection, cohort_id: &str) -> QueryResult<Vec<Invitee>> {
    enrolments::table
        .inner_join(people::table.on(people::id.eq(enrolments::person_id)))
        .filter(enrolments::cohort_id.eq(cohort_id))
        .filter(enrolments::status.eq_any([
            EnrolmentStatus::Confirmed.as_str(),
            EnrolmentStatus::Completed.as_str(),
        ]))
        .filter(people::active.eq(true))
        .order(people::name.asc())
        .select((
            people::id,
            people::email,
            people::name,
            people::preferred_language,
        ))
        .load(conn)
}

pub fn insert_invitation(
    conn: &mut DbConnection,
    invitation: &NewInvitation<'_>,
) -> QueryResult<()> {
    diesel::insert_into(evaluation_invitations::table)
        .values(invitation)
        .execute(conn)
        .map(|_| ())
}

pub fn invitation_by_token_hash(
    conn: &mut DbConnection,
    token_hash: &str,
) -> QueryResult<Option<Invitation>> {
    evaluation_invitations::table
        .filter(evaluation_invitations::token_hash.eq(token_hash))
        .select(Invitation::as_select())
        .first(conn)
        .optional()
}

pub fn find_invitation(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Invitation>> {
    evaluation_invitations::table
        .find(id)
        .select(Invitation::as_select())
        .first(conn)
        .optional()
}

/// Marks the invitation answered unless it already is; false when another submission was
/// first. This is the claim that makes one response per invitation.
pub fn mark_responded(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        evaluation_invitations::table
            .find(id)
            .filter(evaluation_invitations::responded_at.is_null()),
    )
    .set(evaluation_invitations::responded_at.eq(at))
    .execute(conn)
    .map(|n| n == 1)
}

pub fn insert_response(
    conn: &mut DbConnection,
    id: &str,
    round_id: &str,
    invitation_id: Option<&str>,
    submitted_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(evaluation_responses::table)
        .values((
            evaluation_responses::id.eq(id),
            evaluation_responses::round_id.eq(round_id),
            evaluation_responses::invitation_id.eq(invitation_id),
            evaluation_responses::submitted_at.eq(submitted_at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// One answer to store, with what its round's tallies count of it.
#[derive(Debug, Clone, Copy)]
pub struct NewAnswer<'a> {
    pub round_id: &'a str,
    pub response_id: &'a str,
    pub question_id: &'a str,
    pub value_int: Option<i32>,
    pub value_text: Option<&'a str>,
    /// The text is one of a single-choice question's options (counted), not a comment.
    pub is_choice: bool,
}

/// The tally row an answer counts in: see migration 000009.
fn value_key(value_int: Option<i32>, choice: Option<&str>) -> String {
    let number = value_int.map(|n| format!("n{n}")).unwrap_or_default();
    let choice = choice.map(|c| format!("c{c}")).unwrap_or_default();
    number + &choice
}

/// Stores an answer and counts it in its round's tallies. The count is one statement that both
/// databases run atomically (`ON CONFLICT` is the same SQL on SQLite and PostgreSQL), so two
/// responses stored at once both count.
pub fn insert_answer(conn: &mut DbConnection, answer: &NewAnswer<'_>) -> QueryResult<()> {
    use diesel::sql_types::{Integer, Nullable, Text};
    diesel::insert_into(evaluation_answers::table)
        .values((
            evaluation_answers::id.eq(uuid::Uuid::new_v4().to_string()),
            evaluation_answers::response_id.eq(answer.response_id),
            evaluation_answers::question_id.eq(answer.question_id),
            evaluation_answers::value_int.eq(answer.value_int),
            evaluation_answers::value_text.eq(answer.value_text),
        ))
        .execute(conn)?;
    let choice = answer.value_text.filter(|_| answer.is_choice);
    diesel::sql_query(
        "INSERT INTO evaluation_answer_tallies \
         (round_id, question_id, value_key, value_int, choice, answers) \
         VALUES ($1, $2, $3, $4, $5, 1) \
         ON CONFLICT (round_id, question_id, value_key) \
         DO UPDATE SET answers = evaluation_answer_tallies.answers + 1",
    )
    .bind::<Text, _>(answer.round_id)
    .bind::<Text, _>(answer.question_id)
    .bind::<Text, _>(value_key(answer.value_int, choice))
    .bind::<Nullable<Integer>, _>(answer.value_int)
    .bind::<Nullable<Text>, _>(choice)
    .execute(conn)
    .map(|_| ())
}

/// Counts every answer again into the tallies, for answers stored in bulk without them (the
/// synthetic consortium). The same statement as migration 000009.
pub fn recount_tallies(conn: &mut DbConnection) -> QueryResult<()> {
    diesel::delete(evaluation_answer_tallies::table).execute(conn)?;
    diesel::sql_query(
        "INSERT INTO evaluation_answer_tallies \
         (round_id, question_id, value_key, value_int, choice, answers) \
         SELECT round_id, question_id, \
                COALESCE('n' || CAST(value_int AS TEXT), '') || COALESCE('c' || choice, ''), \
                value_int, choice, COUNT(*) \
         FROM (SELECT r.round_id AS round_id, a.question_id AS question_id, \
                      a.value_int AS value_int, \
                      CASE WHEN q.kind = 'single_choice' THEN a.value_text END AS choice \
               FROM evaluation_answers a \
               JOIN evaluation_responses r ON r.id = a.response_id \
               JOIN evaluation_questions q ON q.id = a.question_id) answers \
         GROUP BY round_id, question_id, value_int, choice",
    )
    .execute(conn)
    .map(|_| ())
}

/// An invitation as its person sees it.
#[derive(Debug, Clone, Queryable)]
pub struct InvitationView {
    pub invitation_id: String,
    pub round_id: String,
    pub kind: String,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    pub responded_at: Option<NaiveDateTime>,
    pub cohort_name: String,
    pub programme_en: String,
    pub programme_cy: String,
}

pub fn invitations_of(
    conn: &mut DbConnection,
    person_id: &str,
) -> QueryResult<Vec<InvitationView>> {
    evaluation_invitations::table
        .inner_join(
            evaluation_rounds::table.inner_join(cohorts::table.inner_join(programmes::table)),
        )
        .filter(evaluation_invitations::person_id.eq(person_id))
        .order(evaluation_rounds::closes_at.desc())
        .select((
            evaluation_invitations::id,
            evaluation_rounds::id,
            evaluation_rounds::kind,
            evaluation_rounds::opens_at,
            evaluation_rounds::closes_at,
            evaluation_invitations::responded_at,
            cohorts::name,
            programmes::title_en,
            programmes::title_cy,
        ))
        .load(conn)
}

/// Invited and responded, per round of the filter, counted by the database. Only counts leave
/// it; the person is never part of the result. With `local_authority_ids`, only people at a
/// school of one of those authorities. Rounds without invitations are missing from the map.
pub fn invitation_tallies(
    conn: &mut DbConnection,
    filter: &RoundFilter,
    local_authority_ids: Option<&[String]>,
) -> QueryResult<HashMap<String, (u32, u32)>> {
    let select = (
        evaluation_invitations::round_id,
        count_star(),
        count(evaluation_invitations::responded_at),
    );
    let rows: Vec<(String, i64, i64)> = match (local_authority_ids, programme_scope(filter)) {
        // Over programmes and years the rounds are a subquery: the invitations are then read
        // from their `(round_id, responded_at)` index, with no round or cohort looked up for
        // each of them.
        (None, Some(scope)) => evaluation_invitations::table
            .filter(evaluation_invitations::round_id.eq_any(scoped_rounds!(scope)))
            .group_by(evaluation_invitations::round_id)
            .select(select)
            .load(conn)?,
        (None, None) => {
            let query = evaluation_invitations::table
                .inner_join(evaluation_rounds::table.inner_join(cohorts::table))
                .group_by(evaluation_invitations::round_id)
                .select((
                    evaluation_invitations::round_id,
                    count_star(),
                    count(evaluation_invitations::responded_at),
                ))
                .into_boxed();
            filter_rounds!(query, filter).load(conn)?
        }
        (Some(la), _) => {
            // An erased person's answers have lost their link to them, so they leave the
            // authority's answers; their response leaves its count with them, or the count
            // that holds a round back would take answers it no longer has for theirs.
            let query = evaluation_invitations::table
                .inner_join(evaluation_rounds::table.inner_join(cohorts::table))
                .inner_join(people::table.on(people::id.eq(evaluation_invitations::person_id)))
                .inner_join(schools::table.on(people::school_id.eq(schools::id.nullable())))
                .filter(schools::local_authority_id.eq_any(la.to_vec()))
                .filter(people::anonymised_at.is_null())
                .group_by(evaluation_invitations::round_id)
                .select((
                    evaluation_invitations::round_id,
                    count_star(),
                    count(evaluation_invitations::responded_at),
                ))
                .into_boxed();
            filter_rounds!(query, filter).load(conn)?
        }
    };
    let clamp = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(rows
        .into_iter()
        .map(|(round, invited, responded)| (round, (clamp(invited), clamp(responded))))
        .collect())
}

/// The responses of the rounds of a `RoundFilter::Programmes`, as a query to use in
/// `response_id IN (...)`: both databases then find the answers from the responses in scope
/// through the `(response_id, question_id, value_int)` index, where a plain join leads SQLite
/// (which has no statistics) to walk all two million answers first. Not boxed, since a boxed
/// subquery cannot run on the connection enum: each shape is spelled out, and the optional
/// lead is `lead_id = ? OR ?all` to keep their number down.
macro_rules! programme_responses {
    (base: $from:expr, $before:expr, $lead:expr, $any_lead:expr) => {
        evaluation_responses::table
            .inner_join(evaluation_rounds::table.inner_join(cohorts::table))
            .filter(evaluation_rounds::opens_at.ge($from))
            .filter(evaluation_rounds::opens_at.lt($before))
            .filter(cohorts::lead_id.eq($lead).or($any_lead.into_sql::<Bool>()))
    };
    (authority: $query:expr, $la:expr) => {
        $query
            .inner_join(evaluation_invitations::table.on(
                evaluation_responses::invitation_id.eq(evaluation_invitations::id.nullable()),
            ))
            .inner_join(people::table.on(people::id.eq(evaluation_invitations::person_id)))
            .inner_join(schools::table.on(people::school_id.eq(schools::id.nullable())))
            .filter(evaluation_rounds::anonymous.eq(false))
            .filter(schools::local_authority_id.eq_any($la))
    };
    ($scope:expr, $la:expr, |$responses:ident| $body:expr) => {{
        let ProgrammeScope {
            programme_id,
            lead_id,
            any_lead,
            from,
            before,
        } = $scope;
        match ($la, programme_id) {
            (None, None) => {
                let $responses = programme_responses!(base: from, before, lead_id, any_lead)
                    .select(evaluation_responses::id);
                $body
            }
            (None, Some(programme_id)) => {
                let $responses = programme_responses!(base: from, before, lead_id, any_lead)
                    .filter(cohorts::programme_id.eq(programme_id))
                    .select(evaluation_responses::id);
                $body
            }
            (Some(la), None) => {
                let $responses = programme_responses!(authority:
                    programme_responses!(base: from, before, lead_id, any_lead), la)
                .select(evaluation_responses::id);
                $body
            }
            (Some(la), Some(programme_id)) => {
                let $responses = programme_responses!(authority:
                    programme_responses!(base: from, before, lead_id, any_lead), la)
                .filter(cohorts::programme_id.eq(programme_id))
                .select(evaluation_responses::id);
                $body
            }
        }
    }};
}

/// A `RoundFilter::Programmes` with every condition present, for `programme_responses!`.
struct ProgrammeScope {
    programme_id: Option<String>,
    lead_id: String,
    any_lead: bool,
    from: NaiveDateTime,
    before: NaiveDateTime,
}

fn programme_scope(filter: &RoundFilter) -> Option<ProgrammeScope> {
    let RoundFilter::Programmes {
        programme_id,
        lead_id,
        opens_from,
        opens_before,
    } = filter
    else {
        return None;
    };
    let far = |year| NaiveDate::from_ymd_opt(year, 1, 1).map(|d| d.and_time(NaiveTime::MIN));
    Some(ProgrammeScope {
        programme_id: programme_id.clone(),
        lead_id: lead_id.clone().unwrap_or_default(),
        any_lead: lead_id.is_none(),
        from: opens_from.or_else(|| far(1900))?,
        before: opens_before.or_else(|| far(3000))?,
    })
}

/// How many answers to each question had each whole-number value (`None`: no number, as for
/// free text), over the rounds of a filter. With `local_authority_ids`, only answers of people
/// at a school of one of those authorities, which can only be told for named rounds: anonymous rounds then
/// give nothing.
pub fn answer_counts(
    conn: &mut DbConnection,
    filter: &RoundFilter,
    local_authority_ids: Option<&[String]>,
) -> QueryResult<Vec<(String, Option<i32>, i64)>> {
    let select = (
        evaluation_answers::question_id,
        evaluation_answers::value_int,
        count_star(),
    );
    let group = (
        evaluation_answers::question_id,
        evaluation_answers::value_int,
    );
    let Some(la) = local_authority_ids else {
        use evaluation_answer_tallies as tallies;
        let group = (tallies::question_id, tallies::value_int);
        let select = (
            tallies::question_id,
            tallies::value_int,
            diesel::dsl::sum(tallies::answers),
        );
        // Over programmes and years, the rounds are a subquery: joining each of hundreds of
        // thousands of tallies to its round and cohort would cost more than adding them up.
        let rows: Vec<(String, Option<i32>, Option<i64>)> = match programme_scope(filter) {
            Some(scope) => tallies::table
                .filter(tallies::round_id.eq_any(scoped_rounds!(scope)))
                .group_by(group)
                .select(select)
                .load(conn)?,
            None => {
                let query = tallies::table
                    .inner_join(evaluation_rounds::table.inner_join(cohorts::table))
                    .group_by(group)
                    .select(select)
                    .into_boxed();
                filter_rounds!(query, filter).load(conn)?
            }
        };
        return Ok(rows
            .into_iter()
            .map(|(question, value, n)| (question, value, n.unwrap_or(0)))
            .collect());
    };
    if let Some(scope) = programme_scope(filter) {
        let la = Some(la.to_vec());
        return programme_responses!(scope, la, |responses| {
            evaluation_answers::table
                .filter(evaluation_answers::response_id.eq_any(responses))
                .group_by(group)
                .select(select)
                .load(conn)
        });
    }
    let query = evaluation_answers::table
        .inner_join(
            evaluation_responses::table
                .inner_join(evaluation_rounds::table.inner_join(cohorts::table))
                .inner_join(evaluation_invitations::table.on(
                    evaluation_responses::invitation_id.eq(evaluation_invitations::id.nullable()),
                )),
        )
        .inner_join(people::table.on(people::id.eq(evaluation_invitations::person_id)))
        .inner_join(schools::table.on(people::school_id.eq(schools::id.nullable())))
        .filter(evaluation_rounds::anonymous.eq(false))
        .filter(schools::local_authority_id.eq_any(la.to_vec()))
        .group_by(group)
        .select(select)
        .into_boxed();
    filter_rounds!(query, filter).load(conn)
}

/// How many answers to each of `question_ids` (single-choice questions: a short list) chose each
/// text value, over the rounds of a filter; the same rules as `answer_counts`.
pub fn choice_counts(
    conn: &mut DbConnection,
    filter: &RoundFilter,
    local_authority_ids: Option<&[String]>,
    question_ids: &[String],
) -> QueryResult<Vec<(String, String, i64)>> {
    let select = (
        evaluation_answers::question_id,
        evaluation_answers::value_text,
        count_star(),
    );
    let group = (
        evaluation_answers::question_id,
        evaluation_answers::value_text,
    );
    let Some(la) = local_authority_ids else {
        use evaluation_answer_tallies as tallies;
        let group = (tallies::question_id, tallies::choice);
        let select = (
            tallies::question_id,
            tallies::choice.assume_not_null(),
            diesel::dsl::sum(tallies::answers),
        );
        let rows: Vec<(String, String, Option<i64>)> = match programme_scope(filter) {
            Some(scope) => tallies::table
                .filter(tallies::round_id.eq_any(scoped_rounds!(scope)))
                .filter(tallies::question_id.eq_any(question_ids))
                .filter(tallies::choice.is_not_null())
                .group_by(group)
                .select(select)
                .load(conn)?,
            None => {
                let query = tallies::table
                    .inner_join(evaluation_rounds::table.inner_join(cohorts::table))
                    .filter(tallies::question_id.eq_any(question_ids.to_vec()))
                    .filter(tallies::choice.is_not_null())
                    .group_by(group)
                    .select(select)
                    .into_boxed();
                filter_rounds!(query, filter).load(conn)?
            }
        };
        return Ok(rows
            .into_iter()
            .map(|(question, choice, n)| (question, choice, n.unwrap_or(0)))
            .collect());
    };
    let rows: Vec<(String, Option<String>, i64)> = if let Some(scope) = programme_scope(filter) {
        let la = Some(la.to_vec());
        programme_responses!(scope, la, |responses| {
            evaluation_answers::table
                .filter(evaluation_answers::response_id.eq_any(responses))
                .filter(evaluation_answers::question_id.eq_any(question_ids))
                .filter(evaluation_answers::value_text.is_not_null())
                .group_by(group)
                .select(select)
                .load(conn)
        })?
    } else {
        let query = evaluation_answers::table
            .inner_join(
                evaluation_responses::table
                    .inner_join(evaluation_rounds::table.inner_join(cohorts::table))
                    .inner_join(
                        evaluation_invitations::table.on(evaluation_responses::invitation_id
                            .eq(evaluation_invitations::id.nullable())),
                    ),
            )
            .inner_join(people::table.on(people::id.eq(evaluation_invitations::person_id)))
            .inner_join(schools::table.on(people::school_id.eq(schools::id.nullable())))
            .filter(evaluation_rounds::anonymous.eq(false))
            .filter(schools::local_authority_id.eq_any(la.to_vec()))
            .filter(evaluation_answers::question_id.eq_any(question_ids.to_vec()))
            .filter(evaluation_answers::value_text.is_not_null())
            .group_by(group)
            .select(select)
            .into_boxed();
        filter_rounds!(query, filter).load(conn)?
    };
    Ok(rows
        .into_iter()
        .filter_map(|(question, text, n)| text.map(|text| (question, text, n)))
        .collect())
}

/// A free-text answer with its round and question and nothing that leads to the person.
#[derive(Debug, Clone, Queryable)]
pub struct CommentRow {
    pub round_id: String,
    pub question_id: String,
    pub text: String,
}

/// The free-text answers of the rounds of a filter, by question and in the order of their text
/// (by round first with `by_round`): never in the order they were given, which could line a
/// comment up with the moment someone's invitation was marked answered.
pub fn comments(
    conn: &mut DbConnection,
    filter: &RoundFilter,
    by_round: bool,
) -> QueryResult<Vec<CommentRow>> {
    let select = (
        evaluation_responses::round_id,
        evaluation_answers::question_id,
        evaluation_answers::value_text.assume_not_null(),
    );
    if let Some(scope) = programme_scope(filter) {
        // Every comment of many rounds (the CSV): by question and text only. The rounds, not
        // the responses, are the subquery here, as the responses are joined for their round.
        let rounds = scoped_rounds!(scope);
        return evaluation_answers::table
            .inner_join(evaluation_responses::table)
            .inner_join(evaluation_questions::table)
            .filter(evaluation_responses::round_id.eq_any(rounds))
            .filter(evaluation_questions::kind.eq("free_text"))
            .filter(evaluation_answers::value_text.is_not_null())
            .order((
                evaluation_answers::question_id.asc(),
                evaluation_answers::value_text.asc(),
            ))
            .select(select)
            .load(conn);
    }
    if let RoundFilter::Ids(ids) = filter {
        // A batch of rounds: straight from their responses, so that PostgreSQL reads them
        // through `evaluation_responses (round_id)` rather than hashing every answer.
        return evaluation_answers::table
            .inner_join(evaluation_responses::table)
            .inner_join(evaluation_questions::table)
            .filter(evaluation_responses::round_id.eq_any(ids))
            .filter(evaluation_questions::kind.eq("free_text"))
            .filter(evaluation_answers::value_text.is_not_null())
            .order((
                evaluation_responses::round_id.asc(),
                evaluation_answers::question_id.asc(),
                evaluation_answers::value_text.asc(),
            ))
            .select(select)
            .load(conn);
    }
    let query = evaluation_answers::table
        .inner_join(
            evaluation_responses::table
                .inner_join(evaluation_rounds::table.inner_join(cohorts::table)),
        )
        .inner_join(evaluation_questions::table)
        .filter(evaluation_questions::kind.eq("free_text"))
        .filter(evaluation_answers::value_text.is_not_null())
        .select(select)
        .into_boxed();
    let query = filter_rounds!(query, filter);
    if by_round {
        query
            .order((
                evaluation_responses::round_id.asc(),
                evaluation_answers::question_id.asc(),
                evaluation_answers::value_text.asc(),
            ))
            .load(conn)
    } else {
        query
            .order((
                evaluation_answers::question_id.asc(),
                evaluation_answers::value_text.asc(),
            ))
            .load(conn)
    }
}

/// An unanswered invitation of an open round that has a reminder schedule.
#[derive(Debug, Clone, Queryable)]
pub struct ReminderCandidate {
    pub invitation_id: String,
    pub invited_at: NaiveDateTime,
    pub last_reminded_at: Option<NaiveDateTime>,
    pub reminder_every_days: Option<i32>,
    pub closes_at: NaiveDateTime,
    pub cohort_name: String,
    pub programme_en: String,
    pub programme_cy: String,
    pub email: String,
    pub name: String,
    pub preferred_language: String,
}

pub fn reminder_candidates(
    conn: &mut DbConnection,
    now: NaiveDateTime,
) -> QueryResult<Vec<ReminderCandidate>> {
    evaluation_invitations::table
        .inner_join(
            evaluation_rounds::table.inner_join(cohorts::table.inner_join(programmes::table)),
        )
        .inner_join(people::table.on(people::id.eq(evaluation_invitations::person_id)))
        .filter(evaluation_invitations::responded_at.is_null())
        .filter(evaluation_rounds::reminder_every_days.is_not_null())
        .filter(evaluation_rounds::opens_at.le(now))
        .filter(evaluation_rounds::closes_at.gt(now))
        .filter(people::active.eq(true))
        .select((
            evaluation_invitations::id,
            evaluation_invitations::invited_at,
            evaluation_invitations::last_reminded_at,
            evaluation_rounds::reminder_every_days,
            evaluation_rounds::closes_at,
            cohorts::name,
            programmes::title_en,
            programmes::title_cy,
            people::email,
            people::name,
            people::preferred_language,
        ))
        .load(conn)
}

/// Claims a reminder: records it and gives the invitation a new link, but only if it is still
/// unanswered and nobody reminded since `due_before`. False when another process was first.
pub fn claim_reminder(
    conn: &mut DbConnection,
    invitation_id: &str,
    due_before: NaiveDateTime,
    new_token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        evaluation_invitations::table
            .find(invitation_id)
            .filter(evaluation_invitations::responded_at.is_null())
            .filter(evaluation_invitations::invited_at.le(due_before))
            .filter(
                evaluation_invitations::last_reminded_at
                    .is_null()
                    .or(evaluation_invitations::last_reminded_at.le(due_before)),
            ),
    )
    .set((
        evaluation_invitations::last_reminded_at.eq(now),
        evaluation_invitations::token_hash.eq(new_token_hash),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Cohorts that ended between `from` and `to` (inclusive) and have no end-of-programme round.
pub fn cohorts_ended_without_round(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<String>> {
    let has_round = evaluation_rounds::table
        .filter(evaluation_rounds::cohort_id.eq(cohorts::id))
        .filter(evaluation_rounds::kind.eq("end_of_programme"));
    cohorts::table
        .filter(cohorts::ends_on.ge(from))
        .filter(cohorts::ends_on.le(to))
        .filter(diesel::dsl::not(diesel::dsl::exists(has_round)))
        .select(cohorts::id)
        .load(conn)
}
