//! `/reports/measures` (every measure per cohort year: a bar chart against the target beside its
//! table, each figure a link to the people behind it), `/reports/measures/{code}` (those
//! people), and `/admin/measures` where consortium admins define the measures.

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Deserialize;

use super::context::{FormState, Page, PageContext, render};
use crate::admin::require_admin;
use crate::db::schema::local_authorities;
use crate::db::{self, DbConnection};
use crate::domain::measures::{Outcome, StartEvent};
use crate::error::{AppError, AppResult};
use crate::i18n::{Translator, t_with};
use crate::outcomes::measures::{
    self, MeasureFigures, MeasurePeople, MeasureRequest, MeasureView, YearFigures,
};
use crate::reports::ReportScope;
use crate::routes::api::measures::{chosen_day, drill_down_params, today};
use crate::state::AppState;

/// Chart geometry: percentages from 0 to 100 take `PLOT_HEIGHT` pixels below `TOP`.
const TOP: f64 = 16.0;
const PLOT_HEIGHT: f64 = 120.0;
const BAR_STEP: usize = 64;
const LEFT: usize = 36;

struct Bar {
    x: usize,
    y: String,
    height: String,
    label: String,
    value: String,
}

struct Chart {
    width: usize,
    description: String,
    bars: Vec<Bar>,
    target_y: String,
    target_label: String,
}

fn y_of(pct: f64) -> f64 {
    TOP + (100.0 - pct.clamp(0.0, 100.0)) * PLOT_HEIGHT / 100.0
}

fn chart(figures: &MeasureFigures, i18n: &Translator) -> Chart {
    let target = figures.measure.target_pct.to_string();
    let bars = figures
        .years
        .iter()
        .enumerate()
        .map(|(index, year)| {
            let pct = year.pct.unwrap_or(0.0);
            Bar {
                x: LEFT + index * BAR_STEP,
                y: format!("{:.1}", y_of(pct)),
                height: format!("{:.1}", TOP + PLOT_HEIGHT - y_of(pct)),
                label: year.label.clone(),
                value: year
                    .pct
                    .map(|p| format!("{p:.1}%"))
                    .unwrap_or_else(|| "–".into()),
            }
        })
        .collect::<Vec<_>>();
    let values: Vec<String> = bars
        .iter()
        .map(|bar| format!("{}: {}", bar.label, bar.value))
        .collect();
    Chart {
        width: LEFT + bars.len().max(1) * BAR_STEP + 70,
        description: format!(
            "{} {}",
            i18n.t1("measures-chart-desc", "target", &target),
            values.join("; ")
        ),
        bars,
        target_y: format!("{:.1}", y_of(f64::from(figures.measure.target_pct))),
        target_label: i18n.t1("measures-target-line", "target", &target),
    }
}

struct MeasureBlock {
    figures: MeasureFigures,
    chart: Chart,
    window: String,
    /// The day asked for, if one was: the people behind a figure are those of that day.
    as_of: Option<NaiveDate>,
}

impl MeasureBlock {
    fn link(&self, year: &YearFigures, group: &str, authority: &str) -> String {
        let mut query = vec![
            ("year", year.cohort_year.to_string()),
            ("group", group.to_owned()),
        ];
        if !authority.is_empty() {
            query.push(("authority", authority.to_owned()));
        }
        if let Some(day) = self.as_of {
            query.push(("as_of", day.to_string()));
        }
        format!(
            "/reports/measures/{}?{}",
            self.figures.measure.code,
            serde_urlencoded::to_string(query).unwrap_or_default()
        )
    }
}

#[derive(Template)]
#[template(path = "pages/measures_report.html")]
struct ReportPage {
    page: PageContext,
    blocks: Vec<MeasureBlock>,
    authorities: Vec<(String, String, String)>,
    /// The authority shown, or empty for the region.
    authority: String,
    is_region: bool,
    as_of: String,
    export_query: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    authority: Option<String>,
    /// YYYY-MM-DD; today when absent or blank.
    #[serde(default)]
    as_of: Option<String>,
}

fn authority_list(conn: &mut DbConnection) -> AppResult<Vec<(String, String, String)>> {
    Ok(local_authorities::table
        .order(local_authorities::name_en.asc())
        .select((
            local_authorities::id,
            local_authorities::name_en,
            local_authorities::name_cy,
        ))
        .load(conn)?)
}

