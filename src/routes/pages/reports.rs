//! Report pages: the consortium dashboard, participation by any breakdown with the people behind
//! each figure, satisfaction, the succession pipeline and the printable quarterly report. Each
//! chart is inline SVG with its text alternative and its table; each table downloads as CSV or
//! XLSX from the API; filters are plain GET forms.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use askama::Template;

use super::context::{Page, PageContext, render};
use crate::auth::CurrentUser;
use crate::db::{self, DbConnection, catalogue};
use crate::domain::academic_year::{academic_year, academic_year_label};
use crate::error::{AppError, AppResult};
use crate::i18n::Translator;
use crate::outcomes::measures::{MeasureFigures, YearFigures};
use crate::reports::chart::{Bar, BarChart, Line};
use crate::reports::dashboard;
use crate::reports::participation::{self, Breakdown, Participation};
use crate::reports::pipeline::{self, Pipeline};
use crate::reports::quarterly::{self, QuarterRequest, Quarterly};
use crate::reports::satisfaction::{self, Satisfaction};
use crate::reports::tables::{self, PipelineTable};
use crate::reports::{Cell, ReportScope, Table};
use crate::routes::api::reports::{
    ParticipationQuery, PeopleQuery, PipelineQuery, Problems, SatisfactionQuery,
    participation_request, people_request, people_title, satisfaction_request, today,
};
use crate::state::AppState;

#[derive(Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

pub struct FilterField {
    pub name: &'static str,
    pub label: String,
    pub options: Vec<Choice>,
    pub selected: String,
}

pub struct Figure {
    pub label: String,
    pub value: String,
}

pub struct Section {
    pub id: String,
    pub heading: String,
    pub svg: Option<String>,
    pub table: Table,
    /// Per row: where its first cell leads (the people behind the figure).
    pub links: Vec<Option<String>>,
    pub csv: Option<String>,
    pub xlsx: Option<String>,
}

impl Section {
    /// Each row with where its first cell leads, if anywhere.
    pub fn rows_with_links(&self) -> Vec<(&Vec<crate::reports::Cell>, Option<&str>)> {
        self.table
            .rows
            .iter()
            .enumerate()
            .map(|(i, row)| (row, self.links.get(i).and_then(|l| l.as_deref())))
            .collect()
    }
}

#[derive(Template)]
#[template(path = "pages/reports.html")]
struct ReportsPage {
    page: PageContext,
    title: String,
    action: String,
    filters: Vec<FilterField>,
    figures: Vec<Figure>,
    sections: Vec<Section>,
    /// Other reports, with the filters carried over, and whether it is this one.
    links: Vec<(String, String, bool)>,
}

#[derive(Template)]
#[template(path = "pages/report_quarterly.html")]
struct QuarterlyPage {
    page: PageContext,
    title: String,
    area: String,
    report: Quarterly,
    /// When the figures were counted, and the day the pipeline and measures stand at.
    counted_on: String,
    figures: Vec<Figure>,
    sections: Vec<Section>,
    filters: Vec<FilterField>,
}

/// `?a=b&c=d` of the pairs with a value.
fn query_string(pairs: &[(&str, Option<String>)]) -> String {
    let given: Vec<(&str, &str)> = pairs
        .iter()
        .filter_map(|(k, v)| v.as_deref().filter(|v| !v.is_empty()).map(|v| (*k, v)))
        .collect();
    serde_urlencoded::to_string(given).unwrap_or_default()
}

fn downloads(path: &str, query: &str) -> (Option<String>, Option<String>) {
    let sep = if query.is_empty() { "" } else { "&" };
    (
        Some(format!("{path}?{query}{sep}format=csv")),
        Some(format!("{path}?{query}{sep}format=xlsx")),
    )
}

fn pct(value: Option<f64>) -> String {
    value.map_or_else(|| "-".into(), |v| format!("{v:.1}%"))
}

fn described(i18n: &Translator, bars: &[Bar]) -> String {
    let parts: Vec<String> = bars
        .iter()
        .map(|b| format!("{} {}", b.label, b.shown))
        .collect();
    if parts.is_empty() {
        i18n.t("report-no-figures")
    } else {
        parts.join("; ")
    }
}

/// Lists to choose from: years, authorities the viewer may see, programmes.
struct Choices {
    years: Vec<Choice>,
    authorities: Vec<Choice>,
    programmes: Vec<Choice>,
}

