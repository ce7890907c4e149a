//! Sessions, registers and completion: a cohort's lead plans its sessions, takes a register at
//! each, and at the end marks every participant as having completed or not, against the
//! programme's attendance rule (`domain::completion`); a completed participant gets a
//! certificate.
//!
//! SQLite note (as in `applications`): every transaction here starts with a write, so that it
//! holds the write lock before it reads and concurrent writers queue instead of failing.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::applications::{ApplicationOutcome, Loaded, load, may_manage};
use crate::auth::CurrentUser;
use crate::db::attendance::{self as registers, AttendanceEntry, CohortSession, NewCohortSession};
use crate::db::catalogue::{self, Cohort};
use crate::db::enrolments::{self, StatusChange};
use crate::db::{self, DbConnection, outbox, session_reminders};
use crate::domain::FieldError;
use crate::domain::completion::{AttendanceStatus, AttendanceTally};
use crate::domain::enrolment::{self as lifecycle, EnrolmentEvent, EnrolmentStatus};
use crate::domain::language::Language;
use crate::domain::{session, wales_time};
use crate::error::{AppError, AppResult};
use crate::i18n::t_with;
use crate::mail::compose::{self, Recipient};
use crate::state::AppState;

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// A session as the API shows it; times are UTC.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct SessionView {
    pub id: String,
    pub cohort_id: String,
    pub title_en: String,
    pub title_cy: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub venue: Option<String>,
    pub online_url: Option<String>,
    /// It has started, so it counts towards attendance.
    pub held: bool,
}

impl SessionView {
    /// When it is, as a clock in Wales shows it: `14/09/2026 09:30–16:00`.
    pub fn when_in_wales(&self) -> String {
        let starts = wales_time::from_utc(self.starts_at.naive_utc());
        let ends = wales_time::from_utc(self.ends_at.naive_utc());
        let end_format = if ends.date() == starts.date() {
            "%H:%M"
        } else {
            "%d/%m/%Y %H:%M"
        };
        format!(
            "{}–{}",
            starts.format("%d/%m/%Y %H:%M"),
            ends.format(end_format)
        )
    }
}

fn session_view(session: CohortSession, now: NaiveDateTime) -> SessionView {
    SessionView {
        held: session::is_held(session.starts_at, now),
        id: session.id,
        cohort_id: session.cohort_id,
        title_en: session.title_en,
        title_cy: session.title_cy,
        starts_at: session.starts_at.and_utc(),
        ends_at: session.ends_at.and_utc(),
        venue: session.venue,
        online_url: session.online_url,
    }
}

/// A session as the lead planned it, already checked.
#[derive(Debug, Clone)]
pub struct SessionPlan {
    pub title_en: String,
    pub title_cy: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub venue: Option<String>,
    pub online_url: Option<String>,
}

