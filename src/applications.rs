//! Applying for a cohort and moving an application through its lifecycle: each action checks
//! who may take it, asks the domain whether the change is allowed, and writes the change, its
//! history entry and its emails in one transaction.
//!
//! SQLite note: every transaction here starts with a write, so that it takes the write lock
//! before reading anything and concurrent writers queue on the busy timeout instead of failing.

use chrono::{NaiveDateTime, Utc};
use diesel::Connection;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::auth::CurrentUser;
use crate::db::catalogue::{self, Cohort, Programme};
use crate::db::enrolments::{self, Enrolment, NewEnrolment, StatusChange};
use crate::db::people::{self, Person};
use crate::db::{self, DbConnection, outbox, stages};
use crate::domain::eligibility::{self, Applicant, EligibilityRules};
use crate::domain::enrolment::{self as lifecycle, EnrolmentEvent, EnrolmentStatus};
use crate::domain::language::Language;
use crate::domain::role::Role;
use crate::error::{AppError, AppResult};
use crate::i18n::t_with;
use crate::mail::compose::{self, Recipient};
use crate::state::AppState;

/// What the applicant is told after applying.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ApplicationOutcome {
    pub id: String,
    pub status: EnrolmentStatus,
    /// 1 for the head of the waiting list; only while waitlisted.
    pub waitlist_position: Option<i64>,
}

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

fn is_unique_violation(error: &AppError) -> bool {
    matches!(
        error,
        AppError::Internal(e) if e.downcast_ref::<DieselError>()
            .is_some_and(|d| matches!(d, DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)))
    )
}

fn language_of(person: &Person) -> Language {
    Language::parse(&person.preferred_language).unwrap_or_default()
}

/// Cohort and programme names as the recipient reads them.
struct Names {
    programme: String,
    cohort: String,
}

fn names(language: Language, programme: &Programme, cohort: &Cohort) -> Names {
    Names {
        programme: language
            .pick(&programme.title_en, &programme.title_cy)
            .to_owned(),
        cohort: cohort.name.clone(),
    }
}

/// What an applicant is told about: their application is now `status`.
struct Notice<'a> {
    person: &'a Person,
    programme: &'a Programme,
    cohort: &'a Cohort,
    status: EnrolmentStatus,
    position: Option<i64>,
    /// A seat came from the waiting list rather than straight away.
    promoted: bool,
}

