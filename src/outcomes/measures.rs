//! Outcome measures: their definitions (kept by consortium admins, audited), their figures per
//! cohort year and the people behind each figure.
//!
//! A report loads the completions of the measures' programmes in one query and the careers of
//! those people in another, then lets `domain::measures` decide; so it costs the same few
//! queries however many years, measures or people there are.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use diesel::prelude::*;

use super::{now, record};
use crate::admin::require_admin;
use crate::auth::CurrentUser;
use crate::db::schema::{
    career_entries, cohorts, enrolments, local_authorities, measure_programmes, measures, people,
    programmes, schools,
};
use crate::db::{self, DbConnection};
use crate::domain::FieldError;
use crate::domain::academic_year::academic_year_label;
use crate::domain::career::CareerStep;
use crate::domain::language::Language;
use crate::domain::measures::{
    self as rules, Assessment, Outcome, Standing, StartEvent, first_events,
};
use crate::domain::organisation::{keep, parse_code, parse_name};
use crate::error::{AppError, AppResult};
use crate::i18n::t;
use crate::reports::{Cell, Table};

#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct MeasureView {
    pub id: String,
    pub code: String,
    pub name_en: String,
    pub name_cy: String,
    /// completion or qualification_award: what completing the programmes means; the clock starts
    /// on the day of completion either way.
    pub start_event: String,
    /// promoted or appointed_head.
    pub outcome: String,
    pub window_months: i32,
    pub target_pct: i32,
    pub active: bool,
    /// The programmes whose completion starts the clock, by code.
    pub programme_codes: Vec<String>,
}

type MeasureRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    i32,
    i32,
    bool,
);

/// Every measure (or only the active ones), in the order they were defined.
pub fn definitions(conn: &mut DbConnection, only_active: bool) -> QueryResult<Vec<MeasureView>> {
    let mut query = measures::table
        .order((measures::created_at.asc(), measures::code.asc()))
        .select((
            measures::id,
            measures::code,
            measures::name_en,
            measures::name_cy,
            measures::start_event,
            measures::outcome,
            measures::window_months,
            measures::target_pct,
            measures::active,
        ))
        .into_boxed();
    if only_active {
        query = query.filter(measures::active.eq(true));
    }
    let rows: Vec<MeasureRow> = query.load(conn)?;
    let mut codes: HashMap<String, Vec<String>> = HashMap::new();
    for (measure, code) in measure_programmes::table
        .order(measure_programmes::programme_code.asc())
        .select((
            measure_programmes::measure_id,
            measure_programmes::programme_code,
        ))
        .load::<(String, String)>(conn)?
    {
        codes.entry(measure).or_default().push(code);
    }
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                code,
                name_en,
                name_cy,
                start_event,
                outcome,
                window_months,
                target_pct,
                active,
            )| {
                MeasureView {
                    programme_codes: codes.remove(&id).unwrap_or_default(),
                    id,
                    code,
                    name_en,
                    name_cy,
                    start_event,
                    outcome,
                    window_months,
                    target_pct,
                    active,
                }
            },
        )
        .collect())
}

/// One cohort year of a measure.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct YearFigures {
    /// The academic year of the people's first completion, by the calendar year it starts.
    pub cohort_year: i32,
    /// "2021/22".
    pub label: String,
    /// People whose window has closed and who reached the outcome in it.
    pub numerator: i64,
    /// People whose window has closed.
    pub denominator: i64,
    /// To one decimal; none when the denominator is 0.
    pub pct: Option<f64>,
    pub target_pct: i32,
    /// People still inside their window: in neither the numerator nor the denominator yet.
    pub in_window: i64,
    /// Whether the percentage reaches the target; none without a percentage.
    pub met_target: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct MeasureFigures {
    pub measure: MeasureView,
    pub as_of: NaiveDate,
    /// Earliest cohort year first; only years with someone in them.
    pub years: Vec<YearFigures>,
}