fn managed_cohort(
    conn: &mut DbConnection,
    user: &CurrentUser,
    cohort_id: &str,
) -> AppResult<Cohort> {
    let cohort = catalogue::find_cohort(conn, cohort_id)?.ok_or(AppError::NotFound)?;
    if may_manage(user, &cohort) {
        Ok(cohort)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Adds a session to a cohort the user runs.
pub fn add_session(
    conn: &mut DbConnection,
    user: &CurrentUser,
    cohort_id: &str,
    plan: &SessionPlan,
) -> AppResult<SessionView> {
    let cohort = managed_cohort(conn, user, cohort_id)?;
    let id = uuid::Uuid::new_v4().to_string();
    let at = now();
    registers::insert_session(
        conn,
        &NewCohortSession {
            id: &id,
            cohort_id: &cohort.id,
            title_en: &plan.title_en,
            title_cy: &plan.title_cy,
            starts_at: plan.starts_at,
            ends_at: plan.ends_at,
            venue: plan.venue.as_deref(),
            online_url: plan.online_url.as_deref(),
            created_at: at,
        },
    )?;
    let created = registers::find_session(conn, &id)?.ok_or(AppError::NotFound)?;
    Ok(session_view(created, at))
}

/// The session, when the user runs its cohort.
fn managed_session(
    conn: &mut DbConnection,
    user: &CurrentUser,
    session_id: &str,
) -> AppResult<CohortSession> {
    let session = registers::find_session(conn, session_id)?.ok_or(AppError::NotFound)?;
    managed_cohort(conn, user, &session.cohort_id)?;
    Ok(session)
}

/// A session one can see (its lead, an admin).
pub fn managed_session_view(
    conn: &mut DbConnection,
    user: &CurrentUser,
    session_id: &str,
) -> AppResult<SessionView> {
    Ok(session_view(
        managed_session(conn, user, session_id)?,
        now(),
    ))
}

fn session_json(session: &CohortSession) -> serde_json::Value {
    serde_json::json!({
        "cohort_id": session.cohort_id, "title_en": session.title_en,
        "title_cy": session.title_cy, "starts_at": session.starts_at, "ends_at": session.ends_at,
        "venue": session.venue, "online_url": session.online_url,
    })
}

fn audit_session(
    conn: &mut DbConnection,
    user: &CurrentUser,
    action: &str,
    session_id: &str,
    before: &CohortSession,
    after: Option<&CohortSession>,
) -> AppResult<()> {
    crate::db::audit::record(
        conn,
        &crate::db::audit::AuditEntry {
            id: crate::db::new_row_id(),
            actor_id: Some(user.id()),
            action,
            object_type: "session",
            object_id: session_id,
            before_state: Some(session_json(before).to_string()),
            after_state: after.map(|a| session_json(a).to_string()),
            occurred_at: now(),
        },
    )?;
    Ok(())
}

/// The session, held for the rest of the caller's transaction: a change queues with a register
/// being taken, and what it replaces is what is read here.
fn locked_session(
    conn: &mut DbConnection,
    user: &CurrentUser,
    session_id: &str,
) -> AppResult<CohortSession> {
    if !registers::lock_register(conn, session_id)? {
        return Err(AppError::NotFound);
    }
    managed_session(conn, user, session_id)
}

/// Changes a session's titles, times or place (a slip, or a room or day moved). Its register
/// stays. When its time or place moves, reminders not yet sent are taken back and those sent
/// forgotten, so that everyone is reminded of where and when it now is.
pub fn change_session(
    conn: &mut DbConnection,
    user: &CurrentUser,
    session_id: &str,
    plan: &SessionPlan,
) -> AppResult<SessionView> {
    db::transaction::<_, AppError, _>(conn, |conn| {
        let before = locked_session(conn, user, session_id)?;
        registers::update_session(
            conn,
            session_id,
            &registers::SessionChanges {
                title_en: &plan.title_en,
                title_cy: &plan.title_cy,
                starts_at: plan.starts_at,
                ends_at: plan.ends_at,
                venue: plan.venue.as_deref(),
                online_url: plan.online_url.as_deref(),
            },
        )?;
        let moved = before.starts_at != plan.starts_at
            || before.venue != plan.venue
            || before.online_url != plan.online_url;
        if moved {
            session_reminders::withdraw_for_session(conn, session_id, now())?;
        }
        let after = registers::find_session(conn, session_id)?.ok_or(AppError::NotFound)?;
        audit_session(
            conn,
            user,
            "session.changed",
            session_id,
            &before,
            Some(&after),
        )?;
        Ok(session_view(after, now()))
    })
}

/// Removes a session planned in error or called off, while nothing refers to it: once a
/// register is taken or an evaluation round is about it, it stays (change it instead).
pub fn remove_session(
    conn: &mut DbConnection,
    user: &CurrentUser,
    session_id: &str,
) -> AppResult<String> {
    db::transaction::<_, AppError, _>(conn, |conn| {
        let before = locked_session(conn, user, session_id)?;
        if registers::is_referred_to(conn, session_id)? {
            return Err(AppError::Conflict("problem-session-in-use"));
        }
        registers::delete_session(conn, session_id, now())?;
        audit_session(conn, user, "session.deleted", session_id, &before, None)?;
        Ok(before.cohort_id)
    })
}

/// The cohort's sessions in time order, for those who run it and those applying to it.
pub fn sessions_for(
    conn: &mut DbConnection,
    user: &CurrentUser,
    cohort_id: &str,
) -> AppResult<Vec<SessionView>> {
    let cohort = catalogue::find_cohort(conn, cohort_id)?.ok_or(AppError::NotFound)?;
    if !may_manage(user, &cohort)
        && !registers::has_active_application(conn, user.id(), &cohort.id)?
    {
        return Err(AppError::Forbidden);
    }
    let at = now();
    Ok(registers::sessions_of(conn, &cohort.id)?
        .into_iter()
        .map(|s| session_view(s, at))
        .collect())
}

/// One line of a register as the lead sent it, not yet checked.
#[derive(Debug, Clone)]
pub struct RegisterLine {
    pub application_id: String,
    pub status: String,
}

/// A register line that has passed the checks that need no database.
struct CheckedLine<'a> {
    index: usize,
    application_id: &'a str,
    status: AttendanceStatus,
}

/// Longest register taken in one request: far above any real cohort.
pub const MAX_REGISTER_LINES: usize = 1000;

/// `records[3].status`: the field a line's problem is reported against.
fn line_field(index: usize, column: &'static str) -> String {
    format!("records[{index}].{column}")
}

/// The line a field named by `line_field` is about: `records[3].status` is line 3.
pub fn line_of_field(field: &str) -> Option<usize> {
    field
        .strip_prefix("records[")?
        .split_once(']')?
        .0
        .parse()
        .ok()
}

/// The checks that need no database: a status we know, an application named, and no
/// application twice.
fn check_lines(lines: &[RegisterLine]) -> Result<Vec<CheckedLine<'_>>, Vec<FieldError>> {
    if lines.is_empty() {
        return Err(vec![FieldError::new("records", "error-register-empty")]);
    }
    if lines.len() > MAX_REGISTER_LINES {
        return Err(vec![FieldError::new("records", "error-register-too-long")]);
    }
    let mut errors = Vec::new();
    let mut checked = Vec::with_capacity(lines.len());
    let mut seen = HashSet::new();
    for (index, line) in lines.iter().enumerate() {
        let application_id = line.application_id.trim();
        if application_id.is_empty() {
            errors.push(FieldError::new(
                line_field(index, "application_id"),
                "error-required",
            ));
        } else if !seen.insert(application_id) {
            errors.push(FieldError::new(
                line_field(index, "application_id"),
                "error-register-duplicate",
            ));
        }
        match AttendanceStatus::parse(line.status.trim()) {
            Some(status) => checked.push(CheckedLine {
                index,
                application_id,
                status,
            }),
            None => errors.push(FieldError::new(
                line_field(index, "status"),
                "error-attendance-status-invalid",
            )),
        }
    }
    if errors.is_empty() {
        Ok(checked)
    } else {
        Err(errors)
    }
}

