//! The quarterly report for stakeholders: participation in the quarter and in the academic year
//! so far against the baseline year and the target, satisfaction so far against 95%, and the
//! succession pipeline, in the reader's language and laid out to print.
//!
//! Quarters are those of the academic year: 1 is September to November, 2 December to
//! February, 3 March to May, 4 June to August.

use chrono::{Datelike, Months, NaiveDate};

use super::participation::{self, Breakdown, Filter, GroupCount, label_of, labels};
use super::pipeline::{self, Area, Pipeline};
use super::satisfaction::{self, Satisfaction, SatisfactionBy};
use super::table::{Cell, Table};
use crate::db::{self, DbConnection, DbPool};
use crate::domain::academic_year::{academic_year, academic_year_bounds, academic_year_label};
use crate::domain::language::Language;
use crate::error::AppResult;
use crate::i18n::{t, t_with};

/// The first and last day of `quarter` (1-4) of the academic year starting in `year`.
pub fn quarter_bounds(year: i32, quarter: u32) -> Option<(NaiveDate, NaiveDate)> {
    if !(1..=4).contains(&quarter) {
        return None;
    }
    let (start, _) = academic_year_bounds(year)?;
    let from = start.checked_add_months(Months::new(3 * (quarter - 1)))?;
    let to = from.checked_add_months(Months::new(3))?.pred_opt()?;
    Some((from, to))
}

/// The academic year and quarter `day` falls in.
pub fn quarter_of(day: NaiveDate) -> (i32, u32) {
    let months_in = (day.month() + 12 - 9) % 12;
    (academic_year(day), months_in / 3 + 1)
}

#[derive(Debug, Clone)]
pub struct Quarterly {
    pub year: i32,
    pub year_label: String,
    pub quarter: u32,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub baseline_year_label: String,
    /// Distinct people and enrolments in cohorts starting in the quarter.
    pub quarter_participants: i64,
    pub quarter_enrolments: i64,
    /// ... from the start of the academic year to the end of the quarter.
    pub year_participants: i64,
    pub year_enrolments: i64,
    pub baseline_participants: i64,
    pub target_participants: i64,
    pub change_pct: Option<f64>,
    pub target_met: bool,
    pub satisfaction: Satisfaction,
    pub pipeline: Pipeline,
    pub tables: Vec<Table>,
    /// The day the figures were counted: applications as they then stood, answers received
    /// by then. History is not replayed, so a past quarter counted again may differ.
    pub counted_on: NaiveDate,
    /// The day the pipeline stands at: the quarter's end, or today within the quarter.
    pub pipeline_on: NaiveDate,
}

#[derive(Debug, Clone)]
pub struct QuarterRequest {
    pub year: i32,
    pub quarter: u32,
    pub baseline_year: i32,
    pub target_pct: i32,
    pub authority_id: Option<String>,
}

fn group_table(
    conn: &mut DbConnection,
    title: String,
    by: Breakdown,
    groups: Vec<GroupCount>,
    language: Language,
) -> AppResult<Table> {
    let keys: Vec<String> = groups.iter().filter_map(|g| g.key.clone()).collect();
    let names = labels(conn, by, &keys)?;
    let mut rows: Vec<(participation::Label, GroupCount)> = groups
        .into_iter()
        .map(|g| (label_of(&names, g.key.as_deref()), g))
        .collect();
    rows.sort_by(|a, b| a.0.order.cmp(&b.0.order).then_with(|| a.0.en.cmp(&b.0.en)));
    let mut table = Table::new(
        title,
        vec![
            t(language, &by.label_key()),
            t(language, "report-col-participants"),
            t(language, "report-col-enrolments"),
        ],
    );
    for (label, group) in rows {
        table.rows.push(vec![
            Cell::text(language.pick(&label.en, &label.cy)),
            Cell::Count(group.participants),
            Cell::Count(group.enrolments),
        ]);
    }
    Ok(table)
}