fn choices(
    conn: &mut DbConnection,
    i18n: &Translator,
    scope: &ReportScope,
    baseline: i32,
) -> AppResult<Choices> {
    let this_year = academic_year(today());
    let years = (baseline.min(this_year - 4)..=this_year + 1)
        .rev()
        .map(|y| Choice {
            value: y.to_string(),
            label: academic_year_label(y),
        })
        .collect();
    let mut authorities: Vec<Choice> = dashboard::authority_names(conn)?
        .into_iter()
        .filter(|(id, _, _)| scope.covers(id))
        .map(|(id, en, cy)| Choice {
            value: id,
            label: i18n.pick(&en, &cy).to_owned(),
        })
        .collect();
    if scope.is_region() {
        authorities.insert(
            0,
            Choice {
                value: String::new(),
                label: i18n.t("report-filter-all-authorities"),
            },
        );
    }
    let mut programmes: Vec<Choice> = catalogue::active_programmes(conn)?
        .into_iter()
        .map(|p| Choice {
            label: i18n.pick(&p.title_en, &p.title_cy).to_owned(),
            value: p.id,
        })
        .collect();
    programmes.insert(
        0,
        Choice {
            value: String::new(),
            label: i18n.t("report-filter-all-programmes"),
        },
    );
    Ok(Choices {
        years,
        authorities,
        programmes,
    })
}

/// Year, baseline year, authority and programme: the filters of every participation page.
fn participation_filters(
    i18n: &Translator,
    choices: Choices,
    request: &participation::Request,
) -> Vec<FilterField> {
    vec![
        field(
            "year",
            i18n.t("report-by-year"),
            choices.years.clone(),
            request.year.to_string(),
        ),
        field(
            "baseline",
            i18n.t("report-filter-baseline"),
            choices.years,
            request.baseline_year.to_string(),
        ),
        field(
            "authority",
            i18n.t("report-by-local-authority"),
            choices.authorities,
            request.authority_id.clone().unwrap_or_default(),
        ),
        field(
            "programme",
            i18n.t("report-by-programme"),
            choices.programmes,
            request.programme_id.clone().unwrap_or_default(),
        ),
    ]
}

fn field(name: &'static str, label: String, options: Vec<Choice>, selected: String) -> FilterField {
    FilterField {
        name,
        label,
        options,
        selected,
    }
}

fn user_of(page: &Page) -> AppResult<CurrentUser> {
    page.user.clone().ok_or(AppError::Unauthenticated)
}

/// The participation section: a chart of participants per group (with the baseline and target
/// lines by year), the table, links to the people behind each row, downloads.
fn participation_section(
    i18n: &Translator,
    id: &str,
    report: &Participation,
    filters: &[(&str, Option<String>)],
) -> Section {
    let mut query: Vec<(&str, Option<String>)> = filters.to_vec();
    query.push(("by", Some(report.by.as_str().to_owned())));
    let qs = query_string(&query);
    let people_link = |key: &Option<String>| {
        let mut pairs = filters.to_vec();
        pairs.push(("by", Some(report.by.as_str().to_owned())));
        pairs.push(("key", Some(key.clone().unwrap_or_else(|| "none".into()))));
        if report.by != Breakdown::Year {
            pairs.push(("year", Some(report.year.to_string())));
        }
        format!("/reports/participation/people?{}", query_string(&pairs))
    };
    let bars: Vec<Bar> = report
        .rows
        .iter()
        .map(|row| Bar {
            label: i18n.pick(&row.label_en, &row.label_cy).to_owned(),
            value: row.participants as f64,
            shown: row.participants.to_string(),
            href: Some(people_link(&row.key)),
        })
        .collect();
    let lines = if report.by == Breakdown::Year && report.baseline_participants > 0 {
        vec![
            Line {
                label: i18n.t1(
                    "report-line-baseline",
                    "value",
                    &report.baseline_participants.to_string(),
                ),
                value: report.baseline_participants as f64,
                dashed: false,
            },
            Line {
                label: i18n.t1(
                    "report-line-target",
                    "value",
                    &report.target_participants.to_string(),
                ),
                value: report.target_participants as f64,
                dashed: true,
            },
        ]
    } else {
        Vec::new()
    };
    let table = tables::participation(report, i18n.language);
    let mut description = described(i18n, &bars);
    if !lines.is_empty() {
        description = format!(
            "{description}. {}",
            lines
                .iter()
                .map(|l| l.label.clone())
                .collect::<Vec<_>>()
                .join("; ")
        );
    }
    let chart = BarChart {
        title: table.title.clone(),
        description,
        lines,
        max: None,
        bars,
    };
    let (csv, xlsx) = downloads("/api/v1/reports/participation", &qs);
    Section {
        id: id.to_owned(),
        heading: table.title.clone(),
        svg: Some(chart.to_svg(id)),
        links: report
            .rows
            .iter()
            .map(|r| Some(people_link(&r.key)))
            .collect(),
        table,
        csv,
        xlsx,
    }
}

