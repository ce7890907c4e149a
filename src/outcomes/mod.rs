//! Outcomes: people's career histories and the outcome measures computed from them (see
//! `domain::measures` for the rules).

pub mod career;
pub mod measures;

use chrono::{NaiveDateTime, Utc};

use crate::db::DbConnection;
use crate::db::audit::{self, AuditEntry};
use crate::error::AppResult;

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// Records a change with the state before and after it.
fn record(
    conn: &mut DbConnection,
    actor: &str,
    action: &str,
    object: (&str, &str),
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> AppResult<()> {
    audit::record(
        conn,
        &AuditEntry {
            id: crate::db::new_row_id(),
            actor_id: Some(actor),
            action,
            object_type: object.0,
            object_id: object.1,
            before_state: before.map(|b| b.to_string()),
            after_state: after.map(|a| a.to_string()),
            occurred_at: now(),
        },
    )?;
    Ok(())
}
