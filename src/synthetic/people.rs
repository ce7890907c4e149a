//! People spread over the schools and the continuum, and their roles.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rand::Rng;

use super::insert::insert_rows;
use super::organisations::Places;
use super::{Context, pick_weighted, random_time};
use crate::db::DbConnection;
use crate::db::schema::{continuum_stages, people, role_grants};
use crate::domain::role::Role;
use crate::profile::WELSH_ABILITIES;
use crate::seed::data::{job_title_for_stage, participant_name};

/// Many more teachers than heads: the share of staff at each stage, in continuum order.
const STAGE_WEIGHTS: [u32; 12] = [3, 6, 14, 14, 10, 12, 9, 12, 6, 4, 6, 4];
/// Heads of school are at one of the last three stages.
const HEAD_STAGES: [(&str, u32); 3] = [
    ("new_headteacher", 30),
    ("strategic_headteacher", 55),
    ("executive_headteacher", 15),
];
const WELSH_ABILITY_WEIGHTS: [u32; 6] = [25, 25, 20, 12, 10, 8];
const SURNAMES: [&str; 30] = [
    "Jones",
    "Williams",
    "Davies",
    "Evans",
    "Thomas",
    "Roberts",
    "Hughes",
    "Lewis",
    "Morgan",
    "Griffiths",
    "Price",
    "Rees",
    "Jenkins",
    "Owen",
    "James",
    "Phillips",
    "Edwards",
    "Powell",
    "Harris",
    "Watkins",
    "Llewelyn",
    "Prydderch",
    "Bowen",
    "Gruffydd",
    "Pugh",
    "Vaughan",
    "Howells",
    "Meredith",
    "Parry",
    "Bevan",
];
const EMAIL_DOMAIN: &str = "ysgolion.example.cymru";
/// Programme leads: one for every two thousand people, between three and forty.
const PEOPLE_PER_LEAD: usize = 2_000;
const OFFICERS_PER_AUTHORITY: usize = 2;

pub struct Stage {
    pub code: String,
    pub position: i32,
    pub name_en: String,
    pub name_cy: String,
}

pub struct Person {
    pub id: String,
    pub school: Option<usize>,
    pub school_id: Option<String>,
    /// Index into `Staff::stages`.
    pub stage: usize,
}

pub struct Staff {
    pub stages: Vec<Stage>,
    pub people: Vec<Person>,
    /// The head of each school (an index into `people`).
    pub heads: Vec<usize>,
    pub leads: Vec<usize>,
}

pub fn load_stages(conn: &mut DbConnection) -> QueryResult<Vec<Stage>> {
    let rows: Vec<(String, i32, String, String)> = continuum_stages::table
        .order(continuum_stages::position)
        .select((
            continuum_stages::code,
            continuum_stages::position,
            continuum_stages::name_en,
            continuum_stages::name_cy,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(code, position, name_en, name_cy)| Stage {
            code,
            position,
            name_en,
            name_cy,
        })
        .collect())
}

