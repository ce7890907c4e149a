//! A programme lead's cohort page: its sessions, registers, attendance against the completion
//! rule, completion decisions and the roster; all plain forms.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::context::{FormState, Page, PageContext, render, see_other};
use super::posted::{every, field, sent};
use super::session::safe_next;
use crate::applications::{self, RosterEntry};
use crate::attendance::{self, AttendanceSummary, CompletionDecision, RegisterLine};
use crate::auth::CurrentUser;
use crate::db::{self, catalogue};
use crate::domain::FieldError;
use crate::domain::completion::AttendanceStatus;
use crate::domain::role::Role;
use crate::domain::wales_time;
use crate::error::{AppError, AppResult};
use crate::routes::api::cohorts::{CohortPatch, NewCohortRequest, create_cohort, update_cohort};
use crate::routes::api::programmes::{NewProgrammeRequest, create_programme};
use crate::routes::api::sessions::{NewSessionRequest, plan_session};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "pages/lead_cohort.html")]
struct CohortPage {
    page: PageContext,
    cohort_id: String,
    programme_en: String,
    programme_cy: String,
    cohort_name: String,
    seats_taken: i32,
    capacity: i32,
    starts_on: chrono::NaiveDate,
    ends_on: chrono::NaiveDate,
    close_on: Option<chrono::NaiveDate>,
    status: String,
    /// The programme's other cohorts, to move people to.
    siblings: Vec<(String, String)>,
    summary: AttendanceSummary,
    roster: Vec<RosterEntry>,
    form: FormState,
}

impl CohortPage {
    /// Whether the settings form was refused: it then shows what was typed, not what is stored.
    fn settings_refused(&self) -> bool {
        self.form.value("form") == "settings"
    }

    /// Whether the add-a-session form was refused: it then opens, with its errors.
    fn session_refused(&self) -> bool {
        [
            "title_en",
            "title_cy",
            "starts_at",
            "ends_at",
            "venue",
            "online_url",
        ]
        .iter()
        .any(|field| self.form.has_error(field))
    }

    fn shown_status(&self) -> &str {
        if self.settings_refused() {
            self.form.value("status")
        } else {
            &self.status
        }
    }
}

async fn cohort_page(
    state: &AppState,
    page: PageContext,
    user: CurrentUser,
    cohort_id: String,
    form: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let (cohort, programme, roster, summary, siblings) = db::run(&state.pool, move |conn| {
        let roster = applications::roster(conn, &user, &cohort_id)?;
        let summary = attendance::summary(conn, &user, &cohort_id)?;
        let cohort = catalogue::find_cohort(conn, &cohort_id)?.ok_or(AppError::NotFound)?;
        let programme =
            catalogue::find_programme(conn, &cohort.programme_id)?.ok_or(AppError::NotFound)?;
        let siblings = catalogue::cohorts_of(conn, &programme.id)?
            .into_iter()
            .filter(|c| c.id != cohort.id)
            .map(|c| (c.id, c.name))
            .collect::<Vec<_>>();
        Ok((cohort, programme, roster, summary, siblings))
    })
    .await?;
    render(
        status,
        &CohortPage {
            page,
            cohort_id: cohort.id,
            programme_en: programme.title_en,
            programme_cy: programme.title_cy,
            cohort_name: cohort.name,
            seats_taken: cohort.seats_taken,
            capacity: cohort.capacity,
            starts_on: cohort.starts_on,
            ends_on: cohort.ends_on,
            close_on: cohort.applications_close_on,
            status: cohort.status,
            siblings,
            summary,
            roster,
            form,
        },
    )
}

#[get("/lead/cohorts/{id}")]
pub async fn show_cohort(
    state: web::Data<AppState>,
    page: Page,
    cohort_id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let user = page.user.ok_or(AppError::Unauthenticated)?;
    let form = FormState::default();
    cohort_page(
        &state,
        page.context,
        user,
        cohort_id.into_inner(),
        form,
        StatusCode::OK,
    )
    .await
}