/// Queues the email that tells the applicant where their application stands.
fn tell_applicant(conn: &mut DbConnection, public_url: &str, notice: Notice<'_>) -> AppResult<()> {
    let Notice {
        person,
        programme,
        cohort,
        status,
        position,
        promoted,
    } = notice;
    let language = language_of(person);
    let Names {
        programme: programme_name,
        cohort: cohort_name,
    } = names(language, programme, cohort);
    let args = |extra: &[(&'static str, String)]| {
        let mut all = vec![
            ("programme", programme_name.clone()),
            ("cohort", cohort_name.clone()),
        ];
        all.extend_from_slice(extra);
        all
    };
    let (template, subject_key, body_key, extra) = match (status, promoted) {
        (EnrolmentStatus::Confirmed, true) => (
            "promoted",
            "email-promoted-subject",
            "email-promoted-body",
            vec![],
        ),
        (EnrolmentStatus::Confirmed, false) => (
            "confirmed",
            "email-confirmed-subject",
            "email-confirmed-body",
            vec![("starts", cohort.starts_on.format("%d/%m/%Y").to_string())],
        ),
        (EnrolmentStatus::Waitlisted, _) => (
            "waitlisted",
            "email-waitlisted-subject",
            "email-waitlisted-body",
            vec![("position", position.unwrap_or_default().to_string())],
        ),
        (EnrolmentStatus::AwaitingEndorsement, _) => (
            "application_received",
            "email-received-subject",
            "email-received-body",
            vec![],
        ),
        (EnrolmentStatus::Declined, _) => (
            "declined",
            "email-declined-subject",
            "email-declined-body",
            vec![],
        ),
        (EnrolmentStatus::Withdrawn, _) => (
            "withdrawn",
            "email-withdrawn-subject",
            "email-withdrawn-body",
            vec![],
        ),
        _ => return Ok(()),
    };
    let all_args = args(&extra);
    let recipient = Recipient {
        email: &person.email,
        name: &person.name,
        language,
    };
    let email = compose::notice(
        &recipient,
        template,
        t_with(language, subject_key, &all_args),
        vec![t_with(language, body_key, &all_args)],
        Some((
            t_with(language, "email-see-applications", &[]),
            format!("{public_url}/profile"),
        )),
        now(),
    )?;
    outbox::enqueue(conn, &email)?;
    Ok(())
}

fn ask_for_endorsement(
    conn: &mut DbConnection,
    public_url: &str,
    applicant: &Person,
    programme: &Programme,
    cohort: &Cohort,
) -> AppResult<()> {
    let Some(school_id) = &applicant.school_id else {
        return Ok(());
    };
    for head in people::headteachers_of(conn, school_id)? {
        let language = language_of(&head);
        let Names {
            programme: programme_name,
            cohort: cohort_name,
        } = names(language, programme, cohort);
        let args = [
            ("name", applicant.name.clone()),
            ("programme", programme_name),
            ("cohort", cohort_name),
        ];
        let recipient = Recipient {
            email: &head.email,
            name: &head.name,
            language,
        };
        let email = compose::notice(
            &recipient,
            "endorsement_request",
            t_with(language, "email-endorse-subject", &args),
            vec![t_with(language, "email-endorse-body", &args)],
            Some((
                t_with(language, "email-endorse-action", &[]),
                format!("{public_url}/profile"),
            )),
            now(),
        )?;
        outbox::enqueue(conn, &email)?;
    }
    Ok(())
}

pub fn accepting_applications(cohort: &Cohort, today: chrono::NaiveDate) -> bool {
    cohort.status == "open"
        && cohort.applications_open_on.is_none_or(|d| d <= today)
        && cohort.applications_close_on.is_none_or(|d| today <= d)
}

fn check_eligibility(
    conn: &mut DbConnection,
    user: &CurrentUser,
    programme: &Programme,
) -> AppResult<()> {
    let targets = catalogue::target_stages(conn, &programme.id)?;
    let rules = EligibilityRules::from_json(&programme.eligibility_rules);
    let all_stages = stages::all(conn)?;
    let position_of = |code: &str| {
        all_stages
            .iter()
            .find(|s| s.code == code)
            .map(|s| s.position)
    };
    let stage_code = user.person.stage_code.as_deref();
    let roles: Vec<&str> = user.grants.iter().map(|g| g.role.as_str()).collect();
    let applicant = Applicant {
        stage_code,
        stage_position: stage_code.and_then(position_of),
        roles: &roles,
    };
    let min_position = rules.min_stage.as_deref().and_then(position_of);
    eligibility::check(&applicant, &targets, &rules, min_position)
        .map_err(|reason| AppError::Refused(reason.message_key()))
}

/// Applies the signed-in person for a cohort.
pub async fn apply(
    state: &AppState,
    user: CurrentUser,
    cohort_id: String,
) -> AppResult<ApplicationOutcome> {
    let public_url = state.settings.public_url().to_owned();
    db::run(&state.pool, move |conn| {
        let cohort = catalogue::find_cohort(conn, &cohort_id)?.ok_or(AppError::NotFound)?;
        let programme =
            catalogue::find_programme(conn, &cohort.programme_id)?.ok_or(AppError::NotFound)?;
        if !accepting_applications(&cohort, Utc::now().date_naive()) {
            return Err(AppError::Conflict("problem-cohort-closed"));
        }
        check_eligibility(conn, &user, &programme)?;
        if enrolments::active_for(conn, user.id(), &programme.id)?.is_some() {
            return Err(AppError::Conflict("problem-already-applied"));
        }
        let result = conn.transaction::<_, AppError, _>(|conn| {
            let at = now();
            let (status, ticket) = if programme.requires_endorsement {
                (lifecycle::on_apply(true, false), None)
            } else if catalogue::claim_seat(conn, &cohort.id)? {
                (lifecycle::on_apply(false, true), None)
            } else {
                (
                    lifecycle::on_apply(false, false),
                    Some(catalogue::take_waitlist_ticket(conn, &cohort.id)?),
                )
            };
            let id = uuid::Uuid::new_v4().to_string();
            enrolments::insert(
                conn,
                &NewEnrolment {
                    id: &id,
                    person_id: user.id(),
                    cohort_id: &cohort.id,
                    programme_id: &programme.id,
                    status: status.as_str(),
                    active: status.is_active(),
                    waitlist_ticket: ticket,
                    eligibility_override_reason: None,
                    applied_at: at,
                    updated_at: at,
                },
            )?;
            enrolments::record_change(
                conn,
                &StatusChange {
                    enrolment_id: &id,
                    from: None,
                    to: status,
                    actor_id: Some(user.id()),
                    reason: None,
                    at,
                },
            )?;
            let position = match ticket {
                Some(ticket) => Some(enrolments::waitlist_position(conn, &cohort.id, ticket)?),
                None => None,
            };
            tell_applicant(
                conn,
                &public_url,
                Notice {
                    person: &user.person,
                    programme: &programme,
                    cohort: &cohort,
                    status,
                    position,
                    promoted: false,
                },
            )?;
            if status == EnrolmentStatus::AwaitingEndorsement {
                ask_for_endorsement(conn, &public_url, &user.person, &programme, &cohort)?;
            }
            Ok(ApplicationOutcome {
                id,
                status,
                waitlist_position: position,
            })
        });
        match result {
            Err(error) if is_unique_violation(&error) => {
                Err(AppError::Conflict("problem-already-applied"))
            }
            other => other,
        }
    })
    .await
}

/// The application with its cohort, programme and applicant, for an action on it.
struct Loaded {
    enrolment: Enrolment,
    status: EnrolmentStatus,
    cohort: Cohort,
    programme: Programme,
    applicant: Person,
}

fn load(conn: &mut DbConnection, enrolment_id: &str) -> AppResult<Loaded> {
    let enrolment = enrolments::find(conn, enrolment_id)?.ok_or(AppError::NotFound)?;
    let status = enrolment.status().ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!("unknown status {}", enrolment.status))
    })?;
    let cohort = catalogue::find_cohort(conn, &enrolment.cohort_id)?.ok_or(AppError::NotFound)?;
    let programme =
        catalogue::find_programme(conn, &cohort.programme_id)?.ok_or(AppError::NotFound)?;
    let applicant = people::find_by_id(conn, &enrolment.person_id)?.ok_or(AppError::NotFound)?;
    Ok(Loaded {
        enrolment,
        status,
        cohort,
        programme,
        applicant,
    })
}

