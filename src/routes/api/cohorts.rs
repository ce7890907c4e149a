use actix_web::{HttpResponse, get, patch, post, web};
use chrono::Utc;
use serde::Deserialize;
use utoipa::ToSchema;

use super::json_body::Json;
use super::programmes::{CohortSummary, cohort_summary};
use crate::applications::{self, RosterEntry};
use crate::auth::CurrentUser;
use crate::db::catalogue::{self, CohortChanges, NewCohort};
use crate::db::{self};
use crate::domain::FieldError;
use crate::domain::catalogue as rules;
use crate::domain::role::Role;
use crate::error::{AppError, AppResult, Problem};
use crate::i18n::RequestLanguage;
use crate::reports::table::defuse_formula;
use crate::state::AppState;

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct NewCohortRequest {
    pub name: String,
    pub capacity: i64,
    /// `YYYY-MM-DD`
    pub starts_on: String,
    /// `YYYY-MM-DD`
    pub ends_on: String,
    /// `english`, `welsh` or `bilingual`.
    pub language_medium: String,
    /// `YYYY-MM-DD`; the last day applications are taken.
    pub applications_close_on: Option<String>,
    pub venue: Option<String>,
}

/// Add a cohort to a programme (the programme leads who run the programme, who then lead the
/// cohort, and consortium admins).
#[utoipa::path(post, path = "/api/v1/programmes/{id}/cohorts", tag = "catalogue", security(("bearer" = [])),
    params(("id" = String, Path, description = "Programme id")), request_body = NewCohortRequest,
    responses(
        (status = 201, body = CohortSummary),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/programmes/{id}/cohorts")]
pub async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    programme_id: web::Path<String>,
    body: Json<NewCohortRequest>,
) -> AppResult<HttpResponse> {
    let cohort = create_cohort(&state, &user, programme_id.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(cohort))
}

