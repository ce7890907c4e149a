use actix_web::{HttpResponse, get, post, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::json_body::Json;
use crate::auth::CurrentUser;
use crate::db::{self, people, stages};
use crate::domain::role::Role;
use crate::error::{AppError, AppResult, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct SchoolView {
    pub id: String,
    pub name_en: String,
    pub name_cy: String,
    pub local_authority_en: String,
    pub local_authority_cy: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StageRef {
    pub code: String,
    pub position: i32,
    pub name_en: String,
    pub name_cy: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonView {
    pub id: String,
    pub email: String,
    pub name: String,
    /// `en` or `cy`.
    pub preferred_language: String,
    pub roles: Vec<Role>,
    pub school: Option<SchoolView>,
    pub stage: Option<StageRef>,
    pub job_title: Option<String>,
    pub welsh_ability: Option<String>,
    /// False for someone who registered themselves and has not yet used the link sent to the
    /// address: they may not apply until they do.
    pub email_confirmed: bool,
}

pub async fn load_view(state: &AppState, person_id: String) -> AppResult<PersonView> {
    db::run(&state.pool, move |conn| {
        let person = people::find_by_id(conn, &person_id)?.ok_or(AppError::NotFound)?;
        let mut roles: Vec<Role> = people::grants_of(conn, &person.id)?
            .iter()
            .filter_map(|g| g.role())
            .collect();
        roles.sort();
        roles.dedup();
        let school = match &person.school_id {
            Some(id) => people::school_summary(conn, id)?.map(|s| SchoolView {
                id: s.id,
                name_en: s.name_en,
                name_cy: s.name_cy,
                local_authority_en: s.local_authority_en,
                local_authority_cy: s.local_authority_cy,
            }),
            None => None,
        };
        let stage = match &person.stage_code {
            Some(code) => stages::all(conn)?
                .into_iter()
                .find(|s| &s.code == code)
                .map(|s| StageRef {
                    code: s.code,
                    position: s.position,
                    name_en: s.name_en,
                    name_cy: s.name_cy,
                }),
            None => None,
        };
        let email_confirmed = !people::email_unconfirmed(conn, &person.id)?;
        Ok(PersonView {
            id: person.id,
            email: person.email,
            name: person.name,
            preferred_language: person.preferred_language,
            roles,
            school,
            stage,
            email_confirmed,
            job_title: person.job_title,
            welsh_ability: person.welsh_ability,
        })
    })
    .await
}

/// The signed-in person, with roles, school and continuum stage.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses(
        (status = 200, body = PersonView),
        (status = 401, description = "No token, or a bad or expired one", body = Problem, content_type = "application/problem+json")))]
#[get("/me")]
pub async fn me(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(load_view(&state, user.person.id).await?))
}

/// Change your own profile: name, language, school, continuum stage, job title, Welsh-language
/// ability. Fields left out keep their value; an empty string clears one.
#[utoipa::path(patch, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    request_body = crate::profile::ProfileUpdate,
    responses(
        (status = 200, body = PersonView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[actix_web::patch("/me")]
pub async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<crate::profile::ProfileUpdate>,
) -> AppResult<HttpResponse> {
    crate::profile::update(&state, &user, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(load_view(&state, user.person.id).await?))
}

/// Send the link that confirms your email address again: 202 when sent; 409 when the address
/// is confirmed already, or a link went out less than a minute ago.
#[utoipa::path(post, path = "/api/v1/me/email/confirmation", tag = "accounts", security(("bearer" = [])),
    responses(
        (status = 202, description = "A new link is on its way"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
#[post("/me/email/confirmation")]
pub async fn confirm_again(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> AppResult<HttpResponse> {
    use crate::auth::accounts::{LinkSent, send_confirmation_again};
    match send_confirmation_again(&state, user.person.id.clone()).await? {
        LinkSent::Sent => Ok(HttpResponse::Accepted().finish()),
        LinkSent::TooSoon => Err(AppError::Conflict("problem-confirmation-too-soon")),
        LinkSent::NotNeeded => Err(AppError::Conflict("problem-email-already-confirmed")),
    }
}
