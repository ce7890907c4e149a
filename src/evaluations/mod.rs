//! Evaluation rounds: a lead opens one for a cohort, everyone with a place is invited by email
//! with a personal single-use link, and each answers once. Like `applications`, each action
//! checks who may take it, asks the domain, and writes the change, its audit entry and its
//! emails in one transaction that starts with a write (see the SQLite note there).
//!
//! Anonymous rounds: the response row has no invitation and its `submitted_at` is the round's
//! opening time, so neither a link nor a time can tie answers to whoever was marked answered.

pub mod background;
pub mod forms;
pub mod results;

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime, NaiveTime, Utc};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::applications::may_manage;
use crate::auth::CurrentUser;
use crate::db::audit::{self, AuditEntry};
use crate::db::catalogue::{self, Cohort, Programme};
use crate::db::evaluations::{self as store, NewInvitation, NewRound, Question, Round};
use crate::db::{self, DbConnection, outbox};
use crate::domain::FieldError;
use crate::domain::catalogue as rules;
use crate::domain::evaluation::{
    self as evaluation, QuestionKind, QuestionRule, RoundKind, RoundWindow,
};
use crate::domain::language::Language;
use crate::error::{AppError, AppResult};
use crate::i18n::t_with;
use crate::mail::compose::{self, Recipient};
use crate::state::AppState;

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// A fresh random link token and the hash that is all the database keeps of it.
pub(crate) fn new_token() -> (String, String) {
    let mut raw = [0u8; 32];
    rand::rng().fill_bytes(&mut raw);
    let token = hex::encode(raw);
    let hashed = token_hash(&token);
    (token, hashed)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

/// The personal link, opening in the recipient's language: they may not be signed in, and the
/// link may be opened in a browser that has never seen Llwybr.
pub(crate) fn respond_url(public_url: &str, token: &str, language: Language) -> String {
    format!(
        "{public_url}/evaluations/respond/{token}?lang={}",
        language.code()
    )
}

pub(crate) fn is_unique_violation(error: &AppError) -> bool {
    matches!(
        error,
        AppError::Internal(e) if e.downcast_ref::<DieselError>()
            .is_some_and(|d| matches!(d, DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)))
    )
}

/// What a lead asks for when opening a round.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct OpenRoundRequest {
    /// `end_of_programme`, `session` or `delayed_impact`.
    pub kind: String,
    /// `YYYY-MM-DD`; today when left out.
    pub opens_on: Option<String>,
    /// `YYYY-MM-DD`: the last day answers are taken.
    pub closes_on: String,
    /// No report can link an answer to a person; the response rate is still known.
    pub anonymous: bool,
    /// Remind those who have not answered every this many days (1-60); none when left out.
    pub reminder_every_days: Option<i64>,
    /// For a `session` round: which session of the cohort.
    pub session_id: Option<String>,
    /// The evaluation form to use (see `/api/v1/evaluation-forms`); the default form when left
    /// out.
    pub form_id: Option<String>,
}

/// A round checked and ready to store.
struct RoundPlan {
    kind: RoundKind,
    opens_at: NaiveDateTime,
    closes_at: NaiveDateTime,
    anonymous: bool,
    reminder_every_days: Option<i32>,
    session_id: Option<String>,
}

fn plan_round(request: &OpenRoundRequest, at: NaiveDateTime) -> Result<RoundPlan, Vec<FieldError>> {
    let mut errors = Vec::new();
    let kind = RoundKind::parse(request.kind.trim());
    if kind.is_none() {
        errors.push(FieldError::new("kind", "error-evaluation-kind"));
    }
    let today = at.date();
    let opens_on = match request.opens_on.as_deref().map(str::trim) {
        None | Some("") => Some(today),
        Some(raw) => rules::date("opens_on", raw)
            .map_err(|e| errors.push(e))
            .ok(),
    };
    let closes_on = rules::date("closes_on", &request.closes_on)
        .map_err(|e| errors.push(e))
        .ok();
    let reminder_every_days = evaluation::reminder_interval(request.reminder_every_days)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let session_id = request
        .session_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    if kind == Some(RoundKind::Session) && session_id.is_none() {
        errors.push(FieldError::new(
            "session_id",
            "error-evaluation-session-required",
        ));
    }
    let (Some(kind), Some(opens_on), Some(closes_on), true) =
        (kind, opens_on, closes_on, errors.is_empty())
    else {
        return Err(errors);
    };
    // A round opening today opens now; otherwise at the start of its day. It takes answers
    // until the end of its last day.
    let opens_at = if opens_on <= today {
        at
    } else {
        opens_on.and_time(NaiveTime::MIN)
    };
    let closes_at = (closes_on + Duration::days(1)).and_time(NaiveTime::MIN);
    evaluation::round_dates(opens_at, closes_at, at).map_err(|e| vec![e])?;
    Ok(RoundPlan {
        kind,
        opens_at,
        closes_at,
        anonymous: request.anonymous,
        reminder_every_days,
        session_id: session_id.filter(|_| kind == RoundKind::Session),
    })
}

