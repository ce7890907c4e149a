use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json_body::Json;
use super::me::PersonView;
use crate::auth::accounts::{self, Registration};
use crate::error::{AppResult, Problem};
use crate::i18n::RequestLanguage;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(default)]
#[derive(Default)]
pub struct RegisterRequest {
    pub email: String,
    pub password: String,
    pub name: String,
    /// `en` or `cy`; the request's language when left out.
    pub preferred_language: Option<String>,
}

/// Create a participant account.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "accounts", request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created", body = PersonView),
        (status = 409, description = "The email already has an account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing or invalid", body = Problem, content_type = "application/problem+json")))]
#[post("/auth/register")]
pub async fn register(
    state: web::Data<AppState>,
    language: RequestLanguage,
    body: Json<RegisterRequest>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner();
    let person = accounts::register(
        &state,
        Registration {
            email: body.email,
            password: body.password,
            name: body.name,
            preferred_language: body.preferred_language,
        },
        language.0,
    )
    .await?;
    let view = super::me::load_view(&state, person.id).await?;
    Ok(HttpResponse::Created().json(view))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the token expires.
    pub expires_in: i64,
}

/// Exchange an email and password for an access token.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "accounts", request_body = LoginRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, description = "Wrong email or password (which one is not said)", body = Problem, content_type = "application/problem+json")))]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    body: Json<LoginRequest>,
) -> AppResult<HttpResponse> {
    let person = accounts::authenticate(&state, &body.email, &body.password).await?;
    let access_token = state.tokens.issue(&person.id, Utc::now())?;
    Ok(HttpResponse::Ok().json(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: state.tokens.ttl_seconds(),
    }))
}

/// Forget the session cookie. A bearer token stays valid until it expires; clients discard it.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "accounts", responses((status = 204)))]
#[post("/auth/logout")]
pub async fn logout() -> HttpResponse {
    HttpResponse::NoContent()
        .cookie(crate::routes::pages::session::expired_cookie())
        .finish()
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct PasswordResetRequest {
    pub email: String,
}

/// Email a single-use password-reset link, if the address has an account. 202 for every
/// well-formed address, so the answer does not reveal who has an account; 422 for one that
/// cannot be an address.
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "accounts", request_body = PasswordResetRequest,
    responses((status = 202), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/auth/password-reset")]
pub async fn request_password_reset(
    state: web::Data<AppState>,
    body: Json<PasswordResetRequest>,
) -> AppResult<HttpResponse> {
    accounts::request_password_reset(&state, &body.email).await?;
    Ok(HttpResponse::Accepted().finish())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct PasswordResetConfirm {
    /// The token from the emailed link.
    pub token: String,
    pub password: String,
}

/// Set a new password with the emailed token. The token works once, within its time limit.
#[utoipa::path(post, path = "/api/v1/auth/password-reset/confirm", tag = "accounts", request_body = PasswordResetConfirm,
    responses(
        (status = 204),
        (status = 422, description = "Token spent, expired or unknown, or the password is too weak", body = Problem, content_type = "application/problem+json")))]
#[post("/auth/password-reset/confirm")]
pub async fn reset_password(
    state: web::Data<AppState>,
    body: Json<PasswordResetConfirm>,
) -> AppResult<HttpResponse> {
    accounts::reset_password(&state, &body.token, &body.password).await?;
    Ok(HttpResponse::NoContent().finish())
}
