//! Participation: how many people took part, and how many places they held, by academic year,
//! programme, continuum stage, local authority, school, sector, support category or language
//! medium; against the baseline year, the growth target and, for programmes aimed at given
//! stages, their target audience.
//!
//! What counts: an enrolment that held a seat, i.e. confirmed, completed or not completed. A
//! withdrawal does not count even after confirmation: the seat went back and was usually filled
//! from the waiting list, and that person is counted instead, so counting both would count one
//! seat twice. An enrolment belongs to the academic year its cohort started in. Stage is the
//! person's continuum stage now; authority, school, sector and support category are those of the
//! person's school now; language medium is the cohort's.
//!
//! Every figure is one grouped query over the whole population (never a query per row), so a
//! consortium of 50,000 people and 500,000 enrolments answers at once.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::dsl::{count, count_star, sql};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Nullable, Text};
use serde::Serialize;

use crate::db::schema::{
    cohorts, continuum_stages, enrolments, local_authorities, people, programme_target_stages,
    programmes, schools,
};
use crate::db::{DbConnection, MultiBackend};
use crate::domain::academic_year::academic_year_label;
use crate::domain::language::Language;
use crate::error::AppResult;
use crate::i18n::t;

/// The statuses of an enrolment that held a seat.
pub const SEAT_STATUSES: [&str; 3] = ["confirmed", "completed", "not_completed"];

/// The most people a drill-down lists on a page or in JSON; the count above the list is always
/// the whole figure, and a download lists everyone.
pub const DRILL_DOWN_LIMIT: i64 = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Breakdown {
    Year,
    Programme,
    Stage,
    LocalAuthority,
    School,
    Sector,
    SupportCategory,
    LanguageMedium,
}

impl Breakdown {
    pub const ALL: [Breakdown; 8] = [
        Breakdown::Year,
        Breakdown::Programme,
        Breakdown::Stage,
        Breakdown::LocalAuthority,
        Breakdown::School,
        Breakdown::Sector,
        Breakdown::SupportCategory,
        Breakdown::LanguageMedium,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Breakdown::Year => "year",
            Breakdown::Programme => "programme",
            Breakdown::Stage => "stage",
            Breakdown::LocalAuthority => "local_authority",
            Breakdown::School => "school",
            Breakdown::Sector => "sector",
            Breakdown::SupportCategory => "support_category",
            Breakdown::LanguageMedium => "language_medium",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        Self::ALL.into_iter().find(|b| b.as_str() == value)
    }

    /// Whether the group is a property of the person or their school, not of the enrolment.
    fn needs_person(self) -> bool {
        !matches!(
            self,
            Breakdown::Year | Breakdown::Programme | Breakdown::LanguageMedium
        )
    }

    pub fn label_key(self) -> String {
        format!("report-by-{}", self.as_str().replace('_', "-"))
    }

    /// The grouping expression. Constant SQL chosen from this enum, never from input; the year
    /// is the enrolment's copy of its cohort's (migration 000010).
    fn key_sql(self) -> String {
        match self {
            Breakdown::Year => "CAST(enrolments.academic_year AS TEXT)".into(),
            Breakdown::Programme => "enrolments.programme_id".into(),
            Breakdown::Stage => "people.stage_code".into(),
            Breakdown::LocalAuthority => "schools.local_authority_id".into(),
            Breakdown::School => "people.school_id".into(),
            Breakdown::Sector => "schools.sector".into(),
            Breakdown::SupportCategory => "schools.support_category".into(),
            Breakdown::LanguageMedium => "cohorts.language_medium".into(),
        }
    }
}

/// `query.into_boxed()` with the backend named, which grouping a boxed query needs.
pub(crate) fn boxed<'a, Q>(query: Q) -> diesel::dsl::IntoBoxed<'a, Q, MultiBackend>
where
    Q: diesel::query_dsl::methods::BoxedDsl<'a, MultiBackend>,
{
    diesel::query_dsl::methods::BoxedDsl::internal_into_boxed(query)
}

/// Which enrolments a figure is made of.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Cohorts starting in these academic years, both included (read from the enrolment).
    pub years: Option<(i32, i32)>,
    /// Cohorts starting between these days, both included (a quarter, the year so far).
    pub starts: Option<(NaiveDate, NaiveDate)>,
    pub programme_id: Option<String>,
    pub authority_id: Option<String>,
}

