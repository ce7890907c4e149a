//! The audit log: who changed what, when, before and after. Rows are only ever inserted. It is
//! read with the applications' history (`enrolment_events`), which records each change of an
//! application with who made it and why, through the view `audit_entries`: writing every such
//! change to both was a statement and three index entries more for each application.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{audit_entries, audit_log};

#[derive(Debug, Insertable)]
#[diesel(table_name = audit_log, treat_none_as_default_value = false)]
pub struct AuditEntry<'a> {
    pub id: String,
    pub actor_id: Option<&'a str>,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: &'a str,
    pub before_state: Option<String>,
    pub after_state: Option<String>,
    pub occurred_at: NaiveDateTime,
}

pub fn record(conn: &mut DbConnection, entry: &AuditEntry<'_>) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values(entry)
        .execute(conn)
        .map(|_| ())
}

#[derive(Debug, Queryable)]
pub struct AuditRow {
    pub actor_id: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub occurred_at: NaiveDateTime,
}

pub fn for_object(
    conn: &mut DbConnection,
    object_type: &str,
    object_id: &str,
) -> QueryResult<Vec<AuditRow>> {
    audit_entries::table
        .filter(audit_entries::object_type.eq(object_type))
        .filter(audit_entries::object_id.eq(object_id))
        .order(audit_entries::occurred_at.asc())
        .select((
            audit_entries::actor_id,
            audit_entries::action,
            audit_entries::object_type,
            audit_entries::object_id,
            audit_entries::occurred_at,
        ))
        .load(conn)
}

/// What an admin searches the log by; every part is optional.
#[derive(Debug, Default, Clone)]
pub struct AuditQuery {
    /// Entries this person made or that are about them.
    pub person_id: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, serde::Serialize, utoipa::ToSchema)]
pub struct AuditRecord {
    pub id: String,
    pub actor_id: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    /// JSON text of the state before the change, when there was one.
    pub before_state: Option<String>,
    pub after_state: Option<String>,
    pub occurred_at: NaiveDateTime,
}

/// Matching entries, newest first: `limit` of them after skipping `offset`.
pub fn search(
    conn: &mut DbConnection,
    query: &AuditQuery,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<AuditRecord>> {
    let mut rows = audit_entries::table.into_boxed();
    if let Some(person) = &query.person_id {
        rows = rows.filter(
            audit_entries::actor_id
                .eq(person)
                .or(audit_entries::object_type
                    .eq("person")
                    .and(audit_entries::object_id.eq(person))),
        );
    }
    if let Some(kind) = &query.object_type {
        rows = rows.filter(audit_entries::object_type.eq(kind));
    }
    if let Some(id) = &query.object_id {
        rows = rows.filter(audit_entries::object_id.eq(id));
    }
    if let Some(from) = query.from {
        rows = rows.filter(audit_entries::occurred_at.ge(from));
    }
    if let Some(until) = query.until {
        rows = rows.filter(audit_entries::occurred_at.lt(until));
    }
    rows.order((audit_entries::occurred_at.desc(), audit_entries::id.asc()))
        .limit(limit)
        .offset(offset)
        .select((
            audit_entries::id,
            audit_entries::actor_id,
            audit_entries::action,
            audit_entries::object_type,
            audit_entries::object_id,
            audit_entries::before_state,
            audit_entries::after_state,
            audit_entries::occurred_at,
        ))
        .load(conn)
}
