//! People, their role grants and password resets.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{
    local_authorities, password_resets, people, role_grants, schools, unconfirmed_addresses,
};
use crate::domain::role::Role;

#[derive(Debug, Clone, Default, Queryable, Selectable, Identifiable)]
#[diesel(table_name = people)]
pub struct Person {
    pub id: String,
    pub email: String,
    pub name: String,
    pub password_hash: Option<String>,
    pub preferred_language: String,
    pub school_id: Option<String>,
    pub stage_code: Option<String>,
    pub job_title: Option<String>,
    pub welsh_ability: Option<String>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub credentials_changed_at: NaiveDateTime,
    pub last_seen_at: Option<NaiveDateTime>,
    pub anonymised_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = people, treat_none_as_default_value = false)]
pub struct NewPerson<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: Option<&'a str>,
    pub preferred_language: &'a str,
    pub school_id: Option<&'a str>,
    pub stage_code: Option<&'a str>,
    pub job_title: Option<&'a str>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub credentials_changed_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = role_grants)]
pub struct RoleGrant {
    pub id: String,
    pub person_id: String,
    pub role: String,
    pub school_id: Option<String>,
    pub local_authority_id: Option<String>,
    pub programme_id: Option<String>,
    pub granted_by: Option<String>,
    pub granted_at: NaiveDateTime,
}

impl RoleGrant {
    pub fn role(&self) -> Option<Role> {
        Role::parse(&self.role)
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = role_grants, treat_none_as_default_value = false)]
pub struct NewRoleGrant<'a> {
    pub id: &'a str,
    pub person_id: &'a str,
    pub role: &'a str,
    pub school_id: Option<&'a str>,
    pub local_authority_id: Option<&'a str>,
    pub programme_id: Option<&'a str>,
    pub granted_by: Option<&'a str>,
    pub granted_at: NaiveDateTime,
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<Person>> {
    people::table
        .filter(people::email.eq(email))
        .select(Person::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_id(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Person>> {
    people::table
        .find(id)
        .select(Person::as_select())
        .get_result(conn)
        .optional()
}

/// A person, whether their address is still unconfirmed, and their grants, oldest first, in
/// one query: what every signed-in request reads before anything else.
pub fn find_with_grants(
    conn: &mut DbConnection,
    id: &str,
) -> QueryResult<Option<(Person, bool, Vec<RoleGrant>)>> {
    let rows: Vec<(Person, Option<String>, Option<RoleGrant>)> = people::table
        .left_join(role_grants::table)
        .left_join(unconfirmed_addresses::table)
        .filter(people::id.eq(id))
        .order(role_grants::granted_at.asc())
        .select((
            Person::as_select(),
            unconfirmed_addresses::person_id.nullable(),
            Option::<RoleGrant>::as_select(),
        ))
        .load(conn)?;
    Ok(super::one_with_many(
        rows.into_iter()
            .map(|(person, unconfirmed, grant)| ((person, unconfirmed.is_some()), grant)),
    )
    .map(|((person, unconfirmed), grants)| (person, unconfirmed, grants)))
}

pub fn grants_of(conn: &mut DbConnection, person_id: &str) -> QueryResult<Vec<RoleGrant>> {
    role_grants::table
        .filter(role_grants::person_id.eq(person_id))
        .order(role_grants::granted_at.asc())
        .select(RoleGrant::as_select())
        .load(conn)
}

pub fn insert_person(conn: &mut DbConnection, person: &NewPerson<'_>) -> QueryResult<()> {
    diesel::insert_into(people::table)
        .values(person)
        .execute(conn)
        .map(|_| ())
}

pub fn insert_grant(conn: &mut DbConnection, grant: &NewRoleGrant<'_>) -> QueryResult<()> {
    diesel::insert_into(role_grants::table)
        .values(grant)
        .execute(conn)
        .map(|_| ())
}

/// True when the person already holds `role` within exactly this scope.
pub fn has_grant(
    conn: &mut DbConnection,
    person_id: &str,
    role: Role,
    school_id: Option<&str>,
    local_authority_id: Option<&str>,
) -> QueryResult<bool> {
    let mut query = role_grants::table
        .filter(role_grants::person_id.eq(person_id))
        .filter(role_grants::role.eq(role.as_str()))
        .into_boxed();
    query = match school_id {
        Some(id) => query.filter(role_grants::school_id.eq(id)),
        None => query.filter(role_grants::school_id.is_null()),
    };
    query = match local_authority_id {
        Some(id) => query.filter(role_grants::local_authority_id.eq(id)),
        None => query.filter(role_grants::local_authority_id.is_null()),
    };
    query.count().get_result::<i64>(conn).map(|n| n > 0)
}

pub fn set_password_hash(
    conn: &mut DbConnection,
    person_id: &str,
    hash: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    // Set through a link sent to the address, so the address is shown to be theirs.
    let changed = diesel::update(people::table.find(person_id))
        .set((
            people::password_hash.eq(hash),
            people::credentials_changed_at.eq(now),
            people::updated_at.eq(now),
        ))
        .execute(conn)?;
    set_email_unconfirmed(conn, person_id, false, now)?;
    // Every other reset or invitation link still out would set it again: once a password is
    // chosen, they are spent too.
    spend_links(conn, person_id, None, now)?;
    Ok(changed)
}

/// Spends the person's unused links (of one purpose, or all): once they are of no more use,
/// or the person may no longer act on them.
pub fn spend_links(
    conn: &mut DbConnection,
    person_id: &str,
    purpose: Option<LinkPurpose>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let unused = password_resets::table
        .filter(password_resets::person_id.eq(person_id))
        .filter(password_resets::used_at.is_null());
    match purpose {
        Some(purpose) => {
            diesel::update(unused.filter(password_resets::purpose.eq(purpose.as_str())))
                .set(password_resets::used_at.eq(now))
                .execute(conn)
        }
        None => diesel::update(unused)
            .set(password_resets::used_at.eq(now))
            .execute(conn),
    }
}

pub fn set_preferred_language(
    conn: &mut DbConnection,
    person_id: &str,
    language: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(people::table.find(person_id))
        .set((
            people::preferred_language.eq(language),
            people::updated_at.eq(now),
        ))
        .execute(conn)
}

/// The person's school with its authority, for the profile.
#[derive(Debug, Clone, Queryable)]
pub struct SchoolSummary {
    pub id: String,
    pub name_en: String,
    pub name_cy: String,
    pub local_authority_en: String,
    pub local_authority_cy: String,
}

pub fn school_summary(
    conn: &mut DbConnection,
    school_id: &str,
) -> QueryResult<Option<SchoolSummary>> {
    schools::table
        .inner_join(local_authorities::table)
        .filter(schools::id.eq(school_id))
        .select((
            schools::id,
            schools::name_en,
            schools::name_cy,
            local_authorities::name_en,
            local_authorities::name_cy,
        ))
        .first(conn)
        .optional()
}

#[derive(Debug, Insertable)]
#[diesel(table_name = password_resets, treat_none_as_default_value = false)]
pub struct NewPasswordReset<'a> {
    pub id: &'a str,
    pub person_id: &'a str,
    pub token_hash: &'a str,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    /// `LinkPurpose::as_str`.
    pub purpose: &'a str,
}

/// What an emailed link may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    /// A reset the person asked for: sets a password (which confirms the address too).
    Password,
    /// An admin's invitation: sets a password too.
    Invitation,
    /// Sent on registering: confirms the address and nothing else.
    Confirm,
}

impl LinkPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::Invitation => "invitation",
            Self::Confirm => "confirm",
        }
    }
}

