//! Each report as `Table`s with headings in the reader's language: what the pages show and
//! what the CSV and XLSX downloads contain, so the two never differ.

use super::participation::{Breakdown, ParticipantRow, Participation};
use super::pipeline::Pipeline;
use super::satisfaction::{Satisfaction, SatisfactionBy};
use super::table::{Cell, Table};
use crate::domain::language::Language;
use crate::i18n::{t, t_with};

fn heads(language: Language, keys: &[&str]) -> Vec<String> {
    keys.iter().map(|k| t(language, k)).collect()
}

fn yes_no(language: Language, value: bool) -> Cell {
    Cell::text(t(language, if value { "report-yes" } else { "report-no" }))
}

/// The table of a participation report: one row per group.
pub fn participation(report: &Participation, language: Language) -> Table {
    let by = t(language, &report.by.label_key());
    let baseline = t_with(
        language,
        "report-col-baseline",
        &[("year", report.baseline_year_label.clone())],
    );
    let mut columns = vec![by.clone()];
    columns.extend(heads(
        language,
        &["report-col-participants", "report-col-enrolments"],
    ));
    columns.push(baseline);
    columns.extend(heads(
        language,
        &[
            "report-col-change",
            "report-col-target",
            "report-col-target-met",
        ],
    ));
    let audience = report.by == Breakdown::Programme;
    if audience {
        columns.extend(heads(
            language,
            &[
                "report-col-audience",
                "report-col-reached",
                "report-col-reached-pct",
            ],
        ));
    }
    let title = if report.by == Breakdown::Year {
        t_with(language, "report-participation-by", &[("by", by)])
    } else {
        t_with(
            language,
            "report-participation-by-in",
            &[("by", by), ("year", report.year_label.clone())],
        )
    };
    let mut table = Table::new(title, columns);
    for row in &report.rows {
        let mut cells = vec![
            Cell::text(language.pick(&row.label_en, &row.label_cy)),
            Cell::Count(row.participants),
            Cell::Count(row.enrolments),
            Cell::Count(row.baseline_participants),
            Cell::Percent(row.change_pct),
            Cell::Count(row.target_participants),
            yes_no(language, row.target_met),
        ];
        if audience {
            cells.push(match row.target_audience {
                Some(n) => Cell::Count(n),
                None => Cell::text("-"),
            });
            cells.push(match row.audience_reached {
                Some(n) => Cell::Count(n),
                None => Cell::text("-"),
            });
            cells.push(Cell::Percent(row.audience_reached_pct));
        }
        table.rows.push(cells);
    }
    table
}

/// The people behind a figure.
pub fn people(title: String, rows: &[ParticipantRow], language: Language) -> Table {
    let mut table = Table::new(
        title,
        heads(
            language,
            &[
                "report-col-name",
                "report-col-school",
                "report-col-stage",
                "report-col-programme",
                "report-col-cohort",
                "report-col-starts",
                "report-col-status",
            ],
        ),
    );
    let or_blank = |v: &Option<String>| v.clone().unwrap_or_default();
    for row in rows {
        table.rows.push(vec![
            Cell::text(&row.name),
            Cell::text(language.pick(&or_blank(&row.school_en), &or_blank(&row.school_cy))),
            Cell::text(language.pick(&or_blank(&row.stage_en), &or_blank(&row.stage_cy))),
            Cell::text(language.pick(&row.programme_en, &row.programme_cy)),
            Cell::text(&row.cohort),
            Cell::text(row.starts_on.format("%Y-%m-%d").to_string()),
            Cell::text(
                crate::domain::enrolment::EnrolmentStatus::parse(&row.status)
                    .map(|s| t(language, s.label_key()))
                    .unwrap_or_else(|| row.status.clone()),
            ),
        ]);
    }
    table
}

