//! Consortium reports over JSON, or as CSV or XLSX with `?format=`: participation (and the people
//! behind a figure), satisfaction and the succession pipeline. Consortium admins see the region,
//! an LA officer their own authority (another authority is 403), headteachers their own
//! school's pipeline; nobody else sees reports.

use actix_web::{HttpResponse, get, web};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::CurrentUser;
use crate::db;
use crate::domain::FieldError;
use crate::domain::academic_year::{academic_year, academic_year_label, parse_academic_year};
use crate::domain::language::Language;
use crate::error::{AppError, AppResult, Problem};
use crate::i18n::{RequestLanguage, t, t_with};
use crate::reports::participation::{self, Breakdown, ParticipantRow, Participation};
use crate::reports::pipeline::{self, Pipeline};
use crate::reports::satisfaction::{self, Satisfaction, SatisfactionBy};
use crate::reports::tables::{self, PipelineTable};
use crate::reports::{ExportFormat, ReportScope, Table};
use crate::state::AppState;

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// Gathers every parameter at fault, so a caller fixes them all at once.
#[derive(Default)]
pub struct Problems(Vec<FieldError>);

impl Problems {
    pub fn year(&mut self, field: &'static str, value: &Option<String>) -> Option<i32> {
        let raw = given(value)?;
        let year = parse_academic_year(raw);
        if year.is_none() {
            self.0.push(FieldError::new(field, "report-error-year"));
        }
        year
    }

    pub fn format(&mut self, value: &Option<String>) -> Option<ExportFormat> {
        let raw = given(value)?;
        let format = ExportFormat::parse(raw);
        if format.is_none() {
            self.0
                .push(FieldError::new("format", "report-error-format"));
        }
        format
    }

    pub fn push(&mut self, field: &'static str, message_key: &'static str) {
        self.0.push(FieldError::new(field, message_key));
    }

    pub fn finish(self) -> AppResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.0))
        }
    }
}

pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ParticipationQuery {
    /// year (default), programme, stage, local_authority, school, sector, support_category or
    /// language_medium.
    pub by: Option<String>,
    /// The academic year, `2025/26` or `2025`; default the current one. For `by=year` every
    /// year is listed and this one is the headline.
    pub year: Option<String>,
    /// The baseline year; default `reports.baseline_year`.
    pub baseline: Option<String>,
    /// A programme id.
    pub programme: Option<String>,
    /// A local authority id (an LA officer may give only their own).
    pub authority: Option<String>,
    /// `csv` or `xlsx` for a download of the table.
    pub format: Option<String>,
}

/// Who may see which authority, and the participation report asked for.
pub fn participation_request(
    state: &AppState,
    user: &CurrentUser,
    query: &ParticipationQuery,
    problems: &mut Problems,
) -> AppResult<participation::Request> {
    let scope = ReportScope::of(user)?;
    let authority_id = scope.authority(given(&query.authority))?;
    let by = match given(&query.by) {
        None => Breakdown::Year,
        Some(raw) => Breakdown::parse(raw).unwrap_or_else(|| {
            problems.push("by", "report-error-by");
            Breakdown::Year
        }),
    };
    let year = problems
        .year("year", &query.year)
        .unwrap_or_else(|| academic_year(today()));
    let baseline_year = problems
        .year("baseline", &query.baseline)
        .unwrap_or(state.settings.reports.baseline_year);
    Ok(participation::Request {
        by,
        year,
        baseline_year,
        target_pct: state.settings.reports.participation_target_pct,
        programme_id: given(&query.programme).map(str::to_owned),
        authority_id,
        from_baseline: false,
    })
}

fn download(table: &Table, format: ExportFormat, stem: &str) -> AppResult<HttpResponse> {
    Ok(table.download(format, stem)?)
}

