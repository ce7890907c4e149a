//! The consortium, its local authorities and schools, and the programme providers.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::bad_data;
use super::data::{
    CONSORTIUM, Consortium, LOCAL_AUTHORITIES, LocalAuthority, PROVIDERS, Provider, School,
};
use super::tally::{Count, Tally};
use crate::db::DbConnection;
use crate::db::schema::{consortia, local_authorities, providers, schools};
use crate::error::AppResult;

/// Database ids of the demo data's rows, by the code the tables know them by.
#[derive(Debug)]
pub struct Ids {
    kind: &'static str,
    ids: BTreeMap<&'static str, String>,
}

impl Ids {
    fn new(kind: &'static str) -> Self {
        Self {
            kind,
            ids: BTreeMap::new(),
        }
    }

    pub fn get(&self, code: &str) -> AppResult<&str> {
        self.ids.get(code).map(String::as_str).ok_or_else(|| {
            bad_data(format!(
                "the demo data names an unknown {} '{code}'",
                self.kind
            ))
        })
    }
}

/// The region's authorities (by code) and schools (by school number).
#[derive(Debug)]
pub struct Places {
    pub authorities: Ids,
    pub schools: Ids,
}

pub fn ensure_places(
    conn: &mut DbConnection,
    tally: &mut Tally,
    now: NaiveDateTime,
) -> AppResult<Places> {
    let consortium_id = ensure_consortium(conn, &mut tally.consortia, &CONSORTIUM, now)?;
    let mut places = Places {
        authorities: Ids::new("local authority"),
        schools: Ids::new("school"),
    };
    for authority in LOCAL_AUTHORITIES {
        let authority_id = ensure_authority(
            conn,
            &mut tally.local_authorities,
            &consortium_id,
            authority,
            now,
        )?;
        for school in authority.schools {
            let school_id = ensure_school(conn, &mut tally.schools, &authority_id, school, now)?;
            places.schools.ids.insert(school.number, school_id);
        }
        places.authorities.ids.insert(authority.code, authority_id);
    }
    Ok(places)
}

fn ensure_consortium(
    conn: &mut DbConnection,
    count: &mut Count,
    consortium: &Consortium,
    now: NaiveDateTime,
) -> QueryResult<String> {
    let found = consortia::table
        .filter(consortia::code.eq(consortium.code))
        .select(consortia::id)
        .first(conn)
        .optional()?;
    count.ensure(found, |id| {
        diesel::insert_into(consortia::table)
            .values((
                consortia::id.eq(id),
                consortia::code.eq(consortium.code),
                consortia::name_en.eq(consortium.name_en),
                consortia::name_cy.eq(consortium.name_cy),
                consortia::created_at.eq(now),
            ))
            .execute(conn)
            .map(drop)
    })
}

fn ensure_authority(
    conn: &mut DbConnection,
    count: &mut Count,
    consortium_id: &str,
    authority: &LocalAuthority,
    now: NaiveDateTime,
) -> QueryResult<String> {
    let found = local_authorities::table
        .filter(local_authorities::code.eq(authority.code))
        .select(local_authorities::id)
        .first(conn)
        .optional()?;
    count.ensure(found, |id| {
        diesel::insert_into(local_authorities::table)
            .values((
                local_authorities::id.eq(id),
                local_authorities::consortium_id.eq(consortium_id),
                local_authorities::code.eq(authority.code),
                local_authorities::name_en.eq(authority.name_en),
                local_authorities::name_cy.eq(authority.name_cy),
                local_authorities::created_at.eq(now),
            ))
            .execute(conn)
            .map(drop)
    })
}

fn ensure_school(
    conn: &mut DbConnection,
    count: &mut Count,
    authority_id: &str,
    school: &School,
    now: NaiveDateTime,
) -> QueryResult<String> {
    let found = schools::table
        .filter(schools::school_number.eq(school.number))
        .select(schools::id)
        .first(conn)
        .optional()?;
    count.ensure(found, |id| {
        diesel::insert_into(schools::table)
            .values((
                schools::id.eq(id),
                schools::local_authority_id.eq(authority_id),
                schools::school_number.eq(school.number),
                schools::name_en.eq(school.name_en),
                schools::name_cy.eq(school.name_cy),
                schools::sector.eq(school.sector),
                schools::language_medium.eq(school.language_medium),
                schools::support_category.eq(school.support_category),
                schools::created_at.eq(now),
                schools::updated_at.eq(now),
            ))
            .execute(conn)
            .map(drop)
    })
}

pub fn ensure_providers(
    conn: &mut DbConnection,
    count: &mut Count,
    now: NaiveDateTime,
) -> AppResult<Ids> {
    let mut ids = Ids::new("provider");
    for provider in PROVIDERS {
        ids.ids
            .insert(provider.code, ensure_provider(conn, count, provider, now)?);
    }
    Ok(ids)
}

fn ensure_provider(
    conn: &mut DbConnection,
    count: &mut Count,
    provider: &Provider,
    now: NaiveDateTime,
) -> QueryResult<String> {
    let found = providers::table
        .filter(providers::code.eq(provider.code))
        .select(providers::id)
        .first(conn)
        .optional()?;
    count.ensure(found, |id| {
        diesel::insert_into(providers::table)
            .values((
                providers::id.eq(id),
                providers::code.eq(provider.code),
                providers::name_en.eq(provider.name_en),
                providers::name_cy.eq(provider.name_cy),
                providers::kind.eq(provider.kind),
                providers::created_at.eq(now),
            ))
            .execute(conn)
            .map(drop)
    })
}