/// A round as leads and the API see it, with its response rate.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RoundSummary {
    pub id: String,
    pub cohort_id: String,
    pub kind: RoundKind,
    pub anonymous: bool,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    pub reminder_every_days: Option<i32>,
    pub open_now: bool,
    pub invited: u32,
    pub responded: u32,
    pub response_rate_pct: Option<f64>,
}

/// The last day answers are taken: the round closes at the start of the day after.
fn last_day_before(closes_at: NaiveDateTime) -> chrono::NaiveDate {
    (closes_at - Duration::seconds(1)).date()
}

impl RoundSummary {
    pub fn last_day(&self) -> chrono::NaiveDate {
        last_day_before(self.closes_at)
    }

    pub fn is_closed(&self) -> bool {
        self.closes_at <= now()
    }
}

impl MyInvitation {
    pub fn last_day(&self) -> chrono::NaiveDate {
        last_day_before(self.closes_at)
    }
}

pub(crate) fn summarise(
    round: &Round,
    tallies: &HashMap<String, (u32, u32)>,
    at: NaiveDateTime,
) -> RoundSummary {
    let (invited, responded) = tallies.get(&round.id).copied().unwrap_or_default();
    RoundSummary {
        id: round.id.clone(),
        cohort_id: round.cohort_id.clone(),
        kind: RoundKind::parse(&round.kind).unwrap_or(RoundKind::EndOfProgramme),
        anonymous: round.anonymous,
        opens_at: round.opens_at,
        closes_at: round.closes_at,
        reminder_every_days: round.reminder_every_days,
        open_now: evaluation::window(round.opens_at, round.closes_at, at) == RoundWindow::Open,
        invited,
        responded,
        response_rate_pct: evaluation::percent(responded, invited),
    }
}

/// The rounds of a cohort with their response rates (its lead or an admin).
pub fn rounds_of_cohort(
    conn: &mut DbConnection,
    user: &CurrentUser,
    cohort_id: &str,
) -> AppResult<Vec<RoundSummary>> {
    let cohort = catalogue::find_cohort(conn, cohort_id)?.ok_or(AppError::NotFound)?;
    if !may_manage(user, &cohort) {
        return Err(AppError::Forbidden);
    }
    let rounds = store::rounds_of_cohort(conn, cohort_id)?;
    let tallies = store::invitation_tallies(
        conn,
        &store::RoundFilter::Cohort(cohort_id.to_owned()),
        None,
    )?;
    let at = now();
    Ok(rounds.iter().map(|r| summarise(r, &tallies, at)).collect())
}

fn audit_round(
    conn: &mut DbConnection,
    actor_id: Option<&str>,
    action: &str,
    round_id: &str,
    before: Option<String>,
    after: String,
    at: NaiveDateTime,
) -> AppResult<()> {
    audit::record(
        conn,
        &AuditEntry {
            id: uuid::Uuid::new_v4().to_string(),
            actor_id,
            action,
            object_type: "evaluation_round",
            object_id: round_id,
            before_state: before,
            after_state: Some(after),
            occurred_at: at,
        },
    )?;
    Ok(())
}

fn round_state(round: &NewRound<'_>) -> String {
    serde_json::json!({
        "cohort_id": round.cohort_id,
        "kind": round.kind,
        "anonymous": round.anonymous,
        "opens_at": round.opens_at,
        "closes_at": round.closes_at,
        "reminder_every_days": round.reminder_every_days,
    })
    .to_string()
}