fn satisfaction_section(
    i18n: &Translator,
    id: &str,
    report: &Satisfaction,
    filters: &[(&str, Option<String>)],
) -> Section {
    let mut query = filters.to_vec();
    query.push(("by", Some(report.by.as_str().to_owned())));
    let bars: Vec<Bar> = report
        .rows
        .iter()
        .filter_map(|row| {
            row.satisfaction_pct.map(|v| Bar {
                label: i18n.pick(&row.label_en, &row.label_cy).to_owned(),
                value: v,
                shown: pct(Some(v)),
                href: None,
            })
        })
        .collect();
    let target = Line {
        label: i18n.t1("report-line-target", "value", &pct(Some(report.target_pct))),
        value: report.target_pct,
        dashed: true,
    };
    let table = tables::satisfaction(report, i18n.language);
    let chart = BarChart {
        title: table.title.clone(),
        description: format!("{}. {}", described(i18n, &bars), target.label),
        bars,
        lines: vec![target],
        max: Some(100.0),
    };
    let (csv, xlsx) = downloads("/api/v1/reports/satisfaction", &query_string(&query));
    Section {
        id: id.to_owned(),
        heading: table.title.clone(),
        svg: Some(chart.to_svg(id)),
        links: Vec::new(),
        table,
        csv,
        xlsx,
    }
}

/// One section per outcome measure: each cohort year's share against the target, drawn for
/// the years whose windows have closed, with the same table and downloads as
/// `/reports/measures`; a year's row leads to the people behind it.
fn measure_sections(
    i18n: &Translator,
    measures: &[MeasureFigures],
    authority: Option<&str>,
) -> Vec<Section> {
    let area = [("authority", authority.map(str::to_owned))];
    let (csv, xlsx) = downloads("/api/v1/reports/measures", &query_string(&area));
    measures
        .iter()
        .map(|figures| {
            let measure = &figures.measure;
            let name = i18n.pick(&measure.name_en, &measure.name_cy).to_owned();
            let people_link = |year: &YearFigures| {
                let query = query_string(&[
                    ("year", Some(year.cohort_year.to_string())),
                    ("group", Some("closed".to_owned())),
                    ("authority", authority.map(str::to_owned)),
                ]);
                format!("/reports/measures/{}?{query}", measure.code)
            };
            let bars: Vec<Bar> = figures
                .years
                .iter()
                .filter_map(|year| {
                    year.pct.map(|v| Bar {
                        label: year.label.clone(),
                        value: v,
                        shown: pct(Some(v)),
                        href: Some(people_link(year)),
                    })
                })
                .collect();
            let target = Line {
                label: i18n.t1(
                    "measures-target-line",
                    "target",
                    &measure.target_pct.to_string(),
                ),
                value: f64::from(measure.target_pct),
                dashed: true,
            };
            let mut table = Table::new(
                name.clone(),
                [
                    "measures-col-year",
                    "measures-col-numerator",
                    "measures-col-denominator",
                    "measures-col-pct",
                    "measures-col-target",
                    "measures-col-in-window",
                ]
                .iter()
                .map(|key| i18n.t(key))
                .collect(),
            );
            table.rows = figures
                .years
                .iter()
                .map(|year| {
                    vec![
                        Cell::text(year.label.clone()),
                        Cell::Count(year.numerator),
                        Cell::Count(year.denominator),
                        Cell::Percent(year.pct),
                        Cell::Count(i64::from(year.target_pct)),
                        Cell::Count(year.in_window),
                    ]
                })
                .collect();
            let id = format!("measure-{}", measure.code);
            let chart = BarChart {
                title: name.clone(),
                description: format!("{}. {}", described(i18n, &bars), target.label),
                bars,
                lines: vec![target],
                max: Some(100.0),
            };
            Section {
                svg: Some(chart.to_svg(&id)),
                links: figures.years.iter().map(|y| Some(people_link(y))).collect(),
                id,
                heading: name,
                table,
                csv: csv.clone(),
                xlsx: xlsx.clone(),
            }
        })
        .collect()
}

/// Each measure against its target for the headline: the latest cohort year whose windows
/// have all closed, or failing one, the latest with some closed, saying how many are still open
/// (its share may yet change).
fn measure_figures(i18n: &Translator, measures: &[MeasureFigures]) -> Vec<Figure> {
    measures
        .iter()
        .filter_map(|figures| {
            let with_share = || figures.years.iter().rev().filter(|y| y.pct.is_some());
            let year = with_share()
                .find(|y| y.in_window == 0)
                .or_else(|| with_share().next())?;
            let mut value = format!(
                "{} · {}",
                pct(year.pct),
                i18n.t1(
                    "measures-target-line",
                    "target",
                    &year.target_pct.to_string()
                )
            );
            if year.in_window > 0 {
                value.push_str(" · ");
                value.push_str(&i18n.count("measures-headline-in-window", "count", year.in_window));
            }
            Some(Figure {
                label: format!(
                    "{} ({})",
                    i18n.pick(&figures.measure.name_en, &figures.measure.name_cy),
                    year.label
                ),
                value,
            })
        })
        .collect()
}