/// Lines naming someone without a confirmed place in the cohort.
fn outsiders(
    conn: &mut DbConnection,
    cohort_id: &str,
    lines: &[CheckedLine<'_>],
) -> AppResult<Vec<FieldError>> {
    let ids: Vec<&str> = lines.iter().map(|l| l.application_id).collect();
    let confirmed: HashSet<String> = registers::statuses_in_cohort(conn, cohort_id, &ids)?
        .into_iter()
        .filter(|(_, status)| status == EnrolmentStatus::Confirmed.as_str())
        .map(|(id, _)| id)
        .collect();
    Ok(lines
        .iter()
        .filter(|l| !confirmed.contains(l.application_id))
        .map(|l| {
            FieldError::new(
                line_field(l.index, "application_id"),
                "error-register-not-participant",
            )
        })
        .collect())
}

/// What was written.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RegisterOutcome {
    pub session_id: String,
    /// Lines written, new or replacing an earlier entry.
    pub recorded: usize,
}

/// Takes (or corrects) a session's register. Every line is checked before any is written, and
/// all are written in one transaction: a register is stored whole or not at all.
pub fn take_register(
    conn: &mut DbConnection,
    user: &CurrentUser,
    session_id: &str,
    lines: &[RegisterLine],
) -> AppResult<RegisterOutcome> {
    let found = registers::find_session(conn, session_id)?.ok_or(AppError::NotFound)?;
    managed_cohort(conn, user, &found.cohort_id)?;
    let checked = check_lines(lines).map_err(AppError::Validation)?;
    db::transaction::<_, AppError, _>(conn, |conn| {
        if !registers::lock_register(conn, session_id)? {
            return Err(AppError::NotFound);
        }
        let strangers = outsiders(conn, &found.cohort_id, &checked)?;
        if !strangers.is_empty() {
            return Err(AppError::Validation(strangers));
        }
        let at = now();
        let before: std::collections::BTreeMap<String, String> =
            registers::statuses_at(conn, session_id)?
                .into_iter()
                .collect();
        let mut changed_before = serde_json::Map::new();
        let mut changed_after = serde_json::Map::new();
        for line in &checked {
            if let Some(old) = before.get(line.application_id) {
                changed_before.insert(line.application_id.to_owned(), old.as_str().into());
            }
            changed_after.insert(line.application_id.to_owned(), line.status.as_str().into());
        }
        crate::db::audit::record(
            conn,
            &crate::db::audit::AuditEntry {
                id: uuid::Uuid::new_v4().to_string(),
                actor_id: Some(user.id()),
                action: "attendance.recorded",
                object_type: "session",
                object_id: session_id,
                before_state: Some(serde_json::Value::Object(changed_before).to_string()),
                after_state: Some(serde_json::Value::Object(changed_after).to_string()),
                occurred_at: at,
            },
        )?;
        for line in &checked {
            registers::record(
                conn,
                &AttendanceEntry {
                    session_id,
                    enrolment_id: line.application_id,
                    status: line.status.as_str(),
                    recorded_by: Some(user.id()),
                    recorded_at: at,
                },
            )?;
        }
        Ok(RegisterOutcome {
            session_id: session_id.to_owned(),
            recorded: checked.len(),
        })
    })
}

