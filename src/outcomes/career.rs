//! Career histories: people keep their own; consortium admins add, correct or delete anyone's,
//! always with a reason. Every change is audited with the state before and after it.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::{now, record};
use crate::admin::require_admin;
use crate::auth::CurrentUser;
use crate::db::schema::{career_entries, people, schools};
use crate::db::{self, DbConnection};
use crate::domain::FieldError;
use crate::domain::career::CAREER_ROLES;
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema, Queryable)]
pub struct CareerEntryView {
    pub id: String,
    pub person_id: String,
    /// teacher, tlr_holder, middle_leader, assistant_head, deputy_head, acting_head,
    /// headteacher, executive_head or other.
    pub role: String,
    pub school_id: Option<String>,
    pub organisation_name: Option<String>,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    /// Who recorded the entry last.
    pub recorded_by: Option<String>,
    /// Why an admin added or corrected it.
    pub reason: Option<String>,
}

/// A new career step, or the corrected version of one. Dates are `YYYY-MM-DD`.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct CareerRequest {
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub school_id: Option<String>,
    #[serde(default)]
    pub organisation_name: Option<String>,
    #[serde(default)]
    pub started_on: Option<String>,
    #[serde(default)]
    pub ended_on: Option<String>,
    /// Required when an admin adds or corrects someone's entry.
    #[serde(default)]
    pub reason: Option<String>,
}

struct CheckedEntry {
    role: &'static str,
    school_id: Option<String>,
    organisation_name: Option<String>,
    started_on: NaiveDate,
    ended_on: Option<NaiveDate>,
    reason: Option<String>,
}

fn blank_to_none(value: Option<&String>) -> Option<String> {
    value
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

fn parse_date(value: &str) -> Option<NaiveDate> {
    crate::domain::day::parse(value)
}

/// Checks every field and reports every problem; a school must exist.
fn check(
    conn: &mut DbConnection,
    request: &CareerRequest,
    reason_required: bool,
) -> AppResult<CheckedEntry> {
    let mut errors = Vec::new();
    let role = CAREER_ROLES
        .iter()
        .find(|r| **r == request.role.trim())
        .copied();
    if role.is_none() {
        errors.push(FieldError::new("role", "career-error-role"));
    }
    let started_on = match blank_to_none(request.started_on.as_ref()) {
        None => {
            errors.push(FieldError::new("started_on", "career-error-started-on"));
            None
        }
        Some(text) => {
            let parsed = parse_date(&text);
            if parsed.is_none() {
                errors.push(FieldError::new("started_on", "career-error-date"));
            }
            parsed
        }
    };
    let ended_on = match blank_to_none(request.ended_on.as_ref()) {
        None => None,
        Some(text) => {
            let parsed = parse_date(&text);
            if parsed.is_none() {
                errors.push(FieldError::new("ended_on", "career-error-date"));
            }
            parsed
        }
    };
    if let (Some(start), Some(end)) = (started_on, ended_on)
        && end < start
    {
        errors.push(FieldError::new("ended_on", "career-error-end-before-start"));
    }
    let school_id = blank_to_none(request.school_id.as_ref());
    if let Some(school) = &school_id {
        let found: i64 = schools::table
            .filter(schools::id.eq(school))
            .count()
            .get_result(conn)?;
        if found == 0 {
            errors.push(FieldError::new("school_id", "career-error-school"));
        }
    }
    let organisation_name = blank_to_none(request.organisation_name.as_ref());
    if organisation_name
        .as_ref()
        .is_some_and(|o| o.chars().count() > 200 || o.chars().any(char::is_control))
    {
        errors.push(FieldError::new(
            "organisation_name",
            "career-error-organisation",
        ));
    }
    let reason = blank_to_none(request.reason.as_ref());
    if reason_required && reason.is_none() {
        errors.push(FieldError::new("reason", "career-error-reason"));
    }
    match (role, started_on) {
        (Some(role), Some(started_on)) if errors.is_empty() => Ok(CheckedEntry {
            role,
            school_id,
            organisation_name,
            started_on,
            ended_on,
            reason: if reason_required { reason } else { None },
        }),
        _ => Err(AppError::Validation(errors)),
    }
}

fn select_view() -> (
    career_entries::id,
    career_entries::person_id,
    career_entries::role,
    career_entries::school_id,
    career_entries::organisation_name,
    career_entries::started_on,
    career_entries::ended_on,
    career_entries::recorded_by,
    career_entries::reason,
) {
    (
        career_entries::id,
        career_entries::person_id,
        career_entries::role,
        career_entries::school_id,
        career_entries::organisation_name,
        career_entries::started_on,
        career_entries::ended_on,
        career_entries::recorded_by,
        career_entries::reason,
    )
}

fn as_json(view: &CareerEntryView) -> serde_json::Value {
    serde_json::json!({
        "person_id": view.person_id,
        "role": view.role,
        "school_id": view.school_id,
        "organisation_name": view.organisation_name,
        "started_on": view.started_on,
        "ended_on": view.ended_on,
        "reason": view.reason,
    })
}

/// A person's career, earliest step first.
pub fn list(conn: &mut DbConnection, person_id: &str) -> QueryResult<Vec<CareerEntryView>> {
    career_entries::table
        .filter(career_entries::person_id.eq(person_id))
        .order((career_entries::started_on.asc(), career_entries::id.asc()))
        .select(select_view())
        .load(conn)
}

fn find(conn: &mut DbConnection, id: &str) -> AppResult<CareerEntryView> {
    career_entries::table
        .find(id)
        .select(select_view())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)
}