fn pipeline_sections(
    i18n: &Translator,
    report: &Pipeline,
    filters: &[(&str, Option<String>)],
    which: &[PipelineTable],
) -> Vec<Section> {
    which
        .iter()
        .map(|which| {
            let mut query = filters.to_vec();
            query.push(("table", Some(which.as_str().to_owned())));
            let table = tables::pipeline(report, *which, i18n.language);
            let svg = (*which == PipelineTable::Stages).then(|| {
                let bars: Vec<Bar> = report
                    .stages
                    .iter()
                    .map(|s| Bar {
                        label: i18n.pick(&s.label_en, &s.label_cy).to_owned(),
                        value: s.staff as f64,
                        shown: s.staff.to_string(),
                        href: None,
                    })
                    .collect();
                BarChart {
                    title: table.title.clone(),
                    description: described(i18n, &bars),
                    bars,
                    lines: Vec::new(),
                    max: None,
                }
                .to_svg(&format!("pipeline-{}", which.as_str()))
            });
            let (csv, xlsx) = downloads("/api/v1/reports/pipeline", &query_string(&query));
            Section {
                id: format!("pipeline-{}", which.as_str()),
                heading: table.title.clone(),
                svg,
                links: Vec::new(),
                table,
                csv,
                xlsx,
            }
        })
        .collect()
}

fn participation_figures(i18n: &Translator, report: &Participation) -> Vec<Figure> {
    vec![
        Figure {
            label: i18n.t1("report-headline-participants", "year", &report.year_label),
            value: format!(
                "{} ({} {})",
                report.participants,
                report.enrolments,
                i18n.t("report-enrolments-word")
            ),
        },
        Figure {
            label: i18n.t1(
                "report-headline-baseline",
                "year",
                &report.baseline_year_label,
            ),
            value: report.baseline_participants.to_string(),
        },
        Figure {
            label: i18n.t1(
                "report-headline-target",
                "pct",
                &report.target_pct.to_string(),
            ),
            value: format!(
                "{} · {}",
                report.target_participants,
                i18n.t(if report.target_met {
                    "report-target-met"
                } else {
                    "report-target-not-met"
                })
            ),
        },
        Figure {
            label: i18n.t("report-headline-change"),
            value: pct(report.change_pct),
        },
    ]
}

fn report_links(qs: &str, here: &str) -> Vec<(String, String, bool)> {
    [
        ("/reports", "report-dashboard-title"),
        ("/reports/participation", "report-participation-title"),
        ("/reports/satisfaction", "report-satisfaction-title"),
        ("/reports/pipeline", "report-pipeline-title"),
        ("/reports/quarterly", "report-quarterly-title"),
    ]
    .into_iter()
    .map(|(path, key)| {
        let href = if qs.is_empty() || path == "/reports/quarterly" {
            path.to_owned()
        } else {
            format!("{path}?{qs}")
        };
        (href, key.to_owned(), path == here)
    })
    .collect()
}

#[get("/reports")]
pub async fn dashboard_page(
    state: web::Data<AppState>,
    page: Page,
    query: web::Query<ParticipationQuery>,
) -> AppResult<HttpResponse> {
    let user = user_of(&page)?;
    let i18n = page.context.i18n;
    let mut problems = Problems::default();
    let request = participation_request(&state, &user, &query, &mut problems)?;
    problems.finish()?;
    let scope = ReportScope::of(&user)?;
    let baseline = request.baseline_year;
    let (board, choices) = tokio::try_join!(
        dashboard::load(&state.pool, &request, today()),
        db::run(&state.pool, move |conn| choices(
            conn, &i18n, &scope, baseline
        )),
    )?;
    let filters = [
        ("year", Some(request.year.to_string())),
        ("baseline", Some(request.baseline_year.to_string())),
        ("programme", request.programme_id.clone()),
        ("authority", request.authority_id.clone()),
    ];
    let mut figures = participation_figures(&i18n, &board.by_year);
    // The headline is the chosen year's, as participation's is; the table lists every year.
    let year_key = request.year.to_string();
    let this_year = board
        .satisfaction
        .rows
        .iter()
        .find(|row| row.key == year_key);
    figures.push(Figure {
        label: i18n.t("report-satisfaction-overall"),
        value: format!(
            "{} · {} {}",
            pct(this_year.and_then(|row| row.satisfaction_pct)),
            i18n.t("report-response-rate"),
            pct(this_year.and_then(|row| row.response_rate_pct))
        ),
    });
    let sat_filters = [
        ("programme", request.programme_id.clone()),
        ("authority", request.authority_id.clone()),
    ];
    figures.extend(measure_figures(&i18n, &board.measures));
    let mut sections = vec![
        participation_section(&i18n, "participation-year", &board.by_year, &filters),
        satisfaction_section(
            &i18n,
            "satisfaction-year",
            &board.satisfaction,
            &sat_filters,
        ),
    ];
    sections.extend(measure_sections(
        &i18n,
        &board.measures,
        request.authority_id.as_deref(),
    ));
    sections.extend([
        participation_section(
            &i18n,
            "participation-authority",
            &board.by_authority,
            &filters,
        ),
        participation_section(
            &i18n,
            "participation-programme",
            &board.by_programme,
            &filters,
        ),
    ]);
    let page_filters = participation_filters(&i18n, choices, &request);
    render(
        StatusCode::OK,
        &ReportsPage {
            title: i18n.t("report-dashboard-title"),
            action: "/reports".into(),
            filters: page_filters,
            figures,
            sections,
            links: report_links(&query_string(&filters), "/reports"),
            page: page.context,
        },
    )
}

