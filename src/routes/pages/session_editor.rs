//! The page where a programme lead or an admin changes a session (its titles, times or place)
//! or removes one planned in error. `attendance::change_session` and `remove_session` do the
//! work, as for the API.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;

use super::context::{FormState, Page, PageContext, render, see_other};
use crate::attendance::{self, SessionView};
use crate::db;
use crate::domain::wales_time;
use crate::error::{AppError, AppResult};
use crate::routes::api::sessions::{NewSessionRequest, plan_session};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "pages/lead_session.html")]
struct SessionPage {
    page: PageContext,
    id: String,
    cohort_id: String,
    form: FormState,
    /// Why it cannot be removed, when that was asked.
    removal_refused: Option<String>,
}

/// A session's time as a form's `datetime-local` shows it: on a clock in Wales.
fn form_time(at: chrono::DateTime<chrono::Utc>) -> String {
    wales_time::from_utc(at.naive_utc())
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

fn as_stored(session: &SessionView) -> FormState {
    FormState::default()
        .with_value("title_en", &session.title_en)
        .with_value("title_cy", &session.title_cy)
        .with_value("starts_at", &form_time(session.starts_at))
        .with_value("ends_at", &form_time(session.ends_at))
        .with_value("venue", session.venue.as_deref().unwrap_or(""))
        .with_value("online_url", session.online_url.as_deref().unwrap_or(""))
}

/// A session form as it was sent, to show again when refused.
pub(super) fn as_typed(request: &NewSessionRequest) -> FormState {
    FormState::default()
        .with_value("title_en", &request.title_en)
        .with_value("title_cy", &request.title_cy)
        .with_value("starts_at", &request.starts_at)
        .with_value("ends_at", &request.ends_at)
        .with_value("venue", request.venue.as_deref().unwrap_or(""))
        .with_value("online_url", request.online_url.as_deref().unwrap_or(""))
}

async fn session_page(
    state: &AppState,
    page: Page,
    id: String,
    typed: Option<FormState>,
    removal_refused: Option<String>,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let user = page.user.ok_or(AppError::Unauthenticated)?;
    let session = {
        let id = id.clone();
        db::run(&state.pool, move |conn| {
            attendance::managed_session_view(conn, &user, &id)
        })
        .await?
    };
    let form = typed.unwrap_or_else(|| as_stored(&session));
    render(
        status,
        &SessionPage {
            page: page.context,
            id,
            cohort_id: session.cohort_id,
            form,
            removal_refused,
        },
    )
}

#[get("/lead/sessions/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    session_page(&state, page, id.into_inner(), None, None, StatusCode::OK).await
}

#[post("/lead/sessions/{id}")]
pub async fn change(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
    form: web::Form<NewSessionRequest>,
) -> AppResult<HttpResponse> {
    let user = page.user.clone().ok_or(AppError::Unauthenticated)?;
    let id = id.into_inner();
    let request = form.into_inner();
    let errors = match plan_session(&request) {
        Ok(plan) => {
            let session_id = id.clone();
            let changed = db::run(&state.pool, move |conn| {
                attendance::change_session(conn, &user, &session_id, &plan)
            })
            .await?;
            return Ok(see_other(format!("/lead/cohorts/{}", changed.cohort_id)));
        }
        Err(errors) => errors,
    };
    let typed = as_typed(&request).with_errors(page.context.i18n.language, &errors);
    session_page(
        &state,
        page,
        id,
        Some(typed),
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[post("/lead/sessions/{id}/delete")]
pub async fn remove(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let user = page.user.clone().ok_or(AppError::Unauthenticated)?;
    let id = id.into_inner();
    let session_id = id.clone();
    match db::run(&state.pool, move |conn| {
        attendance::remove_session(conn, &user, &session_id)
    })
    .await
    {
        Ok(cohort_id) => Ok(see_other(format!("/lead/cohorts/{cohort_id}"))),
        Err(AppError::Conflict(key)) => {
            let why = page.context.i18n.t(key);
            session_page(&state, page, id, None, Some(why), StatusCode::CONFLICT).await
        }
        Err(other) => Err(other),
    }
}
