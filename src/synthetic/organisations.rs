//! The consortium, its local authorities and their schools, and the programme providers.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;

use super::insert::insert_rows;
use super::{Context, pick_weighted};
use crate::db::DbConnection;
use crate::db::schema::{consortia, local_authorities, providers, schools};
use crate::seed::data::{CONSORTIUM, LOCAL_AUTHORITIES, PROVIDERS};

/// People per school, roughly: a consortium of 50,000 staff has about 1,500 schools.
const PEOPLE_PER_SCHOOL: usize = 33;

/// Cardiff and Rhondda Cynon Taf have the most schools, Merthyr Tydfil the fewest (the order of
/// `LOCAL_AUTHORITIES`: Bridgend, Cardiff, Merthyr Tydfil, Rhondda Cynon Taf, Vale of Glamorgan).
const AUTHORITY_WEIGHTS: [u32; 5] = [18, 30, 8, 32, 12];
const SECTOR_WEIGHTS: [(&str, &str, &str, u32); 5] = [
    ("primary", "Primary School", "Ysgol Gynradd", 75),
    ("secondary", "High School", "Ysgol Uwchradd", 14),
    ("all_age", "All-age School", "Ysgol Pob Oed", 3),
    ("special", "Special School", "Ysgol Arbennig", 5),
    ("pru", "Pupil Referral Unit", "Uned Cyfeirio Disgyblion", 3),
];
const LANGUAGE_WEIGHTS: [(&str, u32); 4] = [
    ("english", 68),
    ("welsh", 22),
    ("bilingual", 7),
    ("dual", 3),
];
const CATEGORY_WEIGHTS: [(&str, u32); 4] =
    [("green", 40), ("yellow", 35), ("amber", 18), ("red", 7)];
const PLACES: [&str; 32] = [
    "Aberdâr",
    "Abercynon",
    "Barri",
    "Betws",
    "Bryncae",
    "Cefn Coed",
    "Coety",
    "Cwmbach",
    "Dinas",
    "Dowlais",
    "Glyncoch",
    "Gwaelod",
    "Hirwaun",
    "Llanilltud",
    "Llantrisant",
    "Maesteg",
    "Merthyr Vale",
    "Nant-y-moel",
    "Pencoed",
    "Penarth",
    "Penrhys",
    "Pentre",
    "Pontypridd",
    "Porth",
    "Radur",
    "Rhiwbeina",
    "Sain Tathan",
    "Tonypandy",
    "Treforest",
    "Treherbert",
    "Trelái",
    "Ynyshir",
];

pub struct Places {
    pub authorities: Vec<String>,
    pub schools: Vec<School>,
}

pub struct School {
    pub id: String,
    pub language_medium: &'static str,
}