#[get("/reports/participation")]
pub async fn participation_page(
    state: web::Data<AppState>,
    page: Page,
    query: web::Query<ParticipationQuery>,
) -> AppResult<HttpResponse> {
    let user = user_of(&page)?;
    let i18n = page.context.i18n;
    let mut problems = Problems::default();
    let request = participation_request(&state, &user, &query, &mut problems)?;
    problems.finish()?;
    let scope = ReportScope::of(&user)?;
    let for_db = request.clone();
    let (report, choices) = db::run_report(&state.pool, move |conn| {
        let report = participation::report(conn, &for_db)?;
        let choices = choices(conn, &i18n, &scope, for_db.baseline_year)?;
        Ok((report, choices))
    })
    .await?;
    let filters = [
        ("year", Some(request.year.to_string())),
        ("baseline", Some(request.baseline_year.to_string())),
        ("programme", request.programme_id.clone()),
        ("authority", request.authority_id.clone()),
    ];
    let by_choices = Breakdown::ALL
        .iter()
        .map(|b| Choice {
            value: b.as_str().to_owned(),
            label: i18n.t(&b.label_key()),
        })
        .collect();
    let mut page_filters = vec![field(
        "by",
        i18n.t("report-filter-by"),
        by_choices,
        request.by.as_str().to_owned(),
    )];
    page_filters.extend(participation_filters(&i18n, choices, &request));
    render(
        StatusCode::OK,
        &ReportsPage {
            title: i18n.t("report-participation-title"),
            action: "/reports/participation".into(),
            filters: page_filters,
            figures: participation_figures(&i18n, &report),
            sections: vec![participation_section(
                &i18n,
                "participation",
                &report,
                &filters,
            )],
            links: report_links(&query_string(&filters), "/reports/participation"),
            page: page.context,
        },
    )
}

#[get("/reports/participation/people")]
pub async fn people_page(
    state: web::Data<AppState>,
    page: Page,
    query: web::Query<PeopleQuery>,
) -> AppResult<HttpResponse> {
    let user = user_of(&page)?;
    let i18n = page.context.i18n;
    let mut problems = Problems::default();
    let request = people_request(&user, &query, &mut problems)?;
    problems.finish()?;
    let (by, key) = (request.by, request.key.clone());
    let filter = request.filter.clone();
    let (total, people, group) = db::run_report(&state.pool, move |conn| {
        let (total, people) = participation::people_behind(
            conn,
            by,
            key.as_deref(),
            &filter,
            participation::DRILL_DOWN_LIMIT,
        )?;
        let names = participation::labels(conn, by, &key.iter().cloned().collect::<Vec<_>>())?;
        let label = participation::label_of(&names, key.as_deref());
        Ok((total, people, i18n.pick(&label.en, &label.cy).to_owned()))
    })
    .await?;
    let year = (request.by != Breakdown::Year).then_some(request.year);
    let title = people_title(i18n.language, &group, year);
    let qs = query_string(&[
        ("by", Some(request.by.as_str().to_owned())),
        (
            "key",
            Some(request.key.clone().unwrap_or_else(|| "none".into())),
        ),
        ("year", Some(request.year.to_string())),
        ("programme", request.filter.programme_id.clone()),
        ("authority", request.filter.authority_id.clone()),
    ]);
    let (csv, xlsx) = downloads("/api/v1/reports/participation/people", &qs);
    let shown = people.len();
    let table = tables::people(title.clone(), &people, i18n.language);
    render(
        StatusCode::OK,
        &ReportsPage {
            figures: vec![Figure {
                label: i18n.t("report-people-total"),
                value: if i64::try_from(shown).unwrap_or(i64::MAX) < total {
                    crate::i18n::t_with(
                        i18n.language,
                        "report-people-shown",
                        &[("shown", shown.to_string()), ("total", total.to_string())],
                    )
                } else {
                    total.to_string()
                },
            }],
            sections: vec![Section {
                id: "people".into(),
                heading: title.clone(),
                svg: None,
                table,
                links: Vec::new(),
                csv,
                xlsx,
            }],
            title,
            action: String::new(),
            filters: Vec::new(),
            links: report_links("", ""),
            page: page.context,
        },
    )
}