/// Participation: distinct participants and enrolments per group, against the baseline year
/// and the growth target; for programmes with target stages, the share of their audience
/// reached.
#[utoipa::path(get, path = "/api/v1/reports/participation", tag = "reports", security(("bearer" = [])),
    params(ParticipationQuery),
    responses(
        (status = 200, body = Participation, description = "JSON, or the table as CSV or XLSX with ?format="),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[get("/reports/participation")]
pub async fn participation_report(
    state: web::Data<AppState>,
    user: CurrentUser,
    language: RequestLanguage,
    query: web::Query<ParticipationQuery>,
) -> AppResult<HttpResponse> {
    let mut problems = Problems::default();
    let request = participation_request(&state, &user, &query, &mut problems)?;
    let format = problems.format(&query.format);
    problems.finish()?;
    let report = db::run_report(&state.pool, move |conn| {
        participation::report(conn, &request)
    })
    .await?;
    match format {
        None => Ok(HttpResponse::Ok().json(report)),
        Some(format) => download(
            &tables::participation(&report, language.0),
            format,
            &format!("participation-by-{}", report.by.as_str()),
        ),
    }
}

#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeopleQuery {
    /// The breakdown the figure belongs to (as for participation).
    pub by: Option<String>,
    /// The group's key from the participation report (a year, a programme id, ...); `none` for
    /// "not recorded".
    pub key: Option<String>,
    pub year: Option<String>,
    pub programme: Option<String>,
    pub authority: Option<String>,
    pub format: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PeopleBehind {
    pub by: Breakdown,
    pub key: Option<String>,
    /// How many seats the figure is made of; `people` lists at most 2,000 of them.
    pub total: i64,
    pub people: Vec<ParticipantRow>,
}

/// What a drill-down is for, checked; shared with the page.
pub struct PeopleRequest {
    pub by: Breakdown,
    pub key: Option<String>,
    pub filter: participation::Filter,
    pub year: i32,
}

pub fn people_request(
    user: &CurrentUser,
    query: &PeopleQuery,
    problems: &mut Problems,
) -> AppResult<PeopleRequest> {
    let scope = ReportScope::of(user)?;
    let authority_id = scope.authority(given(&query.authority))?;
    let by = match given(&query.by).map(Breakdown::parse) {
        Some(Some(by)) => by,
        _ => {
            problems.push("by", "report-error-by");
            Breakdown::Year
        }
    };
    let key = match given(&query.key) {
        None => {
            problems.push("key", "report-error-key");
            None
        }
        Some("none") => None,
        Some(key) => Some(key.to_owned()),
    };
    let year = problems
        .year("year", &query.year)
        .unwrap_or_else(|| academic_year(today()));
    let filter = participation::Filter {
        programme_id: given(&query.programme).map(str::to_owned),
        authority_id,
        ..participation::Filter::default()
    }
    .in_year(year);
    Ok(PeopleRequest {
        by,
        key,
        filter,
        year,
    })
}

/// The title of a drill-down, e.g. "People behind: Cardiff, 2025/26".
pub fn people_title(language: Language, group: &str, year: Option<i32>) -> String {
    match year {
        Some(year) => t_with(
            language,
            "report-people-title-in",
            &[
                ("group", group.to_owned()),
                ("year", academic_year_label(year)),
            ],
        ),
        None => t_with(
            language,
            "report-people-title",
            &[("group", group.to_owned())],
        ),
    }
}

/// The people behind one participation figure: the same filters, plus the group's key.
#[utoipa::path(get, path = "/api/v1/reports/participation/people", tag = "reports", security(("bearer" = [])),
    params(PeopleQuery),
    responses(
        (status = 200, body = PeopleBehind, description = "JSON, or the list as CSV or XLSX with ?format="),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[get("/reports/participation/people")]
pub async fn participation_people(
    state: web::Data<AppState>,
    user: CurrentUser,
    language: RequestLanguage,
    query: web::Query<PeopleQuery>,
) -> AppResult<HttpResponse> {
    let mut problems = Problems::default();
    let request = people_request(&user, &query, &mut problems)?;
    let format = problems.format(&query.format);
    problems.finish()?;
    let (by, key) = (request.by, request.key.clone());
    // A download is for the whole list; the JSON answer is for reading.
    let limit = if format.is_some() {
        i64::MAX
    } else {
        participation::DRILL_DOWN_LIMIT
    };
    let (total, people) = db::run_report(&state.pool, move |conn| {
        participation::people_behind(
            conn,
            request.by,
            request.key.as_deref(),
            &request.filter,
            limit,
        )
    })
    .await?;
    match format {
        None => Ok(HttpResponse::Ok().json(PeopleBehind {
            by,
            key,
            total,
            people,
        })),
        Some(format) => {
            let title = t(language.0, "report-people-heading");
            download(
                &tables::people(title, &people, language.0),
                format,
                "participation-people",
            )
        }
    }
}

#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SatisfactionQuery {
    /// `year` (default) or `programme`.
    pub by: Option<String>,
    /// One academic year, `2025/26` or `2025`; all when left out.
    pub year: Option<String>,
    pub programme: Option<String>,
    pub authority: Option<String>,
    pub format: Option<String>,
}

pub struct SatisfactionRequest {
    pub by: SatisfactionBy,
    pub year: Option<i32>,
    pub filter: satisfaction::Filter,
}

pub fn satisfaction_request(
    user: &CurrentUser,
    query: &SatisfactionQuery,
    problems: &mut Problems,
) -> AppResult<SatisfactionRequest> {
    let scope = ReportScope::of(user)?;
    let authority_id = scope.authority(given(&query.authority))?;
    let by = match given(&query.by) {
        None => SatisfactionBy::Year,
        Some(raw) => SatisfactionBy::parse(raw).unwrap_or_else(|| {
            problems.push("by", "report-error-satisfaction-by");
            SatisfactionBy::Year
        }),
    };
    let year = problems.year("year", &query.year);
    Ok(SatisfactionRequest {
        by,
        year,
        filter: satisfaction::Filter {
            opens: None,
            programme_id: given(&query.programme).map(str::to_owned),
            authority_id,
        },
    })
}

/// Satisfaction (answers 4 or 5 to the overall question) against the 95% target, and response
/// rates, by academic year or programme.
#[utoipa::path(get, path = "/api/v1/reports/satisfaction", tag = "reports", security(("bearer" = [])),
    params(SatisfactionQuery),
    responses(
        (status = 200, body = Satisfaction, description = "JSON, or the table as CSV or XLSX with ?format="),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[get("/reports/satisfaction")]
pub async fn satisfaction_report(
    state: web::Data<AppState>,
    user: CurrentUser,
    language: RequestLanguage,
    query: web::Query<SatisfactionQuery>,
) -> AppResult<HttpResponse> {
    let mut problems = Problems::default();
    let request = satisfaction_request(&user, &query, &mut problems)?;
    let format = problems.format(&query.format);
    problems.finish()?;
    let report = db::run_report(&state.pool, move |conn| {
        satisfaction::report(conn, request.by, request.year, &request.filter)
    })
    .await?;
    match format {
        None => Ok(HttpResponse::Ok().json(report)),
        Some(format) => download(
            &tables::satisfaction(&report, language.0),
            format,
            &format!("satisfaction-by-{}", report.by.as_str()),
        ),
    }
}

#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PipelineQuery {
    /// A local authority id; the region when left out (an LA officer: their own).
    pub authority: Option<String>,
    /// A school id (a headteacher: their own, the default for them).
    pub school: Option<String>,
    /// For downloads: `stages` (default), `programmes` or `succession`.
    pub table: Option<String>,
    pub format: Option<String>,
}

/// The succession pipeline: staff per continuum stage, people on a programme now, and where the
/// next headteachers come from.
#[utoipa::path(get, path = "/api/v1/reports/pipeline", tag = "reports", security(("bearer" = [])),
    params(PipelineQuery),
    responses(
        (status = 200, body = Pipeline, description = "JSON, or one of its tables as CSV or XLSX with ?format=&table="),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[get("/reports/pipeline")]
pub async fn pipeline_report(
    state: web::Data<AppState>,
    user: CurrentUser,
    language: RequestLanguage,
    query: web::Query<PipelineQuery>,
) -> AppResult<HttpResponse> {
    let mut problems = Problems::default();
    let format = problems.format(&query.format);
    let which = match given(&query.table) {
        None => PipelineTable::Stages,
        Some(raw) => PipelineTable::parse(raw).unwrap_or_else(|| {
            problems.push("table", "report-error-table");
            PipelineTable::Stages
        }),
    };
    problems.finish()?;
    let query = query.into_inner();
    let report = db::run_report(&state.pool, move |conn| {
        let area = pipeline::area_for(conn, &user, given(&query.authority), given(&query.school))?;
        pipeline::report(conn, &area, today())
    })
    .await?;
    match format {
        None => Ok(HttpResponse::Ok().json(report)),
        Some(format) => download(
            &tables::pipeline(&report, which, language.0),
            format,
            &format!("pipeline-{}", which.as_str()),
        ),
    }
}