/// True when `user` is the headteacher of the applicant's school (or a consortium admin).
fn may_endorse(user: &CurrentUser, applicant: &Person) -> bool {
    user.has(Role::ConsortiumAdmin)
        || user.grants.iter().any(|g| {
            g.role() == Some(Role::Headteacher)
                && g.school_id.is_some()
                && g.school_id == applicant.school_id
        })
}

/// Fills freed seats from the head of the waiting list, in ticket order, telling each person
/// promoted. Runs inside the caller's transaction, after its first write.
pub fn fill_from_waitlist(
    conn: &mut DbConnection,
    public_url: &str,
    cohort: &Cohort,
    programme: &Programme,
) -> AppResult<usize> {
    let mut promoted = 0;
    while let Some(next) = enrolments::first_waitlisted(conn, &cohort.id)? {
        if !catalogue::claim_seat(conn, &cohort.id)? {
            break;
        }
        let at = now();
        let to = lifecycle::next(EnrolmentStatus::Waitlisted, EnrolmentEvent::Promote)
            .map_err(|_| AppError::Conflict("problem-illegal-transition"))?;
        if !enrolments::change_status(conn, &next.id, EnrolmentStatus::Waitlisted, to, None, at)? {
            return Err(AppError::Conflict("problem-changed-meanwhile"));
        }
        enrolments::record_change(
            conn,
            &StatusChange {
                enrolment_id: &next.id,
                from: Some(EnrolmentStatus::Waitlisted),
                to,
                actor_id: None,
                reason: Some("promoted from the waiting list"),
                at,
            },
        )?;
        if let Some(person) = people::find_by_id(conn, &next.person_id)? {
            tell_applicant(
                conn,
                public_url,
                Notice {
                    person: &person,
                    programme,
                    cohort,
                    status: to,
                    position: None,
                    promoted: true,
                },
            )?;
        }
        promoted += 1;
    }
    Ok(promoted)
}