/// Checks every field, then adds the cohort, led by the lead who adds it; shared by the API
/// and the lead's page.
pub async fn create_cohort(
    state: &AppState,
    user: &CurrentUser,
    programme_id: String,
    body: NewCohortRequest,
) -> AppResult<CohortSummary> {
    user.require_any(&[Role::ProgrammeLead, Role::ConsortiumAdmin])?;
    let mut errors: Vec<FieldError> = Vec::new();
    let name = rules::required_text("name", &body.name, 200)
        .map_err(|e| errors.push(e))
        .ok();
    let capacity = rules::capacity("capacity", body.capacity)
        .map_err(|e| errors.push(e))
        .ok();
    let starts_on = rules::date("starts_on", &body.starts_on)
        .map_err(|e| errors.push(e))
        .ok();
    let ends_on = rules::date("ends_on", &body.ends_on)
        .map_err(|e| errors.push(e))
        .ok();
    let language = rules::delivery_language("language_medium", &body.language_medium)
        .map_err(|e| errors.push(e))
        .ok();
    let close_on = match body
        .applications_close_on
        .as_deref()
        .filter(|s| !s.trim().is_empty())
    {
        Some(raw) => rules::date("applications_close_on", raw)
            .map_err(|e| errors.push(e))
            .ok(),
        None => None,
    };
    if let (Some(starts), Some(ends)) = (starts_on, ends_on)
        && let Err(e) = rules::cohort_dates(starts, ends, close_on)
    {
        errors.push(e);
    }
    let (Some(name), Some(capacity), Some(starts_on), Some(ends_on), Some(language), true) = (
        name,
        capacity,
        starts_on,
        ends_on,
        language,
        errors.is_empty(),
    ) else {
        return Err(AppError::Validation(errors));
    };
    let lead_id = user.has(Role::ProgrammeLead).then(|| user.id().to_owned());
    let may_run = user.runs_programme(&programme_id);
    let cohort = db::run(&state.pool, move |conn| {
        catalogue::find_programme(&mut *conn, &programme_id)?.ok_or(AppError::NotFound)?;
        if !may_run {
            return Err(AppError::Forbidden);
        }
        let id = uuid::Uuid::new_v4().to_string();
        let now = Utc::now().naive_utc();
        catalogue::insert_cohort(
            conn,
            &NewCohort {
                id: &id,
                programme_id: &programme_id,
                name: &name,
                capacity,
                seats_taken: 0,
                waitlist_counter: 0,
                starts_on,
                ends_on,
                applications_open_on: None,
                applications_close_on: close_on,
                language_medium: &language,
                status: "open",
                lead_id: lead_id.as_deref(),
                venue: body.venue.as_deref(),
                created_at: now,
                updated_at: now,
            },
        )
        .map_err(|e| match e {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => AppError::Conflict("problem-cohort-name-taken"),
            other => other.into(),
        })?;
        catalogue::find_cohort(conn, &id)?.ok_or(AppError::NotFound)
    })
    .await?;
    Ok(cohort_summary(cohort))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct CohortPatch {
    pub capacity: Option<i64>,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    /// `YYYY-MM-DD`; an empty string takes the closing date away.
    pub applications_close_on: Option<String>,
    /// `open` to take applications, `closed` to stop.
    pub status: Option<String>,
}

/// Change a cohort's capacity, dates or whether it takes applications (its lead or an admin).
/// More seats go at once to the waiting list, in order; fewer seats than are taken is refused.
#[utoipa::path(patch, path = "/api/v1/cohorts/{id}", tag = "catalogue", security(("bearer" = [])),
    params(("id" = String, Path, description = "Cohort id")), request_body = CohortPatch,
    responses(
        (status = 200, body = CohortSummary),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[patch("/cohorts/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    cohort_id: web::Path<String>,
    body: Json<CohortPatch>,
) -> AppResult<HttpResponse> {
    let cohort = update_cohort(&state, user, cohort_id.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(cohort))
}

/// Applies a lead's changes to a cohort and fills any new places from the waiting list; shared
/// by the API and the lead's page.
pub async fn update_cohort(
    state: &AppState,
    user: CurrentUser,
    cohort_id: String,
    body: CohortPatch,
) -> AppResult<CohortSummary> {
    let mut errors: Vec<FieldError> = Vec::new();
    let mut parse_date = |field: &'static str, raw: &Option<String>| {
        raw.as_deref()
            .and_then(|r| rules::date(field, r).map_err(|e| errors.push(e)).ok())
    };
    let starts_on = parse_date("starts_on", &body.starts_on);
    let ends_on = parse_date("ends_on", &body.ends_on);
    // An empty closing date takes it away: applications then run until the lead closes them.
    let close_on: Option<Option<chrono::NaiveDate>> =
        match body.applications_close_on.as_deref().map(str::trim) {
            Some("") => Some(None),
            _ => parse_date("applications_close_on", &body.applications_close_on).map(Some),
        };
    let capacity = body.capacity.and_then(|c| {
        rules::capacity("capacity", c)
            .map_err(|e| errors.push(e))
            .ok()
    });
    let status = match body.status.as_deref() {
        None => None,
        Some(s @ ("open" | "closed")) => Some(s.to_owned()),
        Some(_) => {
            errors.push(FieldError::new("status", "error-cohort-status-invalid"));
            None
        }
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let public_url = state.settings.public_url().to_owned();
    let cohort = db::run(&state.pool, move |conn| {
        let cohort = catalogue::find_cohort(conn, &cohort_id)?.ok_or(AppError::NotFound)?;
        if !applications::may_manage(&user, &cohort) {
            return Err(AppError::Forbidden);
        }
        let starts = starts_on.unwrap_or(cohort.starts_on);
        let ends = ends_on.unwrap_or(cohort.ends_on);
        rules::cohort_dates(
            starts,
            ends,
            close_on.unwrap_or(cohort.applications_close_on),
        )
        .map_err(|e| AppError::Validation(vec![e]))?;
        let programme =
            catalogue::find_programme(conn, &cohort.programme_id)?.ok_or(AppError::NotFound)?;
        db::transaction::<_, AppError, _>(conn, |conn| {
            let changes = CohortChanges {
                capacity,
                starts_on,
                ends_on,
                applications_close_on: close_on,
                status,
                updated_at: Some(Utc::now().naive_utc()),
            };
            if catalogue::update_cohort(conn, &cohort.id, &changes)? == 0 {
                return Err(AppError::Refused("problem-capacity-below-seats"));
            }
            let updated = catalogue::find_cohort(conn, &cohort.id)?.ok_or(AppError::NotFound)?;
            applications::fill_from_waitlist(conn, &public_url, &updated, &programme)?;
            catalogue::find_cohort(conn, &cohort.id)?.ok_or(AppError::NotFound)
        })
    })
    .await?;
    Ok(cohort_summary(cohort))
}

/// Every application to the cohort, with person, status and waiting-list position (its lead or
/// an admin).
#[utoipa::path(get, path = "/api/v1/cohorts/{id}/roster", tag = "applications", security(("bearer" = [])),
    params(("id" = String, Path, description = "Cohort id")),
    responses(
        (status = 200, body = [RosterEntry]),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
#[get("/cohorts/{id}/roster")]
pub async fn roster(
    state: web::Data<AppState>,
    user: CurrentUser,
    cohort_id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let rows = db::run(&state.pool, move |conn| {
        applications::roster(conn, &user, &cohort_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(rows))
}

/// The roster as CSV, for spreadsheets (its lead or an admin). School names are in the
/// request's language (`?lang=`, the site's language cookie, then Accept-Language), as in the
/// reports' downloads; the column names stay as documented, for programs that read them.
#[utoipa::path(get, path = "/api/v1/cohorts/{id}/roster.csv", tag = "applications", security(("bearer" = [])),
    params(("id" = String, Path, description = "Cohort id")),
    responses(
        (status = 200, description = "name, email, school, status, waitlist_position, applied_at", content_type = "text/csv"),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
#[get("/cohorts/{id}/roster.csv")]
pub async fn roster_csv(
    state: web::Data<AppState>,
    user: CurrentUser,
    cohort_id: web::Path<String>,
    RequestLanguage(language): RequestLanguage,
) -> AppResult<HttpResponse> {
    let cohort_id = cohort_id.into_inner();
    let file_name = format!("roster-{cohort_id}.csv");
    let rows = db::run(&state.pool, move |conn| {
        applications::roster(conn, &user, &cohort_id)
    })
    .await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "name",
            "email",
            "school",
            "status",
            "waitlist_position",
            "applied_at",
        ])
        .map_err(anyhow::Error::from)?;
    for row in rows {
        let school = language.pick(
            row.school_en.as_deref().unwrap_or(""),
            row.school_cy.as_deref().unwrap_or(""),
        );
        let cells = [
            row.name.as_str(),
            row.email.as_str(),
            school,
            row.status.as_str(),
            &row.waitlist_position
                .map(|p| p.to_string())
                .unwrap_or_default(),
            &row.applied_at.format("%Y-%m-%d %H:%M").to_string(),
        ];
        writer
            .write_record(cells.map(defuse_formula))
            .map_err(anyhow::Error::from)?;
    }
    let body = writer
        .into_inner()
        .map_err(|e| anyhow::anyhow!("could not write the CSV: {e}"))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{file_name}\""),
        ))
        .body(body))
}
