//! The succession pipeline of a school, an authority or the region: how many staff stand at
//! each continuum stage, who is on a programme now, and where the next headteachers will come
//! from (people at the Future Head Teacher stage, NPQH candidates and graduates not yet heads,
//! and deputy and assistant heads in post per their career history).
//!
//! Staff are the active people recorded at a school of the area; each figure is one grouped
//! query, or one query of the (few) candidates for headship.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use diesel::dsl::{count_star, sql};
use diesel::prelude::*;
use diesel::sql_types::Bool;
use serde::Serialize;

use super::participation::{Breakdown, boxed, label_of, labels};
use super::scope::ReportScope;
use crate::auth::CurrentUser;
use crate::db::DbConnection;
use crate::db::schema::{career_entries, cohorts, enrolments, people, programmes, schools};
use crate::domain::role::Role;
use crate::error::{AppError, AppResult};

/// The stage whose people are ready for headship.
pub const FUTURE_HEAD_STAGE: &str = "future_headteacher";
/// Stages of people who are heads already.
pub const HEAD_STAGES: [&str; 3] = [
    "new_headteacher",
    "strategic_headteacher",
    "executive_headteacher",
];
pub const NPQH_CODE: &str = "npqh";
/// Career roles from which heads are most often appointed.
pub const DEPUTY_ROLE: &str = "deputy_head";
pub const ASSISTANT_ROLE: &str = "assistant_head";

/// The area a pipeline is for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Area {
    pub authority_id: Option<String>,
    pub school_id: Option<String>,
}