/// One participant at one session; `None` when the register has no entry for them.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct SessionAttendance {
    pub session_id: String,
    pub status: Option<AttendanceStatus>,
}

/// One participant's attendance across the cohort.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ParticipantAttendance {
    pub application_id: String,
    pub person_id: String,
    pub name: String,
    /// The application's status: confirmed, completed or not_completed.
    pub status: String,
    /// One entry per session, in the order of `sessions`.
    pub sessions: Vec<SessionAttendance>,
    /// Sessions held at which they were present (apologies do not count).
    pub attended: u32,
    /// Sessions held that count for them: those of the cohort since they joined it, and those
    /// of a cohort they were moved from at which a register has them.
    pub held: u32,
    /// Whole percent of the sessions held, rounded down; null before any session is held.
    pub attendance_pct: Option<u32>,
    pub completion_rule_met: bool,
}

/// A cohort's registers, summed up per participant against the completion rule.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AttendanceSummary {
    pub cohort_id: String,
    /// The programme's completion rule: the share of sessions held a participant must attend.
    pub completion_min_attendance_pct: i32,
    pub sessions_held: u32,
    pub sessions: Vec<SessionView>,
    pub participants: Vec<ParticipantAttendance>,
}

type Register = HashMap<(String, String), AttendanceStatus>;

/// Who is tallied: a participant, when they were moved into the cohort (if they were), and
/// what registers of a cohort they were moved from say of them at sessions held.
struct Counted<'a> {
    application_id: &'a str,
    joined: Option<NaiveDateTime>,
    elsewhere: &'a [AttendanceStatus],
}

/// One participant's tally over the sessions held, from the cohort's registers: the sessions
/// held since they joined the cohort (those before were not theirs to attend), and those of a
/// cohort they were moved from at which a register has them.
fn tally_for(
    who: &Counted<'_>,
    sessions: &[CohortSession],
    register: &Register,
    at: NaiveDateTime,
) -> AttendanceTally {
    let entry = |s: &CohortSession| {
        register
            .get(&(s.id.clone(), who.application_id.to_owned()))
            .copied()
    };
    AttendanceTally::from_register(
        sessions
            .iter()
            .filter(|s| session::is_held(s.starts_at, at))
            .filter(|s| who.joined.is_none_or(|joined| s.starts_at >= joined) || entry(s).is_some())
            .map(entry)
            .chain(who.elsewhere.iter().map(|status| Some(*status))),
    )
}