fn insert(
    conn: &mut DbConnection,
    actor: &str,
    person_id: &str,
    entry: CheckedEntry,
) -> AppResult<CareerEntryView> {
    let view = CareerEntryView {
        id: uuid::Uuid::new_v4().to_string(),
        person_id: person_id.to_owned(),
        role: entry.role.to_owned(),
        school_id: entry.school_id,
        organisation_name: entry.organisation_name,
        started_on: entry.started_on,
        ended_on: entry.ended_on,
        recorded_by: Some(actor.to_owned()),
        reason: entry.reason,
    };
    db::transaction::<_, AppError, _>(conn, |conn| {
        diesel::insert_into(career_entries::table)
            .values((
                career_entries::id.eq(&view.id),
                career_entries::person_id.eq(&view.person_id),
                career_entries::role.eq(&view.role),
                career_entries::school_id.eq(&view.school_id),
                career_entries::organisation_name.eq(&view.organisation_name),
                career_entries::started_on.eq(view.started_on),
                career_entries::ended_on.eq(view.ended_on),
                career_entries::recorded_by.eq(actor),
                career_entries::reason.eq(&view.reason),
                career_entries::created_at.eq(now()),
            ))
            .execute(conn)?;
        record(
            conn,
            actor,
            "career_entry.created",
            ("career_entry", &view.id),
            None,
            Some(as_json(&view)),
        )
    })?;
    Ok(view)
}

fn replace(
    conn: &mut DbConnection,
    actor: &str,
    before: CareerEntryView,
    entry: CheckedEntry,
) -> AppResult<CareerEntryView> {
    let after = CareerEntryView {
        role: entry.role.to_owned(),
        school_id: entry.school_id,
        organisation_name: entry.organisation_name,
        started_on: entry.started_on,
        ended_on: entry.ended_on,
        recorded_by: Some(actor.to_owned()),
        reason: entry.reason,
        ..before.clone()
    };
    db::transaction::<_, AppError, _>(conn, |conn| {
        let changed = diesel::update(career_entries::table.find(&after.id))
            .set((
                career_entries::role.eq(&after.role),
                career_entries::school_id.eq(&after.school_id),
                career_entries::organisation_name.eq(&after.organisation_name),
                career_entries::started_on.eq(after.started_on),
                career_entries::ended_on.eq(after.ended_on),
                career_entries::recorded_by.eq(actor),
                career_entries::reason.eq(&after.reason),
            ))
            .execute(conn)?;
        // Deleted since it was read (by the person, or another admin): nothing to change.
        if changed == 0 {
            return Err(AppError::NotFound);
        }
        record(
            conn,
            actor,
            "career_entry.changed",
            ("career_entry", &after.id),
            Some(as_json(&before)),
            Some(as_json(&after)),
        )
    })?;
    Ok(after)
}