/// The quarterly report. Its participation figures (in two halves), its satisfaction and its
/// pipeline are independent, so each is counted on its own connection at the same time.
pub async fn load(
    pool: &DbPool,
    request: QuarterRequest,
    today: NaiveDate,
    language: Language,
) -> AppResult<Option<Quarterly>> {
    let (Some((from, to)), Some((year_start, _))) = (
        quarter_bounds(request.year, request.quarter),
        academic_year_bounds(request.year),
    ) else {
        return Ok(None);
    };
    let satisfaction_filter = satisfaction::Filter {
        opens: Some((year_start, to)),
        programme_id: None,
        authority_id: request.authority_id.clone(),
    };
    let area = Area {
        authority_id: request.authority_id.clone(),
        school_id: None,
    };
    let participation_request = request.clone();
    let tables_request = request.clone();
    let (participation, year_tables, satisfaction, pipeline) = tokio::try_join!(
        db::run_report(pool, move |conn| participation_part(
            conn,
            &participation_request,
            (from, to),
            year_start,
            language
        )),
        db::run_report(pool, move |conn| year_to_date_tables(
            conn,
            &tables_request,
            (year_start, to),
            language
        )),
        db::run_report(pool, move |conn| satisfaction::report(
            conn,
            SatisfactionBy::Programme,
            None,
            &satisfaction_filter
        )),
        db::run_report(pool, move |conn| pipeline::report(
            conn,
            &area,
            today.min(to)
        )),
    )?;
    let ParticipationPart {
        quarter: (quarter_participants, quarter_enrolments),
        year: (year_participants, year_enrolments),
        baseline_participants,
        quarter_table,
    } = participation;
    let tables = std::iter::once(quarter_table).chain(year_tables).collect();
    let target_participants = participation::target_for(baseline_participants, request.target_pct);
    Ok(Some(Quarterly {
        year: request.year,
        year_label: academic_year_label(request.year),
        quarter: request.quarter,
        from,
        to,
        baseline_year_label: academic_year_label(request.baseline_year),
        quarter_participants,
        quarter_enrolments,
        year_participants,
        year_enrolments,
        baseline_participants,
        target_participants,
        change_pct: participation::change_pct(year_participants, baseline_participants),
        target_met: baseline_participants > 0 && year_participants >= target_participants,
        satisfaction,
        pipeline,
        tables,
        counted_on: today,
        pipeline_on: today.min(to),
    }))
}

/// The quarter's and the year's participation, and the quarter's table by programme.
struct ParticipationPart {
    quarter: (i64, i64),
    year: (i64, i64),
    baseline_participants: i64,
    quarter_table: Table,
}

/// Participation in the area of the request: all of it, or one authority's.
fn area_filter(request: &QuarterRequest) -> Filter {
    Filter {
        authority_id: request.authority_id.clone(),
        ..Filter::default()
    }
}

fn participation_part(
    conn: &mut DbConnection,
    request: &QuarterRequest,
    (from, to): (NaiveDate, NaiveDate),
    year_start: NaiveDate,
    language: Language,
) -> AppResult<ParticipationPart> {
    let scope = area_filter(request);
    let quarter = Filter {
        starts: Some((from, to)),
        ..scope.clone()
    };
    let so_far = Filter {
        starts: Some((year_start, to)),
        ..scope.clone()
    };
    let quarter_totals = participation::totals(conn, &quarter)?;
    let year_totals = participation::totals(conn, &so_far)?;
    let (baseline_participants, _) =
        participation::totals(conn, &scope.in_year(request.baseline_year))?;
    let quarter_label = t_with(
        language,
        "report-quarter-name",
        &[
            ("quarter", request.quarter.to_string()),
            ("year", academic_year_label(request.year)),
        ],
    );
    let groups = participation::grouped(conn, Breakdown::Programme, &quarter)?;
    let quarter_table = group_table(
        conn,
        t_with(
            language,
            "report-quarterly-in-quarter",
            &[("quarter", quarter_label)],
        ),
        Breakdown::Programme,
        groups,
        language,
    )?;
    Ok(ParticipationPart {
        quarter: quarter_totals,
        year: year_totals,
        baseline_participants,
        quarter_table,
    })
}

/// The year so far by programme and by local authority: counted apart from the quarter's
/// figures, on a connection of its own, as each half takes about as long as the other.
fn year_to_date_tables(
    conn: &mut DbConnection,
    request: &QuarterRequest,
    so_far: (NaiveDate, NaiveDate),
    language: Language,
) -> AppResult<Vec<Table>> {
    let so_far = Filter {
        starts: Some(so_far),
        ..area_filter(request)
    };
    let mut tables = Vec::new();
    for (breakdown, title) in [
        (
            Breakdown::Programme,
            "report-quarterly-year-to-date-programme",
        ),
        (
            Breakdown::LocalAuthority,
            "report-quarterly-year-to-date-authority",
        ),
    ] {
        let groups = participation::grouped(conn, breakdown, &so_far)?;
        tables.push(group_table(
            conn,
            t(language, title),
            breakdown,
            groups,
            language,
        )?);
    }
    Ok(tables)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn quarters_divide_the_academic_year_in_four() {
        assert_eq!(
            quarter_bounds(2025, 1),
            Some((day("2025-09-01"), day("2025-11-30")))
        );
        assert_eq!(
            quarter_bounds(2025, 2),
            Some((day("2025-12-01"), day("2026-02-28")))
        );
        assert_eq!(
            quarter_bounds(2025, 4),
            Some((day("2026-06-01"), day("2026-08-31")))
        );
        assert_eq!(quarter_bounds(2025, 5), None);
        assert_eq!(quarter_of(day("2025-09-01")), (2025, 1));
        assert_eq!(quarter_of(day("2026-02-28")), (2025, 2));
        assert_eq!(quarter_of(day("2026-03-01")), (2025, 3));
        assert_eq!(quarter_of(day("2026-08-31")), (2025, 4));
    }
}