pub fn insert_people(
    conn: &mut DbConnection,
    cx: &mut Context<'_>,
    places: &Places,
    count: usize,
    first_year: i32,
) -> anyhow::Result<Staff> {
    let stages = load_stages(conn)?;
    if stages.is_empty() {
        anyhow::bail!("the continuum stages are missing: the migrations did not run");
    }
    let weights: Vec<u32> = (0..stages.len())
        .map(|i| STAGE_WEIGHTS.get(i).copied().unwrap_or(5))
        .collect();
    let stage_index = |code: &str| stages.iter().position(|s| s.code == code);
    let schools = places.schools.len();
    let joined_from = date(first_year - 3, 9, 1);
    let joined_until = date(first_year, 8, 31);
    let seen_from = cx.today - Duration::days(730);

    let mut planned = Vec::with_capacity(count);
    let mut heads = Vec::with_capacity(schools);
    let mut rows = Vec::with_capacity(count);
    for n in 0..count {
        // The first person of each school is its head; the rest go anywhere, and a few work
        // for no school (supply teachers, consortium staff).
        let school = if n < schools {
            Some(n)
        } else if cx.rng.random_bool(0.02) {
            None
        } else {
            Some(cx.rng.random_range(0..schools))
        };
        let stage = if n < schools {
            heads.push(n);
            let code = HEAD_STAGES[pick_weighted(&mut cx.rng, &HEAD_STAGES.map(|h| h.1))].0;
            stage_index(code).unwrap_or(stages.len() - 1)
        } else {
            pick_weighted(&mut cx.rng, &weights)
        };
        let number = cx.offset + n + 1;
        let first = participant_name(cx.rng.random_range(0..24));
        let first = first.split(' ').next().unwrap_or("Ceri").to_owned();
        let surname = SURNAMES[cx.rng.random_range(0..SURNAMES.len())];
        let email = format!(
            "{}.{}.{number}@{EMAIL_DOMAIN}",
            ascii_lower(&first),
            ascii_lower(surname)
        );
        let welsh_school = school.is_some_and(|s| places.schools[s].language_medium == "welsh");
        let language = if cx.rng.random_bool(if welsh_school { 0.7 } else { 0.1 }) {
            "cy"
        } else {
            "en"
        };
        let created_at = random_time(&mut cx.rng, joined_from, joined_until);
        let last_seen_at = cx
            .rng
            .random_bool(0.6)
            .then(|| random_time(&mut cx.rng, seen_from, cx.today).min(cx.now));
        let id = cx.ids.next_text();
        planned.push(Person {
            id: id.clone(),
            school,
            school_id: school.map(|s| places.schools[s].id.clone()),
            stage,
        });
        rows.push(PersonRow {
            id,
            email,
            name: format!("{first} {surname}"),
            password_hash: None,
            preferred_language: language,
            school_id: school.map(|s| places.schools[s].id.clone()),
            stage_code: stages[stage].code.clone(),
            job_title: job_title_for_stage(Some(&stages[stage].code)),
            welsh_ability: WELSH_ABILITIES[pick_weighted(&mut cx.rng, &WELSH_ABILITY_WEIGHTS)],
            active: true,
            created_at,
            updated_at: created_at,
            credentials_changed_at: created_at,
            last_seen_at,
        });
    }
    let inserted = insert_rows!(conn, people::table, &rows, 14);
    (cx.progress)("people", inserted);
    drop(rows);

    let lead_count = (count / PEOPLE_PER_LEAD).clamp(3, 40).min(count);
    let leads: Vec<usize> = (0..lead_count)
        .map(|_| cx.rng.random_range(0..count))
        .collect();
    let mut grants = Vec::with_capacity(count + schools + 100);
    let granted_at = cx.now;
    for person in &planned {
        grants.push(grant(
            cx,
            &person.id,
            Role::Participant,
            None,
            None,
            granted_at,
        ));
    }
    for &head in &heads {
        let person = &planned[head];
        let school = person.school.map(|s| places.schools[s].id.clone());
        grants.push(grant(
            cx,
            &person.id,
            Role::Headteacher,
            school,
            None,
            granted_at,
        ));
    }
    for authority in &places.authorities {
        for _ in 0..OFFICERS_PER_AUTHORITY {
            let person = &planned[cx.rng.random_range(0..count)];
            grants.push(grant(
                cx,
                &person.id,
                Role::LaOfficer,
                None,
                Some(authority.clone()),
                granted_at,
            ));
        }
    }
    let mut lead_ids: Vec<&str> = leads.iter().map(|&l| planned[l].id.as_str()).collect();
    lead_ids.sort_unstable();
    lead_ids.dedup();
    for id in lead_ids {
        grants.push(grant(cx, id, Role::ProgrammeLead, None, None, granted_at));
    }
    let granted = insert_rows!(conn, role_grants::table, &grants, 8);
    (cx.progress)("role_grants", granted);
    Ok(Staff {
        stages,
        people: planned,
        heads,
        leads,
    })
}

fn grant(
    cx: &mut Context<'_>,
    person_id: &str,
    role: Role,
    school_id: Option<String>,
    local_authority_id: Option<String>,
    granted_at: NaiveDateTime,
) -> GrantRow {
    GrantRow {
        id: cx.ids.next_text(),
        person_id: person_id.to_owned(),
        role: role.as_str(),
        school_id,
        local_authority_id,
        programme_id: None,
        granted_by: None,
        granted_at,
    }
}

/// An email address wants plain letters: "Siân" becomes "sian".
fn ascii_lower(name: &str) -> String {
    name.chars()
        .filter_map(|c| match c {
            'â' | 'á' | 'à' | 'ä' => Some('a'),
            'ê' | 'é' | 'è' | 'ë' => Some('e'),
            'î' | 'í' | 'ï' => Some('i'),
            'ô' | 'ó' | 'ö' => Some('o'),
            'û' | 'ú' | 'ü' => Some('u'),
            'ŵ' => Some('w'),
            'ŷ' | 'ÿ' => Some('y'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

pub fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
}

#[derive(Insertable)]
#[diesel(table_name = people, treat_none_as_default_value = false)]
struct PersonRow {
    id: String,
    email: String,
    name: String,
    password_hash: Option<String>,
    preferred_language: &'static str,
    school_id: Option<String>,
    stage_code: String,
    job_title: &'static str,
    welsh_ability: &'static str,
    active: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    credentials_changed_at: NaiveDateTime,
    last_seen_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = role_grants, treat_none_as_default_value = false)]
struct GrantRow {
    id: String,
    person_id: String,
    role: &'static str,
    school_id: Option<String>,
    local_authority_id: Option<String>,
    programme_id: Option<String>,
    granted_by: Option<String>,
    granted_at: NaiveDateTime,
}
