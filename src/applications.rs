//! Applying for a cohort and moving an application through its lifecycle: each action checks
//! who may take it, asks the domain whether the change is allowed, and writes the change, its
//! history entry and its emails in one transaction.
//!
//! SQLite note: every transaction here starts with a write, so that it takes the write lock
//! before reading anything and concurrent writers queue on the busy timeout instead of failing.

use chrono::{NaiveDateTime, Utc};
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::auth::{Authenticated, CurrentUser};
use crate::db::catalogue::{self, Cohort, Programme};
use crate::db::enrolments::{self, Enrolment, NewEnrolment, StatusChange};
use crate::db::people::{self, Person, RoleGrant};
use crate::db::{self, DbConnection, outbox};
use crate::domain::academic_year::academic_year;
use crate::domain::eligibility::{self, Applicant, EligibilityRules};
use crate::domain::enrolment::{self as lifecycle, EnrolmentEvent, EnrolmentStatus};
use crate::domain::language::Language;
use crate::domain::role::Role;
use crate::domain::stage::ContinuumStage;
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

pub(crate) fn is_unique_violation(error: &AppError) -> bool {
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
            format!("{public_url}/applications?lang={}", language.code()),
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
    let heads = people::headteachers_of(conn, school_id)?;
    for head in heads.iter().filter(|head| head.id != applicant.id) {
        let language = language_of(head);
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
        let mut email = compose::notice(
            &recipient,
            "endorsement_request",
            t_with(language, "email-endorse-subject", &args),
            vec![t_with(language, "email-endorse-body", &args)],
            Some((
                t_with(language, "email-endorse-action", &[]),
                format!("{public_url}/endorsements?lang={}", language.code()),
            )),
            now(),
        )?;
        email.about_person_id = Some(applicant.id.clone());
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
    all_stages: &[ContinuumStage],
    applicant: &Person,
    grants: &[RoleGrant],
    programme: &Programme,
    targets: &[String],
) -> AppResult<()> {
    let rules = EligibilityRules::from_json(&programme.eligibility_rules);
    let position_of = |code: &str| {
        all_stages
            .iter()
            .find(|s| s.code == code)
            .map(|s| s.position)
    };
    let stage_code = applicant.stage_code.as_deref();
    let roles: Vec<&str> = grants.iter().map(|g| g.role.as_str()).collect();
    let career = if rules.needs_career() {
        people::career_of(conn, &applicant.id)?
    } else {
        Vec::new()
    };
    let applicant = Applicant {
        stage_code,
        stage_position: stage_code.and_then(position_of),
        roles: &roles,
        career: &career,
        today: Utc::now().date_naive(),
    };
    let min_position = rules.min_stage.as_deref().and_then(position_of);
    eligibility::check(&applicant, targets, &rules, min_position)
        .map_err(|reason| AppError::Refused(reason.message_key()))
}

/// Who an application is for, when it is not simply the signed-in person applying for
/// themselves: a consortium admin may apply for someone, and may override the eligibility rules
/// with a reason that is recorded.
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ApplyFor {
    pub person_id: Option<String>,
    pub override_reason: Option<String>,
}

/// The applicant, and why the rules do not apply if an admin said so.
fn resolve_applicant(
    conn: &mut DbConnection,
    actor: &CurrentUser,
    request: ApplyFor,
) -> AppResult<(Person, Vec<RoleGrant>, Option<String>)> {
    let override_reason = crate::domain::reason::recorded(request.override_reason.as_deref());
    let for_someone_else = request
        .person_id
        .as_deref()
        .is_some_and(|id| id != actor.id());
    if (for_someone_else || override_reason.is_some()) && !actor.has(Role::ConsortiumAdmin) {
        return Err(AppError::Forbidden);
    }
    match request.person_id.filter(|_| for_someone_else) {
        Some(id) => {
            let person = people::find_by_id(conn, &id)?
                .filter(|p| p.active)
                .ok_or(AppError::NotFound)?;
            // As for someone applying themselves: the account may not be the address's owner's.
            if people::email_unconfirmed(conn, &person.id)? {
                return Err(AppError::Refused("problem-applicant-unconfirmed"));
            }
            let grants = people::grants_of(conn, &person.id)?;
            Ok((person, grants, override_reason))
        }
        // An address anyone may have typed: the application would be made, and its emails
        // sent, in the name of whoever owns it.
        None if actor.email_unconfirmed => Err(AppError::Refused("problem-confirm-email-first")),
        None => Ok((actor.person.clone(), actor.grants.clone(), override_reason)),
    }
}

/// Applies for a cohort: the signed-in person for themselves, or an admin for someone.
pub async fn apply(
    state: &AppState,
    user: Authenticated,
    cohort_id: String,
    request: ApplyFor,
) -> AppResult<ApplicationOutcome> {
    let public_url = state.settings.public_url().to_owned();
    let stages = state.stages.clone();
    state
        .writer
        .run(&state.pool, move |conn| {
            let user = user.load(conn)?;
            let (applicant, grants, override_reason) = resolve_applicant(conn, &user, request)?;
            let (cohort, programme, targets) =
                catalogue::find_cohort_for_application(conn, &cohort_id)?
                    .ok_or(AppError::NotFound)?;
            // A programme taken out of the catalogue takes no more applications either.
            if !programme.active || !accepting_applications(&cohort, Utc::now().date_naive()) {
                return Err(AppError::Conflict("problem-cohort-closed"));
            }
            if override_reason.is_none() {
                check_eligibility(conn, &stages, &applicant, &grants, &programme, &targets)?;
            }
            // A second live application to the programme is refused by the partial unique index
            // on (person, programme) when the application is inserted, which undoes the seat or
            // ticket taken before it: one statement fewer per application than asking first,
            // and the only check that holds when two arrive at once.
            let result = db::transaction::<_, AppError, _>(conn, |conn| {
                let at = now();
                let (status, ticket) = if programme.requires_endorsement {
                    (lifecycle::on_apply(true, false), None)
                } else {
                    let (seat, ticket) = catalogue::seat_or_ticket(conn, &cohort.id)?;
                    (lifecycle::on_apply(false, seat), ticket)
                };
                let id = crate::db::new_row_id();
                enrolments::insert(
                    conn,
                    &NewEnrolment {
                        id: &id,
                        person_id: &applicant.id,
                        cohort_id: &cohort.id,
                        programme_id: &programme.id,
                        status: status.as_str(),
                        active: status.is_active(),
                        waitlist_ticket: ticket,
                        eligibility_override_reason: override_reason.as_deref(),
                        academic_year: Some(academic_year(cohort.starts_on)),
                        applied_at: at,
                        updated_at: at,
                        school_id: applicant.school_id.as_deref(),
                    },
                )?;
                enrolments::record_change(
                    conn,
                    &StatusChange {
                        enrolment_id: &id,
                        from: None,
                        to: status,
                        actor_id: Some(user.id()),
                        reason: override_reason.as_deref(),
                        at,
                    },
                )?;
                let position = waitlist_position(conn, &cohort.id, ticket)?;
                tell_applicant(
                    conn,
                    &public_url,
                    Notice {
                        person: &applicant,
                        programme: &programme,
                        cohort: &cohort,
                        status,
                        position,
                        promoted: false,
                    },
                )?;
                if status == EnrolmentStatus::AwaitingEndorsement {
                    ask_for_endorsement(conn, &public_url, &applicant, &programme, &cohort)?;
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
pub(crate) struct Loaded {
    pub enrolment: Enrolment,
    pub status: EnrolmentStatus,
    pub cohort: Cohort,
    pub programme: Programme,
    pub applicant: Person,
}

impl Loaded {
    /// Where the application was when loaded: a change made from it applies only if it still is.
    pub fn as_read(&self) -> enrolments::AsRead<'_> {
        enrolments::AsRead {
            cohort_id: &self.cohort.id,
            status: self.status,
        }
    }
}

pub(crate) fn load(conn: &mut DbConnection, enrolment_id: &str) -> AppResult<Loaded> {
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

/// True when `user` is the headteacher of the school the application was made from (or a
/// consortium admin), and not the applicant: a head's own application is endorsed by another
/// head of the school or by the consortium. The school is the one recorded when they applied,
/// not the one on their profile now, which the applicant sets themselves.
fn may_endorse(user: &CurrentUser, enrolment: &Enrolment) -> bool {
    enrolment.person_id != user.id()
        && (user.has(Role::ConsortiumAdmin)
            || user.grants.iter().any(|g| {
                g.role() == Some(Role::Headteacher)
                    && g.school_id.is_some()
                    && g.school_id == enrolment.school_id
            }))
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
    let mut passed_over = std::collections::HashSet::new();
    while let Some(next) = enrolments::first_waitlisted(conn, &cohort.id)? {
        if passed_over.contains(&next.id) || !catalogue::claim_seat(conn, &cohort.id)? {
            break;
        }
        let at = now();
        let to = lifecycle::next(EnrolmentStatus::Waitlisted, EnrolmentEvent::Promote)
            .map_err(|_| AppError::Conflict("problem-illegal-transition"))?;
        if !enrolments::change_status(
            conn,
            &next.id,
            enrolments::AsRead {
                cohort_id: &cohort.id,
                status: EnrolmentStatus::Waitlisted,
            },
            to,
            None,
            at,
        )? {
            // The head of the queue withdrew or was moved while this ran (on PostgreSQL, where
            // that can commit in between): the seat goes to whoever is next instead, rather
            // than the withdrawal or capacity change that freed it failing.
            catalogue::release_seat(conn, &cohort.id)?;
            passed_over.insert(next.id);
            continue;
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

/// Gives the seat an application held (if it held one) to the next person waiting.
fn free_seat(conn: &mut DbConnection, public_url: &str, loaded: &Loaded) -> AppResult<()> {
    if loaded.status.holds_seat() {
        catalogue::release_seat(conn, &loaded.cohort.id)?;
        fill_from_waitlist(conn, public_url, &loaded.cohort, &loaded.programme)?;
    }
    Ok(())
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
        db::transaction::<_, AppError, _>(conn, |conn| {
            let at = now();
            if !enrolments::change_status(conn, &enrolment_id, loaded.as_read(), to, None, at)? {
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
            free_seat(conn, &public_url, &loaded)?;
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
        if !may_endorse(&user, &loaded.enrolment) {
            return Err(AppError::Forbidden);
        }
        if loaded.status != EnrolmentStatus::AwaitingEndorsement {
            return Err(AppError::Conflict("problem-illegal-transition"));
        }
        db::transaction::<_, AppError, _>(conn, |conn| {
            let at = now();
            let (to, ticket) = if endorse {
                let (seat, ticket) = catalogue::seat_or_ticket(conn, &loaded.cohort.id)?;
                let to = lifecycle::next(
                    loaded.status,
                    EnrolmentEvent::Endorse {
                        seat_available: seat,
                    },
                )
                .map_err(|_| AppError::Conflict("problem-illegal-transition"))?;
                (to, ticket)
            } else {
                let to = lifecycle::next(loaded.status, EnrolmentEvent::Decline)
                    .map_err(|_| AppError::Conflict("problem-illegal-transition"))?;
                (to, None)
            };
            if !enrolments::change_status(conn, &enrolment_id, loaded.as_read(), to, ticket, at)? {
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
            let position = waitlist_position(conn, &loaded.cohort.id, ticket)?;
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

/// The waiting-list position of a ticket, if there is one.
fn waitlist_position(
    conn: &mut DbConnection,
    cohort_id: &str,
    ticket: Option<i64>,
) -> AppResult<Option<i64>> {
    match ticket {
        Some(ticket) => Ok(Some(enrolments::waitlist_position(
            conn, cohort_id, ticket,
        )?)),
        None => Ok(None),
    }
}

/// Where an application goes when it is deferred or moved: another cohort of its programme.
fn target_cohort(conn: &mut DbConnection, loaded: &Loaded, cohort_id: &str) -> AppResult<Cohort> {
    let target = catalogue::find_cohort(conn, cohort_id)?
        .ok_or_else(|| AppError::field("cohort_id", "error-cohort-unknown"))?;
    if target.programme_id != loaded.programme.id || target.id == loaded.cohort.id {
        return Err(AppError::field("cohort_id", "error-cohort-not-sibling"));
    }
    if matches!(target.status.as_str(), "completed" | "cancelled") {
        return Err(AppError::Conflict("problem-cohort-closed"));
    }
    Ok(target)
}

/// Whether a person may defer into `target` of their own accord: it is open, and its
/// applications have not closed. A deferral books ahead, so a window not open yet is no bar.
fn open_to_deferral(target: &Cohort, today: chrono::NaiveDate) -> bool {
    target.status == "open" && target.applications_close_on.is_none_or(|d| today <= d)
}

/// Defers an application to a later cohort of the same programme: this one is closed as
/// deferred (its seat goes to the next in line) and a new one joins the later cohort, keeping
/// the endorsement it had.
pub async fn defer(
    state: &AppState,
    user: CurrentUser,
    enrolment_id: String,
    to_cohort_id: String,
) -> AppResult<ApplicationOutcome> {
    let public_url = state.settings.public_url().to_owned();
    db::run(&state.pool, move |conn| {
        let loaded = load(conn, &enrolment_id)?;
        let own = loaded.enrolment.person_id == user.id();
        if !own && !may_manage(&user, &loaded.cohort) {
            return Err(AppError::NotFound);
        }
        let to = lifecycle::next(loaded.status, EnrolmentEvent::Defer)
            .map_err(|_| AppError::Conflict("problem-illegal-transition"))?;
        let target = target_cohort(conn, &loaded, &to_cohort_id)?;
        // A lead sends people only into cohorts they run too, as when moving them; a person
        // defers only into a cohort that would still take their application.
        let runs_target = may_manage(&user, &target);
        if !own && !runs_target {
            return Err(AppError::Forbidden);
        }
        if !runs_target && !open_to_deferral(&target, Utc::now().date_naive()) {
            return Err(AppError::Conflict("problem-cohort-closed"));
        }
        if target.starts_on <= loaded.cohort.starts_on {
            return Err(AppError::field("cohort_id", "error-cohort-not-later"));
        }
        db::transaction::<_, AppError, _>(conn, |conn| {
            let at = now();
            if !enrolments::change_status(conn, &enrolment_id, loaded.as_read(), to, None, at)? {
                return Err(AppError::Conflict("problem-changed-meanwhile"));
            }
            let reason = format!("deferred to {}", target.name);
            enrolments::record_change(
                conn,
                &StatusChange {
                    enrolment_id: &enrolment_id,
                    from: Some(loaded.status),
                    to,
                    actor_id: Some(user.id()),
                    reason: Some(&reason),
                    at,
                },
            )?;
            free_seat(conn, &public_url, &loaded)?;
            let (status, ticket) = if loaded.status == EnrolmentStatus::AwaitingEndorsement {
                (EnrolmentStatus::AwaitingEndorsement, None)
            } else {
                let (seat, ticket) = catalogue::seat_or_ticket(conn, &target.id)?;
                (lifecycle::on_apply(false, seat), ticket)
            };
            let id = crate::db::new_row_id();
            enrolments::insert(
                conn,
                &NewEnrolment {
                    id: &id,
                    person_id: &loaded.applicant.id,
                    cohort_id: &target.id,
                    programme_id: &loaded.programme.id,
                    status: status.as_str(),
                    active: status.is_active(),
                    waitlist_ticket: ticket,
                    eligibility_override_reason: loaded
                        .enrolment
                        .eligibility_override_reason
                        .as_deref(),
                    academic_year: Some(academic_year(target.starts_on)),
                    applied_at: at,
                    updated_at: at,
                    school_id: loaded.enrolment.school_id.as_deref(),
                },
            )?;
            if let (Some(by), Some(when)) =
                (&loaded.enrolment.endorsed_by, loaded.enrolment.endorsed_at)
            {
                enrolments::mark_endorsed(conn, &id, by, when)?;
            }
            let reason = format!("deferred from {}", loaded.cohort.name);
            enrolments::record_change(
                conn,
                &StatusChange {
                    enrolment_id: &id,
                    from: None,
                    to: status,
                    actor_id: Some(user.id()),
                    reason: Some(&reason),
                    at,
                },
            )?;
            let position = waitlist_position(conn, &target.id, ticket)?;
            tell_applicant(
                conn,
                &public_url,
                Notice {
                    person: &loaded.applicant,
                    programme: &loaded.programme,
                    cohort: &target,
                    status,
                    position,
                    promoted: false,
                },
            )?;
            Ok(ApplicationOutcome {
                id,
                status,
                waitlist_position: position,
            })
        })
    })
    .await
}

/// A lead moves a participant to another cohort of the same programme: a seat there if one is
/// free, otherwise its waiting list; the seat left behind goes to the next in line.
pub async fn move_to_cohort(
    state: &AppState,
    user: CurrentUser,
    enrolment_id: String,
    to_cohort_id: String,
    reason: Option<String>,
) -> AppResult<ApplicationOutcome> {
    let public_url = state.settings.public_url().to_owned();
    db::run(&state.pool, move |conn| {
        let loaded = load(conn, &enrolment_id)?;
        if !may_manage(&user, &loaded.cohort) {
            return Err(AppError::Forbidden);
        }
        let target = target_cohort(conn, &loaded, &to_cohort_id)?;
        if !may_manage(&user, &target) {
            return Err(AppError::Forbidden);
        }
        // Checked before writing; the seat decides the status after the move.
        lifecycle::next(
            loaded.status,
            EnrolmentEvent::Move {
                seat_available: true,
            },
        )
        .map_err(|_| AppError::Conflict("problem-illegal-transition"))?;
        db::transaction::<_, AppError, _>(conn, |conn| {
            let at = now();
            let (seat, ticket) = catalogue::seat_or_ticket(conn, &target.id)?;
            let to = lifecycle::next(
                loaded.status,
                EnrolmentEvent::Move {
                    seat_available: seat,
                },
            )
            .map_err(|_| AppError::Conflict("problem-illegal-transition"))?;
            if !enrolments::move_to(
                conn,
                &enrolment_id,
                loaded.as_read(),
                &target.id,
                to,
                ticket,
                at,
            )? {
                return Err(AppError::Conflict("problem-changed-meanwhile"));
            }
            let why = reason
                .clone()
                .unwrap_or_else(|| format!("moved from {} to {}", loaded.cohort.name, target.name));
            enrolments::record_change(
                conn,
                &StatusChange {
                    enrolment_id: &enrolment_id,
                    from: Some(loaded.status),
                    to,
                    actor_id: Some(user.id()),
                    reason: Some(&why),
                    at,
                },
            )?;
            free_seat(conn, &public_url, &loaded)?;
            let position = waitlist_position(conn, &target.id, ticket)?;
            tell_applicant(
                conn,
                &public_url,
                Notice {
                    person: &loaded.applicant,
                    programme: &loaded.programme,
                    cohort: &target,
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