impl Filter {
    /// Whether the figure needs the cohorts' start dates (not only their years).
    fn dated(&self) -> bool {
        self.starts.is_some()
    }

    pub fn in_year(&self, year: i32) -> Self {
        Self {
            years: Some((year, year)),
            ..self.clone()
        }
    }
}

/// The seats, spelt as the partial index `enrolments_seat_years` (migration 000010) spells
/// them: both databases use a partial index only for a condition they can see implies its own,
/// which a list of bound values hides. Constant SQL.
const SEAT_SQL: &str = "enrolments.status IN ('confirmed', 'completed', 'not_completed')";

/// Seats narrowed by the filter's years and programme; `$from` is `enrolments` or a join of it.
macro_rules! lean_seats {
    ($from:expr, $filter:expr) => {{
        let filter: &Filter = $filter;
        let mut query = boxed($from.filter(sql::<Bool>(SEAT_SQL)));
        if let Some((first, last)) = filter.years {
            query = query.filter(enrolments::academic_year.between(first, last));
        }
        if let Some(programme) = &filter.programme_id {
            query = query.filter(enrolments::programme_id.eq(programme.clone()));
        }
        query
    }};
}

/// ... and by their cohorts' start dates: `$from` joins `cohorts`.
macro_rules! dated_seats {
    ($from:expr, $filter:expr) => {{
        let filter: &Filter = $filter;
        let mut query = lean_seats!($from, filter);
        if let Some((from, to)) = filter.starts {
            query = query.filter(cohorts::starts_on.between(from, to));
        }
        query
    }};
}

/// ... and by the authority of the person's school: `$query` is seats of `seats_from!()` or
/// `undated_seats_from!()`, which join the schools.
macro_rules! in_authority {
    ($query:expr, $filter:expr) => {{
        let filter: &Filter = $filter;
        let mut query = $query;
        if let Some(authority) = &filter.authority_id {
            query = query.filter(schools::local_authority_id.eq(authority.clone()));
        }
        query
    }};
}

/// Seats with their person's school, narrowed by every part of the filter.
macro_rules! seats {
    ($from:expr, $filter:expr) => {{
        let filter: &Filter = $filter;
        in_authority!(dated_seats!($from, filter), filter)
    }};
}

/// Like `seats!` for `undated_seats_from!()`, which has no cohorts: the filter must have no
/// start dates (`Filter::dated`).
macro_rules! undated_seats {
    ($from:expr, $filter:expr) => {{
        let filter: &Filter = $filter;
        in_authority!(lean_seats!($from, filter), filter)
    }};
}

macro_rules! seats_from {
    () => {
        enrolments::table
            .inner_join(cohorts::table)
            .inner_join(people::table.on(people::id.eq(enrolments::person_id)))
            .left_join(schools::table.on(people::school_id.eq(schools::id.nullable())))
    };
}

/// The seats with their person and the person's school, without the cohorts: a lookup of the
/// cohort for each seat of a year costs as much again as the rest of a figure.
macro_rules! undated_seats_from {
    () => {
        enrolments::table
            .inner_join(people::table.on(people::id.eq(enrolments::person_id)))
            .left_join(schools::table.on(people::school_id.eq(schools::id.nullable())))
    };
}

/// Distinct people and enrolments per group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupCount {
    pub key: Option<String>,
    pub participants: i64,
    pub enrolments: i64,
}

pub fn grouped(
    conn: &mut DbConnection,
    by: Breakdown,
    filter: &Filter,
) -> AppResult<Vec<GroupCount>> {
    let key = by.key_sql();
    // The year is grouped as the number it is: PostgreSQL then reads the seats in the order of
    // their index, where grouping by the text would sort them all first.
    let group = match by {
        Breakdown::Year => "enrolments.academic_year".to_owned(),
        _ => key.clone(),
    };
    macro_rules! grouped_by_key {
        ($from:expr) => {
            $from.group_by(sql::<Nullable<Text>>(&group)).select((
                sql::<Nullable<Text>>(&key),
                count(enrolments::person_id).aggregate_distinct(),
                count_star(),
            ))
        };
    }
    // Joining 400,000 seats to their people, or even to their cohorts, costs more than the
    // rest of the query: each join only when the figure needs it.
    let rows: Vec<(Option<String>, i64, i64)> = if (by.needs_person()
        || filter.authority_id.is_some())
        && (filter.dated() || by == Breakdown::LanguageMedium)
    {
        seats!(grouped_by_key!(seats_from!()), filter).load(conn)?
    } else if by.needs_person() || filter.authority_id.is_some() {
        undated_seats!(grouped_by_key!(undated_seats_from!()), filter).load(conn)?
    } else if by == Breakdown::LanguageMedium || filter.dated() {
        dated_seats!(
            grouped_by_key!(enrolments::table.inner_join(cohorts::table)),
            filter
        )
        .load(conn)?
    } else {
        lean_seats!(grouped_by_key!(enrolments::table), filter).load(conn)?
    };
    Ok(rows
        .into_iter()
        .map(|(key, participants, enrolments)| GroupCount {
            key,
            participants,
            enrolments,
        })
        .collect())
}