/// Withdraws the signed-in person's application; a freed seat goes to the next in line.
pub async fn withdraw(
    state: &AppState,
    user: CurrentUser,
    enrolment_id: String,
    reason: Option<String>,
) -> AppResult<ApplicationOutcome> {
    let public_url = state.settings.public_url().to_owned();
    db::run(&state.pool, move |conn| {
        let loaded = load(conn, &enrolment_id)?;
        if loaded.enrolment.person_id != user.id() {
            return Err(AppError::NotFound);
        }
        let to = lifecycle::next(loaded.status, EnrolmentEvent::Withdraw)
            .map_err(|_| AppError::Conflict("problem-illegal-transition"))?;
        conn.transaction::<_, AppError, _>(|conn| {
            let at = now();
            if !enrolments::change_status(conn, &enrolment_id, loaded.status, to, None, at)? {
                return Err(AppError::Conflict("problem-changed-meanwhile"));
            }
            enrolments::record_change(
                conn,
                &StatusChange {
                    enrolment_id: &enrolment_id,
                    from: Some(loaded.status),
                    to,
                    actor_id: Some(user.id()),
                    reason: reason.as_deref(),
                    at,
                },
            )?;
            tell_applicant(
                conn,
                &public_url,
                Notice {
                    person: &loaded.applicant,
                    programme: &loaded.programme,
                    cohort: &loaded.cohort,
                    status: to,
                    position: None,
                    promoted: false,
                },
            )?;
            if loaded.status.holds_seat() {
                catalogue::release_seat(conn, &loaded.cohort.id)?;
                fill_from_waitlist(conn, &public_url, &loaded.cohort, &loaded.programme)?;
            }
            Ok(ApplicationOutcome {
                id: enrolment_id.clone(),
                status: to,
                waitlist_position: None,
            })
        })
    })
    .await
}

/// The headteacher's decision on an application awaiting endorsement.
pub async fn decide_endorsement(
    state: &AppState,
    user: CurrentUser,
    enrolment_id: String,
    endorse: bool,
    reason: Option<String>,
) -> AppResult<ApplicationOutcome> {
    let public_url = state.settings.public_url().to_owned();
    db::run(&state.pool, move |conn| {
        let loaded = load(conn, &enrolment_id)?;
        if !may_endorse(&user, &loaded.applicant) {
            return Err(AppError::Forbidden);
        }
        if loaded.status != EnrolmentStatus::AwaitingEndorsement {
            return Err(AppError::Conflict("problem-illegal-transition"));
        }
        conn.transaction::<_, AppError, _>(|conn| {
            let at = now();
            let (to, ticket) = if endorse {
                let seat = catalogue::claim_seat(conn, &loaded.cohort.id)?;
                let to = lifecycle::next(
                    loaded.status,
                    EnrolmentEvent::Endorse {
                        seat_available: seat,
                    },
                )
                .map_err(|_| AppError::Conflict("problem-illegal-transition"))?;
                let ticket = if seat {
                    None
                } else {
                    Some(catalogue::take_waitlist_ticket(conn, &loaded.cohort.id)?)
                };
                (to, ticket)
            } else {
                let to = lifecycle::next(loaded.status, EnrolmentEvent::Decline)
                    .map_err(|_| AppError::Conflict("problem-illegal-transition"))?;
                (to, None)
            };
            if !enrolments::change_status(conn, &enrolment_id, loaded.status, to, ticket, at)? {
                return Err(AppError::Conflict("problem-changed-meanwhile"));
            }
            if endorse {
                enrolments::mark_endorsed(conn, &enrolment_id, user.id(), at)?;
            }
            enrolments::record_change(
                conn,
                &StatusChange {
                    enrolment_id: &enrolment_id,
                    from: Some(loaded.status),
                    to,
                    actor_id: Some(user.id()),
                    reason: reason.as_deref().or(Some(if endorse {
                        "endorsed"
                    } else {
                        "declined"
                    })),
                    at,
                },
            )?;
            let position = match ticket {
                Some(ticket) => Some(enrolments::waitlist_position(
                    conn,
                    &loaded.cohort.id,
                    ticket,
                )?),
                None => None,
            };
            tell_applicant(
                conn,
                &public_url,
                Notice {
                    person: &loaded.applicant,
                    programme: &loaded.programme,
                    cohort: &loaded.cohort,
                    status: to,
                    position,
                    promoted: false,
                },
            )?;
            Ok(ApplicationOutcome {
                id: enrolment_id.clone(),
                status: to,
                waitlist_position: position,
            })
        })
    })
    .await
}