/// Completions of the measures' programmes: (programme code, person, completion day). The day
/// is the end of the cohort completed.
fn completions(
    conn: &mut DbConnection,
    programme_ids: &HashMap<String, String>,
    authority: Option<&str>,
) -> QueryResult<Vec<(String, String, NaiveDate)>> {
    let ids: Vec<&String> = programme_ids.keys().collect();
    let mut query = enrolments::table
        .inner_join(cohorts::table)
        .filter(enrolments::programme_id.eq_any(ids))
        .filter(enrolments::status.eq("completed"))
        .select((
            enrolments::programme_id,
            enrolments::person_id,
            cohorts::ends_on,
        ))
        .into_boxed();
    if let Some(authority) = authority {
        query = query.filter(
            enrolments::person_id.eq_any(
                people::table
                    .inner_join(schools::table.on(people::school_id.eq(schools::id.nullable())))
                    .filter(schools::local_authority_id.eq(authority.to_owned()))
                    .select(people::id),
            ),
        );
    }
    Ok(query
        .load::<(String, String, NaiveDate)>(conn)?
        .into_iter()
        .filter_map(|(programme, person, day)| {
            programme_ids
                .get(&programme)
                .map(|code| (code.clone(), person, day))
        })
        .collect())
}

/// Programme ids by code, for the given codes.
fn programme_ids(
    conn: &mut DbConnection,
    codes: &[String],
) -> QueryResult<HashMap<String, String>> {
    Ok(programmes::table
        .filter(programmes::code.eq_any(codes))
        .select((programmes::id, programmes::code))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

/// The careers of everyone who completed one of the programmes, by person.
fn careers(
    conn: &mut DbConnection,
    programme_ids: &HashMap<String, String>,
) -> QueryResult<HashMap<String, Vec<CareerStep>>> {
    let ids: Vec<String> = programme_ids.keys().cloned().collect();
    let completers = enrolments::table
        .filter(enrolments::programme_id.eq_any(ids))
        .filter(enrolments::status.eq("completed"))
        .select(enrolments::person_id);
    let rows: Vec<(String, String, NaiveDate, Option<NaiveDate>)> = career_entries::table
        .filter(career_entries::person_id.eq_any(completers))
        .select((
            career_entries::person_id,
            career_entries::role,
            career_entries::started_on,
            career_entries::ended_on,
        ))
        .load(conn)?;
    let mut by_person: HashMap<String, Vec<CareerStep>> = HashMap::new();
    for (person, role, started_on, ended_on) in rows {
        by_person.entry(person).or_default().push(CareerStep {
            role,
            started_on,
            ended_on,
        });
    }
    Ok(by_person)
}

/// Each person's assessment against `measure`, from everyone's completions and careers.
fn assess_all(
    measure: &MeasureView,
    completions: &[(String, String, NaiveDate)],
    careers: &HashMap<String, Vec<CareerStep>>,
    as_of: NaiveDate,
) -> BTreeMap<String, Assessment> {
    let Some(outcome) = Outcome::parse(&measure.outcome) else {
        return BTreeMap::new();
    };
    let months = u32::try_from(measure.window_months).unwrap_or_default();
    let firsts = first_events(
        completions
            .iter()
            .filter(|(code, _, _)| measure.programme_codes.contains(code))
            .map(|(_, person, day)| (person.as_str(), *day)),
    );
    firsts
        .into_iter()
        .filter_map(|(person, event)| {
            let career = careers.get(person).map(Vec::as_slice).unwrap_or_default();
            rules::assess(outcome, months, event, career, as_of)
                .map(|assessment| (person.to_owned(), assessment))
        })
        .collect()
}

fn year_figures(
    measure: &MeasureView,
    assessed: &BTreeMap<String, Assessment>,
) -> Vec<YearFigures> {
    rules::by_cohort_year(assessed.values())
        .into_iter()
        .map(|(year, tally)| {
            let pct = tally.pct();
            YearFigures {
                cohort_year: year,
                label: academic_year_label(year),
                numerator: tally.numerator(),
                denominator: tally.denominator(),
                pct,
                target_pct: measure.target_pct,
                in_window: tally.in_window,
                met_target: tally.meets(measure.target_pct),
            }
        })
        .collect()
}

/// Every active measure's figures per cohort year on `as_of`, for the people of `authority`'s
/// schools (or the whole region).
pub fn figures(
    conn: &mut DbConnection,
    authority: Option<&str>,
    as_of: NaiveDate,
) -> QueryResult<Vec<MeasureFigures>> {
    let measures = definitions(conn, true)?;
    let mut codes: Vec<String> = measures
        .iter()
        .flat_map(|m| m.programme_codes.iter().cloned())
        .collect();
    codes.sort();
    codes.dedup();
    let ids = programme_ids(conn, &codes)?;
    let (done, careers) = if ids.is_empty() {
        (Vec::new(), HashMap::new())
    } else {
        (completions(conn, &ids, authority)?, careers(conn, &ids)?)
    };
    Ok(measures
        .into_iter()
        .map(|measure| {
            let assessed = assess_all(&measure, &done, &careers, as_of);
            MeasureFigures {
                years: year_figures(&measure, &assessed),
                measure,
                as_of,
            }
        })
        .collect())
}

/// A person behind a figure.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct MeasurePerson {
    pub person_id: String,
    pub name: String,
    pub school_en: Option<String>,
    pub school_cy: Option<String>,
    pub authority_en: Option<String>,
    pub authority_cy: Option<String>,
    /// The first completion: the day the clock started.
    pub event_on: NaiveDate,
    pub window_closes_on: NaiveDate,
    /// The start of the career step that met the outcome, if any (also for people in window).
    pub outcome_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct MeasurePeople {
    pub measure: MeasureView,
    pub cohort_year: i32,
    pub label: String,
    /// achieved, not_achieved, in_window or closed (the first two together).
    pub group: String,
    pub as_of: NaiveDate,
    /// By name.
    pub people: Vec<MeasurePerson>,
}

/// The drill-down group of everyone whose window has closed: the denominator.
pub const CLOSED: &str = "closed";

/// Parses a drill-down group: a standing, or `closed` (given as `None`).
pub fn parse_group(value: &str) -> Option<Option<Standing>> {
    if value.trim() == CLOSED {
        Some(None)
    } else {
        Standing::parse(value).map(Some)
    }
}

type PersonDetails = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The people counted in one group of one cohort year of the measure `code` (`None`: everyone
/// whose window has closed, the denominator); not found for an unknown measure.
pub fn people(
    conn: &mut DbConnection,
    code: &str,
    cohort_year: i32,
    group: Option<Standing>,
    authority: Option<&str>,
    as_of: NaiveDate,
) -> AppResult<MeasurePeople> {
    let measure = definitions(conn, false)?
        .into_iter()
        .find(|m| m.code == code)
        .ok_or(AppError::NotFound)?;
    let ids = programme_ids(conn, &measure.programme_codes)?;
    let (done, careers) = if ids.is_empty() {
        (Vec::new(), HashMap::new())
    } else {
        (completions(conn, &ids, authority)?, careers(conn, &ids)?)
    };
    let chosen: Vec<(String, Assessment)> = assess_all(&measure, &done, &careers, as_of)
        .into_iter()
        .filter(|(_, a)| a.cohort_year == cohort_year)
        .filter(|(_, a)| match group {
            Some(group) => a.standing == group,
            None => a.standing != Standing::InWindow,
        })
        .collect();
    let details = person_details(conn, &ids, authority)?;
    let mut people: Vec<MeasurePerson> = chosen
        .into_iter()
        .map(|(person_id, assessment)| {
            let (name, school_en, school_cy, authority_en, authority_cy) =
                details.get(&person_id).cloned().unwrap_or_default();
            MeasurePerson {
                person_id,
                name,
                school_en,
                school_cy,
                authority_en,
                authority_cy,
                event_on: assessment.event_on,
                window_closes_on: assessment.window_closes_on,
                outcome_on: assessment.outcome_on,
            }
        })
        .collect();
    people.sort_by(|a, b| a.name.cmp(&b.name).then(a.person_id.cmp(&b.person_id)));
    Ok(MeasurePeople {
        measure,
        cohort_year,
        label: academic_year_label(cohort_year),
        group: group.map_or(CLOSED, Standing::as_str).to_owned(),
        as_of,
        people,
    })
}

/// Name, school and authority of everyone who completed one of the programmes, in one query.
fn person_details(
    conn: &mut DbConnection,
    programme_ids: &HashMap<String, String>,
    authority: Option<&str>,
) -> QueryResult<HashMap<String, PersonDetails>> {
    let ids: Vec<String> = programme_ids.keys().cloned().collect();
    let completers = enrolments::table
        .filter(enrolments::programme_id.eq_any(ids))
        .filter(enrolments::status.eq("completed"))
        .select(enrolments::person_id);
    let mut query = people::table
        .left_join(schools::table.on(people::school_id.eq(schools::id.nullable())))
        .left_join(
            local_authorities::table.on(schools::local_authority_id.eq(local_authorities::id)),
        )
        .filter(people::id.eq_any(completers))
        .select((
            people::id,
            people::name,
            schools::name_en.nullable(),
            schools::name_cy.nullable(),
            local_authorities::name_en.nullable(),
            local_authorities::name_cy.nullable(),
        ))
        .into_boxed();
    if let Some(authority) = authority {
        query = query.filter(local_authorities::id.nullable().eq(authority.to_owned()));
    }
    Ok(query
        .load::<(
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        )>(conn)?
        .into_iter()
        .map(|(id, name, se, sc, ae, ac)| (id, (name, se, sc, ae, ac)))
        .collect())
}

/// Every measure's figures as one table: a row per measure and cohort year.
pub fn figures_table(figures: &[MeasureFigures], language: Language) -> Table {
    let mut table = Table::new(
        t(language, "measures-title"),
        [
            "measures-col-measure",
            "measures-col-year",
            "measures-col-numerator",
            "measures-col-denominator",
            "measures-col-pct",
            "measures-col-target",
            "measures-col-in-window",
        ]
        .iter()
        .map(|key| t(language, key))
        .collect(),
    );
    for figure in figures {
        let name = language.pick(&figure.measure.name_en, &figure.measure.name_cy);
        for year in &figure.years {
            table.rows.push(vec![
                Cell::text(name),
                Cell::text(&year.label),
                Cell::Count(year.numerator),
                Cell::Count(year.denominator),
                Cell::Percent(year.pct),
                Cell::Count(i64::from(year.target_pct)),
                Cell::Count(year.in_window),
            ]);
        }
    }
    table
}

/// The people behind one figure as a table.
pub fn people_table(found: &MeasurePeople, language: Language) -> Table {
    let title = format!(
        "{} {}",
        language.pick(&found.measure.name_en, &found.measure.name_cy),
        found.label
    );
    let mut table = Table::new(
        title,
        [
            "field-name",
            "measures-col-school",
            "measures-col-authority",
            "measures-col-event",
            "measures-col-closes",
            "measures-col-outcome-on",
        ]
        .iter()
        .map(|key| t(language, key))
        .collect(),
    );
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_else(|| "-".into());
    for person in &found.people {
        let pick = |en: &Option<String>, cy: &Option<String>| match (en, cy) {
            (Some(en), Some(cy)) => language.pick(en, cy).to_owned(),
            _ => "-".into(),
        };
        table.rows.push(vec![
            Cell::text(&person.name),
            Cell::text(pick(&person.school_en, &person.school_cy)),
            Cell::text(pick(&person.authority_en, &person.authority_cy)),
            Cell::text(person.event_on.to_string()),
            Cell::text(person.window_closes_on.to_string()),
            Cell::text(date(person.outcome_on)),
        ]);
    }
    table
}

/// A new measure, or the new definition of one.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct MeasureRequest {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub name_cy: String,
    /// completion or qualification_award.
    #[serde(default)]
    pub start_event: String,
    /// promoted or appointed_head.
    #[serde(default)]
    pub outcome: String,
    /// 1 to 120.
    #[serde(default)]
    pub window_months: Option<i64>,
    /// 0 to 100.
    #[serde(default)]
    pub target_pct: Option<i64>,
    /// Active unless false.
    #[serde(default)]
    pub active: Option<bool>,
    /// Codes of existing programmes; at least one.
    #[serde(default)]
    pub programme_codes: Vec<String>,
}

fn check(conn: &mut DbConnection, request: &MeasureRequest) -> AppResult<MeasureView> {
    let mut errors = Vec::new();
    let code = keep(&mut errors, parse_code("code", &request.code));
    let name_en = keep(&mut errors, parse_name("name_en", &request.name_en));
    let name_cy = keep(&mut errors, parse_name("name_cy", &request.name_cy));
    let start_event = StartEvent::parse(&request.start_event);
    if start_event.is_none() {
        errors.push(FieldError::new("start_event", "measures-error-start-event"));
    }
    let outcome = Outcome::parse(&request.outcome);
    if outcome.is_none() {
        errors.push(FieldError::new("outcome", "measures-error-outcome"));
    }
    let window = request
        .window_months
        .filter(|m| (1..=120).contains(m))
        .and_then(|m| i32::try_from(m).ok());
    if window.is_none() {
        errors.push(FieldError::new("window_months", "measures-error-window"));
    }
    let target = request
        .target_pct
        .filter(|p| (0..=100).contains(p))
        .and_then(|p| i32::try_from(p).ok());
    if target.is_none() {
        errors.push(FieldError::new("target_pct", "measures-error-target"));
    }
    let mut codes: Vec<String> = request
        .programme_codes
        .iter()
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .collect();
    codes.sort();
    codes.dedup();
    if codes.is_empty() {
        errors.push(FieldError::new(
            "programme_codes",
            "measures-error-programmes",
        ));
    } else {
        let known = programme_ids(conn, &codes)?.len();
        if known != codes.len() {
            errors.push(FieldError::new(
                "programme_codes",
                "measures-error-programme-unknown",
            ));
        }
    }
    match (code, name_en, name_cy, start_event, outcome, window, target) {
        (
            Some(code),
            Some(name_en),
            Some(name_cy),
            Some(start_event),
            Some(outcome),
            Some(window_months),
            Some(target_pct),
        ) if errors.is_empty() => Ok(MeasureView {
            id: String::new(),
            code,
            name_en,
            name_cy,
            start_event: start_event.as_str().to_owned(),
            outcome: outcome.as_str().to_owned(),
            window_months,
            target_pct,
            active: request.active.unwrap_or(true),
            programme_codes: codes,
        }),
        _ => Err(AppError::Validation(errors)),
    }
}

fn code_taken(error: diesel::result::Error) -> AppError {
    match error {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ) => AppError::field("code", "measures-error-code-taken"),
        other => other.into(),
    }
}

fn as_json(view: &MeasureView) -> serde_json::Value {
    serde_json::json!({
        "code": view.code,
        "name_en": view.name_en,
        "name_cy": view.name_cy,
        "start_event": view.start_event,
        "outcome": view.outcome,
        "window_months": view.window_months,
        "target_pct": view.target_pct,
        "active": view.active,
        "programme_codes": view.programme_codes,
    })
}

fn link_programmes(conn: &mut DbConnection, view: &MeasureView) -> QueryResult<()> {
    diesel::delete(measure_programmes::table.filter(measure_programmes::measure_id.eq(&view.id)))
        .execute(conn)?;
    for code in &view.programme_codes {
        diesel::insert_into(measure_programmes::table)
            .values((
                measure_programmes::measure_id.eq(&view.id),
                measure_programmes::programme_code.eq(code),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Every measure, for a consortium admin.
pub fn list(conn: &mut DbConnection, admin: &CurrentUser) -> AppResult<Vec<MeasureView>> {
    require_admin(admin)?;
    Ok(definitions(conn, false)?)
}

pub fn create(
    conn: &mut DbConnection,
    admin: &CurrentUser,
    request: &MeasureRequest,
) -> AppResult<MeasureView> {
    require_admin(admin)?;
    let mut view = check(conn, request)?;
    view.id = uuid::Uuid::new_v4().to_string();
    db::transaction::<_, AppError, _>(conn, |conn| {
        let at = now();
        diesel::insert_into(measures::table)
            .values((
                measures::id.eq(&view.id),
                measures::code.eq(&view.code),
                measures::name_en.eq(&view.name_en),
                measures::name_cy.eq(&view.name_cy),
                measures::start_event.eq(&view.start_event),
                measures::outcome.eq(&view.outcome),
                measures::window_months.eq(view.window_months),
                measures::target_pct.eq(view.target_pct),
                measures::active.eq(view.active),
                measures::created_at.eq(at),
                measures::updated_at.eq(at),
            ))
            .execute(conn)
            .map_err(code_taken)?;
        link_programmes(conn, &view)?;
        record(
            conn,
            admin.id(),
            "measure.created",
            ("measure", &view.id),
            None,
            Some(as_json(&view)),
        )
    })?;
    Ok(view)
}

pub fn update(
    conn: &mut DbConnection,
    admin: &CurrentUser,
    id: &str,
    request: &MeasureRequest,
) -> AppResult<MeasureView> {
    require_admin(admin)?;
    let before = definitions(conn, false)?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or(AppError::NotFound)?;
    let mut view = check(conn, request)?;
    view.id = before.id.clone();
    db::transaction::<_, AppError, _>(conn, |conn| {
        diesel::update(measures::table.find(&view.id))
            .set((
                measures::code.eq(&view.code),
                measures::name_en.eq(&view.name_en),
                measures::name_cy.eq(&view.name_cy),
                measures::start_event.eq(&view.start_event),
                measures::outcome.eq(&view.outcome),
                measures::window_months.eq(view.window_months),
                measures::target_pct.eq(view.target_pct),
                measures::active.eq(view.active),
                measures::updated_at.eq(now()),
            ))
            .execute(conn)
            .map_err(code_taken)?;
        link_programmes(conn, &view)?;
        record(
            conn,
            admin.id(),
            "measure.changed",
            ("measure", &view.id),
            Some(as_json(&before)),
            Some(as_json(&view)),
        )
    })?;
    Ok(view)
}