/// Per application of the cohort, its register entries at held sessions of other cohorts.
fn registers_elsewhere(
    conn: &mut DbConnection,
    cohort_id: &str,
    at: NaiveDateTime,
) -> AppResult<HashMap<String, Vec<AttendanceStatus>>> {
    let mut found: HashMap<String, Vec<AttendanceStatus>> = HashMap::new();
    for (application, starts_at, status) in registers::entries_elsewhere(conn, cohort_id)? {
        if let Some(status) = AttendanceStatus::parse(&status)
            && session::is_held(starts_at, at)
        {
            found.entry(application).or_default().push(status);
        }
    }
    Ok(found)
}

fn register_of(conn: &mut DbConnection, cohort_id: &str) -> AppResult<Register> {
    Ok(registers::registers_of(conn, cohort_id)?
        .into_iter()
        .filter_map(|(session_id, enrolment_id, status)| {
            AttendanceStatus::parse(&status).map(|s| ((session_id, enrolment_id), s))
        })
        .collect())
}

pub fn summary(
    conn: &mut DbConnection,
    user: &CurrentUser,
    cohort_id: &str,
) -> AppResult<AttendanceSummary> {
    let cohort = managed_cohort(conn, user, cohort_id)?;
    let programme =
        catalogue::find_programme(conn, &cohort.programme_id)?.ok_or(AppError::NotFound)?;
    let sessions = registers::sessions_of(conn, &cohort.id)?;
    let register = register_of(conn, &cohort.id)?;
    let at = now();
    let elsewhere = registers_elsewhere(conn, &cohort.id, at)?;
    let rule = programme.completion_min_attendance_pct;
    let participants = registers::participants_of(conn, &cohort.id)?
        .into_iter()
        .map(|p| {
            let who = Counted {
                application_id: &p.enrolment_id,
                joined: p.joined_cohort_at,
                elsewhere: elsewhere
                    .get(&p.enrolment_id)
                    .map(Vec::as_slice)
                    .unwrap_or_default(),
            };
            let tally = tally_for(&who, &sessions, &register, at);
            ParticipantAttendance {
                sessions: sessions
                    .iter()
                    .map(|s| SessionAttendance {
                        session_id: s.id.clone(),
                        status: register
                            .get(&(s.id.clone(), p.enrolment_id.clone()))
                            .copied(),
                    })
                    .collect(),
                attended: tally.attended(),
                held: tally.held(),
                attendance_pct: tally.percentage(),
                completion_rule_met: tally.meets(rule),
                application_id: p.enrolment_id,
                person_id: p.person_id,
                name: p.name,
                status: p.status,
            }
        })
        .collect();
    let sessions_held = sessions
        .iter()
        .filter(|s| session::is_held(s.starts_at, at))
        .count();
    Ok(AttendanceSummary {
        cohort_id: cohort.id,
        completion_min_attendance_pct: rule,
        sessions_held: u32::try_from(sessions_held).unwrap_or(u32::MAX),
        sessions: sessions.into_iter().map(|s| session_view(s, at)).collect(),
        participants,
    })
}

/// The lead's decision at the end of the cohort.
#[derive(Debug, Clone)]
pub enum CompletionDecision {
    /// Completed. Below the attendance rule this needs `override_reason`, which is then the
    /// reason on record.
    Complete {
        reason: Option<String>,
        override_reason: Option<String>,
    },
    NotComplete {
        reason: Option<String>,
    },
}

impl CompletionDecision {
    fn event(&self) -> EnrolmentEvent {
        match self {
            CompletionDecision::Complete { .. } => EnrolmentEvent::Complete,
            CompletionDecision::NotComplete { .. } => EnrolmentEvent::NotComplete,
        }
    }

    fn reason(&self) -> Option<&str> {
        match self {
            CompletionDecision::Complete {
                reason,
                override_reason,
            } => override_reason.as_deref().or(reason.as_deref()),
            CompletionDecision::NotComplete { reason } => reason.as_deref(),
        }
    }

    fn overrides_rule(&self) -> bool {
        matches!(
            self,
            CompletionDecision::Complete {
                override_reason: Some(_),
                ..
            }
        )
    }
}

