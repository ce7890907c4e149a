//! Personal-data rights: everything Llwybr holds about a person, as JSON; erasure by an admin;
//! and the retention period, after which people who are no longer seen are anonymised.
//!
//! Erasure anonymises rather than deletes: enrolments, attendance and evaluation answers stay,
//! so every count and rate in the reports is unchanged, but nothing left links them to a named
//! person (answers are unlinked from their invitation).

use std::time::Duration as StdDuration;

use chrono::{Duration, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::{Value, json};

use super::require_admin;
use crate::auth::CurrentUser;
use crate::config::Settings;
use crate::db::audit::{self, AuditEntry};
use crate::db::schema::{
    attendance, audit_log, career_entries, cohort_sessions, cohorts, email_outbox,
    enrolment_events, enrolments, evaluation_answers, evaluation_invitations, evaluation_questions,
    evaluation_responses, password_resets, people, programmes, role_grants,
};
use crate::db::{self, DbConnection, DbPool, people as people_db};
use crate::domain::enrolment::EnrolmentStatus;
use crate::domain::role::Role;
use crate::error::{AppError, AppResult};

/// What an erased person's name becomes, in both languages.
pub const ERASED_NAME: &str = "Erased person / Person wedi'i ddileu";

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// A career step: role, school, organisation, start, end, who recorded it and why.
type CareerLine = (
    String,
    Option<String>,
    Option<String>,
    NaiveDate,
    Option<NaiveDate>,
    Option<String>,
    Option<String>,
);

/// An application: id, programme code and title, cohort, status, when, the school it was made
/// from and any eligibility override's reason.
type ApplicationLine = (
    String,
    String,
    String,
    String,
    String,
    NaiveDateTime,
    Option<String>,
    Option<String>,
);

/// A change of an application: from, to, why, when and by whom.
type HistoryLine = (
    Option<String>,
    String,
    Option<String>,
    NaiveDateTime,
    Option<String>,
);

/// An evaluation answer: round, question in English and Welsh, value or text, and when given.
type AnswerLine = (
    String,
    String,
    String,
    Option<i32>,
    Option<String>,
    NaiveDateTime,
);

/// Everything held about `person_id`: profile, roles, applications with their history,
/// attendance, career, evaluation invitations and the answers of named rounds (never those of
/// anonymous rounds, which nothing links to anyone), the emails sent and the audit entries
/// about them.
pub fn export(conn: &mut DbConnection, person_id: &str) -> AppResult<Value> {
    let person = people_db::find_by_id(conn, person_id)?.ok_or(AppError::NotFound)?;
    let grants: Vec<Value> = people_db::grants_of(conn, person_id)?
        .into_iter()
        .map(|g| {
            json!({ "role": g.role, "school_id": g.school_id, "local_authority_id": g.local_authority_id,
                    "programme_id": g.programme_id, "granted_at": g.granted_at })
        })
        .collect();
    let applications: Vec<ApplicationLine> = enrolments::table
        .inner_join(cohorts::table.inner_join(programmes::table))
        .filter(enrolments::person_id.eq(person_id))
        .order(enrolments::applied_at.asc())
        .select((
            enrolments::id,
            programmes::code,
            programmes::title_en,
            cohorts::name,
            enrolments::status,
            enrolments::applied_at,
            enrolments::school_id,
            enrolments::eligibility_override_reason,
        ))
        .load(conn)?;
    let mut enrolment_list = Vec::new();
    for (id, code, title, cohort, status, applied_at, school_id, override_reason) in applications {
        // Who made each change (a headteacher endorsing, a lead completing) is part of it.
        let history: Vec<HistoryLine> = enrolment_events::table
            .filter(enrolment_events::enrolment_id.eq(&id))
            .order(enrolment_events::occurred_at.asc())
            .select((
                enrolment_events::from_status,
                enrolment_events::to_status,
                enrolment_events::reason,
                enrolment_events::occurred_at,
                enrolment_events::actor_id,
            ))
            .load(conn)?;
        let attended: Vec<(String, NaiveDateTime, String)> = attendance::table
            .inner_join(cohort_sessions::table)
            .filter(attendance::enrolment_id.eq(&id))
            .order(cohort_sessions::starts_at.asc())
            .select((
                cohort_sessions::title_en,
                cohort_sessions::starts_at,
                attendance::status,
            ))
            .load(conn)?;
        enrolment_list.push(json!({
            "id": id, "programme": code, "programme_title": title, "cohort": cohort,
            "status": status, "applied_at": applied_at, "school_id": school_id,
            "eligibility_override_reason": override_reason,
            "history": history.into_iter().map(|(from, to, reason, at, actor)| json!({"from": from, "to": to, "reason": reason, "at": at, "actor_id": actor})).collect::<Vec<_>>(),
            "attendance": attended.into_iter().map(|(session, at, status)| json!({"session": session, "starts_at": at, "status": status})).collect::<Vec<_>>(),
        }));
    }
    let career: Vec<CareerLine> = career_entries::table
        .filter(career_entries::person_id.eq(person_id))
        .order(career_entries::started_on.asc())
        .select((
            career_entries::role,
            career_entries::school_id,
            career_entries::organisation_name,
            career_entries::started_on,
            career_entries::ended_on,
            career_entries::recorded_by,
            career_entries::reason,
        ))
        .load(conn)?;
    let invitations: Vec<(String, NaiveDateTime, Option<NaiveDateTime>)> =
        evaluation_invitations::table
            .filter(evaluation_invitations::person_id.eq(person_id))
            .select((
                evaluation_invitations::round_id,
                evaluation_invitations::invited_at,
                evaluation_invitations::responded_at,
            ))
            .load(conn)?;
    // The answers given through their invitations: those of named rounds (an anonymous round's
    // answers are linked to no invitation).
    let theirs = evaluation_invitations::table
        .filter(evaluation_invitations::person_id.eq(person_id))
        .select(evaluation_invitations::id.nullable());
    let answers: Vec<AnswerLine> = evaluation_answers::table
        .inner_join(evaluation_responses::table)
        .inner_join(evaluation_questions::table)
        .filter(evaluation_responses::invitation_id.eq_any(theirs))
        .order((
            evaluation_responses::submitted_at.asc(),
            evaluation_questions::position.asc(),
        ))
        .select((
            evaluation_responses::round_id,
            evaluation_questions::prompt_en,
            evaluation_questions::prompt_cy,
            evaluation_answers::value_int,
            evaluation_answers::value_text,
            evaluation_responses::submitted_at,
        ))
        .load(conn)?;
    let emails: Vec<(String, String, NaiveDateTime, Option<NaiveDateTime>)> = email_outbox::table
        .filter(email_outbox::recipient_email.eq(&person.email))
        .order(email_outbox::created_at.asc())
        .select((
            email_outbox::template,
            email_outbox::subject,
            email_outbox::created_at,
            email_outbox::sent_at,
        ))
        .load(conn)?;
    let audit_rows: Vec<(String, NaiveDateTime, Option<String>)> = audit_log::table
        .filter(audit_log::object_type.eq("person"))
        .filter(audit_log::object_id.eq(person_id))
        .order(audit_log::occurred_at.asc())
        .select((
            audit_log::action,
            audit_log::occurred_at,
            audit_log::actor_id,
        ))
        .load(conn)?;
    Ok(json!({
        "exported_at": now(),
        "profile": {
            "id": person.id, "email": person.email, "name": person.name,
            "preferred_language": person.preferred_language, "school_id": person.school_id,
            "stage": person.stage_code, "job_title": person.job_title,
            "welsh_ability": person.welsh_ability, "active": person.active,
            "has_password": person.password_hash.is_some(),
            "created_at": person.created_at, "updated_at": person.updated_at,
            "last_seen_at": person.last_seen_at, "anonymised_at": person.anonymised_at,
        },
        "roles": grants,
        "enrolments": enrolment_list,
        "career": career.into_iter().map(|(role, school, org, start, end, recorded_by, reason)| json!({"role": role, "school_id": school, "organisation": org, "started_on": start, "ended_on": end, "recorded_by": recorded_by, "reason": reason})).collect::<Vec<_>>(),
        "evaluation_answers": answers.into_iter().map(|(round, prompt_en, prompt_cy, value, text, at)| json!({"round_id": round, "question_en": prompt_en, "question_cy": prompt_cy, "value": value, "text": text, "submitted_at": at})).collect::<Vec<_>>(),
        "evaluation_invitations": invitations.into_iter().map(|(round, invited, responded)| json!({"round_id": round, "invited_at": invited, "responded_at": responded})).collect::<Vec<_>>(),
        "emails": emails.into_iter().map(|(template, subject, created, sent)| json!({"template": template, "subject": subject, "created_at": created, "sent_at": sent})).collect::<Vec<_>>(),
        "audit": audit_rows.into_iter().map(|(action, at, actor)| json!({"action": action, "at": at, "actor_id": actor})).collect::<Vec<_>>(),
    }))
}

/// Erases a person, as an admin asked. Admins cannot erase themselves.
pub fn erase(conn: &mut DbConnection, user: &CurrentUser, person_id: &str) -> AppResult<()> {
    require_admin(user)?;
    if person_id == user.id() {
        return Err(AppError::Conflict("admin-error-erase-self"));
    }
    let person = people_db::find_by_id(conn, person_id)?.ok_or(AppError::NotFound)?;
    if person.anonymised_at.is_some() {
        return Err(AppError::Conflict("admin-error-erased"));
    }
    // Told before any work is done; `anonymise` asks again under its claim.
    if under_way(conn, &person.id)? {
        return Err(AppError::Conflict("admin-error-erase-under-way"));
    }
    if !anonymise(
        conn,
        &person.id,
        &person.email,
        Some(user.id()),
        "person.erased",
        LAST_DAY,
    )? {
        return Err(AppError::Conflict("admin-error-erased"));
    }
    Ok(())
}

/// A moment later than any a person is seen at: erasure asks for no retention cutoff.
const LAST_DAY: NaiveDateTime = NaiveDateTime::new(
    match chrono::NaiveDate::from_ymd_opt(9999, 12, 31) {
        Some(day) => day,
        None => chrono::NaiveDate::MIN,
    },
    chrono::NaiveTime::MIN,
);

/// Whether the person has an application under way, which would keep its seat, or its place
/// in the queue, for no one if they were anonymised.
fn under_way(conn: &mut DbConnection, person_id: &str) -> QueryResult<bool> {
    enrolments::table
        .filter(enrolments::person_id.eq(person_id))
        .filter(enrolments::status.eq_any(EnrolmentStatus::UNDER_WAY.map(EnrolmentStatus::as_str)))
        .count()
        .get_result::<i64>(conn)
        .map(|n| n > 0)
}

/// Anonymises one person in one transaction; false when someone else got there first or the
/// person has been seen since `unseen_since` (the conditional update is the claim, so several
/// processes may run retention at once). Refused, undoing it, when the person turns out to
/// have an application under way: one may have been made since the caller looked.
fn anonymise(
    conn: &mut DbConnection,
    person_id: &str,
    email: &str,
    actor: Option<&str>,
    action: &str,
    unseen_since: NaiveDateTime,
) -> AppResult<bool> {
    db::transaction::<_, AppError, _>(conn, |conn| {
        let now = now();
        let placeholder = format!("erased-{person_id}@erased.invalid");
        let claimed = diesel::update(
            people::table
                .filter(people::id.eq(person_id))
                .filter(people::email.eq(email))
                .filter(people::anonymised_at.is_null())
                .filter(
                    people::last_seen_at
                        .lt(unseen_since)
                        .or(people::last_seen_at
                            .is_null()
                            .and(people::created_at.lt(unseen_since))),
                ),
        )
        .set((
            people::email.eq(&placeholder),
            people::name.eq(ERASED_NAME),
            people::password_hash.eq(None::<String>),
            people::calendar_token.eq(None::<String>),
            people::job_title.eq(None::<String>),
            people::welsh_ability.eq(None::<String>),
            people::last_seen_at.eq(None::<NaiveDateTime>),
            people::active.eq(false),
            people::anonymised_at.eq(Some(now)),
            people::credentials_changed_at.eq(now),
            people::updated_at.eq(now),
        ))
        .execute(conn)?;
        if claimed == 0 {
            return Ok(false);
        }
        // Asked after the claim, which holds the person's row: an application made before it
        // is seen here.
        if under_way(conn, person_id)? {
            return Err(AppError::Conflict("admin-error-erase-under-way"));
        }
        diesel::delete(password_resets::table.filter(password_resets::person_id.eq(person_id)))
            .execute(conn)?;
        people_db::set_email_unconfirmed(conn, person_id, false, now)?;
        diesel::delete(
            role_grants::table
                .filter(role_grants::person_id.eq(person_id))
                .filter(role_grants::role.ne(Role::Participant.as_str())),
        )
        .execute(conn)?;
        // Reasons typed about their applications and career (a withdrawal's, an override's, an
        // admin's note) often name them or their health: the facts stay, the words go.
        let theirs = enrolments::table
            .filter(enrolments::person_id.eq(person_id))
            .select(enrolments::id);
        diesel::update(
            enrolment_events::table
                .filter(enrolment_events::enrolment_id.eq_any(theirs))
                .filter(enrolment_events::reason.is_not_null()),
        )
        .set(enrolment_events::reason.eq(None::<String>))
        .execute(conn)?;
        diesel::update(
            enrolments::table
                .filter(enrolments::person_id.eq(person_id))
                .filter(enrolments::eligibility_override_reason.is_not_null()),
        )
        .set(enrolments::eligibility_override_reason.eq(None::<String>))
        .execute(conn)?;
        diesel::update(
            career_entries::table
                .filter(career_entries::person_id.eq(person_id))
                .filter(career_entries::reason.is_not_null()),
        )
        .set(career_entries::reason.eq(None::<String>))
        .execute(conn)?;
        // The audit entries of their career steps hold the steps as they were, reasons and
        // all; the steps themselves stay in the career history.
        // Found by the person named in them, or (for an import's changes, which do not name
        // them) by the steps they hold now.
        let their_step = format!("%\"person_id\":\"{person_id}\"%");
        let their_steps = career_entries::table
            .filter(career_entries::person_id.eq(person_id))
            .select(career_entries::id);
        diesel::update(
            audit_log::table
                .filter(audit_log::object_type.eq("career_entry"))
                .filter(
                    audit_log::before_state
                        .like(&their_step)
                        .or(audit_log::after_state.like(&their_step))
                        .or(audit_log::object_id.eq_any(their_steps)),
                ),
        )
        .set((
            audit_log::before_state.eq(None::<String>),
            audit_log::after_state.eq(Some(r#"{"erased":true}"#)),
        ))
        .execute(conn)?;
        // Answers stay but lose their link: the region's response counts and satisfaction are
        // unchanged, while the person leaves their authority's figures altogether.
        let invitations = evaluation_invitations::table
            .filter(evaluation_invitations::person_id.eq(person_id))
            .select(evaluation_invitations::id);
        diesel::update(
            evaluation_responses::table
                .filter(evaluation_responses::invitation_id.eq_any(invitations.nullable())),
        )
        .set(evaluation_responses::invitation_id.eq(None::<String>))
        .execute(conn)?;
        // Unsent email to the person must not go out; sent email keeps only that it was sent.
        diesel::delete(
            email_outbox::table
                .filter(email_outbox::recipient_email.eq(email))
                .filter(email_outbox::sent_at.is_null()),
        )
        .execute(conn)?;
        diesel::update(email_outbox::table.filter(email_outbox::recipient_email.eq(email)))
            .set((
                email_outbox::recipient_email.eq(&placeholder),
                email_outbox::recipient_name.eq(ERASED_NAME),
                email_outbox::subject.eq(""),
                email_outbox::body_text.eq(""),
                email_outbox::body_html.eq(""),
                email_outbox::last_error.eq(None::<String>),
            ))
            .execute(conn)?;
        // Emails to others that named the person (a headteacher asked to endorse them, someone
        // invited by them) keep only that they were sent; one not yet sent goes unsent, rather
        // than blank.
        diesel::delete(
            email_outbox::table
                .filter(email_outbox::about_person_id.eq(person_id))
                .filter(email_outbox::sent_at.is_null()),
        )
        .execute(conn)?;
        diesel::update(email_outbox::table.filter(email_outbox::about_person_id.eq(person_id)))
            .set((
                email_outbox::subject.eq(""),
                email_outbox::body_text.eq(""),
                email_outbox::body_html.eq(""),
            ))
            .execute(conn)?;
        // Earlier audit entries about the person held their details; the facts stay.
        diesel::update(
            audit_log::table
                .filter(audit_log::object_type.eq("person"))
                .filter(audit_log::object_id.eq(person_id)),
        )
        .set((
            audit_log::before_state.eq(None::<String>),
            audit_log::after_state.eq(Some(r#"{"erased":true}"#)),
        ))
        .execute(conn)?;
        audit::record(
            conn,
            &AuditEntry {
                id: uuid::Uuid::new_v4().to_string(),
                actor_id: actor,
                action,
                object_type: "person",
                object_id: person_id,
                before_state: None,
                after_state: Some(r#"{"anonymised":true}"#.to_owned()),
                occurred_at: now,
            },
        )?;
        Ok(true)
    })
}

/// Anonymises everyone not seen (or, never having signed in, created) for more than
/// `days`, who holds no live application (one under way: a completed one, though it stops
/// the person applying to its programme again, does not keep them). Returns how many.
pub fn apply_retention(conn: &mut DbConnection, days: i64, now: NaiveDateTime) -> AppResult<usize> {
    let cutoff = now - Duration::days(days);
    let live = enrolments::table
        .filter(enrolments::person_id.eq(people::id))
        .filter(enrolments::status.eq_any(EnrolmentStatus::UNDER_WAY.map(EnrolmentStatus::as_str)));
    let due: Vec<(String, String)> = people::table
        .filter(people::anonymised_at.is_null())
        .filter(
            people::last_seen_at.lt(cutoff).or(people::last_seen_at
                .is_null()
                .and(people::created_at.lt(cutoff))),
        )
        .filter(diesel::dsl::not(diesel::dsl::exists(live)))
        .select((people::id, people::email))
        .limit(500)
        .load(conn)?;
    let mut anonymised = 0;
    for (id, email) in due {
        // Someone who signed in or applied since the list was read is left as they are.
        match anonymise(
            conn,
            &id,
            &email,
            None,
            "person.retention_anonymised",
            cutoff,
        ) {
            Ok(true) => anonymised += 1,
            Ok(false) | Err(AppError::Conflict(_)) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(anonymised)
}

/// Applies the retention period, when one is set, for as long as the server runs.
pub async fn run_retention(pool: DbPool, settings: Settings) {
    let days = settings.retention.inactive_after_days;
    if days <= 0 {
        return;
    }
    let mut interval = tokio::time::interval(StdDuration::from_secs(
        settings.retention.interval_secs.max(1),
    ));
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        let pool = pool.clone();
        let pass = tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
            db::with_connection(&pool, |conn| {
                apply_retention(conn, days, now()).map_err(|e| anyhow::anyhow!("{e:#}"))
            })
        })
        .await;
        match pass {
            Ok(Ok(0)) => {}
            Ok(Ok(n)) => tracing::info!(anonymised = n, "retention period applied"),
            Ok(Err(error)) => tracing::warn!(error = format!("{error:#}"), "retention pass failed"),
            Err(error) => tracing::warn!(%error, "retention pass stopped"),
        }
    }
}
