//! The email outbox. Emails are written here in the same transaction as the change they
//! report, and a worker in any server process claims and sends them.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::DbConnection;
use super::schema::email_outbox;

#[derive(Debug, Insertable)]
#[diesel(table_name = email_outbox, treat_none_as_default_value = false)]
pub struct NewOutboxEmail {
    pub id: String,
    pub recipient_email: String,
    pub recipient_name: String,
    pub language: String,
    pub template: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub created_at: NaiveDateTime,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    /// Someone other than the recipient whom the email names, whose erasure blanks it.
    pub about_person_id: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = email_outbox)]
pub struct OutboxEmail {
    pub id: String,
    pub recipient_email: String,
    pub recipient_name: String,
    pub language: String,
    pub template: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub attempts: i32,
}

pub fn enqueue(conn: &mut DbConnection, email: &NewOutboxEmail) -> QueryResult<()> {
    diesel::insert_into(email_outbox::table)
        .values(email)
        .execute(conn)
        .map(|_| ())
}

/// Claims up to `limit` due emails for this worker. The claim is a conditional update, so when
/// several processes poll at once every email is claimed by exactly one of them; a claim lapses
/// after `lease`, so an email whose sender died is picked up again.
pub fn claim_due(
    conn: &mut DbConnection,
    claim_token: &str,
    now: NaiveDateTime,
    lease: Duration,
    limit: i64,
) -> QueryResult<Vec<OutboxEmail>> {
    let candidates: Vec<String> = email_outbox::table
        .filter(email_outbox::sent_at.is_null())
        .filter(email_outbox::next_attempt_at.le(now))
        .filter(
            email_outbox::claimed_until
                .is_null()
                .or(email_outbox::claimed_until.lt(now)),
        )
        .order(email_outbox::next_attempt_at.asc())
        .limit(limit)
        .select(email_outbox::id)
        .load(conn)?;
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    // One statement claims the batch. The conditions are repeated on the rows themselves, so
    // a row another worker claimed in the meantime is skipped (PostgreSQL re-checks them on a
    // row it had to wait for; SQLite has one writer at a time).
    diesel::update(
        email_outbox::table
            .filter(email_outbox::id.eq_any(&candidates))
            .filter(email_outbox::sent_at.is_null())
            .filter(
                email_outbox::claimed_until
                    .is_null()
                    .or(email_outbox::claimed_until.lt(now)),
            ),
    )
    .set((
        email_outbox::claimed_until.eq(now + lease),
        email_outbox::claim_token.eq(claim_token),
    ))
    .execute(conn)?;
    email_outbox::table
        .filter(email_outbox::id.eq_any(&candidates))
        .filter(email_outbox::claim_token.eq(claim_token))
        .filter(email_outbox::sent_at.is_null())
        .order(email_outbox::next_attempt_at.asc())
        .select(OutboxEmail::as_select())
        .load(conn)
}

/// Marks the emails `ids` sent, if this worker's claim on them still holds.
pub fn mark_sent(
    conn: &mut DbConnection,
    ids: &[String],
    claim_token: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    if ids.is_empty() {
        return Ok(0);
    }
    diesel::update(
        email_outbox::table
            .filter(email_outbox::id.eq_any(ids))
            .filter(email_outbox::claim_token.eq(claim_token)),
    )
    .set((
        email_outbox::sent_at.eq(now),
        email_outbox::claimed_until.eq(None::<NaiveDateTime>),
        email_outbox::last_error.eq(None::<String>),
    ))
    .execute(conn)
}

/// Gives back the claim on emails `ids` not tried, so that any process sends them at its next
/// pass instead of after the lease: what a worker stopped in the middle of a batch leaves.
pub fn release(conn: &mut DbConnection, ids: &[String], claim_token: &str) -> QueryResult<usize> {
    if ids.is_empty() {
        return Ok(0);
    }
    diesel::update(
        email_outbox::table
            .filter(email_outbox::id.eq_any(ids))
            .filter(email_outbox::claim_token.eq(claim_token))
            .filter(email_outbox::sent_at.is_null()),
    )
    .set(email_outbox::claimed_until.eq(None::<NaiveDateTime>))
    .execute(conn)
}

/// Records a failed attempt and when to try again.
pub fn mark_failed(
    conn: &mut DbConnection,
    id: &str,
    claim_token: &str,
    error: &str,
    retry_at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        email_outbox::table
            .filter(email_outbox::id.eq(id))
            .filter(email_outbox::claim_token.eq(claim_token)),
    )
    .set((
        email_outbox::attempts.eq(email_outbox::attempts + 1),
        email_outbox::next_attempt_at.eq(retry_at),
        email_outbox::claimed_until.eq(None::<NaiveDateTime>),
        email_outbox::last_error.eq(error),
    ))
    .execute(conn)
}

