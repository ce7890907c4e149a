//! Career history: `/api/v1/me/career` (your own) and, for consortium admins,
//! `/api/v1/admin/people/{id}/career` and `/api/v1/admin/career-entries/{id}` (with a reason).

use actix_web::{HttpResponse, delete, get, post, put, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::json_body::Json;
use super::optional_json::OptionalJson;
use crate::auth::CurrentUser;
use crate::db;
use crate::error::{AppResult, Problem};
use crate::outcomes::career::{self, CareerEntryView, CareerRequest};
use crate::state::AppState;

/// Your career, earliest role first.
#[utoipa::path(get, path = "/api/v1/me/career", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = Vec<CareerEntryView>)))]
#[get("/me/career")]
pub async fn mine(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    let found = db::run(&state.pool, move |conn| Ok(career::list(conn, user.id())?)).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// Add a role to your career: `{role, started_on, ended_on?, school_id?, organisation_name?}`.
#[utoipa::path(post, path = "/api/v1/me/career", tag = "accounts", security(("bearer" = [])),
    request_body = CareerRequest,
    responses(
        (status = 201, body = CareerEntryView),
        (status = 422, description = "Every problem, by field, in your language", body = Problem, content_type = "application/problem+json")))]
#[post("/me/career")]
pub async fn add_mine(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<CareerRequest>,
) -> AppResult<HttpResponse> {
    let request = body.into_inner();
    let view = db::run(&state.pool, move |conn| {
        career::add_own(conn, &user, &request)
    })
    .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Change one of your own entries (someone else's is not found).
#[utoipa::path(put, path = "/api/v1/me/career/{id}", tag = "accounts", security(("bearer" = [])),
    request_body = CareerRequest,
    responses(
        (status = 200, body = CareerEntryView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[put("/me/career/{id}")]
pub async fn update_mine(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    body: Json<CareerRequest>,
) -> AppResult<HttpResponse> {
    let request = body.into_inner();
    let id = id.into_inner();
    let view = db::run(&state.pool, move |conn| {
        career::update_own(conn, &user, &id, &request)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Remove one of your own entries.
#[utoipa::path(delete, path = "/api/v1/me/career/{id}", tag = "accounts", security(("bearer" = [])),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[delete("/me/career/{id}")]
pub async fn delete_mine(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    db::run(&state.pool, move |conn| {
        career::delete_own(conn, &user, &id)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Someone's career, for a consortium admin.
#[utoipa::path(get, path = "/api/v1/admin/people/{id}/career", tag = "administration", security(("bearer" = [])),
    responses((status = 200, body = Vec<CareerEntryView>), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/admin/people/{id}/career")]
pub async fn of_person(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let found = db::run(&state.pool, move |conn| career::list_for(conn, &user, &id)).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// Add a role to someone's career; `reason` is required and recorded. Audited.
#[utoipa::path(post, path = "/api/v1/admin/people/{id}/career", tag = "administration", security(("bearer" = [])),
    request_body = CareerRequest,
    responses(
        (status = 201, body = CareerEntryView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/admin/people/{id}/career")]
pub async fn add_for_person(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    body: Json<CareerRequest>,
) -> AppResult<HttpResponse> {
    let request = body.into_inner();
    let id = id.into_inner();
    let view = db::run(&state.pool, move |conn| {
        career::add_for(conn, &user, &id, &request)
    })
    .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Correct anyone's entry; `reason` is required. Audited with before and after.
#[utoipa::path(put, path = "/api/v1/admin/career-entries/{id}", tag = "administration", security(("bearer" = [])),
    request_body = CareerRequest,
    responses(
        (status = 200, body = CareerEntryView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[put("/admin/career-entries/{id}")]
pub async fn correct(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    body: Json<CareerRequest>,
) -> AppResult<HttpResponse> {
    let request = body.into_inner();
    let id = id.into_inner();
    let view = db::run(&state.pool, move |conn| {
        career::correct(conn, &user, &id, &request)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Why an admin deletes someone's entry.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CareerDeletion {
    /// Required; kept in the audit log with the entry as it was.
    pub reason: Option<String>,
}

/// Delete anyone's entry; `reason` is required. Audited with the entry as it was and the reason.
#[utoipa::path(delete, path = "/api/v1/admin/career-entries/{id}", tag = "administration", security(("bearer" = [])),
    request_body = CareerDeletion,
    responses(
        (status = 204),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason given", body = Problem, content_type = "application/problem+json")))]
#[delete("/admin/career-entries/{id}")]
pub async fn delete_entry(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    body: OptionalJson<CareerDeletion>,
) -> AppResult<HttpResponse> {
    // Clients often send a DELETE without a body: that is a missing reason, reported by field.
    let reason = body.into_inner().and_then(|b| b.reason);
    let id = id.into_inner();
    db::run(&state.pool, move |conn| {
        career::delete_for(conn, &user, &id, reason.as_deref())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