/// The participant's attendance now, read inside the caller's transaction.
fn attendance_of(
    conn: &mut DbConnection,
    cohort_id: &str,
    enrolment: &enrolments::Enrolment,
) -> AppResult<AttendanceTally> {
    let at = now();
    let sessions = registers::sessions_of(conn, cohort_id)?;
    let register: Register = registers::entries_for(conn, &enrolment.id)?
        .into_iter()
        .filter_map(|(session_id, status)| {
            AttendanceStatus::parse(&status).map(|s| ((session_id, enrolment.id.clone()), s))
        })
        .collect();
    let elsewhere = registers_elsewhere(conn, cohort_id, at)?
        .remove(&enrolment.id)
        .unwrap_or_default();
    let who = Counted {
        application_id: &enrolment.id,
        joined: enrolment.joined_cohort_at,
        elsewhere: &elsewhere,
    };
    Ok(tally_for(&who, &sessions, &register, at))
}

/// Queues the email that tells the participant how their programme ended, in their language.
fn tell_participant(
    conn: &mut DbConnection,
    public_url: &str,
    loaded: &Loaded,
    outcome: EnrolmentStatus,
) -> AppResult<()> {
    let person = &loaded.applicant;
    let language = Language::parse(&person.preferred_language).unwrap_or_default();
    let args = [
        (
            "programme",
            language
                .pick(&loaded.programme.title_en, &loaded.programme.title_cy)
                .to_owned(),
        ),
        ("cohort", loaded.cohort.name.clone()),
    ];
    let (template, subject, body, action) = if outcome == EnrolmentStatus::Completed {
        (
            "completed",
            "email-completed-subject",
            "email-completed-body",
            (
                "email-completed-action",
                format!(
                    "{public_url}/certificates/{}?lang={}",
                    loaded.enrolment.id,
                    language.code()
                ),
            ),
        )
    } else {
        (
            "not_completed",
            "email-not-completed-subject",
            "email-not-completed-body",
            (
                "email-see-applications",
                format!("{public_url}/applications?lang={}", language.code()),
            ),
        )
    };
    let email = compose::notice(
        &Recipient {
            email: &person.email,
            name: &person.name,
            language,
        },
        template,
        t_with(language, subject, &args),
        vec![t_with(language, body, &args)],
        Some((t_with(language, action.0, &[]), action.1)),
        now(),
    )?;
    outbox::enqueue(conn, &email)?;
    Ok(())
}

/// Marks a participant as having completed the programme or not (the cohort's lead or an
/// admin). The status change, its history entry and the participant's email are one
/// transaction; completing below the attendance rule is refused unless overridden.
pub async fn decide_completion(
    state: &AppState,
    user: CurrentUser,
    enrolment_id: String,
    decision: CompletionDecision,
) -> AppResult<ApplicationOutcome> {
    let public_url = state.settings.public_url().to_owned();
    db::run(&state.pool, move |conn| {
        let loaded = load(conn, &enrolment_id)?;
        if !may_manage(&user, &loaded.cohort) {
            return Err(AppError::Forbidden);
        }
        let to = lifecycle::next(loaded.status, decision.event())
            .map_err(|_| AppError::Conflict("problem-illegal-transition"))?;
        db::transaction::<_, AppError, _>(conn, |conn| {
            let at = now();
            // Putting "not completed" right makes the application live again: refused when the
            // person has applied to the programme again since (one live application each).
            let changed =
                enrolments::change_status(conn, &enrolment_id, loaded.as_read(), to, None, at)
                    .map_err(AppError::from)
                    .map_err(|error| {
                        if crate::applications::is_unique_violation(&error) {
                            AppError::Conflict("problem-completion-applied-again")
                        } else {
                            error
                        }
                    })?;
            if !changed {
                return Err(AppError::Conflict("problem-changed-meanwhile"));
            }
            // Read after the status change, under its lock, so that the register the rule is
            // judged on is the one in force when the decision is recorded.
            if to == EnrolmentStatus::Completed && !decision.overrides_rule() {
                let tally = attendance_of(conn, &loaded.cohort.id, &loaded.enrolment)?;
                if !tally.meets(loaded.programme.completion_min_attendance_pct) {
                    return Err(AppError::Refused("problem-completion-rule-not-met"));
                }
            }
            enrolments::record_change(
                conn,
                &StatusChange {
                    enrolment_id: &enrolment_id,
                    from: Some(loaded.status),
                    to,
                    actor_id: Some(user.id()),
                    reason: decision.reason(),
                    at,
                },
            )?;
            tell_participant(conn, &public_url, &loaded, to)?;
            Ok(ApplicationOutcome {
                id: enrolment_id.clone(),
                status: to,
                waitlist_position: None,
            })
        })
    })
    .await
}