#[derive(Debug, Queryable)]
pub struct OutboxStatus {
    pub recipient_email: String,
    pub template: String,
    pub attempts: i32,
    pub sent_at: Option<NaiveDateTime>,
}

pub fn status_for(
    conn: &mut DbConnection,
    recipient_email: &str,
) -> QueryResult<Vec<OutboxStatus>> {
    email_outbox::table
        .filter(email_outbox::recipient_email.eq(recipient_email))
        .order(email_outbox::created_at.asc())
        .select((
            email_outbox::recipient_email,
            email_outbox::template,
            email_outbox::attempts,
            email_outbox::sent_at,
        ))
        .load(conn)
}

/// Emails whose link sets the account's password (the welcome email's, which confirms the
/// address, is a single-use link of the same kind). Their text is never shown again in Llwybr:
/// anyone with a moment at a signed-in screen could ask for a reset, read the link there and
/// keep the account after its owner changes the password.
pub const PASSWORD_LINK_TEMPLATES: [&str; 3] = ["password_reset", "invitation", "welcome"];

/// An email as its recipient reads it again in Llwybr: its text is `None` for one that carries
/// a link to set the password (`PASSWORD_LINK_TEMPLATES`).
#[derive(Debug)]
pub struct SentCopy {
    pub subject: String,
    pub body_text: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

/// The emails to this address, newest first, sent or still waiting to go.
pub fn copies_for(
    conn: &mut DbConnection,
    recipient_email: &str,
    limit: i64,
) -> QueryResult<Vec<SentCopy>> {
    email_outbox::table
        .filter(email_outbox::recipient_email.eq(recipient_email))
        .order(email_outbox::created_at.desc())
        .limit(limit)
        .select((
            email_outbox::template,
            email_outbox::subject,
            email_outbox::body_text,
            email_outbox::created_at,
            email_outbox::sent_at,
        ))
        .load::<(String, String, String, NaiveDateTime, Option<NaiveDateTime>)>(conn)
        .map(|rows| {
            rows.into_iter()
                .map(|(template, subject, body, created_at, sent_at)| SentCopy {
                    subject,
                    body_text: (!PASSWORD_LINK_TEMPLATES.contains(&template.as_str()))
                        .then_some(body),
                    created_at,
                    sent_at,
                })
                .collect()
        })
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use diesel::connection::InstrumentationEvent;
    use diesel::sql_types::{BigInt, Text};

    use super::*;

    #[derive(Debug, QueryableByName)]
    struct PlanStep {
        #[diesel(sql_type = Text)]
        detail: String,
    }

    /// SQLite's plan for each statement `look_up` runs.
    fn plans_of(
        conn: &mut DbConnection,
        look_up: impl FnOnce(&mut DbConnection),
    ) -> Vec<Vec<String>> {
        let statements = Arc::new(Mutex::new(Vec::<String>::new()));
        let seen = Arc::clone(&statements);
        conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::StartQuery { query, .. } = event {
                seen.lock().expect("the list").push(query.to_string());
            }
        });
        look_up(conn);
        conn.set_instrumentation(|_: InstrumentationEvent<'_>| {});
        let statements = statements.lock().expect("the list").clone();
        statements
            .iter()
            .map(|statement| {
                // Each statement shows as its SQL followed by its binds: here the address,
                // then the limit if there is one.
                let sql = statement.split(" -- binds:").next().unwrap_or(statement);
                let explain = diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
                    .bind::<Text, _>("awen@ysgol.cymru");
                let plan = if sql.matches('?').count() == 2 {
                    explain.bind::<BigInt, _>(100).load::<PlanStep>(conn)
                } else {
                    explain.load::<PlanStep>(conn)
                };
                plan.expect("a plan")
                    .into_iter()
                    .map(|step| step.detail)
                    .collect()
            })
            .collect()
    }

    /// A person's emails (the page where they read them again, their export, their erasure)
    /// are found through the index of recipients, in order, not by reading every email queued.
    #[test]
    fn a_recipients_emails_are_found_through_an_index() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let url = format!("sqlite://{}", dir.path().join("outbox.sqlite3").display());
        let mut conn = super::super::open(&url).expect("a connection");
        super::super::run_migrations(&mut conn).expect("the migrations");

        let plans = plans_of(&mut conn, |conn| {
            copies_for(conn, "awen@ysgol.cymru", 100).expect("the copies");
            status_for(conn, "awen@ysgol.cymru").expect("the statuses");
        });
        assert_eq!(plans.len(), 2, "{plans:?}");
        for plan in plans {
            assert!(
                plan.iter()
                    .any(|step| step.contains("USING INDEX email_outbox_recipient")),
                "{plan:?}"
            );
            assert!(
                !plan.iter().any(|step| step.contains("TEMP B-TREE")),
                "{plan:?}"
            );
        }
    }
}