/// Stores a round and, if it is open already, invites the cohort; inside the caller's
/// transaction.
fn insert_round_and_invite(
    conn: &mut DbConnection,
    public_url: &str,
    round: &NewRound<'_>,
    actor_id: Option<&str>,
    at: NaiveDateTime,
) -> AppResult<()> {
    store::insert_round(conn, round)?;
    audit_round(
        conn,
        actor_id,
        "evaluation_round.opened",
        round.id,
        None,
        round_state(round),
        at,
    )?;
    if round.opens_at <= at {
        let stored = store::find_round(conn, round.id)?.ok_or(AppError::NotFound)?;
        let prepared = prepare_invitations(conn, &stored)?;
        invite(conn, public_url, &prepared, at)?;
    }
    Ok(())
}

/// Opens a round for a cohort (its lead or an admin); a round open today emails its
/// invitations at once, a later one when it opens.
pub async fn open_round(
    state: &AppState,
    user: CurrentUser,
    cohort_id: String,
    request: OpenRoundRequest,
) -> AppResult<RoundSummary> {
    let at = now();
    let plan = plan_round(&request, at).map_err(AppError::Validation)?;
    let public_url = state.settings.public_url().to_owned();
    db::run(&state.pool, move |conn| {
        let cohort = catalogue::find_cohort(conn, &cohort_id)?.ok_or(AppError::NotFound)?;
        if !may_manage(&user, &cohort) {
            return Err(AppError::Forbidden);
        }
        if let Some(session_id) = &plan.session_id {
            let session = crate::db::attendance::find_session(conn, session_id)?;
            if session.is_none_or(|s| s.cohort_id != cohort.id) {
                return Err(AppError::field(
                    "session_id",
                    "error-evaluation-session-unknown",
                ));
            }
        }
        let chosen = request
            .form_id
            .as_deref()
            .map(str::trim)
            .filter(|f| !f.is_empty());
        let form_id = match chosen {
            Some(form_id) => store::find_form(conn, form_id)?
                .map(|f| f.id)
                .ok_or_else(|| AppError::field("form_id", "error-evaluation-form-unknown"))?,
            None => store::default_form_id(conn)?
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no default evaluation form")))?,
        };
        let id = uuid::Uuid::new_v4().to_string();
        db::transaction::<_, AppError, _>(conn, |conn| {
            // Held until the round is stored, as removing a session holds it: one removed since
            // it was checked above is refused here instead of failing its foreign key.
            if let Some(session_id) = &plan.session_id
                && !crate::db::attendance::lock_register(conn, session_id)?
            {
                return Err(AppError::field(
                    "session_id",
                    "error-evaluation-session-unknown",
                ));
            }
            let round = NewRound {
                id: &id,
                cohort_id: &cohort.id,
                form_id: &form_id,
                kind: plan.kind.as_str(),
                session_id: plan.session_id.as_deref(),
                anonymous: plan.anonymous,
                opens_at: plan.opens_at,
                closes_at: plan.closes_at,
                reminder_every_days: plan.reminder_every_days,
                created_by: Some(user.id()),
                created_at: at,
            };
            insert_round_and_invite(conn, &public_url, &round, Some(user.id()), at)
        })?;
        let round = store::find_round(conn, &id)?.ok_or(AppError::NotFound)?;
        let tallies =
            store::invitation_tallies(conn, &store::RoundFilter::Round(id.clone()), None)?;
        Ok(summarise(&round, &tallies, at))
    })
    .await
}

/// What a lead may change about a round once it is open.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RoundPatch {
    /// `YYYY-MM-DD`: the new last day answers are taken.
    pub closes_on: Option<String>,
    /// 1-60 days; 0 stops reminders.
    pub reminder_every_days: Option<i64>,
}