/// Distinct people and enrolments of the whole filter (people are counted once however many
/// groups they fall in).
pub fn totals(conn: &mut DbConnection, filter: &Filter) -> AppResult<(i64, i64)> {
    let select = (
        count(enrolments::person_id).aggregate_distinct(),
        count_star(),
    );
    Ok(if filter.authority_id.is_some() && filter.dated() {
        seats!(seats_from!().select(select), filter).get_result(conn)?
    } else if filter.authority_id.is_some() {
        undated_seats!(undated_seats_from!().select(select), filter).get_result(conn)?
    } else if filter.dated() {
        dated_seats!(
            enrolments::table.inner_join(cohorts::table).select(select),
            filter
        )
        .get_result(conn)?
    } else {
        lean_seats!(enrolments::table.select(select), filter).get_result(conn)?
    })
}

/// Per programme with target stages: people now at one of those stages (active, in the
/// authority if one is given). People are counted per stage first (one pass over them), then
/// added up per programme: a person is at one stage, so no one is counted twice.
pub fn target_audiences(
    conn: &mut DbConnection,
    authority_id: Option<&str>,
) -> AppResult<HashMap<String, i64>> {
    let mut query = boxed(
        people::table
            .left_join(schools::table.on(people::school_id.eq(schools::id.nullable())))
            .filter(people::active.eq(true))
            .filter(people::anonymised_at.is_null())
            .filter(people::stage_code.is_not_null())
            .group_by(people::stage_code)
            .select((people::stage_code, count_star())),
    );
    if let Some(authority) = authority_id {
        query = query.filter(schools::local_authority_id.eq(authority.to_owned()));
    }
    let per_stage: HashMap<Option<String>, i64> = query.load(conn)?.into_iter().collect();
    let targets: Vec<(String, String)> = programme_target_stages::table
        .select((
            programme_target_stages::programme_id,
            programme_target_stages::stage_code,
        ))
        .load(conn)?;
    let mut audiences: HashMap<String, i64> = HashMap::new();
    for (programme, stage) in targets {
        *audiences.entry(programme).or_default() +=
            per_stage.get(&Some(stage)).copied().unwrap_or(0);
    }
    Ok(audiences)
}

/// Per programme: participants who are now at one of its target stages and, like the target
/// audience they are a share of, active and not anonymised (so the share never passes 100%).
pub fn audience_reached(
    conn: &mut DbConnection,
    filter: &Filter,
) -> AppResult<HashMap<String, i64>> {
    macro_rules! reached {
        ($from:expr) => {
            $from
                .inner_join(
                    programme_target_stages::table.on(programme_target_stages::programme_id
                        .eq(enrolments::programme_id)
                        .and(
                            people::stage_code.eq(programme_target_stages::stage_code.nullable()),
                        )),
                )
                .filter(people::active.eq(true))
                .filter(people::anonymised_at.is_null())
                .group_by(enrolments::programme_id)
                .select((
                    enrolments::programme_id,
                    count(enrolments::person_id).aggregate_distinct(),
                ))
        };
    }
    let rows: Vec<(String, i64)> = if filter.dated() {
        seats!(reached!(seats_from!()), filter).load(conn)?
    } else {
        undated_seats!(reached!(undated_seats_from!()), filter).load(conn)?
    };
    Ok(rows.into_iter().collect())
}

/// A group's name in both languages, and where it sorts.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub en: String,
    pub cy: String,
    pub order: i64,
}

fn both(key: &str) -> (String, String) {
    (t(Language::En, key), t(Language::Cy, key))
}