pub fn insert_password_reset(
    conn: &mut DbConnection,
    reset: &NewPasswordReset<'_>,
) -> QueryResult<()> {
    diesel::insert_into(password_resets::table)
        .values(reset)
        .execute(conn)
        .map(|_| ())
}

/// Marks the reset token used, if it is unused and unexpired, and says whose it was. The
/// conditional update makes the token single-use even when two requests race with it.
/// Spends the link, if it is unused, unexpired, for one of `purposes` and for someone still
/// active; returns whose it was.
pub fn consume_password_reset(
    conn: &mut DbConnection,
    token_hash: &str,
    purposes: &[LinkPurpose],
    now: NaiveDateTime,
) -> QueryResult<Option<String>> {
    let purposes: Vec<&str> = purposes.iter().map(|p| p.as_str()).collect();
    let active = people::table
        .filter(people::active.eq(true))
        .select(people::id);
    let claimed = diesel::update(
        password_resets::table
            .filter(password_resets::token_hash.eq(token_hash))
            .filter(password_resets::used_at.is_null())
            .filter(password_resets::expires_at.gt(now))
            .filter(password_resets::purpose.eq_any(purposes))
            .filter(password_resets::person_id.eq_any(active)),
    )
    .set(password_resets::used_at.eq(now))
    .execute(conn)?;
    if claimed == 0 {
        return Ok(None);
    }
    password_resets::table
        .filter(password_resets::token_hash.eq(token_hash))
        .select(password_resets::person_id)
        .first(conn)
        .optional()
}

/// Whether the person registered themselves and has not yet used a link sent to the address.
pub fn email_unconfirmed(conn: &mut DbConnection, person_id: &str) -> QueryResult<bool> {
    unconfirmed_addresses::table
        .find(person_id)
        .count()
        .get_result::<i64>(conn)
        .map(|n| n > 0)
}

