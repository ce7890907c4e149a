//! A cohort's sessions, their registers, the attendance summary, and the completion decision.

use actix_web::{HttpResponse, delete, get, post, put, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::json_body::Json;
use super::optional_json::OptionalJson;
use crate::applications::ApplicationOutcome;
use crate::attendance::{
    self, AttendanceSummary, CompletionDecision, RegisterLine, RegisterOutcome, SessionPlan,
    SessionView,
};
use crate::auth::CurrentUser;
use crate::db;
use crate::domain::FieldError;
use crate::domain::catalogue::required_text;
use crate::domain::session;
use crate::error::{AppError, AppResult, Problem};
use crate::state::AppState;

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct NewSessionRequest {
    pub title_en: String,
    pub title_cy: String,
    /// RFC 3339 (`2026-09-14T09:00:00+01:00`), or `YYYY-MM-DDTHH:MM`, which is the time on a
    /// clock in Wales (as a form sends it). Answered in UTC.
    pub starts_at: String,
    /// As `starts_at`; after it.
    pub ends_at: String,
    /// Where it happens. A session needs a venue, an online link, or both.
    pub venue: Option<String>,
    /// An http(s) link to join online.
    pub online_url: Option<String>,
}

/// The value, or `None` with its problem noted, so that every field is checked in one pass.
fn keep<T>(errors: &mut Vec<FieldError>, result: Result<T, FieldError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

/// Every problem with the request at once, or the session as planned.
pub fn plan_session(body: &NewSessionRequest) -> Result<SessionPlan, Vec<FieldError>> {
    let mut errors = Vec::new();
    let e = &mut errors;
    let title_en = keep(
        e,
        required_text("title_en", &body.title_en, session::MAX_TITLE),
    );
    let title_cy = keep(
        e,
        required_text("title_cy", &body.title_cy, session::MAX_TITLE),
    );
    let starts_at = keep(e, session::moment("starts_at", &body.starts_at));
    let ends_at = keep(e, session::moment("ends_at", &body.ends_at));
    let venue = keep(
        e,
        session::optional_text("venue", body.venue.as_deref(), session::MAX_VENUE),
    );
    let online_url = keep(
        e,
        session::online_url("online_url", body.online_url.as_deref()),
    );
    if let (Some(starts), Some(ends)) = (starts_at, ends_at) {
        keep(e, session::in_order(starts, ends));
    }
    if let (Some(venue), Some(url)) = (&venue, &online_url)
        && let Err(missing) = session::has_place(venue.as_deref(), url.as_deref())
    {
        e.extend(missing);
    }
    match (title_en, title_cy, starts_at, ends_at, venue, online_url) {
        (
            Some(title_en),
            Some(title_cy),
            Some(starts_at),
            Some(ends_at),
            Some(venue),
            Some(url),
        ) if errors.is_empty() => Ok(SessionPlan {
            title_en,
            title_cy,
            starts_at,
            ends_at,
            venue,
            online_url: url,
        }),
        _ => Err(errors),
    }
}

/// Add a session to a cohort (its lead or an admin).
#[utoipa::path(post, path = "/api/v1/cohorts/{id}/sessions", tag = "attendance", security(("bearer" = [])),
    params(("id" = String, Path, description = "Cohort id")), request_body = NewSessionRequest,
    responses(
        (status = 201, body = SessionView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Each field at fault", body = Problem, content_type = "application/problem+json")))]
#[post("/cohorts/{id}/sessions")]
pub async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    cohort_id: web::Path<String>,
    body: Json<NewSessionRequest>,
) -> AppResult<HttpResponse> {
    let plan = plan_session(&body).map_err(AppError::Validation)?;
    let created = db::run(&state.pool, move |conn| {
        attendance::add_session(conn, &user, &cohort_id, &plan)
    })
    .await?;
    Ok(HttpResponse::Created().json(created))
}

/// The cohort's sessions in time order (its lead, an admin, or someone with a live
/// application to it).
#[utoipa::path(get, path = "/api/v1/cohorts/{id}/sessions", tag = "attendance", security(("bearer" = [])),
    params(("id" = String, Path, description = "Cohort id")),
    responses(
        (status = 200, body = [SessionView]),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/cohorts/{id}/sessions")]
pub async fn list(
    state: web::Data<AppState>,
    user: CurrentUser,
    cohort_id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let sessions = db::run(&state.pool, move |conn| {
        attendance::sessions_for(conn, &user, &cohort_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(sessions))
}

/// Change a session's titles, times or place (the cohort's lead or an admin). Its register
/// stays; if its time moves, participants are reminded of the new time.
#[utoipa::path(put, path = "/api/v1/sessions/{id}", tag = "attendance", security(("bearer" = [])),
    params(("id" = String, Path, description = "Session id")), request_body = NewSessionRequest,
    responses(
        (status = 200, body = SessionView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Each field at fault", body = Problem, content_type = "application/problem+json")))]
#[put("/sessions/{id}")]
pub async fn change(
    state: web::Data<AppState>,
    user: CurrentUser,
    session_id: web::Path<String>,
    body: Json<NewSessionRequest>,
) -> AppResult<HttpResponse> {
    let plan = plan_session(&body).map_err(AppError::Validation)?;
    let changed = db::run(&state.pool, move |conn| {
        attendance::change_session(conn, &user, &session_id, &plan)
    })
    .await?;
    Ok(HttpResponse::Ok().json(changed))
}

/// Remove a session planned in error or called off (the cohort's lead or an admin): 409 once a
/// register has been taken at it or an evaluation round is about it.
#[utoipa::path(delete, path = "/api/v1/sessions/{id}", tag = "attendance", security(("bearer" = [])),
    params(("id" = String, Path, description = "Session id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A register or an evaluation round refers to it", body = Problem, content_type = "application/problem+json")))]
#[delete("/sessions/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    user: CurrentUser,
    session_id: web::Path<String>,
) -> AppResult<HttpResponse> {
    db::run(&state.pool, move |conn| {
        attendance::remove_session(conn, &user, &session_id)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

// Serialize only because the schema shows `RegisterRequest`'s default, an empty list of these.
#[derive(Deserialize, serde::Serialize, ToSchema, Default)]
#[serde(default)]
pub struct RegisterLineRequest {
    pub application_id: String,
    /// `present`, `absent` or `apologies`.
    pub status: String,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct RegisterRequest {
    pub records: Vec<RegisterLineRequest>,
}

/// Take or correct a session's register (the cohort's lead or an admin). Each line names a
/// confirmed application in the cohort; a line already recorded is replaced. Any bad line
/// (named as `records[i].status` or `records[i].application_id`) stores nothing.
#[utoipa::path(put, path = "/api/v1/sessions/{id}/attendance", tag = "attendance", security(("bearer" = [])),
    params(("id" = String, Path, description = "Session id")), request_body = RegisterRequest,
    responses(
        (status = 200, body = RegisterOutcome),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Each line at fault, by index", body = Problem, content_type = "application/problem+json")))]
#[put("/sessions/{id}/attendance")]
pub async fn record(
    state: web::Data<AppState>,
    user: CurrentUser,
    session_id: web::Path<String>,
    body: Json<RegisterRequest>,
) -> AppResult<HttpResponse> {
    let lines: Vec<RegisterLine> = body
        .into_inner()
        .records
        .into_iter()
        .map(|r| RegisterLine {
            application_id: r.application_id,
            status: r.status,
        })
        .collect();
    let outcome = db::run(&state.pool, move |conn| {
        attendance::take_register(conn, &user, &session_id, &lines)
    })
    .await?;
    Ok(HttpResponse::Ok().json(outcome))
}

/// Each participant's attendance at every session, and whether they meet the programme's
/// completion rule (the cohort's lead or an admin).
#[utoipa::path(get, path = "/api/v1/cohorts/{id}/attendance", tag = "attendance", security(("bearer" = [])),
    params(("id" = String, Path, description = "Cohort id")),
    responses(
        (status = 200, body = AttendanceSummary),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/cohorts/{id}/attendance")]
pub async fn summary(
    state: web::Data<AppState>,
    user: CurrentUser,
    cohort_id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let summary = db::run(&state.pool, move |conn| {
        attendance::summary(conn, &user, &cohort_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(summary))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct CompletionRequest {
    pub reason: Option<String>,
    /// Completes someone below the attendance rule; recorded as the reason.
    pub override_reason: Option<String>,
}

fn note(text: Option<String>) -> Option<String> {
    crate::domain::reason::recorded(text.as_deref())
}

async fn decide(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    decision: CompletionDecision,
) -> AppResult<HttpResponse> {
    let outcome = attendance::decide_completion(&state, user, id.into_inner(), decision).await?;
    Ok(HttpResponse::Ok().json(outcome))
}

/// Mark a confirmed participant as having completed (the cohort's lead or an admin). Below
/// the programme's attendance rule this is refused unless `override_reason` says why.
#[utoipa::path(post, path = "/api/v1/applications/{id}/complete", tag = "attendance", security(("bearer" = [])),
    params(("id" = String, Path, description = "Application id")), request_body(content = Option<CompletionRequest>),
    responses(
        (status = 200, body = ApplicationOutcome),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not possible from its current status", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Below the attendance rule, with no override_reason", body = Problem, content_type = "application/problem+json")))]
#[post("/applications/{id}/complete")]
pub async fn complete(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    body: OptionalJson<CompletionRequest>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner().unwrap_or_default();
    let decision = CompletionDecision::Complete {
        reason: note(body.reason),
        override_reason: note(body.override_reason),
    };
    decide(state, user, id, decision).await
}

/// Mark a confirmed participant as not having completed (the cohort's lead or an admin).
#[utoipa::path(post, path = "/api/v1/applications/{id}/not-complete", tag = "attendance", security(("bearer" = [])),
    params(("id" = String, Path, description = "Application id")), request_body(content = Option<CompletionRequest>),
    responses(
        (status = 200, body = ApplicationOutcome),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not possible from its current status", body = Problem, content_type = "application/problem+json")))]
#[post("/applications/{id}/not-complete")]
pub async fn not_complete(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    body: OptionalJson<CompletionRequest>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner().unwrap_or_default();
    let decision = CompletionDecision::NotComplete {
        reason: note(body.reason),
    };
    decide(state, user, id, decision).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(starts_at: &str, ends_at: &str, venue: Option<&str>) -> NewSessionRequest {
        NewSessionRequest {
            title_en: "Leading change".into(),
            title_cy: "Arwain newid".into(),
            starts_at: starts_at.into(),
            ends_at: ends_at.into(),
            venue: venue.map(Into::into),
            online_url: None,
        }
    }

    fn fields(result: Result<SessionPlan, Vec<FieldError>>) -> Vec<String> {
        result
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field.into_owned())
            .collect()
    }

    #[test]
    fn a_complete_session_is_planned() {
        let plan = plan_session(&request(
            "2026-09-14T09:00",
            "2026-09-14T12:00",
            Some("Hall"),
        ));
        assert!(plan.is_ok_and(|p| p.venue.as_deref() == Some("Hall")));
    }

    #[test]
    fn every_field_at_fault_is_named_together() {
        let mut bad = request("2026-09-14T09:00", "2026-09-14T08:00", None);
        bad.title_cy = " ".into();
        assert_eq!(
            fields(plan_session(&bad)),
            ["title_cy", "ends_at", "venue", "online_url"]
        );
        assert_eq!(
            fields(plan_session(&request(
                "tomorrow",
                "2026-09-14T08:00",
                Some("Hall")
            ))),
            ["starts_at"]
        );
    }
}
