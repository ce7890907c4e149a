use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::json_body::Json;
use super::optional_json::OptionalJson;
use crate::applications::{self, ApplicationOutcome, ApplicationView, ApplyFor};
use crate::auth::{Authenticated, CurrentUser};
use crate::db;
use crate::error::{AppResult, Problem};
use crate::state::AppState;

/// Apply for a cohort as the signed-in person (no body needed). The answer says whether the
/// application awaits the headteacher's endorsement, has a seat, or is on the waiting list (and
/// where). A consortium admin may send `{person_id}` to apply for someone, and
/// `{override_reason}` to set the eligibility rules aside; the reason is recorded.
#[utoipa::path(post, path = "/api/v1/cohorts/{id}/applications", tag = "applications", security(("bearer" = [])),
    params(("id" = String, Path, description = "Cohort id")), request_body(content = Option<ApplyFor>),
    responses(
        (status = 201, body = ApplicationOutcome),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already applied to this programme, or applications are closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not eligible, with the reason", body = Problem, content_type = "application/problem+json")))]
#[post("/cohorts/{id}/applications")]
pub async fn apply(
    state: web::Data<AppState>,
    user: Authenticated,
    cohort_id: web::Path<String>,
    body: OptionalJson<ApplyFor>,
) -> AppResult<HttpResponse> {
    let request = body.into_inner().unwrap_or_default();
    let outcome = applications::apply(&state, user, cohort_id.into_inner(), request).await?;
    Ok(HttpResponse::Created().json(outcome))
}

/// The signed-in person's applications, newest first.
#[utoipa::path(get, path = "/api/v1/me/applications", tag = "applications", security(("bearer" = [])),
    responses((status = 200, body = [ApplicationView])))]
#[get("/me/applications")]
pub async fn mine(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    let person_id = user.id().to_owned();
    let views = db::run(&state.pool, move |conn| {
        applications::applications_of(conn, &person_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(views))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ReasonRequest {
    pub reason: Option<String>,
}

fn reason(body: OptionalJson<ReasonRequest>) -> Option<String> {
    crate::domain::reason::recorded(body.into_inner().and_then(|b| b.reason).as_deref())
}

/// Withdraw your own application; a seat it held goes to the next person waiting.
#[utoipa::path(post, path = "/api/v1/applications/{id}/withdraw", tag = "applications", security(("bearer" = [])),
    params(("id" = String, Path, description = "Application id")), request_body(content = Option<ReasonRequest>),
    responses(
        (status = 200, body = ApplicationOutcome),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not possible from its current status", body = Problem, content_type = "application/problem+json")))]
#[post("/applications/{id}/withdraw")]
pub async fn withdraw(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    body: OptionalJson<ReasonRequest>,
) -> AppResult<HttpResponse> {
    let outcome = applications::withdraw(&state, user, id.into_inner(), reason(body)).await?;
    Ok(HttpResponse::Ok().json(outcome))
}

/// Endorse a member of your school's staff (their headteacher).
#[utoipa::path(post, path = "/api/v1/applications/{id}/endorse", tag = "applications", security(("bearer" = [])),
    params(("id" = String, Path, description = "Application id")), request_body(content = Option<ReasonRequest>),
    responses(
        (status = 200, body = ApplicationOutcome),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/applications/{id}/endorse")]
pub async fn endorse(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    body: OptionalJson<ReasonRequest>,
) -> AppResult<HttpResponse> {
    let outcome =
        applications::decide_endorsement(&state, user, id.into_inner(), true, reason(body)).await?;
    Ok(HttpResponse::Ok().json(outcome))
}

/// Decline to endorse (the applicant's headteacher).
#[utoipa::path(post, path = "/api/v1/applications/{id}/decline", tag = "applications", security(("bearer" = [])),
    params(("id" = String, Path, description = "Application id")), request_body(content = Option<ReasonRequest>),
    responses(
        (status = 200, body = ApplicationOutcome),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/applications/{id}/decline")]
pub async fn decline(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    body: OptionalJson<ReasonRequest>,
) -> AppResult<HttpResponse> {
    let outcome =
        applications::decide_endorsement(&state, user, id.into_inner(), false, reason(body))
            .await?;
    Ok(HttpResponse::Ok().json(outcome))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct CohortChoice {
    /// The other cohort of the same programme.
    pub cohort_id: String,
    pub reason: Option<String>,
}

/// Defer your application to a later cohort of the same programme (or, as its lead, someone's).
/// The new application keeps its endorsement and takes a seat or a waiting-list place there.
#[utoipa::path(post, path = "/api/v1/applications/{id}/defer", tag = "applications", security(("bearer" = [])),
    params(("id" = String, Path, description = "Application id")), request_body = CohortChoice,
    responses(
        (status = 200, description = "The new application in the later cohort", body = ApplicationOutcome),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/applications/{id}/defer")]
pub async fn defer(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    body: Json<CohortChoice>,
) -> AppResult<HttpResponse> {
    let outcome =
        applications::defer(&state, user, id.into_inner(), body.into_inner().cohort_id).await?;
    Ok(HttpResponse::Ok().json(outcome))
}

/// Move a participant to another cohort of the same programme (a lead of both cohorts, or an
/// admin). The seat left behind goes to the next person waiting.
#[utoipa::path(post, path = "/api/v1/applications/{id}/move", tag = "applications", security(("bearer" = [])),
    params(("id" = String, Path, description = "Application id")), request_body = CohortChoice,
    responses(
        (status = 200, body = ApplicationOutcome),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/applications/{id}/move")]
pub async fn move_to_cohort(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    body: Json<CohortChoice>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner();
    let reason = body
        .reason
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    let outcome =
        applications::move_to_cohort(&state, user, id.into_inner(), body.cohort_id, reason).await?;
    Ok(HttpResponse::Ok().json(outcome))
}