/// Names for the keys of a breakdown, looked up in one query for those keys only.
pub fn labels(
    conn: &mut DbConnection,
    by: Breakdown,
    keys: &[String],
) -> AppResult<HashMap<String, Label>> {
    let named = |rows: Vec<(String, String, String)>| -> HashMap<String, Label> {
        rows.into_iter()
            .map(|(id, en, cy)| (id, Label { en, cy, order: 0 }))
            .collect()
    };
    let keys = keys.to_vec();
    Ok(match by {
        Breakdown::Year => keys
            .iter()
            .filter_map(|k| k.parse::<i32>().ok().map(|y| (k.clone(), y)))
            .map(|(k, y)| {
                let label = academic_year_label(y);
                (
                    k,
                    Label {
                        en: label.clone(),
                        cy: label,
                        order: i64::from(y),
                    },
                )
            })
            .collect(),
        Breakdown::Programme => named(
            programmes::table
                .filter(programmes::id.eq_any(keys))
                .select((programmes::id, programmes::title_en, programmes::title_cy))
                .load(conn)?,
        ),
        Breakdown::Stage => continuum_stages::table
            .filter(continuum_stages::code.eq_any(keys))
            .select((
                continuum_stages::code,
                continuum_stages::name_en,
                continuum_stages::name_cy,
                continuum_stages::position,
            ))
            .load::<(String, String, String, i32)>(conn)?
            .into_iter()
            .map(|(code, en, cy, position)| {
                (
                    code,
                    Label {
                        en,
                        cy,
                        order: i64::from(position),
                    },
                )
            })
            .collect(),
        Breakdown::LocalAuthority => named(
            local_authorities::table
                .filter(local_authorities::id.eq_any(keys))
                .select((
                    local_authorities::id,
                    local_authorities::name_en,
                    local_authorities::name_cy,
                ))
                .load(conn)?,
        ),
        Breakdown::School => named(
            schools::table
                .filter(schools::id.eq_any(keys))
                .select((schools::id, schools::name_en, schools::name_cy))
                .load(conn)?,
        ),
        Breakdown::Sector | Breakdown::SupportCategory | Breakdown::LanguageMedium => {
            let prefix = match by {
                Breakdown::Sector => "report-sector",
                Breakdown::SupportCategory => "report-category",
                _ => "report-medium",
            };
            keys.into_iter()
                .map(|k| {
                    let (en, cy) = both(&format!("{prefix}-{k}"));
                    (k, Label { en, cy, order: 0 })
                })
                .collect()
        }
    })
}

/// The label of a key, with a missing key ("not recorded") and an unknown one handled.
pub fn label_of(labels: &HashMap<String, Label>, key: Option<&str>) -> Label {
    match key {
        None => {
            let (en, cy) = both("report-not-recorded");
            Label {
                en,
                cy,
                order: i64::MAX,
            }
        }
        Some(key) => labels.get(key).cloned().unwrap_or_else(|| Label {
            en: key.to_owned(),
            cy: key.to_owned(),
            order: 0,
        }),
    }
}

/// One person behind a figure.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ParticipantRow {
    pub person_id: String,
    pub name: String,
    pub school_en: Option<String>,
    pub school_cy: Option<String>,
    pub stage_en: Option<String>,
    pub stage_cy: Option<String>,
    pub programme_en: String,
    pub programme_cy: String,
    pub cohort: String,
    pub starts_on: NaiveDate,
    pub status: String,
}

type SeatRow = (
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    NaiveDate,
    String,
);

