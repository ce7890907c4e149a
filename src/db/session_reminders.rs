//! Which session reminders were queued, and the email each queued. A reminder not yet sent is
//! taken back when it would now be wrong: the person gave up their seat or was moved, or the
//! session moved or went. One already claimed by a sender may be on its way and is left alone.

use chrono::NaiveDateTime;
use diesel::dsl::{exists, not};
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{email_outbox, session_reminders};

/// Records that `enrolment_id` was reminded of `session_id` by the email `outbox_id`. The
/// primary key refuses a second reminder of the same session to the same place.
pub fn record(
    conn: &mut DbConnection,
    session_id: &str,
    enrolment_id: &str,
    outbox_id: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(session_reminders::table)
        .values((
            session_reminders::session_id.eq(session_id),
            session_reminders::enrolment_id.eq(enrolment_id),
            session_reminders::queued_at.eq(at),
            session_reminders::outbox_id.eq(outbox_id),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Deletes those of the emails `ids` that no sender has sent or holds.
fn withdraw_unsent(conn: &mut DbConnection, ids: &[String], now: NaiveDateTime) -> QueryResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    diesel::delete(
        email_outbox::table
            .filter(email_outbox::id.eq_any(ids))
            .filter(email_outbox::sent_at.is_null())
            .filter(
                email_outbox::claimed_until
                    .is_null()
                    .or(email_outbox::claimed_until.lt(now)),
            ),
    )
    .execute(conn)
    .map(|_| ())
}

/// The session moved or goes: its unsent reminders are taken back and every reminder of it
/// forgotten, so that the session as it now stands is reminded afresh.
pub fn withdraw_for_session(
    conn: &mut DbConnection,
    session_id: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let emails: Vec<String> = session_reminders::table
        .filter(session_reminders::session_id.eq(session_id))
        .filter(session_reminders::outbox_id.is_not_null())
        .select(session_reminders::outbox_id.assume_not_null())
        .load(conn)?;
    withdraw_unsent(conn, &emails, now)?;
    diesel::delete(session_reminders::table.filter(session_reminders::session_id.eq(session_id)))
        .execute(conn)
        .map(|_| ())
}

/// The application no longer holds its seat (withdrawn, deferred, moved, finished): reminders
/// not yet sent are taken back, and forgotten, so that a seat taken again is reminded again.
pub fn withdraw_for_enrolment(
    conn: &mut DbConnection,
    enrolment_id: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let emails: Vec<String> = session_reminders::table
        .filter(session_reminders::enrolment_id.eq(enrolment_id))
        .filter(session_reminders::outbox_id.is_not_null())
        .select(session_reminders::outbox_id.assume_not_null())
        .load(conn)?;
    if emails.is_empty() {
        return Ok(());
    }
    withdraw_unsent(conn, &emails, now)?;
    let email_kept =
        email_outbox::table.filter(email_outbox::id.nullable().eq(session_reminders::outbox_id));
    diesel::delete(
        session_reminders::table
            .filter(session_reminders::enrolment_id.eq(enrolment_id))
            .filter(session_reminders::outbox_id.is_not_null())
            .filter(not(exists(email_kept))),
    )
    .execute(conn)
    .map(|_| ())
}
