//! Local authorities and their schools, kept by consortium admins. Changes are audited.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

use super::require_admin;
use crate::auth::CurrentUser;
use crate::db::audit::{self, AuditEntry};
use crate::db::schema::{consortia, local_authorities, schools};
use crate::db::{self, DbConnection};
use crate::domain::FieldError;
use crate::domain::organisation::{self, SchoolInput};
use crate::error::{AppError, AppResult};

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema, Queryable)]
pub struct AuthorityView {
    pub id: String,
    pub code: String,
    pub name_en: String,
    pub name_cy: String,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema, Queryable)]
pub struct SchoolView {
    pub id: String,
    pub local_authority_id: String,
    pub school_number: Option<String>,
    pub name_en: String,
    pub name_cy: String,
    pub sector: String,
    pub language_medium: String,
    pub support_category: Option<String>,
}

pub fn authorities(conn: &mut DbConnection, user: &CurrentUser) -> AppResult<Vec<AuthorityView>> {
    require_admin(user)?;
    Ok(local_authorities::table
        .order(local_authorities::name_en.asc())
        .select((
            local_authorities::id,
            local_authorities::code,
            local_authorities::name_en,
            local_authorities::name_cy,
        ))
        .load(conn)?)
}

pub fn schools_list(
    conn: &mut DbConnection,
    user: &CurrentUser,
    authority: Option<&str>,
) -> AppResult<Vec<SchoolView>> {
    require_admin(user)?;
    let mut query = schools::table
        .order(schools::name_en.asc())
        .select((
            schools::id,
            schools::local_authority_id,
            schools::school_number,
            schools::name_en,
            schools::name_cy,
            schools::sector,
            schools::language_medium,
            schools::support_category,
        ))
        .into_boxed();
    if let Some(authority) = authority {
        query = query.filter(schools::local_authority_id.eq(authority));
    }
    Ok(query.load(conn)?)
}

/// A new local authority, or new names for one.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct AuthorityRequest {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub name_cy: String,
}