/// Takes back an account someone registered at an address that turned out not to be theirs:
/// the owner's name, and none of the profile the registrant filled in (school, stage, job,
/// Welsh) or their calendar feed (its address was theirs to share). Career steps they entered
/// stay, for the owner to correct.
pub fn reclaim(
    conn: &mut DbConnection,
    person_id: &str,
    name: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(people::table.find(person_id))
        .set((
            people::name.eq(name),
            people::calendar_token.eq(None::<String>),
            people::school_id.eq(None::<String>),
            people::stage_code.eq(None::<String>),
            people::job_title.eq(None::<String>),
            people::welsh_ability.eq(None::<String>),
            people::updated_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

/// Holds the person's row for the rest of the transaction (an update that changes nothing), so
/// that two requests about them, from any process, take turns. False when there is no such
/// person.
pub fn hold(conn: &mut DbConnection, person_id: &str) -> QueryResult<bool> {
    diesel::update(people::table.find(person_id))
        .set(people::updated_at.eq(people::updated_at))
        .execute(conn)
        .map(|n| n == 1)
}

/// When the person was last sent a link for `purpose`.
pub fn last_link_sent_at(
    conn: &mut DbConnection,
    person_id: &str,
    purpose: LinkPurpose,
) -> QueryResult<Option<NaiveDateTime>> {
    password_resets::table
        .filter(password_resets::person_id.eq(person_id))
        .filter(password_resets::purpose.eq(purpose.as_str()))
        .select(diesel::dsl::max(password_resets::created_at))
        .get_result(conn)
}

pub fn set_email_unconfirmed(
    conn: &mut DbConnection,
    person_id: &str,
    unconfirmed: bool,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    if unconfirmed {
        diesel::insert_into(unconfirmed_addresses::table)
            .values((
                unconfirmed_addresses::person_id.eq(person_id),
                unconfirmed_addresses::registered_at.eq(now),
            ))
            .execute(conn)
    } else {
        diesel::delete(unconfirmed_addresses::table.find(person_id)).execute(conn)
    }
}

/// Of `person_ids`, those who registered themselves and never confirmed the address lose their
/// password and every token: an import says the address belongs to someone the consortium
/// knows, who may not be the one who registered it. They get in through an invitation.
pub fn disown_unconfirmed(
    conn: &mut DbConnection,
    person_ids: &[&str],
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let mut disowned = 0;
    for chunk in person_ids.chunks(1000) {
        let unconfirmed = unconfirmed_addresses::table
            .filter(unconfirmed_addresses::person_id.eq_any(chunk))
            .select(unconfirmed_addresses::person_id);
        disowned += diesel::update(people::table.filter(people::id.eq_any(unconfirmed)))
            .set((
                people::password_hash.eq(None::<String>),
                people::credentials_changed_at.eq(now),
                people::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(disowned)
}

/// The headteachers of a school, who endorse its staff's applications.
pub fn headteachers_of(conn: &mut DbConnection, school_id: &str) -> QueryResult<Vec<Person>> {
    people::table
        .inner_join(role_grants::table)
        .filter(role_grants::role.eq(Role::Headteacher.as_str()))
        .filter(role_grants::school_id.eq(school_id))
        .filter(people::active.eq(true))
        .select(Person::as_select())
        .distinct()
        .load(conn)
}

#[derive(Debug, AsChangeset)]
#[diesel(table_name = people, treat_none_as_null = true)]
pub struct ProfileChanges {
    pub name: String,
    pub preferred_language: String,
    pub stage_code: Option<String>,
    pub school_id: Option<String>,
    pub job_title: Option<String>,
    pub welsh_ability: Option<String>,
    pub updated_at: NaiveDateTime,
}

pub fn update_profile(
    conn: &mut DbConnection,
    person_id: &str,
    changes: &ProfileChanges,
) -> QueryResult<usize> {
    diesel::update(people::table.find(person_id))
        .set(changes)
        .execute(conn)
}

/// Every school with its authority, for choosing one's school.
pub fn all_schools(conn: &mut DbConnection) -> QueryResult<Vec<SchoolSummary>> {
    schools::table
        .inner_join(local_authorities::table)
        .order((local_authorities::name_en.asc(), schools::name_en.asc()))
        .select((
            schools::id,
            schools::name_en,
            schools::name_cy,
            local_authorities::name_en,
            local_authorities::name_cy,
        ))
        .load(conn)
}

/// The person's dated career history, oldest first.
pub fn career_of(
    conn: &mut DbConnection,
    person_id: &str,
) -> QueryResult<Vec<crate::domain::career::CareerStep>> {
    use super::schema::career_entries;
    let rows: Vec<(String, chrono::NaiveDate, Option<chrono::NaiveDate>)> = career_entries::table
        .filter(career_entries::person_id.eq(person_id))
        .order(career_entries::started_on.asc())
        .select((
            career_entries::role,
            career_entries::started_on,
            career_entries::ended_on,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(role, started_on, ended_on)| crate::domain::career::CareerStep {
                role,
                started_on,
                ended_on,
            },
        )
        .collect())
}

/// Records that the person signed in, which the retention period counts from.
pub fn touch_last_seen(
    conn: &mut DbConnection,
    person_id: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(people::table.find(person_id))
        .set(people::last_seen_at.eq(now))
        .execute(conn)
}