/// The seats behind one group of a breakdown (`key` `None`: the "not recorded" group), and how
/// many there are in all; at most `limit` are returned.
pub fn people_behind(
    conn: &mut DbConnection,
    by: Breakdown,
    key: Option<&str>,
    filter: &Filter,
    limit: i64,
) -> AppResult<(i64, Vec<ParticipantRow>)> {
    let mut filter = filter.clone();
    if by == Breakdown::Year {
        let Some(year) = key.and_then(|k| k.parse::<i32>().ok()) else {
            return Ok((0, Vec::new()));
        };
        filter.years = Some((year, year));
    }
    macro_rules! narrowed {
        () => {{
            let mut query = seats!(seats_from!(), &filter);
            let key = key.map(str::to_owned);
            query = match (by, key) {
                (Breakdown::Year, _) => query,
                (Breakdown::Programme, Some(k)) => query.filter(enrolments::programme_id.eq(k)),
                (Breakdown::Stage, Some(k)) => query.filter(people::stage_code.eq(k)),
                (Breakdown::Stage, None) => query.filter(people::stage_code.is_null()),
                (Breakdown::LocalAuthority, Some(k)) => {
                    query.filter(schools::local_authority_id.eq(k))
                }
                (Breakdown::LocalAuthority | Breakdown::School, None) => {
                    query.filter(people::school_id.is_null())
                }
                (Breakdown::School, Some(k)) => query.filter(people::school_id.eq(k)),
                (Breakdown::Sector, Some(k)) => query.filter(schools::sector.eq(k)),
                (Breakdown::Sector, None) => query.filter(people::school_id.is_null()),
                (Breakdown::SupportCategory, Some(k)) => {
                    query.filter(schools::support_category.eq(k))
                }
                (Breakdown::SupportCategory, None) => query.filter(
                    people::school_id
                        .is_null()
                        .or(schools::support_category.is_null()),
                ),
                (Breakdown::LanguageMedium, Some(k)) => {
                    query.filter(cohorts::language_medium.eq(k))
                }
                (Breakdown::Programme | Breakdown::LanguageMedium, None) => {
                    return Ok((0, Vec::new()));
                }
            };
            query
        }};
    }
    let total: i64 = narrowed!().select(count_star()).get_result(conn)?;
    let rows: Vec<SeatRow> = narrowed!()
        .order((people::name.asc(), cohorts::starts_on.asc()))
        .limit(limit)
        .select((
            people::id,
            people::name,
            people::school_id,
            people::stage_code,
            enrolments::programme_id,
            cohorts::name,
            cohorts::starts_on,
            enrolments::status,
        ))
        .load(conn)?;
    let ids = |pick: fn(&SeatRow) -> Option<&String>| -> Vec<String> {
        let mut ids: Vec<String> = rows.iter().filter_map(pick).cloned().collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let school_names = labels(conn, Breakdown::School, &ids(|r| r.2.as_ref()))?;
    let stage_names = labels(conn, Breakdown::Stage, &ids(|r| r.3.as_ref()))?;
    let programme_names = labels(conn, Breakdown::Programme, &ids(|r| Some(&r.4)))?;
    let people = rows
        .into_iter()
        .map(
            |(person_id, name, school, stage, programme, cohort, starts_on, status)| {
                let school = school.and_then(|s| school_names.get(&s));
                let stage = stage.and_then(|s| stage_names.get(&s));
                let programme = label_of(&programme_names, Some(&programme));
                ParticipantRow {
                    person_id,
                    name,
                    school_en: school.map(|l| l.en.clone()),
                    school_cy: school.map(|l| l.cy.clone()),
                    stage_en: stage.map(|l| l.en.clone()),
                    stage_cy: stage.map(|l| l.cy.clone()),
                    programme_en: programme.en,
                    programme_cy: programme.cy,
                    cohort,
                    starts_on,
                    status,
                }
            },
        )
        .collect();
    Ok((total, people))
}

/// What a participation report is asked for.
#[derive(Debug, Clone)]
pub struct Request {
    pub by: Breakdown,
    /// The year the figures are for (for `by=year`, the year of the headline; every year is
    /// listed).
    pub year: i32,
    pub baseline_year: i32,
    pub target_pct: i32,
    pub programme_id: Option<String>,
    pub authority_id: Option<String>,
    /// By year, list the years from the earlier of the baseline year and `year` only (the
    /// dashboard's chart of progress towards the target); otherwise every year.
    pub from_baseline: bool,
}

/// One group's figures, with its own baseline and target.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ParticipationRow {
    /// The group (year, programme id, stage code, authority id, ...); none for "not recorded".
    pub key: Option<String>,
    pub label_en: String,
    pub label_cy: String,
    pub participants: i64,
    pub enrolments: i64,
    /// The same group's participants in the baseline year.
    pub baseline_participants: i64,
    pub change_pct: Option<f64>,
    pub target_participants: i64,
    pub target_met: bool,
    /// Programmes with target stages: people now at those stages (in scope).
    pub target_audience: Option<i64>,
    /// ... of whom took part.
    pub audience_reached: Option<i64>,
    pub audience_reached_pct: Option<f64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Participation {
    pub by: Breakdown,
    pub year: i32,
    pub year_label: String,
    pub baseline_year: i32,
    pub baseline_year_label: String,
    pub programme_id: Option<String>,
    pub authority_id: Option<String>,
    /// Distinct people in `year` (each counted once, whatever groups they fall in).
    pub participants: i64,
    pub enrolments: i64,
    pub baseline_participants: i64,
    pub baseline_enrolments: i64,
    pub change_pct: Option<f64>,
    pub target_pct: i32,
    /// The baseline grown by the target share, rounded up.
    pub target_participants: i64,
    pub target_met: bool,
    pub rows: Vec<ParticipationRow>,
}

/// Distinct people and enrolments of the year asked for and of the baseline year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct YearTotals {
    pub participants: i64,
    pub enrolments: i64,
    pub baseline_participants: i64,
    pub baseline_enrolments: i64,
}