#[get("/reports/measures")]
pub async fn report(
    state: web::Data<AppState>,
    page: Page,
    query: web::Query<ReportQuery>,
) -> AppResult<HttpResponse> {
    let user = page.user.ok_or(AppError::Unauthenticated)?;
    let scope = ReportScope::of(&user)?;
    let authority = scope.authority(query.authority.as_deref())?;
    let chosen_day = chosen_day(query.as_of.as_deref())?;
    let as_of = chosen_day.unwrap_or_else(today);
    let wanted = authority.clone();
    let (found, mut authorities) = db::run_report(&state.pool, move |conn| {
        Ok((
            measures::figures(conn, wanted.as_deref(), as_of)?,
            authority_list(conn)?,
        ))
    })
    .await?;
    authorities.retain(|(id, _, _)| scope.covers(id));
    let i18n = page.context.i18n;
    let blocks = found
        .into_iter()
        .map(|figures| MeasureBlock {
            chart: chart(&figures, &i18n),
            window: t_with(
                i18n.language,
                "measures-window",
                &[
                    ("months", figures.measure.window_months.to_string()),
                    ("target", figures.measure.target_pct.to_string()),
                ],
            ),
            figures,
            as_of: chosen_day,
        })
        .collect();
    let authority = authority.unwrap_or_default();
    let mut export = Vec::new();
    if !authority.is_empty() {
        export.push(("authority", authority.clone()));
    }
    if let Some(day) = chosen_day {
        export.push(("as_of", day.to_string()));
    }
    let export_query = if export.is_empty() {
        String::new()
    } else {
        format!(
            "&{}",
            serde_urlencoded::to_string(export).unwrap_or_default()
        )
    };
    render(
        StatusCode::OK,
        &ReportPage {
            page: page.context,
            blocks,
            authorities,
            authority,
            is_region: scope.is_region(),
            as_of: as_of.to_string(),
            export_query,
        },
    )
}