#[post("/lead/cohorts/{id}/sessions")]
pub async fn add_session(
    state: web::Data<AppState>,
    page: Page,
    cohort_id: web::Path<String>,
    form: web::Form<NewSessionRequest>,
) -> AppResult<HttpResponse> {
    let user = page.user.ok_or(AppError::Unauthenticated)?;
    let cohort_id = cohort_id.into_inner();
    let request = form.into_inner();
    let errors = match plan_session(&request) {
        Ok(plan) => {
            let (user, id) = (user.clone(), cohort_id.clone());
            db::run(&state.pool, move |conn| {
                attendance::add_session(conn, &user, &id, &plan)
            })
            .await?;
            return Ok(see_other(format!("/lead/cohorts/{cohort_id}")));
        }
        Err(errors) => errors,
    };
    let language = page.context.i18n.language;
    let typed = super::session_editor::as_typed(&request).with_errors(language, &errors);
    cohort_page(
        &state,
        page.context,
        user,
        cohort_id,
        typed,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// One participant's line of a register form.
struct RegisterRow {
    application_id: String,
    name: String,
    status: String,
    /// Why the posted register was refused, for this line.
    problem: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/attendance_register.html")]
struct RegisterPage {
    page: PageContext,
    cohort_id: String,
    session_id: String,
    session_en: String,
    session_cy: String,
    starts_at: String,
    rows: Vec<RegisterRow>,
    statuses: [&'static str; 3],
    /// Problems with the register as a whole, or with a line for someone no longer on it.
    problems: Vec<String>,
}

/// What a refused register showed: each line's status as posted, and the problems.
#[derive(Default)]
struct PostedRegister {
    statuses: HashMap<String, String>,
    /// (application id, or `None` for the register as a whole; message)
    problems: Vec<(Option<String>, String)>,
}

async fn register_page(
    state: &AppState,
    page: PageContext,
    user: CurrentUser,
    session_id: String,
    posted: PostedRegister,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let wanted = session_id.clone();
    let named = !posted.problems.is_empty();
    let (summary, session, roster) = db::run(&state.pool, move |conn| {
        let session =
            crate::db::attendance::find_session(conn, &wanted)?.ok_or(AppError::NotFound)?;
        let summary = attendance::summary(conn, &user, &session.cohort_id)?;
        // Everyone who applied, to name a line about someone no longer on the register.
        let roster = if named {
            applications::roster(conn, &user, &session.cohort_id)?
        } else {
            Vec::new()
        };
        Ok((summary, session, roster))
    })
    .await?;
    let column = summary.sessions.iter().position(|s| s.id == session_id);
    let problem_of = |id: &str| {
        posted
            .problems
            .iter()
            .find(|(line, _)| line.as_deref() == Some(id))
            .map(|(_, message)| message.clone())
    };
    let rows: Vec<RegisterRow> = summary
        .participants
        .iter()
        .filter(|p| p.status == "confirmed")
        .map(|p| RegisterRow {
            application_id: p.application_id.clone(),
            name: p.name.clone(),
            status: match posted.statuses.get(&p.application_id) {
                Some(typed) => typed.clone(),
                None => column
                    .and_then(|i| p.sessions.get(i))
                    .and_then(|s| s.status)
                    .map(AttendanceStatus::as_str)
                    .unwrap_or("")
                    .to_owned(),
            },
            problem: problem_of(&p.application_id),
        })
        .collect();
    // A line whose person is no longer on the register (withdrawn or moved meanwhile) is
    // named above it, with its reason.
    let problems = posted
        .problems
        .iter()
        .filter(|(line, _)| {
            line.as_deref()
                .is_none_or(|id| !rows.iter().any(|r| r.application_id == id))
        })
        .map(|(line, message)| {
            let name = line.as_deref().and_then(|id| {
                roster
                    .iter()
                    .find(|entry| entry.application_id == id)
                    .map(|entry| entry.name.as_str())
            });
            match name {
                Some(name) => format!("{name}: {message}"),
                None => message.clone(),
            }
        })
        .collect();
    render(
        status,
        &RegisterPage {
            page,
            cohort_id: session.cohort_id,
            session_id,
            session_en: session.title_en,
            session_cy: session.title_cy,
            starts_at: wales_time::from_utc(session.starts_at)
                .format("%d/%m/%Y %H:%M")
                .to_string(),
            rows,
            statuses: ["present", "absent", "apologies"],
            problems,
        },
    )
}

#[get("/lead/sessions/{id}/register")]
pub async fn register_form(
    state: web::Data<AppState>,
    page: Page,
    session_id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let user = page.user.ok_or(AppError::Unauthenticated)?;
    register_page(
        &state,
        page.context,
        user,
        session_id.into_inner(),
        PostedRegister::default(),
        StatusCode::OK,
    )
    .await
}

/// The register as posted: `status_<application id>` = present | absent | apologies. A refused
/// one comes back with every line as it was ticked and each problem beside its person.
#[post("/lead/sessions/{id}/register")]
pub async fn take_register(
    state: web::Data<AppState>,
    page: Page,
    session_id: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let user = page.user.clone().ok_or(AppError::Unauthenticated)?;
    let session_id = session_id.into_inner();
    let lines: Vec<RegisterLine> = form
        .into_inner()
        .into_iter()
        .filter_map(|(key, status)| {
            key.strip_prefix("status_").map(|id| RegisterLine {
                application_id: id.to_owned(),
                status,
            })
        })
        .collect();
    let (taker, wanted) = (user.clone(), session_id.clone());
    let lines = std::sync::Arc::new(lines);
    let posted_lines = lines.clone();
    let taken = db::run(&state.pool, move |conn| {
        attendance::take_register(conn, &taker, &wanted, &posted_lines)?;
        let session =
            crate::db::attendance::find_session(conn, &wanted)?.ok_or(AppError::NotFound)?;
        Ok(session.cohort_id)
    })
    .await;
    let errors = match taken {
        Ok(cohort_id) => {
            return Ok(see_other(format!(
                "/lead/cohorts/{cohort_id}?saved=register"
            )));
        }
        Err(AppError::Validation(errors)) => errors,
        Err(other) => return Err(other),
    };
    let language = page.context.i18n.language;
    let posted = PostedRegister {
        statuses: lines
            .iter()
            .map(|l| (l.application_id.clone(), l.status.clone()))
            .collect(),
        problems: errors
            .iter()
            .map(|e| {
                let line = attendance::line_of_field(&e.field)
                    .and_then(|i| lines.get(i))
                    .map(|l| l.application_id.clone());
                (line, crate::i18n::t(language, e.message_key))
            })
            .collect(),
    };
    register_page(
        &state,
        page.context,
        user,
        session_id,
        posted,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CompletionForm {
    back: String,
    override_reason: String,
}

#[post("/lead/applications/{id}/complete")]
pub async fn complete(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
    form: web::Form<CompletionForm>,
) -> AppResult<HttpResponse> {
    let user = page.user.clone().ok_or(AppError::Unauthenticated)?;
    let form = form.into_inner();
    let id = id.into_inner();
    let override_reason = Some(form.override_reason.trim().to_owned()).filter(|r| !r.is_empty());
    let decision = CompletionDecision::Complete {
        reason: None,
        override_reason,
    };
    match attendance::decide_completion(&state, user.clone(), id.clone(), decision).await {
        Ok(_) => Ok(see_other(safe_next(Some(&form.back), "/lead"))),
        // Shown beside the person's reason box, on the cohort's page, rather than on an error
        // page that words it for the API.
        Err(AppError::Refused("problem-completion-rule-not-met")) => {
            let cohort_id = {
                let id = id.clone();
                db::run(&state.pool, move |conn| {
                    crate::db::enrolments::find(conn, &id)?.ok_or(AppError::NotFound)
                })
                .await?
                .cohort_id
            };
            let language = page.context.i18n.language;
            let form = FormState::default().with_errors(
                language,
                &[FieldError::new(
                    format!("override-{id}"),
                    "lead-error-completion-reason-needed",
                )],
            );
            cohort_page(
                &state,
                page.context,
                user,
                cohort_id,
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other),
    }
}

#[post("/lead/applications/{id}/not-complete")]
pub async fn not_complete(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    form: web::Form<CompletionForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let decision = CompletionDecision::NotComplete { reason: None };
    attendance::decide_completion(&state, user, id.into_inner(), decision).await?;
    Ok(see_other(safe_next(Some(&form.back), "/lead")))
}

#[derive(Template)]
#[template(path = "pages/lead.html")]
struct OverviewPage {
    page: PageContext,
    cohorts: Vec<(catalogue::Cohort, String, String)>,
    /// Those the person may add cohorts to: in the catalogue and theirs to run.
    programmes: Vec<(String, String, String)>,
    /// Every programme theirs to run, with whether it is in the catalogue.
    runs: Vec<(String, String, String, bool)>,
    may_create_programmes: bool,
    stages: Vec<crate::domain::stage::ContinuumStage>,
    programme_form: FormState,
    cohort_form: FormState,
}

async fn overview_page(
    state: &AppState,
    page: PageContext,
    user: &CurrentUser,
    programme_form: FormState,
    cohort_form: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    user.require_any(&[Role::ProgrammeLead, Role::ConsortiumAdmin])?;
    let lead_id = (!user.has(Role::ConsortiumAdmin)).then(|| user.id().to_owned());
    let may_create_programmes = user.may_create_programmes();
    let runner = user.clone();
    let (cohorts, runs, stages) = db::run(&state.pool, move |conn| {
        let runs: Vec<_> = catalogue::all_programmes(conn)?
            .into_iter()
            .filter(|p| runner.runs_programme(&p.id))
            .map(|p| (p.id, p.title_en, p.title_cy, p.active))
            .collect();
        Ok((
            catalogue::cohorts_led_by(conn, lead_id.as_deref())?,
            runs,
            crate::db::stages::all(conn)?,
        ))
    })
    .await?;
    let programmes = runs
        .iter()
        .filter(|(.., active)| *active)
        .map(|(id, en, cy, _)| (id.clone(), en.clone(), cy.clone()))
        .collect();
    render(
        status,
        &OverviewPage {
            page,
            cohorts,
            programmes,
            runs,
            may_create_programmes,
            stages,
            programme_form,
            cohort_form,
        },
    )
}

#[get("/lead")]
pub async fn overview(state: web::Data<AppState>, page: Page) -> AppResult<HttpResponse> {
    let user = page.user.ok_or(AppError::Unauthenticated)?;
    let empty = FormState::default;
    overview_page(
        &state,
        page.context,
        &user,
        empty(),
        empty(),
        StatusCode::OK,
    )
    .await
}

fn typed(pairs: &[(String, String)]) -> FormState {
    pairs
        .iter()
        .fold(FormState::default(), |form, (k, v)| form.with_value(k, v))
}

/// Turns a refusal the form can show into field messages; anything else stays an error.
fn form_errors(error: AppError, conflict_field: &'static str) -> Result<Vec<FieldError>, AppError> {
    match error {
        AppError::Validation(errors) => Ok(errors),
        AppError::Conflict(key) => Ok(vec![FieldError::new(conflict_field, key)]),
        other => Err(other),
    }
}

/// A new programme from the lead's page. Target stages come as repeated `target_stages`
/// checkboxes, which is why the form is read as pairs.
#[post("/lead/programmes")]
pub async fn new_programme(
    state: web::Data<AppState>,
    page: Page,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let user = page.user.clone().ok_or(AppError::Unauthenticated)?;
    let pairs = form.into_inner();
    let request = NewProgrammeRequest {
        code: field(&pairs, "code").to_owned(),
        title_en: field(&pairs, "title_en").to_owned(),
        title_cy: field(&pairs, "title_cy").to_owned(),
        description_en: field(&pairs, "description_en").to_owned(),
        description_cy: field(&pairs, "description_cy").to_owned(),
        target_stages: every(&pairs, "target_stages"),
        requires_endorsement: field(&pairs, "requires_endorsement") == "true",
        delivery_language: field(&pairs, "delivery_language").to_owned(),
        ..Default::default()
    };
    match create_programme(&state, &user, request).await {
        Ok(_) => Ok(see_other("/lead?created=programme".into())),
        Err(error) => {
            let errors = form_errors(error, "code")?;
            // Each ticked stage is kept under a name of its own, as the form holds one value
            // per name.
            let form = every(&pairs, "target_stages")
                .iter()
                .fold(typed(&pairs), |form, code| {
                    form.with_value(&format!("target_stages:{code}"), "true")
                })
                .with_errors(page.context.i18n.language, &errors);
            let empty = FormState::default();
            overview_page(
                &state,
                page.context,
                &user,
                form,
                empty,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

#[post("/lead/cohorts")]
pub async fn new_cohort(
    state: web::Data<AppState>,
    page: Page,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let user = page.user.clone().ok_or(AppError::Unauthenticated)?;
    let pairs = form.into_inner();
    let capacity = field(&pairs, "capacity").trim().parse::<i64>().unwrap_or(0);
    let request = NewCohortRequest {
        name: field(&pairs, "name").to_owned(),
        capacity,
        starts_on: field(&pairs, "starts_on").to_owned(),
        ends_on: field(&pairs, "ends_on").to_owned(),
        language_medium: field(&pairs, "language_medium").to_owned(),
        applications_close_on: Some(field(&pairs, "applications_close_on").to_owned()),
        venue: Some(field(&pairs, "venue").to_owned()).filter(|v| !v.trim().is_empty()),
    };
    let programme_id = field(&pairs, "programme_id").to_owned();
    match create_cohort(&state, &user, programme_id, request).await {
        Ok(cohort) => Ok(see_other(format!("/lead/cohorts/{}", cohort.id))),
        Err(AppError::NotFound) => {
            let errors = vec![FieldError::new("programme_id", "error-programme-unknown")];
            let form = typed(&pairs).with_errors(page.context.i18n.language, &errors);
            overview_page(
                &state,
                page.context,
                &user,
                FormState::default(),
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(error) => {
            let errors = form_errors(error, "name")?;
            let form = typed(&pairs).with_errors(page.context.i18n.language, &errors);
            overview_page(
                &state,
                page.context,
                &user,
                FormState::default(),
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// Capacity, dates and whether the cohort takes applications, from its page.
#[post("/lead/cohorts/{id}/settings")]
pub async fn cohort_settings(
    state: web::Data<AppState>,
    page: Page,
    cohort_id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let user = page.user.clone().ok_or(AppError::Unauthenticated)?;
    let cohort_id = cohort_id.into_inner();
    let pairs = form.into_inner();
    let capacity = field(&pairs, "capacity").trim();
    let patch = CohortPatch {
        capacity: Some(capacity.parse::<i64>().unwrap_or(0)),
        // A date left out keeps what it was; one emptied is refused, as a cohort has both.
        starts_on: sent(&pairs, "starts_on"),
        ends_on: sent(&pairs, "ends_on"),
        // Emptied, it takes the closing date away.
        applications_close_on: sent(&pairs, "applications_close_on"),
        status: Some(field(&pairs, "status").to_owned()),
    };
    match update_cohort(&state, user.clone(), cohort_id.clone(), patch).await {
        Ok(_) => Ok(see_other(format!("/lead/cohorts/{cohort_id}"))),
        Err(error) => {
            let errors = match error {
                AppError::Refused(key) => vec![FieldError::new("capacity", key)],
                other => form_errors(other, "capacity")?,
            };
            let form = typed(&pairs).with_errors(page.context.i18n.language, &errors);
            cohort_page(
                &state,
                page.context,
                user,
                cohort_id,
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MoveForm {
    cohort_id: String,
    back: String,
}

#[post("/lead/applications/{id}/move")]
pub async fn move_participant(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    form: web::Form<MoveForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    applications::move_to_cohort(&state, user, id.into_inner(), form.cohort_id, None).await?;
    Ok(see_other(safe_next(Some(&form.back), "/lead")))
}