pub fn satisfaction(report: &Satisfaction, language: Language) -> Table {
    let by = t(
        language,
        match report.by {
            SatisfactionBy::Year => "report-by-year",
            SatisfactionBy::Programme => "report-by-programme",
        },
    );
    let mut columns = vec![by.clone()];
    columns.extend(heads(
        language,
        &[
            "report-col-invited",
            "report-col-responded",
            "report-col-response-rate",
            "report-col-answered",
            "report-col-satisfied",
            "report-col-satisfaction",
        ],
    ));
    columns.push(t_with(
        language,
        "report-col-satisfaction-target",
        &[("target", format!("{}", report.target_pct))],
    ));
    let mut table = Table::new(
        t_with(language, "report-satisfaction-by", &[("by", by)]),
        columns,
    );
    for row in report.rows.iter().chain([&report.total]) {
        let label = language.pick(&row.label_en, &row.label_cy);
        table.rows.push(vec![
            Cell::text(label),
            Cell::Count(row.invited),
            Cell::Count(row.responded),
            Cell::Percent(row.response_rate_pct),
            Cell::Count(row.answered),
            row.satisfied.map_or_else(|| Cell::text("-"), Cell::Count),
            Cell::Percent(row.satisfaction_pct),
            match row.target_met {
                Some(met) => yes_no(language, met),
                None => Cell::text("-"),
            },
        ]);
    }
    table
}

/// Which of the pipeline's tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PipelineTable {
    Stages,
    Programmes,
    Succession,
}

impl PipelineTable {
    pub fn parse(value: &str) -> Option<Self> {
        match value.trim() {
            "stages" => Some(Self::Stages),
            "programmes" => Some(Self::Programmes),
            "succession" => Some(Self::Succession),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Stages => "stages",
            Self::Programmes => "programmes",
            Self::Succession => "succession",
        }
    }
}

pub fn pipeline(report: &Pipeline, which: PipelineTable, language: Language) -> Table {
    match which {
        PipelineTable::Stages => {
            let mut table = Table::new(
                t(language, "report-pipeline-stages"),
                heads(language, &["report-col-stage", "report-col-staff"]),
            );
            for stage in &report.stages {
                table.rows.push(vec![
                    Cell::text(language.pick(&stage.label_en, &stage.label_cy)),
                    Cell::Count(stage.staff),
                ]);
            }
            table.rows.push(vec![
                Cell::text(t(language, "report-total")),
                Cell::Count(report.staff),
            ]);
            table
        }
        PipelineTable::Programmes => {
            let mut table = Table::new(
                t(language, "report-pipeline-on-programme"),
                heads(language, &["report-col-programme", "report-col-people"]),
            );
            for programme in &report.programmes {
                table.rows.push(vec![
                    Cell::text(language.pick(&programme.label_en, &programme.label_cy)),
                    Cell::Count(programme.people),
                ]);
            }
            table.rows.push(vec![
                Cell::text(t(language, "report-total-distinct")),
                Cell::Count(report.on_programme),
            ]);
            table
        }
        PipelineTable::Succession => {
            let mut columns = vec![t(language, &report.succession_by.label_key())];
            columns.extend(heads(
                language,
                &[
                    "report-col-future-heads",
                    "report-col-npqh",
                    "report-col-deputies",
                    "report-col-assistants",
                    "report-col-candidates",
                ],
            ));
            let mut table = Table::new(t(language, "report-pipeline-succession"), columns);
            for row in &report.succession {
                table.rows.push(vec![
                    Cell::text(language.pick(&row.label_en, &row.label_cy)),
                    Cell::Count(row.future_heads),
                    Cell::Count(row.npqh),
                    Cell::Count(row.deputy_heads),
                    Cell::Count(row.assistant_heads),
                    Cell::Count(row.candidates),
                ]);
            }
            table.rows.push(vec![
                Cell::text(t(language, "report-total-distinct")),
                Cell::text(""),
                Cell::text(""),
                Cell::text(""),
                Cell::text(""),
                Cell::Count(report.candidates),
            ]);
            table
        }
    }
}