/// What a certificate states.
#[derive(Debug, Clone)]
pub struct Certificate {
    pub application_id: String,
    pub participant_name: String,
    pub programme_title_en: String,
    pub programme_title_cy: String,
    pub cohort_name: String,
    pub completed_on: chrono::NaiveDate,
}

/// The certificate of a completed application, for its holder, the cohort's lead or an admin.
/// Anyone else, and any application not completed, finds nothing: a certificate's existence
/// is itself personal.
pub fn certificate(
    conn: &mut DbConnection,
    user: &CurrentUser,
    enrolment_id: &str,
) -> AppResult<Certificate> {
    let loaded = load(conn, enrolment_id)?;
    let may_see = loaded.enrolment.person_id == user.id() || may_manage(user, &loaded.cohort);
    if !may_see || loaded.status != EnrolmentStatus::Completed {
        return Err(AppError::NotFound);
    }
    let completed_at = registers::last_change_to(conn, enrolment_id, EnrolmentStatus::Completed)?
        .unwrap_or(loaded.enrolment.updated_at);
    // Completion recorded after the cohort's end (a lead's late paperwork, an import of past
    // results) dates from the end, as the outcome measures do; recorded early, from the day.
    let completed_on = wales_time::from_utc(completed_at)
        .date()
        .min(loaded.cohort.ends_on);
    Ok(Certificate {
        application_id: loaded.enrolment.id,
        participant_name: loaded.applicant.name,
        programme_title_en: loaded.programme.title_en,
        programme_title_cy: loaded.programme.title_cy,
        cohort_name: loaded.cohort.name,
        completed_on,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lines_field_names_its_line() {
        assert_eq!(line_of_field(&line_field(3, "status")), Some(3));
        assert_eq!(line_of_field("records[12].application_id"), Some(12));
        assert_eq!(line_of_field("records"), None);
        assert_eq!(line_of_field("records[x].status"), None);
    }

    fn line(application_id: &str, status: &str) -> RegisterLine {
        RegisterLine {
            application_id: application_id.to_owned(),
            status: status.to_owned(),
        }
    }

    fn fields(result: Result<Vec<CheckedLine<'_>>, Vec<FieldError>>) -> Vec<String> {
        result
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field.into_owned())
            .collect()
    }

    #[test]
    fn each_bad_line_is_named_by_its_index() {
        let lines = [
            line("a", "present"),
            line("b", "late"),
            line("", "absent"),
            line("a", "apologies"),
        ];
        assert_eq!(
            fields(check_lines(&lines)),
            [
                "records[1].status",
                "records[2].application_id",
                "records[3].application_id"
            ]
        );
    }

    #[test]
    fn a_good_register_passes_with_its_statuses() {
        let lines = [line(" a ", "present"), line("b", "apologies")];
        let checked = check_lines(&lines).unwrap_or_default();
        let got: Vec<_> = checked
            .iter()
            .map(|l| (l.index, l.application_id, l.status))
            .collect();
        assert_eq!(
            got,
            [
                (0, "a", AttendanceStatus::Present),
                (1, "b", AttendanceStatus::Apologies)
            ]
        );
    }

    #[test]
    fn an_empty_or_huge_register_is_refused_as_a_whole() {
        assert_eq!(fields(check_lines(&[])), ["records"]);
        let huge: Vec<_> = (0..=MAX_REGISTER_LINES)
            .map(|i| line(&i.to_string(), "present"))
            .collect();
        assert_eq!(fields(check_lines(&huge)), ["records"]);
    }

    #[test]
    fn a_lines_field_names_its_row() {
        assert_eq!(line_field(7, "application_id"), "records[7].application_id");
    }
}