fn is_unique_violation(error: &diesel::result::Error) -> bool {
    matches!(
        error,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

fn record(
    conn: &mut DbConnection,
    actor: &str,
    action: &str,
    object_type: &str,
    object_id: &str,
    before: Option<serde_json::Value>,
    after: serde_json::Value,
) -> AppResult<()> {
    audit::record(
        conn,
        &AuditEntry {
            id: uuid::Uuid::new_v4().to_string(),
            actor_id: Some(actor),
            action,
            object_type,
            object_id,
            before_state: before.map(|b| b.to_string()),
            after_state: Some(after.to_string()),
            occurred_at: now(),
        },
    )?;
    Ok(())
}

fn checked_authority(request: &AuthorityRequest) -> AppResult<(String, String, String)> {
    let mut errors = Vec::new();
    let code = organisation::keep(&mut errors, organisation::parse_code("code", &request.code));
    let name_en = organisation::keep(
        &mut errors,
        organisation::parse_name("name_en", &request.name_en),
    );
    let name_cy = organisation::keep(
        &mut errors,
        organisation::parse_name("name_cy", &request.name_cy),
    );
    match (code, name_en, name_cy) {
        (Some(code), Some(name_en), Some(name_cy)) => Ok((code, name_en, name_cy)),
        _ => Err(AppError::Validation(errors)),
    }
}

fn code_taken(error: diesel::result::Error) -> AppError {
    if is_unique_violation(&error) {
        AppError::field("code", "admin-error-code-taken")
    } else {
        error.into()
    }
}

fn authority_json(view: &AuthorityView) -> serde_json::Value {
    serde_json::json!({ "code": view.code, "name_en": view.name_en, "name_cy": view.name_cy })
}

/// Adds a local authority to the consortium (the only one this installation serves).
pub fn create_authority(
    conn: &mut DbConnection,
    user: &CurrentUser,
    request: &AuthorityRequest,
) -> AppResult<AuthorityView> {
    require_admin(user)?;
    let (code, name_en, name_cy) = checked_authority(request)?;
    db::transaction::<_, AppError, _>(conn, |conn| {
        let consortium: String = consortia::table
            .select(consortia::id)
            .order(consortia::created_at.asc())
            .first(conn)
            .optional()?
            .ok_or(AppError::Conflict("admin-error-no-consortium"))?;
        let id = uuid::Uuid::new_v4().to_string();
        diesel::insert_into(local_authorities::table)
            .values((
                local_authorities::id.eq(&id),
                local_authorities::consortium_id.eq(&consortium),
                local_authorities::code.eq(&code),
                local_authorities::name_en.eq(&name_en),
                local_authorities::name_cy.eq(&name_cy),
                local_authorities::created_at.eq(now()),
            ))
            .execute(conn)
            .map_err(code_taken)?;
        let view = AuthorityView {
            id,
            code,
            name_en,
            name_cy,
        };
        record(
            conn,
            user.id(),
            "local_authority.created",
            "local_authority",
            &view.id,
            None,
            authority_json(&view),
        )?;
        Ok(view)
    })
}

pub fn find_authority(conn: &mut DbConnection, id: &str) -> AppResult<AuthorityView> {
    local_authorities::table
        .find(id)
        .select((
            local_authorities::id,
            local_authorities::code,
            local_authorities::name_en,
            local_authorities::name_cy,
        ))
        .get_result::<AuthorityView>(conn)
        .optional()?
        .ok_or(AppError::NotFound)
}

/// Renames a local authority or corrects its code; audited with before and after.
pub fn update_authority(
    conn: &mut DbConnection,
    user: &CurrentUser,
    id: &str,
    request: &AuthorityRequest,
) -> AppResult<AuthorityView> {
    require_admin(user)?;
    let (code, name_en, name_cy) = checked_authority(request)?;
    db::transaction::<_, AppError, _>(conn, |conn| {
        // A write that changes nothing comes first so that, on SQLite, the transaction holds
        // the write lock before it reads the state it records as "before".
        diesel::update(local_authorities::table.find(id))
            .set(local_authorities::code.eq(local_authorities::code))
            .execute(conn)?;
        let before = find_authority(conn, id)?;
        let changed = diesel::update(local_authorities::table.find(id))
            .set((
                local_authorities::code.eq(&code),
                local_authorities::name_en.eq(&name_en),
                local_authorities::name_cy.eq(&name_cy),
            ))
            .execute(conn)
            .map_err(code_taken)?;
        if changed == 0 {
            return Err(AppError::NotFound);
        }
        let view = AuthorityView {
            id: id.to_owned(),
            code,
            name_en,
            name_cy,
        };
        record(
            conn,
            user.id(),
            "local_authority.updated",
            "local_authority",
            id,
            Some(authority_json(&before)),
            authority_json(&view),
        )?;
        Ok(view)
    })
}

/// A school as an admin sends it: every field, as a form would.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct SchoolRequest {
    #[serde(default)]
    pub local_authority_id: String,
    #[serde(default)]
    pub school_number: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub name_cy: String,
    #[serde(default)]
    pub sector: String,
    #[serde(default)]
    pub language_medium: String,
    #[serde(default)]
    pub support_category: String,
}

/// Adds a school (`id` None) or replaces a school's details; audited with before and after.
pub fn save_school(
    conn: &mut DbConnection,
    user: &CurrentUser,
    id: Option<&str>,
    request: &SchoolRequest,
) -> AppResult<SchoolView> {
    require_admin(user)?;
    let mut errors = Vec::new();
    let details = organisation::check_school(&SchoolInput {
        school_number: &request.school_number,
        name_en: &request.name_en,
        name_cy: &request.name_cy,
        sector: &request.sector,
        language_medium: &request.language_medium,
        support_category: &request.support_category,
    })
    .map_err(|e| errors.extend(e))
    .ok();
    let authority = request.local_authority_id.trim().to_owned();
    if authority.is_empty() {
        errors.push(FieldError::new(
            "local_authority_id",
            "admin-error-required",
        ));
    }
    let Some(details) = details.filter(|_| errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    db::transaction::<_, AppError, _>(conn, |conn| {
        let now = now();
        let school_id = id
            .map(str::to_owned)
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let before: Option<SchoolView> = match id {
            Some(id) => {
                // The first statement writes, so that SQLite takes its write lock first.
                let touched = diesel::update(schools::table.find(id))
                    .set(schools::updated_at.eq(now))
                    .execute(conn)?;
                if touched == 0 {
                    return Err(AppError::NotFound);
                }
                Some(
                    schools_of(conn, id)?
                        .into_iter()
                        .next()
                        .ok_or(AppError::NotFound)?,
                )
            }
            None => None,
        };
        let unique_or = |e: diesel::result::Error| {
            if is_unique_violation(&e) {
                AppError::field("school_number", "admin-error-school-number-taken")
            } else if matches!(
                e,
                diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::ForeignKeyViolation,
                    _
                )
            ) {
                AppError::field("local_authority_id", "admin-error-authority-unknown")
            } else {
                e.into()
            }
        };
        let values = (
            schools::local_authority_id.eq(&authority),
            schools::school_number.eq(Some(&details.school_number)),
            schools::name_en.eq(&details.name_en),
            schools::name_cy.eq(&details.name_cy),
            schools::sector.eq(details.sector),
            schools::language_medium.eq(details.language_medium),
            schools::support_category.eq(details.support_category),
            schools::updated_at.eq(now),
        );
        if before.is_some() {
            diesel::update(schools::table.find(&school_id))
                .set(values)
                .execute(conn)
                .map_err(unique_or)?;
        } else {
            diesel::insert_into(schools::table)
                .values((
                    schools::id.eq(&school_id),
                    schools::created_at.eq(now),
                    values,
                ))
                .execute(conn)
                .map_err(unique_or)?;
        }
        let after = schools_of(conn, &school_id)?
            .into_iter()
            .next()
            .ok_or(AppError::NotFound)?;
        let as_json = |s: &SchoolView| serde_json::to_value(s).unwrap_or_default();
        record(
            conn,
            user.id(),
            if before.is_some() {
                "school.updated"
            } else {
                "school.created"
            },
            "school",
            &school_id,
            before.as_ref().map(as_json),
            as_json(&after),
        )?;
        Ok(after)
    })
}

fn schools_of(conn: &mut DbConnection, id: &str) -> QueryResult<Vec<SchoolView>> {
    schools::table
        .filter(schools::id.eq(id))
        .select((
            schools::id,
            schools::local_authority_id,
            schools::school_number,
            schools::name_en,
            schools::name_cy,
            schools::sector,
            schools::language_medium,
            schools::support_category,
        ))
        .load(conn)
}
