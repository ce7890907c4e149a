//! Evaluations over JSON: rounds for leads, invitations and answers for participants, results
//! (JSON and CSV) for leads, admins and local-authority officers.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, patch, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json_body::Json;
use crate::auth::CurrentUser;
use crate::db;
use crate::domain::academic_year::parse_academic_year;
use crate::domain::evaluation::{QuestionKind, RoundKind};
use crate::domain::evaluation_form::FormDraft;
use crate::error::{AppError, AppResult, Problem};
use crate::evaluations::forms::{self, FormView};
use crate::evaluations::results::{self, CommentsWanted, EvaluationResults, Scope};
use crate::evaluations::{
    self, InvitationKey, MyInvitation, OpenRoundRequest, RoundPatch, RoundSummary,
};
use crate::state::AppState;

/// Open an evaluation round for a cohort (its lead or an admin). Everyone with a confirmed or
/// completed place is emailed a personal link once the round opens.
#[utoipa::path(post, path = "/api/v1/cohorts/{id}/evaluation-rounds", tag = "evaluations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Cohort id")), request_body = OpenRoundRequest,
    responses(
        (status = 201, body = RoundSummary),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/cohorts/{id}/evaluation-rounds")]
pub async fn open_round(
    state: web::Data<AppState>,
    user: CurrentUser,
    cohort_id: web::Path<String>,
    body: Json<OpenRoundRequest>,
) -> AppResult<HttpResponse> {
    let round =
        evaluations::open_round(&state, user, cohort_id.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(round))
}

/// The cohort's evaluation rounds with their response rates (its lead or an admin).
#[utoipa::path(get, path = "/api/v1/cohorts/{id}/evaluation-rounds", tag = "evaluations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Cohort id")),
    responses(
        (status = 200, body = [RoundSummary]),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
#[get("/cohorts/{id}/evaluation-rounds")]
pub async fn cohort_rounds(
    state: web::Data<AppState>,
    user: CurrentUser,
    cohort_id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let rounds = db::run(&state.pool, move |conn| {
        evaluations::rounds_of_cohort(conn, &user, &cohort_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(rounds))
}

/// Change a round's last day or its reminder schedule (its cohort's lead or an admin); audited.
#[utoipa::path(patch, path = "/api/v1/evaluation-rounds/{id}", tag = "evaluations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Round id")), request_body = RoundPatch,
    responses(
        (status = 200, body = RoundSummary),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[patch("/evaluation-rounds/{id}")]
pub async fn change_round(
    state: web::Data<AppState>,
    user: CurrentUser,
    round_id: web::Path<String>,
    body: Json<RoundPatch>,
) -> AppResult<HttpResponse> {
    let round =
        evaluations::change_round(&state, user, round_id.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(round))
}

fn csv_response(file_name: &str, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{file_name}\""),
        ))
        .body(body)
}

/// A round's results: distributions, means, satisfaction, response rate and comments (the
/// cohort's lead or an admin; a local-authority officer gets their authority's figures only).
#[utoipa::path(get, path = "/api/v1/evaluation-rounds/{id}/results", tag = "evaluations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Round id")),
    responses(
        (status = 200, body = EvaluationResults),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/evaluation-rounds/{id}/results")]
pub async fn round_results(
    state: web::Data<AppState>,
    user: CurrentUser,
    round_id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let found = results::load(
        &state,
        user,
        Scope::Round(round_id.into_inner()),
        CommentsWanted::Listed,
    )
    .await?;
    Ok(HttpResponse::Ok().json(found))
}

/// The same results as CSV.
#[utoipa::path(get, path = "/api/v1/evaluation-rounds/{id}/results.csv", tag = "evaluations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Round id")),
    responses(
        (status = 200, description = "One line per question, then response rate, satisfaction and comments", content_type = "text/csv"),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
#[get("/evaluation-rounds/{id}/results.csv")]
pub async fn round_results_csv(
    state: web::Data<AppState>,
    user: CurrentUser,
    round_id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let round_id = round_id.into_inner();
    let found = results::load(
        &state,
        user,
        Scope::Round(round_id.clone()),
        CommentsWanted::All,
    )
    .await?;
    Ok(csv_response(
        &format!("evaluation-{round_id}.csv"),
        results::to_csv(&found)?,
    ))
}

/// All rounds of a cohort together, with the end-of-programme / delayed-impact comparison.
#[utoipa::path(get, path = "/api/v1/cohorts/{id}/evaluation-results", tag = "evaluations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Cohort id")),
    responses(
        (status = 200, body = EvaluationResults),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
#[get("/cohorts/{id}/evaluation-results")]
pub async fn cohort_results(
    state: web::Data<AppState>,
    user: CurrentUser,
    cohort_id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let found = results::load(
        &state,
        user,
        Scope::Cohort(cohort_id.into_inner()),
        CommentsWanted::Listed,
    )
    .await?;
    Ok(HttpResponse::Ok().json(found))
}

/// The cohort's results as CSV.
#[utoipa::path(get, path = "/api/v1/cohorts/{id}/evaluation-results.csv", tag = "evaluations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Cohort id")),
    responses(
        (status = 200, description = "One line per question, then response rate, satisfaction and comments", content_type = "text/csv"),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
#[get("/cohorts/{id}/evaluation-results.csv")]
pub async fn cohort_results_csv(
    state: web::Data<AppState>,
    user: CurrentUser,
    cohort_id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let cohort_id = cohort_id.into_inner();
    let found = results::load(
        &state,
        user,
        Scope::Cohort(cohort_id.clone()),
        CommentsWanted::All,
    )
    .await?;
    Ok(csv_response(
        &format!("evaluation-cohort-{cohort_id}.csv"),
        results::to_csv(&found)?,
    ))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ResultsQuery {
    /// One programme; all when left out.
    pub programme_id: Option<String>,
    /// `2025/26` or `2025`: rounds opened from September 2025 to August 2026.
    pub academic_year: Option<String>,
}

/// Turns the query into a scope; shared with the results page.
pub fn programme_scope(query: &ResultsQuery) -> AppResult<Scope> {
    let academic_year =
        match query
            .academic_year
            .as_deref()
            .filter(|y| !y.trim().is_empty())
        {
            None => None,
            Some(raw) => Some(parse_academic_year(raw).ok_or_else(|| {
                AppError::field("academic_year", "error-evaluation-academic-year")
            })?),
        };
    Ok(Scope::Programmes {
        programme_id: query.programme_id.clone().filter(|p| !p.trim().is_empty()),
        academic_year,
    })
}

/// Results across programmes and academic years: consortium admins see all, programme leads
/// their own cohorts, local-authority officers their authority's figures.
#[utoipa::path(get, path = "/api/v1/evaluation-results", tag = "evaluations", security(("bearer" = [])),
    params(ResultsQuery),
    responses(
        (status = 200, body = EvaluationResults),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[get("/evaluation-results")]
pub async fn programme_results(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ResultsQuery>,
) -> AppResult<HttpResponse> {
    let scope = programme_scope(&query)?;
    let found = results::load(&state, user, scope, CommentsWanted::Listed).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// The same as CSV.
#[utoipa::path(get, path = "/api/v1/evaluation-results.csv", tag = "evaluations", security(("bearer" = [])),
    params(ResultsQuery),
    responses(
        (status = 200, description = "One line per question, then response rate, satisfaction and comments", content_type = "text/csv"),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
#[get("/evaluation-results.csv")]
pub async fn programme_results_csv(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ResultsQuery>,
) -> AppResult<HttpResponse> {
    let scope = programme_scope(&query)?;
    let found = results::load(&state, user, scope, CommentsWanted::All).await?;
    Ok(csv_response(
        "evaluation-results.csv",
        results::to_csv(&found)?,
    ))
}

/// Your evaluation invitations, newest first.
#[utoipa::path(get, path = "/api/v1/me/evaluations", tag = "evaluations", security(("bearer" = [])),
    responses(
        (status = 200, body = [MyInvitation]),
        (status = 401, body = Problem, content_type = "application/problem+json")))]
#[get("/me/evaluations")]
pub async fn mine(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(evaluations::my_invitations(&state, &user).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FormQuestion {
    pub id: String,
    pub kind: QuestionKind,
    pub prompt_en: String,
    pub prompt_cy: String,
    pub required: bool,
    /// For single-choice questions: the values allowed.
    pub options: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationFormView {
    pub kind: RoundKind,
    pub programme_en: String,
    pub programme_cy: String,
    pub cohort_name: String,
    pub anonymous: bool,
    pub closes_at: chrono::NaiveDateTime,
    pub open_now: bool,
    pub answered: bool,
    pub questions: Vec<FormQuestion>,
}

/// The form behind an emailed link (no sign-in: the link is the key).
#[utoipa::path(get, path = "/api/v1/evaluations/respond/{token}", tag = "evaluations",
    params(("token" = String, Path, description = "The token from the emailed link")),
    responses(
        (status = 200, body = InvitationFormView),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/evaluations/respond/{token}")]
pub async fn form(state: web::Data<AppState>, token: web::Path<String>) -> AppResult<HttpResponse> {
    let key = InvitationKey::Token(token.into_inner());
    let loaded = db::run(&state.pool, move |conn| {
        evaluations::load_invitation(conn, &key)
    })
    .await?;
    let view = InvitationFormView {
        kind: RoundKind::parse(&loaded.round.kind).unwrap_or(RoundKind::EndOfProgramme),
        programme_en: loaded.programme_en,
        programme_cy: loaded.programme_cy,
        cohort_name: loaded.cohort_name,
        anonymous: loaded.round.anonymous,
        closes_at: loaded.round.closes_at,
        open_now: loaded.window == crate::domain::evaluation::RoundWindow::Open,
        answered: loaded.answered,
        questions: loaded
            .questions
            .iter()
            .map(|q| FormQuestion {
                id: q.id.clone(),
                kind: QuestionKind::parse(&q.kind).unwrap_or(QuestionKind::FreeText),
                prompt_en: q.prompt_en.clone(),
                prompt_cy: q.prompt_cy.clone(),
                required: q.required,
                options: evaluations::choice_values(q)
                    .into_iter()
                    .map(|(value, _, _)| value)
                    .collect(),
            })
            .collect(),
    };
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct AnswersRequest {
    /// By question id: 1-5 for scales, `yes`/`no` (or true/false), an option's value, or text.
    #[schema(value_type = Object)]
    pub answers: HashMap<String, serde_json::Value>,
}

fn as_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Answer an invitation, once. Out-of-range values and missing required answers are 422 with
/// each question named (`answers.<id>`); a second answer, or one outside the round's dates, is
/// 409. Nothing is stored when refused.
#[utoipa::path(post, path = "/api/v1/evaluations/respond/{token}", tag = "evaluations",
    params(("token" = String, Path, description = "The token from the emailed link")),
    request_body = AnswersRequest,
    responses(
        (status = 201, description = "Stored"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/evaluations/respond/{token}")]
pub async fn respond(
    state: web::Data<AppState>,
    token: web::Path<String>,
    body: Json<AnswersRequest>,
) -> AppResult<HttpResponse> {
    let raw = body
        .into_inner()
        .answers
        .iter()
        .map(|(k, v)| (k.clone(), as_text(v)))
        .collect();
    evaluations::respond(&state, InvitationKey::Token(token.into_inner()), raw).await?;
    Ok(HttpResponse::Created().finish())
}

/// Build an evaluation form (programme leads and consortium admins); audited. Every problem is
/// reported at once (422, fields like `questions[2].prompt_cy`), a code already taken is 409.
/// Forms cannot be edited: rounds that used one keep its questions, so write a new form (with a
/// new code) instead.
#[utoipa::path(post, path = "/api/v1/evaluation-forms", tag = "evaluations", security(("bearer" = [])),
    request_body = FormDraft,
    responses(
        (status = 201, body = FormView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/evaluation-forms")]
pub async fn create_form(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<FormDraft>,
) -> AppResult<HttpResponse> {
    let created = forms::create(&state, user, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(created))
}

/// Every evaluation form, the default first, without their questions (leads and admins).
#[utoipa::path(get, path = "/api/v1/evaluation-forms", tag = "evaluations", security(("bearer" = [])),
    responses(
        (status = 200, body = [FormView]),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
#[get("/evaluation-forms")]
pub async fn list_forms(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    let found = db::run(&state.pool, move |conn| forms::list(conn, &user)).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// One evaluation form with its questions (leads and admins).
#[utoipa::path(get, path = "/api/v1/evaluation-forms/{id}", tag = "evaluations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Form id")),
    responses(
        (status = 200, body = FormView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/evaluation-forms/{id}")]
pub async fn show_form(
    state: web::Data<AppState>,
    user: CurrentUser,
    form_id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let found = db::run(&state.pool, move |conn| forms::show(conn, &user, &form_id)).await?;
    Ok(HttpResponse::Ok().json(found))
}
