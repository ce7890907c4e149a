//! People as a consortium admin sees them: search, roles, invitations, deactivation.

use chrono::{Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::require_admin;
use crate::auth::CurrentUser;
use crate::db::audit::{self, AuditEntry};
use crate::db::people::{self, NewPasswordReset, NewRoleGrant, Person, RoleGrant};
use crate::db::schema::{
    local_authorities, people as people_table, programmes, role_grants, schools,
};
use crate::db::{self, DbConnection, outbox};
use crate::domain::FieldError;
use crate::domain::language::Language;
use crate::domain::role::Role;
use crate::error::{AppError, AppResult};
use crate::i18n::{t, t_with};
use crate::mail::compose::{self, Recipient};

/// How long an invitation link stays valid.
pub const INVITATION_DAYS: i64 = 14;

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// One line of a search result.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema, Queryable)]
pub struct PersonSummary {
    pub id: String,
    pub name: String,
    pub email: String,
    pub active: bool,
    /// Set once the person has been erased.
    pub anonymised_at: Option<NaiveDateTime>,
}

/// People whose name or email contains `query` (any case), by name; at most `limit`.
pub fn search(
    conn: &mut DbConnection,
    user: &CurrentUser,
    query: &str,
    limit: i64,
    offset: i64,
) -> AppResult<Vec<PersonSummary>> {
    require_admin(user)?;
    let escaped: String = query
        .trim()
        .to_lowercase()
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    let pattern = format!("%{escaped}%");
    Ok(people_table::table
        .filter(
            lower(people_table::name)
                .like(&pattern)
                .escape('\\')
                .or(people_table::email.like(&pattern).escape('\\')),
        )
        .order((people_table::name.asc(), people_table::id.asc()))
        .limit(limit.clamp(1, 200))
        .offset(offset.max(0))
        .select((
            people_table::id,
            people_table::name,
            people_table::email,
            people_table::active,
            people_table::anonymised_at,
        ))
        .load(conn)?)
}

/// A person with their role grants, for the admin's person page.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PersonDetail {
    pub id: String,
    pub name: String,
    pub email: String,
    pub preferred_language: String,
    pub active: bool,
    pub has_password: bool,
    pub anonymised_at: Option<NaiveDateTime>,
    pub grants: Vec<GrantView>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct GrantView {
    pub id: String,
    pub role: Role,
    /// The school, authority or programme the role is held in, by name, when it has one.
    pub scope_en: Option<String>,
    pub scope_cy: Option<String>,
}

pub fn detail(conn: &mut DbConnection, user: &CurrentUser, id: &str) -> AppResult<PersonDetail> {
    require_admin(user)?;
    let person = people::find_by_id(conn, id)?.ok_or(AppError::NotFound)?;
    let mut grants = Vec::new();
    for grant in people::grants_of(conn, id)? {
        let Some(role) = grant.role() else { continue };
        let scope: Option<(String, String)> = if let Some(school) = &grant.school_id {
            schools::table
                .find(school)
                .select((schools::name_en, schools::name_cy))
                .get_result(conn)
                .optional()?
        } else if let Some(la) = &grant.local_authority_id {
            local_authorities::table
                .find(la)
                .select((local_authorities::name_en, local_authorities::name_cy))
                .get_result(conn)
                .optional()?
        } else if let Some(programme) = &grant.programme_id {
            programmes::table
                .find(programme)
                .select((programmes::title_en, programmes::title_cy))
                .get_result(conn)
                .optional()?
        } else {
            None
        };
        grants.push(GrantView {
            id: grant.id,
            role,
            scope_en: scope.as_ref().map(|s| s.0.clone()),
            scope_cy: scope.map(|s| s.1),
        });
    }
    Ok(PersonDetail {
        id: person.id,
        name: person.name,
        email: person.email,
        preferred_language: person.preferred_language,
        active: person.active,
        has_password: person.password_hash.is_some(),
        anonymised_at: person.anonymised_at,
        grants,
    })
}

fn living_person(conn: &mut DbConnection, id: &str) -> AppResult<Person> {
    let person = people::find_by_id(conn, id)?.ok_or(AppError::NotFound)?;
    if person.anonymised_at.is_some() {
        return Err(AppError::Conflict("admin-error-erased"));
    }
    Ok(person)
}

fn record(
    conn: &mut DbConnection,
    actor: &str,
    action: &str,
    object_type: &str,
    object_id: &str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> AppResult<()> {
    audit::record(
        conn,
        &AuditEntry {
            id: uuid::Uuid::new_v4().to_string(),
            actor_id: Some(actor),
            action,
            object_type,
            object_id,
            before_state: before.map(|v| v.to_string()),
            after_state: after.map(|v| v.to_string()),
            occurred_at: now(),
        },
    )?;
    Ok(())
}

/// Switches an account off or on. Off: it can no longer sign in and every token it holds stops
/// working; its history stays. Admins cannot switch themselves off.
pub fn set_active(
    conn: &mut DbConnection,
    user: &CurrentUser,
    id: &str,
    active: bool,
) -> AppResult<()> {
    require_admin(user)?;
    if !active && id == user.id() {
        return Err(AppError::Conflict("admin-error-deactivate-self"));
    }
    db::transaction::<_, AppError, _>(conn, |conn| {
        let now = now();
        // The write comes first (SQLite takes its lock); `active` is checked by the filter.
        let changed = diesel::update(
            people_table::table
                .filter(people_table::id.eq(id))
                .filter(people_table::anonymised_at.is_null())
                .filter(people_table::active.eq(!active)),
        )
        .set((
            people_table::active.eq(active),
            // Tokens issued before a deactivation must not come back to life on reactivation.
            people_table::credentials_changed_at.eq(now),
            people_table::updated_at.eq(now),
        ))
        .execute(conn)?;
        if changed == 0 {
            living_person(conn, id)?;
            return Ok(());
        }
        // A link sent before (an invitation, a reset) must not let a leaver set a password.
        if !active {
            people::spend_links(conn, id, None, now)?;
        }
        record(
            conn,
            user.id(),
            if active {
                "person.reactivated"
            } else {
                "person.deactivated"
            },
            "person",
            id,
            Some(serde_json::json!({ "active": !active })),
            Some(serde_json::json!({ "active": active })),
        )
    })
}

/// What an admin asks for: a role, and its scope when the role has one.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct GrantRequest {
    pub role: String,
    /// For a headteacher.
    #[serde(default)]
    pub school_id: Option<String>,
    /// For a local-authority officer.
    #[serde(default)]
    pub local_authority_id: Option<String>,
    /// For a programme lead (optional: a lead of no programme yet may create one).
    #[serde(default)]
    pub programme_id: Option<String>,
}

fn blank_to_none(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// Grants a role in its scope; granting one the person already holds changes nothing.
pub fn grant(
    conn: &mut DbConnection,
    user: &CurrentUser,
    person_id: &str,
    request: &GrantRequest,
) -> AppResult<()> {
    require_admin(user)?;
    let role = Role::parse(request.role.trim())
        .ok_or_else(|| AppError::field("role", "admin-error-role"))?;
    let school = blank_to_none(&request.school_id);
    let authority = blank_to_none(&request.local_authority_id);
    let programme = blank_to_none(&request.programme_id);
    let mut errors = Vec::new();
    let (school, authority, programme) = match role {
        Role::Headteacher => (school, None, None),
        Role::LaOfficer => (None, authority, None),
        Role::ProgrammeLead => (None, None, programme),
        Role::Participant | Role::ConsortiumAdmin => (None, None, None),
    };
    if role == Role::Headteacher && school.is_none() {
        errors.push(FieldError::new("school_id", "admin-error-school-needed"));
    }
    if role == Role::LaOfficer && authority.is_none() {
        errors.push(FieldError::new(
            "local_authority_id",
            "admin-error-authority-needed",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    db::transaction::<_, AppError, _>(conn, |conn| {
        let now = now();
        // The first statement writes, so that SQLite takes its write lock before any read.
        let touched = diesel::update(
            people_table::table
                .filter(people_table::id.eq(person_id))
                .filter(people_table::anonymised_at.is_null()),
        )
        .set(people_table::updated_at.eq(now))
        .execute(conn)?;
        if touched == 0 {
            living_person(conn, person_id)?;
            return Err(AppError::NotFound);
        }
        // The address may be a colleague's, registered by someone else before the consortium
        // knew of it: a role with powers waits until its owner has used a link sent to it.
        if role != Role::Participant && people::email_unconfirmed(conn, person_id)? {
            return Err(AppError::Conflict("admin-error-email-unconfirmed"));
        }
        let exists = |n: i64| n > 0;
        if let Some(s) = &school
            && !exists(schools::table.find(s).count().get_result(conn)?)
        {
            return Err(AppError::field("school_id", "admin-error-school-unknown"));
        }
        if let Some(a) = &authority
            && !exists(local_authorities::table.find(a).count().get_result(conn)?)
        {
            return Err(AppError::field(
                "local_authority_id",
                "admin-error-authority-unknown",
            ));
        }
        if let Some(p) = &programme
            && !exists(programmes::table.find(p).count().get_result(conn)?)
        {
            return Err(AppError::field(
                "programme_id",
                "admin-error-programme-unknown",
            ));
        }
        let already = people::grants_of(conn, person_id)?
            .into_iter()
            .any(|g: RoleGrant| {
                g.role() == Some(role)
                    && g.school_id == school
                    && g.local_authority_id == authority
                    && g.programme_id == programme
            });
        if already {
            return Ok(());
        }
        let id = uuid::Uuid::new_v4().to_string();
        people::insert_grant(
            conn,
            &NewRoleGrant {
                id: &id,
                person_id,
                role: role.as_str(),
                school_id: school.as_deref(),
                local_authority_id: authority.as_deref(),
                programme_id: programme.as_deref(),
                granted_by: Some(user.id()),
                granted_at: now,
            },
        )?;
        record(
            conn,
            user.id(),
            "role.granted",
            "person",
            person_id,
            None,
            Some(serde_json::json!({
                "grant_id": id, "role": role.as_str(), "school_id": school,
                "local_authority_id": authority, "programme_id": programme,
            })),
        )
    })
}

/// Takes a role away. Every account stays a participant.
pub fn revoke(
    conn: &mut DbConnection,
    user: &CurrentUser,
    person_id: &str,
    grant_id: &str,
) -> AppResult<()> {
    require_admin(user)?;
    db::transaction::<_, AppError, _>(conn, |conn| {
        // The first statement writes, so that SQLite takes its write lock before any read.
        diesel::update(people_table::table.find(person_id))
            .set(people_table::updated_at.eq(now()))
            .execute(conn)?;
        let grant: RoleGrant = role_grants::table
            .filter(role_grants::id.eq(grant_id))
            .filter(role_grants::person_id.eq(person_id))
            .select(RoleGrant::as_select())
            .first(conn)
            .optional()?
            .ok_or(AppError::NotFound)?;
        if grant.role() == Some(Role::Participant) {
            return Err(AppError::Conflict("admin-error-participant-stays"));
        }
        if grant.role() == Some(Role::ConsortiumAdmin) && person_id == user.id() {
            return Err(AppError::Conflict("admin-error-revoke-own-admin"));
        }
        diesel::delete(role_grants::table.find(grant_id)).execute(conn)?;
        record(
            conn,
            user.id(),
            "role.revoked",
            "person",
            person_id,
            Some(serde_json::json!({
                "grant_id": grant.id, "role": grant.role, "school_id": grant.school_id,
                "local_authority_id": grant.local_authority_id, "programme_id": grant.programme_id,
            })),
            None,
        )
    })
}

/// Emails the person a single-use link to choose their password (the password-reset
/// mechanism, with a longer life), in their language.
pub fn invite(
    conn: &mut DbConnection,
    user: &CurrentUser,
    person_id: &str,
    public_url: &str,
) -> AppResult<()> {
    require_admin(user)?;
    let mut raw = [0u8; 32];
    rand::rng().fill_bytes(&mut raw);
    let token = hex::encode(raw);
    let hashed = hex::encode(Sha256::digest(token.as_bytes()));
    db::transaction::<_, AppError, _>(conn, |conn| {
        let now = now();
        people::insert_password_reset(
            conn,
            &NewPasswordReset {
                id: &uuid::Uuid::new_v4().to_string(),
                person_id,
                token_hash: &hashed,
                created_at: now,
                expires_at: now + Duration::days(INVITATION_DAYS),
                purpose: people::LinkPurpose::Invitation.as_str(),
            },
        )
        .map_err(|e| match e {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::ForeignKeyViolation,
                _,
            ) => AppError::NotFound,
            other => other.into(),
        })?;
        let person = living_person(conn, person_id)?;
        if !person.active {
            return Err(AppError::Conflict("admin-error-inactive"));
        }
        let language = Language::parse(&person.preferred_language).unwrap_or_default();
        let link = format!(
            "{public_url}/password/reset?token={token}&lang={}",
            language.code()
        );
        let mut email = compose::notice(
            &Recipient {
                email: &person.email,
                name: &person.name,
                language,
            },
            "invitation",
            t(language, "email-invite-subject"),
            vec![
                t_with(
                    language,
                    "email-invite-body",
                    &[("inviter", user.person.name.clone())],
                ),
                t_with(
                    language,
                    "email-invite-valid",
                    &[("days", INVITATION_DAYS.to_string())],
                ),
            ],
            Some((t(language, "email-invite-action"), link)),
            now,
        )?;
        // It names the admin who sent it: their erasure blanks it too.
        email.about_person_id = Some(user.id().to_owned());
        outbox::enqueue(conn, &email)?;
        record(
            conn,
            user.id(),
            "person.invited",
            "person",
            person_id,
            None,
            None,
        )
    })
}
