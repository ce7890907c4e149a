//! `/api/v1/reports/measures...`: outcome measures per cohort year and the people behind each
//! figure (consortium admins for the region, LA officers for their own authority), as JSON, CSV
//! or XLSX; and `/api/v1/admin/measures`, where consortium admins define them.

use actix_web::{HttpResponse, get, post, put, web};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

use super::json_body::Json;
use crate::auth::CurrentUser;
use crate::db;
use crate::domain::academic_year::parse_academic_year;
use crate::domain::measures::Standing;
use crate::error::{AppError, AppResult, Problem};
use crate::i18n::RequestLanguage;
use crate::outcomes::measures::{self, MeasureFigures, MeasurePeople, MeasureRequest, MeasureView};
use crate::reports::{ExportFormat, ReportScope};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct MeasuresQuery {
    /// A local authority's id; an LA officer may only give their own.
    pub authority: Option<String>,
    /// csv or xlsx for a download; JSON without it.
    pub format: Option<String>,
    /// The day the figures are worked out for (YYYY-MM-DD); today without it.
    pub as_of: Option<NaiveDate>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct MeasurePeopleQuery {
    /// The cohort year: 2022 or 2022/23.
    #[serde(default)]
    pub year: String,
    /// achieved, not_achieved, in_window, or closed (everyone whose window has closed: the
    /// denominator).
    #[serde(default)]
    pub group: String,
    pub authority: Option<String>,
    pub format: Option<String>,
    pub as_of: Option<NaiveDate>,
}

pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The day a page's figures are asked for: `as_of` as the date field sends it (YYYY-MM-DD);
/// `None` (today) when it is absent or blank.
pub fn chosen_day(given: Option<&str>) -> AppResult<Option<NaiveDate>> {
    given
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|day| {
            crate::domain::day::parse(day)
                .ok_or_else(|| AppError::field("as_of", "measures-error-as-of"))
        })
        .transpose()
}

pub fn export_format(format: Option<&str>) -> AppResult<Option<ExportFormat>> {
    match format.map(str::trim).filter(|f| !f.is_empty()) {
        None => Ok(None),
        Some(f) => ExportFormat::parse(f)
            .map(Some)
            .ok_or_else(|| AppError::field("format", "measures-error-format")),
    }
}

/// The cohort year and group of a drill-down, each named when it is wrong.
pub fn drill_down_params(year: &str, group: &str) -> AppResult<(i32, Option<Standing>)> {
    let year_parsed = parse_academic_year(year);
    let group_parsed = measures::parse_group(group);
    let mut errors = Vec::new();
    if year_parsed.is_none() {
        errors.push(crate::domain::FieldError::new(
            "year",
            "measures-error-year",
        ));
    }
    if group_parsed.is_none() {
        errors.push(crate::domain::FieldError::new(
            "group",
            "measures-error-group",
        ));
    }
    match (year_parsed, group_parsed) {
        (Some(year), Some(group)) => Ok((year, group)),
        _ => Err(AppError::Validation(errors)),
    }
}

/// Every active measure per cohort year: numerator, denominator, %, target and how many are
/// still inside their window.
#[utoipa::path(get, path = "/api/v1/reports/measures", tag = "outcomes", security(("bearer" = [])),
    params(MeasuresQuery),
    responses(
        (status = 200, body = Vec<MeasureFigures>),
        (status = 200, description = "With format=csv or xlsx: the table as a download", content_type = "text/csv"),
        (status = 403, description = "Neither consortium admin nor LA officer, or another authority", body = Problem, content_type = "application/problem+json")))]
#[get("/reports/measures")]
pub async fn figures(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<MeasuresQuery>,
    RequestLanguage(language): RequestLanguage,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let authority = ReportScope::of(&user)?.authority(query.authority.as_deref())?;
    let format = export_format(query.format.as_deref())?;
    let as_of = query.as_of.unwrap_or_else(today);
    let found = db::run_report(&state.pool, move |conn| {
        Ok(measures::figures(conn, authority.as_deref(), as_of)?)
    })
    .await?;
    match format {
        Some(format) => Ok(measures::figures_table(&found, language)
            .download(format, &format!("measures-{as_of}"))?),
        None => Ok(HttpResponse::Ok().json(found)),
    }
}

/// The people behind one figure: a measure's cohort year and group.
#[utoipa::path(get, path = "/api/v1/reports/measures/{code}/people", tag = "outcomes", security(("bearer" = [])),
    params(("code" = String, Path, description = "The measure's code"), MeasurePeopleQuery),
    responses(
        (status = 200, body = MeasurePeople),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such measure", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad year, group or format", body = Problem, content_type = "application/problem+json")))]
#[get("/reports/measures/{code}/people")]
pub async fn people(
    state: web::Data<AppState>,
    user: CurrentUser,
    code: web::Path<String>,
    query: web::Query<MeasurePeopleQuery>,
    RequestLanguage(language): RequestLanguage,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let authority = ReportScope::of(&user)?.authority(query.authority.as_deref())?;
    let (year, group) = drill_down_params(&query.year, &query.group)?;
    let format = export_format(query.format.as_deref())?;
    let as_of = query.as_of.unwrap_or_else(today);
    let code = code.into_inner();
    let found = db::run_report(&state.pool, move |conn| {
        measures::people(conn, &code, year, group, authority.as_deref(), as_of)
    })
    .await?;
    match format {
        Some(format) => Ok(measures::people_table(&found, language).download(
            format,
            &format!("{}-{}-{}", found.measure.code, year, found.group),
        )?),
        None => Ok(HttpResponse::Ok().json(found)),
    }
}

/// Every measure, active or not.
#[utoipa::path(get, path = "/api/v1/admin/measures", tag = "outcomes", security(("bearer" = [])),
    responses((status = 200, body = Vec<MeasureView>), (status = 403, body = Problem, content_type = "application/problem+json")))]
#[get("/admin/measures")]
pub async fn list(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    let found = db::run(&state.pool, move |conn| measures::list(conn, &user)).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// Define a measure. Audited.
#[utoipa::path(post, path = "/api/v1/admin/measures", tag = "outcomes", security(("bearer" = [])),
    request_body = MeasureRequest,
    responses(
        (status = 201, body = MeasureView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every problem, by field", body = Problem, content_type = "application/problem+json")))]
#[post("/admin/measures")]
pub async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<MeasureRequest>,
) -> AppResult<HttpResponse> {
    let request = body.into_inner();
    let view = db::run(&state.pool, move |conn| {
        measures::create(conn, &user, &request)
    })
    .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Redefine a measure (every field). Audited with before and after.
#[utoipa::path(put, path = "/api/v1/admin/measures/{id}", tag = "outcomes", security(("bearer" = [])),
    request_body = MeasureRequest,
    responses(
        (status = 200, body = MeasureView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[put("/admin/measures/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    body: Json<MeasureRequest>,
) -> AppResult<HttpResponse> {
    let request = body.into_inner();
    let id = id.into_inner();
    let view = db::run(&state.pool, move |conn| {
        measures::update(conn, &user, &id, &request)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}