/// The area `user` may see, given what they asked for: consortium admins any, an LA officer
/// their own authority or one of its schools, a headteacher their own school.
pub fn area_for(
    conn: &mut DbConnection,
    user: &CurrentUser,
    authority: Option<&str>,
    school: Option<&str>,
) -> AppResult<Area> {
    let school = school.map(str::trim).filter(|s| !s.is_empty());
    let school_authority = match school {
        Some(id) => Some(
            schools::table
                .find(id)
                .select(schools::local_authority_id)
                .first::<String>(conn)
                .optional()?
                .ok_or_else(|| AppError::field("school", "report-error-school"))?,
        ),
        None => None,
    };
    match ReportScope::of(user) {
        Ok(scope) => {
            let authority = scope.authority(authority.or(school_authority.as_deref()))?;
            if let (Some(asked), Some(of_school)) = (&authority, &school_authority)
                && asked != of_school
            {
                return Err(AppError::field("school", "report-error-school"));
            }
            Ok(Area {
                authority_id: authority,
                school_id: school.map(str::to_owned),
            })
        }
        Err(_) => {
            // A head of several schools (an executive head) sees any one of them, the first
            // unless they ask for another.
            let headed: Vec<&str> = user
                .grants
                .iter()
                .filter(|g| g.role() == Some(Role::Headteacher))
                .filter_map(|g| g.school_id.as_deref())
                .collect();
            let own = match school {
                None => headed.first().copied(),
                Some(asked) => headed.iter().copied().find(|&s| s == asked),
            }
            .map(str::to_owned)
            .ok_or(AppError::Forbidden)?;
            if authority.is_some_and(|a| !a.trim().is_empty()) {
                return Err(AppError::Forbidden);
            }
            let authority_id = schools::table
                .find(&own)
                .select(schools::local_authority_id)
                .first::<String>(conn)
                .optional()?;
            Ok(Area {
                authority_id,
                school_id: Some(own),
            })
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StageCount {
    /// None: no stage recorded.
    pub stage_code: Option<String>,
    pub label_en: String,
    pub label_cy: String,
    pub staff: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProgrammeCount {
    pub programme_id: String,
    pub label_en: String,
    pub label_cy: String,
    pub people: i64,
}

/// Where the next heads come from, in one authority (region) or school (authority, school).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SuccessionRow {
    pub key: String,
    pub label_en: String,
    pub label_cy: String,
    /// At the Future Head Teacher stage.
    pub future_heads: i64,
    /// On NPQH or holding it, not yet a head.
    pub npqh: i64,
    pub deputy_heads: i64,
    pub assistant_heads: i64,
    /// Distinct people in any of the above.
    pub candidates: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Pipeline {
    pub authority_id: Option<String>,
    pub school_id: Option<String>,
    pub as_of: NaiveDate,
    pub staff: i64,
    pub stages: Vec<StageCount>,
    /// Distinct people confirmed in a cohort running today.
    pub on_programme: i64,
    pub programmes: Vec<ProgrammeCount>,
    /// `local_authority` for the region, `school` otherwise.
    pub succession_by: Breakdown,
    pub succession: Vec<SuccessionRow>,
    pub candidates: i64,
}

macro_rules! in_area {
    ($query:expr, $area:expr, $conn:expr) => {{
        let area: &Area = $area;
        let mut query = boxed($query.filter(people::active.eq(true)));
        query = match &*$conn {
            // `|| ''` keeps SQLite, which has no table statistics, off the index of erasure
            // dates: through it, every query would start from all the people rather than from
            // the running cohorts or the candidates. PostgreSQL, which has statistics, would
            // take the disguised test for a rare one and plan as badly the other way.
            DbConnection::Sqlite(_) => {
                query.filter(sql::<Bool>("(people.anonymised_at || '') IS NULL"))
            }
            DbConnection::Postgres(_) => query.filter(people::anonymised_at.is_null()),
        };
        if let Some(authority) = &area.authority_id {
            query = query.filter(schools::local_authority_id.eq(authority.clone()));
        }
        if let Some(school) = &area.school_id {
            query = query.filter(schools::id.eq(school.clone()));
        }
        query
    }};
}

fn staff_by_stage(conn: &mut DbConnection, area: &Area) -> AppResult<Vec<(Option<String>, i64)>> {
    Ok(in_area!(
        people::table
            .inner_join(schools::table)
            .group_by(people::stage_code)
            .select((people::stage_code, count_star())),
        area,
        conn
    )
    .load(conn)?)
}

/// Distinct people confirmed in a cohort running on `today`, in all and per programme: one query
/// of the (programme, person) pairs, counted here, where two grouped queries would each walk
/// the running enrolments.
fn on_programme_now(
    conn: &mut DbConnection,
    area: &Area,
    today: NaiveDate,
) -> AppResult<(i64, Vec<(String, i64)>)> {
    let pairs: Vec<(String, String)> = in_area!(
        enrolments::table
            .inner_join(cohorts::table)
            .inner_join(people::table.on(people::id.eq(enrolments::person_id)))
            .inner_join(schools::table.on(people::school_id.eq(schools::id.nullable())))
            .filter(enrolments::status.eq("confirmed"))
            .filter(cohorts::starts_on.le(today))
            .filter(cohorts::ends_on.ge(today)),
        area,
        conn
    )
    .select((enrolments::programme_id, enrolments::person_id))
    .distinct()
    .load(conn)?;
    let people: BTreeSet<&str> = pairs.iter().map(|(_, person)| person.as_str()).collect();
    let mut by_programme: BTreeMap<String, i64> = BTreeMap::new();
    for (programme, _) in &pairs {
        *by_programme.entry(programme.clone()).or_default() += 1;
    }
    Ok((
        i64::try_from(people.len()).unwrap_or(i64::MAX),
        by_programme.into_iter().collect(),
    ))
}

/// (authority, school, person) of each kind of candidate.
type Candidates = Vec<(String, String, String)>;

fn future_heads(conn: &mut DbConnection, area: &Area) -> AppResult<Candidates> {
    Ok(
        in_area!(people::table.inner_join(schools::table), area, conn)
            .filter(people::stage_code.eq(FUTURE_HEAD_STAGE))
            .select((schools::local_authority_id, schools::id, people::id))
            .load(conn)?,
    )
}

fn npqh(conn: &mut DbConnection, area: &Area) -> AppResult<Candidates> {
    Ok(in_area!(
        enrolments::table
            .inner_join(programmes::table.on(programmes::id.eq(enrolments::programme_id)))
            .inner_join(people::table.on(people::id.eq(enrolments::person_id)))
            .inner_join(schools::table.on(people::school_id.eq(schools::id.nullable())))
            .filter(programmes::code.eq(NPQH_CODE))
            .filter(enrolments::status.eq_any(["confirmed", "completed"]))
            .filter(
                people::stage_code
                    .is_null()
                    .or(people::stage_code.ne_all(HEAD_STAGES))
            ),
        area,
        conn
    )
    .select((schools::local_authority_id, schools::id, people::id))
    .load(conn)?)
}

fn in_post(
    conn: &mut DbConnection,
    area: &Area,
    today: NaiveDate,
) -> AppResult<Vec<(String, String, String, String)>> {
    Ok(in_area!(
        career_entries::table
            .inner_join(people::table.on(people::id.eq(career_entries::person_id)))
            .inner_join(schools::table.on(people::school_id.eq(schools::id.nullable())))
            .filter(career_entries::role.eq_any([DEPUTY_ROLE, ASSISTANT_ROLE]))
            .filter(career_entries::started_on.le(today))
            .filter(
                career_entries::ended_on
                    .is_null()
                    .or(career_entries::ended_on.ge(today))
            ),
        area,
        conn
    )
    .select((
        schools::local_authority_id,
        schools::id,
        people::id,
        career_entries::role,
    ))
    .load(conn)?)
}

#[derive(Default)]
struct Succession {
    future_heads: BTreeSet<String>,
    npqh: BTreeSet<String>,
    deputies: BTreeSet<String>,
    assistants: BTreeSet<String>,
}

impl Succession {
    fn candidates(&self) -> BTreeSet<&String> {
        self.future_heads
            .iter()
            .chain(&self.npqh)
            .chain(&self.deputies)
            .chain(&self.assistants)
            .collect()
    }
}

pub fn report(conn: &mut DbConnection, area: &Area, today: NaiveDate) -> AppResult<Pipeline> {
    let stage_rows = staff_by_stage(conn, area)?;
    let stage_keys: Vec<String> = stage_rows.iter().filter_map(|r| r.0.clone()).collect();
    let stage_names = labels(conn, Breakdown::Stage, &stage_keys)?;
    let mut stages: Vec<(i64, StageCount)> = stage_rows
        .into_iter()
        .map(|(code, staff)| {
            let label = label_of(&stage_names, code.as_deref());
            (
                label.order,
                StageCount {
                    stage_code: code,
                    label_en: label.en,
                    label_cy: label.cy,
                    staff,
                },
            )
        })
        .collect();
    stages.sort_by_key(|(order, _)| *order);
    let stages: Vec<StageCount> = stages.into_iter().map(|(_, s)| s).collect();

    let (on_programme, programme_rows) = on_programme_now(conn, area, today)?;
    let programme_keys: Vec<String> = programme_rows.iter().map(|r| r.0.clone()).collect();
    let programme_names = labels(conn, Breakdown::Programme, &programme_keys)?;
    let mut programmes: Vec<ProgrammeCount> = programme_rows
        .into_iter()
        .map(|(id, people)| {
            let label = label_of(&programme_names, Some(&id));
            ProgrammeCount {
                programme_id: id,
                label_en: label.en,
                label_cy: label.cy,
                people,
            }
        })
        .collect();
    programmes.sort_by(|a, b| b.people.cmp(&a.people).then(a.label_en.cmp(&b.label_en)));

    let succession_by = if area.authority_id.is_none() && area.school_id.is_none() {
        Breakdown::LocalAuthority
    } else {
        Breakdown::School
    };
    let key = |authority: String, school: String| match succession_by {
        Breakdown::LocalAuthority => authority,
        _ => school,
    };
    let mut groups: HashMap<String, Succession> = HashMap::new();
    for (authority, school, person) in future_heads(conn, area)? {
        groups
            .entry(key(authority, school))
            .or_default()
            .future_heads
            .insert(person);
    }
    for (authority, school, person) in npqh(conn, area)? {
        groups
            .entry(key(authority, school))
            .or_default()
            .npqh
            .insert(person);
    }
    for (authority, school, person, role) in in_post(conn, area, today)? {
        let group = groups.entry(key(authority, school)).or_default();
        if role == DEPUTY_ROLE {
            group.deputies.insert(person);
        } else {
            group.assistants.insert(person);
        }
    }
    let keys: Vec<String> = groups.keys().cloned().collect();
    let names = labels(conn, succession_by, &keys)?;
    let mut everyone: BTreeSet<String> = BTreeSet::new();
    let mut succession: BTreeMap<(String, String), SuccessionRow> = BTreeMap::new();
    for (key, group) in groups {
        let label = label_of(&names, Some(&key));
        let candidates = group.candidates();
        everyone.extend(candidates.iter().map(|c| (*c).clone()));
        let count = |set: &BTreeSet<String>| i64::try_from(set.len()).unwrap_or(i64::MAX);
        succession.insert(
            (label.en.clone(), key.clone()),
            SuccessionRow {
                candidates: i64::try_from(candidates.len()).unwrap_or(i64::MAX),
                key,
                label_en: label.en,
                label_cy: label.cy,
                future_heads: count(&group.future_heads),
                npqh: count(&group.npqh),
                deputy_heads: count(&group.deputies),
                assistant_heads: count(&group.assistants),
            },
        );
    }
    Ok(Pipeline {
        authority_id: area.authority_id.clone(),
        school_id: area.school_id.clone(),
        as_of: today,
        staff: stages.iter().map(|s| s.staff).sum(),
        stages,
        on_programme,
        programmes,
        succession_by,
        succession: succession.into_values().collect(),
        candidates: i64::try_from(everyone.len()).unwrap_or(i64::MAX),
    })
}
