//! Evaluation pages: a lead's rounds for a cohort with the form to open one, a participant's
//! invitations, the answer form behind an emailed link (no sign-in needed), and results with
//! SVG charts for a round, a cohort, or programmes by academic year. Plain forms throughout.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;

use super::context::{FormState, Page, PageContext, render, see_other};
use crate::auth::CurrentUser;
use crate::db::{self, catalogue};
use crate::domain::FieldError;
use crate::domain::academic_year;
use crate::domain::evaluation::{self as evaluation, QuestionKind, RoundWindow};
use crate::domain::role::Role;
use crate::error::{AppError, AppResult};
use crate::evaluations::results::{self, EvaluationResults, QuestionResult, Scope};
use crate::evaluations::{
    self, InvitationForm, InvitationKey, MyInvitation, OpenRoundRequest, RoundSummary,
};
use crate::routes::api::evaluations::{ResultsQuery, programme_scope};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "pages/evaluation_rounds.html")]
struct RoundsPage {
    page: PageContext,
    cohort_id: String,
    cohort_name: String,
    programme_en: String,
    programme_cy: String,
    rounds: Vec<RoundSummary>,
    sessions: Vec<(String, String, String)>,
    /// The forms a round may use (id, English and Welsh titles), the default first.
    eval_forms: Vec<(String, String, String)>,
    kinds: [&'static str; 3],
    form: FormState,
    opened: bool,
    /// The round whose change was refused, with what was typed and why.
    change: Option<(String, FormState)>,
}

impl RoundsPage {
    /// What was typed into the change form of `round_id`, if that change was refused.
    fn change_for(&self, round_id: &str) -> Option<&FormState> {
        self.change
            .as_ref()
            .filter(|(id, _)| id == round_id)
            .map(|(_, form)| form)
    }
}

/// What the evaluation page of a cohort shows besides its rounds: the form to open one, whether
/// one was just opened, and a refused change to a round.
#[derive(Default)]
struct RoundForms {
    open: FormState,
    opened: bool,
    change: Option<(String, FormState)>,
}

async fn rounds_page(
    state: &AppState,
    page: PageContext,
    user: CurrentUser,
    cohort_id: String,
    forms: RoundForms,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let RoundForms {
        open: form,
        opened,
        change,
    } = forms;
    let (cohort, programme, rounds, sessions, eval_forms) = db::run(&state.pool, move |conn| {
        let rounds = evaluations::rounds_of_cohort(conn, &user, &cohort_id)?;
        let cohort = catalogue::find_cohort(conn, &cohort_id)?.ok_or(AppError::NotFound)?;
        let programme =
            catalogue::find_programme(conn, &cohort.programme_id)?.ok_or(AppError::NotFound)?;
        let sessions = crate::db::attendance::sessions_of(conn, &cohort.id)?
            .into_iter()
            .map(|s| (s.id, s.title_en, s.title_cy))
            .collect::<Vec<_>>();
        // Only whoever manages the cohort gets here: rounds_of_cohort checked.
        let eval_forms = crate::db::evaluations::forms(conn)?
            .into_iter()
            .map(|f| (f.id, f.title_en, f.title_cy))
            .collect::<Vec<_>>();
        Ok((cohort, programme, rounds, sessions, eval_forms))
    })
    .await?;
    render(
        status,
        &RoundsPage {
            page,
            cohort_id: cohort.id,
            cohort_name: cohort.name,
            programme_en: programme.title_en,
            programme_cy: programme.title_cy,
            rounds,
            sessions,
            eval_forms,
            kinds: ["end_of_programme", "session", "delayed_impact"],
            form,
            opened,
            change,
        },
    )
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct OpenedQuery {
    opened: Option<String>,
}

#[get("/lead/cohorts/{id}/evaluations")]
pub async fn cohort_rounds(
    state: web::Data<AppState>,
    page: Page,
    cohort_id: web::Path<String>,
    query: web::Query<OpenedQuery>,
) -> AppResult<HttpResponse> {
    let user = page.user.ok_or(AppError::Unauthenticated)?;
    let mut form = FormState::default().with_value("reminder_every_days", "7");
    if let Some(closes) = evaluation_default_close() {
        form = form.with_value("closes_on", &closes);
    }
    rounds_page(
        &state,
        page.context,
        user,
        cohort_id.into_inner(),
        RoundForms {
            open: form,
            opened: query.opened.is_some(),
            change: None,
        },
        StatusCode::OK,
    )
    .await
}

/// Three weeks from today: a sensible last day to suggest.
fn evaluation_default_close() -> Option<String> {
    chrono::Utc::now()
        .date_naive()
        .checked_add_days(chrono::Days::new(21))
        .map(|d| d.to_string())
}

#[post("/lead/cohorts/{id}/evaluations")]
pub async fn open_round(
    state: web::Data<AppState>,
    page: Page,
    cohort_id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let user = page.user.clone().ok_or(AppError::Unauthenticated)?;
    let cohort_id = cohort_id.into_inner();
    let pairs = form.into_inner();
    let field = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let reminder = field("reminder_every_days");
    let mut errors = Vec::new();
    let reminder_every_days = match reminder.as_str() {
        "" | "0" => None,
        raw => match raw.parse::<i64>() {
            Ok(days) => Some(days),
            Err(_) => {
                errors.push(FieldError::new(
                    "reminder_every_days",
                    "error-evaluation-reminder-range",
                ));
                None
            }
        },
    };
    let request = OpenRoundRequest {
        kind: field("kind"),
        opens_on: Some(field("opens_on")),
        closes_on: field("closes_on"),
        anonymous: field("anonymous") == "true",
        reminder_every_days,
        session_id: Some(field("session_id")),
        form_id: Some(field("form_id")),
    };
    if errors.is_empty() {
        match evaluations::open_round(&state, user.clone(), cohort_id.clone(), request).await {
            Ok(_) => {
                return Ok(see_other(format!(
                    "/lead/cohorts/{cohort_id}/evaluations?opened=1"
                )));
            }
            Err(AppError::Validation(found)) => errors = found,
            Err(other) => return Err(other),
        }
    }
    let typed = pairs
        .iter()
        .fold(FormState::default(), |form, (k, v)| form.with_value(k, v))
        .with_errors(page.context.i18n.language, &errors);
    rounds_page(
        &state,
        page.context,
        user,
        cohort_id,
        RoundForms {
            open: typed,
            ..RoundForms::default()
        },
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// A new last day or reminder schedule for a round, from the cohort's evaluation page.
#[post("/lead/evaluation-rounds/{id}")]
pub async fn change_round(
    state: web::Data<AppState>,
    page: Page,
    round_id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let user = page.user.clone().ok_or(AppError::Unauthenticated)?;
    let round_id = round_id.into_inner();
    let pairs = form.into_inner();
    let field = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let reminder = field("reminder_every_days");
    let reminder_every_days = match reminder.as_str() {
        "" => Some(0),
        // Not a number: out of range, so the domain explains it like any other bad value.
        raw => Some(raw.parse::<i64>().unwrap_or(-1)),
    };
    let patch = evaluations::RoundPatch {
        closes_on: Some(field("closes_on")).filter(|d| !d.is_empty()),
        reminder_every_days,
    };
    let errors =
        match evaluations::change_round(&state, user.clone(), round_id.clone(), patch).await {
            Ok(round) => {
                return Ok(see_other(format!(
                    "/lead/cohorts/{}/evaluations",
                    round.cohort_id
                )));
            }
            Err(AppError::Validation(errors)) => errors,
            Err(other) => return Err(other),
        };
    let wanted = round_id.clone();
    let round = db::run(&state.pool, move |conn| {
        crate::db::evaluations::find_round(conn, &wanted)?.ok_or(AppError::NotFound)
    })
    .await?;
    let typed = pairs
        .iter()
        .fold(FormState::default(), |form, (k, v)| form.with_value(k, v))
        .with_errors(page.context.i18n.language, &errors);
    rounds_page(
        &state,
        page.context,
        user,
        round.cohort_id,
        RoundForms {
            change: Some((round_id, typed)),
            ..RoundForms::default()
        },
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[derive(Template)]
#[template(path = "pages/evaluation_mine.html")]
struct MinePage {
    page: PageContext,
    invitations: Vec<MyInvitation>,
    sees_results: bool,
}

#[get("/evaluations")]
pub async fn mine(state: web::Data<AppState>, page: Page) -> AppResult<HttpResponse> {
    let user = page.user.ok_or(AppError::Unauthenticated)?;
    let invitations = evaluations::my_invitations(&state, &user).await?;
    let sees_results = user.has(Role::ProgrammeLead)
        || user.has(Role::ConsortiumAdmin)
        || user.has(Role::LaOfficer);
    render(
        StatusCode::OK,
        &MinePage {
            page: page.context,
            invitations,
            sees_results,
        },
    )
}

/// One question as the form shows it: its choices already worded in the reader's language.
struct FormQuestion {
    field: String,
    prompt: String,
    required: bool,
    free_text: bool,
    /// (value, label) pairs for the radio buttons.
    choices: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "pages/evaluation_respond.html")]
struct RespondPage {
    page: PageContext,
    action: String,
    programme_en: String,
    programme_cy: String,
    cohort_name: String,
    kind_key: &'static str,
    anonymous: bool,
    last_day: String,
    questions: Vec<FormQuestion>,
    /// Why the form cannot be answered, already worded; none when it can.
    notice: Option<String>,
    thanks: bool,
    form: FormState,
}

fn scale_label_key(kind: QuestionKind, value: i32) -> String {
    match kind {
        QuestionKind::Likert => format!("evaluation-likert-{value}"),
        _ => format!("evaluation-rating-{value}"),
    }
}

fn respond_page(
    page: PageContext,
    action: String,
    loaded: &InvitationForm,
    notice: Option<String>,
    thanks: bool,
    form: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let i18n = page.i18n;
    let questions = loaded
        .questions
        .iter()
        .map(|q| {
            let kind = QuestionKind::parse(&q.kind).unwrap_or(QuestionKind::FreeText);
            let choices = match kind {
                QuestionKind::Likert | QuestionKind::Rating => (1..=5)
                    .map(|v| (v.to_string(), i18n.t(&scale_label_key(kind, v))))
                    .collect(),
                QuestionKind::YesNo => vec![
                    ("yes".to_owned(), i18n.t("evaluation-yes")),
                    ("no".to_owned(), i18n.t("evaluation-no")),
                ],
                QuestionKind::SingleChoice => evaluations::choice_values(q)
                    .into_iter()
                    .map(|(value, en, cy)| (value, i18n.pick(&en, &cy).to_owned()))
                    .collect(),
                QuestionKind::FreeText => Vec::new(),
            };
            FormQuestion {
                field: format!("answers.{}", q.id),
                prompt: i18n.pick(&q.prompt_en, &q.prompt_cy).to_owned(),
                required: q.required,
                free_text: kind == QuestionKind::FreeText,
                choices,
            }
        })
        .collect();
    let kind_key = evaluation::RoundKind::parse(&loaded.round.kind)
        .unwrap_or(evaluation::RoundKind::EndOfProgramme)
        .label_key();
    render(
        status,
        &RespondPage {
            page,
            action,
            programme_en: loaded.programme_en.clone(),
            programme_cy: loaded.programme_cy.clone(),
            cohort_name: loaded.cohort_name.clone(),
            kind_key,
            anonymous: loaded.round.anonymous,
            last_day: (loaded.round.closes_at - chrono::Duration::seconds(1))
                .date()
                .format("%d/%m/%Y")
                .to_string(),
            questions,
            notice,
            thanks,
            form,
        },
    )
}

/// Why the invitation cannot be answered now, worded for the reader.
fn notice_for(page: &PageContext, loaded: &InvitationForm) -> Option<String> {
    if loaded.answered {
        return Some(page.i18n.t("problem-evaluation-already-answered"));
    }
    match loaded.window {
        RoundWindow::Open => None,
        RoundWindow::NotYetOpen => Some(page.i18n.t("problem-evaluation-not-open")),
        RoundWindow::Closed => Some(page.i18n.t("problem-evaluation-closed")),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct SentQuery {
    sent: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/evaluation_link_invalid.html")]
struct LinkInvalidPage {
    page: PageContext,
}

async fn show_form(
    state: &AppState,
    page: PageContext,
    key: InvitationKey,
    action: String,
    sent: bool,
) -> AppResult<HttpResponse> {
    let loaded = db::run(
        &state.pool,
        move |conn| match evaluations::load_invitation(conn, &key) {
            Ok(found) => Ok(Some(found)),
            Err(AppError::NotFound) => Ok(None),
            Err(other) => Err(other),
        },
    )
    .await?;
    let Some(loaded) = loaded else {
        return render(StatusCode::NOT_FOUND, &LinkInvalidPage { page });
    };
    let thanks = sent && loaded.answered;
    let notice = if thanks {
        None
    } else {
        notice_for(&page, &loaded)
    };
    respond_page(
        page,
        action,
        &loaded,
        notice,
        thanks,
        FormState::default(),
        StatusCode::OK,
    )
}

async fn submit_form(
    state: &AppState,
    page: PageContext,
    key: InvitationKey,
    action: String,
    pairs: Vec<(String, String)>,
) -> AppResult<HttpResponse> {
    let raw: HashMap<String, String> = pairs
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("answers.")
                .map(|id| (id.to_owned(), v.clone()))
        })
        .collect();
    let outcome = evaluations::respond(state, key.clone(), raw).await;
    let (status, form) = match outcome {
        Ok(()) => {
            let language = page.i18n.code();
            return Ok(see_other(format!("{action}?sent=1&lang={language}")));
        }
        Err(AppError::NotFound) => {
            return render(StatusCode::NOT_FOUND, &LinkInvalidPage { page });
        }
        Err(AppError::Validation(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            pairs
                .iter()
                .fold(FormState::default(), |form, (k, v)| form.with_value(k, v))
                .with_errors(page.i18n.language, &errors),
        ),
        Err(AppError::Conflict(_)) => (StatusCode::CONFLICT, FormState::default()),
        Err(other) => return Err(other),
    };
    let loaded = db::run(&state.pool, move |conn| {
        evaluations::load_invitation(conn, &key)
    })
    .await?;
    let notice = notice_for(&page, &loaded);
    respond_page(page, action, &loaded, notice, false, form, status)
}

#[get("/evaluations/respond/{token}")]
pub async fn respond_form(
    state: web::Data<AppState>,
    page: Page,
    token: web::Path<String>,
    query: web::Query<SentQuery>,
) -> AppResult<HttpResponse> {
    let token = token.into_inner();
    let action = format!("/evaluations/respond/{token}");
    show_form(
        &state,
        page.context,
        InvitationKey::Token(token),
        action,
        query.sent.is_some(),
    )
    .await
}

#[post("/evaluations/respond/{token}")]
pub async fn respond(
    state: web::Data<AppState>,
    page: Page,
    token: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let token = token.into_inner();
    let action = format!("/evaluations/respond/{token}");
    submit_form(
        &state,
        page.context,
        InvitationKey::Token(token),
        action,
        form.into_inner(),
    )
    .await
}

fn own_key(user: &CurrentUser, invitation_id: String) -> InvitationKey {
    InvitationKey::Own {
        invitation_id,
        person_id: user.id().to_owned(),
    }
}

#[get("/evaluations/invitations/{id}")]
pub async fn own_form(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
    query: web::Query<SentQuery>,
) -> AppResult<HttpResponse> {
    let user = page.user.ok_or(AppError::Unauthenticated)?;
    let id = id.into_inner();
    let action = format!("/evaluations/invitations/{id}");
    show_form(
        &state,
        page.context,
        own_key(&user, id),
        action,
        query.sent.is_some(),
    )
    .await
}

#[post("/evaluations/invitations/{id}")]
pub async fn own_respond(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let user = page.user.ok_or(AppError::Unauthenticated)?;
    let id = id.into_inner();
    let action = format!("/evaluations/invitations/{id}");
    submit_form(
        &state,
        page.context,
        own_key(&user, id),
        action,
        form.into_inner(),
    )
    .await
}

/// One bar of a chart, laid out in SVG units.
struct Bar {
    label: String,
    count: u32,
    y: u32,
    width: u32,
}

/// A horizontal bar chart of one question, with its text alternative.
struct Chart {
    question: QuestionResult,
    prompt: String,
    bars: Vec<Bar>,
    height: u32,
    description: String,
}

const BAR_ROW: u32 = 28;
const BAR_MAX: u32 = 240;

fn chart(page: &PageContext, question: &QuestionResult) -> Chart {
    let i18n = page.i18n;
    let entries: Vec<(String, u32)> = match question.counts {
        Some(counts) => counts
            .iter()
            .zip(1..)
            .map(|(count, value)| (i18n.t(&scale_label_key(question.kind, value)), *count))
            .collect(),
        None => question
            .choices
            .iter()
            .map(|c| {
                let label = match (question.kind, c.value.as_str(), &c.label_en, &c.label_cy) {
                    (QuestionKind::YesNo, "yes", _, _) => i18n.t("evaluation-yes"),
                    (QuestionKind::YesNo, _, _, _) => i18n.t("evaluation-no"),
                    (_, _, Some(en), Some(cy)) => i18n.pick(en, cy).to_owned(),
                    _ => c.value.clone(),
                };
                (label, c.count)
            })
            .collect(),
    };
    let most = entries.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let bars: Vec<Bar> = entries
        .iter()
        .zip(0u32..)
        .map(|((label, count), row)| Bar {
            label: label.clone(),
            count: *count,
            y: row * BAR_ROW,
            width: count * BAR_MAX / most,
        })
        .collect();
    let description = entries
        .iter()
        .map(|(label, count)| format!("{label}: {count}"))
        .collect::<Vec<_>>()
        .join("; ");
    Chart {
        prompt: i18n
            .pick(&question.prompt_en, &question.prompt_cy)
            .to_owned(),
        height: u32::try_from(bars.len()).unwrap_or(0) * BAR_ROW + 4,
        bars,
        description,
        question: question.clone(),
    }
}

#[derive(Template)]
#[template(path = "pages/evaluation_results.html")]
struct ResultsPage {
    page: PageContext,
    heading: String,
    csv_url: String,
    results: EvaluationResults,
    charts: Vec<Chart>,
    /// Comments grouped under the question they answer.
    comments: Vec<(String, Vec<String>)>,
    /// When only the most recent comments are listed: "showing N of M".
    comments_note: Option<String>,
    /// For the programme and year page: its filter form.
    filter: Option<ResultsFilter>,
    back: Option<(String, String)>,
}

struct ResultsFilter {
    programmes: Vec<(String, String, String)>,
    programme_id: String,
    years: Vec<(String, String)>,
    academic_year: String,
}

// Askama calls a bare function in a template as a method of the template.
impl ResultsPage {
    fn fmt_pct(&self, value: &Option<f64>) -> String {
        value.map(|v| format!("{v}%")).unwrap_or_else(|| "–".into())
    }

    fn fmt_num(&self, value: &Option<f64>) -> String {
        value
            .map(|v| format!("{v:.2}"))
            .unwrap_or_else(|| "–".into())
    }
}

fn results_page(
    page: PageContext,
    heading: String,
    csv_url: String,
    results: EvaluationResults,
    filter: Option<ResultsFilter>,
    back: Option<(String, String)>,
) -> AppResult<HttpResponse> {
    let charts = results
        .questions
        .iter()
        .filter(|q| q.counts.is_some() || !q.choices.is_empty())
        .map(|q| chart(&page, q))
        .collect();
    let comments = results
        .questions
        .iter()
        .filter(|q| q.kind == QuestionKind::FreeText)
        .map(|q| {
            (
                page.i18n.pick(&q.prompt_en, &q.prompt_cy).to_owned(),
                results
                    .comments
                    .iter()
                    .filter(|c| c.question_id == q.question_id)
                    .map(|c| c.text.clone())
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    let listed = u32::try_from(results.comments.len()).unwrap_or(u32::MAX);
    let comments_note = (results.comments_total > listed).then(|| {
        crate::i18n::t_with(
            page.i18n.language,
            "evaluation-comments-showing",
            &[
                ("shown", results.comments.len().to_string()),
                ("total", results.comments_total.to_string()),
            ],
        )
    });
    render(
        StatusCode::OK,
        &ResultsPage {
            page,
            heading,
            csv_url,
            results,
            charts,
            comments,
            comments_note,
            filter,
            back,
        },
    )
}

#[get("/evaluations/rounds/{id}")]
pub async fn round_results(
    state: web::Data<AppState>,
    page: Page,
    round_id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let user = page.user.ok_or(AppError::Unauthenticated)?;
    let round_id = round_id.into_inner();
    let wanted = round_id.clone();
    let (found, cohort, programme, kind) = db::run(&state.pool, move |conn| {
        let found = results::compute(conn, &user, &Scope::Round(wanted.clone()))?;
        let round = crate::db::evaluations::find_round(conn, &wanted)?.ok_or(AppError::NotFound)?;
        let cohort = catalogue::find_cohort(conn, &round.cohort_id)?.ok_or(AppError::NotFound)?;
        let programme =
            catalogue::find_programme(conn, &cohort.programme_id)?.ok_or(AppError::NotFound)?;
        Ok((found, cohort, programme, round.kind))
    })
    .await?;
    let i18n = page.context.i18n;
    let kind = evaluation::RoundKind::parse(&kind).unwrap_or(evaluation::RoundKind::EndOfProgramme);
    let heading = format!(
        "{}: {} – {}",
        i18n.pick(&programme.title_en, &programme.title_cy),
        cohort.name,
        i18n.t(kind.label_key())
    );
    results_page(
        page.context,
        heading,
        format!("/api/v1/evaluation-rounds/{round_id}/results.csv"),
        found,
        None,
        Some((
            format!("/evaluations/cohorts/{}", cohort.id),
            i18n.t("evaluation-cohort-results"),
        )),
    )
}

#[get("/evaluations/cohorts/{id}")]
pub async fn cohort_results(
    state: web::Data<AppState>,
    page: Page,
    cohort_id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let user = page.user.ok_or(AppError::Unauthenticated)?;
    let cohort_id = cohort_id.into_inner();
    let wanted = cohort_id.clone();
    let manages = user.clone();
    let (found, cohort, programme, may_manage) = db::run(&state.pool, move |conn| {
        let found = results::compute(conn, &user, &Scope::Cohort(wanted.clone()))?;
        let cohort = catalogue::find_cohort(conn, &wanted)?.ok_or(AppError::NotFound)?;
        let programme =
            catalogue::find_programme(conn, &cohort.programme_id)?.ok_or(AppError::NotFound)?;
        let may_manage = crate::applications::may_manage(&manages, &cohort);
        Ok((found, cohort, programme, may_manage))
    })
    .await?;
    let i18n = page.context.i18n;
    let heading = format!(
        "{}: {}",
        i18n.pick(&programme.title_en, &programme.title_cy),
        cohort.name
    );
    results_page(
        page.context,
        heading,
        format!("/api/v1/cohorts/{cohort_id}/evaluation-results.csv"),
        found,
        None,
        may_manage.then(|| {
            (
                format!("/lead/cohorts/{cohort_id}/evaluations"),
                i18n.t("evaluation-rounds-title"),
            )
        }),
    )
}

#[get("/evaluations/results")]
pub async fn programme_results(
    state: web::Data<AppState>,
    page: Page,
    query: web::Query<ResultsQuery>,
) -> AppResult<HttpResponse> {
    let user = page.user.ok_or(AppError::Unauthenticated)?;
    let query = query.into_inner();
    let scope = programme_scope(&query)?;
    let scope_year = match &scope {
        Scope::Programmes { academic_year, .. } => *academic_year,
        _ => None,
    };
    let (found, programmes) = db::run_report(&state.pool, move |conn| {
        let found = results::compute(conn, &user, &scope)?;
        let programmes = catalogue::active_programmes(conn)?
            .into_iter()
            .map(|p| (p.id, p.title_en, p.title_cy))
            .collect::<Vec<_>>();
        Ok((found, programmes))
    })
    .await?;
    let this_year = academic_year::academic_year(chrono::Utc::now().date_naive());
    let years = (this_year - 4..=this_year)
        .rev()
        .map(|y| (y.to_string(), academic_year::academic_year_label(y)))
        .collect();
    let csv_query = serde_urlencoded::to_string([
        (
            "programme_id",
            query.programme_id.clone().unwrap_or_default(),
        ),
        (
            "academic_year",
            query.academic_year.clone().unwrap_or_default(),
        ),
    ])
    .unwrap_or_default();
    let i18n = page.context.i18n;
    let programme = query
        .programme_id
        .as_deref()
        .and_then(|id| programmes.iter().find(|p| p.0 == id))
        .map(|p| i18n.pick(&p.1, &p.2).to_owned())
        .unwrap_or_else(|| i18n.t("evaluation-all-programmes"));
    let year = match &scope_year {
        Some(year) => academic_year::academic_year_label(*year),
        None => i18n.t("evaluation-all-years"),
    };
    let heading = format!("{programme}, {year}");
    results_page(
        page.context,
        heading,
        format!("/api/v1/evaluation-results.csv?{csv_query}"),
        found,
        Some(ResultsFilter {
            programmes,
            programme_id: query.programme_id.unwrap_or_default(),
            years,
            academic_year: query.academic_year.unwrap_or_default(),
        }),
        None,
    )
}
