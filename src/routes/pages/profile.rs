use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::context::{FormState, Page, PageContext, render};
use crate::db::catalogue;
use crate::db::people::{self, SchoolSummary};
use crate::db::{self, stages};
use crate::domain::stage::{ContinuumStage, StageStanding, standing};
use crate::error::{AppError, AppResult};
use crate::profile::{ProfileUpdate, WELSH_ABILITIES};
use crate::routes::api::me::{PersonView, load_view};
use crate::state::AppState;

struct PathwayRow {
    stage: ContinuumStage,
    standing: &'static str,
}

/// A programme aimed at the person's stage or the next one.
struct Suggestion {
    title_en: String,
    title_cy: String,
    stage_code: String,
}

#[derive(Template)]
#[template(path = "pages/profile.html")]
struct ProfilePage {
    page: PageContext,
    profile: PersonView,
    pathway: Vec<PathwayRow>,
    suggestions: Vec<Suggestion>,
    schools: Vec<SchoolSummary>,
    abilities: [&'static str; 6],
    form: FormState,
    saved: bool,
    /// Their address is not confirmed yet: the page offers to send the link again.
    email_unconfirmed: bool,
    /// The notice after asking for the link again, if any.
    link_notice: Option<&'static str>,
}

struct ProfileData {
    profile: PersonView,
    pathway: Vec<PathwayRow>,
    suggestions: Vec<Suggestion>,
    schools: Vec<SchoolSummary>,
}

async fn load(state: &AppState, person_id: String) -> AppResult<ProfileData> {
    let profile = load_view(state, person_id).await?;
    let current = profile.stage.as_ref().map(|s| s.position);
    let (all, targets, programmes, schools) = db::run(&state.pool, |conn| {
        Ok((
            stages::all(conn)?,
            catalogue::all_target_stages(conn)?,
            catalogue::active_programmes(conn)?,
            people::all_schools(conn)?,
        ))
    })
    .await?;
    // The stage the person is at and the one after it: what to do now and what comes next.
    let focus: Vec<&ContinuumStage> = match current {
        Some(position) => all
            .iter()
            .filter(|s| s.position == position || s.position == position + 1)
            .collect(),
        None => Vec::new(),
    };
    let suggestions = programmes
        .into_iter()
        .filter_map(|p| {
            let stage = focus.iter().find(|s| {
                targets
                    .iter()
                    .any(|(pid, code)| pid == &p.id && code == &s.code)
            })?;
            Some(Suggestion {
                title_en: p.title_en,
                title_cy: p.title_cy,
                stage_code: stage.code.clone(),
            })
        })
        .collect();
    let pathway = all
        .into_iter()
        .map(|stage| {
            let standing = match standing(stage.position, current) {
                StageStanding::Passed => "passed",
                StageStanding::Current => "current",
                StageStanding::Ahead => "ahead",
            };
            PathwayRow { stage, standing }
        })
        .collect();
    Ok(ProfileData {
        profile,
        pathway,
        suggestions,
        schools,
    })
}

fn form_from(profile: &PersonView) -> FormState {
    FormState::default()
        .with_value("name", &profile.name)
        .with_value("preferred_language", &profile.preferred_language)
        .with_value(
            "stage_code",
            profile
                .stage
                .as_ref()
                .map(|s| s.code.as_str())
                .unwrap_or(""),
        )
        .with_value(
            "school_id",
            profile.school.as_ref().map(|s| s.id.as_str()).unwrap_or(""),
        )
        .with_value("job_title", profile.job_title.as_deref().unwrap_or(""))
        .with_value(
            "welsh_ability",
            profile.welsh_ability.as_deref().unwrap_or(""),
        )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SavedQuery {
    saved: Option<String>,
    /// `sent` or `too_soon`, after asking for the confirmation link again.
    link: Option<String>,
}

#[get("/profile")]
pub async fn show(
    state: web::Data<AppState>,
    page: Page,
    query: web::Query<SavedQuery>,
) -> AppResult<HttpResponse> {
    let user = page.user.ok_or(AppError::Unauthenticated)?;
    let data = load(&state, user.person.id.clone()).await?;
    let form = form_from(&data.profile);
    render(
        StatusCode::OK,
        &ProfilePage {
            page: page.context,
            profile: data.profile,
            pathway: data.pathway,
            suggestions: data.suggestions,
            schools: data.schools,
            abilities: WELSH_ABILITIES,
            form,
            saved: query.saved.is_some(),
            email_unconfirmed: user.email_unconfirmed,
            link_notice: match query.link.as_deref() {
                Some("sent") => Some("profile-confirm-link-sent"),
                Some("too_soon") => Some("profile-confirm-link-too-soon"),
                Some("needed") => Some("profile-confirm-before-applying"),
                _ => None,
            },
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ProfileForm {
    name: String,
    preferred_language: String,
    stage_code: String,
    school_id: String,
    job_title: String,
    welsh_ability: String,
}

#[post("/profile")]
pub async fn save(
    state: web::Data<AppState>,
    page: Page,
    form: web::Form<ProfileForm>,
) -> AppResult<HttpResponse> {
    let user = page.user.ok_or(AppError::Unauthenticated)?;
    let form = form.into_inner();
    let update = ProfileUpdate {
        name: Some(form.name.clone()),
        preferred_language: Some(form.preferred_language.clone()),
        stage_code: Some(form.stage_code.clone()),
        school_id: Some(form.school_id.clone()),
        job_title: Some(form.job_title.clone()),
        welsh_ability: Some(form.welsh_ability.clone()),
    };
    match crate::profile::update(&state, &user, update).await {
        Ok(()) => Ok(HttpResponse::SeeOther()
            .cookie(super::session::language_cookie(
                crate::domain::language::Language::parse(&form.preferred_language)
                    .unwrap_or_default(),
            ))
            .insert_header((LOCATION, "/profile?saved=1"))
            .finish()),
        Err(AppError::Validation(errors)) => {
            let data = load(&state, user.person.id.clone()).await?;
            let language = page.context.i18n.language;
            let typed = FormState::default()
                .with_value("name", &form.name)
                .with_value("preferred_language", &form.preferred_language)
                .with_value("stage_code", &form.stage_code)
                .with_value("school_id", &form.school_id)
                .with_value("job_title", &form.job_title)
                .with_value("welsh_ability", &form.welsh_ability)
                .with_errors(language, &errors);
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ProfilePage {
                    page: page.context,
                    profile: data.profile,
                    pathway: data.pathway,
                    suggestions: data.suggestions,
                    schools: data.schools,
                    abilities: WELSH_ABILITIES,
                    form: typed,
                    saved: false,
                    email_unconfirmed: user.email_unconfirmed,
                    link_notice: None,
                },
            )
        }
        Err(other) => Err(other),
    }
}

/// Sends the link that confirms the person's address again; the page then says what happened.
#[post("/profile/email/confirm-again")]
pub async fn confirm_again(state: web::Data<AppState>, page: Page) -> AppResult<HttpResponse> {
    use crate::auth::accounts::{LinkSent, send_confirmation_again};
    let user = page.user.ok_or(AppError::Unauthenticated)?;
    let location = match send_confirmation_again(&state, user.person.id.clone()).await? {
        LinkSent::Sent => "/profile?link=sent",
        LinkSent::TooSoon => "/profile?link=too_soon",
        LinkSent::NotNeeded => "/profile",
    };
    Ok(super::context::see_other(location.to_owned()))
}