/// One of the person's own entries; someone else's is not found, so ids reveal nothing.
fn own(conn: &mut DbConnection, user: &CurrentUser, id: &str) -> AppResult<CareerEntryView> {
    let entry = find(conn, id)?;
    if entry.person_id == user.id() {
        Ok(entry)
    } else {
        Err(AppError::NotFound)
    }
}

pub fn add_own(
    conn: &mut DbConnection,
    user: &CurrentUser,
    request: &CareerRequest,
) -> AppResult<CareerEntryView> {
    let entry = check(conn, request, false)?;
    insert(conn, user.id(), user.id(), entry)
}

pub fn update_own(
    conn: &mut DbConnection,
    user: &CurrentUser,
    id: &str,
    request: &CareerRequest,
) -> AppResult<CareerEntryView> {
    let before = own(conn, user, id)?;
    let entry = check(conn, request, false)?;
    replace(conn, user.id(), before, entry)
}

pub fn delete_own(conn: &mut DbConnection, user: &CurrentUser, id: &str) -> AppResult<()> {
    let before = own(conn, user, id)?;
    db::transaction::<_, AppError, _>(conn, |conn| {
        diesel::delete(career_entries::table.find(&before.id)).execute(conn)?;
        record(
            conn,
            user.id(),
            "career_entry.deleted",
            ("career_entry", &before.id),
            Some(as_json(&before)),
            None,
        )
    })
}

fn person_exists(conn: &mut DbConnection, person_id: &str) -> AppResult<()> {
    let found: i64 = people::table
        .filter(people::id.eq(person_id))
        .count()
        .get_result(conn)?;
    if found == 0 {
        Err(AppError::NotFound)
    } else {
        Ok(())
    }
}

/// Anyone's career, for a consortium admin.
pub fn list_for(
    conn: &mut DbConnection,
    admin: &CurrentUser,
    person_id: &str,
) -> AppResult<Vec<CareerEntryView>> {
    require_admin(admin)?;
    person_exists(conn, person_id)?;
    Ok(list(conn, person_id)?)
}

/// An admin adds a step to someone's career, with a reason.
pub fn add_for(
    conn: &mut DbConnection,
    admin: &CurrentUser,
    person_id: &str,
    request: &CareerRequest,
) -> AppResult<CareerEntryView> {
    require_admin(admin)?;
    person_exists(conn, person_id)?;
    let entry = check(conn, request, true)?;
    insert(conn, admin.id(), person_id, entry)
}

/// An admin corrects anyone's step, with a reason.
pub fn correct(
    conn: &mut DbConnection,
    admin: &CurrentUser,
    id: &str,
    request: &CareerRequest,
) -> AppResult<CareerEntryView> {
    require_admin(admin)?;
    let before = find(conn, id)?;
    let entry = check(conn, request, true)?;
    replace(conn, admin.id(), before, entry)
}

/// One of anyone's entries, for a consortium admin.
pub fn find_for(
    conn: &mut DbConnection,
    admin: &CurrentUser,
    id: &str,
) -> AppResult<CareerEntryView> {
    require_admin(admin)?;
    find(conn, id)
}

/// An admin deletes anyone's step, with a reason. The audit entry keeps the step as it was, so
/// only the row is lost. Returns the deleted step.
pub fn delete_for(
    conn: &mut DbConnection,
    admin: &CurrentUser,
    id: &str,
    reason: Option<&str>,
) -> AppResult<CareerEntryView> {
    let before = find_for(conn, admin, id)?;
    let reason = crate::domain::reason::recorded(reason)
        .ok_or_else(|| AppError::field("reason", "career-error-delete-reason"))?;
    db::transaction::<_, AppError, _>(conn, |conn| {
        let deleted = diesel::delete(career_entries::table.find(&before.id)).execute(conn)?;
        // Another admin may have deleted it since it was read; one deletion, one audit entry.
        if deleted == 0 {
            return Err(AppError::NotFound);
        }
        record(
            conn,
            admin.id(),
            "career_entry.deleted",
            ("career_entry", &before.id),
            Some(as_json(&before)),
            Some(serde_json::json!({ "reason": reason })),
        )
    })?;
    Ok(before)
}