/// The signed-in person's applications, newest first, with waiting-list positions.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ApplicationView {
    pub id: String,
    pub status: String,
    pub waitlist_position: Option<i64>,
    pub applied_at: NaiveDateTime,
    pub cohort_id: String,
    pub cohort_name: String,
    pub programme_id: String,
    pub programme_code: String,
    pub programme_title_en: String,
    pub programme_title_cy: String,
}

pub fn applications_of(
    conn: &mut DbConnection,
    person_id: &str,
) -> AppResult<Vec<ApplicationView>> {
    let rows = enrolments::for_person(conn, person_id)?;
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        let waitlist_position = match (row.status.as_str(), row.waitlist_ticket) {
            ("waitlisted", Some(ticket)) => {
                Some(enrolments::waitlist_position(conn, &row.cohort_id, ticket)?)
            }
            _ => None,
        };
        views.push(ApplicationView {
            id: row.id,
            status: row.status,
            waitlist_position,
            applied_at: row.applied_at,
            cohort_id: row.cohort_id,
            cohort_name: row.cohort_name,
            programme_id: row.programme_id,
            programme_code: row.programme_code,
            programme_title_en: row.programme_title_en,
            programme_title_cy: row.programme_title_cy,
        });
    }
    Ok(views)
}

/// One line of a cohort's roster.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RosterEntry {
    pub application_id: String,
    pub person_id: String,
    pub name: String,
    pub email: String,
    pub school_en: Option<String>,
    pub school_cy: Option<String>,
    pub status: String,
    pub waitlist_position: Option<i64>,
    pub applied_at: NaiveDateTime,
}

/// True when `user` runs this cohort (its lead) or is a consortium admin.
pub fn may_manage(user: &CurrentUser, cohort: &Cohort) -> bool {
    user.has(Role::ConsortiumAdmin)
        || (user.has(Role::ProgrammeLead) && cohort.lead_id.as_deref() == Some(user.id()))
}

pub fn roster(
    conn: &mut DbConnection,
    user: &CurrentUser,
    cohort_id: &str,
) -> AppResult<Vec<RosterEntry>> {
    let cohort = catalogue::find_cohort(conn, cohort_id)?.ok_or(AppError::NotFound)?;
    if !may_manage(user, &cohort) {
        return Err(AppError::Forbidden);
    }
    let rows = enrolments::roster(conn, cohort_id)?;
    // Rows come in ticket order, so waitlisted people are numbered as they appear.
    let mut position = 0;
    Ok(rows
        .into_iter()
        .map(|row| {
            let waitlist_position =
                (row.status == EnrolmentStatus::Waitlisted.as_str()).then(|| {
                    position += 1;
                    position
                });
            RosterEntry {
                application_id: row.enrolment_id,
                person_id: row.person_id,
                name: row.name,
                email: row.email,
                school_en: row.school_en,
                school_cy: row.school_cy,
                status: row.status,
                waitlist_position,
                applied_at: row.applied_at,
            }
        })
        .collect())
}