#[get("/reports/satisfaction")]
pub async fn satisfaction_page(
    state: web::Data<AppState>,
    page: Page,
    query: web::Query<SatisfactionQuery>,
) -> AppResult<HttpResponse> {
    let user = user_of(&page)?;
    let i18n = page.context.i18n;
    let mut problems = Problems::default();
    let request = satisfaction_request(&user, &query, &mut problems)?;
    problems.finish()?;
    let scope = ReportScope::of(&user)?;
    let baseline = state.settings.reports.baseline_year;
    let (by, year, filter) = (request.by, request.year, request.filter.clone());
    let (report, choices) = db::run_report(&state.pool, move |conn| {
        let report = satisfaction::report(conn, by, year, &filter)?;
        let choices = choices(conn, &i18n, &scope, baseline)?;
        Ok((report, choices))
    })
    .await?;
    let filters = [
        ("year", request.year.map(|y| y.to_string())),
        ("programme", request.filter.programme_id.clone()),
        ("authority", request.filter.authority_id.clone()),
    ];
    let mut years = choices.years;
    years.insert(
        0,
        Choice {
            value: String::new(),
            label: i18n.t("report-filter-all-years"),
        },
    );
    let page_filters = vec![
        field(
            "by",
            i18n.t("report-filter-by"),
            vec![
                Choice {
                    value: "year".into(),
                    label: i18n.t("report-by-year"),
                },
                Choice {
                    value: "programme".into(),
                    label: i18n.t("report-by-programme"),
                },
            ],
            request.by.as_str().to_owned(),
        ),
        field(
            "year",
            i18n.t("report-by-year"),
            years,
            request.year.map(|y| y.to_string()).unwrap_or_default(),
        ),
        field(
            "authority",
            i18n.t("report-by-local-authority"),
            choices.authorities,
            request.filter.authority_id.clone().unwrap_or_default(),
        ),
        field(
            "programme",
            i18n.t("report-by-programme"),
            choices.programmes,
            request.filter.programme_id.clone().unwrap_or_default(),
        ),
    ];
    let figures = vec![
        Figure {
            label: i18n.t("report-satisfaction-overall"),
            value: format!(
                "{} ({} / {})",
                pct(report.total.satisfaction_pct),
                report
                    .total
                    .satisfied
                    .map_or_else(|| "-".to_owned(), |n| n.to_string()),
                report.total.answered
            ),
        },
        Figure {
            label: i18n.t("report-response-rate"),
            value: format!(
                "{} ({} / {})",
                pct(report.total.response_rate_pct),
                report.total.responded,
                report.total.invited
            ),
        },
    ];
    render(
        StatusCode::OK,
        &ReportsPage {
            title: i18n.t("report-satisfaction-title"),
            action: "/reports/satisfaction".into(),
            filters: page_filters,
            figures,
            sections: vec![satisfaction_section(
                &i18n,
                "satisfaction",
                &report,
                &filters,
            )],
            links: report_links(&query_string(&filters[1..]), "/reports/satisfaction"),
            page: page.context,
        },
    )
}