pub fn insert_places(
    conn: &mut DbConnection,
    cx: &mut Context<'_>,
    people: usize,
) -> anyhow::Result<Places> {
    let consortium_id = match consortia::table
        .filter(consortia::code.eq(CONSORTIUM.code))
        .select(consortia::id)
        .first::<String>(conn)
        .optional()?
    {
        Some(id) => id,
        None => {
            let id = cx.ids.next_text();
            diesel::insert_into(consortia::table)
                .values((
                    consortia::id.eq(&id),
                    consortia::code.eq(CONSORTIUM.code),
                    consortia::name_en.eq(CONSORTIUM.name_en),
                    consortia::name_cy.eq(CONSORTIUM.name_cy),
                    consortia::created_at.eq(cx.now),
                ))
                .execute(conn)?;
            id
        }
    };
    let mut authorities = Vec::new();
    let mut authority_numbers = Vec::new();
    for authority in LOCAL_AUTHORITIES {
        let found = local_authorities::table
            .filter(local_authorities::code.eq(authority.code))
            .select(local_authorities::id)
            .first::<String>(conn)
            .optional()?;
        let id = match found {
            Some(id) => id,
            None => {
                let id = cx.ids.next_text();
                diesel::insert_into(local_authorities::table)
                    .values((
                        local_authorities::id.eq(&id),
                        local_authorities::consortium_id.eq(&consortium_id),
                        local_authorities::code.eq(authority.code),
                        local_authorities::name_en.eq(authority.name_en),
                        local_authorities::name_cy.eq(authority.name_cy),
                        local_authorities::created_at.eq(cx.now),
                    ))
                    .execute(conn)?;
                id
            }
        };
        authorities.push(id);
        // The school numbers of an authority share its three-digit prefix.
        let prefix = authority
            .schools
            .first()
            .map_or("999", |school| &school.number[..3]);
        authority_numbers.push(prefix);
    }
    (cx.progress)("local_authorities", authorities.len());

    let taken: HashSet<String> = schools::table
        .select(schools::school_number)
        .load::<Option<String>>(conn)?
        .into_iter()
        .flatten()
        .collect();
    let wanted = people
        .div_ceil(PEOPLE_PER_SCHOOL)
        .max(LOCAL_AUTHORITIES.len());
    let mut next_number = vec![1000_u32; authorities.len()];
    let mut rows = Vec::with_capacity(wanted);
    let mut planned = Vec::with_capacity(wanted);
    for n in 0..wanted {
        // Every authority gets a school before the weights decide, so none is empty.
        let authority = if n < authorities.len() {
            n
        } else {
            pick_weighted(&mut cx.rng, &AUTHORITY_WEIGHTS)
        };
        let number = loop {
            let candidate = format!(
                "{}{:04}",
                authority_numbers[authority], next_number[authority]
            );
            next_number[authority] += 1;
            if next_number[authority] > 9999 {
                anyhow::bail!("no school numbers left in an authority: ask for fewer people");
            }
            if !taken.contains(&candidate) {
                break candidate;
            }
        };
        let sector = SECTOR_WEIGHTS[pick_weighted(&mut cx.rng, &SECTOR_WEIGHTS.map(|s| s.3))];
        let language =
            LANGUAGE_WEIGHTS[pick_weighted(&mut cx.rng, &LANGUAGE_WEIGHTS.map(|l| l.1))].0;
        let category =
            CATEGORY_WEIGHTS[pick_weighted(&mut cx.rng, &CATEGORY_WEIGHTS.map(|c| c.1))].0;
        let place = PLACES[n % PLACES.len()];
        // Welsh-medium schools are called by their Welsh name in English too.
        let name_cy = format!("{} {} {}", sector.2, place, n / PLACES.len() + 1);
        let name_en = if language == "welsh" {
            name_cy.clone()
        } else {
            format!("{place} {} {}", sector.1, n / PLACES.len() + 1)
        };
        let id = cx.ids.next_text();
        planned.push(School {
            id: id.clone(),
            language_medium: language,
        });
        rows.push(SchoolRow {
            id,
            local_authority_id: authorities[authority].clone(),
            school_number: Some(number),
            name_en,
            name_cy,
            sector: sector.0,
            language_medium: language,
            support_category: Some(category),
            created_at: cx.now,
            updated_at: cx.now,
        });
    }
    let count = insert_rows!(conn, schools::table, &rows, 10);
    (cx.progress)("schools", count);
    Ok(Places {
        authorities,
        schools: planned,
    })
}

/// The providers of the demo data, by code (created when missing).
pub fn insert_providers(
    conn: &mut DbConnection,
    cx: &mut Context<'_>,
) -> anyhow::Result<HashMap<&'static str, String>> {
    let mut ids = HashMap::new();
    for provider in PROVIDERS {
        let found = providers::table
            .filter(providers::code.eq(provider.code))
            .select(providers::id)
            .first::<String>(conn)
            .optional()?;
        let id = match found {
            Some(id) => id,
            None => {
                let id = cx.ids.next_text();
                diesel::insert_into(providers::table)
                    .values((
                        providers::id.eq(&id),
                        providers::code.eq(provider.code),
                        providers::name_en.eq(provider.name_en),
                        providers::name_cy.eq(provider.name_cy),
                        providers::kind.eq(provider.kind),
                        providers::created_at.eq(cx.now),
                    ))
                    .execute(conn)?;
                id
            }
        };
        ids.insert(provider.code, id);
    }
    Ok(ids)
}

#[derive(Insertable)]
#[diesel(table_name = schools, treat_none_as_default_value = false)]
struct SchoolRow {
    id: String,
    local_authority_id: String,
    school_number: Option<String>,
    name_en: String,
    name_cy: String,
    sector: &'static str,
    language_medium: &'static str,
    support_category: Option<&'static str>,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
}
