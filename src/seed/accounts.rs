//! One demo account per role, each able to log in, and the career history of the demo teacher
//! and headteacher.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::PasswordHashes;
use super::bad_data;
use super::calendar::date;
use super::data::{ACCOUNTS, Account, CareerStep, Scope};
use super::organisations::Places;
use super::tally::{Count, Tally};
use crate::auth::accounts::grant;
use crate::db::DbConnection;
use crate::db::audit::{self, AuditEntry};
use crate::db::people::{self, NewPerson, NewRoleGrant};
use crate::db::schema::career_entries;
use crate::domain::role::Role;
use crate::error::AppResult;

/// The demo accounts other demo data refers to.
pub struct DemoAccounts {
    pub programme_lead_id: String,
}

pub fn ensure_accounts(
    conn: &mut DbConnection,
    tally: &mut Tally,
    places: &Places,
    hashes: &PasswordHashes,
    now: NaiveDateTime,
) -> AppResult<DemoAccounts> {
    let mut programme_lead_id = None;
    for account in ACCOUNTS {
        let school_id = account
            .school
            .map(|number| places.schools.get(number))
            .transpose()?;
        let person_id = ensure_account(conn, &mut tally.accounts, account, school_id, hashes, now)?;
        grant_roles(conn, places, account, &person_id, school_id, now)?;
        ensure_career(
            conn,
            &mut tally.career_entries,
            places,
            &person_id,
            account.career,
            now,
        )?;
        if account.role == Role::ProgrammeLead {
            programme_lead_id = Some(person_id);
        }
    }
    let programme_lead_id = programme_lead_id
        .ok_or_else(|| bad_data("the demo accounts have no programme lead".into()))?;
    Ok(DemoAccounts { programme_lead_id })
}

/// The account with the demo email, created if missing. An existing account is left exactly
/// as it is: someone may have changed its password or profile on purpose.
fn ensure_account(
    conn: &mut DbConnection,
    count: &mut Count,
    account: &Account,
    school_id: Option<&str>,
    hashes: &PasswordHashes,
    now: NaiveDateTime,
) -> AppResult<String> {
    let hash = hashes
        .get(account.password)
        .ok_or_else(|| bad_data(format!("no password hash was made for {}", account.email)))?;
    let found = people::find_by_email(conn, account.email)?.map(|person| person.id);
    let id = count.ensure(found, |id| {
        people::insert_person(
            conn,
            &NewPerson {
                id,
                email: account.email,
                name: account.name,
                password_hash: Some(hash),
                preferred_language: account.preferred_language.code(),
                school_id,
                stage_code: account.stage,
                job_title: Some(account.job_title),
                active: true,
                created_at: now,
                updated_at: now,
                credentials_changed_at: now,
            },
        )
    })?;
    Ok(id)
}

/// Everyone takes part in programmes; the account's own role applies where its scope says.
fn grant_roles(
    conn: &mut DbConnection,
    places: &Places,
    account: &Account,
    person_id: &str,
    school_id: Option<&str>,
    now: NaiveDateTime,
) -> AppResult<()> {
    grant(conn, person_id, Role::Participant, None, None, now)?;
    if account.role == Role::Participant {
        return Ok(());
    }
    match account.scope {
        Scope::Everywhere => grant(conn, person_id, account.role, None, None, now),
        Scope::OwnSchool => {
            let school_id = school_id.ok_or_else(|| {
                bad_data(format!("{} leads a school but has none", account.email))
            })?;
            grant(conn, person_id, account.role, Some(school_id), None, now)
        }
        Scope::Authority(code) => grant_in_authority(
            conn,
            person_id,
            account.role,
            places.authorities.get(code)?,
            now,
        ),
    }
}

/// `accounts::grant` scopes roles to schools only; an LA officer's role is scoped to the
/// authority, so the grant is written here, audited the same way.
fn grant_in_authority(
    conn: &mut DbConnection,
    person_id: &str,
    role: Role,
    authority_id: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    if people::has_grant(conn, person_id, role, None, Some(authority_id))? {
        return Ok(());
    }
    people::insert_grant(
        conn,
        &NewRoleGrant {
            id: &uuid::Uuid::new_v4().to_string(),
            person_id,
            role: role.as_str(),
            school_id: None,
            local_authority_id: Some(authority_id),
            programme_id: None,
            granted_by: None,
            granted_at: now,
        },
    )?;
    audit::record(
        conn,
        &AuditEntry {
            id: uuid::Uuid::new_v4().to_string(),
            actor_id: None,
            action: "role.granted",
            object_type: "person",
            object_id: person_id,
            before_state: None,
            after_state: Some(
                serde_json::json!({ "role": role.as_str(), "local_authority_id": authority_id })
                    .to_string(),
            ),
            occurred_at: now,
        },
    )?;
    Ok(())
}

/// The demo career history, written only for a person who has recorded none: once people have
/// a history of their own, it is theirs.
fn ensure_career(
    conn: &mut DbConnection,
    count: &mut Count,
    places: &Places,
    person_id: &str,
    steps: &[CareerStep],
    now: NaiveDateTime,
) -> AppResult<()> {
    let recorded = career_entries::table
        .filter(career_entries::person_id.eq(person_id))
        .count()
        .get_result::<i64>(conn)?;
    if recorded > 0 {
        count.found(recorded);
        return Ok(());
    }
    for step in steps {
        let ended_on = step.ended_on.map(date).transpose()?;
        diesel::insert_into(career_entries::table)
            .values((
                career_entries::id.eq(uuid::Uuid::new_v4().to_string()),
                career_entries::person_id.eq(person_id),
                career_entries::role.eq(step.role),
                career_entries::school_id.eq(places.schools.get(step.school)?),
                career_entries::organisation_name.eq(None::<&str>),
                career_entries::started_on.eq(date(step.started_on)?),
                career_entries::ended_on.eq(ended_on),
                career_entries::recorded_by.eq(None::<&str>),
                career_entries::reason.eq("demo data"),
                career_entries::created_at.eq(now),
            ))
            .execute(conn)?;
        count.inserted();
    }
    Ok(())
}