/// Extends or shortens a round and changes its reminder schedule; audited.
pub async fn change_round(
    state: &AppState,
    user: CurrentUser,
    round_id: String,
    patch: RoundPatch,
) -> AppResult<RoundSummary> {
    let at = now();
    let mut errors = Vec::new();
    let closes_on = patch.closes_on.as_deref().and_then(|raw| {
        rules::date("closes_on", raw)
            .map_err(|e| errors.push(e))
            .ok()
    });
    // None leaves the schedule alone, Some(None) stops reminders.
    let reminders: Option<Option<i32>> = match patch.reminder_every_days {
        None => None,
        Some(0) => Some(None),
        Some(days) => evaluation::reminder_interval(Some(days))
            .map_err(|e| errors.push(e))
            .ok(),
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    db::run(&state.pool, move |conn| {
        let round = store::find_round(conn, &round_id)?.ok_or(AppError::NotFound)?;
        let cohort = catalogue::find_cohort(conn, &round.cohort_id)?.ok_or(AppError::NotFound)?;
        if !may_manage(&user, &cohort) {
            return Err(AppError::Forbidden);
        }
        let closes_at = closes_on
            .map(|d| (d + Duration::days(1)).and_time(NaiveTime::MIN))
            .unwrap_or(round.closes_at);
        if closes_on.is_some() {
            evaluation::round_dates(round.opens_at, closes_at, at)
                .map_err(|e| AppError::Validation(vec![e]))?;
        }
        let every = reminders.unwrap_or(round.reminder_every_days);
        db::transaction::<_, AppError, _>(conn, |conn| {
            store::update_round(conn, &round.id, closes_at, every)?;
            let before = serde_json::json!({
                "closes_at": round.closes_at, "reminder_every_days": round.reminder_every_days,
            });
            let after = serde_json::json!({ "closes_at": closes_at, "reminder_every_days": every });
            audit_round(
                conn,
                Some(user.id()),
                "evaluation_round.changed",
                &round.id,
                Some(before.to_string()),
                after.to_string(),
                at,
            )
        })?;
        let round = store::find_round(conn, &round.id)?.ok_or(AppError::NotFound)?;
        let tallies =
            store::invitation_tallies(conn, &store::RoundFilter::Round(round.id.clone()), None)?;
        Ok(summarise(&round, &tallies, at))
    })
    .await
}

fn language_of(preferred: &str) -> Language {
    Language::parse(preferred).unwrap_or_default()
}

/// Who a round invites, read before any write.
pub(crate) struct Invitations {
    round: Round,
    cohort: Cohort,
    programme: Programme,
    invitees: Vec<store::Invitee>,
}

pub(crate) fn prepare_invitations(
    conn: &mut DbConnection,
    round: &Round,
) -> AppResult<Invitations> {
    let cohort = catalogue::find_cohort(conn, &round.cohort_id)?.ok_or(AppError::NotFound)?;
    let programme =
        catalogue::find_programme(conn, &cohort.programme_id)?.ok_or(AppError::NotFound)?;
    let invitees = store::invitees(conn, &cohort.id)?;
    Ok(Invitations {
        round: round.clone(),
        cohort,
        programme,
        invitees,
    })
}

/// Invites everyone with a place in the round's cohort, each with a link of their own, in their
/// language. Inside the caller's transaction, and only writes, so that on SQLite the
/// transaction's first statement takes the write lock; a second attempt for the same round
/// fails on the unique (round, person) pair and rolls back with nothing sent twice.
pub(crate) fn invite(
    conn: &mut DbConnection,
    public_url: &str,
    prepared: &Invitations,
    at: NaiveDateTime,
) -> AppResult<usize> {
    let Invitations {
        round,
        cohort,
        programme,
        invitees,
    } = prepared;
    for invitee in invitees {
        let (token, hashed) = new_token();
        store::insert_invitation(
            conn,
            &NewInvitation {
                id: &uuid::Uuid::new_v4().to_string(),
                round_id: &round.id,
                person_id: &invitee.person_id,
                token_hash: &hashed,
                invited_at: at,
            },
        )?;
        let language = language_of(&invitee.preferred_language);
        let email = evaluation_email(
            EmailKind::Invitation,
            &Recipient {
                email: &invitee.email,
                name: &invitee.name,
                language,
            },
            (&programme.title_en, &programme.title_cy),
            &cohort.name,
            round.closes_at,
            &respond_url(public_url, &token, language),
            at,
        )?;
        outbox::enqueue(conn, &email)?;
    }
    Ok(invitees.len())
}

#[derive(Clone, Copy)]
pub(crate) enum EmailKind {
    Invitation,
    Reminder,
}

pub(crate) fn evaluation_email(
    kind: EmailKind,
    recipient: &Recipient<'_>,
    programme: (&str, &str),
    cohort_name: &str,
    closes_at: NaiveDateTime,
    link: &str,
    at: NaiveDateTime,
) -> AppResult<outbox::NewOutboxEmail> {
    let language = recipient.language;
    // The round takes answers until the end of the day before `closes_at`.
    let last_day = last_day_before(closes_at).format("%d/%m/%Y").to_string();
    let args = [
        (
            "programme",
            language.pick(programme.0, programme.1).to_owned(),
        ),
        ("cohort", cohort_name.to_owned()),
        ("closes", last_day),
    ];
    let (template, subject, body) = match kind {
        EmailKind::Invitation => (
            "evaluation_invitation",
            "email-evaluation-invite-subject",
            "email-evaluation-invite-body",
        ),
        EmailKind::Reminder => (
            "evaluation_reminder",
            "email-evaluation-reminder-subject",
            "email-evaluation-reminder-body",
        ),
    };
    let email = compose::notice(
        recipient,
        template,
        t_with(language, subject, &args),
        vec![
            t_with(language, body, &args),
            t_with(language, "email-evaluation-single-use", &args),
        ],
        Some((
            t_with(language, "email-evaluation-action", &[]),
            link.to_owned(),
        )),
        at,
    )?;
    Ok(email)
}

/// How a person reaches their invitation: the emailed link, or signed in from My evaluations.
#[derive(Debug, Clone)]
pub enum InvitationKey {
    Token(String),
    Own {
        invitation_id: String,
        person_id: String,
    },
}

/// The form of an invitation, for the respond page and the API.
#[derive(Debug, Clone)]
pub struct InvitationForm {
    pub invitation_id: String,
    pub round: Round,
    pub questions: Vec<Question>,
    pub programme_en: String,
    pub programme_cy: String,
    pub cohort_name: String,
    pub window: RoundWindow,
    pub answered: bool,
}

fn find_by_key(conn: &mut DbConnection, key: &InvitationKey) -> AppResult<store::Invitation> {
    let invitation = match key {
        InvitationKey::Token(token) => store::invitation_by_token_hash(conn, &token_hash(token))?,
        InvitationKey::Own {
            invitation_id,
            person_id,
        } => store::find_invitation(conn, invitation_id)?.filter(|i| i.person_id == *person_id),
    };
    let invitation = invitation.ok_or(AppError::NotFound)?;
    // A link answers as the person it was sent to, signed in or not: one whose account is
    // switched off or erased no longer answers for anyone.
    let person = crate::db::people::find_by_id(conn, &invitation.person_id)?;
    if !person.is_some_and(|p| p.active && p.anonymised_at.is_none()) {
        return Err(AppError::NotFound);
    }
    Ok(invitation)
}

pub fn load_invitation(conn: &mut DbConnection, key: &InvitationKey) -> AppResult<InvitationForm> {
    let invitation = find_by_key(conn, key)?;
    let round = store::find_round(conn, &invitation.round_id)?.ok_or(AppError::NotFound)?;
    let cohort = catalogue::find_cohort(conn, &round.cohort_id)?.ok_or(AppError::NotFound)?;
    let programme =
        catalogue::find_programme(conn, &cohort.programme_id)?.ok_or(AppError::NotFound)?;
    let questions = store::questions_of(conn, &round.form_id)?;
    Ok(InvitationForm {
        invitation_id: invitation.id,
        window: evaluation::window(round.opens_at, round.closes_at, now()),
        answered: invitation.responded_at.is_some(),
        round,
        questions,
        programme_en: programme.title_en,
        programme_cy: programme.title_cy,
        cohort_name: cohort.name,
    })
}

/// The values a single-choice question offers, from its JSON options.
pub fn choice_values(question: &Question) -> Vec<(String, String, String)> {
    #[derive(serde::Deserialize)]
    struct Choice {
        value: String,
        label_en: String,
        label_cy: String,
    }
    question
        .options
        .as_deref()
        .and_then(|json| serde_json::from_str::<Vec<Choice>>(json).ok())
        .unwrap_or_default()
        .into_iter()
        .map(|c| (c.value, c.label_en, c.label_cy))
        .collect()
}

fn rules_of(questions: &[Question]) -> Vec<QuestionRule> {
    questions
        .iter()
        .map(|q| QuestionRule {
            id: q.id.clone(),
            kind: QuestionKind::parse(&q.kind).unwrap_or(QuestionKind::FreeText),
            required: q.required,
            options: choice_values(q).into_iter().map(|(v, _, _)| v).collect(),
        })
        .collect()
}

/// Why an invitation cannot be answered now, if it cannot.
fn refusal(form: &InvitationForm) -> Option<AppError> {
    if form.answered {
        return Some(AppError::Conflict("problem-evaluation-already-answered"));
    }
    match form.window {
        RoundWindow::NotYetOpen => Some(AppError::Conflict("problem-evaluation-not-open")),
        RoundWindow::Closed => Some(AppError::Conflict("problem-evaluation-closed")),
        RoundWindow::Open => None,
    }
}

/// Stores one response to an invitation: refused, with nothing stored, when the answers do
/// not fit the form, the round is not open, or the invitation was answered already.
pub async fn respond(
    state: &AppState,
    key: InvitationKey,
    raw: HashMap<String, String>,
) -> AppResult<()> {
    db::run(&state.pool, move |conn| {
        let form = load_invitation(conn, &key)?;
        if let Some(refused) = refusal(&form) {
            return Err(refused);
        }
        let answers = evaluation::validate_answers(&rules_of(&form.questions), &raw)
            .map_err(AppError::Validation)?;
        let at = now();
        db::transaction::<_, AppError, _>(conn, |conn| {
            // The claim comes first: of two submissions at once, only one marks the invitation.
            if !store::mark_responded(conn, &form.invitation_id, at)? {
                return Err(AppError::Conflict("problem-evaluation-already-answered"));
            }
            let response_id = uuid::Uuid::new_v4().to_string();
            let (invitation_id, submitted_at) = if form.round.anonymous {
                (None, form.round.opens_at)
            } else {
                (Some(form.invitation_id.as_str()), at)
            };
            store::insert_response(
                conn,
                &response_id,
                &form.round.id,
                invitation_id,
                submitted_at,
            )?;
            for answer in &answers {
                let is_choice = form.questions.iter().any(|q| {
                    q.id == answer.question_id && q.kind == QuestionKind::SingleChoice.as_str()
                });
                store::insert_answer(
                    conn,
                    &store::NewAnswer {
                        round_id: &form.round.id,
                        response_id: &response_id,
                        question_id: &answer.question_id,
                        value_int: answer.value_int,
                        value_text: answer.value_text.as_deref(),
                        is_choice,
                    },
                )?;
            }
            Ok(())
        })
    })
    .await
}

/// One of a person's invitations, for My evaluations and the API.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct MyInvitation {
    pub invitation_id: String,
    pub kind: RoundKind,
    pub programme_en: String,
    pub programme_cy: String,
    pub cohort_name: String,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    pub open_now: bool,
    pub answered: bool,
}