#[derive(Template)]
#[template(path = "pages/measures_people.html")]
struct PeoplePage {
    page: PageContext,
    found: MeasurePeople,
    title: String,
    export_query: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct PeopleQuery {
    #[serde(default)]
    year: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    authority: Option<String>,
    #[serde(default)]
    as_of: Option<String>,
}

#[get("/reports/measures/{code}")]
pub async fn people(
    state: web::Data<AppState>,
    page: Page,
    code: web::Path<String>,
    query: web::Query<PeopleQuery>,
) -> AppResult<HttpResponse> {
    let user = page.user.ok_or(AppError::Unauthenticated)?;
    let query = query.into_inner();
    let authority = ReportScope::of(&user)?.authority(query.authority.as_deref())?;
    let (year, group) = drill_down_params(&query.year, &query.group)?;
    let code = code.into_inner();
    let chosen_day = chosen_day(query.as_of.as_deref())?;
    let as_of = chosen_day.unwrap_or_else(today);
    let wanted = authority.clone();
    let found = db::run_report(&state.pool, move |conn| {
        measures::people(conn, &code, year, group, wanted.as_deref(), as_of)
    })
    .await?;
    let i18n = page.context.i18n;
    let title = t_with(
        i18n.language,
        "measures-people-title",
        &[
            (
                "measure",
                i18n.pick(&found.measure.name_en, &found.measure.name_cy)
                    .to_owned(),
            ),
            ("year", found.label.clone()),
            ("group", i18n.t(&format!("measures-group-{}", found.group))),
        ],
    );
    let mut export = vec![("year", year.to_string()), ("group", found.group.clone())];
    if let Some(authority) = authority {
        export.push(("authority", authority));
    }
    if let Some(day) = chosen_day {
        export.push(("as_of", day.to_string()));
    }
    render(
        StatusCode::OK,
        &PeoplePage {
            page: page.context,
            title,
            export_query: serde_urlencoded::to_string(export).unwrap_or_default(),
            found,
        },
    )
}

#[derive(Template)]
#[template(path = "pages/admin_measures.html")]
struct AdminPage {
    page: PageContext,
    measures: Vec<MeasureView>,
    /// The measure being edited, if any.
    editing: Option<String>,
    form: FormState,
    start_events: [&'static str; 2],
    outcomes: [&'static str; 2],
    saved: bool,
}

fn form_of(view: &MeasureView) -> FormState {
    FormState::default()
        .with_value("code", &view.code)
        .with_value("name_en", &view.name_en)
        .with_value("name_cy", &view.name_cy)
        .with_value("start_event", &view.start_event)
        .with_value("outcome", &view.outcome)
        .with_value("window_months", &view.window_months.to_string())
        .with_value("target_pct", &view.target_pct.to_string())
        .with_value("active", if view.active { "on" } else { "" })
        .with_value("programme_codes", &view.programme_codes.join(", "))
}

#[derive(Debug, Default, Deserialize)]
pub struct AdminQuery {
    #[serde(default)]
    edit: Option<String>,
    #[serde(default)]
    saved: Option<String>,
}

async fn admin_page(
    state: &AppState,
    page: PageContext,
    editing: Option<String>,
    form: Option<FormState>,
    saved: bool,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let all = db::run(&state.pool, |conn| Ok(measures::definitions(conn, false)?)).await?;
    let form = match form {
        Some(form) => form,
        None => match editing
            .as_ref()
            .and_then(|id| all.iter().find(|m| &m.id == id))
        {
            Some(view) => form_of(view),
            None => FormState::default()
                .with_value("window_months", "36")
                .with_value("active", "on"),
        },
    };
    render(
        status,
        &AdminPage {
            page,
            measures: all,
            editing,
            form,
            start_events: StartEvent::ALL.map(StartEvent::as_str),
            outcomes: Outcome::ALL.map(Outcome::as_str),
            saved,
        },
    )
}

#[get("/admin/measures")]
pub async fn admin_list(
    state: web::Data<AppState>,
    page: Page,
    query: web::Query<AdminQuery>,
) -> AppResult<HttpResponse> {
    let user = page.user.ok_or(AppError::Unauthenticated)?;
    require_admin(&user)?;
    let query = query.into_inner();
    admin_page(
        &state,
        page.context,
        query.edit,
        None,
        query.saved.is_some(),
        StatusCode::OK,
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct MeasureForm {
    #[serde(default)]
    id: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    name_cy: String,
    #[serde(default)]
    start_event: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    window_months: String,
    #[serde(default)]
    target_pct: String,
    #[serde(default)]
    active: Option<String>,
    #[serde(default)]
    programme_codes: String,
}

/// Adds a measure, or changes the one named by `id`.
#[post("/admin/measures")]
pub async fn admin_save(
    state: web::Data<AppState>,
    page: Page,
    form: web::Form<MeasureForm>,
) -> AppResult<HttpResponse> {
    let user = page.user.clone().ok_or(AppError::Unauthenticated)?;
    require_admin(&user)?;
    let form = form.into_inner();
    let request = MeasureRequest {
        code: form.code.clone(),
        name_en: form.name_en.clone(),
        name_cy: form.name_cy.clone(),
        start_event: form.start_event.clone(),
        outcome: form.outcome.clone(),
        // A number that does not parse is out of range, and named as such.
        window_months: Some(form.window_months.trim().parse().unwrap_or(-1)),
        target_pct: Some(form.target_pct.trim().parse().unwrap_or(-1)),
        active: Some(form.active.is_some()),
        programme_codes: form
            .programme_codes
            .split(',')
            .map(|c| c.trim().to_owned())
            .collect(),
    };
    let id = form.id.trim().to_owned();
    let editing = (!id.is_empty()).then(|| id.clone());
    let result = db::run(&state.pool, move |conn| match editing {
        Some(id) => measures::update(conn, &user, &id, &request),
        None => measures::create(conn, &user, &request),
    })
    .await;
    match result {
        Ok(_) => Ok(HttpResponse::SeeOther()
            .insert_header((LOCATION, "/admin/measures?saved=1"))
            .finish()),
        Err(AppError::Validation(errors)) => {
            let typed = FormState::default()
                .with_value("code", &form.code)
                .with_value("name_en", &form.name_en)
                .with_value("name_cy", &form.name_cy)
                .with_value("start_event", &form.start_event)
                .with_value("outcome", &form.outcome)
                .with_value("window_months", &form.window_months)
                .with_value("target_pct", &form.target_pct)
                .with_value("active", form.active.as_deref().unwrap_or(""))
                .with_value("programme_codes", &form.programme_codes)
                .with_errors(page.context.i18n.language, &errors);
            admin_page(
                &state,
                page.context,
                (!id.is_empty()).then_some(id),
                Some(typed),
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other),
    }
}
