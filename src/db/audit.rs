//! The audit log: who changed what, when, before and after. Rows are only ever inserted.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::audit_log;

#[derive(Debug, Insertable)]
#[diesel(table_name = audit_log)]
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
    audit_log::table
        .filter(audit_log::object_type.eq(object_type))
        .filter(audit_log::object_id.eq(object_id))
        .order(audit_log::occurred_at.asc())
        .select((
            audit_log::actor_id,
            audit_log::action,
            audit_log::object_type,
            audit_log::object_id,
            audit_log::occurred_at,
        ))
        .load(conn)
}