/// The signed-in person's invitations, newest first: only their own.
pub async fn my_invitations(state: &AppState, user: &CurrentUser) -> AppResult<Vec<MyInvitation>> {
    let person_id = user.id().to_owned();
    let at = now();
    let rows = db::run(&state.pool, move |conn| {
        Ok(store::invitations_of(conn, &person_id)?)
    })
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| MyInvitation {
            invitation_id: row.invitation_id,
            kind: RoundKind::parse(&row.kind).unwrap_or(RoundKind::EndOfProgramme),
            programme_en: row.programme_en,
            programme_cy: row.programme_cy,
            cohort_name: row.cohort_name,
            open_now: evaluation::window(row.opens_at, row.closes_at, at) == RoundWindow::Open,
            opens_at: row.opens_at,
            closes_at: row.closes_at,
            answered: row.responded_at.is_some(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").expect("time")
    }

    #[test]
    fn a_round_opening_today_opens_now_and_closes_after_its_last_day() {
        let now = at("2026-07-01 10:30:00");
        let plan = plan_round(
            &OpenRoundRequest {
                kind: "end_of_programme".into(),
                closes_on: "2026-07-14".into(),
                ..Default::default()
            },
            now,
        )
        .map_err(|_| ())
        .expect("valid");
        assert_eq!(plan.opens_at, now);
        assert_eq!(plan.closes_at, at("2026-07-15 00:00:00"));
    }

    #[test]
    fn a_bad_round_names_each_field() {
        let errors = plan_round(
            &OpenRoundRequest {
                kind: "whenever".into(),
                closes_on: "soon".into(),
                reminder_every_days: Some(0),
                ..Default::default()
            },
            at("2026-07-01 10:30:00"),
        )
        .err()
        .unwrap_or_default();
        let mut fields: Vec<_> = errors.iter().map(|e| e.field.to_string()).collect();
        fields.sort();
        assert_eq!(fields, ["closes_on", "kind", "reminder_every_days"]);
    }

    #[test]
    fn tokens_are_stored_hashed() {
        let (token, hashed) = new_token();
        assert_eq!(token.len(), 64);
        assert_eq!(hashed, token_hash(&token));
        assert_ne!(hashed, token);
    }
}
