//! A programme lead's cohort page: its sessions, registers, attendance against the completion
//! rule, completion decisions and the roster; all plain forms.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::context::{FormState, Page, PageContext, render};
use super::session::safe_next;
use crate::applications::{self, RosterEntry};
use crate::attendance::{self, AttendanceSummary, CompletionDecision, RegisterLine};
use crate::auth::CurrentUser;
use crate::db::{self, catalogue};
use crate::domain::completion::AttendanceStatus;
use crate::error::{AppError, AppResult};
use crate::routes::api::sessions::{NewSessionRequest, plan_session};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "pages/lead_cohort.html")]
struct CohortPage {
    page: PageContext,
    cohort_id: String,
    programme_en: String,
    programme_cy: String,
    cohort_name: String,
    seats_taken: i32,
    capacity: i32,
    summary: AttendanceSummary,
    roster: Vec<RosterEntry>,
    form: FormState,
}

async fn cohort_page(
    state: &AppState,
    page: PageContext,
    user: CurrentUser,
    cohort_id: String,
    form: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let (cohort, programme, roster, summary) = db::run(&state.pool, move |conn| {
        let roster = applications::roster(conn, &user, &cohort_id)?;
        let summary = attendance::summary(conn, &user, &cohort_id)?;
        let cohort = catalogue::find_cohort(conn, &cohort_id)?.ok_or(AppError::NotFound)?;
        let programme =
            catalogue::find_programme(conn, &cohort.programme_id)?.ok_or(AppError::NotFound)?;
        Ok((cohort, programme, roster, summary))
    })
    .await?;
    render(
        status,
        &CohortPage {
            page,
            cohort_id: cohort.id,
            programme_en: programme.title_en,
            programme_cy: programme.title_cy,
            cohort_name: cohort.name,
            seats_taken: cohort.seats_taken,
            capacity: cohort.capacity,
            summary,
            roster,
            form,
        },
    )
}

#[get("/lead/cohorts/{id}")]
pub async fn show_cohort(
    state: web::Data<AppState>,
    page: Page,
    cohort_id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let user = page.user.ok_or(AppError::Unauthenticated)?;
    let form = FormState::default();
    cohort_page(
        &state,
        page.context,
        user,
        cohort_id.into_inner(),
        form,
        StatusCode::OK,
    )
    .await
}

#[post("/lead/cohorts/{id}/sessions")]
pub async fn add_session(
    state: web::Data<AppState>,
    page: Page,
    cohort_id: web::Path<String>,
    form: web::Form<NewSessionRequest>,
) -> AppResult<HttpResponse> {
    let user = page.user.ok_or(AppError::Unauthenticated)?;
    let cohort_id = cohort_id.into_inner();
    let request = form.into_inner();
    let errors = match plan_session(&request) {
        Ok(plan) => {
            let (user, id) = (user.clone(), cohort_id.clone());
            db::run(&state.pool, move |conn| {
                attendance::add_session(conn, &user, &id, &plan)
            })
            .await?;
            return Ok(see_other(format!("/lead/cohorts/{cohort_id}")));
        }
        Err(errors) => errors,
    };
    let language = page.context.i18n.language;
    let typed = FormState::default()
        .with_value("title_en", &request.title_en)
        .with_value("title_cy", &request.title_cy)
        .with_value("starts_at", &request.starts_at)
        .with_value("ends_at", &request.ends_at)
        .with_value("venue", request.venue.as_deref().unwrap_or(""))
        .with_value("online_url", request.online_url.as_deref().unwrap_or(""))
        .with_errors(language, &errors);
    cohort_page(
        &state,
        page.context,
        user,
        cohort_id,
        typed,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

fn see_other(location: String) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((LOCATION, location))
        .finish()
}

/// One participant's line of a register form.
struct RegisterRow {
    application_id: String,
    name: String,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "pages/attendance_register.html")]
struct RegisterPage {
    page: PageContext,
    cohort_id: String,
    session_id: String,
    session_en: String,
    session_cy: String,
    starts_at: String,
    rows: Vec<RegisterRow>,
    statuses: [&'static str; 3],
}

#[get("/lead/sessions/{id}/register")]
pub async fn register_form(
    state: web::Data<AppState>,
    page: Page,
    session_id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let user = page.user.ok_or(AppError::Unauthenticated)?;
    let session_id = session_id.into_inner();
    let wanted = session_id.clone();
    let (summary, session) = db::run(&state.pool, move |conn| {
        let session =
            crate::db::attendance::find_session(conn, &wanted)?.ok_or(AppError::NotFound)?;
        let summary = attendance::summary(conn, &user, &session.cohort_id)?;
        Ok((summary, session))
    })
    .await?;
    let column = summary.sessions.iter().position(|s| s.id == session_id);
    let rows = summary
        .participants
        .iter()
        .filter(|p| p.status == "confirmed")
        .map(|p| RegisterRow {
            application_id: p.application_id.clone(),
            name: p.name.clone(),
            status: column
                .and_then(|i| p.sessions.get(i))
                .and_then(|s| s.status)
                .map(AttendanceStatus::as_str)
                .unwrap_or(""),
        })
        .collect();
    render(
        StatusCode::OK,
        &RegisterPage {
            page: page.context,
            cohort_id: session.cohort_id,
            session_id,
            session_en: session.title_en,
            session_cy: session.title_cy,
            starts_at: session.starts_at.format("%d/%m/%Y %H:%M UTC").to_string(),
            rows,
            statuses: ["present", "absent", "apologies"],
        },
    )
}

/// The register as posted: `status_<application id>` = present | absent | apologies.
#[post("/lead/sessions/{id}/register")]
pub async fn take_register(
    state: web::Data<AppState>,
    user: CurrentUser,
    session_id: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let session_id = session_id.into_inner();
    let lines: Vec<RegisterLine> = form
        .into_inner()
        .into_iter()
        .filter_map(|(key, status)| {
            key.strip_prefix("status_").map(|id| RegisterLine {
                application_id: id.to_owned(),
                status,
            })
        })
        .collect();
    let cohort_id = db::run(&state.pool, move |conn| {
        attendance::take_register(conn, &user, &session_id, &lines)?;
        let session =
            crate::db::attendance::find_session(conn, &session_id)?.ok_or(AppError::NotFound)?;
        Ok(session.cohort_id)
    })
    .await?;
    Ok(see_other(format!(
        "/lead/cohorts/{cohort_id}?saved=register"
    )))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CompletionForm {
    back: String,
    override_reason: String,
}

#[post("/lead/applications/{id}/complete")]
pub async fn complete(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    form: web::Form<CompletionForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let override_reason = Some(form.override_reason.trim().to_owned()).filter(|r| !r.is_empty());
    let decision = CompletionDecision::Complete {
        reason: None,
        override_reason,
    };
    attendance::decide_completion(&state, user, id.into_inner(), decision).await?;
    Ok(see_other(safe_next(Some(&form.back), "/lead")))
}

#[post("/lead/applications/{id}/not-complete")]
pub async fn not_complete(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    form: web::Form<CompletionForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let decision = CompletionDecision::NotComplete { reason: None };
    attendance::decide_completion(&state, user, id.into_inner(), decision).await?;
    Ok(see_other(safe_next(Some(&form.back), "/lead")))
}