impl YearTotals {
    /// The totals a report already holds, for another report of the same request.
    pub fn of(report: &Participation) -> Self {
        Self {
            participants: report.participants,
            enrolments: report.enrolments,
            baseline_participants: report.baseline_participants,
            baseline_enrolments: report.baseline_enrolments,
        }
    }

    fn from_years(groups: &[GroupCount], year: i32, baseline_year: i32) -> Self {
        let of = |year: i32| {
            let key = year.to_string();
            groups
                .iter()
                .find(|g| g.key.as_deref() == Some(key.as_str()))
                .map_or((0, 0), |g| (g.participants, g.enrolments))
        };
        let ((participants, enrolments), (baseline_participants, baseline_enrolments)) =
            (of(year), of(baseline_year));
        Self {
            participants,
            enrolments,
            baseline_participants,
            baseline_enrolments,
        }
    }
}

pub fn report(conn: &mut DbConnection, request: &Request) -> AppResult<Participation> {
    report_with(conn, request, None)
}

/// The report, with the totals of the same request when they are known already (the dashboard
/// shows three breakdowns of one request and counts its totals once).
pub fn report_with(
    conn: &mut DbConnection,
    request: &Request,
    known: Option<YearTotals>,
) -> AppResult<Participation> {
    let scope = Filter {
        programme_id: request.programme_id.clone(),
        authority_id: request.authority_id.clone(),
        ..Filter::default()
    };
    let this_year = scope.in_year(request.year);
    let baseline = scope.in_year(request.baseline_year);
    // By year, every year is a group, the two totals among them: no query of their own.
    let (groups, baseline_groups, year_totals) = if request.by == Breakdown::Year {
        let years = if request.from_baseline {
            Filter {
                years: Some((
                    request.baseline_year.min(request.year),
                    request.baseline_year.max(request.year),
                )),
                ..scope.clone()
            }
        } else {
            scope.clone()
        };
        let groups = grouped(conn, request.by, &years)?;
        let year_totals = YearTotals::from_years(&groups, request.year, request.baseline_year);
        (groups, Vec::new(), year_totals)
    } else {
        let year_totals = match known {
            Some(known) => known,
            None => {
                let (participants, enrolments) = totals(conn, &this_year)?;
                let (baseline_participants, baseline_enrolments) = totals(conn, &baseline)?;
                YearTotals {
                    participants,
                    enrolments,
                    baseline_participants,
                    baseline_enrolments,
                }
            }
        };
        (
            grouped(conn, request.by, &this_year)?,
            grouped(conn, request.by, &baseline)?,
            year_totals,
        )
    };
    let YearTotals {
        participants,
        enrolments,
        baseline_participants,
        baseline_enrolments,
    } = year_totals;
    let mut baseline_of: HashMap<Option<String>, i64> = baseline_groups
        .into_iter()
        .map(|g| (g.key, g.participants))
        .collect();
    if request.by == Breakdown::Year {
        baseline_of.clear();
    }
    let mut keys: Vec<String> = groups.iter().filter_map(|g| g.key.clone()).collect();
    keys.extend(baseline_of.keys().flatten().cloned());
    keys.sort_unstable();
    keys.dedup();
    let names = labels(conn, request.by, &keys)?;
    let audiences = if request.by == Breakdown::Programme {
        Some((
            target_audiences(conn, request.authority_id.as_deref())?,
            audience_reached(conn, &this_year)?,
        ))
    } else {
        None
    };
    let mut found: HashMap<Option<String>, GroupCount> =
        groups.into_iter().map(|g| (g.key.clone(), g)).collect();
    // A group that took part in the baseline year but not this one is a fall to zero: it stays.
    for key in baseline_of.keys() {
        found.entry(key.clone()).or_insert_with(|| GroupCount {
            key: key.clone(),
            participants: 0,
            enrolments: 0,
        });
    }
    let mut rows: Vec<(Label, ParticipationRow)> = found
        .into_values()
        .map(|group| {
            let label = label_of(&names, group.key.as_deref());
            let base = if request.by == Breakdown::Year {
                baseline_participants
            } else {
                baseline_of.get(&group.key).copied().unwrap_or(0)
            };
            let target = target_for(base, request.target_pct);
            let (audience, reached) = match (&audiences, &group.key) {
                (Some((audiences, reached)), Some(programme)) => match audiences.get(programme) {
                    Some(audience) => (
                        Some(*audience),
                        Some(reached.get(programme).copied().unwrap_or(0)),
                    ),
                    None => (None, None),
                },
                _ => (None, None),
            };
            let row = ParticipationRow {
                key: group.key,
                label_en: label.en.clone(),
                label_cy: label.cy.clone(),
                participants: group.participants,
                enrolments: group.enrolments,
                baseline_participants: base,
                change_pct: change_pct(group.participants, base),
                target_participants: target,
                target_met: base > 0 && group.participants >= target,
                target_audience: audience,
                audience_reached: reached,
                audience_reached_pct: match (reached, audience) {
                    (Some(r), Some(a)) => percent(r, a),
                    _ => None,
                },
            };
            (label, row)
        })
        .collect();
    rows.sort_by(|(a, _), (b, _)| a.order.cmp(&b.order).then_with(|| a.en.cmp(&b.en)));
    let target_participants = target_for(baseline_participants, request.target_pct);
    Ok(Participation {
        by: request.by,
        year: request.year,
        year_label: academic_year_label(request.year),
        baseline_year: request.baseline_year,
        baseline_year_label: academic_year_label(request.baseline_year),
        programme_id: request.programme_id.clone(),
        authority_id: request.authority_id.clone(),
        participants,
        enrolments,
        baseline_participants,
        baseline_enrolments,
        change_pct: change_pct(participants, baseline_participants),
        target_pct: request.target_pct,
        target_participants,
        target_met: baseline_participants > 0 && participants >= target_participants,
        rows: rows.into_iter().map(|(_, row)| row).collect(),
    })
}