#[get("/reports/pipeline")]
pub async fn pipeline_page(
    state: web::Data<AppState>,
    page: Page,
    query: web::Query<PipelineQuery>,
) -> AppResult<HttpResponse> {
    let user = user_of(&page)?;
    let i18n = page.context.i18n;
    let query = query.into_inner();
    let baseline = state.settings.reports.baseline_year;
    let (report, authorities) = db::run_report(&state.pool, move |conn| {
        let area = pipeline::area_for(
            conn,
            &user,
            query.authority.as_deref().filter(|a| !a.trim().is_empty()),
            query.school.as_deref().filter(|s| !s.trim().is_empty()),
        )?;
        let report = pipeline::report(conn, &area, today())?;
        let authorities = match ReportScope::of(&user) {
            Ok(scope) => Some(choices(conn, &i18n, &scope, baseline)?.authorities),
            Err(_) => None,
        };
        Ok((report, authorities))
    })
    .await?;
    let filters = [
        ("authority", report.authority_id.clone()),
        ("school", report.school_id.clone()),
    ];
    let figures = vec![
        Figure {
            label: i18n.t("report-staff-total"),
            value: report.staff.to_string(),
        },
        Figure {
            label: i18n.t("report-on-programme-total"),
            value: report.on_programme.to_string(),
        },
        Figure {
            label: i18n.t("report-candidates-total"),
            value: report.candidates.to_string(),
        },
    ];
    let page_filters = authorities
        .map(|authorities| {
            vec![field(
                "authority",
                i18n.t("report-by-local-authority"),
                authorities,
                report.authority_id.clone().unwrap_or_default(),
            )]
        })
        .unwrap_or_default();
    let sections = pipeline_sections(
        &i18n,
        &report,
        &filters,
        &[
            PipelineTable::Stages,
            PipelineTable::Programmes,
            PipelineTable::Succession,
        ],
    );
    render(
        StatusCode::OK,
        &ReportsPage {
            title: i18n.t("report-pipeline-title"),
            action: "/reports/pipeline".into(),
            filters: page_filters,
            figures,
            sections,
            links: Vec::new(),
            page: page.context,
        },
    )
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct QuarterQuery {
    pub year: Option<String>,
    pub quarter: Option<String>,
    pub authority: Option<String>,
}

#[get("/reports/quarterly")]
pub async fn quarterly_page(
    state: web::Data<AppState>,
    page: Page,
    query: web::Query<QuarterQuery>,
) -> AppResult<HttpResponse> {
    let user = user_of(&page)?;
    let i18n = page.context.i18n;
    let scope = ReportScope::of(&user)?;
    let authority_id = scope.authority(query.authority.as_deref())?;
    let mut problems = Problems::default();
    let (this_year, this_quarter) = quarterly::quarter_of(today());
    let year = problems.year("year", &query.year).unwrap_or(this_year);
    let quarter = match query
        .quarter
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
    {
        None => this_quarter,
        Some(raw) => match raw.parse::<u32>() {
            Ok(q) if (1..=4).contains(&q) => q,
            _ => {
                problems.push("quarter", "report-error-quarter");
                this_quarter
            }
        },
    };
    problems.finish()?;
    let request = QuarterRequest {
        year,
        quarter,
        baseline_year: state.settings.reports.baseline_year,
        target_pct: state.settings.reports.participation_target_pct,
        authority_id: authority_id.clone(),
    };
    let language = i18n.language;
    let baseline = request.baseline_year;
    let authority = request.authority_id.clone();
    // The measures stand where the pipeline does: at the quarter's end, or today within it.
    let measures_on =
        quarterly::quarter_bounds(year, quarter).map_or_else(today, |(_, to)| to.min(today()));
    let (report, (area, choices, measures)) = tokio::try_join!(
        async {
            quarterly::load(&state.pool, request, today(), language)
                .await?
                .ok_or_else(|| AppError::field("quarter", "report-error-quarter"))
        },
        db::run(&state.pool, move |conn| {
            let names = dashboard::authority_names(conn)?;
            let area = match &authority {
                None => i18n.t("report-scope-region"),
                Some(id) => names
                    .iter()
                    .find(|(a, _, _)| a == id)
                    .map(|(_, en, cy)| i18n.pick(en, cy).to_owned())
                    .unwrap_or_else(|| id.clone()),
            };
            let choices = choices(conn, &i18n, &scope, baseline)?;
            let measures =
                crate::outcomes::measures::figures(conn, authority.as_deref(), measures_on)?;
            Ok((area, choices, measures))
        })
    )?;
    let area_filter = [("authority", authority_id.clone())];
    let figures = vec![
        Figure {
            label: i18n.t("report-quarterly-headline-quarter"),
            value: format!(
                "{} ({} {})",
                report.quarter_participants,
                report.quarter_enrolments,
                i18n.t("report-enrolments-word")
            ),
        },
        Figure {
            label: i18n.t("report-quarterly-headline-ytd"),
            value: format!(
                "{} ({} {})",
                report.year_participants,
                report.year_enrolments,
                i18n.t("report-enrolments-word")
            ),
        },
        Figure {
            label: i18n.t1(
                "report-headline-baseline",
                "year",
                &report.baseline_year_label,
            ),
            value: report.baseline_participants.to_string(),
        },
        Figure {
            label: i18n.t1(
                "report-headline-target",
                "pct",
                &state.settings.reports.participation_target_pct.to_string(),
            ),
            value: format!(
                "{} · {}",
                report.target_participants,
                i18n.t(if report.target_met {
                    "report-target-met"
                } else {
                    "report-target-not-met"
                })
            ),
        },
        Figure {
            label: i18n.t("report-headline-change"),
            value: pct(report.change_pct),
        },
        Figure {
            label: i18n.t("report-satisfaction-overall"),
            value: format!(
                "{} · {} {}",
                pct(report.satisfaction.total.satisfaction_pct),
                i18n.t("report-response-rate"),
                pct(report.satisfaction.total.response_rate_pct)
            ),
        },
    ];
    let mut sections: Vec<Section> = report
        .tables
        .iter()
        .enumerate()
        .map(|(i, table)| Section {
            id: format!("quarterly-{i}"),
            heading: table.title.clone(),
            svg: None,
            table: table.clone(),
            links: Vec::new(),
            csv: None,
            xlsx: None,
        })
        .collect();
    sections.push(satisfaction_section(
        &i18n,
        "quarterly-satisfaction",
        &report.satisfaction,
        &area_filter,
    ));
    sections.extend(measure_sections(&i18n, &measures, authority_id.as_deref()));
    sections.extend(pipeline_sections(
        &i18n,
        &report.pipeline,
        &area_filter,
        &[PipelineTable::Stages, PipelineTable::Succession],
    ));
    let quarters = (1..=4)
        .map(|q| Choice {
            value: q.to_string(),
            label: q.to_string(),
        })
        .collect();
    let filters = vec![
        field(
            "year",
            i18n.t("report-by-year"),
            choices.years,
            year.to_string(),
        ),
        field(
            "quarter",
            i18n.t("report-quarter"),
            quarters,
            quarter.to_string(),
        ),
        field(
            "authority",
            i18n.t("report-by-local-authority"),
            choices.authorities,
            authority_id.unwrap_or_default(),
        ),
    ];
    render(
        StatusCode::OK,
        &QuarterlyPage {
            title: i18n.t("report-quarterly-title"),
            counted_on: crate::i18n::t_with(
                language,
                "report-quarterly-counted",
                &[
                    ("today", report.counted_on.format("%d/%m/%Y").to_string()),
                    (
                        "pipeline",
                        report.pipeline_on.format("%d/%m/%Y").to_string(),
                    ),
                ],
            ),
            area,
            figures,
            sections,
            filters,
            report,
            page: page.context,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::language::Language;
    use crate::outcomes::measures::MeasureView;

    fn year(cohort_year: i32, numerator: i64, denominator: i64, in_window: i64) -> YearFigures {
        YearFigures {
            cohort_year,
            label: academic_year_label(cohort_year),
            numerator,
            denominator,
            pct: (denominator > 0).then(|| 100.0 * numerator as f64 / denominator as f64),
            target_pct: 50,
            in_window,
            met_target: None,
        }
    }

    fn measure(years: Vec<YearFigures>) -> MeasureFigures {
        MeasureFigures {
            measure: MeasureView {
                id: "m".into(),
                code: "npqh_head_3y".into(),
                name_en: "NPQH to headship".into(),
                name_cy: "CPCP i brifathrawiaeth".into(),
                start_event: "completion".into(),
                outcome: "appointed_head".into(),
                window_months: 36,
                target_pct: 50,
                active: true,
                programme_codes: vec!["npqh".into()],
            },
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 12, 8).unwrap_or_default(),
            years,
        }
    }

    #[test]
    fn the_headline_takes_the_latest_year_whose_windows_have_all_closed() {
        let i18n = Translator::new(Language::En);
        let figures = measure_figures(
            &i18n,
            &[measure(vec![
                year(2021, 6, 10, 0),
                year(2022, 1, 2, 8),
                year(2023, 0, 0, 12),
            ])],
        );
        assert_eq!(figures.len(), 1);
        assert!(figures[0].label.contains("2021/22"), "{}", figures[0].label);
        assert!(
            figures[0].value.starts_with("60.0%"),
            "{}",
            figures[0].value
        );
        assert!(!figures[0].value.contains("window"), "{}", figures[0].value);
    }

    #[test]
    fn with_no_year_closed_the_headline_says_how_many_are_still_in_their_window() {
        let i18n = Translator::new(Language::En);
        let figures = measure_figures(&i18n, &[measure(vec![year(2022, 1, 2, 8)])]);
        assert!(figures[0].label.contains("2022/23"), "{}", figures[0].label);
        assert!(
            figures[0].value.ends_with("8 still in their window"),
            "{}",
            figures[0].value
        );
        let welsh = measure_figures(
            &Translator::new(Language::Cy),
            &[measure(vec![year(2022, 1, 2, 1)])],
        );
        assert!(
            welsh[0].value.ends_with("1 yn dal o fewn ei gyfnod"),
            "{}",
            welsh[0].value
        );
    }
}
