//! The enrolment pages: the catalogue with its Apply buttons, a person's applications, a
//! headteacher's endorsements, and a lead's cohorts and rosters. Every action is a plain form
//! post answered with a redirect, so nothing needs JavaScript.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use super::context::{Page, PageContext, render, see_other};
use crate::applications::{self, ApplicationView};
use crate::auth::{Authenticated, CurrentUser};
use crate::db::catalogue;
use crate::db::enrolments::{self, PendingEndorsement};
use crate::db::{self, stages};
use crate::domain::catalogue as rules;
use crate::domain::role::Role;
use crate::domain::stage::ContinuumStage;
use crate::error::{AppError, AppResult};
use crate::i18n::t;
use crate::state::AppState;

struct CohortRow {
    id: String,
    name: String,
    starts_on: chrono::NaiveDate,
    ends_on: chrono::NaiveDate,
    seats_available: i32,
    accepting: bool,
}

struct ProgrammeCard {
    code: String,
    title_en: String,
    title_cy: String,
    description_en: String,
    description_cy: String,
    delivery_language: String,
    requires_endorsement: bool,
    stage_names: Vec<String>,
    cohorts: Vec<CohortRow>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CatalogueFilter {
    stage: String,
    language: String,
    open: bool,
}

#[derive(Template)]
#[template(path = "pages/catalogue.html")]
struct CataloguePage {
    page: PageContext,
    stages: Vec<ContinuumStage>,
    filter: CatalogueFilter,
    programmes: Vec<ProgrammeCard>,
}

#[get("/programmes")]
pub async fn catalogue_page(
    state: web::Data<AppState>,
    page: Page,
    filter: web::Query<CatalogueFilter>,
) -> AppResult<HttpResponse> {
    let filter = filter.into_inner();
    let language = page.context.i18n.language;
    let wanted_language = match filter.language.trim() {
        "" => None,
        raw => rules::delivery_language("language", raw).ok(),
    };
    let stage = (!filter.stage.is_empty()).then(|| filter.stage.clone());
    let open_only = filter.open;
    let today = Utc::now().date_naive();
    let (all_stages, programmes) = db::run(&state.pool, move |conn| {
        let all_stages = stages::all(conn)?;
        let targets = catalogue::all_target_stages(conn)?;
        let cohorts = catalogue::all_cohorts(conn)?;
        let mut cards = Vec::new();
        for programme in catalogue::active_programmes(conn)? {
            let codes: Vec<&String> = targets
                .iter()
                .filter(|(p, _)| p == &programme.id)
                .map(|(_, s)| s)
                .collect();
            if stage
                .as_ref()
                .is_some_and(|s| !codes.is_empty() && !codes.contains(&s))
            {
                continue;
            }
            if wanted_language.as_ref().is_some_and(|l| {
                &programme.delivery_language != l && programme.delivery_language != "bilingual"
            }) {
                continue;
            }
            let rows: Vec<CohortRow> = cohorts
                .iter()
                .filter(|c| c.programme_id == programme.id && c.status != "completed")
                .map(|c| CohortRow {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    starts_on: c.starts_on,
                    ends_on: c.ends_on,
                    seats_available: (c.capacity - c.seats_taken).max(0),
                    accepting: applications::accepting_applications(c, today),
                })
                .collect();
            if open_only && !rows.iter().any(|r| r.accepting) {
                continue;
            }
            let stage_names = all_stages
                .iter()
                .filter(|s| codes.contains(&&s.code))
                .map(|s| language.pick(&s.name_en, &s.name_cy).to_owned())
                .collect();
            let title_order = language
                .pick(&programme.title_en, &programme.title_cy)
                .to_lowercase();
            cards.push((
                title_order,
                ProgrammeCard {
                    code: programme.code,
                    title_en: programme.title_en,
                    title_cy: programme.title_cy,
                    description_en: programme.description_en,
                    description_cy: programme.description_cy,
                    delivery_language: programme.delivery_language,
                    requires_endorsement: programme.requires_endorsement,
                    stage_names,
                    cohorts: rows,
                },
            ));
        }
        cards.sort_by(|a, b| a.0.cmp(&b.0));
        Ok((
            all_stages,
            cards.into_iter().map(|(_, card)| card).collect::<Vec<_>>(),
        ))
    })
    .await?;
    render(
        StatusCode::OK,
        &CataloguePage {
            page: page.context,
            stages: all_stages,
            filter,
            programmes,
        },
    )
}

#[post("/cohorts/{id}/apply")]
pub async fn apply(
    state: web::Data<AppState>,
    user: Authenticated,
    cohort_id: web::Path<String>,
) -> AppResult<HttpResponse> {
    match applications::apply(&state, user, cohort_id.into_inner(), Default::default()).await {
        Ok(outcome) => Ok(see_other(format!(
            "/applications?notice={}",
            outcome.status.as_str()
        ))),
        // The profile page says why, and has the button that sends the link again.
        Err(AppError::Refused("problem-confirm-email-first")) => {
            Ok(see_other("/profile?link=needed#confirm-email".to_owned()))
        }
        Err(other) => Err(other),
    }
}

#[derive(Template)]
#[template(path = "pages/applications.html")]
struct ApplicationsPage {
    page: PageContext,
    notice: Option<String>,
    applications: Vec<ApplicationView>,
    calendar_url: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NoticeQuery {
    notice: String,
}

fn notice_text(page: &PageContext, notice: &str) -> Option<String> {
    let key = match notice {
        "confirmed" => "notice-confirmed",
        "waitlisted" => "notice-waitlisted",
        "awaiting_endorsement" => "notice-awaiting-endorsement",
        "withdrawn" => "notice-withdrawn",
        "endorsed" => "notice-endorsed",
        "declined" => "notice-declined",
        "calendar-replaced" => "applications-notice-calendar-replaced",
        _ => return None,
    };
    Some(t(page.i18n.language, key))
}

#[get("/applications")]
pub async fn my_applications(
    state: web::Data<AppState>,
    page: Page,
    query: web::Query<NoticeQuery>,
) -> AppResult<HttpResponse> {
    let user = page.user.ok_or(AppError::Unauthenticated)?;
    let person_id = user.id().to_owned();
    let (applications, token) = db::run(&state.pool, move |conn| {
        Ok((
            applications::applications_of(conn, &person_id)?,
            crate::db::calendar::token_of(conn, &person_id)?,
        ))
    })
    .await?;
    let notice = notice_text(&page.context, &query.notice);
    let public_url = state.settings.public_url();
    let calendar_url = token.map(|t| crate::routes::api::calendar::feed_url(public_url, &t));
    render(
        StatusCode::OK,
        &ApplicationsPage {
            page: page.context,
            notice,
            applications,
            calendar_url,
        },
    )
}

#[post("/applications/{id}/withdraw")]
pub async fn withdraw(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    applications::withdraw(&state, user, id.into_inner(), None).await?;
    Ok(see_other("/applications?notice=withdrawn".into()))
}

#[derive(Template)]
#[template(path = "pages/endorsements.html")]
struct EndorsementsPage {
    page: PageContext,
    notice: Option<String>,
    pending: Vec<PendingEndorsement>,
    staff: Vec<enrolments::StaffApplication>,
}

#[get("/endorsements")]
pub async fn endorsements(
    state: web::Data<AppState>,
    page: Page,
    query: web::Query<NoticeQuery>,
) -> AppResult<HttpResponse> {
    let user = page.user.ok_or(AppError::Unauthenticated)?;
    user.require_any(&[Role::Headteacher])?;
    let schools: Vec<String> = user
        .grants
        .iter()
        .filter(|g| g.role() == Some(Role::Headteacher))
        .filter_map(|g| g.school_id.clone())
        .collect();
    let (pending, staff) = db::run(&state.pool, move |conn| {
        Ok((
            enrolments::awaiting_endorsement_at(conn, &schools, user.id())?,
            enrolments::staff_applications(conn, &schools)?,
        ))
    })
    .await?;
    let notice = notice_text(&page.context, &query.notice);
    render(
        StatusCode::OK,
        &EndorsementsPage {
            page: page.context,
            notice,
            pending,
            staff,
        },
    )
}

#[post("/applications/{id}/endorse")]
pub async fn endorse(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    applications::decide_endorsement(&state, user, id.into_inner(), true, None).await?;
    Ok(see_other("/endorsements?notice=endorsed".into()))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReasonForm {
    reason: String,
}

#[post("/applications/{id}/decline")]
pub async fn decline(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    form: web::Form<ReasonForm>,
) -> AppResult<HttpResponse> {
    let reason = crate::domain::reason::recorded(Some(&form.reason));
    applications::decide_endorsement(&state, user, id.into_inner(), false, reason).await?;
    Ok(see_other("/endorsements?notice=declined".into()))
}

#[derive(Template)]
#[template(path = "pages/emails.html")]
struct EmailsPage {
    page: PageContext,
    emails: Vec<crate::db::outbox::SentCopy>,
}

/// The emails Llwybr has sent the person, so nothing is lost in a busy inbox.
#[get("/emails")]
pub async fn my_emails(state: web::Data<AppState>, page: Page) -> AppResult<HttpResponse> {
    let user = page.user.ok_or(AppError::Unauthenticated)?;
    let email = user.person.email.clone();
    let emails = db::run(&state.pool, move |conn| {
        Ok(crate::db::outbox::copies_for(conn, &email, 100)?)
    })
    .await?;
    render(
        StatusCode::OK,
        &EmailsPage {
            page: page.context,
            emails,
        },
    )
}

/// Gives the person a new private calendar address: the first, or one in place of an address
/// shared by mistake, which stops working at once.
async fn new_calendar_address(
    state: &AppState,
    user: &CurrentUser,
    replace: bool,
) -> AppResult<()> {
    let person_id = user.id().to_owned();
    let token = crate::routes::api::calendar::new_token();
    db::run(&state.pool, move |conn| {
        if replace {
            crate::db::calendar::replace_token(conn, &person_id, &token)?;
        } else {
            crate::db::calendar::set_token_if_none(conn, &person_id, &token)?;
        }
        Ok(())
    })
    .await
}

/// Gives the person a private calendar address, once; the page then shows it.
#[post("/applications/calendar")]
pub async fn make_calendar(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> AppResult<HttpResponse> {
    new_calendar_address(&state, &user, false).await?;
    Ok(see_other("/applications".into()))
}

#[post("/applications/calendar/replace")]
pub async fn replace_calendar(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> AppResult<HttpResponse> {
    new_calendar_address(&state, &user, true).await?;
    Ok(see_other("/applications?notice=calendar-replaced".into()))
}