impl Participation {
    /// The same report with the totals of the whole request put in: a breakdown counted with
    /// `report_with` and dummy totals, beside the report by year that counted the real ones.
    pub fn with_totals(self, totals: YearTotals) -> Self {
        let target_participants = target_for(totals.baseline_participants, self.target_pct);
        Self {
            participants: totals.participants,
            enrolments: totals.enrolments,
            baseline_participants: totals.baseline_participants,
            baseline_enrolments: totals.baseline_enrolments,
            change_pct: change_pct(totals.participants, totals.baseline_participants),
            target_participants,
            target_met: totals.baseline_participants > 0
                && totals.participants >= target_participants,
            ..self
        }
    }
}

/// `part` of `whole` in percent to one decimal, as the evaluation figures are; none of nothing.
pub fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// The change from `baseline` to `now` in percent to one decimal; none without a baseline.
pub fn change_pct(now: i64, baseline: i64) -> Option<f64> {
    percent(now - baseline, baseline)
}

/// The figure that meets a growth of `target_pct` over `baseline`: a part of a person rounds up.
pub fn target_for(baseline: i64, target_pct: i32) -> i64 {
    let scaled = baseline * (100 + i64::from(target_pct));
    (scaled + 99).div_euclid(100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_target_is_the_baseline_grown_by_the_target_share_rounded_up() {
        assert_eq!(target_for(10, 50), 15);
        assert_eq!(target_for(7, 50), 11);
        assert_eq!(target_for(0, 50), 0);
        assert_eq!(target_for(20, 0), 20);
    }

    #[test]
    fn change_and_shares_are_to_one_decimal_and_none_without_a_base() {
        assert_eq!(change_pct(15, 10), Some(50.0));
        assert_eq!(change_pct(2, 3), Some(-33.3));
        assert_eq!(change_pct(4, 0), None);
        assert_eq!(percent(1, 3), Some(33.3));
    }

    #[test]
    fn breakdowns_parse_their_own_names_only() {
        for by in Breakdown::ALL {
            assert_eq!(Breakdown::parse(by.as_str()), Some(by));
        }
        assert_eq!(Breakdown::parse("authority"), None);
        assert_eq!(
            Breakdown::LocalAuthority.label_key(),
            "report-by-local-authority"
        );
    }
}
